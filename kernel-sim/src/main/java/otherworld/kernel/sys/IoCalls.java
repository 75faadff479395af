package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2Repair;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;

/**
 * Data transfer beyond read and write: pread64/pwrite64, readv/writev, preadv/pwritev, sendfile, copy_file_range,
 * truncate/ftruncate, and the syncs (fsync, fdatasync, sync, syncfs). Each to the in-flight rule of {@link Syscalls}:
 * the vectored calls are read and write with their bytes gathered or scattered (same sysword, same tails); the
 * positioned ones move no offset (tail: the size only); a copy between files moves two positions, both kept in the
 * sysword (each below 4 GiB, else EOVERFLOW); truncate is absolute and made before the commit (a restart truncates
 * to the same length; a repair trims what an interrupted truncate left past the size).
 */
final class IoCalls extends PathCalls {
    /** Most iovecs a vectored call takes (Linux's UIO_MAXIOV). */
    static final int IOV_MAX = 1024;

    private FileCalls rw;

    IoCalls(Kernel k, Syscalls sys, Paths paths) { super(k, sys, paths); }

    void register(Syscalls s) {
        rw = new FileCalls(k, sys, paths);
        s.define(PREAD64, this::pread);
        s.define(PWRITE64, this::pwrite, this::pwriteTail, this::positionedRepair);
        s.define(READV, this::readv, rw::readTail);
        s.define(WRITEV, this::writev, rw::writeTail, rw::writeRepair);
        s.define(PREADV, this::preadv);
        s.define(PWRITEV, this::pwritev, this::pwriteTail, this::positionedRepair);
        s.define(SENDFILE, t -> copy(t, (int) t.x(11), t.x(12), (int) t.x(10), 0, t.x(13)), this::copyTail, this::copyRepair);
        s.define(COPY_FILE_RANGE, t -> t.x(15) != 0 ? -EINVAL : copy(t, (int) t.x(10), t.x(11), (int) t.x(12), t.x(13), t.x(14)),
                this::copyTail, this::copyRepair);
        s.define(TRUNCATE, this::truncate, null, this::truncateRepair);
        s.define(FTRUNCATE, this::ftruncate, null, this::truncateRepair);
        s.define(FSYNC, t -> sys.fileOf(t, t.x(10)) < 0 ? -EBADF : sync());
        s.define(FDATASYNC, t -> sys.fileOf(t, t.x(10)) < 0 ? -EBADF : sync());
        s.define(SYNCFS, t -> sys.fileOf(t, t.x(10)) < 0 ? -EBADF : sync());
        s.define(SYNC, t -> sync());
        s.define(FALLOCATE, t -> sys.fileOf(t, t.x(10)) < 0 ? -EBADF : -EOPNOTSUPP);
    }

    /** Every dirty block written back and the device flushed: made before the commit (a write-back is idempotent). */
    private long sync() {
        fs.sync();
        return 0;
    }

    private int regular(Task t, long fd, boolean write) {
        int f = sys.fileOf(t, fd);
        if (f < 0) return -EBADF;
        int acc = files.flags(f) & FileCalls.O_ACCMODE;
        if (write ? acc == 0 : acc == FileCalls.O_WRONLY) return -EBADF;
        if (files.type(f) != FT_REG) return -ESPIPE;
        return f;
    }

    /** pread64(fd, buf, count, offset): data at offset copied to buf; the offset does not move. */
    long pread(Task t) {
        int f = regular(t, t.x(10), false);
        if (f < 0) return f;
        long off = t.x(13);
        if (off < 0 || t.x(12) < 0) return -EINVAL;
        byte[] tmp = new byte[(int) Math.min(t.x(12), Syscalls.MAX_IO)];
        int got = fs.read(files.ino(f), off, tmp, 0, tmp.length);
        if (got < 0) return got;
        return k.user.copyOut(t.rootPa(), t.x(11), tmp, 0, got) ? got : -EFAULT;
    }

