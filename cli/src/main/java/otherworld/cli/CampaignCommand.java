package otherworld.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import otherworld.campaign.Campaign;
import otherworld.campaign.CaseResult;
import otherworld.campaign.HtmlReport;
import otherworld.campaign.Summary;
import otherworld.campaign.Workload;
import otherworld.kernel.fault.FaultType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ow campaign: a seeded fault-injection campaign, its JSON lines, summary table and HTML report. */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = {"Inject N seeded faults into runs of the bundled workloads (or static binaries given by path),",
                "judge every process against the run without a fault, and write cases.jsonl, summary.txt and report.html.",
                "Exit status 1 if any process was silently corrupted (outside user-write, unless --strict) or anything",
                "escaped to the host; 2 on bad arguments."})
final class CampaignCommand implements Callable<Integer> {
    @Option(names = "--faults", paramLabel = "N", defaultValue = "100", description = "cases, one fault each (default ${DEFAULT-VALUE})")
    long faults;

    @Option(names = "--types", paramLabel = "T,...", split = ",", description = "fault types (default all): panic, wild-write, bit-flip, user-write, hang, crash-kernel, disk-corrupt, disk-error (or 1..6)")
    List<String> types = new ArrayList<>();

    @Option(names = "--workloads", paramLabel = "W,...", split = ",", description = "workloads (default all bundled): hello, checksum, kvstore, files, regs, syscalls, callbench, mix, pipeline, forktest, pipetest, sigtest, mmap, spawner, editor, or ./path/to/static-binary")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "campaign seed, decimal or 0x hex (default ${DEFAULT-VALUE})")
    String seed;

    @Option(names = "--jobs", paramLabel = "J", description = "cases at a time on each member (default: the cores)")
    Integer jobs;

    @Option(names = "--members", paramLabel = "M", defaultValue = "1", description = "Hazelcast members embedded in this JVM, on loopback (default ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "campaign-out", description = "where to write cases.jsonl, summary.txt, report.html (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--strict", description = "fail on a silent corruption by user-write too (default mode cannot prevent those)")
    boolean strict;

    @Option(names = "--enhanced", description = "run the kernel in the enhanced mode (check bytes on its structures; "
            + "the case ids start with enhanced:)")
    boolean enhanced;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Option(names = "--from", paramLabel = "CASES.jsonl", description = "run nothing: summarise the cases of an earlier (or "
            + "interrupted) campaign into --out, with --seconds as its duration if known")
    Path from;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "0", description = "with --from: how long those cases took")
    double seconds;

    @Override
    public Integer call() throws IOException {
        if (from != null) return summarise();
        Campaign c;
        List<FaultType> ts = new ArrayList<>();
        try {
            if (types.isEmpty()) ts.addAll(List.of(FaultType.values()));
            for (String t : types) ts.add(FaultType.of(t.trim()));
            List<String> ws = workloads.isEmpty() ? Workload.defaults() : workloads;
            c = new Campaign(faults, ts, ws, parseSeed(seed)).members(members).enhanced(enhanced);
            if (jobs != null) c.jobs(jobs);
        } catch (IllegalArgumentException e) {
            System.err.println("ow campaign: " + e.getMessage());
            return 2;
        }
        Files.createDirectories(out);
        String command = "ow campaign --faults " + faults + " --types " + String.join(",", ts.stream().map(t -> t.id).toList())
                + " --workloads " + String.join(",", workloads.isEmpty() ? Workload.defaults() : workloads) + " --seed " + seed
                + (jobs != null ? " --jobs " + jobs : "") + (members != 1 ? " --members " + members : "")
                + (enhanced ? " --enhanced" : "");
        System.out.println(command);
        long t0 = System.nanoTime();
        List<CaseResult> results;
        try (PrintWriter jsonl = new PrintWriter(Files.newBufferedWriter(out.resolve("cases.jsonl"), StandardCharsets.UTF_8))) {
            results = c.progress(noProgress ? null : System.err).run(r -> jsonl.println(r.json()));
        }
        return report(new Summary(results, (System.nanoTime() - t0) / 1e9), command);
    }

    /** --from: the summary, table and report of cases already run, read back from their JSON lines. */
    Integer summarise() throws IOException {
        List<CaseResult> results = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(from, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) continue;
                try {
                    results.add(CaseResult.parse(line));
                } catch (RuntimeException e) {
                    System.err.println("ow campaign: " + from + " line " + n + " is not a case (cut short?): skipped");
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("ow campaign: no such file: " + from);
            return 2;
        }
        Files.createDirectories(out);
        return report(new Summary(results, seconds), "ow campaign --from " + from + " (" + results.size() + " cases)");
    }

    Integer report(Summary s, String command) throws IOException {
        String table = s.table();
        System.out.print(table);
        Files.writeString(out.resolve("summary.txt"), command + "\n" + table);
        Files.writeString(out.resolve("report.html"), HtmlReport.render(s, command));
        for (CaseResult r : s.bad) System.out.println("  " + r.outcome().id + ": " + r.replayCommand() + "  (" + r.fault + ")");
        System.out.println("wrote " + (from == null ? out.resolve("cases.jsonl") + ", " : "") + out.resolve("summary.txt") + ", "
                + out.resolve("report.html"));
        long failing = s.hostExceptions() + (strict ? s.total.count(otherworld.campaign.Outcome.DIVERGED) : s.silentCorruptionsOutsideUserWrites());
        return failing == 0 ? 0 : 1;
    }

    static long parseSeed(String s) {
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: not a number: " + s);
        }
    }
}
