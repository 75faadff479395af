package otherworld.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.Computer;
import otherworld.kernel.Disks;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.FileLocks;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Signals;
import otherworld.kernel.proc.Task;
import otherworld.userland.Programs;

/**
 * The dispatcher's rule, driven from Java on a booted kernel whose two processes (hello, spawned, not yet run) make
 * the calls: a call commits by a0 and pc, at its crash points in their order, then its tail; a call that blocks or
 * restarts does not commit; an unknown number is ENOSYS. After a crash (a panic thrown at a crash point, then a new
 * kernel object attached to the same RAM, as a crash kernel's successor is), a committed call's tail is made again and
 * one in flight is reconciled; a signal delivery and a sigreturn are redone. Fast: no guest instruction runs.
 */
class SyscallsTest {
    static final long EPC = 0x10000;
    /** A number no call has: the tests define their own calls there. */
    static final int FREE = Sysno.IO_SETUP;

    final List<String> points = new ArrayList<>();
    final List<Integer> started = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    /** The crash point at which the next panic is thrown (null: none). */
    String crashAt;

    Machine m;
    Kernel k;
    Syscalls s;
    Task t, u;

    @BeforeEach
    void boot() throws Exception {
        m = new Machine(64 << 20, List.of(new Console("tty0"), new Console("tty1")), Disks.blankExt2());
        Computer c = new Computer(m, KernelConfig.defaults()).probe(new KernelHooks() {
            @Override public void point(String name) {
                points.add(name);
                if (name.equals(crashAt)) {
                    crashAt = null;
                    throw new KernelPanic("crash at " + name);
                }
            }

            @Override public void syscallStarted(int nr) { started.add(nr); }
        }).log(log::add).boot();
        byte[] hello = Programs.get("hello").binary();
        c.spawn("/bin/hello", hello, List.of("hello"), 0);
        c.spawn("/bin/hello", hello, List.of("hello"), 1);
        k = c.kernel();
        s = new Syscalls(k);
        t = k.task(0);
        u = k.task(1);
        points.clear();
    }

    /** t at an ecall of nr with these arguments, not yet made. */
    static void atEcall(Task t, long nr, long... args) {
        t.mem.w64(t.pa + T_CAUSE, CAUSE_ECALL);
        t.mem.w64(t.pa + T_EPC, EPC);
        t.setPc(EPC);
        t.setX(17, nr);
        for (int i = 0; i < args.length; i++) t.setX(10 + i, args[i]);
        t.mem.w64(t.pa + T_ORIG_A0, args.length > 0 ? args[0] : 0);
    }

    long call(long nr, long... args) {
        atEcall(t, nr, args);
        s.handle(t);
        return t.x(10);
    }

    /** The kernel object is dropped; a new one is attached to the RAM, as after a crash. */
    void crashed() {
        k = Kernel.attach(m, KernelConfig.defaults(), KernelHooks.NONE);
        s = new Syscalls(k);
        t = k.task(0);
        u = k.task(1);
    }

    /** Bytes at user address va of t: somewhere below its stack pointer, on its stack page. */
    long put(byte[] b, int below) {
        long va = (t.x(2) - below) & ~15L;
        assertTrue(k.user.copyOut(t.rootPa(), va, b, 0, b.length));
        return va;
    }

    long path(String p) { return put((p + "\0").getBytes(StandardCharsets.UTF_8), 256); }

    static final List<String> COMMITTED = List.of("syscall.entry", "syscall.before-commit", "syscall.after-commit", "syscall.done");

    @Test
    void aCallCommitsByA0ThenPcAtItsCrashPointsInOrder() {
        assertEquals(t.pid(), call(Sysno.GETPID));
        assertEquals(EPC + 4, t.pc());
        assertTrue(t.callCommitted());
        assertEquals(COMMITTED, points);
        assertEquals(List.of(Sysno.GETPID), started);
    }

    @Test
    void anUnknownNumberIsEnosysAndLoggedOncePerNumber() {
        for (long nr : new long[] {FREE, -1, Sysno.COUNT, Long.MAX_VALUE, FREE}) {
            points.clear();
            assertEquals(-38, call(nr), "nr " + nr);
            assertEquals(EPC + 4, t.pc());
            assertEquals(COMMITTED, points);
        }
        // Long.MAX_VALUE is logged as -1 (the number as an int), already logged
        assertEquals(3, log.stream().filter(l -> l.contains("not implemented: ENOSYS")).count(), log.toString());
    }

