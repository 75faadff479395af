package otherworld.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The crash demo: see {@link Demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run guest programs, crash the kernel in the middle of system calls, resurrect them, and check "
                + "that every program's output and files equal a run without a crash.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--crashes", defaultValue = "3", description = "kernel panics to inject, 1..5: a console write, a pipe write mid-stream, "
            + "then file writes (default ${DEFAULT-VALUE})")
    int crashes;

    @Option(names = "--records", defaultValue = "3000", description = "records the checksum program writes (default ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--verbose", description = "print the whole kernel log")
    boolean verbose;

    @Override
    public Integer call() {
        if (crashes < 1 || crashes > 5) {
            System.err.println("ow demo: --crashes must be between 1 and 5");
            return 2;
        }
        if (records < 1 || records > 100_000) {
            System.err.println("ow demo: --records must be between 1 and 100000");
            return 2;
        }
        PrintStream out = System.out;
        return new Demo(out, crashes, records, verbose).run() ? 0 : 1;
    }
}
