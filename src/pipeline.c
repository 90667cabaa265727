/*
 * The pipeline (pipeline.h).
 *
 * A run first walks every path into a list of input files (the walk's visited set lives for one
 * kt_pipeline_run, so each file is read once per run), looks at each regular file for the time
 * of its first event, ranks the files by it and reads them as one stream in event time
 * (merge.h): results do not depend on the order of the PATH arguments.
 * Per file (a cursor): open the source (compression sniffed from content), peek at the first
 * records to pick the format (unless forced) and the splitting mode, then parse records with
 * the cursor's own parser; its next event waits in the cursor until the merge takes it through
 * the credential stage and the callback. Damage the source reported is surfaced however far the
 * file was read, even when its format was not recognised. Formats are set up once per run. The
 * credential stage goes through a cache keyed by a hash of each candidate, so the expensive work
 * (SHA-256, JWT decoding) runs once per distinct value.
 */
#include "pipeline.h"
#include "redact.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cred_cache.h"
#include "jwt_verify.h"
#include "merge.h"
#include "prefetch.h"
#include "prescan.h"
#include "textsniff.h"
#include "splitter.h"
#include "walk.h"

#define MAX_FORMATS 8
#define PROGRESS_EVERY_RECORDS 16384
#define PROGRESS_INTERVAL_MS 250
#define UNKNOWN_FORMAT_WARNINGS 5
/* Inputs open at once in the time-order merge: about 1.3 MiB of buffers each at most. */
#define KT_MERGE_MAX_OPEN 64
/* Records a probe reads at most for the first event's time. */
#define PROBE_RECORDS 1024
/* Read-ahead ring: four 1 MiB buffers; small files are not worth a thread. */
#define PREFETCH_BUFFERS 4
#define PREFETCH_BUFFER (1u << 20)
#define PREFETCH_MIN_FILE (256 * 1024)
/* Read-ahead threads a hunt runs at most (4 MiB of ring each). */
#define HUNT_PREFETCH_MAX 8
/* Files below this size on disk are searched whole before anything else reads them (hunts). */
#define PRESCAN_SMALL_FILE (1u << 20)

struct kt_pipeline {
    struct kt_pipeline_opts opts;
    const struct kt_format *const *formats;
    size_t n_formats;
    void *states[MAX_FORMATS];
    struct kt_cred_cache *cache;
    struct kt_jwt_keys *jwt_keys; /* --jwt-secret, owned; may be NULL */
    struct kt_run_stats stats;
    kt_event_fn on_event;
    void *ctx;
    enum kt_rc stop;
    struct kt_err stop_err;
    uint64_t next_progress_check;
    int64_t last_progress_ms;
    uint64_t ledger_skipped, ledger_resumed;
    /* The prefilter skipped something this run, the first time with this generation of the
     * needle set: needles added later could have let it through (kt_pipeline_prefilter_stale). */
    bool prefiltered;
    uint32_t prefiltered_gen;
};

/* Hunts filter; pass_all (a key with no literal form) turns the filter off. */
static bool prefilter_on(const struct kt_pipeline *pl)
{
    return pl->opts.prefilter != NULL && !kt_needles_passes_all(pl->opts.prefilter);
}

static void note_prefiltered(struct kt_pipeline *pl)
{
    if (!pl->prefiltered) {
        pl->prefiltered = true;
        pl->prefiltered_gen = kt_needles_generation(pl->opts.prefilter);
    }
}

bool kt_pipeline_prefilter_stale(const struct kt_pipeline *pl)
{
    return pl->prefiltered && pl->opts.prefilter != NULL &&
           kt_needles_generation(pl->opts.prefilter) != pl->prefiltered_gen;
}

void kt_pipeline_set_ledger(struct kt_pipeline *pl, struct kt_ledger *lg, bool reprocess)
{
    pl->opts.ledger = lg;
    pl->opts.reprocess = reprocess;
}

uint64_t kt_pipeline_ledger_skipped(const struct kt_pipeline *pl)
{
    return pl->ledger_skipped;
}

uint64_t kt_pipeline_ledger_resumed_bytes(const struct kt_pipeline *pl)
{
    return pl->ledger_resumed;
}

