/*
 * files: a file-heavy workload. Creates ROUNDS files of varied sizes (some past the 12 direct blocks, so indirect
 * blocks are allocated), appends to them with O_APPEND, reads each back and checks every byte, overwrites a middle
 * range through lseek, truncates some with O_TRUNC and rewrites them, fsyncs, unlinks every other file, and finally
 * lists what is left with its size and a checksum. Everything it prints depends only on ROUNDS, so a run that
 * survives kernel crashes prints exactly what a run without one prints.
 *
 * Usage: files [ROUNDS]   (default 24)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[96 * 1024];
static unsigned char got[96 * 1024];

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

static void die(const char *what, const char *name) {
    printf("files: %s %s failed\n", what, name);
    exit(1);
}

static void write_all(int fd, const unsigned char *p, size_t n, const char *name) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) die("write", name);
        p += w;
        n -= (size_t) w;
    }
}

static size_t read_all(int fd, unsigned char *p, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, p + done, n - done);
        if (r < 0) return (size_t) -1;
        if (r == 0) break;
        done += (size_t) r;
    }
    return done;
}

static size_t size_of(int i) { return (size_t) (i * 7919 % 90000) + 100; }

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 24;
    char name[32];
    for (int i = 0; i < rounds; i++) {
        snprintf(name, sizeof name, "f%02d.dat", i);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) die("create", name);
        size_t n = size_of(i);
        fill(buf, n, (unsigned) i);
        write_all(fd, buf, n, name);
        if (close(fd) != 0) die("close", name);
        fd = open(name, O_WRONLY | O_APPEND);
        if (fd < 0) die("reopen", name);
        fill(buf + n, 333, (unsigned) i + 1000);
        write_all(fd, buf + n, 333, name);
        if (i % 4 == 0 && fsync(fd) != 0) die("fsync", name);
        close(fd);
        fd = open(name, O_RDONLY);
        if (fd < 0) die("open", name);
        size_t r = read_all(fd, got, sizeof got);
        close(fd);
        if (r != n + 333 || memcmp(got, buf, r) != 0) die("read back", name);
    }
    for (int i = 0; i < rounds; i += 3) {
        snprintf(name, sizeof name, "f%02d.dat", i);
        int fd = open(name, O_RDWR);
        if (fd < 0) die("open", name);
        size_t n = size_of(i) / 2;
        if (lseek(fd, (off_t) n, SEEK_SET) != (off_t) n) die("lseek", name);
        memset(buf, 'A' + i % 26, 500);
        write_all(fd, buf, 500, name);
        close(fd);
    }
    for (int i = 1; i < rounds; i += 5) {
        snprintf(name, sizeof name, "f%02d.dat", i);
        int fd = open(name, O_WRONLY | O_TRUNC);
        if (fd < 0) die("truncate", name);
        fill(buf, 4000, (unsigned) i + 77);
        write_all(fd, buf, 4000, name);
        close(fd);
    }
    for (int i = 0; i < rounds; i += 2) {
        snprintf(name, sizeof name, "f%02d.dat", i);
        if (unlink(name) != 0) die("unlink", name);
    }
    uint32_t all = 0;
    for (int i = 0; i < rounds; i++) {
        snprintf(name, sizeof name, "f%02d.dat", i);
        int fd = open(name, O_RDONLY);
        if (fd < 0) {
            if (i % 2 == 1) die("open", name);
            continue;
        }
        if (i % 2 == 0) die("unlinked file still opens:", name);
        size_t r = read_all(fd, got, sizeof got);
        close(fd);
        uint32_t h = sum(got, r);
        all ^= h + (uint32_t) i;
        printf("%s %zu %08x\n", name, r, (unsigned) h);
    }
    printf("files: %d rounds, checksum %08x\n", rounds, (unsigned) all);
    return 0;
}
