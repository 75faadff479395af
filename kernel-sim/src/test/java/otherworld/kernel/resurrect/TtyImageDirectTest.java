package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.tty.Tty;

/**
 * A tty's image: its record checked (magic, counters within one ring, skip, groups, termios bits Linux defines), an
 * echo in flight finished with each of its bytes sent once, and the record copied with what the device knows better
 * (bytes out, bytes in) and its console index derived. Direct cases on a record in a small memory, and a dead kernel
 * with a corrupt tty revived: the tty starts afresh, the processes are not refused.
 */
class TtyImageDirectTest {
    static final long OLD = PhysicalMemory.BASE + 0x1000;
    static final long NEW = OLD + 0x4000;
    static final long NREAD = 5000, NPROC = 5003, NWRITE = 5006;

    /** A well-formed tty record: 6 bytes received ("abc", ^A, "d\n" from 5000), 3 acted on, canonical, echo on. */
    static PhysicalMemory record() {
        PhysicalMemory ram = new PhysicalMemory(0x10000);
        DirectMem m = new DirectMem(ram);
        TTY.init(m, OLD);
        m.w32(OLD + TTY_CONSOLE, 1);
        m.w64(OLD + TTY_OUT, 40);
        m.w64(OLD + TTY_NREAD, NREAD);
        m.w64(OLD + TTY_NPROC, NPROC);
        m.w64(OLD + TTY_NWRITE, NWRITE);
        m.w32(OLD + TTY_SKIP, 2);
        m.w64(OLD + TTY_ECHO, Tty.echoMark(NPROC - 1, 39));
        m.w32(OLD + TTY_LFLAG, Tty.ICANON | Tty.ECHO | Tty.ECHOCTL);
        m.w32(OLD + TTY_PGRP, 4);
        m.w32(OLD + TTY_SID, 3);
        m.w64(OLD + TTY_WINSIZE, Tty.DEFAULT_WINSIZE);
        byte[] typed = {'a', 'b', 'c', 1, 'd', '\n'};
        for (int i = 0; i < typed.length; i++) m.w8(OLD + TTY_DATA + (NREAD + i) % TTY_BUF, typed[i]);
        ram.fill(NEW, TTY.size(), (byte) 0x66);
        return ram;
    }

    static String check(PhysicalMemory ram) { return TtyImage.check(new ReadOnlyMem(ram), OLD, 3); }

    static String withCounters(long nread, long nproc, long nwrite, int skip) {
        PhysicalMemory ram = record();
        ram.write64(OLD + TTY_NREAD, nread);
        ram.write64(OLD + TTY_NPROC, nproc);
        ram.write64(OLD + TTY_NWRITE, nwrite);
        ram.write32(OLD + TTY_SKIP, skip);
        return check(ram);
    }

    static String withWord(int off, int value) {
        PhysicalMemory ram = record();
        ram.write32(OLD + off, value);
        return check(ram);
    }

    @Test
    void aWellFormedRecordHasNoProblem() {
        assertNull(check(record()));
    }

    @Test
    void aBadMagicOrVersionIsNamed() {
        assertEquals("tty 3: bad magic or version", withWord(0, 0x20202020));
        assertEquals("tty 3: bad magic or version", withWord(4, TTY.version + 1));
        assertEquals("tty 3: bad magic or version", withWord(4, TTY.version - 1));
    }

    @Test
    void countersMustLieInOrderWithinOneRing() {
        assertNull(withCounters(0, 0, 0, 0), "a new line");
        assertNull(withCounters(NREAD, NREAD, NREAD, 0), "all read");
        assertNull(withCounters(NREAD, NREAD, NREAD + TTY_BUF, TTY_BUF), "a full ring, skip at its largest");
        assertNull(withCounters(NREAD, NREAD + TTY_BUF, NREAD + TTY_BUF, 0), "a full ring, all acted on");
        String bad = " invalid";
        assertTrue(withCounters(-1, 0, 0, 0).endsWith(bad));
        assertEquals("tty 3: counters 5000, 4999, 5006 (skip 0) invalid", withCounters(NREAD, NREAD - 1, NWRITE, 0));
        assertTrue(withCounters(NREAD, NPROC, NPROC - 1, 0).endsWith(bad));
        assertTrue(withCounters(NREAD, NPROC, NREAD + TTY_BUF + 1, 0).endsWith(bad), "more than one ring");
        assertTrue(withCounters(NREAD, NPROC, NWRITE, -1).endsWith(bad));
        assertTrue(withCounters(NREAD, NPROC, NWRITE, TTY_BUF + 1).endsWith(bad));
    }

