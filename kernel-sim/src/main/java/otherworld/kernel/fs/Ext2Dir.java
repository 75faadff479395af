package otherworld.kernel.fs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import otherworld.kernel.verified.DirentWalk;

/**
 * ext2 directories: a file of 4096-byte blocks, each a chain of entries
 * {inode u32, rec_len u16, name_len u8, file_type u8, name} whose rec_lens add up to exactly the block.
 * An entry with inode 0 is unused space. We keep directories linear: adding or removing an entry clears the
 * htree flag (EXT2_INDEX_FL), as Linux's ext2 does; an htree's index blocks read as unused entries, so lookups
 * in an indexed directory made by mke2fs/e2fsck -D still work.
 *
 * <p>Every walk is bounded: a block holds at most 4096/12 entries, a directory at most size/4096 blocks. Each
 * block is walked whole by the proved {@link DirentWalk} before any of its entries is used (as Linux's
 * ext2_check_page does): a block with an entry whose rec_len is under 12, not a multiple of 4, too short for its
 * name or past the block end raises {@link Ext2Exception} (-EIO) instead of looping. A hole in a directory is
 * corrupt too.
 */
final class Ext2Dir {
    private Ext2Dir() { }

    static final int D_INODE = 0, D_REC_LEN = DirentWalk.REC_LEN, D_NAME_LEN = DirentWalk.NAME_LEN, D_FILE_TYPE = 7,
            D_NAME = DirentWalk.NAME;
    static final int MIN_REC_LEN = DirentWalk.MIN_REC_LEN;
    static final int FT_REG = 1, FT_DIR = 2;

    /** Bytes an entry with a name of n bytes needs: 8 + n, rounded up to 4. */
    static int recLen(int n) { return (D_NAME + n + 3) & ~3; }

    /** ext2 file type for a mode, 0 without the filetype feature. */
    static int fileType(Ext2 fs, int mode) {
        if (!fs.fileType) return 0;
        return switch (mode & Stat.S_IFMT) {
            case 0x8000 -> 1;
            case 0x4000 -> 2;
            case 0x2000 -> 3;
            case 0x6000 -> 4;
            case 0x1000 -> 5;
            case 0xC000 -> 6;
            case 0xA000 -> 7;
            default -> 0;
        };
    }

    private static long blocks(Ext2 fs, int dir) {
        long size = Ext2Inode.size(fs, dir);
        if (size % Ext2.BS != 0) throw new Ext2Exception("directory " + dir + " has size " + size + ", not a multiple of 4096");
        return size / Ext2.BS;
    }

    /** Physical block of directory block lbn; a hole is corrupt. */
    private static long block(Ext2 fs, int dir, long lbn) {
        long pb = Ext2Inode.bmap(fs, dir, lbn, false);
        if (pb == 0) throw new Ext2Exception("directory " + dir + " has a hole at block " + lbn);
        return pb;
    }

    private static int u16(byte[] b, int off) { return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8; }

    private static int u32(byte[] b, int off) { return u16(b, off) | u16(b, off + 2) << 16; }

    /**
     * The entries of one directory block as the proved walk ({@link DirentWalk}) found them: entry k lies at
     * off[k] .. off[k+1] and its name of nameLen[k] bytes lies inside it.
     */
    private static final class Entries {
        final int[] off = new int[Ext2.BS / MIN_REC_LEN + 1];
        final int[] nameLen = new int[Ext2.BS / MIN_REC_LEN];

        /** Walks blk, block lbn of directory dir: the number of entries. A chain that does not tile it is corrupt. */
        int walk(byte[] blk, int dir, long lbn) {
            int n = DirentWalk.walk(blk, Ext2.BS, off, nameLen);
            if (n > 0) return n;
            int at = -1 - n;
            if (at > Ext2.BS - MIN_REC_LEN) {
                throw new Ext2Exception("directory " + dir + " block " + lbn + " offset " + at
                        + ": entry past the block end");
            }
            throw new Ext2Exception("directory " + dir + " block " + lbn + " offset " + at + ": bad rec_len "
                    + u16(blk, at + D_REC_LEN) + " (name_len " + (blk[at + D_NAME_LEN] & 0xFF) + ")");
        }

        boolean named(byte[] blk, int k, byte[] name) {
            return nameLen[k] == name.length
                    && Arrays.equals(blk, off[k] + D_NAME, off[k] + D_NAME + nameLen[k], name, 0, nameLen[k]);
        }
    }

