package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.Fsck;

/**
 * Files in use when the kernel crashes (issue 9): fstest (userland/src/fstest.c) holds an unlinked file open (an
 * orphan) and then POSIX, OFD and flock locks; the kernel is crashed in every call it makes while it holds them (at
 * the call's first crash point), and the run must end as the run without a crash: the same output — fstest's later
 * checks see the orphan's bytes and each lock's conflicts and owner, so the orphan and the locks came back with
 * their owners — no orphan left on the disk, the same number of free inodes, KernelAudit and e2fsck -fn clean.
 * An orphan left on a disk (a machine stopped while a process held it) is released at the next boot. The same for
 * an O_TMPFILE file (an orphan from birth): the kernel crashed in every call fstest makes while it holds one (of its
 * writes, one of each shape: the console's and the file's), and at every write of the open that makes it and of the
 * linkat that names it.
 */
class FileResurrectionTest {
    static Scenario scenario() { return new Scenario().add(Guests.program("fstest")); }

    /** The calls of fstest while it holds the orphan "ghost": after its unlink, up to and with its close. */
    static List<Long> orphanWindow(FaultPlan count) {
        for (long n = 1; n <= count.callsCounted(); n++) {
            if (!count.callName(n).equals("unlinkat")) continue;
            List<Long> calls = new ArrayList<>();
            List<String> shape = new ArrayList<>();
            for (long m = n + 1; m <= count.callsCounted() && shape.size() < 4; m++) {
                calls.add(m);
                if (!count.callName(m).equals("write")) shape.add(count.callName(m));
            }
            if (shape.equals(List.of("newfstatat", "newfstatat", "pread64", "close"))) return calls;
        }
        return List.of();
    }

    /**
     * The calls of fstest while it holds an O_TMPFILE file: after the open that makes it (the call after the ghost's
     * close), up to the close of the file after it was named by linkat, unlinked and refused a second name.
     */
    static List<Long> tmpfileWindow(FaultPlan count) {
        List<Long> ghost = orphanWindow(count);
        List<Long> calls = new ArrayList<>();
        if (ghost.isEmpty()) return calls;
        long open = ghost.get(ghost.size() - 1) + 1;
        if (!count.callName(open).equals("openat")) return calls;
        int linkats = 0;
        for (long m = open + 1; m <= count.callsCounted(); m++) {
            calls.add(m);
            if (count.callName(m).equals("linkat")) linkats++;
            if (linkats == 2 && count.callName(m).equals("close")) return calls;
        }
        return List.of();
    }

    /** The call that names the O_TMPFILE file (the first linkat of its window). */
    static long naming(FaultPlan count, List<Long> window) {
        return window.stream().filter(n -> count.callName(n).equals("linkat")).findFirst().orElseThrow();
    }

    /** The calls of fstest while it holds locks: after its first fcntl lock, up to its last flock (console writes left out). */
    static List<Long> lockWindow(FaultPlan count) {
        long first = -1, last = -1;
        for (long n = 1; n <= count.callsCounted(); n++) {
            if (count.callName(n).equals("fcntl") && first < 0) first = n;
            if (count.callName(n).equals("flock")) last = n;
        }
        List<Long> calls = new ArrayList<>();
        for (long n = first + 1; first > 0 && n <= last; n++) if (!count.callName(n).equals("write")) calls.add(n);
        return calls;
    }

    @Test
    void anOrphanAndLocksHeldAcrossACrashComeBackWithTheirOwners() {
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = scenario().faults(count).run();
        assertEquals(List.of(0), ref.exitStatus(), ref.outputs().get(0));
        assertEquals(0, Scenario.orphanHead(ref.disk()));
        List<Long> orphan = orphanWindow(count), locks = lockWindow(count);
        assertTrue(orphan.size() >= 5, "the orphan's calls not found: " + orphan);
        assertTrue(locks.size() >= 15, "the lock calls not found: " + locks);
        List<Long> calls = new ArrayList<>(orphan);
        calls.addAll(locks);
        List<String> failures = new ArrayList<>();
        for (long n : calls) check(ref, FaultPlan.atSyscall(n, 0), count.callName(n) + " (call " + n + "): ", failures);
        assertTrue(failures.isEmpty(), failures.size() + " of " + calls.size() + " crashes failed:\n" + String.join("\n", failures));
    }

