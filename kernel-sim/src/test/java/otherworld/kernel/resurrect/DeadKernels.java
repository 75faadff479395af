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

    /**
     * The dead machine: its RAM and disk bytes, its consoles at the crash (the bytes each had sent, and how many it had
     * taken from its input), the config it ran with, the scenario's result.
     */
    static final class Dead {
        final byte[] ram;
        final byte[] disk;
        final int consoles;
        final byte[][] sent;
        final long[] taken;
        final KernelConfig config;
        final String point;
        final Scenario.Result reference;

        private Dead(byte[] ram, byte[] disk, byte[][] sent, long[] taken, KernelConfig config, String point,
                     Scenario.Result reference) {
            this.ram = ram;
            this.disk = disk;
            this.consoles = sent.length;
            this.sent = sent;
            this.taken = taken;
            this.config = config;
            this.point = point;
            this.reference = reference;
        }

        /** A fresh machine with the dead kernel's RAM and a copy of its disk (consoles empty, no input). */
        Machine machine() {
            List<Console> cs = new ArrayList<>();
            for (int i = 0; i < consoles; i++) cs.add(new Console("tty" + i));
            return withRam(cs);
        }

        /**
         * A fresh machine as {@link #machine()}, its consoles as at the crash: they have sent the same bytes and taken
         * as many from their input (none left to type). A crash kernel compares them with the ttys' counters (a console
         * write or an echo in flight).
         */
        Machine machineAtCrash() {
            List<Console> cs = new ArrayList<>();
            for (int i = 0; i < consoles; i++) {
                Console c = new Console("tty" + i, new byte[(int) taken[i]]);
                for (long k = 0; k < taken[i]; k++) c.take();
                for (byte b : sent[i]) c.put(b & 0xFF);
                cs.add(c);
            }
            return withRam(cs);
        }

        private Machine withRam(List<Console> cs) {
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
                byte[][] sent = new byte[m.consoleCount()][];
                long[] taken = new long[sent.length];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = m.console(i).output();
                    taken[i] = m.console(i).bytesIn();
                }
                got[0] = new Dead(ram, disk, sent, taken, config, name, null);
                throw new KernelPanic("DeadKernels: crash at " + name);
            }
        }).run();
        if (got[0] == null) throw new IllegalStateException("the trigger never fired");
        Dead d = got[0];
        return new Dead(d.ram, d.disk, d.sent, d.taken, config, d.point, r);
    }

    private static Dead two;

    /**
     * The dead kernel most direct tests share, captured once a JVM: checksum (pid 1) and kvstore (pid 2) of
     * ValidatorCorruptionTest.two(), crashed just after the commit of the 200th call (checksum's write(3, buf, 64) to
     * records.dat, its tail not made; kvstore interrupted by the timer, its recovery procedure registered).
     */
    static synchronized Dead two() {
        if (two == null) {
            two = capture(ValidatorCorruptionTest.two(), KernelConfig.defaults(), atPoint("syscall.after-commit", 200));
        }
        return two;
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
