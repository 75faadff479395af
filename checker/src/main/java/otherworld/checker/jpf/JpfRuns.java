package otherworld.checker.jpf;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import otherworld.checker.choice.ChoiceExplorer;
import otherworld.checker.harness.ExploreHarness;
import otherworld.model.Bug;

/**
 * The {@code jpf} Maven profile's driver (plain Java: JPF runs in its own process; only the
 * listener in src/jpf is compiled against JPF). For each harness run it writes a JPF application
 * config, runs the user's unmodified JPF on it ({@code java -jar $JPF_HOME/build/RunJPF.jar}),
 * reads what {@link ResultListener} wrote, and explores the same harness with the embedded
 * {@link ChoiceExplorer} to compare path counts. Exits 1 when JPF reports an error, does not
 * finish, or the path counts disagree; RunJPF itself exits 0 in every case.
 *
 * <pre>
 * JpfRuns --jpf-home DIR --out DIR --classpath CP --native-classpath DIR [--bug=NAME] [--matching=false]
 * </pre>
 *
 * <p>Path counts: a JPF branch ends in an end state, an ignored state ({@code Verify.ignoreIf})
 * or a state JPF has seen before (state matching prunes it). The embedded explorer has no state
 * matching, so it runs every path to its end: the counts agree exactly when JPF revisits nothing
 * ({@code end + ignored == paths}), always with {@code --matching=false}; otherwise each pruned
 * branch stands for one or more of the explorer's paths ({@code end + ignored + revisited <= paths}).
 */
public final class JpfRuns {
    /** name, harness class, target.args (BUG is replaced by the seeded bug, or none). */
    static final String[][] RUNS = {
        {"Resurrection-1proc", "ResurrectionHarness", "1,1,40,BUG"},
        {"Resurrection-2procs", "ResurrectionHarness", "2,1,40,BUG"},
        {"CrashPoint-1proc", "CrashPointHarness", "BUG,1"},
        {"CrashPoint-2procs", "CrashPointHarness", "BUG,2"},
    };

