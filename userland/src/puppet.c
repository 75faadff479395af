/*
 * puppet: a guest process driven one command at a time, for conformance
 * testing (checker's otherworld.checker.conform).  Each command makes exactly
 * one system call (or one memory store), and one result line is printed with
 * write(2).  All system calls are raw ecalls: no glibc wrapper, no errno, no
 * stdio buffering; results are printed as the kernel returned them (-errno on
 * failure).
 *
 * Commands on stdin, one per line (numbers decimal):
 *   open NAME FLAGS     openat(AT_FDCWD, NAME, FLAGS, 0644)   -> open = R
 *   close FD            close(FD)                             -> close = R
 *   write FD PAGE LEN   write(FD, page[PAGE], LEN)            -> write = R
 *   read FD PAGE LEN    read(FD, page[PAGE], LEN)             -> read = R HEX16
 *   lseek FD OFF WHENCE lseek(FD, OFF, WHENCE)                -> lseek = R
 *   fsync FD            fsync(FD)                             -> fsync = R
 *   unlink NAME         unlinkat(AT_FDCWD, NAME, 0)           -> unlink = R
 *   con PAGE LEN        write(1, page[PAGE], LEN): LEN bytes of the page on
 *                       the console, then                     -> con = R
 *   poke PAGE VALUE     one 64-bit store of E(VALUE) into word 0 of the page,
 *                       from register t0, which still holds it at the ecall of
 *                       the result line                       -> poke = VALUE
 *   peek PAGE           no system call                        -> peek = HEX16
 *   print TEXT          write(1, TEXT, len)                   -> print = R
 *   exit CODE           exit_group(CODE); no result line
 *   pipe                pipe2(fds, 0): fds[0], fds[1] kept     -> pipe = R
 *   send PAGE           write(fds[1], page[PAGE], 8)          -> send = R
 *   recv PAGE           read(fds[0], page[PAGE], 8)           -> recv = R
 *   wait PAGE           wait4(-1, page[PAGE], 0, 0): the wait
 *                       status in the page's first 4 bytes     -> wait = R
 *   fork                clone(SIGCHLD): the parent prints      -> fork = PID
 *                       the child prints "@PID ready" and takes its commands from
 *                       its mailbox (below), printing "@PID " before each line
 * Anything else prints "? LINE".  At start the puppet prints
 * "ready PAGES_ADDRESS" (hex), the virtual address of its page buffer.
 *
 * Mailbox: the page after the NPAGES pages (PAGES_ADDRESS + NPAGES * 4096).
 * A forked child shares the terminal with its parent, so it does not read
 * it: it stores to its mailbox first (its own copy of the page, copy-on-
 * write), then polls word 0; the harness writes a command line
 * (NUL-terminated) from byte 8 of the child's page, then a new word 0.
 *
 * Values: E(v) is the word whose byte k is (v << 4) | k, little-endian, so a
 * page holding value v sends bytes 0xv0 0xv1 ... to a file or the console.
 * Every page starts with E(0) in word 0.
 *
 * Input: a small line reader over read(0, ...).  The kernel's terminal gives
 * at most one line per read; a pipe or file may give several, which are kept
 * for the next command.  read returning 0 means "nothing typed yet" on the
 * otherworld console (whose input the test types a line at a time), so the
 * puppet asks again; after MAX_IDLE empty reads in a row (a file at its end)
 * it exits with status 3.
 */
#include <stddef.h>
#include <stdint.h>

#define NPAGES 4
#define PAGE 4096
#define MAX_LINE 256
#define MAX_IDLE 20000000L
#define AT_FDCWD (-100)

#define SYS_unlinkat 35
#define SYS_openat 56
#define SYS_close 57
#define SYS_lseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_fsync 82
#define SYS_exit_group 94
#define SYS_pipe2 59
#define SYS_getpid 172
#define SYS_clone 220
#define SYS_wait4 260
#define SIGCHLD 17

/* NPAGES pages the commands name, then the mailbox of a forked child. */
static unsigned char pages[NPAGES + 1][PAGE] __attribute__((aligned(PAGE)));
static char in[MAX_LINE];
static size_t in_len;
static char out[MAX_LINE + 96];
/* A forked child's "@PID " before every line: out[0..pl); lines are built at OUT. */
static size_t pl;
#define OUT (out + pl)
static long pfd[2] = {-1, -1};

