/*
 * Resynchronisation after a bad JSON record: where does the next record start?
 *
 * When a record in a JSON stream does not parse, the splitter must step over it without
 * losing the records around it: in a one-line CloudTrail delivery file the next record is on
 * the same line, so "skip to the next line" would drop the rest of the file. This scanner
 * walks forward from the bad value's first byte with a light structural scan that tracks only
 * strings, escapes and bracket nesting (no validation), and stops at the next record boundary:
 *
 *  - inside an array (KT_RESYNC_ARRAY): at the start of the next element ('{' after a ',' at
 *    the array's depth) or at the ']' that closes the array;
 *  - at the top level (KT_RESYNC_TOP): at the next '{' or '[' that starts a line or directly
 *    follows a closing bracket (concatenated, pretty-printed and line-delimited values).
 *
 * On valid JSON the scan stops exactly where a parser would, so the splitter also uses it to
 * step over values longer than the record cap. On damaged JSON a few repairs keep the damage
 * to the one record:
 *
 *  - a raw newline inside a string ends the string (JSON strings cannot hold one, and
 *    pretty-printed and line-delimited records are separated by newlines);
 *  - a byte that cannot appear outside a string (a letter other than those of true, false and
 *    null, '/', '@', ...) means a quote was lost: the scan treats it as inside a string, which
 *    puts string parity back in step at the next quote;
 *  - a '{' inside an object that does not follow a ':' (",{" or "{{", or at the top level a
 *    value and '{' after a newline) means the object lost its closing brace: the next record
 *    starts there (inside an array, only while the first member name below is unknown);
 *  - a ':' outside any object (at the array's depth, or directly in an array) means an object's
 *    '{' was lost or a '}' came early: the scan opens an object there;
 *  - a closer of the wrong kind closes up to its match; one with no match is stray and
 *    skipped;
 *  - for a value known to be damaged, an object that begins with the same member name as the
 *    bad value ('{"eventVersion":' in CloudTrail) is the next record, whatever the scan thinks
 *    of nesting and strings by then: records of one stream share their first member, and this
 *    finds the next one even when the damage threw the nesting off for good.
 *
 * The scan is incremental (feed bytes as they arrive) and fixed-size: nesting types are kept
 * for KT_RESYNC_STACK levels, deeper levels are only counted.
 */
#ifndef KEYTRAIL_JSON_RESYNC_H
#define KEYTRAIL_JSON_RESYNC_H

#include <keytrail/common.h>

#define KT_RESYNC_STACK 128
#define KT_RESYNC_NAME 48

enum kt_resync_ctx {
    KT_RESYNC_ARRAY = 0, /* the value is an element of an array */
    KT_RESYNC_TOP,       /* the value is at the top level */
};

enum kt_resync_stop {
    KT_RESYNC_MORE = 0, /* no boundary in the bytes given: feed more */
    KT_RESYNC_NEXT,     /* at the first byte of the next value (not consumed) */
    KT_RESYNC_CLOSE,    /* array: at the ']' that closes the array (not consumed) */
    KT_RESYNC_AFTER,    /* kt_resync_init_in_object: just past the object's closing brace */
};

struct kt_resync {
    enum kt_resync_ctx ctx;
    uint32_t depth;
    uint8_t last;     /* the last significant byte outside strings, as a class */
    uint8_t first;    /* the value's first significant byte (0 before it) */
    bool in_string;
    bool escape;
    bool newline;     /* a newline since the last significant byte */
    bool stop_after;  /* stop just past the closer that returns to depth 0 */
    bool damaged;     /* the value is invalid: learn and look for its first member name */
    uint8_t name_len; /* that name's length, 0 when unknown */
    char name[KT_RESYNC_NAME];
    uint64_t scanned; /* bytes consumed since kt_resync_init */
    char stack[KT_RESYNC_STACK];
};

/*
 * Starts a scan at the first byte of a value (leading whitespace allowed). damaged: the value
 * is known to be invalid (see the last repair above); false for a valid value that is only too
 * long, which must end exactly where it ends.
 */
void kt_resync_init(struct kt_resync *rs, enum kt_resync_ctx ctx, bool damaged);

/*
 * Starts a scan that is already inside one object at the top level, after a ',' between its
 * members: it stops just past that object's closing brace (KT_RESYNC_AFTER). For the members of
 * CloudTrail's wrapper that follow "Records".
 */
void kt_resync_init_in_object(struct kt_resync *rs);

/*
 * Scans p[0..n) and sets *used to the bytes consumed. Returns where it stopped; see the enum.
 * On KT_RESYNC_MORE it may leave a few bytes unconsumed (an object's opening whose first member
 * name runs past p + n): pass them again, with more after them, unless final says that no more
 * will come. Never reports a boundary before the value's first byte, so a caller cannot loop
 * on one value.
 */
enum kt_resync_stop kt_resync_step(struct kt_resync *rs, const char *p, size_t n, bool final,
                                   size_t *used);

/*
 * Forgets the nesting and string state (after a scan ran longer than the record cap without
 * finding a boundary) and goes on as if at the array's depth, looking for the next element.
 */
void kt_resync_reset(struct kt_resync *rs);

/*
 * For a buffer that starts at a value: moves *s to the start of the value after it (skipping
 * whitespace and separators). Returns false when there is none within *s (the input ends, or
 * the array closes, first).
 */
bool kt_resync_next_value(struct kt_str *s, enum kt_resync_ctx ctx);

#endif
