package otherworld.checker;

import java.util.List;
import otherworld.model.Action;
import otherworld.model.Invariant;
import otherworld.model.Machine;
import otherworld.model.State;

/** The otherworld model as a {@link TransitionSystem}, with optional symmetry over process ids. */
public final class OtherworldSystem implements TransitionSystem<State, Action> {
    private final Machine machine;
    private final List<int[]> perms;

    public OtherworldSystem(Machine machine, boolean symmetry) {
        if (symmetry && !machine.symmetric()) {
            throw new IllegalArgumentException(
                    "symmetry needs files == 1 or files == procs (got files=" + machine.config().files()
                    + ", procs=" + machine.config().procs() + ")");
        }
        this.machine = machine;
        this.perms = symmetry ? Machine.permutations(machine.config().procs()) : null;
    }

    public Machine machine() {
        return machine;
    }

    @Override
    public List<State> initialStates() {
        return List.of(machine.init());
    }

    @Override
    public List<Action> actions(State s) {
        return machine.actions(s);
    }

    @Override
    public State step(State s, Action a) {
        return machine.step(s, a);
    }

    @Override
    public long fingerprint(State s) {
        long best = nonZero(s.fingerprint());
        if (perms != null) {
            for (int i = 1; i < perms.size(); i++) {
                long f = nonZero(machine.permute(s, perms.get(i)).fingerprint());
                if (Long.compareUnsigned(f, best) < 0) {
                    best = f;
                }
            }
        }
        return best;
    }

    private static long nonZero(long f) {
        return f == 0 || f == FingerprintSet.ROOT ? 1 : f;
    }

    @Override
    public String violatedInvariant(State s) {
        Invariant i = machine.invariants().firstViolated(s);
        return i == null ? null : i.name();
    }

    @Override
    public String violatedStepInvariant(State before, Action a, State after) {
        Invariant i = machine.invariants().firstViolated(before, a, after);
        return i == null ? null : i.name();
    }

    @Override
    public boolean isTerminal(State s) {
        return machine.isTerminal(s);
    }

    @Override
    public String label(Action a) {
        return a.label();
    }

    @Override
    public String describe(State s) {
        return s.toString();
    }
}
