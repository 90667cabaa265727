/*
 * The detection engine (engine.h).
 *
 * Keys live in one growing array indexed by a key-id table; findings in another, indexed by a
 * table keyed on (key, detector, value) so a repeat costs one probe. Each event is observed once
 * (observe.c: address, place, network, lists, operation key, client, outcome, day), then every
 * credential in it is judged and learned from that observation.
 *
 * Eviction. Every key is on one of three doubly linked lists threaded through the key slots
 * (by slot index, so a list costs 9 bytes per key and nothing moves): tier 0 holds keys without
 * findings, tier 1 keys with findings, tier 2 keys at the rotate level. A use moves the key to
 * the front of its list, a first finding or reaching rotate moves it to the next tier, so each
 * list runs from the most to the least recently used key, in the order events are read — the
 * run's own event order, never the wall clock, so a replay evicts the same keys. At max_keys a
 * new key takes the slot of the last key of the lowest non-empty tier. Evicting a key removes
 * it from the key table and removes its findings: each one leaves the dedup table by backward
 * shift and the findings array by moving the last finding into its place (its dedup entry and
 * its key's list are repointed), so nothing of an evicted key stays behind. All O(1) per event;
 * an eviction costs O(findings of the victim).
 *
 * Why "read order" rather than sorting by each key's newest event time: logs of one source are
 * read oldest first, so within a source the two agree; across sources (an access log, then a
 * CloudTrail folder covering the same weeks), read order evicts the keys of the source already
 * read, while event-time order would evict the keys now being read. Keeping the list sorted by
 * event time would also cost a heap, O(log n) per event.
 *
 * Scoring: a key's findings combine like independent evidence, risk = 1 - prod(1 - score_i),
 * with a bonus when several different detectors agree (a thief rarely trips just one), and any
 * critical finding forces rotate. The thresholds, the window, the weights and the bonuses come
 * from the config (risk.*, move.*: README "Configuration").
 *
 * Hindsight: alerts judge the findings so far (stream_risk); the final verdict (kt_engine_risk)
 * may also look back over the run. A key's first new place is followed in struct kt_move; when
 * only that place speaks for rotate and, in hindsight, it carried on the key's own client,
 * operations and volume while the old place fell silent, it is a move: at most investigate,
 * with a note for the report (kt_engine_move_note).
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hash.h"
#include "keytab.h"
#include "observe.h"
#include "timefmt.h"

struct dedup_slot {
    uint32_t finding; /* index + 1; 0 = empty */
};

#define KEYS_PER_CHUNK 1024

struct kt_engine;
static struct kt_keystate *key_at(const struct kt_engine *e, size_t i);
static int stream_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                       enum kt_verdict *verdict);
static enum kt_aspect aspect_of(const struct kt_finding *f);

struct kt_engine {
    struct kt_engine_opts opts;
    struct kt_observer observer; /* the observation stage, with the run's databases and lists */
    const struct kt_config *cfg;
    const struct kt_detector *const *dets;
    size_t n_dets;
    size_t state_off[KT_CONFIG_MAX_DETECTORS]; /* each detector's part of ks->det_state */
    size_t state_size;                         /* all of it (0: no detector keeps state) */

    /* Key states live in fixed chunks: they never move, and growing never copies them or
     * needs twice their memory for a moment. */
    struct kt_keytab index;
    struct kt_keystate **chunks;
    size_t n_chunks, n_keys;
    size_t max_keys; /* 0 = no cap */
    struct lru_list {
        uint32_t head, tail; /* most and least recently used slot */
    } lru[3];
    struct kt_engine_evictions evicted;

    struct kt_finding *findings;
    size_t n_findings, cap_findings;
    struct dedup_slot *dedup;
    size_t dedup_cap;
    uint64_t alerts;

    int64_t from_ms, to_ms;

    /* The config's risk and hindsight settings in the units the scoring uses. */
    int64_t risk_window_ms;
    double agree_weight; /* cfg->risk_agree_at as a weight (0..1) */
    int64_t move_overlap_ms, move_silent_ms;

    /* Report model, rebuilt by kt_engine_report. */
    struct kt_report_row *report_rows;
    const struct kt_finding **report_findings;
};

enum kt_rc kt_engine_new(struct kt_engine **out, const struct kt_engine_opts *opts,
                         struct kt_err *err)
{
    struct kt_engine *e = calloc(1, sizeof(*e));
    if (e == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    e->opts = *opts;
    e->cfg = opts->cfg;
    e->observer = (struct kt_observer){ .geo = opts->geo, .ip_list = opts->ip_list,
                                        .cfg = opts->cfg };
    e->dets = kt_detectors(&e->n_dets);
    if (e->n_dets > KT_CONFIG_MAX_DETECTORS) {
        e->n_dets = KT_CONFIG_MAX_DETECTORS;
    }
    for (size_t d = 0; d < e->n_dets; d++) {
        size_t want = (e->dets[d]->state_size + 7) & ~(size_t)7;
        if (want > 0 && e->state_size + want <= KT_DET_STATE_MAX) {
            e->state_off[d] = e->state_size;
            e->state_size += want;
        } else {
            e->state_off[d] = SIZE_MAX; /* none (or over the cap: the detector gets NULL) */
        }
    }
    kt_keytab_init(&e->index);
    e->max_keys = KT_MIN(opts->max_keys, (size_t)KT_ENGINE_MAX_KEYS);
    for (size_t t = 0; t < KT_ARRAY_LEN(e->lru); t++) {
        e->lru[t].head = e->lru[t].tail = KT_ENGINE_NO_SLOT;
    }
    e->from_ms = INT64_MAX;
    e->to_ms = INT64_MIN;
    const struct kt_config *cfg = e->cfg;
    e->risk_window_ms = (int64_t)llround(cfg->risk_window_hours * 3600000.0);
    e->agree_weight = cfg->risk_agree_at / 100.0;
    e->move_overlap_ms = (int64_t)llround(cfg->move_overlap_days * 86400000.0);
    e->move_silent_ms = (int64_t)llround(cfg->move_silent_days * 86400000.0);
    *out = e;
    return KT_OK;
}

void kt_engine_free(struct kt_engine *e)
{
    if (e == NULL) {
        return;
    }
    kt_keytab_fini(&e->index);
    for (size_t i = 0; i < e->n_keys; i++) {
        free(key_at(e, i)->det_state);
        free(key_at(e, i)->other);
    }
    for (size_t i = 0; i < e->n_chunks; i++) {
        free(e->chunks[i]);
    }
    free(e->chunks);
    free(e->findings);
    free(e->dedup);
    free(e->report_rows);
    free(e->report_findings);
    free(e);
}

size_t kt_engine_keys(const struct kt_engine *e)
{
    return e->n_keys;
}

uint64_t kt_engine_findings(const struct kt_engine *e)
{
    return e->n_findings;
}

const struct kt_engine_evictions *kt_engine_evictions(const struct kt_engine *e)
{
    return &e->evicted;
}

const struct kt_keystate *kt_engine_keystate(const struct kt_engine *e, const struct kt_keyid *key)
{
    uint32_t idx;
    return kt_keytab_get(&e->index, key, &idx) ? key_at(e, idx) : NULL;
}

static struct kt_keystate *key_at(const struct kt_engine *e, size_t i)
{
    return &e->chunks[i / KEYS_PER_CHUNK][i % KEYS_PER_CHUNK];
}

static void set_identity(struct kt_keystate *ks, const struct kt_cred *c)
{
    ks->family = c->family;
    /* A signature check speaks for one token, not for the key. */
    ks->flags = c->flags & ~(uint32_t)(KT_CRED_SIG_OK | KT_CRED_SIG_BAD);
    memcpy(ks->kind, c->kind, sizeof(ks->kind));
    memcpy(ks->hint, c->hint, sizeof(ks->hint));
    memcpy(ks->account, c->account, sizeof(ks->account));
}

/* ---- least-recently-used lists ---- */

static void lru_unlink(struct kt_engine *e, uint32_t slot)
{
    struct kt_keystate *ks = key_at(e, slot);
    if (ks->lru_prev != KT_ENGINE_NO_SLOT) {
        key_at(e, ks->lru_prev)->lru_next = ks->lru_next;
    } else {
        e->lru[ks->tier].head = ks->lru_next;
    }
    if (ks->lru_next != KT_ENGINE_NO_SLOT) {
        key_at(e, ks->lru_next)->lru_prev = ks->lru_prev;
    } else {
        e->lru[ks->tier].tail = ks->lru_prev;
    }
    ks->lru_prev = ks->lru_next = KT_ENGINE_NO_SLOT;
}

static void lru_push_front(struct kt_engine *e, uint32_t slot, uint8_t tier)
{
    struct kt_keystate *ks = key_at(e, slot);
    ks->tier = tier;
    ks->lru_prev = KT_ENGINE_NO_SLOT;
    ks->lru_next = e->lru[tier].head;
    if (ks->lru_next != KT_ENGINE_NO_SLOT) {
        key_at(e, ks->lru_next)->lru_prev = slot;
    } else {
        e->lru[tier].tail = slot;
    }
    e->lru[tier].head = slot;
}

/* Moves a key to the front of the list of its tier (which may have changed). */
static void lru_touch(struct kt_engine *e, uint32_t slot, uint8_t tier)
{
    struct kt_keystate *ks = key_at(e, slot);
    if (ks->tier == tier && e->lru[tier].head == slot) {
        return;
    }
    lru_unlink(e, slot);
    lru_push_front(e, slot, tier);
}

static uint8_t tier_of(const struct kt_keystate *ks)
{
    return ks->at_rotate ? 2 : ks->n_findings > 0 ? 1 : 0;
}

/* ---- removing a key's findings ---- */

static uint64_t finding_hash(const struct kt_keyid *key, const char *detector, const char *value);

static size_t dedup_home(const struct kt_engine *e, const struct kt_finding *f)
{
    return finding_hash(&f->key, f->detector, f->value) & (e->dedup_cap - 1);
}

/* The dedup slot that points at finding idx. */
static size_t dedup_slot_of(const struct kt_engine *e, size_t idx)
{
    size_t s = dedup_home(e, &e->findings[idx]);
    while (e->dedup[s].finding != idx + 1) {
        s = (s + 1) & (e->dedup_cap - 1);
    }
    return s;
}

/* Empties a dedup slot by backward shift (see keytab.c): no tombstones. */
static void dedup_delete(struct kt_engine *e, size_t hole)
{
    size_t mask = e->dedup_cap - 1;
    for (size_t j = (hole + 1) & mask; e->dedup[j].finding != 0; j = (j + 1) & mask) {
        size_t home = dedup_home(e, &e->findings[e->dedup[j].finding - 1]);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            e->dedup[hole] = e->dedup[j];
            hole = j;
        }
    }
    e->dedup[hole].finding = 0;
}

