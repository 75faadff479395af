package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.resurrect.InFlightKernels.CONFIG;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.Kernel;
import otherworld.kernel.Scenario;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;
import otherworld.userland.Programs;

/**
 * Frames that more than one mapping holds, as the crash kernel validates them directly on dead kernels: shared file
 * pages (their own table, flushed, never a conflict), pages a fork shares (copy-on-write, MAP_SHARED anonymous), and a
 * vfork child that runs on its parent's address space (its pages are the lender's, counted once).
 */
class CrashKernelValidationSharingDirectTest {
    /** sharedmap, paused in its nanosleep with its shared file mapping written. */
    static final class Mapped {
        static final DeadKernels.Dead DEAD = DeadKernels.capture(new Scenario().add(Guests.program("sharedmap")), CONFIG,
                InFlightKernels.inCall("syscall.entry", Sysno.CLOCK_NANOSLEEP, (mem, t) -> true));
    }

    /** forkmap's child at its first system call: parent and child share copy-on-write, file and anonymous pages. */
    static final class Forked {
        static final DeadKernels.Dead DEAD = DeadKernels.capture(new Scenario().add(Guests.program("forkmap")), CONFIG,
                (p, m) -> p.equals("syscall.entry") && InFlightKernels.current(m.memory) >= 0
                        && m.memory.read32(InFlightKernels.current(m.memory) + T_PID) == 2);
    }

    /** spawner's vfork child at its execve, on its parent's tables; the parent blocked until the child execs. */
    static final class Vforked {
        static Scenario scenario() {
            return new Scenario().add(Guests.program("spawner", "vfork", "/bin/hello")).file("/bin/hello",
                    Programs.get("hello").binary());
        }

        static final DeadKernels.Dead DEAD = InFlightKernels.capture(scenario(),
                InFlightKernels.inCall("syscall.entry", Sysno.EXECVE, (mem, t) -> true));
        static final String OUTPUT = scenario().run().outputs().get(0);
    }

    static long fileTable(PhysicalMemory mem) { return mem.read64(DeadKernels.Dead.header(mem) + KH_FPAGES); }

    static int inUse(PhysicalMemory mem) {
        long table = fileTable(mem);
        int n = 0;
        for (int i = 0; i < mem.read32(table + FP_HWM); i++) if (mem.read32(FilePages.entry(table, i) + FE_STATE) != FPAGE_FREE) n++;
        return n;
    }

    /** Every shared file page is written to its block with the cache's dirty blocks: the count says how many. */
    @Test
    void sharedFilePagesAreFlushedAndCounted() {
        Machine m = Mapped.DEAD.machine();
        int pages = inUse(m.memory);
        assertTrue(pages > 0, "sharedmap's file pages");
        DeadKernels.Revived with = DeadKernels.revive(m, CONFIG);
        assertEquals(1, with.report().resurrectedCount(), with.report().lines().toString());
        assertEquals(List.of(), with.audit());

        Machine none = Mapped.DEAD.machine();
        none.memory.write32(fileTable(none.memory) + FP_HWM, 0); // no file page: the same frames, private
        DeadKernels.Revived without = DeadKernels.revive(none, CONFIG);
        assertEquals(without.report().dirtyBlocksFlushed + pages, with.report().dirtyBlocksFlushed);
    }

    /** A file page whose block lies past the disk's last block is dropped and reported, its data not written. */
    @Test
    void aFilePageBeyondTheDiskIsDropped() {
        Machine m = Mapped.DEAD.machine();
        long table = fileTable(m.memory);
        long blocks = m.disk.sizeBytes() / Sv39.PAGE_SIZE;
        int first = 0;
        while (m.memory.read32(FilePages.entry(table, first) + FE_STATE) == FPAGE_FREE) first++;
        int i = first;
        m.memory.write64(FilePages.entry(table, i) + FE_BLOCK, blocks);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        assertTrue(r.report().machineProblems.contains("file page " + i + " dropped: block " + blocks + " outside the disk"),
                r.report().lines().toString());

        m = Mapped.DEAD.machine();
        m.memory.write64(FilePages.entry(table, i) + FE_BLOCK, blocks - 1);
        r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure());
        assertTrue(r.report().machineProblems.stream().noneMatch(p -> p.startsWith("file page " + i + " dropped")),
                "the disk's last block is on the disk: " + r.report().lines());
    }

    /** Pages a fork shares are legal: copy-on-write (read-only both), shared file and MAP_SHARED anonymous pages. */
    @Test
    void pagesAForkSharesComeBackWithBothProcesses() {
        DeadKernels.Revived r = DeadKernels.revive(Forked.DEAD.machine(), CONFIG);
        assertNull(r.failure());
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(List.of(), r.audit());
    }

    /** The vfork child's pages are its lender's: both come back, and spawner ends as without a crash. */
    @Test
    void aVforkChildComesBackOnItsLendersPages() {
        DeadKernels.Revived r = DeadKernels.revive(Vforked.DEAD.machineAtCrash(), CONFIG);
        assertNull(r.failure());
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertEquals(List.of(), r.audit());
        assertEquals(Kernel.Outcome.ALL_EXITED, r.attach().run(100_000_000));
        assertEquals(Vforked.OUTPUT, r.machine().console(0).outputString());
    }
}
