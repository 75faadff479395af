package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageWalkTest {
    static final long BASE = 0x8000_0000L;
    static final int FRAMES = 64;
    static final long SIZE = FRAMES * 4096L;
    /** Frames 0..3 are the root area, 4..11 the kernel's structures (12..13 its pool: free memory), 50..57 the crash region. */
    static final long REGION = BASE + 4 * 4096L;
    static final long POOL = BASE + 12 * 4096L;
    static final long CRASH = BASE + 50 * 4096L;
    static final long CRASH_SIZE = 8 * 4096L;
    static final int USER_RW = Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_U;

    /** RAM as words; a read outside it fails the test, as the walk's contract says it never happens. */
    static final class Ram extends PhysWords {
        final long[] words = new long[(int) (SIZE / 8)];
        int reads;

        Ram() {
            super(BASE, SIZE);
        }

        @Override
        public long r64(long pa) {
            if (pa < base || pa - base > size - 8) {
                throw new AssertionError(String.format("read outside RAM at 0x%x", pa));
            }
            reads++;
            return words[(int) ((pa - base) / 8)];
        }

        void pte(long table, int index, long pa, int flags) {
            words[(int) ((table - base) / 8) + index] = Sv39.makePte(pa / 4096, flags);
        }
    }

    static long frame(int i) {
        return BASE + i * 4096L;
    }

    /** The map the validator builds: root area, the region's structures and the crash region KERNEL; the pool USER. */
    static int[] kinds() {
        int[] k = new int[FRAMES];
        PageWalk.mark(k, 4, 12, PageWalk.KERNEL);
        PageWalk.mark(k, 0, 4, PageWalk.KERNEL);
        PageWalk.mark(k, 50, 58, PageWalk.KERNEL);
        return k;
    }

    Ram ram;
    long[] va;
    int[] frame;
    int[] flags;
    long[] where;

    @BeforeEach
    void fresh() {
        ram = new Ram();
        room(FRAMES);
        where = new long[2];
    }

    void room(int n) {
        va = new long[n];
        frame = new int[n];
        flags = new int[n];
    }

    int walk(long root) {
        return PageWalk.walk(ram, Math.floorDiv(root, 4096), kinds(), new boolean[FRAMES], va, frame, flags, where);
    }

    /** The pages found, as {va, pa, flags} triples. */
    long[] leaves(int n) {
        long[] out = new long[3 * n];
        for (int k = 0; k < n; k++) {
            out[3 * k] = va[k];
            out[3 * k + 1] = BASE + frame[k] * 4096L;
            out[3 * k + 2] = flags[k];
        }
        return out;
    }

    /** root 20 → 21 → 22 mapping va 0x1000 and 0x3000, and 0x4020_0000 through a second chain 23 → 24. */
    void threePages() {
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, frame(22), Sv39.PTE_V);
        ram.pte(frame(22), 1, frame(30), USER_RW);
        ram.pte(frame(22), 3, frame(31), USER_RW | Sv39.PTE_X);
        ram.pte(frame(20), 1, frame(23), Sv39.PTE_V);
        ram.pte(frame(23), 1, frame(24), Sv39.PTE_V);
        ram.pte(frame(24), 0, frame(32), Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_U);
    }

    @Test
    void walksThreeLevelsInAddressOrder() {
        threePages();
        assertEquals(3, walk(frame(20)));
        assertArrayEquals(new long[] {
            0x1000L, frame(30), USER_RW,
            0x3000L, frame(31), USER_RW | Sv39.PTE_X,
            0x4020_0000L, frame(32), Sv39.PTE_V | Sv39.PTE_R | Sv39.PTE_U}, leaves(3));
        assertEquals(3 * 512 + 2 * 512, ram.reads); // five tables, each read whole and once
    }

    @Test
    void anEmptyTableHasNoPages() {
        assertEquals(0, walk(frame(20)));
        assertEquals(0, walk(POOL)); // tables a crash kernel built in its pool are a process's tables
    }

    @Test
    void rootMustBeATableFrame() {
        assertEquals(PageWalk.BAD_ROOT, walk(BASE + SIZE)); // past RAM
        assertEquals(PageWalk.BAD_ROOT, walk(BASE - 4096));
        assertEquals(PageWalk.BAD_ROOT, walk(frame(1))); // root area
        assertEquals(PageWalk.BAD_ROOT, walk(REGION)); // the kernel's own structures
        assertEquals(PageWalk.BAD_ROOT, walk(CRASH));
        assertEquals(PageWalk.BAD_ROOT, walk(-4096L));
        assertEquals(PageWalk.BAD_ROOT, walk(BASE + 4096L * Integer.MAX_VALUE * 4)); // far past RAM
        assertEquals(0, ram.reads);
    }

    @Test
    void cyclesAndSharedTablesAreCaught() {
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, frame(20), Sv39.PTE_V); // back to the root
        assertEquals(PageWalk.TWICE, walk(frame(20)));
        assertEquals(frame(20), where[1]);
        fresh();
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(20), 1, frame(21), Sv39.PTE_V); // the same level-1 table twice
        assertEquals(PageWalk.TWICE, walk(frame(20)));
        assertEquals(PageWalk.L2_SPAN, where[0]);
        fresh();
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, frame(21), Sv39.PTE_V); // a table that names itself
        assertEquals(PageWalk.TWICE, walk(frame(20)));
    }

    @Test
    void pagesOnPoolFramesArePagesOfAProcess() {
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, POOL + 4096, Sv39.PTE_V); // a last-level table in the pool
        ram.pte(POOL + 4096, 5, POOL, USER_RW); // a page in the pool
        assertEquals(1, walk(frame(20)));
        assertArrayEquals(new long[] {0x5000L, POOL, USER_RW}, leaves(1));
    }

    @Test
    void leavesOnKernelFramesAreRejected() {
        for (long bad : new long[] {frame(0), frame(3), REGION, frame(11), CRASH, CRASH + CRASH_SIZE - 4096}) {
            fresh();
            ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
            ram.pte(frame(21), 0, frame(22), Sv39.PTE_V);
            ram.pte(frame(22), 5, bad, USER_RW);
            assertEquals(PageWalk.BAD_FRAME, walk(frame(20)), String.format("frame 0x%x", bad));
            assertArrayEquals(new long[] {0x5000L, bad}, where);
        }
        fresh();
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, frame(22), Sv39.PTE_V);
        ram.words[(int) ((frame(22) - BASE) / 8)] = (0xFFF_FFFF_FFFFL << 10) | USER_RW; // largest PPN: past RAM
        assertEquals(PageWalk.BAD_FRAME, walk(frame(20)));
    }

    @Test
    void tablesOutsideRamOrInKernelRegionsAreNotRead() {
        ram.pte(frame(20), 0, BASE + SIZE, Sv39.PTE_V);
        assertEquals(PageWalk.BAD_TABLE, walk(frame(20)));
        fresh();
        ram.pte(frame(20), 0, REGION, Sv39.PTE_V);
        assertEquals(PageWalk.BAD_TABLE, walk(frame(20)));
        assertEquals(1, ram.reads); // the root's first entry, and nothing after the first problem
    }

    @Test
    void aboveTheUserHalfSuperpagesAndNonUserLeaves() {
        ram.pte(frame(20), 256, frame(21), Sv39.PTE_V);
        assertEquals(PageWalk.ABOVE_USER, walk(frame(20)));
        assertEquals(256 * PageWalk.L2_SPAN, where[0]);
        fresh();
        ram.pte(frame(20), 0, frame(21), USER_RW); // a 1 GiB page
        assertEquals(PageWalk.SUPERPAGE, walk(frame(20)));
        fresh();
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 2, frame(22), Sv39.PTE_V | Sv39.PTE_X); // a 2 MiB page
        assertEquals(PageWalk.SUPERPAGE, walk(frame(20)));
        assertEquals(2 * PageWalk.L1_SPAN, where[0]);
        fresh();
        ram.pte(frame(20), 0, frame(21), Sv39.PTE_V);
        ram.pte(frame(21), 0, frame(22), Sv39.PTE_V);
        ram.pte(frame(22), 0, frame(30), Sv39.PTE_V | Sv39.PTE_R); // no U
        assertEquals(PageWalk.NOT_USER_LEAF, walk(frame(20)));
        ram.pte(frame(22), 0, frame(30), Sv39.PTE_V | Sv39.PTE_U); // a pointer at level 0
        assertEquals(PageWalk.NOT_USER_LEAF, walk(frame(20)));
    }

    @Test
    void moreLeavesThanRoomIsAReasonNotAnOverflow() {
        threePages();
        room(2);
        assertEquals(PageWalk.TOO_MANY, walk(frame(20)));
        assertEquals(0x4020_0000L, where[0]);
    }

    @Test
    void markSetsExactlyTheFramesOfTheRange() {
        int[] k = new int[10];
        PageWalk.mark(k, 3, 6, 7);
        assertArrayEquals(new int[] {0, 0, 0, 7, 7, 7, 0, 0, 0, 0}, k);
        PageWalk.mark(k, -5, 2, 1); // clipped to the map
        PageWalk.mark(k, 8, 1000, 2);
        PageWalk.mark(k, 5, 4, 9); // empty
        PageWalk.mark(k, Long.MIN_VALUE, Long.MIN_VALUE + 3, 9);
        PageWalk.mark(k, Long.MAX_VALUE - 3, Long.MAX_VALUE, 9);
        assertArrayEquals(new int[] {1, 1, 0, 7, 7, 7, 0, 0, 2, 2}, k);
    }

    /**
     * Tables of random entries, most pointing into this small RAM so that chains, cycles and sharing occur: the
     * walk never reads outside RAM (the memory throws), stops, and every page it accepts is a user page on a frame
     * a process may own.
     */
    @Property(tries = 300)
    void randomTablesNeverLeadOutsideRam(@ForAll long seed, @ForAll @IntRange(min = 0, max = 63) int rootFrame,
                                         @ForAll @LongRange(min = 0, max = 3000) long density) {
        Ram r = new Ram();
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < r.words.length; i++) {
            if (rnd.nextInt(4096) < density) {
                long ppn = rnd.nextInt(10) == 0 ? rnd.nextLong() >>> 10 : (BASE / 4096) + rnd.nextInt(FRAMES + 4);
                int flags = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : (rnd.nextBoolean() ? Sv39.PTE_V : USER_RW);
                r.words[i] = (ppn << 10) | flags;
            }
        }
        long[] v = new long[FRAMES];
        int[] f = new int[FRAMES];
        int[] fl = new int[FRAMES];
        int[] kinds = kinds();
        int n = PageWalk.walk(r, BASE / 4096 + rootFrame, kinds, new boolean[FRAMES], v, f, fl, new long[2]);
        assertTrue(n >= PageWalk.TOO_MANY && n <= FRAMES);
        for (int k = 0; k < n; k++) {
            assertTrue(Sv39.isUserRange(v[k], 4096) && v[k] % 4096 == 0);
            assertEquals(PageWalk.USER, kinds[f[k]]);
            assertTrue((fl[k] & Sv39.PTE_U) != 0 && Sv39.isLeaf(fl[k]));
            if (k > 0) {
                assertTrue(v[k - 1] < v[k]);
            }
        }
    }

    /**
     * The bounds of the frame map, hit exactly: a table entry or a leaf that names the frame just past RAM is refused
     * (not read, no index out of bounds), and frame 0 of RAM, where the map says a process may own it, is a table or a
     * page like any other (the walk does not take the first frame for "none").
     */
    @Test
    void theFirstFrameOfRamIsUsableAndTheFrameJustPastItIsNot() {
        int[] allUser = new int[FRAMES];
        ram.pte(frame(0), 0, frame(1), Sv39.PTE_V);
        ram.pte(frame(1), 0, frame(2), Sv39.PTE_V);
        ram.pte(frame(2), 0, frame(0), USER_RW); // the root's own frame, mapped as a page: legal for the walk
        assertEquals(1, PageWalk.walk(ram, BASE / 4096, allUser, new boolean[FRAMES], va, frame, flags, where));
        assertEquals(0, frame[0]);
        ram.pte(frame(2), 1, BASE + SIZE, USER_RW); // a leaf one frame past RAM
        assertEquals(PageWalk.BAD_FRAME, PageWalk.walk(ram, BASE / 4096, allUser, new boolean[FRAMES], va, frame, flags, where));
        assertArrayEquals(new long[] {0x1000L, BASE + SIZE}, where);
        ram.pte(frame(1), 0, BASE + SIZE, Sv39.PTE_V); // a table one frame past RAM
        assertEquals(PageWalk.BAD_TABLE, PageWalk.walk(ram, BASE / 4096, allUser, new boolean[FRAMES], va, frame, flags, where));
        assertEquals(BASE + SIZE, where[1]);
    }

    /** The walk's contract holds for RAM at any base: with RAM at physical address 0, a root on page 0 is walked. */
    @Test
    void ramAtAddressZeroHasARootOnPageZero() {
        long[] words = new long[(int) (SIZE / 8)];
        PhysWords low = new PhysWords(0, SIZE) {
            @Override public long r64(long pa) { return words[(int) (pa / 8)]; }
        };
        words[0] = Sv39.makePte(1, Sv39.PTE_V); // root on page 0 -> table on page 1 -> table on page 2
        words[512] = Sv39.makePte(2, Sv39.PTE_V);
        words[1024 + 5] = Sv39.makePte(7, USER_RW);
        int[] allUser = new int[FRAMES];
        assertEquals(1, PageWalk.walk(low, 0, allUser, new boolean[FRAMES], va, frame, flags, where));
        assertEquals(0x5000L, va[0]);
        assertEquals(7, frame[0]);
        assertEquals(PageWalk.BAD_ROOT, PageWalk.walk(low, -1, allUser, new boolean[FRAMES], va, frame, flags, where));
    }
}
