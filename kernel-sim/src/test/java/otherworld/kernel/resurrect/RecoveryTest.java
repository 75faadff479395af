package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import otherworld.kernel.CrashPoints;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.Fsck;
import otherworld.kernel.layout.Layouts;

/**
 * Recovery procedures (spec 5.3): kvstore registers one; after a crash it runs it (verifies its log, reopens it,
 * returns with ow_recovery_return) and ends exactly as the run without a crash. Its two calls are crashed at every
 * write; a crash inside the procedure runs it again, nested; a registration that fails validation is dropped.
 */
class RecoveryTest {
    static Scenario.Result reference;
    static FaultPlan counted;

    static Scenario kvstore() { return new Scenario().add(Guests.program("kvstore")); }

    @BeforeAll
    static void measure() {
        counted = FaultPlan.countingWrites();
        reference = kvstore().faults(counted).run();
        assertTrue(reference.allExited());
    }

    static List<String> check(String where, Scenario.Result r) {
        List<String> f = new ArrayList<>();
        if (!r.allExited() || !r.outputs().equals(reference.outputs())) {
            String o = r.outputs().get(0);
            f.add(where + ": output differs, ends " + o.substring(Math.max(0, o.length() - 120)) + " " + tail(r));
        }
        if (!r.exitStatus().equals(reference.exitStatus())) f.add(where + ": exit " + r.exitStatus());
        if (!Arrays.equals(reference.file("kv.log"), r.file("kv.log"))) f.add(where + ": kv.log differs");
        for (String a : r.audit()) f.add(where + ": " + a);
        if (Fsck.available() && !Fsck.check(r.disk()).clean()) f.add(where + ": e2fsck " + Fsck.check(r.disk()).summary());
        return f;
    }

    static String tail(Scenario.Result r) { return r.log().subList(Math.max(0, r.log().size() - 6), r.log().size()).toString(); }

    static long ran(Scenario.Result r) { return r.log().stream().filter(l -> l.contains(": recovery procedure at")).count(); }

    static long first(FaultPlan p, String name, long from) {
        for (long n = from; n <= p.callsCounted(); n++) if (p.callName(n).equals(name)) return n;
        return -1;
    }

    @Test
    void kvstoreRunsItsProcedureAfterACrashAndEndsAsWithout() {
        List<String> failures = new ArrayList<>();
        long calls = counted.callsCounted();
        for (long n = first(counted, "syscall_400", 1) + 1; n <= calls; n += calls / 9) {
            Scenario.Result r = kvstore().faults(FaultPlan.atWrite(n, counted.writesIn(n) / 2)).run();
            failures.addAll(check("crash in call " + n + " (" + counted.callName(n) + ")", r));
            if (ran(r) != 1) failures.add("call " + n + ": the procedure ran " + ran(r) + " times " + tail(r));
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void itsTwoCallsAreCrashedAtEveryWrite() {
        long reg = first(counted, "syscall_400", 1);
        assertTrue(reg > 0, "kvstore registers its procedure");
        List<String> failures = new ArrayList<>();
        for (int k : CrashPoints.sample(counted.writesIn(reg), 24)) {
            failures.addAll(check("ow_recovery at write " + k, kvstore().faults(FaultPlan.atWrite(reg, k)).run()));
        }
        long n1 = reg + 40;
        FaultPlan once = FaultPlan.countingWrites().andAtWrite(n1, 1);
        Scenario.Result r1 = kvstore().faults(once).run();
        failures.addAll(check("first crash", r1));
        long ret = first(once, "syscall_401", n1);
        assertTrue(ret > 0, "the procedure returned: " + tail(r1));
        for (int k : CrashPoints.sample(once.writesIn(ret), 24)) {
            Scenario.Result r = kvstore().faults(FaultPlan.atWrite(n1, 1).andAtWrite(ret, k)).run();
            failures.addAll(check("ow_recovery_return at write " + k, r));
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aCrashInsideTheProcedureRunsItAgainNested() {
        long n1 = 60;
        FaultPlan once = FaultPlan.countingWrites().andAtWrite(n1, 1);
        kvstore().faults(once).run();
        List<String> failures = new ArrayList<>();
        for (long n2 = n1 + 1; n2 < first(once, "syscall_401", n1); n2++) { // the procedure's own calls
            Scenario.Result r = kvstore().faults(FaultPlan.atWrite(n1, 1).andAtWrite(n2, 0)).run();
            failures.addAll(check("second crash in the procedure's call " + n2 + " (" + once.callName(n2) + ")", r));
            if (ran(r) != 2) failures.add("call " + n2 + ": ran " + ran(r) + " times");
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aRegistrationThatFailsValidationIsDroppedAndTheProcessResumes() {
        long n = 50;
        Scenario.Result[] out = new Scenario.Result[1];
        out[0] = kvstore().faults(FaultPlan.atWrite(n, 0)).probe(m -> new KernelHooks() {
            @Override public void point(String name) {
                if (!name.equals("resurrect.validate")) return;
                long h = m.memory.read64(Layouts.ROOT_PA + Layouts.ROOT_HEADER);
                long rec = m.memory.read64(h + Layouts.KH_RECOVERY);
                for (int i = 0; i < Layouts.MAX_TASKS; i++) {
                    long e = rec + (long) i * Layouts.RECOVERY.size() + Layouts.RC_ENTRY;
                    if (m.memory.read64(e) != 0) m.memory.write64(e, 0x10); // not in any executable mapping
                }
            }
        }).run();
        Scenario.Result r = out[0];
        assertEquals(List.of(), check("invalid registration", r));
        assertEquals(0, ran(r));
        assertTrue(r.log().stream().anyMatch(l -> l.contains("fails validation: dropped")), tail(r));
    }
}
