/*
 * Streaming JSON writer (jsonw.h).
 *
 * Strings are copied in runs: the common case (printable ASCII without quotes or backslashes)
 * is found byte-wise and appended in one memcpy; only the rare byte that needs escaping or UTF-8
 * checking takes the slow path.
 */
#include "jsonw.h"

#include "out.h"
#include "utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define JW_BUF (256u * 1024u)

enum kt_rc kt_jw_init(struct kt_jw *w, int fd)
{
    memset(w, 0, sizeof(*w));
    w->fd = fd;
    w->cap = JW_BUF;
    w->buf = malloc(w->cap);
    if (w->buf == NULL) {
        return KT_ENOMEM;
    }
    w->first[0] = true;
    return KT_OK;
}

/* Hands the buffer to the descriptor's output channel (out.h), which redacts it; force also
 * writes a trailing partial line. */
static void hand_over(struct kt_jw *w, const char *p, size_t n, bool force)
{
    if (w->failed) {
        return;
    }
    if ((n > 0 && kt_out_write(w->fd, p, n, &w->err_no) != KT_OK) ||
        (force && kt_out_flush(w->fd, &w->err_no) != KT_OK)) {
        w->failed = true;
    }
}

enum kt_rc kt_jw_flush(struct kt_jw *w)
{
    hand_over(w, w->buf, w->len, true);
    w->len = 0;
    return w->failed ? KT_EIO : KT_OK;
}

/* The buffer is full: pass it on without forcing out a partial line. */
static void drain_full(struct kt_jw *w)
{
    hand_over(w, w->buf, w->len, false);
    w->len = 0;
}

enum kt_rc kt_jw_fini(struct kt_jw *w)
{
    enum kt_rc rc = kt_jw_flush(w);
    free(w->buf);
    w->buf = NULL;
    return rc;
}

static void put(struct kt_jw *w, const char *s, size_t n)
{
    if (w->failed) {
        return;
    }
    if (w->cap - w->len < n) {
        drain_full(w);
        if (n > w->cap) {
            hand_over(w, s, n, false); /* larger than the buffer: straight through */
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void putc1(struct kt_jw *w, char c)
{
    if (w->len == w->cap) {
        drain_full(w);
    }
    if (!w->failed) {
        w->buf[w->len++] = c;
    }
}

/* Separator before a value or key at the current depth. */
static void before_value(struct kt_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth]) {
        putc1(w, ',');
    }
    w->first[w->depth] = false;
}

static void open_container(struct kt_jw *w, char c)
{
    before_value(w);
    putc1(w, c);
    if (w->depth + 1 < KT_JW_MAX_DEPTH) {
        w->depth++;
    }
    w->first[w->depth] = true;
}

static void close_container(struct kt_jw *w, char c)
{
    putc1(w, c);
    if (w->depth > 0) {
        w->depth--;
    }
}

void kt_jw_object_begin(struct kt_jw *w)
{
    open_container(w, '{');
}

void kt_jw_object_end(struct kt_jw *w)
{
    close_container(w, '}');
}

void kt_jw_array_begin(struct kt_jw *w)
{
    open_container(w, '[');
}

void kt_jw_array_end(struct kt_jw *w)
{
    close_container(w, ']');
}


static void put_escaped(struct kt_jw *w, struct kt_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    const unsigned char *end = p + s.len;
    static const char hex[] = "0123456789abcdef";
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            p++;
        }
        if (p > run) {
            put(w, (const char *)run, (size_t)(p - run));
        }
        if (p == end) {
            break;
        }
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            put(w, e, 2);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            if (c == '\n') {
                put(w, "\\n", 2);
            } else if (c == '\t') {
                put(w, "\\t", 2);
            } else if (c == '\r') {
                put(w, "\\r", 2);
            } else {
                put(w, e, 6);
            }
            p++;
        } else {
            size_t n = kt_utf8_seq(p, (size_t)(end - p));
            if (n == 0) {
                put(w, "\\ufffd", 6);
                p++;
            } else {
                put(w, (const char *)p, n);
                p += n;
            }
        }
    }
}

void kt_jw_key(struct kt_jw *w, const char *name)
{
    before_value(w);
    putc1(w, '"');
    put_escaped(w, kt_str_cstr(name));
    put(w, "\":", 2);
    w->after_key = true;
}

void kt_jw_str(struct kt_jw *w, struct kt_str s)
{
    before_value(w);
    putc1(w, '"');
    put_escaped(w, s);
    putc1(w, '"');
}

void kt_jw_cstr(struct kt_jw *w, const char *s)
{
    if (s == NULL) {
        kt_jw_null(w);
        return;
    }
    kt_jw_str(w, kt_str_cstr(s));
}

void kt_jw_int(struct kt_jw *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
    before_value(w);
    put(w, buf, (size_t)n);
}

void kt_jw_double(struct kt_jw *w, double v, int decimals)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    before_value(w);
    if (n <= 0 || (size_t)n >= sizeof(buf) || v != v) {
        put(w, "null", 4);
        return;
    }
    put(w, buf, (size_t)n);
}

void kt_jw_bool(struct kt_jw *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void kt_jw_null(struct kt_jw *w)
{
    before_value(w);
    put(w, "null", 4);
}

void kt_jw_newline(struct kt_jw *w)
{
    putc1(w, '\n');
    w->first[0] = true;
}

void kt_jw_raw(struct kt_jw *w, const char *s, size_t n)
{
    put(w, s, n);
}

void kt_jw_kstr(struct kt_jw *w, const char *key, struct kt_str s)
{
    kt_jw_key(w, key);
    kt_jw_str(w, s);
}

void kt_jw_kcstr(struct kt_jw *w, const char *key, const char *s)
{
    kt_jw_key(w, key);
    kt_jw_cstr(w, s);
}

void kt_jw_kint(struct kt_jw *w, const char *key, int64_t v)
{
    kt_jw_key(w, key);
    kt_jw_int(w, v);
}
