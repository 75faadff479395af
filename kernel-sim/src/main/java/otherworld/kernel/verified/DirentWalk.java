package otherworld.kernel.verified;

/**
 * The walk over the entries of an ext2 directory block, which ext2 chains by
 * their rec_len: entry {inode u32, rec_len u16, name_len u8, file_type u8, name}
 * at offset off is followed by the entry at off + rec_len, and the last one ends
 * exactly at the end of the block. A block read from a disk may hold anything:
 * the walk stops on every input and accepts only a chain that tiles the block.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public final class DirentWalk {

    private DirentWalk() {
    }

    /** Offset of rec_len in an entry. */
    public static final int REC_LEN = 4;
    /** Offset of name_len in an entry. */
    public static final int NAME_LEN = 6;
    /** Offset of the name in an entry: the fixed part is 8 bytes. */
    public static final int NAME = 8;
    /** The shortest entry: a one-byte name, 8 + 1 rounded up to a multiple of 4. */
    public static final int MIN_REC_LEN = 12;

    /**
     * Walks the directory block {@code blk[0 .. blockSize)}. When every entry is
     * sound (its rec_len is at least 12, a multiple of 4, holds the 8-byte header
     * and the name, and ends inside the block), returns the number n of entries
     * and leaves entry k at {@code offs[k] .. offs[k+1])} for k below n, with
     * offs[0] == 0 and offs[n] == blockSize. Otherwise returns -1 - off for the
     * first entry, at off, that is not sound.
     */
    /*@ public normal_behavior
      @   requires blk != null && offs != null;
      @   requires MIN_REC_LEN <= blockSize && blockSize <= blk.length;
      @   requires offs.length > blockSize / MIN_REC_LEN;
      @   ensures \result != 0;
      @   ensures \result < 0 ==> 0 <= -1 - \result && -1 - \result < blockSize;
      @   ensures \result > 0 ==> \result <= blockSize / MIN_REC_LEN && offs[0] == 0 && offs[\result] == blockSize;
      @   ensures \result > 0 ==> (\forall int k; 0 <= k && k < \result;
      @        offs[k + 1] - offs[k] == (blk[offs[k] + REC_LEN] + 256) % 256 + 256 * ((blk[offs[k] + REC_LEN + 1] + 256) % 256)
      @        && offs[k + 1] - offs[k] >= MIN_REC_LEN && (offs[k + 1] - offs[k]) % 4 == 0
      @        && NAME + (blk[offs[k] + NAME_LEN] + 256) % 256 <= offs[k + 1] - offs[k]);
      @   assignable offs[*];
      @*/
    public static int walk(byte[] blk, int blockSize, int[] offs) {
        int off = 0;
        int n = 0;
        offs[0] = 0;
        /*@ loop_invariant 0 <= n && MIN_REC_LEN * n <= off && off <= blockSize && offs[n] == off;
          @ loop_invariant n == 0 ==> off == 0;
          @ loop_invariant offs[0] == 0;
          @ loop_invariant (\forall int k; 0 <= k && k < n;
          @        offs[k + 1] - offs[k] == (blk[offs[k] + REC_LEN] + 256) % 256 + 256 * ((blk[offs[k] + REC_LEN + 1] + 256) % 256)
          @        && offs[k + 1] - offs[k] >= MIN_REC_LEN && (offs[k + 1] - offs[k]) % 4 == 0
          @        && NAME + (blk[offs[k] + NAME_LEN] + 256) % 256 <= offs[k + 1] - offs[k]);
          @ assignable offs[*];
          @ decreases blockSize - off;
          @*/
        while (off < blockSize) {
            if (off > blockSize - MIN_REC_LEN) {
                return -1 - off; // not even the header of an entry fits
            }
            int rec = LittleEndian.u16(blk, off + REC_LEN);
            int nameLen = LittleEndian.u8(blk, off + NAME_LEN);
            if (rec < MIN_REC_LEN || rec % 4 != 0 || rec > blockSize - off || NAME + nameLen > rec) {
                return -1 - off;
            }
            off = off + rec;
            n = n + 1;
            offs[n] = off;
        }
        return n;
    }
}
