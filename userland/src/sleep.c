/* sleep NUMBER[SUFFIX]...: pause for the sum of the intervals, as GNU sleep.
 * NUMBER is a decimal (with an optional fraction); SUFFIX is s (seconds, the
 * default), m (minutes), h (hours) or d (days).  The pause is one nanosleep(2),
 * continued after an interruption; on otherworld's kernel time is the instruction
 * count, so a sleep is deterministic there.  Exit 0, or 1 for a bad interval. */
#include "tool.h"
#include <time.h>

static double parse_interval(const char *arg)
{
    char *end;
    errno = 0;
    double seconds = strtod(arg, &end);
    int bad = end == arg || errno != 0 || seconds < 0 || (arg[0] != '.' && (arg[0] < '0' || arg[0] > '9'));
    if (!bad && *end != '\0') {
        switch (*end) {
        case 's': break;
        case 'm': seconds *= 60; break;
        case 'h': seconds *= 60 * 60; break;
        case 'd': seconds *= 24 * 60 * 60; break;
        default: bad = 1;
        }
        bad |= end[1] != '\0';
    }
    if (bad) {
        complain("invalid time interval '%s'", arg);
        try_help(1);
    }
    return seconds;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "")) != -1)
        try_help(1);
    if (optind == argc) {
        complain("missing operand");
        try_help(1);
    }
    double total = 0;
    for (int i = optind; i < argc; i++)
        total += parse_interval(argv[i]);
    struct timespec want, left;
    if (total > 1e15)
        total = 1e15;
    want.tv_sec = (time_t)total;
    want.tv_nsec = (long)((total - (double)want.tv_sec) * 1e9);
    while (nanosleep(&want, &left) != 0) {
        if (errno != EINTR) {
            complain("cannot read realtime clock: %s", strerror(errno));
            return 1;
        }
        want = left;
    }
    return 0;
}
