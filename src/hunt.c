/*
 * The hunt's pass (hunt.h): which events are a hunted key's, what each use was, and whether the
 * engine found it suspicious.
 *
 * Only events that carry a hunted key reach the engine: its judgement of a key reads that key's
 * own history, so leaving the rest of the logs out changes nothing for the hunted keys and
 * keeps a hunt a filter. "Suspicious" is read off the engine's findings: the counts of the key's
 * high and critical findings are taken before and after the event, and a change (a new finding
 * or one more occurrence of an old one) marks the use.
 */
#include "hunt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keytrail/useragent.h>

#include "hash.h"
#include "ipaddr.h"
#include "redact.h"

const char *kt_hunt_how_name(enum kt_hunt_how how)
{
    return how == KT_HUNT_CREATED ? "created" : how == KT_HUNT_MINTED ? "minted" : "given";
}

/* ---- string tables ---- */

static size_t slot_of(const struct kt_hunt_strtab *t, uint64_t id)
{
    size_t s = (size_t)(id * 0x9e3779b97f4a7c15ULL) & (t->cap - 1);
    while (t->ids[s] != 0 && t->ids[s] != id) {
        s = (s + 1) & (t->cap - 1);
    }
    return s;
}

const char *kt_hunt_str(const struct kt_hunt_strtab *t, uint64_t id)
{
    if (id == 0 || t->cap == 0) {
        return NULL;
    }
    size_t s = slot_of(t, id);
    return t->ids[s] == id ? t->texts[s] : NULL;
}

static bool grow(struct kt_hunt_strtab *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    struct kt_hunt_strtab n = {.ids = calloc(ncap, sizeof(uint64_t)),
                               .texts = calloc(ncap, sizeof(char *)),
                               .cap = ncap,
                               .n = t->n};
    if (n.ids == NULL || n.texts == NULL) {
        free(n.ids);
        free(n.texts);
        return false;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->ids[i] != 0) {
            size_t s = slot_of(&n, t->ids[i]);
            n.ids[s] = t->ids[i];
            n.texts[s] = t->texts[i];
        }
    }
    free(t->ids);
    free(t->texts);
    *t = n;
    return true;
}

bool kt_hunt_str_put(struct kt_hunt_strtab *t, uint64_t id, struct kt_str text)
{
    if (id == 0 || kt_hunt_str(t, id) != NULL || t->n >= KT_HUNT_STR_MAX) {
        return true;
    }
    if ((t->n + 1) * 2 > t->cap && !grow(t)) {
        return false;
    }
    char buf[256];
    kt_redact_name(text, buf, sizeof(buf));
    char *copy = strdup(buf);
    if (copy == NULL) {
        return false;
    }
    size_t s = slot_of(t, id);
    t->ids[s] = id;
    t->texts[s] = copy;
    t->n++;
    return true;
}

void kt_hunt_strtab_fini(struct kt_hunt_strtab *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->texts[i]);
    }
    free(t->ids);
    free(t->texts);
    memset(t, 0, sizeof(*t));
}

/* ---- keys ---- */

void kt_hunt_init(struct kt_hunt *h, struct kt_engine *engine, const struct kt_observer *obs,
                  struct kt_needles *needles)
{
    memset(h, 0, sizeof(*h));
    h->engine = engine;
    if (obs != NULL) {
        h->observer = *obs;
    }
    h->needles = needles;
}

void kt_hunt_fini(struct kt_hunt *h)
{
    for (size_t i = 0; i < h->n_keys; i++) {
        free(h->keys[i].uses);
        free(h->keys[i].refs);
        free(h->keys[i].notes);
    }
    struct kt_hunt_strtab *tabs[] = {&h->ips,   &h->nets,   &h->clients, &h->ops,   &h->endpoints,
                                     &h->files, &h->errors, &h->asorgs,  &h->cities};
    for (size_t i = 0; i < KT_ARRAY_LEN(tabs); i++) {
        kt_hunt_strtab_fini(tabs[i]);
    }
    h->n_keys = 0;
}

