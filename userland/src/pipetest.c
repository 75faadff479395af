/*
 * pipetest: pipes and the fd table through glibc's own wrappers. A small message and end of file; a write far larger
 * than any pipe's buffer (made in chunks while the reader drains it); a pipeline of four processes (generate, filter,
 * transform, count); EPIPE with SIGPIPE ignored; O_NONBLOCK (EAGAIN on an empty and on a full pipe); dup, dup2,
 * dup3, fcntl's F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; fstat says S_IFIFO.
 * Prints the same under qemu-riscv64 and on otherworld (no pid, no buffer size).
 *
 * Usage: pipetest [KB]   (size of the large write, default 200)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, (size_t) n) != n) _exit(99);
}

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static unsigned char big[1 << 20];

static void stage(int in, int out, int mode) {
    char buf[512];
    ssize_t n;
    long lines = 0, bytes = 0;
    if (mode == 0) { /* generate */
        for (int i = 0; i < 3000; i++) {
            int k = snprintf(buf, sizeof buf, "line %d %s\n", i, i % 3 ? "keep" : "drop");
            if (write(out, buf, (size_t) k) != k) _exit(1);
        }
        _exit(0);
    }
    FILE *f = fdopen(in, "r");
    FILE *o = mode < 3 ? fdopen(out, "w") : NULL;
    while (fgets(buf, sizeof buf, f)) {
        if (mode == 1 && strstr(buf, "drop")) continue;
        if (mode == 2) for (char *c = buf; *c; c++) if (*c >= 'a' && *c <= 'z') *c -= 32;
        if (mode == 3) {
            lines++;
            bytes += (long) strlen(buf);
            continue;
        }
        fputs(buf, o);
    }
    if (mode == 3) {
        say("pipeline: %ld lines, %ld bytes, last upper: %s", lines, bytes, "yes\n");
        _exit(0);
    }
    fclose(o);
    (void) n;
    _exit(0);
}

