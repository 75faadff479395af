package otherworld.kernel.mem;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelPanic;

/**
 * The kernel's memory while a system call is in flight (default mode): before each write, the old bytes go to the
 * undo log in guest RAM. The call commits by clearing {@code active}, one 4-byte write; until then a crash kernel
 * reads the dead kernel's memory through the log ({@link OverlayMem}) and sees it exactly as it was when the call
 * began. Outside a call, and with Otherworld off, writes go straight to RAM.
 *
 * <p>Invariant: for every write made since {@link #begin}, an entry holding the bytes it overwrote precedes it in
 * the log, and {@code used} counts only complete entries (it is advanced after the entry, before the write).
 */
public final class UndoLog extends DirectMem {
    private final long base;
    private final long capacity;
    private final boolean enabled;
    private boolean logging;
    private long used;
    private final byte[] scratch = new byte[8];

    /** A log at {@code base} (header + capacity bytes); disabled means Otherworld is off: no log is kept. */
    public UndoLog(PhysicalMemory ram, long base, long capacity, boolean enabled) {
        super(ram);
        this.base = base;
        this.capacity = capacity;
        this.enabled = enabled;
    }

    /** Lay out an empty log. */
    public static void format(PhysicalMemory ram, long base, long size) {
        ULOG.init(new DirectMem(ram), base);
        ram.write64(base + U_CAPACITY, size - ULOG.size());
    }

    public boolean inCall() { return logging; }

    /** A system call of task {@code owner} begins: from now on every write is undoable. */
    public void begin(int owner) {
        if (!enabled) return;
        used = 0;
        ram.write64(base + U_USED, 0);
        ram.write32(base + U_OWNER, owner);
        ram.write32(base + U_ACTIVE, 1);
        logging = true;
    }

    /** The commit point: one write makes every effect of the call permanent. */
    public void commit() {
        if (!enabled) return;
        ram.write32(base + U_ACTIVE, 0);
        logging = false;
    }

    /** Bytes of log used by the current call. */
    public long used() { return used; }

    private void save(long pa, int len) {
        if (!logging) return;
        long entry = base + ULOG.size() + used;
        long need = U_ENTRY_HEADER + ((len + 7L) & ~7L);
        if (used + need > capacity) {
            throw new KernelPanic("undo log full (" + used + " bytes) in a system call");
        }
        ram.write64(entry, pa);
        ram.write64(entry + 8, len);
        ram.copy(pa, entry + U_ENTRY_HEADER, len);
        used += need;
        ram.write64(base + U_USED, used);
    }

    @Override public void w8(long pa, int v) { save(pa, 1); ram.write8(pa, v); }
    @Override public void w16(long pa, int v) { save(pa, 2); ram.write16(pa, v); }
    @Override public void w32(long pa, int v) { save(pa, 4); ram.write32(pa, v); }
    @Override public void w64(long pa, long v) {
        if (logging && ram.read64(pa) == v) return; // writing the same value changes nothing to undo
        save(pa, 8);
        ram.write64(pa, v);
    }
    @Override public void hint64(long pa, long v) { ram.write64(pa, v); }
    @Override public void write(long pa, byte[] src, int off, int len) { save(pa, len); ram.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { save(pa, len); ram.fill(pa, len, (byte) 0); }

    @Override public void zeroFresh(long pa, int len) { ram.fill(pa, len, (byte) 0); }
}