static enum kt_rc read_source(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err)
{
    return kt_source_read(ctx, buf, cap, n, err);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void warn(struct kt_pipeline *pl, const struct kt_err *err)
{
    if (pl->opts.warn != NULL) {
        pl->opts.warn(pl->opts.warn_ctx, err);
    }
}

enum kt_rc kt_pipeline_new(struct kt_pipeline **out, const struct kt_pipeline_opts *opts,
                           struct kt_err *err)
{
    struct kt_pipeline *pl = calloc(1, sizeof(*pl));
    if (pl == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    pl->opts = *opts;
    if (pl->opts.max_record == 0) {
        pl->opts.max_record = KT_MAX_RECORD_DEFAULT;
    }
    if (pl->opts.threads == 0) {
        pl->opts.threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    }
    kt_run_stats_init(&pl->stats);
    pl->formats = kt_formats(&pl->n_formats);
    enum kt_rc rc = KT_OK;
    for (size_t i = 0; i < pl->n_formats && i < MAX_FORMATS; i++) {
        const struct kt_format *f = pl->formats[i];
        if (f->init != NULL) {
            rc = f->init(&opts->format_opts, &pl->states[i], err);
            if (rc != KT_OK) {
                goto fail;
            }
        }
    }
    rc = kt_cred_cache_new(&pl->cache, opts->cred_cache_entries ? opts->cred_cache_entries : 16384);
    if (rc != KT_OK) {
        kt_err_set(err, rc, "cannot allocate the credential cache");
        goto fail;
    }
    *out = pl;
    return KT_OK;
fail:
    kt_pipeline_free(pl);
    return rc;
}

void kt_pipeline_free(struct kt_pipeline *pl)
{
    if (pl == NULL) {
        return;
    }
    for (size_t i = 0; i < pl->n_formats && i < MAX_FORMATS; i++) {
        if (pl->formats[i]->fini != NULL) {
            pl->formats[i]->fini(pl->states[i]);
        }
    }
    kt_cred_cache_free(pl->cache);
    kt_jwt_keys_free(pl->jwt_keys);
    kt_run_stats_fini(&pl->stats);
    free(pl);
}

const struct kt_run_stats *kt_pipeline_stats(const struct kt_pipeline *pl)
{
    return &pl->stats;
}

static size_t format_index(const struct kt_pipeline *pl, const struct kt_format *fmt)
{
    for (size_t i = 0; i < pl->n_formats; i++) {
        if (pl->formats[i] == fmt) {
            return i;
        }
    }
    return 0;
}

static bool same_key(const struct kt_event *ev, const struct kt_cred *c)
{
    for (unsigned i = 0; i < ev->n_creds; i++) {
        if (kt_keyid_eq(&ev->creds[i].key, &c->key)) {
            return true;
        }
    }
    return false;
}

static void resolve_cand(struct kt_pipeline *pl, struct kt_event *ev, const struct kt_cand *cand)
{
    /* Every credential value is a secret the outputs must never show, wherever it reappears. */
    kt_redact_note_cand(cand);
    if (ev->n_creds == KT_EVENT_MAX_CREDS) {
        return;
    }
    struct kt_cred *slot = &ev->creds[ev->n_creds];
    if (kt_cred_cache_resolve(pl->cache, cand, slot) && !same_key(ev, slot)) {
        /* The raw token exists only now: its signature is checked while the record is. */
        kt_jwt_keys_check(pl->jwt_keys, cand->value, slot);
        ev->n_creds++;
    }
}

void kt_pipeline_set_jwt_keys(struct kt_pipeline *pl, struct kt_jwt_keys *keys)
{
    kt_jwt_keys_free(pl->jwt_keys);
    pl->jwt_keys = keys;
}

void kt_pipeline_resolve(struct kt_pipeline *pl, struct kt_parser *parser, struct kt_event *ev)
{
    /* The user name a server logged after Basic auth (%u) is the same credential as the
     * Authorization header it came from: it counts only when the header was not logged. */
    bool has_authorization = false;
    for (unsigned i = 0; i < ev->n_cands; i++) {
        if (ev->cands[i].kind != KT_CAND_BASIC_USER) {
            has_authorization |= ev->cands[i].kind == KT_CAND_AUTHORIZATION;
            resolve_cand(pl, ev, &ev->cands[i]);
        }
    }
    for (unsigned i = 0; i < ev->n_cands && !has_authorization; i++) {
        if (ev->cands[i].kind == KT_CAND_BASIC_USER) {
            resolve_cand(pl, ev, &ev->cands[i]);
        }
    }
    struct kt_cand found[KT_EVENT_MAX_CANDS];
    if (ev->query.len > 0) {
        char *scratch = parser != NULL ? kt_parser_scratch(parser, ev->query.len) : NULL;
        if (scratch != NULL) {
            size_t n =
                kt_cred_find_in_query(ev->query, found, KT_EVENT_MAX_CANDS, scratch, ev->query.len);
            for (size_t i = 0; i < n; i++) {
                resolve_cand(pl, ev, &found[i]);
            }
        }
    }
    if (ev->resource.len > 0) {
        size_t n = kt_cred_find_in_text(ev->resource, found, KT_EVENT_MAX_CANDS);
        for (size_t i = 0; i < n; i++) {
            resolve_cand(pl, ev, &found[i]);
        }
    }
}

/*
 * One input being read: its source, splitter and parser, and its next event, parsed and
 * waiting for its turn in the merge (its views point into this cursor's buffers, which nothing
 * else touches until the cursor moves on). A cursor in probe mode only looks for the first
 * event's time: it counts and reports nothing, since the file is read for real later.
 */
struct cursor {
    const char *path;
    const char *name; /* "(stdin)" for "-" */
    struct kt_source *src;
    struct kt_splitter *sp;
    struct kt_prefetch *prefetch;
    struct kt_parser parser;
    bool parser_ready;
    bool stream; /* split as a JSON stream */
    bool probe;
    bool fmt_known;              /* its format was recognised: what was read of it counts as read */
    uint64_t probed;             /* records a probe looked at */
    struct kt_ledger_input *lin; /* its ledger entry (--state), NULL without; never in a probe */
    uint64_t base;               /* where reading started: the offset an earlier run reached */
    int64_t last_ms;             /* the time of the last event, for an event without one */
    struct kt_event ev;
};

static void maybe_progress(struct kt_pipeline *pl, const struct cursor *cur)
{
    if (pl->opts.progress == NULL || pl->stats.records < pl->next_progress_check) {
        return;
    }
    pl->next_progress_check = pl->stats.records + PROGRESS_EVERY_RECORDS;
    int64_t t = now_ms();
    if (t - pl->last_progress_ms >= PROGRESS_INTERVAL_MS) {
        pl->last_progress_ms = t;
        /* Closed files are in the totals; add what the current one decoded so far. */
        struct kt_run_stats shown = pl->stats;
        if (cur->prefetch != NULL) {
            shown.bytes_out += kt_prefetch_bytes_out(cur->prefetch); /* the thread owns the rest */
        } else if (cur->src != NULL) {
            shown.bytes_in += kt_source_bytes_in(cur->src);
            shown.bytes_out += kt_source_bytes_out(cur->src);
        }
        pl->opts.progress(pl->opts.progress_ctx, &shown, cur->name);
    }
}

static void cur_warn(struct kt_pipeline *pl, const struct cursor *cur, const struct kt_err *err)
{
    if (!cur->probe) {
        warn(pl, err);
    }
}

/*
 * Counts a malformed record; the first few are reported at file:line and, in a JSON stream
 * (where one line may hold a whole file of records), with the record's index and byte offset.
 * rec is NULL for a line dropped during format detection.
 */
static void count_bad(struct kt_pipeline *pl, const struct cursor *cur, enum kt_bad bad,
                      uint64_t line, const struct kt_record *rec)
{
    if (cur->probe) {
        return;
    }
    pl->stats.records++;
    if (kt_run_stats_bad(&pl->stats, bad, cur->name, line)) {
        struct kt_err err;
        kt_err_at(&err, KT_EFORMAT, cur->name, line, "malformed record skipped (%s)",
                  kt_bad_name(bad));
        if (rec != NULL && cur->stream) {
            size_t used = strlen(err.where);
            snprintf(err.where + used, sizeof(err.where) - used,
                     " (record %" PRIu64 ", byte %" PRIu64 ")", rec->index, rec->offset);
        }
        warn(pl, &err);
    }
}

static void damaged(struct kt_pipeline *pl, const struct cursor *cur, const struct kt_err *err)
{
    if (!cur->probe) {
        pl->stats.files_damaged++;
        warn(pl, err);
    }
}

static bool only_ws(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') {
            return false;
        }
    }
    return true;
}

