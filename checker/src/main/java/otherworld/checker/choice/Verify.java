package otherworld.checker.choice;

/**
 * Nondeterministic choice for harnesses, shaped like Java PathFinder's
 * {@code gov.nasa.jpf.vm.Verify}. A harness is a {@code main} that draws choices here and
 * throws {@link AssertionError} when an invariant fails.
 *
 * <ul>
 *   <li>Under JPF (the {@code jpf} profile compiles {@code JpfChoices}), each call becomes a JPF
 *       choice generator and JPF explores every value.</li>
 *   <li>Under {@link ChoiceExplorer}, every choice sequence is enumerated by re-execution.</li>
 *   <li>Run plainly (also with JPF's classes on the classpath but outside JPF), every choice
 *       takes its lowest value: one path.</li>
 * </ul>
 */
public final class Verify {
    private static ChoiceSource source = initial();

    private Verify() {
    }

    /**
     * JPF's choices only when this code really runs inside JPF: {@code JpfChoices} refuses to be
     * made otherwise. With jpf-classes.jar merely on the classpath (the jpf profile's tests), JPF's
     * {@code Verify.getInt} would return random values, so the embedded choices are used.
     */
    private static ChoiceSource initial() {
        try {
            Class<?> c = Class.forName("otherworld.checker.choice.JpfChoices");
            return (ChoiceSource) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new FirstChoices();
        }
    }

    /** A value in [lo, hi], both inclusive. */
    public static int getInt(int lo, int hi) {
        return source.getInt(lo, hi);
    }

    public static boolean getBoolean() {
        return source.getBoolean();
    }

    /** Abandons the current path if cond holds (it is not an error). */
    public static void ignoreIf(boolean cond) {
        source.ignoreIf(cond);
    }

    static ChoiceSource swap(ChoiceSource s) {
        ChoiceSource old = source;
        source = s;
        return old;
    }

    /** Every choice at its lowest value. */
    static final class FirstChoices implements ChoiceSource {
        @Override
        public int getInt(int lo, int hi) {
            return lo;
        }

        @Override
        public boolean getBoolean() {
            return false;
        }

        @Override
        public void ignoreIf(boolean cond) {
            if (cond) {
                throw new IgnoredPath();
            }
        }
    }

    /** Thrown by ignoreIf(true) outside JPF to abandon a path. */
    public static final class IgnoredPath extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public IgnoredPath() {
            super("path ignored", null, false, false);
        }
    }
}
