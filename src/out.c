/*
 * Output channels (out.h).
 *
 * A channel is a pending buffer of not-yet-redacted bytes and a scratch buffer of redacted ones.
 * Writes append to the pending buffer; everything up to the last newline (or, for a long line,
 * the last byte that cannot be part of a secret) is redacted and written at once. Channels live
 * in a small table indexed by descriptor; one process writes to a handful.
 */
#define _GNU_SOURCE /* fopencookie */

#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "redact.h"
#include "token.h"

#define MAX_CHANNELS 64
#define LONG_LINE (64u * 1024u)
#define HUGE_RUN (1024u * 1024u)

struct channel {
    bool used;
    bool failed;
    int err_no;
    char *pend;
    size_t len, cap;
    struct kt_rbuf red;
};

static struct channel channels[MAX_CHANNELS];
static bool installed;

static struct channel *channel_for(int fd)
{
    if (fd < 0 || fd >= MAX_CHANNELS) {
        return NULL;
    }
    channels[fd].used = true;
    return &channels[fd];
}

static bool write_all(struct channel *ch, int fd, const char *p, size_t n)
{
    while (n > 0 && !ch->failed) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            ch->failed = true;
            ch->err_no = errno;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    return !ch->failed;
}

/* Redacts and writes pend[0, n), then drops it from the pending buffer. */
static void emit(struct channel *ch, int fd, size_t n)
{
    if (n == 0) {
        return;
    }
    ch->red.len = 0;
    if (kt_redact_append(&ch->red, kt_str_make(ch->pend, n))) {
        write_all(ch, fd, ch->red.buf, ch->red.len);
        kt_wipe(ch->red.buf, ch->red.len);
    } else {
        /* No memory to redact into: say so rather than write unredacted bytes. */
        static const char lost[] = "\n[keytrail: output lost: out of memory]\n";
        write_all(ch, fd, lost, sizeof(lost) - 1);
    }
    kt_wipe(ch->pend, n);
    memmove(ch->pend, ch->pend + n, ch->len - n);
    ch->len -= n;
}

/* A byte a secret, or an escape inside one ("%6F", Markdown's "\_"), may hold. */
static bool may_be_secret(unsigned char c)
{
    return kt_tok_is(c, KT_TOK_SECRET) || c == '%' || c == '\\';
}

/* How much of the pending bytes can be redacted now without cutting a secret. */
static size_t safe_cut(const struct channel *ch)
{
    for (size_t i = ch->len; i > 0; i--) {
        if (ch->pend[i - 1] == '\n') {
            return i;
        }
    }
    if (ch->len < LONG_LINE) {
        return 0;
    }
    for (size_t i = ch->len; i > 0; i--) {
        if (!may_be_secret((unsigned char)ch->pend[i - 1])) {
            return i;
        }
    }
    return ch->len >= HUGE_RUN ? ch->len : 0;
}

enum kt_rc kt_out_write(int fd, const void *p, size_t n, int *err_no)
{
    struct channel *ch = channel_for(fd);
    if (ch == NULL) {
        if (err_no != NULL) {
            *err_no = EBADF;
        }
        return KT_EIO;
    }
    if (ch->failed) {
        goto out;
    }
    if (ch->cap - ch->len < n) {
        size_t cap = KT_MAX(ch->cap * 2, ch->len + n + 4096);
        char *nb = malloc(cap);
        if (nb == NULL) {
            ch->failed = true;
            ch->err_no = ENOMEM;
            goto out;
        }
        if (ch->len > 0) {
            memcpy(nb, ch->pend, ch->len);
            kt_wipe(ch->pend, ch->len);
        }
        free(ch->pend);
        ch->pend = nb;
        ch->cap = cap;
    }
    memcpy(ch->pend + ch->len, p, n);
    ch->len += n;
    emit(ch, fd, safe_cut(ch));
out:
    if (ch->failed && err_no != NULL) {
        *err_no = ch->err_no;
    }
    return ch->failed ? KT_EIO : KT_OK;
}

