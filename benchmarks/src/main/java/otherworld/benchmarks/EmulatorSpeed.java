package otherworld.benchmarks;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * Guest instructions per second on a program, as a harness run (not a test): several runs in one JVM after
 * warm-up, reporting the median and the spread. {@code java -cp benchmarks/target/benchmarks.jar
 * otherworld.benchmarks.EmulatorSpeed [program] [runs]}.
 */
public final class EmulatorSpeed {
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "compute";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Programs.Program p = Programs.get(name);
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(p.args());
        Scenario.Program guest = new Scenario.Program(name, p.binary(), argv, p.stdin());
        double[] mips = new double[runs];
        for (int i = -2; i < runs; i++) {
            long t0 = System.nanoTime();
            Scenario.Result r = new Scenario().add(guest).config(KernelConfig.defaults()).run();
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= 0) mips[i] = r.instructions() / s / 1e6;
            System.out.printf("%s run %d: %,d instructions in %.3f s = %.1f MIPS%n", name, i, r.instructions(), s,
                    r.instructions() / s / 1e6);
        }
        java.util.Arrays.sort(mips);
        System.out.printf("%s: median %.1f MIPS, min %.1f, max %.1f over %d runs%n", name, mips[runs / 2], mips[0],
                mips[runs - 1], runs);
    }
}
