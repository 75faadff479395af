/*
 * mmaptest: memory mappings and sleeping, as a program built by a standard toolchain uses them. Anonymous mappings
 * (zero-filled, demand-paged), munmap of a middle part, mprotect, MAP_FIXED and MAP_FIXED_NOREPLACE, mremap growing in
 * place and moving, madvise(MADV_DONTNEED), glibc's malloc of large blocks (mmap) and realloc (mremap), private and
 * shared file mappings (a store through a shared mapping is seen by read(2), and write(2) by the mapping; msync;
 * a second mapping after munmap sees what was stored), a deep recursion on the main stack, nanosleep,
 * clock_nanosleep, sched_yield, ppoll and pselect6 on a file. Everything it prints depends only on ROUNDS, so a run
 * that survives kernel crashes prints exactly what a run without one prints.
 *
 * Usage: mmaptest [ROUNDS]   (default 4)
 *        mmaptest overflow   recurse past the stack's limit: killed by SIGSEGV
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

/* pread and pwrite by lseek: the kernel's files calls are another engineer's (pread64 may not be there yet) */
static ssize_t at_read(int fd, void *b, size_t n, off_t off) {
    return lseek(fd, off, SEEK_SET) == off ? read(fd, b, n) : -1;
}

static ssize_t at_write(int fd, const void *b, size_t n, off_t off) {
    return lseek(fd, off, SEEK_SET) == off ? write(fd, b, n) : -1;
}

static int failures;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) failures++;
}

static uint32_t sum(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static void fill(unsigned char *p, size_t n, unsigned seed) {
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (unsigned char) (x >> 16);
    }
}

static int all(const unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++) if (p[i] != v) return 0;
    return 1;
}

static unsigned depth(unsigned n) {
    volatile char frame[512];
    frame[0] = (char) n;
    frame[511] = (char) (n >> 3);
    return n == 0 ? (unsigned) frame[0] : depth(n - 1) + (unsigned char) frame[511] % 2;
}

static void anonymous(int round) {
    size_t len = (size_t) (16 + round) * PAGE;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED, "mmap anonymous");
    check(all(p, len, 0), "anonymous pages read as zeros");
    fill(p, len, (unsigned) round);
    uint32_t h = sum(p, len), lo = sum(p, 4 * PAGE), hi = sum(p + 6 * PAGE, len - 6 * PAGE);
    check(munmap(p + 4 * PAGE, 2 * PAGE) == 0, "munmap a middle part");
    check(sum(p, 4 * PAGE) == lo && sum(p + 6 * PAGE, len - 6 * PAGE) == hi, "the rest stays");
    unsigned char *q = mmap(p + 4 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check(q == p + 4 * PAGE, "MAP_FIXED into the hole");
    check(all(q, 2 * PAGE, 0), "the hole is new zeros");
    unsigned char *r = mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    /* Linux says EEXIST; qemu-user 7.2 places it elsewhere: either way what was there stays */
    check(r == MAP_FAILED ? errno == EEXIST : r != p, "MAP_FIXED_NOREPLACE over a mapping replaces nothing");
    if (r != MAP_FAILED) munmap(r, PAGE);
    fill(p, len, (unsigned) round);
    check(sum(p, len) == h, "refilled");
    uint32_t two = sum(p, 2 * PAGE);
    check(mprotect(p, 2 * PAGE, PROT_READ) == 0, "mprotect read-only");
    check(sum(p, 2 * PAGE) == two, "read-only pages still read");
    check(mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect read-write");
    p[0] ^= 1;
    p[0] ^= 1;
    uint32_t third = sum(p + 2 * PAGE, PAGE);
    check(mprotect(p + 2 * PAGE, PAGE, PROT_NONE) == 0, "mprotect PROT_NONE on a present page");
    check(getrandom(p + 2 * PAGE, 8, 0) == -1 && errno == EFAULT, "the kernel cannot write a PROT_NONE page: EFAULT");
    check(mprotect(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0 && sum(p + 2 * PAGE, PAGE) == third,
          "access given back: the bytes are still there");
    check(madvise(p + PAGE, PAGE, MADV_DONTNEED) == 0 && all(p + PAGE, PAGE, 0), "MADV_DONTNEED drops a page");
    uint32_t all_before = sum(p, len);
    unsigned char *g = mremap(p, len, len + 8 * PAGE, MREMAP_MAYMOVE);
    check(g != MAP_FAILED, "mremap grow");
    check(sum(g, len) == all_before, "grown mapping keeps its bytes");
    check(all(g + len, 8 * PAGE, 0), "grown part is zeros");
    unsigned char *blocker = mmap(g + len + 8 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    uint32_t before = sum(g, len);
    unsigned char *m = mremap(g, len + 8 * PAGE, len + 64 * PAGE, MREMAP_MAYMOVE);
    check(m != MAP_FAILED && sum(m, len) == before, "mremap that must move keeps the bytes");
    check(all(m + len, 64 * PAGE, 0), "the moved mapping's new part is zeros");
    check(munmap(m, len + 64 * PAGE) == 0, "munmap all");
    if (blocker != MAP_FAILED) munmap(blocker, PAGE);
    check(munmap(NULL, PAGE) == 0, "munmap of nothing");
    check(munmap((void *) 1, PAGE) == -1 && errno == EINVAL, "munmap unaligned: EINVAL");
    check(mprotect(NULL, PAGE, PROT_READ) == -1 && errno == ENOMEM, "mprotect of nothing: ENOMEM");
}

static void heap(int round) {
    size_t n = (size_t) (300 + 50 * round) * 1024; /* above glibc's mmap threshold */
    unsigned char *a = malloc(n);
    check(a != NULL, "malloc large block");
    fill(a, n, 7 + (unsigned) round);
    uint32_t h = sum(a, n);
    a = realloc(a, 3 * n);
    check(a != NULL && sum(a, n) == h, "realloc keeps the bytes");
    free(a);
    char *small[64];
    for (int i = 0; i < 64; i++) {
        small[i] = malloc((size_t) (i + 1) * 100);
        memset(small[i], i, (size_t) (i + 1) * 100);
    }
    int good = 1;
    for (int i = 0; i < 64; i++) good &= all((unsigned char *) small[i], (size_t) (i + 1) * 100, (unsigned char) i);
    check(good, "small blocks from brk");
    for (int i = 0; i < 64; i++) free(small[i]);
}

static void files(int round) {
    static unsigned char buf[5 * PAGE + 100], got[5 * PAGE + 100];
    char name[32];
    snprintf(name, sizeof name, "map%d.dat", round);
    size_t size = sizeof buf;
    fill(buf, size, 100 + (unsigned) round);
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0 && write(fd, buf, size) == (ssize_t) size, "file written");
    unsigned char *priv = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check(priv != MAP_FAILED && memcmp(priv, buf, size) == 0, "private mapping reads the file");
    check(all(priv + size, PAGE - size % PAGE, 0), "past the end of the file: zeros");
    priv[10] ^= 0xff;
    check(at_read(fd, got, 20, 0) == 20 && got[10] == buf[10], "a private store does not reach the file");
    unsigned char *sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check(sh != MAP_FAILED && memcmp(sh, buf, size) == 0, "shared mapping reads the file");
    sh[PAGE + 5] = 'S';
    check(at_read(fd, got, 1, PAGE + 5) == 1 && got[0] == 'S', "read(2) sees a store through the shared mapping");
    check(at_write(fd, "W", 1, 2 * PAGE + 9) == 1 && sh[2 * PAGE + 9] == 'W', "the shared mapping sees write(2)");
    memset(sh + 3 * PAGE, 'x', 100);
    check(msync(sh, size, MS_SYNC) == 0, "msync");
    check(munmap(sh, size) == 0 && munmap(priv, size) == 0, "munmap both");
    buf[PAGE + 5] = 'S';
    buf[2 * PAGE + 9] = 'W';
    memset(buf + 3 * PAGE, 'x', 100);
    unsigned char *again = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    check(again != MAP_FAILED && memcmp(again, buf, size) == 0, "a new mapping sees what was stored");
    munmap(again, size);
    check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, got, size) == (ssize_t) size && memcmp(got, buf, size) == 0,
          "the file holds what was stored");
    void *bad = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 99, 0);
    check(bad == MAP_FAILED && errno == EBADF, "mmap of a closed fd: EBADF");
    int ro = open(name, O_RDONLY);
    bad = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    check(bad == MAP_FAILED && errno == EACCES, "writable shared mapping of a read-only fd: EACCES");
    close(ro);
    close(fd);
    printf("file %s sum %08x\n", name, sum(buf, size));
}

