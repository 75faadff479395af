/*
 * sigtest: signals through glibc's own wrappers. Handlers with siginfo (raise, kill, a fault's address), masks and
 * sigpending, SIGSEGV and SIGILL caught (siglongjmp out; or the handler moves the saved pc past the bad instruction,
 * which rt_sigreturn must restore), FP registers kept across a handler, sigaltstack with SA_ONSTACK, SA_RESETHAND,
 * SA_NODEFER, sigsuspend woken by SIGCHLD (EINTR), waitpid restarted (SA_RESTART), default actions (terminate,
 * ignore), SIGSTOP and SIGCONT seen by waitpid (WUNTRACED, WCONTINUED).
 * Prints the same under qemu-riscv64 and on otherworld.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, (size_t) n) != n) _exit(99);
}

static volatile sig_atomic_t got, code, depth, maxdepth, calls;
static volatile long addr;
static sigjmp_buf jb;
static char altstack[16384];

static void info_handler(int s, siginfo_t *si, void *uc) {
    (void) uc;
    got = s;
    code = si->si_code;
    addr = (long) si->si_addr;
}

static void jump_handler(int s, siginfo_t *si, void *uc) {
    (void) uc;
    got = s;
    addr = (long) si->si_addr;
    siglongjmp(jb, 1);
}

static void skip_handler(int s, siginfo_t *si, void *ucv) {
    (void) si;
    ucontext_t *uc = ucv;
    got = s;
    uc->uc_mcontext.__gregs[REG_PC] += 4; /* past the illegal instruction */
}

static volatile double fpv;
static void fp_handler(int s) {
    double x = 1.0;
    for (int i = 0; i < 50; i++) x = x * 1.5 + 0.25;
    fpv = x;
    got = s;
}

static void alt_handler(int s) {
    char here;
    got = s;
    addr = (&here >= altstack && &here < altstack + sizeof altstack) ? 1 : 0;
}

static void nodefer_handler(int s) {
    depth++;
    calls++;
    if (depth > maxdepth) maxdepth = depth;
    if (calls < 3) raise(s);
    depth--;
}

static void plain_handler(int s) { got = s; }

static void on(int s, void (*h)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(s, &sa, NULL);
}

static void on_plain(int s, void (*h)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(s, &sa, NULL);
}

