package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.nio.charset.StandardCharsets;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Ext2Repair;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;
import otherworld.kernel.tty.Tty;

/**
 * The file system calls: read, write, openat, close, lseek, fsync, unlinkat, fstatat, fstat, readlinkat, ioctl.
 * Each is written to the in-flight rule of {@link Syscalls}; the comment on each says what it writes before its
 * commit, what its tail writes, and what its sysword holds.
 */
final class FileCalls extends PathCalls {
    static final int AT_FDCWD = Paths.AT_FDCWD;
    static final int AT_EMPTY_PATH = Paths.AT_EMPTY_PATH;
    static final int AT_REMOVEDIR = Paths.AT_REMOVEDIR;
    static final int O_ACCMODE = 3;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECTORY = 0x10000;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    /** __O_TMPFILE: the O_TMPFILE of a program is this and O_DIRECTORY. */
    static final int O_TMPFILE = 0x400000;
    /** The bits of an O_TMPFILE open Linux's build_open_flags checks: O_TMPFILE and O_DIRECTORY, never O_CREAT. */
    static final int O_TMPFILE_MASK = O_TMPFILE | O_DIRECTORY | O_CREAT;
    /** The open flags a description keeps (F_GETFL). */
    static final int KEPT_FLAGS = O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH;

    /** The terminal's side of read, write and ioctl. */
    private final TtyCalls ttys;

    FileCalls(Kernel k, Syscalls sys, Paths paths) {
        super(k, sys, paths);
        this.ttys = new TtyCalls(k, sys);
    }

    void register(Syscalls s) {
        s.define(READ, this::read, this::readTail);
        s.define(WRITE, this::write, this::writeTail, this::writeRepair);
        s.define(OPENAT, this::openat, this::openatTail, this::openatRepair);
        s.define(CLOSE, this::close, this::closeTail);
        s.define(LSEEK, this::lseek, this::lseekTail);
        s.define(UNLINKAT, this::unlinkat, this::unlinkatTail, this::unlinkatRepair);
        s.define(NEWFSTATAT, t -> fstatat(t, (int) t.x(10), t.x(11), t.x(12), (int) t.x(13)));
        s.define(FSTAT, t -> fstatat(t, (int) t.x(10), 0, t.x(11), AT_EMPTY_PATH));
        s.define(IOCTL, this::ioctl, this::ioctlTail);
        s.define(READLINKAT, this::readlinkat);
    }

    /**
     * read(fd, buf, count). Before the commit: a tty's waiting device input moves into its ring; the bytes are copied
     * to buf (a restart copies the same bytes); sysword := the position read from (the file offset, or the tty's
     * nread). Tail: offset (or nread) := sysword + a0.
     */
    long read(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long buf = t.x(11), count = t.x(12);
        if (f < 0 || (files.flags(f) & O_ACCMODE) == O_WRONLY) return -EBADF;
        if (count < 0) return -EINVAL;
        int n = (int) Math.min(count, Syscalls.MAX_IO);
        byte[] tmp = new byte[n];
        long got = readInto(t, f, tmp, n);
        if (got < 0) return got;
        k.hooks.point("read.before-copyout");
        if (!k.user.copyOut(t.rootPa(), buf, tmp, 0, (int) got)) return -EFAULT;
        return got;
    }

    /**
     * The part of read (and readv) before the copy-out: up to n bytes of open file f into tmp, from the tty's line
     * discipline ({@link TtyCalls#read}) or the file's offset; sysword := where they were read from. The count, -errno,
     * or {@link Syscalls#BLOCK} / {@link Syscalls#RESTART} (a tty).
     */
    long readInto(Task t, int f, byte[] tmp, int n) {
        int got;
        if (files.type(f) == FT_TTY) {
            return ttys.read(t, f, tmp, n);
        } else if (files.type(f) == FT_DEV) {
            return Devices.read(k, t, files.tty(f), tmp, n);
        } else {
            long off = files.offset(f);
            t.setSysword(off);
            got = fs.read(files.ino(f), off, tmp, 0, n);
        }
        return got;
    }

    void readTail(Task t) {
        long got = t.x(10);
        int f = sys.fileOf(t, t.origA0());
        if (f >= 0 && files.type(f) == FT_TTY) {
            ttys.readTail(t, f);
            return;
        }
        if (f >= 0 && files.type(f) == FT_DEV) {
            Devices.readTail(k, t, files.tty(f));
            return;
        }
        if (got <= 0 || f < 0) return;
        if (files.offset(f) != t.sysword() + got) files.setOffset(f, t.sysword() + got);
    }

