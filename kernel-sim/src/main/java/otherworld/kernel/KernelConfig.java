package otherworld.kernel;

/**
 * Boot parameters. {@code otherworld == false} is a kernel without Otherworld: no crash region is reserved and a
 * panic stops the machine; every system call runs the same code in both modes. All sizes in bytes.
 *
 * <p>Time (rule 5): the clock is the instruction count, read as a {@value #CLOCK_HZ} Hz clock; the wall clock
 * (CLOCK_REALTIME, gettimeofday, file times) starts at {@code epochSeconds}, so runs replay exactly. With
 * {@code realTime} the wall clock is the host's instead (the other clocks still count instructions).
 * {@code uid}/{@code gid}: the credentials of programs started from the host. {@code enhanced}: see {@link #withEnhanced}.
 */
public record KernelConfig(boolean otherworld, long regionSize, int cacheSlots, long quantum, long flushInterval,
                           long randomSeed, long epochSeconds, boolean realTime, int uid, int gid,
                           boolean enhanced) {
    /** Instructions per second of the deterministic clock. */
    public static final long CLOCK_HZ = 100_000_000L;
    /** 2023-11-14 22:13:20 UTC: the default epoch (the blank disk's mke2fs time). */
    public static final long DEFAULT_EPOCH = 1_700_000_000L;

    public static KernelConfig defaults() {
        return new KernelConfig(true, 4L << 20, 128, 20_000, 50_000_000L, 0x5EED_0F_07_4E_72L, DEFAULT_EPOCH, false, 0, 0, false);
    }

    /**
     * The enhanced mode (implies Otherworld): every write of the kernel into its structures also writes the check
     * byte of the word ({@link otherworld.kernel.mem.CodedMem}), so the crash kernel can undo a flipped bit. Work on
     * every write, measured apart from default mode (rule 4).
     */
    public KernelConfig withEnhanced(boolean on) {
        return new KernelConfig(otherworld || on, regionSize, cacheSlots, quantum, flushInterval, randomSeed, epochSeconds,
                realTime, uid, gid, on);
    }

    public KernelConfig withOtherworld(boolean on) {
        return new KernelConfig(on, regionSize, cacheSlots, quantum, flushInterval, randomSeed, epochSeconds, realTime, uid, gid, enhanced && on);
    }

    public KernelConfig withQuantum(long q) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, q, flushInterval, randomSeed, epochSeconds, realTime, uid, gid, enhanced);
    }

    public KernelConfig withFlushInterval(long f) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, quantum, f, randomSeed, epochSeconds, realTime, uid, gid, enhanced);
    }

    public KernelConfig withCacheSlots(int n) {
        return new KernelConfig(otherworld, regionSize, n, quantum, flushInterval, randomSeed, epochSeconds, realTime, uid, gid, enhanced);
    }

    /** The wall clock starts at this many seconds since 1970 (deterministic), or follows the host's (realTime). */
    public KernelConfig withEpoch(long seconds, boolean real) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, quantum, flushInterval, randomSeed, seconds, real, uid, gid, enhanced);
    }

    public KernelConfig withIds(int u, int g) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, quantum, flushInterval, randomSeed, epochSeconds, realTime, u, g, enhanced);
    }
}
