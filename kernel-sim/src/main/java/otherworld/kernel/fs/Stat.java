package otherworld.kernel.fs;

/** What stat(2) reports about an inode. blocks is in 512-byte units; times are seconds. */
public record Stat(int ino, int mode, int nlink, int uid, int gid, long size, long blocks,
                   long atime, long mtime, long ctime) {
    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFLNK = 0xA000;

    public boolean isDir() { return (mode & S_IFMT) == S_IFDIR; }
    public boolean isRegular() { return (mode & S_IFMT) == S_IFREG; }
}
