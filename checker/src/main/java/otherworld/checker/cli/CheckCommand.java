package otherworld.checker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import otherworld.checker.ModelChecker;
import otherworld.checker.OtherworldSystem;
import otherworld.checker.Replay;
import otherworld.checker.Result;
import otherworld.checker.Trace;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Instr;
import otherworld.model.Invariant;
import otherworld.model.Machine;
import otherworld.model.State;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ow check}: model-check crash and resurrection exhaustively within the given bounds. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Explore every state of the crash-and-resurrection model within the bounds "
                + "and check its named invariants (breadth first; a violation prints a shortest "
                + "counterexample).",
            "Exit code: 0 all invariants hold, 1 violation or deadlock, 2 bad arguments, 3 memory "
                + "and disk full (a checkpoint says how to resume)."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--procs", description = "processes (1..4), default ${DEFAULT-VALUE}")
    int procs = 2;

    @Option(names = "--pages", description = "user pages per process (1..4), default ${DEFAULT-VALUE}")
    int pages = 1;

    @Option(names = "--values", description = "values a user store may write (1..9), default ${DEFAULT-VALUE}")
    int values = 1;

    @Option(names = "--files", description = "files (1..procs), default ${DEFAULT-VALUE}")
    int files = 1;

    @Option(names = "--crashes", description = "crashes per run, including crashes during resurrection (0..5), default ${DEFAULT-VALUE}")
    int crashes = 1;

    @Option(names = "--workers", description = "worker threads, default ${DEFAULT-VALUE}")
    int workers = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    @Option(names = "--symmetry", description = "symmetry reduction over process ids")
    boolean symmetry;

    @Option(names = "--no-corruption", description = "crashes never corrupt structures")
    boolean noCorruption;

    @Option(names = "--no-flusher", description = "no background flusher")
    boolean noFlusher;

    @Option(names = "--deadlock", description = "report states without successors that are not terminal")
    boolean deadlock;

    @Option(names = "--bug", paramLabel = "NAME",
            description = "seeded bug: resurrect-before-flush, reexecute-completed-call, skip-validation, "
                    + "early-commit, offset-before-commit, restart-forever (a liveness bug: use --liveness --crashes 2); "
                    + "with --fork-pipe: pipe-nwrite-before-commit, fork-made-again, zombie-before-status")
    String bug = "none";

    @Option(names = "--program", paramLabel = "INSTRS",
            description = "program of every process, comma-separated: storeN, writeN, fsync, conwriteN, exit[N]; "
                    + "forkN (the child starts at instruction N), sendN, recvN, waitN (the pipe and the process tree)")
    String program;

    @Option(names = "--fork-pipe", description = "the program of issue 8: process 0 forks procs-1 children, each "
            + "stores a value, sends it through the pipe and exits with it; the parent receives them and waits for "
            + "each (Config.forkPipeProgram)")
    boolean forkPipe;

    @Option(names = "--trace-out", paramLabel = "FILE", description = "save a counterexample here for replay")
    Path traceOut;

    @Option(names = "--replay", paramLabel = "FILE", description = "replay a saved trace instead of checking")
    Path replay;

    @Option(names = "--progress", paramLabel = "SECONDS", description = "progress line interval, 0 = off, default ${DEFAULT-VALUE}")
    int progressSeconds = 5;

    @Option(names = "--max-states", paramLabel = "N", description = "stop at the first batch past N distinct "
            + "states (with a checkpoint when --workdir or --checkpoint-every is given)")
    long maxStates = Long.MAX_VALUE;

    @Option(names = "--list-invariants", description = "print the invariants and exit")
    boolean listInvariants;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "memory for fingerprints and the in-memory part of the queue (e.g. 512m, 8g; "
                    + "at least 1m); past it the queue goes to disk and the fingerprint table is merged "
                    + "into a sorted file on disk; default a quarter of the machine's memory")
    String memory;

    @Option(names = "--max-disk", paramLabel = "SIZE",
            description = "disk the work directory may fill (queue, trace log, fingerprint files, checkpoint; "
                    + "e.g. 200g); when the fingerprints cannot spill any more the run stops with a checkpoint "
                    + "(exit 3); 0 = fingerprints never go to disk (a full memory budget stops the run); "
                    + "default the filesystem's free space less 1 GiB")
    String maxDisk;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "directory for the queue files, trace log and checkpoints (kept); default a temporary one")
    Path workDir;

    @Option(names = "--checkpoint-every", paramLabel = "SECONDS",
            description = "write a checkpoint to the work directory every SECONDS (0 = off)")
    int checkpointSeconds;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run whose checkpoint is in DIR")
    Path resume;

    @Option(names = "--liveness", description = "after the invariants, check the liveness properties on the "
            + "state graph (in memory) under weak fairness of the processes' and kernels' steps")
    boolean liveness;

    @Option(names = "--members", paramLabel = "N", description = "distribute the search over N Hazelcast "
            + "members (fingerprints partitioned by hash, successors sent to their owner in batches): embedded "
            + "in this JVM on loopback, or with --join the N members of a cluster, this one included; "
            + "0 = the local checker (default)")
    int members;

    @Option(names = "--member", description = "serve as one member of a check cluster (other processes or "
            + "machines) until the others have left; with --cluster, --bind, --port, --peers")
    boolean member;

    @Option(names = "--join", paramLabel = "HOST:PORT,...", description = "run the check on a cluster: start a "
            + "member here that joins these peers, wait for --members members in all, then check")
    String join;

    @Option(names = "--cluster", paramLabel = "NAME", description = "cluster name (--member, --join), default ${DEFAULT-VALUE}")
    String cluster = "ow-check";

    @Option(names = "--bind", paramLabel = "HOST", description = "interface of this member (--member, --join), default ${DEFAULT-VALUE}")
    String bind = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "port of this member (--member, --join), default ${DEFAULT-VALUE}")
    int port = 5701;

    @Option(names = "--peers", paramLabel = "HOST:PORT,...", description = "other members to join (--member)")
    String peers = "";

    @Option(names = "--idle", paramLabel = "SECONDS", description = "--member: stop this long after the others left, default ${DEFAULT-VALUE}")
    int idleSeconds = 10;

    @Option(names = "--exact", description = "store whole states instead of fingerprints (small runs): "
            + "no state can be missed, and fingerprint collisions are counted")
    boolean exact;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CheckCommand()).execute(args));
    }

    Config config() {
        Bug b = Bug.parse(bug);
        if (b == null) {
            throw new ParameterException(spec.commandLine(), "unknown --bug '" + bug
                    + "'; expected one of none, resurrect-before-flush, reexecute-completed-call, skip-validation, restart-forever");
        }
        if (workers < 1 || workers > 256) {
            throw new ParameterException(spec.commandLine(), "--workers must be 1..256, got " + workers);
        }
        if (checkpointSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-every must be >= 0, got " + checkpointSeconds);
        }
        if (members < 0 || members > 64) {
            throw new ParameterException(spec.commandLine(), "--members must be 0..64, got " + members);
        }
        if (join != null && members < 2) {
            throw new ParameterException(spec.commandLine(), "--join needs --members N (N >= 2, this member included)");
        }
        if (members > 0 && (resume != null || checkpointSeconds > 0 || exact || workDir != null
                || maxStates != Long.MAX_VALUE || maxDisk != null)) {
            // the members keep their fingerprint partitions in memory (no spill to disk, no checkpoint)
            throw new ParameterException(spec.commandLine(), "--members does not combine with --resume, "
                    + "--checkpoint-every, --workdir, --exact, --max-states or --max-disk");
        }
        if (liveness && symmetry) {
            throw new ParameterException(spec.commandLine(), "--liveness does not use --symmetry "
                    + "(a fairness class per process does not survive renaming processes)");
        }
        if (exact && (resume != null || checkpointSeconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--exact keeps whole states in memory: it cannot checkpoint or resume");
        }
        if (resume != null && workDir != null && !resume.equals(workDir)) {
            throw new ParameterException(spec.commandLine(), "--resume DIR is the work directory; do not give --workdir too");
        }
        Config c = Config.defaults().withProcs(procs).withPages(pages).withValues(values).withFiles(files)
                .withCrashes(crashes).withCorruption(!noCorruption).withFlusher(!noFlusher).withBug(b);
        try {
            if (forkPipe && program != null) {
                throw new IllegalArgumentException("--fork-pipe is a program: do not give --program too");
            }
            if (forkPipe) {
                c = c.withProgram(Config.forkPipeProgram(procs - 1));
            }
            if (program != null) {
                List<Instr> prog = new ArrayList<>();
                for (String s : program.split(",")) {
                    prog.add(Instr.parse(s));
                }
                c = c.withProgram(prog);
            }
            return c.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (member) {
            if (port < 1 || port > 65535 || idleSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "--port must be 1..65535 and --idle at least 1");
            }
            com.hazelcast.core.HazelcastInstance hz = otherworld.checker.DistributedChecker.startMember(
                    cluster, bind, port, peerList(peers));
            out.println("Member of cluster " + cluster + " at " + bind + ":" + port + "; serving checks until the "
                    + "other members have left for " + idleSeconds + " s.");
            out.flush();
            otherworld.checker.DistributedChecker.serve(hz, idleSeconds * 1000L);
            return 0;
        }
        if (replay != null) {
            Replay r = Replay.of(replay);
            Trace t = Trace.read(replay);
            out.println("Replayed " + t.length() + " steps of " + replay + ": "
                    + (r.violation() == null ? "no invariant violated" : "invariant " + r.violation() + " is violated"));
            if (t.loopStart() >= 0) {
                out.println(r.lassoCloses()
                        ? "The last state is state " + t.loopStart() + ": the cycle repeats forever, so "
                                + t.violation() + " is violated."
                        : "The last state is not state " + t.loopStart() + ": the lasso does not close.");
            }
            out.flush();
            return r.violation() == null && (t.loopStart() < 0 || !r.lassoCloses()) ? 0 : 1;
        }
        Config c = config();
        Machine machine = new Machine(c);
        if (listInvariants) {
            for (Invariant i : machine.invariants().all()) {
                out.println((i.isStepInvariant() ? "step  " : "state ") + i.name() + ": " + i.meaning());
            }
            out.flush();
            return 0;
        }
        OtherworldSystem system;
        try {
            system = new OtherworldSystem(machine, symmetry);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.println("Model checking otherworld: " + c);
        out.println((members > 0 ? "Members " + members : "Workers " + workers)
                + (symmetry ? ", symmetry over process ids" : "") + ", "
                + machine.invariants().all().size() + " invariants.");
        out.flush();
        java.io.PrintStream progress = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
                if (b == '\n') {
                    out.flush();
                }
            }
        }, true);
        ModelChecker<State, Action> mc = new ModelChecker<>(system).workers(workers).checkDeadlock(deadlock)
                .maxStates(maxStates).header(c.toString()).exact(exact)
                .checkpointEvery(checkpointSeconds * 1000L)
                .progress(progress, progressSeconds * 1000L);
        if (memory != null) {
            try {
                mc.memory(parseSize(memory));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--memory: " + e.getMessage());
            }
        }
        if (maxDisk != null) {
            try {
                mc.maxDisk(maxDisk.trim().equals("0") ? 0 : parseSize(maxDisk));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--max-disk: " + e.getMessage());
            }
        }
        if (resume != null) {
            mc.resume(resume);
        } else if (workDir != null) {
            mc.workDir(workDir);
        }
        Result r;
        try {
            if (members > 0) {
                otherworld.checker.DistributedChecker dc = new otherworld.checker.DistributedChecker(
                        new otherworld.checker.OtherworldFactory(c, symmetry)).members(members)
                        .checkDeadlock(deadlock).header(c.toString()).progress(progress, progressSeconds * 1000L);
                if (memory != null) {
                    dc.memory(parseSize(memory));
                }
                if (join != null) {
                    com.hazelcast.core.HazelcastInstance hz = otherworld.checker.DistributedChecker.startMember(
                            cluster, bind, port, peerList(join));
                    try {
                        if (!otherworld.checker.DistributedChecker.awaitMembers(hz, members, 120_000)) {
                            err.println("Error: the cluster " + cluster + " has " + hz.getCluster().getMembers().size()
                                    + " of the " + members + " members after 120 s");
                            err.flush();
                            return 2;
                        }
                        out.println("Distributed over the " + hz.getCluster().getMembers().size()
                                + " members of cluster " + cluster + ".");
                        out.flush();
                        r = dc.on(List.of(hz)).run();
                    } finally {
                        hz.shutdown();
                    }
                } else {
                    out.println("Distributed over " + members + " Hazelcast member" + (members == 1 ? "" : "s")
                            + " embedded in this JVM, on loopback.");
                    out.flush();
                    r = dc.run();
                }
            } else {
                r = mc.run();
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            err.println("Error: " + e.getMessage() + ": " + e.getCause().getMessage());
            err.flush();
            return 3;
        } catch (OutOfMemoryError e) {
            err.println("Error: the Java heap is full (" + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); give java more (-Xmx) or use --memory, which keeps fingerprints and the queue outside it.");
            err.flush();
            return 3;
        }
        switch (r.status()) {
            case OK -> out.println("Model checking completed. No error has been found.");
            case LIMIT -> {
                out.println(r.note() != null ? "Stopped: " + r.note() + "; the search is incomplete."
                        : "Stopped at the state limit (" + maxStates + "); the search is incomplete.");
                if (r.checkpoint() != null) {
                    out.println("Checkpoint in " + r.checkpoint() + "; continue with the same options and --resume "
                            + r.checkpoint());
                }
            }
            case BUDGET -> {
                err.println("Stopped: " + r.note() + ", at depth " + r.statistics().depth() + " with "
                        + r.statistics().distinct() + " distinct states found and " + r.statistics().queue()
                        + " left on the queue; the search is incomplete.");
                if (r.checkpoint() != null) {
                    err.println("Checkpoint in " + r.checkpoint() + "; continue with the same options and --resume "
                            + r.checkpoint() + ", given more room (a larger --memory or --max-disk, or free disk space)");
                }
                err.flush();
            }
            default -> {
                err.println("Error: " + (r.status() == Result.Status.DEADLOCK ? "Deadlock reached."
                        : "Invariant " + r.invariant() + " is violated."));
                err.println("The behavior up to this point is (" + r.trace().length() + " steps):");
                err.print(r.trace().render());
                if (traceOut != null) {
                    r.trace().write(traceOut);
                    err.println("Trace saved to " + traceOut + " (replay: ow check --replay " + traceOut + ")");
                }
                err.flush();
            }
        }
        out.println(r.statistics());
        out.flush();
        if (liveness && r.ok()) {
            r = checkLiveness(system, c, out, err);
        }
        return switch (r.status()) {
            case OK, LIMIT -> 0;
            case BUDGET -> 3;
            default -> 1;
        };
    }

    private Result checkLiveness(OtherworldSystem system, Config c, PrintWriter out, PrintWriter err)
            throws java.io.IOException {
        List<otherworld.checker.LivenessChecker.Property<State>> props = system.livenessProperties();
        otherworld.checker.LivenessChecker<State, Action> lc = new otherworld.checker.LivenessChecker<>(system)
                .header(c.toString()).maxStates(Math.min(maxStates, 20_000_000));
        Result r;
        try {
            r = lc.check(props);
        } catch (IllegalStateException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return new Result(Result.Status.LIMIT, null, null, new otherworld.checker.Statistics(0, 0, 0, 0, 0, 0));
        }
        out.println("Checked " + props.size() + " liveness properties on " + lc.states()
                + " states under weak fairness of: " + String.join(", ", lc.fairnessClasses()) + ".");
        if (r.ok()) {
            out.println("No liveness property is violated.");
            out.flush();
            return r;
        }
        err.println("Error: Temporal property " + r.invariant() + " is violated.");
        Trace t = r.trace();
        err.println("The behavior up to this point is (a prefix of " + t.loopStart() + " steps, then a cycle of "
                + (t.length() - t.loopStart()) + (t.length() == t.loopStart() ? " steps: it stutters forever"
                : " steps back to state " + t.loopStart() + ", forever") + "):");
        err.print(t.render());
        if (traceOut != null) {
            t.write(traceOut);
            err.println("Trace saved to " + traceOut + " (replay: ow check --replay " + traceOut + ")");
        }
        err.flush();
        return r;
    }

    private static List<String> peerList(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    /** "123", "64k", "512m", "8g" (powers of 1024). */
    static long parseSize(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g") || t.endsWith("t")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1L << 40;
            };
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a size (e.g. 512m, 8g)");
        }
        if (n <= 0 || n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("'" + s + "' is out of range");
        }
        return n * unit;
    }
}
