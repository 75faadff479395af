package otherworld.kernel.fs;

import static otherworld.kernel.Errno.ENOSPC;

/**
 * Block and inode allocation from the per-group bitmaps.
 *
 * <p>Invariant (what e2fsck pass 5 checks): for every group, the free count in its descriptor equals the zero
 * bits of its bitmaps, and the superblock's free counts are the sums over the groups; used_dirs counts the
 * group's directory inodes. Every allocation and free changes the bit, the group count and the superblock count
 * together. Bitmap bit i of group g is block firstDataBlock + g*blocksPerGroup + i, or inode g*inodesPerGroup +
 * i + 1. Bits past the end of the last group stay set, as mke2fs left them.
 *
 * <p>Order, for a crash between two of these writes: a block is found free ({@link #findBlock}, no write), linked
 * into its inode, and only then marked used ({@link #markBlock}); it is marked free before it is unlinked. So a block
 * whose bit and count disagree is always still named by the inode the interrupted call was working on, where
 * {@link Ext2Repair} finds it: no block is ever marked used with nothing naming it.
 */
final class Ext2Alloc {
    private Ext2Alloc() { }

    /** A free block, searching from goal on through its group and then the other groups; or -ENOSPC. No write. */
    static long findBlock(Ext2 fs, long goal) {
        if (goal < fs.firstDataBlock || goal >= fs.blocksCount) goal = fs.firstDataBlock;
        int g0 = (int) ((goal - fs.firstDataBlock) / fs.blocksPerGroup);
        byte[] bitmap = new byte[Ext2.BS];
        for (int k = 0; k < fs.groups; k++) {
            int g = (g0 + k) % fs.groups;
            long gd = fs.gdPos(g);
            if (fs.r16(gd + Ext2.GD_FREE_BLOCKS) == 0) continue;
            long bm = fs.u32(gd + Ext2.GD_BLOCK_BITMAP);
            fs.checkBlock(bm, "group " + g + " block bitmap");
            fs.readBlock(bm, bitmap);
            long groupFirst = fs.firstDataBlock + (long) g * fs.blocksPerGroup;
            int nbits = (int) Math.min(fs.blocksPerGroup, fs.blocksCount - groupFirst);
            int start = k == 0 ? (int) (goal - groupFirst) : 0;
            int bit = findZero(bitmap, nbits, start);
            if (bit >= 0) return groupFirst + bit;
        }
        return -ENOSPC;
    }

    /** Mark block b used (it was found free by findBlock and is now linked): its bit, the group and total counts. */
    static void markBlock(Ext2 fs, long b) {
        int g = group(fs, b);
        long gd = fs.gdPos(g);
        long bm = fs.u32(gd + Ext2.GD_BLOCK_BITMAP);
        int bit = (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup);
        long pos = bm * Ext2.BS + (bit >>> 3);
        fs.w8(pos, fs.r8(pos) | 1 << (bit & 7));
        addFree(fs, gd + Ext2.GD_FREE_BLOCKS, Ext2.SB + Ext2.SB_FREE_BLOCKS, -1);
    }

    static int group(Ext2 fs, long block) { return (int) ((block - fs.firstDataBlock) / fs.blocksPerGroup); }

    /** Whether block b's bit is set. */
    static boolean blockUsed(Ext2 fs, long b) {
        long bm = fs.u32(fs.gdPos(group(fs, b)) + Ext2.GD_BLOCK_BITMAP);
        int bit = (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup);
        return (fs.r8(bm * Ext2.BS + (bit >>> 3)) & 1 << (bit & 7)) != 0;
    }

    /** Whether inode ino's bit is set. */
    static boolean inodeUsed(Ext2 fs, int ino) {
        long bm = fs.u32(fs.gdPos((ino - 1) / fs.inodesPerGroup) + Ext2.GD_INODE_BITMAP);
        int bit = (ino - 1) % fs.inodesPerGroup;
        return (fs.r8(bm * Ext2.BS + (bit >>> 3)) & 1 << (bit & 7)) != 0;
    }

    /** Set or clear one bit of a bitmap block, without touching the counts (repair recounts them). */
    static void setBit(Ext2 fs, long bm, int bit, boolean on) {
        long pos = bm * Ext2.BS + (bit >>> 3);
        int v = fs.r8(pos);
        int w = on ? v | 1 << (bit & 7) : v & ~(1 << (bit & 7));
        if (w != v) fs.w8(pos, w);
    }

