package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.resurrect.CrashKernelBuildFixture.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.verified.Sv39;

/**
 * The validator's checks of one dead task, called directly on a dead kernel's memory (issue 6): each field at the
 * edge of what it accepts and just past it, the frames a page may name, the page-table walk's outcomes. A task that
 * passes has its pages and fds as the dead kernel's tables say; one that fails names what is wrong.
 */
class ValidatorDirectTest {
    static final Captured TWO = CrashKernelBuildDirectTest.TWO;

    /** The validator as the crash kernel makes it for the dead kernel in m (inodes: 0 unknown, or a count). */
    static Validator validator(Machine m, long inodes) {
        Kern k = dead(m);
        long h = k.h;
        return new Validator(new ReadOnlyMem(m.memory), m.memory, m.memory.read64(h + KH_REGION_BASE),
                m.memory.read64(h + KH_REGION_SIZE), m.memory.read64(h + KH_CRASH_BASE), m.memory.read64(h + KH_CRASH_SIZE),
                m.memory.read64(h + KH_PT_POOL), m.memory.read32(h + KH_NTTYS)).pipes(m.memory.read64(h + KH_PIPES))
                .bitmap(m.memory.read64(h + KH_BITMAP)).inodes(inodes);
    }

    static CrashKernel.Image check(Machine m, int slot) { return check(m, slot, 0); }

    static CrashKernel.Image check(Machine m, int slot, long inodes) {
        Kern k = dead(m);
        return validator(m, inodes).task(k.task(slot), slot, m.memory.read64(k.h + KH_FILES));
    }

    /** The problems of the victim (kvstore, slot 1) after the edit. */
    static List<String> problems(Edit e) {
        Machine m = TWO.machine();
        e.apply(m, dead(m), dead(m).task(1));
        return check(m, 1).problems;
    }

    interface Edit {
        void apply(Machine m, Kern k, long t);
    }

