package otherworld.emulator;

/**
 * What a hardware debugger sees: RAM read through the Sv39 page tables named by a satp value, walked the way the
 * hart walks them, without touching the TLB, the A/D bits or anything else. Tests and the conformance harness
 * observe processes through this (DESIGN rule 6), never through a kernel's structures or objects.
 */
public final class DebugPort {
    /** Returned for a virtual address with no valid leaf mapping. */
    public static final long UNMAPPED = -1;

    private final PhysicalMemory memory;

    public DebugPort(PhysicalMemory memory) { this.memory = memory; }

    /** Physical address of va under satp (any leaf, any permission), or {@link #UNMAPPED}. */
    public long translate(long satp, long va) {
        if ((satp >>> 60) != 8) return UNMAPPED;
        long table = (satp & ((1L << 44) - 1)) << 12;
        for (int level = 2; level >= 0; level--) {
            long slot = table + 8L * ((va >>> (12 + 9 * level)) & 511);
            if (!memory.contains(slot, 8)) return UNMAPPED;
            long pte = memory.read64(slot);
            if ((pte & 1) == 0) return UNMAPPED;
            long pa = (pte >>> 10) << 12;
            if ((pte & 0xE) != 0) {
                long mask = (1L << (12 + 9 * level)) - 1;
                long target = (pa & ~mask) | (va & mask);
                return memory.contains(target, 1) ? target : UNMAPPED;
            }
            table = pa;
        }
        return UNMAPPED;
    }

    /** Visits each user leaf page mapped under satp (4 KiB leaves; larger leaves are visited per 4 KiB page). */
    public interface PageVisitor {
        void page(long va, long pa, int flags);
    }

    public void forEachUserPage(long satp, PageVisitor visitor) {
        if ((satp >>> 60) != 8) return;
        walk((satp & ((1L << 44) - 1)) << 12, 2, 0, visitor);
    }

    private void walk(long table, int level, long va, PageVisitor visitor) {
        for (int i = 0; i < 512; i++) {
            long slot = table + 8L * i;
            if (!memory.contains(slot, 8)) return;
            long pte = memory.read64(slot);
            if ((pte & 1) == 0) continue;
            long pa = (pte >>> 10) << 12;
            long v = va | ((long) i << (12 + 9 * level));
            if ((pte & 0xE) == 0) {
                if (level > 0) walk(pa, level - 1, v, visitor);
            } else if ((pte & 0x10) != 0) {
                for (long off = 0; off < (1L << (12 + 9 * level)); off += 4096) {
                    if (memory.contains(pa + off, 4096)) visitor.page(v + off, pa + off, (int) (pte & 0xFF));
                }
            }
        }
    }

    /** A 64-bit word at a user virtual address, or null if unmapped. */
    public Long read64(long satp, long va) {
        long pa = translate(satp, va);
        return pa == UNMAPPED || !memory.contains(pa, 8) ? null : memory.read64(pa);
    }

    /** A hash of every user page mapped under satp, with its virtual address. */
    public long hashUserMemory(long satp) {
        long[] h = {1125899906842597L};
        forEachUserPage(satp, (va, pa, flags) -> {
            h[0] = 31 * h[0] + va;
            for (int k = 0; k < 4096; k += 8) h[0] = 31 * h[0] + memory.read64(pa + k);
        });
        return h[0];
    }
}
