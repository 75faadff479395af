package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import otherworld.userland.Programs;

/**
 * Each guest program's output and exit status on our machine and kernel equal the golden files recorded under
 * qemu-riscv64 (userland's GoldenTest checks the golden files against qemu-riscv64 live when it is installed).
 */
class GoldenOutputTest {
    static Stream<String> programs() {
        return Programs.names().stream().filter(n -> !n.equals("puppet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void outputEqualsQemuGolden(String name) {
        Programs.Program p = Programs.get(name);
        Scenario.Result r = new Scenario().add(Guests.program(name)).run();
        assertTrue(r.allExited(), name + " did not finish: " + r.log());
        assertEquals(new String(p.expectedStdout(), StandardCharsets.UTF_8), r.outputs().get(0));
        assertEquals(List.of(p.expectedExitStatus() << 8), r.exitStatus(), "wait status");
    }
}
