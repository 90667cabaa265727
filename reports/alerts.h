/*
 * The alert stream, and the few helpers the report renderers in reports/ share.
 *
 * An alert is one finding as it happens, written as one JSON object on one line (JSON lines),
 * so `keytrail watch | jq` and log shippers can read it. It names the key by its id and hint
 * only: a finding never holds secret bytes, so neither does an alert.
 *
 * The second half of this header is private to reports/: the renderer objects the registry
 * lists, and helpers (UTF-8 checking, number and date formatting, key ordering) that the JSON,
 * Markdown and HTML renderers use alike so that they agree with each other.
 */
#ifndef KEYTRAIL_REPORTS_ALERTS_H
#define KEYTRAIL_REPORTS_ALERTS_H

#include <keytrail/finding.h>
#include <keytrail/report.h>

#include "jsonw.h"

/*
 * Writes f as one alert: a JSON object and a newline, with the members in this order:
 *
 *     time      RFC 3339 UTC of f->time_ms (null when KT_TIME_NONE)
 *     key       the key id ("kt1-...")
 *     family    kt_family_name(family)
 *     hint      the redacted hint (null when hint is NULL)
 *     detector  the detector's name
 *     severity  "low", "medium", "high" or "critical"
 *     score     0..100
 *     ip        the client address, null when empty
 *     country   ISO code, null when empty
 *     asn       only when non-zero
 *     value     the value that broke the baseline
 *     reason    one sentence with the numbers
 *     <extra>   each extra as "name": number (integers without a fraction; null when not
 *               finite). Extras without a name or whose name repeats an earlier member are
 *               left out, so the object never has duplicate names.
 *
 * Strings are escaped by the writer; invalid UTF-8 becomes U+FFFD. The writer is not flushed:
 * a caller that needs the alert out now (watch) calls kt_jw_flush. Write errors latch in w.
 * f may be NULL (nothing is written).
 */
void kt_alert_write(struct kt_jw *w, const struct kt_finding *f, enum kt_family family,
                    const char *hint);

/* ---- private to reports/ ------------------------------------------------------------------ */

extern const struct kt_reporter kt_reporter_json;
extern const struct kt_reporter kt_reporter_markdown;
extern const struct kt_reporter kt_reporter_html;

/* Length of s, reading at most cap bytes (model strings are fixed arrays; one that lacks its
 * NUL is read up to its size, never beyond). NULL gives 0. */
size_t kt_rep_strlen(const char *s, size_t cap);

/*
 * Writes the character starting at p (a byte >= 0x80) if it is well-formed UTF-8 and not a C1
 * control, else U+FFFD; returns how many bytes it stood for (at least 1).
 */
size_t kt_rep_put_nonascii(FILE *out, const unsigned char *p, const unsigned char *end);
/* A model string field as a view: KT_REP_FIELD(k->hint). Only for arrays, not pointers. */
#define KT_REP_FIELD(a) kt_str_make((a), kt_rep_strlen((a), sizeof(a)))


#define KT_REP_NUMLEN 40
/* A JSON-compatible number: integral values below 1e15 without a fraction ("4210"), others
 * with the fewest significant digits (up to 17) that read back as the same double ("0.25",
 * "1e-07"). Returns false (and writes "null") when v is NaN or infinite. */
bool kt_rep_number(double v, char out[KT_REP_NUMLEN]);

/* Writes v as a JSON value (the form above; null when not finite) after a kt_jw_key. */
void kt_rep_jw_number(struct kt_jw *w, double v);

/* Whether extra i of f is printed: it has a name, the name is not one of the fixed finding
 * members (see kt_alert_write) and no earlier extra has it. */
bool kt_rep_extra_ok(const struct kt_finding *f, unsigned i);

/* "YYYY-MM-DD" of a day number (days since 1970-01-01) and a NUL. */
void kt_rep_date(int64_t day, char out[11]);
/* The UTC day number of a time in milliseconds (floor division; also before 1970). */
int64_t kt_rep_day_of(int64_t ms);

/*
 * The keys of r in report order: risk (highest first), then verdict (rotate first), then key id,
 * then model position, so the order is total and the same in every run. Works on both model
 * forms (report.h): n is how many keys there are; kt_rep_view_key returns key i, valid until
 * the next kt_rep_view_key call or kt_rep_view_close; kt_rep_view_verdict is cheap. open
 * returns KT_OK or KT_ENOMEM (ordering an entries-form model); close is always safe after open.
 */
struct kt_rep_view {
    const struct kt_report *r;
    size_t n;
    const struct kt_report_key **order; /* entries form: sorted pointers */
    struct kt_report_key buf;           /* rows form: the entry last filled */
};
enum kt_rc kt_rep_view_open(struct kt_rep_view *v, const struct kt_report *r);
enum kt_verdict kt_rep_view_verdict(const struct kt_rep_view *v, size_t i);
const struct kt_report_key *kt_rep_view_key(struct kt_rep_view *v, size_t i);
void kt_rep_view_close(struct kt_rep_view *v);

/* Per-verdict counts taken from the keys themselves (the totals may come from elsewhere). */
void kt_rep_count_verdicts(const struct kt_report *r, uint64_t counts[3]);

#endif
