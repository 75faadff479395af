package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.kernel.Kernel;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.sys.Sysno;

/**
 * The sysword check of a committed read or write (spec 5.1), on the dead kernel of {@link ProcRecords#TWO}:
 * checksum's write(3, buf, 64) has committed, its tail (records.dat's offset := sysword + 64) not made. The counter a
 * tail sets may hold where the call began (sysword) or where it ended (sysword + a0), nothing else; calls whose tail
 * does not set one are not checked. Each case is a direct call on the dead memory, the others a revival.
 */
class InFlightDirectTest {
    static final long A0 = 64;

    final Machine m = ProcRecords.machine();
    final ProcRecords p = new ProcRecords(m, 1);
    final int[] fds = new int[NOFILE];
    final long sw = m.memory.read64(p.task + T_SYSWORD);

    InFlightDirectTest() {
        for (int fd = 0; fd < NOFILE; fd++) fds[fd] = m.memory.read32(p.task + T_FD + 4L * fd);
    }

    String problem() {
        return InFlight.syswordProblem(new ReadOnlyMem(m.memory), p.task, fds, p.table(KH_FILES), p.table(KH_TTYS),
                m.memory.read32(p.header + KH_NTTYS), p.table(KH_PIPES));
    }

    /** The call in flight: nr(fd, ...) returned a0, its sysword sw. */
    void call(long nr, long fd, long a0, long sysword) {
        p.setX(17, nr);
        p.setX(10, a0);
        m.memory.write64(p.task + T_ORIG_A0, fd);
        m.memory.write64(p.task + T_SYSWORD, sysword);
    }

    /** An open file of this type at index 100 of the table (not 0: a wrong index reads another entry), as fd 10. */
    long file(int type, int flags, int ino, int tty) { return file(100, type, flags, ino, tty); }

    long file(int index, int type, int flags, int ino, int tty) {
        long fe = p.table(KH_FILES) + (long) index * FILE.size();
        m.memory.write32(fe + F_TYPE, type);
        m.memory.write32(fe + F_FLAGS, flags);
        m.memory.write32(fe + F_INO, ino);
        m.memory.write32(fe + F_TTY, tty);
        fds[10] = index;
        return fe;
    }

    long regularOffset() { return p.file(3) + F_OFFSET; }

    @Test
    void theDeadKernelIsAtTheCommitOfChecksumsWrite() {
        assertEquals(Sysno.WRITE, p.x(17));
        assertEquals(A0, p.x(10));
        assertEquals(3, m.memory.read64(p.task + T_ORIG_A0));
        assertEquals(sw, m.memory.read64(regularOffset()), "the tail has not moved the offset yet");
        assertTrue(sw > 0);
    }

    @Test
    void theOffsetWhereTheCallBeganOrEndedFitsAndNothingElse() {
        assertNull(problem(), "before the tail");
        m.memory.write64(regularOffset(), sw + A0);
        assertNull(problem(), "after the tail");
        for (long off : new long[] {sw + A0 + 1, sw + 1, sw - 1, sw + 2 * A0, 0}) {
            m.memory.write64(regularOffset(), off);
            assertNotNull(problem(), "offset " + off + " is neither where the write began nor where it ended");
        }
        m.memory.write64(regularOffset(), sw);
        m.memory.write64(p.task + T_SYSWORD, sw ^ 1 << 20);
        assertTrue(problem().contains("sysword"), problem());
    }

    @Test
    void aCallThatBeganAtZeroFitsAndANegativeSyswordNever() {
        call(Sysno.WRITE, 3, A0, 0);
        m.memory.write64(regularOffset(), 0);
        assertNull(problem());
        m.memory.write64(regularOffset(), A0);
        assertNull(problem());
        call(Sysno.WRITE, 3, A0, -1);
        m.memory.write64(regularOffset(), A0 - 1); // -1 + a0: the end of a call that began before the file
        assertNotNull(problem());
        m.memory.write64(regularOffset(), -1);
        assertNotNull(problem());
    }

    @Test
    void aCallThatMovedNothingHasNoTailToCheck() {
        m.memory.write64(regularOffset(), sw + 999);
        call(Sysno.WRITE, 3, 0, sw);
        assertNull(problem(), "a0 = 0");
        call(Sysno.WRITE, 3, -9, sw);
        assertNull(problem(), "an error");
        call(Sysno.WRITE, 3, 1, sw);
        assertNotNull(problem(), "one byte written");
        m.memory.write64(regularOffset(), sw + 1);
        assertNull(problem());
    }

