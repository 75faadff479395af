package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** RV64I and M through real instruction encodings. */
class IntegerTest {
    private final TestMachine m = new TestMachine();

    private Hart run(Asm a) { return m.runToEcall(a); }

    @Test
    void loopSumsOneToTenAndStores() {
        Asm a = new Asm().li(A0, 0).li(T0, 10)
                .add(A0, A0, T0).addi(T0, T0, -1).bne(T0, ZERO, -8)
                .li(T1, TestMachine.DATA).sd(A0, T1, 8);
        assertEquals(55, run(a).x[A0]);
        assertEquals(55, m.read64(TestMachine.DATA + 8));
    }

    @Test
    void registerRegisterOps() {
        m.hart.x[A1] = -20;
        m.hart.x[A2] = 3;
        Asm a = new Asm()
                .add(T0, A1, A2).sub(T1, A1, A2)
                .op(0, 1, T2, A1, A2)          // sll
                .op(0, 2, S0, A1, A2)          // slt
                .op(0, 3, S1, A1, A2)          // sltu
                .op(0, 4, A3, A1, A2)          // xor
                .op(0, 5, A4, A1, A2)          // srl
                .op(0x20, 5, A5, A1, A2)       // sra
                .op(0, 6, 16, A1, A2)          // or
                .op(0, 7, 17, A1, A2);         // and
        Hart h = run(a);
        assertEquals(-17, h.x[T0]);
        assertEquals(-23, h.x[T1]);
        assertEquals(-160, h.x[T2]);
        assertEquals(1, h.x[S0]);
        assertEquals(0, h.x[S1]);
        assertEquals(-20 ^ 3, h.x[A3]);
        assertEquals(-20L >>> 3, h.x[A4]);
        assertEquals(-20L >> 3, h.x[A5]);
        assertEquals(-20 | 3, h.x[16]);
        assertEquals(-20 & 3, h.x[17]);
    }

    /** divu and remu against BigInteger on operands around every boundary (the dividend's and divisor's sign bit). */
    @Test
    void unsignedDivisionAgreesWithBigInteger() {
        long[] v = {0, 1, 2, 3, 7, 10, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, Long.MAX_VALUE - 1, Long.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, -3, -2, -1, 0x2545_F491_4F6C_DD1DL, 0x9E37_79B9_7F4A_7C15L, 1L << 40 | 1};
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        java.util.Random r = new java.util.Random(10);
        for (int k = 0; k < 20_000; k++) {
            long a = k < v.length * v.length ? v[k / v.length] : r.nextLong() >>> r.nextInt(64);
            long b = k < v.length * v.length ? v[k % v.length] : r.nextLong() >>> r.nextInt(64);
            BigInteger ua = BigInteger.valueOf(a).mod(two64), ub = BigInteger.valueOf(b).mod(two64);
            long q = b == 0 ? -1 : ua.divide(ub).longValue(), rem = b == 0 ? a : ua.mod(ub).longValue();
            assertEquals(q, Alu.divu(a, b), a + " divu " + b);
            assertEquals(rem, Alu.remu(a, b), a + " remu " + b);
        }
    }

    @Test
    void shiftAmountsUseLowSixBits() {
        m.hart.x[A1] = 1;
        m.hart.x[A2] = 64 + 5;
        Hart h = run(new Asm().op(0, 1, A0, A1, A2));
        assertEquals(32, h.x[A0]);
    }

    @Test
    void immediateOps() {
        m.hart.x[A1] = -5;
        Asm a = new Asm().addi(T0, A1, -2048).slti(T1, A1, -4).sltiu(T2, A1, -4).xori(S0, A1, -1)
                .ori(S1, A1, 0x70).andi(A2, A1, 0x7FF).slli(A3, A1, 63).srli(A4, A1, 60).srai(A5, A1, 1);
        Hart h = run(a);
        assertEquals(-2053, h.x[T0]);
        assertEquals(1, h.x[T1]);
        assertEquals(1, h.x[T2]);           // 0xFFFF..FB < 0xFFFF..FC unsigned
        assertEquals(4, h.x[S0]);
        assertEquals(-5 | 0x70, h.x[S1]);
        assertEquals(-5 & 0x7FF, h.x[A2]);
        assertEquals(Long.MIN_VALUE, h.x[A3]);
        assertEquals(15, h.x[A4]);
        assertEquals(-3, h.x[A5]);
    }

