package otherworld.proofs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void aFindThatDoesNotOccurOnceIsAnError() {
        BrokenVariant v = BrokenVariant.parse("x", List.of("what: w", "contract: A::f", "file: A.java",
                "find: a", "replace: b"));
        assertThrows(IllegalStateException.class, () -> v.apply("no such letter here"));
        assertThrows(IllegalStateException.class, () -> v.apply("a and a"));
        assertThrows(IllegalArgumentException.class, () -> BrokenVariant.parse("y", List.of("what: w")));
    }
}
