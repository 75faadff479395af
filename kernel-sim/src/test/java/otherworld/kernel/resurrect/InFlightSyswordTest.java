package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;
import otherworld.kernel.sys.Sysno;

/**
 * The kernel crashes right after a call committed, before its tail: checksum's (pid 1) write to records.dat (fd 3,
 * the tail sets the file's offset from sysword) or kvstore's (pid 2) read of its terminal (fd 0, the tail sets the
 * tty's nread). With the sysword intact, both processes finish exactly as without a crash (the tail is made again);
 * with one bit of it flipped, the one flip that makes it fit is undone and both finish as without a crash; with two,
 * the tail made again would move the counter where the call never was: that process is refused, and says why, and
 * the other one is untouched. (The campaign's silent corruptions from flipped syswords,
 * issue 11.) kvstore's log is O_APPEND: its writes began at the file's size, which this check does not read.
 */
class InFlightSyswordTest {
    static final Scenario.Result REFERENCE = ValidatorCorruptionTest.REFERENCE;

    /** At the first commit of call nr on fd by pid (after its first `skip` ones): flip bits of its sysword, crash. */
    static final class AfterCommit implements KernelHooks {
        final Machine m;
        final int pid;
        final long nr, fd, flip;
        int skip;
        boolean fired;

        AfterCommit(Machine m, int pid, long nr, long fd, long flip, int skip) {
            this.m = m;
            this.pid = pid;
            this.nr = nr;
            this.fd = fd;
            this.flip = flip;
            this.skip = skip;
        }

        @Override public void point(String name) {
            if (fired || !name.equals("syscall.after-commit")) return;
            PhysicalMemory ram = m.memory;
            long h = ram.read64(ROOT_PA + ROOT_HEADER);
            long t = ram.read64(h + KH_TASKS) + ram.read64(h + KH_CURRENT) * TASK.size();
            if (ram.read32(t + T_PID) != pid || ram.read64(t + T_X + 8L * 17) != nr || ram.read64(t + T_ORIG_A0) != fd
                    || ram.read64(t + T_X + 8L * 10) <= 0 || skip-- > 0) {
                return;
            }
            fired = true;
            ram.write64(t + T_SYSWORD, ram.read64(t + T_SYSWORD) ^ flip);
            throw new KernelPanic("crash after the commit of " + Sysno.name((int) nr) + ", before its tail");
        }
    }

    @ParameterizedTest(name = "pid {0}: call {1} on fd {2}, sysword ^ {3}")
    @CsvSource({"1, 64, 3, 0", "1, 64, 3, 1048576", "1, 64, 3, 1", "1, 64, 3, 1073741825", "2, 63, 0, 0", "2, 63, 0, 4096",
            "2, 63, 0, 1073745920"})
    void aCommittedCallsSyswordIsCheckedAgainstTheCounterItsTailSets(int pid, long nr, long fd, long flip) {
        AfterCommit[] hook = new AfterCommit[1];
        Scenario.Result r = ValidatorCorruptionTest.two().probe(m -> hook[0] = new AfterCommit(m, pid, nr, fd, flip, 5)).run();
        assertTrue(hook[0].fired, "the crash struck");
        assertEquals(1, r.reports().size(), r.log().toString());
        ResurrectionReport rep = r.reports().get(0);
        int other = 2 - pid; // index of the other process
        assertEquals(REFERENCE.outputs().get(other), r.outputs().get(other), "the other process is untouched");
        assertEquals(REFERENCE.exitStatus().get(other), r.exitStatus().get(other));
        String otherFile = other == 0 ? "records.dat" : "kv.log";
        assertArrayEquals(REFERENCE.file(otherFile), r.file(otherFile));
        assertEquals(List.of(), r.audit());
        otherworld.kernel.CrashCampaign.assertDiskClean(r);
        ResurrectionReport.Process victim = rep.processes.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
        if (Long.bitCount(flip) == 1) { // one flipped bit that makes it fit: undone (Repairs), said, and the call's tail right
            assertTrue(rep.machineProblems.stream().anyMatch(l -> l.startsWith("pid " + pid + ": sysword: bit "
                    + Long.numberOfTrailingZeros(flip) + " flipped back")), rep.lines().toString());
        }
        if (Long.bitCount(flip) <= 1) {
            assertTrue(victim.resurrected(), rep.lines().toString());
            assertEquals(REFERENCE.outputs(), r.outputs());
            assertEquals(REFERENCE.exitStatus(), r.exitStatus());
            assertArrayEquals(REFERENCE.file("kv.log"), r.file("kv.log"));
            assertArrayEquals(REFERENCE.file("records.dat"), r.file("records.dat"));
        } else {
            assertFalse(victim.resurrected(), "a sysword two bits off is seen: " + rep.lines());
            assertTrue(victim.problems().toString().contains("sysword"), victim.problems().toString());
        }
    }
}
