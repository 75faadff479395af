/*
 * forktest: processes through glibc's own wrappers. fork and wait4 statuses (exit codes, death by a signal),
 * copy-on-write (parent and child each see their own writes), several children reaped in any order, WNOHANG,
 * waitid, zombies, vfork + _exit, process groups and sessions, execve failures (ENOENT, ENOEXEC for a text file,
 * EACCES without an x bit: the caller carries on), and fds shared across fork share their offset.
 * Prints relations, never pid values, so its output is the same under qemu-riscv64 and on otherworld.
 *
 * Usage: forktest [N]   (N children in the many-children round, default 5)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, (size_t) n) != n) _exit(99);
}

static void status(const char *what, int st) {
    if (WIFEXITED(st)) say("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) say("%s: killed by signal %d\n", what, WTERMSIG(st));
    else say("%s: status 0x%x\n", what, st);
}

static int shared_value = 1;
static char big[3 * 4096];

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 5;
    pid_t me = getpid();

    /* 1. exit codes */
    pid_t c = fork();
    if (c == 0) {
        say("child: parent is the forker: %s\n", getppid() == me ? "yes" : "no");
        _exit(7);
    }
    int st;
    pid_t w = waitpid(c, &st, 0);
    say("wait returned the child: %s\n", w == c ? "yes" : "no");
    status("child 1", st);

    /* 2. killed by a signal */
    c = fork();
    if (c == 0) {
        volatile long where = 16;
        *(volatile int *) where = 1;
        _exit(0);
    }
    waitpid(c, &st, 0);
    status("child 2", st);

    /* 3. copy-on-write */
    memset(big, 'p', sizeof big);
    c = fork();
    if (c == 0) {
        say("child sees %d and %c\n", shared_value, big[5000]);
        shared_value = 42;
        big[5000] = 'c';
        say("child wrote %d and %c\n", shared_value, big[5000]);
        _exit(0);
    }
    shared_value = 2;
    big[100] = 'P';
    waitpid(c, &st, 0);
    say("parent sees %d and %c%c\n", shared_value, big[100], big[5000]);

    /* 4. many children, reaped with -1 */
    for (int i = 0; i < n; i++) {
        if (fork() == 0) _exit(10 + i);
    }
    int sum = 0, reaped = 0;
    while ((w = wait(&st)) > 0) {
        sum += WEXITSTATUS(st);
        reaped++;
    }
    say("reaped %d children, statuses sum %d, then wait says %s\n", reaped, sum, errno == ECHILD ? "ECHILD" : "?");

    /* 5. WNOHANG on a live child, then a zombie */
    int p[2];
    if (pipe(p) != 0) say("pipe failed\n");
    c = fork();
    if (c == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1); /* wait for the parent's word */
        _exit(3);
    }
    close(p[0]);
    say("WNOHANG on a live child: %d\n", (int) waitpid(c, &st, WNOHANG));
    write(p[1], "x", 1);
    close(p[1]);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    say("waitid WNOWAIT: %d, signo %d, code %s, status %d, pid matches %s\n", r, si.si_signo,
        si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_status, si.si_pid == c ? "yes" : "no");
    waitpid(c, &st, 0);
    status("zombie reaped after WNOWAIT", st);
    say("a second wait: %s\n", waitpid(c, &st, WNOHANG) < 0 && errno == ECHILD ? "ECHILD" : "?");

    /* 6. vfork */
    volatile int touched = 0;
    c = vfork();
    if (c == 0) {
        touched = 1;
        _exit(5);
    }
    waitpid(c, &st, 0);
    (void) touched; /* shared on Linux and here; qemu-user makes vfork a fork */
    status("vfork child", st);

    /* 7. process groups and sessions */
    c = fork();
    if (c == 0) {
        pid_t self = getpid();
        say("child starts in its parent's group: %s\n", getpgid(0) == getpgid(getppid()) ? "yes" : "no");
        say("setpgid(0, 0): %d, now leads its group: %s\n", setpgid(0, 0), getpgid(0) == self ? "yes" : "no");
        say("setsid as a group leader: %s\n", setsid() < 0 && errno == EPERM ? "EPERM" : "?");
        pid_t g = fork();
        if (g == 0) {
            pid_t s = setsid();
            say("grandchild setsid: %s, sid and pgid are its pid: %s\n", s == getpid() ? "own pid" : "?",
                getsid(0) == getpid() && getpgid(0) == getpid() ? "yes" : "no");
            say("setpgid of a session leader: %s\n", setpgid(0, getppid()) < 0 && errno == EPERM ? "EPERM" : "?");
            _exit(0);
        }
        waitpid(g, &st, 0);
        _exit(0);
    }
    waitpid(c, &st, 0);
    say("setpgid of a non-child: %s\n", setpgid(999999, 0) < 0 && errno == ESRCH ? "ESRCH" : "?");
    say("getpgid of no process: %s\n", getpgid(999999) < 0 && errno == ESRCH ? "ESRCH" : "?");

    /* 8. execve failures: the caller carries on */
    char *args[] = {"nothing", NULL};
    char *env[] = {"A=1", NULL};
    say("execve of a missing file: %s\n", execve("/no/such/program", args, env) < 0 && errno == ENOENT ? "ENOENT" : "?");
    int fd = open("notelf", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "just text\n", 10);
    close(fd);
    say("execve of a text file: %s\n", execve("notelf", args, env) < 0 && errno == ENOEXEC ? "ENOEXEC" : "?");
    fd = open("noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "\177ELF", 4);
    close(fd);
    say("execve without an x bit: %s\n", execve("noexec", args, env) < 0 && errno == EACCES ? "EACCES" : "?");
    unlink("notelf");
    unlink("noexec");

    /* 9. an fd shared across fork shares its offset */
    fd = open("shared.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    c = fork();
    if (c == 0) {
        write(fd, "child;", 6);
        _exit(0);
    }
    waitpid(c, &st, 0);
    write(fd, "parent;", 7);
    char back[32] = {0};
    long off = (long) lseek(fd, 0, SEEK_CUR);
    lseek(fd, 0, SEEK_SET);
    read(fd, back, sizeof back - 1);
    say("shared offset: %s (offset %ld)\n", back, off);
    close(fd);
    unlink("shared.txt");

    say("forktest done\n");
    return 0;
}
