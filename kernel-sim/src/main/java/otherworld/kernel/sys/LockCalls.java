package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.FileLocks;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;

/**
 * fcntl and flock. The locks (F_GETLK, F_SETLK, F_SETLKW; F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW; flock) live in
 * the lock table in guest RAM ({@link FileLocks}). To the in-flight rule: a lock request is decided before the commit
 * (a conflict: EAGAIN, or for the waiting forms the task blocks on the inode's channel and makes the call again when
 * a lock on the inode is released); its tail sets the lock, an absolute operation on the table computed again from
 * the registers and the struct flock (which the process has not touched since), and wakes the inode's waiters.
 * Deadlocks between waiting processes are not detected (no EDEADLK).
 *
 * <p>fcntl's fd commands (F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL) are {@link FdCalls}', which passes the lock
 * commands here.
 */
final class LockCalls {
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6,
            F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38,
            F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032;
    static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    private final Kernel k;
    private final FileTable files;
    private final FileLocks locks;
    private final Syscalls sys;

    LockCalls(Kernel k, Syscalls sys) {
        this.k = k;
        this.files = k.files;
        this.locks = k.locks;
        this.sys = sys;
    }

    void register(Syscalls s) {
        s.define(FLOCK, this::flock, this::flockTail);
    }

    /** A lock request: kind, owner, inode, type (FileLocks.READ/WRITE/UNLOCK), [start, end); or an errno in err. */
    private record Request(int kind, int owner, int ino, int type, long start, long end, int err) {
        static Request error(int e) { return new Request(0, 0, 0, 0, 0, 0, e); }
    }

    /** The request fcntl(fd, cmd, flockp) makes, read from its registers and the struct flock at flockp. */
    private Request request(Task t, long fd, int cmd, long flockp) {
        int f = sys.fileOf(t, fd);
        if (f < 0) return Request.error(-EBADF);
        if (files.type(f) != FT_REG) return Request.error(-EINVAL);
        byte[] b = new byte[32];
        if (!k.user.copyIn(t.rootPa(), flockp, b, 0, 32)) return Request.error(-EFAULT);
        int ltype = (short) ((b[0] & 0xFF) | b[1] << 8), whence = (short) ((b[2] & 0xFF) | b[3] << 8);
        long lstart = AttrCalls.get(b, 8), llen = AttrCalls.get(b, 16);
        int pid = FileCalls.get32(b, 24);
        boolean ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
        if (ofd && pid != 0) return Request.error(-EINVAL);
        int type = switch (ltype) {
            case F_RDLCK -> FileLocks.READ;
            case F_WRLCK -> FileLocks.WRITE;
            case F_UNLCK -> FileLocks.UNLOCK;
            default -> -1;
        };
        if (type < 0) return Request.error(-EINVAL);
        long base;
        switch (whence) {
            case 0 -> base = 0;
            case 1 -> base = files.offset(f);
            case 2 -> {
                Stat st = k.fs.stat(files.ino(f));
                if (st == null) return Request.error(-EIO);
                base = st.size();
            }
            default -> {
                return Request.error(-EINVAL);
            }
        }
        long start = base + lstart, end;
        if (llen > 0) {
            end = start + llen;
        } else if (llen == 0) {
            end = FileLocks.TO_EOF;
        } else {
            end = start;
            start = start + llen;
        }
        if (start < 0) return Request.error(-EINVAL);
        if (end < start) return Request.error(-EOVERFLOW);
        int acc = files.flags(f) & FileCalls.O_ACCMODE;
        boolean set = cmd != F_GETLK && cmd != F_OFD_GETLK;
        if (set && (type == FileLocks.READ && acc == FileCalls.O_WRONLY || type == FileLocks.WRITE && acc == 0)) {
            return Request.error(-EBADF);
        }
        return new Request(ofd ? LOCK_OFD : LOCK_POSIX, ofd ? f : t.pid(), files.ino(f), type, start, end, 0);
    }