int main(void) {
    int st;

    /* 1. raise and kill, with siginfo */
    on(SIGUSR1, info_handler, 0);
    raise(SIGUSR1);
    say("raise: handler got %d, code %s\n", got, code == SI_TKILL ? "SI_TKILL" : "?");
    kill(getpid(), SIGUSR1);
    say("kill: handler got %d, code %s\n", got, code == SI_USER ? "SI_USER" : "?");

    /* 2. a blocked signal waits, pending, until unblocked */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    say("blocked: handler ran %s, pending %s\n", got ? "yes" : "no", sigismember(&pend, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("unblocked: handler got %d\n", got);

    /* 3. faults caught */
    on(SIGSEGV, jump_handler, 0);
    if (sigsetjmp(jb, 1) == 0) {
        volatile long where = 24;
        *(volatile int *) where = 1;
        say("no fault?\n");
    }
    say("SIGSEGV caught: %d at address %ld\n", got, addr);
    on(SIGILL, skip_handler, 0);
    got = 0;
    __asm__ volatile(".word 0x00000000"); /* illegal; the handler skips it */
    say("SIGILL caught: %d, resumed past the instruction\n", got);

    /* 4. FP registers survive a handler */
    on_plain(SIGUSR2, fp_handler, 0);
    double a = 3.0, b = 7.0;
    __asm__ volatile("" : "+f"(a), "+f"(b));
    raise(SIGUSR2);
    __asm__ volatile("" : "+f"(a), "+f"(b));
    say("FP kept across the handler: %s (handler computed %.2f)\n", a * b == 21.0 ? "yes" : "no", fpv);

    /* 5. an alternate stack */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    on_plain(SIGUSR2, alt_handler, SA_ONSTACK);
    addr = 0;
    raise(SIGUSR2);
    say("SA_ONSTACK: handler ran on the alternate stack: %s\n", addr ? "yes" : "no");
    stack_t cur;
    sigaltstack(NULL, &cur);
    say("sigaltstack: size %zu, disabled %s\n", cur.ss_size, cur.ss_flags & SS_DISABLE ? "yes" : "no");

    /* 6. SA_RESETHAND and SA_NODEFER */
    on_plain(SIGUSR2, plain_handler, SA_RESETHAND);
    raise(SIGUSR2);
    struct sigaction q;
    sigaction(SIGUSR2, NULL, &q);
    say("SA_RESETHAND: back to SIG_DFL: %s\n", q.sa_handler == SIG_DFL ? "yes" : "no");
    on_plain(SIGUSR1, nodefer_handler, SA_NODEFER);
    raise(SIGUSR1);
    say("SA_NODEFER: nested %d deep\n", maxdepth);
    on_plain(SIGUSR1, nodefer_handler, 0);
    depth = maxdepth = calls = 0;
    raise(SIGUSR1);
    say("without SA_NODEFER: %d calls, %d deep at a time\n", calls, maxdepth);

    /* 7. sigsuspend woken by SIGCHLD */
    on_plain(SIGCHLD, plain_handler, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    pid_t c = fork();
    if (c == 0) _exit(3);
    sigemptyset(&set);
    int r = sigsuspend(&set);
    say("sigsuspend: %d %s, handler got %d\n", r, errno == EINTR ? "EINTR" : "?", got);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(c, &st, 0);
    say("child exited %d\n", WEXITSTATUS(st));

    /* 8. waitpid restarted after a SIGCHLD handler (SA_RESTART) */
    on_plain(SIGCHLD, plain_handler, SA_RESTART);
    c = fork();
    if (c == 0) _exit(4);
    pid_t w = waitpid(c, &st, 0);
    say("waitpid with SA_RESTART: returned the child %s, exited %d\n", w == c ? "yes" : "no", WEXITSTATUS(st));
    signal(SIGCHLD, SIG_DFL);

    /* 9. default actions */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        char ch;
        close(p[1]);
        read(p[0], &ch, 1);
        _exit(0);
    }
    kill(c, SIGTERM);
    waitpid(c, &st, 0);
    say("SIGTERM by default: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    close(p[0]);
    close(p[1]);

    int ready[2];
    pipe(p);
    pipe(ready);
    c = fork();
    if (c == 0) {
        char ch;
        signal(SIGTERM, SIG_IGN);
        close(p[1]);
        write(ready[1], "r", 1); /* SIGTERM is ignored from now on */
        while (read(p[0], &ch, 1) < 0 && errno == EINTR) { }
        _exit(6);
    }
    close(p[0]);
    char rd;
    read(ready[0], &rd, 1);
    /* 10. stop and continue, seen by waitpid */
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    say("WUNTRACED: stopped %s by %d\n", WIFSTOPPED(st) ? "yes" : "no", WSTOPSIG(st));
    kill(c, SIGCONT);
    waitpid(c, &st, WCONTINUED);
    say("WCONTINUED: continued %s\n", WIFCONTINUED(st) ? "yes" : "no");
    kill(c, SIGTERM); /* ignored */
    write(p[1], "x", 1);
    close(p[1]);
    waitpid(c, &st, 0);
    say("SIGTERM ignored: exited %d\n", WEXITSTATUS(st));

    /* 11. nanosleep ended by a signal: EINTR, the time left in rem; the next sleep (the same ecall in glibc's
     *     wrapper) sleeps its own time, not what was left of the first */
    signal(SIGUSR1, plain_handler);
    c = fork();
    if (c == 0) {
        /* give the parent time to be inside its sleep: a signal before it would run the handler first, and the
         * sleep would then last its whole five seconds (a race under qemu-riscv64 on a busy host, not here) */
        struct timespec half = {0, 500000000};
        nanosleep(&half, NULL);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    struct timespec five = {5, 0}, rem = {0, 0};
    r = nanosleep(&five, &rem);
    say("nanosleep: %d %s, time left between 4 s and 5 s: %s\n", r, r < 0 && errno == EINTR ? "EINTR" : "?",
        rem.tv_sec == 4 || (rem.tv_sec == 5 && rem.tv_nsec == 0) ? "yes" : "no");
    waitpid(c, &st, 0);
    int late[2];
    pipe(late);
    c = fork();
    if (c == 0) {
        struct timespec one = {1, 0};
        nanosleep(&one, NULL);
        write(late[1], "l", 1);
        _exit(0);
    }
    struct timespec short_ = {0, 10 * 1000 * 1000};
    r = nanosleep(&short_, NULL);
    fcntl(late[0], F_SETFL, O_NONBLOCK);
    char lc;
    say("the next nanosleep (10 ms): %d, over before a 1 s sleeper: %s\n", r, read(late[0], &lc, 1) < 0 ? "yes" : "no");
    waitpid(c, &st, 0);

    say("sigtest done\n");
    return 0;
}
