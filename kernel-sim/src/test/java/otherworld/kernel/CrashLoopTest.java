package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Hart;

/**
 * A kernel that panics again right after every resurrection (found by the campaign: a bit flip that made every
 * resurrected kernel die before its first instruction, ow replay regs:bit-flip:8a2ef65f5ecb573a, looped on the
 * host for ever) halts the machine after Computer.MAX_PANICS_WITHOUT_PROGRESS such panics, and says so.
 */
class CrashLoopTest {
    @Test
    void panicsWithoutProgressHaltTheMachineInsteadOfLoopingOnTheHost() {
        Scenario.Result r = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> new Scenario()
                .add(Guests.program("hello")).probe(m -> new KernelHooks() {
                    int calls;

                    @Override public void syscallStarted(int nr) {
                        if (++calls == 2) throw new KernelPanic("first crash");
                    }

                    @Override public void dispatch(Hart hart, int pid) {
                        if (calls >= 2) throw new KernelPanic("dies at every dispatch after the first crash");
                    }
                }).run());
        assertTrue(r.halted());
        assertTrue(r.log().stream().anyMatch(l -> l.startsWith("crash loop: " + Computer.MAX_PANICS_WITHOUT_PROGRESS + " panics")),
                r.log().subList(Math.max(0, r.log().size() - 4), r.log().size()).toString());
        assertEquals(Computer.MAX_PANICS_WITHOUT_PROGRESS, r.reports().size(), "resurrected until the loop was seen");
    }

    @Test
    void panicsFarApartAreEachSurvived() {
        long[] every = {0};
        Scenario.Result r = new Scenario().add(Guests.program("checksum", "200")).probe(m -> new KernelHooks() {
            int calls;

            @Override public void syscallStarted(int nr) {
                if (++calls % 10 == 0 && every[0]++ < Computer.MAX_PANICS_WITHOUT_PROGRESS + 4) throw new KernelPanic("crash " + every[0]);
            }
        }).run();
        assertTrue(r.allExited(), r.log().toString());
        assertFalse(r.log().stream().anyMatch(l -> l.startsWith("crash loop")));
        assertEquals(Computer.MAX_PANICS_WITHOUT_PROGRESS + 4, r.reports().size());
    }
}
