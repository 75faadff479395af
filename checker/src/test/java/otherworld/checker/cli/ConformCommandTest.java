package otherworld.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConformCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new ConformCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void randomRunsAgreeAndPrintProgressAndStatistics() {
        assertEquals(0, run("--tries", "3", "--max-actions", "8", "--seed", "7"), out + "\n" + err);
        String text = out.toString();
        assertTrue(text.contains("[  3/3]"), text);
        assertTrue(text.contains("statistics: 3 runs"), text);
        assertTrue(text.contains("crash points (before each kernel write of a call), reached / existing"), text);
        assertTrue(text.contains("crash points reached "), text);
        assertTrue(text.contains("model and kernel agree in all 3 tries"), text);
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(2, run("--procs", "9"));
        assertEquals(2, run("--tries", "0"));
    }

    @Test
    void replaysASavedSequence(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("seq.txt");
        Files.writeString(f, "config procs=1 pages=1 values=2 files=1 crashes=1 corruption=false flusher=true"
                + " consoleBytes=4 bug=none program=store0,conwrite0,exit\np0 run 2\np0 crash write@2\np0 run\n");
        assertEquals(0, run("--replay", f.toString()), out.toString());
        // two of the four bytes had left: the model's witness is a crash after its two emit steps
        assertTrue(out.toString().contains("2->2"), out.toString());
    }

    @Test
    void aModelWithASeededBugDisagreesWithTheKernel(@TempDir Path dir) throws Exception {
        // The model's crash kernel re-executes a console write that had already put bytes on the line; the real
        // kernel completes it. Conformance must see the duplicated bytes.
        Path f = dir.resolve("seq.txt");
        Files.writeString(f, "config procs=1 pages=1 values=2 files=1 crashes=1 corruption=false flusher=true"
                + " consoleBytes=4 bug=reexecute-completed-call program=store0,conwrite0,exit\n"
                + "p0 run 2\np0 crash write@2\np0 run\n");
        assertEquals(1, run("--replay", f.toString()), out.toString());
        assertTrue(out.toString().contains("MISMATCH"), out.toString());
    }
}
