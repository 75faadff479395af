package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.kernel.Disks;

/**
 * The repair of what an interrupted call names: each case leaves an inode in a state a crash between two writes of
 * the kernel can leave, and after {@link Ext2Repair} e2fsck -fn finds the file system clean.
 */
class Ext2RepairTest {
    @TempDir Path tmp;
    E2fs.Mounted m;
    Ext2 fs;

    @BeforeEach
    void mount() {
        E2fs.assumeTools();
        m = new E2fs.Mounted(Disks.blankExt2Image(), 64);
        fs = m.fs;
    }

    /** Four groups of 1024 blocks (the last one 768: a partial group), 64 inodes each. */
    Ext2 groups() {
        m = new E2fs.Mounted(E2fs.read(E2fs.mkfs(tmp, "15M", "-g", "1024", "-N", "256")), 64);
        fs = m.fs;
        assertEquals(4, fs.groups);
        assertEquals(64, fs.inodesPerGroup);
        return fs;
    }

    long inodeField(int ino, int off) { return fs.u32(Ext2Inode.pos(fs, ino) + off); }

    int gdField(int g, int off) { return fs.r16(fs.gdPos(g) + off); }

    /** The counts of every group (free blocks, free inodes, directories) and the superblock's totals. */
    java.util.List<Long> counts() {
        java.util.List<Long> c = new java.util.ArrayList<>();
        for (int g = 0; g < fs.groups; g++) {
            for (int off : new int[] {Ext2.GD_FREE_BLOCKS, Ext2.GD_FREE_INODES, Ext2.GD_USED_DIRS}) c.add((long) gdField(g, off));
        }
        c.add(fs.freeBlocks());
        c.add(fs.freeInodes());
        return c;
    }

    void clearInodeBit(int ino) {
        Ext2Alloc.setBit(fs, fs.u32(fs.gdPos(Ext2Inode.group(fs, ino)) + Ext2.GD_INODE_BITMAP), (ino - 1) % fs.inodesPerGroup, false);
        assertFalse(Ext2Alloc.inodeUsed(fs, ino));
    }

    void clearBlockBit(long b) {
        Ext2Alloc.setBit(fs, fs.u32(fs.gdPos(Ext2Alloc.group(fs, b)) + Ext2.GD_BLOCK_BITMAP),
                (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup), false);
        assertFalse(Ext2Alloc.blockUsed(fs, b));
    }

    /** A file of n bytes named path, made at inode ino (any free inode: prepareCreate would give the first). */
    int fileAt(String path, int ino, int n) {
        assertEquals(ino, fs.createPrepared(Ext2.ROOT_INO, path, Stat.S_IFREG | 0644, ino));
        if (n > 0) assertEquals(n, fs.write(ino, 0, bytes(n), 0, n));
        return ino;
    }

