package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.resurrect.InFlightKernels.CONFIG;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.sys.Sysno;
import otherworld.kernel.verified.Sv39;

/**
 * The crash kernel's validation phase driven directly (issue 6): the dead kernel's header checked field by field,
 * its progress record, the tasks and their fds, and the pure decisions (a pc in code, the staged VMA list, moved
 * aliases). One dead kernel: checksum (pid 1) and kvstore (pid 2) both running, captured as {@link DeadKernelsTest}
 * does; each case edits a copy of its RAM and revives it with one crash kernel (no guest instruction runs).
 */
class CrashKernelValidationDirectTest {
    static final DeadKernels.Dead TWO = DeadKernels.two();

    interface Edit {
        void apply(PhysicalMemory mem, long header);
    }

    record Case(String name, Edit edit, String panic) {
        @Override public String toString() { return name; }
    }

    static long pool(PhysicalMemory mem, long h) { return mem.read64(h + KH_PT_POOL); }

    static long regionEnd(PhysicalMemory mem, long h) { return mem.read64(h + KH_REGION_BASE) + mem.read64(h + KH_REGION_SIZE); }

    /** A table moved so that it ends 8 bytes past the dead kernel's structures (into its page-table pool). */
    static Case pastStructures(String table, int field, long size, String panic) {
        return new Case(table + " table reaching past the structures", (mem, h) -> mem.write64(h + field, pool(mem, h) - size + 8),
                panic);
    }

    static Stream<Case> corruptHeaders() {
        String root = "root descriptor is corrupt: nothing can be resurrected";
        String header = "dead kernel header is corrupt";
        String pool = "dead kernel header: page-table pool outside its region";
        String crash = "dead kernel header: crash region or frame count invalid";
        String memory = "dead kernel header: memory tables out of bounds";
        String tables = "dead kernel header: tables out of bounds";
        String fs = "dead kernel header: file-system tables out of bounds";
        List<Case> c = new ArrayList<>();
        c.add(new Case("root magic", (mem, h) -> mem.write32(ROOT_PA, 0), root));
        c.add(new Case("root version", (mem, h) -> mem.write32(ROOT_PA + 4, ROOT.version + 1), root));
        c.add(new Case("header outside RAM", (mem, h) -> mem.write64(ROOT_PA + ROOT_HEADER, 0x1000), header));
        c.add(new Case("header across the end of RAM", (mem, h) -> mem.write64(ROOT_PA + ROOT_HEADER, mem.end() - 16), header));
        c.add(new Case("header magic", (mem, h) -> mem.write32(h, 0), header));
        c.add(new Case("header version", (mem, h) -> mem.write32(h + 4, KHDR.version + 1), header));
        c.add(new Case("region outside RAM", (mem, h) -> mem.write64(h + KH_REGION_SIZE, 1L << 40),
                "dead kernel header: region out of bounds"));
        c.add(new Case("pool at the region's base", (mem, h) -> mem.write64(h + KH_PT_POOL, mem.read64(h + KH_REGION_BASE)), pool));
        c.add(new Case("pool past the region's end", (mem, h) -> mem.write64(h + KH_PT_POOL, regionEnd(mem, h) + Sv39.PAGE_SIZE), pool));
        c.add(new Case("pool not page-aligned", (mem, h) -> mem.write64(h + KH_PT_POOL, pool(mem, h) + 8), pool));
        c.add(new Case("no crash region", (mem, h) -> mem.write64(h + KH_CRASH_SIZE, 0), "the dead kernel reserved no crash region"));
        c.add(new Case("crash region past RAM", (mem, h) -> mem.write64(h + KH_CRASH_BASE, mem.end()), crash));
        c.add(new Case("frame count", (mem, h) -> mem.write64(h + KH_NFRAMES, mem.read64(h + KH_NFRAMES) + 1), crash));
        c.add(new Case("crash region on the structures", (mem, h) -> mem.write64(h + KH_CRASH_BASE, mem.read64(h + KH_REGION_BASE)),
                crash));
        c.add(new Case("region too small for its tables", (mem, h) -> {
            mem.write64(h + KH_REGION_SIZE, 2 * Sv39.PAGE_SIZE);
            mem.write64(h + KH_PT_POOL, mem.read64(h + KH_REGION_BASE) + Sv39.PAGE_SIZE);
        }, "dead kernel header: region too small for its tables"));
        c.add(pastStructures("vma", KH_VMAS, (long) MAX_TASKS * VMAT.size(), memory));
        c.add(pastStructures("file-page", KH_FPAGES, FPAGES.size(), memory));
        c.add(pastStructures("sleep", KH_SLEEPS, (long) MAX_TASKS * SLEEP.size(), memory));
        c.add(pastStructures("task", KH_TASKS, (long) MAX_TASKS * TASK.size(), tables));
        c.add(pastStructures("process", KH_PROCS, (long) MAX_TASKS * PROC.size(), tables));
        c.add(pastStructures("signal", KH_SIGNALS, (long) MAX_TASKS * SIGS.size(), tables));
        c.add(pastStructures("pipe", KH_PIPES, (long) MAX_PIPES * PIPE.size(), tables));
        c.add(pastStructures("open-file", KH_FILES, (long) MAX_FILES * FILE.size(), tables));
        c.add(pastStructures("tty", KH_TTYS, (long) MAX_TTYS * TTY.size(), tables));
        c.add(pastStructures("fs-context", KH_FSCTX, (long) MAX_TASKS * FSCTX.size(), fs));
        c.add(pastStructures("thread-info", KH_TINFO, (long) MAX_TASKS * TINFO.size(), fs));
        c.add(pastStructures("lock", KH_LOCKS, (long) MAX_LOCKS * LOCK.size(), fs));
        c.add(new Case("tty count negative", (mem, h) -> mem.write32(h + KH_NTTYS, -1), tables));
        c.add(new Case("more ttys than consoles", (mem, h) -> mem.write32(h + KH_NTTYS, Math.min(MAX_TTYS, TWO.consoles) + 1), tables));
        return c.stream();
    }

