package otherworld.emulator;

import static otherworld.emulator.Insn.*;

/**
 * Decodes RV64GC + Zba/Zbb/Zbs/Zicond instruction bits into an {@link Insn}. Pure: the result depends on the
 * bits only. Anything else decodes as {@link Insn#ILLEGAL}.
 */
final class Decoder {
    private Decoder() {}

    /** Decodes the instruction whose low bits are {@code fetched} (upper 16 bits ignored if compressed). */
    static void decode(Insn d, int fetched) {
        if ((fetched & 3) != 3) {
            int c = fetched & 0xFFFF;
            d.raw = c;
            d.mask = 0xFFFF;
            int e = Compressed.expand(c);
            if (e == 0) {
                setIllegal(d);
            } else {
                decode32(d, e);
            }
            d.len = 2;
        } else {
            d.raw = fetched;
            d.mask = -1;
            decode32(d, fetched);
            d.len = 4;
        }
    }

    private static void setIllegal(Insn d) {
        d.op = ILLEGAL;
        d.bits = 0;
        d.rd = d.rs1 = d.rs2 = 0;
        d.imm = 0;
    }

    private static final int[] OP_F3 = {ADD, SLL, SLT, SLTU, XOR, SRL, OR, AND};
    private static final int[] OP_SUB_F3 = {SUB, ILLEGAL, ILLEGAL, ILLEGAL, XNOR, SRA, ORN, ANDN};
    private static final int[] OP_SHADD_F3 = {ILLEGAL, ILLEGAL, SH1ADD, ILLEGAL, SH2ADD, ILLEGAL, SH3ADD, ILLEGAL};
    private static final int[] OP_MINMAX_F3 = {ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, MIN, MINU, MAX, MAXU};

    static int immI(int i) { return i >> 20; }
    static int immS(int i) { return ((i >> 25) << 5) | ((i >>> 7) & 0x1F); }
    static int immB(int i) {
        return ((i >> 31) << 12) | (((i >>> 7) & 1) << 11) | (((i >>> 25) & 0x3F) << 5) | (((i >>> 8) & 0xF) << 1);
    }
    static int immJ(int i) {
        return ((i >> 31) << 20) | (((i >>> 12) & 0xFF) << 12) | (((i >>> 20) & 1) << 11) | (((i >>> 21) & 0x3FF) << 1);
    }

