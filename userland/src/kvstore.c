/*
 * kvstore: a tiny key-value store with a write-ahead log.
 *
 * Commands on stdin, one per line:
 *   set KEY VALUE   -> OK            (VALUE is the rest of the line)
 *   get KEY         -> VALUE | NOT_FOUND
 *   del KEY         -> OK | NOT_FOUND
 *   count           -> number of keys
 *   dump            -> "KEY VALUE" lines sorted by key, then "END <count>"
 *   quit            -> BYE, exit 0   (end of input does the same)
 *
 * Every mutating command appends one line to kv.log ("S KEY VALUE" or
 * "D KEY") with write(2) and makes it durable with fsync(2) before the reply
 * is printed.  At start-up an existing kv.log is replayed, so a restarted
 * store sees its old data.
 *
 * Exercises: line-oriented stdin, O_APPEND files, fsync, read-back at start,
 * malloc through brk.
 *
 * Recovery procedure (otherworld, spec section 5.3): at start the store
 * registers one with ow_recovery (system call 400; ENOSYS elsewhere, e.g.
 * under qemu, and then nothing changes).  After a kernel crash the
 * resurrected store runs it instead of continuing: it verifies its log
 * (every line a well-formed record, as many records as it has appended, or
 * one more when a record's write was in flight), reopens the log on the same
 * fd, and carries on where it was with ow_recovery_return (401): a call that
 * was not made is made then.  A log that fails verification is reported on
 * stderr and the store exits with status 3, never going on silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_NAME "kv.log"
#define MAX_KEY 64
#define MAX_LINE 1024

struct entry {
    char *key;
    char *value;
};

/* The store: entries sorted by key (strcmp), binary-searched. */
static struct entry *entries;
static size_t count, capacity;
static int log_fd = -1;
/* Records this run has appended to the log, and the log's records at start. */
static long appended, replayed_records;

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p == NULL) {
        printf("kvstore: out of memory\n");
        exit(1);
    }
    memcpy(p, s, n);
    return p;
}

/* Index of key if present (*found = 1), else its insertion point. */
static size_t find(const char *key, int *found)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(entries[mid].key, key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static void store_set(const char *key, const char *value)
{
    int found;
    size_t i = find(key, &found);
    if (found) {
        free(entries[i].value);
        entries[i].value = copy(value);
        return;
    }
    if (count == capacity) {
        capacity = capacity ? capacity * 2 : 16;
        entries = realloc(entries, capacity * sizeof *entries);
        if (entries == NULL) {
            printf("kvstore: out of memory\n");
            exit(1);
        }
    }
    memmove(&entries[i + 1], &entries[i], (count - i) * sizeof *entries);
    entries[i].key = copy(key);
    entries[i].value = copy(value);
    count++;
}

static int store_del(const char *key)
{
    int found;
    size_t i = find(key, &found);
    if (!found)
        return 0;
    free(entries[i].key);
    free(entries[i].value);
    memmove(&entries[i], &entries[i + 1], (count - i - 1) * sizeof *entries);
    count--;
    return 1;
}

/* Split "WORD rest" in place: returns WORD, sets *rest (never NULL). */
static char *word(char *s, char **rest)
{
    while (*s == ' ')
        s++;
    char *w = s;
    while (*s != '\0' && *s != ' ')
        s++;
    if (*s == ' ') {
        *s++ = '\0';
        while (*s == ' ')
            s++;
    }
    *rest = s;
    return w;
}

/* Apply one log line; returns 1 if it was a valid record. */
static int replay_line(char *line)
{
    char *rest;
    char *op = word(line, &rest);
    char *value;
    char *key = word(rest, &value);
    if (*key == '\0' || strlen(key) >= MAX_KEY)
        return 0;
    if (strcmp(op, "S") == 0) {
        store_set(key, value);
        return 1;
    }
    if (strcmp(op, "D") == 0) {
        store_del(key);
        return 1;
    }
    return 0;
}

/* Replay kv.log with read(2); a torn last line (no newline) is ignored. */
static void replay(void)
{
    int fd = open(LOG_NAME, O_RDONLY);
    if (fd < 0) {
        printf("kvstore: no log, starting empty\n");
        return;
    }
    static char buf[4096];
    static char line[MAX_LINE];
    size_t len = 0;
    long records = 0, skipped = 0;
    int overflow = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            printf("kvstore: read of log failed: errno %d\n", errno);
            break;
        }
        if (r == 0)
            break;
        for (ssize_t i = 0; i < r; i++) {
            char c = buf[i];
            if (c == '\n') {
                line[len] = '\0';
                if (!overflow && replay_line(line))
                    records++;
                else
                    skipped++;
                len = 0;
                overflow = 0;
            } else if (len + 1 < sizeof line) {
                line[len++] = c;
            } else {
                overflow = 1;
            }
        }
    }
    close(fd);
    if (len > 0)
        skipped++;
    printf("kvstore: replayed %ld records (%ld skipped), %zu keys\n", records, skipped, count);
    replayed_records = records + skipped;
}

static void log_append(const char *rec)
{
    size_t n = strlen(rec);
    const char *p = rec;
    while (n > 0) {
        ssize_t w = write(log_fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            printf("kvstore: log write failed: errno %d\n", errno);
            exit(1);
        }
        p += w;
        n -= (size_t)w;
    }
    appended++;
    if (fsync(log_fd) != 0) {
        printf("kvstore: log fsync failed: errno %d\n", errno);
        exit(1);
    }
}

