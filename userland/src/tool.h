/* tool.h: what the small tools (cat, echo, wc, sort, grep, head, seq, tee, sleep,
 * mkdir) share.  Messages follow GNU coreutils in the C locale: "PROG: FILE: reason"
 * on stderr, and "Try 'PROG --help' for more information." after a usage error.
 * PROG is argv[0] as the program was started (the shell passes the name typed). */
#ifndef TOOL_H
#define TOOL_H

#define _GNU_SOURCE /* memmem */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "?";

static inline void tool_init(int argc, char **argv)
{
    (void)argc;
    if (argv[0] != NULL && argv[0][0] != '\0')
        prog = argv[0];
}

/* "PROG: message" on stderr. */
__attribute__((format(printf, 1, 2)))
static inline void complain(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* "PROG: NAME: strerror(errno)" on stderr. */
static inline void complain_file(const char *name)
{
    complain("%s: %s", name, strerror(errno));
}

/* The message after a bad option or operand; then exit with status. */
static inline void try_help(int status)
{
    fprintf(stderr, "Try '%s --help' for more information.\n", prog);
    exit(status);
}

/* Opens an input operand: "-" is standard input.  -1 (after a message) on failure. */
static inline int open_input(const char *name)
{
    if (strcmp(name, "-") == 0)
        return 0;
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        complain_file(name);
    return fd;
}

static inline void close_input(int fd)
{
    if (fd > 0)
        close(fd);
}

/* write(2) until all n bytes are out; -1 on error (errno set). */
static inline int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
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

/* read(2), retried on EINTR. */
static inline ssize_t read_some(int fd, void *buf, size_t n)
{
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

/* Flushes stdout; a failure is reported as GNU's close_stdout does.  Returns status. */
static inline int finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
        return 1;
    }
    return status;
}

/* Reads one line of fd into a growing buffer, as getline(3) does but on a raw fd
 * with a private read buffer, so that a tool can say how much input it consumed. */
struct linereader {
    int fd;
    char buf[65536];
    size_t pos, len;
    int eof, error;
};

static inline void lr_init(struct linereader *lr, int fd)
{
    lr->fd = fd;
    lr->pos = lr->len = 0;
    lr->eof = lr->error = 0;
}

/* Appends the next line (with its newline, if any) to *line (size *cap, grown with
 * realloc).  Returns its length, 0 at end of input or on a read error. */
static inline size_t lr_getline(struct linereader *lr, char **line, size_t *cap)
{
    size_t n = 0;
    for (;;) {
        if (lr->pos == lr->len) {
            if (lr->eof || lr->error)
                break;
            ssize_t r = read_some(lr->fd, lr->buf, sizeof lr->buf);
            if (r <= 0) {
                if (r < 0)
                    lr->error = errno;
                else
                    lr->eof = 1;
                break;
            }
            lr->pos = 0;
            lr->len = (size_t)r;
        }
        char *start = lr->buf + lr->pos;
        char *nl = memchr(start, '\n', lr->len - lr->pos);
        size_t take = nl ? (size_t)(nl - start) + 1 : lr->len - lr->pos;
        if (n + take + 1 > *cap) {
            size_t want = *cap ? *cap : 128;
            while (want < n + take + 1)
                want *= 2;
            char *grown = realloc(*line, want);
            if (grown == NULL) {
                complain("memory exhausted");
                exit(2);
            }
            *line = grown;
            *cap = want;
        }
        memcpy(*line + n, start, take);
        n += take;
        lr->pos += take;
        if (nl)
            break;
    }
    if (*line)
        (*line)[n] = '\0';
    return n;
}

#endif
