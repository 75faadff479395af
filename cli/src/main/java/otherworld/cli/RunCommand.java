package otherworld.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.kernel.HostFiles;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ow run}: a drop-in for qemu-riscv64. Runs one static RISC-V Linux executable on the emulated machine and
 * kernel; everything after PROGRAM belongs to the guest; the guest's exit status is ow's; its output bytes reach
 * stdout and stderr unchanged.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a static RISC-V (RV64GC) Linux executable on the emulated machine and kernel, as qemu-riscv64 would.",
            "",
            "Everything after PROGRAM is the guest's: its arguments (ow's own options come before PROGRAM).",
            "The guest's stdout and stderr reach ow's stdout and stderr byte for byte; stdin is --stdin FILE, or ow's",
            "own stdin read to its end. A stream that is not a terminal on the host is not one in the guest either.",
            "When stdin and stdout are a terminal, the terminal is the guest's console: it is in raw mode for the whole",
            "run and the guest's own line discipline edits, echoes and signals (^C is the guest's SIGINT, not ow's);",
            "the window size is passed through (a resize is a SIGWINCH); the terminal is restored when ow ends.",
            "",
            "Files: the guest's disk is an ext2 file system made for the run holding the current directory's files,",
            "at the same path, which is the guest's working directory (at most --pack-limit bytes of them); with",
            "--root DIR, DIR's files make the guest's / instead. --disk IMAGE boots from an ext2 image (4 KiB blocks)",
            "and keeps what the guest wrote in it. --write-back copies what the guest created or changed back to the",
            "host directory (files it deleted are listed, not deleted). At boot the kernel makes /dev with null, zero,",
            "full, random, urandom, tty and console where the disk lacks them (kept in an --disk image; not copied",
            "back).",
            "",
            "Time is the instruction count (100 MHz) from --epoch, so a run replays exactly; --real-time gives the",
            "guest the host's wall clock.",
            "",
            "Exit status: the guest's exit status; 128+N if it was killed by signal N; 124 when --max-instructions ran",
            "out; 125 when the machine halted (a crash with Otherworld off, or no crash kernel succeeded) or every",
            "process waits forever; 126 if PROGRAM is not a RISC-V executable; 127 if it is not found; 2 for wrong",
            "options or an unusable disk or directory.",
        })
final class RunCommand implements Callable<Integer> {
    static final int EXIT_BUDGET = 124, EXIT_HALTED = 125, EXIT_NOT_EXECUTABLE = 126, EXIT_NOT_FOUND = 127,
            EXIT_USAGE = 2;

