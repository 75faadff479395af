package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.Map;
import java.util.TreeMap;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.CopyOnWrite;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.verified.Sv39;

/**
 * What the direct tests of the crash kernel's build phase and of its validator share (issue 6): a dead kernel
 * revived with its consoles as they were at the crash (a crash kernel compares their counters with the ttys': a
 * console write or an echo in flight), and readers of a kernel's structures by their layout.
 */
final class CrashKernelBuildFixture {
    private CrashKernelBuildFixture() { }

    /**
     * The RAM of the captured machines: enough for the two kernel regions and the small programs, and small enough
     * that the captures of all the direct tests (each a copy of RAM and disk) fit a mutation run's minion.
     */
    static final int RAM = 16 << 20;

    /** A dead kernel, revived with its consoles as at the crash ({@link DeadKernels.Dead#machineAtCrash}). */
    record Captured(DeadKernels.Dead dead) {
        Machine machine() { return dead.machineAtCrash(); }

        DeadKernels.Revived revive(Machine m) { return DeadKernels.revive(m, dead.config); }
    }

    /** The scenario (cut short after the crash: maxInstructions) run to the trigger. */
    static Captured capture(Scenario s, DeadKernels.Trigger trigger) {
        return new Captured(DeadKernels.capture(s, KernelConfig.defaults(), trigger));
    }

    /** Crash at point once the current task's call is nr (its a7), the n-th time. */
    static DeadKernels.Trigger atCall(String point, long nr, int n) {
        int[] seen = {0};
        return (p, m) -> p.equals(point) && currentTask(m.memory) >= 0
                && m.memory.read64(currentTask(m.memory) + T_X + 8L * 17) == nr && ++seen[0] == n;
    }

    /** Crash at point once some live task satisfies the test, the n-th time. */
    static DeadKernels.Trigger whenSome(String point, TaskTest test, int n) {
        int[] seen = {0};
        return (p, m) -> {
            if (!p.equals(point)) return false;
            Kern k = new Kern(m.memory, header(m.memory));
            for (int i = 0; i < MAX_TASKS; i++) {
                if (k.state(i) != TASK_FREE && test.holds(k, i)) return ++seen[0] == n;
            }
            return false;
        };
    }

    interface TaskTest {
        boolean holds(Kern k, int slot);
    }

    static long header(PhysicalMemory mem) { return mem.read64(ROOT_PA + ROOT_HEADER); }

    /** The current task's record, or -1. */
    static long currentTask(PhysicalMemory mem) {
        Kern k = new Kern(mem, header(mem));
        int c = (int) mem.read64(k.h + KH_CURRENT);
        return c >= 0 && c < MAX_TASKS ? k.task(c) : -1;
    }

    /** A kernel's structures, read through its header (dead or new: both lie in RAM after a revival). */
    static final class Kern {
        final PhysicalMemory ram;
        final long h;

        Kern(PhysicalMemory ram, long header) {
            this.ram = ram;
            this.h = header;
        }

        long task(int slot) { return ram.read64(h + KH_TASKS) + (long) slot * TASK.size(); }
        int state(int slot) { return ram.read32(task(slot) + T_STATE); }
        int pid(int slot) { return ram.read32(task(slot) + T_PID); }
        long file(int f) { return ram.read64(h + KH_FILES) + (long) f * FILE.size(); }
        int fd(int slot, int fd) { return ram.read32(task(slot) + T_FD + 4L * fd); }
        long tty(int i) { return ram.read64(h + KH_TTYS) + (long) i * TTY.size(); }
        long proc(int slot) { return ram.read64(h + KH_PROCS) + (long) slot * PROC.size(); }
        long pipe(int p) { return ram.read64(h + KH_PIPES) + (long) p * PIPE.size(); }
        long vmat(int slot) { return ram.read64(h + KH_VMAS) + (long) slot * VMAT.size(); }
        long satp(int slot) { return ram.read64(task(slot) + T_SATP); }
        long reg(int slot, int x) { return ram.read64(task(slot) + T_X + 8L * x); }

        /** The slot of the task (not free) with this pid, or -1. */
        int slotOf(int pid) {
            for (int i = 0; i < MAX_TASKS; i++) if (state(i) != TASK_FREE && pid(i) == pid) return i;
            return -1;
        }

        /** The first slot (not free) satisfying the test, or -1. */
        int first(TaskTest test) {
            for (int i = 0; i < MAX_TASKS; i++) if (state(i) != TASK_FREE && test.holds(this, i)) return i;
            return -1;
        }

        /** The task's pages: va -> {pa, R|W|X|COW|SHARED bits}, read through its page tables. */
        Map<Long, long[]> pages(int slot) {
            Map<Long, long[]> out = new TreeMap<>();
            long keep = Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X | CopyOnWrite.PTE_COW | PageTable.PTE_SHARED;
            new PageTable(new ReadOnlyMem(ram), null, Sv39.satpRootPa(satp(slot))).forEachLeaf((va, pte) ->
                    out.put(va, new long[] {Sv39.paOf(Sv39.ptePpn(pte)), pte & keep}));
            return out;
        }

        byte[] bytes(long pa, int len) {
            byte[] b = new byte[len];
            ram.read(pa, b, 0, len);
            return b;
        }

        boolean frameUsed(long pa) {
            long i = (pa - ram.base()) / Sv39.PAGE_SIZE;
            return (ram.read64(ram.read64(h + KH_BITMAP) + i / 64 * 8) >>> (i % 64) & 1) != 0;
        }

        int sharers(long pa) { return ram.read16(ram.read64(h + KH_FRAME_REFS) + 2 * ((pa - ram.base()) / Sv39.PAGE_SIZE)); }
    }

    /** The dead kernel of a machine that has not been revived yet. */
    static Kern dead(Machine m) { return new Kern(m.memory, header(m.memory)); }

    /** The kernel the crash kernel made (the root descriptor names it once it committed). */
    static Kern made(DeadKernels.Revived r) { return new Kern(r.machine().memory, header(r.machine().memory)); }
}
