/* mkdir [-p] DIRECTORY...: create directories (mode 0777 less the umask), as GNU
 * mkdir.  -p creates missing parents too and accepts directories that exist.
 * Exit 0, or 1 if a directory could not be created. */
#include "tool.h"
#include <sys/stat.h>

static int parents;

static int fail(const char *dir, int err)
{
    complain("cannot create directory '%s': %s", dir, strerror(err));
    return 1;
}

/* mkdir -p: every prefix of path that ends before a '/', then path itself. */
static int make_parents(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return fail(path, ENOMEM);
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(copy, 0777) != 0) {
            int err = errno;
            if (err != EEXIST) {
                fail(copy, err);
                free(copy);
                return 1;
            }
            if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode)) {
                const char *rest = path + (p - copy);
                while (*rest == '/')
                    rest++;
                fail(copy, *rest == '\0' ? EEXIST : ENOTDIR);
                free(copy);
                return 1;
            }
        }
        *p = saved;
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
    }
    free(copy);
    return 0;
}

int main(int argc, char **argv)
{
    tool_init(argc, argv);
    int opt;
    while ((opt = getopt(argc, argv, "p")) != -1) {
        if (opt != 'p')
            try_help(1);
        parents = 1;
    }
    if (optind == argc) {
        complain("missing operand");
        try_help(1);
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        const char *dir = argv[i];
        if (parents && dir[0] != '\0')
            status |= make_parents(dir);
        else if (mkdir(dir, 0777) != 0)
            status |= fail(dir, errno);
    }
    return status;
}
