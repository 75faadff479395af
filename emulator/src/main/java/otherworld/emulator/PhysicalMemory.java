package otherworld.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The machine's RAM: {@code size} bytes starting at physical address {@link #BASE}, little-endian.
 * It belongs to the machine, not to a kernel: it outlives every kernel that runs on it.
 * An access outside RAM throws {@link BusError}; nothing else is checked here.
 *
 * <p>Frames that hold translated code ({@link #markCode}) are watched: any write to one through this class, or
 * through the hart's stores, tells the {@link CodeListener} first, so that no stale translation survives a write
 * by the kernel (ELF loading, page cache, copy-out) or by the guest.
 */
public final class PhysicalMemory {
    /** Physical address of the first byte of RAM (as on QEMU's virt machine). */
    public static final long BASE = 0x8000_0000L;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;

    /** Per 4 KiB frame: nonzero while translated code depends on its bytes. */
    private final byte[] code;
    /** How many frames are watched: when none (no translation yet, or none left), writes test only this. */
    private int watched;
    private CodeListener listener;

    /** Told when a watched frame is about to change; it stops watching the frame ({@link #unmarkCode}). */
    interface CodeListener {
        void codeWritten(int frame);
    }

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4096: " + sizeBytes);
        }
        this.ram = new byte[sizeBytes];
        this.code = new byte[sizeBytes >>> 12];
    }

    void setCodeListener(CodeListener l) { listener = l; }

    void markCode(int frame) {
        if (code[frame] == 0) watched++;
        code[frame] = 1;
    }

    void unmarkCode(int frame) {
        if (code[frame] != 0) watched--;
        code[frame] = 0;
    }

    boolean isCode(int frame) { return code[frame] != 0; }

    /** Before a write of len bytes at RAM offset off: tell the listener about every watched frame it touches. */
    void written(int off, int len) {
        int first = off >>> 12, last = (off + len - 1) >>> 12;
        for (int f = first; f <= last; f++) if (code[f] != 0) listener.codeWritten(f);
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
    public void write8(long pa, int v) { ram[widx(pa, 1)] = (byte) v; }
    public void write16(long pa, int v) { I16.set(ram, widx(pa, 2), (short) v); }
    public void write32(long pa, int v) { I32.set(ram, widx(pa, 4), v); }
    public void write64(long pa, long v) { I64.set(ram, widx(pa, 8), v); }

    public void read(long pa, byte[] dst, int off, int len) { System.arraycopy(ram, idx(pa, len), dst, off, len); }
    public void write(long pa, byte[] src, int off, int len) { System.arraycopy(src, off, ram, widx(pa, len), len); }
    public void fill(long pa, long len, byte value) {
        int i = widx(pa, (int) len);
        Arrays.fill(ram, i, i + (int) len, value);
    }
    public void copy(long srcPa, long dstPa, int len) {
        System.arraycopy(ram, idx(srcPa, len), ram, widx(dstPa, len), len);
    }

    /** The offset of a write, after the watched frames it touches have been let go. */
    private int widx(long pa, int len) {
        int i = idx(pa, len);
        if (watched != 0 && len > 0 && (len > 4096 || (code[i >>> 12] | code[(i + len - 1) >>> 12]) != 0)) written(i, len);
        return i;
    }

    /** Raw array for the hart's fast path only (same package). Offsets are pa - BASE. */
    byte[] array() { return ram; }
}
