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
        long pos = locate(fs, dir, name);
        return pos < 0 ? 0 : fs.r32(pos + D_INODE);
    }

    /** Where the used entry name of directory dir is on the disk (block * BS + offset), or -1 if there is none. */
    private static long locate(Ext2 fs, int dir, byte[] name) {
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = 0; lbn < n; lbn++) {
            long pb = block(fs, dir, lbn);
            fs.readBlock(pb, blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k];
                if (u32(blk, off + D_INODE) != 0 && e.named(blk, k, name)) return pb * Ext2.BS + off;
            }
        }
        return -1;
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
                    String name = new String(blk, off + D_NAME, e.nameLen[k], StandardCharsets.ISO_8859_1);
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

    /**
     * Whether {@link #add} of a name of nameLen bytes would succeed now: a gap big enough, or the blocks a new
     * directory block needs (one, and an indirect block when the directory grows past its direct blocks). No write.
     */
    static boolean hasRoom(Ext2 fs, int dir, int nameLen) {
        int need = recLen(nameLen);
        byte[] blk = new byte[Ext2.BS];
        Entries e = new Entries();
        long n = blocks(fs, dir);
        for (long lbn = 0; lbn < n; lbn++) {
            fs.readBlock(block(fs, dir, lbn), blk);
            for (int k = 0, m = e.walk(blk, dir, lbn); k < m; k++) {
                int off = e.off[k], rec = e.off[k + 1] - off;
                int keep = u32(blk, off + D_INODE) != 0 ? recLen(e.nameLen[k]) : 0;
                if (rec - keep >= need) return true;
            }
        }
        long b = fs.freeBlocks();
        return n < Ext2Inode.N_DIRECT ? b >= 1 : b >= 3; // a data block, and up to two indirect ones
    }

    /**
     * Entry name of dir, which exists, names ino from now on (its file type with it): one 8-byte write of the entry's
     * header (inode, rec_len, name_len, file_type), so that the entry names the old inode with the old type or the new
     * one with the new type, never a mix. Returns the inode it named, or 0 if there is no such entry.
     */
    static int retarget(Ext2 fs, int dir, byte[] name, int ino, int mode) {
        long pos = locate(fs, dir, name);
        if (pos < 0) return 0;
        int old = fs.r32(pos + D_INODE);
        if (old == ino) return old;
        long header = (ino & 0xFFFF_FFFFL) | (long) fs.r16(pos + D_REC_LEN) << 32
                | (long) fs.r8(pos + D_NAME_LEN) << 48 | (long) fileType(fs, mode) << 56;
        fs.mem.w64(fs.cache.modify(pos / Ext2.BS) + pos % Ext2.BS, header);
        changed(fs, dir);
        return old;
    }

    /** The ".." of directory dir names parent (one write of its inode number; nothing if it already does). */
    static void setDotDot(Ext2 fs, int dir, int parent) {
        long pb = block(fs, dir, 0);
        byte[] blk = new byte[Ext2.BS];
        fs.readBlock(pb, blk);
        Entries e = new Entries();
        int m = e.walk(blk, dir, 0);
        for (int k = 0; k < m; k++) {
            int off = e.off[k];
            if (e.nameLen[k] == 2 && blk[off + D_NAME] == '.' && blk[off + D_NAME + 1] == '.') {
                if (u32(blk, off + D_INODE) != parent) fs.w32(pb * Ext2.BS + off + D_INODE, parent);
                return;
            }
        }
        throw new Ext2Exception("directory " + dir + " has no \"..\" in its first block");
    }

    /** The inode ".." names in directory dir, or 0. */
    static int dotDot(Ext2 fs, int dir) {
        return find(fs, dir, new byte[] {'.', '.'});
    }

    /** Subdirectories named in dir (entries other than "." and ".." whose inode is a directory). */
    static int subdirs(Ext2 fs, int dir) {
        int n = 0;
        for (DirEntry e = next(fs, dir, 0); e != null; e = next(fs, dir, e.nextPos())) {
            if (e.name().equals(".") || e.name().equals("..")) continue;
            if (e.ino() >= 1 && e.ino() <= fs.inodesCount && Ext2Inode.isDir(fs, e.ino())) n++;
        }
        return n;
    }

    /** The name under which dir names ino (the first such entry other than "." and ".."), or null. */
    static byte[] nameOf(Ext2 fs, int dir, int ino) {
        for (DirEntry e = next(fs, dir, 0); e != null; e = next(fs, dir, e.nextPos())) {
            if (e.ino() == ino && !e.name().equals(".") && !e.name().equals("..")) return Ext2.nameBytes(e.name());
        }
        return null;
    }

    /** Fix the file type of the entry name in dir to agree with its inode's mode (a repair). */
    static void fixType(Ext2 fs, int dir, byte[] name) {
        if (!fs.fileType) return;
        int ino = find(fs, dir, name);
        if (ino <= 0 || ino > fs.inodesCount) return;
        retargetType(fs, dir, name, fileType(fs, Ext2Inode.mode(fs, ino)));
    }

    private static void retargetType(Ext2 fs, int dir, byte[] name, int type) {
        long pos = locate(fs, dir, name);
        if (pos >= 0 && fs.r8(pos + D_FILE_TYPE) != type) fs.w8(pos + D_FILE_TYPE, type);
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