/* Removes finding idx: its dedup entry goes, and the last finding moves into its place. */
static void remove_finding(struct kt_engine *e, size_t idx)
{
    dedup_delete(e, dedup_slot_of(e, idx));
    size_t last = e->n_findings - 1;
    if (idx != last) {
        e->dedup[dedup_slot_of(e, last)].finding = (uint32_t)idx + 1;
        e->findings[idx] = e->findings[last];
        uint32_t owner;
        if (kt_keytab_get(&e->index, &e->findings[idx].key, &owner)) {
            struct kt_keystate *ks = key_at(e, owner);
            for (size_t k = 0; k < ks->n_findings; k++) {
                if (ks->findings[k] == last) {
                    ks->findings[k] = (uint32_t)idx;
                }
            }
        }
    }
    e->n_findings--;
}

/* Removes every finding of ks from the engine's table, highest index first: a finding moved
 * into a hole then never belongs to this key. */
static void drop_findings(struct kt_engine *e, struct kt_keystate *ks)
{
    uint32_t *f = ks->findings;
    for (size_t i = 1; i < ks->n_findings; i++) {
        uint32_t x = f[i];
        size_t j = i;
        for (; j > 0 && f[j - 1] < x; j--) {
            f[j] = f[j - 1];
        }
        f[j] = x;
    }
    for (size_t i = 0; i < ks->n_findings; i++) {
        remove_finding(e, f[i]);
    }
}

/* Evicts the least recently used key of the lowest tier; returns its (now free) slot. */
static uint32_t evict(struct kt_engine *e)
{
    uint8_t tier = 0;
    while (e->lru[tier].tail == KT_ENGINE_NO_SLOT) {
        tier++; /* only called at the cap, so some list is not empty */
    }
    uint32_t slot = e->lru[tier].tail;
    struct kt_keystate *ks = key_at(e, slot);
    lru_unlink(e, slot);
    if (ks->n_findings > 0) {
        enum kt_verdict v;
        kt_engine_risk(e, ks, &v);
        e->evicted.rotate += v == KT_VERDICT_ROTATE;
        e->evicted.investigate += v == KT_VERDICT_INVESTIGATE;
        e->evicted.findings += ks->n_findings;
        drop_findings(e, ks);
    }
    kt_keytab_del(&e->index, &ks->key, NULL);
    free(ks->det_state);
    ks->det_state = NULL;
    free(ks->other);
    ks->other = NULL;
    e->evicted.keys++;
    return slot;
}

static struct kt_keystate *key_state(struct kt_engine *e, const struct kt_cred *c)
{
    uint32_t idx;
    if (kt_keytab_get(&e->index, &c->key, &idx)) {
        struct kt_keystate *ks = key_at(e, idx);
        if ((ks->flags & KT_CRED_FROM_HASH) && !(c->flags & KT_CRED_FROM_HASH)) {
            set_identity(ks, c); /* the token's own hint beats its provider hash */
        }
        lru_touch(e, idx, ks->tier);
        return ks;
    }
    bool full = e->max_keys != 0 && e->n_keys >= e->max_keys;
    if (!full && e->n_keys == e->n_chunks * KEYS_PER_CHUNK) {
        struct kt_keystate **nc = realloc(e->chunks, (e->n_chunks + 1) * sizeof(*nc));
        if (nc == NULL) {
            return NULL;
        }
        e->chunks = nc;
        e->chunks[e->n_chunks] = malloc(KEYS_PER_CHUNK * sizeof(struct kt_keystate));
        if (e->chunks[e->n_chunks] == NULL) {
            return NULL;
        }
        e->n_chunks++;
    }
    /* Insert first: once the table has room, evicting and reusing a slot cannot fail. */
    bool inserted;
    if (kt_keytab_upsert(&e->index, &c->key, (uint32_t)e->n_keys, &idx, &inserted) != KT_OK) {
        return NULL;
    }
    if (full) {
        idx = evict(e);
        kt_keytab_set(&e->index, &c->key, idx);
    } else {
        e->n_keys++;
    }
    struct kt_keystate *ks = key_at(e, idx);
    memset(ks, 0, sizeof(*ks));
    ks->key = c->key;
    set_identity(ks, c);
    kt_baseline_init(&ks->base);
    kt_recent_init(&ks->recent);
    ks->last_day = INT32_MIN;
    ks->first_ms = INT64_MAX;
    ks->last_ms = INT64_MIN;
    ks->move.since_ms = KT_TIME_NONE;
    ks->move.old_last_ms = ks->move.new_last_ms = KT_TIME_NONE;
    lru_push_front(e, idx, 0);
    return ks;
}

/* ---- findings and deduplication ---- */

static uint64_t finding_hash(const struct kt_keyid *key, const char *detector, const char *value)
{
    char buf[KT_KEYID_BYTES + 64 + KT_FINDING_VALUE];
    size_t n = KT_KEYID_BYTES;
    memcpy(buf, key->b, KT_KEYID_BYTES);
    size_t dl = strnlen(detector, 63), vl = strnlen(value, KT_FINDING_VALUE - 1);
    memcpy(buf + n, detector, dl);
    n += dl;
    buf[n++] = '\0';
    memcpy(buf + n, value, vl);
    n += vl;
    return kt_hash(buf, n);
}

static bool same_finding(const struct kt_finding *a, const struct kt_finding *b)
{
    return kt_keyid_eq(&a->key, &b->key) && strcmp(a->detector, b->detector) == 0 &&
           strcmp(a->value, b->value) == 0;
}

static enum kt_rc grow_dedup(struct kt_engine *e)
{
    size_t ncap = e->dedup_cap ? e->dedup_cap * 2 : 1024;
    struct dedup_slot *nd = calloc(ncap, sizeof(*nd));
    if (nd == NULL) {
        return KT_ENOMEM;
    }
    for (size_t i = 0; i < e->n_findings; i++) {
        const struct kt_finding *f = &e->findings[i];
        size_t s = finding_hash(&f->key, f->detector, f->value) & (ncap - 1);
        while (nd[s].finding != 0) {
            s = (s + 1) & (ncap - 1);
        }
        nd[s].finding = (uint32_t)i + 1;
    }
    free(e->dedup);
    e->dedup = nd;
    e->dedup_cap = ncap;
    return KT_OK;
}

struct emit_ctx {
    struct kt_engine *e;
    struct kt_keystate *ks;
    const struct kt_obs *obs;
    enum kt_rc rc;
    bool quarantine; /* a high or critical finding: keep the event out of the baseline */
    bool where_new;  /* a first where-finding of medium or worse (kt_move) */
};

