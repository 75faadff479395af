package otherworld.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import otherworld.userland.Programs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ow diff}: static RISC-V programs run under {@code ow run} and under qemu-riscv64, each in an empty directory
 * of its own with the same arguments and standard input; their stdout bytes and exit statuses compared.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run static RISC-V programs under ow run and under qemu-riscv64 and compare their stdout bytes and exit",
            "statuses. Each run starts in a new directory of its own (the guest sees it as its working directory), empty",
            "or holding a copy of --files DIR's files.",
            "",
            "With PROGRAM: that program (a host ELF file or a bundled program) with ARGs. With --list FILE: one program",
            "a line, 'path stdin [arg ...]' (stdin a file or - for none; paths relative to FILE; # starts a comment).",
            "With neither: every bundled program as userland/programs.txt runs it.",
            "",
            "Exit status: 0 when every program behaved the same, 1 when one differed, 77 when qemu-riscv64 is not",
            "there (nothing was compared), 2 for wrong options.",
        })
final class DiffCommand implements Callable<Integer> {
    static final int EXIT_DIFFERS = 1, EXIT_SKIPPED = 77, EXIT_USAGE = 2;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROGRAM", description = "host ELF file or bundled program")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "the program's arguments")
    List<String> args = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE", description = "programs to compare, one a line: path stdin [arg ...]")
    Path list;

    @Option(names = "--stdin", paramLabel = "FILE", description = "standard input of PROGRAM (default: none)")
    Path stdin;

    @Option(names = "--files", paramLabel = "DIR", description = "DIR's files are copied into each run's directory first (inputs the programs read)")
    Path files;

    @Option(names = "--qemu", paramLabel = "PATH", defaultValue = "qemu-riscv64", description = "the reference (default ${DEFAULT-VALUE})")
    String qemu;

