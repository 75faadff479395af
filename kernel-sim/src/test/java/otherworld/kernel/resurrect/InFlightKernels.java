package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Region;
import otherworld.kernel.Scenario;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.verified.Sv39;

/**
 * What the crash kernel's decision phase needs beyond {@link DeadKernels}: a dead kernel crashed inside a given system
 * call, the current task's trap frame, user memory through the dead page tables, and
 * a crash kernel that itself crashes at one of its own hook points.
 */
final class InFlightKernels {
    private InFlightKernels() { }

    static final KernelConfig CONFIG = KernelConfig.defaults();

    /** Crash at a hook point while the current task is in system call {@code nr} and {@code when} holds there. */
    interface TaskTest {
        boolean holds(PhysicalMemory mem, long task);
    }

    static DeadKernels.Trigger inCall(String point, int nr, TaskTest when) {
        return (p, m) -> {
            if (!p.equals(point)) return false;
            long t = current(m.memory);
            return t >= 0 && m.memory.read64(t + T_CAUSE) == CAUSE_ECALL && m.memory.read64(t + T_X + 8L * 17) == nr
                    && when.holds(m.memory, t);
        };
    }

    /** Captures at the trigger (its consoles as there: {@link DeadKernels.Dead#machineAtCrash}). */
    static DeadKernels.Dead capture(Scenario s, DeadKernels.Trigger trigger) {
        return DeadKernels.capture(s, CONFIG, trigger);
    }

    /** The task record of the dead kernel's current task, or -1. */
    static long current(PhysicalMemory mem) {
        long h = DeadKernels.Dead.header(mem);
        long slot = mem.read64(h + KH_CURRENT);
        if (slot < 0 || slot >= MAX_TASKS) return -1;
        return mem.read64(h + KH_TASKS) + slot * TASK.size();
    }

    /** Register x{@code n} of a task's trap frame. */
    static long x(PhysicalMemory mem, long t, int n) { return mem.read64(t + T_X + 8L * n); }

    static void setX(PhysicalMemory mem, long t, int n, long value) { mem.write64(t + T_X + 8L * n, value); }

    /** The address of the PTE of va in the task's page tables (-1 if its tables do not reach it). */
    static long pte(PhysicalMemory mem, long t, long va) {
        return new PageTable(new DirectMem(mem), null, Sv39.satpRootPa(mem.read64(t + T_SATP))).pteAddress(va, false);
    }

    /** The physical address of user address va of the task (the page must be mapped). */
    static long userPa(PhysicalMemory mem, long t, long va) {
        long pte = mem.read64(pte(mem, t, va));
        if (!Sv39.isValid(pte)) throw new IllegalStateException(String.format("0x%x not mapped", va));
        return Sv39.paOf(Sv39.ptePpn(pte)) + (va & (Sv39.PAGE_SIZE - 1));
    }

    /** The dead kernel's crash region, laid out as the crash kernel lays it: where its resurrection record lies. */
    static long resurrectionRecord(PhysicalMemory mem) {
        long h = DeadKernels.Dead.header(mem);
        return Region.layout(mem.read64(h + KH_CRASH_BASE), mem.read64(h + KH_CRASH_SIZE), (int) mem.read64(h + KH_NFRAMES),
                CONFIG.cacheSlots()).rrec();
    }

    /** Runs a crash kernel that itself crashes at its hook point {@code at}; fails if it got past it. */
    static void crashingCrashKernel(Machine m, String at) {
        KernelHooks hooks = new KernelHooks() {
            @Override public void point(String name) {
                if (name.equals(at)) throw new KernelPanic("the crash kernel crashed at " + name);
            }
        };
        try {
            new CrashKernel(m, CONFIG, hooks).resurrect();
        } catch (KernelPanic e) {
            if (e.getMessage().equals("the crash kernel crashed at " + at)) return;
            throw e;
        }
        throw new AssertionError("the crash kernel never reached " + at);
    }

    /** The open-file record behind fd of the task. */
    static long fileOf(PhysicalMemory mem, long task, int fd) {
        return mem.read64(DeadKernels.Dead.header(mem) + KH_FILES) + (long) mem.read32(task + T_FD + 4L * fd) * FILE.size();
    }

    /** The one process refused is pid's (the others back), nothing leaked; its line of the report. */
    static ResurrectionReport.Process refusedOnly(DeadKernels.Revived r, int pid) {
        assertNull(r.failure());
        for (ResurrectionReport.Process p : r.report().processes) {
            assertEquals(p.pid() != pid, p.resurrected(), r.report().lines().toString());
        }
        assertEquals(List.of(), r.audit(), "the refused process's frames and files are not leaked");
        return r.process(pid);
    }
}
