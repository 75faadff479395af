package otherworld.checker.conform;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConformanceTest {
    static final String SMOKE = String.join("\n",
            "config procs=2 pages=1 values=3 files=1 crashes=4 corruption=false flusher=true consoleBytes=4 bug=none program=store0,write0,fsync,conwrite0,exit",
            "p0 run 2",
            "p1 run 3",
            "p0 run",
            "p1 crash write@5 +resurrect.flushed",
            "p0 crash write@2",
            "p0 crash write@2",
            "p1 run",
            "p1 run",
            "p0 run",
            "p1 run",
            "");

    @Test
    void smoke() {
        Stats st = new Stats();
        long t = System.nanoTime();
        String m = Runner.replay(Sequence.parse(SMOKE), st);
        System.out.println(st.line() + " in " + (System.nanoTime() - t) / 1_000_000 + " ms\n" + st.pointsTable());
        assertNull(m, m);
        assertEquals(3, st.crashes() - st.resurrectCrashes(), st.line());
        assertEquals(1, st.resurrectCrashes());
    }

    /** A crash that leaves each structure of a process corrupt: the model loses it, the kernel must too. */
    @Test
    void aCorruptProcessIsLostOnBothSidesAndTheOtherGoesOn() {
        for (String structure : Conformance.STRUCTURES) {
            String seq = String.join("\n",
                    "config procs=2 pages=1 values=2 files=2 crashes=1 corruption=true flusher=true consoleBytes=4"
                            + " bug=none program=store0,write0,conwrite0,exit",
                    "p0 run 1", "p1 run 2", "p0 crash write@3 !" + structure, "p1 run", "p1 run", "p1 run", "");
            Stats st = new Stats();
            String m = Runner.replay(Sequence.parse(seq), st);
            assertNull(m, structure + ": " + m);
            assertEquals(1, st.corrupted(), structure);
        }
    }

    static final String FAMILY = "config procs=2 pages=1 values=2 files=1 crashes=1 corruption=false flusher=true"
            + " consoleBytes=4 bug=none program=" + programText(otherworld.model.Config.forkPipeProgram(1));

    static String programText(List<otherworld.model.Instr> program) {
        StringBuilder sb = new StringBuilder();
        for (otherworld.model.Instr i : program) {
            sb.append(sb.length() == 0 ? "" : ",").append(i);
        }
        return sb.toString();
    }

    /** fork, the pipe and wait without a crash: the parent blocks in recv and in wait, the child wakes it each time. */
    @Test
    void forkAPipeAndWaitAgreeWithTheModel() {
        String seq = String.join("\n", FAMILY, "p0 run 1", "p0 run", "p0 run", "p1 run 2", "p1 run", "p0 run",
                "p1 run", "p0 run", "");
        Stats st = new Stats();
        String m = Runner.replay(Sequence.parse(seq), st);
        assertNull(m, m);
    }

    /**
     * Issue 8's calls crashed before every write the kernel makes in them (a call of more than 12 writes at 12 of
     * them: its first three, its last six, three spread over the rest), in two runs: one where the parent's recv and wait block and the child's send and exit wake it, one where
     * they find the value and the zombie. Every point has a model witness.
     */
    @Test
    void everyWriteOfForkSendRecvWaitAndExitHasAModelWitness() {
        String[][] runs = {
            {"p0 run 1", "p0 run", "p0 run", "p1 run 2", "p1 run", "p0 run", "p1 run", "p0 run"},
            {"p0 run 1", "p0 run", "p1 run 2", "p1 run", "p0 run", "p1 run", "p0 run", "p0 run"}};
        String[][] kinds = {
            {"store", "fork", "recv", "store", "send", "wait", "exit", "exit"},
            {"store", "fork", "store", "send", "recv", "exit", "wait", "exit"}};
        Stats st = new Stats();
        int crashes = 0;
        for (int r = 0; r < runs.length; r++) {
            Stats counting = new Stats();
            assertNull(Runner.replay(Sequence.parse(FAMILY + "\n" + String.join("\n", runs[r]) + "\n"), counting));
            for (int i = 0; i < runs[r].length; i++) {
                if (kinds[r][i].equals("store") || r == 1 && i == 1) {
                    continue; // a store's crash is the command read's; the fork is the same in both runs
                }
                int n = counting.exist.get(kinds[r][i]);
                for (int k : otherworld.kernel.CrashPoints.sample(n, 12)) {
                    StringBuilder seq = new StringBuilder(FAMILY).append('\n');
                    for (int j = 0; j < runs[r].length; j++) {
                        seq.append(j == i ? runs[r][j].replace("run", "crash write@" + k) : runs[r][j]).append('\n');
                    }
                    String m = Runner.replay(Sequence.parse(seq.toString()), st);
                    assertNull(m, "crash before write " + k + " of " + kinds[r][i] + " (run " + r + "): " + m);
                    crashes++;
                }
            }
        }
        System.out.println("fork/pipe/wait: " + crashes + " crash points tried: " + st.line() + "\n" + st.pointsTable());
        assertTrue(st.crashes() >= crashes / 2, "most points crashed: " + st.crashes() + " of " + crashes);
        for (String kind : new String[] {"fork", "send", "recv", "wait", "exit"}) {
            assertTrue(st.witnesses.containsKey(kind), kind + " was crashed");
        }
    }

    /**
     * The kernel crashed before every write of every call of a program (a call of more than 24 writes before its
     * first six, its last twelve and six spread over the rest), each compared with the model: every point has a model
     * witness, and the witnesses never go down as the write index goes up.
     */
    @Test
    void everyWriteOfEveryCallHasAModelWitness() {
        String config = "config procs=1 pages=1 values=2 files=1 crashes=1 corruption=false flusher=true consoleBytes=4"
                + " bug=none program=store0,write0,fsync,conwrite0,exit";
        String[] runs = {"p0 run 2", "p0 run", "p0 run", "p0 run", "p0 run"};
        Stats counting = new Stats();
        assertNull(Runner.replay(Sequence.parse(config + "\n" + String.join("\n", runs) + "\n"), counting));
        String[] kinds = {"store", "write", "fsync", "conwrite", "exit"};
        Stats st = new Stats();
        int crashes = 0;
        for (int i = 0; i < runs.length; i++) {
            int n = counting.exist.get(kinds[i]);
            for (int k : otherworld.kernel.CrashPoints.sample(n, 24)) {
                StringBuilder seq = new StringBuilder(config).append('\n');
                for (int j = 0; j < runs.length; j++) {
                    seq.append(j == i ? "p0 crash write@" + k + (j == 0 ? " 2" : "") : runs[j]).append('\n');
                }
                String m = Runner.replay(Sequence.parse(seq.toString()), st);
                assertNull(m, "crash before write " + k + " of " + kinds[i] + ": " + m);
                crashes++;
            }
        }
        System.out.println(crashes + " crash points tried: " + st.line() + "\n" + st.pointsTable());
        // a point past the writes of the call made (another call of the kind made more) runs through
        assertTrue(st.crashes() >= crashes * 3 / 4, "most points crashed: " + st.crashes() + " of " + crashes);
        assertEquals(List.of(), st.nonMonotoneWitnesses());
        for (String kind : kinds) {
            assertTrue(st.witnesses.containsKey(kind), kind + " was crashed");
        }
    }
}
