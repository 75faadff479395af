package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariants;
import otherworld.model.Machine;
import otherworld.model.State;

/** Issue 8's model, checked exhaustively: fork, a pipe and wait, with crashes at every micro-step. */
class ForkPipeCheckTest {
    static Config forkPipe(int procs) {
        return Config.defaults().withProcs(procs).withProgram(Config.forkPipeProgram(procs - 1));
    }

    static Result check(Config c) {
        return new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), false))
                .workers(2).checkDeadlock(true).header(c.toString()).run();
    }

    @Test
    void aParentAndAChildWithOneCrashHoldEveryInvariant() {
        Result r = check(forkPipe(2));
        assertEquals(Result.Status.OK, r.status(), () -> String.valueOf(r.trace()));
        assertEquals(DISTINCT_2, r.statistics().distinct());
        assertEquals(DEPTH_2, r.statistics().depth());
    }

    @Test
    void twoValuesAndTwoCrashesHoldEveryInvariant() {
        Result r = check(forkPipe(2).withValues(2).withCrashes(2));
        assertEquals(Result.Status.OK, r.status(), () -> String.valueOf(r.trace()));
        assertEquals(DISTINCT_2_V2_C2, r.statistics().distinct());
    }

    @Test
    void withoutCrashesEveryRunEndsWithNoDeadlock() {
        Result r = check(forkPipe(3).withCrashes(0));
        assertEquals(Result.Status.OK, r.status(), () -> String.valueOf(r.trace()));
        assertTrue(r.statistics().distinct() > 100);
    }

    /**
     * Random programs of a parent and a child (the conformance runner's): every invariant holds with two crashes. A
     * recv no send feeds blocks for good (on the kernel too), so deadlocks are not reported here.
     */
    @Test
    void randomForkProgramsHoldEveryInvariant() {
        java.util.Random rnd = new java.util.Random(8);
        long states = 0;
        for (int i = 0; i < 12; i++) {
            Config c = Config.defaults().withProcs(2).withPages(2).withValues(2).withCrashes(2)
                    .withProgram(otherworld.checker.conform.Runner.randomForkProgram(rnd, 2));
            Result r = new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), false))
                    .workers(2).header(c.toString()).run();
            assertEquals(Result.Status.OK, r.status(), () -> c + "\n" + r.trace().render());
            states += r.statistics().distinct();
        }
        assertTrue(states > 10_000, "explored " + states);
    }

    @Test
    void symmetryIsRefusedForAProgramThatForks() {
        Machine m = new Machine(forkPipe(2));
        assertThrows(IllegalArgumentException.class, () -> new OtherworldSystem(m, true));
    }

    @ParameterizedTest(name = "{0} -> {1} in {2} steps")
    @CsvSource({
        "PIPE_NWRITE_BEFORE_COMMIT, " + Invariants.PIPE_DELIVERS_ONCE_IN_ORDER + ", 19",
        "FORK_MADE_AGAIN, " + Invariants.EVERY_FORK_MAKES_ONE_PROCESS + ", 12",
        "ZOMBIE_BEFORE_STATUS, " + Invariants.WAIT_GETS_THE_EXIT_STATUS + ", 35"})
    void seededBugYieldsAShortestCounterexample(Bug bug, String invariant, int length) {
        Result r = check(forkPipe(2).withBug(bug));
        assertEquals(Result.Status.VIOLATION, r.status());
        assertEquals(invariant, r.invariant(), r.trace().render());
        assertEquals(length, r.trace().length(), r.trace().render());
    }

    /**
     * Programs without fork or the pipe keep their layout and their state counts (measured on main before issue 8's
     * model; ModelCheckerTest pins more).
     */
    @ParameterizedTest(name = "{0}: {1} distinct states")
    @CsvSource(delimiter = ';', value = {
        "procs=1 crashes=2; 981",
        "procs=2 files=2 values=2; 46954",
        "procs=2 pages=2 crashes=2 corruption=false program=store0,store1,conwrite1,write0,exit; 5123"})
    void programsWithoutForkKeepTheirStateCounts(String bounds, long distinct) {
        Config c = Config.parse(bounds);
        Result r = check(c);
        assertEquals(Result.Status.OK, r.status());
        assertEquals(distinct, r.statistics().distinct());
    }

    static final long DISTINCT_2 = 2507;
    static final int DEPTH_2 = 41;
    static final long DISTINCT_2_V2_C2 = 43211;
}
