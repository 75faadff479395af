package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Readiness.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;
import otherworld.kernel.time.Sleeps;
import otherworld.kernel.verified.LittleEndian;

/**
 * ppoll and pselect6: which of the caller's files are ready, asked of each file's {@link Readiness} (one per kind of
 * open file: regular files are always ready, a tty is readable when input waits or its device has more, and writable;
 * pipes add theirs with {@link Syscalls#readiness}). Nothing ready and a timeout not yet passed: the call arms its
 * deadline (as a sleep does), blocks on {@link Sleeps#CHAN_POLL} and is made again when a file is ready
 * ({@link #ready}, asked by the kernel of every blocked poller when it schedules) or the deadline passes. Before the
 * commit: the results copied to the caller's arrays (a restart copies them again). Tail: the deadline disarmed. The
 * signal mask argument is accepted and not applied (no signals yet).
 */
final class PollCalls {
    /** Most pollfds or select bits one call takes (RLIMIT_NOFILE's usual soft limit). */
    static final int MAX_POLL = 1024;

    private final Kernel k;
    private final Syscalls calls;
    private final Readiness[] byType = new Readiness[8];

    PollCalls(Kernel k, Syscalls calls) {
        this.k = k;
        this.calls = calls;
        byType[FT_REG] = (kk, f) -> POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
        byType[FT_TTY] = PollCalls::tty;
        byType[FT_DEV] = (kk, f) -> POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
    }

    void register(Syscalls s) {
        s.define(PPOLL, t -> ppoll(t, true), t -> k.sleeps.disarm(t));
        s.define(PSELECT6, t -> pselect(t, true), t -> k.sleeps.disarm(t));
    }

    void readiness(int type, Readiness r) {
        if (type < 0 || type >= byType.length) throw new IllegalArgumentException("file type " + type);
        byType[type] = r;
    }

    static int tty(Kernel k, int f) {
        boolean input = TtyCalls.readable(k, f);
        return (input ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
    }

    /** The poll bits of fd, POLLNVAL if it is not open. */
    private int poll(Task t, long fd) {
        int f = calls.fileOf(t, fd);
        if (f < 0) return POLLNVAL;
        Readiness r = byType[k.files.type(f)];
        return r == null ? POLLNVAL : r.poll(k, f);
    }

    /** Whether blocked task t's poll would now find a file ready (asked by the kernel; reads only). */
    boolean ready(Task t) {
        long nr = t.x(17);
        if (nr == PPOLL) return ppoll(t, false) > 0;
        if (nr == PSELECT6) return pselect(t, false) > 0;
        return false;
    }

    /**
     * The timeout at va (a struct timespec; 0: none): -1 to wait forever, 0 not to wait, else the deadline on the clock,
     * armed the first time; or -EFAULT/-EINVAL. A deadline armed by this same call is kept.
     */
    private long deadline(Task t, int nr, long va, boolean act) {
        if (k.sleeps.armedFor(t, nr)) return k.sleeps.deadline(t);
        if (va == 0) return -1;
        long ns = new TimeCalls(k).readTimespec(t, va);
        if (ns == -EFAULT || ns == -EINVAL) return ns;
        long d = TimeCalls.saturatedAdd(k.machine.clock(), otherworld.kernel.time.Clock.instructionsFor(ns));
        if (ns == 0) return 0;
        if (act) k.sleeps.arm(t, nr, d);
        return d;
    }

    /**
     * ppoll(fds, nfds, timeout, sigmask, sigsetsize). With act false (asked for a blocked task): how many are ready,
     * nothing written.
     */
    long ppoll(Task t, boolean act) {
        long fds = t.x(10), nfds = t.x(11);
        if (nfds < 0 || nfds > MAX_POLL) return -EINVAL;
        byte[] b = new byte[(int) nfds * 8];
        if (!k.user.copyIn(t.rootPa(), fds, b, 0, b.length)) return -EFAULT;
        int ready = 0;
        for (int i = 0; i < nfds; i++) {
            int fd = (int) LittleEndian.u32(b, 8 * i);
            int events = LittleEndian.u16(b, 8 * i + 4);
            int rev = fd < 0 ? 0 : poll(t, fd) & (events | POLLERR | POLLHUP | POLLNVAL);
            FileCalls.put(b, 8 * i + 6, rev, 2);
            if (rev != 0) ready++;
        }
        if (!act) return ready;
        long deadline = deadline(t, PPOLL, t.x(12), ready == 0);
        if (deadline == -EFAULT || deadline == -EINVAL) return deadline;
        if (ready == 0 && (deadline < 0 || k.machine.clock() < deadline)) return k.block(t, Sleeps.CHAN_POLL);
        if (!k.user.copyOut(t.rootPa(), fds, b, 0, b.length)) return -EFAULT;
        return ready;
    }

    /** pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask): bit sets of nfds bits, in 64-bit words. */
    long pselect(Task t, boolean act) {
        long nfds = t.x(10);
        if (nfds < 0 || nfds > MAX_POLL) return -EINVAL;
        int bytes = (int) ((nfds + 63) / 64 * 8);
        long[] va = {t.x(11), t.x(12), t.x(13)};
        byte[][] in = new byte[3][bytes];
        byte[][] out = new byte[3][bytes];
        for (int s = 0; s < 3; s++) {
            if (va[s] != 0 && !k.user.copyIn(t.rootPa(), va[s], in[s], 0, bytes)) return -EFAULT;
        }
        int ready = 0;
        for (int fd = 0; fd < nfds; fd++) {
            int bit = 1 << (fd % 8);
            boolean r = (in[0][fd / 8] & bit) != 0, w = (in[1][fd / 8] & bit) != 0, x = (in[2][fd / 8] & bit) != 0;
            if (!r && !w && !x) continue;
            int p = poll(t, fd);
            if (p == POLLNVAL) return act ? -EBADF : 1; // woken: made again, it says EBADF
            if (r && (p & (POLLIN | POLLHUP | POLLERR)) != 0) {
                out[0][fd / 8] |= (byte) bit;
                ready++;
            }
            if (w && (p & (POLLOUT | POLLERR)) != 0) {
                out[1][fd / 8] |= (byte) bit;
                ready++;
            }
        }
        if (!act) return ready;
        long deadline = deadline(t, PSELECT6, t.x(14), ready == 0);
        if (deadline == -EFAULT || deadline == -EINVAL) return deadline;
        if (ready == 0 && (deadline < 0 || k.machine.clock() < deadline)) return k.block(t, Sleeps.CHAN_POLL);
        for (int s = 0; s < 3; s++) {
            if (va[s] != 0 && !k.user.copyOut(t.rootPa(), va[s], out[s], 0, bytes)) return -EFAULT;
        }
        return ready;
    }
}
