package otherworld.emulator;

/**
 * F and D extensions: arithmetic, conversions, comparisons, classification, with the IEEE 754 flags exactly as
 * the ISA manual defines them (tininess after rounding).
 *
 * <p>Two paths give the same answers. {@link SoftFloat} is the definition: exact arithmetic, one rounding, for
 * every input and every rounding mode. The fast path here uses the host's round-to-nearest-even arithmetic
 * where its answer is provably the same: finite operands, a result that is normal (not at the underflow
 * threshold) and below 2^1023 (2^127 for singles), and an exact residue {@code x - r} (two-sum, an fma
 * remainder, or a floating-point expansion for fma) whose sign settles NX and the directed modes. RMM with an
 * inexact result, anything near underflow or overflow, and every NaN or infinity go to SoftFloat. Single
 * operations are computed in double with an exact residue, made round-to-odd, then rounded to single (correct
 * because 53 >= 2 * 24 + 2). Tests compare both paths with a reference written from the manual.
 *
 * <p>NaN rules: a NaN result is the canonical NaN; a single operand that is not properly NaN-boxed reads as
 * the canonical NaN; fmin/fmax return the non-NaN operand; sign injection and moves keep payloads.
 */
final class FloatingPoint {
    private FloatingPoint() {}

    static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

    static final long CANONICAL_NAN_D = 0x7FF8_0000_0000_0000L;
    static final int CANONICAL_NAN_S = 0x7FC0_0000;
    private static final long BOX = 0xFFFF_FFFF_0000_0000L;

    /** "Ask SoftFloat": a signaling NaN, which no arithmetic result ever is. */
    private static final long SLOW = 0x7FF4_0000_0000_0001L;

    /** Below this, residues and remainders might underflow; above 2^1000, sums might overflow. */
    private static final double TINY = 0x1p-900, HUGE = 0x1p1000;

    /** Executes one OP-FP / FMADD-family instruction. Returns false (and changes nothing) if it is illegal. */
    static boolean execute(Hart h, int insn) {
        int opcode = insn & 0x7F;
        int rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rs3 = insn >>> 27;
        int rmField = (insn >>> 12) & 7;
        int fmt = (insn >>> 25) & 3;
        if (fmt > 1) return false;
        boolean dbl = fmt == 1;
        int rm = rmField == 7 ? (h.fcsr >>> 5) & 7 : rmField;
        long[] f = h.f;
        if (opcode != 0x53) {                                   // fused multiply-add family
            if (rm > 4) return false;
            boolean negProduct = opcode == 0x4B || opcode == 0x4F;
            boolean negAddend = opcode == 0x47 || opcode == 0x4F;
            f[rd] = dbl ? fmaD(h, f[rs1], f[rs2], f[rs3], negProduct, negAddend, rm)
                    : fmaS(h, f[rs1], f[rs2], f[rs3], negProduct, negAddend, rm);
            return true;
        }
        int funct5 = insn >>> 27;
        boolean usesRm = funct5 == 0 || funct5 == 1 || funct5 == 2 || funct5 == 3 || funct5 == 11
                || funct5 == 8 || funct5 == 24 || funct5 == 26;
        if (usesRm && rm > 4) return false;
        long[] x = h.x;
        switch (funct5) {
            case 0: case 1: case 2: case 3:                     // fadd fsub fmul fdiv
                if (!dbl) {
                    f[rd] = funct5 == 0 ? addS(h, f[rs1], f[rs2], rm) : funct5 == 1 ? subS(h, f[rs1], f[rs2], rm)
                            : funct5 == 2 ? mulS(h, f[rs1], f[rs2], rm) : divS(h, f[rs1], f[rs2], rm);
                } else if (funct5 == 0) f[rd] = addD(h, f[rs1], f[rs2], rm);
                else if (funct5 == 1) f[rd] = subD(h, f[rs1], f[rs2], rm);
                else if (funct5 == 2) f[rd] = mulD(h, f[rs1], f[rs2], rm);
                else f[rd] = divD(h, f[rs1], f[rs2], rm);
                break;
            case 11:                                            // fsqrt
                if (rs2 != 0) return false;
                f[rd] = dbl ? sqrtD(h, f[rs1], rm) : sqrtS(h, f[rs1], rm);
                break;
            case 4:                                             // fsgnj, fsgnjn, fsgnjx
                if (rmField > 2) return false;
                f[rd] = dbl ? signInjectD(f[rs1], f[rs2], rmField) : signInjectS(f[rs1], f[rs2], rmField);
                break;
            case 5:                                             // fmin, fmax
                if (rmField > 1) return false;
                f[rd] = dbl ? minMaxD(h, f[rs1], f[rs2], rmField == 1) : minMaxS(h, f[rs1], f[rs2], rmField == 1);
                break;
            case 8:                                             // fcvt.s.d (fmt=S, rs2=1) / fcvt.d.s (fmt=D, rs2=0)
                if (dbl && rs2 == 0) f[rd] = widen(h, f[rs1]);
                else if (!dbl && rs2 == 1) f[rd] = narrow(h, f[rs1], rm);
                else return false;
                break;
            case 20:                                            // fle, flt, feq
                if (rmField > 2) return false;
                x[rd] = dbl ? compareD(h, f[rs1], f[rs2], rmField) : compareS(h, f[rs1], f[rs2], rmField);
                break;
            case 24:                                            // fcvt.{w,wu,l,lu}.{s,d}
                if (rs2 > 3) return false;
                x[rd] = dbl ? toIntegerD(h, f[rs1], rs2, rm) : toIntegerS(h, f[rs1], rs2, rm);
                break;
            case 26:                                            // fcvt.{s,d}.{w,wu,l,lu}
                if (rs2 > 3) return false;
                f[rd] = dbl ? fromIntegerD(h, x[rs1], rs2, rm) : fromIntegerS(h, x[rs1], rs2, rm);
                break;
            case 28:                                            // fmv.x.{w,d} / fclass
                if (rs2 != 0 || rmField > 1) return false;
                if (rmField == 0) x[rd] = dbl ? f[rs1] : (long) (int) f[rs1];
                else x[rd] = dbl ? classifyD(f[rs1]) : classifyS(unbox(f[rs1]));
                break;
            case 30:                                            // fmv.{w,d}.x
                if (rs2 != 0 || rmField != 0) return false;
                f[rd] = dbl ? x[rs1] : box((int) x[rs1]);
                break;
            default:
                return false;
        }
        return true;
    }

