package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.resurrect.InFlightKernels.CONFIG;
import static otherworld.kernel.resurrect.InFlightKernels.setX;
import static otherworld.kernel.resurrect.InFlightKernels.x;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.Kernel;
import otherworld.kernel.Scenario;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;

/**
 * The crash kernel's decision on the system call in flight (spec: the in-flight rule), driven directly on dead
 * kernels crashed inside the call: a console write that had sent part of its bytes (completed, each byte once), a
 * clone that had made its child (completed with the child's pid), an execve and an mremap that had committed (their
 * tails made again first, the moved pages mapped once). Each case edits the dead kernel's memory, revives it with one
 * crash kernel and, where the decision shows only in what the process does next, runs the new kernel on.
 */
class CrashKernelValidationCallsDirectTest {
    static final long BUDGET = 50_000_000;

    static Scenario hello() { return new Scenario().add(Guests.program("hello")); }

    /** hello's one write(1, greeting, 22), half of its bytes sent to the console when the kernel died. */
    static final DeadKernels.Dead WRITING = InFlightKernels.capture(hello(), DeadKernels.atPoint("write.tty-partial", 1));
    static final String HELLO = hello().run().outputs().get(0);

    static Machine writing() { return WRITING.machineAtCrash(); }

    static long writer(PhysicalMemory mem) { return InFlightKernels.current(mem); }

    /** The console's output once the crash kernel is done, and once the new kernel has run hello to its end. */
    static void finishesAsWithoutACrash(DeadKernels.Revived r) {
        assertNull(r.failure());
        assertEquals(List.of(), r.audit());
        assertEquals(Kernel.Outcome.ALL_EXITED, r.attach().run(BUDGET));
        assertEquals(HELLO, r.machine().console(0).outputString(), "each byte once: " + r.report().lines());
    }

    static String inflight(DeadKernels.Revived r) {
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        return r.report().processes.get(0).inflight();
    }

    @Test
    void aConsoleWriteThatHadSentBytesIsCompletedEachByteOnce() {
        String before = new String(WRITING.sent[0], StandardCharsets.UTF_8);
        assertTrue(before.length() > 0 && before.length() < HELLO.length(), "half sent: " + before);
        DeadKernels.Revived r = DeadKernels.revive(writing(), CONFIG);
        assertEquals("write in flight completed (" + before.length() + " bytes had left the machine)", inflight(r));
        assertEquals(HELLO, r.machine().console(0).outputString(), "the rest sent by the crash kernel");
        finishesAsWithoutACrash(r);
    }

