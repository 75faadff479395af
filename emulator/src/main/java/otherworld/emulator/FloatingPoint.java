package otherworld.emulator;

/**
 * F and D extensions: arithmetic, conversions, comparisons, classification, with IEEE 754 flags.
 *
 * <p>Rounding: Java computes round-to-nearest-even (RNE). For the other modes the RNE result {@code r} is
 * corrected by one ulp using the sign of the rounding error {@code e = exact - r}, which is computed exactly
 * for add/sub (two-sum), mul and fma products (fma residue), div and sqrt (fma remainder) and integer
 * conversions. Single-precision results are computed in double, made "round-to-odd" with the error, and then
 * rounded to single, which is correctly rounded in every mode (53 >= 2*24 + 2). Known gaps: for a double fma
 * the error is an approximation (its sign can be wrong when the residue underflows or the intermediate
 * product overflows), RMM ties of double mul/div in the subnormal range round as RNE, and tininess for UF is
 * detected after rounding.
 *
 * <p>NaN rules: any NaN result is the canonical NaN; a single operand that is not properly NaN-boxed reads as
 * the canonical NaN; fmin/fmax return the non-NaN operand; sign injection and moves keep payloads.
 */
final class FloatingPoint {
    private FloatingPoint() {}

    static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

    static final long CANONICAL_NAN_D = 0x7FF8_0000_0000_0000L;
    static final int CANONICAL_NAN_S = 0x7FC0_0000;
    private static final long BOX = 0xFFFF_FFFF_0000_0000L;

