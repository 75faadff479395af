package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;


/** The fixture itself: a capture revives as the scenario's own resurrection did, and twice alike (deterministic). */
class DeadKernelsTest {
    static final DeadKernels.Dead DEAD = DeadKernels.two();

    @Test
    void aRevivalResurrectsWhatTheScenariosOwnCrashKernelDid() {
        DeadKernels.Revived r = DeadKernels.revive(DEAD.machine(), DEAD.config);
        assertNull(r.failure());
        ResurrectionReport real = DEAD.reference.reports().get(0);
        assertEquals(real.lines(), r.report().lines());
        assertEquals(2, r.report().resurrectedCount());
        assertEquals(java.util.List.of(), r.audit());
        assertEquals(DeadKernels.revive(DEAD.machine(), DEAD.config).report().lines(), r.report().lines());
    }
}
