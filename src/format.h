/*
 * Log formats: one const struct each, listed in one registry that also drives --list-formats.
 *
 * A format probes a record (how well does it fit, 0..100) and parses a record into a kt_event.
 * Detection runs the probes over the first records of a file and keeps the best; a format is
 * accepted only if those records actually parse (as GoAccess does), so a README or a digest
 * file in a log folder is refused rather than misread.
 *
 * Parsers are zero-copy: event views point into the record, or into the parser's per-record
 * scratch when a value had to be decoded (JSON or log escapes).
 */
#ifndef KEYTRAIL_FORMAT_H
#define KEYTRAIL_FORMAT_H

#include <keytrail/common.h>
#include <keytrail/error.h>
#include <keytrail/event.h>

/* Why a record was skipped. Append-only: names appear in summaries and tests. */
enum kt_bad {
    KT_BAD_NONE = 0,
    KT_BAD_TOO_LONG,   /* longer than the record cap */
    KT_BAD_BINARY,     /* NUL or other control bytes where text belongs */
    KT_BAD_JSON,       /* not valid JSON */
    KT_BAD_NOT_OBJECT, /* JSON, but not an object */
    KT_BAD_TOO_DEEP,   /* JSON nested deeper than the cap */
    KT_BAD_TRUNCATED,  /* JSON value cut short by the end of input */
    KT_BAD_NO_TIME,    /* no timestamp field */
    KT_BAD_TIME,       /* a timestamp that does not parse */
    KT_BAD_SYNTAX,     /* a text line that does not match the format's layout */
    KT_BAD_REQUEST,    /* an HTTP request line that is not "METHOD URI [PROTOCOL]" */
    KT_BAD_STATUS,     /* an HTTP status that is not a number in 100..599 */
    KT_BAD_INCOMPLETE, /* json mode only: the value runs past the buffer (not counted) */
    KT_BAD__COUNT
};

/* Short stable name: "too_long", "binary", "json", ... */
const char *kt_bad_name(enum kt_bad bad);

/* A --field override for the jsonl format: ROLE=json.path. */
struct kt_field_override {
    const char *role;
    const char *path;
};

struct kt_format_opts {
    const struct kt_field_override *fields;
    size_t n_fields;
};

struct kt_parser;

struct kt_format {
    const char *name;
    const char *aliases;   /* space-separated other names, or NULL */
    const char *summary;
    bool json;             /* records are JSON values (json splitting is allowed) */
    /* Builds per-run state (compiled field paths); NULL when the format needs none. */
    enum kt_rc (*init)(const struct kt_format_opts *opts, void **state, struct kt_err *err);
    void (*fini)(void *state);
    /* How well one record fits, 0 (not at all) .. 100. Must not touch the parser's scratch. */
    int (*probe)(void *state, struct kt_str record);
    /*
     * Optional, for the message when no format fits: false when the record is not of this
     * format's syntax at all, else true with *lacks holding a bit (1 << i) for each of needs[i]
     * the record does not have. needs is a NULL-terminated list of what a record of this format
     * must hold ("time", ...).
     */
    bool (*lacks)(void *state, struct kt_str record, unsigned *lacks);
    const char *const *needs;
    /*
     * Parses one record into ev (already reset). *consumed gets the bytes the record used (JSON
     * formats; for lines it is the whole text). Returns KT_BAD_NONE, a reason, or
     * KT_BAD_INCOMPLETE when an open JSON view ends inside the value.
     */
    enum kt_bad (*parse)(struct kt_parser *p, struct kt_str record, struct kt_event *ev,
                         size_t *consumed);
};

/* The parser instance: a format, its state and a per-record scratch arena. */
struct kt_parser {
    const struct kt_format *fmt;
    void *state;
    char *scratch;
    size_t scratch_cap;
    size_t scratch_used;
    size_t scratch_peak; /* the most ever used: what fini wipes */
};

/* The registry, in detection priority order (specific formats first). */
const struct kt_format *const *kt_formats(size_t *count);

/* Finds a format by name or alias; NULL when unknown. */
const struct kt_format *kt_format_find(const char *name);

/*
 * Detects the format of a file from the first bytes of its content (prefix): probes the first
 * records (up to 16) with every format and keeps the best-scoring one whose records parse.
 * Returns NULL when nothing fits. *json_stream is set when the content is a JSON array, the
 * CloudTrail {"Records":[...]} wrapper, or pretty-printed JSON, so records must be split as a
 * JSON stream rather than by lines. states holds each registered format's init state (same
 * order as kt_formats).
 */
const struct kt_format *kt_format_detect(struct kt_str prefix, void *const *states,
                                         bool *json_stream);

/*
 * Why kt_format_detect found nothing in prefix, when a format comes close: writes "closest is
 * jsonl, but its records have no time and no client address or credential field" (what most
 * of the first records lack) into why (cap bytes, truncated) and returns true. Returns false
 * when the first records are not of any format's syntax (a README, a binary file).
 */
bool kt_format_explain(struct kt_str prefix, void *const *states, char *why, size_t cap);

/* Whether JSON content must be split as a stream of values (a top-level array, CloudTrail's
 * {"Records":[...]} wrapper, values spanning lines) rather than by lines. Layout only: no
 * format is probed. */
bool kt_format_json_stream(struct kt_str prefix);

/*
 * Creates a parser for fmt with its scratch sized for records of up to max_record bytes.
 * state is borrowed from the caller (the format's init result).
 */
enum kt_rc kt_parser_init(struct kt_parser *p, const struct kt_format *fmt, void *state,
                          size_t max_record, struct kt_err *err);
void kt_parser_fini(struct kt_parser *p);

/* Per-record scratch: n bytes, or NULL when the record's scratch is exhausted. */
char *kt_parser_scratch(struct kt_parser *p, size_t n);

static inline void kt_parser_begin(struct kt_parser *p)
{
    p->scratch_used = 0;
}

#endif
