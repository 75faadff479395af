package otherworld.model;

import java.util.List;

/**
 * The running kernel: each system call as micro-steps. Rules (spec section "System calls"):
 * entry records the in-flight record and the ghost entry state; every kernel-memory write inside
 * the call goes through {@link State.Mut#kwrite} and so into the undo log; device effects (disk,
 * console) are not undoable; the last micro-step commits atomically: pc past the ecall, the
 * result in a0, the log and the in-flight record cleared.
 */
final class Syscalls {
    private final Config config;
    private final Layout L;
    private final List<Instr> program;

    Syscalls(Config config, Layout layout) {
        this.config = config;
        this.L = layout;
        this.program = config.program();
    }

    /** A byte of a console write: page value v, byte k of the call. */
    static int consoleByte(int v, int k) {
        return (v << 4) | k;
    }

    Instr current(State s, int pid) {
        return program.get(s.proc(pid, Layout.PC));
    }

    /** ecall: the call enters the kernel. */
    State entry(State s, int pid) {
        State.Mut b = s.mut();
        b.setProc(pid, Layout.INFL, 1);
        b.setProc(pid, Layout.INFL_STEP, 1);
        b.setProc(pid, Layout.INFL_CONSTART, s.counter());
        b.setProc(pid, Layout.G_OFF, s.proc(pid, Layout.FD_OFF));
        for (int g = 0; g < L.pages; g++) {
            b.set(L.ghostPage(pid, g), s.page(pid, g));
        }
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

    /** The name of the next micro-step of the call in flight in process pid. */
    String stepName(State s, int pid) {
        Instr in = current(s, pid);
        int step = s.proc(pid, Layout.INFL_STEP);
        int file = s.proc(pid, Layout.FD_FILE);
        switch (in.kind()) {
            case WRITE:
                if (step == 1) {
                    return "write: page " + in.page() + " into cache f" + file + "." + s.proc(pid, Layout.FD_OFF);
                }
                return step == 2 ? "write: advance offset" : "write: commit (a0=1)";
            case FSYNC: {
                int blk = firstDirty(s, file);
                return blk >= 0 ? "fsync: block f" + file + "." + blk + " to disk" : "fsync: commit (a0=0)";
            }
            case CONWRITE: {
                int emitted = s.counter() - s.proc(pid, Layout.INFL_CONSTART);
                return emitted < config.consoleBytes() ? "conwrite: emit byte " + emitted
                        : "conwrite: commit (a0=" + config.consoleBytes() + ")";
            }
            default:
                return "exit: commit";
        }
    }

    /** Performs the next micro-step of the call in flight in process pid. */
    State step(State s, int pid) {
        Instr in = current(s, pid);
        int step = s.proc(pid, Layout.INFL_STEP);
        int file = s.proc(pid, Layout.FD_FILE);
        State.Mut b = s.mut();
        switch (in.kind()) {
            case WRITE: {
                int off = s.proc(pid, Layout.FD_OFF);
                if (step == 1) {
                    b.kwrite(L.cacheVal + L.fb(file, off), s.page(pid, in.page()));
                    b.kwrite(L.cacheDirty + L.fb(file, off), 1);
                    b.setProc(pid, Layout.INFL_STEP, 2);
                } else if (step == 2) {
                    b.kwrite(L.at(pid, Layout.FD_OFF), off + 1);
                    b.setProc(pid, Layout.INFL_STEP, 3);
                } else {
                    int blk = s.proc(pid, Layout.G_OFF);
                    b.set(L.gCommitted + L.fb(file, blk), s.cache(file, blk));
                    b.set(L.gFsynced + L.fb(file, blk), Layout.NONE);
                    commit(b, pid, 1);
                }
                break;
            }
            case FSYNC: {
                int blk = firstDirty(s, file);
                if (blk >= 0) {
                    b.set(L.disk + L.fb(file, blk), s.cache(file, blk));
                    b.kwrite(L.cacheDirty + L.fb(file, blk), 0);
                } else {
                    for (int k = 0; k < L.blocks; k++) {
                        b.set(L.gFsynced + L.fb(file, k), s.cache(file, k));
                    }
                    commit(b, pid, 0);
                }
                break;
            }
            case CONWRITE: {
                int emitted = s.counter() - s.proc(pid, Layout.INFL_CONSTART);
                int v = s.page(pid, in.page());
                if (emitted < config.consoleBytes()) {
                    b.emit(consoleByte(v, emitted));
                } else {
                    for (int k = 0; k < config.consoleBytes(); k++) {
                        b.expect(consoleByte(v, k));
                    }
                    commit(b, pid, config.consoleBytes());
                }
                break;
            }
            default:
                b.setProc(pid, Layout.STATUS, Layout.EXITED);
                commit(b, pid, 0);
        }
        return b.build();
    }

    /** The commit micro-step: pc past the ecall, result in a0, log and in-flight record cleared. */
    private void commit(State.Mut b, int pid, int result) {
        b.setProc(pid, Layout.PC, b.proc(pid, Layout.PC) + 1);
        b.setProc(pid, Layout.A0, result);
        clearInflight(b, L, pid);
        b.clearLog();
    }

    static void clearInflight(State.Mut b, Layout L, int pid) {
        b.setProc(pid, Layout.INFL, 0);
        b.setProc(pid, Layout.INFL_STEP, 0);
        b.setProc(pid, Layout.INFL_CONSTART, 0);
        b.setProc(pid, Layout.G_OFF, 0);
        for (int g = 0; g < L.pages; g++) {
            b.set(L.ghostPage(pid, g), 0);
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