    /** fcsr's rounding mode for an instruction with rm = 7 (dynamic); frm 5..7 make it illegal. */
    static int dynamicRm(Hart h, int insn) {
        int rm = (h.fcsr >>> 5) & 7;
        if (rm > 4) throw JitSupport.illegal(insn);
        return rm;
    }

    // ---- boxing and classification ----

    static long box(int bits) { return BOX | (bits & 0xFFFF_FFFFL); }

    static int unbox(long reg) { return (reg >>> 32) == 0xFFFF_FFFFL ? (int) reg : CANONICAL_NAN_S; }

    static boolean isSignalingD(long b) {
        return (b & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L && (b & 0x000F_FFFF_FFFF_FFFFL) != 0
                && (b & 0x0008_0000_0000_0000L) == 0;
    }

    static boolean isSignalingS(int b) {
        return (b & 0x7F80_0000) == 0x7F80_0000 && (b & 0x007F_FFFF) != 0 && (b & 0x0040_0000) == 0;
    }

    static long classifyD(long b) {
        double v = Double.longBitsToDouble(b);
        boolean neg = b < 0;
        if (Double.isNaN(v)) return isSignalingD(b) ? 1 << 8 : 1 << 9;
        if (Double.isInfinite(v)) return neg ? 1 : 1 << 7;
        if (v == 0) return neg ? 1 << 3 : 1 << 4;
        if (Math.abs(v) < Double.MIN_NORMAL) return neg ? 1 << 2 : 1 << 5;
        return neg ? 1 << 1 : 1 << 6;
    }

    static long classifyS(int b) {
        float v = Float.intBitsToFloat(b);
        boolean neg = b < 0;
        if (Float.isNaN(v)) return isSignalingS(b) ? 1 << 8 : 1 << 9;
        if (Float.isInfinite(v)) return neg ? 1 : 1 << 7;
        if (v == 0) return neg ? 1 << 3 : 1 << 4;
        if (Math.abs(v) < Float.MIN_NORMAL) return neg ? 1 << 2 : 1 << 5;
        return neg ? 1 << 1 : 1 << 6;
    }

    private static boolean finiteD(long b) { return (b & 0x7FF0_0000_0000_0000L) != 0x7FF0_0000_0000_0000L; }

    private static boolean finiteS(int b) { return (b & 0x7F80_0000) != 0x7F80_0000; }

    // ---- the fast path's rounding ----

    /** Knuth's two-sum: the exact a + b - s, where s = a + b rounded; exact unless a + b overflows. */
    static double twoSumError(double a, double b, double s) {
        double bb = s - a;
        return (a - (s - bb)) + (b - bb);
    }

    /** Normal, above the underflow threshold, below 2^1023: one ulp either way stays normal and finite. */
    private static boolean safeD(double r) {
        double m = Math.abs(r);
        return m > Double.MIN_NORMAL && m < 0x1p1023;
    }

    /**
     * The double result for an exact value x given r = x rounded to nearest even (safe, see {@link #safeD})
     * and the sign of x - r in {@code es}; {@link #SLOW} for an inexact RMM (ties need the exact distance).
     */
    private static long directedD(Hart h, double r, double es, int rm) {
        if (es == 0) return Double.doubleToRawLongBits(r);
        switch (rm) {
            case RNE: break;
            case RTZ: if (r > 0 ? es < 0 : es > 0) r = r > 0 ? Math.nextDown(r) : Math.nextUp(r); break;
            case RDN: if (es < 0) r = Math.nextDown(r); break;
            case RUP: if (es > 0) r = Math.nextUp(r); break;
            default: return SLOW;
        }
        h.fcsr |= NX;
        return Double.doubleToRawLongBits(r);
    }

    /**
     * The single result for an exact value x = d + e (d a double, e exact; only its sign matters), or
     * {@link #SLOW}. x is first rounded to odd in double, then to single.
     */
    private static long toSingle(Hart h, double d, double e, int rm) {
        if (e != 0) {
            if (d == 0) return SLOW;
            double t = (e > 0) == (d > 0) ? d : (d > 0 ? Math.nextDown(d) : Math.nextUp(d));
            d = Double.longBitsToDouble(Double.doubleToRawLongBits(t) | 1);
        }
        float r = (float) d;
        float m = Math.abs(r);
        if (!(m > Float.MIN_NORMAL && m < 0x1p127f)) return d == 0 && e == 0 ? box(Float.floatToRawIntBits(r)) : SLOW;
        double diff = d - r;                                          // exact
        if (diff == 0) return box(Float.floatToRawIntBits(r));
        switch (rm) {
            case RNE: break;
            case RTZ: if (r > 0 ? diff < 0 : diff > 0) r = r > 0 ? Math.nextDown(r) : Math.nextUp(r); break;
            case RDN: if (diff < 0) r = Math.nextDown(r); break;
            case RUP: if (diff > 0) r = Math.nextUp(r); break;
            default: return SLOW;
        }
        h.fcsr |= NX;
        return box(Float.floatToRawIntBits(r));
    }

    /** The sign (as a double) of the exact sum a + b + c + d, by Shewchuk's expansion growth; no overflow. */
    static double sumSign(double a, double b, double c, double d) {
        // [a] grown by b: [h0, q]
        double q = b + a;
        double h0 = twoSumError(b, a, q);
        // grown by c: [g0, g1, q]
        double q2 = c + h0;
        double g0 = twoSumError(c, h0, q2);
        double q3 = q2 + q;
        double g1 = twoSumError(q2, q, q3);
        // grown by d: [k0, k1, k2, q]
        double q4 = d + g0;
        double k0 = twoSumError(d, g0, q4);
        double q5 = q4 + g1;
        double k1 = twoSumError(q4, g1, q5);
        double q6 = q5 + q3;
        double k2 = twoSumError(q5, q3, q6);
        if (q6 != 0) return q6;
        if (k2 != 0) return k2;
        if (k1 != 0) return k1;
        return k0;
    }

    private static long slowFlags(Hart h, int[] fl, long result) {
        h.fcsr |= fl[0];
        return result;
    }

    // ---- arithmetic: double ----

    // Small entry points for the common case, so that the JIT inlines them into translated code: a normal,
    // finite result (which implies finite operands) rounded to nearest even is returned here; everything else
    // goes to arithD, the full fast path with its SoftFloat fallback, which decides again from the operands.

    static long addD(Hart h, long ab, long bb, int rm) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        double s = a + b;
        if (rm == RNE && safeD(s)) return nearestD(h, s, twoSumError(a, b, s));
        return arithD(h, 0, ab, bb, rm);
    }

