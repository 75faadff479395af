package otherworld.checker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

import otherworld.checker.conform.Conformance;
import otherworld.checker.conform.Runner;
import otherworld.checker.conform.Sequence;
import otherworld.checker.conform.Stats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ow conform}: run random action sequences on the model and on the kernel and compare after every step. */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = {"Run random action sequences on the executable model and on the real kernel (puppet guest "
                + "processes on the RISC-V machine), crash the kernel at chosen crash points, and compare the "
                + "model's observation with what is seen of the machine from outside after every step. A mismatch "
                + "is shrunk to a short replayable sequence.",
            "Exit code: 0 model and kernel agree, 1 mismatch, 2 bad arguments."})
public final class ConformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tries", description = "random runs, default ${DEFAULT-VALUE}")
    int tries = 30;

    @Option(names = "--max-actions", description = "steps per run at most, default ${DEFAULT-VALUE}")
    int maxActions = 20;

    @Option(names = "--procs", description = "puppet processes per run at most (1..4), default ${DEFAULT-VALUE}")
    int procs = 2;

    @Option(names = "--crashes", description = "crashes per run at most, crash-kernel crashes included (0..5), default ${DEFAULT-VALUE}")
    int crashes = 2;

    @Option(names = "--seed", description = "random seed, default ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--replay", paramLabel = "FILE", description = "replay a saved sequence instead of random runs")
    Path replay;

    @Option(names = "--out", paramLabel = "FILE", description = "where to save a shrunk counterexample, default ${DEFAULT-VALUE}")
    Path out = Path.of("conform-counterexample.txt");

    @Option(names = "--quiet", description = "no progress lines")
    boolean quiet;

    @Option(names = "--fork-pipe", description = "issue 8's program: one puppet forks procs-1 children (2 processes at"
            + " least), each sends a value through the pipe and exits; the parent receives and waits")
    boolean forkPipe;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        if (tries < 1 || maxActions < 1 || procs < 1 || procs > 4 || crashes < 0 || crashes > 5) {
            throw new ParameterException(spec.commandLine(),
                    "need --tries >= 1, --max-actions >= 1, --procs 1..4, --crashes 0..5");
        }
        Stats stats = new Stats();
        long t0 = System.nanoTime();
        if (replay != null) {
            Sequence seq;
            try {
                seq = Sequence.read(replay);
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + replay + ": " + e.getMessage());
            }
            w.println("replaying " + seq.steps().size() + " steps from " + replay);
            w.flush();
            String m = Runner.replay(seq, stats);
            summary(w, stats, t0);
            if (m != null) {
                w.println("MISMATCH: " + m);
                return 1;
            }
            w.println("model and kernel agree");
            return 0;
        }
        Runner.Bounds b = new Runner.Bounds();
        b.procs = procs;
        b.maxActions = maxActions;
        b.crashes = crashes;
        b.forkPipe = forkPipe;
        Random rnd = new Random(seed);
        w.println("conform: " + tries + " tries, <= " + maxActions + " actions, <= " + procs + " puppets, <= "
                + crashes + " crashes per run, seed " + seed);
        w.flush();
        for (int i = 1; i <= tries; i++) {
            Sequence failing = Runner.randomRun(rnd, b, stats, 0.3);
            if (!quiet) {
                w.printf("[%3d/%d] %d steps, %d crashes, crash points %d/%d, %.1f s%n", i, tries, stats.steps(),
                        stats.crashes(), stats.pointsReached(), stats.pointsExisting(), (System.nanoTime() - t0) / 1e9);
                w.flush();
            }
            if (failing != null) {
                w.println("MISMATCH in try " + i + " (" + failing.steps().size() + " steps); shrinking...");
                w.flush();
                Runner.Failure f = Runner.shrink(failing, 300);
                Sequence shrunk = f == null ? failing : f.shrunk;
                String msg = f == null ? "(did not reproduce on replay)" : f.message;
                try {
                    shrunk.write(out);
                    w.println("counterexample saved to " + out + " (replay: ow conform --replay " + out + ")");
                } catch (java.io.IOException e) {
                    w.println("could not save the counterexample: " + e.getMessage());
                }
                w.println("shrunk to " + shrunk.steps().size() + " steps" + (f == null ? "" : " in " + f.shrinkRuns + " replays") + ":");
                w.println(msg);
                summary(w, stats, t0);
                return 1;
            }
        }
        summary(w, stats, t0);
        w.println("model and kernel agree in all " + tries + " tries");
        return 0;
    }

    private static void summary(PrintWriter w, Stats stats, long t0) {
        w.printf("statistics: %s, %.1f s%n", stats.line(), (System.nanoTime() - t0) / 1e9);
        w.println("crash points (before each kernel write of a call), reached / existing, and the model step each matched:");
        w.print(stats.pointsTable());
        w.flush();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConformCommand()).execute(args));
    }
}
