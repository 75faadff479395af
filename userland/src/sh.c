/* sh: a small POSIX-style shell for otherworld's guests.
 *
 *   sh [-eix] -c COMMANDS [NAME [ARG...]]   run COMMANDS ($0 = NAME, $1... = ARGs)
 *   sh [-eix] FILE [ARG...]                 run the script FILE
 *   sh [-eix] [-s] [ARG...]                 read commands from standard input
 * -e and -x are set -e (exit when a command fails untested) and set -x (trace);
 * -i prompts.
 *
 * What it understands (README.md lists it with examples):
 *   pipelines of any length, `!`, `&&`, `||`, `;`, `&` (no job control; `wait`);
 *   redirections < > >> >| <> N<&M N>&M N>&- and here-documents << and <<-;
 *   quoting '...', "...", backslash; parameters $NAME ${NAME} $1..${10} $# $@ $*
 *   $? $$ $! $0 and ${NAME:-w} ${NAME-w} ${NAME:=w} ${NAME:?w} ${NAME:+w}
 *   ${#NAME} ${NAME%p} ${NAME%%p} ${NAME#p} ${NAME##p}; command substitution $(...)
 *   and `...`; arithmetic $((...)); field splitting on IFS; pathname expansion
 *   (* ? [...]); ~ at the start of a word;
 *   if/elif/else/fi, while, until, for, case, { ...; }, ( ... );
 *   builtins: cd pwd exit export unset set shift read test [ eval . exec wait
 *   break continue : (echo, true, cat, ... are programs on disk,
 *   found by PATH search, default /bin:/usr/bin);
 *   a file that execve(2) refuses with ENOEXEC runs as a script of this shell.
 * What it does not: functions, job control, aliases, traps, options other than
 * -e and -x, `local`, arrays.  Those give a clear error, never a guess.
 *
 * Errors: a syntax error ends a non-interactive shell with status 2; a command
 * that is not found has status 127, one that cannot be run 126; a command killed
 * by signal N has status 128+N.  Messages go to stderr as "sh: line N: ...".
 *
 * Reading: commands are parsed and run one complete command (line) at a time.
 * From standard input the shell never reads past the line it is about to run:
 * on a seekable input it moves the offset back, otherwise it reads one byte at a
 * time; so a command of the script may read the rest of the script (POSIX).
 * Prompts ($ and >, on stderr) only with -i.
 *
 * It uses fork, execve, waitpid, pipe, dup2, open, close, read, write, lseek,
 * chdir, getcwd (glibc's wrappers, static), as the Linux RISC-V ABI provides them. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------------ memory -- */

/* Parse trees and expansions live in an arena released after each command. */
struct chunk {
    struct chunk *prev;
    size_t used, size;
    char data[];
};

static struct chunk *arena;

struct mark {
    struct chunk *chunk;
    size_t used;
};

static void out_of_memory(void)
{
    static const char msg[] = "sh: out of memory\n";
    write(2, msg, sizeof msg - 1);
    _exit(2);
}

static void *alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (arena == NULL || arena->used + n > arena->size) {
        size_t size = n > 65536 ? n : 65536;
        struct chunk *c = malloc(sizeof *c + size);
        if (c == NULL)
            out_of_memory();
        c->prev = arena;
        c->used = 0;
        c->size = size;
        arena = c;
    }
    void *p = arena->data + arena->used;
    arena->used += n;
    return p;
}

static void *zalloc(size_t n)
{
    return memset(alloc(n), 0, n);
}

static char *astrndup(const char *s, size_t n)
{
    char *p = alloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *astrdup(const char *s)
{
    return astrndup(s, strlen(s));
}

static struct mark mark(void)
{
    struct mark m = { arena, arena ? arena->used : 0 };
    return m;
}

static void release(struct mark m)
{
    while (arena != m.chunk) {
        struct chunk *c = arena;
        arena = c->prev;
        free(c);
    }
    if (arena)
        arena->used = m.used;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL)
        out_of_memory();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (p == NULL)
        out_of_memory();
    return p;
}

/* A growing string (malloc'd). */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->len + more + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + more + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
}

