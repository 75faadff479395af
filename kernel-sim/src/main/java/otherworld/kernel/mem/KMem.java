package otherworld.kernel.mem;

/**
 * How kernel code touches guest physical memory. Every kernel structure is read and written through one of these,
 * never kept in Java fields (DESIGN rule 1). Three kinds exist:
 * <ul>
 *   <li>{@link DirectMem}: plain access, what every kernel uses, in every mode;</li>
 *   <li>{@link TracedMem}: the same, telling the fault injector about each write first, so that a crash can strike
 *       between any two writes of the kernel (chosen at boot only when a fault plan asks for it);</li>
 *   <li>{@link ReadOnlyMem}: the crash kernel's view of the dead kernel's memory; any write throws (rule 3: the
 *       crash kernel reads before it writes).</li>
 * </ul>
 * Multi-byte values are little-endian. Addresses are physical.
 */
public interface KMem {
    int r8(long pa);
    int r16(long pa);
    int r32(long pa);
    long r64(long pa);

    void w8(long pa, int v);
    void w16(long pa, int v);
    void w32(long pa, int v);
    void w64(long pa, long v);

    void read(long pa, byte[] dst, int off, int len);
    void write(long pa, byte[] src, int off, int len);

    /** Set len bytes at pa to zero. */
    void zero(long pa, int len);

    /** True when [pa, pa+len) is RAM. */
    boolean contains(long pa, long len);

    /**
     * Before the kernel hands [pa, pa+len) on (a file's data to a process, a dirty block to the disk): in the enhanced
     * mode ({@link CodedMem}), check it against its check bytes, put a flipped bit back, and panic at a word corrupt
     * beyond repair rather than pass it on. Memory without check bytes: nothing (the same in default mode and off).
     */
    default void scrub(long pa, int len) { }
}
