package otherworld.checker;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Breadth-first explicit-state model checker in the manner of TLC.
 *
 * <p>The search runs level by level. Worker threads expand slices of the current level (compute
 * successors, fingerprints, invariant verdicts); one thread then merges the slices in frontier
 * order into the fingerprint set and the next level. The merge order is fixed, so counts and the
 * counterexample are the same on every run and for any number of workers; the first violation
 * met in that order sits at the smallest depth, so its trace is a shortest one.
 */
public final class ModelChecker<S, A> {
    private final TransitionSystem<S, A> system;
    private int workers = 1;
    private boolean checkDeadlock;
    private long maxStates = Long.MAX_VALUE;
    private long progressMillis = 0;
    private PrintStream progress;
    private String header = "";

    private volatile long generated;
    private volatile long distinct;
    private volatile long queued;
    private volatile int depth;

    public ModelChecker(TransitionSystem<S, A> system) {
        this.system = system;
    }

    public ModelChecker<S, A> workers(int n) {
        this.workers = Math.max(1, n);
        return this;
    }

    public ModelChecker<S, A> checkDeadlock(boolean on) {
        this.checkDeadlock = on;
        return this;
    }

    public ModelChecker<S, A> maxStates(long n) {
        this.maxStates = n;
        return this;
    }

    /** Print a TLC-like progress line to out every interval (0: never). */
    public ModelChecker<S, A> progress(PrintStream out, long intervalMillis) {
        this.progress = out;
        this.progressMillis = intervalMillis;
        return this;
    }

    /** Text saved in traces so they can be replayed (the model's configuration). */
    public ModelChecker<S, A> header(String header) {
        this.header = header;
        return this;
    }

    /** One successor as computed by a worker. */
    private final class Succ {
        final A action;
        final S state;
        final long fp;
        final String stateViolation;
        final String stepViolation;

        Succ(A action, S state, long fp, String stateViolation, String stepViolation) {
            this.action = action;
            this.state = state;
            this.fp = fp;
            this.stateViolation = stateViolation;
            this.stepViolation = stepViolation;
        }
    }

