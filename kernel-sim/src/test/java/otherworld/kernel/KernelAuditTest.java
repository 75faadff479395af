package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.verified.Sv39;

/**
 * The audit that every crash test runs after a resurrection (and the fuzzing trusts to judge a resurrected kernel) has
 * teeth: a kernel caught between two system calls of a run (checksum and kvstore, files open) audits clean, and each
 * kind of leak or corruption the audit looks for, made in a copy of that RAM, is reported by what it is.
 */
class KernelAuditTest {
    /** Once a JVM (the mutation run runs each test on its own): RAM at the 300th call, and a copy to corrupt. */
    static final PhysicalMemory live = catchAKernelBetweenTwoCalls();
    static final byte[] image = new byte[(int) live.size()];
    static final PhysicalMemory scratch = new PhysicalMemory((int) live.size());

    static {
        live.read(live.base(), image, 0, image.length);
    }

    /** The live RAM again, in the one scratch copy (64 MiB each: one copy, not one a case). */
    static PhysicalMemory fresh() {
        scratch.write(scratch.base(), image, 0, image.length);
        return scratch;
    }

    static PhysicalMemory catchAKernelBetweenTwoCalls() {
        PhysicalMemory[] snap = new PhysicalMemory[1];
        Scenario.Result r = new Scenario().add(Guests.program("checksum", "200")).add(Guests.program("kvstore"))
                .probe(m -> new KernelHooks() {
                    int calls;

                    @Override public void syscallStarted(int nr) {
                        if (++calls == 300) snap[0] = copy(m.memory);
                    }
                }).run();
        assertTrue(r.allExited());
        assertNotNull(snap[0], "the run made 300 system calls");
        return snap[0];
    }

    static PhysicalMemory copy(PhysicalMemory from) {
        PhysicalMemory to = new PhysicalMemory((int) from.size());
        byte[] all = new byte[(int) from.size()];
        from.read(from.base(), all, 0, all.length);
        to.write(to.base(), all, 0, all.length);
        return to;
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
        assertEquals(List.of(), KernelAudit.check(fresh()));
        assertEquals(2, live.read32(task(live, 1) + T_PID), "two processes to corrupt");
    }

    @Test
    void aFrameMarkedUsedThatNothingOwnsIsALeak() {
        reports("leaked: marked used, owned by nothing", ram -> {
            int n = (int) ram.read64(header(ram) + KH_NFRAMES);
            for (int f = n - 1; f >= 0; f--) {
                long w = bitmapWord(ram, f);
                if ((ram.read64(w) >>> (f % 64) & 1) == 0) {
                    ram.write64(w, ram.read64(w) | 1L << (f % 64));
                    return;
                }
            }
            fail("no free frame");
        });
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
        reports("has exited but holds fd 0", ram -> ram.write32(task(ram, 0) + T_STATE, TASK_ZOMBIE));
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
        reports("in use above hwm", ram -> {
            long fp = ram.read64(header(ram) + KH_FPAGES);
            ram.write32(FilePages.entry(fp, ram.read32(fp + FP_HWM)) + FE_STATE, FPAGE_USED);
        });
        reports("outside RAM", ram -> {
            long fp = ram.read64(header(ram) + KH_FPAGES);
            int hwm = ram.read32(fp + FP_HWM);
            long e = FilePages.entry(fp, hwm);
            ram.write32(e + FE_STATE, FPAGE_USED);
            ram.write64(e + FE_FRAME, ram.base() - Sv39.PAGE_SIZE);
            ram.write32(fp + FP_HWM, hwm + 1);
        });
    }

    @Test
    void aCorruptPageCacheIsReported() {
        reports("page cache: ", ram -> ram.write32(ram.read64(header(ram) + KH_CACHE), 0));
    }
}