    /**
     * write(fd, buf, count). To a tty: the bytes go to the device (they cannot be taken back: a crash kernel that
     * finds some of them sent completes the call, the device's bytes_out against the tty's out); tail: out :=
     * bytes_out. To a file: sysword := the position written at (the offset, or the size with O_APPEND); blocks are
     * allocated and the bytes copied, the size not changed (what lies past it stays invisible; a restart writes the
     * same bytes at the same position). Tail: size := max(size, sysword + a0), mtime, offset := sysword + a0.
     * Repair: the file's inode reconciled (blocks past its size freed, bits and i_blocks made to agree).
     */
    long write(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long buf = t.x(11), count = t.x(12);
        if (f < 0 || (files.flags(f) & O_ACCMODE) == 0 && files.type(f) != FT_TTY && files.type(f) != FT_PIPE) return -EBADF;
        if (count < 0) return -EINVAL;
        int n = (int) Math.min(count, Syscalls.MAX_IO);
        byte[] tmp = new byte[n];
        if (!k.user.copyIn(t.rootPa(), buf, tmp, 0, n)) return -EFAULT;
        return writeFrom(t, f, tmp, n);
    }

    /**
     * The part of write (and writev) after the copy-in: n bytes of tmp to open file f (a tty's device, or the file at
     * its offset or end; sysword := where). The count, or -errno.
     */
    int writeFrom(Task t, int f, byte[] tmp, int n) {
        if (files.type(f) == FT_TTY) return (int) ttys.write(t, f, tmp, n);
        if (files.type(f) == FT_DEV) return Devices.write(files.tty(f), n);
        int ino = files.ino(f);
        long off = files.offset(f);
        if ((files.flags(f) & O_APPEND) != 0) {
            Stat st = fs.stat(ino);
            if (st == null) return -EIO;
            off = st.size();
        }
        t.setSysword(off);
        k.hooks.point("write.before-fs");
        int w = fs.writeData(ino, off, tmp, 0, n);
        if (w < 0) return w;
        k.hooks.point("write.after-fs");
        return w;
    }

    void writeTail(Task t) {
        long w = t.x(10);
        int f = sys.fileOf(t, t.origA0());
        if (w <= 0 || f < 0) return;
        if (files.type(f) == FT_DEV) return;
        if (files.type(f) == FT_TTY) {
            long rec = k.ttyRecord(files.tty(f));
            Tty.sent(k.mem, rec, k.machine.console(Tty.console(k.mem, rec)));
            return;
        }
        fs.finishWrite(files.ino(f), t.sysword() + w);
        if (files.offset(f) != t.sysword() + w) files.setOffset(f, t.sysword() + w);
    }

    void writeRepair(Task t, Ext2Repair r, boolean committed) {
        int f = sys.fileOf(t, t.origA0());
        if (f < 0 || files.type(f) != FT_REG) return;
        if (committed && t.x(10) > 0) fs.finishWrite(files.ino(f), t.sysword() + t.x(10)); // the size first
        r.reconcile(files.ino(f));
    }

