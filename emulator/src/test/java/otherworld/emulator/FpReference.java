package otherworld.emulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The F and D semantics as the ISA manual states them, for tests: IEEE 754-2008 with default exception handling,
 * tininess detected after rounding, canonical NaNs. Written independently of {@link SoftFloat} and {@link
 * FloatingPoint}: the exact result is a real number known only through comparisons with exact binary
 * fractions ({@link Dy}: a quotient a/b through a - m*b, a root through a - m*m), and rounding picks between
 * the two neighbouring grid points found by those comparisons, once with the format's exponent range and once
 * without (tininess). Slow and simple on purpose.
 */
final class FpReference {
    private FpReference() {}

    /** A result: raw bits (single in the low 32) and the flags raised. */
    record Result(long bits, int flags) {
        @Override
        public String toString() { return String.format("0x%x flags %s", bits, flagNames(flags)); }
    }

    static String flagNames(int f) {
        StringBuilder b = new StringBuilder();
        if ((f & 16) != 0) b.append("NV ");
        if ((f & 8) != 0) b.append("DZ ");
        if ((f & 4) != 0) b.append("OF ");
        if ((f & 2) != 0) b.append("UF ");
        if ((f & 1) != 0) b.append("NX ");
        return b.length() == 0 ? "-" : b.toString().trim();
    }

    static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

    /** A format: precision, exponent bits. */
    static final class Fmt {
        final int p, w, emin, emax;
        Fmt(int p, int w) {
            this.p = p;
            this.w = w;
            this.emax = (1 << (w - 1)) - 1;
            this.emin = 1 - emax;
        }
        long signMask() { return 1L << (p + w - 1); }
        long expAll() { return ((1L << w) - 1) << (p - 1); }
        long fracMask() { return (1L << (p - 1)) - 1; }
        boolean isNaN(long b) { return (b & expAll()) == expAll() && (b & fracMask()) != 0; }
        boolean isInf(long b) { return (b & expAll()) == expAll() && (b & fracMask()) == 0; }
        boolean isSNaN(long b) { return isNaN(b) && (b & (1L << (p - 2))) == 0; }
        boolean neg(long b) { return (b & signMask()) != 0; }
        boolean isZero(long b) { return (b & ~signMask()) == 0; }
        long nan() { return expAll() | 1L << (p - 2); }
        long inf(boolean neg) { return (neg ? signMask() : 0) | expAll(); }
    }

    static final Fmt S = new Fmt(24, 8), D = new Fmt(53, 11);

    /** An exact binary fraction n * 2^e. */
    record Dy(BigInteger n, int e) {
        static Dy of(long n, int e) { return new Dy(BigInteger.valueOf(n), e); }
        static Dy pow2(int e) { return new Dy(BigInteger.ONE, e); }
        int signum() { return n.signum(); }
        Dy negate() { return new Dy(n.negate(), e); }
        Dy abs() { return new Dy(n.abs(), e); }
        Dy add(Dy o) {
            int m = Math.min(e, o.e);
            return new Dy(n.shiftLeft(e - m).add(o.n.shiftLeft(o.e - m)), m);
        }
        Dy multiply(Dy o) { return new Dy(n.multiply(o.n), e + o.e); }
        int compareTo(Dy o) {
            int m = Math.min(e, o.e);
            return n.shiftLeft(e - m).compareTo(o.n.shiftLeft(o.e - m));
        }
    }

    /** The exact value of a finite encoding. */
    static Dy value(Fmt f, long b) {
        long e = (b & f.expAll()) >>> (f.p - 1);
        long frac = b & f.fracMask();
        long m = e == 0 ? frac : frac | 1L << (f.p - 1);
        int exp = (int) (e == 0 ? f.emin : e - f.emax) - (f.p - 1);
        return Dy.of(f.neg(b) ? -m : m, exp);
    }

    /** An exact real known by comparisons: {@code cmp(m)} is the sign of (x - m). */
    interface Real {
        int cmp(Dy m);
        /** An approximation within a few units of its last place, to start the search. */
        Dy approx();
    }

    static Real exact(Dy v) {
        return new Real() {
            public int cmp(Dy m) { return v.compareTo(m); }
            public Dy approx() { return v; }
        };
    }

    // ---- rounding by definition ----

    /** Rounds the nonzero real x to format f in mode rm; sets NX, UF (tiny after rounding, inexact), OF. */
    static Result round(Fmt f, Real x, int rm) {
        boolean neg = x.cmp(Dy.of(0, 0)) < 0;
        Real ax = neg ? negate(x) : x;
        int e = log2Floor(ax);
        int q = Math.max(e, f.emin) - f.p + 1;                      // the grid with the format's exponent range
        int[] flags = {0};
        BigInteger k = roundToGrid(ax, q, neg, rm, flags);
        boolean inexact = (flags[0] & NX) != 0;
        int fl = inexact ? NX : 0;
        if (e < f.emin && inexact) {
            int[] ignore = {0};
            BigInteger ku = roundToGrid(ax, e - f.p + 1, neg, rm, ignore);   // the grid with no lower limit
            if (new Dy(ku, e - f.p + 1).compareTo(Dy.pow2(f.emin)) < 0) fl |= UF;
        }
        if (k.bitLength() > f.p) {                                   // 2^p: the next binade
            k = k.shiftRight(1);
            q++;
        }
        if (k.signum() != 0 && q + k.bitLength() - 1 > f.emax) {
            boolean toInf = rm == 0 || rm == 4 || (rm == 2 && neg) || (rm == 3 && !neg);
            return new Result(toInf ? f.inf(neg) : f.inf(neg) - 1, OF | NX);
        }
        long sign = neg ? f.signMask() : 0;
        if (k.bitLength() < f.p) return new Result(sign | k.longValue(), fl);            // subnormal or zero
        return new Result(sign | (long) (q + f.p - 1 + f.emax) << (f.p - 1) | (k.longValue() & f.fracMask()), fl);
    }

