package otherworld.checker.choice;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a harness once per choice sequence, depth first, by re-execution: the stack holds the
 * choices of the current path; after each run the last choice that can still grow is advanced
 * and the ones after it are dropped. Stateless (no state matching), so keep harnesses small.
 */
public final class ChoiceExplorer {
    /** The harness body: one execution, drawing choices from {@link Verify}. */
    public interface Harness {
        void run();
    }

    /** Outcome of an exploration. */
    public static final class Outcome {
        private final long paths;
        private final long ignored;
        private final String failure;
        private final List<Integer> failingChoices;

        Outcome(long paths, long ignored, String failure, List<Integer> failingChoices) {
            this.paths = paths;
            this.ignored = ignored;
            this.failure = failure;
            this.failingChoices = failingChoices;
        }

        public long paths() { return paths; }
        public long ignored() { return ignored; }
        /** The first AssertionError's message, or null. */
        public String failure() { return failure; }
        /** The choices of the failing path, or null. */
        public List<Integer> failingChoices() { return failingChoices; }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Outcome)) {
                return false;
            }
            Outcome x = (Outcome) o;
            return paths == x.paths && ignored == x.ignored
                    && (failure == null ? x.failure == null : failure.equals(x.failure));
        }

        @Override
        public int hashCode() {
            return Long.hashCode(paths * 31 + ignored);
        }

        @Override
        public String toString() {
            return paths + " paths, " + ignored + " ignored"
                    + (failure == null ? "" : ", failure: " + failure + " at choices " + failingChoices);
        }
    }

    private final List<int[]> stack = new ArrayList<>(); // {value, hi}
    private int pos;

    private final ChoiceSource source = new ChoiceSource() {
        @Override
        public int getInt(int lo, int hi) {
            if (pos < stack.size()) {
                return stack.get(pos++)[0];
            }
            stack.add(new int[] {lo, hi});
            pos++;
            return lo;
        }

        @Override
        public boolean getBoolean() {
            return getInt(0, 1) == 1;
        }

        @Override
        public void ignoreIf(boolean cond) {
            if (cond) {
                throw new Verify.IgnoredPath();
            }
        }
    };

    /** Explores every choice sequence of the harness; stops at the first failure. */
    public Outcome explore(Harness h) {
        ChoiceSource old = Verify.swap(source);
        long paths = 0;
        long ignored = 0;
        try {
            stack.clear();
            while (true) {
                pos = 0;
                paths++;
                try {
                    h.run();
                } catch (Verify.IgnoredPath e) {
                    ignored++;
                } catch (AssertionError e) {
                    List<Integer> choices = new ArrayList<>();
                    for (int i = 0; i < pos; i++) {
                        choices.add(stack.get(i)[0]);
                    }
                    return new Outcome(paths, ignored, e.getMessage(), choices);
                }
                // drop choices not reached on this path, then advance the deepest open one
                while (stack.size() > pos) {
                    stack.remove(stack.size() - 1);
                }
                while (!stack.isEmpty() && stack.get(stack.size() - 1)[0] >= stack.get(stack.size() - 1)[1]) {
                    stack.remove(stack.size() - 1);
                }
                if (stack.isEmpty()) {
                    return new Outcome(paths, ignored, null, null);
                }
                stack.get(stack.size() - 1)[0]++;
            }
        } finally {
            Verify.swap(old);
        }
    }
}
