package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.nio.charset.StandardCharsets;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.DirEntry;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Ext2Exception;
import otherworld.kernel.fs.Ext2Repair;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;

/**
 * Directories and names: mkdirat, renameat2, linkat, symlinkat, chdir, fchdir, getcwd, getdents64. Written to the
 * in-flight rule of {@link Syscalls}: a name that is created (a directory, a symlink) is made before the commit, its
 * inode in the sysword first, and forgotten by a repair if the call did not commit (as openat's file); a name that is
 * moved or added to an existing inode (rename, link) is decided before the commit and made by the tail, whose writes
 * each check whether they are made already ({@code Ext2Names}).
 */
final class DirCalls extends PathCalls {

    DirCalls(Kernel k, Syscalls sys, Paths paths) { super(k, sys, paths); }

    void register(Syscalls s) {
        s.define(MKDIRAT, this::mkdirat, null, this::createRepair);
        s.define(SYMLINKAT, this::symlinkat, null, this::createRepair);
        s.define(RENAMEAT2, this::renameat2, this::renameTail, this::renameRepair);
        s.define(LINKAT, this::linkat, this::linkTail, this::linkRepair);
        s.define(CHDIR, this::chdir, this::chdirTail);
        s.define(FCHDIR, this::fchdir, this::chdirTail);
        s.define(GETCWD, this::getcwd);
        s.define(GETDENTS64, this::getdents64, this::getdentsTail);
    }

    /**
     * mkdirat(dirfd, path, mode). Before the commit: sysword := the new inode, then the directory made whole ("." and
     * "..") and named by one write, its parent's link count set. Repair: not committed, it is forgotten; the parent
     * recounted.
     */
    long mkdirat(Task t) {
        String path = paths.path(t, t.x(11));
        if (path == null) return -EFAULT;
        if (path.isEmpty()) return -ENOENT;
        int start = paths.start(t, (int) t.x(10), path);
        if (start < 0) return start;
        int mode = Stat.S_IFDIR | ((int) t.x(12) & 07777 & ~k.fsctx.umask(t.index));
        int ino = fs.prepareCreate(start, path, mode);
        if (ino < 0) return ino;
        t.setSysword(ino);
        int r = fs.createPrepared(start, path, mode, ino);
        return r < 0 ? r : 0;
    }

    /**
     * symlinkat(target, newdirfd, linkpath). Before the commit: sysword := the new inode, then the link made whole
     * (its target in the inode, or in a block written while the inode is still a regular file) and named.
     */
    long symlinkat(Task t) {
        String target = paths.path(t, t.x(10));
        String path = paths.path(t, t.x(12));
        if (target == null || path == null) return -EFAULT;
        if (target.isEmpty() || path.isEmpty()) return -ENOENT;
        int start = paths.start(t, (int) t.x(11), path);
        if (start < 0) return start;
        int ino = fs.prepareCreate(start, path, Stat.S_IFLNK | 0777);
        if (ino < 0) return ino;
        t.setSysword(ino);
        int r = fs.createSymlink(start, path, target.getBytes(StandardCharsets.ISO_8859_1), ino);
        return r < 0 ? r : 0;
    }

    /** After a crash in mkdirat or symlinkat: not committed, what it created is forgotten; else reconciled. */
    void createRepair(Task t, Ext2Repair r, boolean committed) {
        boolean mkdir = t.x(17) == MKDIRAT;
        long dirfd = mkdir ? t.origA0() : t.x(11);
        String path = paths.path(t, mkdir ? t.x(11) : t.x(12));
        if (path == null || path.isEmpty()) return;
        int start = paths.start(t, (int) dirfd, path);
        if (start < 0) return;
        int dir = fs.parentOf(start, path);
        int ino = (int) t.sysword();
        if (dir <= 0 || ino <= 0) return;
        if (!committed) {
            r.forgetCreated(dir, Ext2.lastName(path), ino);
        } else {
            r.reconcile(dir);
            r.reconcile(ino);
        }
    }

    /**
     * renameat2(olddirfd, oldpath, newdirfd, newpath, flags). Before the commit: everything decided, nothing
     * written; sysword := the plan (the inode replaced and its link count, or the two inodes exchanged). Tail: the
     * names moved, "..", link counts (each write made only if not made yet). Repair: both directories reconciled,
     * the types of both entries checked, the replaced inode reconciled.
     */
    long renameat2(Task t) {
        String oldPath = paths.path(t, t.x(11)), newPath = paths.path(t, t.x(13));
        if (oldPath == null || newPath == null) return -EFAULT;
        if (oldPath.isEmpty() || newPath.isEmpty()) return -ENOENT;
        int os = paths.start(t, (int) t.x(10), oldPath), ns = paths.start(t, (int) t.x(12), newPath);
        if (os < 0) return os;
        if (ns < 0) return ns;
        long plan = fs.prepareRename(os, oldPath, ns, newPath, (int) t.x(14));
        if (plan < 0 && plan > -4096) return plan;
        t.setSysword(plan);
        return 0;
    }

