package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BoundsTest {

    static final long RAM = 0x80000000L;

    @Test
    void inRegionBasics() {
        assertTrue(Bounds.inRegion(RAM, 4096, RAM, 1 << 20));
        assertTrue(Bounds.inRegion(RAM + (1 << 20) - 8, 8, RAM, 1 << 20));
        assertFalse(Bounds.inRegion(RAM + (1 << 20) - 8, 9, RAM, 1 << 20));
        assertFalse(Bounds.inRegion(RAM - 1, 1, RAM, 1 << 20));
        assertTrue(Bounds.inRegion(RAM + (1 << 20), 0, RAM, 1 << 20)); // empty range at the end
        assertFalse(Bounds.inRegion(-1, 0, 0, 10));
        assertFalse(Bounds.inRegion(0, -1, 0, 10));
        assertFalse(Bounds.inRegion(0, 0, -1, 10));
        assertFalse(Bounds.inRegion(0, 0, 0, -1));
    }

    @Test
    void inRegionNearOverflow() {
        long max = Long.MAX_VALUE;
        assertFalse(Bounds.inRegion(max, 1, 0, max));    // p + len overflows
        assertTrue(Bounds.inRegion(max - 1, 1, 0, max));
        assertTrue(Bounds.inRegion(0, max, 0, max));
        assertFalse(Bounds.inRegion(RAM + 16, max - 8, RAM, 4096));
        assertFalse(Bounds.inRegion(RAM, 8, max - 4, 100)); // base + size overflows, p below base
        assertFalse(Bounds.inRegion(max - 2, 2, max - 4, 100)); // a region whose end is not a long is refused
        assertTrue(Bounds.inRegion(max - 2, 2, max - 4, 4));
        assertFalse(Bounds.inRegion(max, max, max, max));
        assertTrue(Bounds.inRegion(max, 0, max, 0));
    }

    @Provide
    Arbitrary<Long> edgy() {
        return Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.longs().between(-4, 4),
                Arbitraries.longs().between(Long.MAX_VALUE - 8, Long.MAX_VALUE),
                Arbitraries.longs().between(RAM - 8, RAM + 8));
    }

    @Property(tries = 2000)
    void inRegionMatchesBigMath(@ForAll("edgy") long p, @ForAll("edgy") long len,
                                @ForAll("edgy") long base, @ForAll("edgy") long size) {
        BigInteger bp = BigInteger.valueOf(p);
        BigInteger end = bp.add(BigInteger.valueOf(len));
        BigInteger bbase = BigInteger.valueOf(base);
        BigInteger bend = bbase.add(BigInteger.valueOf(size));
        boolean expected = p >= 0 && len >= 0 && base >= 0 && size >= 0
                && bp.compareTo(bbase) >= 0 && end.compareTo(bend) <= 0
                && bend.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) <= 0;
        assertEquals(expected, Bounds.inRegion(p, len, base, size));
    }

    @Test
    void aligned() {
        assertTrue(Bounds.isAligned(0, 8));
        assertTrue(Bounds.isAligned(RAM, 4096));
        assertFalse(Bounds.isAligned(RAM + 4, 8));
        assertTrue(Bounds.isAligned(-4096, 4096));
        assertFalse(Bounds.isAligned(Long.MAX_VALUE, 2));
        assertTrue(Bounds.isAligned(Long.MIN_VALUE, 1L << 62));
        assertTrue(Bounds.isAligned(12345, 1));
    }

    @Property
    void alignedMatchesMask(@ForAll long v, @ForAll("shift") int shift) {
        long a = 1L << shift;
        assertEquals((v & (a - 1)) == 0, Bounds.isAligned(v, a));
    }

    @Provide
    Arbitrary<Integer> shift() {
        return Arbitraries.integers().between(0, 62);
    }

    @Test
    void magicAndIndex() {
        assertTrue(Bounds.magicOk(0x4f57, 0x4f57, 2, 1, 3));
        assertTrue(Bounds.magicOk(0x4f57, 0x4f57, 1, 1, 1));
        assertFalse(Bounds.magicOk(0x4f56, 0x4f57, 2, 1, 3));
        assertFalse(Bounds.magicOk(0x4f57, 0x4f57, 0, 1, 3));
        assertFalse(Bounds.magicOk(0x4f57, 0x4f57, 4, 1, 3));
        assertFalse(Bounds.magicOk(-1, 0, 1, 1, 1));
        assertTrue(Bounds.indexOk(0, 1));
        assertFalse(Bounds.indexOk(1, 1));
        assertFalse(Bounds.indexOk(-1, 10));
        assertFalse(Bounds.indexOk(0, 0));
        assertFalse(Bounds.indexOk(0, -5));
        assertTrue(Bounds.indexOk(Long.MAX_VALUE - 1, Long.MAX_VALUE));
    }
}
