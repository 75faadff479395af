package otherworld.kernel.fs;

/**
 * What stat(2) reports about an inode. blocks is in 512-byte units; times are seconds; rdevMajor and rdevMinor are
 * a device node's number (0 for other inodes).
 */
public record Stat(int ino, int mode, int nlink, int uid, int gid, long size, long blocks,
                   long atime, long mtime, long ctime, int rdevMajor, int rdevMinor) {
    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFLNK = 0xA000;
    public static final int S_IFCHR = 0x2000;

    public boolean isDir() { return (mode & S_IFMT) == S_IFDIR; }
    public boolean isRegular() { return (mode & S_IFMT) == S_IFREG; }
    public boolean isCharDevice() { return (mode & S_IFMT) == S_IFCHR; }

    /** st_rdev as Linux's new_encode_dev gives it to stat(2): minor's low byte, major, minor's high bits. */
    public long rdev() { return (rdevMinor & 0xFFL) | (long) rdevMajor << 8 | (long) (rdevMinor & ~0xFF) << 12; }
}
