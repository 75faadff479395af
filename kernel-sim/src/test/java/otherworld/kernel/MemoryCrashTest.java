package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.Fsck;
import otherworld.kernel.proc.Task;
import otherworld.kernel.resurrect.ResurrectionReport;
import otherworld.kernel.sys.Sysno;

/**
 * Memory mappings and sleeps across crashes: every write of every memory and time call crashed (mmaptest: anonymous,
 * private and shared file mappings, mremap, madvise, msync, brk, sleeps, polls); dirty shared pages of a process kept
 * by its resurrection, and written to the file by the crash kernel even when the process is lost; a sleeper that is
 * resurrected wakes at the instant it would have; a stack overflow ends in the guard.
 */
class MemoryCrashTest {
    static final int MAX_POINTS_PER_CALL = 12;
    static final Set<String> CALLS = Set.of("brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "msync",
            "nanosleep", "clock_nanosleep", "sched_yield", "ppoll", "pselect6");

    static Scenario mmaptest() { return new Scenario().add(Guests.program("mmaptest", "1")); }

    static Scenario sharedmap() { return new Scenario().add(Guests.program("sharedmap")); }

    @Test
    void crashAtEveryWriteOfEveryMemoryAndTimeCall() {
        FaultPlan count = FaultPlan.countingWrites();
        Scenario.Result ref = mmaptest().faults(count).run();
        assertTrue(ref.allExited());
        assertTrue(ref.outputs().get(0).endsWith("0 failures\n"), ref.outputs().get(0));
        Map<String, List<Long>> byName = new LinkedHashMap<>();
        for (long n = 1; n <= count.callsCounted(); n++) {
            if (CALLS.contains(count.callName(n))) byName.computeIfAbsent(count.callName(n), c -> new ArrayList<>()).add(n);
        }
        assertTrue(byName.keySet().containsAll(Set.of("mmap", "munmap", "mprotect", "mremap", "madvise", "msync",
                "clock_nanosleep", "ppoll", "pselect6")), byName.keySet().toString()); // glibc sleeps with clock_nanosleep
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (List<Long> calls : byName.values()) {
            for (long n : List.of(calls.get(0), calls.get(calls.size() / 2))) {
                for (int k : CrashPoints.sample(count.writesIn(n), MAX_POINTS_PER_CALL)) {
                    Scenario.Result r = mmaptest().faults(FaultPlan.atWrite(n, k)).run();
                    runs++;
                    String where = count.callName(n) + " (call " + n + ") at write " + k + ": ";
                    if (r.faults().size() != 1) failures.add(where + "the crash did not happen: " + r.faults());
                    if (!r.allExited() || !r.outputs().equals(ref.outputs())) {
                        failures.add(where + "output differs: " + r.outputs() + " "
                                + r.log().subList(Math.max(0, r.log().size() - 5), r.log().size()));
                    }
                    if (!r.exitStatus().equals(ref.exitStatus())) failures.add(where + "exit status " + r.exitStatus());
                    for (String f : List.of("map0.dat", "poll.dat")) {
                        if (!Arrays.equals(ref.file(f), r.file(f))) failures.add(where + f + " differs");
                    }
                    for (String a : r.audit()) failures.add(where + a);
                    if (Fsck.available()) {
                        Fsck.Verdict v = Fsck.check(r.disk());
                        if (!v.clean()) failures.add(where + "e2fsck: " + v.summary());
                    }
                    if (failures.size() > 20) break;
                }
            }
        }
        System.out.println("mmaptest: " + runs + " crashes at write points, " + failures.size() + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " crashes failed:\n" + String.join("\n", failures));
    }

    /** The number (1-based) of the first system call named name in a run of s. */
    static long firstCall(Scenario s, String name) {
        FaultPlan count = FaultPlan.countingWrites();
        s.faults(count).run();
        for (long n = 1; n <= count.callsCounted(); n++) if (count.callName(n).equals(name)) return n;
        throw new AssertionError("no " + name);
    }

    @Test
    void dirtySharedPagesOfAResurrectedProcessAreItsOwnAfterTheCrash() {
        Scenario.Result ref = sharedmap().run();
        assertTrue(ref.outputs().get(0).startsWith("stored\nfile sum"), ref.outputs().get(0));
        long sleep = firstCall(sharedmap(), "clock_nanosleep");
        Scenario.Result r = sharedmap().faults(FaultPlan.atSyscall(sleep, 0)).run();
        assertEquals(1, r.reports().size(), r.log().toString());
        assertTrue(r.reports().get(0).dirtyBlocksFlushed >= 8, "its 8 shared pages written by the crash kernel");
        assertEquals(ref.outputs(), r.outputs());
        assertEquals(ref.exitStatus(), r.exitStatus());
        assertArrayEquals(ref.file("shared.dat"), r.file("shared.dat"));
        assertEquals(List.of(), r.audit());
        if (Fsck.available()) assertTrue(Fsck.check(r.disk()).clean());
    }

