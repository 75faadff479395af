package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;

class BlockCacheTest {
    static final int BS = BlockCache.BLOCK;
    static final long BASE = PhysicalMemory.BASE + 3 * 4096;

    final PhysicalMemory ram = new PhysicalMemory(1 << 20);
    final TestMem mem = TestMem.direct(ram);
    final MemoryDisk disk = new MemoryDisk(pattern(64));

    /** A disk whose block b is filled with byte b+1. */
    static byte[] pattern(int blocks) {
        byte[] d = new byte[blocks * BS];
        for (int b = 0; b < blocks; b++) Arrays.fill(d, b * BS, (b + 1) * BS, (byte) (b + 1));
        return d;
    }

    static byte[] diskBlock(MemoryDisk d, long b) {
        return Arrays.copyOfRange(d.image(), (int) b * BS, (int) (b + 1) * BS);
    }

    byte[] frame(long pa) {
        byte[] f = new byte[BS];
        mem.read(pa, f, 0, BS);
        return f;
    }

    @Test
    void layoutsAreDescribedAndSized() {
        assertEquals(BlockCache.HEADER.magic, 0x43414342); // "BCAC" little-endian
        assertTrue(BlockCache.HEADER.describe().contains("useClock"));
        assertTrue(BlockCache.SLOT.describe().contains("lastUse"));
        assertEquals(BlockCache.SLOT.size(), 32);
        assertEquals(4096 + 8 * 4096, BlockCache.bytesNeeded(8));
        assertThrows(IllegalArgumentException.class, () -> BlockCache.bytesNeeded(0));
    }

