package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;

/**
 * Attributes: faccessat/faccessat2, fchmod/fchmodat, fchown/fchownat, umask, utimensat, statfs/fstatfs, statx. The
 * changes are absolute writes of one inode's fields, made before the commit (a restart writes the same values);
 * umask's new mask is set by its tail (its result is the old one). Permissions are checked by faccessat only: the
 * other calls act as root (programs started from the host run as root unless the configuration says otherwise).
 */
final class AttrCalls {
    static final int UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
    static final int STATX_BASIC_STATS = 0x7FF;
    static final long EXT2_SUPER_MAGIC = 0xEF53;

    private final Kernel k;
    private final Ext2 fs;
    private final Syscalls sys;
    private final Paths paths;

    AttrCalls(Kernel k, Syscalls sys, Paths paths) {
        this.k = k;
        this.fs = k.fs;
        this.sys = sys;
        this.paths = paths;
    }

    void register(Syscalls s) {
        s.define(FACCESSAT, t -> access(t, (int) t.x(10), t.x(11), (int) t.x(12), 0));
        s.define(FACCESSAT2, t -> access(t, (int) t.x(10), t.x(11), (int) t.x(12), (int) t.x(13)));
        s.define(FCHMOD, t -> change(t, (int) t.x(10), 0, Paths.AT_EMPTY_PATH, ino -> fs.chmod(ino, (int) t.x(11))));
        s.define(FCHMODAT, t -> change(t, (int) t.x(10), t.x(11), (int) t.x(13), ino -> fs.chmod(ino, (int) t.x(12))));
        s.define(FCHOWN, t -> change(t, (int) t.x(10), 0, Paths.AT_EMPTY_PATH, ino -> fs.chown(ino, (int) t.x(11), (int) t.x(12))));
        s.define(FCHOWNAT, t -> change(t, (int) t.x(10), t.x(11), (int) t.x(14), ino -> fs.chown(ino, (int) t.x(12), (int) t.x(13))));
        s.define(UTIMENSAT, this::utimensat);
        s.define(UMASK, t -> k.fsctx.umask(t.index), t -> k.fsctx.setUmask(t.index, (int) t.origA0()));
        s.define(STATFS, this::statfs);
        s.define(FSTATFS, this::statfs);
        s.define(STATX, this::statx);
    }

    /**
     * faccessat2(dirfd, path, mode, flags): F_OK, or R_OK/W_OK/X_OK against the mode bits for the task's real ids (or
     * effective ones with AT_EACCESS); root may read and write anything, and execute what has an x bit or is a
     * directory.
     */
    long access(Task t, int dirfd, long pathPtr, int mode, int flags) {
        String path = paths.path(t, pathPtr);
        if (path == null) return -EFAULT;
        if ((mode & ~7) != 0 || (flags & ~(Paths.AT_EACCESS | Paths.AT_SYMLINK_NOFOLLOW | Paths.AT_EMPTY_PATH)) != 0) return -EINVAL;
        int ino = paths.target(t, dirfd, path, flags);
        if (ino < 0) return ino;
        if (ino == 0 || mode == 0) return 0;
        Stat st = fs.stat(ino);
        if (st == null) return -EIO;
        boolean eff = (flags & Paths.AT_EACCESS) != 0;
        int uid = k.info.get(t.index, eff ? TI_EUID : TI_UID), gid = k.info.get(t.index, eff ? TI_EGID : TI_GID);
        int bits = st.mode();
        if (uid == 0) {
            if ((mode & 1) != 0 && (bits & 0111) == 0 && !st.isDir()) return -EACCES;
            return 0;
        }
        int shift = uid == st.uid() ? 6 : gid == st.gid() ? 3 : 0;
        return ((bits >> shift) & mode) == mode ? 0 : -EACCES;
    }

    interface InodeChange {
        int apply(int ino);
    }

    /** An absolute change of the inode (dirfd, path, flags) names; fd-only calls pass AT_EMPTY_PATH and no path. */
    long change(Task t, int dirfd, long pathPtr, int flags, InodeChange c) {
        String path = pathPtr == 0 ? "" : paths.path(t, pathPtr);
        if (path == null) return -EFAULT;
        if ((flags & ~(Paths.AT_SYMLINK_NOFOLLOW | Paths.AT_EMPTY_PATH)) != 0) return -EINVAL;
        int ino = paths.target(t, dirfd, path, flags);
        if (ino < 0) return ino;
        if (ino == 0) return 0; // a terminal: nothing kept to change
        return c.apply(ino);
    }

    /** utimensat(dirfd, path, times, flags): atime and mtime (UTIME_NOW, UTIME_OMIT; times NULL: both now). */
    long utimensat(Task t) {
        long pathPtr = t.x(11), times = t.x(12);
        int flags = (int) t.x(13);
        long now = k.wallNanos() / 1_000_000_000L;
        long a = now, m = now;
        if (times != 0) {
            byte[] b = new byte[32];
            if (!k.user.copyIn(t.rootPa(), times, b, 0, 32)) return -EFAULT;
            long as = get(b, 0), an = get(b, 8), ms = get(b, 16), mn = get(b, 24);
            for (long ns : new long[] {an, mn}) {
                if (ns != UTIME_NOW && ns != UTIME_OMIT && (ns < 0 || ns >= 1_000_000_000L)) return -EINVAL;
            }
            a = an == UTIME_OMIT ? -1 : an == UTIME_NOW ? now : as;
            m = mn == UTIME_OMIT ? -1 : mn == UTIME_NOW ? now : ms;
        }
        long fa = a, fm = m;
        int f = pathPtr == 0 ? flags | Paths.AT_EMPTY_PATH : flags;
        return change(t, (int) t.x(10), pathPtr, f, ino -> fa < 0 && fm < 0 ? 0 : fs.setTimes(ino, fa, fm));
    }

