package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongBinaryOperator;

import org.junit.jupiter.api.Test;

/**
 * Zba, Zbb, Zbs and Zicond: every instruction, encoded by the GNU assembler ({@code guest/bitmanip.S}), against a
 * model written bit by bit from the specification's pseudo-code, on boundary and random operands.
 */
class BitManipTest {
    /** Bit k of v. */
    private static long bit(long v, long k) { return (v >>> k) & 1; }

    private static long popcount(long v, int width) {
        long n = 0;
        for (int k = 0; k < width; k++) n += bit(v, k);
        return n;
    }

    private static long leading(long v, int width) {
        long n = 0;
        for (int k = width - 1; k >= 0 && bit(v, k) == 0; k--) n++;
        return n;
    }

    private static long trailing(long v, int width) {
        long n = 0;
        for (int k = 0; k < width && bit(v, k) == 0; k++) n++;
        return n;
    }

    private static long zext32(long v) { return v & 0xFFFF_FFFFL; }
    private static long sext32(long v) { return (v << 32) >> 32; }

    private static long rotl(long v, long s, int width) {
        long r = 0;
        for (int k = 0; k < width; k++) r |= bit(v, k) << ((k + s) % width);
        return width == 32 ? sext32(r) : r;
    }

    private static long unsignedLess(long a, long b) { return Long.compareUnsigned(a, b) < 0 ? 1 : 0; }

    /** The instructions of bitmanip.S in order, each as a model of a0 = f(a1, a2). */
    private static final List<LongBinaryOperator> MODEL = List.of(
        (a, b) -> b + zext32(a),                                   // add.uw
        (a, b) -> b + a * 2, (a, b) -> b + a * 4, (a, b) -> b + a * 8,
        (a, b) -> b + zext32(a) * 2, (a, b) -> b + zext32(a) * 4, (a, b) -> b + zext32(a) * 8,
        (a, b) -> zext32(a) << 63,                                 // slli.uw 63
        (a, b) -> a & ~b, (a, b) -> a | ~b, (a, b) -> ~(a ^ b),
        (a, b) -> leading(a, 64), (a, b) -> leading(a, 32), (a, b) -> trailing(a, 64), (a, b) -> trailing(a, 32),
        (a, b) -> popcount(a, 64), (a, b) -> popcount(a, 32),
        (a, b) -> a < b ? b : a, (a, b) -> unsignedLess(a, b) == 1 ? b : a,      // max maxu
        (a, b) -> a < b ? a : b, (a, b) -> unsignedLess(a, b) == 1 ? a : b,      // min minu
        (a, b) -> (a << 56) >> 56, (a, b) -> (a << 48) >> 48, (a, b) -> a & 0xFFFF,
        (a, b) -> rotl(a, b & 63, 64), (a, b) -> rotl(a, b & 31, 32),            // rol rolw
        (a, b) -> rotl(a, 64 - (b & 63), 64),                                     // ror
        (a, b) -> rotl(a, 1, 64),                                                 // rori 63
        (a, b) -> rotl(a, 1, 32),                                                 // roriw 31
        (a, b) -> rotl(a, 32 - (b & 31), 32),                                     // rorw
        (a, b) -> { long r = 0; for (int k = 0; k < 8; k++) if (((a >>> (8 * k)) & 0xFF) != 0) r |= 0xFFL << (8 * k); return r; },
        (a, b) -> { long r = 0; for (int k = 0; k < 8; k++) r |= ((a >>> (8 * k)) & 0xFF) << (8 * (7 - k)); return r; },
        (a, b) -> a & ~(1L << (b & 63)), (a, b) -> a & ~(1L << 63),               // bclr bclri
        (a, b) -> bit(a, b & 63), (a, b) -> bit(a, 63),                           // bext bexti
        (a, b) -> a ^ (1L << (b & 63)), (a, b) -> a ^ (1L << 63),                 // binv binvi
        (a, b) -> a | (1L << (b & 63)), (a, b) -> a | (1L << 63),                 // bset bseti
        (a, b) -> b == 0 ? 0 : a, (a, b) -> b != 0 ? 0 : a);                      // czero.eqz czero.nez