    /** A crash kernel that crashed after completing the write: the next one sends nothing again. */
    @Test
    void aSecondCrashKernelSendsNoByteTwice() {
        Machine m = writing();
        InFlightKernels.crashingCrashKernel(m, "resurrect.built");
        assertEquals(HELLO, m.console(0).outputString());
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().attempt);
        finishesAsWithoutACrash(r);
    }

    /** The device's count says no byte had left: the write is made again from its registers. */
    @Test
    void aConsoleWriteThatHadSentNothingIsMadeAgain() {
        DeadKernels.Revived r = DeadKernels.revive(WRITING.machine(), CONFIG);
        assertEquals("write in flight: will be made again first", inflight(r));
        assertEquals("", r.machine().console(0).outputString());
        finishesAsWithoutACrash(r);
    }

    /** The same tty behind fd 0: the write is completed on it as on fd 1. */
    @Test
    void aWriteOnFdZeroOfTheTtyIsCompletedToo() {
        Machine m = writing();
        m.memory.write64(writer(m.memory) + T_ORIG_A0, 0);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertTrue(inflight(r).startsWith("write in flight completed"), inflight(r));
        finishesAsWithoutACrash(r);
    }

    /** An fd outside the table, or a task that is not the current one: no console write to complete. */
    @Test
    void aWriteNamingNoTtyOrNotCurrentIsMadeAgain() {
        for (long fd : new long[] {NOFILE, -1, 5}) {
            Machine m = writing();
            m.memory.write64(writer(m.memory) + T_ORIG_A0, fd);
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            assertEquals("write in flight: will be made again first", inflight(r), "fd " + fd);
            assertEquals(new String(WRITING.sent[0], StandardCharsets.UTF_8), m.console(0).outputString(), "nothing more sent");
        }
        Machine m = writing();
        m.memory.write64(DeadKernels.Dead.header(m.memory) + KH_CURRENT, MAX_TASKS - 1);
        assertEquals("write in flight: will be made again first", inflight(DeadKernels.revive(m, CONFIG)));
        m = writing();
        setX(m.memory, writer(m.memory), 17, Sysno.READ); // a read of the same tty: it sent nothing
        assertEquals("read in flight: will be made again first", inflight(DeadKernels.revive(m, CONFIG)));
    }

    /**
     * The crash kernel derives a tty's console from its index (as it rebuilds the tty), never from the record's
     * console field: a corrupt one must not make it send the greeting's first half again.
     */
    @Test
    void aCorruptConsoleIndexDoesNotSendBytesTwice() {
        Machine m = writing();
        long tty0 = m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_TTYS);
        m.memory.write32(tty0 + TTY_CONSOLE, 131072);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertTrue(inflight(r).startsWith("write in flight completed"), inflight(r));
        finishesAsWithoutACrash(r);
    }

    /**
     * With output processing on (OPOST ONLCR), the rest of the write is sent as the write would have sent it (\n as
     * \r\n) on a terminal; on a file marked not a terminal, as written.
     */
    @Test
    void theRestOfAWriteIsSentAsTheWriteWouldHave() {
        String sent = new String(WRITING.sent[0], StandardCharsets.UTF_8);
        String rest = HELLO.substring(sent.length());
        assertTrue(rest.endsWith("\n") && !rest.contains("\r"), rest);
        for (boolean plain : new boolean[] {false, true}) {
            Machine m = writing();
            long fe = InFlightKernels.fileOf(m.memory, writer(m.memory), 1);
            long tty = m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_TTYS) + (long) m.memory.read32(fe + F_TTY) * TTY.size();
            m.memory.write32(tty + TTY_OFLAG, otherworld.kernel.tty.Tty.OPOST | otherworld.kernel.tty.Tty.ONLCR);
            if (plain) m.memory.write32(fe + F_FLAGS, m.memory.read32(fe + F_FLAGS) | FF_NOT_A_TERMINAL);
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            assertTrue(inflight(r).startsWith("write in flight completed"), inflight(r));
            assertEquals(sent + (plain ? rest : rest.replace("\n", "\r\n")), m.console(0).outputString(), "plain " + plain);
        }
    }

    /** The write made a writev of three pieces (one empty) over the same buffer: its bytes are the same. */
    @Test
    void aConsoleWritevIsCompletedFromItsIovecs() {
        Machine m = writing();
        long t = writer(m.memory);
        long buf = x(m.memory, t, 11), n = x(m.memory, t, 12);
        long iov = iovecs(m.memory, t, new long[] {buf, 5, buf + 5, 0, buf + 5, n - 5, 0, -1}); // the fourth is not its
        setX(m.memory, t, 17, Sysno.WRITEV);
        setX(m.memory, t, 11, iov);
        setX(m.memory, t, 12, 3);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertTrue(inflight(r).startsWith("writev in flight completed"), inflight(r));
        finishesAsWithoutACrash(r);
    }

    /** iovecs written on the task's stack below its sp; their user address. */
    static long iovecs(PhysicalMemory mem, long t, long[] pairs) {
        long va = (x(mem, t, 2) - 8L * pairs.length - 64) & ~15L;
        for (int i = 0; i < pairs.length; i++) mem.write64(InFlightKernels.userPa(mem, t, va + 8L * i), pairs[i]);
        return va;
    }

    /**
     * Bytes that cannot be read through the dead page tables are not sent (never garbage on the console): the write's
     * buffer unmapped; a writev whose count is out of range, whose iovec array or one of its buffers is unmapped (the
     * array running off the stack's top), or with a negative length. Each would send more than the half already sent.
     */
    @Test
    void aWriteWhoseBytesCannotBeReadSendsNothingMore() {
        String sent = new String(WRITING.sent[0], StandardCharsets.UTF_8);
        for (int c = 0; c < 7; c++) {
            Machine m = writing();
            PhysicalMemory mem = m.memory;
            long t = writer(mem);
            long buf = x(mem, t, 11), n = x(mem, t, 12);
            if (c == 0) {
                setX(mem, t, 11, 0x1000); // write's buffer unmapped
            } else {
                setX(mem, t, 17, Sysno.WRITEV);
                long iov = c == 6 ? stackTop(mem, t) - 16 : iovecs(mem, t, new long[] {buf, n, c == 5 ? 0x1000 : buf, c == 4 ? -1 : n});
                if (c == 6) {
                    mem.write64(InFlightKernels.userPa(mem, t, iov), buf);
                    mem.write64(InFlightKernels.userPa(mem, t, iov + 8), n);
                }
                setX(mem, t, 11, c == 3 ? 0x1000 : iov);
                setX(mem, t, 12, c == 1 ? -1 : c == 2 ? 1025 : 2);
            }
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            assertTrue(inflight(r).contains("in flight completed"), inflight(r));
            assertEquals(sent, m.console(0).outputString(), "case " + c);
            assertEquals(List.of(), r.audit());
        }
    }

    /** The end of the stack's mapping above the task's sp (the first unmapped address). */
    static long stackTop(PhysicalMemory mem, long t) {
        long va = x(mem, t, 2) & ~(Sv39.PAGE_SIZE - 1);
        while (InFlightKernels.pte(mem, t, va) >= 0 && Sv39.isValid(mem.read64(InFlightKernels.pte(mem, t, va)))) va += Sv39.PAGE_SIZE;
        return va;
    }

    /** A writev of more than MAX_IO bytes sends MAX_IO, the last piece cut; the iovecs after it are not read. */
    @Test
    void aConsoleWritevSendsAtMostMaxIo() {
        Machine m = writing();
        PhysicalMemory mem = m.memory;
        long t = writer(mem);
        long code = mem.read64(t + T_PC) & ~(Sv39.PAGE_SIZE - 1);
        int piece = 4000, pieces = otherworld.kernel.sys.Syscalls.MAX_IO / piece + 1;
        long[] pairs = new long[2 * pieces + 2];
        for (int i = 0; i < pieces; i++) {
            pairs[2 * i] = code;
            pairs[2 * i + 1] = piece;
        }
        pairs[2 * pieces + 1] = -1; // read, it would make the whole writev unreadable
        setX(mem, t, 17, Sysno.WRITEV);
        setX(mem, t, 11, iovecs(mem, t, pairs));
        setX(mem, t, 12, pieces + 1);
        byte[] bytes = new byte[piece];
        mem.read(InFlightKernels.userPa(mem, t, code), bytes, 0, piece);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertTrue(inflight(r).startsWith("writev in flight completed"), inflight(r));
        byte[] out = m.console(0).output();
        assertEquals(otherworld.kernel.sys.Syscalls.MAX_IO, out.length);
        for (int i = WRITING.sent[0].length; i < out.length; i++) assertEquals(bytes[i % piece], out[i], "byte " + i);
    }

    /** kvstore's (pid 2, slot 1, tty 1) second console write, half sent, beside hello: its tty had sent bytes before. */
    static final class SecondConsole {
        static final DeadKernels.Dead DEAD = InFlightKernels.capture(
                new Scenario().add(Guests.program("hello")).add(Guests.program("kvstore")), secondWriteOfPid2());

        static DeadKernels.Trigger secondWriteOfPid2() {
            int[] seen = {0};
            return (p, m) -> p.equals("write.tty-partial") && m.memory.read32(InFlightKernels.current(m.memory) + T_PID) == 2
                    && ++seen[0] == 2;
        }
    }

    /**
     * On the second console, the rest of kvstore's write is sent there, each byte once (its tty's out counts the earlier
     * writes), as the write sends it: through OPOST ONLCR on a terminal, as written on a file marked not a terminal.
     */
    @Test
    void aWriteOnTheSecondConsoleIsCompletedThere() {
        byte[] sent = SecondConsole.DEAD.sent[1];
        for (int c = 0; c < 3; c++) {
            Machine m = SecondConsole.DEAD.machineAtCrash();
            PhysicalMemory mem = m.memory;
            long t = writer(mem);
            long fe = InFlightKernels.fileOf(mem, t, (int) mem.read64(t + T_ORIG_A0));
            assertEquals(1, mem.read32(fe + F_TTY));
            long tty1 = mem.read64(DeadKernels.Dead.header(mem) + KH_TTYS) + TTY.size();
            long before = mem.read64(tty1 + TTY_OUT);
            assertTrue(before > 0 && before < sent.length, "earlier writes, and half of this one: " + before);
            byte[] write = new byte[(int) x(mem, t, 12)];
            for (int i = 0; i < write.length; i++) write[i] = (byte) mem.read8(InFlightKernels.userPa(mem, t, x(mem, t, 11) + i));
            if (c > 0) mem.write32(tty1 + TTY_OFLAG, otherworld.kernel.tty.Tty.OPOST | otherworld.kernel.tty.Tty.ONLCR);
            if (c == 2) mem.write32(fe + F_FLAGS, mem.read32(fe + F_FLAGS) | FF_NOT_A_TERMINAL);
            byte[] out = c == 1 ? new String(write, StandardCharsets.ISO_8859_1).replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1)
                    : write;
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            assertNull(r.failure());
            assertTrue(r.process(2).inflight().startsWith("write in flight completed (" + (sent.length - before) + " bytes had left"),
                    r.process(2).inflight());
            byte[] expected = java.util.Arrays.copyOf(sent, (int) before + out.length);
            System.arraycopy(out, (int) (sent.length - before), expected, sent.length, out.length - (int) (sent.length - before));
            assertArrayEquals(expected, m.console(1).output(), "case " + c);
            assertArrayEquals(SecondConsole.DEAD.sent[0], m.console(0).output());
            assertEquals(List.of(), r.audit());
        }
    }

    // ---- clone -------------------------------------------------------------------------------------------

    /** forktest's clone, its child made (the sysword names it), not committed. */
    static final class Cloning { // captured on first use
        static final DeadKernels.Dead DEAD = DeadKernels.capture(new Scenario().add(Guests.program("forktest", "5")), CONFIG,
                InFlightKernels.inCall("syscall.before-commit", Sysno.CLONE, (mem, t) -> mem.read64(t + T_SYSWORD) > 0));
    }

    @Test
    void aCloneThatHadMadeItsChildIsCompletedWithTheChildsPid() {
        Machine m = Cloning.DEAD.machine();
        long t = InFlightKernels.current(m.memory);
        int parent = m.memory.read32(t + T_PID);
        int child = (int) m.memory.read64(t + T_SYSWORD);
        long epc = m.memory.read64(t + T_EPC);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        assertEquals("clone had made pid " + child + ": completed", r.process(parent).inflight());
        assertTrue(r.process(child).resurrected(), r.report().lines().toString());
        long nt = DeadKernels.Dead.task(m.memory, parent);
        assertEquals(child, x(m.memory, nt, 10), "the parent's clone returns the child's pid");
        assertEquals(epc + 4, m.memory.read64(nt + T_PC));
        assertEquals(List.of(), r.audit());
    }

    /** A child refused, or a sysword naming no child of the caller: the clone is made again from its registers. */
    @Test
    void aCloneWhoseChildIsNotBackIsMadeAgain() {
        for (int c = 0; c < 2; c++) {
            Machine m = Cloning.DEAD.machine();
            long t = InFlightKernels.current(m.memory);
            int parent = m.memory.read32(t + T_PID);
            int child = (int) m.memory.read64(t + T_SYSWORD);
            if (c == 0) m.memory.write32(DeadKernels.Dead.task(m.memory, child) + T_STATE, 7);
            else m.memory.write64(t + T_SYSWORD, parent);
            long a0 = m.memory.read64(t + T_ORIG_A0), epc = m.memory.read64(t + T_EPC);
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            assertNull(r.failure());
            assertEquals("clone in flight: will be made again first", r.process(parent).inflight(), r.report().lines().toString());
            long nt = DeadKernels.Dead.task(m.memory, parent);
            assertEquals(a0, x(m.memory, nt, 10));
            assertEquals(epc, m.memory.read64(nt + T_PC));
        }
    }

    // ---- execve --------------------------------------------------------------------------------------------

    /** spawner's child: execve("/bin/hello") committed, its tail (the new image put in place) not made. */
    static final class Executing {
        static final DeadKernels.Dead DEAD = DeadKernels.capture(new Scenario().add(Guests.program("spawner", "run", "/bin/hello"))
                .file("/bin/hello", otherworld.userland.Programs.get("hello").binary()), CONFIG,
                InFlightKernels.inCall("syscall.after-commit", Sysno.EXECVE, (mem, t) -> true));
    }

    static long proc(PhysicalMemory mem, long t) {
        long h = DeadKernels.Dead.header(mem);
        return mem.read64(h + KH_PROCS) + (t - mem.read64(h + KH_TASKS)) / TASK.size() * PROC.size();
    }

    @Test
    void aCommittedExecveComesBackAsItsNewImage() {
        Machine m = Executing.DEAD.machine();
        long t = InFlightKernels.current(m.memory);
        int pid = m.memory.read32(t + T_PID);
        long p = proc(m.memory, t);
        assertEquals(otherworld.kernel.proc.Procs.EXEC_PENDING, m.memory.read32(p + P_EXEC_STATE));
        long entry = m.memory.read64(p + P_EXEC_ENTRY);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        ResurrectionReport.Process back = r.process(pid);
        assertTrue(back.resurrected(), r.report().lines().toString());
        assertEquals("execve had committed: its new image is resurrected, its tail made again first", back.inflight());
        assertEquals(entry, m.memory.read64(DeadKernels.Dead.task(m.memory, pid) + T_PC), "it starts at the new entry");
        assertEquals(List.of(), r.audit());
    }

    /** An execve that had staged its image but not committed (pc at the ecall) is made again: its old image comes back. */
    @Test
    void anExecveNotCommittedIsMadeAgain() {
        Machine m = Executing.DEAD.machine();
        long t = InFlightKernels.current(m.memory);
        int pid = m.memory.read32(t + T_PID);
        m.memory.write64(t + T_PC, m.memory.read64(t + T_EPC));
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        assertEquals("execve in flight: will be made again first", r.process(pid).inflight(), r.report().lines().toString());
        assertEquals(m.memory.read64(t + T_EPC), m.memory.read64(DeadKernels.Dead.task(m.memory, pid) + T_PC));
        assertEquals(List.of(), r.audit());
    }

    @Test
    void anExecveWithAnInvalidStagedListIsRefused() {
        for (int list : new int[] {2, -1}) {
            Machine m = Executing.DEAD.machine();
            long t = InFlightKernels.current(m.memory);
            int pid = m.memory.read32(t + T_PID);
            m.memory.write32(proc(m.memory, t) + P_EXEC_VLIST, list);
            ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), pid);
            assertEquals(List.of("execve's staged VMA list " + list + " invalid"), p.problems());
        }
    }

    // ---- mremap --------------------------------------------------------------------------------------------

    /** mmaptest's mremap that moves pages, committed, its tail (which moves the PTEs) not begun. */
    static final class Moving {
        static final DeadKernels.Dead DEAD = DeadKernels.capture(new Scenario().add(Guests.program("mmaptest", "2")), CONFIG,
                InFlightKernels.inCall("syscall.after-commit", Sysno.MREMAP, (mem, t) -> (mem.read64(t + T_SYSWORD) & 0x100) != 0));
    }

    /**
     * The tail interrupted after the first page's new PTE was written, before its old one was cleared: the frame is
     * mapped at both addresses. It comes back mapped once (the tail, made again, maps it at the new address).
     */
    @Test
    void aPageMovedHalfWayIsMappedOnce() {
        DeadKernels.Revived plain = DeadKernels.revive(Moving.DEAD.machine(), CONFIG);
        assertEquals(1, plain.report().resurrectedCount(), plain.report().lines().toString());
        assertEquals("mremap had committed: its tail is made again first", plain.report().processes.get(0).inflight());

        Machine m = Moving.DEAD.machine();
        PhysicalMemory mem = m.memory;
        long t = InFlightKernels.current(mem);
        long old = mem.read64(t + T_ORIG_A0), to = x(mem, t, 10);
        long from = InFlightKernels.pte(mem, t, old), into = InFlightKernels.pte(mem, t, to);
        assertTrue(from >= 0 && into >= 0 && Sv39.isValid(mem.read64(from)), "the first page mapped, the new range's tables made");
        long h = DeadKernels.Dead.header(mem);
        long vmat = mem.read64(h + KH_VMAS) + (mem.read64(h + KH_CURRENT)) * VMAT.size();
        mem.write32(vmat + VT_ACTIVE, (int) (mem.read64(t + T_SYSWORD) & 3) - 1); // the tail's first step: both ranges in force
        mem.write64(into, mem.read64(from));
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(plain.report().processes.get(0).pages(), r.report().processes.get(0).pages(), "every frame mapped once");
        assertEquals(List.of(), r.audit());
    }

    /** The list the committed mremap's tail puts in force is validated too: corrupt, the process is refused. */
    @Test
    void aCorruptStagedListRefusesTheCommittedCall() {
        Machine m = Moving.DEAD.machine();
        PhysicalMemory mem = m.memory;
        long t = InFlightKernels.current(mem);
        long h = DeadKernels.Dead.header(mem);
        int slot = (int) ((t - mem.read64(h + KH_TASKS)) / TASK.size());
        int staged = (int) (mem.read64(t + T_SYSWORD) & 3) - 1;
        long vmat = mem.read64(h + KH_VMAS) + (long) slot * VMAT.size();
        assertNotEquals(staged, mem.read32(vmat + VT_ACTIVE), "the staged list is not the one in force");
        mem.write32(vmat + VT_COUNT + 4L * staged, MAX_VMAS + 1);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        assertEquals(0, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.report().processes.get(0).problems().toString().contains("vma count"),
                r.report().processes.get(0).problems().toString());
    }
}
