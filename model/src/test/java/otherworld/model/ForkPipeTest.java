package otherworld.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** fork, a pipe and wait in the model (issue 8): the calls' micro-steps, blocking, and the crash kernel's treatment. */
class ForkPipeTest {
    private final Machine m = new Machine(Config.defaults().withValues(2).withCrashes(2)
            .withProgram(Config.forkPipeProgram(1)));

    private State take(State s, String labelStart) {
        return Steps.take(m, s, labelStart);
    }

    private State resurrect(State s) {
        return Steps.resurrect(m, s);
    }

    /** Runs p's call (entry and every micro-step). */
    private State call(State s, int p, String word) {
        s = take(s, "p" + p + " ecall " + word);
        while (s.proc(p, Layout.STEP) != 0) {
            s = take(s, "p" + p + " " + word);
        }
        return s;
    }

    /** p0 stores 1 and makes its fork's micro-steps up to the one whose label starts with the given text. */
    private State forkUpTo(String last) {
        State s = take(take(m.init(), "p0 user: t0 := 1"), "p0 ecall fork");
        for (String step : new String[] {"p0 fork: child built", "p0 fork: sysword", "p0 fork: child p1 runnable"}) {
            s = take(s, step);
            if (step.equals(last)) {
                return s;
            }
        }
        throw new AssertionError("no fork step " + last);
    }

    private State forked(int value) {
        State s = take(m.init(), "p0 user: t0 := " + value);
        return call(s, 0, "fork");
    }

    @Test
    void onlyTheFirstProcessStartsAndTheLayoutGrowsOnlyForFamilyPrograms() {
        State s = m.init();
        assertEquals(Layout.RUNNABLE, s.proc(0, Layout.STATUS));
        assertEquals(Layout.FREE, s.proc(1, Layout.STATUS));
        assertTrue(m.layout().family);
        Layout plain = new Layout(Config.defaults());
        assertFalse(plain.family);
        assertEquals(Layout.PAGES + 1, plain.procSize, "a program without fork or the pipe keeps its layout");
        assertFalse(m.symmetric());
    }

    @Test
    void forkMakesAChildThatCopiesTheParentAndStartsAtItsInstruction() {
        State s = forked(2);
        assertEquals(Layout.RUNNABLE, s.proc(1, Layout.STATUS));
        assertEquals(5, s.proc(1, Layout.PC), "the child starts at fork's operand");
        assertEquals(0, s.proc(1, Layout.A0));
        assertEquals(2, s.page(1, 0), "the child's memory is a copy of the parent's");
        assertEquals(1, s.proc(1, m.layout().ppid), "its parent is p0 (ppid = slot + 1)");
        assertEquals(2, s.proc(0, Layout.PC));
        assertEquals(1, s.proc(0, Layout.A0), "the parent gets the child's slot");
    }

    @Test
    void theChildSendsTheParentReceivesWaitsAndGetsTheStatus() {
        State s = forked(1);
        s = take(s, "p1 user: t0 := 2");
        s = call(s, 1, "send");
        s = call(s, 0, "recv");
        assertEquals(2, s.page(0, 0), "received what the child sent");
        s = call(s, 1, "exit");
        assertEquals(Layout.EXITED, s.proc(1, Layout.STATUS));
        s = call(s, 0, "wait");
        assertEquals(Layout.FREE, s.proc(1, Layout.STATUS), "the zombie is freed by wait's tail");
        assertEquals(2, s.page(0, 0), "the status the child exited with");
        assertEquals(1, s.proc(0, Layout.A0));
        s = call(s, 0, "exit");
        assertTrue(m.isTerminal(s));
    }

    @Test
    void aReceiverOnAnEmptyPipeBlocksWithoutEffectAndTheSendWakesIt() {
        State s = forked(1);
        s = take(s, "p0 ecall recv");
        s = take(s, "p0 recv: pipe empty: block");
        assertEquals(Layout.BLOCKED, s.proc(0, Layout.STATUS));
        assertEquals(2, s.proc(0, Layout.PC), "still at its ecall");
        assertTrue(s.callUncommitted(0));
        for (Action a : m.actions(s)) {
            assertTrue(a.pid() != 0, "a blocked process takes no step: " + a);
        }
        s = take(s, "p1 user: t0 := 2");
        s = call(s, 1, "send");
        assertEquals(Layout.RUNNABLE, s.proc(0, Layout.STATUS), "woken by the send's tail");
        s = call(s, 0, "recv");
        assertEquals(2, s.page(0, 0));
        assertEquals(3, s.proc(0, Layout.PC));
    }

