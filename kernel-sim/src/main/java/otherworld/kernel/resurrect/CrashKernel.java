package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Region;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.OverlayMem;
import otherworld.kernel.mm.FrameAllocator;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.Sv39;

/**
 * The crash kernel. It is given the machine and nothing else of the dead kernel: it finds the dead kernel through
 * the root descriptor at {@link otherworld.kernel.layout.Layouts#ROOT_PA}. It works in four phases:
 * <ol>
 *   <li>validate: read the dead kernel's structures through the undo log (as they were before the call in
 *       flight), read-only, checking magic, versions, bounds and cross-references; decide who comes back;</li>
 *   <li>flush: write the dead page cache's dirty blocks to disk (idempotent), finish a console write that had
 *       already put bytes on the line (idempotent: the device counter says how many);</li>
 *   <li>build: lay out a fresh kernel in the crash region — tables, new page tables mapping the same user
 *       frames, trap frames, files with their offsets, ttys — and choose the next crash region;</li>
 *   <li>commit: one write of the root descriptor makes the new kernel the main kernel.</li>
 * </ol>
 * Until the commit it writes nothing outside its own region but the disk and the console, so if it crashes, a new
 * crash kernel starts again from the same root descriptor and reaches the same result.
 */
public final class CrashKernel {
    private final Machine machine;
    private final PhysicalMemory ram;
    private final KernelConfig config;
    private final KernelHooks hooks;

    public CrashKernel(Machine machine, KernelConfig config, KernelHooks hooks) {
        this.machine = machine;
        this.ram = machine.memory;
        this.config = config;
        this.hooks = hooks;
    }

    /** What validation learned about one dead task. */
    static final class Image {
        int slot;
        int pid;
        int state;
        String name = "?";
        int tty;
        final List<long[]> leaves = new ArrayList<>(); // {va, pa, flags}
        final List<String> problems = new ArrayList<>();
        final int[] fds = new int[NOFILE];
        boolean completeWrite;
        Console console;
        String inflight;
    }