    @Test
    void aCallDefinedTwiceOrBlockingWithoutBlockIsAKernelBug() {
        s.define(FREE, x -> 0);
        assertThrows(IllegalStateException.class, () -> s.define(FREE, x -> 1));
        Syscalls other = new Syscalls(k);
        other.define(FREE, x -> Syscalls.BLOCK);
        atEcall(t, FREE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.handle(t));
        assertEquals("BLOCK without Kernel.block", e.getMessage());
    }

    @Test
    void aCallThatBlocksOrRestartsDoesNotCommit() {
        s.define(FREE, x -> k.block(x, 77));
        assertEquals(5, call(FREE, 5));
        assertEquals(EPC, t.pc(), "at its ecall still: made again when woken");
        assertEquals(TASK_BLOCKED, t.state());
        assertEquals(List.of("syscall.entry", "syscall.done"), points);
        assertEquals(1, k.wakeup(77));
        points.clear();
        Syscalls other = new Syscalls(k);
        other.define(FREE, x -> Syscalls.RESTART);
        atEcall(t, FREE, 6);
        other.handle(t);
        assertEquals(6, t.x(10));
        assertEquals(EPC, t.pc());
        assertEquals(TASK_RUNNABLE, t.state());
        assertEquals(List.of("syscall.entry", "syscall.done"), points);
    }

    @Test
    void theTailRunsAfterTheCommitAndNotForACallThatEndedTheTask() {
        long[] seen = new long[2];
        s.define(FREE, x -> 41, x -> {
            seen[0] = x.x(10);
            seen[1] = x.pc();
        });
        assertEquals(41, call(FREE));
        assertArrayEquals(new long[] {41, EPC + 4}, seen);
        seen[0] = 0;
        Syscalls other = new Syscalls(k);
        other.define(FREE, x -> {
            x.setState(TASK_ZOMBIE); // as exit: its new state was its commit
            return 0;
        }, x -> seen[0] = 1);
        atEcall(t, FREE, 9);
        other.handle(t);
        assertEquals(0, seen[0], "no tail");
        assertEquals(9, t.x(10));
        assertEquals(EPC, t.pc());
    }

    @Test
    void wrapGivesTheFilesItClaimsANewCallAndTail() {
        List<String> ran = new ArrayList<>();
        s.define(FREE, x -> 1, x -> ran.add("old tail"));
        s.wrap(FREE, x -> x.origA0() == 5, x -> 2, x -> ran.add("new tail"));
        assertEquals(2, call(FREE, 5));
        assertEquals(1, call(FREE, 4));
        assertEquals(List.of("new tail", "old tail"), ran);
        s.define(FREE + 1, x -> 3); // no tail of its own: the others' have none either
        s.wrap(FREE + 1, x -> x.origA0() == 5, x -> 4, x -> ran.add("wrapped tail"));
        assertEquals(3, call(FREE + 1, 4));
        assertEquals(4, call(FREE + 1, 5));
        assertEquals(List.of("new tail", "old tail", "wrapped tail"), ran);
    }

    @Test
    void afterACrashACommittedCallsRepairAndTailAreRedoneAndOneInFlightIsReconciled() {
        List<String> ran = new ArrayList<>();
        s.define(FREE, x -> 0, x -> ran.add("tail " + x.x(10)), (x, r, committed) -> ran.add("repair " + committed));
        s.define(FREE + 1, x -> 0);
        s.define(FREE + 2, x -> 0, x -> ran.add("tail only"));
        call(FREE);
        ran.clear();
        assertEquals("io_setup had committed: its tail was made again", s.redoTail(t));
        assertEquals(List.of("repair true", "tail 0"), ran);
        atEcall(t, FREE);
        ran.clear();
        assertEquals("io_setup in flight: will be made again (what it touched reconciled)", s.reconcile(t));
        assertEquals(List.of("repair false"), ran);
        atEcall(t, FREE + 1);
        assertNull(s.redoTail(t), "nothing to redo");
        assertEquals("io_destroy in flight: will be made again", s.reconcile(t));
        atEcall(t, FREE + 2);
        ran.clear();
        assertEquals("io_submit had committed: its tail was made again", s.redoTail(t));
        assertEquals(List.of("tail only"), ran);
        for (long nr : new long[] {FREE + 3, -1, Sysno.COUNT}) {
            atEcall(t, nr);
            assertNull(s.redoTail(t));
            assertNull(s.reconcile(t));
        }
    }

