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
 * What a campaign case runs: one or more guest programs, each on its own console, started at boot. A workload is
 * named: the bundled ones below, or the path of any static RV64 binary (run with no argument and empty input).
 * New workloads plug in here by name as their programs land: the shell pipeline and the editor are declared,
 * with the issue they wait for.
 */
public record Workload(String name, List<Proc> procs) implements Serializable {
    /** One program of a workload: its name in userland (or a host path), arguments after argv[0]. */
    public record Proc(String program, List<String> args) implements Serializable { }

    /** The bundled workloads: program and arguments sized so that one run takes well under a second. */
    static final Map<String, List<Proc>> BUNDLED = new LinkedHashMap<>();
    /** Workloads that wait for a program that has not landed yet: name, what they will be. */
    static final Map<String, String> PLANNED = new LinkedHashMap<>();

    static {
        BUNDLED.put("hello", List.of(new Proc("hello", List.of())));
        BUNDLED.put("checksum", List.of(new Proc("checksum", List.of("200"))));
        BUNDLED.put("kvstore", List.of(new Proc("kvstore", List.of())));
        BUNDLED.put("files", List.of(new Proc("files", List.of("9"))));
        BUNDLED.put("regs", List.of(new Proc("regs", List.of("30", "50"))));
        BUNDLED.put("syscalls", List.of(new Proc("syscalls", List.of())));
        BUNDLED.put("callbench", List.of(new Proc("callbench", List.of("write", "300"))));
        // several processes at once: a fault in one must leave the others untouched
        BUNDLED.put("mix", List.of(new Proc("checksum", List.of("100")), new Proc("kvstore", List.of()),
                new Proc("files", List.of("6"))));
        PLANNED.put("pipeline", "the shell pipeline (issue 8: fork, exec, pipes and the shell)");
        PLANNED.put("editor", "the terminal editor, which saves its unsaved buffer from a recovery procedure");
    }

    /** The workloads campaigns run by default: every bundled one. */
    public static List<String> defaults() { return new ArrayList<>(BUNDLED.keySet()); }

    /** By name: a bundled workload, or a path to a static RV64 executable. */
    public static Workload of(String name) {
        List<Proc> p = BUNDLED.get(name);
        if (p != null) return new Workload(name, p);
        if (PLANNED.containsKey(name)) {
            throw new IllegalArgumentException("workload '" + name + "' is not there yet: it waits for " + PLANNED.get(name));
        }
        if (name.contains("/") && Files.isRegularFile(Path.of(name))) return new Workload(name, List.of(new Proc(name, List.of())));
        throw new IllegalArgumentException("no workload '" + name + "': bundled are " + BUNDLED.keySet()
                + ", or give the path of a static RV64 executable (with a /, e.g. ./prog)");
    }

    /** The scenario this workload runs: its programs, with their scripted input (programs.txt) when bundled. */
    Scenario scenario() {
        Scenario s = new Scenario();
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
                Programs.Program g = Programs.get(p.program());
                argv.add(p.program());
                argv.addAll(p.args());
                s.add(new Scenario.Program(p.program(), g.binary(), argv, g.stdin()));
            }
        }
        return s;
    }

    /** Process names, in console order. */
    List<String> names() {
        List<String> n = new ArrayList<>();
        for (Proc p : procs) n.add(p.program().contains("/") ? Path.of(p.program()).getFileName().toString() : p.program());
        return n;
    }
}
