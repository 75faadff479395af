package otherworld.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Differential testing of the translator against the interpreter (the reference). A generator writes random
 * valid RV64GC + Zba/Zbb/Zbs/Zicond programs — ALU, M, B, loads and stores (aligned, misaligned, crossing into a
 * read-only or an unmapped page), branches and jumps, FP with every rounding mode (invalid ones included),
 * atomics, CSR reads, ecall/ebreak/illegal words, compressed instructions, and stores into the code itself
 * followed or not by fence.i. The same program runs on two identical machines, one interpreting and one
 * translating everything at once (threshold 1), in random budget slices; after every slice the full
 * architectural state (pc, x, f, fcsr, instret, trap cause and value) and all memory in use (pages and page
 * tables with their A/D bits) are compared. A
 * mismatch is shrunk (instructions replaced by nops, slices kept) to a small program.
 *
 * <p>{@code java -cp ... otherworld.emulator.Differential [programs] [seed]} runs longer campaigns
 * ({@code -Ddifferential.background=true}: the translating machine translates in the background); the default
 * tests run a bounded count ({@link DifferentialTest}).
 */
final class Differential {
    static final long CODE = 0x10000, DATA = 0x20000, RO = 0x22000, UNMAPPED = 0x23000;
    static final int CODE_WORDS = 2048;                       // two pages of code
    static final int NOP = 0x00000013;

    /** A program: code words (some may hold two compressed instructions), initial registers, slices. */
    static final class Program {
        final int[] code;
        final long[] x = new long[32], f = new long[32];
        final long seed;
        int fcsr;

        Program(int[] code, long seed) {
            this.code = code;
            this.seed = seed;
        }

        Program withCode(int[] c) {
            Program p = new Program(c, seed);
            System.arraycopy(x, 0, p.x, 0, 32);
            System.arraycopy(f, 0, p.f, 0, 32);
            p.fcsr = fcsr;
            return p;
        }
    }

    // ---- generation ----

    private final Random r;

    Differential(long seed) { this.r = new Random(seed); }

    private int reg() { return r.nextInt(32); }

    /** Destinations avoid the pointer registers t0..t2 (x5..x7) most of the time. */
    private int dest() {
        int d = r.nextInt(32);
        return d >= 5 && d <= 7 && r.nextInt(10) > 0 ? 8 + r.nextInt(24) : d;
    }

    private static int rtype(int f7, int rs2, int rs1, int f3, int rd, int op) { return Asm.rType(f7, rs2, rs1, f3, rd, op); }

    private static int itype(int imm, int rs1, int f3, int rd, int op) {
        return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
    }

