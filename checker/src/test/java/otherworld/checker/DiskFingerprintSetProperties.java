package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The disk fingerprint set against a {@code HashSet<Long>}, with spills at random points. */
class DiskFingerprintSetProperties {
    private static final long MIX = 0x9E3779B97F4A7C15L;

    @Property(tries = 60)
    void answersAsAHashSetWhateverTheSpillPoints(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6000) int adds,
            @ForAll @IntRange(min = 5, max = 2000) int spillOneIn, @ForAll @IntRange(min = 10, max = 20000) int range)
            throws IOException {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("ow-fpset-");
        try (DiskFingerprintSet set = new DiskFingerprintSet(dir, 1L << 20, -1, () -> 0)) {
            Set<Long> model = new HashSet<>();
            int i = 0;
            while (i < adds) {
                // a batch, as the checker adds them: probed together first, sometimes, and a spill may
                // fall in the middle of it
                int n = 1 + rnd.nextInt(64);
                long[] batch = new long[n];
                for (int j = 0; j < n; j++) {
                    batch[j] = draw(rnd, range);
                }
                if (rnd.nextBoolean()) {
                    set.probe(batch, n);
                }
                for (int j = 0; j < n && i < adds; j++, i++) {
                    assertEquals(model.add(batch[j]), set.add(batch[j]), "add " + Long.toHexString(batch[j]));
                    if (rnd.nextInt(spillOneIn) == 0) {
                        set.spillNow();
                    }
                }
                long q = draw(rnd, range);
                assertEquals(model.contains(q), set.contains(q));
                assertEquals(model.size(), set.size());
            }
            for (long k = 1; k <= range; k++) {
                long fp = k * MIX;
                assertEquals(model.contains(fp), set.contains(fp), "contains " + k);
            }
            assertTrue(set.onDisk() <= model.size());
        } finally {
            ModelChecker.deleteTree(dir);
        }
    }

    /** Mostly from a small range (so fingerprints come back, across spills), now and then any value. */
    private static long draw(Random rnd, int range) {
        if (rnd.nextInt(10) == 0) {
            long v = rnd.nextLong();
            return v == 0 ? 1 : v;
        }
        return (1 + rnd.nextInt(range)) * MIX;
    }
}
