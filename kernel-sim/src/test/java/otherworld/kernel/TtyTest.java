package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * The terminal's line discipline, driven as a person types: {@code ttytest tty} (userland/src/ttytest.c) on an open
 * console, input typed between runs (a read blocks until it comes). Then the same session with the kernel crashed
 * between every two things typed, and in the middle of a line: mode, unread input, the line being typed, window
 * size and foreground group survive, so the terminal shows exactly what it showed without a crash. Job control:
 * a background reader is stopped by SIGTTIN, and reads once its group is given the terminal.
 */
class TtyTest {
    /** What is typed, one step at a time; the program runs until it waits between two steps. */
    static final List<String> SESSION = List.of(
            "helo\u007flo wrld\u0017world\r",   // erase, word erase, ICRNL
            "junk\u0015line2\n",                 // kill
            "part\n", "abcdefgh\n",              // a line read 3 bytes at a time
            "par", "tial\u0003",                 // ^C: SIGINT, the line flushed
            "after\n",
            "x\u001cy\n",                        // ^\: SIGQUIT
            "winsz\n", "win\n", "pgrp\n",
            "ctty\n",                            // TIOCNOTTY, TIOCSCTTY
            "jobs\n", "kid\n",                   // SIGTTIN stops a background reader; tcsetpgrp gives it the line
            "raw\n", "ab", "c",                  // VMIN 3: two bytes are not enough; then VTIME runs out
            "onlcr\n",
            "xy\u0004", "\u0004", "\u0004");     // ^D with a line, ^D twice on an empty one: done

    static final String EXPECTED = String.join("",
            "mode: icanon=1 echo=0 isig=0 opost=0 vmin=1 vtime=0 intr=3 erase=127\n",
            "window: 24 rows, 80 columns\n",
            "set: icanon=1 echo=1 isig=1\n",
            "helo\b \blo wrld\b \b\b \b\b \b\b \bworld\n", "line 12 [hello world\\n]\n",
            "junk\b \b\b \b\b \b\b \bline2\n", "line 6 [line2\\n]\n",
            "part\n", "line 5 [part\\n]\n",
            "abcdefgh\n", "part 3 [abc]\n", "part 3 [def]\n", "part 3 [gh\\n]\n",
            "partial^C",
            "after\n", "line 6 [after\\n] signals int=1 quit=0 winch=0\n",
            "x^\\y\n", "line 2 [y\\n] signals int=0 quit=1 winch=0\n",
            "winsz\n", "line 6 [winsz\\n]\n", "winsz: set 0, now 30 rows, 100 columns, winch=1\n",
            "win\n", "line 4 [win\\n]\n", "win: 30 rows, 100 columns\n",
            "pgrp\n", "line 5 [pgrp\\n]\n", "pgrp: foreground is mine, tcsetpgrp 0\n",
            "ctty\n", "line 5 [ctty\\n]\n", "ctty: TIOCNOTTY 0, then tcgetpgrp Inappropriate ioctl for device\n",
            "ctty: TIOCSCTTY 0, foreground mine\n",
            "jobs\n", "line 5 [jobs\\n]\n", "jobs: background read: stopped by SIGTTIN\n", "jobs: tcsetpgrp to the child 0\n",
            "kid\n", "jobs: the child read 4 bytes; taken back 0, foreground mine\n",
            "raw\n", "line 4 [raw\\n]\n", "raw 3 [abc]\n", "raw vtime 0 []\n",
            "onlcr\n", "line 6 [onlcr\\n]\n", "two\r\nlines\r\n",
            "xyline 2 [xy]\n", "line 0 []\n", "line 0 []\n", "done\n");

    /** A machine with one open console and ttytest tty started on it. */
    static Computer session(Machine m) throws Exception {
        Computer c = new Computer(m, KernelConfig.defaults()).boot();
        Scenario.Program p = Guests.program("ttytest", "tty");
        c.spawn("/bin/ttytest", p.elf(), p.argv(), 0);
        return c;
    }

    static Machine machine() { return new Machine(64 << 20, List.of(new Console("tty0").open()), Disks.blankExt2()); }

    /** Runs until the program waits for input (it must not end before the last step). */
    static void runUntilItWaits(Computer c) {
        assertFalse(c.run(2_000_000_000L), "the program waits for input");
        assertFalse(c.halted());
    }

