/*
 * The JSON report (.json): the whole report model as one JSON document, for scripts.
 *
 *     {"generated_by":"keytrail 0.1.0","span":{"from":..,"to":..},"geo":"...",
 *      "keys":[
 *      {"key":..,"family":..,"kind":..,"hint":..,"account":..,"flags":[..],"verdict":..,
 *       "risk":..,"first_seen":..,"last_seen":..,"events":..,"errors":..,"ips":..,
 *       "countries":[{"code":..,"count":..}],"asns":[{"name":..,"count":..}],
 *       "user_agents":[{"name":..,"count":..}],
 *       "other_party":{"events":..,"errors":..,"first":..,"last":..,"addresses":[{"name","count"}],
 *                      "more_addresses":..,"networks":[..],"countries":[..],"user_agents":[..],
 *                      "operations":[..],"more_operations":..},
 *       "timeline":{"start":"YYYY-MM-DD","days":[..]},
 *       "findings":[{"detector":..,"severity":..,"score":..,"time":..,"last":..,"count":..,
 *                    "value":..,"reason":..,"ip":..,"country":..,"asn":.., <extras>}]}
 *      ,{...}
 *      ],"totals":{...}}
 *
 * other_party is present only for keys with quarantined uses (report.h, kt_report_other): the
 * countries, asns and user_agents before it are the baseline's, the key's own use. errors
 * counts every use's errors, the other party's included.
 *
 * totals ends with the key cap (max_keys, 0 for none) and the keys evicted at it (evicted,
 * and of those evicted_rotate and evicted_investigate: their verdict when evicted).
 *
 * Keys come in report order (kt_rep_view), one per line so the file greps and diffs well.
 * Times are RFC 3339 UTC or null; "account" is present only when known; empty ip and country
 * and a zero asn are null. Counts above INT64_MAX (never reached) are clamped.
 *
 * The text goes through the project's JSON writer for its escaping. That writer targets a file
 * descriptor, but a renderer writes to a FILE (which may be a memory stream), so the writer is
 * given no descriptor (-1) and its buffer is drained into the FILE after every key and every
 * finding: one such piece is a few KiB at most, far below the writer's buffer, so the writer
 * never flushes on its own. If it ever did, the write to -1 fails and the render reports KT_EIO
 * rather than losing output silently.
 */
#include "alerts.h"

#include <stdlib.h>

#include "timefmt.h"

struct json_out {
    struct kt_jw w;
    FILE *f;
    bool failed;
};

static void drain(struct json_out *o)
{
    if (o->w.len > 0 && !o->failed) {
        if (fwrite(o->w.buf, 1, o->w.len, o->f) != o->w.len) {
            o->failed = true;
        }
    }
    o->w.len = 0;
}

