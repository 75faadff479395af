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
 * mapping short, the frame it names now has one too many (or is free, or no user frame, or a page table). A flipped
 * bit of the bitmap marks a mapped frame free. (A frame the leaf named alone is left marked used with nothing
 * mapping it.) When the frames that disagree are at most two, every single flip that
 * could explain them is tried — a frame-number bit of each leaf that names a frame that disagrees, the bitmap bit of
 * such a frame — and if exactly one leaves every frame agreeing, it is the one that happened: it is undone on an
 * overlay (the dead memory is not written) before anything is validated, and the report says so. Two candidates
 * (two leaves naming a frame mapped once too often, or a bitmap bit and a leaf) or none: nothing is guessed, and
 * the checks refuse as before. A call in flight that leaves counts disagreeing leaves no single flip agreeing, or
 * more than two frames disagreeing, so nothing is taken back then either.
 *
 * <p>Not taken back here: a flip in a pointer to a page table (the table it named is orphaned, and its pages with
 * it — the walk meets garbage and refuses), and a shared file page's leaf (uncounted).
 */
final class LeafFrames {
    private final KMem v;
    private final Validator frames;
    private final long ramBase, bitmap, refs;
    private final int nframes;
    /** Leaves of live tasks: {pte address, pte as the walk takes it, task slot}. */
    private final List<long[]> leaves = new ArrayList<>();
    private final int[] mapped;
    private final boolean[] uncounted; // page tables, file pages: no leaf names them but a shared file page's own

    private LeafFrames(KMem v, Validator frames, long ramBase, int nframes, long bitmap, long refs) {
        this.v = v;
        this.frames = frames;
        this.ramBase = ramBase;
        this.nframes = nframes;
        this.bitmap = bitmap;
        this.refs = refs;
        this.mapped = new int[nframes];
        this.uncounted = new boolean[nframes];
    }

    /**
     * The dead kernel's memory v, seen with the one flip taken back that leaves every frame agreeing (if exactly one
     * does); what was undone goes to notes. frames says which frames a process may own.
     */
    static KMem repair(KMem v, Validator frames, long ramBase, int nframes, long tasks, long bitmap, long refs, long fpages,
                       List<String> notes) {
        LeafFrames c = new LeafFrames(v, frames, ramBase, nframes, bitmap, refs);
        Set<Long> roots = new HashSet<>(); // a vfork child borrows its parent's: counted once
        Set<Long> tables = new HashSet<>();
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            int st = v.r32(t + T_STATE);
            long satp = v.r64(t + T_SATP);
            if (v.r32(t) != TASK.magic || st != TASK_RUNNABLE && st != TASK_BLOCKED && st != TASK_STOPPED
                    || satp >>> 60 != 8 || !roots.add(Sv39.satpRootPa(satp))) {
                continue;
            }
            c.walk(Sv39.satpRootPa(satp), 2, i, tables);
        }
        for (long table : tables) c.uncounted[c.index(table)] = true;
        FilePages fp = new FilePages(v, fpages);
        for (int e = 0; e < fp.hwm(); e++) {
            int f = fp.used(e) ? c.index(fp.frame(e)) : -1;
            if (f >= 0) c.uncounted[f] = true;
        }
        for (long[] leaf : c.leaves) c.mapped[c.index(c.frameOf(leaf[1]))]++;
        return c.undoOne(notes);
    }

    /** The frames that disagree, at most three (more cannot be one flip's doing). */
    private List<Integer> disagreeing() {
        List<Integer> d = new ArrayList<>();
        for (int f = 0; f < nframes && d.size() < 3; f++) if (!agrees(f, mapped[f], used(f))) d.add(f);
        return d;
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
            long word = bitmap + f / 64 * 8L;
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

    private int sharers(int f) { return v.r16(refs + 2L * f); }

    private boolean used(int f) { return Bitmap.test(v.r64(bitmap + f / 64 * 8L), f % 64); }

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
            long pte = Validator.flippedFrameBit(v, v.r64(pa + 8L * i));
            if (!Sv39.isValid(pte)) continue;
            if (level > 0 && !Sv39.isLeaf(pte)) walk(frameOf(pte), level - 1, slot, tables);
            else if (level == 0 && Sv39.isLeaf(pte) && index(frameOf(pte)) >= 0 && (pte & PageTable.PTE_SHARED) == 0) {
                leaves.add(new long[] {pa + 8L * i, pte, slot});
            } else if (level == 0 && Sv39.isLeaf(pte) && index(frameOf(pte)) >= 0) {
                uncounted[index(frameOf(pte))] = true;
            }
        }
    }
}
