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
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.CodedMem;
import otherworld.kernel.mem.CodedView;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.FrameAllocator;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.CopyOnWrite;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.proc.Procs;
import otherworld.kernel.sys.Syscalls;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.Sv39;

/**
 * The crash kernel. It is given the machine and nothing else of the dead kernel: it finds the dead kernel through
 * the root descriptor at {@link otherworld.kernel.layout.Layouts#ROOT_PA}. It works in four phases:
 * <ol>
 *   <li>validate: read the dead kernel's structures read-only, checking magic, versions, bounds and
 *       cross-references; decide who comes back, and what becomes of the system call of each (from its trap
 *       frame: not committed, it is made again; committed, its tail is redone by the new kernel first);</li>
 *   <li>flush: write the dead page cache's dirty blocks to disk (idempotent), finish a console write that had
 *       already put bytes on the line (idempotent: the device's bytes_out against the tty's out);</li>
 *   <li>build: lay out a fresh kernel in the crash region — tables, new page tables mapping the same user
 *       frames, trap frames, the open files at the same indices with their references counted from the fds, ttys
 *       with their counters taken from the devices — and choose the next crash region;</li>
 *   <li>commit: one write of the root descriptor makes the new kernel the main kernel.</li>
 * </ol>
 * Until the commit it writes nothing outside its own region but the disk and the console, so if it crashes, a new
 * crash kernel starts again from the same root descriptor and reaches the same result. What it derives instead of
 * trusting: the frames in use (from the page tables it resurrects), the references of open files (from the fds),
 * the ttys' device counters; what the interrupted call left half made in the file system is repaired by the new
 * kernel ({@link Kernel#finishInFlight}) before any process runs.
 */
public final class CrashKernel {
    private final Machine machine;
    private final PhysicalMemory ram;
    private final KernelConfig config;
    private final KernelHooks hooks;
    /** The file system's inode count (its superblock's; 0 if the disk cannot say): no inode a dead record names is above it. */
    private int inodes;
    /** The dead memory as page tables are read through their check bytes (the enhanced mode); null otherwise. */
    private KMem tables;