    @Test
    void aRepairHoldsWhatIsOpenAndItsCountsAreFinished() {
        long freeInodes = k.fs.freeInodes();
        int made = k.fs.create("/made", 0644);
        int open = k.fs.create("/open", 0644), closed = k.fs.create("/closed", 0644);
        int f = k.files.alloc(FT_REG, 2, open, -1);
        for (String p : new String[] {"/open", "/closed"}) assertEquals(0, k.fs.unlinkPrepared(Ext2.ROOT_INO, p,
                p.equals("/open") ? open : closed, 1, true));
        assertTrue(k.fs.isOrphan(open) && k.fs.isOrphan(closed));
        s.define(FREE, x -> 0, null, (x, r, committed) -> {
            r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/made"), made);
            r.reconcile(open);
            r.reconcile(closed);
        });
        atEcall(t, FREE);
        s.reconcile(t);
        assertTrue(k.fs.lookup("/made") < 0);
        assertTrue(k.fs.isOrphan(open), "held by an open file: kept");
        assertFalse(k.fs.isOrphan(closed), "held by nothing: released");
        assertEquals(freeInodes - 1, k.fs.freeInodes(), "the counts recounted: only the open orphan is left");
        assertEquals(1, k.files.refs(f));
    }

    @Test
    void fileOfNamesOnlyOpenFilesOfTheFdTable() {
        int f0 = t.fd(0);
        assertTrue(f0 >= 0 && k.files.refs(f0) > 0, "stdin open");
        assertEquals(f0, s.fileOf(t, 0));
        assertEquals(-1, s.fileOf(t, -1));
        assertEquals(-1, s.fileOf(t, NOFILE));
        assertEquals(-1, s.fileOf(t, NOFILE - 1), "closed");
        t.setFd(NOFILE - 1, MAX_FILES);
        assertEquals(-1, s.fileOf(t, NOFILE - 1), "past the file table");
        t.setFd(NOFILE - 1, MAX_FILES - 1);
        assertEquals(-1, s.fileOf(t, NOFILE - 1), "no reference");
        k.mem.w32(k.files.entry(MAX_FILES - 1) + F_REFS, 1);
        assertEquals(MAX_FILES - 1, s.fileOf(t, NOFILE - 1), "the last entry");
        t.setFd(NOFILE - 1, MAX_FILES);
        k.mem.w32(k.files.entry(MAX_FILES) + F_REFS, 1); // a word past the table that would read as a reference
        assertEquals(-1, s.fileOf(t, NOFILE - 1), "past the file table, whatever lies there");
        t.setFd(NOFILE - 1, -2);
        assertEquals(-1, s.fileOf(t, NOFILE - 1));
    }