    public Result run() {
        long start = System.currentTimeMillis();
        FingerprintSet seen = new FingerprintSet(1 << 16);
        List<S> frontier = new ArrayList<>();
        List<Long> frontierFps = new ArrayList<>();
        generated = 0;
        distinct = 0;
        depth = 0;
        for (S s : system.initialStates()) {
            long fp = system.fingerprint(s);
            generated++;
            if (seen.add(fp, FingerprintSet.ROOT)) {
                distinct++;
                String bad = system.violatedInvariant(s);
                if (bad != null) {
                    return finish(Result.Status.VIOLATION, bad, traceTo(seen, fp, null, null, null), start, 0, seen);
                }
                frontier.add(s);
                frontierFps.add(fp);
            }
        }
        queued = frontier.size();
        Thread reporter = startReporter(start);
        ExecutorService pool = workers > 1 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "checker-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            while (!frontier.isEmpty()) {
                List<List<Succ>> expanded = expand(frontier, pool);
                List<S> next = new ArrayList<>();
                List<Long> nextFps = new ArrayList<>();
                for (int i = 0; i < frontier.size(); i++) {
                    List<Succ> succs = expanded.get(i);
                    long parentFp = frontierFps.get(i);
                    if (succs.isEmpty() && checkDeadlock && !system.isTerminal(frontier.get(i))) {
                        return finish(Result.Status.DEADLOCK, "Deadlock",
                                traceTo(seen, parentFp, null, null, null), start, frontier.size() - i, seen);
                    }
                    for (Succ sc : succs) {
                        generated++;
                        if (sc.stepViolation != null) {
                            return finish(Result.Status.VIOLATION, sc.stepViolation,
                                    traceTo(seen, parentFp, sc.action, sc.state, frontier.get(i)), start,
                                    frontier.size() - i + next.size(), seen);
                        }
                        if (seen.add(sc.fp, parentFp)) {
                            distinct++;
                            if (sc.stateViolation != null) {
                                return finish(Result.Status.VIOLATION, sc.stateViolation,
                                        traceTo(seen, sc.fp, null, null, null), start,
                                        frontier.size() - i + next.size(), seen);
                            }
                            next.add(sc.state);
                            nextFps.add(sc.fp);
                        }
                    }
                    queued = frontier.size() - i - 1 + next.size();
                    if (distinct >= maxStates) {
                        return finish(Result.Status.LIMIT, null, null, start, queued, seen);
                    }
                }
                frontier = next;
                frontierFps = nextFps;
                if (!frontier.isEmpty()) {
                    depth++;
                }
            }
            return finish(Result.Status.OK, null, null, start, 0, seen);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            if (reporter != null) {
                reporter.interrupt();
            }
        }
    }

    private List<List<Succ>> expand(List<S> frontier, ExecutorService pool) {
        int n = frontier.size();
        List<List<Succ>> out = new ArrayList<>(n);
        if (pool == null || n < 64) {
            for (S s : frontier) {
                out.add(successors(s));
            }
            return out;
        }
        int slices = workers * 4;
        int per = (n + slices - 1) / slices;
        List<Future<List<List<Succ>>>> futures = new ArrayList<>();
        for (int lo = 0; lo < n; lo += per) {
            final int from = lo;
            final int to = Math.min(n, lo + per);
            futures.add(pool.submit(() -> {
                List<List<Succ>> part = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    part.add(successors(frontier.get(i)));
                }
                return part;
            }));
        }
        try {
            for (Future<List<List<Succ>>> f : futures) {
                out.addAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("worker failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    private List<Succ> successors(S s) {
        List<A> actions = system.actions(s);
        List<Succ> out = new ArrayList<>(actions.size());
        for (A a : actions) {
            S t = system.step(s, a);
            out.add(new Succ(a, t, system.fingerprint(t), system.violatedInvariant(t),
                    system.violatedStepInvariant(s, a, t)));
        }
        return out;
    }

    /**
     * Rebuilds the path to fp from the fingerprint set: fingerprints back to an initial state,
     * then forward by re-executing and picking the successor with the next fingerprint. If
     * lastAction is given, one more step from fp (whose real state is last) is appended.
     */
    private Trace traceTo(FingerprintSet seen, long fp, A lastAction, S lastState, S last) {
        List<Long> fps = new ArrayList<>();
        for (long f = fp; f != FingerprintSet.ROOT; f = seen.parent(f)) {
            fps.add(0, f);
        }
        S cur = null;
        for (S s : system.initialStates()) {
            if (system.fingerprint(s) == fps.get(0)) {
                cur = s;
                break;
            }
        }
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        states.add(system.describe(cur));
        for (int i = 1; i < fps.size(); i++) {
            S found = null;
            for (A a : system.actions(cur)) {
                S t = system.step(cur, a);
                if (system.fingerprint(t) == fps.get(i)) {
                    labels.add(system.label(a));
                    states.add(system.describe(t));
                    found = t;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalStateException("trace reconstruction failed at step " + i);
            }
            cur = found;
        }
        if (lastAction != null) {
            // with symmetry the re-executed state may be a renaming of the real one; replay the
            // action that has the same successor fingerprint
            long want = system.fingerprint(lastState);
            String stepBad = null;
            for (A a : system.actions(cur)) {
                S t = system.step(cur, a);
                if (system.fingerprint(t) == want && system.violatedStepInvariant(cur, a, t) != null) {
                    labels.add(system.label(a));
                    states.add(system.describe(t));
                    stepBad = "found";
                    break;
                }
            }
            if (stepBad == null) {
                labels.add(system.label(lastAction));
                states.add(system.describe(lastState));
            }
        }
        return new Trace(header, "", labels, states);
    }

    private Result finish(Result.Status status, String invariant, Trace trace, long start, long queue,
            FingerprintSet seen) {
        long millis = System.currentTimeMillis() - start;
        Runtime rt = Runtime.getRuntime();
        Statistics st = new Statistics(generated, distinct, queue, depth, millis,
                rt.totalMemory() - rt.freeMemory());
        Trace t = trace == null ? null
                : new Trace(trace.header(), invariant, trace.labels(), trace.states());
        if (progress != null && progressMillis > 0) {
            progress.println(progressLine(start));
        }
        return new Result(status, invariant, t, st);
    }

    private Thread startReporter(long start) {
        if (progress == null || progressMillis <= 0) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(progressMillis);
                    progress.println(progressLine(start));
                }
            } catch (InterruptedException e) {
                // run finished
            }
        }, "checker-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** TLC's progress line: Progress(depth): generated (rate), distinct, left on queue. */
    String progressLine(long start) {
        long secs = Math.max(1, (System.currentTimeMillis() - start) / 1000);
        long mem = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        return "Progress(" + depth + ") at " + secs + "s: " + generated + " states generated ("
                + (generated * 60 / secs) + " s/min), " + distinct + " distinct states found, "
                + queued + " states left on queue. Memory " + mem + " MiB.";
    }
}
