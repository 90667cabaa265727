/*
 * Building the hunt's report model (hunt_model.h). Keys are judged in the order they joined
 * the hunt, so a created key is judged after the key that created it and inherits its verdict.
 *
 * Which uses are the other party's: with the plan's client roles when the analyses give them,
 * else by rule: a use at or after the leak time that is suspicious, or from a network or agent
 * the key did not use before the leak. Without a leak time only suspicious uses are.
 */
#include "hunt_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "hunt_render.h"
#include "timefmt.h"

#define CHANGEPOINTS_MAX 8
#define TOP_NAMES 10
#define PARTY_NAMES 20
#define HOUR_MS 3600000LL

struct key_analysis {
    struct kt_hunt_judgement j;
    enum kt_verdict scan_verdict;
    int risk;
    const struct kt_finding *findings[KT_KEY_FINDINGS * KT_HUNT_ENGINE_IDS];
    size_t n_findings;
    int64_t leak_ms;
    enum kt_hunt_leak_source leak_src;
    struct kt_hunt_changepoint cps[CHANGEPOINTS_MAX];
    size_t n_cps;
    struct kt_hunt_diff diff;
    bool has_diff;
    struct kt_hunt_plan plan;
    bool has_plan;
    uint8_t *other; /* per use: 1 when the other party's */
    size_t n_other, n_susp;
};

/* ---- small json helpers ---- */

static void put(struct json_object *o, const char *k, struct json_object *v)
{
    json_object_object_add(o, k, v);
}

static struct json_object *str_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

static struct json_object *time_or_null(int64_t ms)
{
    if (ms == KT_TIME_NONE) {
        return NULL;
    }
    char t[KT_TIME_STRLEN];
    kt_time_format(ms, t);
    return json_object_new_string(t);
}

static struct json_object *keyid_str(const struct kt_keyid *id)
{
    char s[KT_KEYID_STRLEN + 1];
    kt_keyid_format(id, s);
    return json_object_new_string(s);
}

/* ---- names of identifiers ---- */

static const char *ip_name(const struct kt_hunt *h, const struct kt_hunt_use *u)
{
    const char *s = kt_hunt_str(&h->ips, u->ip_id);
    return s != NULL ? s : "-";
}

static const char *agent_name(const struct kt_hunt *h, uint64_t id)
{
    const char *s = kt_hunt_str(&h->clients, id);
    return s != NULL ? s : "-";
}

static const char *op_name(const struct kt_hunt *h, uint64_t id)
{
    const char *s = kt_hunt_str(&h->ops, id);
    return s != NULL ? s : "-";
}

/* "AS64511 Example VPS Hosting SRL", else the /24, else "-". */
static void net_name(const struct kt_hunt *h, uint32_t asn, uint64_t net_id, char *out, size_t cap)
{
    if (asn != 0) {
        const char *org = kt_hunt_str(&h->asorgs, asn);
        snprintf(out, cap, "AS%" PRIu32 "%s%s", asn, org ? " " : "", org ? org : "");
        return;
    }
    const char *net = kt_hunt_str(&h->nets, net_id);
    snprintf(out, cap, "%s", net != NULL ? net : "-");
}

static void country_name(const struct kt_hunt_use *u, char out[3])
{
    out[0] = u->country[0];
    out[1] = u->country[1];
    out[2] = '\0';
}

/* ---- counting names ---- */

struct name_count {
    char name[128];
    uint64_t count;
    int64_t first_ms;
};

struct name_counts {
    struct name_count *v;
    size_t n, cap;
};

static void nc_add(struct name_counts *c, const char *name, int64_t t)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->v[i].name, name) == 0) {
            c->v[i].count++;
            return;
        }
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        if (ncap > 4096) {
            return; /* bounded: rarer names past this are not listed */
        }
        struct name_count *nv = realloc(c->v, ncap * sizeof(*nv));
        if (nv == NULL) {
            return;
        }
        c->v = nv;
        c->cap = ncap;
    }
    struct name_count *e = &c->v[c->n++];
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->count = 1;
    e->first_ms = t;
}

static int by_count(const void *a, const void *b)
{
    const struct name_count *x = a, *y = b;
    if (x->count != y->count) {
        return x->count < y->count ? 1 : -1;
    }
    return strcmp(x->name, y->name);
}

static struct json_object *nc_json(struct name_counts *c, size_t max, bool with_first)
{
    if (c->n > 1) {
        qsort(c->v, c->n, sizeof(*c->v), by_count);
    }
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < c->n && i < max; i++) {
        struct json_object *o = json_object_new_object();
        put(o, "name", json_object_new_string(c->v[i].name));
        put(o, "count", json_object_new_int64((int64_t)c->v[i].count));
        if (with_first) {
            put(o, "first", time_or_null(c->v[i].first_ms));
        }
        json_object_array_add(a, o);
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
    return a;
}

/* ---- one side (before / after the leak) ---- */

