package otherworld.checker.conform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What conformance runs covered: runs, steps, crashes injected, the crash points hit (per kind of call, before which
 * of its writes), the crash points that exist (the most writes a call of each kind made: the kernel's own write
 * trace), and for each point hit the model's witness: after how many of its micro-steps a crash of the model gives
 * what the kernel gave.
 */
public final class Stats {
    long runs;
    long steps;
    long crashes;
    long resurrectCrashes;
    long instructions;
    long comparisons;
    /** Crashes that left a structure of the crashed process corrupt (it must not come back). */
    long corrupted;
    /** "kind write@k" (or "resurrect resurrect.x") to the crashes injected there. */
    final Map<String, Long> points = new TreeMap<>();
    /** Kind of call to the most kernel writes one such call made. */
    final Map<String, Integer> exist = new TreeMap<>();
    /** Kind of call to write index to {min, max} model witness. */
    final Map<String, TreeMap<Integer, int[]>> witnesses = new TreeMap<>();

    public long runs() { return runs; }
    public long steps() { return steps; }
    /** Kernel crashes injected, including crashes of the crash kernel. */
    public long crashes() { return crashes + resurrectCrashes; }
    public long resurrectCrashes() { return resurrectCrashes; }
    public long instructions() { return instructions; }
    public long comparisons() { return comparisons; }
    public long corrupted() { return corrupted; }
    /** Crash point ("kind write@k") to the number of crashes injected there. */
    public Map<String, Long> points() { return points; }

    void crashedAt(String kind, String point) {
        points.merge(kind + " " + point, 1L, (a, b) -> a + b);
    }

    void sawWrites(String kind, int writes) {
        exist.merge(kind, writes, (a, b) -> Math.max(a, b));
    }

    void witness(String kind, int write, int modelSteps) {
        int[] w = witnesses.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(write,
                k -> new int[] {modelSteps, modelSteps});
        w[0] = Math.min(w[0], modelSteps);
        w[1] = Math.max(w[1], modelSteps);
    }

    /** Write crash points that exist: for each kind of call, one before each write the longest such call made. */
    public int pointsExisting() {
        int n = 0;
        for (int w : exist.values()) n += w;
        return n;
    }

    /** Write crash points reached (within what exists). */
    public int pointsReached() {
        int n = 0;
        for (Map.Entry<String, TreeMap<Integer, int[]>> e : witnesses.entrySet()) {
            for (int k : e.getValue().keySet()) {
                if (k < exist.getOrDefault(e.getKey(), 0)) n++;
            }
        }
        return n;
    }

    /**
     * Where the model's witnesses go down as the kernel's write index goes up: a crash later in the kernel's call
     * must not look like a crash earlier in the model's. Empty when the mapping is monotone. Meaningful for the
     * crashes of one call made the same way each time (one program, one step: ConformanceTest); calls of one kind
     * made in different states make different numbers of writes (a first write to a file allocates its block).
     */
    public List<String> nonMonotoneWitnesses() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, int[]>> e : witnesses.entrySet()) {
            int maxSoFar = -1;
            int at = -1;
            for (Map.Entry<Integer, int[]> w : e.getValue().entrySet()) {
                if (w.getValue()[0] < maxSoFar) {
                    out.add(e.getKey() + ": write@" + w.getKey() + " is matched by model step " + w.getValue()[0]
                            + ", but write@" + at + " by step " + maxSoFar);
                }
                if (w.getValue()[1] > maxSoFar) {
                    maxSoFar = w.getValue()[1];
                    at = w.getKey();
                }
            }
        }
        return out;
    }

    public void add(Stats o) {
        runs += o.runs;
        steps += o.steps;
        crashes += o.crashes;
        resurrectCrashes += o.resurrectCrashes;
        instructions += o.instructions;
        comparisons += o.comparisons;
        corrupted += o.corrupted;
        for (Map.Entry<String, Long> e : o.points.entrySet()) {
            points.merge(e.getKey(), e.getValue(), (a, b) -> a + b);
        }
        for (Map.Entry<String, Integer> e : o.exist.entrySet()) sawWrites(e.getKey(), e.getValue());
        for (Map.Entry<String, TreeMap<Integer, int[]>> e : o.witnesses.entrySet()) {
            for (Map.Entry<Integer, int[]> w : e.getValue().entrySet()) {
                witness(e.getKey(), w.getKey(), w.getValue()[0]);
                witness(e.getKey(), w.getKey(), w.getValue()[1]);
            }
        }
    }

    /** One line: runs, steps, crashes, points covered. */
    public String line() {
        return runs + " runs, " + steps + " steps, " + crashes() + " crashes (" + resurrectCrashes
                + " of the crash kernel, " + corrupted + " leaving a structure corrupt), crash points reached " + pointsReached() + " / " + pointsExisting()
                + " that exist, " + comparisons + " observations compared, " + instructions + " guest instructions";
    }

    /** Per kind of call: write points reached of those that exist, and the model step each is matched by. */
    public String pointsTable() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : exist.entrySet()) {
            TreeMap<Integer, int[]> w = witnesses.getOrDefault(e.getKey(), new TreeMap<>());
            int reached = 0;
            StringBuilder map = new StringBuilder();
            for (Map.Entry<Integer, int[]> x : w.entrySet()) {
                if (x.getKey() < e.getValue()) reached++;
                map.append(' ').append(x.getKey()).append("->").append(x.getValue()[0])
                        .append(x.getValue()[0] == x.getValue()[1] ? "" : ".." + x.getValue()[1]);
            }
            sb.append(String.format("  %-9s %3d / %3d writes crashed at; kernel write -> model step:%s%n", e.getKey(),
                    reached, e.getValue(), map));
        }
        for (Map.Entry<String, Long> e : points.entrySet()) {
            if (e.getKey().startsWith("resurrect ")) sb.append(String.format("  %-24s %d%n", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}
