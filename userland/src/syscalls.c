/*
 * syscalls: thousands of small system calls, little computation.
 *
 * On a scratch file sys.dat: 2048 positioned 8-byte writes (lseek + write),
 * an fsync, 2048 positioned reads verified against what was written, fstat
 * and newfstatat for the size, a sequential scan with 16-byte reads; then
 * getpid/gettid 1000 times each (checked stable, never printed), getrandom
 * (checked for length only), prlimit64 for the stack limit; closes and
 * unlinks the file.  Prints how many calls of each kind it made.
 *
 * Exercises: the system-call entry and exit path, fd lookup, file offsets,
 * the page cache for a small file, fstat/newfstatat, unlinkat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FILE_NAME "sys.dat"
#define SLOTS 512
#define OPS 2048

static long n_lseek, n_write, n_read, n_getpid, n_gettid, n_other;
static int failures;

static void fail(const char *what, long i)
{
    if (failures++ < 10)
        printf("FAIL: %s at %ld (errno %d)\n", what, i, errno);
}

/* The value stored in slot s after operation i wrote it. */
static uint64_t value(long i)
{
    uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

static long slot_of(long i)
{
    return (i * 37) % SLOTS;
}

int main(void)
{
    int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
    n_other++;
    if (fd < 0) {
        printf("open failed: errno %d\n", errno);
        return 1;
    }

    /* Positioned writes; the last write to each slot wins. */
    static uint64_t last[SLOTS];
    for (long i = 0; i < OPS; i++) {
        long s = slot_of(i);
        uint64_t v = value(i);
        if (lseek(fd, s * 8, SEEK_SET) != s * 8)
            fail("lseek", i);
        n_lseek++;
        if (write(fd, &v, 8) != 8)
            fail("write", i);
        n_write++;
        last[s] = v;
    }
    if (fsync(fd) != 0)
        fail("fsync", 0);
    n_other++;

    /* Positioned reads in a different order. */
    for (long i = 0; i < OPS; i++) {
        long s = (i * 101 + 7) % SLOTS;
        uint64_t v = 0;
        if (lseek(fd, s * 8, SEEK_SET) != s * 8)
            fail("lseek", i);
        n_lseek++;
        if (read(fd, &v, 8) != 8)
            fail("read", i);
        n_read++;
        if (v != last[s])
            fail("compare", i);
    }

    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size != SLOTS * 8)
        fail("fstat size", 0);
    n_other++;
    if (stat(FILE_NAME, &st) != 0 || st.st_size != SLOTS * 8)
        fail("stat size", 0);
    n_other++;
    off_t end = lseek(fd, 0, SEEK_END);
    n_lseek++;
    off_t cur = lseek(fd, -16, SEEK_CUR);
    n_lseek++;
    printf("file: size %ld, end %ld, end-16 %ld\n", (long)st.st_size, (long)end, (long)cur);

    /* Sequential scan in 16-byte reads; read at end of file returns 0. */
    if (lseek(fd, 0, SEEK_SET) != 0)
        fail("rewind", 0);
    n_lseek++;
    uint64_t sum = 0;
    long chunks = 0;
    for (;;) {
        uint64_t pair[2];
        ssize_t r = read(fd, pair, sizeof pair);
        n_read++;
        if (r == 0)
            break;
        if (r != sizeof pair) {
            fail("scan", chunks);
            break;
        }
        sum += pair[0] ^ (pair[1] << 1);
        chunks++;
    }
    printf("scan: %ld chunks, sum %016llx\n", chunks, (unsigned long long)sum);

    /* Identity calls: stable, but the values themselves are not printed. */
    pid_t pid0 = getpid();
    n_getpid++;
    int stable = 1;
    for (int i = 0; i < 1000; i++) {
        if (getpid() != pid0)
            stable = 0;
        n_getpid++;
        if (syscall(SYS_gettid) != pid0)
            stable = 0;
        n_gettid++;
    }
    printf("getpid/gettid: %s\n", stable ? "stable and equal" : "UNSTABLE");

    unsigned char rnd[32];
    int rnd_ok = 1;
    for (int i = 0; i < 8; i++) {
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            rnd_ok = 0;
        n_other++;
    }
    printf("getrandom: %s\n", rnd_ok ? "8 x 32 bytes" : "FAILED");

    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) != 0)
        fail("getrlimit", 0);
    n_other++;
    printf("prlimit64(RLIMIT_STACK): %s\n", rl.rlim_cur > 0 ? "ok" : "zero");

    if (close(fd) != 0)
        fail("close", 0);
    n_other++;
    if (unlink(FILE_NAME) != 0)
        fail("unlink", 0);
    n_other++;
    if (open(FILE_NAME, O_RDONLY) >= 0 || errno != ENOENT)
        fail("open after unlink", 0);
    n_other++;

    printf("calls: lseek %ld, write %ld, read %ld, getpid %ld, gettid %ld, other %ld, total %ld\n",
           n_lseek, n_write, n_read, n_getpid, n_gettid, n_other,
           n_lseek + n_write + n_read + n_getpid + n_gettid + n_other);
    printf("syscalls: %s\n", failures == 0 ? "OK" : "FAILED");
    return failures == 0 ? 0 : 1;
}
