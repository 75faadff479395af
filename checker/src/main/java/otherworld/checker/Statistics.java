package otherworld.checker;

/** Counts of one run, in TLC's terms, with the memory and disk it took. */
public final class Statistics {
    private final long generated;
    private final long distinct;
    private final long queue;
    private final int depth;
    private final long millis;
    private final long memoryBytes;
    private final long diskBytes;
    private final long queueOnDisk;
    private final long spilled;
    private final long collisions;
    private final long fingerprintBytes;
    private final long peakResident;
    private final long fingerprintsOnDisk;
    private final long fingerprintSpills;

    public Statistics(long generated, long distinct, long queue, int depth, long millis, long memoryBytes) {
        this(generated, distinct, queue, depth, millis, memoryBytes, 0, 0, 0, -1, 0, -1);
    }

    public Statistics(long generated, long distinct, long queue, int depth, long millis, long memoryBytes,
            long diskBytes, long queueOnDisk, long spilled, long collisions, long fingerprintBytes, long peakResident) {
        this(generated, distinct, queue, depth, millis, memoryBytes, diskBytes, queueOnDisk, spilled, collisions,
                fingerprintBytes, peakResident, 0, 0);
    }

    public Statistics(long generated, long distinct, long queue, int depth, long millis, long memoryBytes,
            long diskBytes, long queueOnDisk, long spilled, long collisions, long fingerprintBytes, long peakResident,
            long fingerprintsOnDisk, long fingerprintSpills) {
        this.fingerprintsOnDisk = fingerprintsOnDisk;
        this.fingerprintSpills = fingerprintSpills;
        this.spilled = spilled;
        this.fingerprintBytes = fingerprintBytes;
        this.peakResident = peakResident;
        this.generated = generated;
        this.distinct = distinct;
        this.queue = queue;
        this.depth = depth;
        this.millis = millis;
        this.memoryBytes = memoryBytes;
        this.diskBytes = diskBytes;
        this.queueOnDisk = queueOnDisk;
        this.collisions = collisions;
    }

    /** States generated (successors computed, counting duplicates). */
    public long generated() { return generated; }
    /** Distinct states found (fingerprints, or whole states with --exact). */
    public long distinct() { return distinct; }
    /** States left on the queue when the run ended. */
    public long queue() { return queue; }
    /** Depth of the state graph explored (longest shortest path). */
    public int depth() { return depth; }
    public long millis() { return millis; }
    /** Heap in use plus the fingerprint table outside it, at the end. */
    public long memoryBytes() { return memoryBytes; }
    /** Bytes in the work directory (queue files, trace log, checkpoint) at the end. */
    public long diskBytes() { return diskBytes; }
    /** States of the queue held in files at the end. */
    public long queueOnDisk() { return queueOnDisk; }
    /** States that went through a queue file during the run. */
    public long spilled() { return spilled; }
    /** With --exact: distinct states whose fingerprint an earlier state already had; else -1. */
    public long collisions() { return collisions; }

    /** Bytes of the fingerprint table (outside the heap) at the end. */
    public long fingerprintBytes() { return fingerprintBytes; }
    /** Fingerprints in the sorted file on disk at the end (the rest are in the table). */
    public long fingerprintsOnDisk() { return fingerprintsOnDisk; }
    /** Times the fingerprint table was merged into the file on disk. */
    public long fingerprintSpills() { return fingerprintSpills; }

    /** Peak resident memory of the whole process (heap, table, everything), or -1 if unknown. */
    public long peakResident() { return peakResident; }

    public long statesPerSecond() {
        return millis == 0 ? generated * 1000 : generated * 1000 / millis;
    }

    public long distinctPerSecond() {
        return millis == 0 ? distinct * 1000 : distinct * 1000 / millis;
    }

    /**
     * TLC's optimistic estimate of the probability that a fingerprint collision made the search
     * miss a state: each of the (generated - distinct) states found again could have collided with
     * any of the distinct ones, each time with probability 2^-64.
     */
    public double collisionProbability() {
        return (double) distinct * (double) Math.max(0, generated - distinct) / 0x1p64;
    }

    private long perState(long bytes) {
        return distinct == 0 || bytes < 0 ? 0 : bytes / distinct;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Statistics)) {
            return false;
        }
        Statistics s = (Statistics) o;
        return generated == s.generated && distinct == s.distinct && queue == s.queue && depth == s.depth;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(generated * 31 + distinct) * 31 + depth;
    }

    @Override
    public String toString() {
        String s = generated + " states generated, " + distinct + " distinct states found, " + queue
                + " states left on queue.\nThe depth of the complete state graph search is " + depth + ".\n"
                + "Time " + (millis / 1000.0) + " s, " + statesPerSecond() + " states/s ("
                + distinctPerSecond() + " distinct/s), memory " + (memoryBytes >> 20) + " MiB (fingerprints "
                + (fingerprintBytes >> 20) + " MiB, " + perState(fingerprintBytes) + " B/state; peak resident "
                + (peakResident >> 20) + " MiB, " + perState(peakResident) + " B/state), disk " + (diskBytes >> 20)
                + " MiB, " + queueOnDisk + " states queued on disk (" + spilled + " went through disk)"
                + (fingerprintSpills == 0 ? "" : ", " + fingerprintsOnDisk + " fingerprints on disk ("
                        + (8 * fingerprintsOnDisk >> 20) + " MiB, " + fingerprintSpills + " spills)") + ".\n"
                + "The probability of a fingerprint collision is calculated to be (optimistic) "
                + String.format(java.util.Locale.ROOT, "%.1E", collisionProbability()) + ".";
        if (collisions >= 0) {
            s += "\nExact state storage: " + collisions + " fingerprint collisions among the distinct states.";
        }
        return s;
    }
}
