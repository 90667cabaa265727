/*
 * A key's short-term memory: what it did in the last few minutes, and where its history began.
 *
 * The baseline (baseline.h) answers "is this usual for the key?", which needs weeks of history.
 * Real intrusions often use a key whose only logged uses are the attacker's, or whose history
 * is minutes old. The rules that judge those without a baseline (recon_burst, defense_evasion,
 * credential_exfil) read this instead: a fixed window of KT_RECENT_WINDOW_MS that restarts
 * with the first event after it ends, counting the distinct enumeration calls, the denied
 * requests and the secret reads in it, plus the context of the key's first use (inside the
 * cloud with a service's own agent, or anywhere else).
 *
 * Like the baseline it is judged first and learned after (kt_recent_learn), and it runs on
 * event time only. Unlike the baseline it learns every event, the thief's included: it exists
 * to count them. 56 bytes a key.
 */
#ifndef KEYTRAIL_RECENT_H
#define KEYTRAIL_RECENT_H

#include <keytrail/common.h>
#include <keytrail/event.h>
#include <keytrail/observation.h>

#define KT_RECENT_WINDOW_MS (15LL * 60 * 1000)
#define KT_RECENT_OPS 10 /* distinct enumeration calls remembered per window */

/* Where a key's history began. */
enum kt_recent_origin {
    KT_ORIGIN_UNKNOWN = 0, /* no event yet */
    KT_ORIGIN_SERVICE,     /* first used by a compute service's own agent (Lambda, ECS...) */
    KT_ORIGIN_OTHER,
};

struct kt_recent {
    int64_t win_start_ms;            /* start of the current window; KT_TIME_NONE before any */
    uint32_t ops[KT_RECENT_OPS];     /* hashes of the distinct enumeration calls in it */
    uint8_t n_ops;                   /* distinct enumeration calls (saturates at 255) */
    uint8_t origin;                  /* enum kt_recent_origin */
    uint8_t whoami;                  /* an identity call (GetCallerIdentity) in the window */
    uint8_t pad;
    uint16_t denied;                 /* requests refused for lack of permission in it */
    uint16_t secret_reads;           /* GetSecretValue, GetPasswordData... in it */
};

/* Resets r to "no history". */
void kt_recent_init(struct kt_recent *r);

/* Folds the observed event into r (after the detectors judged it). */
void kt_recent_learn(struct kt_recent *r, const struct kt_obs *o);

/*
 * r as it will be once the observed event is learned, into out, for detectors that judge the
 * window including the event at hand (a threshold crossed by this very event).
 */
void kt_recent_peek(const struct kt_recent *r, const struct kt_obs *o, struct kt_recent *out);

/* An identity or listing call (GetCallerIdentity, List..., Describe..., Get...Policy...). */
bool kt_recent_is_enumeration(const struct kt_event *ev);
/* A read of stored secrets or passwords (GetSecretValue, GetPasswordData). */
bool kt_recent_is_secret_read(const struct kt_event *ev);
/* The user agent is a compute service's own agent (awslambda-worker, exec-env/AWS_Lambda...). */
bool kt_recent_is_service_agent(struct kt_str user_agent);

#endif
