/* grep [-EFcHhilnqsvx] [-e PATTERN]... [PATTERN] [FILE...]: print the lines that
 * match, as GNU grep in the C locale.  Patterns are basic regular expressions
 * (regcomp(3)), extended with -E, fixed strings with -F; several patterns, by -e or
 * separated by newlines, match a line if any of them does.  A pattern without
 * special characters is searched for as a fixed string.
 *   -c print a count of selected lines per file; -l print only the names of files
 *   with a selected line; -q print nothing, exit at the first selected line;
 *   -i ignore case; -v select lines that do not match; -x match whole lines only;
 *   -n prefix the line number; -H/-h force/suppress the file name prefix (default:
 *   on with more than one file); -s no messages about unreadable files.
 * Standard input is "-" or no FILE, and is called "(standard input)".
 * Exit 0 if a line was selected, 1 if none, 2 after an error (unless -q selected). */
#include "tool.h"
#include <ctype.h>
#include <regex.h>

static int extended, fixed, count_only, list_files, quiet, ignore_case, invert,
    whole_line, line_numbers, no_messages;
static int with_names = -1; /* -1: decide from the number of files */

struct pattern {
    char *text; /* fixed string (lower-cased under -i) */
    size_t len;
    int is_regex;
    regex_t re;
};

static struct pattern *patterns;
static size_t npatterns;
static char *pattern_list; /* all patterns, newline-separated */

static void add_patterns(const char *s)
{
    size_t old = pattern_list ? strlen(pattern_list) : 0;
    size_t n = strlen(s);
    pattern_list = realloc(pattern_list, old + n + 2);
    if (pattern_list == NULL) {
        complain("memory exhausted");
        exit(2);
    }
    if (old > 0)
        pattern_list[old++] = '\n';
    memcpy(pattern_list + old, s, n + 1);
}

static int has_special(const char *p)
{
    const char *special = extended ? "\\.[]*^$+?(){}|" : "\\.[]*^$";
    return strpbrk(p, special) != NULL;
}

static void lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
}

static void compile_patterns(void)
{
    char *list = pattern_list;
    for (char *p = list;; ) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        patterns = realloc(patterns, (npatterns + 1) * sizeof *patterns);
        if (patterns == NULL) {
            complain("memory exhausted");
            exit(2);
        }
        struct pattern *pt = &patterns[npatterns++];
        pt->text = p;
        pt->len = strlen(p);
        pt->is_regex = !fixed && has_special(p);
        if (pt->is_regex) {
            int flags = (extended ? REG_EXTENDED : 0) | (ignore_case ? REG_ICASE : 0);
            int err = regcomp(&pt->re, p, flags);
            if (err != 0) {
                char msg[256];
                regerror(err, &pt->re, msg, sizeof msg);
                complain("%s", msg);
                exit(2);
            }
        } else if (ignore_case) {
            lower(pt->text, pt->len);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* Does line (len bytes, NUL-terminated, no newline) match any pattern? */
static int matches(const char *line, size_t len, char *lowered)
{
    for (size_t i = 0; i < npatterns; i++) {
        struct pattern *pt = &patterns[i];
        if (pt->is_regex) {
            regmatch_t m;
            if (regexec(&pt->re, line, 1, &m, 0) == 0
                    && (!whole_line || (m.rm_so == 0 && (size_t)m.rm_eo == len)))
                return 1;
            continue;
        }
        const char *hay = ignore_case ? lowered : line;
        if (whole_line) {
            if (pt->len == len && memcmp(hay, pt->text, len) == 0)
                return 1;
        } else if (pt->len == 0 || memmem(hay, len, pt->text, pt->len) != NULL) {
            return 1;
        }
    }
    return 0;
}

static struct linereader reader;

/* Searches one input; returns the number of selected lines, or -1 if unreadable. */
static long search(const char *name, const char *shown)
{
    int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (!no_messages)
            complain_file(name);
        return -1;
    }
    static char *line, *lowered;
    static size_t cap, lowered_cap;
    lr_init(&reader, fd);
    long selected = 0, line_no = 0;
    size_t n;
    while ((n = lr_getline(&reader, &line, &cap)) > 0) {
        line_no++;
        size_t len = line[n - 1] == '\n' ? n - 1 : n;
        line[len] = '\0';
        if (ignore_case) {
            if (lowered_cap < len + 1) {
                lowered_cap = cap;
                lowered = realloc(lowered, lowered_cap);
                if (lowered == NULL) {
                    complain("memory exhausted");
                    exit(2);
                }
            }
            memcpy(lowered, line, len + 1);
            lower(lowered, len);
        }
        if (matches(line, len, lowered) == invert)
            continue;
        selected++;
        if (quiet)
            exit(0);
        if (list_files) {
            printf("%s\n", shown);
            break;
        }
        if (count_only)
            continue;
        if (with_names)
            printf("%s:", shown);
        if (line_numbers)
            printf("%ld:", line_no);
        fwrite(line, 1, len, stdout);
        putchar('\n');
    }
    int error = reader.error;
    close_input(fd);
    if (error) {
        errno = error;
        if (!no_messages)
            complain_file(name);
        return -1;
    }
    if (count_only) {
        if (with_names)
            printf("%s:", shown);
        printf("%ld\n", selected);
    }
    return selected;
}

static void usage(void)
{
    fprintf(stderr, "Usage: %s [OPTION]... PATTERNS [FILE]...\n", prog);
    try_help(2);
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "EFce:Hhilnqsvx")) != -1) {
        switch (opt) {
        case 'E': extended = 1; fixed = 0; break;
        case 'F': fixed = 1; extended = 0; break;
        case 'c': count_only = 1; break;
        case 'e': add_patterns(optarg); break;
        case 'H': with_names = 1; break;
        case 'h': with_names = 0; break;
        case 'i': ignore_case = 1; break;
        case 'l': list_files = 1; break;
        case 'n': line_numbers = 1; break;
        case 'q': quiet = 1; break;
        case 's': no_messages = 1; break;
        case 'v': invert = 1; break;
        case 'x': whole_line = 1; break;
        default: usage();
        }
    }
    if (pattern_list == NULL) {
        if (optind == argc)
            usage();
        add_patterns(argv[optind++]);
    }
    compile_patterns();

    char *stdin_only[] = { "-", NULL };
    int nfiles = argc - optind;
    char **files = nfiles > 0 ? argv + optind : stdin_only;
    if (with_names < 0)
        with_names = nfiles > 1;
    int any_selected = 0, error = 0;
    for (; *files; files++) {
        const char *shown = strcmp(*files, "-") == 0 ? "(standard input)" : *files;
        long n = search(*files, shown);
        if (n < 0)
            error = 1;
        else if (n > 0)
            any_selected = 1;
    }
    int status = finish_stdout(0);
    if (status != 0 || error)
        return 2;
    return any_selected ? 0 : 1;
}
