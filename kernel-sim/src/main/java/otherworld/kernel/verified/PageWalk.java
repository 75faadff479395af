package otherworld.kernel.verified;

/**
 * The crash kernel's walk over a dead process's Sv39 page tables. The tables
 * are whatever the dead kernel left in RAM, so the walk trusts nothing it
 * reads: it reads only inside RAM, reads a table only after checking that its
 * frame may hold one and that it has not met that table before (a cycle, or a
 * table shared), ends after the three levels of Sv39 on every input, and
 * accepts a leaf only if it maps a user page of the lower half onto a frame a
 * process may own.
 *
 * <p>Which frames those are is a map with one entry a frame of RAM, frame f
 * being the page at base + 4096 f: {@link #USER} (a process's page or table)
 * or {@link #KERNEL} (the root area, the kernel's structures, the crash
 * region). The crash kernel builds it with {@link #mark}; the walk works in
 * frame numbers, so that no bound it proves needs a division. Written in the Java subset KeY 2.12 proves (see
 * proofs/README.md).
 */
public final class PageWalk {

    private PageWalk() {
    }

    /** A frame a process may own: one of its pages or page tables. */
    public static final int USER = 0;
    /** A frame of the kernel: never a process's page, never a process's table. */
    public static final int KERNEL = 1;

    // reasons from walk: where[0] is the virtual address, where[1] the physical address concerned
    /** The root named by satp cannot hold a page table. */
    public static final int BAD_ROOT = -1;
    /** A valid entry of the root above index 255: a mapping above the user half. */
    public static final int ABOVE_USER = -2;
    /** A table entry points to a frame that cannot hold a page table. */
    public static final int BAD_TABLE = -3;
    /** A table entry is a leaf: a superpage, which this kernel never makes. */
    public static final int SUPERPAGE = -4;
    /** A table reached twice: a cycle, or a table shared. */
    public static final int TWICE = -5;
    /** A leaf points to a frame a process cannot own. */
    public static final int BAD_FRAME = -6;
    /** A last-level entry that is not a user leaf (no R, W or X; or no U). */
    public static final int NOT_USER_LEAF = -7;
    /** More leaves than the output has room for. */
    public static final int TOO_MANY = -8;

    /** Bytes a level-2 entry maps (1 GiB). */
    public static final long L2_SPAN = 1073741824L;
    /** Bytes a level-1 entry maps (2 MiB). */
    public static final long L1_SPAN = 2097152L;

    /**
     * Marks the frames [from, to) of the map as {@code kind}; frames outside the
     * map are ignored, and every other entry is left as it was.
     */
    /*@ public normal_behavior
      @   requires kinds != null;
      @   ensures (\forall int f; 0 <= f && f < kinds.length && from <= f && f < to; kinds[f] == kind);
      @   ensures (\forall int f; 0 <= f && f < kinds.length && (f < from || f >= to); kinds[f] == \old(kinds[f]));
      @   assignable kinds[*];
      @*/
    public static void mark(int[] kinds, long from, long to, int kind) {
        int lo = 0;
        if (from > 0) {
            lo = from < kinds.length ? (int) from : kinds.length;
        }
        int hi = kinds.length;
        if (to < kinds.length) {
            hi = to > lo ? (int) to : lo;
        }
        /*@ loop_invariant lo <= f && f <= hi;
          @ loop_invariant (\forall int g; lo <= g && g < f; kinds[g] == kind);
          @ loop_invariant (\forall int g; 0 <= g && g < kinds.length && (g < lo || g >= f); kinds[g] == \old(kinds[g]));
          @ assignable kinds[*];
          @ decreases hi - f;
          @*/
        for (int f = lo; f < hi; f++) {
            kinds[f] = kind;
        }
    }

    /** Records a failure at (va, pa) in where[0 .. 2) and returns reason. */
    /*@ public normal_behavior
      @   requires where != null && where.length >= 2;
      @   ensures \result == reason && where[0] == va && where[1] == pa;
      @   assignable where[0], where[1];
      @*/
    public static int fail(long[] where, long va, long pa, int reason) {
        where[0] = va;
        where[1] = pa;
        return reason;
    }

    /**
     * Records a failure at virtual address va on the entry pte (where[1] is the physical address pte names) and
     * returns reason. The contract gives where[1]'s range only, so that the loops' proofs do not see the entry's bit
     * arithmetic; the unit tests check its value.
     */
    /*@ public normal_behavior
      @   requires where != null && where.length >= 2;
      @   ensures \result == reason && where[0] == va && 0 <= where[1] && where[1] < Sv39.PPN_LIMIT * 4096;
      @   assignable where[0], where[1];
      @*/
    public static int failAt(long[] where, long va, long pte, int reason) {
        return fail(where, va, Sv39.paOf(Sv39.ptePpn(pte)), reason);
    }

