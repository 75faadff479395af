package otherworld.kernel.mm;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Sv39;

/**
 * A view on one task's VMA table ({@code Layouts.VMAT}): two lists of VMAs, sorted and disjoint, of which one is in
 * force. A call that changes the mappings computes the new list, writes it into the other list ({@link #stage}: no
 * one reads it) and makes it the task's with one write ({@link #activate}), in its tail. Also the list algebra those
 * calls use (remove a range, insert, protect, find a gap), on Java lists: pure functions.
 */
public final class Vmas {
    private final KMem mem;
    public final long pa;

    public Vmas(KMem mem, long tablesPa, int slot) {
        this.mem = mem;
        this.pa = tablesPa + (long) slot * VMAT.size();
    }

    /** An empty table for a free task slot. */
    public static void format(KMem mem, long tablesPa) {
        for (int i = 0; i < MAX_TASKS; i++) VMAT.init(mem, tablesPa + (long) i * VMAT.size());
    }

    public int active() { return mem.r32(pa + VT_ACTIVE); }

    public int count(int which) { return mem.r32(pa + VT_COUNT + 4L * which); }

    public static long entry(long tablePa, int which, int i) {
        return tablePa + VT_LISTS + ((long) which * MAX_VMAS + i) * VMA.size();
    }

    public static Vma read(KMem mem, long e) {
        return new Vma(mem.r64(e + V_START), mem.r64(e + V_END), mem.r64(e + V_PGOFF), mem.r32(e + V_PROT),
                mem.r32(e + V_FLAGS), mem.r32(e + V_INO));
    }

    /** The list in force. */
    public List<Vma> list() { return list(active()); }

    public List<Vma> list(int which) {
        int n = Math.min(count(which), MAX_VMAS);
        List<Vma> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(read(mem, entry(pa, which, i)));
        return l;
    }

    /** The VMA of the list in force holding va, or null. */
    public Vma find(long va) {
        int which = active();
        int n = Math.min(count(which), MAX_VMAS);
        for (int i = 0; i < n; i++) {
            long e = entry(pa, which, i);
            if (va >= mem.r64(e + V_START) && va < mem.r64(e + V_END)) return read(mem, e);
        }
        return null;
    }

    /**
     * Write l into the list not in force (nothing reads it until {@link #activate}); returns that list's number.
     * The entries, then the count. False-free: l must have at most MAX_VMAS entries.
     */
    public int stage(List<Vma> l) {
        if (l.size() > MAX_VMAS) throw new IllegalArgumentException("more than " + MAX_VMAS + " VMAs");
        int which = 1 - active();
        for (int i = 0; i < l.size(); i++) write(entry(pa, which, i), l.get(i));
        mem.w32(pa + VT_COUNT + 4L * which, l.size());
        return which;
    }

    private void write(long e, Vma v) {
        mem.w64(e + V_START, v.start());
        mem.w64(e + V_END, v.end());
        mem.w64(e + V_PGOFF, v.offset());
        mem.w32(e + V_PROT, v.prot());
        mem.w32(e + V_FLAGS, v.flags());
        mem.w32(e + V_INO, v.ino());
    }

    /** Make list which the one in force: the one write that changes the task's mappings. Idempotent. */
    public void activate(int which) {
        if (active() != which) mem.w32(pa + VT_ACTIVE, which);
    }

    /** A new task's mappings (it has not run: no ordering matters): l in list 0, in force; list 1 empty. */
    public void reset(List<Vma> l) {
        VMAT.init(mem, pa);
        stage(l);
        activate(1);
    }

    /** A task that is gone holds no mapping. */
    public void clear() {
        if (count(0) != 0 || count(1) != 0 || active() != 0) VMAT.init(mem, pa);
    }

    // ---- the list algebra ----------------------------------------------------------------------------------

    /** l without the pages of [a, b): VMAs that straddle a bound are cut. */
    public static List<Vma> remove(List<Vma> l, long a, long b) {
        List<Vma> out = new ArrayList<>(l.size() + 1);
        for (Vma v : l) {
            if (v.end() <= a || v.start() >= b) {
                out.add(v);
                continue;
            }
            if (v.start() < a) out.add(v.slice(v.start(), a));
            if (v.end() > b) out.add(v.slice(b, v.end()));
        }
        return out;
    }

