/*
 * fuzz: a guest system-call fuzzer for the otherworld kernel (issue 11).
 *
 *   fuzz [seed [calls]]        default seed 1, 100000 calls
 *
 * Makes `calls` system calls with random numbers and random arguments:
 * pointers into its own memory (a scratch area on the heap, its code, its
 * read-only data), out of it (unmapped user addresses, kernel addresses,
 * NULL, misaligned, straddling the end of the heap), random fds, flags,
 * lengths and offsets.  The kernel must keep running, other processes must be
 * untouched, and nothing may escape to the host.  At the end it prints a
 * deterministic summary and exits 0.
 *
 * What it leaves out, and why (each would harm the fuzzer, not test the
 * kernel's isolation): calls that end or replace the process (exit,
 * exit_group, execve, execveat, rt_sigreturn, ow_recovery_return), create
 * processes (clone, clone3), signal other processes (kill, tkill, tgkill,
 * pidfd_send_signal), block forever by design (futex, nanosleep,
 * clock_nanosleep, ppoll, pselect6, epoll_pwait, rt_sigsuspend,
 * rt_sigtimedwait, pipe2 whose empty pipe it would read), unmap or protect
 * its own code and stack (munmap, mremap, mprotect, madvise get an address in
 * the scratch area or outside its memory), and path names: every path it
 * passes is one of its own ("fz" and random letters) or garbage, so that it
 * names no file of another process.
 *
 * It refuses to run anywhere but on otherworld (system call 400, ow_recovery
 * with entry 0, answers 0 there and ENOSYS on Linux): random system calls made
 * as root on a real kernel (under qemu-riscv64 they go to the host) could
 * reboot the machine or remove files.  Hence it is not in programs.txt and has
 * no golden run.
 */
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SCRATCH (256 * 1024)
#define NPATH 8

static uint64_t state;

static uint64_t next(void)
{
    /* xorshift64*: deterministic, seeded from the command line */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n) { return n ? next() % n : 0; }

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a3 __asm__("a3") = d;
    register long a4 __asm__("a4") = e;
    register long a5 __asm__("a5") = f;
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
    return a0;
}

static void out(const char *s) { raw6(SYS_write, 1, (long)s, (long)strlen(s), 0, 0, 0); }

static char *num(char *p, uint64_t v)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