    @Test
    void theLastCloseReleasesAnOrphanAndItsLocksAndWakesTheirWaiters() {
        int ino = k.fs.create("/o", 0644);
        int other = k.fs.create("/other", 0644);
        int f = k.files.alloc(FT_REG, 2, ino, -1);
        k.files.ref(f);
        assertEquals(0, k.fs.unlinkPrepared(Ext2.ROOT_INO, "/o", ino, 1, true));
        assertTrue(s.isOpen(ino));
        assertTrue(k.locks.set(LOCK_POSIX, 99, other, FileLocks.WRITE, 0, FileLocks.TO_EOF)); // someone else's
        assertTrue(k.locks.set(LOCK_OFD, f, ino, FileLocks.WRITE, 0, 10));
        assertTrue(k.locks.set(LOCK_FLOCK, f, ino, FileLocks.WRITE, 0, FileLocks.TO_EOF));
        k.block(t, FileLocks.channel(ino));
        k.block(u, FileLocks.channel(other));
        s.release(f); // not the last reference
        assertEquals(1, k.files.refs(f));
        assertTrue(k.fs.isOrphan(ino));
        assertEquals(TASK_BLOCKED, t.state());
        assertTrue(k.locks.lockedAny(ino), "locks stay until the last close");
        assertTrue(k.fs.write(other, 0, new byte[100], 0, 100) == 100 && k.cache.dirtyCount() > 0);
        s.release(f);
        assertEquals(0, k.files.refs(f));
        assertFalse(k.fs.isOrphan(ino), "released at its last close");
        assertFalse(s.isOpen(ino));
        assertFalse(k.locks.lockedAny(ino), "its OFD and flock locks gone");
        assertTrue(k.locks.lockedAny(other));
        assertEquals(TASK_RUNNABLE, t.state(), "the lock's waiter woken");
        assertEquals(TASK_BLOCKED, u.state(), "a waiter on another inode not");
        assertEquals(0, k.cache.dirtyCount(), "the cache written back");
        assertTrue(points.contains("close.before-writeback"), "a crash point before the write-back: " + points);
        s.release(f); // no reference left: nothing happens
        assertEquals(0, k.files.refs(f));
    }

    @Test
    void theLastCloseOfADeviceOrphanReleasesItAndOfAPipeEndWakesItsWaiters() {
        int dev = k.fs.mknodAt(Ext2.ROOT_INO, "/null2", 0x2000 | 0666, 1, 3);
        int fd = k.files.alloc(FT_DEV, 2, dev, -1);
        assertEquals(0, k.fs.unlinkPrepared(Ext2.ROOT_INO, "/null2", dev, 1, true));
        assertTrue(s.isOpen(dev));
        s.release(fd);
        assertFalse(k.fs.isOrphan(dev));
        int pipe = 5;
        int fp = k.files.alloc(FT_PIPE, 1, pipe, -1);
        assertFalse(s.isOpen(pipe), "a pipe's index is not an inode");
        k.block(t, Channels.of(Channels.PIPE, pipe));
        k.block(u, Channels.of(Channels.PIPE, pipe + 1));
        s.release(fp);
        assertEquals(TASK_RUNNABLE, t.state());
        assertEquals(TASK_BLOCKED, u.state());
    }

    @Test
    void anExitReleasesThePosixLocksOfItsProcessOnly() {
        int ino = k.fs.create("/l", 0644);
        assertTrue(k.locks.set(LOCK_POSIX, t.pid(), ino, FileLocks.WRITE, 0, 10));
        assertTrue(k.locks.set(LOCK_POSIX, u.pid(), ino, FileLocks.WRITE, 20, 30));
        k.block(u, FileLocks.channel(ino));
        // a word past the lock table that would read as a record's inode: no waiter of it is woken
        k.mem.w32(FileLocks.record(k.ram.read64(k.header + KH_LOCKS), MAX_LOCKS) + L_INO, 4321);
        k.block(t, FileLocks.channel(4321));
        s.exited(t);
        assertEquals(TASK_BLOCKED, t.state());
        assertEquals(TASK_RUNNABLE, u.state());
        assertEquals(-1, k.locks.conflict(LOCK_POSIX, 1000, ino, FileLocks.WRITE, 0, 10), "its lock is gone");
        assertTrue(k.locks.conflict(LOCK_POSIX, 1000, ino, FileLocks.WRITE, 20, 30) >= 0, "the other's is not");
    }

    @Test
    void anEntryPastTheFileTableIsNotAnOpenFile() {
        int ino = k.fs.create("/past", 0644);
        long past = k.files.entry(MAX_FILES);
        k.mem.w32(past + F_REFS, 1);
        k.mem.w32(past + F_TYPE, FT_REG);
        k.mem.w32(past + F_INO, ino);
        assertFalse(s.isOpen(ino));
        int f = k.files.alloc(FT_REG, 2, ino, -1);
        assertTrue(s.isOpen(ino));
        k.mem.w32(k.files.entry(f) + F_TYPE, FT_DEV);
        assertTrue(s.isOpen(ino), "a device node's inode is held too");
    }

