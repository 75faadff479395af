package otherworld.kernel.mm;

import java.util.function.LongPredicate;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Sv39;

/**
 * Copy-on-write address spaces (fork). A child's page table maps the parent's frames; a page either could write is
 * made read-only in both and marked {@link #PTE_COW} (RSW bit 9, which the hardware ignores; bit 8 is
 * {@link PageTable#PTE_SHARED}), and each frame's sharing count ({@link FrameAllocator#share}) says how many mappings
 * it has beyond the first. The VMA says what the process may do; the PTE of a marked page never has W. A store to it
 * faults, and the one fault handler ({@link AddressSpaces#fault}) calls {@link #resolve}: a frame still shared is
 * copied, one no longer shared is made writable again. Shared file pages ({@link PageTable#PTE_SHARED}) are the
 * file-page table's frames: fork maps them as they are, uncounted.
 *
 * <p>Crash safety: a fault is a trap, not a call. Its one visible write is the PTE (to the copy, or W set again);
 * before it, a new frame nothing maps; after it, the old frame's count, which a crash kernel derives anyway. A crash
 * anywhere leaves the store to be made again, which faults again or finds the page writable.
 */
public final class CopyOnWrite {
    /** RSW bit 9 of a PTE: the page may be writable for its process, but shares its frame; a write copies it first. */
    public static final int PTE_COW = 1 << 9;

    private static final long RWX = Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X;

    private CopyOnWrite() { }

    /** Whether a leaf lets its process write (W with R: W alone is the PROT_NONE encoding, see {@link Vma#pteBits}). */
    public static boolean writable(long pte) {
        return (pte & Sv39.PTE_W) != 0 && (pte & Sv39.PTE_R) != 0;
    }

    /**
     * A copy of parent's address space sharing every frame: pages writable in parent become copy-on-write in both,
     * except those of shared anonymous mappings (sharedAnon), which both keep writable (their frames counted alike).
     * Null when memory ran out (the partial copy is freed; the parent's pages stay marked, which costs one fault each).
     */
    public static PageTable fork(KMem mem, FrameAllocator frames, PageTable parent, LongPredicate sharedAnon) {
        PageTable child = PageTable.create(mem, frames);
        if (child == null) return null;
        boolean[] ok = {true};
        parent.forEachLeaf((va, pte) -> {
            if (!ok[0]) return;
            long leaf = pte;
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            if ((pte & PageTable.PTE_SHARED) == 0) {
                if (writable(pte) && !sharedAnon.test(va)) {
                    leaf = (pte & ~(long) Sv39.PTE_W) | PTE_COW;
                    mem.w64(parent.pteAddress(va, false), leaf);
                }
                frames.share(pa);
            }
            if (!child.setPte(va, leaf)) ok[0] = false;
        });
        if (!ok[0]) {
            child.destroy();
            return null;
        }
        return child;
    }

    /**
     * pte with the protection rwx (PTE bits): W is not given to a frame other mappings share (or one marked
     * copy-on-write): it gets R and the mark instead, and its first store copies it.
     */
    public static long withRwx(FrameAllocator frames, long pte, int rwx, boolean sharedAnon) {
        long keep = pte & ~RWX;
        boolean cow = (pte & PageTable.PTE_SHARED) == 0 && !sharedAnon
                && ((pte & PTE_COW) != 0 || frames.sharers(Sv39.paOf(Sv39.ptePpn(pte))) > 0);
        if (cow && (rwx & Sv39.PTE_W) != 0 && (rwx & Sv39.PTE_R) != 0) return keep | (rwx & ~Sv39.PTE_W) | PTE_COW;
        return keep | rwx;
    }

    /**
     * A write fault at va in pt: if the page is copy-on-write, make it writable (copying a frame still shared).
     * False if the page is not copy-on-write (a real fault) or memory ran out.
     */
    public static boolean resolve(KMem mem, FrameAllocator frames, PageTable pt, long va) {
        long a = pt.pteAddress(Sv39.pageBase(va), false);
        if (a < 0) return false;
        long pte = mem.r64(a);
        if (!Sv39.isValid(pte) || (pte & PTE_COW) == 0 || (pte & Sv39.PTE_R) == 0) return false;
        long pa = Sv39.paOf(Sv39.ptePpn(pte));
        if (frames.sharers(pa) == 0) { // the last mapping: no copy
            mem.w64(a, (pte & ~(long) PTE_COW) | Sv39.PTE_W | Sv39.PTE_D | Sv39.PTE_A);
            return true;
        }
        long copy = frames.alloc();
        if (copy < 0) return false;
        byte[] page = new byte[(int) Sv39.PAGE_SIZE];
        mem.read(pa, page, 0, page.length);
        mem.write(copy, page, 0, page.length);
        int rx = (int) (pte & (Sv39.PTE_R | Sv39.PTE_X));
        mem.w64(a, Sv39.makePte(Sv39.ppnOf(copy), rx | Sv39.PTE_W | Sv39.PTE_U | Sv39.PTE_V | Sv39.PTE_A | Sv39.PTE_D));
        frames.free(pa); // one sharer fewer
        return true;
    }
}
