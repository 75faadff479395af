package otherworld.kernel.proc;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * The signal table ({@code Layouts.SIGS}, one record per task slot): blocked and pending sets, each signal's action,
 * the alternate stack, and the delivery in progress. A view: it holds nothing but addresses. Signal s is bit s − 1.
 */
public final class Signals {
    public static final long SIG_DFL = 0;
    public static final long SIG_IGN = 1;
    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000L,
            SA_RESTART = 0x10000000L, SA_NODEFER = 0x40000000L, SA_RESETHAND = 0x80000000L;
    public static final int SIGKILL = 9, SIGSTOP = 19, SIGCHLD = 17, SIGCONT = 18;

    private final KMem mem;
    private final long base;

    public Signals(KMem mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    public static void format(KMem mem, long base) {
        for (int i = 0; i < MAX_TASKS; i++) {
            long r = base + (long) i * SIGS.size();
            SIGS.init(mem, r);
            mem.w32(r + S_ALT_FLAGS, 2); // SS_DISABLE
        }
    }

    public long record(int slot) { return base + (long) slot * SIGS.size(); }

    public static long bit(int sig) { return 1L << (sig - 1); }

    public long blocked(int slot) { return mem.r64(record(slot) + S_BLOCKED); }
    public long pending(int slot) { return mem.r64(record(slot) + S_PENDING); }
    public long handler(int slot, int sig) { return mem.r64(record(slot) + S_ACTIONS + 24L * (sig - 1)); }
    public long flags(int slot, int sig) { return mem.r64(record(slot) + S_ACTIONS + 24L * (sig - 1) + 8); }
    public long mask(int slot, int sig) { return mem.r64(record(slot) + S_ACTIONS + 24L * (sig - 1) + 16); }

    public void setBlocked(int slot, long m) { set64(record(slot) + S_BLOCKED, m & ~(bit(SIGKILL) | bit(SIGSTOP))); }
    public void setPending(int slot, long m) { set64(record(slot) + S_PENDING, m); }

    public void setAction(int slot, int sig, long handler, long flags, long mask) {
        long a = record(slot) + S_ACTIONS + 24L * (sig - 1);
        set64(a, handler);
        set64(a + 8, flags);
        set64(a + 16, mask);
    }

    /** Whether the process in slot lets its exited children go unreaped (SIGCHLD ignored, or SA_NOCLDWAIT). */
    public boolean ignoresChildren(int slot) {
        return handler(slot, SIGCHLD) == SIG_IGN || (flags(slot, SIGCHLD) & SA_NOCLDWAIT) != 0;
    }

    /**
     * Signal sig is pending for slot, with its siginfo (si_code, si_pid, si_status or si_addr). A signal already
     * pending is not queued twice (standard signals). Idempotent: posting again sets what is set.
     */
    public void post(int slot, int sig, int code, int pid, long value) {
        long r = record(slot);
        long info = r + S_INFO + 16L * (sig - 1);
        if ((pending(slot) & bit(sig)) == 0) {
            set32(info, code);
            set32(info + 4, pid);
            set64(info + 8, value);
        }
        setPending(slot, pending(slot) | bit(sig));
    }

    /**
     * A signal the process caused (a fault): if it blocks or ignores it, the default action is restored and the
     * signal unblocked (as Linux's force_sig), so it cannot loop on the faulting instruction.
     */
    public void force(int slot, int sig, int code, long addr) {
        if ((blocked(slot) & bit(sig)) != 0 || handler(slot, sig) == SIG_IGN) {
            setAction(slot, sig, SIG_DFL, 0, 0);
            setBlocked(slot, blocked(slot) & ~bit(sig));
        }
        post(slot, sig, code, 0, addr);
    }

    public int infoCode(int slot, int sig) { return mem.r32(record(slot) + S_INFO + 16L * (sig - 1)); }
    public int infoPid(int slot, int sig) { return mem.r32(record(slot) + S_INFO + 16L * (sig - 1) + 4); }
    public long infoValue(int slot, int sig) { return mem.r64(record(slot) + S_INFO + 16L * (sig - 1) + 8); }

    /** fork: the child gets the parent's actions, mask and alternate stack; nothing pending. */
    public void fork(int parent, int child) {
        byte[] rec = new byte[SIGS.size()];
        mem.read(record(parent), rec, 0, rec.length);
        mem.write(record(child), rec, 0, rec.length);
        mem.w64(record(child) + S_PENDING, 0);
        mem.w32(record(child) + S_DELIVER_SIG, 0);
    }

    /** A new process (spawned by the host): default actions, nothing blocked or pending. */
    public void reset(int slot) {
        SIGS.init(mem, record(slot));
        mem.w32(record(slot) + S_ALT_FLAGS, 2);
    }

    /** execve: handled signals go back to their default action; ignored ones stay ignored; no alternate stack. */
    public void exec(int slot) {
        for (int s = 1; s <= NSIG; s++) {
            long h = handler(slot, s);
            if (h != SIG_DFL && h != SIG_IGN) setAction(slot, s, SIG_DFL, 0, 0);
        }
        set64(record(slot) + S_ALT_SP, 0);
        set64(record(slot) + S_ALT_SIZE, 0);
        set32(record(slot) + S_ALT_FLAGS, 2);
    }

    private void set64(long pa, long v) {
        if (mem.r64(pa) != v) mem.w64(pa, v);
    }

    private void set32(long pa, int v) {
        if (mem.r32(pa) != v) mem.w32(pa, v);
    }
}
