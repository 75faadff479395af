package otherworld.checker;

/** Counts of one run, in TLC's terms. */
public final class Statistics {
    private final long generated;
    private final long distinct;
    private final long queue;
    private final int depth;
    private final long millis;
    private final long memoryBytes;

    public Statistics(long generated, long distinct, long queue, int depth, long millis, long memoryBytes) {
        this.generated = generated;
        this.distinct = distinct;
        this.queue = queue;
        this.depth = depth;
        this.millis = millis;
        this.memoryBytes = memoryBytes;
    }

    /** States generated (successors computed, counting duplicates). */
    public long generated() { return generated; }
    /** Distinct states found (fingerprints). */
    public long distinct() { return distinct; }
    /** States left on the queue when the run ended. */
    public long queue() { return queue; }
    /** Depth of the state graph explored (longest shortest path). */
    public int depth() { return depth; }
    public long millis() { return millis; }
    public long memoryBytes() { return memoryBytes; }

    public long statesPerSecond() {
        return millis == 0 ? generated * 1000 : generated * 1000 / millis;
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
        return generated + " states generated, " + distinct + " distinct states found, " + queue
                + " states left on queue.\nThe depth of the complete state graph search is " + depth + ".\n"
                + "Time " + (millis / 1000.0) + " s, " + statesPerSecond() + " states/s, memory "
                + (memoryBytes >> 20) + " MiB.";
    }
}
