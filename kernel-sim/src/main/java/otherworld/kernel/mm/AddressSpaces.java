package otherworld.kernel.mm;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongPredicate;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Task;
import otherworld.kernel.verified.Sv39;

/**
 * The tasks' address spaces: their VMA tables, demand paging, and the pages of files mapped shared.
 *
 * <p>Demand paging: a mapping gets no page when it is made; the first access faults, and {@link #fault} gives the page
 * a frame — zeroed (anonymous), read from the file (private file mapping), or the file page's own frame (shared file
 * mapping, {@link FilePages}). A fault's writes are: a frame taken from the bitmap, filled, a file-page entry (shared
 * only) and last the PTE. A crash anywhere in it leaves the faulting instruction to be executed again: the bitmap is
 * derived by a crash kernel from the page tables, and a file-page entry no page table maps is dropped by it.
 *
 * <p>Rules every call keeps, at every write: a page mapped in a task's page table lies inside a VMA of its active
 * list; a leaf with {@link PageTable#PTE_SHARED} maps the frame of a file-page entry in use; the data of a file page
 * not yet on disk is marked dirty in its entry or by the D bit of a PTE that maps it.
 */
public final class AddressSpaces implements BlockCache.Overlay {
    /** RLIMIT_STACK: the main stack's VMA reaches this far below the top. */
    public static final long STACK_MAX = 8L << 20;
    /** Below the stack, a guard: never mapped, never given to mmap (Linux's stack_guard_gap, 256 pages). */
    public static final long STACK_GUARD = 1L << 20;
    /** mmap places mappings top down from here (Linux: 128 MiB below the stack) ... */
    public static final long MMAP_TOP = Exec.STACK_TOP - (128L << 20);
    /** ... never below this (vm.mmap_min_addr). */
    public static final long MMAP_LOW = 0x10000;

    public static final int LOAD = 0, STORE = 1, FETCH = 2;
    public static final int SIGBUS = 7, SIGKILL = 9, SIGSEGV = 11;

    private static final long PAGE = Sv39.PAGE_SIZE;
    private static final long L1_SPAN = 2L << 20;

    private final Kernel k;
    private final long vmasPa;
    public final FilePages pages;

    public AddressSpaces(Kernel k, long vmasPa, long filePagesPa) {
        this.k = k;
        this.vmasPa = vmasPa;
        this.pages = new FilePages(k.mem, filePagesPa);
    }

    public Vmas vmas(Task t) { return new Vmas(k.mem, vmasPa, t.index); }

    private static boolean live(Task t) {
        return t.state() == TASK_RUNNABLE || t.state() == TASK_BLOCKED || t.state() == TASK_STOPPED;
    }

    // ---- a new address space ---------------------------------------------------------------------------------

    /**
     * The VMAs of a program exec has just loaded (its pages are mapped already): one per run of pages of equal
     * protection (segments may share a page), the stack down to {@link #STACK_MAX} with its guard below, no heap yet
     * (brk makes it).
     */
    public void install(Task t, List<long[]> execVmas) {
        vmas(t).reset(imageVmas(execVmas));
    }

    /** The VMA list of a program exec loaded (see {@link #install}): a pure function of its segments. */
    public static List<Vma> imageVmas(List<long[]> execVmas) {
        TreeMap<Long, Integer> prot = new TreeMap<>();
        List<Vma> l = new ArrayList<>();
        for (long[] v : execVmas) {
            if (v[1] == Exec.STACK_TOP) continue;
            for (long p = v[0]; p < v[1]; p += PAGE) prot.merge(p, Vma.protOf(v[2]), (a, b) -> a | b);
        }
        Vma run = null;
        for (var e : prot.entrySet()) {
            if (run != null && run.end() == e.getKey() && run.prot() == e.getValue()) {
                run = new Vma(run.start(), e.getKey() + PAGE, 0, run.prot(), 0, 0);
            } else {
                if (run != null) l.add(run);
                run = new Vma(e.getKey(), e.getKey() + PAGE, 0, e.getValue(), 0, 0);
            }
        }
        if (run != null) l.add(run);
        long stackLo = Exec.STACK_TOP - STACK_MAX;
        l.add(new Vma(stackLo - STACK_GUARD, stackLo, 0, 0, VM_GUARD, 0));
        l.add(new Vma(stackLo, Exec.STACK_TOP, 0, Vma.PROT_READ | Vma.PROT_WRITE, VM_STACK, 0));
        l.sort((a, b) -> Long.compare(a.start(), b.start())); // the signal trampoline's page lies above the stack
        return l;
    }

