package otherworld.kernel.mm;

import otherworld.kernel.KernelPanic;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Sv39;

/**
 * An Sv39 address space: three levels of 512 PTEs in guest RAM, rooted at a frame. User pages only (4 KiB leaves,
 * U set). Interior tables come from the frame allocator; new tables are zeroed as fresh frames.
 */
public final class PageTable {
    /**
     * RSW bit 8 of a leaf: the frame is not this mapping's own — a shared file page, owned by the file-page table
     * ({@code Layouts.FPAGES}). Unmapping or destroying such a leaf never frees the frame. (Copy-on-write frames shared
     * by fork are counted by the processes' code; a leaf that owns its frame has this bit clear.)
     */
    public static final int PTE_SHARED = 256;

    private final KMem mem;
    private final FrameAllocator frames;
    private final long rootPa;

    public PageTable(KMem mem, FrameAllocator frames, long rootPa) {
        this.mem = mem;
        this.frames = frames;
        this.rootPa = rootPa;
    }

    public long rootPa() { return rootPa; }

    public long satp() { return Sv39.satp(Sv39.ppnOf(rootPa)); }

    /** A new, empty address space, or null when memory is exhausted. */
    public static PageTable create(KMem mem, FrameAllocator frames) {
        long root = frames.alloc();
        if (root < 0) return null;
        mem.zero(root, (int) Sv39.PAGE_SIZE);
        return new PageTable(mem, frames, root);
    }

    /** Address of the level-0 PTE for va; allocates interior tables if {@code create}. -1 if absent or no memory. */
    public long pteAddress(long va, boolean create) {
        long table = rootPa;
        for (int level = 2; level > 0; level--) {
            long pteAddr = table + 8L * Sv39.vpn(va, level);
            long pte = mem.r64(pteAddr);
            if (!Sv39.isValid(pte)) {
                if (!create) return -1;
                long next = frames.alloc();
                if (next < 0) return -1;
                mem.zero(next, (int) Sv39.PAGE_SIZE);
                mem.w64(pteAddr, Sv39.makePte(Sv39.ppnOf(next), Sv39.PTE_V));
                table = next;
            } else {
                if (Sv39.isLeaf(pte)) throw new KernelPanic(String.format("superpage at va 0x%x: not used by this kernel", va));
                table = Sv39.paOf(Sv39.ptePpn(pte));
            }
        }
        return table + 8L * Sv39.vpn(va, 0);
    }

    /** The leaf PTE mapping va, or 0. */
    public long lookup(long va) {
        long a = pteAddress(va, false);
        return a < 0 ? 0 : mem.r64(a);
    }

    /** Map the page at va to frame pa with flags (R/W/X); U, V, A, D are added. False if out of memory. */
    public boolean map(long va, long pa, int rwx) {
        long a = pteAddress(va, true);
        if (a < 0) return false;
        mem.w64(a, Sv39.makePte(Sv39.ppnOf(pa), rwx | Sv39.PTE_U | Sv39.PTE_V | Sv39.PTE_A | Sv39.PTE_D));
        return true;
    }

    /** Map va to a shared file page pa (PTE_SHARED, D clear: the hart sets D at the first store). */
    public boolean mapShared(long va, long pa, int rwx) {
        long a = pteAddress(va, true);
        if (a < 0) return false;
        mem.w64(a, Sv39.makePte(Sv39.ppnOf(pa), rwx | Sv39.PTE_U | Sv39.PTE_V | Sv39.PTE_A | PTE_SHARED));
        return true;
    }

    /** Write a whole leaf PTE for va (the tables above it made as needed). False if out of memory. */
    public boolean setPte(long va, long pte) {
        long a = pteAddress(va, true);
        if (a < 0) return false;
        if (mem.r64(a) != pte) mem.w64(a, pte);
        return true;
    }

    /**
     * Change a mapped page's R/W/X. A frame other address spaces share (copy-on-write) is not made writable: it is
     * marked {@link CopyOnWrite#PTE_COW} instead, and its first write copies it.
     */
    public void protect(long va, int rwx) {
        long a = pteAddress(va, false);
        long pte = mem.r64(a);
        mem.w64(a, CopyOnWrite.withRwx(frames, pte, rwx, false));
    }

    /** Map va to pa with the flags of a whole PTE (R/W/X and the copy-on-write mark); U, V, A, D are added. */
    public boolean mapWith(long va, long pa, int flags) {
        long a = pteAddress(va, true);
        if (a < 0) return false;
        mem.w64(a, Sv39.makePte(Sv39.ppnOf(pa), flags | Sv39.PTE_U | Sv39.PTE_V | Sv39.PTE_A | Sv39.PTE_D));
        return true;
    }

    /** Unmap the page at va; returns the frame it mapped, or -1 (a shared page's frame is not the caller's to free). */
    public long unmap(long va) {
        long a = pteAddress(va, false);
        if (a < 0) return -1;
        long pte = mem.r64(a);
        if (!Sv39.isValid(pte)) return -1;
        mem.w64(a, 0);
        return Sv39.paOf(Sv39.ptePpn(pte));
    }

    /** Visit every user leaf: (va, pte). */
    public interface LeafVisitor {
        void leaf(long va, long pte);
    }

    public void forEachLeaf(LeafVisitor v) {
        walk(mem, rootPa, 2, 0, v);
    }

    private static void walk(KMem mem, long table, int level, long vaBase, LeafVisitor v) {
        for (int i = 0; i < 512; i++) {
            long pte = mem.r64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            long va = vaBase | ((long) i << (12 + 9 * level));
            if (level == 0) v.leaf(va, pte);
            else walk(mem, Sv39.paOf(Sv39.ptePpn(pte)), level - 1, va, v);
        }
    }

    /** Free every user frame and every table of this address space. */
    public void destroy() {
        destroy(rootPa, 2);
    }

    private void destroy(long table, int level) {
        for (int i = 0; i < 512; i++) {
            long pte = mem.r64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            if (level > 0) destroy(pa, level - 1);
            else if ((pte & PTE_SHARED) == 0) frames.free(pa);
        }
        frames.free(table);
    }
}