    public ResurrectionReport resurrect() {
        // ---- 1. validate ----------------------------------------------------------------------------------
        if (ram.read32(ROOT_PA) != ROOT.magic || ram.read32(ROOT_PA + 4) != ROOT.version) {
            throw new KernelPanic("root descriptor is corrupt: nothing can be resurrected");
        }
        long dead = ram.read64(ROOT_PA + ROOT_HEADER);
        if (!Bounds.inRegion(dead, KHDR.size(), ram.base(), ram.size()) || ram.read32(dead) != KHDR.magic
                || ram.read32(dead + 4) != KHDR.version) {
            throw new KernelPanic("dead kernel header is corrupt");
        }
        long regionBase = ram.read64(dead + KH_REGION_BASE);
        long regionSize = ram.read64(dead + KH_REGION_SIZE);
        long undo = ram.read64(dead + KH_UNDO);
        long undoSize = ram.read64(dead + KH_UNDO_SIZE);
        if (!Bounds.inRegion(regionBase, regionSize, ram.base(), ram.size())
                || !Bounds.inRegion(undo, undoSize, regionBase, regionSize)) {
            throw new KernelPanic("dead kernel header: region or undo log out of bounds");
        }
        OverlayMem v;
        try {
            v = OverlayMem.throughLog(ram, undo, undoSize);
        } catch (IllegalStateException e) {
            throw new KernelPanic("dead kernel's undo log is corrupt: " + e.getMessage());
        }
        long crashBase = v.r64(dead + KH_CRASH_BASE);
        long crashSize = v.r64(dead + KH_CRASH_SIZE);
        int nframes = (int) v.r64(dead + KH_NFRAMES);
        if (crashSize == 0) throw new KernelPanic("the dead kernel reserved no crash region");
        if (!Bounds.inRegion(crashBase, crashSize, ram.base(), ram.size()) || nframes != ram.size() / Sv39.PAGE_SIZE
                || overlaps(crashBase, crashSize, regionBase, regionSize)) {
            throw new KernelPanic("dead kernel header: crash region or frame count invalid");
        }
        long generation = v.r64(dead + KH_GENERATION) + 1;
        ResurrectionReport report = new ResurrectionReport(generation);
        long rrec = crashBase + crashSize - Sv39.PAGE_SIZE;
        DirectMem own = new DirectMem(ram);
        int attempt = ram.read32(rrec) == RREC.magic && ram.read64(rrec + R_DEAD_HEADER) == dead
                ? ram.read32(rrec + R_ATTEMPT) + 1 : 1;
        RREC.init(own, rrec);
        own.w64(rrec + R_DEAD_HEADER, dead);
        own.w32(rrec + R_ATTEMPT, attempt);
        own.w32(rrec + R_PHASE, 1);
        report.attempt = attempt;
        hooks.point("resurrect.validate");

        long tasks = v.r64(dead + KH_TASKS);
        long filesPa = v.r64(dead + KH_FILES);
        long ttys = v.r64(dead + KH_TTYS);
        long cache = v.r64(dead + KH_CACHE);
        int nttys = v.r32(dead + KH_NTTYS);
        if (!Bounds.inRegion(tasks, (long) MAX_TASKS * TASK.size(), regionBase, regionSize)
                || !Bounds.inRegion(filesPa, (long) MAX_FILES * FILE.size(), regionBase, regionSize)
                || !Bounds.inRegion(ttys, (long) MAX_TTYS * TTY.size(), regionBase, regionSize)
                || nttys < 0 || nttys > Math.min(MAX_TTYS, machine.consoleCount())) {
            throw new KernelPanic("dead kernel header: tables out of bounds");
        }
        List<String> cacheProblems = BlockCache.validate(v, cache);
        report.machineProblems.addAll(cacheProblems);

        long ptPool = v.r64(dead + KH_PT_POOL);
        if (ptPool <= regionBase || ptPool > regionBase + regionSize - Sv39.PAGE_SIZE || !Bounds.isAligned(ptPool, Sv39.PAGE_SIZE)) {
            throw new KernelPanic("dead kernel header: page-table pool outside its region");
        }
        Validator check = new Validator(v, ram, regionBase, regionSize, crashBase, crashSize, ptPool, nttys);
        List<Image> images = new ArrayList<>();
        Map<Long, Integer> owner = new HashMap<>();
        Set<Integer> pids = new HashSet<>();
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            int state = v.r32(t + T_STATE);
            if (state == TASK_FREE && v.r32(t) == TASK.magic) continue;
            Image img = check.task(t, i, filesPa);
            if (!pids.add(img.pid)) img.problems.add("pid " + img.pid + " appears twice");
            for (long[] leaf : img.leaves) {
                Integer other = owner.putIfAbsent(leaf[1], i);
                if (other != null) img.problems.add(String.format("frame 0x%x also mapped by task slot %d", leaf[1], other));
            }
            images.add(img);
        }
        // The call in flight: restart it, or finish a console write that already left the machine.
        UserMemory deadUser = new UserMemory(v, v); // the dead processes' memory, read through their page tables
        for (Image img : images) {
            long t = tasks + (long) img.slot * TASK.size();
            int nr = v.r32(t + T_INFLIGHT_NR);
            if (nr < 0 || !img.problems.isEmpty() || img.state != TASK_RUNNABLE) continue;
            boolean rolledBack = v.rolledBack() && v.rolledBackOwner() == img.slot;
            long mark = v.r64(t + T_INFLIGHT_MARK);
            if (rolledBack && nr == Sysno.WRITE && mark >= 0) {
                long fd = v.r64(t + T_X + 8L * 10);
                int f = fd >= 0 && fd < NOFILE ? img.fds[(int) fd] : -1;
                Console dev = consoleOf(v, filesPa, ttys, f);
                long out = dev == null ? 0 : dev.bytesOut() - mark;
                if (out > 0) {
                    img.completeWrite = true;
                    img.console = dev;
                    img.inflight = "write in flight completed (" + out + " bytes had left the machine)";
                    continue;
                }
            }
            if (rolledBack) {
                img.inflight = Sysno.name(nr) + " in flight: rolled back, will be made again";
            } else {
                byte[] insn = new byte[4];
                boolean atEcall = deadUser.copyIn(rootOf(v.r64(t + T_SATP)), v.r64(t + T_PC), insn, 0, 4)
                        && (insn[0] & 0xFF) == 0x73 && insn[1] == 0 && insn[2] == 0 && insn[3] == 0;
                img.inflight = Sysno.name(nr) + (atEcall ? " not yet begun: will be made" : " had completed");
            }
        }
        hooks.point("resurrect.decided");

