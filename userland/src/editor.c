/*
 * editor: a small line editor in the manner of ed(1), driven by commands on
 * standard input (canonical terminal input, or a file: it reads lines itself).
 *
 *   editor [FILE]    read FILE into the buffer if it exists (prints its size)
 *
 * Commands, one per line:
 *   a          append lines after the last one, until a line holding only "."
 *   p  ,p      print every line
 *   n  ,n      print every line with its number and a tab
 *   =          print the number of lines
 *   w [FILE]   write the buffer to FILE (or the file named before); prints the
 *              bytes written; the buffer is saved
 *   f [FILE]   name the file (or print its name)
 *   q          quit; with unsaved changes, "?" first and a second q quits
 *   Q          quit, unsaved changes or not
 * Anything else, or a command that cannot be done, prints "?".  End of input
 * quits as Q does.
 *
 * The buffer is one static array of text and a length: a line enters it by its
 * bytes first, then the length (one store), so whatever interrupts the editor
 * between two system calls sees a buffer of whole lines.
 *
 * Recovery procedure (otherworld, spec section 5.3): at start the editor
 * registers one with ow_recovery (system call 400; ENOSYS elsewhere, e.g. under
 * qemu, and then nothing changes).  After a kernel crash the resurrected editor
 * runs it instead of going on: it writes the buffer, saved or not (a crash can
 * strike while w is writing it), to editor.recover, makes it durable, and goes
 * on where it was with ow_recovery_return (401).  Only raw system calls there.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYS_ow_recovery 400
#define SYS_ow_recovery_return 401
#define RECOVERY_FILE "editor.recover"

#define TEXT_MAX (1 << 16)
#define LINE_MAX_ 1024
#define NAME_MAX_ 256

static char text[TEXT_MAX];
static long text_len, nlines;
static int dirty;
static char file_name[NAME_MAX_];

/* The frame the kernel gives the procedure (Layouts.RFRAME, spec 5.3). */
struct ow_recovery_frame {
    uint32_t magic, version;
    uint64_t generation;
    int64_t syscall;
    int64_t call_state;
    uint64_t restored, nfds, pc;
    uint64_t x[32], f[32], fcsr;
};

static char recovery_stack[16384] __attribute__((aligned(16)));

static long raw(long nr, long a, long b, long c)
{
    return syscall(nr, a, b, c);
}

static long raw4(long nr, long a, long b, long c, long d)
{
    return syscall(nr, a, b, c, d);
}

/* Writes all of buf to fd; 0, or -1 if a write fails. */
static int write_all(int fd, const char *buf, long len)
{
    while (len > 0) {
        long w = raw(SYS_write, fd, (long)buf, len);
        if (w <= 0)
            return -1;
        buf += w;
        len -= w;
    }
    return 0;
}

static void say(const char *s)
{
    write_all(1, s, (long)strlen(s));
}

static void say_number(long v)
{
    char b[24];
    int i = sizeof b;
    b[--i] = '\0';
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    say(b + i);
}

/* Runs on recovery_stack after a crash, in place of whatever the editor was doing. */
static void recovery(struct ow_recovery_frame *fr)
{
    long len = text_len; /* whole lines: the length enters after the bytes */
    long fd = raw4(SYS_openat, AT_FDCWD, (long)RECOVERY_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write_all((int)fd, text, len) != 0 || raw(SYS_fsync, fd, 0, 0) != 0) {
        const char *m = "editor: recovery: cannot save the buffer\n";
        raw(SYS_write, 2, (long)m, (long)strlen(m));
    }
    if (fd >= 0)
        raw(SYS_close, fd, 0, 0);
    raw(SYS_ow_recovery_return, (long)fr, 0, 0);
    raw(SYS_exit_group, 4, 0, 0);
}

/* ---- input: lines read with read(2), from a terminal or a file ----------- */

static char in_buf[4096];
static long in_len, in_pos;
static int in_eof;

/* The next line without its newline into line (cut at max-1 bytes); -1 at end of input. */
static long next_line(char *line, long max)
{
    long n = 0;
    for (;;) {
        if (in_pos == in_len) {
            if (in_eof)
                return n > 0 ? n : -1;
            long r = raw(SYS_read, 0, (long)in_buf, sizeof in_buf);
            if (r <= 0) {
                in_eof = 1;
                continue;
            }
            in_len = r;
            in_pos = 0;
        }
        char c = in_buf[in_pos++];
        if (c == '\n') {
            line[n] = '\0';
            return n;
        }
        if (n < max - 1)
            line[n++] = c;
        line[n] = '\0';
    }
}

