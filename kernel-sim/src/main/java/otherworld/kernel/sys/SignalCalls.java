package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.proc.Signals.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Signals;
import otherworld.kernel.proc.Task;
import otherworld.kernel.verified.Sv39;

/**
 * Signals: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigreturn, sigaltstack, kill, tkill,
 * tgkill — and delivery, on the way back to user mode ({@link #deliver}), with the frame Linux RISC-V lays out on the
 * user stack ({@code struct rt_sigframe}: siginfo, then a ucontext whose uc_mcontext is a sigcontext with pc, x1..x31,
 * f0..f31 and fcsr). There is no vDSO: the handler returns to the trampoline every process has at
 * {@link Exec#SIGRETURN_VA}.
 *
 * <p>Delivery in the in-flight discipline: the frame is written below the stack pointer (nothing sees it), the
 * signal and the frame's address into the signal record (nothing reads them yet), then <b>tf_cause := CAUSE_SIGNAL,
 * the commit</b>; its tail sets the registers for the handler, takes the signal off the pending set and sets the
 * mask, each absolute from the record and the frame, so a resurrected kernel makes it again when the task ran last.
 * rt_sigreturn is the converse: sysword := the frame's address, the usual commit, then tf_cause := CAUSE_SIGRETURN
 * and the registers and mask restored from the frame.
 */
final class SignalCalls {
    static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    static final int SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;
    static final int FRAME = 1088, INFO = 128, UC_STACK = 16, UC_SIGMASK = 40, UC_MCONTEXT = 176;
    static final int SC_FP = 256, SC_FCSR = 512;
    static final int SI_USER = 0, SI_TKILL = -6, SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPC = 1, BUS_ADRERR = 2;
    static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_STOPPED = 5, CLD_CONTINUED = 6;

    private final Kernel k;
    private final Signals sig;
    private Syscalls sys;

    SignalCalls(Kernel k) {
        this.k = k;
        this.sig = k.signals;
    }

    void register(Syscalls s) {
        this.sys = s;
        s.define(RT_SIGACTION, this::sigaction, this::sigactionTail);
        s.define(RT_SIGPROCMASK, this::sigprocmask, this::sigprocmaskTail);
        s.define(RT_SIGPENDING, this::sigpending);
        s.define(RT_SIGSUSPEND, this::sigsuspend);
        s.define(RT_SIGRETURN, this::sigreturn, this::sigreturnTail);
        s.define(SIGALTSTACK, this::sigaltstack, this::sigaltstackTail);
        s.define(KILL, t -> kill(t, (int) t.x(10), (int) t.x(11), false), t -> killTail(t, (int) t.origA0(), (int) t.x(11), SI_USER));
        s.define(TKILL, t -> kill(t, (int) t.x(10), (int) t.x(11), true), t -> killTail(t, (int) t.origA0(), (int) t.x(11), SI_TKILL));
        s.define(TGKILL, t -> kill(t, (int) t.x(11), (int) t.x(12), true), t -> killTail(t, (int) t.x(11), (int) t.x(12), SI_TKILL));
    }

    private static boolean valid(int s) { return s >= 1 && s <= NSIG; }