static long sys3(long nr, long a, long b, long c)
{
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a7 asm("a7") = nr;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static long sys4(long nr, long a, long b, long c, long d)
{
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a3 asm("a3") = d;
    register long a7 asm("a7") = nr;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a7) : "memory");
    return a0;
}

static uint64_t encode(long v)
{
    uint64_t w = 0;
    for (int k = 0; k < 8; k++) w |= (uint64_t)(((v << 4) | k) & 0xff) << (8 * k);
    return w;
}

static size_t put_str(char *p, const char *s)
{
    size_t n = 0;
    while (s[n]) { p[n] = s[n]; n++; }
    return n;
}

static size_t put_dec(char *p, long v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    if (v < 0) p[k++] = '-';
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n) p[k++] = tmp[--n];
    return k;
}

static size_t put_hex(char *p, uint64_t v, int digits)
{
    for (int i = 0; i < digits; i++) p[i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 15];
    return (size_t)digits;
}

static void emit(size_t n)
{
    size_t done = 0;
    n += pl;
    while (done < n) {
        long w = sys3(SYS_write, 1, (long)(out + done), (long)(n - done));
        if (w <= 0) return;
        done += (size_t)w;
    }
}

/* "NAME = R\n" */
static void result(const char *name, long r)
{
    size_t n = put_str(OUT, name);
    n += put_str(OUT + n, " = ");
    n += put_dec(OUT + n, r);
    OUT[n++] = '\n';
    emit(n);
}

/* Next line into line (NUL-terminated, without the newline); 0 at end of input. */
static int next_line(char *line)
{
    long idle = 0;
    for (;;) {
        for (size_t i = 0; i < in_len; i++) {
            if (in[i] == '\n') {
                for (size_t j = 0; j < i; j++) line[j] = in[j];
                line[i] = 0;
                for (size_t j = i + 1; j < in_len; j++) in[j - i - 1] = in[j];
                in_len -= i + 1;
                return 1;
            }
        }
        if (in_len == MAX_LINE) in_len = 0; /* over-long line: dropped */
        long r = sys3(SYS_read, 0, (long)(in + in_len), (long)(MAX_LINE - in_len));
        if (r > 0) {
            in_len += (size_t)r;
            idle = 0;
        } else if (r < 0 || ++idle >= MAX_IDLE) {
            return 0;
        }
    }
}

/* Parses a decimal number at *s (skipping blanks); advances *s. */
static long num(char **s)
{
    char *p = *s;
    long v = 0, sign = 1;
    while (*p == ' ') p++;
    if (*p == '-') { sign = -1; p++; }
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    *s = p;
    return sign * v;
}

/* The next blank-separated word at *s, NUL-terminated in place. */
static char *word(char **s)
{
    char *p = *s;
    while (*p == ' ') p++;
    char *w = p;
    while (*p && *p != ' ') p++;
    if (*p) *p++ = 0;
    *s = p;
    return w;
}

static unsigned char *page(long g)
{
    return pages[(unsigned long)g % NPAGES];
}

static int is(const char *cmd, const char *name)
{
    size_t i = 0;
    while (name[i] && cmd[i] == name[i]) i++;
    return name[i] == 0 && cmd[i] == 0;
}

static void run(char *line);

/* A forked child: its lines tagged "@PID ", its commands from its mailbox. */
static void child(void)
{
    volatile uint64_t *mb = (volatile uint64_t *)pages[NPAGES];
    char line[MAX_LINE + 1];
    uint64_t last = 0;
    mb[0] = 0; /* its own copy of the page before the harness writes it */
    pl = 0;
    out[pl++] = '@';
    pl += put_dec(out + pl, sys3(SYS_getpid, 0, 0, 0));
    out[pl++] = ' ';
    size_t n = put_str(OUT, "ready\n");
    emit(n);
    for (;;) {
        while (mb[0] == last) {
        }
        last = mb[0];
        volatile char *c = (volatile char *)(mb + 1);
        size_t i = 0;
        while (i < MAX_LINE && c[i]) {
            line[i] = c[i];
            i++;
        }
        line[i] = 0;
        run(line);
    }
}

