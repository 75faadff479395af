package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mm.CopyOnWrite;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.PageWalk;
import otherworld.kernel.verified.PhysWords;
import otherworld.kernel.verified.Sv39;

/**
 * Read-only checks of one dead task: magic and version, fields in range, its page tables walked by the proved
 * {@link PageWalk} (each table inside RAM, outside every kernel region, used once — so a cycle or a shared table is
 * caught), every user frame in RAM and outside kernel regions, its trap frame and fd table (its VMAs: {@link VmaImage}). Problems are
 * collected, not thrown.
 */
final class Validator {
    private final KMem v;
    private final PhysicalMemory ram;
    private final long regionBase, regionSize, crashBase, crashSize, ptPool;
    private final int nttys;
    private long pipes;

    /** Where the dead kernel's pipe table is (for the pipes the fds name). */
    Validator pipes(long pipesPa) {
        this.pipes = pipesPa;
        return this;
    }

    private long bitmap, inodes;

    /** The file system's inode count (its superblock's, which never changes; 0: unknown): an open file names one of them. */
    Validator inodes(long count) {
        this.inodes = count;
        return this;
    }

    /** The dead memory as page tables are read (through their check bytes in the enhanced mode); default: v. */
    private KMem tables;

    Validator tables(KMem t) {
        this.tables = t;
        return this;
    }

    /** Where page-table entries are read: the view of tables when there is one, else the view every record is read in. */
    KMem ptes() { return tables != null ? tables : v; }

    /** Frames [pa, pa + len) hold the kernel's (the enhanced mode's page-table check bytes): no process owns them. */
    Validator kernelFrames(long pa, long len) {
        long base = ram.base() / Sv39.PAGE_SIZE;
        PageWalk.mark(kinds, Math.floorDiv(pa, Sv39.PAGE_SIZE) - base, ceilFrame(pa + len) - base, PageWalk.KERNEL);
        return this;
    }

    /** Where the dead kernel's frame bitmap is (every frame a page table maps is marked used there). */
    Validator bitmap(long bitmapPa) {
        this.bitmap = bitmapPa;
        return this;
    }
    /** What each frame of RAM may hold (PageWalk.USER or KERNEL), the same for every task. */
    private final int[] kinds;

    Validator(KMem v, PhysicalMemory ram, long regionBase, long regionSize, long crashBase, long crashSize, long ptPool,
              int nttys) {
        this(v, ram, regionBase, regionSize, crashBase, crashSize, ptPool, nttys, null);
    }

    private Validator(KMem v, PhysicalMemory ram, long regionBase, long regionSize, long crashBase, long crashSize,
                      long ptPool, int nttys, int[] kinds) {
        this.ptPool = ptPool;
        this.v = v;
        this.ram = ram;
        this.regionBase = regionBase;
        this.regionSize = regionSize;
        this.crashBase = crashBase;
        this.crashSize = crashSize;
        this.nttys = nttys;
        this.kinds = kinds != null ? kinds : frameKinds();
    }

    /**
     * The same checks reading the dead kernel through other (a task seen with its committed execve applied); the frame
     * map is shared, not built again.
     */
    Validator reading(KMem other) {
        return new Validator(other, ram, regionBase, regionSize, crashBase, crashSize, ptPool, nttys, kinds).pipes(pipes)
                .bitmap(bitmap).inodes(inodes).tables(tables);
    }

    /**
     * What each frame of RAM may hold, for {@link PageWalk}: the root area, the dead kernel's structures (its region
     * up to the page-table pool) and the crash region are the kernel's; the rest is the processes'. The pool is
     * ordinary memory once a kernel runs: the crash kernel that built it put page tables there, and what they did not
     * use is free for anything. A frame that a region only touches counts as the region's.
     */
    private int[] frameKinds() {
        long base = ram.base() / Sv39.PAGE_SIZE;
        int[] kinds = new int[(int) (ram.size() / Sv39.PAGE_SIZE)];
        PageWalk.mark(kinds, 0, ceilFrame(FIRST_REGION_PA) - base, PageWalk.KERNEL);
        PageWalk.mark(kinds, Math.floorDiv(regionBase, Sv39.PAGE_SIZE) - base, ceilFrame(ptPool) - base,
                PageWalk.KERNEL);
        PageWalk.mark(kinds, Math.floorDiv(crashBase, Sv39.PAGE_SIZE) - base, ceilFrame(crashBase + crashSize) - base,
                PageWalk.KERNEL);
        return kinds;
    }