static void on_finding(void *ctx, const struct kt_finding *f)
{
    struct emit_ctx *ec = ctx;
    struct kt_engine *e = ec->e;
    if (f->severity >= KT_SEV_HIGH) {
        ec->quarantine = true;
    }
    if ((e->n_findings + 1) * 10 > e->dedup_cap * 7 && grow_dedup(e) != KT_OK) {
        ec->rc = KT_ENOMEM;
        return;
    }
    size_t s = finding_hash(&f->key, f->detector, f->value) & (e->dedup_cap - 1);
    for (; e->dedup[s].finding != 0; s = (s + 1) & (e->dedup_cap - 1)) {
        struct kt_finding *old = &e->findings[e->dedup[s].finding - 1];
        if (same_finding(old, f)) {
            old->count++;
            old->accepted += !kt_obs_refused(ec->obs);
            old->last_ms = KT_MAX(old->last_ms, f->time_ms);
            /* More of what made the key a rotate case stays out of the baseline too. */
            ec->quarantine |= ec->ks->at_rotate;
            return;
        }
    }
    if (ec->ks->n_findings == KT_KEY_FINDINGS) {
        ec->ks->dropped_findings++;
        return;
    }
    if (e->n_findings == e->cap_findings) {
        size_t ncap = e->cap_findings ? e->cap_findings * 2 : 256;
        struct kt_finding *nf = realloc(e->findings, ncap * sizeof(*nf));
        if (nf == NULL) {
            ec->rc = KT_ENOMEM;
            return;
        }
        e->findings = nf;
        e->cap_findings = ncap;
    }
    struct kt_finding *stored = &e->findings[e->n_findings];
    *stored = *f;
    stored->accepted = !kt_obs_refused(ec->obs);
    e->dedup[s].finding = (uint32_t)e->n_findings + 1;
    ec->ks->findings[ec->ks->n_findings++] = (uint32_t)e->n_findings;
    e->n_findings++;
    e->alerts++;
    ec->where_new |= stored->severity >= KT_SEV_MEDIUM && aspect_of(stored) == KT_ASPECT_WHERE;
    enum kt_verdict v;
    int risk = stream_risk(e, ec->ks, &v);
    ec->ks->at_rotate = v == KT_VERDICT_ROTATE;
    /* A key with findings, or at rotate, moves up a tier: evicting it would lose a verdict. */
    uint32_t slot;
    if (tier_of(ec->ks) != ec->ks->tier && kt_keytab_get(&e->index, &ec->ks->key, &slot)) {
        lru_touch(e, slot, tier_of(ec->ks));
    }
    /* An event that tips the key into "rotate" is the thief's: keep it out of the baseline. */
    ec->quarantine |= ec->ks->at_rotate;
    if (e->opts.on_alert != NULL) {
        /* The alert carries the key's risk as it stands now; once the evidence together says
         * "rotate", the alert that tipped it is raised to high whatever its own severity. */
        struct kt_finding alert = *stored;
        if (v == KT_VERDICT_ROTATE && alert.severity < KT_SEV_HIGH) {
            alert.severity = KT_SEV_HIGH;
        }
        kt_finding_extra(&alert, "key_risk", risk);
        e->opts.on_alert(e->opts.alert_ctx, &alert, ec->ks);
    }
}

/* ---- judging an event ---- */

static unsigned country_count(const struct kt_baseline *b)
{
    unsigned n = 0;
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        n += b->countries[i].code[0] != '\0';
    }
    return n;
}

/* The key, or the event's address, network or country (obs->allowed), is allowlisted. */
static bool allowlisted(const struct kt_engine *e, const struct kt_cred *c,
                        const struct kt_obs *obs)
{
    return obs->allowed || kt_config_allows_key(e->cfg, &c->key);
}

static void timeline_add(struct kt_keystate *ks, const struct kt_obs *obs)
{
    if (!obs->timed) {
        return;
    }
    int32_t day = obs->day;
    if (ks->last_day == INT32_MIN) {
        ks->last_day = day;
    }
    if (day > ks->last_day) {
        /* Clear the days the ring skips over. */
        int64_t gap = (int64_t)day - ks->last_day;
        for (int64_t d = 1; d <= gap && d <= KT_REPORT_DAYS; d++) {
            ks->days[((int64_t)ks->last_day + d) % KT_REPORT_DAYS] = 0;
        }
        ks->last_day = day;
    } else if ((int64_t)ks->last_day - day >= KT_REPORT_DAYS) {
        return; /* older than the window */
    }
    uint16_t *slot = &ks->days[((day % KT_REPORT_DAYS) + KT_REPORT_DAYS) % KT_REPORT_DAYS];
    if (*slot < UINT16_MAX) {
        (*slot)++;
    }
}

static double window_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                          const struct kt_finding *anchor, unsigned skip);

/* A key's risk as it stands at time t: its findings within the risk window of t (a critical
 * accepted one there counts risk.critical), not its worst window ever. */
static int risk_now(const struct kt_engine *e, const struct kt_keystate *ks, int64_t t)
{
    struct kt_finding anchor = { .time_ms = t };
    double risk = ks->n_findings > 0 ? window_risk(e, ks, &anchor, 0) : 0;
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        int64_t gap = f->time_ms > t ? f->time_ms - t : t - f->time_ms;
        if (gap <= e->risk_window_ms && f->severity == KT_SEV_CRITICAL && f->accepted > 0) {
            risk = KT_MAX(risk, e->cfg->risk_critical);
        }
    }
    return (int)lround(KT_MIN(risk, 100.0));
}

/* ---- hindsight: a new place that may be a move ---- */

/* The baseline's most used country and network: where the key lived before the new place. */
static void usual_place(const struct kt_baseline *b, char country[2], uint32_t *asn)
{
    uint32_t best = 0;
    memset(country, 0, 2);
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        if (b->countries[i].code[0] != '\0' && b->countries[i].count > best) {
            best = b->countries[i].count;
            memcpy(country, b->countries[i].code, 2);
        }
    }
    best = 0;
    *asn = 0;
    for (size_t i = 0; i < KT_BL_ASNS; i++) {
        if (b->asns[i].id != 0 && b->asns[i].count > best) {
            best = b->asns[i].count;
            *asn = (uint32_t)b->asns[i].id;
        }
    }
}

/*
 * Follows the key's first new place (kt_move): called for every event after the detectors and
 * before learning, so "new client" and "new operation" mean new to the baseline as it was.
 * where_new: this event raised a first where-finding of medium or worse. Unlocated events and
 * events without a time say nothing about places.
 */
static void move_track(struct kt_keystate *ks, const struct kt_obs *obs, bool where_new)
{
    struct kt_move *m = &ks->move;
    const struct kt_geo *geo = &obs->geo;
    if (!obs->timed || (geo->country[0] == '\0' && geo->asn == 0)) {
        return;
    }
    int64_t t = obs->time_ms;
    if (m->since_ms == KT_TIME_NONE) {
        if (!where_new) {
            return;
        }
        const struct kt_baseline *b = &ks->base;
        m->since_ms = t;
        m->by_country = geo->country[0] != '\0' &&
                        (!kt_baseline_has_country(b, geo->country) || geo->asn == 0 ||
                         kt_baseline_has_asn(b, geo->asn));
        memcpy(m->country, geo->country, 2);
        m->asn = geo->asn;
        usual_place(b, m->old_country, &m->old_asn);
        m->old_last_ms = b->last_ms > 0 ? b->last_ms : KT_TIME_NONE;
        m->before_events = (uint32_t)KT_MIN(b->events, (uint64_t)UINT32_MAX);
        m->before_days = b->days_active;
        m->new_last_day = INT32_MIN;
    }
    bool here = m->by_country ? memcmp(geo->country, m->country, 2) == 0 : geo->asn == m->asn;
    if (!here) {
        if (where_new) {
            m->spoiled |= KT_MOVE_ELSEWHERE;
        }
        m->old_last_ms = KT_MAX(m->old_last_ms, t);
        return;
    }
    /* Another version of a known client is an upgrade: a redeploy often brings one. */
    if (obs->has_client && !(m->spoiled & KT_MOVE_NEW_CLIENT) &&
        !kt_baseline_knows_client(&ks->base, obs) && !kt_baseline_knows_product(&ks->base, obs)) {
        m->spoiled |= KT_MOVE_NEW_CLIENT;
    }
    if (obs->op.len > 0 && !kt_baseline_has_op(&ks->base, obs->op)) {
        m->spoiled |= KT_MOVE_NEW_OP;
    }
    /* The old place used since the new one appeared, and now the new one again. */
    if (m->old_last_ms != KT_TIME_NONE && m->old_last_ms > m->since_ms && t > m->old_last_ms) {
        m->spoiled |= KT_MOVE_INTERLEAVED;
    }
    m->new_events += m->new_events < UINT32_MAX;
    m->new_last_ms = KT_MAX(m->new_last_ms, t);
    if (obs->day > m->new_last_day) {
        m->new_last_day = obs->day;
        m->new_days += m->new_days < UINT16_MAX;
    }
}

/* Findings credential_chain raises on a created key, held until it is known there are any. */
struct chain_findings {
    struct kt_finding f[2];
    int n;
};

static void chain_collect(void *ctx, const struct kt_finding *f)
{
    struct chain_findings *cf = ctx;
    if (cf->n < 2) {
        cf->f[cf->n++] = *f;
    }
}

