package otherworld.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.kernel.fs.Fsck;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.resurrect.ResurrectionReport;
import otherworld.userland.Programs;

/**
 * The walking skeleton, end to end: three guest programs and a shell pipeline of four processes run on the emulated
 * machine; the same run is repeated with the kernel panicking in the middle of system calls (one of them a pipe
 * write in the middle of the pipeline's stream); each program's output and files must be identical.
 */
public final class Demo {
    private final PrintStream out;
    private final int crashes;
    private final int records;
    private final boolean verbose;

    public Demo(PrintStream out, int crashes, int records, boolean verbose) {
        this.out = out;
        this.crashes = crashes;
        this.records = records;
        this.verbose = verbose;
    }

    Scenario scenario() {
        Scenario s = new Scenario()
                .add(Guest.program("checksum", List.of(Integer.toString(records))))
                .add(Guest.program("kvstore", List.of()))
                .add(Guest.program("hello", List.of()))
                .add(pipeline())
                .config(KernelConfig.defaults());
        for (String b : Programs.binaryNames()) s.file("/bin/" + b, Programs.binary(b));
        return s;
    }

    /** userland's demo-pipeline case: sh reads "seq 1 100000 | grep 7 | sort -r | wc -l -w -c" from its stdin. */
    static Scenario.Program pipeline() {
        Programs.Program c = Programs.goldenCase("demo-pipeline");
        List<String> argv = new ArrayList<>();
        argv.add(c.program());
        argv.addAll(c.args());
        return new Scenario.Program(c.program(), c.binary(), argv, c.stdin());
    }

    static final String[] FILES = {"records.dat", "kv.log"};

    /** Runs the demo; true when every program survived with identical output and files. */
    public boolean run() {
        out.println("otherworld demo: applications that survive a kernel crash");
        out.println("machine: RV64GC hart, 64 MiB RAM, ext2 disk of 16 MiB, one console per program");
        out.println("programs: tty0 checksum " + records + " | tty1 kvstore < kvstore.in | tty2 hello | tty3 sh running");
        out.println("          seq 1 100000 | grep 7 | sort -r | wc -l -w -c  (four processes, three pipes; tools on /bin)");
        out.println();

        out.println("1. reference run, no crash");
        FaultPlan counter = FaultPlan.counting();
        Scenario.Result ref = scenario().faults(counter).run();
        out.printf("   %,d instructions, %,d system calls, all exited: %s%n", ref.instructions(), ref.syscalls(),
                ref.allExited());
        if (!ref.allExited()) {
            out.println("FAILED: the reference run did not finish");
            return false;
        }

        // Crash points: the middle of a console write (half of its bytes already out), then a pipe write in the middle
        // of the pipeline's stream (its bytes in the pipe, not yet shown), then the middle of file writes (data in the
        // page cache, offset not yet committed), spread over the run.
        FaultPlan plan = FaultPlan.none();
        long tty = counter.hits("write.tty-partial");
        long pipe = counter.hits("pipe.write");
        long fsw = counter.hits("write.after-fs");
        plan.andAtPoint("write.tty-partial", Math.max(1, tty / 2));
        if (crashes > 1) plan.andAtPoint("pipe.write", Math.max(1, pipe / 2));
        for (int i = 2; i < crashes; i++) plan.andAtPoint("write.after-fs", Math.max(1, fsw * (i - 1) / (crashes - 1) + 1));
        out.println();
        out.println("2. the same run, with " + crashes + " kernel panic" + (crashes > 1 ? "s" : "")
                + " injected in the middle of system calls");
        Scenario.Result run = scenario().faults(plan).log(line -> {
            if (verbose || line.contains("PANIC") || line.startsWith("microreboot") || line.startsWith("crash kernel")
                    || line.startsWith("  ")) {
                out.println("   " + line);
            }
        }).run();
        out.printf("   %,d instructions, %,d system calls, all exited: %s%n", run.instructions(), run.syscalls(),
                run.allExited());

        out.println();
        out.println("3. what each program printed in the run with crashes");
        List<String> names = List.of("checksum", "kvstore", "hello", "sh pipeline");
        boolean ok = run.allExited() && !run.halted();
        List<String> verdicts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String got = run.outputs().get(i);
            boolean same = got.equals(ref.outputs().get(i));
            ok &= same;
            out.println("   --- tty" + i + ": " + names.get(i) + " ---");
            printAbridged(got);
            verdicts.add(String.format("   %-12s output %s the reference run (%d bytes)", names.get(i),
                    same ? "identical to" : "DIFFERS from", got.length()));
        }
        out.println();
        out.println("4. comparison with the run without a crash");
        for (String v : verdicts) out.println(v);
        boolean golden = run.outputs().get(3).equals(new String(Programs.goldenCase("demo-pipeline").expectedStdout(),
                java.nio.charset.StandardCharsets.UTF_8));
        ok &= golden;
        out.println("   sh pipeline  output " + (golden ? "identical to" : "DIFFERS from")
                + " qemu-riscv64's (userland/expected/demo-pipeline.out)");
        for (String f : FILES) {
            byte[] a = ref.file(f), b = run.file(f);
            boolean same = a != null && Arrays.equals(a, b);
            ok &= same;
            out.printf("   %-12s on disk %s the reference run (%d bytes)%n", f, same ? "identical to" : "DIFFERS from",
                    b == null ? -1 : b.length);
        }
        int resurrected = 0;
        for (ResurrectionReport r : run.reports()) resurrected += r.resurrectedCount();
        boolean allCrashes = run.faults().size() == crashes;
        ok &= allCrashes;
        out.printf("   panics injected: %d of %d; processes resurrected: %d; microreboots: %d%n", run.faults().size(),
                crashes, resurrected, run.reports().size());
        Fsck.Verdict fsck = Fsck.check(run.disk());
        out.println("   e2fsck -fn on the final disk: " + fsck.summary());
        ok &= fsck.clean() || !fsck.ran();
        out.println();
        out.println(ok ? "RESULT: every program survived " + crashes + " kernel crash" + (crashes > 1 ? "es" : "")
                + " with output and files identical to the run without a crash"
                : "RESULT: FAILED — the run with crashes differs from the run without");
        return ok;
    }

    private void printAbridged(String text) {
        String[] lines = text.split("\n", -1);
        int n = lines.length - (text.endsWith("\n") ? 1 : 0);
        for (int i = 0; i < n; i++) {
            if (n > 14 && i == 6) {
                out.println("   | ... (" + (n - 12) + " more lines)");
                i = n - 7;
                continue;
            }
            out.println("   | " + lines[i]);
        }
    }
}
