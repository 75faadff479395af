package otherworld.kernel.fs;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * File locks ({@code Layouts.LOCK}, one table for the machine): POSIX record locks (fcntl F_SETLK/F_SETLKW, owned by
 * a process, all released when it closes any fd of the file or exits), open-file-description locks (F_OFD_SETLK...,
 * owned by a description) and flock locks (owned by a description; they do not conflict with the other two, as on
 * Linux). A view on guest RAM.
 *
 * <p>Crashes: a lock operation is made by a system call's tail, and is an absolute statement ("owner holds type T on
 * [start, end) of ino"), so making it again gives the same table. Its writes are ordered so that every state in
 * between covers, for that owner, what it covered before minus part of the range, or the final coverage: ranges are
 * first cut out of the owner's records (a split writes the new right-hand record whole, its kind last, before the
 * old one is shortened; a record disappears by one write of its kind), and only then is the new record added (kind
 * written last). A redone operation computes the same result from any of those states.
 */
public final class FileLocks {
    public static final int UNLOCK = 0, READ = 1, WRITE = 2;
    public static final long TO_EOF = Long.MAX_VALUE;

    private final KMem mem;
    private final long base;

    public FileLocks(KMem mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    public static long record(long base, int i) { return base + (long) i * LOCK.size(); }

    private long rec(int i) { return record(base, i); }

    public static void format(KMem d, long base) {
        for (int i = 0; i < MAX_LOCKS; i++) LOCK.init(d, record(base, i));
    }

    public int kind(int i) { return mem.r32(rec(i) + L_KIND); }
    public int type(int i) { return mem.r32(rec(i) + L_TYPE); }
    public int owner(int i) { return mem.r32(rec(i) + L_OWNER); }
    public int ino(int i) { return mem.r32(rec(i) + L_INO); }
    public long start(int i) { return mem.r64(rec(i) + L_START); }
    public long end(int i) { return mem.r64(rec(i) + L_END); }

    /** The wait channel of a task blocked for a lock on ino (a tag, never a physical address). */
    public static long channel(int ino) { return 0x4C4F_434B_0000_0000L | (ino & 0xFFFF_FFFFL); }

    /** POSIX and OFD locks conflict with each other; flock locks only with flock locks. */
    private static boolean sameFamily(int a, int b) { return (a == LOCK_FLOCK) == (b == LOCK_FLOCK); }

    /**
     * A lock that keeps (kind, owner) from taking type on [start, end) of ino: its index, or -1. Two read locks never
     * conflict; an owner never conflicts with itself.
     */
    public int conflict(int kind, int owner, int ino, int type, long start, long end) {
        for (int i = 0; i < MAX_LOCKS; i++) {
            int k = kind(i);
            if (k == 0 || ino(i) != ino || !sameFamily(k, kind)) continue;
            if (k == kind && owner(i) == owner) continue;
            if (type == READ && type(i) == READ) continue;
            if (start(i) < end && start < end(i)) return i;
        }
        return -1;
    }

    /** Free records, for the check before a lock is taken (a split may need two). */
    public int free() {
        int n = 0;
        for (int i = 0; i < MAX_LOCKS; i++) if (kind(i) == 0) n++;
        return n;
    }

    /**
     * (kind, owner) holds type on [start, end) of ino from now on (UNLOCK: holds nothing there); what the owner holds
     * outside the range is kept. Records are not merged (a merge would make a record disappear before the one that
     * replaces it exists). Idempotent; false when the table is full (the caller checked {@link #free} first).
     */
    public boolean set(int kind, int owner, int ino, int type, long start, long end) {
        for (int i = 0; i < MAX_LOCKS; i++) {
            if (!mine(i, kind, owner, ino)) continue;
            long a = start(i), b = end(i);
            if (b <= start || end <= a) continue;
            if (a < start && end < b) { // split: the right part first, whole (unless a redo finds it), then the left
                if (find(kind, owner, ino, type(i), end, b) < 0) {
                    int j = freeRecord();
                    if (j < 0) return false;
                    write(j, kind, owner, ino, type(i), end, b);
                }
                mem.w64(rec(i) + L_END, start);
            } else if (a < start) {
                mem.w64(rec(i) + L_END, start);
            } else if (end < b) {
                mem.w64(rec(i) + L_START, end);
            } else {
                mem.w32(rec(i) + L_KIND, 0);
            }
        }
        if (type == UNLOCK) return true;
        int j = freeRecord();
        if (j < 0) return false;
        write(j, kind, owner, ino, type, start, end);
        return true;
    }

    private int find(int kind, int owner, int ino, int type, long s, long e) {
        for (int i = 0; i < MAX_LOCKS; i++) {
            if (mine(i, kind, owner, ino) && type(i) == type && start(i) == s && end(i) == e) return i;
        }
        return -1;
    }

    private boolean mine(int i, int kind, int owner, int ino) {
        return kind(i) == kind && owner(i) == owner && ino(i) == ino;
    }

    private int freeRecord() {
        for (int i = 0; i < MAX_LOCKS; i++) if (kind(i) == 0) return i;
        return -1;
    }

    /** A whole record, its kind last: until that write it is free. */
    private void write(int j, int kind, int owner, int ino, int type, long s, long e) {
        long r = rec(j);
        mem.w32(r + L_TYPE, type);
        mem.w32(r + L_OWNER, owner);
        mem.w32(r + L_INO, ino);
        mem.w64(r + L_START, s);
        mem.w64(r + L_END, e);
        mem.w32(r + L_KIND, kind);
    }

    /**
     * Every lock of (kind, owner), on ino (or on every inode when ino is 0), released: one write each. Returns the
     * inodes that had one (a bit set per record index), so that waiters can be woken.
     */
    public long releaseAll(int kind, int owner, int ino) {
        long released = 0;
        for (int i = 0; i < MAX_LOCKS; i++) {
            if (kind(i) != kind || owner(i) != owner || (ino != 0 && ino(i) != ino)) continue;
            released |= 1L << i;
            mem.w32(rec(i) + L_KIND, 0);
        }
        return released;
    }

    /** Whether any lock of any kind is held on ino. */
    public boolean lockedAny(int ino) {
        for (int i = 0; i < MAX_LOCKS; i++) if (kind(i) != 0 && ino(i) == ino) return true;
        return false;
    }
}
