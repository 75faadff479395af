package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Properties: the hart against independent reference models (BigInteger / BigDecimal / a byte array). */
class HartProperties {
    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger unsigned(long v) { return new BigInteger(Long.toUnsignedString(v)); }

    /** Reference semantics of the OP and OP-32 instructions by (funct7, funct3, op32). */
    private static long reference(int funct7, int funct3, boolean w, long a, long b) {
        if (w) {
            int x = (int) a, y = (int) b, sh = y & 31;
            if (funct7 == 1) {
                BigInteger sx = BigInteger.valueOf(x), sy = BigInteger.valueOf(y);
                BigInteger ux = BigInteger.valueOf(x & 0xFFFF_FFFFL), uy = BigInteger.valueOf(y & 0xFFFF_FFFFL);
                switch (funct3) {
                    case 0: return sx.multiply(sy).intValue();
                    case 4: return y == 0 ? -1 : sx.divide(sy).intValue();
                    case 5: return y == 0 ? -1 : ux.divide(uy).intValue();
                    case 6: return y == 0 ? x : sx.remainder(sy).intValue();
                    default: return y == 0 ? x : ux.remainder(uy).intValue();
                }
            }
            switch (funct3) {
                case 0: return funct7 == 0 ? x + y : x - y;
                case 1: return x << sh;
                default: return funct7 == 0 ? (int) ((x & 0xFFFF_FFFFL) >> sh) : x >> sh;
            }
        }
        int sh = (int) (b & 63);
        if (funct7 == 1) {
            BigInteger sa = BigInteger.valueOf(a), sb = BigInteger.valueOf(b), ua = unsigned(a), ub = unsigned(b);
            switch (funct3) {
                case 0: return sa.multiply(sb).longValue();
                case 1: return sa.multiply(sb).shiftRight(64).longValue();
                case 2: return sa.multiply(ub).shiftRight(64).longValue();
                case 3: return ua.multiply(ub).shiftRight(64).longValue();
                case 4: return b == 0 ? -1 : sa.divide(sb).longValue();
                case 5: return b == 0 ? -1 : ua.divide(ub).longValue();
                case 6: return b == 0 ? a : sa.remainder(sb).longValue();
                default: return b == 0 ? a : ua.remainder(ub).longValue();
            }
        }
        switch (funct3) {
            case 0: return funct7 == 0 ? a + b : a - b;
            case 1: return unsigned(a).shiftLeft(sh).mod(TWO64).longValue();
            case 2: return a < b ? 1 : 0;
            case 3: return unsigned(a).compareTo(unsigned(b)) < 0 ? 1 : 0;
            case 4: return a ^ b;
            case 5: return funct7 == 0 ? unsigned(a).shiftRight(sh).longValue() : BigInteger.valueOf(a).shiftRight(sh).longValue();
            case 6: return a | b;
            default: return a & b;
        }
    }

