package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Machine;
import otherworld.model.State;

class LivenessCheckerTest {
    static Result live(Config c) {
        OtherworldSystem sys = new OtherworldSystem(new Machine(c), false);
        return new LivenessChecker<>(sys).header(c.toString()).check(sys.livenessProperties());
    }

    @Test
    void theDesignFinishesEveryResurrectionAndEveryValidProcess() {
        for (Config c : List.of(Config.defaults(), Config.defaults().withCrashes(2),
                Config.defaults().withProcs(3).withPages(2).withFiles(3))) {
            Result r = live(c);
            assertEquals(Result.Status.OK, r.status(), () -> c + "\n" + r.trace());
        }
    }

    @Test
    void aCrashKernelThatCanRestartForeverIsALassoThatReplays(@TempDir Path dir) throws Exception {
        Config c = Config.defaults().withCrashes(2).withBug(Bug.RESTART_FOREVER);
        // every safety invariant still holds: only liveness finds this bug
        Result safety = new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), false))
                .checkDeadlock(true).header(c.toString()).run();
        assertEquals(Result.Status.OK, safety.status());
        Result r = live(c);
        assertEquals(Result.Status.LIVENESS, r.status());
        assertEquals(OtherworldSystem.RESURRECTION_FINISHES, r.invariant());
        Trace t = r.trace();
        assertTrue(t.loopStart() > 0 && t.loopStart() < t.length(), t.render());
        List<String> cycle = t.labels().subList(t.loopStart(), t.length());
        assertTrue(cycle.contains("CRASH of the crash kernel (restart from root descriptor)"), t.render());
        assertTrue(cycle.stream().anyMatch(l -> l.startsWith("crash kernel:")), "the crash kernel steps in the cycle");
        assertEquals("CRASH", t.labels().get(t.loopStart() - 1), t.render());
        Path file = dir.resolve("lasso.trace");
        t.write(file);
        Trace back = Trace.read(file);
        assertEquals(t, back);
        Replay replay = Replay.of(back);
        assertNull(replay.violation());
        assertTrue(replay.lassoCloses());
    }

    /** 0 -env-> 1 -env-> 0 forever, or "go" to 2 (Q). */
    static TransitionSystem<Integer, String> toy(boolean goEnabledInOne) {
        return new TransitionSystem<>() {
            @Override public List<Integer> initialStates() { return List.of(0); }
            @Override public List<String> actions(Integer s) {
                if (s == 2) {
                    return List.of();
                }
                return s == 0 || goEnabledInOne ? List.of("env", "go") : List.of("env");
            }
            @Override public Integer step(Integer s, String a) { return a.equals("go") ? 2 : 1 - s; }
            @Override public long fingerprint(Integer s) { return s + 1; }
            @Override public String violatedInvariant(Integer s) { return null; }
            @Override public String violatedStepInvariant(Integer b, String a, Integer t) { return null; }
            @Override public boolean isTerminal(Integer s) { return s == 2; }
            @Override public String label(String a) { return a; }
            @Override public String describe(Integer s) { return "  s=" + s; }
            @Override public int[] encode(Integer s) { return new int[] {s}; }
            @Override public Integer decode(int[] w) { return w[0]; }
            @Override public String fairness(String a) { return a.equals("go") ? "go" : null; }
        };
    }

    static final LivenessChecker.Property<Integer> REACH_TWO =
            new LivenessChecker.Property<>("ReachTwo", "0 leads to 2", s -> s == 0, s -> s == 2);

    @Test
    void weakFairnessExcludesACycleThatKeepsAFairActionEnabled() {
        Result r = new LivenessChecker<>(toy(true)).check(List.of(REACH_TWO));
        assertEquals(Result.Status.OK, r.status());
    }

    @Test
    void aCycleThatDisablesTheFairActionIsFair() {
        Result r = new LivenessChecker<>(toy(false)).check(List.of(REACH_TWO));
        assertEquals(Result.Status.LIVENESS, r.status());
        assertEquals(List.of("env", "env"), r.trace().labels());
        assertEquals(0, r.trace().loopStart());
    }

    @Test
    void stutteringWhereNoFairActionIsEnabledViolatesLeadsTo() {
        // 0 leads to 3: state 2 has no successor, so the behaviour stops (stutters) short of 3
        Result r = new LivenessChecker<>(toy(true)).check(List.of(
                new LivenessChecker.Property<>("ReachThree", "0 leads to 3", s -> s == 0, s -> s == 3)));
        assertEquals(Result.Status.LIVENESS, r.status());
        assertEquals(List.of("go"), r.trace().labels());
        assertEquals(1, r.trace().loopStart(), "the lasso's cycle is the last state stuttering");
    }
}
