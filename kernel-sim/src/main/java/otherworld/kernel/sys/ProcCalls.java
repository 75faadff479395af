package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.mm.AddressSpaces;
import otherworld.kernel.mm.CopyOnWrite;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Procs;
import otherworld.kernel.proc.Task;

/**
 * Process calls: clone (fork, vfork), execve, exit, exit_group, wait4, waitid, the ids, process groups and sessions,
 * set_tid_address, set_robust_list, prlimit64, and getrandom (whose generator state is the kernel's). Written to the
 * in-flight rule of {@link Syscalls}; the comment on each says what it writes before its commit and in its tail.
 */
final class ProcCalls {
    static final int SIGCHLD = 17;
    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_VFORK = 0x4000, CLONE_SETTLS = 0x80000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x01000000;
    static final long CLONE_SUPPORTED = 0xFF | CLONE_VM | CLONE_FS | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
    static final int WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
    static final int P_ALL = 0, P_PID = 1, P_PGID = 2;
    /** Largest executable execve reads (the whole file goes through the kernel's heap while it is loaded). */
    static final int MAX_IMAGE = 64 << 20;

    private final Kernel k;
    private final Procs procs;

    ProcCalls(Kernel k) {
        this.k = k;
        this.procs = k.procs;
    }

    void register(Syscalls s) {
        s.define(EXIT, t -> exit(k, s, t, ((int) t.x(10) & 0xFF) << 8));
        s.define(EXIT_GROUP, t -> exit(k, s, t, ((int) t.x(10) & 0xFF) << 8));
        s.define(GETPID, t -> t.pid());
        s.define(GETTID, t -> t.pid());
        s.define(GETPPID, t -> procs.ppid(t.index));
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
        s.define(CLONE, this::clone, this::cloneTail);
        s.define(CLONE3, t -> -ENOSYS); // glibc falls back to clone
        s.define(EXECVE, this::execve, t -> execTail(k, s, t));
        s.define(WAIT4, this::wait4, this::reapTail);
        s.define(WAITID, this::waitid, this::waitidTail);
        s.define(GETPGID, t -> idOf(t, (int) t.x(10), false));
        s.define(GETSID, t -> idOf(t, (int) t.x(10), true));
        s.define(SETPGID, this::setpgid, this::setpgidTail);
        s.define(SETSID, this::setsid, this::setsidTail);
    }

    // ---- exit ---------------------------------------------------------------------------------------------------

    /**
     * The process ends (exit, exit_group, or killed by a signal). Its commit is its state: the wait status, then
     * ZOMBIE. What follows is its tail ({@link #exitTail}), made again by a resurrected kernel when the zombie was the
     * task that ran last. Returns 0 (nothing reads it: the process will not run again).
     */
    static long exit(Kernel k, Syscalls s, Task t, int waitStatus) {
        k.mm.syncShared(t); // its shared pages' dirty bits, where a crash kernel finds them (a zombie's tables are not read)
        t.mem.w32(t.pa + T_EXIT, waitStatus);
        t.setState(TASK_ZOMBIE);
        exitTail(k, s, t);
        k.log("pid " + t.pid() + " (" + t.name() + ") exited, status " + (waitStatus >> 8)
                + ((waitStatus & 0x7F) != 0 ? ", signal " + (waitStatus & 0x7F) : ""));
        return 0;
    }

