package otherworld.kernel.fs;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the kernel does not keep twice and a resurrected kernel derives instead, for the few inodes an interrupted
 * system call could have touched (its registers and sysword name them): e2fsck's passes on a handful of inodes, not
 * on the disk. The running kernel never calls this; a resurrected kernel does, once, before any process runs.
 *
 * <p>Why it is enough (the write orders it relies on, see {@link Ext2Alloc}, {@link Ext2Inode}, {@link Ext2Dir}):
 * <ul>
 *   <li>a block is linked into its inode before it is marked used, and marked free before it is unlinked, so a block
 *       whose bit disagrees with the map is still named by the interrupted call's inode: {@link #reconcile} marks the
 *       blocks the inode names within its size and frees those past it (a write links blocks before its tail sets
 *       the size; a truncate sets the size before it frees);</li>
 *   <li>a directory entry appears or disappears by one write (an inode number, or the rec_len of the entry before
 *       it), so a directory is never half changed; a block appended to a directory lies past its size until the
 *       size is written, and is trimmed like any other;</li>
 *   <li>free counts follow their bits in the same call, so a count can be off only in a group whose bits the call
 *       changed: those groups are recounted from their bitmaps, and the superblock's totals summed from the
 *       group descriptors.</li>
 * </ul>
 * Every step is idempotent: a crash during a repair is survived by repairing again.
 */
public final class Ext2Repair {
    private final Ext2 fs;
    private final Set<Integer> groups = new TreeSet<>();
    /** Whether a process still holds an inode open (an orphan it holds is kept, not released). */
    private final java.util.function.IntPredicate held;

    Ext2Repair(Ext2 fs, java.util.function.IntPredicate held) {
        this.fs = fs;
        this.held = held;
    }

    /**
     * Make inode ino agree with itself and the bitmaps. An inode with no links (its release was interrupted, or it
     * was being made and is now forgotten) is released whole: every block freed, i_blocks and size 0, its bit clear.
     * Otherwise the blocks past its size are freed and unlinked, the blocks within it marked used, i_blocks recounted.
     */
    public void reconcile(int ino) {
        if (!nameable(ino)) return;
        groups.add(Ext2Inode.group(fs, ino));
        long p = Ext2Inode.pos(fs, ino);
        if (Ext2Inode.links(fs, ino) == 0) {
            if (held.test(ino)) { // an orphan a resurrected process holds: whole, and listed
                if (Ext2Inode.hasBlockMap(fs, ino)) mend(ino, p);
                markUsed(ino);
                Ext2Orphans.add(fs, ino);
                return;
            }
            boolean listed = Ext2Orphans.contains(fs, ino);
            if (Ext2Alloc.inodeUsed(fs, ino) || Ext2Inode.mode(fs, ino) != 0) release(ino, listed);
            if (listed) {
                Ext2Orphans.unlink(fs, ino);
                fs.w32(p + Ext2Inode.I_DTIME, fs.now());
            }
            return;
        }
        if (Ext2Inode.isDir(fs, ino)) {
            try {
                Ext2Names.recountLinks(fs, ino);
            } catch (Ext2Exception halfReleased) {
                // rmdir's tail was releasing it when the kernel died (its blocks gone, its links not yet 0): there are
                // no entries to count; the tail, made again next, finishes the release
            }
        }
        if (!Ext2Inode.hasBlockMap(fs, ino)) return;
        mend(ino, p);
    }

    /**
     * Whether a call can name ino: the root or an inode past the reserved ones. Calls name inodes by their registers
     * and sysword, which a crash can leave saying anything; a reserved inode (the bad-blocks list, the resize inode:
     * in use with no links, or with a map of reserved blocks) is never a call's to release or recount.
     */
    private boolean nameable(int ino) {
        return ino == Ext2.ROOT_INO || ino >= fs.firstIno && ino <= fs.inodesCount;
    }

    /** Blocks past the size freed, those within it marked, i_blocks recounted, the inode's bit set. */
    private void mend(int ino, long p) {
        Ext2Inode.trim(fs, ino, Ext2Inode.size(fs, ino), groups);
        long blocks = markMap(ino);
        long acl = fs.u32(p + Ext2Inode.I_FILE_ACL) != 0 ? 1 : 0;
        fs.w32(p + Ext2Inode.I_BLOCKS, (blocks + acl) * (Ext2.BS / 512));
        markUsed(ino);
    }

    private void markUsed(int ino) {
        if (!Ext2Alloc.inodeUsed(fs, ino)) setInodeBit(ino, true);
    }

    /** An inode the interrupted call was making, which nothing must name now: its entry in dir removed, it freed. */
    public void forgetCreated(int dir, byte[] name, int ino) {
        if (ino < fs.firstIno || ino > fs.inodesCount) return;
        if (Ext2Inode.isDir(fs, dir) && Ext2Dir.find(fs, dir, name) == ino) Ext2Dir.remove(fs, dir, name);
        reconcile(dir);
        fs.w16(Ext2Inode.pos(fs, ino) + Ext2Inode.I_LINKS, 0);
        release(ino, false);
    }

