package otherworld.kernel;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.CodedMem;
import otherworld.kernel.mm.FrameAllocator;

/**
 * Where a kernel's structures sit inside its region. Both the boot kernel and a crash kernel lay out their region
 * with this one function; the header records every address, so a crash kernel never recomputes the dead one's.
 * The structures end at {@code ptPool}; the rest of the region is a pool where a crash kernel builds the page
 * tables of the processes it resurrects, and what they leave is ordinary free memory. In the enhanced mode the
 * structures are followed by their check bytes, one a word of [base, codes) ({@code codes} is 0 otherwise).
 */
public record Region(long base, long size, long header, long bitmap, long tasks, long files, long ttys, long cache,
                     long rrec, long ptPool, long procs, long signals, long pipes, long frameRefs, long vmas, long fpages,
                     long sleeps, long fsctx, long tinfo, long locks, long recovery, long codes) {

    static long align(long v, long a) { return (v + a - 1) / a * a; }

    public static Region layout(long base, long size, int nframes, int cacheSlots) {
        return layout(base, size, nframes, cacheSlots, false);
    }

    /** The layout of a region; coded: with the enhanced mode's check bytes after the structures. */
    public static Region layout(long base, long size, int nframes, int cacheSlots, boolean coded) {
        long p = base;
        long header = p;
        p = align(p + KHDR.size(), 64);
        long bitmap = p;
        p = align(p + FrameAllocator.bitmapBytes(nframes), 64);
        long tasks = p;
        p = align(p + (long) MAX_TASKS * TASK.size(), 64);
        long files = p;
        p = align(p + (long) MAX_FILES * FILE.size(), 64);
        long procs = p;
        p = align(p + (long) MAX_TASKS * PROC.size(), 64);
        long signals = p;
        p = align(p + (long) MAX_TASKS * SIGS.size(), 64);
        long frameRefs = p;
        p = align(p + 2L * nframes, 64);
        long pipes = p;
        p = align(p + (long) MAX_PIPES * PIPE.size(), 64);
        long ttys = p;
        p = align(p + (long) MAX_TTYS * TTY.size(), 64);
        long fsctx = p;
        p = align(p + (long) MAX_TASKS * FSCTX.size(), 64);
        long tinfo = p;
        p = align(p + (long) MAX_TASKS * TINFO.size(), 64);
        long locks = p;
        p = align(p + (long) MAX_LOCKS * LOCK.size(), 64);
        long recovery = p;
        p = align(p + (long) MAX_TASKS * RECOVERY.size(), 4096);
        long cache = p;
        p = align(p + BlockCache.bytesNeeded(cacheSlots), 4096);
        long rrec = p;
        p = align(p + RREC.size(), 4096);
        long vmas = p;
        p = align(p + (long) MAX_TASKS * VMAT.size(), 64);
        long fpages = p;
        p = align(p + FPAGES.size(), 64);
        long sleeps = p;
        p = align(p + (long) MAX_TASKS * SLEEP.size(), 4096);
        long codes = 0;
        if (coded) {
            codes = p;
            p = align(p + CodedMem.codeBytes(base, codes), 4096);
        }
        if (p + 64L * 4096 > base + size) {
            throw new IllegalArgumentException("kernel region of " + size + " bytes is too small for its tables");
        }
        return new Region(base, size, header, bitmap, tasks, files, ttys, cache, rrec, p, procs, signals, pipes, frameRefs,
                vmas, fpages, sleeps, fsctx, tinfo, locks, recovery, codes);
    }

    public long end() { return base + size; }

    /**
     * Where the enhanced mode keeps the check bytes of page tables: one byte a word of RAM, at the top of RAM (it
     * outlives the regions: every kernel of the machine uses the same).
     */
    public static long tableCodes(long ramBase, long ramSize) { return ramBase + ramSize - tableCodesSize(ramSize); }

    /** Bytes of {@link #tableCodes}, whole pages. */
    public static long tableCodesSize(long ramSize) { return align(ramSize / 8, 4096); }

    /** Whether the region keeps check bytes (the enhanced mode). */
    public boolean coded() { return codes != 0; }
}
