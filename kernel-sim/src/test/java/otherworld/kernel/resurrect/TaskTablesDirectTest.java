package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fs.FileLocks;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;

/**
 * A task's file-system context and task information, and the lock table, across a crash ({@link TaskTables}), on the
 * dead kernel of {@link ProcRecords#TWO}: kvstore's (pid 2, slot 1) records checked field by field, copied to the new
 * kernel as they were; a lock comes back when it is well formed and its owner comes back, else it is dropped.
 */
class TaskTablesDirectTest {
    final Machine m = ProcRecords.machine();
    final ProcRecords kv = new ProcRecords(m, 2);

    List<String> problems(int inodes) {
        List<String> out = new ArrayList<>();
        TaskTables.validate(new ReadOnlyMem(m.memory), kv.table(KH_FSCTX), kv.table(KH_TINFO), kv.slot, inodes, out);
        return out;
    }

    void assertProblem(String what, int inodes) {
        List<String> p = problems(inodes);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains(what), "should name '" + what + "': " + p);
    }

    @Test
    void kvstoresRecordsAreSound() {
        assertEquals(1, kv.slot, "not slot 0: a record read at the wrong slot is slot 0's");
        assertEquals(List.of(), problems(0));
        int cwd = m.memory.read32(kv.fsctx() + FS_CWD);
        assertTrue(cwd > 0);
        assertEquals(List.of(), problems(cwd), "a working directory at the last inode");
        assertProblem("working directory", cwd - 1);
    }

    @Test
    void theOtherSlotsRecordsAreNotItsOwn() {
        long slot0 = kv.table(KH_FSCTX), info0 = kv.table(KH_TINFO);
        m.memory.write32(slot0, 0);
        m.memory.write32(info0, 0);
        assertEquals(List.of(), problems(0));
    }

    @Test
    void aBadFsContextIsNamedAndTheTaskInformationStillChecked() {
        m.memory.write32(kv.fsctx(), 0x12345678);
        assertProblem("fs context: bad magic", 0);
        m.memory.write32(kv.tinfo() + 4, 99);
        List<String> p = problems(0);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(1).contains("task information: bad magic"), p.toString());
        m.memory.write32(kv.fsctx(), FSCTX.magic);
        m.memory.write32(kv.fsctx() + 4, FSCTX.version + 1);
        assertEquals(2, problems(0).size());
    }

    @Test
    void theWorkingDirectoryMustBeAnInode() {
        m.memory.write32(kv.fsctx() + FS_CWD, -1);
        assertProblem("working directory inode -1", 0);
        m.memory.write32(kv.fsctx() + FS_CWD, 0);
        assertEquals(List.of(), problems(0), "0: the root");
        m.memory.write32(kv.fsctx() + FS_CWD, 1 << 30);
        assertEquals(List.of(), problems(0), "the inode count unknown: not checked");
        assertProblem("working directory", 1000);
    }

    @Test
    void theUmaskHasOnlyPermissionBits() {
        m.memory.write32(kv.fsctx() + FS_UMASK, 0777);
        assertEquals(List.of(), problems(0));
        m.memory.write32(kv.fsctx() + FS_UMASK, 01022);
        assertProblem("umask 1022", 0);
    }

    @Test
    void niceIsBetweenMinus20And19() {
        for (int nice : new int[] {-20, 0, 19}) {
            m.memory.write32(kv.tinfo() + TI_NICE, nice);
            assertEquals(List.of(), problems(0), "nice " + nice);
        }
        for (int nice : new int[] {-21, 20, Integer.MIN_VALUE}) {
            m.memory.write32(kv.tinfo() + TI_NICE, nice);
            assertProblem("nice " + nice, 0);
        }
    }

    @Test
    void cpuTimeIsNeverNegative() {
        m.memory.write64(kv.tinfo() + TI_UTIME, 0);
        assertEquals(List.of(), problems(0));
        m.memory.write64(kv.tinfo() + TI_UTIME, -1);
        assertProblem("negative cpu time", 0);
    }

    @Test
    void aBadRecordRefusesItsTaskOnly() {
        m.memory.write32(kv.fsctx() + FS_UMASK, 1 << 20);
        ProcRecords.refusedAlone(DeadKernels.revive(m, ProcRecords.TWO.config), 2, "umask");
    }

    @Test
    void theRecordsComeBackAsTheyWereAtTheSameSlot() {
        m.memory.write32(kv.fsctx() + FS_UMASK, 077);
        m.memory.write32(kv.tinfo() + TI_NICE, 7);
        ProcRecords ck = new ProcRecords(m, 1);
        byte[][] before = {kv.bytes(kv.fsctx(), FSCTX.size()), kv.bytes(kv.tinfo(), TINFO.size()),
                ck.bytes(ck.fsctx(), FSCTX.size()), ck.bytes(ck.tinfo(), TINFO.size())};
        assertFalse(java.util.Arrays.equals(before[1], before[3]), "two different records");
        DeadKernels.Revived r = DeadKernels.revive(m, ProcRecords.TWO.config);
        ProcRecords.back(r, 2);
        ProcRecords kvNew = new ProcRecords(m, 2), ckNew = new ProcRecords(m, 1);
        assertNotEquals(kv.header, kvNew.header, "the new kernel's tables");
        assertArrayEquals(before[0], kvNew.bytes(kvNew.fsctx(), FSCTX.size()));
        assertArrayEquals(before[1], kvNew.bytes(kvNew.tinfo(), TINFO.size()));
        assertArrayEquals(before[2], ckNew.bytes(ckNew.fsctx(), FSCTX.size()));
        assertArrayEquals(before[3], ckNew.bytes(ckNew.tinfo(), TINFO.size()));
        assertEquals(077, r.attach().fsctx.umask(kvNew.slot), "the new kernel's view");
    }

    // ---- locks ---------------------------------------------------------------------------------------

    /** Writes lock record i of the dead kernel's table. */
    void lock(int i, int kind, int type, int owner, int ino, long start, long end) {
        long r = FileLocks.record(kv.table(KH_LOCKS), i);
        LOCK.init(new DirectMem(m.memory), r);
        m.memory.write32(r + L_KIND, kind);
        m.memory.write32(r + L_TYPE, type);
        m.memory.write32(r + L_OWNER, owner);
        m.memory.write32(r + L_INO, ino);
        m.memory.write64(r + L_START, start);
        m.memory.write64(r + L_END, end);
    }

    /** The dead kernel's file index behind kvstore's fd 3 (kv.log), which comes back with it. */
    int kvLog() { return m.memory.read32(kv.task + T_FD + 12); }

    @Test
    void locksComeBackWithTheirOwnersAndTheRestAreDropped() {
        long big = Long.MAX_VALUE;
        lock(0, LOCK_POSIX, FileLocks.WRITE, 2, 21, 0, big); // kept: kvstore comes back
        lock(1, LOCK_POSIX, FileLocks.READ, 9, 21, 0, 10); // dropped: no pid 9
        lock(2, LOCK_OFD, FileLocks.READ, kvLog(), 21, 5, 6); // kept: its open file comes back
        lock(3, LOCK_FLOCK, FileLocks.WRITE, 100, 21, 0, big); // dropped: open file 100 is free
        lock(4, LOCK_FLOCK, FileLocks.WRITE, -1, 21, 0, big); // dropped: no open file -1
        lock(5, LOCK_OFD, FileLocks.WRITE, MAX_FILES, 21, 0, big); // dropped: outside the table
        lock(6, LOCK_FLOCK + 1, FileLocks.WRITE, 2, 21, 0, big); // dropped: kind unknown
        lock(7, LOCK_POSIX, 3, 2, 21, 0, big); // dropped: type unknown
        lock(15, -1, FileLocks.WRITE, 2, 21, 0, big); // dropped: kind unknown
        lock(8, LOCK_POSIX, 0, 2, 21, 0, big); // dropped: type unknown
        lock(9, LOCK_POSIX, FileLocks.READ, 2, 21, -1, big); // dropped: starts before the file
        lock(10, LOCK_POSIX, FileLocks.READ, 2, 21, 7, 7); // dropped: empty range
        lock(11, LOCK_POSIX, FileLocks.READ, 2, 0, 0, 1); // dropped: no inode 0
        lock(12, LOCK_POSIX, FileLocks.READ, 1, 20, 3, 4); // kept: checksum comes back
        lock(MAX_LOCKS - 1, LOCK_FLOCK, FileLocks.READ, kvLog(), 21, 0, 1); // kept: the last record of the table
        lock(13, LOCK_FLOCK, FileLocks.READ, kvLog(), 1 << 20, 0, 1); // dropped: beyond the file system's inodes
        m.memory.write32(FileLocks.record(kv.table(KH_LOCKS), 14), 0); // kind 0, no magic: corrupt, dropped
        List<Integer> kept = List.of(0, 2, 12, MAX_LOCKS - 1);
        List<byte[]> dead = new ArrayList<>();
        for (int i = 0; i < MAX_LOCKS; i++) dead.add(kv.bytes(FileLocks.record(kv.table(KH_LOCKS), i), LOCK.size()));

        DeadKernels.Revived r = DeadKernels.revive(m, ProcRecords.TWO.config);
        ProcRecords.back(r, 1);
        ProcRecords.back(r, 2);
        assertEquals(4, r.report().locksKept);
        assertEquals(13, r.report().locksDropped, "12 locks and a corrupt record: " + r.report().lines());
        long table = new ProcRecords(m, 2).table(KH_LOCKS);
        for (int i = 0; i < MAX_LOCKS; i++) {
            long rec = FileLocks.record(table, i);
            if (kept.contains(i)) {
                assertArrayEquals(dead.get(i), kv.bytes(rec, LOCK.size()), "lock " + i + " as it was");
            } else {
                assertEquals(LOCK.magic, m.memory.read32(rec), "lock " + i + " free, as the new kernel made it");
                assertEquals(0, m.memory.read32(rec + L_KIND), "lock " + i + " free");
            }
        }
        assertEquals(List.of(), r.audit());
    }

    @Test
    void aLockBeyondTheFileSystemsInodesIsDropped() {
        lock(0, LOCK_POSIX, FileLocks.READ, 1, 100, 0, 1);
        lock(1, LOCK_POSIX, FileLocks.READ, 1, 101, 0, 1);
        PhysicalMemory out = new PhysicalMemory((MAX_LOCKS * LOCK.size() + 4095) / 4096 * 4096);
        ResurrectionReport report = new ResurrectionReport(1);
        TaskTables.rebuildLocks(new ReadOnlyMem(m.memory), new DirectMem(out), kv.table(KH_LOCKS), PhysicalMemory.BASE,
                Set.of(1), new int[MAX_FILES], 100, report);
        assertEquals(1, report.locksKept);
        assertEquals(1, report.locksDropped);
        assertEquals(LOCK.magic, out.read32(PhysicalMemory.BASE));
        assertEquals(100, out.read32(PhysicalMemory.BASE + L_INO));
        assertEquals(0, out.read32(PhysicalMemory.BASE + LOCK.size()), "not copied");
    }

    /** Inode count 0: the crash kernel could not read it from the disk; a lock's inode is then not checked. */
    @Test
    void anUnknownInodeCountChecksNoLocksInode() {
        lock(0, LOCK_POSIX, FileLocks.READ, 1, 1 << 20, 0, 1);
        PhysicalMemory out = new PhysicalMemory((MAX_LOCKS * LOCK.size() + 4095) / 4096 * 4096);
        ResurrectionReport report = new ResurrectionReport(1);
        TaskTables.rebuildLocks(new ReadOnlyMem(m.memory), new DirectMem(out), kv.table(KH_LOCKS), PhysicalMemory.BASE,
                Set.of(1), new int[MAX_FILES], 0, report);
        assertEquals(1, report.locksKept);
        assertEquals(1 << 20, out.read32(PhysicalMemory.BASE + L_INO));
    }
}
