package otherworld.checker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The fingerprint set of the checker, past its memory budget on disk, as TLC's {@code DiskFPSet}
 * (more exactly {@code MSBDiskFPSet}) keeps it: new fingerprints go to an in-memory table
 * ({@link FingerprintSet}); when that table reaches the budget, its fingerprints are sorted and
 * merged with a sorted file on disk into a new sorted file, and the table is emptied. The file
 * holds each fingerprint's key {@code mix(fp) ^ Long.MIN_VALUE} (mix is a bijection, so keys are
 * as distinct as fingerprints), ascending: the table's segments are chosen by the top bits of
 * {@code mix(fp)}, so segment 0, 1, ... are consecutive ranges of the file and a spill sorts one
 * segment at a time (a few MiB of heap), merging it with the old file read once in order.
 *
 * <p>An index in memory holds the first key of every page ({@value #PAGE} keys, 4 KiB) of the
 * file: a fingerprint that the table does not hold is looked up by a binary search of the index and
 * a binary search of one page of the file, which is mapped into memory (1 GiB a mapping, so a page
 * is read from the page cache, or from the disk, without a system call). {@link #probe} looks up
 * the fingerprints of a whole batch in key order before they are added, so that its reads go
 * forward through the file and touch a page once.
 *
 * <p>Exact: a fingerprint is found iff it was added, whether it sits in the table or in the file,
 * so a run with spills finds the counts of a run without. The file is immutable between spills and
 * named by its generation ({@code fpdisk-G.bin}); the file a checkpoint names is kept until the
 * next checkpoint ({@link #pin}), so a run killed during a spill resumes from its last checkpoint.
 *
 * <p>Thread-safe: every operation holds the set's lock (the checker adds from its one merge
 * thread; the progress reporter reads the counters without it).
 */
final class DiskFingerprintSet implements AutoCloseable {
    /** Keys per disk page (4 KiB): one index entry per page. */
    static final int PAGE = 512;
    static final String PREFIX = "fpdisk-";
    /** Free space a spill leaves on the filesystem when no --max-disk is given. */
    static final long RESERVE = 1L << 30;

    private final FingerprintSet memory;
    private final Path dir;
    private final long maxDisk;
    private final LongSupplier diskUsed;

    private FileChannel file;
    private String fileName;
    private String pinned;
    private long generation;
    private volatile long onDisk;
    private long[] index = new long[0];
    private volatile long spills;
    private volatile boolean diskFull;
    private String fullReason;

    /** Keys per mapping of the file (1 GiB), a multiple of PAGE. */
    static final int MAP_KEYS = 1 << 27;
    private MappedByteBuffer[] maps = new MappedByteBuffer[0];
    private long pageNo = -1;
    private long pageReads;

    private long[] probed;
    private long[] probedHit;
    private int probedCount;
    private long[] sortBuffer = new long[0];

    /**
     * A set whose table may use memoryLimit bytes, spilling to files in dir; maxDisk caps the
     * bytes in dir as diskUsed counts them (0: never spill, the table alone; negative: up to
     * {@value #RESERVE} bytes short of the filesystem's free space).
     */
    DiskFingerprintSet(Path dir, long memoryLimit, long maxDisk, LongSupplier diskUsed) {
        // the first table takes at most half the limit, so that a small budget is a budget
        this.memory = new FingerprintSet(Math.max(1, Math.min(1 << 16, (long) (memoryLimit / 8 * FingerprintSet.LOAD / 2))),
                memoryLimit);
        this.dir = dir;
        this.maxDisk = maxDisk;
        this.diskUsed = diskUsed;
    }

    static long key(long fp) {
        return FingerprintSet.mix(fp) ^ Long.MIN_VALUE;
    }

    /** Adds fp; false if it was already present (in the table or on disk). */
    synchronized boolean add(long fp) {
        if (onDisk > 0) {
            if (memory.contains(fp) || onDisk(key(fp))) {
                return false;
            }
        }
        if (!memory.add(fp)) {
            return false;
        }
        if (memory.overLimit() && !diskFull) {
            spill();
        }
        return true;
    }

    synchronized boolean contains(long fp) {
        return memory.contains(fp) || (onDisk > 0 && onDisk(key(fp)));
    }

    /**
     * Looks up, in key order, those of fps[0..n) that the table does not hold, so that the
     * {@link #add}s that follow find their answers without reading the file again. Valid until the
     * next spill.
     */
    synchronized void probe(long[] fps, int n) {
        probedCount = 0;
        if (onDisk == 0 || n == 0) {
            return;
        }
        if (probed == null || probed.length < n) {
            probed = new long[Math.max(n, 1024)];
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!memory.contains(fps[i])) {
                probed[m++] = key(fps[i]);
            }
        }
        Arrays.sort(probed, 0, m);
        int u = 0;
        for (int i = 0; i < m; i++) {
            if (u == 0 || probed[u - 1] != probed[i]) {
                probed[u++] = probed[i];
            }
        }
        if (probedHit == null || probedHit.length < (u + 63) / 64) {
            probedHit = new long[Math.max((u + 63) / 64, 16)];
        }
        Arrays.fill(probedHit, 0, (u + 63) / 64, 0L);
        for (int i = 0; i < u; i++) {
            if (lookup(probed[i])) {
                probedHit[i >>> 6] |= 1L << i;
            }
        }
        probedCount = u;
    }

    private boolean onDisk(long key) {
        if (probedCount > 0) {
            int i = Arrays.binarySearch(probed, 0, probedCount, key);
            if (i >= 0) {
                return (probedHit[i >>> 6] & (1L << i)) != 0;
            }
        }
        return lookup(key);
    }

    /** Whether key is in the file: the index names its page, a binary search of the page decides. */
    private boolean lookup(long key) {
        if (onDisk == 0 || key < index[0]) {
            return false;
        }
        int lo = 0;
        int hi = index.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (index[mid] <= key) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (index[lo] == key) {
            return true;
        }
        if (lo != pageNo) {
            pageNo = lo;
            pageReads++;
        }
        long first = (long) lo * PAGE;
        MappedByteBuffer map = maps[(int) (first / MAP_KEYS)];
        int base = (int) (first % MAP_KEYS) * 8;
        int a = 1;
        int b = (int) Math.min(PAGE, onDisk - first) - 1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            long k = map.getLong(base + 8 * mid);
            if (k < key) {
                a = mid + 1;
            } else if (k > key) {
                b = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Maps the (read-only) file, MAP_KEYS keys a mapping; unmaps what was mapped before. */
    private void map(long keys) throws IOException {
        unmap();
        MappedByteBuffer[] m = new MappedByteBuffer[(int) ((keys + MAP_KEYS - 1) / MAP_KEYS)];
        for (int i = 0; i < m.length; i++) {
            long from = (long) i * MAP_KEYS;
            m[i] = file.map(FileChannel.MapMode.READ_ONLY, 8 * from, 8 * Math.min(MAP_KEYS, keys - from));
        }
        maps = m;
        pageNo = -1;
    }

    /** Releases the mappings now (not at some later garbage collection): a deleted file's space comes back. */
    private void unmap() {
        for (MappedByteBuffer m : maps) {
            FingerprintSet.U.invokeCleaner(m);
        }
        maps = new MappedByteBuffer[0];
    }

    /** Bytes the next spill writes: the whole new file. */
    private long nextFileBytes() {
        return 8 * (onDisk + memory.size());
    }

    /** Whether the disk has room for the next file (the old one is deleted only after). */
    private boolean roomForSpill() throws IOException {
        long need = nextFileBytes();
        if (maxDisk == 0) {
            fullReason = "the memory budget is full and spilling fingerprints to disk is off (--max-disk 0)";
            return false;
        }
        if (maxDisk > 0) {
            if (diskUsed.getAsLong() + need > maxDisk) {
                fullReason = "the disk budget (--max-disk " + (maxDisk >> 20) + " MiB) cannot hold the next "
                        + "fingerprint file (" + (need >> 20) + " MiB) next to the "
                        + (diskUsed.getAsLong() >> 20) + " MiB in use";
                return false;
            }
            return true;
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free - need < RESERVE) {
            fullReason = "the filesystem of " + dir + " has " + (free >> 20) + " MiB free, too little for the next "
                    + "fingerprint file (" + (need >> 20) + " MiB) and " + (RESERVE >> 20) + " MiB to spare";
            return false;
        }
        return true;
    }

    /** Merges the table into a new sorted file and empties the table; or marks the disk full. */
    private void spill() {
        try {
            if (!roomForSpill()) {
                diskFull = true;
                return;
            }
            String newName = PREFIX + (generation + 1) + ".bin";
            Path newPath = dir.resolve(newName);
            long total = onDisk + memory.size();
            long[] newIndex = new long[(int) ((total + PAGE - 1) / PAGE)];
            long written = 0;
            ByteBuffer outBuf = ByteBuffer.allocateDirect(1 << 20);
            ByteBuffer inBuf = ByteBuffer.allocateDirect(1 << 20);
            inBuf.limit(0);
            long inPos = 0;
            long oldLeft = onDisk;
            try (FileChannel out = FileChannel.open(newPath, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                for (int s = 0; s < FingerprintSet.SEGMENTS; s++) {
                    int n = (int) memory.segmentSize(s);
                    if (sortBuffer.length < n) {
                        sortBuffer = new long[Math.max(n, sortBuffer.length * 2)];
                    }
                    n = memory.segmentFingerprints(s, sortBuffer);
                    for (int i = 0; i < n; i++) {
                        sortBuffer[i] = key(sortBuffer[i]);
                    }
                    Arrays.sort(sortBuffer, 0, n);
                    for (int i = 0; i < n; i++) {
                        long k = sortBuffer[i];
                        while (oldLeft > 0) {
                            if (!inBuf.hasRemaining()) {
                                inPos = refill(inBuf, inPos, oldLeft);
                            }
                            long old = inBuf.getLong(inBuf.position());
                            if (old >= k) {
                                if (old == k) {
                                    throw new IllegalStateException("fingerprint key " + Long.toHexString(k)
                                            + " both in the table and on disk");
                                }
                                break;
                            }
                            inBuf.getLong();
                            oldLeft--;
                            written = put(out, outBuf, newIndex, written, old);
                        }
                        written = put(out, outBuf, newIndex, written, k);
                    }
                }
                while (oldLeft > 0) {
                    if (!inBuf.hasRemaining()) {
                        inPos = refill(inBuf, inPos, oldLeft);
                    }
                    written = put(out, outBuf, newIndex, written, inBuf.getLong());
                    oldLeft--;
                }
                outBuf.flip();
                while (outBuf.hasRemaining()) {
                    out.write(outBuf);
                }
            }
            if (written != total) {
                throw new IllegalStateException("spill wrote " + written + " fingerprints of " + total);
            }
            String oldName = fileName;
            unmap();
            if (file != null) {
                file.close();
            }
            file = FileChannel.open(newPath, StandardOpenOption.READ);
            map(total);
            fileName = newName;
            generation++;
            onDisk = total;
            index = newIndex;
            probedCount = 0;
            spills++;
            memory.clear();
            if (oldName != null && !oldName.equals(pinned)) {
                Files.deleteIfExists(dir.resolve(oldName));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling fingerprints to " + dir, e);
        }
    }

    /** Fills in with the next keys of the file from byte pos (at most left keys); returns the next pos. */
    private long refill(ByteBuffer in, long pos, long left) throws IOException {
        in.clear();
        in.limit((int) Math.min(in.capacity(), 8 * left));
        while (in.hasRemaining()) {
            if (file.read(in, pos + in.position()) < 0) {
                throw new IOException("fingerprint file " + fileName + " ends early");
            }
        }
        in.flip();
        return pos + in.limit();
    }

    private static long put(FileChannel out, ByteBuffer buf, long[] index, long written, long key) throws IOException {
        if (written % PAGE == 0) {
            index[(int) (written / PAGE)] = key;
        }
        if (!buf.hasRemaining()) {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
        buf.putLong(key);
        return written + 1;
    }

    /** Fingerprints held, in memory and on disk. */
    long size() {
        return memory.size() + onDisk;
    }

    /** Fingerprints in the disk file. */
    long onDisk() {
        return onDisk;
    }

    /** Bytes of the disk file. */
    long diskBytes() {
        return 8 * onDisk;
    }

    /** Bytes of the in-memory table (outside the heap). */
    long bytes() {
        return memory.bytes();
    }

    /** Bytes of the page index (on the heap). */
    long indexBytes() {
        return 8L * index.length;
    }

    /** Times the table was merged into the file. */
    long spills() {
        return spills;
    }

    synchronized long pageReads() {
        return pageReads;
    }

    /** True when the table is full and the disk cannot take it: the checker must stop. */
    boolean overLimit() {
        return diskFull;
    }

    /** Why the set is full, in words (after {@link #overLimit}). */
    synchronized String fullReason() {
        return fullReason;
    }

    /** Tests: merge the table into the file now. */
    synchronized void spillNow() {
        if (memory.size() > 0) {
            spill();
        }
    }

    /** The file a checkpoint should name (null while nothing is on disk). */
    synchronized String diskFile() {
        return fileName;
    }

    /** Writes the in-memory table (the file is named, not copied: it does not change until the next spill). */
    synchronized void saveMemory(DataOutputStream out) throws IOException {
        memory.save(out);
    }

    /**
     * A checkpoint naming {@link #diskFile} is written: that file is kept until the next one, and
     * the file the previous checkpoint named is deleted.
     */
    synchronized void pin() throws IOException {
        String old = pinned;
        pinned = fileName;
        if (old != null && !old.equals(fileName)) {
            Files.deleteIfExists(dir.resolve(old));
        }
    }

    /**
     * Reopens the disk part a checkpoint names (name null: none) and checks it: count keys,
     * ascending; files of later spills that no checkpoint names are deleted.
     */
    synchronized void restoreDisk(String name, long count) throws IOException {
        if (name != null) {
            if (!name.startsWith(PREFIX) || !name.endsWith(".bin")) {
                throw new IOException("corrupt checkpoint: disk fingerprint file '" + name + "'");
            }
            try {
                generation = Long.parseLong(name.substring(PREFIX.length(), name.length() - 4));
            } catch (NumberFormatException e) {
                throw new IOException("corrupt checkpoint: disk fingerprint file '" + name + "'", e);
            }
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p) || Files.size(p) != 8 * count || count <= 0) {
                throw new IOException("corrupt fingerprint file " + p + ": " + (Files.isRegularFile(p) ? Files.size(p)
                        + " bytes" : "missing") + " for " + count + " fingerprints");
            }
            file = FileChannel.open(p, StandardOpenOption.READ);
            fileName = name;
            pinned = name;
            index = new long[(int) ((count + PAGE - 1) / PAGE)];
            ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
            in.limit(0);
            long pos = 0;
            long prev = Long.MIN_VALUE;
            for (long i = 0; i < count; i++) {
                if (!in.hasRemaining()) {
                    pos = refill(in, pos, count - i);
                }
                long k = in.getLong();
                if (i > 0 && k <= prev) {
                    file.close();
                    file = null;
                    throw new IOException("corrupt fingerprint file " + p + ": not ascending at fingerprint " + i);
                }
                if (i % PAGE == 0) {
                    index[(int) (i / PAGE)] = k;
                }
                prev = k;
            }
            map(count);
            onDisk = count;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith(PREFIX) && !n.equals(name)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * Reads what {@link #saveMemory} wrote into the (empty) table. (A fingerprint both there and in
     * the file, which only a damaged checkpoint can hold, is reported by the next spill.)
     */
    synchronized void loadMemory(DataInputStream in) throws IOException {
        memory.load(in);
    }

    @Override
    public synchronized void close() {
        memory.close();
        unmap();
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // closing a file only read from loses nothing
            }
            file = null;
        }
    }
}
