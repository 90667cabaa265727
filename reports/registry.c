/*
 * The report renderers' table (report.h) and the helpers they share (alerts.h).
 *
 * A renderer is a const struct in its own file; this table lists them in the order --help
 * shows them. kt_reporter_for_path picks one by the output file's extension: the part from the
 * last dot of the last path component, compared without regard to ASCII case with each
 * space-separated extension the renderer declares.
 *
 * The helpers keep the three renderers consistent: the same key order (risk, verdict, key id,
 * position: a total order, so reports are byte-identical between runs), the same number and
 * date forms, the same notion of valid UTF-8 and of which finding extras are printable.
 *
 * A renderer reads keys through a view (kt_rep_view_*) that hides the model's form: for the
 * entries form it sorts pointers to the entries; for the rows form the rows are already in
 * report order and each entry is filled into the view's one buffer when asked for, so
 * rendering costs one entry of memory however many keys there are.
 */
#include "alerts.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "timefmt.h"

static const struct kt_reporter *const reporters[] = {
    &kt_reporter_json,
    &kt_reporter_markdown,
    &kt_reporter_html,
};

const char *kt_verdict_name(enum kt_verdict v)
{
    switch (v) {
    case KT_VERDICT_OK: return "ok";
    case KT_VERDICT_INVESTIGATE: return "investigate";
    case KT_VERDICT_ROTATE: return "rotate";
    }
    return "unknown";
}

const struct kt_reporter *const *kt_reporters(size_t *count)
{
    if (count != NULL) {
        *count = KT_ARRAY_LEN(reporters);
    }
    return reporters;
}

/* Whether ext (with its dot) is one of the space-separated entries of list. */
static bool ext_in_list(struct kt_str ext, const char *list)
{
    const char *p = list;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        const char *start = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if (p > start && kt_str_eq_nocase(ext, kt_str_make(start, (size_t)(p - start)))) {
            return true;
        }
    }
    return false;
}

const struct kt_reporter *kt_reporter_for_path(const char *path)
{
    if (path == NULL) {
        return NULL;
    }
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    /* "report." has no extension, and neither has a dot file such as ".json". */
    if (dot == NULL || dot == base || dot[1] == '\0') {
        return NULL;
    }
    struct kt_str ext = kt_str_cstr(dot);
    for (size_t i = 0; i < KT_ARRAY_LEN(reporters); i++) {
        if (ext_in_list(ext, reporters[i]->extensions)) {
            return reporters[i];
        }
    }
    return NULL;
}

size_t kt_rep_put_nonascii(FILE *out, const unsigned char *p, const unsigned char *end)
{
    size_t n = kt_utf8_seq(p, (size_t)(end - p));
    if (n == 0) {
        fputs("\xef\xbf\xbd", out); /* U+FFFD */
        return 1;
    }
    if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
        fputs("\xef\xbf\xbd", out); /* C1 controls U+0080..U+009F */
        return n;
    }
    fwrite(p, 1, n, out);
    return n;
}

size_t kt_rep_strlen(const char *s, size_t cap)
{
    return s != NULL ? strnlen(s, cap) : 0;
}


bool kt_rep_number(double v, char out[KT_REP_NUMLEN])
{
    if (!isfinite(v)) {
        snprintf(out, KT_REP_NUMLEN, "null");
        return false;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        /* Exact: every integer below 2^53 is representable; "+0.0" keeps "-0" away. */
        snprintf(out, KT_REP_NUMLEN, "%.0f", v + 0.0);
        if (strcmp(out, "-0") == 0) {
            snprintf(out, KT_REP_NUMLEN, "0");
        }
        return true;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, KT_REP_NUMLEN, "%.*g", prec, v);
        if (strtod(out, NULL) == v) {
            break;
        }
    }
    return true;
}

void kt_rep_jw_number(struct kt_jw *w, double v)
{
    char num[KT_REP_NUMLEN];
    if (!kt_rep_number(v, num)) {
        kt_jw_null(w);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        kt_jw_int(w, (int64_t)v);
        return;
    }
    /*
     * jsonw has no raw-value call: kt_jw_raw bypasses the separator logic. Right after
     * kt_jw_key no separator is due, so the raw text is the value and the pending-key mark
     * is cleared by hand, as kt_jw's own value calls do.
     */
    if (!w->after_key) {
        kt_jw_null(w);
        return;
    }
    kt_jw_raw(w, num, strlen(num));
    w->after_key = false;
}

