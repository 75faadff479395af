package otherworld.campaign;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.kernel.fault.FaultType;

/**
 * A small campaign over every fault type: each case strikes, each process ends in one class, the JSON lines read
 * back, and two Hazelcast members on loopback give the same results as one.
 */
class CampaignTest {
    static final List<FaultType> ALL = List.of(FaultType.values());

    static Campaign campaign(long n) { return new Campaign(n, ALL, List.of("checksum", "hello"), 0x5EED).jobs(2); }

    static List<String> deterministic(List<CaseResult> rs) {
        List<String> out = new ArrayList<>();
        for (CaseResult r : rs) out.add(r.deterministicPart());
        return out;
    }

    @Test
    void twoMembersOnLoopbackGiveTheSameResultsAsOne() {
        List<CaseResult> one = campaign(16).run(r -> { });
        List<CaseResult> two = campaign(16).members(2).run(r -> { });
        assertEquals(deterministic(one), deterministic(two));
        assertEquals(2, two.stream().map(r -> r.member).distinct().count(), "both members ran cases");
        for (CaseResult r : one) {
            assertNull(r.hostException, r.json());
            boolean noDiskRequest = r.workload.equals("hello") && r.type.startsWith("disk-");
            assertEquals(noDiskRequest, r.struck.isEmpty(), "the fault struck (hello reads no disk block after boot): " + r.json());
            assertEquals(CaseResult.parse(r.json()).json(), r.json());
        }
        Summary s = new Summary(one, 1);
        assertEquals(16, s.total.cases);
        assertEquals(ALL.size(), s.byType.size());
        assertTrue(s.table().contains("bit-flip"));
        String html = HtmlReport.render(s, "test");
        assertTrue(html.contains("data:image/png;base64,") && html.contains("Resurrection time"));
    }

    @Test
    void faultsThatLeaveDataAloneAreSurvivedExactly() {
        for (FaultType t : List.of(FaultType.PANIC, FaultType.HANG, FaultType.CRASH_KERNEL, FaultType.DISK_ERROR)) {
            for (long seed = 1; seed <= 2; seed++) {
                CaseResult r = CaseRunner.run(new Case(0, "kvstore", t, seed), null);
                assertEquals(Outcome.IDENTICAL, r.outcome(), r.json());
                assertFalse(r.resurrectionNanos.isEmpty(), "a crash happened: " + r.json());
                assertTrue(r.fsck.equals("clean") || r.fsck.startsWith("not run"), r.fsck);
            }
        }
    }

    @Test
    void aCaseIdNamesTheCaseAndReplaysIt() {
        Case c = new Campaign(3, ALL, List.of("checksum"), 7).caseAt(2);
        assertEquals(c.id(), Case.parse(c.id()).id());
        CaseResult a = CaseRunner.run(c, null), b = CaseRunner.run(Case.parse(c.id()), null);
        a.index = b.index;
        assertEquals(a.deterministicPart(), b.deterministicPart());
        assertThrows(IllegalArgumentException.class, () -> Case.parse("nonsense"));
        assertThrows(IllegalArgumentException.class, () -> Case.parse("checksum:no-such-type:1"));
        assertThrows(IllegalArgumentException.class, () -> Workload.of("no-such-workload"));
    }

    /**
     * Wild writes into the page cache, two cases of the enhanced mode's 10,000-fault campaign that came back with a file
     * that differed before the running kernel scrubbed cached data: now the scrub panics before the data goes on, and
     * the crash kernel refuses rather than flush it, or the data is read again from the disk; nothing comes back wrong.
     */
    @Test
    void aWildWriteIntoTheCacheIsNotPassedOnInTheEnhancedMode() {
        for (String id : List.of("callbench:wild-write:2c586faa135595bd", "files:wild-write:6425f6ad478285bb")) {
            CaseResult r = CaseRunner.run(Case.parse("enhanced:" + id), null);
            assertTrue(r.processes.stream().noneMatch(p -> p.outcome == Outcome.DIVERGED || p.outcome == Outcome.HOST_EXCEPTION),
                    id + " " + r.processes + " " + r.did);
            assertTrue(r.did.toString().contains("wild write"), r.did.toString());
        }
    }

    /**
     * A case of the enhanced mode says so in its id, and replays in that mode: a bit flipped in a task's saved
     * registers, which default mode brings back wrong, is taken back by the check bytes.
     */
    @Test
    void anEnhancedCaseIsNamedAndRunInTheEnhancedMode() {
        Campaign enhanced = new Campaign(400, List.of(FaultType.BIT_FLIP), List.of("regs"), 2026).enhanced(true);
        Case c = null;
        CaseResult plain = null;
        for (long i = 0; i < 400 && c == null; i++) { // a trap-frame flip that default mode does not survive
            Case e = enhanced.caseAt(i);
            Case d = new Case(e.index(), e.workload(), e.type(), e.seed());
            if (!d.type().equals(FaultType.BIT_FLIP)) continue;
            CaseResult r = CaseRunner.run(d, null);
            if (r.did.toString().contains("trap-frame") && r.outcome() != Outcome.IDENTICAL) {
                c = e;
                plain = r;
            }
        }
        assertNotNull(c, "no trap-frame flip that default mode loses in 400 cases");
        assertTrue(c.id().startsWith("enhanced:regs:bit-flip:"), c.id());
        assertEquals(c.id(), Case.parse(c.id()).id());
        CaseResult r = CaseRunner.run(Case.parse(c.id()), null);
        assertEquals(Outcome.IDENTICAL, r.outcome(), plain.did + " " + r.processes);
        assertEquals(plain.did, r.did); // the same flip, in the same record
    }

