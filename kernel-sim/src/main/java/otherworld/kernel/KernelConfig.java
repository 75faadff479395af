package otherworld.kernel;

/**
 * Boot parameters. {@code otherworld == false} is a kernel without Otherworld: no crash region, no undo log; a
 * panic stops the machine. All sizes in bytes.
 */
public record KernelConfig(boolean otherworld, long regionSize, int cacheSlots, long undoSize, long quantum,
                           long flushInterval, long randomSeed) {

    public static KernelConfig defaults() {
        return new KernelConfig(true, 4L << 20, 128, 1L << 20, 20_000, 50_000_000L, 0x5EED_0F_07_4E_72L);
    }

    public KernelConfig withOtherworld(boolean on) {
        return new KernelConfig(on, regionSize, cacheSlots, undoSize, quantum, flushInterval, randomSeed);
    }

    public KernelConfig withQuantum(long q) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, undoSize, q, flushInterval, randomSeed);
    }

    public KernelConfig withFlushInterval(long f) {
        return new KernelConfig(otherworld, regionSize, cacheSlots, undoSize, quantum, f, randomSeed);
    }

    public KernelConfig withCacheSlots(int n) {
        return new KernelConfig(otherworld, regionSize, n, undoSize, quantum, flushInterval, randomSeed);
    }
}
