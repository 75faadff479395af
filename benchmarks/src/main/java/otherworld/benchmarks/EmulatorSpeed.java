package otherworld.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * Guest instructions per second on a program, the whole system (boot, ELF load, kernel, program), as a harness
 * run (not a test): translator and interpreter alternate in one JVM, after warm-up runs of each, and the
 * medians, spreads and their ratio are printed, with the share of instructions run translated and what the
 * translations cost in memory. {@code java -cp benchmarks/target/benchmarks.jar
 * otherworld.benchmarks.EmulatorSpeed [program] [runs] [translate|interpret|both]}.
 */
public final class EmulatorSpeed {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One run: {wall MIPS, CPU MIPS}; prints a line. */
    private static double[] run(String name, Scenario.Program guest, boolean translate, int i) {
        if (translate) System.clearProperty(Hart.INTERPRET_PROPERTY);
        else System.setProperty(Hart.INTERPRET_PROPERTY, "true");
        Machine[] machine = new Machine[1];
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Scenario.Result r = new Scenario().add(guest).config(KernelConfig.defaults()).probe(m -> {
            machine[0] = m;
            return new KernelHooks() { };
        }).run();
        double s = (System.nanoTime() - t0) / 1e9, cpu = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
        Hart h = machine[0].hart;
        System.out.printf("%s %s run %d: %,d instructions in %.3f s (%.3f s CPU) = %.1f MIPS (%.1f per CPU second)%s%n",
                name, translate ? "translated" : "interpreted", i, r.instructions(), s, cpu, r.instructions() / s / 1e6,
                r.instructions() / cpu / 1e6, translate ? String.format("; %.1f%% translated; %s",
                        100.0 * h.translatedInstructions() / r.instructions(), h.translationStatistics()) : "");
        return new double[] {r.instructions() / s / 1e6, r.instructions() / cpu / 1e6};
    }

    private static String summary(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format("median %.1f (min %.1f, max %.1f)", s[s.length / 2], s[0], s[s.length - 1]);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "compute";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String mode = args.length > 2 ? args[2] : "both";
        Programs.Program p = Programs.get(name);
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(p.args());
        Scenario.Program guest = new Scenario.Program(name, p.binary(), argv, p.stdin());
        boolean doT = !mode.equals("interpret"), doI = !mode.equals("translate");
        double[][] t = new double[2][runs], in = new double[2][runs];
        for (int i = -2; i < runs; i++) {
            if (doT) {
                double[] m = run(name, guest, true, i);
                if (i >= 0) { t[0][i] = m[0]; t[1][i] = m[1]; }
            }
            if (doI) {
                double[] m = run(name, guest, false, i);
                if (i >= 0) { in[0][i] = m[0]; in[1][i] = m[1]; }
            }
        }
        System.clearProperty(Hart.INTERPRET_PROPERTY);
        if (doT) System.out.printf("%s translated: MIPS %s; per CPU second %s%n", name, summary(t[0]), summary(t[1]));
        if (doI) System.out.printf("%s interpreted: MIPS %s; per CPU second %s%n", name, summary(in[0]), summary(in[1]));
        if (doT && doI) {
            System.out.printf("%s translated/interpreted: %.2f (wall), %.2f (CPU)%n", name, median(t[0]) / median(in[0]),
                    median(t[1]) / median(in[1]));
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().startsWith("CodeHeap") || pool.getName().equals("Metaspace")) {
                System.out.printf("JVM %s: %.1f MiB used%n", pool.getName(), pool.getUsage().getUsed() / 1048576.0);
            }
        }
    }
}
