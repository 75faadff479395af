package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The translator against the interpreter on random programs ({@link Differential}): a bounded campaign in the
 * default run ({@code -Ddifferential.programs=N} or {@code mvn -pl emulator test -Pdifferential} for more).
 */
class DifferentialTest {
    private static final int PROGRAMS = Integer.getInteger("differential.programs", 60);

    @Test
    void translatorAgreesWithTheInterpreter() {
        long[] stats = new long[4];
        List<String> failures = Differential.campaign(Long.getLong("differential.seed", 1000), PROGRAMS, 200, 20_000, stats);
        assertEquals(List.of(), failures);
        assertEquals(PROGRAMS, stats[1]);
        assertEquals(true, stats[3] > stats[2] / 4, "translated " + stats[3] + " of " + stats[2]);
    }

    /**
     * Translation in the background: the translating machine keeps interpreting until the compiler thread's
     * regions are installed, at whatever instruction that happens; the state after every slice still agrees.
     */
    @Test
    void translatorInTheBackgroundAgreesWithTheInterpreter() {
        long[] stats = new long[4];
        List<String> failures = Differential.campaign(Long.getLong("differential.seed", 1000), PROGRAMS, 200, 20_000, stats,
                false, true);
        assertEquals(List.of(), failures);
        assertEquals(PROGRAMS, stats[1]);
        assertEquals(true, stats[3] > 0, "translated " + stats[3] + " of " + stats[2]);
    }

    /** FP-only programs: every OP-FP and fused form, rounding modes, boundary operands. */
    @Test
    void translatedFloatingPointAgreesWithTheInterpreter() {
        long[] stats = new long[4];
        List<String> failures = Differential.campaign(Long.getLong("differential.seed", 1000), PROGRAMS, 400, 20_000, stats, true);
        assertEquals(List.of(), failures);
        assertEquals(true, stats[3] > stats[2] / 5, "translated " + stats[3] + " of " + stats[2]);
    }

    /** A machine that "mistranslates" addw as add: the campaign must see it and shrink it to a few instructions. */
    private static TestMachine addwAsAdd(Differential.Program p) {
        int[] code = p.code.clone();
        for (int i = 0; i < code.length; i++) {
            if ((code[i] & 0xFE00707F) == 0x0000003B) code[i] = (code[i] & ~0x7F) | 0x33;
        }
        return Differential.machine(p.withCode(code), true);
    }

    @Test
    void aMismatchIsFoundAndShrunkToAFewInstructions() {
        Differential.Program found = null;
        for (long seed = 1; seed < 40 && found == null; seed++) {
            Differential.Program p = new Differential(seed).generate(seed, 200);
            if (Differential.compare(p, 20_000, null, DifferentialTest::addwAsAdd) != null) found = p;
        }
        assertEquals(true, found != null, "no program exposed the planted fault");
        Differential.Program small = Differential.shrink(found, 20_000, DifferentialTest::addwAsAdd);
        assertEquals(true, Differential.compare(small, 20_000, null, DifferentialTest::addwAsAdd) != null);
        long kept = java.util.Arrays.stream(small.code).filter(w -> w != Differential.NOP && w != 0x00100073).count();
        assertEquals(true, kept <= 6, "shrunk to " + kept + " instructions:\n" + Differential.listing(small));
        assertEquals(true, java.util.Arrays.stream(small.code).anyMatch(w -> (w & 0xFE00707F) == 0x0000003B),
                "the shrunk program keeps an addw:\n" + Differential.listing(small));
    }
}
