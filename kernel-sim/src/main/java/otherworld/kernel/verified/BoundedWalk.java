package otherworld.kernel.verified;

/**
 * Walks over structures read from a dead kernel that stop, whatever they hold:
 * a linked list that may have a cycle or a bad link, and a chain of ext2
 * directory entries that may not tile its block.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public final class BoundedWalk {

    private BoundedWalk() {
    }

    /**
     * The number of nodes of the list starting at {@code head}, where
     * {@code next[i]} is the index of the successor of node i or -1 at the end;
     * -1 if a link is out of range, a node repeats (a cycle), or the list has more
     * than {@code max} nodes. An empty list (head == -1) has length 0.
     *
     * <p>No visited set is needed: nodes are indices below next.length, so a walk
     * that reaches next.length + 1 nodes has visited one of them twice.
     */
    /*@ public normal_behavior
      @   requires next != null;
      @   requires max >= 0;
      @   ensures -1 <= \result && \result <= max && \result <= next.length;
      @   ensures head == -1 ==> \result == 0;
      @   ensures (head < -1 || head >= next.length) ==> \result == -1;
      @   ensures (max == 0 && head != -1) ==> \result == -1;
      @   assignable \nothing;
      @*/
    public static int listLength(int[] next, int head, int max) {
        int cur = head;
        int count = 0;
        /*@ loop_invariant 0 <= count && count <= max && count <= next.length;
          @ loop_invariant count == 0 ==> cur == head;
          @ loop_invariant count > 0 ==> (0 <= head && head < next.length);
          @ assignable \strictly_nothing;
          @ decreases next.length - count;
          @*/
        while (cur != -1) {
            if (cur < 0 || cur >= next.length) {
                return -1;
            }
            if (count >= max || count >= next.length) {
                return -1;
            }
            count = count + 1;
            cur = next[cur];
        }
        return count;
    }

    /**
     * Whether the first {@code count} rec_len values of an ext2 directory block
     * tile it exactly: each is at least 8 and a multiple of 4, each entry ends
     * inside the block, and the last one ends exactly at {@code blockSize}.
     */
    /*@ public normal_behavior
      @   requires recLens != null;
      @   requires 0 <= count && count <= recLens.length;
      @   requires blockSize > 0;
      @   ensures \result ==> count >= 1;
      @   ensures \result ==> (\forall int k; 0 <= k && k < count; recLens[k] >= 8 && recLens[k] % 4 == 0);
      @   ensures \result ==> (\sum int k; 0 <= k && k < count; recLens[k]) == blockSize;
      @   assignable \nothing;
      @*/
    public static boolean direntChainOk(int[] recLens, int count, int blockSize) {
        int off = 0;
        /*@ loop_invariant 0 <= i && i <= count;
          @ loop_invariant 0 <= off && off <= blockSize;
          @ loop_invariant off >= 8 * i;
          @ loop_invariant (\forall int k; 0 <= k && k < i; recLens[k] >= 8 && recLens[k] % 4 == 0);
          @ loop_invariant off == (\sum int k; 0 <= k && k < i; recLens[k]);
          @ assignable \strictly_nothing;
          @ decreases count - i;
          @*/
        for (int i = 0; i < count; i++) {
            int r = recLens[i];
            if (r < 8 || r % 4 != 0 || r > blockSize - off) {
                return false;
            }
            off = off + r;
        }
        return count >= 1 && off == blockSize;
    }
}