    @Test
    void getReadsFromDiskAndEvictsWithEightSlots() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (int round = 0; round < 3; round++) {
            for (long b = 0; b < 40; b += 3) {
                byte[] f = frame(c.get(b));
                assertEquals((byte) (b + 1), f[0]);
                assertEquals((byte) (b + 1), f[BS - 1]);
            }
        }
        assertEquals(0, c.dirtyCount());
        assertEquals(0, disk.writeCount(), "clean evictions write nothing");
        assertTrue(BlockCache.validate(mem, BASE).isEmpty());
    }

    @Test
    void dirtyDataReachesDiskOnlyAtWriteBack() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (long b = 10; b < 14; b++) mem.w32(c.modify(b) + 100, (int) (0xC0DE0000 + b));
        assertEquals(4, c.dirtyCount());
        assertEquals((byte) 11, diskBlock(disk, 10)[100], "not on disk before writeBack");
        assertEquals(4, c.writeBack());
        assertEquals(0, c.dirtyCount());
        for (long b = 10; b < 14; b++) {
            byte[] d = diskBlock(disk, b);
            assertEquals((int) (0xC0DE0000 + b), (d[100] & 0xFF) | (d[101] & 0xFF) << 8 | (d[102] & 0xFF) << 16 | (d[103] & 0xFF) << 24);
            assertEquals((byte) (b + 1), d[99]);
        }
        assertEquals(0, c.writeBack());
    }

    @Test
    void evictionPrefersCleanAndWritesBackDirtyWhenForced() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (long b = 0; b < 8; b++) mem.w8(c.modify(b), 0xAA);
        assertEquals(8, c.dirtyCount());
        assertEquals(0, disk.writeCount());
        // All slots dirty: a miss writes back the least recently used dirty slot (block 0) and reuses it.
        c.get(20);
        assertEquals(1, disk.writeCount());
        assertEquals((byte) 0xAA, diskBlock(disk, 0)[0]);
        assertEquals((byte) 2, diskBlock(disk, 1)[0]);
        // The clean slot now holding 20 is the next victim: no more writes.
        for (long b = 21; b < 28; b++) c.get(b);
        assertEquals(1, disk.writeCount());
        assertEquals(7, c.dirtyCount());
        // Mixed: a dirty slot survives while clean ones are available.
        BlockCache c2 = BlockCache.format(mem, disk, BASE, 8);
        mem.w8(c2.modify(40), 0x55);
        for (long b = 0; b < 30; b++) c2.get(b);
        assertTrue(c2.isDirty(40));
        assertEquals((byte) 0x55, frame(c2.get(40))[0]);
    }

    @Test
    void getZeroedNeedsNoReadAndIsDirty() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        long pa = c.getZeroed(5);
        assertArrayEquals(new byte[BS], frame(pa));
        assertTrue(c.isDirty(5));
        c.get(5);
        assertArrayEquals(new byte[BS], frame(c.get(5)));
        c.writeBack();
        assertArrayEquals(new byte[BS], diskBlock(disk, 5));
        assertThrows(IllegalArgumentException.class, () -> c.get(64));
        assertThrows(IllegalArgumentException.class, () -> c.get(-1));
        assertThrows(IllegalStateException.class, () -> c.markDirty(33));
    }

    @Test
    void writeBackOfSomeBlocks() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (long b = 1; b <= 4; b++) c.modify(b);
        assertEquals(2, c.writeBack(b -> b % 2 == 0));
        assertEquals(2, c.dirtyCount());
        assertTrue(c.isDirty(1) && c.isDirty(3) && !c.isDirty(2));
    }

    @Test
    void attachSeesTheSameCache() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        mem.w8(c.modify(7) + 5, 0x77);
        BlockCache again = BlockCache.attach(mem, disk, BASE);
        assertEquals(8, again.slots());
        assertTrue(again.isDirty(7));
        assertEquals(0x77, mem.r8(again.get(7) + 5));
    }

    @Test
    void flushDirtyFromReadOnlyViewWritesExactlyTheDirtyBlocks() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (long b = 0; b < 8; b++) c.get(b);
        mem.w8(c.modify(2) + 1, 0x22);
        mem.w8(c.modify(6) + 1, 0x66);
        mem.w8(c.modify(33) + 1, 0x33); // evicts a clean slot
        byte[] ramBefore = new byte[(int) ram.size()];
        ram.read(ram.base(), ramBefore, 0, ramBefore.length);
        byte[] diskBefore = disk.image();

        TestMem view = TestMem.readOnly(ram);
        assertThrows(IllegalStateException.class, () -> view.w8(BASE, 0));
        assertTrue(BlockCache.validate(view, BASE).isEmpty());
        long writes = disk.writeCount();
        assertEquals(3, BlockCache.flushDirty(view, disk, BASE));
        assertEquals(3, disk.writeCount() - writes);

        byte[] after = disk.image();
        for (long b = 0; b < 64; b++) {
            byte[] expect = Arrays.copyOfRange(diskBefore, (int) b * BS, (int) (b + 1) * BS);
            if (b == 2 || b == 6 || b == 33) expect[1] = (byte) (b == 2 ? 0x22 : b == 6 ? 0x66 : 0x33);
            assertArrayEquals(expect, Arrays.copyOfRange(after, (int) b * BS, (int) (b + 1) * BS), "block " + b);
        }
        byte[] ramAfter = new byte[(int) ram.size()];
        ram.read(ram.base(), ramAfter, 0, ramAfter.length);
        assertArrayEquals(ramBefore, ramAfter, "flushDirty must not change memory");
    }

    @Test
    void validateReportsCorruption() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        c.get(3);
        c.get(4);
        assertEquals(List.of(), BlockCache.validate(mem, BASE));

        long slot0 = BASE + BlockCache.HEADER.size();
        long slot1 = slot0 + BlockCache.SLOT.size();
        // A valid slot pointing past the disk.
        mem.w64(slot0 + BlockCache.S_BLOCK, 1000);
        assertTrue(BlockCache.validate(mem, BASE).toString().contains("outside the disk"));
        // Two slots holding the same block.
        mem.w64(slot0 + BlockCache.S_BLOCK, 4);
        assertTrue(BlockCache.validate(mem, BASE).toString().contains("both hold block 4"));
        mem.w64(slot0 + BlockCache.S_BLOCK, 3);
        // DIRTY without VALID, unknown bits.
        mem.w32(slot1 + BlockCache.S_FLAGS, BlockCache.DIRTY);
        assertTrue(BlockCache.validate(mem, BASE).toString().contains("bad flags"));
        mem.w32(slot1 + BlockCache.S_FLAGS, 0x11);
        assertFalse(BlockCache.validate(mem, BASE).isEmpty());
        mem.w32(slot1 + BlockCache.S_FLAGS, BlockCache.VALID);
        assertEquals(List.of(), BlockCache.validate(mem, BASE));
        TestMem view = TestMem.readOnly(ram);
        // Header: bad magic, absurd slot count; attach and flushDirty refuse.
        mem.w32(BASE, 0x12345678);
        assertTrue(BlockCache.validate(view, BASE).toString().contains("bad magic"));
        assertThrows(IllegalStateException.class, () -> BlockCache.attach(mem, disk, BASE));
        assertThrows(IllegalStateException.class, () -> BlockCache.flushDirty(view, disk, BASE));
        mem.w32(BASE, BlockCache.HEADER.magic);
        mem.w32(BASE + BlockCache.H_SLOTS, 1 << 30);
        assertTrue(BlockCache.validate(view, BASE).toString().contains("slot count"));
        mem.w32(BASE + BlockCache.H_SLOTS, 300); // does not fit in 1 MiB of RAM
        assertTrue(BlockCache.validate(view, BASE).toString().contains("does not fit"));
        mem.w32(BASE + BlockCache.H_SLOTS, 8);
        assertEquals(List.of(), BlockCache.validate(view, BASE));
        // A base outside RAM is a problem, not an exception.
        assertFalse(BlockCache.validate(view, 0x1000).isEmpty());
        assertFalse(BlockCache.validate(view, ram.end() - 8).isEmpty());
    }

    /**
     * The crash kernel's flush trusts only a slot's flags and block: a corrupt header (magic, slot count, disk size,
     * use clock) or a slot's magic or LRU field change nothing, since the slot count comes from the configuration and
     * the disk's size from the disk; a slot whose flags or block cannot be right is skipped and reported, the others
     * are flushed (the campaign's bit flips in cache headers: one such flip used to leave every dirty block unflushed).
     */
    @Test
    void theCrashKernelsFlushTrustsOnlyEachSlotsFlagsAndBlock() {
        BlockCache c = BlockCache.format(mem, disk, BASE, 8);
        for (long b = 0; b < 8; b++) c.get(b);
        mem.w8(c.modify(2) + 1, 0x22);
        mem.w8(c.modify(6) + 1, 0x66);
        mem.w8(c.modify(5) + 1, 0x55);
        mem.w8(c.modify(7) + 1, 0x77);
        long slot0 = BASE + BlockCache.HEADER.size();
        java.util.function.LongUnaryOperator slotOf = b -> {
            for (int i = 0; i < 8; i++) if (mem.r64(slot0 + (long) i * BlockCache.SLOT.size() + BlockCache.S_BLOCK) == b) {
                return slot0 + (long) i * BlockCache.SLOT.size();
            }
            throw new IllegalStateException("block " + b + " not cached");
        };
        long s5 = slotOf.applyAsLong(5), s7 = slotOf.applyAsLong(7), s6 = slotOf.applyAsLong(6);
        // what the flush does not need: corrupt, and nothing changes
        mem.w32(BASE, 0x12345678);
        mem.w32(BASE + BlockCache.H_SLOTS, 1 << 30);
        mem.w64(BASE + BlockCache.H_DISK_BLOCKS, 1L << 40);
        mem.w64(BASE + BlockCache.H_CLOCK, 0);
        mem.w32(s6, 0); // the slot's magic
        mem.w64(s6 + BlockCache.S_LAST_USE, -1L);
        // what it needs: a dirty slot's flags with an unknown bit, another's block outside the disk
        mem.w32(s5 + BlockCache.S_FLAGS, BlockCache.VALID | BlockCache.DIRTY | 0x100);
        mem.w64(s7 + BlockCache.S_BLOCK, 7 + (1L << 40));
        byte[] before = disk.image();
        List<String> problems = new java.util.ArrayList<>();
        assertEquals(2, BlockCache.flushSound(TestMem.readOnly(ram), disk, BASE, 8, problems));
        byte[] after = disk.image();
        for (long b = 0; b < 64; b++) {
            byte[] expect = Arrays.copyOfRange(before, (int) b * BS, (int) (b + 1) * BS);
            if (b == 2 || b == 6) expect[1] = (byte) (b == 2 ? 0x22 : 0x66);
            assertArrayEquals(expect, Arrays.copyOfRange(after, (int) b * BS, (int) (b + 1) * BS), "block " + b);
        }
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("flags " + (3 | 0x100)) && problems.get(1).contains("outside the disk"), problems.toString());
        // two valid slots naming one block: neither is flushed (which one was flipped, nothing says)
        mem.w64(s7 + BlockCache.S_BLOCK, 2);
        problems.clear();
        BlockCache.flushSound(TestMem.readOnly(ram), disk, BASE, 8, problems);
        assertTrue(problems.toString().contains("both hold block 2"), problems.toString());
        // a slot count that does not fit RAM: reported, nothing written, no exception
        problems.clear();
        assertEquals(0, BlockCache.flushSound(TestMem.readOnly(ram), disk, BASE, 300, problems));
        assertTrue(problems.get(0).contains("not flushed"), problems.toString());
    }
}
