package otherworld.emulator;

import java.math.BigInteger;

/**
 * F and D arithmetic computed exactly, then rounded once: the definition in the ISA manual (IEEE 754-2008,
 * default exception handling, tininess detected after rounding) written as directly as it can be. Every
 * operation handles every input (NaNs, infinities, zeros, subnormals) in every rounding mode; {@link
 * FloatingPoint} answers the common cases with the host's double arithmetic and comes here for the rest.
 *
 * <p>Values are raw encodings in a {@code long}: a single is in the low 32 bits (already unboxed). A finite
 * value is unpacked as {@code (-1)^neg * mag * 2^exp} with an exact {@link BigInteger} magnitude; a result is
 * that form, or a quotient/root with a "sticky" remainder, rounded by {@link #round}.
 */
final class SoftFloat {
    private SoftFloat() {}

    /** A binary interchange format: precision p (with the implicit bit), exponent range, canonical NaN. */
    static final class Format {
        final int p, emin, emax, bias, expBits, signBit;
        final long canonicalNaN;

        Format(int p, int expBits, long canonicalNaN) {
            this.p = p;
            this.expBits = expBits;
            this.bias = (1 << (expBits - 1)) - 1;
            this.emax = bias;
            this.emin = 1 - bias;
            this.signBit = p - 1 + expBits;
            this.canonicalNaN = canonicalNaN;
        }

        long expField(long b) { return (b >>> (p - 1)) & ((1L << expBits) - 1); }
        long frac(long b) { return b & ((1L << (p - 1)) - 1); }
        boolean neg(long b) { return ((b >>> signBit) & 1) != 0; }
        boolean isNaN(long b) { return expField(b) == (1L << expBits) - 1 && frac(b) != 0; }
        boolean isInf(long b) { return expField(b) == (1L << expBits) - 1 && frac(b) == 0; }
        boolean isZero(long b) { return expField(b) == 0 && frac(b) == 0; }
        boolean isSignaling(long b) { return isNaN(b) && ((frac(b) >>> (p - 2)) & 1) == 0; }
        long zero(boolean neg) { return neg ? 1L << signBit : 0; }
        long inf(boolean neg) { return zero(neg) | (((1L << expBits) - 1) << (p - 1)); }
        long maxFinite(boolean neg) { return inf(neg) - 1; }

        /** The integer magnitude of a finite value: mag * 2^exp. */
        BigInteger mag(long b) {
            long e = expField(b);
            return BigInteger.valueOf(e == 0 ? frac(b) : frac(b) | 1L << (p - 1));
        }

        int exp(long b) {
            long e = expField(b);
            return (int) (e == 0 ? emin : e - bias) - (p - 1);
        }
    }

    static final Format S = new Format(24, 8, FloatingPoint.CANONICAL_NAN_S);
    static final Format D = new Format(53, 11, FloatingPoint.CANONICAL_NAN_D);

    static final int NX = FloatingPoint.NX, UF = FloatingPoint.UF, OF = FloatingPoint.OF, DZ = FloatingPoint.DZ,
            NV = FloatingPoint.NV;
    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

    // ---- rounding ----------------------------------------------------------------------------------------

