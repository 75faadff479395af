package otherworld.model;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Random walks of a larger instance than the unit tests explore exhaustively. */
class WalkProperties {
    @Property(tries = 300)
    void randomWalksKeepEveryInvariant(@ForAll @Size(max = 80) List<@IntRange(min = 0, max = 30) Integer> choices) {
        walk(new Machine(Config.defaults().withProcs(3).withPages(2).withValues(2).withCrashes(3)), choices);
    }

    /** Issue 8's program with three children, more than the exhaustive tests reach: four processes, four crashes. */
    @Property(tries = 300)
    void randomWalksWithForkAndThePipeKeepEveryInvariant(
            @ForAll @Size(max = 150) List<@IntRange(min = 0, max = 30) Integer> choices) {
        walk(new Machine(Config.defaults().withProcs(4).withValues(3).withCrashes(4)
                .withProgram(Config.forkPipeProgram(3))), choices);
    }

    private static void walk(Machine m, List<Integer> choices) {
        State s = m.init();
        for (int c : choices) {
            List<Action> enabled = m.actions(s);
            if (enabled.isEmpty()) {
                return;
            }
            Action a = enabled.get(c % enabled.size());
            State t = m.step(s, a);
            Invariant bad = m.invariants().firstViolated(s, a, t);
            if (bad == null) {
                bad = m.invariants().firstViolated(t);
            }
            if (bad != null) {
                throw new AssertionError(bad.name() + " after " + a + "\n" + t);
            }
            s = t;
        }
    }
}
