package otherworld.kernel;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.emulator.Console;
import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.emulator.TrapCause;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.FileLocks;
import otherworld.kernel.fs.FsContext;
import otherworld.kernel.info.TaskInfo;
import otherworld.kernel.mem.CodedMem;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mem.TracedMem;
import otherworld.kernel.mm.AddressSpaces;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.mm.FrameAllocator;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.mm.Vmas;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Procs;
import otherworld.kernel.proc.Signals;
import otherworld.kernel.proc.Task;
import otherworld.kernel.sys.Syscalls;
import otherworld.kernel.time.Clock;
import otherworld.kernel.time.Sleeps;
import otherworld.kernel.tty.Tty;
import otherworld.kernel.verified.Sv39;

/**
 * The main kernel. Everything it knows is in guest RAM, reached from the root descriptor; this object holds only
 * views on that memory (rule 1) and can be rebuilt from RAM at any time with {@link #attach}. It is dropped whole
 * when it panics (rule 2).
 */
public final class Kernel {
    public final Machine machine;
    public final PhysicalMemory ram;
    public final KernelConfig config;
    public final KernelHooks hooks;
    /**
     * Every write of kernel code goes through this: plain RAM, or (when a fault plan asks for crashes between writes)
     * RAM that tells the fault injector of each write first. The same in every mode.
     */
    public final KMem mem;
    /** Whether the kernel's writes are traced for the fault injector (decided at boot, as {@link #mem} is). */
    private final boolean traced;
    /** The trap entry stub's access (saving registers at a trap, before kernel code runs): never traced. */
    public final KMem direct;
    public final long header;
    public final FrameAllocator frames;
    public final FileTable files;
    public final BlockCache cache;
    public final Ext2 fs;
    public final UserMemory user;
    public final Procs procs;
    public final Signals signals;
    /** Address spaces: VMA tables, demand paging, shared file pages. */
    public final AddressSpaces mm;
    /** Deadlines of sleeping tasks. */
    public final Sleeps sleeps;
    /** Per-task file-system contexts, task information, and the file locks (issue 9's tables). */
    public final FsContext fsctx;
    public final TaskInfo info;
    public final FileLocks locks;
    private final long tasksPa;
    private final long ttysPa;
    private final long tinfoPa;
    private final Syscalls syscalls;

    private Kernel(Machine machine, KernelConfig config, KernelHooks hooks) {
        this.machine = machine;
        this.ram = machine.memory;
        this.config = config;
        this.hooks = hooks;
        if (ram.read32(ROOT_PA) != ROOT.magic) throw new KernelPanic("no root descriptor");
        this.header = ram.read64(ROOT_PA + ROOT_HEADER);
        if (ram.read32(header) != KHDR.magic) throw new KernelPanic("no kernel header");
        this.traced = hooks.tracesWrites();
        DirectMem plain = new DirectMem(ram);
        KMem written = traced ? new TracedMem(ram, hooks::kernelWrite) : plain;
        long codes = ram.read64(header + KH_CODES), regionBase = ram.read64(header + KH_REGION_BASE);
        long tableCodes = ram.read64(header + KH_TABLE_CODES);
        if (codes == 0) { // default mode: plain writes, as a kernel without Otherworld makes
            this.direct = plain;
            this.mem = written;
        } else { // enhanced mode: every write into the structures and page tables also writes its words' check bytes
            this.direct = new CodedMem(plain, ram, regionBase, codes, codes, tableCodes);
            this.mem = new CodedMem(written, ram, regionBase, codes, codes, tableCodes);
        }
        this.frames = new FrameAllocator(mem, ram.read64(header + KH_BITMAP), ram.read64(header + KH_FRAME_REFS), ram.base(),
                (int) ram.read64(header + KH_NFRAMES));
        this.files = new FileTable(mem, ram.read64(header + KH_FILES));
        this.tasksPa = ram.read64(header + KH_TASKS);
        this.ttysPa = ram.read64(header + KH_TTYS);
        this.tinfoPa = ram.read64(header + KH_TINFO);
        this.cache = BlockCache.attach(mem, machine.disk, ram.read64(header + KH_CACHE));
        this.fs = Ext2.mount(cache, this::seconds);
        this.user = new UserMemory(mem, written); // a process's own bytes carry no check bytes (the same view in default mode)
        this.procs = new Procs(mem, ram.read64(header + KH_PROCS), tasksPa);
        this.signals = new Signals(mem, ram.read64(header + KH_SIGNALS));
        this.mm = new AddressSpaces(this, ram.read64(header + KH_VMAS), ram.read64(header + KH_FPAGES));
        this.sleeps = new Sleeps(mem, ram.read64(header + KH_SLEEPS));
        cache.overlay(mm);
        user.pager(mm::faultIn);
        this.fsctx = new FsContext(mem, ram.read64(header + KH_FSCTX));
        this.info = new TaskInfo(mem, ram.read64(header + KH_TINFO));
        this.locks = new FileLocks(mem, ram.read64(header + KH_LOCKS));
        this.syscalls = new Syscalls(this);
    }

