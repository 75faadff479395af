package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Assumptions;

import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;

/** e2fsprogs from the tests: make images, put files in with debugfs, judge with e2fsck -fn; and a mounted fixture. */
final class E2fs {
    private E2fs() { }

    /** The tool's path, or null if missing (or pretended missing with -Dotherworld.noE2fsprogs=true). */
    private static String tool(String name) {
        if (Boolean.getBoolean("otherworld.noE2fsprogs")) return null;
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    static final String MKE2FS = tool("mke2fs");
    static final String DEBUGFS = tool("debugfs");
    static final String E2FSCK = tool("e2fsck");

    /** Skip the calling test, visibly, when e2fsprogs is missing. */
    static void assumeTools() {
        Assumptions.assumeTrue(MKE2FS != null && DEBUGFS != null && E2FSCK != null,
                "e2fsprogs (mke2fs, debugfs, e2fsck) not installed: ext2 image tests skipped");
    }

    record Result(int exit, String out, byte[] stdout) { }

    static Result run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            int rc = p.waitFor();
            return new Result(rc, new String(out, StandardCharsets.UTF_8), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** mke2fs -q -t ext2 -b 4096 [extra] -F img size. */
    static Path mkfs(Path dir, String size, String... extra) {
        Path img = dir.resolve("fs-" + System.nanoTime() + ".img");
        List<String> cmd = new ArrayList<>(List.of(MKE2FS, "-q", "-t", "ext2", "-b", "4096"));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-F", img.toString(), size));
        Result r = run(cmd);
        assertEquals(0, r.exit, "mke2fs failed: " + r.out);
        return img;
    }

    /** Run debugfs -w with these requests (one per line). */
    static void debugfs(Path img, String... requests) {
        try {
            Path cmds = Files.createTempFile(img.getParent(), "debugfs", ".cmd");
            Files.writeString(cmds, String.join("\n", requests) + "\n");
            Result r = run(List.of(DEBUGFS, "-w", "-f", cmds.toString(), img.toString()));
            assertEquals(0, r.exit, "debugfs failed: " + r.out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] cat(Path img, String path) {
        return run(List.of(DEBUGFS, "-R", "cat " + path, img.toString())).stdout;
    }

    /** e2fsck -fn must exit 0 and must not have answered "no" to any question. */
    static void assertClean(Path img) {
        Result r = run(List.of(E2FSCK, "-fn", img.toString()));
        assertEquals(0, r.exit, "e2fsck -fn reports problems:\n" + r.out);
        assertFalse(r.out.contains("? no"), "e2fsck -fn found something to fix:\n" + r.out);
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path p, byte[] data) {
        try {
            Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An image mounted on a MemoryDisk through a cache of the given size in a fresh RAM. */
    static final class Mounted {
        final PhysicalMemory ram;
        final TestMem mem;
        final MemoryDisk disk;
        final BlockCache cache;
        final Ext2 fs;
        final long base = PhysicalMemory.BASE + 4096;

        Mounted(byte[] image, int slots) {
            long need = BlockCache.bytesNeeded(slots) + 8192;
            ram = new PhysicalMemory((int) ((need + 4095) & ~4095L));
            mem = TestMem.direct(ram);
            disk = new MemoryDisk(image);
            cache = BlockCache.format(mem, disk, base, slots);
            AtomicLong t = new AtomicLong(1_700_000_000L);
            fs = Ext2.mount(cache, t::incrementAndGet);
        }

        /** sync, write the disk to img, and have e2fsck judge it. */
        void syncAndCheck(Path img) {
            fs.sync();
            write(img, disk.image());
            assertClean(img);
        }
    }
}