enum parsed {
    PARSED_EVENT,
    PARSED_BAD,   /* counted; go on with the next record */
    PARSED_AGAIN, /* the splitter hands the same record out again, longer */
};

/* Parses one record into cur->ev. */
static enum parsed parse_record(struct kt_pipeline *pl, struct cursor *cur,
                                const struct kt_record *rec)
{
    struct kt_event *ev = &cur->ev;
    struct kt_splitter *sp = cur->sp;
    if (rec->oversize || rec->misplaced) {
        count_bad(pl, cur, rec->oversize ? KT_BAD_TOO_LONG : KT_BAD_JSON, rec->line, rec);
        return PARSED_BAD;
    }
    kt_parser_begin(&cur->parser);
    kt_event_reset(ev);
    ev->file = cur->name;
    ev->line = rec->line;
    size_t consumed = rec->text.len;
    enum kt_bad bad = cur->parser.fmt->parse(&cur->parser, rec->text, ev, &consumed);
    if (rec->open) {
        if (bad == KT_BAD_INCOMPLETE) {
            if (!rec->at_eof) {
                kt_splitter_need_more(sp);
                return PARSED_AGAIN;
            }
            bad = KT_BAD_TRUNCATED;
            kt_splitter_skip_bad(sp);
        } else if (bad == KT_BAD_JSON || bad == KT_BAD_TOO_DEEP ||
                   (bad == KT_BAD_NOT_OBJECT && consumed == 0)) {
            kt_splitter_skip_bad(sp);
        } else {
            /* Parsed through (a valid value that is not a usable record included): the next
             * record starts right after it. */
            kt_splitter_advance(sp, consumed);
        }
    } else if (bad == KT_BAD_INCOMPLETE) {
        bad = KT_BAD_TRUNCATED;
    } else if ((bad == KT_BAD_NONE || bad == KT_BAD_NOT_OBJECT) && cur->parser.fmt->json &&
               !only_ws(rec->text.ptr + consumed, rec->text.len - consumed)) {
        bad = KT_BAD_JSON; /* trailing bytes after the value on its line */
    }
    if (bad != KT_BAD_NONE) {
        count_bad(pl, cur, bad, rec->line, rec);
        return PARSED_BAD;
    }
    if (!cur->probe) {
        pl->stats.records++;
    }
    if (ev->time_ms == KT_TIME_NONE) {
        ev->time_ms = cur->last_ms; /* keeps its place among its neighbours */
    } else {
        cur->last_ms = ev->time_ms;
    }
    return PARSED_EVENT;
}

