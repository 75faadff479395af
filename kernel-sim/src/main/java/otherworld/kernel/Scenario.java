package otherworld.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * One deterministic run of a machine: fresh RAM, a blank ext2 disk, one console per program, the programs started
 * at boot, an optional fault plan. Everything observed comes from the machine (console bytes, the disk image), so
 * two scenarios can be compared from outside.
 */
public final class Scenario {
    /** A guest program to start: its ELF image, argv, and what its console will type. */
    public record Program(String name, byte[] elf, List<String> argv, byte[] stdin) { }

    /**
     * What could be seen of the run from outside. {@code exitStatus}: per program, the wait status of the exit it
     * made, or -1 if it made none (killed, or still running). {@code syscalls}: ecalls the processes made.
     * {@code audit}: what {@link KernelAudit} found after each resurrection and at the end (leaks, wrong counts).
     */
    public record Result(List<String> outputs, List<Integer> exitStatus, boolean allExited, boolean halted, byte[] disk,
                         long instructions,
                         long syscalls, List<ResurrectionReport> reports, List<String> faults, List<String> log,
                         List<String> audit) {
        /** Contents of a file on the final disk, or null if absent. */
        public byte[] file(String path) { return readFile(disk, path); }
    }

    private final List<Program> programs = new ArrayList<>();
    private KernelConfig config = KernelConfig.defaults();
    private FaultPlan faults = FaultPlan.none();
    private java.util.function.Function<Machine, KernelHooks> probe = m -> KernelHooks.NONE;
    private Consumer<String> log = s -> { };
    private int ramBytes = 64 << 20;
    private long maxInstructions = 20_000_000_000L;
    private byte[] diskImage;
    private java.util.function.UnaryOperator<otherworld.emulator.BlockDevice> diskFaults = d -> d;

    public Scenario add(Program p) {
        programs.add(p);
        return this;
    }

    public Scenario config(KernelConfig c) {
        this.config = c;
        return this;
    }

    public Scenario faults(FaultPlan f) {
        this.faults = f;
        return this;
    }

    public Scenario probe(KernelHooks p) {
        this.probe = m -> p;
        return this;
    }

    /** A probe that needs the machine (to look at RAM from outside). */
    public Scenario probe(java.util.function.Function<Machine, KernelHooks> factory) {
        this.probe = factory;
        return this;
    }

    public Scenario log(Consumer<String> sink) {
        this.log = sink;
        return this;
    }

    public Scenario maxInstructions(long n) {
        this.maxInstructions = n;
        return this;
    }

    /** Start from this ext2 image instead of a blank one (the image given is not changed). */
    public Scenario disk(byte[] image) {
        this.diskImage = image;
        return this;
    }

    /** The machine's disk is the image behind this wrapper (a faulty disk: fault.FaultyDisk). */
    public Scenario diskFaults(java.util.function.UnaryOperator<otherworld.emulator.BlockDevice> wrap) {
        this.diskFaults = wrap;
        return this;
    }

    public Scenario ram(int bytes) {
        this.ramBytes = bytes;
        return this;
    }

    public Result run() {
        List<Console> consoles = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) consoles.add(new Console("tty" + i, programs.get(i).stdin()));
        MemoryDisk disk = diskImage == null ? Disks.blankExt2() : new MemoryDisk(diskImage);
        Machine m = new Machine(ramBytes, consoles, diskFaults.apply(disk));
        List<String> lines = new ArrayList<>();
        Observer seen = new Observer(probe.apply(m), m);
        Computer c = new Computer(m, config).faults(faults).probe(seen).log(l -> {
            lines.add(l);
            log.accept(l);
        });
        try {
            c.boot();
        } catch (otherworld.kernel.fs.Ext2Exception | IllegalStateException e) {
            throw new IllegalArgumentException("cannot boot from this disk: " + e.getMessage(), e);
        }
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Program p = programs.get(i);
            try {
                pids.add(c.spawn("/bin/" + p.name(), p.elf(), p.argv(), i));
            } catch (Exec.ExecException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        boolean done = c.run(maxInstructions);
        c.sync();
        if (c.kernel() != null) {
            for (String a : KernelAudit.check(m.memory)) seen.audit.add("at the end: " + a);
        }
        List<String> outs = new ArrayList<>();
        for (Console con : consoles) outs.add(con.outputString());
        List<Integer> exits = new ArrayList<>();
        for (int pid : pids) exits.add(seen.exits.getOrDefault(pid, -1));
        return new Result(outs, exits, done, c.halted(), disk.image(), m.clock(), seen.ecalls, c.reports(),
                faults.firedAt(), lines, seen.audit);
    }

    /**
     * Watches the hart from outside: counts ecalls (every system call a process makes, a restarted one again) and
     * records the status each process hands to exit/exit_group, as a wait status. Passes everything on to the
     * scenario's own probe.
     */
    private static final class Observer implements KernelHooks {
        final KernelHooks next;
        final Machine machine;
        final java.util.Map<Integer, Integer> exits = new java.util.HashMap<>();
        final List<String> audit = new ArrayList<>();
        long ecalls;
        int resurrections;

        Observer(KernelHooks next, Machine machine) {
            this.next = next;
            this.machine = machine;
        }

        @Override public void resurrected(ResurrectionReport report) {
            resurrections++;
            for (String a : KernelAudit.check(machine.memory)) audit.add("after resurrection " + resurrections + ": " + a);
            next.resurrected(report);
        }

        @Override public void point(String name) { next.point(name); }
        @Override public void syscallStarted(int nr) { next.syscallStarted(nr); }
        @Override public void dispatch(otherworld.emulator.Hart hart, int pid) { next.dispatch(hart, pid); }

        @Override public void trapped(otherworld.emulator.Hart hart, int pid, otherworld.emulator.TrapCause cause) {
            if (cause == otherworld.emulator.TrapCause.ECALL_FROM_U) {
                ecalls++;
                if (hart.x[17] == otherworld.kernel.sys.Sysno.EXIT || hart.x[17] == otherworld.kernel.sys.Sysno.EXIT_GROUP) {
                    exits.put(pid, (int) (hart.x[10] & 0xFF) << 8);
                }
            }
            next.trapped(hart, pid, cause);
        }
    }

    /** The names in the root directory of an ext2 image (host-side, on a copy). */
    public static List<String> listFiles(byte[] image) {
        List<String> names = mount(image).list("/");
        return names == null ? List.of() : names;
    }

    private static Ext2 mount(byte[] image) {
        PhysicalMemory scratch = new PhysicalMemory(1 << 20);
        MemoryDisk d = new MemoryDisk(image.clone());
        BlockCache cache = BlockCache.format(new DirectMem(scratch), d, scratch.base(), 64);
        return Ext2.mount(cache, () -> 0);
    }

    /** Read a regular file from an ext2 image (host-side, through the same driver on scratch memory). */
    public static byte[] readFile(byte[] image, String path) {
        Ext2 fs = mount(image);
        int ino = fs.lookup(path);
        if (ino < 0) return null;
        Stat st = fs.stat(ino);
        byte[] b = new byte[(int) st.size()];
        int got = fs.read(ino, 0, b, 0, b.length);
        if (got != b.length) throw new IllegalStateException("short read of " + path);
        return b;
    }
}
