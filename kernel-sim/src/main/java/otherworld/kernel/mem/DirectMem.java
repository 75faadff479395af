package otherworld.kernel.mem;

import otherworld.emulator.PhysicalMemory;

/** Plain access to guest RAM. */
public class DirectMem implements KMem {
    protected final PhysicalMemory ram;

    public DirectMem(PhysicalMemory ram) { this.ram = ram; }

    public PhysicalMemory ram() { return ram; }

    @Override public int r8(long pa) { return ram.read8(pa); }
    @Override public int r16(long pa) { return ram.read16(pa); }
    @Override public int r32(long pa) { return ram.read32(pa); }
    @Override public long r64(long pa) { return ram.read64(pa); }
    @Override public void w8(long pa, int v) { ram.write8(pa, v); }
    @Override public void w16(long pa, int v) { ram.write16(pa, v); }
    @Override public void w32(long pa, int v) { ram.write32(pa, v); }
    @Override public void w64(long pa, long v) { ram.write64(pa, v); }
    @Override public void read(long pa, byte[] dst, int off, int len) { ram.read(pa, dst, off, len); }
    @Override public void write(long pa, byte[] src, int off, int len) { ram.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { ram.fill(pa, len, (byte) 0); }
    @Override public boolean contains(long pa, long len) { return ram.contains(pa, len); }
}