    static void reconcileAll(Ext2Repair r, int... inos) {
        for (int ino : inos) r.reconcile(ino);
        r.finish();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 1);
        return b;
    }

    @Test
    void blocksAWriteLinkedPastTheSizeAreTrimmed() {
        int ino = fs.create("/a", 0644);
        assertEquals(5000, fs.write(ino, 0, bytes(5000), 0, 5000));
        long free = fs.freeBlocks();
        // a write interrupted before its tail: 60 KiB allocated past the size (indirect block included)
        assertEquals(60_000, fs.writeData(ino, 5000, bytes(60_000), 0, 60_000));
        assertTrue(fs.freeBlocks() < free);
        Ext2Repair r = fs.repair();
        r.reconcile(ino);
        r.finish();
        assertEquals(5000, fs.stat(ino).size());
        assertEquals(free, fs.freeBlocks(), "the blocks past the size are free again");
        m.syncAndCheck(tmp.resolve("a.img"));
    }

    @Test
    void aBlockLinkedButNotYetMarkedIsMarked() {
        int ino = fs.create("/b", 0644);
        assertEquals(4096, fs.write(ino, 0, bytes(4096), 0, 4096));
        long b = Ext2Inode.bmap(fs, ino, 0, false);
        // the crash struck between the link and the bit: clear the bit and the counts' knowledge of it
        Ext2Alloc.setBit(fs, fs.u32(fs.gdPos(Ext2Alloc.group(fs, b)) + Ext2.GD_BLOCK_BITMAP),
                (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup), false);
        assertFalse(Ext2Alloc.blockUsed(fs, b));
        Ext2Repair r = fs.repair();
        r.reconcile(ino);
        r.finish();
        assertTrue(Ext2Alloc.blockUsed(fs, b));
        m.syncAndCheck(tmp.resolve("b.img"));
    }

    @Test
    void aFileBeingCreatedIsForgotten() {
        int dir = Ext2.ROOT_INO;
        int ino = fs.prepareCreate(dir, "/c", Stat.S_IFREG | 0644);
        assertTrue(ino > 0);
        assertEquals(ino, fs.createPrepared(dir, "/c", Stat.S_IFREG | 0644, ino));
        assertEquals(ino, fs.lookup("/c"));
        Ext2Repair r = fs.repair();
        r.forgetCreated(dir, Ext2.lastName("/c"), ino);
        r.finish();
        assertTrue(fs.lookup("/c") < 0, "the name is gone");
        assertFalse(Ext2Alloc.inodeUsed(fs, ino), "the inode is free");
        assertEquals(ino, fs.prepareCreate(dir, "/c", Stat.S_IFREG | 0644), "made again, it gets the same inode");
        m.syncAndCheck(tmp.resolve("c.img"));
    }

    @Test
    void anInterruptedReleaseIsFinished() {
        int ino = fs.create("/d", 0644);
        assertEquals(70_000, fs.write(ino, 0, bytes(70_000), 0, 70_000));
        long free = fs.freeBlocks();
        long u = fs.prepareUnlink(Ext2.ROOT_INO, "/d");
        // the tail removed the entry and set the links to 0, then the crash came before the blocks were freed
        Ext2Dir.remove(fs, Ext2.ROOT_INO, Ext2.lastName("/d"));
        Ext2Inode.setLinks(fs, ino, 0);
        Ext2Repair r = fs.repair();
        r.reconcile(ino);
        r.finish();
        assertFalse(Ext2Alloc.inodeUsed(fs, ino));
        assertTrue(fs.freeBlocks() > free);
        // the tail made again finds nothing left to do
        assertEquals(0, fs.unlinkPrepared(Ext2.ROOT_INO, "/d", (int) u, (int) (u >>> 32)));
        m.syncAndCheck(tmp.resolve("d.img"));
    }

    /** A time of death from the fixture's clock (it starts at 1,700,000,000), not 0 nor an orphan list's link. */
    static void assertTimeOfDeath(long dtime) {
        assertTrue(dtime > 1_700_000_000L && dtime < 1_800_000_000L, "i_dtime " + dtime);
    }

    @Test
    void inodesOutsideTheFileSystemAndReservedOnesAreLeftAlone() {
        int file = fs.create("/f", 0644);
        assertEquals(100, fs.write(file, 0, bytes(100), 0, 100));
        java.util.List<Long> before = counts();
        long resizeBlocks = inodeField(7, Ext2Inode.I_BLOCKS);
        assertTrue(resizeBlocks > 0, "the image has a resize inode (7) with blocks");
        Ext2Repair r = fs.repair(ino -> true);
        // a sysword names the inode of some calls' repair: out of range, or a reserved inode (the bad-blocks inode 1:
        // links 0, bit set, released before this test; the resize inode 7: a map of reserved blocks)
        for (int ino : new int[] {-1, 0, 1, 7, fs.firstIno - 1, fs.inodesCount + 1, Integer.MAX_VALUE}) r.reconcile(ino);
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/f"), fs.firstIno - 1);
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/f"), fs.inodesCount + 1);
        r.fixType(0, Ext2.lastName("/f"));
        r.fixType(fs.inodesCount + 1, Ext2.lastName("/f"));
        r.fixType(file, Ext2.lastName("/f")); // not a directory
        r.finish();
        for (int ino = 1; ino < fs.firstIno; ino++) assertTrue(Ext2Alloc.inodeUsed(fs, ino), "reserved inode " + ino);
        assertEquals(resizeBlocks, inodeField(7, Ext2Inode.I_BLOCKS));
        assertEquals(0, inodeField(1, Ext2Inode.I_DTIME), "the bad-blocks inode was not released");
        assertEquals(file, fs.lookup("/f"));
        assertEquals(before, counts());
        m.syncAndCheck(tmp.resolve("range.img"));
    }

    @Test
    void theLastInodeCanBeForgottenAndAFreeInodeIsNotWritten() {
        int last = fs.inodesCount;
        assertEquals(last, fileAt("/z", last, 5000));
        Ext2Repair r = fs.repair();
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/z"), last);
        r.finish();
        assertTrue(fs.lookup("/z") < 0);
        assertFalse(Ext2Alloc.inodeUsed(fs, last));
        // an inode never used (free, mode 0, no links): a repair that names it writes nothing in it
        int never = last - 1;
        byte[] blank = inode(never);
        for (byte b : blank) assertEquals(0, b);
        reconcileAll(fs.repair(), never);
        assertArrayEquals(blank, inode(never));
        m.syncAndCheck(tmp.resolve("lastforgot.img"));
    }

    @Test
    void theLastInodeOfTheLastPartialGroupIsReconciled() {
        groups();
        int ino = fileAt("/last", fs.inodesCount, 10_000);
        long b = Ext2Inode.bmap(fs, ino, 2, false);
        assertEquals(3, Ext2Alloc.group(fs, b), "its blocks lie in the last group, of 768 blocks");
        assertEquals(768, fs.blocksCount - 3 * fs.blocksPerGroup);
        java.util.List<Long> before = counts();
        // linked, not yet marked: the inode's bit and its last block's bit, and i_blocks not yet counted
        clearInodeBit(ino);
        clearBlockBit(b);
        fs.w32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_BLOCKS, 0);
        reconcileAll(fs.repair(), ino);
        assertTrue(Ext2Alloc.inodeUsed(fs, ino));
        assertTrue(Ext2Alloc.blockUsed(fs, b));
        assertEquals(3 * 8, inodeField(ino, Ext2Inode.I_BLOCKS), "three blocks of 8 sectors");
        assertEquals(before, counts(), "the last group's counts from its bitmaps, the totals summed");
        m.syncAndCheck(tmp.resolve("last.img"));
    }

    @Test
    void aDirectoryBeingMadeInALaterGroupIsForgottenAndThatGroupRecounted() {
        groups();
        java.util.List<Long> before = counts();
        int rootLinks = Ext2Inode.links(fs, Ext2.ROOT_INO);
        int ino = 2 * fs.inodesPerGroup + 5, kept = ino + 1;
        assertEquals(kept, fs.createPrepared(Ext2.ROOT_INO, "/kept", Stat.S_IFDIR | 0755, kept));
        before = counts();
        rootLinks = Ext2Inode.links(fs, Ext2.ROOT_INO);
        assertEquals(ino, fs.createPrepared(Ext2.ROOT_INO, "/d", Stat.S_IFDIR | 0755, ino));
        assertEquals(rootLinks + 1, Ext2Inode.links(fs, Ext2.ROOT_INO));
        assertEquals(before.get(2 * 3 + 2) + 1, gdField(2, Ext2.GD_USED_DIRS));
        // the descriptor block's unused bytes just past the last group: not a group, not summed
        long past = fs.gdPos(fs.groups);
        fs.w16(past + Ext2.GD_FREE_BLOCKS, 77);
        fs.w16(past + Ext2.GD_FREE_INODES, 5);
        Ext2Repair r = fs.repair();
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/d"), ino);
        r.finish();
        fs.w16(past + Ext2.GD_FREE_BLOCKS, 0);
        fs.w16(past + Ext2.GD_FREE_INODES, 0);
        assertTrue(fs.lookup("/d") < 0);
        assertEquals(rootLinks, Ext2Inode.links(fs, Ext2.ROOT_INO), "the parent's link count recounted");
        assertFalse(Ext2Alloc.inodeUsed(fs, ino));
        assertEquals(0, Ext2Inode.links(fs, ino));
        assertEquals(0, inodeField(ino, Ext2Inode.I_BLOCKS));
        assertEquals(0, Ext2Inode.size(fs, ino));
        assertTimeOfDeath(inodeField(ino, Ext2Inode.I_DTIME));
        assertEquals(before, counts(), "group 2's free blocks, free inodes and directories recounted");
        assertEquals(1, gdField(2, Ext2.GD_USED_DIRS), "the directory kept in group 2");
        m.syncAndCheck(tmp.resolve("later.img"));
    }

    @Test
    void theFirstNonReservedInodeCanBeForgottenAndANameOfAnotherInodeIsKept() {
        assertEquals(0, fs.rmdir("/lost+found"));
        int ino = fs.prepareCreate(Ext2.ROOT_INO, "/c", Stat.S_IFREG | 0644);
        assertEquals(fs.firstIno, ino);
        assertEquals(ino, fs.createPrepared(Ext2.ROOT_INO, "/c", Stat.S_IFREG | 0644, ino));
        int other = fs.create("/other", 0644);
        Ext2Repair r = fs.repair();
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/c"), ino);
        // a create of "/other" interrupted before it wrote anything: the name, which names another inode, is kept
        r.forgetCreated(Ext2.ROOT_INO, Ext2.lastName("/other"), fs.prepareCreate(Ext2.ROOT_INO, "/x", Stat.S_IFREG | 0644));
        r.finish();
        assertTrue(fs.lookup("/c") < 0);
        assertFalse(Ext2Alloc.inodeUsed(fs, ino));
        assertEquals(0, Ext2Inode.links(fs, ino));
        assertEquals(other, fs.lookup("/other"));
        assertTrue(Ext2Alloc.inodeUsed(fs, other));
        assertEquals(fs.firstIno, fs.mkdir("/lost+found", 0700));
        Ext2Inode.setLinks(fs, fs.firstIno, 3);
        reconcileAll(fs.repair(), fs.firstIno);
        assertEquals(2, Ext2Inode.links(fs, fs.firstIno), "the first inode a call can make is reconciled");
        m.syncAndCheck(tmp.resolve("first.img"));
    }

    @Test
    void anOrphanAProcessHoldsIsKeptWholeAndListed() {
        int ino = fs.create("/o", 0644);
        assertEquals(10_000, fs.write(ino, 0, bytes(10_000), 0, 10_000));
        long u = fs.prepareUnlink(Ext2.ROOT_INO, "/o");
        java.util.List<Long> before = counts();
        // unlink of a file still open, interrupted after its links went to 0, before the inode joined the orphan
        // list; a write before it had linked blocks past the size, and the inode's bit was found clear
        assertEquals(60_000, fs.writeData(ino, 10_000, bytes(60_000), 0, 60_000));
        Ext2Dir.remove(fs, Ext2.ROOT_INO, Ext2.lastName("/o"));
        Ext2Inode.setLinks(fs, ino, 0);
        clearInodeBit(ino);
        assertFalse(Ext2Orphans.contains(fs, ino));
        reconcileAll(fs.repair(i -> i == ino), ino);
        assertTrue(fs.isOrphan(ino), "in use, no links");
        assertEquals(ino, fs.orphanHead());
        assertEquals(10_000, fs.stat(ino).size());
        assertEquals(3 * 8, inodeField(ino, Ext2Inode.I_BLOCKS), "the blocks past the size freed, the rest kept");
        assertArrayEquals(bytes(10_000), readAll(ino, 10_000));
        // the counts: one inode fewer free than before (it is used, but its name is gone), blocks as before
        assertEquals(before.get(0), counts().get(0));
        assertEquals(before.get(3 * fs.groups), counts().get(3 * fs.groups));
        // reconciled again (a crash during the repair): nothing changes
        java.util.List<Long> once = counts();
        reconcileAll(fs.repair(i -> i == ino), ino);
        assertEquals(once, counts());
        assertEquals(ino, fs.orphanHead());
        assertEquals(0, Ext2Orphans.next(fs, ino), "listed once");
        // its last close releases it: the tail of the unlink had nothing else to do
        assertEquals(0, fs.unlinkPrepared(Ext2.ROOT_INO, "/o", ino, (int) (u >>> 32), true));
        assertEquals(0, fs.releaseOrphan(ino));
        assertEquals(0, fs.orphanHead());
        m.syncAndCheck(tmp.resolve("held.img"));
    }

    @Test
    void aDeviceNodeAProcessHoldsIsKeptAsAnOrphanWithItsBit() {
        int dev = fs.mknodAt(Ext2.ROOT_INO, "/tty9", 0x2000 | 0620, 4, 9);
        assertTrue(dev > 0);
        Ext2Dir.remove(fs, Ext2.ROOT_INO, Ext2.lastName("/tty9"));
        Ext2Inode.setLinks(fs, dev, 0);
        clearInodeBit(dev);
        reconcileAll(fs.repair(i -> i == dev), dev);
        assertTrue(Ext2Alloc.inodeUsed(fs, dev), "no block map, but its bit set");
        assertEquals(dev, fs.orphanHead());
        assertEquals(0, fs.releaseOrphan(dev));
        m.syncAndCheck(tmp.resolve("devorphan.img"));
    }

    byte[] readAll(int ino, int n) {
        byte[] b = new byte[n];
        assertEquals(n, fs.read(ino, 0, b, 0, n));
        return b;
    }

    @Test
    void anOrphanNobodyHoldsIsReleasedAndUnlinkedFromTheList() {
        java.util.List<Long> before = counts();
        int keep = fs.create("/keep", 0644);
        int ino = fs.create("/p", 0644);
        assertEquals(20_000, fs.write(ino, 0, bytes(20_000), 0, 20_000));
        long u = fs.prepareUnlink(Ext2.ROOT_INO, "/p");
        assertEquals(0, fs.unlinkPrepared(Ext2.ROOT_INO, "/p", ino, (int) (u >>> 32), true)); // held when unlinked
        assertEquals(ino, fs.orphanHead());
        assertEquals(0, fs.unlink("/keep"));
        reconcileAll(fs.repair(i -> i == keep), ino); // the holder did not come back; another inode is held
        assertFalse(Ext2Alloc.inodeUsed(fs, ino));
        assertEquals(0, fs.orphanHead());
        assertEquals(0, inodeField(ino, Ext2Inode.I_BLOCKS));
        assertEquals(0, Ext2Inode.size(fs, ino));
        assertTimeOfDeath(inodeField(ino, Ext2Inode.I_DTIME));
        assertEquals(before, counts());
        m.syncAndCheck(tmp.resolve("notheld.img"));
    }

    @Test
    void aReleaseGivesATimeOfDeathUnlessTheInodeHasOne() {
        java.util.List<Long> before = counts();
        int a = fs.create("/a", 0644), b = fs.create("/b", 0644);
        for (int ino : new int[] {a, b}) {
            assertEquals(5000, fs.write(ino, 0, bytes(5000), 0, 5000));
            Ext2Dir.remove(fs, Ext2.ROOT_INO, Ext2.lastName(ino == a ? "/a" : "/b"));
            Ext2Inode.setLinks(fs, ino, 0);
        }
        // a's i_dtime is an orphan list's link (the highest inode number: still a link, not a time), b's a time
        fs.w32(Ext2Inode.pos(fs, a) + Ext2Inode.I_DTIME, fs.inodesCount);
        fs.w32(Ext2Inode.pos(fs, b) + Ext2Inode.I_DTIME, fs.inodesCount + 1);
        reconcileAll(fs.repair(), a, b);
        assertTimeOfDeath(inodeField(a, Ext2Inode.I_DTIME));
        assertEquals(fs.inodesCount + 1, inodeField(b, Ext2Inode.I_DTIME));
        for (int ino : new int[] {a, b}) {
            assertFalse(Ext2Alloc.inodeUsed(fs, ino));
            assertEquals(0, inodeField(ino, Ext2Inode.I_BLOCKS));
            assertEquals(0, inodeField(ino, Ext2Inode.I_SIZE));
        }
        assertEquals(before, counts());
        m.syncAndCheck(tmp.resolve("dtime.img"));
    }

    @Test
    void anInodeWrittenButNotMarkedOrMarkedButNotWrittenIsFreed() {
        java.util.List<Long> before = counts();
        // O_TMPFILE interrupted between its two writes: the inode written (mode, no links), its bit not yet set
        int tmpfile = fs.prepareTmpfile(Ext2.ROOT_INO);
        Ext2Inode.init(fs, tmpfile, Stat.S_IFREG | 0600, 0, 1_600_000_000L);
        reconcileAll(fs.repair(), tmpfile);
        assertFalse(Ext2Alloc.inodeUsed(fs, tmpfile));
        assertTimeOfDeath(inodeField(tmpfile, Ext2Inode.I_DTIME));
        // an inode marked used with nothing written in it (mode 0, no links)
        int blank = fs.prepareTmpfile(Ext2.ROOT_INO);
        Ext2Inode.init(fs, blank, 0, 0, 0);
        Ext2Alloc.markInode(fs, blank, false);
        reconcileAll(fs.repair(), blank);
        assertFalse(Ext2Alloc.inodeUsed(fs, blank));
        assertEquals(before, counts());
        m.syncAndCheck(tmp.resolve("tmpfile.img"));
    }

    @Test
    void aDirectoryGetsItsLinksRecountedAndAHalfReleasedOneIsLeftToItsTail() {
        int e = fs.mkdir("/e", 0755);
        assertTrue(fs.mkdir("/e/f", 0755) > 0);
        assertEquals(3, Ext2Inode.links(fs, e));
        Ext2Inode.setLinks(fs, e, 2); // mkdir's parent link not yet written
        int h = fs.mkdir("/h", 0755);
        int rootLinks = Ext2Inode.links(fs, Ext2.ROOT_INO);
        // rmdir's tail: entry removed, parent recounted, then the release freed the blocks before the links went to 0
        assertEquals(h, fs.prepareRmdir(Ext2.ROOT_INO, "/h"));
        Ext2Dir.remove(fs, Ext2.ROOT_INO, Ext2.lastName("/h")); // the root's count not yet recounted
        Ext2Inode.trim(fs, h, 0);
        assertThrows(Ext2Exception.class, () -> Ext2Names.recountLinks(fs, h), "no block to count entries in");
        reconcileAll(fs.repair(), e, h, Ext2.ROOT_INO);
        assertEquals(3, Ext2Inode.links(fs, e));
        assertEquals(rootLinks - 1, Ext2Inode.links(fs, Ext2.ROOT_INO));
        assertEquals(2, Ext2Inode.links(fs, h), "left to the tail");
        assertEquals(0, fs.rmdirPrepared(Ext2.ROOT_INO, "/h", h));
        assertFalse(Ext2Alloc.inodeUsed(fs, h));
        m.syncAndCheck(tmp.resolve("dirs.img"));
    }

    @Test
    void inodesWithoutABlockMapAreLeftAsTheyAre() {
        int s = fs.prepareCreate(Ext2.ROOT_INO, "/s", Stat.S_IFLNK | 0777);
        assertEquals(s, fs.createSymlink(Ext2.ROOT_INO, "/s", "a/fast/symlink/target/of/more/than/four/bytes".getBytes(), s));
        int dev = fs.mknodAt(Ext2.ROOT_INO, "/dev0", 0x2000 | 0666, 4, 64);
        assertTrue(dev > 0);
        byte[][] inodes = {inode(s), inode(dev)};
        reconcileAll(fs.repair(), s, dev);
        assertArrayEquals(inodes[0], inode(s), "the target text is not a block map");
        assertArrayEquals(inodes[1], inode(dev), "nor is a device number");
        m.syncAndCheck(tmp.resolve("nomap.img"));
    }

    byte[] inode(int ino) {
        byte[] b = new byte[fs.inodeSize];
        for (int i = 0; i < b.length; i++) b[i] = (byte) fs.r8(Ext2Inode.pos(fs, ino) + i);
        return b;
    }

    @Test
    void singleDoubleAndTripleIndirectBlocksAreMarkedAndCounted() {
        int ino = fs.create("/big", 0644);
        assertEquals(13 * 4096, fs.write(ino, 0, bytes(13 * 4096), 0, 13 * 4096)); // 12 direct, 1 under the indirect
        long dind = (12 + 1024) * 4096L, tind = (12 + 1024 + 1024 * 1024) * 4096L;
        assertEquals(10, fs.write(ino, dind, bytes(10), 0, 10));
        assertEquals(10, fs.write(ino, tind, bytes(10), 0, 10));
        long p = Ext2Inode.pos(fs, ino);
        long blocks = inodeField(ino, Ext2Inode.I_BLOCKS);
        assertEquals((13 + 1 + 3 + 4) * 8, blocks, "13 data blocks, an indirect; 3 and 4 under the double and triple");
        java.util.List<Long> before = counts();
        long ind = fs.u32(p + Ext2Inode.I_BLOCK + 4 * 12);
        long di = fs.u32(p + Ext2Inode.I_BLOCK + 4 * 13);
        long ti = fs.u32(p + Ext2Inode.I_BLOCK + 4 * 14);
        long deepest = Ext2Inode.bmap(fs, ino, tind / 4096, false);
        for (long b : new long[] {ind, di, ti, deepest, Ext2Inode.bmap(fs, ino, dind / 4096, false)}) clearBlockBit(b);
        fs.w32(p + Ext2Inode.I_BLOCKS, 0);
        fs.w32(p + 100, 0x7fff_ffff); // i_generation, just past i_block: not a block pointer
        reconcileAll(fs.repair(), ino);
        assertEquals(blocks, inodeField(ino, Ext2Inode.I_BLOCKS));
        for (long b : new long[] {ind, di, ti, deepest}) assertTrue(Ext2Alloc.blockUsed(fs, b));
        assertEquals(before, counts());
        assertEquals(tind + 10, Ext2Inode.size(fs, ino));
        m.syncAndCheck(tmp.resolve("indirect.img"));
    }

    @Test
    void anExtendedAttributeBlockIsCountedInIBlocks() throws Exception {
        Path img = tmp.resolve("acl.img");
        E2fs.write(img, m.disk.image());
        Path data = tmp.resolve("data"), value = tmp.resolve("value");
        Files.write(data, bytes(9000));
        Files.write(value, new byte[3000]); // too big for the inode: an xattr block of its own
        E2fs.debugfs(img, "write " + data + " x", "ea_set -f " + value + " x user.big");
        m = new E2fs.Mounted(E2fs.read(img), 64);
        fs = m.fs;
        int ino = fs.lookup("/x");
        assertTrue(inodeField(ino, Ext2Inode.I_FILE_ACL) != 0, "the attribute is in a block");
        assertEquals((3 + 1) * 8, inodeField(ino, Ext2Inode.I_BLOCKS));
        fs.w32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_BLOCKS, 3 * 8);
        reconcileAll(fs.repair(), ino);
        assertEquals((3 + 1) * 8, inodeField(ino, Ext2Inode.I_BLOCKS));
        m.syncAndCheck(img);
    }

    @Test
    void aBlockPointerOutsideTheFileSystemIsRefused() {
        int ino = fs.create("/r", 0644);
        assertEquals(4096, fs.write(ino, 0, bytes(4096), 0, 4096));
        fs.w32(Ext2Inode.pos(fs, ino) + Ext2Inode.I_BLOCK, fs.blocksCount + 7);
        Ext2Exception e = assertThrows(Ext2Exception.class, () -> fs.repair().reconcile(ino));
        assertEquals("inode " + ino + " block map points to block " + (fs.blocksCount + 7) + ", outside 1.." + (fs.blocksCount - 1),
                e.getMessage());
    }

    @Test
    void anEntryGetsTheTypeOfTheInodeItNames() {
        int ino = fs.create("/t", 0644);
        assertEquals(1, typeOf("t"));
        fs.w16(Ext2Inode.pos(fs, ino) + Ext2Inode.I_MODE, 0x1000 | 0644); // now a fifo: the entry says a file
        Ext2Repair r = fs.repair();
        r.fixType(Ext2.ROOT_INO, Ext2.lastName("/t"));
        r.finish();
        assertEquals(5, typeOf("t"));
        m.syncAndCheck(tmp.resolve("type.img"));
    }

    int typeOf(String name) {
        for (DirEntry e = fs.readdir(Ext2.ROOT_INO, 0); e != null; e = fs.readdir(Ext2.ROOT_INO, e.nextPos())) {
            if (e.name().equals(name)) return e.type();
        }
        throw new AssertionError(name + " not found");
    }
}
