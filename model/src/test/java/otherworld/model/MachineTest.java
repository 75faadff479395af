package otherworld.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MachineTest {
    private Machine m = new Machine(Config.defaults());

    private State take(State s, String labelStart) {
        return Steps.take(m, s, labelStart);
    }

    private State resurrect(State s) {
        return Steps.resurrect(m, s);
    }

    @Test
    void initialStateSatisfiesEveryInvariant() {
        State s = m.init();
        assertNull(m.invariants().firstViolated(s));
        assertEquals(Layout.RUNNABLE, s.proc(0, Layout.STATUS));
        assertEquals(-1, s.inKernel());
    }

    @Test
    void crashInsideWriteBeforeItsCommitMakesTheCallAgain() {
        State s = take(m.init(), "p0 user");
        s = take(s, "p0 ecall write");
        s = take(s, "p0 write: sysword := offset 0");
        s = take(s, "p0 write: page 0 into cache");
        s = take(s, "p0 write: a0 := 1");
        assertEquals(0, s.proc(0, Layout.FD_OFF), "the offset moves only in the tail");
        s = take(s, "CRASH");
        assertEquals(Layout.RESURRECTING, s.phase());
        s = resurrect(s);
        assertEquals(Layout.RUNNING, s.phase());
        assertEquals(1, s.proc(0, Layout.PC), "pc still at the ecall");
        assertEquals(0, s.proc(0, Layout.A0), "a0 as the call was made (orig_a0)");
        assertEquals(0, s.proc(0, Layout.FD_OFF), "offset as it was");
        assertEquals(1, s.cache(0, 0), "the block holds what the call makes again (flushed, not undone)");
        assertEquals(-1, s.inKernel());
        for (Action a : m.actions(s)) {
            assertTrue(a.pid() != 1, "the interrupted process runs first, not " + a);
        }
        s = take(s, "p0 ecall write");
        for (int i = 0; i < 5; i++) s = take(s, "p0 write");
        assertEquals(2, s.proc(0, Layout.PC));
        assertEquals(1, s.proc(0, Layout.FD_OFF));
        assertEquals(1, s.proc(0, Layout.A0));
    }

    @Test
    void crashAfterTheCommitRedoesTheTail() {
        State s = take(m.init(), "p0 user");
        s = take(s, "p0 ecall write");
        for (String w : new String[] {"p0 write: sysword", "p0 write: page", "p0 write: a0", "p0 write: commit"}) {
            s = take(s, w);
        }
        assertEquals(2, s.proc(0, Layout.PC));
        assertEquals(0, s.proc(0, Layout.FD_OFF), "the tail has not run");
        s = resurrect(take(s, "CRASH"));
        assertEquals(2, s.proc(0, Layout.PC));
        assertEquals(1, s.proc(0, Layout.A0));
        assertEquals(1, s.proc(0, Layout.FD_OFF), "the crash kernel made the tail again");
    }

    @Test
    void partlyEmittedConsoleWriteIsCompletedExactlyOnce() {
        State s = m.init();
        String[] steps = {"p0 user", "p0 ecall write", "p0 write", "p0 write", "p0 write", "p0 write", "p0 write",
            "p0 ecall fsync", "p0 fsync", "p0 fsync", "p0 fsync", "p0 ecall conwrite", "p0 conwrite: emit byte 0"};
        for (String st : steps) {
            s = take(s, st);
        }
        assertEquals(1, s.console().length);
        s = take(s, "CRASH");
        s = resurrect(s);
        assertArrayEquals(new int[] {Syscalls.consoleByte(1, 0), Syscalls.consoleByte(1, 1)}, s.console());
        assertEquals(4, s.proc(0, Layout.PC), "pc past the ecall");
        assertEquals(2, s.proc(0, Layout.A0), "result: bytes written");
        assertEquals(1, s.disk(0, 0), "fsynced data on disk");
    }

    @Test
    void crashDuringResurrectionReachesTheSameResult() {
        m = new Machine(Config.defaults().withCrashes(2));
        State s = take(m.init(), "p0 user");
        s = take(s, "p0 ecall write");
        s = take(s, "p0 write: sysword");
        s = take(s, "p0 write: page 0");
        s = take(s, "CRASH");
        State once = resurrect(s);
        State t = take(s, "crash kernel: validate p0");
        t = take(t, "crash kernel: validate p1");
        t = take(t, "crash kernel: flush");
        t = take(t, "CRASH of the crash kernel");
        assertEquals(0, t.rstep());
        State twice = resurrect(t);
        assertEquals(Observation.of(once), Observation.of(twice));
        assertEquals(2, twice.crashes());
    }

    @Test
    void corruptProcessIsReportedAndTheOtherResurrected() {
        State s = take(m.init(), "p1 user");
        s = take(s, "CRASH corrupting p0 trapframe");
        s = resurrect(s);
        assertEquals(Layout.LOST, s.proc(0, Layout.STATUS));
        assertEquals(Layout.RUNNABLE, s.proc(1, Layout.STATUS));
        assertEquals(1, s.page(1, 0));
    }

    @Test
    void seededBugSkipValidationResurrectsTheCorruptProcess() {
        Machine bad = new Machine(Config.defaults().withBug(Bug.SKIP_VALIDATION));
        State s = bad.init();
        Action crash = null;
        for (Action a : bad.actions(s)) {
            if (a.label().equals("CRASH corrupting p0 task")) {
                crash = a;
            }
        }
        assertNotNull(crash);
        State t = bad.step(s, crash);
        Invariant violated = null;
        while (t.phase() == Layout.RESURRECTING && violated == null) {
            Action a = bad.actions(t).get(0);
            State u = bad.step(t, a);
            violated = bad.invariants().firstViolated(t, a, u);
            t = u;
        }
        assertNotNull(violated);
        assertEquals(Invariants.CORRUPT_PROCESS_NOT_RESURRECTED, violated.name());
    }

    @Test
    void labelsAreUniqueInEveryReachableStateOfASmallRun() {
        Set<State> seen = new HashSet<>();
        List<State> todo = new java.util.ArrayList<>(List.of(m.init()));
        while (!todo.isEmpty()) {
            State s = todo.remove(todo.size() - 1);
            if (!seen.add(s)) {
                continue;
            }
            Set<String> labels = new HashSet<>();
            for (Action a : m.actions(s)) {
                assertTrue(labels.add(a.label()), "duplicate label " + a.label());
                todo.add(m.step(s, a));
            }
        }
        assertEquals(13097, seen.size(), "distinct states of the default configuration");
    }

    @Test
    void permutationIsARenamingAndAnInvolutionForTwoProcesses() {
        State s = take(m.init(), "p0 user");
        s = take(s, "p0 ecall write");
        s = take(s, "p0 write: sysword");
        s = take(s, "p0 write: page 0");
        State swapped = m.permute(s, new int[] {1, 0});
        assertNotEquals(s, swapped);
        assertEquals(1, swapped.inKernel());
        assertEquals(s, m.permute(swapped, new int[] {1, 0}));
        assertEquals(6, Machine.permutations(3).size());
    }

    @Test
    void configRoundTripsAndRejectsBadBounds() {
        Config c = Config.defaults().withProcs(3).withPages(2).withBug(Bug.REEXECUTE_COMPLETED_CALL);
        assertEquals(c, Config.parse(c.toString()));
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().withProcs(0).validate());
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().withFiles(3).validate());
        assertThrows(IllegalArgumentException.class, () -> Instr.parse("jump"));
    }

    @Test
    void observationIsTheOutsideView() {
        Observation o = Observation.of(m.init());
        assertEquals(2, o.processes().size());
        assertEquals(Observation.of(m.init()), o);
        assertEquals(0, o.console().length);
    }
}
