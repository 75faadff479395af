package otherworld.kernel.fs;

import static otherworld.kernel.Errno.EFBIG;

/**
 * ext2 inodes: fields, the block map (12 direct pointers, then single-, double- and triple-indirect blocks of
 * 1024 pointers), allocation on write, trimming on truncate, and release when the last link goes.
 *
 * <p>Inode ino (1-based) lives in group (ino-1)/inodesPerGroup, at index (ino-1)%inodesPerGroup of that group's
 * inode table. Every field is read and written at its disk position through the cache (see {@link Ext2#r32}).
 *
 * <p>Invariant kept for e2fsck between system calls: i_blocks counts, in 512-byte units, every data and indirect
 * block the map reaches (plus an extended-attribute block); no data block lies beyond the last block covered by
 * i_size (a write's tail grows i_size over what it allocated, trim frees what lies past the new size and zeroes the
 * tail of the last partial block, so bytes past EOF are always zero). Inside a call, blocks past EOF may exist (a
 * write allocates before its tail sets the size): after a crash {@link Ext2Repair#reconcile} trims them.
 */
final class Ext2Inode {
    private Ext2Inode() { }

    // Offsets in the on-disk inode (e2fsprogs' struct ext2_inode / ext2_inode_large).
    static final int I_MODE = 0, I_UID = 2, I_SIZE = 4, I_ATIME = 8, I_CTIME = 12, I_MTIME = 16, I_DTIME = 20,
            I_GID = 24, I_LINKS = 26, I_BLOCKS = 28, I_FLAGS = 32, I_BLOCK = 40, I_FILE_ACL = 104,
            I_SIZE_HIGH = 108, I_UID_HIGH = 120, I_GID_HIGH = 122, I_EXTRA_ISIZE = 128, I_CRTIME = 144;
    /** i_extra_isize mke2fs/debugfs give new large inodes: the fields up to i_crtime_extra and i_version_hi. */
    static final int EXTRA_ISIZE = 32;
    static final int N_DIRECT = 12;
    /** EXT2_INDEX_FL: directory has an htree index (we keep directories linear and clear it on change). */
    static final int INDEX_FL = 0x1000;
    static final int LINK_MAX = 32000;
    static final long XATTR_MAGIC = 0xEA020000L;

    private static final long P = Ext2.PTRS;
    private static final int SECTORS_PER_BLOCK = Ext2.BS / 512;
    /**
     * Largest file: i_blocks is a u32 of 512-byte sectors (no huge_file), so data plus indirect blocks must stay
     * below 2^29 blocks; 2^21 blocks are left for the indirect blocks (as Linux's ext2_max_size, rounded down).
     */
    static final long MAX_FILE_SIZE = ((1L << 29) - 1 - (2L << 20)) * Ext2.BS;

    /** Disk position of inode ino; Ext2Exception if ino is outside the file system. */
    static long pos(Ext2 fs, int ino) {
        if (ino < 1 || ino > fs.inodesCount) throw new Ext2Exception("inode " + ino + " out of range 1.." + fs.inodesCount);
        int index = (ino - 1) % fs.inodesPerGroup;
        long table = fs.u32(fs.gdPos(group(fs, ino)) + Ext2.GD_INODE_TABLE);
        fs.checkBlock(table, "inode table");
        return table * Ext2.BS + (long) index * fs.inodeSize;
    }

    static int group(Ext2 fs, int ino) { return (ino - 1) / fs.inodesPerGroup; }

    static int mode(Ext2 fs, int ino) { return fs.r16(pos(fs, ino) + I_MODE); }

    static boolean isDir(Ext2 fs, int ino) { return (mode(fs, ino) & Stat.S_IFMT) == Stat.S_IFDIR; }

    static boolean isSymlink(Ext2 fs, int ino) { return (mode(fs, ino) & Stat.S_IFMT) == Stat.S_IFLNK; }

    /** Bytes of a fast symlink's target kept in i_block itself. */
    static final int FAST_SYMLINK_MAX = 60;

