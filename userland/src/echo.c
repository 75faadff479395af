/* echo [-neE] [STRING...]: write the strings separated by blanks and a newline, as
 * GNU echo.  An argument is an option only if it is '-' followed by nothing but
 * the letters n, e and E (so "--" and "-x" are printed):
 *   -n no trailing newline; -e interpret backslash escapes; -E do not (default).
 * Escapes under -e: \\ \a \b \c (stop output here) \e \f \n \r \t \v,
 * \0NNN and \NNN (octal, up to three digits), \xHH (hex, one or two digits);
 * any other backslash is printed as it is. */
#include "tool.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_octal(char c)
{
    return c >= '0' && c <= '7';
}

/* Prints s interpreting escapes; returns 1 if \c asked to stop all output. */
static int put_escaped(const char *s)
{
    while (*s) {
        char c = *s++;
        if (c != '\\' || *s == '\0') {
            putchar(c);
            continue;
        }
        c = *s++;
        switch (c) {
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'c': return 1;
        case 'e': c = 033; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'v': c = '\v'; break;
        case '\\': break;
        case 'x':
            if (hexval(*s) < 0) {
                fputs("\\x", stdout);
                continue;
            }
            c = (char)hexval(*s++);
            if (hexval(*s) >= 0)
                c = (char)(c * 16 + hexval(*s++));
            break;
        case '0':
            if (!is_octal(*s)) {
                c = 0;
                break;
            }
            c = *s++; /* the first of up to three digits after \0 */
            __attribute__((fallthrough));
        case '1': case '2': case '3': case '4': case '5': case '6': case '7':
            c -= '0';
            for (int i = 0; i < 2 && is_octal(*s); i++)
                c = (char)(c * 8 + (*s++ - '0'));
            break;
        default:
            putchar('\\');
            break;
        }
        putchar(c);
    }
    return 0;
}

static int is_option(const char *a)
{
    if (a[0] != '-' || a[1] == '\0')
        return 0;
    for (const char *p = a + 1; *p; p++)
        if (*p != 'n' && *p != 'e' && *p != 'E')
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int newline = 1, escapes = 0, i = 1;
    for (; i < argc && is_option(argv[i]); i++) {
        for (const char *p = argv[i] + 1; *p; p++) {
            if (*p == 'n')
                newline = 0;
            else
                escapes = *p == 'e';
        }
    }
    for (int first = 1; i < argc; i++, first = 0) {
        if (!first)
            putchar(' ');
        if (escapes) {
            if (put_escaped(argv[i]))
                return finish_stdout(0);
        } else {
            fputs(argv[i], stdout);
        }
    }
    if (newline)
        putchar('\n');
    return finish_stdout(0);
}
