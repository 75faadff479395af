package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static otherworld.emulator.Asm.*;
import static otherworld.emulator.TestMachine.*;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The C extension. The main test runs the same assembly source (compressed.S, built by binutils with and
 * without C; see make-compressed.sh) and requires identical final state.
 */
class CompressedTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = CompressedTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static TestMachine runImage(byte[] code) {
        TestMachine m = new TestMachine();
        m.loadCode(code);
        m.hart.x[S0] = DATA;
        m.hart.x[SP] = DATA + 2048;
        TrapCause c = m.hart.run(10_000);
        assertEquals(TrapCause.ECALL_FROM_U, c, "pc 0x" + Long.toHexString(m.hart.pc));
        assertEquals(CODE + code.length - 4, m.hart.pc);
        return m;
    }

    @Test
    void compressedAndUncompressedBuildsAgree() throws IOException {
        byte[] gc = resource("compressed-rv64gc.bin");
        byte[] g = resource("compressed-rv64g.bin");
        assertTrue(gc.length < g.length * 2 / 3, "the rv64gc build is mostly compressed");
        TestMachine c = runImage(gc);
        TestMachine u = runImage(g);
        assertArrayEquals(u.hart.x, c.hart.x);
        assertArrayEquals(u.hart.f, c.hart.f);
        byte[] dc = new byte[4096], du = new byte[4096];
        c.mem.read(c.pa(DATA), dc, 0, 4096);
        u.mem.read(u.pa(DATA), du, 0, 4096);
        assertArrayEquals(du, dc);
        // and the result is the intended one, not just the same
        assertEquals(3 * 7 + 1000 + 100 + 2000, c.hart.x[S1]);
        assertEquals(1, c.hart.x[A3]);
        assertEquals(DATA + 2048, c.hart.x[SP]);
        assertEquals(c.hart.x[12], c.hart.x[29]);      // t4 = a2 through fsd/fld/fsdsp/fldsp
    }

    @Test
    void individualExpansions() {
        // c.li a0, -1 ; c.addi a0, 3 ; c.slli a0, 2 ; c.mv a1, a0 ; c.add a1, a0 ; c.lui a2, 1
        Hart h = new TestMachine().runToEcall(new Asm().half(0x557D).half(0x050D).half(0x050A).half(0x85AA)
                .half(0x95AA).half(0x6605));
        assertEquals(8, h.x[A0]);
        assertEquals(16, h.x[A1]);
        assertEquals(4096, h.x[A2]);
    }

    @Test
    void expansionOfEveryHalfwordIsLegalOrZeroAndNeverCompressed() {
        for (int c = 0; c < 0x10000; c++) {
            if ((c & 3) == 3) continue;
            int e = Compressed.expand(c);
            if (e != 0) assertEquals(3, e & 3, Integer.toHexString(c));
        }
        assertEquals(0, Compressed.expand(0));
    }
}