    /**
     * The target of symlink ino: the bytes of i_block (a fast symlink) or of its first data block; at most 4095
     * bytes (PATH_MAX - 1).
     */
    static byte[] readlink(Ext2 fs, int ino) {
        long p = pos(fs, ino);
        long size = fs.u32(p + I_SIZE);
        if (size >= Ext2.BS) throw new Ext2Exception("symlink " + ino + " has size " + size);
        byte[] b = new byte[(int) size];
        if (!hasBlockMap(fs, ino)) {
            if (size > FAST_SYMLINK_MAX) throw new Ext2Exception("fast symlink " + ino + " has size " + size);
            fs.mem.read(fs.cache.get((p + I_BLOCK) / Ext2.BS) + (p + I_BLOCK) % Ext2.BS, b, 0, b.length);
            return b;
        }
        long pb = bmap(fs, ino, 0, false);
        if (pb == 0) throw new Ext2Exception("symlink " + ino + " has no data block");
        fs.mem.read(fs.cache.get(pb), b, 0, b.length);
        return b;
    }

    static int links(Ext2 fs, int ino) { return fs.r16(pos(fs, ino) + I_LINKS); }

    static void setLinks(Ext2 fs, int ino, int n) { fs.w16(pos(fs, ino) + I_LINKS, n); }

    static long size(Ext2 fs, int ino) {
        long p = pos(fs, ino);
        long lo = fs.u32(p + I_SIZE);
        return isDir(fs, ino) ? lo : lo | fs.u32(p + I_SIZE_HIGH) << 32;
    }

    static void setSize(Ext2 fs, int ino, long size) {
        long p = pos(fs, ino);
        fs.w32(p + I_SIZE, size);
        fs.w32(p + I_SIZE_HIGH, size >>> 32);
    }

    /** The contents changed: mtime and ctime become t. */
    static void touch(Ext2 fs, int ino, long t) {
        long p = pos(fs, ino);
        fs.w32(p + I_MTIME, t);
        fs.w32(p + I_CTIME, t);
    }

    static void setCtime(Ext2 fs, int ino, long t) { fs.w32(pos(fs, ino) + I_CTIME, t); }

    static int flags(Ext2 fs, int ino) { return fs.r32(pos(fs, ino) + I_FLAGS); }

    static void setFlags(Ext2 fs, int ino, int flags) { fs.w32(pos(fs, ino) + I_FLAGS, flags); }

    /** Add delta blocks to i_blocks. */
    private static void addBlocks(Ext2 fs, int ino, long delta) {
        long p = pos(fs, ino);
        fs.w32(p + I_BLOCKS, fs.u32(p + I_BLOCKS) + delta * SECTORS_PER_BLOCK);
    }

    /** A freshly allocated inode: zeroed, then mode, link count and times. */
    static void init(Ext2 fs, int ino, int mode, int links, long t) {
        long p = pos(fs, ino);
        fs.mem.zero(fs.cache.modify(p / Ext2.BS) + p % Ext2.BS, fs.inodeSize);
        fs.w16(p + I_MODE, mode);
        fs.w16(p + I_LINKS, links);
        fs.w32(p + I_ATIME, t);
        fs.w32(p + I_CTIME, t);
        fs.w32(p + I_MTIME, t);
        if (fs.inodeSize >= Ext2Inode.I_CRTIME + 8) {
            fs.w16(p + I_EXTRA_ISIZE, EXTRA_ISIZE);
            fs.w32(p + I_CRTIME, t);
        }
    }

    static Stat stat(Ext2 fs, int ino) {
        long p = pos(fs, ino);
        int links = fs.r16(p + I_LINKS);
        if (links == 0 && !Ext2Alloc.inodeUsed(fs, ino)) return null; // free; an orphan (links 0, in use) is still there
        int mode = fs.r16(p + I_MODE);
        int type = mode & Stat.S_IFMT;
        int major = 0, minor = 0;
        if (type == Stat.S_IFCHR || type == 0x6000) { // a device: its number in i_block, as Linux's ext2 keeps it
            int old = fs.r32(p + I_BLOCK), dev = fs.r32(p + I_BLOCK + 4);
            major = old != 0 ? old >>> 8 & 0xFF : (dev & 0xFFF00) >>> 8;
            minor = old != 0 ? old & 0xFF : (dev & 0xFF) | (dev >>> 12 & 0xFFF00);
        }
        return new Stat(ino, mode, links,
                fs.r16(p + I_UID) | fs.r16(p + I_UID_HIGH) << 16,
                fs.r16(p + I_GID) | fs.r16(p + I_GID_HIGH) << 16,
                size(fs, ino), fs.u32(p + I_BLOCKS),
                fs.u32(p + I_ATIME), fs.u32(p + I_MTIME), fs.u32(p + I_CTIME), major, minor);
    }

