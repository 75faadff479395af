package otherworld.checker.harness;

import java.util.Arrays;
import otherworld.checker.choice.ChoiceExplorer;

/**
 * Runs a harness under the embedded {@link ChoiceExplorer} with the arguments JPF's
 * {@code target.args} gives its {@code main}, for the table that compares the two explorers
 * (checker/README.md): {@code ExploreHarness ResurrectionHarness 2 1 40 none}.
 */
public final class ExploreHarness {
    private ExploreHarness() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ExploreHarness ResurrectionHarness|CrashPointHarness [harness args...]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        long t0 = System.nanoTime();
        ChoiceExplorer.Outcome o;
        try {
            o = explore(args[0], rest);
        } catch (IllegalArgumentException e) {
            System.err.println("ExploreHarness: " + e.getMessage());
            System.exit(2);
            return;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(args[0] + " " + Arrays.toString(rest) + ": " + o + " in " + ms + " ms");
        if (o.failure() != null) {
            System.exit(1);
        }
    }

    /** Every choice sequence of the named harness's main(args), depth first. */
    public static ChoiceExplorer.Outcome explore(String harness, String[] args) {
        final boolean resurrection;
        if (harness.equals("ResurrectionHarness")) {
            resurrection = true;
        } else if (harness.equals("CrashPointHarness")) {
            resurrection = false;
        } else {
            throw new IllegalArgumentException("unknown harness '" + harness
                    + "' (ResurrectionHarness or CrashPointHarness)");
        }
        // validate the arguments once, outside the exploration
        if (resurrection && args.length > 3) {
            ResurrectionHarness.bug(args[3]);
        } else if (!resurrection && args.length > 0) {
            ResurrectionHarness.bug(args[0]);
        }
        return new ChoiceExplorer().explore(new Main(resurrection, args));
    }

    /** One run of a harness's main (a named class: no anonymous X$1 beside X's invokedynamics). */
    private static final class Main implements ChoiceExplorer.Harness {
        private final boolean resurrection;
        private final String[] args;

        Main(boolean resurrection, String[] args) {
            this.resurrection = resurrection;
            this.args = args;
        }

        @Override
        public void run() {
            if (resurrection) {
                ResurrectionHarness.main(args);
            } else {
                CrashPointHarness.main(args);
            }
        }
    }
}