static struct json_object *side_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                     int64_t split, bool after)
{
    struct name_counts nets = {0}, countries = {0}, agents = {0}, ops = {0}, ips = {0};
    uint64_t uses = 0, failed = 0;
    int64_t first = KT_TIME_NONE, last = KT_TIME_NONE;
    for (size_t i = 0; i < k->n_uses; i++) {
        const struct kt_hunt_use *u = &k->uses[i];
        bool is_after = split != KT_TIME_NONE && u->time_ms >= split;
        if (is_after != after) {
            continue;
        }
        uses++;
        failed += (u->flags & KT_HUNT_USE_FAILED) != 0;
        first = first == KT_TIME_NONE ? u->time_ms : first;
        last = u->time_ms;
        char n[160], c[3];
        net_name(h, u->asn, u->net_id, n, sizeof(n));
        nc_add(&nets, n, u->time_ms);
        country_name(u, c);
        if (c[0] != '\0') {
            nc_add(&countries, c, u->time_ms);
        }
        nc_add(&agents, agent_name(h, u->client_id), u->time_ms);
        nc_add(&ops, op_name(h, u->op_id), u->time_ms);
        nc_add(&ips, ip_name(h, u), u->time_ms);
    }
    struct json_object *o = json_object_new_object();
    put(o, "uses", json_object_new_int64((int64_t)uses));
    put(o, "failed", json_object_new_int64((int64_t)failed));
    put(o, "ips", json_object_new_int64((int64_t)ips.n));
    json_object_put(nc_json(&ips, 0, false));
    put(o, "networks", nc_json(&nets, TOP_NAMES, false));
    put(o, "countries", nc_json(&countries, TOP_NAMES, false));
    put(o, "agents", nc_json(&agents, TOP_NAMES, false));
    put(o, "operations", nc_json(&ops, TOP_NAMES, false));
    put(o, "first", time_or_null(first));
    put(o, "last", time_or_null(last));
    return o;
}

/* ---- the analyses of one key ---- */

/* The plan's client a use belongs to, or -1. */
static int client_of(const struct kt_hunt_plan *p, const struct kt_hunt_use *u)
{
    for (size_t c = 0; c < p->n_clients; c++) {
        const struct kt_hunt_client *cl = &p->clients[c];
        bool same_net = u->net_id != 0 ? cl->net_id == u->net_id : cl->asn == u->asn;
        if (same_net && cl->client_id == u->client_id) {
            return (int)c;
        }
    }
    return -1;
}

static bool seen_before(const struct kt_hunt_key *k, size_t upto, int64_t split,
                        const struct kt_hunt_use *u)
{
    bool net = false, client = false;
    for (size_t i = 0; i < upto && k->uses[i].time_ms < split; i++) {
        net |= u->net_id != 0 ? k->uses[i].net_id == u->net_id : k->uses[i].ip_id == u->ip_id;
        client |= k->uses[i].client_id == u->client_id;
    }
    return net && client;
}

static void mark_other(const struct kt_hunt_key *k, struct key_analysis *a)
{
    for (size_t i = 0; i < k->n_uses; i++) {
        const struct kt_hunt_use *u = &k->uses[i];
        bool susp = (u->flags & KT_HUNT_USE_SUSPICIOUS) != 0;
        bool other = false;
        int c = a->has_plan ? client_of(&a->plan, u) : -1;
        if (c >= 0) {
            other = a->plan.clients[c].role == KT_HUNT_ROLE_OTHER_PARTY;
        } else if (a->leak_ms != KT_TIME_NONE && u->time_ms >= a->leak_ms) {
            other = susp || a->j.verdict != KT_HUNT_NO_EVIDENCE ? !seen_before(k, i, a->leak_ms, u)
                                                                : false;
            other |= susp;
        } else {
            other = susp;
        }
        a->other[i] = other;
        a->n_other += other;
        a->n_susp += susp;
    }
}

static void collect_findings(const struct kt_hunt *h, const struct kt_hunt_key *k,
                             struct key_analysis *a)
{
    a->scan_verdict = KT_VERDICT_OK;
    a->risk = 0;
    for (size_t i = 0; i < k->n_ids; i++) {
        const struct kt_keystate *ks = kt_engine_keystate(h->engine, &k->ids[i]);
        if (ks == NULL) {
            continue;
        }
        enum kt_verdict v;
        int risk = kt_engine_risk(h->engine, ks, &v);
        a->scan_verdict = KT_MAX(a->scan_verdict, v);
        a->risk = KT_MAX(a->risk, risk);
        for (size_t f = 0; f < ks->n_findings && a->n_findings < KT_ARRAY_LEN(a->findings); f++) {
            a->findings[a->n_findings++] = kt_engine_key_finding(h->engine, ks, f);
        }
    }
}

/*
 * Whether the key's first use is already the other party's: a use before its first suspicious
 * one from another network or agent would be someone else's (the owner's), so none may be. A
 * thief's reconnaissance trips a detector only after a few calls; those calls are theirs too.
 */
