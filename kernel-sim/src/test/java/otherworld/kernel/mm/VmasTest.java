package otherworld.kernel.mm;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;

/** The VMA list algebra and the table's two lists. */
class VmasTest {
    static final long P = 4096;

    static Vma anon(long s, long e) { return new Vma(s * P, e * P, 0, 3, 0, 0); }

    @Test
    void removingTheMiddleSplitsAndAFileMappingKeepsItsOffsets() {
        Vma f = new Vma(10 * P, 20 * P, 4 * P, 1, VM_FILE | VM_SHARED, 7);
        List<Vma> l = Vmas.remove(List.of(anon(1, 5), f), 12 * P, 15 * P);
        assertEquals(List.of(anon(1, 5), new Vma(10 * P, 12 * P, 4 * P, 1, VM_FILE | VM_SHARED, 7),
                new Vma(15 * P, 20 * P, 9 * P, 1, VM_FILE | VM_SHARED, 7)), l);
        assertEquals(List.of(), Vmas.remove(List.of(anon(1, 5)), 0, 100 * P));
        assertEquals(List.of(anon(1, 5)), Vmas.remove(List.of(anon(1, 5)), 5 * P, 8 * P));
    }

    @Test
    void insertSortsAndMergesWhatContinuesButNotTheHeapOrAStack() {
        List<Vma> l = Vmas.insert(List.of(anon(1, 5), anon(9, 12)), anon(5, 9));
        assertEquals(List.of(anon(1, 12)), l);
        Vma heap = new Vma(12 * P, 14 * P, 0, 3, VM_HEAP, 0);
        assertEquals(2, Vmas.insert(l, heap).size());
        assertEquals(List.of(anon(1, 2), anon(3, 4)), Vmas.insert(List.of(anon(3, 4)), anon(1, 2)));
        // file pages continue only if their offsets do
        Vma a = new Vma(0, P, 0, 1, VM_FILE, 3), b = new Vma(P, 2 * P, 5 * P, 1, VM_FILE, 3);
        assertEquals(2, Vmas.insert(List.of(a), b).size());
        assertEquals(1, Vmas.insert(List.of(a), new Vma(P, 2 * P, P, 1, VM_FILE, 3)).size());
    }

    @Test
    void protectSplitsThreeWaysAndMergesBack() {
        List<Vma> l = Vmas.protect(List.of(anon(0, 10)), 3 * P, 5 * P, 1);
        assertEquals(List.of(anon(0, 3), new Vma(3 * P, 5 * P, 0, 1, 0, 0), anon(5, 10)), l);
        assertEquals(List.of(anon(0, 10)), Vmas.protect(l, 3 * P, 5 * P, 3));
    }

    @Test
    void gapsAreFoundTopDownHintsHonouredWhenFree() {
        List<Vma> l = List.of(anon(10, 20), anon(30, 40), anon(100, 200));
        assertEquals(95 * P, Vmas.gap(l, 5 * P, 0, 0, 100 * P));
        assertEquals(40 * P, Vmas.gap(l, 60 * P, 0, 0, 100 * P));
        assertEquals(20 * P, Vmas.gap(l, 10 * P, 0, 15 * P, 40 * P));
        assertEquals(-1, Vmas.gap(l, 11 * P, 0, 15 * P, 40 * P));
        assertEquals(-1, Vmas.gap(l, 11 * P, 0, 0, 20 * P));
        assertEquals(0, Vmas.gap(l, 10 * P, 0, 0, 20 * P));
        assertEquals(22 * P, Vmas.gap(l, 2 * P, 22 * P, 0, 100 * P));
        assertEquals(95 * P, Vmas.gap(l, 5 * P, 12 * P, 0, 100 * P), "an occupied hint is not taken");
        assertTrue(Vmas.covers(l, 10 * P, 20 * P));
        assertFalse(Vmas.covers(l, 10 * P, 21 * P));
        assertTrue(Vmas.overlaps(l, 39 * P, 41 * P));
        assertFalse(Vmas.overlaps(l, 40 * P, 100 * P));
    }

    @Test
    void checkNamesWhatIsWrong() {
        assertEquals(List.of(), Vmas.check(List.of(anon(1, 2), anon(2, 3))));
        assertTrue(Vmas.check(List.of(anon(2, 1))).get(0).contains("invalid"));
        assertTrue(Vmas.check(List.of(anon(1, 3), anon(2, 4))).get(0).contains("overlaps"));
        assertTrue(Vmas.check(List.of(new Vma(0, P, 0, 1, VM_FILE, 0))).get(0).contains("without a file"));
        assertTrue(Vmas.check(List.of(new Vma(0, P, 0, 9, 0, 0))).get(0).contains("protection"));
    }

    @Test
    void aStagedListIsInvisibleUntilActivated() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        DirectMem mem = new DirectMem(ram);
        long base = ram.base();
        Vmas.format(mem, base);
        Vmas v = new Vmas(mem, base, 3);
        v.reset(List.of(anon(1, 2)));
        assertEquals(List.of(anon(1, 2)), v.list());
        int which = v.stage(List.of(anon(1, 2), anon(5, 6)));
        assertEquals(List.of(anon(1, 2)), v.list(), "staged: not in force");
        assertNull(v.find(5 * P));
        v.activate(which);
        assertEquals(anon(5, 6), v.find(5 * P));
        v.activate(which); // idempotent
        assertEquals(2, v.list().size());
        v.clear();
        assertEquals(List.of(), v.list());
        assertEquals(List.of(), new Vmas(mem, base, 4).list(), "another slot's table is untouched");
    }
}
