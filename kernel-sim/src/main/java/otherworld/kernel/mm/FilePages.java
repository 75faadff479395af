package otherworld.kernel.mm;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * A view on the table of file pages mapped shared ({@code Layouts.FPAGES}): for each, the inode and page index, the
 * disk block and the frame that holds the block's data while any process maps it. An entry is filled while free and
 * put in use by one write of its state, last; it is freed by one write. Entries in use lie below {@code hwm}, which
 * is raised before an entry above it is filled, so a scan may stop there.
 */
public final class FilePages {
    private final KMem mem;
    public final long pa;

    public FilePages(KMem mem, long pa) {
        this.mem = mem;
        this.pa = pa;
    }

    public static void format(KMem mem, long pa) {
        FPAGES.init(mem, pa);
    }

    public static long entry(long tablePa, int i) { return tablePa + FP_ENTRIES + (long) i * FPAGE.size(); }

    private long e(int i) { return entry(pa, i); }

    public int hwm() { return Math.min(mem.r32(pa + FP_HWM), MAX_FPAGES); }

    public boolean used(int i) { return (mem.r32(e(i) + FE_STATE) & FPAGE_USED) != 0; }

    public boolean dirty(int i) { return (mem.r32(e(i) + FE_STATE) & FPAGE_DIRTY) != 0; }

    public int ino(int i) { return mem.r32(e(i) + FE_INO); }

    public long index(int i) { return mem.r64(e(i) + FE_INDEX); }

    public long block(int i) { return mem.r64(e(i) + FE_BLOCK); }

    public long frame(int i) { return mem.r64(e(i) + FE_FRAME); }

    /** The entry in use for page index of inode ino, or -1. */
    public int find(int ino, long index) {
        int n = hwm();
        for (int i = 0; i < n; i++) {
            long a = e(i);
            if (mem.r32(a + FE_STATE) != FPAGE_FREE && mem.r32(a + FE_INO) == ino && mem.r64(a + FE_INDEX) == index) return i;
        }
        return -1;
    }

    /** The entry in use whose frame is frame, or -1. */
    public int findFrame(long frame) {
        int n = hwm();
        for (int i = 0; i < n; i++) {
            long a = e(i);
            if (mem.r32(a + FE_STATE) != FPAGE_FREE && mem.r64(a + FE_FRAME) == frame) return i;
        }
        return -1;
    }

    /** The entry in use holding disk block block, or -1. */
    public int findBlock(long block) {
        int n = hwm();
        for (int i = 0; i < n; i++) {
            long a = e(i);
            if (mem.r32(a + FE_STATE) != FPAGE_FREE && mem.r64(a + FE_BLOCK) == block) return i;
        }
        return -1;
    }

    /** A new entry in use (clean), or -1 when the table is full. Its state is written last. */
    public int add(int ino, long index, long block, long frame) {
        for (int i = 0; i < MAX_FPAGES; i++) {
            if (used(i) && i < hwm()) continue;
            if (i >= hwm()) mem.w32(pa + FP_HWM, i + 1);
            long a = e(i);
            mem.w32(a + FE_INO, ino);
            mem.w64(a + FE_INDEX, index);
            mem.w64(a + FE_BLOCK, block);
            mem.w64(a + FE_FRAME, frame);
            mem.w32(a + FE_STATE, FPAGE_USED);
            return i;
        }
        return -1;
    }

    public void setDirty(int i, boolean d) {
        int s = d ? FPAGE_USED | FPAGE_DIRTY : FPAGE_USED;
        if (mem.r32(e(i) + FE_STATE) != s) mem.w32(e(i) + FE_STATE, s);
    }

    /** Free entry i (one write), then lower hwm past free entries at the top. */
    public void remove(int i) {
        mem.w32(e(i) + FE_STATE, FPAGE_FREE);
        int n = hwm();
        while (n > 0 && !used(n - 1)) n--;
        if (n != mem.r32(pa + FP_HWM)) mem.w32(pa + FP_HWM, n);
    }
}
