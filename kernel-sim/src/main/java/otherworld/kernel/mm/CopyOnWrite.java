package otherworld.kernel.mm;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Sv39;

/**
 * Copy-on-write address spaces (fork). A child's page table maps the parent's frames; a page either could write is
 * made read-only in both and marked {@link #PTE_COW} (a bit the hardware ignores, RSW), and each frame's sharing
 * count ({@link FrameAllocator#share}) says how many mappings it has beyond the first. The first write to a marked
 * page traps (a store page fault): a frame still shared is copied, one no longer shared is made writable again.
 *
 * <p>Crash safety: a fault is a trap, not a call. Its one visible write is the PTE (to the copy, or W set again);
 * before it, a new frame nothing maps; after it, the old frame's count, which a crash kernel derives anyway. A crash
 * anywhere leaves the store to be made again, which faults again or finds the page writable.
 */
public final class CopyOnWrite {
    /** RSW bit 8 of a PTE: the page is writable for its process, but shares its frame; a write copies it first. */
    public static final int PTE_COW = 1 << 8;

    private CopyOnWrite() { }

    /**
     * A copy of parent's address space sharing every frame: pages writable in parent become copy-on-write in both.
     * Null when memory ran out (the partial copy is freed; the parent's pages stay marked, which costs one fault each).
     */
    public static PageTable fork(KMem mem, FrameAllocator frames, PageTable parent) {
        PageTable child = PageTable.create(mem, frames);
        if (child == null) return null;
        boolean[] ok = {true};
        parent.forEachLeaf((va, pte) -> {
            if (!ok[0]) return;
            int flags = (int) (pte & 0x3FF) & (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X | PTE_COW);
            if ((flags & Sv39.PTE_W) != 0) {
                flags = (flags & ~Sv39.PTE_W) | PTE_COW;
                long a = parent.pteAddress(va, false);
                mem.w64(a, (pte & ~(long) Sv39.PTE_W) | PTE_COW);
            }
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            if (!child.mapWith(va, pa, flags)) {
                ok[0] = false;
                return;
            }
            frames.share(pa);
        });
        if (!ok[0]) {
            child.destroy();
            return null;
        }
        return child;
    }

    /**
     * A write fault at va in pt: if the page is copy-on-write, make it writable (copying a frame still shared).
     * False if the page is not copy-on-write (a real fault) or memory ran out.
     */
    public static boolean resolve(KMem mem, FrameAllocator frames, PageTable pt, long va) {
        long a = pt.pteAddress(Sv39.pageBase(va), false);
        if (a < 0) return false;
        long pte = mem.r64(a);
        if (!Sv39.isValid(pte) || (pte & PTE_COW) == 0) return false;
        long pa = Sv39.paOf(Sv39.ptePpn(pte));
        int rwx = Sv39.pteFlags(pte) & (Sv39.PTE_R | Sv39.PTE_X);
        if (frames.sharers(pa) == 0) {
            mem.w64(a, Sv39.makePte(Sv39.ptePpn(pte), Sv39.pteFlags(pte) | Sv39.PTE_W)); // the last mapping: no copy
            return true;
        }
        long copy = frames.alloc();
        if (copy < 0) return false;
        byte[] page = new byte[(int) Sv39.PAGE_SIZE];
        mem.read(pa, page, 0, page.length);
        mem.write(copy, page, 0, page.length);
        mem.w64(a, Sv39.makePte(Sv39.ppnOf(copy), rwx | Sv39.PTE_W | Sv39.PTE_U | Sv39.PTE_V | Sv39.PTE_A | Sv39.PTE_D));
        frames.free(pa); // one sharer fewer
        return true;
    }
}