static bool first_use_theirs(const struct kt_hunt_key *k)
{
    if (k->first_susp == SIZE_MAX || k->first_susp >= k->n_uses) {
        return false;
    }
    const struct kt_hunt_use *s = &k->uses[k->first_susp];
    for (size_t i = 0; i < k->first_susp; i++) {
        const struct kt_hunt_use *u = &k->uses[i];
        bool same_net = s->net_id != 0 ? u->net_id == s->net_id : u->ip_id == s->ip_id;
        if (!same_net || u->client_id != s->client_id) {
            return false;
        }
    }
    return true;
}

static enum kt_rc analyse(const struct kt_hunt *h, size_t ki, const struct kt_hunt_model_opts *o,
                          struct key_analysis *all)
{
    const struct kt_hunt_key *k = &h->keys[ki];
    struct key_analysis *a = &all[ki];
    collect_findings(h, k, a);
    a->n_cps = kt_hunt_changepoints(k->uses, k->n_uses, a->cps, CHANGEPOINTS_MAX);
    bool first_susp = first_use_theirs(k);
    int64_t first_ms = k->n_uses > 0 ? k->uses[0].time_ms : KT_TIME_NONE;
    a->leak_ms =
        kt_hunt_leak_time(o->leaked_ms, k->how, k->found_ms, a->n_cps > 0 ? &a->cps[0] : NULL,
                          first_susp, first_ms, &a->leak_src);
    if (a->leak_ms != KT_TIME_NONE) {
        if (kt_hunt_compare(k->uses, k->n_uses, a->leak_ms, &a->diff) != KT_OK) {
            return KT_ENOMEM;
        }
        a->has_diff = true;
    }
    if (kt_hunt_plan(k->uses, k->n_uses, a->leak_ms, o->rotated_ms, &a->plan) != KT_OK) {
        return KT_ENOMEM;
    }
    a->has_plan = true;
    size_t susp = 0;
    for (size_t i = 0; i < k->n_uses; i++) {
        susp += (k->uses[i].flags & KT_HUNT_USE_SUSPICIOUS) != 0;
    }
    struct kt_hunt_evidence ev = {
        .scan_verdict = a->scan_verdict,
        .risk = a->risk,
        .findings = a->findings,
        .n_findings = a->n_findings,
        .n_uses = k->n_uses,
        .suspicious_uses = susp,
        .first_use_suspicious = first_susp,
        .how = k->how,
        .parent = k->how != KT_HUNT_GIVEN ? all[k->from].j.verdict : KT_HUNT_NO_EVIDENCE,
        .cp = a->n_cps > 0 ? &a->cps[0] : NULL,
        .diff = a->leak_src == KT_HUNT_LEAK_GIVEN ? &a->diff : NULL,
    };
    snprintf(ev.parent_op, sizeof(ev.parent_op), "%s", k->found_op);
    kt_hunt_judge(&ev, &a->j);
    a->other = calloc(k->n_uses + 1, 1);
    if (a->other == NULL) {
        return KT_ENOMEM;
    }
    mark_other(k, a);
    return KT_OK;
}

static void analysis_free(struct key_analysis *a)
{
    if (a->has_diff) {
        kt_hunt_diff_free(&a->diff);
    }
    if (a->has_plan) {
        kt_hunt_plan_free(&a->plan);
    }
    free(a->other);
}

/* ---- the members of one key ---- */

static struct json_object *string_set(struct name_counts *c, size_t max)
{
    if (c->n > 1) {
        qsort(c->v, c->n, sizeof(*c->v), by_count);
    }
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < c->n && i < max; i++) {
        json_object_array_add(a, json_object_new_string(c->v[i].name));
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
    return a;
}

static struct json_object *other_party_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                            const struct key_analysis *a)
{
    struct name_counts ips = {0}, nets = {0}, countries = {0}, agents = {0};
    for (size_t i = 0; i < k->n_uses; i++) {
        if (!a->other[i]) {
            continue;
        }
        const struct kt_hunt_use *u = &k->uses[i];
        char n[160], c[3];
        nc_add(&ips, ip_name(h, u), u->time_ms);
        net_name(h, u->asn, u->net_id, n, sizeof(n));
        nc_add(&nets, n, u->time_ms);
        country_name(u, c);
        if (c[0] != '\0') {
            nc_add(&countries, c, u->time_ms);
        }
        nc_add(&agents, agent_name(h, u->client_id), u->time_ms);
    }
    struct json_object *o = json_object_new_object();
    put(o, "ips", string_set(&ips, PARTY_NAMES));
    put(o, "networks", string_set(&nets, PARTY_NAMES));
    put(o, "countries", string_set(&countries, PARTY_NAMES));
    put(o, "agents", string_set(&agents, PARTY_NAMES));
    return o;
}

static const struct kt_hunt_note *note_of(const struct kt_hunt_key *k, size_t use)
{
    uint32_t n = k->refs[use].note;
    return n != UINT32_MAX && n < k->n_notes ? &k->notes[n] : NULL;
}

