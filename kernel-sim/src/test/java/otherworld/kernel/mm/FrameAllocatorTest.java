package otherworld.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.mem.DirectMem;

/** The allocator's searches (now the proved Bitmap ones) against a plain model of frames: a boolean a frame. */
class FrameAllocatorTest {
    static final long BASE = PhysicalMemory.BASE;
    static final long PAGE = 4096;

    /** The search the allocator made inline before it called the proved one: lowest free frame of [lo, hi). */
    static long refAlloc(boolean[] used, long lo, long hi) {
        for (long pa = lo; pa < hi; pa += PAGE) {
            int i = (int) ((pa - BASE) / PAGE);
            if (!used[i]) {
                used[i] = true;
                return pa;
            }
        }
        return -1;
    }

    static long refRun(boolean[] used, int count) {
        int run = 0;
        for (int i = 0; i < used.length; i++) {
            run = used[i] ? 0 : run + 1;
            if (count >= 1 && run == count) return BASE + (i - count + 1) * PAGE;
        }
        return -1;
    }

    @Test
    void edges() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        FrameAllocator fa = new FrameAllocator(new DirectMem(ram), BASE, BASE, 130);
        fa.markUsed(BASE, 64 * PAGE); // a whole word
        assertEquals(64, fa.usedFrames());
        assertEquals(BASE + 64 * PAGE, fa.alloc());
        assertEquals(BASE + 65 * PAGE, fa.findFreeRun(65));
        assertEquals(-1, fa.findFreeRun(66));
        assertEquals(-1, fa.findFreeRun(0));
        fa.restrict(BASE + 128 * PAGE, BASE + 130 * PAGE);
        assertEquals(BASE + 128 * PAGE, fa.alloc());
        assertEquals(BASE + 129 * PAGE, fa.alloc());
        assertEquals(-1, fa.alloc()); // the frames past nframes in the last word are never handed out
        assertEquals(67, fa.usedFrames());
        fa.free(BASE + 129 * PAGE);
        assertThrows(KernelPanic.class, () -> fa.free(BASE + 129 * PAGE));
        assertThrows(KernelPanic.class, () -> fa.free(BASE + 130 * PAGE));
    }

    @Property(tries = 300)
    void matchesTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 256) int nframes) {
        Random rnd = new Random(seed);
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        FrameAllocator fa = new FrameAllocator(new DirectMem(ram), BASE + (1 << 19), BASE, nframes);
        boolean[] used = new boolean[nframes];
        int density = rnd.nextInt(100);
        for (int i = 0; i < nframes; i++) {
            if (rnd.nextInt(100) < density) {
                used[i] = true;
                fa.markUsed(BASE + i * PAGE, PAGE);
            }
        }
        long lo = BASE;
        long hi = BASE + nframes * PAGE;
        for (int step = 0; step < 60; step++) {
            switch (rnd.nextInt(6)) {
                case 0, 1 -> assertEquals(refAlloc(used, lo, hi), fa.alloc());
                case 2 -> {
                    int i = rnd.nextInt(nframes);
                    if (used[i]) {
                        used[i] = false;
                        fa.free(BASE + i * PAGE);
                    }
                }
                case 3 -> assertEquals(refAlloc(used, lo, hi), fa.alloc());
                case 4 -> {
                    int a = rnd.nextInt(nframes);
                    int b = a + rnd.nextInt(nframes - a + 1);
                    lo = BASE + a * PAGE;
                    hi = BASE + b * PAGE;
                    if (a == nframes) { // restrict needs lo to name a frame of RAM; keep the range whole then
                        lo = BASE;
                        hi = BASE + nframes * PAGE;
                        fa.unrestrict();
                    } else {
                        fa.restrict(lo, hi);
                    }
                }
                default -> {
                    int count = 1 + rnd.nextInt(Math.min(nframes, 70));
                    assertEquals(refRun(used, count), fa.findFreeRun(count));
                }
            }
            int n = 0;
            for (boolean u : used) if (u) n++;
            assertEquals(n, fa.usedFrames());
        }
    }
}