    @Parameters(index = "0", paramLabel = "PROGRAM", description = "ELF file on the host, or the name of a bundled program (hello, checksum, kvstore, ...)")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "the guest's arguments")
    List<String> args = new ArrayList<>();

    @Option(names = "--stdin", paramLabel = "FILE", description = "the guest's standard input (default: ow's own, read to its end)")
    Path stdin;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "256M",
            description = "RAM of the machine, e.g. 512M or 1G (default ${DEFAULT-VALUE}, at most 2047M)")
    String memory;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "set a variable in the guest's environment (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--clear-env", description = "start the guest's environment empty instead of from ow's own")
    boolean clearEnv;

    @Option(names = "--root", paramLabel = "DIR", description = "DIR's files make the guest's / (and / is its working directory)")
    Path root;

    @Option(names = "--disk", paramLabel = "IMAGE", description = "boot from this ext2 image (4 KiB blocks, e.g. mke2fs -t ext2 -b 4096); what the guest writes stays in it")
    Path disk;

    @Option(names = "--write-back", description = "copy the files the guest created or changed back to the host directory")
    boolean writeBack;

    @Option(names = "--pack-limit", paramLabel = "SIZE", defaultValue = "256M",
            description = "most bytes of host files put on the guest's disk (default ${DEFAULT-VALUE})")
    String packLimit;

    @Option(names = "--stats", description = "print on stderr, when the guest ends, its system calls by name with counts, and those that returned ENOSYS")
    boolean stats;

    @Option(names = "--crash-at", paramLabel = "N", description = "panic the kernel during the N-th system call")
    long crashAt;

    @Option(names = "--crash-every", paramLabel = "N", description = "panic the kernel during every N-th system call")
    long crashEvery;

    @Option(names = "--crash-step", paramLabel = "K", defaultValue = "1", description = "at the K-th crash point of that call (default ${DEFAULT-VALUE})")
    int crashStep;

    @Option(names = "--off", description = "run without Otherworld (no crash region; a panic halts the machine)")
    boolean off;

    @Option(names = "--enhanced", description = "run in the enhanced mode: every write of the kernel into its structures "
            + "also writes a check byte, so the crash kernel can undo a flipped bit")
    boolean enhanced;

    @Option(names = "--epoch", paramLabel = "SECONDS", defaultValue = "" + KernelConfig.DEFAULT_EPOCH,
            description = "the guest's wall clock at boot, in seconds since 1970 (default ${DEFAULT-VALUE})")
    long epoch;

    @Option(names = "--real-time", description = "the guest's wall clock is the host's (runs no longer replay exactly)")
    boolean realTime;

    @Option(names = {"-v", "--verbose"}, description = "the kernel log on stderr")
    boolean verbose;

    @Option(names = "--quiet", hidden = true, description = "no kernel log (the default)")
    boolean quiet;

    @Option(names = "--interpret", description = "interpret every instruction, no translation to JVM bytecode (the reference: same results, slower)")
    boolean interpret;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "1000000000000", description = "stop after this many instructions (default ${DEFAULT-VALUE})")
    long maxInstructions;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        long ram = Sizes.parse(memory);
        if (ram < 16L << 20 || ram > 2047L << 20) {
            err.println("ow run: --memory " + memory + ": must be between 16M and 2047M");
            return EXIT_USAGE;
        }
        if (crashAt < 0 || crashEvery < 0 || crashStep < 0) {
            err.println("ow run: --crash-at, --crash-every and --crash-step take numbers >= 0");
            return EXIT_USAGE;
        }
        byte[] elf;
        String name;
        Path p = Path.of(program);
        if (Files.isRegularFile(p)) {
            elf = Files.readAllBytes(p);
            name = p.getFileName().toString();
        } else {
            elf = Guest.binary(program);
            if (elf == null) {
                err.println("ow run: " + program + ": no such file, and no bundled program of that name " + Guest.names());
                return EXIT_NOT_FOUND;
            }
            name = program;
        }
        byte[] input = new byte[0];
        // a person at the host terminal: it is the guest's console, in raw mode for the whole run (HostTerminal)
        boolean person = stdin == null && HostTerminal.isTerminal(0) && HostTerminal.isTerminal(1);
        HostTerminal.Control control = new HostTerminal.Stty();
        HostTerminal.Session session = null;
        if (person) {
            try {
                session = new HostTerminal.Session(control);
            } catch (IOException e) {
                err.println("ow run: the terminal cannot be put in raw mode (" + e.getMessage() + "): stdin is read to its end first");
                person = false;
            }
        }
        if (person) {
            // typed as the guest runs: HostTerminal.attach
        } else if (stdin != null) {
            try {
                input = Files.readAllBytes(stdin);
            } catch (NoSuchFileException e) {
                err.println("ow run: --stdin " + stdin + ": no such file");
                return EXIT_USAGE;
            }
        } else {
            input = System.in.readAllBytes();
        }
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(args);
        int notTerminal = (HostTerminal.isTerminal(0) ? 0 : 1) | (HostTerminal.isTerminal(1) ? 0 : 2)
                | (HostTerminal.isTerminal(2) ? 0 : 4);
        Scenario.Program guest = new Scenario.Program(name, elf, argv, input)
                .withEnv(environment()).withStdio(true, notTerminal);
        if (off && enhanced) {
            err.println("ow run: --off and --enhanced exclude each other");
            return 2;
        }
        KernelConfig config = KernelConfig.defaults().withOtherworld(!off).withEnhanced(enhanced).withEpoch(epoch, realTime);
        Scenario s = new Scenario().add(guest).config(config).maxInstructions(maxInstructions).ram((int) ram)
                .echo(System.out, System.err);
        if (person) s.interactive(c -> HostTerminal.attach(c, System.in, control));
        try {
            return run(s, err);
        } finally {
            if (session != null) session.close();
        }
    }

    /** The run, with the scenario made; the host terminal (if any) is restored by the caller whatever happens. */
    private int run(Scenario s, PrintStream err) throws IOException {
        Path hostDir = null;
        String guestDir = "/";
        if (disk != null) {
            if (root != null || writeBack) {
                err.println("ow run: --disk keeps what the guest writes in the image: --root and --write-back go without it");
                return EXIT_USAGE;
            }
            if (!Files.isRegularFile(disk)) {
                err.println("ow run: --disk " + disk + ": no such file");
                return EXIT_USAGE;
            }
            byte[] image = Files.readAllBytes(disk);
            if (image.length % 512 != 0) {
                err.println("ow run: --disk " + disk + ": size " + image.length + " is not a multiple of 512");
                return EXIT_USAGE;
            }
            s.disk(image);
        } else {
            long limit = Sizes.parse(packLimit);
            if (limit < 0) {
                err.println("ow run: --pack-limit " + packLimit + ": not a size");
                return EXIT_USAGE;
            }
            if (root != null) {
                if (!Files.isDirectory(root)) {
                    err.println("ow run: --root " + root + ": not a directory");
                    return EXIT_USAGE;
                }
                hostDir = root.toAbsolutePath().normalize();
            } else {
                hostDir = Path.of("").toAbsolutePath().normalize();
                guestDir = hostDir.toString();
            }
            try {
                HostFiles.Packed packed = HostFiles.pack(hostDir, guestDir, limit, epoch);
                s.disk(packed.disk()).workingDirectory(otherworld.kernel.fs.Ext2.hostName(guestDir));
                if (verbose) err.printf("[ow] %d host files (%d bytes) of %s packed at %s%n", packed.files(), packed.bytes(), hostDir, guestDir);
            } catch (HostFiles.TooLarge | IllegalArgumentException e) {
                err.println("ow run: " + e.getMessage());
                return EXIT_USAGE;
            }
        }
        if (crashEvery > 0) s.faults(FaultPlan.everySyscall(crashEvery, crashStep));
        else if (crashAt > 0) s.faults(FaultPlan.atSyscall(crashAt, crashStep));
        if (verbose) s.log(l -> err.println("[kernel] " + l));
        String wasInterpret = System.getProperty(Hart.INTERPRET_PROPERTY);
        if (interpret) System.setProperty(Hart.INTERPRET_PROPERTY, "true");
        Machine[] machine = new Machine[1];
        s.probe(m -> {
            machine[0] = m;
            return new KernelHooks() { };
        });
        Scenario.Result r;
        try {
            r = s.run();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            err.println("ow run: " + m);
            return m != null && m.contains("not a valid executable") ? EXIT_NOT_EXECUTABLE : EXIT_USAGE;
        } finally {
            if (wasInterpret == null) System.clearProperty(Hart.INTERPRET_PROPERTY);
            else System.setProperty(Hart.INTERPRET_PROPERTY, wasInterpret);
        }
        System.out.flush();
        if (disk != null) Files.write(disk, r.disk());
        if (writeBack && hostDir != null) {
            for (String line : HostFiles.writeBack(r.finalDisk().copy(), guestDir, hostDir)) {
                if (verbose || line.startsWith("removed")) err.println("ow run: " + line);
            }
        }
        if (verbose) {
            err.printf("[kernel] %d instructions, %d system calls%n", r.instructions(), r.syscalls());
            Hart h = machine[0] == null ? null : machine[0].hart;
            if (h != null && h.translates()) {
                err.printf("[emulator] %.1f%% of instructions ran translated; %s%n",
                        100.0 * h.translatedInstructions() / Math.max(1, r.instructions()), h.translationStatistics());
            }
        }
        if (stats) printStats(err, r);
        int status = r.exitStatus().get(0);
        if (status >= 0) return (status & 0x7F) != 0 ? 128 + (status & 0x7F) : (status >> 8) & 0xFF;
        if (r.halted()) {
            err.println("ow run: the machine halted (the kernel crashed and was not resurrected); -v shows the kernel log");
            return EXIT_HALTED;
        }
        if (r.instructions() >= maxInstructions) {
            err.println("ow run: stopped after " + maxInstructions + " instructions (--max-instructions)");
            return EXIT_BUDGET;
        }
        err.println("ow run: every process waits and nothing can wake it");
        return EXIT_HALTED;
    }

    /** ow's environment (unless --clear-env), then each --env NAME=VALUE in order, later ones replacing earlier. */
    List<String> environment() {
        Map<String, String> vars = new LinkedHashMap<>();
        if (!clearEnv) vars.putAll(new java.util.TreeMap<>(System.getenv()));
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq <= 0) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--env " + e + ": expected NAME=VALUE");
            vars.put(e.substring(0, eq), e.substring(eq + 1));
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> v : vars.entrySet()) out.add(v.getKey() + "=" + v.getValue());
        return out;
    }

    static void printStats(PrintStream err, Scenario.Result r) {
        err.println("ow run: system calls made (" + r.syscalls() + "):");
        List<Map.Entry<String, Long>> calls = new ArrayList<>(r.callCounts().entrySet());
        calls.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : Long.compare(b.getValue(), a.getValue()));
        for (Map.Entry<String, Long> c : calls) err.printf("  %-20s %10d%n", c.getKey(), c.getValue());
        if (r.enosys().isEmpty()) {
            err.println("ow run: no system call returned ENOSYS");
        } else {
            err.println("ow run: returned ENOSYS (not implemented):");
            for (Map.Entry<String, Long> c : r.enosys().entrySet()) err.printf("  %-20s %10d%n", c.getKey(), c.getValue());
        }
    }
}
