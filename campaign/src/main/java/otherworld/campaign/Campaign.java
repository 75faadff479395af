package otherworld.campaign;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;

import otherworld.checker.DistributedChecker;
import otherworld.kernel.fault.FaultType;

/**
 * A fault-injection campaign: N cases over fault types and workloads, from one seed. The cases run on Hazelcast's
 * executor service — one member embedded in this JVM by default, or several (on loopback here, or on other
 * machines that joined the same cluster) — each member running {@code jobs} cases at a time. The results do not
 * depend on the members: a case is its (workload, type, seed), and its run is deterministic.
 */
public final class Campaign {
    public static final String EXECUTOR = "ow-campaign";
    /** A case that has not ended after this long is stopped and counted a host exception. */
    static final long CASE_TIMEOUT_MS = Long.getLong("otherworld.campaign.caseTimeoutMs", 300_000);

    private final List<String> workloads;
    private final List<FaultType> types;
    private final long faults;
    private final long seed;
    private int jobs = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int members = 1;
    private List<HazelcastInstance> cluster;
    private PrintStream progress;
    private boolean enhanced;

    public Campaign(long faults, List<FaultType> types, List<String> workloads, long seed) {
        if (faults < 1) throw new IllegalArgumentException("--faults must be at least 1");
        if (types.isEmpty() || workloads.isEmpty()) throw new IllegalArgumentException("no fault type or no workload");
        for (String w : workloads) Workload.of(w); // a clear error now, not in a member
        this.faults = faults;
        this.types = List.copyOf(types);
        this.workloads = List.copyOf(workloads);
        this.seed = seed;
    }

    public Campaign jobs(int j) {
        if (j < 1 || j > 256) throw new IllegalArgumentException("--jobs must be 1..256, got " + j);
        this.jobs = j;
        return this;
    }

    /** Members started embedded in this JVM, on loopback (default 1). */
    public Campaign members(int n) {
        if (n < 1 || n > 16) throw new IllegalArgumentException("--members must be 1..16, got " + n);
        this.members = n;
        return this;
    }

    /** Run on these members (a cluster started elsewhere) instead. */
    public Campaign on(List<HazelcastInstance> instances) {
        this.cluster = instances;
        return this;
    }

    /** Run every case with the kernel in the enhanced mode (check bytes) instead of default mode. */
    public Campaign enhanced(boolean on) {
        this.enhanced = on;
        return this;
    }

    public boolean enhanced() { return enhanced; }

    public Campaign progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** Case i: workloads and types in turn (every pair gets its share), its seed from the campaign's. */
    public Case caseAt(long i) {
        int combo = (int) (i % ((long) workloads.size() * types.size()));
        return new Case(i, workloads.get(combo % workloads.size()), types.get(combo / workloads.size()), Case.seedOf(seed, i), enhanced);
    }

    /** One case, on a member. */
    static final class Task implements Callable<CaseResult>, Serializable, HazelcastInstanceAware {
        private static final long serialVersionUID = 1L;
        final Case c;
        transient HazelcastInstance hz;

        Task(Case c) { this.c = c; }

        @Override public void setHazelcastInstance(HazelcastInstance hz) { this.hz = hz; }

        @Override public CaseResult call() {
            CaseResult r = runGuarded(c, CASE_TIMEOUT_MS);
            r.member = hz == null ? "local" : hz.getCluster().getLocalMember().getAddress().toString();
            return r;
        }
    }

    /** Run a case in a thread of its own; one that does not end in time is stopped and reported. */
    @SuppressWarnings({"deprecation", "removal"})
    static CaseResult runGuarded(Case c, long timeoutMs) {
        CaseResult[] out = new CaseResult[1];
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                out[0] = CaseRunner.run(c, null);
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "case " + c.id());
        t.setDaemon(true);
        t.start();
        try {
            t.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (out[0] != null) return out[0];
        CaseResult r = unjudged(c);
        if (t.isAlive()) {
            try {
                t.stop(); // the host's last resort against a case that loops: Java 17 still stops a thread
            } catch (UnsupportedOperationException e) {
                // a later JDK: the thread is left to the daemon's fate
            }
            r.hostException = "the case did not end within " + timeoutMs + " ms";
        } else {
            r.hostException = String.valueOf(failed[0]);
        }
        for (String n : Workload.of(c.workload()).names()) r.processes.add(new CaseResult.Proc(n, Outcome.HOST_EXCEPTION, false, r.hostException));
        return r;
    }

