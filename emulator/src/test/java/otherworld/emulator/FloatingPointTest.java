package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;
import static otherworld.emulator.FloatingPoint.*;
import static otherworld.emulator.TestMachine.*;

import org.junit.jupiter.api.Test;

/** F and D through real instruction encodings: conversions, rounding modes, NaN boxing, fclass, fflags. */
class FloatingPointTest {
    private static final int DYN = 7;
    private static final int FD = 3, XD = 10;             // destination registers f3 / a0
    private static final long QNAN_D = 0x7FF8_0000_0000_0000L, SNAN_D = 0x7FF0_0000_0000_0001L;
    private static final int SNAN_S = 0x7F80_0001;

    private Hart hart;

    /** Runs one instruction with f1 = fs1, f2 = fs2, a1 = fs1 (integer sources) and the given fcsr. */
    private Hart exec(int insn, long fs1, long fs2, int fcsr) {
        TestMachine m = new TestMachine();
        m.hart.f[1] = fs1;
        m.hart.f[2] = fs2;
        m.hart.x[1] = fs1;
        m.hart.fcsr = fcsr;
        hart = m.runToEcall(new Asm().word(insn));
        return hart;
    }

    private static int op(int funct7, int rs2, int rm, int rd) { return Asm.rType(funct7, rs2, 1, rm, rd, 0x53); }
    private static long d(double v) { return Double.doubleToRawLongBits(v); }
    private static long s(float v) { return FloatingPoint.box(Float.floatToRawIntBits(v)); }
    private int flags() { return hart.fcsr & 0x1F; }

    private long cvtToInt(int funct7, int kind, double v, int rm) {
        long src = funct7 == 0x61 ? d(v) : s((float) v);
        return exec(op(funct7, kind, rm, XD), src, 0, 0).x[XD];
    }

    @Test
    void fcvtWDUsesEachRoundingMode() {
        double[] in = {2.5, -2.5, 1.5, -0.5, 2.7, -2.7};
        long[][] expected = {      // RNE, RTZ, RDN, RUP, RMM
            {2, 2, 2, 3, 3}, {-2, -2, -3, -2, -3}, {2, 1, 1, 2, 2}, {0, 0, -1, 0, -1}, {3, 2, 2, 3, 3}, {-3, -2, -3, -2, -3},
        };
        for (int i = 0; i < in.length; i++) {
            for (int rm = 0; rm < 5; rm++) {
                assertEquals(expected[i][rm], cvtToInt(0x61, 0, in[i], rm), in[i] + " rm " + rm);
                assertEquals(NX, flags());
                assertEquals(expected[i][rm], cvtToInt(0x60, 2, in[i], rm), in[i] + " (single to long) rm " + rm);
            }
        }
        assertEquals(3, cvtToInt(0x61, 0, 3.0, RTZ));
        assertEquals(0, flags());
    }

    @Test
    void dynamicRoundingModeComesFromFrm() {
        exec(op(0x61, 0, DYN, XD), d(2.5), 0, RDN << 5);
        assertEquals(2, hart.x[XD]);
        exec(op(0x61, 0, DYN, XD), d(-2.5), 0, RDN << 5);
        assertEquals(-3, hart.x[XD]);
        exec(op(0x61, 0, DYN, XD), d(2.5), 0, RUP << 5);
        assertEquals(3, hart.x[XD]);
    }

