package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;

/** The Java mke2fs: images of several sizes mount, take files, and are clean for e2fsck -fn before and after. */
class MkfsTest {
    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {2, 16, 129, 300})
    void formatsACleanFileSystemThatTakesFiles(int mib) {
        byte[] image = Mkfs.format((long) mib << 20, 16384, 1_700_000_000L);
        // only metadata is written: per group its two bitmaps and a superblock and descriptor copy at most; then
        // the root's and lost+found's inode-table block and their five directory blocks
        long groups = ((long) mib * 256 + Mkfs.BLOCKS_PER_GROUP - 1) / Mkfs.BLOCKS_PER_GROUP;
        long written = Mkfs.disk((long) mib << 20, 16384, 1_700_000_000L).allocatedBytes() / Mkfs.BS;
        assertTrue(written <= 6 + 4 * groups, written + " blocks written for " + groups + " groups");
        if (Fsck.available()) assertTrue(Fsck.check(image).clean(), Fsck.check(image).summary());
        PhysicalMemory scratch = new PhysicalMemory(1 << 20);
        MemoryDisk d = new MemoryDisk(image);
        Ext2 fs = Ext2.mount(BlockCache.format(new DirectMem(scratch), d, scratch.base(), 64), () -> 1_700_000_000L);
        assertEquals(java.util.List.of("lost+found"), fs.list("/"));
        long free = fs.freeBlocks();
        assertTrue(free > (long) mib * 256 * 9 / 10 - 300, "free blocks " + free);
        int dir = fs.mkdir("/d", 0755);
        int f = fs.create("/d/f", 0644);
        byte[] data = new byte[50_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        assertEquals(data.length, fs.write(f, 0, data, 0, data.length));
        assertTrue(dir > 0 && f > 0);
        fs.sync();
        assumeTrue(Fsck.available(), "e2fsck not installed");
        Fsck.Verdict v = Fsck.check(d.image());
        assertTrue(v.clean(), v.summary());
    }
}
