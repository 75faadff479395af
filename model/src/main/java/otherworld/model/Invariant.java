package otherworld.model;

/**
 * A named predicate a checker reports by name: on states ({@link #holds(State)}) or, for a
 * step invariant (an action property in TLA+ terms), on transitions ({@link #holdsOn}).
 *
 * <p>The predicate itself is a method of {@link Invariants}, chosen by the invariant's index: no
 * lambda, so the model stays inside what Java PathFinder runs (shared/STYLE.md).
 */
public final class Invariant {
    private final Invariants owner;
    private final int index;
    private final String name;
    private final String meaning;
    private final boolean step;

    Invariant(Invariants owner, int index, String name, String meaning, boolean step) {
        this.owner = owner;
        this.index = index;
        this.name = name;
        this.meaning = meaning;
        this.step = step;
    }

    public String name() { return name; }
    public String meaning() { return meaning; }
    public boolean isStepInvariant() { return step; }

    /** A state invariant on s; true for a step invariant. */
    public boolean holds(State s) {
        return step || owner.holds(index, s);
    }

    /** A step invariant on the transition; true for a state invariant. */
    public boolean holdsOn(State before, Action a, State after) {
        return !step || owner.holdsOn(index, before, a, after);
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
