/*
 * Record splitting (splitter.h).
 *
 * One buffer; unconsumed bytes live in buf[start, end). When a record is not complete in the
 * buffer, the unconsumed tail moves to the front and the source fills the rest; the tail is at
 * most one partial record, so the move is cheap. When the tail leaves less than a quarter of a
 * chunk free, the buffer doubles (up to max_record + chunk), so a small file costs little memory
 * whatever the record cap. Lines are found with memchr, which glibc vectorises; `scan`
 * remembers how far a search already went so a long line is never searched twice.
 *
 * In json mode a small state machine walks the containers around the records ([, ], the
 * {"Records": wrapper, commas, whitespace); the records themselves are measured by the format
 * parser. Whenever a value has to be stepped over without the parser — it is invalid, longer
 * than max_record, or stands where a ',' belonged — the json_resync.h scanner runs over the
 * bytes as they arrive (memory stays fixed even for a hostile 10 GB value) and says where the
 * next record starts. For invalid values the scan is bounded by max_record: past that, inside
 * an array it forgets the nesting and looks for the next element from where it is; at the top
 * level it falls back to the next line.
 */
#include "splitter.h"

#include <stdlib.h>

#include "json_resync.h"

#define CHUNK_DEFAULT (1u << 20)
#define INITIAL_RECORD (64u * 1024)
#define GROW_BELOW (256u * 1024) /* grow when less room than this is left after the tail */

enum json_state {
    J_START,       /* top level, before a value: may be "[", the Records wrapper, or a value */
    J_TOP,         /* top level, between concatenated values */
    J_ARRAY_FIRST, /* just after "[" (or a ","): a value or "]" */
    J_ARRAY_NEXT,  /* after a value in an array: "," or "]" */
    J_AFTER_ARRAY, /* after "]": the wrapper's "}" if any, then back to J_START */
};

/* Why the resync scanner is running, and what to hand out when it stops. */
enum resync_kind {
    RS_OFF = 0,
    RS_BAD,       /* an invalid value the caller already counted: nothing */
    RS_OVERSIZE,  /* a value longer than max_record: an oversize record */
    RS_MISPLACED, /* a value without a ',' before it: a misplaced record */
    RS_WRAPPER,   /* the wrapper's members after "Records": nothing */
};

struct kt_splitter {
    struct kt_source *src;
    kt_read_fn read;
    void *read_ctx;
    char *buf;
    size_t cap;      /* current size of buf */
    size_t cap_max;  /* max_record + chunk */
    size_t hwm;      /* bytes of buf that ever held input (wiped on free) */
    size_t max_record;
    size_t start, end, scan;
    uint64_t base;    /* offset in the input of buf[0] */
    uint64_t line;
    uint64_t records; /* records finished: handed out and answered */
    bool eof;
    enum kt_rc damage;
    struct kt_err damage_err;
    bool damage_reported;

    enum kt_split_mode mode;
    bool hold_partial;     /* lines: an unterminated last line is not handed out */
    bool skipping;         /* lines: inside an oversize line; json: skip to the next newline */
    uint64_t skip_line;    /* where the record being skipped started */
    uint64_t skip_offset;
    uint64_t oversize;

    enum json_state jstate;
    bool in_wrapper;       /* the current array is the value of "Records" */
    bool want_more;
    enum resync_kind resync;
    struct kt_resync rs;
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
    sp->max_record = KT_MIN(sp->max_record, SIZE_MAX / 4);
    sp->cap_max = sp->max_record + CHUNK_DEFAULT;
    sp->cap = KT_MIN(sp->max_record, INITIAL_RECORD) + CHUNK_DEFAULT;
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
    kt_wipe(sp->buf, sp->hwm);
    free(sp->buf);
    free(sp);
}

void kt_splitter_set_mode(struct kt_splitter *sp, enum kt_split_mode mode)
{
    sp->mode = mode;
}

void kt_splitter_hold_partial(struct kt_splitter *sp)
{
    sp->hold_partial = true;
}

uint64_t kt_splitter_consumed(const struct kt_splitter *sp)
{
    return sp->base + sp->start;
}

uint64_t kt_splitter_line(const struct kt_splitter *sp)
{
    return sp->line;
}

