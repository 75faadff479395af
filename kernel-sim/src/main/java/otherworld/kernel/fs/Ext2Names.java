package otherworld.kernel.fs;

import static otherworld.kernel.Errno.*;

import otherworld.kernel.fs.Ext2.Parent;

/**
 * The name-space operations a system call splits around its commit (spec 5.1): each comes as a <em>prepare</em>
 * that decides everything the call can fail on and writes nothing, and a <em>prepared</em> part, the call's tail,
 * made of absolute and checked writes, so that a resurrected kernel can make it again after an {@link Ext2Repair}
 * of the directories and inodes it names: rmdir, link, rename (with RENAME_NOREPLACE and RENAME_EXCHANGE), and the
 * drop of a link (unlink, a replaced rename target). A symlink is created before its call's commit, as a file is
 * (its inode made whole, then named by one write), and forgotten by a repair if the call did not commit.
 *
 * <p>Link counts of directories are not incremented or decremented: they are set to 2 + the subdirectories named,
 * which is what e2fsck expects and what a redone tail computes again.
 */
final class Ext2Names {
    private Ext2Names() { }

    static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
    /** A prepared rename's plan: nothing to do (old and new name the same inode). */
    static final long PLAN_NOOP = 1L << 63;
    /** A prepared rename's plan: an exchange; inode A in bits 0..30, B in bits 31..61. */
    static final long PLAN_EXCHANGE = 1L << 62;

    /** Set directory dir's link count to what its entries say: 2 + its subdirectories. */
    static void recountLinks(Ext2 fs, int dir) {
        int n = 2 + Ext2Dir.subdirs(fs, dir);
        if (Ext2Inode.links(fs, dir) != n) Ext2Inode.setLinks(fs, dir, n);
    }

    /**
     * A name of ino is gone; it had linksBefore links: set the count to one less (absolute), and at the last link
     * release the inode, or, when a process holds it open, make it an orphan (released at its last close).
     */
    static void dropLink(Ext2 fs, int ino, int linksBefore, boolean open, long t) {
        int links = Math.max(0, linksBefore - 1);
        if (links > 0) {
            if (Ext2Inode.links(fs, ino) != links) Ext2Inode.setLinks(fs, ino, links);
            Ext2Inode.setCtime(fs, ino, t);
        } else if (open) {
            if (Ext2Inode.links(fs, ino) != 0) Ext2Inode.setLinks(fs, ino, 0);
            Ext2Orphans.add(fs, ino);
        } else if (Ext2Inode.links(fs, ino) != 0 || Ext2Alloc.inodeUsed(fs, ino)) {
            Ext2Inode.release(fs, ino, t);
        }
    }

    // ---- rmdir ----

    /** Everything rmdir can fail on, no write: the directory's inode, or -errno. */
    static int prepareRmdir(Ext2 fs, int start, String path) {
        Parent p = fs.parent(start, path);
        if (p.dir() < 0) return p.dir();
        if (p.name().length == 0) return -EBUSY;
        if (Ext2.isDot(p.name())) return -EINVAL;
        if (Ext2.isDotDot(p.name())) return -ENOTEMPTY;
        int ino = Ext2Dir.find(fs, p.dir(), p.name());
        if (ino == 0) return -ENOENT;
        if (!Ext2Inode.isDir(fs, ino)) return -ENOTDIR;
        if (ino == Ext2.ROOT_INO) return -EBUSY;
        if (!Ext2Dir.isEmpty(fs, ino)) return -ENOTEMPTY;
        return ino;
    }

    /** rmdir's tail: the entry removed if it still names ino, the parent's count recounted, ino released. */
    static int rmdirPrepared(Ext2 fs, int start, String path, int ino) {
        Parent p = fs.parent(start, path);
        long t = fs.now();
        if (p.dir() > 0 && Ext2Dir.find(fs, p.dir(), p.name()) == ino) Ext2Dir.remove(fs, p.dir(), p.name());
        if (p.dir() > 0) recountLinks(fs, p.dir());
        if (Ext2Inode.links(fs, ino) != 0 || Ext2Alloc.inodeUsed(fs, ino)) Ext2Inode.release(fs, ino, t);
        return 0;
    }

