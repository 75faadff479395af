package otherworld.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The bounds of a model instance: how many processes, pages, files, values and crashes, and
 * which seeded bug (if any) the crash kernel has. Immutable; {@code withX} methods copy.
 */
public final class Config {
    private final int procs;
    private final int pages;
    private final int values;
    private final int files;
    private final int crashes;
    private final boolean corruption;
    private final boolean flusher;
    private final int consoleBytes;
    private final Bug bug;
    private final List<Instr> program;

    private Config(int procs, int pages, int values, int files, int crashes, boolean corruption,
            boolean flusher, int consoleBytes, Bug bug, List<Instr> program) {
        this.procs = procs;
        this.pages = pages;
        this.values = values;
        this.files = files;
        this.crashes = crashes;
        this.corruption = corruption;
        this.flusher = flusher;
        this.consoleBytes = consoleBytes;
        this.bug = bug;
        this.program = program;
    }

    /** 2 processes, 1 page, values {1}, 1 file, 1 crash, corruption on, flusher on, no bug. */
    public static Config defaults() {
        return new Config(2, 1, 1, 1, 1, true, true, 2, Bug.NONE, null);
    }

    /** The program every process runs: the explicit one, or the default for these bounds. */
    public List<Instr> program() {
        if (program != null) {
            return program;
        }
        return defaultProgram(pages);
    }

