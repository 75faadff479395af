package otherworld.kernel.mem;

import otherworld.emulator.PhysicalMemory;

/**
 * The enhanced mode's kernel memory: every write of the kernel into its structures ([base, end), the region up to
 * the check bytes) is followed by the new check bytes of each word it touched ({@link CheckBits#pair}: SEC-DED and a
 * hash, two bytes a word), at {@code codes}. Reads are plain. A word changed by anything but the kernel (a flipped bit, a wild write) then
 * disagrees with its check byte, and the crash kernel can tell, and for one flipped bit undo it
 * ({@link CodedView}). A word written elsewhere in RAM gets its check byte at {@code tableCodes} (one a word of RAM), of
 * the word without its A and D bits, which the hart sets in page-table entries on its own: they serve page tables,
 * which only the kernel writes, a word at a time, and every page table is zeroed through here before it is used.
 * (A run of bytes outside the structures is a process's page, and gets none: see {@link #write}.)
 *
 * <p>Only the enhanced mode uses this (chosen at boot, as {@link TracedMem} is): default mode keeps {@link DirectMem}
 * and does none of this work (rule 4). A write goes to {@code inner} first, so a crash the fault injector places
 * before it leaves word and check byte agreeing.
 */
public final class CodedMem implements KMem {
    private final KMem inner;
    private final PhysicalMemory ram;
    private final long base, end, codes, tableCodes;
    /** Bytes of the structures whose check bytes share one word (two check bytes a word of data). */
    public static final int GROUP = 32;

    public CodedMem(KMem inner, PhysicalMemory ram, long base, long end, long codes, long tableCodes) {
        this.inner = inner;
        this.ram = ram;
        this.base = base;
        this.end = end;
        this.codes = codes;
        this.tableCodes = tableCodes;
    }

    /** The bits of a page-table word its check byte covers: all but A (6) and D (7). */
    public static long tableBits(long v) { return v & ~0xC0L; }

    /** Write the check bytes of page-table words in [from, to) (a crash kernel's pool, where it built tables). */
    public static void encodeTables(PhysicalMemory ram, long from, long to, long tableCodes) {
        for (long w = from; w < to; w += 8) ram.write8(tableCodes + (w - ram.base()) / 8, CheckBits.of(tableBits(ram.read64(w))));
    }

    /** Write the check byte of every word in [base, end): at boot, and when a crash kernel hands over its region. */
    public static void encodeAll(PhysicalMemory ram, long base, long end, long codes) {
        for (long w = base; w < end; w += 8) {
            long v = ram.read64(w), at = pairAt(codes, base, w);
            if (v != 0) ram.write16(at, CheckBits.pair(v));
            else if (ram.read16(at) != 0) ram.write16(at, 0); // 0 is 0's check bytes, and most of a fresh region is 0
        }
    }

    /** Bytes of check bytes that [base, end) needs. */
    public static long codeBytes(long base, long end) { return (end - base + 7) / 8 * 2; }

    /** Where the two check bytes of the structures' word w are. */
    public static long pairAt(long codes, long base, long w) { return codes + (w - base) / 8 * 2; }

    private void recode(long pa, long len) { recode(pa, len, true); }

    private void recode(long pa, long len, boolean tables) {
        if (len <= 0) return;
        long from = Math.max(pa, base), to = Math.min(pa + len, end);
        if (from < to) {
            for (long w = from - (from - base) % 8; w < to; w += 8) ram.write16(pairAt(codes, base, w), CheckBits.pair(ram.read64(w)));
        }
        if (tables && tableCodes != 0 && (pa < base || pa + len > end)) { // outside the structures: page tables
            for (long w = pa & ~7L; w < pa + len; w += 8) {
                if (w >= base && w < end) continue;
                ram.write8(tableCodes + (w - ram.base()) / 8, CheckBits.of(tableBits(ram.read64(w))));
            }
        }
    }

