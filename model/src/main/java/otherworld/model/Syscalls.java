package otherworld.model;

import java.util.List;

/**
 * The running kernel: each system call as the kernel's own writes, in the kernel's order, one micro-step each, with
 * a crash possible between any two (spec: "System calls as micro-steps").
 *
 * <p>The rule every call follows (spec: the in-flight rule): first the writes a restart of the same call makes again
 * with the same effect or nothing else can see (the position in sysword, the data into the page cache, the console
 * bytes); then a0 := result; then the commit, pc := pc + 1, after which the call is made; then its tail, writes
 * computed from the registers and sysword (a file write's offset := sysword + 1; the tty's count of bytes sent), which
 * a crash kernel can make again.
 *
 * <p>Seeded bugs change the order of a file write's writes: {@link Bug#EARLY_COMMIT} commits before the data is in
 * the cache, {@link Bug#OFFSET_BEFORE_COMMIT} moves the offset before the commit.
 */
final class Syscalls {
    /** The writes of a file write, by name; their order is {@link #writeOrder}. */
    static final int W_SYSWORD = 0;
    static final int W_DATA = 1;
    static final int W_A0 = 2;
    static final int W_COMMIT = 3;
    static final int W_OFFSET = 4;

    /** The writes of a pipe send (and of a recv, with nread for nwrite), by name; their order is {@link #sendOrder}. */
    static final int P_DATA = 0;
    static final int P_SYSWORD = 1;
    static final int P_A0 = 2;
    static final int P_COMMIT = 3;
    static final int P_COUNTER = 4;
    static final int P_WAKE = 5;

    /** The writes of a fork: the child built in a free slot (still FREE), sysword, the child runnable, a0, commit. */
    static final int F_BUILD = 1;
    static final int F_SYSWORD = 2;
    static final int F_CHILD = 3;
    static final int F_A0 = 4;
    static final int F_COMMIT = 5;

    /** The writes of a wait: the status to the caller's page, a0, commit, the zombie freed (tail). */
    static final int WT_FIND = 1;
    static final int WT_A0 = 2;
    static final int WT_COMMIT = 3;
    static final int WT_REAP = 4;

    /** The writes of exit in a family program, by name; their order is {@link #exitOrder}. */
    static final int X_STATUS = 0;
    static final int X_ZOMBIE = 1;
    static final int X_TAIL = 2;

    private final Config config;
    private final Layout L;
    private final List<Instr> program;
    private final int[] writeOrder;
    private final int[] sendOrder;
    private final int[] recvOrder;
    private final int[] exitOrder;

    Syscalls(Config config, Layout layout) {
        this.config = config;
        this.L = layout;
        this.program = config.program();
        if (config.bug() == Bug.EARLY_COMMIT) {
            writeOrder = new int[] {W_SYSWORD, W_A0, W_COMMIT, W_DATA, W_OFFSET};
        } else if (config.bug() == Bug.OFFSET_BEFORE_COMMIT) {
            writeOrder = new int[] {W_SYSWORD, W_DATA, W_OFFSET, W_A0, W_COMMIT};
        } else {
            writeOrder = new int[] {W_SYSWORD, W_DATA, W_A0, W_COMMIT, W_OFFSET};
        }
        recvOrder = new int[] {P_DATA, P_SYSWORD, P_A0, P_COMMIT, P_COUNTER, P_WAKE};
        sendOrder = config.bug() == Bug.PIPE_NWRITE_BEFORE_COMMIT
                ? new int[] {P_DATA, P_SYSWORD, P_COUNTER, P_A0, P_COMMIT, P_WAKE} : recvOrder;
        exitOrder = config.bug() == Bug.ZOMBIE_BEFORE_STATUS
                ? new int[] {X_ZOMBIE, X_STATUS, X_TAIL} : new int[] {X_STATUS, X_ZOMBIE, X_TAIL};
    }

    // ---- processes and the pipe (family programs) -----------------------------------------------------------

    /** The lowest free slot, or -1. */
    int freeSlot(State s) {
        for (int q = 0; q < L.procs; q++) {
            if (s.proc(q, Layout.STATUS) == Layout.FREE) {
                return q;
            }
        }
        return -1;
    }

    /** The lowest zombie child of p, or -1. */
    int zombieChild(State s, int p) {
        for (int q = 0; q < L.procs; q++) {
            if (s.proc(q, Layout.STATUS) == Layout.EXITED && s.proc(q, L.ppid) == p + 1) {
                return q;
            }
        }
        return -1;
    }

