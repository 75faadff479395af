package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;

/**
 * The character devices of a small devfs in the path lookup: /dev/null, /dev/zero, /dev/full, /dev/random and
 * /dev/urandom (major 1, minors as Linux's mem driver), open files of type FT_DEV whose F_INO is the minor. They
 * keep nothing: a read of null is end of file, of zero and full zeros, of random and urandom the kernel's generator
 * (the one getrandom and AT_RANDOM use, seeded from the configured seed: rule 5) — sysword := the generator's
 * state after the bytes, the tail stores it, as getrandom's; a write goes nowhere (full: ENOSPC); lseek gives 0.
 * (/dev/tty and /dev/console are the caller's terminal: FileCalls.openat.)
 */
public final class Devices {
    private Devices() { }

    static final int MEM_MAJOR = 1;
    static final int NULL = 3, ZERO = 5, FULL = 7, RANDOM = 8, URANDOM = 9;

    /** The minor of the device path names, or -1. */
    static int minor(String path) {
        return switch (path) {
            case "/dev/null" -> NULL;
            case "/dev/zero" -> ZERO;
            case "/dev/full" -> FULL;
            case "/dev/random" -> RANDOM;
            case "/dev/urandom" -> URANDOM;
            default -> -1;
        };
    }

    public static boolean valid(int minor) {
        return minor == NULL || minor == ZERO || minor == FULL || minor == RANDOM || minor == URANDOM;
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

    /** struct stat of a device: S_IFCHR | 0666, st_rdev = makedev(1, minor). */
    static void fillStat(byte[] b, int minor) {
        FileCalls.put(b, 0, 6, 8);                       // st_dev: devtmpfs
        FileCalls.put(b, 8, minor + 1, 8);                // st_ino
        FileCalls.put(b, 16, 0x2000 | 0666, 4);           // S_IFCHR
        FileCalls.put(b, 20, 1, 4);
        FileCalls.put(b, 32, (long) MEM_MAJOR << 8 | minor, 8);
        FileCalls.put(b, 56, 4096, 4);
    }
}
