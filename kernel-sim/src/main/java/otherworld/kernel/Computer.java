package otherworld.kernel;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.TrapCause;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.resurrect.CrashKernel;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * A machine with its kernel. It holds the only reference to the main kernel object; when the kernel panics it
 * drops that object (rule 2) and starts a crash kernel that receives only the machine and the root descriptor's
 * address (the microreboot). If the crash kernel itself crashes, another one starts from the same root.
 */
public final class Computer {
    public static final int MAX_CRASH_KERNEL_ATTEMPTS = 4;
    /**
     * A crash loop (issue 11, found by the campaign: ow replay regs:bit-flip:8a2ef65f5ecb573a looped on the host):
     * this many panics in a row, each before any system call was completed and within {@link #LOOP_INSTRUCTIONS}
     * instructions of the resurrection before it, halt the machine instead of resurrecting for ever.
     */
    public static final int MAX_PANICS_WITHOUT_PROGRESS = 16;
    public static final long LOOP_INSTRUCTIONS = 10_000;
    private int panicsWithoutProgress;
    private long resurrectedAt = -1;
    private long callsDoneAtResurrection;

    public final Machine machine;
    private final KernelConfig config;
    private final Hooks hooks;
    private Kernel kernel;
    private boolean halted;
    /** A crash kernel has just handed over: the new kernel finishes the interrupted call before anything runs. */
    private boolean finishPending;
    private final List<ResurrectionReport> reports = new ArrayList<>();
    private WeakReference<Kernel> lastDead = new WeakReference<>(null);

    /** Hooks the computer gives its kernels: fault plan, log, probes. */
    public static final class Hooks implements KernelHooks {
        FaultPlan faults = FaultPlan.none();
        Consumer<String> log = s -> { };
        KernelHooks probe = KernelHooks.NONE;

        /** System calls that reached their end ("syscall.done"): progress, for the crash-loop guard. */
        long callsDone;

        @Override public void point(String name) {
            if (name.equals("syscall.done")) callsDone++;
            probe.point(name);
            faults.point(name);
        }
        @Override public void syscallStarted(int nr) { faults.syscallStarted(nr); probe.syscallStarted(nr); }
        @Override public boolean tracesWrites() { return faults.tracesWrites() || probe.tracesWrites(); }
        @Override public void kernelWrite(long pa, int len) {
            probe.kernelWrite(pa, len);
            faults.kernelWrite(pa, len);
        }
        @Override public void log(String line) { log.accept(line); }
        @Override public void dispatch(Hart hart, int pid) { probe.dispatch(hart, pid); }
        @Override public void trapped(Hart hart, int pid, TrapCause cause) { probe.trapped(hart, pid, cause); }
        @Override public void resurrected(ResurrectionReport report) { probe.resurrected(report); }
    }

    public Computer(Machine machine, KernelConfig config) {
        this.machine = machine;
        this.config = config;
        this.hooks = new Hooks();
    }

    public Computer log(Consumer<String> sink) {
        hooks.log = sink;
        return this;
    }

    public Computer faults(FaultPlan plan) {
        hooks.faults = plan;
        return this;
    }

    public Computer probe(KernelHooks probe) {
        hooks.probe = probe;
        return this;
    }

    public Computer boot() {
        kernel = Kernel.boot(machine, config, hooks);
        return this;
    }

    public int spawn(String path, byte[] elf, List<String> argv, int tty) throws Exec.ExecException {
        return kernel.spawn(path, elf, argv, tty);
    }

    public Kernel kernel() { return kernel; }

    /** Set for a person at an open console (ow run on a host terminal): when every process waits, the host waits. */
    private boolean interactive;

    public Computer interactive(boolean on) {
        this.interactive = on;
        return this;
    }

