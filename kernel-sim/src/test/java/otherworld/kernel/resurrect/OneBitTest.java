package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mem.ReadOnlyMem;

/** A record that one flipped bit explains is taken back on the crash kernel's copy; two explanations or none: nothing. */
class OneBitTest {
    static final long PA = PhysicalMemory.BASE + 0x100;

    /** A record of two words: a small index (0..9) and a magic. */
    static boolean sound(KMem m) { return m.r32(PA) >= 0 && m.r32(PA) < 10 && m.r32(PA + 4) == 0x1234_5678; }

    static final int[] BOTH = {0, 8};

    static OverlayMem record(int index, int magic) {
        PhysicalMemory ram = new PhysicalMemory(1 << 16);
        ram.write32(PA, index);
        ram.write32(PA + 4, magic);
        return new OverlayMem(new ReadOnlyMem(ram), PA, 8);
    }

    @Test
    void aFlipOnlyOneBitExplainsIsUndone() {
        OverlayMem r = record(3 | 1 << 20, 0x1234_5678);
        assertEquals(20, OneBit.undo(r, PA, BOTH, OneBitTest::sound));
        assertEquals(3, r.r32(PA));
        OverlayMem m = record(7, 0x1234_5678 ^ 1 << 9);
        assertEquals(32 + 9, OneBit.undo(m, PA, BOTH, OneBitTest::sound));
        assertTrue(sound(m));
    }

    @Test
    void aSoundRecordIsLeftAsItIs() {
        OverlayMem r = record(9, 0x1234_5678);
        assertEquals(-1, OneBit.undo(r, PA, BOTH, OneBitTest::sound));
        assertEquals(9, r.r32(PA));
    }

    @Test
    void twoExplanationsOrNoneAreNotGuessed() {
        OverlayMem two = record(12, 0x1234_5678); // 12 ^ 8 = 4 and 12 ^ 4 = 8: both sound
        assertEquals(-1, OneBit.undo(two, PA, BOTH, OneBitTest::sound));
        assertEquals(12, two.r32(PA), "left as it was");
        OverlayMem none = record(3 | 3 << 20, 0x1234_5678); // two bits off
        assertEquals(-1, OneBit.undo(none, PA, BOTH, OneBitTest::sound));
        assertEquals(3 | 3 << 20, none.r32(PA));
    }

    @Test
    void onlyTheFieldsGivenAreTried() {
        OverlayMem r = record(3 | 1 << 20, 0x1234_5678);
        assertEquals(-1, OneBit.undo(r, PA, new int[] {4, 8}, OneBitTest::sound), "the index is not among the fields");
        assertEquals(3 | 1 << 20, r.r32(PA));
    }
}