    @Test
    void aPersonTypesEditsInterruptsAndChangesModes() throws Exception {
        Machine m = machine();
        Computer c = session(m);
        runUntilItWaits(c);
        for (int i = 0; i < SESSION.size() - 1; i++) {
            m.console(0).type(SESSION.get(i).getBytes(StandardCharsets.ISO_8859_1));
            runUntilItWaits(c);
        }
        m.console(0).type(SESSION.get(SESSION.size() - 1).getBytes(StandardCharsets.ISO_8859_1));
        boolean ended = c.run(2_000_000_000L);
        assertTrue(ended, () -> "it ends after the last ^D: " + m.console(0).outputString());
        assertEquals(EXPECTED, m.console(0).outputString());
        assertEquals(List.of(), KernelAudit.check(m.memory));
    }

    @Test
    void aReadBlocksUntilInputComesAndEndsAtTheEndOfTheLine() throws Exception {
        Machine m = machine();
        Computer c = session(m);
        runUntilItWaits(c);
        String before = m.console(0).outputString();
        runUntilItWaits(c); // nothing typed: still waiting, nothing printed
        assertEquals(before, m.console(0).outputString());
        m.console(0).close(); // the line ends: end of file, twice
        assertTrue(c.run(2_000_000_000L));
        assertTrue(m.console(0).outputString().endsWith("line 0 []\nline 0 []\ndone\n"), m.console(0).outputString());
    }

