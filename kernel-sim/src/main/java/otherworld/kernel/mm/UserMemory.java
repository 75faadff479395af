package otherworld.kernel.mm;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Sv39;

/**
 * Copies between the kernel and a process's memory, translating through its page tables in software with the
 * same checks the hart makes (V, U, R for reading, W for writing). A bad user pointer gives false (EFAULT), never
 * an exception. User memory is written directly: a call that is rolled back may have written its output buffer
 * (as after any failed call), never kernel state.
 */
public final class UserMemory {
    private final KMem kernel;
    private final KMem user;

    /**
     * Makes a page present that a mapping allows but that is not mapped yet (demand paging), or writable when it is
     * copy-on-write: the one fault handler, {@code AddressSpaces.fault}.
     */
    public interface Pager {
        /** Whether the page holding va is now mapped with the permission need (R or W). */
        boolean fault(long rootPa, long va, int need);
    }

    private Pager pager;

    /** The running kernel's pager; a crash kernel's view has none (it reads what is there). */
    public void pager(Pager p) { this.pager = p; }

    /** {@code kernel} reads page tables; {@code user} reads and writes user frames. */
    public UserMemory(KMem kernel, KMem user) {
        this.kernel = kernel;
        this.user = user;
    }

    /**
     * Physical address for va in the address space rooted at rootPa with the needed permission, or -1. A page a
     * mapping allows is made present first (as the hart's page fault would).
     */
    public long translate(long rootPa, long va, int need) {
        long pa = walk(rootPa, va, need);
        if (pa < 0 && pager != null && va >= 0 && va < Sv39.USER_VA_LIMIT && pager.fault(rootPa, va, need)) {
            pa = walk(rootPa, va, need);
        }
        return pa;
    }

    private long walk(long rootPa, long va, int need) {
        if (va < 0 || va >= Sv39.USER_VA_LIMIT) return -1;
        long table = rootPa;
        for (int level = 2; level >= 0; level--) {
            long pte = kernel.r64(table + 8L * Sv39.vpn(va, level));
            if (!Sv39.isValid(pte)) return -1;
            if (Sv39.isLeaf(pte)) {
                if (level != 0) return -1;
                if ((Sv39.pteFlags(pte) & (need | Sv39.PTE_U)) != (need | Sv39.PTE_U)) return -1;
                if ((Sv39.pteFlags(pte) & (Sv39.PTE_R | Sv39.PTE_W)) == Sv39.PTE_W) return -1; // PROT_NONE (Vma.pteBits)
                return Sv39.paOf(Sv39.ptePpn(pte)) + Sv39.pageOffset(va);
            }
            table = Sv39.paOf(Sv39.ptePpn(pte));
        }
        return -1;
    }

    public boolean copyIn(long rootPa, long va, byte[] dst, int off, int len) {
        while (len > 0) {
            long pa = translate(rootPa, va, Sv39.PTE_R);
            if (pa < 0) return false;
            int n = (int) Math.min(len, Sv39.PAGE_SIZE - Sv39.pageOffset(va));
            user.read(pa, dst, off, n);
            va += n;
            off += n;
            len -= n;
        }
        return true;
    }

    public boolean copyOut(long rootPa, long va, byte[] src, int off, int len) {
        // Check the whole range first so a bad pointer writes nothing.
        for (long p = Sv39.pageBase(va); len > 0 && p < va + len; p += Sv39.PAGE_SIZE) {
            if (translate(rootPa, Math.max(p, va), Sv39.PTE_W) < 0) return false;
        }
        while (len > 0) {
            long pa = translate(rootPa, va, Sv39.PTE_W);
            int n = (int) Math.min(len, Sv39.PAGE_SIZE - Sv39.pageOffset(va));
            user.write(pa, src, off, n);
            va += n;
            off += n;
            len -= n;
        }
        return true;
    }

    /** A NUL-terminated string of at most max bytes, or null on a bad pointer or no terminator. */
    public String string(long rootPa, long va, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            long pa = translate(rootPa, va + i, Sv39.PTE_R);
            if (pa < 0) return null;
            int c = user.r8(pa);
            if (c == 0) return sb.toString();
            sb.append((char) c);
        }
        return null;
    }

    public boolean put64(long rootPa, long va, long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return copyOut(rootPa, va, b, 0, 8);
    }
}
