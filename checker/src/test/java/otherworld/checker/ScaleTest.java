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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariants;
import otherworld.model.Machine;
import otherworld.model.State;

/** Memory, disk, checkpoints and fingerprint collisions. */
class ScaleTest {
    static ModelChecker<State, Action> checker(Config c, boolean symmetry) {
        return new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), symmetry))
                .workers(2).checkDeadlock(true).header(c.toString());
    }

    static final Config MID = Config.defaults().withPages(2).withValues(2);

    @Test
    void queueSpilledToDiskGivesTheSameCountsAndTrace() {
        Result inMemory = checker(MID, false).run();
        Result onDisk = checker(MID, false).queueMemory(16 << 10).run();
        assertEquals(Result.Status.OK, onDisk.status());
        assertEquals(inMemory.statistics(), onDisk.statistics());
        assertEquals(241806, onDisk.statistics().distinct());
        assertTrue(onDisk.statistics().spilled() > 10000, onDisk.statistics().toString());
        assertEquals(0, inMemory.statistics().spilled());
        // a counterexample found with the queue on disk is the same shortest trace
        Config bug = MID.withBug(Bug.REEXECUTE_COMPLETED_CALL);
        Result a = checker(bug, false).run();
        Result b = checker(bug, false).queueMemory(16 << 10).run();
        assertEquals(Invariants.CONSOLE_OUTPUT_EXACTLY_ONCE, b.invariant());
        assertEquals(a.trace(), b.trace());
        assertEquals(b.invariant(), Replay.of(b.trace()).violation());
    }

    @Test
    void aResumedRunReachesTheSameCountsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Result whole = checker(MID, false).run();
        Result first = checker(MID, false).queueMemory(16 << 10).workDir(dir).maxStates(60000).run();
        assertEquals(Result.Status.LIMIT, first.status());
        assertEquals(dir, first.checkpoint());
        assertTrue(first.statistics().distinct() >= 60000 && first.statistics().distinct() < whole.statistics().distinct());
        assertTrue(Files.exists(dir.resolve(ModelChecker.CHECKPOINT)));
        // a second leg that checkpoints after every batch, stopped again
        Result second = checker(MID, false).queueMemory(16 << 10).resume(dir).checkpointEvery(1).maxStates(110000).run();
        assertEquals(Result.Status.LIMIT, second.status());
        Result rest = checker(MID, false).queueMemory(16 << 10).resume(dir).run();
        assertEquals(Result.Status.OK, rest.status());
        assertEquals(whole.statistics(), rest.statistics());
        // a checkpoint of another model is refused
        Config other = MID.withValues(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> checker(other, false).resume(dir).run());
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }

    @Test
    void queueFilesAreDeletedOnceReadAndTheRunStillResumes(@TempDir Path dir) throws Exception {
        Result whole = checker(MID, false).run();
        // a 64 KiB queue in memory: the levels go to files, read back and deleted
        Result first = checker(MID, false).queueMemory(64 << 10).workDir(dir).checkpointEvery(1).maxStates(150000).run();
        assertEquals(Result.Status.LIMIT, first.status());
        java.util.Properties cp = new java.util.Properties();
        try (var r = Files.newBufferedReader(dir.resolve(ModelChecker.CHECKPOINT))) {
            cp.load(r);
        }
        java.util.Set<String> named = new java.util.HashSet<>();
        for (String key : new String[] {"current", "next"}) {
            for (String line : cp.getProperty(key).split(";")) {
                if (!line.isBlank()) {
                    named.add(line.trim().split(" ")[0]);
                }
            }
        }
        java.util.Set<String> onDisk = new java.util.HashSet<>();
        long highest = -1;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith("queue-")) {
                    onDisk.add(n);
                    highest = Math.max(highest, Long.parseLong(n.substring(6, n.length() - 4)));
                }
            }
        }
        // only the frontier the checkpoint names is on disk: every file read before it is gone
        assertEquals(named, onDisk);
        assertTrue(highest + 1 > 2L * onDisk.size(), "files written: " + (highest + 1) + ", kept: " + onDisk.size());
        Result rest = checker(MID, false).queueMemory(64 << 10).resume(dir).run();
        assertEquals(Result.Status.OK, rest.status());
        assertEquals(whole.statistics(), rest.statistics());
    }

    @Test
    void aStopFileEndsTheRunWithACheckpointThatResumes(@TempDir Path dir) throws Exception {
        Result whole = checker(MID, false).run();
        Files.createDirectories(dir);
        Files.createFile(dir.resolve(ModelChecker.STOP));
        Result stopped = checker(MID, false).workDir(dir).run();
        assertEquals(Result.Status.LIMIT, stopped.status());
        assertTrue(stopped.note().contains("stopped on request"), stopped.note());
        assertTrue(stopped.statistics().distinct() < whole.statistics().distinct());
        assertFalse(Files.exists(dir.resolve(ModelChecker.STOP)));
        Result rest = checker(MID, false).resume(dir).run();
        assertEquals(whole.statistics(), rest.statistics());
    }

    @Test
    void aDamagedCheckpointIsRefusedWithAClearError(@TempDir Path dir) throws Exception {
        assertEquals(Result.Status.LIMIT, checker(MID, false).workDir(dir).maxStates(20000).run().status());
        Path fps;
        try (var files = Files.list(dir)) {
            fps = files.filter(f -> f.getFileName().toString().startsWith(ModelChecker.FINGERPRINTS)).findFirst().orElseThrow();
        }
        Files.write(fps, new byte[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1});
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> checker(MID, false).resume(dir).run());
        assertTrue(String.valueOf(e.getCause().getMessage()).contains("corrupt fingerprint file"), e.getCause().getMessage());
    }

    @Test
    void aResumedRunFindsTheSameShortestCounterexample(@TempDir Path dir) {
        Config bug = MID.withBug(Bug.RESURRECT_BEFORE_FLUSH);
        Result whole = checker(bug, false).run();
        Result first = checker(bug, false).workDir(dir).maxStates(2000).run();
        assertEquals(Result.Status.LIMIT, first.status());
        Result rest = checker(bug, false).resume(dir).run();
        assertEquals(Result.Status.VIOLATION, rest.status());
        assertEquals(whole.trace(), rest.trace());
    }

    @Test
    void aFullMemoryBudgetStopsWithACheckpointAndTheRunResumes(@TempDir Path dir) {
        Config c = MID.withCrashes(2);
        Result whole = checker(c, true).run();
        assertEquals(536122, whole.statistics().distinct());
        // the fingerprint table may not grow past its first 1 MiB (about 124,000 fingerprints), and
        // may not spill to disk
        Result stopped = checker(c, true).workDir(dir).fingerprintLimit(1L << 20).maxDisk(0).run();
        assertEquals(Result.Status.BUDGET, stopped.status());
        assertNotNull(stopped.checkpoint());
        assertTrue(stopped.note().contains("memory budget"), stopped.note());
        assertTrue(stopped.statistics().distinct() > 60000 && stopped.statistics().distinct() < 130000,
                stopped.statistics().toString());
        Result resumed = checker(c, true).resume(dir).run();
        assertEquals(Result.Status.OK, resumed.status());
        assertEquals(whole.statistics(), resumed.statistics());
    }

    @Test
    void exactStorageFindsTheStatesFingerprintsFind() {
        Config c = Config.defaults().withProcs(3);
        for (boolean symmetry : new boolean[] {false, true}) {
            Result fp = checker(c, symmetry).run();
            Result exact = checker(c, symmetry).exact(true).run();
            assertEquals(fp.statistics(), exact.statistics());
            assertEquals(symmetry ? 46758 : 246382, exact.statistics().distinct());
            assertEquals(0, exact.statistics().collisions());
            assertEquals(-1, fp.statistics().collisions());
        }
    }

    @Test
    void exactStorageCountsTheStatesAFingerprintCollisionHides() {
        // 200 states in a chain whose fingerprints repeat every 100: fingerprints see 100
        TransitionSystem<Integer, Integer> colliding = new TransitionSystem<>() {
            @Override public List<Integer> initialStates() { return List.of(0); }
            @Override public List<Integer> actions(Integer s) { return s < 199 ? List.of(1) : List.of(); }
            @Override public Integer step(Integer s, Integer a) { return s + a; }
            @Override public long fingerprint(Integer s) { return s % 100 + 1; }
            @Override public String violatedInvariant(Integer s) { return null; }
            @Override public String violatedStepInvariant(Integer b, Integer a, Integer t) { return null; }
            @Override public boolean isTerminal(Integer s) { return true; }
            @Override public String label(Integer a) { return "inc"; }
            @Override public String describe(Integer s) { return "  n=" + s; }
            @Override public int[] encode(Integer s) { return new int[] {s}; }
            @Override public Integer decode(int[] w) { return w[0]; }
        };
        Result fp = new ModelChecker<>(colliding).run();
        Result exact = new ModelChecker<>(colliding).exact(true).run();
        assertEquals(100, fp.statistics().distinct());
        assertEquals(200, exact.statistics().distinct());
        assertEquals(100, exact.statistics().collisions());
        assertTrue(exact.statistics().toString().contains("100 fingerprint collisions"));
    }

    @Test
    void collisionProbabilityIsTlcsOptimisticEstimate() {
        Result r = checker(Config.defaults(), false).run();
        Statistics s = r.statistics();
        double expected = 13097.0 * (15153 - 13097) / Math.pow(2, 64);
        assertEquals(expected, s.collisionProbability(), expected * 1e-9);
        assertTrue(s.toString().contains("calculated to be (optimistic) 1.5E-12"), s.toString());
    }

    @Test
    void fingerprintSetGrowsSegmentBySegmentAndSavesItself() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FingerprintSet set = new FingerprintSet(16)) {
            long before = set.bytes();
            for (long i = 1; i <= 200000; i++) {
                assertTrue(set.add(i * 0x9E3779B97F4A7C15L));
            }
            assertEquals(200000, set.size());
            assertTrue(set.bytes() > before && set.bytes() <= 8L * 200000 / 0.375 + 8L * 64 * FingerprintSet.SEGMENTS,
                    "8 bytes a slot at 37.5..75% load: " + set.bytes());
            assertFalse(set.add(7 * 0x9E3779B97F4A7C15L));
            assertTrue(set.contains(4242 * 0x9E3779B97F4A7C15L));
            assertFalse(set.contains(200001 * 0x9E3779B97F4A7C15L));
            assertThrows(IllegalArgumentException.class, () -> set.add(0));
            set.save(new DataOutputStream(bytes));
        }
        try (FingerprintSet back = new FingerprintSet(16)) {
            back.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(200000, back.size());
            assertTrue(back.contains(123456 * 0x9E3779B97F4A7C15L));
            assertFalse(back.add(99 * 0x9E3779B97F4A7C15L));
        }
    }

    @Test
    void fingerprintSetPastItsLimitSaysSoAndThenRefuses() {
        try (FingerprintSet set = new FingerprintSet(16, 1L << 20)) {
            long n = 0;
            MemoryBudgetExceeded full = null;
            try {
                while (n < 1_000_000) {
                    set.add(++n * 0x9E3779B97F4A7C15L);
                }
            } catch (MemoryBudgetExceeded e) {
                full = e;
            }
            assertNotNull(full, "a 1 MiB table cannot hold a million fingerprints");
            assertTrue(set.overLimit());
            assertTrue(n > 100000, "filled past its normal load before refusing: " + n);
            assertTrue(set.bytes() <= 1L << 20);
        }
    }

    @Test
    void stateQueueKeepsOrderAcrossMemoryAndFilesAndACheckpoint(@TempDir Path dir) throws Exception {
        StateQueue.Spill spill = new StateQueue.Spill(dir, 3 * StateQueue.CHUNK);
        StateQueue q = new StateQueue(spill);
        int n = 60000;
        java.util.Random random = new java.util.Random(12);
        for (int i = 0; i < n; i++) {
            // words that change from record to record (and some that do not), as a queue's states
            int[] w = new int[60];
            w[0] = i;
            w[1] = -i;
            w[2] = i * 7;
            w[3] = i % 3 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            for (int k = 4; k < w.length; k++) {
                w[k] = k % 5 == 0 ? random.nextInt() : k;
            }
            q.add(i, w);
        }
        assertEquals(n, q.size());
        assertTrue(spill.spilledRecords.get() > 0, "past 3 MiB the queue goes to files");
        for (int i = 0; i < 1000; i++) {
            StateQueue.Entry e = q.poll();
            assertEquals(i, e.index);
            assertEquals(i * 7, e.words[2]);
            assertEquals(i % 3 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE, e.words[3]);
            assertEquals(59, e.words[59]);
        }
        List<String> manifest = q.persist();
        StateQueue back = StateQueue.restore(new StateQueue.Spill(dir, 3 * StateQueue.CHUNK), manifest);
        assertEquals(n - 1000, back.size());
        for (int i = 1000; i < n; i++) {
            StateQueue.Entry a = q.poll();
            StateQueue.Entry b = back.poll();
            assertEquals(i, a.index);
            assertEquals(i, b.index);
            assertEquals(-i, b.words[1]);
            assertTrue(java.util.Arrays.equals(a.words, b.words), "record " + i);
        }
        assertEquals(null, q.poll());
        assertEquals(null, back.poll());
    }
}
