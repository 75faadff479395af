package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.verified.Sv39;

/**
 * The shared file pages: each entry in use checked (state, a user frame, a block on the disk, a file page, nothing
 * named twice) and a bad one dropped with a reason and its data not written; every valid page written to its block;
 * the new table made of the pages a resurrected task maps, clean and compacted. Direct cases on a table in a small
 * memory, and a dead sharedmap (8 pages stored through the mapping, never synced) revived.
 */
class FilePageImageDirectTest {
    static final long BASE = PhysicalMemory.BASE;
    static final long TABLE = BASE + 0x1000;
    static final long NEW_TABLE = TABLE + 0x28000;
    static final long FRAMES = BASE + 0x60000; // user frames: FRAMES + k pages, k < 16
    static final long DISK_BLOCKS = 64;

    static long frame(int k) { return FRAMES + k * Sv39.PAGE_SIZE; }

    static boolean userFrame(long pa) { return pa >= FRAMES && pa < frame(16) && (pa - FRAMES) % Sv39.PAGE_SIZE == 0; }

    /** A table of hwm entries; entry i (i < 4) in use: inode 12, page i, block 10 + i, frame i, dirty when odd. */
    static PhysicalMemory table(int hwm) {
        PhysicalMemory ram = new PhysicalMemory(0x80000);
        DirectMem m = new DirectMem(ram);
        FPAGES.init(m, TABLE);
        m.w32(TABLE + FP_HWM, hwm);
        for (int i = 0; i < 4; i++) set(ram, i, i % 2 == 1 ? FPAGE_USED | FPAGE_DIRTY : FPAGE_USED, 12, i, 10 + i, frame(i));
        for (int k = 0; k < 16; k++) ram.fill(frame(k), Sv39.PAGE_SIZE, (byte) ('A' + k));
        return ram;
    }

    static void set(PhysicalMemory ram, int i, int state, int ino, long index, long block, long frame) {
        long e = FilePages.entry(TABLE, i);
        ram.write32(e + FE_STATE, state);
        ram.write32(e + FE_INO, ino);
        ram.write64(e + FE_INDEX, index);
        ram.write64(e + FE_BLOCK, block);
        ram.write64(e + FE_FRAME, frame);
    }

    static FilePageImage validate(PhysicalMemory ram) {
        return FilePageImage.validate(new ReadOnlyMem(ram), TABLE, DISK_BLOCKS, FilePageImageDirectTest::userFrame);
    }

