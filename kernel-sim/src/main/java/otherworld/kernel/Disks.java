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

    /** The image, decompressed once per JVM; callers get copies. */
    private static byte[] blank;

    public static synchronized byte[] blankExt2Image() {
        if (blank == null) blank = readBlank();
        return blank.clone();
    }

    private static byte[] readBlank() {
        try (InputStream in = Disks.class.getResourceAsStream("blank-16M.ext2.gz")) {
            if (in == null) throw new IllegalStateException("blank-16M.ext2.gz missing from the classpath");
            return new GZIPInputStream(in).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MemoryDisk blankExt2() { return new MemoryDisk(blankExt2Image()); }
}