static void put_u64(struct kt_jw *w, const char *key, uint64_t v)
{
    kt_jw_kint(w, key, v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* A time member: RFC 3339 or null. */
static void put_time(struct kt_jw *w, const char *key, int64_t ms)
{
    char t[KT_TIME_STRLEN];
    kt_jw_key(w, key);
    if (ms == KT_TIME_NONE) {
        kt_jw_null(w);
        return;
    }
    kt_time_format(ms, t);
    kt_jw_cstr(w, t);
}

static void put_opt_str(struct kt_jw *w, const char *key, struct kt_str s)
{
    kt_jw_key(w, key);
    if (s.len == 0) {
        kt_jw_null(w);
    } else {
        kt_jw_str(w, s);
    }
}

static void put_flags(struct kt_jw *w, uint32_t flags)
{
    kt_jw_key(w, "flags");
    kt_jw_array_begin(w);
    for (uint32_t bit = 1; bit != 0 && bit <= KT_CRED_FLAG_ALL; bit <<= 1) {
        if ((flags & bit) && kt_cred_flag_name(bit) != NULL) {
            kt_jw_cstr(w, kt_cred_flag_name(bit));
        }
    }
    kt_jw_array_end(w);
}

static void put_counts(struct kt_jw *w, const char *key, const char *name_key,
                       const struct kt_report_count *c, size_t n)
{
    kt_jw_key(w, key);
    kt_jw_array_begin(w);
    for (size_t i = 0; i < KT_MIN(n, (size_t)KT_REPORT_TOP); i++) {
        kt_jw_object_begin(w);
        kt_jw_kstr(w, name_key, KT_REP_FIELD(c[i].name));
        put_u64(w, "count", c[i].count);
        kt_jw_object_end(w);
    }
    kt_jw_array_end(w);
}

/* The other party's block (report.h, kt_report_other). */
static void put_other(struct kt_jw *w, const struct kt_report_other *ro)
{
    kt_jw_key(w, "other_party");
    kt_jw_object_begin(w);
    put_u64(w, "events", ro->events);
    put_u64(w, "errors", ro->errors);
    put_time(w, "first", ro->first_ms);
    put_time(w, "last", ro->last_ms);
    put_counts(w, "addresses", "name", ro->addrs, ro->n_addrs);
    put_u64(w, "more_addresses", ro->more_addrs);
    put_counts(w, "networks", "name", ro->asns, ro->n_asns);
    put_counts(w, "countries", "code", ro->countries, ro->n_countries);
    put_counts(w, "user_agents", "name", ro->agents, ro->n_agents);
    kt_jw_key(w, "operations");
    kt_jw_array_begin(w);
    for (size_t i = 0; i < KT_MIN(ro->n_ops, (size_t)KT_REPORT_OPS); i++) {
        kt_jw_object_begin(w);
        kt_jw_kstr(w, "name", KT_REP_FIELD(ro->ops[i].name));
        put_u64(w, "count", ro->ops[i].count);
        kt_jw_object_end(w);
    }
    kt_jw_array_end(w);
    put_u64(w, "more_operations", ro->more_ops);
    kt_jw_object_end(w);
}

static void put_timeline(struct kt_jw *w, const struct kt_report_key *k)
{
    size_t n = KT_MIN(k->n_days, (size_t)KT_REPORT_DAYS);
    kt_jw_key(w, "timeline");
    kt_jw_object_begin(w);
    kt_jw_key(w, "start");
    if (n == 0) {
        kt_jw_null(w);
    } else {
        char d[11];
        kt_rep_date(k->day0, d);
        kt_jw_cstr(w, d);
    }
    kt_jw_key(w, "days");
    kt_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        kt_jw_int(w, k->days[i]);
    }
    kt_jw_array_end(w);
    kt_jw_object_end(w);
}

static void put_finding(struct kt_jw *w, const struct kt_finding *f)
{
    kt_jw_object_begin(w);
    kt_jw_kcstr(w, "detector", f->detector != NULL ? f->detector : "");
    kt_jw_kcstr(w, "severity", kt_severity_name(f->severity));
    kt_jw_kint(w, "score", f->score);
    put_time(w, "time", f->time_ms);
    put_time(w, "last", f->last_ms);
    put_u64(w, "count", f->count);
    kt_jw_kstr(w, "value", KT_REP_FIELD(f->value));
    kt_jw_kstr(w, "reason", KT_REP_FIELD(f->reason));
    put_opt_str(w, "ip", KT_REP_FIELD(f->ip));
    put_opt_str(w, "country", KT_REP_FIELD(f->country));
    kt_jw_key(w, "asn");
    if (f->asn == 0) {
        kt_jw_null(w);
    } else {
        kt_jw_int(w, f->asn);
    }
    for (unsigned i = 0; i < KT_MIN(f->n_extra, KT_FINDING_EXTRA); i++) {
        if (kt_rep_extra_ok(f, i)) {
            kt_jw_key(w, f->extra[i].name);
            kt_rep_jw_number(w, f->extra[i].value);
        }
    }
    kt_jw_object_end(w);
}

static void put_key(struct json_out *o, const struct kt_report_key *k)
{
    struct kt_jw *w = &o->w;
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);
    kt_jw_raw(w, "\n", 1);
    kt_jw_object_begin(w);
    kt_jw_kcstr(w, "key", id);
    kt_jw_kcstr(w, "family", kt_family_name(k->family));
    kt_jw_kstr(w, "kind", KT_REP_FIELD(k->kind));
    kt_jw_kstr(w, "hint", KT_REP_FIELD(k->hint));
    if (KT_REP_FIELD(k->account).len > 0) {
        kt_jw_kstr(w, "account", KT_REP_FIELD(k->account));
    }
    put_flags(w, k->flags);
    kt_jw_kcstr(w, "verdict", kt_verdict_name(k->verdict));
    kt_jw_kint(w, "risk", k->risk);
    if (k->learning) {
        kt_jw_key(w, "learning");
        kt_jw_bool(w, true);
        kt_jw_kint(w, "history_days", (int)KT_MIN(k->history_days, (int64_t)INT32_MAX));
    }
    if (KT_REP_FIELD(k->note).len > 0) {
        kt_jw_kstr(w, "note", KT_REP_FIELD(k->note));
    }
    put_time(w, "first_seen", k->first_ms);
    put_time(w, "last_seen", k->last_ms);
    put_u64(w, "events", k->events);
    put_u64(w, "errors", k->errors);
    put_u64(w, "ips", k->ips);
    put_counts(w, "countries", "code", k->countries, k->n_countries);
    put_counts(w, "asns", "name", k->asns, k->n_asns);
    put_counts(w, "user_agents", "name", k->agents, k->n_agents);
    if (k->other.events > 0) {
        put_other(w, &k->other);
    }
    put_timeline(w, k);
    kt_jw_key(w, "findings");
    kt_jw_array_begin(w);
    drain(o);
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        if (k->findings[i] != NULL) {
            put_finding(w, k->findings[i]);
            drain(o);
        }
    }
    kt_jw_array_end(w);
    kt_jw_object_end(w);
    drain(o);
}

