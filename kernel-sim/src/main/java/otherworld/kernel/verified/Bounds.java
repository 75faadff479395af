package otherworld.kernel.verified;

/**
 * Checks the crash kernel applies to every number it reads from a dead kernel:
 * ranges inside regions, alignment, magic and version, indices. Every check is
 * total (defined for all inputs) and free of overflow.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public final class Bounds {

    private Bounds() {
    }

    /**
     * Whether [p, p+len) lies inside [base, base+size), all four non-negative and
     * base+size not past Long.MAX_VALUE; computed without overflow for every input.
     */
    /*@ public normal_behavior
      @   ensures \result <==> (p >= 0 && len >= 0 && base >= 0 && size >= 0
      @                        && size <= Long.MAX_VALUE - base
      @                        && base <= p && len <= size && p - base <= size - len);
      @   ensures \result ==> (base <= p && p + len <= base + size
      @                        && p + len >= p && base + size >= base);
      @   assignable \nothing;
      @*/
    public static boolean inRegion(long p, long len, long base, long size) {
        if (p < 0 || len < 0 || base < 0 || size < 0) {
            return false;
        }
        if (size > Long.MAX_VALUE - base) {
            return false; // the region's end is not a long
        }
        if (p < base || len > size) {
            return false;
        }
        // both differences are of non-negative numbers in range, so they cannot overflow
        return p - base <= size - len;
    }

    /** Whether {@code v} is a multiple of {@code alignment} (for a power of two: v & (alignment-1) == 0). */
    /*@ public normal_behavior
      @   requires alignment > 0;
      @   ensures \result <==> v % alignment == 0;
      @   assignable \nothing;
      @*/
    public static boolean isAligned(long v, long alignment) {
        return v % alignment == 0;
    }

    /** Whether a structure's magic matches and its version lies in [minVersion, maxVersion]. */
    /*@ public normal_behavior
      @   ensures \result <==> (found == expected && minVersion <= foundVersion && foundVersion <= maxVersion);
      @   assignable \nothing;
      @*/
    public static boolean magicOk(int found, int expected, int foundVersion, int minVersion, int maxVersion) {
        return found == expected && minVersion <= foundVersion && foundVersion <= maxVersion;
    }

    /** Whether {@code i} is a valid index into a table of {@code n} entries. */
    /*@ public normal_behavior
      @   ensures \result <==> (0 <= i && i < n);
      @   assignable \nothing;
      @*/
    public static boolean indexOk(long i, long n) {
        return 0 <= i && i < n;
    }
}