    /** Inode number of name in directory dir, or 0. */
    static int find(Ext2 fs, int dir, byte[] name) {
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = 0; lbn < n; lbn++) {
            fs.readBlock(block(fs, dir, lbn), blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k];
                int ino = u32(blk, off + D_INODE);
                if (ino != 0 && e.named(blk, k, name)) return ino;
            }
        }
        return 0;
    }

    /** The first used entry at or after directory position pos, or null at the end. */
    static DirEntry next(Ext2 fs, int dir, long pos) {
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = Math.max(0, pos) / Ext2.BS; lbn < n; lbn++) {
            fs.readBlock(block(fs, dir, lbn), blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k], rec = e.off[k + 1] - off;
                int ino = u32(blk, off + D_INODE);
                if (ino != 0 && lbn * Ext2.BS + off >= pos) {
                    String name = new String(blk, off + D_NAME, e.nameLen[k], StandardCharsets.UTF_8);
                    return new DirEntry(ino, blk[off + D_FILE_TYPE] & 0xFF, name, lbn * Ext2.BS + off + rec);
                }
            }
        }
        return null;
    }

    /** True when the directory holds nothing but "." and "..". */
    static boolean isEmpty(Ext2 fs, int dir) {
        for (DirEntry e = next(fs, dir, 0); e != null; e = next(fs, dir, e.nextPos())) {
            if (!e.name().equals(".") && !e.name().equals("..")) return false;
        }
        return true;
    }

    /** Write an entry; its inode number last, so that an unused entry becomes this one by that one write. */
    private static void put(Ext2 fs, long pb, int off, int ino, int rec, byte[] name, int type) {
        long p = pb * Ext2.BS + off;
        fs.mem.write(fs.cache.modify(pb) + off + D_NAME, name, 0, name.length);
        fs.w8(p + D_NAME_LEN, name.length);
        fs.w8(p + D_FILE_TYPE, type);
        fs.w16(p + D_REC_LEN, rec);
        fs.w32(p + D_INODE, ino);
    }

    /** The directory changed: drop any htree index, update mtime/ctime. */
    private static void changed(Ext2 fs, int dir) {
        int flags = Ext2Inode.flags(fs, dir);
        if ((flags & Ext2Inode.INDEX_FL) != 0) Ext2Inode.setFlags(fs, dir, flags & ~Ext2Inode.INDEX_FL);
        Ext2Inode.touch(fs, dir, fs.now());
    }

    /**
     * Add name → ino (whose mode gives the file type): into the first gap big enough (an unused entry, or the
     * slack after a used one, which is split), else into a new block appended to the directory. 0 or -ENOSPC.
     * The name appears by one write: the unused entry's inode number; or the used entry's rec_len shrunk once the
     * new entry is written in its slack; or the directory's size grown once the new block holds the entry. Before
     * that write, a crash leaves the directory as it was (a new block past the size is trimmed by a repair).
     */
    static int add(Ext2 fs, int dir, byte[] name, int ino, int mode) {
        int need = recLen(name.length);
        int type = fileType(fs, mode);
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = 0; lbn < n; lbn++) {
            long pb = block(fs, dir, lbn);
            fs.readBlock(pb, blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k], rec = e.off[k + 1] - off;
                boolean used = u32(blk, off + D_INODE) != 0;
                int keep = used ? recLen(e.nameLen[k]) : 0;
                if (rec - keep < need) continue;
                if (used) {
                    put(fs, pb, off + keep, ino, rec - keep, name, type);
                    fs.w16(pb * Ext2.BS + off + D_REC_LEN, keep);
                } else {
                    put(fs, pb, off, ino, rec, name, type);
                }
                changed(fs, dir);
                return 0;
            }
        }
        long pb = Ext2Inode.bmap(fs, dir, n, true);
        if (pb < 0) return (int) pb;
        put(fs, pb, 0, ino, Ext2.BS, name, type);
        Ext2Inode.setSize(fs, dir, (n + 1) * Ext2.BS);
        changed(fs, dir);
        return 0;
    }

    /**
     * Remove name, by one write: merged into the previous entry of its block (its rec_len grows over it), or marked
     * unused if first (its inode number 0). Its inode, or 0.
     */
    static int remove(Ext2 fs, int dir, byte[] name) {
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = 0; lbn < n; lbn++) {
            long pb = block(fs, dir, lbn);
            fs.readBlock(pb, blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k], rec = e.off[k + 1] - off, prev = k == 0 ? -1 : e.off[k - 1];
                int ino = u32(blk, off + D_INODE);
                if (ino == 0 || !e.named(blk, k, name)) continue;
                if (prev >= 0) fs.w16(pb * Ext2.BS + prev + D_REC_LEN, off - prev + rec);
                else fs.w32(pb * Ext2.BS + off + D_INODE, 0);
                changed(fs, dir);
                return ino;
            }
        }
        return 0;
    }

    /** Give new directory ino its first block: "." and "..". 0 or -ENOSPC. */
    static int initDir(Ext2 fs, int ino, int parent) {
        long pb = Ext2Inode.bmap(fs, ino, 0, true);
        if (pb < 0) return (int) pb;
        int dirType = fileType(fs, Stat.S_IFDIR);
        put(fs, pb, 0, ino, MIN_REC_LEN, new byte[] {'.'}, dirType);
        put(fs, pb, MIN_REC_LEN, parent, Ext2.BS - MIN_REC_LEN, new byte[] {'.', '.'}, dirType);
        Ext2Inode.setSize(fs, ino, Ext2.BS);
        return 0;
    }
}
