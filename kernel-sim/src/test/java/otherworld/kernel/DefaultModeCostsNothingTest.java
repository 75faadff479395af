package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.kernel.fault.FaultPlan;

/**
 * DESIGN.md rule 4, measured by the kernel's own write trace rather than by a clock: with Otherworld on (default
 * mode) and off, a program makes the same system calls and the kernel makes, in every one of them, exactly as many
 * writes of guest RAM (and bytes to devices). The modes differ at boot and at a panic only
 * ({@link ModeIsReadOnlyAtBootAndPanicTest}); the JMH figures are in benchmarks/RESULTS.md.
 */
class DefaultModeCostsNothingTest {
    static Scenario scenario(String name, boolean otherworld) {
        Scenario s = new Scenario().config(KernelConfig.defaults().withOtherworld(otherworld));
        if (name.startsWith("callbench:")) return s.add(Guests.program("callbench", name.substring(10), "500"));
        return switch (name) {
            case "files" -> s.add(Guests.program(name, "8"));
            case "pipetest" -> s.add(Guests.program(name, "100"));
            default -> s.add(Guests.program(name));
        };
    }

    /** With no fault plan the kernel writes RAM through the plain view: the write trace costs nothing then. */
    @org.junit.jupiter.api.Test
    void withoutAFaultPlanTheKernelDoesNotTraceItsWrites() throws Exception {
        otherworld.emulator.Machine m = new otherworld.emulator.Machine(64 << 20,
                java.util.List.of(new otherworld.emulator.Console("tty0")), Disks.blankExt2());
        Computer c = new Computer(m, KernelConfig.defaults()).boot();
        assertSame(otherworld.kernel.mem.DirectMem.class, c.kernel().mem.getClass());
        Computer traced = new Computer(new otherworld.emulator.Machine(64 << 20,
                java.util.List.of(new otherworld.emulator.Console("tty0")), Disks.blankExt2()), KernelConfig.defaults())
                .faults(FaultPlan.atWrite(1000, 3)).boot();
        assertSame(otherworld.kernel.mem.TracedMem.class, traced.kernel().mem.getClass());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"syscalls", "files", "callbench:read", "callbench:write", "callbench:openat",
        "callbench:lseek", "callbench:brk", "callbench:pipe", "callbench:fork", "kvstore", "forktest", "pipetest"})
    void sameWritesInEverySystemCall(String name) {
        FaultPlan on = FaultPlan.countingWrites();
        FaultPlan off = FaultPlan.countingWrites();
        Scenario.Result a = scenario(name, true).faults(on).run();
        Scenario.Result b = scenario(name, false).faults(off).run();
        assertTrue(a.allExited() && b.allExited());
        assertEquals(b.outputs(), a.outputs());
        assertEquals(b.instructions(), a.instructions(), "the same guest instructions");
        assertEquals(off.callsCounted(), on.callsCounted(), "the same system calls");
        long writes = 0;
        for (long n = 1; n <= on.callsCounted(); n++) {
            assertEquals(off.callName(n), on.callName(n));
            assertEquals(off.writesIn(n), on.writesIn(n), "writes in call " + n + " (" + on.callName(n) + ")");
            writes += on.writesIn(n);
        }
        assertTrue(writes > on.callsCounted(), "the trace saw the writes: " + writes);
    }
}
