package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * {@code ow run} on every file of the malformed-ELF corpus (userland/elf-corpus): a clear one-line error and exit
 * status 2 for the files the kernel refuses, the guest's own end for those it loads; never a Java stack trace.
 */
class ElfCorpusCliTest {
    static Path corpus() {
        Path here = Path.of("").toAbsolutePath();
        Path d = here.resolve("userland/elf-corpus");
        return Files.isDirectory(d) ? d : here.resolve("../userland/elf-corpus").normalize();
    }

    @Test
    void everyCorpusFileGivesAClearErrorOrRuns() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus())) {
            files = s.filter(p -> p.toString().endsWith(".elf")).sorted().toList();
        }
        assertTrue(files.size() >= 30, "the corpus is there: " + files.size());
        List<String> bad = new ArrayList<>();
        int refused = 0, ran = 0;
        for (Path f : files) {
            OwTest.Run r = OwTest.ow("run", "--quiet", f.toString()); // ow's options before PROGRAM
            String all = r.out() + r.err();
            if (all.contains("Exception") || all.contains("\tat ")) bad.add(f.getFileName() + ": " + all);
            if (r.code() == 126 || r.code() == 2) { // 126: cannot execute, as a shell says it; 2: a usage error
                refused++;
                boolean clear = Stream.of("not a valid executable", "segment", "no loadable segment", "out of memory")
                        .anyMatch(r.err()::contains);
                if (!clear) bad.add(f.getFileName() + ": exit 2 without a reason: " + r.err());
            } else {
                ran++;
            }
        }
        assertEquals(List.of(), bad);
        assertTrue(refused >= 20 && ran >= 5, "refused " + refused + ", loaded " + ran);
    }
}