    @Test
    void aCommittedExecveIsFinishedAfterACrash() {
        assertTrue(k.fs.mkdir("/bin", 0755) > 0);
        byte[] hello = Programs.get("hello").binary();
        int ino = k.fs.create("/bin/hello", 0755);
        assertEquals(hello.length, k.fs.write(ino, 0, hello, 0, hello.length));
        long p = path("/bin/hello");
        byte[] argv = new byte[16];
        for (int i = 0; i < 8; i++) argv[i] = (byte) (p >>> 8 * i);
        long va = put(argv, 512);
        crashAt = "syscall.after-commit";
        assertThrows(KernelPanic.class, () -> call(Sysno.EXECVE, p, va, 0));
        assertEquals(otherworld.kernel.proc.Procs.EXEC_PENDING, k.procs.execState(0));
        crashed();
        assertEquals("execve had committed: its tail was made again", s.redoExec(t));
        assertNotEquals(otherworld.kernel.proc.Procs.EXEC_PENDING, k.procs.execState(0));
        assertEquals("execve had committed: its tail was made again", s.redoExec(t), "again: nothing left to do");
    }

    @Test
    void randomBytesAreSplitmix64() {
        // splitmix64 from 0 (Vigna's reference): 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, ...
        byte[] b = new byte[3];
        long state = Syscalls.randomBytes(0, b);
        assertArrayEquals(new byte[] {(byte) 0xaf, (byte) 0xf4, (byte) 0x4f}, b);
        assertEquals(3 * 0x9E3779B97F4A7C15L, state);
        assertEquals(state, Syscalls.randomBytes(state, new byte[0]));
    }

    @Test
    void aSignalIsDeliveredAndItsDeliveryAndSigreturnAreRedoneAfterACrash() {
        long handler = 0x20000, sp = t.x(2);
        t.setX(2, sp);
        k.signals.setAction(t.index, 10, handler, 0, 0);
        atEcall(t, Sysno.GETPID); // interrupted at a call: getpid is restarted after the handler
        k.signals.post(t.index, 10, 0, 7, 0);
        assertTrue(s.deliverSignals(t), "a handler runs: the task may run");
        assertEquals(handler, t.pc());
        assertEquals(10, t.x(10));
        long frame = t.x(2);
        assertTrue(frame < sp);
        assertEquals(CAUSE_SIGNAL, t.cause());
        assertEquals(0, k.signals.pending(t.index) & Signals.bit(10));
        // the kernel dies after the commit, before the tail: the registers are whatever they were
        t.setPc(EPC);
        t.setX(10, 0);
        t.setX(2, sp);
        crashed();
        assertEquals("a signal delivery had committed: its tail was made again", s.redoDelivery(t));
        assertEquals(handler, t.pc());
        assertEquals(10, t.x(10));
        assertEquals(frame, t.x(2));
        // rt_sigreturn (its sysword: the frame) interrupted in its tail
        t.setSysword(frame);
        t.setPc(0);
        assertEquals("rt_sigreturn had committed: the registers were restored again", s.redoSigreturn(t));
        assertEquals(EPC, t.pc(), "back at the interrupted ecall");
        assertEquals(Sysno.GETPID, t.x(17));
        assertEquals(sp, t.x(2));
    }

    @Test
    void aFaultOrAFatalSignalEndsTheProcessOnItsWayBack() {
        assertTrue(s.deliverSignals(t), "nothing pending");
        s.fault(t, 11, 0xdead);
        assertEquals(0xdead, k.signals.infoValue(t.index, 11));
        assertFalse(s.deliverSignals(t), "killed by SIGSEGV");
        assertEquals(TASK_ZOMBIE, t.state());
        assertEquals(TASK_RUNNABLE, u.state());
    }

    @Test
    void aSignalToAGroupReachesItsLiveMembersOnly() {
        int g = k.procs.pgid(1);
        assertNotEquals(g, k.procs.pgid(0));
        s.signalGroup(g, 10);
        assertEquals(Signals.bit(10), k.signals.pending(1));
        assertEquals(0, k.signals.pending(0));
        k.signals.setPending(1, 0);
        u.setState(TASK_ZOMBIE);
        s.signalGroup(g, 10);
        assertEquals(0, k.signals.pending(1), "a zombie gets nothing");
        s.signalGroup(0, 10);
        assertEquals(0, k.signals.pending(2), "nor a free slot");
        // a record past the task table that would read as a live member: not signalled
        Task past = k.task(MAX_TASKS);
        past.setState(TASK_RUNNABLE);
        k.procs.setPgid(MAX_TASKS, g);
        k.signals.setPending(MAX_TASKS, 0);
        s.signalGroup(g, 10);
        assertEquals(0, k.signals.pending(MAX_TASKS));
    }

