package otherworld.checker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Breadth-first explicit-state model checker in the manner of TLC.
 *
 * <p>The search runs level by level and, inside a level, batch by batch. Worker threads expand a
 * batch (decode, successors, fingerprints, invariant verdicts, encode) while one thread merges the
 * previous batch in queue order into the fingerprint set, the trace log and the next level. The
 * merge order is fixed, so counts and the counterexample are the same on every run and for any
 * number of workers; the first violation met in that order sits at the smallest depth, so its
 * trace is a shortest one.
 *
 * <p>Memory: fingerprints live outside the heap ({@link FingerprintSet}, 8 bytes a slot) and, past
 * the memory budget, in a sorted file in the work directory ({@link DiskFingerprintSet}, as TLC's
 * DiskFPSet); the queue spills to files there past a part of the budget ({@link StateQueue}), and
 * the way back to the initial state is a log on disk ({@link TraceLog}). When the disk cannot take
 * the fingerprints any more (--max-disk, or the filesystem's free space), the run stops between
 * two batches, writes a checkpoint and says how to resume. Checkpoints can also be taken every so many seconds;
 * a resumed run continues exactly where the checkpoint was taken.
 */
public final class ModelChecker<S, A> {
    static final int BATCH = 4096;
    static final String CHECKPOINT = "checkpoint.properties";
    /** Fingerprint files are named by the checkpoint that wrote them: fingerprints-N.bin. */
    static final String FINGERPRINTS = "fingerprints-";
    static final String LOG = "trace.log";
    /** A file of this name in the work directory asks the run to stop with a checkpoint at the next batch. */
    static final String STOP = "stop";
    /** The version of the work directory's files a checkpoint names (2: delta-encoded queue, 8-byte trace records). */
    static final String FORMAT = "2";

    private final TransitionSystem<S, A> system;
    private int workers = 1;
    private boolean checkDeadlock;
    private long maxStates = Long.MAX_VALUE;
    private long progressMillis = 0;
    private PrintStream progress;
    private String header = "";
    private long memoryBudget = defaultMemoryBudget();
    private Path workDir;
    private boolean keepWorkDir;
    private long checkpointMillis;
    private boolean resume;
    private boolean exact;
    private long fingerprintLimit = -1;
    private long queueMemoryLimit = -1;
    private long maxDisk = -1;

    private volatile long generated;
    private volatile long distinct;
    private volatile long queued;
    private volatile int depth;
    private volatile long collisions;
    private long priorMillis;
    private long checkpoints;

    private DiskFingerprintSet seen;
    private long[] batchFps = new long[0];
    private ExactStates exactSeen;
    private TraceLog log;
    private StateQueue.Spill spill;
    private StateQueue current;
    private StateQueue next;

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

    /** Stop (with a checkpoint when the work directory is kept) at the first batch past n distinct states. */
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

    /** Bytes of memory for the fingerprint set and the part of the queue kept in memory. */
    public ModelChecker<S, A> memory(long bytes) {
        if (bytes < (1L << 20)) {
            throw new IllegalArgumentException("memory budget must be at least 1 MiB, got " + bytes + " bytes");
        }
        this.memoryBudget = bytes;
        return this;
    }

    /**
     * Where the queue files, the trace log and checkpoints go; kept after the run. Without it a
     * temporary directory is used and deleted, unless the run stopped with a checkpoint in it.
     */
    public ModelChecker<S, A> workDir(Path dir) {
        this.workDir = dir;
        this.keepWorkDir = true;
        return this;
    }

    /** Write a checkpoint to the work directory every interval (0: only when stopping early). */
    public ModelChecker<S, A> checkpointEvery(long millis) {
        this.checkpointMillis = millis;
        return this;
    }

    /** Continue from the checkpoint in dir (which becomes the work directory). */
    public ModelChecker<S, A> resume(Path dir) {
        this.workDir = dir;
        this.keepWorkDir = true;
        this.resume = true;
        return this;
    }

    /** Keep whole (canonical) states instead of fingerprints, and count fingerprint collisions. */
    public ModelChecker<S, A> exact(boolean on) {
        this.exact = on;
        return this;
    }

    /**
     * Bytes the work directory may hold (queue files, trace log, fingerprint files, checkpoint)
     * before the fingerprint set stops spilling and the run stops with a checkpoint; 0: the
     * fingerprints never go to disk (the run stops when the memory budget is full); negative (the
     * default): the filesystem's free space, less 1 GiB.
     */
    public ModelChecker<S, A> maxDisk(long bytes) {
        this.maxDisk = bytes;
        return this;
    }

    /** Tests: cap the fingerprint table alone (bytes), whatever the budget. */
    ModelChecker<S, A> fingerprintLimit(long bytes) {
        this.fingerprintLimit = bytes;
        return this;
    }

    /** Tests: cap the in-memory part of the queue (bytes), whatever the budget. */
    ModelChecker<S, A> queueMemory(long bytes) {
        this.queueMemoryLimit = bytes;
        return this;
    }

    /**
     * The part of the budget for queue chunks kept in memory: they live on the heap, so at most a
     * quarter of the budget, of the heap, and 1 GiB.
     */
    static long queueShare(long budget) {
        return Math.min(Math.min(budget / 4, Runtime.getRuntime().maxMemory() / 4), 1L << 30);
    }

    /** A quarter of the machine's memory, as the JVM's own default heap. */
    static long defaultMemoryBudget() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return Math.max(64L << 20, ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize() / 4);
        }
        return 1L << 30;
    }

    /** The successors of one queued state as computed by a worker (the representatives' words). */
    private static final class Expanded {
        final long index;
        boolean deadlock;
        long[] fps;
        int[][] words;
        int[][] canon;
        String[] stateBad;
        String[] stepBad;

        Expanded(long index) {
            this.index = index;
        }
    }

    /** A search that ended early: the result to return. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Result result;

        Stop(Result result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    public Result run() {
        long start = System.currentTimeMillis();
        boolean tempDir = workDir == null;
        Result result = null;
        Thread reporter = null;
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "checker-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            if (tempDir) {
                workDir = Files.createTempDirectory("ow-check-");
            } else {
                Files.createDirectories(workDir);
            }
            long queueMemory = queueMemoryLimit >= 0 ? queueMemoryLimit : queueShare(memoryBudget);
            spill = new StateQueue.Spill(workDir, queueMemory);
            seen = new DiskFingerprintSet(workDir, fingerprintLimit > 0 ? fingerprintLimit : memoryBudget - queueMemory,
                    maxDisk, this::diskInUse);
            exactSeen = exact ? new ExactStates() : null;
            if (resume) {
                restore();
            } else {
                if (Files.exists(workDir.resolve(CHECKPOINT))) {
                    throw new IllegalArgumentException(workDir + " holds a checkpoint: resume it (--resume "
                            + workDir + ") or choose another directory");
                }
                log = new TraceLog(workDir.resolve(LOG), 0);
                current = new StateQueue(spill);
                next = new StateQueue(spill);
                generated = 0;
                distinct = 0;
                depth = 0;
                List<S> initial = system.initialStates();
                for (int k = 0; k < initial.size(); k++) {
                    // an initial state is expanded as it is: met first, by every checker
                    S s = initial.get(k);
                    generated++;
                    if (addNew(system.fingerprint(s), exact ? system.canonical(s) : null)) {
                        distinct++;
                        long index = log.append(TraceLog.ROOT, k);
                        String bad = system.violatedInvariant(s);
                        if (bad != null) {
                            return result = finish(Result.Status.VIOLATION, bad, traceTo(index, -1), start);
                        }
                        current.add(index, system.encode(s));
                    }
                }
            }
            queued = current.size() + next.size();
            reporter = ProgressReporter.start(progress, progressMillis, () -> progressLine(start));
            result = search(pool, start);
            return result;
        } catch (Stop s) {
            return result = s.result;
        } catch (MemoryBudgetExceeded e) {
            return result = finish(Result.Status.BUDGET, null, null, start,
                    e.getMessage() + "; the state of the search before this batch is lost (no checkpoint)");
        } catch (IOException e) {
            throw new UncheckedIOException("work directory " + workDir, e);
        } finally {
            pool.shutdownNow();
            if (reporter != null) {
                reporter.interrupt();
            }
            if (log != null) {
                log.close();
            }
            if (seen != null) {
                seen.close();
            }
            boolean stoppedWithCheckpoint = result != null
                    && (result.status() == Result.Status.BUDGET || result.status() == Result.Status.LIMIT)
                    && result.checkpoint() != null;
            if (tempDir && workDir != null && !stoppedWithCheckpoint) {
                deleteTree(workDir);
                workDir = null;
            }
        }
    }

    private boolean addNew(long fp, int[] canonical) {
        if (exactSeen == null) {
            return seen.add(fp);
        }
        boolean fresh = exactSeen.add(canonical);
        boolean freshFp = seen.add(fp);
        if (fresh && !freshFp) {
            collisions++;
        }
        return fresh;
    }

    private long lastStopCheck;

    /** True (at most one look a second) when the work directory holds a {@link #STOP} file. */
    private boolean stopRequested() {
        long now = System.currentTimeMillis();
        if (!keepWorkDir || now - lastStopCheck < 1000) {
            return false;
        }
        lastStopCheck = now;
        return Files.exists(workDir.resolve(STOP));
    }

    private Result search(ExecutorService pool, long start) throws IOException {
        long lastCheckpoint = System.currentTimeMillis();
        boolean stop = false;
        List<Future<List<Expanded>>> pending = submit(pool, current.take(BATCH));
        while (true) {
            if (pending == null) {
                // between batches: nothing in flight, the queues and sets are consistent
                boolean checkpointDue = checkpointMillis > 0
                        && System.currentTimeMillis() - lastCheckpoint >= checkpointMillis;
                if (seen.overLimit()) {
                    Path cp = checkpoint(start);
                    return finish(Result.Status.BUDGET, null, null, start, cp, seen.fullReason());
                }
                if (distinct >= maxStates) {
                    Path cp = keepWorkDir || checkpointMillis > 0 ? checkpoint(start) : null;
                    return finish(Result.Status.LIMIT, null, null, start, cp, null);
                }
                if (stop) {
                    Files.deleteIfExists(workDir.resolve(STOP));
                    Path cp = checkpoint(start);
                    return finish(Result.Status.LIMIT, null, null, start, cp,
                            "stopped on request (" + workDir.resolve(STOP) + ")");
                }
                if (checkpointDue) {
                    checkpoint(start);
                    lastCheckpoint = System.currentTimeMillis();
                }
                if (current.size() == 0) {
                    if (next.size() == 0) {
                        return finish(Result.Status.OK, null, null, start);
                    }
                    StateQueue t = current;
                    current = next;
                    next = t;
                    depth++;
                }
                pending = submit(pool, current.take(BATCH));
                continue;
            }
            List<Expanded> batch = collect(pending);
            stop = stop || stopRequested();
            boolean pause = stop || seen.overLimit() || distinct >= maxStates || (checkpointMillis > 0
                    && System.currentTimeMillis() - lastCheckpoint >= checkpointMillis);
            pending = pause || current.size() == 0 ? null : submit(pool, current.take(BATCH));
            merge(batch, start);
            queued = current.size() + next.size() + (pending == null ? 0 : BATCH);
        }
    }

    private void merge(List<Expanded> batch, long start) {
        if (seen.onDisk() > 0) {
            // the batch's fingerprints looked up on disk together, in file order
            int n = 0;
            for (Expanded e : batch) {
                n += e.fps.length;
            }
            if (batchFps.length < n) {
                batchFps = new long[Math.max(n, 2 * batchFps.length)];
            }
            n = 0;
            for (Expanded e : batch) {
                System.arraycopy(e.fps, 0, batchFps, n, e.fps.length);
                n += e.fps.length;
            }
            seen.probe(batchFps, n);
        }
        for (Expanded e : batch) {
            if (e.deadlock) {
                throw new Stop(finish(Result.Status.DEADLOCK, "Deadlock", traceTo(e.index, -1), start));
            }
            for (int j = 0; j < e.fps.length; j++) {
                generated++;
                long fp = e.fps[j];
                if (e.stepBad[j] != null) {
                    throw new Stop(finish(Result.Status.VIOLATION, e.stepBad[j], traceTo(e.index, j), start));
                }
                if (addNew(fp, e.canon == null ? null : e.canon[j])) {
                    distinct++;
                    long index = log.append(e.index, j);
                    if (e.stateBad[j] != null) {
                        throw new Stop(finish(Result.Status.VIOLATION, e.stateBad[j], traceTo(index, -1), start));
                    }
                    next.add(index, e.words[j]);
                }
            }
        }
    }

    private List<Future<List<Expanded>>> submit(ExecutorService pool, List<StateQueue.Entry> batch) {
        if (batch.isEmpty()) {
            return null;
        }
        int n = batch.size();
        int slices = n < 64 ? 1 : workers;
        int per = (n + slices - 1) / slices;
        List<Future<List<Expanded>>> futures = new ArrayList<>();
        for (int lo = 0; lo < n; lo += per) {
            final int from = lo;
            final int to = Math.min(n, lo + per);
            futures.add(pool.submit(() -> {
                List<Expanded> part = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    part.add(expand(batch.get(i)));
                }
                return part;
            }));
        }
        return futures;
    }

    private List<Expanded> collect(List<Future<List<Expanded>>> futures) {
        List<Expanded> out = new ArrayList<>();
        try {
            for (Future<List<Expanded>> f : futures) {
                out.addAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw new IllegalStateException("worker failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    private Expanded expand(StateQueue.Entry entry) {
        S s = system.decode(entry.words);
        List<A> actions = system.actions(s);
        Expanded x = new Expanded(entry.index);
        int n = actions.size();
        x.fps = new long[n];
        x.words = new int[n][];
        x.canon = exact ? new int[n][] : null;
        x.stateBad = new String[n];
        x.stepBad = new String[n];
        x.deadlock = n == 0 && checkDeadlock && !system.isTerminal(s);
        for (int i = 0; i < n; i++) {
            A a = actions.get(i);
            S t = system.step(s, a);
            x.stateBad[i] = system.violatedInvariant(t);
            x.stepBad[i] = system.violatedStepInvariant(s, a, t);
            S r = system.representative(t);
            x.fps[i] = system.representativeFingerprint(r);
            x.words[i] = system.encode(r);
            if (exact) {
                x.canon[i] = system.canonical(t);
            }
        }
        return x;
    }

    /**
     * Rebuilds the path to trace record index: action numbers back to an initial state from the
     * log, then forward by re-executing them. With a step violation (stepAction not negative), one
     * more step by that action is appended.
     */
    private Trace traceTo(long index, int stepAction) {
        log.flush();
        List<Integer> path = new ArrayList<>();
        for (long i = index; i != TraceLog.ROOT; i = log.parent(i)) {
            path.add(0, log.action(i));
        }
        return Traces.rebuild(system, header, path, stepAction);
    }

    private Path checkpoint(long start) throws IOException {
        log.flush();
        Properties p = new Properties();
        p.setProperty("header", header);
        p.setProperty("format", FORMAT);
        p.setProperty("generated", Long.toString(generated));
        p.setProperty("distinct", Long.toString(distinct));
        p.setProperty("depth", Integer.toString(depth));
        p.setProperty("log", Long.toString(log.size()));
        p.setProperty("millis", Long.toString(priorMillis + System.currentTimeMillis() - start));
        List<String> cur = current.persist();
        List<String> nxt = next.persist();
        p.setProperty("current", String.join(";", cur));
        p.setProperty("next", String.join(";", nxt));
        // a new file for every checkpoint: the one the previous checkpoint names stays whole until
        // the new checkpoint.properties replaces it
        String fpName = FINGERPRINTS + (++checkpoints) + ".bin";
        p.setProperty("fingerprints", fpName);
        String diskName = seen.diskFile();
        if (diskName != null) {
            p.setProperty("diskFingerprints", diskName);
            p.setProperty("diskFingerprintCount", Long.toString(seen.onDisk()));
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(workDir.resolve(fpName)), 1 << 16))) {
            seen.saveMemory(out);
        }
        Path tmp = workDir.resolve(CHECKPOINT + ".tmp");
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "ow check checkpoint");
        }
        Files.move(tmp, workDir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        seen.pin();
        try (var files = Files.list(workDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith(FINGERPRINTS) && !n.equals(fpName)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        Set<Path> refs = new HashSet<>();
        for (String line : cur) {
            refs.add(workDir.resolve(line.split(" ")[0]));
        }
        for (String line : nxt) {
            refs.add(workDir.resolve(line.split(" ")[0]));
        }
        spill.checkpointed(refs);
        return workDir;
    }

    private void restore() throws IOException {
        Path cp = workDir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(cp)) {
            throw new IllegalArgumentException(workDir + " holds no checkpoint (" + CHECKPOINT + ")");
        }
        if (exact) {
            throw new IllegalArgumentException("--exact runs keep whole states in memory and cannot resume");
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(cp, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException("the checkpoint in " + workDir + " was written by an older ow check"
                    + " (format " + p.getProperty("format", "1") + ", this one reads " + FORMAT + "): start the run again");
        }
        String was = p.getProperty("header", "");
        if (!was.equals(header)) {
            throw new IllegalArgumentException("the checkpoint in " + workDir + " is of another model: " + was);
        }
        try {
            generated = Long.parseLong(p.getProperty("generated"));
            distinct = Long.parseLong(p.getProperty("distinct"));
            depth = Integer.parseInt(p.getProperty("depth"));
            priorMillis = Long.parseLong(p.getProperty("millis"));
            String fpName = p.getProperty("fingerprints", "");
            checkpoints = Long.parseLong(fpName.substring(FINGERPRINTS.length(), fpName.length() - 4));
            long records = Long.parseLong(p.getProperty("log"));
            log = new TraceLog(workDir.resolve(LOG), records);
        } catch (RuntimeException e) {
            throw new IOException("corrupt checkpoint " + cp + ": " + e.getMessage(), e);
        }
        long onDisk;
        try {
            onDisk = Long.parseLong(p.getProperty("diskFingerprintCount", "0"));
        } catch (NumberFormatException e) {
            throw new IOException("corrupt checkpoint " + cp + ": " + e.getMessage(), e);
        }
        seen.restoreDisk(p.getProperty("diskFingerprints"), onDisk);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                Files.newInputStream(workDir.resolve(p.getProperty("fingerprints", "?"))), 1 << 16))) {
            seen.loadMemory(in);
        } catch (java.io.EOFException e) {
            throw new IOException("corrupt checkpoint: the fingerprint file ends early", e);
        }
        if (seen.size() != distinct) {
            throw new IOException("corrupt checkpoint: " + seen.size() + " fingerprints for " + distinct + " states");
        }
        current = StateQueue.restore(spill, lines(p.getProperty("current", "")));
        next = StateQueue.restore(spill, lines(p.getProperty("next", "")));
        Set<Path> refs = new HashSet<>();
        for (String line : lines(p.getProperty("current", ""))) {
            refs.add(workDir.resolve(line.split(" ")[0]));
        }
        for (String line : lines(p.getProperty("next", ""))) {
            refs.add(workDir.resolve(line.split(" ")[0]));
        }
        spill.checkpointed(refs);
        long max = -1;
        try (var files = Files.list(workDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith("queue-") && n.endsWith(".bin")) {
                    max = Math.max(max, Long.parseLong(n.substring(6, n.length() - 4)));
                }
            }
        }
        spill.seq.set(max + 1);
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split(";")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    private Result finish(Result.Status status, String invariant, Trace trace, long start) {
        return finish(status, invariant, trace, start, null, null);
    }

    private Result finish(Result.Status status, String invariant, Trace trace, long start, String note) {
        return finish(status, invariant, trace, start, null, note);
    }

    private Result finish(Result.Status status, String invariant, Trace trace, long start, Path checkpoint,
            String note) {
        long millis = priorMillis + System.currentTimeMillis() - start;
        long queue = current == null ? 0 : current.size() + next.size();
        queued = queue;
        Statistics st = new Statistics(generated, distinct, queue, depth, millis, memoryInUse(),
                diskInUse(), spill == null ? 0 : spill.onDiskRecords.get(), spill == null ? 0 : spill.spilledRecords.get(),
                exact ? collisions : -1,
                seen == null ? 0 : seen.bytes(), peakResident(), seen == null ? 0 : seen.onDisk(),
                seen == null ? 0 : seen.spills());
        Trace t = trace == null ? null
                : new Trace(trace.header(), invariant, trace.labels(), trace.states(), trace.loopStart());
        if (progress != null && progressMillis > 0) {
            progress.println(progressLine(start));
        }
        return new Result(status, invariant, t, st, checkpoint, note);
    }

    /** Heap in use (garbage included) and the fingerprint table outside it. */
    private long memoryInUse() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory() + (seen == null ? 0 : seen.bytes());
    }

    /** The process's peak resident memory (Linux VmHWM), or -1 where it cannot be read. */
    static long peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private long diskInUse() {
        if (workDir == null || !Files.isDirectory(workDir)) {
            return 0;
        }
        long n = 0;
        try (var files = Files.list(workDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    n += Files.size(f);
                } catch (IOException e) {
                    // a queue file consumed and deleted since the listing
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return n;
        }
        return n;
    }


    /** TLC's progress line: Progress(depth): generated (rate), distinct, left on queue; then memory and disk. */
    String progressLine(long start) {
        long secs = Math.max(1, (priorMillis + System.currentTimeMillis() - start) / 1000);
        return "Progress(" + depth + ") at " + secs + "s: " + generated + " states generated ("
                + (generated * 60 / secs) + " s/min), " + distinct + " distinct states found, "
                + queued + " states left on queue. Memory " + (memoryInUse() >> 20) + " MiB, disk "
                + (diskInUse() >> 20) + " MiB, " + (spill == null ? 0 : spill.onDiskRecords.get())
                + " states queued on disk, " + (seen == null ? 0 : seen.onDisk()) + " fingerprints on disk ("
                + (seen == null ? 0 : seen.diskBytes() >> 20) + " MiB).";
    }

    static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            files.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory does not change the result
        }
    }
}
