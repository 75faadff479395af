package otherworld.model;

/**
 * A named predicate a checker reports by name: on states ({@link #holds(State)}) or, for a
 * step invariant (an action property in TLA+ terms), on transitions ({@link #holdsOn}).
 */
public final class Invariant {
    /** A state predicate. */
    public interface StatePredicate {
        boolean test(State s);
    }

    /** A transition predicate. */
    public interface StepPredicate {
        boolean test(State before, Action a, State after);
    }

    private final String name;
    private final String meaning;
    private final StatePredicate state;
    private final StepPredicate step;

    private Invariant(String name, String meaning, StatePredicate state, StepPredicate step) {
        this.name = name;
        this.meaning = meaning;
        this.state = state;
        this.step = step;
    }

    public static Invariant ofState(String name, String meaning, StatePredicate p) {
        return new Invariant(name, meaning, p, null);
    }

    public static Invariant ofStep(String name, String meaning, StepPredicate p) {
        return new Invariant(name, meaning, null, p);
    }

    public String name() { return name; }
    public String meaning() { return meaning; }
    public boolean isStepInvariant() { return step != null; }

    public boolean holds(State s) {
        return state == null || state.test(s);
    }

    public boolean holdsOn(State before, Action a, State after) {
        return step == null || step.test(before, a, after);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Invariant && ((Invariant) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
