package otherworld.checker.conform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import otherworld.model.Action;
import otherworld.model.Config;
import otherworld.model.Instr;
import otherworld.model.Layout;
import otherworld.model.Machine;
import otherworld.model.Observation;
import otherworld.model.ProcessView;
import otherworld.model.State;
import otherworld.model.Structure;

/**
 * Runs the same steps on the executable model ({@code otherworld.model}) and on the real kernel (puppet guests on
 * the RISC-V machine, {@link Puppets}), and after every step compares the model's {@link Observation} with the
 * abstraction of what is observed of the machine from outside. A crash step also compares, at the crashed process's
 * first dispatch after resurrection, its registers, memory and the disk with the model state right after the crash
 * kernel's commit (the resurrection theorem, observed).
 *
 * <p>The abstraction (spec/crash-resurrection.md, section 6 "Conformance"): a model value v is the 64-bit word E(v)
 * whose byte k is {@code (v << 4) | k}; a page's value is word 0 of the puppet's page g; a file block b is bytes
 * [8b, 8b+8) of file {@code /f<file>} (0 beyond the end of the file); the file offset in blocks is the byte offset
 * (from lseek(fd, 0, SEEK_CUR) made by the puppet) divided by 8; a console write of page g is write(1, page g, 4),
 * whose 4 bytes are exactly the model's console bytes of value v; results: a file write of one block returns 8 bytes
 * (model 1), a console write 4, fsync 0.
 */
public final class Conformance {
    public static final int BLOCK = 8;
    public static final int FD = 3;
    public static final int CONSOLE_BYTES = 4;
    static final long SYS_READ = 63;
    static final long SYS_WRITE = 64;
    static final long SYS_LSEEK = 62;
    static final long SYS_FSYNC = 82;
    static final long SYS_EXIT_GROUP = 94;
    static final long SYS_CLONE = 220;
    static final long SYS_WAIT4 = 260;
    /** The puppet's clone flags (fork: SIGCHLD) and its pipe's fds (after 0-2 and the file at 3). */
    static final long FORK_FLAGS = 17;
    static final long PIPE_READ_FD = 4;
    static final long PIPE_WRITE_FD = 5;

    /** Write crash points offered for a call of a kind no call of which has run yet. */
    static final int DEFAULT_WRITES = 32;
    public static final List<String> RESURRECT_POINTS =
            List.of("resurrect.validate", "resurrect.decided", "resurrect.flushed", "resurrect.built");

    /** A disagreement between model and kernel, with the replayable sequence that shows it. */
    public static final class Mismatch extends AssertionError {
        private final Sequence sequence;

        Mismatch(String what, Sequence sequence) {
            super(what + "\n--- replayable sequence ---\n" + sequence);
            this.sequence = sequence;
        }

        public Sequence sequence() { return sequence; }
    }

    private final Config config;
    private final Machine model;
    private final List<Instr> program;
    private final Puppets kernel;
    private final Stats stats;
    private final List<Step> done = new ArrayList<>();
    private State state;
    // the kernel side's abstraction, per process
    private final int[] pcK;
    private final int[] a0K;
    private final int[] t0K;
    private final int[] offK;
    private final List<Integer> consoleK = new ArrayList<>();
    /** Family mode (a program that forks, with the pipe): one puppet, its children in the other slots. */
    private final boolean family;
    /** Family mode: each slot's status as observed (a command answered, blocked, exited, its pid waited for). */
    private final int[] statusK;
    /** Family mode: the call count of a blocked slot when it was given its command. */
    private final int[] blockedCalls;

    /**
     * The model bounds conformance supports, completed: corruption possible (a step says which structure, if any),
     * the flusher on, 4 console bytes per write.
     */
    public static Config normalize(Config c) {
        return c.withCorruption(true).withFlusher(true).withConsoleBytes(CONSOLE_BYTES).validate();
    }

    /** The structures a crash step may leave corrupt (the model's, by label). */
    public static final List<String> STRUCTURES = List.of("task", "trapframe", "fdtable");