/*
 * Credential chaining: ev created a key (CloudTrail CreateAccessKey); let credential_chain
 * judge the created key, with the creating key c and its risk now. A created key it flags gets
 * a state (and a report row) even if it never shows up in the logs; the event is not its use,
 * so its baseline and counts do not learn it. Keys created by keys nobody suspects get nothing.
 */
static enum kt_rc chain_child(struct kt_engine *e, const struct kt_obs *obs,
                              const struct kt_cred *c, int parent_risk)
{
    const struct kt_event *ev = obs->ev;
    size_t d = 0;
    while (d < e->n_dets && strcmp(e->dets[d]->name, "credential_chain") != 0) {
        d++;
    }
    struct kt_cand cand = { .kind = KT_CAND_AWS_KEY_ID, .value = ev->created_key };
    struct kt_cred child;
    if (d == e->n_dets || !e->cfg->enabled[d] || kt_obs_provider_error(obs) ||
        !kt_cred_recognise(&cand, &child) || kt_keyid_eq(&child.key, &c->key)) {
        return KT_OK;
    }
    struct kt_baseline unseen;
    kt_baseline_init(&unseen);
    struct kt_det_input in = {
        .ev = ev,
        .obs = obs,
        .cred = &child,
        .base = &unseen,
        .leak_ms = KT_TIME_NONE,
        .rotated_ms = KT_TIME_NONE,
        .knobs = e->cfg->knobs[d],
        .key_risk = parent_risk,
        .parent = c,
    };
    struct chain_findings cf = { .n = 0 };
    e->dets[d]->check(&in, chain_collect, &cf);
    if (cf.n == 0) {
        return KT_OK;
    }
    struct kt_keystate *ks = key_state(e, &child);
    if (ks == NULL) {
        return KT_ENOMEM;
    }
    struct emit_ctx ec = { .e = e, .ks = ks, .obs = obs, .rc = KT_OK };
    for (int i = 0; i < cf.n && ec.rc == KT_OK; i++) {
        on_finding(&ec, &cf.f[i]);
    }
    return ec.rc;
}

enum kt_rc kt_engine_event(struct kt_engine *e, const struct kt_event *ev)
{
    if (ev->n_creds == 0) {
        return KT_OK;
    }
    struct kt_obs obs;
    kt_observe(&e->observer, ev, &obs);
    return kt_engine_observed(e, &obs);
}

enum kt_rc kt_engine_observed(struct kt_engine *e, const struct kt_obs *obs)
{
    const struct kt_event *ev = obs->ev;
    if (ev->n_creds == 0) {
        return KT_OK;
    }
    if (obs->time_ms != KT_TIME_NONE) {
        e->from_ms = KT_MIN(e->from_ms, obs->time_ms);
        e->to_ms = KT_MAX(e->to_ms, obs->time_ms);
    }
    const struct kt_config *cfg = e->cfg;
    for (unsigned i = 0; i < ev->n_creds; i++) {
        const struct kt_cred *c = &ev->creds[i];
        struct kt_keystate *ks = key_state(e, c);
        if (ks == NULL) {
            return KT_ENOMEM;
        }
        struct kt_det_input in = {
            .ev = ev,
            .obs = obs,
            .cred = c,
            .base = &ks->base,
            .recent = &ks->recent,
            .mature = ks->base.days_active >= cfg->min_days && ks->base.events >= cfg->min_events,
            .broad = (c->flags & KT_CRED_PUBLISHABLE) ||
                     country_count(&ks->base) >= cfg->broad_countries,
            .usual_client = kt_baseline_knows_client(&ks->base, obs),
            .leak_ms = KT_TIME_NONE,
            .rotated_ms = KT_TIME_NONE,
        };
        bool leaked = kt_leaked_lookup(e->opts.leaked, &c->key, &in.leak_ms);
        if (!leaked) {
            in.leak_ms = KT_TIME_NONE;
        } else if (in.leak_ms == KT_TIME_NONE) {
            in.leak_ms = INT64_MIN + 1; /* declared leaked, time unknown: every use counts */
        }
        if (!kt_leaked_lookup(e->opts.rotated, &c->key, &in.rotated_ms)) {
            in.rotated_ms = KT_TIME_NONE;
        }
        struct emit_ctx ec = { .e = e, .ks = ks, .obs = obs, .rc = KT_OK };
        bool allowed = allowlisted(e, c, obs);
        if (!allowed) {
            for (size_t d = 0; d < e->n_dets; d++) {
                const struct kt_detector *det = e->dets[d];
                if (!cfg->enabled[d] || (det->needs_maturity && !in.mature) ||
                    (det->needs_geo && !obs->has_geo && !obs->has_asn)) {
                    continue;
                }
                in.knobs = cfg->knobs[d];
                in.state = NULL;
                if (e->state_off[d] != SIZE_MAX &&
                    (det->state_family == KT_FAM_NONE || det->state_family == c->family)) {
                    if (ks->det_state == NULL &&
                        (ks->det_state = calloc(1, e->state_size)) == NULL) {
                        return KT_ENOMEM;
                    }
                    in.state = (char *)ks->det_state + e->state_off[d];
                }
                if (ev->created_key.len > 0) {
                    in.key_risk = risk_now(e, ks, obs->time_ms); /* for credential_chain */
                }
                det->check(&in, on_finding, &ec);
                if (ec.rc != KT_OK) {
                    return ec.rc;
                }
            }
        }
        timeline_add(ks, obs);
        ks->events++;
        if (obs->time_ms != KT_TIME_NONE) {
            ks->first_ms = KT_MIN(ks->first_ms, obs->time_ms);
            ks->last_ms = KT_MAX(ks->last_ms, obs->time_ms);
        }
        move_track(ks, obs, ec.where_new);
        if (ec.quarantine) {
            ks->quarantined++;
            if (ks->other == NULL) {
                if ((ks->other = malloc(sizeof(*ks->other))) == NULL) {
                    return KT_ENOMEM;
                }
                kt_footprint_init(ks->other);
            }
            kt_footprint_learn(ks->other, obs);
        } else {
            kt_baseline_learn(&ks->base, obs);
        }
        kt_recent_learn(&ks->recent, obs);
        /* Last: creating the child may evict a key, this one included. */
        if (ev->created_key.len > 0 && !allowed &&
            chain_child(e, obs, c, risk_now(e, ks, obs->time_ms)) != KT_OK) {
            return KT_ENOMEM;
        }
    }
    return KT_OK;
}

/* ---- verdicts and the report ---- */

/*
 * A finding its detector scored down as what the owner's own drift looks like (a new schedule
 * from the key's own address, a VPN exit with the usual client) keeps its full score in the
 * extra "full_score"; -1 for any other finding.
 */
static double full_score(const struct kt_finding *f)
{
    for (unsigned i = 0; i < f->n_extra && i < KT_FINDING_EXTRA; i++) {
        if (f->extra[i].name != NULL && strcmp(f->extra[i].name, "full_score") == 0) {
            return f->extra[i].value;
        }
    }
    return -1;
}

/* How much a finding counts: refused uses (401) show a key that did not work, not a stolen one
 * that does (config risk.refused_weight). A scored-down finding counts at its full score when something else changed in
 * what the key does or how (corroborated). */
static double weight(const struct kt_engine *e, const struct kt_finding *f, bool corroborated)
{
    double full = corroborated ? full_score(f) : -1;
    double w = (full > f->score ? full : f->score) / 100.0;
    return f->accepted == 0 ? w * e->cfg->risk_refused_weight : w;
}

static enum kt_aspect aspect_of(const struct kt_finding *f)
{
    const struct kt_detector *d = kt_detector_find(f->detector);
    return d != NULL ? d->aspect : KT_ASPECT_WHAT;
}

/* A bit of the skip masks below, beside the aspects': leave out the findings that only say a
 * key was created (handover_finding). */
#define SKIP_HANDOVER (1u << KT_ASPECT__COUNT)

/* Findings that only say the key created another key, or was created by one: the link
 * itself, and the first CreateAccessKey of a key (an owner rotating their key makes both). */
static bool handover_finding(const struct kt_finding *f)
{
    return strcmp(f->detector, "credential_chain") == 0 ||
           (strcmp(f->detector, "sensitive_op") == 0 &&
            strcmp(f->value, "iam.amazonaws.com:CreateAccessKey") == 0) ||
           (strcmp(f->detector, "privilege_change") == 0 &&
            strcmp(f->value, "CreateAccessKey") == 0);
}

/* Findings this close to a scored-down one corroborate it. */
#define KT_CORROBORATE_MS (3600LL * 1000)

/*
 * Whether something else changed in what the key does or how around the scored-down finding
 * soft (within KT_CORROBORATE_MS of its first occurrence): a what-, volume- or how-finding of
 * weight 0.25 or more that is not itself scored down, of another aspect than soft's. Within one
 * aspect only the strongest finding counts (window_risk), and so it is there: the first
 * listings an owner's audit is made of (sensitive_op) are that audit (sensitive_sweep), not
 * something else that changed.
 */
