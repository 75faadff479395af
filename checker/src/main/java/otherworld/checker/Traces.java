package otherworld.checker;

import java.util.ArrayList;
import java.util.List;

/** Error traces rebuilt from the trace log's action numbers by re-executing the transition system. */
final class Traces {
    private Traces() {
    }

    /**
     * The path the checker explored: path.get(0) is the number of the initial state, every later
     * element the number of the action taken among the enabled actions of the state before, which
     * is expanded as its {@link TransitionSystem#representative} (the state the checker kept; an
     * initial state is expanded as it is).
     * When a step leads to a state whose representative is another renaming of it, that state is
     * shown renamed and the step's label says how ({@link TransitionSystem#renaming}), so the trace
     * replays. If stepAction is not negative, one more step by that action (which violates a step
     * invariant) is appended. The last state is shown as reached.
     */
    static <S, A> Trace rebuild(TransitionSystem<S, A> system, String header, List<Integer> path, int stepAction) {
        List<S> initial = system.initialStates();
        int first = path.get(0);
        if (first < 0 || first >= initial.size()) {
            throw new IllegalStateException("trace reconstruction failed: no initial state " + first);
        }
        S cur = initial.get(first);
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        int steps = path.size() - 1 + (stepAction >= 0 ? 1 : 0);
        for (int i = 0; i <= steps; i++) {
            if (i > 0) {
                List<A> enabled = system.actions(cur);
                int k = i < path.size() ? path.get(i) : stepAction;
                if (k < 0 || k >= enabled.size()) {
                    throw new IllegalStateException("trace reconstruction failed: step " + i + " names action " + k
                            + " of " + enabled.size());
                }
                A a = enabled.get(k);
                cur = system.step(cur, a);
                labels.add(system.label(a));
            }
            String renaming = i > 0 && i < steps ? system.renaming(cur) : null;
            if (renaming != null) {
                labels.set(i - 1, labels.get(i - 1) + renaming);
                cur = system.representative(cur);
            }
            states.add(system.describe(cur));
        }
        return new Trace(header, "", labels, states);
    }
}
