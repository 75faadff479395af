/*
 * sharedmap: a file mapped shared, written through the mapping and never msync'ed before a pause (the kernel is
 * crashed there by the tests, with those stores only in memory), then written again, checked through read(2), and
 * left to exit, which writes the pages back. Prints what the file holds at the end, so a run that survives a crash
 * prints exactly what a run without one prints.
 *
 * Usage: sharedmap [PAGES]   (default 8)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

/* pread by lseek: the kernel's files calls are another engineer's (pread64 may not be there yet) */
static ssize_t at_read(int fd, void *b, size_t n, off_t off) {
    return lseek(fd, off, SEEK_SET) == off ? read(fd, b, n) : -1;
}


static uint32_t sum(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(int argc, char **argv) {
    int pages = argc > 1 ? atoi(argv[1]) : 8;
    size_t size = (size_t) pages * PAGE;
    unsigned char *buf = malloc(size), *got = malloc(size);
    memset(buf, '.', size);
    int fd = open("shared.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, buf, size) != (ssize_t) size) return 2;
    unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 3;
    for (int i = 0; i < pages; i++) memset(p + (size_t) i * PAGE, 'A' + i % 26, 100);
    printf("stored\n");
    struct timespec pause = {0, 5000000};
    nanosleep(&pause, NULL); /* the tests crash the kernel here */
    for (int i = 0; i < pages; i++) memset(p + (size_t) i * PAGE + 100, 'a' + i % 26, 100);
    for (int i = 0; i < pages; i++) {
        memset(buf + (size_t) i * PAGE, 'A' + i % 26, 100);
        memset(buf + (size_t) i * PAGE + 100, 'a' + i % 26, 100);
    }
    if (at_read(fd, got, size, 0) != (ssize_t) size || memcmp(got, buf, size) != 0) {
        printf("read(2) does not see the stores\n");
        return 1;
    }
    printf("file sum %08x\n", sum(buf, size));
    return 0; /* no munmap, no msync: exit writes the pages back */
}
