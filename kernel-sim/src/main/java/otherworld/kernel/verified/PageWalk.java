package otherworld.kernel.verified;

/**
 * The crash kernel's walk over a dead process's Sv39 page tables. The tables
 * are whatever the dead kernel left in RAM, so the walk trusts nothing it
 * reads: it reads only inside RAM, reads a table only after checking that the
 * frame may hold one (a user frame, or a frame of the page-table pool) and that
 * it has not met that table before (a cycle, or a table shared), stops after
 * the three levels of Sv39 on every input, and accepts a leaf only if it maps a
 * user page of the lower half onto a frame that a process may own: inside RAM,
 * outside the root area, the kernel's region and the crash region.
 *
 * <p>The limits it checks frames against come in an array indexed by the
 * constants below. Written in the Java subset KeY 2.12 proves (see
 * proofs/README.md).
 */
public final class PageWalk {

    private PageWalk() {
    }

    /** Index in the limits: frames below this are the root area (never a process's). */
    public static final int USER_LOW = 0;
    /** Index in the limits: the kernel's region [base, base + size). */
    public static final int REGION_BASE = 1;
    public static final int REGION_SIZE = 2;
    /** Index in the limits: the crash region [base, base + size). */
    public static final int CRASH_BASE = 3;
    public static final int CRASH_SIZE = 4;
    /** Index in the limits: the page-table pool, where a crash kernel puts the tables it builds. */
    public static final int POOL_BASE = 5;
    public static final int POOL_SIZE = 6;
    /** Entries in the limits. */
    public static final int LIMITS = 7;

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
     * Whether [pa, pa + 4096) is a page of RAM [ramBase, ramBase + ramSize) that
     * a process may own: page aligned, at or above userLow, and outside the
     * kernel's region and the crash region (whose bounds must not be negative).
     * No overflow for any input.
     */
    /*@ public normal_behavior
      @   ensures \result <==> (0 <= ramBase && 0 <= ramSize && ramSize <= Long.MAX_VALUE - ramBase
      @        && ramBase <= pa && 4096 <= ramSize && pa - ramBase <= ramSize - 4096 && pa % 4096 == 0
      @        && pa >= userLow && 0 <= rBase && 0 <= rSize && 0 <= cBase && 0 <= cSize
      @        && (rBase - pa >= 4096 || pa - rBase >= rSize)
      @        && (cBase - pa >= 4096 || pa - cBase >= cSize));
      @   assignable \nothing;
      @*/
    public static boolean userFrame(long pa, long ramBase, long ramSize, long userLow,
                                    long rBase, long rSize, long cBase, long cSize) {
        if (!Bounds.inRegion(pa, 4096, ramBase, ramSize) || pa % 4096 != 0 || pa < userLow) {
            return false;
        }
        if (rBase < 0 || rSize < 0 || cBase < 0 || cSize < 0) {
            return false;
        }
        return outside(pa, rBase, rSize) && outside(pa, cBase, cSize);
    }

    /**
     * Whether the page at {@code pa} does not meet [start, start + size): it ends
     * at or before start, or begins at or after the end. All non-negative, so
     * neither difference overflows.
     */
    /*@ public normal_behavior
      @   requires 0 <= pa && 0 <= start && 0 <= size;
      @   ensures \result <==> (start - pa >= 4096 || pa - start >= size);
      @   assignable \nothing;
      @*/
    public static boolean outside(long pa, long start, long size) {
        return start - pa >= 4096 || pa - start >= size;
    }