    /** Where page-table entries are read: through their check bytes in the enhanced mode, else as every record (v). */
    private KMem tablesOr(KMem v) { return tables != null ? tables : v; }

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
        /** Its VMA list in force, as validated (empty for a zombie or a refused task). */
        List<otherworld.kernel.mm.Vma> vmas = List.of();
        final List<String> problems = new ArrayList<>();
        final int[] fds = new int[NOFILE];
        /** fds whose entry names no file (neither -1 nor an index of the table): closed, or corrupt. */
        final List<Integer> strayFds = new ArrayList<>();
        /** fds naming an open file whose magic or version is wrong (its other fields valid). */
        final List<Integer> unmarkedFiles = new ArrayList<>();
        /** Its call had not committed: a0 from orig_a0, made again from the ecall. */
        boolean restart;
        /** From its process record: its parent's pid, and the slot whose address space a vfork child borrows (-1). */
        int ppid;
        int vmLender = -1;
        /** Its execve had committed: the crash kernel applied the new image to its copy of the record. */
        boolean execApplied;
        /** The task record as it comes back (the dead one, or the copy with an execve applied). */
        byte[] record;
        /** Its clone had made the child (sysword names it) but not committed: completed with a0 := the child's pid. */
        long completeClone;
        /** Its console write had sent some bytes: the rest are sent, the call completes with n. */
        Console completeWrite;
        String inflight;
        /** What the validator took otherwise than it read (a flipped bit it could place), said in the report. */
        final List<String> repairs = new ArrayList<>();
    }

    /** The dead kernel, as its header describes it (validated). */
    private record Dead(long header, long regionBase, long regionSize, long ptPool, long crashBase, long crashSize,
                        int nframes, long tasks, long files, long ttys, int nttys, long procs, long sigs,
                        long pipes, long vmas, long fpages, long sleeps, long fsctx, long tinfo, long locks,
                        Region layout) {
        /** Its frame bitmap, where the layout of its region puts it (derived, not read from the header). */
        long bitmap() { return layout.bitmap(); }
        /** Its tty record i. */
        long tty(int i) { return otherworld.kernel.tty.Tty.record(ttys, i); }
    }

    public ResurrectionReport resurrect() {
        CodedView coded = codedView(new ReadOnlyMem(ram));
        KMem v = coded != null ? coded : new ReadOnlyMem(ram);
        tables = coded != null ? coded.tables() : null;
        Dead d = readHeader(v);
        ResurrectionReport report = new ResurrectionReport(v.r64(d.header + KH_GENERATION) + 1);
        if (coded != null) report.machineProblems.addAll(coded.notes());
        Region r;
        try { // the crash region as the next kernel's: too small for its tables and pool is a header problem, not a host error
            r = Region.layout(d.crashBase, d.crashSize, d.nframes, config.cacheSlots(), config.enhanced());
        } catch (IllegalArgumentException e) {
            throw new KernelPanic("dead kernel header: crash region too small for a kernel's tables");
        }
        DirectMem own = new DirectMem(ram);
        long rrec = r.rrec();
        int attempt = ram.read32(rrec) == RREC.magic && ram.read64(rrec + R_DEAD_HEADER) == d.header
                ? ram.read32(rrec + R_ATTEMPT) + 1 : 1;
        RREC.init(own, rrec);
        own.w64(rrec + R_DEAD_HEADER, d.header);
        own.w32(rrec + R_ATTEMPT, attempt);
        own.w32(rrec + R_PHASE, 1);
        report.attempt = attempt;
        hooks.point("resurrect.validate");

        // ---- 1. validate ----------------------------------------------------------------------------------
        int current = (int) v.r64(d.header + KH_CURRENT);
        inodes = (int) Math.min(inodeCount(), Integer.MAX_VALUE); // read once, for validation and the rebuilt locks
        List<String> undone = new ArrayList<>();
        v = Repairs.apply(v, d.files, d.pipes, d.ttys, d.nttys, d.tasks, d.layout.cache(), config.cacheSlots(),
                machine.disk.sizeBytes() / BlockCache.BLOCK, inodes, undone);
        v = LeafFrames.repair(v, validator(v, d), ram.base(), d.nframes, d.tasks, d.procs, d.bitmap(),
                d.layout.frameRefs(), d.fpages, undone);
        report.machineProblems.addAll(undone);
        List<Image> images = validateTasks(v, d, current);
        long deadRecovery = Recovery.deadTable(v, d.header, d.regionBase, d.ptPool - d.regionBase);
        for (Image img : images) if (!Recovery.returning(v, deadRecovery, img)) decideCall(v, d, img, current, images);
        hooks.point("resurrect.decided");

        // ---- 2. flush ------------------------------------------------------------------------------------
        own.w32(rrec + R_PHASE, 2);
        // where the cache lies and how many slots it has are derived (the layout of the dead region, the configuration
        // both kernels share), not read from the header: only each slot's flags and block are trusted
        List<String> lost = new ArrayList<>();
        report.dirtyBlocksFlushed = BlockCache.flushSound(v, machine.disk, d.layout.cache(), config.cacheSlots(), lost);
        report.machineProblems.addAll(lost);
        if (!lost.isEmpty()) {
            // data the check bytes say is corrupt was written by someone, maybe a process that has closed the file
            refuseFileUsers(v, d, images, lost.get(0), lost.stream().anyMatch(l -> l.endsWith(BlockCache.CORRUPT_DATA)));
        }
        report.dirtyBlocksFlushed += filePages.flush(v, machine.disk); // after the cache's blocks: they are newer
        machine.disk.flush();
        hooks.point("resurrect.flushed");
        java.util.Set<Console> writing = new HashSet<>();
        for (Image img : images) {
            if (img.completeWrite != null && img.problems.isEmpty()) {
                completeConsoleWrite(v, d, img);
                writing.add(img.completeWrite);
            }
        }
        boolean[] echoed = completeEchoes(v, d, writing, report);

        // ---- 3. build ------------------------------------------------------------------------------------
        own.w32(rrec + R_PHASE, 3);
        build(v, d, r, own, images, current, report, echoed);
        hooks.point("resurrect.built");

        if (coded != null) report.machineProblems.addAll(coded.tableNotes()); // page-table words the walks took back

        // ---- 4. commit -----------------------------------------------------------------------------------
        if (r.coded()) { // the new kernel's check bytes: its structures, and the page tables built in its pool
            CodedMem.encodeAll(ram, r.base(), r.codes(), r.codes());
            CodedMem.encodeTables(ram, r.ptPool(), r.end(), Region.tableCodes(ram.base(), ram.size()));
        }
        ram.write64(ROOT_PA + ROOT_HEADER, r.header());
        return report;
    }

    /**
     * The dead kernel's memory read through its check bytes, if it kept them (the enhanced mode); null otherwise. The
     * header is read raw here, only to find where the check bytes are: a region whose layout with check bytes puts
     * them where the header's codes_pa says, or ends its structures where its pt_pool_pa says (one of the two words may
     * be the corrupt one). Everything after is read through the view, the header again included.
     */
    private CodedView codedView(KMem raw) {
        if (ram.read32(ROOT_PA) != ROOT.magic) return null;
        long h = ram.read64(ROOT_PA + ROOT_HEADER);
        if (!Bounds.inRegion(h, KHDR.size(), ram.base(), ram.size()) || raw.r32(h) != KHDR.magic) return null;
        long base = raw.r64(h + KH_REGION_BASE), size = raw.r64(h + KH_REGION_SIZE);
        if (!Bounds.inRegion(base, size, ram.base(), ram.size()) || raw.r64(h + KH_NFRAMES) != ram.size() / Sv39.PAGE_SIZE) {
            return null;
        }
        Region coded;
        try {
            coded = Region.layout(base, size, (int) (ram.size() / Sv39.PAGE_SIZE), config.cacheSlots(), true);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.r64(h + KH_CODES) != coded.codes() && raw.r64(h + KH_PT_POOL) != coded.ptPool()) return null;
        return new CodedView(raw, base, coded.codes(), coded.codes(), Region.tableCodes(ram.base(), ram.size()), ram.base());
    }

    private Dead readHeader(KMem v) {
        if (ram.read32(ROOT_PA) != ROOT.magic || ram.read32(ROOT_PA + 4) != ROOT.version) {
            throw new KernelPanic("root descriptor is corrupt: nothing can be resurrected");
        }
        long h = ram.read64(ROOT_PA + ROOT_HEADER);
        if (!Bounds.inRegion(h, KHDR.size(), ram.base(), ram.size()) || v.r32(h) != KHDR.magic
                || v.r32(h + 4) != KHDR.version) {
            throw new KernelPanic("dead kernel header is corrupt");
        }
        long regionBase = v.r64(h + KH_REGION_BASE);
        long regionSize = v.r64(h + KH_REGION_SIZE);
        if (!Bounds.inRegion(regionBase, regionSize, ram.base(), ram.size())) {
            throw new KernelPanic("dead kernel header: region out of bounds");
        }
        long ptPool = v.r64(h + KH_PT_POOL);
        if (ptPool <= regionBase || ptPool > regionBase + regionSize || !Bounds.isAligned(ptPool, Sv39.PAGE_SIZE)) {
            throw new KernelPanic("dead kernel header: page-table pool outside its region");
        }
        long crashBase = v.r64(h + KH_CRASH_BASE);
        long crashSize = v.r64(h + KH_CRASH_SIZE);
        int nframes = (int) v.r64(h + KH_NFRAMES);
        if (crashSize == 0) throw new KernelPanic("the dead kernel reserved no crash region");
        // The crash region may lie in the dead region's pool (ordinary memory), never on its structures.
        if (!Bounds.inRegion(crashBase, crashSize, ram.base(), ram.size()) || nframes != ram.size() / Sv39.PAGE_SIZE
                || overlaps(crashBase, crashSize, regionBase, ptPool - regionBase)) {
            throw new KernelPanic("dead kernel header: crash region or frame count invalid");
        }
        long structures = ptPool - regionBase;
        Region layout;
        try { // where each table of the dead region lies, as Kernel.layDown put it (the configuration is the same)
            layout = Region.layout(regionBase, regionSize, nframes, config.cacheSlots(), v.r64(h + KH_CODES) != 0);
        } catch (IllegalArgumentException e) {
            throw new KernelPanic("dead kernel header: region too small for its tables");
        }
        if (layout.codes() != v.r64(h + KH_CODES) || layout.coded() && layout.ptPool() != ptPool) {
            throw new KernelPanic("dead kernel header: check bytes not where its layout puts them");
        }
        long tasks = v.r64(h + KH_TASKS);
        long files = v.r64(h + KH_FILES);
        long ttys = v.r64(h + KH_TTYS);
        int nttys = v.r32(h + KH_NTTYS);
        long procs = v.r64(h + KH_PROCS);
        long sigs = v.r64(h + KH_SIGNALS);
        long pipes = v.r64(h + KH_PIPES);
        long vmas = v.r64(h + KH_VMAS);
        long fpages = v.r64(h + KH_FPAGES);
        long sleeps = v.r64(h + KH_SLEEPS);
        if (!Bounds.inRegion(vmas, (long) MAX_TASKS * VMAT.size(), regionBase, structures)
                || !Bounds.inRegion(fpages, FPAGES.size(), regionBase, structures)
                || !Bounds.inRegion(sleeps, (long) MAX_TASKS * SLEEP.size(), regionBase, structures)) {
            throw new KernelPanic("dead kernel header: memory tables out of bounds");
        }
        if (!Bounds.inRegion(tasks, (long) MAX_TASKS * TASK.size(), regionBase, structures)
                || !Bounds.inRegion(procs, (long) MAX_TASKS * PROC.size(), regionBase, structures)
                || !Bounds.inRegion(sigs, (long) MAX_TASKS * SIGS.size(), regionBase, structures)
                || !Bounds.inRegion(pipes, (long) MAX_PIPES * PIPE.size(), regionBase, structures)
                || !Bounds.inRegion(files, (long) MAX_FILES * FILE.size(), regionBase, structures)
                || !Bounds.inRegion(ttys, (long) MAX_TTYS * TTY.size(), regionBase, structures)
                || nttys < 0 || nttys > Math.min(MAX_TTYS, machine.consoleCount())) {
            throw new KernelPanic("dead kernel header: tables out of bounds");
        }
        long fsctx = v.r64(h + KH_FSCTX), tinfo = v.r64(h + KH_TINFO), locks = v.r64(h + KH_LOCKS);
        if (!Bounds.inRegion(fsctx, (long) MAX_TASKS * FSCTX.size(), regionBase, structures)
                || !Bounds.inRegion(tinfo, (long) MAX_TASKS * TINFO.size(), regionBase, structures)
                || !Bounds.inRegion(locks, (long) MAX_LOCKS * LOCK.size(), regionBase, structures)) {
            throw new KernelPanic("dead kernel header: file-system tables out of bounds");
        }
        // the page cache is not read from the header: where it lies is the layout's (resurrect, flush)
        return new Dead(h, regionBase, regionSize, ptPool, crashBase, crashSize, nframes, tasks, files, ttys,
                nttys, procs, sigs, pipes, vmas, fpages, sleeps, fsctx, tinfo, locks, layout);
    }

    /** The validator of the dead kernel's tasks, reading v. */
    private Validator validator(KMem v, Dead d) {
        Validator val = new Validator(v, ram, d.regionBase, d.regionSize, d.crashBase, d.crashSize, d.ptPool, d.nttys)
                .pipes(d.pipes).bitmap(d.bitmap()).inodes(inodes).tables(tables);
        if (d.layout.coded()) val.kernelFrames(Region.tableCodes(ram.base(), ram.size()), Region.tableCodesSize(ram.size()));
        return val;
    }

    /** The dead kernel's shared file pages (validated with the tasks). */
    private FilePageImage filePages;

    /**
     * Every task record, validated: its own fields and page tables ({@link Validator}), its process and signal
     * records, its VMA table ({@link VmaImage}), the tree ({@link ProcessTree}), and frames shared between address
     * spaces — legal only when no mapping of the frame can write it (copy-on-write or read-only) or it is a shared
     * file page; otherwise the later task is refused. A task whose execve had committed (it ran last; its record says
     * PENDING) is validated with the new image applied, its staged VMA list as the one in force.
     */
    private List<Image> validateTasks(KMem v, Dead d, int current) {
        Validator base = validator(v, d); // its frame map: built once
        filePages = FilePageImage.validate(v, d.fpages, machine.disk.sizeBytes() / Sv39.PAGE_SIZE, base::userFrame);
        List<Image> images = new ArrayList<>();
        Map<Long, long[]> owner = new HashMap<>(); // frame -> {slot, writable}
        Set<Integer> pids = new HashSet<>();
        long nextPid = v.r64(d.header + KH_NEXT_PID); // taken before a pid is written: every pid lies below it
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = d.tasks + (long) i * TASK.size();
            if (v.r32(t + T_STATE) == TASK_FREE && v.r32(t) == TASK.magic) continue;
            long proc = d.procs + (long) i * PROC.size();
            KMem tv = v;
            boolean exec = i == current && v.r32(proc) == PROC.magic && v.r32(proc + P_EXEC_STATE) == Procs.EXEC_PENDING
                    && v.r64(t + T_CAUSE) == CAUSE_ECALL && v.r64(t + T_PC) != v.r64(t + T_EPC)
                    && v.r32(t + T_STATE) == TASK_RUNNABLE;
            OverlayMem overlay = null;
            if (exec) {
                overlay = new OverlayMem(v, t, TASK.size());
                Procs.applyExec(overlay, t, proc);
                tv = overlay;
            }
            Validator check = base.reading(tv);
            Image img = check.task(t, i, d.files);
            if (v instanceof CodedView coded && coded.corrupt(t, TASK.size())) { // enhanced mode: a word beyond repair
                img.problems.add("task record: a word its check byte says is corrupt beyond repair");
            }
            img.execApplied = exec;
            img.record = new byte[TASK.size()];
            tv.read(t, img.record, 0, img.record.length);
            if (img.pid <= 0) img.pid = v.r32(t + T_PID); // a record refused early still names its pid for the tree
            ProcessTree.validateRecords(v, d.procs, d.sigs, img);
            if (img.problems.isEmpty() && img.state != TASK_ZOMBIE) {
                TaskTables.validate(v, d.fsctx, d.tinfo, i, inodes, img.problems);
            }
            if (!pids.add(img.pid)) img.problems.add("pid " + img.pid + " appears twice");
            if (img.pid >= nextPid) img.problems.add("pid " + img.pid + " not allocated yet (the next pid is " + nextPid + ")");
            if (img.problems.isEmpty() && img.state != TASK_ZOMBIE && i == current && !exec
                    && v.r64(t + T_CAUSE) == CAUSE_ECALL && v.r64(t + T_PC) != v.r64(t + T_EPC)) {
                String bad = InFlight.syswordProblem(v, t, img.fds, d.files, d.ttys, d.nttys, d.pipes);
                if (bad != null) { // one flipped bit of the sysword that explains it is undone in the record that comes back
                    OverlayMem o = new OverlayMem(v, t, TASK.size());
                    int[] fds = img.fds;
                    int bit = OneBit.undo(o, t, new int[] {T_SYSWORD, T_SYSWORD + 8},
                            m -> InFlight.syswordProblem(m, t, fds, d.files, d.ttys, d.nttys, d.pipes) == null);
                    if (bit >= 0) {
                        System.arraycopy(o.copy(), T_SYSWORD, img.record, T_SYSWORD, 8);
                        img.repairs.add(String.format("sysword: bit %d flipped back (%s)", bit - 8 * T_SYSWORD, bad));
                        bad = null;
                    }
                }
                if (bad != null) img.problems.add(bad); // its tail, made again, would move a counter wrongly
            }
            List<otherworld.kernel.mm.Vma> vmaList = new ArrayList<>();
            img.vmas = vmaList;
            if (img.problems.isEmpty() && img.state != TASK_ZOMBIE) {
                int inForce = exec ? v.r32(proc + P_EXEC_VLIST) : -1;
                if (exec && inForce != 0 && inForce != 1) img.problems.add("execve's staged VMA list " + inForce + " invalid");
                else img.problems.addAll(VmaImage.validate(v, d.vmas, i, img.leaves, stagedList(v, t, i == current), inForce,
                        vmaList));
                if (i == current) dropMovedAliases(v, t, img);
                if (img.problems.isEmpty()) {
                    String pcProblem = pcOutsideCode(tv.r64(t + T_PC), tv.r64(t + T_X + 8L * 2), vmaList);
                    if (pcProblem != null) img.problems.add(pcProblem);
                }
            }
            boolean borrows = img.vmLender >= 0 && !exec;
            for (long[] leaf : img.leaves) {
                if (borrows) break; // the lender's pages, counted once, with the lender
                if (filePages.isFilePage(leaf[1])) continue; // a shared file page: the file-page table's frame
                boolean writable = CopyOnWrite.writable(leaf[2]) && !otherworld.kernel.mm.Vmas.sharedAnon(vmaList, leaf[0]);
                long[] other = owner.putIfAbsent(leaf[1], new long[] {i, writable ? 1 : 0});
                if (other != null && (writable || other[1] != 0)) {
                    img.problems.add(String.format("frame 0x%x also mapped by task slot %d, and writable", leaf[1], other[0]));
                }
            }
            images.add(img);
        }
        strayFds(v, d, images);
        ProcessTree.validateTree(v, d.tasks, images);
        return images;
    }

    /** The file system's inode count, from its superblock on the disk (fixed by mke2fs); 0 if the disk cannot say. */
    private long inodeCount() {
        byte[] sb = new byte[512]; // the device reads whole sectors
        try {
            BlockCache.readChecked(machine.disk, 1024, sb, sb.length);
        } catch (RuntimeException e) {
            return 0;
        }
        return java.nio.ByteBuffer.wrap(sb).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    /**
     * A dirty page-cache block could not be written (its slot no longer says which block it is): some file lost data,
     * and nothing says which. A process with a regular file open cannot be vouched for: it is refused, and says why
     * (never brought back with a file that silently lacks what it wrote). Processes with no file open come back.
     */
    private static void refuseFileUsers(KMem v, Dead d, List<Image> images, String why, boolean everyone) {
        for (Image img : images) {
            if (!img.problems.isEmpty() || img.state == TASK_ZOMBIE) continue;
            if (everyone) {
                img.problems.add("a file's data is lost, and any process may have written it (" + why + ")");
                continue;
            }
            for (int fd = 0; fd < NOFILE; fd++) {
                int f = img.fds[fd];
                if (f >= 0 && v.r32(d.files + (long) f * FILE.size() + F_TYPE) == FT_REG) {
                    img.problems.add("fd " + fd + ": a file whose data may be lost (" + why + ")");
                    break;
                }
            }
        }
    }

    /**
     * The fd tables against the open-file table's reference counts. Each entry's count is the number of fds that name
     * it, in the tables of the live tasks (an fd is installed before its reference is taken and cleared before it is
     * dropped, so the two differ only inside a call that dups, closes or forks, and then they disagree).
     * <ul>
     *   <li>An fd entry that names no file (neither -1, closed, nor an index of the table) is a closed fd whose -1 was
     *       corrupted, or an open one whose index was. If every entry is named exactly as often as it counts, no open
     *       fd is missing: the stray entries were closed ones, and come back closed. Otherwise their tasks are refused.
     *   <li>An open file whose magic or version is wrong, its other fields valid, named by as many fds as it counts,
     *       is that open file: its magic and version are constants the crash kernel writes anew ({@link #buildFiles}).
     *       The magic tells a record from something else; an index into the table cannot name something else, and a
     *       free or stale entry would be named more often than it counts. Otherwise its tasks are refused.
     * </ul>
     */
    private static void strayFds(KMem v, Dead d, List<Image> images) {
        boolean any = false;
        for (Image img : images) any |= !img.strayFds.isEmpty() || !img.unmarkedFiles.isEmpty();
        if (!any) return;
        int[] named = Repairs.named(v, d.tasks);
        boolean agree = Repairs.countsAgree(v, named, d.files);
        for (Image img : images) {
            for (int fd : img.unmarkedFiles) {
                int f = img.fds[fd];
                if (f >= 0 && named[f] == v.r32(d.files + (long) f * FILE.size() + F_REFS)) continue;
                img.fds[fd] = -1;
                img.problems.add("fd " + fd + ": open file " + f + " is corrupt (magic or version)");
            }
            if (agree) continue;
            for (int fd : img.strayFds) {
                img.problems.add("fd " + fd + " names file " + v.r32(d.tasks + (long) img.slot * TASK.size() + T_FD + 4L * fd)
                        + ", outside the table");
            }
        }
    }

    /**
     * Null if pc lies in an executable mapping of the list in force and sp in (or at the top of) a mapping that is not
     * a guard; else the problem. Every instruction a process runs was fetched from such a mapping (the hart's fetch
     * checks X), and the kernel sets a pc only to the next instruction, an entry point, a handler or its trampoline,
     * all of them code; the ABI's sp points into the stack the process runs on (its own, a signal stack, a recovery
     * stack), all of them mappings, and the kernel builds signal and recovery frames there. A saved pc or sp anywhere
     * else is a corrupt register the process could not go on with.
     */
    static String pcOutsideCode(long pc, long sp, List<otherworld.kernel.mm.Vma> list) {
        boolean code = false, stack = false;
        for (otherworld.kernel.mm.Vma m : list) {
            code |= m.contains(pc) && (m.prot() & otherworld.kernel.mm.Vma.PROT_EXEC) != 0;
            stack |= (m.flags() & VM_GUARD) == 0 && sp >= m.start() && sp <= m.end();
        }
        if (!code) return String.format("trap frame: pc 0x%x outside every executable mapping", pc);
        return stack ? null : String.format("trap frame: sp 0x%x outside every mapping", sp);
    }

    /**
     * The VMA list a committed call of the current task puts in force in its tail (its sysword names it), or -1: that
     * list must be valid too.
     */
    static int stagedList(KMem v, long t, boolean current) {
        long nr = v.r64(t + T_X + 8L * 17);
        if (!current || v.r64(t + T_CAUSE) != CAUSE_ECALL || v.r64(t + T_PC) == v.r64(t + T_EPC)) return -1;
        if (nr != Sysno.BRK && nr != Sysno.MMAP && nr != Sysno.MUNMAP && nr != Sysno.MPROTECT && nr != Sysno.MREMAP) {
            return -1;
        }
        long w = v.r64(t + T_SYSWORD);
        return w == 0 ? -1 : (int) (w & 3) - 1;
    }

    /**
     * An mremap that moves pages, committed, its tail interrupted between writing a page's new PTE and clearing its old
     * one: the frame is mapped at both addresses. The tail, made again, would clear the old one; the new kernel is built
     * without it (the same result), so that every frame is mapped once.
     */
    static void dropMovedAliases(KMem v, long t, Image img) {
        if (v.r64(t + T_CAUSE) != CAUSE_ECALL || v.r64(t + T_PC) == v.r64(t + T_EPC)
                || v.r64(t + T_X + 8L * 17) != Sysno.MREMAP || (v.r64(t + T_SYSWORD) & 0x100) == 0) {
            return;
        }
        long old = v.r64(t + T_ORIG_A0), to = v.r64(t + T_X + 8L * 10);
        long len = Math.min(v.r64(t + T_X + 8L * 11), v.r64(t + T_X + 8L * 12));
        Map<Long, Long> atNew = new HashMap<>();
        for (long[] leaf : img.leaves) if (leaf[0] >= to && leaf[0] - to < len) atNew.put(leaf[0] - to, leaf[1]);
        img.leaves.removeIf(leaf -> leaf[0] >= old && leaf[0] - old < len
                && Long.valueOf(leaf[1]).equals(atNew.get(leaf[0] - old)));
    }

    /**
     * What becomes of the task's system call, read from its trap frame (spec: the in-flight rule). Not committed
     * (pc still at the ecall): made again, with a0 from orig_a0 — unless it is a console write whose bytes began to
     * leave the machine (the device's bytes_out beyond the tty's out), which is completed instead. Committed, and the
     * task is the current one: its tail may be unfinished, and the new kernel makes it again before anything runs.
     */
    private void decideCall(KMem v, Dead d, Image img, int current, List<Image> images) {
        long t = d.tasks + (long) img.slot * TASK.size();
        if (!img.problems.isEmpty() || img.state == TASK_ZOMBIE || v.r64(t + T_CAUSE) != CAUSE_ECALL) return;
        if (img.execApplied) {
            img.inflight = "execve had committed: its new image is resurrected, its tail made again first";
            return;
        }
        String call = Sysno.name((int) v.r64(t + T_X + 8L * 17));
        if (v.r64(t + T_PC) != v.r64(t + T_EPC)) {
            if (img.slot == current) img.inflight = call + " had committed: its tail is made again first";
            return;
        }
        long nr = v.r64(t + T_X + 8L * 17);
        long child = v.r64(t + T_SYSWORD);
        if (nr == Sysno.CLONE && child > 0) {
            for (Image c : images) {
                if (c.pid == child && c.ppid == img.pid && c.problems.isEmpty()) {
                    img.completeClone = child;
                    img.inflight = "clone had made pid " + child + ": completed";
                    return;
                }
            }
        }
        if ((nr == Sysno.WRITE || nr == Sysno.WRITEV) && img.slot == current) { // a write in flight runs to its commit
            long fd = v.r64(t + T_ORIG_A0);
            int f = fd >= 0 && fd < NOFILE ? img.fds[(int) fd] : -1;
            int tty = ttyOf(v, d, f);
            if (tty >= 0) {
                Console dev = machine.console(tty);
                long sent = dev.bytesOut() - v.r64(d.tty(tty) + TTY_OUT);
                if (sent > 0) {
                    img.completeWrite = dev;
                    img.inflight = call + " in flight completed (" + sent + " bytes had left the machine)";
                    return;
                }
            }
        }
        img.restart = true;
        img.inflight = call + " in flight: will be made again first";
    }

    /**
     * The tty behind open file f (a tty file whose tty has a console), or -1. Its console is the one of the same index,
     * derived as {@link #buildTtys} derives it: the record's console field is not trusted (corrupt, it would have the
     * write made again, and the bytes already sent sent twice).
     */
    private int ttyOf(KMem v, Dead d, int f) {
        if (f < 0 || f >= MAX_FILES) return -1;
        long fe = d.files + (long) f * FILE.size();
        int tty = v.r32(fe + F_TTY);
        return v.r32(fe + F_TYPE) == FT_TTY && tty >= 0 && tty < d.nttys && tty < machine.consoleCount() ? tty : -1;
    }

    /** The rest of an interrupted console write, each byte once: what bytes_out says was sent is not sent again. */
    private void completeConsoleWrite(KMem v, Dead d, Image img) {
        long t = d.tasks + (long) img.slot * TASK.size();
        byte[] all = consoleBytes(v, t);
        if (all == null) return;
        Console dev = img.completeWrite;
        int f = img.fds[(int) v.r64(t + T_ORIG_A0)];
        long rec = d.tty(ttyOf(v, d, f));
        boolean plain = (v.r32(d.files + (long) f * FILE.size() + F_FLAGS) & FF_NOT_A_TERMINAL) != 0;
        byte[] out = plain ? all : otherworld.kernel.tty.Tty.post(v, rec, all); // as the write sent them (OPOST)
        long done = dev.bytesOut() - v.r64(rec + TTY_OUT); // an earlier crash kernel's too
        for (long i = done; i < out.length; i++) dev.put(out[(int) i]);
    }

    /**
     * The bytes a console write(fd, buf, count) or writev(fd, iov, iovcnt) in flight sends (at most MAX_IO), read
     * through the dead task's page tables; its count for the result. Null if its memory cannot be read.
     */
    private byte[] consoleBytes(KMem v, long t) {
        UserMemory um = new UserMemory(new DeadTables(tablesOr(v)), v); // the frames the validated walk took
        long root = Sv39.satpRootPa(v.r64(t + T_SATP));
        if (v.r64(t + T_X + 8L * 17) == Sysno.WRITE) {
            byte[] b = new byte[(int) Math.max(0, Math.min(v.r64(t + T_X + 8L * 12), Syscalls.MAX_IO))];
            return um.copyIn(root, v.r64(t + T_X + 8L * 11), b, 0, b.length) ? b : null;
        }
        long iov = v.r64(t + T_X + 8L * 11), cnt = v.r64(t + T_X + 8L * 12);
        if (cnt < 0 || cnt > 1024) return null;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < cnt && out.size() < Syscalls.MAX_IO; i++) {
            byte[] pair = new byte[16];
            if (!um.copyIn(root, iov + 16L * i, pair, 0, 16)) return null;
            long base = java.nio.ByteBuffer.wrap(pair).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
            long len = java.nio.ByteBuffer.wrap(pair).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
            if (len < 0) return null;
            byte[] b = new byte[(int) Math.min(len, Syscalls.MAX_IO - out.size())];
            if (!um.copyIn(root, base, b, 0, b.length)) return null;
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    private void build(KMem v, Dead d, Region r, DirectMem own, List<Image> images, int current,
                       ResurrectionReport report, boolean[] echoed) {
        Kernel.layDown(own, machine, config, r, 0, 0, report.generation, v.r64(d.header + KH_NEXT_PID),
                v.r64(d.header + KH_RANDOM));
        if (current >= 0 && current < MAX_TASKS) own.w64(r.header() + KH_CURRENT, current);
        FrameAllocator frames = new FrameAllocator(own, r.bitmap(), r.frameRefs(), ram.base(), d.nframes);
        frames.markUsed(ram.base(), FIRST_REGION_PA - ram.base());
        frames.markUsed(r.base(), r.ptPool() - r.base());
        if (r.coded()) frames.markUsed(Region.tableCodes(ram.base(), ram.size()), Region.tableCodesSize(ram.size()));
        Map<Long, Integer> mappings = new HashMap<>();
        for (Image img : images) {
            if (!img.problems.isEmpty() || img.vmLender >= 0 && !img.execApplied) continue;
            for (long[] leaf : img.leaves) {
                frames.markUsed(leaf[1], Sv39.PAGE_SIZE);
                if (!filePages.isFilePage(leaf[1])) mappings.merge(leaf[1], 1, Integer::sum); // file pages: uncounted
            }
        }
        for (Map.Entry<Long, Integer> e : mappings.entrySet()) {
            if (e.getValue() > 1) frames.setSharers(e.getKey(), e.getValue() - 1); // derived, never trusted
        }
        frames.restrict(r.ptPool(), r.end());
        int[] refs = new int[MAX_FILES];
        long deadRecovery = Recovery.deadTable(v, d.header, d.regionBase, d.ptPool - d.regionBase);
        Map<Integer, Long> newSatp = new HashMap<>();
        Set<Long> keptFilePages = new HashSet<>();
        // lenders before borrowers: a vfork child gets the address space built for its parent
        List<Image> order = new ArrayList<>();
        for (Image img : images) if (img.vmLender < 0 || img.execApplied) order.add(img);
        for (Image img : images) if (img.vmLender >= 0 && !img.execApplied) order.add(img);
        for (Image img : order) {
            long t = d.tasks + (long) img.slot * TASK.size();
            long nt = r.tasks() + (long) img.slot * TASK.size();
            if (!img.problems.isEmpty()) {
                report.processes.add(new ResurrectionReport.Process(img.pid, img.ppid, img.name, false, false, 0, List.of(), null,
                        img.problems));
                continue;
            }
            hooks.point("resurrect.task");
            own.write(nt, img.record, 0, img.record.length);
            VmaImage.rebuild(v, own, d.vmas, r.vmas(), img.slot, img.state == TASK_ZOMBIE);
            if (img.execApplied) { // the new image's list in force, as the tail made again would put it
                own.w32(r.vmas() + (long) img.slot * VMAT.size() + VT_ACTIVE, v.r32(d.procs + (long) img.slot * PROC.size() + P_EXEC_VLIST));
            }
            SleepImage.rebuild(v, own, d.sleeps, r.sleeps(), img.slot, img.state == TASK_ZOMBIE);
            List<String> fileNames = new ArrayList<>();
            for (int fd = 0; fd < NOFILE; fd++) {
                int f = img.state != TASK_ZOMBIE ? img.fds[fd] : -1; // a zombie holds nothing
                own.w32(nt + T_FD + 4L * fd, f);
                if (f < 0) continue;
                refs[f]++;
                long fe = d.files + (long) f * FILE.size();
                fileNames.add(fd + (v.r32(fe + F_TYPE) == FT_TTY ? ":tty" + v.r32(fe + F_TTY)
                        : v.r32(fe + F_TYPE) == FT_PIPE ? ":pipe" + v.r32(fe + F_INO)
                        : ":ino " + v.r32(fe + F_INO) + "@" + v.r64(fe + F_OFFSET)));
            }
            long satp = 0;
            if (img.state != TASK_ZOMBIE) {
                TaskTables.rebuild(v, own, d.fsctx, d.tinfo, r.fsctx(), r.tinfo(), img.slot);
                // a blocked call had no effect: it is made again; a stopped process stays stopped
                own.w32(nt + T_STATE, img.state == TASK_STOPPED ? TASK_STOPPED : TASK_RUNNABLE);
                if (img.vmLender >= 0 && !img.execApplied) {
                    satp = newSatp.get(img.vmLender);
                } else {
                    PageTable pt = PageTable.create(own, frames);
                    if (pt == null) throw new KernelPanic("crash region too small for page tables");
                    for (long[] leaf : img.leaves) {
                        boolean shared = filePages.isFilePage(leaf[1]);
                        if (shared) keptFilePages.add(leaf[1]);
                        int rwx = (int) leaf[2] & (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X);
                        if (!(shared ? pt.mapShared(leaf[0], leaf[1], rwx)
                                : pt.mapWith(leaf[0], leaf[1], rwx | ((int) leaf[2] & CopyOnWrite.PTE_COW)))) {
                            throw new KernelPanic("crash region too small for page tables");
                        }
                    }
                    satp = pt.satp();
                }
                newSatp.put(img.slot, satp);
                own.w64(nt + T_SATP, satp);
                if (img.restart) own.w64(nt + T_X + 8L * 10, v.r64(t + T_ORIG_A0));
                if (img.completeWrite != null) {
                    byte[] all = consoleBytes(v, t);
                    own.w64(nt + T_X + 8L * 10, all == null ? 0 : all.length);
                    own.w64(nt + T_PC, v.r64(t + T_EPC) + 4);
                }
                if (img.completeClone > 0) {
                    own.w64(nt + T_X + 8L * 10, img.completeClone);
                    own.w64(nt + T_PC, v.r64(t + T_EPC) + 4);
                }
                int borrower = ProcessTree.borrower(images, img);
                if (borrower > 0) ProcessTree.blockLender(own, nt, borrower);
                String rc = Recovery.rebuild(v, tablesOr(v), own, deadRecovery, r.recovery(), img, t, nt, report.generation);
                if (rc != null) img.inflight = img.inflight == null ? rc : img.inflight + "; " + rc;
            } else {
                own.w64(nt + T_SATP, 0);
            }
            ProcessTree.rebuild(v, d.procs, d.sigs, own, r.procs(), r.signals(), images, img, satp);
            report.processes.add(new ResurrectionReport.Process(img.pid, img.ppid, img.name, true, img.state == TASK_ZOMBIE,
                    img.leaves.size(), fileNames, img.inflight, List.of()));
            for (String repair : img.repairs) report.machineProblems.add("pid " + img.pid + ": " + repair);
        }
        buildFiles(v, d, r, own, refs);
        Set<Integer> alive = new HashSet<>();
        for (Image img : images) if (img.problems.isEmpty() && img.state != TASK_ZOMBIE) alive.add(img.pid);
        Set<Integer> pipesBack = new HashSet<>();
        for (int f = 0; f < MAX_FILES; f++) {
            long fe = d.files + (long) f * FILE.size();
            if (refs[f] > 0 && v.r32(fe + F_TYPE) == FT_PIPE && pipesBack.add(v.r32(fe + F_INO))) {
                PipeImage.rebuild(v, d.pipes, own, r.pipes(), v.r32(fe + F_INO), alive);
            }
        }
        filePages.rebuild(own, r.fpages(), keptFilePages);
        report.machineProblems.addAll(filePages.problems);
        TaskTables.rebuildLocks(v, own, d.locks, r.locks(), alive, refs, inodes, report);
        buildTtys(v, d, r, own, echoed);
        frames.unrestrict(); // the pool frames the tables did not take are free memory for the new kernel
        long nextCrash = frames.findFreeRun((int) (d.crashSize / Sv39.PAGE_SIZE));
        if (nextCrash < 0) {
            report.machineProblems.add("no room for a new crash region: the next crash will not be survived");
            nextCrash = 0;
        } else {
            frames.markUsed(nextCrash, d.crashSize);
            own.w64(r.header() + KH_CRASH_BASE, nextCrash);
            own.w64(r.header() + KH_CRASH_SIZE, d.crashSize);
        }
        report.newHeader = r.header();
        report.newCrashRegion = nextCrash;
        report.framesInUse = frames.usedFrames();
    }

    /**
     * Open files keep their indices (a committed open's tail names its description by index). Each well-formed
     * entry is copied with its references counted from the resurrected fds; one no fd names is free again.
     */
    private void buildFiles(KMem v, Dead d, Region r, DirectMem own, int[] refs) {
        for (int f = 0; f < MAX_FILES; f++) {
            long fe = d.files + (long) f * FILE.size();
            long ne = r.files() + (long) f * FILE.size();
            // one a resurrected fd names is an open file whatever its magic says (validateTasks, strayFds)
            if ((v.r32(fe) != FILE.magic || v.r32(fe + 4) != FILE.version) && refs[f] == 0) continue; // stays as layDown made it
            byte[] rec = new byte[FILE.size()];
            v.read(fe, rec, 0, rec.length);
            own.write(ne, rec, 0, rec.length);
            own.w32(ne, FILE.magic); // constants, written anew
            own.w32(ne + 4, FILE.version);
            own.w32(ne + F_REFS, refs[f]);
        }
    }

    /**
     * Each valid tty's echo in flight finished (not on a line a write in flight was completed on: bytes_out there is
     * the write's); which ttys had one. A corrupt record is reported, and left to start afresh.
     */
    private boolean[] completeEchoes(KMem v, Dead d, java.util.Set<Console> writing, ResurrectionReport report) {
        boolean[] echoed = new boolean[MAX_TTYS];
        for (int i = 0; i < d.nttys; i++) {
            long old = d.tty(i);
            String bad = TtyImage.check(v, old, i);
            if (bad != null) {
                report.machineProblems.add(bad + ": it starts afresh, its unread input lost");
                continue;
            }
            if (i < machine.consoleCount() && !writing.contains(machine.console(i))) {
                echoed[i] = TtyImage.completeEcho(v, old, machine.console(i));
            }
        }
        return echoed;
    }

    /** ttys keep their modes, rings, sizes and groups ({@link TtyImage}); a corrupt one is left as layDown made it. */
    private void buildTtys(KMem v, Dead d, Region r, DirectMem own, boolean[] echoed) {
        for (int i = 0; i < d.nttys; i++) {
            long old = d.tty(i);
            if (TtyImage.check(v, old, i) != null) continue;
            int con = i < machine.consoleCount() ? i : -1;
            TtyImage.rebuild(v, old, own, r.ttys() + (long) i * TTY.size(), con < 0 ? null : machine.console(con), con,
                    echoed[i]);
        }
    }

    static boolean overlaps(long a, long alen, long b, long blen) { return a < b + blen && b < a + alen; }
}