    private static final int[][] OP_R = {  // funct7, funct3 of OP (0x33) instructions: I, M, Zba, Zbb, Zbs, Zicond
        {0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5}, {0, 6}, {0, 7},
        {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
        {0x10, 2}, {0x10, 4}, {0x10, 6}, {0x20, 7}, {0x20, 6}, {0x20, 4}, {5, 4}, {5, 5}, {5, 6}, {5, 7},
        {0x30, 1}, {0x30, 5}, {0x24, 1}, {0x24, 5}, {0x34, 1}, {0x14, 1}, {7, 5}, {7, 7},
    };
    private static final int[][] OP_32 = {  // OP-32 (0x3B)
        {0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5}, {1, 0}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
        {4, 0}, {0x10, 2}, {0x10, 4}, {0x10, 6}, {0x30, 1}, {0x30, 5},
    };
    private static final int[] UNARY = {0x600, 0x601, 0x602, 0x604, 0x605, 0x287, 0x6B8};

    private int alu() {
        switch (r.nextInt(8)) {
            case 0: case 1: { int[] o = OP_R[r.nextInt(OP_R.length)]; return rtype(o[0], reg(), reg(), o[1], dest(), 0x33); }
            case 2: { int[] o = OP_32[r.nextInt(OP_32.length)]; return rtype(o[0], reg(), reg(), o[1], dest(), 0x3B); }
            case 3: {                                                    // OP-IMM
                int f3 = new int[] {0, 2, 3, 4, 6, 7}[r.nextInt(6)];
                return itype(r.nextInt(4096) - 2048, reg(), f3, dest(), 0x13);
            }
            case 4: {                                                    // shifts and B immediates
                int sh = r.nextInt(64);
                int[] hi = {0, 0x10 << 6, 0x18 << 6, 0x12 << 6, 0x1A << 6, 0x0A << 6};
                int h = hi[r.nextInt(hi.length)];
                int f3 = h == 0x18 << 6 || h == 0x10 << 6 ? 5 : h == 0x12 << 6 && r.nextBoolean() ? 5 : (h == 0 ? (r.nextBoolean() ? 1 : 5) : 1);
                return itype(h | sh, reg(), f3, dest(), 0x13);
            }
            case 5: {
                int u = UNARY[r.nextInt(UNARY.length)];
                return itype(u, reg(), u == 0x287 || u == 0x6B8 ? 5 : 1, dest(), 0x13);
            }
            case 6: {                                                    // OP-IMM-32
                int k = r.nextInt(6);
                if (k == 0) return itype(r.nextInt(4096) - 2048, reg(), 0, dest(), 0x1B);
                if (k == 1) return itype(r.nextInt(32), reg(), 1, dest(), 0x1B);
                if (k == 2) return itype((r.nextBoolean() ? 0x400 : 0) | r.nextInt(32), reg(), 5, dest(), 0x1B);
                if (k == 3) return itype(0x600 + r.nextInt(3), reg(), 1, dest(), 0x1B);
                if (k == 4) return itype(0x080 | r.nextInt(64), reg(), 1, dest(), 0x1B);       // slli.uw
                return itype(0x600 | r.nextInt(32), reg(), 5, dest(), 0x1B);                      // roriw
            }
            default: return r.nextBoolean() ? (r.nextInt(1 << 20) << 12 | dest() << 7 | 0x37) : (r.nextInt(1 << 20) << 12 | dest() << 7 | 0x17);
        }
    }

    /** A base register for memory: mostly a pointer register (t0 data, t1 code, t2 near the read-only page). */
    private int base() {
        int k = r.nextInt(10);
        return k < 6 ? 5 : k < 7 ? 6 : k < 9 ? 7 : reg();
    }

    private int memOffset(int base) {
        if (base == 7) return r.nextInt(16) - 8;
        return r.nextInt(10) < 8 ? r.nextInt(256) * (r.nextBoolean() ? 8 : 1) - 256 + 512 : r.nextInt(4096) - 2048;
    }

    private int load() {
        int b = base();
        int f3 = new int[] {0, 1, 2, 3, 4, 5, 6}[r.nextInt(7)];
        return itype(memOffset(b), b, f3, dest(), 0x03);
    }

    private int store() {
        int b = base();
        int off = memOffset(b);
        return Asm.sType(off, reg(), b, r.nextInt(4), 0x23);
    }

    private int fp() {
        int rm = r.nextInt(20) == 0 ? 5 + r.nextInt(2) : r.nextInt(10) < 7 ? 7 : r.nextInt(5);
        int fmt = r.nextBoolean() ? 1 : 0;
        int rd = r.nextInt(32), rs1 = r.nextInt(32), rs2 = r.nextInt(32);
        switch (r.nextInt(12)) {
            case 0: case 1: return rtype((r.nextInt(4) << 2) | fmt, rs2, rs1, rm, rd, 0x53);             // fadd..fdiv
            case 2: return rtype(0x2C | fmt, 0, rs1, rm, rd, 0x53);                                      // fsqrt
            case 3: return (r.nextInt(32) << 27) | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | (0x43 + 4 * r.nextInt(4));
            case 4: return rtype(0x50 | fmt, rs2, rs1, r.nextInt(3), dest(), 0x53);                     // compares
            case 5: return rtype(0x60 | fmt, r.nextInt(4), rs1, rm, dest(), 0x53);                       // fcvt to int
            case 6: return rtype(0x68 | fmt, r.nextInt(4), reg(), rm, rd, 0x53);                         // fcvt from int
            case 7: return rtype(0x78 | fmt, 0, reg(), 0, rd, 0x53);                                     // fmv.x->f
            case 8: return rtype(0x70 | fmt, 0, rs1, r.nextInt(2), dest(), 0x53);                        // fmv.f->x, fclass
            case 9: {                                                                                     // fsgnj*, fmin/fmax
                boolean minMax = r.nextBoolean();
                int kind = r.nextInt(10) == 0 ? 3 : r.nextInt(minMax ? 2 : 3);
                return rtype((minMax ? 0x14 : 0x10) | fmt, rs2, rs1, kind, rd, 0x53);
            }
            case 10: return rtype(0x20 | fmt, r.nextInt(10) == 0 ? r.nextInt(32) : 1 - fmt, rs1, rm, rd, 0x53); // fcvt.s.d/d.s
            default: {                                                                                    // FP loads/stores
                int b = base();
                return r.nextBoolean() ? itype(memOffset(b), b, 2 + fmt, rd, 0x07) : Asm.sType(memOffset(b), rs2, b, 2 + fmt, 0x27);
            }
        }
    }

    private int system() {
        switch (r.nextInt(9)) {
            case 0: return 0x00000073;                                                   // ecall
            case 1: return 0x00100073;                                                   // ebreak
            case 2: return r.nextInt();                                                  // anything (mostly illegal)
            case 3: return itype(new int[] {0xC00, 0xC01, 0xC02, 1, 2, 3}[r.nextInt(6)], 0, 2, dest(), 0x73);   // csrr
            case 4: return itype(new int[] {1, 2, 3}[r.nextInt(3)], reg(), 1 + r.nextInt(3), dest(), 0x73);        // csrrw/s/c
            case 5: return 0x0000100F;                                                   // fence.i
            case 6: return 0x0FF0000F;                                                   // fence
            default: {                                                                   // atomics on t0
                int f5 = new int[] {2, 3, 0, 1, 4, 8, 12, 16, 20, 24, 28}[r.nextInt(11)];
                return f5 << 27 | (f5 == 2 ? 0 : reg()) << 20 | 5 << 15 | (2 + r.nextInt(2)) << 12 | dest() << 7 | 0x2F;
            }
        }
    }

    /** A random valid compressed instruction pair (two 16-bit instructions in one word). */
    private int compressedPair() {
        return compressed() | compressed() << 16;
    }

    private int compressed() {
        while (true) {
            int c = r.nextInt(1 << 16);
            if ((c & 3) == 3) continue;
            int e = Compressed.expand(c);
            if (e == 0) continue;
            int op = e & 0x7F;
            if (op == 0x6F || op == 0x67 || op == 0x63) continue;                   // jumps come from jump()
            return c;
        }
    }

    /** A branch or jump to another word of the program (pc-relative; n words, this at word i). */
    private int jump(int i, int n) {
        int target = r.nextInt(10) < 7 ? Math.min(n - 1, i + 1 + r.nextInt(8)) : r.nextInt(n);
        int off = (target - i) * 4;
        switch (r.nextInt(6)) {
            case 0: return Asm.jType(off, r.nextBoolean() ? 0 : 1);                                 // j / jal ra
            case 1: return itype(r.nextInt(64) * 4, 6, 0, r.nextBoolean() ? 0 : 1, 0x67);         // jalr t1+imm (t1 = code)
            default: return Asm.bType(off, reg(), reg(), new int[] {0, 1, 4, 5, 6, 7}[r.nextInt(6)]);
        }
    }

    Program generate(long seed, int length) {
        int[] code = new int[CODE_WORDS];
        Arrays.fill(code, 0x00100073);                                                // ebreak past the end
        for (int i = 0; i < length; i++) {
            int k = r.nextInt(100);
            code[i] = k < 36 ? alu() : k < 50 ? load() : k < 60 ? store() : k < 74 ? jump(i, length)
                    : k < 82 ? fp() : k < 88 ? compressedPair() : k < 93 ? smc(i, length) : system();
        }
        Program p = new Program(code, seed);
        for (int i = 1; i < 32; i++) {
            p.x[i] = r.nextInt(4) == 0 ? r.nextInt(64) - 32 : r.nextLong();
            p.f[i] = r.nextBoolean() ? Double.doubleToRawLongBits(r.nextGaussian() * 1e3) : r.nextLong();
        }
        p.x[5] = DATA;
        p.x[6] = CODE;
        p.x[7] = RO - 4;
        p.fcsr = r.nextInt(5) << 5;
        return p;
    }

    /** FP operands at the boundaries: zeros, subnormals, the largest and smallest normals, infinities, NaNs. */
    private static final long[] FP_EDGES = {
        0, Long.MIN_VALUE, 1, 0x000F_FFFF_FFFF_FFFFL, 0x0010_0000_0000_0000L, 0x7FEF_FFFF_FFFF_FFFFL,
        0x7FF0_0000_0000_0000L, 0xFFF0_0000_0000_0000L, 0x7FF8_0000_0000_0000L, 0x7FF4_0000_0000_0001L,
        0x3FF0_0000_0000_0000L, 0xBFF0_0000_0000_0001L, 0x43E0_0000_0000_0000L, 0x41E0_0000_0000_0000L,
        0xFFFF_FFFF_0000_0001L, 0xFFFF_FFFF_0080_0000L, 0xFFFF_FFFF_7F7F_FFFFL, 0xFFFF_FFFF_7F80_0000L,
        0xFFFF_FFFF_7FA0_0001L, 0xFFFF_FFFF_3F80_0000L, 0xFFFF_FFFF_CF00_0000L, 0xFFFF_FFFF_8000_0000L,
    };

    /**
     * A program of FP instructions only (every OP-FP and fused form, both formats, static rounding modes valid
     * and invalid, dynamic ones with fcsr's frm changed now and then by a csrrwi), on operands drawn from
     * boundary values and random doubles and singles: the translator's FP paths against the interpreter's.
     */
    /** An FP instruction other than a load or store; an invalid rounding mode one time in 20. */
    private int fpOperation() {
        while (true) {
            int w = fp();
            int op = w & 0x7F;
            if (op == 0x07 || op == 0x27) continue;
            return w;
        }
    }

    Program generateFp(long seed, int length) {
        int[] code = new int[CODE_WORDS];
        Arrays.fill(code, 0x00100073);
        int i = 0;
        while (i < length - 2) {
            int k = r.nextInt(40);
            int frm = r.nextInt(10) == 0 ? 5 + r.nextInt(3) : r.nextInt(5);
            if (k == 0) {
                code[i++] = itype(2, frm, 5, dest(), 0x73);                                          // csrrwi frm
                code[i++] = Asm.bType(4, 0, 0, 0);          // beq to the next word: the block ends, translation resumes
            } else if (k < 3) {
                code[i++] = Asm.bType(4, 0, 0, 0);
            } else {
                code[i++] = k < 6 ? rtype(0x78 | r.nextInt(2), 0, reg(), 0, r.nextInt(32), 0x53)      // fmv from x
                        : fpOperation();
            }
        }
        code[i] = Asm.jType(-4 * i, 0);                                                              // and again

        Program p = new Program(code, seed);
        for (int j = 1; j < 32; j++) p.x[j] = r.nextInt(4) == 0 ? r.nextInt(64) - 32 : r.nextLong();
        for (int j = 0; j < 32; j++) {
            int k = r.nextInt(4);
            p.f[j] = k == 0 ? FP_EDGES[r.nextInt(FP_EDGES.length)]
                    : k == 1 ? Double.doubleToRawLongBits(r.nextGaussian() * Math.scalb(1.0, r.nextInt(200) - 100))
                    : k == 2 ? 0xFFFF_FFFF_0000_0000L | Float.floatToRawIntBits((float) (r.nextGaussian() * 1e3)) & 0xFFFF_FFFFL
                    : r.nextLong();
        }
        p.x[5] = DATA;
        p.x[6] = CODE;
        p.x[7] = RO - 4;
        p.fcsr = r.nextInt(5) << 5;
        return p;
    }

    /** A store into the code ahead (t1 = CODE), sometimes of a word that is itself a valid instruction. */
    private int smc(int i, int n) {
        int target = Math.min(n - 1, i + 1 + r.nextInt(16));
        int off = target * 4;
        if (off > 2047) off = r.nextInt(512) * 4;
        return Asm.sType(off, r.nextBoolean() ? 0 : reg(), 6, r.nextBoolean() ? 2 : r.nextInt(4), 0x23);
    }

    // ---- running ----

    /** A machine loaded with the program: code RWX (two pages), data RW (two pages), a read-only page. */
    static TestMachine machine(Program p, boolean translate) { return machine(p, translate, false); }

    /** The same; background: translations made by the compiler thread, installed whenever they are done. */
    static TestMachine machine(Program p, boolean translate, boolean background) {
        TestMachine m = new TestMachine(translate);
        m.map(CODE, TestMachine.R | TestMachine.W | TestMachine.X | TestMachine.U);
        m.map(CODE + 4096, TestMachine.R | TestMachine.W | TestMachine.X | TestMachine.U);
        m.map(DATA + 4096, TestMachine.R | TestMachine.W | TestMachine.U);
        long ro = m.map(RO, TestMachine.R | TestMachine.U);
        for (int k = 0; k < 4096; k += 8) m.mem.write64(ro + k, 0x0123_4567_89AB_CDEFL * (k + 1));
        for (int k = 0; k < 8192; k += 8) m.write64(DATA + k, 0x9E37_79B9_7F4A_7C15L * (k + 3));
        for (int i = 0; i < p.code.length; i++) m.mem.write32(m.pa(CODE + 4L * i), p.code[i]);
        if (translate) m.hart.translationThreshold(1, background);
        Hart h = m.hart;
        System.arraycopy(p.x, 0, h.x, 0, 32);
        System.arraycopy(p.f, 0, h.f, 0, 32);
        h.fcsr = p.fcsr;
        h.pc = CODE;
        return m;
    }

    /** Result of a comparison: null when the machines agree throughout, else what differed first. */
    static String compare(Program p, long maxInstructions, long[] stats) {
        return compare(p, maxInstructions, stats, q -> machine(q, true));
    }

    /** The same, with the translating machine made by {@code second} (tests plant a fault there). */
    static String compare(Program p, long maxInstructions, long[] stats, java.util.function.Function<Program, TestMachine> second) {
        TestMachine a = machine(p, false), b = second.apply(p);
        try {
            return compare(a, b, p, maxInstructions, stats);
        } finally {
            if (stats != null) {
                stats[2] += b.hart.instret;
                stats[3] += b.hart.translatedInstructions();
            }
        }
    }

    private static String compare(TestMachine a, TestMachine b, Program p, long maxInstructions, long[] stats) {
        Random slices = new Random(p.seed);
        for (int step = 0; a.hart.instret < maxInstructions; step++) {
            long budget = slices.nextInt(4) == 0 ? 1 + slices.nextInt(4) : 1 + slices.nextInt(400);
            TrapCause ca = a.hart.run(budget), cb = b.hart.run(budget);
            if (stats != null) stats[0]++;
            String d = differ(a.hart, b.hart, ca, cb);
            for (long pa = TestMachine.FIRST_FRAME; d == null && pa < a.allocatedEnd(); pa += 8) {   // tables (A/D bits) and pages
                if (a.mem.read64(pa) != b.mem.read64(pa)) {
                    d = String.format("memory at 0x%x: 0x%x vs 0x%x", pa, a.mem.read64(pa), b.mem.read64(pa));
                }
            }
            if (d != null) return "step " + step + " (budget " + budget + ", after " + ca + "): " + d;
            if (ca == TrapCause.TIMER) continue;
            // the "kernel": step over ecall, ebreak and faulting instructions; stop at fetch faults
            if (ca == TrapCause.INSTRUCTION_PAGE_FAULT || ca == TrapCause.INSTRUCTION_ACCESS_FAULT) return null;
            int len = (a.mem.read8(a.pa(a.hart.pc)) & 3) == 3 ? 4 : 2;
            a.hart.pc += len;
            b.hart.pc += len;
        }
        return null;
    }

    private static String differ(Hart a, Hart b, TrapCause ca, TrapCause cb) {
        if (ca != cb) return "trap " + ca + " vs " + cb;
        if (a.pc != b.pc) return String.format("pc 0x%x vs 0x%x", a.pc, b.pc);
        if (a.instret != b.instret) return "instret " + a.instret + " vs " + b.instret;
        if (ca != TrapCause.TIMER && a.trapValue != b.trapValue) return String.format("trap value 0x%x vs 0x%x", a.trapValue, b.trapValue);
        if (a.fcsr != b.fcsr) return "fcsr " + a.fcsr + " vs " + b.fcsr;
        for (int i = 0; i < 32; i++) {
            if (a.x[i] != b.x[i]) return String.format("x%d 0x%x vs 0x%x", i, a.x[i], b.x[i]);
            if (a.f[i] != b.f[i]) return String.format("f%d 0x%x vs 0x%x", i, a.f[i], b.f[i]);
        }
        return null;
    }

    /** Replaces instructions by nops while the mismatch stays; returns the smallest program found. */
    static Program shrink(Program p, long maxInstructions) {
        return shrink(p, maxInstructions, q -> machine(q, true));
    }

    static Program shrink(Program p, long maxInstructions, java.util.function.Function<Program, TestMachine> second) {
        int[] code = p.code.clone();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int chunk = 64; chunk >= 1; chunk /= 2) {
                for (int i = 0; i < code.length; i += chunk) {
                    int[] trial = code.clone();
                    boolean changed = false;
                    for (int k = i; k < Math.min(code.length, i + chunk); k++) {
                        if (trial[k] != NOP && trial[k] != 0x00100073) {
                            trial[k] = NOP;
                            changed = true;
                        }
                    }
                    if (changed && compare(p.withCode(trial), maxInstructions, null, second) != null) {
                        code = trial;
                        progress = true;
                    }
                }
            }
        }
        return p.withCode(code);
    }

    static String listing(Program p) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < p.code.length; i++) {
            if (p.code[i] != NOP && p.code[i] != 0x00100073) s.append(String.format("  0x%x: %08x%n", CODE + 4L * i, p.code[i]));
        }
        return s.toString();
    }

    /**
     * Runs n programs from seed; returns the failures (shrunk listings). stats: {state comparisons, programs,
     * instructions, instructions run translated}.
     */
    static List<String> campaign(long seed, int n, int length, long maxInstructions, long[] stats) {
        return campaign(seed, n, length, maxInstructions, stats, false);
    }

    /** The same; fpOnly: programs of FP instructions ({@link #generateFp}). */
    static List<String> campaign(long seed, int n, int length, long maxInstructions, long[] stats, boolean fpOnly) {
        return campaign(seed, n, length, maxInstructions, stats, fpOnly, false);
    }

    /** The same; background: the translating machine translates in the background ({@link #machine}). */
    static List<String> campaign(long seed, int n, int length, long maxInstructions, long[] stats, boolean fpOnly,
            boolean background) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long s = seed + i;
            Program p = fpOnly ? new Differential(s).generateFp(s, length) : new Differential(s).generate(s, length);
            String d = compare(p, maxInstructions, stats, q -> machine(q, true, background));
            stats[1]++;
            if (d != null) {
                Program small = shrink(p, maxInstructions);
                failures.add("seed " + s + ": " + d + "\nshrunk: " + compare(small, maxInstructions, null) + "\n" + listing(small));
                if (failures.size() >= 3) break;
            }
        }
        return failures;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        long[] stats = new long[4];
        long t0 = System.nanoTime();
        boolean background = Boolean.getBoolean("differential.background");
        List<String> failures = campaign(seed, n, 200, 20_000, stats, false, background);
        double s = (System.nanoTime() - t0) / 1e9;
        for (String f : failures) System.out.println(f);
        System.out.printf("%d programs, %d state comparisons in %.1f s: %.1f programs/s, %.0f comparisons/s; "
                + "%d instructions, %.1f%% of them translated; %d mismatches%n", stats[1], stats[0], s, stats[1] / s,
                stats[0] / s, stats[2], 100.0 * stats[3] / Math.max(1, stats[2]), failures.size());
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