    /**
     * Whether the frame at {@code pa} may hold a page table: a user frame, or a
     * page of RAM inside the pool [poolBase, poolBase + poolSize).
     */
    /*@ public normal_behavior
      @   requires lim != null && lim.length == LIMITS;
      @   requires_free (\forall int i; 0 <= i && i < LIMITS; Long.MIN_VALUE <= lim[i] && lim[i] <= Long.MAX_VALUE);
      @   ensures \result ==> (0 <= ramBase && ramBase <= pa && 4096 <= ramSize && pa - ramBase <= ramSize - 4096
      @        && ramSize <= Long.MAX_VALUE - ramBase && pa % 4096 == 0);
      @   assignable \nothing;
      @*/
    public static boolean tableFrame(long pa, long ramBase, long ramSize, long[] lim) {
        if (userFrame(pa, ramBase, ramSize, lim[USER_LOW], lim[REGION_BASE], lim[REGION_SIZE],
                lim[CRASH_BASE], lim[CRASH_SIZE])) {
            return true;
        }
        return Bounds.inRegion(pa, 4096, ramBase, ramSize) && pa % 4096 == 0
                && Bounds.inRegion(pa, 4096, lim[POOL_BASE], lim[POOL_SIZE]);
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
     * Enters the table at {@code t} named by the entry {@code pte}: 0 if t may
     * hold a table, pte is not a leaf, and t was not entered before (now marked
     * in seen, one flag a frame of RAM); else BAD_TABLE, SUPERPAGE or TWICE.
     */
    /*@ public normal_behavior
      @   requires lim != null && lim.length == LIMITS && seen != null;
      @   requires_free (\forall int i; 0 <= i && i < LIMITS; Long.MIN_VALUE <= lim[i] && lim[i] <= Long.MAX_VALUE);
      @   requires 0 <= ramSize && ramSize <= seen.length * 4096L;
      @   ensures \result == 0 || \result == BAD_TABLE || \result == SUPERPAGE || \result == TWICE;
      @   ensures \result == 0 ==> (0 <= ramBase && ramBase <= t && t - ramBase <= ramSize - 4096
      @        && ramSize <= Long.MAX_VALUE - ramBase);
      @   assignable seen[*];
      @*/
    public static int enter(long pte, long t, long ramBase, long ramSize, long[] lim, boolean[] seen) {
        if (!tableFrame(t, ramBase, ramSize, lim)) {
            return BAD_TABLE;
        }
        if (Sv39.isLeaf(pte)) {
            return SUPERPAGE;
        }
        int f = (int) ((t - ramBase) / 4096);
        if (seen[f]) {
            return TWICE;
        }
        seen[f] = true;
        return 0;
    }

    /**
     * Walks the three levels of the table at {@code root} (whose frame is checked
     * first). Returns the number n of user pages mapped, each as leaves[3k] its
     * virtual address, leaves[3k + 1] its frame and leaves[3k + 2] the PTE's
     * flags, in increasing virtual address (the walk accepts only V, U and one of
     * R, W, X set, which the unit tests check; the contract states the range); or a
     * negative reason, with where[0 .. 2) the virtual and physical address
     * concerned. Tables met are marked in seen (one flag a frame of RAM), which
     * should be all false. The contract states what the crash kernel relies on:
     * every read inside RAM (the precondition of {@link PhysWords#r64}), an end
     * on every input, and every page on a frame of RAM outside the root area, the
     * kernel's region and the crash region.
     */
    /*@ public normal_behavior
      @   requires mem != null && lim != null && seen != null && leaves != null && where != null;
      @   requires lim.length == LIMITS && where.length >= 2;
      @   requires_free (\forall int i; 0 <= i && i < LIMITS; Long.MIN_VALUE <= lim[i] && lim[i] <= Long.MAX_VALUE);
      @   requires lim != leaves && lim != where && leaves != where;
      @   requires 0 <= mem.base && 0 <= mem.size && mem.size <= Long.MAX_VALUE - mem.base;
      @   requires mem.size <= seen.length * 4096L;
      @   requires 0 <= lim[USER_LOW] && 0 <= lim[REGION_BASE] && 0 <= lim[REGION_SIZE]
      @         && 0 <= lim[CRASH_BASE] && 0 <= lim[CRASH_SIZE];
      @   ensures \result >= TOO_MANY && \result * 3L <= leaves.length;
      @   ensures (\forall int k; 0 <= k && k < \result;
      @        0 <= leaves[3 * k] && leaves[3 * k] < Sv39.USER_VA_LIMIT
      @        && mem.base <= leaves[3 * k + 1] && leaves[3 * k + 1] - mem.base <= mem.size - 4096 && leaves[3 * k + 1] >= lim[USER_LOW]
      @        && (lim[REGION_BASE] - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - lim[REGION_BASE] >= lim[REGION_SIZE])
      @        && (lim[CRASH_BASE] - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - lim[CRASH_BASE] >= lim[CRASH_SIZE])
      @        && 0 <= leaves[3 * k + 2] && leaves[3 * k + 2] < 256);
      @   assignable seen[*], leaves[*], where[*];
      @*/
    public static int walk(PhysWords mem, long root, long[] lim, boolean[] seen, long[] leaves, long[] where) {
        long ramBase = mem.base;
        long ramSize = mem.size;
        long userLow = lim[USER_LOW];
        long rBase = lim[REGION_BASE];
        long rSize = lim[REGION_SIZE];
        long cBase = lim[CRASH_BASE];
        long cSize = lim[CRASH_SIZE];
        where[0] = 0;
        where[1] = root;
        int bad = enter(0, root, ramBase, ramSize, lim, seen);
        if (bad != 0) {
            return BAD_ROOT;
        }
        int n = 0;
        /*@ loop_invariant 0 <= i2 && i2 <= 512 && 0 <= n && n * 3L <= leaves.length;
          @ loop_invariant (\forall int k; 0 <= k && k < n;
          @      0 <= leaves[3 * k] && leaves[3 * k] < Sv39.USER_VA_LIMIT
          @      && ramBase <= leaves[3 * k + 1] && leaves[3 * k + 1] - ramBase <= ramSize - 4096 && leaves[3 * k + 1] >= userLow
          @      && (rBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - rBase >= rSize)
          @      && (cBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - cBase >= cSize)
          @      && 0 <= leaves[3 * k + 2] && leaves[3 * k + 2] < 256);
          @ assignable seen[*], leaves[*], where[*];
          @ decreases 512 - i2;
          @*/
        for (int i2 = 0; i2 < 512; i2++) {
            long pte2 = mem.r64(root + 8L * i2);
            if (Sv39.isValid(pte2)) {
                long va2 = i2 * L2_SPAN;
                if (i2 >= 256) {
                    return fail(where, va2, 0, ABOVE_USER);
                }
                long t1 = Sv39.paOf(Sv39.ptePpn(pte2));
                bad = enter(pte2, t1, ramBase, ramSize, lim, seen);
                if (bad != 0) {
                    return fail(where, va2, t1, bad);
                }
                /*@ loop_invariant 0 <= i1 && i1 <= 512 && 0 <= n && n * 3L <= leaves.length;
                  @ loop_invariant (\forall int k; 0 <= k && k < n;
                  @      0 <= leaves[3 * k] && leaves[3 * k] < Sv39.USER_VA_LIMIT
                  @      && ramBase <= leaves[3 * k + 1] && leaves[3 * k + 1] - ramBase <= ramSize - 4096 && leaves[3 * k + 1] >= userLow
                  @      && (rBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - rBase >= rSize)
                  @      && (cBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - cBase >= cSize)
                  @      && 0 <= leaves[3 * k + 2] && leaves[3 * k + 2] < 256);
                  @ assignable seen[*], leaves[*], where[*];
                  @ decreases 512 - i1;
                  @*/
                for (int i1 = 0; i1 < 512; i1++) {
                    long pte1 = mem.r64(t1 + 8L * i1);
                    if (Sv39.isValid(pte1)) {
                        long va1 = va2 + i1 * L1_SPAN;
                        long t0 = Sv39.paOf(Sv39.ptePpn(pte1));
                        bad = enter(pte1, t0, ramBase, ramSize, lim, seen);
                        if (bad != 0) {
                            return fail(where, va1, t0, bad);
                        }
                        /*@ loop_invariant 0 <= i0 && i0 <= 512 && 0 <= n && n * 3L <= leaves.length;
                          @ loop_invariant (\forall int k; 0 <= k && k < n;
                          @      0 <= leaves[3 * k] && leaves[3 * k] < Sv39.USER_VA_LIMIT
                          @      && ramBase <= leaves[3 * k + 1] && leaves[3 * k + 1] - ramBase <= ramSize - 4096 && leaves[3 * k + 1] >= userLow
                          @      && (rBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - rBase >= rSize)
                          @      && (cBase - leaves[3 * k + 1] >= 4096 || leaves[3 * k + 1] - cBase >= cSize)
                          @      && 0 <= leaves[3 * k + 2] && leaves[3 * k + 2] < 256);
                          @ assignable seen[*], leaves[*], where[*];
                          @ decreases 512 - i0;
                          @*/
                        for (int i0 = 0; i0 < 512; i0++) {
                            long pte0 = mem.r64(t0 + 8L * i0);
                            if (Sv39.isValid(pte0)) {
                                long va = va1 + i0 * 4096L;
                                long pa = Sv39.paOf(Sv39.ptePpn(pte0));
                                if (!userFrame(pa, ramBase, ramSize, userLow, rBase, rSize, cBase, cSize)) {
                                    return fail(where, va, pa, BAD_FRAME);
                                }
                                int flags = Sv39.pteFlags(pte0);
                                if (!Sv39.isLeaf(pte0) || !Sv39.hasFlag(flags, Sv39.PTE_U)) {
                                    return fail(where, va, pa, NOT_USER_LEAF);
                                }
                                if (leaves.length / 3 <= n) {
                                    return fail(where, va, pa, TOO_MANY);
                                }
                                leaves[3 * n] = va;
                                leaves[3 * n + 1] = pa;
                                leaves[3 * n + 2] = flags;
                                n = n + 1;
                            }
                        }
                    }
                }
            }
        }
        return n;
    }
}