    /**
     * pwrite64(fd, buf, count, offset). Before the commit: blocks and bytes at offset (past the size invisible, as a
     * write). Tail: size := max(size, offset + a0), mtime. The offset does not move.
     */
    long pwrite(Task t) {
        int f = regular(t, t.x(10), true);
        if (f < 0) return f;
        long off = t.x(13);
        if (off < 0 || t.x(12) < 0) return -EINVAL;
        byte[] tmp = new byte[(int) Math.min(t.x(12), Syscalls.MAX_IO)];
        if (!k.user.copyIn(t.rootPa(), t.x(11), tmp, 0, tmp.length)) return -EFAULT;
        return fs.writeData(files.ino(f), off, tmp, 0, tmp.length);
    }

    void pwriteTail(Task t) {
        int f = sys.fileOf(t, t.origA0());
        if (t.x(10) > 0 && f >= 0) fs.finishWrite(files.ino(f), t.x(13) + t.x(10));
    }

    void positionedRepair(Task t, Ext2Repair r, boolean committed) {
        int f = sys.fileOf(t, t.origA0());
        if (f < 0 || files.type(f) != FT_REG) return;
        if (committed && t.x(10) > 0) fs.finishWrite(files.ino(f), t.x(13) + t.x(10));
        r.reconcile(files.ino(f));
    }

    /** The iovecs at iov (cnt of them): {base, len} pairs, or null for a bad pointer or count (the errno in err[0]). */
    private long[] iovecs(Task t, long iov, long cnt, int[] err) {
        if (cnt < 0 || cnt > IOV_MAX) {
            err[0] = -EINVAL;
            return null;
        }
        byte[] b = new byte[(int) cnt * 16];
        if (!k.user.copyIn(t.rootPa(), iov, b, 0, b.length)) {
            err[0] = -EFAULT;
            return null;
        }
        long[] v = new long[(int) cnt * 2];
        long total = 0;
        for (int i = 0; i < v.length; i++) {
            long x = 0;
            for (int j = 7; j >= 0; j--) x = x << 8 | (b[i * 8 + j] & 0xFF);
            v[i] = x;
            if (i % 2 == 1) {
                if (x < 0 || (total += x) < 0) {
                    err[0] = -EINVAL;
                    return null;
                }
            }
        }
        return v;
    }

    private static int total(long[] v) {
        long n = 0;
        for (int i = 1; i < v.length; i += 2) n += v[i];
        return (int) Math.min(n, Syscalls.MAX_IO);
    }

    /** Scatter the first n bytes of tmp over the iovecs; false on a bad pointer. */
    private boolean scatter(Task t, long[] v, byte[] tmp, int n) {
        int done = 0;
        for (int i = 0; i < v.length && done < n; i += 2) {
            int len = (int) Math.min(v[i + 1], n - done);
            if (!k.user.copyOut(t.rootPa(), v[i], tmp, done, len)) return false;
            done += len;
        }
        return true;
    }

    private byte[] gather(Task t, long[] v, int n) {
        byte[] tmp = new byte[n];
        int done = 0;
        for (int i = 0; i < v.length && done < n; i += 2) {
            int len = (int) Math.min(v[i + 1], n - done);
            if (!k.user.copyIn(t.rootPa(), v[i], tmp, done, len)) return null;
            done += len;
        }
        return tmp;
    }

    /** readv(fd, iov, iovcnt): read's part before the commit, scattered; its tail is read's. */
    long readv(Task t) {
        int f = sys.fileOf(t, t.x(10));
        if (f < 0 || (files.flags(f) & FileCalls.O_ACCMODE) == FileCalls.O_WRONLY) return -EBADF;
        int[] err = new int[1];
        long[] v = iovecs(t, t.x(11), t.x(12), err);
        if (v == null) return err[0];
        byte[] tmp = new byte[total(v)];
        long got = rw.readInto(t, f, tmp, tmp.length);
        if (got < 0) return got;
        return scatter(t, v, tmp, (int) got) ? got : -EFAULT;
    }