    static long subD(Hart h, long ab, long bb, int rm) {
        double a = Double.longBitsToDouble(ab), b = -Double.longBitsToDouble(bb);
        double s = a + b;
        if (rm == RNE && safeD(s)) return nearestD(h, s, twoSumError(a, b, s));
        return arithD(h, 1, ab, bb, rm);
    }

    static long mulD(Hart h, long ab, long bb, int rm) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        double p = a * b;
        double m = Math.abs(p);
        if (rm == RNE && m >= TINY && m < 0x1p1023) return nearestD(h, p, Math.fma(a, b, -p));
        return arithD(h, 2, ab, bb, rm);
    }

    static long divD(Hart h, long ab, long bb, int rm) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (rm == RNE && Math.abs(b) >= Double.MIN_NORMAL && Math.abs(a) >= TINY) {
            double q = a / b;
            if (safeD(q)) return nearestD(h, q, Math.fma(-q, b, a));
        }
        return arithD(h, 3, ab, bb, rm);
    }

    static long addS(Hart h, long ar, long br, int rm) { return sumS(h, 0, ar, br, rm); }

    static long subS(Hart h, long ar, long br, int rm) { return sumS(h, 1, ar, br, rm); }

    /** op: 0 fadd.s, 1 fsub.s. */
    private static long sumS(Hart h, int op, long ar, long br, int rm) {
        int ab = unbox(ar), bb = unbox(br);
        if (rm == RNE && finiteS(ab) && finiteS(bb)) {
            double a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
            if (op == 1) b = -b;
            double s = a + b;
            long r = toSingle(h, s, twoSumError(a, b, s), RNE);
            if (r != SLOW) return r;
        }
        return arithS(h, op, ar, br, rm);
    }

    static long mulS(Hart h, long ar, long br, int rm) {
        int ab = unbox(ar), bb = unbox(br);
        if (rm == RNE && finiteS(ab) && finiteS(bb)) {
            long r = toSingle(h, (double) Float.intBitsToFloat(ab) * Float.intBitsToFloat(bb), 0, RNE);   // exact
            if (r != SLOW) return r;
        }
        return arithS(h, 2, ar, br, rm);
    }

    static long divS(Hart h, long ar, long br, int rm) {
        int ab = unbox(ar), bb = unbox(br);
        if (rm == RNE && finiteS(ab) && finiteS(bb)) {
            double a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
            if (b != 0) {
                double q = a / b;
                long r = toSingle(h, q, Math.fma(-q, b, a) * Math.signum(b), RNE);
                if (r != SLOW) return r;
            }
        }
        return arithS(h, 3, ar, br, rm);
    }

    /** r, the value rounded to nearest even, with its residue e (only whether it is zero matters). */
    private static long nearestD(Hart h, double r, double e) {
        if (e != 0) h.fcsr |= NX;
        return Double.doubleToRawLongBits(r);
    }

    /** op: 0 fadd, 1 fsub, 2 fmul, 3 fdiv. */
    static long arithD(Hart h, int op, long ab, long bb, int rm) {
        long r = SLOW;
        if (finiteD(ab) && finiteD(bb)) {
            double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
            switch (op) {
                case 0: case 1: {
                    if (op == 1) b = -b;
                    double s = a + b;
                    if (safeD(s)) r = directedD(h, s, twoSumError(a, b, s), rm);
                    else if (s == 0 && rm != RDN) r = Double.doubleToRawLongBits(s);   // exact (Hauser)
                    break;
                }
                case 2: {
                    double p = a * b;
                    double m = Math.abs(p);
                    if (m >= TINY && m < 0x1p1023) r = directedD(h, p, Math.fma(a, b, -p), rm);
                    else if (a == 0 || b == 0) r = Double.doubleToRawLongBits(p);
                    break;
                }
                default: {
                    if (Math.abs(b) >= Double.MIN_NORMAL && Math.abs(a) >= TINY) {
                        double q = a / b;
                        if (safeD(q)) r = directedD(h, q, Math.fma(-q, b, a) * Math.signum(b), rm);
                    } else if (a == 0 && b != 0) {
                        r = Double.doubleToRawLongBits(a / b);
                    }
                    break;
                }
            }
        }
        if (r != SLOW) return r;
        int[] fl = {0};
        switch (op) {
            case 0: return slowFlags(h, fl, SoftFloat.add(SoftFloat.D, ab, bb, rm, fl));
            case 1: return slowFlags(h, fl, SoftFloat.sub(SoftFloat.D, ab, bb, rm, fl));
            case 2: return slowFlags(h, fl, SoftFloat.mul(SoftFloat.D, ab, bb, rm, fl));
            default: return slowFlags(h, fl, SoftFloat.div(SoftFloat.D, ab, bb, rm, fl));
        }
    }

    static long sqrtD(Hart h, long ab, int rm) {
        double a = Double.longBitsToDouble(ab);
        if (a >= TINY && a < Double.POSITIVE_INFINITY) {
            double r = Math.sqrt(a);
            long res = directedD(h, r, Math.fma(-r, r, a), rm);
            if (res != SLOW) return res;
        } else if (a == 0) {
            return ab;
        }
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.sqrt(SoftFloat.D, ab, rm, fl));
    }

    static long fmaD(Hart h, long ab, long bb, long cb, boolean negProduct, boolean negAddend, int rm) {
        if (finiteD(ab) && finiteD(bb) && finiteD(cb)) {
            double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb), c = Double.longBitsToDouble(cb);
            if (negProduct) a = -a;
            if (negAddend) c = -c;
            double p = a * b;
            double mp = Math.abs(p);
            if ((p == 0 ? a == 0 || b == 0 : mp >= TINY && mp < HUGE) && Math.abs(c) < HUGE) {
                double r = Math.fma(a, b, c);
                if (safeD(r)) {
                    long res = directedD(h, r, sumSign(p, Math.fma(a, b, -p), c, -r), rm);
                    if (res != SLOW) return res;
                }
            }
        }
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.fma(SoftFloat.D, ab, bb, cb, negProduct, negAddend, rm, fl));
    }

    // ---- arithmetic: single (register values in, register values out) ----

    static long arithS(Hart h, int op, long ar, long br, int rm) {
        int ab = unbox(ar), bb = unbox(br);
        long r = SLOW;
        if (finiteS(ab) && finiteS(bb)) {
            double a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
            switch (op) {
                case 0: case 1: {
                    if (op == 1) b = -b;
                    double s = a + b;
                    if (s == 0 && rm == RDN) break;
                    r = toSingle(h, s, twoSumError(a, b, s), rm);
                    break;
                }
                case 2: r = toSingle(h, a * b, 0, rm); break;                   // exact in double
                default:
                    if (b != 0) {
                        double q = a / b;
                        r = toSingle(h, q, Math.fma(-q, b, a) * Math.signum(b), rm);
                    }
                    break;
            }
        }
        if (r != SLOW) return r;
        int[] fl = {0};
        long res;
        switch (op) {
            case 0: res = SoftFloat.add(SoftFloat.S, ab & 0xFFFF_FFFFL, bb & 0xFFFF_FFFFL, rm, fl); break;
            case 1: res = SoftFloat.sub(SoftFloat.S, ab & 0xFFFF_FFFFL, bb & 0xFFFF_FFFFL, rm, fl); break;
            case 2: res = SoftFloat.mul(SoftFloat.S, ab & 0xFFFF_FFFFL, bb & 0xFFFF_FFFFL, rm, fl); break;
            default: res = SoftFloat.div(SoftFloat.S, ab & 0xFFFF_FFFFL, bb & 0xFFFF_FFFFL, rm, fl); break;
        }
        return slowFlags(h, fl, box((int) res));
    }

    static long sqrtS(Hart h, long ar, int rm) {
        int ab = unbox(ar);
        double a = Float.intBitsToFloat(ab);
        if (a > 0 && finiteS(ab)) {
            double r = Math.sqrt(a);
            long res = toSingle(h, r, Math.fma(-r, r, a), rm);
            if (res != SLOW) return res;
        } else if (a == 0) {
            return box(ab);
        }
        int[] fl = {0};
        return slowFlags(h, fl, box((int) SoftFloat.sqrt(SoftFloat.S, ab & 0xFFFF_FFFFL, rm, fl)));
    }

    static long fmaS(Hart h, long ar, long br, long cr, boolean negProduct, boolean negAddend, int rm) {
        int ab = unbox(ar), bb = unbox(br), cb = unbox(cr);
        if (finiteS(ab) && finiteS(bb) && finiteS(cb)) {
            double a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb), c = Float.intBitsToFloat(cb);
            if (negProduct) a = -a;
            if (negAddend) c = -c;
            double p = a * b;                                                   // exact
            double s = p + c;
            if (s != 0 || rm != RDN) {
                long res = toSingle(h, s, twoSumError(p, c, s), rm);
                if (res != SLOW) return res;
            }
        }
        int[] fl = {0};
        return slowFlags(h, fl, box((int) SoftFloat.fma(SoftFloat.S, ab & 0xFFFF_FFFFL, bb & 0xFFFF_FFFFL,
                cb & 0xFFFF_FFFFL, negProduct, negAddend, rm, fl)));
    }

    // ---- sign injection, min/max, compare ----

    static long signInjectD(long a, long b, int kind) {
        long sign = kind == 0 ? b : kind == 1 ? ~b : a ^ b;
        return (a & Long.MAX_VALUE) | (sign & Long.MIN_VALUE);
    }

    static long signInjectS(long ar, long br, int kind) {
        int a = unbox(ar), b = unbox(br);
        int sign = kind == 0 ? b : kind == 1 ? ~b : a ^ b;
        return box((a & Integer.MAX_VALUE) | (sign & Integer.MIN_VALUE));
    }

    static long minMaxD(Hart h, long ab, long bb, boolean max) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (isSignalingD(ab) || isSignalingD(bb)) h.fcsr |= NV;
        if (Double.isNaN(a) && Double.isNaN(b)) return CANONICAL_NAN_D;
        if (Double.isNaN(a)) return bb;
        if (Double.isNaN(b)) return ab;
        return Double.doubleToRawLongBits(max ? Math.max(a, b) : Math.min(a, b));
    }

    static long minMaxS(Hart h, long ar, long br, boolean max) {
        int ab = unbox(ar), bb = unbox(br);
        float a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
        if (isSignalingS(ab) || isSignalingS(bb)) h.fcsr |= NV;
        if (Float.isNaN(a) && Float.isNaN(b)) return box(CANONICAL_NAN_S);
        if (Float.isNaN(a)) return box(bb);
        if (Float.isNaN(b)) return box(ab);
        return box(Float.floatToRawIntBits(max ? Math.max(a, b) : Math.min(a, b)));
    }

    /** rel: 0 = fle, 1 = flt, 2 = feq. feq signals only on sNaN; flt/fle on any NaN. */
    static long compareD(Hart h, long ab, long bb, int rel) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (Double.isNaN(a) || Double.isNaN(b)) {
            if (rel != 2 || isSignalingD(ab) || isSignalingD(bb)) h.fcsr |= NV;
            return 0;
        }
        return (rel == 0 ? a <= b : rel == 1 ? a < b : a == b) ? 1 : 0;
    }

    static long compareS(Hart h, long ar, long br, int rel) {
        int ab = unbox(ar), bb = unbox(br);
        float a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
        if (Float.isNaN(a) || Float.isNaN(b)) {
            if (rel != 2 || isSignalingS(ab) || isSignalingS(bb)) h.fcsr |= NV;
            return 0;
        }
        return (rel == 0 ? a <= b : rel == 1 ? a < b : a == b) ? 1 : 0;
    }

    // ---- conversions ----

    /** fcvt.d.s: exact; a NaN becomes the canonical NaN (NV if it was signaling). */
    static long widen(Hart h, long ar) {
        int sb = unbox(ar);
        if (finiteS(sb)) return Double.doubleToRawLongBits(Float.intBitsToFloat(sb));
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.convert(SoftFloat.S, SoftFloat.D, sb & 0xFFFF_FFFFL, RNE, fl));
    }

    /** fcvt.s.d. */
    static long narrow(Hart h, long db, int rm) {
        if (finiteD(db)) {
            long r = toSingle(h, Double.longBitsToDouble(db), 0, rm);
            if (r != SLOW) return r;
        }
        int[] fl = {0};
        return slowFlags(h, fl, box((int) SoftFloat.convert(SoftFloat.D, SoftFloat.S, db, rm, fl)));
    }

    static long toIntegerD(Hart h, long db, int kind, int rm) {
        if (finiteD(db)) {
            long r = toIntegerFast(h, Double.longBitsToDouble(db), kind, rm);
            if (r != SLOW) return r;
        }
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.toInteger(SoftFloat.D, db, kind, rm, fl));
    }

    static long toIntegerS(Hart h, long ar, int kind, int rm) {
        int sb = unbox(ar);
        if (finiteS(sb)) {
            long r = toIntegerFast(h, Float.intBitsToFloat(sb), kind, rm);
            if (r != SLOW) return r;
        }
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.toInteger(SoftFloat.S, sb & 0xFFFF_FFFFL, kind, rm, fl));
    }

    /** v finite; {@link #SLOW} when the result is out of range (SoftFloat saturates and raises NV). */
    private static long toIntegerFast(Hart h, double v, int kind, int rm) {
        double r = v;
        if (Math.abs(v) < 0x1p52) {                    // otherwise v is already an integer
            switch (rm) {
                case RNE: r = Math.rint(v); break;
                case RTZ: r = v < 0 ? Math.ceil(v) : Math.floor(v); break;
                case RDN: r = Math.floor(v); break;
                case RUP: r = Math.ceil(v); break;
                default: {
                    double t = v < 0 ? Math.ceil(v) : Math.floor(v);
                    r = Math.abs(v - t) >= 0.5 ? t + Math.signum(v) : t;
                    break;
                }
            }
        }
        long result;
        switch (kind) {
            case 0:
                if (!(r >= -0x1p31 && r <= 0x1p31 - 1)) return SLOW;
                result = (long) r;
                break;
            case 1:
                if (!(r >= 0 && r <= 0x1p32 - 1)) return SLOW;
                result = (int) (long) r;
                break;
            case 2:
                if (!(r >= -0x1p63 && r < 0x1p63)) return SLOW;
                result = (long) r;
                break;
            default:
                if (!(r >= 0 && r < 0x1p64)) return SLOW;
                result = r >= 0x1p63 ? (long) (r - 0x1p63) ^ Long.MIN_VALUE : (long) r;
                break;
        }
        if (r != v) h.fcsr |= NX;
        return result;
    }

    /** The integer source of fcvt.{s,d}.{w,wu,l,lu} as an exact double, or NaN if it needs more than 53 bits. */
    private static double exactIntegerSource(long x, int kind) {
        switch (kind) {
            case 0: return (int) x;
            case 1: return x & 0xFFFF_FFFFL;
            case 2: return x >= -(1L << 53) && x <= 1L << 53 ? (double) x : Double.NaN;
            default: return x >= 0 && x <= 1L << 53 ? (double) x : Double.NaN;
        }
    }

    static long fromIntegerD(Hart h, long x, int kind, int rm) {
        double d = exactIntegerSource(x, kind);
        if (d == d) return Double.doubleToRawLongBits(d);
        int[] fl = {0};
        return slowFlags(h, fl, SoftFloat.fromInteger(SoftFloat.D, x, kind, rm, fl));
    }

    static long fromIntegerS(Hart h, long x, int kind, int rm) {
        double d = exactIntegerSource(x, kind);
        if (d == d) {
            long r = toSingle(h, d, 0, rm);
            if (r != SLOW) return r;
        }
        int[] fl = {0};
        return slowFlags(h, fl, box((int) SoftFloat.fromInteger(SoftFloat.S, x, kind, rm, fl)));
    }
}