    /**
     * After the ZOMBIE commit, each step absolute or guarded so that making it again changes nothing: fds closed
     * (slot cleared, then the reference dropped); the address space freed (or, for a vfork child, given back and
     * its parent woken), satp := 0; children re-parented to pid 1 (or to the host, 0); the parent told (its exit
     * signal, its wait woken) — or, if it ignores SIGCHLD, the zombie is reaped at once.
     */
    static void exitTail(Kernel k, Syscalls s, Task t) {
        Procs procs = k.procs;
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
        long pipes = k.ram.read64(k.header + KH_PIPES);
        for (int p = 0; p < MAX_PIPES; p++) { // a large pipe write it was making gives the write side back
            otherworld.kernel.file.Pipe pipe = new otherworld.kernel.file.Pipe(k.mem, pipes, p);
            if (pipe.owner() == t.pid()) {
                pipe.setOwner(0);
                k.wakeup(Channels.of(Channels.PIPE, p));
            }
        }
        int lender = procs.vmParent(t.index);
        if (lender >= 0) {
            procs.setVmParent(t.index, -1);
            k.wakeup(Channels.of(Channels.VFORK, t.pid()));
            k.mm.vmas(t).clear(); // its copy of the lender's list
        } else if (t.satp() != 0) {
            k.mm.release(t); // shared file pages no one else maps written back, frames and tables freed, VMAs emptied
        } else {
            k.mm.vmas(t).clear();
        }
        if (t.satp() != 0) t.mem.w64(t.pa + T_SATP, 0);
        k.machine.hart.flushTlb();
        k.sleeps.disarm(t);
        int reaper = reaper(k, t.pid());
        for (int i = 0; i < MAX_TASKS; i++) {
            if (i != t.index && procs.state(i) != TASK_FREE && procs.ppid(i) == t.pid()) procs.setPpid(i, reaper);
        }
        int ppid = procs.ppid(t.index);
        int parent = procs.slotOf(ppid);
        if (parent >= 0) {
            int sig = procs.exitSignal(t.index);
            if (sig == SIGCHLD && k.signals.ignoresChildren(parent)) {
                t.setState(TASK_FREE); // nobody will wait for it (SIGCHLD ignored, or SA_NOCLDWAIT)
            } else if (sig > 0 && sig <= NSIG) {
                int status = t.mem.r32(t.pa + T_EXIT);
                s.signals.send(parent, sig, (status & 0x7F) != 0 ? 2 : 1, t.pid(),
                        (status & 0x7F) != 0 ? status & 0x7F : status >> 8 & 0xFF);
            }
            k.wakeup(Channels.of(Channels.CHILD, ppid));
        }
    }

    /** Who adopts the orphans of pid: process 1 while it lives, else the host (0). */
    static int reaper(Kernel k, int pid) {
        int init = k.procs.slotOf(1);
        return pid != 1 && init >= 0 && k.procs.state(init) != TASK_ZOMBIE ? 1 : 0;
    }

    // ---- clone ----------------------------------------------------------------------------------------------