    /** writev(fd, iov, iovcnt): write with its bytes gathered; its tail and repair are write's. */
    long writev(Task t) {
        int f = sys.fileOf(t, t.x(10));
        if (f < 0 || (files.flags(f) & FileCalls.O_ACCMODE) == 0 && files.type(f) != FT_TTY && files.type(f) != FT_PIPE) return -EBADF;
        int[] err = new int[1];
        long[] v = iovecs(t, t.x(11), t.x(12), err);
        if (v == null) return err[0];
        byte[] tmp = gather(t, v, total(v));
        if (tmp == null) return -EFAULT;
        return rw.writeFrom(t, f, tmp, tmp.length);
    }

    /** preadv(fd, iov, iovcnt, offset): pread scattered. */
    long preadv(Task t) {
        int f = regular(t, t.x(10), false);
        if (f < 0) return f;
        if (t.x(13) < 0) return -EINVAL;
        int[] err = new int[1];
        long[] v = iovecs(t, t.x(11), t.x(12), err);
        if (v == null) return err[0];
        byte[] tmp = new byte[total(v)];
        int got = fs.read(files.ino(f), t.x(13), tmp, 0, tmp.length);
        if (got < 0) return got;
        return scatter(t, v, tmp, got) ? got : -EFAULT;
    }

    /** pwritev(fd, iov, iovcnt, offset): pwrite gathered (same tail). */
    long pwritev(Task t) {
        int f = regular(t, t.x(10), true);
        if (f < 0) return f;
        if (t.x(13) < 0) return -EINVAL;
        int[] err = new int[1];
        long[] v = iovecs(t, t.x(11), t.x(12), err);
        if (v == null) return err[0];
        byte[] tmp = gather(t, v, total(v));
        if (tmp == null) return -EFAULT;
        return fs.writeData(files.ino(f), t.x(13), tmp, 0, tmp.length);
    }

    /**
     * sendfile(out, in, offsetp, count) and copy_file_range(in, offinp, out, offoutp, len, 0): up to 64 KiB from
     * file in (at *offinp, or its offset) to file out (at *offoutp, or its offset or end). Before the commit: the
     * bytes read and written as a write writes them (past the size invisible); sysword := in position | out position
     * << 32. Tail: out's size and offset (or *offoutp) := out position + a0, in's offset (or *offinp) := in position
     * + a0. Out must be a regular file (callers fall back to read and write otherwise, as on Linux when EINVAL).
     */
    long copy(Task t, int in, long inPtr, int out, long outPtr, long count) {
        int fi = regular(t, in, false);
        if (fi < 0) return fi == -ESPIPE ? -EINVAL : fi;
        int fo = sys.fileOf(t, out);
        if (fo < 0 || (files.flags(fo) & FileCalls.O_ACCMODE) == 0) return -EBADF;
        if (files.type(fo) != FT_REG) return -EINVAL;
        if (count < 0) return -EINVAL;
        long inPos = files.offset(fi);
        if (inPtr != 0) {
            byte[] b = new byte[8];
            if (!k.user.copyIn(t.rootPa(), inPtr, b, 0, 8)) return -EFAULT;
            inPos = le(b);
        }
        Stat so = fs.stat(files.ino(fo));
        if (so == null) return -EIO;
        if (so.isDir()) return -EISDIR;
        long outPos = (files.flags(fo) & FileCalls.O_APPEND) != 0 ? so.size() : files.offset(fo);
        if (outPtr != 0) {
            byte[] b = new byte[8];
            if (!k.user.copyIn(t.rootPa(), outPtr, b, 0, 8)) return -EFAULT;
            outPos = le(b);
        }
        if (inPos < 0 || outPos < 0) return -EINVAL;
        if (inPos >= 1L << 32 || outPos >= 1L << 32) return -EOVERFLOW;
        int n = (int) Math.min(count, Syscalls.MAX_IO);
        if (files.ino(fi) == files.ino(fo) && inPos < outPos + n && outPos < inPos + n) return -EINVAL;
        byte[] tmp = new byte[n];
        int got = fs.read(files.ino(fi), inPos, tmp, 0, n);
        if (got <= 0) return got;
        t.setSysword(inPos | outPos << 32);
        return fs.writeData(files.ino(fo), outPos, tmp, 0, got);
    }

