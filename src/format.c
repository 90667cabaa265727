/*
 * The format registry, detection and parser instances (format.h).
 *
 * Detection looks only at the bytes the splitter already buffered, so pipes are never
 * re-read. JSON content that is an array, the CloudTrail wrapper, or pretty-printed is detected
 * from its first record and marked for JSON-stream splitting; everything else is probed line by
 * line over the first lines, and the format with the best total wins, provided most of those
 * lines parse. When nothing wins, kt_format_explain asks the formats that can say (a lacks
 * callback) what the first records lack, so a JSON log of another kind is named as such.
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

#include "json_resync.h"
#include "json_scan.h"

extern const struct kt_format kt_fmt_cloudtrail;
extern const struct kt_format kt_fmt_github;
extern const struct kt_format kt_fmt_jsonl;
extern const struct kt_format kt_fmt_combined;

/* Detection priority: specific formats before the generic ones they resemble. */
static const struct kt_format *const registry[] = {
    &kt_fmt_cloudtrail,
    &kt_fmt_github,
    &kt_fmt_jsonl,
    &kt_fmt_combined,
};

#define PROBE_LINES 16
/* Records a JSON stream may start with that no format claims before detection gives up. */
#define PROBE_SKIP_BAD 8

const struct kt_format *const *kt_formats(size_t *count)
{
    *count = KT_ARRAY_LEN(registry);
    return registry;
}

static bool name_in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *sp = strchr(p, ' ');
        size_t len = sp != NULL ? (size_t)(sp - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0) {
            return true;
        }
        p = sp != NULL ? sp + 1 : NULL;
    }
    return false;
}

const struct kt_format *kt_format_find(const char *name)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
        if (strcmp(registry[i]->name, name) == 0 || name_in_list(registry[i]->aliases, name)) {
            return registry[i];
        }
    }
    return NULL;
}

const char *kt_bad_name(enum kt_bad bad)
{
    static const char *const names[KT_BAD__COUNT] = {
        [KT_BAD_NONE] = "none",
        [KT_BAD_TOO_LONG] = "too_long",
        [KT_BAD_BINARY] = "binary",
        [KT_BAD_JSON] = "json",
        [KT_BAD_NOT_OBJECT] = "not_object",
        [KT_BAD_TOO_DEEP] = "too_deep",
        [KT_BAD_TRUNCATED] = "truncated",
        [KT_BAD_NO_TIME] = "no_time",
        [KT_BAD_TIME] = "time",
        [KT_BAD_SYNTAX] = "syntax",
        [KT_BAD_REQUEST] = "request",
        [KT_BAD_STATUS] = "status",
        [KT_BAD_INCOMPLETE] = "incomplete",
    };
    return bad < KT_BAD__COUNT ? names[bad] : "unknown";
}

static struct kt_str skip_ws(struct kt_str s)
{
    while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '\r' ||
                         s.ptr[0] == '\n')) {
        s.ptr++;
        s.len--;
    }
    return s;
}

/* The best format for one JSON record (the first element of a stream). */
static const struct kt_format *best_for_record(struct kt_str record, void *const *states)
{
    const struct kt_format *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
        if (!registry[i]->json) {
            continue;
        }
        int score = registry[i]->probe(states[i], record);
        if (score > best_score) {
            best_score = score;
            best = registry[i];
        }
    }
    return best;
}

/* Whether the value at the start of s is valid JSON, and in an array followed by ',' or ']'
 * (or by the end of what was read): "eventVersion" is valid, but not in [ "eventVersion": ... */
static bool value_fits(struct kt_str s, enum kt_resync_ctx ctx)
{
    size_t used;
    enum kt_json_status js = kt_json_skip(s.ptr, s.len, &used);
    if (js != KT_JSON_OK) {
        return js != KT_JSON_INVALID;
    }
    struct kt_str rest = skip_ws(kt_str_make(s.ptr + used, s.len - used));
    return ctx == KT_RESYNC_TOP || rest.len == 0 || rest.ptr[0] == ',' || rest.ptr[0] == ']';
}

/*
 * The best format for the first record of a stream that some format claims, among the first
 * PROBE_SKIP_BAD: invalid records (a bad first record) are stepped over as the splitter will
 * step over them, and valid ones no format claims are passed.
 */
static const struct kt_format *best_for_stream(struct kt_str s, enum kt_resync_ctx ctx,
                                               void *const *states)
{
    for (int i = 0; i < PROBE_SKIP_BAD; i++) {
        size_t used;
        if (!value_fits(s, ctx)) {
            if (!kt_resync_next_value(&s, ctx)) {
                return NULL;
            }
            continue;
        }
        const struct kt_format *fmt = best_for_record(s, states);
        if (fmt != NULL || kt_json_skip(s.ptr, s.len, &used) != KT_JSON_OK) {
            return fmt;
        }
        /* A valid record no format claims (one with a damaged member name): try the next. */
        s = skip_ws(kt_str_make(s.ptr + used, s.len - used));
        if (s.len > 0 && s.ptr[0] == ',') {
            s = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
        }
        if (s.len == 0 || s.ptr[0] == ']') {
            return NULL;
        }
    }
    return NULL;
}

