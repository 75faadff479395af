package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.kernel.KernelPanic;

/**
 * Two bounds the crash kernel takes from outside the dead kernel's word: the file system's inode count (a working
 * directory above it is refused in a real resurrection, not only in TaskTables' own tests) and a crash region too
 * small for the next kernel's tables (a refusal that names the header, never a host exception).
 */
class CrashKernelBoundsDirectTest {
    static final int VICTIM = 2; // kvstore; checksum is pid 1

    @Test
    void aWorkingDirectoryAboveTheInodeCountIsRefused() {
        DeadKernels.Dead dead = DeadKernels.two();
        Machine m = dead.machine();
        byte[] sb = new byte[512]; // the superblock's first sector (the device reads whole sectors)
        m.disk.read(1024, sb, 0, sb.length);
        int inodes = java.nio.ByteBuffer.wrap(sb).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(inodes > 0);
        long cwd = new ProcRecords(m, VICTIM).fsctx() + FS_CWD;
        m.memory.write32(cwd, inodes); // the last inode: still in range
        DeadKernels.Revived ok = DeadKernels.revive(m, dead.config);
        assertTrue(ok.process(VICTIM).resurrected(), "inode " + inodes + " of " + inodes + " is in range");

        Machine m2 = dead.machine();
        m2.memory.write32(cwd, inodes + 1);
        DeadKernels.Revived r = DeadKernels.revive(m2, dead.config);
        assertNull(r.failure());
        ResurrectionReport.Process p = r.process(VICTIM);
        assertFalse(p.resurrected());
        assertTrue(p.problems().toString().contains("working directory inode " + (inodes + 1)), p.problems().toString());
        assertTrue(r.process(1).resurrected(), "the other process is untouched");
        assertEquals(java.util.List.of(), r.audit());
    }

    @Test
    void aCrashRegionTooSmallForTheNextKernelIsAHeaderProblem() {
        DeadKernels.Dead dead = DeadKernels.two();
        Machine m = dead.machine();
        long h = DeadKernels.Dead.header(m.memory);
        m.memory.write64(h + KH_CRASH_SIZE, 64L * 4096); // page aligned, inside RAM, but no room for tables and a pool
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.report());
        assertInstanceOf(KernelPanic.class, r.failure(), String.valueOf(r.failure()));
        assertTrue(r.failure().getMessage().startsWith("dead kernel header"), r.failure().getMessage());
    }
}
