package otherworld.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * Default mode against Otherworld off, measured in pairs: the two modes run one after the other, alternating which
 * goes first, so that the load of a shared machine falls on both alike; each run's CPU time (of the thread that runs
 * it) is taken. For each program: the median of the per-pair ratios default/off and its 99.9% confidence interval
 * (bootstrap over the pairs), and the medians of each mode.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar otherworld.benchmarks.OverheadPairs [PAIRS] [PROGRAM...]</pre>
 * PROGRAM as in {@link OverheadBenchmark} ("syscalls", "callbench:read", ...); default: all of them, 30 pairs.
 */
public final class OverheadPairs {
    private OverheadPairs() { }

    static final String[] ALL = {"syscalls", "compute", "files", "callbench:read", "callbench:write",
        "callbench:openat", "callbench:lseek", "callbench:brk", "callbench:pipe", "callbench:fork"};

    static Scenario.Program guest(String program) {
        String name = program.contains(":") ? program.substring(0, program.indexOf(':')) : program;
        Programs.Program p = Programs.get(name);
        List<String> argv = new ArrayList<>();
        argv.add(name);
        if (program.contains(":")) {
            String call = program.substring(program.indexOf(':') + 1);
            argv.add(call);
            argv.add(call.equals("fork") ? "400" : "4000"); // a fork round trip costs about ten other calls
        } else {
            argv.addAll(p.args());
        }
        return new Scenario.Program(name, p.binary(), argv, p.stdin());
    }

    /**
     * -Dpairs.aa=true: an A/A run, both sides of every pair Otherworld off, the same harness and order; its medians and
     * intervals are this machine's noise floor for a mode that changes nothing.
     */
    static final boolean AA = Boolean.getBoolean("pairs.aa");

    /**
     * -Dpairs.enhanced=true: the enhanced mode against default mode (check bytes on every write of the kernel into its
     * structures); the "off" column is then default mode and the "default" column the enhanced mode.
     */
    static final boolean ENHANCED = Boolean.getBoolean("pairs.enhanced");

    /** The configuration of one side of a pair: the base (off, or default with -Dpairs.enhanced) or the mode measured. */
    static KernelConfig side(boolean measured) {
        measured &= !AA;
        return ENHANCED ? KernelConfig.defaults().withEnhanced(measured) : KernelConfig.defaults().withOtherworld(measured);
    }

    static long cpuNanos(Scenario.Program g, boolean otherworld) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        Scenario.Result r = new Scenario().add(g).config(side(otherworld)).audited(false).run();
        long t = mx.getCurrentThreadCpuTime() - t0;
        if (!r.allExited()) throw new IllegalStateException(g.name() + " did not finish");
        return t;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String[] programs = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : ALL;
        if (AA) System.out.println("A/A run (-Dpairs.aa=true): the \"default\" column is Otherworld off as well");
        if (ENHANCED) System.out.println("-Dpairs.enhanced=true: \"off\" is default mode, \"default\" the enhanced mode");
        System.out.printf("%-18s %6s %12s %12s %10s %22s%n", "program", "pairs", "off (ms)", "default (ms)",
                "default/off", "99.9% interval");
        List<Double> pooled = new ArrayList<>();
        for (String program : programs) {
            Scenario.Program g = guest(program);
            for (int w = 0; w < 3; w++) { // warm up both
                cpuNanos(g, false);
                cpuNanos(g, true);
            }
            double[] off = new double[pairs], on = new double[pairs], ratio = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                if (i % 2 == 0) {
                    off[i] = cpuNanos(g, false);
                    on[i] = cpuNanos(g, true);
                } else {
                    on[i] = cpuNanos(g, true);
                    off[i] = cpuNanos(g, false);
                }
                ratio[i] = on[i] / off[i];
                pooled.add(ratio[i]);
            }
            double[] ci = interval(ratio);
            System.out.printf("%-18s %6d %12.2f %12.2f %10.4f %10.4f .. %.4f%n", program, pairs, median(off) / 1e6,
                    median(on) / 1e6, median(ratio), ci[0], ci[1]);
        }
        if (programs.length > 1) { // every pair of every program: the ratio the design predicts for all of them
            double[] all = pooled.stream().mapToDouble(Double::doubleValue).toArray();
            double[] ci = interval(all);
            System.out.printf("%-18s %6d %12s %12s %10.4f %10.4f .. %.4f%n", "all (pooled)", all.length, "", "",
                    median(all), ci[0], ci[1]);
        }
    }

    /** The 99.9% bootstrap interval of the median of ratio (10,000 resamples, seed 42). */
    static double[] interval(double[] ratio) {
        int n = ratio.length;
        Random rnd = new Random(42);
        double[] boot = new double[10_000];
        double[] sample = new double[n];
        for (int b = 0; b < boot.length; b++) {
            for (int i = 0; i < n; i++) sample[i] = ratio[rnd.nextInt(n)];
            boot[b] = median(sample);
        }
        Arrays.sort(boot);
        return new double[] {boot[(int) (boot.length * 0.0005)], boot[(int) (boot.length * 0.9995) - 1]};
    }
}
