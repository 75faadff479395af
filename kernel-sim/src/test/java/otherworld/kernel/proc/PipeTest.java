package otherworld.kernel.proc;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.CrashCampaign;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * Pipes and the fd table survive crashes: at every write of their calls; while in use (unread bytes, blocked readers
 * and writers, a write larger than the buffer part-way through); and a corrupt pipe refuses only its processes.
 */
class PipeTest {
    static Scenario pipetest(String kb) { return new Scenario().add(Guests.program("pipetest", kb)); }

    @Test
    void crashAtEveryWriteOfThePipeAndFdCalls() {
        CrashCampaign c = CrashCampaign.run(() -> pipetest("20"), 6,
                Set.of("pipe2", "read", "write", "close", "dup", "dup3", "fcntl", "ppoll"));
        System.out.println("pipetest: " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
        assertTrue(c.runs > 40, "crashes: " + c.runs);
    }

    /** A write far larger than the buffer crashed between and inside its chunks: no byte lost or written twice. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aLargeWriteCrashedBetweenItsChunksIsMadeExactlyOnce(int chunk) {
        Scenario.Result ref = pipetest("40").run();
        Scenario.Result r = pipetest("40").faults(FaultPlan.atPoint("pipe.chunk", chunk)).run();
        assertEquals(1, r.faults().size());
        assertEquals(ref.outputs(), r.outputs());
        assertEquals(List.of(), r.audit());
        CrashCampaign.assertDiskClean(r);
    }

    @Test
    void pipesSurviveCrashesWhileInUse() {
        Scenario.Result ref = pipetest("40").run();
        List<String> failures = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (long k = 5; k <= ref.syscalls(); k += Math.max(1, ref.syscalls() / 20)) {
            Scenario.Result r = pipetest("40").faults(FaultPlan.atSyscall(k, (int) (k % 5))).run();
            for (ResurrectionReport rep : r.reports()) lines.addAll(rep.lines());
            if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                failures.add("crash at call " + k + ": " + r.outputs() + r.log().subList(Math.max(0, r.log().size() - 4), r.log().size()));
            }
            for (String a : r.audit()) failures.add("crash at call " + k + ": " + a);
            CrashCampaign.fsck(r, "crash at call " + k + ": ", failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        String all = String.join("\n", lines);
        assertTrue(all.contains(":pipe"), "a process holding a pipe was resurrected");
        assertTrue(all.contains("read in flight") || all.contains("write in flight"), "a blocked pipe call was resurrected");
    }

    static final Scenario.Result TWO_REFERENCE =
            new Scenario().add(Guests.program("checksum", "120")).add(Guests.program("pipetest", "40")).run();

    /** Corrupts the dead kernel's pipe structures of pipetest at a crash; checksum, beside it, must not notice. */
    record Corruption(String name, String problem) { }

    @ParameterizedTest
    @ValueSource(strings = {"pipe index out of range", "pipe counters", "pipe owner"})
    void aCorruptPipeRefusesItsProcessesOnly(String what) {
        Scenario two = new Scenario().add(Guests.program("checksum", "120")).add(Guests.program("pipetest", "40"));
        Scenario.Result ref = TWO_REFERENCE;
        Scenario.Result r = two.probe(m -> new KernelHooks() {
            boolean done;

            @Override public void syscallStarted(int nr) {
                if (done) return;
                PhysicalMemory ram = m.memory;
                long h = ram.read64(ROOT_PA + ROOT_HEADER);
                long files = ram.read64(h + KH_FILES);
                for (int f = 0; f < MAX_FILES; f++) {
                    long fe = files + (long) f * FILE.size();
                    if (ram.read32(fe + F_REFS) == 0 || ram.read32(fe + F_TYPE) != FT_PIPE) continue;
                    long pipe = ram.read64(h + KH_PIPES) + (long) ram.read32(fe + F_INO) * PIPE.size();
                    if (ram.read64(pipe + PI_NWRITE) == ram.read64(pipe + PI_NREAD)) continue; // wait for unread bytes
                    done = true;
                    switch (what) {
                        case "pipe index out of range" -> ram.write32(fe + F_INO, MAX_PIPES + 3);
                        case "pipe counters" -> ram.write64(pipe + PI_NREAD, ram.read64(pipe + PI_NWRITE) + 5);
                        default -> ram.write32(pipe + PI_OWNER, -2); // a pipe's magic is written anew: PipeImageDirectTest
                    }
                    throw new KernelPanic("corrupted a pipe and crashed");
                }
            }
        }).run();
        assertEquals(1, r.reports().size(), r.log().toString());
        ResurrectionReport rep = r.reports().get(0);
        List<ResurrectionReport.Process> refused = rep.processes.stream().filter(p -> !p.resurrected()).toList();
        assertFalse(refused.isEmpty(), rep.lines().toString());
        assertTrue(refused.stream().allMatch(p -> p.name().equals("/bin/pipetest")), rep.lines().toString());
        assertTrue(refused.stream().anyMatch(p -> p.problems().toString().contains("pipe")), rep.lines().toString());
        assertEquals(ref.outputs().get(0), r.outputs().get(0), "checksum is unaffected");
        assertEquals(ref.exitStatus().get(0), r.exitStatus().get(0));
        assertEquals(List.of(), r.audit(), "nothing leaked");
    }
}
