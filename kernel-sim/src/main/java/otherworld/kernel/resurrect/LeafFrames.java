package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.verified.Bitmap;
import otherworld.kernel.verified.Sv39;

/**
 * The frames the live tasks' pages name, counted against what the dead kernel says of each frame: its bit in the
 * frame bitmap and its sharing count ({@link otherworld.kernel.mm.FrameAllocator}: mappings beyond the first). At
 * every write outside a call that maps, unmaps, copies or forks, each frame agrees: one that leaves of live tasks
 * name (not as a shared file page, which is the file-page table's and uncounted) is a user frame, marked used, no
 * page table and no file page, named once more than its sharing count; one they do not name has no sharers, and is
 * marked used only if it is the kernel's, a page table or a file page (a frame is taken from the bitmap just before
 * its PTE is written, and freed just after its last one is cleared, both inside a call).
 *
 * <p>A flipped bit in a leaf's frame number that stays inside RAM moves one mapping: the frame it named is left one
 * mapping short (or, named by that leaf alone, marked used with nothing mapping it), the frame it names now has one
 * too many (or is free, or no user frame, or a page table). A flipped bit of the bitmap marks a mapped frame free.
 * When the frames that disagree are at most two, every single flip that could explain them is tried — a frame-number
 * bit of each leaf that names a frame that disagrees, the bitmap bit of such a frame — and if exactly one leaves every
 * frame agreeing, it is the one that happened: it is undone on an overlay (the dead memory is not written) before
 * anything is validated, and the report says so. Two candidates (two leaves naming a frame mapped once too often, or
 * a bitmap bit and a leaf) or none: nothing is guessed, and the checks refuse as before. A call in flight that leaves
 * counts disagreeing leaves no single flip agreeing, or more than two frames disagreeing, so nothing is taken back
 * then either. The same counts decide a flipped bit in a leaf's U or a table pointer's R, W, X ({@link #undoFlags})
 * and in a task's satp ({@link #undoSatp}).
 *
 * <p>Not taken back here: a flip in a pointer to a lower page table (the table it named is orphaned, and its pages
 * with it; the walk meets garbage and refuses), a leaf with none of R, W, X (three flips explain it), and a shared
 * file page's leaf (uncounted).
 */
final class LeafFrames {
    private final KMem v;
    private final Validator frames;
    private final long ramBase, tasks, procs, fpages, bitmapPa;
    private final int nframes;
    /** The dead kernel's frame bitmap (its words) and sharing counts, read once. */
    private final long[] bitmap;
    private final int[] sharers;
    /** Leaves of live tasks: {pte address, pte as the walk takes it, task slot}. */
    private final List<long[]> leaves = new ArrayList<>();
    /** Entries whose flags one flip made no user leaf, or a table pointer a superpage: {pte address, pte, as written}. */
    private final List<long[]> flagged = new ArrayList<>();
    private final int[] mapped;
    private final boolean[] uncounted; // page tables, file pages: no leaf names them but a shared file page's own
    private List<Integer> disagreeing;

    private LeafFrames(KMem v, Validator frames, long ramBase, int nframes, long tasks, long procs, long bitmapPa, long refsPa,
                       long fpages) {
        this.v = v;
        this.frames = frames;
        this.ramBase = ramBase;
        this.nframes = nframes;
        this.tasks = tasks;
        this.procs = procs;
        this.fpages = fpages;
        this.bitmapPa = bitmapPa;
        this.bitmap = new long[(nframes + 63) / 64];
        for (int w = 0; w < bitmap.length; w++) bitmap[w] = v.r64(bitmapPa + 8L * w);
        this.sharers = new int[nframes];
        for (int f = 0; f < nframes; f++) sharers[f] = v.r16(refsPa + 2L * f);
        this.mapped = new int[nframes];
        this.uncounted = new boolean[nframes];
        count(-1, 0);
    }

    /** The same dead kernel counted again with task slot's address space taken as satp names it. */
    private LeafFrames(LeafFrames c, int slot, long satp) {
        this.v = c.v;
        this.frames = c.frames;
        this.ramBase = c.ramBase;
        this.nframes = c.nframes;
        this.tasks = c.tasks;
        this.procs = c.procs;
        this.fpages = c.fpages;
        this.bitmapPa = c.bitmapPa;
        this.bitmap = c.bitmap;
        this.sharers = c.sharers;
        this.mapped = new int[nframes];
        this.uncounted = new boolean[nframes];
        count(slot, satp);
    }

