package otherworld.kernel;

/**
 * Boot parameters. {@code otherworld == false} is a kernel without Otherworld: no crash region is reserved and a
 * panic stops the machine; every system call runs the same code in both modes. All sizes in bytes.
 */
public record KernelConfig(boolean otherworld, long regionSize, int cacheSlots, long quantum, long flushInterval,
                           long randomSeed) {

    public static KernelConfig defaults() {
        return new KernelConfig(true, 4L << 20, 128, 20_000, 50_000_000L, 0x5EED_0F_07_4E_72L);
    }

    public KernelConfig withOtherworld(boolean on) {
        return new KernelConfig(on, regionSize, cacheSlots, quantum, flushInterval, randomSeed);
    }

    public KernelConfig withQuantum(long q) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, q, flushInterval, randomSeed);
    }

    public KernelConfig withFlushInterval(long f) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, quantum, f, randomSeed);
    }

    public KernelConfig withCacheSlots(int n) {
        return new KernelConfig(otherworld, regionSize, n, quantum, flushInterval, randomSeed);
    }
}
