package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.proc.Task;

/**
 * Time: clock_gettime, clock_getres, gettimeofday, times, getrusage. Deterministic (rule 5): the clocks count
 * instructions at {@value KernelConfig#CLOCK_HZ} Hz — CLOCK_MONOTONIC and CLOCK_BOOTTIME from boot, the CPU-time
 * clocks the instructions the task ran (its TINFO record, charged by the run loop), CLOCK_REALTIME from the
 * configured epoch (or the host's clock with real time on). Reads only: no tail, nothing to redo.
 */
final class ClockCalls {
    static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
            CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
            CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
    /** Clock ticks per second of times() (sysconf(_SC_CLK_TCK) on Linux). */
    static final long USER_HZ = 100;
    static final long NS_PER_INSN = otherworld.kernel.time.Clock.NS_PER_INSTRUCTION;

    private final Kernel k;

    ClockCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(CLOCK_GETTIME, this::clockGettime);
        s.define(CLOCK_GETRES, this::clockGetres);
        s.define(GETTIMEOFDAY, this::gettimeofday);
        s.define(TIMES, this::times);
        s.define(GETRUSAGE, this::getrusage);
    }

    /** Nanoseconds on clock id for task t, or -1 for an unknown clock. */
    long now(Task t, long id) {
        return switch ((int) id) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI -> id == (int) id ? k.wallNanos() : -1;
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM -> k.uptimeNanos();
            case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> cpuNanos(t);
            default -> -1;
        };
    }

    long cpuNanos(Task t) { return k.info.utime(t.index) * NS_PER_INSN; }

    private boolean putTimespec(Task t, long va, long ns) {
        byte[] b = new byte[16];
        FileCalls.put(b, 0, ns / 1_000_000_000L, 8);
        FileCalls.put(b, 8, ns % 1_000_000_000L, 8);
        return k.user.copyOut(t.rootPa(), va, b, 0, 16);
    }

    long clockGettime(Task t) {
        if (t.x(10) != (int) t.x(10)) return -EINVAL;
        long ns = now(t, t.x(10));
        if (ns < 0) return -EINVAL;
        return putTimespec(t, t.x(11), ns) ? 0 : -EFAULT;
    }

    long clockGetres(Task t) {
        if (t.x(10) != (int) t.x(10) || now(t, t.x(10)) < 0) return -EINVAL;
        if (t.x(11) == 0) return 0;
        return putTimespec(t, t.x(11), NS_PER_INSN) ? 0 : -EFAULT;
    }

    long gettimeofday(Task t) {
        long ns = k.wallNanos();
        if (t.x(10) != 0) {
            byte[] b = new byte[16];
            FileCalls.put(b, 0, ns / 1_000_000_000L, 8);
            FileCalls.put(b, 8, ns % 1_000_000_000L / 1000, 8);
            if (!k.user.copyOut(t.rootPa(), t.x(10), b, 0, 16)) return -EFAULT;
        }
        if (t.x(11) != 0 && !k.user.copyOut(t.rootPa(), t.x(11), new byte[8], 0, 8)) return -EFAULT; // UTC, no DST
        return 0;
    }

    /** times(buf): the task's user time in ticks (system time 0: the kernel's own work is not counted); ticks since boot. */
    long times(Task t) {
        long tick = KernelConfig.CLOCK_HZ / USER_HZ;
        if (t.x(10) != 0) {
            byte[] b = new byte[32];
            FileCalls.put(b, 0, k.info.utime(t.index) / tick, 8);
            if (!k.user.copyOut(t.rootPa(), t.x(10), b, 0, 32)) return -EFAULT;
        }
        return k.machine.clock() / tick;
    }

    /** getrusage(who, buf): RUSAGE_SELF and RUSAGE_THREAD report the task's user time; RUSAGE_CHILDREN zeros. */
    long getrusage(Task t) {
        long who = t.x(10);
        if (who != 0 && who != 1 && who != -1) return -EINVAL;
        byte[] b = new byte[144];
        if (who != -1) {
            long ns = cpuNanos(t);
            FileCalls.put(b, 0, ns / 1_000_000_000L, 8);
            FileCalls.put(b, 8, ns % 1_000_000_000L / 1000, 8);
        }
        return k.user.copyOut(t.rootPa(), t.x(11), b, 0, b.length) ? 0 : -EFAULT;
    }
}