static bool corroborated(const struct kt_engine *e, const struct kt_keystate *ks,
                         const struct kt_finding *soft)
{
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        enum kt_aspect a = aspect_of(f);
        bool doing = a == KT_ASPECT_WHAT || a == KT_ASPECT_VOLUME || a == KT_ASPECT_HOW;
        if (f == soft || !doing || a == aspect_of(soft) || full_score(f) >= 0 ||
            weight(e, f, false) < 0.25) {
            continue;
        }
        /* Around its first occurrence: the hop, the night, the burst that was news. */
        if (f->last_ms >= soft->time_ms - KT_CORROBORATE_MS &&
            f->time_ms <= soft->time_ms + KT_CORROBORATE_MS) {
            return true;
        }
    }
    return false;
}

/*
 * Risk of the findings close in time to anchor: the strongest finding per aspect, combined as
 * independent evidence (1 - prod(1 - w)), plus a bonus when aspects agree. Findings weeks apart
 * (a trip, later a new laptop) do not add up; a thief's many anomalies within hours do.
 */
static double window_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                          const struct kt_finding *anchor, unsigned skip)
{
    double best[KT_ASPECT__COUNT] = { 0 };
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        int64_t gap = f->time_ms - anchor->time_ms;
        if (gap < 0) {
            gap = -gap;
        }
        if (gap > e->risk_window_ms || ((skip & SKIP_HANDOVER) && handover_finding(f))) {
            continue;
        }
        enum kt_aspect a = aspect_of(f);
        if (!(skip & (1u << a))) {
            best[a] = KT_MAX(best[a], weight(e, f, full_score(f) >= 0 && corroborated(e, ks, f)));
        }
    }
    double keep = 1.0;
    int agreeing = 0;
    for (int a = 0; a < KT_ASPECT__COUNT; a++) {
        keep *= 1.0 - best[a];
        agreeing += best[a] >= e->agree_weight;
    }
    double risk = 100.0 * (1.0 - keep);
    return risk + (agreeing >= 3   ? e->cfg->risk_bonus_three
                   : agreeing == 2 ? e->cfg->risk_bonus_two
                                   : 0);
}

/* Risk of a key's findings, leaving out the aspects in skip (a bit mask, SKIP_HANDOVER: also
 * the findings about creating a key); *critical: an accepted critical finding among them. */
static double findings_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                            unsigned skip, bool *critical)
{
    double risk = 0;
    *critical = false;
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        if ((skip & (1u << aspect_of(f))) || ((skip & SKIP_HANDOVER) && handover_finding(f))) {
            continue;
        }
        risk = KT_MAX(risk, window_risk(e, ks, f, skip));
        *critical |= f->severity == KT_SEV_CRITICAL && f->accepted > 0;
    }
    return risk;
}

static enum kt_verdict verdict_of(const struct kt_engine *e, int r, bool critical)
{
    return critical || r >= e->cfg->rotate_at ? KT_VERDICT_ROTATE
           : r >= e->cfg->investigate_at      ? KT_VERDICT_INVESTIGATE
                                              : KT_VERDICT_OK;
}

/* The risk and verdict of the findings so far, without hindsight: what alerts and quarantine
 * use while the logs are read. */
static int stream_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                       enum kt_verdict *verdict)
{
    bool critical;
    int r = (int)lround(KT_MIN(findings_risk(e, ks, 0, &critical), 100.0));
    if (critical) {
        r = KT_MAX(r, (int)lround(e->cfg->risk_critical));
    }
    if (verdict != NULL) {
        *verdict = verdict_of(e, r, critical);
    }
    return r;
}

static bool is_place_detector(const char *name)
{
    return strcmp(name, "new_country") == 0 || strcmp(name, "new_asn") == 0 ||
           strcmp(name, "impossible_travel") == 0 || strcmp(name, "parallel_use") == 0;
}

/* A place for a reason: the country, else the network ("AS64511"). */
static void place_name(char *out, size_t cap, bool by_country, const char country[2],
                       uint32_t asn)
{
    if (by_country && country[0] != '\0') {
        snprintf(out, cap, "%.2s", country);
    } else {
        snprintf(out, cap, "AS%lu", (unsigned long)asn);
    }
}

#define KT_TRIP_MIN_MS (24LL * 3600 * 1000)

/*
 * A round trip: the new place was used only while the old one was silent (never the old place
 * between two uses of the new one), and the old place came back after the new one's last use.
 * One party moving, not two at once. A hop too fast to fly (impossible_travel) is no trip.
 */
static bool trip_note(const struct kt_engine *e, const struct kt_keystate *ks, char *note,
                      size_t cap)
{
    const struct kt_move *m = &ks->move;
    /* A day or more away: a thief's session in the owner's night is no journey. */
    if ((m->spoiled & KT_MOVE_INTERLEAVED) || m->old_last_ms == KT_TIME_NONE ||
        m->old_last_ms <= m->new_last_ms || m->new_events == 0 ||
        m->new_last_ms - m->since_ms < KT_TRIP_MIN_MS) {
        return false;
    }
    for (size_t i = 0; i < ks->n_findings; i++) {
        if (strcmp(e->findings[ks->findings[i]].detector, "impossible_travel") == 0) {
            return false;
        }
    }
    if (note != NULL && cap > 0) {
        char from[16], to[16], back[KT_TIME_STRLEN];
        place_name(from, sizeof(from), m->by_country, m->old_country, m->old_asn);
        place_name(to, sizeof(to), m->by_country, m->country, m->asn);
        kt_time_format(m->old_last_ms, back);
        snprintf(note, cap,
                 "looks like a trip to %s: same client and operations, %u uses on %u days while "
                 "%s was silent, %s in use again after it (last %.10s)",
                 to, m->new_events, (unsigned)m->new_days, from, from, back);
    }
    return true;
}

bool kt_engine_move_note(const struct kt_engine *e, const struct kt_keystate *ks, char *note,
                         size_t cap)
{
    const struct kt_move *m = &ks->move;
    if (note != NULL && cap > 0) {
        note[0] = '\0';
    }
    if (m->since_ms == KT_TIME_NONE || (m->spoiled & ~(unsigned)KT_MOVE_INTERLEAVED) != 0 ||
        m->before_days == 0 || m->before_events == 0 || ks->dropped_findings > 0) {
        return false;
    }
    /* Only the new place speaks for rotate: every where-finding is about places, and the
     * other aspects alone stay below rotate. */
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        if (aspect_of(f) == KT_ASPECT_WHERE && !is_place_detector(f->detector)) {
            return false;
        }
    }
    bool critical;
    int rest = (int)lround(findings_risk(e, ks, 1u << KT_ASPECT_WHERE, &critical));
    if (critical || rest >= e->cfg->rotate_at) {
        return false;
    }
    if (m->new_days < e->cfg->move_min_days) {
        return trip_note(e, ks, note, cap);
    }
    /* The old place fell silent within the overlap, and the new one carried on alone. */
    if (m->old_last_ms != KT_TIME_NONE &&
        (m->old_last_ms > m->since_ms + e->move_overlap_ms ||
         m->new_last_ms < m->old_last_ms + e->move_silent_ms)) {
        return trip_note(e, ks, note, cap);
    }
    /* Comparable volume: uses per active day within a factor of the key's old habit. */
    double before = (double)m->before_events / m->before_days;
    double now = (double)m->new_events / m->new_days;
    if (now * e->cfg->move_volume < before || now > before * e->cfg->move_volume) {
        return trip_note(e, ks, note, cap);
    }
    if (note != NULL && cap > 0) {
        char from[16], to[16], since[KT_TIME_STRLEN] = "";
        place_name(from, sizeof(from), m->by_country, m->old_country, m->old_asn);
        place_name(to, sizeof(to), m->by_country, m->country, m->asn);
        if (m->old_last_ms != KT_TIME_NONE) {
            kt_time_format(m->old_last_ms, since);
        }
        snprintf(note, cap,
                 "looks like a move from %s to %s: same client and operations, %u uses on %u "
                 "days (%.0f a day, %.0f before), %s silent since %.10s",
                 from, to, m->new_events, (unsigned)m->new_days, now, before, from,
                 since[0] != '\0' ? since : "before");
    }
    return true;
}

/* ---- hindsight: a key handed over to the key it created ---- */

