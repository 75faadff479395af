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
 */
public final class Trace {
    private final String header;
    private final String violation;
    private final List<String> labels;
    private final List<String> states;

    /** states.size() == labels.size() + 1: the initial state first. */
    public Trace(String header, String violation, List<String> labels, List<String> states) {
        this.header = header;
        this.violation = violation;
        this.labels = List.copyOf(labels);
        this.states = List.copyOf(states);
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
        List<String> labels = new ArrayList<>();
        List<String> states = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("config ")) {
                header = line.substring(7);
            } else if (line.startsWith("violation ")) {
                violation = line.substring(10);
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
        return new Trace(header, violation, labels, states);
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
                && states.equals(t.states);
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