    @Test
    void invalidRoundingModesAreIllegal() {
        for (int[] c : new int[][] {{op(0x61, 0, 5, XD), 0}, {op(0x61, 0, DYN, XD), 5 << 5}, {op(0x01, 2, 6, FD), 0},
                {op(0x03, 2, 0, FD), 0} /* fmt=3 (Q) */}) {
            TestMachine m = new TestMachine();
            m.hart.fcsr = c[1];
            m.hart.x[XD] = 99;
            m.loadCode(new Asm().word(c[0]).bytes());
            assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(10), Integer.toHexString(c[0]));
            assertEquals(99, m.hart.x[XD]);
            assertEquals(c[1], m.hart.fcsr);
        }
    }

    @Test
    void outOfRangeAndNaNConversionsSaturateAndSetInvalid() {
        double nan = Double.NaN;
        Object[][] cases = {          // funct7, kind, value, expected, flags
            {0x61, 0, nan, (long) Integer.MAX_VALUE, NV},
            {0x61, 0, 1e10, (long) Integer.MAX_VALUE, NV},
            {0x61, 0, -1e10, (long) Integer.MIN_VALUE, NV},
            {0x61, 0, Double.NEGATIVE_INFINITY, (long) Integer.MIN_VALUE, NV},
            {0x61, 1, -1.0, 0L, NV},
            {0x61, 1, -0.9, 0L, NX},                     // rounds (RTZ) to 0: in range
            {0x61, 1, 4294967295.0, -1L, 0},             // 0xFFFFFFFF sign-extended
            {0x61, 1, 4294967296.0, -1L, NV},
            {0x61, 1, nan, -1L, NV},
            {0x61, 2, 0x1p63, Long.MAX_VALUE, NV},
            {0x61, 2, -0x1p63, Long.MIN_VALUE, 0},
            {0x61, 2, nan, Long.MAX_VALUE, NV},
            {0x61, 3, 0x1p64, -1L, NV},
            {0x61, 3, 0x1p63, Long.MIN_VALUE, 0},
            {0x61, 3, -3.0, 0L, NV},
            {0x61, 3, Double.POSITIVE_INFINITY, -1L, NV},
            {0x60, 0, 3e9, (long) Integer.MAX_VALUE, NV},
            {0x60, 3, (double) 1.5e19f, new java.math.BigDecimal((double) 1.5e19f).toBigInteger().longValue(), 0},
        };
        for (Object[] c : cases) {
            long got = cvtToInt((Integer) c[0], (Integer) c[1], (Double) c[2], RTZ);
            assertEquals((long) (Long) c[3], got, c[0] + "/" + c[1] + " " + c[2]);
            assertEquals((int) (Integer) c[4], flags(), "flags for " + c[2]);
        }
    }

    private long cvtFromInt(int funct7, int kind, long v, int rm) {
        return exec(op(funct7, kind, rm, FD), v, 0, 0).f[FD];
    }

    @Test
    void integerToFloatRoundsPerMode() {
        long big = (1L << 53) + 1;
        assertEquals(d(0x1p53), cvtFromInt(0x69, 2, big, RNE));
        assertEquals(NX, flags());
        assertEquals(d(0x1p53 + 2), cvtFromInt(0x69, 2, big, RUP));
        assertEquals(d(0x1p53), cvtFromInt(0x69, 2, big, RDN));
        assertEquals(d(0x1p53), cvtFromInt(0x69, 2, big, RTZ));
        assertEquals(d(0x1p53 + 2), cvtFromInt(0x69, 2, big, RMM));
        assertEquals(d(-0x1p53), cvtFromInt(0x69, 2, -big, RTZ));
        assertEquals(d(-0x1p53 - 2), cvtFromInt(0x69, 2, -big, RDN));
        assertEquals(d(0x1p64), cvtFromInt(0x69, 3, -1L, RNE));
        assertEquals(d(0x1p64 - 2048), cvtFromInt(0x69, 3, -1L, RTZ));
        assertEquals(d(0x1p63), cvtFromInt(0x69, 2, Long.MAX_VALUE, RUP));
        assertEquals(d(0x1p63 - 1024), cvtFromInt(0x69, 2, Long.MAX_VALUE, RDN));
        assertEquals(d(-7.0), cvtFromInt(0x69, 0, 0xFFFF_FFF9L, RNE));     // W source ignores upper bits
        assertEquals(0, flags());
        assertEquals(d(4294967289.0), cvtFromInt(0x69, 1, 0xFFFF_FFF9L, RNE));
        assertEquals(s(16777216f), cvtFromInt(0x68, 0, 16777217, RNE));
        assertEquals(s(16777218f), cvtFromInt(0x68, 0, 16777217, RUP));
        assertEquals(s(16777218f), cvtFromInt(0x68, 0, 16777217, RMM));     // a tie: away from zero
        assertEquals(s(16777216f), cvtFromInt(0x68, 0, 16777217, RDN));
        assertEquals(s(Math.nextDown(0x1p63f)), cvtFromInt(0x68, 2, Long.MAX_VALUE, RTZ));
        assertEquals(s(0x1p64f), cvtFromInt(0x68, 3, -1L, RNE));
        assertEquals(s(Math.nextDown(0x1p64f)), cvtFromInt(0x68, 3, -1L, RDN));
    }

    @Test
    void doubleToSingleRoundsAndOverflows() {
        double third = 1.0 / 3;
        float rne = (float) third;
        long lo = s(rne < third ? rne : Math.nextDown(rne)), hi = s(rne > third ? rne : Math.nextUp(rne));
        assertEquals(s(rne), exec(op(0x20, 1, RNE, FD), d(third), 0, 0).f[FD]);
        assertEquals(NX, flags());
        assertEquals(lo, exec(op(0x20, 1, RDN, FD), d(third), 0, 0).f[FD]);
        assertEquals(hi, exec(op(0x20, 1, RUP, FD), d(third), 0, 0).f[FD]);
        assertEquals(lo, exec(op(0x20, 1, RTZ, FD), d(third), 0, 0).f[FD]);
        assertEquals(s(Float.POSITIVE_INFINITY), exec(op(0x20, 1, RNE, FD), d(1e300), 0, 0).f[FD]);
        assertEquals(OF | NX, flags());
        assertEquals(s(Float.MAX_VALUE), exec(op(0x20, 1, RTZ, FD), d(1e300), 0, 0).f[FD]);
        assertEquals(s(-Float.MAX_VALUE), exec(op(0x20, 1, RUP, FD), d(-1e300), 0, 0).f[FD]);
        assertEquals(box(CANONICAL_NAN_S), exec(op(0x20, 1, RNE, FD), SNAN_D, 0, 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(d(0.1f), exec(op(0x21, 0, RNE, FD), s(0.1f), 0, 0).f[FD]);
        assertEquals(0, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x21, 0, RNE, FD), box(SNAN_S), 0, 0).f[FD]);
        assertEquals(NV, flags());
    }

    @Test
    void singlesAreNaNBoxed() {
        TestMachine m = new TestMachine();
        m.write64(DATA, 0x1234_5678_3F80_0000L);
        m.hart.x[A1] = 0xDEAD_BEEF_C000_0000L;
        Asm a = new Asm().li(T0, DATA)
                .flw(1, T0, 0)                       // f1 = 1.0f boxed
                .fp(0x78, 0, 2, A1, 0)               // fmv.w.x f2, a1 -> -2.0f boxed
                .fp(0x70, 0, A2, 2, 0)               // fmv.x.w a2, f2 -> sign-extended
                .fp(0x00, 0, 3, 1, 2)                // fadd.s f3 = -1.0f
                .fsw(3, T0, 8)
                .fp(0x79, 0, 4, A1, 0)               // fmv.d.x f4 = raw (not a boxed single)
                .fp(0x00, 0, 5, 4, 1)                // fadd.s f5 = canonical NaN
                .fp(0x10, 1, 6, 1, 4)                // fsgnjn.s f6 = 1.0 with sign of ~canonical NaN -> -1.0
                .fp(0x70, 0, A3, 4, 0)               // fmv.x.w of an unboxed value: low 32 bits
                .fld(7, T0, 0).fsd(7, T0, 16);
        Hart h = m.runToEcall(a);
        assertEquals(s(1.0f), h.f[1]);
        assertEquals(s(-2.0f), h.f[2]);
        assertEquals(0xFFFF_FFFF_C000_0000L, h.x[A2]);
        assertEquals(0xBF80_0000L, m.read64(DATA + 8) & 0xFFFF_FFFFL);
        assertEquals(box(CANONICAL_NAN_S), h.f[5]);
        assertEquals(NV & h.fcsr, 0);                // canonical (quiet) NaN operand: no NV
        assertEquals(s(-1.0f), h.f[6]);
        assertEquals(0xFFFF_FFFF_C000_0000L, h.x[A3]);
        assertEquals(0x1234_5678_3F80_0000L, m.read64(DATA + 16));
    }

    @Test
    void fclassDouble() {
        long[] in = {d(Double.NEGATIVE_INFINITY), d(-1.5), d(-Double.MIN_VALUE), d(-0.0), d(0.0), d(Double.MIN_VALUE),
            d(2.0), d(Double.POSITIVE_INFINITY), SNAN_D, QNAN_D};
        for (int i = 0; i < in.length; i++) {
            assertEquals(1L << i, exec(op(0x71, 0, 1, XD), in[i], 0, 0).x[XD], "class " + i);
        }
    }

    @Test
    void fclassSingle() {
        int[] in = {0xFF80_0000, 0xBF80_0000, 0x8000_0001, 0x8000_0000, 0, 1, 0x3F80_0000, 0x7F80_0000, SNAN_S,
            CANONICAL_NAN_S};
        for (int i = 0; i < in.length; i++) {
            assertEquals(1L << i, exec(op(0x70, 0, 1, XD), box(in[i]), 0, 0).x[XD], "class " + i);
        }
        assertEquals(1L << 9, exec(op(0x70, 0, 1, XD), 0x3F80_0000L, 0, 0).x[XD]);   // not boxed: canonical NaN
    }

    @Test
    void arithmeticFlags() {
        assertEquals(d(Double.POSITIVE_INFINITY), exec(op(0x0D, 2, RNE, FD), d(1.0), d(0.0), 0).f[FD]);
        assertEquals(DZ, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x0D, 2, RNE, FD), d(0.0), d(0.0), 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x2D, 0, RNE, FD), d(-1.0), 0, 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(d(-0.0), exec(op(0x2D, 0, RNE, FD), d(-0.0), 0, 0).f[FD]);
        assertEquals(0, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x01, 2, RNE, FD), d(Double.POSITIVE_INFINITY), d(Double.NEGATIVE_INFINITY), 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x01, 2, RNE, FD), SNAN_D, d(1), 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x01, 2, RNE, FD), 0x7FF8_0000_0000_1234L, d(1), 0).f[FD]);
        assertEquals(0, flags());
        assertEquals(d(3.0), exec(op(0x01, 2, RNE, FD), d(1), d(2), 0).f[FD]);
        assertEquals(0, flags());
        assertEquals(d(1.0), exec(op(0x01, 2, RNE, FD), d(1), d(0x1p-60), 0).f[FD]);
        assertEquals(NX, flags());
        assertEquals(d(Double.POSITIVE_INFINITY), exec(op(0x09, 2, RNE, FD), d(1e200), d(1e200), 0).f[FD]);
        assertEquals(OF | NX, flags());
        assertEquals(d(0.0), exec(op(0x09, 2, RNE, FD), d(1e-200), d(1e-200), 0).f[FD]);
        assertEquals(UF | NX, flags());
        exec(op(0x01, 2, RNE, FD), d(1), d(0x1p-60), DZ);              // flags accumulate
        assertEquals(DZ | NX, flags());
    }

    @Test
    void comparisons() {
        assertEquals(1, exec(op(0x51, 2, 2, XD), d(-0.0), d(0.0), 0).x[XD]);      // feq
        assertEquals(0, exec(op(0x51, 2, 2, XD), QNAN_D, QNAN_D, 0).x[XD]);
        assertEquals(0, flags());
        assertEquals(0, exec(op(0x51, 2, 2, XD), SNAN_D, d(1), 0).x[XD]);
        assertEquals(NV, flags());
        assertEquals(0, exec(op(0x51, 2, 1, XD), QNAN_D, d(1), 0).x[XD]);          // flt
        assertEquals(NV, flags());
        assertEquals(1, exec(op(0x51, 2, 1, XD), d(-1), d(1), 0).x[XD]);
        assertEquals(1, exec(op(0x51, 2, 0, XD), d(1), d(1), 0).x[XD]);             // fle
        assertEquals(0, exec(op(0x51, 2, 0, XD), d(2), d(1), 0).x[XD]);
        assertEquals(1, exec(op(0x50, 2, 1, XD), s(1f), s(2f), 0).x[XD]);           // flt.s
    }

    @Test
    void minMax() {
        assertEquals(d(1), exec(op(0x15, 2, 0, FD), QNAN_D, d(1), 0).f[FD]);
        assertEquals(0, flags());
        assertEquals(d(1), exec(op(0x15, 2, 1, FD), d(1), SNAN_D, 0).f[FD]);
        assertEquals(NV, flags());
        assertEquals(CANONICAL_NAN_D, exec(op(0x15, 2, 0, FD), QNAN_D | 5, QNAN_D, 0).f[FD]);
        assertEquals(d(-0.0), exec(op(0x15, 2, 0, FD), d(0.0), d(-0.0), 0).f[FD]);
        assertEquals(d(0.0), exec(op(0x15, 2, 1, FD), d(-0.0), d(0.0), 0).f[FD]);
        assertEquals(s(-3f), exec(op(0x14, 2, 0, FD), s(2f), s(-3f), 0).f[FD]);
        assertEquals(s(2f), exec(op(0x14, 2, 1, FD), s(2f), s(-3f), 0).f[FD]);
    }

    @Test
    void signInjection() {
        assertEquals(d(-2.0), exec(op(0x11, 2, 0, FD), d(2.0), d(-5.0), 0).f[FD]);   // fsgnj
        assertEquals(d(2.0), exec(op(0x11, 2, 1, FD), d(2.0), d(-5.0), 0).f[FD]);    // fsgnjn
        assertEquals(d(2.0), exec(op(0x11, 2, 2, FD), d(-2.0), d(-5.0), 0).f[FD]);   // fsgnjx
        assertEquals(SNAN_D | Long.MIN_VALUE, exec(op(0x11, 2, 1, FD), SNAN_D, d(1), 0).f[FD]); // payload kept
        assertEquals(0, flags());
        assertEquals(s(-2f), exec(op(0x10, 2, 2, FD), s(2f), s(-1f), 0).f[FD]);
    }

    @Test
    void directedRoundingOfArithmetic() {
        assertEquals(d(Math.nextUp(1.0)), exec(op(0x01, 2, RUP, FD), d(1), d(0x1p-60), 0).f[FD]);
        assertEquals(d(1.0), exec(op(0x01, 2, RDN, FD), d(1), d(0x1p-60), 0).f[FD]);
        assertEquals(d(Math.nextDown(1.0)), exec(op(0x05, 2, RTZ, FD), d(1), d(0x1p-60), 0).f[FD]);  // fsub
        assertEquals(d(-1.0), exec(op(0x05, 2, RTZ, FD), d(-1), d(0x1p-60), 0).f[FD]);
        double up = Double.longBitsToDouble(exec(op(0x0D, 2, RUP, FD), d(1), d(3), 0).f[FD]);
        double dn = Double.longBitsToDouble(exec(op(0x0D, 2, RDN, FD), d(1), d(3), 0).f[FD]);
        assertEquals(Math.nextUp(dn), up);
        assertEquals(true, dn < 1.0 / 3 || up > 1.0 / 3);
        double sqUp = Double.longBitsToDouble(exec(op(0x2D, 0, RUP, FD), d(2), 0, 0).f[FD]);
        double sqDn = Double.longBitsToDouble(exec(op(0x2D, 0, RDN, FD), d(2), 0, 0).f[FD]);
        assertEquals(Math.nextUp(sqDn), sqUp);
        assertEquals(true, sqDn * sqDn < 2 && Math.fma(sqUp, sqUp, -2) > 0);
        assertEquals(d(Double.MAX_VALUE), exec(op(0x09, 2, RTZ, FD), d(1e200), d(1e200), 0).f[FD]);
        assertEquals(s(Math.nextUp(1f)), exec(op(0x00, 2, RUP, FD), s(1f), s(0x1p-30f), 0).f[FD]);
        assertEquals(s(1f), exec(op(0x00, 2, RNE, FD), s(1f), s(0x1p-30f), 0).f[FD]);
        assertEquals(s(0.1f * 3f), exec(op(0x08, 2, RNE, FD), s(0.1f), s(3f), 0).f[FD]);
        assertEquals(s((float) Math.sqrt(2f)), exec(op(0x2C, 0, RNE, FD), s(2f), 0, 0).f[FD]);
        assertEquals(s(1f / 3f), exec(op(0x0C, 2, RNE, FD), s(1f), s(3f), 0).f[FD]);
    }

    private static int r4(int opcode, int fmt, int rm) {
        return 3 << 27 | fmt << 25 | 2 << 20 | 1 << 15 | rm << 12 | FD << 7 | opcode;
    }

    @Test
    void fusedMultiplyAdd() {
        TestMachine m = new TestMachine();
        m.hart.f[1] = d(0.1);
        m.hart.f[2] = d(10);
        m.hart.f[3] = d(-1);
        hart = m.runToEcall(new Asm().word(r4(0x43, 1, RNE)));
        assertEquals(d(Math.fma(0.1, 10, -1)), hart.f[FD]);
        assertEquals(0, flags());                          // 0.1*10 - 1 is exact in a fused operation
        TestMachine nx = new TestMachine();
        nx.hart.f[1] = d(0.1);
        nx.hart.f[2] = d(0.1);
        nx.hart.f[3] = d(0);
        hart = nx.runToEcall(new Asm().word(r4(0x43, 1, RNE)));
        assertEquals(d(0.1 * 0.1), hart.f[FD]);
        assertEquals(NX, flags());
        double a = 1.5, b = 2.0, c = 0.25;
        int[] ops = {0x43, 0x47, 0x4B, 0x4F};
        double[] want = {a * b + c, a * b - c, -(a * b) + c, -(a * b) - c};
        for (int i = 0; i < 4; i++) {
            TestMachine t = new TestMachine();
            t.hart.f[1] = d(a);
            t.hart.f[2] = d(b);
            t.hart.f[3] = d(c);
            assertEquals(d(want[i]), t.runToEcall(new Asm().word(r4(ops[i], 1, RNE))).f[FD], "double op " + i);
            TestMachine u = new TestMachine();
            u.hart.f[1] = s((float) a);
            u.hart.f[2] = s((float) b);
            u.hart.f[3] = s((float) c);
            assertEquals(s((float) want[i]), u.runToEcall(new Asm().word(r4(ops[i], 0, RNE))).f[FD], "single op " + i);
        }
        TestMachine inv = new TestMachine();
        inv.hart.f[1] = d(Double.POSITIVE_INFINITY);
        inv.hart.f[2] = d(0);
        inv.hart.f[3] = QNAN_D;
        hart = inv.runToEcall(new Asm().word(r4(0x43, 1, RNE)));
        assertEquals(CANONICAL_NAN_D, hart.f[FD]);
        assertEquals(NV, flags());
    }

    @Test
    void fpLoadsAndStoresMoveRawBits() {
        TestMachine m = new TestMachine();
        m.write64(DATA, SNAN_D);
        Hart h = m.runToEcall(new Asm().li(T0, DATA).fld(1, T0, 0).fsd(1, T0, 8).flw(2, T0, 0).fsw(2, T0, 20));
        assertEquals(SNAN_D, h.f[1]);
        assertEquals(SNAN_D, m.read64(DATA + 8));
        assertEquals(box((int) SNAN_D), h.f[2]);
        assertEquals(0x0000_0001_0000_0000L, m.read64(DATA + 16));
        assertEquals(0, h.fcsr);
    }

    @Test
    void fmvBetweenIntegerAndDouble() {
        assertEquals(d(-2.5), exec(op(0x79, 0, 0, FD), d(-2.5), 0, 0).f[FD]);
        assertEquals(SNAN_D, exec(op(0x71, 0, 0, XD), SNAN_D, 0, 0).x[XD]);
        assertEquals(0, flags());
    }
}
