package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Every F/D arithmetic and conversion instruction, in every rounding mode (static and dynamic), on operands
 * generated around every boundary — zeros, subnormals, the underflow threshold, overflow, ties, integer range
 * limits — checked three ways: the hart's instruction ({@link FloatingPoint#execute}, fast path included),
 * {@link SoftFloat} alone, and {@link FpReference} written from the manual. Result bits and fflags must agree.
 * {@code -Dfp.cases=N} sets the cases per operation and rounding mode (default 100).
 */
class FloatingPointReferenceTest {
    private static final int CASES = Integer.getInteger("fp.cases", 100);
    private static final FpReference.Fmt RS = FpReference.S, RD = FpReference.D;

    private final Random random = new Random(20261202);
    private final List<String> failures = new ArrayList<>();
    private int checked;

    // ---- operand generation ----

    /** A value of the format (raw bits), biased towards the places where rounding is hard. */
    private long value(FpReference.Fmt f) {
        int bias = f.emax;
        long frac = randomFraction(f);
        long sign = random.nextBoolean() ? f.signMask() : 0;
        long biased;
        switch (random.nextInt(9)) {
            case 0: return sign | special(f);
            case 1: biased = 0; break;                                                        // subnormal
            case 2: biased = 1 + random.nextInt(f.p + 2); break;                               // near underflow
            case 3: biased = (1L << f.w) - 2 - random.nextInt(4); break;                       // near overflow
            case 4: biased = bias - 4 + random.nextInt(8); break;                              // near 1
            default: biased = 1 + random.nextInt((1 << f.w) - 2); break;
        }
        return sign | biased << (f.p - 1) | frac;
    }

    private long randomFraction(FpReference.Fmt f) {
        long mask = f.fracMask();
        switch (random.nextInt(6)) {
            case 0: return 0;
            case 1: return mask;                                                     // all ones
            case 2: return 1L << random.nextInt(f.p - 1);                            // one bit
            case 3: return mask >>> random.nextInt(f.p - 1);                         // trailing ones
            case 4: return (mask << random.nextInt(f.p - 1)) & mask;                 // leading ones
            default: return random.nextLong() & mask;
        }
    }

    private long special(FpReference.Fmt f) {
        long[] s = {0, f.inf(false), f.nan(), f.nan() | 1, f.expAll() | 1 /* sNaN */, 1, f.fracMask(),
            1L << (f.p - 1) /* min normal */, f.inf(false) - 1 /* max */, (long) f.emax << (f.p - 1) /* 1.0 */};
        return s[random.nextInt(s.length)];
    }

    /** A value with the exponent of v moved by d (clamped to the finite range), sign random. */
    private long shifted(FpReference.Fmt f, long v, int d) {
        long e = (v & f.expAll()) >>> (f.p - 1);
        long ne = Math.max(0, Math.min((1L << f.w) - 2, e + d));
        return (random.nextBoolean() ? f.signMask() : 0) | ne << (f.p - 1) | (random.nextBoolean() ? randomFraction(f) : v & f.fracMask());
    }

    /** A value whose exponent is about target - exponent(v): products and quotients land near a chosen place. */
    private long complement(FpReference.Fmt f, long v, long targetBiased, boolean divide) {
        long e = (v & f.expAll()) >>> (f.p - 1);
        long want = divide ? e - (targetBiased - f.emax) : targetBiased - e + f.emax;
        want += random.nextInt(3) - 1;
        long ne = Math.max(0, Math.min((1L << f.w) - 2, want));
        return (random.nextBoolean() ? f.signMask() : 0) | ne << (f.p - 1) | randomFraction(f);
    }

    private long boundaryExponent(FpReference.Fmt f) {
        switch (random.nextInt(3)) {
            case 0: return random.nextInt(3);                                  // underflow threshold
            case 1: return (1L << f.w) - 2 - random.nextInt(2);                // overflow
            default: return 1 + random.nextInt((1 << f.w) - 2);
        }
    }

