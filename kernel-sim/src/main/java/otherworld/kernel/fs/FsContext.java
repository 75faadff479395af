package otherworld.kernel.fs;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * The file-system context of each task ({@code Layouts.FSCTX}, one record per task slot): its working directory
 * (an inode; the path getcwd prints is found by walking "..", as Unix did before dentries) and its umask. A view on
 * guest RAM: holds nothing but the table's address.
 */
public final class FsContext {
    public static final int DEFAULT_UMASK = 022;

    private final KMem mem;
    private final long base;

    public FsContext(KMem mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    public static long record(long base, int slot) { return base + (long) slot * FSCTX.size(); }

    public static void format(KMem d, long base) {
        for (int i = 0; i < MAX_TASKS; i++) FSCTX.init(d, record(base, i));
    }

    /** A new task starts at the root with umask 022. */
    public void spawned(int slot) {
        long r = record(base, slot);
        FSCTX.init(mem, r);
        mem.w32(r + FS_CWD, Ext2.ROOT_INO);
        mem.w32(r + FS_UMASK, DEFAULT_UMASK);
    }

    /** A fork: the child's context is the parent's. */
    public void copy(int fromSlot, int toSlot) {
        long from = record(base, fromSlot), to = record(base, toSlot);
        FSCTX.init(mem, to);
        mem.w32(to + FS_CWD, mem.r32(from + FS_CWD));
        mem.w32(to + FS_UMASK, mem.r32(from + FS_UMASK));
    }

    /** Inode of the working directory. */
    public int cwd(int slot) {
        int ino = mem.r32(record(base, slot) + FS_CWD);
        return ino <= 0 ? Ext2.ROOT_INO : ino;
    }

    public void setCwd(int slot, int ino) {
        long r = record(base, slot) + FS_CWD;
        if (mem.r32(r) != ino) mem.w32(r, ino);
    }

    public int umask(int slot) { return mem.r32(record(base, slot) + FS_UMASK) & 0777; }

    public void setUmask(int slot, int mask) {
        long r = record(base, slot) + FS_UMASK;
        if (mem.r32(r) != (mask & 0777)) mem.w32(r, mask & 0777);
    }
}