    /**
     * Rounds {@code (-1)^neg * (mag + s) * 2^exp} to format f in mode rm, where {@code s} is 0 when sticky is
     * false and some value strictly between 0 and 1 when it is true. Raises NX, UF (tiny after rounding and
     * inexact) and OF. A zero magnitude without sticky gives a zero with the sign {@code neg}.
     */
    static long round(Format f, boolean neg, BigInteger mag, int exp, boolean sticky, int rm, int[] fl) {
        if (sticky) {                                   // a stand-in strictly inside (mag, mag+1): same rounding
            mag = mag.shiftLeft(2).setBit(0);
            exp -= 2;
        }
        if (mag.signum() == 0) return f.zero(neg);
        int lead = exp + mag.bitLength() - 1;           // exponent of the leading one
        int lsb = Math.max(lead, f.emin) - (f.p - 1);   // exponent of the last kept place (bounded range)
        BigInteger[] bounded = roundAt(mag, exp, lsb, neg, rm);
        BigInteger kept = bounded[0];
        boolean inexact = bounded[1] != null;
        if (kept.bitLength() > f.p) {                   // carried into the next binade: 2^p, shift is exact
            kept = kept.shiftRight(1);
            lsb++;
        }
        boolean tiny = false;
        if (lead < f.emin) {                            // tininess after rounding: unbounded exponent range
            BigInteger unbounded = roundAt(mag, exp, lead - (f.p - 1), neg, rm)[0];
            int leadAfter = unbounded.bitLength() > f.p ? lead + 1 : lead;
            tiny = leadAfter < f.emin;
        }
        if (inexact) {
            fl[0] |= NX;
            if (tiny) fl[0] |= UF;
        }
        if (kept.signum() == 0) return f.zero(neg);
        int top = lsb + kept.bitLength() - 1;
        if (top > f.emax) {
            fl[0] |= OF | NX;
            boolean toInf = rm == RNE || rm == RMM || (rm == RDN && neg) || (rm == RUP && !neg);
            return toInf ? f.inf(neg) : f.maxFinite(neg);
        }
        long k = kept.longValue();
        if (kept.bitLength() < f.p) return f.zero(neg) | k;                     // subnormal: lsb == emin-p+1
        long biased = top + f.bias;
        return f.zero(neg) | biased << (f.p - 1) | (k & ((1L << (f.p - 1)) - 1));
    }

    /**
     * mag * 2^exp rounded to a multiple of 2^lsb: {kept, null} when exact, {kept, remainder} when not;
     * the value is kept * 2^lsb.
     */
    private static BigInteger[] roundAt(BigInteger mag, int exp, int lsb, boolean neg, int rm) {
        int drop = lsb - exp;
        if (drop <= 0) return new BigInteger[] {mag.shiftLeft(-drop), null};
        BigInteger kept = mag.shiftRight(drop);
        BigInteger rem = mag.subtract(kept.shiftLeft(drop));
        if (rem.signum() == 0) return new BigInteger[] {kept, null};
        int half = rem.compareTo(BigInteger.ONE.shiftLeft(drop - 1));
        boolean up;
        switch (rm) {
            case RNE: up = half > 0 || (half == 0 && kept.testBit(0)); break;
            case RTZ: up = false; break;
            case RDN: up = neg; break;
            case RUP: up = !neg; break;
            default: up = half >= 0; break;
        }
        return new BigInteger[] {up ? kept.add(BigInteger.ONE) : kept, rem};
    }

    // ---- NaN handling shared by the arithmetic ---------------------------------------------------------

    private static boolean anyNaN(Format f, int[] fl, long... xs) {
        boolean nan = false;
        for (long x : xs) {
            if (f.isNaN(x)) {
                nan = true;
                if (f.isSignaling(x)) fl[0] |= NV;
            }
        }
        return nan;
    }

    /** The signed exact sum of two unpacked values, or zero. Returns {neg as 0/1 in [0], mag, exp}. */
    private static Object[] exactSum(boolean na, BigInteger ma, int ea, boolean nb, BigInteger mb, int eb) {
        int e = Math.min(ea, eb);
        BigInteger a = ma.shiftLeft(ea - e), b = mb.shiftLeft(eb - e);
        BigInteger s = (na ? a.negate() : a).add(nb ? b.negate() : b);
        return new Object[] {s.signum() < 0, s.abs(), e};
    }

    /** The sign of an exact zero sum x + y (IEEE 754 6.3): the common sign, else + (- when rounding down). */
    private static boolean zeroSumSign(boolean nx, boolean ny, int rm) {
        return nx == ny ? nx : rm == RDN;
    }

    // ---- operations ----------------------------------------------------------------------------------------