static void time_calls(int round) {
    struct timespec ts = {0, 1000000 * (round + 1)};
    check(nanosleep(&ts, NULL) == 0, "nanosleep");
    struct timespec bad = {0, 2000000000};
    check(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep with tv_nsec out of range: EINVAL");
    check(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0, "clock_nanosleep relative");
    struct timespec past = {0, 0};
    check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0, "clock_nanosleep to a past time");
    /* an absolute wall-clock deadline: read on the clock clock_gettime reads, whatever its epoch */
    struct timespec wall, after;
    clock_gettime(CLOCK_REALTIME, &wall);
    wall.tv_nsec += 2000000;
    if (wall.tv_nsec >= 1000000000) { wall.tv_sec++; wall.tv_nsec -= 1000000000; }
    check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wall, NULL) == 0, "clock_nanosleep to a wall-clock time");
    clock_gettime(CLOCK_REALTIME, &after);
    check(after.tv_sec > wall.tv_sec || (after.tv_sec == wall.tv_sec && after.tv_nsec >= wall.tv_nsec),
          "woken at or after the wall-clock deadline");
    check(after.tv_sec < wall.tv_sec + 2, "woken within a second of the wall-clock deadline");
    check(sched_yield() == 0, "sched_yield");
    int fd = open("poll.dat", O_RDWR | O_CREAT, 0644);
    struct pollfd p[2] = {{fd, POLLIN | POLLOUT, 0}, {-1, POLLIN, 0}};
    struct timespec zero = {0, 0};
    check(ppoll(p, 2, &zero, NULL) == 1 && p[0].revents == (POLLIN | POLLOUT) && p[1].revents == 0,
          "ppoll: a file is ready");
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(fd, &r);
    FD_SET(fd, &w);
    check(pselect(fd + 1, &r, &w, NULL, &zero, NULL) == 2 && FD_ISSET(fd, &r) && FD_ISSET(fd, &w),
          "pselect: a file is readable and writable");
    struct pollfd none = {-1, POLLIN, 0};
    struct timespec tmo = {0, 3000000};
    check(ppoll(&none, 1, &tmo, NULL) == 0, "ppoll times out");
    close(fd);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "overflow") == 0) { /* past the stack's 8 MiB: its guard gives SIGSEGV */
        printf("recursing\n");
        return (int) depth(1u << 30);
    }
    int rounds = argc > 1 ? atoi(argv[1]) : 4;
    for (int round = 0; round < rounds; round++) {
        printf("round %d\n", round);
        anonymous(round);
        heap(round);
        files(round);
        time_calls(round);
    }
    check(depth(6000) == depth(6000), "deep recursion on the main stack (3 MB)");
    printf("%d failures\n", failures);
    return failures != 0;
}
