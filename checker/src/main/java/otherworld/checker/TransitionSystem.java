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

    /**
     * 64-bit fingerprint; equal for states equal up to the symmetry in use (then equal to the
     * fingerprint of {@link #representative}). Never 0.
     */
    long fingerprint(S s);

    /**
     * The state the checker keeps, expands and shows in traces for s: one chosen state of s's
     * class under the symmetry in use, the same for every member of the class, so that what is
     * explored is a function of the model alone and not of which member was met first. It must be
     * reachable whenever s is. Initial states are expanded as they are (they are met first, in
     * the same order by every checker). Without symmetry: s.
     */
    default S representative(S s) {
        return s;
    }

    /**
     * The fingerprint of r, a state {@link #representative} returned: equal to fingerprint(r), without
     * searching r's renamings again (a successor's representative is found once, in the checker's hot loop).
     */
    default long representativeFingerprint(S r) {
        return fingerprint(r);
    }

    /**
     * How {@link #representative} renames s, as a suffix for the label of the step that reached
     * s (so a trace can be replayed), or null when the representative is s itself.
     */
    default String renaming(S s) {
        return null;
    }

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

    /**
     * The state as words, so the checker can keep it outside the heap (the queue spills to
     * disk); {@link #decode} must give back a state equal to s.
     */
    int[] encode(S s);

    S decode(int[] words);

    /**
     * The words that identify s exactly, up to the symmetry in use (for {@code --exact}, which
     * keeps whole states instead of fingerprints). Without symmetry: {@link #encode}.
     */
    default int[] canonical(S s) {
        return encode(s);
    }

    /**
     * The weak-fairness class of an action for liveness checking, or null if the action need not
     * ever happen (the environment's choices: crashes, for instance). A behaviour is fair when no
     * class stays enabled forever without one of its actions being taken.
     */
    default String fairness(A a) {
        return null;
    }
}
