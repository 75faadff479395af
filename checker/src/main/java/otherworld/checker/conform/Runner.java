package otherworld.checker.conform;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import otherworld.model.Config;
import otherworld.model.Instr;

/**
 * Random conformance runs (seeded, so each replays), shrinking of a failing sequence, and replay of a saved one.
 * Used by {@code ow conform}; the JUnit side generates the same steps with jqwik's ActionChain
 * ({@code ConformanceProperties}).
 */
public final class Runner {
    /** The bounds of random runs. */
    public static final class Bounds {
        public int procs = 2;
        public int maxActions = 20;
        public int crashes = 2;
        public int maxPages = 2;
        public int maxValues = 3;
        public int maxProgram = 6;
        /** Runs of issue 8's program (a parent, its children, the pipe, waits) instead of random programs. */
        public boolean forkPipe;
    }

    /** A failing sequence and the mismatch it shows (message of the shrunk run). */
    public static final class Failure {
        public final Sequence original;
        public final Sequence shrunk;
        public final String message;
        public final int shrinkRuns;

        Failure(Sequence original, Sequence shrunk, String message, int shrinkRuns) {
            this.original = original;
            this.shrunk = shrunk;
            this.message = message;
            this.shrinkRuns = shrinkRuns;
        }
    }

    private Runner() { }

    /** A random program: 1..max instructions (stores, writes, fsync, console writes), then exit. */
    public static List<Instr> randomProgram(Random rnd, int pages, int max) {
        List<Instr> prog = new ArrayList<>();
        int n = 1 + rnd.nextInt(max);
        for (int i = 0; i < n; i++) {
            int g = rnd.nextInt(pages);
            switch (rnd.nextInt(7)) {
                case 0: case 1: prog.add(new Instr(Instr.Kind.STORE, g)); break;
                case 2: case 3: prog.add(new Instr(Instr.Kind.WRITE, g)); break;
                case 4: prog.add(new Instr(Instr.Kind.FSYNC, 0)); break;
                default: prog.add(new Instr(Instr.Kind.CONWRITE, g)); break;
            }
        }
        prog.add(new Instr(Instr.Kind.EXIT, 0));
        return prog;
    }

