package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static otherworld.kernel.Errno.EIO;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;

/** Corrupt and unsupported images: a clear exception at mount, -EIO later, never a hang or a stray exception. */
class Ext2CorruptionTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void tools() { E2fs.assumeTools(); }

    static Ext2 mount(byte[] image) {
        return new E2fs.Mounted(image, 16).fs;
    }

    static String mountError(byte[] image) {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        BlockCache c = BlockCache.format(TestMem.direct(ram), new MemoryDisk(image), PhysicalMemory.BASE, 16);
        AtomicLong t = new AtomicLong(1_700_000_000L);
        return assertThrows(Ext2Exception.class, () -> Ext2.mount(c, t::incrementAndGet)).getMessage();
    }

    static void put32(byte[] img, long pos, long v) {
        for (int i = 0; i < 4; i++) img[(int) pos + i] = (byte) (v >>> (8 * i));
    }

    static void put16(byte[] img, long pos, int v) {
        img[(int) pos] = (byte) v;
        img[(int) pos + 1] = (byte) (v >>> 8);
    }

    /** An image with /f (20 000 bytes through the single-indirect block) and /d/g, synced. */
    byte[] populated() {
        E2fs.Mounted m = new E2fs.Mounted(E2fs.read(E2fs.mkfs(tmp, "16M")), 16);
        int f = m.fs.create("/f", 0644);
        byte[] d = new byte[60_000];
        m.fs.write(f, 0, d, 0, d.length);
        m.fs.mkdir("/d", 0755);
        m.fs.create("/d/g", 0644);
        m.fs.sync();
        return m.disk.image();
    }

    @Test
    void refusesWhatItCannotMount() {
        assertTrue(mountError(new byte[1 << 20]).contains("not an ext2"));
        assertTrue(mountError(E2fs.read(E2fs.mkfs(tmp, "16M", "-O", "extent"))).contains("INCOMPAT"));
        assertTrue(mountError(E2fs.read(E2fs.mkfs(tmp, "16M", "-O", "metadata_csum"))).contains("RO_COMPAT"));
        Path small = tmp.resolve("b1k.img");
        E2fs.Result r = E2fs.run(java.util.List.of(E2fs.MKE2FS, "-q", "-t", "ext2", "-b", "1024", "-F", small.toString(), "8M"));
        assertEquals(0, r.exit());
        assertTrue(mountError(E2fs.read(small)).contains("block size 1024"));
        // Counts that do not fit the disk: the image cut in half.
        byte[] img = E2fs.read(E2fs.mkfs(tmp, "16M"));
        assertTrue(mountError(java.util.Arrays.copyOf(img, img.length / 2)).contains("the disk only"));
        // A group descriptor whose inode table lies outside the file system.
        byte[] bad = img.clone();
        put32(bad, 4096 + Ext2.GD_INODE_TABLE, 1_000_000);
        assertTrue(mountError(bad).contains("inode table"));
    }

    @Test
    void zeroRecLenIsEioNotAHang() {
        byte[] img = populated();
        Ext2 fs = mount(img);
        long root = Ext2Inode.bmap(fs, Ext2.ROOT_INO, 0, false);
        put16(img, root * 4096 + Ext2Dir.D_REC_LEN, 0);
        Ext2 bad = mount(img);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(-EIO, bad.lookup("/f"));
            assertEquals(-EIO, bad.create("/new", 0644));
            assertEquals(-EIO, bad.unlink("/f"));
            assertNull(bad.list("/"));
            assertThrows(Ext2Exception.class, () -> bad.readdir(Ext2.ROOT_INO, 0));
        });
        // rec_len running past the block end, and one too short for its name
        byte[] img2 = populated();
        long r2 = Ext2Inode.bmap(mount(img2), Ext2.ROOT_INO, 0, false);
        put16(img2, r2 * 4096 + Ext2Dir.D_REC_LEN, 8192);
        assertEquals(-EIO, mount(img2).lookup("/d/g"));
        put16(img2, r2 * 4096 + Ext2Dir.D_REC_LEN, 8);
        assertEquals(-EIO, mount(img2).lookup("/d/g"));
    }

    @Test
    void badBlockPointersAndInodeNumbersAreEio() {
        byte[] img = populated();
        Ext2 fs = mount(img);
        int f = fs.lookup("/f");
        long ip = Ext2Inode.pos(fs, f);
        byte[] b = new byte[100];
        // a direct pointer past the end of the file system
        byte[] c1 = img.clone();
        put32(c1, ip + Ext2Inode.I_BLOCK, 0xFFFF_FF00L);
        assertEquals(-EIO, mount(c1).read(f, 0, b, 0, b.length));
        assertEquals(-EIO, mount(c1).unlink("/f"));
        // the single-indirect block pointing at itself: reads stay bounded, freeing detects the double free
        byte[] c2 = img.clone();
        long ind = Ext2Inode.bmap(fs, f, 12, false) == 0 ? 0 : (c2[(int) ip + Ext2Inode.I_BLOCK + 48] & 0xFFL)
                | (c2[(int) ip + Ext2Inode.I_BLOCK + 49] & 0xFFL) << 8 | (c2[(int) ip + Ext2Inode.I_BLOCK + 50] & 0xFFL) << 16;
        assertTrue(ind > 0);
        put32(c2, ind * 4096, ind);
        Ext2 loop = mount(c2);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(100, loop.read(f, 12 * 4096, b, 0, b.length));
            assertEquals(-EIO, loop.unlink("/f"));
        });
        // a directory entry naming an inode beyond the inode count
        byte[] c3 = img.clone();
        long root = Ext2Inode.bmap(fs, Ext2.ROOT_INO, 0, false);
        int off = 0;
        for (int i = 0; i < 4; i++) { // ., .., lost+found, f
            off += (c3[(int) (root * 4096) + off + 4] & 0xFF) | (c3[(int) (root * 4096) + off + 5] & 0xFF) << 8;
        }
        // off is now at the entry after "f", i.e. "d"
        put32(c3, root * 4096 + off, 999_999);
        Ext2 stray = mount(c3);
        assertEquals(-EIO, stray.lookup("/d/g"));
        assertEquals(-EIO, stray.lookup("/d"));
        assertNull(stray.stat(999_999));
        assertEquals(-EIO, mount(c3).rmdir("/d"));
    }
}
