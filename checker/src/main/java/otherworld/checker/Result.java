package otherworld.checker;

/** The outcome of a model-checking run. */
public final class Result {
    /** How the run ended. */
    public enum Status {
        /** Every reachable state explored; no invariant violated. */
        OK,
        /** An invariant failed; {@link #trace()} is a shortest counterexample. */
        VIOLATION,
        /** A non-terminal state without successors (deadlock check on). */
        DEADLOCK,
        /** The state limit was reached before the search ended. */
        LIMIT,
        /** The memory budget was full before the search ended (see {@link #checkpoint()}). */
        BUDGET,
        /** A liveness property fails; {@link #trace()} is a lasso. */
        LIVENESS
    }

    private final Status status;
    private final String invariant;
    private final Trace trace;
    private final Statistics statistics;
    private final java.nio.file.Path checkpoint;
    private final String note;

    public Result(Status status, String invariant, Trace trace, Statistics statistics) {
        this(status, invariant, trace, statistics, null, null);
    }

    public Result(Status status, String invariant, Trace trace, Statistics statistics,
            java.nio.file.Path checkpoint, String note) {
        this.status = status;
        this.invariant = invariant;
        this.trace = trace;
        this.statistics = statistics;
        this.checkpoint = checkpoint;
        this.note = note;
    }

    /** The directory holding the checkpoint this run stopped with (resume from it), or null. */
    public java.nio.file.Path checkpoint() { return checkpoint; }
    /** Why the run stopped early, in words, or null. */
    public String note() { return note; }

    public Status status() { return status; }
    /** Name of the violated invariant or property ("Deadlock" for a deadlock), or null. */
    public String invariant() { return invariant; }
    /** Shortest counterexample, or null. */
    public Trace trace() { return trace; }
    public Statistics statistics() { return statistics; }

    public boolean ok() {
        return status == Status.OK;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Result)) {
            return false;
        }
        Result r = (Result) o;
        return status == r.status && statistics.equals(r.statistics)
                && (invariant == null ? r.invariant == null : invariant.equals(r.invariant));
    }

    @Override
    public int hashCode() {
        return status.hashCode() * 31 + statistics.hashCode();
    }

    @Override
    public String toString() {
        return status + (invariant == null ? "" : " " + invariant) + "\n" + statistics;
    }
}
