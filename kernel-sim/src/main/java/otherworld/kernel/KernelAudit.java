package otherworld.kernel;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.CheckBits;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.CopyOnWrite;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.mm.Vmas;
import otherworld.kernel.verified.Sv39;

/**
 * A leak and consistency audit of the current kernel, read from guest RAM through the layout table (like fsck for
 * kernel memory; tests run it after every resurrection and at the end of a run). It accounts for every frame the
 * frame bitmap marks used — the root area, the kernel's structures (its region up to the page-table pool), the
 * crash region, and the page tables and pages of every live process — and for every open-file reference:
 * <ul>
 *   <li>a used frame that nothing accounts for is a leak; a frame in use by a process but marked free, or claimed
 *       twice (a table reached twice, or a page mapped twice where one mapping can write it), is corruption;</li>
 *   <li>shared frames are counted: a page mapped by n address spaces (copy-on-write after fork, all read-only, or a
 *       shared anonymous mapping passed on by fork, writable in all) has
 *       the sharing count n − 1, every other frame 0; a vfork child uses its lender's tables, claimed once;</li>
 *   <li>an open-file entry's reference count equals the number of fd slots of live processes that name it, and a
 *       process that exited holds no fd;</li>
 *   <li>the page cache passes its own validation.</li>
 * </ul>
 * Read-only; returns the problems found, empty when the kernel is clean.
 */
public final class KernelAudit {
    private KernelAudit() { }

    public static List<String> check(PhysicalMemory ram) {
        List<String> p = new ArrayList<>();
        try {
            check(ram, p);
        } catch (RuntimeException e) { // a header a wild write left wrong: what it names is not there to read
            p.add("audit stopped: " + e);
        }
        return p;
    }

