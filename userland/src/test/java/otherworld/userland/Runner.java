package otherworld.userland;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import otherworld.userland.Programs.Program;

/**
 * Runs processes for the tests: guest binaries under qemu-riscv64 the way
 * {@code make golden} does, and host tools for comparison.  Guests run in an
 * empty working directory, stdin from the program's input file, stdout through a
 * pipe.  Cases (cases.txt) run with an environment of PATH only, naming a directory
 * of wrappers that start each binary under qemu-riscv64 with argv[0] its name, as
 * binfmt_misc would, so that the shell's execve of "cat" runs our RISC-V cat.
 */
final class Runner {
    static final long TIMEOUT_SECONDS = 300;

    private Runner() {
    }

    static Optional<Path> qemu() {
        return HostTools.onPath("qemu-riscv64");
    }

    /** What a run printed and how it ended. */
    static final class Result {
        final String stdout;
        final String stderr;
        final int status;

        Result(String stdout, String stderr, int status) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.status = status;
        }
    }

    /**
     * Installs every binary of {@link Programs#binaryNames()} under {@code dir/riscv}
     * and a wrapper script for each under {@code dir/bin}; returns {@code dir/bin}.
     */
    static Path installWrappers(Path qemu, Path dir) throws IOException {
        Path riscv = Files.createDirectories(dir.resolve("riscv"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : Programs.binaryNames()) {
            Path exe = riscv.resolve(name);
            Files.write(exe, Programs.binary(name));
            executable(exe);
            Path wrapper = bin.resolve(name);
            Files.writeString(wrapper, "#!/bin/sh\nexec " + qemu + " -0 " + name + " " + exe + " \"$@\"\n",
                    StandardCharsets.UTF_8);
            executable(wrapper);
        }
        return bin;
    }

    static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Runs a case: its program from {@code wrappers/../riscv} under qemu with argv[0]
     * its name, in an empty directory under {@code tmp}, environment PATH=wrappers.
     */
    static Result runCase(Path qemu, Path wrappers, Program c, Path tmp) throws Exception {
        Path exe = wrappers.getParent().resolve("riscv").resolve(c.program());
        List<String> command = new ArrayList<>(List.of(qemu.toString(), "-0", c.program(), exe.toString()));
        command.addAll(c.args());
        return run(command, tmp, c.stdin(), Map.of("PATH", wrappers.toString()));
    }

    /**
     * Runs command in {@code tmp/work} (created empty) with stdin from bytes; env null
     * keeps the test's environment, otherwise it is the whole environment.
     */
    static Result run(List<String> command, Path tmp, byte[] stdin, Map<String, String> env) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path in = tmp.resolve("stdin");
        Files.write(in, stdin);
        Path err = tmp.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(in.toFile()).redirectError(err.toFile());
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        if (!proc.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(new String(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), proc.exitValue());
    }
}
