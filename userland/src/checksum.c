/*
 * checksum: write N fixed-size records to records.dat, one write(2) per
 * record, keeping a running FNV-1a 64 checksum in memory; then fsync, close,
 * reopen, read every record back and verify it against a recomputation.
 *
 *   usage: checksum [N]        (default N = 3000)
 *
 * Exercises: many small file writes (each a system call), file offsets, page
 * cache, fsync, re-open and read-back.  Long enough that a crash is likely to
 * strike in the middle; the progress lines make a resumed run easy to compare
 * with the golden output.  Exit status 0 only if verification passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_SIZE 64
#define DEFAULT_N 3000
#define PROGRESS_EVERY 500
#define FILE_NAME "records.dat"

static const uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL;
static const uint64_t FNV_PRIME = 0x100000001b3ULL;

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* splitmix64: a fixed, stateless mixing function of the record index. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/*
 * Record layout (little-endian, 64 bytes):
 *   0  u32 magic 'OWRC'   4  u32 index   8  u64 mix(index)
 *  16  40 bytes: xorshift stream seeded by mix(index)
 *  56  u64 FNV-1a of bytes 0..55
 */
static void make_record(uint32_t index, unsigned char *r)
{
    uint32_t magic = 0x4352574fU; /* "OWRC" */
    uint64_t m = mix(index);
    uint64_t s = m | 1;
    memcpy(r, &magic, 4);
    memcpy(r + 4, &index, 4);
    memcpy(r + 8, &m, 8);
    for (int i = 16; i < 56; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        r[i] = (unsigned char)(s >> 24);
    }
    uint64_t h = fnv1a(FNV_OFFSET, r, 56);
    memcpy(r + 56, &h, 8);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t read_full(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int main(int argc, char **argv)
{
    long n = DEFAULT_N;
    if (argc > 1) {
        n = strtol(argv[1], NULL, 10);
        if (n <= 0 || n > 10000000) {
            printf("checksum: bad record count '%s'\n", argv[1]);
            return 2;
        }
    }
    unsigned char rec[RECORD_SIZE], back[RECORD_SIZE];

    printf("checksum: writing %ld records of %d bytes to %s\n", n, RECORD_SIZE, FILE_NAME);
    int fd = open(FILE_NAME, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("checksum: open for writing failed: errno %d\n", errno);
        return 1;
    }
    uint64_t sum = FNV_OFFSET;
    for (long i = 0; i < n; i++) {
        make_record((uint32_t)i, rec);
        if (write_all(fd, rec, RECORD_SIZE) != 0) {
            printf("checksum: write of record %ld failed: errno %d\n", i, errno);
            return 1;
        }
        sum = fnv1a(sum, rec, RECORD_SIZE);
        if ((i + 1) % PROGRESS_EVERY == 0)
            printf("progress: %ld records, checksum %016llx\n", i + 1, (unsigned long long)sum);
    }
    if (fsync(fd) != 0)
        printf("checksum: fsync failed: errno %d\n", errno);
    if (close(fd) != 0)
        printf("checksum: close failed: errno %d\n", errno);

    fd = open(FILE_NAME, O_RDONLY);
    if (fd < 0) {
        printf("checksum: open for reading failed: errno %d\n", errno);
        return 1;
    }
    uint64_t check = FNV_OFFSET;
    long bad = 0, got = 0;
    for (long i = 0; i < n; i++) {
        ssize_t r = read_full(fd, back, RECORD_SIZE);
        if (r != RECORD_SIZE) {
            printf("checksum: short read at record %ld (%ld bytes)\n", i, (long)r);
            bad++;
            break;
        }
        got++;
        make_record((uint32_t)i, rec);
        if (memcmp(rec, back, RECORD_SIZE) != 0) {
            if (bad < 5)
                printf("checksum: record %ld differs\n", i);
            bad++;
        }
        check = fnv1a(check, back, RECORD_SIZE);
    }
    unsigned char extra;
    ssize_t tail = read(fd, &extra, 1);
    if (tail != 0) {
        printf("checksum: file longer than expected\n");
        bad++;
    }
    close(fd);

    int ok = bad == 0 && check == sum;
    printf("records written: %ld\n", n);
    printf("bytes written: %ld\n", n * RECORD_SIZE);
    printf("records read back: %ld\n", got);
    printf("final checksum: %016llx\n", (unsigned long long)sum);
    printf("read-back checksum: %016llx\n", (unsigned long long)check);
    printf("verification: %s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
