package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.proc.Task;

/**
 * The character devices: device nodes in /dev on the root file system, made at boot where they are missing (what a
 * Linux devtmpfs gives, kept here on the one file system: {@link #populate}), and found by the ordinary path walk —
 * a path is a device because of the inode it lands on (S_IFCHR and its number), never because of its spelling, so
 * {@code chdir("/dev"); open("null")}, {@code openat(devfd, "zero")}, {@code /dev/../dev/null} and a symbolic link
 * to a node all work, and stat, lstat, access and getdents64 (DT_CHR) see the nodes as any inode.
 *
 * <p>Opening a node ({@link #open}): 1:3 null, 1:5 zero, 1:7 full, 1:8 random, 1:9 urandom (Linux's mem driver)
 * give open files of type FT_DEV (F_INO the node's inode, F_TTY the minor); 5:0 tty and 5:1 console are the
 * caller's terminal (FT_TTY); any other number has no driver here: ENXIO, as Linux. The memory devices keep
 * nothing: a read of null is end of file, of zero and full zeros, of random and urandom the kernel's generator
 * (the one getrandom and AT_RANDOM use, seeded from the configured seed: rule 5) — sysword := the generator's state
 * after the bytes, the tail stores it, as getrandom's; a write goes nowhere (full: ENOSPC); lseek gives 0.
 */
public final class Devices {
    private Devices() { }

    static final int MEM_MAJOR = 1;
    static final int NULL = 3, ZERO = 5, FULL = 7, RANDOM = 8, URANDOM = 9;
    /** Linux's TTYAUX major: /dev/tty (minor 0) and /dev/console (minor 1). */
    static final int TTYAUX_MAJOR = 5;

    /** A node boot makes in /dev: its name, number and permission bits (as a Linux devtmpfs has them). */
    record Node(String name, int major, int minor, int perm) { }

    static final List<Node> NODES = List.of(
            new Node("null", MEM_MAJOR, NULL, 0666), new Node("zero", MEM_MAJOR, ZERO, 0666),
            new Node("full", MEM_MAJOR, FULL, 0666), new Node("random", MEM_MAJOR, RANDOM, 0666),
            new Node("urandom", MEM_MAJOR, URANDOM, 0666), new Node("tty", TTYAUX_MAJOR, 0, 0666),
            new Node("console", TTYAUX_MAJOR, 1, 0600));

    /**
     * At boot, before any process runs: /dev made if the root has no such name, and each node of {@link #NODES} it
     * lacks made in it (a name already there, of any kind, is left alone). What was done, for the log, or null.
     */
    public static String populate(Ext2 fs) {
        int dev = fs.resolve(Ext2.ROOT_INO, "dev", false);
        if (dev == -ENOENT) dev = fs.mkdir("/dev", 0755);
        if (dev < 0) return "boot: cannot make /dev (errno " + -dev + "): no device nodes";
        Stat st = fs.stat(dev);
        if (st == null || !st.isDir()) return "boot: /dev is not a directory: no device nodes";
        int made = 0;
        for (Node n : NODES) {
            if (fs.resolve(dev, n.name(), false) != -ENOENT) continue;
            int r = fs.mknodAt(dev, n.name(), Stat.S_IFCHR | n.perm(), n.major(), n.minor());
            if (r < 0) return "boot: cannot make /dev/" + n.name() + " (errno " + -r + ")";
            made++;
        }
        return made == 0 ? null : "boot: " + made + " device node(s) made in /dev";
    }

    /** Whether minor is one of the memory devices (major 1) this kernel serves. */
    public static boolean valid(int minor) {
        return minor == NULL || minor == ZERO || minor == FULL || minor == RANDOM || minor == URANDOM;
    }

    /**
     * openat's part for a character device node ino (st its attributes): a description prepared for it (FT_DEV, or
     * FT_TTY for the caller's terminal), not yet referenced; its index, or -ENXIO (no driver) / -ENFILE.
     */
    static int open(Kernel k, Task t, int ino, Stat st, int flags) {
        int file;
        if (st.rdevMajor() == TTYAUX_MAJOR && (st.rdevMinor() == 0 || st.rdevMinor() == 1)) {
            file = k.files.prepare(FT_TTY, flags & (FileCalls.O_ACCMODE | FileCalls.O_NONBLOCK), 0, t.tty());
        } else if (st.rdevMajor() == MEM_MAJOR && valid(st.rdevMinor())) {
            file = k.files.prepare(FT_DEV, flags & FileCalls.KEPT_FLAGS, ino, st.rdevMinor());
        } else {
            return -ENXIO;
        }
        return file < 0 ? -ENFILE : file;
    }

    /** read(2) of n bytes from device minor into tmp. */
    static int read(Kernel k, Task t, int minor, byte[] tmp, int n) {
        switch (minor) {
            case NULL:
                return 0;
            case RANDOM:
            case URANDOM:
                byte[] b = new byte[n];
                t.setSysword(Syscalls.randomBytes(k.ram.read64(k.header + KH_RANDOM), b));
                System.arraycopy(b, 0, tmp, 0, n);
                return n;
            default:
                java.util.Arrays.fill(tmp, 0, n, (byte) 0);
                return n;
        }
    }

    /** read's tail: the generator's state after the bytes a random device gave. */
    static void readTail(Kernel k, Task t, int minor) {
        if ((minor == RANDOM || minor == URANDOM) && t.x(10) > 0 && k.ram.read64(k.header + KH_RANDOM) != t.sysword()) {
            k.mem.w64(k.header + KH_RANDOM, t.sysword());
        }
    }

    static int write(int minor, int n) { return minor == FULL ? -ENOSPC : n; }
}