    /** The oracle tells a silent corruption: a process whose output differs from the reference is diverged. */
    @Test
    void theOracleSeesADivergence() {
        Workload w = Workload.of("hello");
        CaseRunner.Reference ref = CaseRunner.reference(w, false);
        otherworld.kernel.Scenario.Result other = Workload.of("checksum").scenario().run();
        CaseResult out = new CaseResult();
        CaseRunner.judge(w, ref, other, out);
        assertEquals(Outcome.DIVERGED, out.processes.get(0).outcome, out.json());
        CaseResult same = new CaseResult();
        CaseRunner.judge(w, ref, ref.result, same);
        assertEquals(Outcome.IDENTICAL, same.processes.get(0).outcome);
    }

    /** A process started by a workload's process and refused makes that process refused (the loss was reported). */
    @Test
    void aRefusedDescendantMakesItsBootProcessRefused() {
        otherworld.kernel.resurrect.ResurrectionReport rep = new otherworld.kernel.resurrect.ResurrectionReport(1);
        rep.processes.add(new otherworld.kernel.resurrect.ResurrectionReport.Process(1, 0, "sh", true, false, 3, List.of(), null, List.of()));
        rep.processes.add(new otherworld.kernel.resurrect.ResurrectionReport.Process(2, 0, "kvstore", true, false, 3, List.of(), null, List.of()));
        rep.processes.add(new otherworld.kernel.resurrect.ResurrectionReport.Process(4, 1, "sh", true, false, 3, List.of(), null, List.of()));
        rep.processes.add(new otherworld.kernel.resurrect.ResurrectionReport.Process(7, 4, "grep", false, false, 0, List.of(), null,
                List.of("pipe 3: bad magic or version")));
        assertTrue(CaseRunner.refusedInTree(1, 2, List.of(rep)).contains("pid 7 (grep, started by it) not resurrected"));
        assertNull(CaseRunner.refusedInTree(2, 2, List.of(rep)), "kvstore's tree lost nothing");
        // its record unreadable, its parent unknown: with one boot process, the refused one is that process's
        rep.processes.add(new otherworld.kernel.resurrect.ResurrectionReport.Process(9, 0, "?", false, false, 0, List.of(), null,
                List.of("process record: bad magic or version")));
        assertNull(CaseRunner.refusedInTree(2, 2, List.of(rep)));
        assertNotNull(CaseRunner.refusedInTree(1, 1, List.of(rep)));
    }

    /**
     * The editor's recovery procedure saves its buffer: a case where it ran is identical and recovered only when the
     * file it saved holds a buffer of the reference run (whole lines, a prefix of the buffer it ended with).
     */
    @Test
    void theEditorsRecoveryFileMustHoldItsBuffer() {
        CaseResult r = null;
        for (long seed = 1; seed <= 6 && (r == null || !r.processes.get(0).recovered); seed++) {
            r = CaseRunner.run(new Case(0, "editor", FaultType.PANIC, seed), null);
            assertEquals(Outcome.IDENTICAL, r.outcome(), r.json());
        }
        assertTrue(r.processes.get(0).recovered, "its procedure ran: " + r.json());
        Workload w = Workload.of("editor");
        CaseRunner.Reference ref = CaseRunner.reference(w, false);
        Workload.Proc editor = w.procs().get(0);
        byte[] buffer = ref.result.file("notes.txt");
        assertNotNull(buffer);
        int firstLine = new String(buffer, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        assertNull(CaseRunner.recoveryFileDifference(editor, 0, ref, withFile(ref.result, "editor.recover",
                java.util.Arrays.copyOf(buffer, firstLine))), "one line of the buffer");
        assertNotNull(CaseRunner.recoveryFileDifference(editor, 0, ref, withFile(ref.result, "editor.recover",
                java.util.Arrays.copyOf(buffer, firstLine - 3))), "a torn line");
        byte[] wrong = buffer.clone();
        wrong[1] ^= 1;
        assertNotNull(CaseRunner.recoveryFileDifference(editor, 0, ref, withFile(ref.result, "editor.recover", wrong)));
        assertTrue(CaseRunner.recoveryFileDifference(editor, 0, ref, ref.result).contains("missing"));
    }

    static otherworld.kernel.Scenario.Result withFile(otherworld.kernel.Scenario.Result r, String name, byte[] content) {
        byte[] disk = otherworld.kernel.Scenario.withFiles(r.disk(), java.util.Map.of("/" + name, content));
        return new otherworld.kernel.Scenario.Result(r.outputs(), r.exitStatus(), r.allExited(), r.halted(),
                otherworld.kernel.Scenario.FinalDisk.of(disk), r.instructions(), r.syscalls(), r.reports(), r.faults(), r.log(), r.audit(), r.stdout(), r.stderr(),
                r.callCounts(), r.enosys());
    }
}
