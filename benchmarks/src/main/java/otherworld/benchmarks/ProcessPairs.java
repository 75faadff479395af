package otherworld.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * fork + execve + wait round trips per second, and a pipe's throughput, in default mode and with Otherworld off,
 * measured as {@link OverheadPairs} does (the two modes alternating in pairs, CPU time of the running thread). Each
 * figure is a difference of two runs of the same guest that differ only in the work measured, so boot and start-up
 * cancel: {@code spawner loop N /bin/hello} for N = 10 and 1010 (1000 fork + execve + wait round trips), {@code
 * callbench fork N} for N = 10 and 6010 (6000 fork + wait round trips), {@code callbench pipe N} for N = 100 and
 * 80100 (80,000 × 4 KiB more written into a pipe and read back): each difference is 0.2–0.4 s of work.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar otherworld.benchmarks.ProcessPairs [PAIRS]</pre>
 */
public final class ProcessPairs {
    private ProcessPairs() { }

    static Scenario scenario(boolean otherworld, String... argv) {
        String name = argv[0];
        Programs.Program p = Programs.get(name);
        Scenario s = new Scenario().add(new Scenario.Program(name, p.binary(), List.of(argv), p.stdin()))
                .config(KernelConfig.defaults().withOtherworld(otherworld));
        for (String g : Programs.names()) s.file("/bin/" + g, Programs.get(g).binary());
        return s;
    }

    static long cpu(boolean otherworld, String... argv) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        Scenario.Result r = scenario(otherworld, argv).run();
        long t = mx.getCurrentThreadCpuTime() - t0;
        if (!r.allExited()) throw new IllegalStateException(Arrays.toString(argv) + " did not finish");
        return t;
    }

    /** CPU nanoseconds of big minus small, one pair of modes: {off, default}. */
    static double[] pair(int i, String[] small, String[] big) {
        double[] d = new double[2];
        for (int k = 0; k < 2; k++) {
            boolean on = (k + i) % 2 == 1;
            d[on ? 1 : 0] = cpu(on, big) - cpu(on, small);
        }
        return d;
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static void measure(String what, String[] small, String[] big, double units, String unit, int pairs) {
        for (int w = 0; w < 2; w++) pair(w, small, big);
        List<Double> off = new ArrayList<>(), on = new ArrayList<>(), ratio = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            double[] d = pair(i, small, big);
            off.add(units / (d[0] / 1e9));
            on.add(units / (d[1] / 1e9));
            ratio.add(d[1] / d[0]);
        }
        List<Double> r = new ArrayList<>(ratio);
        r.sort(null);
        double[] ci = OverheadPairs.interval(r.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("%-28s %5d  off %10.1f %s  default %10.1f %s  default/off time %.4f, 99.9%% interval %.4f .. %.4f"
                + " (min %.3f, max %.3f)%n", what, pairs, median(off), unit, median(on), unit, median(ratio), ci[0], ci[1],
                r.get(0), r.get(r.size() - 1));
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        measure("fork+execve+wait", new String[] {"spawner", "loop", "10", "/bin/hello"},
                new String[] {"spawner", "loop", "1010", "/bin/hello"}, 1000, "trips/s", pairs);
        measure("fork+wait", new String[] {"callbench", "fork", "10"}, new String[] {"callbench", "fork", "6010"},
                6000, "trips/s", pairs);
        measure("pipe throughput", new String[] {"callbench", "pipe", "100"}, new String[] {"callbench", "pipe", "80100"},
                80_000 * 4096 / 1048576.0, "MiB/s", pairs);
    }
}