static void put_totals(struct kt_jw *w, const struct kt_report_totals *t)
{
    kt_jw_key(w, "totals");
    kt_jw_object_begin(w);
    put_u64(w, "keys", t->keys);
    put_u64(w, "rotate", t->rotate);
    put_u64(w, "investigate", t->investigate);
    put_u64(w, "ok", t->ok);
    put_u64(w, "files", t->files);
    put_u64(w, "damaged_files", t->damaged_files);
    put_u64(w, "records", t->records);
    put_u64(w, "events", t->events);
    put_u64(w, "malformed", t->malformed);
    put_u64(w, "findings", t->findings);
    put_u64(w, "alerts", t->alerts);
    put_u64(w, "max_keys", t->max_keys);
    put_u64(w, "evicted", t->evicted);
    put_u64(w, "evicted_rotate", t->evicted_rotate);
    put_u64(w, "evicted_investigate", t->evicted_investigate);
    kt_jw_object_end(w);
}

static enum kt_rc json_render(const struct kt_report *r, FILE *out, struct kt_err *err)
{
    struct json_out o = {.f = out};
    struct kt_jw *w = &o.w;
    struct kt_rep_view view;
    char gen[64];
    enum kt_rc rc = KT_OK;

    if (r == NULL || out == NULL) {
        return kt_err_set(err, KT_EINVAL, "no report or no output for the JSON report");
    }
    if (kt_rep_view_open(&view, r) != KT_OK) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory ordering %zu keys", r->n_keys);
        goto out;
    }
    if (kt_jw_init(&o.w, -1) != KT_OK) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory for the JSON writer");
        goto out;
    }
    snprintf(gen, sizeof(gen), "keytrail %s", r->version != NULL ? r->version : "unknown");
    kt_jw_object_begin(w);
    kt_jw_kstr(w, "generated_by", kt_str_make(gen, strlen(gen)));
    kt_jw_key(w, "span");
    kt_jw_object_begin(w);
    put_time(w, "from", r->from_ms);
    put_time(w, "to", r->to_ms);
    kt_jw_object_end(w);
    kt_jw_kcstr(w, "geo", r->geo);
    kt_jw_key(w, "keys");
    kt_jw_array_begin(w);
    drain(&o);
    for (size_t i = 0; i < view.n; i++) {
        put_key(&o, kt_rep_view_key(&view, i));
    }
    if (view.n > 0) {
        kt_jw_raw(w, "\n", 1);
    }
    kt_jw_array_end(w);
    put_totals(w, &r->totals);
    kt_jw_object_end(w);
    kt_jw_newline(w);
    drain(&o);
    if (o.w.failed || o.failed || fflush(out) != 0 || ferror(out)) {
        rc = kt_err_set(err, KT_EIO, "writing the JSON report failed");
    }
    kt_jw_fini(&o.w);
out:
    kt_rep_view_close(&view);
    return rc;
}

const struct kt_reporter kt_reporter_json = {
    .name = "json",
    .extensions = ".json",
    .render = json_render,
};