    static long add(Format f, long a, long b, int rm, int[] fl) {
        if (anyNaN(f, fl, a, b)) return f.canonicalNaN;
        boolean na = f.neg(a), nb = f.neg(b);
        if (f.isInf(a) || f.isInf(b)) {
            if (f.isInf(a) && f.isInf(b) && na != nb) {
                fl[0] |= NV;
                return f.canonicalNaN;
            }
            return f.isInf(a) ? a : b;
        }
        Object[] s = exactSum(na, f.mag(a), f.exp(a), nb, f.mag(b), f.exp(b));
        BigInteger mag = (BigInteger) s[1];
        if (mag.signum() == 0) return f.zero(zeroSumSign(na, nb, rm));
        return round(f, (Boolean) s[0], mag, (Integer) s[2], false, rm, fl);
    }

    static long sub(Format f, long a, long b, int rm, int[] fl) {
        return add(f, a, f.isNaN(b) ? b : b ^ (1L << f.signBit), rm, fl);
    }

    static long mul(Format f, long a, long b, int rm, int[] fl) {
        if (anyNaN(f, fl, a, b)) return f.canonicalNaN;
        boolean neg = f.neg(a) != f.neg(b);
        if (f.isInf(a) || f.isInf(b)) {
            if (f.isZero(a) || f.isZero(b)) {
                fl[0] |= NV;
                return f.canonicalNaN;
            }
            return f.inf(neg);
        }
        return round(f, neg, f.mag(a).multiply(f.mag(b)), f.exp(a) + f.exp(b), false, rm, fl);
    }

    static long div(Format f, long a, long b, int rm, int[] fl) {
        if (anyNaN(f, fl, a, b)) return f.canonicalNaN;
        boolean neg = f.neg(a) != f.neg(b);
        if (f.isInf(a)) {
            if (f.isInf(b)) {
                fl[0] |= NV;
                return f.canonicalNaN;
            }
            return f.inf(neg);
        }
        if (f.isInf(b)) return f.zero(neg);
        if (f.isZero(b)) {
            if (f.isZero(a)) {
                fl[0] |= NV;
                return f.canonicalNaN;
            }
            fl[0] |= DZ;
            return f.inf(neg);
        }
        if (f.isZero(a)) return f.zero(neg);
        BigInteger ma = f.mag(a), mb = f.mag(b);
        int k = Math.max(0, f.p + 3 + mb.bitLength() - ma.bitLength());   // quotient of at least p+3 bits
        BigInteger[] qr = ma.shiftLeft(k).divideAndRemainder(mb);
        return round(f, neg, qr[0], f.exp(a) - f.exp(b) - k, qr[1].signum() != 0, rm, fl);
    }

    static long sqrt(Format f, long a, int rm, int[] fl) {
        if (anyNaN(f, fl, a)) return f.canonicalNaN;
        if (f.isZero(a)) return a;
        if (f.neg(a)) {
            fl[0] |= NV;
            return f.canonicalNaN;
        }
        if (f.isInf(a)) return a;
        BigInteger m = f.mag(a);
        int e = f.exp(a);
        if ((e & 1) != 0) {
            m = m.shiftLeft(1);
            e--;
        }
        int k = f.p + 3;                               // root of at least p+3 bits
        BigInteger radicand = m.shiftLeft(2 * k);
        BigInteger root = radicand.sqrt();
        return round(f, false, root, e / 2 - k, !root.multiply(root).equals(radicand), rm, fl);
    }

