package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.resurrect.CrashKernelBuildFixture.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Region;
import otherworld.kernel.Scenario;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;
import otherworld.userland.Programs;

/**
 * The crash kernel's build phase, driven directly on dead kernels captured at chosen points (issue 6): what it lays
 * out in its region — task records, page tables mapping the same frames with the same rights, sharing counts, fds,
 * open files at the same indices with their references counted, pipes, locks, sleeps, ttys, the next crash region —
 * and what it refuses to build from. Every revival is audited (nothing leaked, every count derived right).
 */
class CrashKernelBuildDirectTest {
    /** checksum (slot 0, the current task, its call committed) and kvstore: files, two ttys. */
    static final Captured TWO = capture(ValidatorCorruptionTest.two().ram(RAM).maxInstructions(40_000_000L),
            whenSome("syscall.after-commit", (k, i) -> i == 0 && k.ram.read64(k.h + KH_CURRENT) == 0, 150));

    /** forkmap at its first fork, the child made and the call not committed: copy-on-write and shared file pages. */
    static final Captured CLONE = capture(new Scenario().add(Guests.program("forkmap")).ram(RAM).maxInstructions(30_000_000L),
            atCall("syscall.before-commit", Sysno.CLONE, 1));

    /** forktest with its first child exited (a zombie) and the parent making its wait4 again. */
    static final Captured ZOMBIE = capture(new Scenario().add(Guests.program("forktest", "2")).ram(RAM).maxInstructions(30_000_000L),
            whenSome("syscall.entry", (k, i) -> k.state(i) == TASK_ZOMBIE, 1));

    /** forktest's vfork child running on its parent's address space (the parent waits for it). */
    static final Captured VFORK = capture(new Scenario().add(Guests.program("forktest", "2")).ram(RAM).maxInstructions(60_000_000L),
            whenSome("syscall.entry", (k, i) -> k.state(i) == TASK_RUNNABLE && k.ram.read32(k.proc(i) + P_VM_PARENT) != 0, 1));

    /** spawner's vfork child with its execve committed and its tail not made: the new image is resurrected. */
    static final Captured EXEC = capture(new Scenario().add(Guests.program("spawner", "vfork", "/bin/hello"))
                    .file("/bin/hello", Programs.get("hello").binary()).ram(RAM).maxInstructions(30_000_000L),
            atCall("syscall.after-commit", Sysno.EXECVE, 1));

    // ---- a dead kernel at a committed call: everything comes back as it was ----------------------------------

