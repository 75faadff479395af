/* sort [-fnru] [-o OUTPUT] [FILE...]: sort the lines of all inputs together, as
 * GNU sort in the C locale.
 *   -n numeric: leading blanks, an optional '-', digits, an optional '.' and
 *      fraction; a line without a number counts as 0;
 *   -f fold lower case to upper case for comparing;
 *   -r reverse the result of every comparison;
 *   -u output only the first line of each run of lines that compare equal;
 *   -o write the result to OUTPUT (opened after all input is read, so it may be
 *      one of the inputs).
 * Lines whose keys (-n, -f) are equal are ordered by their bytes ("last resort",
 * reversed by -r), except under -u, where they are duplicates.  Equal lines keep
 * their input order.  A last line without a newline gets one.  An unreadable input
 * stops sort before any output, with status 2, as GNU sort does. */
#include "tool.h"
#include <ctype.h>

static int numeric, fold, reverse, unique;

struct line {
    const char *text;
    size_t len;
    size_t index; /* input position: equal lines keep their order */
};

static char *data;
static size_t data_len, data_cap;

static void append(const char *p, size_t n)
{
    if (data_len + n > data_cap) {
        size_t want = data_cap ? data_cap : 65536;
        while (want < data_len + n)
            want *= 2;
        data = realloc(data, want);
        if (data == NULL) {
            complain("memory exhausted");
            exit(2);
        }
        data_cap = want;
    }
    memcpy(data + data_len, p, n);
    data_len += n;
}

static void read_all(const char *name)
{
    static char buf[65536];
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        complain("cannot read: %s: %s", name, strerror(errno));
        exit(2);
    }
    size_t start = data_len;
    for (;;) {
        ssize_t r = read_some(fd, buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0) {
            complain("read failed: %s: %s", name, strerror(errno));
            exit(2);
        }
        append(buf, (size_t)r);
    }
    if (data_len > start && data[data_len - 1] != '\n')
        append("\n", 1);
    close_input(fd);
}

/* Number syntax of -n: where the digits start and end, and the sign. */
struct number {
    int sign;               /* -1, 0 (the number is zero) or 1 */
    const char *int_digits; /* integer part without leading zeros */
    size_t int_len;
    const char *frac;       /* fraction without trailing zeros */
    size_t frac_len;
};

static struct number parse_number(const char *s, const char *end)
{
    struct number n = { 1, s, 0, s, 0 };
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s < end && *s == '-') {
        n.sign = -1;
        s++;
    }
    while (s < end && *s == '0')
        s++;
    n.int_digits = s;
    while (s < end && isdigit((unsigned char)*s))
        s++;
    n.int_len = (size_t)(s - n.int_digits);
    n.frac = s;
    if (s < end && *s == '.') {
        n.frac = ++s;
        while (s < end && isdigit((unsigned char)*s))
            s++;
        n.frac_len = (size_t)(s - n.frac);
        while (n.frac_len > 0 && n.frac[n.frac_len - 1] == '0')
            n.frac_len--;
    }
    if (n.int_len == 0 && n.frac_len == 0)
        n.sign = 0;
    return n;
}

static int compare_numbers(const struct line *a, const struct line *b)
{
    struct number x = parse_number(a->text, a->text + a->len);
    struct number y = parse_number(b->text, b->text + b->len);
    if (x.sign != y.sign)
        return x.sign < y.sign ? -1 : 1;
    int magnitude = 0;
    if (x.int_len != y.int_len) {
        magnitude = x.int_len < y.int_len ? -1 : 1;
    } else {
        magnitude = memcmp(x.int_digits, y.int_digits, x.int_len);
        if (magnitude == 0) {
            size_t n = x.frac_len < y.frac_len ? x.frac_len : y.frac_len;
            magnitude = memcmp(x.frac, y.frac, n);
            if (magnitude == 0 && x.frac_len != y.frac_len)
                magnitude = x.frac_len < y.frac_len ? -1 : 1;
        }
    }
    return x.sign < 0 ? -magnitude : magnitude;
}

static int compare_bytes(const struct line *a, const struct line *b, int folded)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++) {
        int x = (unsigned char)a->text[i], y = (unsigned char)b->text[i];
        if (folded) {
            x = toupper(x);
            y = toupper(y);
        }
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

/* GNU sort's compare(): the key (-n or -f), then the last resort. */
static int compare_lines(const struct line *a, const struct line *b)
{
    int diff;
    if (numeric || fold) {
        diff = numeric ? compare_numbers(a, b) : compare_bytes(a, b, 1);
        if (reverse)
            diff = -diff;
        if (diff != 0 || unique)
            return diff;
    }
    diff = compare_bytes(a, b, 0);
    return reverse ? -diff : diff;
}

static int compare_sorting(const void *pa, const void *pb)
{
    const struct line *a = pa, *b = pb;
    int diff = compare_lines(a, b);
    if (diff != 0)
        return diff;
    return a->index < b->index ? -1 : a->index > b->index;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    const char *output = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "fno:ru")) != -1) {
        switch (opt) {
        case 'f': fold = 1; break;
        case 'n': numeric = 1; break;
        case 'o': output = optarg; break;
        case 'r': reverse = 1; break;
        case 'u': unique = 1; break;
        default: try_help(2);
        }
    }
    if (optind == argc)
        read_all("-");
    for (int i = optind; i < argc; i++)
        read_all(argv[i]);

    size_t nlines = 0;
    for (size_t i = 0; i < data_len; i++)
        nlines += data[i] == '\n';
    struct line *lines = malloc((nlines ? nlines : 1) * sizeof *lines);
    if (lines == NULL) {
        complain("memory exhausted");
        return 2;
    }
    const char *p = data;
    for (size_t i = 0; i < nlines; i++) {
        const char *nl = memchr(p, '\n', (size_t)(data + data_len - p));
        lines[i].text = p;
        lines[i].len = (size_t)(nl - p);
        lines[i].index = i;
        p = nl + 1;
    }
    qsort(lines, nlines, sizeof *lines, compare_sorting);

    if (output != NULL) {
        int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0 || dup2(fd, 1) < 0) {
            complain("open failed: %s: %s", output, strerror(errno));
            return 2;
        }
        close(fd);
    }
    for (size_t i = 0; i < nlines; i++) {
        if (unique && i > 0 && compare_lines(&lines[i - 1], &lines[i]) == 0)
            continue;
        fwrite(lines[i].text, 1, lines[i].len + 1, stdout);
    }
    return finish_stdout(0) ? 2 : 0;
}
