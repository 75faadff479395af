package otherworld.kernel.verified;

/**
 * Sv39 page-table arithmetic: virtual page numbers, page-table entries, satp.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md). Where a
 * range has to be proved, the arithmetic form ({@code /}, {@code %}) is used instead
 * of shifts and masks; the unit tests check that both forms agree.
 *
 * <p>A PTE read from a dead kernel's memory may hold any 64 bits, so the PTE
 * accessors accept every long; address helpers that would differ between the
 * arithmetic and the bitwise form on negative numbers require a non-negative
 * argument.
 */
public final class Sv39 {

    private Sv39() {
    }

    /** Bytes in a page. */
    public static final long PAGE_SIZE = 4096L;
    /** log2(PAGE_SIZE). */
    public static final int PAGE_SHIFT = 12;
    /** Entries in one page-table page. */
    public static final int PTES_PER_PAGE = 512;
    /** Levels of an Sv39 table: 2 (root), 1, 0 (4 KiB leaves). */
    public static final int LEVELS = 3;

    public static final int PTE_V = 1;
    public static final int PTE_R = 2;
    public static final int PTE_W = 4;
    public static final int PTE_X = 8;
    public static final int PTE_U = 16;
    public static final int PTE_G = 32;
    public static final int PTE_A = 64;
    public static final int PTE_D = 128;

    /** 2^38: user addresses are [0, USER_VA_LIMIT), the lower half of Sv39. */
    public static final long USER_VA_LIMIT = 274877906944L;
    /** 2^39: every Sv39 address below this is canonical and non-negative. */
    public static final long VA_LIMIT = 549755813888L;
    /** 2^44: PPNs in a PTE and in satp have 44 bits. */
    public static final long PPN_LIMIT = 17592186044416L;
    /** satp MODE field for Sv39 (8 in bits 63..60), that is 8L << 60. */
    public static final long SATP_MODE_SV39 = 0x8000000000000000L;

    /**
     * The virtual page number of {@code va} at {@code level}: bits
     * 12+9*level .. 20+9*level of va.
     */
    /*@ public normal_behavior
      @   requires 0 <= va && va < VA_LIMIT;
      @   requires 0 <= level && level <= 2;
      @   ensures 0 <= \result && \result < 512;
      @   ensures level == 0 ==> \result == (va / 4096) % 512;
      @   ensures level == 1 ==> \result == (va / 4096 / 512) % 512;
      @   ensures level == 2 ==> \result == (va / 4096 / 262144) % 512;
      @   assignable \nothing;
      @*/
    public static int vpn(long va, int level) {
        long x = va / 4096;
        if (level == 1) {
            x = x / 512;
        } else if (level == 2) {
            x = x / 262144;
        }
        return (int) (x % 512);
    }

    /** A PTE with physical page number {@code ppn} and flag bits {@code flags} (ppn << 10 | flags). */
    /*@ public normal_behavior
      @   requires 0 <= ppn && ppn < PPN_LIMIT;
      @   requires 0 <= flags && flags < 1024;
      @   ensures \result == ppn * 1024 + flags;
      @   ensures \result >= 0;
      @   assignable \nothing;
      @*/
    public static long makePte(long ppn, int flags) {
        return ppn * 1024 + flags;
    }

    /** Bits 53..10 of a PTE: its physical page number, for every 64-bit value. */
    /*@ public normal_behavior
      @   ensures 0 <= \result && \result < PPN_LIMIT;
      @   ensures \result == ((pte % 18014398509481984L + 18014398509481984L) % 18014398509481984L) / 1024;
      @   assignable \nothing;
      @*/
    public static long ptePpn(long pte) {
        // low 54 bits of pte as a non-negative number, then drop the 10 flag bits
        long low = pte % 18014398509481984L;
        if (low < 0) {
            low = low + 18014398509481984L;
        }
        return low / 1024;
    }

    /** Bits 7..0 of a PTE (V R W X U G A D), for every 64-bit value. */
    /*@ public normal_behavior
      @   ensures 0 <= \result && \result < 256;
      @   ensures \result == (pte % 256 + 256) % 256;
      @   assignable \nothing;
      @*/
    public static int pteFlags(long pte) {
        long low = pte % 256;
        if (low < 0) {
            low = low + 256;
        }
        return (int) low;
    }

