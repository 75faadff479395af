package otherworld.kernel.fault;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.verified.Sv39;

/**
 * Where a fault can strike, found from outside the kernel as a hardware fault injector would: the root descriptor,
 * the current kernel header and the layout table, read straight from RAM. Read-only; every address it returns is
 * inside RAM.
 */
public final class Targets {
    private Targets() { }

    /** A byte range of one live kernel structure: its kind (one of {@link #KINDS}), address and length. */
    public record Range(String kind, long pa, int len) { }

    /**
     * Kinds of live kernel structure a bit flip can hit (fault type 3). "trap-frame" is the saved user registers of
     * a task record, counted apart from its kernel fields ("task"). A "pipe" or a "tty" is its record without its
     * ring of bytes (those are data in transit, as a user page is).
     */
    public static final List<String> KINDS = List.of("task", "trap-frame", "fd-table", "open-file", "pte",
            "cache-header", "tty", "pipe");

    static long header(PhysicalMemory ram) {
        if (ram.read32(ROOT_PA) != ROOT.magic) return -1;
        long h = ram.read64(ROOT_PA + ROOT_HEADER);
        return ram.contains(h, KHDR.size()) && ram.read32(h) == KHDR.magic ? h : -1;
    }

    /** The current kernel's structures: [region base, page-table pool). Null if there is no kernel header. */
    public static long[] kernelStructures(PhysicalMemory ram) {
        long h = header(ram);
        if (h < 0) return null;
        long base = ram.read64(h + KH_REGION_BASE), pool = ram.read64(h + KH_PT_POOL);
        return pool > base && ram.contains(base, pool - base) ? new long[] {base, pool - base} : null;
    }

    /** Live (runnable or blocked) task records' addresses. */
    public static List<Long> liveTasks(PhysicalMemory ram) {
        List<Long> out = new ArrayList<>();
        long h = header(ram);
        if (h < 0) return out;
        long tasks = ram.read64(h + KH_TASKS);
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            if (!ram.contains(t, TASK.size())) break;
            int st = ram.read32(t + T_STATE);
            if (st == TASK_RUNNABLE || st == TASK_BLOCKED) out.add(t);
        }
        return out;
    }

    /** Every live structure of the given kind. */
    public static List<Range> of(PhysicalMemory ram, String kind) {
        List<Range> out = new ArrayList<>();
        long h = header(ram);
        if (h < 0) return out;
        switch (kind) {
            case "task" -> {
                for (long t : liveTasks(ram)) {
                    out.add(new Range(kind, t, T_FD)); // magic .. vmas (the fd table and trap frame are kinds of their own)
                    out.add(new Range(kind, t + T_SYSWORD, 8));
                }
            }
            case "trap-frame" -> {
                for (long t : liveTasks(ram)) out.add(new Range(kind, t + T_PC, TASK.size() - T_PC));
            }
            case "fd-table" -> {
                for (long t : liveTasks(ram)) out.add(new Range(kind, t + T_FD, NOFILE * 4));
            }
            case "open-file" -> {
                long files = ram.read64(h + KH_FILES);
                for (int f = 0; f < MAX_FILES; f++) {
                    long fe = files + (long) f * FILE.size();
                    if (ram.contains(fe, FILE.size()) && ram.read32(fe + F_REFS) > 0) out.add(new Range(kind, fe, FILE.size()));
                }
            }
            case "pte" -> {
                for (long t : liveTasks(ram)) ptes(ram, Sv39.satpRootPa(ram.read64(t + T_SATP)), 2, out);
            }
            case "cache-header" -> {
                long c = ram.read64(h + KH_CACHE);
                if (!ram.contains(c, BlockCache.HEADER.size())) break;
                out.add(new Range(kind, c, BlockCache.HEADER.size()));
                int slots = ram.read32(c + BlockCache.H_SLOTS);
                for (int i = 0; i < Math.min(slots, BlockCache.MAX_SLOTS); i++) {
                    long s = c + BlockCache.HEADER.size() + (long) i * BlockCache.SLOT.size();
                    if (!ram.contains(s, BlockCache.SLOT.size())) break;
                    if ((ram.read32(s + BlockCache.S_FLAGS) & BlockCache.VALID) != 0) out.add(new Range(kind, s, BlockCache.SLOT.size()));
                }
            }
            case "tty" -> {
                long ttys = ram.read64(h + KH_TTYS);
                int n = Math.min(ram.read32(h + KH_NTTYS), MAX_TTYS);
                for (int i = 0; i < n; i++) {
                    long r = ttys + (long) i * TTY.size();
                    if (ram.contains(r, TTY.size())) out.add(new Range(kind, r, TTY_DATA)); // the record, not its ring
                }
            }
            case "pipe" -> {
                long files = ram.read64(h + KH_FILES), pipes = ram.read64(h + KH_PIPES);
                java.util.Set<Integer> seen = new java.util.TreeSet<>();
                for (int f = 0; f < MAX_FILES; f++) {
                    long fe = files + (long) f * FILE.size();
                    if (!ram.contains(fe, FILE.size()) || ram.read32(fe + F_REFS) <= 0 || ram.read32(fe + F_TYPE) != FT_PIPE) continue;
                    int p = ram.read32(fe + F_INO);
                    long pa = pipes + (long) p * PIPE.size();
                    if (p >= 0 && p < MAX_PIPES && ram.contains(pa, PIPE.size()) && seen.add(p)) out.add(new Range(kind, pa, PI_DATA));
                }
            }
            default -> throw new IllegalArgumentException("no kernel structure kind '" + kind + "'; kinds: " + KINDS);
        }
        return out;
    }

    private static void ptes(PhysicalMemory ram, long table, int level, List<Range> out) {
        if (!ram.contains(table, Sv39.PAGE_SIZE)) return;
        for (int i = 0; i < 512; i++) {
            long pte = ram.read64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            out.add(new Range("pte", table + 8L * i, 8));
            if (level > 0 && !Sv39.isLeaf(pte)) ptes(ram, Sv39.paOf(Sv39.ptePpn(pte)), level - 1, out);
        }
    }

    /** The user pages of a live task: {va, pa} of each valid user leaf. */
    public static List<long[]> userPages(PhysicalMemory ram, long task) {
        List<long[]> out = new ArrayList<>();
        userLeaves(ram, Sv39.satpRootPa(ram.read64(task + T_SATP)), 2, 0, out);
        return out;
    }

    private static void userLeaves(PhysicalMemory ram, long table, int level, long va, List<long[]> out) {
        if (!ram.contains(table, Sv39.PAGE_SIZE)) return;
        for (int i = 0; i < 512; i++) {
            long pte = ram.read64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            long v = va | ((long) i << (12 + 9 * level));
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            if (Sv39.isLeaf(pte)) {
                if ((Sv39.pteFlags(pte) & Sv39.PTE_U) != 0 && ram.contains(pa, Sv39.PAGE_SIZE)) out.add(new long[] {v, pa});
            } else if (level > 0) {
                userLeaves(ram, pa, level - 1, v, out);
            }
        }
    }
}
