package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.nio.charset.StandardCharsets;

import otherworld.emulator.Console;
import otherworld.kernel.Kernel;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Task;
import otherworld.kernel.tty.Tty;
import otherworld.kernel.verified.Sv39;

/**
 * System calls: the Linux RISC-V ABI (number in a7, arguments in a0..a5, result or −errno in a0).
 *
 * <p>Every call runs between {@code begin} and {@code commit} of the undo log: until the commit, the trap frame
 * still has pc at the ecall, and every kernel write can be undone, so a crash anywhere inside makes the call
 * "not yet made" (the crash kernel restarts it) — except bytes already sent to a console, which cannot be taken
 * back: for those the in-flight record keeps the console's bytes_out at the start, and the crash kernel finishes
 * the write instead (it is then "completed with its result").
 */
public final class Syscalls {
    /** Longest transfer one read or write makes (a short count, as Linux may give). */
    public static final int MAX_IO = 64 * 1024;
    /** More than any one call can dirty: a MAX_IO write touches at most ~25 blocks (Ext2.maxBlocksTouchedByWrite). */
    static final int CLEAN_SLOTS_PER_CALL = 48;

    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int AT_REMOVEDIR = 0x200;
    static final int O_ACCMODE = 3;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_DIRECTORY = 0x10000;
    static final int TCGETS = 0x5401;
    static final int TCSETS = 0x5402;
    static final int TCSETSW = 0x5403;
    static final int TCSETSF = 0x5404;
    static final int TIOCGWINSZ = 0x5413;

    private final Kernel k;
    private final FileTable files;
    private final Ext2 fs;

    public Syscalls(Kernel k) {
        this.k = k;
        this.files = k.files;
        this.fs = k.fs;
    }

    /** Handle the ecall of task t, whose registers are in its trap frame. */
    public void handle(Task t) {
        int nr = (int) t.x(17);
        long a0 = t.x(10), a1 = t.x(11), a2 = t.x(12), a3 = t.x(13);
        k.hooks.syscallStarted(nr);
        // Device input is moved to the tty ring outside the undo scope, so a rollback never loses a byte.
        int f = nr == READ || nr == WRITE ? fileOf(t, a0) : -1;
        boolean tty = f >= 0 && files.type(f) == FT_TTY;
        if (tty && nr == READ) Tty.receive(k.direct, k.ttyRecord(files.tty(f)), console(files.tty(f)));
        if (k.otherworld) {
            // Default mode only. The in-flight record describes the call to a crash kernel (written outside the
            // undo scope), and a call must never have to evict a block it dirtied — that disk write could not be
            // undone — so enough clean slots for the largest call are made before it begins.
            k.direct.w32(t.pa + T_INFLIGHT_NR, nr);
            k.direct.w64(t.pa + T_INFLIGHT_MARK, tty && nr == WRITE ? console(files.tty(f)).bytesOut() : -1);
            boolean dirties = nr == WRITE || nr == OPENAT || nr == UNLINKAT;
            if (dirties && k.cache.cleanSlots() < CLEAN_SLOTS_PER_CALL) k.cache.writeBack();
        }
        k.hooks.point("syscall.entry");
        k.mem.begin(t.index);
        long ret = dispatch(t, nr, a0, a1, a2, a3);
        k.hooks.point("syscall.before-commit");
        if (t.state() == TASK_RUNNABLE) {
            t.setX(10, ret);
            t.setPc(t.pc() + 4);
        }
        k.mem.commit();
        k.frames.callEnded();
        if (k.otherworld) k.direct.w32(t.pa + T_INFLIGHT_NR, -1);
        k.hooks.point("syscall.after-commit");
    }

    private Console console(int tty) {
        return k.machine.console(Tty.console(k.direct, k.ttyRecord(tty)));
    }

    /** The open-file index behind fd, or -1. */
    int fileOf(Task t, long fd) {
        if (fd < 0 || fd >= NOFILE) return -1;
        int f = t.fd((int) fd);
        return f >= 0 && f < MAX_FILES && files.refs(f) > 0 ? f : -1;
    }

