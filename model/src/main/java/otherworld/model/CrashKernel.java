package otherworld.model;

import java.util.List;

/**
 * The crash kernel: resurrection as steps, numbered by {@code rstep} in its own region.
 *
 * <pre>
 *  rstep 0 .. P-1      VALIDATE p          read-only: structures of p well formed?
 *  rstep P             FLUSH_CACHE         dirty cache blocks to disk
 *  rstep P+1 .. 2P     REBUILD p           (FINISH_CONSOLE_WRITE p first, byte by byte)
 *  rstep 2P+1          COMMIT              switch the root pointer
 * </pre>
 *
 * It never writes the dead kernel's memory: it reads it as it is (no log), writes only its own region
 * (verdicts, rebuilt processes, rstep) and devices (disk, console), whose progress it can read back. What
 * becomes of each process's system call it reads from its trap frame: not committed (pc at the ecall),
 * the call is made again (a0 from orig_a0); a console write that had sent bytes (the device's counter
 * beyond the tty's) is completed instead; committed, and the process was the current one, its tail is
 * made again from sysword. A crash of the crash kernel clears its region and starts at rstep 0 from the
 * same dead memory, so it reaches the same result.
 */
final class CrashKernel {
    private final Config config;
    private final Layout L;
    private final List<Instr> program;

    CrashKernel(Config config, Layout layout) {
        this.config = config;
        this.L = layout;
        this.program = config.program();
    }

    /** Bytes of p's interrupted console write already sent: the device counter against the tty's count. */
    int emitted(State s) {
        return s.counter() - s.get(L.ttyOut);
    }

    /** True if p's interrupted call is a console write the crash kernel completes. */
    boolean completesConsoleWrite(State s, int pid) {
        return s.callUncommitted(pid)
                && program.get(s.proc(pid, Layout.EPC)).kind() == Instr.Kind.CONWRITE
                && emitted(s) > 0
                && config.bug() != Bug.REEXECUTE_COMPLETED_CALL;
    }

    /**
     * True if p's fork was interrupted after its child was made (runnable, named by sysword) but before its commit:
     * the crash kernel completes it (a0 := the child, pc past the ecall) instead of making it again.
     */
    boolean completesFork(State s, int pid) {
        return forkChildMade(s, pid) && config.bug() != Bug.FORK_MADE_AGAIN;
    }

    /** p's fork, not committed, had made its child: the slot its sysword names is runnable. */
    boolean forkChildMade(State s, int pid) {
        if (!L.family || !s.callUncommitted(pid) || program.get(s.proc(pid, Layout.EPC)).kind() != Instr.Kind.FORK) {
            return false;
        }
        int q = s.proc(pid, Layout.SYSWORD) - 1;
        return q >= 0 && q < L.procs && s.proc(q, Layout.STATUS) == Layout.RUNNABLE;
    }

    /** The one enabled crash-kernel action (resurrection is sequential). */
    Action next(State s) {
        int P = L.procs;
        int r = s.rstep();
        if (r < P) {
            return new Action(Action.Kind.VALIDATE, r, 0, 0, "crash kernel: validate p" + r);
        }
        if (r == P) {
            String what = config.bug() == Bug.RESURRECT_BEFORE_FLUSH
                    ? "crash kernel: (seeded bug) skip flushing dirty cache"
                    : "crash kernel: flush dirty cache to disk";
            return new Action(Action.Kind.FLUSH_CACHE, -1, 0, 0, what);
        }
        if (r <= 2 * P) {
            int p = r - P - 1;
            if (s.proc(p, Layout.R_VERDICT) == Layout.VERDICT_VALID && s.proc(p, Layout.STATUS) == Layout.RUNNABLE
                    && completesConsoleWrite(s, p) && emitted(s) < config.consoleBytes()) {
                return new Action(Action.Kind.FINISH_CONSOLE_WRITE, p, 0, 0,
                        "crash kernel: finish console write of p" + p + " (byte " + emitted(s) + ")");
            }
            return new Action(Action.Kind.REBUILD, p, 0, 0, "crash kernel: rebuild p" + p);
        }
        return new Action(Action.Kind.COMMIT, -1, 0, 0, "crash kernel: commit (switch root pointer)");
    }

