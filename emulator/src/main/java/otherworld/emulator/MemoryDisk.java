package otherworld.emulator;

import java.util.Arrays;

/** A disk held in host memory. */
public final class MemoryDisk implements BlockDevice {
    private final byte[] data;
    private long writes;

    public MemoryDisk(byte[] image) {
        if (image.length % SECTOR != 0) throw new IllegalArgumentException("disk image size is not a multiple of 512");
        this.data = image.clone();
    }

    public static MemoryDisk blank(int bytes) { return new MemoryDisk(new byte[bytes]); }

    @Override public long sizeBytes() { return data.length; }

    @Override public void read(long offset, byte[] dst, int off, int len) {
        BlockDevice.check(this, offset, len);
        System.arraycopy(data, (int) offset, dst, off, len);
    }

    @Override public void write(long offset, byte[] src, int off, int len) {
        BlockDevice.check(this, offset, len);
        System.arraycopy(src, off, data, (int) offset, len);
        writes++;
    }

    @Override public long writeCount() { return writes; }

    @Override public void flush() { }

    /** A copy of the whole disk. */
    public byte[] image() { return Arrays.copyOf(data, data.length); }
}
