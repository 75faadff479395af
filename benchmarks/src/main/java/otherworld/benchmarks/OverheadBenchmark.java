package otherworld.benchmarks;

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

/**
 * Run-time cost of Otherworld's default mode against a kernel without it ("off": no crash region; a panic halts),
 * in one JMH run: a system-call-heavy, a compute-heavy and a file-heavy guest program, and one program per system
 * call (callbench: read, write, openat+close, lseek, brk). Each invocation boots a machine and runs the program to
 * its end. Report the default/off ratio per program (benchmarks/ratio.py; benchmarks/RESULTS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = {"-Xss8m"})
public class OverheadBenchmark {
    /** A program of userland/programs.txt, or "callbench:CALL" for callbench CALL 4000 (fork: 400). */
    @Param({"syscalls", "compute", "files", "callbench:read", "callbench:write", "callbench:openat", "callbench:lseek",
        "callbench:brk", "callbench:pipe", "callbench:fork"})
    public String program;

    /** off, default, or enhanced (check bytes on the kernel's structures). */
    @Param({"off", "default", "enhanced"})
    public String mode;

    private Scenario.Program guest;
    private KernelConfig config;

    @Setup(Level.Trial)
    public void setup() {
        guest = OverheadPairs.guest(program);
        config = KernelConfig.defaults().withOtherworld(!mode.equals("off")).withEnhanced(mode.equals("enhanced"));
    }

    @Benchmark
    public long run() {
        Scenario.Result r = new Scenario().add(guest).config(config).audited(false).run();
        if (!r.allExited()) throw new IllegalStateException(program + " did not finish");
        return r.instructions();
    }
}
