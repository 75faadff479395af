package otherworld.kernel.mem;

import otherworld.emulator.PhysicalMemory;

/**
 * Direct access to guest RAM that tells an observer about every write before it is made: the kernel's own write
 * trace, from which the fault injector places a crash between any two writes of a system call. The kernel uses it
 * only when a fault plan asks for write-level crash points (decided once, at boot); otherwise it uses
 * {@link DirectMem} and the trace costs nothing.
 */
public final class TracedMem extends DirectMem {
    /** Told of each write; may throw (a panic) to crash the kernel before the write is made. */
    public interface Observer {
        void beforeWrite(long pa, int len);
    }

    private final Observer observer;

    public TracedMem(PhysicalMemory ram, Observer observer) {
        super(ram);
        this.observer = observer;
    }

    @Override public void w8(long pa, int v) { observer.beforeWrite(pa, 1); super.w8(pa, v); }
    @Override public void w16(long pa, int v) { observer.beforeWrite(pa, 2); super.w16(pa, v); }
    @Override public void w32(long pa, int v) { observer.beforeWrite(pa, 4); super.w32(pa, v); }
    @Override public void w64(long pa, long v) { observer.beforeWrite(pa, 8); super.w64(pa, v); }
    @Override public void write(long pa, byte[] src, int off, int len) { observer.beforeWrite(pa, len); super.write(pa, src, off, len); }
    @Override public void zero(long pa, int len) { observer.beforeWrite(pa, len); super.zero(pa, len); }
}
