package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;

/**
 * The host terminal's switching logic, behind {@link HostTerminal.Control} (a pty is not available to Java without
 * native code, so no test here runs a real terminal): raw mode entered once and the saved mode restored exactly once,
 * on close, on failure to enter, or by the shutdown hook; the person's bytes and window size reach the console.
 */
class HostTerminalTest {
    /** A terminal that records what was done to it. */
    static final class FakeTerminal implements HostTerminal.Control {
        final List<String> calls = new ArrayList<>();
        boolean failRaw;
        int[] size = {40, 120};

        @Override public String save() {
            calls.add("save");
            return "saved-mode";
        }

        @Override public void raw() throws IOException {
            calls.add("raw");
            if (failRaw) throw new IOException("no terminal");
        }

        @Override public void restore(String saved) {
            calls.add("restore " + saved);
        }

        @Override public int[] size() { return size; }
    }

    @Test
    void rawModeIsEnteredOnceAndTheSavedModeRestoredOnce() throws IOException {
        FakeTerminal t = new FakeTerminal();
        HostTerminal.Session s = new HostTerminal.Session(t);
        assertEquals(List.of("save", "raw"), t.calls);
        s.close();
        s.close(); // a second close (the finally after an earlier one) restores nothing more
        assertEquals(List.of("save", "raw", "restore saved-mode"), t.calls);
    }

    @Test
    void aFailureToEnterRawModeRestoresAndSaysSo() {
        FakeTerminal t = new FakeTerminal();
        t.failRaw = true;
        assertThrows(IOException.class, () -> new HostTerminal.Session(t));
        assertEquals(List.of("save", "raw", "restore saved-mode"), t.calls);
    }

    @Test
    void anExceptionDuringTheRunStillRestoresTheTerminal() throws IOException {
        FakeTerminal t = new FakeTerminal();
        try (HostTerminal.Session s = new HostTerminal.Session(t)) {
            throw new IllegalStateException("the run failed");
        } catch (IllegalStateException e) {
            assertEquals("the run failed", e.getMessage());
        }
        assertEquals("restore saved-mode", t.calls.get(t.calls.size() - 1));
    }

    @Test
    void whatIsTypedReachesTheConsoleWhichEndsWithTheInput() throws Exception {
        FakeTerminal t = new FakeTerminal();
        Console c = new Console("tty0").open().terminal(true);
        HostTerminal.attach(c, new ByteArrayInputStream("ls\r\u0003".getBytes(StandardCharsets.ISO_8859_1)), t);
        assertEquals(40 | 120L << 16, c.winsize(), "the window size is passed through");
        for (int i = 0; i < 200 && c.isOpen(); i++) Thread.sleep(10);
        assertFalse(c.isOpen(), "the line closes at the end of the host's input");
        assertEquals(4, c.inputAvailable());
        assertEquals('l', c.take());
        assertFalse(c.ended());
        c.take();
        c.take();
        assertEquals(3, c.take(), "^C is a byte for the guest's line discipline, not a signal to ow");
        assertTrue(c.ended());
    }
}
