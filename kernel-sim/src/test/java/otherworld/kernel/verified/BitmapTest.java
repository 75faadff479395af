package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BitmapTest {

    @Test
    void wordOperations() {
        assertEquals(0, Bitmap.lowestClear(0, 0));
        assertEquals(-1, Bitmap.lowestClear(-1L, 0));
        assertEquals(63, Bitmap.lowestClear(Long.MAX_VALUE, 0));
        assertEquals(3, Bitmap.lowestClear(0b0111L, 0));
        assertEquals(0, Bitmap.lowestClear(Long.MIN_VALUE, 0));
        assertEquals(5, Bitmap.lowestClear(0b0111L, 5));
        assertEquals(63, Bitmap.lowestClear(0L, 63));
        assertEquals(-1, Bitmap.lowestClear(0L, 64));
        assertEquals(-1, Bitmap.lowestClear(-2L, 1)); // only bit 0 clear, below from
        assertEquals(Long.MIN_VALUE, Bitmap.set(0, 63));
        assertEquals(1L, Bitmap.set(0, 0));
        assertEquals(5L, Bitmap.set(5L, 2));
        assertEquals(Long.MAX_VALUE, Bitmap.clear(-1L, 63));
        assertEquals(4L, Bitmap.clear(5L, 0));
        assertTrue(Bitmap.test(Long.MIN_VALUE, 63));
        assertFalse(Bitmap.test(Long.MIN_VALUE, 62));
        assertTrue(Bitmap.test(1L, 0));
    }

    @Property
    void wordOperationsAgree(@ForAll long word, @ForAll @IntRange(min = 0, max = 63) int bit,
                             @ForAll @IntRange(min = 0, max = 64) int from) {
        assertTrue(Bitmap.test(Bitmap.set(word, bit), bit));
        assertFalse(Bitmap.test(Bitmap.clear(word, bit), bit));
        assertEquals(Bitmap.test(word, bit), ((word >>> bit) & 1) != 0);
        if (Bitmap.test(word, bit)) {
            assertEquals(word, Bitmap.set(Bitmap.clear(word, bit), bit));
        } else {
            assertEquals(word, Bitmap.clear(Bitmap.set(word, bit), bit));
        }
        long above = from == 64 ? -1L : word | ((1L << from) - 1); // bits below from count as set
        assertEquals(above == -1L ? -1 : Long.numberOfTrailingZeros(~above), Bitmap.lowestClear(word, from));
    }

    @Test
    void findClearRunEdges() {
        assertEquals(-1, Bitmap.findClearRun(new long[0], 0, 1));
        assertEquals(0, Bitmap.findClearRun(new long[] {0L}, 64, 64));
        assertEquals(-1, Bitmap.findClearRun(new long[] {0L}, 64, 65));
        assertEquals(-1, Bitmap.findClearRun(new long[] {0L}, 10, 11));
        // a run spanning two words: bits 60..67 clear
        long[] w = {0x0fffffffffffffffL, ~0xfL};
        assertEquals(60, Bitmap.findClearRun(w, 128, 8));
        assertEquals(-1, Bitmap.findClearRun(w, 128, 9));
        assertEquals(60, Bitmap.findClearRun(w, 128, 1));
        assertEquals(-1, Bitmap.findClearRun(w, 67, 8)); // run cut by nbits
        // first fitting run, not the first run
        long[] v = {0b1101001L};
        assertEquals(1, Bitmap.findClearRun(v, 7, 2));
        assertEquals(7, Bitmap.findClearRun(v, 64, 3));
    }

    @Test
    void countSetEdges() {
        assertEquals(0, Bitmap.countSet(new long[0], 0));
        assertEquals(128, Bitmap.countSet(new long[] {-1L, -1L}, 128));
        assertEquals(70, Bitmap.countSet(new long[] {-1L, -1L}, 70));
        assertEquals(1, Bitmap.countSet(new long[] {Long.MIN_VALUE}, 64));
        assertEquals(0, Bitmap.countSet(new long[] {Long.MIN_VALUE}, 63));
    }

    @Provide
    Arbitrary<long[]> bitmaps() {
        // sparse or dense words, so that both clear runs and full words occur
        Arbitrary<Long> word = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE),
                Arbitraries.longs().map(x -> x | (x << 1) | (x >>> 1)));
        return word.array(long[].class).ofMinSize(0).ofMaxSize(5);
    }

    private static boolean bit(long[] w, int i) {
        return ((w[i >> 6] >>> (i & 63)) & 1) != 0;
    }

    @Property(tries = 500)
    void arrayOperationsMatchReference(@ForAll("bitmaps") long[] words,
                                       @ForAll @IntRange(min = 0, max = 320) int nbitsRaw,
                                       @ForAll @IntRange(min = 1, max = 70) int run) {
        int nbits = Math.min(nbitsRaw, words.length * 64);
        int count = 0;
        for (int i = 0; i < nbits; i++) {
            assertEquals(bit(words, i), Bitmap.bit(words, i), "bit " + i);
            if (bit(words, i)) {
                count++;
            }
        }
        int firstRun = -1;
        for (int s = 0; s + run <= nbits && firstRun < 0; s++) {
            boolean allClear = true;
            for (int j = s; j < s + run; j++) {
                allClear &= !bit(words, j);
            }
            if (allClear) {
                firstRun = s;
            }
        }
        assertEquals(count, Bitmap.countSet(words, nbits));
        assertEquals(firstRun, Bitmap.findClearRun(words, nbits, run));
    }
}
