package otherworld.emulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A serial line: output bytes leave the machine (they are kept here, and optionally echoed), input bytes come
 * from a script fixed before the run (rule 5: deterministic). Both directions expose a progress counter that
 * survives any kernel, so a crash kernel can tell how much of an interrupted write already left the machine.
 */
public final class Console {
    private final String name;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] input;
    private int inputPos;
    private PrintStream echo;

    public Console(String name, byte[] scriptedInput) {
        this.name = name;
        this.input = scriptedInput == null ? new byte[0] : scriptedInput.clone();
    }

    public Console(String name) { this(name, new byte[0]); }

    public String name() { return name; }

    /** Echo output bytes to a host stream as they are written (null to stop). */
    public void echoTo(PrintStream stream) { this.echo = stream; }

    /** The device's transmit register: one byte leaves the machine. */
    public void put(int b) {
        out.write(b);
        if (echo != null) echo.write(b);
    }

    /** Device register: total bytes ever transmitted. */
    public long bytesOut() { return out.size(); }

    /** Device register: bytes waiting in the input script. */
    public int inputAvailable() { return input.length - inputPos; }

    /** Device register: total bytes ever received by the kernel. */
    public long bytesIn() { return inputPos; }

    /**
     * The person at the terminal types more: {@code more} is appended to the scripted input. Deterministic as long
     * as the caller decides what is typed and when (conformance tests type one command at a time).
     */
    public void type(byte[] more) {
        byte[] grown = java.util.Arrays.copyOf(input, input.length + more.length);
        System.arraycopy(more, 0, grown, input.length, more.length);
        input = grown;
    }

    /** The receive register: the next input byte, still waiting (take() lets it go), or -1 at end of input. */
    public int peek() {
        return inputPos < input.length ? input[inputPos] & 0xFF : -1;
    }

    /** Receive one byte, or -1 when the script is exhausted (end of input). */
    public int take() {
        return inputPos < input.length ? input[inputPos++] & 0xFF : -1;
    }

    public byte[] output() { return out.toByteArray(); }

    public String outputString() { return out.toString(StandardCharsets.UTF_8); }
}