    /** A kernel object for the kernel whose header the root descriptor names. */
    public static Kernel attach(Machine machine, KernelConfig config, KernelHooks hooks) {
        return new Kernel(machine, config, hooks);
    }

    /** Power-on: lay out the first region, reserve the crash region, write the root descriptor. */
    public static Kernel boot(Machine machine, KernelConfig config, KernelHooks hooks) {
        PhysicalMemory ram = machine.memory;
        int nframes = (int) (ram.size() / Sv39.PAGE_SIZE);
        Region r = Region.layout(FIRST_REGION_PA, config.regionSize(), nframes, config.cacheSlots(), config.enhanced());
        long crashBase = config.otherworld() ? r.end() : 0;
        long crashSize = config.otherworld() ? config.regionSize() : 0;
        long top = config.enhanced() ? Region.tableCodes(ram.base(), ram.size()) : ram.end();
        if (crashBase + crashSize > top - 64L * Sv39.PAGE_SIZE) throw new IllegalArgumentException("RAM too small");
        DirectMem d = new DirectMem(ram);
        layDown(d, machine, config, r, crashBase, crashSize, 0, 1, config.randomSeed());
        FrameAllocator fa = new FrameAllocator(d, r.bitmap(), ram.base(), nframes);
        fa.markUsed(ram.base(), FIRST_REGION_PA - ram.base());
        fa.markUsed(r.base(), r.ptPool() - r.base()); // the kernel's structures; the page-table pool is free memory
        if (crashSize > 0) fa.markUsed(crashBase, crashSize);
        if (r.coded()) { // enhanced mode: the check bytes of page tables (all 0: RAM at power-on), and of the structures
            fa.markUsed(Region.tableCodes(ram.base(), ram.size()), Region.tableCodesSize(ram.size()));
            CodedMem.encodeAll(ram, r.base(), r.codes(), r.codes());
        }
        ROOT.init(d, ROOT_PA);
        ram.write64(ROOT_PA + ROOT_HEADER, r.header());
        Kernel k = attach(machine, config, hooks);
        int orphans = k.fs.reclaimOrphans(ino -> false); // no process holds anything at boot
        if (orphans != 0) k.log("boot: " + orphans + " orphan inode(s) of an earlier run released");
        String dev = otherworld.kernel.sys.Devices.populate(k.fs);
        if (dev != null) k.log(dev);
        k.cache.writeBackAndEmpty();
        k.log("boot: " + (ram.size() >> 20) + " MiB RAM, kernel region 0x" + Long.toHexString(r.base())
                + (crashSize > 0 ? ", crash region 0x" + Long.toHexString(crashBase) : ", Otherworld off"));
        return k;
    }