    /** Executes one OP-FP / FMADD-family instruction. Returns false (and changes nothing) if it is illegal. */
    static boolean execute(Hart h, int insn) {
        int opcode = insn & 0x7F;
        int rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31, rs3 = insn >>> 27;
        int rmField = (insn >>> 12) & 7;
        int fmt = (insn >>> 25) & 3;
        if (fmt > 1) return false;
        boolean dbl = fmt == 1;
        int rm = rmField == 7 ? (h.fcsr >>> 5) & 7 : rmField;
        Flags fl = new Flags();
        long[] f = h.f;
        if (opcode != 0x53) {                                   // fused multiply-add family
            if (rm > 4) return false;
            boolean negProduct = opcode == 0x4B || opcode == 0x4F;
            boolean negAddend = opcode == 0x47 || opcode == 0x4F;
            if (dbl) {
                f[rd] = fmaD(f[rs1], f[rs2], f[rs3], negProduct, negAddend, rm, fl);
            } else {
                f[rd] = box(fmaS(unbox(f[rs1]), unbox(f[rs2]), unbox(f[rs3]), negProduct, negAddend, rm, fl));
            }
            h.fcsr |= fl.bits;
            return true;
        }
        int funct5 = insn >>> 27;
        boolean usesRm = funct5 == 0 || funct5 == 1 || funct5 == 2 || funct5 == 3 || funct5 == 11
                || funct5 == 8 || funct5 == 24 || funct5 == 26;
        if (usesRm && rm > 4) return false;
        long[] x = h.x;
        switch (funct5) {
            case 0: case 1: case 2: case 3: {                   // fadd fsub fmul fdiv
                if (dbl) f[rd] = arithD(funct5, f[rs1], f[rs2], rm, fl);
                else f[rd] = box(arithS(funct5, unbox(f[rs1]), unbox(f[rs2]), rm, fl));
                break;
            }
            case 11: {                                          // fsqrt
                if (rs2 != 0) return false;
                if (dbl) f[rd] = sqrtD(f[rs1], rm, fl);
                else f[rd] = box(sqrtS(unbox(f[rs1]), rm, fl));
                break;
            }
            case 4: {                                           // fsgnj, fsgnjn, fsgnjx
                if (rmField > 2) return false;
                if (dbl) {
                    long a = f[rs1], b = f[rs2];
                    long sign = rmField == 0 ? b : rmField == 1 ? ~b : a ^ b;
                    f[rd] = (a & Long.MAX_VALUE) | (sign & Long.MIN_VALUE);
                } else {
                    int a = unbox(f[rs1]), b = unbox(f[rs2]);
                    int sign = rmField == 0 ? b : rmField == 1 ? ~b : a ^ b;
                    f[rd] = box((a & Integer.MAX_VALUE) | (sign & Integer.MIN_VALUE));
                }
                break;
            }
            case 5: {                                           // fmin, fmax
                if (rmField > 1) return false;
                if (dbl) f[rd] = minMaxD(f[rs1], f[rs2], rmField == 1, fl);
                else f[rd] = box(minMaxS(unbox(f[rs1]), unbox(f[rs2]), rmField == 1, fl));
                break;
            }
            case 8: {                                           // fcvt.s.d (fmt=S, rs2=1) / fcvt.d.s (fmt=D, rs2=0)
                if (dbl && rs2 == 0) {
                    f[rd] = widen(unbox(f[rs1]), fl);
                } else if (!dbl && rs2 == 1) {
                    f[rd] = box(narrow(f[rs1], rm, fl));
                } else {
                    return false;
                }
                break;
            }
            case 20: {                                          // fle, flt, feq
                if (rmField > 2) return false;
                x[rd] = dbl ? compareD(f[rs1], f[rs2], rmField, fl) : compareS(unbox(f[rs1]), unbox(f[rs2]), rmField, fl);
                break;
            }
            case 24: {                                          // fcvt.{w,wu,l,lu}.{s,d}
                if (rs2 > 3) return false;
                double v = dbl ? Double.longBitsToDouble(f[rs1]) : floatValue(unbox(f[rs1]));
                x[rd] = toInteger(v, rs2, rm, fl);
                break;
            }
            case 26: {                                          // fcvt.{s,d}.{w,wu,l,lu}
                if (rs2 > 3) return false;
                long src = x[rs1];
                f[rd] = fromInteger(src, rs2, dbl, rm, fl);
                break;
            }
            case 28: {                                          // fmv.x.{w,d} / fclass
                if (rs2 != 0 || rmField > 1) return false;
                if (rmField == 0) x[rd] = dbl ? f[rs1] : (long) (int) f[rs1];
                else x[rd] = dbl ? classifyD(f[rs1]) : classifyS(unbox(f[rs1]));
                break;
            }
            case 30: {                                          // fmv.{w,d}.x
                if (rs2 != 0 || rmField != 0) return false;
                f[rd] = dbl ? x[rs1] : box((int) x[rs1]);
                break;
            }
            default:
                return false;
        }
        h.fcsr |= fl.bits;
        return true;
    }

    /** Accumulated exception flags of one instruction. */
    static final class Flags {
        int bits;
    }

    // ---- boxing and classification ----

    static long box(int bits) { return BOX | (bits & 0xFFFF_FFFFL); }

    static int unbox(long reg) { return (reg >>> 32) == 0xFFFF_FFFFL ? (int) reg : CANONICAL_NAN_S; }

    /** Float bits to a double value; NaNs come out as some NaN (callers test for NaN from the bits). */
    static double floatValue(int bits) { return Float.intBitsToFloat(bits); }

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

    // ---- rounding core ----