    private static Real negate(Real x) {
        return new Real() {
            public int cmp(Dy m) { return -x.cmp(m.negate()); }
            public Dy approx() { return x.approx().negate(); }
        };
    }

    /** floor(log2 x) for x > 0. */
    private static int log2Floor(Real x) {
        Dy a = x.approx().abs();
        int e = a.signum() == 0 ? -1100 : a.e() + a.n().bitLength() - 1;
        while (x.cmp(Dy.pow2(e)) < 0) e--;
        while (x.cmp(Dy.pow2(e + 1)) >= 0) e++;
        return e;
    }

    /** x > 0 rounded to a multiple k * 2^q; NX in flags when x is not such a multiple. */
    private static BigInteger roundToGrid(Real x, int q, boolean neg, int rm, int[] flags) {
        Dy a = x.approx().abs();
        BigInteger k = a.e() >= q ? a.n().shiftLeft(a.e() - q) : a.n().shiftRight(q - a.e());
        while (x.cmp(new Dy(k, q)) < 0) k = k.subtract(BigInteger.ONE);
        while (x.cmp(new Dy(k.add(BigInteger.ONE), q)) >= 0) k = k.add(BigInteger.ONE);
        if (x.cmp(new Dy(k, q)) == 0) return k;
        flags[0] |= NX;
        int mid = x.cmp(new Dy(k.shiftLeft(1).add(BigInteger.ONE), q - 1));
        boolean up;
        switch (rm) {
            case 0: up = mid > 0 || (mid == 0 && k.testBit(0)); break;
            case 1: up = false; break;
            case 2: up = neg; break;
            case 3: up = !neg; break;
            default: up = mid >= 0; break;
        }
        return up ? k.add(BigInteger.ONE) : k;
    }

    // ---- operations ----

    private static Result nanResult(Fmt f, int flags, long... in) {
        for (long b : in) if (f.isSNaN(b)) flags |= NV;
        return new Result(f.nan(), flags);
    }

    private static boolean anyNaN(Fmt f, long... in) {
        for (long b : in) if (f.isNaN(b)) return true;
        return false;
    }

    /** A zero or a rounded nonzero exact value; zeroNeg is the sign an exact zero takes. */
    private static Result roundExact(Fmt f, Dy v, boolean zeroNeg, int rm) {
        if (v.signum() == 0) return new Result(zeroNeg ? f.signMask() : 0, 0);
        return round(f, exact(v), rm);
    }

    /** op: 0 add, 1 sub, 2 mul, 3 div. */
    static Result arith(Fmt f, int op, long a, long b, int rm) {
        if (anyNaN(f, a, b)) return nanResult(f, 0, a, b);
        if (op == 1) {
            b ^= f.signMask();
            op = 0;
        }
        boolean na = f.neg(a), nb = f.neg(b);
        switch (op) {
            case 0: {
                if (f.isInf(a) && f.isInf(b) && na != nb) return new Result(f.nan(), NV);
                if (f.isInf(a)) return new Result(a, 0);
                if (f.isInf(b)) return new Result(b, 0);
                Dy s = value(f, a).add(value(f, b));
                return roundExact(f, s, na == nb ? na : rm == 2, rm);
            }
            case 2: {
                boolean neg = na != nb;
                if ((f.isInf(a) && f.isZero(b)) || (f.isZero(a) && f.isInf(b))) return new Result(f.nan(), NV);
                if (f.isInf(a) || f.isInf(b)) return new Result(f.inf(neg), 0);
                return roundExact(f, value(f, a).multiply(value(f, b)), neg, rm);
            }
            default: {
                boolean neg = na != nb;
                if (f.isInf(a) && f.isInf(b)) return new Result(f.nan(), NV);
                if (f.isZero(a) && f.isZero(b)) return new Result(f.nan(), NV);
                if (f.isInf(a)) return new Result(f.inf(neg), 0);
                if (f.isInf(b)) return new Result(neg ? f.signMask() : 0, 0);
                if (f.isZero(b)) return new Result(f.inf(neg), DZ);
                if (f.isZero(a)) return new Result(neg ? f.signMask() : 0, 0);
                Dy va = value(f, a), vb = value(f, b);
                int shift = 64 + Math.max(0, vb.n().bitLength() - va.n().bitLength());
                Dy approx = new Dy(va.n().shiftLeft(shift).divide(vb.n()), va.e() - vb.e() - shift);
                Real q = new Real() {
                    public int cmp(Dy m) { return va.add(m.multiply(vb).negate()).signum() * vb.signum(); }
                    public Dy approx() { return approx; }
                };
                return round(f, q, rm);
            }
        }
    }