/* Hands the cursor's event to the credential stage and the callback. */
static void deliver(struct kt_pipeline *pl, struct cursor *cur)
{
    struct kt_event *ev = &cur->ev;
    kt_pipeline_resolve(pl, &cur->parser, ev);
    if (kt_run_stats_event(&pl->stats, ev) != KT_OK) {
        pl->stop = kt_err_set(&pl->stop_err, KT_ENOMEM, "out of memory");
        return;
    }
    enum kt_rc rc = pl->on_event(pl->ctx, ev);
    kt_redact_record_end();
    if (rc != KT_OK) {
        pl->stop = rc;
        kt_err_set(&pl->stop_err, rc, "stopped: %s", kt_strerror(rc));
    }
    maybe_progress(pl, cur);
}

/* Moves to the cursor's next event: true when there is one, false at the end of the input
 * (damage reported) or when the run must stop (pl->stop set). */
static bool cursor_next(struct kt_pipeline *pl, struct cursor *cur)
{
    for (;;) {
        if (cur->probe && ++cur->probed > PROBE_RECORDS) {
            return false; /* a file of junk is not read twice */
        }
        struct kt_record rec;
        struct kt_err err;
        enum kt_rc r = kt_splitter_next(cur->sp, &rec, &err);
        if (r == KT_END) {
            return false;
        }
        if (r == KT_ENOMEM) {
            if (!cur->probe) {
                pl->stop = KT_ENOMEM;
                pl->stop_err = err;
            }
            return false;
        }
        if (r != KT_OK) {
            damaged(pl, cur, &err);
            return false;
        }
        if (!cur->stream && !rec.oversize && !cur->probe && prefilter_on(pl) &&
            !kt_needles_any(pl->opts.prefilter, rec.text.ptr, rec.text.len)) {
            /* A line without a needle cannot be a use of a hunted key: not even parsed. */
            pl->stats.records_prefiltered++;
            note_prefiltered(pl);
            continue;
        }
        enum parsed p;
        do {
            p = parse_record(pl, cur, &rec);
            if (p == PARSED_AGAIN) {
                r = kt_splitter_next(cur->sp, &rec, &err);
                if (r != KT_OK) {
                    if (r == KT_ENOMEM && !cur->probe) {
                        pl->stop = KT_ENOMEM;
                        pl->stop_err = err;
                    } else if (r != KT_END && r != KT_ENOMEM) {
                        damaged(pl, cur, &err);
                    }
                    return false;
                }
            }
        } while (p == PARSED_AGAIN);
        if (p == PARSED_EVENT) {
            return true;
        }
    }
}

/* Records in the ledger how far the cursor's input was read: up to the last record handed out,
 * so a line still being written waits for the next run. */
static void ledger_done(struct kt_pipeline *pl, struct cursor *cur)
{
    struct kt_ledger_input *lin = cur->lin;
    cur->lin = NULL;
    uint64_t consumed = cur->sp == NULL ? 0
                        : cur->stream   ? KT_LEDGER_ALL
                                        : cur->base + kt_splitter_consumed(cur->sp);
    if (cur->sp != NULL && !cur->stream) {
        kt_ledger_input_set_line(lin, kt_splitter_line(cur->sp));
    }
    if (kt_ledger_input_done(lin, consumed, cur->stream ? KT_LEDGER_DOCUMENT : KT_LEDGER_LINES,
                             pl->stop == KT_OK && cur->fmt_known) != KT_OK &&
        pl->stop == KT_OK) {
        pl->stop = kt_err_set(&pl->stop_err, KT_ENOMEM, "out of memory");
    }
}

static void cursor_close(struct kt_pipeline *pl, struct cursor *cur)
{
    kt_prefetch_stop(cur->prefetch);
    cur->prefetch = NULL;
    if (cur->lin != NULL) {
        ledger_done(pl, cur);
    }
    if (cur->src != NULL && !cur->probe) {
        pl->stats.bytes_in += kt_source_bytes_in(cur->src);
        pl->stats.bytes_out += kt_source_bytes_out(cur->src);
    }
    kt_splitter_free(cur->sp);
    cur->sp = NULL;
    kt_source_free(cur->src);
    cur->src = NULL;
}

/* Closes the cursor and frees its parser, which cursor_close keeps for the next file. */
static void cursor_release(struct kt_pipeline *pl, struct cursor *cur)
{
    cursor_close(pl, cur);
    if (cur->parser_ready) {
        kt_parser_fini(&cur->parser);
        cur->parser_ready = false;
    }
}

/* Readies the cursor's parser for fmt, reusing the one it has when it is for fmt already (the
 * next file of a directory is nearly always of the same format). */
static enum kt_rc cursor_parser(struct kt_pipeline *pl, struct cursor *cur,
                                const struct kt_format *fmt, struct kt_err *err)
{
    if (cur->parser_ready && cur->parser.fmt == fmt) {
        return KT_OK;
    }
    if (cur->parser_ready) {
        kt_parser_fini(&cur->parser);
        cur->parser_ready = false;
    }
    enum kt_rc rc = kt_parser_init(&cur->parser, fmt, pl->states[format_index(pl, fmt)],
                                   pl->opts.max_record, err);
    cur->parser_ready = rc == KT_OK;
    return rc;
}

