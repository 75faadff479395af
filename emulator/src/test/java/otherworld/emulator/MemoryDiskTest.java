package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The sparse, copy-on-write disk against a plain array under random reads, writes and copies. */
class MemoryDiskTest {
    static final int S = BlockDevice.SECTOR;

    /** A disk and the plain array it must read as, with the writes it must have counted. */
    private static final class Pair {
        final MemoryDisk disk;
        final byte[] plain;
        long writes;

        Pair(MemoryDisk disk, byte[] plain) {
            this.disk = disk;
            this.plain = plain;
        }
    }

    /** Data to write: all zeros, all random, or random with zero sectors and zero chunks among it. */
    private static byte[] data(Random rnd, int len) {
        byte[] b = new byte[len];
        int kind = rnd.nextInt(3);
        if (kind == 0) return b;
        rnd.nextBytes(b);
        if (kind == 2) {
            for (int s = 0; s < len; s += S) if (rnd.nextBoolean()) Arrays.fill(b, s, s + S, (byte) 0);
        }
        return b;
    }

    @Property(tries = 300)
    void readsAsAPlainArrayDoesUnderRandomWritesAndCopies(@ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int sectors,
                                                          @ForAll boolean fromImage) {
        Random rnd = new Random(seed);
        int size = sectors * S;
        byte[] start = fromImage ? data(rnd, size) : new byte[size];
        byte[] given = start.clone();
        List<Pair> disks = new ArrayList<>();
        disks.add(new Pair(fromImage ? new MemoryDisk(start) : MemoryDisk.blank(size), start.clone()));
        for (int op = 0; op < 60; op++) {
            Pair p = disks.get(rnd.nextInt(disks.size()));
            int at = rnd.nextInt(sectors) * S, len = (1 + rnd.nextInt(Math.min(sectors - at / S, 20))) * S;
            switch (rnd.nextInt(4)) {
                case 0, 1 -> {
                    byte[] src = new byte[len + 2 * S];
                    byte[] d = data(rnd, len);
                    System.arraycopy(d, 0, src, S, len);
                    p.disk.write(at, src, S, len);
                    System.arraycopy(d, 0, p.plain, at, len);
                    p.writes++;
                }
                case 2 -> {
                    byte[] dst = new byte[len + 2 * S];
                    Arrays.fill(dst, (byte) 0x5A); // a read overwrites every byte it returns, zeros included
                    p.disk.read(at, dst, S, len);
                    assertArrayEquals(Arrays.copyOfRange(p.plain, at, at + len), Arrays.copyOfRange(dst, S, S + len));
                    assertEquals(0x5A, dst[S - 1]);
                    assertEquals(0x5A, dst[S + len]);
                }
                default -> disks.add(new Pair(p.disk.copy(), p.plain.clone()));
            }
        }
        for (Pair p : disks) {
            assertArrayEquals(p.plain, p.disk.image());
            assertEquals(p.writes, p.disk.writeCount());
            assertEquals(size, p.disk.sizeBytes());
        }
        assertArrayEquals(given, start, "the image given is not changed");
    }

    @Test
    void freeSpaceCostsNothing() {
        MemoryDisk d = MemoryDisk.blank(1L << 30);
        assertEquals(0, d.allocatedBytes());
        d.write(4096, new byte[8192], 0, 8192); // zeros on an empty chunk: nothing to keep
        assertEquals(0, d.allocatedBytes());
        assertEquals(1, d.writeCount());
        byte[] one = new byte[S];
        one[7] = 1;
        d.write(5L << 20, one, 0, S);
        assertEquals(MemoryDisk.CHUNK, d.allocatedBytes());
        byte[] back = new byte[2 * S];
        d.read((5L << 20) - S, back, 0, back.length);
        assertEquals(1, back[S + 7]);
        assertEquals(2, d.writeCount());
    }

    @Test
    void aCopySharesChunksUntilOneIsWritten() {
        byte[] img = new byte[4 * MemoryDisk.CHUNK];
        img[0] = 1;
        img[3 * MemoryDisk.CHUNK] = 3;
        MemoryDisk a = new MemoryDisk(img);
        a.write(0, new byte[S], 0, S);
        MemoryDisk b = a.copy();
        assertEquals(0, b.writeCount(), "a copy is a disk just powered on");
        byte[] two = new byte[S];
        Arrays.fill(two, (byte) 2);
        b.write(3 * MemoryDisk.CHUNK, two, 0, S);
        assertEquals(3, a.image()[3 * MemoryDisk.CHUNK], "the original keeps its bytes");
        assertEquals(2, b.image()[3 * MemoryDisk.CHUNK]);
        a.write(3 * MemoryDisk.CHUNK + S, two, 0, S);
        assertEquals(0, b.image()[3 * MemoryDisk.CHUNK + S], "and the copy its own");
    }

    @Test
    void badRequestsAndSizesAreRefused() {
        MemoryDisk d = MemoryDisk.blank(8 * S);
        byte[] b = new byte[2 * S];
        assertThrows(IllegalArgumentException.class, () -> d.read(1, b, 0, S));
        assertThrows(IllegalArgumentException.class, () -> d.read(7 * S, b, 0, 2 * S));
        assertThrows(IllegalArgumentException.class, () -> d.write(-S, b, 0, S));
        assertThrows(IllegalArgumentException.class, () -> d.write(0, b, 0, 100));
        assertEquals(0, d.writeCount());
        assertThrows(IllegalArgumentException.class, () -> new MemoryDisk(new byte[S + 1]));
        assertThrows(IllegalArgumentException.class, () -> MemoryDisk.blank(-S));
        assertThrows(IllegalArgumentException.class, () -> MemoryDisk.blank(1L << 60));
        assertThrows(IllegalStateException.class, () -> MemoryDisk.blank(4L << 30).image());
    }
}
