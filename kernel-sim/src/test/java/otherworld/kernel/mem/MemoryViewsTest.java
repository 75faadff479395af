package otherworld.kernel.mem;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;

/**
 * The three views of guest RAM the kernels use (KMem): the plain one reads and writes little-endian values where told;
 * the crash kernel's read-only view reads the same bytes and refuses every kind of write, leaving RAM as the dead
 * kernel left it (rule 3); the traced view tells the fault injector of every write, with its address and length,
 * before it is made, so that a crash injected there leaves the write unmade.
 */
class MemoryViewsTest {
    static final long A = PhysicalMemory.BASE + 0x1000;

    static PhysicalMemory ram() { return new PhysicalMemory(64 * 1024); }

    /** Writes one value of every width and a byte run through m; returns what the reads give back. */
    static void writeEveryWidth(KMem m) {
        m.w8(A, 0x1AB);
        m.w16(A + 2, 0x1CDEF);
        m.w32(A + 4, 0x89ABCDEF);
        m.w64(A + 8, 0x0123_4567_89AB_CDEFL);
        m.write(A + 16, new byte[] {9, 8, 7, 6, 5}, 1, 3);
        m.zero(A + 24, 4);
    }

    @Test
    void directViewWritesAndReadsEveryWidthLittleEndian() {
        PhysicalMemory ram = ram();
        ram.fill(A, 32, (byte) 0x55);
        DirectMem m = new DirectMem(ram);
        assertSame(ram, m.ram());
        writeEveryWidth(m);
        assertEquals(0xAB, m.r8(A));
        assertEquals(0xCDEF, m.r16(A + 2));
        assertEquals(0x89ABCDEF, m.r32(A + 4));
        assertEquals(0x0123_4567_89AB_CDEFL, m.r64(A + 8));
        assertEquals(0xEF, ram.read8(A + 8), "little-endian: the low byte first");
        byte[] b = new byte[5];
        m.read(A + 16, b, 1, 4);
        assertArrayEquals(new byte[] {0, 8, 7, 6, 0x55}, b);
        assertEquals(0x55, m.r8(A + 19), "write copies len bytes, no more");
        assertEquals(0, m.r32(A + 24));
        assertEquals(0x55, m.r8(A + 28), "zero clears len bytes, no more");
        assertTrue(m.contains(PhysicalMemory.BASE, 64 * 1024));
        assertFalse(m.contains(PhysicalMemory.BASE, 64 * 1024 + 1));
        assertFalse(m.contains(PhysicalMemory.BASE - 1, 1));
    }

    @Test
    void readOnlyViewReadsTheDeadKernelsBytesAndRefusesEveryWrite() {
        PhysicalMemory ram = ram();
        writeEveryWidth(new DirectMem(ram));
        byte[] before = new byte[64];
        ram.read(A, before, 0, before.length);
        ReadOnlyMem v = new ReadOnlyMem(ram);
        assertEquals(0xAB, v.r8(A));
        assertEquals(0xCDEF, v.r16(A + 2));
        assertEquals(0x89ABCDEF, v.r32(A + 4));
        assertEquals(0x0123_4567_89AB_CDEFL, v.r64(A + 8));
        byte[] b = new byte[3];
        v.read(A + 16, b, 0, 3);
        assertArrayEquals(new byte[] {8, 7, 6}, b);
        assertTrue(v.contains(A, 64));
        assertFalse(v.contains(PhysicalMemory.BASE + 64 * 1024, 1));
        List<Runnable> writes = List.of(() -> v.w8(A, 1), () -> v.w16(A, 1), () -> v.w32(A, 1), () -> v.w64(A, 1),
                () -> v.write(A, new byte[4], 0, 4), () -> v.zero(A, 4));
        for (Runnable w : writes) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, w::run);
            assertTrue(e.getMessage().contains("0x80001000"), e.getMessage());
        }
        byte[] after = new byte[64];
        ram.read(A, after, 0, after.length);
        assertArrayEquals(before, after, "RAM as the dead kernel left it");
    }

    @Test
    void tracedViewTellsOfEveryWriteBeforeMakingIt() {
        PhysicalMemory ram = ram();
        List<String> seen = new ArrayList<>();
        TracedMem m = new TracedMem(ram, (pa, len) -> seen.add(Long.toHexString(pa - A) + "+" + len));
        writeEveryWidth(m);
        assertEquals(List.of("0+1", "2+2", "4+4", "8+8", "10+3", "18+4"), seen);
        assertEquals(0x0123_4567_89AB_CDEFL, m.r64(A + 8), "the write is made after the observer returns");
        assertEquals(0xCDEF, m.r16(A + 2));
        assertEquals(8, m.r8(A + 16));
        assertSame(ram, m.ram());
        seen.clear();
        m.r64(A);
        m.read(A, new byte[8], 0, 8);
        assertEquals(List.of(), seen, "reads are not traced");
    }

    @Test
    void aCrashInjectedAtATracedWriteLeavesItUnmade() {
        PhysicalMemory ram = ram();
        ram.fill(A, 32, (byte) 0x55);
        TracedMem m = new TracedMem(ram, (pa, len) -> { throw new IllegalStateException("crash before the write"); });
        List<Runnable> writes = List.of(() -> m.w8(A, 1), () -> m.w16(A, 1), () -> m.w32(A, 1), () -> m.w64(A, 1),
                () -> m.write(A, new byte[4], 0, 4), () -> m.zero(A, 4));
        for (Runnable w : writes) assertThrows(IllegalStateException.class, w::run);
        for (int i = 0; i < 32; i++) assertEquals(0x55, ram.read8(A + i), "byte " + i + " untouched");
    }
}
