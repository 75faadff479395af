/* wc [-clmwL] [FILE...]: count lines, words and bytes, as GNU wc in the C locale.
 *   -l newlines; -w words (runs of printable characters between white space);
 *   -c bytes; -m characters (bytes: single-byte locale); -L longest line in columns.
 * Default -lwc.  Counts print in the order lines, words, chars, bytes, longest,
 * right-aligned to one width: the digits of the total size of the regular-file
 * inputs, at least 7 when an input is not a regular file (a pipe), and 1 when there
 * is one input and one count.  With several inputs a "total" line follows.  A file
 * that cannot be opened is reported and skipped; one that fails while being read is
 * reported and counted as far as it was read.  Exit 0, or 1 after any error. */
#include "tool.h"
#include <ctype.h>
#include <sys/stat.h>

struct counts {
    unsigned long long lines, words, chars, bytes, longest;
};

static int print_lines, print_words, print_chars, print_bytes, print_longest;
static int width;

static char buf[65536];

/* Counts fd into *c; 0, or 1 after reporting a read error. */
static int count(int fd, const char *name, struct counts *c)
{
    int in_word = 0;
    unsigned long long col = 0;
    for (;;) {
        ssize_t r = read_some(fd, buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0) {
            complain_file(name);
            return 1;
        }
        c->bytes += (unsigned long long)r;
        for (ssize_t i = 0; i < r; i++) {
            unsigned char ch = (unsigned char)buf[i];
            switch (ch) {
            case '\n':
                c->lines++;
                /* fall through */
            case '\r':
            case '\f':
                if (col > c->longest)
                    c->longest = col;
                col = 0;
                c->words += in_word;
                in_word = 0;
                break;
            case '\t':
                col += 8 - col % 8;
                c->words += in_word;
                in_word = 0;
                break;
            case ' ':
                col++;
                /* fall through */
            case '\v':
                c->words += in_word;
                in_word = 0;
                break;
            default:
                if (isprint(ch)) {
                    col++;
                    in_word = 1;
                }
                break;
            }
        }
    }
    if (col > c->longest)
        c->longest = col;
    c->words += in_word;
    c->chars = c->bytes;
    return 0;
}

static void print(const struct counts *c, const char *name)
{
    const char *sep = "";
    if (print_lines) { printf("%s%*llu", sep, width, c->lines); sep = " "; }
    if (print_words) { printf("%s%*llu", sep, width, c->words); sep = " "; }
    if (print_chars) { printf("%s%*llu", sep, width, c->chars); sep = " "; }
    if (print_bytes) { printf("%s%*llu", sep, width, c->bytes); sep = " "; }
    if (print_longest) { printf("%s%*llu", sep, width, c->longest); }
    if (name)
        printf(" %s", name);
    putchar('\n');
}

/* GNU wc's compute_number_width, from what stat says about every operand. */
static int number_width(int nfiles, char **files)
{
    int nprint = print_lines + print_words + print_chars + print_bytes + print_longest;
    if (nfiles == 1 && nprint == 1)
        return 1;
    int w = 1, minimum = 1;
    unsigned long long regular_total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        int ok = strcmp(files[i], "-") == 0 ? fstat(0, &st) : stat(files[i], &st);
        if (ok != 0)
            continue;
        if (S_ISREG(st.st_mode))
            regular_total += (unsigned long long)st.st_size;
        else
            minimum = 7;
    }
    for (; regular_total >= 10; regular_total /= 10)
        w++;
    return w < minimum ? minimum : w;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "clmwL")) != -1) {
        switch (opt) {
        case 'c': print_bytes = 1; break;
        case 'l': print_lines = 1; break;
        case 'm': print_chars = 1; break;
        case 'w': print_words = 1; break;
        case 'L': print_longest = 1; break;
        default: try_help(1);
        }
    }
    if (!(print_lines || print_words || print_chars || print_bytes || print_longest))
        print_lines = print_words = print_bytes = 1;

    char *stdin_only[] = { "-", NULL };
    int named = optind < argc;
    char **files = named ? argv + optind : stdin_only;
    int nfiles = named ? argc - optind : 1;
    width = number_width(nfiles, files);

    struct counts total = { 0, 0, 0, 0, 0 };
    int status = 0;
    for (int i = 0; i < nfiles; i++) {
        int fd = open_input(files[i]);
        if (fd < 0) {
            status = 1;
            continue;
        }
        struct counts c = { 0, 0, 0, 0, 0 };
        if (count(fd, files[i], &c))
            status = 1;
        close_input(fd);
        print(&c, named ? files[i] : NULL);
        total.lines += c.lines;
        total.words += c.words;
        total.chars += c.chars;
        total.bytes += c.bytes;
        if (c.longest > total.longest)
            total.longest = c.longest;
    }
    if (nfiles > 1)
        print(&total, "total");
    return finish_stdout(status);
}