static struct json_object *use_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                    const struct key_analysis *a, size_t i, bool full)
{
    const struct kt_hunt_use *u = &k->uses[i];
    const struct kt_hunt_ref *r = &k->refs[i];
    struct json_object *o = json_object_new_object();
    put(o, "time", time_or_null(u->time_ms));
    put(o, "ip", json_object_new_string(ip_name(h, u)));
    if (full) {
        char c[3];
        country_name(u, c);
        put(o, "country", str_or_null(c));
        put(o, "asn", u->asn ? json_object_new_int64(u->asn) : NULL);
        put(o, "agent", json_object_new_string(agent_name(h, u->client_id)));
    }
    put(o, "operation", json_object_new_string(op_name(h, u->op_id)));
    put(o, "resource", str_or_null(kt_hunt_str(&h->endpoints, u->endpoint_id)));
    put(o, "status", u->status ? json_object_new_int(u->status) : NULL);
    put(o, "error", str_or_null(kt_hunt_str(&h->errors, r->error_id)));
    if (full) {
        put(o, "file", str_or_null(kt_hunt_str(&h->files, r->file_id)));
        put(o, "line", json_object_new_int64((int64_t)r->line));
        put(o, "side",
            json_object_new_string(
                a->leak_ms != KT_TIME_NONE && u->time_ms >= a->leak_ms ? "after" : "before"));
        put(o, "suspicious", json_object_new_boolean((u->flags & KT_HUNT_USE_SUSPICIOUS) != 0));
    }
    put(o, "party", json_object_new_string(a->other[i] ? "other party" : "owner"));
    const struct kt_hunt_note *n = note_of(k, i);
    if (n != NULL && n->grant[0] != '\0') {
        put(o, "grant", json_object_new_string(n->grant));
    }
    if (n != NULL && n->created >= 0) {
        put(o, "created_key", keyid_str(&h->keys[n->created].target.key));
        put(o, "created_hint", json_object_new_string(h->keys[n->created].hint));
    }
    return o;
}

static struct json_object *sources_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                        const struct key_analysis *a)
{
    struct json_object *arr = json_object_new_array();
    /* One row per address, in order of first use; bounded by KT_HUNT_LIST_MAX rows. */
    uint64_t *seen = calloc(KT_HUNT_LIST_MAX, sizeof(uint64_t));
    size_t n_seen = 0;
    if (seen == NULL) {
        return arr;
    }
    for (size_t i = 0; i < k->n_uses && n_seen < KT_HUNT_LIST_MAX; i++) {
        uint64_t id = k->uses[i].ip_id;
        bool dup = false;
        for (size_t s = 0; s < n_seen && !dup; s++) {
            dup = seen[s] == id;
        }
        if (dup) {
            continue;
        }
        seen[n_seen++] = id;
        const struct kt_hunt_use *first = &k->uses[i];
        uint64_t uses = 0, failed = 0;
        int64_t last = first->time_ms;
        bool other = false;
        for (size_t j = i; j < k->n_uses; j++) {
            if (k->uses[j].ip_id == id) {
                uses++;
                failed += (k->uses[j].flags & KT_HUNT_USE_FAILED) != 0;
                last = k->uses[j].time_ms;
                other |= a->other[j] != 0;
            }
        }
        struct json_object *o = json_object_new_object();
        char c[3];
        country_name(first, c);
        put(o, "ip", json_object_new_string(ip_name(h, first)));
        put(o, "country", str_or_null(c));
        put(o, "city", str_or_null(kt_hunt_str(&h->cities, id)));
        put(o, "asn", first->asn ? json_object_new_int64(first->asn) : NULL);
        put(o, "as_org", str_or_null(first->asn ? kt_hunt_str(&h->asorgs, first->asn) : NULL));
        put(o, "hosting", json_object_new_boolean((first->flags & KT_HUNT_USE_HOSTING) != 0));
        put(o, "uses", json_object_new_int64((int64_t)uses));
        put(o, "failed", json_object_new_int64((int64_t)failed));
        put(o, "first", time_or_null(first->time_ms));
        put(o, "last", time_or_null(last));
        put(o, "party", json_object_new_string(other ? "other party" : "owner"));
        json_object_array_add(arr, o);
    }
    free(seen);
    return arr;
}

