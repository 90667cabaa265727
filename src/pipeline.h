/*
 * The pipeline: paths -> sources -> records -> events -> credentials -> the command's callback.
 *
 * One pass, one thread, bounded memory. Bad input never stops a run: unreadable paths, damaged
 * archives and malformed records are counted in the run statistics and reported through the
 * warning callback (file and line, never content), and the run goes on with the next record or
 * file. Only a failing callback (e.g. stdout closed) or running out of memory stops it.
 */
#ifndef KEYTRAIL_PIPELINE_H
#define KEYTRAIL_PIPELINE_H

#include <keytrail/event.h>

#include "format.h"
#include "ledger.h"
#include "needles.h"
#include "runstats.h"
#include "source.h"

struct kt_pipeline_opts {
    const struct kt_format *format;   /* NULL: detect per file */
    struct kt_format_opts format_opts;
    size_t max_record;                /* 0: KT_MAX_RECORD_DEFAULT */
    struct kt_source_opts source;
    size_t cred_cache_entries;        /* 0: default */
    unsigned threads;                 /* 1: one thread; 2: decompress regular files on a second
                                         thread; 0: 2 when the machine has two cores or more */
    /* The consumed-inputs ledger (--state): files or parts of files it holds are skipped, and
     * what is read is recorded in it. NULL: read everything, record nothing. With reprocess
     * everything is read again (and recorded). */
    struct kt_ledger *ledger;
    bool reprocess;
    /* Hunts: records that contain none of these needles are skipped unparsed (needles.h).
     * NULL: every record is parsed. Borrowed; it may grow during the run (from the callback).
     * Regular files are first searched whole, on every core when threads >= 2, and those
     * without a needle are not read at all (the only filter for a JSON document such as a
     * CloudTrail file, read whole when it holds a needle); then each line of the others is
     * searched before it is parsed. Line numbers are the file's own. With a prefilter the
     * ledger is neither consulted nor written: a hunt reads everything it is given, and what
     * it filtered out was not consumed. */
    const struct kt_needles *prefilter;
    /* Warnings (unreadable files, damage, the first malformed records). May be NULL. */
    void (*warn)(void *ctx, const struct kt_err *err);
    void *warn_ctx;
    /* Called every few hundred milliseconds of a long run (progress line). May be NULL. */
    void (*progress)(void *ctx, const struct kt_run_stats *st, const char *current_file);
    void *progress_ctx;
};

/* Receives each event; a non-OK return stops the run and is returned by kt_pipeline_run. */
typedef enum kt_rc (*kt_event_fn)(void *ctx, const struct kt_event *ev);

struct kt_pipeline;

/* Validates options (format init, --field paths). KT_EUSAGE/KT_ENOMEM with err filled. */
enum kt_rc kt_pipeline_new(struct kt_pipeline **out, const struct kt_pipeline_opts *opts,
                           struct kt_err *err);
void kt_pipeline_free(struct kt_pipeline *pl);

/*
 * Runs over the paths as one stream in event time: the files they hold are ranked by the time
 * of their first event and merged event by event (merge.h), so the order of the paths does not
 * change the events' order. Returns KT_OK when every
 * path was processed, whatever damage was found (see kt_pipeline_stats), or the error that
 * stopped the run (a callback's rc, KT_ENOMEM).
 */
enum kt_rc kt_pipeline_run(struct kt_pipeline *pl, char *const *paths, size_t n_paths,
                           kt_event_fn on_event, void *ctx, struct kt_err *err);

const struct kt_run_stats *kt_pipeline_stats(const struct kt_pipeline *pl);

/*
 * After a prefiltered run: whether records or files were skipped with a needle set that grew
 * later in the run (a hunt that found a new key), so the needles added could have let some of
 * them through. Lines read after the growth were searched with the grown set, but what was
 * skipped before cannot be handed out again in time order: the caller runs again with the set
 * as it is now for the complete answer (repeat until it is false).
 */
bool kt_pipeline_prefilter_stale(const struct kt_pipeline *pl);

/* Sets the ledger (see kt_pipeline_opts.ledger) after creation; the pipeline does not own it. */
void kt_pipeline_set_ledger(struct kt_pipeline *pl, struct kt_ledger *lg, bool reprocess);

/* Inputs the ledger said were read already (skipped whole), and bytes skipped in inputs read
 * from where the last run stopped. */
uint64_t kt_pipeline_ledger_skipped(const struct kt_pipeline *pl);
uint64_t kt_pipeline_ledger_resumed_bytes(const struct kt_pipeline *pl);

/*
 * Live input (watch): the lines of one followed file, handed in by the caller one at a time
 * instead of read by kt_pipeline_run. The format is the forced one, or detected from the first
 * line that fits a line format; lines before it are counted as malformed (one warning names
 * the file). Line formats only: a JSON stream (CloudTrail's {"Records":[...]} files) is not
 * followed. name is borrowed and must outlive the live source.
 */
struct kt_pipeline_live;

/* KT_OK or KT_ENOMEM. Counts one input file. */
enum kt_rc kt_pipeline_live_new(struct kt_pipeline *pl, const char *name,
                                struct kt_pipeline_live **out);
/* NULL is allowed. */
void kt_pipeline_live_free(struct kt_pipeline *pl, struct kt_pipeline_live *lv);

/*
 * One line (without its line break); oversize: the line was longer than --max-line and was
 * dropped (text is empty). A malformed line is counted and reported like one in a file; an
 * event goes through the credential stage to on_event at once. Returns KT_OK, the callback's
 * rc, or KT_ENOMEM.
 */
enum kt_rc kt_pipeline_live_line(struct kt_pipeline *pl, struct kt_pipeline_live *lv,
                                 uint64_t line_no, struct kt_str text, bool oversize,
                                 kt_event_fn on_event, void *ctx);

/*
 * Resolves an event's credential candidates (and the query string and path) into ev->creds
 * through the pipeline's cache. Exposed for commands that build events themselves and for tests.
 */
void kt_pipeline_resolve(struct kt_pipeline *pl, struct kt_parser *parser, struct kt_event *ev);

struct kt_jwt_keys;
/* Checks the signatures of JWTs of the issuers in keys (jwt_verify.h) as their records are
 * resolved. The pipeline takes keys over (and frees any it had); NULL turns the checks off. */
void kt_pipeline_set_jwt_keys(struct kt_pipeline *pl, struct kt_jwt_keys *keys);

#endif