static uint64_t parse(const char *s, uint64_t dflt)
{
    if (!s || !*s)
        return dflt;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

static char *scratch, *paths;
static const char rodata_probe[] = "read-only data the kernel may read and must not write";

static int excluded(long nr)
{
    switch (nr) {
    case 93: case 94: case 221: case 281: case 139: case 401:  /* end or replace the process */
    case 220: case 435:                                        /* clone, clone3 */
    case 129: case 130: case 131: case 424:                    /* signals to others */
    case 98: case 101: case 115: case 73: case 72: case 22:    /* block by design */
    case 133: case 137: case 59:
    case 142: case 104: case 294: case 105: case 106: case 273: /* reboot, kexec, modules: never */
    case 40: case 39: case 41: case 51: case 89: case 224: case 225:
    case 170: case 112: case 171: case 266: case 161: case 162:
        return 1;
    }
    return 0;
}

/* System calls whose first argument is an address the call may unmap or protect. */
static int remaps(long nr) { return nr == 215 || nr == 216 || nr == 226 || nr == 233 || nr == 222; }

/* System calls with a path name: the argument index of the (first) path, or -1. */
static int path_arg(long nr)
{
    switch (nr) {
    case 33: case 34: case 35: case 36: case 37: case 38: case 48: case 53: case 54:
    case 56: case 78: case 79: case 88: case 276: case 291: case 437: case 439:
        return 1;
    case 43: case 45: case 49: case 5: case 6: case 7: case 8: case 9: case 10: case 11:
    case 12: case 13: case 14: case 15: case 16:
        return 0;
    }
    return -1;
}

/* its address is a pointer into the fuzzer's own code */
void main_text_probe(void);
void main_text_probe(void) { }

static long pointer(void)
{
    switch (below(12)) {
    case 0: return 0;
    case 1: return (long)(scratch + below(SCRATCH));
    case 2: return (long)(scratch + below(SCRATCH / 4096) * 4096);
    case 3: return (long)(scratch + SCRATCH - below(64)); /* straddles the end of the heap */
    case 4: return (long)rodata_probe;
    case 5: return (long)&main_text_probe;
    case 6: return 0x3000000000L + (long)below(1 << 20);   /* unmapped user address */
    case 7: return (long)0xffffffc000000000ULL + (long)below(1 << 24); /* kernel half */
    case 8: return (long)(scratch + 1 + below(SCRATCH - 8)); /* misaligned */
    case 9: return (long)next();
    case 10: return 4096 - (long)below(64);
    default: return (long)(scratch + below(4096));
    }
}

static long path(void)
{
    switch (below(6)) {
    case 0: return 0;
    case 1: return (long)0xffffffc000000000ULL;
    case 2: return 0x3000000000L;
    default: {
        char *p = paths + below(NPATH) * 64;
        p[0] = 'f';
        p[1] = 'z';
        int n = 2 + (int)below(6);
        for (int i = 2; i < n; i++)
            p[i] = (char)("abcdefgh./"[below(10)]);
        if (below(16) == 0)
            for (int i = 2; i < 63; i++)
                p[i] = (char)(1 + below(255)); /* long garbage, terminated */
        p[below(16) == 0 ? 63 : n] = 0;
        return (long)p;
    }
    }
}

static long value(void)
{
    switch (below(10)) {
    case 0: return 0;
    case 1: return (long)below(8);                 /* small: fds, whence, flags */
    case 2: return (long)below(64) - 8;            /* fds around the table, negatives */
    case 3: return (long)below(4097);              /* lengths */
    case 4: return 1L << below(64);                /* one flag bit */
    case 5: return -1;
    case 6: return (long)next();
    case 7: return pointer();
    case 8: return (long)below(1 << 20);           /* big lengths */
    default: return -100;                          /* AT_FDCWD */
    }
}

int main(int argc, char **argv)
{
    if (raw6(400, 0, 0, 0, 0, 0, 0) != 0) {
        out("fuzz: runs only on the otherworld kernel (ow_recovery missing): refusing to make random system calls here\n");
        return 2;
    }
    uint64_t seed = parse(argc > 1 ? argv[1] : 0, 1);
    uint64_t calls = parse(argc > 2 ? argv[2] : 0, 100000);
    state = seed * 0x9E3779B97F4A7C15ULL + 0x1234567;
    if (!state)
        state = 1;

    long base = raw6(SYS_brk, 0, 0, 0, 0, 0, 0);
    if (raw6(SYS_brk, base + SCRATCH + NPATH * 64, 0, 0, 0, 0, 0) != base + SCRATCH + NPATH * 64) {
        out("fuzz: brk failed\n");
        return 1;
    }
    paths = (char *)base;
    scratch = (char *)base + NPATH * 64; /* the scratch area ends where the heap ends */

    uint64_t errors = 0, ok = 0, enosys = 0, efault = 0;
    for (uint64_t i = 0; i < calls; i++) {
        long nr;
        do {
            nr = below(8) == 0 ? (long)below(1024) : (long)below(300);
            if (below(50) == 0)
                nr = 400;
        } while (excluded(nr));
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = value();
        if (remaps(nr))
            a[0] = below(2) ? (long)(scratch + below(SCRATCH / 4096) * 4096) : 0x3000000000L;
        int pa = path_arg(nr);
        if (pa >= 0)
            a[pa] = path();
        if (nr == 38 || nr == 276 || nr == 37)
            a[3] = path(); /* renameat, linkat: the second path too */
        if (nr == 36)
            a[0] = path(); /* symlinkat: its target */
        if (nr == SYS_brk && a[0] != 0 && (a[0] < base + SCRATCH + NPATH * 64))
            a[0] = base + SCRATCH + NPATH * 64 + (long)below(1 << 16); /* never shrink below its own heap */
        long r = raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (r < 0 && r > -4096) {
            errors++;
            if (r == -38)
                enosys++;
            if (r == -14)
                efault++;
        } else {
            ok++;
        }
    }
    char line[200], *p = line;
    memcpy(p, "fuzz: seed ", 11);
    p = num(p + 11, seed);
    memcpy(p, ", calls ", 8);
    p = num(p + 8, calls);
    memcpy(p, ", succeeded ", 12);
    p = num(p + 12, ok);
    memcpy(p, ", errors ", 9);
    p = num(p + 9, errors);
    memcpy(p, " (ENOSYS ", 9);
    p = num(p + 9, enosys);
    memcpy(p, ", EFAULT ", 9);
    p = num(p + 9, efault);
    memcpy(p, ")\n", 3);
    /* fd 1 may have been closed or reused by the calls: say it on a fresh open of the console if need be */
    out(line);
    return 0;
}
