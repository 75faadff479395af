package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2;
import otherworld.kernel.proc.Task;

/**
 * How a system call's path is resolved: an absolute path from the root; a relative one from the directory dirfd
 * names, or with AT_FDCWD from the task's working directory (its FSCTX record). Reads only: a call that resolves a
 * path in its part before the commit resolves it again when it is made again (its registers and the directories
 * are as they were), and its tail resolves it the same way.
 */
final class Paths {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int AT_EACCESS = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int PATH_MAX = 4096;

    private final Kernel k;
    private final Syscalls sys;

    Paths(Kernel k, Syscalls sys) {
        this.k = k;
        this.sys = sys;
    }

    /** The path at user address ptr (bytes, one char each), or null (EFAULT, or no NUL within PATH_MAX). */
    String path(Task t, long ptr) { return k.user.string(t.rootPa(), ptr, PATH_MAX); }

    /** The directory a path starts at: the root for an absolute path, else dirfd's directory or the cwd; or -errno. */
    int start(Task t, int dirfd, String path) {
        if (path.startsWith("/")) return Ext2.ROOT_INO;
        if (dirfd == AT_FDCWD) return k.fsctx.cwd(t.index);
        int f = sys.fileOf(t, dirfd);
        if (f < 0) return -EBADF;
        if (k.files.type(f) != FT_REG) return -ENOTDIR;
        int ino = k.files.ino(f);
        var st = k.fs.stat(ino);
        if (st == null) return -EIO;
        return st.isDir() ? ino : -ENOTDIR;
    }

    /** The inode path names from dirfd (the last symbolic link followed when follow), or -errno. */
    int resolve(Task t, int dirfd, String path, boolean follow) {
        if (path.isEmpty()) return -ENOENT;
        int start = start(t, dirfd, path);
        return start < 0 ? start : k.fs.resolve(start, path, follow);
    }

    /**
     * The inode a call that takes (dirfd, path, flags) names: with AT_EMPTY_PATH and an empty path, dirfd's own file
     * (its inode, a device's node included, or 0 for a tty or a pipe); else the path, followed unless
     * AT_SYMLINK_NOFOLLOW. -errno on failure.
     */
    int target(Task t, int dirfd, String path, int flags) {
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) return -ENOENT;
            if (dirfd == AT_FDCWD) return k.fsctx.cwd(t.index);
            int f = sys.fileOf(t, dirfd);
            if (f < 0) return -EBADF;
            return k.files.type(f) == FT_REG || k.files.type(f) == FT_DEV ? k.files.ino(f) : 0;
        }
        return resolve(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }
}
