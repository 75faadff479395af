package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.ref.WeakReference;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.MemoryDisk;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.layout.Layouts;
import otherworld.kernel.resurrect.ResurrectionReport;

/** The microreboot itself: the dead kernel is gone, the crash kernel survives its own crashes, corruption is caught. */
class MicrorebootTest {
    static Scenario two() {
        return new Scenario().add(Guests.program("checksum", "400")).add(Guests.program("kvstore"));
    }

    static final Scenario.Result REFERENCE = two().run();

    static void assertSameAsReference(Scenario.Result r) {
        assertTrue(r.allExited(), "all processes exited");
        assertEquals(List.of(), r.audit(), "no frame, file reference or page table leaked or lost");
        if (otherworld.kernel.fs.Fsck.available()) {
            otherworld.kernel.fs.Fsck.Verdict v = otherworld.kernel.fs.Fsck.check(r.disk());
            assertTrue(v.clean(), v.summary());
        }
        assertEquals(REFERENCE.outputs(), r.outputs());
        assertArrayEquals(REFERENCE.file("records.dat"), r.file("records.dat"));
        assertArrayEquals(REFERENCE.file("kv.log"), r.file("kv.log"));
    }

    @Test
    void referenceRunIsDeterministic() {
        Scenario.Result again = two().run();
        assertEquals(REFERENCE.outputs(), again.outputs());
        assertEquals(REFERENCE.instructions(), again.instructions());
        assertTrue(REFERENCE.outputs().get(0).contains("OK"), REFERENCE.outputs().get(0));
    }

