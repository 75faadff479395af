package otherworld.emulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A serial line: output bytes leave the machine (they are kept here, and optionally echoed), input bytes come
 * from a script fixed before the run (rule 5: deterministic). Both directions expose a progress counter that
 * survives any kernel, so a crash kernel can tell how much of an interrupted write already left the machine.
 *
 * <p>A scripted console's input ends where its script does. An <em>open</em> console ({@link #open}) stands for a
 * line whose input may still come: a person typing at a host terminal (fed from another thread with {@link #type}),
 * or a test that types between runs; its input ends only at {@link #close}. A console may also say it is a
 * <em>terminal</em> ({@link #terminal}): a person, not a script, is at it, and the kernel's tty starts in the mode a
 * person expects (Linux's defaults: echo, signals, output processing). Its window size is a device register too.
 */
public final class Console {
    private final String name;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] input;
    private int inputPos;
    private PrintStream echo;
    private boolean open;
    private boolean terminal;
    /** ws_row | ws_col << 16 (struct winsize's first two u16, as one word); 0: the line does not say. */
    private long winsize;

    public Console(String name, byte[] scriptedInput) {
        this.name = name;
        this.input = scriptedInput == null ? new byte[0] : scriptedInput.clone();
    }

    public Console(String name) { this(name, new byte[0]); }

    public String name() { return name; }

    /** Input may still come after the script (until {@link #close}). */
    public synchronized Console open() {
        this.open = true;
        return this;
    }

    /** No more input will come: once what is typed has been taken, the line reports end of input. */
    public synchronized void close() {
        open = false;
        notifyAll();
    }

    /** A person is at this line (the tty starts in Linux's default terminal mode). */
    public synchronized Console terminal(boolean isTerminal) {
        this.terminal = isTerminal;
        return this;
    }

    public synchronized boolean isTerminal() { return terminal; }

    /** The window size the line reports (rows, columns); a change is what SIGWINCH tells the foreground. */
    public synchronized void resize(int rows, int cols) {
        winsize = (rows & 0xFFFFL) | (cols & 0xFFFFL) << 16;
        notifyAll();
    }

    /** Device register: rows | cols << 16, or 0 when the line reports no size. */
    public synchronized long winsize() { return winsize; }

    /** Echo output bytes to a host stream as they are written (null to stop). */
    public synchronized void echoTo(PrintStream stream) { this.echo = stream; }

    /** The device's transmit register: one byte leaves the machine. */
    public synchronized void put(int b) {
        out.write(b);
        if (echo != null) {
            echo.write(b);
            if (terminal) echo.flush();
        }
    }

    /** Device register: total bytes ever transmitted. */
    public synchronized long bytesOut() { return out.size(); }

    /** Device register: bytes waiting in the input script. */
    public synchronized int inputAvailable() { return input.length - inputPos; }

    /** Device register: no input is waiting and none will come. */
    public synchronized boolean ended() { return !open && inputPos >= input.length; }

    /** Device register: total bytes ever received by the kernel. */
    public synchronized long bytesIn() { return inputPos; }

    /**
     * The person at the terminal types more: {@code more} is appended to the scripted input. Deterministic as long
     * as the caller decides what is typed and when (conformance tests type one command at a time).
     */
    public synchronized void type(byte[] more) {
        byte[] grown = java.util.Arrays.copyOf(input, input.length + more.length);
        System.arraycopy(more, 0, grown, input.length, more.length);
        input = grown;
        notifyAll();
    }

    /**
     * The host waits (the machine has nothing to run) until input is waiting, the line is closed, or the window size
     * changed from {@code seenWinsize}, at most millis. Only an open console ever waits.
     */
    public synchronized void await(long seenWinsize, long millis) throws InterruptedException {
        if (open && inputPos >= input.length && winsize == seenWinsize) wait(millis);
    }

    /** The receive register: the next input byte, still waiting (take() lets it go), or -1 at end of input. */
    public synchronized int peek() {
        return inputPos < input.length ? input[inputPos] & 0xFF : -1;
    }

    /** Receive one byte, or -1 when the script is exhausted (end of input). */
    public synchronized int take() {
        return inputPos < input.length ? input[inputPos++] & 0xFF : -1;
    }

    public synchronized byte[] output() { return out.toByteArray(); }

    public synchronized String outputString() { return out.toString(StandardCharsets.UTF_8); }

    /** Whether this line is open (input may still come). */
    public synchronized boolean isOpen() { return open; }
}
