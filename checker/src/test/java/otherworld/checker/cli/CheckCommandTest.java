package otherworld.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void defaultBoundsPassWithStatistics() {
        assertEquals(0, run("--progress", "0"));
        String text = out.toString();
        assertTrue(text.contains("No error has been found"), text);
        assertTrue(text.contains("15153 states generated, 13097 distinct states found, 0 states left on queue"), text);
    }

    @Test
    void seededBugExitsOneWithTraceSavedForReplay(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("bug.trace");
        assertEquals(1, run("--bug", "skip-validation", "--trace-out", trace.toString(), "--progress", "0"));
        assertTrue(err.toString().contains("Invariant CorruptProcessNotResurrected is violated"), err.toString());
        assertTrue(err.toString().contains("step 7: crash kernel: commit"), err.toString());
        assertTrue(Files.readString(trace).contains("violation CorruptProcessNotResurrected"));
        StringWriter o2 = new StringWriter();
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setOut(new PrintWriter(o2));
        assertEquals(1, cl.execute("--replay", trace.toString()));
        assertTrue(o2.toString().contains("CorruptProcessNotResurrected"), o2.toString());
    }

    @Test
    void badArgumentsExitTwoWithAClearMessage() {
        assertEquals(2, run("--procs", "9"));
        assertTrue(err.toString().contains("procs must be 1..4, got 9"), err.toString());
        assertEquals(2, run("--bug", "nope"));
        assertTrue(err.toString().contains("unknown --bug 'nope'"), err.toString());
        assertEquals(2, run("--procs", "3", "--files", "2", "--symmetry"));
        assertTrue(err.toString().contains("symmetry needs files == 1 or files == procs"), err.toString());
        assertEquals(2, run("--program", "store0,jump"));
        assertTrue(err.toString().contains("unknown instruction 'jump'"), err.toString());
    }

    @Test
    void listsInvariants() {
        assertEquals(0, run("--list-invariants"));
        assertTrue(out.toString().contains("ResurrectedProcessEqualsPreCrashSelf"), out.toString());
    }

    @Test
    void scaleOptionsAreCheckedWithClearMessages(@TempDir Path dir) {
        assertEquals(2, run("--memory", "lots"));
        assertTrue(err.toString().contains("--memory: 'lots' is not a size"), err.toString());
        assertEquals(2, run("--memory", "100k"));
        assertTrue(err.toString().contains("memory budget must be at least 1 MiB"), err.toString());
        assertEquals(2, run("--max-disk", "-1"));
        assertTrue(err.toString().contains("--max-disk: '-1' is out of range"), err.toString());
        assertEquals(2, run("--resume", dir.resolve("nothing").toString(), "--progress", "0"));
        assertTrue(err.toString().contains("holds no checkpoint"), err.toString());
        assertEquals(2, run("--exact", "--checkpoint-every", "5"));
        assertTrue(err.toString().contains("--exact keeps whole states in memory"), err.toString());
        assertEquals(2, run("--liveness", "--symmetry"));
        assertTrue(err.toString().contains("--liveness does not use --symmetry"), err.toString());
        assertEquals(2, run("--members", "2", "--exact"));
        assertTrue(err.toString().contains("--members does not combine"), err.toString());
    }

    @Test
    void stoppedRunResumesFromItsCheckpointToTheSameCounts(@TempDir Path dir) {
        Path work = dir.resolve("states");
        assertEquals(0, run("--pages", "2", "--max-states", "5000", "--workdir", work.toString(), "--progress", "0"));
        assertTrue(out.toString().contains("Checkpoint in " + work + "; continue with the same options and --resume"),
                out.toString());
        assertEquals(0, run("--pages", "2", "--resume", work.toString(), "--progress", "0"));
        StringWriter whole = new StringWriter();
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setOut(new PrintWriter(whole));
        assertEquals(0, cl.execute("--pages", "2", "--progress", "0"));
        String counts = whole.toString().lines().filter(l -> l.contains("distinct states found")).findFirst().orElseThrow();
        assertTrue(out.toString().contains(counts), out + "\n---\n" + counts);
    }

    @Test
    void aOneMegabyteBudgetSpillsFingerprintsToDiskAndFindsTheSameCounts(@TempDir Path dir) {
        String[] bound = {"--pages", "2", "--values", "2", "--crashes", "2", "--symmetry", "--progress", "0"};
        assertEquals(0, run(bound));
        String counts = out.toString().lines().filter(l -> l.contains("distinct states found")).findFirst().orElseThrow();
        assertTrue(counts.contains("536122 distinct states found"), counts);
        StringWriter spilled = new StringWriter();
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setOut(new PrintWriter(spilled));
        String[] small = concat(bound, "--memory", "1m", "--workdir", dir.resolve("w").toString());
        assertEquals(0, cl.execute(small));
        assertTrue(spilled.toString().contains(counts), spilled + "\n---\n" + counts);
        assertTrue(spilled.toString().matches("(?s).*, [0-9]+ fingerprints on disk \\([0-9]+ MiB, [0-9]+ spills\\).*"),
                spilled.toString());
        // with the fingerprints kept from the disk, the same budget is full: exit 3 and a checkpoint
        assertEquals(3, run(concat(bound, "--memory", "1m", "--max-disk", "0", "--workdir", dir.resolve("w0").toString())));
        assertTrue(err.toString().contains("spilling fingerprints to disk is off (--max-disk 0)"), err.toString());
        assertTrue(err.toString().contains("--resume " + dir.resolve("w0")), err.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void exactStorageReportsCollisionsAndTheEstimate() {
        assertEquals(0, run("--exact", "--progress", "0"));
        String text = out.toString();
        assertTrue(text.contains("13097 distinct states found"), text);
        assertTrue(text.contains("Exact state storage: 0 fingerprint collisions"), text);
        assertTrue(text.contains("The probability of a fingerprint collision is calculated to be (optimistic)"), text);
    }

    @Test
    void livenessFindsTheRestartingCrashKernelAndTheLassoReplays(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--liveness", "--progress", "0"));
        assertTrue(out.toString().contains("No liveness property is violated."), out.toString());
        Path trace = dir.resolve("lasso.trace");
        assertEquals(1, run("--liveness", "--crashes", "2", "--bug", "restart-forever", "--trace-out", trace.toString(),
                "--progress", "0"));
        assertTrue(err.toString().contains("Temporal property ResurrectionFinishes is violated"), err.toString());
        assertTrue(Files.readString(trace).contains("loop "), Files.readString(trace));
        StringWriter o2 = new StringWriter();
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setOut(new PrintWriter(o2));
        assertEquals(1, cl.execute("--replay", trace.toString()));
        assertTrue(o2.toString().contains("the cycle repeats forever, so ResurrectionFinishes is violated"), o2.toString());
    }

    @Test
    void twoEmbeddedMembersFindTheLocalCounts() {
        assertEquals(0, run("--members", "2", "--progress", "0"));
        String text = out.toString();
        assertTrue(text.contains("Distributed over 2 Hazelcast members"), text);
        assertTrue(text.contains("15153 states generated, 13097 distinct states found, 0 states left on queue"), text);
    }
}
