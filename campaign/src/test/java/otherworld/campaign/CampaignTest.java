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
        assertThrows(IllegalArgumentException.class, () -> Workload.of("pipeline"));
    }

    /** The oracle tells a silent corruption: a process whose output differs from the reference is diverged. */
    @Test
    void theOracleSeesADivergence() {
        Workload w = Workload.of("hello");
        CaseRunner.Reference ref = CaseRunner.reference(w);
        otherworld.kernel.Scenario.Result other = Workload.of("checksum").scenario().run();
        CaseResult out = new CaseResult();
        CaseRunner.judge(w, ref, other, out);
        assertEquals(Outcome.DIVERGED, out.processes.get(0).outcome, out.json());
        CaseResult same = new CaseResult();
        CaseRunner.judge(w, ref, ref.result, same);
        assertEquals(Outcome.IDENTICAL, same.processes.get(0).outcome);
    }
}
