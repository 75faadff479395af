package otherworld.kernel.mm;

import java.util.HashSet;
import java.util.Set;

import otherworld.kernel.KernelPanic;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bitmap;
import otherworld.kernel.verified.Sv39;

/**
 * Physical frames: one bit a frame of RAM in a bitmap in guest RAM (1 = in use). The bitmap is the only record of
 * which frames are free; this object is a view on it.
 *
 * <p>Rule (default mode): a frame freed during a system call is not handed out again in the same call, so that a
 * frame zeroed as fresh ({@link KMem#zeroFresh}) never holds bytes the undo log would need. The frames freed in the
 * call are remembered here only until the call ends; a crash kernel needs none of it.
 */
public final class FrameAllocator {
    private final KMem mem;
    private final long bitmapPa;
    private final long ramBase;
    private final int nframes;
    /** Frames freed in the current call (default mode), or null when nothing is ever undone. */
    private final Set<Long> freedInCall;
    private long lo;
    private long hi;

    public FrameAllocator(KMem mem, long bitmapPa, long ramBase, int nframes, boolean undoable) {
        this.freedInCall = undoable ? new HashSet<>() : null;
        this.mem = mem;
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

    public void callEnded() {
        if (freedInCall != null) freedInCall.clear();
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

    public void free(long pa) {
        int i = index(pa);
        long w = bitmapPa + (i / 64) * 8L;
        long word = mem.r64(w);
        if (!Bitmap.test(word, i % 64)) throw new KernelPanic(String.format("double free of frame 0x%x", pa));
        mem.w64(w, Bitmap.clear(word, i % 64));
        if (freedInCall != null) freedInCall.add(pa);
    }

    /** A free frame, now marked used, or -1 when none is left. Its contents are whatever was there. */
    public long alloc() {
        int first = index(lo);
        int last = (int) ((hi - ramBase) / Sv39.PAGE_SIZE);
        int i = first;
        while (i < last) {
            long word = mem.r64(bitmapPa + (i / 64) * 8L);
            if (i % 64 == 0 && word == -1L) {
                i += 64;
                continue;
            }
            if (!Bitmap.test(word, i % 64)) {
                long pa = ramBase + (long) i * Sv39.PAGE_SIZE;
                if (freedInCall == null || !freedInCall.contains(pa)) {
                    markUsed(pa, Sv39.PAGE_SIZE);
                    return pa;
                }
            }
            i++;
        }
        return -1;
    }

    /** First physical address of {@code count} consecutive free frames, or -1. Does not mark them. */
    public long findFreeRun(int count) {
        int run = 0;
        for (int i = 0; i < nframes; i++) {
            if (Bitmap.test(mem.r64(bitmapPa + (i / 64) * 8L), i % 64)) {
                run = 0;
            } else if (++run == count) {
                return ramBase + (long) (i - count + 1) * Sv39.PAGE_SIZE;
            }
        }
        return -1;
    }

}
