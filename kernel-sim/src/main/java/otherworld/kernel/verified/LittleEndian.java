package otherworld.kernel.verified;

/**
 * Little-endian unsigned fields of a byte array: what the ELF loader reads from
 * an executable and the ext2 code from a directory block.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public final class LittleEndian {

    private LittleEndian() {
    }

    /**
     * The unsigned byte at {@code off}. The requires_free clause is what Java's
     * byte type guarantees: KeY's heap model does not know it, and callers need
     * not prove it. The contracts state unsigned bytes as {@code (x >= 0 ? x : x + 256)}:
     * KeY proves that form by cases, where {@code (x + 256) % 256} sends it into
     * division lemmas.
     */
    /*@ public normal_behavior
      @   requires b != null && 0 <= off && off < b.length;
      @   requires_free -128 <= b[off] && b[off] <= 127;
      @   ensures 0 <= \result && \result < 256;
      @   ensures \result == (b[off] >= 0 ? b[off] : b[off] + 256);
      @   assignable \nothing;
      @*/
    public static int u8(byte[] b, int off) {
        int v = b[off];
        if (v < 0) {
            v = v + 256;
        }
        return v;
    }

    /** The little-endian unsigned 16-bit field at {@code off}. */
    /*@ public normal_behavior
      @   requires b != null && 0 <= off && off <= b.length - 2;
      @   requires_free -128 <= b[off + 1] && b[off + 1] <= 127;
      @   ensures 0 <= \result && \result < 65536;
      @   ensures \result < 32768 <==> b[off + 1] >= 0;
      @   ensures \result == (b[off] >= 0 ? b[off] : b[off] + 256) + 256 * (b[off + 1] >= 0 ? b[off + 1] : b[off + 1] + 256);
      @   assignable \nothing;
      @*/
    public static int u16(byte[] b, int off) {
        return u8(b, off) + 256 * u8(b, off + 1);
    }

    /** The little-endian unsigned 32-bit field at {@code off}. */
    /*@ public normal_behavior
      @   requires b != null && 0 <= off && off <= b.length - 4;
      @   requires_free -128 <= b[off + 3] && b[off + 3] <= 127;
      @   ensures 0 <= \result && \result < 4294967296L;
      @   ensures \result < 2147483648L <==> b[off + 3] >= 0;
      @   ensures \result == (b[off] >= 0 ? b[off] : b[off] + 256) + 256 * (b[off + 1] >= 0 ? b[off + 1] : b[off + 1] + 256)
      @        + 65536 * (b[off + 2] >= 0 ? b[off + 2] : b[off + 2] + 256) + 16777216L * (b[off + 3] >= 0 ? b[off + 3] : b[off + 3] + 256);
      @   assignable \nothing;
      @*/
    public static long u32(byte[] b, int off) {
        long lo = u16(b, off);
        long hi = u16(b, off + 2);
        return lo + 65536 * hi;
    }

    /**
     * The little-endian 64-bit field at {@code off}, as the long with the same
     * bits: lo + 2^32 * hi, where lo is the unsigned low half and hi the high
     * half read as a signed int (its top byte signed), so that the result is
     * negative exactly when bit 63 is set. No step overflows. The contract says
     * the same in the bytes: the top byte is the one taken signed.
     */
    /*@ public normal_behavior
      @   requires b != null && 0 <= off && off <= b.length - 8;
      @   requires_free (\forall int i; off <= i && i < off + 8; -128 <= b[i] && b[i] <= 127);
      @   ensures \result >= 0 <==> b[off + 7] >= 0;
      @   ensures \result == (b[off] >= 0 ? b[off] : b[off] + 256) + 256 * (b[off + 1] >= 0 ? b[off + 1] : b[off + 1] + 256)
      @          + 65536 * (b[off + 2] >= 0 ? b[off + 2] : b[off + 2] + 256) + 16777216L * (b[off + 3] >= 0 ? b[off + 3] : b[off + 3] + 256)
      @      + 4294967296L * ((b[off + 4] >= 0 ? b[off + 4] : b[off + 4] + 256) + 256 * (b[off + 5] >= 0 ? b[off + 5] : b[off + 5] + 256)
      @          + 65536 * (b[off + 6] >= 0 ? b[off + 6] : b[off + 6] + 256) + 16777216L * b[off + 7]);
      @   assignable \nothing;
      @*/
    public static long u64(byte[] b, int off) {
        long lo = u32(b, off);
        long hi = u16(b, off + 4) + 65536L * (u8(b, off + 6) + 256 * b[off + 7]); // the high half, signed
        return lo + hi * 4294967296L;
    }
}
