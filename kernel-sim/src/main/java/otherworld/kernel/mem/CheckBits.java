package otherworld.kernel.mem;

/**
 * The enhanced mode's integrity code: eight check bits for every 64-bit word, the (72,64) Hamming code with an
 * overall parity bit that ECC memory uses (single error correcting, double error detecting). Data bit i sits at
 * position {@code POS[i]} of the code word (positions 1..71 that are not powers of two); check bit k is the parity of
 * the data bits whose position has bit k set; bit 7 makes the parity of all 72 bits even.
 *
 * <p>Reading a word with its stored check byte gives a syndrome: 0 when they agree; a data bit, a check bit, or a
 * detected error of two bits (or more) otherwise. An odd number of three or more flipped bits can look like one (as
 * in any SEC-DED code): the crash kernel reports every correction it makes.
 */
public final class CheckBits {
    private CheckBits() { }

    /** Position in the code word of data bit i. */
    private static final int[] POS = new int[64];
    /** Data bit at each position (-1: a check-bit position or beyond). */
    private static final int[] BIT_AT = new int[128];
    /** MASK[k]: the data bits that check bit k covers. */
    private static final long[] MASK = new long[7];

    static {
        java.util.Arrays.fill(BIT_AT, -1);
        int i = 0;
        for (int p = 1; i < 64; p++) {
            if (Integer.bitCount(p) == 1) continue;
            POS[i] = p;
            BIT_AT[p] = i;
            for (int k = 0; k < 7; k++) if ((p >>> k & 1) != 0) MASK[k] |= 1L << i;
            i++;
        }
    }

    /** The check byte of v, from its definition. */
    static int slowOf(long v) {
        int c = 0;
        for (int k = 0; k < 7; k++) c |= (Long.bitCount(v & MASK[k]) & 1) << k;
        int parity = (Long.bitCount(v) + Integer.bitCount(c)) & 1;
        return c | parity << 7;
    }

    /** BYTE[8 * b + i]: the check byte of byte value b at byte i of a word (the code is linear: XOR them). */
    private static final byte[] BYTE = new byte[256 * 8];

    static {
        for (int b = 0; b < 256; b++) for (int i = 0; i < 8; i++) BYTE[8 * b + i] = (byte) slowOf((long) b << (8 * i));
    }

    /** The check byte of v (the XOR of its bytes' check bytes: the code, the parity bit with it, is linear). */
    public static int of(long v) {
        int c = 0;
        for (int i = 0; i < 8; i++, v >>>= 8) c ^= BYTE[8 * (int) (v & 0xFF) + i];
        return c & 0xFF;
    }

    /** What a word and its stored check byte say. */
    public enum Verdict { SOUND, DATA_BIT, CHECK_BIT, UNCORRECTABLE }

    /** The verdict on word v read with stored check byte c. */
    public static Verdict judge(long v, int c) {
        int s = syndrome(v, c);
        if (s == 0) return Verdict.SOUND;
        boolean odd = (s & 0x100) != 0;
        int pos = s & 0x7F;
        if (!odd) return Verdict.UNCORRECTABLE; // two bits (or an even number) flipped
        if (pos == 0 || Integer.bitCount(pos) == 1) return Verdict.CHECK_BIT;
        return BIT_AT[pos] >= 0 ? Verdict.DATA_BIT : Verdict.UNCORRECTABLE;
    }

    /**
     * The two check bytes a word of the kernel's structures has: its SEC-DED byte ({@link #of}), and a hash byte that
     * vouches for a correction. SEC-DED takes a random value written over a word for one flipped bit about one time in
     * four; the hash then agrees with the "corrected" word only one time in 256.
     */
    public static int pair(long v) { return of(v) | hash(v) << 8; }

    /** An 8-bit hash of v (the top byte of a multiplication by an odd constant): independent of the Hamming code. */
    static int hash(long v) { return (int) ((v * 0x9E3779B97F4A7C15L) >>> 56); }

    /**
     * The verdict on v read with its stored pair: SEC-DED's, vouched for by the hash (a data bit only if the word with
     * it flipped back has the stored hash; a word SEC-DED finds sound or a check bit flipped only if v has it, or, for a
     * sound word, a hash one bit from it: that byte flipped).
     */
    public static Verdict judgePair(long v, int pair) {
        int c = pair & 0xFF, h = pair >>> 8 & 0xFF;
        return switch (judge(v, c)) {
            case SOUND -> hash(v) == h ? Verdict.SOUND : Integer.bitCount(hash(v) ^ h) == 1 ? Verdict.CHECK_BIT : Verdict.UNCORRECTABLE;
            case DATA_BIT -> hash(v ^ (1L << flippedBit(v, c))) == h ? Verdict.DATA_BIT : Verdict.UNCORRECTABLE;
            case CHECK_BIT -> hash(v) == h ? Verdict.CHECK_BIT : Verdict.UNCORRECTABLE;
            case UNCORRECTABLE -> Verdict.UNCORRECTABLE;
        };
    }

    /** The data bit that, flipped back, makes v agree with its pair; -1 when none does. */
    public static int flippedBitPair(long v, int pair) {
        return judgePair(v, pair) == Verdict.DATA_BIT ? flippedBit(v, pair & 0xFF) : -1;
    }

    /** The data bit that, flipped back, makes v agree with c; -1 when none does ({@link #judge} is not DATA_BIT). */
    public static int flippedBit(long v, int c) {
        return judge(v, c) == Verdict.DATA_BIT ? BIT_AT[syndrome(v, c) & 0x7F] : -1;
    }

    /** Bits 6..0: the Hamming syndrome (a position); bit 8: the overall parity disagrees. 0: v and c agree. */
    private static int syndrome(long v, int c) {
        int d = (of(v) ^ c) & 0xFF;
        int odd = (Long.bitCount(v) + Integer.bitCount(c & 0xFF)) & 1;
        return (d & 0x7F) | odd << 8;
    }
}
