package otherworld.kernel.mem;

/** A view that passes every access to another: a base for the views that change how some words are read. */
public abstract class ForwardingMem implements KMem {
    protected final KMem inner;

    protected ForwardingMem(KMem inner) { this.inner = inner; }

    @Override public int r8(long pa) { return inner.r8(pa); }
    @Override public int r16(long pa) { return inner.r16(pa); }
    @Override public int r32(long pa) { return inner.r32(pa); }
    @Override public long r64(long pa) { return inner.r64(pa); }
    @Override public void read(long pa, byte[] dst, int off, int len) { inner.read(pa, dst, off, len); }
    @Override public boolean contains(long pa, long len) { return inner.contains(pa, len); }
    @Override public void w8(long pa, int v) { inner.w8(pa, v); }
    @Override public void w16(long pa, int v) { inner.w16(pa, v); }
    @Override public void w32(long pa, int v) { inner.w32(pa, v); }
    @Override public void w64(long pa, long v) { inner.w64(pa, v); }
    @Override public void write(long pa, byte[] src, int off, int len) { inner.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { inner.zero(pa, len); }
}
