package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The bare ELF runner: malformed files are refused with a reason; a real file runs, prints and exits. */
class ElfRunnerTest {
    @Test
    void malformedFilesAreRefusedWithAReason() throws IOException {
        byte[] good = IsaVectorsTest.resource("isa-vectors");
        assertEquals("not a little-endian 64-bit ELF file",
                assertThrows(IllegalArgumentException.class, () -> new ElfRunner(new byte[10], 1 << 20)).getMessage());
        byte[] x86 = good.clone();
        x86[18] = 62;
        assertThrows(IllegalArgumentException.class, () -> new ElfRunner(x86, 1 << 20));
        byte[] truncated = Arrays.copyOf(good, 200);
        assertThrows(IllegalArgumentException.class, () -> new ElfRunner(truncated, 8 << 20));
        byte[] badPhoff = good.clone();
        badPhoff[32] = (byte) 0xF0;
        badPhoff[33] = (byte) 0xFF;
        assertEquals("program headers outside the file",
                assertThrows(IllegalArgumentException.class, () -> new ElfRunner(badPhoff, 8 << 20)).getMessage());
    }

    @Test
    void runsToExitAndReportsTraps() throws IOException {
        ElfRunner r = new ElfRunner(IsaVectorsTest.resource("isa-vectors"), 8 << 20);
        ElfRunner.Result res = r.run(1000);
        assertEquals(TrapCause.TIMER, res.trap());
        assertEquals(1000, res.instret());
        res = r.run(300_000_000);
        assertEquals(true, res.exited());
        assertEquals(0, res.exitCode());
        assertEquals(true, res.output().startsWith("fadd_d 0 1800 "));
    }
}
