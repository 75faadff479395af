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
 * </pre>
 */
public final class Programs {
    /** Classpath prefix of everything this module ships. */
    public static final String ROOT = "otherworld/userland/";
    public static final String LIST = ROOT + "programs.txt";

    private Programs() {
    }

    /** Every program, in the order of {@code programs.txt}. */
    public static List<Program> all() {
        return parse(new String(load(LIST), StandardCharsets.UTF_8));
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Program p : all()) {
            names.add(p.name());
        }
        return names;
    }

    /** The program called {@code name}; IllegalArgumentException if there is none. */
    public static Program get(String name) {
        for (Program p : all()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no guest program '" + name + "' in " + LIST);
    }

    /**
     * Parses the program list: blank lines and lines starting with {@code #} are
     * skipped; otherwise fields separated by blanks are name, stdin file or
     * {@code -}, then the arguments.
     */
    public static List<Program> parse(String text) {
        List<Program> programs = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException("programs.txt line " + lineNo
                        + ": expected 'name stdin [arg ...]', got '" + t + "'");
            }
            for (Program p : programs) {
                if (p.name().equals(f[0])) {
                    throw new IllegalArgumentException("programs.txt line " + lineNo + ": duplicate " + f[0]);
                }
            }
            String stdin = f[1].equals("-") ? null : f[1];
            programs.add(new Program(f[0], Arrays.asList(f).subList(2, f.length), stdin));
        }
        return List.copyOf(programs);
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
        private final List<String> args;
        private final String stdinName;

        /**
         * @param name      program name: binary {@code bin/<name>}, golden {@code expected/<name>.out|.exit}
         * @param args      arguments after argv[0]
         * @param stdinName file under {@code input/} fed to standard input, or {@code null} for empty input
         */
        public Program(String name, List<String> args, String stdinName) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("program name is empty");
            }
            this.name = name;
            this.args = List.copyOf(args);
            this.stdinName = stdinName;
        }

        public String name() {
            return name;
        }

        /** Arguments after argv[0]. */
        public List<String> args() {
            return args;
        }

        /** The full argument vector: the name, then {@link #args()}. */
        public List<String> argv() {
            List<String> argv = new ArrayList<>();
            argv.add(name);
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
            return ROOT + "bin/" + name;
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
            return name.equals(p.name) && args.equals(p.args)
                    && (stdinName == null ? p.stdinName == null : stdinName.equals(p.stdinName));
        }

        @Override
        public int hashCode() {
            int h = name.hashCode();
            h = 31 * h + args.hashCode();
            h = 31 * h + (stdinName == null ? 0 : stdinName.hashCode());
            return h;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(name);
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