static void sb_addn(struct sbuf *b, const char *p, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(struct sbuf *b, char c)
{
    sb_grow(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

static void sb_adds(struct sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static const char *sb_str(struct sbuf *b)
{
    return b->s ? b->s : "";
}

static void sb_free(struct sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* An argument vector in the arena. */
struct strv {
    char **v;
    int n, cap;
};

/* A vector that is never NULL, even when empty. */
static char **sv_finish(struct strv *sv)
{
    if (sv->v == NULL) {
        sv->v = alloc(sizeof *sv->v);
        sv->v[0] = NULL;
    }
    return sv->v;
}

static void sv_add(struct strv *sv, char *s)
{
    if (sv->n + 2 > sv->cap) {
        int cap = sv->cap ? sv->cap * 2 : 8;
        char **v = alloc((size_t)cap * sizeof *v);
        if (sv->n)
            memcpy(v, sv->v, (size_t)sv->n * sizeof *v);
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

/* ------------------------------------------------------------ shell state -- */

static const char *arg0 = "sh";   /* $0 */
static char **posv;               /* $1...: malloc'd vector of malloc'd strings */
static int posc;
static int last_status;           /* $? */
static pid_t shell_pid;           /* $$ */
static pid_t last_bg = -1;        /* $! */
static int interactive;
static int lineno = 1;            /* line of the command running, for messages */
static int loop_depth, break_count, continue_count;
static int errexit, xtrace;       /* set -e, set -x */
static int tested;                /* > 0: a failure here is tested (if, while, &&, ||, !) */

static void flush_all(void)
{
    fflush(stdout);
    fflush(stderr);
}

static void exit_shell(int status) __attribute__((noreturn));
static void exit_shell(int status)
{
    flush_all();
    _exit(status & 0xff);
}

/* "sh: line N: message" on stderr. */
__attribute__((format(printf, 1, 2)))
static void error_msg(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: line %d: ", "sh", lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* -------------------------------------------------------------- variables -- */

struct var {
    struct var *next;
    char *name, *value;
    int exported;
};

static struct var *vars;

static int is_name_start(int c)
{
    return c == '_' || isalpha(c);
}

static int is_name_char(int c)
{
    return c == '_' || isalnum(c);
}

static int is_name(const char *s)
{
    if (!is_name_start((unsigned char)*s))
        return 0;
    while (*++s)
        if (!is_name_char((unsigned char)*s))
            return 0;
    return 1;
}

static struct var *find_var(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

static const char *get_var(const char *name)
{
    struct var *v = find_var(name);
    return v ? v->value : NULL;
}

/* Sets a variable; export < 0 keeps its export flag. */
static void set_var(const char *name, const char *value, int export)
{
    struct var *v = find_var(name);
    if (v == NULL) {
        v = xrealloc(NULL, sizeof *v);
        v->name = xstrdup(name);
        v->value = NULL;
        v->exported = 0;
        v->next = vars;
        vars = v;
    }
    if (value != NULL) {
        char *copy = xstrdup(value);
        free(v->value);
        v->value = copy;
    }
    if (export >= 0)
        v->exported = export;
}

static void unset_var(const char *name)
{
    for (struct var **p = &vars; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            struct var *v = *p;
            *p = v->next;
            free(v->name);
            free(v->value);
            free(v);
            return;
        }
    }
}

static void import_environment(void)
{
    for (char **e = environ; e && *e; e++) {
        char *eq = strchr(*e, '=');
        if (eq == NULL)
            continue;
        char *name = strndup(*e, (size_t)(eq - *e));
        if (name == NULL)
            out_of_memory();
        if (is_name(name))
            set_var(name, eq + 1, 1);
        free(name);
    }
}

/* The environment of a program: exported variables, then extra NAME=value. */
static char **build_environment(struct strv *extra)
{
    struct strv env = { 0 };
    for (struct var *v = vars; v; v = v->next) {
        if (!v->exported || v->value == NULL)
            continue;
        int overridden = 0;
        for (int i = 0; extra && i < extra->n; i++) {
            size_t n = strlen(v->name);
            if (strncmp(extra->v[i], v->name, n) == 0 && extra->v[i][n] == '=')
                overridden = 1;
        }
        if (overridden)
            continue;
        char *s = alloc(strlen(v->name) + strlen(v->value) + 2);
        sprintf(s, "%s=%s", v->name, v->value);
        sv_add(&env, s);
    }
    for (int i = 0; extra && i < extra->n; i++)
        sv_add(&env, extra->v[i]);
    return sv_finish(&env);
}

static void set_positional(int argc, char **argv)
{
    char **v = xrealloc(NULL, (size_t)(argc + 1) * sizeof *v);
    for (int i = 0; i < argc; i++)
        v[i] = xstrdup(argv[i]);
    v[argc] = NULL;
    for (int i = 0; i < posc; i++)
        free(posv[i]);
    free(posv);
    posv = v;
    posc = argc;
}

static const char *ifs(void)
{
    const char *s = get_var("IFS");
    return s ? s : " \t\n";
}

/* ------------------------------------------------------------ parse trees -- */

enum redir_type { R_IN, R_OUT, R_APPEND, R_CLOBBER, R_RDWR, R_DUPIN, R_DUPOUT, R_HEREDOC };

struct redir {
    struct redir *next;
    enum redir_type type;
    int fd;          /* the descriptor redirected */
    char *target;    /* raw word: file, descriptor number or "-"; here-document delimiter */
    char *body;      /* here-document text */
    int strip_tabs;  /* <<- */
    int expand;      /* here-document delimiter was unquoted: expand the body */
};

enum node_type { N_CMD, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_NOT, N_SUBSHELL, N_BRACE,
                 N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE };

struct case_item {
    struct case_item *next;
    char **patterns;  /* raw words */
    int npatterns;
    struct node *body; /* may be NULL */
};

struct node {
    enum node_type type;
    int lineno;
    struct node *a, *b, *c;  /* AND/OR/SEQ: a b; BG/NOT/SUBSHELL/BRACE: a;
                                IF: cond a, then b, else c; WHILE/UNTIL: a b; FOR/CASE body b */
    struct node **cmds;      /* PIPE */
    int ncmds;
    char **words;            /* CMD: raw words; FOR: the list (NULL: "$@"); CASE: [0] subject */
    int nwords;
    char **assigns;          /* CMD: raw NAME=value words */
    int nassigns;
    struct redir *redirs;    /* CMD and compound commands */
    char *name;              /* FOR: the variable */
    struct case_item *items; /* CASE */
};

/* ----------------------------------------------------------------- input -- */

struct source {
    const char *text;  /* what is buffered: the whole string, or the current line */
    size_t len, pos;
    int fd;            /* -1: a string */
    int byte_mode;     /* fd is not seekable: read one byte at a time */
    int eof;
    struct sbuf line;
};

enum token_type { T_WORD, T_NEWLINE, T_EOF, T_SEMI, T_DSEMI, T_AMP, T_PIPE, T_AND, T_OR,
                  T_LPAREN, T_RPAREN, T_REDIR };

struct token {
    enum token_type type;
    char *text;        /* T_WORD: raw text */
    int quoted;        /* T_WORD: has quotes or backslashes (never a keyword) */
    enum redir_type rtype;
    int rfd;           /* T_REDIR: explicit descriptor, or -1 */
    int strip_tabs;
};

struct parser {
    struct source *src;
    struct token tok;
    int have_tok;
    int lineno;
    int continued;               /* a command is under way: the next prompt is PS2 */
    struct redir *heredocs[16];  /* here-documents whose bodies follow the next newline */
    int nheredocs;
    jmp_buf *on_error;
};

/* Reads the next line of an fd source into src->line; 0 at end of input. */
static size_t read_line(struct parser *p)
{
    struct source *s = p->src;
    if (interactive && s->fd == 0) {
        const char *prompt = p->continued ? get_var("PS2") : get_var("PS1");
        fputs(prompt ? prompt : p->continued ? "> " : "$ ", stderr);
        fflush(stderr);
    }
    p->continued = 1;
    s->line.len = 0;
    char block[4096];
    for (;;) {
        ssize_t r = read(s->fd, block, s->byte_mode ? 1 : sizeof block);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        char *nl = memchr(block, '\n', (size_t)r);
        size_t take = nl ? (size_t)(nl - block) + 1 : (size_t)r;
        sb_addn(&s->line, block, take);
        if (take < (size_t)r)
            lseek(s->fd, (off_t)take - r, SEEK_CUR); /* give back what follows the line */
        if (nl)
            break;
    }
    s->text = sb_str(&s->line);
    s->len = s->line.len;
    s->pos = 0;
    return s->len;
}

static int pgetc(struct parser *p)
{
    struct source *s = p->src;
    if (s->pos >= s->len) {
        if (s->fd < 0 || s->eof)
            return EOF;
        if (read_line(p) == 0) {
            s->eof = 1;
            return EOF;
        }
    }
    int c = (unsigned char)s->text[s->pos++];
    if (c == '\n')
        p->lineno++;
    return c;
}

/* Gives back the character just read (never across a line fetch). */
static void pungetc(struct parser *p, int c)
{
    if (c == EOF)
        return;
    p->src->pos--;
    if (c == '\n')
        p->lineno--;
}

static int ppeekc(struct parser *p)
{
    int c = pgetc(p);
    pungetc(p, c);
    return c;
}

__attribute__((noreturn, format(printf, 2, 3)))
static void syntax_error(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "sh: line %d: ", p->lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    longjmp(*p->on_error, 1);
}

/* ----------------------------------------------------------------- lexer -- */

static int is_meta(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|'
        || c == '<' || c == '>' || c == '(' || c == ')' || c == EOF;
}

static void scan_dollar(struct parser *p, struct sbuf *w);
static void scan_backquote(struct parser *p, struct sbuf *w);

/* Copies a single-quoted string (the opening quote is already in w). */
static void scan_single(struct parser *p, struct sbuf *w)
{
    for (;;) {
        int c = pgetc(p);
        if (c == EOF)
            syntax_error(p, "unterminated quoted string");
        sb_add(w, (char)c);
        if (c == '\'')
            return;
    }
}

/* Copies a double-quoted string (the opening quote is already in w). */
static void scan_double(struct parser *p, struct sbuf *w)
{
    for (;;) {
        int c = pgetc(p);
        if (c == EOF)
            syntax_error(p, "unterminated quoted string");
        if (c == '\\') {
            int n = pgetc(p);
            if (n == '\n')
                continue; /* line continuation */
            sb_add(w, '\\');
            if (n == EOF)
                syntax_error(p, "unterminated quoted string");
            sb_add(w, (char)n);
            continue;
        }
        if (c == '$') {
            sb_add(w, '$');
            scan_dollar(p, w);
            continue;
        }
        if (c == '`') {
            scan_backquote(p, w);
            continue;
        }
        sb_add(w, (char)c);
        if (c == '"')
            return;
    }
}

/* Copies up to the parenthesis that closes one already open (its opener is in w),
 * skipping quoted text and nested parentheses.  For $( ... ) and $(( ... )). */
static void scan_parens(struct parser *p, struct sbuf *w, int depth)
{
    while (depth > 0) {
        int c = pgetc(p);
        if (c == EOF)
            syntax_error(p, "unterminated '$(' or '$(('");
        if (c == '\\') {
            sb_add(w, '\\');
            c = pgetc(p);
            if (c == EOF)
                syntax_error(p, "unterminated '$('");
            sb_add(w, (char)c);
            continue;
        }
        sb_add(w, (char)c);
        if (c == '\'')
            scan_single(p, w);
        else if (c == '"')
            scan_double(p, w);
        else if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
    }
}

/* After a '$' (already in w): copies ${...}, $(...), $((...)) whole. */
static void scan_dollar(struct parser *p, struct sbuf *w)
{
    int c = ppeekc(p);
    if (c == '(') {
        sb_add(w, (char)pgetc(p));
        scan_parens(p, w, 1);
    } else if (c == '{') {
        sb_add(w, (char)pgetc(p));
        for (;;) {
            c = pgetc(p);
            if (c == EOF || c == '\n')
                syntax_error(p, "missing '}'");
            sb_add(w, (char)c);
            if (c == '}')
                return;
            if (c == '\\') {
                c = pgetc(p);
                if (c == EOF)
                    syntax_error(p, "missing '}'");
                sb_add(w, (char)c);
            } else if (c == '\'') {
                scan_single(p, w);
            } else if (c == '"') {
                scan_double(p, w);
            } else if (c == '$') {
                scan_dollar(p, w);
            } else if (c == '`') {
                w->len--;
                scan_backquote(p, w);
            }
        }
    }
}

/* Copies `...` (the opening backquote is not yet in w). */
static void scan_backquote(struct parser *p, struct sbuf *w)
{
    sb_add(w, '`');
    for (;;) {
        int c = pgetc(p);
        if (c == EOF)
            syntax_error(p, "unterminated '`'");
        sb_add(w, (char)c);
        if (c == '`')
            return;
        if (c == '\\') {
            c = pgetc(p);
            if (c == EOF)
                syntax_error(p, "unterminated '`'");
            sb_add(w, (char)c);
        }
    }
}

static void read_heredocs(struct parser *p);

static void lex(struct parser *p, struct token *t)
{
    int c;
    memset(t, 0, sizeof *t);
    t->rfd = -1;
    for (;;) {
        c = pgetc(p);
        if (c == ' ' || c == '\t')
            continue;
        if (c == '\\' && ppeekc(p) == '\n') {
            pgetc(p);
            continue;
        }
        if (c == '#') {
            while ((c = pgetc(p)) != '\n' && c != EOF)
                ;
            pungetc(p, c);
            continue;
        }
        break;
    }
    switch (c) {
    case EOF:
        t->type = T_EOF;
        if (p->nheredocs > 0)
            read_heredocs(p); /* they end at the end of file, with a warning */
        return;
    case '\n':
        t->type = T_NEWLINE;
        read_heredocs(p);
        return;
    case ';':
        if (ppeekc(p) == ';') { pgetc(p); t->type = T_DSEMI; } else t->type = T_SEMI;
        return;
    case '&':
        if (ppeekc(p) == '&') { pgetc(p); t->type = T_AND; } else t->type = T_AMP;
        return;
    case '|':
        if (ppeekc(p) == '|') { pgetc(p); t->type = T_OR; } else t->type = T_PIPE;
        return;
    case '(': t->type = T_LPAREN; return;
    case ')': t->type = T_RPAREN; return;
    default: break;
    }
    struct sbuf w = { 0 };
    if (c != '<' && c != '>') {
        for (;; c = pgetc(p)) {
            if (is_meta(c)) {
                pungetc(p, c);
                break;
            }
            if (c == '\\') {
                int n = pgetc(p);
                if (n == '\n')
                    continue;
                t->quoted = 1;
                sb_add(&w, '\\');
                if (n != EOF)
                    sb_add(&w, (char)n);
                continue;
            }
            if (c == '\'' || c == '"') {
                t->quoted = 1;
                sb_add(&w, (char)c);
                if (c == '\'')
                    scan_single(p, &w);
                else
                    scan_double(p, &w);
                continue;
            }
            if (c == '`') {
                scan_backquote(p, &w);
                continue;
            }
            sb_add(&w, (char)c);
            if (c == '$')
                scan_dollar(p, &w);
        }
        int next = ppeekc(p);
        int digits = w.len > 0 && !t->quoted && strspn(w.s, "0123456789") == w.len;
        if (!(digits && (next == '<' || next == '>'))) {
            t->type = T_WORD;
            t->text = astrdup(sb_str(&w));
            sb_free(&w);
            return;
        }
        t->rfd = atoi(w.s);
        sb_free(&w);
        c = pgetc(p);
    }
    t->type = T_REDIR;
    int n = pgetc(p);
    if (c == '<') {
        if (n == '<') {
            t->rtype = R_HEREDOC;
            if (ppeekc(p) == '-') {
                pgetc(p);
                t->strip_tabs = 1;
            }
        } else if (n == '&') {
            t->rtype = R_DUPIN;
        } else if (n == '>') {
            t->rtype = R_RDWR;
        } else {
            pungetc(p, n);
            t->rtype = R_IN;
        }
    } else {
        if (n == '>')
            t->rtype = R_APPEND;
        else if (n == '&')
            t->rtype = R_DUPOUT;
        else if (n == '|')
            t->rtype = R_CLOBBER;
        else {
            pungetc(p, n);
            t->rtype = R_OUT;
        }
    }
}

/* Removes quotes from a here-document delimiter; says whether there were any. */
static char *unquote_delimiter(const char *raw, int *quoted)
{
    struct sbuf b = { 0 };
    *quoted = 0;
    for (const char *s = raw; *s; s++) {
        if (*s == '\'' || *s == '"') {
            *quoted = 1;
            continue;
        }
        if (*s == '\\' && s[1]) {
            *quoted = 1;
            s++;
        }
        sb_add(&b, *s);
    }
    char *r = astrdup(sb_str(&b));
    sb_free(&b);
    return r;
}

/* After a newline token: the bodies of the here-documents of that line. */
static void read_heredocs(struct parser *p)
{
    for (int i = 0; i < p->nheredocs; i++) {
        struct redir *r = p->heredocs[i];
        int quoted;
        char *delim = unquote_delimiter(r->target, &quoted);
        r->expand = !quoted;
        struct sbuf body = { 0 }, line = { 0 };
        for (;;) {
            line.len = 0;
            int c;
            while ((c = pgetc(p)) != EOF && c != '\n')
                sb_add(&line, (char)c);
            const char *l = sb_str(&line);
            if (r->strip_tabs)
                while (*l == '\t')
                    l++;
            if (strcmp(l, delim) == 0)
                break;
            if (c == EOF) {
                if (line.len > 0) {
                    sb_adds(&body, l);
                    sb_add(&body, '\n');
                }
                error_msg("here-document delimited by end of file (wanted '%s')", delim);
                break;
            }
            sb_adds(&body, l);
            sb_add(&body, '\n');
        }
        r->body = astrdup(sb_str(&body));
        sb_free(&body);
        sb_free(&line);
    }
    p->nheredocs = 0;
}

/* ---------------------------------------------------------------- parser -- */

static struct token *peek(struct parser *p)
{
    if (!p->have_tok) {
        lex(p, &p->tok);
        p->have_tok = 1;
    }
    return &p->tok;
}

static void advance(struct parser *p)
{
    peek(p);
    p->have_tok = 0;
}

static int is_keyword(struct token *t, const char *kw)
{
    return t->type == T_WORD && !t->quoted && strcmp(t->text, kw) == 0;
}

static int ends_list(struct token *t)
{
    static const char *const enders[] = { "then", "else", "elif", "fi", "do", "done", "esac", "}" };
    if (t->type == T_EOF || t->type == T_RPAREN || t->type == T_DSEMI)
        return 1;
    for (size_t i = 0; i < sizeof enders / sizeof *enders; i++)
        if (is_keyword(t, enders[i]))
            return 1;
    return 0;
}

static const char *describe(struct token *t)
{
    switch (t->type) {
    case T_WORD: return t->text;
    case T_NEWLINE: return "newline";
    case T_EOF: return "end of file";
    case T_SEMI: return ";";
    case T_DSEMI: return ";;";
    case T_AMP: return "&";
    case T_PIPE: return "|";
    case T_AND: return "&&";
    case T_OR: return "||";
    case T_LPAREN: return "(";
    case T_RPAREN: return ")";
    case T_REDIR: return "redirection";
    }
    return "?";
}

__attribute__((noreturn))
static void unexpected(struct parser *p)
{
    syntax_error(p, "syntax error: unexpected '%s'", describe(peek(p)));
}

static void expect_keyword(struct parser *p, const char *kw)
{
    if (!is_keyword(peek(p), kw))
        syntax_error(p, "syntax error: unexpected '%s' (expecting '%s')", describe(peek(p)), kw);
    advance(p);
}

static void skip_newlines(struct parser *p)
{
    while (peek(p)->type == T_NEWLINE)
        advance(p);
}

static struct node *new_node(struct parser *p, enum node_type type)
{
    struct node *n = zalloc(sizeof *n);
    n->type = type;
    n->lineno = p->lineno;
    return n;
}

static struct node *pair(struct parser *p, enum node_type type, struct node *a, struct node *b)
{
    struct node *n = new_node(p, type);
    n->a = a;
    n->b = b;
    return n;
}

static struct node *parse_list(struct parser *p, int top);

/* A compound list that must not be empty (the body of if, while, {, ...). */
static struct node *parse_body(struct parser *p)
{
    struct node *n = parse_list(p, 0);
    if (n == NULL)
        unexpected(p);
    return n;
}

static struct redir *parse_redirect(struct parser *p)
{
    struct token *t = peek(p);
    struct redir *r = zalloc(sizeof *r);
    r->type = t->rtype;
    r->strip_tabs = t->strip_tabs;
    r->fd = t->rfd >= 0 ? t->rfd
          : (t->rtype == R_IN || t->rtype == R_DUPIN || t->rtype == R_RDWR || t->rtype == R_HEREDOC) ? 0 : 1;
    advance(p);
    t = peek(p);
    if (t->type != T_WORD)
        syntax_error(p, "syntax error: redirection without a file name (found '%s')", describe(t));
    r->target = t->text;
    advance(p);
    if (r->type == R_HEREDOC) {
        if (p->nheredocs == (int)(sizeof p->heredocs / sizeof *p->heredocs))
            syntax_error(p, "too many here-documents on one line");
        p->heredocs[p->nheredocs++] = r;
    }
    return r;
}

/* Redirections after a compound command. */
static void parse_trailing_redirects(struct parser *p, struct node *n)
{
    struct redir **tail = &n->redirs;
    while (peek(p)->type == T_REDIR) {
        *tail = parse_redirect(p);
        tail = &(*tail)->next;
    }
}

static int is_assignment(const char *w)
{
    if (!is_name_start((unsigned char)*w))
        return 0;
    while (is_name_char((unsigned char)*w))
        w++;
    return *w == '=';
}

static struct node *parse_simple(struct parser *p)
{
    struct node *n = new_node(p, N_CMD);
    struct strv words = { 0 }, assigns = { 0 };
    struct redir **tail = &n->redirs;
    for (;;) {
        struct token *t = peek(p);
        if (t->type == T_REDIR) {
            *tail = parse_redirect(p);
            tail = &(*tail)->next;
        } else if (t->type == T_WORD) {
            if (words.n == 0 && is_assignment(t->text))
                sv_add(&assigns, t->text);
            else
                sv_add(&words, t->text);
            advance(p);
        } else {
            break;
        }
    }
    if (words.n == 0 && assigns.n == 0 && n->redirs == NULL)
        unexpected(p);
    if (words.n == 1 && peek(p)->type == T_LPAREN)
        syntax_error(p, "syntax error: unexpected '(' (function definitions are not supported)");
    n->words = words.v;
    n->nwords = words.n;
    n->assigns = assigns.v;
    n->nassigns = assigns.n;
    return n;
}

static struct node *parse_if(struct parser *p)
{
    struct node *n = new_node(p, N_IF);
    advance(p); /* if or elif */
    n->a = parse_body(p);
    expect_keyword(p, "then");
    n->b = parse_body(p);
    if (is_keyword(peek(p), "elif")) {
        n->c = parse_if(p);
        return n; /* the innermost if consumed the fi */
    }
    if (is_keyword(peek(p), "else")) {
        advance(p);
        n->c = parse_body(p);
    }
    expect_keyword(p, "fi");
    return n;
}

/* do LIST done: the body of while, until and for. */
static struct node *parse_do_group(struct parser *p)
{
    expect_keyword(p, "do");
    struct node *body = parse_body(p);
    expect_keyword(p, "done");
    return body;
}

static struct node *parse_loop(struct parser *p, enum node_type type)
{
    struct node *n = new_node(p, type);
    advance(p);
    n->a = parse_body(p);
    n->b = parse_do_group(p);
    return n;
}

static struct node *parse_for(struct parser *p)
{
    struct node *n = new_node(p, N_FOR);
    advance(p);
    struct token *t = peek(p);
    if (t->type != T_WORD || !is_name(t->text))
        syntax_error(p, "syntax error: bad for loop variable '%s'", describe(t));
    n->name = t->text;
    advance(p);
    skip_newlines(p);
    if (is_keyword(peek(p), "in")) {
        advance(p);
        struct strv words = { 0 };
        while (peek(p)->type == T_WORD) {
            sv_add(&words, peek(p)->text);
            advance(p);
        }
        n->words = sv_finish(&words);
        n->nwords = words.n;
        if (peek(p)->type != T_SEMI && peek(p)->type != T_NEWLINE)
            unexpected(p);
        advance(p);
    } else if (peek(p)->type == T_SEMI) {
        advance(p);
    }
    skip_newlines(p);
    n->b = parse_do_group(p);
    return n;
}

static struct node *parse_case(struct parser *p)
{
    struct node *n = new_node(p, N_CASE);
    advance(p);
    struct token *t = peek(p);
    if (t->type != T_WORD)
        unexpected(p);
    n->words = alloc(2 * sizeof *n->words);
    n->words[0] = t->text;
    n->words[1] = NULL;
    n->nwords = 1;
    advance(p);
    skip_newlines(p);
    expect_keyword(p, "in");
    struct case_item **tail = &n->items;
    for (;;) {
        skip_newlines(p);
        if (is_keyword(peek(p), "esac"))
            break;
        struct case_item *item = zalloc(sizeof *item);
        struct strv pats = { 0 };
        if (peek(p)->type == T_LPAREN)
            advance(p);
        for (;;) {
            t = peek(p);
            if (t->type != T_WORD)
                unexpected(p);
            sv_add(&pats, t->text);
            advance(p);
            if (peek(p)->type == T_PIPE) {
                advance(p);
                continue;
            }
            if (peek(p)->type != T_RPAREN)
                unexpected(p);
            advance(p);
            break;
        }
        item->patterns = pats.v;
        item->npatterns = pats.n;
        item->body = parse_list(p, 0);
        *tail = item;
        tail = &item->next;
        if (peek(p)->type == T_DSEMI) {
            advance(p);
            continue;
        }
        skip_newlines(p);
        if (!is_keyword(peek(p), "esac"))
            unexpected(p);
    }
    advance(p);
    return n;
}

static struct node *parse_command(struct parser *p)
{
    struct token *t = peek(p);
    struct node *n;
    if (t->type == T_LPAREN) {
        advance(p);
        n = new_node(p, N_SUBSHELL);
        n->a = parse_body(p);
        if (peek(p)->type != T_RPAREN)
            unexpected(p);
        advance(p);
    } else if (is_keyword(t, "{")) {
        advance(p);
        n = new_node(p, N_BRACE);
        n->a = parse_body(p);
        expect_keyword(p, "}");
    } else if (is_keyword(t, "if")) {
        n = parse_if(p);
    } else if (is_keyword(t, "while")) {
        n = parse_loop(p, N_WHILE);
    } else if (is_keyword(t, "until")) {
        n = parse_loop(p, N_UNTIL);
    } else if (is_keyword(t, "for")) {
        n = parse_for(p);
    } else if (is_keyword(t, "case")) {
        n = parse_case(p);
    } else if (is_keyword(t, "function")) {
        syntax_error(p, "function definitions are not supported");
    } else if (ends_list(t) || is_keyword(t, "in") || is_keyword(t, "!")) {
        unexpected(p);
    } else {
        return parse_simple(p);
    }
    parse_trailing_redirects(p, n);
    return n;
}

static struct node *parse_pipeline(struct parser *p)
{
    int negate = 0;
    while (is_keyword(peek(p), "!")) {
        advance(p);
        negate = !negate;
    }
    struct node *first = parse_command(p);
    struct node *n = first;
    if (peek(p)->type == T_PIPE) {
        struct strv cmds = { 0 };
        sv_add(&cmds, (char *)first);
        while (peek(p)->type == T_PIPE) {
            advance(p);
            skip_newlines(p);
            sv_add(&cmds, (char *)parse_command(p));
        }
        n = new_node(p, N_PIPE);
        n->cmds = (struct node **)cmds.v;
        n->ncmds = cmds.n;
        n->lineno = first->lineno;
    }
    if (negate) {
        struct node *not = new_node(p, N_NOT);
        not->a = n;
        n = not;
    }
    return n;
}

static struct node *parse_and_or(struct parser *p)
{
    struct node *n = parse_pipeline(p);
    for (;;) {
        enum token_type t = peek(p)->type;
        if (t != T_AND && t != T_OR)
            return n;
        advance(p);
        skip_newlines(p);
        n = pair(p, t == T_AND ? N_AND : N_OR, n, parse_pipeline(p));
    }
}

/* A list of and-or lists separated by ; & or newlines.  At the top level the list
 * ends at a newline (left unread, so nothing past it is read before it runs);
 * inside a compound command it ends before a closing keyword or parenthesis. */
static struct node *parse_list(struct parser *p, int top)
{
    struct node *list = NULL;
    for (;;) {
        if (!top)
            skip_newlines(p);
        struct token *t = peek(p);
        if (ends_list(t) || t->type == T_NEWLINE)
            break;
        struct node *n = parse_and_or(p);
        t = peek(p);
        if (t->type == T_AMP) {
            n = pair(p, N_BG, n, NULL);
            advance(p);
        } else if (t->type == T_SEMI) {
            advance(p);
        }
        list = list ? pair(p, N_SEQ, list, n) : n;
        t = peek(p);
        if (t->type == T_NEWLINE && top)
            break;
    }
    return list;
}

/* ------------------------------------------------------------- expansion -- */

/* Words are kept raw (with their quotes) in the tree and expanded when the command
 * runs: parameters, command substitution, arithmetic, then field splitting on IFS
 * and pathname expansion of the unquoted parts, then quote removal. */

struct fields {
    struct strv out;   /* finished fields */
    struct sbuf cur;   /* the field being built, quotes removed */
    struct sbuf pat;   /* the same as a glob pattern: quoted * ? [ \ escaped */
    int started;       /* the field exists even if empty ("" or "$empty") */
    int has_glob;      /* an unquoted * ? [ is in the field */
    int ws_delim;      /* the last field ended at IFS white space */
    int split;         /* field splitting and pathname expansion apply */
};

static int expand_failed; /* an expansion error: the command does not run */
static int subst_status;  /* status of the last command substitution */

static int run_string(const char *text, int exit_on_syntax_error);
static int decode_status(int status);

static void add_char(struct fields *f, char c, int quoted)
{
    sb_add(&f->cur, c);
    if (quoted || c == '\\') {
        if (strchr("*?[\\", c))
            sb_add(&f->pat, '\\');
    } else if (strchr("*?[", c)) {
        f->has_glob = 1;
    }
    sb_add(&f->pat, c);
    f->started = 1;
    f->ws_delim = 0;
}

static void end_field(struct fields *f, int force)
{
    if (!f->started && !force)
        return;
    glob_t g;
    if (f->split && f->has_glob && glob(sb_str(&f->pat), 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            sv_add(&f->out, astrdup(g.gl_pathv[i]));
        globfree(&g);
    } else {
        sv_add(&f->out, astrdup(sb_str(&f->cur)));
    }
    f->cur.len = f->pat.len = 0;
    if (f->cur.s)
        f->cur.s[0] = f->pat.s[0] = '\0';
    f->started = f->has_glob = 0;
}

/* The result of an expansion: split on IFS unless quoted (or splitting is off). */
static void add_value(struct fields *f, const char *v, int quoted)
{
    if (quoted || !f->split) {
        for (; v && *v; v++)
            add_char(f, *v, quoted);
        if (quoted)
            f->started = 1;
        return;
    }
    const char *sep = ifs();
    for (; v && *v; v++) {
        if (!strchr(sep, *v)) {
            add_char(f, *v, 0);
        } else if (*v == ' ' || *v == '\t' || *v == '\n') {
            if (f->started) {
                end_field(f, 0);
                f->ws_delim = 1;
            }
        } else {
            if (f->started || !f->ws_delim)
                end_field(f, 1);
            f->ws_delim = 0;
        }
    }
}

static void expand_fail(const char *fmt, const char *arg)
{
    error_msg(fmt, arg);
    expand_failed = 1;
}

/* ---- skipping over constructs in raw text (the lexer checked they are closed) */

static const char *skip_single(const char *s) /* s after the opening quote */
{
    while (*s && *s != '\'')
        s++;
    return *s ? s + 1 : s;
}

static const char *skip_double(const char *s);
static const char *skip_dollar(const char *s);

static const char *skip_backquote(const char *s) /* s after the opening ` */
{
    while (*s && *s != '`')
        s += (*s == '\\' && s[1]) ? 2 : 1;
    return *s ? s + 1 : s;
}

static const char *skip_double(const char *s) /* s after the opening quote */
{
    while (*s && *s != '"') {
        if (*s == '\\' && s[1])
            s += 2;
        else if (*s == '$')
            s = skip_dollar(s);
        else if (*s == '`')
            s = skip_backquote(s + 1);
        else
            s++;
    }
    return *s ? s + 1 : s;
}

static const char *skip_parens(const char *s, int depth) /* s after an opening ( */
{
    while (*s && depth > 0) {
        if (*s == '\\' && s[1])
            s += 2;
        else if (*s == '\'')
            s = skip_single(s + 1);
        else if (*s == '"')
            s = skip_double(s + 1);
        else {
            depth += *s == '(';
            depth -= *s == ')';
            s++;
        }
    }
    return s;
}

static const char *skip_braces(const char *s) /* s after ${ : returns the closing } */
{
    while (*s && *s != '}') {
        if (*s == '\\' && s[1])
            s += 2;
        else if (*s == '\'')
            s = skip_single(s + 1);
        else if (*s == '"')
            s = skip_double(s + 1);
        else if (*s == '$')
            s = skip_dollar(s);
        else if (*s == '`')
            s = skip_backquote(s + 1);
        else
            s++;
    }
    return s;
}

static const char *skip_dollar(const char *s) /* s at the $ */
{
    if (s[1] == '(')
        return skip_parens(s + 2, 1);
    if (s[1] == '{') {
        s = skip_braces(s + 2);
        return *s ? s + 1 : s;
    }
    return s + 1;
}

/* ---- the expansions */

/* Where text is expanded: unquoted; inside "..."; a here-document body (like "..."
 * but a double quote is an ordinary character); the word of a ${N-word} inside
 * "..." (like "..." but a "..." inside it is a quoted part, its quotes removed). */
enum { Q_NONE, Q_DOUBLE, Q_HEREDOC, Q_DBRACE };

static void expand_range(const char *s, const char *end, struct fields *f, int q);

/* Expands raw text to one string: quotes removed, no splitting, no globbing;
 * as_pattern keeps quoted pattern characters escaped (for case, ${x#p}). */
static char *expand_string(const char *s, const char *end, int q, int as_pattern)
{
    struct fields f = { 0 };
    expand_range(s, end, &f, q);
    struct sbuf all = { 0 };
    for (int i = 0; i < f.out.n; i++) {
        sb_adds(&all, f.out.v[i]);
        sb_add(&all, ' ');
    }
    sb_adds(&all, sb_str(as_pattern ? &f.pat : &f.cur));
    char *r = astrdup(sb_str(&all));
    sb_free(&all);
    sb_free(&f.cur);
    sb_free(&f.pat);
    return r;
}

static void command_substitution(const char *text, struct fields *f, int quoted)
{
    int fds[2];
    if (pipe(fds) < 0) {
        expand_fail("cannot make a pipe for command substitution: %s", strerror(errno));
        return;
    }
    flush_all();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        expand_fail("fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != 1) {
            dup2(fds[1], 1);
            close(fds[1]);
        }
        exit_shell(run_string(text, 1));
    }
    close(fds[1]);
    struct sbuf out = { 0 };
    char buf[4096];
    for (;;) {
        ssize_t r = read(fds[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        sb_addn(&out, buf, (size_t)r);
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    subst_status = decode_status(status);
    while (out.len > 0 && out.s[out.len - 1] == '\n')
        out.s[--out.len] = '\0';
    add_value(f, sb_str(&out), quoted);
    sb_free(&out);
}

/* ---- arithmetic: C's integer operators on longs, variables by name */

struct arith {
    const char *s;
    int noeval; /* inside the branch not taken: no assignments, no errors */
};

static long arith_assign(struct arith *a);

static void arith_space(struct arith *a)
{
    while (*a->s == ' ' || *a->s == '\t' || *a->s == '\n')
        a->s++;
}

/* The operator at the cursor, longest first ("<<=" before "<<" before "<"). */
static const char *arith_token(struct arith *a)
{
    static const char *const ops[] = {
        "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=",
        "%=", "&=", "^=", "|=", "<", ">", "+", "-", "*", "/", "%", "&", "^", "|", "!", "~",
        "?", ":", "=", "(", ")",
    };
    arith_space(a);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strncmp(a->s, ops[i], strlen(ops[i])) == 0)
            return ops[i];
    return NULL;
}

/* Takes the operator op if it is the one at the cursor. */
static int arith_op(struct arith *a, const char *op)
{
    const char *t = arith_token(a);
    if (t == NULL || strcmp(t, op) != 0)
        return 0;
    a->s += strlen(op);
    return 1;
}

static long arith_error(struct arith *a, const char *what)
{
    if (!expand_failed)
        expand_fail("arithmetic: %s", what);
    a->s += strlen(a->s);
    return 0;
}

static long arith_value_of(struct arith *a, const char *name)
{
    const char *v = get_var(name);
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 0);
    while (*end == ' ' || *end == '\t' || *end == '\n')
        end++;
    if (*end != '\0' || errno != 0)
        return arith_error(a, "a variable is not a number");
    return n;
}

static long arith_primary(struct arith *a)
{
    arith_space(a);
    if (*a->s == '(') {
        a->s++;
        long v = arith_assign(a);
        arith_space(a);
        if (*a->s != ')')
            return arith_error(a, "missing ')'");
        a->s++;
        return v;
    }
    if (isdigit((unsigned char)*a->s)) {
        char *end;
        errno = 0;
        long v = strtol(a->s, &end, 0);
        if (errno != 0 || is_name_char((unsigned char)*end))
            return arith_error(a, "bad number");
        a->s = end;
        return v;
    }
    if (is_name_start((unsigned char)*a->s)) {
        const char *start = a->s;
        while (is_name_char((unsigned char)*a->s))
            a->s++;
        char *name = astrndup(start, (size_t)(a->s - start));
        return arith_value_of(a, name);
    }
    return arith_error(a, *a->s ? "syntax error" : "missing operand");
}

static long arith_unary(struct arith *a)
{
    if (arith_op(a, "!"))
        return !arith_unary(a);
    if (arith_op(a, "~"))
        return ~arith_unary(a);
    if (arith_op(a, "-"))
        return -arith_unary(a);
    if (arith_op(a, "+"))
        return arith_unary(a);
    return arith_primary(a);
}

static long arith_divide(struct arith *a, long x, long y, int modulo)
{
    if (y == 0)
        return a->noeval ? 0 : arith_error(a, "division by zero");
    if (x == LONG_MIN && y == -1)
        return modulo ? 0 : LONG_MIN;
    return modulo ? x % y : x / y;
}

/* Binary operators by precedence level, lowest last. */
static long arith_binary(struct arith *a, int level)
{
    static const char *const levels[][5] = {
        { "*", "/", "%", NULL }, { "+", "-", NULL }, { "<<", ">>", NULL },
        { "<=", ">=", "<", ">", NULL }, { "==", "!=", NULL }, { "&", NULL }, { "^", NULL },
        { "|", NULL }, { "&&", NULL }, { "||", NULL },
    };
    if (level < 0)
        return arith_unary(a);
    long x = arith_binary(a, level - 1);
    for (;;) {
        const char *op = NULL;
        for (int i = 0; levels[level][i]; i++)
            if (arith_op(a, levels[level][i])) {
                op = levels[level][i];
                break;
            }
        if (op == NULL)
            return x;
        if (strcmp(op, "&&") == 0 || strcmp(op, "||") == 0) {
            int skip = strcmp(op, "&&") == 0 ? !x : !!x;
            a->noeval += skip;
            long y = arith_binary(a, level - 1);
            a->noeval -= skip;
            x = op[0] == '&' ? (x && y) : (x || y);
            continue;
        }
        long y = arith_binary(a, level - 1);
        switch (op[0]) {
        case '*': x = (long)((unsigned long)x * (unsigned long)y); break;
        case '/': x = arith_divide(a, x, y, 0); break;
        case '%': x = arith_divide(a, x, y, 1); break;
        case '+': x = (long)((unsigned long)x + (unsigned long)y); break;
        case '-': x = (long)((unsigned long)x - (unsigned long)y); break;
        case '<':
            x = op[1] == '<' ? (long)((unsigned long)x << (y & 63)) : op[1] == '=' ? x <= y : x < y;
            break;
        case '>': x = op[1] == '>' ? x >> (y & 63) : op[1] == '=' ? x >= y : x > y; break;
        case '=': x = x == y; break;
        case '!': x = x != y; break;
        case '&': x = x & y; break;
        case '^': x = x ^ y; break;
        case '|': x = x | y; break;
        }
    }
}

static long arith_ternary(struct arith *a)
{
    long c = arith_binary(a, 9);
    if (!arith_op(a, "?"))
        return c;
    a->noeval += !c;
    long x = arith_assign(a);
    a->noeval -= !c;
    if (!arith_op(a, ":"))
        return arith_error(a, "missing ':'");
    a->noeval += !!c;
    long y = arith_ternary(a);
    a->noeval -= !!c;
    return c ? x : y;
}

static long arith_assign(struct arith *a)
{
    static const char *const ops[] = { "=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|=" };
    arith_space(a);
    const char *start = a->s;
    if (is_name_start((unsigned char)*a->s)) {
        const char *p = a->s;
        while (is_name_char((unsigned char)*p))
            p++;
        const char *name_end = p;
        while (*p == ' ' || *p == '\t')
            p++;
        for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
            size_t n = strlen(ops[i]);
            if (strncmp(p, ops[i], n) != 0 || p[n] == '=')
                continue;
            char *name = astrndup(start, (size_t)(name_end - start));
            a->s = p + n;
            long y = arith_assign(a);
            long x = i == 0 ? 0 : arith_value_of(a, name);
            switch (ops[i][0]) {
            case '=': x = y; break;
            case '*': x *= y; break;
            case '/': x = arith_divide(a, x, y, 0); break;
            case '%': x = arith_divide(a, x, y, 1); break;
            case '+': x += y; break;
            case '-': x -= y; break;
            case '<': x = (long)((unsigned long)x << (y & 63)); break;
            case '>': x >>= (y & 63); break;
            case '&': x &= y; break;
            case '^': x ^= y; break;
            case '|': x |= y; break;
            }
            if (!a->noeval && !expand_failed) {
                char buf[32];
                snprintf(buf, sizeof buf, "%ld", x);
                set_var(name, buf, -1);
            }
            return x;
        }
    }
    return arith_ternary(a);
}

static void arithmetic(const char *text, struct fields *f, int quoted)
{
    char *expr = expand_string(text, text + strlen(text), Q_HEREDOC, 0);
    if (expand_failed)
        return;
    struct arith a = { expr, 0 };
    long v = arith_assign(&a);
    arith_space(&a);
    if (*a.s != '\0')
        arith_error(&a, "syntax error");
    if (expand_failed)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", v);
    add_value(f, buf, quoted);
}

/* ---- parameters */

static const char *special_param(char c, char *buf)
{
    switch (c) {
    case '?': sprintf(buf, "%d", last_status); return buf;
    case '$': sprintf(buf, "%d", (int)shell_pid); return buf;
    case '#': sprintf(buf, "%d", posc); return buf;
    case '!':
        if (last_bg < 0)
            return NULL;
        sprintf(buf, "%d", (int)last_bg);
        return buf;
    case '-':
        sprintf(buf, "%s%s%s", errexit ? "e" : "", interactive ? "i" : "", xtrace ? "x" : "");
        return buf;
    case '0': return arg0;
    }
    return NULL;
}

/* $@ and $*, quoted or not. */
static void positional_all(struct fields *f, char which, int quoted)
{
    if (quoted && which == '*') {
        const char *sep = ifs();
        struct sbuf all = { 0 };
        for (int i = 0; i < posc; i++) {
            if (i > 0 && *sep)
                sb_add(&all, *sep);
            sb_adds(&all, posv[i]);
        }
        add_value(f, sb_str(&all), 1);
        sb_free(&all);
        return;
    }
    for (int i = 0; i < posc; i++) {
        if (i > 0)
            end_field(f, quoted);
        add_value(f, posv[i], quoted);
    }
}

/* The value of a parameter by name ("1", "#", "HOME"); NULL if unset. */
static const char *param_value(const char *name, char *buf)
{
    if (isdigit((unsigned char)name[0])) {
        int n = atoi(name);
        if (n == 0)
            return arg0;
        return n <= posc ? posv[n - 1] : NULL;
    }
    if (name[1] == '\0' && strchr("?$#!-@*", name[0])) {
        if (name[0] == '@' || name[0] == '*') {
            if (posc == 0)
                return NULL;
            struct sbuf all = { 0 };
            for (int i = 0; i < posc; i++) {
                if (i > 0)
                    sb_add(&all, ' ');
                sb_adds(&all, posv[i]);
            }
            char *r = astrdup(sb_str(&all));
            sb_free(&all);
            return r;
        }
        return special_param(name[0], buf);
    }
    return get_var(name);
}

/* Removes the shortest or longest prefix or suffix matching pattern. */
static char *trim(const char *v, const char *pattern, int suffix, int longest)
{
    size_t len = strlen(v);
    char *copy = astrdup(v);
    for (size_t k = 0; k <= len; k++) {
        size_t i = longest ? (suffix ? k : len - k) : (suffix ? len - k : k);
        if (suffix) {
            if (fnmatch(pattern, copy + i, 0) == 0)
                return astrndup(v, i);
        } else {
            char saved = copy[i];
            copy[i] = '\0';
            int m = fnmatch(pattern, copy, 0) == 0;
            copy[i] = saved;
            if (m)
                return astrdup(v + i);
        }
    }
    return copy;
}

/* ${...}: s after "${", end at the closing brace. */
static void braced(const char *s, const char *end, struct fields *f, int q)
{
    char buf[32];
    int quoted = q != Q_NONE;
    int length = 0;
    if (*s == '#' && s + 1 < end) {
        length = 1;
        s++;
    }
    const char *name_start = s;
    if (is_name_start((unsigned char)*s)) {
        while (s < end && is_name_char((unsigned char)*s))
            s++;
    } else if (isdigit((unsigned char)*s)) {
        while (s < end && isdigit((unsigned char)*s))
            s++;
    } else if (s < end && strchr("?$#!-@*0", *s)) {
        s++;
    }
    char *name = astrndup(name_start, (size_t)(s - name_start));
    if (*name == '\0' || (length && s != end)) {
        expand_fail("bad substitution: '%s'", astrndup(name_start - 2 - length, (size_t)(end - name_start + 3 + length)));
        return;
    }
    const char *value = param_value(name, buf);
    if (length) {
        snprintf(buf, sizeof buf, "%zu", (name[0] == '@' || name[0] == '*') && !name[1] ? (size_t)posc
                                         : value ? strlen(value) : 0);
        add_value(f, buf, quoted);
        return;
    }
    if (s == end) {
        if (name[1] == '\0' && (name[0] == '@' || name[0] == '*'))
            positional_all(f, name[0], quoted);
        else if (value)
            add_value(f, value, quoted);
        else if (quoted)
            f->started = 1;
        return;
    }
    int colon = *s == ':';
    s += colon;
    char op = *s++;
    int twice = (op == '%' || op == '#') && s < end && *s == op;
    s += twice;
    int unset = value == NULL || (colon && *value == '\0');
    int wq = q == Q_DOUBLE ? Q_DBRACE : q; /* how the word after the operator expands */
    switch (op) {
    case '-':
        if (unset)
            expand_range(s, end, f, wq);
        else
            add_value(f, value, quoted);
        return;
    case '=':
        if (unset) {
            if (!is_name(name)) {
                expand_fail("%s: cannot assign in this way", name);
                return;
            }
            char *v = expand_string(s, end, wq, 0);
            set_var(name, v, -1);
            value = v;
        }
        add_value(f, value, quoted);
        return;
    case '?':
        if (unset) {
            char *msg = s < end ? expand_string(s, end, wq, 0) : (char *)"parameter null or not set";
            error_msg("%s: %s", name, msg);
            expand_failed = 1;
            if (!interactive)
                exit_shell(2);
            return;
        }
        add_value(f, value, quoted);
        return;
    case '+':
        if (!unset)
            expand_range(s, end, f, wq);
        else if (quoted)
            f->started = 1;
        return;
    case '%':
    case '#':
        if (!colon) {
            char *pattern = expand_string(s, end, wq, 1);
            add_value(f, trim(value ? value : "", pattern, op == '%', twice), quoted);
            return;
        }
        break;
    }
    expand_fail("bad substitution: '%s'", astrndup(name_start - 2, (size_t)(end - name_start + 3)));
}

/* A $ construct at s; returns where the text after it starts. */
static const char *dollar(const char *s, const char *end, struct fields *f, int q)
{
    int quoted = q != Q_NONE;
    char buf[32];
    const char *p = s + 1;
    if (p >= end) {
        add_char(f, '$', quoted);
        return p;
    }
    if (*p == '(') {
        const char *close = skip_parens(p + 1, 1); /* just past the matching ) */
        if (p[1] == '(' && close - 2 > p + 1 && close[-2] == ')') {
            arithmetic(astrndup(p + 2, (size_t)(close - 2 - (p + 2))), f, quoted);
            return close;
        }
        command_substitution(astrndup(p + 1, (size_t)(close - 1 - (p + 1))), f, quoted);
        return close;
    }
    if (*p == '{') {
        const char *close = skip_braces(p + 1);
        braced(p + 1, close, f, q);
        return close < end ? close + 1 : close;
    }
    if (is_name_start((unsigned char)*p)) {
        const char *start = p;
        while (p < end && is_name_char((unsigned char)*p))
            p++;
        const char *v = get_var(astrndup(start, (size_t)(p - start)));
        if (v)
            add_value(f, v, quoted);
        else if (quoted)
            f->started = 1;
        return p;
    }
    if (isdigit((unsigned char)*p)) {
        char name[2] = { *p, '\0' };
        const char *v = param_value(name, buf);
        if (v)
            add_value(f, v, quoted);
        else if (quoted)
            f->started = 1;
        return p + 1;
    }
    if (*p == '@' || *p == '*') {
        positional_all(f, *p, quoted);
        return p + 1;
    }
    const char *v = special_param(*p, buf);
    if (v != NULL || strchr("?$#!-", *p)) {
        if (v)
            add_value(f, v, quoted);
        else if (quoted)
            f->started = 1;
        return p + 1;
    }
    add_char(f, '$', quoted);
    return p;
}

/* `...`: s after the opening backquote. */
static const char *backquote(const char *s, struct fields *f, int q)
{
    struct sbuf text = { 0 };
    for (; *s && *s != '`'; s++) {
        if (*s == '\\' && (s[1] == '$' || s[1] == '`' || s[1] == '\\' || (q == Q_DOUBLE && s[1] == '"')))
            s++;
        sb_add(&text, *s);
    }
    command_substitution(astrdup(sb_str(&text)), f, q != Q_NONE);
    sb_free(&text);
    return *s ? s + 1 : s;
}

/* Expands raw text [s, end) into f.  q: outside quotes, inside "...", or a
 * here-document body (like "..." but a double quote is an ordinary character). */
static void expand_range(const char *s, const char *end, struct fields *f, int q)
{
    const char *word_start = s;
    while (s < end && !expand_failed) {
        char c = *s;
        if (q == Q_NONE && c == '\'') {
            const char *close = skip_single(s + 1);
            for (s++; s < close - 1; s++)
                add_char(f, *s, 1);
            f->started = 1;
            s = close;
        } else if ((q == Q_NONE || q == Q_DBRACE) && c == '"') {
            const char *close = skip_double(s + 1);
            size_t n = (size_t)(close - 1 - (s + 1));
            /* "$@" without positional parameters is no field at all; any other "..." is one. */
            if (!((n == 2 && strncmp(s + 1, "$@", 2) == 0) || (n == 4 && strncmp(s + 1, "${@}", 4) == 0)))
                f->started = 1;
            expand_range(s + 1, close - 1, f, Q_DOUBLE);
            s = close;
        } else if (c == '\\' && s + 1 < end) {
            char n = s[1];
            if (q == Q_NONE || n == '$' || n == '`' || n == '\\' || n == '\n' || (q != Q_HEREDOC && n == '"')) {
                if (n != '\n')
                    add_char(f, n, 1);
                s += 2;
            } else {
                add_char(f, '\\', 1);
                s++;
            }
        } else if (c == '$') {
            s = dollar(s, end, f, q);
        } else if (c == '`') {
            s = backquote(s + 1, f, q);
        } else if (q == Q_NONE && c == '~' && s == word_start && (s + 1 == end || s[1] == '/')) {
            const char *home = get_var("HOME");
            if (home)
                add_value(f, home, 1);
            else
                add_char(f, '~', 0);
            s++;
        } else {
            add_char(f, c, q != Q_NONE);
            s++;
        }
    }
}

/* The fields of a command's words. */
static struct strv expand_words(char **words, int n)
{
    struct fields f = { 0 };
    f.split = 1;
    for (int i = 0; i < n && !expand_failed; i++) {
        expand_range(words[i], words[i] + strlen(words[i]), &f, Q_NONE);
        end_field(&f, 0);
        f.ws_delim = 0;
    }
    sb_free(&f.cur);
    sb_free(&f.pat);
    sv_finish(&f.out);
    return f.out;
}

/* A word that must stay one string: assignment values, redirection targets. */
static char *expand_word(const char *raw)
{
    return expand_string(raw, raw + strlen(raw), Q_NONE, 0);
}

/* ---------------------------------------------------------- redirections -- */

struct saved_fd {
    int fd, copy; /* copy -1: fd was closed before */
};

struct undo {
    struct saved_fd v[32];
    int n;
};

/* Remembers fd so that undo_redirects can put it back. */
static void save_fd(struct undo *u, int fd)
{
    for (int i = 0; i < u->n; i++)
        if (u->v[i].fd == fd)
            return;
    if (u->n == (int)(sizeof u->v / sizeof *u->v))
        return;
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    u->v[u->n].fd = fd;
    u->v[u->n].copy = copy;
    u->n++;
}

static void undo_redirects(struct undo *u)
{
    for (int i = u->n - 1; i >= 0; i--) {
        if (u->v[i].copy >= 0) {
            dup2(u->v[i].copy, u->v[i].fd);
            close(u->v[i].copy);
        } else {
            close(u->v[i].fd);
        }
    }
    u->n = 0;
}

/* Moves newfd onto fd. */
static void move_fd(int newfd, int fd)
{
    if (newfd != fd) {
        dup2(newfd, fd);
        close(newfd);
    }
}

/* The here-document as the read end of a pipe; a writer child for long bodies. */
static int heredoc_fd(struct redir *r)
{
    const char *body = r->body ? r->body : "";
    if (r->expand)
        body = expand_string(body, body + strlen(body), Q_HEREDOC, 0);
    if (expand_failed)
        return -1;
    int fds[2];
    if (pipe(fds) < 0) {
        error_msg("cannot make a pipe for a here-document: %s", strerror(errno));
        return -1;
    }
    size_t len = strlen(body);
    if (len <= 4096) {
        write(fds[1], body, len); /* fits in any pipe */
    } else {
        flush_all();
        pid_t pid = fork();
        if (pid < 0) {
            error_msg("fork: %s", strerror(errno));
            close(fds[0]);
            close(fds[1]);
            return -1;
        }
        if (pid == 0) {
            close(fds[0]);
            for (size_t off = 0; off < len; ) {
                ssize_t w = write(fds[1], body + off, len - off);
                if (w <= 0)
                    _exit(1);
                off += (size_t)w;
            }
            _exit(0);
        }
    }
    close(fds[1]);
    return fds[0];
}

/* Applies the redirections in order; with u, remembers how to undo them.
 * 0, or -1 after a message. */
static int apply_redirects(struct redir *r, struct undo *u)
{
    for (; r; r = r->next) {
        if (u)
            save_fd(u, r->fd);
        if (r->type == R_HEREDOC) {
            int fd = heredoc_fd(r);
            if (fd < 0)
                return -1;
            move_fd(fd, r->fd);
            continue;
        }
        char *target = expand_word(r->target);
        if (expand_failed)
            return -1;
        if (r->type == R_DUPIN || r->type == R_DUPOUT) {
            if (strcmp(target, "-") == 0) {
                close(r->fd);
                continue;
            }
            char *end;
            long from = strtol(target, &end, 10);
            if (*target == '\0' || *end != '\0' || from < 0 || from > INT_MAX) {
                error_msg("%s: bad file descriptor number", target);
                return -1;
            }
            if (from == r->fd ? fcntl((int)from, F_GETFD) < 0 : dup2((int)from, r->fd) < 0) {
                error_msg("%ld: %s", from, strerror(errno));
                return -1;
            }
            continue;
        }
        int flags;
        switch (r->type) {
        case R_IN: flags = O_RDONLY; break;
        case R_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
        case R_RDWR: flags = O_RDWR | O_CREAT; break;
        default: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
        }
        int fd = open(target, flags, 0666);
        if (fd < 0) {
            error_msg("cannot %s %s: %s", r->type == R_IN ? "open" : "create", target, strerror(errno));
            return -1;
        }
        move_fd(fd, r->fd);
    }
    return 0;
}

/* -------------------------------------------------------------- builtins -- */

static int exec_node(struct node *n, int flags);
static void exec_program(char **argv, struct strv *assigns) __attribute__((noreturn));

/* Prints value quoted for reuse as shell input. */
static void print_quoted(const char *v)
{
    putchar('\'');
    for (; *v; v++) {
        if (*v == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*v);
    }
    putchar('\'');
}

static int compare_vars(const void *a, const void *b)
{
    return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}

/* Variables sorted by name, printed as PREFIXNAME='value'. */
static void print_vars(const char *prefix, int exported_only)
{
    int n = 0;
    for (struct var *v = vars; v; v = v->next)
        n++;
    struct var **list = alloc((size_t)(n ? n : 1) * sizeof *list);
    n = 0;
    for (struct var *v = vars; v; v = v->next)
        if (!exported_only || v->exported)
            list[n++] = v;
    qsort(list, (size_t)n, sizeof *list, compare_vars);
    for (int i = 0; i < n; i++) {
        if (list[i]->value == NULL && !exported_only)
            continue;
        printf("%s%s", prefix, list[i]->name);
        if (list[i]->value) {
            putchar('=');
            print_quoted(list[i]->value);
        }
        putchar('\n');
    }
}

static int bi_colon(int argc, char **argv)
{
    return 0;
}

static int bi_cd(int argc, char **argv)
{
    const char *dir = argv[1];
    int print = 0;
    if (dir == NULL) {
        dir = get_var("HOME");
        if (dir == NULL) {
            error_msg("cd: HOME not set");
            return 1;
        }
    } else if (strcmp(dir, "-") == 0) {
        dir = get_var("OLDPWD");
        if (dir == NULL) {
            error_msg("cd: OLDPWD not set");
            return 1;
        }
        print = 1;
    }
    char old[PATH_MAX];
    int have_old = getcwd(old, sizeof old) != NULL;
    if (chdir(dir) != 0) {
        error_msg("cd: %s: %s", dir, strerror(errno));
        return 1;
    }
    char now[PATH_MAX];
    if (have_old)
        set_var("OLDPWD", old, -1);
    if (getcwd(now, sizeof now) != NULL) {
        set_var("PWD", now, -1);
        if (print)
            puts(now);
    }
    return 0;
}

static int bi_pwd(int argc, char **argv)
{
    char now[PATH_MAX];
    if (getcwd(now, sizeof now) == NULL) {
        error_msg("pwd: %s", strerror(errno));
        return 1;
    }
    puts(now);
    return 0;
}

static int bi_exit(int argc, char **argv)
{
    int status = last_status;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (*argv[1] == '\0' || *end != '\0') {
            error_msg("exit: %s: numeric argument required", argv[1]);
            status = 2;
        } else {
            status = (int)(v & 0xff);
        }
    }
    exit_shell(status);
}

static int bi_export(int argc, char **argv)
{
    int i = 1;
    if (i < argc && strcmp(argv[i], "-p") == 0)
        i++;
    if (i == argc) {
        print_vars("export ", 1);
        return 0;
    }
    int status = 0;
    for (; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        char *name = eq ? astrndup(argv[i], (size_t)(eq - argv[i])) : argv[i];
        if (!is_name(name)) {
            error_msg("export: '%s': not a valid identifier", argv[i]);
            status = 1;
            continue;
        }
        set_var(name, eq ? eq + 1 : NULL, 1);
    }
    return status;
}

static int bi_unset(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            continue;
        if (argv[i][0] == '-') {
            error_msg("unset: %s: option not supported (no functions)", argv[i]);
            return 2;
        }
        if (!is_name(argv[i])) {
            error_msg("unset: '%s': not a valid identifier", argv[i]);
            status = 1;
            continue;
        }
        unset_var(argv[i]);
    }
    return status;
}

static int bi_set(int argc, char **argv)
{
    if (argc == 1) {
        print_vars("", 0);
        return 0;
    }
    int i = 1;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'e')
                errexit = argv[i][0] == '-';
            else if (*o == 'x')
                xtrace = argv[i][0] == '-';
            else {
                error_msg("set: %c%c: option not supported (only -e and -x)", argv[i][0], *o);
                return 2;
            }
        }
    }
    if (i < argc || (i > 1 && strcmp(argv[i - 1], "--") == 0))
        set_positional(argc - i, argv + i);
    return 0;
}

static int bi_shift(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 0 || n > posc) {
        error_msg("shift: can't shift that many");
        return 1;
    }
    set_positional(posc - n, posv + n);
    return 0;
}

/* read [-r] [NAME...]: one line of standard input, split on IFS into the names
 * (the last takes the rest); REPLY without names.  1 at end of input. */
static int bi_read(int argc, char **argv)
{
    int raw = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-r") == 0) {
            raw = 1;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            error_msg("read: %s: option not supported", argv[i]);
            return 2;
        }
    }
    struct sbuf line = { 0 }, escaped = { 0 };
    int status = 1;
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (c == '\n') {
            status = 0;
            break;
        }
        if (c == '\\' && !raw) {
            r = read(0, &c, 1);
            if (r <= 0)
                break;
            if (c == '\n')
                continue;
            sb_add(&line, c);
            sb_add(&escaped, 1);
            continue;
        }
        sb_add(&line, c);
        sb_add(&escaped, 0);
    }
    const char *sep = ifs();
    const char *s = sb_str(&line), *esc = sb_str(&escaped);
    size_t len = line.len, pos = 0;