    // ---- link ----

    /** Everything link can fail on, no write: the inode in the low 32 bits, its link count in the high ones; -errno. */
    static long prepareLink(Ext2 fs, int oldStart, String oldPath, boolean follow, int newStart, String newPath) {
        int ino = fs.resolve(oldStart, oldPath, follow);
        if (ino < 0) return ino;
        return prepareLinkOf(fs, ino, false, newStart, newPath);
    }

    /**
     * prepareLink of inode ino itself (linkat with AT_EMPTY_PATH); an inode with no links only when linkable (an
     * O_TMPFILE file opened without O_EXCL), else -ENOENT, as Linux.
     */
    static long prepareLinkOf(Ext2 fs, int ino, boolean linkable, int newStart, String newPath) {
        if (Ext2Inode.isDir(fs, ino)) return -EPERM;
        Parent p = fs.parent(newStart, newPath);
        if (p.dir() < 0) return p.dir();
        if (p.name().length == 0 || Ext2.isDot(p.name()) || Ext2.isDotDot(p.name())) return -EEXIST;
        if (Ext2Dir.find(fs, p.dir(), p.name()) != 0) return -EEXIST;
        int links = Ext2Inode.links(fs, ino);
        if (links == 0 && !(linkable && Ext2Orphans.contains(fs, ino))) return -ENOENT;
        if (links >= Ext2Inode.LINK_MAX) return -EMLINK;
        if (!Ext2Dir.hasRoom(fs, p.dir(), p.name().length)) return -ENOSPC;
        return ino | (long) links << 32;
    }

    /**
     * link's tail: the name added if it does not name ino yet, the count set to linksBefore + 1; an orphan given its
     * first name (an O_TMPFILE file) then leaves the orphan list and its i_dtime, the list's link, is cleared.
     */
    static int linkPrepared(Ext2 fs, int newStart, String newPath, int ino, int linksBefore) {
        Parent p = fs.parent(newStart, newPath);
        if (p.dir() < 0) return p.dir();
        if (Ext2Dir.find(fs, p.dir(), p.name()) != ino) {
            int r = Ext2Dir.add(fs, p.dir(), p.name(), ino, Ext2Inode.mode(fs, ino));
            if (r < 0) return r;
        }
        if (Ext2Inode.links(fs, ino) != linksBefore + 1) Ext2Inode.setLinks(fs, ino, linksBefore + 1);
        if (linksBefore == 0) {
            if (Ext2Orphans.contains(fs, ino)) Ext2Orphans.unlink(fs, ino);
            long dtime = Ext2Inode.pos(fs, ino) + Ext2Inode.I_DTIME;
            if (fs.r32(dtime) != 0) fs.w32(dtime, 0);
        }
        Ext2Inode.setCtime(fs, ino, fs.now());
        return 0;
    }

    // ---- symlink ----

    /**
     * Make inode ino (from prepareCreate) a symbolic link to target and name it path. A short target is kept in the
     * inode (a fast symlink); a longer one gets a data block, written while the inode is still a regular file (so a
     * repair that finds it half made frees the block), then the mode becomes a symlink's by one write. Then the inode
     * is marked used and named. The inode number, or -errno (nothing is left made then).
     */
    static int createSymlink(Ext2 fs, int start, String path, byte[] target, int ino) {
        Parent p = fs.parent(start, path);
        if (p.dir() < 0) return p.dir();
        long t = fs.now();
        int mode = Stat.S_IFLNK | 0777;
        long ip = Ext2Inode.pos(fs, ino);
        if (target.length < Ext2Inode.FAST_SYMLINK_MAX) {
            Ext2Inode.init(fs, ino, mode, 1, t);
            long at = ip + Ext2Inode.I_BLOCK;
            fs.mem.write(fs.cache.modify(at / Ext2.BS) + at % Ext2.BS, target, 0, target.length);
            Ext2Inode.setSize(fs, ino, target.length);
        } else {
            Ext2Inode.init(fs, ino, Stat.S_IFREG | 0777, 1, t);
            long pb = Ext2Inode.bmap(fs, ino, 0, true);
            if (pb < 0) {
                Ext2Inode.release(fs, ino, t);
                return (int) pb;
            }
            fs.mem.write(fs.cache.modify(pb), target, 0, target.length);
            Ext2Inode.setSize(fs, ino, target.length);
            fs.w16(ip + Ext2Inode.I_MODE, mode);
        }
        Ext2Alloc.markInode(fs, ino, false);
        int r = Ext2Dir.add(fs, p.dir(), p.name(), ino, mode);
        if (r < 0) {
            Ext2Inode.release(fs, ino, t);
            return r;
        }
        return ino;
    }

