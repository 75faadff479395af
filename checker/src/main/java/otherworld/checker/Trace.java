package otherworld.checker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A counterexample: the initial state, then each step as an action label and the state it
 * leads to. Saved as text that a person can read and {@link otherworld.checker.Replay} can
 * re-execute: lines {@code step N: <label>} carry the actions, indented lines the states.
 *
 * <p>A liveness counterexample is a lasso: the last state is the same as state
 * {@link #loopStart()} (line {@code loop K}), so the steps after K repeat forever; when K is the
 * last state itself the behaviour stutters there forever (no fair step is enabled).
 */
public final class Trace {
    private final String header;
    private final String violation;
    private final List<String> labels;
    private final List<String> states;
    private final int loopStart;

    /** states.size() == labels.size() + 1: the initial state first. */
    public Trace(String header, String violation, List<String> labels, List<String> states) {
        this(header, violation, labels, states, -1);
    }

    /** A lasso when loopStart >= 0: the behaviour returns to state loopStart after the last step. */
    public Trace(String header, String violation, List<String> labels, List<String> states, int loopStart) {
        this.header = header;
        this.violation = violation;
        this.labels = List.copyOf(labels);
        this.states = List.copyOf(states);
        this.loopStart = loopStart;
    }

    /** Index of the state the cycle of a lasso starts at (the last state equals it), or -1. */
    public int loopStart() {
        return loopStart;
    }

    /** Free text describing the model instance (for the otherworld model: its Config line). */
    public String header() { return header; }
    /** The violated invariant's name, or "Deadlock". */
    public String violation() { return violation; }
    /** Action labels, one per step. */
    public List<String> labels() { return labels; }
    public List<String> states() { return states; }

    /** Number of steps (actions) in the trace. */
    public int length() {
        return labels.size();
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# otherworld counterexample\n");
        sb.append("config ").append(header).append('\n');
        sb.append("violation ").append(violation).append('\n');
        sb.append("length ").append(length()).append('\n');
        if (loopStart >= 0) {
            sb.append("loop ").append(loopStart).append('\n');
        }
        sb.append("state 0: initial\n").append(states.get(0)).append('\n');
        for (int i = 0; i < labels.size(); i++) {
            sb.append("step ").append(i + 1).append(": ").append(labels.get(i)).append('\n');
            sb.append(states.get(i + 1)).append('\n');
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /** Reads a trace file; state dumps are kept as text. */
    public static Trace read(Path file) throws IOException {
        String header = "";
        String violation = "";
        int loop = -1;
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("config ")) {
                header = line.substring(7);
            } else if (line.startsWith("violation ")) {
                violation = line.substring(10);
            } else if (line.startsWith("loop ") && cur == null) {
                try {
                    loop = Integer.parseInt(line.substring(5).trim());
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": bad loop line '" + line + "'");
                }
            } else if (line.startsWith("state 0:") || line.startsWith("step ")) {
                if (cur != null) {
                    states.add(trimEnd(cur.toString()));
                }
                cur = new StringBuilder();
                if (line.startsWith("step ")) {
                    labels.add(line.substring(line.indexOf(": ") + 2));
                }
            } else if (cur != null && line.startsWith(" ")) {
                cur.append(line).append('\n');
            }
        }
        if (cur != null) {
            states.add(trimEnd(cur.toString()));
        }
        if (states.isEmpty()) {
            throw new IOException(file + ": not a trace file");
        }
        if (loop >= states.size()) {
            throw new IOException(file + ": loop " + loop + " is past the last state");
        }
        return new Trace(header, violation, labels, states, loop);
    }

    private static String trimEnd(String s) {
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == '\n') {
            e--;
        }
        return s.substring(0, e);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Trace)) {
            return false;
        }
        Trace t = (Trace) o;
        return header.equals(t.header) && violation.equals(t.violation) && labels.equals(t.labels)
                && states.equals(t.states) && loopStart == t.loopStart;
    }

    @Override
    public int hashCode() {
        return (header.hashCode() * 31 + violation.hashCode()) * 31 + labels.hashCode();
    }

    @Override
    public String toString() {
        return render();
    }
}
