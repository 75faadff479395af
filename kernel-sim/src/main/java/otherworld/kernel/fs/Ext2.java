package otherworld.kernel.fs;

import static otherworld.kernel.Errno.EBUSY;
import static otherworld.kernel.Errno.EEXIST;
import static otherworld.kernel.Errno.EFBIG;
import static otherworld.kernel.Errno.EINVAL;
import static otherworld.kernel.Errno.EIO;
import static otherworld.kernel.Errno.EISDIR;
import static otherworld.kernel.Errno.EMLINK;
import static otherworld.kernel.Errno.ELOOP;
import static otherworld.kernel.Errno.ENAMETOOLONG;
import static otherworld.kernel.Errno.ENOENT;
import static otherworld.kernel.Errno.ENOTDIR;
import static otherworld.kernel.Errno.ENOTEMPTY;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import otherworld.kernel.mem.KMem;

/**
 * An ext2 file system (revision 1, 4096-byte blocks, as made by {@code mke2fs -t ext2 -b 4096}) on a
 * {@link BlockCache}. This file holds the superblock and group descriptors, the path walk and the public API;
 * {@link Ext2Inode} holds inodes and block maps, {@link Ext2Dir} directory entries, {@link Ext2Alloc} the bitmaps.
 *
 * <p>All metadata and data are read and written in cache frames through KMem: the driver keeps nothing in Java
 * fields but geometry read from the superblock at mount (which never changes) and its devices. On-disk positions
 * are byte offsets on the disk ({@code block * 4096 + offset}); {@link #r32}/{@link #w32} and friends fetch the
 * block through the cache for each access, so no frame address is held across another cache call.
 *
 * <p>Errors: public operations return -errno. A corrupt structure found on the way (a block pointer outside the
 * file system, a bad rec_len, an inode number out of range, a double free) raises {@link Ext2Exception} inside and
 * comes out as -EIO; the operation may be half done. Permissions are not
 * checked here (the kernel's job); new inodes belong to uid 0, gid 0. Reads do not update atime (noatime).
 * Symbolic links are followed by the path walk (up to 40 of them, as Linux), the last component's on request.
 *
 * <p>Crashes: the kernel makes a system call's changes in an order after which a crash at any write leaves nothing
 * a {@link Ext2Repair} of the inodes the call names cannot mend. Operations a system call splits around its commit
 * come in two parts: one that checks and decides without writing ({@link #prepareCreate}, {@link #prepareUnlink}),
 * one that writes ({@link #createPrepared}, {@link #unlinkPrepared}); {@link #writeData} and {@link #finishWrite} split
 * a write into what may happen before the commit (blocks and bytes, past the size invisible) and its tail (size).
 */
public final class Ext2 {
    public static final int ROOT_INO = 2;
    public static final int NAME_MAX = 255;
    static final int BS = BlockCache.BLOCK;
    /** Block pointers per indirect block. */
    static final int PTRS = BS / 4;

    // Superblock: at byte 1024 of the disk; offsets as in e2fsprogs' struct ext2_super_block.
    static final long SB = 1024;
    static final int SB_INODES_COUNT = 0, SB_BLOCKS_COUNT = 4, SB_FREE_BLOCKS = 12, SB_FREE_INODES = 16,
            SB_FIRST_DATA_BLOCK = 20, SB_LOG_BLOCK_SIZE = 24, SB_BLOCKS_PER_GROUP = 32, SB_INODES_PER_GROUP = 40,
            SB_MAGIC = 56, SB_REV_LEVEL = 76, SB_FIRST_INO = 84, SB_INODE_SIZE = 88, SB_FEATURE_INCOMPAT = 96,
            SB_FEATURE_RO_COMPAT = 100;
    static final int MAGIC = 0xEF53;
    static final int INCOMPAT_FILETYPE = 0x2;
    static final int RO_COMPAT_SPARSE_SUPER = 0x1, RO_COMPAT_LARGE_FILE = 0x2;
    static final int INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE;
    static final int RO_COMPAT_SUPPORTED = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE;

    // Group descriptor (32 bytes, in the blocks after the superblock's block).
    static final int GD_SIZE = 32, GD_BLOCK_BITMAP = 0, GD_INODE_BITMAP = 4, GD_INODE_TABLE = 8,
            GD_FREE_BLOCKS = 12, GD_FREE_INODES = 14, GD_USED_DIRS = 16;

    final BlockCache cache;
    final KMem mem;
    final LongSupplier clock;
    // Geometry, read once at mount; ext2 never changes it while mounted.
    final long blocksCount;
    final int inodesCount, blocksPerGroup, inodesPerGroup, groups, inodeSize, firstIno;
    final long firstDataBlock;
    final boolean fileType;