    public Conformance(Config config, Stats stats) {
        this.config = normalize(config);
        this.model = new Machine(this.config);
        this.program = this.config.program();
        this.stats = stats;
        this.state = model.init();
        int procs = this.config.procs();
        this.family = this.config.family();
        if (family && !this.config.forks()) {
            throw new IllegalArgumentException("conformance of the pipe needs a program that forks: puppets share a pipe"
                    + " only through fork");
        }
        int puppets = family ? 1 : procs;
        String[] files = new String[puppets];
        for (int p = 0; p < puppets; p++) {
            files[p] = fileName(p % this.config.files());
        }
        this.kernel = new Puppets(puppets, this.config.pages(), files, procs);
        pcK = new int[procs];
        a0K = new int[procs];
        t0K = new int[procs];
        offK = new int[procs];
        statusK = new int[procs];
        blockedCalls = new int[procs];
        if (family) {
            String r = kernel.command(0, "pipe");
            if (!"pipe = 0".equals(r)) {
                throw new IllegalStateException("puppet 0 could not make its pipe: " + r);
            }
            statusK[0] = Layout.RUNNABLE;
        }
        stats.runs++;
        compare("after start-up");
    }

    public Config config() { return config; }
    public State modelState() { return state; }
    public Puppets kernel() { return kernel; }
    public List<Step> steps() { return List.copyOf(done); }
    public Sequence sequence() { return new Sequence(config, done); }

    static String fileName(int f) { return "/f" + f; }

    // ---- what may happen next (for generators) ---------------------------------------------------------------