    /** Return block b to its group; Ext2Exception if it is already free or is group metadata (corrupt map). */
    static void freeBlock(Ext2 fs, long b) {
        fs.checkBlock(b, "freed block");
        int g = (int) ((b - fs.firstDataBlock) / fs.blocksPerGroup);
        long gd = fs.gdPos(g);
        long bm = fs.u32(gd + Ext2.GD_BLOCK_BITMAP);
        long table = fs.u32(gd + Ext2.GD_INODE_TABLE);
        long tableBlocks = ((long) fs.inodesPerGroup * fs.inodeSize + Ext2.BS - 1) / Ext2.BS;
        if (b == bm || b == fs.u32(gd + Ext2.GD_INODE_BITMAP) || (b >= table && b < table + tableBlocks)) {
            throw new Ext2Exception("block " + b + " to free is metadata of group " + g);
        }
        int bit = (int) ((b - fs.firstDataBlock) % fs.blocksPerGroup);
        if (!clearBit(fs, bm, bit)) throw new Ext2Exception("block " + b + " freed twice");
        addFree(fs, gd + Ext2.GD_FREE_BLOCKS, Ext2.SB + Ext2.SB_FREE_BLOCKS, 1);
    }

    /** A free inode at or after firstIno, in preferGroup if it has one; or -ENOSPC. No write. */
    static int findInode(Ext2 fs, int preferGroup) {
        byte[] bitmap = new byte[Ext2.BS];
        for (int k = 0; k < fs.groups; k++) {
            int g = (preferGroup + k) % fs.groups;
            long gd = fs.gdPos(g);
            if (fs.r16(gd + Ext2.GD_FREE_INODES) == 0) continue;
            long bm = fs.u32(gd + Ext2.GD_INODE_BITMAP);
            fs.checkBlock(bm, "group " + g + " inode bitmap");
            fs.readBlock(bm, bitmap);
            int groupFirst = g * fs.inodesPerGroup + 1;
            int start = Math.max(0, fs.firstIno - groupFirst);
            if (start >= fs.inodesPerGroup) continue;
            int bit = findZero(bitmap, fs.inodesPerGroup, start);
            if (bit < start) continue; // none, or only a reserved inode below firstIno
            return groupFirst + bit;
        }
        return -ENOSPC;
    }

    /** Mark inode ino (found free by findInode) used: its bit, the counts, used_dirs for a directory. */
    static void markInode(Ext2 fs, int ino, boolean dir) {
        int g = (ino - 1) / fs.inodesPerGroup;
        long gd = fs.gdPos(g);
        long bm = fs.u32(gd + Ext2.GD_INODE_BITMAP);
        fs.checkBlock(bm, "group " + g + " inode bitmap");
        int bit = (ino - 1) % fs.inodesPerGroup;
        long pos = bm * Ext2.BS + (bit >>> 3);
        fs.w8(pos, fs.r8(pos) | 1 << (bit & 7));
        addFree(fs, gd + Ext2.GD_FREE_INODES, Ext2.SB + Ext2.SB_FREE_INODES, -1);
        if (dir) fs.w16(gd + Ext2.GD_USED_DIRS, fs.r16(gd + Ext2.GD_USED_DIRS) + 1);
    }

    static void freeInode(Ext2 fs, int ino, boolean dir) {
        if (ino < fs.firstIno || ino > fs.inodesCount) throw new Ext2Exception("freeing reserved or bad inode " + ino);
        int g = (ino - 1) / fs.inodesPerGroup;
        long gd = fs.gdPos(g);
        long bm = fs.u32(gd + Ext2.GD_INODE_BITMAP);
        fs.checkBlock(bm, "group " + g + " inode bitmap");
        if (!clearBit(fs, bm, (ino - 1) % fs.inodesPerGroup)) throw new Ext2Exception("inode " + ino + " freed twice");
        addFree(fs, gd + Ext2.GD_FREE_INODES, Ext2.SB + Ext2.SB_FREE_INODES, 1);
        if (dir) fs.w16(gd + Ext2.GD_USED_DIRS, fs.r16(gd + Ext2.GD_USED_DIRS) - 1);
    }

    /** First zero bit in [start, nbits), else in [0, start); -1 if none. */
    static int findZero(byte[] bitmap, int nbits, int start) {
        for (int pass = 0; pass < 2; pass++) {
            int from = pass == 0 ? start : 0;
            int to = pass == 0 ? nbits : Math.min(start, nbits);
            for (int i = from; i < to; i++) {
                if ((bitmap[i >>> 3] & 0xFF) == 0xFF && (i & 7) == 0) {
                    i += 7;
                    continue;
                }
                if ((bitmap[i >>> 3] & (1 << (i & 7))) == 0) return i;
            }
        }
        return -1;
    }

    /** Clear one bit on disk; false if it was already clear. */
    private static boolean clearBit(Ext2 fs, long bm, int bit) {
        long pos = bm * Ext2.BS + (bit >>> 3);
        int v = fs.r8(pos);
        if ((v & 1 << (bit & 7)) == 0) return false;
        fs.w8(pos, v & ~(1 << (bit & 7)));
        return true;
    }

    /** Add delta to a group's 16-bit free count and the superblock's 32-bit one. */
    private static void addFree(Ext2 fs, long gdField, long sbField, int delta) {
        fs.w16(gdField, fs.r16(gdField) + delta);
        fs.w32(sbField, fs.u32(sbField) + delta);
    }
}
