package otherworld.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import otherworld.userland.Programs.Program;

/** Always runs: the program list, binaries and golden files on the classpath are consistent. */
class ProgramsTest {
    static final int EM_RISCV = 243;
    static final int ET_EXEC = 2;
    static final int PT_DYNAMIC = 2;
    static final int PT_INTERP = 3;
    static final int EF_RISCV_RVC = 0x1;
    static final int EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;

    static Stream<String> names() {
        return Programs.names().stream();
    }

    static Stream<String> binaryNames() {
        return Programs.binaryNames().stream();
    }

    static Stream<String> caseNames() {
        return Programs.caseNames().stream();
    }

    @Test
    void listsTheProgramsInFileOrder() {
        List<String> names = Programs.names();
        assertEquals(List.of("hello", "checksum", "kvstore"), names.subList(0, 3), "the demo's programs come first");
        assertTrue(names.containsAll(List.of("compute", "syscalls", "fpu", "errors", "puppet", "regs")), names.toString());
        assertEquals(names.size(), new TreeSet<>(names).size(), "no duplicates");
        Program kv = Programs.get("kvstore");
        assertTrue(kv.hasStdin());
        assertEquals("kvstore.in", kv.stdinName());
        assertEquals(List.of(), Programs.get("checksum").args());
        assertThrows(IllegalArgumentException.class, () -> Programs.get("no-such-program"));
    }

    @Test
    void parsesArgumentsStdinAndComments() {
        List<Program> ps = Programs.parse("# comment\n\n  a  -  1 two\nb in.txt\n");
        assertEquals(2, ps.size());
        assertEquals(List.of("1", "two"), ps.get(0).args());
        assertEquals(List.of("a", "1", "two"), ps.get(0).argv());
        assertNull(ps.get(0).stdinName());
        assertEquals("in.txt", ps.get(1).stdinName());
        assertEquals("a 1 two", ps.get(0).toString());
        assertEquals(new Program("b", List.of(), "in.txt"), ps.get(1));
        assertThrows(IllegalArgumentException.class, () -> Programs.parse("lonely\n"));
        assertThrows(IllegalArgumentException.class, () -> Programs.parse("a -\na -\n"));
    }

    @Test
    void listsTheShellAndItsTools() {
        List<String> tools = Programs.tools();
        assertEquals("sh", tools.get(0));
        assertTrue(tools.containsAll(List.of("cat", "echo", "wc", "sort", "grep", "head", "seq", "tee", "true",
                "false", "sleep")), tools.toString());
        for (String t : tools) {
            assertFalse(Programs.names().contains(t), t + " is in both programs.txt and tools.txt");
        }
        assertEquals(Programs.names().size() + tools.size(), Programs.binaryNames().size());
        assertTrue(Programs.binary("sh").length > 0);
        assertThrows(IllegalArgumentException.class, () -> Programs.binary("no-such-program"));
    }

    @Test
    void everyToolHasItsOwnCases() {
        List<String> cases = Programs.caseNames();
        for (String tool : Programs.tools()) {
            assertTrue(cases.stream().anyMatch(c -> c.equals(tool) || c.startsWith(tool + "-")),
                    tool + ": no case named " + tool + " or " + tool + "-... in cases.txt");
        }
    }

    @Test
    void casesRunKnownProgramsUnderTheirOwnNames() {
        List<String> cases = Programs.caseNames();
        assertEquals(cases.size(), new TreeSet<>(cases).size(), "no duplicate case names");
        for (Program c : Programs.cases()) {
            assertTrue(Programs.binaryNames().contains(c.program()), c + ": unknown program " + c.program());
            assertFalse(Programs.names().contains(c.name()), c.name() + ": golden files would clash with programs.txt");
            assertEquals(c.program(), c.argv().get(0));
        }
        Program demo = Programs.goldenCase("demo-pipeline");
        assertEquals("sh", demo.program());
        assertEquals("demo-pipeline.sh", demo.stdinName());
        assertThrows(IllegalArgumentException.class, () -> Programs.goldenCase("no-such-case"));
    }

