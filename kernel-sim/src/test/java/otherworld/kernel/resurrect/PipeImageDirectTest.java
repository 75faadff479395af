package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.sys.Syscalls;

/**
 * A pipe's image: its record checked (index, counters — a high bit flipped in one is cleared —, a large write's
 * progress; the magic is written anew) and copied to the new kernel
 * with its unread bytes, its owner kept only if that process comes back. Direct cases on a table laid out in a small
 * memory, and a dead pipetest with bytes in its pipe revived.
 */
class PipeImageDirectTest {
    static final long PIPES = PhysicalMemory.BASE + 0x1000;
    static final long NEW_PIPES = PIPES + (long) MAX_PIPES * PIPE.size();

    /** Every pipe of the table well formed: pipe p has nread 100 p, 50 bytes waiting, no owner. */
    static PhysicalMemory table() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        DirectMem m = new DirectMem(ram);
        for (int p = 0; p < MAX_PIPES; p++) {
            long pa = PIPES + (long) p * PIPE.size();
            PIPE.init(m, pa);
            m.w64(pa + PI_NREAD, 100L * p);
            m.w64(pa + PI_NWRITE, 100L * p + 50);
        }
        return ram;
    }

    static long pipe(int p) { return PIPES + (long) p * PIPE.size(); }

    static String check(PhysicalMemory ram, int p) { return PipeImage.check(new ReadOnlyMem(ram), PIPES, p); }

    /** Pipe 5 with these counters and owner: the problem check finds, or null. */
    static String with(long nread, long nwrite, int owner, long base) {
        PhysicalMemory ram = table();
        ram.write64(pipe(5) + PI_NREAD, nread);
        ram.write64(pipe(5) + PI_NWRITE, nwrite);
        ram.write32(pipe(5) + PI_OWNER, owner);
        ram.write64(pipe(5) + PI_BASE, base);
        String bad = check(ram, 5);
        assertNull(check(ram, 4), "its neighbours are not affected");
        assertNull(check(ram, 6), "its neighbours are not affected");
        return bad;
    }

    @Test
    void aWellFormedPipeHasNoProblemAtEveryIndex() {
        PhysicalMemory ram = table();
        for (int p = 0; p < MAX_PIPES; p++) assertNull(check(ram, p), "pipe " + p);
    }

    @Test
    void anIndexOutsideTheTableIsAProblemNotAHostException() {
        PhysicalMemory ram = table();
        assertEquals("pipe -1 outside the table", check(ram, -1));
        assertEquals("pipe " + MAX_PIPES + " outside the table", check(ram, MAX_PIPES));
        assertNull(check(ram, MAX_PIPES - 1));
    }

    @Test
    void aBadMagicOrVersionIsNoProblemAndIsWrittenAnew() {
        PhysicalMemory ram = table();
        ram.write32(pipe(7), 0x12345678);
        ram.write32(pipe(9) + 4, PIPE.version + 1);
        assertNull(check(ram, 7), "the index names the pipe: its magic says nothing more");
        assertNull(check(ram, 9));
        DirectMem m = new DirectMem(ram);
        PipeImage.rebuild(new ReadOnlyMem(ram), PIPES, m, NEW_PIPES, 7, Set.of());
        PipeImage.rebuild(new ReadOnlyMem(ram), PIPES, m, NEW_PIPES, 9, Set.of());
        for (int p : new int[] {7, 9}) {
            long np = NEW_PIPES + (long) p * PIPE.size();
            assertEquals(PIPE.magic, m.r32(np), "pipe " + p);
            assertEquals(PIPE.version, m.r32(np + 4), "pipe " + p);
            assertEquals(m.r64(pipe(p) + PI_NREAD), m.r64(np + PI_NREAD), "the counters copied");
            assertEquals(m.r64(pipe(p) + PI_NWRITE), m.r64(np + PI_NWRITE), "the counters copied");
        }
    }

    @Test
    void countersMustLeaveBetweenNoneAndAFullBufferWaiting() {
        assertNull(with(0, 0, 0, 0), "an empty, new pipe");
        assertNull(with(7, 7, 0, 0), "an empty pipe");
        assertNull(with(10, 10 + PIPE_SIZE, 0, 0), "a full pipe");
        assertEquals("pipe 5: counters -1, 3 invalid", with(-1, 3, 0, 0));
        assertEquals("pipe 5: counters 8, 7 invalid", with(8, 7, 0, 0));
        assertEquals("pipe 5: counters 10, " + (11 + PIPE_SIZE) + " invalid", with(10, 11 + PIPE_SIZE, 0, 0));
    }

    /** {nread, nwrite, bit cleared} of pipe 5 with these counters. */
    static long[] countersOf(long nread, long nwrite) {
        PhysicalMemory ram = table();
        ram.write64(pipe(5) + PI_NREAD, nread);
        ram.write64(pipe(5) + PI_NWRITE, nwrite);
        return PipeImage.counters(new ReadOnlyMem(ram), pipe(5));
    }

    /** Pipe 5 with these counters, checked through the view Repairs makes of it: the problem, or null. */
    static String checkRepaired(long nread, long nwrite) {
        PhysicalMemory ram = table();
        ram.write64(pipe(5) + PI_NREAD, nread);
        ram.write64(pipe(5) + PI_NWRITE, nwrite);
        List<String> notes = new java.util.ArrayList<>();
        String bad = PipeImage.check(Repairs.pipe(new ReadOnlyMem(ram), PIPES, 5, notes), PIPES, 5);
        assertEquals(bad == null ? 1 : 0, notes.size(), notes.toString());
        return bad;
    }

    @Test
    void aHighBitFlippedInEitherCounterIsClearedAndNoProblem() {
        long nread = 3000, nwrite = 3050;
        for (int k = 14; k < 64; k++) {
            long bit = 1L << k;
            assertArrayEquals(new long[] {nread, nwrite, k}, countersOf(nread, nwrite ^ bit), "nwrite, bit " + k);
            assertArrayEquals(new long[] {nread, nwrite, k}, countersOf(nread ^ bit, nwrite), "nread, bit " + k);
            assertNotNull(with(nread ^ bit, nwrite, 0, 0), "bit " + k + ", as the dead kernel left it");
            assertNull(checkRepaired(nread ^ bit, nwrite), "bit " + k + ", as the crash kernel takes it");
        }
        assertArrayEquals(new long[] {0, PIPE_SIZE, 40}, countersOf(0, PIPE_SIZE | 1L << 40), "a full pipe");
        assertArrayEquals(new long[] {nread, nwrite, -1}, countersOf(nread, nwrite), "nothing to clear");
    }

    @Test
    void aHighBitClearedInACounterThatHadItGivesBothLessTheSameBit() {
        // nwrite had bit 14 and lost it: the pair comes back as both counters less 2^14, the same pipe to its users
        long nread = 20000, nwrite = 20050;
        long[] c = countersOf(nread, nwrite & ~(1L << 14));
        assertArrayEquals(new long[] {nread - (1L << 14), nwrite - (1L << 14), 14}, c);
        assertEquals(nwrite - nread, c[1] - c[0], "the bytes waiting");
        assertEquals(nread % PIPE_SIZE, c[0] % PIPE_SIZE, "the ring position");
    }

    @Test
    void aFlipBelowBit14IsNotGuessed() {
        assertArrayEquals(new long[] {3000, 3050 ^ 1L << 13, -1}, countersOf(3000, 3050 ^ 1L << 13), "bit 13: refused");
        assertEquals("pipe 5: counters 3000, " + (3050 ^ 1L << 13) + " invalid", with(3000, 3050 ^ 1L << 13, 0, 0));
        assertArrayEquals(new long[] {3000, 3050 ^ 4, -1}, countersOf(3000, 3050 ^ 4),
                "a low bit that leaves a valid pipe: nothing can tell");
        assertArrayEquals(new long[] {-1, 3, -1}, countersOf(-1, 3), "no single bit makes this pair valid");
    }

    @Test
    void aLargeWritesOwnerMustBeWithinOneWrite() {
        long nwrite = 5000 + Syscalls.MAX_IO;
        assertNull(with(nwrite - 100, nwrite, 0, -77), "no owner: base is not read");
        assertNull(with(nwrite - 100, nwrite, 3, nwrite), "an owner that has written nothing yet");
        assertNull(with(nwrite - 100, nwrite, 3, nwrite - Syscalls.MAX_IO), "an owner that has written a whole write");
        assertNull(with(0, 4, 3, 0), "an owner from the first byte");
        String bad = "pipe 5: a write's progress invalid";
        assertEquals(bad, with(5000, 5004, -2, 5000), "a negative owner");
        assertEquals(bad, with(5000, 5004, 3, 5005), "progress beyond what was written");
        assertEquals(bad, with(0, 4, 3, -1), "progress from before the first byte");
        assertEquals(bad, with(nwrite - 100, nwrite, 3, nwrite - Syscalls.MAX_IO - 1), "more than one write");
    }

    @Test
    void rebuildCopiesThePipeWithItsBytesToTheSameIndexAndKeepsAnOwnerThatComesBack() {
        PhysicalMemory ram = table();
        DirectMem m = new DirectMem(ram);
        for (int i = 0; i < 50; i++) ram.write8(pipe(6) + PI_DATA + 600 + i, 'a' + i % 26);
        m.w32(pipe(6) + PI_OWNER, 4);
        m.w64(pipe(6) + PI_BASE, 630);
        m.w32(pipe(3) + PI_OWNER, 9);
        ram.fill(NEW_PIPES, (long) MAX_PIPES * PIPE.size(), (byte) 0x5A); // not laid out: all of a record is written
        PipeImage.rebuild(new ReadOnlyMem(ram), PIPES, m, NEW_PIPES, 6, Set.of(4, 7));
        PipeImage.rebuild(new ReadOnlyMem(ram), PIPES, m, NEW_PIPES, 3, Set.of(4, 7));
        for (int p : new int[] {3, 6}) {
            byte[] old = new byte[PIPE.size()], now = new byte[PIPE.size()];
            ram.read(pipe(p), old, 0, old.length);
            ram.read(NEW_PIPES + (long) p * PIPE.size(), now, 0, now.length);
            if (p == 6) {
                assertArrayEquals(old, now, "pipe 6 and its unread bytes, owner 4 kept");
            } else {
                assertEquals(0, m.r32(NEW_PIPES + 3L * PIPE.size() + PI_OWNER), "owner 9 does not come back");
                m.w32(NEW_PIPES + 3L * PIPE.size() + PI_OWNER, 9);
                ram.read(NEW_PIPES + (long) p * PIPE.size(), now, 0, now.length);
                assertArrayEquals(old, now, "all else of pipe 3 copied");
            }
        }
        assertEquals(0x5A5A5A5A, m.r32(NEW_PIPES + 5L * PIPE.size()), "the other pipes are not touched");
        assertEquals(0x5A5A5A5A, m.r32(NEW_PIPES + 4L * PIPE.size()), "the other pipes are not touched");
        assertEquals(0x5A5A5A5A, m.r32(NEW_PIPES + 7L * PIPE.size()), "the other pipes are not touched");
    }

    // ---- a dead pipetest: a pipe with bytes in it at the crash ----------------------------------------------------

    static final Scenario PIPETEST = new Scenario().add(Guests.program("pipetest", "4"));

    /** Crash when some pipe holds unread bytes (pipetest with 4 KiB through its pipes: the reference run is short). */
    static final DeadKernels.Dead DEAD = DeadKernels.capture(PIPETEST, KernelConfig.defaults(), (point, m) -> {
        return point.equals("syscall.after-commit") && firstPipeWithBytesIndex(m.memory) >= 0;
    });

    /** The first pipe of the dead kernel of ram named by an open file and holding unread bytes, or -1. */
    static int firstPipeWithBytesIndex(PhysicalMemory ram) {
        long h = DeadKernels.Dead.header(ram);
        long files = ram.read64(h + KH_FILES);
        for (int f = 0; f < MAX_FILES; f++) {
            long fe = files + (long) f * FILE.size();
            if (ram.read32(fe + F_REFS) <= 0 || ram.read32(fe + F_TYPE) != FT_PIPE) continue;
            int p = ram.read32(fe + F_INO);
            long pa = ram.read64(h + KH_PIPES) + (long) p * PIPE.size();
            if (ram.read64(pa + PI_NWRITE) > ram.read64(pa + PI_NREAD)) return p;
        }
        return -1;
    }

    static long firstPipeWithBytes(PhysicalMemory ram) {
        int p = firstPipeWithBytesIndex(ram);
        return p < 0 ? -1 : ram.read64(DeadKernels.Dead.header(ram) + KH_PIPES) + (long) p * PIPE.size();
    }

    @Test
    void aPipeWithUnreadBytesComesBackWithThemAndTheProgramFinishesAsWithoutACrash() {
        Machine m = DEAD.machine();
        int p = firstPipeWithBytesIndex(m.memory);
        long old = firstPipeWithBytes(m.memory);
        long nread = m.memory.read64(old + PI_NREAD), nwrite = m.memory.read64(old + PI_NWRITE);
        byte[] waiting = new byte[(int) (nwrite - nread)];
        for (int i = 0; i < waiting.length; i++) waiting[i] = (byte) m.memory.read8(old + PI_DATA + (nread + i) % PIPE_SIZE);
        DeadKernels.Revived r = DeadKernels.revive(m, DEAD.config);
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.report().processes.get(0).files().toString().contains(":pipe" + p), r.report().lines().toString());
        long now = m.memory.read64(r.report().newHeader + KH_PIPES) + (long) p * PIPE.size();
        assertEquals(nread, m.memory.read64(now + PI_NREAD));
        assertEquals(nwrite, m.memory.read64(now + PI_NWRITE));
        for (int i = 0; i < waiting.length; i++) {
            assertEquals(waiting[i], (byte) m.memory.read8(now + PI_DATA + (nread + i) % PIPE_SIZE), "unread byte " + i);
        }
        assertEquals(List.of(), r.audit());
        assertEquals(otherworld.kernel.Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        // what it printed before the crash went to the dead machine's console: the rest is the reference's end
        String out = m.console(0).outputString();
        assertTrue(out.contains("read 10 bytes: hello pipe"), "the bytes waiting in the pipe were read: " + out);
        assertTrue(DEAD.reference.outputs().get(0).endsWith(out), out);
    }

    /** A bit flipped in the magic of a pipe holding bytes: the pipe comes back whole and the program finishes. */
    @Test
    void aFlippedBitInAPipesMagicIsWrittenAnewAndTheProgramFinishesAsWithoutACrash() {
        Machine m = DEAD.machine();
        long old = firstPipeWithBytes(m.memory);
        m.memory.write32(old, m.memory.read32(old) ^ (1 << 13));
        finishesAsWithoutACrash(m, revivedWhole(m));
        assertTrue(m.console(0).outputString().contains("read 10 bytes: hello pipe"), m.console(0).outputString());
    }

    /** m's dead pipetest revived: its process comes back, nothing leaks. */
    static DeadKernels.Revived revivedWhole(Machine m) {
        DeadKernels.Revived r = DeadKernels.revive(m, DEAD.config);
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(List.of(), r.audit());
        return r;
    }

    /** The revived pipetest runs to its end, printing what the reference printed after the crash. */
    static void finishesAsWithoutACrash(Machine m, DeadKernels.Revived r) {
        assertEquals(otherworld.kernel.Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        String out = m.console(0).outputString(); // before the crash it printed to the dead machine's console
        assertTrue(DEAD.reference.outputs().get(0).endsWith(out), out);
    }

    /** A high bit flipped in the nwrite of a pipe holding bytes: cleared, said, and the program finishes. */
    @Test
    void aHighBitFlippedInAPipesCounterIsClearedAndTheProgramFinishesAsWithoutACrash() {
        Machine m = DEAD.machine();
        int p = firstPipeWithBytesIndex(m.memory);
        long old = firstPipeWithBytes(m.memory);
        long nwrite = m.memory.read64(old + PI_NWRITE);
        m.memory.write64(old + PI_NWRITE, nwrite | 1L << 37);
        DeadKernels.Revived r = revivedWhole(m);
        assertTrue(r.report().machineProblems.toString().contains("pipe " + p + ": counters"), r.report().lines().toString());
        long now = m.memory.read64(r.report().newHeader + KH_PIPES) + (long) p * PIPE.size();
        assertEquals(nwrite, m.memory.read64(now + PI_NWRITE));
        finishesAsWithoutACrash(m, r);
    }

    @Test
    void aCorruptPipeRefusesItsProcessAndNamesThePipe() {
        Machine m = DEAD.machine();
        int p = firstPipeWithBytesIndex(m.memory);
        long old = firstPipeWithBytes(m.memory);
        m.memory.write64(old + PI_NREAD, m.memory.read64(old + PI_NWRITE) + 1);
        DeadKernels.Revived r = DeadKernels.revive(m, DEAD.config);
        assertNull(r.failure());
        assertEquals(0, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.report().processes.get(0).problems().toString().contains("pipe " + p + ": counters"),
                r.report().lines().toString());
        assertEquals(List.of(), r.audit(), "nothing of the refused process leaked");
    }
}
