/*
 * The detection engine: per-key state, the detectors, findings and verdicts.
 *
 * Each event is observed once (observe.h). For each credential in it: look the key up (or
 * create it), let every enabled detector judge the observation against the baseline as it was
 * (check first), fold it into the baseline (then learn), and deduplicate what the detectors found — one
 * finding per key, detector and value, alerted once, counted after. Events that raised a high
 * or critical finding are kept out of the baseline, so a thief cannot teach keytrail that their
 * country is normal; they go into the key's footprint of the other party instead (footprint.h),
 * allocated at its first such event, which reports show beside the baseline's facts.
 *
 * At the end, each key's findings combine into a risk score (0..100) and a verdict: rotate,
 * investigate or ok. Findings corroborate each other when they are close in time (a thief
 * trips several detectors within hours) and in different aspects (where, how, what, when);
 * drift spread over weeks in one aspect does not add up to "rotate".
 *
 * Memory is bounded by max_keys: at the cap, a new key evicts the least recently used key of
 * the lowest tier — keys without findings first, then keys with findings, keys at the rotate
 * level last — with its findings. Evictions are counted (by verdict at eviction) for the
 * summary and the report. The report model costs a 20-byte row per key; full entries are
 * filled one at a time while a renderer writes them.
 */
#ifndef KEYTRAIL_ENGINE_H
#define KEYTRAIL_ENGINE_H

#include <keytrail/baseline.h>
#include <keytrail/event.h>
#include <keytrail/finding.h>
#include <keytrail/observation.h>
#include <keytrail/recent.h>
#include <keytrail/report.h>

#include "config.h"
#include "footprint.h"
#include "geodb.h"
#include "leaked.h"
#include "netset.h"

#define KT_KEY_FINDINGS 32 /* distinct findings kept per key; more are counted as dropped */
/* The risk window, weights and bonuses, and the hindsight limits of a move, are settings:
 * kt_config risk_* and move_* (config.h, README "Configuration"). */

/* kt_move.spoiled: what the key did at or besides the new place that a moving service does not. */
enum kt_move_spoil {
    KT_MOVE_NEW_CLIENT = 1u << 0, /* a client the key had not used */
    KT_MOVE_NEW_OP = 1u << 1,     /* an operation the key had not called */
    KT_MOVE_ELSEWHERE = 1u << 2,  /* a second new place */
    /* Not a spoil of a move (its two places overlap for a while), but of a trip: the old place
     * was used again between two uses of the new one, so two parties held the key at once. */
    KT_MOVE_INTERLEAVED = 1u << 3,
};

/*
 * Hindsight for the final verdict: a service moving to another region or country looks, in the
 * stream, like a key used from a new place. Kept from the key's first where-finding (medium or
 * worse) on: that place, its uses, whether they brought a new client or operation, and the last
 * use from anywhere else. 56 bytes a key.
 */
struct kt_move {
    int64_t since_ms;      /* the first where-finding's event; KT_TIME_NONE: none yet */
    int64_t old_last_ms;   /* last located use from anywhere but the new place */
    int64_t new_last_ms;   /* last use from the new place */
    uint32_t asn;          /* the new place: its network, or its country when by_country */
    uint32_t old_asn;      /* the key's most used network and country before it */
    uint32_t before_events, before_days; /* the baseline's uses and active days before it */
    uint32_t new_events;
    int32_t new_last_day;
    uint16_t new_days;
    char country[2];
    char old_country[2];
    uint8_t by_country;
    uint8_t spoiled;       /* enum kt_move_spoil */
};