    private Ext2(BlockCache cache, LongSupplier clock) {
        this.cache = cache;
        this.mem = cache.mem();
        this.clock = clock;
        if (cache.diskBlocks() < 2) throw new Ext2Exception("disk too small for ext2: " + cache.diskBlocks() + " blocks");
        int magic = r16(SB + SB_MAGIC);
        if (magic != MAGIC) throw new Ext2Exception("not an ext2 file system: magic 0x" + Integer.toHexString(magic));
        int logBs = r32(SB + SB_LOG_BLOCK_SIZE);
        if (logBs != 2) throw new Ext2Exception("unsupported block size " + (logBs >= 0 && logBs < 20 ? 1024 << logBs : -1) + " (only 4096)");
        int rev = r32(SB + SB_REV_LEVEL);
        if (rev != 0 && rev != 1) throw new Ext2Exception("unsupported revision " + rev);
        int incompat = rev == 0 ? 0 : r32(SB + SB_FEATURE_INCOMPAT);
        int roCompat = rev == 0 ? 0 : r32(SB + SB_FEATURE_RO_COMPAT);
        if ((incompat & ~INCOMPAT_SUPPORTED) != 0) {
            throw new Ext2Exception("unsupported INCOMPAT features 0x" + Integer.toHexString(incompat & ~INCOMPAT_SUPPORTED)
                    + " (this driver handles filetype only; extents, 64bit, flex_bg, journal recovery... are ext3/4)");
        }
        if ((roCompat & ~RO_COMPAT_SUPPORTED) != 0) {
            throw new Ext2Exception("unsupported RO_COMPAT features 0x" + Integer.toHexString(roCompat & ~RO_COMPAT_SUPPORTED)
                    + " (this driver handles sparse_super and large_file only)");
        }
        fileType = (incompat & INCOMPAT_FILETYPE) != 0;
        inodeSize = rev == 0 ? 128 : r16(SB + SB_INODE_SIZE);
        firstIno = rev == 0 ? 11 : r32(SB + SB_FIRST_INO);
        blocksCount = u32(SB + SB_BLOCKS_COUNT);
        long inodes = u32(SB + SB_INODES_COUNT);
        blocksPerGroup = r32(SB + SB_BLOCKS_PER_GROUP);
        inodesPerGroup = r32(SB + SB_INODES_PER_GROUP);
        firstDataBlock = u32(SB + SB_FIRST_DATA_BLOCK);
        if (blocksCount > cache.diskBlocks()) throw new Ext2Exception("file system has " + blocksCount + " blocks, the disk only " + cache.diskBlocks());
        if (firstDataBlock != 0) throw new Ext2Exception("first data block " + firstDataBlock + ", expected 0 for 4096-byte blocks");
        if (blocksPerGroup <= 0 || blocksPerGroup > 8 * BS) throw new Ext2Exception("bad blocks per group " + blocksPerGroup);
        if (inodesPerGroup <= 0 || inodesPerGroup > 8 * BS) throw new Ext2Exception("bad inodes per group " + inodesPerGroup);
        if (inodeSize < 128 || inodeSize > BS || (inodeSize & (inodeSize - 1)) != 0) throw new Ext2Exception("bad inode size " + inodeSize);
        if (blocksCount <= firstDataBlock + 1) throw new Ext2Exception("bad block count " + blocksCount);
        long g = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (inodes != g * inodesPerGroup || inodes > Integer.MAX_VALUE) {
            throw new Ext2Exception("inode count " + inodes + " != " + g + " groups * " + inodesPerGroup);
        }
        groups = (int) g;
        inodesCount = (int) inodes;
        if (firstIno <= ROOT_INO || firstIno > inodesCount) throw new Ext2Exception("bad first inode " + firstIno);
        if (u32(SB + SB_FREE_BLOCKS) > blocksCount || u32(SB + SB_FREE_INODES) > inodesCount) {
            throw new Ext2Exception("free counts exceed totals");
        }
        long gdtEnd = firstDataBlock + 1 + ((long) groups * GD_SIZE + BS - 1) / BS;
        if (gdtEnd > blocksCount) throw new Ext2Exception("group descriptors run past the disk");
        long tableBlocks = ((long) inodesPerGroup * inodeSize + BS - 1) / BS;
        for (int i = 0; i < groups; i++) {
            long gd = gdPos(i);
            checkBlock(u32(gd + GD_BLOCK_BITMAP), "group " + i + " block bitmap");
            checkBlock(u32(gd + GD_INODE_BITMAP), "group " + i + " inode bitmap");
            long table = u32(gd + GD_INODE_TABLE);
            checkBlock(table, "group " + i + " inode table");
            checkBlock(table + tableBlocks - 1, "group " + i + " inode table end");
        }
        if (!Ext2Inode.isDir(this, ROOT_INO)) throw new Ext2Exception("root inode is not a directory");
    }

    /** Mount the ext2 image behind the cache; throws Ext2Exception for a corrupt or unsupported image. */
    public static Ext2 mount(BlockCache cache, LongSupplier clock) {
        return new Ext2(cache, clock);
    }

