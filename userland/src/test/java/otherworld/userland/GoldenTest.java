package otherworld.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import otherworld.userland.Programs.Program;

/**
 * Runs every prebuilt binary under qemu-riscv64 the way {@code make golden} did
 * (empty working directory, same arguments and stdin, stdout into a pipe) and
 * compares stdout and exit status with the golden files.  Skipped when qemu is
 * not installed.
 */
class GoldenTest {
    static final long TIMEOUT_SECONDS = 120;

    static Stream<String> names() {
        return Programs.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void matchesGoldenOutputUnderQemu(String name, @TempDir Path tmp) throws Exception {
        Optional<Path> qemu = HostTools.onPath("qemu-riscv64");
        Assumptions.assumeTrue(qemu.isPresent(),
                "qemu-riscv64 not installed: golden comparison skipped (Debian package qemu-user)");
        Program p = Programs.get(name);

        Path bin = tmp.resolve("bin");
        Path work = tmp.resolve("work");
        Files.createDirectories(bin);
        Files.createDirectories(work);
        Path exe = bin.resolve(p.name());
        Files.write(exe, p.binary());
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stdin = tmp.resolve("stdin");
        Files.write(stdin, p.stdin());
        Path stderr = tmp.resolve("stderr");

        List<String> command = new ArrayList<>();
        command.add(qemu.get().toString());
        command.add(exe.toString());
        command.addAll(p.args());
        Process proc = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectInput(stdin.toFile())
                .redirectError(stderr.toFile())
                .start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), name + ": timed out");

        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(new String(p.expectedStdout(), StandardCharsets.UTF_8),
                new String(out, StandardCharsets.UTF_8), name + ": stdout differs; stderr: " + err);
        assertEquals(p.expectedExitStatus(), proc.exitValue(), name + ": exit status; stderr: " + err);
    }
}