/* Every member of set a (ids, count > 0) is in set b. */
static bool items_within(const struct kt_bl_item *a, const struct kt_bl_item *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].count == 0 || a[i].id == 0) {
            continue;
        }
        bool found = false;
        for (size_t j = 0; j < n && !found; j++) {
            found = b[j].count > 0 && b[j].id == a[i].id;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

/*
 * Whether child took over parent's work: used on move.min_days days or more, only from
 * networks (ASNs, or /24s without ASN data) and countries the parent used, only with the
 * parent's clients, only for operations the parent called; and the parent fell silent within
 * move.overlap_days of the child's first use while the child carried on (move.silent_days).
 */
static bool took_over(const struct kt_engine *e, const struct kt_keystate *parent,
                      const struct kt_keystate *child)
{
    const struct kt_baseline *p = &parent->base, *c = &child->base;
    if (c->days_active < e->cfg->move_min_days || c->events == 0 || p->events == 0 ||
        child->first_ms == INT64_MAX || parent->last_ms == INT64_MIN ||
        parent->last_ms > child->first_ms + e->move_overlap_ms ||
        child->last_ms < parent->last_ms + e->move_silent_ms) {
        return false;
    }
    bool has_asns = false;
    for (size_t i = 0; i < KT_BL_ASNS; i++) {
        has_asns |= c->asns[i].count > 0 && c->asns[i].id != 0;
    }
    if (!(has_asns ? items_within(c->asns, p->asns, KT_BL_ASNS)
                   : items_within(c->nets, p->nets, KT_BL_NETS))) {
        return false;
    }
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        if (c->countries[i].code[0] != '\0' && !kt_baseline_has_country(p, c->countries[i].code)) {
            return false;
        }
    }
    for (size_t i = 0; i < KT_BL_AGENTS && c->agents[i].count > 0; i++) {
        bool found = false;
        for (size_t j = 0; j < KT_BL_AGENTS && !found; j++) {
            found = p->agents[j].count > 0 && p->agents[j].id == c->agents[i].id;
        }
        if (!found) {
            return false;
        }
    }
    for (size_t i = 0; i < sizeof(c->ops); i++) {
        if (c->ops[i] & ~p->ops[i]) {
            return false;
        }
    }
    return true;
}

/*
 * The other side of a key's creation link (credential_chain's "created kt1-…" or "created by
 * kt1-…"), with whether ks is the creator; NULL when it has none or the key is not held.
 */
static const struct kt_keystate *link_of(const struct kt_engine *e, const struct kt_keystate *ks,
                                         bool *is_parent)
{
    for (size_t i = 0; i < ks->n_findings; i++) {
        const struct kt_finding *f = &e->findings[ks->findings[i]];
        if (strcmp(f->detector, "credential_chain") != 0) {
            continue;
        }
        const char *id = strrchr(f->value, ' ');
        struct kt_keyid other;
        if (id == NULL || !kt_keyid_parse(kt_str_cstr(id + 1), &other)) {
            continue;
        }
        *is_parent = strncmp(f->value, "created by ", 11) != 0;
        return kt_engine_keystate(e, &other);
    }
    return NULL;
}

/* The rest of a key's evidence, without its creation link, stays below rotate. */
static bool rest_below_rotate(const struct kt_engine *e, const struct kt_keystate *ks)
{
    bool critical;
    int rest = (int)lround(findings_risk(e, ks, SKIP_HANDOVER, &critical));
    return !critical && rest < e->cfg->rotate_at && ks->dropped_findings == 0;
}

bool kt_engine_handover_note(const struct kt_engine *e, const struct kt_keystate *ks, char *note,
                             size_t cap)
{
    if (note != NULL && cap > 0) {
        note[0] = '\0';
    }
    bool is_parent = false;
    const struct kt_keystate *other = link_of(e, ks, &is_parent);
    if (other == NULL) {
        return false;
    }
    const struct kt_keystate *parent = is_parent ? ks : other, *child = is_parent ? other : ks;
    if (!took_over(e, parent, child) || !rest_below_rotate(e, parent) ||
        !rest_below_rotate(e, child)) {
        return false;
    }
    if (note != NULL && cap > 0) {
        char id[KT_KEYID_STRLEN + 1], since[KT_TIME_STRLEN];
        kt_keyid_format(&other->key, id);
        kt_time_format(parent->last_ms, since);
        if (is_parent) {
            snprintf(note, cap,
                     "looks like a key rotation: %s, created by this key, took over with the "
                     "same networks, client and operations; silent since %.10s",
                     id, since);
        } else {
            snprintf(note, cap,
                     "looks like a key rotation: took over from %s, which created it, with the "
                     "same networks, client and operations; it is silent since %.10s",
                     id, since);
        }
    }
    return true;
}

int kt_engine_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                   enum kt_verdict *verdict)
{
    enum kt_verdict v;
    int r = stream_risk(e, ks, &v);
    if (v == KT_VERDICT_ROTATE &&
        (kt_engine_move_note(e, ks, NULL, 0) || kt_engine_handover_note(e, ks, NULL, 0))) {
        r = KT_MIN(r, e->cfg->rotate_at - 1);
        v = verdict_of(e, r, false);
    }
    if (verdict != NULL) {
        *verdict = v;
    }
    return r;
}

static int by_weight(const void *a, const void *b)
{
    const struct kt_finding *x = *(const struct kt_finding *const *)a;
    const struct kt_finding *y = *(const struct kt_finding *const *)b;
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    if (x->severity != y->severity) {
        return x->severity > y->severity ? -1 : 1;
    }
    if (x->time_ms != y->time_ms) {
        return x->time_ms < y->time_ms ? -1 : 1;
    }
    int c = strcmp(x->detector, y->detector);
    return c != 0 ? c : strcmp(x->value, y->value);
}

/* Report order: risk (highest first), verdict (rotate first), key id — as the renderers. */
static int by_risk(const void *a, const void *b)
{
    const struct kt_report_row *x = a, *y = b;
    if (x->risk != y->risk) {
        return x->risk > y->risk ? -1 : 1;
    }
    if (x->verdict != y->verdict) {
        return x->verdict > y->verdict ? -1 : 1;
    }
    return memcmp(x->key.b, y->key.b, KT_KEYID_BYTES);
}

/* Fills a name/count list from baseline slots, most used first. */
static size_t top_counts(struct kt_report_count *out, const char (*names)[80],
                         const uint32_t *counts, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (counts[i] == 0) {
            continue;
        }
        size_t j = k < KT_REPORT_TOP ? k : KT_REPORT_TOP;
        while (j > 0 && (out[j - 1].count < counts[i] ||
                         (out[j - 1].count == counts[i] && strcmp(out[j - 1].name, names[i]) > 0))) {
            if (j < KT_REPORT_TOP) {
                out[j] = out[j - 1];
            }
            j--;
        }
        if (j < KT_REPORT_TOP) {
            kt_str_copy(out[j].name, sizeof(out[j].name),
                        kt_str_make(names[i], strnlen(names[i], sizeof(names[i]))));
            out[j].count = counts[i];
        }
        if (k < KT_REPORT_TOP) {
            k++;
        }
    }
    return k;
}

static void summarise(const struct kt_keystate *ks, struct kt_report_key *rk)
{
    const struct kt_baseline *b = &ks->base;
    char names[KT_BL_ASNS + KT_BL_COUNTRIES + KT_BL_AGENTS][80];
    uint32_t counts[KT_BL_ASNS + KT_BL_COUNTRIES + KT_BL_AGENTS];
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        snprintf(names[i], sizeof(names[i]), "%.2s", b->countries[i].code);
        counts[i] = b->countries[i].code[0] ? b->countries[i].count : 0;
    }
    rk->n_countries = top_counts(rk->countries, names, counts, KT_BL_COUNTRIES);
    for (size_t i = 0; i < KT_BL_ASNS; i++) {
        snprintf(names[i], sizeof(names[i]), "AS%llu", (unsigned long long)b->asns[i].id);
        counts[i] = b->asns[i].id ? b->asns[i].count : 0;
    }
    rk->n_asns = top_counts(rk->asns, names, counts, KT_BL_ASNS);
    for (size_t i = 0; i < KT_BL_AGENTS; i++) {
        snprintf(names[i], sizeof(names[i]), "%.*s", KT_BL_AGENT_NAME, b->agents[i].name);
        counts[i] = b->agents[i].id ? b->agents[i].count : 0;
    }
    rk->n_agents = top_counts(rk->agents, names, counts, KT_BL_AGENTS);
    uint64_t ips = 0;
    for (size_t i = 0; i < KT_BL_IPS; i++) {
        ips += b->ips[i].count > 0;
    }
    rk->ips = ips;
}

/* The other party's block of the report from the key's footprint. */
static void summarise_other(const struct kt_footprint *fp, struct kt_report_other *ro)
{
    char names[KT_FP_OPS][80];
    uint32_t counts[KT_FP_OPS];
    struct {
        enum kt_fp_set set;
        struct kt_report_count *out;
        size_t *n;
    } lists[] = {
        { KT_FP_ADDR, ro->addrs, &ro->n_addrs },
        { KT_FP_ASN, ro->asns, &ro->n_asns },
        { KT_FP_COUNTRY, ro->countries, &ro->n_countries },
        { KT_FP_AGENT, ro->agents, &ro->n_agents },
    };
    _Static_assert(KT_FP_ADDRS <= KT_FP_OPS && KT_FP_ASNS <= KT_FP_OPS &&
                       KT_FP_COUNTRIES <= KT_FP_OPS && KT_FP_AGENTS <= KT_FP_OPS,
                   "names[] holds the largest set");
    ro->events = fp->events;
    ro->errors = fp->errors;
    ro->first_ms = fp->first_ms;
    ro->last_ms = fp->last_ms;
    for (size_t l = 0; l < KT_ARRAY_LEN(lists); l++) {
        size_t n;
        const struct kt_fp_name *set = kt_footprint_set(fp, lists[l].set, &n);
        for (size_t i = 0; i < n; i++) {
            snprintf(names[i], sizeof(names[i]), "%s", set[i].name);
            counts[i] = set[i].count;
        }
        *lists[l].n = top_counts(lists[l].out, names, counts, n);
    }
    /* Operations keep their order: what the other party did first comes first. */
    size_t n;
    const struct kt_fp_name *ops = kt_footprint_set(fp, KT_FP_OP, &n);
    for (size_t i = 0; i < n && i < KT_REPORT_OPS && ops[i].count > 0; i++) {
        snprintf(ro->ops[i].name, sizeof(ro->ops[i].name), "%s", ops[i].name);
        ro->ops[i].count = ops[i].count;
        ro->n_ops = i + 1;
    }
    ro->more_addrs = fp->more[KT_FP_ADDR];
    ro->more_ops = fp->more[KT_FP_OP];
}