#define IS_SEP(k) (!esc[k] && strchr(sep, s[k]) != NULL && s[k])
#define IS_WS(k) (IS_SEP(k) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n'))
    char *reply[] = { "REPLY", NULL };
    char **names = i < argc ? argv + i : reply;
    for (; *names; names++) {
        while (pos < len && IS_WS(pos))
            pos++;
        size_t start = pos;
        if (names[1] == NULL) {
            size_t stop = len;
            while (stop > start && IS_WS(stop - 1))
                stop--;
            set_var(*names, astrndup(s + start, stop - start), -1);
            break;
        }
        while (pos < len && !IS_SEP(pos))
            pos++;
        set_var(*names, astrndup(s + start, pos - start), -1);
        while (pos < len && IS_WS(pos))
            pos++;
        if (pos < len && IS_SEP(pos))
            pos++;
    }
#undef IS_SEP
#undef IS_WS
    sb_free(&line);
    sb_free(&escaped);
    return status;
}

/* test and [: POSIX's rules by the number of arguments, then -a -o ! ( ). */
struct test {
    char **v;
    int n, pos;
    int error;
};

static int test_integer(struct test *t, const char *s, long *out)
{
    char *end;
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    errno = 0;
    *out = strtol(p, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*p == '\0' || *end != '\0' || errno != 0) {
        error_msg("test: %s: integer expression expected", s);
        t->error = 1;
        return 0;
    }
    return 1;
}

