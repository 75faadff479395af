package otherworld.kernel.mem;

import otherworld.emulator.PhysicalMemory;

/**
 * The enhanced mode's kernel memory: every write of the kernel into its structures ([base, end), the region up to
 * the check bytes) is followed by the new check byte of each word it touched ({@link CheckBits}), one byte a word,
 * at {@code codes}. Reads are plain. A word changed by anything but the kernel (a flipped bit, a wild write) then
 * disagrees with its check byte, and the crash kernel can tell, and for one flipped bit undo it
 * ({@link CodedView}). Writes outside the range (user memory, page tables) are plain.
 *
 * <p>Only the enhanced mode uses this (chosen at boot, as {@link TracedMem} is): default mode keeps {@link DirectMem}
 * and does none of this work (rule 4). A write goes to {@code inner} first, so a crash the fault injector places
 * before it leaves word and check byte agreeing.
 */
public final class CodedMem implements KMem {
    private final KMem inner;
    private final PhysicalMemory ram;
    private final long base, end, codes;

    public CodedMem(KMem inner, PhysicalMemory ram, long base, long end, long codes) {
        this.inner = inner;
        this.ram = ram;
        this.base = base;
        this.end = end;
        this.codes = codes;
    }

    /** Write the check byte of every word in [base, end): at boot, and when a crash kernel hands over its region. */
    public static void encodeAll(PhysicalMemory ram, long base, long end, long codes) {
        for (long w = base; w < end; w += 8) ram.write8(codes + (w - base) / 8, CheckBits.of(ram.read64(w)));
    }

    /** Bytes of check bytes that [base, end) needs. */
    public static long codeBytes(long base, long end) { return (end - base + 7) / 8; }

    private void recode(long pa, long len) {
        long from = Math.max(pa, base), to = Math.min(pa + len, end);
        if (from >= to) return;
        for (long w = from - (from - base) % 8; w < to; w += 8) ram.write8(codes + (w - base) / 8, CheckBits.of(ram.read64(w)));
    }

    @Override public int r8(long pa) { return inner.r8(pa); }
    @Override public int r16(long pa) { return inner.r16(pa); }
    @Override public int r32(long pa) { return inner.r32(pa); }
    @Override public long r64(long pa) { return inner.r64(pa); }
    @Override public void read(long pa, byte[] dst, int off, int len) { inner.read(pa, dst, off, len); }
    @Override public boolean contains(long pa, long len) { return inner.contains(pa, len); }

    @Override public void w8(long pa, int v) { inner.w8(pa, v); recode(pa, 1); }
    @Override public void w16(long pa, int v) { inner.w16(pa, v); recode(pa, 2); }
    @Override public void w32(long pa, int v) { inner.w32(pa, v); recode(pa, 4); }
    @Override public void w64(long pa, long v) { inner.w64(pa, v); recode(pa, 8); }
    @Override public void write(long pa, byte[] src, int off, int len) { inner.write(pa, src, off, len); recode(pa, len); }
    @Override public void zero(long pa, int len) { inner.zero(pa, len); recode(pa, len); }
}
