package otherworld.checker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks "P leads to Q" properties (TLA+'s {@code P ~> Q}) on the whole state graph, under weak
 * fairness of the action classes the {@link TransitionSystem#fairness} names.
 *
 * <p>The graph is built breadth first in memory (state fingerprints, edges with their action and
 * fairness class), so this is for bounds whose graph fits the heap. A property fails when some
 * reachable state satisfies P and a fair behaviour from it never reaches Q. Such a behaviour ends
 * in a strongly connected component of the not-Q states that is fair (every class is either taken
 * inside it or disabled somewhere in it) or stutters forever in a not-Q state where no fair class
 * is enabled. The counterexample is a lasso: a shortest prefix to a P state, a path through
 * not-Q states, and a cycle that takes or passes a disabled state of every fairness class.
 *
 * <p>Symmetry reduction is not used here: a per-process fairness class does not survive renaming
 * processes.
 */
public final class LivenessChecker<S, A> {
    /** P leads to Q. */
    public static final class Property<S> {
        private final String name;
        private final String meaning;
        private final Predicate<S> p;
        private final Predicate<S> q;

        public Property(String name, String meaning, Predicate<S> p, Predicate<S> q) {
            this.name = name;
            this.meaning = meaning;
            this.p = p;
            this.q = q;
        }

        public String name() { return name; }
        public String meaning() { return meaning; }
    }

    private final TransitionSystem<S, A> system;
    private String header = "";
    private long maxStates = 20_000_000;

    // the graph: ids in breadth-first order
    private long[] fps = new long[1024];
    private int[] parent = new int[1024];
    private long[] enabled = new long[1024];
    private int n;
    private int[] edgeStart;
    private int[] edgeTo = new int[4096];
    private byte[] edgeClass = new byte[4096];
    private short[] edgeAction = new short[4096];
    private int edges;
    private final List<String> classes = new ArrayList<>();
    private long allClasses;

    public LivenessChecker(TransitionSystem<S, A> system) {
        this.system = system;
    }

    public LivenessChecker<S, A> header(String header) {
        this.header = header;
        return this;
    }

    /** Refuse graphs larger than this (they would not fit the heap). */
    public LivenessChecker<S, A> maxStates(long n) {
        this.maxStates = n;
        return this;
    }

    /** States in the graph after {@link #check}. */
    public int states() {
        return n;
    }

    /** Names of the fairness classes met, in order. */
    public List<String> fairnessClasses() {
        return List.copyOf(classes);
    }

    /**
     * Checks each property in turn; returns OK, or LIVENESS with the first property that fails
     * (its name in {@link Result#invariant()}) and a lasso-shaped trace.
     */
    public Result check(List<Property<S>> properties) {
        long start = System.currentTimeMillis();
        List<BitSet[]> pq = build(properties);
        for (int k = 0; k < properties.size(); k++) {
            Trace t = counterexample(pq.get(k)[0], pq.get(k)[1]);
            if (t != null) {
                String name = properties.get(k).name();
                Trace named = new Trace(t.header(), name, t.labels(), t.states(), t.loopStart());
                return new Result(Result.Status.LIVENESS, name, named, stats(start));
            }
        }
        return new Result(Result.Status.OK, null, null, stats(start));
    }

    private Statistics stats(long start) {
        Runtime rt = Runtime.getRuntime();
        return new Statistics(edges + system.initialStates().size(), n, 0, depth(), System.currentTimeMillis() - start,
                rt.totalMemory() - rt.freeMemory());
    }

    private int depth() {
        int d = 0;
        if (n > 0) {
            for (int i = n - 1; i != -1; i = parent[i]) {
                d++;
            }
        }
        return Math.max(0, d - 1);
    }

    /** Breadth-first: the graph in CSR form, and P and Q per state for each property. */
    private List<BitSet[]> build(List<Property<S>> properties) {
        Map<Long, Integer> ids = new HashMap<>();
        List<BitSet[]> pq = new ArrayList<>();
        for (int k = 0; k < properties.size(); k++) {
            pq.add(new BitSet[] {new BitSet(), new BitSet()});
        }
        ArrayDeque<S> queue = new ArrayDeque<>();
        for (S s : system.initialStates()) {
            long fp = system.fingerprint(s);
            if (!ids.containsKey(fp)) {
                ids.put(fp, add(fp, -1));
                queue.add(s);
            }
        }
        int[] starts = new int[1024];
        int expanded = 0;
        while (!queue.isEmpty()) {
            S s = queue.poll();
            int id = expanded++;
            for (int k = 0; k < properties.size(); k++) {
                if (properties.get(k).p.test(s)) {
                    pq.get(k)[0].set(id);
                }
                if (properties.get(k).q.test(s)) {
                    pq.get(k)[1].set(id);
                }
            }
            if (starts.length <= id + 1) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[id] = edges;
            List<A> actions = system.actions(s);
            if (actions.size() > Short.MAX_VALUE) {
                throw new IllegalStateException("a state with " + actions.size() + " actions");
            }
            long en = 0;
            for (int i = 0; i < actions.size(); i++) {
                A a = actions.get(i);
                int cls = classOf(system.fairness(a));
                if (cls >= 0) {
                    en |= 1L << cls;
                }
                S t = system.step(s, a);
                long fp = system.fingerprint(t);
                Integer to = ids.get(fp);
                if (to == null) {
                    if (n >= maxStates) {
                        throw new IllegalStateException("the state graph has more than " + maxStates
                                + " states: too large for the liveness check");
                    }
                    to = add(fp, id);
                    ids.put(fp, to);
                    queue.add(t);
                }
                addEdge(to, cls, i);
            }
            enabled[id] = en;
        }
        starts[expanded] = edges;
        edgeStart = Arrays.copyOf(starts, n + 1);
        return pq;
    }

    private int add(long fp, int from) {
        if (n == fps.length) {
            fps = Arrays.copyOf(fps, n * 2);
            parent = Arrays.copyOf(parent, n * 2);
            enabled = Arrays.copyOf(enabled, n * 2);
        }
        fps[n] = fp;
        parent[n] = from;
        return n++;
    }

    private void addEdge(int to, int cls, int action) {
        if (edges == edgeTo.length) {
            edgeTo = Arrays.copyOf(edgeTo, edges * 2);
            edgeClass = Arrays.copyOf(edgeClass, edges * 2);
            edgeAction = Arrays.copyOf(edgeAction, edges * 2);
        }
        edgeTo[edges] = to;
        edgeClass[edges] = (byte) cls;
        edgeAction[edges] = (short) action;
        edges++;
    }

    private int classOf(String name) {
        if (name == null) {
            return -1;
        }
        int i = classes.indexOf(name);
        if (i < 0) {
            if (classes.size() == 64) {
                throw new IllegalStateException("more than 64 fairness classes");
            }
            classes.add(name);
            i = classes.size() - 1;
            allClasses |= 1L << i;
        }
        return i;
    }

    /** A lasso violating P ~> Q, or null if the property holds. */
    private Trace counterexample(BitSet p, BitSet q) {
        int[] comp = sccs(q);
        // per component: classes taken inside it, classes disabled somewhere in it, has a cycle
        Map<Integer, long[]> info = new HashMap<>();
        for (int v = 0; v < n; v++) {
            if (q.get(v)) {
                continue;
            }
            long[] c = info.computeIfAbsent(comp[v], k -> new long[3]);
            c[1] |= ~enabled[v] & allClasses;
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                int w = edgeTo[e];
                if (!q.get(w) && comp[w] == comp[v]) {
                    c[2] = 1;
                    if (edgeClass[e] >= 0) {
                        c[0] |= 1L << edgeClass[e];
                    }
                }
            }
        }
        BitSet bad = new BitSet();
        for (int v = 0; v < n; v++) {
            if (q.get(v)) {
                continue;
            }
            long[] c = info.get(comp[v]);
            boolean fairCycle = c[2] == 1 && ((c[0] | c[1]) & allClasses) == allClasses;
            boolean fairStutter = (enabled[v] & allClasses) == 0;
            if (fairCycle || fairStutter) {
                bad.set(v);
            }
        }
        if (bad.isEmpty()) {
            return null;
        }
        // not-Q states from which a bad state is reachable through not-Q states
        BitSet canFail = backward(bad, q);
        int start = -1;
        for (int v = p.nextSetBit(0); v >= 0; v = p.nextSetBit(v + 1)) {
            if (canFail.get(v)) {
                start = v;
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        List<Integer> path = new ArrayList<>();
        for (int v = start; v != -1; v = parent[v]) {
            path.add(0, v);
        }
        List<Integer> toBad = bfsPath(start, bad, q, -1, comp);
        for (int i = 1; i < toBad.size(); i++) {
            path.add(toBad.get(i));
        }
        int e = path.get(path.size() - 1);
        int loopStart = path.size() - 1;
        if ((enabled[e] & allClasses) != 0) {
            // not a stutter state, so on a fair cycle
            path.addAll(cycle(e, q, comp));
        }
        return trace(path, loopStart);
    }

    /** A cycle from e back to e inside its component that is fair (e itself excluded at the front). */
    private List<Integer> cycle(int e, BitSet q, int[] comp) {
        int c = comp[e];
        long need = allClasses;
        List<Integer> out = new ArrayList<>();
        int at = e;
        for (int v = 0; v < n && need != 0; v++) {
            if (q.get(v) || comp[v] != c) {
                continue;
            }
            long disabled = ~enabled[v] & need;
            long taken = 0;
            int via = -1;
            for (int x = edgeStart[v]; x < edgeStart[v + 1]; x++) {
                int w = edgeTo[x];
                if (!q.get(w) && comp[w] == c && edgeClass[x] >= 0 && (need & (1L << edgeClass[x])) != 0) {
                    taken = 1L << edgeClass[x];
                    via = w;
                    break;
                }
            }
            if (disabled == 0 && via < 0) {
                continue;
            }
            if (at != v) {
                BitSet target = new BitSet();
                target.set(v);
                List<Integer> go = bfsPath(at, target, q, c, comp);
                for (int i = 1; i < go.size(); i++) {
                    out.add(go.get(i));
                }
                at = v;
            }
            need &= ~disabled;
            if (via >= 0 && (need & taken) != 0) {
                out.add(via);
                at = via;
                need &= ~taken;
            }
        }
        BitSet home = new BitSet();
        home.set(e);
        if (at == e) {
            // one step out, then back: a cycle needs at least one step
            for (int x = edgeStart[e]; x < edgeStart[e + 1]; x++) {
                int w = edgeTo[x];
                if (!q.get(w) && comp[w] == c) {
                    out.add(w);
                    at = w;
                    break;
                }
            }
        }
        if (at != e) {
            List<Integer> back = bfsPath(at, home, q, c, comp);
            for (int i = 1; i < back.size(); i++) {
                out.add(back.get(i));
            }
        }
        return out;
    }

    /** Shortest path from a to a target state through not-Q states (inside component c if c >= 0). */
    private List<Integer> bfsPath(int a, BitSet target, BitSet q, int c, int[] comp) {
        Map<Integer, Integer> from = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        from.put(a, -1);
        queue.add(a);
        int found = target.get(a) && c < 0 ? a : -1;
        while (found < 0 && !queue.isEmpty()) {
            int v = queue.poll();
            for (int e = edgeStart[v]; e < edgeStart[v + 1] && found < 0; e++) {
                int w = edgeTo[e];
                if (q.get(w) || (c >= 0 && comp[w] != c) || from.containsKey(w)) {
                    if (w == a && target.get(a) && c >= 0 && from.containsKey(w)) {
                        // back at the start inside the component: a cycle closes
                        from.put(-2, v);
                        found = -2;
                    }
                    continue;
                }
                from.put(w, v);
                if (target.get(w)) {
                    found = w;
                } else {
                    queue.add(w);
                }
            }
        }
        if (found == -1) {
            throw new IllegalStateException("liveness: no path inside the component");
        }
        List<Integer> path = new ArrayList<>();
        if (found == -2) {
            path.add(a);
            for (int v = from.get(-2); v != -1; v = from.get(v)) {
                path.add(0, v);
            }
            return path;
        }
        for (int v = found; v != -1; v = from.get(v)) {
            path.add(0, v);
        }
        return path;
    }

    /** States that reach a bad state through not-Q states (including the bad ones). */
    private BitSet backward(BitSet bad, BitSet q) {
        int[] predStart = new int[n + 1];
        for (int v = 0; v < n; v++) {
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                predStart[edgeTo[e] + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            predStart[i + 1] += predStart[i];
        }
        int[] fill = Arrays.copyOf(predStart, n);
        int[] pred = new int[edges];
        for (int v = 0; v < n; v++) {
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                pred[fill[edgeTo[e]]++] = v;
            }
        }
        BitSet seen = (BitSet) bad.clone();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int v = bad.nextSetBit(0); v >= 0; v = bad.nextSetBit(v + 1)) {
            queue.add(v);
        }
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int i = predStart[v]; i < predStart[v + 1]; i++) {
                int u = pred[i];
                if (!q.get(u) && !seen.get(u)) {
                    seen.set(u);
                    queue.add(u);
                }
            }
        }
        return seen;
    }

    /** Tarjan's strongly connected components of the not-Q subgraph, iteratively; -1 for Q states. */
    private int[] sccs(BitSet q) {
        int[] comp = new int[n];
        int[] index = new int[n];
        int[] low = new int[n];
        Arrays.fill(index, -1);
        Arrays.fill(comp, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        int[] callV = new int[n];
        int[] callE = new int[n];
        int counter = 0;
        int comps = 0;
        for (int root = 0; root < n; root++) {
            if (q.get(root) || index[root] >= 0) {
                continue;
            }
            int depth = 0;
            callV[0] = root;
            callE[0] = edgeStart[root];
            index[root] = low[root] = counter++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = callV[depth];
                if (callE[depth] < edgeStart[v + 1]) {
                    int w = edgeTo[callE[depth]++];
                    if (q.get(w)) {
                        continue;
                    }
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callV[depth] = w;
                        callE[depth] = edgeStart[w];
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                } else {
                    if (low[v] == index[v]) {
                        int w;
                        do {
                            w = stack[--sp];
                            onStack[w] = false;
                            comp[w] = comps;
                        } while (w != v);
                        comps++;
                    }
                    depth--;
                    if (depth >= 0) {
                        int u = callV[depth];
                        low[u] = Math.min(low[u], low[v]);
                    }
                }
            }
        }
        return comp;
    }

    /** Re-executes the path of ids, following the recorded actions, into a trace. */
    private Trace trace(List<Integer> path, int loopStart) {
        S cur = null;
        for (S s : system.initialStates()) {
            if (system.fingerprint(s) == fps[path.get(0)]) {
                cur = s;
            }
        }
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        states.add(system.describe(cur));
        for (int i = 1; i < path.size(); i++) {
            int v = path.get(i - 1);
            int w = path.get(i);
            int action = -1;
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                if (edgeTo[e] == w) {
                    action = edgeAction[e];
                    break;
                }
            }
            A a = system.actions(cur).get(action);
            cur = system.step(cur, a);
            labels.add(system.label(a));
            states.add(system.describe(cur));
        }
        return new Trace(header, "", labels, states, loopStart);
    }
}