    private static final long[] EDGES = {0, 1, -1, 2, 31, 32, 33, 63, 64, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL,
        0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, 0x8000_0000_0000_0000L >>> 1, 0x0123_4567_89AB_CDEFL,
        0x00FF_0000_FF00_0080L, -2, 0xFFFF_FFFF_0000_0000L};

    @Test
    void everyInstructionMatchesTheModel() throws IOException {
        byte[] code = IsaVectorsTest.resource("bitmanip.bin");
        assertEquals(MODEL.size() * 4, code.length);
        TestMachine m = new TestMachine();
        m.loadCode(code);
        Random random = new Random(7);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < MODEL.size(); i++) {
            for (int t = 0; t < EDGES.length * EDGES.length + 200; t++) {
                long a = t < EDGES.length * EDGES.length ? EDGES[t / EDGES.length] : random.nextLong();
                long b = t < EDGES.length * EDGES.length ? EDGES[t % EDGES.length] : random.nextLong() >> random.nextInt(64);
                Hart h = m.hart;
                h.x[A1] = a;
                h.x[A2] = b;
                h.pc = TestMachine.CODE + 4L * i;
                assertEquals(TrapCause.TIMER, h.run(1));
                long want = MODEL.get(i).applyAsLong(a, b);
                if (h.x[A0] != want) {
                    wrong.add(String.format("instruction %d (0x%08x) a=0x%x b=0x%x: got 0x%x, want 0x%x", i,
                            m.mem.read32(m.pa(TestMachine.CODE + 4L * i)), a, b, h.x[A0], want));
                }
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), wrong.size() + " wrong");
    }

    @Test
    void ctzwCountsTheLowWordOnly() {
        TestMachine m = new TestMachine();
        m.hart.x[A1] = 0x8000_0000_0000_0000L;
        Hart h = m.runToEcall(new Asm().word(0x6015951b));                       // ctzw a0, a1
        assertEquals(32, h.x[A0]);
    }

    @Test
    void writesToX0AreDiscarded() {
        TestMachine m = new TestMachine();
        m.hart.x[A1] = 5;
        Hart h = m.runToEcall(new Asm().word(0x20c5a033).word(0x0ec5d033));      // sh1add x0,a1,a2; czero.eqz x0
        assertEquals(0, h.x[0]);
        assertEquals(2, h.instret);
    }

    @Test
    void reservedNeighboursStayIllegal() {
        int[] illegal = {
            0x60359513,   // OP-IMM f3=1 imm 0x603 (no such unary op)
            0x60659513,   // 0x606
            0x2865d513,   // orc.b with a wrong low bit
            0x6b95d513,   // rev8 neighbour (rev8 on RV32 is 0x698)
            0x6985d513,   // rev8.rv32 encoding: reserved on RV64
            0x08c5953b,   // OP-32 funct7 0x04 f3=1
            0x0805c53b | (1 << 20), // zext.h with rs2 != 0 (pack, Zbkb: not implemented)
            0x20c5b533,   // OP funct7 0x10 f3=3
            0x0ac5a533,   // OP funct7 0x05 f3=2
            0x0ec5c533,   // OP funct7 0x07 f3=4 (not Zicond)
            0x48c5a533,   // OP funct7 0x24 f3=2
            0x23f5951b,   // OP-IMM-32 f3=1 funct6 0x08
            0x10 << 25 | 1 << 20 | A1 << 15 | 5 << 12 | A0 << 7 | 0x1B, // OP-IMM-32 f3=5 funct7 0x10
        };
        for (int insn : illegal) {
            TestMachine m = new TestMachine();
            m.hart.x[A0] = 77;
            m.loadCode(new Asm().word(insn).bytes());
            assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(5), Integer.toHexString(insn));
            assertEquals(insn & 0xFFFF_FFFFL, m.hart.trapValue);
            assertEquals(77, m.hart.x[A0]);
            assertEquals(0, m.hart.instret);
        }
    }
}