    /** The result of a case that has none of its own (it did not end, or its member failed): only what names it. */
    static CaseResult unjudged(Case c) {
        CaseResult r = new CaseResult();
        r.id = c.id();
        r.index = c.index();
        r.workload = c.workload();
        r.type = c.type().id;
        r.fault = "?";
        return r;
    }

    /** Run every case; each result goes to sink as it arrives (any order); returns them in case order. */
    public List<CaseResult> run(Consumer<CaseResult> sink) {
        List<HazelcastInstance> own = cluster == null ? DistributedChecker.startLoopbackMembers(members) : null;
        List<HazelcastInstance> hzs = own != null ? own : cluster;
        try {
            HazelcastInstance hz = hzs.get(0);
            hz.getConfig().addExecutorConfig(new ExecutorConfig(EXECUTOR).setPoolSize(jobs));
            IExecutorService ex = hz.getExecutorService(EXECUTOR);
            List<Member> ms = new ArrayList<>(hz.getCluster().getMembers());
            CaseResult[] results = new CaseResult[(int) faults];
            CountDownLatch done = new CountDownLatch((int) faults);
            AtomicLong finished = new AtomicLong();
            long t0 = System.nanoTime();
            Progress bar = new Progress(progress, faults, t0);
            for (long i = 0; i < faults; i++) {
                Case c = caseAt(i);
                int slot = (int) i;
                ex.submitToMember(new Task(c), ms.get((int) (i % ms.size())), new ExecutionCallback<CaseResult>() {
                    @Override public void onResponse(CaseResult r) { finish(r); }

                    @Override public void onFailure(Throwable e) {
                        CaseResult r = unjudged(c);
                        r.hostException = "the member failed the case: " + e;
                        r.processes.add(new CaseResult.Proc("?", Outcome.HOST_EXCEPTION, false, r.hostException));
                        finish(r);
                    }

                    private void finish(CaseResult r) {
                        results[slot] = r;
                        synchronized (Campaign.this) {
                            sink.accept(r);
                            bar.update(finished.incrementAndGet());
                        }
                        done.countDown();
                    }
                });
            }
            while (!done.await(1, TimeUnit.SECONDS)) {
                synchronized (this) {
                    bar.update(finished.get());
                }
            }
            bar.end();
            return List.of(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("campaign interrupted", e);
        } finally {
            if (own != null) for (HazelcastInstance h : own) h.shutdown();
        }
    }

    /** The progress bar: done/total, a bar, cases per second, the time left. */
    static final class Progress {
        private final PrintStream out;
        private final long total;
        private final long t0;
        private long lastPrint;

        Progress(PrintStream out, long total, long t0) {
            this.out = out;
            this.total = total;
            this.t0 = t0;
        }

        void update(long done) {
            if (out == null) return;
            long now = System.nanoTime();
            if (done < total && now - lastPrint < 250_000_000L) return;
            lastPrint = now;
            out.print("\r" + line(done, total, (now - t0) / 1e9));
            out.flush();
        }

        void end() {
            if (out != null) out.println();
        }

        static String line(long done, long total, double seconds) {
            int width = 30;
            int fill = (int) (width * done / Math.max(1, total));
            double rate = seconds > 0 ? done / seconds : 0;
            String eta = rate > 0 ? clock((long) ((total - done) / rate)) : "--:--";
            return String.format("%7d/%d [%s%s] %6.1f cases/s  ETA %s ", done, total, "#".repeat(fill),
                    ".".repeat(width - fill), rate, eta);
        }

        static String clock(long s) {
            return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
        }
    }
}
