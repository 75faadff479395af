/*
 * errors: bad requests must come back as clean errors, never a crash.
 *
 * Each line names the call, what is wrong with it, and the result as
 * "-1 ENAME (n)" or the return value.  Errno names and numbers are those of
 * the Linux UAPI <asm-generic/errno-base.h>.  Only system calls the kernel
 * supports are used; system calls go through syscall(2) where the glibc
 * wrapper would check the arguments itself.  stdout must be a pipe or a
 * terminal (not a regular file) for the lseek-on-stdout line.
 *
 * Exercises: errno return convention, fd validation, user-pointer validation
 * (EFAULT), path lookup failures, argument checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define SCRATCH "errors.tmp"
#define BAD_PTR ((void *)1)

static const char *errno_name(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    default: return "E?";
    }
}

static int checks, as_expected;

/* Print one result and whether it is the error we expected (0 = success). */
static void report(const char *what, long ret, int expect)
{
    int e = errno;
    checks++;
    if (ret < 0) {
        printf("%-44s -> -1 %s (%d)", what, errno_name(e), e);
        if (e == expect)
            as_expected++;
        printf("%s\n", e == expect ? "" : "  UNEXPECTED");
    } else {
        printf("%-44s -> %ld", what, ret);
        if (expect == 0)
            as_expected++;
        printf("%s\n", expect == 0 ? "" : "  UNEXPECTED");
    }
}

int main(void)
{
    char buf[64];
    long r;

    errno = 0;
    r = syscall(SYS_openat, AT_FDCWD, "no-such-file.txt", O_RDONLY, 0);
    report("openat missing file", r, ENOENT);
    r = syscall(SYS_openat, AT_FDCWD, "no-such-dir/file.txt", O_RDONLY, 0);
    report("openat missing directory", r, ENOENT);
    r = syscall(SYS_openat, AT_FDCWD, BAD_PTR, O_RDONLY, 0);
    report("openat bad path pointer", r, EFAULT);
    r = syscall(SYS_openat, AT_FDCWD, "", O_RDONLY, 0);
    report("openat empty path", r, ENOENT);

    r = syscall(SYS_read, 99, buf, sizeof buf);
    report("read fd 99 (not open)", r, EBADF);
    r = syscall(SYS_read, -1, buf, sizeof buf);
    report("read fd -1", r, EBADF);
    r = syscall(SYS_write, 99, "x", 1);
    report("write fd 99 (not open)", r, EBADF);
    r = syscall(SYS_close, 99);
    report("close fd 99 (not open)", r, EBADF);
    r = syscall(SYS_lseek, 99, 0, SEEK_SET);
    report("lseek fd 99 (not open)", r, EBADF);
    r = syscall(SYS_fsync, 99);
    report("fsync fd 99 (not open)", r, EBADF);
    struct stat st;
    r = syscall(SYS_fstat, 99, &st);
    report("fstat fd 99 (not open)", r, EBADF);

    int fd = (int)syscall(SYS_openat, AT_FDCWD, SCRATCH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    report("openat create scratch file", fd < 0 ? -1 : 0, 0);
    r = syscall(SYS_write, fd, "0123456789", 10);
    report("write 10 bytes to scratch", r, 0);
    r = syscall(SYS_write, fd, BAD_PTR, 10);
    report("write from bad pointer (void*)1", r, EFAULT);
    r = syscall(SYS_lseek, fd, 0, SEEK_SET);
    report("lseek scratch to 0", r, 0);
    r = syscall(SYS_read, fd, BAD_PTR, 10);
    report("read into bad pointer (void*)1", r, EFAULT);
    r = syscall(SYS_lseek, fd, -1, SEEK_SET);
    report("lseek to offset -1", r, EINVAL);
    r = syscall(SYS_lseek, fd, 0, 99);
    report("lseek whence 99", r, EINVAL);
    r = syscall(SYS_ioctl, fd, TCGETS, buf);
    report("ioctl TCGETS on a regular file", r, ENOTTY);
    r = syscall(SYS_fstat, fd, BAD_PTR);
    report("fstat into bad pointer", r, EFAULT);
    r = syscall(SYS_readlinkat, AT_FDCWD, SCRATCH, buf, sizeof buf);
    report("readlinkat on a regular file", r, EINVAL);
    r = syscall(SYS_close, fd);
    report("close scratch", r, 0);
    r = syscall(SYS_close, fd);
    report("close scratch again", r, EBADF);

    fd = (int)syscall(SYS_openat, AT_FDCWD, SCRATCH, O_RDONLY, 0);
    report("openat scratch read-only", fd < 0 ? -1 : 0, 0);
    r = syscall(SYS_write, fd, "x", 1);
    report("write to read-only fd", r, EBADF);
    r = syscall(SYS_read, fd, buf, 4);
    report("read 4 bytes from read-only fd", r, 0);
    syscall(SYS_close, fd);

    r = syscall(SYS_openat, AT_FDCWD, SCRATCH, O_RDONLY | O_DIRECTORY, 0);
    report("openat regular file with O_DIRECTORY", r, ENOTDIR);
    r = syscall(SYS_openat, AT_FDCWD, SCRATCH "/x", O_RDONLY, 0);
    report("openat file as a directory", r, ENOTDIR);
    r = syscall(SYS_openat, AT_FDCWD, SCRATCH, O_RDWR | O_CREAT | O_EXCL, 0644);
    report("openat O_CREAT|O_EXCL on existing file", r, EEXIST);
    r = syscall(SYS_newfstatat, AT_FDCWD, "no-such-file.txt", &st, 0);
    report("newfstatat missing file", r, ENOENT);
    r = syscall(SYS_unlinkat, AT_FDCWD, "no-such-file.txt", 0);
    report("unlinkat missing file", r, ENOENT);
    r = syscall(SYS_unlinkat, AT_FDCWD, SCRATCH, 0);
    report("unlinkat scratch", r, 0);
    r = syscall(SYS_unlinkat, AT_FDCWD, SCRATCH, 0);
    report("unlinkat scratch again", r, ENOENT);

    r = syscall(SYS_lseek, 1, 0, SEEK_CUR);
    report("lseek on stdout (pipe or tty)", r, ESPIPE);

    r = syscall(SYS_getrandom, buf, 8, 0x1000);
    report("getrandom with unknown flag", r, EINVAL);
    r = syscall(SYS_getrandom, BAD_PTR, 8, 0);
    report("getrandom into bad pointer", r, EFAULT);
    r = syscall(SYS_prlimit64, 0, 9999, NULL, buf);
    report("prlimit64 unknown resource", r, EINVAL);
    r = syscall(SYS_mprotect, (void *)0x1001, 4096, 1);
    report("mprotect unaligned address", r, EINVAL);

    printf("errors: %d checks, %d as expected\n", checks, as_expected);
    return as_expected == checks ? 0 : 1;
}