    State step(State s, Action a) {
        State.Mut b = s.mut();
        int p = a.pid();
        switch (a.kind()) {
            case VALIDATE: {
                boolean corrupt = s.proc(p, Layout.CORRUPT) != 0 && config.bug() != Bug.SKIP_VALIDATION;
                b.setProc(p, Layout.R_VERDICT, corrupt ? Layout.VERDICT_CORRUPT : Layout.VERDICT_VALID);
                break;
            }
            case FLUSH_CACHE:
                if (config.bug() != Bug.RESURRECT_BEFORE_FLUSH) {
                    for (int i = 0; i < L.files * L.blocks; i++) {
                        if (s.get(L.cacheDirty + i) != 0) {
                            b.set(L.disk + i, s.get(L.cacheVal + i));
                        }
                    }
                }
                break;
            case FINISH_CONSOLE_WRITE: {
                Instr in = program.get(s.proc(p, Layout.EPC));
                b.emit(Syscalls.consoleByte(s.page(p, in.page()), emitted(s)));
                b.set(L.rstep, s.rstep());
                return b.build();
            }
            case REBUILD:
                rebuild(s, b, p);
                break;
            default:
                return commit(s);
        }
        b.set(L.rstep, s.rstep() + 1);
        return b.build();
    }

    private void rebuild(State s, State.Mut b, int p) {
        if (s.proc(p, Layout.R_VERDICT) == Layout.VERDICT_CORRUPT) {
            b.setProc(p, Layout.R_STATUS, Layout.LOST);
            return;
        }
        int status = s.proc(p, Layout.STATUS);
        if (status == Layout.BLOCKED) {
            status = Layout.RUNNABLE; // a blocked call had no effect: made again, from its ecall
        }
        b.setProc(p, Layout.R_STATUS, status);
        b.setProc(p, Layout.R_PC, s.proc(p, Layout.PC));
        b.setProc(p, Layout.R_A0, s.proc(p, Layout.A0));
        b.setProc(p, Layout.R_T0, s.proc(p, Layout.T0));
        b.setProc(p, Layout.R_OFF, s.proc(p, Layout.FD_OFF));
        if (status != Layout.RUNNABLE) {
            return;
        }
        if (completesFork(s, p)) {
            // the child exists: the fork is made, with its result
            b.setProc(p, Layout.R_PC, s.proc(p, Layout.EPC) + 1);
            b.setProc(p, Layout.R_A0, s.proc(p, Layout.SYSWORD) - 1);
        } else if (completesConsoleWrite(s, p)) {
            // completed with its result: pc past the ecall, a0 = bytes written
            b.setProc(p, Layout.R_PC, s.proc(p, Layout.EPC) + 1);
            b.setProc(p, Layout.R_A0, config.consoleBytes());
        } else if (s.callUncommitted(p)) {
            // made again from the ecall, with the a0 it was made with
            b.setProc(p, Layout.R_A0, s.proc(p, Layout.ORIG_A0));
        } else if (s.callCommitted(p) && p == s.get(L.current)
                && program.get(s.proc(p, Layout.EPC)).kind() == Instr.Kind.WRITE) {
            // committed: its tail is made again from sysword (idempotent)
            b.setProc(p, Layout.R_OFF, s.proc(p, Layout.SYSWORD) + 1);
        }
    }

    /** The root switch: the rebuilt kernel becomes the running kernel in one step. */
    private State commit(State s) {
        State.Mut b = s.mut();
        for (int p = 0; p < L.procs; p++) {
            int rs = s.proc(p, Layout.R_STATUS);
            b.setProc(p, Layout.STATUS, rs);
            if (rs == Layout.RUNNABLE && s.proc(p, Layout.STATUS) == Layout.BLOCKED) {
                b.setProc(p, Layout.CAUSE, 0); // as a wakeup leaves it: it traps again at its ecall when it runs
            }
            if (rs == Layout.RUNNABLE) {
                b.setProc(p, Layout.PC, s.proc(p, Layout.R_PC));
                b.setProc(p, Layout.A0, s.proc(p, Layout.R_A0));
                b.setProc(p, Layout.T0, s.proc(p, Layout.R_T0));
                b.setProc(p, Layout.FD_OFF, s.proc(p, Layout.R_OFF));
            }
            if (s.proc(p, Layout.STEP) != 0 && s.callUncommitted(p)
                    && program.get(s.proc(p, Layout.EPC)).kind() == Instr.Kind.CONWRITE) {
                int v = s.page(p, program.get(s.proc(p, Layout.EPC)).page());
                boolean completed = rs == Layout.RUNNABLE && s.proc(p, Layout.R_PC) == s.proc(p, Layout.EPC) + 1;
                // ghost: what the process was told (completed), or what a lost process left
                int told = completed ? config.consoleBytes() : rs == Layout.LOST ? emitted(s) : 0;
                for (int k = 0; k < told; k++) {
                    b.expect(Syscalls.consoleByte(v, k));
                }
            }
            b.setProc(p, Layout.STEP, 0);
            b.setProc(p, Layout.CORRUPT, 0);
            for (int f = Layout.R_VERDICT; f <= Layout.R_OFF; f++) {
                b.setProc(p, f, 0);
            }
        }
        if (L.family) {
            commitFamily(s, b);
        }
        // the new kernel starts with a cold page cache read from disk, and the tty's count from the device
        for (int i = 0; i < L.files * L.blocks; i++) {
            b.set(L.cacheVal + i, s.get(L.disk + i));
            b.set(L.cacheDirty + i, 0);
        }
        b.set(L.ttyOut, s.counter());
        b.set(L.phase, Layout.RUNNING);
        b.set(L.rstep, 0);
        b.set(L.gOutcomeHi, 0);
        b.set(L.gOutcomeLo, 0);
        return b.build();
    }

