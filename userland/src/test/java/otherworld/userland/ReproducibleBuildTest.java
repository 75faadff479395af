package otherworld.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Rebuilds every program from source with {@code make check-reproducible} (into a
 * temporary directory) and requires the result to equal the committed bin/ byte
 * for byte.  Skipped, visibly, without the cross toolchain or make, or when the
 * installed compiler is not the one recorded in bin/TOOLCHAIN.txt (equality is
 * promised only for the same toolchain).
 */
class ReproducibleBuildTest {
    static final long TIMEOUT_SECONDS = 600;

    @Test
    void rebuildEqualsCommittedBinaries() throws Exception {
        for (String tool : List.of("riscv64-linux-gnu-gcc", "riscv64-linux-gnu-strip", "make")) {
            Assumptions.assumeTrue(HostTools.onPath(tool).isPresent(), tool
                    + " not installed: reproducible-build check skipped"
                    + " (Debian packages gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross, make)");
        }
        Path module = HostTools.moduleDir();
        Assumptions.assumeTrue(Files.isRegularFile(module.resolve("Makefile")),
                "userland/Makefile not found under " + module + ": reproducible-build check skipped");

        String recorded = recordedGcc(module.resolve("bin/TOOLCHAIN.txt"));
        String installed = run(module, List.of("riscv64-linux-gnu-gcc", "--version")).output.lines()
                .findFirst().orElse("");
        Assumptions.assumeTrue(recorded.equals(installed), "installed compiler '" + installed
                + "' is not the one that built bin/ ('" + recorded + "'): reproducible-build check skipped");

        Result r = run(module, List.of("make", "-s", "check-reproducible"));
        assertEquals(0, r.status, "make check-reproducible failed:\n" + r.output);
        assertTrue(r.output.contains("check-reproducible: all"), r.output);
    }

    private static String recordedGcc(Path toolchain) throws Exception {
        for (String line : Files.readAllLines(toolchain, StandardCharsets.UTF_8)) {
            if (line.startsWith("gcc: ")) {
                return line.substring("gcc: ".length());
            }
        }
        return "";
    }

    private static final class Result {
        final int status;
        final String output;

        Result(int status, String output) {
            this.status = status;
            this.output = output;
        }
    }

    private static Result run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), out);
    }
}
