package otherworld.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The machine's RAM: {@code size} bytes starting at physical address {@link #BASE}, little-endian.
 * It belongs to the machine, not to a kernel: it outlives every kernel that runs on it.
 * An access outside RAM throws {@link BusError}; nothing else is checked here.
 */
public final class PhysicalMemory {
    /** Physical address of the first byte of RAM (as on QEMU's virt machine). */
    public static final long BASE = 0x8000_0000L;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4096: " + sizeBytes);
        }
        this.ram = new byte[sizeBytes];
    }

    public long base() { return BASE; }
    public long size() { return ram.length; }
    public long end() { return BASE + ram.length; }

    /** True when [pa, pa+len) lies inside RAM (no overflow). */
    public boolean contains(long pa, long len) {
        return len >= 0 && pa >= BASE && pa - BASE <= ram.length - len;
    }

    private int idx(long pa, int len) {
        long off = pa - BASE;
        if (off < 0 || off > ram.length - len) throw new BusError(pa, len);
        return (int) off;
    }

    public int read8(long pa) { return ram[idx(pa, 1)] & 0xFF; }
    public int read16(long pa) { return (short) I16.get(ram, idx(pa, 2)) & 0xFFFF; }
    public int read32(long pa) { return (int) I32.get(ram, idx(pa, 4)); }
    public long read64(long pa) { return (long) I64.get(ram, idx(pa, 8)); }
    public void write8(long pa, int v) { ram[idx(pa, 1)] = (byte) v; }
    public void write16(long pa, int v) { I16.set(ram, idx(pa, 2), (short) v); }
    public void write32(long pa, int v) { I32.set(ram, idx(pa, 4), v); }
    public void write64(long pa, long v) { I64.set(ram, idx(pa, 8), v); }

    public void read(long pa, byte[] dst, int off, int len) { System.arraycopy(ram, idx(pa, len), dst, off, len); }
    public void write(long pa, byte[] src, int off, int len) { System.arraycopy(src, off, ram, idx(pa, len), len); }
    public void fill(long pa, long len, byte value) {
        int i = idx(pa, (int) len);
        Arrays.fill(ram, i, i + (int) len, value);
    }
    public void copy(long srcPa, long dstPa, int len) {
        System.arraycopy(ram, idx(srcPa, len), ram, idx(dstPa, len), len);
    }

    /** Raw array for the hart's fast path only (same package). Offsets are pa - BASE. */
    byte[] array() { return ram; }
}
