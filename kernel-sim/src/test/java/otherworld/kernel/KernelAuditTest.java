package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;
import otherworld.userland.Programs;

/**
 * The audit that every crash test runs after a resurrection (and the fuzzing trusts to judge a resurrected kernel) has
 * teeth: a kernel caught between two system calls of a run (checksum and kvstore, files open) audits clean, and each
 * kind of leak or corruption the audit looks for, made in a copy of that RAM, is reported by what it is.
 */
class KernelAuditTest {
    /** Once a JVM (the mutation run runs each test on its own): RAM at the 300th call, and one copy to corrupt. */
    static final byte[] image = catchAKernelBetweenTwoCalls();
    static final PhysicalMemory scratch = new PhysicalMemory(image.length);

    /** The RAM of the snapshot again, in the one scratch copy (64 MiB each: one copy, not one a case). */
    static PhysicalMemory fresh() { return fresh(image); }

    static PhysicalMemory fresh(byte[] from) {
        assertEquals(image.length, from.length, "every snapshot has the same RAM");
        scratch.write(scratch.base(), from, 0, from.length);
        return scratch;
    }

    static byte[] catchAKernelBetweenTwoCalls() {
        int[] calls = {0};
        return snapshot(new Scenario().add(Guests.program("checksum", "200")).add(Guests.program("kvstore")),
                nr -> ++calls[0] == 300, "the run made 300 system calls");
    }

    /** RAM at the start of the first system call for which at holds (the run then finished). */
    static byte[] snapshot(Scenario s, java.util.function.IntPredicate at, String what) {
        byte[][] snap = new byte[1][];
        Scenario.Result r = s.probe(m -> new KernelHooks() {
            @Override public void syscallStarted(int nr) {
                if (snap[0] == null && at.test(nr)) {
                    snap[0] = new byte[(int) m.memory.size()];
                    m.memory.read(m.memory.base(), snap[0], 0, snap[0].length);
                }
            }
        }).run();
        assertTrue(r.allExited());
        assertNotNull(snap[0], what);
        return snap[0];
    }

    /** sharedmap (2 pages) in its pause: a file mapped shared, its pages the file-page table's frames. Made on first use. */
    static final class Shared {
        static final byte[] IMAGE = snapshot(new Scenario().add(Guests.program("sharedmap", "2")),
                nr -> Sysno.name(nr).equals("clock_nanosleep"), "sharedmap paused");
    }

    /** spawner's vfork child making its execve: it runs on its lender's tables. Made on first use. */
    static final class Vforked {
        static final byte[] IMAGE = snapshot(new Scenario().add(Guests.program("spawner", "vfork", "/bin/hello"))
                .file("/bin/hello", Programs.get("hello").binary()), nr -> Sysno.name(nr).equals("execve"),
                "the vfork child made an execve");
    }

    /** The audit of ram finds exactly these problems. */
    static void audits(PhysicalMemory ram, String... expected) {
        assertEquals(List.of(expected), KernelAudit.check(ram));
    }

    static long header(PhysicalMemory ram) { return ram.read64(ROOT_PA + ROOT_HEADER); }

    static long task(PhysicalMemory ram, int slot) { return ram.read64(header(ram) + KH_TASKS) + (long) slot * TASK.size(); }

    static long root(PhysicalMemory ram, int slot) { return Sv39.satpRootPa(ram.read64(task(ram, slot) + T_SATP)); }

    static int frameIndex(PhysicalMemory ram, long pa) { return (int) ((pa - ram.base()) / Sv39.PAGE_SIZE); }

    static long bitmapWord(PhysicalMemory ram, int frame) { return ram.read64(header(ram) + KH_BITMAP) + (frame / 64) * 8L; }

    /** Physical address of the first valid PTE of the table at pa. */
    static long firstValid(PhysicalMemory ram, long table) {
        for (int i = 0; i < 512; i++) if (Sv39.isValid(ram.read64(table + 8L * i))) return table + 8L * i;
        throw new IllegalStateException("no valid pte");
    }

