package otherworld.kernel.mem;

import static otherworld.kernel.layout.Layouts.*;

import java.util.HashMap;
import java.util.Map;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.verified.Bounds;

/**
 * The crash kernel's read-only view of the dead kernel's memory: RAM as it is, except where the undo log of an
 * uncommitted call holds older bytes — those are shown instead, so the view is the state when that call began.
 * Every write throws: the crash kernel reads before it writes (rule 3).
 */
public final class OverlayMem implements KMem {
    private final PhysicalMemory ram;
    /** Page number → page contents with old bytes applied (only pages the log touches). */
    private final Map<Long, byte[]> pages = new HashMap<>();
    private final boolean rolledBack;
    private final int owner;

    private OverlayMem(PhysicalMemory ram, boolean rolledBack, int owner) {
        this.ram = ram;
        this.rolledBack = rolledBack;
        this.owner = owner;
    }

    /** A view with no log applied. */
    public static OverlayMem plain(PhysicalMemory ram) { return new OverlayMem(ram, false, -1); }

    /**
     * A view through the undo log at {@code logPa}. If the log is active (a call was in flight), its entries are
     * applied newest first, so the oldest saved bytes win. Throws {@link IllegalStateException} if the log is corrupt.
     */
    public static OverlayMem throughLog(PhysicalMemory ram, long logPa, long logSize) {
        if (!Bounds.inRegion(logPa, logSize, ram.base(), ram.size()) || logSize < ULOG.size()) {
            throw new IllegalStateException("undo log outside RAM");
        }
        if (ram.read32(logPa) != ULOG.magic || ram.read32(logPa + 4) != ULOG.version) {
            throw new IllegalStateException("undo log: bad magic or version");
        }
        if (ram.read32(logPa + U_ACTIVE) == 0) {
            return new OverlayMem(ram, false, -1);
        }
        long used = ram.read64(logPa + U_USED);
        long cap = ram.read64(logPa + U_CAPACITY);
        if (used < 0 || cap != logSize - ULOG.size() || used > cap) {
            throw new IllegalStateException("undo log: used " + used + " exceeds capacity " + cap);
        }
        OverlayMem view = new OverlayMem(ram, true, ram.read32(logPa + U_OWNER));
        // Collect entry offsets first (forward walk, bounded by used), then apply newest first.
        long[] offs = new long[16];
        int n = 0;
        long pos = 0;
        long entries = logPa + ULOG.size();
        while (pos < used) {
            if (used - pos < U_ENTRY_HEADER) throw new IllegalStateException("undo log: truncated entry");
            long pa = ram.read64(entries + pos);
            long len = ram.read64(entries + pos + 8);
            long need = U_ENTRY_HEADER + ((len + 7) & ~7L);
            if (len <= 0 || len > cap || need > used - pos || !ram.contains(pa, len)) {
                throw new IllegalStateException("undo log: bad entry at +" + pos);
            }
            if (n == offs.length) offs = java.util.Arrays.copyOf(offs, n * 2);
            offs[n++] = pos;
            pos += need;
        }
        for (int i = n - 1; i >= 0; i--) {
            long e = entries + offs[i];
            long pa = ram.read64(e);
            int len = (int) ram.read64(e + 8);
            for (int k = 0; k < len; k++) {
                view.page(pa + k)[(int) ((pa + k) & 4095)] = (byte) ram.read8(e + U_ENTRY_HEADER + k);
            }
        }
        return view;
    }

    /** True when an uncommitted call was rolled back in this view. */
    public boolean rolledBack() { return rolledBack; }

    /** Task index whose call was rolled back, or -1. */
    public int rolledBackOwner() { return owner; }

    private byte[] page(long pa) {
        long pn = pa >>> 12;
        byte[] p = pages.get(pn);
        if (p == null) {
            p = new byte[4096];
            ram.read(pn << 12, p, 0, 4096);
            pages.put(pn, p);
        }
        return p;
    }

    @Override public int r8(long pa) {
        byte[] p = pages.get(pa >>> 12);
        return p == null ? ram.read8(pa) : p[(int) (pa & 4095)] & 0xFF;
    }
    @Override public int r16(long pa) { return r8(pa) | r8(pa + 1) << 8; }
    @Override public int r32(long pa) {
        if (pages.isEmpty()) return ram.read32(pa);
        return r16(pa) | r16(pa + 2) << 16;
    }
    @Override public long r64(long pa) {
        if (pages.isEmpty()) return ram.read64(pa);
        return (r32(pa) & 0xFFFF_FFFFL) | ((long) r32(pa + 4)) << 32;
    }
    @Override public void read(long pa, byte[] dst, int off, int len) {
        if (pages.isEmpty()) {
            ram.read(pa, dst, off, len);
            return;
        }
        for (int i = 0; i < len; i++) dst[off + i] = (byte) r8(pa + i);
    }
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