static int is_binary_op(const char *op)
{
    static const char *const ops[] = { "=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "==" };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
}

static int is_unary_op(const char *op)
{
    return op[0] == '-' && op[1] && !op[2] && strchr("bcdefhLnprsStwxz", op[1]);
}

static int test_binary(struct test *t, const char *a, const char *op, const char *b)
{
    if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
        return strcmp(a, b) == 0;
    if (strcmp(op, "!=") == 0)
        return strcmp(a, b) != 0;
    if (strcmp(op, "<") == 0)
        return strcmp(a, b) < 0;
    if (strcmp(op, ">") == 0)
        return strcmp(a, b) > 0;
    long x, y;
    if (!test_integer(t, a, &x) || !test_integer(t, b, &y))
        return 0;
    if (strcmp(op, "-eq") == 0) return x == y;
    if (strcmp(op, "-ne") == 0) return x != y;
    if (strcmp(op, "-lt") == 0) return x < y;
    if (strcmp(op, "-le") == 0) return x <= y;
    if (strcmp(op, "-gt") == 0) return x > y;
    return x >= y;
}

static int test_unary(char op, const char *a)
{
    struct stat st;
    switch (op) {
    case 'n': return *a != '\0';
    case 'z': return *a == '\0';
    case 't': return isatty(atoi(a));
    case 'r': return access(a, R_OK) == 0;
    case 'w': return access(a, W_OK) == 0;
    case 'x': return access(a, X_OK) == 0;
    case 'h':
    case 'L': return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
    }
    if (stat(a, &st) != 0)
        return 0;
    switch (op) {
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 's': return st.st_size > 0;
    case 'b': return S_ISBLK(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'p': return S_ISFIFO(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    }
    return 0;
}

static int test_or(struct test *t);

static const char *test_next(struct test *t)
{
    if (t->pos >= t->n) {
        if (!t->error)
            error_msg("test: argument expected");
        t->error = 1;
        return "";
    }
    return t->v[t->pos++];
}

static int test_primary(struct test *t)
{
    const char *a = test_next(t);
    if (strcmp(a, "!") == 0)
        return !test_primary(t);
    if (strcmp(a, "(") == 0 && t->pos < t->n) {
        int r = test_or(t);
        if (t->pos >= t->n || strcmp(t->v[t->pos], ")") != 0) {
            if (!t->error)
                error_msg("test: ')' expected");
            t->error = 1;
            return 0;
        }
        t->pos++;
        return r;
    }
    if (t->pos + 1 < t->n && is_binary_op(t->v[t->pos])) {
        const char *op = test_next(t);
        return test_binary(t, a, op, test_next(t));
    }
    if (is_unary_op(a) && t->pos < t->n)
        return test_unary(a[1], test_next(t));
    return *a != '\0';
}

static int test_and(struct test *t)
{
    int r = test_primary(t);
    while (t->pos < t->n && strcmp(t->v[t->pos], "-a") == 0) {
        t->pos++;
        r = test_primary(t) && r;
    }
    return r;
}

static int test_or(struct test *t)
{
    int r = test_and(t);
    while (t->pos < t->n && strcmp(t->v[t->pos], "-o") == 0) {
        t->pos++;
        r = test_and(t) || r;
    }
    return r;
}

/* POSIX test with n arguments. */
static int test_args(struct test *t, char **v, int n)
{
    if (n == 0)
        return 0;
    if (n == 1)
        return *v[0] != '\0';
    if (n == 2 && strcmp(v[0], "!") == 0)
        return !test_args(t, v + 1, 1);
    if (n == 2) {
        if (!is_unary_op(v[0])) {
            error_msg("test: %s: unary operator expected", v[0]);
            t->error = 1;
            return 0;
        }
        return test_unary(v[0][1], v[1]);
    }
    if (n == 3 && is_binary_op(v[1]))
        return test_binary(t, v[0], v[1], v[2]);
    if (n == 3 && strcmp(v[0], "!") == 0)
        return !test_args(t, v + 1, 2);
    if (n == 3 && strcmp(v[0], "(") == 0 && strcmp(v[2], ")") == 0)
        return test_args(t, v + 1, 1);
    if (n == 4 && strcmp(v[0], "!") == 0)
        return !test_args(t, v + 1, 3);
    if (n == 4 && strcmp(v[0], "(") == 0 && strcmp(v[3], ")") == 0)
        return test_args(t, v + 1, 2);
    t->v = v;
    t->n = n;
    t->pos = 0;
    int r = test_or(t);
    if (t->pos < t->n && !t->error) {
        error_msg("test: %s: unexpected argument", t->v[t->pos]);
        t->error = 1;
    }
    return r;
}

static int bi_test(int argc, char **argv)
{
    if (strcmp(argv[0], "[") == 0) {
        if (strcmp(argv[argc - 1], "]") != 0) {
            error_msg("[: missing ']'");
            return 2;
        }
        argc--;
    }
    struct test t = { 0 };
    int r = test_args(&t, argv + 1, argc - 1);
    return t.error ? 2 : !r;
}

static int bi_eval(int argc, char **argv)
{
    struct sbuf text = { 0 };
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            sb_add(&text, ' ');
        sb_adds(&text, argv[i]);
    }
    char *s = astrdup(sb_str(&text));
    sb_free(&text);
    return run_string(s, 0);
}

/* Reads a whole file into the arena; NULL (errno set) if it cannot. */
static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct sbuf b = { 0 };
    char buf[4096];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
        if (r > 0)
            sb_addn(&b, buf, (size_t)r);
    int err = errno;
    close(fd);
    char *text = r < 0 ? NULL : astrdup(sb_str(&b));
    sb_free(&b);
    errno = err;
    return text;
}

static int bi_dot(int argc, char **argv)
{
    if (argc < 2) {
        error_msg(".: file name argument required");
        return 2;
    }
    const char *name = argv[1];
    char *text = NULL;
    if (strchr(name, '/')) {
        text = read_file(name);
    } else {
        const char *path = get_var("PATH");
        for (const char *p = path ? path : ""; text == NULL && *p; ) {
            size_t n = strcspn(p, ":");
            char *full = alloc(n + strlen(name) + 2);
            sprintf(full, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
            text = read_file(full);
            p += n + (p[n] == ':');
        }
        if (text == NULL)
            text = read_file(name);
    }
    if (text == NULL) {
        error_msg(".: cannot open %s: %s", name, strerror(errno));
        return 1;
    }
    return run_string(text, 0);
}

static int bi_wait(int argc, char **argv)
{
    int status = 0, st;
    if (argc == 1) {
        while (waitpid(-1, &st, 0) > 0 || errno == EINTR)
            ;
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        pid_t pid = (pid_t)atoi(argv[i]);
        pid_t r;
        while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
            ;
        status = r < 0 ? 127 : decode_status(st);
    }
    return status;
}

static int bi_break(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 1) {
        error_msg("%s: %s: loop count out of range", argv[0], argv[1]);
        return 1;
    }
    if (loop_depth == 0)
        return 0;
    if (n > loop_depth)
        n = loop_depth;
    if (argv[0][0] == 'b')
        break_count = n;
    else
        continue_count = n;
    return 0;
}

/* exec: with a command, replaces the shell (run_builtin calls exec_program, with
 * the command's assignments); without, its redirections stay. */
static int bi_exec(int argc, char **argv)
{
    return 0;
}

struct builtin {
    const char *name;
    int (*run)(int argc, char **argv);
    int special; /* POSIX special builtin: its variable assignments stay */
};

static const struct builtin builtins[] = {
    { ":", bi_colon, 1 }, { ".", bi_dot, 1 }, { "[", bi_test, 0 }, { "break", bi_break, 1 },
    { "cd", bi_cd, 0 }, { "continue", bi_break, 1 }, { "eval", bi_eval, 1 }, { "exec", bi_exec, 1 },
    { "exit", bi_exit, 1 }, { "export", bi_export, 1 }, { "pwd", bi_pwd, 0 }, { "read", bi_read, 0 },
    { "set", bi_set, 1 }, { "shift", bi_shift, 1 }, { "test", bi_test, 0 }, { "unset", bi_unset, 1 },
    { "wait", bi_wait, 0 },
};

/* Words that other shells take as builtins we do not have: a clear error, not a
 * search of PATH that would find nothing. */
static const char *const unsupported[] = { "alias", "bg", "command", "fc", "fg", "getopts", "jobs",
    "local", "readonly", "return", "times", "trap", "type", "ulimit", "umask", "unalias" };

static const struct builtin *find_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

static int is_unsupported(const char *name)
{
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
        if (strcmp(unsupported[i], name) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------- execution -- */

enum { EV_EXIT = 1 }; /* the node is the last thing this process does: exec, do not fork */

/* A wait status as $? sees it; a death by signal is reported (but not SIGPIPE or SIGINT). */
static int decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig != SIGPIPE && sig != SIGINT)
            error_msg("%s", strsignal(sig));
        return 128 + sig;
    }
    if (WIFSTOPPED(status))
        return 128 + WSTOPSIG(status);
    return 1;
}