    /** Physical address of the first leaf PTE of slot's address space. */
    static long firstLeafPte(PhysicalMemory ram, int slot) {
        long l1 = Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(ram, root(ram, slot)))));
        long l0 = Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(ram, l1))));
        return firstValid(ram, l0);
    }

    static void pointTo(PhysicalMemory ram, long ptePa, long pa) {
        ram.write64(ptePa, Sv39.makePte(Sv39.ppnOf(pa), Sv39.pteFlags(ram.read64(ptePa))));
    }

    /** The audit of a copy of the live RAM with one corruption made: it must contain a line with expected. */
    static void reports(String expected, Consumer<PhysicalMemory> corrupt) {
        PhysicalMemory ram = fresh();
        corrupt.accept(ram);
        List<String> found = KernelAudit.check(ram);
        assertTrue(found.stream().anyMatch(l -> l.contains(expected)), "expected \"" + expected + "\" in " + found);
    }

    @Test
    void aKernelBetweenTwoCallsIsClean() {
        PhysicalMemory ram = fresh();
        assertEquals(List.of(), KernelAudit.check(ram));
        assertEquals(2, ram.read32(task(ram, 1) + T_PID), "two processes to corrupt");
    }

    /** A header field a wild write left out of range is reported, not thrown (campaign case sigtest:wild-write:12f8…). */
    @Test
    void aHeaderNamingMemoryOutsideRamIsReportedNotThrown() {
        reports("header: crash region", ram -> ram.write64(header(ram) + KH_CRASH_SIZE, ram.read64(header(ram) + KH_CRASH_SIZE) | 1L << 48));
        reports("audit stopped", ram -> ram.write64(header(ram) + KH_NFRAMES, -5));
    }

    @Test
    void aFrameMarkedUsedThatNothingOwnsIsALeak() {
        PhysicalMemory ram = fresh();
        int n = (int) ram.read64(header(ram) + KH_NFRAMES);
        int f = n - 1;
        while (f >= 0 && (ram.read64(bitmapWord(ram, f)) >>> (f % 64) & 1) != 0) f--;
        assertTrue(f > 0, "a free frame");
        ram.write64(bitmapWord(ram, f), ram.read64(bitmapWord(ram, f)) | 1L << (f % 64));
        audits(ram, String.format("frame 0x%x leaked: marked used, owned by nothing", ram.base() + f * Sv39.PAGE_SIZE));
    }

    @Test
    void aProcessFrameMarkedFreeIsReported() {
        reports("in use but marked free", ram -> {
            int f = frameIndex(ram, root(ram, 0));
            long w = bitmapWord(ram, f);
            ram.write64(w, ram.read64(w) & ~(1L << (f % 64)));
        });
    }

    @Test
    void aKernelRegionFrameMarkedFreeIsReported() {
        reports("in use but marked free", ram -> {
            int f = frameIndex(ram, ram.read64(header(ram) + KH_CRASH_BASE)); // the crash region's first frame
            long w = bitmapWord(ram, f);
            ram.write64(w, ram.read64(w) & ~(1L << (f % 64)));
        });
    }

    @Test
    void aWrongSharingCountIsReported() {
        reports("sharing count 1, 1 mappings", ram -> {
            long pa = Sv39.paOf(Sv39.ptePpn(ram.read64(firstLeafPte(ram, 0))));
            ram.write16(ram.read64(header(ram) + KH_FRAME_REFS) + 2L * frameIndex(ram, pa), 1);
        });
    }

    @Test
    void aReferenceCountThatNoFdAccountsForIsReported() {
        reports("2 references recorded, 1 fds hold it", ram -> {
            long files = ram.read64(header(ram) + KH_FILES);
            int f = ram.read32(task(ram, 1) + T_FD + 4L * 3); // kvstore's first file
            assertTrue(f >= 0, "kvstore has fd 3 open");
            long fe = files + (long) f * FILE.size();
            assertEquals(1, ram.read32(fe + F_REFS));
            ram.write32(fe + F_REFS, 2);
        });
    }

    @Test
    void aProcessThatExitedHoldsNothing() {
        PhysicalMemory zombie = fresh();
        List<String> open = new java.util.ArrayList<>();
        for (int fd = 0; fd < NOFILE; fd++) {
            if (zombie.read32(task(zombie, 0) + T_FD + 4L * fd) != -1) open.add("pid 1 has exited but holds fd " + fd);
        }
        assertTrue(open.size() >= 3, "stdio open: " + open);
        zombie.write32(task(zombie, 0) + T_STATE, TASK_ZOMBIE);
        assertEquals(open, KernelAudit.check(zombie).stream().filter(l -> l.contains("holds fd")).toList(), "its open fds only");
        reports("has exited but holds VMAs", ram -> {
            long t = task(ram, 0);
            for (int fd = 0; fd < NOFILE; fd++) ram.write32(t + T_FD + 4L * fd, -1);
            ram.write32(t + T_STATE, TASK_ZOMBIE);
        });
    }

    @Test
    void aPageOutsideEveryVmaIsReported() {
        reports("mapped outside every vma", ram -> {
            long vmat = ram.read64(header(ram) + KH_VMAS);
            int active = ram.read32(vmat + VT_ACTIVE);
            ram.write32(vmat + VT_COUNT + 4L * active, 0); // slot 0's list in force emptied, its pages still mapped
        });
    }

    @Test
    void aPageThatIsAlsoAPageTableOrInAKernelRegionIsReported() {
        reports("is also a page table", ram -> pointTo(ram, firstLeafPte(ram, 1), root(ram, 0)));
        reports("lies in a kernel region", ram -> pointTo(ram, firstLeafPte(ram, 0), ram.read64(header(ram) + KH_REGION_BASE)));
        reports("outside RAM", ram -> pointTo(ram, firstLeafPte(ram, 0), ram.base() + ram.size()));
        reports("is claimed twice", ram -> pointTo(ram, firstValid(ram, root(ram, 1)), root(ram, 0))); // a table claimed twice
    }

    @Test
    void aWritablePageOfTwoProcessesIsReported() {
        reports("writable in", ram -> {
            long pte0 = ram.read64(firstLeafPte(ram, 0));
            long pte1 = firstLeafPte(ram, 1);
            ram.write64(pte1, Sv39.makePte(Sv39.ptePpn(pte0), Sv39.pteFlags(ram.read64(pte1)) | Sv39.PTE_W));
        });
    }

    @Test
    void aVforkChildMustShareItsLendersAddressSpace() {
        reports("a vfork child whose address space is not its lender's", ram -> {
            long procs = ram.read64(header(ram) + KH_PROCS);
            ram.write32(procs + PROC.size() + P_VM_PARENT, 1); // slot 1 borrows slot 0's, but has its own
        });
    }

    @Test
    void filePagesAreAccountedFor() {
        PhysicalMemory ram = fresh();
        long fp = ram.read64(header(ram) + KH_FPAGES);
        int hwm = ram.read32(fp + FP_HWM);
        long e = FilePages.entry(fp, hwm);
        ram.write32(e + FE_STATE, FPAGE_USED);
        audits(ram, "file page " + hwm + " in use above hwm");
        ram.write64(e + FE_FRAME, ram.base() - Sv39.PAGE_SIZE);
        ram.write32(fp + FP_HWM, hwm + 1);
        audits(ram, String.format("file page %d: frame 0x%x outside RAM", hwm, ram.base() - Sv39.PAGE_SIZE));
    }

    @Test
    void aCorruptPageCacheIsReported() {
        reports("page cache: ", ram -> ram.write32(ram.read64(header(ram) + KH_CACHE), 0));
    }

    /** Every leaf PTE of slot's address space: {its physical address, the va it maps}, in address order. */
    static List<long[]> leaves(PhysicalMemory ram, int slot) {
        List<long[]> l = new java.util.ArrayList<>();
        leaves(ram, root(ram, slot), 2, 0, l);
        return l;
    }

    private static void leaves(PhysicalMemory ram, long table, int level, long vaBase, List<long[]> l) {
        for (int i = 0; i < 512; i++) {
            long pte = ram.read64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            long va = vaBase | (long) i << (12 + 9 * level);
            if (level == 0 || Sv39.isLeaf(pte)) l.add(new long[] {table + 8L * i, va});
            else leaves(ram, Sv39.paOf(Sv39.ptePpn(pte)), level - 1, va, l);
        }
    }

    static long frameOf(PhysicalMemory ram, long ptePa) { return Sv39.paOf(Sv39.ptePpn(ram.read64(ptePa))); }

    static List<long[]> sharedLeaves(PhysicalMemory ram, int slot) {
        return leaves(ram, slot).stream().filter(x -> (ram.read64(x[0]) & PageTable.PTE_SHARED) != 0).toList();
    }

    static long fpages(PhysicalMemory ram) { return ram.read64(header(ram) + KH_FPAGES); }

    static long count(List<String> found, String part) { return found.stream().filter(l -> l.contains(part)).count(); }

    @Test
    void sharedFilePagesAreTheTablesFramesAndAuditClean() {
        PhysicalMemory ram = fresh(Shared.IMAGE);
        audits(ram);
        assertEquals(2, ram.read32(fpages(ram) + FP_HWM), "sharedmap's two pages");
        List<long[]> shared = sharedLeaves(ram, 0);
        assertEquals(2, shared.size());
        for (int e = 0; e < 2; e++) {
            long frame = ram.read64(FilePages.entry(fpages(ram), e) + FE_FRAME);
            assertTrue(shared.stream().anyMatch(x -> frameOf(ram, x[0]) == frame), "entry " + e + " is mapped");
        }
        // a free entry below the high-water mark is skipped, whatever frame it names
        ram.write32(fpages(ram) + FP_HWM, 3);
        ram.write64(FilePages.entry(fpages(ram), 2) + FE_FRAME, ram.base() + ram.size());
        audits(ram);
        // every entry below the table's end scanned: still clean
        ram.write32(fpages(ram) + FP_HWM, MAX_FPAGES);
        audits(ram);
    }

    @Test
    void aSharedPageMustMapAFilePage() {
        PhysicalMemory ram = fresh(Shared.IMAGE);
        long[] leaf = sharedLeaves(ram, 0).get(0);
        long[] privateLeaf = leaves(ram, 0).stream().filter(x -> (ram.read64(x[0]) & PageTable.PTE_SHARED) == 0).findFirst().get();
        long other = frameOf(ram, privateLeaf[0]);
        int pid = ram.read32(task(ram, 0) + T_PID);
        pointTo(ram, leaf[0], other); // a process's own page, mapped as if it were the file's
        ram.write64(leaf[0], ram.read64(leaf[0]) | PageTable.PTE_SHARED); // (pointTo keeps the hardware flags only)
        audits(ram, String.format("pid %d: shared page 0x%x maps frame 0x%x, no file page", pid, leaf[1], other));
        fresh(Shared.IMAGE);
        pointTo(ram, leaf[0], 0); // below RAM
        ram.write64(leaf[0], ram.read64(leaf[0]) | PageTable.PTE_SHARED);
        audits(ram, String.format("pid %d: shared page 0x%x maps frame 0x0, no file page", pid, leaf[1]));
    }

    @Test
    void aFilePageFrameClaimedTwiceIsReported() {
        PhysicalMemory ram = fresh(Shared.IMAGE);
        long e0 = FilePages.entry(fpages(ram), 0), e1 = FilePages.entry(fpages(ram), 1);
        long f0 = ram.read64(e0 + FE_FRAME);
        ram.write64(e1 + FE_FRAME, f0);
        List<String> found = KernelAudit.check(ram);
        assertTrue(found.contains(String.format("pid 0: file page 0x%x is claimed twice", f0)), found.toString());
        assertEquals(1, count(found, "claimed twice"), found.toString());
        assertEquals(1, count(found, "no file page"), "the page of entry 1's own frame: " + found);
    }

    @Test
    void aHighWaterMarkOutsideTheTableIsReported() {
        PhysicalMemory ram = fresh(Shared.IMAGE);
        ram.write32(fpages(ram) + FP_HWM, MAX_FPAGES + 1);
        audits(ram, "file pages: high-water mark " + (MAX_FPAGES + 1) + " outside 0.." + MAX_FPAGES);
        ram.write32(fpages(ram) + FP_HWM, -1); // nothing below it: both entries in use are above it
        List<String> found = KernelAudit.check(ram);
        assertEquals("file pages: high-water mark -1 outside 0.." + MAX_FPAGES, found.get(0));
        assertEquals(List.of("file page 0 in use above hwm", "file page 1 in use above hwm"),
                found.stream().filter(l -> l.contains("above hwm")).toList());
    }

    @Test
    void aVforkChildRunsOnItsLendersTables() {
        PhysicalMemory ram = fresh(Vforked.IMAGE);
        audits(ram);
        long procs = ram.read64(header(ram) + KH_PROCS);
        int child = -1;
        for (int i = 0; i < MAX_TASKS; i++) if (ram.read32(procs + (long) i * PROC.size() + P_VM_PARENT) != 0) child = i;
        assertTrue(child > 0, "a vfork child");
        int lender = ram.read32(procs + (long) child * PROC.size() + P_VM_PARENT) - 1;
        assertEquals(0, lender, "spawner, the first process, lends its address space");
        assertEquals(ram.read64(task(ram, 0) + T_SATP), ram.read64(task(ram, child) + T_SATP));
        String wrong = "pid " + ram.read32(task(ram, child) + T_PID) + ": a vfork child whose address space is not its lender's";
        for (int bad : new int[] {MAX_TASKS, Integer.MAX_VALUE - 1}) {
            ram.write32(procs + (long) child * PROC.size() + P_VM_PARENT, bad + 1);
            audits(ram, wrong);
        }
    }

    @Test
    void aVforkChildOfALaterSlotIsComparedWithThatSlot() {
        PhysicalMemory ram = fresh();
        long procs = ram.read64(header(ram) + KH_PROCS);
        // slot 0 made a vfork child of slot 1: its own tables are now owned by nothing (leaks), its space is slot 1's
        ram.write32(procs + P_VM_PARENT, 2);
        ram.write64(task(ram, 0) + T_SATP, ram.read64(task(ram, 1) + T_SATP));
        List<String> found = KernelAudit.check(ram);
        assertEquals(0, count(found, "vfork child"), found.toString());
        assertTrue(count(found, "leaked") > 0, found.toString());
        ram.write64(task(ram, 0) + T_SATP, ram.read64(task(ram, 1) + T_SATP) + 1);
        assertEquals(1, count(KernelAudit.check(ram), "pid 1: a vfork child whose address space is not its lender's"));
    }

    @Test
    void aProcessThatExitedHoldsNoVmaInEitherList() {
        for (int which = -1; which < 2; which++) {
            PhysicalMemory ram = fresh();
            long t = task(ram, 0);
            for (int fd = 0; fd < NOFILE; fd++) ram.write32(t + T_FD + 4L * fd, -1);
            long vmat = ram.read64(header(ram) + KH_VMAS);
            // as if its exit had unmapped everything but left one list's count
            ram.write32(vmat + VT_COUNT, which == 0 ? 1 : 0);
            ram.write32(vmat + VT_COUNT + 4, which == 1 ? 1 : 0);
            ram.write32(t + T_STATE, TASK_ZOMBIE);
            List<String> found = KernelAudit.check(ram);
            assertEquals(which >= 0, found.contains("pid 1 has exited but holds VMAs"), "list " + which + ": " + found);
        }
    }

    @Test
    void aTableOutsideRamIsReportedAndNotWalked() {
        PhysicalMemory ram = fresh();
        long outside = ram.base() + ram.size();
        pointTo(ram, firstValid(ram, root(ram, 0)), outside);
        List<String> found = KernelAudit.check(ram);
        assertTrue(found.contains(String.format("pid 1: page table 0x%x outside RAM", outside)), found.toString());
        assertEquals(1, count(found, "outside RAM"), found.toString());
        ram = fresh();
        ram.write64(task(ram, 0) + T_SATP, Sv39.satp(Sv39.ppnOf(outside)));
        found = KernelAudit.check(ram);
        assertTrue(found.contains(String.format("pid 1: page table 0x%x outside RAM", outside)), found.toString());
        assertEquals(1, count(found, "outside RAM"), found.toString());
    }

    @Test
    void aTableClaimedTwiceIsNotWalkedTwice() {
        PhysicalMemory ram = fresh();
        pointTo(ram, firstValid(ram, root(ram, 1)), root(ram, 0));
        List<String> found = KernelAudit.check(ram);
        assertEquals(1, count(found, "claimed twice"), found.toString());
    }

    @Test
    void aLastLevelEntryIsALeafAndAHigherLeafMapsAWholeRange() {
        PhysicalMemory ram = fresh();
        long pte = firstLeafPte(ram, 0);
        // at level 0 every valid entry is a page, even one with no permission (no pointer to a table there)
        ram.write64(pte, ram.read64(pte) & ~(long) (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X));
        audits(ram);
        ram = fresh();
        long l1 = Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(ram, root(ram, 0)))));
        long toL0 = firstValid(ram, l1);
        // a level-1 leaf (a 2 MiB page) where the pointer to a last-level table was: that table is not walked, so
        // the pages it maps are owned by nothing
        ram.write64(toL0, ram.read64(toL0) | Sv39.PTE_R);
        List<String> found = KernelAudit.check(ram);
        assertTrue(count(found, "leaked") > 0, found.toString());
    }

    @Test
    void aPageSharedReadOnlyByTwoProcessesWithItsCountIsClean() {
        PhysicalMemory ram = fresh();
        long pte0 = firstLeafPte(ram, 0), pte1 = firstLeafPte(ram, 1);
        long f0 = frameOf(ram, pte0), f1 = frameOf(ram, pte1);
        // slot 1's first page becomes slot 0's, read-only in both (copy-on-write), counted once shared
        ram.write64(pte0, ram.read64(pte0) & ~(long) Sv39.PTE_W);
        ram.write64(pte1, Sv39.makePte(Sv39.ppnOf(f0), Sv39.pteFlags(ram.read64(pte1)) & ~Sv39.PTE_W));
        ram.write16(ram.read64(header(ram) + KH_FRAME_REFS) + 2L * frameIndex(ram, f0), 1);
        int f = frameIndex(ram, f1);
        ram.write64(bitmapWord(ram, f), ram.read64(bitmapWord(ram, f)) & ~(1L << (f % 64)));
        audits(ram);
        // writable in one of them: reported
        ram.write64(pte1, ram.read64(pte1) | Sv39.PTE_W);
        audits(ram, String.format("frame 0x%x: shared by 2 mappings, writable in 1", f0));
    }

    /**
     * The audit reads each table up to its end and no further: a word just past the file-page table, the open-file
     * table and the frame bitmap that would read as an entry in use, a reference or a used frame is not reported,
     * and a vfork lender just past the task table is refused even where that memory would match.
     */
    @Test
    void nothingPastATableIsRead() {
        PhysicalMemory ram = fresh();
        ram.write32(FilePages.entry(fpages(ram), MAX_FPAGES) + FE_STATE, FPAGE_USED);
        audits(ram);
        ram = fresh();
        ram.write32(ram.read64(header(ram) + KH_FILES) + (long) MAX_FILES * FILE.size() + F_REFS, 1);
        audits(ram);
        ram = fresh();
        int n = (int) ram.read64(header(ram) + KH_NFRAMES);
        assertEquals(0, n % 64, "the bitmap ends with a whole word");
        ram.write64(bitmapWord(ram, n), ram.read64(bitmapWord(ram, n)) | 1);
        audits(ram);
        ram = fresh();
        long procs = ram.read64(header(ram) + KH_PROCS);
        ram.write32(procs + PROC.size() + P_VM_PARENT, MAX_TASKS + 1);
        ram.write64(task(ram, MAX_TASKS) + T_SATP, ram.read64(task(ram, 1) + T_SATP));
        assertEquals(1, count(KernelAudit.check(ram), "pid 2: a vfork child whose address space is not its lender's"));
    }
}
