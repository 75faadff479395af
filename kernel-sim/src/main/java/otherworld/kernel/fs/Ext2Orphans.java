package otherworld.kernel.fs;

import java.util.function.IntPredicate;

/**
 * ext2's orphan list: inodes whose last name is gone while a process still holds them open. The superblock's
 * s_last_orphan names the first; each one's i_dtime names the next (0 ends the list), as Linux's ext3/4 and e2fsck
 * keep it. An orphan's link count is 0 but its inode, blocks and bits stay until its last close; after a crash, an
 * orphan no resurrected process holds is released by the new kernel ({@link #reclaim}), and at boot every orphan is.
 *
 * <p>Order, for a crash between any two writes: an inode joins the list by its i_dtime (the old head) and then the
 * head; it leaves it released first (its blocks and bit freed, i_dtime kept as the link), then unlinked from the
 * list, then i_dtime set to the time of death. So the list is always a chain of inodes, each one in use or freed by
 * an interrupted release, which {@link #reclaim} finishes.
 */
final class Ext2Orphans {
    private Ext2Orphans() { }

    static final int SB_LAST_ORPHAN = 232;
    /** Longest list walked (a cycle in a corrupt list stops here): at most one orphan per inode. */
    private static int limit(Ext2 fs) { return fs.inodesCount; }

    static int head(Ext2 fs) { return fs.r32(Ext2.SB + SB_LAST_ORPHAN); }

    static int next(Ext2 fs, int ino) { return fs.r32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_DTIME); }

    /** Whether ino is on the list. */
    static boolean contains(Ext2 fs, int ino) {
        int n = 0;
        for (int i = head(fs); i != 0 && n < limit(fs); i = next(fs, i), n++) {
            if (i < 1 || i > fs.inodesCount) throw new Ext2Exception("orphan list names inode " + i);
            if (i == ino) return true;
        }
        return false;
    }

    /** ino (links 0, in use, held open) joins the list; nothing if it is on it already. */
    static void add(Ext2 fs, int ino) {
        if (contains(fs, ino)) return;
        fs.w32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_DTIME, head(fs));
        fs.w32(Ext2.SB + SB_LAST_ORPHAN, ino);
    }

    /** Unlink ino from the list (its predecessor, or the head, takes its successor). */
    static void unlink(Ext2 fs, int ino) {
        int succ = next(fs, ino);
        if (head(fs) == ino) {
            fs.w32(Ext2.SB + SB_LAST_ORPHAN, succ);
            return;
        }
        int n = 0;
        for (int i = head(fs); i != 0 && n < limit(fs); i = next(fs, i), n++) {
            if (next(fs, i) == ino) {
                fs.w32(Ext2Inode.pos(fs, i) + Ext2Inode.I_DTIME, succ);
                return;
            }
        }
    }

    /**
     * The last holder of orphan ino is gone: released (blocks, bit; its i_dtime kept as the list's link), unlinked
     * from the list, then its time of death written. Each step is skipped when already made.
     */
    static void release(Ext2 fs, int ino, long t) {
        if (Ext2Alloc.inodeUsed(fs, ino)) Ext2Inode.release(fs, ino, -1);
        if (contains(fs, ino)) unlink(fs, ino);
        fs.w32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_DTIME, t);
    }

    /**
     * Every orphan held reports false for is released (all of them at boot). Returns how many were. An inode on the
     * list that is not an orphan (links above 0: a corrupt list) is only unlinked from it.
     */
    static int reclaim(Ext2 fs, IntPredicate held, long t) {
        int released = 0;
        for (int guard = 0; guard < limit(fs); guard++) {
            int victim = 0;
            int n = 0;
            for (int i = head(fs); i != 0 && n < limit(fs); i = next(fs, i), n++) {
                if (i < 1 || i > fs.inodesCount) throw new Ext2Exception("orphan list names inode " + i);
                if (!held.test(i) || Ext2Inode.links(fs, i) != 0) {
                    victim = i;
                    break;
                }
            }
            if (victim == 0) break;
            if (Ext2Inode.links(fs, victim) != 0) {
                unlink(fs, victim);
                fs.w32(Ext2Inode.pos(fs, victim) + Ext2Inode.I_DTIME, 0);
            } else {
                release(fs, victim, t);
                released++;
            }
        }
        return released;
    }
}
