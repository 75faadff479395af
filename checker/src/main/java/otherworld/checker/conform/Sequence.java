package otherworld.checker.conform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import otherworld.model.Config;

/**
 * A replayable conformance run: the model bounds (with the program every process runs) and the steps, as text:
 * <pre>
 *  # otherworld conformance sequence
 *  config procs=2 pages=1 values=3 files=1 crashes=2 ... program=store0,write0,fsync,conwrite0,exit
 *  p0 run 2
 *  p0 crash write@12
 *  ...
 * </pre>
 * Lines starting with '#' and blank lines are ignored.
 */
public final class Sequence {
    private final Config config;
    private final List<Step> steps;

    public Sequence(Config config, List<Step> steps) {
        this.config = config;
        this.steps = List.copyOf(steps);
    }

    public Config config() { return config; }
    public List<Step> steps() { return steps; }

    public static Sequence parse(String text) {
        Config config = null;
        List<Step> steps = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("config ")) {
                config = Config.parse(line.substring(7));
            } else {
                steps.add(Step.parse(line));
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("no 'config ...' line in the sequence");
        }
        return new Sequence(config, steps);
    }

    public static Sequence read(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    public void write(Path file) throws IOException {
        Files.write(file, toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("# otherworld conformance sequence (replay: ow conform --replay FILE)\n");
        sb.append("config ").append(config).append('\n');
        for (Step s : steps) {
            sb.append(s).append('\n');
        }
        return sb.toString();
    }
}
