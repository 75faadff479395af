package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Kernel;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;

/**
 * A task's sleep record: an armed, well-formed one comes back with its call, pc and deadline (the clock goes on, so
 * the sleep made again ends when it would have); a zombie's, a corrupt one, or one not armed comes back disarmed.
 */
class SleepImageDirectTest {
    static final long DEAD = PhysicalMemory.BASE + 0x1000;
    static final long NEW = DEAD + (long) MAX_TASKS * SLEEP.size() + 0x100;
    static final int SLOT = 5;

    /** Every dead slot armed: slot i sleeps in call 100 + i at pc 0x1000 + 4i until 1e9 + i. */
    static PhysicalMemory dead() {
        PhysicalMemory ram = new PhysicalMemory(0x10000);
        DirectMem m = new DirectMem(ram);
        for (int i = 0; i < MAX_TASKS; i++) {
            long s = DEAD + (long) i * SLEEP.size();
            SLEEP.init(m, s);
            m.w32(s + SL_ARMED, 1);
            m.w32(s + SL_NR, 100 + i);
            m.w64(s + SL_EPC, 0x1000 + 4L * i);
            m.w64(s + SL_DEADLINE, 1_000_000_000L + i);
        }
        ram.fill(NEW, (long) MAX_TASKS * SLEEP.size(), (byte) 0x77); // the new table before it is written
        return ram;
    }

    static long rebuilt(PhysicalMemory ram, boolean empty) {
        SleepImage.rebuild(new ReadOnlyMem(ram), new DirectMem(ram), DEAD, NEW, SLOT, empty);
        return NEW + (long) SLOT * SLEEP.size();
    }

    static void assertDisarmed(PhysicalMemory ram, long s) {
        byte[] got = new byte[SLEEP.size()], fresh = new byte[SLEEP.size()];
        ram.read(s, got, 0, got.length);
        PhysicalMemory p = new PhysicalMemory(0x1000);
        SLEEP.init(new DirectMem(p), PhysicalMemory.BASE);
        p.read(PhysicalMemory.BASE, fresh, 0, fresh.length);
        assertArrayEquals(fresh, got, "a fresh record: magic, version, not armed, nothing else");
    }

    @Test
    void anArmedRecordComesBackWithItsCallPcAndDeadline() {
        PhysicalMemory ram = dead();
        long s = rebuilt(ram, false);
        assertEquals(SLEEP.magic, ram.read32(s));
        assertEquals(SLEEP.version, ram.read32(s + 4));
        assertEquals(1, ram.read32(s + SL_ARMED));
        assertEquals(100 + SLOT, ram.read32(s + SL_NR));
        assertEquals(0x1000 + 4L * SLOT, ram.read64(s + SL_EPC));
        assertEquals(1_000_000_000L + SLOT, ram.read64(s + SL_DEADLINE));
        assertEquals(0x77777777, ram.read32(s - 4), "the slot before is not written");
        assertEquals(0x77777777, ram.read32(s + SLEEP.size()), "the slot after is not written");
    }

    @Test
    void aTaskThatHoldsNothingSleepsNoMore() {
        PhysicalMemory ram = dead();
        assertDisarmed(ram, rebuilt(ram, true));
    }

    @Test
    void aCorruptOrUnarmedRecordIsDisarmed() {
        int[][] edits = {{0, 0x12345678}, {4, SLEEP.version + 1}, {4, SLEEP.version - 1}, {SL_ARMED, 0}, {SL_ARMED, 2},
                         {SL_ARMED, -1}};
        for (int[] e : edits) {
            PhysicalMemory ram = dead();
            ram.write32(DEAD + (long) SLOT * SLEEP.size() + e[0], e[1]);
            assertDisarmed(ram, rebuilt(ram, false));
        }
    }

    // ---- a dead sharedmap, asleep ----------------------------------------------------------------------------------

    static long sleepRecord(PhysicalMemory ram, long header, int slot) {
        return ram.read64(header + KH_SLEEPS) + (long) slot * SLEEP.size();
    }

    @Test
    void aSleeperComesBackWithItsDeadlineAndWakesToFinish() {
        DeadKernels.Dead dead = Revivals.sleeper();
        Machine m = dead.machine();
        int slot = Revivals.armedSleep(m.memory);
        long old = sleepRecord(m.memory, DeadKernels.Dead.header(m.memory), slot);
        byte[] was = new byte[SLEEP.size()];
        m.memory.read(old, was, 0, was.length);
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        byte[] now = new byte[SLEEP.size()];
        m.memory.read(sleepRecord(m.memory, r.report().newHeader, slot), now, 0, now.length);
        assertArrayEquals(was, now, "armed, same call, pc and deadline");
        assertTrue(m.memory.read64(old + SL_DEADLINE) > m.clock(), "the deadline is still ahead");
        assertEquals(List.of(), r.audit());
        assertEquals(Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        assertTrue(m.clock() >= m.memory.read64(old + SL_DEADLINE), "it slept until its deadline");
        assertEquals(dead.reference.outputs().get(0), "stored\n" + m.console(0).outputString());
    }

    @Test
    void aCorruptSleepRecordCostsASleepBegunAgainOnly() {
        DeadKernels.Dead dead = Revivals.sleeper();
        Machine m = dead.machine();
        int slot = Revivals.armedSleep(m.memory);
        m.memory.write32(sleepRecord(m.memory, DeadKernels.Dead.header(m.memory), slot), 0x0BAD0BAD);
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertEquals(1, r.report().resurrectedCount(), r.report().lines().toString());
        long now = sleepRecord(m.memory, r.report().newHeader, slot);
        assertEquals(SLEEP.magic, m.memory.read32(now));
        assertEquals(0, m.memory.read32(now + SL_ARMED), "disarmed");
        assertEquals(List.of(), r.audit());
        assertEquals(Kernel.Outcome.ALL_EXITED, Revivals.runOn(r, 2_000_000_000L));
        assertEquals(dead.reference.outputs().get(0), "stored\n" + m.console(0).outputString());
    }
}
