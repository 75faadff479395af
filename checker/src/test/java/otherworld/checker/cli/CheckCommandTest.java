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
        assertTrue(text.contains("9861 states generated, 8450 distinct states found, 0 states left on queue"), text);
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
}