    /**
     * Rounds the exact value {@code r + e} (r = its RNE double rounding, e of the right sign and exact when it
     * matters for ties) in mode rm; r is finite. Sets NX, OF, UF.
     */
    static double roundD(double r, double e, int rm, Flags fl) {
        if (Double.isInfinite(r)) {                                        // overflow from finite operands
            fl.bits |= OF | NX;
            boolean pos = r > 0;
            switch (rm) {
                case RTZ: return pos ? Double.MAX_VALUE : -Double.MAX_VALUE;
                case RDN: return pos ? Double.MAX_VALUE : r;
                case RUP: return pos ? r : -Double.MAX_VALUE;
                default: return r;
            }
        }
        if (e == 0 || Double.isNaN(e)) return r;
        fl.bits |= NX;
        double res = r;
        switch (rm) {
            case RTZ:
                if (r > 0 && e < 0) res = Math.nextDown(r);
                else if (r < 0 && e > 0) res = Math.nextUp(r);
                break;
            case RDN: if (e < 0) res = Math.nextDown(r); break;
            case RUP: if (e > 0) res = Math.nextUp(r); break;
            case RMM: {
                double n = e > 0 ? Math.nextUp(r) : Math.nextDown(r);
                if (Math.abs(e) * 2 == Math.abs(n - r) && Math.abs(n) > Math.abs(r)) res = n;
                break;
            }
            default: break;
        }
        if (Double.isInfinite(res)) fl.bits |= OF;
        if (Math.abs(res) < Double.MIN_NORMAL) fl.bits |= UF;
        if (res == 0 && r != 0) res = Math.copySign(0.0, r);
        return res;
    }

    /** Rounds the exact value d + e (d finite double, e its residue) to single precision in mode rm. */
    static int roundS(double d, double e, int rm, Flags fl) {
        if (e != 0 && !Double.isNaN(e)) {
            // round to odd: truncate x = d + e toward zero to a double, then force the last bit to 1.
            double t = (e > 0) == (d > 0) || d == 0 ? d : (d > 0 ? Math.nextDown(d) : Math.nextUp(d));
            if (t == 0) t = e > 0 ? Double.MIN_VALUE : -Double.MIN_VALUE;
            d = Double.longBitsToDouble(Double.doubleToRawLongBits(t) | 1);
            fl.bits |= NX;
        }
        float r = (float) d;
        if (Float.isInfinite(r)) {
            fl.bits |= OF | NX;
            boolean pos = r > 0;
            switch (rm) {
                case RTZ: return Float.floatToRawIntBits(pos ? Float.MAX_VALUE : -Float.MAX_VALUE);
                case RDN: return Float.floatToRawIntBits(pos ? Float.MAX_VALUE : r);
                case RUP: return Float.floatToRawIntBits(pos ? r : -Float.MAX_VALUE);
                default: return Float.floatToRawIntBits(r);
            }
        }
        double diff = d - (double) r;                                      // exact: x - r, x = d (to odd)
        if (diff == 0) return Float.floatToRawIntBits(r);
        fl.bits |= NX;
        float res = r;
        switch (rm) {
            case RTZ:
                if (r > 0 && diff < 0) res = Math.nextDown(r);
                else if (r < 0 && diff > 0) res = Math.nextUp(r);
                else if (r == 0) res = r;
                break;
            case RDN: if (diff < 0) res = Math.nextDown(r); break;
            case RUP: if (diff > 0) res = Math.nextUp(r); break;
            case RMM: {
                float n = diff > 0 ? Math.nextUp(r) : Math.nextDown(r);
                if (Math.abs(diff) * 2 == Math.abs((double) n - (double) r) && Math.abs(n) > Math.abs(r)) res = n;
                break;
            }
            default: break;
        }
        if (Math.abs(res) < Float.MIN_NORMAL) fl.bits |= UF;
        if (res == 0) res = Math.copySign(0.0f, (float) d);
        return Float.floatToRawIntBits(res);
    }

    /** Exact residue of a + b - s where s = a + b rounded (Knuth's two-sum). */
    static double twoSumError(double a, double b, double s) {
        double bb = s - a;
        return (a - (s - bb)) + (b - bb);
    }

    // ---- arithmetic ----

