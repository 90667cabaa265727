/*
 * Path walking (walk.h).
 *
 * Each directory is read whole, sorted, then visited, so memory is one directory listing per
 * level of depth, never the whole tree. Ancestors are tracked by (device, inode) to report
 * symlink loops; the run's visited set (an open-addressing table of (device, inode) pairs,
 * doubled at half load) makes every other second path to a file or directory a counted skip.
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

struct seen_slot {
    uint64_t dev;
    uint64_t ino;
    bool used;
};

struct kt_walk_seen {
    struct seen_slot *slots;
    size_t cap; /* a power of two */
    size_t n;
    uint64_t skipped;
};

enum kt_rc kt_walk_seen_new(struct kt_walk_seen **out)
{
    struct kt_walk_seen *seen = calloc(1, sizeof(*seen));
    if (seen == NULL) {
        return KT_ENOMEM;
    }
    seen->cap = 64;
    seen->slots = calloc(seen->cap, sizeof(*seen->slots));
    if (seen->slots == NULL) {
        free(seen);
        return KT_ENOMEM;
    }
    *out = seen;
    return KT_OK;
}

void kt_walk_seen_free(struct kt_walk_seen *seen)
{
    if (seen != NULL) {
        free(seen->slots);
        free(seen);
    }
}

uint64_t kt_walk_seen_skipped(const struct kt_walk_seen *seen)
{
    return seen != NULL ? seen->skipped : 0;
}

static size_t seen_hash(uint64_t dev, uint64_t ino)
{
    uint64_t h = (dev * 0x9e3779b97f4a7c15ULL) ^ ino;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h;
}

/* The slot holding (dev, ino), or the empty slot where it belongs. */
static struct seen_slot *seen_find(const struct kt_walk_seen *seen, uint64_t dev, uint64_t ino)
{
    size_t mask = seen->cap - 1;
    for (size_t i = seen_hash(dev, ino) & mask;; i = (i + 1) & mask) {
        struct seen_slot *s = &seen->slots[i];
        if (!s->used || (s->dev == dev && s->ino == ino)) {
            return s;
        }
    }
}

static enum kt_rc seen_grow(struct kt_walk_seen *seen)
{
    struct kt_walk_seen bigger = { .cap = seen->cap * 2 };
    bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
    if (bigger.slots == NULL) {
        return KT_ENOMEM;
    }
    for (size_t i = 0; i < seen->cap; i++) {
        if (seen->slots[i].used) {
            *seen_find(&bigger, seen->slots[i].dev, seen->slots[i].ino) = seen->slots[i];
        }
    }
    free(seen->slots);
    seen->slots = bigger.slots;
    seen->cap = bigger.cap;
    return KT_OK;
}

/*
 * Marks st's (device, inode) visited. Sets *again when it had been visited before (and counts
 * it as skipped). With no set, nothing is ever seen again. KT_OK or KT_ENOMEM.
 */
static enum kt_rc seen_visit(struct kt_walk_seen *seen, const struct stat *st, bool *again)
{
    *again = false;
    if (seen == NULL) {
        return KT_OK;
    }
    if (seen->n + 1 > seen->cap / 2) {
        enum kt_rc rc = seen_grow(seen);
        if (rc != KT_OK) {
            return rc;
        }
    }
    struct seen_slot *s = seen_find(seen, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
    if (s->used) {
        *again = true;
        seen->skipped++;
        return KT_OK;
    }
    *s = (struct seen_slot){ (uint64_t)st->st_dev, (uint64_t)st->st_ino, true };
    seen->n++;
    return KT_OK;
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
    struct kt_walk_seen *seen;
};

/* A regular file, unless another path already led to it. */
static enum kt_rc visit_file(struct walk *w, const char *path, const struct stat *st)
{
    bool again;
    enum kt_rc rc = seen_visit(w->seen, st, &again);
    if (rc != KT_OK || again) {
        return rc;
    }
    return w->on_file(w->ctx, path);
}

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
    bool again;
    enum kt_rc rc = seen_visit(w->seen, st, &again);
    if (rc != KT_OK || again) {
        return rc;
    }
    struct ancestor self = { st->st_dev, st->st_ino, up };
    DIR *d = opendir(dir);
    if (d == NULL) {
        report(w, dir, "cannot list directory", errno);
        return KT_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
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
            rc = visit_file(w, path, &sub);
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

enum kt_rc kt_walk(const char *path, struct kt_walk_seen *seen, kt_walk_file_fn on_file,
                   kt_walk_error_fn on_error, void *ctx)
{
    struct walk w = { on_file, on_error, ctx, seen };
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
    if (S_ISREG(st.st_mode)) {
        return visit_file(&w, path, &st);
    }
    /* An explicit path may be a FIFO or a device (process substitution, /dev/stdin). */
    return on_file(ctx, path);
}