    @Test
    void luiAndAuipcSignExtend() {
        Asm a = new Asm().lui(A0, 0x80000).auipc(A1, 0xFFFFF).auipc(A2, 1);
        Hart h = run(a);
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x[A0]);
        assertEquals(TestMachine.CODE + 4 - 4096, h.x[A1]);
        assertEquals(TestMachine.CODE + 8 + 4096, h.x[A2]);
    }

    @Test
    void wordOpsSignExtendTheirResult() {
        m.hart.x[A1] = 0x7FFF_FFFFL;
        m.hart.x[A2] = 0x1_0000_0001L;      // upper bits must be ignored
        m.hart.x[A3] = 0xFFFF_FFFF_8000_0000L;
        Asm a = new Asm().addiw(T0, A1, 1)
                .op32(0, 0, T1, A1, A2)        // addw: 0x7FFFFFFF + 1
                .op32(0x20, 0, T2, A3, A2)     // subw
                .op32(0, 1, S0, A1, A2)        // sllw by 1
                .op32(0, 5, S1, A3, A2)        // srlw by 1
                .op32(0x20, 5, A4, A3, A2)     // sraw by 1
                .slliw(A5, A1, 4).srliw(16, A3, 4).sraiw(17, A3, 4).addiw(18, A2, 0);
        Hart h = run(a);
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x[T0]);
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x[T1]);
        assertEquals(0x7FFF_FFFFL, h.x[T2]);
        assertEquals(0xFFFF_FFFF_FFFF_FFFEL, h.x[S0]);
        assertEquals(0x4000_0000L, h.x[S1]);
        assertEquals(0xFFFF_FFFF_C000_0000L, h.x[A4]);
        assertEquals(0xFFFF_FFFF_FFFF_FFF0L, h.x[A5]);
        assertEquals(0x0800_0000L, h.x[16]);
        assertEquals(0xFFFF_FFFF_F800_0000L, h.x[17]);
        assertEquals(1, h.x[18]);
    }

    @Test
    void writesToX0AreDiscarded() {
        Asm a = new Asm().addi(ZERO, ZERO, 5).lui(ZERO, 1).li(T1, TestMachine.DATA).li(T0, 77).sd(T0, T1, 0)
                .ld(ZERO, T1, 0).jal(ZERO, 4).add(A0, ZERO, ZERO).addi(A1, ZERO, 1);
        m.hart.x[A0] = 9;
        Hart h = run(a);
        assertEquals(0, h.x[ZERO]);
        assertEquals(0, h.x[A0]);
        assertEquals(1, h.x[A1]);
    }

    @Test
    void x0ReadsAsZeroWhateverTheKernelStored() {
        m.hart.x[ZERO] = 1234;
        Hart h = run(new Asm().addi(A0, ZERO, 1));
        assertEquals(1, h.x[A0]);
    }

    @Test
    void loadsSignAndZeroExtend() {
        m.write64(TestMachine.DATA, 0x8899_AABB_CCDD_EEFFL);
        Asm a = new Asm().li(T0, TestMachine.DATA)
                .lb(A0, T0, 0).lbu(A1, T0, 0).lh(A2, T0, 0).lhu(A3, T0, 0).lw(A4, T0, 0).lwu(A5, T0, 0)
                .ld(16, T0, 0).lh(17, T0, 1);
        Hart h = run(a);
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, h.x[A0]);
        assertEquals(0xFF, h.x[A1]);
        assertEquals(0xFFFF_FFFF_FFFF_EEFFL, h.x[A2]);
        assertEquals(0xEEFF, h.x[A3]);
        assertEquals(0xFFFF_FFFF_CCDD_EEFFL, h.x[A4]);
        assertEquals(0xCCDD_EEFFL, h.x[A5]);
        assertEquals(0x8899_AABB_CCDD_EEFFL, h.x[16]);
        assertEquals(0xFFFF_FFFF_FFFF_DDEEL, h.x[17]);       // misaligned within the page
    }

    @Test
    void storesWriteOnlyTheirWidth() {
        m.write64(TestMachine.DATA, -1L);
        m.write64(TestMachine.DATA + 8, -1L);
        m.hart.x[A0] = 0x1122_3344_5566_7788L;
        Asm a = new Asm().li(T0, TestMachine.DATA).sb(A0, T0, 0).sh(A0, T0, 2).sw(A0, T0, 4).sd(A0, T0, 9);
        run(a);
        assertEquals(0x5566_7788_7788_FF88L, m.read64(TestMachine.DATA));
        assertEquals(0x2233_4455_6677_88FFL, m.read64(TestMachine.DATA + 8));
    }

    @Test
    void branchesCompareSignedAndUnsigned() {
        m.hart.x[A1] = -1;
        m.hart.x[A2] = 1;
        // each taken branch skips the following "addi a0, a0, 1"
        Asm a = new Asm().li(A0, 0)
                .beq(A1, A1, 8).addi(A0, A0, 1)
                .bne(A1, A2, 8).addi(A0, A0, 1)
                .blt(A1, A2, 8).addi(A0, A0, 1)
                .bge(A2, A1, 8).addi(A0, A0, 1)
                .bltu(A2, A1, 8).addi(A0, A0, 1)
                .bgeu(A1, A2, 8).addi(A0, A0, 1)
                // not taken: each adds 16
                .beq(A1, A2, 8).addi(A0, A0, 16)
                .bne(A1, A1, 8).addi(A0, A0, 16)
                .blt(A2, A1, 8).addi(A0, A0, 16)
                .bge(A1, A2, 8).addi(A0, A0, 16)
                .bltu(A1, A2, 8).addi(A0, A0, 16)
                .bgeu(A2, A1, 8).addi(A0, A0, 16);
        assertEquals(96, run(a).x[A0]);
    }

    @Test
    void jalAndJalrLinkAndClearBitZero() {
        Asm a = new Asm()
                .jal(RA, 12)                   // 0: -> 12
                .addi(A0, ZERO, 1)             // 4: skipped
                .jal(ZERO, 20)                 // 8: -> 28 (end)
                .li(T0, TestMachine.CODE + 25) // 12: (lui+addiw) odd target: jalr clears bit 0 -> 24
                .jalr(T0, T0, 0)               // 20: rd == rs1: link must not disturb the target
                .addi(A1, ZERO, 2);            // 24
        Hart h = run(a);
        assertEquals(TestMachine.CODE + 4, h.x[RA]);
        assertEquals(0, h.x[A0]);
        assertEquals(2, h.x[A1]);
        assertEquals(TestMachine.CODE + 24, h.x[T0]);
    }

    @Test
    void divisionByZeroAndOverflowFollowTheSpec() {
        m.hart.x[A1] = Long.MIN_VALUE;
        m.hart.x[A2] = -1;
        m.hart.x[A3] = 0;
        m.hart.x[A4] = 7;
        Asm a = new Asm()
                .op(1, 4, T0, A4, A3)   // div 7/0 = -1
                .op(1, 5, T1, A4, A3)   // divu 7/0 = all ones
                .op(1, 6, T2, A4, A3)   // rem 7%0 = 7
                .op(1, 7, S0, A4, A3)   // remu 7%0 = 7
                .op(1, 4, S1, A1, A2)   // div MIN/-1 = MIN
                .op(1, 6, A5, A1, A2)   // rem MIN%-1 = 0
                .op32(1, 4, 16, A4, A3) // divw 7/0 = -1
                .op32(1, 5, 17, A4, A3) // divuw 7/0 = -1 (sign-extended all ones)
                .op32(1, 6, 18, A4, A3) // remw
                .op32(1, 7, 19, A2, A3) // remuw (-1)%0 = sign-extended 0xFFFFFFFF
                .lui(20, 0x80000)       // x20 = -2^31
                .op32(1, 4, 21, 20, A2) // divw -2^31 / -1 = -2^31
                .op32(1, 6, 22, 20, A2);// remw -> 0
        Hart h = run(a);
        assertEquals(-1, h.x[T0]);
        assertEquals(-1, h.x[T1]);
        assertEquals(7, h.x[T2]);
        assertEquals(7, h.x[S0]);
        assertEquals(Long.MIN_VALUE, h.x[S1]);
        assertEquals(0, h.x[A5]);
        assertEquals(-1, h.x[16]);
        assertEquals(-1, h.x[17]);
        assertEquals(7, h.x[18]);
        assertEquals(-1, h.x[19]);
        assertEquals(Integer.MIN_VALUE, h.x[21]);
        assertEquals(0, h.x[22]);
    }

    @Test
    void multiplyHighVariantsMatchBigInteger() {
        long a = 0xF123_4567_89AB_CDEFL, b = 0x7654_3210_FEDC_BA98L;
        m.hart.x[A1] = a;
        m.hart.x[A2] = b;
        Asm asm = new Asm().op(1, 0, T0, A1, A2).op(1, 1, T1, A1, A2).op(1, 2, T2, A1, A2).op(1, 3, S0, A1, A2)
                .op32(1, 0, S1, A1, A2).op(1, 5, A3, A1, A2).op(1, 7, A4, A1, A2).op32(1, 5, A5, A1, A2);
        Hart h = run(asm);
        BigInteger sa = BigInteger.valueOf(a), sb = BigInteger.valueOf(b);
        BigInteger ua = new BigInteger(Long.toUnsignedString(a)), ub = new BigInteger(Long.toUnsignedString(b));
        assertEquals(a * b, h.x[T0]);
        assertEquals(sa.multiply(sb).shiftRight(64).longValue(), h.x[T1]);
        assertEquals(sa.multiply(ub).shiftRight(64).longValue(), h.x[T2]);
        assertEquals(ua.multiply(ub).shiftRight(64).longValue(), h.x[S0]);
        assertEquals((long) ((int) a * (int) b), h.x[S1]);
        assertEquals(ua.divide(ub).longValue(), h.x[A3]);
        assertEquals(ua.mod(ub).longValue(), h.x[A4]);
        assertEquals((long) Integer.divideUnsigned((int) a, (int) b), h.x[A5]);
    }
}