/* ---- the buffer -------------------------------------------------------- */

static int append_line(const char *s, long n)
{
    if (text_len + n + 1 > TEXT_MAX)
        return -1;
    memcpy(text + text_len, s, (size_t)n);
    text[text_len + n] = '\n';
    text_len += n + 1; /* the commit: the line is in */
    nlines++;
    dirty = 1;
    return 0;
}

static void print_lines(int numbered)
{
    long start = 0, k = 1;
    for (long i = 0; i < text_len; i++) {
        if (text[i] != '\n')
            continue;
        if (numbered) {
            say_number(k);
            say("\t");
        }
        write_all(1, text + start, i + 1 - start);
        start = i + 1;
        k++;
    }
}

static long write_file(const char *name)
{
    long fd = raw4(SYS_openat, AT_FDCWD, (long)name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    int bad = write_all((int)fd, text, text_len) != 0;
    if (raw(SYS_close, fd, 0, 0) != 0 || bad)
        return -1;
    dirty = 0;
    return text_len;
}

static long read_file(const char *name)
{
    long fd = raw(SYS_openat, AT_FDCWD, (long)name, O_RDONLY);
    if (fd < 0)
        return -1;
    static char chunk[4096];
    static char line[LINE_MAX_];
    long n = 0, total = 0, r;
    while ((r = raw(SYS_read, fd, (long)chunk, sizeof chunk)) > 0) {
        for (long i = 0; i < r; i++) {
            if (chunk[i] == '\n') {
                append_line(line, n);
                n = 0;
            } else if (n < LINE_MAX_ - 1) {
                line[n++] = chunk[i];
            }
        }
        total += r;
    }
    if (n > 0)
        append_line(line, n);
    raw(SYS_close, fd, 0, 0);
    dirty = 0;
    return total;
}

/* The argument of a command ("w notes.txt" -> "notes.txt"), or "" . */
static const char *argument(const char *cmd)
{
    const char *s = cmd + 1;
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

int main(int argc, char **argv)
{
    /* A recovery procedure for kernel crashes (otherworld); elsewhere ENOSYS. */
    raw(SYS_ow_recovery, (long)recovery, (long)recovery_stack, sizeof recovery_stack);

    if (argc > 1 && strlen(argv[1]) < NAME_MAX_) {
        strcpy(file_name, argv[1]);
        long got = read_file(file_name);
        if (got >= 0) {
            say_number(got);
            say("\n");
        }
    }
    static char line[LINE_MAX_];
    int warned = 0;
    long n;
    while ((n = next_line(line, sizeof line)) >= 0) {
        int quit_warned = warned;
        warned = 0;
        if (strcmp(line, "a") == 0) {
            long m;
            while ((m = next_line(line, sizeof line)) >= 0 && strcmp(line, ".") != 0) {
                if (append_line(line, m) != 0)
                    say("?\n");
            }
        } else if (strcmp(line, "p") == 0 || strcmp(line, ",p") == 0) {
            print_lines(0);
        } else if (strcmp(line, "n") == 0 || strcmp(line, ",n") == 0) {
            print_lines(1);
        } else if (strcmp(line, "=") == 0) {
            say_number(nlines);
            say("\n");
        } else if ((line[0] == 'w' || line[0] == 'f') && (line[1] == '\0' || line[1] == ' ')) {
            const char *name = argument(line);
            if (*name != '\0' && strlen(name) < NAME_MAX_)
                strcpy(file_name, name);
            if (line[0] == 'f') {
                say(file_name[0] ? file_name : "?");
                say("\n");
                continue;
            }
            long w = file_name[0] ? write_file(file_name) : -1;
            if (w < 0) {
                say("?\n");
            } else {
                say_number(w);
                say("\n");
            }
        } else if (strcmp(line, "q") == 0) {
            if (dirty && !quit_warned) {
                say("?\n");
                warned = 1;
                continue;
            }
            return 0;
        } else if (strcmp(line, "Q") == 0) {
            return 0;
        } else {
            say("?\n");
        }
    }
    return 0;
}
