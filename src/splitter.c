/*
 * Record splitting (splitter.h).
 *
 * One buffer of max_record + chunk bytes. Unconsumed bytes live in buf[start, end). When a
 * record is not complete in the buffer, the unconsumed tail moves to the front and the source
 * fills the rest; the tail is at most one partial record, so the move is cheap. Lines are found
 * with memchr, which glibc vectorises; `scan` remembers how far a search already went so a long
 * line is never searched twice.
 *
 * In json mode a small state machine walks the containers around the records ([, ], the
 * {"Records": wrapper, commas, whitespace); the records themselves are measured by the format
 * parser. A value longer than max_record is stepped over by a byte-level skipper that only
 * tracks strings and nesting, so memory stays fixed even for a hostile 10 GB value.
 */
#include "splitter.h"

#include <stdlib.h>

#define CHUNK_DEFAULT (1u << 20)

enum json_state {
    J_START,       /* top level, before a value: may be "[", the Records wrapper, or a value */
    J_TOP,         /* top level, between concatenated values */
    J_ARRAY_FIRST, /* just after "[": a value or "]" */
    J_ARRAY_NEXT,  /* after a value in an array: "," or "]" */
    J_AFTER_ARRAY, /* after "]": the wrapper's "}" if any, then back to J_START */
};

/* Byte-level skipper for oversize JSON values: strings and nesting only. */
struct value_skip {
    int depth;
    bool in_string;
    bool escape;
    bool started;
};

struct kt_splitter {
    struct kt_source *src;
    kt_read_fn read;
    void *read_ctx;
    char *buf;
    size_t cap;
    size_t max_record;
    size_t start, end, scan;
    uint64_t line;
    bool eof;
    enum kt_rc damage;
    struct kt_err damage_err;
    bool damage_reported;

    enum kt_split_mode mode;
    bool skipping;         /* lines: inside an oversize line; json: skip to the next newline */
    uint64_t skip_line;
    uint64_t oversize;

    enum json_state jstate;
    bool in_wrapper;       /* the current array is the value of "Records" */
    bool want_more;
    bool value_skipping;   /* json: stepping over an oversize value */
    struct value_skip vskip;
    bool open_pending;     /* an open record was handed out and not yet answered */
};

enum kt_rc kt_splitter_new(struct kt_splitter **out, struct kt_source *src, size_t max_record,
                           struct kt_err *err)
{
    struct kt_splitter *sp = calloc(1, sizeof(*sp));
    if (sp == NULL) {
        return kt_err_set(err, KT_ENOMEM, "cannot allocate the record splitter");
    }
    sp->max_record = max_record ? max_record : KT_MAX_RECORD_DEFAULT;
    sp->cap = sp->max_record + CHUNK_DEFAULT;
    sp->buf = malloc(sp->cap);
    if (sp->buf == NULL) {
        size_t cap = sp->cap;
        free(sp);
        return kt_err_set(err, KT_ENOMEM, "cannot allocate a %zu-byte record buffer", cap);
    }
    sp->src = src;
    sp->line = 1;
    sp->jstate = J_START;
    *out = sp;
    return KT_OK;
}

void kt_splitter_free(struct kt_splitter *sp)
{
    if (sp == NULL) {
        return;
    }
    /* The buffer held log bytes, which may include tokens. */
    kt_wipe(sp->buf, sp->end);
    free(sp->buf);
    free(sp);
}

void kt_splitter_set_mode(struct kt_splitter *sp, enum kt_split_mode mode)
{
    sp->mode = mode;
}

void kt_splitter_set_reader(struct kt_splitter *sp, kt_read_fn fn, void *ctx)
{
    sp->read = fn;
    sp->read_ctx = ctx;
}

uint64_t kt_splitter_oversize(const struct kt_splitter *sp)
{
    return sp->oversize;
}

