package otherworld.emulator;

import java.io.ByteArrayOutputStream;

/**
 * A tiny test-side RISC-V assembler: the base formats (written independently of the emulator's own encoders)
 * and the mnemonics the tests use. Branch and jump offsets are in bytes, relative to the instruction.
 */
final class Asm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static final int ZERO = 0, RA = 1, SP = 2, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A2 = 12, A3 = 13,
            A4 = 14, A5 = 15, S0 = 8, S1 = 9;

    // ---- formats ----
    static int rType(int funct7, int rs2, int rs1, int funct3, int rd, int opcode) {
        return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
    }
    static int iType(int imm, int rs1, int funct3, int rd, int opcode) {
        if (imm < -2048 || imm > 4095) throw new IllegalArgumentException("imm " + imm);
        return (imm & 0xFFF) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
    }
    static int sType(int imm, int rs2, int rs1, int funct3, int opcode) {
        return ((imm >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1F) << 7 | opcode;
    }
    static int bType(int off, int rs2, int rs1, int funct3) {
        return ((off >> 12) & 1) << 31 | ((off >> 5) & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12
                | ((off >> 1) & 0xF) << 8 | ((off >> 11) & 1) << 7 | 0x63;
    }
    static int uType(int imm20, int rd, int opcode) { return imm20 << 12 | rd << 7 | opcode; }
    static int jType(int off, int rd) {
        return ((off >> 20) & 1) << 31 | ((off >> 1) & 0x3FF) << 21 | ((off >> 11) & 1) << 20
                | ((off >> 12) & 0xFF) << 12 | rd << 7 | 0x6F;
    }

    // ---- emission ----
    Asm word(int insn) {
        for (int k = 0; k < 4; k++) out.write(insn >>> (8 * k));
        return this;
    }
    Asm half(int insn) {
        out.write(insn);
        out.write(insn >>> 8);
        return this;
    }
    int size() { return out.size(); }
    byte[] bytes() { return out.toByteArray(); }

    // ---- RV64I ----
    Asm lui(int rd, int imm20) { return word(uType(imm20, rd, 0x37)); }
    Asm auipc(int rd, int imm20) { return word(uType(imm20, rd, 0x17)); }
    Asm jal(int rd, int off) { return word(jType(off, rd)); }
    Asm jalr(int rd, int rs1, int imm) { return word(iType(imm, rs1, 0, rd, 0x67)); }
    Asm beq(int a, int b, int off) { return word(bType(off, b, a, 0)); }
    Asm bne(int a, int b, int off) { return word(bType(off, b, a, 1)); }
    Asm blt(int a, int b, int off) { return word(bType(off, b, a, 4)); }
    Asm bge(int a, int b, int off) { return word(bType(off, b, a, 5)); }
    Asm bltu(int a, int b, int off) { return word(bType(off, b, a, 6)); }
    Asm bgeu(int a, int b, int off) { return word(bType(off, b, a, 7)); }
    Asm load(int funct3, int rd, int rs1, int imm) { return word(iType(imm, rs1, funct3, rd, 0x03)); }
    Asm lb(int rd, int rs1, int imm) { return load(0, rd, rs1, imm); }
    Asm lh(int rd, int rs1, int imm) { return load(1, rd, rs1, imm); }
    Asm lw(int rd, int rs1, int imm) { return load(2, rd, rs1, imm); }
    Asm ld(int rd, int rs1, int imm) { return load(3, rd, rs1, imm); }
    Asm lbu(int rd, int rs1, int imm) { return load(4, rd, rs1, imm); }
    Asm lhu(int rd, int rs1, int imm) { return load(5, rd, rs1, imm); }
    Asm lwu(int rd, int rs1, int imm) { return load(6, rd, rs1, imm); }
    Asm store(int funct3, int rs2, int rs1, int imm) { return word(sType(imm, rs2, rs1, funct3, 0x23)); }
    Asm sb(int rs2, int rs1, int imm) { return store(0, rs2, rs1, imm); }
    Asm sh(int rs2, int rs1, int imm) { return store(1, rs2, rs1, imm); }
    Asm sw(int rs2, int rs1, int imm) { return store(2, rs2, rs1, imm); }
    Asm sd(int rs2, int rs1, int imm) { return store(3, rs2, rs1, imm); }
    Asm opImm(int funct3, int rd, int rs1, int imm) { return word(iType(imm, rs1, funct3, rd, 0x13)); }
    Asm addi(int rd, int rs1, int imm) { return opImm(0, rd, rs1, imm); }
    Asm slti(int rd, int rs1, int imm) { return opImm(2, rd, rs1, imm); }
    Asm sltiu(int rd, int rs1, int imm) { return opImm(3, rd, rs1, imm); }
    Asm xori(int rd, int rs1, int imm) { return opImm(4, rd, rs1, imm); }
    Asm ori(int rd, int rs1, int imm) { return opImm(6, rd, rs1, imm); }
    Asm andi(int rd, int rs1, int imm) { return opImm(7, rd, rs1, imm); }
    Asm slli(int rd, int rs1, int sh) { return opImm(1, rd, rs1, sh); }
    Asm srli(int rd, int rs1, int sh) { return opImm(5, rd, rs1, sh); }
    Asm srai(int rd, int rs1, int sh) { return opImm(5, rd, rs1, 0x400 | sh); }
    Asm addiw(int rd, int rs1, int imm) { return word(iType(imm, rs1, 0, rd, 0x1B)); }
    Asm slliw(int rd, int rs1, int sh) { return word(iType(sh, rs1, 1, rd, 0x1B)); }
    Asm srliw(int rd, int rs1, int sh) { return word(iType(sh, rs1, 5, rd, 0x1B)); }
    Asm sraiw(int rd, int rs1, int sh) { return word(iType(0x400 | sh, rs1, 5, rd, 0x1B)); }
    Asm op(int funct7, int funct3, int rd, int rs1, int rs2) { return word(rType(funct7, rs2, rs1, funct3, rd, 0x33)); }
    Asm op32(int funct7, int funct3, int rd, int rs1, int rs2) { return word(rType(funct7, rs2, rs1, funct3, rd, 0x3B)); }
    Asm add(int rd, int rs1, int rs2) { return op(0, 0, rd, rs1, rs2); }
    Asm sub(int rd, int rs1, int rs2) { return op(0x20, 0, rd, rs1, rs2); }
    Asm ecall() { return word(0x00000073); }
    Asm ebreak() { return word(0x00100073); }
    Asm fence() { return word(0x0FF0000F); }
    Asm fenceI() { return word(0x0000100F); }
    Asm csr(int funct3, int rd, int csr, int rs1) { return word(csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73); }

    /** Loads a 64-bit constant (lui/addi/slli chain; uses only rd). */
    Asm li(int rd, long v) {
        if (v >= -2048 && v < 2048) return addi(rd, ZERO, (int) v);
        if (v == (int) v) {
            int lo = ((int) v << 20) >> 20;
            int hi = (int) ((v - lo) >>> 12) & 0xFFFFF;
            lui(rd, hi);
            return lo == 0 ? this : addiw(rd, rd, lo);
        }
        long lo = (v << 52) >> 52;
        li(rd, (v - lo) >> 12);
        slli(rd, rd, 12);
        return lo == 0 ? this : addi(rd, rd, (int) lo);
    }

    // ---- A ----
    Asm amo(int funct5, boolean word, int rd, int rs1, int rs2) {
        return word(rType(funct5 << 2, rs2, rs1, word ? 2 : 3, rd, 0x2F));
    }

    // ---- F/D ----
    Asm fp(int funct7, int rm, int rd, int rs1, int rs2) { return word(rType(funct7, rs2, rs1, rm, rd, 0x53)); }
    Asm fld(int rd, int rs1, int imm) { return word(iType(imm, rs1, 3, rd, 0x07)); }
    Asm flw(int rd, int rs1, int imm) { return word(iType(imm, rs1, 2, rd, 0x07)); }
    Asm fsd(int rs2, int rs1, int imm) { return word(sType(imm, rs2, rs1, 3, 0x27)); }
    Asm fsw(int rs2, int rs1, int imm) { return word(sType(imm, rs2, rs1, 2, 0x27)); }
}
