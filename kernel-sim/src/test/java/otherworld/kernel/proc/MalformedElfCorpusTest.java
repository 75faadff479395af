package otherworld.kernel.proc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import otherworld.kernel.Scenario;

/**
 * The malformed-ELF corpus (userland/elf-corpus, made by {@link ElfCorpus}): each file is refused at load with a
 * clear reason (the kernel's ENOEXEC; an IllegalArgumentException out of Scenario, which the CLI prints), or loads
 * and is killed at its first fetch, or runs; never another exception, never a leaked frame or file.
 */
class MalformedElfCorpusTest {
    static Stream<ElfCorpus.Entry> corpus() { return ElfCorpus.entries().values().stream(); }

    static Scenario.Result run(ElfCorpus.Entry e) {
        return new Scenario().add(new Scenario.Program(e.name(), e.elf(), List.of(e.name()), new byte[0]))
                .maxInstructions(5_000_000).run();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachFileIsRefusedKilledOrRunNeverAHostException(ElfCorpus.Entry e) {
        switch (e.expect()) {
            case REFUSED -> {
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> run(e));
                assertTrue(x.getMessage().contains(e.reason()), e.name() + ": " + x.getMessage());
                assertTrue(x.getMessage().startsWith("/bin/" + e.name() + ": "), "names the file: " + x.getMessage());
            }
            case KILLED -> {
                Scenario.Result r = run(e);
                assertFalse(r.halted(), e.name());
                assertTrue(r.log().stream().anyMatch(l -> l.matches(".*pid 1 .* killed by signal (4|7|11)")), e.name() + ": " + r.log());
                assertTrue(r.log().stream().anyMatch(l -> l.matches(".*pid 1 .* exited, status 0, signal (4|7|11)")), e.name() + ": " + r.log());
                assertNotEquals(ElfCorpus.EXIT << 8, r.exitStatus().get(0), e.name() + " must not run its code");
                assertEquals(List.of(), r.audit());
            }
            case EXITS -> {
                Scenario.Result r = run(e);
                assertTrue(r.allExited(), e.name());
                assertEquals(ElfCorpus.EXIT << 8, r.exitStatus().get(0), "wait status of exit(7): " + e.name() + " " + r.log());
                assertEquals(List.of(), r.audit());
            }
        }
    }

    @Test
    void theCommittedCorpusIsTheGeneratedOne() throws Exception {
        Path d = ElfCorpus.dir();
        List<String> wrong = new ArrayList<>();
        for (ElfCorpus.Entry e : ElfCorpus.entries().values()) {
            Path f = d.resolve(e.name() + ".elf");
            if (!Files.isRegularFile(f) || !java.util.Arrays.equals(Files.readAllBytes(f), e.elf())) wrong.add(f.toString());
        }
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(ElfCorpus.entries().size(), s.filter(p -> p.toString().endsWith(".elf")).count(), "no stray files in " + d);
        }
        assertEquals(List.of(), wrong, "regenerate with ElfCorpus.main");
    }
}
