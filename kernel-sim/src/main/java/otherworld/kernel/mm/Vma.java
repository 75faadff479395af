package otherworld.kernel.mm;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.verified.Sv39;

/**
 * One mapping of a task, as a value (its record in guest RAM: {@code Layouts.VMA}). {@code prot} has Linux's
 * PROT_READ/WRITE/EXEC bits; {@code flags} the VM_ bits of {@code Layouts}; a file mapping names its inode and the
 * file offset of {@code start}.
 */
public record Vma(long start, long end, long offset, int prot, int flags, int ino) {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    public boolean contains(long va) { return va >= start && va < end; }

    public boolean shared() { return (flags & VM_SHARED) != 0; }

    public boolean file() { return (flags & VM_FILE) != 0; }

    public long pages() { return (end - start) / Sv39.PAGE_SIZE; }

    /** File offset of the page at va (file mappings). */
    public long fileOffset(long va) { return offset + (va - start); }

    /** The part [s, e) of this mapping, its file offset moved with it. */
    public Vma slice(long s, long e) { return new Vma(s, e, file() ? fileOffset(s) : 0, prot, flags, ino); }

    public Vma withProt(int p) { return new Vma(start, end, offset, p, flags, ino); }

    /** Whether next, starting where this ends, continues it (same backing, same protection): the two may be one. */
    public boolean continuedBy(Vma next) {
        return end == next.start && prot == next.prot && flags == next.flags && ino == next.ino
                && (flags & (VM_HEAP | VM_STACK | VM_GUARD)) == 0 && (!file() || fileOffset(end) == next.offset);
    }

    /** The PTE permission bits (R, W, X) for this protection. */
    public int pteBits() { return pteBits(prot); }

    /**
     * PTE bits R, W, X for a protection. PROT_NONE on a page that is present is W alone: an encoding Sv39 reserves,
     * on which the hart faults for every access, and which a page walk still counts as a user leaf, so the frame and
     * its bytes stay the task's (through a crash too) until mprotect gives access back.
     */
    public static int pteBits(int prot) {
        if ((prot & 7) == 0) return Sv39.PTE_W;
        int f = 0;
        if ((prot & PROT_READ) != 0) f |= Sv39.PTE_R;
        if ((prot & PROT_WRITE) != 0) f |= Sv39.PTE_W | Sv39.PTE_R;
        if ((prot & PROT_EXEC) != 0) f |= Sv39.PTE_X;
        return f;
    }

    /** The protection for PTE bits R, W, X (what exec gives a segment). */
    public static int protOf(long pteBits) {
        int p = 0;
        if ((pteBits & Sv39.PTE_R) != 0) p |= PROT_READ;
        if ((pteBits & Sv39.PTE_W) != 0) p |= PROT_WRITE;
        if ((pteBits & Sv39.PTE_X) != 0) p |= PROT_EXEC;
        return p;
    }

    @Override public String toString() {
        return String.format("[0x%x, 0x%x) prot %d flags %d%s", start, end, prot, flags,
                file() ? " ino " + ino + "@" + offset : "");
    }
}
