package otherworld.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import otherworld.campaign.Case;
import otherworld.campaign.CaseResult;
import otherworld.campaign.CaseRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** ow replay CASE: one campaign case again, exactly, with the kernel log around the fault. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run one campaign case exactly (its id, workload:type:seed, from cases.jsonl or the report) "
                + "and show its result and the kernel log around the fault.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CASE", description = "case id, e.g. kvstore:bit-flip:5eed01")
    String id;

    @Option(names = "--context", paramLabel = "N", defaultValue = "12", description = "log lines shown before and after the fault (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--log", description = "the whole kernel log")
    boolean whole;

    @Override
    public Integer call() {
        Case c;
        try {
            c = Case.parse(id);
            otherworld.campaign.Workload.of(c.workload());
        } catch (IllegalArgumentException e) {
            System.err.println("ow replay: " + e.getMessage());
            return 2;
        }
        List<String> log = new ArrayList<>();
        CaseResult r = CaseRunner.run(c, log::add);
        System.out.println("case " + r.id + ": " + r.fault);
        for (String s : r.struck) System.out.println("  struck: " + s);
        for (String s : r.did) System.out.println("  did:    " + s);
        int at = -1;
        for (int i = 0; i < log.size() && at < 0; i++) if (log.get(i).contains("PANIC")) at = i;
        int from = whole ? 0 : Math.max(0, (at < 0 ? log.size() : at) - context);
        int to = whole ? log.size() : Math.min(log.size(), (at < 0 ? log.size() : at) + context + 1);
        System.out.println("kernel log" + (whole ? "" : at < 0 ? " (no panic: its last lines)" : " around the panic")
                + ", lines " + (from + 1) + ".." + to + " of " + log.size() + ":");
        for (int i = from; i < to; i++) System.out.println((i == at ? "> " : "  ") + log.get(i));
        for (CaseResult.Proc p : r.processes) {
            System.out.println("process " + p.name + ": " + p.outcome.id + (p.recovered ? " (through its recovery procedure)" : "")
                    + (p.detail == null ? "" : " — " + p.detail));
        }
        System.out.println("e2fsck: " + r.fsck);
        System.out.println(r.json());
        return r.hostException == null ? 0 : 1;
    }
}
