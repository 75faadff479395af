package otherworld.kernel.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

import otherworld.emulator.MemoryDisk;

/**
 * An empty ext2 file system of any size, made in Java (so that a machine with only a JDK can make the disk of a run):
 * revision 1, 4096-byte blocks, 256-byte inodes, features filetype, sparse_super and large_file, a root directory and
 * a lost+found, as {@code mke2fs -t ext2 -b 4096 -I 256 -O ^resize_inode,^dir_index,^ext_attr} makes it. e2fsck -fn
 * finds what it makes clean (Ext2Test). Deterministic: fixed UUID, hash seed and times. Only the blocks that hold
 * metadata are written: on a sparse {@link MemoryDisk} the free space costs nothing.
 */
public final class Mkfs {
    private Mkfs() { }

    static final int BS = 4096, INODE_SIZE = 256, BLOCKS_PER_GROUP = 8 * BS, FIRST_INO = 11, LOST_FOUND = 11;

    /** {@link #disk}'s image as one array. */
    public static byte[] format(long bytes, int bytesPerInode, long t) { return disk(bytes, bytesPerInode, t).image(); }

    /**
     * A disk of the given size (rounded down to whole blocks, at least 2 MiB) with about one inode per
     * bytesPerInode bytes (at least 64 per group), its clock at time t (seconds since 1970).
     */
    public static MemoryDisk disk(long bytes, int bytesPerInode, long t) {
        long blocks = bytes / BS;
        if (blocks < 512) throw new IllegalArgumentException("a file system needs at least 2 MiB, not " + bytes + " bytes");
        if (blocks * BS > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("file system too large for one image (2 GiB): " + bytes);
        int perBlock = BS / INODE_SIZE;
        int groups, ipg, tableBlocks, gdtBlocks;
        while (true) {
            groups = (int) ((blocks + BLOCKS_PER_GROUP - 1) / BLOCKS_PER_GROUP);
            long inodesWanted = Math.max(groups * 64L, bytes / Math.max(1024, bytesPerInode));
            ipg = (int) Math.min(8L * BS, (inodesWanted / groups + perBlock - 1) / perBlock * perBlock);
            ipg = Math.max(ipg, perBlock * 4);
            tableBlocks = ipg / perBlock;
            gdtBlocks = (groups * 32 + BS - 1) / BS;
            long last = blocks - (long) (groups - 1) * BLOCKS_PER_GROUP;
            long meta = (hasBackup(groups - 1) ? 1 + gdtBlocks : 0) + 2 + tableBlocks + 64;
            if (groups == 1 || last >= meta) break;
            blocks = (long) (groups - 1) * BLOCKS_PER_GROUP; // a last group too small for its metadata is cut off
        }
        Blocks img = new Blocks();

        long freeBlocks = 0;
        long[] blockBitmap = new long[groups], inodeBitmap = new long[groups], inodeTable = new long[groups];
        int[] groupFree = new int[groups];
        for (int g = 0; g < groups; g++) {
            long first = (long) g * BLOCKS_PER_GROUP;
            long n = Math.min(BLOCKS_PER_GROUP, blocks - first);
            long meta = first + (hasBackup(g) ? 1 + gdtBlocks : 0);
            blockBitmap[g] = meta;
            inodeBitmap[g] = meta + 1;
            inodeTable[g] = meta + 2;
            long used = meta + 2 + tableBlocks - first;
            if (used + (g == 0 ? 5 : 0) > n) throw new IllegalArgumentException("group " + g + " too small for its metadata");
            groupFree[g] = (int) (n - used);
        }
        // Group 0's first data blocks: the root directory, then lost+found (4 blocks, as mke2fs gives it).
        long rootBlock = inodeTable[0] + tableBlocks;
        long lfBlock = rootBlock + 1;
        groupFree[0] -= 5;
        for (int g = 0; g < groups; g++) freeBlocks += groupFree[g];
        long inodes = (long) ipg * groups;
        long freeInodes = inodes - FIRST_INO; // 1..10 reserved, 11 lost+found (2, the root, among the reserved)

        // Superblock (and its backups).
        for (int g = 0; g < groups; g++) {
            if (!hasBackup(g)) continue;
            int sb = (int) ((long) g * BLOCKS_PER_GROUP * BS + (g == 0 ? 1024 : 0));
            img.putInt(sb, (int) inodes);
            img.putInt(sb + 4, (int) blocks);
            img.putInt(sb + 8, 0);                       // reserved blocks
            img.putInt(sb + 12, (int) freeBlocks);
            img.putInt(sb + 16, (int) freeInodes);
            img.putInt(sb + 20, 0);                      // first data block
            img.putInt(sb + 24, 2);                      // log block size: 1024 << 2
            img.putInt(sb + 28, 2);                      // log fragment size
            img.putInt(sb + 32, BLOCKS_PER_GROUP);
            img.putInt(sb + 36, BLOCKS_PER_GROUP);       // fragments per group
            img.putInt(sb + 40, ipg);
            img.putInt(sb + 44, 0);                      // mount time
            img.putInt(sb + 48, (int) t);                // write time
            img.putShort(sb + 52, (short) 0);            // mount count
            img.putShort(sb + 54, (short) -1);           // max mount count
            img.putShort(sb + 56, (short) 0xEF53);
            img.putShort(sb + 58, (short) 1);            // state: clean
            img.putShort(sb + 60, (short) 1);            // errors: continue
            img.putInt(sb + 64, (int) t);                // last check
            img.putInt(sb + 76, 1);                      // revision 1 (dynamic)
            img.putInt(sb + 84, FIRST_INO);
            img.putShort(sb + 88, (short) INODE_SIZE);
            img.putShort(sb + 90, (short) g);            // block group of this copy
            img.putInt(sb + 96, Ext2.INCOMPAT_FILETYPE);
            img.putInt(sb + 100, Ext2.RO_COMPAT_SPARSE_SUPER | Ext2.RO_COMPAT_LARGE_FILE);
            byte[] uuid = {0x6f, 0x74, 0x68, 0x65, 0x72, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0, 0, 0, 0, 0, 3};
            img.put(sb + 104, uuid);
            img.put(sb + 120, "otherworld".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] seed = uuid.clone();
            seed[15] = 4;
            img.put(sb + 236, seed);                     // hash seed
            img.put(sb + 252, (byte) 1);                 // default hash version: half MD4
            img.putShort(sb + 0x15C, (short) 32);        // s_min_extra_isize
            img.putShort(sb + 0x15E, (short) 32);        // s_want_extra_isize
            img.putInt(sb + 264, (int) t);               // mkfs time
        }
        // Group descriptors (and their backups), bitmaps.
        for (int g = 0; g < groups; g++) {
            long first = (long) g * BLOCKS_PER_GROUP;
            for (int c = 0; c < groups; c++) {
                if (!hasBackup(c)) continue;
                int gd = (int) (((long) c * BLOCKS_PER_GROUP + 1) * BS + g * 32L);
                img.putInt(gd, (int) blockBitmap[g]);
                img.putInt(gd + 4, (int) inodeBitmap[g]);
                img.putInt(gd + 8, (int) inodeTable[g]);
                img.putShort(gd + 12, (short) groupFree[g]);
                img.putShort(gd + 14, (short) (g == 0 ? ipg - FIRST_INO : ipg));
                img.putShort(gd + 16, (short) (g == 0 ? 2 : 0));
            }
            long n = Math.min(BLOCKS_PER_GROUP, blocks - first);
            long usedInGroup = blockBitmap[g] + 2 + tableBlocks - first + (g == 0 ? 5 : 0);
            int bb = (int) (blockBitmap[g] * BS);
            for (int i = 0; i < BLOCKS_PER_GROUP; i++) {
                if (i < usedInGroup || i >= n) img.put(bb + i / 8, (byte) (img.get(bb + i / 8) | 1 << (i % 8)));
            }
            int ib = (int) (inodeBitmap[g] * BS);
            for (int i = 0; i < 8 * BS; i++) {
                if (i >= ipg || g == 0 && i < FIRST_INO) img.put(ib + i / 8, (byte) (img.get(ib + i / 8) | 1 << (i % 8)));
            }
        }
        // The root directory and lost+found.
        int dirType = 2;
        inode(img, inodeTable[0], Ext2.ROOT_INO, 040755, 3, BS, new long[] {rootBlock}, t);
        int rb = (int) (rootBlock * BS);
        entry(img, rb, Ext2.ROOT_INO, 12, ".", dirType);
        entry(img, rb + 12, Ext2.ROOT_INO, 12, "..", dirType);
        entry(img, rb + 24, LOST_FOUND, BS - 24, "lost+found", dirType);
        inode(img, inodeTable[0], LOST_FOUND, 040700, 2, 4 * BS, new long[] {lfBlock, lfBlock + 1, lfBlock + 2, lfBlock + 3}, t);
        int lb = (int) (lfBlock * BS);
        entry(img, lb, LOST_FOUND, 12, ".", dirType);
        entry(img, lb + 12, Ext2.ROOT_INO, BS - 12, "..", dirType);
        for (int k = 1; k < 4; k++) entry(img, lb + k * BS, 0, BS, "", 0);
        return img.disk(blocks * BS);
    }

    /** The blocks written so far, by block number; the others read as zeros. Little-endian, like ext2. */
    private static final class Blocks {
        private final Map<Long, ByteBuffer> written = new TreeMap<>();

        private ByteBuffer block(long pos) {
            return written.computeIfAbsent(pos / BS, b -> ByteBuffer.allocate(BS).order(ByteOrder.LITTLE_ENDIAN));
        }

        void putInt(long pos, int v) { block(pos).putInt((int) (pos % BS), v); }
        void putShort(long pos, short v) { block(pos).putShort((int) (pos % BS), v); }
        void put(long pos, byte v) { block(pos).put((int) (pos % BS), v); }
        void put(long pos, byte[] v) { block(pos).put((int) (pos % BS), v); }
        byte get(long pos) { return block(pos).get((int) (pos % BS)); }

        MemoryDisk disk(long bytes) {
            MemoryDisk d = MemoryDisk.blank(bytes);
            for (Map.Entry<Long, ByteBuffer> e : written.entrySet()) d.write(e.getKey() * BS, e.getValue().array(), 0, BS);
            return d;
        }
    }

    /** sparse_super: copies of the superblock and descriptors in groups 0, 1 and the powers of 3, 5 and 7. */
    static boolean hasBackup(int g) {
        return g <= 1 || power(g, 3) || power(g, 5) || power(g, 7);
    }

    private static boolean power(int g, int b) {
        long p = b;
        while (p < g) p *= b;
        return p == g;
    }

    private static void inode(Blocks img, long table, int ino, int mode, int links, long size, long[] blocks, long t) {
        int p = (int) (table * BS + (long) (ino - 1) * INODE_SIZE);
        img.putShort(p, (short) mode);
        img.putInt(p + 4, (int) size);
        img.putInt(p + 8, (int) t);
        img.putInt(p + 12, (int) t);
        img.putInt(p + 16, (int) t);
        img.putShort(p + 26, (short) links);
        img.putInt(p + 28, blocks.length * (BS / 512));
        for (int i = 0; i < blocks.length; i++) img.putInt(p + 40 + 4 * i, (int) blocks[i]);
        img.putShort(p + 128, (short) 32);               // i_extra_isize
        img.putInt(p + 144, (int) t);                    // i_crtime
    }

    private static void entry(Blocks img, int at, int ino, int recLen, String name, int type) {
        img.putInt(at, ino);
        img.putShort(at + 4, (short) recLen);
        img.put(at + 6, (byte) name.length());
        img.put(at + 7, (byte) type);
        img.put(at + 8, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