    private long readWord(Task t, long va) {
        byte[] b = new byte[8];
        if (!k.user.copyIn(t.rootPa(), va, b, 0, 8)) return Long.MIN_VALUE;
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[i] & 0xFF);
        return v;
    }

    private boolean readBytes(Task t, long va, byte[] b) { return k.user.copyIn(t.rootPa(), va, b, 0, b.length); }

    private static long word(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[off + i] & 0xFF);
        return v;
    }

    // ---- calls -------------------------------------------------------------------------------------------------

    /**
     * rt_sigaction(sig, act, oact, 8). Before the commit: the old action copied to oact. Tail: the action := act
     * (read again from the caller's memory, unchanged since); a signal now ignored is no longer pending.
     */
    long sigaction(Task t) {
        int s = (int) t.x(10);
        long act = t.x(11), oact = t.x(12);
        if (t.x(13) != 8 || !valid(s) || act != 0 && (s == SIGKILL || s == SIGSTOP)) return -EINVAL;
        byte[] a = new byte[24];
        if (act != 0 && !readBytes(t, act, a)) return -EFAULT;
        if (oact != 0) {
            byte[] o = new byte[24];
            FileCalls.put(o, 0, sig.handler(t.index, s), 8);
            FileCalls.put(o, 8, sig.flags(t.index, s), 8);
            FileCalls.put(o, 16, sig.mask(t.index, s), 8);
            if (!k.user.copyOut(t.rootPa(), oact, o, 0, 24)) return -EFAULT;
        }
        return 0;
    }

    void sigactionTail(Task t) {
        int s = (int) t.origA0();
        long act = t.x(11);
        if (t.x(10) != 0 || act == 0 || !valid(s)) return;
        byte[] a = new byte[24];
        if (!readBytes(t, act, a)) return;
        long h = word(a, 0);
        sig.setAction(t.index, s, h, word(a, 8), word(a, 16) & ~(bit(SIGKILL) | bit(SIGSTOP)));
        if (h == SIG_IGN || h == SIG_DFL && ignoredByDefault(s)) sig.setPending(t.index, sig.pending(t.index) & ~bit(s));
    }

    /** rt_sigprocmask(how, set, oset, 8). Before the commit: the old mask copied to oset. Tail: the new mask. */
    long sigprocmask(Task t) {
        int how = (int) t.x(10);
        long set = t.x(11), oset = t.x(12);
        if (t.x(13) != 8) return -EINVAL;
        if (set != 0 && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) return -EINVAL;
        if (set != 0 && readWord(t, set) == Long.MIN_VALUE) return -EFAULT;
        if (oset != 0) {
            byte[] o = new byte[8];
            FileCalls.put(o, 0, sig.blocked(t.index), 8);
            if (!k.user.copyOut(t.rootPa(), oset, o, 0, 8)) return -EFAULT;
        }
        return 0;
    }

    /** Idempotent: blocking a set twice, unblocking it twice, or setting it twice, gives the same mask. */
    void sigprocmaskTail(Task t) {
        if (t.x(10) != 0 || t.x(11) == 0) return;
        long set = readWord(t, t.x(11));
        if (set == Long.MIN_VALUE) return;
        long m = sig.blocked(t.index);
        long n = switch ((int) t.origA0()) {
            case SIG_BLOCK -> m | set;
            case SIG_UNBLOCK -> m & ~set;
            default -> set;
        };
        sig.setBlocked(t.index, n);
    }

    long sigpending(Task t) {
        if (t.x(11) != 8) return -EINVAL;
        byte[] o = new byte[8];
        FileCalls.put(o, 0, sig.pending(t.index) & sig.blocked(t.index), 8);
        return k.user.copyOut(t.rootPa(), t.x(10), o, 0, 8) ? 0 : -EFAULT;
    }

    /**
     * rt_sigsuspend(mask, 8): never commits by itself. A signal the mask lets through pending: the call stays at its
     * ecall ({@link Syscalls#RESTART}) and {@link #deliver} runs the handler with the mask, saving the old one, and
     * -EINTR as the call's result; none: the call blocks until a signal comes.
     */
    long sigsuspend(Task t) {
        if (t.x(11) != 8) return -EINVAL;
        long mask = readWord(t, t.x(10));
        if (mask == Long.MIN_VALUE) return -EFAULT;
        if ((sig.pending(t.index) & ~mask & ~bit(SIGKILL) | sig.pending(t.index) & (bit(SIGKILL) | bit(SIGSTOP))) != 0) {
            return Syscalls.RESTART;
        }
        return k.block(t, Channels.of(Channels.SIGNAL, t.pid()));
    }

    /** rt_sigreturn(): sysword := the frame's address (sp). Tail: {@link #restore}. */
    long sigreturn(Task t) {
        long frame = t.x(2);
        byte[] f = new byte[FRAME];
        if (!readBytes(t, frame, f)) {
            sig.force(t.index, 11, SEGV_MAPERR, frame);
            return 0;
        }
        t.setSysword(frame);
        return 0;
    }

    void sigreturnTail(Task t) {
        if (t.sysword() == 0) return;
        t.mem.w64(t.pa + T_CAUSE, CAUSE_SIGRETURN);
        restore(t);
    }

    /** The registers, mask and alternate stack from the frame at sysword (rt_sigreturn's tail, made again alike). */
    void restore(Task t) {
        byte[] f = new byte[FRAME];
        if (!readBytes(t, t.sysword(), f)) return;
        int mc = INFO + UC_MCONTEXT;
        byte[] regs = new byte[32 * 8];
        System.arraycopy(f, mc, regs, 0, 256);
        t.setPc(word(f, mc));
        for (int r = 1; r < 32; r++) t.setX(r, word(f, mc + 8 * r));
        for (int r = 0; r < 32; r++) t.mem.w64(t.pa + T_F + 8L * r, word(f, mc + SC_FP + 8 * r));
        t.mem.w64(t.pa + T_FCSR, word(f, mc + SC_FP + SC_FCSR) & 0xFF);
        sig.setBlocked(t.index, word(f, INFO + UC_SIGMASK));
    }

    /**
     * sigaltstack(ss, oss). Before the commit: the old stack copied to oss; EPERM while running on it. Tail: the new
     * stack from ss (read again), absolute.
     */
    long sigaltstack(Task t) {
        long ss = t.x(10), oss = t.x(11);
        long rec = sig.record(t.index);
        boolean on = onAltStack(t, t.x(2));
        if (oss != 0) {
            byte[] o = new byte[24];
            FileCalls.put(o, 0, k.mem.r64(rec + S_ALT_SP), 8);
            FileCalls.put(o, 8, on ? SS_ONSTACK : k.mem.r32(rec + S_ALT_FLAGS), 4);
            FileCalls.put(o, 16, k.mem.r64(rec + S_ALT_SIZE), 8);
            if (!k.user.copyOut(t.rootPa(), oss, o, 0, 24)) return -EFAULT;
        }
        if (ss != 0) {
            byte[] n = new byte[24];
            if (!readBytes(t, ss, n)) return -EFAULT;
            int flags = (int) word(n, 8);
            if (on) return -EPERM;
            if ((flags & ~(SS_DISABLE | 0x80000000)) != 0) return -EINVAL;
            if ((flags & SS_DISABLE) == 0 && word(n, 16) < MINSIGSTKSZ) return -ENOMEM;
        }
        return 0;
    }

    void sigaltstackTail(Task t) {
        if (t.x(10) != 0 || t.origA0() == 0) return;
        byte[] n = new byte[24];
        if (!readBytes(t, t.origA0(), n)) return;
        long rec = sig.record(t.index);
        boolean disable = (word(n, 8) & SS_DISABLE) != 0;
        if (k.mem.r64(rec + S_ALT_SP) != (disable ? 0 : word(n, 0))) k.mem.w64(rec + S_ALT_SP, disable ? 0 : word(n, 0));
        if (k.mem.r64(rec + S_ALT_SIZE) != (disable ? 0 : word(n, 16))) k.mem.w64(rec + S_ALT_SIZE, disable ? 0 : word(n, 16));
        if (k.mem.r32(rec + S_ALT_FLAGS) != (disable ? SS_DISABLE : 0)) k.mem.w32(rec + S_ALT_FLAGS, disable ? SS_DISABLE : 0);
    }

    private boolean onAltStack(Task t, long sp) {
        long rec = sig.record(t.index);
        long base = k.mem.r64(rec + S_ALT_SP), size = k.mem.r64(rec + S_ALT_SIZE);
        return (k.mem.r32(rec + S_ALT_FLAGS) & SS_DISABLE) == 0 && size > 0 && sp > base && sp <= base + size;
    }

    /** Whether slot receives a signal from kill's pid argument (pid > 0: that one; 0: the group; < -1: group -pid). */
    private boolean target(Task t, int slot, int pid) {
        int st = k.procs.state(slot);
        if (st == TASK_FREE || st == TASK_ZOMBIE) return false;
        if (pid > 0) return k.procs.pid(slot) == pid;
        if (pid == 0) return k.procs.pgid(slot) == k.procs.pgid(t.index);
        if (pid == -1) return k.procs.pid(slot) != 1 && slot != t.index;
        return k.procs.pgid(slot) == -pid;
    }

    /** kill, tkill, tgkill: checks only (ESRCH, EINVAL); the signals are posted in the tail. */
    long kill(Task t, int pid, int s, boolean thread) {
        if (s < 0 || s > NSIG) return -EINVAL;
        if (thread && pid <= 0) return -EINVAL;
        boolean any = false;
        for (int i = 0; i < MAX_TASKS && !any; i++) any = target(t, i, pid);
        if (!any && pid > 0) { // a zombie can be signalled (to no effect)
            int z = k.procs.slotOf(pid);
            any = z >= 0;
        }
        return any ? 0 : -ESRCH;
    }

    /** Each target gets the signal (posting again sets what is set: idempotent). */
    void killTail(Task t, int pid, int s, int code) {
        if (t.x(10) != 0 || s == 0) return;
        for (int i = 0; i < MAX_TASKS; i++) if (target(t, i, pid)) send(i, s, code, t.pid(), 0);
    }

    /**
     * Post signal s to slot and wake it: a blocked call is made again (and interrupted by the signal when it is
     * delivered); SIGCONT and SIGKILL end a stop; SIGCONT discards pending stops and a stop discards SIGCONT.
     */
    void send(int slot, int s, int code, int pid, long value) {
        Task t = k.task(slot);
        if (s == SIGCONT || s == SIGKILL) {
            if (s == SIGCONT) sig.setPending(slot, sig.pending(slot) & ~(bit(SIGSTOP) | bit(20) | bit(21) | bit(22)));
            if (t.state() == TASK_STOPPED) {
                // the parent's news first: a crash between the two leaves the child stopped, and the tail made
                // again continues it and tells the parent again (absolute); the other order would lose the news
                if (s == SIGCONT) notifyParent(slot, CLD_CONTINUED, SIGCONT);
                t.setState(TASK_RUNNABLE);
            }
        }
        if (isStop(s)) sig.setPending(slot, sig.pending(slot) & ~bit(SIGCONT));
        long h = sig.handler(slot, s);
        if (s != SIGKILL && s != SIGSTOP && (h == SIG_IGN || h == SIG_DFL && ignoredByDefault(s))) return;
        sig.post(slot, s, code, pid, value);
        // woken whatever its mask (rt_sigsuspend waits with another): its call is made again, and blocks again if
        // the signal is blocked, or is interrupted when the signal is delivered; a vfork parent only for SIGKILL
        if (t.state() == TASK_BLOCKED && (Channels.kind(k.mem.r64(t.pa + T_WAIT)) != Channels.VFORK || s == SIGKILL)) {
            t.setState(TASK_RUNNABLE);
        }
    }

    static boolean isStop(int s) { return s == SIGSTOP || s == 20 || s == 21 || s == 22; }

    static boolean ignoredByDefault(int s) { return s == SIGCHLD || s == SIGCONT || s == 23 || s == 28 || s > 31; }

    static boolean dumpsCore(int s) { return s == 3 || s == 4 || s == 5 || s == 6 || s == 7 || s == 8 || s == 11 || s == 31; }

    /** The parent of slot learns a stop or a continue (SIGCHLD unless SA_NOCLDSTOP; its wait woken). */
    void notifyParent(int slot, int code, int s) {
        k.mem.w32(k.procs.record(slot) + P_JOBCTL, code == CLD_STOPPED ? s << 8 | 1 : 2);
        int parent = k.procs.slotOf(k.procs.ppid(slot));
        if (parent < 0) return;
        if ((sig.flags(parent, SIGCHLD) & SA_NOCLDSTOP) == 0) send(parent, SIGCHLD, code, k.procs.pid(slot), s);
        k.wakeup(Channels.of(Channels.CHILD, k.procs.pid(parent)));
    }

    // ---- delivery ---------------------------------------------------------------------------------------------

    /** Calls a signal interrupts with EINTR unless the handler asks SA_RESTART (the slow ones: they may block). */
    static boolean interruptible(long nr) {
        return nr == READ || nr == WRITE || nr == READV || nr == WRITEV || nr == WAIT4 || nr == WAITID;
    }

    /**
     * nanosleep, or clock_nanosleep without TIMER_ABSTIME, ended by a signal: the time left is written to rem, as
     * Linux does (before the delivery's commit: a restart writes it again).
     */
    private void remaining(Task t, long nr) {
        long rem = nr == NANOSLEEP ? t.x(11) : nr == CLOCK_NANOSLEEP && (t.x(11) & 1) == 0 ? t.x(13) : 0;
        if (rem == 0 || !k.sleeps.armed(t)) return;
        long ns = Math.max(0, k.sleeps.deadline(t) - k.machine.clock()) * otherworld.kernel.time.Clock.NS_PER_INSTRUCTION;
        byte[] b = new byte[16];
        FileCalls.put(b, 0, ns / otherworld.kernel.time.Clock.NS_PER_S, 8);
        FileCalls.put(b, 8, ns % otherworld.kernel.time.Clock.NS_PER_S, 8);
        k.user.copyOut(t.rootPa(), rem, b, 0, 16);
    }

    /** Calls a signal always interrupts with EINTR (never restarted). */
    static boolean alwaysEintr(long nr) {
        return nr == RT_SIGSUSPEND || nr == PPOLL || nr == PSELECT6 || nr == NANOSLEEP || nr == CLOCK_NANOSLEEP
                || nr == EPOLL_PWAIT || nr == RT_SIGTIMEDWAIT;
    }

    /**
     * On the way back to user mode, t (the current task) gets its pending signals that its mask lets through (for a
     * task at an rt_sigsuspend not made, the mask it asked for): ignored ones are dropped, a default action stops
     * or ends the process, a handler is entered. Returns whether t may run now.
     */
    boolean deliver(Task t) {
        for (int guard = 0; guard <= NSIG; guard++) {
            if (t.state() != TASK_RUNNABLE) return false;
            boolean atCall = t.callInFlight();
            long nr = t.x(17);
            long mask = sig.blocked(t.index);
            if (atCall && nr == RT_SIGSUSPEND) {
                long m = readWord(t, t.origA0());
                if (m != Long.MIN_VALUE) mask = m;
            }
            long ready = sig.pending(t.index) & ~(mask & ~(bit(SIGKILL) | bit(SIGSTOP)));
            if (ready == 0) return true;
            int s = Long.numberOfTrailingZeros(ready) + 1;
            if ((ready & bit(SIGKILL)) != 0) s = SIGKILL;
            long h = sig.handler(t.index, s);
            if (s == SIGKILL || s == SIGSTOP || h == SIG_DFL) {
                if (isStop(s)) {
                    sig.setPending(t.index, sig.pending(t.index) & ~bit(s));
                    t.setState(TASK_STOPPED);
                    notifyParent(t.index, CLD_STOPPED, s);
                    return false;
                }
                if (ignoredByDefault(s)) {
                    sig.setPending(t.index, sig.pending(t.index) & ~bit(s));
                    continue;
                }
                k.log("pid " + t.pid() + " (" + t.name() + ") killed by signal " + s);
                sys.exit(t, s);
                return false;
            }
            if (h == SIG_IGN) {
                sig.setPending(t.index, sig.pending(t.index) & ~bit(s));
                continue;
            }
            enterHandler(t, s, h, atCall, nr);
            return true;
        }
        return true;
    }

    /** The frame on the user stack, then the commit (tf_cause := CAUSE_SIGNAL), then {@link #deliveryTail}. */
    private void enterHandler(Task t, int s, long handler, boolean atCall, long nr) {
        long flags = sig.flags(t.index, s);
        long pc = t.pc(), a0 = t.x(10);
        if (atCall) { // a call interrupted before it was made: made again after the handler, or EINTR
            boolean restart = !alwaysEintr(nr) && (!interruptible(nr) || (flags & SA_RESTART) != 0);
            if (restart) {
                a0 = t.origA0();
            } else {
                pc = t.epc() + 4;
                a0 = -EINTR;
                remaining(t, nr);
            }
        }
        long rec = sig.record(t.index);
        long sp = t.x(2);
        boolean alt = (flags & SA_ONSTACK) != 0 && (k.mem.r32(rec + S_ALT_FLAGS) & SS_DISABLE) == 0 && !onAltStack(t, sp);
        if (alt) sp = k.mem.r64(rec + S_ALT_SP) + k.mem.r64(rec + S_ALT_SIZE);
        long frame = (sp - FRAME) & ~15L;
        byte[] f = new byte[FRAME];
        FileCalls.put(f, 0, s, 4);
        FileCalls.put(f, 8, sig.infoCode(t.index, s), 4);
        if (s == 11 || s == 4 || s == 7 || s == 8) {
            FileCalls.put(f, 16, sig.infoValue(t.index, s), 8);
        } else {
            FileCalls.put(f, 16, sig.infoPid(t.index, s), 4);
            FileCalls.put(f, 24, sig.infoValue(t.index, s), 4);
        }
        int uc = INFO;
        FileCalls.put(f, uc + UC_STACK, k.mem.r64(rec + S_ALT_SP), 8);
        FileCalls.put(f, uc + UC_STACK + 8, onAltStack(t, t.x(2)) ? SS_ONSTACK : k.mem.r32(rec + S_ALT_FLAGS), 4);
        FileCalls.put(f, uc + UC_STACK + 16, k.mem.r64(rec + S_ALT_SIZE), 8);
        FileCalls.put(f, uc + UC_SIGMASK, sig.blocked(t.index), 8);
        int mc = uc + UC_MCONTEXT;
        FileCalls.put(f, mc, pc, 8);
        for (int r = 1; r < 32; r++) FileCalls.put(f, mc + 8 * r, r == 10 ? a0 : t.x(r), 8);
        for (int r = 0; r < 32; r++) FileCalls.put(f, mc + SC_FP + 8 * r, k.mem.r64(t.pa + T_F + 8L * r), 8);
        FileCalls.put(f, mc + SC_FP + SC_FCSR, k.mem.r64(t.pa + T_FCSR), 4);
        if (!k.user.copyOut(t.rootPa(), frame, f, 0, FRAME)) { // no room for the frame: SIGSEGV, by default
            k.log("pid " + t.pid() + ": no room for a signal frame at 0x" + Long.toHexString(frame));
            sig.setAction(t.index, 11, SIG_DFL, 0, 0);
            sys.exit(t, 11);
            return;
        }
        if (k.mem.r32(rec + S_DELIVER_SIG) != s) k.mem.w32(rec + S_DELIVER_SIG, s);
        if (k.mem.r64(rec + S_DELIVER_SP) != frame) k.mem.w64(rec + S_DELIVER_SP, frame);
        k.hooks.point("signal.before-commit");
        t.mem.w64(t.pa + T_CAUSE, CAUSE_SIGNAL); // the commit
        deliveryTail(t);
    }

    /** Registers for the handler, the signal taken off the pending set, the mask: absolute, from the record and frame. */
    void deliveryTail(Task t) {
        long rec = sig.record(t.index);
        int s = k.mem.r32(rec + S_DELIVER_SIG);
        if (!valid(s)) return;
        k.sleeps.disarm(t); // a sleep or poll it interrupted (EINTR) ends here: the next one arms its own deadline
        long frame = k.mem.r64(rec + S_DELIVER_SP);
        long flags = sig.flags(t.index, s);
        long saved = readWord(t, frame + INFO + UC_SIGMASK);
        t.setPc(sig.handler(t.index, s));
        t.setX(2, frame);
        t.setX(10, s);
        t.setX(11, frame);
        t.setX(12, frame + INFO);
        t.setX(1, Exec.SIGRETURN_VA);
        sig.setPending(t.index, sig.pending(t.index) & ~bit(s));
        long mask = (saved == Long.MIN_VALUE ? sig.blocked(t.index) : saved) | sig.mask(t.index, s)
                | ((flags & SA_NODEFER) == 0 ? bit(s) : 0);
        sig.setBlocked(t.index, mask);
        if ((flags & SA_RESETHAND) != 0) sig.setAction(t.index, s, SIG_DFL, flags & ~SA_RESETHAND & ~SA_SIGINFO, sig.mask(t.index, s));
    }

    /** A trap the process caused (a bad access, an illegal instruction): its signal, forced through a block or SIG_IGN. */
    void fault(Task t, int s, int code, long addr) {
        sig.force(t.index, s, code, addr);
    }

    static int faultCode(int s) { return s == 11 ? SEGV_MAPERR : s == 4 ? ILL_ILLOPC : s == 7 ? BUS_ADRERR : 1; }

    static boolean userAddress(long a) { return a >= 0 && a < Sv39.USER_VA_LIMIT; }
}