    private record Names(int oldStart, String oldPath, int newStart, String newPath) { }

    private Names names(Task t) {
        String oldPath = paths.path(t, t.x(11)), newPath = paths.path(t, t.x(13));
        if (oldPath == null || newPath == null) return null;
        int os = paths.start(t, (int) t.origA0(), oldPath), ns = paths.start(t, (int) t.x(12), newPath);
        return os < 0 || ns < 0 ? null : new Names(os, oldPath, ns, newPath);
    }

    void renameTail(Task t) {
        if (t.x(10) != 0) return;
        Names n = names(t);
        if (n != null) fs.renamePrepared(n.oldStart, n.oldPath, n.newStart, n.newPath, t.sysword(), sys::isOpen);
    }

    void renameRepair(Task t, Ext2Repair r, boolean committed) {
        if (!committed || t.x(10) != 0) return;
        Names n = names(t);
        if (n == null) return;
        int od = fs.parentOf(n.oldStart, n.oldPath), nd = fs.parentOf(n.newStart, n.newPath);
        if (od > 0) {
            r.reconcile(od);
            r.fixType(od, Ext2.lastName(n.oldPath));
        }
        if (nd > 0) {
            r.reconcile(nd);
            r.fixType(nd, Ext2.lastName(n.newPath));
        }
        int replaced = Ext2.replacedBy(t.sysword());
        if (replaced > 0) r.reconcile(replaced);
    }

    /**
     * linkat(olddirfd, oldpath, newdirfd, newpath, flags). Before the commit: everything decided; sysword := the
     * inode and its link count. Tail: the new name added if it does not name the inode yet, the count := count + 1
     * (an O_TMPFILE file's first name takes it off the orphan list, and its description's FF_LINKABLE is cleared).
     * An empty oldpath with AT_EMPTY_PATH links olddirfd's own inode: an O_TMPFILE file without O_EXCL even with no
     * links; another with no links (unlinked while open) ENOENT; a directory EPERM; a terminal or pipe EXDEV (they
     * live on no file system of the disk), as Linux.
     */
    long linkat(Task t) {
        int flags = (int) t.x(14);
        if ((flags & ~(Paths.AT_SYMLINK_FOLLOW | Paths.AT_EMPTY_PATH)) != 0) return -EINVAL;
        String oldPath = paths.path(t, t.x(11)), newPath = paths.path(t, t.x(13));
        if (oldPath == null || newPath == null) return -EFAULT;
        if (newPath.isEmpty()) return -ENOENT;
        int ns = paths.start(t, (int) t.x(12), newPath);
        if (ns < 0) return ns;
        long u;
        if (oldPath.isEmpty()) {
            if ((flags & Paths.AT_EMPTY_PATH) == 0) return -ENOENT;
            int ino = paths.target(t, (int) t.x(10), oldPath, flags);
            if (ino < 0) return ino;
            if (ino == 0) return -EXDEV;
            int f = sys.fileOf(t, t.x(10));
            u = fs.prepareLinkOf(ino, f >= 0 && (files.flags(f) & FF_LINKABLE) != 0, ns, newPath);
        } else {
            int os = paths.start(t, (int) t.x(10), oldPath);
            if (os < 0) return os;
            u = fs.prepareLink(os, oldPath, (flags & Paths.AT_SYMLINK_FOLLOW) != 0, ns, newPath);
        }
        if (u < 0) return u;
        t.setSysword(u);
        return 0;
    }

    void linkTail(Task t) {
        if (t.x(10) != 0) return;
        String newPath = paths.path(t, t.x(13));
        int ns = newPath == null ? -1 : paths.start(t, (int) t.x(12), newPath);
        long u = t.sysword();
        if (ns > 0) fs.linkPrepared(ns, newPath, (int) u, (int) (u >>> 32));
        int f = sys.fileOf(t, t.origA0());
        if ((u >>> 32) == 0 && f >= 0 && (files.flags(f) & FF_LINKABLE) != 0) files.setFlags(f, files.flags(f) & ~FF_LINKABLE);
    }

    void linkRepair(Task t, Ext2Repair r, boolean committed) {
        if (!committed || t.x(10) != 0) return;
        String newPath = paths.path(t, t.x(13));
        int ns = newPath == null ? -1 : paths.start(t, (int) t.x(12), newPath);
        if (ns < 0) return;
        int dir = fs.parentOf(ns, newPath);
        if (dir > 0) r.reconcile(dir);
        r.reconcile((int) t.sysword());
    }