int main(int argc, char **argv) {
    int kb = argc > 1 ? atoi(argv[1]) : 200;
    int p[2], st;
    char buf[64];

    /* 1. a message, then end of file */
    if (pipe(p) != 0) return 1;
    write(p[1], "hello pipe", 10);
    close(p[1]);
    ssize_t n = read(p[0], buf, sizeof buf);
    say("read %d bytes: %.*s\n", (int) n, (int) n, buf);
    say("then end of file: %d\n", (int) read(p[0], buf, sizeof buf));
    close(p[0]);

    /* 2. a large write drained by a child */
    size_t total = (size_t) kb * 1024;
    if (total > sizeof big) total = sizeof big;
    for (size_t i = 0; i < total; i++) big[i] = (unsigned char) (i * 7 + (i >> 9));
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        static unsigned char in[7000];
        uint32_t h = 2166136261u;
        size_t got = 0;
        while ((n = read(p[0], in, sizeof in)) > 0) {
            h = fnv(h, in, (size_t) n);
            got += (size_t) n;
        }
        say("child read %zu bytes, checksum %08x\n", got, h);
        _exit(0);
    }
    close(p[0]);
    size_t off = 0;
    while (off < total) {
        ssize_t w = write(p[1], big + off, total - off);
        if (w <= 0) break;
        off += (size_t) w;
    }
    close(p[1]);
    waitpid(c, &st, 0);
    say("parent wrote %zu bytes, checksum %08x\n", off, fnv(2166136261u, big, total));

    /* 3. a pipeline of four processes */
    int a[2], b[2], d[2];
    pipe(a);
    pipe(b);
    pipe(d);
    pid_t k[4];
    for (int i = 0; i < 4; i++) {
        k[i] = fork();
        if (k[i] == 0) {
            int in = i == 0 ? -1 : i == 1 ? a[0] : i == 2 ? b[0] : d[0];
            int out = i == 0 ? a[1] : i == 1 ? b[1] : i == 2 ? d[1] : -1;
            int fds[6] = {a[0], a[1], b[0], b[1], d[0], d[1]};
            for (int j = 0; j < 6; j++) if (fds[j] != in && fds[j] != out) close(fds[j]);
            stage(in, out, i);
        }
    }
    int fds[6] = {a[0], a[1], b[0], b[1], d[0], d[1]};
    for (int j = 0; j < 6; j++) close(fds[j]);
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        waitpid(k[i], &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
    }
    say("pipeline: %d of 4 stages exited 0\n", ok);

    /* 4. no reader: EPIPE with SIGPIPE ignored */
    signal(SIGPIPE, SIG_IGN);
    pipe(p);
    close(p[0]);
    errno = 0;
    say("write with no reader: %d %s\n", (int) write(p[1], "x", 1), errno == EPIPE ? "EPIPE" : "?");
    close(p[1]);

    /* 5. O_NONBLOCK */
    pipe2(p, O_NONBLOCK);
    say("empty non-blocking read: %s\n", read(p[0], buf, 1) < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    long filled = 0;
    while (write(p[1], big, 1024) == 1024) filled += 1024;
    say("full non-blocking write: %s, some written: %s\n", errno == EAGAIN ? "EAGAIN" : "?", filled > 0 ? "yes" : "no");
    int fl = fcntl(p[0], F_GETFL);
    say("F_GETFL: read end, O_NONBLOCK %s\n", (fl & O_ACCMODE) == O_RDONLY && (fl & O_NONBLOCK) ? "set" : "?");
    fcntl(p[0], F_SETFL, fl & ~O_NONBLOCK);
    say("F_SETFL cleared O_NONBLOCK: %s\n", fcntl(p[0], F_GETFL) & O_NONBLOCK ? "no" : "yes");
    struct stat sb;
    fstat(p[0], &sb);
    say("fstat: %s\n", S_ISFIFO(sb.st_mode) ? "S_IFIFO" : "?");
    close(p[0]);
    close(p[1]);

    /* 6. dup and friends */
    int fd = dup(1);
    say("dup: lowest free fd: %s\n", fd == 3 ? "3" : "?");
    say("dup2 onto 10: %d\n", dup2(1, 10));
    write(10, "written through fd 10\n", 22);
    say("dup3 with O_CLOEXEC onto 11: %d, F_GETFD %d\n", dup3(1, 11, O_CLOEXEC), fcntl(11, F_GETFD));
    say("dup3 onto itself: %s\n", dup3(11, 11, 0) < 0 && errno == EINVAL ? "EINVAL" : "?");
    fcntl(11, F_SETFD, 0);
    say("F_SETFD 0: F_GETFD %d\n", fcntl(11, F_GETFD));
    int e = fcntl(1, F_DUPFD_CLOEXEC, 7);
    say("F_DUPFD_CLOEXEC from 7: %d, F_GETFD %d\n", e, fcntl(e, F_GETFD));
    say("dup of a closed fd: %s\n", dup(13) < 0 && errno == EBADF ? "EBADF" : "?");
    close(fd);
    close(10);
    close(11);
    close(e);
    /* poll on pipes: the read end becomes readable when the child writes, a full pipe is not writable, the read
     * end reports POLLHUP once no writer is left */
    {
        int q[2];
        if (pipe(q) != 0) return 20;
        pid_t pc = fork();
        if (pc == 0) {
            struct timespec ms = {0, 10 * 1000 * 1000};
            nanosleep(&ms, NULL);
            write(q[1], "p", 1);
            _exit(0);
        }
        struct pollfd pf = {q[0], POLLIN, 0};
        int pr = poll(&pf, 1, 5000);
        say("poll on the read end: %d, POLLIN %s\n", pr, pf.revents & POLLIN ? "yes" : "no");
        char pch;
        read(q[0], &pch, 1);
        int pst;
        waitpid(pc, &pst, 0);
        fcntl(q[1], F_SETFL, O_NONBLOCK);
        char fill[4096];
        memset(fill, 'f', sizeof fill);
        while (write(q[1], fill, sizeof fill) > 0) { }
        struct pollfd wf = {q[1], POLLOUT, 0};
        say("poll on a full pipe's write end: %d\n", poll(&wf, 1, 0));
        close(q[1]);
        pf.revents = 0;
        pr = poll(&pf, 1, 0);
        say("no writer left: %d, POLLIN %s, POLLHUP %s\n", pr, pf.revents & POLLIN ? "yes" : "no",
            pf.revents & POLLHUP ? "yes" : "no");
        close(q[0]);
    }

    say("pipetest done\n");
    return 0;
}
