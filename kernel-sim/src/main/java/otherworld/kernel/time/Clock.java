package otherworld.kernel.time;

/**
 * The deterministic clock (rule 5): time is the machine's instruction count. One instruction is
 * {@value #NS_PER_INSTRUCTION} ns (100 M instructions a second, the rate Kernel.seconds gives the file system's
 * times); CLOCK_MONOTONIC is that since boot, CLOCK_REALTIME adds {@value #EPOCH_SECONDS} s.
 */
public final class Clock {
    private Clock() { }

    public static final long NS_PER_INSTRUCTION = 10;
    public static final long EPOCH_SECONDS = 1_700_000_000L;
    public static final long NS_PER_S = 1_000_000_000L;

    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_BOOTTIME = 7;
    public static final int CLOCK_TAI = 11;

    /** Nanoseconds of clock id at instruction count now (REALTIME and TAI from the epoch). */
    public static long nanos(int clock, long now) {
        long mono = now * NS_PER_INSTRUCTION;
        return clock == CLOCK_REALTIME || clock == CLOCK_TAI ? EPOCH_SECONDS * NS_PER_S + mono : mono;
    }

    /** The first instruction count at which clock id reads at least ns (for an absolute deadline). */
    public static long instructionAt(int clock, long ns) {
        long mono = clock == CLOCK_REALTIME || clock == CLOCK_TAI ? ns - EPOCH_SECONDS * NS_PER_S : ns;
        if (mono <= 0) return 0;
        return (mono + NS_PER_INSTRUCTION - 1) / NS_PER_INSTRUCTION;
    }

    /** Instructions to wait for at least ns nanoseconds (saturating). */
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
