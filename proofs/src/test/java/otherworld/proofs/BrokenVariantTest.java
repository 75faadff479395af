package otherworld.proofs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In the default run: every broken variant still applies to the sources KeY proves (the KeY run proves it open). */
class BrokenVariantTest {

    @Test
    void everyVariantAppliesToTheVerifiedSources() throws IOException {
        List<BrokenVariant> all = BrokenVariant.all();
        assertFalse(all.isEmpty());
        for (BrokenVariant v : all) {
            Path file = KeySubsetTest.verifiedDir().resolve(v.file());
            assertTrue(Files.exists(file), v.name() + ": no " + file);
            String source = Files.readString(file, StandardCharsets.UTF_8);
            assertNotEquals(source, v.apply(source), v.name());
            String method = v.contract().substring(v.contract().indexOf("::") + 2);
            assertTrue(source.contains(" " + method + "("), v.name() + ": no method " + method + " in " + v.file());
        }
    }

    /**
     * The KeY run proves several variants in one staged copy (BrokenVariant.batches), which is sound only if each
     * changes the body of its own contract's method and nothing else; and the replacements of a copy must still
     * apply one after another.
     */
    @Test
    void eachVariantChangesOnlyItsMethodAndBatchesApply() throws IOException {
        List<BrokenVariant> all = BrokenVariant.all();
        for (BrokenVariant v : all) {
            String source = Files.readString(KeySubsetTest.verifiedDir().resolve(v.file()), StandardCharsets.UTF_8);
            int[] span = v.methodSpan(source);
            assertTrue(span[0] >= 0, v.name() + ": no method of " + v.contract());
            for (String f : v.finds()) {
                int at = source.indexOf(f);
                assertTrue(span[0] <= at && at + f.length() <= span[1],
                        v.name() + ": '" + f + "' lies outside the body of " + v.contract());
            }
        }
        List<List<BrokenVariant>> batches = BrokenVariant.batches(all);
        assertTrue(batches.size() < all.size(), "no two variants share a staged copy");
        for (List<BrokenVariant> batch : batches) {
            Map<String, String> files = new HashMap<>();
            for (BrokenVariant v : batch) {
                String s = files.get(v.file());
                if (s == null) {
                    s = Files.readString(KeySubsetTest.verifiedDir().resolve(v.file()), StandardCharsets.UTF_8);
                }
                files.put(v.file(), v.apply(s));
            }
        }
    }

    @Test
    void aFindThatDoesNotOccurOnceIsAnError() {
        BrokenVariant v = BrokenVariant.parse("x", List.of("what: w", "contract: A::f", "file: A.java",
                "find: a", "replace: b"));
        assertThrows(IllegalStateException.class, () -> v.apply("no such letter here"));
        assertThrows(IllegalStateException.class, () -> v.apply("a and a"));
        assertThrows(IllegalArgumentException.class, () -> BrokenVariant.parse("y", List.of("what: w")));
    }
}