    /** True if p has a child that may still exit (runnable or blocked). */
    boolean liveChild(State s, int p) {
        for (int q = 0; q < L.procs; q++) {
            int st = s.proc(q, Layout.STATUS);
            if ((st == Layout.RUNNABLE || st == Layout.BLOCKED) && s.proc(q, L.ppid) == p + 1) {
                return true;
            }
        }
        return false;
    }

    /** Values in the pipe (not yet read). */
    int waiting(State s) {
        return s.get(L.nwrite) - s.get(L.nread);
    }

    /** Wakes every process blocked in a call of the given kind: runnable, and it makes the call again from its ecall. */
    void wake(State s, State.Mut b, Instr.Kind kind) {
        for (int q = 0; q < L.procs; q++) {
            if (s.proc(q, Layout.STATUS) == Layout.BLOCKED && program.get(s.proc(q, Layout.EPC)).kind() == kind) {
                b.setProc(q, Layout.STATUS, Layout.RUNNABLE);
                b.setProc(q, Layout.CAUSE, 0); // it traps again when it runs: the ecall is made again
            }
        }
    }

    /** Wakes p's parent if it is blocked in wait. */
    void wakeParent(State s, State.Mut b, int p) {
        int parent = s.proc(p, L.ppid) - 1;
        if (parent >= 0 && s.proc(parent, Layout.STATUS) == Layout.BLOCKED
                && program.get(s.proc(parent, Layout.EPC)).kind() == Instr.Kind.WAIT) {
            b.setProc(parent, Layout.STATUS, Layout.RUNNABLE);
            b.setProc(parent, Layout.CAUSE, 0);
        }
    }

    /** The call cannot proceed: the process blocks, its call not made (it had no effect). */
    static void block(State.Mut b, int pid) {
        b.setProc(pid, Layout.STATUS, Layout.BLOCKED);
        b.setProc(pid, Layout.STEP, 0);
    }

    /** A byte of a console write: page value v, byte k of the call. */
    static int consoleByte(int v, int k) {
        return (v << 4) | k;
    }

    Instr current(State s, int pid) {
        return program.get(s.proc(pid, Layout.PC));
    }

    /** The instruction of p's call: at its ecall (epc) while it is in the kernel or was interrupted there. */
    Instr callOf(State s, int pid) {
        return program.get(s.proc(pid, Layout.EPC));
    }

    /** ecall, the trap entry: the trap frame records the trap (cause, epc, a0), sysword is cleared. */
    State entry(State s, int pid) {
        State.Mut b = s.mut();
        b.setProc(pid, Layout.CAUSE, Layout.ECALL);
        b.setProc(pid, Layout.EPC, s.proc(pid, Layout.PC));
        b.setProc(pid, Layout.ORIG_A0, s.proc(pid, Layout.A0));
        b.setProc(pid, Layout.SYSWORD, 0);
        b.setProc(pid, Layout.STEP, 1);
        b.setProc(pid, Layout.G_OFF, s.proc(pid, Layout.FD_OFF));
        b.set(L.current, pid);
        return b.build();
    }

    /** Lowest dirty block of a file, or -1. */
    int firstDirty(State s, int file) {
        for (int blk = 0; blk < L.blocks; blk++) {
            if (s.dirty(file, blk)) {
                return blk;
            }
        }
        return -1;
    }

    /** Console bytes the call in flight has already sent: the device's counter against the tty's. */
    int sent(State s) {
        return s.counter() - s.get(L.ttyOut);
    }