    /** store0 … store(pages-1), write0, fsync, conwrite(pages-1), exit. */
    public static List<Instr> defaultProgram(int pages) {
        List<Instr> p = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            p.add(new Instr(Instr.Kind.STORE, i));
        }
        p.add(new Instr(Instr.Kind.WRITE, 0));
        p.add(new Instr(Instr.Kind.FSYNC, 0));
        p.add(new Instr(Instr.Kind.CONWRITE, pages - 1));
        p.add(new Instr(Instr.Kind.EXIT, 0));
        return List.copyOf(p);
    }

    /**
     * The program of issue 8's model: process 0 stores a value, forks {@code children} children, receives one value
     * per child through the pipe, waits for each child (its status into page 0), and exits with page 0; each child
     * stores its own value, sends it and exits with it.
     * <pre>  store0, fork(2c+3) x c, recv0 x c, wait0 x c, exit0 | store0, send0, exit0</pre>
     */
    public static List<Instr> forkPipeProgram(int children) {
        if (children < 1) {
            throw new IllegalArgumentException("a fork-pipe program needs at least 2 processes (a parent and a child)");
        }
        List<Instr> p = new ArrayList<>();
        int child = 2 + 3 * children;
        p.add(new Instr(Instr.Kind.STORE, 0));
        for (int i = 0; i < children; i++) {
            p.add(new Instr(Instr.Kind.FORK, child));
        }
        for (int i = 0; i < children; i++) {
            p.add(new Instr(Instr.Kind.RECV, 0));
        }
        for (int i = 0; i < children; i++) {
            p.add(new Instr(Instr.Kind.WAIT, 0));
        }
        p.add(new Instr(Instr.Kind.EXIT, 0));
        p.add(new Instr(Instr.Kind.STORE, 0));
        p.add(new Instr(Instr.Kind.SEND, 0));
        p.add(new Instr(Instr.Kind.EXIT, 0));
        return List.copyOf(p);
    }

    /** Throws IllegalArgumentException with a readable message when a bound is out of range. */
    public Config validate() {
        check(procs >= 1 && procs <= 4, "procs must be 1..4, got " + procs);
        check(pages >= 1 && pages <= 4, "pages must be 1..4, got " + pages);
        check(values >= 1 && values <= 9, "values must be 1..9, got " + values);
        check(files >= 1 && files <= procs, "files must be 1..procs, got " + files);
        check(crashes >= 0 && crashes <= 5, "crashes must be 0..5, got " + crashes);
        check(consoleBytes >= 1 && consoleBytes <= 4, "console bytes must be 1..4, got " + consoleBytes);
        List<Instr> prog = program();
        for (Instr i : prog) {
            if (i.kind() == Instr.Kind.FORK) {
                check(i.page() >= 0 && i.page() < prog.size(), "instruction " + i + " starts its child at "
                        + i.page() + " but the program has " + prog.size() + " instructions");
                check(prog.get(prog.size() - 1).kind() == Instr.Kind.EXIT, "a program with fork must end with exit");
            } else {
                check(i.page() >= 0 && i.page() < pages, "instruction " + i + " names page " + i.page()
                        + " but there are only " + pages + " pages");
            }
            check(!(forks() && i.kind() == Instr.Kind.WRITE), "a program with fork cannot write a file: a forked child"
                    + " shares its parent's open file and offset, and the model keeps one offset per process");
        }
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Number of WRITE instructions: the file blocks a process can reach. At least 1. */
    public int blocks() {
        int n = 0;
        for (Instr i : program()) {
            if (i.kind() == Instr.Kind.WRITE) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    /** True if the program forks: only process 0 starts; the other slots are free for children. */
    public boolean forks() {
        for (Instr i : program()) {
            if (i.kind() == Instr.Kind.FORK) {
                return true;
            }
        }
        return false;
    }

    /** True if the program forks, uses the pipe or waits: the layout gets the process tree and the pipe. */
    public boolean family() {
        for (Instr i : program()) {
            if (i.isFamily()) {
                return true;
            }
        }
        return false;
    }

    public int procs() { return procs; }
    public int pages() { return pages; }
    public int values() { return values; }
    public int files() { return files; }
    public int crashes() { return crashes; }
    public boolean corruption() { return corruption; }
    public boolean flusher() { return flusher; }
    public int consoleBytes() { return consoleBytes; }
    public Bug bug() { return bug; }

    public Config withProcs(int v) { return new Config(v, pages, values, files, crashes, corruption, flusher, consoleBytes, bug, program); }
    public Config withPages(int v) { return new Config(procs, v, values, files, crashes, corruption, flusher, consoleBytes, bug, program); }
    public Config withValues(int v) { return new Config(procs, pages, v, files, crashes, corruption, flusher, consoleBytes, bug, program); }
    public Config withFiles(int v) { return new Config(procs, pages, values, v, crashes, corruption, flusher, consoleBytes, bug, program); }
    public Config withCrashes(int v) { return new Config(procs, pages, values, files, v, corruption, flusher, consoleBytes, bug, program); }
    public Config withCorruption(boolean v) { return new Config(procs, pages, values, files, crashes, v, flusher, consoleBytes, bug, program); }
    public Config withFlusher(boolean v) { return new Config(procs, pages, values, files, crashes, corruption, v, consoleBytes, bug, program); }
    public Config withConsoleBytes(int v) { return new Config(procs, pages, values, files, crashes, corruption, flusher, v, bug, program); }
    public Config withBug(Bug v) { return new Config(procs, pages, values, files, crashes, corruption, flusher, consoleBytes, v, program); }
    public Config withProgram(List<Instr> v) { return new Config(procs, pages, values, files, crashes, corruption, flusher, consoleBytes, bug, v == null ? null : List.copyOf(v)); }

    /** Parses the output of {@link #toString()} (used by trace files). */
    public static Config parse(String line) {
        Config c = defaults();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = part.substring(0, eq);
            String v = part.substring(eq + 1);
            switch (k) {
                case "procs" -> c = c.withProcs(Integer.parseInt(v));
                case "pages" -> c = c.withPages(Integer.parseInt(v));
                case "values" -> c = c.withValues(Integer.parseInt(v));
                case "files" -> c = c.withFiles(Integer.parseInt(v));
                case "crashes" -> c = c.withCrashes(Integer.parseInt(v));
                case "corruption" -> c = c.withCorruption(Boolean.parseBoolean(v));
                case "flusher" -> c = c.withFlusher(Boolean.parseBoolean(v));
                case "consoleBytes" -> c = c.withConsoleBytes(Integer.parseInt(v));
                case "bug" -> c = c.withBug(Bug.parse(v));
                case "program" -> {
                    List<Instr> prog = new ArrayList<>();
                    for (String s : v.split(",")) {
                        prog.add(Instr.parse(s));
                    }
                    c = c.withProgram(prog);
                }
                default -> throw new IllegalArgumentException("unknown config key '" + k + "'");
            }
        }
        return c;
    }

    @Override
    public String toString() {
        StringBuilder prog = new StringBuilder();
        for (Instr i : program()) {
            if (prog.length() > 0) {
                prog.append(',');
            }
            prog.append(i);
        }
        return "procs=" + procs + " pages=" + pages + " values=" + values + " files=" + files
                + " crashes=" + crashes + " corruption=" + corruption + " flusher=" + flusher
                + " consoleBytes=" + consoleBytes + " bug=" + bug.cliName() + " program=" + prog;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
