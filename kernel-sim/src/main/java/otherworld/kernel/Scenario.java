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
    /**
     * A guest program to start: its ELF image, argv, what its console will type, its environment, whether its stderr
     * goes to a console of its own (else to the same tty as stdin and stdout), and which of fds 0..2 stand for a
     * host pipe or file rather than a terminal (bit fd set: see {@link Kernel.Stdio}).
     */
    public record Program(String name, byte[] elf, List<String> argv, byte[] stdin, List<String> env,
                          boolean separateStderr, int notTerminal) {
        public Program(String name, byte[] elf, List<String> argv, byte[] stdin) {
            this(name, elf, argv, stdin, List.of(), false, 0);
        }

        public Program withEnv(List<String> e) {
            return new Program(name, elf, argv, stdin, List.copyOf(e), separateStderr, notTerminal);
        }

        public Program withStdio(boolean separate, int notTerm) {
            return new Program(name, elf, argv, stdin, env, separate, notTerm);
        }
    }

    /**
     * What could be seen of the run from outside. {@code exitStatus}: per program, the wait status of the exit it
     * made, or -1 if it made none (killed, or still running). {@code syscalls}: ecalls the processes made.
     * {@code audit}: what {@link KernelAudit} found after each resurrection and at the end (leaks, wrong counts).
     */
    public record Result(List<String> outputs, List<Integer> exitStatus, boolean allExited, boolean halted,
                         FinalDisk finalDisk, long instructions,
                         long syscalls, List<ResurrectionReport> reports, List<String> faults, List<String> log,
                         List<String> audit, List<byte[]> stdout, List<byte[]> stderr,
                         java.util.Map<String, Long> callCounts, java.util.Map<String, Long> enosys) {
        /** The final disk's image: made on the first call (as large as the disk), the same array after. */
        public byte[] disk() { return finalDisk.image(); }

        /** Contents of a file on the final disk, or null if absent. */
        public byte[] file(String path) { return readFile(finalDisk.copy(), path); }
    }

    /**
     * The disk as a run left it. Its image as one array costs as much memory as the disk is large, free space
     * included, so it is made only for a caller that asks for it.
     */
    public static final class FinalDisk {
        private final MemoryDisk disk;
        private byte[] image;

        /** A final disk that is this image (a result made by hand, in a test). */
        public static FinalDisk of(byte[] image) {
            return new FinalDisk(null, image);
        }

        /** One of the two: a disk whose image is made when asked for, or the image itself. */
        FinalDisk(MemoryDisk disk, byte[] image) {
            this.disk = disk;
            this.image = image;
        }

        /** The whole disk as one array, made once: every call returns the same array. */
        public synchronized byte[] image() {
            if (image == null) image = disk.image();
            return image;
        }

        /** A disk of the caller's own with these bytes (as the image now reads, if it was made and changed). */
        public synchronized MemoryDisk copy() { return image == null ? disk.copy() : new MemoryDisk(image); }
    }

    private final List<Program> programs = new ArrayList<>();
    private KernelConfig config = KernelConfig.defaults();
    private FaultPlan faults = FaultPlan.none();
    private java.util.function.Function<Machine, KernelHooks> probe = m -> KernelHooks.NONE;
    private Consumer<String> log = s -> { };
    private int ramBytes = 64 << 20;
    private long maxInstructions = 20_000_000_000L;
    private byte[] diskImage;
    private MemoryDisk diskStart;
    private final java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    private String workingDirectory;
    private java.io.OutputStream echoOut, echoErr;
    private java.util.function.UnaryOperator<otherworld.emulator.BlockDevice> diskFaults = d -> d;

    public Scenario add(Program p) {
        programs.add(p);
        return this;
    }

    public Scenario config(KernelConfig c) {
        this.config = c;
        return this;
    }

    private boolean audited = true;

    /**
     * Whether {@link KernelAudit} checks the kernel at the end of the run (default: yes). A benchmark turns it off:
     * it is the tests' oracle, not the kernel's work.
     */
    public Scenario audited(boolean on) {
        this.audited = on;
        return this;
    }

    /** Run in the enhanced mode (check bytes on every write of the kernel into its structures), or not. */
    public Scenario enhanced(boolean on) {
        this.config = config.withEnhanced(on);
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
        this.diskStart = null;
        return this;
    }

    /** Start from a copy of this disk instead of a blank one (the disk given is not changed). */
    public Scenario disk(MemoryDisk start) {
        this.diskStart = start;
        this.diskImage = null;
        return this;
    }

    /** A file (mode 0755) put on the disk before boot: an executable for execve, or a script. */
    public Scenario file(String path, byte[] content) {
        files.put(path, content);
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

    /** An empty directory (parents made as needed) put on the disk before boot: a working directory, say. */
    public Scenario directory(String path) {
        files.put(path, null);
        return this;
    }

    /** The programs start in this directory of the disk (absolute; it must exist) instead of the root. */
    public Scenario workingDirectory(String path) {
        this.workingDirectory = path;
        return this;
    }

    /** The first program's stdout (and its stderr, when it has a console of its own) go to these as they are written. */
    public Scenario echo(java.io.OutputStream out, java.io.OutputStream err) {
        this.echoOut = out;
        this.echoErr = err;
        return this;
    }

    private Consumer<Console> person;

    /**
     * A person is at the first program's console (ow run on a host terminal): it is open and a terminal (its tty in
     * Linux's default mode), {@code attach} is given it to type into and resize, and when every process waits the
     * run waits for them.
     */
    public Scenario interactive(Consumer<Console> attach) {
        this.person = attach;
        return this;
    }

    public Result run() {
        List<Console> consoles = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) consoles.add(new Console("tty" + i, programs.get(i).stdin()));
        if (person != null && !consoles.isEmpty()) person.accept(consoles.get(0).open().terminal(true));
        int[] errTty = new int[programs.size()];
        for (int i = 0; i < programs.size(); i++) {
            errTty[i] = i;
            if (programs.get(i).separateStderr()) {
                errTty[i] = consoles.size();
                consoles.add(new Console("tty" + i + "-stderr"));
            }
        }
        if (person != null && !programs.isEmpty() && errTty[0] != 0) consoles.get(errTty[0]).terminal(true);
        if (echoOut != null && !consoles.isEmpty()) consoles.get(0).echoTo(printStream(echoOut));
        if (echoErr != null && !programs.isEmpty() && errTty[0] != 0) consoles.get(errTty[0]).echoTo(printStream(echoErr));
        MemoryDisk disk = diskStart != null ? diskStart.copy() : diskImage != null ? new MemoryDisk(diskImage) : Disks.blankExt2();
        if (!files.isEmpty()) {
            addFiles(disk, files);
            disk = disk.copy(); // the machine's disk: its write counter starts at zero
        }
        Machine m = new Machine(ramBytes, consoles, diskFaults.apply(disk));
        List<String> lines = new ArrayList<>();
        Observer seen = new Observer(probe.apply(m), m);
        Computer c = new Computer(m, config).faults(faults).probe(seen).interactive(person != null).log(l -> {
            lines.add(l);
            log.accept(l);
        });
        try {
            c.boot();
        } catch (otherworld.kernel.fs.Ext2Exception | IllegalStateException e) {
            throw new IllegalArgumentException("cannot boot from this disk: " + e.getMessage(), e);
        }
        int cwd = 0;
        if (workingDirectory != null) {
            cwd = c.kernel().fs.lookup(workingDirectory);
            if (cwd < 0) throw new IllegalArgumentException("working directory " + workingDirectory + " is not on the disk");
        }
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            Program p = programs.get(i);
            try {
                Kernel.Stdio io = new Kernel.Stdio(i, i, errTty[i], p.notTerminal());
                int pid = c.kernel().spawn("/bin/" + p.name(), p.elf(), p.argv(), p.env(), io);
                if (cwd > 0) c.kernel().fsctx.setCwd(slotOf(c.kernel(), pid), cwd);
                pids.add(pid);
            } catch (Exec.ExecException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        boolean done = c.run(maxInstructions);
        faults.stop();
        c.sync();
        if (c.kernel() != null && audited) {
            for (String a : KernelAudit.check(m.memory)) seen.audit.add("at the end: " + a);
        }
        List<String> outs = new ArrayList<>();
        List<byte[]> stdout = new ArrayList<>();
        List<byte[]> stderr = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            outs.add(consoles.get(i).outputString());
            stdout.add(consoles.get(i).output());
            stderr.add(errTty[i] == i ? new byte[0] : consoles.get(errTty[i]).output());
        }
        List<Integer> exits = new ArrayList<>();
        for (int pid : pids) exits.add(seen.exits.getOrDefault(pid, c.kernel() == null ? -1 : killedStatus(c.kernel(), pid)));
        if (echoOut != null) flush(echoOut);
        if (echoErr != null) flush(echoErr);
        return new Result(outs, exits, done, c.halted(), new FinalDisk(disk, null), m.clock(), seen.ecalls, c.reports(),
                faults.firedAt(), lines, seen.audit, stdout, stderr, seen.counts, seen.enosys);
    }

    private static java.io.PrintStream printStream(java.io.OutputStream o) {
        return o instanceof java.io.PrintStream ps ? ps : new java.io.PrintStream(o, false);
    }

    private static void flush(java.io.OutputStream o) {
        try {
            o.flush();
        } catch (java.io.IOException e) {
            // the host stream is gone: nothing more to say
        }
    }

    private static int slotOf(Kernel k, int pid) {
        for (int i = 0; i < otherworld.kernel.layout.Layouts.MAX_TASKS; i++) {
            if (k.task(i).state() != otherworld.kernel.layout.Layouts.TASK_FREE && k.task(i).pid() == pid) return i;
        }
        throw new IllegalStateException("no task " + pid);
    }

    /** The wait status of a process that ended without calling exit (killed by a signal), from its zombie; or -1. */
    private static int killedStatus(Kernel k, int pid) {
        for (int i = 0; i < otherworld.kernel.layout.Layouts.MAX_TASKS; i++) {
            var t = k.task(i);
            if (t.state() == otherworld.kernel.layout.Layouts.TASK_ZOMBIE && t.pid() == pid) {
                return t.mem.r32(t.pa + otherworld.kernel.layout.Layouts.T_EXIT);
            }
        }
        return -1;
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
        /** System calls made, by name; and those that returned ENOSYS (seen in a0 when the caller runs again). */
        final java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        final java.util.Map<String, Long> enosys = new java.util.TreeMap<>();
        final java.util.Map<Integer, Long> lastCall = new java.util.HashMap<>();
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
        @Override public void dispatch(otherworld.emulator.Hart hart, int pid) {
            Long nr = lastCall.remove(pid);
            if (nr != null && hart.x[10] == -otherworld.kernel.Errno.ENOSYS) {
                enosys.merge(otherworld.kernel.sys.Sysno.name((int) (long) nr), 1L, Long::sum);
            }
            next.dispatch(hart, pid);
        }

        @Override public void trapped(otherworld.emulator.Hart hart, int pid, otherworld.emulator.TrapCause cause) {
            if (cause == otherworld.emulator.TrapCause.ECALL_FROM_U) {
                ecalls++;
                counts.merge(otherworld.kernel.sys.Sysno.name((int) hart.x[17]), 1L, Long::sum);
                lastCall.put(pid, hart.x[17]);
                if (hart.x[17] == otherworld.kernel.sys.Sysno.EXIT || hart.x[17] == otherworld.kernel.sys.Sysno.EXIT_GROUP) {
                    exits.put(pid, (int) (hart.x[10] & 0xFF) << 8);
                }
            }
            next.trapped(hart, pid, cause);
        }
    }

    /**
     * A copy of an ext2 image with files added (mode 0755, parent directories made as needed; a null content makes
     * an empty directory), written host-side through the kernel's own driver on scratch memory.
     */
    public static byte[] withFiles(byte[] image, java.util.Map<String, byte[]> files) {
        MemoryDisk d = new MemoryDisk(image);
        addFiles(d, files);
        return d.image();
    }

    /** {@link #withFiles(byte[], java.util.Map)} written onto d itself. */
    private static void addFiles(MemoryDisk d, java.util.Map<String, byte[]> files) {
        PhysicalMemory scratch = new PhysicalMemory(8 << 20);
        BlockCache cache = BlockCache.format(new DirectMem(scratch), d, scratch.base(), 1024);
        Ext2 fs = Ext2.mount(cache, () -> 0);
        for (java.util.Map.Entry<String, byte[]> f : files.entrySet()) {
            String path = f.getKey();
            String dirs = f.getValue() == null ? path + "/" : path;
            for (int i = dirs.indexOf('/', 1); i > 0; i = dirs.indexOf('/', i + 1)) {
                if (fs.lookup(dirs.substring(0, i)) < 0 && fs.mkdir(dirs.substring(0, i), 0755) < 0) {
                    throw new IllegalArgumentException("cannot make the directory " + dirs.substring(0, i));
                }
            }
            if (f.getValue() == null) continue;
            int ino = fs.create(path, 0755);
            byte[] b = f.getValue();
            if (ino < 0 || fs.write(ino, 0, b, 0, b.length) != b.length) {
                throw new IllegalArgumentException("cannot put " + path + " on the disk (" + ino + ")");
            }
        }
        fs.sync();
    }

    /** The names in the root directory of an ext2 image (host-side, on a copy). */
    public static List<String> listFiles(byte[] image) {
        List<String> names = mount(new MemoryDisk(image)).list("/");
        return names == null ? List.of() : names;
    }

    /** The first inode of an ext2 image's orphan list (unlinked files still open when it was last written); 0: none. */
    public static int orphanHead(byte[] image) { return mount(new MemoryDisk(image)).orphanHead(); }

    /** Free inodes of an ext2 image, as its superblock counts them. */
    public static long freeInodes(byte[] image) { return mount(new MemoryDisk(image)).statfs()[3]; }

    /** The file system on d, mounted host-side (d is the caller's own copy: mounting may write to it). */
    private static Ext2 mount(MemoryDisk d) {
        PhysicalMemory scratch = new PhysicalMemory(1 << 20);
        BlockCache cache = BlockCache.format(new DirectMem(scratch), d, scratch.base(), 64);
        return Ext2.mount(cache, () -> 0);
    }

    /** Read a regular file from an ext2 image (host-side, through the same driver on scratch memory). */
    public static byte[] readFile(byte[] image, String path) { return readFile(new MemoryDisk(image), path); }

    private static byte[] readFile(MemoryDisk copy, String path) {
        Ext2 fs = mount(copy);
        int ino = fs.lookup(path);
        if (ino < 0) return null;
        Stat st = fs.stat(ino);
        byte[] b = new byte[(int) st.size()];
        int got = fs.read(ino, 0, b, 0, b.length);
        if (got != b.length) throw new IllegalStateException("short read of " + path);
        return b;
    }
}
