/* head [-qv] [-n [-]N | -c [-]N | -N] [FILE...]: print the first lines (or bytes)
 * of each input, as GNU head.
 *   -n N first N lines (default 10); -n -N all but the last N lines;
 *   -c N first N bytes; -c -N all but the last N bytes; -N is -n N;
 *   -q never print headers; -v always print them.  With several inputs each is
 *   preceded by "==> NAME <==" (standard input is "standard input"), and every
 *   header after the first by an empty line.
 * head reads no more than it needs and stops; on a seekable input it moves the
 * offset back to just after the last line printed, so that a later reader of the
 * same open file (the shell's next command) continues there.
 * Exit 0, or 1 if an input could not be read. */
#include "tool.h"

static long long count = 10;
static int bytes_mode, all_but_last;
static char buf[65536];

static int fail_read(const char *name)
{
    complain("error reading '%s': %s", name, strerror(errno));
    return 1;
}

static void out(const char *p, size_t n)
{
    if (write_all(1, p, n) < 0) {
        complain("error writing 'standard output': %s", strerror(errno));
        exit(1);
    }
}

static int head_bytes(int fd, const char *name)
{
    long long left = count;
    while (left > 0) {
        ssize_t r = read_some(fd, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf);
        if (r == 0)
            return 0;
        if (r < 0)
            return fail_read(name);
        out(buf, (size_t)r);
        left -= r;
    }
    return 0;
}

static int head_lines(int fd, const char *name)
{
    long long left = count;
    while (left > 0) {
        ssize_t r = read_some(fd, buf, sizeof buf);
        if (r == 0)
            return 0;
        if (r < 0)
            return fail_read(name);
        size_t used = 0;
        while (used < (size_t)r && left > 0) {
            char *nl = memchr(buf + used, '\n', (size_t)r - used);
            if (nl == NULL) {
                used = (size_t)r;
                break;
            }
            used = (size_t)(nl - buf) + 1;
            left--;
        }
        out(buf, used);
        if (used < (size_t)r)
            lseek(fd, (off_t)used - r, SEEK_CUR); /* fails harmlessly on a pipe */
    }
    return 0;
}

/* -n -N and -c -N: the whole input in memory, then all but its tail. */
static int head_all_but_last(int fd, const char *name)
{
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + sizeof buf > cap) {
            cap = cap ? cap * 2 : sizeof buf * 2;
            data = realloc(data, cap);
            if (data == NULL) {
                complain("memory exhausted");
                exit(1);
            }
        }
        ssize_t r = read_some(fd, data + len, cap - len);
        if (r == 0)
            break;
        if (r < 0) {
            free(data);
            return fail_read(name);
        }
        len += (size_t)r;
    }
    size_t keep;
    if (bytes_mode) {
        keep = (unsigned long long)count >= len ? 0 : len - (size_t)count;
    } else {
        /* Step back over `count` lines from the end; the last may lack its newline. */
        size_t i = len;
        for (long long k = 0; k < count && i > 0; k++) {
            if (data[i - 1] == '\n')
                i--;
            while (i > 0 && data[i - 1] != '\n')
                i--;
        }
        keep = i;
    }
    out(data, keep);
    free(data);
    return 0;
}

static long long parse_count(const char *s, const char *what)
{
    const char *p = s;
    if (*p == '-') {
        all_but_last = 1;
        p++;
    } else {
        all_but_last = 0;
        if (*p == '+')
            p++;
    }
    char *end;
    errno = 0;
    long long n = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : -1;
    if (n < 0 || *end != '\0' || errno != 0) {
        complain("invalid number of %s: '%s'", what, s);
        exit(1);
    }
    return n;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int headers = -1; /* -1: when there are several inputs */
    /* The obsolete form -NUM, only as the first argument. */
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
        count = parse_count(argv[1] + 1, "lines");
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    int opt;
    while ((opt = getopt(argc, argv, "c:n:qv")) != -1) {
        switch (opt) {
        case 'c': bytes_mode = 1; count = parse_count(optarg, "bytes"); break;
        case 'n': bytes_mode = 0; count = parse_count(optarg, "lines"); break;
        case 'q': headers = 0; break;
        case 'v': headers = 1; break;
        default: try_help(1);
        }
    }
    char *stdin_only[] = { "-", NULL };
    char **files = optind < argc ? argv + optind : stdin_only;
    if (headers < 0)
        headers = argc - optind > 1;
    int status = 0, first = 1;
    for (; *files; files++) {
        int is_stdin = strcmp(*files, "-") == 0;
        int fd = is_stdin ? 0 : open(*files, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            complain("cannot open '%s' for reading: %s", *files, strerror(errno));
            status = 1;
            continue;
        }
        if (headers) {
            char header[4096];
            int n = snprintf(header, sizeof header, "%s==> %s <==\n", first ? "" : "\n",
                             is_stdin ? "standard input" : *files);
            out(header, n < (int)sizeof header ? (size_t)n : sizeof header - 1);
        }
        first = 0;
        const char *name = is_stdin ? "standard input" : *files;
        int failed = all_but_last ? head_all_but_last(fd, name)
                   : bytes_mode ? head_bytes(fd, name) : head_lines(fd, name);
        if (failed)
            status = 1;
        close_input(fd);
    }
    return status;
}