/* Reports a file whose format was not recognised (the first few). */
static void unknown_format(struct kt_pipeline *pl, const struct cursor *cur, struct kt_str prefix)
{
    if (cur->probe) {
        return;
    }
    /* A folder of logs often holds a README or digests: name a few, not all. */
    if (++pl->stats.files_unknown > UNKNOWN_FORMAT_WARNINGS) {
        return;
    }
    const char *more = pl->stats.files_unknown == UNKNOWN_FORMAT_WARNINGS
                           ? "; further such files are only counted"
                           : "";
    char closest[160];
    struct kt_err err;
    if (kt_format_explain(prefix, pl->states, closest, sizeof(closest))) {
        /* JSON that only looks like a log: say what it lacks. */
        kt_err_at(&err, KT_EFORMAT, cur->name, 0,
                  "not a known format: %s; file skipped (use --format and --field to read it)%s",
                  closest, more);
    } else {
        kt_err_at(&err, KT_EFORMAT, cur->name, 0,
                  "format not recognised, file skipped (use --format to force one)%s", more);
    }
    warn(pl, &err);
}

/*
 * Opens path and gets it ready to hand out records: compression, format, splitting mode.
 * hint: the format a probe found (json_stream with it), so detection does not run twice; NULL
 * to detect. Returns KT_OK with *ready true, KT_OK with *ready false when the file yields
 * nothing (counted and reported: unreadable, binary, unknown format, damaged early; the cursor
 * is closed), or KT_ENOMEM. prefetch: the file may be decompressed on a second thread. A
 * parser the cursor kept from its last file is reused.
 */
static enum kt_rc cursor_open(struct kt_pipeline *pl, struct cursor *cur, const char *path,
                              bool probe, bool prefetch, const struct kt_format *hint,
                              bool hint_stream, bool *ready)
{
    struct kt_parser kept = cur->parser;
    bool kept_ready = cur->parser_ready;
    memset(cur, 0, sizeof(*cur));
    cur->parser = kept;
    cur->parser_ready = kept_ready;
    cur->path = path;
    cur->name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    cur->probe = probe;
    cur->last_ms = INT64_MIN;
    *ready = false;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc;
    if (probe) {
        rc = kt_source_open(&cur->src, path, &pl->opts.source, &err);
    } else {
        const char *skipped = NULL;
        /* A hunt neither skips what a scan read nor marks as read what it filtered out. */
        struct kt_ledger *ledger = pl->opts.prefilter != NULL ? NULL : pl->opts.ledger;
        rc = kt_ledger_open(ledger, path, &pl->opts.source, pl->opts.reprocess, &cur->src,
                            &cur->lin, &cur->base, &skipped, &err);
        if (rc == KT_OK && cur->src == NULL) {
            pl->ledger_skipped++; /* read whole by an earlier run */
            return KT_OK;
        }
        pl->ledger_resumed += cur->base;
    }
    if (rc != KT_OK) {
        if (rc == KT_ENOMEM) {
            return rc;
        }
        if (!probe) {
            pl->stats.files_unreadable++;
        }
        cur_warn(pl, cur, &err);
        return KT_OK;
    }
    if (!probe) {
        pl->stats.files++;
    }
    rc = kt_splitter_new(&cur->sp, cur->src, pl->opts.max_record, &err);
    if (rc != KT_OK) {
        goto fail;
    }
    struct stat st;
    if (prefetch && pl->opts.threads >= 2 && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
        S_ISREG(st.st_mode) && (uint64_t)st.st_size > PREFETCH_MIN_FILE + cur->base &&
        kt_prefetch_start(&cur->prefetch, cur->src, PREFETCH_BUFFERS, PREFETCH_BUFFER) == KT_OK) {
        kt_splitter_set_reader(cur->sp, kt_prefetch_read, cur->prefetch);
    }
    if (cur->lin != NULL) {
        /* The ledger sees every byte the splitter reads (for the fingerprint of the last). */
        if (cur->prefetch != NULL) {
            kt_ledger_input_tap(cur->lin, kt_prefetch_read, cur->prefetch);
        } else {
            kt_ledger_input_tap(cur->lin, read_source, cur->src);
        }
        kt_splitter_set_reader(cur->sp, kt_ledger_read, cur->lin);
        kt_splitter_set_line(cur->sp, kt_ledger_input_first_line(cur->lin));
        if (kt_ledger_input_hold_partial(cur->lin)) {
            kt_splitter_hold_partial(cur->sp);
        }
    }
    struct kt_str prefix;
    if (kt_splitter_peek(cur->sp, &prefix, &err) != KT_OK) {
        damaged(pl, cur, &err);
        goto skip;
    }
    char why[128];
    if (hint == NULL && kt_text_is_binary(prefix, pl->opts.max_record, why, sizeof(why))) {
        /* Not a log (/dev/zero would otherwise be skipped one over-long line at a time). */
        if (!probe) {
            pl->stats.files_unknown++;
        }
        kt_err_at(&err, KT_EFORMAT, cur->name, 0, "%s: file skipped", why);
        cur_warn(pl, cur, &err);
        goto skip;
    }
    const struct kt_format *fmt = pl->opts.format;
    bool stream = false;
    if (fmt == NULL && hint != NULL) {
        fmt = hint;
        stream = hint_stream;
    } else if (fmt == NULL) {
        fmt = kt_format_detect(prefix, pl->states, &stream);
        /* An over-long first line hides the format: count it and look past it. */
        for (int tries = 0; fmt == NULL && tries < 4 && prefix.len >= pl->opts.max_record &&
                            memchr(prefix.ptr, '\n', prefix.len) == NULL;
             tries++) {
            uint64_t line = kt_splitter_drop_line(cur->sp);
            count_bad(pl, cur, KT_BAD_TOO_LONG, line, NULL);
            if (kt_splitter_peek(cur->sp, &prefix, &err) != KT_OK) {
                damaged(pl, cur, &err);
                goto skip;
            }
            fmt = kt_format_detect(prefix, pl->states, &stream);
        }
        if (fmt == NULL) {
            if (kt_splitter_take_damage(cur->sp, &err) != KT_OK) {
                /* The input broke off before enough of it decoded to tell its format: the
                 * damage is the news, not the format. */
                damaged(pl, cur, &err);
            } else if (kt_str_trim(prefix).len > 0) {
                unknown_format(pl, cur, prefix);
            }
            goto skip;
        }
    } else if (fmt->json) {
        stream = kt_format_json_stream(prefix);
    }
    kt_splitter_set_mode(cur->sp, stream ? KT_SPLIT_JSON : KT_SPLIT_LINES);
    cur->stream = stream;
    rc = cursor_parser(pl, cur, fmt, &err);
    if (rc != KT_OK) {
        goto fail;
    }
    cur->fmt_known = true;
    *ready = true;
    return KT_OK;
skip:
    cursor_close(pl, cur);
    return KT_OK;
fail:
    cursor_close(pl, cur);
    if (!probe) {
        pl->stop = rc;
        pl->stop_err = err;
    }
    return rc;
}