/* Runs one command line (modified in place). */
static void run(char *line)
{
    size_t n;
    char *s = line;
    char *cmd = word(&s);
    if (is(cmd, "open")) {
        char *name = word(&s);
        long flags = num(&s);
        result("open", sys4(SYS_openat, AT_FDCWD, (long)name, flags, 0644));
    } else if (is(cmd, "close")) {
        long fd = num(&s);
        result("close", sys3(SYS_close, fd, 0, 0));
    } else if (is(cmd, "write")) {
        long fd = num(&s), g = num(&s), len = num(&s);
        if (len < 0 || len > PAGE) len = PAGE;
        result("write", sys3(SYS_write, fd, (long)page(g), len));
    } else if (is(cmd, "read")) {
        long fd = num(&s), g = num(&s), len = num(&s);
        if (len < 0 || len > PAGE) len = PAGE;
        long r = sys3(SYS_read, fd, (long)page(g), len);
        n = put_str(OUT, "read = ");
        n += put_dec(OUT + n, r);
        OUT[n++] = ' ';
        n += put_hex(OUT + n, *(volatile uint64_t *)page(g), 16);
        OUT[n++] = '\n';
        emit(n);
    } else if (is(cmd, "lseek")) {
        long fd = num(&s), off = num(&s), whence = num(&s);
        result("lseek", sys3(SYS_lseek, fd, off, whence));
    } else if (is(cmd, "fsync")) {
        long fd = num(&s);
        result("fsync", sys3(SYS_fsync, fd, 0, 0));
    } else if (is(cmd, "unlink")) {
        char *name = word(&s);
        result("unlink", sys3(SYS_unlinkat, AT_FDCWD, (long)name, 0));
    } else if (is(cmd, "con")) {
        long g = num(&s), len = num(&s);
        if (len < 0 || len > PAGE) len = PAGE;
        result("con", sys3(SYS_write, 1, (long)page(g), len));
    } else if (is(cmd, "poke")) {
        long g = num(&s), v = num(&s);
        n = put_str(OUT, "poke = ");
        n += put_dec(OUT + n, v);
        OUT[n++] = '\n';
        /* The store and the result line's ecall in one block: t0 holds E(v) at the trap. */
        register long a0 asm("a0") = 1;
        register long a1 asm("a1") = (long)out;
        register long a2 asm("a2") = (long)(n + pl);
        register long a7 asm("a7") = SYS_write;
        asm volatile("mv t0, %[w]\n\tsd t0, 0(%[p])\n\tecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a7), [w] "r"(encode(v)), [p] "r"(page(g))
                     : "t0", "memory");
    } else if (is(cmd, "peek")) {
        long g = num(&s);
        n = put_str(OUT, "peek = ");
        n += put_hex(OUT + n, *(volatile uint64_t *)page(g), 16);
        OUT[n++] = '\n';
        emit(n);
    } else if (is(cmd, "print")) {
        while (*s == ' ') s++;
        size_t len = 0;
        while (s[len]) len++;
        result("print", sys3(SYS_write, 1, (long)s, (long)len));
    } else if (is(cmd, "exit")) {
        sys3(SYS_exit_group, num(&s), 0, 0);
    } else if (is(cmd, "pipe")) {
        long fds[1] = {0}; /* two ints */
        long r = sys3(SYS_pipe2, (long)fds, 0, 0);
        if (r == 0) {
            pfd[0] = (int)(fds[0] & 0xffffffff);
            pfd[1] = (int)(fds[0] >> 32);
        }
        result("pipe", r);
    } else if (is(cmd, "send")) {
        long g = num(&s);
        result("send", sys3(SYS_write, pfd[1], (long)page(g), 8));
    } else if (is(cmd, "recv")) {
        long g = num(&s);
        result("recv", sys3(SYS_read, pfd[0], (long)page(g), 8));
    } else if (is(cmd, "wait")) {
        long g = num(&s);
        result("wait", sys4(SYS_wait4, -1, (long)page(g), 0, 0));
    } else if (is(cmd, "fork")) {
        long r = sys4(SYS_clone, SIGCHLD, 0, 0, 0);
        if (r == 0) child();
        result("fork", r);
    } else {
        n = put_str(OUT, "? ");
        n += put_str(OUT + n, cmd);
        OUT[n++] = '\n';
        emit(n);
    }
}

int main(void)
{
    char line[MAX_LINE + 1];
    for (int g = 0; g < NPAGES; g++) *(volatile uint64_t *)pages[g] = encode(0);
    size_t n = put_str(out, "ready 0x");
    n += put_hex(out + n, (uint64_t)(uintptr_t)pages, 16);
    out[n++] = '\n';
    emit(n);

    while (next_line(line)) run(line);
    sys3(SYS_exit_group, 3, 0, 0);
    return 3;
}
