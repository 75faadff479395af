package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The report's count of processes brought back: resurrected and running, never a refused one nor a zombie. */
class ResurrectionReportDirectTest {
    static ResurrectionReport.Process p(int pid, boolean resurrected, boolean exited) {
        return new ResurrectionReport.Process(pid, 0, "/bin/p" + pid, resurrected, exited, 3, List.of(), null,
                resurrected ? List.of() : List.of("refused"));
    }

    @Test
    void onlyResurrectedLiveProcessesCount() {
        ResurrectionReport r = new ResurrectionReport(2);
        assertEquals(0, r.resurrectedCount(), "nothing found, nothing brought back");
        r.processes.add(p(1, true, false));
        r.processes.add(p(2, false, false));
        r.processes.add(p(3, true, true));
        r.processes.add(p(4, true, false));
        assertEquals(2, r.resurrectedCount());
        r.processes.add(p(5, false, true));
        assertEquals(2, r.resurrectedCount());
    }
}