    static long arithD(int op, long ab, long bb, int rm, Flags fl) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (isSignalingD(ab) || isSignalingD(bb)) fl.bits |= NV;
        double r;
        double e;
        switch (op) {
            case 0: r = a + b; e = twoSumError(a, b, r); break;
            case 1: r = a - b; e = twoSumError(a, -b, r); break;
            case 2:
                r = a * b;
                e = Math.fma(a, b, -r);
                if (Math.abs(r) < Double.MIN_NORMAL && a != 0 && b != 0 && !Double.isInfinite(a + b)) {
                    // the residue may underflow: compute it on operands scaled to about 1 (exact scalings);
                    // only its sign is needed
                    int ea = Math.getExponent(a), eb = Math.getExponent(b);
                    e = Math.fma(Math.scalb(a, -ea), Math.scalb(b, -eb), -Math.scalb(r, -(ea + eb)));
                }
                break;
            default:
                r = a / b;
                if (b == 0 && a == a && a != 0 && !Double.isInfinite(a)) fl.bits |= DZ;
                if (Math.abs(r) < Double.MIN_NORMAL && a != 0 && b != 0 && !Double.isInfinite(a + b)) {
                    int ea = Math.getExponent(a), eb = Math.getExponent(b);
                    e = Math.fma(-Math.scalb(r, eb - ea), Math.scalb(b, -eb), Math.scalb(a, -ea)) * Math.signum(b);
                } else {
                    e = Math.fma(-r, b, a) * Math.signum(b);      // sign of (a - r*b)/b
                }
                break;
        }
        return finishD(r, e, rm, fl, Double.isNaN(a) || Double.isNaN(b), Double.isInfinite(a) || Double.isInfinite(b) || (op == 3 && b == 0));
    }

    /** NaN, infinity and rounding handling shared by the double operations. */
    private static long finishD(double r, double e, int rm, Flags fl, boolean nanIn, boolean exactSpecial) {
        if (Double.isNaN(r)) {
            if (!nanIn) fl.bits |= NV;
            return CANONICAL_NAN_D;
        }
        if (exactSpecial) return Double.doubleToRawLongBits(r);
        return Double.doubleToRawLongBits(roundD(r, e, rm, fl));
    }

    static int arithS(int op, int ab, int bb, int rm, Flags fl) {
        double a = floatValue(ab), b = floatValue(bb);
        if (isSignalingS(ab) || isSignalingS(bb)) fl.bits |= NV;
        double r;
        double e;
        switch (op) {
            case 0: r = a + b; e = twoSumError(a, b, r); break;
            case 1: r = a - b; e = twoSumError(a, -b, r); break;
            case 2: r = a * b; e = 0; break;                                  // exact in double
            default:
                r = a / b;
                if (b == 0 && a == a && a != 0 && !Double.isInfinite(a)) fl.bits |= DZ;
                e = Math.fma(-r, b, a) * Math.signum(b);
                break;
        }
        return finishS(r, e, rm, fl, Double.isNaN(a) || Double.isNaN(b), Double.isInfinite(a) || Double.isInfinite(b) || (op == 3 && b == 0));
    }

    private static int finishS(double r, double e, int rm, Flags fl, boolean nanIn, boolean exactSpecial) {
        if (Double.isNaN(r)) {
            if (!nanIn) fl.bits |= NV;
            return CANONICAL_NAN_S;
        }
        if (exactSpecial) return Float.floatToRawIntBits((float) r);
        return roundS(r, e, rm, fl);
    }

    static long sqrtD(long ab, int rm, Flags fl) {
        double a = Double.longBitsToDouble(ab);
        if (isSignalingD(ab)) fl.bits |= NV;
        double r = Math.sqrt(a);
        double e = Math.fma(-r, r, a);
        return finishD(r, e, rm, fl, Double.isNaN(a), Double.isInfinite(a) || a == 0);
    }

    static int sqrtS(int ab, int rm, Flags fl) {
        double a = floatValue(ab);
        if (isSignalingS(ab)) fl.bits |= NV;
        double r = Math.sqrt(a);
        double e = Math.fma(-r, r, a);
        return finishS(r, e, rm, fl, Double.isNaN(a), Double.isInfinite(a) || a == 0);
    }

    static long fmaD(long ab, long bb, long cb, boolean negProduct, boolean negAddend, int rm, Flags fl) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb), c = Double.longBitsToDouble(cb);
        if (isSignalingD(ab) || isSignalingD(bb) || isSignalingD(cb)) fl.bits |= NV;
        if ((Double.isInfinite(a) && b == 0) || (a == 0 && Double.isInfinite(b))) fl.bits |= NV;
        if (negProduct) a = -a;
        if (negAddend) c = -c;
        double r = Math.fma(a, b, c);
        double p = a * b;
        double ep = Math.fma(a, b, -p);
        double s = p + c;
        double es = twoSumError(p, c, s);
        double e = ((s - r) + es) + ep;
        boolean special = Double.isInfinite(a) || Double.isInfinite(b) || Double.isInfinite(c);
        return finishD(r, e, rm, fl, Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(c), special);
    }

    static int fmaS(int ab, int bb, int cb, boolean negProduct, boolean negAddend, int rm, Flags fl) {
        double a = floatValue(ab), b = floatValue(bb), c = floatValue(cb);
        if (isSignalingS(ab) || isSignalingS(bb) || isSignalingS(cb)) fl.bits |= NV;
        if ((Double.isInfinite(a) && b == 0) || (a == 0 && Double.isInfinite(b))) fl.bits |= NV;
        if (negProduct) a = -a;
        if (negAddend) c = -c;
        double p = a * b;                                                   // exact
        double r = p + c;
        double e = twoSumError(p, c, r);
        boolean special = Double.isInfinite(a) || Double.isInfinite(b) || Double.isInfinite(c);
        return finishS(r, e, rm, fl, Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(c), special);
    }

    static long minMaxD(long ab, long bb, boolean max, Flags fl) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (isSignalingD(ab) || isSignalingD(bb)) fl.bits |= NV;
        if (Double.isNaN(a) && Double.isNaN(b)) return CANONICAL_NAN_D;
        if (Double.isNaN(a)) return bb;
        if (Double.isNaN(b)) return ab;
        return Double.doubleToRawLongBits(max ? Math.max(a, b) : Math.min(a, b));
    }

    static int minMaxS(int ab, int bb, boolean max, Flags fl) {
        float a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
        if (isSignalingS(ab) || isSignalingS(bb)) fl.bits |= NV;
        if (Float.isNaN(a) && Float.isNaN(b)) return CANONICAL_NAN_S;
        if (Float.isNaN(a)) return bb;
        if (Float.isNaN(b)) return ab;
        return Float.floatToRawIntBits(max ? Math.max(a, b) : Math.min(a, b));
    }

    /** rel: 0 = fle, 1 = flt, 2 = feq. feq signals only on sNaN; flt/fle on any NaN. */
    static long compareD(long ab, long bb, int rel, Flags fl) {
        double a = Double.longBitsToDouble(ab), b = Double.longBitsToDouble(bb);
        if (Double.isNaN(a) || Double.isNaN(b)) {
            if (rel != 2 || isSignalingD(ab) || isSignalingD(bb)) fl.bits |= NV;
            return 0;
        }
        return (rel == 0 ? a <= b : rel == 1 ? a < b : a == b) ? 1 : 0;
    }

    static long compareS(int ab, int bb, int rel, Flags fl) {
        float a = Float.intBitsToFloat(ab), b = Float.intBitsToFloat(bb);
        if (Float.isNaN(a) || Float.isNaN(b)) {
            if (rel != 2 || isSignalingS(ab) || isSignalingS(bb)) fl.bits |= NV;
            return 0;
        }
        return (rel == 0 ? a <= b : rel == 1 ? a < b : a == b) ? 1 : 0;
    }

    // ---- conversions ----

    static long widen(int sb, Flags fl) {
        float v = Float.intBitsToFloat(sb);
        if (Float.isNaN(v)) {
            if (isSignalingS(sb)) fl.bits |= NV;
            return CANONICAL_NAN_D;
        }
        return Double.doubleToRawLongBits(v);
    }

    static int narrow(long db, int rm, Flags fl) {
        double v = Double.longBitsToDouble(db);
        if (Double.isNaN(v)) {
            if (isSignalingD(db)) fl.bits |= NV;
            return CANONICAL_NAN_S;
        }
        if (Double.isInfinite(v)) return Float.floatToRawIntBits((float) v);
        return roundS(v, 0, rm, fl);
    }

    /** Rounds v to an integral double in mode rm (v finite). */
    static double roundIntegral(double v, int rm) {
        switch (rm) {
            case RTZ: return v < 0 ? Math.ceil(v) : Math.floor(v);
            case RDN: return Math.floor(v);
            case RUP: return Math.ceil(v);
            case RMM: {
                double t = v < 0 ? Math.ceil(v) : Math.floor(v);
                if (Math.abs(v - t) >= 0.5) t += Math.signum(v);
                return t;
            }
            default: return Math.rint(v);
        }
    }

    /**
     * fcvt to an integer. kind: 0 = W, 1 = WU, 2 = L, 3 = LU. Out of range and NaN saturate and set NV
     * (NaN and +overflow give the maximum, -overflow the minimum); otherwise NX if inexact.
     * 32-bit results are sign-extended, WU included.
     */
    static long toInteger(double v, int kind, int rm, Flags fl) {
        if (Double.isNaN(v)) {
            fl.bits |= NV;
            switch (kind) {
                case 0: return Integer.MAX_VALUE;
                case 1: return -1;
                case 2: return Long.MAX_VALUE;
                default: return -1;
            }
        }
        double r = Double.isInfinite(v) ? v : roundIntegral(v, rm);
        long result;
        switch (kind) {
            case 0:
                if (r > Integer.MAX_VALUE) { fl.bits |= NV; return Integer.MAX_VALUE; }
                if (r < Integer.MIN_VALUE) { fl.bits |= NV; return Integer.MIN_VALUE; }
                result = (long) r;
                break;
            case 1:
                if (r > 4294967295.0) { fl.bits |= NV; return -1; }
                if (r < 0) { fl.bits |= NV; return 0; }
                result = (int) (long) r;
                break;
            case 2:
                if (r >= 0x1p63) { fl.bits |= NV; return Long.MAX_VALUE; }
                if (r < -0x1p63) { fl.bits |= NV; return Long.MIN_VALUE; }
                result = (long) r;
                break;
            default:
                if (r >= 0x1p64) { fl.bits |= NV; return -1; }
                if (r < 0) { fl.bits |= NV; return 0; }
                result = r >= 0x1p63 ? (long) (r - 0x1p63) + Long.MIN_VALUE : (long) r;
                break;
        }
        if (r != v) fl.bits |= NX;
        return result;
    }

    /** fcvt from an integer. kind: 0 = W, 1 = WU, 2 = L, 3 = LU. Returns the FP register value. */
    static long fromInteger(long src, int kind, boolean toDouble, int rm, Flags fl) {
        double d;
        double e;
        switch (kind) {
            case 0: d = (int) src; e = 0; break;
            case 1: d = src & 0xFFFF_FFFFL; e = 0; break;
            case 2:
                d = (double) src;
                e = d >= 0x1p63 ? -(double) (Long.MAX_VALUE - src) - 1.0 : (double) (src - (long) d);
                break;
            default:
                if (src >= 0) {
                    d = (double) src;
                    e = d >= 0x1p63 ? -(double) (Long.MAX_VALUE - src) - 1.0 : (double) (src - (long) d);
                } else {
                    d = (double) ((src >>> 1) | (src & 1)) * 2.0;       // correctly rounded (sticky bit kept)
                    if (d >= 0x1p64) {
                        e = -(double) (-src);                          // x - 2^64 = src - 0 (mod 2^64), negative
                    } else {
                        long dl = (long) (d - 0x1p63) + Long.MIN_VALUE;
                        e = (double) (src - dl);
                    }
                }
                break;
        }
        if (toDouble) return Double.doubleToRawLongBits(roundD(d, e, rm, fl));
        return box(roundS(d, e, rm, fl));
    }
}
