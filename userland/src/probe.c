/*
 * probe: one small behaviour per command, for the tests of `ow run` as a drop-in for qemu-riscv64 (exit status,
 * bytes, arguments, environment, standard streams, working directory, time).  Usage: probe COMMAND [ARG ...]
 *   exit N        exit with status N
 *   args A...     print each argument in brackets, one a line
 *   bytes         write the 256 byte values 0..255 to stdout, then "\n"
 *   cat           copy stdin to stdout until end of file; print the byte count on stderr
 *   stderr TEXT   write TEXT and a newline to stderr
 *   env NAME...   print NAME=value (or NAME unset) for each
 *   segv          store through a null pointer (killed by SIGSEGV)
 *   abort         abort() (killed by SIGABRT, or 134 where signals are not delivered)
 *   isatty        print isatty() of fds 0, 1, 2
 *   cwd           print the working directory
 *   ls DIR        print the names in DIR, sorted, one a line, with d/f/l for directories, files, links
 *   read FILE     copy FILE to stdout
 *   write FILE T  write T and a newline to FILE (created or truncated)
 *   time          print clock_gettime of REALTIME, MONOTONIC, PROCESS_CPUTIME_ID, and time() (seconds only)
 *   id            print uid euid gid egid
 *   uname         print sysname, machine
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int ls(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) { perror(dir); return 1; }
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1024) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char kind = '?';
        if (lstat(path, &st) == 0) kind = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : 'f';
        printf("%c %s\n", kind, names[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: probe COMMAND [ARG ...]\n"); return 2; }
    const char *c = argv[1];
    if (strcmp(c, "exit") == 0 && argc > 2) return atoi(argv[2]);
    if (strcmp(c, "args") == 0) {
        for (int i = 2; i < argc; i++) printf("[%s]\n", argv[i]);
        return 0;
    }
    if (strcmp(c, "bytes") == 0) {
        for (int i = 0; i < 256; i++) putchar(i);
        putchar('\n');
        return 0;
    }
    if (strcmp(c, "cat") == 0) {
        char buf[4096];
        long total = 0;
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0) {
            if (write(1, buf, n) != n) return 1;
            total += n;
        }
        fprintf(stderr, "%ld bytes\n", total);
        return n < 0 ? 1 : 0;
    }
    if (strcmp(c, "stderr") == 0 && argc > 2) { fprintf(stderr, "%s\n", argv[2]); return 0; }
    if (strcmp(c, "env") == 0) {
        for (int i = 2; i < argc; i++) {
            const char *v = getenv(argv[i]);
            if (v) printf("%s=%s\n", argv[i], v);
            else printf("%s unset\n", argv[i]);
        }
        return 0;
    }
    if (strcmp(c, "segv") == 0) { *(volatile int *)0 = 1; return 0; }
    if (strcmp(c, "abort") == 0) abort();
    if (strcmp(c, "isatty") == 0) { printf("%d %d %d\n", isatty(0), isatty(1), isatty(2)); return 0; }
    if (strcmp(c, "cwd") == 0) {
        char buf[4096];
        if (!getcwd(buf, sizeof buf)) { perror("getcwd"); return 1; }
        printf("%s\n", buf);
        return 0;
    }
    if (strcmp(c, "ls") == 0 && argc > 2) return ls(argv[2]);
    if (strcmp(c, "read") == 0 && argc > 2) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 1; }
        int ch;
        while ((ch = getc(f)) != EOF) putchar(ch);
        fclose(f);
        return 0;
    }
    if (strcmp(c, "write") == 0 && argc > 3) {
        FILE *f = fopen(argv[2], "w");
        if (!f) { perror(argv[2]); return 1; }
        fprintf(f, "%s\n", argv[3]);
        return fclose(f) == 0 ? 0 : 1;
    }
    if (strcmp(c, "time") == 0) {
        struct timespec r, m, p;
        clock_gettime(CLOCK_REALTIME, &r);
        clock_gettime(CLOCK_MONOTONIC, &m);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p);
        printf("realtime %lld\nmonotonic %lld\ncputime %lld\ntime %lld\n", (long long)r.tv_sec, (long long)m.tv_sec,
               (long long)p.tv_sec, (long long)time(NULL));
        return 0;
    }
    if (strcmp(c, "id") == 0) {
        printf("%d %d %d %d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
        return 0;
    }
    if (strcmp(c, "uname") == 0) {
        struct utsname u;
        if (uname(&u) != 0) { perror("uname"); return 1; }
        printf("%s %s\n", u.sysname, u.machine);
        return 0;
    }
    fprintf(stderr, "probe: unknown command %s\n", c);
    return 2;
}