/* Moves the unconsumed tail to the front and reads once from the source. */
static void fill(struct kt_splitter *sp)
{
    if (sp->eof) {
        return;
    }
    if (sp->start > 0) {
        size_t keep = sp->end - sp->start;
        memmove(sp->buf, sp->buf + sp->start, keep);
        sp->scan -= sp->start;
        sp->end = keep;
        sp->start = 0;
    }
    if (sp->end == sp->cap) {
        return; /* callers never let the tail grow past max_record, so this is not reached */
    }
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = sp->read != NULL
                        ? sp->read(sp->read_ctx, sp->buf + sp->end, sp->cap - sp->end, &n, &err)
                        : kt_source_read(sp->src, sp->buf + sp->end, sp->cap - sp->end, &n, &err);
    if (rc == KT_OK) {
        sp->end += n;
    } else {
        sp->eof = true;
        if (rc != KT_END) {
            sp->damage = rc;
            sp->damage_err = err;
        }
    }
}

static uint64_t count_newlines(const char *p, size_t n)
{
    uint64_t count = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        count++;
        p++;
    }
    return count;
}

/* After the last record: report damage once, then the end. */
static enum kt_rc finish(struct kt_splitter *sp, struct kt_err *err)
{
    if (sp->damage != KT_OK && !sp->damage_reported) {
        sp->damage_reported = true;
        if (err != NULL) {
            *err = sp->damage_err;
        }
        return sp->damage;
    }
    return KT_END;
}

enum kt_rc kt_splitter_peek(struct kt_splitter *sp, struct kt_str *prefix, struct kt_err *err)
{
    size_t searched = sp->start;
    while (!sp->eof && sp->end - sp->start < sp->max_record &&
           memchr(sp->buf + searched, '\n', sp->end - searched) == NULL) {
        searched = sp->end - sp->start; /* fill() moves the tail to offset 0 */
        fill(sp);
    }
    *prefix = kt_str_make(sp->buf + sp->start, sp->end - sp->start);
    if (sp->end == sp->start && sp->damage != KT_OK) {
        /* Nothing readable at all: let the caller report it now. */
        return finish(sp, err);
    }
    return KT_OK;
}

static bool skip_to_newline(struct kt_splitter *sp);

uint64_t kt_splitter_drop_line(struct kt_splitter *sp)
{
    uint64_t line = sp->line;
    skip_to_newline(sp);
    return line;
}

static void emit(struct kt_record *rec, const char *p, size_t len, uint64_t line)
{
    if (len > 0 && p[len - 1] == '\r') {
        len--;
    }
    rec->text = kt_str_make(p, len);
    rec->line = line;
    rec->oversize = false;
    rec->open = false;
    rec->at_eof = false;
}

static void emit_oversize(struct kt_splitter *sp, struct kt_record *rec)
{
    sp->oversize++;
    rec->text = kt_str_make(sp->buf + sp->start, 0);
    rec->line = sp->skip_line;
    rec->oversize = true;
    rec->open = false;
    rec->at_eof = false;
}

/* Advances past an oversize line; returns true when the line has ended (or input did). */
static bool skip_to_newline(struct kt_splitter *sp)
{
    for (;;) {
        const char *q = memchr(sp->buf + sp->start, '\n', sp->end - sp->start);
        if (q != NULL) {
            sp->start = (size_t)(q - sp->buf) + 1;
            sp->scan = sp->start;
            sp->line++;
            return true;
        }
        sp->start = sp->scan = sp->end;
        if (sp->eof) {
            return true;
        }
        fill(sp);
    }
}