/* An ok key whose baseline is not mature: only the baseline-free rules could judge it. */
static bool learning(const struct kt_engine *e, const struct kt_keystate *ks, enum kt_verdict v)
{
    return v == KT_VERDICT_OK &&
           (ks->base.days_active < e->cfg->min_days || ks->base.events < e->cfg->min_events);
}

/* The report entry of one row (kt_report.fill): identity, facts, findings, timeline. */
static const struct kt_report_key *fill_key(const void *src, const struct kt_report_row *row,
                                            struct kt_report_key *rk)
{
    const struct kt_engine *e = src;
    const struct kt_keystate *ks = key_at(e, row->ref);
    memset(rk, 0, sizeof(*rk));
    rk->key = ks->key;
    rk->family = ks->family;
    rk->flags = ks->flags;
    memcpy(rk->kind, ks->kind, sizeof(rk->kind));
    memcpy(rk->hint, ks->hint, sizeof(rk->hint));
    memcpy(rk->account, ks->account, sizeof(rk->account));
    rk->verdict = (enum kt_verdict)row->verdict;
    rk->risk = row->risk;
    rk->learning = learning(e, ks, rk->verdict);
    /* Events include the quarantined ones the baseline never learned. */
    rk->events = ks->events;
    rk->errors = ks->base.errors;
    rk->other.first_ms = rk->other.last_ms = KT_TIME_NONE;
    if (ks->other != NULL) {
        summarise_other(ks->other, &rk->other);
        rk->errors += ks->other->errors;
    }
    rk->first_ms = ks->first_ms == INT64_MAX ? KT_TIME_NONE : ks->first_ms;
    rk->last_ms = ks->last_ms == INT64_MIN ? KT_TIME_NONE : ks->last_ms;
    if (rk->first_ms != KT_TIME_NONE && rk->last_ms != KT_TIME_NONE) {
        rk->history_days = (rk->last_ms - rk->first_ms) / 86400000;
    }
    summarise(ks, rk);
    if (ks->n_findings > 0 && !kt_engine_move_note(e, ks, rk->note, sizeof(rk->note))) {
        kt_engine_handover_note(e, ks, rk->note, sizeof(rk->note));
    }
    if (ks->n_findings > 0) {
        rk->findings = e->report_findings + ks->report_at;
        rk->n_findings = ks->n_findings;
    }
    if (ks->last_day != INT32_MIN) {
        rk->day0 = ks->last_day - (KT_REPORT_DAYS - 1);
        int32_t first_day = (int32_t)(rk->first_ms / 86400000);
        if (rk->first_ms != KT_TIME_NONE && first_day > rk->day0) {
            rk->day0 = first_day;
        }
        rk->n_days = (size_t)(ks->last_day - rk->day0 + 1);
        for (size_t d = 0; d < rk->n_days; d++) {
            int64_t day = (int64_t)rk->day0 + (int64_t)d;
            rk->days[d] = ks->days[((day % KT_REPORT_DAYS) + KT_REPORT_DAYS) % KT_REPORT_DAYS];
        }
    }
    return rk;
}

enum kt_rc kt_engine_report(struct kt_engine *e, bool all_keys, struct kt_report *out)
{
    free(e->report_rows);
    free(e->report_findings);
    memset(out, 0, sizeof(*out));
    /* Rows only: 20 bytes a key, entries are filled one at a time as they are written. Without
     * a report to write, only the keys to act on get a row. */
    size_t n_model = 0;
    for (size_t i = 0; i < e->n_keys; i++) {
        n_model += all_keys || key_at(e, i)->n_findings > 0;
    }
    e->report_rows = malloc((n_model ? n_model : 1) * sizeof(*e->report_rows));
    e->report_findings = malloc((e->n_findings ? e->n_findings : 1) * sizeof(*e->report_findings));
    if (e->report_rows == NULL || e->report_findings == NULL) {
        free(e->report_rows);
        free(e->report_findings);
        e->report_rows = NULL;
        e->report_findings = NULL;
        return KT_ENOMEM;
    }
    size_t fpos = 0, m = 0;
    for (size_t i = 0; i < e->n_keys; i++) {
        struct kt_keystate *ks = key_at(e, i);
        enum kt_verdict v;
        int risk = kt_engine_risk(e, ks, &v);
        out->totals.keys++;
        out->totals.rotate += v == KT_VERDICT_ROTATE;
        out->totals.investigate += v == KT_VERDICT_INVESTIGATE;
        out->totals.ok += v == KT_VERDICT_OK;
        out->totals.learning += learning(e, ks, v);
        if (!all_keys && ks->n_findings == 0) {
            continue;
        }
        if (ks->n_findings > 0) {
            const struct kt_finding **fl = e->report_findings + fpos;
            for (size_t k = 0; k < ks->n_findings; k++) {
                fl[k] = &e->findings[ks->findings[k]];
            }
            qsort(fl, ks->n_findings, sizeof(*fl), by_weight);
            ks->report_at = (uint32_t)fpos;
            fpos += ks->n_findings;
        }
        struct kt_report_row *row = &e->report_rows[m++];
        row->key = ks->key;
        row->verdict = (uint8_t)v;
        row->risk = (uint8_t)KT_MAX(KT_MIN(risk, 100), 0);
        row->ref = (uint32_t)i;
    }
    qsort(e->report_rows, m, sizeof(*e->report_rows), by_risk);
    out->rows = e->report_rows;
    out->n_keys = m;
    out->fill = fill_key;
    out->src = e;
    out->totals.findings = e->n_findings;
    out->totals.alerts = e->alerts;
    out->totals.max_keys = e->max_keys;
    out->totals.evicted = e->evicted.keys;
    out->totals.evicted_rotate = e->evicted.rotate;
    out->totals.evicted_investigate = e->evicted.investigate;
    out->from_ms = e->from_ms == INT64_MAX ? KT_TIME_NONE : e->from_ms;
    out->to_ms = e->to_ms == INT64_MIN ? KT_TIME_NONE : e->to_ms;
    return KT_OK;
}

/* ---- persistence and retention ---- */

void kt_engine_history_get(const struct kt_engine *e, struct kt_engine_history *out)
{
    out->alerts = e->alerts;
    out->evicted = e->evicted;
    out->from_ms = e->from_ms == INT64_MAX ? KT_TIME_NONE : e->from_ms;
    out->to_ms = e->to_ms == INT64_MIN ? KT_TIME_NONE : e->to_ms;
}

void kt_engine_history_add(struct kt_engine *e, const struct kt_engine_history *h)
{
    e->alerts += h->alerts;
    e->evicted.keys += h->evicted.keys;
    e->evicted.rotate += h->evicted.rotate;
    e->evicted.investigate += h->evicted.investigate;
    e->evicted.findings += h->evicted.findings;
    if (h->from_ms != KT_TIME_NONE) {
        e->from_ms = KT_MIN(e->from_ms, h->from_ms);
    }
    if (h->to_ms != KT_TIME_NONE) {
        e->to_ms = KT_MAX(e->to_ms, h->to_ms);
    }
}

enum kt_rc kt_engine_each_key(const struct kt_engine *e, kt_engine_key_fn fn, void *ctx)
{
    for (size_t t = 0; t < KT_ARRAY_LEN(e->lru); t++) {
        for (uint32_t s = e->lru[t].tail; s != KT_ENGINE_NO_SLOT; s = key_at(e, s)->lru_prev) {
            enum kt_rc rc = fn(ctx, key_at(e, s));
            if (rc != KT_OK) {
                return rc;
            }
        }
    }
    return KT_OK;
}

const struct kt_finding *kt_engine_key_finding(const struct kt_engine *e,
                                               const struct kt_keystate *ks, size_t i)
{
    return &e->findings[ks->findings[i]];
}

size_t kt_engine_det_state_size(const struct kt_engine *e)
{
    return e->state_size;
}

size_t kt_engine_n_detectors(const struct kt_engine *e)
{
    return e->n_dets;
}

