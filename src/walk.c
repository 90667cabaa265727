/*
 * Path walking (walk.h).
 *
 * Each directory is read whole, sorted, then visited, so memory is one directory listing per
 * level of depth, never the whole tree. Ancestors are tracked by (device, inode) to stop at
 * symlink loops.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

enum rot_kind {
    ROT_DATED = 0,    /* access.log-20261101.gz: oldest first by date */
    ROT_NUMBERED = 1, /* access.log.3.gz, access.log.1: highest number (oldest) first */
    ROT_LIVE = 2,     /* access.log: the newest */
};

struct rot_name {
    size_t base_len; /* the name shared by one log's rotations */
    enum rot_kind kind;
    uint64_t num;
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t strip_compression(const char *name, size_t len)
{
    static const char *const exts[] = { ".gz", ".zst", ".bz2", ".xz" };
    for (size_t i = 0; i < KT_ARRAY_LEN(exts); i++) {
        size_t n = strlen(exts[i]);
        if (len > n && memcmp(name + len - n, exts[i], n) == 0) {
            return len - n;
        }
    }
    return len;
}

static struct rot_name parse_rotation(const char *name)
{
    size_t len = strip_compression(name, strlen(name));
    struct rot_name r = { .base_len = strlen(name), .kind = ROT_LIVE, .num = 0 };
    /* Trailing digits, possibly with dashes inside (a -YYYY-MM-DD date). */
    size_t i = len, digits = 0;
    uint64_t num = 0, scale = 1;
    while (i > 0 && (is_digit(name[i - 1]) || (name[i - 1] == '-' && digits > 0 &&
                                                i >= 2 && is_digit(name[i - 2])))) {
        if (is_digit(name[i - 1])) {
            if (digits < 19) {
                num += (uint64_t)(name[i - 1] - '0') * scale;
                scale *= 10;
            }
            digits++;
        }
        i--;
    }
    if (digits == 0 || i == 0) {
        return r;
    }
    char sep = name[i - 1];
    if (sep == '.' && digits <= 4 && i == len - digits) {
        r.kind = ROT_NUMBERED;
    } else if ((sep == '-' || sep == '.' || sep == '_') && digits >= 8) {
        r.kind = ROT_DATED;
    } else {
        return r;
    }
    r.base_len = i - 1;
    r.num = num;
    return r;
}

/* Natural order: digit runs compare as numbers, everything else bytewise. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a != '\0' && *b != '\0') {
        if (is_digit(*a) && is_digit(*b)) {
            while (*a == '0' && is_digit(a[1])) {
                a++;
            }
            while (*b == '0' && is_digit(b[1])) {
                b++;
            }
            size_t la = 0, lb = 0;
            while (is_digit(a[la])) {
                la++;
            }
            while (is_digit(b[lb])) {
                lb++;
            }
            if (la != lb) {
                return la < lb ? -1 : 1;
            }
            int c = memcmp(a, b, la);
            if (c != 0) {
                return c;
            }
            a += la;
            b += lb;
            continue;
        }
        if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        }
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int kt_walk_name_cmp(const char *a, const char *b)
{
    struct rot_name ra = parse_rotation(a), rb = parse_rotation(b);
    if (ra.base_len == rb.base_len && memcmp(a, b, ra.base_len) == 0 &&
        (ra.kind != ROT_LIVE || rb.kind != ROT_LIVE)) {
        if (ra.kind != rb.kind) {
            return ra.kind < rb.kind ? -1 : 1;
        }
        if (ra.num != rb.num) {
            bool older_first = ra.kind == ROT_DATED;
            return (ra.num < rb.num) == older_first ? -1 : 1;
        }
    }
    int c = natural_cmp(a, b);
    return c != 0 ? c : strcmp(a, b);
}

static int qsort_cmp(const void *x, const void *y)
{
    return kt_walk_name_cmp(*(char *const *)x, *(char *const *)y);
}

struct ancestor {
    dev_t dev;
    ino_t ino;
    const struct ancestor *up;
};

struct walk {
    kt_walk_file_fn on_file;
    kt_walk_error_fn on_error;
    void *ctx;
};

static void report(struct walk *w, const char *path, const char *what, int e)
{
    struct kt_err err;
    kt_err_at(&err, KT_EOPEN, path, 0, "%s: %s", what, strerror(e));
    if (w->on_error != NULL) {
        w->on_error(w->ctx, &err);
    }
}

static enum kt_rc walk_dir(struct walk *w, const char *dir, const struct stat *st,
                           const struct ancestor *up)
{
    for (const struct ancestor *a = up; a != NULL; a = a->up) {
        if (a->dev == st->st_dev && a->ino == st->st_ino) {
            report(w, dir, "directory loop (symbolic link to an ancestor), skipped", ELOOP);
            return KT_OK;
        }
    }
    struct ancestor self = { st->st_dev, st->st_ino, up };
    DIR *d = opendir(dir);
    if (d == NULL) {
        report(w, dir, "cannot list directory", errno);
        return KT_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum kt_rc rc = KT_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (nn == NULL) {
                rc = KT_ENOMEM;
                goto out;
            }
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = KT_ENOMEM;
            goto out;
        }
        n++;
    }
    if (n > 1) {
        qsort(names, n, sizeof(*names), qsort_cmp);
    }
    for (size_t i = 0; i < n && rc == KT_OK; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (path == NULL) {
            rc = KT_ENOMEM;
            break;
        }
        bool slash = dir[strlen(dir) - 1] == '/';
        snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", names[i]);
        struct stat sub;
        if (stat(path, &sub) != 0) {
            report(w, path, "cannot read", errno);
        } else if (S_ISDIR(sub.st_mode)) {
            rc = walk_dir(w, path, &sub, &self);
        } else if (S_ISREG(sub.st_mode)) {
            rc = w->on_file(w->ctx, path);
        }
        free(path);
    }
out:
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    closedir(d);
    return rc;
}

enum kt_rc kt_walk(const char *path, kt_walk_file_fn on_file, kt_walk_error_fn on_error,
                   void *ctx)
{
    struct walk w = { on_file, on_error, ctx };
    if (strcmp(path, "-") == 0) {
        return on_file(ctx, path);
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        report(&w, path, "cannot open", errno);
        return KT_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        return walk_dir(&w, path, &st, NULL);
    }
    /* An explicit path may be a FIFO or a device (process substitution, /dev/stdin). */
    return on_file(ctx, path);
}