    @Test
    void groupsMustNotBeNegative() {
        assertNull(withWord(TTY_PGRP, 0));
        assertNull(withWord(TTY_SID, 0));
        assertEquals("tty 3: process group or session invalid", withWord(TTY_PGRP, -1));
        assertEquals("tty 3: process group or session invalid", withWord(TTY_SID, -1));
    }

    @Test
    void termiosFlagsLinuxDoesNotDefineAreRefused() {
        assertNull(withWord(TTY_IFLAG, 077777));
        assertNull(withWord(TTY_OFLAG, 0177777));
        assertNull(withWord(TTY_LFLAG, 0377777));
        assertEquals("tty 3: termios flags invalid", withWord(TTY_IFLAG, 0100000));
        assertEquals("tty 3: termios flags invalid", withWord(TTY_OFLAG, 0200000));
        assertEquals("tty 3: termios flags invalid", withWord(TTY_LFLAG, 0400000));
    }

    // ---- the echo in flight ------------------------------------------------------------------------------------

    /** A console that has sent n bytes. */
    static Console sent(int n) {
        Console c = new Console("tty");
        for (int i = 0; i < n; i++) c.put('.');
        return c;
    }

    /** The byte at nproc (^A, echoed "^A" under ECHOCTL) with its echo begun at bytes_out 40. */
    static PhysicalMemory echoBegun() {
        PhysicalMemory ram = record();
        ram.write64(OLD + TTY_ECHO, Tty.echoMark(NPROC, 40));
        return ram;
    }

    static String after(Console c, int from) { return new String(c.output(), from, c.output().length - from); }

    @Test
    void anEchoInFlightIsFinishedEachByteOnce() {
        for (int done = 0; done <= 2; done++) {
            Console dev = sent(40 + done);
            assertTrue(TtyImage.completeEcho(new ReadOnlyMem(echoBegun()), OLD, dev), "in flight, " + done + " sent");
            assertEquals("^A".substring(done), after(dev, 40 + done), "the rest of the echo, " + done + " sent");
        }
    }

    @Test
    void noEchoInFlightSendsNothing() {
        Console dev = sent(40);
        assertFalse(TtyImage.completeEcho(new ReadOnlyMem(record()), OLD, dev), "the echo word names the byte before");
        assertEquals(40, dev.bytesOut());
    }

    // ---- the rebuilt record ------------------------------------------------------------------------------------

    static byte[] bytes(PhysicalMemory ram, long pa) {
        byte[] b = new byte[TTY.size()];
        ram.read(pa, b, 0, b.length);
        return b;
    }

    /** The rebuilt record with the words the rebuild derives put back as they were: the rest must be a copy. */
    static void assertCopied(PhysicalMemory ram) {
        PhysicalMemory back = new PhysicalMemory(0x10000);
        back.write(NEW, bytes(ram, NEW), 0, TTY.size());
        for (int off : new int[] {TTY_CONSOLE}) back.write32(NEW + off, ram.read32(OLD + off));
        for (int off : new int[] {TTY_OUT, TTY_NWRITE, TTY_NPROC}) back.write64(NEW + off, ram.read64(OLD + off));
        assertArrayEquals(bytes(ram, OLD), bytes(back, NEW), "termios, ring, window size, groups: as they were");
    }

