package otherworld.kernel.sys;

import static otherworld.kernel.Errno.ENOSYS;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2Repair;
import otherworld.kernel.proc.Task;

/**
 * System calls: the Linux RISC-V ABI (number in a7, arguments in a0..a5, result or −errno in a0), and the one rule
 * that makes every call survive a crash without a log (spec: the in-flight rule).
 *
 * <p>A call has three parts, run in this order:
 * <ol>
 *   <li>its {@link Call}: checks and decisions, and only writes that a restart of the same call makes again with the
 *       same effect or that nothing else can see (bytes copied to the caller's buffer, blocks past a file's size,
 *       a description not yet in any fd table); it returns the result;</li>
 *   <li>the commit: a0 := result, then tf_pc := tf_epc + 4. That last write is the call's commit: before it,
 *       the trap frame still says "at the ecall" and a crash kernel lets the process make the call again (a0 from
 *       tf_orig_a0); after it, the call is made;</li>
 *   <li>its {@link Tail}: the writes that make the result visible to others (a file offset, a size, an fd, a
 *       directory entry removed), each an absolute value computed from the registers, a0 and the task's sysword
 *       (written by the call before its commit), so that a resurrected kernel can make them again.</li>
 * </ol>
 * After a call the same task runs again before any other (Kernel.run), so the task whose trap frame shows a
 * committed call is the current one and nothing has run since; a resurrected kernel finishes that call first: its
 * {@link Repair} mends what the crash left half made in what the call names, then its tail is made again. A call
 * interrupted before its commit gets its repair, then is made again by the process.
 *
 * <p>The same code runs whether Otherworld is on or off: nothing here looks at the mode.
 */
public final class Syscalls {
    /** What a call returns when it cannot proceed now ({@link Kernel#block}): no commit, made again when woken. */
    public static final long BLOCK = Long.MIN_VALUE;

    /**
     * What a call returns when a signal must be delivered before it is made (rt_sigsuspend): no commit, the task stays
     * runnable at its ecall, and the delivery on its way back to user mode decides the call's result.
     */
    public static final long RESTART = Long.MIN_VALUE + 1;

    /** Longest transfer one read or write makes (a short count, as Linux may give). */
    public static final int MAX_IO = 64 * 1024;

    /** A call's part before its commit: returns the result (or −errno). */
    interface Call {
        long run(Task t);
    }

    /** A call's writes after its commit, made from its registers, a0 and sysword; idempotent. */
    interface Tail {
        void run(Task t);
    }

    /**
     * After a crash, before the call is finished (committed: its tail is redone next) or made again (not
     * committed): mend what the interrupted writes left half made, in the inodes the call names.
     */
    interface Repair {
        void run(Task t, Ext2Repair fs, boolean committed);
    }

    record Entry(String name, Call call, Tail tail, Repair repair) { }

    private final Entry[] table = new Entry[Sysno.COUNT];
    final Kernel k;

    public Syscalls(Kernel k) {
        this.k = k;
        Paths paths = new Paths(k, this);
        new FileCalls(k, this, paths).register(this);
        new DirCalls(k, this, paths).register(this);
        new IoCalls(k, this, paths).register(this);
        new AttrCalls(k, this, paths).register(this);
        lockCalls = new LockCalls(k, this);
        lockCalls.register(this);
        new ClockCalls(k).register(this);
        new InfoCalls(k).register(this);
        new ProcCalls(k).register(this);
        new MemCalls(k).register(this);
        new TimeCalls(k).register(this);
        polls = new PollCalls(k, this);
        polls.register(this);
        new PipeCalls(k).register(this);
        new FdCalls(k).register(this);
        signals = new SignalCalls(k);
        signals.register(this);
        new RecoveryCalls(k).register(this);
    }

    final SignalCalls signals;
    /** fcntl's record locks and flock (fcntl itself is FdCalls'). */
    final LockCalls lockCalls;

    /** On the way back to user mode: t's deliverable signals (see {@link SignalCalls#deliver}); whether t may run. */
    public boolean deliverSignals(Task t) { return signals.deliver(t); }

