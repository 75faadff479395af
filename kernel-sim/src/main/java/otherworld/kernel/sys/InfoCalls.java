package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.nio.charset.StandardCharsets;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;

/**
 * System and process information: uname, sysinfo, prctl (PR_SET_NAME, PR_GET_NAME and the harmless rest),
 * getpriority/setpriority, and the credentials (getuid family, setuid family, getgroups/setgroups), kept in the
 * task's TINFO record. To the in-flight rule: a priority or a name is one absolute write, made before the commit;
 * a change of credentials is decided before the commit (the permission check depends on the ids it changes) with
 * the three new ids in the sysword, 21 bits each, and written by its tail.
 */
final class InfoCalls {
    static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
            PR_SET_NAME = 15, PR_GET_NAME = 16, PR_CAPBSET_READ = 23, PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30,
            PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
    static final String SYSNAME = "Linux", NODENAME = "otherworld", RELEASE = "6.6.0-otherworld",
            VERSION = "#1 SMP otherworld", MACHINE = "riscv64", DOMAIN = "(none)";
    /** Largest id a credential change takes (21 bits each in the sysword). */
    static final int ID_MAX = (1 << 21) - 2;
    private static final int KEEP = -1;

    private final Kernel k;

    InfoCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(UNAME, this::uname);
        s.define(SYSINFO, this::sysinfo);
        s.define(PRCTL, this::prctl);
        s.define(GETPRIORITY, this::getpriority);
        s.define(SETPRIORITY, this::setpriority);
        s.define(GETUID, t -> k.info.get(t.index, TI_UID));
        s.define(GETEUID, t -> k.info.get(t.index, TI_EUID));
        s.define(GETGID, t -> k.info.get(t.index, TI_GID));
        s.define(GETEGID, t -> k.info.get(t.index, TI_EGID));
        s.define(GETRESUID, t -> getres(t, TI_UID));
        s.define(GETRESGID, t -> getres(t, TI_GID));
        s.define(SETUID, t -> setid(t, TI_UID, (int) t.x(10), KEEP, true), t -> writeIds(t, TI_UID));
        s.define(SETGID, t -> setid(t, TI_GID, (int) t.x(10), KEEP, true), t -> writeIds(t, TI_GID));
        s.define(SETREUID, t -> setid(t, TI_UID, (int) t.x(10), (int) t.x(11), false), t -> writeIds(t, TI_UID));
        s.define(SETREGID, t -> setid(t, TI_GID, (int) t.x(10), (int) t.x(11), false), t -> writeIds(t, TI_GID));
        s.define(SETRESUID, t -> setres(t, TI_UID), t -> writeIds(t, TI_UID));
        s.define(SETRESGID, t -> setres(t, TI_GID), t -> writeIds(t, TI_GID));
        s.define(SETFSUID, t -> k.info.get(t.index, TI_EUID));
        s.define(SETFSGID, t -> k.info.get(t.index, TI_EGID));
        s.define(GETGROUPS, t -> t.x(10) < 0 ? -EINVAL : 0);
        s.define(SETGROUPS, t -> k.info.get(t.index, TI_EUID) == 0 ? 0 : -EPERM);
    }

    private static void putString(byte[] b, int off, String s) {
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, b, off, Math.min(v.length, 64));
    }

    /** uname(buf): struct utsname, six fields of 65 bytes. */
    long uname(Task t) {
        byte[] b = new byte[6 * 65];
        String[] f = {SYSNAME, NODENAME, RELEASE, VERSION, MACHINE, DOMAIN};
        for (int i = 0; i < f.length; i++) putString(b, 65 * i, f[i]);
        return k.user.copyOut(t.rootPa(), t.x(10), b, 0, b.length) ? 0 : -EFAULT;
    }

    /** sysinfo(info): uptime, RAM and free RAM (from the frame allocator), processes; no swap, loads 0. */
    long sysinfo(Task t) {
        byte[] b = new byte[112];
        FileCalls.put(b, 0, k.uptimeNanos() / 1_000_000_000L, 8);
        FileCalls.put(b, 32, k.ram.size(), 8);
        FileCalls.put(b, 40, (k.ram.size() / 4096 - k.frames.usedFrames()) * 4096, 8);
        int procs = 0;
        for (int i = 0; i < MAX_TASKS; i++) if (k.task(i).state() != TASK_FREE) procs++;
        FileCalls.put(b, 80, procs, 2);
        FileCalls.put(b, 104, 1, 4);
        return k.user.copyOut(t.rootPa(), t.x(10), b, 0, b.length) ? 0 : -EFAULT;
    }

    long prctl(Task t) {
        int option = (int) t.x(10);
        long arg = t.x(11);
        switch (option) {
            case PR_SET_NAME -> {
                byte[] name = new byte[16];
                int n = 0;
                for (; n < 15; n++) {
                    byte[] c = new byte[1];
                    if (!k.user.copyIn(t.rootPa(), arg + n, c, 0, 1)) return -EFAULT;
                    if (c[0] == 0) break;
                    name[n] = c[0];
                }
                k.info.setComm(t.index, name);
                return 0;
            }
            case PR_GET_NAME -> {
                byte[] name = k.info.comm(t.index);
                return k.user.copyOut(t.rootPa(), arg, name, 0, 16) ? 0 : -EFAULT;
            }
            case PR_GET_DUMPABLE, PR_CAPBSET_READ -> {
                return 1;
            }
            case PR_SET_DUMPABLE -> {
                return arg == 0 || arg == 1 ? 0 : -EINVAL;
            }
            case PR_SET_PDEATHSIG -> {
                return arg >= 0 && arg <= 64 ? 0 : -EINVAL;
            }
            case PR_GET_PDEATHSIG -> {
                return k.user.copyOut(t.rootPa(), arg, new byte[4], 0, 4) ? 0 : -EFAULT;
            }
            case PR_SET_TIMERSLACK, PR_SET_NO_NEW_PRIVS -> {
                return 0;
            }
            case PR_GET_TIMERSLACK -> {
                return 50_000;
            }
            case PR_GET_NO_NEW_PRIVS -> {
                return 0;
            }
            default -> {
                return -EINVAL;
            }
        }
    }

    /** The task slot getpriority/setpriority(which, who) names: PRIO_PROCESS with 0 or the caller's pid. */
    private int target(Task t, long which, long who) {
        if (which < 0 || which > 2) return -EINVAL;
        if (which != 0) return who == 0 ? t.index : -ESRCH; // groups and users: the caller's only
        if (who == 0 || who == t.pid()) return t.index;
        for (int i = 0; i < MAX_TASKS; i++) {
            if (k.task(i).state() != TASK_FREE && k.task(i).pid() == who) return i;
        }
        return -ESRCH;
    }

    /** getpriority: the kernel's ABI returns 20 - nice (1..40). */
    long getpriority(Task t) {
        int slot = target(t, t.x(10), t.x(11));
        return slot < 0 ? slot : 20 - k.info.get(slot, TI_NICE);
    }

    /** setpriority: nice := prio clamped to -20..19; lowering it needs root. One absolute write. */
    long setpriority(Task t) {
        int slot = target(t, t.x(10), t.x(11));
        if (slot < 0) return slot;
        int nice = (int) Math.max(-20, Math.min(19, t.x(12)));
        if (nice < k.info.get(slot, TI_NICE) && k.info.get(t.index, TI_EUID) != 0) return -EACCES;
        k.info.set(slot, TI_NICE, nice);
        return 0;
    }

    /** getresuid/getresgid(r, e, s): three ints. field is TI_UID or TI_GID (the real, effective, saved follow it). */
    long getres(Task t, int field) {
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[4];
            FileCalls.put(b, 0, k.info.get(t.index, field + 4 * i), 4);
            if (!k.user.copyOut(t.rootPa(), t.x(10 + i), b, 0, 4)) return -EFAULT;
        }
        return 0;
    }

    private long decide(Task t, int field, int r, int e, int s) {
        int cr = k.info.get(t.index, field), ce = k.info.get(t.index, field + 4), cs = k.info.get(t.index, field + 8);
        boolean root = k.info.get(t.index, TI_EUID) == 0;
        int nr = r == KEEP ? cr : r, ne = e == KEEP ? ce : e, ns = s == KEEP ? cs : s;
        for (int v : new int[] {nr, ne, ns}) if (v < 0 || v > ID_MAX) return -EINVAL;
        if (!root) {
            for (int v : new int[] {r, e, s}) if (v != KEEP && v != cr && v != ce && v != cs) return -EPERM;
        }
        t.setSysword(nr | (long) ne << 21 | (long) ns << 42);
        return 0;
    }

    /** setuid/setgid(id) (all three ids for root, the effective one otherwise); setreuid/setregid(r, e). */
    long setid(Task t, int field, int a, int b, boolean single) {
        boolean root = k.info.get(t.index, TI_EUID) == 0;
        if (single) return root ? decide(t, field, a, a, a) : decide(t, field, KEEP, a, KEEP);
        int cr = k.info.get(t.index, field);
        int s = a != KEEP || b != KEEP && b != cr ? (b == KEEP ? k.info.get(t.index, field + 4) : b) : KEEP;
        return decide(t, field, a, b, s);
    }

    long setres(Task t, int field) { return decide(t, field, (int) t.x(10), (int) t.x(11), (int) t.x(12)); }

    /** A credential change's tail: the three ids from the sysword (absolute). */
    void writeIds(Task t, int field) {
        if (t.x(10) != 0) return;
        long w = t.sysword();
        k.info.set(t.index, field, (int) (w & 0x1FFFFF));
        k.info.set(t.index, field + 4, (int) (w >>> 21 & 0x1FFFFF));
        k.info.set(t.index, field + 8, (int) (w >>> 42 & 0x1FFFFF));
    }
}