    public BlockCache cache() { return cache; }

    // ---- disk positions (block * 4096 + offset), read and written through the cache ----

    int r8(long pos) { return mem.r8(cache.get(pos / BS) + pos % BS); }
    int r16(long pos) { return mem.r16(cache.get(pos / BS) + pos % BS); }
    int r32(long pos) { return mem.r32(cache.get(pos / BS) + pos % BS); }
    long u32(long pos) { return r32(pos) & 0xFFFF_FFFFL; }
    void w8(long pos, int v) { mem.w8(cache.modify(pos / BS) + pos % BS, v); }
    void w16(long pos, int v) { mem.w16(cache.modify(pos / BS) + pos % BS, v); }
    void w32(long pos, long v) { mem.w32(cache.modify(pos / BS) + pos % BS, (int) v); }

    /** Copy a whole block into a scratch array (which must not outlive the call). */
    void readBlock(long block, byte[] dst) {
        long at = cache.get(block);
        mem.scrub(at, BS); // the enhanced mode: a directory or bitmap block checked before the kernel acts on it
        mem.read(at, dst, 0, BS);
    }

    /** A block pointer found on disk must name a block of this file system past the superblock. */
    void checkBlock(long b, String what) {
        if (b <= firstDataBlock || b >= blocksCount) {
            throw new Ext2Exception(what + " points to block " + b + ", outside 1.." + (blocksCount - 1));
        }
    }

    long gdPos(int group) { return (firstDataBlock + 1) * BS + (long) group * GD_SIZE; }

    long now() { return clock.getAsLong() & 0xFFFF_FFFFL; }

    public long freeBlocks() { return u32(SB + SB_FREE_BLOCKS); }
    public long freeInodes() { return u32(SB + SB_FREE_INODES); }
    public long blocksCount() { return blocksCount; }