    /** openat(path, O_RDWR | O_CREAT), then a write of 3000 bytes to it during which the kernel dies at point. */
    int writeCrashingAt(String path, String point) {
        int fd = (int) call(Sysno.OPENAT, -100, path(path), 0102, 0644);
        assertEquals(3, fd);
        long buf = put(new byte[3000], 4096);
        crashAt = point;
        assertThrows(KernelPanic.class, () -> call(Sysno.WRITE, fd, buf, 3000));
        crashed();
        return t.fd(fd);
    }

    @Test
    void afterACrashAWritesTailIsRedoneFromItsRegisters() {
        int f = writeCrashingAt("/w", "syscall.after-commit");
        int ino = k.files.ino(f);
        assertEquals(0, k.files.offset(f), "the tail did not run");
        assertEquals("write had committed: its tail was made again", s.redoTail(t));
        assertEquals(3000, k.files.offset(f));
        assertEquals(3000, k.fs.sizeOf(ino));
        assertEquals(3000, t.x(10));
    }

    @Test
    void afterACrashAWriteInFlightIsReconciledAndMadeAgain() {
        long free = k.fs.freeBlocks();
        int f = writeCrashingAt("/v", "syscall.before-commit");
        int ino = k.files.ino(f);
        assertTrue(k.fs.freeBlocks() < free, "a block linked past the size");
        assertEquals("write in flight: will be made again (what it touched reconciled)", s.reconcile(t));
        assertEquals(free, k.fs.freeBlocks(), "the block past the size freed");
        assertEquals(0, k.fs.sizeOf(ino));
        assertEquals(EPC, t.pc());
        s.handle(t); // made again by the process
        assertEquals(3000, t.x(10));
        assertEquals(3000, k.fs.sizeOf(ino));
    }

    @Test
    void theExitOfAZombieThatRanLastIsFinished() {
        int f0 = t.fd(0);
        int refs = k.files.refs(f0);
        t.setState(TASK_ZOMBIE);
        s.exitTail(t);
        for (int fd = 0; fd < 3; fd++) assertEquals(-1, t.fd(fd));
        assertEquals(refs - 3, k.files.refs(f0), "stdin, stdout and stderr were one description on tty0");
        assertEquals("execve had committed: its tail was made again", s.redoExec(u));
    }

    @Test
    void everyFamilyOfCallsIsInTheTable() {
        // one call of each file of calls (those with no repair: a repair with these registers would mend nothing)
        int[] one = {Sysno.READ, Sysno.GETCWD, Sysno.PREAD64, Sysno.FACCESSAT, Sysno.FLOCK, Sysno.CLOCK_GETTIME,
            Sysno.UNAME, Sysno.GETPID, Sysno.BRK, Sysno.SCHED_YIELD, Sysno.PPOLL, Sysno.PIPE2, Sysno.DUP,
            Sysno.RT_SIGPROCMASK, RecoveryCalls.OW_RECOVERY};
        for (int nr : one) {
            atEcall(t, nr);
            assertEquals(Sysno.name(nr) + " in flight: will be made again", s.reconcile(t));
        }
    }

    @Test
    void aPollerIsReadyWhenAFileItWaitsForIsByThatFilesReadiness() {
        // ppoll({fd 1, POLLOUT}, 1, no timeout): the terminal can always be written
        byte[] pollfd = {1, 0, 0, 0, Readiness.POLLOUT, 0, 0, 0};
        long va = put(pollfd, 512);
        atEcall(t, Sysno.PPOLL, va, 1, 0, 0);
        assertTrue(s.ready(t));
        s.readiness(FT_TTY, (kk, f) -> 0); // a terminal that is never ready
        assertFalse(s.ready(t));
        atEcall(t, Sysno.GETPID);
        assertFalse(s.ready(t), "not in a poll");
    }
}
