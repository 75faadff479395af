package otherworld.kernel.fs;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.KMem;

/** Test-scope KMem: direct access to a PhysicalMemory, or a read-only view whose writes throw (the crash kernel's). */
final class TestMem implements KMem {
    final PhysicalMemory ram;
    private final boolean readOnly;

    private TestMem(PhysicalMemory ram, boolean readOnly) {
        this.ram = ram;
        this.readOnly = readOnly;
    }

    static TestMem direct(PhysicalMemory ram) { return new TestMem(ram, false); }

    static TestMem readOnly(PhysicalMemory ram) { return new TestMem(ram, true); }

    private void w() {
        if (readOnly) throw new IllegalStateException("write through a read-only view");
    }

    @Override public int r8(long pa) { return ram.read8(pa); }
    @Override public int r16(long pa) { return ram.read16(pa); }
    @Override public int r32(long pa) { return ram.read32(pa); }
    @Override public long r64(long pa) { return ram.read64(pa); }
    @Override public void w8(long pa, int v) { w(); ram.write8(pa, v); }
    @Override public void w16(long pa, int v) { w(); ram.write16(pa, v); }
    @Override public void w32(long pa, int v) { w(); ram.write32(pa, v); }
    @Override public void w64(long pa, long v) { w(); ram.write64(pa, v); }
    @Override public void read(long pa, byte[] dst, int off, int len) { ram.read(pa, dst, off, len); }
    @Override public void write(long pa, byte[] src, int off, int len) { w(); ram.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { w(); ram.fill(pa, len, (byte) 0); }
    @Override public boolean contains(long pa, long len) { return ram.contains(pa, len); }
}
