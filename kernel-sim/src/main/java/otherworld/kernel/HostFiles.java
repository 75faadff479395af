package otherworld.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import otherworld.emulator.MemoryDisk;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.fs.DirEntry;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.fs.Mkfs;
import otherworld.kernel.fs.Stat;
import otherworld.kernel.mem.DirectMem;

/**
 * Host files on the guest's disk: a host directory packed onto a fresh ext2 image made for a run (regular files,
 * directories and symbolic links, with their permission bits and modification times; other kinds skipped), and what
 * the guest left there copied back (regular files, directories, symbolic links: not device nodes, nor a /dev the
 * kernel made at boot). Host-side, through the kernel's own ext2 driver on scratch memory.
 */
public final class HostFiles {
    private HostFiles() { }

    /** Free space the guest gets beyond the packed files. */
    public static final long HEADROOM = 128L << 20;

    /** What was packed: the disk, the bytes and files put on it. */
    public record Packed(MemoryDisk disk, long bytes, int files) {
        /** The disk as one array (a copy as large as the disk: free space included). */
        public byte[] image() { return disk.image(); }
    }

    /** The host directory holds more than the limit allows. */
    public static final class TooLarge extends Exception {
        public TooLarge(String m) { super(m); }
    }

    static String size(long b) {
        return b >= 1 << 20 && b % (1 << 20) == 0 ? (b >> 20) + " MiB" : b >= 1024 && b % 1024 == 0 ? (b >> 10) + " KiB" : b + " bytes";
    }

    /** The files under dir that would be packed: their total size, and how many entries. */
    private static long[] measure(Path dir, long limit) throws IOException, TooLarge {
        long[] total = {0, 0};
        TooLarge[] over = {null};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                total[1]++;
                if (a.isRegularFile()) total[0] += a.size();
                if (total[0] > limit) {
                    over[0] = new TooLarge(dir + " holds more than " + size(limit) + " of files (at " + f
                            + "): run in a smaller directory, choose one with --root DIR, raise --pack-limit, or use --disk IMAGE");
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                total[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFileFailed(Path f, IOException e) { return FileVisitResult.CONTINUE; }
        });
        if (over[0] != null) throw over[0];
        return total;
    }

    static Ext2 mount(MemoryDisk d, long clockSeconds) {
        PhysicalMemory scratch = new PhysicalMemory(2 << 20);
        BlockCache cache = BlockCache.format(new DirectMem(scratch), d, scratch.base(), 256);
        return Ext2.mount(cache, () -> clockSeconds);
    }

    /**
     * A fresh ext2 image holding hostDir's files at guestDir (an absolute guest path, made with its parents), with
     * {@link #HEADROOM} free (which costs no memory: the disk is sparse). TooLarge when the files add up to more
     * than limit bytes.
     */
    public static Packed pack(Path hostDir, String guestDir, long limit, long clockSeconds) throws IOException, TooLarge {
        long[] m = measure(hostDir, limit);
        long size = ((m[0] + m[0] / 8 + m[1] * 8192 + HEADROOM) / (1 << 20) + 1) << 20;
        if (size > Integer.MAX_VALUE - (1 << 20)) throw new TooLarge(hostDir + ": too many files for one disk image (2 GiB)");
        MemoryDisk disk = Mkfs.disk(size, 16384, clockSeconds);
        Ext2 fs = mount(disk, clockSeconds);
        int dir = Ext2.ROOT_INO;
        for (String c : guestDir.split("/")) {
            if (c.isEmpty()) continue;
            String name = Ext2.hostName(c);
            int next = fs.lookupAt(dir, name);
            if (next < 0) next = fs.mkdirAt(dir, name, 0755);
            if (next < 0) throw new IOException("cannot make " + guestDir + " on the guest's disk: errno " + -next);
            dir = next;
        }
        int[] files = {0};
        copyIn(fs, hostDir, dir, files);
        fs.sync();
        return new Packed(disk, m[0], files[0]);
    }