    /** fcntl's lock commands (and F_GETOWN/F_SETOWN); the fd commands are {@link FdCalls}'s, which passes these here. */
    long fcntl(Task t) {
        long fd = t.x(10), arg = t.x(12);
        int cmd = (int) t.x(11);
        int f = sys.fileOf(t, fd);
        if (f < 0) return -EBADF;
        switch (cmd) {
            case F_GETOWN, F_SETOWN -> {
                return 0;
            }
            case F_GETLK, F_OFD_GETLK -> {
                Request r = request(t, fd, cmd, arg);
                if (r.err != 0) return r.err;
                if (r.type == FileLocks.UNLOCK) return -EINVAL;
                int c = locks.conflict(r.kind, r.owner, r.ino, r.type, r.start, r.end);
                byte[] b = new byte[32];
                if (c < 0) {
                    FileCalls.put(b, 0, F_UNLCK, 2);
                    if (!k.user.copyIn(t.rootPa(), arg, b, 2, 30)) return -EFAULT;
                } else {
                    FileCalls.put(b, 0, locks.type(c) == FileLocks.READ ? F_RDLCK : F_WRLCK, 2);
                    FileCalls.put(b, 8, locks.start(c), 8);
                    FileCalls.put(b, 16, locks.end(c) == FileLocks.TO_EOF ? 0 : locks.end(c) - locks.start(c), 8);
                    FileCalls.put(b, 24, locks.kind(c) == LOCK_POSIX ? locks.owner(c) : -1, 4);
                }
                return k.user.copyOut(t.rootPa(), arg, b, 0, 32) ? 0 : -EFAULT;
            }
            case F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW -> {
                Request r = request(t, fd, cmd, arg);
                if (r.err != 0) return r.err;
                return decide(t, r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
            }
            default -> {
                return -EINVAL;
            }
        }
    }

    /** A set request decided: a conflict gives EAGAIN, or blocks the waiting forms; a full table gives ENOLCK. */
    private long decide(Task t, Request r, boolean wait) {
        if (r.type != FileLocks.UNLOCK && locks.conflict(r.kind, r.owner, r.ino, r.type, r.start, r.end) >= 0) {
            return wait ? k.block(t, FileLocks.channel(r.ino)) : -EAGAIN;
        }
        if (locks.free() < 2) return -ENOLCK;
        return 0;
    }

    void fcntlTail(Task t) {
        long a0 = t.x(10);
        int cmd = (int) t.x(11);
        if (a0 < 0) return;
        switch (cmd) {
            case F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW -> {
                Request r = request(t, t.origA0(), cmd, t.x(12));
                if (r.err == 0) apply(r);
            }
            default -> { }
        }
    }

    /** Whether fcntl's cmd is one of the lock commands (or F_GETOWN/F_SETOWN), made here. */
    static boolean isLockCommand(int cmd) {
        return cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_GETLK || cmd == F_OFD_SETLK
                || cmd == F_OFD_SETLKW || cmd == F_GETOWN || cmd == F_SETOWN;
    }

    private void apply(Request r) {
        locks.set(r.kind, r.owner, r.ino, r.type, r.start, r.end);
        k.wakeup(FileLocks.channel(r.ino)); // an unlock or a downgrade may let a waiter in
    }

    /** The flock request of flock(fd, op) (the whole file, owned by the description), or an errno. */
    private Request flockRequest(Task t, long fd, int op) {
        int f = sys.fileOf(t, fd);
        if (f < 0) return Request.error(-EBADF);
        if (files.type(f) != FT_REG) return Request.error(-EINVAL);
        int type = switch (op & ~LOCK_NB) {
            case LOCK_SH -> FileLocks.READ;
            case LOCK_EX -> FileLocks.WRITE;
            case LOCK_UN -> FileLocks.UNLOCK;
            default -> -1;
        };
        if (type < 0) return Request.error(-EINVAL);
        return new Request(LOCK_FLOCK, f, files.ino(f), type, 0, FileLocks.TO_EOF, 0);
    }

    /** flock(fd, op): LOCK_SH, LOCK_EX (LOCK_NB: EAGAIN instead of waiting), LOCK_UN. */
    long flock(Task t) {
        Request r = flockRequest(t, t.x(10), (int) t.x(11));
        if (r.err != 0) return r.err;
        return decide(t, r, (t.x(11) & LOCK_NB) == 0);
    }

    void flockTail(Task t) {
        if (t.x(10) != 0) return;
        Request r = flockRequest(t, t.origA0(), (int) t.x(11));
        if (r.err == 0) apply(r);
    }
}
