package otherworld.checker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * The set of fingerprints seen, kept apart from the queue (as in TLC), outside the Java heap:
 * 8 bytes a slot, open addressing with linear probing, 0 marks an empty slot (fingerprints are
 * never 0). The table is split into {@value #SEGMENTS} segments chosen by the top bits of the
 * fingerprint, each its own open-addressing table, so growth doubles one segment at a time: no
 * pause that copies everything, and the memory needed to grow is 1/{@value #SEGMENTS}-th of the
 * table. Thread-safe: one lock per segment.
 *
 * <p>A memory limit makes the set refuse to grow past it: it keeps accepting fingerprints while
 * the segments have room (up to {@value #HARD_LOAD} full) and reports {@link #overLimit()}, so
 * the checker can stop at a clean point and write a checkpoint instead of failing.
 */
public final class FingerprintSet implements AutoCloseable {
    static final int SEGMENT_BITS = 8;
    static final int SEGMENTS = 1 << SEGMENT_BITS;
    /** A segment doubles when it is this full. */
    static final double LOAD = 0.75;
    /** A segment that cannot grow (memory limit) takes fingerprints up to this load. */
    static final double HARD_LOAD = 0.95;

    static final Unsafe U = unsafe();

    private static final class Segment {
        long address;
        long slots;
        long size;
    }

    private final Segment[] segments = new Segment[SEGMENTS];
    private final long limitBytes;
    private final java.util.concurrent.atomic.AtomicLong totalBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean overLimit;
    private volatile boolean closed;

    /** A set with room for about initialCapacity fingerprints before it grows, without a memory limit. */
    public FingerprintSet(long initialCapacity) {
        this(initialCapacity, Long.MAX_VALUE);
    }

    public FingerprintSet(long initialCapacity, long limitBytes) {
        this.limitBytes = limitBytes;
        long per = Math.max(64, Long.highestOneBit(Math.max(1, (long) (initialCapacity / SEGMENTS / LOAD)) * 2 - 1));
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
            allocate(segments[i], per);
        }
    }

    /** The slot hash; a bijection of the 64-bit values, whose top bits choose the segment. */
    static long mix(long fp) {
        long h = fp * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** Adds fp; false if it was already present. */
    public boolean add(long fp) {
        if (fp == 0) {
            throw new IllegalArgumentException("fingerprint 0 is reserved for empty slots");
        }
        long h = mix(fp);
        Segment s = segments[(int) (h >>> (64 - SEGMENT_BITS))];
        synchronized (s) {
            if (closed) {
                throw new IllegalStateException("fingerprint set is closed");
            }
            if (s.size + 1 > (long) (s.slots * LOAD)) {
                grow(s);
            }
            long mask = s.slots - 1;
            long i = h & mask;
            while (true) {
                long k = U.getLong(s.address + 8 * i);
                if (k == fp) {
                    return false;
                }
                if (k == 0) {
                    U.putLong(s.address + 8 * i, fp);
                    s.size++;
                    return true;
                }
                i = (i + 1) & mask;
            }
        }
    }

    public boolean contains(long fp) {
        long h = mix(fp);
        Segment s = segments[(int) (h >>> (64 - SEGMENT_BITS))];
        synchronized (s) {
            if (closed) {
                throw new IllegalStateException("fingerprint set is closed");
            }
            long mask = s.slots - 1;
            long i = h & mask;
            while (true) {
                long k = U.getLong(s.address + 8 * i);
                if (k == fp) {
                    return true;
                }
                if (k == 0) {
                    return false;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /** Number of fingerprints held. */
    public long size() {
        long n = 0;
        for (Segment s : segments) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /** Bytes of memory (outside the heap) held by the table. */
    public long bytes() {
        return totalBytes.get();
    }

    /** True once a segment needed to grow past the memory limit. */
    public boolean overLimit() {
        return overLimit;
    }

    private void grow(Segment s) {
        long newSlots = s.slots * 2;
        if (bytes() - 8 * s.slots + 8 * newSlots > limitBytes) {
            overLimit = true;
            if (s.size + 1 <= (long) (s.slots * HARD_LOAD)) {
                return;
            }
            throw new MemoryBudgetExceeded("the fingerprint set fills " + (bytes() >> 20)
                    + " MiB, the memory budget");
        }
        long oldAddress = s.address;
        long oldSlots = s.slots;
        long size = s.size;
        allocate(s, newSlots);
        s.size = size;
        long mask = newSlots - 1;
        for (long j = 0; j < oldSlots; j++) {
            long k = U.getLong(oldAddress + 8 * j);
            if (k != 0) {
                long i = mix(k) & mask;
                while (U.getLong(s.address + 8 * i) != 0) {
                    i = (i + 1) & mask;
                }
                U.putLong(s.address + 8 * i, k);
            }
        }
        U.freeMemory(oldAddress);
        totalBytes.addAndGet(-8 * oldSlots);
    }

    private void allocate(Segment s, long slots) {
        long address;
        try {
            address = U.allocateMemory(8 * slots);
        } catch (OutOfMemoryError e) {
            throw new MemoryBudgetExceeded("fingerprint set: the machine has no " + (8 * slots >> 20)
                    + " MiB more to grow a segment");
        }
        U.setMemory(address, 8 * slots, (byte) 0);
        s.address = address;
        s.slots = slots;
        s.size = 0;
        totalBytes.addAndGet(8 * slots);
    }

    /** Number of fingerprints in segment i. */
    long segmentSize(int i) {
        Segment s = segments[i];
        synchronized (s) {
            return s.size;
        }
    }

    /**
     * Copies the fingerprints of segment i into out (at least {@link #segmentSize} long), in slot
     * order; returns how many. Every one has {@code mix(fp) >>> (64 - SEGMENT_BITS) == i}.
     */
    int segmentFingerprints(int i, long[] out) {
        Segment s = segments[i];
        synchronized (s) {
            int n = 0;
            for (long j = 0; j < s.slots; j++) {
                long k = U.getLong(s.address + 8 * j);
                if (k != 0) {
                    out[n++] = k;
                }
            }
            return n;
        }
    }

    /** Empties the set, keeping the segments' sizes (and so the memory) it has grown to. */
    void clear() {
        for (Segment s : segments) {
            synchronized (s) {
                if (closed) {
                    throw new IllegalStateException("fingerprint set is closed");
                }
                U.setMemory(s.address, 8 * s.slots, (byte) 0);
                s.size = 0;
            }
        }
        overLimit = false;
    }

    /** Writes every fingerprint (8 bytes each, segment by segment) for a checkpoint. */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(SEGMENTS);
        for (Segment s : segments) {
            synchronized (s) {
                out.writeLong(s.size);
                out.writeLong(s.slots);
                for (long j = 0; j < s.slots; j++) {
                    long k = U.getLong(s.address + 8 * j);
                    if (k != 0) {
                        out.writeLong(k);
                    }
                }
            }
        }
    }

    /** Reads what {@link #save} wrote into an empty set. */
    public void load(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != SEGMENTS) {
            throw new IOException("fingerprint file has " + n + " segments, expected " + SEGMENTS);
        }
        for (Segment s : segments) {
            long size = in.readLong();
            long slots = in.readLong();
            if (size < 0 || slots < 64 || Long.bitCount(slots) != 1 || size > slots) {
                throw new IOException("corrupt fingerprint file (segment of " + size + " in " + slots + ")");
            }
            synchronized (s) {
                U.freeMemory(s.address);
                totalBytes.addAndGet(-8 * s.slots);
                allocate(s, slots);
            }
            for (long j = 0; j < size; j++) {
                long k = in.readLong();
                if (k == 0 || !add(k)) {
                    throw new IOException("corrupt fingerprint file (fingerprint " + Long.toHexString(k) + ")");
                }
            }
        }
    }

    /** Frees the table. */
    @Override
    public void close() {
        closed = true;
        for (Segment s : segments) {
            synchronized (s) {
                if (s.address != 0) {
                    U.freeMemory(s.address);
                    totalBytes.addAndGet(-8 * s.slots);
                    s.address = 0;
                }
            }
        }
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
