package otherworld.checker.jpf;

import gov.nasa.jpf.Config;
import gov.nasa.jpf.Error;
import gov.nasa.jpf.JPF;
import gov.nasa.jpf.ListenerAdapter;
import gov.nasa.jpf.report.Statistics;
import gov.nasa.jpf.search.Search;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JPF listener (host side, loaded from JPF's native classpath) that writes what a search found
 * to the file named by the {@code otherworld.result} key, for {@link Verdict}: RunJPF exits 0
 * whether or not JPF found an error, so the build reads this file instead.
 *
 * <p>Besides JPF's own statistics it counts, for every transition JPF takes, whether it ended the
 * program ({@code end}), was cut by {@code Verify.ignoreIf} ({@code ignored}) or reached a state
 * JPF had already explored ({@code revisited}, not explored again): the three ways a path ends.
 */
public final class ResultListener extends ListenerAdapter {
    private final Path file;
    private final JPF jpf;
    private final List<String> errors = new ArrayList<>();
    private final List<String> constraints = new ArrayList<>();
    private long end;
    private long ignored;
    private long revisited;
    private long started;

    public ResultListener(Config config, JPF jpf) {
        this.jpf = jpf;
        String f = config.getString("otherworld.result");
        this.file = f == null ? null : Path.of(f);
    }

    @Override
    public void searchStarted(Search search) {
        started = System.nanoTime();
    }

    @Override
    public void stateAdvanced(Search search) {
        if (search.isEndState()) {
            end++;
        } else if (search.isIgnoredState()) {
            ignored++;
        } else if (!search.isNewState()) {
            revisited++;
        }
    }

    @Override
    public void propertyViolated(Search search) {
        Error e = search.getCurrentError();
        String details = e.getDetails() == null ? "" : e.getDetails().trim();
        int nl = details.indexOf('\n');
        errors.add(e.getDescription() + ": " + (nl < 0 ? details : details.substring(0, nl)));
    }

    /** A search limit (depth, memory) cut the search short: what it did not explore is unchecked. */
    @Override
    public void searchConstraintHit(Search search) {
        constraints.add(search.getLastSearchConstraint());
    }

    @Override
    public void searchFinished(Search search) {
        if (file == null) {
            return;
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        Statistics st = jpf.getReporter().getStatistics();
        StringBuilder sb = new StringBuilder();
        sb.append("errors=").append(errors.size()).append('\n');
        for (int i = 0; i < errors.size(); i++) {
            sb.append("error.").append(i + 1).append('=').append(errors.get(i).replace('\n', ' ')).append('\n');
        }
        sb.append("constraints=").append(constraints.size()).append('\n');
        if (!constraints.isEmpty()) {
            sb.append("constraint.1=").append(String.valueOf(constraints.get(0)).replace('\n', ' ')).append('\n');
        }
        sb.append("end=").append(end).append('\n');
        sb.append("ignored=").append(ignored).append('\n');
        sb.append("revisited=").append(revisited).append('\n');
        sb.append("new=").append(st.newStates).append('\n');
        sb.append("visited=").append(st.visitedStates).append('\n');
        sb.append("maxDepth=").append(st.maxDepth).append('\n');
        sb.append("instructions=").append(st.insns).append('\n');
        sb.append("elapsedMs=").append(ms).append('\n');
        sb.append("maxMemoryMB=").append(st.maxUsed >> 20).append('\n');
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new IllegalStateException("cannot write " + file, x);
        }
    }
}