void kt_hunt_reset_uses(struct kt_hunt *h)
{
    for (size_t i = 0; i < h->n_keys; i++) {
        struct kt_hunt_key *k = &h->keys[i];
        free(k->uses);
        free(k->refs);
        free(k->notes);
        k->uses = NULL;
        k->refs = NULL;
        k->notes = NULL;
        k->n_uses = k->cap_uses = k->n_notes = 0;
        k->total = 0;
        k->n_ids = 0;
        k->first_susp = SIZE_MAX;
        k->susp_detector[0] = k->susp_reason[0] = '\0';
    }
    h->keys_refused = 0;
    h->uses_kept = 0;
}

static bool same_target(const struct kt_hunt_target *a, const struct kt_hunt_target *b)
{
    return kt_keyid_eq(&a->key, &b->key) && a->by_issuer == b->by_issuer;
}

bool kt_hunt_add_target(struct kt_hunt *h, const struct kt_hunt_target *t)
{
    for (size_t i = 0; i < h->n_keys; i++) {
        if (same_target(&h->keys[i].target, t)) {
            return false;
        }
    }
    if (h->n_keys == KT_HUNT_MAX_KEYS) {
        return false;
    }
    struct kt_hunt_key *k = &h->keys[h->n_keys++];
    memset(k, 0, sizeof(*k));
    k->target = *t;
    k->first_susp = SIZE_MAX;
    k->found_ms = KT_TIME_NONE;
    if (t->recognised) {
        k->family = t->cred.family;
        kt_str_copy(k->kind, sizeof(k->kind), kt_str_cstr(t->cred.kind));
        kt_str_copy(k->hint, sizeof(k->hint), kt_str_cstr(t->cred.hint));
        kt_str_copy(k->account, sizeof(k->account), kt_str_cstr(t->cred.account));
    } else if (t->by_issuer) {
        k->family = KT_FAM_JWT;
        kt_str_copy(k->kind, sizeof(k->kind), KT_STR_LIT("jwt"));
        snprintf(k->hint, sizeof(k->hint), "jwt iss=%.80s", t->iss);
    }
    return true;
}

