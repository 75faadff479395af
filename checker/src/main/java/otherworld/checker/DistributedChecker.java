package otherworld.checker;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The breadth-first search of {@link ModelChecker}, spread over the members of a Hazelcast
 * cluster. Each member owns the fingerprints whose hash falls to it, with its own fingerprint set,
 * queue (spilling to disk) and trace log. Level by level, every member expands its part of the
 * frontier and sends each successor, in batches, to the member that owns its fingerprint, which
 * keeps it if it is new. Hazelcast does the membership, the transport and the serialization (its
 * executor service runs the tasks below on a chosen member); the checker adds no protocol of its
 * own. Counts do not depend on the number of members: a level's new states are the same set.
 *
 * <p>By default the members are embedded in this JVM ({@link #members(int)}, one by default),
 * bound to the loopback interface with multicast off, on ports chosen free, and with Hazelcast's
 * logging off. The transition system is rebuilt on each member from a serializable
 * {@link SystemFactory}.
 */
public final class DistributedChecker {
    /** Builds the same transition system on every member. */
    public interface SystemFactory extends Serializable {
        TransitionSystem<?, ?> create();
    }

    static final String EXPAND = "ow-expand";
    static final String INSERT = "ow-insert";
    static final int BATCH = 2048;
    /** Record numbers are per member: a reference is member * 2^40 + record. */
    static final long MEMBER_SHIFT = 40;

    private final SystemFactory factory;
    private int members = 1;
    private boolean checkDeadlock;
    private String header = "";
    private long memoryBudget = ModelChecker.defaultMemoryBudget();
    private PrintStream progress;
    private long progressMillis;
    private List<HazelcastInstance> given;

    private volatile long generated;
    private volatile long distinct;
    private volatile int depth;
    private volatile long queued;

    public DistributedChecker(SystemFactory factory) {
        this.factory = factory;
    }

    /** Members to start embedded in this JVM, on loopback (default 1). */
    public DistributedChecker members(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("members must be 1..64, got " + n);
        }
        this.members = n;
        return this;
    }

    /** Run on an existing cluster instead (its members must have this checker on their class path). */
    public DistributedChecker on(List<HazelcastInstance> instances) {
        this.given = instances;
        return this;
    }

    public DistributedChecker checkDeadlock(boolean on) {
        this.checkDeadlock = on;
        return this;
    }

    public DistributedChecker header(String header) {
        this.header = header;
        return this;
    }

    /** Memory per member for its fingerprints and the in-memory part of its queue. */
    public DistributedChecker memory(long bytes) {
        this.memoryBudget = bytes;
        return this;
    }

    public DistributedChecker progress(PrintStream out, long intervalMillis) {
        this.progress = out;
        this.progressMillis = intervalMillis;
        return this;
    }

    /** Hazelcast configuration of one quiet member on 127.0.0.1:port that joins the given ports. */
    public static Config loopbackConfig(String cluster, int port, List<Integer> ports) {
        List<String> peers = new ArrayList<>();
        for (int p : ports) {
            peers.add("127.0.0.1:" + p);
        }
        return memberConfig(cluster, "127.0.0.1", port, peers);
    }

    /**
     * Hazelcast configuration of one quiet member bound to host:port (only that interface) that
     * joins the given peers (host:port) by TCP; no multicast, no auto-detection, no phone-home.
     */
    public static Config memberConfig(String cluster, String host, int port, List<String> peers) {
        Config cfg = new Config();
        cfg.setClusterName(cluster);
        cfg.setProperty("hazelcast.logging.type", "none");
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        cfg.getJetConfig().setEnabled(false);
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(host);
        net.getRestApiConfig().setEnabled(false);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (String p : peers) {
            join.getTcpIpConfig().addMember(p);
        }
        cfg.getExecutorConfig(EXPAND).setPoolSize(1);
        cfg.getExecutorConfig(INSERT).setPoolSize(2);
        return cfg;
    }

    /** Starts one member (in this JVM) of a cluster that may span several processes or machines. */
    public static HazelcastInstance startMember(String cluster, String host, int port, List<String> peers) {
        System.setProperty("hazelcast.logging.type", "none");
        return Hazelcast.newHazelcastInstance(memberConfig(cluster, host, port, peers));
    }

    /** Waits until the cluster of hz has at least n members; false after the timeout. */
    public static boolean awaitMembers(HazelcastInstance hz, int n, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (hz.getCluster().getMembers().size() < n) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            sleep(50);
        }
        return true;
    }

    /**
     * Serves a cluster's checks in this process until it has been alone, after having had
     * company, for idleMillis (the other members left), or until interrupted.
     */
    public static void serve(HazelcastInstance hz, long idleMillis) {
        boolean hadCompany = false;
        long aloneSince = System.currentTimeMillis();
        try {
            while (hz.getLifecycleService().isRunning()) {
                boolean alone = hz.getCluster().getMembers().size() == 1;
                if (!alone) {
                    hadCompany = true;
                    aloneSince = System.currentTimeMillis();
                } else if (hadCompany && System.currentTimeMillis() - aloneSince >= idleMillis) {
                    break;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hz.shutdown();
        }
    }

    /**
     * Starts n members in this JVM that form one cluster on loopback. The ports are chosen free
     * just before; if another process takes one first, the cluster is started again on new ports.
     */
    public static List<HazelcastInstance> startLoopbackMembers(int n) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return tryStartLoopbackMembers(n);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static List<HazelcastInstance> tryStartLoopbackMembers(int n) {
        System.setProperty("hazelcast.logging.type", "none");
        String cluster = "ow-check-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports.add(freePort());
        }
        List<HazelcastInstance> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                out.add(Hazelcast.newHazelcastInstance(loopbackConfig(cluster, ports.get(i), ports)));
            }
        } catch (RuntimeException e) {
            for (HazelcastInstance h : out) {
                h.shutdown();
            }
            throw e;
        }
        if (!awaitMembers(out.get(0), n, 60_000)) {
            for (HazelcastInstance h : out) {
                h.shutdown();
            }
            throw new IllegalStateException("the " + n + " members did not form a cluster on loopback in 60 s");
        }
        return out;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- the member side

    /** What one member keeps of one run. */
    static final class Partition {
        final TransitionSystem<Object, Object> system;
        final int me;
        final List<UUID> owners;
        final boolean checkDeadlock;
        final FingerprintSet seen;
        final StateQueue.Spill spill;
        final Path dir;
        StateQueue current;
        StateQueue next;
        final TraceLog log;
        long added;

        @SuppressWarnings("unchecked")
        Partition(Init init) throws IOException {
            this.system = (TransitionSystem<Object, Object>) init.factory.create();
            this.me = init.me;
            this.owners = init.owners;
            this.checkDeadlock = init.checkDeadlock;
            this.dir = Files.createTempDirectory("ow-member-" + init.me + "-");
            long queueMemory = ModelChecker.queueShare(init.memory);
            this.seen = new FingerprintSet(1 << 16, init.memory - queueMemory);
            this.spill = new StateQueue.Spill(dir, queueMemory);
            this.current = new StateQueue(spill);
            this.next = new StateQueue(spill);
            this.log = new TraceLog(dir.resolve(ModelChecker.LOG), 0);
        }

        int owner(long fp) {
            long h = fp * 0xC2B2AE3D27D4EB4FL;
            return (int) Long.remainderUnsigned(h ^ (h >>> 31), owners.size());
        }

        void close() {
            log.close();
            seen.close();
            current.clear();
            next.clear();
            ModelChecker.deleteTree(dir);
        }
    }

    /** Partitions of the runs under way, by run and member. */
    static final Map<String, Partition> PARTITIONS = new ConcurrentHashMap<>();

    static String key(String run, HazelcastInstance hz) {
        return run + "/" + hz.getCluster().getLocalMember().getUuid();
    }

    /** A task that runs on a member with that member's partition of the run. */
    abstract static class Task<T extends Serializable> implements Callable<T>, Serializable, HazelcastInstanceAware {
        private static final long serialVersionUID = 1L;
        final String run;
        transient HazelcastInstance hz;

        Task(String run) {
            this.run = run;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hz) {
            this.hz = hz;
        }

        Partition partition() {
            Partition p = PARTITIONS.get(key(run, hz));
            if (p == null) {
                throw new IllegalStateException("no partition of run " + run + " on this member");
            }
            return p;
        }
    }

    static final class Init extends Task<Integer> {
        private static final long serialVersionUID = 1L;
        final SystemFactory factory;
        final int me;
        final List<UUID> owners;
        final boolean checkDeadlock;
        final long memory;

        Init(String run, SystemFactory factory, int me, List<UUID> owners, boolean checkDeadlock, long memory) {
            super(run);
            this.factory = factory;
            this.me = me;
            this.owners = new ArrayList<>(owners);
            this.checkDeadlock = checkDeadlock;
            this.memory = memory;
        }

        @Override
        public Integer call() throws IOException {
            PARTITIONS.put(key(run, hz), new Partition(this));
            return me;
        }
    }

    /** Successors sent to the member that owns their fingerprints. */
    static final class Insert extends Task<Report> {
        private static final long serialVersionUID = 1L;
        final long[] parents;
        final int[] actions;
        final long[] fps;
        final int[][] words;
        final String[] bad;

        Insert(String run, long[] parents, int[] actions, long[] fps, int[][] words, String[] bad) {
            super(run);
            this.parents = parents;
            this.actions = actions;
            this.fps = fps;
            this.words = words;
            this.bad = bad;
        }

        @Override
        public Report call() {
            Partition p = partition();
            Report r = new Report();
            synchronized (p) {
                for (int i = 0; i < fps.length; i++) {
                    if (p.seen.add(fps[i])) {
                        long index = p.log.append(parents[i], actions[i]);
                        long ref = ((long) p.me << MEMBER_SHIFT) | index;
                        p.next.add(index, words[i]);
                        r.distinct++;
                        if (bad[i] != null) {
                            r.violation(bad[i], ref, -1);
                        }
                    }
                }
                p.added += r.distinct;
            }
            return r;
        }
    }

    /** What a member found in one level (or one insert). */
    static final class Report implements Serializable {
        private static final long serialVersionUID = 1L;
        long generated;
        long distinct;
        long queued;
        long fingerprintBytes;
        /** The first violation: its name, the state's reference, and for a step violation the action's number. */
        String violation;
        long ref = -1;
        int stepAction = -1;
        boolean deadlock;

        void violation(String name, long at, int action) {
            if (violation == null || at < ref) {
                violation = name;
                ref = at;
                stepAction = action;
            }
        }

        void add(Report o) {
            generated += o.generated;
            distinct += o.distinct;
            queued += o.queued;
            fingerprintBytes += o.fingerprintBytes;
            if (o.violation != null && (violation == null || (o.deadlock == deadlock ? o.ref < ref : !o.deadlock))) {
                violation = o.violation;
                ref = o.ref;
                stepAction = o.stepAction;
                deadlock = o.deadlock;
            }
        }
    }

    /** Expand this member's frontier, sending successors to their owners in batches. */
    static final class Expand extends Task<Report> {
        private static final long serialVersionUID = 1L;

        Expand(String run) {
            super(run);
        }

        @Override
        public Report call() throws Exception {
            Partition p = partition();
            IExecutorService insert = hz.getExecutorService(INSERT);
            Member[] members = new Member[p.owners.size()];
            for (Member m : hz.getCluster().getMembers()) {
                int i = p.owners.indexOf(m.getUuid());
                if (i >= 0) {
                    members[i] = m;
                }
            }
            for (int i = 0; i < members.length; i++) {
                if (members[i] == null) {
                    throw new IllegalStateException("member " + p.owners.get(i) + " left the cluster");
                }
            }
            Report r = new Report();
            List<List<Object[]>> out = new ArrayList<>();
            for (int i = 0; i < members.length; i++) {
                out.add(new ArrayList<>());
            }
            List<Future<Report>> sent = new ArrayList<>();
            while (true) {
                StateQueue.Entry e;
                synchronized (p) {
                    e = p.current.poll();
                }
                if (e == null) {
                    break;
                }
                long ref = ((long) p.me << MEMBER_SHIFT) | e.index;
                Object s = p.system.decode(e.words);
                List<Object> actions = p.system.actions(s);
                if (actions.isEmpty() && p.checkDeadlock && !p.system.isTerminal(s)) {
                    Report d = new Report();
                    d.violation("Deadlock", ref, -1);
                    d.deadlock = true;
                    r.add(d);
                }
                for (int k = 0; k < actions.size(); k++) {
                    Object a = actions.get(k);
                    Object t = p.system.step(s, a);
                    String stepBad = p.system.violatedStepInvariant(s, a, t);
                    String stateBad = p.system.violatedInvariant(t);
                    Object rep = p.system.representative(t);
                    long fp = p.system.representativeFingerprint(rep);
                    r.generated++;
                    if (stepBad != null) {
                        r.violation(stepBad, ref, k);
                    }
                    int o = p.owner(fp);
                    out.get(o).add(new Object[] {ref, k, fp, p.system.encode(rep), stateBad});
                    if (out.get(o).size() >= BATCH) {
                        sent.add(send(insert, members[o], out.get(o)));
                        out.set(o, new ArrayList<>());
                    }
                }
                if (sent.size() > 64) {
                    for (Future<Report> f : sent) {
                        r.add(f.get());
                    }
                    sent.clear();
                }
            }
            for (int o = 0; o < members.length; o++) {
                if (!out.get(o).isEmpty()) {
                    sent.add(send(insert, members[o], out.get(o)));
                }
            }
            for (Future<Report> f : sent) {
                r.add(f.get());
            }
            return r;
        }

        private Future<Report> send(IExecutorService insert, Member to, List<Object[]> batch) {
            int n = batch.size();
            long[] parents = new long[n];
            int[] actions = new int[n];
            long[] fps = new long[n];
            int[][] words = new int[n][];
            String[] bad = new String[n];
            for (int i = 0; i < n; i++) {
                Object[] b = batch.get(i);
                parents[i] = (Long) b[0];
                actions[i] = (Integer) b[1];
                fps[i] = (Long) b[2];
                words[i] = (int[]) b[3];
                bad[i] = (String) b[4];
            }
            return insert.submitToMember(new Insert(run, parents, actions, fps, words, bad), to);
        }
    }

    /** The next level becomes the current one; returns the queue's size and the table's bytes. */
    static final class Swap extends Task<Report> {
        private static final long serialVersionUID = 1L;

        Swap(String run) {
            super(run);
        }

        @Override
        public Report call() {
            Partition p = partition();
            synchronized (p) {
                StateQueue t = p.current;
                p.current = p.next;
                p.next = t;
                Report r = new Report();
                r.queued = p.current.size();
                r.fingerprintBytes = p.seen.bytes();
                return r;
            }
        }
    }

    /** One trace record: {action number, predecessor reference}. */
    static final class Record extends Task<long[]> {
        private static final long serialVersionUID = 1L;
        final long index;

        Record(String run, long index) {
            super(run);
            this.index = index;
        }

        @Override
        public long[] call() {
            Partition p = partition();
            synchronized (p) {
                p.log.flush();
                return new long[] {p.log.action(index), p.log.parent(index)};
            }
        }
    }

    static final class Close extends Task<Boolean> {
        private static final long serialVersionUID = 1L;

        Close(String run) {
            super(run);
        }

        @Override
        public Boolean call() {
            Partition p = PARTITIONS.remove(key(run, hz));
            if (p != null) {
                synchronized (p) {
                    p.close();
                }
            }
            return p != null;
        }
    }

    // ---------------------------------------------------------------- the coordinator

    public Result run() {
        long start = System.currentTimeMillis();
        List<HazelcastInstance> started = given == null ? startLoopbackMembers(members) : List.of();
        List<HazelcastInstance> cluster = given == null ? started : given;
        HazelcastInstance hz = cluster.get(0);
        String run = UUID.randomUUID().toString();
        IExecutorService expand = hz.getExecutorService(EXPAND);
        IExecutorService insert = hz.getExecutorService(INSERT);
        List<Member> owners = new ArrayList<>(hz.getCluster().getMembers());
        List<UUID> ids = new ArrayList<>();
        for (Member m : owners) {
            ids.add(m.getUuid());
        }
        Thread reporter = ProgressReporter.start(progress, progressMillis, () -> progressLine(start, owners.size()));
        @SuppressWarnings("unchecked")
        TransitionSystem<Object, Object> system = (TransitionSystem<Object, Object>) factory.create();
        try {
            List<Future<Integer>> inits = new ArrayList<>();
            for (int i = 0; i < owners.size(); i++) {
                inits.add(expand.submitToMember(new Init(run, factory, i, ids, checkDeadlock, memoryBudget), owners.get(i)));
            }
            waitAll(inits);
            generated = 0;
            distinct = 0;
            depth = 0;
            Report level = new Report();
            List<Object> initial = system.initialStates();
            for (int k = 0; k < initial.size(); k++) {
                // an initial state is expanded as it is: met first, by every member
                Object s = initial.get(k);
                long fp = system.fingerprint(s);
                generated++;
                int o = ownerOf(fp, owners.size());
                Report r = get(insert.submitToMember(new Insert(run, new long[] {TraceLog.ROOT}, new int[] {k},
                        new long[] {fp}, new int[][] {system.encode(s)}, new String[] {system.violatedInvariant(s)}),
                        owners.get(o)));
                level.add(r);
            }
            distinct += level.distinct;
            while (true) {
                if (level.violation != null) {
                    Trace t = trace(system, expand, owners, run, level);
                    Result.Status st = level.deadlock ? Result.Status.DEADLOCK : Result.Status.VIOLATION;
                    return finish(st, level.violation, t, start, level);
                }
                Report swap = new Report();
                for (Future<Report> f : expand.submitToAllMembers(new Swap(run)).values()) {
                    swap.add(get(f));
                }
                queued = swap.queued;
                if (swap.queued == 0) {
                    return finish(Result.Status.OK, null, null, start, swap);
                }
                level = new Report();
                for (Future<Report> f : expand.submitToAllMembers(new Expand(run)).values()) {
                    level.add(get(f));
                }
                generated += level.generated;
                distinct += level.distinct;
                if (level.distinct > 0) {
                    depth++;
                }
            }
        } finally {
            if (reporter != null) {
                reporter.interrupt();
            }
            try {
                for (Future<Boolean> f : expand.submitToAllMembers(new Close(run)).values()) {
                    get(f);
                }
            } catch (RuntimeException e) {
                // members that are gone took their partitions with them
            }
            for (HazelcastInstance h : started) {
                h.shutdown();
            }
        }
    }

    static int ownerOf(long fp, int n) {
        long h = fp * 0xC2B2AE3D27D4EB4FL;
        return (int) Long.remainderUnsigned(h ^ (h >>> 31), n);
    }

    private Trace trace(TransitionSystem<Object, Object> system, IExecutorService ex, List<Member> owners,
            String run, Report level) {
        List<Integer> path = new ArrayList<>();
        for (long ref = level.ref; ref != TraceLog.ROOT; ) {
            int m = (int) (ref >>> MEMBER_SHIFT);
            long index = ref & ((1L << MEMBER_SHIFT) - 1);
            long[] rec = get(ex.submitToMember(new Record(run, index), owners.get(m)));
            path.add(0, (int) rec[0]);
            ref = rec[1];
        }
        return Traces.rebuild(system, header, path, level.stepAction);
    }

    private Result finish(Result.Status status, String invariant, Trace trace, long start, Report last) {
        long millis = System.currentTimeMillis() - start;
        Runtime rt = Runtime.getRuntime();
        Statistics st = new Statistics(generated, distinct, 0, depth, millis,
                rt.totalMemory() - rt.freeMemory() + last.fingerprintBytes, 0, 0, 0, -1, last.fingerprintBytes,
                ModelChecker.peakResident());
        Trace t = trace == null ? null : new Trace(trace.header(), invariant, trace.labels(), trace.states());
        if (progress != null && progressMillis > 0) {
            progress.println(progressLine(start, 0));
        }
        return new Result(status, invariant, t, st);
    }


    private String progressLine(long start, int n) {
        long secs = Math.max(1, (System.currentTimeMillis() - start) / 1000);
        return "Progress(" + depth + ") at " + secs + "s: " + generated + " states generated ("
                + (generated * 60 / secs) + " s/min), " + distinct + " distinct states found, "
                + queued + " states left on queue" + (n > 0 ? " (" + n + " members)" : "") + ".";
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException("member task failed: " + c, c);
        }
    }

    private static <T> void waitAll(Collection<Future<T>> fs) {
        for (Future<T> f : fs) {
            get(f);
        }
    }
}
