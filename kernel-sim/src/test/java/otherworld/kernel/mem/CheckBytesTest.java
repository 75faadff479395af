package otherworld.kernel.mem;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;

/**
 * The enhanced mode's check bytes: the code corrects any one flipped bit of a word or of its check byte and detects
 * any two; the kernel's coded writes keep every word of the covered range agreeing with its check byte and touch
 * nothing outside it; the crash kernel's coded view reads a flipped bit back, reads a word corrupt in two bits as it
 * is and says so, and does not "correct" sound words whose shared word of check bytes was hit.
 */
class CheckBytesTest {
    static final long BASE = PhysicalMemory.BASE + 0x1000;
    static final long END = BASE + 0x400;
    static final long CODES = END;

    @Test
    void everySingleFlipIsPlacedAndEveryDoubleFlipDetected() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 200; n++) {
            long v = r.nextLong();
            int c = CheckBits.of(v);
            assertEquals(CheckBits.slowOf(v), c, "the table-driven code is the code's definition");
            assertEquals(CheckBits.Verdict.SOUND, CheckBits.judge(v, c));
            for (int i = 0; i < 64; i++) {
                assertEquals(i, CheckBits.flippedBit(v ^ (1L << i), c), "data bit " + i);
                for (int j = i + 1; j < 64; j++) {
                    assertEquals(CheckBits.Verdict.UNCORRECTABLE, CheckBits.judge(v ^ (1L << i) ^ (1L << j), c));
                }
                for (int k = 0; k < 8; k++) {
                    assertEquals(CheckBits.Verdict.UNCORRECTABLE, CheckBits.judge(v ^ (1L << i), c ^ (1 << k)));
                }
            }
            for (int k = 0; k < 8; k++) {
                assertEquals(CheckBits.Verdict.CHECK_BIT, CheckBits.judge(v, c ^ (1 << k)), "check bit " + k);
                assertEquals(-1, CheckBits.flippedBit(v, c ^ (1 << k)));
            }
        }
    }

    static PhysicalMemory ram() { return new PhysicalMemory(64 * 1024); }

    /**
     * The structures' two check bytes: a flip in either byte is a check bit; a flipped data bit is placed; a random
     * value written over a word is taken for one flipped bit about one time in a thousand (SEC-DED alone: one in four).
     */
    @Test
    void theHashByteVouchesForACorrection() {
        SplittableRandom r = new SplittableRandom(17);
        int secdedWrong = 0, pairWrong = 0, n = 200_000;
        for (int k = 0; k < n; k++) {
            long v = r.nextLong(), w = r.nextLong();
            int p = CheckBits.pair(v);
            if (k < 200) {
                for (int i = 0; i < 64; i++) assertEquals(i, CheckBits.flippedBitPair(v ^ (1L << i), p));
                for (int b = 0; b < 16; b++) assertEquals(CheckBits.Verdict.CHECK_BIT, CheckBits.judgePair(v, p ^ (1 << b)));
            }
            if (CheckBits.judge(w, p & 0xFF) == CheckBits.Verdict.DATA_BIT) secdedWrong++;
            if (CheckBits.judgePair(w, p) == CheckBits.Verdict.DATA_BIT) pairWrong++;
        }
        assertTrue(secdedWrong > n / 5 && secdedWrong < n * 3 / 10, "SEC-DED alone: " + secdedWrong);
        assertTrue(pairWrong < n / 500, "with the hash: " + pairWrong);
    }

    static boolean allAgree(PhysicalMemory ram) {
        for (long w = BASE; w < END; w += 8) {
            if (CheckBits.judgePair(ram.read64(w), ram.read16(CodedMem.pairAt(CODES, BASE, w))) != CheckBits.Verdict.SOUND) return false;
        }
        return true;
    }

    @Test
    void codedWritesOfEveryWidthKeepEveryCheckByteTrue() {
        PhysicalMemory ram = ram();
        SplittableRandom r = new SplittableRandom(3);
        for (long w = BASE - 64; w < END + 64; w += 8) ram.write64(w, r.nextLong());
        CodedMem.encodeAll(ram, BASE, END, CODES);
        assertTrue(allAgree(ram));
        long outside = ram.read64(BASE - 8);
        CodedMem m = new CodedMem(new DirectMem(ram), ram, BASE, END, CODES, 0);
        m.w8(BASE + 3, 0x5A);
        m.w16(BASE + 15, 0xBEEF); // across two words
        m.w32(BASE + 0x101, 0x12345678);
        m.w64(BASE + 0x200, -1L);
        m.write(BASE + 0x2F0, new byte[40], 0, 40);
        m.zero(BASE + 0x3F0, 16);
        m.w64(BASE - 8, 42); // outside: plain
        assertTrue(allAgree(ram));
        assertEquals(42, ram.read64(BASE - 8));
        assertNotEquals(outside, 42);
        assertEquals(0x5A, m.r8(BASE + 3));
        assertEquals(0xBEEF, m.r16(BASE + 15));
        // a write that bypasses the coded view shows
        new DirectMem(ram).w8(BASE + 0x40, ram.read8(BASE + 0x40) ^ 4);
        assertFalse(allAgree(ram));
    }

    /** Outside the structures, the check bytes of page tables: every word written or zeroed, A and D left out. */
    @Test
    void writesOutsideTheStructuresKeepThePageTableCheckBytes() {
        PhysicalMemory ram = ram();
        long tables = PhysicalMemory.BASE + 0x8000, from = END + 0x100, to = END + 0x1100; // a "page table" above the codes
        CodedMem m = new CodedMem(new DirectMem(ram), ram, BASE, END, CODES, tables);
        SplittableRandom r = new SplittableRandom(9);
        for (long w = from; w < to; w += 8) m.w64(w, r.nextLong());
        m.zero(from + 0x13, 0x205); // unaligned both ends
        m.w32(from + 0x404, 0xCAFE);
        m.write(from + 0x600, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 0, 9); // a run of bytes: a process's page, no check bytes
        ram.write64(from + 0x700, ram.read64(from + 0x700) | 0xC0); // the hart sets A and D: no check byte changes
        for (long w = from; w < to; w += 8) {
            if (w >= from + 0x600 && w < from + 0x610) continue;
            assertEquals(CheckBits.Verdict.SOUND, CheckBits.judge(CodedMem.tableBits(ram.read64(w)),
                    ram.read8(tables + (w - PhysicalMemory.BASE) / 8)), String.format("0x%x", w));
        }
        long w = from + 0x808; // and a flipped bit shows through the view of tables
        long before = ram.read64(w);
        ram.write64(w, before ^ (1L << 20));
        CodedView view = new CodedView(new ReadOnlyMem(ram), BASE, END, CODES, tables, PhysicalMemory.BASE);
        assertEquals(before, view.tables().r64(w));
        assertEquals(before ^ (1L << 20), view.r64(w), "user memory is not read through the check bytes of tables");
        assertEquals(1, view.tableNotes().size());
    }

    @Test
    void theCodedViewReadsAFlippedBitBackAndLeavesRamAsItWas() {
        PhysicalMemory ram = ram();
        SplittableRandom r = new SplittableRandom(11);
        for (long w = BASE; w < END; w += 8) ram.write64(w, r.nextLong());
        CodedMem.encodeAll(ram, BASE, END, CODES);
        long a = BASE + 0x88, b = BASE + 0x1C0, c = BASE + 0x300;
        long va = ram.read64(a), vb = ram.read64(b), vc = ram.read64(c);
        ram.write64(a, va ^ (1L << 37));                     // one data bit: taken back
        ram.write64(b, vb ^ 0b101);                          // two bits: read as it is, reported
        long at = CodedMem.pairAt(CODES, BASE, c);
        ram.write16(at, ram.read16(at) ^ 0x10); // a check bit: the word is sound
        CodedView view = new CodedView(new ReadOnlyMem(ram), BASE, END, CODES);
        assertEquals(va, view.r64(a));
        assertEquals((int) (va >>> 32), view.r32(a + 4));
        assertEquals((int) (va >>> 32) & 0xFF, view.r8(a + 4));
        assertEquals((int) (va >>> 24) & 0xFFFF, view.r16(a + 3));
        byte[] got = new byte[24];
        view.read(a - 8, got, 0, 24);
        assertEquals(va, java.nio.ByteBuffer.wrap(got, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(va ^ (1L << 37), ram.read64(a), "dead memory is not written");
        assertEquals(vb ^ 0b101, view.r64(b));
        assertEquals(java.util.List.of(b), view.uncorrectable());
        assertTrue(view.corrupt(b + 4, 1) && !view.corrupt(a, 8));
        assertEquals(vc, view.r64(c));
        assertEquals(3, view.notes().size(), view.notes().toString());
        assertThrows(UnsupportedOperationException.class, () -> view.w64(a, 0));
    }

    /** The running kernel's scrub: a flipped bit put back, a hit word of check bytes written anew, two bits a panic. */
    @Test
    void aScrubPutsAFlipBackAndPanicsAtWhatItCannot() {
        PhysicalMemory ram = ram();
        SplittableRandom r = new SplittableRandom(13);
        for (long w = BASE; w < END; w += 8) ram.write64(w, r.nextLong());
        CodedMem.encodeAll(ram, BASE, END, CODES);
        CodedMem m = new CodedMem(new DirectMem(ram), ram, BASE, END, CODES, 0);
        long a = BASE + 0x48, va = ram.read64(a);
        ram.write64(a, va ^ (1L << 9));
        long before = ram.read64(CODES + 32);
        ram.write64(CODES + 32, ~before); // the check bytes of words 16..19
        m.scrub(BASE, (int) (END - BASE));
        assertEquals(va, ram.read64(a));
        assertTrue(allAgree(ram));
        long b = BASE + 0x300, vb = ram.read64(b);
        ram.write64(b, vb ^ 0x3);
        otherworld.kernel.KernelPanic p = assertThrows(otherworld.kernel.KernelPanic.class, () -> m.scrub(BASE + 0x2F8, 16));
        assertTrue(p.getMessage().contains(String.format("0x%x", b)), p.getMessage());
        new DirectMem(ram).scrub(BASE, (int) (END - BASE)); // plain memory: nothing to check, nothing thrown
    }

    /** A write into part of a word checks the word first: a flip in the bytes it keeps is not coded as the kernel's. */
    @Test
    void aPartialWriteDoesNotAbsorbAFlipInTheBytesItKeeps() {
        PhysicalMemory ram = ram();
        SplittableRandom r = new SplittableRandom(21);
        for (long w = BASE; w < END; w += 8) ram.write64(w, r.nextLong());
        CodedMem.encodeAll(ram, BASE, END, CODES);
        CodedMem m = new CodedMem(new DirectMem(ram), ram, BASE, END, CODES, 0);
        long a = BASE + 0x80, va = ram.read64(a);
        ram.write64(a, va ^ (1L << 44)); // byte 5 of the word
        m.w8(a, 0x11); // byte 0
        assertEquals((va & ~0xFFL) | 0x11, ram.read64(a), "the flip is put back, not kept");
        assertTrue(allAgree(ram));
        long b = BASE + 0x100, vb = ram.read64(b);
        ram.write64(b, vb ^ (3L << 40));
        assertThrows(otherworld.kernel.KernelPanic.class, () -> m.write(b + 2, new byte[] {1, 2}, 0, 2));
    }

    @Test
    void aHitWordOfCheckBytesCorrectsNothing() {
        PhysicalMemory ram = ram();
        SplittableRandom r = new SplittableRandom(5);
        for (long w = BASE; w < END; w += 8) ram.write64(w, r.nextLong());
        CodedMem.encodeAll(ram, BASE, END, CODES);
        for (int seed = 0; seed < 50; seed++) {
            long before = ram.read64(CODES + 16);
            ram.write64(CODES + 16, new SplittableRandom(seed).nextLong()); // the check bytes of words 8..11
            CodedView view = new CodedView(new ReadOnlyMem(ram), BASE, END, CODES);
            for (long w = BASE; w < END; w += 8) assertEquals(ram.read64(w), view.r64(w), "seed " + seed);
            ram.write64(CODES + 16, before);
        }
    }
}
