package otherworld.kernel.fault;

import otherworld.emulator.BlockDevice;

/**
 * A disk with one fault: its n-th request after {@link #start} (1-based, reads only or every request) reads back with one bit flipped, or
 * fails with an I/O error. The fault is transient (the medium keeps its bytes; the next request is served), so a
 * kernel that retries, or a crash kernel that starts again, finds the disk as it was. Without a fault it only counts
 * requests (the reference run tells a campaign how many there are to choose from).
 */
public final class FaultyDisk implements BlockDevice {
    /** What the disk does at its faulty request. */
    public enum Mode { NONE, CORRUPT_READ, IO_ERROR }

    /** The device failed a request: the host sees it as a panic of the kernel that made it. */
    public static final class IoError extends RuntimeException {
        IoError(String what) { super(what); }
    }

    private final BlockDevice disk;
    private final Mode mode;
    private final long at;
    private final long bit;
    private long reads;
    private long requests;
    private boolean started;
    private String struck;

    /** A disk whose request number {@code at} (reads for CORRUPT_READ, any request for IO_ERROR) is faulty. */
    public FaultyDisk(BlockDevice disk, Mode mode, long at, long bit) {
        this.disk = disk;
        this.mode = mode;
        this.at = at;
        this.bit = bit;
    }

    public static FaultyDisk counting(BlockDevice disk) { return new FaultyDisk(disk, Mode.NONE, 0, 0); }

    /** Requests are counted (and the fault can strike) from now on: once the machine has booted. */
    public void start() { started = true; }

    public long reads() { return reads; }

    public long requests() { return requests; }

    /** Where the fault struck, or null while it has not. */
    public String struck() { return struck; }

    @Override public long sizeBytes() { return disk.sizeBytes(); }

    @Override public void read(long offset, byte[] dst, int off, int len) {
        if (!started) {
            disk.read(offset, dst, off, len);
            return;
        }
        reads++;
        requests++;
        if (mode == Mode.IO_ERROR && requests == at) fail("read", offset, len);
        disk.read(offset, dst, off, len);
        if (mode == Mode.CORRUPT_READ && reads == at && len > 0) {
            long b = Math.floorMod(bit, 8L * len);
            dst[off + (int) (b / 8)] ^= (byte) (1 << (b % 8));
            struck = String.format("disk read %d (offset %d, %d bytes) returned bit %d flipped", reads, offset, len, b);
        }
    }

    @Override public void write(long offset, byte[] src, int off, int len) {
        if (!started) {
            disk.write(offset, src, off, len);
            return;
        }
        requests++;
        if (mode == Mode.IO_ERROR && requests == at) fail("write", offset, len);
        disk.write(offset, src, off, len);
    }

    private void fail(String what, long offset, int len) {
        struck = String.format("disk request %d (%s at offset %d, %d bytes) failed: I/O error", requests, what, offset, len);
        throw new IoError(struck);
    }

    /** The medium's guard tag: a corrupt read corrupts the data in transit, not what the disk holds. */
    @Override public int guard(long offset) { return disk.guard(offset); }

    @Override public long writeCount() { return disk.writeCount(); }

    @Override public void flush() { disk.flush(); }
}