/* Per-key state: identity, baseline, its findings and a daily timeline. */
struct kt_keystate {
    struct kt_keyid key;
    enum kt_family family;
    uint32_t flags;
    char kind[24];
    char hint[KT_HINT_MAX];
    char account[16];
    struct kt_baseline base;
    struct kt_recent recent;      /* its last minutes, every event included (recent.h) */
    int64_t first_ms, last_ms;    /* every use, including quarantined ones */
    uint64_t events;
    uint64_t quarantined;         /* events kept out of the baseline */
    struct kt_footprint *other;   /* what those events did (footprint.h); allocated at the first
                                     quarantined use, NULL until then */
    uint32_t findings[KT_KEY_FINDINGS];
    uint16_t n_findings;
    uint16_t dropped_findings;
    bool at_rotate;               /* its findings so far add up to "rotate" */
    struct kt_move move;          /* hindsight on a new place (kt_engine_risk) */
    int32_t last_day;             /* newest day of the timeline ring */
    uint16_t days[KT_REPORT_DAYS];/* uses per day, ring indexed by day % KT_REPORT_DAYS */
    /* Eviction: the key's place in its tier's least-recently-used list (slot indices,
     * KT_ENGINE_NO_SLOT at the ends); tier 0 without findings, 1 with, 2 at rotate. */
    uint32_t lru_prev, lru_next;
    uint8_t tier;
    uint32_t report_at;           /* its first finding in the report model */
    void *det_state;              /* detectors' per-key state (kt_detector.state_size), allocated
                                     the first time a detector that keeps one sees the key */
};

#define KT_ENGINE_NO_SLOT UINT32_MAX
#define KT_ENGINE_MAX_KEYS 1000000000u /* the largest cap a slot index can address */
_Static_assert(KT_ENGINE_MAX_KEYS < KT_ENGINE_NO_SLOT, "a slot index must not reach NO_SLOT");
_Static_assert(KT_KEY_FINDINGS <= UINT16_MAX, "kt_keystate.n_findings is a uint16_t");

struct kt_engine_opts {
    const struct kt_config *cfg;     /* required */
    struct kt_geodb *geo;            /* may be NULL */
    const struct kt_netset *ip_list; /* --ip-list, may be NULL */
    const struct kt_leaked *leaked;  /* --leaked, may be NULL */
    const struct kt_leaked *rotated; /* --rotated, may be NULL */
    /* Called once per new finding (the alert), in event order. May be NULL. */
    void (*on_alert)(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks);
    void *alert_ctx;
    /* Most keys held at once (1..KT_ENGINE_MAX_KEYS; 0 = no cap). */
    size_t max_keys;
};

/* Keys evicted at max_keys, and their verdicts at eviction. */
struct kt_engine_evictions {
    uint64_t keys;
    uint64_t rotate, investigate;
    uint64_t findings; /* distinct findings dropped with them (their alerts were written) */
};

struct kt_engine;

enum kt_rc kt_engine_new(struct kt_engine **out, const struct kt_engine_opts *opts,
                         struct kt_err *err);
void kt_engine_free(struct kt_engine *e);

/* Judges and learns one event (events without credentials are ignored): observes it
 * (kt_observe, with the databases and lists of opts), then kt_engine_observed. KT_ENOMEM only. */
enum kt_rc kt_engine_event(struct kt_engine *e, const struct kt_event *ev);

/* The same for an event already observed (o->ev); every key, detector and the baseline read
 * the facts of o. KT_ENOMEM only. */
enum kt_rc kt_engine_observed(struct kt_engine *e, const struct kt_obs *o);

/*
 * Builds the report in its rows form (see report.h): one row per key in report order, entries
 * filled on demand from the key states. With all_keys it covers every key held; without, only
 * keys with findings (the totals still count every key). Totals include the cap and the
 * evictions. The model is owned by the engine and valid until the next kt_engine_report,
 * kt_engine_event or kt_engine_free. KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_engine_report(struct kt_engine *e, bool all_keys, struct kt_report *out);

/* Number of keys held, findings held. */
size_t kt_engine_keys(const struct kt_engine *e);
uint64_t kt_engine_findings(const struct kt_engine *e);
const struct kt_engine_evictions *kt_engine_evictions(const struct kt_engine *e);

/* The key states (for tests and state files). */
const struct kt_keystate *kt_engine_keystate(const struct kt_engine *e, const struct kt_keyid *key);

/* ---- persistence and retention (state.c, keystate_io.c) ---- */

/* What the engine counted over its life, beyond its keys: saved and restored with a state. */
struct kt_engine_history {
    uint64_t alerts;
    struct kt_engine_evictions evicted;
    int64_t from_ms, to_ms; /* event time covered; KT_TIME_NONE when no event yet */
};

void kt_engine_history_get(const struct kt_engine *e, struct kt_engine_history *out);
/* Adds h to the engine's counters and widens its time range (restoring, merging). */
void kt_engine_history_add(struct kt_engine *e, const struct kt_engine_history *h);

