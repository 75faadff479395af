package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static otherworld.kernel.Errno.EEXIST;
import static otherworld.kernel.Errno.EINVAL;
import static otherworld.kernel.Errno.EISDIR;
import static otherworld.kernel.Errno.ENAMETOOLONG;
import static otherworld.kernel.Errno.ENOENT;
import static otherworld.kernel.Errno.ENOSPC;
import static otherworld.kernel.Errno.ENOTDIR;
import static otherworld.kernel.Errno.ENOTEMPTY;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext2Test {
    static final int BS = 4096;
    static final int DIND_START = (12 + 1024) * BS;   // first byte mapped through the double-indirect block

    @TempDir
    Path tmp;

    @BeforeEach
    void tools() { E2fs.assumeTools(); }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] readAll(Ext2 fs, int ino) {
        Stat st = fs.stat(ino);
        byte[] b = new byte[(int) st.size()];
        assertEquals(b.length, fs.read(ino, 0, b, 0, b.length));
        return b;
    }

    E2fs.Mounted fresh(String size, int slots, String... mkfsExtra) {
        return new E2fs.Mounted(E2fs.read(E2fs.mkfs(tmp, size, mkfsExtra)), slots);
    }

    @Test
    void readsFilesWrittenByDebugfs() {
        Path img = E2fs.mkfs(tmp, "16M");
        byte[] small = "hello, otherworld\n".getBytes();
        byte[] big = data(5 * 1024 * 1024 + 123, 1);
        Path hs = tmp.resolve("small");
        Path hb = tmp.resolve("big");
        E2fs.write(hs, small);
        E2fs.write(hb, big);
        E2fs.debugfs(img, "write " + hs + " hello.txt", "mkdir sub", "write " + hb + " sub/big.bin");
        E2fs.Mounted m = new E2fs.Mounted(E2fs.read(img), 32);
        Ext2 fs = m.fs;
        assertTrue(fs.list("/").containsAll(List.of("lost+found", "hello.txt", "sub")));
        int ino = fs.lookup("/hello.txt");
        assertTrue(ino > 0);
        assertArrayEquals(small, readAll(fs, ino));
        int bigIno = fs.lookup("sub/big.bin");
        assertEquals(bigIno, fs.lookup("/sub/../sub/./big.bin"));
        assertArrayEquals(big, readAll(fs, bigIno));
        Stat st = fs.stat(bigIno);
        assertTrue(st.isRegular());
        assertEquals(1, st.nlink());
        assertTrue(st.blocks() >= big.length / 512);
        assertTrue(fs.stat(fs.lookup("/sub")).isDir());
        byte[] mid = new byte[10];
        assertEquals(10, fs.read(bigIno, 4_000_000, mid, 0, 10));
        assertArrayEquals(Arrays.copyOfRange(big, 4_000_000, 4_000_010), mid);
        assertEquals(0, fs.read(bigIno, big.length, mid, 0, 10));
        assertEquals(3, fs.read(bigIno, big.length - 3, mid, 0, 10));
        assertEquals(Ext2.ROOT_INO, fs.lookup("/"));
        assertEquals(Ext2.ROOT_INO, fs.lookup("/sub/.."));
    }

    @Test
    void writesFilesOfManySizesThatE2fsckAndDebugfsAccept() {
        Path img = tmp.resolve("sizes.img");
        E2fs.Mounted m = fresh("32M", 64);
        Ext2 fs = m.fs;
        long free0 = fs.freeBlocks();
        int[] sizes = {0, 1, 4095, 4096, 4097, 12 * BS - 1, 12 * BS, 12 * BS + 1, 100_000,
                DIND_START - 1, DIND_START, DIND_START + 1, DIND_START + 3 * BS + 17};
        for (int i = 0; i < sizes.length; i++) {
            int ino = fs.create("/f" + i, 0644);
            assertTrue(ino > 0, "create f" + i + ": " + ino);
            byte[] d = data(sizes[i], i);
            // write in uneven chunks
            int off = 0;
            Random r = new Random(i);
            while (off < d.length) {
                int n = Math.min(d.length - off, 1 + r.nextInt(70_000));
                assertEquals(n, fs.write(ino, off, d, off, n));
                off += n;
            }
            assertEquals(sizes[i], fs.stat(ino).size());
            assertArrayEquals(d, readAll(fs, ino), "f" + i);
        }
        assertTrue(fs.freeBlocks() < free0);
        m.syncAndCheck(img);
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(data(sizes[i], i), E2fs.cat(img, "/f" + i), "debugfs cat f" + i);
        }
        // Remount the written disk and read everything back.
        E2fs.Mounted again = new E2fs.Mounted(E2fs.read(img), 16);
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(data(sizes[i], i), readAll(again.fs, again.fs.lookup("f" + i)));
        }
    }

    @Test
    void unlinksSymlinksFifosAndHardLinksMadeByDebugfs() {
        Path img = E2fs.mkfs(tmp, "16M");
        Path host = tmp.resolve("data");
        byte[] d = data(30_000, 21);
        E2fs.write(host, d);
        String longTarget = "/very/long/target/" + "x".repeat(100);
        E2fs.debugfs(img, "write " + host + " file", "ln file hard", "sif file links_count 2",
                "symlink fast /file", "symlink slow " + longTarget, "mknod fifo p");
        E2fs.assertClean(img);
        E2fs.Mounted m = new E2fs.Mounted(E2fs.read(img), 16);
        Ext2 fs = m.fs;
        long free0 = fs.freeBlocks();
        int f = fs.lookup("/file");
        assertEquals(f, fs.lookup("/hard"));
        assertEquals(2, fs.stat(f).nlink());
        assertEquals(Stat.S_IFLNK, fs.stat(fs.resolve(Ext2.ROOT_INO, "/fast", false)).mode() & Stat.S_IFMT);
        assertEquals(-EINVAL, fs.read(fs.resolve(Ext2.ROOT_INO, "/fast", false), 0, new byte[4], 0, 4));
        assertEquals(0, fs.unlink("/file"));
        assertEquals(1, fs.stat(f).nlink());
        assertArrayEquals(d, readAll(fs, fs.lookup("/hard")));
        assertEquals(free0, fs.freeBlocks());
        assertEquals(0, fs.unlink("/fast"));
        assertEquals(free0, fs.freeBlocks(), "a fast symlink has no blocks to free");
        assertEquals(0, fs.unlink("/slow"));
        assertEquals(free0 + 1, fs.freeBlocks());
        assertEquals(0, fs.unlink("/fifo"));
        assertEquals(0, fs.unlink("/hard"));
        assertEquals(free0 + 1 + 8, fs.freeBlocks());
        m.syncAndCheck(img);
    }

    @Test
    void overwriteInTheMiddleAndHoles() {
        Path img = tmp.resolve("mid.img");
        E2fs.Mounted m = fresh("16M", 32);
        Ext2 fs = m.fs;
        int ino = fs.create("/mid", 0600);
        byte[] d = data(200_000, 7);
        assertEquals(d.length, fs.write(ino, 0, d, 0, d.length));
        byte[] patch = data(10_000, 8);
        assertEquals(patch.length, fs.write(ino, 50_000, patch, 0, patch.length));
        System.arraycopy(patch, 0, d, 50_000, patch.length);
        assertArrayEquals(d, readAll(fs, ino));
        // A sparse file: data at 1 MiB only, the rest reads as zeros and takes no blocks.
        int sp = fs.create("/sparse", 0600);
        assertEquals(5, fs.write(sp, 1 << 20, "abcde".getBytes(), 0, 5));
        byte[] s = readAll(fs, sp);
        assertEquals((1 << 20) + 5, s.length);
        for (int i = 0; i < 1 << 20; i++) if (s[i] != 0) throw new AssertionError("hole byte " + i);
        assertEquals(2 * 8, fs.stat(sp).blocks(), "one data block and one indirect block");
        // Beyond the double-indirect range: triple indirect, 5 GiB offset, needs large_file.
        int huge = fs.create("/huge", 0600);
        long far = 5L << 30;
        assertEquals(3, fs.write(huge, far, "xyz".getBytes(), 0, 3));
        assertEquals(far + 3, fs.stat(huge).size());
        byte[] got = new byte[3];
        assertEquals(3, fs.read(huge, far, got, 0, 3));
        assertArrayEquals("xyz".getBytes(), got);
        assertEquals(4 * 8, fs.stat(huge).blocks());
        m.syncAndCheck(img);
        assertArrayEquals(d, E2fs.cat(img, "/mid"));
        // Truncate the huge file back to nothing: all four blocks return.
        long free = fs.freeBlocks();
        assertEquals(0, fs.truncate(huge, 0));
        assertEquals(free + 4, fs.freeBlocks());
        m.syncAndCheck(img);
    }

    @Test
    void truncateFreesBlocksAndZeroesTheTail() {
        Path img = tmp.resolve("trunc.img");
        E2fs.Mounted m = fresh("16M", 32);
        Ext2 fs = m.fs;
        long free0 = fs.freeBlocks();
        int ino = fs.create("/t", 0644);
        byte[] d = data(DIND_START + 10 * BS, 3);
        assertEquals(d.length, fs.write(ino, 0, d, 0, d.length));
        assertEquals(0, fs.truncate(ino, 60_000));
        assertArrayEquals(Arrays.copyOf(d, 60_000), readAll(fs, ino));
        // 15 data blocks + the single-indirect block remain
        assertEquals((15 + 1) * 8, fs.stat(ino).blocks());
        assertEquals(0, fs.truncate(ino, 70_000)); // grow: the tail reads as zeros
        byte[] grown = readAll(fs, ino);
        assertArrayEquals(Arrays.copyOf(Arrays.copyOf(d, 60_000), 70_000), grown);
        m.syncAndCheck(img);
        assertEquals(0, fs.truncate(ino, 0));
        assertEquals(0, fs.stat(ino).blocks());
        assertEquals(free0, fs.freeBlocks());
        assertEquals(-EINVAL, fs.truncate(ino, -1));
        assertEquals(-EISDIR, fs.truncate(Ext2.ROOT_INO, 0));
        m.syncAndCheck(img);
    }

    @Test
    void unlinkFreesEverything() {
        Path img = tmp.resolve("unlink.img");
        E2fs.Mounted m = fresh("16M", 32);
        Ext2 fs = m.fs;
        long blocks0 = fs.freeBlocks();
        long inodes0 = fs.freeInodes();
        int ino = fs.create("/gone", 0644);
        byte[] d = data(DIND_START + 5 * BS, 4);
        assertEquals(d.length, fs.write(ino, 0, d, 0, d.length));
        assertEquals(inodes0 - 1, fs.freeInodes());
        m.syncAndCheck(img);
        assertEquals(0, fs.unlink("/gone"));
        assertEquals(-ENOENT, fs.lookup("/gone"));
        assertNull(fs.stat(ino));
        assertEquals(blocks0, fs.freeBlocks());
        assertEquals(inodes0, fs.freeInodes());
        assertEquals(-ENOENT, fs.unlink("/gone"));
        m.syncAndCheck(img);
        // The inode number is reused.
        assertEquals(ino, fs.create("/again", 0644));
        m.syncAndCheck(img);
    }

    @Test
    void directories() {
        Path img = tmp.resolve("dirs.img");
        E2fs.Mounted m = fresh("16M", 16);
        Ext2 fs = m.fs;
        int a = fs.mkdir("/a", 0755);
        assertTrue(a > 0);
        assertEquals(4, fs.stat(Ext2.ROOT_INO).nlink(), "root: its entry, its \".\", lost+found/.., a/..");
        int b = fs.mkdir("/a/b/", 0755);
        assertTrue(b > 0);
        assertEquals(3, fs.stat(a).nlink());
        int f = fs.create("a/b/file", 0644);
        byte[] d = data(9000, 5);
        assertEquals(d.length, fs.write(f, 0, d, 0, d.length));
        assertEquals(f, fs.lookupAt(b, "file"));
        assertEquals(f, fs.lookupAt(a, "b/file"));
        assertEquals(f, fs.lookupAt(b, "../b/file"));
        assertEquals(a, fs.lookupAt(b, ".."));
        assertEquals(List.of("b"), fs.list("/a"));
        assertEquals(List.of("file"), fs.list("/a/b"));
        // errors
        assertEquals(-EEXIST, fs.mkdir("/a", 0755));
        assertEquals(-EEXIST, fs.create("/a/b/file", 0644));
        assertEquals(-EEXIST, fs.create("/", 0644));
        assertEquals(-ENOENT, fs.create("/nope/x", 0644));
        assertEquals(-ENOTDIR, fs.create("/a/b/file/x", 0644));
        assertEquals(-ENOTDIR, fs.lookup("/a/b/file/"));
        assertEquals(-ENOENT, fs.lookup("/a/c"));
        assertEquals(-ENAMETOOLONG, fs.lookup("/" + "n".repeat(256)));
        assertEquals(-ENAMETOOLONG, fs.create("/" + "n".repeat(256), 0644));
        assertTrue(fs.create("/" + "n".repeat(255), 0644) > 0);
        assertEquals(-EISDIR, fs.unlink("/a"));
        assertEquals(-ENOTEMPTY, fs.rmdir("/a"));
        assertEquals(-ENOTDIR, fs.rmdir("/a/b/file"));
        assertEquals(-EISDIR, fs.write(a, 0, d, 0, 1));
        assertEquals(-EISDIR, fs.read(a, 0, d, 0, 1));
        assertNull(fs.list("/a/b/file"));
        m.syncAndCheck(img);
        assertArrayEquals(d, E2fs.cat(img, "/a/b/file"));
        // many entries: the directory grows past one block, then shrinks back
        for (int i = 0; i < 300; i++) assertTrue(fs.create("/a/b/entry-with-a-longish-name-" + i, 0644) > 0);
        assertTrue(fs.stat(b).size() > BS);
        assertEquals(301, fs.list("/a/b").size());
        m.syncAndCheck(img);
        for (int i = 0; i < 300; i += 2) assertEquals(0, fs.unlink("/a/b/entry-with-a-longish-name-" + i));
        assertEquals(151, fs.list("/a/b").size());
        for (int i = 0; i < 300; i += 2) assertTrue(fs.create("/a/b/e" + i, 0644) > 0);
        m.syncAndCheck(img);
        for (String n : fs.list("/a/b")) assertEquals(0, fs.unlink("/a/b/" + n));
        assertEquals(List.of(), fs.list("/a/b"));
        assertEquals(0, fs.rmdir("/a/b"));
        assertEquals(2, fs.stat(a).nlink());
        assertEquals(0, fs.rmdir("/a"));
        assertEquals(-ENOENT, fs.lookup("/a"));
        m.syncAndCheck(img);
    }

    @Test
    void readdirWalksEntries() {
        E2fs.Mounted m = fresh("16M", 16);
        Ext2 fs = m.fs;
        fs.create("/x", 0644);
        fs.mkdir("/y", 0755);
        StringBuilder seen = new StringBuilder();
        for (DirEntry e = fs.readdir(Ext2.ROOT_INO, 0); e != null; e = fs.readdir(Ext2.ROOT_INO, e.nextPos())) {
            seen.append(e.name()).append(':').append(e.type()).append(' ');
        }
        assertEquals(". :2 .. :2 lost+found:2 x:1 y:2 ".replace(" :", ":"), seen.toString());
    }

    @Test
    void fillingTheDiskGivesEnospcAndStaysConsistent() {
        Path img = tmp.resolve("full.img");
        E2fs.Mounted m = fresh("4M", 16);
        Ext2 fs = m.fs;
        int ino = fs.create("/fill", 0644);
        byte[] chunk = data(64 * 1024, 9);
        long off = 0;
        int r;
        while ((r = fs.write(ino, off, chunk, 0, chunk.length)) > 0) off += r;
        assertEquals(-ENOSPC, r);
        assertEquals(0, fs.freeBlocks());
        assertEquals(off, fs.stat(ino).size());
        assertTrue(off > 3_000_000);
        assertEquals(-ENOSPC, fs.mkdir("/d", 0755));
        m.syncAndCheck(img);
        assertEquals(0, fs.unlink("/fill"));
        assertTrue(fs.mkdir("/d", 0755) > 0);
        m.syncAndCheck(img);
    }

    @Test
    void enospcInsideAWriteGivesBackTheIndirectBlock() {
        Path img = tmp.resolve("ind.img");
        E2fs.Mounted m = fresh("4M", 16);
        Ext2 fs = m.fs;
        int pad = fs.create("/pad", 0644);
        int victim = fs.create("/victim", 0644);
        int fill = fs.create("/fill", 0644);
        byte[] chunk = data(64 * 1024, 13);
        long off = 0;
        for (int r; (r = fs.write(fill, off, chunk, 0, chunk.length)) > 0; ) off += r;
        while (fs.freeBlocks() < 1) assertEquals(0, fs.truncate(fill, fs.stat(fill).size() - BS));
        for (int k = 0; k < 12 && fs.freeBlocks() > 1; k++) assertEquals(1, fs.write(pad, (long) k * BS, chunk, 0, 1));
        assertEquals(1, fs.freeBlocks());
        // Logical block 12 needs the single-indirect block and a data block: only one is free.
        assertEquals(-ENOSPC, fs.write(victim, 12L * BS, chunk, 0, 10));
        assertEquals(1, fs.freeBlocks(), "the indirect block allocated on the way was given back");
        assertEquals(0, fs.stat(victim).blocks());
        assertEquals(0, fs.stat(victim).size());
        assertEquals(10, fs.write(victim, 0, chunk, 0, 10));
        m.syncAndCheck(img);
    }

    @Test
    void severalGroupsWithTinyCache() {
        Path img = tmp.resolve("groups.img");
        // 1024 blocks per group: 4 groups in 16 MiB
        E2fs.Mounted m = fresh("16M", 8, "-g", "1024", "-N", "256");
        Ext2 fs = m.fs;
        byte[] d = data(7 * 1024 * 1024, 11);
        int a = fs.create("/big", 0644);
        assertEquals(d.length, fs.write(a, 0, d, 0, d.length));
        int[] inos = new int[70];
        for (int i = 0; i < inos.length; i++) {
            inos[i] = i % 2 == 0 ? fs.mkdir("/d" + i, 0700) : fs.create("/f" + i, 0600);
            assertTrue(inos[i] > 0, "make " + i + ": " + inos[i]);
        }
        assertArrayEquals(d, readAll(fs, a));
        m.syncAndCheck(img);
        assertArrayEquals(d, E2fs.cat(img, "/big"));
        assertEquals(0, fs.unlink("/big"));
        for (int i = 0; i < inos.length; i += 2) assertEquals(0, fs.rmdir("/d" + i));
        m.syncAndCheck(img);
    }

    @Test
    void htreeIndexedDirectoriesStillWork() {
        Path img = tmp.resolve("htree.img");
        E2fs.Mounted m = fresh("16M", 32);
        assertTrue(m.fs.mkdir("/big", 0755) > 0);
        for (int i = 0; i < 400; i++) assertTrue(m.fs.create("/big/file-number-" + i, 0644) > 0);
        m.syncAndCheck(img);
        // e2fsck -D rebuilds the directory as an htree (EXT2_INDEX_FL, dx_root in block 0)
        E2fs.Result r = E2fs.run(List.of(E2fs.E2FSCK, "-fyD", img.toString()));
        assertTrue(r.exit() <= 1, r.out());
        E2fs.Mounted idx = new E2fs.Mounted(E2fs.read(img), 32);
        Ext2 fs = idx.fs;
        int big = fs.lookup("/big");
        assertTrue((Ext2Inode.flags(fs, big) & Ext2Inode.INDEX_FL) != 0, "e2fsck -D indexed the directory");
        for (int i = 0; i < 400; i++) assertTrue(fs.lookup("/big/file-number-" + i) > 0, "lookup " + i);
        assertEquals(400, fs.list("/big").size());
        assertTrue(fs.create("/big/late", 0644) > 0);
        assertEquals(0, fs.unlink("/big/file-number-7"));
        assertEquals(0, Ext2Inode.flags(fs, big) & Ext2Inode.INDEX_FL, "changing the directory drops the index");
        idx.syncAndCheck(img);
    }

    @Test
    void imageWithoutFiletype() {
        Path img = tmp.resolve("noft.img");
        E2fs.Mounted m = fresh("16M", 16, "-O", "^filetype");
        assertTrue(m.fs.mkdir("/d", 0755) > 0);
        int f = m.fs.create("/d/f", 0644);
        assertEquals(3, m.fs.write(f, 0, "abc".getBytes(), 0, 3));
        assertEquals(0, m.fs.readdir(Ext2.ROOT_INO, 0).type());
        m.syncAndCheck(img);
        assertArrayEquals("abc".getBytes(), E2fs.cat(img, "/d/f"));
    }

    @Test
    void oneSlotCacheIsEnough() {
        // The driver never holds a frame address across another cache call, so even one slot works (slowly).
        Path img = tmp.resolve("one.img");
        E2fs.Mounted m = fresh("16M", 1);
        Ext2 fs = m.fs;
        assertTrue(fs.mkdir("/d", 0755) > 0);
        int ino = fs.create("/d/f", 0644);
        byte[] d = data(12 * BS + 3 * BS + 5, 31);
        assertEquals(d.length, fs.write(ino, 0, d, 0, d.length));
        assertArrayEquals(d, readAll(fs, ino));
        m.syncAndCheck(img);
        assertArrayEquals(d, E2fs.cat(img, "/d/f"));
        assertEquals(0, fs.unlink("/d/f"));
        assertEquals(0, fs.rmdir("/d"));
        m.syncAndCheck(img);
    }

    @Test
    void inodeSize128() {
        Path img = tmp.resolve("i128.img");
        E2fs.Mounted m = fresh("16M", 16, "-I", "128");
        int ino = m.fs.create("/f", 0644);
        byte[] d = data(70_000, 12);
        assertEquals(d.length, m.fs.write(ino, 0, d, 0, d.length));
        assertTrue(m.fs.mkdir("/d", 0755) > 0);
        m.syncAndCheck(img);
        assertArrayEquals(d, E2fs.cat(img, "/f"));
    }

    @Test
    void statReportsOwnerModeAndTimes() {
        E2fs.Mounted m = fresh("16M", 16);
        int ino = m.fs.create("/s", 0640);
        Stat st = m.fs.stat(ino);
        assertNotNull(st);
        assertEquals(Stat.S_IFREG | 0640, st.mode());
        assertEquals(0, st.uid());
        assertTrue(st.mtime() > 1_700_000_000L);
        long before = st.mtime();
        m.fs.write(ino, 0, new byte[1], 0, 1);
        assertTrue(m.fs.stat(ino).mtime() > before);
        assertNull(m.fs.stat(0));
        assertNull(m.fs.stat(Integer.MAX_VALUE));
        assertEquals(-EINVAL, m.fs.read(0, 0, new byte[1], 0, 1));
        assertEquals(-EINVAL, m.fs.read(ino, -1, new byte[1], 0, 1));
    }
}
