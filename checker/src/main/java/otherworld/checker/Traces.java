package otherworld.checker;

import java.util.ArrayList;
import java.util.List;

/** Error traces rebuilt from fingerprints by re-executing the transition system. */
final class Traces {
    private Traces() {
    }

    /**
     * The path through the given fingerprints, initial state first, found by re-executing and
     * picking at each step the successor with the next fingerprint. If lastFp is not 0, one more
     * step to a successor with that fingerprint that violates a step invariant is appended.
     */
    static <S, A> Trace rebuild(TransitionSystem<S, A> system, String header, List<Long> fps, long lastFp) {
        List<S> path = states(system, fps);
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        states.add(system.describe(path.get(0)));
        S cur = path.get(0);
        for (int i = 1; i < fps.size(); i++) {
            A a = actionTo(system, cur, fps.get(i));
            cur = system.step(cur, a);
            labels.add(system.label(a));
            states.add(system.describe(cur));
        }
        if (lastFp != 0) {
            for (A a : system.actions(cur)) {
                S t = system.step(cur, a);
                if (system.fingerprint(t) == lastFp && system.violatedStepInvariant(cur, a, t) != null) {
                    labels.add(system.label(a));
                    states.add(system.describe(t));
                    break;
                }
            }
        }
        return new Trace(header, "", labels, states);
    }

    /** The states along the fingerprints (re-executed). */
    static <S, A> List<S> states(TransitionSystem<S, A> system, List<Long> fps) {
        S cur = null;
        for (S s : system.initialStates()) {
            if (system.fingerprint(s) == fps.get(0)) {
                cur = s;
                break;
            }
        }
        if (cur == null) {
            throw new IllegalStateException("trace reconstruction failed: no initial state has fingerprint "
                    + Long.toHexString(fps.get(0)));
        }
        List<S> out = new ArrayList<>();
        out.add(cur);
        for (int i = 1; i < fps.size(); i++) {
            cur = system.step(cur, actionTo(system, cur, fps.get(i)));
            out.add(cur);
        }
        return out;
    }

    static <S, A> A actionTo(TransitionSystem<S, A> system, S from, long fp) {
        for (A a : system.actions(from)) {
            if (system.fingerprint(system.step(from, a)) == fp) {
                return a;
            }
        }
        throw new IllegalStateException("trace reconstruction failed: no successor has fingerprint "
                + Long.toHexString(fp));
    }
}