    @Test
    void validEntriesAreKeptByFrameWithTheirFilePageBlockAndDirtiness() {
        FilePageImage img = validate(table(6));
        assertEquals(List.of(), img.problems);
        assertEquals(List.of(frame(0), frame(1), frame(2), frame(3)), new ArrayList<>(img.byFrame.keySet()));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(new long[] {12, i, 10 + i, i % 2}, img.byFrame.get(frame(i)), "entry " + i);
            assertTrue(img.isFilePage(frame(i)));
        }
        assertFalse(img.isFilePage(frame(4)));
    }

    @Test
    void entriesAtAndAboveTheHighWaterMarkAreNotRead() {
        FilePageImage img = validate(table(2));
        assertEquals(List.of(frame(0), frame(1)), new ArrayList<>(img.byFrame.keySet()));
        PhysicalMemory ram = table(0);
        set(ram, 0, 7, 0, -1, -1, 0); // garbage below no mark
        assertTrue(validate(ram).byFrame.isEmpty());
        assertEquals(List.of(), validate(ram).problems);
    }

    @Test
    void aTableWithABadHeaderIsNotFlushedAndSaysSo() {
        PhysicalMemory ram = table(4);
        ram.write32(TABLE, 0);
        assertHeaderProblem(ram, "bad magic or version");
        ram = table(4);
        ram.write32(TABLE + 4, FPAGES.version + 1);
        assertHeaderProblem(ram, "bad magic or version");
        ram = table(4);
        ram.write32(TABLE + 4, FPAGES.version - 1);
        assertHeaderProblem(ram, "bad magic or version");
        assertHeaderProblem(table(-1), "hwm -1 invalid");
        assertHeaderProblem(table(MAX_FPAGES + 1), "hwm " + (MAX_FPAGES + 1) + " invalid");
        assertEquals(List.of(), validate(table(MAX_FPAGES)).problems, "a full table");
        assertEquals(4, validate(table(MAX_FPAGES)).byFrame.size());
    }

    static void assertHeaderProblem(PhysicalMemory ram, String what) {
        FilePageImage img = validate(ram);
        assertEquals(1, img.problems.size(), img.problems.toString());
        assertTrue(img.problems.get(0).startsWith("file-page table: " + what), img.problems.toString());
        assertTrue(img.byFrame.isEmpty());
        MemoryDisk disk = MemoryDisk.blank(DISK_BLOCKS * Sv39.PAGE_SIZE);
        assertEquals(0, img.flush(new ReadOnlyMem(ram), disk));
        assertEquals(0, disk.writeCount());
    }

    /** Entry 2 changed to (state, ino, index, block, frame): the problem, or null if it is kept. */
    static String entry2(int state, int ino, long index, long block, long frame) {
        PhysicalMemory ram = table(4);
        set(ram, 2, state, ino, index, block, frame);
        FilePageImage img = validate(ram);
        if (img.problems.isEmpty()) {
            assertTrue(img.isFilePage(frame));
            return null;
        }
        assertEquals(1, img.problems.size(), img.problems.toString());
        assertEquals(List.of(frame(0), frame(1), frame(3)), new ArrayList<>(img.byFrame.keySet()),
                "the others are kept; a dropped entry's frame is no file page of its own");
        return img.problems.get(0);
    }

    @Test
    void eachFieldOfAnEntryIsChecked() {
        assertNull(entry2(FPAGE_USED, 1, 0, 1, frame(9)), "the smallest valid inode, page and block");
        assertNull(entry2(FPAGE_USED | FPAGE_DIRTY, 99, 1L << 40, DISK_BLOCKS - 1, frame(15)), "the largest valid block");
        assertEquals("file page 2 dropped: state 2", entry2(FPAGE_DIRTY, 12, 2, 12, frame(2)));
        assertEquals("file page 2 dropped: state 5", entry2(5, 12, 2, 12, frame(2)));
        assertEquals("file page 2 dropped: frame 0x80050000 not a user frame", entry2(FPAGE_USED, 12, 2, 12, BASE + 0x50000));
        assertEquals("file page 2 dropped: block 0 outside the disk", entry2(FPAGE_USED, 12, 2, 0, frame(2)));
        assertEquals("file page 2 dropped: block -3 outside the disk", entry2(FPAGE_USED, 12, 2, -3, frame(2)));
        assertEquals("file page 2 dropped: block 64 outside the disk", entry2(FPAGE_USED, 12, 2, DISK_BLOCKS, frame(2)));
        assertEquals("file page 2 dropped: inode 0 page 2", entry2(FPAGE_USED, 0, 2, 12, frame(2)));
        assertEquals("file page 2 dropped: inode 12 page -1", entry2(FPAGE_USED, 12, -1, 12, frame(2)));
    }

    @Test
    void aFrameBlockOrPageNamedTwiceDropsTheLaterEntry() {
        String twice = "file page 2 dropped: frame, block or page named twice";
        assertEquals(twice, entry2(FPAGE_USED, 12, 2, 12, frame(1)), "frame 1 again");
        assertEquals(twice, entry2(FPAGE_USED, 12, 2, 11, frame(2)), "block 11 again");
        assertEquals(twice, entry2(FPAGE_USED, 12, 1, 12, frame(2)), "inode 12 page 1 again");
        assertNull(entry2(FPAGE_USED, 13, 1, 12, frame(2)), "page 1 of another inode");
        assertNull(entry2(FPAGE_USED, 121, 3, 20, frame(7)), "not 12:13 read as 121:3");
    }

    @Test
    void flushWritesEveryValidPageToItsBlockDirtyOrNot() {
        PhysicalMemory ram = table(5);
        set(ram, 4, FPAGE_USED, 14, 0, 30, 0x1000); // dropped: not a user frame
        FilePageImage img = validate(ram);
        MemoryDisk disk = MemoryDisk.blank(DISK_BLOCKS * Sv39.PAGE_SIZE);
        assertEquals(4, img.flush(new ReadOnlyMem(ram), disk));
        byte[] block = new byte[(int) Sv39.PAGE_SIZE];
        for (int b = 0; b < DISK_BLOCKS; b++) {
            disk.read(b * Sv39.PAGE_SIZE, block, 0, block.length);
            byte want = b >= 10 && b < 14 ? (byte) ('A' + b - 10) : 0;
            for (byte x : block) assertEquals(want, x, "block " + b);
        }
        assertEquals(4, img.flush(new ReadOnlyMem(ram), disk), "again: the same (idempotent)");
    }

    @Test
    void rebuildKeepsTheMappedPagesCleanAndCompacted() {
        PhysicalMemory ram = table(4);
        ram.fill(NEW_TABLE, FPAGES.size(), (byte) 0x3C);
        FilePageImage img = validate(ram);
        img.rebuild(new DirectMem(ram), NEW_TABLE, Set.of(frame(1), frame(3), frame(9)));
        assertEquals(FPAGES.magic, ram.read32(NEW_TABLE));
        assertEquals(FPAGES.version, ram.read32(NEW_TABLE + 4));
        assertEquals(2, ram.read32(NEW_TABLE + FP_HWM));
        int i = 0;
        for (int k : new int[] {1, 3}) {
            long e = FilePages.entry(NEW_TABLE, i++);
            assertEquals(FPAGE_USED, ram.read32(e + FE_STATE), "clean: its data was just written");
            assertEquals(12, ram.read32(e + FE_INO));
            assertEquals(k, ram.read64(e + FE_INDEX));
            assertEquals(10 + k, ram.read64(e + FE_BLOCK));
            assertEquals(frame(k), ram.read64(e + FE_FRAME));
        }
        assertEquals(FPAGE_FREE, ram.read32(FilePages.entry(NEW_TABLE, 2) + FE_STATE), "the rest free");
        assertEquals(0, ram.read64(FilePages.entry(NEW_TABLE, 2) + FE_FRAME));
    }

    // ---- a dead sharedmap: 8 pages stored through its mapping, asleep --------------------------------------------

    @Test
    void theSharedPagesAreWrittenToTheFileAndComeBackMapped() {
        DeadKernels.Dead dead = Revivals.sleeper();
        Machine m = dead.machine();
        long h = DeadKernels.Dead.header(m.memory);
        long table = m.memory.read64(h + KH_FPAGES);
        List<long[]> used = Revivals.usedFilePages(m.memory, table);
        assertEquals(8, used.size());
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.report().dirtyBlocksFlushed >= 8, r.report().lines().toString());
        byte[] block = new byte[(int) Sv39.PAGE_SIZE];
        for (long[] e : used) { // {frame, block, index}
            m.disk.read(e[1] * Sv39.PAGE_SIZE, block, 0, block.length);
            assertEquals('A' + e[2], block[0], "the stores through the mapping are on the disk, page " + e[2]);
            assertEquals('.', block[100]);
        }
        long nt = m.memory.read64(r.report().newHeader + KH_FPAGES);
        assertEquals(8, m.memory.read32(nt + FP_HWM));
        List<long[]> back = Revivals.usedFilePages(m.memory, nt);
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(java.util.Arrays.copyOf(used.get(i), 3), java.util.Arrays.copyOf(back.get(i), 3),
                    "entry " + i + " kept: same frame, block and page");
        }
        assertEquals(List.of(), r.audit());
        assertEquals(otherworld.kernel.Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        assertEquals(dead.reference.outputs().get(0), "stored\n" + m.console(0).outputString());
    }

    @Test
    void aCorruptEntryIsDroppedAndItsDataNotWritten() {
        DeadKernels.Dead dead = Revivals.sleeper();
        Machine m = dead.machine();
        long table = m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_FPAGES);
        List<long[]> used = Revivals.usedFilePages(m.memory, table);
        long e3 = FilePages.entry(table, (int) used.get(3)[3]);
        m.memory.write64(e3 + FE_BLOCK, m.disk.sizeBytes() / Sv39.PAGE_SIZE);
        byte[] before = new byte[(int) Sv39.PAGE_SIZE];
        m.disk.read(used.get(3)[1] * Sv39.PAGE_SIZE, before, 0, before.length);
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertTrue(r.report().machineProblems.contains("file page " + used.get(3)[3] + " dropped: block "
                + m.disk.sizeBytes() / Sv39.PAGE_SIZE + " outside the disk"), r.report().lines().toString());
        byte[] after = new byte[(int) Sv39.PAGE_SIZE];
        m.disk.read(used.get(3)[1] * Sv39.PAGE_SIZE, after, 0, after.length);
        assertArrayEquals(before, after, "its page is not written, neither where it was nor elsewhere");
        long nt = m.memory.read64(r.report().newHeader + KH_FPAGES);
        assertEquals(7, m.memory.read32(nt + FP_HWM), "the 7 others come back");
    }
}
