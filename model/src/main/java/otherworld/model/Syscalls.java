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

    private final Config config;
    private final Layout L;
    private final List<Instr> program;
    private final int[] writeOrder;

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
            default:
                return "exit: commit (status := exited)";
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
            default:
                b.setProc(pid, Layout.STATUS, Layout.EXITED);
                b.setProc(pid, Layout.STEP, 0);
        }
        return b.build();
    }

    /** The flusher: one dirty block written back while no call is in flight. */
    State flush(State s, int fileBlock) {
        State.Mut b = s.mut();
        b.set(L.disk + fileBlock, s.get(L.cacheVal + fileBlock));
        b.set(L.cacheDirty + fileBlock, 0);
        return b.build();
    }
}
