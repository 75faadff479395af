/*
 * fstest: the file-system calls a program built by a standard toolchain uses, each checked and printed as
 * "name: result" (errno names for failures), so that the output under the kernel equals the output under
 * qemu-riscv64 on the host's file system.  Works in a directory "fst" it makes in the working directory and
 * removes at the end.  Prints nothing that differs between file systems (no inode numbers, block counts, times
 * read from the host clock, directory link counts).
 * Exercises: mkdirat, chdir, fchdir, getcwd, openat flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY,
 * O_NOFOLLOW), pread/pwrite, readv/writev, preadv/pwritev, lseek, ftruncate/truncate, renameat2 (plain, replacing,
 * RENAME_NOREPLACE, RENAME_EXCHANGE, directories), linkat, symlinkat, readlinkat, fstatat/lstat, statx, getdents64,
 * unlinkat (files, AT_REMOVEDIR), an unlinked file still open, O_TMPFILE (named by linkat with AT_EMPTY_PATH, or
 * gone at its close; the bad combinations of flags), fcntl locks (POSIX, OFD), flock, faccessat,
 * fchmod/fchmodat, fchownat, umask, utimensat, statfs/fstatfs, sendfile, copy_file_range, fsync/fdatasync/sync/syncfs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int checks, failures;

static const char *ename(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EACCES: return "EACCES";
    case EXDEV: return "EXDEV";
    case ESPIPE: return "ESPIPE";
    case ERANGE: return "ERANGE";
    default: return "E?";
    }
}

/* Print what a call returned: its value, or -1 and the errno's name; count it against what was expected. */
static long show(const char *what, long r, long expect)
{
    checks++;
    if (r < 0) printf("%-40s -> -1 %s\n", what, ename(errno));
    else printf("%-40s -> %ld\n", what, r);
    if (expect != -999 && r != expect) {
        failures++;
        printf("  UNEXPECTED (wanted %ld)\n", expect);
    }
    return r;
}

static void text(const char *what, const char *s) { checks++; printf("%-40s -> \"%s\"\n", what, s); }