    static long get(byte[] b, int off) {
        long x = 0;
        for (int j = 7; j >= 0; j--) x = x << 8 | (b[off + j] & 0xFF);
        return x;
    }

    /** statfs(path, buf) and fstatfs(fd, buf): struct statfs of the one ext2 file system. */
    long statfs(Task t) {
        if (t.x(17) == STATFS) {
            String path = paths.path(t, t.x(10));
            if (path == null) return -EFAULT;
            int ino = paths.resolve(t, Paths.AT_FDCWD, path, true);
            if (ino < 0) return ino;
        } else if (sys.fileOf(t, t.x(10)) < 0) {
            return -EBADF;
        }
        long[] s = fs.statfs();
        byte[] b = new byte[120];
        FileCalls.put(b, 0, EXT2_SUPER_MAGIC, 8);  // f_type
        FileCalls.put(b, 8, 4096, 8);              // f_bsize
        FileCalls.put(b, 16, s[0], 8);             // f_blocks
        FileCalls.put(b, 24, s[1], 8);             // f_bfree
        FileCalls.put(b, 32, s[1], 8);             // f_bavail (no reserved blocks kept back)
        FileCalls.put(b, 40, s[2], 8);             // f_files
        FileCalls.put(b, 48, s[3], 8);             // f_ffree
        FileCalls.put(b, 64, 255, 8);              // f_namelen
        FileCalls.put(b, 72, 4096, 8);             // f_frsize
        return k.user.copyOut(t.rootPa(), t.x(11), b, 0, b.length) ? 0 : -EFAULT;
    }

    /**
     * statx(dirfd, path, flags, mask, buf): the basic stats, whatever mask asks (as ext2 has no birth time); a device
     * node's by its inode (S_IFCHR, rdev), a terminal's or a pipe's as fstat gives it.
     */
    long statx(Task t) {
        String path = t.x(11) == 0 ? "" : paths.path(t, t.x(11));
        if (path == null) return -EFAULT;
        int flags = (int) t.x(12);
        if ((flags & ~(Paths.AT_SYMLINK_NOFOLLOW | Paths.AT_EMPTY_PATH | 0x800 | 0x6000)) != 0) return -EINVAL;
        byte[] b = new byte[256];
        if (path.isEmpty() && (flags & Paths.AT_EMPTY_PATH) != 0 && t.x(10) != Paths.AT_FDCWD) {
            int f = sys.fileOf(t, t.x(10));
            if (f < 0) return -EBADF;
            if (k.files.type(f) == FT_TTY || k.files.type(f) == FT_PIPE) { // no inode: what fstat gives, as a statx
                byte[] st = new byte[128];
                if (k.files.type(f) == FT_TTY) {
                    FileCalls.fillTtyStat(st, k.files.tty(f), (k.files.flags(f) & FF_NOT_A_TERMINAL) != 0);
                } else {
                    FileCalls.fillPipeStat(st, k.files.ino(f));
                }
                long rdev = get(st, 32);
                fillStatx(b, FileCalls.get32(st, 16), FileCalls.get32(st, 20), 0, 0, get(st, 8), 0, 0, 0, 0, 0,
                        (int) (get(st, 0) >>> 8), (int) (rdev >>> 8), (int) (rdev & 0xFF));
                return k.user.copyOut(t.rootPa(), t.x(14), b, 0, b.length) ? 0 : -EFAULT;
            }
        }
        int ino = paths.target(t, (int) t.x(10), path, flags);
        if (ino < 0) return ino;
        Stat s = fs.stat(ino);
        if (s == null) return -EIO;
        fillStatx(b, s.mode(), s.nlink(), s.uid(), s.gid(), s.ino(), s.size(), s.blocks(), s.atime(), s.mtime(),
                s.ctime(), 8, s.rdevMajor(), s.rdevMinor());
        return k.user.copyOut(t.rootPa(), t.x(14), b, 0, b.length) ? 0 : -EFAULT;
    }

    /** struct statx (include/uapi/linux/stat.h). */
    static void fillStatx(byte[] b, int mode, int nlink, int uid, int gid, long ino, long size, long blocks, long atime,
                          long mtime, long ctime, int devMajor, int rdevMajor, int rdevMinor) {
        FileCalls.put(b, 0, STATX_BASIC_STATS, 4);
        FileCalls.put(b, 4, 4096, 4);
        FileCalls.put(b, 16, nlink, 4);
        FileCalls.put(b, 20, uid, 4);
        FileCalls.put(b, 24, gid, 4);
        FileCalls.put(b, 28, mode, 2);
        FileCalls.put(b, 32, ino, 8);
        FileCalls.put(b, 40, size, 8);
        FileCalls.put(b, 48, blocks, 8);
        FileCalls.put(b, 64, atime, 8);
        FileCalls.put(b, 96, ctime, 8);
        FileCalls.put(b, 112, mtime, 8);
        FileCalls.put(b, 128, rdevMajor, 4);
        FileCalls.put(b, 132, rdevMinor, 4);
        FileCalls.put(b, 136, devMajor, 4);
    }
}