    /**
     * Signal sig to every live process of group pgrp, from the kernel (a tty's ^C, ^\\, ^Z, SIGWINCH, SIGTTIN):
     * posted and woken as kill's tail does; posting again sets what is set.
     */
    public void signalGroup(int pgrp, int sig) {
        for (int i = 0; i < MAX_TASKS; i++) {
            int st = k.procs.state(i);
            if (st != TASK_FREE && st != TASK_ZOMBIE && k.procs.pgid(i) == pgrp) signals.send(i, sig, SI_KERNEL, 0, 0);
        }
    }

    /** si_code of a signal the kernel sends. */
    static final int SI_KERNEL = 0x80;

    /** A fault of t's (SIGSEGV, SIGILL, SIGBUS...), delivered on its way back. */
    public void fault(Task t, int sig, long addr) { signals.fault(t, sig, SignalCalls.faultCode(sig), addr); }

    /** After a crash: t ran last and its signal delivery had committed: the delivery's tail again. */
    public String redoDelivery(Task t) {
        signals.deliveryTail(t);
        return "a signal delivery had committed: its tail was made again";
    }

    /** After a crash: t ran last and its rt_sigreturn's tail had begun: the registers restored again. */
    public String redoSigreturn(Task t) {
        signals.restore(t);
        return "rt_sigreturn had committed: the registers were restored again";
    }

    private final PollCalls polls;

    /** How ppoll and pselect6 ask files of this type (an FT_ constant) whether they are ready. */
    public void readiness(int fileType, Readiness r) { polls.readiness(fileType, r); }

    /** Whether blocked task t, waiting in a poll, would now find a file ready (reads only). */
    public boolean ready(Task t) { return polls.ready(t); }

    void define(int nr, Call call) { define(nr, call, null, null); }

    void define(int nr, Call call, Tail tail) { define(nr, call, tail, null); }

    void define(int nr, Call call, Tail tail, Repair repair) {
        if (table[nr] != null) throw new IllegalStateException("system call " + nr + " defined twice");
        table[nr] = new Entry(Sysno.name(nr), call, tail, repair);
    }

    /**
     * Give call nr a new first part and tail for the open files {@code mine} claims (by the fd in a0 at entry), the
     * old ones for all others: how pipes join read and write without touching the file system's calls.
     */
    void wrap(int nr, java.util.function.Predicate<Task> mine, Call call, Tail tail) {
        Entry old = table[nr];
        table[nr] = new Entry(old.name(), t -> mine.test(t) ? call.run(t) : old.call().run(t),
                t -> {
                    if (mine.test(t)) {
                        tail.run(t);
                    } else if (old.tail() != null) {
                        old.tail().run(t);
                    }
                }, old.repair());
    }

    private Entry entry(long nr) { return nr >= 0 && nr < table.length ? table[(int) nr] : null; }

    /** Handle the ecall of task t, whose registers are in its trap frame. */
    public void handle(Task t) {
        long nr = t.x(17);
        k.hooks.syscallStarted((int) nr);
        k.hooks.point("syscall.entry");
        Entry e = entry(nr);
        long ret;
        if (e == null) {
            k.logOnce((int) nr, "pid " + t.pid() + ": " + Sysno.name((int) nr) + " not implemented: ENOSYS (logged once)");
            ret = -ENOSYS;
        } else {
            ret = e.call.run(t);
        }
        if (ret == BLOCK && t.state() != TASK_BLOCKED) throw new IllegalStateException("BLOCK without Kernel.block");
        if (t.state() == TASK_RUNNABLE && ret != RESTART) {
            k.hooks.point("syscall.before-commit");
            t.setX(10, ret);
            t.setPc(t.epc() + 4); // the commit
            k.hooks.point("syscall.after-commit");
            if (e != null && e.tail != null) e.tail.run(t);
        } // else exit (the task's new state was its commit), or blocked (not made: made again when woken)
        k.hooks.point("syscall.done");
    }

    /** After a crash: t's call had committed; mend what it names and make its tail again. What was done. */
    public String redoTail(Task t) {
        Entry e = entry(t.x(17));
        if (e == null) return null;
        repair(e, t, true);
        if (e.tail != null) e.tail.run(t);
        return e.repair == null && e.tail == null ? null : e.name + " had committed: its tail was made again";
    }

