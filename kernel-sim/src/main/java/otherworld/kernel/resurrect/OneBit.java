package otherworld.kernel.resurrect;

import java.util.function.Predicate;

import otherworld.kernel.mem.KMem;

/**
 * A record of the dead kernel that fails its own check, taken back when exactly one flipped bit explains it. The
 * kernel keeps every record valid at every write, so a record hit by one flipped bit was valid before: the flip that
 * undoes it is among the single flips that make the record valid again. When that flip is the only one, it is the
 * one that happened, and the record is taken with it undone; when none or several are, nothing is guessed and the
 * record stays as it is (refused, or not trusted, as before). Only the crash kernel's copy changes (rule 3).
 */
final class OneBit {
    private OneBit() { }

    /**
     * The bit of the fields at pa (byte ranges {from, to, from, to, ...} from pa) whose flip alone makes ok accept the
     * view, flipped in copy (the overlay over that memory), and its index from pa; -1 if ok accepts it as it is, or no
     * single flip or more than one does. Only fields whose sound values are few are given: a field any non-negative
     * value fits (an offset) would take any negative value back by its sign bit, a wild write's as well as a flip's.
     */
    static int undo(OverlayMem copy, long pa, int[] fields, Predicate<KMem> ok) {
        if (ok.test(copy)) return -1;
        int found = -1;
        for (int r = 0; r < fields.length; r += 2) {
            for (int bit = fields[r] * 8; bit < fields[r + 1] * 8; bit++) {
                flip(copy, pa, bit);
                boolean good = ok.test(copy);
                flip(copy, pa, bit);
                if (!good) continue;
                if (found >= 0) return -1; // two explanations: not guessed
                found = bit;
            }
        }
        if (found >= 0) flip(copy, pa, found);
        return found;
    }

    private static void flip(OverlayMem copy, long pa, int bit) {
        long a = pa + bit / 8;
        copy.w8(a, copy.r8(a) ^ (1 << (bit % 8)));
    }
}
