package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.proc.Task;

/**
 * The fd table's calls: dup, dup3, and fcntl's fd flags (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD) and file status
 * flags (F_GETFL, F_SETFL); its lock commands go to {@link LockCalls}. Written to the in-flight rule of {@link Syscalls}: every change of the fd table is in a
 * tail, absolute (the slot := the description, then its reference counted — a crash kernel counts references from
 * the fds anyway, so a tail made again that finds the slot set does nothing more).
 */
final class FdCalls {
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030,
            F_GETPIPE_SZ = 1032;
    static final int FD_CLOEXEC = 1;
    static final int O_CLOEXEC = 0x80000;
    /** The file status flags F_SETFL may change. */
    static final int SETFL_MASK = 0x400 | 0x800; // O_APPEND | O_NONBLOCK

    private final Kernel k;
    private final FileTable files;
    private Syscalls sys;

    FdCalls(Kernel k) {
        this.k = k;
        this.files = k.files;
    }

    void register(Syscalls s) {
        this.sys = s;
        s.define(DUP, this::dup, t -> install(t, (int) t.x(10), sys.fileOf(t, t.origA0()), false));
        s.define(DUP3, this::dup3, t -> install(t, (int) t.x(10), sys.fileOf(t, t.origA0()), (t.x(12) & O_CLOEXEC) != 0));
        s.define(FCNTL, this::fcntl, this::fcntlTail);
    }

    private int lowestFree(Task t, int from) {
        for (int i = Math.max(0, from); i < NOFILE; i++) if (t.fd(i) < 0) return i;
        return -1;
    }

    /** dup(fd): the lowest free fd. Tail: it names fd's description. */
    long dup(Task t) {
        if (sys.fileOf(t, t.x(10)) < 0) return -EBADF;
        int fd = lowestFree(t, 0);
        return fd < 0 ? -EMFILE : fd;
    }

    /** dup3(old, new, flags). Tail: new names old's description (what new named before is closed). */
    long dup3(Task t) {
        long oldfd = t.x(10), newfd = t.x(11);
        int flags = (int) t.x(12);
        if ((flags & ~O_CLOEXEC) != 0 || oldfd == newfd) return -EINVAL;
        if (sys.fileOf(t, oldfd) < 0 || newfd < 0 || newfd >= NOFILE) return -EBADF;
        return newfd;
    }

    /**
     * The fd table's one change: slot fd := description f (then its reference counted; the description fd named
     * before, if another, released), and fd's close-on-exec flag. Idempotent: a slot that names f already is left.
     */
    private void install(Task t, int fd, int f, boolean cloexec) {
        if (fd < 0 || fd >= NOFILE || f < 0) return;
        int before = t.fd(fd);
        if (before != f) {
            t.setFd(fd, f);
            files.ref(f);
            if (before >= 0 && before < MAX_FILES && files.refs(before) > 0) sys.release(before);
        }
        k.procs.setCloexec(t.index, fd, cloexec);
    }

    /**
     * fcntl(fd, cmd, arg). F_DUPFD[_CLOEXEC]: the lowest free fd ≥ arg, installed by the tail. F_SETFD: the tail sets
     * the flag. F_SETFL: O_APPEND and O_NONBLOCK of the description set before the commit (absolute: a restart writes
     * the same). Record locks belong to the file calls; other commands: EINVAL, logged once.
     */
    long fcntl(Task t) {
        int f = sys.fileOf(t, t.x(10));
        int cmd = (int) t.x(11);
        long arg = t.x(12);
        if (f < 0) return -EBADF;
        switch (cmd) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                if (arg < 0 || arg >= NOFILE) return -EINVAL;
                int fd = lowestFree(t, (int) arg);
                return fd < 0 ? -EMFILE : fd;
            }
            case F_GETFD -> {
                return k.procs.cloexec(t.index, (int) t.x(10)) ? FD_CLOEXEC : 0;
            }
            case F_SETFD -> {
                return 0;
            }
            case F_GETFL -> {
                return files.type(f) == FT_TTY ? files.flags(f) & FileCalls.O_ACCMODE : files.flags(f) & FileCalls.KEPT_FLAGS;
            }
            case F_SETFL -> {
                int flags = files.flags(f) & ~SETFL_MASK | (int) arg & SETFL_MASK;
                if (files.flags(f) != flags) files.setFlags(f, flags); // absolute; a restart writes nothing
                return 0;
            }
            case F_GETPIPE_SZ -> {
                return files.type(f) == FT_PIPE ? PIPE_SIZE : -EBADF;
            }
            default -> {
                if (LockCalls.isLockCommand(cmd)) return sys.lockCalls.fcntl(t);
                k.logOnce(FCNTL, "fcntl command " + cmd + " is not supported: EINVAL");
                return -EINVAL;
            }
        }
    }

    void fcntlTail(Task t) {
        int cmd = (int) t.x(11);
        if (t.x(10) < 0) return;
        if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
            install(t, (int) t.x(10), sys.fileOf(t, t.origA0()), cmd == F_DUPFD_CLOEXEC);
        } else if (cmd == F_SETFD) {
            k.procs.setCloexec(t.index, (int) t.origA0(), (t.x(12) & FD_CLOEXEC) != 0);
        } else if (LockCalls.isLockCommand(cmd)) {
            sys.lockCalls.fcntlTail(t);
        }
    }
}
