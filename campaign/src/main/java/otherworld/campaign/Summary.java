package otherworld.campaign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of a campaign's results (processes of cases whose fault struck; a fault that found nothing to strike is
 * counted apart): by fault type and by workload, resurrection-time percentiles, the bad cases. */
public final class Summary {
    /** Per group (a fault type, a workload): processes in each class, and of the identical ones, how many recovered. */
    public static final class Row {
        public final String name;
        public long cases;
        public long processes;
        public final long[] byOutcome = new long[Outcome.values().length];
        public long recovered;
        public long fsckClean;
        public long fsckRun;
        public long crashed;
        /** Cases whose fault never struck (a disk fault on a workload that makes no disk request after boot). */
        public long notStruck;

        Row(String name) { this.name = name; }

        void add(CaseResult r) {
            cases++;
            if (r.struck.isEmpty() && r.hostException == null) {
                notStruck++;
                return;
            }
            if (!r.resurrectionNanos.isEmpty()) crashed++;
            for (CaseResult.Proc p : r.processes) {
                processes++;
                byOutcome[p.outcome.ordinal()]++;
                if (p.outcome == Outcome.IDENTICAL && p.recovered) recovered++;
            }
            if (r.fsck.equals("clean")) fsckClean++;
            if (!r.fsck.startsWith("not run")) fsckRun++;
        }

        public long count(Outcome o) { return byOutcome[o.ordinal()]; }

        /** Processes that ended as in the reference (resurrected or recovered), in percent. */
        public double survival() { return processes == 0 ? 0 : 100.0 * count(Outcome.IDENTICAL) / processes; }
    }

    public final List<CaseResult> results;
    public final Map<String, Row> byType = new LinkedHashMap<>();
    public final Map<String, Row> byWorkload = new LinkedHashMap<>();
    public final Row total = new Row("all");
    public final List<Long> resurrectionNanos = new ArrayList<>();
    public final List<CaseResult> bad = new ArrayList<>();
    public double seconds;

    public Summary(List<CaseResult> results, double seconds) {
        this.results = results;
        this.seconds = seconds;
        for (CaseResult r : results) {
            byType.computeIfAbsent(r.type, Row::new).add(r);
            byWorkload.computeIfAbsent(r.workload, Row::new).add(r);
            total.add(r);
            resurrectionNanos.addAll(r.resurrectionNanos);
            if (r.silentCorruption() || r.hostException != null || r.outcome() == Outcome.HOST_EXCEPTION) bad.add(r);
        }
        Collections.sort(resurrectionNanos);
    }

    /** The p-th percentile (0..100) of resurrection times in milliseconds, or NaN if there was none. */
    public double resurrectionMillis(double p) {
        if (resurrectionNanos.isEmpty()) return Double.NaN;
        int i = (int) Math.min(resurrectionNanos.size() - 1, Math.ceil(p / 100 * resurrectionNanos.size()) - 1);
        return resurrectionNanos.get(Math.max(0, i)) / 1e6;
    }

    public long hostExceptions() { return total.count(Outcome.HOST_EXCEPTION); }

    /** Silent corruptions (processes resurrected and diverged) outside fault type 4, which default mode cannot stop. */
    public long silentCorruptionsOutsideUserWrites() {
        long n = 0;
        for (Map.Entry<String, Row> e : byType.entrySet()) if (!e.getKey().equals("user-write")) n += e.getValue().count(Outcome.DIVERGED);
        return n;
    }

    public double casesPerSecond() { return seconds > 0 ? results.size() / seconds : 0; }

    /** The summary table, as the terminal shows it. */
    public String table() {
        StringBuilder b = new StringBuilder();
        table(b, "fault type", byType);
        b.append('\n');
        table(b, "workload", byWorkload);
        b.append(String.format("%nresurrections: %d; time p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                resurrectionNanos.size(), resurrectionMillis(50), resurrectionMillis(90), resurrectionMillis(99),
                resurrectionMillis(100)));
        b.append(String.format("%d cases in %.1f s: %.2f cases/s%n", results.size(), seconds, casesPerSecond()));
        b.append(String.format("silent corruptions: %d (%d outside user-write); host exceptions: %d%n",
                total.count(Outcome.DIVERGED), silentCorruptionsOutsideUserWrites(), hostExceptions()));
        return b.toString();
    }

    private void table(StringBuilder b, String what, Map<String, Row> rows) {
        b.append(String.format("%-13s %6s %6s %9s %9s %8s %9s %7s %7s %9s %9s %10s %10s%n", what, "cases", "procs", "identical",
                "recovered", "refused", "diverged", "halted", "host-ex", "survival", "crashed", "fsck-clean", "not-struck"));
        List<Row> all = new ArrayList<>(rows.values());
        all.add(total);
        for (Row r : all) {
            b.append(String.format("%-13s %6d %6d %9d %9d %8d %9d %7d %7d %8.2f%% %9d %10s %10d%n", r.name, r.cases, r.processes,
                    r.count(Outcome.IDENTICAL), r.recovered, r.count(Outcome.REFUSED), r.count(Outcome.DIVERGED),
                    r.count(Outcome.HALTED), r.count(Outcome.HOST_EXCEPTION), r.survival(), r.crashed,
                    r.fsckRun == 0 ? "-" : r.fsckClean + "/" + r.fsckRun, r.notStruck));
        }
    }
}
