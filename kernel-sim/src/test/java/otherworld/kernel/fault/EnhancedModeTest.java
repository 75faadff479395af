package otherworld.kernel.fault;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelAudit;
import otherworld.kernel.Scenario;

/**
 * The enhanced mode's check bytes, end to end. A bit flipped in a live structure (a task's kernel fields or saved
 * registers, an fd table, an open file, a page-table entry, a cache header, a tty, a pipe) is taken back by the crash
 * kernel and the processes finish as without the fault, where default mode refuses them or brings them back wrong.
 * The kernel writes nothing in its structures around its check bytes (the audit checks every word after every
 * resurrection and at the end), the kernel a crash kernel hands over keeps them too, and default mode keeps none.
 */
class EnhancedModeTest {
    static Scenario scenario(boolean enhanced) {
        return new Scenario().add(Guests.program("checksum", "40")).enhanced(enhanced);
    }

    static Scenario.Result run(Scenario s, Fault.Armed a) {
        return s.faults(a.plan).diskFaults(a.disk).probe(a::hooks).run();
    }

    static boolean identical(Scenario.Result ref, Scenario.Result r) {
        return r.allExited() && ref.outputs().equals(r.outputs()) && ref.exitStatus().equals(r.exitStatus())
                && java.util.Arrays.equals(ref.file("records.dat"), r.file("records.dat"));
    }

    @Test
    void aFlippedBitInALiveStructureIsTakenBack() {
        Fault.Armed count = Fault.reference();
        Scenario.Result ref = run(scenario(true), count);
        assertTrue(ref.allExited() && ref.audit().isEmpty(), ref.audit().toString());
        List<String> savedOnlyHere = new ArrayList<>();
        int hits = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Fault f = Fault.choose(FaultType.BIT_FLIP, count.profile(), seed);
            Fault.Armed a = f.arm();
            Scenario.Result r = run(scenario(true), a);
            if (a.did.isEmpty()) continue;
            hits++;
            assertTrue(identical(ref, r), a.did + "\n" + r.log());
            assertEquals(List.of(), r.audit(), a.did.toString());
            assertTrue(r.log().stream().anyMatch(l -> l.contains("check bytes: bit")), a.did + "\n" + r.log());
            Fault.Armed same = f.arm();
            if (!identical(ref, run(scenario(false), same))) savedOnlyHere.add(a.did.get(0));
        }
        assertTrue(hits >= 20, "hits " + hits);
        // the teeth: default mode, on the same faults, loses some of these processes
        assertFalse(savedOnlyHere.isEmpty(), "default mode survived every one of these flips as well");
    }

    @Test
    void everyWordAgreesWithItsCheckByteAcrossRunsAndResurrections() {
        Scenario s = new Scenario().add(Guests.program("forktest")).add(Guests.program("pipetest", "4"))
                .add(Guests.program("checksum", "20")).enhanced(true);
        Fault.Armed count = Fault.reference();
        Scenario.Result ref = run(s, count);
        assertTrue(ref.allExited());
        assertEquals(List.of(), ref.audit());
        for (long seed = 1; seed <= 4; seed++) { // panics at random writes: the handed-over kernel keeps its check bytes
            Fault.Armed a = Fault.choose(FaultType.PANIC, count.profile(), seed).arm();
            Scenario.Result r = run(s, a);
            assertEquals(1, r.reports().size(), a.did + "\n" + r.log());
            assertEquals(List.of(), r.audit(), a.did.toString());
            assertEquals(ref.outputs(), r.outputs());
        }
    }

    /** Crash after crash: every kernel a crash kernel hands over keeps every check byte true, generation after generation. */
    @Test
    void crashAfterCrashTheCheckBytesStayTrue() {
        Scenario ref = new Scenario().add(Guests.program("checksum", "60")).add(Guests.program("forktest")).enhanced(true);
        Scenario.Result clean = ref.run();
        Scenario.Result r = new Scenario().add(Guests.program("checksum", "60")).add(Guests.program("forktest")).enhanced(true)
                .faults(otherworld.kernel.fault.FaultPlan.everySyscall(40, 2)).run();
        assertTrue(r.reports().size() >= 5, "crashes: " + r.reports().size());
        assertEquals(List.of(), r.audit()); // after every resurrection and at the end
        assertEquals(clean.outputs(), r.outputs());
        assertEquals(clean.exitStatus(), r.exitStatus());
    }

    /** Programs that use every part of the kernel: none of their writes goes around the check bytes. */
    @Test
    void noWriteOfTheKernelGoesAroundItsCheckBytes() {
        for (String p : new String[] {"mmaptest", "sigtest", "kvstore", "files", "sharedmap", "forkmap", "fstest", "ttytest", "editor", "spawner"}) {
            Scenario.Result r = new Scenario().add(Guests.program(p)).enhanced(true).run();
            assertEquals(List.of(), r.audit(), p);
            assertTrue(r.log().stream().noneMatch(l -> l.contains("PANIC")), p + " " + r.log());
        }
    }

    @Test
    void defaultModeKeepsNoCheckBytes() {
        PhysicalMemory[] seen = new PhysicalMemory[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            new Scenario().add(Guests.program("hello")).enhanced(k == 1).probe(m -> {
                seen[k] = m.memory;
                return new otherworld.kernel.KernelHooks() { };
            }).run();
        }
        long h0 = seen[0].read64(ROOT_PA + ROOT_HEADER), h1 = seen[1].read64(ROOT_PA + ROOT_HEADER);
        assertEquals(0, seen[0].read64(h0 + KH_CODES));
        assertEquals(1, seen[0].read32(h0 + KH_MODE));
        assertEquals(2, seen[1].read32(h1 + KH_MODE));
        long codes = seen[1].read64(h1 + KH_CODES);
        assertTrue(codes > seen[1].read64(h1 + KH_REGION_BASE) && codes < seen[1].read64(h1 + KH_PT_POOL));
        assertEquals(List.of(), KernelAudit.check(seen[1]));
        long w = seen[1].read64(h1 + KH_TASKS) + T_PC; // the audit has teeth: a word changed around the kernel shows
        seen[1].write64(w, seen[1].read64(w) ^ 1);
        assertTrue(KernelAudit.check(seen[1]).stream().anyMatch(l -> l.contains("disagrees with its check byte")));
    }
}
