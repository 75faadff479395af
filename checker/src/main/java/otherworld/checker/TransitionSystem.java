package otherworld.checker;

import java.util.List;

/**
 * What the checker explores: initial states, enabled actions, successors, fingerprints and named
 * invariants. Implementations must be deterministic and safe to call from several threads on
 * different states.
 *
 * @param <S> states (immutable)
 * @param <A> actions
 */
public interface TransitionSystem<S, A> {
    List<S> initialStates();

    /** Enabled actions in a fixed order. */
    List<A> actions(S s);

    S step(S s, A a);

    /** 64-bit fingerprint; equal for states equal up to the symmetry in use. Never 0. */
    long fingerprint(S s);

    /** Name of the first violated state invariant, or null. */
    String violatedInvariant(S s);

    /** Name of the first violated step invariant (action property), or null. */
    String violatedStepInvariant(S before, A a, S after);

    /** A state without successors that is a legitimate end (not a deadlock). */
    boolean isTerminal(S s);

    /** Action label, unique among the actions enabled in one state. */
    String label(A a);

    /** Readable multi-line description of a state. */
    String describe(S s);
}
