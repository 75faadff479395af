package otherworld.kernel.mm;

import otherworld.kernel.KernelPanic;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bitmap;
import otherworld.kernel.verified.Sv39;

/**
 * Physical frames: one bit a frame of RAM in a bitmap in guest RAM (1 = in use). The bitmap is the only record of
 * which frames are free; this object is a view on it.
 * A crash kernel does not trust it: it derives the frames in use from the live page tables it resurrects.
 *
 * <p>A user frame may be mapped by several address spaces (copy-on-write after fork): a table of u16 counts, one per
 * frame, says how many mappings it has beyond the first. {@link #share} adds one, {@link #free} drops one and frees
 * the frame only when it was the last. The counts are derived too: a crash kernel counts the mappings it resurrects.
 */
public final class FrameAllocator {
    private final KMem mem;
    private final long bitmapPa;
    private final long ramBase;
    private final int nframes;
    private final long refsPa;
    private long lo;
    private long hi;

    public FrameAllocator(KMem mem, long bitmapPa, long ramBase, int nframes) {
        this(mem, bitmapPa, 0, ramBase, nframes);
    }

    /** With a table of sharing counts at refsPa (0: none, every frame has one owner). */
    public FrameAllocator(KMem mem, long bitmapPa, long refsPa, long ramBase, int nframes) {
        this.mem = mem;
        this.refsPa = refsPa;
        this.bitmapPa = bitmapPa;
        this.ramBase = ramBase;
        this.nframes = nframes;
        this.lo = ramBase;
        this.hi = ramBase + (long) nframes * Sv39.PAGE_SIZE;
    }

    /** Bytes of bitmap for {@code nframes} frames (whole 8-byte words). */
    public static long bitmapBytes(int nframes) { return (nframes + 63L) / 64 * 8; }

    /** Restrict allocation to [lo, hi) (the crash kernel allocates only inside its own region). */
    public void restrict(long lo, long hi) {
        this.lo = lo;
        this.hi = hi;
    }

    public void unrestrict() {
        this.lo = ramBase;
        this.hi = ramBase + (long) nframes * Sv39.PAGE_SIZE;
    }

    private int index(long pa) {
        long i = (pa - ramBase) / Sv39.PAGE_SIZE;
        if (pa < ramBase || i >= nframes || (pa & (Sv39.PAGE_SIZE - 1)) != 0) {
            throw new KernelPanic(String.format("frame 0x%x is not a frame of RAM", pa));
        }
        return (int) i;
    }

    public boolean isUsed(long pa) {
        int i = index(pa);
        return Bitmap.test(mem.r64(bitmapPa + (i / 64) * 8L), i % 64);
    }

    public void markUsed(long pa, long len) {
        for (long p = pa; p < pa + len; p += Sv39.PAGE_SIZE) {
            int i = index(p);
            long w = bitmapPa + (i / 64) * 8L;
            mem.w64(w, Bitmap.set(mem.r64(w), i % 64));
        }
    }

    /** Mappings of frame pa beyond the first. */
    public int sharers(long pa) {
        return refsPa == 0 ? 0 : mem.r16(refsPa + 2L * index(pa));
    }

    /** One more mapping of the used frame pa (copy-on-write). */
    public void share(long pa) {
        int i = index(pa);
        if (refsPa == 0) throw new KernelPanic("frame sharing without a count table");
        mem.w16(refsPa + 2L * i, mem.r16(refsPa + 2L * i) + 1);
    }

    /** Set the count of extra mappings of pa (a crash kernel, from the mappings it counted). */
    public void setSharers(long pa, int extra) {
        int i = index(pa);
        if (mem.r16(refsPa + 2L * i) != extra) mem.w16(refsPa + 2L * i, extra);
    }

    /** One mapping of pa fewer: the frame is freed when it was the last. */
    public void free(long pa) {
        int i = index(pa);
        if (refsPa != 0) {
            int r = mem.r16(refsPa + 2L * i);
            if (r > 0) {
                mem.w16(refsPa + 2L * i, r - 1);
                return;
            }
        }
        long w = bitmapPa + (i / 64) * 8L;
        long word = mem.r64(w);
        if (!Bitmap.test(word, i % 64)) throw new KernelPanic(String.format("double free of frame 0x%x", pa));
        mem.w64(w, Bitmap.clear(word, i % 64));
    }

    /**
     * A free frame, now marked used, or -1 when none is left. Its contents are whatever was there. The lowest free
     * frame of [lo, hi), found a word of the bitmap at a time by the proved search.
     */
    public long alloc() {
        int first = index(lo);
        int last = (int) ((hi - ramBase) / Sv39.PAGE_SIZE);
        for (int w = first / 64; w * 64L < last; w++) {
            long word = mem.r64(bitmapPa + w * 8L);
            if (word == -1L) continue; // full: the search below would say so after 64 steps
            int b = Bitmap.lowestClear(word, w == first / 64 ? first % 64 : 0);
            if (b < 0) continue;
            int i = w * 64 + b;
            if (i >= last) return -1;
            long pa = ramBase + (long) i * Sv39.PAGE_SIZE;
            markUsed(pa, Sv39.PAGE_SIZE);
            return pa;
        }
        return -1;
    }

    /** The frame bitmap as words (a copy), for the proved searches over all of it. */
    private long[] words() {
        long[] words = new long[(nframes + 63) / 64];
        for (int w = 0; w < words.length; w++) words[w] = mem.r64(bitmapPa + w * 8L);
        return words;
    }

    /** First physical address of {@code count} consecutive free frames, or -1. Does not mark them. */
    public long findFreeRun(int count) {
        if (count < 1) return -1;
        int i = Bitmap.findClearRun(words(), nframes, count);
        return i < 0 ? -1 : ramBase + (long) i * Sv39.PAGE_SIZE;
    }

    /** Frames marked used. */
    public int usedFrames() {
        return Bitmap.countSet(words(), nframes);
    }
}