    /**
     * clone(flags, newsp, ptid, ctid, tls): fork (a copy-on-write address space) or, with CLONE_VM|CLONE_VFORK,
     * vfork (the child borrows the parent's address space; the parent waits until it execs or exits). Threads
     * (CLONE_VM without CLONE_VFORK, CLONE_THREAD...) are refused with EINVAL.
     *
     * <p>Before the commit: the child is built in a free slot, still FREE (so invisible: a crash forgets it; the
     * frames and references it took are derived again by the crash kernel); the parent's writable pages are marked
     * copy-on-write (a restart finds them marked and shares them again); the ids the flags ask for are written to
     * user memory; sysword := the child's pid; then the child's state := RUNNABLE — the fork is made from this write
     * on: a crash kernel that finds the parent's clone not committed but a runnable child of it named by its sysword
     * completes the parent's call (a0 := the pid) instead of making it again. Tail (vfork): the parent blocks until
     * the child gives its address space back.
     */
    long clone(Task t) {
        long flags = t.x(10), newsp = t.x(11), ptid = t.x(12), ctid = t.x(13), tls = t.x(14);
        boolean vm = (flags & CLONE_VM) != 0;
        if ((flags & ~CLONE_SUPPORTED) != 0 || vm && (flags & CLONE_VFORK) == 0) {
            k.logOnce(CLONE, String.format("clone flags 0x%x (threads) are not supported: EINVAL", flags));
            return -EINVAL;
        }
        int slot = -1;
        for (int i = 0; i < MAX_TASKS && slot < 0; i++) if (k.task(i).state() == TASK_FREE) slot = i;
        if (slot < 0) return -EAGAIN;
        long satp = t.satp();
        if (!vm) {
            if (!k.mm.presentShared(t)) return -ENOMEM;
            java.util.List<otherworld.kernel.mm.Vma> l = k.mm.vmas(t).list();
            PageTable child = CopyOnWrite.fork(k.mem, k.frames, k.pageTable(t),
                    va -> otherworld.kernel.mm.Vmas.sharedAnon(l, va));
            k.machine.hart.flushTlb();
            if (child == null) return -ENOMEM;
            satp = child.satp();
        }
        int pid = (int) k.ram.read64(k.header + KH_NEXT_PID);
        k.mem.w64(k.header + KH_NEXT_PID, pid + 1L);
        Task c = k.task(slot);
        byte[] rec = new byte[TASK.size()];
        k.mem.read(t.pa, rec, 0, rec.length);
        rec[T_STATE] = rec[T_STATE + 1] = rec[T_STATE + 2] = rec[T_STATE + 3] = 0; // FREE until the fork is made
        k.mem.write(c.pa, rec, 0, rec.length);
        k.mem.w32(c.pa + T_PID, pid);
        k.mem.w64(c.pa + T_SATP, satp);
        k.mem.w64(c.pa + T_WAIT, 0);
        k.mem.w32(c.pa + T_EXIT, 0);
        k.mem.w64(c.pa + T_TID_ADDR, (flags & CLONE_CHILD_CLEARTID) != 0 ? ctid : 0);
        c.setX(10, 0);
        c.setPc(t.epc() + 4);
        k.mem.w64(c.pa + T_CAUSE, -1); // as if preempted just past its ecall
        if (newsp != 0) c.setX(2, newsp);
        if ((flags & CLONE_SETTLS) != 0) c.setX(4, tls);
        procs.create(slot, t.pid(), procs.pgid(t.index), procs.sid(t.index), (int) (flags & 0xFF),
                procs.cloexec(t.index), vm ? t.index : -1);
        k.mm.vmas(c).reset(k.mm.vmas(t).list()); // the same mappings (a vfork child's: a copy of its lender's)
        k.sleeps.disarm(c);
        k.signals.fork(t.index, slot);
        k.fsctx.copy(t.index, slot); // working directory and umask
        k.info.copy(t.index, slot, k.machine.clock()); // ids, nice, name; its own times
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = c.fd(fd);
            if (f >= 0 && f < MAX_FILES && k.files.refs(f) > 0) k.files.ref(f);
        }
        byte[] id = {(byte) pid, (byte) (pid >> 8), (byte) (pid >> 16), (byte) (pid >> 24)};
        if ((flags & CLONE_CHILD_SETTID) != 0) { // the child is not live yet: its copy-on-write page copied here
            if (k.mm.fault(c, ctid, otherworld.kernel.mm.AddressSpaces.STORE) == 0) k.user.copyOut(c.rootPa(), ctid, id, 0, 4);
        }
        if ((flags & CLONE_PARENT_SETTID) != 0) k.user.copyOut(t.rootPa(), ptid, id, 0, 4);
        t.setSysword(pid);
        c.setState(TASK_RUNNABLE); // the fork is made
        k.log("pid " + t.pid() + " " + (vm ? "vforked" : "forked") + " pid " + pid);
        return pid;
    }

    /** vfork: the parent waits while its child (pid a0) still borrows its address space. */
    void cloneTail(Task t) {
        long pid = t.x(10);
        if (pid <= 0 || (t.origA0() & CLONE_VFORK) == 0 || (t.origA0() & CLONE_VM) == 0) return;
        int child = procs.slotOf((int) pid);
        if (child >= 0 && procs.vmParent(child) == t.index && t.state() == TASK_RUNNABLE) {
            k.block(t, Channels.of(Channels.VFORK, (int) pid));
        }
    }

    // ---- execve ---------------------------------------------------------------------------------------------

    /**
     * execve(path, argv, envp). Before the commit: the file read and its image built in a new address space, not yet
     * the process's (a crash forgets it: nothing maps it); the new image recorded in the process record, then
     * exec_state := PENDING; sysword := the random generator's state after AT_RANDOM's bytes. A bad image gives
     * ENOEXEC (out of memory ENOMEM) and the caller carries on. Tail ({@link #execTail}): the record applied.
     */
    long execve(Task t) {
        String path = k.user.string(t.rootPa(), t.x(10), 4096);
        if (path == null) return -EFAULT;
        List<byte[]> argv = new ArrayList<>();
        List<byte[]> envp = new ArrayList<>();
        int size = strings(t, t.x(11), argv);
        if (size < 0) return size;
        int esize = strings(t, t.x(12), envp);
        if (esize < 0) return esize;
        if (size + esize > Exec.ARG_MAX) return -E2BIG;
        byte[] img = readImage(t, path);
        if (img == null) return lastError;
        if (img.length > 2 && img[0] == '#' && img[1] == '!') { // a script: its interpreter runs it
            List<byte[]> interp = shebang(img);
            if (interp.isEmpty()) return -ENOEXEC;
            String ipath = new String(interp.get(0), java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] elf = readImage(t, ipath);
            if (elf == null) return lastError == -EACCES ? -EACCES : -ENOEXEC;
            List<byte[]> args = new ArrayList<>(interp);
            args.add(path.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (argv.size() > 1) args.addAll(argv.subList(1, argv.size()));
            argv = args;
            path = ipath;
            img = elf;
        }
        byte[] random16 = new byte[16];
        long state = Syscalls.randomBytes(k.ram.read64(k.header + KH_RANDOM), random16);
        Exec.Image im;
        try {
            im = Exec.loadBytes(k.mem, k.frames, k.user, img, path, argv, envp, random16);
        } catch (Exec.ExecException e) {
            k.log("pid " + t.pid() + ": execve " + path + ": " + e.getMessage());
            return -e.errno;
        }
        int staged = k.mm.vmas(t).stage(AddressSpaces.imageVmas(im.vmas())); // the list not in force: nothing reads it
        procs.recordExec(t.index, im, staged, absolute(t, path).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        t.setSysword(state);
        procs.setExecState(t.index, Procs.EXEC_PENDING);
        return 0;
    }

    private int lastError;

    /** The bytes of an executable file, or null with lastError set. */
    /** path made absolute from t's working directory, as Linux's /proc/self/exe names an executable. */
    private String absolute(Task t, String path) {
        if (path.startsWith("/")) return path;
        String cwd = DirCalls.pathOf(k.fs, k.fsctx.cwd(t.index));
        if (cwd == null) return path;
        String rel = path.startsWith("./") ? path.substring(2) : path;
        return cwd.equals("/") ? "/" + rel : cwd + "/" + rel;
    }

    private byte[] readImage(Task t, String path) {
        // a relative path from the working directory (the task's FSCTX record), as Linux's execve resolves it
        int ino = path.startsWith("/") ? k.fs.lookup(path) : k.fs.resolve(k.fsctx.cwd(t.index), path, true);
        if (ino < 0) {
            lastError = ino;
            return null;
        }
        Stat st = k.fs.stat(ino);
        lastError = -EACCES;
        if (st == null) {
            lastError = -EIO;
            return null;
        }
        if (!st.isRegular() || (st.mode() & 0111) == 0) return null;
        if (st.size() > MAX_IMAGE) {
            lastError = -ENOMEM;
            return null;
        }
        byte[] b = new byte[(int) st.size()];
        int got = k.fs.read(ino, 0, b, 0, b.length);
        if (got != b.length) {
            lastError = got < 0 ? got : -EIO;
            return null;
        }
        return b;
    }

    /** "#!interp [arg]" of a script's first line: the interpreter and its one optional argument. */
    static List<byte[]> shebang(byte[] img) {
        int end = 2;
        while (end < img.length && end < 256 && img[end] != '\n') end++;
        String line = new String(img, 2, end - 2, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
        List<byte[]> out = new ArrayList<>();
        if (line.isEmpty()) return out;
        int sp = line.indexOf(' ') < 0 ? line.indexOf('\t') : line.indexOf(' ');
        String interp = sp < 0 ? line : line.substring(0, sp);
        out.add(interp.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        if (sp >= 0 && !line.substring(sp).trim().isEmpty()) {
            out.add(line.substring(sp).trim().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** A NULL-terminated array of string pointers into out; the total size, or −errno. */
    private int strings(Task t, long array, List<byte[]> out) {
        if (array == 0) return 0;
        int total = 0;
        for (int i = 0; ; i++) {
            byte[] p = new byte[8];
            if (!k.user.copyIn(t.rootPa(), array + 8L * i, p, 0, 8)) return -EFAULT;
            long ptr = 0;
            for (int b = 7; b >= 0; b--) ptr = ptr << 8 | (p[b] & 0xFF);
            if (ptr == 0) return total;
            String s = k.user.string(t.rootPa(), ptr, Exec.ARG_MAX);
            if (s == null) return -EFAULT;
            out.add(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            total += s.length() + 1 + 8;
            if (total > Exec.ARG_MAX) return -E2BIG;
        }
    }

    /**
     * execve's tail, when its record is PENDING: the new image applied to the task record (absolute), comm := its file
     * name; the fds marked close-on-exec closed (slot cleared, then the reference dropped); handled signals reset; the
     * generator state set from sysword; the old address space freed (if satp still named it) or, for a vfork child,
     * given back and the parent woken; then exec_state := 0. A crash kernel applies the image itself to a task whose
     * execve committed and sets exec_satp to the address space it built, so the tail made again frees nothing.
     */
    static void execTail(Kernel k, Syscalls s, Task t) {
        Procs procs = k.procs;
        int slot = t.index;
        if (procs.execState(slot) != Procs.EXEC_PENDING) return;
        long rec = procs.record(slot);
        long oldSatp = t.satp();
        long newSatp = k.mem.r64(rec + P_EXEC_SATP);
        long random = t.sysword();
        boolean own = procs.vmParent(slot) < 0;
        // the old space's shared file pages: their D bits to their entries while its list is in force
        if (own && oldSatp != newSatp) k.mm.syncShared(t);
        List<otherworld.kernel.mm.Vma> old = k.mm.vmas(t).list();
        Procs.applyExec(k.mem, t.pa, rec);
        String image = t.name(); // as Linux: comm := the new image's file name, up to 15 bytes (absolute write)
        k.info.setComm(slot, image.substring(image.lastIndexOf('/') + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        k.mm.vmas(t).activate(k.mem.r32(rec + P_EXEC_VLIST));
        for (int fd = 0; fd < NOFILE; fd++) {
            if (!procs.cloexec(slot, fd)) continue;
            int f = s.fileOf(t, fd);
            if (f >= 0) {
                t.setFd(fd, -1);
                s.release(f);
            }
        }
        if (procs.cloexec(slot) != 0) k.mem.w64(rec + P_CLOEXEC, 0);
        k.signals.exec(slot);
        if (k.ram.read64(k.header + KH_RANDOM) != random) k.mem.w64(k.header + KH_RANDOM, random);
        if (procs.vmParent(slot) >= 0) {
            procs.setVmParent(slot, -1);
            k.wakeup(Channels.of(Channels.VFORK, t.pid()));
        } else if (oldSatp != newSatp) {
            k.mm.releaseOld(t, old, new PageTable(k.mem, k.frames, (oldSatp & ((1L << 44) - 1)) << 12));
        }
        k.machine.hart.flushTlb();
        procs.setExecState(slot, 0);
    }

    // ---- wait -----------------------------------------------------------------------------------------------

    /** Whether child slot c of parent matches wait4's pid argument. */
    private boolean matches(Task parent, int c, long pid) {
        if (procs.state(c) == TASK_FREE || procs.ppid(c) != parent.pid()) return false;
        if (pid == -1) return true;
        if (pid > 0) return procs.pid(c) == pid;
        if (pid == 0) return procs.pgid(c) == procs.pgid(parent.index);
        return procs.pgid(c) == -pid;
    }

    /** The zombie child wait4 would reap (the lowest pid), -1 if none, -2 if there is no matching child at all. */
    private int findZombie(Task t, long pid) {
        int zombie = -1;
        boolean any = false;
        for (int i = 0; i < MAX_TASKS; i++) {
            if (!matches(t, i, pid)) continue;
            any = true;
            if (procs.state(i) == TASK_ZOMBIE && (zombie < 0 || procs.pid(i) < procs.pid(zombie))) zombie = i;
        }
        return zombie >= 0 ? zombie : any ? -1 : -2;
    }

    /**
     * wait4(pid, wstatus, options, rusage). Before the commit: a zombie child's status copied to wstatus and rusage
     * zeroed (the caller's buffers); no such child: ECHILD; none dead yet: 0 with WNOHANG, else the call blocks on the
     * parent's CHILD channel (made again when a child exits). Tail ({@link #reapTail}): the zombie pid a0 is freed.
     */
    long wait4(Task t) {
        long pid = (int) t.x(10);
        long wstatus = t.x(11), rusage = t.x(13);
        int options = (int) t.x(12);
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0xE0000000)) != 0) return -EINVAL;
        int z = findZombie(t, pid);
        if (z == -2) return -ECHILD;
        int status = -1;
        if (z == -1 && (options & (WUNTRACED | WCONTINUED)) != 0) { // news of a stop or a continue
            for (int i = 0; i < MAX_TASKS && z < 0; i++) {
                if (!matches(t, i, pid)) continue;
                int j = k.mem.r32(procs.record(i) + P_JOBCTL);
                if ((options & WUNTRACED) != 0 && (j & 0xFF) == 1) status = (j & 0xFF00) | 0x7F;
                else if ((options & WCONTINUED) != 0 && j == 2) status = 0xFFFF;
                else continue;
                z = i;
                t.setSysword(1); // the tail clears the news instead of reaping
            }
        }
        if (z == -1) return (options & WNOHANG) != 0 ? 0 : k.block(t, Channels.of(Channels.CHILD, t.pid()));
        if (status < 0) status = k.task(z).mem.r32(k.task(z).pa + T_EXIT);
        byte[] st = {(byte) status, (byte) (status >> 8), (byte) (status >> 16), (byte) (status >> 24)};
        if (wstatus != 0 && !k.user.copyOut(t.rootPa(), wstatus, st, 0, 4)) return -EFAULT;
        if (rusage != 0 && !k.user.copyOut(t.rootPa(), rusage, new byte[144], 0, 144)) return -EFAULT;
        return procs.pid(z);
    }

    void reapTail(Task t) {
        long pid = t.x(10);
        if (pid <= 0) return;
        int z = procs.slotOf((int) pid);
        if (t.sysword() == 1) { // a stop or continue reported
            if (z >= 0 && k.mem.r32(procs.record(z) + P_JOBCTL) != 0) k.mem.w32(procs.record(z) + P_JOBCTL, 0);
            return;
        }
        if (z >= 0 && procs.state(z) == TASK_ZOMBIE && procs.ppid(z) == t.pid()) k.task(z).setState(TASK_FREE);
    }

    /**
     * waitid(idtype, id, infop, options, rusage): as wait4, with the child's siginfo (SIGCHLD, CLD_EXITED or
     * CLD_KILLED, pid, status) in infop and 0 returned; WNOWAIT leaves the zombie; sysword := the pid reaped.
     */
    long waitid(Task t) {
        int idtype = (int) t.x(10), id = (int) t.x(11), options = (int) t.x(13);
        long infop = t.x(12), rusage = t.x(14);
        if ((options & (WEXITED | WUNTRACED | WCONTINUED)) == 0) return -EINVAL;
        long pid = switch (idtype) {
            case P_ALL -> -1;
            case P_PID -> id > 0 ? id : Long.MIN_VALUE;
            case P_PGID -> id > 0 ? -id : 0;
            default -> Long.MIN_VALUE;
        };
        if (pid == Long.MIN_VALUE) return -EINVAL;
        byte[] info = new byte[128];
        int z = (options & WEXITED) != 0 ? findZombie(t, pid) : findZombie(t, pid) == -2 ? -2 : -1;
        if (z == -2) return -ECHILD;
        if (z == -1) {
            if ((options & WNOHANG) == 0) return k.block(t, Channels.of(Channels.CHILD, t.pid()));
        } else {
            int status = k.task(z).mem.r32(k.task(z).pa + T_EXIT);
            FileCalls.put(info, 0, SIGCHLD, 4);
            FileCalls.put(info, 8, (status & 0x7F) != 0 ? 2 : 1, 4);
            FileCalls.put(info, 16, procs.pid(z), 4);
            FileCalls.put(info, 24, (status & 0x7F) != 0 ? status & 0x7F : status >> 8 & 0xFF, 4);
            if ((options & WNOWAIT) == 0) t.setSysword(procs.pid(z));
        }
        if (infop != 0 && !k.user.copyOut(t.rootPa(), infop, info, 0, info.length)) return -EFAULT;
        if (rusage != 0 && !k.user.copyOut(t.rootPa(), rusage, new byte[144], 0, 144)) return -EFAULT;
        return 0;
    }

    void waitidTail(Task t) {
        long pid = t.sysword();
        if (t.x(10) != 0 || pid <= 0) return;
        int z = procs.slotOf((int) pid);
        if (z >= 0 && procs.state(z) == TASK_ZOMBIE && procs.ppid(z) == t.pid()) k.task(z).setState(TASK_FREE);
    }

    // ---- groups and sessions ------------------------------------------------------------------------------------

    /** getpgid / getsid of pid (0: the caller). */
    private long idOf(Task t, int pid, boolean session) {
        int slot = pid == 0 ? t.index : procs.slotOf(pid);
        if (slot < 0 || procs.state(slot) == TASK_ZOMBIE && pid != 0) return -ESRCH;
        return session ? procs.sid(slot) : procs.pgid(slot);
    }

    /**
     * setpgid's target slot and group, from its registers: {slot, pgid}, or {−errno}. The pid is orig_a0: in the tail
     * a0 is the result (it was a0, so a parent's setpgid(child, child) moved the parent into the child's group).
     */
    private int[] setpgidTarget(Task t) {
        int pid = (int) t.origA0(), pgid = (int) t.x(11);
        if (pgid < 0) return new int[] {-EINVAL};
        int target = pid == 0 ? t.index : procs.slotOf(pid);
        if (target < 0 || procs.state(target) == TASK_ZOMBIE) return new int[] {-ESRCH};
        if (target != t.index && procs.ppid(target) != t.pid()) return new int[] {-ESRCH};
        int tpid = procs.pid(target);
        int pg = pgid == 0 ? tpid : pgid;
        return new int[] {target, pg};
    }

    /**
     * setpgid(pid, pgid). Before the commit: checks only (the caller or its child; not a session leader; the group
     * exists in the caller's session or is the target's own pid). Tail: pgid := the group (absolute).
     */
    long setpgid(Task t) {
        int[] tg = setpgidTarget(t);
        if (tg.length == 1) return tg[0];
        int target = tg[0], pg = tg[1];
        if (procs.sid(target) != procs.sid(t.index)) return -EPERM;
        if (procs.sid(target) == procs.pid(target)) return -EPERM;
        if (pg != procs.pid(target) && !procs.groupExists(pg, procs.sid(t.index), -1)) return -EPERM;
        return 0;
    }

    void setpgidTail(Task t) {
        if (t.x(10) != 0) return;
        int[] tg = setpgidTarget(t);
        if (tg.length == 2) procs.setPgid(tg[0], tg[1]);
    }

    /** setsid(). Before the commit: EPERM if the caller leads a group. Tail: sid := pgid := pid (absolute). */
    long setsid(Task t) {
        if (procs.pgid(t.index) == t.pid() || procs.groupExists(t.pid(), 0, t.index)) return -EPERM;
        return t.pid();
    }

    void setsidTail(Task t) {
        if (t.x(10) != t.pid()) return;
        procs.setSid(t.index, t.pid());
        procs.setPgid(t.index, t.pid());
    }

    // ---- limits and randomness ------------------------------------------------------------------------------

    long prlimit(Task t) {
        long pid = t.x(10), resource = t.x(11), oldPtr = t.x(13);
        if (pid != 0 && pid != t.pid()) return -ESRCH;
        if (resource < 0 || resource > 15) return -EINVAL;
        if (oldPtr != 0) {
            byte[] b = new byte[16];
            long cur = -1, max = -1;
            if (resource == 3) cur = 8L << 20;             // RLIMIT_STACK
            if (resource == 6) cur = max = MAX_TASKS;       // RLIMIT_NPROC
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