    @Provide
    Arbitrary<Long> operands() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-3, 3),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL,
                        0xFFFF_FFFF_8000_0000L));
    }

    @Property(tries = 1000)
    void registerOpsMatchTheReferenceModel(@ForAll @IntRange(min = 0, max = 31) int choice,
            @ForAll("operands") long a, @ForAll("operands") long b) {
        int[][] ops = {   // funct7, funct3, op32
            {0, 0, 0}, {0x20, 0, 0}, {0, 1, 0}, {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {0, 5, 0}, {0x20, 5, 0}, {0, 6, 0},
            {0, 7, 0}, {1, 0, 0}, {1, 1, 0}, {1, 2, 0}, {1, 3, 0}, {1, 4, 0}, {1, 5, 0}, {1, 6, 0}, {1, 7, 0},
            {0, 0, 1}, {0x20, 0, 1}, {0, 1, 1}, {0, 5, 1}, {0x20, 5, 1}, {1, 0, 1}, {1, 4, 1}, {1, 5, 1}, {1, 6, 1},
            {1, 7, 1}, {0, 0, 0}, {1, 4, 0}, {1, 6, 1}, {0x20, 5, 1},
        };
        int[] o = ops[choice];
        TestMachine m = new TestMachine();
        m.hart.x[A1] = a;
        m.hart.x[A2] = b;
        Asm asm = new Asm();
        if (o[2] == 1) asm.op32(o[0], o[1], A0, A1, A2);
        else asm.op(o[0], o[1], A0, A1, A2);
        Hart h = m.runToEcall(asm);
        assertEquals(reference(o[0], o[1], o[2] == 1, a, b), h.x[A0],
                "funct7 " + o[0] + " funct3 " + o[1] + " w " + o[2]);
        assertEquals(1, h.instret);
    }

    private static final RoundingMode[] JAVA_MODES = {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.FLOOR,
        RoundingMode.CEILING, RoundingMode.HALF_UP};

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-1e20, 1e20),
                Arbitraries.integers().between(-100, 100).map(i -> i / 2.0),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    @Property(tries = 3000)
    void doubleToLongMatchesBigDecimal(@ForAll("doubles") double v, @ForAll @IntRange(min = 0, max = 4) int rm) {
        Hart fl = new Hart(new PhysicalMemory(4096));
        long got = FloatingPoint.toIntegerD(fl, Double.doubleToRawLongBits(v), 2, rm);
        if (Double.isNaN(v)) {
            assertEquals(Long.MAX_VALUE, got);
            assertEquals(FloatingPoint.NV, fl.fcsr);
            return;
        }
        if (Double.isInfinite(v)) {
            assertEquals(v > 0 ? Long.MAX_VALUE : Long.MIN_VALUE, got);
            return;
        }
        BigInteger exact = new BigDecimal(v).setScale(0, JAVA_MODES[rm]).toBigIntegerExact();
        if (exact.bitLength() > 63) {
            assertEquals(exact.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE, got);
            assertEquals(FloatingPoint.NV, fl.fcsr);
        } else {
            assertEquals(exact.longValue(), got);
            assertEquals(new BigDecimal(v).compareTo(new BigDecimal(exact)) != 0 ? FloatingPoint.NX : 0, fl.fcsr);
        }
    }

    @Property(tries = 3000)
    void longToDoubleIsCorrectlyRounded(@ForAll("operands") long v, @ForAll @IntRange(min = 0, max = 4) int rm,
            @ForAll boolean unsigned) {
        Hart fl = new Hart(new PhysicalMemory(4096));
        double got = Double.longBitsToDouble(FloatingPoint.fromIntegerD(fl, v, unsigned ? 3 : 2, rm));
        BigDecimal exact = unsigned ? new BigDecimal(unsigned(v)) : new BigDecimal(v);
        assertRounded(exact, new BigDecimal(got), new BigDecimal(Math.nextDown(got)), new BigDecimal(Math.nextUp(got)), rm);
        assertEquals(exact.compareTo(new BigDecimal(got)) != 0 ? FloatingPoint.NX : 0, fl.fcsr);
    }

    @Property(tries = 3000)
    void longToSingleIsCorrectlyRounded(@ForAll("operands") long v, @ForAll @IntRange(min = 0, max = 4) int rm,
            @ForAll boolean unsigned) {
        Hart fl = new Hart(new PhysicalMemory(4096));
        float got = Float.intBitsToFloat(FloatingPoint.unbox(FloatingPoint.fromIntegerS(fl, v, unsigned ? 3 : 2, rm)));
        BigDecimal exact = unsigned ? new BigDecimal(unsigned(v)) : new BigDecimal(v);
        assertRounded(exact, new BigDecimal(got), new BigDecimal(Math.nextDown(got)), new BigDecimal(Math.nextUp(got)), rm);
    }

    @Property(tries = 3000)
    void doubleToSingleIsCorrectlyRounded(@ForAll("doubles") double v, @ForAll @IntRange(min = 0, max = 4) int rm) {
        if (Double.isNaN(v) || Double.isInfinite(v) || Math.abs(v) > Float.MAX_VALUE || Math.abs(v) < Float.MIN_NORMAL) return;
        float got = Float.intBitsToFloat(FloatingPoint.unbox(FloatingPoint.narrow(new Hart(new PhysicalMemory(4096)), Double.doubleToRawLongBits(v), rm)));
        assertRounded(new BigDecimal(v), new BigDecimal(got), new BigDecimal(Math.nextDown(got)),
                new BigDecimal(Math.nextUp(got)), rm);
    }

    @Property(tries = 2000)
    void doubleArithmeticIsCorrectlyRounded(@ForAll("doubles") double a, @ForAll("doubles") double b,
            @ForAll @IntRange(min = 0, max = 3) int rm, @ForAll @IntRange(min = 0, max = 2) int op) {
        if (!Double.isFinite(a) || !Double.isFinite(b) || Math.abs(a) > 1e100 || Math.abs(b) > 1e100
                || (a != 0 && Math.abs(a) < 1e-100) || (b != 0 && Math.abs(b) < 1e-100)) return;
        double got = Double.longBitsToDouble(FloatingPoint.arithD(new Hart(new PhysicalMemory(4096)), op,
                Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b), rm));
        BigDecimal x = new BigDecimal(a), y = new BigDecimal(b);
        BigDecimal exact = op == 0 ? x.add(y) : op == 1 ? x.subtract(y) : x.multiply(y);
        if (got == 0 && exact.signum() == 0) return;
        assertRounded(exact, new BigDecimal(got), new BigDecimal(Math.nextDown(got)), new BigDecimal(Math.nextUp(got)), rm);
    }

    /** got is the rounding of exact in mode rm, given got's neighbours below and above. */
    private static void assertRounded(BigDecimal exact, BigDecimal got, BigDecimal below, BigDecimal above, int rm) {
        int c = exact.compareTo(got);
        String msg = "exact " + exact + " got " + got + " rm " + rm;
        if (c == 0) return;
        // exact lies strictly between got and a neighbour
        BigDecimal other = c > 0 ? above : below;
        assertEquals(true, c > 0 ? exact.compareTo(above) < 0 : exact.compareTo(below) > 0, msg);
        int halfway = exact.subtract(got).abs().compareTo(exact.subtract(other).abs());
        switch (rm) {
            case 1: assertEquals(true, got.abs().compareTo(exact.abs()) < 0, msg); break;   // RTZ
            case 2: assertEquals(true, c > 0, msg); break;                                    // RDN
            case 3: assertEquals(true, c < 0, msg); break;                                    // RUP
            case 4: assertEquals(true, halfway < 0 || (halfway == 0 && got.abs().compareTo(other.abs()) > 0), msg); break;
            default: assertEquals(true, halfway <= 0, msg); break;                            // RNE (ties not checked)
        }
    }

    @Property(tries = 300)
    void misalignedAccessesMatchAByteArrayModel(@ForAll @IntRange(min = 0, max = 8191 - 8) int offset,
            @ForAll @IntRange(min = 0, max = 3) int sizeLog, @ForAll long value) {
        TestMachine m = new TestMachine();
        m.map(0x40000, TestMachine.R | TestMachine.W | TestMachine.U);
        m.allocFrame();
        m.map(0x41000, TestMachine.R | TestMachine.W | TestMachine.U);
        byte[] model = new byte[8192];
        int size = 1 << sizeLog;
        for (int k = 0; k < size; k++) model[offset + k] = (byte) (value >>> (8 * k));
        m.hart.x[T0] = 0x40000 + offset;
        m.hart.x[A1] = value;
        Hart h = m.runToEcall(new Asm().store(sizeLog, A1, T0, 0).load(sizeLog == 3 ? 3 : sizeLog | 4, A0, T0, 0));
        for (int k = 0; k < 8192; k++) {
            assertEquals(model[k], (byte) m.mem.read8(m.pa(0x40000 + k)), "byte " + k);
        }
        long expected = sizeLog == 3 ? value : value & ((1L << (8 * size)) - 1);
        assertEquals(expected, h.x[A0]);
    }

    @Property(tries = 100)
    void budgetIsExact(@ForAll @LongRange(min = 0, max = 5000) long budget) {
        TestMachine m = new TestMachine();
        m.loadCode(new Asm().addi(A0, A0, 1).jal(ZERO, -4).bytes());
        assertEquals(TrapCause.TIMER, m.hart.run(budget));
        assertEquals(budget, m.hart.instret);
        assertEquals((budget + 1) / 2, m.hart.x[A0]);
        assertEquals(TestMachine.CODE + 4 * (budget % 2), m.hart.pc);
    }
}