    /**
     * Write an empty kernel (header, bitmap all free, empty tables, empty cache) into region r. Used at boot
     * and by the crash kernel for its own region; the caller then marks used frames and fills tables.
     */
    public static void layDown(KMem d, Machine machine, KernelConfig config, Region r, long crashBase, long crashSize,
                               long generation, long nextPid, long random) {
        PhysicalMemory ram = machine.memory;
        int nframes = (int) (ram.size() / Sv39.PAGE_SIZE);
        long h = r.header();
        KHDR.init(d, h);
        d.w64(h + KH_GENERATION, generation);
        d.w32(h + KH_MODE, r.coded() ? 2 : config.otherworld() ? 1 : 0);
        d.w64(h + KH_CODES, r.codes());
        d.w64(h + KH_TABLE_CODES, r.coded() ? Region.tableCodes(ram.base(), ram.size()) : 0);
        d.w32(h + KH_NTTYS, Math.min(machine.consoleCount(), MAX_TTYS));
        d.w64(h + KH_RAM_BASE, ram.base());
        d.w64(h + KH_RAM_SIZE, ram.size());
        d.w64(h + KH_REGION_BASE, r.base());
        d.w64(h + KH_REGION_SIZE, r.size());
        d.w64(h + KH_CRASH_BASE, crashBase);
        d.w64(h + KH_CRASH_SIZE, crashSize);
        d.w64(h + KH_BITMAP, r.bitmap());
        d.w64(h + KH_NFRAMES, nframes);
        d.w64(h + KH_TASKS, r.tasks());
        d.w64(h + KH_FILES, r.files());
        d.w64(h + KH_TTYS, r.ttys());
        d.w64(h + KH_CACHE, r.cache());
        d.w64(h + KH_CACHE_SLOTS, config.cacheSlots());
        d.w64(h + KH_PT_POOL, r.ptPool());
        d.w64(h + KH_NEXT_PID, nextPid);
        d.w64(h + KH_RANDOM, random);
        d.w64(h + KH_CURRENT, MAX_TASKS - 1);
        d.w64(h + KH_LAST_FLUSH, machine.clock());
        d.w64(h + KH_PROCS, r.procs());
        d.w64(h + KH_SIGNALS, r.signals());
        d.w64(h + KH_PIPES, r.pipes());
        d.w64(h + KH_FRAME_REFS, r.frameRefs());
        d.zero(r.frameRefs(), 2 * nframes);
        Procs.format(d, r.procs());
        Signals.format(d, r.signals());
        for (int i = 0; i < MAX_PIPES; i++) PIPE.init(d, r.pipes() + (long) i * PIPE.size());
        d.w64(h + KH_VMAS, r.vmas());
        d.w64(h + KH_FPAGES, r.fpages());
        d.w64(h + KH_SLEEPS, r.sleeps());
        d.w64(h + KH_RECOVERY, r.recovery());
        for (int i = 0; i < MAX_TASKS; i++) RECOVERY.init(d, r.recovery() + (long) i * RECOVERY.size());
        d.zero(r.bitmap(), (int) FrameAllocator.bitmapBytes(nframes));
        for (int i = 0; i < MAX_TASKS; i++) TASK.init(d, r.tasks() + (long) i * TASK.size());
        FileTable.format(d, r.files());
        Vmas.format(d, r.vmas());
        FilePages.format(d, r.fpages());
        Sleeps.format(d, r.sleeps());
        d.w64(h + KH_FSCTX, r.fsctx());
        d.w64(h + KH_TINFO, r.tinfo());
        d.w64(h + KH_LOCKS, r.locks());
        FsContext.format(d, r.fsctx());
        TaskInfo.format(d, r.tinfo());
        FileLocks.format(d, r.locks());
        Tty.format(d, r.ttys(), machine, Math.min(machine.consoleCount(), MAX_TTYS));
        BlockCache.format(d, machine.disk, r.cache(), config.cacheSlots());
    }

    // ---- accessors -----------------------------------------------------------------------------------------

    public Task task(int i) { return new Task(mem, tasksPa, i); }

    /** The task dispatched last (KH_CURRENT), or null. */
    public Task currentTask() {
        long i = ram.read64(header + KH_CURRENT);
        return i >= 0 && i < MAX_TASKS ? task((int) i) : null;
    }

    public long ttyRecord(int i) { return Tty.record(ttysPa, i); }

    /** What tty i's discipline does outside its ring: echo to its console, signals to a process group. */
    public Tty.Line ttyLine(int i) {
        Console dev = machine.console(Tty.console(mem, ttyRecord(i)));
        return new Tty.Line() {
            @Override public void emit(int b) { Kernel.this.emit(dev, b); }

            @Override public void signal(int pgrp, int sig) { syscalls.signalGroup(pgrp, sig); }
        };
    }

