package otherworld.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The state machine of crash and resurrection, TLA+-shaped: {@link #init()}, the enabled
 * {@link #actions(State)} of a state, {@link #step(State, Action)}, and the named
 * {@link Invariants}. Deterministic: actions come in a fixed order.
 *
 * <pre>
 *  Next == \/ \E p, v : UserStore(p, v)      \/ \E p : SyscallEntry(p)  \/ \E p : SyscallStep(p)
 *          \/ \E blk : Flusher(blk)          \/ \E c : Crash(c)         \/ CrashDuringResurrection
 *          \/ Validate \/ FlushCache \/ FinishConsoleWrite \/ Rebuild \/ Commit
 * </pre>
 */
public final class Machine {
    private final Config config;
    private final Layout layout;
    private final List<Instr> program;
    private final Syscalls syscalls;
    private final CrashKernel crashKernel;
    private final Invariants invariants;

    public Machine(Config config) {
        this.config = config.validate();
        this.layout = new Layout(config);
        this.program = config.program();
        this.syscalls = new Syscalls(config, layout);
        this.crashKernel = new CrashKernel(config, layout);
        this.invariants = new Invariants(this);
    }

    public Config config() { return config; }
    public Layout layout() { return layout; }
    public List<Instr> program() { return program; }
    public Invariants invariants() { return invariants; }
    CrashKernel crashKernel() { return crashKernel; }

    /**
     * Init: every process runnable at pc 0 with zero registers and memory, fd 0 open on file p mod F at offset 0; empty
     * disk, clean cache, empty console. A program that forks starts in process 0 alone; the other slots are free.
     */
    public State init() {
        int[] m = new int[layout.size];
        boolean forks = config.forks();
        for (int p = 0; p < layout.procs; p++) {
            m[layout.at(p, Layout.STATUS)] = forks && p > 0 ? Layout.FREE : Layout.RUNNABLE;
            m[layout.at(p, Layout.FD_FILE)] = p % layout.files;
        }
        m[layout.phase] = Layout.RUNNING;
        return new State(layout, m, new int[0], new int[0]);
    }

    /** The actions enabled in s, in a fixed order. */
    public List<Action> actions(State s) {
        List<Action> out = new ArrayList<>();
        if (s.phase() == Layout.RESURRECTING) {
            out.add(crashKernel.next(s));
            if (s.crashes() < config.crashes()) {
                out.add(new Action(Action.Kind.CRASH_DURING_RESURRECTION, -1, 0, 0,
                        "CRASH of the crash kernel (restart from root descriptor)"));
            }
            return out;
        }
        int inKernel = s.inKernel();
        if (inKernel >= 0) {
            out.add(new Action(Action.Kind.SYSCALL_STEP, inKernel, 0, 0,
                    "p" + inKernel + " " + syscalls.stepName(s, inKernel)));
        } else {
            // After a resurrection the process whose call was interrupted runs first: it alone may go on (the one that
            // ran last, KH_CURRENT). A process resurrected from a blocked call (a program with the pipe) makes its call
            // again whenever it next runs, as the kernel's scheduler has it.
            int first = -1;
            int cur = s.get(layout.current);
            if (s.proc(cur, Layout.STATUS) == Layout.RUNNABLE && s.callUncommitted(cur)) {
                first = cur;
            }
            for (int p = 0; p < layout.procs && first < 0 && !layout.family; p++) {
                if (s.proc(p, Layout.STATUS) == Layout.RUNNABLE && s.callUncommitted(p)) {
                    first = p;
                }
            }
            for (int p = 0; p < layout.procs; p++) {
                if (s.proc(p, Layout.STATUS) != Layout.RUNNABLE || (first >= 0 && p != first)) {
                    continue;
                }
                Instr in = program.get(s.proc(p, Layout.PC));
                if (in.kind() == Instr.Kind.STORE) {
                    for (int v = 1; v <= config.values(); v++) {
                        out.add(new Action(Action.Kind.USER_STORE, p, v, 0,
                                "p" + p + " user: t0 := " + v + "; page " + in.page() + " := t0"));
                    }
                } else {
                    out.add(new Action(Action.Kind.SYSCALL_ENTRY, p, 0, 0, "p" + p + " ecall " + in.kind().word()
                            + (in.kind() == Instr.Kind.WRITE || in.kind() == Instr.Kind.CONWRITE
                                    || in.kind() == Instr.Kind.SEND || in.kind() == Instr.Kind.RECV
                                    || in.kind() == Instr.Kind.WAIT ? " page " + in.page() : "")));
                }
            }
            if (config.flusher()) {
                for (int i = 0; i < layout.files * layout.blocks; i++) {
                    if (s.get(layout.cacheDirty + i) != 0) {
                        out.add(new Action(Action.Kind.FLUSHER, -1, i, 0,
                                "flusher: block f" + (i / layout.blocks) + "." + (i % layout.blocks) + " to disk"));
                    }
                }
            }
        }
        if (s.crashes() < config.crashes()) {
            out.add(new Action(Action.Kind.CRASH, -1, 0, 0, "CRASH"));
            if (config.corruption()) {
                for (int p = 0; p < layout.procs; p++) {
                    if (s.proc(p, Layout.STATUS) != Layout.RUNNABLE) {
                        continue;
                    }
                    for (Structure st : Structure.values()) {
                        if (st != Structure.NONE) {
                            out.add(new Action(Action.Kind.CRASH, p, st.code(), 0,
                                    "CRASH corrupting p" + p + " " + st.label()));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The successor of s by action a (a must be enabled in s). */
    public State step(State s, Action a) {
        switch (a.kind()) {
            case USER_STORE: {
                State.Mut b = s.mut();
                int p = a.pid();
                switchTo(s, b, p);
                Instr in = program.get(s.proc(p, Layout.PC));
                b.setProc(p, Layout.T0, a.arg());
                b.set(layout.page(p, in.page()), a.arg());
                b.setProc(p, Layout.PC, s.proc(p, Layout.PC) + 1);
                b.setProc(p, Layout.CAUSE, 0); // it ran: its next trap (the timer) overwrites the frame
                b.set(layout.current, p);
                return b.build();
            }
            case SYSCALL_ENTRY: {
                State.Mut b = s.mut();
                switchTo(s, b, a.pid());
                return syscalls.entry(b.build(), a.pid());
            }
            case SYSCALL_STEP:
                return syscalls.step(s, a.pid());
            case FLUSHER:
                return syscalls.flush(s, a.arg());
            case CRASH: {
                State.Mut b = s.mut();
                b.set(layout.phase, Layout.RESURRECTING);
                b.set(layout.rstep, 0);
                b.set(layout.crashes, s.crashes() + 1);
                if (a.pid() >= 0) {
                    b.setProc(a.pid(), Layout.CORRUPT, a.arg());
                }
                State dead = b.build();
                // ghost: the outcome of an uninterrupted resurrection from this dead memory
                long outcome = outcomeHash(crashKernel.runToCommit(dead));
                State.Mut g = dead.mut();
                g.set(layout.gOutcomeHi, (int) (outcome >>> 32));
                g.set(layout.gOutcomeLo, (int) outcome);
                return g.build();
            }
            case CRASH_DURING_RESURRECTION:
                return crashKernel.restart(s);
            default:
                return crashKernel.step(s, a);
        }
    }

    /**
     * Process p is about to run. After a system call the kernel runs the same process again, to its next trap, before
     * any other: if another process ran last and its frame still shows the call it made, it ran on since and was
     * preempted, and that trap (the timer's) overwrote its frame.
     */
    private void switchTo(State s, State.Mut b, int p) {
        int c = s.get(layout.current);
        if (c != p && s.proc(c, Layout.STATUS) == Layout.RUNNABLE && s.callCommitted(c)) {
            b.setProc(c, Layout.CAUSE, 0);
        }
        b.set(layout.current, p);
    }

    /** The observable outcome hash the ghost keeps (independent of process numbering). */
    long outcomeHash(State s) {
        return Observation.of(s).symmetricHash(layout.files, layout.blocks);
    }

    /**
     * All processes exited, freed or lost, kernel running: a legitimate end, not a deadlock. Processes blocked for
     * good are a deadlock, unless a process was lost (reported corrupt): then those that waited for it (its value in
     * the pipe, its exit) wait forever, as they would on a machine where it died.
     */
    public boolean isTerminal(State s) {
        if (s.phase() != Layout.RUNNING) {
            return false;
        }
        boolean blocked = false;
        boolean lost = false;
        for (int p = 0; p < layout.procs; p++) {
            int st = s.proc(p, Layout.STATUS);
            if (st == Layout.RUNNABLE) {
                return false;
            }
            blocked |= st == Layout.BLOCKED;
            lost |= st == Layout.LOST;
        }
        return !blocked || lost;
    }

    /**
     * Symmetry over process ids is sound when all processes share one file or each has its own, and no word names
     * a process (a program with fork or the pipe keeps parents, and fork picks the lowest free slot: not symmetric).
     */
    public boolean symmetric() {
        return !layout.family && (layout.files == 1 || layout.files == layout.procs);
    }

    /** The same state with process p renamed perm[p] (and file p renamed perm[p] if files == procs). */
    public State permute(State s, int[] perm) {
        Layout L = layout;
        boolean files = L.files == L.procs && L.files > 1;
        int[] m = new int[L.size];
        for (int p = 0; p < L.procs; p++) {
            System.arraycopy(s.m, L.procBase(p), m, L.procBase(perm[p]), L.procSize);
            if (files) {
                m[L.at(perm[p], Layout.FD_FILE)] = perm[s.proc(p, Layout.FD_FILE)];
            }
        }
        int g = L.procs * L.procSize;
        System.arraycopy(s.m, g, m, g, L.size - g);
        if (files) {
            int[] bases = {L.cacheVal, L.cacheDirty, L.disk, L.gCommitted, L.gFsynced};
            for (int base : bases) {
                for (int f = 0; f < L.files; f++) {
                    for (int b = 0; b < L.blocks; b++) {
                        m[base + L.fb(perm[f], b)] = s.m[base + L.fb(f, b)];
                    }
                }
            }
        }
        m[L.current] = perm[s.get(L.current)];
        return new State(L, m, s.console, s.expected);
    }

    /** All permutations of 0..n-1, identity first. */
    public static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int i, List<int[]> out) {
        if (i == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (!used[v]) {
                used[v] = true;
                cur[i] = v;
                permute(cur, used, i + 1, out);
                used[v] = false;
            }
        }
    }
}