    @Test
    void onlyReadsAndWritesAreChecked() {
        m.memory.write64(regularOffset(), sw + 999);
        for (long nr : new long[] {Sysno.READ, Sysno.READV, Sysno.WRITE, Sysno.WRITEV}) {
            call(nr, 3, A0, sw);
            assertNotNull(problem(), Sysno.name((int) nr));
            assertTrue(problem().contains(Sysno.name((int) nr)), problem());
        }
        for (long nr : new long[] {Sysno.LSEEK, Sysno.PREADV, Sysno.PWRITEV, 0, -1}) {
            call(nr, 3, A0, sw);
            assertNull(problem(), "call " + nr);
        }
    }

    @Test
    void anFdOutsideTheTableOrClosedHasNoTail() {
        m.memory.write64(regularOffset(), sw + 999);
        fds[NOFILE - 1] = fds[3];
        call(Sysno.WRITE, NOFILE - 1, A0, sw);
        assertNotNull(problem(), "the last fd is checked");
        for (long fd : new long[] {-1, NOFILE, 1L << 32, Long.MIN_VALUE}) {
            call(Sysno.WRITE, fd, A0, sw);
            assertNull(problem(), "fd " + fd);
        }
        fds[0] = fds[3];
        call(Sysno.WRITE, 0, A0, sw);
        assertNotNull(problem(), "fd 0 is checked");
        fds[3] = -1;
        call(Sysno.WRITE, 3, A0, sw);
        long before = p.table(KH_FILES) - FILE.size(); // what an index -1 would read: not the table's
        m.memory.write32(before + F_TYPE, FT_REG);
        m.memory.write64(before + F_OFFSET, sw + 999);
        assertNull(problem(), "a closed fd");
    }

    @Test
    void openFileZeroIsChecked() {
        long fe = file(0, FT_REG, 1, 20, 0);
        m.memory.write64(fe + F_OFFSET, 7);
        call(Sysno.WRITE, 10, A0, 7);
        assertNull(problem());
        call(Sysno.WRITE, 10, A0, 8);
        assertNotNull(problem());
    }

    @Test
    void anAppendingWriteIsNotCheckedButAnAppendingFilesReadIs() {
        long fe = file(FT_REG, InFlight.O_APPEND | 1, 20, 0);
        m.memory.write64(fe + F_OFFSET, 5000);
        call(Sysno.WRITE, 10, A0, 100);
        assertNull(problem(), "an O_APPEND write began at the file's size");
        call(Sysno.READ, 10, A0, 100);
        assertNotNull(problem());
        call(Sysno.READ, 10, A0, 5000 - A0);
        assertNull(problem());
        m.memory.write32(fe + F_FLAGS, 1);
        call(Sysno.WRITE, 10, A0, 100);
        assertNotNull(problem(), "without O_APPEND the write is checked, on this file's offset");
        call(Sysno.WRITE, 10, A0, 5000);
        assertNull(problem());
    }

    @Test
    void aTtyReadIsCheckedAgainstItsTtysNread() {
        int nttys = m.memory.read32(p.header + KH_NTTYS);
        assertEquals(2, nttys);
        long nread = p.table(KH_TTYS) + (long) (nttys - 1) * TTY.size() + TTY_NREAD;
        long fe = file(FT_TTY, 2, 0, nttys - 1);
        m.memory.write64(nread, 300);
        call(Sysno.READ, 10, 10, 300);
        assertNull(problem());
        call(Sysno.READ, 10, 10, 290);
        assertNull(problem());
        call(Sysno.READ, 10, 10, 295);
        assertTrue(problem().contains("tty"), problem());
        call(Sysno.READV, 10, 10, 295);
        assertNotNull(problem(), "readv reads too");
        m.memory.write32(fe + F_TTY, 0);
        m.memory.write64(p.table(KH_TTYS) + TTY_NREAD, 290);
        call(Sysno.READ, 10, 10, 290);
        assertNull(problem(), "tty 0's nread");
        m.memory.write64(p.table(KH_TTYS) + TTY_NREAD, 291);
        assertNotNull(problem(), "tty 0 is checked");
        m.memory.write32(fe + F_TTY, nttys - 1);
        call(Sysno.WRITE, 10, 10, 295);
        assertNull(problem(), "a tty write's tail takes the device's counter");
        call(Sysno.READ, 10, 10, 295);
        for (int tty : new int[] {-1, nttys, 99}) {
            m.memory.write32(fe + F_TTY, tty);
            assertNull(problem(), "tty " + tty + " (refused elsewhere)");
        }
    }