    /**
     * Enters the table on frame {@code f} (relative to RAM) named by the entry
     * {@code pte}: 0 if f is a frame of RAM a process may own, pte is not a
     * leaf, and f was not entered before (now marked in seen); else BAD_TABLE,
     * SUPERPAGE or TWICE.
     */
    /*@ public normal_behavior
      @   requires kinds != null && seen != null && seen.length >= kinds.length;
      @   ensures \result == 0 || \result == BAD_TABLE || \result == SUPERPAGE || \result == TWICE;
      @   ensures \result == 0 ==> 0 <= f && f < kinds.length && kinds[(int) f] == USER && !\old(seen[(int) f]);
      @   ensures \result == 0 ==> seen[(int) f];
      @   assignable seen[*];
      @*/
    public static int enter(long pte, long f, int[] kinds, boolean[] seen) {
        if (f < 0 || f >= kinds.length) {
            return BAD_TABLE;
        }
        if (kinds[(int) f] != USER) {
            return BAD_TABLE;
        }
        if (Sv39.isLeaf(pte)) {
            return SUPERPAGE;
        }
        if (seen[(int) f]) {
            return TWICE;
        }
        seen[(int) f] = true;
        return 0;
    }

    /**
     * Walks the three levels of the table at physical page {@code rootPpn} (its
     * frame checked first). Returns the number n of user pages mapped, page k
     * at virtual address va[k] on frame[k] (relative to RAM: physical address
     * mem.base + 4096 frame[k]) with the PTE's flags in flags[k], in increasing
     * virtual address; or a negative reason, with where[0 .. 2) the virtual and
     * physical address concerned. Tables met are marked in seen, which should be
     * all false. The walk accepts a leaf only with V, U and one of R, W, X set
     * (the unit tests check it; the contract states the flags' range).
     *
     * <p>RAM's base is page aligned (frame f is then physical page base / 4096 + f);
     * the contract holds for any base. It states what the crash kernel relies on: every read inside
     * RAM (the precondition of {@link PhysWords#r64}), an end on every input,
     * and every page on a frame of RAM that the map calls {@link #USER}.
     */
    /*@ public normal_behavior
      @   requires mem != null && kinds != null && seen != null && va != null && frame != null && flags != null;
      @   requires where != null && where.length >= 2;
      @   requires va != where && frame != flags && frame != kinds && flags != kinds;
      @   requires frame.length == va.length && flags.length == va.length;
      @   requires 0 <= mem.base && 0 <= mem.size && mem.size <= Long.MAX_VALUE - mem.base;
      @   requires kinds.length * 4096L <= mem.size && seen.length >= kinds.length;
      @   ensures \result >= TOO_MANY && \result <= va.length;
      @   ensures (\forall \bigint k; 0 <= k && k < \result;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   assignable seen[*], va[*], frame[*], flags[*], where[*];
      @*/
    public static int walk(PhysWords mem, long rootPpn, int[] kinds, boolean[] seen,
                           long[] va, int[] frame, int[] flags, long[] where) {
        long ramBase = mem.base;
        long baseFrame = ramBase / 4096;
        where[0] = 0;
        where[1] = rootPpn;
        long f2 = rootPpn - baseFrame;
        if (rootPpn < 0 || enter(0, f2, kinds, seen) != 0) {
            return BAD_ROOT;
        }
        int root = (int) f2;
        int n = 0;
        /*@ loop_invariant 0 <= i2 && i2 <= 512 && 0 <= n && n <= va.length;
          @ loop_invariant (\forall \bigint k; 0 <= k && k < n;
          @      0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
          @      && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
          @      && 0 <= flags[k] && flags[k] < 256);
          @ assignable seen[*], va[*], frame[*], flags[*], where[*];
          @ decreases 512 - i2;
          @*/
        for (int i2 = 0; i2 < 512; i2++) {
            long pte2 = entry(mem, root, i2);
            if (Sv39.isValid(pte2)) {
                long va2 = i2 * L2_SPAN;
                if (i2 >= 256) {
                    return fail(where, va2, 0, ABOVE_USER);
                }
                int f1 = table(pte2, baseFrame, kinds, seen);
                if (f1 < 0) {
                    return failAt(where, va2, pte2, f1);
                }
                n = middle(mem, baseFrame, f1, va2, kinds, seen, va, frame, flags, where, n);
                if (n < 0) {
                    return n;
                }
            }
        }
        return n;
    }

