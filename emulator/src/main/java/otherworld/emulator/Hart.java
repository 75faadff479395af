package otherworld.emulator;

/**
 * One RV64GC hart running in user mode (U). The host kernel owns supervisor mode: it sets {@link #satp}, the
 * registers and pc, calls {@link #run}, and gets control back on every trap.
 *
 * <p>API contract (used by kernel-sim; keep stable):
 * <ul>
 *   <li>{@code x[0..31]}: integer registers; x[0] reads as 0 whatever is stored.</li>
 *   <li>{@code f[0..31]}: raw 64-bit FP register contents (single values NaN-boxed).</li>
 *   <li>{@code fcsr}: fflags in bits 0..4, frm in bits 5..7.</li>
 *   <li>{@code satp}: Sv39 only: MODE=8 in bits 60..63, ASID ignored, PPN of the root table in bits 0..43.</li>
 *   <li>{@link #run(long)} executes at most {@code budget} instructions; returns the trap cause. On a trap,
 *       {@code pc} is the address of the trapping instruction (for ECALL too: the kernel adds 4), and
 *       {@link #trapValue} holds the faulting virtual address (page faults) or the instruction bits (illegal).
 *       TIMER means the budget ran out; pc is then the next instruction to execute.</li>
 *   <li>{@link #flushTlb()} is sfence.vma: call it after changing any page table or satp.</li>
 *   <li>{@link #instret} counts retired instructions (the machine's clock).</li>
 * </ul>
 */
public final class Hart {
    public final long[] x = new long[32];
    public final long[] f = new long[32];
    public long pc;
    public int fcsr;
    public long satp;
    public long instret;
    public long trapValue;

    final PhysicalMemory memory;

    public Hart(PhysicalMemory memory) {
        this.memory = memory;
    }

    public TrapCause run(long budget) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void flushTlb() {
    }
}
