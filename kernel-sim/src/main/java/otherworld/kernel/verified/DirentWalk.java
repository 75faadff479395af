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
     * The rec_len of the entry at {@code off} of the block {@code blk[0 .. blockSize)}
     * if the entry is sound: its 8-byte header lies in the block, and its rec_len
     * is at least 12, a multiple of 4, holds the header and the name, and ends
     * inside the block. Otherwise -1. Exact both ways: a sound entry is never
     * rejected (a directory ext2 wrote must stay readable).
     */
    /*@ public normal_behavior
      @   requires blk != null && 0 <= off && off < blockSize && blockSize <= blk.length;
      @   ensures \result == -1 || (MIN_REC_LEN <= \result && \result <= blockSize - off && \result % 4 == 0
      @        && \result == (blk[off + REC_LEN] >= 0 ? blk[off + REC_LEN] : blk[off + REC_LEN] + 256) + 256 * (blk[off + REC_LEN + 1] >= 0 ? blk[off + REC_LEN + 1] : blk[off + REC_LEN + 1] + 256)
      @        && NAME + (blk[off + NAME_LEN] >= 0 ? blk[off + NAME_LEN] : blk[off + NAME_LEN] + 256) <= \result);
      @   ensures (off <= blockSize - MIN_REC_LEN && MIN_REC_LEN <= (blk[off + REC_LEN] >= 0 ? blk[off + REC_LEN] : blk[off + REC_LEN] + 256) + 256 * (blk[off + REC_LEN + 1] >= 0 ? blk[off + REC_LEN + 1] : blk[off + REC_LEN + 1] + 256)
      @        && ((blk[off + REC_LEN] >= 0 ? blk[off + REC_LEN] : blk[off + REC_LEN] + 256) + 256 * (blk[off + REC_LEN + 1] >= 0 ? blk[off + REC_LEN + 1] : blk[off + REC_LEN + 1] + 256)) % 4 == 0
      @        && (blk[off + REC_LEN] >= 0 ? blk[off + REC_LEN] : blk[off + REC_LEN] + 256) + 256 * (blk[off + REC_LEN + 1] >= 0 ? blk[off + REC_LEN + 1] : blk[off + REC_LEN + 1] + 256) <= blockSize - off
      @        && NAME + (blk[off + NAME_LEN] >= 0 ? blk[off + NAME_LEN] : blk[off + NAME_LEN] + 256) <= (blk[off + REC_LEN] >= 0 ? blk[off + REC_LEN] : blk[off + REC_LEN] + 256) + 256 * (blk[off + REC_LEN + 1] >= 0 ? blk[off + REC_LEN + 1] : blk[off + REC_LEN + 1] + 256)) ==> \result != -1;
      @   assignable \nothing;
      @*/
    public static int entry(byte[] blk, int off, int blockSize) {
        if (off > blockSize - MIN_REC_LEN) {
            return -1; // not even the header of an entry fits
        }
        int rec = LittleEndian.u16(blk, off + REC_LEN);
        int nameLen = LittleEndian.u8(blk, off + NAME_LEN);
        if (rec < MIN_REC_LEN || rec % 4 != 0 || rec > blockSize - off || NAME + nameLen > rec) {
            return -1;
        }
        return rec;
    }

    /**
     * Walks the directory block {@code blk[0 .. blockSize)} along its rec_lens,
     * each entry checked by {@link #entry}. When every entry is sound, returns
     * the number n of entries, entry k lying at {@code offs[k] .. offs[k+1])} with
     * offs[0] == 0 and offs[n] == blockSize, and its name_len in names[k].
     * Otherwise returns -1 - off for the first entry, at off, that is not sound.
     *
     * <p>The contract states what the ext2 code relies on when it uses the
     * entries: they tile the block, each at least 12 bytes and 4-aligned, and
     * each name lies inside its entry. That offs[k+1] - offs[k] and names[k] are
     * the rec_len and name_len on disk is entry's contract, applied at each step
     * (and checked against the old walk by the unit tests).
     */
    /*@ public normal_behavior
      @   requires blk != null && offs != null && names != null && offs != names;
      @   requires MIN_REC_LEN <= blockSize && blockSize <= blk.length;
      @   requires MIN_REC_LEN * offs.length > blockSize && MIN_REC_LEN * (names.length + 1) > blockSize;
      @   ensures \result != 0;
      @   ensures \result < 0 ==> 0 <= -1 - \result && -1 - \result < blockSize;
      @   ensures \result > 0 ==> MIN_REC_LEN * \result <= blockSize && offs[0] == 0 && offs[\result] == blockSize;
      @   ensures \result > 0 ==> (\forall int k; 0 <= k && k < \result;
      @        offs[k + 1] - offs[k] >= MIN_REC_LEN && (offs[k + 1] - offs[k]) % 4 == 0
      @        && 0 <= names[k] && NAME + names[k] <= offs[k + 1] - offs[k]);
      @   assignable offs[*], names[*];
      @*/
    public static int walk(byte[] blk, int blockSize, int[] offs, int[] names) {
        int off = 0;
        int n = 0;
        offs[0] = 0;
        /*@ loop_invariant 0 <= n && MIN_REC_LEN * n <= off && off <= blockSize && offs[n] == off && offs[0] == 0;
          @ loop_invariant (\forall int k; 0 <= k && k < n;
          @        offs[k + 1] - offs[k] >= MIN_REC_LEN && (offs[k + 1] - offs[k]) % 4 == 0
          @        && 0 <= names[k] && NAME + names[k] <= offs[k + 1] - offs[k]);
          @ assignable offs[*], names[*];
          @ decreases blockSize - off;
          @*/
        while (off < blockSize) {
            int next = step(blk, off, blockSize, offs, names, n);
            if (next < 0) {
                return -1 - off;
            }
            off = next;
            n = n + 1;
        }
        return n;
    }

    /**
     * One step of {@link #walk}: the entry at {@code off}, checked by {@link #entry}. If it is sound, records it as
     * entry n (its end in offs[n + 1], its name_len in names[n]) and returns its end; otherwise returns -1 and
     * writes nothing. (An entry needs 12 bytes: the arrays need room only when that many are left.) A method of its
     * own so that the walk's proof sees only these facts, not the bytes.
     */
    /*@ public normal_behavior
      @   requires blk != null && offs != null && names != null && offs != names;
      @   requires 0 <= off && off < blockSize && blockSize <= blk.length;
      @   requires 0 <= n && (off <= blockSize - MIN_REC_LEN ==> n + 1 < offs.length && n < names.length);
      @   ensures \result == -1 || (off + MIN_REC_LEN <= \result && \result <= blockSize && (\result - off) % 4 == 0
      @        && offs[n + 1] == \result && 0 <= names[n] && NAME + names[n] <= \result - off);
      @   ensures \result == -1 ==> offs[n + 1] == \old(offs[n + 1]) && names[n] == \old(names[n]);
      @   assignable offs[n + 1], names[n];
      @*/
    public static int step(byte[] blk, int off, int blockSize, int[] offs, int[] names, int n) {
        int rec = entry(blk, off, blockSize);
        if (rec < 0) {
            return -1;
        }
        names[n] = LittleEndian.u8(blk, off + NAME_LEN);
        offs[n + 1] = off + rec;
        return off + rec;
    }
}
