package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.OverlayMem;
import otherworld.kernel.mem.UndoLog;

class UndoLogTest {
    static final long LOG = PhysicalMemory.BASE + 0x10000;
    static final long SIZE = 64 * 1024;
    static final long DATA = PhysicalMemory.BASE + 0x40000;

    @Test
    void overlayShowsStateAtBeginUntilCommit() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        UndoLog.format(ram, LOG, SIZE);
        UndoLog mem = new UndoLog(ram, LOG, SIZE - otherworld.kernel.layout.Layouts.ULOG.size(), true);
        mem.w64(DATA, 11);
        mem.w32(DATA + 8, 22);
        mem.begin(3);
        mem.w64(DATA, 111);
        mem.w64(DATA, 1111);            // written twice: the oldest value must win
        mem.w32(DATA + 8, 222);
        mem.write(DATA + 4094, new byte[] {1, 2, 3, 4}, 0, 4); // across a page boundary
        assertEquals(1111, ram.read64(DATA));

        OverlayMem v = OverlayMem.throughLog(ram, LOG, SIZE);
        assertTrue(v.rolledBack());
        assertEquals(3, v.rolledBackOwner());
        assertEquals(11, v.r64(DATA));
        assertEquals(22, v.r32(DATA + 8));
        assertEquals(0, v.r8(DATA + 4095));
        assertEquals(0, v.r8(DATA + 4097));
        assertThrows(UnsupportedOperationException.class, () -> v.w64(DATA, 5));

        mem.commit();
        OverlayMem after = OverlayMem.throughLog(ram, LOG, SIZE);
        assertFalse(after.rolledBack());
        assertEquals(1111, after.r64(DATA));
        assertEquals(222, after.r32(DATA + 8));
    }

    @Test
    void corruptLogIsRejected() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        UndoLog.format(ram, LOG, SIZE);
        UndoLog mem = new UndoLog(ram, LOG, SIZE - otherworld.kernel.layout.Layouts.ULOG.size(), true);
        mem.begin(0);
        mem.w64(DATA, 7);
        ram.write64(LOG + otherworld.kernel.layout.Layouts.ULOG.size() + 8, 1L << 40); // entry length garbage
        assertThrows(IllegalStateException.class, () -> OverlayMem.throughLog(ram, LOG, SIZE));
        ram.write32(LOG, 0);
        assertThrows(IllegalStateException.class, () -> OverlayMem.throughLog(ram, LOG, SIZE));
    }

    @Test
    void disabledLogWritesThroughWithoutRecording() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        UndoLog.format(ram, LOG, SIZE);
        UndoLog mem = new UndoLog(ram, LOG, SIZE - otherworld.kernel.layout.Layouts.ULOG.size(), false);
        mem.begin(0);
        mem.w64(DATA, 9);
        assertEquals(0, mem.used());
        assertFalse(OverlayMem.throughLog(ram, LOG, SIZE).rolledBack());
    }
}
