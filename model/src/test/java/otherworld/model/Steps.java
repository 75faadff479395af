package otherworld.model;

import static org.junit.jupiter.api.Assertions.assertNull;

/** Test steps by label: the model driven one named action at a time, every invariant checked on the way. */
final class Steps {
    private Steps() {
    }

    /** Takes the enabled action whose label starts with the given text, checking every invariant. */
    static State take(Machine m, State s, String labelStart) {
        for (Action a : m.actions(s)) {
            if (a.label().startsWith(labelStart)) {
                State t = m.step(s, a);
                assertNull(m.invariants().firstViolated(s, a, t), "step invariant on " + a + "\n" + t);
                assertNull(m.invariants().firstViolated(t), "state invariant after " + a + "\n" + t);
                return t;
            }
        }
        throw new AssertionError("no enabled action '" + labelStart + "' in\n" + s + "\nenabled: " + m.actions(s));
    }

    /** The crash kernel's steps to its commit. */
    static State resurrect(Machine m, State s) {
        State t = s;
        while (t.phase() == Layout.RESURRECTING) {
            t = take(m, t, "crash kernel");
        }
        return t;
    }
}
