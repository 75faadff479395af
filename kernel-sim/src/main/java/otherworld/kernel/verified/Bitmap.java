package otherworld.kernel.verified;

/**
 * Bit operations of the frame allocator: a bitmap of {@code nbits} bits kept in
 * {@code long} words, bit {@code i} being bit {@code i % 64} of word {@code i / 64}.
 * A set bit means "in use".
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md). KeY
 * evaluates JML arithmetic in \bigint, where shifts and masks are not defined, so
 * the contracts name Java's long operations directly: {@code \dl_javaShiftLeftLong(1, j)}
 * is {@code 1L << j}, {@code \dl_javaBitwiseAndLong(w, m)} is {@code w & m},
 * {@code \dl_javaBitwiseOrLong} is {@code |} and {@code \dl_javaBitwiseNegateLong} is {@code ~}.
 */
public final class Bitmap {

    private Bitmap() {
    }

    /** Bits in a word. */
    public static final int WORD_BITS = 64;

    /** Whether bit {@code bit} of {@code word} is set. */
    /*@ public normal_behavior
      @   requires 0 <= bit && bit < 64;
      @   ensures \result <==> \dl_javaBitwiseAndLong(word, \dl_javaShiftLeftLong(1, bit)) != 0;
      @   assignable \nothing;
      @*/
    public static boolean test(long word, int bit) {
        return (word & (1L << bit)) != 0;
    }

    /*@ // Bit j of the bitmap is set: bit j % 64 of word j / 64. bit's contract and findClearRun's name it, so that
      @ // findClearRun's proof, run without class axioms (proofs/src/test/resources/key-strategy.txt), sees each bit
      @ // as one atom and no division.
      @ public static model boolean isSet(long[] words, \bigint j) {
      @   return \dl_javaBitwiseAndLong(words[j / 64], \dl_javaShiftLeftLong(1, j % 64)) != 0;
      @ }
      @*/

    /** Whether bit {@code i} of the bitmap is set. */
    /*@ public normal_behavior
      @   requires words != null && 0 <= i && i < words.length * 64L;
      @   ensures \result == isSet(words, i);
      @   assignable \strictly_nothing;
      @*/
    public static boolean bit(long[] words, int i) {
        return (words[i / 64] & (1L << (i % 64))) != 0;
    }

    /** {@code word} with bit {@code bit} set. */
    /*@ public normal_behavior
      @   requires 0 <= bit && bit < 64;
      @   ensures \result == \dl_javaBitwiseOrLong(word, \dl_javaShiftLeftLong(1, bit));
      @   assignable \nothing;
      @*/
    public static long set(long word, int bit) {
        return word | (1L << bit);
    }

    /**
     * {@code word} with bit {@code bit} cleared: word & ~(1L << bit), written with
     * -1L - m for ~m because KeY 2.12 does not execute {@code ~} on a long.
     */
    /*@ public normal_behavior
      @   requires 0 <= bit && bit < 64;
      @   ensures \result == \dl_javaBitwiseAndLong(word, \dl_javaSubLong(-1, \dl_javaShiftLeftLong(1, bit)));
      @   assignable \nothing;
      @*/
    public static long clear(long word, int bit) {
        return word & (-1L - (1L << bit));
    }