    long dispatch(Task t, int nr, long a0, long a1, long a2, long a3) {
        return switch (nr) {
            case READ -> read(t, a0, a1, a2);
            case WRITE -> write(t, a0, a1, a2);
            case OPENAT -> openat(t, (int) a0, a1, (int) a2, (int) a3);
            case CLOSE -> close(t, a0);
            case LSEEK -> lseek(t, a0, a1, (int) a2);
            case FSYNC -> fileOf(t, a0) < 0 ? -EBADF : sync();
            case UNLINKAT -> unlinkat(t, (int) a0, a1, (int) a2);
            case NEWFSTATAT -> fstatat(t, (int) a0, a1, a2, (int) a3);
            case FSTAT -> fstatat(t, (int) a0, 0, a1, AT_EMPTY_PATH);
            case IOCTL -> ioctl(t, a0, (int) a1, a2);
            case READLINKAT -> readlinkat(t, a1, a2, a3);
            case GETRANDOM -> (a2 & ~7L) != 0 ? -EINVAL : getrandom(t, a0, a1);
            case PRLIMIT64 -> prlimit(t, a0, a1, a3);
            case SET_TID_ADDRESS -> {
                t.mem.w64(t.pa + T_TID_ADDR, a0);
                yield t.pid();
            }
            case SET_ROBUST_LIST -> {
                if (a1 != 24) yield -EINVAL;
                t.mem.w64(t.pa + T_ROBUST, a0);
                yield 0;
            }
            case GETPID, GETTID -> t.pid();
            case GETPPID, GETUID, GETEUID, GETGID, GETEGID -> 0;
            case BRK -> brk(t, a0);
            case MPROTECT -> mprotect(t, a0, a1, (int) a2);
            case EXIT, EXIT_GROUP -> {
                exit(t, ((int) a0 & 0xFF) << 8);
                yield 0;
            }
            default -> {
                k.log("pid " + t.pid() + ": " + Sysno.name(nr) + " not implemented: ENOSYS");
                yield -ENOSYS;
            }
        };
    }

    private long sync() {
        k.cache.writeBack();
        return 0;
    }

    long read(Task t, long fd, long buf, long count) {
        int f = fileOf(t, fd);
        if (f < 0 || (files.flags(f) & O_ACCMODE) == O_WRONLY) return -EBADF;
        if (count < 0) return -EINVAL;
        int n = (int) Math.min(count, MAX_IO);
        byte[] tmp = new byte[n];
        int got;
        if (files.type(f) == FT_TTY) {
            got = Tty.read(k.mem, k.ttyRecord(files.tty(f)), tmp, n);
        } else {
            long off = files.offset(f);
            got = fs.read(files.ino(f), off, tmp, 0, n);
            if (got < 0) return got;
            files.setOffset(f, off + got);
        }
        k.hooks.point("read.before-copyout");
        if (!k.user.copyOut(t.rootPa(), buf, tmp, 0, got)) return -EFAULT;
        return got;
    }

    long write(Task t, long fd, long buf, long count) {
        int f = fileOf(t, fd);
        if (f < 0 || (files.flags(f) & O_ACCMODE) == 0 && files.type(f) == FT_REG) return -EBADF;
        if (count < 0) return -EINVAL;
        int n = (int) Math.min(count, MAX_IO);
        byte[] tmp = new byte[n];
        if (!k.user.copyIn(t.rootPa(), buf, tmp, 0, n)) return -EFAULT;
        if (files.type(f) == FT_TTY) {
            Console dev = console(files.tty(f));
            for (int i = 0; i < n; i++) {
                dev.put(tmp[i]);
                if (i == n / 2) k.hooks.point("write.tty-partial");
            }
            return n;
        }
        int ino = files.ino(f);
        long off = files.offset(f);
        if ((files.flags(f) & O_APPEND) != 0) {
            Stat st = fs.stat(ino);
            if (st == null) return -EIO;
            off = st.size();
        }
        k.hooks.point("write.before-fs");
        int w = fs.write(ino, off, tmp, 0, n);
        if (w < 0) return w;
        k.hooks.point("write.after-fs");
        files.setOffset(f, off + w);
        return w;
    }

