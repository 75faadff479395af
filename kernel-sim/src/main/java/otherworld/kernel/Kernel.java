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
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mem.TracedMem;
import otherworld.kernel.mm.FrameAllocator;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Task;
import otherworld.kernel.sys.Syscalls;
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
    public final DirectMem direct;
    public final long header;
    public final FrameAllocator frames;
    public final FileTable files;
    public final BlockCache cache;
    public final Ext2 fs;
    public final UserMemory user;
    private final long tasksPa;
    private final long ttysPa;
    private final Syscalls syscalls;

    private Kernel(Machine machine, KernelConfig config, KernelHooks hooks) {
        this.machine = machine;
        this.ram = machine.memory;
        this.config = config;
        this.hooks = hooks;
        this.direct = new DirectMem(ram);
        if (ram.read32(ROOT_PA) != ROOT.magic) throw new KernelPanic("no root descriptor");
        this.header = ram.read64(ROOT_PA + ROOT_HEADER);
        if (ram.read32(header) != KHDR.magic) throw new KernelPanic("no kernel header");
        this.traced = hooks.tracesWrites();
        this.mem = traced ? new TracedMem(ram, hooks::kernelWrite) : direct;
        this.frames = new FrameAllocator(mem, ram.read64(header + KH_BITMAP), ram.base(), (int) ram.read64(header + KH_NFRAMES));
        this.files = new FileTable(mem, ram.read64(header + KH_FILES));
        this.tasksPa = ram.read64(header + KH_TASKS);
        this.ttysPa = ram.read64(header + KH_TTYS);
        this.cache = BlockCache.attach(mem, machine.disk, ram.read64(header + KH_CACHE));
        this.fs = Ext2.mount(cache, this::seconds);
        this.user = new UserMemory(mem, mem);
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
        Region r = Region.layout(FIRST_REGION_PA, config.regionSize(), nframes, config.cacheSlots());
        long crashBase = config.otherworld() ? r.end() : 0;
        long crashSize = config.otherworld() ? config.regionSize() : 0;
        if (crashBase + crashSize > ram.end() - 64L * Sv39.PAGE_SIZE) throw new IllegalArgumentException("RAM too small");
        DirectMem d = new DirectMem(ram);
        layDown(d, machine, config, r, crashBase, crashSize, 0, 1, config.randomSeed());
        FrameAllocator fa = new FrameAllocator(d, r.bitmap(), ram.base(), nframes);
        fa.markUsed(ram.base(), FIRST_REGION_PA - ram.base());
        fa.markUsed(r.base(), r.ptPool() - r.base()); // the kernel's structures; the page-table pool is free memory
        if (crashSize > 0) fa.markUsed(crashBase, crashSize);
        ROOT.init(d, ROOT_PA);
        ram.write64(ROOT_PA + ROOT_HEADER, r.header());
        Kernel k = attach(machine, config, hooks);
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
        d.w32(h + KH_MODE, config.otherworld() ? 1 : 0);
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
        d.w64(h + KH_RECOVERY, r.recovery());
        for (int i = 0; i < MAX_TASKS; i++) RECOVERY.init(d, r.recovery() + (long) i * RECOVERY.size());
        d.zero(r.bitmap(), (int) FrameAllocator.bitmapBytes(nframes));
        for (int i = 0; i < MAX_TASKS; i++) TASK.init(d, r.tasks() + (long) i * TASK.size());
        FileTable.format(d, r.files());
        Tty.format(d, r.ttys(), machine, Math.min(machine.consoleCount(), MAX_TTYS));
        BlockCache.format(d, machine.disk, r.cache(), config.cacheSlots());
    }

    // ---- accessors -----------------------------------------------------------------------------------------

    public Task task(int i) { return new Task(mem, tasksPa, i); }

    public long ttyRecord(int i) { return Tty.record(ttysPa, i); }

    public int ttyCount() { return ram.read32(header + KH_NTTYS); }

    long seconds() { return 1_700_000_000L + machine.clock() / 100_000_000L; }

    public void log(String line) { hooks.log("[" + machine.clock() + "] " + line); }

    /** Physical address the write trace gives a byte sent to a device (a console's transmit register). */
    public static final long DEVICE = -1;

    /** One byte to a console: a write of the kernel like any other, in its write trace. */
    public void emit(Console dev, int b) {
        if (traced) hooks.kernelWrite(DEVICE, 1);
        dev.put(b);
    }

    // ---- processes ---------------------------------------------------------------------------------------

    /** Start a program from an ELF image, its stdin/stdout/stderr on tty. Returns the pid. */
    public int spawn(String path, byte[] elf, List<String> argv, int tty) throws Exec.ExecException {
        if (tty < 0 || tty >= ttyCount()) throw new Exec.ExecException("no tty " + tty);
        int slot = -1;
        for (int i = 0; i < MAX_TASKS && slot < 0; i++) if (task(i).state() == TASK_FREE) slot = i;
        if (slot < 0) throw new Exec.ExecException("task table full");
        long h = header;
        byte[] random16 = new byte[16];
        mem.w64(h + KH_RANDOM, Syscalls.randomBytes(ram.read64(h + KH_RANDOM), random16));
        Exec.Image img = Exec.load(mem, frames, user, elf, path, argv, random16);
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
        int n = 0;
        for (long[] v : img.vmas()) t.setVma(n++, v[0], v[1], v[2]);
        t.setVma(n++, img.brk(), img.brk(), Sv39.PTE_R | Sv39.PTE_W); // the heap, grown by brk
        mem.w32(t.pa + T_NVMA, n);
        for (int fd = 0; fd < NOFILE; fd++) t.setFd(fd, -1);
        int f = files.alloc(FT_TTY, 2, 0, tty);
        if (f < 0) throw new Exec.ExecException("file table full");
        files.ref(f);
        files.ref(f);
        t.setFd(0, f);
        t.setFd(1, f);
        t.setFd(2, f);
        t.setPc(img.entry());
        t.setX(2, img.sp());
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
                current = next(current);
                if (current < 0) return anyBlocked() ? Outcome.ALL_BLOCKED : Outcome.ALL_EXITED;
                mem.w64(header + KH_CURRENT, current);
                sliceEnd = machine.clock() + config.quantum();
            }
            Task t = task(current);
            machine.watchdog.arm(machine.clock() + WATCHDOG_QUANTA * config.quantum()); // the scheduler tick
            Task.loadRegisters(direct, t.pa, hart); // a new satp makes the hart flush its TLB
            int pid = t.pid();
            hooks.dispatch(hart, pid);
            TrapCause cause = hart.run(Math.max(1, Math.min(sliceEnd, stop) - machine.clock()));
            hooks.trapped(hart, pid, cause);
            Task.saveRegisters(direct, t.pa, hart, cause.code);
            switch (cause) {
                case ECALL_FROM_U -> {
                    syscalls.handle(t);
                    stay = true;
                }
                case TIMER -> stay = machine.clock() < sliceEnd;
                default -> {
                    kill(t, cause, hart.trapValue);
                    stay = false;
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
        if (current < 0 || current >= MAX_TASKS) return null;
        Task t = task(current);
        if (t.state() != TASK_RUNNABLE) return null;
        String done = t.callCommitted() ? syscalls.redoTail(t) : t.callInFlight() ? syscalls.reconcile(t) : null;
        cache.writeBack(); // what was mended is on disk before anything runs
        String sent = otherworld.kernel.resurrect.Recovery.dispatch(this);
        return done == null ? sent : sent == null ? done : done + "; " + sent;
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

    private boolean anyBlocked() {
        for (int i = 0; i < MAX_TASKS; i++) if (task(i).state() == TASK_BLOCKED) return true;
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
        log(String.format("pid %d (%s): %s at pc 0x%x, value 0x%x: killed by signal %d",
                t.pid(), t.name(), cause, t.pc(), tval, sig));
        syscalls.exit(t, sig);
    }

    /** Write every dirty cached block to disk. */
    public void sync() { cache.writeBack(); }

    /** Address space of a task, as a page-table view (for exit and the crash kernel). */
    public PageTable pageTable(Task t) { return new PageTable(mem, frames, t.rootPa()); }
}