/* The inputs of one run, collected by the walk before anything is read. */
struct input_list {
    struct kt_merge_input *v;
    size_t n, cap;
    bool has_stdin;
    struct kt_pipeline *pl;
};

static enum kt_rc collect_file(void *ctx, const char *path)
{
    struct input_list *in = ctx;
    bool is_stdin = strcmp(path, "-") == 0;
    if (is_stdin && in->has_stdin) {
        in->pl->stats.files_duplicate++; /* standard input named twice: it is read once */
        return KT_OK;
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        struct kt_merge_input *v = realloc(in->v, cap * sizeof(*v));
        if (v == NULL) {
            return KT_ENOMEM;
        }
        in->v = v;
        in->cap = cap;
    }
    char *copy = strdup(path);
    if (copy == NULL) {
        return KT_ENOMEM;
    }
    in->has_stdin |= is_stdin;
    in->v[in->n++] = (struct kt_merge_input){.path = copy, .first_ms = INT64_MIN};
    return KT_OK;
}

static void free_inputs(struct input_list *in)
{
    for (size_t i = 0; i < in->n; i++) {
        free((char *)in->v[i].path);
    }
    free(in->v);
}

/* A regular file can be looked at twice; a pipe or device cannot. */
static bool rereadable(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The time of a file's first event, or INT64_MIN when it has none (or cannot be re-read), and
 * its format. cur is the probe cursor, kept across files for its parser. */
static enum kt_rc probe_first_time(struct kt_pipeline *pl, struct cursor *cur,
                                   struct kt_merge_input *in)
{
    in->first_ms = INT64_MIN;
    if (!rereadable(in->path)) {
        return KT_OK;
    }
    bool ready;
    enum kt_rc rc = cursor_open(pl, cur, in->path, true, false, NULL, false, &ready);
    if (rc != KT_OK || !ready) {
        return rc;
    }
    in->format = cur->parser.fmt;
    in->json_stream = cur->stream;
    if (cursor_next(pl, cur)) {
        in->first_ms = cur->ev.time_ms;
    }
    cursor_close(pl, cur);
    return KT_OK;
}

/* Opens the input of the given rank and primes its first event; pushes it when it has one
 * (*pushed), else the slot is free again. */
static enum kt_rc open_next(struct kt_pipeline *pl, struct kt_merge_heap *heap, struct cursor *slot,
                            const struct kt_merge_input *in, size_t rank, bool prefetch,
                            bool *pushed)
{
    *pushed = false;
    bool ready;
    enum kt_rc rc =
        cursor_open(pl, slot, in->path, false, prefetch, in->format, in->json_stream, &ready);
    if (rc != KT_OK || !ready) {
        return rc;
    }
    if (cursor_next(pl, slot)) {
        *pushed = kt_merge_heap_push(heap, slot->ev.time_ms, rank, slot);
    } else {
        cursor_close(pl, slot);
    }
    return pl->stop;
}

/* Open inputs that have a read-ahead thread. */
static long prefetching(const struct cursor *slots, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++) {
        k += slots[i].prefetch != NULL;
    }
    return k;
}

/*
 * Reads the ranked inputs as one stream in event time (merge.h): a file is opened when the
 * merge front reaches its first event, at most KT_MERGE_MAX_OPEN at once; the open file with
 * the earliest next event gives the next event.
 */