    /** Processes that can take a step (runnable in the model). */
    public List<Integer> runnable() {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < config.procs(); p++) {
            if (state.proc(p, Layout.STATUS) == Layout.RUNNABLE) {
                out.add(p);
            }
        }
        return out;
    }

    /** The instruction process p executes next. */
    public Instr next(int p) {
        return program.get(state.proc(p, Layout.PC));
    }

    /**
     * Crash points of the kernel system call that process p's next instruction makes (empty if no crash is left):
     * before each write the kernel makes in such a call, "write@0" .. "write@(n-1)", n the most writes a call of that
     * number has made so far (the kernel's own write trace). A point past the writes of the call actually made is no
     * crash: the step runs through.
     */
    public List<String> crashPoints(int p) {
        if (state.crashes() >= config.crashes()) {
            return List.of();
        }
        Instr in = next(p);
        int n = kernel.maxWrites(callNumber(in.kind()), callArg(p, in));
        List<String> out = new ArrayList<>();
        for (int k = 0; k < (n == 0 ? DEFAULT_WRITES : n); k++) {
            out.add(Puppets.writePoint(k));
        }
        return out;
    }

    /** The first argument of that call: the fd (a store's read: 0, the console), fork's flags, exit's status. */
    long callArg(int p, Instr in) {
        switch (in.kind()) {
            case WRITE: case FSYNC: return FD;
            case CONWRITE: return 1;
            case FORK: return FORK_FLAGS;
            case SEND: return PIPE_WRITE_FD;
            case RECV: return PIPE_READ_FD;
            case WAIT: return -1;
            case EXIT: return exitCode(p, in);
            default: return 0;
        }
    }

    /** The status exit is given: 0, or in family mode the value of the page it names (the model's exit status). */
    int exitCode(int p, Instr in) {
        return family ? state.page(p, in.page()) : 0;
    }

    /** The kernel system call a model instruction makes (a store: the puppet's read of the command line). */
    static long callNumber(Instr.Kind k) {
        switch (k) {
            case STORE: return SYS_READ;
            case WRITE: case CONWRITE: case SEND: return SYS_WRITE;
            case RECV: return SYS_READ;
            case FSYNC: return SYS_FSYNC;
            case FORK: return SYS_CLONE;
            case WAIT: return SYS_WAIT4;
            default: return SYS_EXIT_GROUP;
        }
    }

    /** True if a crash step may also crash the crash kernel (two crashes left). */
    public boolean resurrectCrashAllowed() {
        return state.crashes() + 2 <= config.crashes();
    }

    // ---- one step on both sides ---------------------------------------------------------------------------

    /**
     * Applies one step to model and kernel and compares them. A step that does not fit the current state (its process
     * has exited, its crash point does not belong to the call, no crash is left) is made to fit — the crash is dropped,
     * the value clamped — or skipped, so that shrunk sequences stay meaningful. Returns the step as applied, or null
     * if skipped.
     */
    public Step apply(Step requested) {
        int p = requested.proc();
        if (p < 0 || p >= config.procs() || state.proc(p, Layout.STATUS) != Layout.RUNNABLE) {
            return null;
        }
        Instr in = next(p);
        int v = in.kind() == Instr.Kind.STORE ? Math.max(1, Math.min(config.values(), requested.value())) : 0;
        String point = requested.point();
        if (point != null && (Puppets.writeIndex(point) < 0 || state.crashes() >= config.crashes())) {
            point = null;
        }
        String rpoint = point != null && requested.resurrectPoint() != null
                && RESURRECT_POINTS.contains(requested.resurrectPoint())
                && resurrectCrashAllowed() ? requested.resurrectPoint() : null;
        String corrupt = point != null && !family && requested.corrupt() != null
                && STRUCTURES.contains(requested.corrupt()) ? requested.corrupt() : null;
        Step step = new Step(p, point, rpoint, v, corrupt);
        done.add(step);
        try {
            if (!applyFitting(p, in, v, point, rpoint, corrupt)) {
                step = new Step(p, null, null, v); // the point lay past the call's writes: it ran through
                done.set(done.size() - 1, step);
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new Mismatch("kernel side failed at step " + done.size() + " (" + step + "): " + e.getMessage(),
                    sequence());
        }
        stats.steps++;
        return step;
    }

    /** One step on both sides; false if the crash point lay past the writes of the call (no crash was made). */
    private boolean applyFitting(int p, Instr in, int v, String point, String rpoint, String corrupt) {
        int pcBefore = state.proc(p, Layout.PC);
        // ---- kernel
        long instrBefore = kernel.instructions();
        long nr = callNumber(in.kind());
        long arg0 = callArg(p, in);
        String cmd;
        int g = in.page();
        switch (in.kind()) {
            case STORE: cmd = "poke " + g + " " + v; break;
            case WRITE: cmd = "write " + FD + " " + g + " " + BLOCK; break;
            case FSYNC: cmd = "fsync " + FD; break;
            case CONWRITE: cmd = "con " + g + " " + CONSOLE_BYTES; break;
            case FORK: cmd = "fork"; break;
            case SEND: cmd = "send " + g; break;
            case RECV: cmd = "recv " + g; break;
            case WAIT: cmd = "wait " + g; break;
            default: cmd = "exit " + exitCode(p, in); break;
        }
        int callsBefore = kernel.calls(p).size();
        // a call the model blocks (a recv on an empty pipe, a wait with no dead child) gets no answer yet
        boolean blocks = family && in.kind() != Instr.Kind.STORE
                && modelStep(state, p, in, v, -1, null, null, null).proc(p, Layout.STATUS) == Layout.BLOCKED;
        if (point != null) {
            kernel.arm(p, nr, arg0, point, rpoint, corrupt);
        }
        String line = null;
        if (in.kind() == Instr.Kind.EXIT) {
            kernel.exit(p, exitCode(p, in));
        } else if (blocks) {
            kernel.give(p, cmd);
            line = kernel.settle(p, callsBefore, nr, arg0);
        } else {
            line = kernel.command(p, cmd);
        }
        stats.sawWrites(in.kind().word(), kernel.maxWrites(nr, arg0));
        boolean crashed = false;
        State s;
        if (point != null) {
            crashed = kernel.fired();
            boolean rcrashed = kernel.resurrectFired();
            Puppets.AfterCrash after = kernel.afterCrash();
            kernel.disarm();
            if (crashed) {
                stats.crashes++;
                stats.crashedAt(in.kind().word(), point);
                if (rpoint != null) {
                    if (!rcrashed) {
                        throw new Mismatch("the crash kernel never reached " + rpoint, sequence());
                    }
                    stats.resurrectCrashes++;
                    stats.crashedAt("resurrect", rpoint);
                }
                s = witness(p, in, v, point, rpoint, corrupt, pcBefore, after);
            } else {
                s = modelStep(state, p, in, v, -1, null, null, null);
            }
        } else {
            s = modelStep(state, p, in, v, -1, null, null, null);
        }
        state = s;

        // ---- the kernel side's abstraction of this step
        if (family && s.proc(p, Layout.STATUS) == Layout.BLOCKED) {
            if (line != null) {
                throw new Mismatch("p" + p + " blocks in the model, but the kernel answered '" + line + "'", sequence());
            }
            statusK[p] = Layout.BLOCKED;
            blockedCalls[p] = callsBefore;
            kernel.setBlocked(p, true);
        } else {
            observeResult(p, in, v, line, cmd, callsBefore);
        }
        // offsets: lseek(fd, 0, SEEK_CUR) by the puppet, after a file write and, after a crash, for every process (a
        // program that forks writes no file: its offsets do not move)
        for (int q = 0; q < config.procs() && !family; q++) {
            boolean need = crashed || (q == p && in.kind() == Instr.Kind.WRITE);
            if (need && !kernel.exited(q) && !kernel.lost(q)) {
                int from = kernel.calls(q).size();
                String r = kernel.command(q, "lseek " + FD + " 0 1");
                Puppets.Call call = kernel.firstCompleted(q, from, SYS_LSEEK, FD);
                if (call == null) {
                    throw new Mismatch("p" + q + ": lseek not observed", sequence());
                }
                expectLine(q, r, "lseek = " + call.result);
                offK[q] = call.result >= 0 && call.result % BLOCK == 0 ? (int) (call.result / BLOCK) : -1;
            }
        }
        if (family && crashed) {
            List<Integer> live = new ArrayList<>();
            for (int q = 0; q < config.procs(); q++) {
                if (statusK[q] == Layout.RUNNABLE || statusK[q] == Layout.BLOCKED) {
                    live.add(q);
                }
            }
            kernel.awaitRedispatch(live);
        }
        if (family) {
            completeWoken();
        }
        stats.instructions += kernel.instructions() - instrBefore;
        compare("after step " + done.size() + " (" + done.get(done.size() - 1) + ")");
        return point == null || crashed;
    }

    /**
     * Family mode: a process the model has runnable again whose puppet is blocked (woken by the step, or resurrected
     * by a crash kernel) makes its call again now, on both sides: the model's call run through, the kernel's answer
     * awaited (unless the model blocks it again).
     */
    private void completeWoken() {
        boolean again = true;
        while (again) {
            again = false;
            for (Action a : model.actions(state)) {
                int q = a.pid();
                if (a.kind() != Action.Kind.SYSCALL_ENTRY || statusK[q] != Layout.BLOCKED) {
                    continue;
                }
                Instr in = next(q);
                State t = complete(model.step(state, a), q);
                state = t;
                if (t.proc(q, Layout.STATUS) != Layout.BLOCKED) {
                    String line = kernel.await(q);
                    kernel.setBlocked(q, false);
                    statusK[q] = Layout.RUNNABLE;
                    observeResult(q, in, 0, line, in.kind().word(), blockedCalls[q]);
                }
                again = true;
                break;
            }
        }
    }

    /** The kernel side's abstraction of p's answered command (the result line, the registers at its ecall). */
    private void observeResult(int p, Instr in, int v, String line, String cmd, int callsBefore) {
        long nr = callNumber(in.kind());
        long arg0 = callArg(p, in);
        pcK[p]++;
        if (kernel.lost(p)) {
            // left corrupt at the crash: the kernel must not bring it back; only its status is compared
        } else if (in.kind() == Instr.Kind.EXIT) {
            a0K[p] = 0;
            statusK[p] = Layout.EXITED;
        } else {
            Puppets.Call call = kernel.firstCompleted(p, callsBefore, in.kind() == Instr.Kind.STORE ? SYS_WRITE : nr,
                    in.kind() == Instr.Kind.STORE ? 1 : arg0);
            if (call == null) {
                throw new Mismatch("p" + p + ": no completed " + in.kind().word() + " call was observed", sequence());
            }
            String name = cmd.indexOf(' ') < 0 ? cmd : cmd.substring(0, cmd.indexOf(' '));
            if (in.kind() == Instr.Kind.STORE) {
                t0K[p] = decode(call.t0);
                expectLine(p, line, "poke = " + v);
            } else {
                a0K[p] = abstractA0(p, in.kind(), call.result, state);
                if (in.kind() == Instr.Kind.FORK && a0K[p] >= 0) {
                    int c = a0K[p];
                    kernel.adopt(c, (int) call.result);
                    statusK[c] = Layout.RUNNABLE;
                    pcK[c] = in.page();
                    a0K[c] = 0;
                    t0K[c] = t0K[p];
                    offK[c] = offK[p];
                } else if (in.kind() == Instr.Kind.WAIT && a0K[p] >= 0) {
                    statusK[a0K[p]] = Layout.FREE;
                    kernel.reaped(a0K[p]);
                }
                String suffix = name + " = " + call.result;
                if (!line.endsWith(suffix)) {
                    throw new Mismatch("p" + p + " printed '" + line + "' but its a0 after the ecall was " + call.result,
                            sequence());
                }
                String payload = line.substring(0, line.length() - suffix.length());
                if (in.kind() == Instr.Kind.CONWRITE) {
                    for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) {
                        consoleK.add(b & 0xFF);
                    }
                } else if (!payload.isEmpty()) {
                    throw new Mismatch("p" + p + " printed unexpected bytes before its answer: '" + payload + "'",
                            sequence());
                }
            }
        }
    }

    private void expectLine(int p, String got, String want) {
        if (!got.equals(want)) {
            throw new Mismatch("p" + p + " printed '" + got + "', expected '" + want + "'", sequence());
        }
    }

    /**
     * A call's result in the model's vocabulary: bytes of a file or pipe write or read in blocks (8 bytes: 1); fork's
     * child pid as the slot the model gave the child (m's a0: which slot a new pid takes is the harness's choice), wait's
     * pid as the slot of that child; -1 for an error.
     */
    int abstractA0(int p, Instr.Kind k, long raw, State m) {
        if (k == Instr.Kind.FORK) {
            return raw <= 0 ? -1 : m.proc(p, Layout.A0) >= 0 ? m.proc(p, Layout.A0) : -2;
        }
        if (k == Instr.Kind.WAIT) {
            return raw > 0 ? kernel.slotOf(raw) : -1;
        }
        return abstractResult(k, raw);
    }

    static int abstractResult(Instr.Kind k, long raw) {
        if (k == Instr.Kind.WRITE || k == Instr.Kind.SEND || k == Instr.Kind.RECV) {
            return raw >= 0 && raw % BLOCK == 0 ? (int) (raw / BLOCK) : (int) Math.max(-1_000_000, Math.min(-1, raw - 1000));
        }
        return (int) raw;
    }

    // ---- the model side of a step ----------------------------------------------------------------------------

    /**
     * The model's witness of a kernel crash: the first i such that crashing the model after i micro-steps of the call
     * leaves what the kernel's crash left on the console (the bytes the call had sent) and (with the
     * crash kernel crashed at rpoint) gives, at the resurrected process's first dispatch, what the kernel gave. The
     * model state after the step from there is returned; no i at all is a mismatch. The witness of each write index
     * is kept in the statistics, where they must not go down as the write index goes up (a refinement mapping).
     */
    private State witness(int p, Instr in, int v, String point, String rpoint, String corrupt, int pcBefore,
                          Puppets.AfterCrash after) {
        List<String> tried = new ArrayList<>();
        int steps = in.kind() == Instr.Kind.STORE ? 0 : callSteps(state, p, in);
        for (int i = 0; i <= steps; i++) {
            State[] afterCrash = new State[2];
            State s = modelStep(state, p, in, v, i, rpoint, corrupt, afterCrash);
            String why = atCrashMismatch(afterCrash[1], after);
            if (why == null) why = afterCrashMismatch(p, in, pcBefore, afterCrash[0], after);
            if (why == null) {
                if (corrupt == null) {
                    stats.witness(in.kind().word(), Puppets.writeIndex(point), i);
                } else {
                    stats.corrupted++; // lost whatever the model's crash point: no witness to map
                }
                return s;
            }
            tried.add("  crash after " + i + " model steps: " + why);
        }
        throw new Mismatch("after the crash kernel's commit (kernel crash at " + point + " in p" + p + "'s "
                + in.kind().word() + "): no model crash point gives what the kernel gives:\n" + String.join("\n", tried),
                sequence());
    }

    /** The micro-steps the model's call of p takes, from its ecall to its last tail write. */
    private int callSteps(State s0, int p, Instr in) {
        State s = prepare(s0, p, in);
        s = model.step(s, find(s, Action.Kind.SYSCALL_ENTRY, p, 0));
        int n = 0;
        while (s.proc(p, Layout.STEP) != 0) {
            s = model.step(s, find(s, Action.Kind.SYSCALL_STEP, p, 0));
            n++;
        }
        return n;
    }

    /**
     * The kernel's fsync and exit (last close) write back the whole block cache; the model's fsync flushes only the
     * process's file and its exit none: the other dirty blocks go first, by the model's flusher.
     */
    private State prepare(State s0, int p, Instr in) {
        State s = s0;
        if (in.kind() == Instr.Kind.FSYNC || in.kind() == Instr.Kind.EXIT) {
            int file = s.proc(p, Layout.FD_FILE);
            boolean again = true;
            while (again) {
                again = false;
                for (Action a : model.actions(s)) {
                    if (a.kind() == Action.Kind.FLUSHER
                            && (in.kind() == Instr.Kind.EXIT || a.arg() / s.layout().blocks != file)) {
                        s = model.step(s, a);
                        again = true;
                        break;
                    }
                }
            }
        }
        return s;
    }

    /**
     * The model side of a step: without a crash (crashAfter &lt; 0), or with the kernel crashed after crashAfter
     * micro-steps of the call (a store: before it); afterCrash[0] gets the state right after the resurrection,
     * afterCrash[1] (when there is room) the state at the crash.
     */
    private State modelStep(State s0, int p, Instr in, int v, int crashAfter, String rpoint, String corrupt,
                            State[] afterCrash) {
        State s = s0;
        if (in.kind() == Instr.Kind.STORE) {
            if (crashAfter >= 0) {
                s = crashAndResurrect(s, rpoint, p, corrupt);
                afterCrash[0] = s;
                if (s.proc(p, Layout.STATUS) != Layout.RUNNABLE) {
                    return s;
                }
            }
            return model.step(s, find(s, Action.Kind.USER_STORE, p, v));
        }
        s = prepare(s, p, in);
        int pcBefore = s.proc(p, Layout.PC);
        s = model.step(s, find(s, Action.Kind.SYSCALL_ENTRY, p, 0));
        if (crashAfter < 0) {
            return complete(s, p);
        }
        for (int i = 0; i < crashAfter && s.proc(p, Layout.STEP) != 0; i++) {
            s = model.step(s, find(s, Action.Kind.SYSCALL_STEP, p, 0));
        }
        if (afterCrash.length > 1) {
            afterCrash[1] = s;
        }
        s = crashAndResurrect(s, rpoint, p, corrupt);
        afterCrash[0] = s;
        if (s.proc(p, Layout.STATUS) == Layout.RUNNABLE && s.proc(p, Layout.PC) == pcBefore) {
            // not made: the process makes the call again, first
            s = model.step(s, find(s, Action.Kind.SYSCALL_ENTRY, p, 0));
            s = complete(s, p);
        }
        return s;
    }

    private State complete(State s, int p) {
        State t = s;
        while (t.proc(p, Layout.STEP) != 0) {
            t = model.step(t, find(t, Action.Kind.SYSCALL_STEP, p, 0));
        }
        return t;
    }

    /** Crash (leaving p's structure corrupt, if one is named), optionally crash the crash kernel at rpoint, resurrect. */
    private State crashAndResurrect(State s0, String rpoint, int p, String corrupt) {
        State s = model.step(s0, corrupt == null ? find(s0, Action.Kind.CRASH, -1, 0) : corruptingCrash(s0, p, corrupt));
        int procs = config.procs();
        if (rpoint != null) {
            int target;
            switch (rpoint) {
                case "resurrect.validate": target = 0; break;
                case "resurrect.decided": target = procs; break;
                case "resurrect.flushed": target = procs + 1; break;
                default: target = 2 * procs + 1; break;
            }
            while (s.rstep() < target) {
                s = model.step(s, resurrectionStep(s));
            }
            s = model.step(s, find(s, Action.Kind.CRASH_DURING_RESURRECTION, -1, 0));
        }
        while (s.phase() == Layout.RESURRECTING) {
            s = model.step(s, resurrectionStep(s));
        }
        return s;
    }

    private Action corruptingCrash(State s, int p, String structure) {
        for (Action a : model.actions(s)) {
            if (a.kind() == Action.Kind.CRASH && a.pid() == p && Structure.ofCode(a.arg()).label().equals(structure)) {
                return a;
            }
        }
        throw new IllegalStateException("model: no crash corrupting p" + p + " " + structure);
    }

    private Action resurrectionStep(State s) {
        for (Action a : model.actions(s)) {
            if (a.kind() != Action.Kind.CRASH_DURING_RESURRECTION) {
                return a;
            }
        }
        throw new IllegalStateException("model: no resurrection step enabled");
    }

    private Action find(State s, Action.Kind kind, int pid, int arg) {
        for (Action a : model.actions(s)) {
            if (a.kind() == kind && a.pid() == pid && (kind != Action.Kind.USER_STORE && kind != Action.Kind.CRASH
                    || a.arg() == arg)) {
                return a;
            }
        }
        throw new IllegalStateException("model: no enabled " + kind + " for p" + pid + " in\n" + s);
    }

    // ---- comparisons -------------------------------------------------------------------------------------------

    /**
     * At the crash: the console bytes the interrupted call had sent, as the model's call at its candidate crash point
     * (s); null if they agree. (The disk at that instant is not compared: the kernel writes a file's blocks back in
     * its cache's order, metadata and data apart, and only what the crash kernel leaves is meant to agree.)
     */
    private String atCrashMismatch(State s, Puppets.AfterCrash k) {
        if (s == null || k == null) {
            return null;
        }
        int sent = s.console().length - state.console().length;
        return sent == k.sentAtCrash ? null
                : "at the crash the call had sent " + k.sentAtCrash + " console bytes, the model's " + sent;
    }

    /**
     * At the crashed process's first dispatch after resurrection: registers, pages and disk as the model's commit;
     * null if they agree, else what differs. The block a write not yet made again is to write may hold its new
     * bytes or its old ones: the kernel trims what lies past a file's size, the model has no sizes.
     */
    private String afterCrashMismatch(int p, Instr in, int pcBefore, State m, Puppets.AfterCrash k) {
        stats.comparisons++;
        if (m.proc(p, Layout.STATUS) != Layout.RUNNABLE) {
            if (k != null) {
                return "the model has p" + p + " " + State.statusName(m.proc(p, Layout.STATUS))
                        + " but the kernel dispatched it again (pc delta " + k.pcDelta + ")";
            }
            // Lost: the call is never made again, so what it had written before the crash stays as the crash
            // kernel flushed it. The candidate crash point must leave the disk the kernel left (its data in the
            // cache or not yet), else a later write's bytes would be blamed on a "lost, never written" call.
            int[] disk = decodeDisk(kernel.diskImage());
            int[] mdisk = Observation.of(m).disk();
            return Arrays.equals(disk, mdisk) ? null
                    : "p" + p + " lost; disk " + Arrays.toString(disk) + ", model " + Arrays.toString(mdisk);
        }
        if (k == null) {
            return "p" + p + " runnable in the model but never dispatched again";
        }
        boolean completed = m.proc(p, Layout.PC) == pcBefore + 1;
        if (in.kind() != Instr.Kind.STORE) {
            long want = completed ? 4 : 0;
            if (k.pcDelta != want) {
                return "model says the call was " + (completed ? "made" : "not made") + " but the resumed pc is the ecall's "
                        + (k.pcDelta >= 0 ? "+" : "") + k.pcDelta;
            }
            if (completed && abstractA0(p, in.kind(), k.a0, m) != m.proc(p, Layout.A0)) {
                return "the made call returned a0=" + k.a0 + " (abstract " + abstractA0(p, in.kind(), k.a0, m)
                        + "), model a0=" + m.proc(p, Layout.A0);
            }
        }
        int[] pages = new int[config.pages()];
        int[] want = new int[config.pages()];
        for (int g = 0; g < pages.length; g++) {
            pages[g] = decodePage(k.pageWords[g]);
            want[g] = m.page(p, g);
        }
        if (!Arrays.equals(pages, want)) {
            return "p" + p + " pages " + Arrays.toString(pages) + " (words " + hex(k.pageWords) + "), model "
                    + Arrays.toString(want);
        }
        int[] disk = decodeDisk(k.disk);
        int[] mdisk = Observation.of(m).disk();
        int pending = in.kind() == Instr.Kind.WRITE && !completed
                ? m.layout().fb(m.proc(p, Layout.FD_FILE), m.proc(p, Layout.FD_OFF)) : -1;
        for (int i = 0; i < disk.length; i++) {
            if (disk[i] != mdisk[i] && !(i == pending && disk[i] == m.get(m.layout().gCommitted + i))) {
                return "disk " + Arrays.toString(disk) + ", model " + Arrays.toString(mdisk);
            }
        }
        return null;
    }

    /** The kernel side's observation, abstracted to the model's vocabulary. */
    public Observation observeKernel(Observation modelView) {
        List<ProcessView> ps = new ArrayList<>();
        for (int p = 0; p < config.procs(); p++) {
            if (family && statusK[p] != Layout.RUNNABLE && statusK[p] != Layout.BLOCKED) {
                // free (never forked, or waited for) or a zombie: only its status is observable
                ProcessView m = modelView.processes().get(p);
                ps.add(new ProcessView(statusK[p], m.pc(), m.a0(), m.t0(), m.pages(), m.offsets()));
                continue;
            }
            if (kernel.exited(p) || kernel.lost(p)) {
                // an exited puppet's memory is freed and its registers gone; a lost one is never run again: only its
                // status is observable
                ProcessView m = modelView.processes().get(p);
                ps.add(new ProcessView(kernel.lost(p) ? Layout.LOST : Layout.EXITED, m.pc(), m.a0(), m.t0(), m.pages(),
                        m.offsets()));
                continue;
            }
            long[] words = kernel.pageWords(p);
            int[] pages = new int[words.length];
            for (int g = 0; g < words.length; g++) {
                pages[g] = decodePage(words[g]);
            }
            ps.add(new ProcessView(family ? statusK[p] : Layout.RUNNABLE, pcK[p], a0K[p], t0K[p], pages,
                    new int[] {offK[p]}));
        }
        int[] console = new int[consoleK.size()];
        for (int i = 0; i < console.length; i++) {
            console[i] = consoleK.get(i);
        }
        return new Observation(ps, decodeDisk(kernel.diskImage()), console);
    }

    private void compare(String when) {
        stats.comparisons++;
        if (kernel.lostDispatched() != null) {
            throw new Mismatch(when + ": " + kernel.lostDispatched(), sequence());
        }
        Observation m = Observation.of(state);
        Observation k = observeKernel(m);
        if (!m.equals(k)) {
            throw new Mismatch("observations differ " + when + ":\n" + diff(m, k), sequence());
        }
    }

    static String diff(Observation m, Observation k) {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < m.processes().size(); p++) {
            ProcessView a = m.processes().get(p);
            ProcessView b = k.processes().get(p);
            if (!a.equals(b)) {
                sb.append("  p").append(p).append(" model:  ").append(a).append('\n');
                sb.append("  p").append(p).append(" kernel: ").append(b).append('\n');
            }
        }
        if (!Arrays.equals(m.disk(), k.disk())) {
            sb.append("  disk model:  ").append(Arrays.toString(m.disk())).append('\n');
            sb.append("  disk kernel: ").append(Arrays.toString(k.disk())).append('\n');
        }
        if (!Arrays.equals(m.console(), k.console())) {
            sb.append("  console model:  ").append(State.bytes(m.console())).append('\n');
            sb.append("  console kernel: ").append(State.bytes(k.console())).append('\n');
        }
        return sb.toString();
    }

    /**
     * Ends the run: the kernel writes its page cache back (as every scenario ends) and the model flushes every dirty
     * block; then the disk must hold exactly the committed file contents.
     */
    public void finish() {
        kernel.sync();
        boolean again = true;
        while (again) {
            again = false;
            for (Action a : model.actions(state)) {
                if (a.kind() == Action.Kind.FLUSHER) {
                    state = model.step(state, a);
                    again = true;
                    break;
                }
            }
        }
        compare("after the final sync");
    }

    // ---- the value encoding ----------------------------------------------------------------------------------

    /**
     * A page's word 0 in the model's vocabulary: v for E(v); in family mode also a wait status, which wait4 writes in
     * the word's first 4 bytes ({@code v << 8}, an exit status v &lt; 16), whatever its other 4 bytes hold.
     */
    int decodePage(long w) {
        int v = decode(w);
        if (v < 0 && family && (w & 0xFFFF_F0FFL) == 0) {
            return (int) ((w >>> 8) & 0xF);
        }
        return v;
    }

    /** E(v): byte k is (v << 4) | k, little-endian. */
    public static long encode(int v) {
        long w = 0;
        for (int k = 0; k < 8; k++) {
            w |= (long) (((v << 4) | k) & 0xFF) << (8 * k);
        }
        return w;
    }

    /** v with E(v) = w, or -1 if w encodes no value. */
    public static int decode(long w) {
        int v = (int) ((w >>> 4) & 0xF);
        return encode(v) == w ? v : -1;
    }

    /** The model's disk array from a disk image: file f's block b from bytes [8b, 8b+8) of /f{f}; 0 past the end. */
    int[] decodeDisk(byte[] image) {
        int files = config.files();
        int blocks = state.layout().blocks;
        int[] d = new int[files * blocks];
        for (int f = 0; f < files; f++) {
            byte[] data = Puppets.file(image, fileName(f));
            int len = data == null ? 0 : data.length;
            for (int b = 0; b < blocks; b++) {
                int at = b * BLOCK;
                if (at >= len) {
                    d[f * blocks + b] = 0;
                } else if (at + BLOCK > len) {
                    d[f * blocks + b] = -2; // a partial block
                } else {
                    long w = 0;
                    for (int i = 0; i < BLOCK; i++) {
                        w |= (long) (data[at + i] & 0xFF) << (8 * i);
                    }
                    d[f * blocks + b] = decode(w);
                }
            }
            if (len > blocks * BLOCK) {
                d[f * blocks + blocks - 1] = -3; // more data than the model's blocks
            }
        }
        return d;
    }

    static String hex(long[] w) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < w.length; i++) {
            sb.append(i > 0 ? ", " : "").append(Long.toHexString(w[i]));
        }
        return sb.append(']').toString();
    }
}
