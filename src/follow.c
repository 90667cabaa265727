/*
 * The follower (follow.h). Each input keeps its open descriptor, the (device, inode) it was
 * opened as and how far it was read. kt_follow_read reads every input to its current end and
 * then looks at each followed path: another inode behind the name means a rotation (the old
 * descriptor is read to its end before the switch, so no line is lost or read twice), a size
 * below the offset means a truncation. Waiting is one poll(2) on the inotify descriptor and
 * the streams, so a new line wakes the follower at once.
 */
#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/inotify.h>
#define KT_HAVE_INOTIFY 1
#endif

#define READ_CHUNK (64 * 1024)
/* The first bytes of a followed file, kept to see a truncation that was refilled past the
 * offset before the follower looked (copytruncate between two polls). */
#define HEAD_BYTES 256
#define SAFETY_POLL_MS 1000
#define MAX_WAIT_FDS 64

struct followed {
    const char *path;
    bool stream; /* "-" or a FIFO: read until it ends, never reopened */
    int fd;      /* -1 while the file is missing */
    dev_t dev;
    ino_t ino;
    off_t offset;
    char *buf; /* the partial line */
    size_t len;
    bool skipping; /* inside a line longer than max_line */
    uint64_t line;
    bool ended; /* a stream reached its end */
    bool missing_noted;
    char head[HEAD_BYTES];
    size_t head_len;
};

struct kt_follow {
    struct followed *in;
    size_t n;
    struct kt_follow_opts opts;
    kt_follow_line_fn on_line;
    kt_follow_note_fn on_note;
    void *ctx;
    char *chunk;
    int inotify_fd; /* -1: polling */
};

/* msg, then detail (may be ""). */
static void note(struct kt_follow *f, const struct followed *in, const char *msg,
                 const char *detail)
{
    if (f->on_note != NULL) {
        struct kt_err err;
        kt_err_at(&err, KT_OK, strcmp(in->path, "-") == 0 ? "(stdin)" : in->path, 0, "%s%s", msg,
                  detail);
        f->on_note(f->ctx, &err);
    }
}

/* Hands out the complete lines of in->buf plus data; keeps the partial last line. When the
 * callback fails, *left gets the bytes of data not handed out yet. */
static enum kt_rc take_bytes(struct kt_follow *f, struct followed *in, const char *data, size_t n,
                             size_t *left)
{
    *left = 0;
    size_t cap = f->opts.max_line;
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t part = nl != NULL ? (size_t)(nl - data) : n;
        if (!in->skipping) {
            if (in->len + part > cap) {
                in->skipping = true; /* handed out once, at its end */
                in->len = 0;
            } else {
                memcpy(in->buf + in->len, data, part);
                in->len += part;
            }
        }
        if (nl == NULL) {
            break;
        }
        in->line++;
        enum kt_rc rc;
        if (in->skipping) {
            rc = f->on_line(f->ctx, (size_t)(in - f->in), in->line, kt_str_make("", 0), true);
        } else {
            size_t len = in->len;
            if (len > 0 && in->buf[len - 1] == '\r') {
                len--;
            }
            rc = f->on_line(f->ctx, (size_t)(in - f->in), in->line, kt_str_make(in->buf, len),
                            false);
        }
        in->len = 0;
        in->skipping = false;
        data += part + 1;
        n -= part + 1;
        if (rc != KT_OK) {
            *left = n;
            return rc;
        }
    }
    return KT_OK;
}

/* A rotated-away file's unfinished last line is final: it is handed out as it is. */
static enum kt_rc flush_partial(struct kt_follow *f, struct followed *in)
{
    if (in->len == 0 && !in->skipping) {
        return KT_OK;
    }
    size_t left;
    return take_bytes(f, in, "\n", 1, &left);
}

/* Reads in to its current end (a stream: what is available now). */
static enum kt_rc drain(struct kt_follow *f, struct followed *in)
{
    while (in->fd >= 0 && !in->ended) {
        if (in->stream) {
            struct pollfd p = {.fd = in->fd, .events = POLLIN};
            if (poll(&p, 1, 0) <= 0) {
                return KT_OK;
            }
        }
        ssize_t got = read(in->fd, f->chunk, READ_CHUNK);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return KT_OK;
            }
            note(f, in, "read error: ", strerror(errno));
            return KT_OK;
        }
        if (got == 0) {
            if (in->stream) {
                in->ended = true;
                return flush_partial(f, in);
            }
            return KT_OK;
        }
        if (!in->stream && in->offset < HEAD_BYTES && in->head_len == (size_t)in->offset) {
            size_t keep = HEAD_BYTES - (size_t)in->offset;
            keep = keep < (size_t)got ? keep : (size_t)got;
            memcpy(in->head + in->head_len, f->chunk, keep);
            in->head_len += keep;
        }
        in->offset += got;
        size_t left;
        enum kt_rc rc = take_bytes(f, in, f->chunk, (size_t)got, &left);
        if (rc != KT_OK) {
            /* A file is read again from the first line not handed out. */
            if (!in->stream && left > 0) {
                in->offset -= (off_t)left;
                lseek(in->fd, in->offset, SEEK_SET);
            }
            return rc;
        }
    }
    return KT_OK;
}

