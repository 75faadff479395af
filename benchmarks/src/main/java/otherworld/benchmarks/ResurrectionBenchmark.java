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

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.Computer;
import otherworld.kernel.Disks;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.resurrect.ResurrectionReport;
import otherworld.userland.Programs;

/**
 * Resurrection time: from the panic to every process runnable again (the crash kernel's validation, flush, build and
 * commit, and the new kernel's finishing of the interrupted call), for 1, 4 and 16 processes. Each process is
 * {@code regs}, grown to 64 heap pages, so the pages mapped grow with the processes (reported per run). The machine
 * is made and run to the crash point before each measured resurrection (not timed); each is one shot.
 * <pre>java -jar benchmarks/target/benchmarks.jar ResurrectionBenchmark -rf json -rff resurrection.json</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 12)
@Fork(value = 2, jvmArgsAppend = {"-Xss8m"})
public class ResurrectionBenchmark {
    @Param({"1", "4", "16"})
    public int processes;

    private Computer computer;

    @Setup(Level.Iteration)
    public void crashReady() throws Exception {
        List<Console> consoles = new ArrayList<>();
        for (int i = 0; i < Math.min(processes, 8); i++) consoles.add(new Console("tty" + i)); // 8 ttys at most
        Machine m = new Machine(128 << 20, consoles, Disks.blankExt2());
        computer = new Computer(m, KernelConfig.defaults().withQuantum(5_000)).boot();
        byte[] elf = Programs.get("regs").binary();
        for (int i = 0; i < processes; i++) computer.spawn("/bin/regs", elf, List.of("regs", "100000", "300"), i % consoles.size());
        computer.run(20_000_000L * processes); // each has grown its heap to its 64 pages
    }

    @Benchmark
    public ResurrectionReport resurrect() {
        ResurrectionReport r = computer.panicNow("benchmark");
        if (r == null || r.resurrectedCount() != processes) throw new IllegalStateException("not all resurrected");
        computer.run(1); // the new kernel finishes the interrupted call first
        return r;
    }

    /** The pages each measured resurrection maps, printed once per setting (for RESULTS.md). */
    public static void main(String[] args) throws Exception {
        for (int n : new int[] {1, 4, 16}) {
            ResurrectionBenchmark b = new ResurrectionBenchmark();
            b.processes = n;
            b.crashReady();
            ResurrectionReport r = b.resurrect();
            int pages = 0;
            for (ResurrectionReport.Process p : r.processes) pages += p.pages();
            System.out.println(n + " processes: " + pages + " pages mapped, " + r.framesInUse + " frames in use");
        }
    }
}
