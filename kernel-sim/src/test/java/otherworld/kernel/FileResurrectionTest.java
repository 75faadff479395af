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
 * An orphan left on a disk (a machine stopped while a process held it) is released at the next boot.
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
        for (long n : calls) {
            Scenario.Result r = scenario().faults(FaultPlan.atSyscall(n, 0)).run();
            String where = count.callName(n) + " (call " + n + "): ";
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
            if (Fsck.available()) {
                Fsck.Verdict v = Fsck.check(r.disk());
                if (!v.clean()) failures.add(where + "e2fsck: " + v.summary());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + calls.size() + " crashes failed:\n" + String.join("\n", failures));
    }

    @Test
    void anOrphanLeftOnADiskIsReleasedAtTheNextBoot() {
        FaultPlan count = FaultPlan.countingWrites();
        scenario().faults(count).run();
        long pread = orphanWindow(count).stream().filter(n -> count.callName(n).equals("pread64")).findFirst().orElseThrow();
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