    /**
     * Between instructions, as a terminal's interrupt would: a tty that echoes or makes signals takes its console's
     * input and acts on it (so ^C reaches a process that does not read), and a console whose window size changed
     * tells the foreground group (SIGWINCH). A reader waiting on a tty that received something is woken. A scripted
     * tty (no ECHO, no ISIG) is left alone: its input moves when a process reads it, as it always did.
     */
    private void ttyInterrupts() {
        int n = ttyCount();
        for (int i = 0; i < n; i++) {
            long rec = ttyRecord(i);
            int con = Tty.console(mem, rec);
            if (con < 0 || con >= machine.consoleCount()) continue;
            Console dev = machine.console(con);
            boolean got = false;
            if ((Tty.lflag(mem, rec) & (Tty.ISIG | Tty.ECHO)) != 0 && dev.inputAvailable() > 0) {
                got = Tty.receive(mem, rec, dev) > 0;
                Tty.process(mem, rec, dev, ttyLine(i));
            }
            if (dev.winsize() != 0) Tty.resized(mem, rec, dev, ttyLine(i));
            if (got) wakeup(Channels.of(Channels.TTY, i));
        }
    }

    /** A reader blocked on tty i may go on: its console has input to take, or has ended and the tty not yet said so. */
    private boolean ttyNews(int i) {
        if (i < 0 || i >= ttyCount()) return true;
        long rec = ttyRecord(i);
        int con = Tty.console(mem, rec);
        if (con < 0 || con >= machine.consoleCount()) return true;
        Console dev = machine.console(con);
        return dev.inputAvailable() > 0 || dev.ended() && mem.r32(rec + TTY_EOF) == 0;
    }

    public int ttyCount() { return ram.read32(header + KH_NTTYS); }

