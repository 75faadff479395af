package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import otherworld.kernel.fault.FaultPlan;

/**
 * The file-system calls of issue 9 crashed at their writes: fstest (userland/src/fstest.c) makes every one of them;
 * the calls that change names (rename, link, unlink, rmdir, mkdir, symlink) are crashed at up to 24 writes (all when
 * they make fewer) of the two occurrences of different shapes that write most, the other calls at 4 writes of the
 * one that writes most (the first and last writes, where the commit and tail are, first: {@link CrashPoints#sample}), and the run must end as the run without a crash: the same output (every check of
 * fstest passes, so each call was made once: not made and made again, or made), the same exit status, no leaked
 * frame or file reference, and a disk e2fsck -fn finds clean. The whole campaign (every write, first and middle
 * shape of every kind): -Dow.crash.full=true.
 */
class FileCallsCrashTest {
    static final boolean FULL = Boolean.getBoolean("ow.crash.full");
    /** Calls that change names: two occurrences of different shapes, at up to 24 writes each (all, if fewer). */
    static final java.util.Set<String> NAMES = java.util.Set.of("renameat2", "linkat", "unlinkat", "mkdirat", "symlinkat");
    static final int NAME_POINTS = 24, OTHER_POINTS = 4;

    static Scenario scenario() { return new Scenario().add(Guests.program("fstest")); }

    @Test
    void everyKindOfFileCallSurvivesACrashAtItsWrites() {
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = scenario().faults(count).run();
        assertTrue(ref.allExited());
        assertEquals(List.of(0), ref.exitStatus(), ref.outputs().get(0));
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long n = 1; n <= count.callsCounted(); n++) {
            byName.computeIfAbsent(count.callName(n), c -> new ArrayList<>()).add(n);
        }
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (List<Long> calls : byName.values()) {
            // Occurrences of different shapes (different numbers of writes), those that write most first.
            List<Long> shapes = new ArrayList<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            List<Long> byWrites = new ArrayList<>(calls);
            byWrites.sort((a, b) -> Integer.compare(count.writesIn(b), count.writesIn(a)));
            for (long n : byWrites) if (count.writesIn(n) > 0 && seen.add(count.writesIn(n))) shapes.add(n);
            boolean names = NAMES.contains(count.callName(calls.get(0)));
            List<Long> which = FULL ? shapes : shapes.subList(0, Math.min(shapes.size(), names ? 2 : 1));
            for (long n : which) {
                int max = FULL ? Integer.MAX_VALUE : names ? NAME_POINTS : OTHER_POINTS;
                for (int k : CrashPoints.sample(count.writesIn(n), max)) {
                    Scenario.Result r = scenario().faults(FaultPlan.atWrite(n, k)).run();
                    runs++;
                    String where = count.callName(n) + " (call " + n + ") at write " + k + ": ";
                    if (r.faults().size() != 1) failures.add(where + "the crash did not happen: " + r.faults());
                    if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                        failures.add(where + "output differs:\n" + diff(ref.outputs().get(0), r.outputs().get(0)));
                    }
                    if (!r.exitStatus().equals(ref.exitStatus())) failures.add(where + "exit status " + r.exitStatus());
                    if (!Scenario.listFiles(r.disk()).equals(Scenario.listFiles(ref.disk()))) {
                        failures.add(where + "files " + Scenario.listFiles(r.disk()));
                    }
                    for (String a : r.audit()) failures.add(where + a);
                    CrashCampaign.fsck(r, where, failures);
                    if (failures.size() > 20) break;
                }
            }
        }
        System.out.println("fstest: " + byName.size() + " kinds of call, " + runs + " crashes at write points, "
                + failures.size() + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " crashes failed:\n" + String.join("\n", failures));
    }

    /** The first line where two outputs differ, with the line of each. */
    static String diff(String a, String b) {
        String[] x = a.split("\n", -1), y = b.split("\n", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "(end)", q = i < y.length ? y[i] : "(end)";
            if (!p.equals(q)) return "  line " + (i + 1) + ": expected " + p + "\n  line " + (i + 1) + ": got      " + q;
        }
        return "  (same lines)";
    }
}
