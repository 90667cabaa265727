/*
 * The pipeline (pipeline.h).
 *
 * Per file: open the source (compression sniffed from content), peek at the first records to
 * pick the format (unless forced) and the splitting mode, then stream records through the
 * format's parser, the credential stage and the callback. Damage the source reported is
 * surfaced however far the file was read, even when its format was not recognised. Formats and
 * parsers are set up once per run and reused across files; the walk's visited set lives for
 * one kt_pipeline_run, so each file is read once per run. The credential stage goes through a
 * cache keyed by a hash of each candidate, so the expensive work (SHA-256, JWT decoding) runs
 * once per distinct value.
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
#include "prefetch.h"
#include "textsniff.h"
#include "splitter.h"
#include "walk.h"

#define MAX_FORMATS 8
#define PROGRESS_EVERY_RECORDS 16384
#define PROGRESS_INTERVAL_MS 250
#define UNKNOWN_FORMAT_WARNINGS 5
/* Read-ahead ring: four 1 MiB buffers; small files are not worth a thread. */
#define PREFETCH_BUFFERS 4
#define PREFETCH_BUFFER (1u << 20)
#define PREFETCH_MIN_FILE (256 * 1024)

struct kt_pipeline {
    struct kt_pipeline_opts opts;
    const struct kt_format *const *formats;
    size_t n_formats;
    void *states[MAX_FORMATS];
    struct kt_parser parsers[MAX_FORMATS];
    bool parser_ready[MAX_FORMATS];
    struct kt_cred_cache *cache;
    struct kt_jwt_keys *jwt_keys; /* --jwt-secret, owned; may be NULL */
    struct kt_run_stats stats;
    struct kt_event ev;
    kt_event_fn on_event;
    void *ctx;
    enum kt_rc stop;
    struct kt_err stop_err;
    uint64_t next_progress_check;
    int64_t last_progress_ms;
    struct kt_source *current; /* for progress: bytes of the file being read */
    bool stream;               /* the current file is split as a JSON stream */
    struct kt_prefetch *prefetch; /* the current file's read-ahead, when on */
    uint64_t ledger_skipped, ledger_resumed;
};

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
    rc = kt_cred_cache_new(&pl->cache, opts->cred_cache_entries ? opts->cred_cache_entries
                                                                 : 16384);
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
        if (pl->parser_ready[i]) {
            kt_parser_fini(&pl->parsers[i]);
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
            size_t n = kt_cred_find_in_query(ev->query, found, KT_EVENT_MAX_CANDS, scratch,
                                             ev->query.len);
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

static void maybe_progress(struct kt_pipeline *pl, const char *file)
{
    if (pl->opts.progress == NULL || pl->stats.records < pl->next_progress_check) {
        return;
    }
    pl->next_progress_check = pl->stats.records + PROGRESS_EVERY_RECORDS;
    int64_t t = now_ms();
    if (t - pl->last_progress_ms >= PROGRESS_INTERVAL_MS) {
        pl->last_progress_ms = t;
        /* Completed files are in the totals; add what the current one decoded so far. */
        struct kt_run_stats shown = pl->stats;
        if (pl->prefetch != NULL) {
            shown.bytes_out += kt_prefetch_bytes_out(pl->prefetch); /* the thread owns the rest */
        } else if (pl->current != NULL) {
            shown.bytes_in += kt_source_bytes_in(pl->current);
            shown.bytes_out += kt_source_bytes_out(pl->current);
        }
        pl->opts.progress(pl->opts.progress_ctx, &shown, file);
    }
}

/*
 * Counts a malformed record; the first few are reported at file:line and, in a JSON stream
 * (where one line may hold a whole file of records), with the record's index and byte offset.
 * rec is NULL for a line dropped during format detection.
 */
static void count_bad(struct kt_pipeline *pl, enum kt_bad bad, const char *file, uint64_t line,
                      const struct kt_record *rec)
{
    if (kt_run_stats_bad(&pl->stats, bad, file, line)) {
        struct kt_err err;
        kt_err_at(&err, KT_EFORMAT, file, line, "malformed record skipped (%s)",
                  kt_bad_name(bad));
        if (rec != NULL && pl->stream) {
            size_t used = strlen(err.where);
            snprintf(err.where + used, sizeof(err.where) - used,
                     " (record %" PRIu64 ", byte %" PRIu64 ")", rec->index, rec->offset);
        }
        warn(pl, &err);
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

/* Parses one record; returns false when the splitter must hand the same record out again. */
static bool handle_record(struct kt_pipeline *pl, struct kt_splitter *sp, struct kt_parser *parser,
                          const struct kt_record *rec, const char *file)
{
    struct kt_event *ev = &pl->ev;
    if (rec->oversize || rec->misplaced) {
        pl->stats.records++;
        count_bad(pl, rec->oversize ? KT_BAD_TOO_LONG : KT_BAD_JSON, file, rec->line, rec);
        return true;
    }
    kt_parser_begin(parser);
    kt_event_reset(ev);
    ev->file = file;
    ev->line = rec->line;
    size_t consumed = rec->text.len;
    enum kt_bad bad = parser->fmt->parse(parser, rec->text, ev, &consumed);
    if (rec->open) {
        if (bad == KT_BAD_INCOMPLETE) {
            if (!rec->at_eof) {
                kt_splitter_need_more(sp);
                return false;
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
    } else if ((bad == KT_BAD_NONE || bad == KT_BAD_NOT_OBJECT) && parser->fmt->json &&
               !only_ws(rec->text.ptr + consumed, rec->text.len - consumed)) {
        bad = KT_BAD_JSON; /* trailing bytes after the value on its line */
    }
    pl->stats.records++;
    if (bad != KT_BAD_NONE) {
        count_bad(pl, bad, file, rec->line, rec);
        return true;
    }
    kt_pipeline_resolve(pl, parser, ev);
    if (kt_run_stats_event(&pl->stats, ev) != KT_OK) {
        pl->stop = kt_err_set(&pl->stop_err, KT_ENOMEM, "out of memory");
        return true;
    }
    enum kt_rc rc = pl->on_event(pl->ctx, ev);
    kt_redact_record_end();
    if (rc != KT_OK) {
        pl->stop = rc;
        kt_err_set(&pl->stop_err, rc, "stopped: %s", kt_strerror(rc));
    }
    return true;
}

static struct kt_parser *parser_for(struct kt_pipeline *pl, const struct kt_format *fmt)
{
    size_t i = format_index(pl, fmt);
    if (!pl->parser_ready[i]) {
        struct kt_err err;
        if (kt_parser_init(&pl->parsers[i], fmt, pl->states[i], pl->opts.max_record, &err) !=
            KT_OK) {
            return NULL;
        }
        pl->parser_ready[i] = true;
    }
    return &pl->parsers[i];
}

static void damaged(struct kt_pipeline *pl, const struct kt_err *err)
{
    pl->stats.files_damaged++;
    warn(pl, err);
}

static enum kt_rc process_file(void *ctx, const char *path)
{
    struct kt_pipeline *pl = ctx;
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    struct kt_source *src = NULL;
    struct kt_splitter *sp = NULL;
    struct kt_ledger_input *lin = NULL;
    uint64_t base = 0;
    bool stream = false, fmt_known = false;
    const char *skipped = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_ledger_open(pl->opts.ledger, path, &pl->opts.source, pl->opts.reprocess,
                                   &src, &lin, &base, &skipped, &err);
    if (rc == KT_OK && src == NULL) {
        pl->ledger_skipped++;
        return KT_OK;
    }
    pl->ledger_resumed += base;
    if (rc != KT_OK) {
        if (rc == KT_ENOMEM) {
            return rc;
        }
        pl->stats.files_unreadable++;
        warn(pl, &err);
        return KT_OK;
    }
    pl->stats.files++;
    pl->current = src;
    rc = kt_splitter_new(&sp, src, pl->opts.max_record, &err);
    if (rc != KT_OK) {
        goto out;
    }
    struct stat st;
    if (pl->opts.threads >= 2 && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
        S_ISREG(st.st_mode) && (uint64_t)st.st_size > PREFETCH_MIN_FILE + base &&
        kt_prefetch_start(&pl->prefetch, src, PREFETCH_BUFFERS, PREFETCH_BUFFER) == KT_OK) {
        kt_splitter_set_reader(sp, kt_prefetch_read, pl->prefetch);
    }
    if (lin != NULL) {
        /* The ledger sees every byte the splitter reads (for the fingerprint of the last). */
        if (pl->prefetch != NULL) {
            kt_ledger_input_tap(lin, kt_prefetch_read, pl->prefetch);
        } else {
            kt_ledger_input_tap(lin, read_source, src);
        }
        kt_splitter_set_reader(sp, kt_ledger_read, lin);
        kt_splitter_set_line(sp, kt_ledger_input_first_line(lin));
        if (kt_ledger_input_hold_partial(lin)) {
            kt_splitter_hold_partial(sp);
        }
    }
    struct kt_str prefix;
    rc = kt_splitter_peek(sp, &prefix, &err);
    if (rc != KT_OK) {
        damaged(pl, &err);
        rc = KT_OK;
        goto out;
    }
    char why[128];
    if (kt_text_is_binary(prefix, pl->opts.max_record, why, sizeof(why))) {
        /* Not a log (/dev/zero would otherwise be skipped one over-long line at a time). */
        pl->stats.files_unknown++;
        kt_err_at(&err, KT_EFORMAT, name, 0, "%s: file skipped", why);
        warn(pl, &err);
        goto out;
    }
    const struct kt_format *fmt = pl->opts.format;
    if (fmt == NULL) {
        fmt = kt_format_detect(prefix, pl->states, &stream);
        /* An over-long first line hides the format: count it and look past it. */
        for (int tries = 0; fmt == NULL && tries < 4 && prefix.len >= pl->opts.max_record &&
                            memchr(prefix.ptr, '\n', prefix.len) == NULL;
             tries++) {
            uint64_t line = kt_splitter_drop_line(sp);
            pl->stats.records++;
            count_bad(pl, KT_BAD_TOO_LONG, name, line, NULL);
            rc = kt_splitter_peek(sp, &prefix, &err);
            if (rc != KT_OK) {
                damaged(pl, &err);
                rc = KT_OK;
                goto out;
            }
            fmt = kt_format_detect(prefix, pl->states, &stream);
        }
        if (fmt == NULL) {
            if (kt_splitter_take_damage(sp, &err) != KT_OK) {
                /* The input broke off before enough of it decoded to tell its format: the
                 * damage is the news, not the format. */
                damaged(pl, &err);
                goto out;
            }
            if (kt_str_trim(prefix).len > 0) {
                /* A folder of logs often holds a README or digests: name a few, not all. */
                if (++pl->stats.files_unknown <= UNKNOWN_FORMAT_WARNINGS) {
                    const char *more = pl->stats.files_unknown == UNKNOWN_FORMAT_WARNINGS
                                           ? "; further such files are only counted"
                                           : "";
                    char closest[160];
                    if (kt_format_explain(prefix, pl->states, closest, sizeof(closest))) {
                        /* JSON that only looks like a log: say what it lacks. */
                        kt_err_at(&err, KT_EFORMAT, name, 0,
                                  "not a known format: %s; file skipped (use --format and "
                                  "--field to read it)%s",
                                  closest, more);
                    } else {
                        kt_err_at(&err, KT_EFORMAT, name, 0,
                                  "format not recognised, file skipped (use --format to force "
                                  "one)%s",
                                  more);
                    }
                    warn(pl, &err);
                }
            }
            goto out;
        }
    } else if (fmt->json) {
        stream = kt_format_json_stream(prefix);
    }
    kt_splitter_set_mode(sp, stream ? KT_SPLIT_JSON : KT_SPLIT_LINES);
    pl->stream = stream;
    struct kt_parser *parser = parser_for(pl, fmt);
    if (parser == NULL) {
        rc = KT_ENOMEM;
        goto out;
    }
    fmt_known = true;
    for (;;) {
        struct kt_record rec;
        enum kt_rc r = kt_splitter_next(sp, &rec, &err);
        if (r == KT_END) {
            break;
        }
        if (r == KT_ENOMEM) {
            pl->stop = rc = KT_ENOMEM;
            pl->stop_err = err;
            break;
        }
        if (r != KT_OK) {
            damaged(pl, &err);
            break;
        }
        handle_record(pl, sp, parser, &rec, name);
        if (pl->stop != KT_OK) {
            rc = pl->stop;
            break;
        }
        maybe_progress(pl, name);
    }
out:
    kt_prefetch_stop(pl->prefetch);
    pl->prefetch = NULL;
    pl->current = NULL;
    if (lin != NULL) {
        /* Up to the last record handed out: a line still being written waits for next time. */
        uint64_t consumed = sp == NULL ? 0
                            : stream   ? KT_LEDGER_ALL
                                       : base + kt_splitter_consumed(sp);
        if (sp != NULL && !stream) {
            kt_ledger_input_set_line(lin, kt_splitter_line(sp));
        }
        if (kt_ledger_input_done(lin, consumed,
                                 stream ? KT_LEDGER_DOCUMENT : KT_LEDGER_LINES,
                                 rc == KT_OK && pl->stop == KT_OK && fmt_known) != KT_OK &&
            rc == KT_OK) {
            rc = KT_ENOMEM;
        }
    }
    if (src != NULL) {
        pl->stats.bytes_in += kt_source_bytes_in(src);
        pl->stats.bytes_out += kt_source_bytes_out(src);
    }
    kt_splitter_free(sp);
    kt_source_free(src);
    return rc;
}

static void walk_error(void *ctx, const struct kt_err *err)
{
    struct kt_pipeline *pl = ctx;
    pl->stats.files_unreadable++;
    warn(pl, err);
}

enum kt_rc kt_pipeline_run(struct kt_pipeline *pl, char *const *paths, size_t n_paths,
                           kt_event_fn on_event, void *ctx, struct kt_err *err)
{
    pl->on_event = on_event;
    pl->ctx = ctx;
    pl->stop = KT_OK;
    pl->last_progress_ms = now_ms();
    struct kt_walk_seen *seen = NULL;
    enum kt_rc rc = kt_walk_seen_new(&seen);
    for (size_t i = 0; i < n_paths && rc == KT_OK; i++) {
        rc = kt_walk(paths[i], seen, process_file, walk_error, pl);
    }
    pl->stats.files_duplicate += kt_walk_seen_skipped(seen);
    kt_walk_seen_free(seen);
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