    private JpfRuns() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String home = null;
        String out = null;
        String cp = null;
        String nativeCp = null;
        String bug = "none";
        boolean matching = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--jpf-home") && i + 1 < args.length) {
                home = args[++i];
            } else if (a.equals("--out") && i + 1 < args.length) {
                out = args[++i];
            } else if (a.equals("--classpath") && i + 1 < args.length) {
                cp = args[++i];
            } else if (a.equals("--native-classpath") && i + 1 < args.length) {
                nativeCp = args[++i];
            } else if (a.startsWith("--bug=")) {
                bug = a.substring(6).isBlank() ? "none" : a.substring(6).trim();
            } else if (a.startsWith("--matching=")) {
                matching = !a.substring(11).trim().equals("false");
            } else {
                usage("unknown argument '" + a + "'");
            }
        }
        if (home == null || out == null || cp == null || nativeCp == null) {
            usage("missing argument");
        }
        if (Bug.parse(bug) == null) {
            StringBuilder known = new StringBuilder();
            for (Bug b : Bug.values()) {
                known.append(' ').append(b.cliName());
            }
            fail("unknown -Djpf.bug=" + bug + "; known:" + known);
        }
        Path runJpf = Path.of(home, "build", "RunJPF.jar");
        for (String jar : new String[] {"RunJPF.jar", "jpf.jar", "jpf-classes.jar"}) {
            if (!Files.isRegularFile(Path.of(home, "build", jar))) {
                fail("jpf.home=" + home + " has no build/" + jar + ": point -Djpf.home at a built jpf-core (java-17 branch)");
            }
        }
        Path dir = Path.of(out);
        Files.createDirectories(dir);

        List<String> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String[] run : RUNS) {
            String targetArgs = run[2].replace("BUG", bug);
            Path config = dir.resolve(run[0] + ".jpf");
            Path result = dir.resolve(run[0] + ".result");
            Files.deleteIfExists(result);
            Files.writeString(config, config(run[1], targetArgs, cp, nativeCp, result, matching), StandardCharsets.UTF_8);
            System.out.println("[jpf] " + run[0] + ": java -jar " + runJpf + " " + config);
            Process p = new ProcessBuilder("java", "-jar", runJpf.toString(), config.toString()).inheritIO().start();
            int exit = p.waitFor();
            if (!Files.isRegularFile(result)) {
                problems.add(run[0] + ": JPF did not finish its search (exit " + exit + ", no " + result.getFileName()
                        + "); see its output above");
                continue;
            }
            Properties r = new Properties();
            try (var in = Files.newBufferedReader(result, StandardCharsets.UTF_8)) {
                r.load(in);
            }
            String label = run[0] + " (" + run[1] + " " + targetArgs + ")";
            List<String> found = judge(label, r);
            problems.addAll(found);
            String row = String.format("%-20s %-14s JPF: end=%d ignored=%d revisited=%d new=%d visited=%d %d ms %d MB",
                    run[0], targetArgs, num(r, "end"), num(r, "ignored"), num(r, "revisited"), num(r, "new"),
                    num(r, "visited"), num(r, "elapsedMs"), num(r, "maxMemoryMB"));
            if (found.isEmpty()) {
                long t0 = System.nanoTime();
                ChoiceExplorer.Outcome o = ExploreHarness.explore(run[1], targetArgs.split(","));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                row += String.format(" | ChoiceExplorer: paths=%d ignored=%d %d ms", o.paths(), o.ignored(), ms);
                String disagreement = compare(label, r, o);
                if (disagreement != null) {
                    problems.add(disagreement);
                }
            }
            rows.add(row);
        }
        System.out.println();
        System.out.println("[jpf] state matching " + (matching ? "on" : "off") + ", seeded bug: " + bug);
        for (String row : rows) {
            System.out.println("[jpf] " + row);
        }
        if (!problems.isEmpty()) {
            for (String p : problems) {
                System.err.println("[jpf] FAILED " + p);
            }
            System.exit(1);
        }
        System.out.println("[jpf] no errors; path counts agree");
    }

    /**
     * What a JPF result file says is wrong: each error JPF reported (the violated invariant is in
     * its message), a search cut short by a limit, or a file without the counts (JPF stopped
     * while writing it). Empty when JPF explored everything and found nothing.
     */
    static List<String> judge(String label, Properties r) {
        List<String> out = new ArrayList<>();
        for (String key : new String[] {"errors", "constraints", "end", "ignored", "revisited"}) {
            if (num(r, key) < 0) {
                out.add(label + ": JPF's result file has no '" + key + "'; JPF did not finish");
                return out;
            }
        }
        long errors = num(r, "errors");
        for (int e = 1; e <= errors; e++) {
            out.add(label + ": JPF error #" + e + ": " + r.getProperty("error." + e));
        }
        long constraints = num(r, "constraints");
        if (constraints > 0) {
            out.add(label + ": JPF's search was cut short " + constraints + " time(s) (" + r.getProperty("constraint.1")
                    + "); what it did not explore is unchecked");
        }
        return out;
    }

    /**
     * Null if JPF's path count agrees with the embedded explorer's, else why not. JPF's branches end
     * at an end state, an ignored state, or a revisited state (pruned by state matching); the
     * explorer runs every path to its end. Exact when nothing was revisited, else an upper bound.
     */
    static String compare(String label, Properties r, ChoiceExplorer.Outcome o) {
        if (o.failure() != null) {
            return label + ": ChoiceExplorer found an error JPF did not: " + o;
        }
        long end = num(r, "end");
        long ignored = num(r, "ignored");
        long revisited = num(r, "revisited");
        boolean agree = revisited == 0 ? end + ignored == o.paths() && ignored == o.ignored()
                : end + ignored + revisited <= o.paths();
        if (agree) {
            return null;
        }
        return label + ": path counts disagree: JPF end " + end + " + ignored " + ignored + " + revisited " + revisited
                + ", ChoiceExplorer " + o.paths() + " paths, " + o.ignored() + " ignored";
    }

    static String config(String harness, String targetArgs, String cp, String nativeCp, Path result, boolean matching) {
        String sep = File.pathSeparator;
        return "# written by otherworld.checker.jpf.JpfRuns (the jpf Maven profile); do not edit\n"
                + "target=otherworld.checker.harness." + harness + "\n"
                + "target.args=" + targetArgs + "\n"
                + "classpath=" + slashes(cp.replace(sep, ",")) + "\n"
                + "native_classpath+=" + slashes(nativeCp.replace(sep, ",")) + "\n"
                + "listener=otherworld.checker.jpf.ResultListener\n"
                + "otherworld.result=" + slashes(result.toAbsolutePath().toString()) + "\n"
                + "search.class=gov.nasa.jpf.search.DFSearch\n"
                + "search.multiple_errors=false\n"
                + (matching ? "" : "vm.storage.class=\n")
                + "report.console.property_violation=error,trace\n";
    }

    private static String slashes(String s) {
        return s.replace('\\', '/');
    }

    private static long num(Properties r, String key) {
        String v = r.getProperty(key);
        return v == null ? -1 : Long.parseLong(v.trim());
    }

    private static void usage(String why) {
        fail(why + "\nusage: JpfRuns --jpf-home DIR --out DIR --classpath CP --native-classpath DIR [--bug=NAME] [--matching=false]");
    }

    private static void fail(String message) {
        System.err.println("[jpf] " + message);
        System.exit(2);
    }
}
