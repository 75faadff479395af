package otherworld.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import otherworld.userland.Programs.Program;

/**
 * Runs every prebuilt binary under qemu-riscv64 the way {@code make golden} did and
 * compares stdout and exit status with the golden files: each program of
 * programs.txt, and each case of cases.txt (the tools and the shell, with every
 * binary on PATH).  Skipped, with a message, when qemu is not installed.
 */
class GoldenTest {
    @TempDir
    static Path shared;
    static Path wrappers;

    static Stream<String> names() {
        return Programs.names().stream();
    }

    static Stream<String> caseNames() {
        return Programs.caseNames().stream();
    }

    static Path qemu() {
        Optional<Path> qemu = Runner.qemu();
        Assumptions.assumeTrue(qemu.isPresent(),
                "qemu-riscv64 not installed: golden comparison skipped (Debian package qemu-user)");
        return qemu.get();
    }

    @BeforeAll
    static void installWrappers() throws Exception {
        Optional<Path> qemu = Runner.qemu();
        if (qemu.isPresent()) {
            wrappers = Runner.installWrappers(qemu.get(), shared);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void matchesGoldenOutputUnderQemu(String name, @TempDir Path tmp) throws Exception {
        Path qemu = qemu();
        Program p = Programs.get(name);
        List<String> command = new ArrayList<>();
        command.add(qemu.toString());
        command.add(wrappers.getParent().resolve("riscv").resolve(p.program()).toString());
        command.addAll(p.args());
        assertGolden(p, Runner.run(command, tmp, p.stdin(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseNames")
    void caseMatchesGoldenOutputUnderQemu(String name, @TempDir Path tmp) throws Exception {
        Path qemu = qemu();
        Program c = Programs.goldenCase(name);
        assertGolden(c, Runner.runCase(qemu, wrappers, c, tmp));
    }

    static void assertGolden(Program p, Runner.Result r) {
        assertEquals(new String(p.expectedStdout(), StandardCharsets.UTF_8), r.stdout,
                p.name() + ": stdout differs; stderr: " + r.stderr);
        assertEquals(p.expectedExitStatus(), r.status, p.name() + ": exit status; stderr: " + r.stderr);
    }
}
