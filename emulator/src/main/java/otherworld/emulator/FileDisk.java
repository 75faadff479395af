package otherworld.emulator;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A disk backed by a host file (an ext2 image made with mke2fs, for instance). */
public final class FileDisk implements BlockDevice {
    private final RandomAccessFile file;
    private final long size;
    private long writes;

    public FileDisk(Path path) throws IOException {
        this.file = new RandomAccessFile(path.toFile(), "rw");
        this.size = file.length();
        if (size % SECTOR != 0) {
            file.close();
            throw new IOException(path + ": disk image size " + size + " is not a multiple of 512");
        }
    }

    @Override public long sizeBytes() { return size; }

    @Override public void read(long offset, byte[] dst, int off, int len) {
        BlockDevice.check(this, offset, len);
        try {
            file.seek(offset);
            file.readFully(dst, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void write(long offset, byte[] src, int off, int len) {
        BlockDevice.check(this, offset, len);
        try {
            file.seek(offset);
            file.write(src, off, len);
            writes++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public long writeCount() { return writes; }

    @Override public void flush() {
        try {
            file.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