    // ---- page faults -----------------------------------------------------------------------------------------

    /**
     * A page fault of task t at va: 0 when the page is now mapped as the access needs (the instruction is executed
     * again), else the signal that ends the task: SIGSEGV outside every mapping or against its protection, SIGBUS past
     * the end of a mapped file, SIGKILL when memory is exhausted.
     */
    public int fault(Task t, long va, int access) {
        Vma v = vmas(t).find(va);
        if (v == null || (v.flags() & VM_GUARD) != 0) return SIGSEGV;
        int need = access == STORE ? Vma.PROT_WRITE : access == FETCH ? Vma.PROT_EXEC : Vma.PROT_READ;
        if ((v.prot() & need) == 0) return SIGSEGV;
        PageTable pt = k.pageTable(t);
        long page = Sv39.pageBase(va);
        long pte = pt.lookup(page);
        if (Sv39.isValid(pte)) {
            // Present, and the mapping allows the access: a store to a copy-on-write page (fork) gets its own frame;
            // otherwise the PTE allows it too (they are changed together), and the fault came from a stale translation.
            if (access == STORE && (pte & CopyOnWrite.PTE_COW) != 0) {
                if (!CopyOnWrite.resolve(k.mem, k.frames, pt, page)) return SIGKILL;
                k.machine.hart.flushTlb();
                return 0;
            }
            int bit = access == STORE ? Sv39.PTE_W : access == FETCH ? Sv39.PTE_X : Sv39.PTE_R;
            if ((Sv39.pteFlags(pte) & bit) == 0) return SIGSEGV;
            k.machine.hart.flushTlb();
            return 0;
        }
        if (v.file() && v.shared()) return mapFilePage(pt, v, page);
        if (v.file()) {
            long size = k.fs.sizeOf(v.ino());
            if (size < 0 || v.fileOffset(page) >= size) return SIGBUS;
        }
        long pa = k.frames.alloc();
        if (pa < 0) return SIGKILL;
        k.mem.zero(pa, (int) PAGE);
        if (v.file()) {
            byte[] b = new byte[(int) PAGE];
            int n = k.fs.read(v.ino(), v.fileOffset(page), b, 0, b.length);
            if (n > 0) k.mem.write(pa, b, 0, n);
        }
        if (!pt.map(page, pa, v.pteBits())) {
            k.frames.free(pa);
            return SIGKILL;
        }
        return 0;
    }

    /** A shared file page: the frame of its entry, made (from the page cache, whose copy it replaces) if none. */
    private int mapFilePage(PageTable pt, Vma v, long page) {
        long index = v.fileOffset(page) / PAGE;
        int e = pages.find(v.ino(), index);
        long frame;
        if (e >= 0) {
            frame = pages.frame(e);
        } else {
            long size = k.fs.sizeOf(v.ino());
            if (size < 0 || index * PAGE >= size) return SIGBUS;
            long block = k.fs.blockOf(v.ino(), index);
            if (block <= 0) return SIGBUS; // mmap gave every page within the size a block; this one came later
            frame = k.frames.alloc();
            if (frame < 0) return SIGKILL;
            byte[] b = new byte[(int) PAGE];
            long at = k.cache.get(block);
            k.mem.scrub(at, b.length); // the enhanced mode: a file's cached data checked before a process maps it
            k.mem.read(at, b, 0, b.length);
            k.mem.write(frame, b, 0, b.length);
            k.cache.forget(block);
            if (pages.add(v.ino(), index, block, frame) < 0) {
                k.frames.free(frame);
                k.log("file-page table full: SIGBUS");
                return SIGBUS;
            }
        }
        return pt.mapShared(page, frame, v.pteBits()) ? 0 : SIGKILL;
    }

