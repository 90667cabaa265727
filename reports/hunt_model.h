/*
 * Reading the hunt report model (a json-c document, see hunt_render.h) for the Markdown and
 * HTML renderers, which share these so they agree on what a missing or odd member shows.
 *
 * The model may come from an older or partial hunt, or be hand-edited: every accessor accepts
 * NULL and members of the wrong type, and answers "absent" for them. Text from the model is
 * written through an escaping function (escape.h) and cut at KT_HM_TEXT_MAX bytes (on a
 * character boundary, with an ellipsis), so one 10 MB user agent cannot swamp a report.
 */
#ifndef KEYTRAIL_REPORTS_HUNT_MODEL_H
#define KEYTRAIL_REPORTS_HUNT_MODEL_H

#include <stdio.h>

#include <json-c/json.h>

#include <keytrail/common.h>

#include "escape.h"

#define KT_HM_TEXT_MAX 300 /* bytes of one model string shown */
#define KT_HM_LIST_MAX 20  /* items of one inline list shown */
#define KT_HM_ROWS_MAX 500 /* rows of one table shown */

/* Member name of o, or NULL when o is not an object, lacks it or it is null. */
struct json_object *kt_hm_get(struct json_object *o, const char *name);
/* The string member name of o, or NULL (absent, null, or not a string). */
const char *kt_hm_str(struct json_object *o, const char *name);
/* The integer member name of o into *v; false when absent or not a number. */
bool kt_hm_int(struct json_object *o, const char *name, int64_t *v);
/* The array member name of o, or NULL; its length (0 when it is not an array). */
struct json_object *kt_hm_arr(struct json_object *o, const char *name);
size_t kt_hm_len(struct json_object *arr);
/* Element i of an array, NULL past its end or when arr is not an array. */
struct json_object *kt_hm_at(struct json_object *arr, size_t i);

/* Writes the scalar v (string, number, boolean) escaped and capped; none when v is NULL, null,
 * an empty string, an object or an array. Returns whether v was written. */
bool kt_hm_put(FILE *out, kt_esc_fn esc, struct json_object *v, const char *none);
/* kt_hm_put of member name of o. */
bool kt_hm_put_m(FILE *out, kt_esc_fn esc, struct json_object *o, const char *name,
                 const char *none);
/* A C string escaped and capped (for text from the model held as a C string). */
void kt_hm_put_cstr(FILE *out, kt_esc_fn esc, const char *s);

/*
 * Writes an array as an inline list joined by ", ": strings as they are, objects with "name"
 * as "name (count)" when they have a count. At most KT_HM_LIST_MAX items, then "and N more".
 * none when the array is absent or empty.
 */
void kt_hm_put_list(FILE *out, kt_esc_fn esc, struct json_object *arr, const char *none);

/* A model time ("2026-11-04T01:37:12Z") as milliseconds; false when absent or unparsable. */
bool kt_hm_time(struct json_object *o, const char *name, int64_t *ms);

/* The verdict as one of the fixed words "yes", "likely", "none" (no evidence) or "unknown":
 * safe to use in a CSS class. */
const char *kt_hm_verdict_class(const char *verdict);

/* Whether s is a printable key id ("kt1-" and hex), safe for an id attribute. */
bool kt_hm_keyid_ok(const char *s);

/* ---- tables: the columns of each list in a key, shared by both formats (hunt_tables.c) ---- */

enum kt_hm_kind {
    KT_HM_TEXT = 0, /* a scalar member */
    KT_HM_NUM,      /* a number, right-aligned */
    KT_HM_TIME,     /* a time, kept on one line */
    KT_HM_LIST,     /* an array member as an inline list */
    KT_HM_ASN,      /* an AS number as "AS64511" */
    KT_HM_WORD,     /* a short scalar (country, side, party) kept on one line */
};

struct kt_hm_col {
    const char *head;
    const char *member;
    enum kt_hm_kind kind;
    /* When set, writes the cell instead of member (several members in one cell). */
    void (*cell)(FILE *out, kt_esc_fn esc, struct json_object *row);
};

struct kt_hm_table {
    const char *cls; /* a fixed CSS class for the HTML table */
    const struct kt_hm_col *cols;
    size_t n_cols;
};

extern const struct kt_hm_table kt_hm_sources;      /* key.sources */
extern const struct kt_hm_table kt_hm_operations;   /* key.operations */
extern const struct kt_hm_table kt_hm_findings;     /* key.findings */
extern const struct kt_hm_table kt_hm_changepoints; /* key.changepoints */
extern const struct kt_hm_table kt_hm_clients;      /* key.plan.consumers, other_party, unsure */
extern const struct kt_hm_table kt_hm_late;         /* key.after_rotation */
extern const struct kt_hm_table kt_hm_uses;         /* key.use_list */
extern const struct kt_hm_table kt_hm_novel;        /* key.only_after.* */
extern const struct kt_hm_table kt_hm_chain;        /* chain */

/* Writes the cell of column c for row ("-" when its member is absent). */
void kt_hm_cell(FILE *out, kt_esc_fn esc, const struct kt_hm_col *c, struct json_object *row);

/* Whether a row belongs to the other party (party or role "other party", resembles "other
 * party", or a suspicious use): renderers set it apart. */
bool kt_hm_row_other(struct json_object *row);

/* ---- the timeline series (a key's "timeline" member) ---- */

#define KT_HM_BUCKETS_MAX 336 /* two weeks of hours; longer series are cut */

struct kt_hm_series {
    int64_t start_ms;  /* start of bucket 0 */
    int64_t bucket_ms; /* an hour, unless the model says "day" or "minute" */
    const char *unit;  /* "hour", "day", "minute" */
    size_t n;          /* buckets read */
    bool cut;          /* the model had more than KT_HM_BUCKETS_MAX */
    uint64_t before[KT_HM_BUCKETS_MAX], after[KT_HM_BUCKETS_MAX], suspicious[KT_HM_BUCKETS_MAX];
    uint64_t peak; /* largest before + after */
    uint64_t total;
};

/* Reads a timeline; false when it has no start or no buckets. Negative or non-numeric counts
 * read as 0; suspicious is capped at after. */
bool kt_hm_series_read(struct json_object *timeline, struct kt_hm_series *s);

/* A mark's kind from its "what": fixed words safe for a CSS class ("leak", "sus", "rot",
 * "other") and a letter for text charts. */
const char *kt_hm_mark_class(const char *what);
char kt_hm_mark_letter(const char *what);

#endif
