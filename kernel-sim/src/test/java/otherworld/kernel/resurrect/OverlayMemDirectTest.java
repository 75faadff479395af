package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.Scenario;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.proc.Procs;
import otherworld.kernel.sys.Sysno;
import otherworld.userland.Programs;

/**
 * The overlay the crash kernel applies a committed execve on: reads inside its record come from its copy, every
 * other read from the dead kernel's memory, and no write ever reaches the dead kernel (it is read-only: rule 3).
 * Direct cases on a small memory, and a dead spawner whose child's execve of /bin/hello had committed.
 */
class OverlayMemDirectTest {
    static final long BASE = PhysicalMemory.BASE;
    static final long REC = BASE + 0x100; // the record: [REC, REC + LEN)
    static final int LEN = 32;

    /** RAM where byte at BASE + i is (i * 37 + 0x81) & 0xFF: every byte different from its neighbours, many above 0x7F. */
    static PhysicalMemory ram() {
        PhysicalMemory ram = new PhysicalMemory(1 << 16);
        for (int i = 0; i < 0x400; i++) ram.write8(BASE + i, i * 37 + 0x81);
        return ram;
    }

    static OverlayMem overlay(PhysicalMemory ram) { return new OverlayMem(new ReadOnlyMem(ram), REC, LEN); }

