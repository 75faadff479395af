package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class Sv39Test {

    @Test
    void constants() {
        assertEquals(4096L, Sv39.PAGE_SIZE);
        assertEquals(1L << 12, Sv39.PAGE_SIZE);
        assertEquals(1L << 38, Sv39.USER_VA_LIMIT);
        assertEquals(1L << 39, Sv39.VA_LIMIT);
        assertEquals(1L << 44, Sv39.PPN_LIMIT);
        assertEquals(8L << 60, Sv39.SATP_MODE_SV39);
        assertEquals(3, Sv39.LEVELS);
        assertEquals(255, Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X
                | Sv39.PTE_U | Sv39.PTE_G | Sv39.PTE_A | Sv39.PTE_D);
    }

    @Test
    void vpnOfKnownAddresses() {
        long va = (5L << 30) | (7L << 21) | (9L << 12) | 0x123;
        assertEquals(9, Sv39.vpn(va, 0));
        assertEquals(7, Sv39.vpn(va, 1));
        assertEquals(5, Sv39.vpn(va, 2));
        assertEquals(0, Sv39.vpn(0, 2));
        long top = Sv39.VA_LIMIT - 1;
        assertEquals(511, Sv39.vpn(top, 0));
        assertEquals(511, Sv39.vpn(top, 1));
        assertEquals(511, Sv39.vpn(top, 2));
        assertEquals(255, Sv39.vpn(Sv39.USER_VA_LIMIT - 1, 2));
    }

    @Property
    void vpnMatchesShiftAndMask(@ForAll @LongRange(min = 0, max = (1L << 39) - 1) long va,
                                @ForAll @IntRange(min = 0, max = 2) int level) {
        assertEquals((int) ((va >>> (12 + 9 * level)) & 511), Sv39.vpn(va, level));
    }

    @Test
    void pteRoundTrip() {
        long pte = Sv39.makePte(0x80123L, Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_W);
        assertEquals((0x80123L << 10) | 7, pte);
        assertEquals(0x80123L, Sv39.ptePpn(pte));
        assertEquals(7, Sv39.pteFlags(pte));
        assertTrue(Sv39.isValid(pte));
        assertTrue(Sv39.isLeaf(pte));
        long max = Sv39.makePte(Sv39.PPN_LIMIT - 1, 1023);
        assertEquals(((Sv39.PPN_LIMIT - 1) << 10) | 1023, max);
        assertEquals(Sv39.PPN_LIMIT - 1, Sv39.ptePpn(max));
    }

    @Test
    void leafAndPointer() {
        assertFalse(Sv39.isValid(0));
        assertFalse(Sv39.isLeaf(0));
        assertFalse(Sv39.isLeaf(Sv39.PTE_R | Sv39.PTE_W)); // not valid
        assertFalse(Sv39.isLeaf(Sv39.makePte(5, Sv39.PTE_V))); // points to next level
        assertTrue(Sv39.isValid(Sv39.makePte(5, Sv39.PTE_V)));
        assertTrue(Sv39.isLeaf(Sv39.PTE_V | Sv39.PTE_X));
        assertTrue(Sv39.isLeaf(Sv39.PTE_V | Sv39.PTE_W));
        assertFalse(Sv39.isLeaf(Sv39.PTE_V | Sv39.PTE_U | Sv39.PTE_A | Sv39.PTE_D | Sv39.PTE_G));
        // any garbage in the reserved high bits
        assertTrue(Sv39.isValid(-1L));
        assertTrue(Sv39.isLeaf(-1L));
        assertFalse(Sv39.isValid(Long.MIN_VALUE));
        assertEquals(255, Sv39.pteFlags(-1L));
        assertEquals(Sv39.PPN_LIMIT - 1, Sv39.ptePpn(-1L));
        assertEquals(0, Sv39.ptePpn(Long.MIN_VALUE));
        assertEquals(0, Sv39.pteFlags(Long.MIN_VALUE));
    }

    @Property
    void pteAccessorsMatchBitForm(@ForAll long pte) {
        assertEquals((pte >>> 10) & ((1L << 44) - 1), Sv39.ptePpn(pte));
        assertEquals((int) (pte & 0xff), Sv39.pteFlags(pte));
        assertEquals((pte & 1) != 0, Sv39.isValid(pte));
        assertEquals((pte & 1) != 0 && (pte & 14) != 0, Sv39.isLeaf(pte));
        for (int f = 1; f < 256; f = f * 2) {
            assertEquals((pte & f) != 0, Sv39.hasFlag(Sv39.pteFlags(pte), f));
        }
    }

    @Property
    void pageBaseAndOffsetMatchMasks(@ForAll long addr) {
        assertEquals(addr & ~4095L, Sv39.pageBase(addr));
        assertEquals(addr & 4095L, Sv39.pageOffset(addr));
    }

    @Test
    void pagesEdges() {
        assertEquals(0x80001000L, Sv39.pageBase(0x80001fffL));
        assertEquals(0xfffL, Sv39.pageOffset(0x80001fffL));
        assertEquals(Long.MIN_VALUE, Sv39.pageBase(Long.MIN_VALUE + 5));
        assertEquals(Long.MAX_VALUE - 4095, Sv39.pageBase(Long.MAX_VALUE));
        assertEquals(4095, Sv39.pageOffset(-1L));
        assertEquals(0x80001L, Sv39.ppnOf(0x80001234L));
        assertEquals(0x80001000L, Sv39.paOf(0x80001L));
        assertEquals(Sv39.paOf(Sv39.ppnOf(0x80001234L)), Sv39.pageBase(0x80001234L));
    }

    @Test
    void userRange() {
        long lim = Sv39.USER_VA_LIMIT;
        assertTrue(Sv39.isUserRange(0, 0));
        assertTrue(Sv39.isUserRange(0, lim));
        assertTrue(Sv39.isUserRange(lim, 0));
        assertTrue(Sv39.isUserRange(lim - 4096, 4096));
        assertFalse(Sv39.isUserRange(lim - 4096, 4097));
        assertFalse(Sv39.isUserRange(lim + 1, 0));
        assertFalse(Sv39.isUserRange(-1, 1));
        assertFalse(Sv39.isUserRange(0, -1));
        assertFalse(Sv39.isUserRange(4096, Long.MAX_VALUE)); // va + len would overflow
        assertFalse(Sv39.isUserRange(Long.MAX_VALUE, Long.MAX_VALUE));
        assertFalse(Sv39.isUserRange(Long.MAX_VALUE, 1));
    }

    @Property
    void userRangeMatchesBigMath(@ForAll long va, @ForAll long len) {
        java.math.BigInteger end = java.math.BigInteger.valueOf(va).add(java.math.BigInteger.valueOf(len));
        boolean expected = va >= 0 && len >= 0 && end.compareTo(java.math.BigInteger.valueOf(1L << 38)) <= 0;
        assertEquals(expected, Sv39.isUserRange(va, len));
    }

    @Test
    void satpRoundTrip() {
        long s = Sv39.satp(0x80042L);
        assertEquals((8L << 60) | 0x80042L, s);
        assertEquals(0x80042000L, Sv39.satpRootPa(s));
        assertEquals((Sv39.PPN_LIMIT - 1) * 4096, Sv39.satpRootPa(-1L));
        assertEquals(0, Sv39.satpRootPa(0));
    }

    @Property
    void satpRootPaMatchesMask(@ForAll long satp) {
        assertEquals((satp & ((1L << 44) - 1)) << 12, Sv39.satpRootPa(satp));
    }
}
