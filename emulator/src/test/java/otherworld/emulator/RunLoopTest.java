package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;
import static otherworld.emulator.TestMachine.*;

import org.junit.jupiter.api.Test;

/** The run contract: budget and TIMER, instret, ECALL/EBREAK/illegal traps, CSRs, the decode cache. */
class RunLoopTest {
    private final TestMachine m = new TestMachine();

    @Test
    void budgetRunsOutWithPcAtTheNextInstruction() {
        m.loadCode(new Asm().addi(A0, A0, 1).addi(A0, A0, 1).addi(A0, A0, 1).addi(A0, A0, 1).ecall().bytes());
        assertEquals(TrapCause.TIMER, m.hart.run(3));
        assertEquals(CODE + 12, m.hart.pc);
        assertEquals(3, m.hart.x[A0]);
        assertEquals(3, m.hart.instret);
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        assertEquals(CODE + 16, m.hart.pc);
        assertEquals(4, m.hart.instret);      // the ecall does not retire
    }

    @Test
    void zeroBudgetRunsNothing() {
        m.loadCode(new Asm().addi(A0, A0, 1).bytes());
        assertEquals(TrapCause.TIMER, m.hart.run(0));
        assertEquals(CODE, m.hart.pc);
        assertEquals(0, m.hart.instret);
    }

    @Test
    void kernelResumesAfterEcallByAddingFour() {
        m.loadCode(new Asm().li(A7, 64).ecall().addi(A0, ZERO, 7).ecall().bytes());
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        assertEquals(CODE + 4, m.hart.pc);
        m.hart.pc += 4;
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        assertEquals(7, m.hart.x[A0]);
    }

    private static final int A7 = 17;

    @Test
    void ebreakIsABreakpoint() {
        m.loadCode(new Asm().addi(A0, ZERO, 1).ebreak().bytes());
        assertEquals(TrapCause.BREAKPOINT, m.hart.run(100));
        assertEquals(CODE + 4, m.hart.pc);
        m.loadCode(new Asm().half(0x9002).bytes());      // c.ebreak
        assertEquals(TrapCause.BREAKPOINT, m.hart.run(100));
        assertEquals(CODE, m.hart.pc);
    }

