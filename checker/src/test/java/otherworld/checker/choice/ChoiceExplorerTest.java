package otherworld.checker.choice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import otherworld.checker.harness.CrashPointHarness;
import otherworld.checker.harness.ResurrectionHarness;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariants;

class ChoiceExplorerTest {
    @Test
    void enumeratesEveryChoiceSequenceOnce() {
        Set<String> seen = new HashSet<>();
        ChoiceExplorer.Outcome o = new ChoiceExplorer().explore(() -> {
            int a = Verify.getInt(0, 2);
            boolean b = Verify.getBoolean();
            int c = b ? Verify.getInt(5, 6) : 0;
            assertTrue(seen.add(a + "/" + b + "/" + c));
        });
        assertEquals(9, o.paths()); // 3 * (1 + 2)
        assertNull(o.failure());
    }

    @Test
    void ignoredPathsAreCountedNotFailed() {
        ChoiceExplorer.Outcome o = new ChoiceExplorer().explore(() -> Verify.ignoreIf(Verify.getInt(1, 4) % 2 == 0));
        assertEquals(4, o.paths());
        assertEquals(2, o.ignored());
    }

    @Test
    void assertionFailureIsReportedWithItsChoices() {
        ChoiceExplorer.Outcome o = new ChoiceExplorer().explore(() -> {
            int x = Verify.getInt(0, 3);
            if (x == 2) {
                throw new AssertionError("x is two");
            }
        });
        assertEquals("x is two", o.failure());
        assertEquals(java.util.List.of(2), o.failingChoices());
    }

    @Test
    void resurrectionHarnessHoldsForOneProcess() {
        ChoiceExplorer.Outcome o = new ChoiceExplorer().explore(
                () -> ResurrectionHarness.run(Config.defaults().withProcs(1), 40));
        assertNull(o.failure(), o.toString());
        assertEquals(128, o.paths());
    }

    @Test
    void resurrectionHarnessFindsSeededBugs() {
        ChoiceExplorer.Outcome skip = new ChoiceExplorer().explore(
                () -> ResurrectionHarness.run(Config.defaults().withProcs(1).withBug(Bug.SKIP_VALIDATION), 40));
        assertTrue(skip.failure().startsWith(Invariants.CORRUPT_PROCESS_NOT_RESURRECTED), skip.toString());
        ChoiceExplorer.Outcome twice = new ChoiceExplorer().explore(
                () -> ResurrectionHarness.run(Config.defaults().withProcs(1).withBug(Bug.REEXECUTE_COMPLETED_CALL), 40));
        assertTrue(twice.failure().startsWith(Invariants.CONSOLE_OUTPUT_EXACTLY_ONCE), twice.toString());
    }

    @Test
    void crashPointHarnessHoldsAndFindsTheFlushBug() {
        ChoiceExplorer.Outcome ok = new ChoiceExplorer().explore(
                () -> CrashPointHarness.run(Config.defaults().withCrashes(2)));
        assertNull(ok.failure(), ok.toString());
        assertEquals(2942, ok.paths());
        ChoiceExplorer.Outcome bad = new ChoiceExplorer().explore(
                () -> CrashPointHarness.run(Config.defaults().withCrashes(2).withBug(Bug.RESURRECT_BEFORE_FLUSH)));
        assertTrue(bad.failure().startsWith(Invariants.FILE_CONTENTS_MATCH_COMMITTED_WRITES), bad.toString());
    }

    /**
     * Outside JPF every choice takes its first value, also in the jpf profile where JPF's classes are
     * on the test classpath and JPF's own Verify would choose at random (1 chance in 7 per call).
     */
    @Test
    void plainRunTakesTheFirstChoice() {
        for (int i = 0; i < 50; i++) {
            assertEquals(3, Verify.getInt(3, 9));
            assertEquals(false, Verify.getBoolean());
        }
    }
}