    /** The name of the next micro-step of the call in flight in process pid. */
    String stepName(State s, int pid) {
        Instr in = callOf(s, pid);
        int step = s.proc(pid, Layout.STEP);
        int file = s.proc(pid, Layout.FD_FILE);
        switch (in.kind()) {
            case WRITE:
                switch (writeOrder[step - 1]) {
                    case W_SYSWORD: return "write: sysword := offset " + s.proc(pid, Layout.FD_OFF);
                    case W_DATA: return "write: page " + in.page() + " into cache f" + file + "." + s.proc(pid, Layout.SYSWORD);
                    case W_A0: return "write: a0 := 1";
                    case W_COMMIT: return "write: commit (pc := pc + 1)";
                    default: return "write: tail: offset := sysword + 1";
                }
            case FSYNC: {
                if (step == 1) {
                    int blk = firstDirty(s, file);
                    return blk >= 0 ? "fsync: block f" + file + "." + blk + " to disk" : "fsync: a0 := 0";
                }
                return "fsync: commit (pc := pc + 1)";
            }
            case CONWRITE:
                if (step == 1) {
                    return sent(s) < config.consoleBytes() ? "conwrite: emit byte " + sent(s)
                            : "conwrite: a0 := " + config.consoleBytes();
                }
                return step == 2 ? "conwrite: commit (pc := pc + 1)" : "conwrite: tail: tty out := device counter";
            case FORK:
                switch (step) {
                    case F_BUILD: {
                        int q = freeSlot(s);
                        return q < 0 ? "fork: no free slot, a0 := -1 (EAGAIN)"
                                : "fork: child built in free slot " + q + " (still free)";
                    }
                    case F_SYSWORD: return "fork: sysword := child " + freeSlot(s);
                    case F_CHILD: return "fork: child p" + (s.proc(pid, Layout.SYSWORD) - 1) + " runnable (fork made)";
                    case F_A0: return "fork: a0 := " + (s.proc(pid, Layout.SYSWORD) - 1);
                    default: return "fork: commit (pc := pc + 1)";
                }
            case SEND:
            case RECV: {
                boolean send = in.kind() == Instr.Kind.SEND;
                String w = send ? "send: " : "recv: ";
                switch ((send ? sendOrder : recvOrder)[step - 1]) {
                    case P_DATA:
                        if (send ? waiting(s) >= Layout.PIPE_CAP : waiting(s) == 0) {
                            return w + "pipe " + (send ? "full" : "empty") + ": block";
                        }
                        return send ? w + "page " + in.page() + " into pipe[" + s.get(L.nwrite) % Layout.PIPE_CAP + "]"
                                : w + "pipe[" + s.get(L.nread) % Layout.PIPE_CAP + "] into page " + in.page();
                    case P_SYSWORD:
                        return send ? w + "sysword := nwrite + 1" : w + "sysword := nread";
                    case P_A0: return w + "a0 := 1";
                    case P_COMMIT: return w + "commit (pc := pc + 1)";
                    case P_COUNTER:
                        return send ? w + "tail: nwrite := sysword - 1 + a0" : w + "tail: nread := sysword + a0";
                    default: return w + "tail: wake " + (send ? "readers" : "writers");
                }
            }
            case WAIT:
                switch (step) {
                    case WT_FIND: {
                        int z = zombieChild(s, pid);
                        if (z >= 0) {
                            return "wait: status of p" + z + " into page " + in.page();
                        }
                        return liveChild(s, pid) ? "wait: no dead child: block" : "wait: no child, a0 := -1 (ECHILD)";
                    }
                    case WT_A0: return "wait: a0 := " + zombieChild(s, pid);
                    case WT_COMMIT: return "wait: commit (pc := pc + 1)";
                    default: return "wait: tail: child p" + s.proc(pid, Layout.A0) + " freed";
                }
            default:
                if (!L.family) {
                    return "exit: commit (status := exited)";
                }
                switch (exitOrder[step - 1]) {
                    case X_STATUS: return "exit: xstatus := page " + in.page();
                    case X_ZOMBIE: return "exit: commit (status := exited)";
                    default: return "exit: tail: children re-parented, parent woken";
                }
        }
    }