    /** After a crash: t's call had not committed; mend what it left half made before the process makes it again. */
    public String reconcile(Task t) {
        Entry e = entry(t.x(17));
        if (e == null) return null;
        repair(e, t, false);
        return e.name + " in flight: will be made again" + (e.repair == null ? "" : " (what it touched reconciled)");
    }

    private void repair(Entry e, Task t, boolean committed) {
        if (e.repair == null) return;
        Ext2Repair r = k.fs.repair(this::isOpen);
        e.repair.run(t, r, committed);
        r.finish();
    }

    /** The open-file index behind fd, or -1. */
    int fileOf(Task t, long fd) {
        if (fd < 0 || fd >= NOFILE) return -1;
        int f = t.fd((int) fd);
        return f >= 0 && f < MAX_FILES && k.files.refs(f) > 0 ? f : -1;
    }

    /**
     * Drop a reference to an open file. The last close of a regular file releases the description's OFD and flock
     * locks (waking their waiters), releases its inode if it is an orphan no other description holds, and writes the
     * cache back; the last close of a pipe end wakes whoever waits on the pipe (a reader sees end of file, a writer
     * EPIPE).
     */
    void release(int f) {
        int type = k.files.type(f);
        if (k.files.refs(f) > 0 && k.files.unref(f) == 0) {
            if (type == FT_REG) {
                int ino = k.files.ino(f);
                releaseLocks(otherworld.kernel.layout.Layouts.LOCK_OFD, f, 0);
                releaseLocks(otherworld.kernel.layout.Layouts.LOCK_FLOCK, f, 0);
                if (k.fs.isOrphan(ino) && !isOpen(ino)) k.fs.releaseOrphan(ino);
                k.hooks.point("close.before-writeback");
                k.cache.writeBack();
            } else if (type == FT_DEV) {
                int ino = k.files.ino(f);
                if (k.fs.isOrphan(ino) && !isOpen(ino)) k.fs.releaseOrphan(ino); // a node unlinked while open
            } else if (type == FT_PIPE) {
                k.wakeup(otherworld.kernel.proc.Channels.of(otherworld.kernel.proc.Channels.PIPE, k.files.ino(f)));
            }
        }
    }

    /** Whether an open file description (with a reference) holds inode ino. */
    public boolean isOpen(int ino) {
        for (int f = 0; f < MAX_FILES; f++) {
            if (k.files.refs(f) > 0 && (k.files.type(f) == FT_REG || k.files.type(f) == FT_DEV) && k.files.ino(f) == ino) return true;
        }
        return false;
    }

    /** The POSIX locks process pid holds on ino (0: on every inode) are released, and their waiters woken. */
    void releasePosixLocks(int pid, int ino) { releaseLocks(otherworld.kernel.layout.Layouts.LOCK_POSIX, pid, ino); }

    private void releaseLocks(int kind, int owner, int ino) {
        long gone = k.locks.releaseAll(kind, owner, ino);
        for (int i = 0; i < otherworld.kernel.layout.Layouts.MAX_LOCKS; i++) {
            if ((gone >>> i & 1) != 0) k.wakeup(otherworld.kernel.fs.FileLocks.channel(k.locks.ino(i)));
        }
    }

    /** A process ends: its POSIX locks go (its files are released by the caller, fd by fd). */
    public void exited(Task t) { releasePosixLocks(t.pid(), 0); }

    /**
     * Fill b from splitmix64 at state s and return the new state. getrandom and AT_RANDOM are deterministic
     * (rule 5): seeded at boot, the state kept in the kernel header.
     */
    public static long randomBytes(long s, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = (s ^ (s >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            b[i] = (byte) (z ^ (z >>> 31));
        }
        return s;
    }

    /** The process ends (exit, or killed by a signal): see {@link ProcCalls#exit}. */
    public void exit(Task t, int waitStatus) { ProcCalls.exit(k, this, t, waitStatus); }

    /** After a crash: the zombie that ran last finishes its exit (see {@link ProcCalls#exitTail}). */
    public void exitTail(Task t) { ProcCalls.exitTail(k, this, t); }

    /** After a crash: t's execve had committed (its registers may be the new image's already): its tail again. */
    public String redoExec(Task t) {
        ProcCalls.execTail(k, this, t);
        return "execve had committed: its tail was made again";
    }
}
