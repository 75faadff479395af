package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelAudit;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;

/**
 * A dead kernel captured at its crash, to drive the crash kernel from Java. A scenario runs until its trigger says
 * "crash here" at a kernel hook point; there the RAM and the disk are copied as the crash kernel will find them and
 * the panic is thrown (the scenario itself then goes on through its real resurrection; its result is kept as the
 * reference). {@link Dead#machine()} gives a fresh machine holding a copy, for a test to edit the dead kernel's
 * memory; {@link #revive} runs one crash kernel on it. No guest instruction runs in a revival: a few milliseconds a
 * case, which a mutation run can afford for every mutant (issue 6).
 */
final class DeadKernels {
    private DeadKernels() { }

    /** Where to crash: asked at every kernel hook point, with the machine as it is there. */
    interface Trigger {
        boolean crashAt(String point, Machine m);
    }

    /** Crash at the {@code n}-th passage (1-based) of the hook point {@code name}. */
    static Trigger atPoint(String name, int n) {
        int[] seen = {0};
        return (point, m) -> point.equals(name) && ++seen[0] == n;
    }

    /** The dead machine: its RAM and disk bytes, its console count, the config it ran with, the scenario's result. */
    static final class Dead {
        final byte[] ram;
        final byte[] disk;
        final int consoles;
        final KernelConfig config;
        final String point;
        final Scenario.Result reference;

        private Dead(byte[] ram, byte[] disk, int consoles, KernelConfig config, String point, Scenario.Result reference) {
            this.ram = ram;
            this.disk = disk;
            this.consoles = consoles;
            this.config = config;
            this.point = point;
            this.reference = reference;
        }

        /** A fresh machine with the dead kernel's RAM and a copy of its disk (consoles empty, no input). */
        Machine machine() {
            List<Console> cs = new ArrayList<>();
            for (int i = 0; i < consoles; i++) cs.add(new Console("tty" + i));
            Machine m = new Machine(ram.length, cs, new MemoryDisk(disk.clone()));
            m.memory.write(PhysicalMemory.BASE, ram, 0, ram.length);
            return m;
        }

        /** The dead kernel's header, as the root descriptor names it. */
        static long header(PhysicalMemory mem) { return mem.read64(ROOT_PA + ROOT_HEADER); }

        /** The task record of the live task with this pid in the dead kernel of {@code mem}. */
        static long task(PhysicalMemory mem, int pid) {
            long tasks = mem.read64(header(mem) + KH_TASKS);
            for (int i = 0; i < MAX_TASKS; i++) {
                long t = tasks + (long) i * TASK.size();
                if (mem.read32(t + T_STATE) != TASK_FREE && mem.read32(t + T_PID) == pid) return t;
            }
            throw new IllegalStateException("no task with pid " + pid);
        }
    }

    /** Runs the scenario to the trigger and captures the dead machine there; fails if the trigger never fired. */
    static Dead capture(Scenario scenario, KernelConfig config, Trigger trigger) {
        Dead[] got = new Dead[1];
        Scenario.Result r = scenario.config(config).probe((Machine m) -> new KernelHooks() {
            @Override public void point(String name) {
                if (got[0] != null || !trigger.crashAt(name, m)) return;
                byte[] ram = new byte[(int) m.memory.size()];
                m.memory.read(PhysicalMemory.BASE, ram, 0, ram.length);
                byte[] disk = new byte[(int) m.disk.sizeBytes()];
                m.disk.read(0, disk, 0, disk.length);
                got[0] = new Dead(ram, disk, m.consoleCount(), config, name, null);
                throw new KernelPanic("DeadKernels: crash at " + name);
            }
        }).run();
        if (got[0] == null) throw new IllegalStateException("the trigger never fired");
        Dead d = got[0];
        return new Dead(d.ram, d.disk, d.consoles, config, d.point, r);
    }

    /** What one crash kernel made of a dead machine: its report, or what it threw; the hook points it passed. */
    record Revived(Machine machine, KernelConfig config, ResurrectionReport report, RuntimeException failure,
                   List<String> points) {
        /** The resurrected process with this pid in the report, or null. */
        ResurrectionReport.Process process(int pid) {
            if (report == null) return null;
            for (ResurrectionReport.Process p : report.processes) if (p.pid() == pid) return p;
            return null;
        }

        /** The audit of the new kernel's structures (empty: consistent, nothing leaked). */
        List<String> audit() { return KernelAudit.check(machine.memory); }

        /** The kernel the crash kernel made, attached as the machine's next kernel. */
        Kernel attach() { return Kernel.attach(machine, config, KernelHooks.NONE); }
    }

    /** Runs one crash kernel on the machine (the dead kernel's RAM, as the test left it). */
    static Revived revive(Machine m, KernelConfig config) {
        List<String> points = new ArrayList<>();
        KernelHooks hooks = new KernelHooks() {
            @Override public void point(String name) { points.add(name); }
        };
        try {
            return new Revived(m, config, new CrashKernel(m, config, hooks).resurrect(), null, points);
        } catch (RuntimeException e) {
            return new Revived(m, config, null, e, points);
        }
    }
}
