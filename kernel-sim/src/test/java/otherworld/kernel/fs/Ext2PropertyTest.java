package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static otherworld.kernel.Errno.EEXIST;
import static otherworld.kernel.Errno.ENOENT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Random create/write/read/truncate/unlink sequences on a few files (in the root and a subdirectory) against a
 * Java model of their contents, through a small cache so blocks are evicted; then sync, e2fsck -fn clean; then
 * remove everything and check that every block and inode came back.
 */
@AddLifecycleHook(Ext2PropertyTest.NeedsE2fsprogs.class)
class Ext2PropertyTest {
    static final int DIND_START = (12 + 1024) * 4096;
    static final String[] NAMES = {"/a", "/b", "/c", "/d/x", "/d/y"};

    /** Skips the property, visibly, without e2fsprogs. */
    public static final class NeedsE2fsprogs implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return E2fs.MKE2FS != null && E2fs.E2FSCK != null
                    ? SkipResult.doNotSkip()
                    : SkipResult.skip("e2fsprogs (mke2fs, e2fsck) not installed: ext2 property skipped");
        }
    }

    sealed interface Op permits Create, Write, Read, Truncate, Unlink { }
    record Create(int file) implements Op { }
    record Write(int file, long off, int len, long seed) implements Op { }
    record Read(int file) implements Op { }
    record Truncate(int file, long size) implements Op { }
    record Unlink(int file) implements Op { }

    private static byte[] pristine;
    private static Path dir;

    private static synchronized byte[] pristine() {
        if (pristine == null) {
            try {
                dir = Files.createTempDirectory("ext2prop");
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path img = E2fs.mkfs(dir, "16M");
            pristine = E2fs.read(img);
            img.toFile().delete();
        }
        return pristine;
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> file = Arbitraries.integers().between(0, NAMES.length - 1);
        Arbitrary<Long> off = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 120_000),
                Arbitraries.longs().between(DIND_START - 10_000, DIND_START + 10_000));
        Arbitrary<Op> create = file.map(Create::new);
        Arbitrary<Op> write = Combinators.combine(file, off, Arbitraries.integers().between(0, 30_000),
                Arbitraries.longs()).as(Write::new);
        Arbitrary<Op> read = file.map(Read::new);
        Arbitrary<Op> truncate = Combinators.combine(file, Arbitraries.oneOf(
                Arbitraries.longs().between(0, 100_000), Arbitraries.just(0L))).as(Truncate::new);
        Arbitrary<Op> unlink = file.map(Unlink::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, create), net.jqwik.api.Tuple.of(5, write), net.jqwik.api.Tuple.of(2, read),
                net.jqwik.api.Tuple.of(1, truncate), net.jqwik.api.Tuple.of(1, unlink)).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 30)
    void randomOperationsMatchTheModelAndLeaveAConsistentDisk(@ForAll("ops") List<Op> ops) {
        E2fs.Mounted m = new E2fs.Mounted(pristine(), 12);
        Ext2 fs = m.fs;
        long blocks0 = fs.freeBlocks();
        long inodes0 = fs.freeInodes();
        assertTrue(fs.mkdir("/d", 0755) > 0);
        TreeMap<String, byte[]> model = new TreeMap<>();
        for (Op op : ops) apply(fs, model, op);
        for (var e : model.entrySet()) assertArrayEquals(e.getValue(), contents(fs, e.getKey()), e.getKey());
        List<String> root = new ArrayList<>(fs.list("/"));
        root.removeIf(n -> n.equals("lost+found") || n.equals("d"));
        List<String> sub = fs.list("/d");
        List<String> expect = new ArrayList<>();
        List<String> expectSub = new ArrayList<>();
        for (String n : model.keySet()) (n.startsWith("/d/") ? expectSub : expect).add(n.substring(n.lastIndexOf('/') + 1));
        root.sort(null);
        sub.sort(null);
        assertEquals(expect, root);
        assertEquals(expectSub, sub);
        Path img = dir.resolve("prop-" + System.nanoTime() + ".img");
        try {
            m.syncAndCheck(img);
            for (String n : model.keySet()) assertEquals(0, fs.unlink(n));
            assertEquals(0, fs.rmdir("/d"));
            assertEquals(blocks0, fs.freeBlocks());
            assertEquals(inodes0, fs.freeInodes());
            m.syncAndCheck(img);
        } finally {
            img.toFile().delete();
        }
    }

    static byte[] contents(Ext2 fs, String name) {
        int ino = fs.lookup(name);
        assertTrue(ino > 0, name);
        byte[] b = new byte[(int) fs.stat(ino).size()];
        assertEquals(b.length, fs.read(ino, 0, b, 0, b.length));
        return b;
    }

    static void apply(Ext2 fs, TreeMap<String, byte[]> model, Op op) {
        if (op instanceof Create c) {
            String n = NAMES[c.file()];
            int r = fs.create(n, 0644);
            if (model.containsKey(n)) {
                assertEquals(-EEXIST, r);
            } else {
                assertTrue(r > 0, "create " + n + ": " + r);
                model.put(n, new byte[0]);
            }
        } else if (op instanceof Write w) {
            String n = NAMES[w.file()];
            int ino = fs.lookup(n);
            if (!model.containsKey(n)) {
                assertEquals(-ENOENT, ino);
                return;
            }
            byte[] d = new byte[w.len()];
            new Random(w.seed()).nextBytes(d);
            assertEquals(w.len(), fs.write(ino, w.off(), d, 0, d.length));
            if (w.len() == 0) return;
            byte[] old = model.get(n);
            byte[] now = Arrays.copyOf(old, (int) Math.max(old.length, w.off() + w.len()));
            System.arraycopy(d, 0, now, (int) w.off(), d.length);
            model.put(n, now);
        } else if (op instanceof Read r) {
            String n = NAMES[r.file()];
            if (model.containsKey(n)) assertArrayEquals(model.get(n), contents(fs, n), n);
            else assertEquals(-ENOENT, fs.lookup(n));
        } else if (op instanceof Truncate t) {
            String n = NAMES[t.file()];
            if (!model.containsKey(n)) return;
            assertEquals(0, fs.truncate(fs.lookup(n), t.size()));
            model.put(n, Arrays.copyOf(model.get(n), (int) t.size()));
        } else if (op instanceof Unlink u) {
            String n = NAMES[u.file()];
            assertEquals(model.remove(n) != null ? 0 : -ENOENT, fs.unlink(n));
        }
    }
}
