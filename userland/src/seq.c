/* seq [-w] [-s SEP] [FIRST [INC]] LAST: print numbers from FIRST (default 1) by INC
 * (default 1) up to LAST, as GNU seq.
 *   -s SEP  separate the numbers by SEP instead of a newline (a newline still ends
 *           the output);
 *   -w      pad with leading zeros to equal width.
 * Operands are decimal numbers, [-+]DIGITS[.DIGITS]; a negative FIRST or INC may
 * follow the options directly (seq 5 -1 1).  When no operand has a fraction, the
 * numbers are integers counted in 64 bits; otherwise they are long doubles printed
 * with as many decimals as FIRST or INC has, FIRST + i*INC, and a last value that
 * prints as LAST is printed, as GNU seq does.  Nothing is printed when FIRST is
 * already past LAST. */
#include "tool.h"
#include <ctype.h>
#include <limits.h>

struct operand {
    long double value;
    long long integer; /* the value, when is_integer */
    int is_integer;    /* no fraction, and within 64 bits */
    int precision;     /* digits after the decimal point */
    int width;         /* printed width of the operand (GNU's rule) */
};

static struct operand scan(const char *arg)
{
    struct operand op = { 0, 0, 0, 0, 0 };
    const char *p = arg;
    while (isspace((unsigned char)*p) || *p == '+')
        p++;
    const char *start = p;
    const char *q = p;
    if (*q == '-')
        q++;
    int int_digits = 0, frac_digits = 0, has_point = 0;
    while (isdigit((unsigned char)*q)) {
        q++;
        int_digits++;
    }
    if (*q == '.') {
        has_point = 1;
        q++;
        while (isdigit((unsigned char)*q)) {
            q++;
            frac_digits++;
        }
    }
    if (*q != '\0' || int_digits + frac_digits == 0) {
        complain("invalid floating point argument: '%s'", arg);
        try_help(1);
    }
    char *end;
    op.value = strtold(start, &end);
    op.precision = frac_digits;
    op.width = (int)strlen(start);
    if (has_point) {
        if (frac_digits == 0)
            op.width--; /* "5." prints as "5" */
        else if (int_digits == 0)
            op.width++; /* ".5" prints as "0.5" */
    }
    if (!has_point) {
        errno = 0;
        op.integer = strtoll(start, &end, 10);
        op.is_integer = errno == 0;
    }
    return op;
}

static const char *separator = "\n";

static void print_integers(long long first, long long step, long long last, int width)
{
    if (step > 0 ? first > last : first < last)
        return;
    for (long long x = first;; ) {
        printf("%0*lld", width, x);
        /* Stop before x + step would pass LAST (the distance, in unsigned, cannot overflow). */
        unsigned long long left = step > 0 ? (unsigned long long)last - (unsigned long long)x
                                           : (unsigned long long)x - (unsigned long long)last;
        unsigned long long stride = step > 0 ? (unsigned long long)step : 0 - (unsigned long long)step;
        if (left < stride)
            break;
        x += step;
        fputs(separator, stdout);
    }
    putchar('\n');
}

static void print_decimals(long double first, long double step, long double last,
                           int width, int precision)
{
    if (step < 0 ? first < last : last < first)
        return;
    char now[128], before[128];
    long double x = first;
    for (long double i = 1;; i++) {
        long double x0 = x;
        printf("%0*.*Lf", width, precision, x);
        x = first + i * step;
        if (step < 0 ? x < last : last < x) {
            /* Print one more number if it prints as LAST and differs from the last one printed. */
            snprintf(now, sizeof now, "%0*.*Lf", width, precision, x);
            snprintf(before, sizeof before, "%0*.*Lf", width, precision, x0);
            if (strtold(now, NULL) != last || strcmp(now, before) == 0)
                break;
            fputs(separator, stdout);
            printf("%s", now);
            break;
        }
        fputs(separator, stdout);
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int equal_width = 0;
    while (optind < argc) {
        const char *a = argv[optind];
        if (a[0] == '-' && (a[1] == '.' || isdigit((unsigned char)a[1])))
            break; /* a negative number, not an option */
        int opt = getopt(argc, argv, "+s:w");
        if (opt == -1)
            break;
        switch (opt) {
        case 's': separator = optarg; break;
        case 'w': equal_width = 1; break;
        default: try_help(1);
        }
    }
    int n = argc - optind;
    if (n < 1) {
        complain("missing operand");
        try_help(1);
    }
    if (n > 3) {
        complain("extra operand '%s'", argv[optind + 3]);
        try_help(1);
    }
    struct operand first = { 1, 1, 1, 0, 1 }, step = { 1, 1, 1, 0, 1 }, last;
    if (n >= 2)
        first = scan(argv[optind]);
    if (n == 3)
        step = scan(argv[optind + 1]);
    last = scan(argv[argc - 1]);
    if (step.value == 0) {
        complain("invalid Zero increment value: '%s'", argv[optind + 1]);
        try_help(1);
    }

    int precision = first.precision > step.precision ? first.precision : step.precision;
    int width = 0;
    if (equal_width) {
        /* GNU seq's get_default_format: widths re-counted at the common precision. */
        int first_width = first.width + (precision - first.precision);
        int last_width = last.width + (precision - last.precision);
        if (last.precision && precision == 0)
            last_width--;
        if (last.precision == 0 && precision)
            last_width++;
        if (first.precision == 0 && precision)
            first_width++;
        width = first_width > last_width ? first_width : last_width;
    }
    if (first.is_integer && step.is_integer && last.is_integer)
        print_integers(first.integer, step.integer, last.integer, width);
    else
        print_decimals(first.value, step.value, last.value, width, precision);
    return finish_stdout(0);
}
