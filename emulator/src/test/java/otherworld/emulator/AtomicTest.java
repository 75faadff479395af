package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static otherworld.emulator.Asm.*;
import static otherworld.emulator.TestMachine.*;

import org.junit.jupiter.api.Test;

/** The A extension: LR/SC and the AMOs. */
class AtomicTest {
    private static final int LR = 2, SC = 3, ADD = 0, SWAP = 1, XOR = 4, OR = 8, AND = 12, MIN = 16, MAX = 20,
            MINU = 24, MAXU = 28;

    private final TestMachine m = new TestMachine();

    @Test
    void lrThenScSucceeds() {
        m.write64(DATA, 5);
        Asm a = new Asm().li(T0, DATA).li(A2, 9).amo(LR, false, A0, T0, 0).amo(SC, false, A1, T0, A2);
        Hart h = m.runToEcall(a);
        assertEquals(5, h.x[A0]);
        assertEquals(0, h.x[A1]);
        assertEquals(9, m.read64(DATA));
    }

    @Test
    void scWithoutReservationFailsAndWritesNothing() {
        m.write64(DATA, 5);
        Asm a = new Asm().li(T0, DATA).li(A2, 9).amo(SC, false, A1, T0, A2);
        Hart h = m.runToEcall(a);
        assertEquals(1, h.x[A1]);
        assertEquals(5, m.read64(DATA));
    }

    @Test
    void secondScFailsBecauseTheFirstClearedTheReservation() {
        Asm a = new Asm().li(T0, DATA).li(A2, 9).amo(LR, true, A0, T0, 0).amo(SC, true, A1, T0, A2)
                .amo(SC, true, A3, T0, A2);
        Hart h = m.runToEcall(a);
        assertEquals(0, h.x[A1]);
        assertEquals(1, h.x[A3]);
    }

    @Test
    void scToAnotherAddressFails() {
        Asm a = new Asm().li(T0, DATA).li(A2, 9).amo(LR, false, A0, T0, 0).addi(T1, T0, 8)
                .amo(SC, false, A1, T1, A2);
        Hart h = m.runToEcall(a);
        assertEquals(1, h.x[A1]);
        assertEquals(0, m.read64(DATA + 8));
    }

    @Test
    void returningFromRunDropsTheReservation() {
        Asm a = new Asm().li(T0, DATA).li(A2, 9).amo(LR, false, A0, T0, 0).amo(SC, false, A1, T0, A2).ecall();
        m.loadCode(a.bytes());
        assertEquals(TrapCause.TIMER, m.hart.run(3));          // stops after the LR
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        assertEquals(1, m.hart.x[A1]);
    }

    @Test
    void lrWordSignExtends() {
        m.write64(DATA, 0x8000_0000L);
        Hart h = m.runToEcall(new Asm().li(T0, DATA).amo(LR, true, A0, T0, 0));
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x[A0]);
    }

    private long[] amo(int funct5, boolean word, long memory, long operand) {
        TestMachine t = new TestMachine();
        t.loadCode(new byte[4]);
        t.write64(DATA, memory);
        t.hart.x[A2] = operand;
        Hart h = t.runToEcall(new Asm().li(T0, DATA).amo(funct5, word, A0, T0, A2));
        return new long[] {h.x[A0], t.read64(DATA)};
    }

    @Test
    void doublewordAmos() {
        long a = -5, b = 3;
        assertArrayEquals2(amo(ADD, false, a, b), a, a + b);
        assertArrayEquals2(amo(SWAP, false, a, b), a, b);
        assertArrayEquals2(amo(XOR, false, a, b), a, a ^ b);
        assertArrayEquals2(amo(OR, false, a, b), a, a | b);
        assertArrayEquals2(amo(AND, false, a, b), a, a & b);
        assertArrayEquals2(amo(MIN, false, a, b), a, -5);
        assertArrayEquals2(amo(MAX, false, a, b), a, 3);
        assertArrayEquals2(amo(MINU, false, a, b), a, 3);
        assertArrayEquals2(amo(MAXU, false, a, b), a, -5);
    }

    @Test
    void wordAmosWorkOnTheLowWordAndSignExtend() {
        long mem = 0x1234_5678_FFFF_FFFBL;   // low word -5, upper word must survive
        long upper = 0x1234_5678_0000_0000L;
        assertArrayEquals2(amo(ADD, true, mem, 3), -5, upper | 0xFFFF_FFFEL);
        assertArrayEquals2(amo(ADD, true, 0x7FFF_FFFFL, 1), 0x7FFF_FFFFL, 0x8000_0000L);
        assertArrayEquals2(amo(SWAP, true, mem, 0x1_0000_0007L), -5, upper | 7);
        assertArrayEquals2(amo(MIN, true, mem, 3), -5, mem);
        assertArrayEquals2(amo(MAX, true, mem, 3), -5, upper | 3);
        assertArrayEquals2(amo(MINU, true, mem, 3), -5, upper | 3);
        assertArrayEquals2(amo(MAXU, true, mem, 3), -5, mem);
        assertArrayEquals2(amo(XOR, true, mem, -1), -5, upper | 4);
        assertArrayEquals2(amo(AND, true, mem, 0xF0), -5, upper | 0xF0);
        assertArrayEquals2(amo(OR, true, 0, 0x8000_0000L), 0, 0x8000_0000L);
    }

    private static void assertArrayEquals2(long[] actual, long rd, long memory) {
        assertEquals(rd, actual[0], "rd");
        assertEquals(memory, actual[1], "memory");
    }

    @Test
    void amoOnReadOnlyPageFaultsAndChangesNothing() {
        long pa = m.map(0x40000, R | U);
        m.mem.write64(pa, 10);
        m.hart.x[A0] = 77;
        Asm a = new Asm().li(T0, 0x40000).li(A2, 1).amo(ADD, false, A0, T0, A2).ecall();
        m.loadCode(a.bytes());
        assertEquals(TrapCause.STORE_PAGE_FAULT, m.hart.run(100));
        assertEquals(0x40000, m.hart.trapValue);
        assertEquals(10, m.mem.read64(pa));
        assertEquals(77, m.hart.x[A0]);
    }

    @Test
    void misalignedAmoIsAnAccessFault() {
        Asm a = new Asm().li(T0, DATA + 4).amo(ADD, false, A0, T0, A2).ecall();
        m.loadCode(a.bytes());
        assertEquals(TrapCause.STORE_ACCESS_FAULT, m.hart.run(100));
        assertEquals(DATA + 4, m.hart.trapValue);
    }
}
