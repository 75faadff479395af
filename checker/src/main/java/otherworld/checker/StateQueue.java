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
 * A first-in first-out queue of encoded states (trace record number, fingerprint, words) that
 * spills to disk. Records are packed into chunks of about a mebibyte; a full chunk stays in memory
 * while the queues sharing one {@link Spill} keep under its limit, and is written to a file in the
 * work directory past it. Chunks are read back in the order they were written.
 *
 * <p>For a checkpoint, {@link #persist()} writes every chunk still held to a file and returns the
 * manifest (file, offset, records) from which {@link #restore} rebuilds the queue.
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
        final long fp;
        final int[] words;

        Entry(long index, long fp, int[] words) {
            this.index = index;
            this.fp = fp;
            this.words = words;
        }
    }

    private static final class Chunk {
        byte[] bytes;
        Path file;
        int length;
        long records;
        /** Counted in Spill.onDisk*: its records are only on disk. */
        boolean spilled;
    }

    private final Spill spill;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private Chunk head;
    private ByteBuffer headBuf;
    private ByteBuffer tail = ByteBuffer.allocate(CHUNK);
    private long tailRecords;
    private long size;

    StateQueue(Spill spill) {
        this.spill = spill;
    }

    long size() {
        return size;
    }

    void add(long index, long fp, int[] words) {
        int need = 20 + 4 * words.length;
        if (tail.remaining() < need) {
            seal();
            if (tail.capacity() < need) {
                tail = ByteBuffer.allocate(need);
            }
        }
        tail.putLong(index).putLong(fp).putInt(words.length);
        for (int w : words) {
            tail.putInt(w);
        }
        tailRecords++;
        size++;
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
        long index = headBuf.getLong();
        long fp = headBuf.getLong();
        int n = headBuf.getInt();
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = headBuf.getInt();
        }
        head.records--;
        size--;
        return new Entry(index, fp, w);
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
    }

    private void finishHead() {
        if (head != null && head.file != null) {
            spill.done(head.file);
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
        c.bytes = java.util.Arrays.copyOf(tail.array(), c.length);
        tail.clear();
        tailRecords = 0;
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
     * {@code file length records offset} in order (offset: bytes of the first chunk already read).
     */
    List<String> persist() {
        seal();
        List<String> lines = new ArrayList<>();
        if (head != null && headBuf.hasRemaining()) {
            writeFile(head);
            lines.add(head.file.getFileName() + " " + head.length + " " + head.records + " " + headBuf.position());
        }
        for (Chunk c : chunks) {
            writeFile(c);
            lines.add(c.file.getFileName() + " " + c.length + " " + c.records + " 0");
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
            c.length = Integer.parseInt(f[1]);
            c.records = Long.parseLong(f[2]);
            int offset = Integer.parseInt(f[3]);
            if (!Files.isRegularFile(c.file) || Files.size(c.file) != c.length) {
                throw new IOException("queue file " + c.file + " is missing or has the wrong size");
            }
            c.spilled = true;
            spill.onDiskBytes.addAndGet(c.length);
            spill.onDiskRecords.addAndGet(c.records);
            if (first && offset > 0) {
                q.openHead(c);
                q.headBuf.position(offset);
            } else {
                q.chunks.add(c);
            }
            first = false;
            q.size += c.records;
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