/* A JSON stream: "[...]" or the Records wrapper or a value that spans lines. */
static const struct kt_format *detect_json_stream(struct kt_str s, void *const *states)
{
    if (s.ptr[0] == '[') {
        s = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
        if (s.len == 0 || s.ptr[0] == ']') {
            return NULL;
        }
        return best_for_stream(s, KT_RESYNC_ARRAY, states);
    } else {
        /* The wrapper: {"Records": [ ... */
        struct kt_str r = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
        if (kt_str_has_prefix(r, "\"Records\"")) {
            r = skip_ws(kt_str_make(r.ptr + 9, r.len - 9));
            if (r.len > 0 && r.ptr[0] == ':') {
                r = skip_ws(kt_str_make(r.ptr + 1, r.len - 1));
                if (r.len > 0 && r.ptr[0] == '[') {
                    struct kt_str first = skip_ws(kt_str_make(r.ptr + 1, r.len - 1));
                    if (first.len == 0 || first.ptr[0] == ']') {
                        return &kt_fmt_cloudtrail; /* an empty delivery file */
                    }
                    return best_for_stream(first, KT_RESYNC_ARRAY, states);
                }
            }
        }
    }
    return best_for_stream(s, KT_RESYNC_TOP, states);
}

bool kt_format_json_stream(struct kt_str prefix)
{
    struct kt_str s = skip_ws(prefix);
    if (s.len == 0 || (s.ptr[0] != '[' && s.ptr[0] != '{')) {
        return false;
    }
    const char *nl = memchr(s.ptr, '\n', s.len);
    struct kt_str first_line = kt_str_make(s.ptr, nl ? (size_t)(nl - s.ptr) : s.len);
    size_t used;
    bool one_per_line = s.ptr[0] == '{' &&
                        kt_json_skip(first_line.ptr, first_line.len, &used) == KT_JSON_OK &&
                        !kt_str_has_prefix(skip_ws(kt_str_make(s.ptr + 1, s.len - 1)),
                                           "\"Records\"");
    return !one_per_line;
}

const struct kt_format *kt_format_detect(struct kt_str prefix, void *const *states,
                                         bool *json_stream)
{
    struct kt_str s = skip_ws(prefix);
    *json_stream = kt_format_json_stream(prefix);
    if (s.len == 0) {
        return NULL;
    }
    if (*json_stream) {
        return detect_json_stream(s, states);
    }
    /* Line-oriented: total the probes over the first lines. */
    int totals[KT_ARRAY_LEN(registry)] = { 0 };
    int fits[KT_ARRAY_LEN(registry)] = { 0 };
    int lines = 0;
    const char *p = prefix.ptr, *end = prefix.ptr + prefix.len;
    while (p < end && lines < PROBE_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL && lines > 0) {
            break; /* a partial last line would only add noise */
        }
        struct kt_str line = kt_str_trim(kt_str_make(p, nl ? (size_t)(nl - p) : (size_t)(end - p)));
        p = nl ? nl + 1 : end;
        if (line.len == 0) {
            continue;
        }
        lines++;
        for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
            int score = registry[i]->probe(states[i], line);
            totals[i] += score;
            fits[i] += score > 0;
        }
    }
    const struct kt_format *best = NULL;
    int best_total = 0;
    for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
        /* Most probed lines must fit: a few malformed lines are normal, a mismatch is not. */
        if (totals[i] > best_total && fits[i] * 2 > lines) {
            best_total = totals[i];
            best = registry[i];
        }
    }
    return best;
}

/* What the first records lack, per format that can say (kt_format_explain). */
#define EXPLAIN_NEEDS 8

struct explain {
    int lines;                                  /* records looked at */
    int records[KT_ARRAY_LEN(registry)];        /* of them, those of the format's syntax */
    int missing[KT_ARRAY_LEN(registry)];        /* needs missing, summed over those records */
    int miss[KT_ARRAY_LEN(registry)][EXPLAIN_NEEDS];
};

static void explain_record(struct explain *ex, struct kt_str record, void *const *states)
{
    ex->lines++;
    for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
        unsigned lacks = 0;
        if (registry[i]->lacks == NULL || !registry[i]->lacks(states[i], record, &lacks)) {
            continue;
        }
        ex->records[i]++;
        for (int b = 0; b < EXPLAIN_NEEDS && registry[i]->needs[b] != NULL; b++) {
            if (lacks & (1u << b)) {
                ex->miss[i][b]++;
                ex->missing[i]++;
            }
        }
    }
}