    /** chdir(path). Before the commit: the directory resolved; sysword := its inode. Tail: cwd := sysword. */
    long chdir(Task t) {
        String path = paths.path(t, t.x(10));
        if (path == null) return -EFAULT;
        int ino = paths.resolve(t, Paths.AT_FDCWD, path, true);
        if (ino < 0) return ino;
        Stat st = fs.stat(ino);
        if (st == null) return -EIO;
        if (!st.isDir()) return -ENOTDIR;
        t.setSysword(ino);
        return 0;
    }

    /** fchdir(fd): as chdir, to fd's directory. */
    long fchdir(Task t) {
        int f = sys.fileOf(t, t.x(10));
        if (f < 0) return -EBADF;
        if (files.type(f) != FT_REG) return -ENOTDIR;
        Stat st = fs.stat(files.ino(f));
        if (st == null) return -EIO;
        if (!st.isDir()) return -ENOTDIR;
        t.setSysword(files.ino(f));
        return 0;
    }

    void chdirTail(Task t) {
        if (t.x(10) == 0 && t.sysword() > 0) k.fsctx.setCwd(t.index, (int) t.sysword());
    }

    /**
     * getcwd(buf, size): the working directory's path, found by walking ".." to the root and looking up each
     * directory's name in its parent; the length with its NUL, -ENOENT if the directory was removed, -ERANGE if it
     * does not fit.
     */
    long getcwd(Task t) {
        long buf = t.x(10), size = t.x(11);
        String path = pathOf(k.fsctx.cwd(t.index));
        if (path == null) return -ENOENT;
        byte[] b = (path + "\0").getBytes(StandardCharsets.ISO_8859_1);
        if (size < b.length) return -ERANGE;
        return k.user.copyOut(t.rootPa(), buf, b, 0, b.length) ? b.length : -EFAULT;
    }

    /** The absolute path of directory ino, or null if it is not reachable from the root (removed). */
    String pathOf(int ino) { return pathOf(fs, ino); }

    /** The absolute path of directory ino on fs, or null if it is not reachable from the root (removed). */
    static String pathOf(otherworld.kernel.fs.Ext2 fs, int ino) {
        StringBuilder p = new StringBuilder();
        int cur = ino;
        for (int depth = 0; cur != Ext2.ROOT_INO; depth++) {
            Stat st = fs.stat(cur);
            if (st == null || !st.isDir() || st.nlink() == 0 || depth > 2048) return null;
            int up = fs.parentDir(cur);
            if (up <= 0) return null;
            String name = fs.nameIn(up, cur);
            if (name == null) return null;
            p.insert(0, "/" + name);
            cur = up;
        }
        return p.length() == 0 ? "/" : p.toString();
    }

    /**
     * getdents64(fd, dirp, count): linux_dirent64 records from the directory position in fd's offset. Before the
     * commit: the records copied to dirp; sysword := the position after the last. Tail: offset := sysword.
     */
    long getdents64(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long buf = t.x(11), count = t.x(12);
        if (f < 0) return -EBADF;
        if (files.type(f) != FT_REG) return -ENOTDIR;
        int ino = files.ino(f);
        Stat st = fs.stat(ino);
        if (st == null) return -EIO;
        if (!st.isDir()) return -ENOTDIR;
        if (count < 0) return -EINVAL;
        byte[] out = new byte[(int) Math.min(count, Syscalls.MAX_IO)];
        int n = 0;
        long pos = files.offset(f);
        try {
            for (DirEntry e; (e = fs.readdir(ino, pos)) != null; pos = e.nextPos()) {
                byte[] name = e.name().getBytes(StandardCharsets.ISO_8859_1);
                int reclen = (19 + name.length + 1 + 7) & ~7;
                if (n + reclen > out.length) {
                    if (n == 0) return -EINVAL;
                    break;
                }
                FileCalls.put(out, n, e.ino(), 8);
                FileCalls.put(out, n + 8, e.nextPos(), 8);
                FileCalls.put(out, n + 16, reclen, 2);
                out[n + 18] = (byte) dtype(e.type());
                System.arraycopy(name, 0, out, n + 19, name.length);
                n += reclen;
            }
        } catch (Ext2Exception e) {
            return -EIO;
        }
        if (n > 0 && !k.user.copyOut(t.rootPa(), buf, out, 0, n)) return -EFAULT;
        t.setSysword(pos);
        return n;
    }

    void getdentsTail(Task t) {
        int f = sys.fileOf(t, t.origA0());
        if (t.x(10) > 0 && f >= 0 && files.offset(f) != t.sysword()) files.setOffset(f, t.sysword());
    }

    /** The d_type of an ext2 file type (1 regular, 2 dir, 3 chr, 4 blk, 5 fifo, 6 sock, 7 symlink; 0 unknown). */
    static int dtype(int ext2Type) {
        return switch (ext2Type) {
            case 1 -> 8;
            case 2 -> 4;
            case 3 -> 2;
            case 4 -> 6;
            case 5 -> 1;
            case 6 -> 12;
            case 7 -> 10;
            default -> 0;
        };
    }
}