    /** Crashes the kernel at the first sleep (glibc sleeps with clock_nanosleep), after spoiling the caller's task record: it cannot come back. */
    static final class SpoilTheSleeper implements KernelHooks {
        final Machine m;

        SpoilTheSleeper(Machine m) { this.m = m; }

        @Override public void syscallStarted(int nr) {
            if (nr != Sysno.CLOCK_NANOSLEEP) return;
            PhysicalMemory ram = m.memory;
            long h = ram.read64(ROOT_PA + ROOT_HEADER);
            long t = ram.read64(h + KH_TASKS) + ram.read64(h + KH_CURRENT) * TASK.size();
            ram.write32(t, 0x0BAD0BAD);
            throw new KernelPanic("spoiled the sleeper's task record and crashed");
        }
    }

    @Test
    void dirtySharedPagesOfALostProcessStillReachTheFile() {
        Scenario.Result r = sharedmap().probe(SpoilTheSleeper::new).run();
        assertEquals(1, r.reports().size(), r.log().toString());
        ResurrectionReport rep = r.reports().get(0);
        assertTrue(rep.processes.stream().noneMatch(ResurrectionReport.Process::resurrected), rep.lines().toString());
        byte[] f = r.file("shared.dat");
        assertNotNull(f);
        assertEquals(8 * 4096, f.length);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 100; j++) assertEquals('A' + i, f[i * 4096 + j], "page " + i + " byte " + j);
            for (int j = 100; j < 4096; j++) assertEquals('.', f[i * 4096 + j], "page " + i + " byte " + j);
        }
        assertEquals(List.of(), r.audit(), "the lost process's frames and file pages are free");
        if (Fsck.available()) assertTrue(Fsck.check(r.disk()).clean());
    }

    @Test
    void aResurrectedSleeperWakesWhenItWouldHave() throws Exception {
        long[] clockAtEnd = new long[2];
        String[] out = new String[2];
        for (int crash = 0; crash < 2; crash++) {
            Console con = new Console("tty0");
            otherworld.emulator.MemoryDisk disk = Disks.blankExt2();
            Machine m = new Machine(64 << 20, List.of(con), disk);
            Computer c = new Computer(m, KernelConfig.defaults()).boot();
            Scenario.Program p = Guests.program("sharedmap");
            c.spawn("/bin/sharedmap", p.elf(), p.argv(), 0);
            if (crash == 1) {
                while (!con.outputString().contains("stored")) assertFalse(c.run(10_000));
                Kernel k = c.kernel();
                Task t = k.task(0);
                for (int i = 0; i < 100 && t.state() != TASK_BLOCKED; i++) c.run(1_000);
                assertEquals(TASK_BLOCKED, t.state(), "asleep");
                long deadline = k.sleeps.deadline(t);
                assertTrue(deadline > m.clock() + 100_000, "far from its deadline");
                c.run(100_000); // the clock moves on while it sleeps
                assertTrue(m.clock() < deadline);
                assertNotNull(c.panicNow("crash while it sleeps"));
                assertEquals(deadline, c.kernel().sleeps.deadline(c.kernel().task(0)), "its deadline survived");
            }
            assertTrue(c.run(2_000_000_000L));
            clockAtEnd[crash] = m.clock();
            out[crash] = con.outputString();
            assertEquals(List.of(), KernelAudit.check(m.memory));
            CrashCampaign.assertDiskClean(c, disk);
        }
        assertEquals(out[0], out[1]);
        assertEquals(clockAtEnd[0], clockAtEnd[1], "the same instant: it slept what was left, not the whole sleep again");
    }

    /**
     * An absolute CLOCK_REALTIME sleep is read on the wall clock clock_gettime reads, from the configured epoch: at an
     * epoch other than the default it still wakes at its deadline, not years later or at once.
     */
    @Test
    void anAbsoluteWallClockSleepFollowsTheConfiguredEpoch() {
        for (long epoch : new long[] {KernelConfig.DEFAULT_EPOCH, 1_000_000_000L, 2_000_000_000L}) {
            Scenario.Result r = mmaptest().config(KernelConfig.defaults().withEpoch(epoch, false)).run();
            String out = r.outputs().get(0);
            assertTrue(out.contains("ok   woken at or after the wall-clock deadline\n")
                    && out.contains("ok   woken within a second of the wall-clock deadline\n"), "epoch " + epoch + ":\n" + out);
            assertFalse(out.contains("FAIL"), "epoch " + epoch + ":\n" + out);
        }
    }

    @Test
    void aStackOverflowEndsInTheGuardWithSigsegv() {
        Scenario.Result r = new Scenario().add(Guests.program("mmaptest", "overflow")).run();
        assertEquals("recursing\n", r.outputs().get(0));
        assertEquals(List.of(11), r.exitStatus(), "it made no exit: killed by SIGSEGV, its wait status says signal 11");
        assertTrue(r.log().stream().anyMatch(l -> l.contains("killed by signal 11")), r.log().toString());
    }
}
