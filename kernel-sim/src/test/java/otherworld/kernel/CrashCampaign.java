package otherworld.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.Fsck;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * A crash-at-every-write campaign over a scenario: the run without a crash counts the kernel's writes in every call;
 * then, for each kind of call (or the kinds named), its first occurrence and one in the middle are crashed before
 * each of their writes (at most {@code perCall} of them: {@link CrashPoints#sample}). Every run must end as the run
 * without a crash did: the same output and exit statuses, the same files, no leaked frame or file reference
 * ({@link KernelAudit}), and a disk e2fsck finds clean.
 */
public final class CrashCampaign {
    public final List<String> failures = new ArrayList<>();
    public final List<ResurrectionReport> reports = new ArrayList<>();
    public int runs;

    private CrashCampaign() { }

    public static CrashCampaign run(Supplier<Scenario> scenario, int perCall, Set<String> onlyCalls) {
        CrashCampaign c = new CrashCampaign();
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = scenario.get().faults(count).run();
        if (!ref.allExited()) {
            c.failures.add("the run without a crash did not finish: " + ref.log().subList(Math.max(0, ref.log().size() - 5), ref.log().size()));
            return c;
        }
        List<String> files = new ArrayList<>();
        for (String f : Scenario.listFiles(ref.disk())) if (regular(ref, f)) files.add(f);
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long n = 1; n <= count.callsCounted(); n++) {
            if (onlyCalls == null || onlyCalls.contains(count.callName(n))) {
                byName.computeIfAbsent(count.callName(n), k -> new ArrayList<>()).add(n);
            }
        }
        for (List<Long> calls : byName.values()) {
            for (long n : new java.util.TreeSet<>(List.of(calls.get(0), calls.get(calls.size() / 2)))) {
                for (int k : CrashPoints.sample(count.writesIn(n), perCall)) {
                    Scenario.Result r = scenario.get().faults(FaultPlan.atWrite(n, k)).run();
                    c.runs++;
                    c.reports.addAll(r.reports());
                    String where = count.callName(n) + " (call " + n + ") at write " + k + ": ";
                    if (r.faults().size() != 1) c.failures.add(where + "the crash did not happen: " + r.faults());
                    if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                        c.failures.add(where + "output differs: " + r.outputs() + " "
                                + r.log().subList(Math.max(0, r.log().size() - 5), r.log().size()));
                    }
                    if (!r.exitStatus().equals(ref.exitStatus())) c.failures.add(where + "exit status " + r.exitStatus());
                    for (String f : files) {
                        if (!Arrays.equals(ref.file(f), r.file(f))) c.failures.add(where + f + " differs");
                    }
                    if (!Scenario.listFiles(r.disk()).equals(Scenario.listFiles(ref.disk()))) {
                        c.failures.add(where + "files " + Scenario.listFiles(r.disk()));
                    }
                    for (String a : r.audit()) c.failures.add(where + a);
                    fsck(r, where, c.failures);
                    if (c.failures.size() > 20) return c;
                }
            }
        }
        return c;
    }

    /** e2fsck -fn on the disk a run left (where e2fsprogs is installed): a failure line unless it is clean. */
    public static void fsck(Scenario.Result r, String where, List<String> failures) { fsck(r.disk(), where, failures); }

    /** A machine run by hand: its cache written back, its disk must be one e2fsck -fn finds clean. */
    public static void assertDiskClean(Computer c, otherworld.emulator.MemoryDisk disk) {
        c.sync();
        assertDiskClean(disk.image());
    }

    /** The disk a run left must be one e2fsck -fn finds clean. */
    public static void assertDiskClean(Scenario.Result r) { assertDiskClean(r.disk()); }

    private static void assertDiskClean(byte[] disk) {
        List<String> problems = new ArrayList<>();
        fsck(disk, "", problems);
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), problems);
    }

    /** e2fsck -fn on a disk image: a failure line unless it is clean (nothing where e2fsprogs is missing). */
    public static void fsck(byte[] disk, String where, List<String> failures) {
        if (!Fsck.available()) return;
        Fsck.Verdict v = Fsck.check(disk);
        if (!v.clean()) failures.add(where + "e2fsck: " + v.summary());
    }

    private static boolean regular(Scenario.Result r, String name) {
        try {
            return !name.equals("lost+found") && r.file(name) != null;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return false; // a directory
        }
    }

    public String summary() {
        return failures.size() + " of " + runs + " crashes failed:\n" + String.join("\n", failures);
    }
}