static struct json_object *timeline_json(const struct kt_hunt_key *k, const struct key_analysis *a,
                                         int64_t rotated_ms)
{
    int64_t center = a->leak_ms;
    if (center == KT_TIME_NONE && k->first_susp != SIZE_MAX) {
        center = k->uses[k->first_susp].time_ms;
    }
    if (center == KT_TIME_NONE && k->n_uses > 0) {
        center = k->uses[k->n_uses - 1].time_ms;
    }
    struct json_object *o = json_object_new_object();
    put(o, "bucket", json_object_new_string("hour"));
    struct json_object *before = json_object_new_array(), *after = json_object_new_array(),
                       *susp = json_object_new_array(), *marks = json_object_new_array();
    int64_t start = KT_TIME_NONE;
    if (center != KT_TIME_NONE) {
        int64_t hour = center - ((center % HOUR_MS) + HOUR_MS) % HOUR_MS;
        start = hour - 12 * HOUR_MS;
        uint64_t b[24] = {0}, af[24] = {0}, s[24] = {0};
        for (size_t i = 0; i < k->n_uses; i++) {
            const struct kt_hunt_use *u = &k->uses[i];
            if (u->time_ms < start || u->time_ms >= start + 24 * HOUR_MS) {
                continue;
            }
            size_t slot = (size_t)((u->time_ms - start) / HOUR_MS);
            bool is_after = a->leak_ms != KT_TIME_NONE && u->time_ms >= a->leak_ms;
            (is_after ? af : b)[slot]++;
            s[slot] += (u->flags & KT_HUNT_USE_SUSPICIOUS) != 0;
        }
        for (size_t i = 0; i < 24; i++) {
            json_object_array_add(before, json_object_new_int64((int64_t)b[i]));
            json_object_array_add(after, json_object_new_int64((int64_t)af[i]));
            json_object_array_add(susp, json_object_new_int64((int64_t)s[i]));
        }
    }
    struct {
        const char *what;
        int64_t t;
    } m[] = {{"leak", a->leak_ms},
             {"first suspicious use",
              k->first_susp != SIZE_MAX ? k->uses[k->first_susp].time_ms : KT_TIME_NONE},
             {"rotation", rotated_ms}};
    for (size_t i = 0; i < KT_ARRAY_LEN(m); i++) {
        if (m[i].t != KT_TIME_NONE) {
            struct json_object *mk = json_object_new_object();
            put(mk, "what", json_object_new_string(m[i].what));
            put(mk, "time", time_or_null(m[i].t));
            json_object_array_add(marks, mk);
        }
    }
    put(o, "start", time_or_null(start));
    put(o, "before", before);
    put(o, "after", after);
    put(o, "suspicious", susp);
    put(o, "marks", marks);
    return o;
}

static struct json_object *novel_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                      const struct kt_hunt_novel *v, size_t n, char kind)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n && i < KT_HUNT_LIST_MAX; i++) {
        char name[160] = "-";
        const struct kt_hunt_use *u = v[i].first_use < k->n_uses ? &k->uses[v[i].first_use] : NULL;
        switch (kind) {
        case 'i': snprintf(name, sizeof(name), "%s", u ? ip_name(h, u) : "-"); break;
        case 'n': net_name(h, u ? u->asn : 0, v[i].id, name, sizeof(name)); break;
        case 'a': net_name(h, (uint32_t)v[i].id, 0, name, sizeof(name)); break;
        case 'c':
            name[0] = (char)(v[i].id & 0xff);
            name[1] = (char)((v[i].id >> 8) & 0xff);
            name[2] = '\0';
            if (u != NULL) {
                country_name(u, name);
            }
            break;
        case 'g': snprintf(name, sizeof(name), "%s", agent_name(h, v[i].id)); break;
        default: snprintf(name, sizeof(name), "%s", op_name(h, v[i].id)); break;
        }
        struct json_object *o = json_object_new_object();
        put(o, "name", json_object_new_string(name));
        put(o, "count", json_object_new_int64((int64_t)v[i].uses));
        put(o, "first", time_or_null(u ? u->time_ms : KT_TIME_NONE));
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *only_after_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                           const struct key_analysis *a)
{
    struct json_object *o = json_object_new_object();
    const struct kt_hunt_diff *d = &a->diff;
    bool ok = a->has_diff;
    put(o, "ips", novel_json(h, k, d->ips, ok ? d->n_ips : 0, 'i'));
    put(o, "networks", novel_json(h, k, d->nets, ok ? d->n_nets : 0, 'n'));
    put(o, "countries", novel_json(h, k, d->countries, ok ? d->n_countries : 0, 'c'));
    put(o, "agents", novel_json(h, k, d->clients, ok ? d->n_clients : 0, 'g'));
    put(o, "operations", novel_json(h, k, d->ops, ok ? d->n_ops : 0, 'o'));
    return o;
}

