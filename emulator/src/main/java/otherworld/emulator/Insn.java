package otherworld.emulator;

/**
 * One decoded instruction, as kept in the hart's decode cache. Mutable: a cache slot is re-decoded in place.
 *
 * <p>Invariant: the slot describes the instruction whose raw bits are {@link #raw}; it is valid for any fetch
 * where {@code (fetchedBits & mask) == raw}. {@link #mask} is 0xFFFF for a 16-bit instruction (the upper half
 * belongs to the next instruction) and -1 for a 32-bit one. Because the low two bits decide the length, the
 * comparison is sound across lengths. Compressed instructions are stored as their 32-bit expansion
 * ({@link #bits}) with {@link #len} = 2.
 */
final class Insn {
    // Operation codes. Values are dense so that the dispatch switch compiles to a table.
    static final int ILLEGAL = 0, LUI = 1, AUIPC = 2, JAL = 3, JALR = 4,
            BEQ = 5, BNE = 6, BLT = 7, BGE = 8, BLTU = 9, BGEU = 10,
            LB = 11, LH = 12, LW = 13, LD = 14, LBU = 15, LHU = 16, LWU = 17,
            SB = 18, SH = 19, SW = 20, SD = 21,
            ADDI = 22, SLTI = 23, SLTIU = 24, XORI = 25, ORI = 26, ANDI = 27, SLLI = 28, SRLI = 29, SRAI = 30,
            ADD = 31, SUB = 32, SLL = 33, SLT = 34, SLTU = 35, XOR = 36, SRL = 37, SRA = 38, OR = 39, AND = 40,
            ADDIW = 41, SLLIW = 42, SRLIW = 43, SRAIW = 44,
            ADDW = 45, SUBW = 46, SLLW = 47, SRLW = 48, SRAW = 49,
            MUL = 50, MULH = 51, MULHSU = 52, MULHU = 53, DIV = 54, DIVU = 55, REM = 56, REMU = 57,
            MULW = 58, DIVW = 59, DIVUW = 60, REMW = 61, REMUW = 62,
            NOP = 63, ECALL = 64, EBREAK = 65,
            CSRRW = 66, CSRRS = 67, CSRRC = 68, CSRRWI = 69, CSRRSI = 70, CSRRCI = 71,
            LR_W = 72, SC_W = 73, AMO_W = 74, LR_D = 75, SC_D = 76, AMO_D = 77,
            FLW = 78, FSW = 79, FLD = 80, FSD = 81, FP = 82,
            // Zba, Zbb, Zbs, Zicond: pure register writes, from ADD_UW to CZERO_NEZ
            ADD_UW = 83, SH1ADD = 84, SH2ADD = 85, SH3ADD = 86, SH1ADD_UW = 87, SH2ADD_UW = 88, SH3ADD_UW = 89,
            SLLI_UW = 90, ANDN = 91, ORN = 92, XNOR = 93, CLZ = 94, CLZW = 95, CTZ = 96, CTZW = 97, CPOP = 98,
            CPOPW = 99, MAX = 100, MAXU = 101, MIN = 102, MINU = 103, SEXT_B = 104, SEXT_H = 105, ZEXT_H = 106,
            ROL = 107, ROLW = 108, ROR = 109, RORI = 110, RORIW = 111, RORW = 112, ORC_B = 113, REV8 = 114,
            BCLR = 115, BCLRI = 116, BEXT = 117, BEXTI = 118, BINV = 119, BINVI = 120, BSET = 121, BSETI = 122,
            CZERO_EQZ = 123, CZERO_NEZ = 124;

    int op;
    int rd;
    int rs1;
    int rs2;
    /** Immediate, sign-extended; the shift amount for shifts; the CSR number; the AMO funct5. */
    long imm;
    /** Length in bytes: 2 or 4. */
    int len;
    /** The instruction as fetched (16 or 32 bits) and the mask that selects it; see the class comment. */
    int raw;
    int mask;
    /** The 32-bit form (the expansion, for a compressed instruction). */
    int bits;
}
