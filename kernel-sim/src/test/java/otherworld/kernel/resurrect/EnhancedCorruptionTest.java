package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.kernel.Scenario;
import otherworld.kernel.fs.BlockCache;

/**
 * The enhanced mode at a crash, on the two processes of {@link ValidatorCorruptionTest}: one flipped bit in the
 * victim's saved registers or in a page-table entry is taken back and both finish as without a crash (default mode
 * cannot tell the first at all, and can only refuse the second); two flipped bits in one word are beyond the code, and the process whose record holds them is refused rather
 * than brought back wrong; a dirty cache block with a word corrupt beyond repair is not flushed, and every process
 * is refused (any may have written it) rather than left with a file that silently differs.
 */
class EnhancedCorruptionTest {
    static Scenario two() { return ValidatorCorruptionTest.two().enhanced(true); }

    static Scenario.Result crashWith(ValidatorCorruptionTest.Corrupter c) {
        return two().probe(m -> new ValidatorCorruptionTest.Corrupting(m, c)).run();
    }

    /** The victim's saved a1 (x11), a register the program uses after the crash. */
    static long savedRegister(ValidatorCorruptionTest.Dead d) { return d.victim() + T_X + 8L * 11; }

    @Test
    void oneFlippedBitInSavedRegistersIsTakenBack() {
        Scenario.Result r = crashWith(d -> d.ram().write64(savedRegister(d), d.ram().read64(savedRegister(d)) ^ (1L << 40)));
        ValidatorCorruptionTest.asWithoutACrash(r);
        assertTrue(r.reports().get(0).machineProblems.stream().anyMatch(l -> l.contains("bit 40 of the word at")),
                r.reports().get(0).lines().toString());
    }

    /** A frame number flipped inside RAM, in a leaf and in a table pointer: default mode can only refuse these. */
    @Test
    void aFlippedBitInAPageTableIsTakenBack() {
        for (boolean leaf : new boolean[] {true, false}) {
            Scenario.Result r = crashWith(d -> {
                long pte = leaf ? d.leafPte() : d.level1Pte();
                d.ram().write64(pte, d.ram().read64(pte) ^ (1L << 12)); // bit 2 of the frame number: still in RAM
            });
            ValidatorCorruptionTest.asWithoutACrash(r);
            assertTrue(r.reports().get(0).machineProblems.stream().anyMatch(l -> l.contains("bit 12 of the page-table entry")),
                    r.reports().get(0).lines().toString());
        }
        Scenario.Result plain = ValidatorCorruptionTest.two().probe(m -> new ValidatorCorruptionTest.Corrupting(m,
                d -> d.ram().write64(d.leafPte(), d.ram().read64(d.leafPte()) ^ (1L << 12)))).run();
        assertFalse(plain.reports().get(0).processes.stream().allMatch(ResurrectionReport.Process::resurrected)
                && ValidatorCorruptionTest.REFERENCE.outputs().equals(plain.outputs()), "default mode survived it as well");
    }

    @Test
    void twoFlippedBitsInOneWordRefuseTheRecordsProcess() {
        Scenario.Result r = crashWith(d -> d.ram().write64(savedRegister(d), d.ram().read64(savedRegister(d)) ^ 0x0101L));
        ResurrectionReport rep = r.reports().get(0);
        assertEquals(List.of(true, false), List.of(resurrected(rep, 1), resurrected(rep, 2)), rep.lines().toString());
        assertTrue(rep.lines().toString().contains("check byte says is corrupt beyond repair"), rep.lines().toString());
        assertEquals(ValidatorCorruptionTest.REFERENCE.outputs().get(0), r.outputs().get(0));
    }

    @Test
    void aDirtyBlockCorruptBeyondRepairIsNotFlushedAndEveryProcessRefused() {
        long[] hit = new long[1];
        Scenario.Result r = crashWith(d -> {
            long cache = d.ram().read64(d.header() + KH_CACHE);
            int slots = d.ram().read32(cache + BlockCache.H_SLOTS);
            for (int i = 0; i < slots; i++) {
                if (d.ram().read32(BlockCache.slotAddr(cache, i) + BlockCache.S_FLAGS) != (BlockCache.VALID | BlockCache.DIRTY)) continue;
                long w = cache + d.ram().read64(cache + BlockCache.H_FRAMES) + (long) i * BlockCache.BLOCK + 64;
                d.ram().write64(w, d.ram().read64(w) ^ 0x8001L);
                hit[0] = w;
                return;
            }
            fail("no dirty block at the crash");
        });
        ResurrectionReport rep = r.reports().get(0);
        assertTrue(rep.machineProblems.stream().anyMatch(l -> l.contains("check byte says is corrupt: not flushed")),
                rep.lines().toString());
        assertTrue(rep.processes.stream().noneMatch(ResurrectionReport.Process::resurrected), rep.lines().toString());
    }

    static boolean resurrected(ResurrectionReport rep, int pid) {
        return rep.processes.stream().anyMatch(p -> p.pid() == pid && p.resurrected());
    }
}
