package otherworld.checker.jpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import otherworld.checker.choice.ChoiceExplorer;
import otherworld.checker.choice.Verify;

/** The verdict of the jpf profile, on result files like those ResultListener writes. */
class JpfRunsTest {
    private static Properties result(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    /** 4 paths, 2 of them ignored. */
    private static ChoiceExplorer.Outcome fourPathsTwoIgnored() {
        return new ChoiceExplorer().explore(() -> Verify.ignoreIf(Verify.getInt(1, 4) % 2 == 0));
    }

    @Test
    void aCleanCompleteSearchPasses() throws IOException {
        Properties r = result("errors=0\nconstraints=0\nend=2\nignored=2\nrevisited=0\n");
        assertEquals(List.of(), JpfRuns.judge("run", r));
        assertNull(JpfRuns.compare("run", r, fourPathsTwoIgnored()));
    }

    @Test
    void anErrorJpfReportsFailsTheRunWithItsMessage() throws IOException {
        Properties r = result("errors=1\nerror.1=gov.nasa.jpf.vm.NoUncaughtExceptionsProperty: java.lang.AssertionError: "
                + "CorruptProcessNotResurrected violated at step 18\nconstraints=0\nend=2\nignored=0\nrevisited=0\n");
        List<String> problems = JpfRuns.judge("Resurrection-1proc", r);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("Resurrection-1proc: JPF error #1: "), problems.get(0));
        assertTrue(problems.get(0).contains("CorruptProcessNotResurrected"), problems.get(0));
    }

    @Test
    void aSearchCutShortOrAnIncompleteFileFails() throws IOException {
        List<String> cut = JpfRuns.judge("run",
                result("errors=0\nconstraints=5\nconstraint.1=depth limit reached: 3\nend=6\nignored=0\nrevisited=0\n"));
        assertEquals(1, cut.size());
        assertTrue(cut.get(0).contains("depth limit reached: 3"), cut.get(0));
        List<String> partial = JpfRuns.judge("run", result("errors=0\n"));
        assertEquals(List.of("run: JPF's result file has no 'constraints'; JPF did not finish"), partial);
    }

    @Test
    void pathCountsMustAgreeExactlyWhenNothingWasRevisited() throws IOException {
        ChoiceExplorer.Outcome o = fourPathsTwoIgnored();
        String off = JpfRuns.compare("run", result("end=3\nignored=2\nrevisited=0\n"), o);
        assertEquals("run: path counts disagree: JPF end 3 + ignored 2 + revisited 0, ChoiceExplorer 4 paths, 2 ignored", off);
        assertFalse(JpfRuns.compare("run", result("end=3\nignored=1\nrevisited=0\n"), o) == null,
                "same total, different ignored count");
    }

    @Test
    void withRevisitedStatesJpfsBranchesBoundThePaths() throws IOException {
        ChoiceExplorer.Outcome o = fourPathsTwoIgnored();
        assertNull(JpfRuns.compare("run", result("end=1\nignored=2\nrevisited=1\n"), o));
        assertTrue(JpfRuns.compare("run", result("end=2\nignored=2\nrevisited=1\n"), o).contains("disagree"));
    }

    @Test
    void anErrorOnlyTheEmbeddedExplorerFindsFails() throws IOException {
        ChoiceExplorer.Outcome failing = new ChoiceExplorer().explore(() -> {
            if (Verify.getInt(0, 1) == 1) {
                throw new AssertionError("SomeInvariant violated");
            }
        });
        String why = JpfRuns.compare("run", result("end=2\nignored=0\nrevisited=0\n"), failing);
        assertTrue(why.startsWith("run: ChoiceExplorer found an error JPF did not"), why);
    }

    @Test
    void theConfigNamesTheHarnessItsArgumentsAndTheListener() {
        String cp = String.join(File.pathSeparator, "/a/classes", "/b/model.jar");
        String on = JpfRuns.config("CrashPointHarness", "none,2", cp, "/a/classes", Path.of("/out/x.result"), true);
        assertTrue(on.contains("target=otherworld.checker.harness.CrashPointHarness\n"), on);
        assertTrue(on.contains("target.args=none,2\n"), on);
        assertTrue(on.contains("classpath=/a/classes,/b/model.jar\n"), on);
        assertTrue(on.contains("listener=otherworld.checker.jpf.ResultListener\n"), on);
        assertTrue(on.contains("otherworld.result=/out/x.result\n"), on);
        assertFalse(on.contains("vm.storage.class"), on);
        String off = JpfRuns.config("CrashPointHarness", "none,2", cp, "/a/classes", Path.of("/out/x.result"), false);
        assertTrue(off.contains("vm.storage.class=\n"), off);
    }
}