    /** Entry name of dir gets the file type of the inode it names (a retarget is one write; a repair checks). */
    public void fixType(int dir, byte[] name) {
        if (!nameable(dir) || !Ext2Inode.isDir(fs, dir)) return;
        Ext2Dir.fixType(fs, dir, name);
    }

    /** Free ino whole; on the orphan list its i_dtime is the list's link, which the caller unlinks first. */
    private void release(int ino, boolean listed) {
        long p = Ext2Inode.pos(fs, ino);
        if (Ext2Inode.hasBlockMap(fs, ino)) Ext2Inode.trim(fs, ino, 0, groups);
        fs.w32(p + Ext2Inode.I_BLOCKS, 0);
        Ext2Inode.setSize(fs, ino, 0);
        // a time of death, not 0 nor an inode number (an orphan list's link written just before a crash: e2fsck's
        // "low dtime")
        if (!listed && fs.u32(p + Ext2Inode.I_DTIME) <= fs.inodesCount) fs.w32(p + Ext2Inode.I_DTIME, fs.now());
        setInodeBit(ino, false);
        groups.add(Ext2Inode.group(fs, ino));
    }

    /** Inode ino's bit, without the counts (finish recounts the group). */
    private void setInodeBit(int ino, boolean on) {
        long bitmap = fs.u32(fs.gdPos((ino - 1) / fs.inodesPerGroup) + Ext2.GD_INODE_BITMAP);
        Ext2Alloc.setBit(fs, bitmap, (ino - 1) % fs.inodesPerGroup, on);
    }

    /** Mark every block the map of ino names (data and indirect) used; returns how many there are. */
    private long markMap(int ino) {
        long ip = Ext2Inode.pos(fs, ino);
        long n = 0;
        for (int k = 0; k < Ext2Inode.N_DIRECT + 3; k++) {
            long b = fs.u32(ip + Ext2Inode.I_BLOCK + 4L * k);
            if (b == 0) continue;
            int depth = k < Ext2Inode.N_DIRECT ? 0 : k - Ext2Inode.N_DIRECT + 1;
            n += mark(ino, b, depth);
        }
        return n;
    }

    private long mark(int ino, long b, int depth) {
        fs.checkBlock(b, "inode " + ino + " block map");
        int g = Ext2Alloc.group(fs, b);
        groups.add(g);
        if (!Ext2Alloc.blockUsed(fs, b)) {
            Ext2Alloc.setBit(fs, fs.u32(fs.gdPos(g) + Ext2.GD_BLOCK_BITMAP),
                    (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup), true);
        }
        long n = 1;
        if (depth == 0) return n;
        for (int i = 0; i < Ext2.PTRS; i++) {
            long child = fs.u32(b * Ext2.BS + 4L * i);
            if (child != 0) n += mark(ino, child, depth - 1);
        }
        return n;
    }

    /** The groups whose bits changed get their free counts from their bitmaps; the superblock sums the groups. */
    public void finish() {
        byte[] bitmap = new byte[Ext2.BS];
        for (int g : groups) {
            long gd = fs.gdPos(g);
            long groupFirst = fs.firstDataBlock + (long) g * fs.blocksPerGroup;
            int nbits = (int) Math.min(fs.blocksPerGroup, fs.blocksCount - groupFirst);
            fs.readBlock(fs.u32(gd + Ext2.GD_BLOCK_BITMAP), bitmap);
            int freeBlocks = nbits - ones(bitmap, nbits);
            fs.readBlock(fs.u32(gd + Ext2.GD_INODE_BITMAP), bitmap);
            int freeInodes = fs.inodesPerGroup - ones(bitmap, fs.inodesPerGroup);
            put16(gd + Ext2.GD_FREE_BLOCKS, freeBlocks);
            put16(gd + Ext2.GD_FREE_INODES, freeInodes);
            int dirs = 0;
            for (int i = 0; i < fs.inodesPerGroup; i++) {
                if ((bitmap[i >>> 3] & 1 << (i & 7)) != 0 && Ext2Inode.isDir(fs, g * fs.inodesPerGroup + i + 1)) dirs++;
            }
            put16(gd + Ext2.GD_USED_DIRS, dirs);
        }
        long blocks = 0, inodes = 0;
        for (int g = 0; g < fs.groups; g++) {
            blocks += fs.r16(fs.gdPos(g) + Ext2.GD_FREE_BLOCKS);
            inodes += fs.r16(fs.gdPos(g) + Ext2.GD_FREE_INODES);
        }
        if (fs.u32(Ext2.SB + Ext2.SB_FREE_BLOCKS) != blocks) fs.w32(Ext2.SB + Ext2.SB_FREE_BLOCKS, blocks);
        if (fs.u32(Ext2.SB + Ext2.SB_FREE_INODES) != inodes) fs.w32(Ext2.SB + Ext2.SB_FREE_INODES, inodes);
        groups.clear();
    }

    /** A 16-bit count := v, written only if it differs (a repair that finds nothing to mend writes nothing). */
    private void put16(long pos, int v) {
        if (fs.r16(pos) != v) fs.w16(pos, v);
    }

    private static int ones(byte[] bitmap, int nbits) {
        int n = 0;
        for (int i = 0; i < nbits; i++) if ((bitmap[i >>> 3] & 1 << (i & 7)) != 0) n++;
        return n;
    }
}