enum kt_rc kt_out_flush(int fd, int *err_no)
{
    struct channel *ch = channel_for(fd);
    if (ch == NULL) {
        return KT_EIO;
    }
    if (!ch->failed) {
        emit(ch, fd, ch->len);
    }
    if (ch->failed && err_no != NULL) {
        *err_no = ch->err_no;
    }
    return ch->failed ? KT_EIO : KT_OK;
}

static void channel_release(int fd)
{
    struct channel *ch = &channels[fd];
    if (ch->pend != NULL) {
        kt_wipe(ch->pend, ch->cap);
    }
    free(ch->pend);
    free(ch->red.buf);
    memset(ch, 0, sizeof(*ch));
}

void kt_out_flush_all(void)
{
    fflush(NULL);
    for (int fd = 0; fd < MAX_CHANNELS; fd++) {
        if (channels[fd].used) {
            kt_out_flush(fd, NULL);
        }
    }
}

static void at_exit(void)
{
    kt_out_flush_all();
    for (int fd = 0; fd < MAX_CHANNELS; fd++) {
        if (channels[fd].used) {
            channel_release(fd);
        }
    }
}

static int open_channel(const char *path, int mode_flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | mode_flags, 0600);
    if (fd >= MAX_CHANNELS) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    if (fd >= 0) {
        channel_release(fd);
        channels[fd].used = true;
    }
    return fd;
}

int kt_out_open(const char *path)
{
    return open_channel(path, O_TRUNC);
}

int kt_out_open_append(const char *path)
{
    return open_channel(path, O_APPEND);
}

enum kt_rc kt_out_close(int fd)
{
    if (fd < 0 || fd >= MAX_CHANNELS) {
        return KT_EIO;
    }
    enum kt_rc rc = kt_out_flush(fd, NULL);
    channel_release(fd);
    if (close(fd) != 0 && rc == KT_OK) {
        rc = KT_EIO;
    }
    return rc;
}

/* ---- stdio streams over channels -------------------------------------------------------- */

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    int fd = (int)(intptr_t)cookie;
    int e = 0;
    if (kt_out_write(fd, buf, size, &e) != KT_OK) {
        errno = e;
        return -1;
    }
    return (ssize_t)size;
}

static int cookie_close_std(void *cookie)
{
    int fd = (int)(intptr_t)cookie;
    return kt_out_flush(fd, NULL) == KT_OK ? 0 : -1;
}

static int cookie_close_file(void *cookie)
{
    return kt_out_close((int)(intptr_t)cookie) == KT_OK ? 0 : -1;
}

static FILE *stream_for(int fd, bool owns)
{
    cookie_io_functions_t io = {
        .read = NULL,
        .write = cookie_write,
        .seek = NULL,
        .close = owns ? cookie_close_file : cookie_close_std,
    };
    return fopencookie((void *)(intptr_t)fd, "w", io);
}

FILE *kt_out_fopen(const char *path)
{
    int fd = kt_out_open(path);
    if (fd < 0) {
        return NULL;
    }
    FILE *f = stream_for(fd, true);
    if (f == NULL) {
        int e = errno;
        kt_out_close(fd);
        errno = e;
    }
    return f;
}

void kt_out_install(void)
{
    if (installed) {
        return;
    }
    installed = true;
    bool out_tty = isatty(STDOUT_FILENO) == 1;
    FILE *out = stream_for(STDOUT_FILENO, false);
    FILE *err = stream_for(STDERR_FILENO, false);
    if (out != NULL) {
        /* A terminal sees each line at once; a pipe gets large writes. */
        setvbuf(out, NULL, out_tty ? _IOLBF : _IOFBF, out_tty ? 0 : 64 * 1024);
        stdout = out;
    }
    if (err != NULL) {
        setvbuf(err, NULL, _IONBF, 0);
        stderr = err;
    }
    atexit(at_exit);
}
