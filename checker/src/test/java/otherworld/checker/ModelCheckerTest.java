package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariants;
import otherworld.model.Machine;
import otherworld.model.State;

class ModelCheckerTest {
    static Result check(Config c, int workers, boolean symmetry) {
        return new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), symmetry))
                .workers(workers).checkDeadlock(true).header(c.toString()).run();
    }

    @Test
    void twoProcessesOneCrashHoldEveryInvariant() {
        Result r = check(Config.defaults(), 2, false);
        assertEquals(Result.Status.OK, r.status(), () -> String.valueOf(r.trace()));
        assertEquals(15153, r.statistics().generated());
        assertEquals(13097, r.statistics().distinct());
        assertEquals(43, r.statistics().depth());
        assertEquals(0, r.statistics().queue());
    }

    @Test
    void twoProcessesTwoPagesTwoValuesTwoCrashesWithSymmetry() {
        Result r = check(Config.defaults().withPages(2).withValues(2).withCrashes(2), 2, true);
        assertEquals(Result.Status.OK, r.status(), () -> String.valueOf(r.trace()));
        assertEquals(536122, r.statistics().distinct());
    }

    @Test
    void countsAreTheSameForAnyNumberOfWorkers() {
        Config c = Config.defaults().withPages(2).withValues(2);
        Result one = check(c, 1, false);
        Result two = check(c, 2, false);
        Result four = check(c, 4, false);
        assertEquals(one.statistics(), two.statistics());
        assertEquals(one.statistics(), four.statistics());
        assertEquals(241806, one.statistics().distinct());
    }

    @Test
    void symmetryReducesStatesWithoutChangingTheVerdict() {
        Config c = Config.defaults().withProcs(3);
        Result plain = check(c, 2, false);
        Result sym = check(c, 2, true);
        assertTrue(plain.ok() && sym.ok());
        assertEquals(246382, plain.statistics().distinct());
        assertEquals(46758, sym.statistics().distinct());
        assertEquals(plain.statistics().depth(), sym.statistics().depth());
    }

    @Test
    void withSymmetryCountsAreTheSameForAnyNumberOfWorkers() {
        Config c = Config.defaults().withProcs(3).withCrashes(2);
        Result one = check(c, 1, true);
        Result two = check(c, 2, true);
        assertEquals(one.statistics(), two.statistics());
    }

    /**
     * The checker's hot loop fingerprints a successor's representative without searching its renamings again:
     * that shortcut must give the full fingerprint, for running states and states in a resurrection alike.
     */
    @Test
    void aRepresentativesFingerprintIsTheFingerprintOfItsClass() {
        OtherworldSystem sys = new OtherworldSystem(
                new otherworld.model.Machine(Config.defaults().withProcs(3).withCrashes(2)), true);
        java.util.ArrayDeque<otherworld.model.State> todo = new java.util.ArrayDeque<>(sys.initialStates());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int renamed = 0;
        while (!todo.isEmpty() && seen.size() < 20_000) {
            otherworld.model.State s = todo.poll();
            otherworld.model.State r = sys.representative(s);
            assertEquals(sys.fingerprint(s), sys.representativeFingerprint(r));
            if (r != s) renamed++;
            if (!seen.add(sys.fingerprint(s))) continue;
            for (otherworld.model.Action a : sys.actions(r)) todo.add(sys.step(r, a));
        }
        assertTrue(seen.size() >= 20_000 && renamed > 0, seen.size() + " states, " + renamed + " renamed");
    }

    @Test
    void aTraceWithABadRenamingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Replay.of(renamingFirstStep(Config.defaults(), "p0>p1 p1>p1")));
        assertTrue(e.getMessage().contains("not a permutation"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Replay.of(renamingFirstStep(Config.defaults().withProcs(3).withFiles(2), "p0>p1 p1>p0 p2>p2")));
        assertTrue(e.getMessage().contains("only with symmetry"), e.getMessage());
    }

    private static Trace renamingFirstStep(Config c, String renaming) {
        Machine m = new Machine(c);
        String label = m.actions(m.init()).get(0).label() + OtherworldSystem.RENAME + renaming;
        return new Trace(c.toString(), "", java.util.List.of(label), java.util.List.of("", ""));
    }

    private static Path write(Trace t, Path file) throws java.io.IOException {
        t.write(file);
        return file;
    }

    @Test
    void symmetryIsRefusedWhenFilesDoNotMatchProcesses() {
        Machine m = new Machine(Config.defaults().withProcs(3).withFiles(2));
        assertThrows(IllegalArgumentException.class, () -> new OtherworldSystem(m, true));
    }

    @ParameterizedTest(name = "{0} -> {1} in {2} steps")
    @CsvSource({
        "RESURRECT_BEFORE_FLUSH, " + Invariants.FILE_CONTENTS_MATCH_COMMITTED_WRITES + ", 13",
        "REEXECUTE_COMPLETED_CALL, " + Invariants.CONSOLE_OUTPUT_EXACTLY_ONCE + ", 20",
        "SKIP_VALIDATION, " + Invariants.CORRUPT_PROCESS_NOT_RESURRECTED + ", 7",
        "EARLY_COMMIT, " + Invariants.FILE_CONTENTS_MATCH_COMMITTED_WRITES + ", 12",
        "OFFSET_BEFORE_COMMIT, " + Invariants.FSYNCED_DATA_ON_DISK + ", 9"})
    void seededBugYieldsAShortestCounterexample(Bug bug, String invariant, int length, @TempDir Path dir)
            throws Exception {
        Config c = Config.defaults().withBug(bug);
        Result r = check(c, 2, false);
        assertEquals(Result.Status.VIOLATION, r.status());
        assertEquals(invariant, r.invariant());
        assertEquals(length, r.trace().length(), r.trace().render());
        assertEquals(r.trace().length() + 1, r.trace().states().size());
        // same with symmetry: still a shortest counterexample
        Result sym = check(c, 2, true);
        assertEquals(invariant, sym.invariant());
        assertEquals(length, sym.trace().length());
        // it replays, renamings included
        Replay symReplay = Replay.of(Trace.read(write(sym.trace(), dir.resolve("sym.trace"))));
        assertEquals(invariant, symReplay.violation());
        assertEquals(length + 1, symReplay.states().size());
        // saved and replayed
        Path file = dir.resolve("cex.trace");
        r.trace().write(file);
        Trace back = Trace.read(file);
        assertEquals(r.trace(), back);
        Replay replay = Replay.of(file);
        assertEquals(invariant, replay.violation());
        assertEquals(length + 1, replay.states().size());
    }

    @Test
    void withoutCrashesTheMachineEndsWithAllProcessesExitedAndNoDeadlock() {
        Result r = check(Config.defaults().withCrashes(0), 1, false);
        assertTrue(r.ok());
        assertEquals(Result.Status.OK, r.status());
    }

    @Test
    void deadlockIsReportedForAToySystemWithAStuckState() {
        TransitionSystem<Integer, Integer> toy = new TransitionSystem<>() {
            @Override public java.util.List<Integer> initialStates() { return java.util.List.of(0); }
            @Override public java.util.List<Integer> actions(Integer s) { return s < 3 ? java.util.List.of(1) : java.util.List.of(); }
            @Override public Integer step(Integer s, Integer a) { return s + a; }
            @Override public long fingerprint(Integer s) { return s + 1; }
            @Override public String violatedInvariant(Integer s) { return null; }
            @Override public String violatedStepInvariant(Integer b, Integer a, Integer t) { return null; }
            @Override public boolean isTerminal(Integer s) { return false; }
            @Override public String label(Integer a) { return "inc"; }
            @Override public String describe(Integer s) { return "  n=" + s; }
            @Override public int[] encode(Integer s) { return new int[] {s}; }
            @Override public Integer decode(int[] w) { return w[0]; }
        };
        Result r = new ModelChecker<>(toy).checkDeadlock(true).run();
        assertEquals(Result.Status.DEADLOCK, r.status());
        assertEquals(3, r.trace().length());
        assertEquals(Result.Status.OK, new ModelChecker<>(toy).run().status());
    }

    @Test
    void progressLineLooksLikeTlc() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Result r = new ModelChecker<State, Action>(new OtherworldSystem(new Machine(Config.defaults()), false))
                .progress(out, 1).run();
        assertTrue(r.ok());
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("states generated"), text);
        assertTrue(text.contains("distinct states found"), text);
        assertTrue(text.contains("states left on queue"), text);
        assertNotNull(r.statistics().toString());
    }

}
