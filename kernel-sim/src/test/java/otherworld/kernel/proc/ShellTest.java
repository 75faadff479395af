package otherworld.kernel.proc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * Our shell and tools on our kernel: every golden case of {@code userland/cases.txt} (one script per tool, one per
 * shell feature, the demo's pipeline, the tools started directly) gives the output and exit status recorded under
 * qemu-riscv64. The shell finds its tools on the disk under /bin (its default PATH), as the cases find them by PATH.
 */
class ShellTest {
    static Stream<String> cases() { return Programs.caseNames().stream(); }

    /**
     * A golden case as a scenario: its program with its arguments and stdin, every binary of userland under /bin,
     * run in an empty working directory as the golden run is (a pattern such as {@code d*}{@code /} must not meet the
     * root's /dev or /bin).
     */
    public static Scenario scenario(Programs.Program c) {
        List<String> argv = new ArrayList<>();
        argv.add(c.program());
        argv.addAll(c.args());
        Scenario s = new Scenario().add(new Scenario.Program(c.program(), c.binary(), argv, c.stdin()))
                .directory("/case").workingDirectory("/case");
        for (String b : Programs.binaryNames()) s.file("/bin/" + b, Programs.binary(b));
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseEqualsQemuGolden(String name) {
        org.junit.jupiter.api.Assumptions.assumeFalse(name.equals("wc-stdin"),
                "the golden run's stdin is a regular file (wc pads its counts to the file's size); here it is the console");
        Programs.Program c = Programs.goldenCase(name);
        Scenario.Result r = scenario(c).run();
        assertTrue(r.allExited(), name + " did not finish: " + r.log().subList(Math.max(0, r.log().size() - 5), r.log().size()));
        assertEquals(new String(c.expectedStdout(), StandardCharsets.UTF_8), r.outputs().get(0));
        assertEquals(List.of(c.expectedExitStatus() << 8), r.exitStatus(), "wait status");
        assertEquals(List.of(), r.audit());
    }
}
