package otherworld.campaign;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/**
 * What a campaign case runs: one or more guest programs, each on its own console, started at boot, and the
 * programs they start put on the disk under /bin. A workload is named: the bundled ones below, or the path of any
 * static RV64 binary (run with no argument and empty input).
 */
public record Workload(String name, List<Proc> procs, List<String> tools) implements Serializable {
    /**
     * One program of a workload: its name in userland (or a host path), arguments after argv[0]. A program with a
     * recovery procedure that saves its buffer names the file it saves to ({@code recoveryFile}) and the file its
     * buffer ends in ({@code bufferFile}); otherwise both are null.
     */
    public record Proc(String program, List<String> args, String recoveryFile, String bufferFile) implements Serializable {
        public Proc(String program, List<String> args) { this(program, args, null, null); }
    }

    public Workload(String name, List<Proc> procs) { this(name, procs, List.of()); }

    /** The bundled workloads: program and arguments sized so that one run takes well under a second. */
    static final Map<String, Workload> BUNDLED = new LinkedHashMap<>();

    private static void bundle(String name, List<String> tools, Proc... procs) {
        BUNDLED.put(name, new Workload(name, List.of(procs), tools));
    }

    private static void bundle(String name, Proc... procs) { bundle(name, List.of(), procs); }

    static {
        bundle("hello", new Proc("hello", List.of()));
        bundle("checksum", new Proc("checksum", List.of("200")));
        bundle("kvstore", new Proc("kvstore", List.of()));
        bundle("files", new Proc("files", List.of("9")));
        bundle("regs", new Proc("regs", List.of("30", "50")));
        bundle("syscalls", new Proc("syscalls", List.of()));
        bundle("callbench", new Proc("callbench", List.of("write", "300")));
        // several processes at once: a fault in one must leave the others untouched
        bundle("mix", new Proc("checksum", List.of("100")), new Proc("kvstore", List.of()), new Proc("files", List.of("6")));
        // processes that start processes: fork, execve, wait, pipes, signals, shared memory
        bundle("pipeline", List.of("sh", "seq", "grep", "sort", "wc"),
                new Proc("sh", List.of("-c", "seq 1 1000 | grep 7 | sort -r | wc -l -w -c")));
        bundle("forktest", new Proc("forktest", List.of("5")));
        bundle("pipetest", new Proc("pipetest", List.of("50")));
        bundle("sigtest", new Proc("sigtest", List.of()));
        bundle("mmap", new Proc("mmaptest", List.of("1")), new Proc("sharedmap", List.of()));
        bundle("spawner", List.of("spawner", "echo"), new Proc("spawner", List.of("run", "/bin/spawner", "show", "a", "b")),
                new Proc("spawner", List.of("vfork", "/bin/echo", "vforked")));
        // the editor saves its buffer from its recovery procedure; its script ends with the buffer in notes.txt
        bundle("editor", new Proc("editor", List.of(), "editor.recover", "notes.txt"));
    }

    /** The workloads campaigns run by default: every bundled one. */
    public static List<String> defaults() { return new ArrayList<>(BUNDLED.keySet()); }

    /** By name: a bundled workload, or a path to a static RV64 executable. */
    public static Workload of(String name) {
        Workload w = BUNDLED.get(name);
        if (w != null) return w;
        if (name.contains("/") && Files.isRegularFile(Path.of(name))) return new Workload(name, List.of(new Proc(name, List.of())));
        throw new IllegalArgumentException("no workload '" + name + "': bundled are " + BUNDLED.keySet()
                + ", or give the path of a static RV64 executable (with a /, e.g. ./prog)");
    }

    /** This workload with only process i (its tools too): what process i writes when it runs alone. */
    Workload only(int i) { return new Workload(name + "/" + procs.get(i).program(), List.of(procs.get(i)), tools); }

    /**
     * The scenario this workload runs: its programs, with their scripted input (programs.txt) when they are listed
     * there, else none; its tools on the disk under /bin.
     */
    Scenario scenario() {
        Scenario s = new Scenario();
        for (String t : tools) s.file("/bin/" + t, Programs.binary(t));
        for (Proc p : procs) {
            List<String> argv = new ArrayList<>();
            if (Files.isRegularFile(Path.of(p.program())) && p.program().contains("/")) {
                argv.add(Path.of(p.program()).getFileName().toString());
                argv.addAll(p.args());
                try {
                    s.add(new Scenario.Program(argv.get(0), Files.readAllBytes(Path.of(p.program())), argv, new byte[0]));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + p.program() + ": " + e.getMessage(), e);
                }
            } else {
                byte[] stdin = Programs.names().contains(p.program()) ? Programs.get(p.program()).stdin() : new byte[0];
                argv.add(p.program());
                argv.addAll(p.args());
                s.add(new Scenario.Program(p.program(), Programs.binary(p.program()), argv, stdin));
            }
        }
        return s;
    }

    /** The names the workload puts in the root directory before boot (not files its processes write). */
    List<String> preloaded() { return tools.isEmpty() ? List.of() : List.of("bin"); }

    /** Process names, in console order. */
    List<String> names() {
        List<String> n = new ArrayList<>();
        for (Proc p : procs) n.add(p.program().contains("/") ? Path.of(p.program()).getFileName().toString() : p.program());
        return n;
    }
}
