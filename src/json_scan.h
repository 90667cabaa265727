/*
 * A targeted, zero-copy JSON scanner for the hot path.
 *
 * Parsing every log line into a json-c DOM costs more than decompressing it, so records are
 * scanned once: the scanner validates the whole value strictly (RFC 8259, as json-c's strict
 * mode does), descends only into the object members named by a compiled path table, captures
 * those values as views, and skips everything else. Results must agree with json-c on every
 * input: same accept/reject decision, same captured values (tests compare them on samples and on
 * fuzzed input).
 *
 * Member names are matched ASCII-case-insensitively ("Authorization" and "authorization" are the
 * same header). When a name occurs twice in one object the last one wins, as in json-c.
 * Nesting deeper than KT_JSON_MAX_DEPTH is rejected with KT_JSON_TOO_DEEP.
 */
#ifndef KEYTRAIL_JSON_SCAN_H
#define KEYTRAIL_JSON_SCAN_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#define KT_JSON_MAX_DEPTH 64
#define KT_JSON_MAX_PATHS 128

enum kt_json_type {
    KT_JSON_NONE = 0, /* not present */
    KT_JSON_STRING,
    KT_JSON_NUMBER,
    KT_JSON_TRUE,
    KT_JSON_FALSE,
    KT_JSON_NULL,
    KT_JSON_OBJECT,
    KT_JSON_ARRAY,
};

struct kt_json_val {
    enum kt_json_type type;
    bool escaped;      /* a string that holds backslash escapes: decode with kt_json_unescape */
    struct kt_str raw; /* strings: the bytes between the quotes, undecoded;
                          other types: the value's own text ("12.5", "true", "{...}") */
};

enum kt_json_status {
    KT_JSON_OK = 0,
    KT_JSON_INCOMPLETE, /* the text ends inside the value: more bytes may complete it */
    KT_JSON_INVALID,    /* not valid JSON */
    KT_JSON_TOO_DEEP,   /* nesting over KT_JSON_MAX_DEPTH */
    KT_JSON_NOT_OBJECT, /* valid JSON, but kt_json_extract needs an object */
};

/* A compiled set of dotted member paths, e.g. "request.headers.authorization". */
struct kt_json_paths;

/*
 * Compiles n paths (n <= KT_JSON_MAX_PATHS); path i fills slot i of kt_json_extract. A path is
 * member names joined by '.'; a name may not be empty. Returns KT_OK, KT_EINVAL for a bad path
 * or too many, KT_ENOMEM. Free with kt_json_paths_free (NULL allowed).
 */
enum kt_rc kt_json_paths_new(struct kt_json_paths **out, const char *const *paths, size_t n);
void kt_json_paths_free(struct kt_json_paths *paths);
size_t kt_json_paths_count(const struct kt_json_paths *paths);

/*
 * Scans one JSON object at text[0..len) (leading whitespace allowed), validating all of it.
 * slots must have kt_json_paths_count(paths) entries; every slot is reset first, then filled
 * for each path present. *consumed is set to the offset just past the object (trailing
 * whitespace is not consumed). On anything but KT_JSON_OK the slots are unspecified.
 */
enum kt_json_status kt_json_extract(const struct kt_json_paths *paths, const char *text,
                                    size_t len, struct kt_json_val *slots, size_t *consumed);

/*
 * Validates the one JSON value (of any type) at text[0..len), leading whitespace allowed, and
 * sets *consumed to the offset just past it. Same status values as kt_json_extract, except
 * that any value type is accepted.
 */
enum kt_json_status kt_json_skip(const char *text, size_t len, size_t *consumed);

/*
 * Decodes the body of a JSON string (raw, as captured) into out, which must have room for
 * raw.len bytes (decoding never grows). \uXXXX becomes UTF-8; surrogate pairs are combined; a
 * lone surrogate becomes U+FFFD, as json-c does. Returns the decoded length.
 */
size_t kt_json_unescape(struct kt_str raw, char *out);

/* The value as a decoded string view: raw when not escaped, else decoded into scratch (room for
 * raw.len bytes). Non-string values give their raw text. */
struct kt_str kt_json_str(const struct kt_json_val *val, char *scratch);

/* Parses an integer or decimal number value; returns false when val is not a number in range.
 * Fractions are truncated toward zero. */
bool kt_json_int(const struct kt_json_val *val, int64_t *out);

#endif