    /**
     * Wall-clock time in nanoseconds since 1970: the configured epoch plus the instruction clock (rule 5), or the
     * host's clock when the configuration asks for real time.
     */
    public long wallNanos() {
        if (config.realTime()) {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        return config.epochSeconds() * Clock.NS_PER_S + machine.clock() * Clock.NS_PER_INSTRUCTION;
    }

    /** Nanoseconds since boot on the instruction clock (CLOCK_MONOTONIC, CLOCK_BOOTTIME). */
    public long uptimeNanos() { return machine.clock() * Clock.NS_PER_INSTRUCTION; }

    long seconds() { return wallNanos() / 1_000_000_000L; }

    public void log(String line) { hooks.log("[" + machine.clock() + "] " + line); }

    private final java.util.Set<Integer> loggedOnce = new java.util.HashSet<>();

    /** A use of call nr the kernel does not support, logged the first time only (a log, not kernel state). */
    public void logOnce(int nr, String line) {
        if (loggedOnce.add(nr)) log(line);
    }

    /** Physical address the write trace gives a byte sent to a device (a console's transmit register). */
    public static final long DEVICE = -1;

    /** One byte to a console: a write of the kernel like any other, in its write trace. */
    public void emit(Console dev, int b) {
        if (traced) hooks.kernelWrite(DEVICE, 1);
        dev.put(b);
    }

    // ---- processes ---------------------------------------------------------------------------------------

    /**
     * Where a spawned program's fds 0, 1 and 2 go: a tty each (the same one, or a separate output-only console for
     * stderr), and which of them stand for a host pipe or file rather than a terminal (bit fd set in notTerminal:
     * the guest sees no terminal there, as under qemu-riscv64 with a redirected stream).
     */
    public record Stdio(int in, int out, int err, int notTerminal) {
        public static Stdio of(int tty) { return new Stdio(tty, tty, tty, 0); }
    }

    /** Start a program from an ELF image, its stdin/stdout/stderr on tty. Returns the pid. */
    public int spawn(String path, byte[] elf, List<String> argv, int tty) throws Exec.ExecException {
        return spawn(path, elf, argv, List.of(), Stdio.of(tty));
    }

    /** Start a program from an ELF image with environment envp, its fds 0..2 as io says. Returns the pid. */
    public int spawn(String path, byte[] elf, List<String> argv, List<String> envp, Stdio io) throws Exec.ExecException {
        int tty = io.in();
        for (int x : new int[] {io.in(), io.out(), io.err()}) {
            if (x < 0 || x >= ttyCount()) throw new Exec.ExecException("no tty " + x);
        }
        int slot = -1;
        for (int i = 0; i < MAX_TASKS && slot < 0; i++) if (task(i).state() == TASK_FREE) slot = i;
        if (slot < 0) throw new Exec.ExecException("task table full");
        long h = header;
        byte[] random16 = new byte[16];
        mem.w64(h + KH_RANDOM, Syscalls.randomBytes(ram.read64(h + KH_RANDOM), random16));
        Exec.Image img = Exec.load(mem, frames, user, elf, path, argv, envp, random16);
        int pid = (int) ram.read64(h + KH_NEXT_PID);
        mem.w64(h + KH_NEXT_PID, pid + 1L);
        Task t = task(slot);
        mem.zero(t.pa + 8, TASK.size() - 8);
        mem.w32(t.pa + T_PID, pid);
        mem.w32(t.pa + T_TTY, tty);
        mem.w64(t.pa + T_SATP, img.pageTable().satp());
        mem.w64(t.pa + T_BRK_BASE, img.brk());
        mem.w64(t.pa + T_BRK, img.brk());
        mem.w64(t.pa + T_CAUSE, -1); // as if preempted at its first instruction
        byte[] name = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        mem.write(t.pa + T_NAME, name, 0, Math.min(name.length, NAME_LEN - 1));
        mm.install(t, img.vmas());
        sleeps.disarm(t);
        for (int fd = 0; fd < NOFILE; fd++) t.setFd(fd, -1);
        int[] ttys = {io.in(), io.out(), io.err()};
        for (int fd = 0; fd < 3; fd++) {
            int flags = 2 | ((io.notTerminal() >> fd & 1) != 0 ? FF_NOT_A_TERMINAL : 0);
            int shared = -1; // an earlier fd on the same tty with the same kind shares its description
            for (int e = 0; e < fd; e++) {
                if (ttys[e] == ttys[fd] && files.flags(t.fd(e)) == flags) shared = t.fd(e);
            }
            int f = shared;
            if (f < 0) {
                f = files.alloc(FT_TTY, flags, 0, ttys[fd]);
                if (f < 0) throw new Exec.ExecException("file table full");
            } else {
                files.ref(f);
            }
            t.setFd(fd, f);
        }
        fsctx.spawned(slot);
        info.spawned(slot, path, config.uid(), config.gid(), machine.clock());
        t.setPc(img.entry());
        t.setX(2, img.sp());
        procs.create(slot, 0, pid, pid, Signals.SIGCHLD, 0, -1);
        long ttyRec = ttyRecord(tty); // the first program on a tty leads its session, its group in the foreground
        if (mem.r32(ttyRec + TTY_SID) == 0) {
            mem.w32(ttyRec + TTY_PGRP, pid);
            mem.w32(ttyRec + TTY_SID, pid);
        }
        signals.reset(slot);
        t.setState(TASK_RUNNABLE);
        log("spawn pid " + pid + " " + path + " on tty" + tty);
        return pid;
    }

    // ---- the run loop -----------------------------------------------------------------------------------

    /**
     * The watchdog's deadline, in quanta from the last scheduler tick: a kernel that does not come back to its
     * scheduler within it (it loops inside a call) is bitten, which is a panic.
     */
    public static final long WATCHDOG_QUANTA = 50;

    /** Why {@link #run} returned: every process exited; the budget ran out; or every live process is blocked. */
    public enum Outcome { ALL_EXITED, BUDGET_USED, ALL_BLOCKED }

    /**
     * Run processes until none is runnable or {@code budget} instructions have been executed. Round robin by
     * instruction count, with one rule the crash kernel relies on: after a system call the same task runs again
     * (at least one instruction, to its next trap) before any other task, so a task whose trap frame shows a
     * committed call is the current one, and nothing else has run since that call's commit. The task named by
     * KH_CURRENT when the loop starts runs first (after a resurrection: the one whose call was in flight).
     */
    public Outcome run(long budget) {
        Hart hart = machine.hart;
        long stop = machine.clock() + budget;
        int current = (int) ram.read64(header + KH_CURRENT);
        long sliceEnd = machine.clock() + config.quantum();
        boolean stay = true;
        while (machine.clock() < stop) {
            if (!stay || current < 0 || current >= MAX_TASKS || task(current).state() != TASK_RUNNABLE) {
                wakeWaiting();
                current = next(current);
                while (current < 0 && idleToDeadline(stop)) {
                    wakeWaiting();
                    current = next(current);
                }
                if (current < 0) {
                    if (machine.clock() >= stop) return Outcome.BUDGET_USED;
                    return anyBlocked() ? Outcome.ALL_BLOCKED : Outcome.ALL_EXITED;
                }
                mem.w64(header + KH_CURRENT, current);
                sliceEnd = machine.clock() + config.quantum();
            }
            Task t = task(current);
            if (!syscalls.deliverSignals(t)) { // stopped or ended by a signal
                stay = false;
                continue;
            }
            machine.watchdog.arm(machine.clock() + WATCHDOG_QUANTA * config.quantum()); // the scheduler tick
            Task.loadRegisters(direct, t.pa, hart); // a new satp makes the hart flush its TLB
            int pid = t.pid();
            hooks.dispatch(hart, pid);
            long ran = machine.clock();
            TrapCause cause = hart.run(Math.max(1, Math.min(sliceEnd, stop) - machine.clock()));
            hooks.trapped(hart, pid, cause);
            Task.saveRegisters(direct, t.pa, hart, cause.code);
            TaskInfo.charge(direct, tinfoPa, current, machine.clock() - ran);
            switch (cause) {
                case ECALL_FROM_U -> {
                    syscalls.handle(t);
                    stay = true;
                    if (yielding) { // sched_yield: the task runs to its next trap (the rule above), then the next one
                        yielding = false;
                        sliceEnd = machine.clock();
                    }
                }
                case TIMER -> stay = machine.clock() < sliceEnd;
                case LOAD_PAGE_FAULT, STORE_PAGE_FAULT, INSTRUCTION_PAGE_FAULT -> {
                    int access = cause == TrapCause.STORE_PAGE_FAULT ? AddressSpaces.STORE
                            : cause == TrapCause.LOAD_PAGE_FAULT ? AddressSpaces.LOAD : AddressSpaces.FETCH;
                    int sig = mm.fault(t, hart.trapValue, access);
                    if (sig == 0) {
                        stay = machine.clock() < sliceEnd;
                    } else {
                        kill(t, cause, hart.trapValue, sig);
                        stay = true; // its signal is delivered on its way back
                    }
                }
                default -> {
                    kill(t, cause, hart.trapValue);
                    stay = true; // its signal is delivered on its way back
                }
            }
            if (config.flushInterval() > 0 && machine.clock() - ram.read64(header + KH_LAST_FLUSH) >= config.flushInterval()) {
                hooks.point("flusher");
                cache.writeBack();
                mem.w64(header + KH_LAST_FLUSH, machine.clock());
            }
        }
        return Outcome.BUDGET_USED;
    }

    /**
     * The first thing a resurrected kernel does, before any process runs: the call of the current task is finished.
     * If it had committed, its tail (the writes after its commit) is redone from its registers and sysword; if it had
     * not, what it left half made is reconciled, and the task will make the call again from its ecall. Idempotent:
     * a crash in here is survived by doing it again. Returns what was done, or null.
     */
    public String finishInFlight() {
        int current = (int) ram.read64(header + KH_CURRENT);
        for (int i = 0; i < ttyCount(); i++) { // a byte the discipline was acting on: its signal and echo, made again
            long rec = ttyRecord(i);
            int con = Tty.console(mem, rec);
            if (con >= 0 && con < machine.consoleCount()) Tty.process(mem, rec, machine.console(con), ttyLine(i));
        }
        String done = inFlight(current);
        int orphans = fs.reclaimOrphans(syscalls::isOpen); // unlinked files no resurrected process holds
        if (orphans > 0) done = (done == null ? "" : done + "; ") + orphans + " orphan inode(s) no process holds released";
        cache.writeBack(); // what was mended is on disk before anything runs
        String sent = otherworld.kernel.resurrect.Recovery.dispatch(this);
        return done == null ? sent : sent == null ? done : done + "; " + sent;
    }

    /** The in-flight call of the task that ran last, finished or repaired (see finishInFlight); what was done. */
    private String inFlight(int current) {
        if (current < 0 || current >= MAX_TASKS) return null;
        Task t = task(current);
        if (t.state() == TASK_ZOMBIE) { // it exited last: its exit's tail (re-parenting, telling its parent) again
            syscalls.exitTail(t);
            return "exit had committed: its tail was made again";
        }
        if (t.state() != TASK_RUNNABLE) return null;
        if (t.cause() == CAUSE_SIGNAL) return syscalls.redoDelivery(t);
        if (t.cause() == CAUSE_SIGRETURN) return syscalls.redoSigreturn(t);
        return procs.execState(current) == Procs.EXEC_PENDING && t.callCommitted() ? syscalls.redoExec(t)
                : t.callCommitted() ? syscalls.redoTail(t) : t.callInFlight() ? syscalls.reconcile(t) : null;
    }

    /**
     * The call of t cannot proceed now: t waits on channel, and the call returns {@link Syscalls#BLOCK} — nothing
     * committed, nothing half made. {@link #wakeup} makes t runnable; it then makes the call again from its ecall.
     */
    public long block(Task t, long channel) {
        mem.w64(t.pa + T_WAIT, channel);
        t.setState(TASK_BLOCKED);
        return Syscalls.BLOCK;
    }

    /** Every task blocked on channel becomes runnable (and will make its call again). Returns how many. */
    public int wakeup(long channel) {
        int n = 0;
        for (int i = 0; i < MAX_TASKS; i++) {
            Task t = task(i);
            if (t.state() == TASK_BLOCKED && mem.r64(t.pa + T_WAIT) == channel) {
                t.setState(TASK_RUNNABLE);
                n++;
            }
        }
        return n;
    }

    /** Set by sched_yield: the caller's time slice ends at its next trap. Scheduling only: nothing to resurrect. */
    private boolean yielding;

    public void yieldCpu() { yielding = true; }

    /** Tasks blocked on a deadline that has passed, or in a poll whose files are ready, become runnable. */
    private void wakeWaiting() {
        ttyInterrupts();
        long now = machine.clock();
        for (int i = 0; i < MAX_TASKS; i++) {
            Task t = task(i);
            if (t.state() != TASK_BLOCKED) continue;
            long chan = mem.r64(t.pa + T_WAIT);
            if (Channels.kind(chan) == Channels.TTY) {
                if (sleeps.armed(t) && now >= sleeps.deadline(t) || ttyNews(Channels.id(chan))) {
                    t.setState(TASK_RUNNABLE);
                }
                continue;
            }
            if (chan != Sleeps.CHAN_SLEEP && chan != Sleeps.CHAN_POLL) continue;
            if ((sleeps.armed(t) && now >= sleeps.deadline(t)) || (chan == Sleeps.CHAN_POLL && syscalls.ready(t))) {
                t.setState(TASK_RUNNABLE);
            }
        }
    }

    /**
     * Nothing can run: time moves on to the earliest deadline of a sleeping task (no instruction runs meanwhile, as a
     * hart waiting for an interrupt), at most to stop. True if a deadline was reached.
     */
    private boolean idleToDeadline(long stop) {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < MAX_TASKS; i++) {
            Task t = task(i);
            if (t.state() == TASK_BLOCKED && sleeps.armed(t)) earliest = Math.min(earliest, sleeps.deadline(t));
        }
        if (earliest == Long.MAX_VALUE) return false;
        long to = Math.min(earliest, stop);
        if (to > machine.clock()) machine.hart.instret = to;
        return earliest <= stop;
    }