    /** Whether flag {@code flag} (one of the PTE_ constants, a power of two) is set in {@code flags}. */
    /*@ public normal_behavior
      @   requires 0 <= flags && flags < 256;
      @   requires flag == 1 || flag == 2 || flag == 4 || flag == 8
      @         || flag == 16 || flag == 32 || flag == 64 || flag == 128;
      @   ensures \result <==> (flags / flag) % 2 == 1;
      @   assignable \nothing;
      @*/
    public static boolean hasFlag(int flags, int flag) {
        return (flags / flag) % 2 == 1;
    }

    /** The V bit. */
    /*@ public normal_behavior
      @   ensures \result <==> pte % 2 != 0;
      @   assignable \nothing;
      @*/
    public static boolean isValid(long pte) {
        return pte % 2 != 0;
    }

    /** V set and any of R, W, X set: the entry maps a page rather than pointing to a table. */
    /*@ public normal_behavior
      @   ensures \result <==> ((pte % 256 + 256) % 256 % 2 == 1
      @         && (((pte % 256 + 256) % 256 / 2) % 2 == 1
      @             || ((pte % 256 + 256) % 256 / 4) % 2 == 1
      @             || ((pte % 256 + 256) % 256 / 8) % 2 == 1));
      @   assignable \nothing;
      @*/
    public static boolean isLeaf(long pte) {
        int f = pteFlags(pte);
        return hasFlag(f, PTE_V) && (hasFlag(f, PTE_R) || hasFlag(f, PTE_W) || hasFlag(f, PTE_X));
    }

    /** The start of the page holding {@code addr} (addr & ~4095), for every long. */
    /*@ public normal_behavior
      @   ensures \result % 4096 == 0;
      @   ensures \result <= addr && addr - \result < 4096;
      @   assignable \nothing;
      @*/
    public static long pageBase(long addr) {
        return addr - pageOffset(addr);
    }

    /** The offset of {@code addr} in its page (addr & 4095), for every long. */
    /*@ public normal_behavior
      @   ensures 0 <= \result && \result < 4096;
      @   ensures \result == (addr % 4096 + 4096) % 4096;
      @   ensures addr >= 0 ==> \result == addr % 4096;
      @   assignable \nothing;
      @*/
    public static long pageOffset(long addr) {
        long off = addr % 4096;
        if (off < 0) {
            off = off + 4096;
        }
        return off;
    }

    /** Physical page number of a physical address. */
    /*@ public normal_behavior
      @   requires pa >= 0;
      @   ensures \result == pa / 4096;
      @   ensures \result >= 0;
      @   assignable \nothing;
      @*/
    public static long ppnOf(long pa) {
        return pa / 4096;
    }

    /** Physical address of a physical page number. */
    /*@ public normal_behavior
      @   requires 0 <= ppn && ppn < PPN_LIMIT;
      @   ensures \result == ppn * 4096;
      @   ensures \result >= 0 && \result % 4096 == 0;
      @   assignable \nothing;
      @*/
    public static long paOf(long ppn) {
        return ppn * 4096;
    }

    /**
     * Whether [va, va+len) lies in the user half of Sv39: 0 <= va, 0 <= len,
     * va + len <= USER_VA_LIMIT, with no overflow for any inputs.
     */
    /*@ public normal_behavior
      @   ensures \result <==> (va >= 0 && len >= 0 && len <= USER_VA_LIMIT
      @                        && va <= USER_VA_LIMIT - len);
      @   ensures \result ==> (va + len <= USER_VA_LIMIT && va + len >= va);
      @   assignable \nothing;
      @*/
    public static boolean isUserRange(long va, long len) {
        return va >= 0 && len >= 0 && len <= USER_VA_LIMIT && va <= USER_VA_LIMIT - len;
    }

    /** The satp value selecting Sv39 with the root table at page {@code rootPpn} (ASID 0). */
    /*@ public normal_behavior
      @   requires 0 <= rootPpn && rootPpn < PPN_LIMIT;
      @   ensures \result == SATP_MODE_SV39 + rootPpn;
      @   ensures \result < 0;
      @   assignable \nothing;
      @*/
    public static long satp(long rootPpn) {
        return SATP_MODE_SV39 + rootPpn;
    }

    /** The physical address of the root table named by a satp value (its low 44 bits times 4096). */
    /*@ public normal_behavior
      @   ensures 0 <= \result && \result < PPN_LIMIT * 4096;
      @   ensures \result % 4096 == 0;
      @   ensures \result == ((satp % PPN_LIMIT + PPN_LIMIT) % PPN_LIMIT) * 4096;
      @   assignable \nothing;
      @*/
    public static long satpRootPa(long satp) {
        long ppn = satp % PPN_LIMIT;
        if (ppn < 0) {
            ppn = ppn + PPN_LIMIT;
        }
        return ppn * 4096;
    }
}
