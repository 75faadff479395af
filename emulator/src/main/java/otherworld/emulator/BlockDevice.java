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

    /**
     * Protection information, as T10 DIF's guard tag: the CRC-32C of the sector at offset (a multiple of 512) as the
     * medium holds it, given by the device beside the data. Data corrupted on its way to the host does not change it,
     * so the host can tell; a host that checks it reads nothing wrong without knowing. (These devices store no separate
     * tag: they compute it from their medium, which no fault here corrupts at rest.) Not a request: it is not counted.
     */
    default int guard(long offset) {
        byte[] s = new byte[SECTOR];
        read(offset, s, 0, SECTOR);
        return guardOf(s, 0);
    }

    /** The guard tag of the sector at b[off..off+512). */
    static int guardOf(byte[] b, int off) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, off, SECTOR);
        return (int) c.getValue();
    }

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
