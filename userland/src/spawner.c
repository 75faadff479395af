/*
 * spawner: starts programs from the disk, for the kernel's execve tests (qemu-riscv64 cannot execve a RISC-V
 * binary without binfmt_misc, so its golden run is the usage message only; the kernel tests check the rest).
 *
 *   spawner run PROG [ARG...]     fork, execve(PROG) with the environment OW=1, waitpid; print the status
 *   spawner vfork PROG [ARG...]   the same with vfork
 *   spawner spawn PROG [ARG...]   the same with posix_spawn
 *   spawner show [ARG...]         print its arguments, its environment, /proc/self/exe and its name (comm)
 *   spawner fill                  fork children that exit at once, unreaped, until fork fails; print how
 *   spawner orphan                a child forks a grandchild and exits; the grandchild is adopted by pid 1
 *   spawner loop N PROG [ARG...]  N times fork + execve + wait (round trips, for the benchmark)
 */
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void say(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, (size_t) n) != n) _exit(99);
}

static void report(const char *how, const char *prog, int st) {
    if (WIFEXITED(st)) say("spawner: %s %s exited %d\n", how, prog, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) say("spawner: %s %s killed by signal %d\n", how, prog, WTERMSIG(st));
}

static char *env[] = {"OW=1", "PATH=/bin", NULL};

int main(int argc, char **argv) {
    if (argc < 2) {
        say("usage: spawner run|vfork|spawn PROG [ARG...] | show | fill | orphan | loop N PROG\n");
        return 2;
    }
    const char *mode = argv[1];
    int st;
    if (!strcmp(mode, "run") || !strcmp(mode, "vfork")) {
        pid_t c = !strcmp(mode, "run") ? fork() : vfork();
        if (c == 0) {
            execve(argv[2], argv + 2, env);
            _exit(127);
        }
        if (c < 0) {
            say("spawner: fork failed: %s\n", strerror(errno));
            return 1;
        }
        waitpid(c, &st, 0);
        report(mode, argv[2], st);
        return 0;
    }
    if (!strcmp(mode, "spawn")) {
        pid_t c;
        int r = posix_spawn(&c, argv[2], NULL, NULL, argv + 2, env);
        if (r != 0) {
            say("spawner: posix_spawn failed: %s\n", strerror(r));
            return 1;
        }
        waitpid(c, &st, 0);
        report(mode, argv[2], st);
        return 0;
    }
    if (!strcmp(mode, "show")) {
        char exe[256];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = 0;
        say("show: %d args:", argc);
        for (int i = 1; i < argc; i++) say(" %s", argv[i]);
        say("\nshow: environment:");
        for (char **e = environ; *e; e++) say(" %s", *e);
        say("\nshow: /proc/self/exe is %s\n", exe);
        char comm[16] = "";
        prctl(PR_GET_NAME, comm, 0, 0, 0);
        say("show: comm is %s\n", comm);
        return 3;
    }
    if (!strcmp(mode, "fill")) {
        int n = 0;
        for (;;) {
            pid_t c = fork();
            if (c == 0) _exit(0);
            if (c < 0) break;
            n++;
        }
        int e = errno;
        int reaped = 0;
        while (wait(&st) > 0) reaped++;
        say("fill: fork failed with %s after %d children; %d reaped; fork works again: %s\n",
            e == EAGAIN ? "EAGAIN" : strerror(e), n, reaped, fork() == 0 ? (_exit(0), "") : (wait(&st), "yes"));
        return 0;
    }
    if (!strcmp(mode, "orphan")) {
        int p[2];
        pipe(p);
        pid_t c = fork();
        if (c == 0) {
            if (fork() == 0) {
                char b;
                close(p[1]);
                read(p[0], &b, 1); /* until the parent has exited and the write end closed */
                say("grandchild: adopted by %s\n", getppid() == 1 ? "pid 1" : "someone else");
                _exit(4);
            }
            _exit(0);
        }
        close(p[0]);
        close(p[1]);
        waitpid(c, &st, 0);
        pid_t g = wait(&st);
        say("orphan: pid 1 reaped the grandchild: %s, ", g > 0 ? "yes" : "no");
        report("orphan", "grandchild", st);
        return 0;
    }
    if (!strcmp(mode, "loop")) {
        int n = atoi(argv[2]);
        int ok = 0;
        for (int i = 0; i < n; i++) {
            pid_t c = fork();
            if (c == 0) {
                execve(argv[3], argv + 3, env);
                _exit(127);
            }
            waitpid(c, &st, 0);
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
        }
        say("loop: %d of %d round trips exited 0\n", ok, n);
        return 0;
    }
    say("spawner: unknown mode %s\n", mode);
    return 2;
}
