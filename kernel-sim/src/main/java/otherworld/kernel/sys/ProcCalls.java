package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;

/**
 * Process calls: exit, exit_group, getpid/gettid/getppid, set_tid_address, set_robust_list, prlimit64, and getrandom (whose
 * generator state is the kernel's). Written to the in-flight rule of {@link Syscalls}.
 */
final class ProcCalls {
    private final Kernel k;

    ProcCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(EXIT, t -> exit(k, s, t, ((int) t.x(10) & 0xFF) << 8));
        s.define(EXIT_GROUP, t -> exit(k, s, t, ((int) t.x(10) & 0xFF) << 8));
        s.define(GETPID, t -> t.pid());
        s.define(GETTID, t -> t.pid());
        s.define(GETPPID, t -> 0);
        s.define(SET_TID_ADDRESS, t -> { // idempotent: a restart writes the same word
            t.mem.w64(t.pa + T_TID_ADDR, t.x(10));
            return t.pid();
        });
        s.define(SET_ROBUST_LIST, t -> {
            if (t.x(11) != 24) return -EINVAL;
            t.mem.w64(t.pa + T_ROBUST, t.x(10));
            return 0;
        });
        s.define(PRLIMIT64, this::prlimit);
        s.define(GETRANDOM, this::getrandom, this::getrandomTail);
    }

    /**
     * The process ends (exit, exit_group, or killed by a signal). Its commit is its state: the wait status, then
     * ZOMBIE. What follows (its fds closed, its memory freed) a crash kernel derives for a zombie anyway: it
     * resurrects no fd and no frame of one. Returns 0 (nothing reads it: the process will not run again).
     */
    static long exit(Kernel k, Syscalls s, Task t, int waitStatus) {
        t.mem.w32(t.pa + T_EXIT, waitStatus);
        t.setState(TASK_ZOMBIE);
        s.exited(t); // its POSIX locks (a crash kernel drops those of a zombie anyway)
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = s.fileOf(t, fd);
            if (f >= 0) {
                t.setFd(fd, -1);
                s.release(f);
            } else if (t.fd(fd) != -1) {
                t.setFd(fd, -1);
            }
        }
        k.pageTable(t).destroy();
        k.machine.hart.flushTlb();
        k.log("pid " + t.pid() + " (" + t.name() + ") exited, status " + (waitStatus >> 8)
                + ((waitStatus & 0x7F) != 0 ? ", signal " + (waitStatus & 0x7F) : ""));
        return 0;
    }

    long prlimit(Task t) {
        long pid = t.x(10), resource = t.x(11), oldPtr = t.x(13);
        if (pid != 0 && pid != t.pid()) return -ESRCH;
        if (resource < 0 || resource > 15) return -EINVAL;
        if (oldPtr != 0) {
            byte[] b = new byte[16];
            long cur = -1, max = -1;
            if (resource == 3) cur = 8L << 20;             // RLIMIT_STACK
            if (resource == 7) cur = max = NOFILE;          // RLIMIT_NOFILE
            FileCalls.put(b, 0, cur, 8);
            FileCalls.put(b, 8, max, 8);
            if (!k.user.copyOut(t.rootPa(), oldPtr, b, 0, 16)) return -EFAULT;
        }
        return 0;
    }

    /**
     * getrandom(buf, len, flags). Before the commit: the bytes from the generator's state copied to buf (a restart
     * copies the same bytes: the state has not moved); sysword := the state after them. Tail: state := sysword.
     */
    long getrandom(Task t) {
        long buf = t.x(10), len = t.x(11);
        if ((t.x(12) & ~7L) != 0 || len < 0) return -EINVAL;
        int n = (int) Math.min(len, 256);
        byte[] b = new byte[n];
        long s = Syscalls.randomBytes(k.ram.read64(k.header + KH_RANDOM), b);
        if (!k.user.copyOut(t.rootPa(), buf, b, 0, n)) return -EFAULT;
        t.setSysword(s);
        return n;
    }

    void getrandomTail(Task t) {
        if (t.x(10) > 0 && k.ram.read64(k.header + KH_RANDOM) != t.sysword()) k.mem.w64(k.header + KH_RANDOM, t.sysword());
    }
}
