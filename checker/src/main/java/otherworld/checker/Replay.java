package otherworld.checker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import otherworld.model.Action;
import otherworld.model.Config;
import otherworld.model.Invariant;
import otherworld.model.Machine;
import otherworld.model.State;

/**
 * Re-executes a saved trace on the model: from the configuration in its header, the initial
 * state, then each labelled action, checking every invariant on the way.
 */
public final class Replay {
    private final List<State> states;
    private final String violation;
    private final int loopStart;

    private Replay(List<State> states, String violation, int loopStart) {
        this.states = states;
        this.violation = violation;
        this.loopStart = loopStart;
    }

    /**
     * For a lasso (a liveness counterexample): true if the replayed behaviour really returns to
     * the state its cycle starts at, so the cycle can repeat forever. False for other traces.
     */
    public boolean lassoCloses() {
        return loopStart >= 0 && states.get(states.size() - 1).equals(states.get(loopStart));
    }

    /** The states visited, initial first. */
    public List<State> states() {
        return states;
    }

    /** The first invariant that failed during the replay, or null. */
    public String violation() {
        return violation;
    }

    public static Replay of(Path file) throws IOException {
        return of(Trace.read(file));
    }

    public static Replay of(Trace trace) {
        Machine m = new Machine(Config.parse(trace.header()));
        State s = m.init();
        List<State> states = new ArrayList<>();
        states.add(s);
        Invariant bad = m.invariants().firstViolated(s);
        int step = 0;
        for (String label : trace.labels()) {
            step++;
            if (bad != null) {
                break;
            }
            int cut = label.indexOf(OtherworldSystem.RENAME);
            String action = cut < 0 ? label : label.substring(0, cut);
            Action chosen = null;
            for (Action a : m.actions(s)) {
                if (a.label().equals(action)) {
                    chosen = a;
                    break;
                }
            }
            if (chosen == null) {
                throw new IllegalArgumentException("step " + step + ": action '" + action + "' is not enabled");
            }
            State t = m.step(s, chosen);
            bad = m.invariants().firstViolated(s, chosen, t);
            if (bad == null) {
                bad = m.invariants().firstViolated(t);
            }
            if (cut >= 0) {
                t = m.permute(t, renaming(m, t, label.substring(cut + OtherworldSystem.RENAME.length()), step));
            }
            states.add(t);
            s = t;
        }
        return new Replay(states, bad == null ? null : bad.name(), trace.loopStart());
    }

    /**
     * The permutation a step's renaming names ("p0>p2 p1>p0 p2>p1": process p becomes the
     * process after '>'), checked: the model must allow symmetry and the state must be one of the
     * running kernel, whose reachable states are closed under renaming.
     */
    private static int[] renaming(Machine m, State t, String text, int step) {
        int n = m.config().procs();
        String[] parts = text.trim().split(" ");
        if (!m.symmetric() || t.phase() != otherworld.model.Layout.RUNNING) {
            throw new IllegalArgumentException("step " + step + ": a renaming is allowed only with symmetry and"
                    + " while the kernel runs");
        }
        int[] perm = new int[n];
        boolean[] used = new boolean[n];
        if (parts.length != n) {
            throw new IllegalArgumentException("step " + step + ": renaming '" + text + "' must name " + n + " processes");
        }
        for (int p = 0; p < n; p++) {
            String want = "p" + p + ">p";
            int q = -1;
            if (parts[p].startsWith(want)) {
                try {
                    q = Integer.parseInt(parts[p].substring(want.length()));
                } catch (NumberFormatException e) {
                    q = -1;
                }
            }
            if (q < 0 || q >= n || used[q]) {
                throw new IllegalArgumentException("step " + step + ": renaming '" + text + "' is not a permutation of p0..p"
                        + (n - 1));
            }
            used[q] = true;
            perm[p] = q;
        }
        return perm;
    }
}
