/*
 * Line reading for small user-written inputs (linefile.h).
 *
 * The file reader keeps one buffer of max_line + one chunk: complete lines are handed out
 * straight from it, the unfinished tail moves to the front before the next fread, and a tail
 * that already exceeds max_line without a newline is the "line too long" error. Memory stays
 * fixed whatever the file holds.
 */
#include "linefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK 65536

static enum kt_rc one_line(const char *name, const char *p, size_t n, size_t max_line,
                           uint64_t lineno, kt_line_fn fn, void *ctx, struct kt_err *err)
{
    if (n > max_line) {
        return kt_err_at(err, KT_ELIMIT, name, lineno,
                         "line longer than %zu bytes (is this a text file?)", max_line);
    }
    return fn(ctx, kt_str_make(p, n), name, lineno, err);
}

enum kt_rc kt_lines_buffer(const char *name, const char *buf, size_t len, size_t max_line,
                           kt_line_fn fn, void *ctx, struct kt_err *err)
{
    uint64_t lineno = 0;
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t n = nl != NULL ? (size_t)(nl - (buf + start)) : len - start;
        enum kt_rc rc = one_line(name, buf + start, n, max_line, ++lineno, fn, ctx, err);
        if (rc != KT_OK) {
            return rc;
        }
        start += n + 1;
    }
    return KT_OK;
}

enum kt_rc kt_lines_file(const char *path, size_t max_line, kt_line_fn fn, void *ctx,
                         struct kt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    size_t cap = max_line + 1 + CHUNK;
    char *buf = malloc(cap);
    enum kt_rc rc = KT_OK;
    if (buf == NULL) {
        rc = kt_err_at(err, KT_ENOMEM, path, 0, "out of memory");
        goto out;
    }
    size_t len = 0;
    uint64_t lineno = 0;
    bool eof = false;
    for (;;) {
        size_t start = 0;
        const char *nl;
        while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
            size_t n = (size_t)(nl - (buf + start));
            rc = one_line(path, buf + start, n, max_line, ++lineno, fn, ctx, err);
            if (rc != KT_OK) {
                goto out;
            }
            start += n + 1;
        }
        memmove(buf, buf + start, len - start);
        len -= start;
        if (eof) {
            if (len > 0) {
                rc = one_line(path, buf, len, max_line, ++lineno, fn, ctx, err);
            }
            goto out;
        }
        if (len > max_line) {
            rc = one_line(path, buf, len, max_line, ++lineno, fn, ctx, err);
            goto out;
        }
        /* len <= max_line here, so there is always room for a chunk. */
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0) {
            if (ferror(f)) {
                rc = kt_err_at(err, KT_EIO, path, 0, "read error: %s", strerror(errno));
                goto out;
            }
            eof = true;
        }
        len += got;
    }
out:
    if (buf != NULL) {
        kt_wipe(buf, cap); /* it may have held tokens */
        free(buf);
    }
    fclose(f);
    return rc;
}

bool kt_lines_has_control(struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return true;
        }
    }
    return false;
}