    // ---- rename ----

    /** Whether directory dir lies in the tree under directory top (dir == top included), walking "..". */
    private static boolean under(Ext2 fs, int dir, int top) {
        int cur = dir;
        for (int n = 0; n < fs.inodesCount; n++) {
            if (cur == top) return true;
            if (cur == Ext2.ROOT_INO) return false;
            int up = Ext2Dir.dotDot(fs, cur);
            if (up <= 0 || up == cur) return false;
            cur = up;
        }
        return false;
    }

    /**
     * Everything renameat2 can fail on, no write: the plan its tail follows (the inode a plain rename replaces, in
     * bits 0..30, with its link count in bits 31..46; or PLAN_EXCHANGE with both inodes; or PLAN_NOOP), or -errno.
     */
    static long prepareRename(Ext2 fs, int oldStart, String oldPath, int newStart, String newPath, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0) return -EINVAL;
        if ((flags & RENAME_NOREPLACE) != 0 && (flags & RENAME_EXCHANGE) != 0) return -EINVAL;
        Parent po = fs.parent(oldStart, oldPath);
        if (po.dir() < 0) return po.dir();
        Parent pn = fs.parent(newStart, newPath);
        if (pn.dir() < 0) return pn.dir();
        if (po.name().length == 0 || pn.name().length == 0) return -EBUSY;
        if (Ext2.isDot(po.name()) || Ext2.isDotDot(po.name()) || Ext2.isDot(pn.name()) || Ext2.isDotDot(pn.name())) {
            return -EBUSY;
        }
        int src = Ext2Dir.find(fs, po.dir(), po.name());
        if (src == 0) return -ENOENT;
        int dst = Ext2Dir.find(fs, pn.dir(), pn.name());
        boolean srcDir = Ext2Inode.isDir(fs, src);
        if ((flags & RENAME_EXCHANGE) != 0) {
            if (dst == 0) return -ENOENT;
            if (src == dst) return PLAN_NOOP;
            boolean dstDir = Ext2Inode.isDir(fs, dst);
            if (srcDir && under(fs, pn.dir(), src) || dstDir && under(fs, po.dir(), dst)) return -EINVAL;
            return PLAN_EXCHANGE | src | (long) dst << 31;
        }
        if (dst != 0 && (flags & RENAME_NOREPLACE) != 0) return -EEXIST;
        if (src == dst) return PLAN_NOOP;
        if (srcDir && under(fs, pn.dir(), src)) return -EINVAL;
        if (srcDir && (oldPath.endsWith("/") || newPath.endsWith("/")) && dst != 0 && !Ext2Inode.isDir(fs, dst)) {
            return -ENOTDIR;
        }
        if (!srcDir && (oldPath.endsWith("/") || newPath.endsWith("/"))) return -ENOTDIR;
        int dstLinks = 0;
        if (dst != 0) {
            boolean dstDir = Ext2Inode.isDir(fs, dst);
            if (srcDir && !dstDir) return -ENOTDIR;
            if (!srcDir && dstDir) return -EISDIR;
            if (dstDir && !Ext2Dir.isEmpty(fs, dst)) return -ENOTEMPTY;
            if (dst == Ext2.ROOT_INO) return -EBUSY;
            dstLinks = Ext2Inode.links(fs, dst);
        } else if (!Ext2Dir.hasRoom(fs, pn.dir(), pn.name().length)) {
            return -ENOSPC;
        }
        if (srcDir && po.dir() != pn.dir() && dst == 0 && Ext2Inode.links(fs, pn.dir()) >= Ext2Inode.LINK_MAX) return -EMLINK;
        return dst | (long) (dstLinks & 0xFFFF) << 31;
    }

    /**
     * renameat2's tail, after its plan. A plain rename: the new name names the inode (added, or the replaced entry
     * retargeted by one write), then the old name is removed; a moved directory's ".." names its new parent; both
     * parents' counts are recounted; the replaced inode loses a link (released, or an orphan if open). An exchange:
     * each name retargeted to the other's inode, then the "..", then the counts. Every write is made only if it is not
     * made yet, so a redone tail finishes what a crash interrupted.
     */
    static int renamePrepared(Ext2 fs, int oldStart, String oldPath, int newStart, String newPath, long plan,
                              java.util.function.IntPredicate open) {
        if ((plan & PLAN_NOOP) != 0) return 0;
        Parent po = fs.parent(oldStart, oldPath);
        Parent pn = fs.parent(newStart, newPath);
        if (po.dir() < 0 || pn.dir() < 0) return -ENOENT;
        long t = fs.now();
        if ((plan & PLAN_EXCHANGE) != 0) {
            int a = (int) (plan & 0x7FFF_FFFF), b = (int) (plan >>> 31 & 0x7FFF_FFFF);
            if (Ext2Dir.find(fs, pn.dir(), pn.name()) != a) Ext2Dir.retarget(fs, pn.dir(), pn.name(), a, Ext2Inode.mode(fs, a));
            if (Ext2Dir.find(fs, po.dir(), po.name()) != b) Ext2Dir.retarget(fs, po.dir(), po.name(), b, Ext2Inode.mode(fs, b));
            if (po.dir() != pn.dir()) {
                if (Ext2Inode.isDir(fs, a)) Ext2Dir.setDotDot(fs, a, pn.dir());
                if (Ext2Inode.isDir(fs, b)) Ext2Dir.setDotDot(fs, b, po.dir());
                recountLinks(fs, po.dir());
                recountLinks(fs, pn.dir());
            }
            Ext2Inode.setCtime(fs, a, t);
            Ext2Inode.setCtime(fs, b, t);
            return 0;
        }
        int replaced = (int) (plan & 0x7FFF_FFFF);
        int replacedLinks = (int) (plan >>> 31 & 0xFFFF);
        int ino = Ext2Dir.find(fs, po.dir(), po.name());
        if (ino == 0 || ino == replaced) ino = Ext2Dir.find(fs, pn.dir(), pn.name()); // the old name is gone already
        if (ino == 0 || ino == replaced) return -ENOENT;
        int cur = Ext2Dir.find(fs, pn.dir(), pn.name());
        if (cur != ino) {
            int r = cur == 0 ? Ext2Dir.add(fs, pn.dir(), pn.name(), ino, Ext2Inode.mode(fs, ino))
                    : Ext2Dir.retarget(fs, pn.dir(), pn.name(), ino, Ext2Inode.mode(fs, ino)) > 0 ? 0 : -EIO;
            if (r < 0) return r;
        }
        if (Ext2Dir.find(fs, po.dir(), po.name()) == ino) Ext2Dir.remove(fs, po.dir(), po.name());
        boolean dir = Ext2Inode.isDir(fs, ino);
        if (dir && po.dir() != pn.dir()) Ext2Dir.setDotDot(fs, ino, pn.dir());
        Ext2Inode.setCtime(fs, ino, t);
        if (replaced != 0) {
            if (dir) {
                if (Ext2Inode.links(fs, replaced) != 0 || Ext2Alloc.inodeUsed(fs, replaced)) Ext2Inode.release(fs, replaced, t);
            } else {
                dropLink(fs, replaced, replacedLinks, open.test(replaced), t);
            }
        }
        if (dir) {
            recountLinks(fs, po.dir());
            recountLinks(fs, pn.dir());
        }
        return 0;
    }
}