    /** {@link UserMemory}'s pager: a kernel access to a page a mapping allows, not yet present. */
    public boolean faultIn(long rootPa, long va, int need) {
        Task t = taskWithRoot(rootPa);
        return t != null && fault(t, va, need == Sv39.PTE_W ? STORE : LOAD) == 0;
    }

    private Task taskWithRoot(long rootPa) {
        Task cur = k.currentTask();
        if (cur != null && live(cur) && cur.rootPa() == rootPa) return cur;
        for (int i = 0; i < MAX_TASKS; i++) {
            Task t = k.task(i);
            if (live(t) && t.rootPa() == rootPa) return t;
        }
        return null;
    }

    // ---- changing mappings (the calls' part before their commit) ---------------------------------------------

    /** Visit the leaves of t's page table in [a, b), skipping 2 MiB at a time where no table is. */
    private interface LeafAt {
        void leaf(long va, long pteAddr, long pte);
    }

    private void leaves(PageTable pt, long a, long b, LeafAt f) {
        for (long p = a; p < b; ) {
            long pteAddr = pt.pteAddress(p, false);
            if (pteAddr < 0) {
                p = (p / L1_SPAN + 1) * L1_SPAN;
                continue;
            }
            long pte = k.mem.r64(pteAddr);
            if (Sv39.isValid(pte)) f.leaf(p, pteAddr, pte);
            p += PAGE;
        }
    }

    /**
     * Unmap every page of t in [a, b): a frame of its own is freed, a shared file page's dirty bit goes to its entry
     * first; then the file pages no one maps any more are written back and released. The VMA list is not changed
     * (the caller's tail does that). Idempotent: what is unmapped already is skipped.
     */
    public void unmap(Task t, long a, long b) {
        PageTable pt = k.pageTable(t);
        boolean[] any = {false};
        List<Vma> l = vmas(t).list();
        for (Vma v : l) {
            if (v.end() <= a || v.start() >= b) continue;
            leaves(pt, Math.max(a, v.start()), Math.min(b, v.end()), (va, pteAddr, pte) -> {
                long pa = Sv39.paOf(Sv39.ptePpn(pte));
                if ((pte & PageTable.PTE_SHARED) != 0 && (pte & Sv39.PTE_D) != 0) markDirty(pa);
                k.mem.w64(pteAddr, 0);
                if ((pte & PageTable.PTE_SHARED) == 0) k.frames.free(pa);
                any[0] = true;
            });
        }
        if (any[0]) k.machine.hart.flushTlb();
        for (Vma v : l) {
            if (v.file() && v.shared() && v.end() > a && v.start() < b) release(t, v.ino(), a, b);
        }
    }

    private void markDirty(long frame) {
        int e = pages.findFrame(frame);
        if (e >= 0) pages.setDirty(e, true);
    }

    /** The file pages of ino that no live task maps (t's [a, b) not counted) are written back and freed. */
    private void release(Task t, int ino, long a, long b) {
        for (int e = 0; e < pages.hwm(); e++) {
            if (!pages.used(e) || pages.ino(e) != ino || mapped(ino, pages.index(e), t, a, b)) continue;
            if (pages.dirty(e)) writeBack(e);
            long frame = pages.frame(e);
            pages.remove(e);
            k.frames.free(frame);
        }
    }

