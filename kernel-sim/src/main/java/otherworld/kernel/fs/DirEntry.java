package otherworld.kernel.fs;

/**
 * One directory entry as getdents reports it: inode, ext2 file type (1 regular, 2 directory, 7 symlink...,
 * 0 if the image has no filetype feature), name, and the directory position where the next entry search starts.
 */
public record DirEntry(int ino, int type, String name, long nextPos) { }
