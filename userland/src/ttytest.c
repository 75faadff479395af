/*
 * ttytest: the terminal and the character devices.
 *
 *   ttytest dev   /dev/null, /dev/zero, /dev/full, /dev/urandom: open, read, write, lseek, fstat, stat; statx of
 *                 each node by path and by fd; the nodes reached by other paths (relative to /dev as the working
 *                 directory and as a dirfd, through "..", with doubled slashes: the same inode); lstat, access;
 *                 the nodes in a listing of /dev (getdents64) with their d_type
 *                 (deterministic on any Linux with the usual nodes: golden from qemu-riscv64)
 *   ttytest node PATH...  for each path: stat's type and device number, and whether open(O_RDONLY) succeeds
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
 * rt_sigaction, openat/read/write/lseek/fstat/newfstatat/statx/faccessat/chdir/fchdir/getdents64 on devices.
 */
#define _GNU_SOURCE
#include <dirent.h>
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

static const char *kind(mode_t m)
{
    return S_ISCHR(m) ? "char device" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" : "other";
}

/* statx of a node by path (or of a descriptor, with AT_EMPTY_PATH): type, device number, mode, links. */
static void devstatx(const char *what, int dirfd, const char *path, int flags)
{
    struct statx sx;
    if (statx(dirfd, path, flags, STATX_BASIC_STATS, &sx) != 0) {
        out("statx %s: %s\n", what, strerror(errno));
        return;
    }
    out("statx %s: %s %u:%u mode %o nlink %u\n", what, kind(sx.stx_mode), sx.stx_rdev_major, sx.stx_rdev_minor,
        (unsigned) (sx.stx_mode & 07777), (unsigned) sx.stx_nlink);
}

/* A node opened by another path (from dirfd): its type and number, and whether it is the inode ref names. */
static void reached(const char *what, int dirfd, const char *path, const char *ref)
{
    int fd = openat(dirfd, path, O_RDWR);
    if (fd < 0) {
        out("%s: open: %s\n", what, strerror(errno));
        return;
    }
    struct stat a, b;
    if (fstat(fd, &a) == 0 && stat(ref, &b) == 0) {
        out("%s: %s %u:%u, the inode of %s: %s\n", what, kind(a.st_mode), major(a.st_rdev), minor(a.st_rdev), ref,
            a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no");
    }
    char buf[8];
    memset(buf, 0x55, sizeof buf);
    out("%s: read %ld\n", what, (long) read(fd, buf, sizeof buf));
    close(fd);
}

/* Paths to the nodes that are not spelt /dev/NAME, stat and access on them, and /dev listed. */
static void paths(void)
{
    static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty", "console"};
    char p[64], w[80];
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "/dev/%s", nodes[i]);
        devstatx(p, AT_FDCWD, p, 0);
        int fd = open(p, O_RDONLY);
        snprintf(w, sizeof w, "fd of %s", p);
        devstatx(w, fd, "", AT_EMPTY_PATH);
        close(fd);
    }
    int here = open(".", O_RDONLY | O_DIRECTORY);
    out("chdir /dev: %s\n", chdir("/dev") == 0 ? "ok" : strerror(errno));
    reached("null from /dev", AT_FDCWD, "null", "/dev/null");
    devstatx("zero from /dev", AT_FDCWD, "zero", 0);
    out("fchdir back: %s\n", fchdir(here) == 0 ? "ok" : strerror(errno));
    close(here);
    int dev = open("/dev", O_RDONLY | O_DIRECTORY);
    reached("openat(/dev, zero)", dev, "zero", "/dev/zero");
    reached("/dev/../dev/null", AT_FDCWD, "/dev/../dev/null", "/dev/null");
    reached("//dev///full", AT_FDCWD, "//dev///full", "/dev/full");
    struct stat st;
    for (int i = 5; i < 7; i++) {
        snprintf(p, sizeof p, "/dev/%s", nodes[i]);
        if (stat(p, &st) == 0) out("stat %s: %s %u:%u mode %o\n", p, kind(st.st_mode), major(st.st_rdev),
                                   minor(st.st_rdev), (unsigned) (st.st_mode & 07777));
        else out("stat %s: %s\n", p, strerror(errno));
    }
    if (lstat("/dev/null", &st) == 0) out("lstat /dev/null: %s %u:%u\n", kind(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    out("access /dev/null R_OK|W_OK: %s\n", access("/dev/null", R_OK | W_OK) == 0 ? "ok" : strerror(errno));
    out("access /dev/zero X_OK: %s\n", access("/dev/zero", X_OK) == 0 ? "ok" : strerror(errno));
    out("open /dev/zero/x: %s\n", open("/dev/zero/x", O_RDONLY) < 0 ? strerror(errno) : "opened");
    DIR *d = fdopendir(dev);
    unsigned char type[7] = {0};
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        for (int i = 0; i < 7; i++) if (strcmp(e->d_name, nodes[i]) == 0) type[i] = e->d_type == DT_CHR ? 1 : 2;
    }
    if (d) closedir(d);
    for (int i = 0; i < 7; i++) out("ls /dev: %s %s\n", nodes[i], type[i] == 1 ? "DT_CHR" : type[i] ? "not DT_CHR" : "missing");
}

static int node_info(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            out("%s: stat: %s\n", argv[i], strerror(errno));
            continue;
        }
        out("%s: %s %u:%u\n", argv[i], kind(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
        int fd = open(argv[i], O_RDONLY);
        out("%s: open: %s\n", argv[i], fd < 0 ? strerror(errno) : "opened");
        if (fd >= 0) close(fd);
    }
    return 0;
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
    paths();
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
    if (argc > 1 && strcmp(argv[1], "node") == 0) return node_info(argc, argv);
    out("usage: ttytest dev|tty|node PATH...\n");
    return 2;
}