static enum kt_rc merge_inputs(struct kt_pipeline *pl, const struct input_list *in)
{
    size_t cap = in->n < KT_MERGE_MAX_OPEN ? in->n : KT_MERGE_MAX_OPEN;
    if (cap == 0) {
        return KT_OK;
    }
    struct kt_merge_heap heap;
    struct cursor *slots = calloc(cap, sizeof(*slots));
    struct cursor **free_slots = calloc(cap, sizeof(*free_slots));
    if (slots == NULL || free_slots == NULL || kt_merge_heap_init(&heap, cap) != KT_OK) {
        free(slots);
        free(free_slots);
        return KT_ENOMEM;
    }
    size_t n_free = 0;
    for (size_t i = cap; i-- > 0;) {
        free_slots[n_free++] = &slots[i];
    }
    enum kt_rc rc = KT_OK;
    size_t next = 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cores = cores < HUNT_PREFETCH_MAX ? cores : HUNT_PREFETCH_MAX;
    for (;;) {
        int64_t front = 0;
        struct cursor *top = kt_merge_heap_top(&heap, &front);
        /* Open what the front has reached: every file due before the earliest open event. */
        while (rc == KT_OK && next < in->n && n_free > 0 &&
               (top == NULL || in->v[next].first_ms <= front)) {
            /* Only a file opened while no other is open gets the read-ahead thread: with several
             * open, each would take one, and the cores are shared anyway. A hunt is the
             * exception: its reading thread only searches, so decompression is all the work,
             * and each core may decompress one of the files open together. */
            bool prefetch = top == NULL || (prefilter_on(pl) && prefetching(slots, cap) < cores);
            struct cursor *slot = free_slots[--n_free];
            bool pushed;
            rc = open_next(pl, &heap, slot, &in->v[next], next, prefetch, &pushed);
            if (!pushed) {
                free_slots[n_free++] = slot;
            }
            next++;
            top = kt_merge_heap_top(&heap, &front);
        }
        if (rc != KT_OK || top == NULL) {
            break;
        }
        deliver(pl, top);
        if (pl->stop != KT_OK) {
            rc = pl->stop;
            break;
        }
        if (cursor_next(pl, top)) {
            kt_merge_heap_rekey_top(&heap, top->ev.time_ms);
        } else {
            kt_merge_heap_pop(&heap);
            cursor_close(pl, top);
            free_slots[n_free++] = top;
            if (pl->stop != KT_OK) {
                rc = pl->stop;
                break;
            }
        }
    }
    for (size_t i = 0; i < cap; i++) {
        cursor_release(pl, &slots[i]); /* open ones too, when the run stopped early */
    }
    kt_merge_heap_fini(&heap);
    free(slots);
    free(free_slots);
    return rc;
}

/* ---- live input (watch) ---- */

struct kt_pipeline_live {
    struct cursor cur;
    uint64_t unrecognised; /* lines read before the format was known */
};

enum kt_rc kt_pipeline_live_new(struct kt_pipeline *pl, const char *name,
                                struct kt_pipeline_live **out)
{
    struct kt_pipeline_live *lv = calloc(1, sizeof(*lv));
    if (lv == NULL) {
        return KT_ENOMEM;
    }
    lv->cur.path = name;
    lv->cur.name = strcmp(name, "-") == 0 ? "(stdin)" : name;
    lv->cur.last_ms = INT64_MIN;
    pl->stats.files++;
    *out = lv;
    return KT_OK;
}

void kt_pipeline_live_free(struct kt_pipeline *pl, struct kt_pipeline_live *lv)
{
    if (lv != NULL) {
        cursor_release(pl, &lv->cur);
        free(lv);
    }
}

/* The format of a live source: forced, or detected from the first line that fits one. */
static bool live_format(struct kt_pipeline *pl, struct kt_pipeline_live *lv, struct kt_str line)
{
    const struct kt_format *fmt = pl->opts.format;
    bool stream = false;
    if (fmt == NULL) {
        fmt = kt_format_detect(line, pl->states, &stream);
    }
    if (fmt == NULL || stream) {
        if (lv->unrecognised++ == 0) {
            struct kt_err err;
            kt_err_at(&err, KT_EFORMAT, lv->cur.name, 0,
                      "format not recognised yet: lines count as malformed until one of a known "
                      "line format arrives (use --format to force one)");
            warn(pl, &err);
        }
        return false;
    }
    struct kt_err err;
    if (kt_parser_init(&lv->cur.parser, fmt, pl->states[format_index(pl, fmt)], pl->opts.max_record,
                       &err) != KT_OK) {
        return false;
    }
    lv->cur.parser_ready = true;
    return true;
}