    /** l with n added (n must not overlap any), sorted, merged with neighbours that continue it. */
    public static List<Vma> insert(List<Vma> l, Vma n) {
        List<Vma> out = new ArrayList<>(l.size() + 1);
        boolean placed = false;
        for (Vma v : l) {
            if (!placed && v.start() >= n.end()) {
                out.add(n);
                placed = true;
            }
            out.add(v);
        }
        if (!placed) out.add(n);
        return merge(out);
    }

    /** Neighbours that continue each other made one. */
    public static List<Vma> merge(List<Vma> l) {
        List<Vma> out = new ArrayList<>(l.size());
        for (Vma v : l) {
            Vma last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.continuedBy(v)) {
                out.set(out.size() - 1, new Vma(last.start(), v.end(), last.offset(), last.prot(), last.flags(), last.ino()));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    /** l with the pages of [a, b) given protection prot (they must all be mapped). */
    public static List<Vma> protect(List<Vma> l, long a, long b, int prot) {
        List<Vma> out = new ArrayList<>(l.size() + 2);
        for (Vma v : l) {
            if (v.end() <= a || v.start() >= b) {
                out.add(v);
                continue;
            }
            if (v.start() < a) out.add(v.slice(v.start(), a));
            out.add(v.slice(Math.max(a, v.start()), Math.min(b, v.end())).withProt(prot));
            if (v.end() > b) out.add(v.slice(b, v.end()));
        }
        return merge(out);
    }

    /**
     * Whether va lies in a shared anonymous mapping of l (MAP_SHARED|MAP_ANONYMOUS): its frames are shared writable
     * by the processes that fork passed them to, never copied on write.
     */
    public static boolean sharedAnon(List<Vma> l, long va) {
        for (Vma v : l) if (v.contains(va)) return v.shared() && !v.file();
        return false;
    }

    /** Whether every page of [a, b) lies in some VMA of l. */
    public static boolean covers(List<Vma> l, long a, long b) {
        long at = a;
        for (Vma v : l) {
            if (v.end() <= at) continue;
            if (v.start() > at) return false;
            at = v.end();
            if (at >= b) return true;
        }
        return at >= b;
    }

    /** Whether some VMA of l meets [a, b). */
    public static boolean overlaps(List<Vma> l, long a, long b) {
        for (Vma v : l) if (v.start() < b && a < v.end()) return true;
        return false;
    }

    /**
     * Where a new mapping of len bytes goes: at hint if [hint, hint + len) is free and inside [lo, hi), else the
     * highest free range below hi (top down, as Linux places mmap), never below lo. -1 if none.
     */
    public static long gap(List<Vma> l, long len, long hint, long lo, long hi) {
        if (hint != 0 && hint >= lo && hint <= hi - len && !overlaps(l, hint, hint + len)) return hint;
        long top = hi; // the lowest start of a VMA above the gap looked at, or hi
        for (int i = l.size() - 1; i >= -1; i--) {
            long bottom = i >= 0 ? Math.max(l.get(i).end(), lo) : lo;
            if (top > bottom && top - bottom >= len) return top - len;
            if (i >= 0) top = Math.min(top, l.get(i).start());
            if (top <= lo) return -1;
        }
        return -1;
    }

    /** Problems of a list read from a dead kernel: bounds, order, overlap, flags. Empty when it is sane. */
    public static List<String> check(List<Vma> l) {
        List<String> p = new ArrayList<>();
        long prevEnd = 0;
        for (int i = 0; i < l.size(); i++) {
            Vma v = l.get(i);
            if (v.start() >= v.end() || v.start() % Sv39.PAGE_SIZE != 0 || v.end() % Sv39.PAGE_SIZE != 0
                    || !Sv39.isUserRange(v.start(), v.end() - v.start())) {
                p.add(String.format("vma %d [0x%x, 0x%x) invalid", i, v.start(), v.end()));
                continue;
            }
            if (v.start() < prevEnd) p.add(String.format("vma %d at 0x%x overlaps the one before", i, v.start()));
            prevEnd = v.end();
            if ((v.prot() & ~7) != 0 || (v.flags() & ~VM_ALL) != 0) p.add("vma " + i + ": protection or flags invalid");
            if (v.file() && (v.ino() <= 0 || v.offset() < 0 || v.offset() % Sv39.PAGE_SIZE != 0)) {
                p.add("vma " + i + ": file mapping without a file");
            }
        }
        return p;
    }
}