    /**
     * openat(dirfd, path, flags, mode). Before the commit: the path resolved from dirfd or the cwd; the lowest free
     * fd chosen; a file created (sysword := its inode << 32 before the inode is written, so a repair can forget it if
     * the call does not commit) or truncated (a restart truncates again); a description prepared, not yet referenced;
     * sysword := description | created inode << 32. Tail: the description installed at fd a0. Repair: not committed,
     * a file it created is forgotten (its entry removed, its inode freed), so the restart creates it again and
     * O_EXCL still holds; what it created or truncated reconciled.
     */
    long openat(Task t) {
        int dirfd = (int) t.x(10);
        int flags = (int) t.x(12), mode = (int) t.x(13);
        String path = paths.path(t, t.x(11));
        if (path == null) return -EFAULT;
        if ((flags & O_TMPFILE) != 0 && ((flags & O_TMPFILE_MASK) != (O_TMPFILE | O_DIRECTORY)
                || (flags & O_ACCMODE) == 0 || (flags & O_PATH) != 0)) return -EINVAL;
        if (path.isEmpty()) return -ENOENT;
        int fd = -1;
        for (int i = 0; i < NOFILE && fd < 0; i++) if (t.fd(i) < 0) fd = i;
        if (fd < 0) return -EMFILE;
        if ((flags & O_TMPFILE) != 0) return tmpfile(t, dirfd, path, flags, mode, fd);
        int start = paths.start(t, dirfd, path);
        if (start < 0) return start;
        boolean excl = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
        int ino = fs.resolve(start, path, (flags & O_NOFOLLOW) == 0 && !excl);
        int created = 0;
        if (ino == -ENOENT && (flags & O_CREAT) != 0) {
            int m = Stat.S_IFREG | (mode & 07777 & ~k.fsctx.umask(t.index));
            ino = fs.prepareCreate(start, path, m);
            if (ino < 0) return ino;
            t.setSysword((long) ino << 32);
            ino = fs.createPrepared(start, path, m, ino);
            if (ino < 0) return ino;
            created = ino;
            k.hooks.point("openat.after-create");
        } else if (ino > 0 && excl) {
            return -EEXIST;
        }
        if (ino < 0) return ino;
        Stat st = fs.stat(ino);
        if (st == null) return -EIO;
        if ((st.mode() & Stat.S_IFMT) == Stat.S_IFLNK && (flags & O_PATH) == 0) return -ELOOP; // O_NOFOLLOW
        if (st.isDir() && (flags & O_ACCMODE) != 0) return -EISDIR;
        if (!st.isDir() && (flags & O_DIRECTORY) != 0) return -ENOTDIR;
        if (st.isCharDevice()) { // where the path landed says it is a device (Devices), not how it is spelt
            int file = Devices.open(k, t, ino, st, flags);
            if (file < 0) return file;
            t.setSysword(file);
            return fd;
        }
        if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != 0 && st.isRegular() && st.size() != 0 && created == 0) {
            int r = fs.truncate(ino, 0);
            if (r < 0) return r;
        }
        int file = files.prepare(FT_REG, flags & KEPT_FLAGS, ino, 0);
        if (file < 0) return -ENFILE;
        t.setSysword(file | (long) created << 32);
        return fd;
    }

    /**
     * openat with O_TMPFILE: a regular file with no name on the file system of the directory path names, alive while
     * it is open: an orphan from birth (ext2's orphan list holds it, so a crash or a stop frees it unless a process
     * holds it, and its last close does). Before the commit: the inode chosen and a description prepared for it
     * (FF_LINKABLE unless O_EXCL: linkat may name it); sysword := description | inode << 32; then the inode made
     * (no links), marked used and put on the orphan list. Tail: installed, as any open. Repair, not committed: the
     * inode reconciled, which releases it (no process holds it).
     */
    private long tmpfile(Task t, int dirfd, String path, int flags, int mode, int fd) {
        int start = paths.start(t, dirfd, path);
        if (start < 0) return start;
        int dir = fs.resolve(start, path, true);
        if (dir < 0) return dir;
        Stat st = fs.stat(dir);
        if (st == null) return -EIO;
        if (!st.isDir()) return -ENOTDIR;
        int ino = fs.prepareTmpfile(dir);
        if (ino < 0) return ino;
        int kept = flags & KEPT_FLAGS | ((flags & O_EXCL) == 0 ? FF_LINKABLE : 0);
        int file = files.prepare(FT_REG, kept, ino, 0);
        if (file < 0) return -ENFILE;
        t.setSysword(file | (long) ino << 32);
        int r = fs.createTmpfile(ino, mode & ~k.fsctx.umask(t.index));
        return r < 0 ? r : fd;
    }

    void openatTail(Task t) {
        long fd = t.x(10);
        if (fd >= 0 && fd < NOFILE) {
            files.install((int) t.sysword(), t.pa, (int) fd);
            k.procs.setCloexec(t.index, (int) fd, (t.x(12) & O_CLOEXEC) != 0);
        }
    }

    void openatRepair(Task t, Ext2Repair r, boolean committed) {
        String path = paths.path(t, t.x(11));
        if (path == null || path.isEmpty()) return;
        int created = (int) (t.sysword() >>> 32);
        if ((t.x(12) & O_TMPFILE) != 0) { // its inode has no name: whole once committed; else not held, so released
            if (!committed && created != 0) r.reconcile(created);
            return;
        }
        int start = paths.start(t, (int) t.origA0(), path);
        if (start < 0) return;
        int dir = fs.parentOf(start, path);
        if (created != 0 && !committed) {
            if (dir > 0) r.forgetCreated(dir, Ext2.lastName(path), created);
            return;
        }
        if (dir > 0) r.reconcile(dir);
        int ino = fs.resolve(start, path, true);
        if (ino > 0) r.reconcile(ino);
    }

    /**
     * close(fd). Before the commit: nothing. Tail: the process's POSIX locks on the file released (POSIX: any close
     * of the file does), fd's slot cleared and its description released (its last close releases its OFD and flock
     * locks, and an orphan inode no one else holds).
     */
    long close(Task t) {
        return sys.fileOf(t, t.x(10)) < 0 ? -EBADF : 0;
    }

    void closeTail(Task t) {
        if (t.x(10) != 0) return;
        int fd = (int) t.origA0();
        int f = t.fd(fd);
        if (f < 0) return;
        if (files.type(f) == FT_REG) sys.releasePosixLocks(t.pid(), files.ino(f));
        t.setFd(fd, -1);
        sys.release(f);
    }

    /** lseek(fd, offset, whence). Before the commit: the new offset computed. Tail: offset := a0. */
    long lseek(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long off = t.x(11);
        int whence = (int) t.x(12);
        if (f < 0) return -EBADF;
        if (files.type(f) == FT_DEV) return 0; // a device keeps no position (as Linux's null, zero and random)
        if (files.type(f) != FT_REG) return -ESPIPE;
        long base;
        switch (whence) {
            case 0 -> base = 0;
            case 1 -> base = files.offset(f);
            case 2 -> {
                Stat st = fs.stat(files.ino(f));
                if (st == null) return -EIO;
                base = st.size();
            }
            case 3, 4 -> { // SEEK_DATA, SEEK_HOLE: the whole file is data, its end the only hole
                Stat st = fs.stat(files.ino(f));
                if (st == null) return -EIO;
                if (off < 0 || off >= st.size()) return -ENXIO;
                return whence == 3 ? off : st.size();
            }
            default -> {
                return -EINVAL;
            }
        }
        long pos = base + off;
        if (pos < 0) return -EINVAL;
        return pos;
    }

    void lseekTail(Task t) {
        long pos = t.x(10);
        int f = sys.fileOf(t, t.origA0());
        if (pos >= 0 && f >= 0 && files.offset(f) != pos) files.setOffset(f, pos);
    }

    /**
     * unlinkat(dirfd, path, flags). Before the commit: everything it can fail on is decided; sysword := the inode and
     * its link count (a directory, AT_REMOVEDIR: its inode). Tail: the entry removed if it still names that inode;
     * a file's link count set to one less and the inode released at its last link, or kept as an orphan while a
     * process holds it open; a directory's parent recounted and the directory released (each step idempotent).
     * Repair: the inode and its directory reconciled.
     */
    long unlinkat(Task t) {
        int dirfd = (int) t.x(10), flags = (int) t.x(12);
        String path = paths.path(t, t.x(11));
        if (path == null) return -EFAULT;
        if ((flags & ~AT_REMOVEDIR) != 0) return -EINVAL;
        if (path.isEmpty()) return -ENOENT;
        int start = paths.start(t, dirfd, path);
        if (start < 0) return start;
        if ((flags & AT_REMOVEDIR) != 0) {
            int ino = fs.prepareRmdir(start, path);
            if (ino < 0) return ino;
            t.setSysword(ino);
            return 0;
        }
        long u = fs.prepareUnlink(start, path);
        if (u < 0) return u;
        t.setSysword(u);
        return 0;
    }

    void unlinkatTail(Task t) {
        if (t.x(10) != 0) return;
        String path = paths.path(t, t.x(11));
        int start = path == null ? -1 : paths.start(t, (int) t.origA0(), path);
        if (start < 0) return;
        long u = t.sysword();
        if ((t.x(12) & AT_REMOVEDIR) != 0) fs.rmdirPrepared(start, path, (int) u);
        else fs.unlinkPrepared(start, path, (int) u, (int) (u >>> 32), sys.isOpen((int) u));
    }

    void unlinkatRepair(Task t, Ext2Repair r, boolean committed) {
        if (!committed) return;
        String path = paths.path(t, t.x(11));
        int start = path == null ? -1 : paths.start(t, (int) t.origA0(), path);
        if (start < 0) return;
        int dir = fs.parentOf(start, path);
        if (dir > 0) r.reconcile(dir);
        r.reconcile((int) t.sysword());
    }

    long fstatat(Task t, int dirfd, long pathPtr, long statbuf, int flags) {
        String path = pathPtr == 0 ? "" : paths.path(t, pathPtr);
        if (path == null) return -EFAULT;
        if ((flags & ~(Paths.AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) != 0) return -EINVAL; // 0x800: AT_NO_AUTOMOUNT
        byte[] st = new byte[128];
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0 && dirfd != AT_FDCWD) {
            int f = sys.fileOf(t, dirfd);
            if (f < 0) return -EBADF;
            if (files.type(f) == FT_TTY) {
                fillTtyStat(st, files.tty(f), (files.flags(f) & FF_NOT_A_TERMINAL) != 0);
                return k.user.copyOut(t.rootPa(), statbuf, st, 0, st.length) ? 0 : -EFAULT;
            } else if (files.type(f) == FT_PIPE) {
                fillPipeStat(st, files.ino(f));
                return k.user.copyOut(t.rootPa(), statbuf, st, 0, st.length) ? 0 : -EFAULT;
            }
        }
        int ino = paths.target(t, dirfd, path, flags);
        if (ino < 0) return ino;
        Stat s = fs.stat(ino);
        if (s == null) return -EIO;
        fillStat(st, s);
        return k.user.copyOut(t.rootPa(), statbuf, st, 0, st.length) ? 0 : -EFAULT;
    }

    static int get32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static void put(byte[] b, int off, long v, int bytes) {
        for (int i = 0; i < bytes; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    /** struct stat of asm-generic/stat.h (128 bytes). */
    static void fillStat(byte[] b, Stat s) {
        put(b, 0, 0x800, 8);          // st_dev
        put(b, 8, s.ino(), 8);
        put(b, 16, s.mode(), 4);
        put(b, 20, s.nlink(), 4);
        put(b, 24, s.uid(), 4);
        put(b, 28, s.gid(), 4);
        put(b, 32, s.rdev(), 8);
        put(b, 48, s.size(), 8);
        put(b, 56, 4096, 4);          // st_blksize
        put(b, 64, s.blocks(), 8);
        put(b, 72, s.atime(), 8);
        put(b, 88, s.mtime(), 8);
        put(b, 104, s.ctime(), 8);
    }

    static void fillTtyStat(byte[] b, int tty, boolean pipe) {
        put(b, 0, 0x16, 8);
        put(b, 8, 3 + tty, 8);
        put(b, 16, pipe ? 0x1000 | 0600 : 0x2000 | 0620, 4);  // S_IFIFO for a host pipe, else S_IFCHR
        put(b, 20, 1, 4);
        put(b, 32, (4L << 8) | (64 + tty), 8); // ttyS<n>: major 4, minor 64+n
        put(b, 56, 1024, 4);
    }

    static void fillPipeStat(byte[] b, int pipe) {
        put(b, 0, 0xc, 8);             // pipefs
        put(b, 8, 1000 + pipe, 8);
        put(b, 16, 0x1000 | 0600, 4);  // S_IFIFO
        put(b, 20, 1, 4);
        put(b, 56, 4096, 4);
    }

    /** ioctl(fd, request, arg): a terminal's ({@link TtyCalls#ioctl}); ENOTTY on anything else. */
    long ioctl(Task t) {
        int f = sys.fileOf(t, t.x(10));
        if (f < 0) return -EBADF;
        if (files.type(f) != FT_TTY || (files.flags(f) & FF_NOT_A_TERMINAL) != 0) return -ENOTTY;
        return ttys.ioctl(t, f, (int) t.x(11), t.x(12));
    }

    void ioctlTail(Task t) {
        int f = sys.fileOf(t, t.origA0());
        if (f >= 0 && files.type(f) == FT_TTY && (files.flags(f) & FF_NOT_A_TERMINAL) == 0) ttys.ioctlTail(t, f);
    }

    /** readlinkat(dirfd, path, buf, size): the target of a symbolic link (not NUL-terminated), or /proc/self/exe's. */
    long readlinkat(Task t) {
        long buf = t.x(12), size = t.x(13);
        String path = paths.path(t, t.x(11));
        if (path == null) return -EFAULT;
        if (size <= 0) return -EINVAL;
        byte[] target;
        if (path.equals("/proc/self/exe")) {
            target = t.name().getBytes(StandardCharsets.UTF_8);
        } else {
            int ino = paths.resolve(t, (int) t.x(10), path, false);
            if (ino < 0) return ino;
            target = fs.readlink(ino);
            if (target == null) return -EINVAL;
        }
        int n = (int) Math.min(target.length, size);
        return k.user.copyOut(t.rootPa(), buf, target, 0, n) ? n : -EFAULT;
    }
}
