/* tee [-ai] [FILE...]: copy standard input to standard output and to every FILE, as
 * GNU tee.  Data is passed on as it arrives (read(2), then write(2) to each output).
 *   -a append to the files instead of truncating them;
 *   -i ignore SIGINT.
 * A file that cannot be opened or written is reported and left out from then on;
 * the others go on.  Exit 0, or 1 after any error. */
#include "tool.h"
#include <signal.h>

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int append = 0, opt;
    while ((opt = getopt(argc, argv, "ai")) != -1) {
        switch (opt) {
        case 'a': append = 1; break;
        case 'i': signal(SIGINT, SIG_IGN); break;
        default: try_help(1);
        }
    }
    int nout = argc - optind + 1;
    int *fds = malloc((size_t)nout * sizeof *fds);
    const char **names = malloc((size_t)nout * sizeof *names);
    if (fds == NULL || names == NULL) {
        complain("memory exhausted");
        return 1;
    }
    int status = 0;
    fds[0] = 1;
    names[0] = "standard output";
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    for (int i = 1; i < nout; i++) {
        names[i] = argv[optind + i - 1];
        fds[i] = open(names[i], flags, 0666);
        if (fds[i] < 0) {
            complain_file(names[i]);
            status = 1;
        }
    }
    static char buf[65536];
    int live = 1;
    while (live) {
        ssize_t r = read_some(0, buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0) {
            complain("read error: %s", strerror(errno));
            status = 1;
            break;
        }
        live = 0;
        for (int i = 0; i < nout; i++) {
            if (fds[i] < 0)
                continue;
            if (write_all(fds[i], buf, (size_t)r) < 0) {
                complain_file(names[i]);
                status = 1;
                if (i > 0)
                    close(fds[i]);
                fds[i] = -1;
                continue;
            }
            live = 1;
        }
    }
    for (int i = 1; i < nout; i++) {
        if (fds[i] >= 0 && close(fds[i]) != 0) {
            complain_file(names[i]);
            status = 1;
        }
    }
    return status;
}
