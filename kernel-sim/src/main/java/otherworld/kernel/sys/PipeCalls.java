package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.file.Pipe;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Task;

/**
 * Pipes: pipe2, and read and write on a pipe's ends (joined to the file calls by {@link Syscalls#wrap}). Written to
 * the in-flight rule of {@link Syscalls}.
 *
 * <p>Progress in steps: a write of more than PIPE_BUF bytes may not fit; it owns the write side (owner := pid,
 * base := nwrite, before its first byte) and moves its bytes in chunks, each chunk's commit the one write
 * nwrite := nwrite + c, which both shows the bytes to the reader and records the writer's progress (nwrite − base).
 * Blocked between chunks, or crashed, the call is made again from its ecall and resumes where nwrite says. Its
 * commit returns the whole count; its tail gives the write side back.
 */
final class PipeCalls {
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_DIRECT = 0x4000;
    static final int SIGPIPE = 13;

    private final Kernel k;
    private final FileTable files;
    private Syscalls sys;

    PipeCalls(Kernel k) {
        this.k = k;
        this.files = k.files;
    }

    void register(Syscalls s) {
        this.sys = s;
        s.define(PIPE2, this::pipe2, this::pipe2Tail);
        s.wrap(READ, t -> isPipe(t), this::read, this::readTail);
        s.wrap(WRITE, t -> isPipe(t), this::write, this::writeTail);
        s.readiness(FT_PIPE, (kk, f) -> readiness(f));
    }

    /**
     * ppoll/pselect6 on a pipe end (read-only): the read end is readable when bytes wait or no writer is left (then
     * POLLHUP too); the write end writable when PIPE_BUF bytes fit, POLLERR when no reader is left.
     */
    int readiness(int f) {
        Pipe p = pipe(f);
        int[] ends = files.pipeEnds(p.index);
        if ((files.flags(f) & 3) == 0) {
            return (p.waiting() > 0 ? Readiness.POLLIN | Readiness.POLLRDNORM : 0) | (ends[1] == 0 ? Readiness.POLLHUP : 0);
        }
        if (ends[0] == 0) return Readiness.POLLERR;
        return p.room() >= PIPE_BUF ? Readiness.POLLOUT | Readiness.POLLWRNORM : 0;
    }

    private boolean isPipe(Task t) {
        int f = sys.fileOf(t, t.origA0());
        return f >= 0 && files.type(f) == FT_PIPE;
    }

    private Pipe pipe(int f) { return new Pipe(k.mem, k.ram.read64(k.header + KH_PIPES), files.ino(f)); }

    private static long channel(int pipe) { return Channels.of(Channels.PIPE, pipe); }

    /**
     * pipe2(fds, flags). Before the commit: a pipe no open file names, reset; two free descriptions prepared (no
     * reference yet); the two lowest free fds chosen and written to the caller's array; sysword := both descriptions
     * and both fds. Tail: each description installed at its fd, with its close-on-exec flag.
     */
    long pipe2(Task t) {
        long fds = t.x(10);
        int flags = (int) t.x(11);
        if ((flags & ~(O_NONBLOCK | O_CLOEXEC | O_DIRECT)) != 0) return -EINVAL;
        int p = -1;
        for (int i = 0; i < MAX_PIPES && p < 0; i++) {
            int[] ends = files.pipeEnds(i);
            if (ends[0] + ends[1] == 0) p = i;
        }
        if (p < 0) return -ENFILE;
        int fd0 = -1, fd1 = -1;
        for (int i = 0; i < NOFILE && fd1 < 0; i++) {
            if (t.fd(i) >= 0) continue;
            if (fd0 < 0) fd0 = i;
            else fd1 = i;
        }
        if (fd1 < 0) return -EMFILE;
        int nb = flags & O_NONBLOCK;
        int f0 = files.prepare(FT_PIPE, nb, p, 0);
        int f1 = f0 < 0 ? -1 : files.prepare(FT_PIPE, 1 | nb, p, 0, f0);
        if (f1 < 0) return -ENFILE;
        new Pipe(k.mem, k.ram.read64(k.header + KH_PIPES), p).reset();
        byte[] b = {(byte) fd0, 0, 0, 0, (byte) fd1, 0, 0, 0};
        if (!k.user.copyOut(t.rootPa(), fds, b, 0, 8)) return -EFAULT;
        t.setSysword(f0 | (long) f1 << 16 | (long) fd0 << 32 | (long) fd1 << 48);
        return 0;
    }

    void pipe2Tail(Task t) {
        if (t.x(10) != 0) return;
        long w = t.sysword();
        boolean cloexec = (t.x(11) & O_CLOEXEC) != 0;
        int f0 = (int) (w & 0xFFFF), f1 = (int) (w >>> 16 & 0xFFFF), fd0 = (int) (w >>> 32 & 0xFFFF), fd1 = (int) (w >>> 48);
        files.install(f0, t.pa, fd0);
        files.install(f1, t.pa, fd1);
        k.procs.setCloexec(t.index, fd0, cloexec);
        k.procs.setCloexec(t.index, fd1, cloexec);
    }