    static void decode32(Insn d, int i) {
        d.bits = i;
        d.rd = (i >>> 7) & 31;
        d.rs1 = (i >>> 15) & 31;
        d.rs2 = (i >>> 20) & 31;
        d.imm = 0;
        int f3 = (i >>> 12) & 7;
        int f7 = i >>> 25;
        int op = ILLEGAL;
        switch (i & 0x7F) {
            case 0x37: op = LUI; d.imm = i & 0xFFFFF000; break;
            case 0x17: op = AUIPC; d.imm = i & 0xFFFFF000; break;
            case 0x6F: op = JAL; d.imm = immJ(i); break;
            case 0x67: if (f3 == 0) { op = JALR; d.imm = immI(i); } break;
            case 0x63:
                d.imm = immB(i);
                switch (f3) {
                    case 0: op = BEQ; break;
                    case 1: op = BNE; break;
                    case 4: op = BLT; break;
                    case 5: op = BGE; break;
                    case 6: op = BLTU; break;
                    case 7: op = BGEU; break;
                    default: break;
                }
                break;
            case 0x03:
                d.imm = immI(i);
                switch (f3) {
                    case 0: op = LB; break;
                    case 1: op = LH; break;
                    case 2: op = LW; break;
                    case 3: op = LD; break;
                    case 4: op = LBU; break;
                    case 5: op = LHU; break;
                    case 6: op = LWU; break;
                    default: break;
                }
                break;
            case 0x23:
                d.imm = immS(i);
                switch (f3) {
                    case 0: op = SB; break;
                    case 1: op = SH; break;
                    case 2: op = SW; break;
                    case 3: op = SD; break;
                    default: break;
                }
                break;
            case 0x13:
                d.imm = immI(i);
                switch (f3) {
                    case 0: op = ADDI; break;
                    case 2: op = SLTI; break;
                    case 3: op = SLTIU; break;
                    case 4: op = XORI; break;
                    case 6: op = ORI; break;
                    case 7: op = ANDI; break;
                    case 1: {
                        int f6 = i >>> 26, imm12 = i >>> 20;
                        if (f6 == 0) op = SLLI;
                        else if (f6 == 0x12) op = BCLRI;
                        else if (f6 == 0x1A) op = BINVI;
                        else if (f6 == 0x0A) op = BSETI;
                        else if (imm12 == 0x600) op = CLZ;
                        else if (imm12 == 0x601) op = CTZ;
                        else if (imm12 == 0x602) op = CPOP;
                        else if (imm12 == 0x604) op = SEXT_B;
                        else if (imm12 == 0x605) op = SEXT_H;
                        d.imm = (i >>> 20) & 63;
                        break;
                    }
                    case 5: {
                        int f6 = i >>> 26, imm12 = i >>> 20;
                        if (f6 == 0) op = SRLI;
                        else if (f6 == 0x10) op = SRAI;
                        else if (f6 == 0x18) op = RORI;
                        else if (f6 == 0x12) op = BEXTI;
                        else if (imm12 == 0x287) op = ORC_B;
                        else if (imm12 == 0x6B8) op = REV8;
                        d.imm = (i >>> 20) & 63;
                        break;
                    }
                    default: break;
                }
                break;
            case 0x1B:
                d.imm = immI(i);
                switch (f3) {
                    case 0: op = ADDIW; break;
                    case 1: {
                        int imm12 = i >>> 20;
                        if (f7 == 0) { op = SLLIW; d.imm = (i >>> 20) & 31; }
                        else if ((i >>> 26) == 0x02) { op = SLLI_UW; d.imm = (i >>> 20) & 63; }
                        else if (imm12 == 0x600) op = CLZW;
                        else if (imm12 == 0x601) op = CTZW;
                        else if (imm12 == 0x602) op = CPOPW;
                        break;
                    }
                    case 5:
                        if (f7 == 0) { op = SRLIW; d.imm = (i >>> 20) & 31; }
                        else if (f7 == 0x20) { op = SRAIW; d.imm = (i >>> 20) & 31; }
                        else if (f7 == 0x30) { op = RORIW; d.imm = (i >>> 20) & 31; }
                        break;
                    default: break;
                }
                break;
            case 0x33:
                switch (f7) {
                    case 0x00: op = OP_F3[f3]; break;
                    case 0x01: op = MUL + f3; break;                    // MUL MULH MULHSU MULHU DIV DIVU REM REMU
                    case 0x20: op = OP_SUB_F3[f3]; break;               // SUB SRA XNOR ORN ANDN
                    case 0x10: op = OP_SHADD_F3[f3]; break;             // SH1ADD SH2ADD SH3ADD
                    case 0x05: op = OP_MINMAX_F3[f3]; break;            // MIN MINU MAX MAXU
                    case 0x30: op = f3 == 1 ? ROL : f3 == 5 ? ROR : ILLEGAL; break;
                    case 0x24: op = f3 == 1 ? BCLR : f3 == 5 ? BEXT : ILLEGAL; break;
                    case 0x34: op = f3 == 1 ? BINV : ILLEGAL; break;
                    case 0x14: op = f3 == 1 ? BSET : ILLEGAL; break;
                    case 0x07: op = f3 == 5 ? CZERO_EQZ : f3 == 7 ? CZERO_NEZ : ILLEGAL; break;
                    default: break;
                }
                break;
            case 0x3B:
                if (f7 == 0) {
                    if (f3 == 0) op = ADDW;
                    else if (f3 == 1) op = SLLW;
                    else if (f3 == 5) op = SRLW;
                } else if (f7 == 0x20) {
                    if (f3 == 0) op = SUBW;
                    else if (f3 == 5) op = SRAW;
                } else if (f7 == 0x04) {
                    if (f3 == 0) op = ADD_UW;
                    else if (f3 == 4 && d.rs2 == 0) op = ZEXT_H;
                } else if (f7 == 0x10) {
                    op = f3 == 2 ? SH1ADD_UW : f3 == 4 ? SH2ADD_UW : f3 == 6 ? SH3ADD_UW : ILLEGAL;
                } else if (f7 == 0x30) {
                    op = f3 == 1 ? ROLW : f3 == 5 ? RORW : ILLEGAL;
                } else if (f7 == 1) {
                    switch (f3) {
                        case 0: op = MULW; break;
                        case 4: op = DIVW; break;
                        case 5: op = DIVUW; break;
                        case 6: op = REMW; break;
                        case 7: op = REMUW; break;
                        default: break;
                    }
                }
                break;
            case 0x0F:
                if (f3 == 0 || f3 == 1) op = NOP;           // fence, fence.i
                break;
            case 0x73:
                if (f3 == 0) {
                    if (i == 0x00000073) op = ECALL;
                    else if (i == 0x00100073) op = EBREAK;
                } else if (f3 != 4) {
                    op = new int[] {0, CSRRW, CSRRS, CSRRC, 0, CSRRWI, CSRRSI, CSRRCI}[f3];
                    d.imm = (i >>> 20) & 0xFFF;
                }
                break;
            case 0x2F: {
                int f5 = i >>> 27;
                d.imm = f5;
                if (f3 != 2 && f3 != 3) break;
                boolean w = f3 == 2;
                if (f5 == 2) { if (d.rs2 == 0) op = w ? LR_W : LR_D; }
                else if (f5 == 3) op = w ? SC_W : SC_D;
                else if (f5 == 0 || f5 == 1 || f5 == 4 || f5 == 8 || f5 == 12 || f5 == 16 || f5 == 20
                        || f5 == 24 || f5 == 28) op = w ? AMO_W : AMO_D;
                break;
            }
            case 0x07:
                d.imm = immI(i);
                if (f3 == 2) op = FLW;
                else if (f3 == 3) op = FLD;
                break;
            case 0x27:
                d.imm = immS(i);
                if (f3 == 2) op = FSW;
                else if (f3 == 3) op = FSD;
                break;
            case 0x53: case 0x43: case 0x47: case 0x4B: case 0x4F:
                op = FP;                                      // legality checked when executed
                break;
            default:
                break;
        }
        d.op = op;
        // Pure register writes to x0 have no effect: turn them into NOP so the hot loop need not test rd.
        if (d.rd == 0 && ((op >= LUI && op <= AUIPC) || (op >= ADDI && op <= REMUW) || op >= ADD_UW)) d.op = NOP;
    }
}