static enum kt_rc next_line(struct kt_splitter *sp, struct kt_record *rec, struct kt_err *err)
{
    for (;;) {
        if (sp->skipping) {
            skip_to_newline(sp);
            sp->skipping = false;
            emit_oversize(sp, rec);
            return KT_OK;
        }
        const char *base = sp->buf;
        const char *q = memchr(base + sp->scan, '\n', sp->end - sp->scan);
        if (q != NULL) {
            size_t len = (size_t)(q - (base + sp->start));
            uint64_t line = sp->line++;
            const char *p = base + sp->start;
            sp->start = sp->scan = (size_t)(q - base) + 1;
            if (len == 0 || (len == 1 && p[0] == '\r')) {
                continue;
            }
            if (len > sp->max_record) {
                /* Over the cap even though it fit in the buffer: same verdict either way. */
                sp->skip_line = line;
                emit_oversize(sp, rec);
                return KT_OK;
            }
            emit(rec, p, len, line);
            return KT_OK;
        }
        sp->scan = sp->end;
        if (sp->end - sp->start >= sp->max_record) {
            sp->skipping = true;
            sp->skip_line = sp->line;
            continue;
        }
        if (sp->eof) {
            if (sp->start < sp->end) {
                const char *p = base + sp->start;
                size_t len = sp->end - sp->start;
                uint64_t line = sp->line++;
                sp->start = sp->scan = sp->end;
                emit(rec, p, len, line);
                return KT_OK;
            }
            return finish(sp, err);
        }
        fill(sp);
    }
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips whitespace, reading more as needed; returns false at the end of input. */
static bool skip_ws(struct kt_splitter *sp)
{
    for (;;) {
        while (sp->start < sp->end && is_ws(sp->buf[sp->start])) {
            if (sp->buf[sp->start] == '\n') {
                sp->line++;
            }
            sp->start++;
        }
        if (sp->start < sp->end) {
            sp->scan = sp->start;
            return true;
        }
        if (sp->eof) {
            sp->scan = sp->start;
            return false;
        }
        fill(sp);
    }
}

/*
 * At a '{' at the top level: is it the {"Records":[ wrapper? Reads ahead as needed (the
 * wrapper's opening fits in a few bytes unless someone pads it with megabytes of whitespace,
 * which is then treated as a plain object).
 */
static bool match_wrapper(struct kt_splitter *sp, size_t *len)
{
    static const char key[] = "\"Records\"";
    for (;;) {
        const char *p = sp->buf + sp->start, *end = sp->buf + sp->end;
        const char *q = p + 1;
        while (q < end && is_ws(*q)) {
            q++;
        }
        bool complete = false, match = false;
        size_t klen = sizeof(key) - 1;
        if ((size_t)(end - q) >= klen) {
            if (memcmp(q, key, klen) == 0) {
                q += klen;
                while (q < end && is_ws(*q)) {
                    q++;
                }
                if (q < end) {
                    if (*q == ':') {
                        q++;
                        while (q < end && is_ws(*q)) {
                            q++;
                        }
                        if (q < end) {
                            complete = true;
                            match = *q == '[';
                        }
                    } else {
                        complete = true;
                    }
                }
            } else {
                complete = true;
            }
        } else if (q < end && *q != '"') {
            complete = true;
        }
        if (complete || sp->eof || sp->end - sp->start >= 4096) {
            if (match) {
                *len = (size_t)(q - p) + 1;
            }
            return match;
        }
        fill(sp);
    }
}

static void step_value_skip(struct kt_splitter *sp)
{
    struct value_skip *vs = &sp->vskip;
    while (sp->start < sp->end) {
        char c = sp->buf[sp->start++];
        if (c == '\n') {
            sp->line++;
        }
        if (vs->in_string) {
            if (vs->escape) {
                vs->escape = false;
            } else if (c == '\\') {
                vs->escape = true;
            } else if (c == '"') {
                vs->in_string = false;
                if (vs->depth == 0) {
                    sp->value_skipping = false;
                    return;
                }
            }
            continue;
        }
        if (c == '"') {
            vs->in_string = true;
            vs->started = true;
        } else if (c == '{' || c == '[') {
            vs->depth++;
            vs->started = true;
        } else if (c == '}' || c == ']') {
            if (--vs->depth <= 0) {
                sp->value_skipping = false;
                return;
            }
        } else if (vs->depth == 0 && vs->started && (is_ws(c) || c == ',')) {
            sp->start--; /* a scalar ended; leave its terminator */
            if (c == '\n') {
                sp->line--;
            }
            sp->value_skipping = false;
            return;
        } else {
            vs->started = true;
        }
    }
    sp->scan = sp->start;
}

static void after_value(struct kt_splitter *sp)
{
    if (sp->jstate == J_ARRAY_FIRST || sp->jstate == J_ARRAY_NEXT) {
        sp->jstate = J_ARRAY_NEXT;
    } else {
        sp->jstate = J_TOP;
    }
}

static enum kt_rc next_json(struct kt_splitter *sp, struct kt_record *rec, struct kt_err *err)
{
    for (;;) {
        if (sp->skipping) {
            skip_to_newline(sp);
            sp->skipping = false;
            sp->jstate = J_TOP;
            continue;
        }
        if (sp->value_skipping) {
            step_value_skip(sp);
            if (sp->value_skipping) {
                if (sp->eof) {
                    sp->value_skipping = false;
                    emit_oversize(sp, rec);
                    return KT_OK;
                }
                fill(sp);
                continue;
            }
            after_value(sp);
            emit_oversize(sp, rec);
            return KT_OK;
        }
        if (sp->want_more) {
            sp->want_more = false;
            if (sp->end - sp->start >= sp->max_record) {
                sp->value_skipping = true;
                sp->vskip = (struct value_skip){ 0 };
                sp->skip_line = sp->line;
                continue;
            }
            fill(sp);
        } else if (!skip_ws(sp)) {
            return finish(sp, err);
        }
        char c = sp->buf[sp->start];
        switch (sp->jstate) {
        case J_START:
            if (c == '[') {
                sp->start++;
                sp->jstate = J_ARRAY_FIRST;
                sp->in_wrapper = false;
                continue;
            }
            if (c == '{') {
                size_t len;
                if (match_wrapper(sp, &len)) {
                    sp->line += count_newlines(sp->buf + sp->start, len);
                    sp->start += len;
                    sp->jstate = J_ARRAY_FIRST;
                    sp->in_wrapper = true;
                    continue;
                }
            }
            sp->jstate = J_TOP;
            break;
        case J_ARRAY_FIRST:
            if (c == ']') {
                sp->start++;
                sp->jstate = J_AFTER_ARRAY;
                continue;
            }
            break;
        case J_ARRAY_NEXT:
            if (c == ',') {
                sp->start++;
                if (!skip_ws(sp)) {
                    return finish(sp, err);
                }
            } else if (c == ']') {
                sp->start++;
                sp->jstate = J_AFTER_ARRAY;
                continue;
            }
            break;
        case J_AFTER_ARRAY:
            if (sp->in_wrapper && c == '}') {
                sp->start++;
            }
            sp->in_wrapper = false;
            sp->jstate = J_START;
            continue;
        case J_TOP:
            break;
        }
        /* The view never exceeds the cap, so a longer value cannot parse and is skipped as
         * oversize however the bytes happened to arrive. */
        size_t avail = sp->end - sp->start;
        size_t view = KT_MIN(avail, sp->max_record);
        rec->text = kt_str_make(sp->buf + sp->start, view);
        rec->line = sp->line;
        rec->oversize = false;
        rec->open = true;
        rec->at_eof = sp->eof && view == avail;
        sp->scan = sp->start;
        sp->open_pending = true;
        return KT_OK;
    }
}

enum kt_rc kt_splitter_next(struct kt_splitter *sp, struct kt_record *rec, struct kt_err *err)
{
    if (sp->mode == KT_SPLIT_LINES) {
        return next_line(sp, rec, err);
    }
    return next_json(sp, rec, err);
}

void kt_splitter_advance(struct kt_splitter *sp, size_t n)
{
    n = KT_MIN(n, sp->end - sp->start);
    sp->line += count_newlines(sp->buf + sp->start, n);
    sp->start += n;
    sp->scan = sp->start;
    sp->open_pending = false;
    after_value(sp);
}

void kt_splitter_need_more(struct kt_splitter *sp)
{
    sp->open_pending = false;
    if (sp->eof && sp->end - sp->start < sp->max_record) {
        /* Nothing more will come: the value is truncated for good. */
        kt_splitter_skip_bad(sp);
        return;
    }
    sp->want_more = true;
}

void kt_splitter_skip_bad(struct kt_splitter *sp)
{
    sp->open_pending = false;
    sp->want_more = false;
    /* Step over at least one byte so a bad value can never be handed out twice. */
    if (sp->start < sp->end) {
        if (sp->buf[sp->start] == '\n') {
            sp->line++;
        }
        sp->start++;
    }
    sp->scan = sp->start;
    sp->skipping = true;
}
