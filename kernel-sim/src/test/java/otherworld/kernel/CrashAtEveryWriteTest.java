package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel crashed at every write it makes in a system call — the crash points come from its own write trace, not
 * from hand-placed points. For each kind of call a program makes, its first occurrence and one in the middle are
 * crashed at each of their writes (a call of more than {@value #MAX_POINTS_PER_CALL} writes at that many:
 * {@link CrashPoints#sample}). Every run must end as the run without a crash did: the same output,
 * the same files, no leaked frame or file reference, and a disk e2fsck finds clean.
 * The whole campaign, every write of every call: {@code ow crashes}.
 */
class CrashAtEveryWriteTest {
    static final int MAX_POINTS_PER_CALL = 24;

    static Scenario scenario(String name) {
        Scenario s = new Scenario();
        return switch (name) {
            case "checksum" -> s.add(Guests.program(name, "40"));
            case "files" -> s.add(Guests.program(name, "9"));
            case "regs" -> s.add(Guests.program(name, "30", "50"));
            default -> s.add(Guests.program(name));
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"files", "checksum", "kvstore", "regs"})
    void crashAtEveryWriteOfEveryKindOfCall(String name) {
        CrashCampaign c = CrashCampaign.run(() -> scenario(name), MAX_POINTS_PER_CALL, null);
        System.out.println(name + ": " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
    }
}