    /** Performs the next micro-step of the call in flight in process pid. */
    State step(State s, int pid) {
        Instr in = callOf(s, pid);
        int step = s.proc(pid, Layout.STEP);
        int file = s.proc(pid, Layout.FD_FILE);
        State.Mut b = s.mut();
        switch (in.kind()) {
            case WRITE: {
                int pos = s.proc(pid, Layout.SYSWORD);
                switch (writeOrder[step - 1]) {
                    case W_SYSWORD:
                        b.setProc(pid, Layout.SYSWORD, s.proc(pid, Layout.FD_OFF));
                        break;
                    case W_DATA:
                        b.set(L.cacheVal + L.fb(file, pos), s.page(pid, in.page()));
                        b.set(L.cacheDirty + L.fb(file, pos), 1);
                        break;
                    case W_A0:
                        b.setProc(pid, Layout.A0, 1);
                        break;
                    case W_COMMIT:
                        b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                        b.set(L.gCommitted + L.fb(file, pos), s.page(pid, in.page()));
                        b.set(L.gFsynced + L.fb(file, pos), Layout.NONE);
                        break;
                    default:
                        b.setProc(pid, Layout.FD_OFF, pos + 1);
                        break;
                }
                b.setProc(pid, Layout.STEP, step == writeOrder.length ? 0 : step + 1);
                break;
            }
            case FSYNC: {
                if (step == 1) {
                    int blk = firstDirty(s, file);
                    if (blk >= 0) {
                        b.set(L.disk + L.fb(file, blk), s.cache(file, blk));
                        b.set(L.cacheDirty + L.fb(file, blk), 0);
                    } else {
                        b.setProc(pid, Layout.A0, 0);
                        b.setProc(pid, Layout.STEP, 2);
                    }
                } else {
                    b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                    for (int k = 0; k < L.blocks; k++) {
                        b.set(L.gFsynced + L.fb(file, k), s.cache(file, k));
                    }
                    b.setProc(pid, Layout.STEP, 0);
                }
                break;
            }
            case CONWRITE: {
                int v = s.page(pid, in.page());
                if (step == 1) {
                    if (sent(s) < config.consoleBytes()) {
                        b.emit(consoleByte(v, sent(s)));
                    } else {
                        b.setProc(pid, Layout.A0, config.consoleBytes());
                        b.setProc(pid, Layout.STEP, 2);
                    }
                } else if (step == 2) {
                    b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                    for (int k = 0; k < config.consoleBytes(); k++) {
                        b.expect(consoleByte(v, k));
                    }
                    b.setProc(pid, Layout.STEP, 3);
                } else {
                    b.set(L.ttyOut, s.counter());
                    b.setProc(pid, Layout.STEP, 0);
                }
                break;
            }
            case FORK:
                fork(s, b, pid, in, step);
                break;
            case SEND:
            case RECV:
                pipe(s, b, pid, in, step);
                break;
            case WAIT:
                waitStep(s, b, pid, in, step);
                break;
            default:
                if (!L.family) {
                    b.setProc(pid, Layout.STATUS, Layout.EXITED);
                    b.setProc(pid, Layout.STEP, 0);
                } else {
                    exit(s, b, pid, in, step);
                }
        }
        return b.build();
    }

    /** fork, in the kernel's order (ProcCalls.clone): the child is made by its state, before the parent's commit. */
    private void fork(State s, State.Mut b, int pid, Instr in, int step) {
        int next = step + 1;
        switch (step) {
            case F_BUILD: {
                int q = freeSlot(s);
                if (q < 0) {
                    b.setProc(pid, Layout.A0, -1);
                    next = F_COMMIT;
                    break;
                }
                // the child's record, a copy of the parent's; still FREE, so no one (no crash kernel) sees it
                for (int f = 0; f < L.procSize; f++) {
                    b.set(L.at(q, f), 0);
                }
                b.setProc(q, Layout.PC, in.page());
                b.setProc(q, Layout.T0, s.proc(pid, Layout.T0));
                b.setProc(q, Layout.FD_FILE, s.proc(pid, Layout.FD_FILE));
                b.setProc(q, Layout.FD_OFF, s.proc(pid, Layout.FD_OFF));
                for (int g = 0; g < L.pages; g++) {
                    b.set(L.page(q, g), s.page(pid, g));
                }
                b.setProc(q, L.ppid, pid + 1);
                break;
            }
            case F_SYSWORD:
                b.setProc(pid, Layout.SYSWORD, freeSlot(s) + 1);
                break;
            case F_CHILD:
                b.setProc(s.proc(pid, Layout.SYSWORD) - 1, Layout.STATUS, Layout.RUNNABLE);
                break;
            case F_A0:
                b.setProc(pid, Layout.A0, s.proc(pid, Layout.SYSWORD) - 1);
                break;
            default:
                b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                if (s.proc(pid, Layout.A0) >= 0) {
                    b.set(L.gCreated, s.get(L.gCreated) + 1);
                }
                next = 0;
        }
        b.setProc(pid, Layout.STEP, next);
    }

