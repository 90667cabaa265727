/*
 * Record splitting: turns a source's decompressed bytes into records, in bounded memory.
 *
 * Two modes:
 *  - lines: one record per line ("\n" or "\r\n"); blank lines are skipped. A line longer than
 *    max_record is skipped and reported once as an oversize record (text empty).
 *  - json: a stream of JSON values: a top-level array of records ("[{...},{...}]"), CloudTrail's
 *    {"Records":[...]} wrapper (records are streamed one at a time, even when the whole file is
 *    one multi-megabyte line), or concatenated / pretty-printed objects. The splitter does not
 *    find where a value ends itself: that would scan every byte twice. It hands out an *open*
 *    view from the start of the next value to the end of the buffer; the format parser, which
 *    scans the value anyway, reports how many bytes it consumed (kt_splitter_advance) or that
 *    the value runs past the buffer (kt_splitter_need_more). A value the parser rejects is
 *    stepped over by json_resync.h's structural scan, which stops at the next record: a bad
 *    record costs only itself, in every layout. An element that does not follow a ',' (a
 *    missing comma) is skipped the same way and handed out as a `misplaced` record.
 *
 * Every record carries its line, its index in the input and its byte offset, so a warning can
 * say where a record of a one-line file is.
 *
 * The buffer starts at min(max_record, 64 KiB) plus a 1 MiB read chunk and doubles, up to
 * max_record plus the chunk, only while a record does not fit; views are valid until the next
 * call.
 */
#ifndef KEYTRAIL_SPLITTER_H
#define KEYTRAIL_SPLITTER_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#include "source.h"

#define KT_MAX_RECORD_DEFAULT (1u << 20)

enum kt_split_mode {
    KT_SPLIT_LINES = 0,
    KT_SPLIT_JSON,
};

struct kt_record {
    struct kt_str text; /* the line, or (open) the bytes from the value's start on */
    uint64_t line;      /* 1-based line number where the record starts */
    uint64_t index;     /* 1-based position of the record in the input, bad ones included */
    uint64_t offset;    /* byte offset of the record's first byte in the (decompressed) input */
    bool oversize;      /* longer than max_record: skipped, text is empty */
    bool misplaced;     /* json mode: a value where a ',' or ']' belonged: skipped, text empty */
    bool open;          /* json mode: text may extend past the value; see kt_splitter_advance */
    bool at_eof;        /* json mode: no more bytes will follow text (an incomplete value is
                           truncated for good) */
};

struct kt_splitter;

/* max_record 0 means KT_MAX_RECORD_DEFAULT. Does not take ownership of src. KT_ENOMEM. */
enum kt_rc kt_splitter_new(struct kt_splitter **out, struct kt_source *src, size_t max_record,
                           struct kt_err *err);
void kt_splitter_free(struct kt_splitter *sp);

/*
 * Fills the buffer until it holds a complete first line, or max_record bytes, or the input
 * ends, and returns a view of the buffered bytes for format detection. Call before the first
 * kt_splitter_next. Returns KT_OK (prefix may be empty for empty input) or the source's error.
 */
enum kt_rc kt_splitter_peek(struct kt_splitter *sp, struct kt_str *prefix, struct kt_err *err);

/*
 * Discards the first buffered line, which kt_splitter_peek found longer than max_record, so
 * format detection can look past it. Returns the dropped line's number; the caller counts it.
 */
uint64_t kt_splitter_drop_line(struct kt_splitter *sp);

void kt_splitter_set_mode(struct kt_splitter *sp, enum kt_split_mode mode);
/*
 * Lines mode: at the end of input, a last line without its newline is not handed out (a line
 * still being written to a growing log); kt_splitter_consumed then ends before it. For inputs
 * read again later from that offset (ledger.h).
 */
void kt_splitter_hold_partial(struct kt_splitter *sp);
/* Offset in the input after the last record handed out (after KT_END: everything read but a
 * held-back line). */
uint64_t kt_splitter_consumed(const struct kt_splitter *sp);
/* The number of the next line (1 at the start), and setting it for an input read on from the
 * middle (so warnings name the file's own line numbers). */
uint64_t kt_splitter_line(const struct kt_splitter *sp);
void kt_splitter_set_line(struct kt_splitter *sp, uint64_t line);

/* Reads through fn (kt_source_read's contract) instead of the source itself: the read-ahead
 * thread (prefetch.h). Call before kt_splitter_peek. */
typedef enum kt_rc (*kt_read_fn)(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err);
void kt_splitter_set_reader(struct kt_splitter *sp, kt_read_fn fn, void *ctx);

/*
 * Produces the next record. Returns KT_OK with *rec filled; KT_END at the end of input; or, once,
 * the source's damage code (KT_ETRUNCATED, KT_ECORRUPT, KT_ELIMIT, KT_EIO, with err filled) after
 * every record before the damage was produced; KT_END after that. KT_ENOMEM (err filled) when
 * the buffer could not grow to hold a record; the rest of the input is not read.
 * In json mode an open record must be followed by kt_splitter_advance or kt_splitter_need_more
 * (or kt_splitter_skip_bad) before the next call.
 */
enum kt_rc kt_splitter_next(struct kt_splitter *sp, struct kt_record *rec, struct kt_err *err);

/* json mode: the parser consumed n bytes of the open record's text. */
void kt_splitter_advance(struct kt_splitter *sp, size_t n);

/*
 * json mode: the value did not end within the open view. The next kt_splitter_next reads more
 * and hands out a longer view (with at_eof set when no more will come); if the value already
 * spans max_record bytes it is skipped as oversize instead.
 */
void kt_splitter_need_more(struct kt_splitter *sp);

/*
 * json mode: the value is invalid (or truncated for good). The next kt_splitter_next steps over
 * it to the next record (json_resync.h): the next element of the array it is in, or the next
 * top-level value. The caller counts the bad record; the splitter hands out nothing for it.
 */
void kt_splitter_skip_bad(struct kt_splitter *sp);

/*
 * Returns, once, damage the source reported that kt_splitter_next has not returned yet (with
 * err filled), or KT_OK. For a caller that stops reading early, e.g. because the format of
 * the few bytes decoded before the damage is not recognised.
 */
enum kt_rc kt_splitter_take_damage(struct kt_splitter *sp, struct kt_err *err);

uint64_t kt_splitter_oversize(const struct kt_splitter *sp); /* records skipped as too long */
size_t kt_splitter_capacity(const struct kt_splitter *sp);   /* current buffer size, bytes */

#endif