    static void assertNamed(String what, List<String> problems) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(what)), "should name '" + what + "': " + problems);
    }

    // ---- a sound task -------------------------------------------------------------------------------------

    @Test
    void aSoundTaskPassesWithItsPagesAndFilesAsTheTablesSay() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        for (int slot = 0; slot < 2; slot++) {
            CrashKernel.Image img = check(m, slot, 1 << 20);
            assertEquals(List.of(), img.problems);
            assertEquals(k.pid(slot), img.pid);
            assertEquals(slot, img.slot);
            assertEquals(TASK_RUNNABLE, img.state);
            assertEquals(m.memory.read32(k.task(slot) + T_TTY), img.tty);
            assertTrue(img.name.startsWith("/bin/"), img.name);
            Map<Long, long[]> pages = k.pages(slot);
            assertEquals(pages.size(), img.leaves.size());
            long root = Sv39.satpRootPa(k.satp(slot));
            for (long[] leaf : img.leaves) {
                long pte = new otherworld.kernel.mm.PageTable(new ReadOnlyMem(m.memory), null, root).lookup(leaf[0]);
                assertEquals(pages.get(leaf[0])[0], leaf[1]);
                assertEquals(pte & 0x2FF, leaf[2], String.format("the flags and the copy-on-write bit of 0x%x", leaf[0]));
            }
            for (int fd = 0; fd < NOFILE; fd++) assertEquals(k.fd(slot, fd), img.fds[fd]);
            assertEquals(List.of(), img.strayFds);
            assertEquals(List.of(), img.unmarkedFiles);
        }
    }

    @Test
    void copyOnWritePagesKeepTheirMark() {
        Captured c = CrashKernelBuildDirectTest.CLONE;
        Machine m = c.machine();
        Kern k = dead(m);
        int parent = (int) m.memory.read64(k.h + KH_CURRENT);
        CrashKernel.Image img = check(m, parent);
        assertEquals(List.of(), img.problems);
        long cow = img.leaves.stream().filter(l -> (l[2] & otherworld.kernel.mm.CopyOnWrite.PTE_COW) != 0).count();
        assertTrue(cow > 0, "fork marked the parent's private pages");
        assertTrue(cow < img.leaves.size(), "its shared file pages are not");
    }

    // ---- the record's own fields ----------------------------------------------------------------------------

    @Test
    void aNameOfSixtyThreeBytesIsTerminatedOneOfSixtyFourIsNot() {
        Machine m = TWO.machine();
        long t = dead(m).task(1);
        m.memory.fill(t + T_NAME, NAME_LEN - 1, (byte) 'A');
        m.memory.write8(t + T_NAME + NAME_LEN - 1, 0);
        CrashKernel.Image img = check(m, 1);
        assertEquals("A".repeat(NAME_LEN - 1), img.name);
        assertEquals(List.of(), img.problems);
        m.memory.write8(t + T_NAME + NAME_LEN - 1, 'A');
        img = check(m, 1);
        assertEquals("?", img.name);
        assertNamed("name not terminated", img.problems);
    }

    @Test
    void aRecordWithoutItsMagicOrVersionIsNotReadFurther() {
        for (int word = 0; word < 2; word++) {
            int w = word;
            Machine m = TWO.machine();
            long t = dead(m).task(1);
            m.memory.write32(t + 4L * w, 0x4E4F5045);
            m.memory.write32(t + T_PID, -4); // not read: the record is not a task's
            CrashKernel.Image img = check(m, 1);
            assertEquals(List.of("task record: bad magic or version"), img.problems);
            assertEquals(List.of(), img.leaves);
        }
    }

    @Test
    void theStateIsOneOfTheKernels() {
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write32(t + T_STATE, TASK_RUNNABLE)));
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write32(t + T_STATE, TASK_STOPPED)));
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write32(t + T_STATE, TASK_ZOMBIE)));
        assertEquals(List.of(), problems((m, k, t) -> {
            m.memory.write32(t + T_STATE, TASK_BLOCKED);
            m.memory.write64(t + T_CAUSE, CAUSE_ECALL);
            m.memory.write64(t + T_EPC, m.memory.read64(t + T_PC));
        }));
        assertNamed("state 0 unknown", problems((m, k, t) -> m.memory.write32(t + T_STATE, TASK_FREE)));
        assertNamed("state 5 unknown", problems((m, k, t) -> m.memory.write32(t + T_STATE, 5)));
    }

    @Test
    void aPidIsPositive() {
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write32(t + T_PID, 1)));
        assertNamed("pid 0 invalid", problems((m, k, t) -> m.memory.write32(t + T_PID, 0)));
        assertNamed("pid -5 invalid", problems((m, k, t) -> m.memory.write32(t + T_PID, -5)));
    }

    /** satp names an Sv39 root on a frame a process may own; else that is the one problem, and nothing is walked. */
    @Test
    void satpNamesAnSv39RootInUserMemory() {
        Machine m = TWO.machine();
        long t = dead(m).task(1);
        long satp = m.memory.read64(t + T_SATP);
        m.memory.write64(t + T_SATP, satp & ~(0xFL << 60));
        CrashKernel.Image img = check(m, 1);
        assertEquals(1, img.problems.size(), img.problems.toString());
        assertNamed("does not name a page table in user memory", img.problems);
        assertEquals(List.of(), img.leaves);
        m.memory.write64(t + T_SATP, Sv39.satp(Sv39.ppnOf(FIRST_REGION_PA)));
        img = check(m, 1);
        assertEquals(1, img.problems.size(), img.problems.toString());
        assertNamed("does not name a page table in user memory", img.problems);
        m.memory.write64(t + T_SATP, Sv39.satp(Sv39.ppnOf(FIRST_REGION_PA)));
        m.memory.write32(t + T_PID, 0);
        assertEquals(List.of("pid 0 invalid"), check(m, 1).problems, "said once: the record's own problem first");
    }

    @Test
    void theBreakIsNotBelowItsBase() {
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write64(t + T_BRK, m.memory.read64(t + T_BRK_BASE))));
        assertNamed("brk below its base",
                problems((m, k, t) -> m.memory.write64(t + T_BRK, m.memory.read64(t + T_BRK_BASE) - 1)));
    }

    @Test
    void theTtyIsOneOfTheKernels() {
        Machine m = TWO.machine();
        int nttys = m.memory.read32(dead(m).h + KH_NTTYS);
        assertNamed("tty " + nttys + " invalid", problems((mm, k, t) -> mm.memory.write32(t + T_TTY, nttys)));
        assertNamed("tty -1 invalid", problems((mm, k, t) -> mm.memory.write32(t + T_TTY, -1)));
        assertEquals(List.of(), problems((mm, k, t) -> mm.memory.write32(t + T_TTY, nttys - 1)));
        assertEquals(List.of(), problems((mm, k, t) -> mm.memory.write32(t + T_TTY, 0)));
    }

    @Test
    void theTrapCauseIsOneTheKernelRecords() {
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write64(t + T_CAUSE, CAUSE_SIGRETURN)));
        assertEquals(List.of(), problems((m, k, t) -> m.memory.write64(t + T_CAUSE, 15)));
        assertNamed("cause " + (CAUSE_SIGRETURN - 1) + " unknown",
                problems((m, k, t) -> m.memory.write64(t + T_CAUSE, CAUSE_SIGRETURN - 1)));
        assertNamed("cause 16 unknown", problems((m, k, t) -> m.memory.write64(t + T_CAUSE, 16)));
    }

    /** The pc of an ecall is checked only for an ecall (a timer's epc is not the kernel's to vouch for). */
    @Test
    void anEcallsPcLiesInUserSpace() {
        long kernelHalf = 0xFFFF_FFC0_0000_0000L;
        assertNamed("ecall at 0xffffffc000000000", problems((m, k, t) -> {
            m.memory.write64(t + T_CAUSE, CAUSE_ECALL);
            m.memory.write64(t + T_EPC, kernelHalf);
        }));
        assertEquals(List.of(), problems((m, k, t) -> {
            m.memory.write64(t + T_CAUSE, 7);
            m.memory.write64(t + T_EPC, kernelHalf);
        }));
    }

    /** Only a task waiting in a system call (or a vfork parent, after its call) may be blocked. */
    @Test
    void aBlockedTaskWaitsInACall() {
        Edit blocked = (m, k, t) -> {
            m.memory.write32(t + T_STATE, TASK_BLOCKED);
            m.memory.write64(t + T_CAUSE, CAUSE_ECALL);
            m.memory.write64(t + T_EPC, m.memory.read64(t + T_PC));
            m.memory.write64(t + T_WAIT, 0);
        };
        assertEquals(List.of(), problems(blocked));
        assertNamed("blocked outside a system call", problems((m, k, t) -> {
            blocked.apply(m, k, t);
            m.memory.write64(t + T_CAUSE, 7);
        }));
        assertNamed("blocked outside a system call", problems((m, k, t) -> {
            blocked.apply(m, k, t);
            m.memory.write64(t + T_EPC, m.memory.read64(t + T_PC) - 4);
        }));
        assertEquals(List.of(), problems((m, k, t) -> {
            blocked.apply(m, k, t);
            m.memory.write64(t + T_EPC, m.memory.read64(t + T_PC) - 4);
            m.memory.write64(t + T_WAIT, Channels.of(Channels.VFORK, 3));
        }));
    }

    /** A zombie holds nothing to check: its address space and trap frame are not read. */
    @Test
    void aZombieIsNotWalked() {
        Machine m = TWO.machine();
        long t = dead(m).task(1);
        m.memory.write32(t + T_STATE, TASK_ZOMBIE);
        m.memory.write64(t + T_SATP, 0);
        m.memory.write64(t + T_CAUSE, 99);
        CrashKernel.Image img = check(m, 1);
        assertEquals(List.of(), img.problems);
        assertEquals(List.of(), img.leaves);
    }

    // ---- the open files the fds name ------------------------------------------------------------------------

    /** The fd of kvstore's regular file (its log), and that file's entry. */
    static int regularFd(Machine m) {
        Kern k = dead(m);
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = k.fd(1, fd);
            if (f >= 0 && m.memory.read32(k.file(f) + F_TYPE) == FT_REG) return fd;
        }
        throw new IllegalStateException("kvstore has no regular file open");
    }

    static List<String> fileProblems(Edit e) { return fileProblems(e, 0); }

    static List<String> fileProblems(Edit e, long inodes) {
        Machine m = TWO.machine();
        Kern k = dead(m);
        int fd = regularFd(m);
        e.apply(m, k, k.file(k.fd(1, fd)));
        CrashKernel.Image img = check(m, 1, inodes);
        if (img.problems.isEmpty()) assertEquals(k.fd(1, fd), img.fds[fd]);
        else assertEquals(-1, img.fds[fd], "a corrupt open file is not named");
        return img.problems;
    }

    @Test
    void anOpenFileIsCheckedFieldByField() {
        assertEquals(List.of(), fileProblems((m, k, fe) -> { }));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> m.memory.write32(fe + F_REFS, 0)));
        assertEquals(List.of(), fileProblems((m, k, fe) -> m.memory.write32(fe + F_REFS, 1)));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> m.memory.write64(fe + F_OFFSET, -1)));
        assertEquals(List.of(), fileProblems((m, k, fe) -> m.memory.write64(fe + F_OFFSET, 0)));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> m.memory.write32(fe + F_TYPE, 5)));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> m.memory.write32(fe + F_TYPE, 0)));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> m.memory.write32(fe + F_INO, 0)));
    }

    @Test
    void anInodeLiesWithinTheFileSystemWhenItsSizeIsKnown() {
        int[] ino = new int[1];
        fileProblems((m, k, fe) -> ino[0] = m.memory.read32(fe + F_INO));
        assertEquals(List.of(), fileProblems((m, k, fe) -> { }, ino[0]));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> { }, ino[0] - 1));
        assertEquals(List.of(), fileProblems((m, k, fe) -> m.memory.write32(fe + F_INO, 1 << 30), 0), "unknown: not checked");
    }

    @Test
    void aDeviceNamesAMinorTheKernelHas() {
        Edit dev = (m, k, fe) -> m.memory.write32(fe + F_TYPE, FT_DEV);
        assertEquals(List.of(), fileProblems((m, k, fe) -> {
            dev.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, 3 /* /dev/null */);
        }));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> {
            dev.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, 99);
        }));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> {
            dev.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, 3 /* /dev/null */);
            m.memory.write32(fe + F_INO, 0);
        }));
    }

    @Test
    void aTtyFileNamesATtyOfTheKernel() {
        Machine m0 = TWO.machine();
        int nttys = m0.memory.read32(dead(m0).h + KH_NTTYS);
        Edit tty = (m, k, fe) -> m.memory.write32(fe + F_TYPE, FT_TTY);
        assertEquals(List.of(), fileProblems((m, k, fe) -> {
            tty.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, nttys - 1);
        }));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> {
            tty.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, nttys);
        }));
        assertNamed("is corrupt", fileProblems((m, k, fe) -> {
            tty.apply(m, k, fe);
            m.memory.write32(fe + F_TTY, -1);
        }));
    }

    @Test
    void aPipeFileNamesASoundPipe() {
        int p = MAX_PIPES - 1;
        Edit pipe = (m, k, fe) -> {
            m.memory.write32(fe + F_TYPE, FT_PIPE);
            m.memory.write32(fe + F_INO, p);
        };
        assertNamed("pipe " + p + ": counters", fileProblems((m, k, fe) -> {
            pipe.apply(m, k, fe);
            m.memory.write64(k.pipe(p) + PI_NREAD, 5); // nothing written yet: 5 read is past what was written
        }));
        assertEquals(List.of(), fileProblems((m, k, fe) -> {
            pipe.apply(m, k, fe);
            m.memory.write32(k.pipe(p), 0); // a magic is written anew (PipeImage)
        }));
        assertEquals(List.of(), fileProblems((m, k, fe) -> {
            pipe.apply(m, k, fe);
            PIPE.init(new DirectMem(m.memory), k.pipe(p));
        }));
    }

    /** An open file whose magic or version only is wrong is noted for the reference counts to decide. */
    @Test
    void anUnmarkedOpenFileIsNotedNotRefused() {
        for (int word = 0; word < 2; word++) {
            Machine m = TWO.machine();
            Kern k = dead(m);
            int fd = regularFd(m);
            m.memory.write32(k.file(k.fd(1, fd)) + 4L * word, 0x77);
            CrashKernel.Image img = check(m, 1);
            assertEquals(List.of(), img.problems);
            assertEquals(List.of(fd), img.unmarkedFiles);
            assertEquals(k.fd(1, fd), img.fds[fd]);
        }
        Machine m = TWO.machine();
        m.memory.write32(dead(m).task(1) + T_FD + 4L * 50, MAX_FILES);
        m.memory.write32(dead(m).task(1) + T_FD + 4L * 51, -2);
        CrashKernel.Image img = check(m, 1);
        assertEquals(List.of(50, 51), img.strayFds);
        assertEquals(-1, img.fds[50]);
    }

    // ---- frames and page tables ------------------------------------------------------------------------------

    /**
     * The frames a process may own: RAM outside the root area, the dead kernel's structures and the crash region
     * (the page-table pool is ordinary memory); a frame a region only touches is the region's.
     */
    @Test
    void theUserFramesAreRamOutsideTheKernelsRegions() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        long pool = m.memory.read64(k.h + KH_PT_POOL);
        long crash = m.memory.read64(k.h + KH_CRASH_BASE), crashSize = m.memory.read64(k.h + KH_CRASH_SIZE);
        long page = Sv39.PAGE_SIZE;
        m.memory.write64(k.h + KH_CRASH_SIZE, crashSize - 100); // its last frame only touched
        Validator v = validator(m, 0);
        assertFalse(v.userFrame(m.memory.base() - page));
        assertFalse(v.userFrame(m.memory.base()));
        assertFalse(v.userFrame(ROOT_PA));
        assertFalse(v.userFrame(FIRST_REGION_PA - page));
        assertFalse(v.userFrame(FIRST_REGION_PA));
        assertFalse(v.userFrame(pool - page));
        assertTrue(v.userFrame(pool));
        assertFalse(v.userFrame(pool + 8), "not a frame's start");
        assertFalse(v.userFrame(crash));
        assertFalse(v.userFrame(crash + crashSize - page), "touched by the region");
        assertTrue(v.userFrame(crash - page) || crash - page < pool);
        assertTrue(v.userFrame(crash + crashSize) || crash + crashSize >= m.memory.end());
        assertTrue(v.userFrame(m.memory.end() - page));
        assertFalse(v.userFrame(m.memory.end()));
        assertFalse(v.userFrame(m.memory.end() + page));
        assertFalse(v.userFrame(-page));
    }

    /** A page may not name a frame of the root area or of the crash region. */
    @Test
    void aPageOnAKernelFrameIsRefused() {
        Machine m0 = TWO.machine();
        Kern k0 = dead(m0);
        long crash = m0.memory.read64(k0.h + KH_CRASH_BASE), size = m0.memory.read64(k0.h + KH_CRASH_SIZE);
        for (long pa : new long[] {ROOT_PA, crash, crash + size - Sv39.PAGE_SIZE}) {
            assertNamed("not a user frame", problems((m, k, t) -> setLeaf(m, k, pa)));
        }
    }

    /** Points the victim's first page at frame pa. */
    static void setLeaf(Machine m, Kern k, long pa) {
        long pte = firstLeafPte(m, Sv39.satpRootPa(k.satp(1)), 2);
        long old = m.memory.read64(pte);
        m.memory.write64(pte, Sv39.makePte(Sv39.ppnOf(pa), Sv39.pteFlags(old)));
    }

    static long firstValid(Machine m, long table) {
        for (int i = 0; i < 512; i++) if (Sv39.isValid(m.memory.read64(table + 8L * i))) return table + 8L * i;
        throw new IllegalStateException("no valid pte");
    }

    static long firstLeafPte(Machine m, long table, int level) {
        for (int i = 0; i < 512; i++) {
            long pte = m.memory.read64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            if (level == 0) return table + 8L * i;
            return firstLeafPte(m, Sv39.paOf(Sv39.ptePpn(pte)), level - 1);
        }
        throw new IllegalStateException("no page");
    }

    /** A page on a frame the dead kernel's bitmap says is free is corrupt; without a bitmap it cannot be told. */
    @Test
    void aPageOnAFreeFrameIsRefusedWhenTheBitmapIsKnown() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        long free = CrashKernelBuildDirectTest.largestFreeRun(k)[0];
        setLeaf(m, k, free);
        assertNamed("frame bitmap says is free", check(m, 1).problems);
        Validator noBitmap = validator(m, 0).bitmap(0);
        assertEquals(List.of(), noBitmap.task(k.task(1), 1, m.memory.read64(k.h + KH_FILES)).problems);
    }

    /** Every problem is named, the walk's and the trap frame's: a bad table does not hide a bad pc. */
    @Test
    void aWalkProblemDoesNotHideTheOthers() {
        List<String> p = problems((m, k, t) -> {
            long pte = firstLeafPte(m, Sv39.satpRootPa(k.satp(1)), 2);
            m.memory.write64(pte, m.memory.read64(pte) & ~(long) Sv39.PTE_U);
            m.memory.write64(t + T_PC, 0xFFFF_FFC0_0000_0000L);
        });
        assertNamed("not a user leaf", p);
        assertNamed("outside user space", p);
    }

    /** A root table with no page: a task with no pages, nothing wrong with its tables. */
    @Test
    void anEmptyAddressSpaceHasNoPages() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        long root = CrashKernelBuildDirectTest.largestFreeRun(k)[0];
        m.memory.fill(root, (int) Sv39.PAGE_SIZE, (byte) 0);
        m.memory.write64(k.task(1) + T_SATP, Sv39.satp(Sv39.ppnOf(root)));
        CrashKernel.Image img = check(m, 1);
        assertEquals(List.of(), img.leaves);
        assertEquals(List.of(), img.problems);
    }

    /**
     * More pages than RAM has frames (a frame mapped at every one of them): a problem, found after the walk was made
     * again with room for every frame.
     */
    @Test
    void moreLeavesThanFramesIsAProblem() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        long[] run = CrashKernelBuildDirectTest.largestFreeRun(k);
        long root = Sv39.satpRootPa(k.satp(1));
        long l1 = Sv39.paOf(Sv39.ptePpn(m.memory.read64(firstValid(m, root))));
        long frame = run[0], next = run[0] + Sv39.PAGE_SIZE;
        long frames = m.memory.size() / Sv39.PAGE_SIZE;
        for (int made = 0, j = 0; (long) made * 512 <= frames; j++) {
            if (Sv39.isValid(m.memory.read64(l1 + 8L * j))) continue;
            long table = next;
            next += Sv39.PAGE_SIZE;
            m.memory.write64(l1 + 8L * j, Sv39.makePte(Sv39.ppnOf(table), Sv39.PTE_V));
            for (int e = 0; e < 512; e++) {
                m.memory.write64(table + 8L * e, Sv39.makePte(Sv39.ppnOf(frame),
                        Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_U | Sv39.PTE_A));
            }
            made++;
        }
        CrashKernel.Image img = validator(m, 0).bitmap(0).task(k.task(1), 1, m.memory.read64(k.h + KH_FILES));
        assertNamed("more pages than RAM has frames", img.problems);
    }

    /** More pages than the first try has room for (1024): the walk is made again with room for every frame. */
    @Test
    void aTaskWithMoreThanAThousandPagesIsWalkedWhole() {
        Machine m = TWO.machine();
        Kern k = dead(m);
        long[] run = CrashKernelBuildDirectTest.largestFreeRun(k);
        assertTrue(run[1] / Sv39.PAGE_SIZE > 1100);
        // three new level-0 tables under the first level-1 table, filled with pages on free frames
        long root = Sv39.satpRootPa(k.satp(1));
        long l1 = Sv39.paOf(Sv39.ptePpn(m.memory.read64(firstValid(m, root))));
        long next = run[0];
        int pages = k.pages(1).size();
        for (int made = 0, j = 0; made < 3; j++) {
            if (Sv39.isValid(m.memory.read64(l1 + 8L * j))) continue;
            long table = next;
            next += Sv39.PAGE_SIZE;
            m.memory.fill(table, Sv39.PAGE_SIZE, (byte) 0);
            m.memory.write64(l1 + 8L * j, Sv39.makePte(Sv39.ppnOf(table), Sv39.PTE_V));
            for (int e = 0; e < 400; e++, next += Sv39.PAGE_SIZE, pages++) {
                m.memory.write64(table + 8L * e, Sv39.makePte(Sv39.ppnOf(next),
                        Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_U | Sv39.PTE_A | Sv39.PTE_D));
            }
            made++;
        }
        assertTrue(pages > 1024);
        CrashKernel.Image img = validator(m, 0).bitmap(0).task(k.task(1), 1, m.memory.read64(k.h + KH_FILES));
        assertEquals(pages, img.leaves.size());
        assertEquals(List.of(), img.problems);
    }
}