static void close_input(struct followed *in)
{
    if (in->fd > STDIN_FILENO) {
        close(in->fd);
    }
    in->fd = -1;
    in->len = 0;
    in->skipping = false;
}

/* Opens in->path as it is now; from_end starts at its current end. false when missing. */
static bool open_input(struct kt_follow *f, struct followed *in, bool from_end)
{
    int fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT && !in->missing_noted) {
            note(f, in, "cannot open, waiting for it: ", strerror(errno));
            in->missing_noted = true;
        }
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    in->fd = fd;
    in->dev = st.st_dev;
    in->ino = st.st_ino;
    in->offset = 0;
    in->line = 0;
    in->head_len = 0;
    in->missing_noted = false;
    if (from_end && st.st_size > 0) {
        in->offset = lseek(fd, 0, SEEK_END);
        /* The head is what the file starts with now, read aside. */
        ssize_t got = pread(fd, in->head, HEAD_BYTES, 0);
        in->head_len = got > 0 ? (size_t)got : 0;
    }
    return true;
}

/* Whether the file still starts with the bytes read from it first (else it was truncated and
 * written again). */
static bool same_head(struct followed *in)
{
    if (in->head_len == 0) {
        return true;
    }
    char now[HEAD_BYTES];
    ssize_t got = pread(in->fd, now, in->head_len, 0);
    return got == (ssize_t)in->head_len && memcmp(now, in->head, in->head_len) == 0;
}

/* Before reading on: a file shorter than what was read, or that no longer starts with what it
 * started with, was truncated (copytruncate) and is read again from its start. */
static void check_truncated(struct kt_follow *f, struct followed *in)
{
    struct stat st;
    if (in->fd < 0 || fstat(in->fd, &st) != 0) {
        return;
    }
    if (st.st_size < in->offset || !same_head(in)) {
        note(f, in, "truncated: reading again from its start", "");
        lseek(in->fd, 0, SEEK_SET);
        in->offset = 0;
        in->head_len = 0;
        in->line = 0;
        in->len = 0;
        in->skipping = false;
    }
}

/* The path's file after the data of the open one: rotation, truncation, a new file. */
static enum kt_rc check_path(struct kt_follow *f, struct followed *in)
{
    struct stat st;
    if (stat(in->path, &st) != 0) {
        if (in->fd >= 0 && !in->missing_noted) {
            note(f, in, "removed or renamed: following the new file when it appears", "");
            in->missing_noted = true;
        } else if (in->fd < 0 && !in->missing_noted) {
            note(f, in, "does not exist (yet): waiting for it", "");
            in->missing_noted = true;
        }
        return KT_OK;
    }
    if (in->fd >= 0 && st.st_dev == in->dev && st.st_ino == in->ino) {
        return KT_OK;
    }
    if (in->fd >= 0) {
        /* Rotated: the old file is complete; its last bytes were read by drain already,
         * but the writer may have added more since. */
        enum kt_rc rc = drain(f, in);
        if (rc == KT_OK) {
            rc = flush_partial(f, in);
        }
        close_input(in);
        if (rc != KT_OK) {
            return rc;
        }
        note(f, in, "rotated: following the new file", "");
    }
    if (!open_input(f, in, false)) {
        return KT_OK;
    }
    return drain(f, in);
}

#ifdef KT_HAVE_INOTIFY
/* Watches the directory of path (once per directory: inotify merges a second add). */
static void watch_dir(struct kt_follow *f, const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t len = slash == NULL ? 0 : (slash == path ? 1 : (size_t)(slash - path));
    if (len >= sizeof(dir)) {
        return;
    }
    if (len == 0) {
        dir[len++] = '.';
    } else {
        memcpy(dir, path, len);
    }
    dir[len] = '\0';
    inotify_add_watch(f->inotify_fd, dir,
                      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                          IN_CLOSE_WRITE | IN_ATTRIB);
}
#endif