    /**
     * A random program with fork and the pipe for two processes: the parent stores, forks, then makes up to three of
     * store, send, recv, wait and exits; the child makes up to three of store, send, recv and exits. At most two
     * sends in all (the model's pipe holds two values, the kernel's many more: more in flight would block only in
     * the model). A recv no send will feed blocks for good, on both sides.
     */
    public static List<Instr> randomForkProgram(Random rnd, int pages) {
        List<Instr> parent = new ArrayList<>();
        List<Instr> child = new ArrayList<>();
        int sends = 0;
        parent.add(new Instr(Instr.Kind.STORE, 0));
        for (int side = 0; side < 2; side++) {
            List<Instr> out = side == 0 ? parent : child;
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                int g = rnd.nextInt(pages);
                int k = rnd.nextInt(side == 0 ? 4 : 3);
                if (k == 1 && sends == 2) {
                    k = 0;
                }
                switch (k) {
                    case 0: out.add(new Instr(Instr.Kind.STORE, g)); break;
                    case 1: out.add(new Instr(Instr.Kind.SEND, g)); sends++; break;
                    case 2: out.add(new Instr(Instr.Kind.RECV, g)); break;
                    default: out.add(new Instr(Instr.Kind.WAIT, g)); break;
                }
            }
            out.add(new Instr(Instr.Kind.EXIT, rnd.nextInt(pages)));
        }
        List<Instr> prog = new ArrayList<>();
        prog.add(parent.get(0));
        prog.add(new Instr(Instr.Kind.FORK, parent.size() + 1));
        prog.addAll(parent.subList(1, parent.size()));
        prog.addAll(child);
        return prog;
    }

    /** Random model bounds within b. */
    public static Config randomConfig(Random rnd, Bounds b) {
        if (b.forkPipe && rnd.nextBoolean()) {
            int pages = 1 + rnd.nextInt(b.maxPages);
            return Conformance.normalize(Config.defaults().withProcs(2).withPages(pages)
                    .withValues(1 + rnd.nextInt(b.maxValues)).withCrashes(b.crashes)
                    .withProgram(randomForkProgram(rnd, pages)));
        }
        if (b.forkPipe) {
            int slots = 2 + rnd.nextInt(Math.max(1, b.procs - 1));
            return Conformance.normalize(Config.defaults().withProcs(slots).withValues(1 + rnd.nextInt(b.maxValues))
                    .withCrashes(b.crashes).withProgram(Config.forkPipeProgram(slots - 1)));
        }
        int procs = 1 + rnd.nextInt(b.procs);
        int pages = 1 + rnd.nextInt(b.maxPages);
        int files = rnd.nextBoolean() ? 1 : procs;
        return Conformance.normalize(Config.defaults().withProcs(procs).withPages(pages)
                .withValues(1 + rnd.nextInt(b.maxValues)).withFiles(files).withCrashes(b.crashes)
                .withProgram(randomProgram(rnd, pages, b.maxProgram)));
    }

    /** A random step that fits the harness's current state, or null if no process can step. */
    public static Step randomStep(Random rnd, Conformance c, double crashRate) {
        List<Integer> ps = c.runnable();
        if (ps.isEmpty()) {
            return null;
        }
        int p = ps.get(rnd.nextInt(ps.size()));
        int v = c.next(p).kind() == Instr.Kind.STORE ? 1 + rnd.nextInt(c.config().values()) : 0;
        List<String> points = c.crashPoints(p);
        if (!points.isEmpty() && rnd.nextDouble() < crashRate) {
            String rp = c.resurrectCrashAllowed() && rnd.nextInt(4) == 0
                    ? Conformance.RESURRECT_POINTS.get(rnd.nextInt(Conformance.RESURRECT_POINTS.size())) : null;
            // half the crashes among the last writes of the call, where its commit and tail are
            int n = points.size();
            int k = rnd.nextBoolean() ? rnd.nextInt(n) : Math.max(0, n - 1 - rnd.nextInt(Math.min(n, 16)));
            String corrupt = rnd.nextInt(5) == 0
                    ? Conformance.STRUCTURES.get(rnd.nextInt(Conformance.STRUCTURES.size())) : null;
            return new Step(p, points.get(k), rp, v, corrupt);
        }
        return Step.run(p, v);
    }

    /**
     * One random run: random bounds, then up to maxActions random steps, each compared; the final sync compared.
     * Returns the failing sequence or null.
     */
    public static Sequence randomRun(Random rnd, Bounds b, Stats stats, double crashRate) {
        Config config = randomConfig(rnd, b);
        Conformance c;
        try {
            c = new Conformance(config, stats);
        } catch (Conformance.Mismatch m) {
            return m.sequence();
        }
        try {
            for (int i = 0; i < b.maxActions; i++) {
                Step s = randomStep(rnd, c, crashRate);
                if (s == null) {
                    break;
                }
                c.apply(s);
            }
            c.finish();
            return null;
        } catch (Conformance.Mismatch m) {
            return m.sequence();
        }
    }

    /** Runs a sequence; returns the mismatch message, or null if model and kernel agree throughout. */
    public static String replay(Sequence seq, Stats stats) {
        try {
            Conformance c = new Conformance(seq.config(), stats);
            for (Step s : seq.steps()) {
                c.apply(s);
            }
            c.finish();
            return null;
        } catch (Conformance.Mismatch m) {
            return m.getMessage();
        }
    }

    public static String replay(Path file, Stats stats) throws IOException {
        return replay(Sequence.read(file), stats);
    }

    /**
     * Shrinks a failing sequence: drops chunks of steps (halves, then smaller), then single steps, then crashes of
     * the crash kernel, then crashes, then lowers values; keeps each change that still fails. At most maxRuns replays.
     */
    public static Failure shrink(Sequence failing, int maxRuns) {
        Stats scratch = new Stats();
        String msg = replay(failing, scratch);
        if (msg == null) {
            return null; // not reproducible
        }
        Sequence cur = failing;
        int runs = 1;
        boolean progress = true;
        while (progress && runs < maxRuns) {
            progress = false;
            List<Step> steps = cur.steps();
            for (int chunk = Math.max(1, steps.size() / 2); chunk >= 1 && !progress; chunk /= 2) {
                for (int from = 0; from + chunk <= cur.steps().size() && runs < maxRuns; ) {
                    List<Step> cand = new ArrayList<>(cur.steps());
                    cand.subList(from, from + chunk).clear();
                    Sequence s = new Sequence(cur.config(), cand);
                    String m = replay(s, scratch);
                    runs++;
                    if (m != null) {
                        cur = s;
                        msg = m;
                        progress = true;
                    } else {
                        from += chunk;
                    }
                }
            }
            for (int i = 0; i < cur.steps().size() && runs < maxRuns; i++) {
                Step st = cur.steps().get(i);
                List<Step> simpler = new ArrayList<>();
                if (st.resurrectPoint() != null) {
                    simpler.add(st.withoutResurrectCrash());
                }
                if (st.crashes()) {
                    simpler.add(st.withoutCrash());
                }
                if (st.value() > 1) {
                    simpler.add(new Step(st.proc(), st.point(), st.resurrectPoint(), 1));
                }
                for (Step alt : simpler) {
                    List<Step> cand = new ArrayList<>(cur.steps());
                    cand.set(i, alt);
                    Sequence s = new Sequence(cur.config(), cand);
                    String m = replay(s, scratch);
                    runs++;
                    if (m != null) {
                        cur = s;
                        msg = m;
                        progress = true;
                        break;
                    }
                }
            }
        }
        return new Failure(failing, cur, msg, runs);
    }
}
