package otherworld.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import otherworld.userland.Programs.Program;

/**
 * The golden output of every tool case equals what the host's GNU tools print for
 * the same case: a tool script run by bash (its echo builtin disabled, so that
 * echo is GNU echo) with the host's /usr/bin and /bin on PATH, or the GNU tool
 * started directly with the same arguments and stdin; C locale, exit status too.
 * So our tools behave like their GNU namesakes for what the cases exercise.
 *
 * <p>Runs only where the host has the versions the goldens were compared with
 * (messages and corner cases change between versions); skipped, with a message,
 * elsewhere.  Needs neither qemu nor the cross compiler.
 */
class GnuToolsTest {
    /** Host versions the goldens were checked against (first line of --version). */
    static final Map<String, String> VERSIONS = Map.of(
            "bash", "GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)",
            "sort", "sort (GNU coreutils) 9.1",
            "grep", "grep (GNU grep) 3.8");

    /** Cases where our tool differs from GNU on purpose. */
    static final Map<String, String> DIFFERENT = Map.of(
            "true-args", "GNU true prints its help for --help; ours ignores every argument");

    static Stream<String> toolCases() {
        List<String> names = new ArrayList<>();
        for (Program c : Programs.cases()) {
            boolean script = c.program().equals("sh") && Programs.tools().contains(c.name());
            boolean direct = !c.program().equals("sh") && Programs.tools().contains(c.program());
            if ((script || direct) && !DIFFERENT.containsKey(c.name())) {
                names.add(c.name());
            }
        }
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolCases")
    void goldenOutputIsWhatGnuToolsPrint(String name, @TempDir Path tmp) throws Exception {
        for (Map.Entry<String, String> e : VERSIONS.entrySet()) {
            String found = hostVersion(e.getKey(), tmp);
            Assumptions.assumeTrue(e.getValue().equals(found), "host " + e.getKey() + " is '" + found
                    + "', not '" + e.getValue() + "' that the goldens were compared with: GNU comparison skipped");
        }
        Program c = Programs.goldenCase(name);
        List<String> command = new ArrayList<>();
        byte[] stdin = c.stdin();
        if (c.program().equals("sh")) {
            Path script = Files.createDirectories(tmp.resolve("script")).resolve(c.stdinName());
            Files.write(script, c.stdin());
            command.addAll(List.of("bash", "-c", "enable -n echo; . \"$0\"", script.toString()));
            stdin = new byte[0];
        } else {
            command.add(c.program());
            command.addAll(c.args());
        }
        Runner.Result r = Runner.run(command, tmp, stdin, Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C"));
        assertEquals(new String(c.expectedStdout(), StandardCharsets.UTF_8), r.stdout,
                name + ": GNU's output differs from the golden one; stderr: " + r.stderr);
        assertEquals(c.expectedExitStatus(), r.status, name + ": exit status; stderr: " + r.stderr);
    }

    static String hostVersion(String tool, Path tmp) throws Exception {
        Optional<Path> path = HostTools.onPath(tool);
        if (path.isEmpty()) {
            return "missing";
        }
        Path dir = Files.createDirectories(tmp.resolve("version-" + tool));
        Runner.Result r = Runner.run(List.of(path.get().toString(), "--version"), dir, new byte[0], null);
        return r.stdout.lines().findFirst().orElse("");
    }
}