    @Test
    void parsesCases() {
        List<Program> cs = Programs.parseCases("# comment\n\n  c1  sh  s.sh\nc2 seq - 1 2\n");
        assertEquals(2, cs.size());
        assertEquals("c1", cs.get(0).name());
        assertEquals("sh", cs.get(0).program());
        assertEquals("s.sh", cs.get(0).stdinName());
        assertEquals("otherworld/userland/bin/sh", cs.get(0).binaryResource());
        assertEquals("otherworld/userland/expected/c1.out", cs.get(0).expectedStdoutResource());
        assertEquals(List.of("seq", "1", "2"), cs.get(1).argv());
        assertNull(cs.get(1).stdinName());
        assertEquals("c2: seq 1 2", cs.get(1).toString());
        assertThrows(IllegalArgumentException.class, () -> Programs.parseCases("c1 sh\n"));
        assertThrows(IllegalArgumentException.class, () -> Programs.parseCases("a sh -\na seq -\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseNames")
    void caseHasGoldenOutputAndInput(String name) {
        Program c = Programs.goldenCase(name);
        c.expectedStdout(); // may be empty (true, sleep), but must exist
        int status = c.expectedExitStatus();
        assertTrue(status >= 0 && status <= 255, name + ": exit status " + status);
        assertEquals(c.hasStdin(), c.stdin().length > 0, name + ": stdin script");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryNames")
    void binaryIsAStaticRiscv64Executable(String name) {
        byte[] elf = Programs.binary(name);
        assertTrue(elf.length > 64, name + ": too short for an ELF header");
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x7f, elf[0] & 0xff);
        assertEquals('E', elf[1]);
        assertEquals('L', elf[2]);
        assertEquals('F', elf[3]);
        assertEquals(2, elf[4], name + ": EI_CLASS must be ELFCLASS64");
        assertEquals(1, elf[5], name + ": EI_DATA must be ELFDATA2LSB");
        assertEquals(ET_EXEC, b.getShort(16) & 0xffff, name + ": e_type must be ET_EXEC");
        assertEquals(EM_RISCV, b.getShort(18) & 0xffff, name + ": e_machine must be EM_RISCV");
        int flags = b.getInt(48);
        assertEquals(EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE, flags, name + ": e_flags (rv64gc, lp64d)");
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        assertTrue(phnum > 0 && phoff + (long) phnum * phentsize <= elf.length, name + ": program headers");
        for (int i = 0; i < phnum; i++) {
            int type = b.getInt((int) (phoff + (long) i * phentsize));
            assertNotEquals(PT_INTERP, type, name + ": must be static (no PT_INTERP)");
            assertNotEquals(PT_DYNAMIC, type, name + ": must be static (no PT_DYNAMIC)");
        }
        assertTrue(elf.length < 1_000_000, name + ": " + elf.length + " bytes; is it stripped?");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void hasGoldenOutputAndInput(String name) {
        Program p = Programs.get(name);
        assertTrue(p.expectedStdout().length > 0, name + ": empty golden output");
        int status = p.expectedExitStatus();
        assertTrue(status >= 0 && status <= 255, name + ": exit status " + status);
        if (p.hasStdin()) {
            assertTrue(p.stdin().length > 0, name + ": empty stdin script");
        } else {
            assertEquals(0, p.stdin().length);
        }
    }

    @Test
    void everySourceIsListedAndEveryProgramHasASource() throws IOException {
        Path src = HostTools.moduleDir().resolve("src");
        TreeSet<String> sources = new TreeSet<>();
        try (Stream<Path> files = Files.list(src)) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".c"))
                    .map(f -> f.substring(0, f.length() - 2))
                    .forEach(f -> sources.add(f));
        }
        TreeSet<String> programs = new TreeSet<>(Programs.binaryNames());
        programs.addAll(extraPrograms());
        assertEquals(sources, programs);
    }

    /** The Makefile's EXTRA programs: built and committed like the others, with no golden run (fuzz). */
    static List<String> extraPrograms() throws IOException {
        for (String line : Files.readAllLines(HostTools.moduleDir().resolve("Makefile"))) {
            if (line.startsWith("EXTRA :=")) return List.of(line.substring("EXTRA :=".length()).trim().split("\\s+"));
        }
        return List.of();
    }

    @Test
    void extraProgramsAreBuiltAndCommittedButHaveNoGoldenRun() throws IOException {
        assertEquals(List.of("fuzz"), extraPrograms());
        for (String p : extraPrograms()) {
            assertTrue(Files.isRegularFile(HostTools.moduleDir().resolve("bin/" + p)), p);
            assertFalse(Programs.names().contains(p), p + " must not be in programs.txt (no golden run under qemu)");
        }
    }

    @Test
    void kvstoreScriptEndsWithDumpAndQuit() {
        String script = new String(Programs.get("kvstore").stdin(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(script.endsWith("dump\nquit\n"), "kvstore.in must end with dump and quit");
        assertFalse(script.contains("\r"));
        assertTrue(script.lines().count() > 300, "a few hundred commands");
    }
}
