package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BoundedWalkTest {

    @Test
    void listLengths() {
        int[] next = {1, 2, -1, 0};
        assertEquals(3, BoundedWalk.listLength(next, 0, 10));
        assertEquals(4, BoundedWalk.listLength(next, 3, 10));
        assertEquals(1, BoundedWalk.listLength(next, 2, 10));
        assertEquals(0, BoundedWalk.listLength(next, -1, 10));
        assertEquals(0, BoundedWalk.listLength(new int[0], -1, 0));
        assertEquals(4, BoundedWalk.listLength(next, 3, 4));
        assertEquals(-1, BoundedWalk.listLength(next, 3, 3)); // longer than max
        assertEquals(-1, BoundedWalk.listLength(next, 0, 0));
    }

    @Test
    void badLinksAndCycles() {
        assertEquals(-1, BoundedWalk.listLength(new int[] {1, 7}, 0, 10)); // out of range
        assertEquals(-1, BoundedWalk.listLength(new int[] {1, -2}, 0, 10)); // negative link
        assertEquals(-1, BoundedWalk.listLength(new int[] {-1}, 1, 10));
        assertEquals(-1, BoundedWalk.listLength(new int[] {-1}, -5, 10));
        assertEquals(-1, BoundedWalk.listLength(new int[0], 0, 10));
        assertEquals(-1, BoundedWalk.listLength(new int[] {0}, 0, 10)); // self loop
        assertEquals(-1, BoundedWalk.listLength(new int[] {1, 2, 1}, 0, Integer.MAX_VALUE)); // cycle after tail
        assertEquals(-1, BoundedWalk.listLength(new int[] {Integer.MAX_VALUE}, 0, 10));
        assertEquals(-1, BoundedWalk.listLength(new int[] {Integer.MIN_VALUE}, 0, 10));
    }

    @Provide
    Arbitrary<int[]> links() {
        return Arbitraries.integers().between(-2, 9).array(int[].class).ofMinSize(0).ofMaxSize(8);
    }

    /** Walks with a visited set: the obvious implementation. */
    static int reference(int[] next, int head, int max) {
        Set<Integer> seen = new HashSet<>();
        int cur = head;
        while (cur != -1) {
            if (cur < 0 || cur >= next.length || !seen.add(cur) || seen.size() > max) {
                return -1;
            }
            cur = next[cur];
        }
        return seen.size();
    }

    @Property(tries = 2000)
    void listLengthMatchesVisitedSetWalk(@ForAll("links") int[] next,
                                         @ForAll @IntRange(min = -2, max = 9) int head,
                                         @ForAll @IntRange(min = 0, max = 10) int max) {
        assertEquals(reference(next, head, max), BoundedWalk.listLength(next, head, max));
    }

    @Test
    void direntChains() {
        assertTrue(BoundedWalk.direntChainOk(new int[] {12, 12, 1000}, 3, 1024));
        assertTrue(BoundedWalk.direntChainOk(new int[] {1024}, 1, 1024));
        assertTrue(BoundedWalk.direntChainOk(new int[] {12, 1012, 99}, 2, 1024)); // only count entries used
        assertFalse(BoundedWalk.direntChainOk(new int[] {12, 12, 996}, 3, 1024)); // ends short
        assertFalse(BoundedWalk.direntChainOk(new int[] {12, 12, 1004}, 3, 1024)); // runs past
        assertFalse(BoundedWalk.direntChainOk(new int[] {4, 1020}, 2, 1024)); // rec_len < 8
        assertFalse(BoundedWalk.direntChainOk(new int[] {0, 1024}, 2, 1024)); // zero would loop forever
        assertFalse(BoundedWalk.direntChainOk(new int[] {10, 1014}, 2, 1024)); // not aligned
        assertFalse(BoundedWalk.direntChainOk(new int[] {-8, 1032}, 2, 1024));
        assertFalse(BoundedWalk.direntChainOk(new int[] {Integer.MAX_VALUE - 3, 8}, 2, 1024));
        assertFalse(BoundedWalk.direntChainOk(new int[] {Integer.MIN_VALUE, 1024}, 2, 1024));
        assertFalse(BoundedWalk.direntChainOk(new int[0], 0, 1024));
    }

    @Property(tries = 1000)
    void direntChainMatchesLongArithmetic(@ForAll("recLens") int[] recLens) {
        long sum = 0;
        boolean ok = recLens.length > 0;
        for (int r : recLens) {
            ok &= r >= 8 && r % 4 == 0;
            sum += r;
        }
        boolean expected = ok && sum == 64;
        assertEquals(expected, BoundedWalk.direntChainOk(recLens, recLens.length, 64));
    }

    @Provide
    Arbitrary<int[]> recLens() {
        return Arbitraries.oneOf(Arbitraries.of(8, 12, 16, 20, 24, 32, 48, 56, 64),
                Arbitraries.integers().between(-8, 72)).array(int[].class).ofMinSize(0).ofMaxSize(8);
    }
}
