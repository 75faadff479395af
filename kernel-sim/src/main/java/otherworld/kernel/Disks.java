package otherworld.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

import otherworld.emulator.MemoryDisk;

/**
 * Disk images. The blank file system is an ext2 image made once with mke2fs (fixed UUID, hash seed and time, so
 * it is the same bytes on every machine) and kept gzipped on the classpath:
 * {@code E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -t ext2 -b 4096 -U 6f746865-7277-6f72-6c64-000000000001
 * -E hash_seed=6f746865-7277-6f72-6c64-000000000002,root_owner=0:0 -L otherworld -N 512 -F img 16M}.
 */
public final class Disks {
    private Disks() { }

    /** The image, decompressed once per JVM and never written: callers get copies. */
    private static MemoryDisk blank;

    /** The blank image as one array (a 16 MiB copy). */
    public static byte[] blankExt2Image() { return blankExt2().image(); }

    private static MemoryDisk readBlank() {
        try (InputStream in = Disks.class.getResourceAsStream("blank-16M.ext2.gz")) {
            if (in == null) throw new IllegalStateException("blank-16M.ext2.gz missing from the classpath");
            return new MemoryDisk(new GZIPInputStream(in).readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A blank disk of its own (copy on write: it shares the template's chunks until it writes them). */
    public static synchronized MemoryDisk blankExt2() {
        if (blank == null) blank = readBlank();
        return blank.copy();
    }
}