    @Test
    void anOTmpfileFileHeldAcrossACrashComesBackAndIsNamedOrFreed() {
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = scenario().faults(count).run();
        assertEquals(List.of(0), ref.exitStatus(), ref.outputs().get(0));
        assertTrue(ref.outputs().get(0).contains("linkat the tmpfile                       -> 0"), ref.outputs().get(0));
        List<Long> window = tmpfileWindow(count);
        assertTrue(window.size() >= 10, "the O_TMPFILE file's calls not found: " + window);
        long open = window.get(0) - 1, link = naming(count, window);
        List<FaultPlan> plans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        java.util.Set<Integer> writeShapes = new java.util.HashSet<>();
        for (long n : window) {
            // the console's writes and the file's differ in their number of kernel writes: one of each shape
            if (count.callName(n).equals("write") && !writeShapes.add(count.writesIn(n))) continue;
            plans.add(FaultPlan.atSyscall(n, 0));
            names.add(count.callName(n) + " (call " + n + "): ");
        }
        for (long n : List.of(open, link)) {
            for (int k = 0; k < count.writesIn(n); k++) {
                plans.add(FaultPlan.atWrite(n, k));
                names.add(count.callName(n) + " (call " + n + ") at write " + k + ": ");
            }
        }
        assertTrue(count.writesIn(open) >= 3 && count.writesIn(link) >= 3, "writes: " + count.writesIn(open) + ", " + count.writesIn(link));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) check(ref, plans.get(i), names.get(i), failures);
        assertTrue(failures.isEmpty(), failures.size() + " of " + plans.size() + " crashes failed:\n" + String.join("\n", failures));
    }

    /** fstest crashed by plan must end as ref did: output, exit status, no orphan left, free inodes, audit, e2fsck. */
    private static void check(Scenario.Result ref, FaultPlan plan, String where, List<String> failures) {
        Scenario.Result r = scenario().faults(plan).run();
        if (r.faults().size() != 1) failures.add(where + "the crash did not happen: " + r.faults());
        if (!r.outputs().equals(ref.outputs())) {
            failures.add(where + "output differs:\n" + FileCallsCrashTest.diff(ref.outputs().get(0), r.outputs().get(0)));
        }
        if (!r.exitStatus().equals(ref.exitStatus())) failures.add(where + "exit status " + r.exitStatus());
        if (Scenario.orphanHead(r.disk()) != 0) failures.add(where + "an orphan is left on the disk");
        if (Scenario.freeInodes(r.disk()) != Scenario.freeInodes(ref.disk())) {
            failures.add(where + Scenario.freeInodes(r.disk()) + " free inodes, not " + Scenario.freeInodes(ref.disk()));
        }
        for (String a : r.audit()) failures.add(where + a);
        CrashCampaign.fsck(r, where, failures);
    }

    @Test
    void anOrphanLeftOnADiskIsReleasedAtTheNextBoot() {
        FaultPlan count = FaultPlan.countingWrites();
        scenario().faults(count).run();
        stoppedAtThenBooted(orphanWindow(count).stream().filter(n -> count.callName(n).equals("pread64")).findFirst().orElseThrow());
    }

    @Test
    void anOTmpfileFileLeftOnADiskIsReleasedAtTheNextBoot() {
        FaultPlan count = FaultPlan.countingWrites();
        scenario().faults(count).run();
        stoppedAtThenBooted(tmpfileWindow(count).stream().filter(n -> count.callName(n).equals("pread64")).findFirst().orElseThrow());
    }

    /**
     * The machine stopped where fstest makes call pread (it holds an orphan then): the orphan is on the disk, and
     * the next boot releases it.
     */
    private static void stoppedAtThenBooted(long pread) {
        // where fstest holds the orphan: the instruction count at which a crash there halts a machine without Otherworld
        Scenario.Result halted = scenario().config(KernelConfig.defaults().withOtherworld(false))
                .faults(FaultPlan.atSyscall(pread, 0)).run();
        assertTrue(halted.halted(), "Otherworld off: the crash halts the machine");
        // the machine stopped there (its cache written back, as at a power-off after a sync): the orphan is on the disk
        Scenario.Result cut = scenario().maxInstructions(halted.instructions()).run();
        assertFalse(cut.allExited());
        int ghost = Scenario.orphanHead(cut.disk());
        assertTrue(ghost > 0, "the disk holds the open, unlinked file as an orphan");
        Scenario.Result next = new Scenario().add(Guests.program("hello")).disk(cut.disk()).run();
        assertEquals(List.of(0), next.exitStatus());
        assertEquals(0, Scenario.orphanHead(next.disk()), "released at boot");
        assertTrue(String.join("\n", next.log()).contains("orphan inode(s) of an earlier run released"), String.join("\n", next.log()));
        assertEquals(Scenario.freeInodes(cut.disk()) + 1, Scenario.freeInodes(next.disk()), "its inode is free again");
        if (Fsck.available()) {
            Fsck.Verdict v = Fsck.check(next.disk());
            assertTrue(v.clean(), v.summary());
        }
    }
}