        // ---- 2. flush ------------------------------------------------------------------------------------
        own.w32(rrec + R_PHASE, 2);
        if (cacheProblems.isEmpty()) {
            report.dirtyBlocksFlushed = BlockCache.flushDirty(v, machine.disk, cache);
        } else {
            report.machineProblems.add("page cache not flushed: its structures are corrupt");
        }
        machine.disk.flush();
        hooks.point("resurrect.flushed");
        for (Image img : images) {
            if (!img.completeWrite) continue;
            long t = tasks + (long) img.slot * TASK.size();
            long buf = v.r64(t + T_X + 8L * 11);
            long count = Math.min(v.r64(t + T_X + 8L * 12), otherworld.kernel.sys.Syscalls.MAX_IO);
            long mark = v.r64(t + T_INFLIGHT_MARK);
            Console dev = img.console;
            long done = dev.bytesOut() - mark; // counts bytes an earlier crash kernel may have sent too
            if (done < count) {
                byte[] rest = new byte[(int) (count - done)];
                if (deadUser.copyIn(rootOf(v.r64(t + T_SATP)), buf + done, rest, 0, rest.length)) {
                    for (byte b : rest) dev.put(b);
                }
            }
        }

        // ---- 3. build ------------------------------------------------------------------------------------
        own.w32(rrec + R_PHASE, 3);
        Region r = Region.layout(crashBase, crashSize, nframes, config.cacheSlots(), config.undoSize());
        Kernel.layDown(own, machine, config, r, 0, 0, generation, v.r64(dead + KH_NEXT_PID), v.r64(dead + KH_RANDOM));
        FrameAllocator frames = new FrameAllocator(own, r.bitmap(), ram.base(), nframes, false);
        frames.markUsed(ram.base(), FIRST_REGION_PA - ram.base());
        frames.markUsed(r.base(), r.ptPool() - r.base());
        frames.markUsed(r.end() - Sv39.PAGE_SIZE, Sv39.PAGE_SIZE);
        for (Image img : images) {
            if (img.problems.isEmpty()) for (long[] leaf : img.leaves) frames.markUsed(leaf[1], Sv39.PAGE_SIZE);
        }
        frames.restrict(r.ptPool(), r.end() - Sv39.PAGE_SIZE);
        FileTable newFiles = new FileTable(own, r.files());
        Map<Integer, Integer> fileMap = new HashMap<>();
        for (Image img : images) {
            long t = tasks + (long) img.slot * TASK.size();
            long nt = r.tasks() + (long) img.slot * TASK.size();
            if (!img.problems.isEmpty()) {
                report.processes.add(new ResurrectionReport.Process(img.pid, img.name, false, false, 0, List.of(), null,
                        img.problems));
                continue;
            }
            byte[] rec = new byte[TASK.size()];
            v.read(t, rec, 0, rec.length);
            own.write(nt, rec, 0, rec.length);
            own.w32(nt + T_INFLIGHT_NR, -1);
            own.w64(nt + T_INFLIGHT_MARK, -1);
            List<String> fileNames = new ArrayList<>();
            if (img.state == TASK_RUNNABLE) {
                PageTable pt = PageTable.create(own, frames);
                if (pt == null) throw new KernelPanic("crash region too small for page tables");
                for (long[] leaf : img.leaves) {
                    if (!pt.map(leaf[0], leaf[1], (int) leaf[2] & (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X))) {
                        throw new KernelPanic("crash region too small for page tables");
                    }
                }
                own.w64(nt + T_SATP, pt.satp());
                if (img.completeWrite) {
                    own.w64(nt + T_X + 8L * 10, Math.min(v.r64(t + T_X + 8L * 12), otherworld.kernel.sys.Syscalls.MAX_IO));
                    own.w64(nt + T_PC, v.r64(t + T_PC) + 4);
                }
                for (int fd = 0; fd < NOFILE; fd++) {
                    int f = img.fds[fd];
                    if (f < 0) {
                        own.w32(nt + T_FD + 4L * fd, -1);
                        continue;
                    }
                    Integer nf = fileMap.get(f);
                    long fe = filesPa + (long) f * FILE.size();
                    if (nf == null) {
                        nf = newFiles.alloc(v.r32(fe + F_TYPE), v.r32(fe + F_FLAGS), v.r32(fe + F_INO), v.r32(fe + F_TTY));
                        newFiles.setOffset(nf, v.r64(fe + F_OFFSET));
                        fileMap.put(f, nf);
                    } else {
                        newFiles.ref(nf);
                    }
                    own.w32(nt + T_FD + 4L * fd, nf);
                    fileNames.add(fd + (v.r32(fe + F_TYPE) == FT_TTY ? ":tty" + v.r32(fe + F_TTY)
                            : ":ino " + v.r32(fe + F_INO) + "@" + v.r64(fe + F_OFFSET)));
                }
            }
            report.processes.add(new ResurrectionReport.Process(img.pid, img.name, true, img.state == TASK_ZOMBIE,
                    img.leaves.size(), fileNames, img.inflight, List.of()));
        }
        for (int i = 0; i < nttys; i++) {
            byte[] rec = new byte[TTY.size()];
            v.read(ttys + (long) i * TTY.size(), rec, 0, rec.length);
            own.write(r.ttys() + (long) i * TTY.size(), rec, 0, rec.length);
        }
        frames.unrestrict(); // the pool frames the tables did not take are free memory for the new kernel
        long nextCrash = frames.findFreeRun((int) (crashSize / Sv39.PAGE_SIZE));
        if (nextCrash < 0) {
            report.machineProblems.add("no room for a new crash region: the next crash will not be survived");
            nextCrash = 0;
        } else {
            frames.markUsed(nextCrash, crashSize);
            own.w64(r.header() + KH_CRASH_BASE, nextCrash);
            own.w64(r.header() + KH_CRASH_SIZE, crashSize);
        }
        report.newHeader = r.header();
        report.newCrashRegion = nextCrash;
        report.framesInUse = frames.usedFrames();
        hooks.point("resurrect.built");

        // ---- 4. commit -----------------------------------------------------------------------------------
        ram.write64(ROOT_PA + ROOT_HEADER, r.header());
        return report;
    }

    /** The console behind open file f (validated: a tty file whose tty names a console), or null. */
    private Console consoleOf(OverlayMem v, long filesPa, long ttys, int f) {
        if (f < 0 || f >= MAX_FILES) return null;
        long fe = filesPa + (long) f * FILE.size();
        int tty = v.r32(fe + F_TTY);
        if (v.r32(fe + F_TYPE) != FT_TTY || tty < 0 || tty >= MAX_TTYS) return null;
        int con = v.r32(ttys + (long) tty * TTY.size() + TTY_CONSOLE);
        return con >= 0 && con < machine.consoleCount() ? machine.console(con) : null;
    }

    static long rootOf(long satp) { return Sv39.satpRootPa(satp); }

    static boolean overlaps(long a, long alen, long b, long blen) { return a < b + blen && b < a + alen; }
}
