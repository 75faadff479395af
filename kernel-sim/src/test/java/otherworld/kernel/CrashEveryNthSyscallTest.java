package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.kernel.fault.FaultPlan;

/**
 * Crash the kernel at every N-th system call of a program (at a crash point that moves through the call's steps),
 * and check that the program's final output and files equal the crash-free run.
 */
class CrashEveryNthSyscallTest {
    static final int CRASH_POINTS_PER_PROGRAM = 12;

    static Scenario scenario(String name) {
        Scenario s = new Scenario();
        if (name.equals("checksum")) s.add(Guests.program(name, "300"));
        else s.add(Guests.program(name));
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hello", "checksum", "kvstore", "regs"})
    void outputSurvivesACrashAtEveryNthSystemCall(String name) {
        Scenario.Result ref = scenario(name).run();
        assertTrue(ref.allExited());
        assertEquals(List.of(), ref.audit());
        long calls = ref.syscalls();
        long n = Math.max(1, calls / CRASH_POINTS_PER_PROGRAM);
        List<String> failures = new ArrayList<>();
        int crashes = 0;
        for (long k = n; k <= calls; k += n) {
            int step = (int) ((k / n) % 5);
            Scenario.Result r = scenario(name).faults(FaultPlan.atSyscall(k, step)).run();
            crashes += r.faults().size();
            if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                failures.add("crash at call " + k + " step " + step + " (" + r.faults() + "): output differs");
            }
            for (String a : r.audit()) failures.add("crash at call " + k + ": " + a);
            if (otherworld.kernel.fs.Fsck.available()) {
                otherworld.kernel.fs.Fsck.Verdict v = otherworld.kernel.fs.Fsck.check(r.disk());
                if (!v.clean()) failures.add("crash at call " + k + ": e2fsck: " + v.summary());
            }
            for (String f : new String[] {"records.dat", "kv.log"}) {
                if (!java.util.Arrays.equals(ref.file(f), r.file(f))) failures.add("crash at call " + k + ": " + f + " differs");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(crashes >= Math.min(calls, CRASH_POINTS_PER_PROGRAM) - 1, "crashes injected: " + crashes);
    }
}