    /**
     * The process tree and the pipe in the new kernel: the pipe's counters as the dead kernel left them, with the tail
     * of the call that ran last made again (a send's nwrite := sysword - 1 + a0, a recv's nread := sysword + a0, a
     * wait's zombie freed); children of a parent that is no longer live re-parented to init (derived, as an exit's tail
     * does). A lost process's committed call is not finished: the ghost forgets what it was told.
     */
    private void commitFamily(State s, State.Mut b) {
        for (int p = 0; p < L.procs; p++) {
            int rs = s.proc(p, Layout.R_STATUS);
            // (a process lost at an earlier crash keeps its frame: its fork was settled then)
            if (s.proc(p, Layout.STATUS) == Layout.RUNNABLE && forkChildMade(s, p) && (rs == Layout.LOST || s.proc(p, Layout.R_PC) == s.proc(p, Layout.EPC) + 1)) {
                b.set(L.gCreated, b.get(L.gCreated) + 1);
            }
        }
        int cur = s.get(L.current);
        if (s.callCommitted(cur) && s.proc(cur, Layout.STATUS) != Layout.LOST) {
            boolean live = s.proc(cur, Layout.R_STATUS) == Layout.RUNNABLE;
            int sys = s.proc(cur, Layout.SYSWORD);
            int a0 = s.proc(cur, Layout.A0);
            switch (program.get(s.proc(cur, Layout.EPC)).kind()) {
                case SEND:
                    if (live) {
                        b.set(L.nwrite, sys - 1 + a0);
                    } else if (s.get(L.nwrite) != sys - 1 + a0) {
                        b.set(L.gSentN, s.get(L.gSentN) - 1);
                    }
                    break;
                case RECV:
                    if (live) {
                        b.set(L.nread, sys + a0);
                    } else if (s.get(L.nread) != sys + a0) {
                        b.set(L.gRecvN, s.get(L.gRecvN) - 1);
                    }
                    break;
                case WAIT:
                    if (a0 >= 0 && a0 < L.procs && s.proc(a0, Layout.STATUS) == Layout.EXITED
                            && s.proc(a0, L.ppid) == cur + 1) {
                        if (live) {
                            b.setProc(a0, Layout.STATUS, Layout.FREE);
                        } else {
                            b.set(L.gFreed, s.get(L.gFreed) - 1);
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        for (int q = 0; q < L.procs; q++) {
            int parent = s.proc(q, L.ppid) - 1;
            if (parent >= 0 && b.get(L.at(q, Layout.STATUS)) != Layout.FREE
                    && b.get(L.at(parent, Layout.STATUS)) != Layout.RUNNABLE) {
                b.setProc(q, L.ppid, 0);
            }
        }
    }

    /** A crash of the crash kernel: its region is lost; it starts again at rstep 0. */
    State restart(State s) {
        State.Mut b = s.mut();
        for (int p = 0; p < L.procs; p++) {
            for (int f = Layout.R_VERDICT; f <= Layout.R_OFF; f++) {
                b.setProc(p, f, 0);
            }
        }
        b.set(L.rstep, 0);
        b.set(L.crashes, config.bug() == Bug.RESTART_FOREVER ? s.crashes() : s.crashes() + 1);
        return b.build();
    }

    /** Runs resurrection to its commit without further crashes (used for the outcome ghost). */
    State runToCommit(State s) {
        State t = s;
        while (t.phase() == Layout.RESURRECTING) {
            t = step(t, next(t));
        }
        return t;
    }
}
