package otherworld.kernel.sys;

import otherworld.kernel.Kernel;
import otherworld.kernel.file.FileTable;
import otherworld.kernel.fs.Ext2;

/** What the groups of file-system calls share: the kernel, its file table and file system, the dispatcher, paths. */
abstract class PathCalls {
    final Kernel k;
    final FileTable files;
    final Ext2 fs;
    final Syscalls sys;
    final Paths paths;

    PathCalls(Kernel k, Syscalls sys, Paths paths) {
        this.k = k;
        this.files = k.files;
        this.fs = k.fs;
        this.sys = sys;
        this.paths = paths;
    }
}
