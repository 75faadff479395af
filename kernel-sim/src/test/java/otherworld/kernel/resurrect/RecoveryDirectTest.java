package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.kernel.Kernel;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.sys.RecoveryCalls;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;

/**
 * Recovery procedures across a crash (spec 5.3, {@link Recovery}) on the dead kernel of {@link ProcRecords#TWO}:
 * kvstore (pid 2) registered one (its entry, a 16 KiB stack in its bss) and was interrupted by the timer; checksum
 * (pid 1) has none, its write committed. The crash kernel carries the registration over and writes the procedure's
 * frame on its stack, or carries over a pending frame, or completes a return, or drops a registration that fails
 * validation — the process then resumes where it was; the new kernel sends the task to its procedure.
 */
class RecoveryDirectTest {
    Machine m = ProcRecords.machine();
    ProcRecords kv = new ProcRecords(m, 2);
    ProcRecords ck = new ProcRecords(m, 1);
    DirectMem direct = new DirectMem(m.memory);
    final long rec = kv.recovery();
    final long entry = m.memory.read64(rec + RC_ENTRY), stack = m.memory.read64(rec + RC_STACK),
            size = m.memory.read64(rec + RC_SIZE);
    /** Where the frame goes when the task is not on its recovery stack: its top, less a frame, 16-aligned. */
    final long topFrame = (stack + size - RFRAME.size()) & ~15L;

    /** A machine of its own, for a case that runs the new kernel or looks at a console (the same addresses). */
    void freshMachine() {
        m = ProcRecords.TWO.machine();
        kv = new ProcRecords(m, 2);
        ck = new ProcRecords(m, 1);
        direct = new DirectMem(m.memory);
    }

    DeadKernels.Revived revive() { return DeadKernels.revive(m, ProcRecords.TWO.config); }

    /** What the report says of pid's in-flight call and procedure (it must have come back, and nothing leaked). */
    static String line(DeadKernels.Revived r, int pid) {
        String s = ProcRecords.back(r, pid).inflight();
        assertEquals(List.of(), r.audit());
        return s == null ? "" : s;
    }

    /** The new kernel's registration of pid: {pid, entry, stack, size, runs}, or null. */
    long[] registration(int pid) {
        long[] found = null;
        for (long[] g : Recovery.registrations(direct, DeadKernels.Dead.header(m.memory))) {
            if (g[0] == pid) {
                assertNull(found, "one registration per process");
                found = g;
            }
        }
        return found;
    }

    /** The new kernel's pending frame of pid (0: none). */
    long pending(int pid) { return m.memory.read64(new ProcRecords(m, pid).recovery() + RC_PENDING); }

    /** len bytes at va in pid's address space, as its task record maps it (the dead or the new kernel's). */
    byte[] user(int pid, long va, int len) {
        byte[] b = new byte[len];
        long root = Sv39.satpRootPa(m.memory.read64(new ProcRecords(m, pid).task + T_SATP));
        assertTrue(new UserMemory(direct, direct).copyIn(root, va, b, 0, len), "mapped: 0x" + Long.toHexString(va));
        return b;
    }

    static long at(byte[] f, int off) { return ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(off); }

    // ---- the frame -----------------------------------------------------------------------------------