    /** Run an operation; corruption found on the way becomes -EIO. */
    int guard(IntSupplier op) {
        try {
            return op.getAsInt();
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    // ---- path walk ----

    /**
     * Names are bytes, as in Linux: a String here holds one byte per char (ISO-8859-1), as the kernel reads a path
     * from user memory; a host name must be converted first ({@link #hostName}).
     */
    static byte[] nameBytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    /** A host (Java) name as the driver's one-byte-per-char form of its UTF-8 bytes. */
    public static String hostName(String javaName) {
        return new String(javaName.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The Java form of a name the driver returns (its bytes read as UTF-8). */
    public static String javaName(String driverName) {
        return new String(driverName.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** Symbolic links followed in one path walk before it fails with ELOOP (Linux's MAXSYMLINKS). */
    static final int MAX_SYMLINKS = 40;

    /**
     * Inode of path (absolute, or relative to directory start), or -errno. Symbolic links met on the way are followed
     * (a relative target from the directory that holds the link); the last component's too when follow, or when the
     * path ends in "/". At most {@link #MAX_SYMLINKS} in all: -ELOOP.
     */
    private int walk(int start, String path, boolean follow, int[] hops) {
        if (path.isEmpty()) return -ENOENT;
        int cur = path.startsWith("/") ? ROOT_INO : start;
        if (Ext2Inode.links(this, cur) == 0) return -ENOENT; // a removed working directory
        String[] parts = path.split("/");
        int last = parts.length - 1;
        while (last >= 0 && parts[last].isEmpty()) last--;
        for (int i = 0; i <= last; i++) {
            String c = parts[i];
            if (c.isEmpty()) continue;
            if (!Ext2Inode.isDir(this, cur)) return -ENOTDIR;
            byte[] name = nameBytes(c);
            if (name.length > NAME_MAX) return -ENAMETOOLONG;
            int next = Ext2Dir.find(this, cur, name);
            if (next == 0) return -ENOENT;
            if (next < 0 || next > inodesCount) throw new Ext2Exception("directory " + cur + " names inode " + next);
            if (Ext2Inode.isSymlink(this, next) && (i < last || follow || path.endsWith("/"))) {
                if (++hops[0] > MAX_SYMLINKS) return -ELOOP;
                byte[] target = Ext2Inode.readlink(this, next);
                if (target.length == 0) return -ENOENT;
                next = walk(cur, new String(target, StandardCharsets.ISO_8859_1), true, hops);
                if (next < 0) return next;
            }
            cur = next;
        }
        if (path.endsWith("/") && !Ext2Inode.isDir(this, cur)) return -ENOTDIR;
        return cur;
    }

    private int walk(int start, String path) { return walk(start, path, true, new int[1]); }

    /** The directory that holds the last component of path, and that component; dir < 0 is an errno. */
    record Parent(int dir, byte[] name) { }

    Parent parent(int start, String path) {
        if (path.isEmpty()) return new Parent(-ENOENT, null);
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        int slash = p.lastIndexOf('/');
        String last = p.substring(slash + 1);
        int dir = slash < 0 ? start : walk(start, slash == 0 ? "/" : p.substring(0, slash));
        if (dir < 0) return new Parent(dir, null);
        if (!Ext2Inode.isDir(this, dir)) return new Parent(-ENOTDIR, null);
        byte[] name = nameBytes(last);
        if (name.length > NAME_MAX) return new Parent(-ENAMETOOLONG, null);
        return new Parent(dir, name);
    }

    static boolean isDot(byte[] n) { return n.length == 1 && n[0] == '.'; }
    static boolean isDotDot(byte[] n) { return n.length == 2 && n[0] == '.' && n[1] == '.'; }

    // ---- the API ----

    /** Inode number of path (relative paths start at the root), or -ENOENT / -ENOTDIR / -ENAMETOOLONG / -EIO. */
    public int lookup(String path) { return lookupAt(ROOT_INO, path); }

    /** Inode number of path, relative paths starting at directory inode dir; symbolic links followed. */
    public int lookupAt(int dir, String path) { return guard(() -> walk(dir, path)); }

    /**
     * Inode number of path from directory dir, symbolic links on the way followed, the last one only when follow
     * (lstat, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, unlink and rename name the link itself); or -errno.
     */
    public int resolve(int dir, String path, boolean follow) {
        return guard(() -> walk(dir, path, follow, new int[1]));
    }

    /** The target of symbolic link ino, or null if ino is not one (or is unreadable). */
    public byte[] readlink(int ino) {
        try {
            if (ino < 1 || ino > inodesCount || !Ext2Inode.isSymlink(this, ino)) return null;
            return Ext2Inode.readlink(this, ino);
        } catch (Ext2Exception e) {
            return null;
        }
    }

    /** Create an empty regular file (permission bits from mode); its inode number or -errno (-EEXIST if present). */
    public int create(String path, int mode) { return createAt(ROOT_INO, path, mode); }

    public int createAt(int dir, String path, int mode) {
        int ino = prepareCreate(dir, path, Stat.S_IFREG | (mode & 07777));
        return ino < 0 ? ino : createPrepared(dir, path, Stat.S_IFREG | (mode & 07777), ino);
    }

    /** Create an empty directory; its inode number or -errno. */
    public int mkdir(String path, int mode) { return mkdirAt(ROOT_INO, path, mode); }

    public int mkdirAt(int dir, String path, int mode) {
        int ino = prepareCreate(dir, path, Stat.S_IFDIR | (mode & 07777));
        return ino < 0 ? ino : createPrepared(dir, path, Stat.S_IFDIR | (mode & 07777), ino);
    }

    /**
     * Everything a create can fail on, decided without writing anything: the inode number the create will use, or
     * -errno (-ENOENT/-ENOTDIR for the parent, -EEXIST, -EMLINK, -ENOSPC).
     */
    public int prepareCreate(int start, String path, int mode) {
        return guard(() -> {
            Parent p = parent(start, path);
            if (p.dir < 0) return p.dir;
            if (p.name.length == 0 || isDot(p.name) || isDotDot(p.name)) return -EEXIST;
            if (Ext2Dir.find(this, p.dir, p.name) != 0) return -EEXIST;
            boolean dir = (mode & Stat.S_IFMT) == Stat.S_IFDIR;
            if (dir && Ext2Inode.links(this, p.dir) >= Ext2Inode.LINK_MAX) return -EMLINK;
            return Ext2Alloc.findInode(this, Ext2Inode.group(this, p.dir));
        });
    }

    /**
     * Make inode ino (from {@link #prepareCreate}) and name it path: the inode written, then marked used, then (a
     * directory's "." and "..", then) the entry, by one write, then a new directory's parent link. The inode number
     * or -errno (-ENOSPC for the directory's block; then nothing is left made).
     */
    public int createPrepared(int start, String path, int mode, int ino) { return make(start, path, mode, ino, -1, 0); }

    /**
     * A device node (mode S_IFCHR or S_IFBLK and permission bits), made as {@link #createPrepared} makes a file, its
     * number written into the inode before it is named. The inode number or -errno.
     */
    public int mknodAt(int dir, String path, int mode, int major, int minor) {
        int ino = prepareCreate(dir, path, mode);
        return ino < 0 ? ino : make(dir, path, mode, ino, major, minor);
    }

    private int make(int start, String path, int mode, int ino, int major, int minor) {
        return guard(() -> {
            Parent p = parent(start, path);
            if (p.dir < 0) return p.dir;
            boolean dir = (mode & Stat.S_IFMT) == Stat.S_IFDIR;
            Ext2Inode.init(this, ino, mode, dir ? 2 : 1, now());
            if (major >= 0) Ext2Inode.setRdev(this, ino, major, minor);
            Ext2Alloc.markInode(this, ino, dir);
            if (dir) {
                int r = Ext2Dir.initDir(this, ino, p.dir);
                if (r < 0) {
                    Ext2Inode.release(this, ino, now());
                    return r;
                }
            }
            int r = Ext2Dir.add(this, p.dir, p.name, ino, mode);
            if (r < 0) {
                Ext2Inode.release(this, ino, now());
                return r;
            }
            if (dir) Ext2Inode.setLinks(this, p.dir, Ext2Inode.links(this, p.dir) + 1);
            return ino;
        });
    }

    /**
     * Remove a name of a non-directory; when its last link goes the inode and its blocks are freed at once
     * (the kernel must keep open-but-unlinked files alive itself). 0 or -errno (-EISDIR for directories).
     */
    public int unlink(String path) { return unlinkAt(ROOT_INO, path); }

    public int unlinkAt(int dir, String path) {
        long u = prepareUnlink(dir, path);
        return u < 0 ? (int) u : unlinkPrepared(dir, path, (int) u, (int) (u >>> 32));
    }

    /**
     * Everything unlink can fail on, decided without writing: the inode path names in its low 32 bits and its link
     * count in the high ones, or -errno.
     */
    public long prepareUnlink(int dir, String path) {
        try {
            Parent p = parent(dir, path);
            if (p.dir < 0) return p.dir;
            if (p.name.length == 0 || isDot(p.name) || isDotDot(p.name)) return -EISDIR;
            int ino = Ext2Dir.find(this, p.dir, p.name);
            if (ino == 0) return -ENOENT;
            if (Ext2Inode.isDir(this, ino)) return -EISDIR;
            if (path.endsWith("/")) return -ENOTDIR;
            return ino | (long) Ext2Inode.links(this, ino) << 32;
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    /**
     * Unlink path, which named ino with linksBefore links (from {@link #prepareUnlink}); idempotent, so that it can
     * be made again after a crash: the entry is removed if it still names ino, the link count set (not decremented),
     * and the inode released if that was its last link and it is not released yet. 0 or -EIO.
     */
    public int unlinkPrepared(int dir, String path, int ino, int linksBefore) {
        return unlinkPrepared(dir, path, ino, linksBefore, false);
    }

    /**
     * As {@link #unlinkPrepared(int, String, int, int)}; when open (a process holds the inode), the last link makes it
     * an orphan instead of releasing it: it stays, with its blocks, until its last close ({@link #releaseOrphan}).
     */
    public int unlinkPrepared(int dir, String path, int ino, int linksBefore, boolean open) {
        return guard(() -> {
            Parent p = parent(dir, path);
            long t = now();
            if (p.dir > 0 && Ext2Dir.find(this, p.dir, p.name) == ino) {
                Ext2Dir.remove(this, p.dir, p.name);
                Ext2Inode.touch(this, p.dir, t);
            }
            Ext2Names.dropLink(this, ino, linksBefore, open, t);
            return 0;
        });
    }

    /** Remove an empty directory: 0 or -ENOTDIR / -ENOTEMPTY / -EBUSY (the root) / -EINVAL ("."). */
    public int rmdir(String path) { return rmdirAt(ROOT_INO, path); }

    public int rmdirAt(int dir, String path) {
        return guard(() -> {
            Parent p = parent(dir, path);
            if (p.dir < 0) return p.dir;
            if (p.name.length == 0) return -EBUSY;
            if (isDot(p.name)) return -EINVAL;
            if (isDotDot(p.name)) return -ENOTEMPTY;
            int ino = Ext2Dir.find(this, p.dir, p.name);
            if (ino == 0) return -ENOENT;
            if (!Ext2Inode.isDir(this, ino)) return -ENOTDIR;
            if (ino == ROOT_INO) return -EBUSY;
            if (!Ext2Dir.isEmpty(this, ino)) return -ENOTEMPTY;
            Ext2Dir.remove(this, p.dir, p.name);
            long t = now();
            Ext2Inode.touch(this, p.dir, t);
            Ext2Inode.setLinks(this, p.dir, Ext2Inode.links(this, p.dir) - 1);
            Ext2Inode.release(this, ino, t);
            return 0;
        });
    }

    // ---- name-space operations split around a system call's commit (see Ext2Names) ----

    /** Everything rmdir can fail on, decided without writing: the directory's inode, or -errno. */
    public int prepareRmdir(int start, String path) { return guard(() -> Ext2Names.prepareRmdir(this, start, path)); }

    /** rmdir's tail (idempotent): the entry of ino removed, the parent's link count recounted, ino released. */
    public int rmdirPrepared(int start, String path, int ino) {
        return guard(() -> Ext2Names.rmdirPrepared(this, start, path, ino));
    }

    /** Everything link can fail on: the inode | its link count << 32, or -errno. No write. */
    public long prepareLink(int oldStart, String oldPath, boolean follow, int newStart, String newPath) {
        try {
            return Ext2Names.prepareLink(this, oldStart, oldPath, follow, newStart, newPath);
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    /** prepareLink of inode ino (linkat of a file descriptor, AT_EMPTY_PATH); linkable: an O_TMPFILE file's. */
    public long prepareLinkOf(int ino, boolean linkable, int newStart, String newPath) {
        try {
            if (ino < 1 || ino > inodesCount) return -ENOENT;
            return Ext2Names.prepareLinkOf(this, ino, linkable, newStart, newPath);
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    /** link's tail (idempotent). 0 or -errno. */
    public int linkPrepared(int newStart, String newPath, int ino, int linksBefore) {
        return guard(() -> Ext2Names.linkPrepared(this, newStart, newPath, ino, linksBefore));
    }

    /** Make inode ino (from prepareCreate with S_IFLNK) a symlink to target named path: ino or -errno. */
    public int createSymlink(int start, String path, byte[] target, int ino) {
        return guard(() -> Ext2Names.createSymlink(this, start, path, target, ino));
    }

    /** Everything renameat2 can fail on: the plan its tail follows, or -errno. No write. */
    public long prepareRename(int oldStart, String oldPath, int newStart, String newPath, int flags) {
        try {
            return Ext2Names.prepareRename(this, oldStart, oldPath, newStart, newPath, flags);
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    /** renameat2's tail (idempotent); open says whether a process holds an inode (a replaced one becomes an orphan). */
    public int renamePrepared(int oldStart, String oldPath, int newStart, String newPath, long plan,
                              java.util.function.IntPredicate open) {
        return guard(() -> Ext2Names.renamePrepared(this, oldStart, oldPath, newStart, newPath, plan, open));
    }

    /** A plan of prepareRename: the inode a plain rename replaces (0: none; not for exchanges and no-ops). */
    public static int replacedBy(long plan) {
        return (plan & (Ext2Names.PLAN_NOOP | Ext2Names.PLAN_EXCHANGE)) != 0 ? 0 : (int) (plan & 0x7FFF_FFFF);
    }

    /** The name under which directory dir names ino, or null. */
    public String nameIn(int dir, int ino) {
        try {
            byte[] n = Ext2Dir.nameOf(this, dir, ino);
            return n == null ? null : new String(n, StandardCharsets.ISO_8859_1);
        } catch (Ext2Exception e) {
            return null;
        }
    }

    /** The inode ".." names in directory dir, or -errno. */
    public int parentDir(int dir) {
        return guard(() -> Ext2Inode.isDir(this, dir) ? Ext2Dir.dotDot(this, dir) : -ENOTDIR);
    }

    // ---- orphans: unlinked inodes still open, and O_TMPFILE files (see Ext2Orphans) ----

    /** Everything an O_TMPFILE open in directory dir can fail on, no write: the inode it will make, or -errno. */
    public int prepareTmpfile(int dir) {
        return guard(() -> Ext2Inode.isDir(this, dir) ? Ext2Alloc.findInode(this, Ext2Inode.group(this, dir)) : -ENOTDIR);
    }

    /**
     * Make inode ino (from {@link #prepareTmpfile}) a regular file with no name: written with no links, marked used,
     * then put on the orphan list, so that a crash or a stop frees it unless a process holds it (and its last close
     * does, {@link #releaseOrphan}). ino or -errno.
     */
    public int createTmpfile(int ino, int mode) {
        return guard(() -> {
            Ext2Inode.init(this, ino, Stat.S_IFREG | (mode & 07777), 0, now());
            Ext2Alloc.markInode(this, ino, false);
            Ext2Orphans.add(this, ino);
            return ino;
        });
    }

    /** Whether ino is in use with no links left (an orphan kept for a process that holds it open). */
    public boolean isOrphan(int ino) {
        try {
            return ino >= firstIno && ino <= inodesCount && Ext2Inode.links(this, ino) == 0 && Ext2Alloc.inodeUsed(this, ino);
        } catch (Ext2Exception e) {
            return false;
        }
    }

    /** The last holder of orphan ino closed it: released (idempotent). 0 or -EIO. */
    public int releaseOrphan(int ino) {
        return guard(() -> {
            Ext2Orphans.release(this, ino, now());
            return 0;
        });
    }

    /** Release every orphan held says is not held (at boot: all). The number released, or -EIO. */
    public int reclaimOrphans(java.util.function.IntPredicate held) {
        return guard(() -> Ext2Orphans.reclaim(this, held, now()));
    }

    /** The first inode of the orphan list (0: empty). */
    public int orphanHead() { return r32(SB + Ext2Orphans.SB_LAST_ORPHAN); }

    // ---- attributes ----

    /** Permission bits (and set-id, sticky) := mode & 07777, ctime now. 0 or -errno. */
    public int chmod(int ino, int mode) {
        return guard(() -> {
            long p = Ext2Inode.pos(this, ino);
            int m = (r16(p + Ext2Inode.I_MODE) & Stat.S_IFMT) | (mode & 07777);
            if (r16(p + Ext2Inode.I_MODE) != m) w16(p + Ext2Inode.I_MODE, m);
            Ext2Inode.setCtime(this, ino, now());
            return 0;
        });
    }

    /** Owner := uid, group := gid (-1: unchanged), ctime now. 0 or -errno. */
    public int chown(int ino, int uid, int gid) {
        return guard(() -> {
            long p = Ext2Inode.pos(this, ino);
            if (uid != -1) {
                w16(p + Ext2Inode.I_UID, uid & 0xFFFF);
                w16(p + Ext2Inode.I_UID_HIGH, uid >>> 16);
            }
            if (gid != -1) {
                w16(p + Ext2Inode.I_GID, gid & 0xFFFF);
                w16(p + Ext2Inode.I_GID_HIGH, gid >>> 16);
            }
            Ext2Inode.setCtime(this, ino, now());
            return 0;
        });
    }

    /** atime and mtime := the given seconds (-1: unchanged), ctime now. 0 or -errno. */
    public int setTimes(int ino, long atime, long mtime) {
        return guard(() -> {
            long p = Ext2Inode.pos(this, ino);
            if (atime >= 0) w32(p + Ext2Inode.I_ATIME, atime);
            if (mtime >= 0) w32(p + Ext2Inode.I_MTIME, mtime);
            Ext2Inode.setCtime(this, ino, now());
            return 0;
        });
    }

    /** What statfs reports: blocks, free blocks, inodes, free inodes (block size 4096, names up to 255). */
    public long[] statfs() { return new long[] {blocksCount, freeBlocks(), inodesCount, freeInodes()}; }

    /** The inode's attributes, or null when ino is out of range, free, or unreadable (the kernel says -ENOENT/-EIO). */
    public Stat stat(int ino) {
        try {
            if (ino < 1 || ino > inodesCount) return null;
            return Ext2Inode.stat(this, ino);
        } catch (Ext2Exception e) {
            return null;
        }
    }

    /** Read up to len bytes at off of a regular file: bytes read, 0 at EOF, holes read as zeros; or -errno. */
    public int read(int ino, long off, byte[] dst, int dstOff, int len) {
        return guard(() -> {
            int ck = checkRegular(ino);
            if (ck < 0) return ck;
            if (off < 0 || len < 0 || dstOff < 0 || dstOff > dst.length - len) return -EINVAL;
            long size = Ext2Inode.size(this, ino);
            if (off >= size || len == 0) return 0;
            int n = (int) Math.min(len, size - off);
            int done = 0;
            while (done < n) {
                long pos = off + done;
                int boff = (int) (pos % BS);
                int k = Math.min(BS - boff, n - done);
                long pb = Ext2Inode.bmap(this, ino, pos / BS, false);
                if (pb == 0) {
                    java.util.Arrays.fill(dst, dstOff + done, dstOff + done + k, (byte) 0);
                } else {
                    long at = cache.get(pb) + boff;
                    mem.scrub(at, k);
                    mem.read(at, dst, dstOff + done, k);
                }
                done += k;
            }
            return n;
        });
    }

    /**
     * Write len bytes at off of a regular file, allocating blocks (nearest free block after the previous one, in
     * the inode's group first): bytes written (short if the disk fills), or -ENOSPC / -EFBIG / -EISDIR / -EINVAL.
     * Updates size, mtime and ctime: {@link #writeData} then {@link #finishWrite}.
     */
    public int write(int ino, long off, byte[] src, int srcOff, int len) {
        int w = writeData(ino, off, src, srcOff, len);
        if (w > 0) finishWrite(ino, off + w);
        return w;
    }

    /**
     * The part of a write that may precede its commit: blocks allocated and bytes copied, the size left as it is.
     * What lies past the size stays invisible until {@link #finishWrite}; bytes within it are overwritten with what a
     * restart of the same call writes again. Bytes written (short if the disk fills) or -errno.
     */
    public int writeData(int ino, long off, byte[] src, int srcOff, int len) {
        return guard(() -> {
            int ck = checkRegular(ino);
            if (ck < 0) return ck;
            if (off < 0 || len < 0 || srcOff < 0 || srcOff > src.length - len) return -EINVAL;
            if (len == 0) return 0;
            if (off >= Ext2Inode.MAX_FILE_SIZE) return -EFBIG;
            int n = (int) Math.min(len, Ext2Inode.MAX_FILE_SIZE - off);
            int done = 0;
            while (done < n) {
                long pos = off + done;
                int boff = (int) (pos % BS);
                int k = Math.min(BS - boff, n - done);
                long pb = Ext2Inode.bmap(this, ino, pos / BS, true);
                if (pb < 0) {
                    // Out of space (or -EFBIG): give back indirect blocks allocated for a data block that never came.
                    Ext2Inode.trim(this, ino, Math.max(Ext2Inode.size(this, ino), off + done));
                    if (done > 0) break;
                    return (int) pb;
                }
                mem.write(cache.modify(pb) + boff, src, srcOff + done, k);
                done += k;
            }
            return done;
        });
    }

    /** A write's tail: the size grows to cover end, mtime and ctime are set. Idempotent. 0 or -EIO. */
    public int finishWrite(int ino, long end) {
        return guard(() -> {
            if (end > Ext2Inode.size(this, ino)) Ext2Inode.setSize(this, ino, end);
            Ext2Inode.touch(this, ino, now());
            return 0;
        });
    }

    /** Set a regular file's size: shrinking frees the blocks past the end, growing leaves a hole. 0 or -errno. */
    public int truncate(int ino, long size) {
        return guard(() -> {
            int ck = checkRegular(ino);
            if (ck < 0) return ck;
            if (size < 0) return -EINVAL;
            if (size > Ext2Inode.MAX_FILE_SIZE) return -EFBIG;
            long old = Ext2Inode.size(this, ino);
            Ext2Inode.setSize(this, ino, size); // first: what a crash leaves past the new size is trimmed by a repair
            if (size < old) Ext2Inode.trim(this, ino, size);
            Ext2Inode.touch(this, ino, now());
            return 0;
        });
    }

    /** Names in a directory, without "." and ".."; null if path is not a readable directory. */
    public List<String> list(String path) {
        try {
            int ino = walk(ROOT_INO, path);
            if (ino < 0 || !Ext2Inode.isDir(this, ino)) return null;
            List<String> names = new ArrayList<>();
            long pos = 0;
            for (DirEntry e; (e = Ext2Dir.next(this, ino, pos)) != null; pos = e.nextPos()) {
                if (!e.name().equals(".") && !e.name().equals("..")) names.add(e.name());
            }
            return names;
        } catch (Ext2Exception e) {
            return null;
        }
    }

    /**
     * The first directory entry at or after byte position pos of directory dir (for getdents: start at 0, continue
     * at the returned entry's nextPos), or null at the end. Throws Ext2Exception on a corrupt directory.
     */
    public DirEntry readdir(int dir, long pos) {
        if (!Ext2Inode.isDir(this, dir)) throw new IllegalArgumentException("inode " + dir + " is not a directory");
        return Ext2Dir.next(this, dir, pos);
    }

    /**
     * The disk block holding block lbn of a regular file (its bytes lbn * 4096 onwards), 0 for a hole, or -errno.
     * For the memory manager's shared file pages, which are read and written in a frame of their own.
     */
    public long blockOf(int ino, long lbn) {
        long[] b = new long[1];
        int r = guard(() -> {
            int ck = checkRegular(ino);
            if (ck < 0) return ck;
            b[0] = lbn < 0 ? 0 : Ext2Inode.bmap(this, ino, lbn, false);
            return 0;
        });
        return r < 0 ? r : b[0];
    }

    /** The size of a regular file, or -errno. */
    public long sizeOf(int ino) {
        long[] b = new long[1];
        int r = guard(() -> {
            int ck = checkRegular(ino);
            if (ck < 0) return ck;
            b[0] = Ext2Inode.size(this, ino);
            return 0;
        });
        return r < 0 ? r : b[0];
    }

    /** A repair of the inodes an interrupted call touched (used once, by a resurrected kernel). */
    public Ext2Repair repair() { return new Ext2Repair(this, ino -> false); }

    /** A repair that keeps the orphans a resurrected process holds (held(ino)). */
    public Ext2Repair repair(java.util.function.IntPredicate held) { return new Ext2Repair(this, held); }

    /** The byte form of a path's last component and the inode of its directory, or -errno in dir. */
    public int parentOf(int start, String path) {
        try {
            return parent(start, path).dir;
        } catch (Ext2Exception | java.io.UncheckedIOException e) {
            return -EIO;
        }
    }

    /** The last component of path as ext2 stores it. */
    public static byte[] lastName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return nameBytes(p.substring(p.lastIndexOf('/') + 1));
    }

    /** Write every dirty block to the disk and flush the device; returns the number of blocks written. */
    public int sync() {
        int n = cache.writeBack();
        cache.disk().flush();
        return n;
    }

    private int checkRegular(int ino) {
        if (ino < 1 || ino > inodesCount) return -EINVAL;
        int mode = Ext2Inode.mode(this, ino);
        if ((mode & Stat.S_IFMT) == Stat.S_IFDIR) return -EISDIR;
        if ((mode & Stat.S_IFMT) != Stat.S_IFREG) return -EINVAL;
        if (Ext2Inode.links(this, ino) == 0 && !Ext2Alloc.inodeUsed(this, ino)) return -ENOENT; // an orphan is readable
        return 0;
    }
}