    /**
     * The same session, the kernel crashed after every step (and once between the echo of a partly typed line and
     * the rest of it): the output is the same, and nothing is lost or repeated.
     */
    @Test
    void everyResourceOfTheTerminalSurvivesACrashBetweenKeystrokes() throws Exception {
        Machine m = machine();
        Computer c = session(m);
        runUntilItWaits(c);
        List<ResurrectionReport> reports = new ArrayList<>();
        for (int i = 0; i < SESSION.size() - 1; i++) {
            m.console(0).type(SESSION.get(i).getBytes(StandardCharsets.ISO_8859_1));
            runUntilItWaits(c);
            long tty = c.kernel().ttyRecord(0);
            byte[] termios = new byte[TERMIOS_SIZE];
            m.memory.read(tty + TTY_TERMIOS, termios, 0, termios.length);
            long ws = m.memory.read64(tty + TTY_WINSIZE);
            int pgrp = m.memory.read32(tty + TTY_PGRP);
            long nread = m.memory.read64(tty + TTY_NREAD);
            long nwrite = m.memory.read64(tty + TTY_NWRITE);
            ResurrectionReport r = c.panicNow("test: crash after step " + i);
            assertNotNull(r);
            reports.add(r);
            assertTrue(r.machineProblems.isEmpty(), r.machineProblems.toString());
            long after = c.kernel().ttyRecord(0);
            byte[] back = new byte[TERMIOS_SIZE];
            m.memory.read(after + TTY_TERMIOS, back, 0, back.length);
            assertArrayEquals(termios, back, "the mode after step " + i);
            assertEquals(ws, m.memory.read64(after + TTY_WINSIZE), "the window size");
            assertEquals(pgrp, m.memory.read32(after + TTY_PGRP), "the foreground group");
            assertEquals(nread, m.memory.read64(after + TTY_NREAD), "what was read");
            assertEquals(nwrite, m.memory.read64(after + TTY_NWRITE), "unread input and the line being typed");
            assertEquals(List.of(), KernelAudit.check(m.memory));
        }
        m.console(0).type(SESSION.get(SESSION.size() - 1).getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(c.run(2_000_000_000L));
        assertEquals(EXPECTED, m.console(0).outputString());
        assertEquals(SESSION.size() - 1, reports.size());
        CrashCampaign.assertDiskClean(c, (otherworld.emulator.MemoryDisk) m.disk);
    }

    /** The console's window changes (a person resizes the host terminal): the foreground group gets SIGWINCH. */
    @Test
    void aResizedConsoleSendsSigwinchAndTheNewSize() throws Exception {
        Machine m = machine();
        Computer c = session(m);
        runUntilItWaits(c);
        m.console(0).resize(50, 132);
        runUntilItWaits(c); // the handler runs, the read is made again and waits
        m.console(0).type("win\n".getBytes(StandardCharsets.ISO_8859_1));
        runUntilItWaits(c);
        assertTrue(m.console(0).outputString().endsWith("line 4 [win\\n] signals int=0 quit=0 winch=1\nwin: 50 rows, 132 columns\n"),
                m.console(0).outputString());
        assertNotNull(c.panicNow("test")); // the size the device gave is kept: no second SIGWINCH after a crash
        m.console(0).type("win\n".getBytes(StandardCharsets.ISO_8859_1));
        runUntilItWaits(c);
        assertTrue(m.console(0).outputString().endsWith("line 4 [win\\n]\nwin: 50 rows, 132 columns\n"), m.console(0).outputString());
        CrashCampaign.assertDiskClean(c, (otherworld.emulator.MemoryDisk) m.disk);
    }

    /** A corrupt tty record is not trusted: the tty starts afresh, the report says so, its process comes back. */
    @Test
    void aCorruptTtyRecordIsReportedAndStartsAfresh() throws Exception {
        Machine m = machine();
        Computer c = session(m);
        runUntilItWaits(c);
        long tty = c.kernel().ttyRecord(0);
        m.memory.write64(tty + TTY_NPROC, m.memory.read64(tty + TTY_NWRITE) + 5); // nproc beyond what was received
        ResurrectionReport r = c.panicNow("test");
        assertNotNull(r);
        assertTrue(r.machineProblems.stream().anyMatch(p -> p.contains("tty 0") && p.contains("afresh")), r.machineProblems.toString());
        assertEquals(1, r.resurrectedCount());
        m.console(0).type("quit\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(c.run(2_000_000_000L), "the process goes on and ends");
        assertTrue(m.console(0).outputString().endsWith("line 5 [quit\\n]\ndone\n"), m.console(0).outputString());
        CrashCampaign.assertDiskClean(c, (otherworld.emulator.MemoryDisk) m.disk);
    }

    /** Scripted input with the whole line discipline in use, crashed at every write of read, ioctl and write. */
    static Scenario scripted() {
        String in = "helo\u007flo wrld\u0017world\rjunk\u0015line2\npart\nabcdefgh\nwinsz\nwin\npgrp\nonlcr\nxy\u0004raw\nxyz";
        Scenario.Program p = Guests.program("ttytest", "tty");
        return new Scenario().add(new Scenario.Program(p.name(), p.elf(), p.argv(), in.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void scriptedInputGivesTheSameOutputAsTyped() {
        Scenario.Result r = scripted().run();
        assertTrue(r.allExited());
        String out = r.outputs().get(0);
        assertTrue(out.contains("line 12 [hello world\\n]\nline 6 [line2\\n]\nline 5 [part\\n]\npart 3 [abc]\npart 3 [def]\npart 3 [gh\\n]\n"), out);
        assertTrue(out.contains("raw 3 [xyz]\nraw vtime 0 []\n"), out);
        assertTrue(out.endsWith("line 0 []\nline 0 []\ndone\n"), out);
    }

    @Test
    void crashAtEveryWriteOfTheTerminalsCalls() {
        CrashCampaign camp = CrashCampaign.run(TtyTest::scripted, CrashAtEveryWriteTest.MAX_POINTS_PER_CALL,
                Set.of("read", "ioctl", "write"));
        System.out.println("ttytest: " + camp.runs + " crashes at write points, " + camp.failures.size() + " failures");
        assertTrue(camp.runs > 50, "crashes made: " + camp.runs);
        assertTrue(camp.failures.isEmpty(), camp.summary());
    }

    /**
     * The devices' calls (open, read, write, lseek of /dev/null, zero, full, random, urandom; chdir into /dev and back,
     * the listing of /dev) crashed at every write.
     */
    @Test
    void crashAtEveryWriteOfTheDeviceCalls() {
        CrashCampaign camp = CrashCampaign.run(() -> new Scenario().add(Guests.program("ttytest", "dev")),
                CrashAtEveryWriteTest.MAX_POINTS_PER_CALL, Set.of("openat", "read", "write", "lseek", "chdir", "fchdir", "getdents64"));
        System.out.println("ttytest dev: " + camp.runs + " crashes at write points, " + camp.failures.size() + " failures");
        assertTrue(camp.runs > 10, "crashes made: " + camp.runs);
        assertTrue(camp.failures.isEmpty(), camp.summary());
    }
}