    @Test
    void aRegisteredProcedureGetsItsFrameAtTheTopOfItsStack() {
        m.memory.write32(rec + RC_RUNS, 3);
        long[] x = new long[32];
        for (int r = 1; r < 32; r++) x[r] = kv.x(r);
        long pc = m.memory.read64(kv.task + T_PC), fcsr = m.memory.read64(kv.task + T_FCSR);
        long f7 = Double.doubleToRawLongBits(2.5);
        m.memory.write64(kv.task + T_F + 8L * 7, f7);
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains(String.format("recovery procedure 0x%x will run (frame 0x%x)", entry, topFrame)),
                line(r, 2));
        assertArrayEquals(new long[] {2, entry, stack, size, 4}, registration(2), "carried over, one run more");
        long past = new ProcRecords(m, 2).table(KH_RECOVERY) + (long) MAX_TASKS * RECOVERY.size();
        m.memory.write32(past + RC_PID, 77); // what lies past the table is not a registration
        assertNull(registration(77));
        assertNull(registration(1), "checksum registered none");
        assertEquals(topFrame, pending(2));
        assertEquals(0, pending(1));
        byte[] f = user(2, topFrame, RFRAME.size());
        assertEquals(RFRAME.magic, (int) RecoveryCalls.get(f, 0, 4));
        assertEquals(RFRAME.version, (int) RecoveryCalls.get(f, 4, 4));
        assertEquals(r.report().generation, at(f, RF_GENERATION));
        assertEquals(-1, at(f, RF_SYSCALL), "interrupted by the timer: no call");
        assertEquals(Recovery.NONE, at(f, RF_CALL_STATE));
        assertEquals(Recovery.RESTORED_MEMORY | Recovery.RESTORED_REGISTERS | Recovery.RESTORED_FILES | Recovery.RESTORED_TTY,
                at(f, RF_RESTORED));
        assertEquals(4, at(f, RF_NFDS), "stdin, stdout, stderr and its log");
        assertEquals(pc, at(f, RF_PC));
        for (int i = 1; i < 32; i++) assertEquals(x[i], at(f, RF_X + 8 * i), "x" + i);
        assertEquals(f7, at(f, RF_F + 8 * 7));
        assertEquals(fcsr, at(f, RF_FCSR));
    }

    @Test
    void theNewKernelSendsTheTaskToItsProcedureOnce() {
        DeadKernels.Revived r = revive();
        ProcRecords.back(r, 2);
        List<String> log = new java.util.ArrayList<>();
        Kernel k = Kernel.attach(m, r.config(), new otherworld.kernel.KernelHooks() {
            @Override public void log(String l) { log.add(l); }
        });
        ProcRecords nk = new ProcRecords(m, 2);
        m.memory.write64(nk.task + T_CAUSE, CAUSE_ECALL); // as if a call were in flight: the frame holds it now
        assertNotEquals(0, nk.x(1));
        assertEquals("pid 2 sent to its recovery procedure", Recovery.dispatch(k));
        assertEquals(entry, m.memory.read64(nk.task + T_PC));
        assertEquals(0, nk.x(1), "ra");
        assertEquals(topFrame, nk.x(2), "sp");
        assertEquals(topFrame, nk.x(10), "a0");
        assertEquals(-1, m.memory.read64(nk.task + T_CAUSE));
        assertEquals(0, pending(2), "pending cleared last");
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).endsWith(String.format("pid 2: recovery procedure at 0x%x, frame 0x%x", entry, topFrame)),
                "the log says where it went (RecoveryTest counts the runs there): " + log);
        nk.setX(10, 5);
        assertNull(Recovery.dispatch(k), "nothing pending any more");
        assertEquals(5, nk.x(10));
        assertArrayEquals(new long[] {2, entry, stack, size, 1}, registration(2), "the registration stays");
    }

    @Test
    void theProcedureRunsAndReturnsToWhereTheTaskWas() {
        freshMachine();
        long pc = m.memory.read64(kv.task + T_PC);
        DeadKernels.Revived r = revive();
        Kernel k = r.attach();
        assertTrue(k.finishInFlight().contains("pid 2 sent to its recovery procedure"));
        k.run(3_000_000);
        String out = m.console(1).outputString();
        assertFalse(out.contains("recovery:"), "the procedure found its log as appended and returned: " + out);
        assertEquals(0, pending(2));
        assertArrayEquals(new long[] {2, entry, stack, size, 1}, registration(2));
        assertEquals(List.of(), r.audit());
        assertTrue(ProcRecords.TWO.reference.outputs().get(0).endsWith(m.console(0).outputString()),
                "checksum goes on as in the run");
        assertNotEquals(pc, 0);
    }

    @Test
    void aTaskNotRunnableOrAnotherPidIsNotSentButItsFrameIsCleared() {
        DeadKernels.Revived r = revive();
        Kernel k = r.attach();
        ProcRecords nk = new ProcRecords(m, 2);
        long pc = m.memory.read64(nk.task + T_PC);
        m.memory.write32(nk.recovery() + RC_PID, 9);
        long free = nk.table(KH_RECOVERY) + (MAX_TASKS - 1L) * RECOVERY.size();
        m.memory.write64(free + RC_PENDING, topFrame); // a slot with no task
        long past = free + RECOVERY.size() + RC_PENDING; // what lies past the table is not the table's
        m.memory.write64(past, 0x5a5a);
        assertNull(Recovery.dispatch(k));
        assertEquals(0x5a5a, m.memory.read64(past));
        assertEquals(pc, m.memory.read64(nk.task + T_PC));
        assertEquals(0, pending(2));
        assertEquals(0, m.memory.read64(free + RC_PENDING));
        m.memory.write32(nk.recovery() + RC_PID, 2);
        m.memory.write64(nk.recovery() + RC_PENDING, topFrame);
        m.memory.write32(nk.task + T_STATE, TASK_BLOCKED);
        assertNull(Recovery.dispatch(k));
        assertEquals(pc, m.memory.read64(nk.task + T_PC));
        assertEquals(0, pending(2));
    }

    /** A registration for checksum too: its stack around its sp (mapped), its entry its pc. */
    void registerChecksum() {
        long r1 = ck.recovery();
        long sp = ck.x(2);
        m.memory.write32(r1 + RC_PID, 1);
        m.memory.write64(r1 + RC_ENTRY, m.memory.read64(ck.task + T_PC));
        m.memory.write64(r1 + RC_STACK, (sp & ~0xFFFL));
        m.memory.write64(r1 + RC_SIZE, 4096);
    }

    @Test
    void twoProceduresAreDispatchedInSlotOrder() {
        registerChecksum();
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 1).contains("will run"), line(r, 1));
        assertEquals("pid 1 sent to its recovery procedure; pid 2 sent to its recovery procedure", Recovery.dispatch(r.attach()));
    }

    @Test
    void theFrameSaysTheCommittedCallWasMadeAndBelowTheSpOnItsStack() {
        registerChecksum();
        long sp = ck.x(2);
        DeadKernels.Revived r = revive();
        long frame = (sp - RFRAME.size()) & ~15L;
        assertTrue(line(r, 1).contains(String.format("(frame 0x%x)", frame)), line(r, 1));
        byte[] f = user(1, frame, RFRAME.size());
        assertEquals(Sysno.WRITE, at(f, RF_SYSCALL));
        assertEquals(Recovery.MADE, at(f, RF_CALL_STATE));
        assertEquals(4, at(f, RF_NFDS), "its terminal (open file 0) thrice, records.dat");
        assertEquals(64, at(f, RF_X + 8 * 10), "a0: what the write returned");
    }

    @Test
    void theFrameSaysACallNotCommittedIsNotMade() {
        registerChecksum();
        m.memory.write64(ck.task + T_PC, m.memory.read64(ck.task + T_EPC));
        DeadKernels.Revived r = revive();
        long frame = (ck.x(2) - RFRAME.size()) & ~15L;
        byte[] f = user(1, frame, RFRAME.size());
        assertEquals(Recovery.NOT_MADE, at(f, RF_CALL_STATE), line(r, 1));
        assertEquals(3, at(f, RF_X + 8 * 10), "a0: its first argument again, for the call made again");
    }

    @Test
    void theFrameSaysAConsoleWriteThatBeganToLeaveWasCompleted() {
        freshMachine();
        registerChecksum();
        long tty0 = ck.table(KH_TTYS);
        m.memory.write64(ck.task + T_PC, m.memory.read64(ck.task + T_EPC));
        m.memory.write64(ck.task + T_ORIG_A0, 1); // write(1, buf, 64): checksum's terminal
        for (long i = 0; i < m.memory.read64(tty0 + TTY_OUT) + 3; i++) m.console(0).put('.'); // 3 bytes had left
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 1).contains("completed"), line(r, 1));
        byte[] f = user(1, (ck.x(2) - RFRAME.size()) & ~15L, RFRAME.size());
        assertEquals(Recovery.COMPLETED, at(f, RF_CALL_STATE));
    }

    @Test
    void aProcessWithNoFileOpenIsToldSo() {
        for (int fd = 0; fd < NOFILE; fd++) m.memory.write32(kv.task + T_FD + 4L * fd, -1);
        DeadKernels.Revived r = revive();
        byte[] f = user(2, topFrame, RFRAME.size());
        assertEquals(0, at(f, RF_NFDS), line(r, 2));
        assertEquals(Recovery.RESTORED_MEMORY | Recovery.RESTORED_REGISTERS | Recovery.RESTORED_TTY, at(f, RF_RESTORED));
    }

    @Test
    void onItsRecoveryStackTheFrameGoesBelowItsSp() {
        kv.setX(2, stack + 2000);
        assertTrue(line(revive(), 2).contains(String.format("(frame 0x%x)", (stack + 2000 - RFRAME.size()) & ~15L)));
    }

    @Test
    void atTheBottomOfItsStackTheFrameGoesAtTheTop() {
        kv.setX(2, stack);
        assertTrue(line(revive(), 2).contains(String.format("(frame 0x%x)", topFrame)));
    }

    @Test
    void noRoomBelowItsSpAndTheProcessResumesInstead() {
        kv.setX(2, stack + 16);
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("no room for a frame"), line(r, 2));
        assertEquals(0, pending(2));
        assertArrayEquals(new long[] {2, entry, stack, size, 0}, registration(2), "registered still, not run");
    }

    @Test
    void aStackJustTheSizeOfAFrameHoldsIt() {
        long low = (stack + 15) & ~15L;
        m.memory.write64(rec + RC_STACK, low);
        m.memory.write64(rec + RC_SIZE, RFRAME.size());
        m.memory.write32(rec + RC_RUNS, 0);
        assertTrue(line(revive(), 2).contains(String.format("(frame 0x%x)", low)));
        assertEquals(low, pending(2));
    }

    @Test
    void aStackPageNotMappedAndTheProcessResumesInstead() {
        long unmapped = -1;
        long root = Sv39.satpRootPa(m.memory.read64(kv.task + T_SATP));
        long vmat = kv.entry(KH_VMAS, VMAT);
        int active = m.memory.read32(vmat + VT_ACTIVE);
        for (int i = 0; i < m.memory.read32(vmat + VT_COUNT + 4L * active) && unmapped < 0; i++) {
            long v = otherworld.kernel.mm.Vmas.entry(vmat, active, i);
            if ((m.memory.read32(v + V_PROT) & Vma.PROT_WRITE) == 0 || (m.memory.read32(v + V_FLAGS) & VM_GUARD) != 0) continue;
            for (long va = m.memory.read64(v + V_START); va < m.memory.read64(v + V_END) && unmapped < 0; va += 4096) {
                if (!new UserMemory(direct, direct).copyIn(root, va, new byte[1], 0, 1)) unmapped = va;
            }
        }
        assertTrue(unmapped > 0, "a page of a writable mapping kvstore never touched");
        m.memory.write64(rec + RC_STACK, unmapped);
        m.memory.write64(rec + RC_SIZE, 4096);
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("recovery stack not mapped writable"), line(r, 2));
        assertEquals(0, pending(2));
        assertArrayEquals(new long[] {2, entry, unmapped, 4096, 0}, registration(2), "registered still, not run");
    }

    // ---- registrations that do not come over ----------------------------------------------------------

    @Test
    void aRecoveryTableOutsideTheStructuresIsNotRead() {
        long h = kv.header;
        long base = m.memory.read64(h + KH_REGION_BASE), structures = m.memory.read64(h + KH_PT_POOL) - base;
        ReadOnlyMem v = new ReadOnlyMem(m.memory);
        long table = kv.table(KH_RECOVERY);
        assertEquals(table, Recovery.deadTable(v, h, base, structures));
        long last = base + structures - (long) MAX_TASKS * RECOVERY.size();
        m.memory.write64(h + KH_RECOVERY, last);
        assertEquals(last, Recovery.deadTable(v, h, base, structures), "the table ends where the structures end");
        m.memory.write64(h + KH_RECOVERY, last + 8);
        assertEquals(-1, Recovery.deadTable(v, h, base, structures));
        m.memory.write64(h + KH_RECOVERY, base + structures - RECOVERY.size());
        assertEquals(-1, Recovery.deadTable(v, h, base, structures), "its first record inside, the others not");
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("recovery table out of bounds: no procedure runs"), line(r, 2));
        assertNull(registration(2));
    }

    @Test
    void aCorruptRecordIsNotCarriedOver() {
        m.memory.write32(rec + 4, RECOVERY.version + 1);
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("recovery record corrupt: no procedure runs"), line(r, 2));
        assertNull(registration(2));
        assertEquals(0, pending(2));
    }

    @Test
    void aRecordOfAnotherPidOrWithoutEntryIsNoRegistration() {
        m.memory.write32(rec + RC_PID, 7);
        DeadKernels.Revived r = revive();
        assertNull(ProcRecords.back(r, 2).inflight(), "nothing to say: interrupted by the timer, no procedure");
        assertNull(registration(2));
        assertNull(registration(7));

        Machine m2 = ProcRecords.reset(m);
        m2.memory.write64(new ProcRecords(m2, 2).recovery() + RC_ENTRY, 0);
        DeadKernels.Revived r2 = DeadKernels.revive(m2, ProcRecords.TWO.config);
        assertNull(ProcRecords.back(r2, 2).inflight());
        assertEquals(List.of(), r2.audit());
        assertEquals(0, m2.memory.read64(new ProcRecords(m2, 2).recovery() + RC_PENDING));
    }

    void assertDropped(long e, long s, long n) {
        Machine mm = ProcRecords.reset(m);
        long r = new ProcRecords(mm, 2).recovery();
        mm.memory.write64(r + RC_ENTRY, e);
        mm.memory.write64(r + RC_STACK, s);
        mm.memory.write64(r + RC_SIZE, n);
        DeadKernels.Revived rv = DeadKernels.revive(mm, ProcRecords.TWO.config);
        String l = line(rv, 2);
        assertTrue(l.contains("fails validation: dropped"), String.format("0x%x 0x%x %d: %s", e, s, n, l));
        assertEquals(0, mm.memory.read64(new ProcRecords(mm, 2).recovery() + RC_PENDING));
        assertEquals(0, mm.memory.read32(new ProcRecords(mm, 2).recovery() + RC_PID), "not registered any more");
    }

    @Test
    void aRegistrationThatFailsValidationIsDroppedAndTheProcessResumes() {
        assertDropped(entry, stack, RFRAME.size() - 1);
        assertDropped(entry, stack, (1L << 30) + 4096);
        assertDropped(entry, -4096, 8192);
        assertDropped(stack, stack, size); // the entry not executable
        assertDropped(entry, entry & ~0xFFFL, 4096); // the stack not writable
        assertDropped(entry, stack, 1L << 29); // the stack beyond its mapping
    }

    @Test
    void aStackOfOneGibibyteIsTheLargestAccepted() {
        long vmat = kv.entry(KH_VMAS, VMAT);
        int active = m.memory.read32(vmat + VT_ACTIVE), n = m.memory.read32(vmat + VT_COUNT + 4L * active);
        assertTrue(n < MAX_VMAS);
        long gib = 1L << 30, low = -1;
        int at = -1;
        for (int i = 0; i + 1 < n && low < 0; i++) {
            long end = m.memory.read64(otherworld.kernel.mm.Vmas.entry(vmat, active, i) + V_END);
            if (m.memory.read64(otherworld.kernel.mm.Vmas.entry(vmat, active, i + 1) + V_START) - end > gib + 8192) {
                low = end + 4096;
                at = i + 1;
            }
        }
        assertTrue(low > 0, "a gap of more than 1 GiB between kvstore's mappings");
        for (int i = n; i > at; i--) { // a writable mapping of 1 GiB inserted there, the list kept sorted
            byte[] e = kv.bytes(otherworld.kernel.mm.Vmas.entry(vmat, active, i - 1), VMA.size());
            m.memory.write(otherworld.kernel.mm.Vmas.entry(vmat, active, i), e, 0, e.length);
        }
        long e = otherworld.kernel.mm.Vmas.entry(vmat, active, at);
        m.memory.write(e, new byte[VMA.size()], 0, VMA.size());
        m.memory.write64(e + V_START, low);
        m.memory.write64(e + V_END, low + gib);
        m.memory.write32(e + V_PROT, Vma.PROT_READ | Vma.PROT_WRITE);
        m.memory.write32(vmat + VT_COUNT + 4L * active, n + 1);
        m.memory.write64(rec + RC_STACK, low);
        m.memory.write64(rec + RC_SIZE, gib);
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("recovery stack not mapped writable"), "validated; its top never touched: " + line(r, 2));
        assertArrayEquals(new long[] {2, entry, low, gib, 0}, registration(2));
    }

    // ---- a frame pending, a return begun ----------------------------------------------------------------

    @Test
    void aFramePendingFromTheCrashBeforeIsCarriedOver() {
        for (long p : new long[] {stack, stack + size - RFRAME.size()}) {
            Machine mm = ProcRecords.reset(m);
            long r = new ProcRecords(mm, 2).recovery();
            mm.memory.write64(r + RC_PENDING, p);
            mm.memory.write32(r + RC_RUNS, 1);
            DeadKernels.Revived rv = DeadKernels.revive(mm, ProcRecords.TWO.config);
            assertTrue(line(rv, 2).contains(String.format("still pending from the crash before (frame 0x%x)", p)), line(rv, 2));
            long nr = new ProcRecords(mm, 2).recovery();
            assertEquals(p, mm.memory.read64(nr + RC_PENDING));
            assertEquals(1, mm.memory.read32(nr + RC_RUNS), "the run counted already");
        }
    }

    @Test
    void aPendingFrameOutOfItsStackIsDropped() {
        for (long p : new long[] {stack - 16, stack + size - RFRAME.size() + 1, Long.MAX_VALUE - 100, -64}) {
            Machine mm = ProcRecords.reset(m);
            mm.memory.write64(new ProcRecords(mm, 2).recovery() + RC_PENDING, p);
            DeadKernels.Revived rv = DeadKernels.revive(mm, ProcRecords.TWO.config);
            assertTrue(line(rv, 2).contains("recovery frame pending out of its stack: dropped"), line(rv, 2));
            assertEquals(0, mm.memory.read64(new ProcRecords(mm, 2).recovery() + RC_PENDING));
        }
    }

    /** A frame in kvstore's dead memory at va, as the procedure got it: pc, x5 and fcsr its own. */
    byte[] frame(long va, long pc) {
        byte[] f = new byte[RFRAME.size()];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, RFRAME.magic).putInt(4, RFRAME.version);
        b.putLong(RF_PC, pc).putLong(RF_X + 8 * 5, 0x5555).putLong(RF_X + 8 * 2, stack - 64).putLong(RF_FCSR, 3);
        long root = Sv39.satpRootPa(m.memory.read64(kv.task + T_SATP));
        assertTrue(new UserMemory(direct, direct).copyOut(root, va, f, 0, f.length));
        return f;
    }

    @Test
    void aReturnBegunIsCompletedFromItsFrame() {
        long pc = m.memory.read64(kv.task + T_PC);
        frame(topFrame, pc);
        m.memory.write64(rec + RC_RETURNING, topFrame);
        m.memory.write32(rec + RC_RUNS, 2);
        assertTrue(Recovery.returning(new ReadOnlyMem(m.memory), kv.table(KH_RECOVERY), image(kv)));
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains(String.format("the return is completed (pc 0x%x)", pc)), line(r, 2));
        ProcRecords nk = new ProcRecords(m, 2);
        assertEquals(0x5555, nk.x(5));
        assertEquals(stack - 64, nk.x(2));
        assertEquals(3, m.memory.read64(nk.task + T_FCSR));
        assertEquals(pc, m.memory.read64(nk.task + T_PC));
        assertEquals(0, pending(2), "no procedure runs again");
        assertArrayEquals(new long[] {2, entry, stack, size, 2}, registration(2));
    }

    @Test
    void aReturnWhoseFrameIsGoneResumesWhereItWas() {
        m.memory.write64(rec + RC_RETURNING, topFrame); // no frame there
        assertTrue(line(revive(), 2).contains("its recovery frame is gone while it was returning"));
        Machine mm = ProcRecords.reset(m);
        mm.memory.write64(new ProcRecords(mm, 2).recovery() + RC_RETURNING, 0x10); // not mapped
        DeadKernels.Revived r = DeadKernels.revive(mm, ProcRecords.TWO.config);
        assertTrue(line(r, 2).contains("its recovery frame is gone while it was returning"), line(r, 2));
    }

    static CrashKernel.Image image(ProcRecords p) {
        CrashKernel.Image img = new CrashKernel.Image();
        img.slot = p.slot;
        img.pid = p.pid;
        return img;
    }

    @Test
    void onlyASoundRecordOfItsOwnSaysTheTaskWasReturning() {
        ReadOnlyMem v = new ReadOnlyMem(m.memory);
        long table = kv.table(KH_RECOVERY);
        m.memory.write64(ck.recovery() + RC_RETURNING, 0x1000); // slot 0's record is not kvstore's
        assertFalse(Recovery.returning(v, table, image(kv)));
        m.memory.write64(rec + RC_RETURNING, 0x1000);
        assertTrue(Recovery.returning(v, table, image(kv)));
        assertFalse(Recovery.returning(v, -1, image(kv)), "no table");
        CrashKernel.Image refused = image(kv);
        refused.problems.add("refused");
        assertFalse(Recovery.returning(v, table, refused));
        m.memory.write32(rec + RC_PID, 1);
        assertFalse(Recovery.returning(v, table, image(kv)), "another pid's");
        m.memory.write32(rec + RC_PID, 2);
        m.memory.write32(rec, 0);
        assertFalse(Recovery.returning(v, table, image(kv)), "no magic");
    }

    @Test
    void aReturnCallInFlightIsMadeAgainWithoutAFrame() {
        m.memory.write64(kv.task + T_CAUSE, CAUSE_ECALL);
        kv.setX(17, RecoveryCalls.OW_RECOVERY_RETURN);
        m.memory.write64(kv.task + T_EPC, m.memory.read64(kv.task + T_PC));
        DeadKernels.Revived r = revive();
        assertTrue(line(r, 2).contains("was returning from its recovery procedure: it is made again"), line(r, 2));
        assertEquals(0, pending(2));
    }

    // ---- inVma ------------------------------------------------------------------------------------------

    @Test
    void aRangeLiesInOneMappingWithTheRightProtection() {
        List<Vma> vmas = List.of(new Vma(0x10000, 0x20000, 0, Vma.PROT_READ | Vma.PROT_EXEC, 0, 0),
                new Vma(0x30000, 0x40000, 0, Vma.PROT_READ | Vma.PROT_WRITE, 0, 0));
        assertTrue(Recovery.inVma(vmas, 0x10000, 0x10000, Sv39.PTE_X), "exactly the mapping");
        assertTrue(Recovery.inVma(vmas, 0x1fffc, 4, Sv39.PTE_X));
        assertTrue(Recovery.inVma(vmas, 0x30000, 0, Sv39.PTE_W), "empty, at its start");
        assertTrue(Recovery.inVma(vmas, 0x3f000, 0x1000, Sv39.PTE_W), "the second mapping");
        assertFalse(Recovery.inVma(vmas, 0xfffc, 8, Sv39.PTE_X), "begins before");
        assertFalse(Recovery.inVma(vmas, 0x1fffc, 8, Sv39.PTE_X), "ends after");
        assertFalse(Recovery.inVma(vmas, 0x1fffc, 0x10008, Sv39.PTE_X), "across both");
        assertFalse(Recovery.inVma(vmas, 0x10000, 4, Sv39.PTE_W), "not writable");
        assertFalse(Recovery.inVma(vmas, 0x30000, 4, Sv39.PTE_X), "not executable");
        assertFalse(Recovery.inVma(vmas, 0x30000, -0x30000 - 0x1000, Sv39.PTE_W), "a length that wraps around");
        assertFalse(Recovery.inVma(List.of(), 0x10000, 4, Sv39.PTE_X));
    }
}