/* The values of a JSON stream, as the splitter will see them: up to PROBE_LINES. */
static void explain_stream(struct explain *ex, struct kt_str s, void *const *states)
{
    if (s.ptr[0] == '[') {
        s = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
    } else {
        struct kt_str r = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
        if (kt_str_has_prefix(r, "\"Records\"")) {
            r = skip_ws(kt_str_make(r.ptr + 9, r.len - 9));
            if (r.len > 0 && r.ptr[0] == ':') {
                r = skip_ws(kt_str_make(r.ptr + 1, r.len - 1));
                if (r.len > 0 && r.ptr[0] == '[') {
                    s = skip_ws(kt_str_make(r.ptr + 1, r.len - 1));
                }
            }
        }
    }
    for (int i = 0; i < PROBE_LINES && s.len > 0 && s.ptr[0] != ']'; i++) {
        size_t used;
        if (kt_json_skip(s.ptr, s.len, &used) != KT_JSON_OK) {
            break;
        }
        explain_record(ex, kt_str_make(s.ptr, used), states);
        s = skip_ws(kt_str_make(s.ptr + used, s.len - used));
        if (s.len > 0 && s.ptr[0] == ',') {
            s = skip_ws(kt_str_make(s.ptr + 1, s.len - 1));
        }
    }
}

bool kt_format_explain(struct kt_str prefix, void *const *states, char *why, size_t cap)
{
    struct explain ex;
    memset(&ex, 0, sizeof(ex));
    struct kt_str s = skip_ws(prefix);
    if (s.len == 0 || cap == 0) {
        return false;
    }
    if (kt_format_json_stream(prefix)) {
        explain_stream(&ex, s, states);
    } else {
        const char *p = prefix.ptr, *end = prefix.ptr + prefix.len;
        while (p < end && ex.lines < PROBE_LINES) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (nl == NULL && ex.lines > 0) {
                break;
            }
            struct kt_str line =
                kt_str_trim(kt_str_make(p, nl ? (size_t)(nl - p) : (size_t)(end - p)));
            p = nl ? nl + 1 : end;
            if (line.len > 0) {
                explain_record(&ex, line, states);
            }
        }
    }
    /* The closest format: most records of its syntax, then fewest needs missing per record;
     * ties go to the registry's order. */
    size_t best = KT_ARRAY_LEN(registry);
    for (size_t i = 0; i < KT_ARRAY_LEN(registry); i++) {
        if (ex.records[i] * 2 <= ex.lines) {
            continue;
        }
        if (best == KT_ARRAY_LEN(registry) || ex.records[i] > ex.records[best] ||
            (ex.records[i] == ex.records[best] && ex.missing[i] < ex.missing[best])) {
            best = i;
        }
    }
    if (best == KT_ARRAY_LEN(registry)) {
        return false;
    }
    /* Name what most of its records lack; if no need is missing from most, what any lacks. */
    const struct kt_format *fmt = registry[best];
    int cutoff = 0;
    for (int b = 0; b < EXPLAIN_NEEDS && fmt->needs[b] != NULL; b++) {
        if (ex.miss[best][b] * 2 > ex.records[best]) {
            cutoff = ex.records[best] / 2;
            break;
        }
    }
    size_t n = 0;
    int named = 0;
    int w = snprintf(why, cap, "closest is %s, but", fmt->name);
    n = w > 0 ? (size_t)w : 0;
    for (int b = 0; b < EXPLAIN_NEEDS && fmt->needs[b] != NULL && n < cap; b++) {
        if (ex.miss[best][b] <= cutoff) {
            continue;
        }
        w = snprintf(why + n, cap - n, "%s no %s", named == 0 ? " its records have" : " and",
                     fmt->needs[b]);
        n += w > 0 ? (size_t)w : 0;
        named++;
    }
    if (named == 0 && n < cap) {
        /* Every record has what the format needs: it is the layout that did not fit. */
        snprintf(why + n, cap - n, " too few of its first records parse as %s", fmt->name);
    }
    return true;
}

enum kt_rc kt_parser_init(struct kt_parser *p, const struct kt_format *fmt, void *state,
                          size_t max_record, struct kt_err *err)
{
    memset(p, 0, sizeof(*p));
    p->fmt = fmt;
    p->state = state;
    /* Decoding never grows a value, and one record's values fit in the record. */
    p->scratch_cap = max_record + 4096;
    p->scratch = malloc(p->scratch_cap);
    if (p->scratch == NULL) {
        return kt_err_set(err, KT_ENOMEM, "cannot allocate parser scratch");
    }
    return KT_OK;
}

void kt_parser_fini(struct kt_parser *p)
{
    if (p != NULL && p->scratch != NULL) {
        /* Only what was ever used: wiping all of a large cap would make it resident. */
        kt_wipe(p->scratch, p->scratch_peak);
        free(p->scratch);
        p->scratch = NULL;
    }
}

char *kt_parser_scratch(struct kt_parser *p, size_t n)
{
    if (p->scratch_cap - p->scratch_used < n) {
        return NULL;
    }
    char *r = p->scratch + p->scratch_used;
    p->scratch_used += n;
    if (p->scratch_used > p->scratch_peak) {
        p->scratch_peak = p->scratch_used;
    }
    return r;
}