int kt_hunt_match(const struct kt_hunt *h, const struct kt_cred *c)
{
    for (size_t i = 0; i < h->n_keys; i++) {
        const struct kt_hunt_target *t = &h->keys[i].target;
        if (kt_keyid_eq(&t->key, &c->key) ||
            (c->family == KT_FAM_JWT && kt_keyid_eq(&t->key, &c->token)) ||
            (t->by_issuer && c->family == KT_FAM_JWT && strcmp(c->jwt.iss, t->iss) == 0)) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- one use ---- */

/* The high and critical findings of a key and their counts, before an event. */
struct susp_snap {
    size_t n;
    uint64_t counts[KT_KEY_FINDINGS];
};

static void snap_take(const struct kt_engine *e, const struct kt_keyid *key, struct susp_snap *s)
{
    const struct kt_keystate *ks = kt_engine_keystate(e, key);
    s->n = 0;
    if (ks == NULL) {
        return;
    }
    s->n = ks->n_findings;
    for (size_t i = 0; i < ks->n_findings; i++) {
        s->counts[i] = kt_engine_key_finding(e, ks, i)->count;
    }
}

/* The strongest high or critical finding the event raised or repeated, or NULL. */
static const struct kt_finding *snap_raised(const struct kt_engine *e, const struct kt_keyid *key,
                                            const struct susp_snap *s, bool *quarantined,
                                            uint64_t q_before)
{
    const struct kt_keystate *ks = kt_engine_keystate(e, key);
    const struct kt_finding *best = NULL;
    *quarantined = false;
    if (ks == NULL) {
        return NULL;
    }
    *quarantined = ks->quarantined > q_before;
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = kt_engine_key_finding(e, ks, i);
        bool raised = i >= s->n || f->count != s->counts[i];
        if (raised && f->severity >= KT_SEV_HIGH &&
            (best == NULL || f->severity > best->severity ||
             (f->severity == best->severity && f->score > best->score))) {
            best = f;
        }
    }
    return best;
}

static bool is_tool(const char *client)
{
    static const char *const tools[] = {"Stratus Red Team", "Pacu",       "ScoutSuite",
                                        "Prowler",          "TruffleHog", "CloudFox"};
    for (size_t i = 0; i < KT_ARRAY_LEN(tools); i++) {
        if (strncmp(client, tools[i], strlen(tools[i])) == 0) {
            return true;
        }
    }
    return strstr(client, "(Kali)") != NULL || strstr(client, "(Parrot)") != NULL;
}

/* The address and its network as text. */
static void addr_texts(const struct kt_obs *o, char *ip, size_t ip_cap, char *net, size_t net_cap)
{
    ip[0] = net[0] = '\0';
    if (!o->has_ip) {
        return;
    }
    if (o->ip.v4) {
        inet_ntop(AF_INET, o->ip.b + 12, ip, (socklen_t)ip_cap);
        snprintf(net, net_cap, "%u.%u.%u.0/24", o->ip.b[12], o->ip.b[13], o->ip.b[14]);
    } else {
        inet_ntop(AF_INET6, o->ip.b, ip, (socklen_t)ip_cap);
        snprintf(net, net_cap, "%x:%x:%x::/48", (o->ip.b[0] << 8) | o->ip.b[1],
                 (o->ip.b[2] << 8) | o->ip.b[3], (o->ip.b[4] << 8) | o->ip.b[5]);
    }
}

/* Copies the strings of one use into the tables. False when out of memory. */
static bool keep_texts(struct kt_hunt *h, const struct kt_obs *o, const struct kt_hunt_use *u,
                       const struct kt_hunt_ref *r, struct kt_str resource)
{
    const struct kt_event *ev = o->ev;
    char ip[64], net[64];
    addr_texts(o, ip, sizeof(ip), net, sizeof(net));
    bool ok = true;
    if (o->addr_ids == KT_OBS_ADDR_IP) {
        ok &= kt_hunt_str_put(&h->ips, u->ip_id, kt_str_cstr(ip));
        ok &= kt_hunt_str_put(&h->nets, u->net_id, kt_str_cstr(net));
    } else if (o->addr_ids == KT_OBS_ADDR_NAME) {
        ok &= kt_hunt_str_put(&h->ips, u->ip_id, kt_ip_clean(ev->ip));
    }
    if (u->client_id != 0) {
        struct kt_str shown = kt_ua_display_name(ev->user_agent);
        ok &= kt_hunt_str_put(&h->clients, u->client_id,
                              shown.len > 0 ? shown : kt_str_cstr(o->client));
    }
    /* "iam.amazonaws.com:PutUserPolicy" is shown as AWS names it, "iam:PutUserPolicy". */
    struct kt_str op = o->op;
    const char *colon = memchr(op.ptr, ':', op.len);
    const char *aws = colon != NULL && colon - op.ptr > 14 ? colon - 14 : NULL;
    char op_buf[sizeof(o->op_buf)];
    if (aws != NULL && memcmp(aws, ".amazonaws.com", 14) == 0) {
        size_t svc = (size_t)(aws - op.ptr), rest = op.len - (size_t)(colon - op.ptr);
        memcpy(op_buf, op.ptr, svc);
        memcpy(op_buf + svc, colon, rest);
        op = kt_str_make(op_buf, svc + rest);
    }
    char op_shown[sizeof(o->op_buf)];
    kt_baseline_op_display(ev, op, op_shown, sizeof(op_shown));
    ok &= kt_hunt_str_put(&h->ops, u->op_id, kt_str_cstr(op_shown));
    ok &= kt_hunt_str_put(&h->endpoints, u->endpoint_id, resource);
    ok &= kt_hunt_str_put(&h->files, r->file_id, kt_str_cstr(ev->file ? ev->file : "(stdin)"));
    ok &= kt_hunt_str_put(&h->errors, r->error_id, ev->error);
    if (u->asn != 0 && o->geo.as_org[0] != '\0') {
        ok &= kt_hunt_str_put(&h->asorgs, u->asn, kt_str_cstr(o->geo.as_org));
    }
    if (u->ip_id != 0 && o->geo.city[0] != '\0') {
        ok &= kt_hunt_str_put(&h->cities, u->ip_id, kt_str_cstr(o->geo.city));
    }
    return ok;
}

static uint64_t id_of(struct kt_str s)
{
    if (s.len == 0) {
        return 0;
    }
    uint64_t id = kt_hash(s.ptr, s.len);
    return id != 0 ? id : 1;
}

static void use_from_obs(const struct kt_obs *o, struct kt_hunt_use *u, struct kt_str resource)
{
    memset(u, 0, sizeof(*u));
    u->time_ms = o->time_ms;
    u->has_ip = o->has_ip;
    u->ip = o->ip;
    u->ip_id = o->ip_id;
    u->net_id = o->net_id;
    u->asn = o->geo.asn;
    memcpy(u->country, o->geo.country, 2);
    u->client_id = o->has_client ? o->client_id : 0;
    u->op_id = id_of(o->op);
    u->endpoint_id = id_of(resource);
    u->status = o->ev->status > 0 && o->ev->status < 1000 ? (uint16_t)o->ev->status : 0;
    u->outcome = o->outcome;
    if (kt_obs_failed(o)) {
        u->flags |= KT_HUNT_USE_FAILED;
    }
    if (o->geo.hosting) {
        u->flags |= KT_HUNT_USE_HOSTING;
    }
    if (o->has_client && is_tool(o->client)) {
        u->flags |= KT_HUNT_USE_TOOL;
    }
}

static bool reserve(struct kt_hunt_key *k)
{
    if (k->n_uses < k->cap_uses) {
        return true;
    }
    size_t ncap = k->cap_uses ? k->cap_uses * 2 : 64;
    ncap = KT_MIN(ncap, (size_t)KT_HUNT_MAX_USES);
    struct kt_hunt_use *nu = realloc(k->uses, ncap * sizeof(*nu));
    if (nu == NULL) {
        return false;
    }
    k->uses = nu;
    struct kt_hunt_ref *nr = realloc(k->refs, ncap * sizeof(*nr));
    if (nr == NULL) {
        return false;
    }
    k->refs = nr;
    k->cap_uses = ncap;
    return true;
}

/* Fills the key's identity from the first credential of it that was read. */
static void learn_identity(struct kt_hunt_key *k, const struct kt_cred *c,
                           const struct kt_event *ev)
{
    bool known = false;
    for (size_t i = 0; i < k->n_ids; i++) {
        known |= kt_keyid_eq(&k->ids[i], &c->key);
    }
    if (!known && k->n_ids < KT_HUNT_ENGINE_IDS) {
        k->ids[k->n_ids++] = c->key;
    }
    if (!k->seen) {
        k->seen = true;
        if (!k->target.recognised && !k->target.by_issuer) {
            k->family = c->family;
            kt_str_copy(k->kind, sizeof(k->kind), kt_str_cstr(c->kind));
            kt_str_copy(k->hint, sizeof(k->hint), kt_str_cstr(c->hint));
            kt_str_copy(k->account, sizeof(k->account), kt_str_cstr(c->account));
        }
    }
    if (k->actor[0] == '\0' && ev->actor.len > 0) {
        kt_redact_name(ev->actor, k->actor, sizeof(k->actor));
    }
}

static bool add_note(struct kt_hunt_key *k, struct kt_hunt_ref *r, int created, struct kt_str grant)
{
    if (created < 0 && grant.len == 0) {
        return true;
    }
    if (k->n_notes >= 4096) {
        return true; /* bounded: later notes are dropped */
    }
    struct kt_hunt_note *nn = realloc(k->notes, (k->n_notes + 1) * sizeof(*nn));
    if (nn == NULL) {
        return false;
    }
    k->notes = nn;
    struct kt_hunt_note *n = &k->notes[k->n_notes];
    n->use = k->n_uses;
    n->created = created;
    n->grant[0] = '\0';
    if (grant.len > 0) {
        kt_redact_text(grant, n->grant, sizeof(n->grant));
    }
    r->note = (uint32_t)k->n_notes++;
    return true;
}

/* Records the use of hunted key ki by credential c of the event observed in o. */
static enum kt_rc record_use(struct kt_hunt *h, size_t ki, const struct kt_cred *c,
                             const struct kt_obs *o, const struct kt_finding *raised,
                             bool quarantined)
{
    struct kt_hunt_key *k = &h->keys[ki];
    const struct kt_event *ev = o->ev;
    learn_identity(k, c, ev);
    k->total++;
    int created = kt_hunt_chain_follow(h, ki, ev);
    k = &h->keys[ki];
    if (k->n_uses >= KT_HUNT_MAX_USES || h->uses_kept >= KT_HUNT_USES_TOTAL) {
        return KT_OK; /* counted in total, not kept */
    }
    if (!reserve(k)) {
        return KT_ENOMEM;
    }
    char res[256];
    size_t rlen = ev->resource.len > 0 ? kt_redact_name(ev->resource, res, sizeof(res)) : 0;
    struct kt_str resource = kt_str_make(res, rlen);
    struct kt_hunt_use *u = &k->uses[k->n_uses];
    struct kt_hunt_ref *r = &k->refs[k->n_uses];
    use_from_obs(o, u, resource);
    if (raised != NULL) {
        u->flags |= KT_HUNT_USE_SUSPICIOUS;
    }
    if (quarantined) {
        u->flags |= KT_HUNT_USE_QUARANTINED;
    }
    r->file_id = id_of(kt_str_cstr(ev->file ? ev->file : "(stdin)"));
    r->line = ev->line;
    r->error_id = id_of(ev->error);
    r->note = UINT32_MAX;
    if (!add_note(k, r, created, ev->grant) || !keep_texts(h, o, u, r, resource)) {
        return KT_ENOMEM;
    }
    if (raised != NULL && k->first_susp == SIZE_MAX) {
        k->first_susp = k->n_uses;
        kt_str_copy(k->susp_detector, sizeof(k->susp_detector), kt_str_cstr(raised->detector));
        kt_str_copy(k->susp_reason, sizeof(k->susp_reason), kt_str_cstr(raised->reason));
    }
    k->n_uses++;
    h->uses_kept++;
    return KT_OK;
}

enum kt_rc kt_hunt_event(struct kt_hunt *h, const struct kt_event *ev)
{
    int hit[KT_EVENT_MAX_CREDS];
    bool any = false;
    for (unsigned i = 0; i < ev->n_creds && i < KT_EVENT_MAX_CREDS; i++) {
        hit[i] = kt_hunt_match(h, &ev->creds[i]);
        any |= hit[i] >= 0;
    }
    if (!any) {
        return KT_OK;
    }
    struct kt_obs o;
    kt_observe(&h->observer, ev, &o);
    struct susp_snap snap[KT_EVENT_MAX_CREDS];
    uint64_t q_before[KT_EVENT_MAX_CREDS];
    for (unsigned i = 0; i < ev->n_creds && i < KT_EVENT_MAX_CREDS; i++) {
        if (hit[i] >= 0) {
            snap_take(h->engine, &ev->creds[i].key, &snap[i]);
            const struct kt_keystate *ks = kt_engine_keystate(h->engine, &ev->creds[i].key);
            q_before[i] = ks != NULL ? ks->quarantined : 0;
        }
    }
    enum kt_rc rc = kt_engine_observed(h->engine, &o);
    if (rc != KT_OK) {
        return rc;
    }
    for (unsigned i = 0; i < ev->n_creds && i < KT_EVENT_MAX_CREDS; i++) {
        bool dup = false;
        for (unsigned j = 0; j < i; j++) {
            dup |= hit[j] == hit[i];
        }
        if (hit[i] < 0 || dup) {
            continue; /* one use per key and event, even when it carries the key twice */
        }
        bool quarantined;
        const struct kt_finding *raised =
            snap_raised(h->engine, &ev->creds[i].key, &snap[i], &quarantined, q_before[i]);
        rc = record_use(h, (size_t)hit[i], &ev->creds[i], &o, raised, quarantined);
        if (rc != KT_OK) {
            return rc;
        }
    }
    return KT_OK;
}