    /** Whether a live task has page index of ino in a shared mapping (t's pages in [a, b) excepted). */
    private boolean mapped(int ino, long index, Task t, long a, long b) {
        for (int i = 0; i < MAX_TASKS; i++) {
            Task u = k.task(i);
            if (!live(u)) continue;
            for (Vma v : vmas(u).list()) {
                if (!v.file() || !v.shared() || v.ino() != ino) continue;
                long va = v.start() + (index * PAGE - v.offset());
                if (!v.contains(va) || index * PAGE < v.offset()) continue;
                if (u.index == t.index && va >= a && va < b) continue;
                return true;
            }
        }
        return false;
    }

    /** Give the mapped pages of t in [a, b) the protection of the VMA list l (absolute: a restart does the same). */
    public void protect(Task t, List<Vma> l, long a, long b) {
        PageTable pt = k.pageTable(t);
        boolean[] any = {false};
        for (Vma v : l) {
            if (v.end() <= a || v.start() >= b) continue;
            int rwx = v.pteBits();
            leaves(pt, Math.max(a, v.start()), Math.min(b, v.end()), (va, pteAddr, pte) -> {
                long n = CopyOnWrite.withRwx(k.frames, pte, rwx, v.shared() && !v.file());
                if (n != pte) {
                    k.mem.w64(pteAddr, n);
                    any[0] = true;
                }
            });
        }
        if (any[0]) k.machine.hart.flushTlb();
    }

    /**
     * fork: the pages of t's shared anonymous mappings all made present (a page faulted in later by one process would
     * be its own), so that the child shares every one. False when memory ran out.
     */
    public boolean presentShared(Task t) {
        PageTable pt = k.pageTable(t);
        for (Vma v : vmas(t).list()) {
            if (!v.shared() || v.file() || v.prot() == 0) continue;
            for (long p = v.start(); p < v.end(); p += PAGE) {
                if (!Sv39.isValid(pt.lookup(p)) && fault(t, p, LOAD) != 0) return false;
            }
        }
        return true;
    }

    /** Make the page tables of [a, a + len) exist (before a commit, so that a tail that maps there cannot fail). */
    public boolean prepareTables(Task t, long a, long len) {
        PageTable pt = k.pageTable(t);
        for (long p = a; p < a + len; p = (p / L1_SPAN + 1) * L1_SPAN) if (pt.pteAddress(p, true) < 0) return false;
        return true;
    }

    /**
     * Move t's pages of [from, from + len) to [to, to + len), each PTE as it is (a tail: idempotent, a page already
     * moved is no longer at from).
     */
    public void move(Task t, long from, long to, long len) {
        PageTable pt = k.pageTable(t);
        boolean[] any = {false};
        leaves(pt, from, from + len, (va, pteAddr, pte) -> {
            if (!pt.setPte(to + (va - from), pte)) throw new otherworld.kernel.KernelPanic("mremap: no page table");
            k.mem.w64(pteAddr, 0);
            any[0] = true;
        });
        if (any[0]) k.machine.hart.flushTlb();
    }

    /**
     * Give every page of ino within the file's size in [offset, offset + len) a disk block (a hole is written with
     * zeros, its size unchanged), so that a shared mapping's pages are all blocks the page cache can hold. 0 or -errno.
     * Before the commit: blocks within the size are what a restart finds allocated (a repair reconciles the inode).
     */
    public int fillHoles(int ino, long offset, long len) {
        long size = k.fs.sizeOf(ino);
        if (size < 0) return (int) size;
        byte[] zeros = new byte[(int) PAGE];
        for (long off = offset; off < Math.min(size, offset + len); off += PAGE) {
            long b = k.fs.blockOf(ino, off / PAGE);
            if (b < 0) return (int) b;
            if (b > 0) continue;
            int w = k.fs.writeData(ino, off, zeros, 0, (int) Math.min(PAGE, size - off));
            if (w < 0) return w;
        }
        return 0;
    }

    // ---- write-back of shared file pages --------------------------------------------------------------------