    @Test
    void theCopyStartsAsTheDeadRecordAndReadsComeFromIt() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        byte[] dead = new byte[LEN];
        ram.read(REC, dead, 0, LEN);
        assertArrayEquals(dead, o.copy());
        // unchanged, every width reads what the dead memory holds (little-endian, high bytes unsigned where they are)
        for (long a = REC - 16; a < REC + LEN + 16; a++) {
            assertEquals(ram.read8(a), o.r8(a), "r8 at " + (a - REC));
            assertEquals(ram.read16(a), o.r16(a), "r16 at " + (a - REC));
            assertEquals(ram.read32(a), o.r32(a), "r32 at " + (a - REC));
            assertEquals(ram.read64(a), o.r64(a), "r64 at " + (a - REC));
        }
    }

    @Test
    void writesChangeTheCopyOnlyAndAreReadBackAtEveryWidth() {
        PhysicalMemory ram = ram();
        byte[] before = new byte[0x400];
        ram.read(BASE, before, 0, before.length);
        OverlayMem o = overlay(ram);
        o.w8(REC, 0xF1);
        o.w16(REC + 2, 0xF2E3);
        o.w32(REC + 4, 0xF4E5D6C7);
        o.w64(REC + LEN - 8, 0xF8E9DACBBCAD9E8FL); // the last 8 bytes of the record: its end is inside
        assertEquals(0xF1, o.r8(REC));
        assertEquals(0xF2E3, o.r16(REC + 2));
        assertEquals(0xF4E5D6C7, o.r32(REC + 4));
        assertEquals(0xF8E9DACBBCAD9E8FL, o.r64(REC + LEN - 8));
        assertEquals(0x8F, o.r8(REC + LEN - 8));
        assertEquals(0xF8, o.r8(REC + LEN - 1));
        assertEquals(0xD6C7, o.r16(REC + 4));
        assertEquals(0xF4E5_D6C7_F2E3_00F1L | (long) ram.read8(REC + 1) << 8, o.r64(REC), "written and unwritten bytes");
        assertEquals(0xF1, o.copy()[0] & 0xFF);
        byte[] after = new byte[0x400];
        ram.read(BASE, after, 0, after.length);
        assertArrayEquals(before, after, "the dead kernel's memory is never written");
    }

    @Test
    void readsThatLeaveTheRecordComeFromTheDeadMemory() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        for (int i = 0; i < LEN; i++) o.w8(REC + i, 0);
        // straddling either end: the dead memory's bytes, never the copy's (nor a host exception)
        assertEquals(ram.read64(REC - 4), o.r64(REC - 4));
        assertEquals(ram.read64(REC + LEN - 4), o.r64(REC + LEN - 4));
        assertEquals(ram.read32(REC + LEN - 2), o.r32(REC + LEN - 2));
        assertEquals(ram.read16(REC + LEN - 1), o.r16(REC + LEN - 1));
        assertEquals(ram.read8(REC + LEN), o.r8(REC + LEN));
        assertEquals(ram.read8(REC - 1), o.r8(REC - 1));
        // and inside, the copy's
        assertEquals(0, o.r64(REC));
        assertEquals(0, o.r64(REC + LEN - 8));
        assertEquals(0, o.r8(REC + LEN - 1));
    }

    @Test
    void aWriteOutsideTheRecordIsRefusedWithAReason() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> o.w8(REC - 1, 1));
        assertTrue(e.getMessage().contains("outside its record"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> o.w16(REC + LEN - 1, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w32(REC + LEN - 2, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w64(REC + LEN - 4, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.w8(REC + LEN, 1));
        assertThrows(UnsupportedOperationException.class, () -> o.zero(REC + LEN - 1, 2));
        assertThrows(UnsupportedOperationException.class, () -> o.write(REC - 1, new byte[2], 0, 2));
    }

    @Test
    void blockReadsWritesAndZeroesSpanTheCopyAndTheDeadMemory() {
        PhysicalMemory ram = ram();
        OverlayMem o = overlay(ram);
        byte[] src = {9, 8, 7, 6, 5, 4};
        o.write(REC + 3, src, 1, 4); // 8 7 6 5 at REC+3..REC+6
        o.zero(REC + 10, 3);
        byte[] got = new byte[LEN + 4];
        o.read(REC - 2, got, 1, LEN + 3); // from 2 bytes before the record to 1 after it, into got[1..]
        assertEquals(0, got[0], "nothing before off is written");
        assertEquals((byte) ram.read8(REC - 2), got[1]);
        assertEquals((byte) ram.read8(REC - 1), got[2]);
        assertEquals((byte) ram.read8(REC), got[3]);
        assertArrayEquals(new byte[] {8, 7, 6, 5}, java.util.Arrays.copyOfRange(got, 6, 10));
        assertEquals((byte) ram.read8(REC + 7), got[10]);
        assertArrayEquals(new byte[] {0, 0, 0}, java.util.Arrays.copyOfRange(got, 13, 16));
        assertEquals((byte) ram.read8(REC + 13), got[16]);
        assertNotEquals(0, ram.read8(REC + 13));
        assertEquals((byte) ram.read8(REC + LEN), got[LEN + 3], "the last byte read: past the record, the dead one");
        assertEquals(8, o.r8(REC + 3));
    }

    @Test
    void containsIsTheDeadMemorys() {
        OverlayMem o = overlay(ram());
        assertTrue(o.contains(BASE, 1 << 16));
        assertFalse(o.contains(BASE, (1 << 16) + 1));
        assertFalse(o.contains(BASE - 8, 8));
    }

    // ---- a dead kernel whose current task's execve had committed ---------------------------------------------------

    static final Scenario SPAWNER = new Scenario().add(Guests.program("spawner", "run", "/bin/hello"))
            .file("/bin/hello", Programs.get("hello").binary());

    /** The current task's slot in the dead kernel of ram. */
    static int current(PhysicalMemory ram) { return (int) ram.read64(DeadKernels.Dead.header(ram) + KH_CURRENT); }

    static long record(PhysicalMemory ram, long table, int slot, int size) {
        return ram.read64(DeadKernels.Dead.header(ram) + table) + (long) slot * size;
    }

    /** Crashed right after the commit of the child's execve: its task record still the old image's. */
    static final DeadKernels.Dead EXEC = DeadKernels.capture(SPAWNER, KernelConfig.defaults(), (point, m) -> {
        if (!point.equals("syscall.after-commit")) return false;
        int cur = current(m.memory);
        return m.memory.read64(record(m.memory, KH_TASKS, cur, TASK.size()) + T_X + 8L * 17) == Sysno.EXECVE
                && m.memory.read32(record(m.memory, KH_PROCS, cur, PROC.size()) + P_EXEC_STATE) == Procs.EXEC_PENDING;
    });

    static String cString(PhysicalMemory ram, long pa) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < NAME_LEN && ram.read8(pa + i) != 0; i++) b.append((char) ram.read8(pa + i));
        return b.toString();
    }

    @Test
    void aCommittedExecveIsAppliedOnTheCopyAndTheProcessComesBackAsItsNewImage() {
        Machine m = EXEC.machine();
        int cur = current(m.memory);
        long t = record(m.memory, KH_TASKS, cur, TASK.size());
        long proc = record(m.memory, KH_PROCS, cur, PROC.size());
        int pid = m.memory.read32(t + T_PID);
        String oldName = cString(m.memory, t + T_NAME), newName = cString(m.memory, proc + P_EXEC_NAME);
        assertNotEquals(oldName, newName, "the dead record is still the old image's");
        byte[] dead = new byte[TASK.size()];
        m.memory.read(t, dead, 0, dead.length);
        DeadKernels.Revived r = DeadKernels.revive(m, EXEC.config);
        assertNull(r.failure());
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(newName, r.process(pid).name(), "validated as the new image");
        byte[] after = new byte[TASK.size()];
        m.memory.read(t, after, 0, after.length);
        assertArrayEquals(dead, after, "the execve was applied to the crash kernel's copy, not to the dead record");
        long nt = record(m.memory, KH_TASKS, cur, TASK.size()); // the new kernel's (the root names it now)
        assertNotEquals(t, nt);
        assertEquals(m.memory.read64(proc + P_EXEC_ENTRY), m.memory.read64(nt + T_PC), "the new image's entry");
        assertEquals(m.memory.read64(proc + P_EXEC_SP), m.memory.read64(nt + T_X + 8L * 2), "its stack");
        assertEquals(List.of(), r.audit());
        assertEquals(Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        String out = m.console(0).outputString();
        assertTrue(out.endsWith("spawner: run /bin/hello exited 0\n"), out);
        assertTrue(EXEC.reference.outputs().get(0).endsWith(out), out);
    }
}