    /**
     * A device node's number into i_block, as Linux's ext2 writes it: a major and minor below 256 in i_block[0]
     * (old_encode_dev), others in i_block[1] (new_encode_dev) with i_block[0] zero.
     */
    static void setRdev(Ext2 fs, int ino, int major, int minor) {
        long p = pos(fs, ino);
        if (major < 256 && minor < 256) {
            fs.w32(p + I_BLOCK, major << 8 | minor);
        } else {
            fs.w32(p + I_BLOCK + 4, (minor & 0xFF) | major << 8 | (minor & ~0xFF) << 12);
        }
    }

    // ---- block map ----

    /**
     * Physical block holding logical block lbn of inode ino. A hole gives 0, unless alloc: then the missing
     * indirect blocks and the data block are allocated (zero-filled, dirty) and linked in, and the result is the
     * new block or -ENOSPC / -EFBIG. Walks at most four pointers; each one found on disk is range-checked.
     */
    static long bmap(Ext2 fs, int ino, long lbn, boolean alloc) {
        long rel = lbn;
        int depth;
        int root;
        if (rel < N_DIRECT) {
            depth = 0;
            root = (int) rel;
        } else if ((rel -= N_DIRECT) < P) {
            depth = 1;
            root = N_DIRECT;
        } else if ((rel -= P) < P * P) {
            depth = 2;
            root = N_DIRECT + 1;
        } else if ((rel -= P * P) < P * P * P) {
            depth = 3;
            root = N_DIRECT + 2;
        } else {
            return alloc ? -EFBIG : 0;
        }
        long ptrPos = pos(fs, ino) + I_BLOCK + 4L * root;
        boolean firstInArray = root == 0;
        long holder = 0; // the indirect block holding ptrPos, 0 for the inode
        for (int d = depth; ; d--) {
            long b = fs.u32(ptrPos);
            if (b == 0) {
                if (!alloc) return 0;
                // Found free, zeroed, linked, then marked used (Ext2Alloc: the order a repair relies on).
                b = Ext2Alloc.findBlock(fs, goal(fs, ino, ptrPos, firstInArray, holder));
                if (b < 0) return b;
                fs.cache.getZeroed(b);
                fs.w32(ptrPos, b);
                Ext2Alloc.markBlock(fs, b);
                addBlocks(fs, ino, 1);
            } else {
                fs.checkBlock(b, "inode " + ino + " block map");
            }
            if (d == 0) return b;
            long span = d == 1 ? 1 : d == 2 ? P : P * P;
            int index = (int) (rel / span % P);
            holder = b;
            ptrPos = b * Ext2.BS + 4L * index;
            firstInArray = index == 0;
        }
    }

    /** Where to look for a block to put at ptrPos: after the previous pointer's block, else after its holder. */
    private static long goal(Ext2 fs, int ino, long ptrPos, boolean firstInArray, long holder) {
        long g = 0;
        if (!firstInArray) {
            long prev = fs.u32(ptrPos - 4);
            if (prev != 0) g = prev + 1;
        }
        if (g == 0 && holder != 0) g = holder + 1;
        if (g == 0 || g >= fs.blocksCount) g = fs.firstDataBlock + (long) group(fs, ino) * fs.blocksPerGroup;
        return g;
    }

    /**
     * Free every block past the first size bytes: data blocks at or after logical block ceil(size/4096), and
     * indirect blocks left with no pointers. Zeroes the rest of the last partial block. i_size is not changed.
     */
    static void trim(Ext2 fs, int ino, long size) {
        trim(fs, ino, size, null);
    }

    /**
     * trim; with a {@code repair} set, a block already marked free (an earlier, interrupted trim freed it and did
     * not unlink it yet) is unlinked without complaint, counts are left to the repair (which recounts the groups
     * added to the set) and so is i_blocks.
     */
    static void trim(Ext2 fs, int ino, long size, java.util.Set<Integer> repair) {
        long first = (size + Ext2.BS - 1) / Ext2.BS;
        long[] freed = {0};
        long ip = pos(fs, ino);
        for (int k = N_DIRECT - 1; k >= 0 && k >= first; k--) {
            long b = fs.u32(ip + I_BLOCK + 4L * k);
            if (b == 0) continue;
            fs.checkBlock(b, "inode " + ino + " block map");
            free(fs, b, repair);
            fs.w32(ip + I_BLOCK + 4L * k, 0);
            freed[0]++;
        }
        long base = N_DIRECT;
        long span = P;
        for (int level = 1; level <= 3; level++) {
            long ptrPos = ip + I_BLOCK + 4L * (N_DIRECT - 1 + level);
            long b = fs.u32(ptrPos);
            if (b != 0 && base + span > first && trimTree(fs, ino, b, level, base, first, freed, repair)) fs.w32(ptrPos, 0);
            base += span;
            span *= P;
        }
        if (repair == null) addBlocks(fs, ino, -freed[0]); // a repair recounts i_blocks from the map afterwards
        int tail = (int) (size % Ext2.BS);
        if (tail != 0) {
            long pb = bmap(fs, ino, size / Ext2.BS, false);
            if (pb != 0) fs.mem.zero(fs.cache.modify(pb) + tail, Ext2.BS - tail);
        }
    }

