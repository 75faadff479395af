package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Procs;

/**
 * The process tree across a crash ({@link ProcessTree}): a process's PROC and SIGS records checked field by field on
 * the dead kernel of {@link ProcRecords#TWO} (kvstore, pid 2, slot 1); the checks between processes (parents,
 * cycles, vfork loans) on images made here; the records as the new kernel gets them (re-parenting, exec, vfork).
 */
class ProcessTreeDirectTest {
    final Machine m = ProcRecords.machine();
    final ProcRecords kv = new ProcRecords(m, 2);
    final ReadOnlyMem dead = new ReadOnlyMem(m.memory);

    // ---- one process's records -----------------------------------------------------------------------

    CrashKernel.Image checked() {
        CrashKernel.Image img = image(kv.slot, kv.pid, 0);
        ProcessTree.validateRecords(dead, kv.table(KH_PROCS), kv.table(KH_SIGNALS), img);
        return img;
    }

    void assertProblem(String what) {
        List<String> p = checked().problems;
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains(what), "should name '" + what + "': " + p);
    }

    void assertSound() { assertEquals(List.of(), checked().problems); }

    @Test
    void kvstoresRecordsAreSoundAndSayItHasNoParentAndNoLoan() {
        m.memory.write32(kv.table(KH_PROCS), 0); // slot 0's records are not kvstore's
        m.memory.write32(kv.table(KH_SIGNALS), 0);
        CrashKernel.Image img = checked();
        assertEquals(List.of(), img.problems);
        assertEquals(0, img.ppid);
        assertEquals(-1, img.vmLender);
    }

    @Test
    void aBadProcessRecordIsTrustedForNothing() {
        m.memory.write32(kv.proc() + P_PPID, 1);
        m.memory.write32(kv.sigs(), 0); // not reported: the process is refused already
        m.memory.write32(kv.proc() + 4, PROC.version + 1);
        assertProblem("process record: bad magic or version");
        assertEquals(0, checked().ppid, "its parent pid is not read");
        m.memory.write32(kv.proc() + 4, PROC.version);
        assertProblem("signal record: bad magic or version");
        assertEquals(1, checked().ppid);
    }

    @Test
    void groupAndSessionArePositive() {
        m.memory.write32(kv.proc() + P_PGID, 1);
        m.memory.write32(kv.proc() + P_SID, 1);
        assertSound();
        m.memory.write32(kv.proc() + P_PGID, 0);
        assertProblem("process group or session");
        m.memory.write32(kv.proc() + P_PGID, 1);
        m.memory.write32(kv.proc() + P_SID, 0);
        assertProblem("process group or session");
    }

    @Test
    void aNegativeParentIsInvalid() {
        m.memory.write32(kv.proc() + P_PPID, -1);
        assertProblem("parent pid -1 invalid");
    }

    @Test
    void theVforkLenderIsATaskSlotOrNone() {
        m.memory.write32(kv.proc() + P_VM_PARENT, 3);
        assertEquals(2, checked().vmLender, "vm_parent is the slot + 1");
        m.memory.write32(kv.proc() + P_VM_PARENT, MAX_TASKS);
        assertSound();
        m.memory.write32(kv.proc() + P_VM_PARENT, MAX_TASKS + 1);
        assertProblem("vfork lender slot 64 invalid");
        m.memory.write32(kv.proc() + P_VM_PARENT, -1);
        assertProblem("vfork lender slot -2 invalid");
    }

    @Test
    void anExecStateIsNoneOrPending() {
        m.memory.write32(kv.proc() + P_EXEC_STATE, Procs.EXEC_PENDING);
        assertSound();
        m.memory.write32(kv.proc() + P_EXEC_STATE, 2);
        assertProblem("exec state 2 unknown");
    }

    @Test
    void sigkillAndSigstopAreNeverBlocked() {
        m.memory.write64(kv.sigs() + S_BLOCKED, ~(1L << 8 | 1L << 18));
        assertSound();
        m.memory.write64(kv.sigs() + S_BLOCKED, 1L << 8);
        assertProblem("SIGKILL or SIGSTOP blocked");
        m.memory.write64(kv.sigs() + S_BLOCKED, 1L << 18);
        assertProblem("SIGKILL or SIGSTOP blocked");
    }

    @Test
    void theSignalBeingDeliveredIsOneOrNone() {
        for (int sig : new int[] {0, 1, NSIG}) {
            m.memory.write32(kv.sigs() + S_DELIVER_SIG, sig);
            assertSound();
        }
        for (int sig : new int[] {-1, NSIG + 1}) {
            m.memory.write32(kv.sigs() + S_DELIVER_SIG, sig);
            assertProblem("signal " + sig + " being delivered");
        }
    }

    @Test
    void theAlternateStackHasTwoFlagBits() {
        m.memory.write32(kv.sigs() + S_ALT_FLAGS, 3);
        assertSound();
        m.memory.write32(kv.sigs() + S_ALT_FLAGS, 4);
        assertProblem("alternate stack flags invalid");
    }

    @Test
    void aBadRecordRefusesItsProcessOnly() {
        m.memory.write32(kv.sigs() + S_DELIVER_SIG, -5);
        ProcRecords.refusedAlone(DeadKernels.revive(m, ProcRecords.TWO.config), 2, "signal -5");
    }

    // ---- the tree --------------------------------------------------------------------------------------

    static CrashKernel.Image image(int slot, int pid, int ppid) {
        CrashKernel.Image img = new CrashKernel.Image();
        img.slot = slot;
        img.pid = pid;
        img.ppid = ppid;
        img.state = TASK_RUNNABLE;
        return img;
    }

    /** Tasks at slots 8.. of the dead table, each with its own satp (a vfork child's is its lender's). */
    final long tasks = kv.table(KH_TASKS);

    void satp(int slot, long satp) { m.memory.write64(tasks + (long) slot * TASK.size() + T_SATP, satp); }

    List<String> tree(CrashKernel.Image... images) {
        ProcessTree.validateTree(dead, tasks, Arrays.asList(images));
        List<String> all = new ArrayList<>();
        for (CrashKernel.Image img : images) for (String p : img.problems) all.add(img.pid + ": " + p);
        return all;
    }

    @Test
    void everyParentExists() {
        CrashKernel.Image a = image(8, 5, 0), b = image(9, 6, 5), c = image(10, 7, 9);
        assertEquals(List.of("7: parent pid 9 does not exist"), tree(a, b, c));
    }

    @Test
    void aCycleOfParentsIsRefusedWholeAndItsDescendantsAreNot() {
        CrashKernel.Image self = image(8, 5, 5);
        assertEquals(List.of("5: cycle in the process tree through pid 5"), tree(self));
        CrashKernel.Image a = image(8, 5, 7), b = image(9, 6, 5), c = image(10, 7, 6), d = image(11, 8, 6);
        assertEquals(List.of("5: cycle in the process tree through pid 5", "6: cycle in the process tree through pid 6",
                "7: cycle in the process tree through pid 7"), tree(a, b, c, d));
    }

    @Test
    @Timeout(10)
    void aLongChainIsNoCycle() {
        CrashKernel.Image[] chain = new CrashKernel.Image[MAX_TASKS];
        for (int i = 0; i < chain.length; i++) chain[i] = image(i, i + 1, i);
        assertEquals(List.of(), tree(chain));
        CrashKernel.Image below = image(20, 50, 30), a = image(8, 30, 31), b = image(9, 31, 30);
        assertEquals(2, tree(below, a, b).size(), "the walk up from pid 50 ends, and finds no cycle through it");
        assertEquals(List.of(), below.problems);
    }

    /** lender at slot 8 (pid 5), its vfork child at slot 9 (pid 6) on the same address space. */
    final CrashKernel.Image lender = image(8, 5, 0), child = image(9, 6, 5);

    {
        child.vmLender = 8;
        satp(8, 0x8000_0000_0008_1234L);
        satp(9, 0x8000_0000_0008_1234L);
    }

    @Test
    void aVforkChildBorrowsItsLiveParentsAddressSpace() {
        assertEquals(List.of(), tree(lender, child));
        assertEquals(6, ProcessTree.borrower(List.of(lender, child), lender));
        assertEquals(0, ProcessTree.borrower(List.of(lender, child), child));
    }

    @Test
    void aVforkChildOfSlotZeroIsChecked() {
        CrashKernel.Image first = image(0, 5, 0);
        child.vmLender = 0;
        satp(0, 0x8000_0000_0008_1234L);
        assertEquals(List.of(), tree(first, child));
        satp(0, 0x8000_0000_0008_9999L);
        assertEquals(List.of("6: vfork child: its address space is not its live parent's"), tree(first, child));
    }

    @Test
    void aVforkChildOnAnotherAddressSpaceIsRefused() {
        satp(9, 0x8000_0000_0008_4321L);
        assertEquals(List.of("6: vfork child: its address space is not its live parent's"), tree(lender, child));
    }

    @Test
    void aVforkChildWhoseLenderIsNotItsParentIsRefused() {
        CrashKernel.Image other = image(10, 7, 0);
        child.ppid = 7;
        assertEquals(List.of("6: vfork child: its address space is not its live parent's"), tree(lender, child, other));
    }

    @Test
    void aVforkChildWithoutItsLenderIsRefused() {
        CrashKernel.Image parent = image(10, 5, 0);
        assertEquals(List.of("6: vfork child: its address space is not its live parent's"), tree(parent, child));
    }

    @Test
    void aVforkChildOfAZombieIsRefused() {
        lender.state = TASK_ZOMBIE;
        assertEquals(List.of("6: vfork child: its address space is not its live parent's"), tree(lender, child));
    }

    @Test
    void aZombieOrAnExecdChildBorrowsNothing() {
        satp(9, 0);
        child.state = TASK_ZOMBIE;
        assertEquals(List.of(), tree(lender, child));
        assertEquals(0, ProcessTree.borrower(List.of(lender, child), lender));
        child.state = TASK_RUNNABLE;
        child.execApplied = true;
        assertEquals(List.of(), tree(lender, child));
        assertEquals(0, ProcessTree.borrower(List.of(lender, child), lender));
    }

    @Test
    void theBorrowerOfARefusedLenderIsRefusedOnce() {
        lender.ppid = 99;
        assertEquals(List.of("5: parent pid 99 does not exist", "6: vfork child of a refused process"), tree(lender, child));
        assertEquals(0, ProcessTree.borrower(List.of(lender, child), lender), "a refused child borrows nothing");
    }

    @Test
    void theBorrowerOfARefusedLenderAtSlotZeroIsRefused() {
        CrashKernel.Image first = image(0, 5, 99);
        child.vmLender = 0;
        satp(0, 0x8000_0000_0008_1234L);
        assertEquals(List.of("5: parent pid 99 does not exist", "6: vfork child of a refused process"), tree(first, child));
    }

    @Test
    void aRefusedBorrowerIsNotRefusedTwiceNorAnExecdOneAtAll() {
        lender.ppid = 99;
        satp(9, 1);
        assertEquals(List.of("5: parent pid 99 does not exist", "6: vfork child: its address space is not its live parent's"),
                tree(lender, child));
        lender.problems.clear();
        child.problems.clear();
        child.execApplied = true;
        assertEquals(List.of("5: parent pid 99 does not exist"), tree(lender, child));
    }

    @Test
    void aRefusedProcessElsewhereHarmsNoBorrower() {
        CrashKernel.Image stranger = image(10, 7, 99);
        assertEquals(List.of("7: parent pid 99 does not exist"), tree(lender, child, stranger));
        assertEquals(6, ProcessTree.borrower(List.of(stranger, lender, child), lender));
    }

    @Test
    void aLenderWaitsForItsBorrower() {
        PhysicalMemory out = new PhysicalMemory(4096);
        ProcessTree.blockLender(new DirectMem(out), out.base(), 6);
        assertEquals(TASK_BLOCKED, out.read32(out.base() + T_STATE));
        assertEquals(Channels.of(Channels.VFORK, 6), out.read64(out.base() + T_WAIT));
    }

    // ---- the records the new kernel gets --------------------------------------------------------------

    final PhysicalMemory out = new PhysicalMemory(1 << 20);
    final long newProcs = out.base(), newSigs = out.base() + (long) MAX_TASKS * PROC.size();

    /** kvstore's records rebuilt among these images (kvstore's own first), the new address space 0x777. */
    void rebuild(CrashKernel.Image... images) {
        ProcessTree.rebuild(dead, kv.table(KH_PROCS), kv.table(KH_SIGNALS), new DirectMem(out), newProcs, newSigs,
                Arrays.asList(images), images[0], 0x777);
    }

    long newProc() { return newProcs + (long) kv.slot * PROC.size(); }

    int newPpid(int deadPpid, CrashKernel.Image... others) {
        m.memory.write32(kv.proc() + P_PPID, deadPpid);
        CrashKernel.Image me = image(kv.slot, kv.pid, deadPpid);
        CrashKernel.Image[] all = new CrashKernel.Image[others.length + 1];
        all[0] = me;
        System.arraycopy(others, 0, all, 1, others.length);
        rebuild(all);
        return out.read32(newProc() + P_PPID);
    }

    static CrashKernel.Image refused(CrashKernel.Image img) {
        img.problems.add("refused");
        return img;
    }

    static CrashKernel.Image zombie(CrashKernel.Image img) {
        img.state = TASK_ZOMBIE;
        return img;
    }

    @Test
    void theRecordsAreCopiedToTheSameSlot() {
        m.memory.write32(kv.proc() + P_VM_PARENT, 4);
        m.memory.write64(kv.sigs() + S_PENDING, 1L << 13);
        byte[] proc = kv.bytes(kv.proc(), PROC.size()), sigs = kv.bytes(kv.sigs(), SIGS.size());
        rebuild(image(kv.slot, kv.pid, 0));
        assertArrayEquals(proc, bytes(newProc(), PROC.size()));
        assertArrayEquals(sigs, bytes(newSigs + (long) kv.slot * SIGS.size(), SIGS.size()));
        assertEquals(0, out.read32(newProcs), "slot 0 untouched");
        assertEquals(0, out.read32(newSigs), "slot 0 untouched");
    }

    byte[] bytes(long pa, int len) {
        byte[] b = new byte[len];
        out.read(pa, b, 0, len);
        return b;
    }

    @Test
    void aParentThatComesBackStaysTheParent() {
        assertEquals(0, newPpid(0), "started by the host");
        assertEquals(0, newPpid(0, image(0, 1, 0)), "started by the host, not init's");
        assertEquals(5, newPpid(5, image(3, 5, 0), image(0, 1, 0)));
        assertEquals(5, newPpid(5, zombie(image(3, 5, 1)), image(0, 1, 0)), "a zombie parent comes back, to reap");
    }

    @Test
    void anOrphanGoesToInitOrToTheHost() {
        assertEquals(1, newPpid(5, refused(image(3, 5, 0)), image(0, 1, 0)));
        assertEquals(1, newPpid(5, image(0, 1, 0)), "a parent that is gone");
        assertEquals(0, newPpid(5, refused(image(3, 5, 0)), refused(image(0, 1, 0))), "init refused");
        assertEquals(0, newPpid(5, refused(image(3, 5, 0)), zombie(image(0, 1, 0))), "init a zombie");
        assertEquals(0, newPpid(5, image(4, 6, 0)), "no init");
        assertEquals(0, newPpid(1, refused(image(0, 1, 0))), "init's child, init refused");
    }

    @Test
    void initItselfIsNeverItsOwnParent() {
        m.memory.write32(kv.proc() + P_PPID, 5);
        CrashKernel.Image init = image(kv.slot, 1, 5);
        rebuild(init, refused(image(3, 5, 0)));
        assertEquals(0, out.read32(newProc() + P_PPID));
    }

    @Test
    void anExecNotAppliedIsForgottenAndAnAppliedOneKeepsItsNewAddressSpace() {
        m.memory.write32(kv.proc() + P_EXEC_STATE, Procs.EXEC_PENDING);
        m.memory.write32(kv.proc() + P_VM_PARENT, 4);
        rebuild(image(kv.slot, kv.pid, 0));
        assertEquals(0, out.read32(newProc() + P_EXEC_STATE), "not committed: forgotten");
        assertEquals(4, out.read32(newProc() + P_VM_PARENT), "still borrowing");
        CrashKernel.Image exec = image(kv.slot, kv.pid, 0);
        exec.execApplied = true;
        rebuild(exec);
        assertEquals(Procs.EXEC_PENDING, out.read32(newProc() + P_EXEC_STATE), "its tail is made again");
        assertEquals(0x777, out.read64(newProc() + P_EXEC_SATP));
        assertEquals(0, out.read32(newProc() + P_VM_PARENT), "its own address space now");
    }

    @Test
    void aZombieBorrowsNothing() {
        m.memory.write32(kv.proc() + P_VM_PARENT, 4);
        rebuild(zombie(image(kv.slot, kv.pid, 0)));
        assertEquals(0, out.read32(newProc() + P_VM_PARENT));
    }

    @Test
    void aChildOfARefusedParentComesBackReparented() {
        m.memory.write32(kv.proc() + P_PPID, 1);
        DeadKernels.Revived r = DeadKernels.revive(m, ProcRecords.TWO.config);
        ProcRecords.back(r, 1);
        assertEquals(1, m.memory.read32(new ProcRecords(m, 2).proc() + P_PPID), "its parent came back");

        Machine m2 = ProcRecords.reset(m);
        ProcRecords kv2 = new ProcRecords(m2, 2);
        m2.memory.write32(kv2.proc() + P_PPID, 1);
        m2.memory.write32(new ProcRecords(m2, 1).task, 0); // checksum's task record corrupt: refused
        DeadKernels.Revived r2 = DeadKernels.revive(m2, ProcRecords.TWO.config);
        ProcRecords.back(r2, 2);
        assertEquals(0, m2.memory.read32(new ProcRecords(m2, 2).proc() + P_PPID), "re-parented to the host");
        assertEquals(List.of(), r2.audit());
    }
}