static char *slurp(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return "(cannot open)";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

static int put(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
    close(fd);
    return r;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) { printf("opendir %s failed: %s\n", dir, ename(errno)); failures++; return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        char s[300];
        snprintf(s, sizeof s, "%s:%c", e->d_name,
                 e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_REG ? 'f' : '?');
        names[n++] = strdup(s);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("%-40s ->", dir);
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
    checks++;
}

int main(void)
{
    char buf[256];
    struct stat st;

    umask(022);
    show("umask(027) returns the old mask", umask(027), 022);
    show("umask(022)", umask(022), 027);
    rmdir("fst");
    show("mkdir fst", mkdir("fst", 0755), 0);
    show("mkdir fst again", mkdir("fst", 0755), -1);
    show("chdir fst", chdir("fst"), 0);
    if (getcwd(buf, sizeof buf)) {
        char *slash = strrchr(buf, '/');
        text("getcwd ends in", slash ? slash : buf);
    }
    show("getcwd into 2 bytes", getcwd(buf, 2) ? 0 : -1, -1);

    /* open flags */
    int fd = show("open a O_CREAT|O_EXCL", open("a", O_RDWR | O_CREAT | O_EXCL, 0600), -999);
    show("open a O_CREAT|O_EXCL again", open("a", O_RDWR | O_CREAT | O_EXCL, 0600), -1);
    show("write 10 bytes", write(fd, "0123456789", 10), 10);
    show("pwrite 3 at 20 (a hole)", pwrite(fd, "xyz", 3, 20), 3);
    show("lseek SEEK_CUR after pwrite", lseek(fd, 0, SEEK_CUR), 10);
    show("lseek SEEK_END", lseek(fd, 0, SEEK_END), 23);
    memset(buf, 'q', sizeof buf);
    show("pread 8 at 8", pread(fd, buf, 8, 8), 8);
    printf("  bytes: %02x %02x %02x %02x %02x %02x %02x %02x\n", buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]);
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
    lseek(fd, 0, SEEK_SET);
    show("writev 2+0+3", writev(fd, iov, 3), 5);
    char r1[3] = {0}, r2[5] = {0};
    struct iovec riov[2] = {{r1, 2}, {r2, 4}};
    show("preadv 2+4 at 0", preadv(fd, riov, 2, 0), 6);
    text("  preadv parts", r1);
    text("  preadv second", r2);
    struct iovec piov[1] = {{"PQ", 2}};
    show("pwritev at 1", pwritev(fd, piov, 1, 1), 2);
    lseek(fd, 0, SEEK_SET);
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    show("readv 2+4", readv(fd, riov, 2), 6);
    text("  readv parts", r1);
    text("  readv second", r2);
    show("ftruncate to 5", ftruncate(fd, 5), 0);
    fstat(fd, &st);
    show("size after ftruncate", st.st_size, 5);
    show("ftruncate to 9000 (grow)", ftruncate(fd, 9000), 0);
    show("pread at 8000 (zeros)", pread(fd, buf, 4, 8000), 4);
    show("  byte is zero", buf[0], 0);
    show("truncate a to 4", truncate("a", 4), 0);
    text("contents of a", slurp("a"));
    show("fsync", fsync(fd), 0);
    show("fdatasync", fdatasync(fd), 0);
    show("syncfs", syncfs(fd), 0);
    sync();
    close(fd);

    fd = open("a", O_WRONLY | O_APPEND);
    show("O_APPEND write", write(fd, "+app", 4), 4);
    lseek(fd, 0, SEEK_SET);
    show("O_APPEND write after lseek 0", write(fd, "+end", 4), 4);
    close(fd);
    text("contents of a", slurp("a"));
    fd = open("a", O_RDWR | O_TRUNC);
    fstat(fd, &st);
    show("O_TRUNC size", st.st_size, 0);
    close(fd);
    show("open a with O_DIRECTORY", open("a", O_RDONLY | O_DIRECTORY), -1);
    show("open . with O_RDWR", open(".", O_RDWR), -1);
    show("open missing/x O_CREAT", open("missing/x", O_RDWR | O_CREAT, 0600), -1);

    /* rename */
    put("b", "bee");
    put("c", "sea");
    show("rename b -> b2", rename("b", "b2"), 0);
    show("rename b (gone)", rename("b", "b3"), -1);
    show("rename c over b2", rename("c", "b2"), 0);
    text("contents of b2", slurp("b2"));
    put("c", "sea again");
    show("renameat2 NOREPLACE c -> b2", syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "b2", RENAME_NOREPLACE), -1);
    show("renameat2 EXCHANGE c <-> b2", syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "b2", RENAME_EXCHANGE), 0);
    text("contents of b2", slurp("b2"));
    text("contents of c", slurp("c"));
    show("renameat2 EXCHANGE with missing", syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "zz", RENAME_EXCHANGE), -1);
    show("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "b2", 3), -1);
    show("mkdir d1", mkdir("d1", 0755), 0);
    show("mkdir d1/d2", mkdir("d1/d2", 0755), 0);
    show("mkdir e", mkdir("e", 0755), 0);
    show("rename d1 into d1/d2/x", rename("d1", "d1/d2/x"), -1);
    show("rename c -> d1/c", rename("c", "d1/c"), 0);
    show("rename d1/d2 -> e/d2", rename("d1/d2", "e/d2"), 0);
    show("stat e/d2/.. is e", stat("e/d2/..", &st) == 0 && stat("e", &st) == 0 ? 0 : -1, 0);
    put("e/d2/f", "deep");
    text("read e/d2/../d2/f", slurp("e/d2/../d2/f"));
    show("rename e over d1 (not empty)", rename("e", "d1"), -1);
    show("rename a file over dir e", rename("b2", "e"), -1);
    show("rename dir e over file b2", rename("e", "b2"), -1);

    /* link and unlink */
    show("link b2 -> b2link", link("b2", "b2link"), 0);
    stat("b2", &st);
    show("nlink after link", st.st_nlink, 2);
    show("link to existing name", link("b2", "b2link"), -1);
    show("link a directory", link("d1", "d1link"), -1);
    show("unlink b2link", unlink("b2link"), 0);
    stat("b2", &st);
    show("nlink after unlink", st.st_nlink, 1);
    show("unlink a directory", unlink("d1"), -1);

    /* symlinks */
    show("symlink b2 <- sl", symlink("b2", "sl"), 0);
    show("symlink to a long target", symlink("e/d2/../d2/../d2/../d2/../d2/../d2/../d2/../d2/../d2/f", "sl2"), 0);
    text("read through sl2", slurp("sl2"));
    ssize_t n = readlink("sl", buf, sizeof buf);
    buf[n < 0 ? 0 : n] = 0;
    show("readlink sl", n, 2);
    text("  target", buf);
    show("readlink a file", readlink("b2", buf, sizeof buf), -1);
    text("read through sl", slurp("sl"));
    lstat("sl", &st);
    show("lstat sl is a link", S_ISLNK(st.st_mode) ? 1 : 0, 1);
    stat("sl", &st);
    show("stat sl is a file", S_ISREG(st.st_mode) ? 1 : 0, 1);
    show("open sl O_NOFOLLOW", open("sl", O_RDONLY | O_NOFOLLOW), -1);
    show("symlink dangling", symlink("nowhere", "dang"), 0);
    show("stat dangling", stat("dang", &st), -1);
    show("symlink loop1 -> loop2", symlink("loop2", "loop1"), 0);
    show("symlink loop2 -> loop1", symlink("loop1", "loop2"), 0);
    show("stat loop", stat("loop1", &st), -1);
    show("symlink dir link", symlink("e/d2", "dl"), 0);
    text("read dl/f", slurp("dl/f"));
    show("chdir through a link", chdir("dl"), 0);
    text("read f", slurp("f"));
    show("chdir ../..", chdir("../.."), 0);
    if (getcwd(buf, sizeof buf)) {
        char *slash = strrchr(buf, '/');
        text("getcwd ends in", slash ? slash : buf);
    }
    int dfd = open("e", O_RDONLY | O_DIRECTORY);
    int rel = openat(dfd, "d2/f", O_RDONLY);
    show("openat relative to a dir fd", rel >= 0 ? 0 : -1, 0);
    close(rel);
    show("mkdirat relative to a dir fd", mkdirat(dfd, "d3", 0700), 0);
    show("fstatat relative to a dir fd", fstatat(dfd, "d3", &st, 0), 0);
    show("  mode", st.st_mode & 07777, 0700);
    show("fchdir e", fchdir(dfd), 0);
    show("access d3", access("d3", R_OK | W_OK | X_OK), 0);
    show("chdir ..", chdir(".."), 0);
    int afd = open("a", O_RDONLY);
    show("openat with a file as dir fd", openat(afd, "x", O_RDONLY), -1);
    close(afd);
    close(dfd);
    list(".");
    list("e");

    /* rmdir */
    show("rmdir e (not empty)", rmdir("e"), -1);
    show("rmdir a file", rmdir("a"), -1);
    show("rmdir e/d3", rmdir("e/d3"), 0);
    show("rmdir e/d3 again", rmdir("e/d3"), -1);
    show("unlinkat AT_REMOVEDIR d1/.", unlinkat(AT_FDCWD, "d1/.", AT_REMOVEDIR), -1);

    /* an unlinked file stays alive until its last close */
    fd = open("ghost", O_RDWR | O_CREAT, 0600);
    write(fd, "boo", 3);
    show("unlink ghost while open", unlink("ghost"), 0);
    show("stat ghost", stat("ghost", &st), -1);
    fstat(fd, &st);
    show("fstat ghost nlink", st.st_nlink, 0);
    show("write to ghost", write(fd, "!!", 2), 2);
    show("pread ghost", pread(fd, buf, 10, 0), 5);
    buf[5] = 0;
    text("  contents", buf);
    close(fd);

    /* O_TMPFILE: a file with no name, alive while open; linkat(fd, "", AT_EMPTY_PATH) names it */
    fd = open(".", O_TMPFILE | O_RDWR, 0640);
    show("O_TMPFILE", fd >= 0, 1);
    show("write to the tmpfile", write(fd, "nameless", 8), 8);
    fstat(fd, &st);
    show("  nlink", st.st_nlink, 0);
    show("  regular, mode 0640", S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640, 1);
    list(".");
    show("pread the tmpfile", pread(fd, buf, 10, 0), 8);
    buf[8] = 0;
    text("  contents", buf);
    show("linkat the tmpfile", linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH), 0);
    fstat(fd, &st);
    show("  nlink", st.st_nlink, 1);
    text("  read through the name", slurp("named"));
    show("unlink named", unlink("named"), 0);
    show("linkat it again (unlinked)", linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH), -1);
    close(fd);
    int tf = open(".", O_TMPFILE | O_WRONLY | O_EXCL, 0600);
    show("O_TMPFILE | O_EXCL", tf >= 0, 1);
    show("write to it", write(tf, "x", 1), 1);
    show("linkat an O_EXCL tmpfile", linkat(tf, "", AT_FDCWD, "never", AT_EMPTY_PATH), -1);
    close(tf);
    show("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600), -1);
    show("O_TMPFILE | O_CREAT", open(".", O_TMPFILE | O_RDWR | O_CREAT, 0600), -1);
    show("O_TMPFILE on a file", open("a", O_TMPFILE | O_RDWR, 0600), -1);
    show("O_TMPFILE in a missing directory", open("nodir", O_TMPFILE | O_RDWR, 0600), -1);
    show("linkat AT_EMPTY_PATH of the cwd", linkat(AT_FDCWD, "", AT_FDCWD, "cwdlink", AT_EMPTY_PATH), -1);
    list(".");

    /* locks */
    int l1 = open("a", O_RDWR), l2 = open("a", O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    show("F_SETLK write [0,10)", fcntl(l1, F_SETLK, &fl), 0);
    fl.l_type = F_WRLCK;
    show("F_GETLK same process", fcntl(l2, F_GETLK, &fl), 0);
    show("  l_type is F_UNLCK", fl.l_type, F_UNLCK);
    struct flock ofd = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 10};
    show("F_OFD_SETLK over a POSIX lock", fcntl(l2, F_OFD_SETLK, &ofd), -1);
    show("F_OFD_GETLK", fcntl(l2, F_OFD_GETLK, &ofd), 0);
    show("  l_type is F_WRLCK", ofd.l_type, F_WRLCK);
    show("  l_start", ofd.l_start, 0);
    show("  l_len", ofd.l_len, 10);
    ofd.l_start = 10;
    ofd.l_type = F_RDLCK;
    ofd.l_pid = 0; /* F_OFD_GETLK filled it with the POSIX lock's owner */
    show("F_OFD_SETLK read [10,20)", fcntl(l2, F_OFD_SETLK, &ofd), 0);
    fl.l_type = F_WRLCK;
    fl.l_start = 15;
    fl.l_len = 1;
    show("F_SETLK write over the OFD lock", fcntl(l1, F_SETLK, &fl), -1);
    fl.l_type = F_RDLCK;
    show("F_SETLK read over the OFD read lock", fcntl(l1, F_SETLK, &fl), 0);
    show("F_OFD_SETLK with l_pid set", fcntl(l2, F_OFD_SETLK, &(struct flock){.l_type = F_RDLCK, .l_pid = 1}), -1);
    show("F_SETLK bad type", fcntl(l1, F_SETLK, &(struct flock){.l_type = 7}), -1);
    close(l2); /* releases the OFD lock (last close of its description) and this process's POSIX locks on a */
    l2 = open("a", O_RDWR);
    ofd.l_type = F_WRLCK;
    ofd.l_start = 0;
    ofd.l_len = 0;
    ofd.l_pid = 0;
    show("F_OFD_SETLK after the closes", fcntl(l2, F_OFD_SETLK, &ofd), 0);
    show("flock LOCK_EX", flock(l1, LOCK_EX), 0);
    int l3 = open("a", O_RDONLY);
    show("flock LOCK_SH|LOCK_NB (held)", flock(l3, LOCK_SH | LOCK_NB), -1);
    show("flock LOCK_UN", flock(l1, LOCK_UN), 0);
    show("flock LOCK_SH|LOCK_NB (free)", flock(l3, LOCK_SH | LOCK_NB), 0);
    show("flock bad op", flock(l3, 0), -1);
    show("F_GETFL", fcntl(l3, F_GETFL) & O_ACCMODE, O_RDONLY);
    show("F_SETFL O_APPEND", fcntl(l1, F_SETFL, O_APPEND), 0);
    show("F_GETFL has O_APPEND", (fcntl(l1, F_GETFL) & O_APPEND) != 0, 1);
    int dup = fcntl(l1, F_DUPFD, 10);
    show("F_DUPFD 10 gives 10 or above", dup >= 10, 1);
    show("write through the dup", write(dup, "D", 1), 1);
    close(dup);
    close(l1);
    close(l2);
    close(l3);

    /* attributes */
    show("chmod a 0640", chmod("a", 0640), 0);
    stat("a", &st);
    show("  mode", st.st_mode & 07777, 0640);
    fd = open("a", O_RDONLY);
    show("fchmod 0600", fchmod(fd, 0600), 0);
    fstat(fd, &st);
    show("  mode", st.st_mode & 07777, 0600);
    show("fchownat to myself", fchownat(AT_FDCWD, "a", getuid(), getgid(), 0), 0);
    show("access a F_OK", access("a", F_OK), 0);
    show("access missing", access("missing", F_OK), -1);
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 0}};
    show("utimensat", utimensat(AT_FDCWD, "a", ts, 0), 0);
    stat("a", &st);
    show("  mtime", st.st_mtime, 1234567890);
    show("  atime", st.st_atime, 1000000000);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
    show("futimens (omit atime)", futimens(fd, omit), 0);
    fstat(fd, &st);
    show("  mtime", st.st_mtime, 42);
    show("  atime kept", st.st_atime, 1000000000);
    struct statx sx;
    show("statx a", statx(AT_FDCWD, "a", 0, STATX_BASIC_STATS, &sx), 0);
    show("  size agrees", sx.stx_size == (unsigned long long)st.st_size, 1);
    show("  mode agrees", sx.stx_mode == st.st_mode, 1);
    struct statfs sf;
    show("statfs .", statfs(".", &sf), 0);
    show("  name length", sf.f_namelen, 255);
    show("fstatfs", fstatfs(fd, &sf), 0);
    close(fd);

    /* copies between files */
    put("src", "0123456789abcdef");
    int in = open("src", O_RDONLY), out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t off = 4;
    show("sendfile 6 from 4", sendfile(out, in, &off, 6), 6);
    show("  offset moved", off, 10);
    show("  in's offset did not", lseek(in, 0, SEEK_CUR), 0);
    show("sendfile 3 from the offset", sendfile(out, in, NULL, 3), 3);
    show("  in's offset moved", lseek(in, 0, SEEK_CUR), 3);
    loff_t oi = 10;
    show("copy_file_range 6 from 10", copy_file_range(in, &oi, out, NULL, 6, 0), 6);
    show("copy_file_range bad flags", copy_file_range(in, &oi, out, NULL, 6, 1), -1);
    close(in);
    close(out);
    text("contents of dst", slurp("dst"));

    /* clean up */
    const char *files[] = {"a", "b2", "sl", "sl2", "dang", "loop1", "loop2", "dl", "d1/c", "e/d2/f", "src", "dst"};
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (unlink(files[i]) != 0) { printf("unlink %s: %s\n", files[i], ename(errno)); failures++; }
    }
    show("rmdir e/d2", rmdir("e/d2"), 0);
    show("rmdir e", rmdir("e"), 0);
    show("rmdir d1", rmdir("d1"), 0);
    list(".");
    show("chdir ..", chdir(".."), 0);
    show("rmdir fst", rmdir("fst"), 0);
    printf("fstest: %d checks, %d unexpected\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