    private boolean anyBlocked() {
        for (int i = 0; i < MAX_TASKS; i++) if (task(i).state() == TASK_BLOCKED || task(i).state() == TASK_STOPPED) return true;
        return false;
    }

    private int next(int current) {
        for (int k = 1; k <= MAX_TASKS; k++) {
            int i = Math.floorMod(current + k, MAX_TASKS);
            if (task(i).state() == TASK_RUNNABLE) return i;
        }
        return -1;
    }

    private void kill(Task t, TrapCause cause, long tval) {
        int sig = switch (cause) {
            case ILLEGAL_INSTRUCTION -> 4;
            case BREAKPOINT -> 5;
            case INSTRUCTION_ACCESS_FAULT, LOAD_ACCESS_FAULT, STORE_ACCESS_FAULT -> 7;
            default -> 11;
        };
        kill(t, cause, tval, sig);
    }

    private void kill(Task t, TrapCause cause, long tval, int sig) {
        log(String.format("pid %d (%s): %s at pc 0x%x, value 0x%x: signal %d",
                t.pid(), t.name(), cause, t.pc(), tval, sig));
        syscalls.fault(t, sig, tval);
    }

    /** Write every dirty cached block to disk. */
    public void sync() { cache.writeBack(); }

    /** Address space of a task, as a page-table view (for exit and the crash kernel). */
    public PageTable pageTable(Task t) { return new PageTable(mem, frames, t.rootPa()); }
}
