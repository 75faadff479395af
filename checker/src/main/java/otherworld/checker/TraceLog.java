package otherworld.checker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The way back to the initial state, on disk: one 16-byte record per distinct state, in the
 * order states were found, holding its fingerprint and the record number of its predecessor
 * ({@link #ROOT} for an initial state). A state's record number travels with it through the
 * queue, so an error trace is read backwards record by record (as TLC's trace file), then
 * re-executed forwards.
 */
public final class TraceLog implements AutoCloseable {
    /** Predecessor of an initial state. */
    public static final long ROOT = -1;
    static final int RECORD = 16;

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long records;

    /** Opens (or creates) the log; a resumed run keeps its first {@code keep} records and drops the rest. */
    public TraceLog(Path file, long keep) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long have = channel.size() / RECORD;
        if (keep > have) {
            throw new IOException(file + " holds " + have + " records, the checkpoint needs " + keep);
        }
        channel.truncate(keep * RECORD);
        channel.position(keep * RECORD);
        records = keep;
    }

    public Path file() {
        return file;
    }

    /** Appends a record; returns its number. */
    public long append(long fp, long parent) {
        if (buffer.remaining() < RECORD) {
            flush();
        }
        buffer.putLong(fp).putLong(parent);
        return records++;
    }

    public long size() {
        return records;
    }

    /** Bytes on disk (and in the write buffer). */
    public long bytes() {
        return records * RECORD;
    }

    public void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("trace log " + file, e);
        }
        buffer.clear();
    }

    /** Fingerprint of record i. */
    public long fingerprint(long i) {
        return read(i).getLong(0);
    }

    /** Predecessor record number of record i ({@link #ROOT} for an initial state). */
    public long parent(long i) {
        return read(i).getLong(8);
    }

    private ByteBuffer read(long i) {
        if (i < 0 || i >= records) {
            throw new IllegalArgumentException("no trace record " + i + " (" + records + " records)");
        }
        flush();
        ByteBuffer b = ByteBuffer.allocate(RECORD);
        try {
            long pos = i * RECORD;
            while (b.hasRemaining()) {
                int n = channel.read(b, pos + b.position());
                if (n < 0) {
                    throw new IOException("trace log ends early");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("trace log " + file, e);
        }
        return b;
    }

    @Override
    public void close() {
        try {
            flush();
            channel.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("trace log " + file, e);
        }
    }
}