    @Option(names = "--ow-option", paramLabel = "OPT", description = "an option for ow run, before the program (repeatable), e.g. --crash-every=50")
    List<String> owOptions = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "per run (default ${DEFAULT-VALUE})")
    long timeout;

    /** One program to compare: its binary, its standard input, its arguments. */
    record Case(String name, byte[] binary, byte[] stdin, List<String> args) { }

    /** What one run produced. */
    record Outcome(int status, byte[] stdout, String stderr) { }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out, err = System.err;
        List<Case> cases;
        try {
            cases = cases();
        } catch (IllegalArgumentException e) {
            err.println("ow diff: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (files != null && !Files.isDirectory(files)) {
            err.println("ow diff: --files " + files + ": not a directory");
            return EXIT_USAGE;
        }
        String ref = findQemu(qemu);
        if (ref == null) {
            err.println("ow diff: " + qemu + " not found: SKIPPED, nothing was compared (" + cases.size() + " program(s))");
            return EXIT_SKIPPED;
        }
        Path work = Files.createTempDirectory("ow-diff");
        int differ = 0;
        try {
            for (Case c : cases) {
                Path bin = work.resolve("bin-" + c.name().replaceAll("[^A-Za-z0-9._-]", "_"));
                Files.write(bin, c.binary());
                bin.toFile().setExecutable(true);
                List<String> q = new ArrayList<>(List.of(ref, bin.toString()));
                q.addAll(c.args());
                Outcome expected = run(q, fresh(work, "qemu"), c.stdin());
                List<String> o = new ArrayList<>(owCommand());
                o.addAll(owOptions);
                o.add(bin.toString());
                o.addAll(c.args());
                Outcome got = run(o, fresh(work, "ow"), c.stdin());
                String verdict = compare(expected, got);
                String label = c.name() + (c.args().isEmpty() ? "" : " " + String.join(" ", c.args()));
                if (verdict == null) {
                    out.printf("same     %s (exit %d, %d bytes)%n", label, got.status(), got.stdout().length);
                } else {
                    differ++;
                    out.printf("DIFFERS  %s: %s%n", label, verdict);
                    if (!got.stderr().isBlank()) out.println("         ow's stderr: " + firstLines(got.stderr(), 5));
                }
            }
        } finally {
            deleteTree(work);
        }
        out.printf("ow diff: %d program(s), %d the same, %d differ%n", cases.size(), cases.size() - differ, differ);
        return differ == 0 ? 0 : EXIT_DIFFERS;
    }

    private List<Case> cases() throws IOException {
        if (list != null && program != null) throw new IllegalArgumentException("give PROGRAM or --list, not both");
        List<Case> cs = new ArrayList<>();
        if (list != null) {
            if (!Files.isRegularFile(list)) throw new IllegalArgumentException("--list " + list + ": no such file");
            Path base = list.toAbsolutePath().getParent();
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                List<String> f = Arrays.asList(l.split("\\s+"));
                Path bin = base.resolve(f.get(0));
                if (!Files.isRegularFile(bin)) throw new IllegalArgumentException(list + ": " + bin + ": no such file");
                byte[] in = new byte[0];
                if (f.size() > 1 && !f.get(1).equals("-")) in = Files.readAllBytes(base.resolve(f.get(1)));
                cs.add(new Case(f.get(0), Files.readAllBytes(bin), in, f.size() > 2 ? f.subList(2, f.size()) : List.of()));
            }
        } else if (program != null) {
            Path p = Path.of(program);
            byte[] elf = Files.isRegularFile(p) ? Files.readAllBytes(p) : Guest.binary(program);
            if (elf == null) throw new IllegalArgumentException(program + ": no such file, and no bundled program of that name");
            if (stdin != null && !Files.isRegularFile(stdin)) throw new IllegalArgumentException("--stdin " + stdin + ": no such file");
            cs.add(new Case(p.getFileName().toString(), elf, stdin == null ? new byte[0] : Files.readAllBytes(stdin), args));
        } else {
            for (Programs.Program g : Programs.all()) cs.add(new Case(g.name(), g.binary(), g.stdin(), g.args()));
        }
        return cs;
    }

    /** A new directory for one run, holding a copy of --files DIR's files. */
    private Path fresh(Path work, String prefix) throws IOException {
        Path d = Files.createTempDirectory(work, prefix);
        if (files == null) return d;
        Path from = files.toAbsolutePath();
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path to = d.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else if (Files.isRegularFile(p)) Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return d;
    }

    /** The command that starts this ow's run in a new JVM: the same java, class path and main class. */
    static List<String> owCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss8m", "-cp",
                System.getProperty("java.class.path"), Ow.class.getName(), "run");
    }

    /** An executable path for name (as given if it holds a slash, else searched on PATH), or null. */
    static String findQemu(String name) {
        if (name.contains("/")) return Files.isExecutable(Path.of(name)) ? name : null;
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return Path.of(d, name).toString();
        }
        return null;
    }

    private Outcome run(List<String> cmd, Path cwd, byte[] in) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Path errFile = Files.createTempFile(cwd.getParent(), "err", ".txt");
        Path inFile = Files.createTempFile(cwd.getParent(), "in", ".bin");
        Files.write(inFile, in);
        pb.redirectError(errFile.toFile()).redirectInput(inFile.toFile());
        Process p = pb.start();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Outcome(-1, stdout, "timed out after " + timeout + " s");
        }
        return new Outcome(p.exitValue(), stdout, Files.readString(errFile, StandardCharsets.ISO_8859_1));
    }

    /** Null when the runs agree, else what differs: the statuses, and where stdout first differs. */
    static String compare(Outcome expected, Outcome got) {
        List<String> d = new ArrayList<>();
        if (expected.status() != got.status()) d.add("exit status " + expected.status() + " under qemu, " + got.status() + " under ow");
        byte[] a = expected.stdout(), b = got.stdout();
        int i = Arrays.mismatch(a, b);
        if (i >= 0) {
            int line = 1;
            for (int j = 0; j < i; j++) if (a[j] == '\n') line++;
            d.add("stdout (" + a.length + " bytes under qemu, " + b.length + " under ow) first differs at byte " + i
                    + ", line " + line + ": qemu " + excerpt(a, i) + ", ow " + excerpt(b, i));
        }
        return d.isEmpty() ? null : String.join("; ", d);
    }

    private static String excerpt(byte[] b, int at) {
        if (at >= b.length) return "(end)";
        int start = at;
        while (start > 0 && b[start - 1] != '\n' && at - start < 40) start--;
        int end = at;
        while (end < b.length && b[end] != '\n' && end - at < 40) end++;
        String s = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String firstLines(String s, int n) {
        String[] l = s.strip().split("\n");
        return String.join(" | ", Arrays.asList(l).subList(0, Math.min(n, l.length)));
    }

    /** Remove what the runs left (what cannot be removed, say a directory a guest made unreadable, stays). */
    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("ow diff: could not remove all of " + root + ": " + e.getMessage());
        }
    }
}