    @Test
    void deadKernelObjectIsUnreachableAfterMicroreboot() throws Exception {
        List<Console> consoles = List.of(new Console("tty0"));
        MemoryDisk disk = Disks.blankExt2();
        Machine m = new Machine(64 << 20, consoles, disk);
        Scenario.Program p = Guests.program("checksum", "200");
        Computer c = new Computer(m, KernelConfig.defaults()).faults(FaultPlan.atSyscall(100, 1)).boot();
        c.spawn("/bin/checksum", p.elf(), p.argv(), 0);
        Kernel before = c.kernel();
        WeakReference<Kernel> boot = new WeakReference<>(before);
        before = null;
        assertTrue(c.run(2_000_000_000L));
        assertEquals(1, c.reports().size());
        assertNotSame(boot.get(), c.kernel());
        for (int i = 0; i < 50 && (boot.get() != null || c.lastDeadKernel().get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(boot.get(), "the dead kernel object is still reachable");
        assertNull(c.lastDeadKernel().get());
        assertTrue(consoles.get(0).outputString().contains("OK"));
        CrashCampaign.assertDiskClean(c, disk);
    }


    @Test
    void rootDescriptorNamesTheNewKernelAndANewCrashRegion() {
        List<Console> consoles = List.of(new Console("tty0"));
        MemoryDisk disk = Disks.blankExt2();
        Machine m = new Machine(64 << 20, consoles, disk);
        Scenario.Program p = Guests.program("hello");
        Computer c = new Computer(m, KernelConfig.defaults()).faults(FaultPlan.atSyscall(3, 0)).boot();
        long h0 = m.memory.read64(Layouts.ROOT_PA + Layouts.ROOT_HEADER);
        long crash0 = m.memory.read64(h0 + Layouts.KH_CRASH_BASE);
        try {
            c.spawn("/bin/hello", p.elf(), p.argv(), 0);
        } catch (Exception e) {
            fail(e);
        }
        assertTrue(c.run(1_000_000_000L));
        long h1 = m.memory.read64(Layouts.ROOT_PA + Layouts.ROOT_HEADER);
        assertEquals(crash0, h1, "the crash kernel's region became the main kernel's");
        assertEquals(1, m.memory.read64(h1 + Layouts.KH_GENERATION));
        long crash1 = m.memory.read64(h1 + Layouts.KH_CRASH_BASE);
        assertNotEquals(0, crash1);
        assertNotEquals(crash0, crash1);
        CrashCampaign.assertDiskClean(c, disk);
    }

    @Test
    void twoCrashesAreSurvived() {
        Scenario.Result r = two().faults(FaultPlan.atSyscall(150, 2).andAtSyscall(700, 3)).run();
        assertEquals(2, r.faults().size(), r.faults().toString());
        assertEquals(2, r.reports().size());
        assertSameAsReference(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resurrect.validate", "resurrect.decided", "resurrect.flushed", "resurrect.built"})
    void crashDuringResurrectionIsSurvived(String point) {
        Scenario.Result r = two().faults(FaultPlan.atSyscall(300, 2).andAtPoint(point, 1)).run();
        assertEquals(2, r.faults().size(), r.faults().toString());
        assertEquals(1, r.reports().size());
        assertEquals(2, r.reports().get(0).attempt, "the second crash kernel knows it is the second attempt");
        assertSameAsReference(r);
    }

    @Test
    void consoleWriteInterruptedHalfwayIsCompletedExactlyOnce() {
        FaultPlan plan = FaultPlan.atPoint("write.tty-partial", 5);
        Scenario.Result r = two().faults(plan).run();
        assertEquals(1, r.faults().size());
        ResurrectionReport rep = r.reports().get(0);
        assertTrue(rep.processes.stream().anyMatch(p -> p.inflight() != null && p.inflight().contains("completed")),
                rep.lines().toString());
        assertSameAsReference(r);
    }

    @Test
    void corruptProcessIsReportedAndNotResurrected() {
        // At the crash, scribble over the magic of the task record in slot 1 (kvstore): it must be refused.
        List<Console> consoles = List.of(new Console("tty0"), new Console("tty1", Guests.program("kvstore").stdin()));
        MemoryDisk disk = Disks.blankExt2();
        Machine m = new Machine(64 << 20, consoles, disk);
        Computer c = new Computer(m, KernelConfig.defaults()).probe(new KernelHooks() {
            boolean done;

            @Override public void point(String name) {
                if (name.equals("write.after-fs") && !done) {
                    done = true;
                    long h = m.memory.read64(Layouts.ROOT_PA + Layouts.ROOT_HEADER);
                    long tasks = m.memory.read64(h + Layouts.KH_TASKS);
                    m.memory.write64(tasks + Layouts.TASK.size() + Layouts.T_SATP, 0x8000_0000_0000_1234L);
                    throw new KernelPanic("corrupted task 1 and crashed");
                }
            }
        }).boot();
        try {
            Scenario.Program a = Guests.program("checksum", "400");
            Scenario.Program b = Guests.program("kvstore");
            c.spawn("/bin/checksum", a.elf(), a.argv(), 0);
            c.spawn("/bin/kvstore", b.elf(), b.argv(), 1);
        } catch (Exception e) {
            fail(e);
        }
        assertTrue(c.run(5_000_000_000L));
        ResurrectionReport rep = c.reports().get(0);
        assertEquals(2, rep.processes.size());
        ResurrectionReport.Process bad = rep.processes.stream().filter(p -> p.pid() == 2).findFirst().orElseThrow();
        assertFalse(bad.resurrected());
        assertTrue(bad.problems().toString().contains("satp"), bad.problems().toString());
        assertTrue(rep.processes.stream().filter(p -> p.pid() == 1).findFirst().orElseThrow().resurrected());
        assertEquals(REFERENCE.outputs().get(0), consoles.get(0).outputString(), "the healthy process is unaffected");
        assertNotEquals(REFERENCE.outputs().get(1), consoles.get(1).outputString());
        CrashCampaign.assertDiskClean(c, disk); // the refused process's files are whole, as far as it got
    }

    @Test
    void withOtherworldOffAPanicHaltsTheMachine() {
        Scenario.Result r = two().config(KernelConfig.defaults().withOtherworld(false))
                .faults(FaultPlan.atSyscall(100, 0)).run();
        assertTrue(r.halted());
        assertFalse(r.allExited());
        assertTrue(r.reports().isEmpty());
    }

    @Test
    void exceptionEscapingKernelCodeIsAPanicToo() {
        // A bug in the kernel (here: an exception thrown from a crash point) is handled like an explicit panic.
        Scenario.Result r = two().probe(new KernelHooks() {
            int n;

            @Override public void point(String name) {
                if (name.equals("syscall.before-commit") && ++n == 200) throw new IllegalStateException("kernel bug");
            }
        }).run();
        assertEquals(1, r.reports().size());
        assertTrue(r.log().stream().anyMatch(l -> l.contains("PANIC") && l.contains("kernel bug")), r.log().toString());
        assertSameAsReference(r);
    }
}