    /**
     * The level-1 table on frame {@code f1} (entered already), mapping [va2, va2 + 1 GiB): enters each of its
     * level-0 tables and collects their leaves after the {@code n} pages found before. Returns the new count, or
     * a negative reason with where[0 .. 2) set, as {@link #walk}.
     */
    /*@ public normal_behavior
      @   requires mem != null && kinds != null && seen != null && va != null && frame != null && flags != null;
      @   requires where != null && where.length >= 2;
      @   requires va != where && frame != flags && frame != kinds && flags != kinds;
      @   requires frame.length == va.length && flags.length == va.length;
      @   requires 0 <= mem.base && 0 <= mem.size && mem.size <= Long.MAX_VALUE - mem.base;
      @   requires kinds.length * 4096L <= mem.size && seen.length >= kinds.length;
      @   requires 0 <= f1 && f1 < kinds.length;
      @   requires 0 <= va2 && va2 <= Sv39.USER_VA_LIMIT - L2_SPAN;
      @   requires 0 <= n && n <= va.length;
      @   requires (\forall \bigint k; 0 <= k && k < n;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   ensures \result >= TOO_MANY && \result <= va.length;
      @   ensures (\forall \bigint k; 0 <= k && k < \result;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   assignable seen[*], va[*], frame[*], flags[*], where[*];
      @*/
    public static int middle(PhysWords mem, long baseFrame, int f1, long va2, int[] kinds, boolean[] seen,
                             long[] va, int[] frame, int[] flags, long[] where, int n) {
        /*@ loop_invariant 0 <= i1 && i1 <= 512 && 0 <= n && n <= va.length;
          @ loop_invariant (\forall \bigint k; 0 <= k && k < n;
          @      0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
          @      && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
          @      && 0 <= flags[k] && flags[k] < 256);
          @ assignable seen[*], va[*], frame[*], flags[*], where[*];
          @ decreases 512 - i1;
          @*/
        for (int i1 = 0; i1 < 512; i1++) {
            long pte1 = entry(mem, f1, i1);
            if (Sv39.isValid(pte1)) {
                long va1 = va2 + i1 * L1_SPAN;
                int f0 = table(pte1, baseFrame, kinds, seen);
                if (f0 < 0) {
                    return failAt(where, va1, pte1, f0);
                }
                n = leaves(mem, baseFrame, f0, va1, kinds, va, frame, flags, where, n);
                if (n < 0) {
                    return n;
                }
            }
        }
        return n;
    }

    /**
     * The last-level table on frame {@code f0} (entered already), mapping [va1, va1 + 2 MiB): appends its user
     * leaves after the {@code n} pages found before. Returns the new count, or a negative reason with where[0 .. 2)
     * set, as {@link #walk}.
     */
    /*@ public normal_behavior
      @   requires mem != null && kinds != null && va != null && frame != null && flags != null;
      @   requires where != null && where.length >= 2;
      @   requires va != where && frame != flags && frame != kinds && flags != kinds;
      @   requires frame.length == va.length && flags.length == va.length;
      @   requires 0 <= mem.base && 0 <= mem.size && mem.size <= Long.MAX_VALUE - mem.base;
      @   requires kinds.length * 4096L <= mem.size;
      @   requires 0 <= f0 && f0 < kinds.length;
      @   requires 0 <= va1 && va1 <= Sv39.USER_VA_LIMIT - L1_SPAN;
      @   requires 0 <= n && n <= va.length;
      @   requires (\forall \bigint k; 0 <= k && k < n;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   ensures \result >= TOO_MANY && \result <= va.length;
      @   ensures (\forall \bigint k; 0 <= k && k < \result;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   assignable va[*], frame[*], flags[*], where[*];
      @*/
    public static int leaves(PhysWords mem, long baseFrame, int f0, long va1, int[] kinds,
                             long[] va, int[] frame, int[] flags, long[] where, int n) {
        /*@ loop_invariant 0 <= i0 && i0 <= 512 && 0 <= n && n <= va.length;
          @ loop_invariant (\forall \bigint k; 0 <= k && k < n;
          @      0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
          @      && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
          @      && 0 <= flags[k] && flags[k] < 256);
          @ assignable va[*], frame[*], flags[*], where[*];
          @ decreases 512 - i0;
          @*/
        for (int i0 = 0; i0 < 512; i0++) {
            long pte0 = entry(mem, f0, i0);
            if (Sv39.isValid(pte0)) {
                long v = va1 + i0 * 4096L;
                int f = leaf(pte0, baseFrame, kinds);
                if (f < 0) {
                    return failAt(where, v, pte0, f);
                }
                if (n >= va.length) {
                    return failAt(where, v, pte0, TOO_MANY);
                }
                put(va, frame, flags, kinds, n, v, f, pte0);
                n = n + 1;
            }
        }
        return n;
    }