    @Test
    void everyTaskComesBackWithTheSameFramesRightsRecordsAndFiles() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        DeadKernels.Revived r = TWO.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        assertNotEquals(dead.h, made.h);
        assertEquals(List.of(), r.report().machineProblems);
        assertEquals(List.of(), r.audit());
        assertEquals(2, r.report().resurrectedCount());
        assertEquals(2, r.points().stream().filter("resurrect.task"::equals).count(), "a crash point per task built");
        assertEquals(m.memory.read64(dead.h + KH_GENERATION) + 1, m.memory.read64(made.h + KH_GENERATION));
        assertEquals(m.memory.read64(dead.h + KH_NEXT_PID), m.memory.read64(made.h + KH_NEXT_PID));
        assertEquals(m.memory.read64(dead.h + KH_RANDOM), m.memory.read64(made.h + KH_RANDOM));
        assertEquals(0, m.memory.read64(made.h + KH_CURRENT), "the current task (slot 0) stays current");
        for (int slot = 0; slot < 2; slot++) {
            int pid = dead.pid(slot);
            assertEquals(pid, made.pid(slot));
            assertEquals(TASK_RUNNABLE, made.state(slot));
            assertArrayEquals(dead.bytes(dead.task(slot) + T_NAME, NAME_LEN), made.bytes(made.task(slot) + T_NAME, NAME_LEN));
            Map<Long, long[]> before = dead.pages(slot), after = made.pages(slot);
            assertFalse(before.isEmpty());
            assertEquals(before.keySet(), after.keySet(), "pid " + pid + ": the same pages");
            for (long va : before.keySet()) {
                assertArrayEquals(before.get(va), after.get(va), String.format("pid %d page 0x%x: frame and rights", pid, va));
            }
            assertNotEquals(dead.satp(slot), made.satp(slot), "new tables in the crash kernel's region");
            assertArrayEquals(dead.bytes(dead.ram.read64(dead.h + KH_FSCTX) + (long) slot * FSCTX.size(), FSCTX.size()),
                    made.bytes(made.ram.read64(made.h + KH_FSCTX) + (long) slot * FSCTX.size(), FSCTX.size()));
            assertArrayEquals(dead.bytes(dead.ram.read64(dead.h + KH_TINFO) + (long) slot * TINFO.size(), TINFO.size()),
                    made.bytes(made.ram.read64(made.h + KH_TINFO) + (long) slot * TINFO.size(), TINFO.size()));
            for (int fd = 0; fd < NOFILE; fd++) assertEquals(dead.fd(slot, fd), made.fd(slot, fd));
            assertEquals(openFiles(dead, slot), r.process(pid).files(), "pid " + pid + ": its open files in the report");
        }
        // open files at the same indices, references counted
        int files = 0;
        for (int f = 0; f < MAX_FILES; f++) {
            if (dead.ram.read32(dead.file(f) + F_REFS) == 0) continue;
            files++;
            assertArrayEquals(dead.bytes(dead.file(f), FILE.size()), made.bytes(made.file(f), FILE.size()), "open file " + f);
        }
        assertTrue(files >= 3, "ttys and a regular file");
        // ttys copied (their counters from the devices, which are as at the crash)
        for (int i = 0; i < 2; i++) {
            assertEquals(dead.ram.read64(dead.tty(i) + TTY_NREAD), made.ram.read64(made.tty(i) + TTY_NREAD));
            assertEquals(dead.ram.read64(dead.tty(i) + TTY_NPROC), made.ram.read64(made.tty(i) + TTY_NPROC));
            assertEquals(dead.ram.read32(dead.tty(i) + TTY_LFLAG), made.ram.read32(made.tty(i) + TTY_LFLAG));
            assertEquals(dead.ram.read64(dead.tty(i) + TTY_OUT), made.ram.read64(made.tty(i) + TTY_OUT));
            assertEquals(i, made.ram.read32(made.tty(i) + TTY_CONSOLE));
        }
        assertTrue(dead.ram.read64(dead.tty(1) + TTY_NREAD) > 0, "kvstore has read its input");
        // the next crash region: the same size, free elsewhere, reserved
        long crash = m.memory.read64(made.h + KH_CRASH_BASE);
        long size = m.memory.read64(made.h + KH_CRASH_SIZE);
        assertEquals(m.memory.read64(dead.h + KH_CRASH_SIZE), size);
        assertEquals(crash, r.report().newCrashRegion);
        long base = m.memory.read64(made.h + KH_REGION_BASE);
        assertEquals(m.memory.read64(dead.h + KH_CRASH_BASE), base, "the new kernel lives in the old crash region");
        // it may lie in the new region's page-table pool (free memory), never on its structures
        assertFalse(CrashKernel.overlaps(crash, size, base, m.memory.read64(made.h + KH_PT_POOL) - base));
        assertTrue(crash + size <= m.memory.end());
        for (long pa = crash; pa < crash + size; pa += Sv39.PAGE_SIZE) assertTrue(made.frameUsed(pa));
        int used = 0;
        for (long pa = m.memory.base(); pa < m.memory.end(); pa += Sv39.PAGE_SIZE) if (made.frameUsed(pa)) used++;
        assertEquals(used, r.report().framesInUse);
        assertEquals(r.report().newHeader, made.h);
    }

    /** A current slot the task table does not have is not carried over: the new kernel names none yet, as at boot. */
    @Test
    void aCurrentSlotOutsideTheTableIsNotCarriedOver() {
        for (long bad : new long[] {MAX_TASKS, -1}) {
            Machine m = TWO.machine();
            m.memory.write64(dead(m).h + KH_CURRENT, bad);
            DeadKernels.Revived r = TWO.revive(m);
            assertNull(r.failure());
            assertEquals(MAX_TASKS - 1, m.memory.read64(made(r).h + KH_CURRENT), "layDown's value: none chosen yet");
            assertEquals(List.of(), r.audit());
        }
    }

    /** A refused process is reported with its problems; its frames and files are not kept; the other one is built. */
    @Test
    void aRefusedProcessIsReportedAndNothingOfItIsKept() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        int victim = 1;
        int pid = dead.pid(victim);
        Map<Long, long[]> pages = dead.pages(victim);
        m.memory.write32(dead.task(victim) + T_TTY, 99);
        DeadKernels.Revived r = TWO.revive(m);
        assertNull(r.failure());
        ResurrectionReport.Process p = r.process(pid);
        assertFalse(p.resurrected());
        assertTrue(p.problems().toString().contains("tty 99 invalid"), p.problems().toString());
        assertEquals(1, r.report().resurrectedCount());
        assertEquals(1, r.points().stream().filter("resurrect.task"::equals).count());
        Kern made = made(r);
        assertEquals(TASK_FREE, made.state(victim), "its slot is free in the new kernel");
        for (long[] page : pages.values()) {
            if (!dead.pages(0).values().stream().anyMatch(q -> q[0] == page[0])) {
                assertFalse(made.frameUsed(page[0]), String.format("frame 0x%x of the refused process is free", page[0]));
            }
        }
        assertEquals(List.of(), r.audit(), "its files' references are not counted");
    }

    // ---- the fds and the open-file table -----------------------------------------------------------------

    /** A closed fd whose -1 was corrupted names no file: it comes back closed, the file table as the fds say. */
    @Test
    void aStrayClosedFdComesBackClosed() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        assertEquals(-1, dead.fd(1, 40));
        m.memory.write32(dead.task(1) + T_FD + 4L * 40, -1 ^ (1 << 20));
        DeadKernels.Revived r = TWO.revive(m);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(-1, made(r).fd(1, 40));
        assertEquals(List.of(), r.audit());
    }

    /**
     * An open file named by as many fds as it counts, its magic and version wrong, comes back with them written anew;
     * an entry no fd names whose magic or version is wrong stays as the new kernel laid it out (free).
     */
    @Test
    void anOpenFilesMarksAreWrittenAnewAndAnUnnamedBadEntryIsNotCopied() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        int f = dead.fd(1, 0);
        int badMagic = -1, badVersion = -1;
        for (int i = MAX_FILES - 1; i >= 0 && (badMagic < 0 || badVersion < 0); i--) {
            if (dead.ram.read32(dead.file(i) + F_REFS) != 0) continue;
            if (badMagic < 0) badMagic = i;
            else badVersion = i;
        }
        m.memory.write32(dead.file(f), 0);
        m.memory.write32(dead.file(f) + 4, 77);
        for (int i : new int[] {badMagic, badVersion}) { // looks like an open file, but no fd names it
            m.memory.write32(dead.file(i) + F_TYPE, FT_REG);
            m.memory.write32(dead.file(i) + F_INO, 12);
            m.memory.write64(dead.file(i) + F_OFFSET, 4096);
        }
        m.memory.write32(dead.file(badMagic), 0x0BAD);
        m.memory.write32(dead.file(badVersion) + 4, 9);
        DeadKernels.Revived r = TWO.revive(m);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        Kern made = made(r);
        assertEquals(FILE.magic, made.ram.read32(made.file(f)));
        assertEquals(FILE.version, made.ram.read32(made.file(f) + 4));
        assertEquals(dead.ram.read32(dead.file(f) + F_TTY), made.ram.read32(made.file(f) + F_TTY));
        for (int i : new int[] {badMagic, badVersion}) {
            assertEquals(0, made.ram.read32(made.file(i) + F_INO), "entry " + i + " as laid out, not copied");
            assertEquals(0, made.ram.read64(made.file(i) + F_OFFSET));
            assertEquals(0, made.ram.read32(made.file(i) + F_TYPE));
        }
        assertEquals(List.of(), r.audit());
    }

    /** checksum or kvstore with an openat committed, its tail (installing the description in the fd) not made. */
    static final Captured OPEN = capture(ValidatorCorruptionTest.two().ram(RAM).maxInstructions(40_000_000L),
            atCall("syscall.after-commit", Sysno.OPENAT, 1));

    /**
     * A committed open's tail names its description by index, and the description has no reference yet (free to
     * anyone who looks): the crash kernel keeps it at its index, fields and all, and the tail made again installs it.
     */
    @Test
    void aDescriptionPreparedByACommittedOpenIsKeptForItsTail() {
        Machine m = OPEN.machine();
        Kern dead = dead(m);
        int slot = (int) m.memory.read64(dead.h + KH_CURRENT);
        int fd = (int) dead.reg(slot, 10);
        assertEquals(-1, dead.fd(slot, fd), "the tail has not installed it");
        DeadKernels.Revived r = OPEN.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        for (int f = 0; f < MAX_FILES; f++) {
            if (m.memory.read32(dead.file(f)) != FILE.magic || m.memory.read32(dead.file(f) + F_REFS) != 0) continue;
            assertEquals(m.memory.read32(dead.file(f) + F_TYPE), m.memory.read32(made.file(f) + F_TYPE), "entry " + f);
            assertEquals(m.memory.read32(dead.file(f) + F_INO), m.memory.read32(made.file(f) + F_INO), "entry " + f);
            assertEquals(m.memory.read32(dead.file(f) + F_FLAGS), m.memory.read32(made.file(f) + F_FLAGS), "entry " + f);
        }
        r.attach().finishInFlight();
        int f = made.fd(slot, fd);
        assertTrue(f >= 0, "the tail installed it");
        assertEquals(FT_REG, m.memory.read32(made.file(f) + F_TYPE));
        assertEquals(1, m.memory.read32(made.file(f) + F_REFS));
        assertEquals(m.memory.read32(dead.file(f) + F_INO), m.memory.read32(made.file(f) + F_INO));
        assertEquals(List.of(), r.audit());
    }

    // ---- calls in flight ---------------------------------------------------------------------------------

    /**
     * A call that had not committed is made again from its registers: a0 from orig_a0 (a0 there may hold anything),
     * pc at the ecall, and a task blocked in it is runnable.
     */
    @Test
    void anUncommittedCallIsMadeAgainFromOrigA0() {
        Machine m = ZOMBIE.machine();
        Kern dead = dead(m);
        int parent = dead.first((k, i) -> k.state(i) != TASK_ZOMBIE);
        long t = dead.task(parent);
        assertEquals(CAUSE_ECALL, m.memory.read64(t + T_CAUSE));
        assertEquals(m.memory.read64(t + T_EPC), m.memory.read64(t + T_PC), "its call had not committed");
        m.memory.write64(t + T_X + 8L * 10, 0x5555_5555L);
        m.memory.write32(t + T_STATE, TASK_BLOCKED); // as a wait4 that had blocked
        m.memory.write64(t + T_WAIT, 0);
        DeadKernels.Revived r = ZOMBIE.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        assertEquals(m.memory.read64(t + T_ORIG_A0), made.reg(parent, 10));
        assertEquals(m.memory.read64(t + T_EPC), m.memory.read64(made.task(parent) + T_PC));
        assertEquals(TASK_RUNNABLE, made.state(parent), "a blocked call had no effect: it is made again");
        assertEquals(List.of(), r.audit());
    }

    /** The same for a task of another slot, interrupted at its ecall (its trap frame says so). */
    @Test
    void anUncommittedCallOfAnotherTaskIsMadeAgainFromItsOwnOrigA0() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        long t = dead.task(1);
        m.memory.write64(t + T_CAUSE, CAUSE_ECALL);
        m.memory.write64(t + T_EPC, m.memory.read64(t + T_PC));
        m.memory.write64(t + T_X + 8L * 17, Sysno.GETPID);
        m.memory.write64(t + T_ORIG_A0, 0x1234);
        m.memory.write64(t + T_X + 8L * 10, 0x5678);
        DeadKernels.Revived r = TWO.revive(m);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(0x1234, made(r).reg(1, 10));
        assertNotEquals(0x1234, made(r).reg(0, 10));
        assertEquals(m.memory.read64(t + T_PC), m.memory.read64(made(r).task(1) + T_PC));
    }

    /** A stopped process stays stopped. */
    @Test
    void aStoppedProcessStaysStopped() {
        Machine m = TWO.machine();
        m.memory.write32(dead(m).task(1) + T_STATE, TASK_STOPPED);
        DeadKernels.Revived r = TWO.revive(m);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(TASK_STOPPED, made(r).state(1));
        assertEquals(TASK_RUNNABLE, made(r).state(0));
    }

    /** A clone that had made its child is completed: the parent's a0 is the child's pid, its pc past the ecall. */
    @Test
    void aCloneThatMadeItsChildCompletesWithTheChildsPid() {
        Machine m = CLONE.machine();
        Kern dead = dead(m);
        int parent = (int) m.memory.read64(dead.h + KH_CURRENT);
        long t = dead.task(parent);
        long child = m.memory.read64(t + T_SYSWORD);
        assertTrue(dead.slotOf((int) child) >= 0, "the child exists");
        DeadKernels.Revived r = CLONE.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        assertEquals(child, made.reg(parent, 10));
        assertEquals(m.memory.read64(t + T_EPC) + 4, m.memory.read64(made.task(parent) + T_PC));
        assertEquals(2, r.report().resurrectedCount());
        assertEquals(List.of(), r.audit());
    }

    // ---- shared frames -----------------------------------------------------------------------------------

    /**
     * Frames shared copy-on-write by parent and child come back with their sharing count derived from the mappings;
     * shared file pages are the file-page table's (kept, mapped shared, uncounted).
     */
    @Test
    void sharedFramesAreCountedAndFilePagesKept() {
        Machine m = CLONE.machine();
        Kern dead = dead(m);
        int parent = (int) m.memory.read64(dead.h + KH_CURRENT);
        int child = dead.slotOf((int) m.memory.read64(dead.task(parent) + T_SYSWORD));
        Map<Long, long[]> pp = dead.pages(parent), cp = dead.pages(child);
        DeadKernels.Revived r = CLONE.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        Kern made = made(r);
        int cow = 0, file = 0;
        for (long[] page : pp.values()) {
            boolean both = cp.values().stream().anyMatch(q -> q[0] == page[0]);
            boolean shared = (page[1] & PageTable.PTE_SHARED) != 0;
            if (both && !shared) {
                cow++;
                assertEquals(1, made.sharers(page[0]), String.format("frame 0x%x mapped twice", page[0]));
            }
            if (shared && both) {
                file++;
                assertEquals(0, made.sharers(page[0]), "a file page is the table's, not counted");
            }
            if (!both) assertEquals(0, made.sharers(page[0]));
            assertTrue(made.frameUsed(page[0]));
        }
        assertTrue(cow > 0, "fork shares pages copy-on-write");
        assertTrue(file > 0, "forkmap's file mapping is shared by both");
        assertEquals(pp.keySet(), made.pages(parent).keySet());
        for (long va : pp.keySet()) assertArrayEquals(pp.get(va), made.pages(parent).get(va));
        for (long va : cp.keySet()) assertArrayEquals(cp.get(va), made.pages(child).get(va));
        long fpages = m.memory.read64(made.h + KH_FPAGES);
        assertEquals(file, m.memory.read32(fpages + FP_HWM), "the file pages mapped are kept in the table");
    }

    // ---- zombies, vfork, execve ---------------------------------------------------------------------------

    /** A zombie is carried over as it was: no address space, no fds, no VMAs; reported as exited. */
    @Test
    void aZombieIsCarriedOverWithNothingHeld() {
        Machine m = ZOMBIE.machine();
        Kern dead = dead(m);
        int z = dead.first((k, i) -> k.state(i) == TASK_ZOMBIE);
        int pid = dead.pid(z);
        int parent = dead.first((k, i) -> k.state(i) != TASK_ZOMBIE);
        m.memory.write32(dead.task(z) + T_FD + 4L * 5, dead.fd(parent, 1));
        // what a zombie no longer has, though its dead record or tables say otherwise: an address space, VMAs, a sleep
        m.memory.write64(dead.task(z) + T_SATP, dead.satp(parent));
        byte[] vmas = dead.bytes(dead.vmat(parent), VMAT.size());
        m.memory.write(dead.vmat(z), vmas, 0, vmas.length);
        long sleep = m.memory.read64(dead.h + KH_SLEEPS) + (long) z * SLEEP.size();
        m.memory.write32(sleep + SL_ARMED, 1);
        m.memory.write64(sleep + SL_DEADLINE, 1L << 40);
        DeadKernels.Revived r = ZOMBIE.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        assertEquals(TASK_ZOMBIE, made.state(z));
        assertEquals(0, made.satp(z));
        for (int fd = 0; fd < NOFILE; fd++) assertEquals(-1, made.fd(z, fd));
        ResurrectionReport.Process p = r.process(pid);
        assertTrue(p.resurrected() && p.exited(), r.report().lines().toString());
        assertEquals(List.of(), p.files());
        assertEquals(m.memory.read32(dead.task(z) + T_EXIT), m.memory.read32(made.task(z) + T_EXIT));
        assertEquals(0, m.memory.read32(made.vmat(z) + VT_COUNT) + m.memory.read32(made.vmat(z) + VT_COUNT + 4));
        assertEquals(0, m.memory.read32(m.memory.read64(made.h + KH_SLEEPS) + (long) z * SLEEP.size() + SL_ARMED));
        assertEquals(List.of(), r.audit());
        assertEquals(1, r.report().resurrectedCount());
        assertEquals(2, r.points().stream().filter("resurrect.task"::equals).count());
    }

    /** A vfork child gets the address space built for its lender, which is blocked until the child lets it go. */
    @Test
    void aVforkChildSharesTheTablesBuiltForItsLender() {
        Machine m = VFORK.machine();
        Kern dead = dead(m);
        int child = dead.first((k, i) -> k.state(i) == TASK_RUNNABLE && k.ram.read32(k.proc(i) + P_VM_PARENT) != 0);
        int lender = m.memory.read32(dead.proc(child) + P_VM_PARENT) - 1;
        assertEquals(dead.satp(lender), dead.satp(child));
        DeadKernels.Revived r = VFORK.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        Kern made = made(r);
        assertEquals(made.satp(lender), made.satp(child));
        assertNotEquals(0, made.satp(child));
        assertEquals(TASK_BLOCKED, made.state(lender));
        assertEquals(otherworld.kernel.proc.Channels.of(otherworld.kernel.proc.Channels.VFORK, dead.pid(child)),
                m.memory.read64(made.task(lender) + T_WAIT));
        assertEquals(TASK_RUNNABLE, made.state(child));
        Map<Long, long[]> pages = dead.pages(lender);
        assertEquals(pages.keySet(), made.pages(lender).keySet());
        for (long[] page : pages.values()) {
            assertEquals(0, made.sharers(page[0]), "the lender's pages, counted once");
        }
    }

    /**
     * A vfork child's satp is its lender's: one bit flipped in the child's is taken back as the lender's (every frame
     * then agrees with its counts), and both come back sharing the tables built for the lender. One flipped in the
     * lender's is not taken as the child's (the lender's tables, still reached through the child, leave nothing
     * unexplained): both are refused.
     */
    @Test
    void aVforkChildsSatpOneFlipFromItsLendersIsTakenBackNotTheLendersFromTheChilds() {
        Machine m = VFORK.machine();
        Kern dead = dead(m);
        int child = dead.first((k, i) -> k.state(i) == TASK_RUNNABLE && k.ram.read32(k.proc(i) + P_VM_PARENT) != 0);
        int lender = m.memory.read32(dead.proc(child) + P_VM_PARENT) - 1;
        m.memory.write64(dead.task(child) + T_SATP, dead.satp(child) ^ 1);
        DeadKernels.Revived r = VFORK.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        assertEquals(1, r.report().machineProblems.size(), r.report().lines().toString());
        assertTrue(r.report().machineProblems.get(0).startsWith("task slot " + child + ": satp"), r.report().lines().toString());
        Kern made = made(r);
        assertEquals(made.satp(lender), made.satp(child));
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());

        m = VFORK.machine();
        m.memory.write64(dead.task(lender) + T_SATP, dead(m).satp(lender) ^ 1);
        r = VFORK.revive(m);
        assertNull(r.failure());
        assertTrue(r.report().machineProblems.stream().noneMatch(l -> l.contains("satp")), r.report().lines().toString());
        assertFalse(r.process(dead.pid(lender)).resurrected(), r.report().lines().toString());
        assertFalse(r.process(dead.pid(child)).resurrected(), r.report().lines().toString());
    }

    /** A committed execve: the new image comes back, its staged VMA list in force, its old pages released. */
    @Test
    void aCommittedExecveBringsTheNewImageBack() {
        Machine m = EXEC.machine();
        Kern dead = dead(m);
        int slot = (int) m.memory.read64(dead.h + KH_CURRENT);
        long proc = dead.proc(slot);
        assertEquals(otherworld.kernel.proc.Procs.EXEC_PENDING, m.memory.read32(proc + P_EXEC_STATE));
        assertTrue(m.memory.read32(proc + P_VM_PARENT) != 0, "spawner's vfork child");
        int lender = m.memory.read32(proc + P_VM_PARENT) - 1;
        int staged = m.memory.read32(proc + P_EXEC_VLIST);
        assertNotEquals(m.memory.read32(dead.vmat(slot) + VT_ACTIVE), staged);
        m.memory.write32(dead.proc(lender) + P_EXEC_VLIST, 1 - staged); // the lender has no execve: not read
        long newRoot = Sv39.satpRootPa(m.memory.read64(proc + P_EXEC_SATP));
        Map<Long, long[]> image = new java.util.TreeMap<>();
        new PageTable(new otherworld.kernel.mem.ReadOnlyMem(m.memory), null, newRoot).forEachLeaf((va, pte) ->
                image.put(va, new long[] {Sv39.paOf(Sv39.ptePpn(pte))}));
        DeadKernels.Revived r = EXEC.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        Kern made = made(r);
        assertEquals(staged, m.memory.read32(made.vmat(slot) + VT_ACTIVE));
        assertNotEquals(made.satp(lender), made.satp(slot), "its own address space now");
        Map<Long, long[]> pages = made.pages(slot);
        assertEquals(image.keySet(), pages.keySet());
        for (long va : image.keySet()) assertEquals(image.get(va)[0], pages.get(va)[0]);
        assertEquals(2, r.report().resurrectedCount());
        assertTrue(r.process(dead.pid(slot)).inflight().contains("execve"), r.report().lines().toString());
    }

    // ---- ttys and a console write in flight ----------------------------------------------------------------

    /** A console write that had sent half its bytes, at its commit point (bytes_out beyond the tty's out). */
    static final Captured WRITE = capture(ValidatorCorruptionTest.two().ram(RAM).maxInstructions(40_000_000L),
            (point, m) -> point.equals("write.tty-partial") && m.memory.read64(currentTask(m.memory) + T_X + 8L * 12) > 8);

    /**
     * A tty record that fails validation starts afresh and is reported (its process comes back); a sound one is
     * copied whole (a window size, say), its console index its own.
     */
    @Test
    void aCorruptTtyStartsAfreshAndASoundOneIsCopied() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        m.memory.write32(dead.tty(1), 0x0BAD);
        m.memory.write64(dead.tty(1) + TTY_WINSIZE, 0x0050_0019_0000_0000L);
        m.memory.write32(dead.tty(1) + TTY_PGRP, 77);
        m.memory.write64(dead.tty(0) + TTY_WINSIZE, 0x0050_0019_0000_0000L);
        int nttys = m.memory.read32(dead.h + KH_NTTYS);
        m.memory.write32(dead.tty(nttys), 0x0BAD); // not one of the kernel's ttys: neither checked nor reported
        DeadKernels.Revived r = TWO.revive(m);
        assertNull(r.failure());
        assertEquals(1, r.report().machineProblems.size(), r.report().lines().toString());
        assertTrue(r.report().machineProblems.get(0).startsWith("tty 1: bad magic or version"));
        assertTrue(r.report().machineProblems.get(0).contains("starts afresh"));
        assertEquals(2, r.report().resurrectedCount());
        Kern made = made(r);
        assertEquals(TTY.magic, m.memory.read32(made.tty(1)));
        assertNotEquals(77, m.memory.read32(made.tty(1) + TTY_PGRP));
        assertNotEquals(0x0050_0019_0000_0000L, m.memory.read64(made.tty(1) + TTY_WINSIZE));
        assertEquals(1, m.memory.read32(made.tty(1) + TTY_CONSOLE));
        assertEquals(0x0050_0019_0000_0000L, m.memory.read64(made.tty(0) + TTY_WINSIZE));
        assertEquals(0, m.memory.read32(made.tty(0) + TTY_CONSOLE));
        assertEquals(List.of(), r.audit());
    }

    /** Puts byte b in tty i's ring as received, its echo begun and none of it sent yet (the echo word names it). */
    static void echoInFlight(Machine m, Kern dead, int i, byte b) {
        long t = dead.tty(i);
        long nwrite = m.memory.read64(t + TTY_NWRITE), nproc = m.memory.read64(t + TTY_NPROC);
        assertEquals(nwrite, nproc, "every byte received was processed");
        m.memory.write8(t + TTY_DATA + nwrite % TTY_BUF, b);
        m.memory.write64(t + TTY_NWRITE, nwrite + 1);
        m.memory.write32(t + TTY_LFLAG, m.memory.read32(t + TTY_LFLAG) | otherworld.kernel.tty.Tty.ECHO);
        m.memory.write64(t + TTY_ECHO, otherworld.kernel.tty.Tty.echoMark(nproc, m.console(i).bytesOut()));
    }

    /** An echo in flight is finished once, and the byte counts as processed; a corrupt tty's is not. */
    @Test
    void anEchoInFlightIsFinished() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        echoInFlight(m, dead, 0, (byte) 'q');
        echoInFlight(m, dead, 1, (byte) 'z');
        int nttys = m.memory.read32(dead.h + KH_NTTYS);
        m.memory.write64(dead.tty(nttys) + TTY_WINSIZE, 0x0050_0019_0000_0000L); // sound, but not one of the kernel's
        m.memory.write32(dead.tty(1) + TTY_PGRP, -1); // corrupt: starts afresh, its echo not made
        long nproc = m.memory.read64(dead.tty(0) + TTY_NPROC);
        int before0 = m.console(0).output().length, before1 = m.console(1).output().length;
        DeadKernels.Revived r = TWO.revive(m);
        assertNull(r.failure());
        byte[] out0 = m.console(0).output();
        assertEquals(before0 + 1, out0.length);
        assertEquals('q', out0[before0]);
        assertEquals(before1, m.console(1).output().length, "tty 1 is corrupt: no echo");
        Kern made = made(r);
        assertEquals(nproc + 1, m.memory.read64(made.tty(0) + TTY_NPROC));
        assertEquals(m.console(0).bytesOut(), m.memory.read64(made.tty(0) + TTY_OUT));
        assertNotEquals(0x0050_0019_0000_0000L, m.memory.read64(made.tty(nttys) + TTY_WINSIZE), "laid out, not copied");
        assertEquals(List.of(), r.audit());
    }

    /**
     * A console write in flight is completed (the rest of its bytes sent, each once; a0 its count, pc past the ecall),
     * and an echo on the same line is not made: bytes_out there is the write's.
     */
    @Test
    void aConsoleWriteInFlightIsCompletedAndNoEchoMadeOnItsLine() {
        Machine m = WRITE.machine();
        Kern dead = dead(m);
        int slot = (int) m.memory.read64(dead.h + KH_CURRENT);
        long t = dead.task(slot);
        assertEquals(m.memory.read64(t + T_EPC), m.memory.read64(t + T_PC), "not committed");
        long count = m.memory.read64(t + T_X + 8L * 12);
        int tty = dead.ram.read32(dead.file(dead.fd(slot, (int) m.memory.read64(t + T_ORIG_A0))) + F_TTY);
        int other = 1 - tty;
        echoInFlight(m, dead, tty, (byte) 'e');
        echoInFlight(m, dead, other, (byte) 'o');
        long nproc = m.memory.read64(dead.tty(tty) + TTY_NPROC);
        long sentBefore = m.console(tty).bytesOut() - m.memory.read64(dead.tty(tty) + TTY_OUT);
        assertTrue(sentBefore > 0 && sentBefore < count, "half the write had left the machine");
        int otherBefore = m.console(other).output().length;
        DeadKernels.Revived r = WRITE.revive(m);
        assertNull(r.failure());
        Kern made = made(r);
        assertEquals(count, made.reg(slot, 10));
        assertEquals(m.memory.read64(t + T_EPC) + 4, m.memory.read64(made.task(slot) + T_PC));
        assertEquals(m.memory.read64(dead.tty(tty) + TTY_OUT) + count, m.console(tty).bytesOut(), "each byte once");
        assertEquals(nproc, m.memory.read64(made.tty(tty) + TTY_NPROC), "no echo on the write's line");
        assertEquals(otherBefore + 1, m.console(other).output().length, "the other line's echo is made");
        assertEquals(List.of(), r.audit());
    }

    // ---- pipes and locks ---------------------------------------------------------------------------------

    /** pipetest in its large write (made in chunks while the reader drains it): the writer owns the write side. */
    static final Captured PIPETEST = capture(new Scenario().add(Guests.program("pipetest", "40")).ram(RAM).maxInstructions(40_000_000L),
            DeadKernels.atPoint("pipe.chunk", 2));

    /** Owner pid and slot of the pipe with a write in progress, and the pipe's index. */
    static int[] ownedPipe(Kern k) {
        for (int p = 0; p < MAX_PIPES; p++) {
            long pa = k.pipe(p);
            if (k.ram.read32(pa) == PIPE.magic && k.ram.read32(pa + PI_OWNER) > 0) {
                return new int[] {k.ram.read32(pa + PI_OWNER), k.slotOf(k.ram.read32(pa + PI_OWNER)), p};
            }
        }
        throw new IllegalStateException("no pipe with a write in progress");
    }

    /**
     * Every pipe an open file names comes back with its bytes and counters, at its index; the writer that comes back
     * keeps it. (The dead kernel's pipes are moved to the top of the table first, files and all, so that no pipe
     * lies where a wrong index would find one.) A pipe no open file names (its last file closed) is not brought back.
     */
    @Test
    void pipesComeBackWithTheirBytesAndTheirWriter() {
        Machine m = PIPETEST.machine();
        Kern dead = dead(m);
        for (int p = 0; p < MAX_PIPES / 2; p++) { // pipe p -> MAX_PIPES - 1 - p, and the files that name it
            int q = MAX_PIPES - 1 - p;
            byte[] rec = dead.bytes(dead.pipe(p), PIPE.size());
            m.memory.write(dead.pipe(q), rec, 0, rec.length);
            PIPE.init(new otherworld.kernel.mem.DirectMem(m.memory), dead.pipe(p));
            for (int f = 0; f < MAX_FILES; f++) {
                if (m.memory.read32(dead.file(f) + F_TYPE) == FT_PIPE && m.memory.read32(dead.file(f) + F_INO) == p) {
                    m.memory.write32(dead.file(f) + F_INO, q);
                }
            }
        }
        int closed = -1; // a free file entry that last named pipe 1, whose bytes are still there
        for (int f = MAX_FILES - 1; f >= 0 && closed < 0; f--) if (m.memory.read32(dead.file(f) + F_REFS) == 0) closed = f;
        m.memory.write32(dead.file(closed) + F_TYPE, FT_PIPE);
        m.memory.write32(dead.file(closed) + F_INO, 1);
        m.memory.write64(dead.pipe(1) + PI_NWRITE, 5);
        int[] owned = ownedPipe(dead);
        DeadKernels.Revived r = PIPETEST.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        Kern made = made(r);
        int pipes = 0;
        for (int p = 0; p < MAX_PIPES; p++) {
            boolean named = false;
            for (int f = 0; f < MAX_FILES; f++) {
                named |= m.memory.read32(dead.file(f) + F_REFS) > 0 && m.memory.read32(dead.file(f) + F_TYPE) == FT_PIPE
                        && m.memory.read32(dead.file(f) + F_INO) == p;
            }
            if (!named) continue;
            pipes++;
            assertArrayEquals(dead.bytes(dead.pipe(p), PIPE.size()), made.bytes(made.pipe(p), PIPE.size()), "pipe " + p);
        }
        assertTrue(pipes > 0);
        assertEquals(owned[0], m.memory.read32(made.pipe(owned[2]) + PI_OWNER));
        assertEquals(0, m.memory.read64(made.pipe(1) + PI_NWRITE), "an unnamed pipe is free");
        List<String> files = openFiles(dead, owned[1]);
        assertTrue(files.stream().anyMatch(f -> f.contains(":pipe")), files.toString());
        assertEquals(files, r.process(owned[0]).files());
        assertTrue(m.memory.read64(made.pipe(owned[2]) + PI_NWRITE) > 0);
    }

    /** A large write's owner that is refused does not keep the write side: the pipe comes back without an owner. */
    @Test
    void aPipeWhoseWriterIsRefusedHasNoOwner() {
        Machine m = PIPETEST.machine();
        Kern dead = dead(m);
        int[] owned = ownedPipe(dead);
        m.memory.write32(dead.task(owned[1]) + T_TTY, 99);
        DeadKernels.Revived r = PIPETEST.revive(m);
        assertNull(r.failure());
        assertFalse(r.process(owned[0]).resurrected());
        Kern made = made(r);
        boolean kept = false;
        for (int f = 0; f < MAX_FILES; f++) {
            kept |= m.memory.read32(made.file(f) + F_REFS) > 0 && m.memory.read32(made.file(f) + F_TYPE) == FT_PIPE
                    && m.memory.read32(made.file(f) + F_INO) == owned[2];
        }
        assertTrue(kept, "the reader still has it");
        assertEquals(0, m.memory.read32(made.pipe(owned[2]) + PI_OWNER));
        assertEquals(m.memory.read64(dead.pipe(owned[2]) + PI_NWRITE), m.memory.read64(made.pipe(owned[2]) + PI_NWRITE));
        assertEquals(List.of(), r.audit());
    }

    /** fstest holding a POSIX lock. */
    static final Captured LOCKS = capture(new Scenario().add(Guests.program("fstest")).ram(RAM).maxInstructions(60_000_000L),
            (point, mm) -> point.equals("syscall.entry") && heldLock(new Kern(mm.memory, header(mm.memory))) >= 0);

    static int heldLock(Kern k) {
        long locks = k.ram.read64(k.h + KH_LOCKS);
        for (int i = 0; i < MAX_LOCKS; i++) {
            if (k.ram.read32(locks + (long) i * LOCK.size() + L_KIND) == LOCK_POSIX) return i;
        }
        return -1;
    }

    /** A lock comes back with its owner; an owner refused loses it. */
    @Test
    void locksComeBackWithTheirOwnersOnly() {
        Machine m = LOCKS.machine();
        Kern dead = dead(m);
        int l = heldLock(dead);
        long rec = m.memory.read64(dead.h + KH_LOCKS) + (long) l * LOCK.size();
        DeadKernels.Revived r = LOCKS.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        assertTrue(r.report().locksKept > 0);
        Kern made = made(r);
        assertArrayEquals(dead.bytes(rec, LOCK.size()),
                made.bytes(m.memory.read64(made.h + KH_LOCKS) + (long) l * LOCK.size(), LOCK.size()));

        Machine m2 = LOCKS.machine();
        Kern dead2 = dead(m2);
        m2.memory.write32(dead2.task(dead2.slotOf(m2.memory.read32(rec + L_OWNER))) + T_TTY, 99);
        DeadKernels.Revived r2 = LOCKS.revive(m2);
        assertNull(r2.failure());
        assertEquals(0, r2.report().locksKept);
        assertTrue(r2.report().locksDropped > 0);
        assertEquals(0, m2.memory.read32(m2.memory.read64(made(r2).h + KH_LOCKS) + (long) l * LOCK.size() + L_KIND));
    }

    // ---- sleeps and recovery procedures ------------------------------------------------------------------

    /** sharedmap asleep in its pause (its file pages dirty in memory), checksum running. */
    static final Captured SLEEPER = capture(new Scenario().add(Guests.program("checksum", "400")).add(Guests.program("sharedmap"))
                    .ram(RAM).maxInstructions(60_000_000L),
            whenSome("syscall.entry", (k, i) -> k.ram.read32(k.ram.read64(k.h + KH_SLEEPS) + (long) i * SLEEP.size() + SL_ARMED) == 1, 1));

    /** A sleeping task keeps its deadline; its shared file pages are kept in the file-page table. */
    @Test
    void aSleeperKeepsItsDeadlineAndItsFilePages() {
        Machine m = SLEEPER.machine();
        Kern dead = dead(m);
        int slot = dead.first((k, i) -> k.ram.read32(k.ram.read64(k.h + KH_SLEEPS) + (long) i * SLEEP.size() + SL_ARMED) == 1);
        long old = m.memory.read64(dead.h + KH_SLEEPS) + (long) slot * SLEEP.size();
        DeadKernels.Revived r = SLEEPER.revive(m);
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        assertEquals(2, r.report().resurrectedCount());
        Kern made = made(r);
        long rec = m.memory.read64(made.h + KH_SLEEPS) + (long) slot * SLEEP.size();
        assertEquals(1, m.memory.read32(rec + SL_ARMED));
        assertEquals(m.memory.read64(old + SL_DEADLINE), m.memory.read64(rec + SL_DEADLINE));
        assertEquals(m.memory.read64(old + SL_EPC), m.memory.read64(rec + SL_EPC));
        assertEquals(m.memory.read32(old + SL_NR), m.memory.read32(rec + SL_NR));
        int shared = 0;
        for (long[] page : made.pages(slot).values()) if ((page[1] & PageTable.PTE_SHARED) != 0) shared++;
        assertTrue(shared > 0, "sharedmap's file is mapped shared");
        assertEquals(shared, m.memory.read32(m.memory.read64(made.h + KH_FPAGES) + FP_HWM));
        int other = 1 - slot;
        assertEquals(0, m.memory.read32(m.memory.read64(made.h + KH_SLEEPS) + (long) other * SLEEP.size() + SL_ARMED));
    }

    /**
     * kvstore's recovery procedure is set up by the crash kernel, and the report says so; a recovery table outside
     * the dead kernel's structures (in its page-table pool, say) is not read: no procedure runs, and the report says
     * why.
     */
    @Test
    void aRecoveryProcedureIsReportedAndATableOutsideTheStructuresIgnored() {
        Machine m = TWO.machine();
        DeadKernels.Revived r = TWO.revive(m);
        String said = r.process(dead(TWO.machine()).pid(1)).inflight();
        assertNotNull(said);
        assertTrue(said.contains("recovery") && !said.startsWith("null"), said);

        Machine m2 = TWO.machine();
        Kern dead = dead(m2);
        m2.memory.write64(dead.h + KH_RECOVERY, m2.memory.read64(dead.h + KH_PT_POOL));
        DeadKernels.Revived r2 = TWO.revive(m2);
        assertNull(r2.failure());
        for (ResurrectionReport.Process p : r2.report().processes) {
            assertTrue(p.inflight().contains("recovery table out of bounds"), p.inflight());
        }
        assertEquals(List.of(), r2.audit());
    }

    // ---- the crash region ----------------------------------------------------------------------------------

    /** A crash region that leaves no run as large free once the new kernel is built: it says so, and still commits. */
    @Test
    void noRoomForANewCrashRegionIsReported() {
        Machine m = TWO.machine();
        Kern dead = dead(m);
        long[] run = largestFreeRun(dead);
        m.memory.write64(dead.h + KH_CRASH_BASE, run[0]);
        m.memory.write64(dead.h + KH_CRASH_SIZE, run[1]);
        DeadKernels.Revived r = TWO.revive(m);
        assertNull(r.failure());
        assertTrue(r.report().machineProblems.toString().contains("no room for a new crash region"),
                r.report().lines().toString());
        assertEquals(0, r.report().newCrashRegion);
        assertEquals(0, m.memory.read64(made(r).h + KH_CRASH_SIZE));
        assertEquals(2, r.report().resurrectedCount());
        assertEquals(List.of(), r.audit());
    }

    /**
     * A crash region whose page-table pool (the least a region has: 64 pages) the processes' tables do not fit in:
     * the crash kernel panics and says why, before its commit (a new crash kernel with a larger region may do
     * better). Checksum's address space is spread over as many level-0 tables as make it take the whole pool (then
     * kvstore's root has no frame), or one more (then a table of its own has none).
     */
    @Test
    void aPoolTooSmallForThePageTablesPanicsBeforeTheCommit() {
        for (int slot = 0; slot < 2; slot++) {
            Machine m = TWO.machine();
            Kern dead = dead(m);
            // slot 0 (built first) takes the whole pool; or slot 1 (built last) needs one table more than is left
            int tables = slot == 0 ? POOL_PAGES : POOL_PAGES - tableCount(m, Sv39.satpRootPa(dead.satp(0)), 2) + 1;
            long base = m.memory.read64(dead.h + KH_CRASH_BASE);
            Region full = Region.layout(base, m.memory.read64(dead.h + KH_CRASH_SIZE), (int) (m.memory.size() / Sv39.PAGE_SIZE),
                    TWO.dead().config.cacheSlots());
            m.memory.write64(dead.h + KH_CRASH_SIZE, full.ptPool() - base + POOL_PAGES * Sv39.PAGE_SIZE);
            spreadTables(m, dead, slot, tables);
            DeadKernels.Revived r = TWO.revive(m);
            assertInstanceOf(KernelPanic.class, r.failure(), tables + " tables");
            assertTrue(r.failure().getMessage().contains("crash region too small for page tables"), r.failure().getMessage());
            assertEquals(dead.h, header(m.memory), "not committed");
        }
    }

    static final int POOL_PAGES = 64;

    /** Adds pages (on free frames, marked used) in new 2 MiB ranges of a VMA until the task has this many tables. */
    static void spreadTables(Machine m, Kern k, int slot, int tables) {
        otherworld.kernel.mem.ReadOnlyMem v = new otherworld.kernel.mem.ReadOnlyMem(m.memory);
        long vmat = k.vmat(slot);
        int active = m.memory.read32(vmat + VT_ACTIVE);
        List<otherworld.kernel.mm.Vma> l = new otherworld.kernel.mm.Vmas(v, m.memory.read64(k.h + KH_VMAS), slot).list();
        long mb2 = 1L << 21;
        int pick = -1;
        long gap = 0;
        for (int i = 0; i + 1 < l.size(); i++) {
            if ((l.get(i).flags() & (VM_GUARD | VM_STACK | VM_FILE)) != 0) continue;
            if (l.get(i + 1).start() - l.get(i).end() > gap) {
                gap = l.get(i + 1).start() - l.get(i).end();
                pick = i;
            }
        }
        assertTrue(pick >= 0 && gap > 100 * mb2, "a VMA with room after it: " + l);
        long start = (l.get(pick).end() + mb2 - 1) / mb2 * mb2;
        long[] next = {largestFreeRun(k)[0]};
        long root = Sv39.satpRootPa(k.satp(slot));
        long va = start;
        while (tableCount(m, root, 2) < tables) {
            long l1pte = root + 8L * ((va >>> 30) & 511);
            if (!Sv39.isValid(m.memory.read64(l1pte))) m.memory.write64(l1pte, Sv39.makePte(Sv39.ppnOf(frame(m, k, next)), Sv39.PTE_V));
            long l1 = Sv39.paOf(Sv39.ptePpn(m.memory.read64(l1pte)));
            long l0pte = l1 + 8L * ((va >>> 21) & 511);
            assertFalse(Sv39.isValid(m.memory.read64(l0pte)));
            long l0 = frame(m, k, next);
            m.memory.write64(l0pte, Sv39.makePte(Sv39.ppnOf(l0), Sv39.PTE_V));
            m.memory.write64(l0, Sv39.makePte(Sv39.ppnOf(frame(m, k, next)),
                    Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_U | Sv39.PTE_A | Sv39.PTE_D));
            va += mb2;
        }
        m.memory.write64(otherworld.kernel.mm.Vmas.entry(vmat, active, pick) + V_END, va);
    }

    /** A zeroed free frame, marked used in the dead kernel's bitmap. */
    static long frame(Machine m, Kern k, long[] next) {
        long pa = next[0];
        next[0] += Sv39.PAGE_SIZE;
        m.memory.fill(pa, Sv39.PAGE_SIZE, (byte) 0);
        long i = (pa - m.memory.base()) / Sv39.PAGE_SIZE;
        long word = m.memory.read64(k.h + KH_BITMAP) + i / 64 * 8;
        m.memory.write64(word, m.memory.read64(word) | 1L << (i % 64));
        return pa;
    }

    /** The tables of the tree under table (itself included). */
    static int tableCount(Machine m, long table, int level) {
        int n = 1;
        if (level == 0) return n;
        for (int i = 0; i < 512; i++) {
            long pte = m.memory.read64(table + 8L * i);
            if (Sv39.isValid(pte) && !Sv39.isLeaf(pte)) n += tableCount(m, Sv39.paOf(Sv39.ptePpn(pte)), level - 1);
        }
        return n;
    }

    /** Two ranges overlap when they share a byte: ranges that only touch do not. */
    @Test
    void rangesOverlapWhenTheyShareAByte() {
        assertFalse(CrashKernel.overlaps(0, 10, 10, 5), "touching from below");
        assertFalse(CrashKernel.overlaps(15, 5, 10, 5), "touching from above");
        assertTrue(CrashKernel.overlaps(0, 11, 10, 5));
        assertTrue(CrashKernel.overlaps(14, 3, 10, 5));
        assertTrue(CrashKernel.overlaps(11, 1, 10, 5), "inside");
        assertTrue(CrashKernel.overlaps(0, 100, 10, 5), "around");
    }

    /** What the report says of a task's open files: fd, then the tty, the pipe, or the inode and offset. */
    static List<String> openFiles(Kern dead, int slot) {
        List<String> expected = new ArrayList<>();
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = dead.fd(slot, fd);
            if (f < 0) continue;
            long fe = dead.file(f);
            int type = dead.ram.read32(fe + F_TYPE);
            expected.add(fd + (type == FT_TTY ? ":tty" + dead.ram.read32(fe + F_TTY)
                    : type == FT_PIPE ? ":pipe" + dead.ram.read32(fe + F_INO)
                    : ":ino " + dead.ram.read32(fe + F_INO) + "@" + dead.ram.read64(fe + F_OFFSET)));
        }
        return expected;
    }

    /** The longest run of frames the dead kernel's bitmap says are free: {base, bytes}. */
    static long[] largestFreeRun(Kern k) {
        long best = 0, bestLen = 0, start = -1;
        for (long pa = k.ram.base(); pa <= k.ram.end(); pa += Sv39.PAGE_SIZE) {
            boolean free = pa < k.ram.end() && pa >= FIRST_REGION_PA && !k.frameUsed(pa);
            if (free && start < 0) start = pa;
            if (!free && start >= 0) {
                if (pa - start > bestLen) {
                    best = start;
                    bestLen = pa - start;
                }
                start = -1;
            }
        }
        return new long[] {best, bestLen};
    }
}
