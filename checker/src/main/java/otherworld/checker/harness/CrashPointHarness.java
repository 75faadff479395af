package otherworld.checker.harness;

import java.util.ArrayList;
import java.util.List;
import otherworld.checker.choice.Verify;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariant;
import otherworld.model.Machine;
import otherworld.model.State;

/**
 * A JPF-style harness for one crash at a chosen point: two processes run round-robin (always
 * the first enabled non-crash action), a crash strikes after k steps (k chosen), optionally
 * corrupting a chosen structure, the crash kernel optionally crashes after r of its steps, and
 * resurrection must satisfy every invariant. Linear in the program length, so small.
 *
 * <p>Arguments: {@code [bug] [procs]}, defaults none 2.
 */
public final class CrashPointHarness {
    private CrashPointHarness() {
    }

    public static void main(String[] args) {
        Bug bug = args.length > 0 ? ResurrectionHarness.bug(args[0]) : Bug.NONE;
        int procs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        run(Config.defaults().withProcs(procs).withCrashes(2).withBug(bug));
    }

    public static void run(Config config) {
        Machine m = new Machine(config);
        State s = m.init();
        int k = Verify.getInt(0, 40);
        for (int i = 0; i < k; i++) {
            Action a = firstNonCrash(m.actions(s));
            Verify.ignoreIf(a == null);
            s = checked(m, s, a);
        }
        List<Action> crashes = crashActions(m.actions(s));
        Verify.ignoreIf(crashes.isEmpty());
        s = checked(m, s, crashes.get(Verify.getInt(0, crashes.size() - 1)));
        int r = Verify.getBoolean() ? Verify.getInt(0, 12) : -1;
        int n = 0;
        while (s.phase() != 0) {
            List<Action> enabled = m.actions(s);
            Action a = enabled.get(0);
            if (n == r && enabled.size() > 1) {
                a = enabled.get(1);
            }
            s = checked(m, s, a);
            n++;
        }
    }

    private static State checked(Machine m, State s, Action a) {
        State t = m.step(s, a);
        Invariant bad = m.invariants().firstViolated(s, a, t);
        if (bad == null) {
            bad = m.invariants().firstViolated(t);
        }
        if (bad != null) {
            throw new AssertionError(bad.name() + " violated by '" + a.label() + "'");
        }
        return t;
    }

    private static Action firstNonCrash(List<Action> as) {
        for (Action a : as) {
            if (a.kind() != Action.Kind.CRASH) {
                return a;
            }
        }
        return null;
    }

    private static List<Action> crashActions(List<Action> as) {
        List<Action> out = new ArrayList<>();
        for (Action a : as) {
            if (a.kind() == Action.Kind.CRASH) {
                out.add(a);
            }
        }
        return out;
    }
}
