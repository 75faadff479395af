package otherworld.emulator;

import java.util.Arrays;

/**
 * A disk held in host memory, sparse: its bytes are kept in 4 KiB chunks, and a chunk exists only once something
 * other than zeros was written to it, so free space costs nothing (a 128 MiB disk holding one file takes about the
 * file's size). A copy ({@link #copy}) shares chunks with the original until either writes one (copy on write). The
 * whole image as one array is made only when asked for ({@link #image}).
 */
public final class MemoryDisk implements BlockDevice {
    /** Bytes per chunk: an ext2 block, so that a block read or write touches one chunk. */
    static final int CHUNK = 4096;

    private final long size;
    /** The disk's bytes, chunk by chunk; null: all zeros. */
    private final byte[][] chunks;
    /** Per chunk: another disk may hold the same array, so it is copied before it is written. */
    private final boolean[] shared;
    private long writes;

    private MemoryDisk(long size, byte[][] chunks, boolean[] shared) {
        this.size = size;
        this.chunks = chunks;
        this.shared = shared;
    }

    /** A disk holding a copy of image. */
    public MemoryDisk(byte[] image) {
        this(checkedSize(image.length), new byte[chunkCount(image.length)][], new boolean[chunkCount(image.length)]);
        for (int c = 0; c < chunks.length; c++) {
            int from = c * CHUNK, to = Math.min(image.length, from + CHUNK);
            if (!zero(image, from, to - from)) chunks[c] = Arrays.copyOfRange(image, from, from + CHUNK);
        }
    }

    /** A disk of the given size that reads as zeros and holds no memory yet. */
    public static MemoryDisk blank(long bytes) {
        return new MemoryDisk(checkedSize(bytes), new byte[chunkCount(bytes)][], new boolean[chunkCount(bytes)]);
    }

    private static long checkedSize(long bytes) {
        if (bytes < 0 || bytes % SECTOR != 0) throw new IllegalArgumentException("disk image size " + bytes + " is not a multiple of 512");
        if (bytes > (long) Integer.MAX_VALUE * CHUNK) throw new IllegalArgumentException("disk too large for memory: " + bytes + " bytes");
        return bytes;
    }

    private static int chunkCount(long bytes) { return (int) ((bytes + CHUNK - 1) / CHUNK); }

    private static boolean zero(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) if (b[i] != 0) return false;
        return true;
    }

    /**
     * An independent disk with the same bytes (its write counter at zero, as a disk just powered on). Costs one
     * pointer per chunk: the chunks are shared until either disk writes one.
     */
    public synchronized MemoryDisk copy() {
        boolean[] both = new boolean[chunks.length];
        for (int c = 0; c < chunks.length; c++) {
            if (chunks[c] != null) shared[c] = both[c] = true;
        }
        return new MemoryDisk(size, chunks.clone(), both);
    }

    @Override public long sizeBytes() { return size; }

    private static final int ZERO_GUARD = BlockDevice.guardOf(new byte[SECTOR], 0);

    @Override public int guard(long offset) {
        BlockDevice.check(this, offset, SECTOR);
        byte[] chunk = chunks[(int) (offset / CHUNK)];
        return chunk == null ? ZERO_GUARD : BlockDevice.guardOf(chunk, (int) (offset % CHUNK));
    }

    @Override public void read(long offset, byte[] dst, int off, int len) {
        BlockDevice.check(this, offset, len);
        while (len > 0) {
            int c = (int) (offset / CHUNK), at = (int) (offset % CHUNK), n = Math.min(len, CHUNK - at);
            byte[] chunk = chunks[c];
            if (chunk == null) Arrays.fill(dst, off, off + n, (byte) 0);
            else System.arraycopy(chunk, at, dst, off, n);
            offset += n;
            off += n;
            len -= n;
        }
    }

    @Override public synchronized void write(long offset, byte[] src, int off, int len) {
        BlockDevice.check(this, offset, len);
        while (len > 0) {
            int c = (int) (offset / CHUNK), at = (int) (offset % CHUNK), n = Math.min(len, CHUNK - at);
            if (chunks[c] == null) {
                if (!zero(src, off, n)) chunks[c] = new byte[CHUNK];
            } else if (shared[c]) {
                chunks[c] = chunks[c].clone();
                shared[c] = false;
            }
            if (chunks[c] != null) System.arraycopy(src, off, chunks[c], at, n);
            offset += n;
            off += n;
            len -= n;
        }
        writes++;
    }

    @Override public long writeCount() { return writes; }

    @Override public void flush() { }

    /** Bytes of host memory the disk's chunks take (shared ones included): what has been written, not its size. */
    public synchronized long allocatedBytes() {
        long n = 0;
        for (byte[] c : chunks) if (c != null) n += CHUNK;
        return n;
    }

    /** A copy of the whole disk as one array (IllegalStateException for a disk of 2 GiB or more). */
    public byte[] image() {
        if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException("a disk of " + size + " bytes does not fit in one array");
        byte[] out = new byte[(int) size];
        read(0, out, 0, out.length);
        return out;
    }
}