    static Result sqrt(Fmt f, long a, int rm) {
        if (f.isNaN(a)) return nanResult(f, 0, a);
        if (f.isZero(a)) return new Result(a, 0);
        if (f.neg(a)) return new Result(f.nan(), NV);
        if (f.isInf(a)) return new Result(a, 0);
        Dy va = value(f, a);
        BigInteger n = va.n();
        int e = va.e();
        if ((e & 1) != 0) {
            n = n.shiftLeft(1);
            e--;
        }
        Dy approx = new Dy(n.shiftLeft(128).sqrt(), e / 2 - 64);
        Real r = new Real() {
            public int cmp(Dy m) { return m.signum() < 0 ? 1 : va.compareTo(m.multiply(m)); }
            public Dy approx() { return approx; }
        };
        return round(f, r, rm);
    }

    /** fmadd (negP, negC false), fmsub (negC), fnmsub (negP), fnmadd (both): (+-a*b) +- c. */
    static Result fma(Fmt f, long a, long b, long c, boolean negP, boolean negC, int rm) {
        boolean invalidProduct = (f.isInf(a) && f.isZero(b)) || (f.isZero(a) && f.isInf(b));
        if (anyNaN(f, a, b, c)) return nanResult(f, invalidProduct ? NV : 0, a, b, c);
        if (invalidProduct) return new Result(f.nan(), NV);
        boolean np = (f.neg(a) != f.neg(b)) != negP, nc = f.neg(c) != negC;
        boolean pInf = f.isInf(a) || f.isInf(b);
        if (pInf && f.isInf(c) && np != nc) return new Result(f.nan(), NV);
        if (pInf) return new Result(f.inf(np), 0);
        if (f.isInf(c)) return new Result(f.inf(nc), 0);
        Dy p = value(f, a).multiply(value(f, b));
        if (negP) p = p.negate();
        Dy vc = value(f, c);
        if (negC) vc = vc.negate();
        return roundExact(f, p.add(vc), np == nc ? np : rm == 2, rm);
    }

    static Result convert(Fmt from, Fmt to, long a, int rm) {
        if (from.isNaN(a)) return new Result(to.nan(), from.isSNaN(a) ? NV : 0);
        if (from.isInf(a)) return new Result(to.inf(from.neg(a)), 0);
        return roundExact(to, value(from, a), from.neg(a), rm);
    }

    /** kind 0 W, 1 WU, 2 L, 3 LU; the register value (32-bit results sign-extended). */
    static Result toInteger(Fmt f, long a, int kind, int rm) {
        BigInteger lo = kind == 0 ? BigInteger.valueOf(Integer.MIN_VALUE) : kind == 2 ? BigInteger.valueOf(Long.MIN_VALUE) : BigInteger.ZERO;
        BigInteger hi = kind == 0 ? BigInteger.valueOf(Integer.MAX_VALUE) : kind == 1 ? BigInteger.valueOf(0xFFFF_FFFFL)
                : kind == 2 ? BigInteger.valueOf(Long.MAX_VALUE) : BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        if (f.isNaN(a)) return new Result(reg(hi, kind), NV);
        if (f.isInf(a)) return new Result(reg(f.neg(a) ? lo : hi, kind), NV);
        BigDecimal v = toDecimal(value(f, a));
        RoundingMode mode;
        switch (rm) {
            case 0: mode = RoundingMode.HALF_EVEN; break;
            case 1: mode = RoundingMode.DOWN; break;
            case 2: mode = RoundingMode.FLOOR; break;
            case 3: mode = RoundingMode.CEILING; break;
            default: mode = RoundingMode.HALF_UP; break;
        }
        BigDecimal r = v.setScale(0, mode);
        BigInteger n = r.toBigIntegerExact();
        if (n.compareTo(lo) < 0) return new Result(reg(lo, kind), NV);
        if (n.compareTo(hi) > 0) return new Result(reg(hi, kind), NV);
        return new Result(reg(n, kind), r.compareTo(v) != 0 ? NX : 0);
    }

    private static long reg(BigInteger n, int kind) {
        long v = n.longValue();
        return kind < 2 ? (int) v : v;
    }

    static Result fromInteger(Fmt f, long x, int kind, int rm) {
        BigInteger n = kind == 0 ? BigInteger.valueOf((int) x) : kind == 1 ? BigInteger.valueOf(x & 0xFFFF_FFFFL)
                : kind == 2 ? BigInteger.valueOf(x) : new BigInteger(Long.toUnsignedString(x));
        return roundExact(f, new Dy(n, 0), false, rm);
    }

    private static BigDecimal toDecimal(Dy v) {
        BigDecimal n = new BigDecimal(v.n());
        return v.e() >= 0 ? n.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(v.e())))
                : n.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-v.e())));
    }
}
