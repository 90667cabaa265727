/*
 * The detector interface. A detector is one const struct in detectors/, listed in the registry
 * (detectors/registry.c) that also drives --list-detectors and the config file's knobs.
 *
 * Check first, then learn: the engine hands every detector the event's observation (the facts
 * about it, made once per event: observation.h) and the key's baseline as it was before this
 * event, collects the findings, and only then folds the observation into the baseline. Detectors are pure functions of their input: no wall clock, no global state, so a
 * replay of the same logs gives the same findings. A detector that must remember something the
 * baseline does not (jwt_replay: which network first used each recent token) reserves a small
 * fixed per-key state (state_size bytes, for keys of state_family): the engine allocates it
 * zeroed the first time such a key meets the detector, hands it over in kt_det_input.state and
 * frees it with the key. Only the detector reads or writes it, in check, on event time. Novelty detectors (needs_maturity) are not
 * asked until the key's baseline is mature (config: maturity.min_days, maturity.min_events).
 */
#ifndef KEYTRAIL_DETECTOR_H
#define KEYTRAIL_DETECTOR_H

#include <keytrail/baseline.h>
#include <keytrail/common.h>
#include <keytrail/credential.h>
#include <keytrail/event.h>
#include <keytrail/finding.h>
#include <keytrail/geo.h>
#include <keytrail/observation.h>
#include <keytrail/recent.h>

/*
 * What a detector sees for one credential in one event. The facts about the event (address,
 * location, network, lists, operation key, client, outcome, day) are in obs, made once per
 * event by the observation stage; ev is the record itself, for the views obs does not
 * interpret (method, service, resource, grant, the agent's text for names in reasons).
 */
struct kt_det_input {
    const struct kt_event *ev;      /* == obs->ev */
    const struct kt_obs *obs;
    const struct kt_cred *cred;
    const struct kt_baseline *base; /* the key's baseline before this event */
    const struct kt_recent *recent; /* its last minutes and first use, before this event */
    bool mature;                    /* the baseline passed the maturity thresholds */
    bool broad;                     /* used widely by design (a publishable key, or already seen
                                       in many countries): geographic novelty is normal */
    bool usual_client;              /* the baseline knows the observation's client */
    int64_t leak_ms;                /* --leaked: when this key leaked; KT_TIME_NONE if not */
    int64_t rotated_ms;             /* --rotated: when this key was rotated; KT_TIME_NONE if not */
    const double *knobs;            /* this detector's knob values, in its knob-table order */
    void *state;                    /* this detector's per-key state, or NULL (see state_size) */
    /* Credential chaining (credential_chain): when the event created a key (ev->created_key),
     * the key's risk from its findings so far, this event's included; when judging the created
     * key itself, parent is the key that created it and key_risk that key's risk. */
    int key_risk;
    const struct kt_cred *parent;
};

typedef void (*kt_emit_fn)(void *ctx, const struct kt_finding *f);

/*
 * What a finding is evidence about. A thief shows up in several aspects at once (a new place,
 * a new tool, unusual operations, at night); ordinary drift usually in one (a trip, a new
 * laptop). Risk scoring takes the strongest finding per aspect and rewards agreement.
 */
enum kt_aspect {
    KT_ASPECT_WHERE = 0, /* country, network, travel, listed addresses */
    KT_ASPECT_HOW,       /* the client (user agent) */
    KT_ASPECT_WHAT,      /* operations: what the key asked for */
    KT_ASPECT_VOLUME,    /* how much: request and error rates */
    KT_ASPECT_WHEN,      /* time of day, dormancy */
    KT_ASPECT_DIRECT,    /* evidence on its own: a declared leak, a forged token */
    KT_ASPECT__COUNT
};

/* A tunable number, with its default; names are what the config file uses. */
struct kt_knob {
    const char *name;
    double def;
    const char *help;
};

struct kt_detector {
    const char *name;
    const char *summary;
    enum kt_severity severity; /* the most severe finding it raises (for listings) */
    enum kt_aspect aspect;
    bool needs_maturity;       /* a novelty detector: quiet until the baseline is mature */
    bool needs_geo;            /* needs a location or ASN database */
    const struct kt_knob *knobs;
    size_t n_knobs;
    size_t state_size;            /* per-key state it keeps (0: none; at most KT_DET_STATE_MAX) */
    enum kt_family state_family;  /* which keys get it (KT_FAM_NONE: every key) */
    /* Judges in; calls emit for each finding (zero or more). */
    void (*check)(const struct kt_det_input *in, kt_emit_fn emit, void *emit_ctx);
};

#define KT_DET_STATE_MAX 1024 /* per-key state of all detectors together, bytes */
#define KT_DET_MAX 32          /* detectors in the registry (the config's per-detector arrays) */
#define KT_DET_MAX_KNOBS 8     /* knobs of one detector */

/* A detector's .n_knobs from its knob table, refused at compile time over KT_DET_MAX_KNOBS. */
#define KT_DET_N_KNOBS(table)                                                                      \
    (sizeof(table) / sizeof((table)[0]) +                                                          \
     0 * sizeof(struct {                                                                           \
         _Static_assert(sizeof(table) / sizeof((table)[0]) <= KT_DET_MAX_KNOBS,                    \
                        "knob table over KT_DET_MAX_KNOBS");                                       \
         int ok;                                                                                   \
     }))

/* The registry, in a fixed order. */
const struct kt_detector *const *kt_detectors(size_t *count);
const struct kt_detector *kt_detector_find(const char *name);

/* Helpers for writing detectors (src/finding.c). */

/* Starts f for in's key, event time, address and location; value is printf-formatted. */
void kt_finding_start(struct kt_finding *f, const struct kt_det_input *in, const char *detector,
                      enum kt_severity sev, int score, const char *value_fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Sets the reason sentence (printf-formatted; never pass log content that may hold a token:
 * use the redacted or normalised values the baseline and geo provide). */
void kt_finding_reason(struct kt_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kt_finding_extra(struct kt_finding *f, const char *name, double value);

/* "12 840" — counts in reasons, grouped by thousands. */
const char *kt_fmt_count(uint64_t n, char *out, size_t cap);
/* The baseline's countries, most used first: "DE, US" (at most max). */
const char *kt_fmt_countries(const struct kt_baseline *b, size_t max, char *out, size_t cap);
/* The baseline's user agent names, most used first: "git/2.47.1, GitHub CLI 2.62.0". */
const char *kt_fmt_agents(const struct kt_baseline *b, size_t max, char *out, size_t cap);
/* Days of history: (last - first) of the baseline, rounded down. */
int64_t kt_baseline_days(const struct kt_baseline *b);
/* "AS9009" or "an unknown network". */
const char *kt_fmt_asn(uint32_t asn, char *out, size_t cap);
/* The display name of a user agent as kt_ua_display shows it ("python-requests/2.32.3", "GitHub
 * CLI 2.62.0"), into out; "(no user agent)" when there is none. */
const char *kt_fmt_agent_name(struct kt_str user_agent, char *out, size_t cap);

/*
 * The row of an operation table whose first member, a `const char *`, names op exactly
 * ("iam.amazonaws.com:PutUserPolicy"); NULL when none does. stride is sizeof(row).
 */
static inline const void *kt_det_find_op(struct kt_str op, const void *table, size_t n,
                                         size_t stride)
{
    for (size_t i = 0; i < n && op.len > 0; i++) {
        const void *row = (const char *)table + i * stride;
        const char *name = *(const char *const *)row;
        if (name[0] == op.ptr[0] && kt_str_eq_cstr(op, name)) {
            return row;
        }
    }
    return NULL;
}

#endif