/* ---- recovery procedure ------------------------------------------------ */

#define SYS_ow_recovery 400
#define SYS_ow_recovery_return 401

/* The frame the kernel gives the procedure (Layouts.RFRAME, spec 5.3). */
struct ow_recovery_frame {
    uint32_t magic, version;
    uint64_t generation;
    int64_t syscall;
    int64_t call_state; /* 0 none, 1 not made, 2 made, 3 completed */
    uint64_t restored, nfds, pc;
    uint64_t x[32], f[32], fcsr;
};

static char recovery_stack[16384] __attribute__((aligned(16)));
static char check_buf[1 << 16];

static long raw(long nr, long a, long b, long c)
{
    return syscall(nr, a, b, c);
}

static void say(const char *s)
{
    raw(SYS_write, 2, (long)s, (long)strlen(s));
}

/*
 * Runs on recovery_stack after a crash, in place of whatever the store was
 * doing: only raw system calls, no stdio, no malloc (they may be mid-way).
 */
static void recovery(struct ow_recovery_frame *fr)
{
    long fd = raw(SYS_openat, AT_FDCWD, (long)LOG_NAME, O_RDONLY);
    long lines = 0, torn = 0, bad = 0, len = 0;
    if (fd >= 0) {
        long r;
        int first = 1;
        while ((r = raw(SYS_read, fd, (long)check_buf, sizeof check_buf)) > 0) {
            for (long i = 0; i < r; i++) {
                char c = check_buf[i];
                if (len == 0 && first && c != 'S' && c != 'D')
                    bad++;
                first = 0;
                if (c == '\n') {
                    lines++;
                    len = 0;
                    first = 1;
                } else {
                    len++;
                }
            }
        }
        raw(SYS_close, fd, 0, 0);
        torn = len > 0;
    }
    /* one more record than counted: its write had returned, or was made, when the kernel crashed */
    long expect = replayed_records + appended;
    if (bad || torn || (log_fd >= 0 && lines != expect && lines != expect + 1)) {
        say("kvstore: recovery: the log does not match what was appended\n");
        raw(SYS_exit_group, 3, 0, 0);
    }
    if (log_fd >= 0) {
        /* reopen the log on the same fd: the lowest free one once it is closed */
        raw(SYS_close, log_fd, 0, 0);
        long nfd = raw(SYS_openat, AT_FDCWD, (long)LOG_NAME, O_WRONLY | O_APPEND);
        if (nfd != log_fd) {
            /* a procedure run for a later crash, nested in this one, reopened it already */
            struct stat a, b;
            if (nfd < 0 || raw(SYS_fstat, log_fd, (long)&a, 0) != 0 || raw(SYS_fstat, nfd, (long)&b, 0) != 0
                || a.st_ino != b.st_ino) {
                say("kvstore: recovery: cannot reopen the log\n");
                raw(SYS_exit_group, 3, 0, 0);
            }
            raw(SYS_close, nfd, 0, 0);
        }
    }
    raw(SYS_ow_recovery_return, (long)fr, 0, 0);
    say("kvstore: recovery: cannot return\n");
    raw(SYS_exit_group, 4, 0, 0);
}

int main(void)
{
    /* A recovery procedure for kernel crashes (otherworld); elsewhere ENOSYS. */
    raw(SYS_ow_recovery, (long)recovery, (long)recovery_stack, sizeof recovery_stack);

    /* Keep every allocation on the brk heap: the kernel has no mmap. */
    mallopt(M_MMAP_MAX, 0);

    replay();
    log_fd = open(LOG_NAME, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (log_fd < 0) {
        printf("kvstore: cannot open %s: errno %d\n", LOG_NAME, errno);
        return 1;
    }

    static char line[MAX_LINE];
    static char rec[MAX_LINE + 8];
    long commands = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        char *rest;
        char *cmd = word(line, &rest);
        if (*cmd == '\0' || *cmd == '#')
            continue;
        commands++;
        if (strcmp(cmd, "set") == 0) {
            char *value;
            char *key = word(rest, &value);
            if (*key == '\0' || strlen(key) >= MAX_KEY) {
                printf("ERR bad key\n");
                continue;
            }
            snprintf(rec, sizeof rec, "S %s %s\n", key, value);
            log_append(rec);
            store_set(key, value);
            printf("OK\n");
        } else if (strcmp(cmd, "get") == 0) {
            char *tail;
            char *key = word(rest, &tail);
            int found;
            size_t i = find(key, &found);
            printf("%s\n", found ? entries[i].value : "NOT_FOUND");
        } else if (strcmp(cmd, "del") == 0) {
            char *tail;
            char *key = word(rest, &tail);
            int found;
            find(key, &found);
            if (!found) {
                printf("NOT_FOUND\n");
                continue;
            }
            snprintf(rec, sizeof rec, "D %s\n", key);
            log_append(rec);
            store_del(key);
            printf("OK\n");
        } else if (strcmp(cmd, "count") == 0) {
            printf("%zu\n", count);
        } else if (strcmp(cmd, "dump") == 0) {
            for (size_t i = 0; i < count; i++)
                printf("%s %s\n", entries[i].key, entries[i].value);
            printf("END %zu\n", count);
        } else if (strcmp(cmd, "quit") == 0) {
            break;
        } else {
            printf("ERR unknown command '%s'\n", cmd);
        }
    }
    close(log_fd);
    printf("BYE after %ld commands\n", commands);
    return 0;
}
