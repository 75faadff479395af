package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.mm.Vmas;
import otherworld.kernel.verified.Bounds;

/**
 * A task's VMA table, read from the dead kernel and rebuilt in the new one. Valid: magic and version, a list in force
 * of at most MAX_VMAS sorted, disjoint, page-aligned user ranges with known protections and flags (a file mapping
 * names an inode), and every page the task maps inside one of them. The list not in force is checked too when the
 * task's committed call will put it in force (its tail is made again). Rebuilt as it was, both lists and which one is
 * in force, so that such a tail finds what it needs; a zombie's table is emptied.
 */
final class VmaImage {
    private VmaImage() { }

    /**
     * Problems of the table of slot; staged is the list a tail will put in force (-1: none); inForce the list that is
     * the task's (-1: the table's own {@code active}; an execve that committed: the list it staged). The list in force
     * is returned in active (cleared first).
     */
    static List<String> validate(KMem v, long tablesPa, int slot, List<long[]> leaves, int staged, int inForce,
                                 List<Vma> active) {
        List<String> p = new ArrayList<>();
        long t = tablesPa + (long) slot * VMAT.size();
        if (!Bounds.magicOk(v.r32(t), VMAT.magic, v.r32(t + 4), VMAT.version, VMAT.version)) {
            p.add("vma table: bad magic or version");
            return p;
        }
        int which = inForce >= 0 ? inForce : v.r32(t + VT_ACTIVE);
        if (which != 0 && which != 1) {
            p.add("vma table: list in force " + which + " invalid");
            return p;
        }
        List<Vma> l = list(v, t, which, p);
        if (l == null) return p;
        active.clear();
        active.addAll(l);
        if (staged == 0 || staged == 1) {
            List<String> q = new ArrayList<>();
            list(v, t, staged, q);
            for (String s : q) p.add("the list a committed call puts in force: " + s);
        }
        int i = 0;
        for (long[] leaf : leaves) { // both in increasing address order
            while (i < l.size() && l.get(i).end() <= leaf[0]) i++;
            if (i == l.size() || l.get(i).start() > leaf[0] || (l.get(i).flags() & VM_GUARD) != 0) {
                p.add(String.format("page 0x%x mapped outside every vma", leaf[0]));
                break;
            }
        }
        return p;
    }

    private static List<Vma> list(KMem v, long t, int which, List<String> p) {
        int n = v.r32(t + VT_COUNT + 4L * which);
        if (n < 0 || n > MAX_VMAS) {
            p.add("vma count " + n + " invalid");
            return null;
        }
        List<Vma> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(Vmas.read(v, Vmas.entry(t, which, i)));
        p.addAll(Vmas.check(l));
        return p.isEmpty() ? l : null;
    }

    /** The table of slot in the new kernel: a copy, or empty for a task that holds nothing. */
    static void rebuild(KMem v, DirectMem own, long deadTables, long newTables, int slot, boolean empty) {
        long nt = newTables + (long) slot * VMAT.size();
        if (empty) {
            VMAT.init(own, nt);
            return;
        }
        byte[] rec = new byte[VMAT.size()];
        v.read(deadTables + (long) slot * VMAT.size(), rec, 0, rec.length);
        own.write(nt, rec, 0, rec.length);
    }
}