static struct json_object *counts_json(const struct kt_hunt *h, const struct kt_hunt_count *c,
                                       bool ops)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < KT_HUNT_CLIENT_TOP && c[i].count > 0; i++) {
        struct json_object *o = json_object_new_object();
        const char *name = ops ? op_name(h, c[i].id) : kt_hunt_str(&h->endpoints, c[i].id);
        put(o, "name", json_object_new_string(name ? name : "-"));
        put(o, "count", json_object_new_int64((int64_t)c[i].count));
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *plan_json(const struct kt_hunt *h, const struct key_analysis *a)
{
    struct json_object *consumers = json_object_new_array(), *other = json_object_new_array(),
                       *unsure = json_object_new_array();
    for (size_t i = 0; a->has_plan && i < a->plan.n_clients; i++) {
        const struct kt_hunt_client *c = &a->plan.clients[i];
        struct json_object *o = json_object_new_object();
        char net[160], cc[3] = {c->country[0], c->country[1], 0};
        net_name(h, c->asn, c->net_id, net, sizeof(net));
        put(o, "role", json_object_new_string(kt_hunt_role_name(c->role)));
        put(o, "network", json_object_new_string(net));
        put(o, "country", str_or_null(cc));
        struct json_object *ips = json_object_new_array();
        for (size_t j = 0; j < KT_HUNT_CLIENT_TOP && c->ips[j].count > 0; j++) {
            const char *ip = kt_hunt_str(&h->ips, c->ips[j].id);
            json_object_array_add(ips, json_object_new_string(ip ? ip : "-"));
        }
        put(o, "ips", ips);
        put(o, "agent", json_object_new_string(agent_name(h, c->client_id)));
        put(o, "operations", counts_json(h, c->ops, true));
        put(o, "endpoints", counts_json(h, c->endpoints, false));
        put(o, "first", time_or_null(c->first_ms));
        put(o, "last", time_or_null(c->last_ms));
        put(o, "uses", json_object_new_int64((int64_t)c->uses));
        put(o, "failed", json_object_new_int64((int64_t)c->failed));
        put(o, "after_rotation", json_object_new_int64((int64_t)c->after_rotation));
        json_object_array_add(c->role == KT_HUNT_ROLE_CONSUMER      ? consumers
                              : c->role == KT_HUNT_ROLE_OTHER_PARTY ? other
                                                                    : unsure,
                              o);
    }
    struct json_object *p = json_object_new_object();
    put(p, "consumers", consumers);
    put(p, "other_party", other);
    put(p, "unsure", unsure);
    return p;
}

static struct json_object *after_rotation_json(const struct kt_hunt *h, const struct kt_hunt_key *k,
                                               const struct key_analysis *a, int64_t rotated_ms)
{
    struct json_object *arr = json_object_new_array();
    if (rotated_ms == KT_TIME_NONE) {
        return arr;
    }
    size_t listed = 0;
    for (size_t i = 0; i < k->n_uses && listed < KT_HUNT_LIST_MAX; i++) {
        if (k->uses[i].time_ms < rotated_ms) {
            continue;
        }
        struct json_object *o = use_json(h, k, a, i, false);
        /* What it resembles: the plan's say when it has one, else who used it. */
        const char *like = a->other[i] ? "other party" : "consumer";
        for (size_t l = 0; a->has_plan && l < a->plan.n_late; l++) {
            if (a->plan.late[l].use == i) {
                like = kt_hunt_role_name(a->plan.late[l].resembles);
            }
        }
        put(o, "resembles", json_object_new_string(like));
        json_object_array_add(arr, o);
        listed++;
    }
    return arr;
}

static struct json_object *findings_json(const struct key_analysis *a)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->n_findings; i++) {
        const struct kt_finding *f = a->findings[i];
        struct json_object *o = json_object_new_object();
        put(o, "detector", json_object_new_string(f->detector));
        put(o, "severity", json_object_new_string(kt_severity_name(f->severity)));
        put(o, "time", time_or_null(f->time_ms));
        put(o, "reason", json_object_new_string(f->reason));
        put(o, "count", json_object_new_int64((int64_t)f->count));
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *changepoints_json(const struct key_analysis *a)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->n_cps; i++) {
        struct json_object *o = json_object_new_object();
        char sig[200];
        kt_hunt_signal_names(a->cps[i].signals, sig, sizeof(sig));
        put(o, "time", time_or_null(a->cps[i].time_ms));
        put(o, "score", json_object_new_double(a->cps[i].score));
        put(o, "confidence", json_object_new_string(kt_hunt_confidence_name(a->cps[i].confidence)));
        put(o, "signals", json_object_new_string(sig));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* What to do next, in the order a responder does it. */
static struct json_object *next_steps_json(const struct kt_hunt *h, size_t ki,
                                           const struct key_analysis *a)
{
    const struct kt_hunt_key *k = &h->keys[ki];
    struct json_object *arr = json_object_new_array();
    char line[512];
    if (a->j.verdict == KT_HUNT_NO_EVIDENCE) {
        snprintf(line, sizeof(line),
                 "Rotate %s if it leaked all the same: update the consumers "
                 "of the rotation plan first",
                 k->hint[0] ? k->hint : "the key");
        json_object_array_add(arr, json_object_new_string(line));
        return arr;
    }
    size_t created = 0;
    char list[256] = "";
    for (size_t l = 0; l < h->n_links; l++) {
        if (h->links[l].from == ki) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof(list) - len, "%s%s", created ? ", " : "",
                     h->keys[h->links[l].to].hint);
            created++;
        }
    }
    if (k->family == KT_FAM_AWS) {
        snprintf(line, sizeof(line), "Deactivate access key %s%s%s%s", k->hint,
                 created ? " and the key" : "",
                 created > 1 ? "s it created, "
                 : created   ? " it created, "
                             : "",
                 list);
    } else {
        snprintf(line, sizeof(line), "Revoke %s now%s%s", k->hint[0] ? k->hint : "the key",
                 created ? " and the keys it created: " : "", list);
    }
    json_object_array_add(arr, json_object_new_string(line));
    for (size_t n = 0; n < k->n_notes; n++) {
        const struct kt_hunt_note *nt = &k->notes[n];
        if (nt->grant[0] != '\0' && a->other[nt->use]) {
            const char *res = kt_hunt_str(&h->endpoints, k->uses[nt->use].endpoint_id);
            snprintf(line, sizeof(line), "Undo %s%s%s%s%s: it granted %.160s%s",
                     op_name(h, k->uses[nt->use].op_id), res ? " on " : "", res ? res : "",
                     k->actor[0] ? " for " : "", k->actor, nt->grant,
                     strlen(nt->grant) > 160 ? "..." : "");
            json_object_array_add(arr, json_object_new_string(line));
        }
    }
    if (a->n_other > 0) {
        json_object_array_add(
            arr, json_object_new_string("Review what the other party's operations below read or "
                                        "changed, and block its addresses"));
    }
    json_object_array_add(
        arr, json_object_new_string("Update every consumer of the rotation plan, then watch for "
                                    "use of the old key (keytrail scan --rotated)"));
    return arr;
}

