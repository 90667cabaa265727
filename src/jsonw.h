/*
 * A small streaming JSON writer for high-volume output (events, alerts): one buffer, handed
 * to a file descriptor's output channel (out.h, which redacts) in large pieces, with correct string escaping. Log bytes need not be
 * UTF-8; invalid sequences are written as U+FFFD so the output is always valid JSON that jq
 * accepts. Commas are inserted automatically.
 *
 * Write errors (EPIPE when piped into `head`, a full disk) latch: later calls do nothing and
 * kt_jw_failed() says so.
 */
#ifndef KEYTRAIL_JSONW_H
#define KEYTRAIL_JSONW_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#define KT_JW_MAX_DEPTH 32

struct kt_jw {
    int fd;
    char *buf;
    size_t len, cap;
    bool failed;
    int err_no;
    unsigned depth;
    bool first[KT_JW_MAX_DEPTH]; /* no member written yet at this depth */
    bool after_key;
};

/* Writes to fd (not closed by kt_jw_fini). Returns KT_ENOMEM on failure. */
enum kt_rc kt_jw_init(struct kt_jw *w, int fd);
/* Flushes and releases the buffer; returns KT_EIO if any write failed. */
enum kt_rc kt_jw_fini(struct kt_jw *w);
enum kt_rc kt_jw_flush(struct kt_jw *w);
static inline bool kt_jw_failed(const struct kt_jw *w)
{
    return w->failed;
}

void kt_jw_object_begin(struct kt_jw *w);
void kt_jw_object_end(struct kt_jw *w);
void kt_jw_array_begin(struct kt_jw *w);
void kt_jw_array_end(struct kt_jw *w);
/* A member name; the next value call writes its value. */
void kt_jw_key(struct kt_jw *w, const char *name);
void kt_jw_str(struct kt_jw *w, struct kt_str s);
void kt_jw_cstr(struct kt_jw *w, const char *s);
void kt_jw_int(struct kt_jw *w, int64_t v);
void kt_jw_double(struct kt_jw *w, double v, int decimals);
void kt_jw_bool(struct kt_jw *w, bool v);
void kt_jw_null(struct kt_jw *w);
/* Ends a top-level value with a newline (JSON lines). */
void kt_jw_newline(struct kt_jw *w);
/* Raw bytes, unescaped (for pre-rendered text). */
void kt_jw_raw(struct kt_jw *w, const char *s, size_t n);

/* Shorthands for "key": value members. */
void kt_jw_kstr(struct kt_jw *w, const char *key, struct kt_str s);
void kt_jw_kcstr(struct kt_jw *w, const char *key, const char *s);
void kt_jw_kint(struct kt_jw *w, const char *key, int64_t v);

#endif
