package otherworld.checker;

import java.io.PrintStream;
import java.util.function.Supplier;

/** The thread that prints a checker's progress line every interval until interrupted. */
final class ProgressReporter {
    private ProgressReporter() {
    }

    /** Started daemon thread, or null when there is nothing to print to. */
    static Thread start(PrintStream out, long intervalMillis, Supplier<String> line) {
        if (out == null || intervalMillis <= 0) {
            return null;
        }
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(intervalMillis);
                    out.println(line.get());
                }
            } catch (InterruptedException e) {
                // run finished
            }
        }, "checker-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