    /** Nothing that every process depends on can be trusted: the crash kernel stops, says why, and commits nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptHeaders")
    void aCorruptHeaderStopsTheCrashKernelWithItsReason(Case c) {
        Machine m = TWO.machine();
        long h = DeadKernels.Dead.header(m.memory);
        c.edit().apply(m.memory, h);
        long root = m.memory.read64(ROOT_PA + ROOT_HEADER);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertInstanceOf(KernelPanic.class, r.failure(), "no report: " + (r.report() == null ? "" : r.report().lines()));
        assertEquals(c.panic(), r.failure().getMessage());
        assertEquals(root, m.memory.read64(ROOT_PA + ROOT_HEADER), "nothing committed");
    }

    /** At the edge of each bound the header is sound: the crash kernel goes on and decides process by process. */
    @Test
    void theHeadersBoundsAreExact() {
        Machine m = TWO.machine();
        m.memory.write32(DeadKernels.Dead.header(m.memory) + KH_NTTYS, Math.min(MAX_TTYS, TWO.consoles));
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure(), "as many ttys as consoles");
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());

        m = TWO.machine();
        m.memory.write32(DeadKernels.Dead.header(m.memory) + KH_NTTYS, 0);
        r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure(), "no tty at all");
        assertEquals(0, r.report().resurrectedCount(), "both have a tty open, now naming no tty: " + r.report().lines());
        assertEquals(List.of(), r.audit());

        m = TWO.machine();
        long h = DeadKernels.Dead.header(m.memory);
        m.memory.write64(h + KH_PT_POOL, regionEnd(m.memory, h)); // a pool of no frame: no page table is in it
        r = DeadKernels.revive(m, CONFIG);
        assertNull(r.failure(), "a pool at the region's end");
        assertEquals(0, r.report().resurrectedCount(), r.report().lines().toString());
    }

    /** The generation counts crashes; the record in the crash region says how far this crash kernel got. */
    @Test
    void theResurrectionRecordFollowsThePhasesAndCountsTheAttempts() {
        PhysicalMemory dead = TWO.machine().memory;
        long h = DeadKernels.Dead.header(dead);
        long rrec = InFlightKernels.resurrectionRecord(dead);
        String[] points = {"resurrect.decided", "resurrect.flushed", "resurrect.built"};
        for (int phase = 1; phase <= 3; phase++) {
            Machine m = TWO.machine();
            InFlightKernels.crashingCrashKernel(m, points[phase - 1]);
            assertEquals(RREC.magic, m.memory.read32(rrec));
            assertEquals(h, m.memory.read64(rrec + R_DEAD_HEADER));
            assertEquals(1, m.memory.read32(rrec + R_ATTEMPT));
            assertEquals(phase, m.memory.read32(rrec + R_PHASE), "crashed at " + points[phase - 1]);
            assertEquals(h, DeadKernels.Dead.header(m.memory), "nothing committed");
        }
        DeadKernels.Revived clean = DeadKernels.revive(TWO.machine(), CONFIG);
        assertEquals(dead.read64(h + KH_GENERATION) + 1, clean.report().generation);
        assertEquals(1, clean.report().attempt);
        assertEquals(List.of("resurrect.validate", "resurrect.decided", "resurrect.flushed", "resurrect.task", "resurrect.task",
                "resurrect.built"), clean.points(), "crash tests crash the crash kernel at its points");
        Machine later = TWO.machine();
        later.memory.write64(h + KH_GENERATION, 5); // the machine had survived five crashes
        assertEquals(6, DeadKernels.revive(later, CONFIG).report().generation);

        Machine m = TWO.machine();
        InFlightKernels.crashingCrashKernel(m, "resurrect.built");
        InFlightKernels.crashingCrashKernel(m, "resurrect.flushed");
        assertEquals(2, m.memory.read32(rrec + R_ATTEMPT));
        DeadKernels.Revived third = DeadKernels.revive(m, CONFIG);
        assertEquals(3, third.report().attempt);
        assertEquals(clean.report().lines(), third.report().lines(), "the same result, however often it was started");
        assertEquals(List.of(), third.audit());
        m = TWO.machine();
        m.memory.write64(rrec + R_DEAD_HEADER, h + 8); // a record of another crash: this is a first attempt
        m.memory.write32(rrec + R_ATTEMPT, 5);
        assertEquals(1, DeadKernels.revive(m, CONFIG).report().attempt);
    }

    // ---- tasks ------------------------------------------------------------------------------------------------

    static long taskOf(PhysicalMemory mem, int pid) { return DeadKernels.Dead.task(mem, pid); }

    @Test
    void aRecordRefusedEarlyStillNamesItsPid() {
        Machine m = TWO.machine();
        m.memory.write32(taskOf(m.memory, 2), 0x1234_5678);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertNotNull(p, "the report names pid 2");
        assertTrue(p.problems().toString().contains("bad magic or version"), p.problems().toString());
    }

    @Test
    void aPidIsAllocatedBelowTheNextPid() {
        Machine m = TWO.machine();
        long next = m.memory.read64(DeadKernels.Dead.header(m.memory) + KH_NEXT_PID);
        long victim = taskOf(m.memory, 2);
        m.memory.write32(victim + T_PID, (int) next);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), (int) next);
        assertEquals(List.of("pid " + next + " not allocated yet (the next pid is " + next + ")"), p.problems());

        m = TWO.machine();
        m.memory.write32(taskOf(m.memory, 2) + T_PID, 1);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().processes.size());
        ResurrectionReport.Process first = r.report().processes.get(0), second = r.report().processes.get(1);
        assertTrue(first.resurrected() && first.name().equals("/bin/checksum"), r.report().lines().toString());
        assertFalse(second.resurrected(), "the later record with pid 1: " + r.report().lines());
        assertEquals(List.of("pid 1 appears twice"), second.problems());
    }

    /** A task's file-system context belongs to it: a corrupt one refuses that process only. */
    @Test
    void aCorruptFileSystemContextRefusesItsTask() {
        Machine m = TWO.machine();
        m.memory.write32(new ProcRecords(m, 2).fsctx(), 0);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertEquals(List.of("fs context: bad magic or version"), p.problems());
    }

    /**
     * Sharing a frame is legal only when no mapping of it can write it: a read-only page of one process mapped
     * read-only by the other comes back (copy-on-write after a fork looks so); if either mapping may write, the later
     * task is refused.
     */
    @Test
    void aFrameIsSharedOnlyWhenNoMappingCanWriteIt() {
        for (int c = 0; c < 3; c++) {
            Machine m = TWO.machine();
            PhysicalMemory mem = m.memory;
            long healthy = taskOf(mem, 1), victim = taskOf(mem, 2);
            long ro = leafPte(mem, healthy, false), rw = leafPte(mem, healthy, true);
            long victimRo = leafPte(mem, victim, false), victimRw = leafPte(mem, victim, true);
            long target = c == 1 ? rw : ro;
            long pte = c == 2 ? victimRw : victimRo;
            mem.write64(pte, Sv39.makePte(Sv39.ppnOf(Sv39.paOf(Sv39.ptePpn(mem.read64(target)))), Sv39.pteFlags(mem.read64(pte))));
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            if (c == 0) {
                assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
            } else {
                ResurrectionReport.Process p = InFlightKernels.refusedOnly(r, 2);
                assertTrue(p.problems().toString().contains("also mapped by task slot"), p.problems().toString());
            }
        }
    }

    /** The PTE address of the task's first user leaf that is (or is not) writable. */
    static long leafPte(PhysicalMemory mem, long task, boolean writable) {
        long[] found = {-1};
        new otherworld.kernel.mm.PageTable(new DirectMem(mem), null, Sv39.satpRootPa(mem.read64(task + T_SATP)))
                .forEachLeaf((va, pte) -> {
                    if (found[0] < 0 && ((pte & Sv39.PTE_W) != 0) == writable) found[0] = va;
                });
        if (found[0] < 0) throw new IllegalStateException("no such leaf");
        return InFlightKernels.pte(mem, task, found[0]);
    }

    /**
     * Only the current task's committed call has a tail to make again (the scheduler runs it before any other task); a
     * task that is not current, or whose trap frame holds no system call, has no call to decide.
     */
    @Test
    void onlyTheCurrentTasksCommittedCallHasItsTailMadeAgain() {
        assertEquals("write had committed: its tail is made again first", DeadKernels.revive(TWO.machine(), CONFIG).process(1).inflight());

        Machine m = TWO.machine();
        m.memory.write64(DeadKernels.Dead.header(m.memory) + KH_CURRENT, MAX_TASKS - 1);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertNull(r.process(1).inflight(), "not current: its tail had run");

        m = TWO.machine();
        long other = m.memory.read64(taskOf(m.memory, 2) + T_CAUSE);
        assertNotEquals(CAUSE_ECALL, other, "kvstore was preempted");
        m.memory.write64(taskOf(m.memory, 1) + T_CAUSE, other);
        r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertNull(r.process(1).inflight(), "no call in its trap frame");
    }

    /**
     * The current task's committed call: its tail, made again, reads its sysword; one that fits no counter refuses the
     * task (checksum's write to its file: the sysword is the offset before the write; one a single flipped bit would
     * explain is taken back, InFlightSyswordTest). Not committed, or not the
     * current task, or no call in its trap frame: no tail is made again, nothing to check.
     */
    @Test
    void aCommittedCallsSyswordIsCheckedOnlyWhenItsTailIsMadeAgain() {
        for (int c = 0; c < 4; c++) {
            Machine m = TWO.machine();
            PhysicalMemory mem = m.memory;
            long t = taskOf(mem, 1);
            assertEquals(3, mem.read64(t + T_ORIG_A0), "checksum's write to its file");
            mem.write64(t + T_SYSWORD, mem.read64(t + T_SYSWORD) ^ (1L << 20 | 1L << 30)); // no one flip explains it
            if (c == 1) mem.write64(DeadKernels.Dead.header(mem) + KH_CURRENT, MAX_TASKS - 1);
            if (c == 2) mem.write64(t + T_PC, mem.read64(t + T_EPC));
            if (c == 3) mem.write64(t + T_CAUSE, mem.read64(taskOf(mem, 2) + T_CAUSE));
            DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
            if (c == 0) {
                ResurrectionReport.Process p = InFlightKernels.refusedOnly(r, 1);
                assertTrue(p.problems().toString().contains("sysword"), p.problems().toString());
            } else {
                assertEquals(2, r.report().resurrectedCount(), "case " + c + ": " + r.report().lines());
            }
        }
    }

    /** A task refused for its VMA table is refused for that: its registers are not judged against a list it lacks. */
    @Test
    void aTaskRefusedForItsVmasIsNotJudgedByThem() {
        Machine m = TWO.machine();
        m.memory.write32(new ProcRecords(m, 2).entry(KH_VMAS, VMAT), 0);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertEquals(1, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("vma table"), p.problems().toString());
    }

    /** A saved pc outside every executable mapping of a sound VMA list refuses the task (it could not go on). */
    @Test
    void aPcOutsideItsCodeRefusesTheTask() {
        Machine m = TWO.machine();
        m.memory.write64(taskOf(m.memory, 2) + T_PC, 0x1000);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertEquals(List.of("trap frame: pc 0x1000 outside every executable mapping"), p.problems());
    }

    /** The process tree is validated: a parent that does not exist refuses its child. */
    @Test
    void aParentThatDoesNotExistRefusesTheChild() {
        Machine m = TWO.machine();
        m.memory.write32(new ProcRecords(m, 2).proc() + P_PPID, 777);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertTrue(p.problems().toString().contains("parent pid 777 does not exist"), p.problems().toString());
    }

    /** An open file's inode lies within the file system's inode count, which the disk's superblock says. */
    @Test
    void anOpenFilesInodeIsBoundedByTheSuperblock() {
        byte[] sb = new byte[512];
        TWO.machine().disk.read(1024, sb, 0, sb.length);
        int inodes = java.nio.ByteBuffer.wrap(sb).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
        assertTrue(inodes > 20, "mke2fs's count: " + inodes);
        Machine m = TWO.machine();
        m.memory.write32(InFlightKernels.fileOf(m.memory, taskOf(m.memory, 2), 3) + F_INO, inodes + 1);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertTrue(p.problems().toString().contains("open file"), p.problems().toString());

        m = TWO.machine();
        m.memory.write32(InFlightKernels.fileOf(m.memory, taskOf(m.memory, 2), 3) + F_INO, inodes);
        assertEquals(2, DeadKernels.revive(m, CONFIG).report().resurrectedCount(), "the last inode is the file system's");
    }

    // ---- fds ----------------------------------------------------------------------------------------------

    /**
     * Closed fds whose -1 was corrupted come back closed when every open file is named as often as it counts; an open
     * fd whose index was corrupted leaves its file named less often: then the task with a stray fd is refused, and the
     * problem names the fd and what it holds.
     */
    @Test
    void strayFdsComeBackClosedOnlyWhenNoOpenFdIsMissing() {
        Machine m = TWO.machine();
        long victim = taskOf(m.memory, 2);
        m.memory.write32(victim + T_FD + 4L * 40, -1 ^ (1 << 20));
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.process(2).files().stream().noneMatch(f -> f.startsWith("40:")), r.process(2).files().toString());
        assertEquals(DeadKernels.revive(TWO.machine(), CONFIG).process(2).files(), r.process(2).files());
        assertEquals(List.of(), r.audit());

        m = TWO.machine();
        victim = taskOf(m.memory, 2);
        m.memory.write32(victim + T_FD + 4L * 40, -1 ^ (1 << 20));
        m.memory.write32(victim + T_FD, MAX_FILES + 5); // its stdin's file is now named once less than it counts
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertTrue(p.problems().contains("fd 0 names file " + (MAX_FILES + 5) + ", outside the table"), p.problems().toString());
        assertTrue(p.problems().contains("fd 40 names file " + (-1 ^ (1 << 20)) + ", outside the table"), p.problems().toString());
    }

    /** An open file whose magic is wrong, named as often as it counts, is that open file: it comes back. */
    @Test
    void anOpenFileWithAWrongMagicComesBackOnlyIfNamedAsOftenAsItCounts() {
        Machine m = TWO.machine();
        long healthy = taskOf(m.memory, 1);
        int f = m.memory.read32(healthy + T_FD);
        long fe = InFlightKernels.fileOf(m.memory, healthy, 0);
        m.memory.write32(fe, 0);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().resurrectedCount(), "file " + f + ": " + r.report().lines());
        assertEquals(List.of(), r.audit());

        m = TWO.machine();
        m.memory.write32(InFlightKernels.fileOf(m.memory, taskOf(m.memory, 2), 3), 0); // kvstore's log, another index
        r = DeadKernels.revive(m, CONFIG);
        assertEquals(2, r.report().resurrectedCount(), r.report().lines().toString());

        m = TWO.machine();
        long victim = taskOf(m.memory, 2);
        fe = InFlightKernels.fileOf(m.memory, victim, 3);
        int f3 = m.memory.read32(victim + T_FD + 12);
        m.memory.write32(fe + 4, 77);
        m.memory.write32(fe + F_REFS, m.memory.read32(fe + F_REFS) + 1);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(DeadKernels.revive(m, CONFIG), 2);
        assertTrue(p.problems().contains("fd 3: open file " + f3 + " is corrupt (magic or version)"), p.problems().toString());
    }

    /**
     * A dirty cache block that cannot be written loses some file's data: a process with a regular file open is
     * refused and says why; one with none open comes back. A process refused already keeps its own reason.
     */
    @Test
    void aLostDirtyBlockRefusesOnlyTheProcessesWithARegularFileOpen() {
        Machine m = TWO.machine();
        PhysicalMemory mem = m.memory;
        long h = DeadKernels.Dead.header(mem);
        loseADirtyBlock(mem, h);
        long healthy = taskOf(mem, 1);
        long files = mem.read64(h + KH_FILES);
        for (int fd = 0; fd < NOFILE; fd++) { // checksum closes its regular files
            int f = mem.read32(healthy + T_FD + 4L * fd);
            if (f < 0 || mem.read32(files + (long) f * FILE.size() + F_TYPE) != FT_REG) continue;
            mem.write32(healthy + T_FD + 4L * fd, -1);
            long fe = files + (long) f * FILE.size();
            mem.write32(fe + F_REFS, mem.read32(fe + F_REFS) - 1);
        }
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(r, 2);
        assertEquals(1, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("a file whose data may be lost"), p.problems().toString());
        assertFalse(r.report().machineProblems.isEmpty());

        m = TWO.machine();
        loseADirtyBlock(m.memory, h);
        m.memory.write32(taskOf(m.memory, 2) + T_STATE, 49); // two flips from runnable: not taken back (Repairs)
        r = DeadKernels.revive(m, CONFIG);
        for (ResurrectionReport.Process q : r.report().processes) assertFalse(q.resurrected(), r.report().lines().toString());
        assertEquals(List.of("state 49 unknown"), r.process(2).problems(), "its own reason only");
    }

    /** With its file at index 0 of the table (the two records and every fd naming them swapped), checksum is refused too. */
    @Test
    void aRegularFileAtIndexZeroCountsAsOpen() {
        Machine m = TWO.machine();
        long h = DeadKernels.Dead.header(m.memory);
        int reg = m.memory.read32(taskOf(m.memory, 1) + T_FD + 12);
        swapFiles(m.memory, h, 0, reg);
        assertEquals(FT_REG, m.memory.read32(m.memory.read64(h + KH_FILES) + F_TYPE));
        DeadKernels.Revived swapped = DeadKernels.revive(m, CONFIG);
        assertEquals(2, swapped.report().resurrectedCount(), "the swap itself is sound: " + swapped.report().lines());

        m = TWO.machine();
        swapFiles(m.memory, h, 0, reg);
        loseADirtyBlock(m.memory, h);
        DeadKernels.Revived r = DeadKernels.revive(m, CONFIG);
        assertEquals(0, r.report().resurrectedCount(), r.report().lines().toString());
        assertTrue(r.process(1).problems().toString().contains("fd 3: a file whose data may be lost"), r.process(1).problems().toString());
    }

    static void swapFiles(PhysicalMemory mem, long h, int a, int b) {
        long files = mem.read64(h + KH_FILES), tasks = mem.read64(h + KH_TASKS);
        byte[] ra = new byte[FILE.size()], rb = new byte[FILE.size()];
        mem.read(files + (long) a * FILE.size(), ra, 0, ra.length);
        mem.read(files + (long) b * FILE.size(), rb, 0, rb.length);
        mem.write(files + (long) a * FILE.size(), rb, 0, rb.length);
        mem.write(files + (long) b * FILE.size(), ra, 0, ra.length);
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            if (mem.read32(t + T_STATE) == TASK_FREE) continue;
            for (int fd = 0; fd < NOFILE; fd++) {
                int f = mem.read32(t + T_FD + 4L * fd);
                if (f == a || f == b) mem.write32(t + T_FD + 4L * fd, f == a ? b : a);
            }
        }
    }

    static void loseADirtyBlock(PhysicalMemory mem, long h) {
        long cache = mem.read64(h + KH_CACHE);
        int slots = mem.read32(cache + BlockCache.H_SLOTS);
        for (int i = 0; i < slots; i++) {
            long slot = cache + BlockCache.HEADER.size() + (long) i * BlockCache.SLOT.size();
            if (mem.read32(slot + BlockCache.S_FLAGS) == 3) {
                mem.write64(slot + BlockCache.S_BLOCK, 1L << 17);
                return;
            }
        }
        throw new IllegalStateException("no dirty slot at the crash");
    }

    // ---- pure decisions ------------------------------------------------------------------------------------

    static final long CODE = 0x10000, DATA = 0x20000, STACK = 0x7000_0000L;

    static List<Vma> space() {
        return List.of(new Vma(CODE, CODE + 0x2000, 0, Vma.PROT_EXEC | 1, 0, 0),
                new Vma(DATA, DATA + 0x1000, 0, 3, 0, 0),
                new Vma(STACK - 0x1000, STACK, 0, 0, VM_GUARD, 0),
                new Vma(STACK, STACK + 0x4000, 0, 3, 0, 0));
    }

    @Test
    void aPcMustLieInCodeAndAnSpInAMapping() {
        assertNull(CrashKernel.pcOutsideCode(CODE, STACK + 0x4000, space()), "sp at the top of its stack");
        assertNull(CrashKernel.pcOutsideCode(CODE + 0x1ffc, STACK, space()), "sp at the bottom of its stack");
        assertNull(CrashKernel.pcOutsideCode(CODE + 4, DATA + 0x1000, space()));
        assertEquals("trap frame: pc 0x20000 outside every executable mapping", CrashKernel.pcOutsideCode(DATA, STACK + 8, space()));
        assertEquals("trap frame: pc 0x12000 outside every executable mapping",
                CrashKernel.pcOutsideCode(CODE + 0x2000, STACK + 8, space()));
        assertEquals("trap frame: sp 0x6ffff800 outside every mapping", CrashKernel.pcOutsideCode(CODE, STACK - 0x800, space()),
                "a guard page is no stack");
        assertEquals("trap frame: sp 0x70004001 outside every mapping", CrashKernel.pcOutsideCode(CODE, STACK + 0x4001, space()));
        assertEquals("trap frame: sp 0x1ffff outside every mapping", CrashKernel.pcOutsideCode(CODE, DATA - 1, space()));
    }

    /** The staged list: only for the current task's committed memory call, from its sysword. */
    @Test
    void theStagedListIsTheCommittedMemoryCallsOfTheCurrentTask() {
        PhysicalMemory mem = TWO.machine().memory;
        DirectMem v = new DirectMem(mem);
        long t = taskOf(mem, 2);
        int[] calls = {Sysno.BRK, Sysno.MMAP, Sysno.MUNMAP, Sysno.MPROTECT, Sysno.MREMAP};
        for (int nr : calls) {
            committedCall(mem, t, nr, 1);
            assertEquals(0, CrashKernel.stagedList(v, t, true), Sysno.name(nr));
            mem.write64(t + T_SYSWORD, 2);
            assertEquals(1, CrashKernel.stagedList(v, t, true), Sysno.name(nr));
            mem.write64(t + T_SYSWORD, 0x100 | 2);
            assertEquals(1, CrashKernel.stagedList(v, t, true), "mremap's move flag beside the list");
            assertEquals(-1, CrashKernel.stagedList(v, t, false), "not the current task: no tail is made again");
            mem.write64(t + T_SYSWORD, 0);
            assertEquals(-1, CrashKernel.stagedList(v, t, true), "nothing staged");
        }
        committedCall(mem, t, Sysno.WRITE, 2);
        assertEquals(-1, CrashKernel.stagedList(v, t, true), "a call that stages no list");
        committedCall(mem, t, Sysno.MMAP, 2);
        mem.write64(t + T_PC, mem.read64(t + T_EPC));
        assertEquals(-1, CrashKernel.stagedList(v, t, true), "not committed: made again from its registers");
        committedCall(mem, t, Sysno.MMAP, 2);
        mem.write64(t + T_CAUSE, CAUSE_SIGNAL);
        assertEquals(-1, CrashKernel.stagedList(v, t, true), "no call in its trap frame");
    }

    static void committedCall(PhysicalMemory mem, long t, int nr, long sysword) {
        mem.write64(t + T_CAUSE, CAUSE_ECALL);
        mem.write64(t + T_EPC, CODE);
        mem.write64(t + T_PC, CODE + 4);
        InFlightKernels.setX(mem, t, 17, nr);
        mem.write64(t + T_SYSWORD, sysword);
    }

    /**
     * mremap moving pages, its tail interrupted between a page's new PTE and clearing its old one: the old alias of
     * each frame also mapped at the same offset of the new range is dropped; nothing else is.
     */
    @Test
    void aMovedPageIsKeptAtItsNewAddressOnly() {
        PhysicalMemory mem = TWO.machine().memory;
        DirectMem v = new DirectMem(mem);
        long t = taskOf(mem, 2);
        long old = 0x40_0000L, to = 0x80_0000L, page = Sv39.PAGE_SIZE;
        committedCall(mem, t, Sysno.MREMAP, 0x100 | 1);
        mem.write64(t + T_ORIG_A0, old);
        InFlightKernels.setX(mem, t, 10, to);
        InFlightKernels.setX(mem, t, 11, 3 * page);
        InFlightKernels.setX(mem, t, 12, 5 * page); // grown: 3 pages move
        long[][] leaves = {
            {old - page, 0x9000_0000L, 7}, {old, 0x9000_1000L, 7}, {old + page, 0x9000_2000L, 7},
            {old + 2 * page, 0x9000_3000L, 7}, {old + 3 * page, 0x9000_4000L, 7},
            {to, 0x9000_1000L, 7}, {to + page, 0x9000_9000L, 7}, {to + 2 * page, 0x9000_3000L, 7},
            {to + 3 * page, 0x9000_4000L, 7}, {to - page, 0x9000_0000L, 7}};
        assertEquals(List.of(old - page, old + page, old + 3 * page, to, to + page, to + 2 * page, to + 3 * page, to - page),
                afterDrop(v, t, leaves));
        InFlightKernels.setX(mem, t, 12, 2 * page); // shrunk: 2 pages move
        assertEquals(List.of(old - page, old + page, old + 2 * page, old + 3 * page, to, to + page, to + 2 * page,
                to + 3 * page, to - page), afterDrop(v, t, leaves));

        List<Long> all = new ArrayList<>();
        for (long[] l : leaves) all.add(l[0]);
        mem.write64(t + T_SYSWORD, 1);
        assertEquals(all, afterDrop(v, t, leaves), "not a move");
        committedCall(mem, t, Sysno.MMAP, 0x100 | 1);
        assertEquals(all, afterDrop(v, t, leaves), "not an mremap");
        committedCall(mem, t, Sysno.MREMAP, 0x100 | 1);
        mem.write64(t + T_PC, mem.read64(t + T_EPC));
        assertEquals(all, afterDrop(v, t, leaves), "not committed: no page moved yet");
        committedCall(mem, t, Sysno.MREMAP, 0x100 | 1);
        mem.write64(t + T_CAUSE, CAUSE_SIGRETURN);
        assertEquals(all, afterDrop(v, t, leaves), "no call in flight");
    }

    static List<Long> afterDrop(DirectMem v, long t, long[][] leaves) {
        CrashKernel.Image img = new CrashKernel.Image();
        for (long[] l : leaves) img.leaves.add(l.clone());
        CrashKernel.dropMovedAliases(v, t, img);
        List<Long> vas = new ArrayList<>();
        for (long[] l : img.leaves) vas.add(l[0]);
        return vas;
    }
}
