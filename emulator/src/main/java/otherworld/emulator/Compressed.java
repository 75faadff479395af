package otherworld.emulator;

/**
 * RV64C: expansion of a 16-bit instruction into the 32-bit instruction it stands for (unprivileged spec,
 * chapter "C" tables 16.5-16.7). Returns 0 for an illegal or reserved encoding (0 is never a valid expansion,
 * being itself illegal). HINT encodings expand to their base instructions, which write x0 and so do nothing.
 */
final class Compressed {
    private Compressed() {}

    private static int bit(int c, int b) { return (c >>> b) & 1; }
    private static int bits(int c, int hi, int lo) { return (c >>> lo) & ((1 << (hi - lo + 1)) - 1); }

    static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }
    static int i(int imm, int rs1, int f3, int rd, int opcode) {
        return ((imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }
    static int s(int imm, int rs2, int rs1, int f3, int opcode) {
        return (((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1F) << 7) | opcode;
    }
    static int b(int imm, int rs2, int rs1, int f3, int opcode) {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
                | (((imm >> 1) & 0xF) << 8) | (((imm >> 11) & 1) << 7) | opcode;
    }
    static int u(int imm, int rd, int opcode) { return (imm & 0xFFFFF000) | (rd << 7) | opcode; }
    static int j(int imm, int rd, int opcode) {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20)
                | (((imm >> 12) & 0xFF) << 12) | (rd << 7) | opcode;
    }

    static int expand(int c) {
        int rdp = bits(c, 4, 2) + 8;     // rd' / rs2'
        int rs1p = bits(c, 9, 7) + 8;    // rs1' / rd'
        int rd = bits(c, 11, 7);
        int rs2 = bits(c, 6, 2);
        int f3 = bits(c, 15, 13);
        int imm6 = (bit(c, 12) << 5) | bits(c, 6, 2);
        int simm6 = (imm6 << 26) >> 26;
        switch (c & 3) {
            case 0:
                switch (f3) {
                    case 0: { // c.addi4spn
                        int nz = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
                        return nz == 0 ? 0 : i(nz, 2, 0, rdp, 0x13);
                    }
                    case 1: return i(ldOffset(c), rs1p, 3, rdp, 0x07);          // c.fld
                    case 2: return i(lwOffset(c), rs1p, 2, rdp, 0x03);          // c.lw
                    case 3: return i(ldOffset(c), rs1p, 3, rdp, 0x03);          // c.ld
                    case 5: return s(ldOffset(c), rdp, rs1p, 3, 0x27);          // c.fsd
                    case 6: return s(lwOffset(c), rdp, rs1p, 2, 0x23);          // c.sw
                    case 7: return s(ldOffset(c), rdp, rs1p, 3, 0x23);          // c.sd
                    default: return 0;
                }
            case 1:
                switch (f3) {
                    case 0: return i(simm6, rd, 0, rd, 0x13);                   // c.addi / c.nop
                    case 1: return rd == 0 ? 0 : i(simm6, rd, 0, rd, 0x1B);     // c.addiw
                    case 2: return i(simm6, 0, 0, rd, 0x13);                    // c.li
                    case 3:
                        if (rd == 2) {                                          // c.addi16sp
                            int nz = (bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) | (bits(c, 4, 3) << 7)
                                    | (bit(c, 2) << 5);
                            nz = (nz << 22) >> 22;
                            return nz == 0 ? 0 : i(nz, 2, 0, 2, 0x13);
                        } else {                                                // c.lui
                            return imm6 == 0 ? 0 : u(simm6 << 12, rd, 0x37);
                        }
                    case 4: {
                        int f2 = bits(c, 11, 10);
                        if (f2 == 0) return i(imm6, rs1p, 5, rs1p, 0x13);            // c.srli
                        if (f2 == 1) return i(imm6 | 0x400, rs1p, 5, rs1p, 0x13);    // c.srai
                        if (f2 == 2) return i(simm6, rs1p, 7, rs1p, 0x13);           // c.andi
                        int op2 = bits(c, 6, 5);
                        if (bit(c, 12) == 0) {
                            switch (op2) {
                                case 0: return r(0x20, rdp, rs1p, 0, rs1p, 0x33);   // c.sub
                                case 1: return r(0, rdp, rs1p, 4, rs1p, 0x33);      // c.xor
                                case 2: return r(0, rdp, rs1p, 6, rs1p, 0x33);      // c.or
                                default: return r(0, rdp, rs1p, 7, rs1p, 0x33);     // c.and
                            }
                        }
                        if (op2 == 0) return r(0x20, rdp, rs1p, 0, rs1p, 0x3B);     // c.subw
                        if (op2 == 1) return r(0, rdp, rs1p, 0, rs1p, 0x3B);        // c.addw
                        return 0;
                    }
                    case 5: return j(jOffset(c), 0, 0x6F);                      // c.j
                    case 6: return b(bOffset(c), 0, rs1p, 0, 0x63);             // c.beqz
                    default: return b(bOffset(c), 0, rs1p, 1, 0x63);            // c.bnez
                }
            case 2:
                switch (f3) {
                    case 0: return i(imm6, rd, 1, rd, 0x13);                    // c.slli
                    case 1: return i(ldspOffset(c), 2, 3, rd, 0x07);            // c.fldsp
                    case 2: {                                                   // c.lwsp
                        int off = (bit(c, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6);
                        return rd == 0 ? 0 : i(off, 2, 2, rd, 0x03);
                    }
                    case 3: return rd == 0 ? 0 : i(ldspOffset(c), 2, 3, rd, 0x03); // c.ldsp
                    case 4:
                        if (bit(c, 12) == 0) {
                            if (rs2 == 0) return rd == 0 ? 0 : i(0, rd, 0, 0, 0x67);  // c.jr
                            return r(0, rs2, 0, 0, rd, 0x33);                          // c.mv
                        }
                        if (rs2 == 0) {
                            if (rd == 0) return 0x00100073;                            // c.ebreak
                            return i(0, rd, 0, 1, 0x67);                               // c.jalr
                        }
                        return r(0, rs2, rd, 0, rd, 0x33);                             // c.add
                    case 5: return s(sdspOffset(c), rs2, 2, 3, 0x27);           // c.fsdsp
                    case 6: {                                                   // c.swsp
                        int off = (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6);
                        return s(off, rs2, 2, 2, 0x23);
                    }
                    default: return s(sdspOffset(c), rs2, 2, 3, 0x23);          // c.sdsp
                }
            default:
                return 0;
        }
    }

    private static int ldOffset(int c) { return (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6); }
    private static int lwOffset(int c) { return (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6); }
    private static int ldspOffset(int c) { return (bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6); }
    private static int sdspOffset(int c) { return (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6); }

    private static int jOffset(int c) {
        int o = (bit(c, 12) << 11) | (bit(c, 11) << 4) | (bits(c, 10, 9) << 8) | (bit(c, 8) << 10)
                | (bit(c, 7) << 6) | (bit(c, 6) << 7) | (bits(c, 5, 3) << 1) | (bit(c, 2) << 5);
        return (o << 20) >> 20;
    }

    private static int bOffset(int c) {
        int o = (bit(c, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6) | (bits(c, 4, 3) << 1)
                | (bit(c, 2) << 5);
        return (o << 23) >> 23;
    }
}