void kt_splitter_set_line(struct kt_splitter *sp, uint64_t line)
{
    sp->line = line > 0 ? line : 1;
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

size_t kt_splitter_capacity(const struct kt_splitter *sp)
{
    return sp->cap;
}

/* Doubles the buffer (up to cap_max). The old one is wiped: it held log bytes. */
static bool grow(struct kt_splitter *sp)
{
    size_t ncap = sp->cap <= sp->cap_max / 2 ? sp->cap * 2 : sp->cap_max;
    char *nbuf = malloc(ncap);
    if (nbuf == NULL) {
        return false;
    }
    memcpy(nbuf, sp->buf, sp->end);
    kt_wipe(sp->buf, sp->hwm);
    free(sp->buf);
    sp->buf = nbuf;
    sp->cap = ncap;
    sp->hwm = sp->end;
    return true;
}

/* Moves the unconsumed tail to the front, grows the buffer if the tail fills most of it, and
 * reads once from the source. */
static void fill(struct kt_splitter *sp)
{
    if (sp->eof) {
        return;
    }
    if (sp->start > 0) {
        size_t keep = sp->end - sp->start;
        memmove(sp->buf, sp->buf + sp->start, keep);
        sp->base += sp->start;
        sp->scan -= sp->start;
        sp->end = keep;
        sp->start = 0;
    }
    if (sp->cap - sp->end < GROW_BELOW && sp->cap < sp->cap_max && !grow(sp) &&
        sp->end == sp->cap) {
        /* The record cannot be completed: stop here rather than hand out a piece of it. */
        sp->eof = true;
        sp->damage = kt_err_set(&sp->damage_err, KT_ENOMEM,
                                "cannot grow the record buffer beyond %zu bytes", sp->cap);
        sp->base += sp->end;
        sp->start = sp->end = sp->scan = 0;
        return;
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
        if (sp->end > sp->hwm) {
            sp->hwm = sp->end;
        }
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

/* Consumes n bytes of the buffer, counting the lines they end. */
static void consume(struct kt_splitter *sp, size_t n)
{
    sp->line += count_newlines(sp->buf + sp->start, n);
    sp->start += n;
    sp->scan = sp->start;
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

enum kt_rc kt_splitter_take_damage(struct kt_splitter *sp, struct kt_err *err)
{
    if (sp == NULL || sp->damage == KT_OK || sp->damage_reported) {
        return KT_OK;
    }
    return finish(sp, err);
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
    sp->records++;
    return line;
}

static void emit(struct kt_splitter *sp, struct kt_record *rec, const char *p, size_t len,
                 uint64_t line, uint64_t offset)
{
    if (len > 0 && p[len - 1] == '\r') {
        len--;
    }
    rec->text = kt_str_make(p, len);
    rec->line = line;
    rec->index = ++sp->records;
    rec->offset = offset;
    rec->oversize = false;
    rec->misplaced = false;
    rec->open = false;
    rec->at_eof = false;
}

/* A record that was stepped over (text empty): oversize or misplaced. */
static void emit_skipped(struct kt_splitter *sp, struct kt_record *rec, bool oversize)
{
    if (oversize) {
        sp->oversize++;
    }
    rec->text = kt_str_make(sp->buf + sp->start, 0);
    rec->line = sp->skip_line;
    rec->index = ++sp->records;
    rec->offset = sp->skip_offset;
    rec->oversize = oversize;
    rec->misplaced = !oversize;
    rec->open = false;
    rec->at_eof = false;
}

/* Remembers where the record about to be skipped starts. */
static void mark_skip(struct kt_splitter *sp)
{
    sp->skip_line = sp->line;
    sp->skip_offset = sp->base + sp->start;
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
            emit_skipped(sp, rec, true);
            return KT_OK;
        }
        const char *base = sp->buf;
        const char *q = memchr(base + sp->scan, '\n', sp->end - sp->scan);
        if (q != NULL) {
            size_t len = (size_t)(q - (base + sp->start));
            uint64_t line = sp->line++;
            uint64_t offset = sp->base + sp->start;
            const char *p = base + sp->start;
            sp->start = sp->scan = (size_t)(q - base) + 1;
            if (len == 0 || (len == 1 && p[0] == '\r')) {
                continue;
            }
            if (len > sp->max_record) {
                /* Over the cap even though it fit in the buffer: same verdict either way. */
                sp->skip_line = line;
                sp->skip_offset = offset;
                emit_skipped(sp, rec, true);
                return KT_OK;
            }
            emit(sp, rec, p, len, line, offset);
            return KT_OK;
        }
        sp->scan = sp->end;
        if (sp->end - sp->start >= sp->max_record) {
            sp->skipping = true;
            mark_skip(sp);
            continue;
        }
        if (sp->eof) {
            if (sp->start < sp->end && !sp->hold_partial) {
                const char *p = base + sp->start;
                size_t len = sp->end - sp->start;
                uint64_t line = sp->line++;
                uint64_t offset = sp->base + sp->start;
                sp->start = sp->scan = sp->end;
                emit(sp, rec, p, len, line, offset);
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

static bool in_array(const struct kt_splitter *sp)
{
    return sp->jstate == J_ARRAY_FIRST || sp->jstate == J_ARRAY_NEXT;
}

static void start_resync(struct kt_splitter *sp, enum resync_kind kind)
{
    kt_resync_init(&sp->rs, in_array(sp) ? KT_RESYNC_ARRAY : KT_RESYNC_TOP,
                   kind != RS_OVERSIZE);
    sp->resync = kind;
}

/*
 * Runs the resync scanner over the buffered bytes, reading more as needed, until it stops at a
 * boundary (the state machine is then set for what follows) or the input ends.
 */
static void run_resync(struct kt_splitter *sp)
{
    bool bounded = sp->resync != RS_OVERSIZE;
    bool array = sp->rs.ctx == KT_RESYNC_ARRAY;
    for (;;) {
        if (bounded && sp->rs.scanned > sp->max_record) {
            /* No boundary within a record's length: the structure is too damaged to follow. */
            if (!array) {
                sp->skipping = true;
                return;
            }
            kt_resync_reset(&sp->rs);
        }
        size_t avail = sp->end - sp->start;
        bool capped = false;
        if (bounded && avail > sp->max_record + 1 - sp->rs.scanned) {
            avail = (size_t)(sp->max_record + 1 - sp->rs.scanned);
            capped = true;
        }
        size_t used;
        enum kt_resync_stop stop =
            kt_resync_step(&sp->rs, sp->buf + sp->start, avail, sp->eof || capped, &used);
        consume(sp, used);
        switch (stop) {
        case KT_RESYNC_NEXT: sp->jstate = array ? J_ARRAY_FIRST : J_START; return;
        case KT_RESYNC_CLOSE: sp->jstate = J_ARRAY_NEXT; return;
        case KT_RESYNC_AFTER:
            sp->jstate = J_START;
            if (sp->resync == RS_WRAPPER) {
                sp->in_wrapper = false;
            }
            return;
        case KT_RESYNC_MORE: break;
        }
        if (capped) {
            continue;
        }
        if (sp->eof) {
            return;
        }
        fill(sp);
    }
}

static void after_value(struct kt_splitter *sp)
{
    if (in_array(sp)) {
        sp->jstate = J_ARRAY_NEXT;
    } else {
        sp->jstate = J_TOP;
    }
}

static enum kt_rc next_json(struct kt_splitter *sp, struct kt_record *rec, struct kt_err *err)
{
    for (;;) {
        if (sp->resync != RS_OFF) {
            run_resync(sp);
            enum resync_kind kind = sp->resync;
            sp->resync = RS_OFF;
            if (kind == RS_OVERSIZE || kind == RS_MISPLACED) {
                emit_skipped(sp, rec, kind == RS_OVERSIZE);
                return KT_OK;
            }
            continue;
        }
        if (sp->skipping) {
            skip_to_newline(sp);
            sp->skipping = false;
            sp->jstate = J_START;
            continue;
        }
        if (sp->want_more) {
            sp->want_more = false;
            if (sp->end - sp->start >= sp->max_record) {
                mark_skip(sp);
                start_resync(sp, RS_OVERSIZE);
                continue;
            }
            fill(sp);
        } else if (!skip_ws(sp)) {
            return finish(sp, err);
        }
        char c = sp->buf[sp->start];
        if (c == ',' && (sp->jstate == J_START || sp->jstate == J_TOP)) {
            /* Between top-level values: left over from an array whose end a damaged record
             * made the scan guess too early. The damage was counted with that record. */
            sp->start++;
            continue;
        }
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
                    consume(sp, len);
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
                sp->jstate = J_ARRAY_FIRST;
                continue;
            }
            if (c == ']') {
                sp->start++;
                sp->jstate = J_AFTER_ARRAY;
                continue;
            }
            /* A value where a separator belongs: a missing comma, or bytes that are not
             * JSON. Step over them as one bad record. */
            mark_skip(sp);
            start_resync(sp, RS_MISPLACED);
            continue;
        case J_AFTER_ARRAY:
            if (sp->in_wrapper && c == '}') {
                sp->start++;
            } else if (sp->in_wrapper && c == ',') {
                sp->start++; /* more members after "Records": not records */
                kt_resync_init_in_object(&sp->rs);
                sp->resync = RS_WRAPPER;
                continue;
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
        rec->index = sp->records + 1;
        rec->offset = sp->base + sp->start;
        rec->oversize = false;
        rec->misplaced = false;
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
    consume(sp, KT_MIN(n, sp->end - sp->start));
    sp->open_pending = false;
    sp->records++;
    after_value(sp);
}

void kt_splitter_need_more(struct kt_splitter *sp)
{
    sp->open_pending = false;
    sp->want_more = true;
}

void kt_splitter_skip_bad(struct kt_splitter *sp)
{
    sp->open_pending = false;
    sp->want_more = false;
    sp->records++;
    start_resync(sp, RS_BAD);
}
