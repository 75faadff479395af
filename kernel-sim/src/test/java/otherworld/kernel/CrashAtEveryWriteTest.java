package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.Fsck;

/**
 * The kernel crashed at every write it makes in a system call — the crash points come from its own write trace, not
 * from hand-placed points. For each kind of call a program makes, its first occurrence and one in the middle are
 * crashed at each of their writes (a call of more than {@value #MAX_POINTS_PER_CALL} writes at that many:
 * {@link CrashPoints#sample}). Every run must end as the run without a crash did: the same output,
 * the same files, no leaked frame or file reference, and a disk e2fsck finds clean.
 * The whole campaign, every write of every call: {@code ow crashes}.
 */
class CrashAtEveryWriteTest {
    static final int MAX_POINTS_PER_CALL = 24;

    static Scenario scenario(String name) {
        Scenario s = new Scenario();
        return switch (name) {
            case "checksum" -> s.add(Guests.program(name, "40"));
            case "files" -> s.add(Guests.program(name, "9"));
            case "regs" -> s.add(Guests.program(name, "30", "50"));
            default -> s.add(Guests.program(name));
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"files", "checksum", "kvstore", "regs"})
    void crashAtEveryWriteOfEveryKindOfCall(String name) {
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = scenario(name).faults(count).run();
        assertTrue(ref.allExited());
        List<String> files = new ArrayList<>(Scenario.listFiles(ref.disk()));
        files.remove("lost+found");
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long n = 1; n <= count.callsCounted(); n++) {
            byName.computeIfAbsent(count.callName(n), c -> new ArrayList<>()).add(n);
        }
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (List<Long> calls : byName.values()) {
            for (long n : List.of(calls.get(0), calls.get(calls.size() / 2))) {
                for (int k : CrashPoints.sample(count.writesIn(n), MAX_POINTS_PER_CALL)) {
                    Scenario.Result r = scenario(name).faults(FaultPlan.atWrite(n, k)).run();
                    runs++;
                    String where = count.callName(n) + " (call " + n + ") at write " + k + ": ";
                    if (r.faults().size() != 1) failures.add(where + "the crash did not happen: " + r.faults());
                    if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                        failures.add(where + "output differs: " + r.outputs() + " " + r.log().subList(Math.max(0, r.log().size() - 5), r.log().size()));
                    }
                    if (!r.exitStatus().equals(ref.exitStatus())) failures.add(where + "exit status " + r.exitStatus());
                    for (String f : files) {
                        if (!Arrays.equals(ref.file(f), r.file(f))) failures.add(where + f + " differs");
                    }
                    if (!Scenario.listFiles(r.disk()).equals(Scenario.listFiles(ref.disk()))) failures.add(where + "files " + Scenario.listFiles(r.disk()));
                    for (String a : r.audit()) failures.add(where + a);
                    if (Fsck.available()) {
                        Fsck.Verdict v = Fsck.check(r.disk());
                        if (!v.clean()) failures.add(where + "e2fsck: " + v.summary());
                    }
                    if (failures.size() > 20) break;
                }
            }
        }
        System.out.println(name + ": " + runs + " crashes at write points, " + failures.size() + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " crashes failed:\n" + String.join("\n", failures));
    }
}
