package otherworld.checker;

/**
 * The set of fingerprints seen, kept apart from the queue (as in TLC), with each state's
 * predecessor fingerprint so an error trace can be rebuilt. Open addressing over two long
 * arrays; 0 marks an empty slot (fingerprints are never 0). Not thread-safe: the checker
 * inserts from one thread, in a fixed order, which keeps runs deterministic.
 */
public final class FingerprintSet {
    /** Parent of an initial state. */
    public static final long ROOT = Long.MIN_VALUE;

    private long[] keys;
    private long[] parents;
    private int size;
    private int mask;

    public FingerprintSet(int initialCapacity) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        keys = new long[cap];
        parents = new long[cap];
        mask = cap - 1;
    }

    /** Adds fp with its parent; false if fp was already present. */
    public boolean add(long fp, long parent) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int i = slot(fp);
        while (keys[i] != 0) {
            if (keys[i] == fp) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = fp;
        parents[i] = parent;
        size++;
        return true;
    }

    public boolean contains(long fp) {
        int i = slot(fp);
        while (keys[i] != 0) {
            if (keys[i] == fp) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    /** The parent fingerprint recorded for fp ({@link #ROOT} for an initial state). */
    public long parent(long fp) {
        int i = slot(fp);
        while (keys[i] != 0) {
            if (keys[i] == fp) {
                return parents[i];
            }
            i = (i + 1) & mask;
        }
        throw new IllegalArgumentException("unknown fingerprint " + Long.toHexString(fp));
    }

    public int size() {
        return size;
    }

    /** Bytes held by the tables. */
    public long bytes() {
        return 16L * keys.length;
    }

    private int slot(long fp) {
        long h = fp ^ (fp >>> 29);
        return (int) h & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldParents = parents;
        keys = new long[oldKeys.length * 2];
        parents = new long[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                add(oldKeys[j], oldParents[j]);
            }
        }
    }
}
