package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static otherworld.emulator.Asm.*;
import static otherworld.emulator.TestMachine.*;

import org.junit.jupiter.api.Test;

/** Sv39 translation, permissions, A/D bits, faults, the TLB, accesses across pages. */
class MmuTest {
    private final TestMachine m = new TestMachine();

    /** Loads code (without a trailing ecall) and runs it; returns the trap. */
    private TrapCause run(Asm a) {
        a.ecall();
        m.loadCode(a.bytes());
        return m.hart.run(1000);
    }

    private void assertTrap(TrapCause expected, long pc, long tval, TrapCause actual) {
        assertEquals(expected, actual);
        assertEquals(pc, m.hart.pc, "pc");
        assertEquals(tval, m.hart.trapValue, "trapValue");
    }

    @Test
    void loadFromUnmappedPageIsALoadPageFaultAndChangesNothing() {
        m.hart.x[A0] = 42;
        TrapCause c = run(new Asm().li(T0, 0x40000).addi(T1, ZERO, 1).ld(A0, T0, 8));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE + 8, 0x40008, c);
        assertEquals(42, m.hart.x[A0]);
        assertEquals(1, m.hart.x[T1]);
        assertEquals(2, m.hart.instret);
    }

    @Test
    void storeToReadOnlyPageIsAStorePageFaultAndWritesNothing() {
        long pa = m.map(0x40000, R | U);
        m.mem.write64(pa, 0x1111);
        Asm a = new Asm().li(T0, 0x40000).li(A0, 0x2222);
        long at = CODE + a.size();
        TrapCause c = run(a.sd(A0, T0, 0));
        assertTrap(TrapCause.STORE_PAGE_FAULT, at, 0x40000, c);
        assertEquals(0x1111, m.mem.read64(pa));
    }

    @Test
    void fetchFromNonExecutablePageIsAnInstructionPageFault() {
        m.loadCode(new Asm().ecall().bytes());
        m.hart.pc = DATA;
        TrapCause c = m.hart.run(10);
        assertTrap(TrapCause.INSTRUCTION_PAGE_FAULT, DATA, DATA, c);
    }

    @Test
    void jumpToUnmappedPageFaultsAtTheTarget() {
        TrapCause c = run(new Asm().li(T0, 0x50000).jalr(RA, T0, 4));
        assertTrap(TrapCause.INSTRUCTION_PAGE_FAULT, 0x50004, 0x50004, c);
        assertEquals(CODE + 8, m.hart.x[RA]);       // the jalr itself retired
    }

    @Test
    void userBitMustBeSet() {
        m.map(0x40000, R | W);
        TrapCause c = run(new Asm().li(T0, 0x40000).ld(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE + 4, 0x40000, c);
    }

    @Test
    void codePageWithoutUserBitCannotBeFetched() {
        m.loadCode(new Asm().ecall().bytes());
        m.mem.write64(m.pteAddress(CODE), m.pte(CODE) & ~U);
        m.hart.flushTlb();
        assertTrap(TrapCause.INSTRUCTION_PAGE_FAULT, CODE, CODE, m.hart.run(10));
    }

    @Test
    void writeWithoutReadIsReservedAndFaults() {
        m.map(0x40000, W | U);
        TrapCause c = run(new Asm().li(T0, 0x40000).sd(A0, T0, 0));
        assertTrap(TrapCause.STORE_PAGE_FAULT, CODE + 4, 0x40000, c);
    }

    @Test
    void executeOnlyPageCannotBeRead() {
        m.map(0x40000, X | U);
        TrapCause c = run(new Asm().li(T0, 0x40000).lw(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE + 4, 0x40000, c);
    }

    @Test
    void invalidPteFaults() {
        m.mapPage(0x40000, PhysicalMemory.BASE + 0x200000, R | W | U);
        m.mem.write64(m.pteAddress(0x40000), m.pte(0x40000) & ~V);
        TrapCause c = run(new Asm().li(T0, 0x40000).ld(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE + 4, 0x40000, c);
    }

    @Test
    void reservedHighPteBitsFault() {
        m.map(0x40000, R | W | U);
        m.mem.write64(m.pteAddress(0x40000), m.pte(0x40000) | (1L << 61));
        assertEquals(TrapCause.LOAD_PAGE_FAULT, run(new Asm().li(T0, 0x40000).ld(A0, T0, 0)));
    }

    @Test
    void hardwareSetsAccessedAndDirtyBits() {
        m.map(0x40000, R | W | U);
        m.map(0x41000, R | W | U);
        TrapCause c = run(new Asm().li(T0, 0x40000).ld(A0, T0, 0).li(T1, 0x41000).sd(A0, T1, 0));
        assertEquals(TrapCause.ECALL_FROM_U, c);
        assertEquals(A, m.pte(0x40000) & (A | D));
        assertEquals(A | D, m.pte(0x41000) & (A | D));
        assertEquals(A, m.pte(CODE) & (A | D));
    }

    @Test
    void aStoreAfterALoadStillSetsDirty() {
        m.map(0x40000, R | W | U);
        // the load fills the TLB; the store must not use that entry without setting D
        TrapCause c = run(new Asm().li(T0, 0x40000).ld(A0, T0, 0).sd(A0, T0, 8));
        assertEquals(TrapCause.ECALL_FROM_U, c);
        assertEquals(A | D, m.pte(0x40000) & (A | D));
    }

    @Test
    void kernelClearingDirtyAndFlushingMakesTheNextStoreSetItAgain() {
        m.map(0x40000, R | W | U);
        Asm a = new Asm().li(T0, 0x40000).sd(T0, T0, 0).ecall().sd(T0, T0, 8);
        m.loadCode(a.bytes());
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(100));
        m.mem.write64(m.pteAddress(0x40000), m.pte(0x40000) & ~D);
        m.hart.flushTlb();
        m.hart.pc += 4;
        m.hart.run(1);
        assertEquals(D, m.pte(0x40000) & D);
    }

    @Test
    void tlbKeepsOldTranslationUntilFlushed() {
        long frame1 = m.map(0x40000, R | W | U);
        long frame2 = m.allocFrame();
        m.mem.write64(frame1, 111);
        m.mem.write64(frame2, 222);
        Asm a = new Asm().li(T0, 0x40000).ld(A0, T0, 0).ecall().ld(A0, T0, 0).ecall();
        m.loadCode(a.bytes());
        m.hart.run(100);
        assertEquals(111, m.hart.x[A0]);
        // remap to frame2 and make it read-only, without flushing: this hart still uses its cached entry
        m.mapPage(0x40000, frame2, R | U | A);
        m.hart.pc += 4;
        m.hart.run(100);
        assertEquals(111, m.hart.x[A0]);
        // after sfence.vma the new PTE is used
        m.hart.flushTlb();
        m.hart.pc -= 4;
        m.hart.run(100);
        assertEquals(222, m.hart.x[A0]);
    }

    @Test
    void downgradedPermissionIsEnforcedAfterFlush() {
        m.map(0x40000, R | W | U);
        Asm a = new Asm().li(T0, 0x40000).sd(T0, T0, 0).ecall().sd(T0, T0, 0);
        m.loadCode(a.bytes());
        m.hart.run(100);
        m.mem.write64(m.pteAddress(0x40000), m.pte(0x40000) & ~W);
        m.hart.flushTlb();
        m.hart.pc += 4;
        assertTrap(TrapCause.STORE_PAGE_FAULT, CODE + 12, 0x40000, m.hart.run(100));
    }

    @Test
    void misalignedLoadAndStoreAcrossAPageBoundary() {
        long p1 = m.map(0x40000, R | W | U);
        long p2 = m.allocFrame();
        m.allocFrame();                       // keep the frames apart: not physically contiguous
        long p2real = m.allocFrame();
        m.mapPage(0x41000, p2real, R | W | U);
        assertNotEquals(p1 + 4096, p2real);
        m.hart.x[A1] = 0x0102_0304_0506_0708L;
        TrapCause c = run(new Asm().li(T0, 0x40FFD).sd(A1, T0, 0).ld(A0, T0, 0).lw(A2, T0, 1).lhu(A3, T0, 2));
        assertEquals(TrapCause.ECALL_FROM_U, c);
        assertEquals(0x0102_0304_0506_0708L, m.hart.x[A0]);
        assertEquals(0x0405_0607L, m.hart.x[A2]);
        assertEquals(0x0506L, m.hart.x[A3]);
        assertEquals(0x08, m.mem.read8(p1 + 0xFFD));
        assertEquals(0x06, m.mem.read8(p1 + 0xFFF));
        assertEquals(0x05, m.mem.read8(p2real));
        assertEquals(0x01, m.mem.read8(p2real + 4));
        assertEquals(0, m.mem.read8(p2));
    }

    @Test
    void storeAcrossIntoReadOnlyPageFaultsBeforeWritingAnyByte() {
        long p1 = m.map(0x40000, R | W | U);
        m.map(0x41000, R | U);
        Asm a = new Asm().li(T0, 0x40FFC).li(A0, -1);
        long at = CODE + a.size();
        TrapCause c = run(a.sd(A0, T0, 0));
        assertTrap(TrapCause.STORE_PAGE_FAULT, at, 0x41000, c);
        assertEquals(0, m.mem.read64(p1 + 0xFF8));
    }

    @Test
    void loadAcrossIntoUnmappedPageFaults() {
        m.map(0x40000, R | W | U);
        m.hart.x[A0] = 5;
        Asm a = new Asm().li(T0, 0x40FFE);
        long at = CODE + a.size();
        TrapCause c = run(a.lw(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, at, 0x41000, c);
        assertEquals(5, m.hart.x[A0]);
    }

    @Test
    void nonCanonicalAddressIsAPageFault() {
        m.hart.x[T0] = 0x0000_0040_0000_0000L;      // bit 38 clear... bit 39 set: not canonical
        TrapCause c = run(new Asm().ld(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE, 0x0000_0040_0000_0000L, c);
    }

    @Test
    void topOfAddressSpaceIsCanonicalAndMappable() {
        long va = 0xFFFF_FFFF_FFFF_F000L;
        long pa = m.map(va, R | W | U);
        m.mem.write64(pa + 8, 99);
        m.hart.x[T0] = va;
        assertEquals(TrapCause.ECALL_FROM_U, run(new Asm().ld(A0, T0, 8)));
        assertEquals(99, m.hart.x[A0]);
    }

    @Test
    void bareModeSatpFaultsEveryAccess() {
        m.loadCode(new Asm().ecall().bytes());
        m.hart.satp = 0;
        assertTrap(TrapCause.INSTRUCTION_PAGE_FAULT, CODE, CODE, m.hart.run(10));
    }

    @Test
    void gigapageAndMegapageMappings() {
        // 2 MiB megapage at va 0x4000_0000 -> pa BASE + 2 MiB
        m.mapAt(0x4000_0000L, PhysicalMemory.BASE + (2 << 20), R | W | U, 1);
        m.mem.write64(PhysicalMemory.BASE + (2 << 20) + 0x12340, 7);
        // 1 GiB gigapage at va 0x80_0000_0000? must be < 2^38: use 0x20_0000_0000 -> pa BASE (aligned to 1 GiB)
        m.mapAt(0x20_0000_0000L, PhysicalMemory.BASE, R | U, 2);
        m.mem.write64(PhysicalMemory.BASE + 0x30_0000, 8);
        m.hart.x[T0] = 0x4000_0000L + 0x12340;
        m.hart.x[T1] = 0x20_0030_0000L;
        assertEquals(TrapCause.ECALL_FROM_U, run(new Asm().ld(A0, T0, 0).ld(A1, T1, 0)));
        assertEquals(7, m.hart.x[A0]);
        assertEquals(8, m.hart.x[A1]);
    }

    @Test
    void misalignedSuperpageFaults() {
        m.mapAt(0x4000_0000L, PhysicalMemory.BASE + 0x1000, R | W | U, 1);
        m.hart.x[T0] = 0x4000_0000L;
        TrapCause c = run(new Asm().ld(A0, T0, 0));
        assertTrap(TrapCause.LOAD_PAGE_FAULT, CODE, 0x4000_0000L, c);
    }

    @Test
    void leafOutsideRamIsAnAccessFault() {
        m.mapPage(0x40000, 0x1000_0000L, R | W | U);
        TrapCause c = run(new Asm().li(T0, 0x40000).sd(A0, T0, 0));
        assertTrap(TrapCause.STORE_ACCESS_FAULT, CODE + 4, 0x40000, c);
    }

    @Test
    void pageTablePointerOutsideRamIsAnAccessFault() {
        m.loadCode(new Asm().ld(A0, T0, 0).ecall().bytes());
        // a root entry for va 0x80_0000_0000 >> ... use root slot 1 (va 0x4000_0000) pointing outside RAM
        m.mem.write64(m.root + 8, ((0x1000_0000L >>> 12) << 10) | V);
        m.hart.x[T0] = 0x4000_0000L;
        assertTrap(TrapCause.LOAD_ACCESS_FAULT, CODE, 0x4000_0000L, m.hart.run(10));
    }

    @Test
    void instructionStraddlingTwoPagesIsFetchedFromBoth() {
        // code page 0x10000 ends with a 2-byte c.nop then a 4-byte addi whose upper half is on the next page
        byte[] code = new byte[4096 + 8];
        Asm pad = new Asm();
        for (int i = 0; i < 4094 / 2; i++) pad.half(0x0001);             // c.nop
        pad.addi(A0, ZERO, 123).ecall();
        byte[] b = pad.bytes();
        System.arraycopy(b, 0, code, 0, b.length);
        m.loadCode(code);
        assertEquals(TrapCause.ECALL_FROM_U, m.hart.run(10_000));
        assertEquals(123, m.hart.x[A0]);
        assertEquals(CODE + 4098, m.hart.pc);
    }

    @Test
    void instructionStraddlingIntoUnmappedPageFaults() {
        Asm pad = new Asm();
        for (int i = 0; i < 4094 / 2; i++) pad.half(0x0001);
        pad.half(0x0513);                                                 // low half of "addi a0, x0, ..."
        m.loadCode(pad.bytes());
        TrapCause c = m.hart.run(10_000);
        assertTrap(TrapCause.INSTRUCTION_PAGE_FAULT, CODE + 4094, CODE + 4096, c);
    }
}
