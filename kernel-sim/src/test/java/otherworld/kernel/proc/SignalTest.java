package otherworld.kernel.proc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.kernel.CrashCampaign;
import otherworld.kernel.Guests;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;

/**
 * Signals survive crashes: at every write of their calls (a delivery's writes are counted with the call before it:
 * it happens on the way back from that call), just before a delivery's commit, and at calls spread over sigtest's run
 * (handlers installed, masks, pending signals, an alternate stack, a process inside a handler, a stopped child, a
 * parent in sigsuspend).
 */
class SignalTest {
    static Scenario sigtest() { return new Scenario().add(Guests.program("sigtest")); }

    @Test
    void crashAtEveryWriteOfTheSignalCallsAndDeliveries() {
        CrashCampaign c = CrashCampaign.run(SignalTest::sigtest, 6,
                Set.of("rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "kill", "tgkill", "sigaltstack", "rt_sigsuspend",
                        "rt_sigpending", "nanosleep"));
        System.out.println("sigtest: " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
        assertTrue(c.reports.stream().anyMatch(r -> r.lines().toString().contains("rt_sigreturn")),
                "some crash struck inside rt_sigreturn");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 7, 11, 15})
    void crashJustBeforeADeliveryCommits(int n) {
        Scenario.Result ref = sigtest().run();
        Scenario.Result r = sigtest().faults(FaultPlan.atPoint("signal.before-commit", n)).run();
        assertEquals(1, r.faults().size());
        assertEquals(ref.outputs(), r.outputs());
        assertEquals(ref.exitStatus(), r.exitStatus());
        assertEquals(List.of(), r.audit());
        CrashCampaign.assertDiskClean(r);
    }

    @Test
    void signalStateSurvivesCrashesWhileInUse() {
        Scenario.Result ref = sigtest().run();
        assertTrue(ref.allExited());
        List<String> failures = new ArrayList<>();
        for (long k = 2; k <= ref.syscalls(); k += 5) {
            Scenario.Result r = sigtest().faults(FaultPlan.atSyscall(k, (int) (k % 6))).run();
            if (!r.allExited() || !r.outputs().equals(ref.outputs()) || !r.exitStatus().equals(ref.exitStatus())) {
                failures.add("crash at call " + k + ": " + r.outputs() + r.log().subList(Math.max(0, r.log().size() - 4), r.log().size()));
            }
            for (String a : r.audit()) failures.add("crash at call " + k + ": " + a);
            CrashCampaign.fsck(r, "crash at call " + k + ": ", failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
