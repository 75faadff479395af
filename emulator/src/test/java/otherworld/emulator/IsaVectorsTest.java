package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The guest program {@code guest/isa-vectors} (F, D in every rounding mode with fflags; Zba/Zbb/Zbs) gives the
 * same per-operation hashes on this hart as under qemu-riscv64: against the committed golden output always, and
 * against a live qemu-riscv64 where one is installed. The program is {@code guest/isa-vectors.c}, rebuilt with
 * {@code guest/make-guest.sh}.
 */
class IsaVectorsTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = IsaVectorsTest.class.getResourceAsStream("guest/" + name)) {
            if (in == null) throw new IOException("missing test resource guest/" + name);
            return in.readAllBytes();
        }
    }

    /**
     * Lines where qemu-riscv64 7.2 (Debian 12) is wrong, with the line the ISA manual gives: ctzw counts the
     * trailing zeros of the low word only, so ctzw(0x8000000000000000) is 32; qemu 7.2 answers 63
     * ({@link BitManipTest#ctzwCountsTheLowWordOnly}).
     */
    static final Map<String, String> QEMU_72_DEVIATIONS = Map.of(
            "ctzw 0 144 5b7886a1451ab1a0", "ctzw 0 144 487d899eade2d2bc");

    private static void assertSameLines(String expected, String got, String against) {
        String[] e = expected.split("\n"), g = got.split("\n");
        List<String> diff = new ArrayList<>();
        for (int i = 0; i < Math.max(e.length, g.length); i++) {
            String a = i < e.length ? e[i] : "(none)", b = i < g.length ? g[i] : "(none)";
            if (!a.equals(b) && !b.equals(QEMU_72_DEVIATIONS.get(a))) diff.add(against + ": " + a + "   hart: " + b);
        }
        assertEquals(List.of(), diff.subList(0, Math.min(diff.size(), 20)), diff.size() + " lines differ");
    }

    static String runOnHart() throws IOException {
        ElfRunner.Result r = new ElfRunner(resource("isa-vectors"), 8 << 20).run(200_000_000);
        assertEquals(0, r.exitCode(), "exit status (trap " + r.trap() + " at 0x" + Long.toHexString(r.pc()) + ")");
        return r.output();
    }

    @Test
    void matchesTheGoldenOutputOfQemu() throws IOException {
        assertSameLines(new String(resource("isa-vectors.out"), StandardCharsets.US_ASCII), runOnHart(), "golden");
    }

    @Test
    void matchesALiveQemu() throws Exception {
        Path qemu = Path.of("/usr/bin/qemu-riscv64");
        assumeTrue(Files.isExecutable(qemu), "qemu-riscv64 not installed");
        Path elf = Files.createTempFile("isa-vectors", "");
        try {
            Files.write(elf, resource("isa-vectors"));
            if (!elf.toFile().setExecutable(true)) throw new IOException("cannot make " + elf + " executable");
            Process p = new ProcessBuilder(qemu.toString(), "-cpu", "rv64,zba=true,zbb=true,zbs=true", elf.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(true, p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "qemu-riscv64 failed: " + out);
            assertSameLines(out, runOnHart(), "qemu");
        } finally {
            Files.deleteIfExists(elf);
        }
    }
}