static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            error_msg("waitpid: %s", strerror(errno));
            return 127;
        }
    }
    return decode_status(status);
}

/* fork(2) with the shell's buffers flushed first. */
static pid_t fork_child(void)
{
    flush_all();
    pid_t pid = fork();
    if (pid < 0)
        error_msg("fork: %s", strerror(errno));
    return pid;
}

/* A file execve refused with ENOEXEC: run it as a script of this shell, as POSIX
 * asks, in this (already forked) process; but not a binary file. */
static void run_script(const char *path, char **argv) __attribute__((noreturn));
static void run_script(const char *path, char **argv)
{
    char *text = read_file(path);
    if (text == NULL) {
        error_msg("%s: %s", argv[0], strerror(errno));
        exit_shell(126);
    }
    /* A NUL byte among the first 256 bytes means a binary file. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char head[256];
    ssize_t n = fd < 0 ? 0 : read(fd, head, sizeof head);
    if (fd >= 0)
        close(fd);
    if (n > 0 && memchr(head, '\0', (size_t)n) != NULL) {
        error_msg("%s: cannot execute binary file", argv[0]);
        exit_shell(126);
    }
    for (struct var *v = vars, *next; v; v = next) {
        next = v->next;
        if (!v->exported)
            unset_var(v->name);
    }
    int argc = 0;
    while (argv[argc])
        argc++;
    arg0 = path;
    set_positional(argc - 1, argv + 1);
    exit_shell(run_string(text, 1));
}

/* Tries execve on one path; returns (errno set) if it failed otherwise than ENOEXEC. */
static void try_exec(const char *path, char **argv, char **envp)
{
    execve(path, argv, envp);
    if (errno == ENOEXEC)
        run_script(path, argv);
}

/* Runs argv[0] from PATH (or the path it names), with the exported variables and
 * the command's own assignments as environment.  Never returns. */
static void exec_program(char **argv, struct strv *assigns)
{
    char **envp = build_environment(assigns);
    const char *name = argv[0];
    if (strchr(name, '/')) {
        try_exec(name, argv, envp);
        int err = errno;
        error_msg("%s: %s", name, strerror(err));
        exit_shell(err == ENOENT ? 127 : 126);
    }
    const char *path = get_var("PATH");
    if (path == NULL)
        path = "/bin:/usr/bin";
    int err = ENOENT;
    for (const char *p = path;; ) {
        size_t n = strcspn(p, ":");
        char *full = alloc(n + strlen(name) + 2);
        if (n == 0)
            strcpy(full, name);
        else
            sprintf(full, "%.*s/%s", (int)n, p, name);
        try_exec(full, argv, envp);
        if (errno != ENOENT && errno != ENOTDIR)
            err = errno;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    if (err == ENOENT) {
        error_msg("%s: not found", name);
        exit_shell(127);
    }
    error_msg("%s: %s", name, strerror(err));
    exit_shell(126);
}

/* "NAME=raw" words expanded to "NAME=value". */
static struct strv expand_assignments(char **assigns, int n)
{
    struct strv out = { 0 };
    for (int i = 0; i < n && !expand_failed; i++) {
        char *eq = strchr(assigns[i], '=');
        char *value = expand_word(eq + 1);
        char *s = alloc((size_t)(eq - assigns[i]) + strlen(value) + 2);
        sprintf(s, "%.*s=%s", (int)(eq - assigns[i]), assigns[i], value);
        sv_add(&out, s);
    }
    sv_finish(&out);
    return out;
}

static void assign_all(struct strv *assigns, int export)
{
    for (int i = 0; i < assigns->n; i++) {
        char *eq = strchr(assigns->v[i], '=');
        char *name = astrndup(assigns->v[i], (size_t)(eq - assigns->v[i]));
        set_var(name, eq + 1, export);
    }
}

static int run_builtin(const struct builtin *b, struct node *n, struct strv *argv, struct strv *assigns)
{
    struct undo u = { .n = 0 };
    int permanent = b->run == bi_exec; /* exec's redirections stay */
    if (apply_redirects(n->redirs, permanent ? NULL : &u) < 0) {
        undo_redirects(&u);
        return 1;
    }
    /* A regular builtin sees its assignments only while it runs. */
    struct strv saved = { 0 };
    if (!b->special) {
        for (int i = 0; i < assigns->n; i++) {
            char *eq = strchr(assigns->v[i], '=');
            char *name = astrndup(assigns->v[i], (size_t)(eq - assigns->v[i]));
            const char *old = get_var(name);
            sv_add(&saved, name);
            sv_add(&saved, old ? astrdup(old) : NULL);
            saved.n = i * 2 + 2;
        }
    }
    assign_all(assigns, -1);
    if (b->run == bi_exec && argv->n > 1) {
        exec_program(argv->v + 1, assigns);
    }
    int status = b->run(argv->n, argv->v);
    fflush(stdout);
    for (int i = 0; i + 1 < saved.n; i += 2) {
        if (saved.v[i + 1])
            set_var(saved.v[i], saved.v[i + 1], -1);
        else
            unset_var(saved.v[i]);
    }
    undo_redirects(&u);
    return status;
}

static int exec_simple(struct node *n, int flags)
{
    lineno = n->lineno;
    expand_failed = 0;
    subst_status = 0;
    struct strv argv = expand_words(n->words, n->nwords);
    struct strv assigns = expand_assignments(n->assigns, n->nassigns);
    if (expand_failed)
        return 1;
    if (xtrace) {
        fputc('+', stderr);
        for (int i = 0; i < assigns.n; i++)
            fprintf(stderr, " %s", assigns.v[i]);
        for (int i = 0; i < argv.n; i++)
            fprintf(stderr, " %s", argv.v[i]);
        fputc('\n', stderr);
        fflush(stderr);
    }
    if (argv.n == 0) {
        assign_all(&assigns, -1);
        struct undo u = { .n = 0 };
        int status = apply_redirects(n->redirs, &u) < 0 ? 1 : subst_status;
        undo_redirects(&u);
        return status;
    }
    const struct builtin *b = find_builtin(argv.v[0]);
    if (b)
        return run_builtin(b, n, &argv, &assigns);
    if (is_unsupported(argv.v[0])) {
        error_msg("%s: not supported by this shell", argv.v[0]);
        return 2;
    }
    if (!(flags & EV_EXIT)) {
        pid_t pid = fork_child();
        if (pid < 0)
            return 2;
        if (pid > 0)
            return wait_for(pid);
    }
    if (apply_redirects(n->redirs, NULL) < 0)
        exit_shell(1);
    exec_program(argv.v, &assigns);
}

static int exec_pipeline(struct node *n)
{
    pid_t *pids = alloc((size_t)n->ncmds * sizeof *pids);
    int in = -1, started = 0;
    for (int i = 0; i < n->ncmds; i++) {
        int fds[2] = { -1, -1 };
        if (i < n->ncmds - 1 && pipe(fds) < 0) {
            error_msg("cannot make a pipe: %s", strerror(errno));
            break;
        }
        pid_t pid = fork_child();
        if (pid == 0) {
            if (in >= 0)
                move_fd(in, 0);
            if (fds[1] >= 0) {
                close(fds[0]);
                move_fd(fds[1], 1);
            }
            exit_shell(exec_node(n->cmds[i], EV_EXIT));
        }
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
        if (pid < 0) {
            if (in >= 0)
                close(in);
            break;
        }
        pids[started++] = pid;
    }
    int status = started == n->ncmds ? 0 : 2;
    for (int i = 0; i < started; i++) {
        int s = wait_for(pids[i]);
        if (i == n->ncmds - 1)
            status = s;
    }
    return status;
}

/* After a loop body: whether break or continue leave this loop.  "continue" (1)
 * goes on with it; "continue N" leaves it, and the next loop out goes on. */
static int leave_loop(void)
{
    if (break_count) {
        break_count--;
        return 1;
    }
    return continue_count && --continue_count;
}

static int exec_loop(struct node *n)
{
    int status = 0;
    loop_depth++;
    for (;;) {
        struct mark m = mark();
        tested++;
        int c = exec_node(n->a, 0);
        tested--;
        int jumped = break_count || continue_count;
        int run = !jumped && (c == 0) == (n->type == N_WHILE);
        if (run)
            status = exec_node(n->b, 0);
        release(m);
        if ((!run && !jumped) || leave_loop())
            break;
    }
    loop_depth--;
    return status;
}

static int exec_for(struct node *n)
{
    struct strv words = { 0 };
    if (n->words) {
        lineno = n->lineno;
        expand_failed = 0;
        words = expand_words(n->words, n->nwords);
        if (expand_failed)
            return 1;
    } else {
        for (int i = 0; i < posc; i++) /* a copy: the body may shift or set them */
            sv_add(&words, astrdup(posv[i]));
    }
    int status = 0;
    loop_depth++;
    for (int i = 0; i < words.n; i++) {
        struct mark m = mark();
        set_var(n->name, words.v[i], -1);
        status = exec_node(n->b, 0);
        release(m);
        if (leave_loop())
            break;
    }
    loop_depth--;
    return status;
}

static int exec_case(struct node *n)
{
    lineno = n->lineno;
    expand_failed = 0;
    char *subject = expand_word(n->words[0]);
    for (struct case_item *item = n->items; item && !expand_failed; item = item->next) {
        for (int i = 0; i < item->npatterns; i++) {
            const char *raw = item->patterns[i];
            char *pattern = expand_string(raw, raw + strlen(raw), Q_NONE, 1);
            if (expand_failed)
                break;
            if (fnmatch(pattern, subject, 0) == 0)
                return item->body ? exec_node(item->body, 0) : 0;
        }
    }
    return expand_failed ? 1 : 0;
}

static int exec_compound(struct node *n, int flags)
{
    switch (n->type) {
    case N_BRACE:
        return exec_node(n->a, flags);
    case N_IF:
        tested++;
        int c = exec_node(n->a, 0);
        tested--;
        if (c == 0)
            return exec_node(n->b, flags);
        return n->c ? exec_node(n->c, flags) : 0;
    case N_WHILE:
    case N_UNTIL:
        return exec_loop(n);
    case N_FOR:
        return exec_for(n);
    case N_CASE:
        return exec_case(n);
    default:
        return 2;
    }
}

static int exec_node(struct node *n, int flags)
{
    int status = 0;
    if (n == NULL)
        return 0;
    switch (n->type) {
    case N_CMD: {
        struct mark m = mark();
        status = exec_simple(n, flags);
        release(m);
        break;
    }
    case N_PIPE:
        status = exec_pipeline(n);
        break;
    case N_AND:
    case N_OR:
        tested++;
        status = exec_node(n->a, 0);
        tested--;
        if (!break_count && !continue_count && (status == 0) == (n->type == N_AND))
            status = exec_node(n->b, flags);
        break;
    case N_SEQ:
        exec_node(n->a, 0);
        if (!break_count && !continue_count)
            status = exec_node(n->b, flags);
        else
            status = last_status;
        break;
    case N_NOT:
        tested++;
        status = !exec_node(n->a, 0);
        tested--;
        break;
    case N_BG: {
        pid_t pid = fork_child();
        if (pid == 0) {
            /* No job control: the background job reads /dev/null, as POSIX says. */
            int fd = open("/dev/null", O_RDONLY);
            if (fd >= 0)
                move_fd(fd, 0);
            exit_shell(exec_node(n->a, EV_EXIT));
        }
        if (pid > 0)
            last_bg = pid;
        status = pid > 0 ? 0 : 2;
        break;
    }
    case N_SUBSHELL: {
        pid_t pid = (flags & EV_EXIT) ? 0 : fork_child();
        if (pid == 0) {
            struct undo u = { .n = 0 };
            if (apply_redirects(n->redirs, &u) < 0)
                exit_shell(1);
            exit_shell(exec_node(n->a, EV_EXIT));
        }
        status = pid > 0 ? wait_for(pid) : 2;
        break;
    }
    default: {
        struct undo u = { .n = 0 };
        lineno = n->lineno;
        expand_failed = 0;
        if (apply_redirects(n->redirs, &u) < 0) {
            status = 1;
        } else {
            status = exec_compound(n, n->redirs ? 0 : flags);
        }
        undo_redirects(&u);
        break;
    }
    }
    last_status = status;
    if (errexit && status != 0 && !tested
            && (n->type == N_CMD || n->type == N_PIPE || n->type == N_SUBSHELL))
        exit_shell(status);
    return status;
}

/* ------------------------------------------------------------- top level -- */

/* Parses and runs a source one complete command at a time; the status of the last. */
static int run_source(struct source *src, int exit_on_syntax_error)
{
    jmp_buf on_error;
    struct parser p = { .src = src, .lineno = 1, .on_error = &on_error };
    volatile int status = 0;
    for (;;) {
        struct mark m = mark();
        p.continued = 0;
        p.have_tok = 0;
        p.nheredocs = 0;
        if (setjmp(on_error)) {
            release(m);
            last_status = status = 2;
            if (exit_on_syntax_error && !interactive)
                exit_shell(2);
            if (!interactive)
                return 2;
            src->pos = src->len; /* drop the rest of the line */
            continue;
        }
        struct token *t = peek(&p);
        if (t->type == T_EOF) {
            release(m);
            break;
        }
        if (t->type == T_NEWLINE) {
            advance(&p);
            release(m);
            continue;
        }
        struct node *n = parse_list(&p, 1);
        t = peek(&p);
        if (t->type != T_NEWLINE && t->type != T_EOF)
            unexpected(&p);
        if (t->type == T_NEWLINE)
            advance(&p);
        status = exec_node(n, 0);
        break_count = continue_count = 0;
        release(m);
    }
    return status;
}

static int run_string(const char *text, int exit_on_syntax_error)
{
    struct source src = { .text = text, .len = strlen(text), .fd = -1 };
    int saved_lineno = lineno;
    int status = run_source(&src, exit_on_syntax_error);
    lineno = saved_lineno;
    return status;
}

static void usage(void)
{
    fputs("usage: sh [-eix] [-c COMMANDS [NAME [ARG...]] | -s [ARG...] | FILE [ARG...]]\n", stderr);
    exit_shell(2);
}

int main(int argc, char **argv)
{
    shell_pid = getpid();
    import_environment();
    unset_var("IFS"); /* never taken from the environment */
    const char *command = NULL;
    int from_stdin = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--") == 0 || strcmp(argv[i], "-") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'c': command = ""; break;
            case 's': from_stdin = 1; break;
            case 'i': interactive = 1; break;
            case 'e': errexit = 1; break;
            case 'x': xtrace = 1; break;
            default:
                fprintf(stderr, "sh: -%c: unknown option\n", *o);
                usage();
            }
        }
        if (command) {
            i++;
            break;
        }
    }
    if (command) {
        if (i >= argc) {
            fputs("sh: -c: option requires an argument\n", stderr);
            usage();
        }
        command = argv[i++];
        if (i < argc)
            arg0 = argv[i++];
        set_positional(argc - i, argv + i);
        exit_shell(run_string(command, 1));
    }
    if (!from_stdin && i < argc) {
        arg0 = argv[i];
        char *text = read_file(argv[i]);
        if (text == NULL) {
            fprintf(stderr, "sh: cannot open %s: %s\n", argv[i], strerror(errno));
            exit_shell(127);
        }
        set_positional(argc - i - 1, argv + i + 1);
        exit_shell(run_string(text, 1));
    }
    if (argc > 0)
        arg0 = argv[0];
    set_positional(argc - i, argv + i);
    struct source src = { .text = "", .fd = 0 };
    src.byte_mode = lseek(0, 0, SEEK_CUR) < 0;
    int status = run_source(&src, 1);
    if (interactive)
        fputc('\n', stderr);
    exit_shell(status);
}
