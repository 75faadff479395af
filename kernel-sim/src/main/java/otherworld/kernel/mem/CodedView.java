package otherworld.kernel.mem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The crash kernel's view of a dead enhanced-mode kernel: its memory as read through {@code dead} (read-only), with
 * every word of [base, end) whose check bytes ({@link CheckBits#judgePair}) say one data bit flipped read with that
 * bit flipped back. The words are
 * judged once, when the view is made; dead memory is never written (rule 3). A word that disagrees with its check
 * byte in a way one bit does not explain is read as it is, and listed ({@link #uncorrectable}). Writes go to the
 * read-only view beneath, which refuses them.
 */
public final class CodedView extends ForwardingMem {
    private final KMem dead;
    /** Corrected words: sorted addresses, and the value each is read as. */
    private final long[] at;
    private final long[] value;
    private final List<Long> uncorrectable = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private final long base, end, tableCodes, ramBase;
    private final List<String> tableNotes = new ArrayList<>();

    public CodedView(KMem dead, long base, long end, long codes) {
        this(dead, base, end, codes, 0, 0);
    }

    /** With the check bytes of page tables too (tableCodes, one a word of RAM from ramBase; 0: none). */
    public CodedView(KMem dead, long base, long end, long codes, long tableCodes, long ramBase) {
        super(dead);
        this.dead = dead;
        this.base = base;
        this.end = end;
        this.tableCodes = tableCodes;
        this.ramBase = ramBase;
        List<long[]> fixed = new ArrayList<>();
        int checkBits = 0;
        // four words share a word of check bytes: two or more of them that disagree say that word was hit (a wild
        // write there would otherwise "correct" sound words), so a word is judged only when it disagrees alone
        for (long g = base; g < end; g += CodedMem.GROUP) {
            long wrong = -1;
            int disagree = 0;
            for (long w = g; w < Math.min(g + CodedMem.GROUP, end); w += 8) {
                long v = dead.r64(w);
                int c = dead.r16(CodedMem.pairAt(codes, base, w));
                if ((v != 0 || c != 0) && CheckBits.judgePair(v, c) != CheckBits.Verdict.SOUND) { // 0 is 0's check bytes
                    wrong = w;
                    disagree++;
                }
            }
            if (disagree > 1) {
                notes.add(String.format("check bytes: %d words from 0x%x disagree with their check bytes, which share a "
                        + "word: that word taken as the corrupt one, the words read as they are", disagree, g));
                continue;
            }
            if (disagree == 0) continue;
            long v = dead.r64(wrong);
            int c = dead.r16(CodedMem.pairAt(codes, base, wrong));
            switch (CheckBits.judgePair(v, c)) {
                case DATA_BIT -> {
                    int bit = CheckBits.flippedBitPair(v, c);
                    fixed.add(new long[] {wrong, v ^ (1L << bit)});
                    notes.add(String.format("check bytes: bit %d of the word at 0x%x had flipped: taken back", bit, wrong));
                }
                case CHECK_BIT -> checkBits++;
                default -> {
                    uncorrectable.add(wrong);
                    notes.add(String.format("check bytes: the word at 0x%x is corrupt in more than one bit: read as it is",
                            wrong));
                }
            }
        }
        if (checkBits > 0) notes.add("check bytes: " + checkBits + " check byte(s) with a flipped bit (their words sound)");
        at = new long[fixed.size()];
        value = new long[fixed.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = fixed.get(i)[0];
            value[i] = fixed.get(i)[1];
        }
    }

    /** What the view found: one line per corrected or corrupt word (and one for check bytes that flipped). */
    public List<String> notes() { return notes; }

    /** What reads through {@link #tables} found: one line per page-table word taken back. */
    public List<String> tableNotes() { return tableNotes; }

    /**
     * The view for reading page tables: words of the structures as this view reads them; a word elsewhere checked,
     * when it is read, against its page-table check byte (its A and D bits left out), and one flipped bit taken back.
     * Only page tables may be read through it: a process's own pages have no check bytes.
     */
    public KMem tables() {
        if (tableCodes == 0) return this;
        return new ForwardingMem(this) { // reads and writes as this view, but a page-table word
            @Override public long r64(long pa) {
                if (pa >= base && pa < end) return CodedView.this.r64(pa);
                long v = dead.r64(pa), bits = CodedMem.tableBits(v);
                int c = dead.r8(tableCodes + (pa - ramBase) / 8);
                if (CheckBits.judge(bits, c) != CheckBits.Verdict.DATA_BIT) return v;
                int bit = CheckBits.flippedBit(bits, c);
                String note = String.format("check bytes: bit %d of the page-table entry at 0x%x had flipped: taken back", bit, pa);
                if (!tableNotes.contains(note)) tableNotes.add(note);
                return v ^ (1L << bit);
            }
        };
    }

    /** Words that disagree with their check bytes beyond repair, by address. */
    public List<Long> uncorrectable() { return uncorrectable; }

    /** Whether [pa, pa + len) holds a word the code says is corrupt beyond repair. */
    public boolean corrupt(long pa, long len) {
        for (long w : uncorrectable) if (w + 8 > pa && w < pa + len) return true;
        return false;
    }

    /** The first corrected word at or after the word holding pa, or at.length. */
    private int firstFrom(long pa) {
        int i = Arrays.binarySearch(at, pa & ~7L);
        return i >= 0 ? i : -i - 1;
    }

    private boolean touchesFix(long pa, int n) {
        int i = firstFrom(pa);
        return i < at.length && at[i] < pa + n;
    }

    /** Byte pa as the view reads it. */
    private int byteAt(long pa) {
        int i = Arrays.binarySearch(at, pa & ~7L);
        return i >= 0 ? (int) (value[i] >>> (8 * (pa & 7))) & 0xFF : dead.r8(pa);
    }

    private long get(long pa, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) v = v << 8 | byteAt(pa + k);
        return v;
    }

    @Override public int r8(long pa) { return touchesFix(pa, 1) ? (int) get(pa, 1) : dead.r8(pa); }
    @Override public int r16(long pa) { return touchesFix(pa, 2) ? (int) get(pa, 2) : dead.r16(pa); }
    @Override public int r32(long pa) { return touchesFix(pa, 4) ? (int) get(pa, 4) : dead.r32(pa); }
    @Override public long r64(long pa) { return touchesFix(pa, 8) ? get(pa, 8) : dead.r64(pa); }

    @Override public void read(long pa, byte[] dst, int off, int len) {
        dead.read(pa, dst, off, len);
        for (int i = firstFrom(pa); i < at.length && at[i] < pa + len; i++) {
            for (int k = 0; k < 8; k++) {
                long b = at[i] + k;
                if (b >= pa && b < pa + len) dst[off + (int) (b - pa)] = (byte) (value[i] >>> (8 * k));
            }
        }
    }

}
