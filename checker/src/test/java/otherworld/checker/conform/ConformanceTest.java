package otherworld.checker.conform;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ConformanceTest {
    static final String SMOKE = String.join("\n",
            "config procs=2 pages=1 values=3 files=1 crashes=3 corruption=false flusher=true consoleBytes=4 bug=none program=store0,write0,fsync,conwrite0,exit",
            "p0 run 2",
            "p1 run 3",
            "p0 run",
            "p1 crash write.after-fs",
            "p0 crash syscall.before-commit",
            "p0 crash write.tty-partial",
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
    }
}