    /** D bits of t's shared file pages in [a, b) moved to their entries' DIRTY flags (each flag before its D bit clears). */
    public void collectDirty(Task t, long a, long b) {
        if (pages.hwm() == 0) return;
        PageTable pt = k.pageTable(t);
        boolean[] any = {false};
        for (Vma v : vmas(t).list()) {
            if (!v.file() || !v.shared() || v.end() <= a || v.start() >= b) continue;
            leaves(pt, Math.max(a, v.start()), Math.min(b, v.end()), (va, pteAddr, pte) -> {
                if ((pte & PageTable.PTE_SHARED) == 0 || (pte & Sv39.PTE_D) == 0) return;
                markDirty(Sv39.paOf(Sv39.ptePpn(pte)));
                k.mem.w64(pteAddr, pte & ~(long) Sv39.PTE_D);
                any[0] = true;
            });
        }
        if (any[0]) k.machine.hart.flushTlb();
    }

    /** Write entry e's frame to its block, then mark it clean. Idempotent. */
    private void writeBack(int e) {
        byte[] b = new byte[(int) PAGE];
        k.mem.read(pages.frame(e), b, 0, b.length);
        k.cache.disk().write(pages.block(e) * PAGE, b, 0, b.length);
        pages.setDirty(e, false);
    }

    /** msync: t's dirty shared file pages in [a, b) written to disk. */
    public void sync(Task t, long a, long b) {
        collectDirty(t, a, b);
        for (Vma v : vmas(t).list()) {
            if (!v.file() || !v.shared() || v.end() <= a || v.start() >= b) continue;
            long lo = v.fileOffset(Math.max(a, v.start())) / PAGE, hi = v.fileOffset(Math.min(b, v.end())) / PAGE;
            for (int e = 0; e < pages.hwm(); e++) {
                if (pages.used(e) && pages.dirty(e) && pages.ino(e) == v.ino() && pages.index(e) >= lo && pages.index(e) < hi) {
                    writeBack(e);
                }
            }
        }
        k.cache.disk().flush();
    }

    @Override public long frameOf(long block) {
        if (pages.hwm() == 0) return -1;
        int e = pages.findBlock(block);
        return e < 0 ? -1 : pages.frame(e);
    }

    @Override public void written(long block) {
        int e = pages.findBlock(block);
        if (e >= 0) pages.setDirty(e, true);
    }

    /** Every dirty shared file page whose block satisfies which, written to disk (the flusher, fsync, sync). */
    @Override public int writeBack(LongPredicate which) {
        if (pages.hwm() == 0) return 0;
        for (int i = 0; i < MAX_TASKS; i++) {
            Task t = k.task(i);
            if (live(t)) collectDirty(t, 0, Sv39.USER_VA_LIMIT);
        }
        int n = 0;
        for (int e = 0; e < pages.hwm(); e++) {
            if (pages.used(e) && pages.dirty(e) && which.test(pages.block(e))) {
                writeBack(e);
                n++;
            }
        }
        return n;
    }

    // ---- the end of an address space -------------------------------------------------------------------------

    /** Before an exit's commit: the D bits of t's shared pages go to their entries (a zombie's tables are not read). */
    public void syncShared(Task t) { collectDirty(t, 0, Sv39.USER_VA_LIMIT); }

    /**
     * execve's tail, once the new image is in force: the old address space (its list old, its page table pt) is
     * gone — its shared file pages no one maps any more written back and released, its own frames and tables freed.
     */
    public void releaseOld(Task t, List<Vma> old, PageTable pt) {
        for (Vma v : old) if (v.file() && v.shared()) release(t, v.ino(), 0, 0);
        pt.destroy();
        k.machine.hart.flushTlb();
    }

    /**
     * t's address space is gone (after exit's commit; or before exec loads another): its shared file pages no one else
     * maps written back and released, every frame of its own and every table freed, its VMA table emptied.
     */
    public void release(Task t) {
        List<Vma> l = vmas(t).list();
        for (Vma v : l) if (v.file() && v.shared()) release(t, v.ino(), 0, Sv39.USER_VA_LIMIT);
        k.pageTable(t).destroy();
        k.machine.hart.flushTlb();
        vmas(t).clear();
    }
}
