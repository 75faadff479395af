/*
 * callbench: one system call, many times, for the per-call microbenchmarks (default mode against Otherworld off).
 *
 * Usage: callbench CALL N    CALL is read, write, openat (openat + close), lseek, brk, pipe or fork; N repetitions.
 *   read    read(fd, 64 bytes) from a 64 KiB file, back to the start with lseek every 1024 reads
 *   write   write(fd, 64 bytes) to a file, back to the start with lseek every 1024 writes
 *   openat  openat(O_RDONLY) + close of one file
 *   lseek   lseek(fd, i * 8, SEEK_SET)
 *   brk     brk(end + 4096) then brk(end): a page mapped and unmapped
 *   pipe    write(4096 bytes) into a pipe, then read them back (one process; 4 KiB through the pipe a repetition)
 *   fork    fork, the child _exit(i % 8), wait4 for it (a round trip without execve; spawner loop has execve)
 * Prints one line: the call, N, and a checksum of what the calls returned.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: callbench read|write|openat|lseek|brk|pipe|fork N\n");
        return 2;
    }
    const char *call = argv[1];
    long n = atol(argv[2]);
    unsigned long sum = 0;
    for (int i = 0; i < (int) sizeof buf; i++) buf[i] = (char) (i * 31);
    int fd = open("bench.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t) sizeof buf || lseek(fd, 0, SEEK_SET) != 0) {
        printf("callbench: cannot make bench.dat\n");
        return 1;
    }
    if (strcmp(call, "read") == 0) {
        for (long i = 0; i < n; i++) {
            if (i % 1024 == 0) lseek(fd, 0, SEEK_SET);
            sum += (unsigned long) read(fd, buf, 64);
        }
    } else if (strcmp(call, "write") == 0) {
        for (long i = 0; i < n; i++) {
            if (i % 1024 == 0) lseek(fd, 0, SEEK_SET);
            sum += (unsigned long) write(fd, buf, 64);
        }
    } else if (strcmp(call, "openat") == 0) {
        for (long i = 0; i < n; i++) {
            int g = open("bench.dat", O_RDONLY);
            sum += (unsigned long) g;
            close(g);
        }
    } else if (strcmp(call, "lseek") == 0) {
        for (long i = 0; i < n; i++) sum += (unsigned long) lseek(fd, (off_t) (i % 8192) * 8, SEEK_SET);
    } else if (strcmp(call, "brk") == 0) {
        unsigned long end = (unsigned long) syscall(SYS_brk, 0);
        for (long i = 0; i < n; i++) {
            sum += (unsigned long) syscall(SYS_brk, end + 4096) - end;
            sum += (unsigned long) syscall(SYS_brk, end) - end;
        }
    } else if (strcmp(call, "pipe") == 0) {
        int p[2];
        if (pipe(p) != 0) {
            printf("callbench: pipe failed\n");
            return 1;
        }
        for (long i = 0; i < n; i++) {
            sum += (unsigned long) write(p[1], buf, 4096);
            sum += (unsigned long) read(p[0], buf, 4096);
        }
        close(p[0]);
        close(p[1]);
    } else if (strcmp(call, "fork") == 0) {
        for (long i = 0; i < n; i++) {
            pid_t c = fork();
            if (c == 0) _exit((int) (i % 8));
            int st = 0;
            if (c < 0 || waitpid(c, &st, 0) != c) {
                printf("callbench: fork or wait failed at %ld\n", i);
                return 1;
            }
            sum += (unsigned long) WEXITSTATUS(st);
        }
    } else {
        fprintf(stderr, "callbench: unknown call %s\n", call);
        return 2;
    }
    close(fd);
    printf("callbench %s %ld %lu\n", call, n, sum);
    return 0;
}
