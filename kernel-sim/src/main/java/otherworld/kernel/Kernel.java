package otherworld.kernel;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.emulator.TrapCause;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mem.UndoLog;
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
    /** Kernel-state writes: logged while a system call is in flight (default mode). */
    public final UndoLog mem;
    /** Writes outside the undo discipline (trap frames, in-flight records, device input). */
    public final DirectMem direct;
    public final long header;
    /** Default mode (Otherworld on), as the header records it; off: no crash region, undo log or in-flight record. */
    public final boolean otherworld;
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
        this.otherworld = ram.read32(header + KH_MODE) == 1;
        this.mem = new UndoLog(ram, ram.read64(header + KH_UNDO), ram.read64(header + KH_UNDO_SIZE) - ULOG.size(),
                otherworld);
        this.frames = new FrameAllocator(mem, ram.read64(header + KH_BITMAP), ram.base(), (int) ram.read64(header + KH_NFRAMES),
                otherworld);
        this.files = new FileTable(mem, ram.read64(header + KH_FILES));
        this.tasksPa = ram.read64(header + KH_TASKS);
        this.ttysPa = ram.read64(header + KH_TTYS);
        this.cache = BlockCache.attach(mem, machine.disk, ram.read64(header + KH_CACHE));
        this.fs = Ext2.mount(cache, this::seconds);
        this.user = new UserMemory(mem, direct);
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
        Region r = Region.layout(FIRST_REGION_PA, config.regionSize(), nframes, config.cacheSlots(), config.undoSize());
        long crashBase = config.otherworld() ? r.end() : 0;
        long crashSize = config.otherworld() ? config.regionSize() : 0;
        if (crashBase + crashSize > ram.end() - 64L * Sv39.PAGE_SIZE) throw new IllegalArgumentException("RAM too small");
        DirectMem d = new DirectMem(ram);
        layDown(d, machine, config, r, crashBase, crashSize, 0, 1, config.randomSeed());
        FrameAllocator fa = new FrameAllocator(d, r.bitmap(), ram.base(), nframes, false);
        fa.markUsed(ram.base(), FIRST_REGION_PA - ram.base());
        fa.markUsed(r.base(), r.ptPool() - r.base()); // the kernel's structures; the page-table pool is free memory
        fa.markUsed(r.end() - Sv39.PAGE_SIZE, Sv39.PAGE_SIZE);
        if (crashSize > 0) fa.markUsed(crashBase, crashSize);
        ROOT.init(d, ROOT_PA);
        ram.write64(ROOT_PA + ROOT_HEADER, r.header());
        Kernel k = attach(machine, config, hooks);
        k.log("boot: " + (ram.size() >> 20) + " MiB RAM, kernel region 0x" + Long.toHexString(r.base())
                + (crashSize > 0 ? ", crash region 0x" + Long.toHexString(crashBase) : ", Otherworld off"));
        return k;
    }

    /**
     * Write an empty kernel (header, bitmap all free, empty tables, empty cache and log) into region r. Used at boot
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
        d.w64(h + KH_UNDO, r.undo());
        d.w64(h + KH_UNDO_SIZE, r.undoSize());
        d.w64(h + KH_PT_POOL, r.ptPool());
        d.w64(h + KH_NEXT_PID, nextPid);
        d.w64(h + KH_RANDOM, random);
        d.w64(h + KH_CURRENT, MAX_TASKS - 1);
        d.w64(h + KH_LAST_FLUSH, machine.clock());
        d.zero(r.bitmap(), (int) FrameAllocator.bitmapBytes(nframes));
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = r.tasks() + (long) i * TASK.size();
            TASK.init(d, t);
            d.w32(t + T_INFLIGHT_NR, -1);
        }
        FileTable.format(d, r.files());
        Tty.format(d, r.ttys(), Math.min(machine.consoleCount(), MAX_TTYS));
        BlockCache.format(d, machine.disk, r.cache(), config.cacheSlots());
        UndoLog.format(ram, r.undo(), r.undoSize());
    }

    // ---- accessors -----------------------------------------------------------------------------------------

    public Task task(int i) { return new Task(mem, tasksPa, i); }

    public long ttyRecord(int i) { return Tty.record(ttysPa, i); }

    public int ttyCount() { return ram.read32(header + KH_NTTYS); }

    long seconds() { return 1_700_000_000L + machine.clock() / 100_000_000L; }

    public void log(String line) { hooks.log("[" + machine.clock() + "] " + line); }

    // ---- processes ---------------------------------------------------------------------------------------

    /** Start a program from an ELF image, its stdin/stdout/stderr on tty. Returns the pid. */
    public int spawn(String path, byte[] elf, List<String> argv, int tty) throws Exec.ExecException {
        if (tty < 0 || tty >= ttyCount()) throw new Exec.ExecException("no tty " + tty);
        int slot = -1;
        for (int i = 0; i < MAX_TASKS && slot < 0; i++) if (task(i).state() == TASK_FREE) slot = i;
        if (slot < 0) throw new Exec.ExecException("task table full");
        long h = header;
        byte[] random16 = new byte[16];
        ram.write64(h + KH_RANDOM, Syscalls.randomBytes(ram.read64(h + KH_RANDOM), random16));
        Exec.Image img = Exec.load(direct, frames, user, elf, path, argv, random16);
        int pid = (int) ram.read64(h + KH_NEXT_PID);
        ram.write64(h + KH_NEXT_PID, pid + 1L);
        Task t = new Task(direct, tasksPa, slot);
        direct.zero(t.pa + 8, TASK.size() - 8);
        direct.w32(t.pa + T_PID, pid);
        direct.w32(t.pa + T_TTY, tty);
        direct.w32(t.pa + T_INFLIGHT_NR, -1);
        direct.w64(t.pa + T_SATP, img.pageTable().satp());
        direct.w64(t.pa + T_BRK_BASE, img.brk());
        direct.w64(t.pa + T_BRK, img.brk());
        byte[] name = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        direct.write(t.pa + T_NAME, name, 0, Math.min(name.length, NAME_LEN - 1));
        int n = 0;
        for (long[] v : img.vmas()) t.setVma(n++, v[0], v[1], v[2]);
        t.setVma(n++, img.brk(), img.brk(), Sv39.PTE_R | Sv39.PTE_W); // the heap, grown by brk
        direct.w32(t.pa + T_NVMA, n);
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

    public enum Outcome { ALL_EXITED, BUDGET_USED }

    /** Run processes until none is runnable or {@code budget} instructions have been executed. */
    public Outcome run(long budget) {
        Hart hart = machine.hart;
        long stop = machine.clock() + budget;
        int current = (int) ram.read64(header + KH_CURRENT);
        long sliceEnd = 0;
        while (machine.clock() < stop) {
            if (current < 0 || current >= MAX_TASKS || task(current).state() != TASK_RUNNABLE || machine.clock() >= sliceEnd) {
                current = next(current);
                if (current < 0) return Outcome.ALL_EXITED;
                ram.write64(header + KH_CURRENT, current);
                sliceEnd = machine.clock() + config.quantum();
            }
            Task t = task(current);
            Task.loadRegisters(direct, t.pa, hart); // a new satp makes the hart flush its TLB
            int pid = t.pid();
            hooks.dispatch(hart, pid);
            TrapCause cause = hart.run(Math.max(1, Math.min(sliceEnd, stop) - machine.clock()));
            hooks.trapped(hart, pid, cause);
            Task.saveRegisters(direct, t.pa, hart);
            switch (cause) {
                case ECALL_FROM_U -> syscalls.handle(t);
                case TIMER -> { }
                default -> kill(t, cause, hart.trapValue);
            }
            if (config.flushInterval() > 0 && machine.clock() - ram.read64(header + KH_LAST_FLUSH) >= config.flushInterval()) {
                hooks.point("flusher");
                cache.writeBack();
                ram.write64(header + KH_LAST_FLUSH, machine.clock());
            }
        }
        return Outcome.BUDGET_USED;
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
