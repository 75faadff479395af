/*
 * ttytest: the terminal and the character devices.
 *
 *   ttytest dev   /dev/null, /dev/zero, /dev/full, /dev/urandom: open, read, write, lseek, fstat, stat
 *                 (deterministic on any Linux: golden from qemu-riscv64)
 *   ttytest tty   the line discipline, driven by what is typed at stdin (a terminal): prints the mode it finds,
 *                 sets canonical mode with echo and signals, then reads lines and obeys the commands among them:
 *                   raw    the next bytes read in non-canonical mode (VMIN 3, then VMIN 0 VTIME 2: a timeout)
 *                   part   the next line read 3 bytes at a time
 *                   winsz  TIOCSWINSZ 30x100 (SIGWINCH), TIOCGWINSZ
 *                   win    TIOCGWINSZ
 *                   pgrp   tcgetpgrp, tcsetpgrp to its own group
 *                   onlcr  output processing on for two lines
 *                   ctty   TIOCNOTTY (the session leader gives the terminal up: tcgetpgrp fails), TIOCSCTTY (back)
 *                   jobs   job control: a child in a group of its own reads (SIGTTIN stops it), is given the
 *                          terminal (tcsetpgrp, SIGCONT) and reads the next line; the terminal taken back from
 *                          the background with SIGTTOU ignored, as a shell does
 *                   quit   stop
 *                 two ends of file in a row also stop.  Each line read is printed escaped, with the signals
 *                 (SIGINT, SIGQUIT, SIGWINCH) caught since the last one.
 * Exercises: ioctl (TCGETS, TCSETS, TCSETSF, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP), read in both modes,
 * rt_sigaction, openat/read/write/lseek/fstat/newfstatat on devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught_int, caught_quit, caught_winch;

static void on_signal(int s)
{
    if (s == SIGINT) caught_int++;
    else if (s == SIGQUIT) caught_quit++;
    else if (s == SIGWINCH) caught_winch++;
}

static void out(const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (n > (int) sizeof b - 1) n = sizeof b - 1;
    if (write(1, b, n) < 0) _exit(3);
}

static void shown(const char *what, const char *buf, long n)
{
    char b[400];
    int k = 0;
    for (long i = 0; i < n && k < (int) sizeof b - 8; i++) {
        unsigned char c = buf[i];
        if (c == '\n') k += sprintf(b + k, "\\n");
        else if (c < 32 || c >= 127) k += sprintf(b + k, "\\x%02x", c);
        else b[k++] = c;
    }
    b[k] = 0;
    out("%s %ld [%s]", what, n, b);
    if (caught_int || caught_quit || caught_winch) {
        out(" signals int=%d quit=%d winch=%d", (int) caught_int, (int) caught_quit, (int) caught_winch);
        caught_int = caught_quit = caught_winch = 0;
    }
    out("\n");
}

static void device(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0) {
        out("%s: open: %s\n", path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
        out("%s: %s %u:%u mode %o\n", path, S_ISCHR(st.st_mode) ? "char device" : "not a char device",
            major(st.st_rdev), minor(st.st_rdev), (unsigned) (st.st_mode & 07777));
    }
    char buf[64];
    memset(buf, 0x55, sizeof buf);
    long r = read(fd, buf, sizeof buf);
    int zeros = 0;
    for (int i = 0; i < r; i++) zeros += buf[i] == 0;
    out("%s: read %ld (%s), zero bytes %s\n", path, r, r < 0 ? strerror(errno) : "ok",
        strstr(path, "random") ? "-" : (zeros == r ? "all" : "not all"));
    long w = write(fd, "data", 4);
    out("%s: write %ld (%s)\n", path, w, w < 0 ? strerror(errno) : "ok");
    out("%s: lseek %ld\n", path, (long) lseek(fd, 100, SEEK_SET));
    close(fd);
}

static int devices(void)
{
    device("/dev/null", O_RDWR);
    device("/dev/zero", O_RDWR);
    device("/dev/full", O_RDWR);
    device("/dev/urandom", O_RDONLY);
    device("/dev/random", O_RDONLY);
    struct stat st;
    if (stat("/dev/null", &st) == 0) out("stat /dev/null: %s %u:%u\n", S_ISCHR(st.st_mode) ? "char device" : "other",
                                         major(st.st_rdev), minor(st.st_rdev));
    else out("stat /dev/null: %s\n", strerror(errno));
    int fd = open("/dev/null", O_RDONLY | O_DIRECTORY);
    out("open /dev/null O_DIRECTORY: %s\n", fd < 0 ? strerror(errno) : "opened");
    return 0;
}

static void mode(struct termios *t, int canon, int echo, int vmin, int vtime)
{
    t->c_lflag = (t->c_lflag & ~(ICANON | ECHO | ECHOE | ECHOK | ECHOKE | ECHOCTL | ISIG | IEXTEN))
                 | (canon ? ICANON : 0) | (echo ? ECHO | ECHOE | ECHOK | ECHOKE | ECHOCTL : 0) | ISIG | IEXTEN;
    t->c_iflag |= ICRNL;
    t->c_cc[VMIN] = vmin;
    t->c_cc[VTIME] = vtime;
}

static int terminal(void)
{
    struct termios t;
    struct winsize ws;
    if (!isatty(0)) {
        out("stdin is not a terminal\n");
        return 1;
    }
    if (tcgetattr(0, &t) != 0) return 2;
    out("mode: icanon=%d echo=%d isig=%d opost=%d vmin=%d vtime=%d intr=%d erase=%d\n", !!(t.c_lflag & ICANON),
        !!(t.c_lflag & ECHO), !!(t.c_lflag & ISIG), !!(t.c_oflag & OPOST), t.c_cc[VMIN], t.c_cc[VTIME],
        t.c_cc[VINTR], t.c_cc[VERASE]);
    if (ioctl(0, TIOCGWINSZ, &ws) == 0) out("window: %d rows, %d columns\n", ws.ws_row, ws.ws_col);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGQUIT, &sa, 0);
    sigaction(SIGWINCH, &sa, 0);
    mode(&t, 1, 1, 1, 0);
    if (tcsetattr(0, TCSANOW, &t) != 0) return 3;
    struct termios back;
    tcgetattr(0, &back);
    out("set: icanon=%d echo=%d isig=%d\n", !!(back.c_lflag & ICANON), !!(back.c_lflag & ECHO), !!(back.c_lflag & ISIG));
    char buf[256];
    int eofs = 0;
    for (;;) {
        long n = read(0, buf, sizeof buf);
        if (n < 0) {
            out("read: %s\n", strerror(errno));
            return 4;
        }
        shown("line", buf, n);
        if (n == 0) {
            if (++eofs == 2) break;
            continue;
        }
        eofs = 0;
        if (n == 5 && memcmp(buf, "quit\n", 5) == 0) break;
        if (n == 4 && memcmp(buf, "raw\n", 4) == 0) {
            mode(&t, 0, 0, 3, 0);
            tcsetattr(0, TCSANOW, &t);
            n = read(0, buf, 10);
            shown("raw", buf, n);
            mode(&t, 0, 0, 0, 2);
            tcsetattr(0, TCSANOW, &t);
            n = read(0, buf, 10);
            shown("raw vtime", buf, n);
            mode(&t, 1, 1, 1, 0);
            tcsetattr(0, TCSANOW, &t);
        } else if (n == 5 && memcmp(buf, "part\n", 5) == 0) {
            for (int i = 0; i < 3; i++) {
                n = read(0, buf, 3);
                shown("part", buf, n);
            }
        } else if (n == 6 && memcmp(buf, "winsz\n", 6) == 0) {
            ws.ws_row = 30;
            ws.ws_col = 100;
            ws.ws_xpixel = ws.ws_ypixel = 0;
            int r = ioctl(0, TIOCSWINSZ, &ws);
            memset(&ws, 0, sizeof ws);
            ioctl(0, TIOCGWINSZ, &ws);
            out("winsz: set %d, now %d rows, %d columns, winch=%d\n", r, ws.ws_row, ws.ws_col, (int) caught_winch);
            caught_winch = 0;
        } else if (n == 4 && memcmp(buf, "win\n", 4) == 0) {
            memset(&ws, 0, sizeof ws);
            ioctl(0, TIOCGWINSZ, &ws);
            out("win: %d rows, %d columns\n", ws.ws_row, ws.ws_col);
        } else if (n == 5 && memcmp(buf, "pgrp\n", 5) == 0) {
            pid_t fg = tcgetpgrp(0);
            out("pgrp: foreground is %s, tcsetpgrp %d\n", fg == getpgrp() ? "mine" : "another", tcsetpgrp(0, getpgrp()));
        } else if (n == 5 && memcmp(buf, "ctty\n", 5) == 0) {
            int r = ioctl(0, TIOCNOTTY);
            pid_t fg = tcgetpgrp(0);
            out("ctty: TIOCNOTTY %d, then tcgetpgrp %s\n", r, fg < 0 ? strerror(errno) : "works");
            r = ioctl(0, TIOCSCTTY, 0);
            out("ctty: TIOCSCTTY %d, foreground %s\n", r, tcgetpgrp(0) == getpgrp() ? "mine" : "another");
        } else if (n == 5 && memcmp(buf, "jobs\n", 5) == 0) {
            signal(SIGTTOU, SIG_IGN);
            pid_t c = fork();
            if (c == 0) {
                setpgid(0, 0);
                long r = read(0, buf, sizeof buf);
                _exit(r < 0 ? 100 : (int) r);
            }
            setpgid(c, c);
            int st = 0;
            waitpid(c, &st, WUNTRACED);
            out("jobs: background read: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN ? "stopped by SIGTTIN" : "not stopped");
            out("jobs: tcsetpgrp to the child %d\n", tcsetpgrp(0, c));
            kill(c, SIGCONT);
            waitpid(c, &st, 0);
            int back = tcsetpgrp(0, getpgrp());
            out("jobs: the child read %d bytes; taken back %d, foreground %s\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1, back,
                tcgetpgrp(0) == getpgrp() ? "mine" : "another");
            signal(SIGTTOU, SIG_DFL);
        } else if (n == 6 && memcmp(buf, "onlcr\n", 6) == 0) {
            t.c_oflag |= OPOST | ONLCR;
            tcsetattr(0, TCSANOW, &t);
            out("two\nlines\n");
            t.c_oflag &= ~OPOST;
            tcsetattr(0, TCSANOW, &t);
        }
    }
    out("done\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "dev") == 0) return devices();
    if (argc > 1 && strcmp(argv[1], "tty") == 0) return terminal();
    out("usage: ttytest dev|tty\n");
    return 2;
}
