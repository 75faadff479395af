package otherworld.kernel.file;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * Open file descriptions (Layouts.FILE), shared by the fds that point to them. An entry is free when its
 * reference count is 0.
 */
public final class FileTable {
    private final KMem mem;
    private final long base;

    public FileTable(KMem mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    public static void format(KMem mem, long base) {
        for (int i = 0; i < MAX_FILES; i++) {
            FILE.init(mem, base + (long) i * FILE.size());
        }
    }

    public long entry(int i) { return base + (long) i * FILE.size(); }

    /** A new description with one reference, or -1 when the table is full. */
    public int alloc(int type, int flags, int ino, int tty) {
        int i = prepare(type, flags, ino, tty);
        if (i >= 0) mem.w32(entry(i) + F_REFS, 1);
        return i;
    }

    /**
     * A free description filled in for a file about to be opened, still with no reference (so still free to anyone
     * who looks, and to a crash kernel); the open's tail {@link #install}s it. Its index, or -1 when the table is full.
     */
    public int prepare(int type, int flags, int ino, int tty) {
        for (int i = 0; i < MAX_FILES; i++) {
            long e = entry(i);
            if (mem.r32(e + F_REFS) == 0) {
                mem.w32(e + F_TYPE, type);
                mem.w32(e + F_FLAGS, flags);
                mem.w32(e + F_INO, ino);
                mem.w32(e + F_TTY, tty);
                mem.w64(e + F_OFFSET, 0);
                return i;
            }
        }
        return -1;
    }

    /** The open's tail: description f (from {@link #prepare}) becomes fd's only reference. Idempotent. */
    public void install(int f, long taskPa, int fd) {
        long slot = taskPa + T_FD + 4L * fd;
        if (mem.r32(slot) == f) return;
        mem.w32(entry(f) + F_REFS, 1);
        mem.w32(slot, f);
    }

    public int refs(int i) { return mem.r32(entry(i) + F_REFS); }
    public int type(int i) { return mem.r32(entry(i) + F_TYPE); }
    public int flags(int i) { return mem.r32(entry(i) + F_FLAGS); }
    public int ino(int i) { return mem.r32(entry(i) + F_INO); }
    public int tty(int i) { return mem.r32(entry(i) + F_TTY); }
    public long offset(int i) { return mem.r64(entry(i) + F_OFFSET); }
    public void setOffset(int i, long off) { mem.w64(entry(i) + F_OFFSET, off); }
    public void ref(int i) { mem.w32(entry(i) + F_REFS, refs(i) + 1); }

    /** Drop one reference; returns the references left. */
    public int unref(int i) {
        int r = refs(i) - 1;
        mem.w32(entry(i) + F_REFS, r);
        return r;
    }
}