    long openat(Task t, int dirfd, long pathPtr, int flags, int mode) {
        String path = k.user.string(t.rootPa(), pathPtr, 4096);
        if (path == null) return -EFAULT;
        if (path.isEmpty()) return -ENOENT;
        if (!path.startsWith("/") && dirfd != AT_FDCWD) return -EBADF;
        int fd = -1;
        for (int i = 0; i < NOFILE && fd < 0; i++) if (t.fd(i) < 0) fd = i;
        if (fd < 0) return -EMFILE;
        int file;
        if (path.equals("/dev/tty") || path.equals("/dev/console")) {
            file = files.alloc(FT_TTY, flags & O_ACCMODE, 0, t.tty());
        } else {
            int ino = fs.lookup(path);
            if (ino == -ENOENT && (flags & O_CREAT) != 0) {
                ino = fs.create(path, mode & 07777);
                k.hooks.point("openat.after-create");
            } else if (ino > 0 && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
                return -EEXIST;
            }
            if (ino < 0) return ino;
            Stat st = fs.stat(ino);
            if (st == null) return -EIO;
            if (st.isDir() && (flags & O_ACCMODE) != 0) return -EISDIR;
            if (!st.isDir() && (flags & O_DIRECTORY) != 0) return -ENOTDIR;
            if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != 0 && st.isRegular()) {
                int r = fs.truncate(ino, 0);
                if (r < 0) return r;
            }
            file = files.alloc(FT_REG, flags & (O_ACCMODE | O_APPEND), ino, 0);
        }
        if (file < 0) return -ENFILE;
        t.setFd(fd, file);
        return fd;
    }

    long close(Task t, long fd) {
        int f = fileOf(t, fd);
        if (f < 0) return -EBADF;
        t.setFd((int) fd, -1);
        release(f);
        return 0;
    }

    /** Drop a reference; the last close of a regular file writes the cache back. */
    private void release(int f) {
        boolean reg = files.type(f) == FT_REG;
        if (files.unref(f) == 0 && reg) {
            k.hooks.point("close.before-writeback");
            k.cache.writeBack();
        }
    }

    long lseek(Task t, long fd, long off, int whence) {
        int f = fileOf(t, fd);
        if (f < 0) return -EBADF;
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
            default -> {
                return -EINVAL;
            }
        }
        long pos = base + off;
        if (pos < 0) return -EINVAL;
        files.setOffset(f, pos);
        return pos;
    }

    long unlinkat(Task t, int dirfd, long pathPtr, int flags) {
        String path = k.user.string(t.rootPa(), pathPtr, 4096);
        if (path == null) return -EFAULT;
        if (!path.startsWith("/") && dirfd != AT_FDCWD) return -EBADF;
        return (flags & AT_REMOVEDIR) != 0 ? fs.rmdir(path) : fs.unlink(path);
    }

    long fstatat(Task t, int dirfd, long pathPtr, long statbuf, int flags) {
        String path = pathPtr == 0 ? "" : k.user.string(t.rootPa(), pathPtr, 4096);
        if (path == null) return -EFAULT;
        byte[] st = new byte[128];
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) return -ENOENT;
            int f = fileOf(t, dirfd);
            if (f < 0) return -EBADF;
            if (files.type(f) == FT_TTY) {
                fillTtyStat(st, files.tty(f));
            } else {
                Stat s = fs.stat(files.ino(f));
                if (s == null) return -EIO;
                fillStat(st, s);
            }
        } else {
            if (!path.startsWith("/") && dirfd != AT_FDCWD) return -EBADF;
            int ino = fs.lookup(path);
            if (ino < 0) return ino;
            Stat s = fs.stat(ino);
            if (s == null) return -EIO;
            fillStat(st, s);
        }
        return k.user.copyOut(t.rootPa(), statbuf, st, 0, st.length) ? 0 : -EFAULT;
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
        put(b, 48, s.size(), 8);
        put(b, 56, 4096, 4);          // st_blksize
        put(b, 64, s.blocks(), 8);
        put(b, 72, s.atime(), 8);
        put(b, 88, s.mtime(), 8);
        put(b, 104, s.ctime(), 8);
    }

    static void fillTtyStat(byte[] b, int tty) {
        put(b, 0, 0x16, 8);
        put(b, 8, 3 + tty, 8);
        put(b, 16, 0x2000 | 0620, 4);  // S_IFCHR
        put(b, 20, 1, 4);
        put(b, 32, (4L << 8) | (64 + tty), 8); // ttyS<n>: major 4, minor 64+n
        put(b, 56, 1024, 4);
    }

    long ioctl(Task t, long fd, int req, long arg) {
        int f = fileOf(t, fd);
        if (f < 0) return -EBADF;
        if (files.type(f) != FT_TTY) return -ENOTTY;
        switch (req) {
            case TCGETS -> {
                byte[] tio = new byte[36];
                put(tio, 0, 0x500, 4);      // c_iflag: ICRNL | IXON
                put(tio, 4, 0x5, 4);        // c_oflag: OPOST | ONLCR
                put(tio, 8, 0xBF, 4);       // c_cflag: B38400 | CS8 | CREAD
                put(tio, 12, 0x8A3B, 4);    // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
                byte[] cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
                System.arraycopy(cc, 0, tio, 17, cc.length);
                return k.user.copyOut(t.rootPa(), arg, tio, 0, tio.length) ? 0 : -EFAULT;
            }
            case TCSETS, TCSETSW, TCSETSF -> {
                return 0;
            }
            case TIOCGWINSZ -> {
                byte[] ws = new byte[8];
                put(ws, 0, 24, 2);
                put(ws, 2, 80, 2);
                return k.user.copyOut(t.rootPa(), arg, ws, 0, ws.length) ? 0 : -EFAULT;
            }
            default -> {
                return -ENOTTY;
            }
        }
    }

    long readlinkat(Task t, long pathPtr, long buf, long size) {
        String path = k.user.string(t.rootPa(), pathPtr, 4096);
        if (path == null) return -EFAULT;
        if (size <= 0) return -EINVAL;
        if (!path.equals("/proc/self/exe")) return fs.lookup(path) > 0 ? -EINVAL : -ENOENT;
        byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(name.length, size);
        return k.user.copyOut(t.rootPa(), buf, name, 0, n) ? n : -EFAULT;
    }

    /**
     * Fill b from splitmix64 at state s and return the new state. getrandom and AT_RANDOM are deterministic
     * (rule 5): seeded at boot, the state kept in the kernel header.
     */
    public static long randomBytes(long s, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = (s ^ (s >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            b[i] = (byte) (z ^ (z >>> 31));
        }
        return s;
    }

    long getrandom(Task t, long buf, long len) {
        if (len < 0) return -EINVAL;
        int n = (int) Math.min(len, 256);
        byte[] b = new byte[n];
        long s = randomBytes(k.ram.read64(k.header + KH_RANDOM), b);
        if (!k.user.copyOut(t.rootPa(), buf, b, 0, n)) return -EFAULT;
        k.mem.w64(k.header + KH_RANDOM, s);
        return n;
    }

    long prlimit(Task t, long pid, long resource, long oldPtr) {
        if (pid != 0 && pid != t.pid()) return -ESRCH;
        if (resource < 0 || resource > 15) return -EINVAL;
        if (oldPtr != 0) {
            byte[] b = new byte[16];
            long cur = -1, max = -1;
            if (resource == 3) cur = 8L << 20;             // RLIMIT_STACK
            if (resource == 7) cur = max = NOFILE;          // RLIMIT_NOFILE
            put(b, 0, cur, 8);
            put(b, 8, max, 8);
            if (!k.user.copyOut(t.rootPa(), oldPtr, b, 0, 16)) return -EFAULT;
        }
        return 0;
    }

    long brk(Task t, long addr) {
        long cur = t.brk();
        long base = t.brkBase();
        if (addr < base || addr > Exec.STACK_TOP - Exec.STACK_SIZE - (1L << 20)) return cur;
        long oldEnd = Sv39.pageBase(cur + Sv39.PAGE_SIZE - 1);
        long newEnd = Sv39.pageBase(addr + Sv39.PAGE_SIZE - 1);
        PageTable pt = k.pageTable(t);
        for (long p = oldEnd; p < newEnd; p += Sv39.PAGE_SIZE) {
            long pa = k.frames.alloc();
            if (pa < 0 || !pt.map(p, pa, Sv39.PTE_R | Sv39.PTE_W)) {
                if (pa >= 0) k.frames.free(pa);
                for (long q = oldEnd; q < p; q += Sv39.PAGE_SIZE) k.frames.free(pt.unmap(q));
                return cur;
            }
            k.mem.zeroFresh(pa, (int) Sv39.PAGE_SIZE);
        }
        for (long p = newEnd; p < oldEnd; p += Sv39.PAGE_SIZE) {
            long pa = pt.unmap(p);
            if (pa >= 0) k.frames.free(pa);
        }
        if (newEnd < oldEnd) k.machine.hart.flushTlb();
        t.setBrk(addr);
        int heap = t.nvma() - 1;
        t.setVma(heap, base, Math.max(base, newEnd), Sv39.PTE_R | Sv39.PTE_W);
        return addr;
    }

    long mprotect(Task t, long addr, long len, int prot) {
        if ((addr & (Sv39.PAGE_SIZE - 1)) != 0 || len < 0) return -EINVAL;
        if (len == 0) return 0;
        if (!Sv39.isUserRange(addr, len)) return -ENOMEM;
        long end = Sv39.pageBase(addr + len + Sv39.PAGE_SIZE - 1);
        PageTable pt = k.pageTable(t);
        for (long p = addr; p < end; p += Sv39.PAGE_SIZE) if (!Sv39.isValid(pt.lookup(p))) return -ENOMEM;
        int rwx = 0;
        if ((prot & 1) != 0) rwx |= Sv39.PTE_R;
        if ((prot & 2) != 0) rwx |= Sv39.PTE_W | Sv39.PTE_R;
        if ((prot & 4) != 0) rwx |= Sv39.PTE_X;
        for (long p = addr; p < end; p += Sv39.PAGE_SIZE) pt.protect(p, rwx);
        k.machine.hart.flushTlb();
        return 0;
    }

    /** The process ends: its files are closed, its memory freed; it stays a zombie with its wait status. */
    public void exit(Task t, int waitStatus) {
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = fileOf(t, fd);
            if (f >= 0) {
                t.setFd(fd, -1);
                release(f);
            }
        }
        k.pageTable(t).destroy();
        k.machine.hart.flushTlb();
        t.mem.w32(t.pa + T_EXIT, waitStatus);
        t.setState(TASK_ZOMBIE);
        k.log("pid " + t.pid() + " (" + t.name() + ") exited, status " + (waitStatus >> 8)
                + ((waitStatus & 0x7F) != 0 ? ", signal " + (waitStatus & 0x7F) : ""));
    }
}
