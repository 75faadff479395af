package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ow diff}: programs under ow run and qemu-riscv64 compared (stdout bytes, exit status). The comparison with
 * the real qemu-riscv64 is skipped, with its reason in the report, when it is not installed; every bundled program:
 * {@code ./ow diff} (or -Dow.diff.all=true here).
 */
class DiffCommandTest {
    @TempDir
    Path dir;

    @Test
    void bundledProgramsBehaveUnderOwAsUnderQemu() throws Exception {
        assumeTrue(DiffCommand.findQemu("qemu-riscv64") != null, "qemu-riscv64 not on PATH: the differential run is skipped");
        Path list = dir.resolve("list.txt");
        StringBuilder l = new StringBuilder("# path stdin args\n");
        boolean all = Boolean.getBoolean("ow.diff.all");
        for (otherworld.userland.Programs.Program p : otherworld.userland.Programs.all()) {
            if (!all && !java.util.Set.of("fstest", "kvstore", "errors", "probe").contains(p.name())) continue;
            Files.write(dir.resolve(p.name()), p.binary());
            String in = "-";
            if (p.hasStdin()) {
                in = p.name() + ".in";
                Files.write(dir.resolve(in), p.stdin());
            }
            l.append(p.name()).append(' ').append(in).append(' ').append(String.join(" ", p.args())).append('\n');
        }
        Files.writeString(list, l.toString());
        OwTest.Run r = OwTest.ow("diff", "--list", list.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("same     fstest (exit 0"), r.out());
        assertTrue(r.out().contains("0 differ"), r.out());
    }

    @Test
    void aDifferenceIsFoundAndSaidWhere() throws Exception {
        Path fake = dir.resolve("fake-qemu");
        Files.writeString(fake, "#!/bin/sh\nprintf 'Hello, world?\\n'\nexit 3\n");
        assertTrue(fake.toFile().setExecutable(true));
        OwTest.Run r = OwTest.ow("diff", "--qemu", fake.toString(), "probe", "args", "x");
        assertEquals(DiffCommand.EXIT_DIFFERS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("DIFFERS  probe args x: exit status 3 under qemu, 0 under ow"), r.out());
        assertTrue(r.out().contains("first differs at byte 0, line 1: qemu \"Hello, world?\", ow \"[x]\""), r.out());
    }

    @Test
    void withoutQemuNothingIsComparedAndItSaysSo() {
        OwTest.Run r = OwTest.ow("diff", "--qemu", "/no/such/qemu-riscv64", "hello");
        assertEquals(DiffCommand.EXIT_SKIPPED, r.code());
        assertTrue(r.err().contains("not found: SKIPPED, nothing was compared (1 program(s))"), r.err());
        OwTest.Run bad = OwTest.ow("diff", "--list", dir.resolve("missing.txt").toString());
        assertEquals(DiffCommand.EXIT_USAGE, bad.code());
        assertTrue(bad.err().contains("no such file"), bad.err());
    }
}
