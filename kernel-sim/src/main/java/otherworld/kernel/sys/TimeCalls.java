package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;
import otherworld.kernel.time.Clock;
import otherworld.kernel.time.Sleeps;
import otherworld.kernel.verified.LittleEndian;

/**
 * Sleeping and yielding: nanosleep, clock_nanosleep, sched_yield. A sleep arms its task's deadline the first time it
 * is made (before its first effect) and blocks; woken (Kernel: when the clock passes a deadline, and when every task
 * waits, the clock moves to the earliest deadline) it is made again, finds its deadline armed by the same ecall and
 * returns 0 once the clock has passed it. Tail: the deadline disarmed. A crash while it sleeps resurrects the task
 * runnable with its record: made again, it sleeps only what was left.
 */
final class TimeCalls {
    static final int TIMER_ABSTIME = 1;

    private final Kernel k;

    TimeCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(NANOSLEEP, t -> sleep(t, NANOSLEEP, Clock.CLOCK_MONOTONIC, false, t.x(10)), this::disarm);
        s.define(CLOCK_NANOSLEEP, this::clockNanosleep, this::disarm);
        s.define(SCHED_YIELD, t -> {
            k.yieldCpu();
            return 0;
        });
    }

    void disarm(Task t) { k.sleeps.disarm(t); }

    long clockNanosleep(Task t) {
        int clock = (int) t.x(10);
        long flags = t.x(11);
        if (clock != Clock.CLOCK_REALTIME && clock != Clock.CLOCK_MONOTONIC && clock != Clock.CLOCK_BOOTTIME
                && clock != Clock.CLOCK_TAI || (flags & ~TIMER_ABSTIME) != 0) {
            return -EINVAL;
        }
        return sleep(t, CLOCK_NANOSLEEP, clock, (flags & TIMER_ABSTIME) != 0, t.x(12));
    }

    /** Sleep until the deadline req names (relative, or absolute on clock), arming it the first time. */
    private long sleep(Task t, int nr, int clock, boolean absolute, long req) {
        long now = k.machine.clock();
        long deadline;
        if (k.sleeps.armedFor(t, nr)) {
            deadline = k.sleeps.deadline(t);
        } else {
            long ns = readTimespec(t, req);
            if (ns == -EFAULT || ns == -EINVAL) return ns;
            // an absolute deadline is read on the clock the call names, as clock_gettime reads it (epoch included)
            long left = absolute ? ns - (Clock.isWall(clock) ? k.wallNanos() : k.uptimeNanos()) : ns;
            deadline = saturatedAdd(now, Clock.instructionsFor(left));
            if (deadline <= now) return 0;
            k.sleeps.arm(t, nr, deadline);
        }
        return now >= deadline ? 0 : k.block(t, Sleeps.CHAN_SLEEP);
    }

    static long saturatedAdd(long a, long b) { return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b; }

    /** A struct timespec in user memory as nanoseconds, or -EFAULT / -EINVAL. */
    long readTimespec(Task t, long va) {
        byte[] b = new byte[16];
        if (!k.user.copyIn(t.rootPa(), va, b, 0, 16)) return -EFAULT;
        long ns = Clock.timespec(LittleEndian.u64(b, 0), LittleEndian.u64(b, 8));
        return ns < 0 ? -EINVAL : ns;
    }
}
