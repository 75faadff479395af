package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import otherworld.model.Action;
import otherworld.model.Config;
import otherworld.model.State;

/** Fingerprints past the memory budget: spilled to a sorted file, the same counts as in memory. */
class DiskFingerprintSetTest {
    private static final long MIX = 0x9E3779B97F4A7C15L;

    /** 535,826 distinct states: with a 1 MiB table (about 100,000 fingerprints) it spills five times. */
    static final Config SPILLING = ScaleTest.MID.withCrashes(2);

    static ModelChecker<State, Action> checker(Config c) {
        return ScaleTest.checker(c, true);
    }

    @Test
    void theTableSpillsWhenFullAndEveryFingerprintIsStillFound(@TempDir Path dir) throws Exception {
        try (DiskFingerprintSet set = new DiskFingerprintSet(dir, 1L << 20, -1, () -> 0)) {
            for (long i = 1; i <= 1_000_000; i++) {
                assertTrue(set.add(i * MIX));
            }
            assertEquals(1_000_000, set.size());
            assertTrue(set.spills() >= 8, "a 1 MiB table holds about 100,000: " + set.spills() + " spills");
            assertTrue(set.bytes() <= 1L << 20, "the table stays in its budget: " + set.bytes());
            assertTrue(set.onDisk() > 800_000, "most are on disk: " + set.onDisk());
            assertEquals(8 * set.onDisk(), Files.size(dir.resolve(set.diskFile())));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "an old file is deleted after its merge");
            }
            for (long i = 1; i <= 1_000_000; i += 997) {
                assertFalse(set.add(i * MIX));
                assertTrue(set.contains(i * MIX));
                assertFalse(set.contains(-i * MIX));
            }
            // a sorted probe reads each page of the file at most once
            long[] batch = new long[20000];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (1 + (i * 7919L) % 2_000_000) * MIX;
            }
            long before = set.pageReads();
            set.probe(batch, batch.length);
            long pages = (set.onDisk() + DiskFingerprintSet.PAGE - 1) / DiskFingerprintSet.PAGE;
            assertTrue(set.pageReads() - before <= pages, (set.pageReads() - before) + " reads of " + pages + " pages");
            for (int i = 0; i < batch.length; i++) {
                long k = 1 + (i * 7919L) % 2_000_000;
                assertEquals(k > 1_000_000, set.add(batch[i]), "fingerprint " + k);
            }
        }
    }

    @Test
    void aFullDiskIsReportedAndTheTableStopsSpilling(@TempDir Path dir) {
        long[] used = {0};
        try (DiskFingerprintSet set = new DiskFingerprintSet(dir, 1L << 20, 1L << 20, () -> used[0])) {
            long n = 0;
            while (!set.overLimit() && n < 2_000_000) {
                set.add(++n * MIX);
            }
            assertTrue(set.overLimit(), "1 MiB of disk cannot hold 2 million fingerprints");
            assertTrue(set.fullReason().contains("--max-disk 1 MiB"), set.fullReason());
            assertEquals(n, set.size());
        }
        try (DiskFingerprintSet off = new DiskFingerprintSet(dir, 1L << 20, 0, () -> 0)) {
            long n = 0;
            while (!off.overLimit()) {
                off.add(++n * MIX);
            }
            assertEquals(0, off.onDisk());
            assertTrue(off.fullReason().contains("--max-disk 0"), off.fullReason());
        }
    }

    @Test
    void spillsGiveExactlyTheCountsOfARunInMemory() {
        Result inMemory = checker(SPILLING).run();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        Result spilled = checker(SPILLING).fingerprintLimit(1L << 20)
                .progress(new java.io.PrintStream(lines, true), 3_600_000).run();
        assertEquals(Result.Status.OK, spilled.status());
        assertEquals(536122, inMemory.statistics().distinct());
        assertEquals(inMemory.statistics(), spilled.statistics());
        assertEquals(0, inMemory.statistics().fingerprintSpills());
        assertTrue(spilled.statistics().fingerprintSpills() >= 4, spilled.statistics().toString());
        assertTrue(spilled.statistics().fingerprintsOnDisk() > 400_000, spilled.statistics().toString());
        assertTrue(spilled.statistics().toString().contains("fingerprints on disk"), spilled.statistics().toString());
        // the progress line (the last one, printed at the end) counts the fingerprints on disk
        String last = lines.toString().strip();
        assertTrue(last.endsWith(spilled.statistics().fingerprintsOnDisk() + " fingerprints on disk ("
                + (8 * spilled.statistics().fingerprintsOnDisk() >> 20) + " MiB)."), last);
    }

    @Test
    void exactStorageSeesNoCollisionAcrossSpills() {
        Config c = Config.defaults().withProcs(3);
        Result fp = ScaleTest.checker(c, false).run();
        Result exact = ScaleTest.checker(c, false).exact(true).fingerprintLimit(1L << 20).run();
        assertEquals(246382, exact.statistics().distinct());
        assertEquals(fp.statistics(), exact.statistics());
        assertEquals(0, exact.statistics().collisions());
        assertTrue(exact.statistics().fingerprintSpills() >= 1, exact.statistics().toString());
    }

    @Test
    void aRunResumedAfterSpillsReachesTheSameCounts(@TempDir Path dir) throws Exception {
        Result whole = checker(SPILLING).run();
        Result first = checker(SPILLING).fingerprintLimit(1L << 20).workDir(dir).maxStates(250_000).run();
        assertEquals(Result.Status.LIMIT, first.status());
        assertTrue(first.statistics().fingerprintSpills() >= 1, first.statistics().toString());
        Properties p = checkpoint(dir);
        assertNotNull(p.getProperty("diskFingerprints"), p.toString());
        assertTrue(Files.exists(dir.resolve(p.getProperty("diskFingerprints"))));
        // a leg that checkpoints after every batch while it spills: the file each checkpoint names stays
        Result second = checker(SPILLING).fingerprintLimit(1L << 20).resume(dir).checkpointEvery(1).maxStates(420_000).run();
        assertEquals(Result.Status.LIMIT, second.status());
        assertTrue(second.statistics().fingerprintSpills() >= 1, second.statistics().toString());
        Result rest = checker(SPILLING).fingerprintLimit(1L << 20).resume(dir).run();
        assertEquals(Result.Status.OK, rest.status());
        assertEquals(whole.statistics(), rest.statistics());
    }

    @Test
    void aFullDiskStopsWithACheckpointAndTheRunResumesWithMore(@TempDir Path dir) throws Exception {
        Result whole = checker(SPILLING).run();
        // a disk budget that the work directory (trace log, queue) and two spills' files fill
        Result stopped = checker(SPILLING).fingerprintLimit(1L << 20).workDir(dir).maxDisk(8L << 20).run();
        assertEquals(Result.Status.BUDGET, stopped.status());
        assertNotNull(stopped.checkpoint());
        assertTrue(stopped.note().contains("disk budget (--max-disk 8 MiB)"), stopped.note());
        assertTrue(stopped.statistics().distinct() < whole.statistics().distinct());
        Result resumed = checker(SPILLING).fingerprintLimit(1L << 20).resume(dir).run();
        assertEquals(Result.Status.OK, resumed.status());
        assertEquals(whole.statistics(), resumed.statistics());
    }

    @Test
    void aDamagedDiskFileIsRefusedWithAClearError(@TempDir Path dir) throws Exception {
        checker(SPILLING).fingerprintLimit(1L << 20).workDir(dir).maxStates(250_000).run();
        Path file = dir.resolve(checkpoint(dir).getProperty("diskFingerprints"));
        byte[] b = Files.readAllBytes(file);
        // two keys swapped: the file is no longer ascending
        byte[] k = java.util.Arrays.copyOfRange(b, 800, 808);
        System.arraycopy(b, 808, b, 800, 8);
        System.arraycopy(k, 0, b, 808, 8);
        Files.write(file, b);
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> checker(SPILLING).resume(dir).run());
        assertTrue(e.getCause().getMessage().contains("not ascending"), e.getCause().getMessage());
        Files.write(file, java.util.Arrays.copyOf(b, 4000));
        e = assertThrows(java.io.UncheckedIOException.class, () -> checker(SPILLING).resume(dir).run());
        assertTrue(e.getCause().getMessage().contains("corrupt fingerprint file"), e.getCause().getMessage());
    }

    @Test
    void theTableSavesAndLoadsBesideItsFile(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String name;
        long onDisk;
        try (DiskFingerprintSet set = new DiskFingerprintSet(dir, 1L << 20, -1, () -> 0)) {
            for (long i = 1; i <= 150_000; i++) {
                set.add(i * MIX);
            }
            set.saveMemory(new DataOutputStream(bytes));
            name = set.diskFile();
            onDisk = set.onDisk();
            set.pin();
            for (long i = 150_001; i <= 400_000; i++) {
                set.add(i * MIX);
            }
            assertTrue(Files.exists(dir.resolve(name)), "the pinned file outlives later spills");
        }
        try (DiskFingerprintSet back = new DiskFingerprintSet(dir, 1L << 20, -1, () -> 0)) {
            back.restoreDisk(name, onDisk);
            back.loadMemory(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(150_000, back.size());
            assertFalse(back.add(77 * MIX));
            assertFalse(back.add(149_999 * MIX));
            assertTrue(back.add(150_001 * MIX));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "files of spills after the checkpoint are gone");
            }
        }
    }

    private static Properties checkpoint(Path dir) throws Exception {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve(ModelChecker.CHECKPOINT))) {
            p.load(r);
        }
        return p;
    }
}