    /** send and recv, in the kernel's order (PipeCalls.write and read, at most PIPE_BUF bytes). */
    private void pipe(State s, State.Mut b, int pid, Instr in, int step) {
        boolean send = in.kind() == Instr.Kind.SEND;
        int[] order = send ? sendOrder : recvOrder;
        int counter = send ? L.nwrite : L.nread;
        switch (order[step - 1]) {
            case P_DATA:
                if (send ? waiting(s) >= Layout.PIPE_CAP : waiting(s) == 0) {
                    block(b, pid);
                    return;
                }
                if (send) {
                    b.set(L.pipe + s.get(L.nwrite) % Layout.PIPE_CAP, s.page(pid, in.page())); // past nwrite: unseen
                } else {
                    b.set(L.page(pid, in.page()), s.get(L.pipe + s.get(L.nread) % Layout.PIPE_CAP)); // its own buffer
                }
                break;
            case P_SYSWORD:
                b.setProc(pid, Layout.SYSWORD, send ? s.get(L.nwrite) + 1 : s.get(L.nread));
                break;
            case P_A0:
                b.setProc(pid, Layout.A0, 1);
                break;
            case P_COMMIT:
                b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                if (send) {
                    int n = s.get(L.gSentN);
                    b.set(L.gQueue + n % (Layout.PIPE_CAP + 1), s.page(pid, in.page()));
                    b.set(L.gSentN, n + 1);
                } else {
                    b.set(L.gRecvN, s.get(L.gRecvN) + 1);
                }
                break;
            case P_COUNTER:
                // send: nwrite := sysword - 1 + a0; recv: nread := sysword + a0 (before the commit, with the bug, a0 is
                // not yet written: the value it will be)
                b.set(counter, send ? s.proc(pid, Layout.SYSWORD) : s.proc(pid, Layout.SYSWORD) + 1);
                break;
            default:
                wake(s, b, send ? Instr.Kind.RECV : Instr.Kind.SEND);
                break;
        }
        b.setProc(pid, Layout.STEP, step == order.length ? 0 : step + 1);
    }

    /** wait, in the kernel's order (ProcCalls.wait4 and its tail). */
    private void waitStep(State s, State.Mut b, int pid, Instr in, int step) {
        int next = step + 1;
        switch (step) {
            case WT_FIND: {
                int z = zombieChild(s, pid);
                if (z >= 0) {
                    b.set(L.page(pid, in.page()), s.proc(z, L.xstatus)); // the caller's buffer: a restart writes it again
                } else if (liveChild(s, pid)) {
                    block(b, pid);
                    return;
                } else {
                    b.setProc(pid, Layout.A0, -1);
                    next = WT_COMMIT;
                }
                break;
            }
            case WT_A0:
                b.setProc(pid, Layout.A0, zombieChild(s, pid));
                break;
            case WT_COMMIT:
                b.setProc(pid, Layout.PC, s.proc(pid, Layout.EPC) + 1);
                if (s.proc(pid, Layout.A0) >= 0) {
                    b.set(L.gFreed, s.get(L.gFreed) + 1);
                } else {
                    next = 0;
                }
                break;
            default:
                reap(s, b, pid);
                next = 0;
        }
        b.setProc(pid, Layout.STEP, next);
    }

    /** wait's tail (absolute, made again by a crash kernel): the zombie a0 freed if it still is p's zombie child. */
    void reap(State s, State.Mut b, int pid) {
        int z = s.proc(pid, Layout.A0);
        if (z >= 0 && z < L.procs && s.proc(z, Layout.STATUS) == Layout.EXITED && s.proc(z, L.ppid) == pid + 1) {
            b.setProc(z, Layout.STATUS, Layout.FREE);
        }
    }

    /** exit in a family program, in the kernel's order (ProcCalls.exit): status, then zombie (the commit), then tail. */
    private void exit(State s, State.Mut b, int pid, Instr in, int step) {
        switch (exitOrder[step - 1]) {
            case X_STATUS:
                b.setProc(pid, L.xstatus, s.page(pid, in.page()));
                break;
            case X_ZOMBIE:
                b.setProc(pid, Layout.STATUS, Layout.EXITED);
                b.setProc(pid, L.gExit, s.page(pid, in.page()));
                break;
            default:
                reparent(s, b, pid);
                wakeParent(s, b, pid);
                break;
        }
        b.setProc(pid, Layout.STEP, step == exitOrder.length ? 0 : step + 1);
    }

    /** Children of p re-parented to init (ppid := 0: no one waits for them). */
    void reparent(State s, State.Mut b, int pid) {
        for (int q = 0; q < L.procs; q++) {
            if (q != pid && s.proc(q, Layout.STATUS) != Layout.FREE && s.proc(q, L.ppid) == pid + 1) {
                b.setProc(q, L.ppid, 0);
            }
        }
    }

    /** The flusher: one dirty block written back while no call is in flight. */
    State flush(State s, int fileBlock) {
        State.Mut b = s.mut();
        b.set(L.disk + fileBlock, s.get(L.cacheVal + fileBlock));
        b.set(L.cacheDirty + fileBlock, 0);
        return b.build();
    }
}