    /**
     * read on a pipe. Before the commit: the waiting bytes (up to count) copied to buf; sysword := nread. Nothing
     * waiting: 0 (end of file) when no writer is left, EAGAIN when non-blocking, else the call blocks on the pipe.
     * Tail: nread := sysword + a0; writers waiting for room woken.
     */
    long read(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long buf = t.x(11), count = t.x(12);
        if ((files.flags(f) & 3) != 0) return -EBADF;
        if (count < 0) return -EINVAL;
        Pipe p = pipe(f);
        int n = (int) Math.min(count, p.waiting());
        if (n == 0 && count > 0) {
            if (files.pipeEnds(p.index)[1] == 0) return 0;
            if ((files.flags(f) & O_NONBLOCK) != 0) return -EAGAIN;
            return k.block(t, channel(p.index));
        }
        byte[] b = new byte[n];
        p.peek(p.nread(), b, 0, n);
        if (!k.user.copyOut(t.rootPa(), buf, b, 0, n)) return -EFAULT;
        t.setSysword(p.nread());
        return n;
    }

    void readTail(Task t) {
        long got = t.x(10);
        int f = sys.fileOf(t, t.origA0());
        if (got <= 0 || f < 0) return;
        Pipe p = pipe(f);
        p.setNread(t.sysword() + got);
        k.wakeup(channel(p.index));
    }

    /**
     * write on a pipe. No reader left: SIGPIPE and EPIPE (or, for a write that already moved bytes, their count).
     * At most PIPE_BUF bytes: atomic — before the commit the bytes are put past nwrite and sysword := nwrite + 1;
     * no room (or another writer owns the pipe): EAGAIN when non-blocking, else the call blocks. Tail: nwrite :=
     * sysword − 1 + a0, readers woken. More than PIPE_BUF: in chunks, see the class comment; the tail gives the write
     * side back (owner := 0) and wakes the other writers.
     */
    long write(Task t) {
        int f = sys.fileOf(t, t.x(10));
        long buf = t.x(11), count = t.x(12);
        if ((files.flags(f) & 3) == 0) return -EBADF;
        if (count < 0) return -EINVAL;
        int n = (int) Math.min(count, Syscalls.MAX_IO);
        Pipe p = pipe(f);
        boolean nonblock = (files.flags(f) & O_NONBLOCK) != 0;
        int owner = p.owner();
        long done = owner == t.pid() ? p.nwrite() - p.base() : 0;
        if (files.pipeEnds(p.index)[0] == 0) {
            if (done > 0) return done;
            k.signals.post(t.index, SIGPIPE, 0, t.pid(), 0); // SI_USER from itself, as Linux sends it
            return -EPIPE;
        }
        if (owner != 0 && owner != t.pid()) return nonblock ? -EAGAIN : k.block(t, channel(p.index));
        if (n <= PIPE_BUF) {
            if (p.room() < n) return nonblock ? -EAGAIN : k.block(t, channel(p.index));
            byte[] b = new byte[n];
            if (!k.user.copyIn(t.rootPa(), buf, b, 0, n)) return -EFAULT;
            p.put(p.nwrite(), b, 0, n);
            t.setSysword(p.nwrite() + 1);
            k.hooks.point("pipe.write"); // the bytes past nwrite, not yet shown: a crash here makes the write again
            return n;
        }
        if (owner == 0) { // the first chunk: this call owns the write side until its commit
            p.setBase(p.nwrite());
            p.setOwner(t.pid());
        }
        while (done < n) {
            int c = (int) Math.min(p.room(), n - done);
            if (c == 0) {
                if (nonblock) return done > 0 ? done : -EAGAIN;
                return k.block(t, channel(p.index));
            }
            byte[] b = new byte[c];
            if (!k.user.copyIn(t.rootPa(), buf + done, b, 0, c)) return done > 0 ? done : -EFAULT;
            p.put(p.nwrite(), b, 0, c);
            k.hooks.point("pipe.chunk");
            p.setNwrite(p.nwrite() + c); // the chunk's commit: its bytes shown, the write's progress kept
            k.wakeup(channel(p.index));
            done += c;
        }
        return n;
    }

    void writeTail(Task t) {
        long w = t.x(10);
        int f = sys.fileOf(t, t.origA0());
        if (f < 0) return;
        Pipe p = pipe(f);
        if (w > 0 && t.sysword() > 0) p.setNwrite(t.sysword() - 1 + w);
        if (p.owner() == t.pid()) p.setOwner(0);
        k.wakeup(channel(p.index));
    }
}