    @Test
    void aBlockedReaderIsResurrectedRunnableAndMakesItsCallAgain() {
        State s = forked(1);
        s = take(s, "p0 ecall recv");
        s = take(s, "p0 recv: pipe empty: block");
        s = resurrect(take(s, "CRASH"));
        assertEquals(Layout.RUNNABLE, s.proc(0, Layout.STATUS));
        assertEquals(2, s.proc(0, Layout.PC));
        s = take(s, "p0 ecall recv");
        s = take(s, "p0 recv: pipe empty: block");
        s = take(s, "p1 user: t0 := 2");
        s = call(s, 1, "send");
        s = call(s, 0, "recv");
        assertEquals(2, s.page(0, 0));
    }

    @Test
    void aForkInterruptedAfterItsChildIsRunnableIsCompletedNotMadeAgain() {
        State s = resurrect(take(forkUpTo("p0 fork: child p1 runnable"), "CRASH"));
        assertEquals(2, s.proc(0, Layout.PC), "the fork is made");
        assertEquals(1, s.proc(0, Layout.A0));
        assertEquals(Layout.RUNNABLE, s.proc(1, Layout.STATUS));
        assertEquals(1, s.get(m.layout().gCreated));
    }

    @Test
    void aForkInterruptedBeforeItsChildIsRunnableIsMadeAgainAndTheHalfBuiltChildForgotten() {
        State s = resurrect(take(forkUpTo("p0 fork: sysword"), "CRASH"));
        assertEquals(1, s.proc(0, Layout.PC), "not made");
        assertEquals(Layout.FREE, s.proc(1, Layout.STATUS));
        s = call(s, 0, "fork");
        assertEquals(Layout.RUNNABLE, s.proc(1, Layout.STATUS));
        assertEquals(2, s.proc(0, Layout.PC));
    }

    @Test
    void aSendCommittedBeforeItsTailHasItsTailMadeAgain() {
        State s = forked(1);
        s = take(s, "p1 user: t0 := 2");
        s = take(s, "p1 ecall send");
        for (String w : new String[] {"p1 send: page", "p1 send: sysword", "p1 send: a0", "p1 send: commit"}) {
            s = take(s, w);
        }
        assertEquals(0, s.get(m.layout().nwrite), "the value is not yet shown");
        s = resurrect(take(s, "CRASH"));
        assertEquals(1, s.get(m.layout().nwrite), "the tail made again: nwrite := sysword - 1 + a0");
        s = call(s, 0, "recv");
        assertEquals(2, s.page(0, 0));
    }

    @Test
    void aZombieKeepsItsStatusAcrossACrashAndAnOrphanIsReparented() {
        State s = forked(1);
        s = take(s, "p1 user: t0 := 2");
        s = call(s, 1, "send");
        s = call(s, 1, "exit");
        s = resurrect(take(s, "CRASH"));
        assertEquals(Layout.EXITED, s.proc(1, Layout.STATUS));
        assertEquals(2, s.proc(1, m.layout().xstatus));
        s = call(s, 0, "recv");
        s = call(s, 0, "wait");
        assertEquals(2, s.page(0, 0));
    }

    @Test
    void badProgramsAreRefused() {
        Config c = Config.defaults().withProgram(List.of(new Instr(Instr.Kind.FORK, 9), new Instr(Instr.Kind.EXIT, 0)));
        assertThrows(IllegalArgumentException.class, c::validate);
        Config w = Config.defaults().withProgram(List.of(new Instr(Instr.Kind.FORK, 1), new Instr(Instr.Kind.WRITE, 0),
                new Instr(Instr.Kind.EXIT, 0)));
        assertThrows(IllegalArgumentException.class, w::validate);
        assertEquals("fork5", Instr.parse("fork5").toString());
        assertEquals("exit1", Instr.parse("exit1").toString());
        assertEquals("exit", Instr.parse("exit").toString());
        assertEquals(Config.forkPipeProgram(2), Config.parse(Config.defaults().withProcs(3)
                .withProgram(Config.forkPipeProgram(2)).toString()).program());
    }
}
