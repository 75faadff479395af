package otherworld.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Run one static RV64 Linux executable on the emulated machine, optionally crashing the kernel. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a static RISC-V (RV64GC) Linux executable on the emulated machine and kernel.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROGRAM", description = "ELF file on the host, or the name of a bundled program (hello, checksum, kvstore, ...)")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "arguments")
    List<String> args = new ArrayList<>();

    @Option(names = "--stdin", paramLabel = "FILE", description = "file typed on the console (default: empty input)")
    Path stdin;

    @Option(names = "--crash-at", paramLabel = "N", description = "panic the kernel during the N-th system call")
    long crashAt;

    @Option(names = "--crash-step", paramLabel = "K", defaultValue = "1", description = "at the K-th crash point of that call (default ${DEFAULT-VALUE})")
    int crashStep;

    @Option(names = "--disk", paramLabel = "IMAGE", description = "boot from this ext2 image (4 KiB blocks, e.g. mke2fs -t ext2 -b 4096); it is updated when the run ends")
    Path disk;

    @Option(names = "--off", description = "run without Otherworld (no crash region; a panic halts the machine)")
    boolean off;

    @Option(names = "--quiet", description = "no kernel log")
    boolean quiet;

    @Option(names = "--interpret", description = "interpret every instruction, no translation to JVM bytecode (the reference: same results, slower)")
    boolean interpret;

    @Option(names = "--max-instructions", defaultValue = "20000000000", description = "stop after this many instructions")
    long maxInstructions;

    @Override
    public Integer call() throws IOException {
        byte[] elf;
        String name;
        Path p = Path.of(program);
        if (Files.isRegularFile(p)) {
            elf = Files.readAllBytes(p);
            name = p.getFileName().toString();
        } else {
            elf = Guest.binary(program);
            if (elf == null) {
                System.err.println("ow run: " + program + ": no such file, and no bundled program of that name "
                        + Guest.names());
                return 2;
            }
            name = program;
        }
        byte[] input = new byte[0];
        if (stdin != null) {
            try {
                input = Files.readAllBytes(stdin);
            } catch (NoSuchFileException e) {
                System.err.println("ow run: --stdin " + stdin + ": no such file");
                return 2;
            }
        }
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(args);
        Scenario s = new Scenario().add(new Scenario.Program(name, elf, argv, input))
                .config(KernelConfig.defaults().withOtherworld(!off)).maxInstructions(maxInstructions);
        if (disk != null) {
            if (!Files.isRegularFile(disk)) {
                System.err.println("ow run: --disk " + disk + ": no such file");
                return 2;
            }
            byte[] image = Files.readAllBytes(disk);
            if (image.length % 512 != 0) {
                System.err.println("ow run: --disk " + disk + ": size " + image.length + " is not a multiple of 512");
                return 2;
            }
            s.disk(image);
        }
        if (crashAt > 0) s.faults(FaultPlan.atSyscall(crashAt, crashStep));
        if (!quiet) s.log(l -> System.err.println("[kernel] " + l));
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
            System.err.println("ow run: " + e.getMessage());
            return 2;
        } finally {
            if (wasInterpret == null) System.clearProperty(Hart.INTERPRET_PROPERTY);
            else System.setProperty(Hart.INTERPRET_PROPERTY, wasInterpret);
        }
        if (disk != null) Files.write(disk, r.disk());
        System.out.print(r.outputs().get(0));
        System.out.flush();
        if (!quiet) {
            System.err.printf("[kernel] %d instructions, %d system calls%n", r.instructions(), r.syscalls());
            Hart h = machine[0].hart;
            if (h.translates()) {
                System.err.printf("[emulator] %.1f%% of instructions ran translated; %s%n",
                        100.0 * h.translatedInstructions() / Math.max(1, r.instructions()), h.translationStatistics());
            }
        }
        if (r.halted()) return 3;
        return r.allExited() ? 0 : 4;
    }
}