    // ---- running one instruction ----

    private static final int FD = 3, XD = 10;

    /** Runs insn with f1, f2, f3 / x11 set; returns {result register, fflags}. */
    private long[] run(int insn, long f1, long f2, long f3, long x11, int frm, boolean intResult, int rd) {
        Hart h = new Hart(new PhysicalMemory(4096));
        h.f[1] = f1;
        h.f[2] = f2;
        h.f[3] = f3;
        h.x[11] = x11;
        h.fcsr = frm << 5;
        if (!FloatingPoint.execute(h, insn)) throw new AssertionError("illegal: " + Integer.toHexString(insn));
        return new long[] {intResult ? h.x[rd] : h.f[rd], h.fcsr & 0x1F};
    }

    /** The rm field: the static mode, or DYN with frm = rm (alternating). */
    private int[] rmField(int rm) {
        return random.nextBoolean() ? new int[] {rm, 0} : new int[] {7, rm};
    }

    private void check(String what, long gotBits, int gotFlags, long softBits, int softFlags, FpReference.Result ref) {
        checked++;
        if (gotBits != ref.bits() || gotFlags != ref.flags() || softBits != ref.bits() || softFlags != ref.flags()) {
            failures.add(String.format("%s: hart 0x%x %s, softfloat 0x%x %s, reference %s", what, gotBits,
                    FpReference.flagNames(gotFlags), softBits, FpReference.flagNames(softFlags), ref));
        }
    }

    private static long boxIf(boolean single, long bits) { return single ? FloatingPoint.box((int) bits) : bits; }