bool kt_engine_det_layout(const struct kt_engine *e, size_t d, const char **name, size_t *offset,
                          size_t *size)
{
    if (d >= e->n_dets || e->state_off[d] == SIZE_MAX) {
        return false;
    }
    *name = e->dets[d]->name;
    *offset = e->state_off[d];
    *size = e->dets[d]->state_size;
    return true;
}

/* Adds a saved finding to ks, or folds it into the one it repeats. */
static enum kt_rc restore_finding(struct kt_engine *e, struct kt_keystate *ks,
                                  const struct kt_finding *f)
{
    if ((e->n_findings + 1) * 10 > e->dedup_cap * 7 && grow_dedup(e) != KT_OK) {
        return KT_ENOMEM;
    }
    size_t s = finding_hash(&f->key, f->detector, f->value) & (e->dedup_cap - 1);
    for (; e->dedup[s].finding != 0; s = (s + 1) & (e->dedup_cap - 1)) {
        struct kt_finding *old = &e->findings[e->dedup[s].finding - 1];
        if (same_finding(old, f)) {
            if (f->time_ms < old->time_ms) {
                /* The earlier occurrence tells the story (its reason, its address). */
                uint64_t count = old->count, accepted = old->accepted;
                int64_t last = old->last_ms;
                *old = *f;
                old->count = count;
                old->accepted = accepted;
                old->last_ms = last;
            }
            old->count += f->count;
            old->accepted += f->accepted;
            old->last_ms = KT_MAX(old->last_ms, f->last_ms);
            return KT_OK;
        }
    }
    if (ks->n_findings == KT_KEY_FINDINGS) {
        ks->dropped_findings++;
        return KT_OK;
    }
    if (e->n_findings == e->cap_findings) {
        size_t ncap = e->cap_findings ? e->cap_findings * 2 : 256;
        struct kt_finding *nf = realloc(e->findings, ncap * sizeof(*nf));
        if (nf == NULL) {
            return KT_ENOMEM;
        }
        e->findings = nf;
        e->cap_findings = ncap;
    }
    e->findings[e->n_findings] = *f;
    e->dedup[s].finding = (uint32_t)e->n_findings + 1;
    ks->findings[ks->n_findings++] = (uint32_t)e->n_findings;
    e->n_findings++;
    return KT_OK;
}

/* Folds the counters and timeline of a saved copy of a key into the one held. */
static void merge_keystate(struct kt_keystate *dst, const struct kt_keystate *src)
{
    kt_baseline_merge(&dst->base, &src->base);
    if (src->recent.win_start_ms != KT_TIME_NONE &&
        (dst->recent.win_start_ms == KT_TIME_NONE ||
         src->recent.win_start_ms > dst->recent.win_start_ms)) {
        dst->recent = src->recent;
    }
    if (src->move.since_ms != KT_TIME_NONE &&
        (dst->move.since_ms == KT_TIME_NONE || src->move.since_ms < dst->move.since_ms)) {
        dst->move = src->move;
    }
    dst->first_ms = KT_MIN(dst->first_ms, src->first_ms);
    dst->last_ms = KT_MAX(dst->last_ms, src->last_ms);
    dst->events += src->events;
    dst->quarantined += src->quarantined;
    dst->dropped_findings = (uint16_t)KT_MIN(dst->dropped_findings + src->dropped_findings,
                                             UINT16_MAX);
    if (src->last_day != INT32_MIN) {
        int32_t newest = dst->last_day == INT32_MIN ? src->last_day
                                                    : KT_MAX(dst->last_day, src->last_day);
        uint16_t days[KT_REPORT_DAYS] = { 0 };
        const struct kt_keystate *both[2] = { dst, src };
        for (int k = 0; k < 2; k++) {
            if (both[k]->last_day == INT32_MIN) {
                continue;
            }
            for (int64_t d = (int64_t)newest - (KT_REPORT_DAYS - 1); d <= newest; d++) {
                if (d > both[k]->last_day || both[k]->last_day - d >= KT_REPORT_DAYS) {
                    continue;
                }
                size_t i = (size_t)(((d % KT_REPORT_DAYS) + KT_REPORT_DAYS) % KT_REPORT_DAYS);
                days[i] = (uint16_t)KT_MIN((uint32_t)days[i] + both[k]->days[i], UINT16_MAX);
            }
        }
        memcpy(dst->days, days, sizeof(days));
        dst->last_day = newest;
    }
}

enum kt_rc kt_engine_restore_key(struct kt_engine *e, const struct kt_keystate *saved,
                                 const struct kt_finding *findings, size_t n,
                                 const void *det_state)
{
    struct kt_cred id = { .family = saved->family, .flags = saved->flags, .key = saved->key };
    memcpy(id.kind, saved->kind, sizeof(id.kind));
    memcpy(id.hint, saved->hint, sizeof(id.hint));
    memcpy(id.account, saved->account, sizeof(id.account));
    bool held = kt_engine_keystate(e, &saved->key) != NULL;
    struct kt_keystate *ks = key_state(e, &id);
    if (ks == NULL) {
        return KT_ENOMEM;
    }
    if (held) {
        merge_keystate(ks, saved);
    } else {
        ks->base = saved->base;
        ks->recent = saved->recent;
        ks->first_ms = saved->first_ms;
        ks->last_ms = saved->last_ms;
        ks->events = saved->events;
        ks->quarantined = saved->quarantined;
        ks->dropped_findings = saved->dropped_findings;
        ks->move = saved->move;
        ks->last_day = saved->last_day;
        memcpy(ks->days, saved->days, sizeof(ks->days));
    }
    if (saved->other != NULL) {
        if (ks->other == NULL) {
            if ((ks->other = malloc(sizeof(*ks->other))) == NULL) {
                return KT_ENOMEM;
            }
            kt_footprint_init(ks->other);
        }
        kt_footprint_merge(ks->other, saved->other);
    }
    if (det_state != NULL && e->state_size > 0 && ks->det_state == NULL) {
        if ((ks->det_state = malloc(e->state_size)) == NULL) {
            return KT_ENOMEM;
        }
        memcpy(ks->det_state, det_state, e->state_size);
    }
    for (size_t i = 0; i < n; i++) {
        struct kt_finding f = findings[i];
        f.key = ks->key;
        if (restore_finding(e, ks, &f) != KT_OK) {
            return KT_ENOMEM;
        }
    }
    enum kt_verdict v;
    stream_risk(e, ks, &v);
    ks->at_rotate = v == KT_VERDICT_ROTATE;
    uint32_t slot;
    if (kt_keytab_get(&e->index, &ks->key, &slot)) {
        lru_touch(e, slot, tier_of(ks));
    }
    return KT_OK;
}

/* Removes the key in slot: its findings, its table entry, and its slot (the last key moves
 * into it, so the array stays dense). */
static void drop_slot(struct kt_engine *e, uint32_t slot)
{
    struct kt_keystate *ks = key_at(e, slot);
    lru_unlink(e, slot);
    drop_findings(e, ks);
    kt_keytab_del(&e->index, &ks->key, NULL);
    free(ks->det_state);
    free(ks->other);
    uint32_t last = (uint32_t)e->n_keys - 1;
    if (slot != last) {
        struct kt_keystate *mv = key_at(e, last);
        *ks = *mv;
        kt_keytab_set(&e->index, &ks->key, slot);
        if (ks->lru_prev != KT_ENGINE_NO_SLOT) {
            key_at(e, ks->lru_prev)->lru_next = slot;
        } else {
            e->lru[ks->tier].head = slot;
        }
        if (ks->lru_next != KT_ENGINE_NO_SLOT) {
            key_at(e, ks->lru_next)->lru_prev = slot;
        } else {
            e->lru[ks->tier].tail = slot;
        }
    }
    e->n_keys--;
}

bool kt_engine_forget(struct kt_engine *e, const struct kt_keyid *key)
{
    uint32_t slot;
    if (!kt_keytab_get(&e->index, key, &slot)) {
        return false;
    }
    drop_slot(e, slot);
    return true;
}

uint64_t kt_engine_age(struct kt_engine *e, int64_t now_ms, const struct kt_retention *r)
{
    uint64_t dropped = 0;
    if (now_ms == KT_TIME_NONE || r == NULL) {
        return 0;
    }
    int64_t key_cut = r->key_days ? now_ms - (int64_t)r->key_days * 86400000 : INT64_MIN;
    for (size_t i = e->n_keys; i-- > 0;) {
        struct kt_keystate *ks = key_at(e, i);
        /* A key with findings is kept as long as one is within the window: its verdict
         * still stands. */
        int64_t last = ks->last_ms;
        for (size_t k = 0; k < ks->n_findings; k++) {
            last = KT_MAX(last, e->findings[ks->findings[k]].last_ms);
        }
        if (r->key_days && last != INT64_MIN && last < key_cut) {
            drop_slot(e, (uint32_t)i);
            dropped++;
            continue;
        }
        if (r->entry_days) {
            kt_baseline_age(&ks->base, now_ms, r->entry_days);
        }
    }
    return dropped;
}
