package otherworld.kernel.time;

import otherworld.kernel.KernelConfig;

/**
 * The deterministic clock's units (rule 5): time is the machine's instruction count, one instruction
 * {@value #NS_PER_INSTRUCTION} ns ({@link KernelConfig#CLOCK_HZ} instructions a second). What a clock reads is the
 * kernel's ({@code Kernel.uptimeNanos} for CLOCK_MONOTONIC and CLOCK_BOOTTIME, {@code Kernel.wallNanos} for
 * CLOCK_REALTIME and CLOCK_TAI, from the configured epoch or the host's clock); this class only converts, so that a
 * clock read and a sleep's deadline can never use two different epochs or rates.
 */
public final class Clock {
    private Clock() { }

    public static final long NS_PER_S = 1_000_000_000L;
    public static final long NS_PER_INSTRUCTION = NS_PER_S / KernelConfig.CLOCK_HZ;

    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_BOOTTIME = 7;
    public static final int CLOCK_TAI = 11;

    /** Whether clock id reads the wall clock (REALTIME, TAI) rather than time since boot. */
    public static boolean isWall(int clock) {
        return clock == CLOCK_REALTIME || clock == CLOCK_TAI;
    }

    /** Instructions to wait for at least ns nanoseconds (saturating; 0 for ns <= 0). */
    public static long instructionsFor(long ns) {
        if (ns <= 0) return 0;
        return ns / NS_PER_INSTRUCTION + (ns % NS_PER_INSTRUCTION != 0 ? 1 : 0);
    }

    /** A struct timespec {tv_sec, tv_nsec} as nanoseconds (saturating at Long.MAX_VALUE), or -1 when invalid. */
    public static long timespec(long sec, long nsec) {
        if (sec < 0 || nsec < 0 || nsec >= NS_PER_S) return -1;
        if (sec >= Long.MAX_VALUE / NS_PER_S) return Long.MAX_VALUE;
        return sec * NS_PER_S + nsec;
    }
}