    /**
     * The lowest clear bit of {@code word} at or above {@code from}, or -1 if bits
     * from .. 63 are all set (always -1 for from == 64).
     */
    /*@ public normal_behavior
      @   requires 0 <= from && from <= 64;
      @   ensures \result == -1 || (from <= \result && \result < 64);
      @   ensures \result == -1 ==> (\forall int j; from <= j && j < 64; \dl_javaBitwiseAndLong(word, \dl_javaShiftLeftLong(1, j)) != 0);
      @   ensures \result >= 0 ==> \dl_javaBitwiseAndLong(word, \dl_javaShiftLeftLong(1, \result)) == 0;
      @   ensures \result >= 0 ==> (\forall int j; from <= j && j < \result; \dl_javaBitwiseAndLong(word, \dl_javaShiftLeftLong(1, j)) != 0);
      @   assignable \nothing;
      @*/
    public static int lowestClear(long word, int from) {
        /*@ loop_invariant from <= i && i <= 64;
          @ loop_invariant (\forall int j; from <= j && j < i; \dl_javaBitwiseAndLong(word, \dl_javaShiftLeftLong(1, j)) != 0);
          @ assignable \strictly_nothing;
          @ decreases 64 - i;
          @*/
        for (int i = from; i < 64; i++) {
            if ((word & (1L << i)) == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index of {@code run} consecutive clear bits, all below {@code nbits},
     * or -1 if there is none. Sound (the bits found are clear) and complete (every
     * earlier window of run bits, or every window when -1, holds a set bit). "The window at s
     * holds a set bit" is written "bit s is set, or a later bit of the window" (the same, as
     * run >= 1): KeY finds the window a quantifier is needed at through the term isSet(words, s).
     */
    /*@ public normal_behavior
      @   requires words != null;
      @   requires 0 <= nbits && nbits <= words.length * 64L;
      @   requires run >= 1;
      @   ensures -1 <= \result && \result < nbits;
      @   ensures \result >= 0 ==> \result + run <= nbits;
      @   ensures \result >= 0 ==> (\forall \bigint j; \result <= j && j < \result + run; !isSet(words, j));
      @   ensures \result >= 0 ==> (\forall \bigint s; 0 <= s && s < \result;
      @                                (isSet(words, s) || (\exists \bigint j; s < j && j < s + run; isSet(words, j))));
      @   ensures \result == -1 ==> (\forall \bigint s; 0 <= s && s + run <= nbits;
      @                                (isSet(words, s) || (\exists \bigint j; s < j && j < s + run; isSet(words, j))));
      @   assignable \nothing;
      @*/
    public static int findClearRun(long[] words, int nbits, int run) {
        int start = 0; // where the clear bits before i begin: 0, or just after a set bit
        /*@ loop_invariant 0 <= start && start <= i && i <= nbits && i - start < run;
          @ loop_invariant (\forall \bigint j; start <= j && j < i; !isSet(words, j));
          @ loop_invariant start == 0 || isSet(words, start - 1);
          @ loop_invariant (\forall \bigint s; 0 <= s && s + run <= i;
          @                   (isSet(words, s) || (\exists \bigint j; s < j && j < s + run; isSet(words, j))));
          @ assignable \strictly_nothing;
          @ decreases nbits - i;
          @*/
        for (int i = 0; i < nbits; i++) {
            if (bit(words, i)) {
                start = i + 1;
            } else if (i + 1 - start == run) {
                return start;
            }
        }
        return -1;
    }

    /** The number of set bits among bits 0 .. nbits-1. */
    /*@ public normal_behavior
      @   requires words != null;
      @   requires 0 <= nbits && nbits <= words.length * 64L;
      @   ensures 0 <= \result && \result <= nbits;
      @   ensures \result == (\num_of int j; 0 <= j && j < nbits; \dl_javaBitwiseAndLong(words[j / 64], \dl_javaShiftLeftLong(1, j % 64)) != 0);
      @   assignable \nothing;
      @*/
    public static int countSet(long[] words, int nbits) {
        int count = 0;
        /*@ loop_invariant 0 <= i && i <= nbits;
          @ loop_invariant 0 <= count && count <= i;
          @ loop_invariant count == (\num_of int j; 0 <= j && j < i; \dl_javaBitwiseAndLong(words[j / 64], \dl_javaShiftLeftLong(1, j % 64)) != 0);
          @ assignable \strictly_nothing;
          @ decreases nbits - i;
          @*/
        for (int i = 0; i < nbits; i++) {
            if ((words[i / 64] & (1L << (i % 64))) != 0) {
                count = count + 1;
            }
        }
        return count;
    }
}