    /**
     * Every process waits: with a person at an open console, the host waits until they type, resize the window or
     * close the line (a short while at most, then the kernel looks again). False when nothing outside can come.
     */
    private boolean awaitOutside() {
        if (!interactive) return false;
        for (otherworld.emulator.Console c : machine.consoles()) {
            if (!c.isOpen()) continue;
            try {
                c.await(c.winsize(), 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        }
        return false;
    }

    public boolean halted() { return halted; }

    /**
     * The end of a run: every dirty block written back, as the kernel's last act. A device error there is a panic
     * like any other (issue 11: a disk write that fails at the final write-back escaped to the host): the crash
     * kernel resurrects and flushes what is dirty, and the write-back is made again, at most as often as crash
     * kernels are tried.
     */
    public void sync() {
        for (int i = 0; i <= MAX_CRASH_KERNEL_ATTEMPTS && kernel != null && !halted; i++) {
            try {
                if (finishPending) {
                    finishPending = false;
                    String done = kernel.finishInFlight();
                    if (done != null) hooks.log("[" + machine.clock() + "] resurrected kernel: " + done);
                }
                kernel.sync();
                return;
            } catch (RuntimeException | StackOverflowError e) {
                microreboot(e);
            }
        }
    }

    public List<ResurrectionReport> reports() { return reports; }

    /** The kernel object dropped at the last crash, for the test that proves it unreachable. */
    public WeakReference<Kernel> lastDeadKernel() { return lastDead; }

    /**
     * The kernel panics now, between two instructions (as a watchdog or an outside fault would make it), and is
     * resurrected: for measuring resurrection. Returns the report, or null if the machine halted.
     */
    public ResurrectionReport panicNow(String why) {
        int before = reports.size();
        microreboot(new KernelPanic(why));
        return reports.size() > before ? reports.get(reports.size() - 1) : null;
    }

    /**
     * Run until every process has exited, the machine halts, every live process is blocked, or maxInstructions pass.
     * True if all exited.
     */
    public boolean run(long maxInstructions) {
        long stop = machine.clock() + maxInstructions;
        while (!halted && machine.clock() < stop) {
            try {
                if (finishPending) {
                    finishPending = false;
                    String done = kernel.finishInFlight();
                    if (done != null) hooks.log("[" + machine.clock() + "] resurrected kernel: " + done);
                }
                Kernel.Outcome o = kernel.run(stop - machine.clock());
                if (o == Kernel.Outcome.ALL_EXITED) return true;
                if (o == Kernel.Outcome.ALL_BLOCKED && !awaitOutside()) return false; // nothing can run until something outside happens
            } catch (RuntimeException | StackOverflowError e) {
                boolean progress = resurrectedAt < 0 || hooks.callsDone != callsDoneAtResurrection
                        || machine.clock() - resurrectedAt >= LOOP_INSTRUCTIONS;
                panicsWithoutProgress = progress ? 0 : panicsWithoutProgress + 1;
                if (panicsWithoutProgress >= MAX_PANICS_WITHOUT_PROGRESS) {
                    hooks.log("[" + machine.clock() + "] PANIC: " + describe(e));
                    hooks.log("crash loop: " + MAX_PANICS_WITHOUT_PROGRESS + " panics in a row, each within " + LOOP_INSTRUCTIONS
                            + " instructions of its resurrection: machine halted");
                    halted = true;
                    return false;
                }
                microreboot(e);
                resurrectedAt = machine.clock();
                callsDoneAtResurrection = hooks.callsDone;
            }
        }
        return false;
    }

    /**
     * The kernel died: drop it, start crash kernels from the root descriptor until one succeeds. Whether Otherworld is
     * on is read here and at boot, and nowhere else (ModeIsReadOnlyAtBootAndPanicTest).
     */
    void microreboot(Throwable cause) {
        hooks.log("[" + machine.clock() + "] PANIC: " + describe(cause));
        lastDead = new WeakReference<>(kernel);
        kernel = null; // the only reference: the dead kernel's Java heap is gone
        if (!config.otherworld()) {
            hooks.log("Otherworld is off: machine halted");
            halted = true;
            return;
        }
        long start = System.nanoTime();
        for (int attempt = 1; attempt <= MAX_CRASH_KERNEL_ATTEMPTS; attempt++) {
            hooks.log("microreboot: crash kernel starts (attempt " + attempt + ")");
            try {
                CrashKernel ck = new CrashKernel(machine, config, hooks);
                ResurrectionReport r = ck.resurrect();
                r.nanos = System.nanoTime() - start;
                reports.add(r);
                for (String line : r.lines()) hooks.log(line);
                kernel = Kernel.attach(machine, config, hooks);
                finishPending = true;
                hooks.resurrected(r);
                return;
            } catch (RuntimeException | StackOverflowError e) {
                hooks.log("crash kernel failed: " + describe(e));
            }
        }
        hooks.log("no crash kernel succeeded: machine halted");
        halted = true;
    }

    static String describe(Throwable t) {
        String where = t.getStackTrace().length > 0 ? " (" + t.getStackTrace()[0] + ")" : "";
        return t instanceof KernelPanic ? t.getMessage() : t + where;
    }
}