    private static void check(PhysicalMemory ram, List<String> p) {
        long h = ram.read64(ROOT_PA + ROOT_HEADER);
        int nframes = (int) ram.read64(h + KH_NFRAMES);
        long bitmap = ram.read64(h + KH_BITMAP);
        BitSet kernel = new BitSet(nframes);
        expect(ram, kernel, ram.base(), FIRST_REGION_PA - ram.base(), "root area", p);
        long regionBase = ram.read64(h + KH_REGION_BASE);
        expect(ram, kernel, regionBase, ram.read64(h + KH_PT_POOL) - regionBase, "kernel structures", p);
        expect(ram, kernel, ram.read64(h + KH_CRASH_BASE), ram.read64(h + KH_CRASH_SIZE), "crash region", p);
        long tableCodes = ram.read64(h + KH_TABLE_CODES);
        if (tableCodes != 0) expect(ram, kernel, tableCodes, Region.tableCodesSize(ram.size()), "page-table check bytes", p);
        long codes = ram.read64(h + KH_CODES);
        if (codes != 0) checkBytes(ram, regionBase, codes, p);
        BitSet owned = new BitSet(nframes);
        // shared file pages: their frames are the table's, mapped (PTE_SHARED) by any number of tasks
        long fpages = ram.read64(h + KH_FPAGES);
        BitSet filePages = new BitSet(nframes);
        int hwm = ram.read32(fpages + FP_HWM);
        if (hwm < 0 || hwm > MAX_FPAGES) p.add("file pages: high-water mark " + hwm + " outside 0.." + MAX_FPAGES);
        int below = Math.max(0, Math.min(hwm, MAX_FPAGES)); // the entries a scan looks at; all others must be free
        for (int e = 0; e < below; e++) {
            long a = FilePages.entry(fpages, e);
            if (ram.read32(a + FE_STATE) == FPAGE_FREE) continue;
            long frame = ram.read64(a + FE_FRAME);
            if (!ram.contains(frame, Sv39.PAGE_SIZE)) {
                p.add(String.format("file page %d: frame 0x%x outside RAM", e, frame));
                continue;
            }
            if (claim(ram, owned, frame, 0, "file page", p)) filePages.set((int) ((frame - ram.base()) / Sv39.PAGE_SIZE));
        }
        for (int e = below; e < MAX_FPAGES; e++) {
            if (ram.read32(FilePages.entry(fpages, e) + FE_STATE) != FPAGE_FREE) p.add("file page " + e + " in use above hwm");
        }
        long vmas = ram.read64(h + KH_VMAS);
        long tasks = ram.read64(h + KH_TASKS);
        long files = ram.read64(h + KH_FILES);
        Map<Integer, Integer> fdRefs = new HashMap<>();
        Map<Long, int[]> pages = new HashMap<>(); // frame -> {mappings, writable mappings}
        long procs = ram.read64(h + KH_PROCS);
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            int state = ram.read32(t + T_STATE);
            int pid = ram.read32(t + T_PID);
            if (state == TASK_FREE) continue;
            for (int fd = 0; fd < NOFILE; fd++) {
                int f = ram.read32(t + T_FD + 4L * fd);
                if (f == -1) continue;
                if (state == TASK_ZOMBIE) p.add("pid " + pid + " has exited but holds fd " + fd);
                else fdRefs.merge(f, 1, Integer::sum);
            }
            Vmas table = new Vmas(new ReadOnlyMem(ram), vmas, i);
            if (state == TASK_ZOMBIE) {
                if (table.count(0) != 0 || table.count(1) != 0) p.add("pid " + pid + " has exited but holds VMAs");
                continue;
            }
            List<Vma> l = table.list();
            for (String c : Vmas.check(l)) p.add("pid " + pid + ": " + c);
            int lender = ram.read32(procs + (long) i * PROC.size() + P_VM_PARENT) - 1;
            if (lender >= 0) {
                if (lender >= MAX_TASKS || ram.read64(tasks + (long) lender * TASK.size() + T_SATP) != ram.read64(t + T_SATP)) {
                    p.add("pid " + pid + ": a vfork child whose address space is not its lender's");
                }
                continue;
            }
            claimTables(ram, kernel, owned, pages, filePages, l, Sv39.satpRootPa(ram.read64(t + T_SATP)), 2, 0, pid, p);
        }
        long frameRefs = ram.read64(h + KH_FRAME_REFS);
        for (int i = 0; i < nframes; i++) {
            long pa = ram.base() + (long) i * Sv39.PAGE_SIZE;
            int[] m = pages.get(pa);
            int expect = m == null ? 0 : m[0] - 1;
            int recorded = ram.read16(frameRefs + 2L * i);
            if (recorded != expect) p.add(String.format("frame 0x%x: sharing count %d, %d mappings", pa, recorded, expect + 1));
            if (m != null && m[0] > 1 && m[1] > 0) p.add(String.format("frame 0x%x: shared by %d mappings, writable in %d", pa, m[0], m[1]));
        }
        for (int f = 0; f < MAX_FILES; f++) {
            int refs = ram.read32(files + (long) f * FILE.size() + F_REFS);
            int held = fdRefs.getOrDefault(f, 0);
            if (refs != held) p.add("open file " + f + ": " + refs + " references recorded, " + held + " fds hold it");
        }
        BitSet expected = (BitSet) kernel.clone();
        expected.or(owned);
        for (int i = 0; i < nframes; i++) {
            boolean used = (ram.read64(bitmap + (i / 64) * 8L) >>> (i % 64) & 1) != 0;
            long pa = ram.base() + (long) i * Sv39.PAGE_SIZE;
            if (used && !expected.get(i)) p.add(String.format("frame 0x%x leaked: marked used, owned by nothing", pa));
            if (!used && expected.get(i)) p.add(String.format("frame 0x%x in use but marked free", pa));
        }
        for (String c : BlockCache.validate(new ReadOnlyMem(ram), ram.read64(h + KH_CACHE))) p.add("page cache: " + c);
    }

    /** The frames of [pa, pa + len) are the kernel's; a range the header gives outside RAM is a problem, not a throw. */
    private static void expect(PhysicalMemory ram, BitSet expected, long pa, long len, String what, List<String> p) {
        if (len == 0) return;
        if (len < 0 || !ram.contains(pa, len)) {
            p.add(String.format("header: %s [0x%x, +0x%x) is not in RAM", what, pa, len));
            return;
        }
        for (long a = pa; a < pa + len; a += Sv39.PAGE_SIZE) expected.set((int) ((a - ram.base()) / Sv39.PAGE_SIZE));
    }

    /**
     * Claim the table at pa and, below it, every table and leaf frame; a frame claimed twice is reported, and so is
     * a page (not a table: a crash kernel builds tables in its region's pool) inside a kernel region.
     */
    private static void claimTables(PhysicalMemory ram, BitSet kernel, BitSet owned, Map<Long, int[]> pages,
                                    BitSet filePages, List<Vma> vmas, long table, int level, long vaBase, int pid,
                                    List<String> p) {
        if (!claim(ram, owned, table, pid, "page table", p)) return;
        long h = ram.read64(ROOT_PA + ROOT_HEADER), tableCodes = ram.read64(h + KH_TABLE_CODES);
        for (int i = 0; i < 512; i++) {
            long pte = ram.read64(table + 8L * i);
            if (tableCodes != 0 && CheckBits.judge(otherworld.kernel.mem.CodedMem.tableBits(pte),
                    ram.read8(tableCodes + (table + 8L * i - ram.base()) / 8)) != CheckBits.Verdict.SOUND) {
                p.add(String.format("pid %d: page-table word at 0x%x disagrees with its check byte", pid, table + 8L * i));
            }
            if (!Sv39.isValid(pte)) continue;
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            long va = vaBase | ((long) i << (12 + 9 * level));
            if (level == 0 || Sv39.isLeaf(pte)) {
                boolean inside = false;
                for (Vma v : vmas) inside |= v.contains(va) && (v.flags() & VM_GUARD) == 0;
                if (!inside) p.add(String.format("pid %d: page 0x%x mapped outside every vma", pid, va));
                if ((pte & PageTable.PTE_SHARED) != 0) {
                    if (!ram.contains(pa, Sv39.PAGE_SIZE) || !filePages.get((int) ((pa - ram.base()) / Sv39.PAGE_SIZE))) {
                        p.add(String.format("pid %d: shared page 0x%x maps frame 0x%x, no file page", pid, va, pa));
                    }
                    continue;
                }
                if (!ram.contains(pa, Sv39.PAGE_SIZE)) {
                    p.add(String.format("pid %d: page 0x%x outside RAM", pid, pa));
                    continue;
                }
                int[] m = pages.computeIfAbsent(pa, x -> new int[2]);
                m[0]++;
                if (CopyOnWrite.writable(pte) && !Vmas.sharedAnon(vmas, va)) m[1]++; // shared anonymous: writable by all
                if (m[0] > 1) continue;
                int f = (int) ((pa - ram.base()) / Sv39.PAGE_SIZE);
                if (owned.get(f)) p.add(String.format("pid %d: page 0x%x is also a page table", pid, pa));
                owned.set(f);
                if (kernel.get(f)) p.add(String.format("pid %d: page 0x%x lies in a kernel region", pid, pa));
            } else {
                claimTables(ram, kernel, owned, pages, filePages, vmas, pa, level - 1, va, pid, p);
            }
        }
    }

    private static boolean claim(PhysicalMemory ram, BitSet owned, long pa, int pid, String what, List<String> p) {
        if (!ram.contains(pa, Sv39.PAGE_SIZE)) {
            p.add(String.format("pid %d: %s 0x%x outside RAM", pid, what, pa));
            return false;
        }
        int i = (int) ((pa - ram.base()) / Sv39.PAGE_SIZE);
        if (owned.get(i)) {
            p.add(String.format("pid %d: %s 0x%x is claimed twice", pid, what, pa));
            return false;
        }
        owned.set(i);
        return true;
    }

    /** Enhanced mode: every word of the structures agrees with its check byte (the kernel wrote nothing around them). */
    private static void checkBytes(PhysicalMemory ram, long base, long end, List<String> p) {
        int bad = 0;
        for (long w = base; w < end; w += 8) {
            if (CheckBits.judgePair(ram.read64(w), ram.read16(otherworld.kernel.mem.CodedMem.pairAt(end, base, w))) != CheckBits.Verdict.SOUND
                    && bad++ < 3) {
                p.add(String.format("check bytes: the word at 0x%x disagrees with its check byte", w));
            }
        }
        if (bad > 3) p.add("check bytes: " + bad + " words in all disagree with their check bytes");
    }
}