static struct json_object *key_json(const struct kt_hunt *h, size_t ki,
                                    const struct key_analysis *all,
                                    const struct kt_hunt_model_opts *opts)
{
    const struct kt_hunt_key *k = &h->keys[ki];
    const struct key_analysis *a = &all[ki];
    struct json_object *o = json_object_new_object();
    put(o, "key", keyid_str(&k->target.key));
    put(o, "family", json_object_new_string(kt_family_name(k->family)));
    put(o, "kind", str_or_null(k->kind));
    put(o, "hint", str_or_null(k->hint));
    put(o, "account", str_or_null(k->account));
    put(o, "actor", str_or_null(k->actor));
    struct json_object *found = json_object_new_object();
    put(found, "how", json_object_new_string(kt_hunt_how_name(k->how)));
    put(found, "from", k->how != KT_HUNT_GIVEN ? keyid_str(&h->keys[k->from].target.key) : NULL);
    put(found, "operation", str_or_null(k->how != KT_HUNT_GIVEN ? k->found_op : NULL));
    put(found, "time", time_or_null(k->how != KT_HUNT_GIVEN ? k->found_ms : KT_TIME_NONE));
    put(o, "found", found);
    put(o, "verdict", json_object_new_string(kt_hunt_verdict_name(a->j.verdict)));
    struct json_object *reasons = json_object_new_array();
    for (size_t i = 0; i < a->j.n_reasons; i++) {
        json_object_array_add(reasons, json_object_new_string(a->j.reasons[i]));
    }
    put(o, "reasons", reasons);
    put(o, "scan_verdict", json_object_new_string(kt_verdict_name(a->scan_verdict)));
    put(o, "risk", json_object_new_int(a->risk));
    struct json_object *leak = json_object_new_object();
    put(leak, "time", time_or_null(a->leak_ms));
    put(leak, "source", json_object_new_string(kt_hunt_leak_source_name(a->leak_src)));
    const char *conf = a->leak_src == KT_HUNT_LEAK_CHANGEPOINT
                           ? kt_hunt_confidence_name(a->cps[0].confidence)
                       : a->leak_src == KT_HUNT_LEAK_NONE ? NULL
                                                          : "high";
    put(leak, "confidence", str_or_null(conf));
    put(leak, "note",
        str_or_null(a->leak_src == KT_HUNT_LEAK_FIRST_USE
                        ? "no use before the other party's: the key's whole "
                          "history is theirs"
                        : NULL));
    put(o, "leak", leak);
    if (k->first_susp != SIZE_MAX) {
        const struct kt_hunt_use *u = &k->uses[k->first_susp];
        struct json_object *fs = json_object_new_object();
        put(fs, "time", time_or_null(u->time_ms));
        put(fs, "ip", json_object_new_string(ip_name(h, u)));
        put(fs, "operation", json_object_new_string(op_name(h, u->op_id)));
        put(fs, "detector", json_object_new_string(k->susp_detector));
        put(fs, "reason", json_object_new_string(k->susp_reason));
        put(o, "first_suspicious", fs);
    } else {
        put(o, "first_suspicious", NULL);
    }
    /* The other party's first use: earlier than the first suspicious one when their first
     * calls tripped nothing yet (a detector of bursts fires at the burst's sixth call). */
    struct json_object *fo = NULL;
    for (size_t i = 0; i < k->n_uses && fo == NULL; i++) {
        if (a->other[i]) {
            fo = json_object_new_object();
            put(fo, "time", time_or_null(k->uses[i].time_ms));
            put(fo, "ip", json_object_new_string(ip_name(h, &k->uses[i])));
            put(fo, "operation", json_object_new_string(op_name(h, k->uses[i].op_id)));
        }
    }
    put(o, "first_other_party", fo);
    put(o, "other_party", other_party_json(h, k, a));
    put(o, "next_steps", next_steps_json(h, ki, a));
    uint64_t before = 0, failed = 0;
    for (size_t i = 0; i < k->n_uses; i++) {
        before += a->leak_ms == KT_TIME_NONE || k->uses[i].time_ms < a->leak_ms;
        failed += (k->uses[i].flags & KT_HUNT_USE_FAILED) != 0;
    }
    size_t listed = KT_MIN(k->n_uses, (size_t)KT_HUNT_LIST_MAX);
    struct json_object *uses = json_object_new_object();
    put(uses, "total", json_object_new_int64((int64_t)k->total));
    put(uses, "before", json_object_new_int64((int64_t)before));
    put(uses, "after", json_object_new_int64((int64_t)(k->n_uses - before)));
    put(uses, "failed", json_object_new_int64((int64_t)failed));
    put(uses, "suspicious", json_object_new_int64((int64_t)a->n_susp));
    put(uses, "other_party", json_object_new_int64((int64_t)a->n_other));
    put(uses, "listed", json_object_new_int64((int64_t)listed));
    put(uses, "truncated", json_object_new_boolean(listed < k->total));
    put(o, "uses", uses);
    put(o, "timeline", timeline_json(k, a, opts->rotated_ms));
    put(o, "before", side_json(h, k, a->leak_ms, false));
    put(o, "after", side_json(h, k, a->leak_ms, true));
    put(o, "only_after", only_after_json(h, k, a));
    put(o, "sources", sources_json(h, k, a));
    struct json_object *ops = json_object_new_array();
    for (size_t i = 0, n = 0; i < k->n_uses && n < KT_HUNT_LIST_MAX; i++) {
        if (a->other[i]) {
            json_object_array_add(ops, use_json(h, k, a, i, false));
            n++;
        }
    }
    put(o, "operations", ops);
    put(o, "findings", findings_json(a));
    put(o, "changepoints", changepoints_json(a));
    put(o, "plan", plan_json(h, a));
    put(o, "after_rotation", after_rotation_json(h, k, a, opts->rotated_ms));
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < listed; i++) {
        json_object_array_add(list, use_json(h, k, a, i, true));
    }
    put(o, "use_list", list);
    kt_hunt_guidance_add(o, k->family);
    return o;
}