enum kt_rc kt_pipeline_live_line(struct kt_pipeline *pl, struct kt_pipeline_live *lv,
                                 uint64_t line_no, struct kt_str text, bool oversize,
                                 kt_event_fn on_event, void *ctx)
{
    struct cursor *cur = &lv->cur;
    pl->on_event = on_event;
    pl->ctx = ctx;
    pl->stop = KT_OK;
    pl->stats.bytes_in += text.len + 1;
    pl->stats.bytes_out += text.len + 1;
    if (oversize) {
        count_bad(pl, cur, KT_BAD_TOO_LONG, line_no, NULL);
        return KT_OK;
    }
    if (kt_str_trim(text).len == 0) {
        return KT_OK; /* blank lines are not records, as in files */
    }
    if (!cur->parser_ready && !live_format(pl, lv, text)) {
        count_bad(pl, cur, KT_BAD_SYNTAX, line_no, NULL);
        return KT_OK;
    }
    struct kt_record rec = {.text = text, .line = line_no, .index = line_no};
    if (parse_record(pl, cur, &rec) == PARSED_EVENT) {
        deliver(pl, cur);
    }
    return pl->stop;
}

static void walk_error(void *ctx, const struct kt_err *err)
{
    struct input_list *in = ctx;
    in->pl->stats.files_unreadable++;
    warn(in->pl, err);
}

/* Whether the whole-file prefilter is worth a file: every small regular file (the probe would
 * decompress most of it anyway), and a large one only when it is a JSON document, whose records
 * the line filter cannot tell apart. A large line file is filtered line by line instead: in one
 * that holds a needle the search would only decompress its head twice. */
static bool worth_prescan(const struct kt_merge_input *in, bool probed)
{
    struct stat st;
    if (strcmp(in->path, "-") == 0 || stat(in->path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return false;
    }
    bool small = (uint64_t)st.st_size < PRESCAN_SMALL_FILE;
    return probed ? !small && in->json_stream : small;
}

/* Drops the files that hold no needle from the run (prescan.h), reading them on every core when
 * threads allow. Before the probes (probed false) it looks at the small files, after them at
 * the large JSON documents. */
static enum kt_rc prefilter_files(struct kt_pipeline *pl, struct input_list *in, bool probed)
{
    if (in->n == 0) {
        return KT_OK;
    }
    const char **paths = malloc(in->n * sizeof(*paths));
    size_t *which = malloc(in->n * sizeof(*which));
    bool *skip = malloc(in->n * sizeof(*skip));
    if (paths == NULL || which == NULL || skip == NULL) {
        free(paths);
        free(which);
        free(skip);
        return KT_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (worth_prescan(&in->v[i], probed)) {
            which[n] = i;
            paths[n++] = in->v[i].path;
        }
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = pl->opts.threads >= 2 && cores > 1 ? (unsigned)cores : 1;
    enum kt_rc rc =
        kt_prescan_files(paths, n, pl->opts.prefilter, &pl->opts.source, threads, skip);
    if (rc == KT_OK) {
        size_t kept = 0, k = 0;
        for (size_t i = 0; i < in->n; i++) {
            bool drop = k < n && which[k] == i && skip[k];
            k += k < n && which[k] == i;
            if (drop) {
                free((char *)in->v[i].path);
                pl->stats.files_prefiltered++;
                note_prefiltered(pl);
            } else {
                in->v[kept++] = in->v[i];
            }
        }
        in->n = kept;
    }
    free(paths);
    free(which);
    free(skip);
    return rc;
}

enum kt_rc kt_pipeline_run(struct kt_pipeline *pl, char *const *paths, size_t n_paths,
                           kt_event_fn on_event, void *ctx, struct kt_err *err)
{
    pl->on_event = on_event;
    pl->ctx = ctx;
    pl->stop = KT_OK;
    pl->last_progress_ms = now_ms();
    pl->prefiltered = false;
    struct input_list in = {.pl = pl};
    struct kt_walk_seen *seen = NULL;
    enum kt_rc rc = kt_walk_seen_new(&seen);
    for (size_t i = 0; i < n_paths && rc == KT_OK; i++) {
        rc = kt_walk(paths[i], seen, collect_file, walk_error, &in);
    }
    pl->stats.files_duplicate += kt_walk_seen_skipped(seen);
    kt_walk_seen_free(seen);
    if (rc == KT_OK && prefilter_on(pl)) {
        rc = prefilter_files(pl, &in, false);
    }
    struct cursor probe = {0};
    for (size_t i = 0; i < in.n && rc == KT_OK; i++) {
        rc = probe_first_time(pl, &probe, &in.v[i]);
    }
    cursor_release(pl, &probe);
    if (rc == KT_OK && prefilter_on(pl)) {
        rc = prefilter_files(pl, &in, true);
    }
    if (rc == KT_OK && in.n > 0) {
        qsort(in.v, in.n, sizeof(*in.v), kt_merge_input_cmp);
        rc = merge_inputs(pl, &in);
    }
    free_inputs(&in);
    if (rc != KT_OK) {
        if (err != NULL) {
            if (pl->stop != KT_OK) {
                *err = pl->stop_err;
            } else {
                kt_err_set(err, rc, "%s", kt_strerror(rc));
            }
        }
        return rc;
    }
    if (pl->stats.files_duplicate > 0) {
        struct kt_err dup;
        kt_err_set(&dup, KT_OK,
                   "%" PRIu64 " input%s skipped: already read through another path (a symbolic "
                   "or hard link, or named twice)",
                   pl->stats.files_duplicate, pl->stats.files_duplicate == 1 ? "" : "s");
        warn(pl, &dup);
    }
    return KT_OK;
}
