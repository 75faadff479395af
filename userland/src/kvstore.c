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
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    if (fsync(log_fd) != 0) {
        printf("kvstore: log fsync failed: errno %d\n", errno);
        exit(1);
    }
}

int main(void)
{
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
