package otherworld.emulator;

import static otherworld.emulator.Insn.*;

/** Integer semantics that are more than one Java operator: M extension, bit manipulation, AMO operations. */
final class Alu {
    private Alu() {}

    static long mulhu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    static long mulhsu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((b >> 63) & a);
    }

    // RV64M: division by zero gives all ones (quotient) or the dividend (remainder); overflow wraps.
    static long div(long a, long b) { return b == 0 ? -1 : a / b; }                         // MIN / -1 == MIN
    static long divu(long a, long b) {
        if (b == 0) return -1;
        if (b < 0) return Long.compareUnsigned(a, b) < 0 ? 0 : 1;
        if (a >= 0) return a / b;
        // JDK 17's Long.divideUnsigned goes through BigInteger for a dividend >= 2^63: Hacker's Delight 9-3
        long q = ((a >>> 1) / b) << 1;
        return Long.compareUnsigned(a - q * b, b) >= 0 ? q + 1 : q;
    }
    static long rem(long a, long b) { return b == 0 ? a : a % b; }                          // MIN % -1 == 0
    static long remu(long a, long b) {
        if (b == 0) return a;
        if (b < 0) return Long.compareUnsigned(a, b) < 0 ? a : a - b;
        if (a >= 0) return a % b;
        long r = a - (((a >>> 1) / b) << 1) * b;
        return Long.compareUnsigned(r, b) >= 0 ? r - b : r;
    }
    static long mulw(long a, long b) { return (int) a * (int) b; }
    static long divw(long a, long b) { return (int) b == 0 ? -1 : (int) a / (int) b; }
    static long divuw(long a, long b) { return (int) b == 0 ? -1 : Integer.divideUnsigned((int) a, (int) b); }
    static long remw(long a, long b) { return (int) b == 0 ? (int) a : (int) a % (int) b; }
    static long remuw(long a, long b) { return (int) b == 0 ? (int) a : Integer.remainderUnsigned((int) a, (int) b); }

    static long muldiv(int op, long a, long b) {
        switch (op) {
            case MUL: return a * b;
            case MULH: return Math.multiplyHigh(a, b);
            case MULHSU: return mulhsu(a, b);
            case MULHU: return mulhu(a, b);
            case DIV: return div(a, b);
            case DIVU: return divu(a, b);
            case REM: return rem(a, b);
            case REMU: return remu(a, b);
            case MULW: return mulw(a, b);
            case DIVW: return divw(a, b);
            case DIVUW: return divuw(a, b);
            case REMW: return remw(a, b);
            case REMUW: return remuw(a, b);
            default: throw new IllegalArgumentException("not a muldiv op " + op);
        }
    }

    /** Zba, Zbb, Zbs, Zicond: a = x[rs1], b = x[rs2], imm = the shift amount or bit index of an immediate form. */
    static long bitmanip(int op, long a, long b, long imm) {
        switch (op) {
            case ADD_UW: return b + (a & 0xFFFF_FFFFL);
            case SH1ADD: return b + (a << 1);
            case SH2ADD: return b + (a << 2);
            case SH3ADD: return b + (a << 3);
            case SH1ADD_UW: return b + ((a & 0xFFFF_FFFFL) << 1);
            case SH2ADD_UW: return b + ((a & 0xFFFF_FFFFL) << 2);
            case SH3ADD_UW: return b + ((a & 0xFFFF_FFFFL) << 3);
            case SLLI_UW: return (a & 0xFFFF_FFFFL) << imm;
            case ANDN: return a & ~b;
            case ORN: return a | ~b;
            case XNOR: return ~(a ^ b);
            case CLZ: return Long.numberOfLeadingZeros(a);
            case CLZW: return Integer.numberOfLeadingZeros((int) a);
            case CTZ: return Long.numberOfTrailingZeros(a);
            case CTZW: return Integer.numberOfTrailingZeros((int) a);
            case CPOP: return Long.bitCount(a);
            case CPOPW: return Integer.bitCount((int) a);
            case MAX: return Math.max(a, b);
            case MAXU: return Long.compareUnsigned(a, b) >= 0 ? a : b;
            case MIN: return Math.min(a, b);
            case MINU: return Long.compareUnsigned(a, b) <= 0 ? a : b;
            case SEXT_B: return (byte) a;
            case SEXT_H: return (short) a;
            case ZEXT_H: return a & 0xFFFF;
            case ROL: return Long.rotateLeft(a, (int) b);                 // distance taken mod 64
            case ROLW: return Integer.rotateLeft((int) a, (int) b);        // mod 32, result sign-extended
            case ROR: return Long.rotateRight(a, (int) b);
            case RORI: return Long.rotateRight(a, (int) imm);
            case RORIW: return Integer.rotateRight((int) a, (int) imm);
            case RORW: return Integer.rotateRight((int) a, (int) b);
            case ORC_B: return orcB(a);
            case REV8: return Long.reverseBytes(a);
            case BCLR: return a & ~(1L << b);                              // index taken mod 64
            case BCLRI: return a & ~(1L << imm);
            case BEXT: return (a >>> b) & 1;
            case BEXTI: return (a >>> imm) & 1;
            case BINV: return a ^ (1L << b);
            case BINVI: return a ^ (1L << imm);
            case BSET: return a | (1L << b);
            case BSETI: return a | (1L << imm);
            case CZERO_EQZ: return b == 0 ? 0 : a;
            case CZERO_NEZ: return b != 0 ? 0 : a;
            default: throw new IllegalArgumentException("not a bit-manipulation op " + op);
        }
    }

    /** orc.b: each byte becomes 0xFF if it was nonzero, else stays 0. */
    static long orcB(long a) {
        long r = 0;
        for (int k = 0; k < 64; k += 8) if (((a >>> k) & 0xFF) != 0) r |= 0xFFL << k;
        return r;
    }

    /** The value an AMO writes, given its funct5, the old memory value and rs2. Word results are sign-extended. */
    static long amo(int funct5, long old, long src, boolean word) {
        if (word) {
            old = (int) old;
            src = (int) src;
        }
        long v;
        switch (funct5) {
            case 0: v = old + src; break;                                            // amoadd
            case 1: v = src; break;                                                  // amoswap
            case 4: v = old ^ src; break;                                            // amoxor
            case 8: v = old | src; break;                                            // amoor
            case 12: v = old & src; break;                                           // amoand
            case 16: v = Math.min(old, src); break;                                  // amomin
            case 20: v = Math.max(old, src); break;                                  // amomax
            case 24: v = unsignedMin(old, src, word); break;                         // amominu
            default: v = unsignedMin(old, src, word) == old ? src : old; break;      // amomaxu (28)
        }
        return word ? (int) v : v;
    }

    private static long unsignedMin(long a, long b, boolean word) {
        if (word) return Integer.compareUnsigned((int) a, (int) b) <= 0 ? a : b;
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
