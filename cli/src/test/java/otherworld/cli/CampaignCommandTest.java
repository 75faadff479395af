package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ow campaign as a user meets it: a small campaign, its files, the same summary read back with --from, bad input. */
class CampaignCommandTest {
    @Test
    void aSmallCampaignWritesItsFilesAndFromSummarisesThemAgain(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("c");
        OwTest.Run r = OwTest.ow("campaign", "--faults", "6", "--types", "panic,hang", "--workloads", "hello,kvstore",
                "--seed", "3", "--jobs", "2", "--no-progress", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = Files.readAllLines(out.resolve("cases.jsonl"));
        assertEquals(6, lines.size());
        assertTrue(Files.readString(out.resolve("report.html")).contains("data:image/png;base64,"));
        assertTrue(r.out().contains("silent corruptions: 0 (0 outside user-write); host exceptions: 0"), r.out());

        Path again = dir.resolve("again");
        OwTest.Run s = OwTest.ow("campaign", "--from", out.resolve("cases.jsonl").toString(), "--out", again.toString());
        assertEquals(0, s.code(), s.err());
        String first = Files.readString(out.resolve("summary.txt")), second = Files.readString(again.resolve("summary.txt"));
        // the tables agree line for line up to the timing line
        String a = first.substring(first.indexOf('\n') + 1, first.indexOf("cases in")), b = second.substring(second.indexOf('\n') + 1, second.indexOf("cases in"));
        assertEquals(a, b);

        Files.writeString(dir.resolve("cut.jsonl"), lines.get(0) + "\n" + lines.get(1).substring(0, 20) + "\n");
        OwTest.Run cut = OwTest.ow("campaign", "--from", dir.resolve("cut.jsonl").toString(), "--out", dir.resolve("cut").toString());
        assertEquals(0, cut.code(), cut.err());
        assertTrue(cut.err().contains("line 2 is not a case"), cut.err());
        assertTrue(cut.out().contains("1 cases in"), cut.out());

        assertEquals(2, OwTest.ow("campaign", "--from", dir.resolve("none.jsonl").toString()).code());
        assertEquals(2, OwTest.ow("campaign", "--types", "no-such-type").code());
        assertEquals(2, OwTest.ow("campaign", "--workloads", "no-such-workload").code());
    }
}
