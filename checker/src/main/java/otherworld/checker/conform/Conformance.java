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

    static final List<String> STORE_POINTS =
            List.of("syscall.entry", "read.before-copyout", "syscall.before-commit", "syscall.after-commit");
    static final List<String> WRITE_POINTS = List.of("syscall.entry", "write.before-fs", "write.after-fs",
            "syscall.before-commit", "syscall.after-commit");
    static final List<String> FSYNC_POINTS = List.of("syscall.entry", "syscall.before-commit", "syscall.after-commit");
    static final List<String> CONWRITE_POINTS =
            List.of("syscall.entry", "write.tty-partial", "syscall.before-commit", "syscall.after-commit");
    static final List<String> EXIT_POINTS =
            List.of("syscall.entry", "close.before-writeback", "syscall.before-commit", "syscall.after-commit");
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

    /** The model bounds conformance supports, completed: no corruption, the flusher on, 4 console bytes per write. */
    public static Config normalize(Config c) {
        return c.withCorruption(false).withFlusher(true).withConsoleBytes(CONSOLE_BYTES).validate();
    }

    public Conformance(Config config, Stats stats) {
        this.config = normalize(config);
        this.model = new Machine(this.config);
        this.program = this.config.program();
        this.stats = stats;
        this.state = model.init();
        int procs = this.config.procs();
        String[] files = new String[procs];
        for (int p = 0; p < procs; p++) {
            files[p] = fileName(p % this.config.files());
        }
        this.kernel = new Puppets(procs, this.config.pages(), files);
        pcK = new int[procs];
        a0K = new int[procs];
        t0K = new int[procs];
        offK = new int[procs];
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

    /** Crash points of the kernel system call that process p's next instruction makes (empty if no crash is left). */
    public List<String> crashPoints(int p) {
        if (state.crashes() >= config.crashes()) {
            return List.of();
        }
        return pointsFor(next(p).kind());
    }

    /** True if a crash step may also crash the crash kernel (two crashes left). */
    public boolean resurrectCrashAllowed() {
        return state.crashes() + 2 <= config.crashes();
    }

    static List<String> pointsFor(Instr.Kind k) {
        switch (k) {
            case STORE: return STORE_POINTS;
            case WRITE: return WRITE_POINTS;
            case FSYNC: return FSYNC_POINTS;
            case CONWRITE: return CONWRITE_POINTS;
            default: return EXIT_POINTS;
        }
    }

    /** Every crash point a run can hit, by name. */
    public static List<String> allPoints() {
        List<String> all = new ArrayList<>();
        for (Instr.Kind k : Instr.Kind.values()) {
            for (String s : pointsFor(k)) {
                if (!all.contains(s)) {
                    all.add(s);
                }
            }
        }
        all.addAll(RESURRECT_POINTS);
        return all;
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
        if (point != null && !crashPoints(p).contains(point)) {
            point = null;
        }
        String rpoint = point != null && requested.resurrectPoint() != null
                && RESURRECT_POINTS.contains(requested.resurrectPoint())
                && resurrectCrashAllowed() ? requested.resurrectPoint() : null;
        Step step = new Step(p, point, rpoint, v);
        done.add(step);
        try {
            applyFitting(p, in, v, point, rpoint);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new Mismatch("kernel side failed at step " + done.size() + " (" + step + "): " + e.getMessage(),
                    sequence());
        }
        stats.steps++;
        return step;
    }

    private void applyFitting(int p, Instr in, int v, String point, String rpoint) {
        int pcBefore = state.proc(p, Layout.PC);
        // ---- model
        State[] afterCrash = new State[1];
        State s = modelStep(state, p, in, v, point, rpoint, afterCrash);

        // ---- kernel
        long instrBefore = kernel.instructions();
        long nr;
        long arg0;
        String cmd;
        int g = in.page();
        switch (in.kind()) {
            case STORE: nr = SYS_READ; arg0 = 0; cmd = "poke " + g + " " + v; break;
            case WRITE: nr = SYS_WRITE; arg0 = FD; cmd = "write " + FD + " " + g + " " + BLOCK; break;
            case FSYNC: nr = SYS_FSYNC; arg0 = FD; cmd = "fsync " + FD; break;
            case CONWRITE: nr = SYS_WRITE; arg0 = 1; cmd = "con " + g + " " + CONSOLE_BYTES; break;
            default: nr = SYS_EXIT_GROUP; arg0 = 0; cmd = "exit 0"; break;
        }
        int callsBefore = kernel.calls(p).size();
        if (point != null) {
            kernel.arm(p, nr, arg0, point, rpoint);
        }
        String line = null;
        if (in.kind() == Instr.Kind.EXIT) {
            kernel.exit(p);
        } else {
            line = kernel.command(p, cmd);
        }
        boolean crashed = false;
        if (point != null) {
            crashed = kernel.fired();
            boolean rcrashed = kernel.resurrectFired();
            Puppets.AfterCrash after = kernel.afterCrash();
            kernel.disarm();
            if (!crashed) {
                throw new Mismatch("the kernel never reached crash point " + point + " in p" + p + "'s " + in.kind().word(),
                        sequence());
            }
            stats.crashes++;
            stats.crashedAt(point);
            if (rpoint != null) {
                if (!rcrashed) {
                    throw new Mismatch("the crash kernel never reached " + rpoint, sequence());
                }
                stats.resurrectCrashes++;
                stats.crashedAt(rpoint);
            }
            checkAfterCrash(p, in, pcBefore, afterCrash[0], after);
        }
        state = s;

        // ---- the kernel side's abstraction of this step
        pcK[p]++;
        if (in.kind() == Instr.Kind.EXIT) {
            a0K[p] = 0;
        } else {
            Puppets.Call call = kernel.firstCompleted(p, callsBefore, in.kind() == Instr.Kind.STORE ? SYS_WRITE : nr,
                    in.kind() == Instr.Kind.STORE ? 1 : arg0);
            if (call == null) {
                throw new Mismatch("p" + p + ": no completed " + in.kind().word() + " call was observed", sequence());
            }
            String name = cmd.substring(0, cmd.indexOf(' '));
            if (in.kind() == Instr.Kind.STORE) {
                t0K[p] = decode(call.t0);
                expectLine(p, line, "poke = " + v);
            } else {
                a0K[p] = abstractResult(in.kind(), call.result);
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
        // offsets: lseek(fd, 0, SEEK_CUR) by the puppet, after a file write and, after a crash, for every process
        for (int q = 0; q < config.procs(); q++) {
            boolean need = crashed || (q == p && in.kind() == Instr.Kind.WRITE);
            if (need && !kernel.exited(q)) {
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
        stats.instructions += kernel.instructions() - instrBefore;
        compare("after step " + done.size() + " (" + done.get(done.size() - 1) + ")");
    }

    private void expectLine(int p, String got, String want) {
        if (!got.equals(want)) {
            throw new Mismatch("p" + p + " printed '" + got + "', expected '" + want + "'", sequence());
        }
    }

    static int abstractResult(Instr.Kind k, long raw) {
        if (k == Instr.Kind.WRITE) {
            return raw >= 0 && raw % BLOCK == 0 ? (int) (raw / BLOCK) : (int) Math.max(-1_000_000, Math.min(-1, raw - 1000));
        }
        return (int) raw;
    }

    // ---- the model side of a step ----------------------------------------------------------------------------

    private State modelStep(State s0, int p, Instr in, int v, String point, String rpoint, State[] afterCrash) {
        State s = s0;
        if (in.kind() == Instr.Kind.STORE) {
            if (point != null) {
                s = crashAndResurrect(s, rpoint);
                afterCrash[0] = s;
            }
            return model.step(s, find(s, Action.Kind.USER_STORE, p, v));
        }
        // The kernel's fsync and exit (last close) write back the whole block cache; the model's fsync flushes only
        // the process's file and its exit none: the other dirty blocks go first, by the model's flusher.
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
        int pcBefore = s.proc(p, Layout.PC);
        s = model.step(s, find(s, Action.Kind.SYSCALL_ENTRY, p, 0));
        if (point == null || point.equals("syscall.after-commit")) {
            s = complete(s, p);
        } else if (point.equals("syscall.before-commit")) {
            while (!nextStepCommits(s, p)) {
                s = model.step(s, find(s, Action.Kind.SYSCALL_STEP, p, 0));
            }
        } else {
            int k = point.equals("write.after-fs") ? 1 : point.equals("write.tty-partial") ? CONSOLE_BYTES / 2 + 1 : 0;
            for (int i = 0; i < k; i++) {
                s = model.step(s, find(s, Action.Kind.SYSCALL_STEP, p, 0));
            }
        }
        if (point != null) {
            s = crashAndResurrect(s, rpoint);
            afterCrash[0] = s;
            if (s.proc(p, Layout.STATUS) == Layout.RUNNABLE && s.proc(p, Layout.PC) == pcBefore) {
                // restarted: the process makes the call again
                s = model.step(s, find(s, Action.Kind.SYSCALL_ENTRY, p, 0));
                s = complete(s, p);
            }
        }
        return s;
    }

    private boolean nextStepCommits(State s, int p) {
        Action a = find(s, Action.Kind.SYSCALL_STEP, p, 0);
        return a.label().contains(": commit");
    }

    private State complete(State s, int p) {
        State t = s;
        while (t.proc(p, Layout.INFL) != 0) {
            t = model.step(t, find(t, Action.Kind.SYSCALL_STEP, p, 0));
        }
        return t;
    }

    /** Crash, optionally crash the crash kernel at rpoint, and resurrect to the commit. */
    private State crashAndResurrect(State s0, String rpoint) {
        State s = model.step(s0, find(s0, Action.Kind.CRASH, -1, 0));
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

    /** At the crashed process's first dispatch after resurrection: registers, pages and disk as the model's commit. */
    private void checkAfterCrash(int p, Instr in, int pcBefore, State m, Puppets.AfterCrash k) {
        stats.comparisons++;
        String where = "after the crash kernel's commit (crash in p" + p + "'s " + in.kind().word() + ")";
        if (m.proc(p, Layout.STATUS) != Layout.RUNNABLE) {
            if (k != null) {
                throw new Mismatch(where + ": the model has p" + p + " " + State.statusName(m.proc(p, Layout.STATUS))
                        + " but the kernel dispatched it again (pc delta " + k.pcDelta + ")", sequence());
            }
            return;
        }
        if (k == null) {
            throw new Mismatch(where + ": p" + p + " runnable in the model but never dispatched again", sequence());
        }
        if (in.kind() != Instr.Kind.STORE) {
            boolean completed = m.proc(p, Layout.PC) == pcBefore + 1;
            long want = completed ? 4 : 0;
            if (k.pcDelta != want) {
                throw new Mismatch(where + ": model says the call was " + (completed ? "completed" : "not yet made")
                        + " but the resumed pc is the ecall's " + (k.pcDelta >= 0 ? "+" : "") + k.pcDelta, sequence());
            }
            if (completed && abstractResult(in.kind(), k.a0) != m.proc(p, Layout.A0)) {
                throw new Mismatch(where + ": completed call returned a0=" + k.a0 + " (abstract "
                        + abstractResult(in.kind(), k.a0) + "), model a0=" + m.proc(p, Layout.A0), sequence());
            }
        }
        int[] pages = new int[config.pages()];
        int[] want = new int[config.pages()];
        for (int g = 0; g < pages.length; g++) {
            pages[g] = decode(k.pageWords[g]);
            want[g] = m.page(p, g);
        }
        if (!Arrays.equals(pages, want)) {
            throw new Mismatch(where + ": p" + p + " pages " + Arrays.toString(pages) + " (words " + hex(k.pageWords)
                    + "), model " + Arrays.toString(want), sequence());
        }
        int[] disk = decodeDisk(k.disk);
        int[] mdisk = Observation.of(m).disk();
        if (!Arrays.equals(disk, mdisk)) {
            throw new Mismatch(where + ": disk " + Arrays.toString(disk) + ", model " + Arrays.toString(mdisk), sequence());
        }
    }

    /** The kernel side's observation, abstracted to the model's vocabulary. */
    public Observation observeKernel(Observation modelView) {
        List<ProcessView> ps = new ArrayList<>();
        for (int p = 0; p < config.procs(); p++) {
            if (kernel.exited(p)) {
                // an exited puppet's memory is freed and its registers gone: only its status is observable
                ProcessView m = modelView.processes().get(p);
                ps.add(new ProcessView(Layout.EXITED, m.pc(), m.a0(), m.t0(), m.pages(), m.offsets()));
                continue;
            }
            long[] words = kernel.pageWords(p);
            int[] pages = new int[words.length];
            for (int g = 0; g < words.length; g++) {
                pages[g] = decode(words[g]);
            }
            ps.add(new ProcessView(Layout.RUNNABLE, pcK[p], a0K[p], t0K[p], pages, new int[] {offK[p]}));
        }
        int[] console = new int[consoleK.size()];
        for (int i = 0; i < console.length; i++) {
            console[i] = consoleK.get(i);
        }
        return new Observation(ps, decodeDisk(kernel.diskImage()), console);
    }

    private void compare(String when) {
        stats.comparisons++;
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