static struct json_object *chain_json(const struct kt_hunt *h)
{
    struct json_object *arr = json_object_new_array();
    for (size_t l = 0; l < h->n_links; l++) {
        const struct kt_hunt_link *ln = &h->links[l];
        struct json_object *o = json_object_new_object();
        put(o, "from", keyid_str(&h->keys[ln->from].target.key));
        put(o, "from_hint", str_or_null(h->keys[ln->from].hint));
        put(o, "to", keyid_str(&h->keys[ln->to].target.key));
        put(o, "to_hint", str_or_null(h->keys[ln->to].hint));
        put(o, "how", json_object_new_string(ln->op));
        put(o, "kind", json_object_new_string(kt_hunt_how_name(ln->how)));
        put(o, "time", time_or_null(ln->time_ms));
        put(o, "ip", str_or_null(ln->ip));
        json_object_array_add(arr, o);
    }
    return arr;
}

enum kt_rc kt_hunt_model_build(const struct kt_hunt *h, const struct kt_hunt_model_opts *opts,
                               struct json_object **out, enum kt_hunt_verdict *worst)
{
    *out = NULL;
    *worst = KT_HUNT_NO_EVIDENCE;
    struct key_analysis *all = calloc(h->n_keys + 1, sizeof(*all));
    if (all == NULL) {
        return KT_ENOMEM;
    }
    enum kt_rc rc = KT_OK;
    for (size_t i = 0; i < h->n_keys && rc == KT_OK; i++) {
        rc = analyse(h, i, opts, all);
        *worst = KT_MAX(*worst, all[i].j.verdict);
    }
    if (rc != KT_OK) {
        goto out;
    }
    struct json_object *doc = json_object_new_object();
    char by[64];
    snprintf(by, sizeof(by), "keytrail %s", KT_VERSION);
    put(doc, "generated_by", json_object_new_string(by));
    put(doc, "kind", json_object_new_string("hunt"));
    struct json_object *span = json_object_new_object();
    put(span, "from", time_or_null(opts->from_ms));
    put(span, "to", time_or_null(opts->to_ms));
    put(doc, "span", span);
    struct json_object *inputs = json_object_new_object();
    const struct kt_run_stats *st = opts->stats;
    put(inputs, "files", json_object_new_int64(st ? (int64_t)st->files : 0));
    put(inputs, "records", json_object_new_int64(st ? (int64_t)st->records : 0));
    put(inputs, "events", json_object_new_int64(st ? (int64_t)st->events : 0));
    put(inputs, "malformed", json_object_new_int64(st ? (int64_t)st->bad_total : 0));
    put(doc, "inputs", inputs);
    put(doc, "geo", str_or_null(opts->geo));
    put(doc, "leaked_at", time_or_null(opts->leaked_ms));
    put(doc, "rotated_at", time_or_null(opts->rotated_ms));
    put(doc, "verdict", json_object_new_string(kt_hunt_verdict_name(*worst)));
    struct json_object *keys = json_object_new_array();
    for (size_t i = 0; i < h->n_keys; i++) {
        json_object_array_add(keys, key_json(h, i, all, opts));
    }
    put(doc, "keys", keys);
    put(doc, "chain", chain_json(h));
    put(doc, "keys_not_followed", json_object_new_int64((int64_t)h->keys_refused));
    *out = doc;
out:
    for (size_t i = 0; i < h->n_keys; i++) {
        analysis_free(&all[i]);
    }
    free(all);
    return rc;
}
