package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.ReadOnlyMem;

/**
 * The overlay the crash kernel applies a committed execve on: reads inside its record come from its copy, every
 * other read from the dead kernel's memory, and no write ever reaches the dead kernel (it is read-only: rule 3).
 */
class OverlayMemDirectTest {
    static final long BASE = PhysicalMemory.BASE;
    static final long REC = BASE + 0x100; // the record: [REC, REC + LEN)
    static final int LEN = 32;

    /** RAM where byte at BASE + i is (i * 37 + 0x81) & 0xFF: every byte different from its neighbours, many above 0x7F. */
    static PhysicalMemory ram() {
        PhysicalMemory ram = new PhysicalMemory(1 << 16);
        for (int i = 0; i < 0x400; i++) ram.write8(BASE + i, i * 37 + 0x81);
        return ram;
    }

    static OverlayMem overlay(PhysicalMemory ram) { return new OverlayMem(new ReadOnlyMem(ram), REC, LEN); }

    @Test
    void theCopyStartsAsTheDeadRecordAndReadsComeFromIt() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        byte[] dead = new byte[LEN];
        ram.read(REC, dead, 0, LEN);
        assertArrayEquals(dead, o.copy());
        // unchanged, every width reads what the dead memory holds (little-endian, high bytes unsigned where they are)
        for (long a = REC - 16; a < REC + LEN + 16; a++) {
            assertEquals(ram.read8(a), o.r8(a), "r8 at " + (a - REC));
            assertEquals(ram.read16(a), o.r16(a), "r16 at " + (a - REC));
            assertEquals(ram.read32(a), o.r32(a), "r32 at " + (a - REC));
            assertEquals(ram.read64(a), o.r64(a), "r64 at " + (a - REC));
        }
    }

    @Test
    void writesChangeTheCopyOnlyAndAreReadBackAtEveryWidth() {
        PhysicalMemory ram = ram();
        byte[] before = new byte[0x400];
        ram.read(BASE, before, 0, before.length);
        OverlayMem o = overlay(ram);
        o.w8(REC, 0xF1);
        o.w16(REC + 2, 0xF2E3);
        o.w32(REC + 4, 0xF4E5D6C7);
        o.w64(REC + LEN - 8, 0xF8E9DACBBCAD9E8FL); // the last 8 bytes of the record: its end is inside
        assertEquals(0xF1, o.r8(REC));
        assertEquals(0xF2E3, o.r16(REC + 2));
        assertEquals(0xF4E5D6C7, o.r32(REC + 4));
        assertEquals(0xF8E9DACBBCAD9E8FL, o.r64(REC + LEN - 8));
        assertEquals(0x8F, o.r8(REC + LEN - 8));
        assertEquals(0xF8, o.r8(REC + LEN - 1));
        assertEquals(0xD6C7, o.r16(REC + 4));
        assertEquals(0xF4E5_D6C7_F2E3_00F1L | (long) ram.read8(REC + 1) << 8, o.r64(REC), "written and unwritten bytes");
        assertEquals(0xF1, o.copy()[0] & 0xFF);
        byte[] after = new byte[0x400];
        ram.read(BASE, after, 0, after.length);
        assertArrayEquals(before, after, "the dead kernel's memory is never written");
    }

    @Test
    void readsThatLeaveTheRecordComeFromTheDeadMemory() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        for (int i = 0; i < LEN; i++) o.w8(REC + i, 0);
        // straddling either end: the dead memory's bytes, never the copy's (nor a host exception)
        assertEquals(ram.read64(REC - 4), o.r64(REC - 4));
        assertEquals(ram.read64(REC + LEN - 4), o.r64(REC + LEN - 4));
        assertEquals(ram.read32(REC + LEN - 2), o.r32(REC + LEN - 2));
        assertEquals(ram.read16(REC + LEN - 1), o.r16(REC + LEN - 1));
        assertEquals(ram.read8(REC + LEN), o.r8(REC + LEN));
        assertEquals(ram.read8(REC - 1), o.r8(REC - 1));
        // and inside, the copy's
        assertEquals(0, o.r64(REC));
        assertEquals(0, o.r64(REC + LEN - 8));
        assertEquals(0, o.r8(REC + LEN - 1));
    }

    @Test
    void aWriteOutsideTheRecordIsRefusedWithAReason() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> o.w8(REC - 1, 1));
        assertTrue(e.getMessage().contains("outside its record"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> o.w16(REC + LEN - 1, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w32(REC + LEN - 2, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w64(REC + LEN - 4, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w8(REC + LEN, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.zero(REC + LEN - 1, 2));
        assertThrows(UnsupportedOperationException.class, () -> o.write(REC - 1, new byte[2], 0, 2));
    }

    @Test
    void blockReadsWritesAndZeroesSpanTheCopyAndTheDeadMemory() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        byte[] src = {9, 8, 7, 6, 5, 4};
        o.write(REC + 3, src, 1, 4); // 8 7 6 5 at REC+3..REC+6
        o.zero(REC + 10, 3);
        byte[] got = new byte[LEN + 4];
        o.read(REC - 2, got, 1, LEN + 3); // from 2 bytes before the record to 1 after it, into got[1..]
        assertEquals(0, got[0], "nothing before off is written");
        assertEquals((byte) ram.read8(REC - 2), got[1]);
        assertEquals((byte) ram.read8(REC - 1), got[2]);
        assertEquals((byte) ram.read8(REC), got[3]);
        assertArrayEquals(new byte[] {8, 7, 6, 5}, java.util.Arrays.copyOfRange(got, 6, 10));
        assertEquals((byte) ram.read8(REC + 7), got[10]);
        assertArrayEquals(new byte[] {0, 0, 0}, java.util.Arrays.copyOfRange(got, 13, 16));
        assertEquals((byte) ram.read8(REC + 13), got[16]);
        assertNotEquals(0, ram.read8(REC + 13));
        assertEquals((byte) ram.read8(REC + LEN), got[LEN + 3], "the last byte read: past the record, the dead one");
        assertEquals(8, o.r8(REC + 3));
    }

    @Test
    void containsIsTheDeadMemorys() {
        OverlayMem o = overlay(ram());
        assertTrue(o.contains(BASE, 1 << 16));
        assertFalse(o.contains(BASE, (1 << 16) + 1));
        assertFalse(o.contains(BASE - 8, 8));
    }
}