/*
 * Calls fn for every key in restore order: the least recently used first, lowest tier first,
 * so restoring the keys in this order rebuilds the same eviction lists. Stops at, and returns,
 * the first non-OK return.
 */
typedef enum kt_rc (*kt_engine_key_fn)(void *ctx, const struct kt_keystate *ks);
enum kt_rc kt_engine_each_key(const struct kt_engine *e, kt_engine_key_fn fn, void *ctx);

/* The i-th finding of a key (i < ks->n_findings). */
const struct kt_finding *kt_engine_key_finding(const struct kt_engine *e,
                                               const struct kt_keystate *ks, size_t i);

/*
 * The layout of detectors' per-key state (ks->det_state, kt_engine_det_state_size bytes):
 * detector d's part is at *offset, *size bytes; false when d keeps none.
 */
size_t kt_engine_det_state_size(const struct kt_engine *e);
size_t kt_engine_n_detectors(const struct kt_engine *e);
bool kt_engine_det_layout(const struct kt_engine *e, size_t d, const char **name, size_t *offset,
                          size_t *size);

/*
 * Adds a key as saved: ks with its identity, counters, baseline, recent, move, timeline and
 * footprint (ks->other, copied; may be NULL) (its findings, lru and det_state fields are
 * ignored), findings[0, n) (more than
 * KT_KEY_FINDINGS are dropped), and det_state (kt_engine_det_state_size bytes in this engine's
 * layout, or NULL). A key already held is merged into: counts add, baselines merge, findings
 * unite (kt_baseline_merge; a finding held twice keeps the earliest and adds the counts). At
 * max_keys the least recently used key is evicted as for an event. KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_engine_restore_key(struct kt_engine *e, const struct kt_keystate *ks,
                                 const struct kt_finding *findings, size_t n,
                                 const void *det_state);

/* Drops a key and its findings (`keytrail state forget`). Returns whether it was held. */
bool kt_engine_forget(struct kt_engine *e, const struct kt_keyid *key);

/* Retention: how long unused state is kept, in days of event time (0: forever). */
struct kt_retention {
    uint32_t key_days;   /* a key unused this long before the newest event is dropped */
    uint32_t entry_days; /* baseline entries (addresses, places, agents...) unused this long
                            are dropped, and the hour and weekday profiles decay */
};

/*
 * Applies retention at now_ms (event time: the newest event seen, so a replay ages the same
 * way). Returns the number of keys dropped (their findings go with them).
 */
uint64_t kt_engine_age(struct kt_engine *e, int64_t now_ms, const struct kt_retention *r);

/*
 * Final risk and verdict of one key from its findings, with hindsight over the whole run: a key
 * whose rotate-level evidence is only a new place (new_country, new_asn, impossible_travel),
 * where the new place carried on with the usual client, no new operations and comparable
 * volume while the old place fell silent within move.overlap_days, looks like a service that
 * moved: at most investigate (risk rotate_at - 1). Likewise a key handed over to the key it
 * created (kt_engine_handover_note). The alerts in the stream never use hindsight: they judge
 * the findings so far.
 */
int kt_engine_risk(const struct kt_engine *e, const struct kt_keystate *ks,
                   enum kt_verdict *verdict);

/*
 * Whether hindsight says the key's new place is a move (see kt_engine_risk); if so, writes the
 * explanation into note ("looks like a move from DE to IE: same client and operations, 672 uses
 * on 14 days (48 a day, 46 before), DE silent since 2026-10-14") and returns true. note may be
 * NULL.
 */
bool kt_engine_move_note(const struct kt_engine *e, const struct kt_keystate *ks, char *note,
                         size_t cap);

/*
 * Hindsight on a key rotation: ks created another key, or was created by one (credential_chain
 * linked them), and the created key took over the creator's work — on KT_MOVE_MIN_DAYS days or
 * more, only from the creator's networks and countries, with its clients and for operations it
 * called — while the creator fell silent within KT_MOVE_OVERLAP_MS. When, besides the link and
 * the CreateAccessKey itself, neither key's findings reach rotate, both are at most
 * investigate, with the explanation in note (may be NULL); returns whether that holds.
 */
bool kt_engine_handover_note(const struct kt_engine *e, const struct kt_keystate *ks, char *note,
                             size_t cap);

#endif
