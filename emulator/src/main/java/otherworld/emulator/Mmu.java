package otherworld.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sv39 address translation for user-mode accesses, with a TLB in front of the page-table walk.
 *
 * <p>The TLB is three direct-mapped arrays, one per access kind (read, write, execute). Each entry maps a
 * virtual page number to the offset of a 4 KiB physical page in {@link PhysicalMemory#array()}.
 * Invariants:
 * <ul>
 *   <li>an entry exists only for a page the walker allowed for that access kind, with U=1 and A=1, and whose
 *       4 KiB frame lies wholly inside RAM (so the fast paths need no bounds check of their own);</li>
 *   <li>a write entry exists only when the PTE's D bit was already set (or was just set by the walker), so the
 *       first write to a clean page always goes through the walker and sets D;</li>
 *   <li>tags are {@code va >>> 12} of canonical addresses, never -1, so -1 marks an empty slot and a
 *       non-canonical address never hits.</li>
 * </ul>
 *   <li>no write entry maps a frame that holds translated code ({@link PhysicalMemory#isCode}): stores to such
 *       a frame take the slow path, which lets the translations go before the bytes change.</li>
 * </ul>
 * Superpages are entered into the TLB as their 4 KiB pieces. {@link #flush()} is sfence.vma.
 */
final class Mmu {
    static final int LOAD = 0, STORE = 1, FETCH = 2;

    static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;
    private static final long PPN_MASK = (1L << 44) - 1;

    private static final int TLB_BITS = 10;
    private static final int TLB_MASK = (1 << TLB_BITS) - 1;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final PhysicalMemory memory;
    private final byte[] ram;
    // package-visible: translated code inlines the load and store fast paths
    final long[] rTag = new long[1 << TLB_BITS];
    final long[] wTag = new long[1 << TLB_BITS];
    private final long[] xTag = new long[1 << TLB_BITS];
    final int[] rOff = new int[1 << TLB_BITS];
    final int[] wOff = new int[1 << TLB_BITS];
    private final int[] xOff = new int[1 << TLB_BITS];

    /** The satp in force; set by the hart at the start of every run. */
    long satp;

    Mmu(PhysicalMemory memory) {
        this.memory = memory;
        this.ram = memory.array();
        flush();
    }

    void flush() {
        Arrays.fill(rTag, -1L);
        Arrays.fill(wTag, -1L);
        Arrays.fill(xTag, -1L);
    }

    // ---- loads: return the value zero-extended; the caller sign-extends ----

    long load64(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (rTag[i] == vpn && po <= 4096 - 8) return (long) I64.get(ram, rOff[i] + po);
        return loadSlow(va, 8);
    }

    int load32(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (rTag[i] == vpn && po <= 4096 - 4) return (int) I32.get(ram, rOff[i] + po);
        return (int) loadSlow(va, 4);
    }

    int load16(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (rTag[i] == vpn && po <= 4096 - 2) return (short) I16.get(ram, rOff[i] + po) & 0xFFFF;
        return (int) loadSlow(va, 2);
    }

    int load8(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn) return ram[rOff[i] + ((int) va & 0xFFF)] & 0xFF;
        return (int) loadSlow(va, 1);
    }

    /** Any load: TLB miss, or an access that crosses into the next page (both pages are translated first). */
    long loadSlow(long va, int size) {
        int first = translate(va, LOAD);
        int po = (int) va & 0xFFF;
        if (po + size <= 4096) return readRaw(first + po, size);
        int second = translate((va | 0xFFF) + 1, LOAD);
        long v = 0;
        for (int k = 0; k < size; k++) {
            int p = po + k;
            int off = p < 4096 ? first + p : second + p - 4096;
            v |= (ram[off] & 0xFFL) << (8 * k);
        }
        return v;
    }

    private long readRaw(int off, int size) {
        switch (size) {
            case 1: return ram[off] & 0xFFL;
            case 2: return (short) I16.get(ram, off) & 0xFFFFL;
            case 4: return (int) I32.get(ram, off) & 0xFFFF_FFFFL;
            default: return (long) I64.get(ram, off);
        }
    }

    // ---- stores ----

    void store64(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (wTag[i] == vpn && po <= 4096 - 8) I64.set(ram, wOff[i] + po, v);
        else storeSlow(va, v, 8);
    }

    void store32(long va, int v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (wTag[i] == vpn && po <= 4096 - 4) I32.set(ram, wOff[i] + po, v);
        else storeSlow(va, v, 4);
    }

    void store16(long va, int v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int po = (int) va & 0xFFF;
        if (wTag[i] == vpn && po <= 4096 - 2) I16.set(ram, wOff[i] + po, (short) v);
        else storeSlow(va, v, 2);
    }

    void store8(long va, int v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn) ram[wOff[i] + ((int) va & 0xFFF)] = (byte) v;
        else storeSlow(va, v, 1);
    }

    /**
     * Any store off the fast path. Both pages are translated before any byte is written (precise faults); a
     * frame with translated code lets its translations go first.
     */
    void storeSlow(long va, long v, int size) {
        int first = translate(va, STORE);
        int po = (int) va & 0xFFF;
        int second = po + size <= 4096 ? first : translate((va | 0xFFF) + 1, STORE);
        if (memory.isCode(first >>> 12)) memory.written(first, 1);
        if (memory.isCode(second >>> 12)) memory.written(second, 1);
        for (int k = 0; k < size; k++) {
            int p = po + k;
            int off = p < 4096 ? first + p : second + p - 4096;
            ram[off] = (byte) (v >>> (8 * k));
        }
    }

    /**
     * The RAM-array offset of {@code va} for a store, checked like a store (W, D set), without writing.
     * Used by AMOs and SC, which must fault before they read or change anything. {@code va} must be aligned.
     */
    int storeOffset(long va) {
        return translate(va, STORE) + ((int) va & 0xFFF);
    }

    /** RAM-array offset of the 4 KiB page holding {@code va}, for instruction fetch. */
    int fetchPage(long va) {
        return translate(va, FETCH);
    }

    /** RAM-array offset of the 4 KiB page holding {@code va} for the given access; walks on a TLB miss. */
    int translate(long va, int access) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        switch (access) {
            case LOAD: if (rTag[i] == vpn) return rOff[i]; break;
            case STORE: if (wTag[i] == vpn) return wOff[i]; break;
            default: if (xTag[i] == vpn) return xOff[i]; break;
        }
        return walk(va, access);
    }

    /** The Sv39 walk (privileged spec 4.3.2 for U-mode, with hardware A/D updates). Fills the TLB. */
    private int walk(long va, int access) {
        if ((satp >>> 60) != 8 || ((va << 25) >> 25) != va) throw pageFault(va, access);
        long table = (satp & PPN_MASK) << 12;
        for (int level = 2; level >= 0; level--) {
            long pteAddr = table + ((va >>> (12 + 9 * level)) & 511) * 8;
            if (!memory.contains(pteAddr, 8)) throw accessFault(va, access);
            long pte = memory.read64(pteAddr);
            if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W || (pte >>> 54) != 0) {
                throw pageFault(va, access);
            }
            long ppn = (pte >>> 10) & PPN_MASK;
            if ((pte & (PTE_R | PTE_X)) == 0) {          // pointer to the next level
                table = ppn << 12;
                continue;
            }
            // leaf
            if ((pte & PTE_U) == 0) throw pageFault(va, access);
            long need = access == LOAD ? PTE_R : access == STORE ? PTE_W : PTE_X;
            if ((pte & need) == 0) throw pageFault(va, access);
            if (level > 0 && (ppn & ((1L << (9 * level)) - 1)) != 0) throw pageFault(va, access);
            long pa = (ppn << 12) | (va & ((1L << (12 + 9 * level)) - 1) & ~0xFFFL);
            if (!memory.contains(pa, 4096)) throw accessFault(va, access);
            long updated = pte | PTE_A | (access == STORE ? PTE_D : 0);
            if (updated != pte) memory.write64(pteAddr, updated);
            int off = (int) (pa - PhysicalMemory.BASE);
            long vpn = va >>> 12;
            int i = (int) vpn & TLB_MASK;
            if ((updated & PTE_R) != 0) { rTag[i] = vpn; rOff[i] = off; }
            if ((updated & (PTE_W | PTE_D)) == (PTE_W | PTE_D) && !memory.isCode(off >>> 12)) { wTag[i] = vpn; wOff[i] = off; }
            if ((updated & PTE_X) != 0) { xTag[i] = vpn; xOff[i] = off; }
            return off;
        }
        throw pageFault(va, access);                    // a pointer PTE at level 0
    }

    /** Forgets the write entries that map the frame at RAM offset frameOff (it now holds translated code). */
    void dropWrites(int frameOff) {
        for (int i = 0; i < wTag.length; i++) if (wOff[i] == frameOff) wTag[i] = -1;
    }

    static Trap pageFault(long va, int access) {
        return new Trap(access == LOAD ? TrapCause.LOAD_PAGE_FAULT
                : access == STORE ? TrapCause.STORE_PAGE_FAULT : TrapCause.INSTRUCTION_PAGE_FAULT, va);
    }

    static Trap accessFault(long va, int access) {
        return new Trap(access == LOAD ? TrapCause.LOAD_ACCESS_FAULT
                : access == STORE ? TrapCause.STORE_ACCESS_FAULT : TrapCause.INSTRUCTION_ACCESS_FAULT, va);
    }
}