enum kt_rc kt_follow_new(struct kt_follow **out, char *const *paths, size_t n,
                         const struct kt_follow_opts *opts, kt_follow_line_fn on_line,
                         kt_follow_note_fn on_note, void *ctx, struct kt_err *err)
{
    *out = NULL;
    struct kt_follow *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    f->opts = *opts;
    if (f->opts.max_line == 0) {
        f->opts.max_line = 1u << 20;
    }
    if (f->opts.poll_ms <= 0) {
        f->opts.poll_ms = 100;
    }
    f->on_line = on_line;
    f->on_note = on_note;
    f->ctx = ctx;
    f->inotify_fd = -1;
    f->in = calloc(n ? n : 1, sizeof(*f->in));
    f->chunk = malloc(READ_CHUNK);
    if (f->in == NULL || f->chunk == NULL) {
        kt_follow_free(f);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
#ifdef KT_HAVE_INOTIFY
    if (!f->opts.no_inotify) {
        f->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    }
#endif
    enum kt_rc rc = KT_OK;
    for (size_t i = 0; i < n; i++) {
        struct followed *in = &f->in[f->n++];
        in->path = paths[i];
        in->fd = -1;
        in->buf = malloc(f->opts.max_line + 1);
        if (in->buf == NULL) {
            rc = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
        struct stat st;
        if (strcmp(paths[i], "-") == 0) {
            in->stream = true;
            in->fd = STDIN_FILENO;
            continue;
        }
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = kt_err_at(err, KT_EUSAGE, paths[i], 0,
                           "a directory: watch follows files (name them, or use scan)");
            break;
        }
        if (stat(paths[i], &st) == 0 && !S_ISREG(st.st_mode)) {
            in->stream = true; /* a FIFO or a device */
            in->fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
            if (in->fd < 0) {
                rc = kt_err_at(err, KT_EUSAGE, paths[i], 0, "cannot open: %s", strerror(errno));
                break;
            }
            continue;
        }
#ifdef KT_HAVE_INOTIFY
        if (f->inotify_fd >= 0) {
            watch_dir(f, paths[i]);
        }
#endif
        if (!open_input(f, in, f->opts.from_end)) {
            note(f, in, "does not exist (yet): waiting for it", "");
            in->missing_noted = true;
        }
    }
    if (rc != KT_OK) {
        kt_follow_free(f);
        return rc;
    }
    *out = f;
    return KT_OK;
}

enum kt_rc kt_follow_read(struct kt_follow *f)
{
    for (size_t i = 0; i < f->n; i++) {
        struct followed *in = &f->in[i];
        if (!in->stream) {
            check_truncated(f, in);
        }
        enum kt_rc rc = drain(f, in);
        if (rc == KT_OK && !in->stream) {
            rc = check_path(f, in);
        }
        if (rc != KT_OK) {
            return rc;
        }
    }
    return KT_OK;
}

void kt_follow_wait(struct kt_follow *f, int timeout_ms)
{
    struct pollfd p[MAX_WAIT_FDS];
    nfds_t np = 0;
    if (f->inotify_fd >= 0) {
        p[np++] = (struct pollfd){.fd = f->inotify_fd, .events = POLLIN};
    }
    for (size_t i = 0; i < f->n && np < MAX_WAIT_FDS; i++) {
        if (f->in[i].stream && !f->in[i].ended && f->in[i].fd >= 0) {
            p[np++] = (struct pollfd){.fd = f->in[i].fd, .events = POLLIN};
        }
    }
    /* Regular files give no readiness: without inotify they are polled. */
    bool files = false;
    for (size_t i = 0; i < f->n; i++) {
        files |= !f->in[i].stream;
    }
    int limit = !files ? timeout_ms : f->inotify_fd >= 0 ? SAFETY_POLL_MS : f->opts.poll_ms;
    if (timeout_ms >= 0 && timeout_ms < limit) {
        limit = timeout_ms;
    }
    if (poll(p, np, limit) > 0 && f->inotify_fd >= 0 && (p[0].revents & POLLIN)) {
        /* The events only say "look again": drain them. */
        char buf[4096] __attribute__((aligned(__alignof__(long))));
        while (read(f->inotify_fd, buf, sizeof(buf)) > 0) {
        }
    }
}

bool kt_follow_done(const struct kt_follow *f)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!f->in[i].stream || !f->in[i].ended) {
            return false;
        }
    }
    return true;
}

bool kt_follow_uses_inotify(const struct kt_follow *f)
{
    return f->inotify_fd >= 0;
}

void kt_follow_free(struct kt_follow *f)
{
    if (f == NULL) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        close_input(&f->in[i]);
        free(f->in[i].buf);
    }
    if (f->inotify_fd >= 0) {
        close(f->inotify_fd);
    }
    free(f->in);
    free(f->chunk);
    free(f);
}
