package otherworld.kernel.resurrect;

import otherworld.kernel.mem.KMem;

/**
 * The dead kernel's page tables as the crash kernel takes them, for a {@link otherworld.kernel.mm.UserMemory} that reads
 * a dead process's memory before its new tables exist: every word read as {@link Validator#flippedFrameBit} takes it,
 * so that such a read follows the frames the validated walk accepted. Writes go to the dead view, which refuses them.
 */
final class DeadTables implements KMem {
    private final KMem dead;

    DeadTables(KMem dead) { this.dead = dead; }

    @Override public long r64(long pa) { return Validator.flippedFrameBit(dead, dead.r64(pa)); }
    @Override public int r8(long pa) { return dead.r8(pa); }
    @Override public int r16(long pa) { return dead.r16(pa); }
    @Override public int r32(long pa) { return dead.r32(pa); }
    @Override public void read(long pa, byte[] dst, int off, int len) { dead.read(pa, dst, off, len); }
    @Override public boolean contains(long pa, long len) { return dead.contains(pa, len); }
    @Override public void w8(long pa, int v) { dead.w8(pa, v); }
    @Override public void w16(long pa, int v) { dead.w16(pa, v); }
    @Override public void w32(long pa, int v) { dead.w32(pa, v); }
    @Override public void w64(long pa, long v) { dead.w64(pa, v); }
    @Override public void write(long pa, byte[] src, int off, int len) { dead.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { dead.zero(pa, len); }
}