    @Test
    void illegalInstructionReportsItsBits() {
        m.loadCode(new Asm().addi(A0, ZERO, 1).word(0xFFFF_FFFF).bytes());
        assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(100));
        assertEquals(CODE + 4, m.hart.pc);
        assertEquals(0xFFFF_FFFFL, m.hart.trapValue);
        assertEquals(1, m.hart.instret);
    }

    @Test
    void allZeroHalfwordIsIllegal() {
        m.loadCode(new Asm().half(0x0001).half(0x0000).half(0x0001).bytes());
        assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(100));
        assertEquals(CODE + 2, m.hart.pc);
        assertEquals(0, m.hart.trapValue);
    }

    @Test
    void unknownOpcodesAndFunctsAreIllegal() {
        int[] bad = {
            0x0000_0007 | (5 << 12),           // load-fp with funct3 5
            Asm.rType(0x01, 1, 1, 0, 1, 0x3B) | (1 << 12), // op-32 funct7=1 funct3=1 (no mulhw)
            Asm.rType(0x40, 1, 1, 0, 1, 0x33), // op with funct7 0x40
            0x3020_0073,                        // mret
            0x1050_0073,                        // wfi
            0x1200_0073,                        // sfence.vma
            Asm.iType(1, 1, 1, 1, 0x13) | (1 << 26), // slli with imm[11:6] != 0
        };
        for (int insn : bad) {
            TestMachine t = new TestMachine();
            t.loadCode(new Asm().word(insn).bytes());
            assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.hart.run(10), Integer.toHexString(insn));
            assertEquals(insn & 0xFFFF_FFFFL, t.hart.trapValue);
        }
    }

    @Test
    void reservedCompressedEncodingsAreIllegal() {
        int[] bad = {0x0004 /* c.addi4spn imm 0 */, 0x2001 /* c.addiw rd 0 */, 0x6101 /* c.addi16sp 0 */,
            0x6081 /* c.lui imm 0 */, 0x9C41 /* RV64 reserved: bit12=1, funct2=11, op 10 */, 0x4002 /* c.lwsp rd 0 */,
            0x8002 /* c.jr rs1 0 */, 0x8000 /* quadrant 0 funct3 4 */};
        for (int c : bad) {
            TestMachine t = new TestMachine();
            t.loadCode(new Asm().half(c).bytes());
            assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.hart.run(10), Integer.toHexString(c));
            assertEquals(c, t.hart.trapValue);
        }
    }

    @Test
    void counterCsrsReadInstret() {
        m.hart.instret = 1000;
        // rdinstret a0 ; rdcycle a1 ; rdtime a2
        Asm a = new Asm().addi(T0, ZERO, 1).csr(2, A0, 0xC02, 0).csr(2, A1, 0xC00, 0).csr(2, A2, 0xC01, 0);
        Hart h = m.runToEcall(a);
        assertEquals(1001, h.x[A0]);
        assertEquals(1002, h.x[A1]);
        assertEquals(1003, h.x[A2]);
    }

    @Test
    void writingAReadOnlyCounterIsIllegal() {
        m.loadCode(new Asm().csr(1, A0, 0xC00, T0).bytes());
        assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(10));
        m.loadCode(new Asm().csr(2, A0, 0xC02, T0).bytes());      // csrrs with rs1 != 0 writes
        m.hart.pc = CODE;
        assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(10));
    }

    @Test
    void unknownCsrIsIllegal() {
        m.hart.x[A0] = 5;
        m.loadCode(new Asm().csr(2, A0, 0x300, 0).bytes());       // mstatus
        assertEquals(TrapCause.ILLEGAL_INSTRUCTION, m.hart.run(10));
        assertEquals(5, m.hart.x[A0]);
    }

    @Test
    void floatingPointCsrs() {
        m.hart.fcsr = 0b011_00101;          // frm=RUP, flags NV|OF? (bits 0 and 2)
        m.hart.x[T0] = 0xFF;
        Asm a = new Asm()
                .csr(2, A0, 0x003, 0)           // frcsr a0
                .csr(2, A1, 0x002, 0)           // frrm a1
                .csr(2, A2, 0x001, 0)           // frflags a2
                .csr(1, A3, 0x002, T0)          // fsrm: frm = 7 (only 3 bits kept); a3 = old frm
                .csr(7, A4, 0x001, 1)           // csrrci fflags, 1: a4 = old flags
                .csr(5, A5, 0x001, 0x1F);       // csrrwi fflags, 31
        Hart h = m.runToEcall(a);
        assertEquals(0x65, h.x[A0]);
        assertEquals(3, h.x[A1]);
        assertEquals(5, h.x[A2]);
        assertEquals(3, h.x[A3]);
        assertEquals(5, h.x[A4]);
        assertEquals(4, h.x[A5]);
        assertEquals((7 << 5) | 0x1F, h.fcsr);
    }

    @Test
    void codeRewrittenInRamIsReDecoded() {
        m.loadCode(new Asm().addi(A0, ZERO, 1).ecall().bytes());
        m.hart.run(10);
        assertEquals(1, m.hart.x[A0]);
        m.writeVirtual(CODE, new Asm().addi(A0, ZERO, 2).bytes());
        m.hart.pc = CODE;
        m.hart.run(10);
        assertEquals(2, m.hart.x[A0]);
        // a 32-bit instruction replaced by two compressed ones at the same address
        m.writeVirtual(CODE, new Asm().half(0x4515).half(0x0505).bytes());    // c.li a0,5 ; c.addi a0,1
        m.hart.pc = CODE;
        m.hart.run(10);
        assertEquals(6, m.hart.x[A0]);
    }

    @Test
    void selfModifyingCodeWithFenceI() {
        int newInsn = Asm.iType(42, ZERO, 0, A0, 0x13);        // addi a0, x0, 42
        // t0 = address of the patched slot; store the new instruction; fence.i; run it
        Asm a = new Asm();
        a.li(T1, newInsn & 0xFFFF_FFFFL);
        a.auipc(T0, 0);
        int auipcAt = a.size() - 4;
        a.sw(T1, T0, 0);          // placeholder offset, fixed below
        a.fenceI();
        int slot = a.size();
        a.addi(A0, ZERO, 1);
        a.ecall();
        byte[] code = a.bytes();
        // re-encode the store with the real offset from the auipc
        int sw = Asm.sType(slot - auipcAt, T1, T0, 2, 0x23);
        for (int k = 0; k < 4; k++) code[auipcAt + 4 + k] = (byte) (sw >>> (8 * k));
        // code page must be writable for the guest to patch it
        m.map(CODE, R | W | X | U);
        m.loadCode(code);
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        assertEquals(42, m.hart.x[A0]);
    }

    @Test
    void sameProgramInANewFrameAfterRemapRunsTheNewCode() {
        m.loadCode(new Asm().addi(A0, ZERO, 1).ecall().bytes());
        m.hart.run(10);
        long frame = m.allocFrame();
        m.mapPage(CODE, frame, R | X | U);
        m.writeVirtual(CODE, new Asm().addi(A0, ZERO, 3).ecall().bytes());
        m.hart.flushTlb();
        m.hart.pc = CODE;
        m.hart.run(10);
        assertEquals(3, m.hart.x[A0]);
    }

    @Test
    void changedSatpTakesEffectEvenWithoutFlush() {
        m.loadCode(new Asm().addi(A0, ZERO, 1).ecall().bytes());
        m.hart.run(10);
        m.hart.satp = 0;                    // the kernel should flush too; the hart notices a satp change itself
        m.hart.pc = CODE;
        assertEquals(TrapCause.INSTRUCTION_PAGE_FAULT, m.hart.run(10));
    }

    @Test
    void fenceIsANoOp() {
        Hart h = m.runToEcall(new Asm().addi(A0, ZERO, 1).fence().addi(A0, A0, 1));
        assertEquals(2, h.x[A0]);
    }
}
