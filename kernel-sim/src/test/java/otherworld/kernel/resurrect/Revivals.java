package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.kernel.mm.FilePages;

/** What the image tests share: one dead kernel of two processes, and running a revived kernel on. */
final class Revivals {
    private Revivals() { }

    private static DeadKernels.Dead sleeper;

    /**
     * sharedmap, crashed while it sleeps (its sleep record armed) with the 8 pages of its shared file mapping stored
     * through and never synced; made once.
     */
    static synchronized DeadKernels.Dead sleeper() {
        if (sleeper == null) {
            sleeper = DeadKernels.capture(new Scenario().add(Guests.program("sharedmap")), KernelConfig.defaults(),
                    (point, m) -> armedSleep(m.memory) >= 0
                            && usedFilePages(m.memory, m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_FPAGES)).size() == 8);
        }
        return sleeper;
    }

    /** The slot of the first armed sleep record of the dead kernel in ram, or -1. */
    static int armedSleep(PhysicalMemory ram) {
        long sleeps = ram.read64(DeadKernels.Dead.header(ram) + KH_SLEEPS);
        for (int i = 0; i < MAX_TASKS; i++) if (ram.read32(sleeps + (long) i * SLEEP.size() + SL_ARMED) == 1) return i;
        return -1;
    }

    /** The entries in use of the file-page table at table, in order: {frame, block, page index, entry index}. */
    static List<long[]> usedFilePages(PhysicalMemory ram, long table) {
        List<long[]> l = new ArrayList<>();
        int hwm = Math.min(ram.read32(table + FP_HWM), MAX_FPAGES);
        for (int i = 0; i < hwm; i++) {
            long e = FilePages.entry(table, i);
            if (ram.read32(e + FE_STATE) == FPAGE_FREE) continue;
            l.add(new long[] {ram.read64(e + FE_FRAME), ram.read64(e + FE_BLOCK), ram.read64(e + FE_INDEX), i});
        }
        return l;
    }

    /** The kernel the crash kernel made, attached, its call in flight finished, run for at most budget instructions. */
    static Kernel.Outcome runOn(DeadKernels.Revived r, long budget) {
        Kernel k = r.attach();
        k.finishInFlight();
        return k.run(budget);
    }
}