    /** (a * b) + c with one rounding; negProduct / negAddend give fnmsub, fmsub, fnmadd. */
    static long fma(Format f, long a, long b, long c, boolean negProduct, boolean negAddend, int rm, int[] fl) {
        boolean infTimesZero = (f.isInf(a) && f.isZero(b)) || (f.isZero(a) && f.isInf(b));
        if (anyNaN(f, fl, a, b, c)) {
            if (infTimesZero) fl[0] |= NV;
            return f.canonicalNaN;
        }
        if (infTimesZero) {
            fl[0] |= NV;
            return f.canonicalNaN;
        }
        boolean np = (f.neg(a) != f.neg(b)) != negProduct;
        boolean nc = f.neg(c) != negAddend;
        boolean productInf = f.isInf(a) || f.isInf(b);
        if (productInf || f.isInf(c)) {
            if (productInf && f.isInf(c) && np != nc) {
                fl[0] |= NV;
                return f.canonicalNaN;
            }
            return f.inf(productInf ? np : nc);
        }
        Object[] s = exactSum(np, f.mag(a).multiply(f.mag(b)), f.exp(a) + f.exp(b), nc, f.mag(c), f.exp(c));
        BigInteger mag = (BigInteger) s[1];
        if (mag.signum() == 0) return f.zero(zeroSumSign(np, nc, rm));
        return round(f, (Boolean) s[0], mag, (Integer) s[2], false, rm, fl);
    }

    /** fcvt between formats (S to D is exact). */
    static long convert(Format from, Format to, long a, int rm, int[] fl) {
        if (anyNaN(from, fl, a)) return to.canonicalNaN;
        boolean neg = from.neg(a);
        if (from.isInf(a)) return to.inf(neg);
        if (from.isZero(a)) return to.zero(neg);
        return round(to, neg, from.mag(a), from.exp(a), false, rm, fl);
    }

    private static final BigInteger[][] RANGE = {
        {BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)},       // W
        {BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)},                                 // WU
        {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)},             // L
        {BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)},            // LU
    };

    /**
     * fcvt to an integer; kind 0 = W, 1 = WU, 2 = L, 3 = LU. The value is rounded to an integer in rm; out of
     * range (and infinities) saturate and raise NV, NaN gives the maximum and raises NV, otherwise NX when
     * inexact. 32-bit results are sign-extended (WU too), as the register receives them.
     */
    static long toInteger(Format f, long a, int kind, int rm, int[] fl) {
        BigInteger lo = RANGE[kind][0], hi = RANGE[kind][1];
        BigInteger n;
        if (f.isNaN(a)) {
            fl[0] |= NV;
            return narrow(hi, kind);
        }
        boolean neg = f.neg(a);
        if (f.isInf(a)) {
            fl[0] |= NV;
            return narrow(neg ? lo : hi, kind);
        }
        BigInteger mag = f.mag(a);
        int exp = f.exp(a);
        boolean inexact = false;
        if (exp >= 0) {
            n = mag.shiftLeft(exp);
        } else {
            BigInteger[] r = roundAt(mag, exp, 0, neg, rm);
            n = r[0];
            inexact = r[1] != null;
        }
        if (neg) n = n.negate();
        if (n.compareTo(lo) < 0 || n.compareTo(hi) > 0) {
            fl[0] |= NV;
            return narrow(n.signum() < 0 ? lo : hi, kind);
        }
        if (inexact) fl[0] |= NX;
        return narrow(n, kind);
    }

    private static long narrow(BigInteger n, int kind) {
        long v = n.longValue();                          // two's complement low 64 bits
        return kind < 2 ? (long) (int) v : v;
    }

    /** fcvt from an integer register value; kind 0 = W, 1 = WU, 2 = L, 3 = LU. */
    static long fromInteger(Format f, long x, int kind, int rm, int[] fl) {
        BigInteger n;
        switch (kind) {
            case 0: n = BigInteger.valueOf((int) x); break;
            case 1: n = BigInteger.valueOf(x & 0xFFFF_FFFFL); break;
            case 2: n = BigInteger.valueOf(x); break;
            default: n = new BigInteger(Long.toUnsignedString(x)); break;
        }
        if (n.signum() == 0) return f.zero(false);
        return round(f, n.signum() < 0, n.abs(), 0, false, rm, fl);
    }
}
