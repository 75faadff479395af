package otherworld.kernel.mem;

/**
 * How kernel code touches guest physical memory. Every kernel structure is read and written through one of these,
 * never kept in Java fields (DESIGN rule 1). Three kinds exist:
 * <ul>
 *   <li>direct: plain access (boot, Otherworld off);</li>
 *   <li>logged: inside a system call in default mode, each write first records the old bytes in the undo log in
 *       guest RAM, so a crash kernel can see the state as it was when the call began;</li>
 *   <li>overlay (read-only): the crash kernel's view of the dead kernel's memory with the undo log applied; any
 *       write throws (rule 3: the crash kernel reads before it writes).</li>
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

    /**
     * A write that no rollback needs to undo: a replacement hint or a statistic, whose value never decides what a
     * process sees. Not logged: a crash kernel may see the new value beside older state.
     */
    default void hint64(long pa, long v) { w64(pa, v); }

    /**
     * Zero a frame that was free when the system call began (freshly allocated): its old bytes matter to no
     * rollback, so the undo log does not record them.
     */
    default void zeroFresh(long pa, int len) { zero(pa, len); }

    /** Set len bytes at pa to zero. */
    void zero(long pa, int len);

    /** True when [pa, pa+len) is RAM. */
    boolean contains(long pa, long len);
}
