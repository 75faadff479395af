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
        new FileCalls(k).register(this);
        new ProcCalls(k).register(this);
        new MemCalls(k).register(this);
        new RecoveryCalls(k).register(this);
    }

    void define(int nr, Call call) { define(nr, call, null, null); }

    void define(int nr, Call call, Tail tail) { define(nr, call, tail, null); }

    void define(int nr, Call call, Tail tail, Repair repair) {
        if (table[nr] != null) throw new IllegalStateException("system call " + nr + " defined twice");
        table[nr] = new Entry(Sysno.name(nr), call, tail, repair);
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
            k.log("pid " + t.pid() + ": " + Sysno.name((int) nr) + " not implemented: ENOSYS");
            ret = -ENOSYS;
        } else {
            ret = e.call.run(t);
        }
        if (ret == BLOCK && t.state() != TASK_BLOCKED) throw new IllegalStateException("BLOCK without Kernel.block");
        if (t.state() == TASK_RUNNABLE) {
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
        Ext2Repair r = k.fs.repair();
        e.repair.run(t, r, committed);
        r.finish();
    }

    /** The open-file index behind fd, or -1. */
    int fileOf(Task t, long fd) {
        if (fd < 0 || fd >= NOFILE) return -1;
        int f = t.fd((int) fd);
        return f >= 0 && f < MAX_FILES && k.files.refs(f) > 0 ? f : -1;
    }

    /** Drop a reference to an open file; the last close of a regular file writes the cache back. */
    void release(int f) {
        boolean reg = k.files.type(f) == FT_REG;
        if (k.files.refs(f) > 0 && k.files.unref(f) == 0 && reg) {
            k.hooks.point("close.before-writeback");
            k.cache.writeBack();
        }
    }

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
}