    private static long ceilFrame(long pa) {
        return Math.floorDiv(pa, Sv39.PAGE_SIZE) + (Math.floorMod(pa, Sv39.PAGE_SIZE) != 0 ? 1 : 0);
    }

    /** Whether pa is a frame of RAM a process may own (what {@link PageWalk} accepts for a page). */
    boolean userFrame(long pa) {
        if (pa < ram.base() || pa - ram.base() >= ram.size() || Math.floorMod(pa, Sv39.PAGE_SIZE) != 0) return false;
        return kinds[(int) ((pa - ram.base()) / Sv39.PAGE_SIZE)] == PageWalk.USER;
    }

    CrashKernel.Image task(long t, int slot, long filesPa) {
        CrashKernel.Image img = new CrashKernel.Image();
        img.slot = slot;
        List<String> p = img.problems;
        if (!Bounds.magicOk(v.r32(t), TASK.magic, v.r32(t + 4), TASK.version, TASK.version)) {
            p.add("task record: bad magic or version");
            return img;
        }
        img.state = v.r32(t + T_STATE);
        img.pid = v.r32(t + T_PID);
        img.tty = v.r32(t + T_TTY);
        byte[] nb = new byte[NAME_LEN];
        v.read(t + T_NAME, nb, 0, NAME_LEN);
        int n = 0;
        while (n < NAME_LEN && nb[n] != 0) n++;
        img.name = n < NAME_LEN ? new String(nb, 0, n, java.nio.charset.StandardCharsets.UTF_8) : "?";
        if (n == NAME_LEN) p.add("name not terminated");
        if (img.state != TASK_RUNNABLE && img.state != TASK_ZOMBIE && img.state != TASK_BLOCKED && img.state != TASK_STOPPED) {
            p.add("state " + img.state + " unknown");
        }
        if (img.pid <= 0) p.add("pid " + img.pid + " invalid");
        if (img.tty < 0 || img.tty >= nttys) p.add("tty " + img.tty + " invalid");
        if (img.state == TASK_ZOMBIE) return img;
        if (img.state == TASK_BLOCKED && !(v.r64(t + T_CAUSE) == CAUSE_ECALL && v.r64(t + T_PC) == v.r64(t + T_EPC))
                && Channels.kind(v.r64(t + T_WAIT)) != Channels.VFORK) {
            p.add("blocked outside a system call"); // only a vfork parent waits after its call
        }

        long satp = v.r64(t + T_SATP);
        if ((satp >>> 60) != 8 || !walk(satp, img)) {
            if (p.isEmpty()) p.add(String.format("satp 0x%x does not name a page table in user memory", satp));
            return img;
        }
        String free = freeFrame(img.leaves);
        if (free != null) p.add(free);
        long pc = v.r64(t + T_PC);
        if (!Sv39.isUserRange(pc, 4)) p.add(String.format("pc 0x%x outside user space", pc));
        long cause = v.r64(t + T_CAUSE);
        if (!causeKnown(cause)) p.add("trap frame: cause " + cause + " unknown");
        long epc = v.r64(t + T_EPC);
        if (v.r64(t + T_CAUSE) == CAUSE_ECALL && !Sv39.isUserRange(epc, 4)) {
            p.add(String.format("trap frame: ecall at 0x%x, outside user space", epc));
        }
        // its VMAs: VmaImage, with the tables of every task (CrashKernel.validateTasks)
        if (v.r64(t + T_BRK) < v.r64(t + T_BRK_BASE)) p.add("brk below its base");
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = v.r32(t + T_FD + 4L * fd);
            img.fds[fd] = -1;
            if (f == -1) continue;
            if (!Bounds.indexOk(f, MAX_FILES)) {
                img.strayFds.add(fd); // closed, or corrupt: the open files' reference counts decide (CrashKernel)
                continue;
            }
            long fe = filesPa + (long) f * FILE.size();
            int type = v.r32(fe + F_TYPE);
            if (!Bounds.magicOk(v.r32(fe), FILE.magic, v.r32(fe + 4), FILE.version, FILE.version)) {
                img.unmarkedFiles.add(fd); // its other fields are checked below; the reference counts decide (CrashKernel)
            }
            if (v.r32(fe + F_REFS) <= 0 || !fileFieldsOk(v, fe, nttys, inodes)) {
                p.add("fd " + fd + ": open file " + f + " is corrupt");
                continue;
            }
            if (type == FT_PIPE) {
                String bad = PipeImage.check(v, pipes, v.r32(fe + F_INO));
                if (bad != null) {
                    p.add("fd " + fd + ": " + bad);
                    continue;
                }
            }
            img.fds[fd] = f;
        }
        return img;
    }

    /** Whether a trap frame's cause is one the kernel saves: −3..−1 (its own), or an exception code 0..15. */
    static boolean causeKnown(long cause) { return cause >= CAUSE_SIGRETURN && cause <= 15; }

    /**
     * Whether open file fe's fields say what the kernel can have written: a known type, an offset that is not negative,
     * a tty that exists, a device minor the kernel has, an inode of the file system (count inodes; 0: unknown). A
     * pipe's index is checked with the pipe ({@link PipeImage#check}); the reference count against the fds that name
     * the entry; the magic is a constant.
     */
    static boolean fileFieldsOk(KMem v, long fe, int nttys, long inodes) {
        int type = v.r32(fe + F_TYPE), ino = v.r32(fe + F_INO), tty = v.r32(fe + F_TTY);
        return (type == FT_REG || type == FT_TTY || type == FT_PIPE || type == FT_DEV) && v.r64(fe + F_OFFSET) >= 0
                && (type != FT_DEV || otherworld.kernel.sys.Devices.valid(tty))
                && (type != FT_REG && type != FT_DEV || ino > 0 && (inodes <= 0 || ino <= inodes))
                && (type != FT_TTY || tty >= 0 && tty < nttys);
    }

    /**
     * The first of the task's pages whose frame the dead kernel's bitmap says is free, or null. A frame is marked used
     * before a PTE names it (fault, fork's copy, exec) and freed after its PTE is cleared (munmap, a copy-on-write
     * break), and a task's tables are destroyed only once it is a zombie, whose tables are not read: so at every write
     * a live task's page names a frame marked used, and a PTE that names a free one was corrupted (a flipped frame
     * number that still lands on a user frame, which the walk alone cannot tell).
     */
    private String freeFrame(List<long[]> leaves) {
        if (bitmap == 0) return null;
        for (long[] leaf : leaves) {
            long i = (leaf[1] - ram.base()) / Sv39.PAGE_SIZE;
            if (!otherworld.kernel.verified.Bitmap.test(v.r64(bitmap + i / 64 * 8), (int) (i % 64))) {
                return String.format("pte for 0x%x names frame 0x%x, which the frame bitmap says is free", leaf[0], leaf[1]);
            }
        }
        return null;
    }

    /**
     * The task's page tables, walked by the proved {@link PageWalk} (reads inside RAM only, three levels on every
     * input, each table once, pages only on frames a process may own): its pages into img.leaves. False if the root
     * cannot hold a table; a problem found below it goes to img.problems.
     */
    private boolean walk(long satp, CrashKernel.Image img) {
        PhysWords words = new PhysWords(ram.base(), ram.size()) {
            @Override public long r64(long pa) {
                long pte = ptes().r64(pa), fixed = flippedFrameBit(v, pte);
                if (fixed != pte) {
                    String note = String.format("pte at 0x%x names frame 0x%x, outside RAM and one bit from 0x%x: taken as that",
                            pa, Sv39.paOf(Sv39.ptePpn(pte)), Sv39.paOf(Sv39.ptePpn(fixed)));
                    if (!img.repairs.contains(note)) img.repairs.add(note); // the walk may run twice
                }
                return fixed;
            }
        };
        long[] where = new long[2];
        // room for 1024 pages first, then as many as RAM has frames (more would map a frame twice)
        for (int room = Math.min(1024, kinds.length); ; room = kinds.length) {
            long[] va = new long[room];
            int[] frame = new int[room];
            int[] flags = new int[room];
            int n = PageWalk.walk(words, Sv39.satpRootPa(satp) / Sv39.PAGE_SIZE, kinds, new boolean[kinds.length], va,
                    frame, flags, where);
            if (n == PageWalk.TOO_MANY && room < kinds.length) continue;
            if (n == PageWalk.BAD_ROOT) return false;
            if (n < 0) {
                img.problems.add(problem(n, where[0], where[1]));
                return true;
            }
            for (int k = 0; k < n; k++) {
                long cow = leafPte(words, Sv39.satpRootPa(satp), va[k]) & CopyOnWrite.PTE_COW; // the walk gives bits 7..0 only
                img.leaves.add(new long[] {va[k], ram.base() + frame[k] * Sv39.PAGE_SIZE, flags[k] | cow});
            }
            return true;
        }
    }

    /**
     * A page-table entry as the walk takes it. A valid entry whose frame lies outside RAM, with exactly one bit of its
     * frame number that brings the frame back into RAM, is taken with that bit flipped back; any other is taken as it
     * is (mem says what RAM is). A bit flipped above the bits that number RAM's frames (RAM being one aligned
     * power-of-two range) leaves every other single flip outside RAM, so that bit is the one; a flip among those bits
     * stays inside RAM and is not guessed at. The frame found is then checked like any other (a user frame, marked
     * used, not shared writable).
     */
    static long flippedFrameBit(KMem mem, long pte) {
        if (!Sv39.isValid(pte) || mem.contains(Sv39.paOf(Sv39.ptePpn(pte)), Sv39.PAGE_SIZE)) return pte;
        long fixed = pte;
        int found = 0;
        for (int j = 0; j < 44; j++) {
            long ppn = Sv39.ptePpn(pte) ^ (1L << j);
            if (mem.contains(Sv39.paOf(ppn), Sv39.PAGE_SIZE)) {
                fixed = pte ^ (1L << (10 + j)); // the PPN is bits 53..10 of a PTE
                found++;
            }
        }
        return found == 1 ? fixed : pte;
    }

    /** The last-level entry for va under root, read through words (a walk that succeeded read the same entries). */
    private static long leafPte(PhysWords words, long root, long va) {
        long table = root;
        for (int level = 2; ; level--) {
            long pte = words.r64(table + 8L * Sv39.vpn(va, level));
            if (level == 0 || Sv39.isLeaf(pte)) return pte;
            table = Sv39.paOf(Sv39.ptePpn(pte));
        }
    }

    private static String problem(int reason, long va, long pa) {
        return switch (reason) {
            case PageWalk.ABOVE_USER -> String.format("mapping above the user half at 0x%x", va);
            case PageWalk.BAD_TABLE -> String.format("pte for 0x%x points to 0x%x, not a page-table frame", va, pa);
            case PageWalk.SUPERPAGE -> String.format("superpage at 0x%x: this kernel makes none", va);
            case PageWalk.TWICE -> String.format("page table 0x%x reached twice (cycle or sharing)", pa);
            case PageWalk.BAD_FRAME -> String.format("pte for 0x%x points to 0x%x, not a user frame", va, pa);
            case PageWalk.NOT_USER_LEAF -> String.format("pte for 0x%x is not a user leaf", va);
            case PageWalk.TOO_MANY -> String.format("more pages than RAM has frames (at 0x%x)", va);
            default -> "page walk: reason " + reason;
        };
    }
}
