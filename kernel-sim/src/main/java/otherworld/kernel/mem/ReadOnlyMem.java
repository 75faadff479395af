package otherworld.kernel.mem;

import otherworld.emulator.PhysicalMemory;

/**
 * The crash kernel's view of the dead kernel's memory: RAM as the dead kernel left it. Every write throws: the crash
 * kernel reads before it writes (rule 3), and writes only its own region and the devices, through other views.
 */
public final class ReadOnlyMem implements KMem {
    private final PhysicalMemory ram;

    public ReadOnlyMem(PhysicalMemory ram) { this.ram = ram; }

    @Override public int r8(long pa) { return ram.read8(pa); }
    @Override public int r16(long pa) { return ram.read16(pa); }
    @Override public int r32(long pa) { return ram.read32(pa); }
    @Override public long r64(long pa) { return ram.read64(pa); }
    @Override public void read(long pa, byte[] dst, int off, int len) { ram.read(pa, dst, off, len); }
    @Override public boolean contains(long pa, long len) { return ram.contains(pa, len); }

    private static UnsupportedOperationException readOnly(long pa) {
        return new UnsupportedOperationException(String.format("crash kernel wrote the dead kernel's memory at 0x%x", pa));
    }
    @Override public void w8(long pa, int v) { throw readOnly(pa); }
    @Override public void w16(long pa, int v) { throw readOnly(pa); }
    @Override public void w32(long pa, int v) { throw readOnly(pa); }
    @Override public void w64(long pa, long v) { throw readOnly(pa); }
    @Override public void write(long pa, byte[] src, int off, int len) { throw readOnly(pa); }
    @Override public void zero(long pa, int len) { throw readOnly(pa); }
}
