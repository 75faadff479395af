package otherworld.emulator;

/**
 * A disk: an array of 512-byte sectors, addressed by byte offset (multiples of 512). Hardware: it outlives kernels.
 * Out-of-range or misaligned requests throw {@link IllegalArgumentException}.
 */
public interface BlockDevice extends AutoCloseable {
    int SECTOR = 512;

    long sizeBytes();

    void read(long offset, byte[] dst, int off, int len);

    void write(long offset, byte[] src, int off, int len);

    /** Device register: number of write requests completed since power-on. */
    long writeCount();

    /** Make completed writes durable (for a file-backed disk). */
    void flush();

    @Override
    default void close() { flush(); }

    static void check(BlockDevice d, long offset, int len) {
        if (offset < 0 || len < 0 || (offset % SECTOR) != 0 || (len % SECTOR) != 0 || offset > d.sizeBytes() - len) {
            throw new IllegalArgumentException(
                    "bad disk request: offset " + offset + " length " + len + " on a disk of " + d.sizeBytes() + " bytes");
        }
    }
}
