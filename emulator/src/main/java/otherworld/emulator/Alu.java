package otherworld.emulator;

import static otherworld.emulator.Insn.*;

/** Integer semantics that are more than one Java operator: M extension and AMO operations. */
final class Alu {
    private Alu() {}

    static long mulhu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    static long mulhsu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((b >> 63) & a);
    }

    /** RV64M: division by zero gives all ones (quotient) or the dividend (remainder); overflow wraps. */
    static long muldiv(int op, long a, long b) {
        switch (op) {
            case MUL: return a * b;
            case MULH: return Math.multiplyHigh(a, b);
            case MULHSU: return mulhsu(a, b);
            case MULHU: return mulhu(a, b);
            case DIV: return b == 0 ? -1 : a / b;                                  // MIN / -1 == MIN in Java
            case DIVU: return b == 0 ? -1 : Long.divideUnsigned(a, b);
            case REM: return b == 0 ? a : a % b;                                   // MIN % -1 == 0 in Java
            case REMU: return b == 0 ? a : Long.remainderUnsigned(a, b);
            case MULW: return (int) a * (int) b;
            case DIVW: return (int) b == 0 ? -1 : (int) a / (int) b;
            case DIVUW: return (int) b == 0 ? -1 : Integer.divideUnsigned((int) a, (int) b);
            case REMW: return (int) b == 0 ? (int) a : (int) a % (int) b;
            case REMUW: return (int) b == 0 ? (int) a : Integer.remainderUnsigned((int) a, (int) b);
            default: throw new IllegalArgumentException("not a muldiv op " + op);
        }
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
