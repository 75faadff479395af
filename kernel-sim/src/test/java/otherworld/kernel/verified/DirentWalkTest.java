package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DirentWalkTest {

    /** A block of size bytes holding entries with these (rec_len, name_len) pairs, from offset 0 on. */
    static byte[] block(int size, int... recAndNameLen) {
        byte[] b = new byte[size];
        int off = 0;
        for (int i = 0; i + 1 < recAndNameLen.length && off + 8 <= size; i += 2) {
            int rec = recAndNameLen[i];
            b[off + 4] = (byte) rec;
            b[off + 5] = (byte) (rec >>> 8);
            b[off + 6] = (byte) recAndNameLen[i + 1];
            if (rec <= 0) {
                break;
            }
            off += rec;
        }
        return b;
    }

    static int[] offs(int size) {
        return new int[size / DirentWalk.MIN_REC_LEN + 1];
    }

    static int walk(byte[] blk, int size, int[] offs) {
        return walk(blk, size, offs, new int[size / DirentWalk.MIN_REC_LEN]);
    }

    static int walk(byte[] blk, int size, int[] offs, int[] names) {
        return DirentWalk.walk(blk, size, offs, names);
    }

    @Test
    void soundChains() {
        int[] o = offs(64);
        int[] names = new int[64 / 12];
        assertEquals(3, walk(block(64, 12, 1, 12, 2, 40, 5), 64, o, names));
        assertArrayEquals(new int[] {0, 12, 24, 64}, Arrays.copyOf(o, 4));
        assertArrayEquals(new int[] {1, 2, 5}, Arrays.copyOf(names, 3));
        assertEquals(-1, DirentWalk.entry(block(64, 12, 5), 0, 64)); // a name of 5 bytes needs 16
        assertEquals(16, DirentWalk.entry(block(64, 16, 5), 0, 64));
        assertEquals(-1, DirentWalk.entry(block(64, 16, 5), 56, 64)); // header would end past the block
        assertEquals(1, walk(block(64, 64, 0), 64, o));
        assertArrayEquals(new int[] {0, 64}, Arrays.copyOf(o, 2));
        int[] big = offs(4096);
        assertEquals(2, walk(block(4096, 12, 1, 4084, 2), 4096, big)); // "." and ".." of a new directory
        // the most entries a block can hold: all of the shortest kind
        int[] shortest = new int[2 * 341];
        for (int i = 0; i < shortest.length; i += 2) {
            shortest[i] = 12;
            shortest[i + 1] = 4;
        }
        byte[] full = block(4092, shortest);
        assertEquals(341, walk(full, 4092, offs(4092)));
    }

    @Test
    void badChainsNameTheFirstBadEntry() {
        int[] o = offs(64);
        assertEquals(-1, walk(block(64, 0, 0), 64, o)); // rec_len 0 would loop forever
        assertEquals(-1, walk(block(64, 8, 0), 64, o)); // shorter than any entry
        assertEquals(-1 - 12, walk(block(64, 12, 1, 14, 1), 64, o)); // not a multiple of 4
        assertEquals(-1 - 12, walk(block(64, 12, 1, 56, 1), 64, o)); // runs past the end
        assertEquals(-1 - 12, walk(block(64, 12, 1, 12, 5), 64, o)); // name does not fit
        assertEquals(-1 - 60, walk(block(64, 12, 1, 12, 1, 36, 1), 64, o)); // 4 bytes left: no entry fits
        assertEquals(-1, walk(block(64, 0xFFFC, 1), 64, o));
        // the last entry's header would lie past the block: found before any read out of bounds
        assertEquals(-1 - 48, walk(block(56, 12, 1, 12, 1, 12, 1, 12, 1), 56, offs(56)));
    }

    /** The walk Ext2Dir made before it called the proved one, with the header check added. */
    static int reference(byte[] blk, int size, List<Integer> out, List<Integer> names) {
        int off = 0;
        while (off < size) {
            if (off + 12 > size) {
                return -1 - off;
            }
            int rec = (blk[off + 4] & 0xFF) | (blk[off + 5] & 0xFF) << 8;
            int nameLen = blk[off + 6] & 0xFF;
            if (rec < 12 || rec % 4 != 0 || off + rec > size || ((8 + nameLen + 3) & ~3) > rec) {
                return -1 - off;
            }
            out.add(off);
            names.add(nameLen);
            off += rec;
        }
        out.add(size);
        return out.size() - 1;
    }

    @Provide
    Arbitrary<int[]> entries() {
        return Arbitraries.oneOf(Arbitraries.of(12, 16, 20, 24, 32, 64, 80, 128),
                Arbitraries.integers().between(-4, 140)).array(int[].class).ofMinSize(0).ofMaxSize(14);
    }

    @Property(tries = 2000)
    void matchesTheOldWalk(@ForAll("entries") int[] spec) {
        int size = 128;
        byte[] blk = block(size, spec);
        List<Integer> want = new java.util.ArrayList<>();
        List<Integer> wantNames = new java.util.ArrayList<>();
        int expected = reference(blk, size, want, wantNames);
        int[] o = offs(size);
        int[] names = new int[size / 12];
        int n = walk(blk, size, o, names);
        assertEquals(expected, n);
        if (n > 0) {
            assertEquals(want, Arrays.stream(Arrays.copyOf(o, n + 1)).boxed().toList());
            assertEquals(wantNames, Arrays.stream(Arrays.copyOf(names, n)).boxed().toList());
            for (int k = 0; k < n; k++) { // what the contract leaves to entry: the disk's own rec_len
                assertEquals(o[k + 1] - o[k], (blk[o[k] + 4] & 0xFF) | (blk[o[k] + 5] & 0xFF) << 8);
            }
        }
    }
}
