/* cat [-AbeEnstTuv] [FILE...]: concatenate files (or standard input, also for "-")
 * to standard output, as GNU cat.  Without options the bytes are copied with
 * read(2)/write(2) as they arrive; with them, line by line:
 *   -n number all lines, -b number non-blank lines (overrides -n), as "%6d\t";
 *   -s squeeze repeated blank lines; -E '$' at each line end; -T tabs as ^I;
 *   -v other control characters as ^X and bytes >= 128 as M-x;
 *   -A = -vET, -e = -vE, -t = -vT, -u ignored.
 * Line numbers and blank-line squeezing carry on across files, as in GNU cat.
 * Exit 0, or 1 if an operand could not be read. */
#include "tool.h"

static int number, number_nonblank, squeeze, show_ends, show_tabs, show_nonprinting;

/* State carried across files. */
static long line_no;
static int at_line_start = 1;
static int blank_run; /* newlines seen in a row at line start (squeeze) */

static char buf[65536];

static void put_visible(unsigned char c)
{
    if (c == '\t') {
        fputs(show_tabs ? "^I" : "\t", stdout);
        return;
    }
    if (!show_nonprinting) {
        putchar(c);
        return;
    }
    if (c >= 128) {
        fputs("M-", stdout);
        c -= 128;
    }
    if (c < 32)
        printf("^%c", c + 64);
    else if (c == 127)
        fputs("^?", stdout);
    else
        putchar(c);
}

/* Writes one block with the formatting options, keeping the line state. */
static void format(const char *p, ssize_t n)
{
    for (ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (at_line_start) {
            if (c == '\n') {
                blank_run++;
                if (squeeze && blank_run > 1)
                    continue;
                if (number && !number_nonblank)
                    printf("%6ld\t", ++line_no);
            } else {
                blank_run = 0;
                if (number || number_nonblank)
                    printf("%6ld\t", ++line_no);
            }
            at_line_start = 0;
        }
        if (c == '\n') {
            if (show_ends)
                putchar('$');
            putchar('\n');
            at_line_start = 1;
        } else {
            put_visible(c);
        }
    }
}

/* Copies fd to standard output: as it is, or formatted; 1 after a read error. */
static int copy(int fd, const char *name, int formatted)
{
    for (;;) {
        ssize_t r = read_some(fd, buf, sizeof buf);
        if (r == 0)
            return 0;
        if (r < 0) {
            complain_file(name);
            return 1;
        }
        if (formatted) {
            format(buf, r);
        } else if (write_all(1, buf, (size_t)r) < 0) {
            complain("write error: %s", strerror(errno));
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "AbeEnstTuv")) != -1) {
        switch (opt) {
        case 'A': show_nonprinting = show_ends = show_tabs = 1; break;
        case 'b': number = number_nonblank = 1; break;
        case 'e': show_nonprinting = show_ends = 1; break;
        case 'E': show_ends = 1; break;
        case 'n': number = 1; break;
        case 's': squeeze = 1; break;
        case 't': show_nonprinting = show_tabs = 1; break;
        case 'T': show_tabs = 1; break;
        case 'u': break;
        case 'v': show_nonprinting = 1; break;
        default: try_help(1);
        }
    }
    int formatted = number || squeeze || show_ends || show_tabs || show_nonprinting;
    char *stdin_only[] = { "-", NULL };
    char **files = optind < argc ? argv + optind : stdin_only;
    int status = 0;
    for (; *files; files++) {
        int fd = open_input(*files);
        if (fd < 0) {
            status = 1;
            continue;
        }
        if (copy(fd, *files, formatted))
            status = 1;
        close_input(fd);
    }
    return finish_stdout(status);
}
