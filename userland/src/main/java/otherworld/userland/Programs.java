package otherworld.userland;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest programs of {@code userland/}, read from {@code programs.txt} on the
 * classpath, with their prebuilt binaries, standard-input scripts and golden outputs.
 *
 * <p>Classpath layout (see {@code userland/pom.xml}):
 * <pre>
 * otherworld/userland/programs.txt          name  stdin  [arg ...]   per line
 * otherworld/userland/bin/NAME              static RV64GC ELF executable
 * otherworld/userland/input/FILE            standard input of a program (stdin column)
 * otherworld/userland/expected/NAME.out     stdout of the golden run (qemu-riscv64)
 * otherworld/userland/expected/NAME.exit    exit status of the golden run
 * otherworld/userland/tools.txt             the shell and its tools: name  description
 * otherworld/userland/cases.txt             golden cases: name  program  stdin  [arg ...]
 * </pre>
 *
 * <p>Binaries exist for every program of {@code programs.txt} and {@code tools.txt}.
 * A case of {@code cases.txt} is a run of one of them; it is a {@link Program} whose
 * {@link Program#program()} names the binary and whose {@link Program#name()} names
 * the golden files.  Cases run with {@code PATH} naming a directory that holds every
 * binary, so that the shell finds its tools (see {@code cases.txt}).
 */
public final class Programs {
    /** Classpath prefix of everything this module ships. */
    public static final String ROOT = "otherworld/userland/";
    public static final String LIST = ROOT + "programs.txt";
    public static final String TOOLS = ROOT + "tools.txt";
    public static final String CASES = ROOT + "cases.txt";

    private Programs() {
    }

    /** The shell and its tools, in the order of {@code tools.txt}. */
    public static List<String> tools() {
        List<String> names = new ArrayList<>();
        for (String[] f : records(new String(load(TOOLS), StandardCharsets.UTF_8), "tools.txt", 1,
                "name description")) {
            names.add(f[0]);
        }
        return List.copyOf(names);
    }

    /** Every program that has a binary: those of {@code programs.txt}, then the tools. */
    public static List<String> binaryNames() {
        List<String> names = new ArrayList<>(names());
        for (String t : tools()) {
            if (!names.contains(t)) {
                names.add(t);
            }
        }
        return List.copyOf(names);
    }

    /** The static RV64GC executable of a program of {@link #binaryNames()}. */
    public static byte[] binary(String name) {
        if (!binaryNames().contains(name)) {
            throw new IllegalArgumentException("no guest binary '" + name + "' in " + LIST + " or " + TOOLS);
        }
        return load(ROOT + "bin/" + name);
    }

    /** Every golden case, in the order of {@code cases.txt}. */
    public static List<Program> cases() {
        return parseCases(new String(load(CASES), StandardCharsets.UTF_8));
    }

    public static List<String> caseNames() {
        return namesOf(cases());
    }

    /** The case called {@code name}; IllegalArgumentException if there is none. */
    public static Program goldenCase(String name) {
        return find(cases(), name, "golden case", CASES);
    }

    /**
     * Parses the case list: blank lines and lines starting with {@code #} are
     * skipped; otherwise fields separated by blanks are the case name, the program,
     * the stdin file or {@code -}, then the arguments.
     */
    public static List<Program> parseCases(String text) {
        List<Program> cases = new ArrayList<>();
        for (String[] f : records(text, "cases.txt", 3, "name program stdin [arg ...]")) {
            cases.add(new Program(f[0], f[1], Arrays.asList(f).subList(3, f.length), stdinName(f[2])));
        }
        return List.copyOf(cases);
    }

    /** Every program, in the order of {@code programs.txt}. */
    public static List<Program> all() {
        return parse(new String(load(LIST), StandardCharsets.UTF_8));
    }

    public static List<String> names() {
        return namesOf(all());
    }

    /** The program called {@code name}; IllegalArgumentException if there is none. */
    public static Program get(String name) {
        return find(all(), name, "guest program", LIST);
    }

    /**
     * Parses the program list: blank lines and lines starting with {@code #} are
     * skipped; otherwise fields separated by blanks are name, stdin file or
     * {@code -}, then the arguments.
     */
    public static List<Program> parse(String text) {
        List<Program> programs = new ArrayList<>();
        for (String[] f : records(text, "programs.txt", 2, "name stdin [arg ...]")) {
            programs.add(new Program(f[0], Arrays.asList(f).subList(2, f.length), stdinName(f[1])));
        }
        return List.copyOf(programs);
    }

    /**
     * The fields of every line of a list file that is neither blank nor a comment
     * ({@code #}); IllegalArgumentException for a line with fewer than minFields
     * fields or a first field seen before.
     */
    private static List<String[]> records(String text, String file, int minFields, String shape) {
        List<String[]> records = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length < minFields) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": expected '" + shape + "', got '" + t + "'");
            }
            if (firsts.contains(f[0])) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": duplicate " + f[0]);
            }
            firsts.add(f[0]);
            records.add(f);
        }
        return records;
    }

    /** The stdin field: a file under input/, or "-" (null) for none. */
    private static String stdinName(String field) {
        return field.equals("-") ? null : field;
    }

    private static List<String> namesOf(List<Program> programs) {
        List<String> names = new ArrayList<>();
        for (Program p : programs) {
            names.add(p.name());
        }
        return names;
    }

    private static Program find(List<Program> programs, String name, String what, String file) {
        for (Program p : programs) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no " + what + " '" + name + "' in " + file);
    }

    /** Loads a classpath resource completely; UncheckedIOException if it is missing. */
    static byte[] load(String resource) {
        try (InputStream in = Programs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing classpath resource " + resource));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading classpath resource " + resource, e);
        }
    }

    /** Whether a classpath resource exists. */
    public static boolean exists(String resource) {
        return Programs.class.getClassLoader().getResource(resource) != null;
    }

    /**
     * One guest program as listed in {@code programs.txt}: how to run it (arguments,
     * standard input) and where its binary and golden results are on the classpath.
     * A program runs in an empty working directory with argv[0] equal to its name.
     */
    public static final class Program {
        private final String name;
        private final String program;
        private final List<String> args;
        private final String stdinName;

        /**
         * @param name      program name: binary {@code bin/<name>}, golden {@code expected/<name>.out|.exit}
         * @param args      arguments after argv[0]
         * @param stdinName file under {@code input/} fed to standard input, or {@code null} for empty input
         */
        public Program(String name, List<String> args, String stdinName) {
            this(name, name, args, stdinName);
        }

        /**
         * A run of a program under another name (a golden case).
         *
         * @param name      golden files {@code expected/<name>.out|.exit}
         * @param program   binary {@code bin/<program>}, and argv[0]
         */
        public Program(String name, String program, List<String> args, String stdinName) {
            if (name == null || name.isEmpty() || program == null || program.isEmpty()) {
                throw new IllegalArgumentException("program name is empty");
            }
            this.name = name;
            this.program = program;
            this.args = List.copyOf(args);
            this.stdinName = stdinName;
        }

        /** The name of the run: of its golden files; for programs.txt also of the binary. */
        public String name() {
            return name;
        }

        /** The binary that runs, {@code bin/<program>}; argv[0]. */
        public String program() {
            return program;
        }

        /** Arguments after argv[0]. */
        public List<String> args() {
            return args;
        }

        /** The full argument vector: the name, then {@link #args()}. */
        public List<String> argv() {
            List<String> argv = new ArrayList<>();
            argv.add(program);
            argv.addAll(args);
            return List.copyOf(argv);
        }

        public boolean hasStdin() {
            return stdinName != null;
        }

        /** File name under {@code input/}, or {@code null} when standard input is empty. */
        public String stdinName() {
            return stdinName;
        }

        public String binaryResource() {
            return ROOT + "bin/" + program;
        }

        public String stdinResource() {
            return stdinName == null ? null : ROOT + "input/" + stdinName;
        }

        public String expectedStdoutResource() {
            return ROOT + "expected/" + name + ".out";
        }

        public String expectedExitResource() {
            return ROOT + "expected/" + name + ".exit";
        }

        /** The static RV64GC ELF executable. */
        public byte[] binary() {
            return load(binaryResource());
        }

        /** Bytes for standard input; empty when the program takes none. */
        public byte[] stdin() {
            return stdinName == null ? new byte[0] : load(stdinResource());
        }

        /** Standard output of the golden run under qemu-riscv64. */
        public byte[] expectedStdout() {
            return load(expectedStdoutResource());
        }

        /** Exit status of the golden run. */
        public int expectedExitStatus() {
            String text = new String(load(expectedExitResource()), StandardCharsets.US_ASCII);
            return Integer.parseInt(text.trim());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Program)) {
                return false;
            }
            Program p = (Program) o;
            return name.equals(p.name) && program.equals(p.program) && args.equals(p.args)
                    && (stdinName == null ? p.stdinName == null : stdinName.equals(p.stdinName));
        }

        @Override
        public int hashCode() {
            int h = name.hashCode();
            h = 31 * h + program.hashCode();
            h = 31 * h + args.hashCode();
            h = 31 * h + (stdinName == null ? 0 : stdinName.hashCode());
            return h;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(name.equals(program) ? name : name + ": " + program);
            for (String a : args) {
                b.append(' ').append(a);
            }
            if (stdinName != null) {
                b.append(" < ").append(stdinName);
            }
            return b.toString();
        }
    }
}
