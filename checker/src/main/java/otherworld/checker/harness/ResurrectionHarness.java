package otherworld.checker.harness;

import java.util.List;
import otherworld.checker.choice.Verify;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariant;
import otherworld.model.Machine;
import otherworld.model.State;

/**
 * A JPF-style harness: walks the model, drawing every next action with {@link Verify#getInt},
 * and asserts all named invariants after every step. Under JPF or {@link
 * otherworld.checker.choice.ChoiceExplorer} every walk up to the depth bound is explored.
 *
 * <p>Arguments: {@code [procs] [crashes] [depth] [bug]}, defaults 1 1 40 none.
 */
public final class ResurrectionHarness {
    private ResurrectionHarness() {
    }

    public static void main(String[] args) {
        int procs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int crashes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int depth = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Bug bug = args.length > 3 ? bug(args[3]) : Bug.NONE;
        run(Config.defaults().withProcs(procs).withCrashes(crashes).withBug(bug), depth);
    }

    /** A seeded bug by its command-line name; IllegalArgumentException naming the known ones. */
    static Bug bug(String name) {
        Bug b = Bug.parse(name);
        if (b == null) {
            StringBuilder known = new StringBuilder();
            for (Bug k : Bug.values()) {
                known.append(known.length() == 0 ? "" : ", ").append(k.cliName());
            }
            throw new IllegalArgumentException("unknown bug '" + name + "' (known: " + known + ")");
        }
        return b;
    }

    /** One walk of at most depth steps; throws AssertionError naming a violated invariant. */
    public static void run(Config config, int depth) {
        Machine m = new Machine(config);
        State s = m.init();
        check(m.invariants().firstViolated(s), 0);
        for (int i = 1; i <= depth; i++) {
            List<Action> enabled = m.actions(s);
            if (enabled.isEmpty()) {
                return;
            }
            Action a = enabled.get(Verify.getInt(0, enabled.size() - 1));
            State t = m.step(s, a);
            check(m.invariants().firstViolated(s, a, t), i);
            check(m.invariants().firstViolated(t), i);
            s = t;
        }
    }

    private static void check(Invariant bad, int step) {
        if (bad != null) {
            throw new AssertionError(bad.name() + " violated at step " + step);
        }
    }
}