bool kt_rep_extra_ok(const struct kt_finding *f, unsigned i)
{
    static const char *const fixed[] = {
        "time", "key",     "family", "hint",  "detector", "severity", "score",
        "ip",   "country", "asn",    "value", "reason",   "last",     "count",
    };
    if (f == NULL || i >= KT_MIN(f->n_extra, KT_FINDING_EXTRA)) {
        return false;
    }
    const char *name = f->extra[i].name;
    if (name == NULL || name[0] == '\0') {
        return false;
    }
    for (size_t j = 0; j < KT_ARRAY_LEN(fixed); j++) {
        if (strcmp(name, fixed[j]) == 0) {
            return false;
        }
    }
    for (unsigned j = 0; j < i; j++) {
        if (f->extra[j].name != NULL && strcmp(name, f->extra[j].name) == 0) {
            return false;
        }
    }
    return true;
}

int64_t kt_rep_day_of(int64_t ms)
{
    int64_t d = ms / 86400000;
    if (ms % 86400000 < 0) {
        d--;
    }
    return d;
}

void kt_rep_date(int64_t day, char out[11])
{
    char t[KT_TIME_STRLEN];
    /* Days outside what a time in ms can hold are clamped; no real log reaches them. */
    int64_t lim = INT64_MAX / 86400000 - 1;
    day = KT_MAX(KT_MIN(day, lim), -lim);
    kt_time_format(day * 86400000, t);
    memcpy(out, t, 10);
    out[10] = '\0';
}

enum kt_verdict kt_report_verdict(const struct kt_report *r, size_t i)
{
    if (r->rows != NULL) {
        return (enum kt_verdict)r->rows[i].verdict;
    }
    return r->keys[i].verdict;
}

const struct kt_report_key *kt_report_key_get(const struct kt_report *r, size_t i,
                                              struct kt_report_key *buf)
{
    if (r == NULL || i >= r->n_keys) {
        return NULL;
    }
    if (r->rows != NULL) {
        return r->fill != NULL ? r->fill(r->src, &r->rows[i], buf) : NULL;
    }
    return r->keys != NULL ? &r->keys[i] : NULL;
}

static int key_cmp(const void *a, const void *b)
{
    const struct kt_report_key *x = *(const struct kt_report_key *const *)a;
    const struct kt_report_key *y = *(const struct kt_report_key *const *)b;
    if (x->risk != y->risk) {
        return x->risk > y->risk ? -1 : 1;
    }
    if (x->verdict != y->verdict) {
        return (int)x->verdict > (int)y->verdict ? -1 : 1;
    }
    int c = memcmp(x->key.b, y->key.b, KT_KEYID_BYTES);
    if (c != 0) {
        return c;
    }
    return x < y ? -1 : (x > y ? 1 : 0);
}

enum kt_rc kt_rep_view_open(struct kt_rep_view *v, const struct kt_report *r)
{
    v->r = r;
    v->n = 0;
    v->order = NULL;
    if (r == NULL || r->n_keys == 0) {
        return KT_OK;
    }
    if (r->rows != NULL) {
        v->n = r->fill != NULL ? r->n_keys : 0;
        return KT_OK;
    }
    if (r->keys == NULL) {
        return KT_OK;
    }
    if (r->n_keys <= SIZE_MAX / sizeof(*v->order)) {
        v->order = malloc(r->n_keys * sizeof(*v->order));
    }
    if (v->order == NULL) {
        return KT_ENOMEM;
    }
    for (size_t i = 0; i < r->n_keys; i++) {
        v->order[i] = &r->keys[i];
    }
    qsort(v->order, r->n_keys, sizeof(*v->order), key_cmp);
    v->n = r->n_keys;
    return KT_OK;
}

enum kt_verdict kt_rep_view_verdict(const struct kt_rep_view *v, size_t i)
{
    return v->order != NULL ? v->order[i]->verdict : kt_report_verdict(v->r, i);
}

const struct kt_report_key *kt_rep_view_key(struct kt_rep_view *v, size_t i)
{
    if (i >= v->n) {
        return NULL;
    }
    return v->order != NULL ? v->order[i] : kt_report_key_get(v->r, i, &v->buf);
}

void kt_rep_view_close(struct kt_rep_view *v)
{
    if (v != NULL) {
        free(v->order);
        v->order = NULL;
        v->n = 0;
    }
}

void kt_rep_count_verdicts(const struct kt_report *r, uint64_t counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    if (r == NULL || (r->keys == NULL && r->rows == NULL)) {
        return;
    }
    for (size_t i = 0; i < r->n_keys; i++) {
        unsigned v = (unsigned)kt_report_verdict(r, i);
        if (v < 3) {
            counts[v]++;
        }
    }
}