    /** A console that has sent out bytes and let in bytes taken (of a script long enough). */
    static Console device(int out, long in) {
        Console c = new Console("tty", new byte[(int) in + 10]);
        for (long i = 0; i < in; i++) c.take();
        for (int i = 0; i < out; i++) c.put('.');
        return c;
    }

    static PhysicalMemory rebuilt(Console dev, int con, boolean echoed) {
        PhysicalMemory ram = record();
        TtyImage.rebuild(new ReadOnlyMem(ram), OLD, new DirectMem(ram), NEW, dev, con, echoed);
        return ram;
    }

    @Test
    void theRecordIsCopiedWithTheDevicesCountersAndItsOwnConsole() {
        PhysicalMemory ram = rebuilt(device(70, NWRITE + 2), 2, false);
        assertEquals(2, ram.read32(NEW + TTY_CONSOLE), "the console index is the tty's own");
        assertEquals(70, ram.read64(NEW + TTY_OUT), "out: the device's bytes out");
        assertEquals(NWRITE + 2, ram.read64(NEW + TTY_NWRITE), "bytes the device let go were in the ring");
        assertEquals(NPROC, ram.read64(NEW + TTY_NPROC), "no echo completed: nproc as it was");
        assertCopied(ram);
    }

    @Test
    void aDeviceCountThatCannotBeTheRingsIsNotTaken() {
        assertEquals(NWRITE, rebuilt(device(1, NWRITE - 1), 0, false).read64(NEW + TTY_NWRITE), "behind the ring");
        assertEquals(NREAD + TTY_BUF, rebuilt(device(1, NREAD + TTY_BUF), 0, false).read64(NEW + TTY_NWRITE),
                "a full ring");
        assertEquals(NWRITE, rebuilt(device(1, NREAD + TTY_BUF + 1), 0, false).read64(NEW + TTY_NWRITE),
                "more than a ring ahead of the reader");
    }

    @Test
    void aCompletedEchoMovesNprocPastItsByte() {
        assertEquals(NPROC + 1, rebuilt(device(0, NWRITE), 0, true).read64(NEW + TTY_NPROC));
    }

    @Test
    void aTtyWithoutAConsoleKeepsItsCountersAndSaysSo() {
        PhysicalMemory ram = rebuilt(null, -1, true);
        assertEquals(-1, ram.read32(NEW + TTY_CONSOLE));
        assertEquals(40, ram.read64(NEW + TTY_OUT));
        assertEquals(NPROC, ram.read64(NEW + TTY_NPROC), "no device: nothing was echoed");
        ram.write32(NEW + TTY_CONSOLE, 1);
        assertArrayEquals(bytes(ram, OLD), bytes(ram, NEW));
    }

    // ---- a dead kernel with a corrupt tty --------------------------------------------------------------------------

    @Test
    void aCorruptTtyStartsAfreshAndItsProcessesComeBack() {
        DeadKernels.Dead dead = DeadKernels.two();
        Machine m = dead.machine();
        long ttys = m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_TTYS);
        long tty1 = ttys + TTY.size();
        m.memory.write64(tty1 + TTY_NPROC, m.memory.read64(tty1 + TTY_NREAD) - 1);
        long termios = m.memory.read32(ttys + TTY_LFLAG);
        m.memory.write32(ttys + TTY_LFLAG, (int) termios ^ Tty.ECHO); // a valid change of tty 0: kept
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(1, r.report().machineProblems.size(), r.report().lines().toString());
        assertTrue(r.report().machineProblems.get(0).startsWith("tty 1: counters"), r.report().lines().toString());
        long nt = m.memory.read64(r.report().newHeader + KH_TTYS);
        assertEquals(termios ^ Tty.ECHO, m.memory.read32(nt + TTY_LFLAG), "tty 0's mode comes back");
        assertEquals(0, m.memory.read64(nt + TTY.size() + TTY_NREAD), "tty 1 afresh: the device's count (nothing)");
        assertEquals(0, m.memory.read64(nt + TTY.size() + TTY_NPROC));
        assertEquals(List.of(), r.audit());
    }
}
