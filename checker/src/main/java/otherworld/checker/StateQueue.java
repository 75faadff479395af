package otherworld.checker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A first-in first-out queue of encoded states (trace record number, words) that spills to disk.
 * Records are packed into chunks of about a mebibyte; a full chunk stays in memory while the
 * queues sharing one {@link Spill} keep under its limit, and is written to a file in the work
 * directory past it. Chunks are read back in the order they were written, and a file is deleted
 * as soon as it is read (or, if the last checkpoint names it, at the next checkpoint).
 *
 * <p>Records are delta-encoded against the record before them in the chunk: the record number's
 * difference, the word count, then the words as runs of words equal to the previous record's and
 * the differences of the others, all as variable-length integers. Successors of one state sit
 * next to each other in the queue and differ in a few words, so a record of some 80 words takes
 * about a tenth of its 4 bytes a word.
 *
 * <p>For a checkpoint, {@link #persist()} writes every chunk still held to a file and returns the
 * manifest (file, bytes, records, records already read) from which {@link #restore} rebuilds the
 * queue.
 */
final class StateQueue {
    static final int CHUNK = 1 << 20;

    /** What the queues of one run share: the work directory, file numbers and in-memory bytes. */
    static final class Spill {
        final Path dir;
        final long memoryLimit;
        final AtomicLong inMemory = new AtomicLong();
        final AtomicLong onDiskBytes = new AtomicLong();
        final AtomicLong onDiskRecords = new AtomicLong();
        final AtomicLong seq = new AtomicLong();
        /** States ever written to a queue file by this run. */
        final AtomicLong spilledRecords = new AtomicLong();
        /** Files named by the last checkpoint's manifest: kept until the next checkpoint. */
        final Set<Path> referenced = new HashSet<>();
        final List<Path> consumed = new ArrayList<>();

        Spill(Path dir, long memoryLimit) {
            this.dir = dir;
            this.memoryLimit = memoryLimit;
        }

        /** After a new manifest is written: delete the files consumed before it. */
        synchronized void checkpointed(Set<Path> nowReferenced) {
            for (Path p : consumed) {
                if (!nowReferenced.contains(p)) {
                    delete(p);
                }
            }
            consumed.clear();
            referenced.clear();
            referenced.addAll(nowReferenced);
        }

        synchronized void done(Path file) {
            if (referenced.contains(file)) {
                consumed.add(file);
            } else {
                delete(file);
            }
        }
    }

    /** One record read back. */
    static final class Entry {
        final long index;
        final int[] words;

        Entry(long index, int[] words) {
            this.index = index;
            this.words = words;
        }
    }

    private static final class Chunk {
        byte[] bytes;
        Path file;
        int length;
        /** Records written to the chunk, and those not read yet. */
        long total;
        long records;
        /** Counted in Spill.onDisk*: its records are only on disk. */
        boolean spilled;
    }

    private static final int[] NONE = new int[0];
    /** More words than any state has: a record claiming more is damage. */
    private static final long MAX_WORDS = 1 << 24;

    private final Spill spill;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private Chunk head;
    private ByteBuffer headBuf;
    /** The last record read from the head chunk, and the last written to the tail: the deltas' base. */
    private long headIndex;
    private int[] headWords = NONE;
    private ByteBuffer tail = ByteBuffer.allocate(CHUNK);
    private long tailRecords;
    private long tailIndex;
    private int[] tailWords = NONE;
    private long size;

    StateQueue(Spill spill) {
        this.spill = spill;
    }

    long size() {
        return size;
    }

    void add(long index, int[] words) {
        int need = 15 + 10 * words.length; // the longest encoding
        if (tail.remaining() < need) {
            seal();
            if (tail.capacity() < need) {
                tail = ByteBuffer.allocate(need);
            }
        }
        putVar(tail, zigzag(index - tailIndex));
        putVar(tail, words.length);
        int[] prev = tailWords;
        int i = 0;
        while (i < words.length) {
            int same = 0;
            while (i + same < words.length && words[i + same] == (i + same < prev.length ? prev[i + same] : 0)) {
                same++;
            }
            putVar(tail, same);
            i += same;
            if (i < words.length) {
                putVar(tail, zigzag((long) words[i] - (i < prev.length ? prev[i] : 0)));
                i++;
            }
        }
        tailIndex = index;
        tailWords = words;
        tailRecords++;
        size++;
    }

    private Entry decode() {
        headIndex += unzigzag(getVar(headBuf));
        long n = getVar(headBuf);
        if (n > MAX_WORDS) {
            throw new IllegalStateException("queue chunk " + head.file + " is damaged (a record of " + n + " words)");
        }
        int[] prev = headWords;
        int[] w = new int[(int) n];
        int i = 0;
        while (i < w.length) {
            long same = getVar(headBuf);
            if (same > w.length - i) {
                throw new IllegalStateException("queue chunk " + head.file + " is damaged (a run of " + same + ")");
            }
            for (long k = 0; k < same; k++, i++) {
                w[i] = i < prev.length ? prev[i] : 0;
            }
            if (i < w.length) {
                w[i] = (int) ((i < prev.length ? prev[i] : 0) + unzigzag(getVar(headBuf)));
                i++;
            }
        }
        headWords = w;
        return new Entry(headIndex, w);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void putVar(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static long getVar(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("queue chunk damaged (a number longer than 64 bits)");
    }

    /** Up to max records in order; empty when the queue is. */
    List<Entry> take(int max) {
        List<Entry> out = new ArrayList<>(Math.min(max, 1 << 14));
        while (out.size() < max) {
            Entry e = poll();
            if (e == null) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    Entry poll() {
        while (headBuf == null || !headBuf.hasRemaining()) {
            finishHead();
            if (chunks.isEmpty()) {
                if (tailRecords == 0) {
                    return null;
                }
                seal();
            }
            openHead(chunks.poll());
        }
        Entry e = decode();
        head.records--;
        size--;
        return e;
    }

    private void openHead(Chunk c) {
        head = c;
        if (c.bytes == null) {
            try {
                c.bytes = Files.readAllBytes(c.file);
            } catch (IOException e) {
                throw new UncheckedIOException("queue file " + c.file, e);
            }
            if (c.bytes.length != c.length) {
                throw new IllegalStateException("queue file " + c.file + " has " + c.bytes.length
                        + " bytes, expected " + c.length);
            }
        } else {
            spill.inMemory.addAndGet(-c.length);
        }
        if (c.spilled) {
            spill.onDiskBytes.addAndGet(-c.length);
            spill.onDiskRecords.addAndGet(-c.records);
            c.spilled = false;
        }
        headBuf = ByteBuffer.wrap(c.bytes, 0, c.length);
        headIndex = 0;
        headWords = NONE;
    }

    private void finishHead() {
        if (head != null && head.file != null) {
            spill.done(head.file);
        }
        if (head != null) {
            head.bytes = null;
        }
        head = null;
        headBuf = null;
    }

    /** Closes the chunk being written: kept in memory under the limit, else written to a file. */
    private void seal() {
        if (tailRecords == 0) {
            return;
        }
        Chunk c = new Chunk();
        c.length = tail.position();
        c.records = tailRecords;
        c.total = tailRecords;
        c.bytes = java.util.Arrays.copyOf(tail.array(), c.length);
        tail.clear();
        tailRecords = 0;
        tailIndex = 0;
        tailWords = NONE;
        if (spill.inMemory.get() + c.length > spill.memoryLimit) {
            writeFile(c);
            c.bytes = null;
            c.spilled = true;
            spill.onDiskBytes.addAndGet(c.length);
            spill.onDiskRecords.addAndGet(c.records);
            spill.spilledRecords.addAndGet(c.records);
        } else {
            spill.inMemory.addAndGet(c.length);
        }
        chunks.add(c);
    }

    private void writeFile(Chunk c) {
        if (c.file != null) {
            return;
        }
        Path f = spill.dir.resolve("queue-" + spill.seq.getAndIncrement() + ".bin");
        try {
            Files.write(f, c.length == c.bytes.length ? c.bytes : java.util.Arrays.copyOf(c.bytes, c.length));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write queue file " + f + " (disk full?)", e);
        }
        c.file = f;
    }

    /**
     * Writes every chunk held only in memory to a file; returns the manifest lines
     * {@code file length records read} in order (read: records of the first chunk already taken).
     */
    List<String> persist() {
        seal();
        List<String> lines = new ArrayList<>();
        if (head != null && headBuf.hasRemaining()) {
            writeFile(head);
            lines.add(head.file.getFileName() + " " + head.length + " " + head.total + " " + (head.total - head.records));
        }
        for (Chunk c : chunks) {
            writeFile(c);
            lines.add(c.file.getFileName() + " " + c.length + " " + c.total + " 0");
        }
        return lines;
    }

    /** The queue a manifest describes (its files in spill.dir). */
    static StateQueue restore(Spill spill, List<String> manifest) throws IOException {
        StateQueue q = new StateQueue(spill);
        boolean first = true;
        for (String line : manifest) {
            String[] f = line.trim().split(" ");
            if (f.length != 4) {
                throw new IOException("bad queue manifest line '" + line + "'");
            }
            Chunk c = new Chunk();
            c.file = spill.dir.resolve(f[0]);
            long read;
            try {
                c.length = Integer.parseInt(f[1]);
                c.total = Long.parseLong(f[2]);
                read = Long.parseLong(f[3]);
            } catch (NumberFormatException e) {
                throw new IOException("bad queue manifest line '" + line + "'", e);
            }
            if (read < 0 || read >= c.total || (!first && read > 0)) {
                throw new IOException("bad queue manifest line '" + line + "'");
            }
            if (!Files.isRegularFile(c.file) || Files.size(c.file) != c.length) {
                throw new IOException("queue file " + c.file + " is missing or has the wrong size");
            }
            c.records = c.total;
            c.spilled = true;
            spill.onDiskBytes.addAndGet(c.length);
            spill.onDiskRecords.addAndGet(c.records);
            q.size += c.records;
            if (read > 0) {
                // the deltas need the records before: read and drop those already taken
                q.openHead(c);
                for (long k = 0; k < read; k++) {
                    q.decode();
                    c.records--;
                    q.size--;
                }
            } else {
                q.chunks.add(c);
            }
            first = false;
        }
        return q;
    }

    /** Drops every record (and the files they were in). */
    void clear() {
        finishHead();
        for (Chunk c : chunks) {
            if (c.bytes != null) {
                spill.inMemory.addAndGet(-c.length);
            }
            if (c.spilled) {
                spill.onDiskBytes.addAndGet(-c.length);
                spill.onDiskRecords.addAndGet(-c.records);
            }
            if (c.file != null) {
                spill.done(c.file);
            }
        }
        chunks.clear();
        tail.clear();
        tailRecords = 0;
        size = 0;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover queue file wastes disk but does not change the result
        }
    }
}
