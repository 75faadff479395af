package otherworld.checker.conform;

import java.util.Map;
import java.util.TreeMap;

/** What conformance runs covered: runs, steps, crashes injected, crash points hit by name, machine instructions. */
public final class Stats {
    long runs;
    long steps;
    long crashes;
    long resurrectCrashes;
    long instructions;
    long comparisons;
    final Map<String, Long> points = new TreeMap<>();

    public long runs() { return runs; }
    public long steps() { return steps; }
    /** Kernel crashes injected, including crashes of the crash kernel. */
    public long crashes() { return crashes + resurrectCrashes; }
    public long resurrectCrashes() { return resurrectCrashes; }
    public long instructions() { return instructions; }
    public long comparisons() { return comparisons; }
    /** Crash point name to the number of crashes injected there. */
    public Map<String, Long> points() { return points; }

    void crashedAt(String point) {
        points.merge(point, 1L, (a, b) -> a + b);
    }

    public void add(Stats o) {
        runs += o.runs;
        steps += o.steps;
        crashes += o.crashes;
        resurrectCrashes += o.resurrectCrashes;
        instructions += o.instructions;
        comparisons += o.comparisons;
        for (Map.Entry<String, Long> e : o.points.entrySet()) {
            points.merge(e.getKey(), e.getValue(), (a, b) -> a + b);
        }
    }

    /** One line: runs, steps, crashes, points covered. */
    public String line() {
        return runs + " runs, " + steps + " steps, " + crashes() + " crashes (" + resurrectCrashes
                + " of the crash kernel), " + points.size() + " crash points covered, " + comparisons
                + " observations compared, " + instructions + " guest instructions";
    }

    /** The crash points covered, one per line with their counts. */
    public String pointsTable() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : points.entrySet()) {
            sb.append(String.format("  %-24s %d%n", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}
