package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.*;

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
}