    /**
     * The frame (relative to RAM) of the page that the valid last-level entry {@code pte0} maps, if the map calls
     * it {@link #USER} and the entry is a user leaf (R, W or X set, and U); else {@link #BAD_FRAME} or, on a frame a
     * process may own, {@link #NOT_USER_LEAF}. A method of its own so that the leaf loop's proof sees this range, not
     * the bit arithmetic.
     */
    /*@ public normal_behavior
      @   requires kinds != null;
      @   ensures \result == BAD_FRAME || \result == NOT_USER_LEAF
      @        || (0 <= \result && \result < kinds.length && kinds[\result] == USER);
      @   assignable \nothing;
      @*/
    public static int leaf(long pte0, long baseFrame, int[] kinds) {
        long f = Sv39.ptePpn(pte0) - baseFrame;
        if (f < 0 || f >= kinds.length || kinds[(int) f] != USER) {
            return BAD_FRAME;
        }
        if (!Sv39.isLeaf(pte0) || !Sv39.hasFlag(Sv39.pteFlags(pte0), Sv39.PTE_U)) {
            return NOT_USER_LEAF;
        }
        return (int) f;
    }

    /**
     * Appends page n of the walk's output: virtual address v on frame f with the flags of the entry pte. A method of
     * its own so that the leaf loop's proof sees the output's invariant carried over, not three array writes and the
     * flags' arithmetic.
     */
    /*@ public normal_behavior
      @   requires va != null && frame != null && flags != null && kinds != null;
      @   requires frame != flags && frame != kinds && flags != kinds;
      @   requires frame.length == va.length && flags.length == va.length;
      @   requires 0 <= n && n < va.length;
      @   requires 0 <= v && v < Sv39.USER_VA_LIMIT && 0 <= f && f < kinds.length && kinds[f] == USER;
      @   requires (\forall \bigint k; 0 <= k && k < n;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   ensures (\forall \bigint k; 0 <= k && k < n + 1;
      @        0 <= va[k] && va[k] < Sv39.USER_VA_LIMIT
      @        && 0 <= frame[k] && frame[k] < kinds.length && kinds[frame[k]] == USER
      @        && 0 <= flags[k] && flags[k] < 256);
      @   assignable va[n], frame[n], flags[n];
      @*/
    public static void put(long[] va, int[] frame, int[] flags, int[] kinds, int n, long v, int f, long pte) {
        va[n] = v;
        frame[n] = f;
        flags[n] = Sv39.pteFlags(pte);
    }

    /**
     * Entry i of the page table on frame f (relative to RAM): the one read of RAM the walk makes, at
     * base + 4096 f + 8 i, inside RAM. A method of its own so that the loops' proofs see its precondition, not the
     * address arithmetic.
     */
    /*@ public normal_behavior
      @   requires mem != null && 0 <= mem.base && 0 <= mem.size && mem.size <= Long.MAX_VALUE - mem.base;
      @   requires 0 <= f && f < 2147483647 && (f + 1) * 4096L <= mem.size;
      @   requires 0 <= i && i < 512;
      @   ensures true;
      @   assignable \nothing;
      @*/
    public static long entry(PhysWords mem, int f, int i) {
        return mem.r64(mem.base + f * 4096L + 8L * i);
    }

    /**
     * Enters the table that the valid entry {@code pte} names: its frame (relative to RAM) if {@link #enter}
     * accepts it (now marked in seen), else enter's reason (BAD_TABLE, SUPERPAGE or TWICE).
     */
    /*@ public normal_behavior
      @   requires kinds != null && seen != null && seen.length >= kinds.length;
      @   ensures \result == BAD_TABLE || \result == SUPERPAGE || \result == TWICE
      @        || (0 <= \result && \result < kinds.length && kinds[\result] == USER && !\old(seen[\result]) && seen[\result]);
      @   assignable seen[*];
      @*/
    public static int table(long pte, long baseFrame, int[] kinds, boolean[] seen) {
        long f = Sv39.ptePpn(pte) - baseFrame;
        int bad = enter(pte, f, kinds, seen);
        if (bad != 0) {
            return bad;
        }
        return (int) f;
    }
}