    @Test
    void aPipeReadIsCheckedAgainstNreadAndASmallWriteAgainstNwrite() {
        long rec = p.table(KH_PIPES) + 5L * PIPE.size();
        long fe = file(FT_PIPE, 0, 5, 0);
        m.memory.write64(rec + PI_NREAD, 1000);
        m.memory.write64(rec + PI_NWRITE, 4000);
        call(Sysno.READ, 10, 10, 1000);
        assertNull(problem());
        call(Sysno.READ, 10, 10, 990);
        assertNull(problem());
        call(Sysno.READ, 10, 10, 4000);
        assertTrue(problem().contains("pipe"), problem());
        // a write of at most PIPE_BUF: sysword - 1 is where nwrite was
        call(Sysno.WRITE, 10, 10, 4001);
        assertNull(problem());
        call(Sysno.WRITE, 10, 10, 3991);
        assertNull(problem());
        call(Sysno.WRITE, 10, 10, 4000);
        assertNotNull(problem(), "sysword itself is one past where nwrite was");
        call(Sysno.WRITE, 10, 10, 1001);
        assertNotNull(problem(), "checked against nwrite, not nread");
        call(Sysno.WRITE, 10, 10, 0);
        assertNull(problem(), "a write of more than PIPE_BUF: its chunks moved nwrite");
        call(Sysno.READV, 10, 10, 1000);
        assertNull(problem(), "readv reads too: nread");
        call(Sysno.READV, 10, 10, 4000);
        for (int pipe : new int[] {-1, MAX_PIPES}) {
            m.memory.write32(fe + F_INO, pipe);
            assertNull(problem(), "pipe " + pipe + " (refused by PipeImage)");
        }
        m.memory.write32(fe + F_INO, 0);
        m.memory.write64(p.table(KH_PIPES) + PI_NREAD, 4000);
        assertNull(problem(), "pipe 0's nread");
        m.memory.write64(p.table(KH_PIPES) + PI_NREAD, 3000);
        assertNotNull(problem(), "pipe 0 is checked");
        m.memory.write32(fe + F_INO, MAX_PIPES - 1);
        m.memory.write64(p.table(KH_PIPES) + (MAX_PIPES - 1L) * PIPE.size() + PI_NREAD, 1000);
        assertNotNull(problem(), "the last pipe is checked");
    }

    @Test
    void aDeviceHasNoCounterToCheck() {
        long fe = file(FT_DEV, 2, 5, 3);
        m.memory.write64(fe + F_OFFSET, 12345);
        call(Sysno.READ, 10, 10, 1);
        assertNull(problem());
    }

    @Test
    void aSyswordNoOneFlipExplainsRefusesTheWriterAndTheOtherComesBack() {
        m.memory.write64(p.task + T_SYSWORD, sw ^ (1 << 12 | 1 << 30));
        ProcRecords.refusedAlone(DeadKernels.revive(m, ProcRecords.TWO.config), 1, "sysword");
    }

    /** One flipped bit of the sysword: the one flip that makes it fit is undone, said, and the tail made again right. */
    @Test
    void aSyswordWithOneFlippedBitIsTakenBackAndItsTailMadeAgain() {
        Machine fresh = ProcRecords.TWO.machine();
        fresh.memory.write64(new ProcRecords(fresh, 1).task + T_SYSWORD, sw ^ 1L << 40);
        DeadKernels.Revived r = DeadKernels.revive(fresh, ProcRecords.TWO.config);
        ProcRecords.back(r, 1);
        ProcRecords.back(r, 2);
        assertTrue(r.report().machineProblems.stream().anyMatch(l -> l.contains("sysword: bit 40 flipped back")),
                r.report().lines().toString());
        assertEquals(java.util.List.of(), r.audit());
        r.attach().finishInFlight();
        assertEquals(sw + A0, fresh.memory.read64(new ProcRecords(fresh, 1).file(3) + F_OFFSET), "the tail made again");
    }

    @Test
    void anIntactSyswordLetsTheTailBeMadeAgain() {
        Machine fresh = ProcRecords.TWO.machine(); // the new kernel runs: its own disk
        DeadKernels.Revived r = DeadKernels.revive(fresh, ProcRecords.TWO.config);
        ProcRecords.back(r, 1);
        ProcRecords.back(r, 2);
        assertEquals(java.util.List.of(), r.audit());
        Kernel k = r.attach();
        k.finishInFlight();
        assertEquals(sw + A0, fresh.memory.read64(new ProcRecords(fresh, 1).file(3) + F_OFFSET), "the tail made again");
    }
}