    /**
     * Each {@value #GROUP}-byte group of [pa, pa+len) inside the structures (four words, one word of check bytes): sound; one word
     * that disagrees, put back (a flipped data bit) or its check byte written anew (a flipped check bit), or a panic
     * (corrupt beyond repair: the crash kernel then refuses what used it); two or more that disagree say the word of
     * check bytes was hit, whose bytes are written anew from the data.
     */
    @Override public void scrub(long pa, int len) {
        long from = Math.max(pa, base), to = Math.min(pa + len, end);
        for (long g = from - (from - base) % GROUP; g < to; g += GROUP) {
            long wrong = -1;
            int disagree = 0;
            for (long w = g; w < Math.min(g + GROUP, end); w += 8) {
                long v = ram.read64(w);
                int c = ram.read16(pairAt(codes, base, w));
                if (CheckBits.pair(v) != c && CheckBits.judgePair(v, c) != CheckBits.Verdict.SOUND) { // the first: sound, fast
                    wrong = w;
                    disagree++;
                }
            }
            if (disagree == 0) continue;
            if (disagree > 1) {
                recode(g, Math.min(g + GROUP, end) - g, false);
                continue;
            }
            long v = ram.read64(wrong);
            int c = ram.read16(pairAt(codes, base, wrong));
            switch (CheckBits.judgePair(v, c)) {
                case DATA_BIT -> inner.w64(wrong, v ^ (1L << CheckBits.flippedBitPair(v, c)));
                case CHECK_BIT -> recode(wrong, 8, false);
                default -> throw new otherworld.kernel.KernelPanic(String.format(
                        "memory error: the word at 0x%x is corrupt beyond its check byte", wrong));
            }
        }
    }

    // reads are plain (the inner views differ only in their writes)
    @Override public int r8(long pa) { return ram.read8(pa); }
    @Override public int r16(long pa) { return ram.read16(pa); }
    @Override public int r32(long pa) { return ram.read32(pa); }
    @Override public long r64(long pa) { return ram.read64(pa); }
    @Override public void read(long pa, byte[] dst, int off, int len) { ram.read(pa, dst, off, len); }
    @Override public boolean contains(long pa, long len) { return ram.contains(pa, len); }

    /**
     * A write that covers part of a word of the structures keeps the rest of it: the word is checked first (as ECC
     * memory does in a read-modify-write), or a flip in the bytes kept would be coded as if the kernel had written it.
     */
    private void checkPartial(long pa, long len) {
        long first = pa & ~7L, last = (pa + len - 1) & ~7L;
        if (first >= base && first < end && (pa != first || len < 8) && ram.read16(pairAt(codes, base, first)) != CheckBits.pair(ram.read64(first))) {
            scrub(first, 8);
        }
        if (last != first && last >= base && last < end && pa + len != last + 8
                && ram.read16(pairAt(codes, base, last)) != CheckBits.pair(ram.read64(last))) {
            scrub(last, 8);
        }
    }

    @Override public void w8(long pa, int v) { checkPartial(pa, 1); inner.w8(pa, v); recode(pa, 1); }
    @Override public void w16(long pa, int v) { checkPartial(pa, 2); inner.w16(pa, v); recode(pa, 2); }
    @Override public void w32(long pa, int v) { checkPartial(pa, 4); inner.w32(pa, v); recode(pa, 4); }
    /** A word written with the value it holds keeps its check byte (the trap entry saves every register, most unchanged). */
    @Override public void w64(long pa, long v) {
        if ((pa & 7) != 0) checkPartial(pa, 8);
        long old = ram.read64(pa);
        inner.w64(pa, v);
        if (old != v) recode(pa, 8);
    }
    /**
     * A run of bytes: the check bytes of the structures it touches. Outside them, none: the kernel writes page-table
     * entries one word at a time and zeroes a table whole, never with a run of bytes, while runs outside the structures
     * are a process's pages (a copy-on-write copy, an executable's image), which carry no check bytes.
     * ({@code KernelAudit} checks every word of every live page table against its check byte.)
     */
    @Override public void write(long pa, byte[] src, int off, int len) {
        if (len > 0) checkPartial(pa, len);
        inner.write(pa, src, off, len);
        long from = Math.max(pa, base), to = Math.min(pa + len, end);
        if (from < to) recode(from, to - from, false);
    }
    /** Zeros: every whole word's check byte is 0 (a page table is zeroed before its first use: a page of them). */
    @Override public void zero(long pa, int len) {
        if (len > 0) checkPartial(pa, len);
        inner.zero(pa, len);
        long from = (pa + 7) & ~7L, to = (pa + len) & ~7L;
        if (from >= to) {
            recode(pa, len);
            return;
        }
        recode(pa, from - pa);
        zeroCodes(from, to);
        recode(to, pa + len - to);
    }

    private void zeroCodes(long from, long to) {
        long a = Math.max(from, base), b = Math.min(to, end);
        if (a < b) ram.fill(pairAt(codes, base, a), (b - a) / 8 * 2, (byte) 0);
        if (tableCodes == 0) return;
        if (from < base) ram.fill(tableCodes + (from - ram.base()) / 8, (Math.min(to, base) - from) / 8, (byte) 0);
        if (to > end) {
            long c = Math.max(from, end);
            ram.fill(tableCodes + (c - ram.base()) / 8, (to - c) / 8, (byte) 0);
        }
    }
}