    /**
     * Free the data blocks at logical index >= first in the tree under ptr (depth levels of indirection, covering
     * logical blocks from base), and ptr itself if nothing is left under it. Returns true when ptr was freed.
     * Recursion depth is at most 3; a block met twice is caught by freeBlock as a double free.
     */
    private static boolean trimTree(Ext2 fs, int ino, long ptr, int depth, long base, long first, long[] freed,
                                    java.util.Set<Integer> repair) {
        fs.checkBlock(ptr, "inode " + ino + " indirect block");
        long span = depth == 1 ? 1 : depth == 2 ? P : P * P;
        boolean all = base >= first; // everything under ptr goes: no need to clear its pointers
        boolean empty = true;
        for (int i = 0; i < P; i++) {
            long pp = ptr * Ext2.BS + 4L * i;
            long child = fs.u32(pp);
            if (child == 0) continue;
            long childBase = base + i * span;
            if (childBase + span <= first) {
                empty = false;
                continue;
            }
            boolean gone;
            if (depth == 1) {
                fs.checkBlock(child, "inode " + ino + " block map");
                free(fs, child, repair);
                freed[0]++;
                gone = true;
            } else {
                gone = trimTree(fs, ino, child, depth - 1, childBase, first, freed, repair);
            }
            if (!gone) empty = false;
            else if (!all) fs.w32(pp, 0);
        }
        if (!empty) return false;
        free(fs, ptr, repair);
        freed[0]++;
        return true;
    }

    private static void free(Ext2 fs, long b, java.util.Set<Integer> repair) {
        if (repair == null) {
            Ext2Alloc.freeBlock(fs, b);
        } else {
            repair.add(Ext2Alloc.group(fs, b));
            Ext2Alloc.setBit(fs, fs.u32(fs.gdPos(Ext2Alloc.group(fs, b)) + Ext2.GD_BLOCK_BITMAP),
                    (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup), false);
        }
    }

    /**
     * Whether i_block is a block map. It is not for device nodes, fifos and sockets (device numbers or nothing)
     * nor for fast symlinks (the target text itself, recognised as e2fsprogs does: no data blocks counted
     * in i_blocks besides an xattr block).
     */
    static boolean hasBlockMap(Ext2 fs, int ino) {
        long p = pos(fs, ino);
        int type = fs.r16(p + I_MODE) & Stat.S_IFMT;
        if (type == Stat.S_IFREG || type == Stat.S_IFDIR) return true;
        if (type != Stat.S_IFLNK) return false;
        long aclSectors = fs.u32(p + I_FILE_ACL) != 0 ? SECTORS_PER_BLOCK : 0;
        return fs.u32(p + I_BLOCKS) - aclSectors > 0;
    }

    /** The last link is gone: free the blocks, the extended-attribute block and the inode; i_dtime := t (if t >= 0). */
    static void release(Ext2 fs, int ino, long t) {
        boolean dir = isDir(fs, ino);
        if (hasBlockMap(fs, ino)) trim(fs, ino, 0);
        long p = pos(fs, ino);
        long acl = fs.u32(p + I_FILE_ACL);
        if (acl != 0) {
            fs.checkBlock(acl, "inode " + ino + " xattr block");
            long h = acl * Ext2.BS;
            if (fs.u32(h) != XATTR_MAGIC) throw new Ext2Exception("inode " + ino + ": block " + acl + " is not an xattr block");
            long refs = fs.u32(h + 4);
            if (refs > 1) fs.w32(h + 4, refs - 1);
            else Ext2Alloc.freeBlock(fs, acl);
            fs.w32(p + I_FILE_ACL, 0);
        }
        fs.w32(p + I_BLOCKS, 0);
        setSize(fs, ino, 0);
        fs.w16(p + I_LINKS, 0);
        if (t >= 0) fs.w32(p + I_DTIME, t); // an orphan's i_dtime is the orphan list's link: kept (t < 0)
        Ext2Alloc.freeInode(fs, ino, dir);
    }
}
