/*
 * forkmap: fork meets the memory calls. Private anonymous and heap pages are copy-on-write (parent, child and
 * grandchild each see their own writes, pages shared three ways); mprotect on a page still shared (read-only, then
 * writable again, then written); a shared file mapping written by the child is seen by the parent through its own
 * mapping and through read(2); MAP_SHARED|MAP_ANONYMOUS memory is shared by parent and child; a page mapped after
 * the fork is the child's alone. Prints relations, never addresses, so its output is the same under qemu-riscv64.
 *
 * Usage: forkmap
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

static unsigned sum(const unsigned char *p, size_t n) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

static int waitfor(pid_t c) {
    int st;
    if (waitpid(c, &st, 0) != c) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void) {
    const size_t P = 4096;
    unsigned char *anon = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (anon == MAP_FAILED) return 1;
    for (size_t i = 0; i < 3 * P; i++) anon[i] = (unsigned char) (i * 7);
    unsigned char *heap = sbrk(2 * P);
    if (heap == (void *) -1) return 2;
    memset(heap, 'h', 2 * P);
    unsigned before = sum(anon, 3 * P), hbefore = sum(heap, 2 * P);

    int fd = open("shared.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char zero[8192] = {0};
    if (fd < 0 || write(fd, zero, sizeof zero) != (ssize_t) sizeof zero) return 3;
    char *file = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (file == MAP_FAILED) return 4;
    strcpy(file, "parent was here");
    int *counter = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counter == MAP_FAILED) return 5;
    counter[0] = 1;

    pid_t c = fork();
    if (c == 0) {
        int bad = 0;
        if (sum(anon, 3 * P) != before || sum(heap, 2 * P) != hbefore) bad |= 1;
        anon[5] = 'c';                                   /* copy-on-write: the parent keeps its byte */
        heap[P + 1] = 'c';
        if (mprotect(anon + 2 * P, P, PROT_READ) != 0) bad |= 2;
        if (anon[2 * P + 3] != (unsigned char) ((2 * P + 3) * 7)) bad |= 4;
        if (mprotect(anon + 2 * P, P, PROT_READ | PROT_WRITE) != 0) bad |= 8;
        anon[2 * P + 3] = 'm';
        pid_t g = fork();                                /* pages shared three ways */
        if (g == 0) {
            anon[6] = 'g';
            heap[2] = 'g';
            _exit(anon[5] == 'c' && anon[6] == 'g' && heap[P + 1] == 'c' ? 10 : 11);
        }
        int gs = waitfor(g);
        if (gs != 10 || anon[6] != (unsigned char) (6 * 7) || heap[2] != 'h') bad |= 16;
        strcpy(file + 100, "child wrote this");     /* shared with the parent through the file */
        file[P + 9] = 'x';
        counter[0] += 41;                                /* shared anonymous memory */
        unsigned char *late = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (late == MAP_FAILED) bad |= 32;
        else late[0] = 1;
        _exit(bad ? 64 + bad : 0);
    }
    say("child exited %d\n", waitfor(c));
    say("parent's private pages unchanged: %s\n", sum(anon, 3 * P) == before ? "yes" : "no");
    say("parent's heap unchanged: %s\n", sum(heap, 2 * P) == hbefore ? "yes" : "no");
    say("the child's write through the shared file mapping: \"%s\", byte at 4105: %c\n", file + 100, file[P + 9]);
    char back[32] = {0};
    if (lseek(fd, 100, SEEK_SET) != 100 || read(fd, back, 16) != 16) return 6;
    say("read(2) sees it too: \"%s\"\n", back);
    say("shared anonymous counter: %d\n", counter[0]);
    /* the parent writes its own pages again: no longer shared, they are its own */
    anon[5] = 'p';
    say("parent writes its private page after the child left: %c\n", anon[5]);
    munmap(file, 2 * P);
    close(fd);
    return 0;
}