    private static void copyIn(Ext2 fs, Path hostDir, int dir, int[] files) throws IOException {
        List<Path> entries;
        try (var s = Files.list(hostDir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            return; // unreadable directory: packed empty
        }
        for (Path p : entries) {
            String name = Ext2.hostName(p.getFileName().toString());
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue;
            }
            int mode = permissions(p, a.isDirectory() ? 0755 : 0644);
            long mtime = a.lastModifiedTime().toMillis() / 1000;
            int ino;
            if (a.isSymbolicLink()) {
                String target = Files.readSymbolicLink(p).toString();
                ino = fs.prepareCreate(dir, name, Stat.S_IFLNK | 0777);
                if (ino > 0) ino = fs.createSymlink(dir, name, target.getBytes(StandardCharsets.UTF_8), ino);
            } else if (a.isDirectory()) {
                ino = fs.mkdirAt(dir, name, mode);
                if (ino > 0) copyIn(fs, p, ino, files);
            } else if (a.isRegularFile()) {
                ino = fs.createAt(dir, name, mode);
                if (ino > 0) {
                    byte[] data;
                    try {
                        data = Files.readAllBytes(p);
                    } catch (IOException e) {
                        data = new byte[0]; // unreadable: packed empty
                    }
                    for (int off = 0; off < data.length; ) {
                        int w = fs.write(ino, off, data, off, Math.min(1 << 20, data.length - off));
                        if (w <= 0) throw new IOException("the guest's disk is full packing " + p);
                        off += w;
                    }
                }
            } else {
                continue; // sockets, fifos, devices
            }
            if (ino < 0) throw new IOException("cannot pack " + p + ": errno " + -ino);
            if (!a.isSymbolicLink()) fs.setTimes(ino, mtime, mtime);
            files[0]++;
        }
    }

    private static int permissions(Path p, int fallback) {
        try {
            Set<PosixFilePermission> s = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int m = 0;
            for (PosixFilePermission x : s) m |= 1 << (8 - x.ordinal());
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return fallback;
        }
    }

    /**
     * Copy back what the guest left under guestDir of image into hostDir: regular files that are new or differ,
     * directories, symbolic links that are new. Nothing on the host is deleted: the lines returned name what the
     * guest removed (kept on the host), and what was written.
     */
    public static List<String> writeBack(byte[] image, String guestDir, Path hostDir) throws IOException {
        return writeBack(new MemoryDisk(image), guestDir, hostDir);
    }

    /** {@link #writeBack(byte[], String, Path)} from a disk (not changed: the driver mounts a copy). */
    public static List<String> writeBack(MemoryDisk disk, String guestDir, Path hostDir) throws IOException {
        Ext2 fs = mount(disk.copy(), 0);
        List<String> report = new ArrayList<>();
        int dir = fs.lookup(guestDir.isEmpty() ? "/" : Ext2.hostName(guestDir));
        if (dir < 0) {
            report.add("the guest removed " + guestDir + ": nothing copied back");
            return report;
        }
        copyOut(fs, dir, hostDir, report, guestDir.equals("/"));
        return report;
    }

    private static void copyOut(Ext2 fs, int dir, Path hostDir, List<String> report, boolean root) throws IOException {
        Set<String> seen = new HashSet<>();
        List<DirEntry> entries = new ArrayList<>();
        for (DirEntry e = fs.readdir(dir, 0); e != null; e = fs.readdir(dir, e.nextPos())) entries.add(e);
        Files.createDirectories(hostDir);
        for (DirEntry e : entries) {
            if (e.name().equals(".") || e.name().equals("..") || root && e.name().equals("lost+found")) continue;
            // the /dev the kernel made at boot (sys.Devices): device nodes are not copied back, nor their directory
            if (root && e.name().equals("dev") && !Files.exists(hostDir.resolve("dev"), LinkOption.NOFOLLOW_LINKS)) continue;
            String javaName = Ext2.javaName(e.name());
            seen.add(javaName);
            Path p = hostDir.resolve(javaName);
            Stat st = fs.stat(e.ino());
            if (st == null) continue;
            int type = st.mode() & Stat.S_IFMT;
            if (type == Stat.S_IFDIR) {
                copyOut(fs, e.ino(), p, report, false);
            } else if (type == Stat.S_IFLNK) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(p, Path.of(new String(fs.readlink(e.ino()), StandardCharsets.UTF_8)));
                    report.add("made " + p);
                }
            } else if (type == Stat.S_IFREG) {
                byte[] data = new byte[(int) st.size()];
                int got = fs.read(e.ino(), 0, data, 0, data.length);
                if (got != data.length) throw new IOException("cannot read " + javaName + " back from the guest's disk");
                boolean same = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == data.length
                        && Arrays.equals(Files.readAllBytes(p), data);
                if (!same) {
                    Files.write(p, data);
                    report.add("wrote " + p);
                }
            }
        }
        try (var s = Files.list(hostDir)) {
            for (Path p : s.sorted().toList()) {
                if (!seen.contains(p.getFileName().toString())) report.add("removed in the guest, kept: " + p);
            }
        }
    }
}
