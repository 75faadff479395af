package otherworld.kernel.resurrect;

import otherworld.kernel.mem.KMem;

/**
 * The dead kernel's memory with one record replaced by the crash kernel's own copy: reads inside [pa, pa + len)
 * come from the copy, all others from the dead memory (read-only). Writes go to the copy only. The crash kernel uses
 * it to finish, on its copy, what a committed call had begun to write (an execve's new image) before it validates.
 */
final class OverlayMem implements KMem {
    private final KMem dead;
    private final long pa;
    private final byte[] copy;

    OverlayMem(KMem dead, long pa, int len) {
        this.dead = dead;
        this.pa = pa;
        this.copy = new byte[len];
        dead.read(pa, copy, 0, len);
    }

    byte[] copy() { return copy; }

    private boolean mine(long a, int n) { return a >= pa && a + n <= pa + copy.length; }

    private long get(long a, int n) {
        if (!mine(a, n)) {
            return switch (n) {
                case 1 -> dead.r8(a);
                case 2 -> dead.r16(a);
                case 4 -> dead.r32(a) & 0xFFFF_FFFFL;
                default -> dead.r64(a);
            };
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (copy[(int) (a - pa) + i] & 0xFF);
        return v;
    }

    private void put(long a, long v, int n) {
        if (!mine(a, n)) throw new UnsupportedOperationException(String.format("overlay write outside its record at 0x%x", a));
        for (int i = 0; i < n; i++) copy[(int) (a - pa) + i] = (byte) (v >>> (8 * i));
    }

    @Override public int r8(long a) { return (int) get(a, 1); }
    @Override public int r16(long a) { return (int) get(a, 2); }
    @Override public int r32(long a) { return (int) get(a, 4); }
    @Override public long r64(long a) { return get(a, 8); }
    @Override public void w8(long a, int v) { put(a, v, 1); }
    @Override public void w16(long a, int v) { put(a, v, 2); }
    @Override public void w32(long a, int v) { put(a, v, 4); }
    @Override public void w64(long a, long v) { put(a, v, 8); }

    @Override public void read(long a, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) dst[off + i] = (byte) r8(a + i);
    }

    @Override public void write(long a, byte[] src, int off, int len) {
        for (int i = 0; i < len; i++) put(a + i, src[off + i], 1);
    }

    @Override public void zero(long a, int len) {
        for (int i = 0; i < len; i++) put(a + i, 0, 1);
    }

    @Override public boolean contains(long a, long len) { return dead.contains(a, len); }
}