    private void finish() {
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + checked + " cases differ:\n" + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
        }
    }

    private void forEachMode(Supplier<Void> body) {
        for (int rm = 0; rm < 5; rm++) {
            currentRm = rm;
            for (int i = 0; i < CASES; i++) body.get();
        }
    }

    private int currentRm;

    // ---- the operations ----

    @Test
    void addSubMulDiv() {
        for (boolean single : new boolean[] {false, true}) {
            FpReference.Fmt f = single ? RS : RD;
            SoftFloat.Format sf = single ? SoftFloat.S : SoftFloat.D;
            for (int op = 0; op < 4; op++) {
                final int o = op;
                forEachMode(() -> {
                    long a = value(f), b;
                    switch (random.nextInt(4)) {
                        case 0: b = value(f); break;
                        case 1: b = o >= 2 ? complement(f, a, boundaryExponent(f), o == 3) : shifted(f, a, -(f.p + random.nextInt(3) - 1)); break;
                        case 2: b = shifted(f, a, random.nextInt(5) - 2); break;
                        default: b = o >= 2 ? complement(f, a, boundaryExponent(f), o == 3) : shifted(f, a, -random.nextInt(f.p + 3)); break;
                    }
                    int[] rmf = rmField(currentRm);
                    int insn = Asm.rType(o << 2 | (single ? 0 : 1), 2, 1, rmf[0], FD, 0x53);
                    long[] got = run(insn, boxIf(single, a), boxIf(single, b), 0, 0, rmf[1], false, FD);
                    int[] fl = {0};
                    long soft = o == 0 ? SoftFloat.add(sf, a, b, currentRm, fl) : o == 1 ? SoftFloat.sub(sf, a, b, currentRm, fl)
                            : o == 2 ? SoftFloat.mul(sf, a, b, currentRm, fl) : SoftFloat.div(sf, a, b, currentRm, fl);
                    check(String.format("%s.%s rm%d 0x%x 0x%x", new String[] {"fadd", "fsub", "fmul", "fdiv"}[o], single ? "s" : "d",
                            currentRm, a, b), single ? got[0] & 0xFFFF_FFFFL : got[0], (int) got[1], soft, fl[0],
                            FpReference.arith(f, o, a, b, currentRm));
                    return null;
                });
            }
        }
        finish();
    }

    @Test
    void squareRoot() {
        for (boolean single : new boolean[] {false, true}) {
            FpReference.Fmt f = single ? RS : RD;
            SoftFloat.Format sf = single ? SoftFloat.S : SoftFloat.D;
            forEachMode(() -> {
                long a = value(f);
                if (random.nextInt(3) > 0) a &= ~f.signMask();
                int[] rmf = rmField(currentRm);
                int insn = Asm.rType(0x2C | (single ? 0 : 1), 0, 1, rmf[0], FD, 0x53);
                long[] got = run(insn, boxIf(single, a), 0, 0, 0, rmf[1], false, FD);
                int[] fl = {0};
                long soft = SoftFloat.sqrt(sf, a, currentRm, fl);
                check(String.format("fsqrt.%s rm%d 0x%x", single ? "s" : "d", currentRm, a),
                        single ? got[0] & 0xFFFF_FFFFL : got[0], (int) got[1], soft, fl[0], FpReference.sqrt(f, a, currentRm));
                return null;
            });
        }
        finish();
    }

    @Test
    void fusedMultiplyAdd() {
        int[] opcodes = {0x43, 0x47, 0x4B, 0x4F};     // fmadd fmsub fnmsub fnmadd
        for (boolean single : new boolean[] {false, true}) {
            FpReference.Fmt f = single ? RS : RD;
            SoftFloat.Format sf = single ? SoftFloat.S : SoftFloat.D;
            for (int k = 0; k < 4; k++) {
                final int kind = k;
                forEachMode(() -> {
                    long a = value(f), b, c;
                    switch (random.nextInt(4)) {
                        case 0: b = value(f); c = value(f); break;
                        case 1: {                                   // product small against c: c's last place
                            b = value(f);
                            c = shifted(f, a, random.nextInt(3));
                            long pe = ((c & f.expAll()) >>> (f.p - 1)) - f.p - random.nextInt(3);
                            b = complement(f, a, Math.max(0, pe), false);
                            break;
                        }
                        case 2: {                                   // c at a boundary, product near it
                            long ce = boundaryExponent(f);
                            c = (random.nextBoolean() ? f.signMask() : 0) | ce << (f.p - 1) | randomFraction(f);
                            b = complement(f, a, Math.max(0, ce - random.nextInt(f.p + 2)), false);
                            break;
                        }
                        default: {                                  // cancellation
                            b = value(f);
                            c = complement(f, a, ((a & f.expAll()) >>> (f.p - 1)) + ((b & f.expAll()) >>> (f.p - 1)) - f.emax, false);
                            break;
                        }
                    }
                    int[] rmf = rmField(currentRm);
                    int insn = 3 << 27 | (single ? 0 : 1) << 25 | 2 << 20 | 1 << 15 | rmf[0] << 12 | FD << 7 | opcodes[kind];
                    long[] got = run(insn, boxIf(single, a), boxIf(single, b), boxIf(single, c), 0, rmf[1], false, FD);
                    boolean negP = kind >= 2, negC = kind == 1 || kind == 3;
                    int[] fl = {0};
                    long soft = SoftFloat.fma(sf, a, b, c, negP, negC, currentRm, fl);
                    check(String.format("%s.%s rm%d 0x%x 0x%x 0x%x", new String[] {"fmadd", "fmsub", "fnmsub", "fnmadd"}[kind],
                            single ? "s" : "d", currentRm, a, b, c), single ? got[0] & 0xFFFF_FFFFL : got[0], (int) got[1],
                            soft, fl[0], FpReference.fma(f, a, b, c, negP, negC, currentRm));
                    return null;
                });
            }
        }
        finish();
    }

    @Test
    void tinyBeforeRoundingButNotAfterAndTheReverse() {
        // MIN_NORMAL - 3 * 2^-1077: rounds (RNE) to MIN_NORMAL in the format, but to a value below MIN_NORMAL with
        // an unbounded exponent: tiny after rounding, inexact -> UF and NX, result MIN_NORMAL.
        long minNormal = Double.doubleToRawLongBits(Double.MIN_NORMAL);
        long a = Double.doubleToRawLongBits(-0.375), b = 1;                 // b = 2^-1074
        Hart h = new Hart(new PhysicalMemory(4096));
        long r = FloatingPoint.fmaD(h, a, b, minNormal, false, false, FloatingPoint.RNE);
        assertEquals(minNormal, r);
        assertEquals(FloatingPoint.UF | FloatingPoint.NX, h.fcsr);
        assertEquals(FpReference.fma(RD, a, b, minNormal, false, false, 0), new FpReference.Result(r, h.fcsr));
        // MIN_NORMAL - 2^-1076: a tie with an unbounded exponent that rounds up to MIN_NORMAL: not tiny, NX only.
        long quarter = Double.doubleToRawLongBits(-0.25);
        h.fcsr = 0;
        r = FloatingPoint.fmaD(h, quarter, b, minNormal, false, false, FloatingPoint.RNE);
        assertEquals(minNormal, r);
        assertEquals(FloatingPoint.NX, h.fcsr);
        // the same value rounded toward zero is the largest subnormal: tiny, inexact
        h.fcsr = 0;
        r = FloatingPoint.fmaD(h, quarter, b, minNormal, false, false, FloatingPoint.RTZ);
        assertEquals(minNormal - 1, r);
        assertEquals(FloatingPoint.UF | FloatingPoint.NX, h.fcsr);
        // single: 1.5 * 2^-126 * (1 - 2^-25)... a product just under the single threshold
        int fa = Float.floatToRawIntBits(Math.nextDown(1.0f)), fb = Float.floatToRawIntBits(Float.MIN_NORMAL);
        h.fcsr = 0;
        long s = FloatingPoint.arithS(h, 2, FloatingPoint.box(fa), FloatingPoint.box(fb), FloatingPoint.RUP);
        assertEquals(FloatingPoint.box(fb), s);                                  // rounds up to MIN_NORMAL
        assertEquals(FpReference.arith(RS, 2, fa & 0xFFFF_FFFFL, fb, 3).flags(), h.fcsr);
        assertEquals(FloatingPoint.UF | FloatingPoint.NX, h.fcsr);               // ...but tiny after rounding
    }

    @Test
    void conversionsBetweenFormats() {
        forEachMode(() -> {
            long d;
            if (random.nextBoolean()) {
                d = value(RD);
            } else {                                       // around the single range and its ties
                long e = RD.emax + (random.nextBoolean() ? -126 - random.nextInt(26) : 127 - random.nextInt(3) + random.nextInt(2))
                        + (random.nextInt(4) == 0 ? random.nextInt(60) - 30 : 0);
                long frac = randomFraction(RD);
                if (random.nextBoolean()) frac = (frac & ~((1L << 29) - 1)) | (random.nextBoolean() ? 1L << 28 : 0) | (random.nextBoolean() ? 1 : 0);
                d = (random.nextBoolean() ? Long.MIN_VALUE : 0) | e << 52 | frac;
            }
            int[] rmf = rmField(currentRm);
            long[] got = run(Asm.rType(0x20, 1, 1, rmf[0], FD, 0x53), d, 0, 0, 0, rmf[1], false, FD);
            int[] fl = {0};
            long soft = SoftFloat.convert(SoftFloat.D, SoftFloat.S, d, currentRm, fl);
            check(String.format("fcvt.s.d rm%d 0x%x", currentRm, d), got[0] & 0xFFFF_FFFFL, (int) got[1], soft, fl[0],
                    FpReference.convert(RD, RS, d, currentRm));
            long s = value(RS);
            got = run(Asm.rType(0x21, 0, 1, rmf[0], FD, 0x53), FloatingPoint.box((int) s), 0, 0, 0, rmf[1], false, FD);
            fl[0] = 0;
            soft = SoftFloat.convert(SoftFloat.S, SoftFloat.D, s, currentRm, fl);
            check(String.format("fcvt.d.s rm%d 0x%x", currentRm, s), got[0], (int) got[1], soft, fl[0],
                    FpReference.convert(RS, RD, s, currentRm));
            return null;
        });
        finish();
    }

    @Test
    void conversionsToIntegers() {
        for (boolean single : new boolean[] {false, true}) {
            FpReference.Fmt f = single ? RS : RD;
            SoftFloat.Format sf = single ? SoftFloat.S : SoftFloat.D;
            for (int k = 0; k < 4; k++) {
                final int kind = k;
                forEachMode(() -> {
                    long a;
                    if (random.nextInt(3) == 0) {
                        a = value(f);
                    } else {                               // near 0, 0.5 ties, and the range limits 2^31, 2^32, 2^63, 2^64
                        int[] limits = {0, 1, 31, 32, 63, 64};
                        int e = limits[random.nextInt(limits.length)] + random.nextInt(3) - 1 - (random.nextInt(4) == 0 ? f.p : 0);
                        long biased = Math.max(1, e + f.emax);
                        a = (random.nextBoolean() ? f.signMask() : 0) | biased << (f.p - 1) | randomFraction(f);
                    }
                    int[] rmf = rmField(currentRm);
                    int insn = Asm.rType(0x60 | (single ? 0 : 1), kind, 1, rmf[0], XD, 0x53);
                    long[] got = run(insn, boxIf(single, a), 0, 0, 0, rmf[1], true, XD);
                    int[] fl = {0};
                    long soft = SoftFloat.toInteger(sf, a, kind, currentRm, fl);
                    check(String.format("fcvt.%s.%s rm%d 0x%x", new String[] {"w", "wu", "l", "lu"}[kind], single ? "s" : "d",
                            currentRm, a), got[0], (int) got[1], soft, fl[0], FpReference.toInteger(f, a, kind, currentRm));
                    return null;
                });
            }
        }
        finish();
    }

    @Test
    void conversionsFromIntegers() {
        for (boolean single : new boolean[] {false, true}) {
            FpReference.Fmt f = single ? RS : RD;
            SoftFloat.Format sf = single ? SoftFloat.S : SoftFloat.D;
            for (int k = 0; k < 4; k++) {
                final int kind = k;
                forEachMode(() -> {
                    long x;
                    switch (random.nextInt(4)) {
                        case 0: x = random.nextLong(); break;
                        case 1: x = random.nextLong() >> random.nextInt(64); break;
                        case 2: {                                   // ties and near-ties at the precision boundary
                            int top = f.p + random.nextInt(64 - f.p);
                            x = 1L << top | (random.nextBoolean() ? 1L << (top - f.p) : 0) | (random.nextBoolean() ? 1 : 0)
                                    | (random.nextBoolean() ? 1L << (top - f.p + 1) : 0);
                            if (random.nextBoolean()) x = -x;
                            break;
                        }
                        default: x = new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
                            0xFFFF_FFFFL, 1L << 53, (1L << 53) + 1, (1L << 24) + 1}[random.nextInt(10)];
                    }
                    int[] rmf = rmField(currentRm);
                    int insn = Asm.rType(0x68 | (single ? 0 : 1), kind, 11, rmf[0], FD, 0x53);
                    long[] got = run(insn, 0, 0, 0, x, rmf[1], false, FD);
                    int[] fl = {0};
                    long soft = SoftFloat.fromInteger(sf, x, kind, currentRm, fl);
                    check(String.format("fcvt.%s.%s rm%d 0x%x", single ? "s" : "d", new String[] {"w", "wu", "l", "lu"}[kind],
                            currentRm, x), single ? got[0] & 0xFFFF_FFFFL : got[0], (int) got[1], soft, fl[0],
                            FpReference.fromInteger(f, x, kind, currentRm));
                    return null;
                });
            }
        }
        finish();
    }
}
