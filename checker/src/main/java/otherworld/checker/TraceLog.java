package otherworld.checker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The way back to the initial state, on disk: one 8-byte record per distinct state, in the order
 * states were found, holding the record number of its predecessor (48 bits, {@link #ROOT} for an
 * initial state) and the number of the action that led to it among the predecessor's enabled
 * actions (16 bits; for an initial state, its number among the initial states). A state's
 * record number travels with it through the queue, so an error trace is read backwards record by
 * record (as TLC's trace file), then re-executed forwards from the initial state, action by
 * action. TLC keeps a fingerprint instead of the action and finds the successor by hashing each
 * one; the action number is half the bytes and finds it without hashing.
 */
public final class TraceLog implements AutoCloseable {
    /** Predecessor of an initial state. */
    public static final long ROOT = -1;
    static final int RECORD = 8;
    /** Record numbers (predecessors: distributed references too) and actions fit 48 and 16 bits. */
    static final long MAX_RECORDS = (1L << 47) - 1;
    static final int MAX_ACTIONS = 1 << 16;

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
    public long append(long parent, int action) {
        if (action < 0 || action >= MAX_ACTIONS) {
            throw new IllegalArgumentException("action number " + action + " does not fit a trace record (at most "
                    + (MAX_ACTIONS - 1) + ")");
        }
        if (records >= MAX_RECORDS || parent < ROOT || parent > MAX_RECORDS) {
            throw new IllegalArgumentException("trace record " + records + " cannot name predecessor " + parent
                    + " (48 bits each)");
        }
        if (buffer.remaining() < RECORD) {
            flush();
        }
        buffer.putLong((parent << 16) | action);
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

    /** The number of the action that led to record i's state (of the initial states, for a root). */
    public int action(long i) {
        return (int) (read(i) & 0xFFFF);
    }

    /** Predecessor record number of record i ({@link #ROOT} for an initial state). */
    public long parent(long i) {
        return read(i) >> 16;
    }

    private long read(long i) {
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
        return b.getLong(0);
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
