package otherworld.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * Run-time cost of Otherworld's default mode against a kernel without it ("off": no crash region, no undo log),
 * on a system-call-heavy and a compute-heavy guest program, in one JMH run. Each invocation boots a machine and
 * runs the program to its end. Report the default/off ratio per program (benchmarks/RESULTS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"-Xss8m"})
public class OverheadBenchmark {
    @Param({"syscalls", "compute"})
    public String program;

    @Param({"off", "default"})
    public String mode;

    private Scenario.Program guest;
    private KernelConfig config;

    @Setup(Level.Trial)
    public void setup() {
        Programs.Program p = Programs.get(program);
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(p.args());
        guest = new Scenario.Program(program, p.binary(), argv, p.stdin());
        config = KernelConfig.defaults().withOtherworld(mode.equals("default"));
    }

    @Benchmark
    public long run() {
        Scenario.Result r = new Scenario().add(guest).config(config).run();
        if (!r.allExited()) throw new IllegalStateException(program + " did not finish");
        return r.instructions();
    }
}