    /**
     * The dead kernel's memory v, seen with the one flip taken back that leaves every frame agreeing (if exactly one
     * does); what was undone goes to notes. frames says which frames a process may own.
     */
    static KMem repair(KMem v, Validator frames, long ramBase, int nframes, long tasks, long procs, long bitmap, long refs,
                       long fpages, List<String> notes) {
        LeafFrames c = new LeafFrames(v, frames, ramBase, nframes, tasks, procs, bitmap, refs, fpages);
        KMem r = c.flagged.isEmpty() ? c.undoOne(notes) : c.undoFlags(notes);
        return r != v ? r : c.undoSatp(notes);
    }

    /** Counts every live task's leaves (task slot's address space taken as satp names it, if slot >= 0). */
    private void count(int slot, long satp) {
        Set<Long> roots = new HashSet<>(); // a vfork child borrows its parent's: counted once
        Set<Long> tables = new HashSet<>();
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            long s = i == slot ? satp : v.r64(t + T_SATP);
            if (live(t) && s >>> 60 == 8 && roots.add(Sv39.satpRootPa(s))) walk(Sv39.satpRootPa(s), 2, i, tables);
        }
        for (long table : tables) uncounted[index(table)] = true;
        FilePages fp = new FilePages(v, fpages);
        for (int e = 0; e < fp.hwm(); e++) {
            int f = fp.used(e) ? index(fp.frame(e)) : -1;
            if (f >= 0) uncounted[f] = true;
        }
        for (long[] leaf : leaves) mapped[index(frameOf(leaf[1]))]++;
    }

    private boolean live(long t) {
        int st = v.r32(t + T_STATE);
        return v.r32(t) == TASK.magic && (st == TASK_RUNNABLE || st == TASK_BLOCKED || st == TASK_STOPPED);
    }

    /**
     * An entry whose flags one flip explains (a leaf without U, a table pointer with one of R, W, X): the only other
     * single flip the walk would accept clears V, which would leave the frame (or the table) it names mapped by
     * nothing. So if every frame agrees with the entry taken as the kernel wrote it, and it is the only such entry,
     * it is taken so.
     */
    private KMem undoFlags(List<String> notes) {
        if (flagged.size() != 1 || !disagreeing().isEmpty()) return v;
        long at = flagged.get(0)[0], pte = flagged.get(0)[1], fixed = flagged.get(0)[2];
        OverlayMem copy = new OverlayMem(v, at, 8);
        copy.w64(at, fixed);
        notes.add(String.format("pte at 0x%x: flags 0x%x, bit %d flipped back (the frames it maps then agree with their counts)",
                at, pte & 0x3FF, Long.numberOfTrailingZeros(pte ^ fixed)));
        return copy;
    }

    /**
     * A task's satp with one bit flipped (its mode, or its root moved): its tables, reached by no walk, and the frames
     * they map are left marked used with nothing mapping them. Each single flip of a live task's satp that names, in
     * Sv39 mode, a frame left so is tried as its root; if exactly one leaves every frame agreeing, it is taken. A vfork
     * child's satp is its lender's: one flip from that is tried the same way (its tables are the lender's, counted with
     * it). A flip in the mode, or one that puts the root outside RAM, has one undo ({@link #constantsBack}); it is
     * taken if the root it gives was unreached and every frame the task's pages then name agrees (a call in flight may
     * leave counts disagreeing elsewhere; a wild value one flip from RAM names no such root).
     */
    private KMem undoSatp(List<String> notes) {
        long at = -1, found = 0;
        String why = "its mode or a root outside RAM; its pages then agree with their counts";
        boolean agree = disagreeing().isEmpty();
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size(), satp = v.r64(t + T_SATP), lent = lendersSatp(i);
            if (!live(t)) continue;
            long direct = constantsBack(satp);
            if (direct != satp) { // its pages then agree, whatever a call in flight left elsewhere
                LeafFrames c = new LeafFrames(this, i, direct);
                if (unreached(direct) && c.flagged.isEmpty() && !c.unexplained(i)) {
                    if (at >= 0) return v;
                    at = t + T_SATP;
                    found = direct;
                }
                continue;
            }
            for (int bit = 0; bit < 64; bit++) {
                long s = satp ^ 1L << bit;
                if (s != lent && (agree || !unreached(s) || !unexplained(i))) continue;
                LeafFrames c = new LeafFrames(this, i, s);
                if (!c.flagged.isEmpty() || !c.disagreeing().isEmpty()) continue;
                if (at >= 0) return v; // two explanations: not guessed
                at = t + T_SATP;
                found = s;
                why = "whose tables then make every frame agree with its counts";
            }
        }
        if (at < 0) return v;
        OverlayMem copy = new OverlayMem(v, at, 8);
        copy.w64(at, found);
        notes.add(String.format("task slot %d: satp 0x%x, bit %d flipped back: root 0x%x (%s)", (at - T_SATP - tasks)
                / TASK.size(), v.r64(at), Long.numberOfTrailingZeros(v.r64(at) ^ found), Sv39.satpRootPa(found), why));
        return copy;
    }

    /** The frames that disagree, at most three (more cannot be one flip's doing). */
    private List<Integer> disagreeing() {
        if (disagreeing != null) return disagreeing;
        disagreeing = new ArrayList<>();
        for (int f = 0; f < nframes && disagreeing.size() < 3; f++) if (!agrees(f, mapped[f], used(f))) disagreeing.add(f);
        return disagreeing;
    }

    private KMem undoOne(List<String> notes) {
        List<Integer> d = disagreeing();
        if (d.isEmpty() || d.size() > 2) return v;
        long[] found = null; // {pte address, new pte, slot} or {-1, frame}
        int candidates = 0;
        for (int f : d) {
            if (!used(f) && agrees(f, mapped[f], true) && d.size() == 1) { // its bitmap bit
                found = new long[] {-1, f};
                candidates++;
            }
        }
        for (long[] leaf : leaves) {
            int x = index(frameOf(leaf[1]));
            if (!d.contains(x)) continue;
            for (int j = 0; j < 44; j++) {
                int y = index(frameOf(leaf[1]) ^ Sv39.paOf(1L << j));
                if (y < 0 || y == x || !agrees(x, mapped[x] - 1, used(x)) || !agrees(y, mapped[y] + 1, used(y))) continue;
                boolean rest = true;
                for (int f : d) rest &= f == x || f == y;
                if (!rest) continue;
                found = new long[] {leaf[0], leaf[1] ^ (1L << (10 + j)), leaf[2]}; // the PPN is bits 53..10 of a PTE
                candidates++;
            }
        }
        if (candidates != 1) return v;
        if (found[0] < 0) {
            int f = (int) found[1];
            long word = bitmapPa + f / 64 * 8L;
            OverlayMem copy = new OverlayMem(v, word, 8);
            copy.w64(word, Bitmap.set(v.r64(word), f % 64));
            notes.add(String.format("frame bitmap: frame 0x%x, mapped once and counted so, marked free: its bit flipped back",
                    pa(f)));
            return copy;
        }
        long old = v.r64(found[0]);
        OverlayMem copy = new OverlayMem(v, found[0], 8);
        copy.w64(found[0], found[1]);
        int x = index(frameOf(old)), bit = Long.numberOfTrailingZeros(frameOf(old) ^ frameOf(found[1])) - 12;
        notes.add(String.format("task slot %d: pte at 0x%x names frame 0x%x (%s); bit %d of its frame number flipped back:"
                + " frame 0x%x, a mapping short, and then every frame agrees with its counts", found[2], found[0], pa(x),
                why(x), bit, frameOf(found[1])));
        return copy;
    }

    /** Whether satp names, in Sv39 mode, a user frame marked used that no walk reached and no leaf names. */
    private boolean unreached(long satp) {
        int root = index(Sv39.satpRootPa(satp));
        return satp >>> 44 == Sv39.SATP_MODE_SV39 >>> 44 && root >= 0 && frames.userFrame(pa(root)) && !uncounted[root]
                && mapped[root] == 0 && used(root);
    }

    /**
     * Whether task slot's address space, as its satp names it, leaves something unexplained: no page at all, or a page
     * on a frame that disagrees. (Only such a task's satp is worth a recount: one that names its own tables maps pages
     * whose frames agree.)
     */
    private boolean unexplained(int slot) {
        boolean any = false;
        for (long[] leaf : leaves) {
            if (leaf[2] != slot) continue;
            int f = index(frameOf(leaf[1]));
            if (!agrees(f, mapped[f], used(f))) return true;
            any = true;
        }
        return !any;
    }

    /**
     * satp with its one flipped bit undone where no count is needed: in the mode and address-space id (Sv39 and 0 in
     * every satp the kernel writes: one flip from them has one undo), or in its root's frame number above RAM's (as
     * {@link Validator#flippedFrameBit} takes a PTE's). Otherwise satp as it is.
     */
    private long constantsBack(long satp) {
        long mode = Sv39.SATP_MODE_SV39 >>> 44;
        if (satp >>> 44 != mode) return Long.bitCount(satp >>> 44 ^ mode) == 1 ? satp ^ (satp >>> 44 ^ mode) << 44 : satp;
        long asPte = Sv39.makePte(Sv39.ptePpn(satp << 10), Sv39.PTE_V), back = Validator.flippedFrameBit(v, asPte);
        return back == asPte ? satp : Sv39.satp(Sv39.ptePpn(back));
    }

    /**
     * The satp of the live task whose address space task slot borrows (a vfork child's process record names it; the
     * child's satp is the lender's from the vfork to its exit or execve), or -1: it borrows none, or its execve has
     * begun (which writes its own satp before it stops borrowing).
     */
    private long lendersSatp(int slot) {
        long p = procs + (long) slot * PROC.size();
        int lender = v.r32(p + P_VM_PARENT) - 1;
        if (v.r32(p) != PROC.magic || v.r32(p + P_EXEC_STATE) != 0 || lender < 0 || lender >= MAX_TASKS || lender == slot) {
            return -1;
        }
        long t = tasks + (long) lender * TASK.size();
        return live(t) ? v.r64(t + T_SATP) : -1;
    }

    /** Why frame f, which leaves name, disagrees. */
    private String why(int f) {
        if (!frames.userFrame(pa(f))) return "no user frame";
        if (uncounted[f]) return "a page table or a shared file page";
        if (!used(f)) return "free in the frame bitmap";
        return String.format("mapped %d times, counted %d", mapped[f], sharers(f) + 1);
    }

    /**
     * Whether frame f agrees when n leaves name it and used says its bitmap bit: a user frame no table or file page
     * holds is marked used exactly when leaves name it, as often as its sharing count says; any other has no sharers.
     */
    private boolean agrees(int f, int n, boolean used) {
        boolean counted = frames.userFrame(pa(f)) && !uncounted[f];
        if (n == 0) return sharers(f) == 0 && !(counted && used);
        return counted && used && n == sharers(f) + 1;
    }

    private int sharers(int f) { return sharers[f]; }

    private boolean used(int f) { return Bitmap.test(bitmap[f / 64], f % 64); }

    private long pa(int f) { return ramBase + (long) f * Sv39.PAGE_SIZE; }

    /** Frame index of pa, or -1 outside RAM or unaligned. */
    private int index(long pa) {
        if (pa < ramBase || Math.floorMod(pa, Sv39.PAGE_SIZE) != 0 || (pa - ramBase) / Sv39.PAGE_SIZE >= nframes) return -1;
        return (int) ((pa - ramBase) / Sv39.PAGE_SIZE);
    }

    private static long frameOf(long pte) { return Sv39.paOf(Sv39.ptePpn(pte)); }

    /**
     * The table at pa (level 2, 1 or 0) of task slot's address space: its leaves, counted once each, into leaves; its tables into
     * tables. Only user frames are entered, each once (a table met again, a superpage, a frame outside RAM are left
     * to the walk that refuses them); entries are read as {@link Validator#flippedFrameBit} takes them.
     */
    private void walk(long pa, int level, int slot, Set<Long> tables) {
        if (!frames.userFrame(pa) || !tables.add(pa)) return;
        for (int i = 0; i < (level == 2 ? 256 : 512); i++) { // above 256 in the root: the walk refuses it
            long pte = Validator.flippedFrameBit(v, frames.ptes().r64(pa + 8L * i)); // through check bytes in the enhanced mode
            if (!Sv39.isValid(pte)) continue;
            long low = pte & 0x3FF;
            boolean noUser = level == 0 && Sv39.isLeaf(pte) && (low & Sv39.PTE_U) == 0;
            boolean superpage = level > 0 && (low == 3 || low == 5 || low == 9); // a table pointer is V alone
            if (noUser || superpage) { // U set again; R, W and X cleared again
                long fixed = noUser ? pte | Sv39.PTE_U : pte & ~(long) (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X);
                flagged.add(new long[] {pa + 8L * i, pte, fixed});
                pte = fixed;
            }
            if (level > 0 && !Sv39.isLeaf(pte)) walk(frameOf(pte), level - 1, slot, tables);
            else if (level == 0 && Sv39.isLeaf(pte) && index(frameOf(pte)) >= 0 && (pte & PageTable.PTE_SHARED) == 0) {
                leaves.add(new long[] {pa + 8L * i, pte, slot});
            } else if (level == 0 && Sv39.isLeaf(pte) && index(frameOf(pte)) >= 0) {
                uncounted[index(frameOf(pte))] = true;
            }
        }
    }
}