    private static long le(byte[] b) {
        long x = 0;
        for (int j = 7; j >= 0; j--) x = x << 8 | (b[j] & 0xFF);
        return x;
    }

    /** Which registers a copy call keeps its fds and pointers in: {in fd, in ptr, out fd, out ptr}. */
    private static long[] copyArgs(Task t) {
        if (t.x(17) == SENDFILE) return new long[] {t.x(11), t.x(12), t.origA0(), 0};
        return new long[] {t.origA0(), t.x(11), t.x(12), t.x(13)};
    }

    void copyTail(Task t) {
        long n = t.x(10);
        if (n <= 0) return;
        long[] a = copyArgs(t);
        int fi = sys.fileOf(t, a[0]), fo = sys.fileOf(t, a[2]);
        long inPos = t.sysword() & 0xFFFF_FFFFL, outPos = t.sysword() >>> 32;
        if (fo >= 0) {
            fs.finishWrite(files.ino(fo), outPos + n);
            if (a[3] != 0) k.user.put64(t.rootPa(), a[3], outPos + n);
            else if (files.offset(fo) != outPos + n) files.setOffset(fo, outPos + n);
        }
        if (a[1] != 0) k.user.put64(t.rootPa(), a[1], inPos + n);
        else if (fi >= 0 && files.offset(fi) != inPos + n) files.setOffset(fi, inPos + n);
    }

    void copyRepair(Task t, Ext2Repair r, boolean committed) {
        int fo = sys.fileOf(t, copyArgs(t)[2]);
        if (fo < 0 || files.type(fo) != FT_REG) return;
        if (committed && t.x(10) > 0) fs.finishWrite(files.ino(fo), (t.sysword() >>> 32) + t.x(10));
        r.reconcile(files.ino(fo));
    }

    /** truncate(path, length): absolute, made before the commit (a restart truncates to the same length). */
    long truncate(Task t) {
        String path = paths.path(t, t.x(10));
        if (path == null) return -EFAULT;
        if (t.x(11) < 0) return -EINVAL;
        int ino = paths.resolve(t, Paths.AT_FDCWD, path, true);
        if (ino < 0) return ino;
        Stat st = fs.stat(ino);
        if (st == null) return -EIO;
        if (st.isDir()) return -EISDIR;
        if (!st.isRegular()) return -EINVAL;
        return fs.truncate(ino, t.x(11));
    }

    /** ftruncate(fd, length): as truncate, on a file open for writing. */
    long ftruncate(Task t) {
        int f = sys.fileOf(t, t.x(10));
        if (f < 0) return -EBADF;
        if (files.type(f) != FT_REG || (files.flags(f) & FileCalls.O_ACCMODE) == 0) return -EINVAL;
        if (t.x(11) < 0) return -EINVAL;
        Stat st = fs.stat(files.ino(f));
        if (st == null) return -EIO;
        if (!st.isRegular()) return -EINVAL;
        return fs.truncate(files.ino(f), t.x(11));
    }

    /** After a crash in (f)truncate: what it left past the new size is trimmed. */
    void truncateRepair(Task t, Ext2Repair r, boolean committed) {
        int ino;
        if (t.x(17) == FTRUNCATE) {
            int f = sys.fileOf(t, t.origA0());
            ino = f >= 0 && files.type(f) == FT_REG ? files.ino(f) : -1;
        } else {
            String path = paths.path(t, t.origA0());
            ino = path == null ? -1 : paths.resolve(t, Paths.AT_FDCWD, path, true);
        }
        if (ino > 0) r.reconcile(ino);
    }
}
