/*
 * An observation: what keytrail makes of one event, once, before any key judges it.
 *
 * The credential stage says whose the event is; the observation stage (src/observe.c) says what
 * it was: the client address parsed once and classified, where it is (with the precision of
 * that location), its network (ASN, hosting or access), whether the --ip-list or the config's
 * allowlist holds it, the operation key, the normalised client, the outcome and the UTC day.
 * The engine, baseline learning, the detectors and findings read these facts here and never
 * derive them again from the raw event, so every part of keytrail agrees on what "the same
 * network", "the same client" or "a failed request" means, and each costs one computation per
 * event however many keys and detectors read it.
 *
 * The observation borrows the event (ev): views the observation does not interpret (resource,
 * grant, actor, the agent's text for names in reasons) are read there. It lives as long as the
 * event and must not be copied: op points into its own buffer.
 */
#ifndef KEYTRAIL_OBSERVATION_H
#define KEYTRAIL_OBSERVATION_H

#include <keytrail/common.h>
#include <keytrail/event.h>
#include <keytrail/geo.h>
#include <keytrail/useragent.h>

/*
 * How a request went, as bits: logs say it in different words (an HTTP status, a provider's
 * error code, both, or neither), and each reader asks its own question of it through the
 * predicates below rather than testing statuses itself.
 */
enum kt_outcome {
    KT_OUTCOME_SUCCESS = 1u << 0,        /* an HTTP status from 200 to 399 */
    KT_OUTCOME_REFUSED = 1u << 1,        /* 401: the credential itself was not accepted */
    KT_OUTCOME_FORBIDDEN = 1u << 2,      /* 403 */
    KT_OUTCOME_THROTTLED = 1u << 3,      /* 429 */
    KT_OUTCOME_PROVIDER_ERROR = 1u << 4, /* the provider logged an error code (errorCode) */
    KT_OUTCOME_FAILED = 1u << 5,         /* did not succeed: kt_event_failed, the definition */
    KT_OUTCOME_NO_PERMISSION = 1u << 6,  /* 403, or an error code of a missing permission
                                            (AccessDenied, UnauthorizedOperation, Forbidden) */
};

/* Identifiers of the address as the baseline stores them (see baseline.c). */
enum kt_obs_addr_ids {
    KT_OBS_ADDR_NONE = 0, /* no address logged ("", "-", unprintable) */
    KT_OBS_ADDR_NAME,     /* a name ("AWS Internal"): ip_id only */
    KT_OBS_ADDR_IP,       /* an IP address: ip_id and net_id (/24 or /48) */
};

struct kt_obs {
    const struct kt_event *ev; /* the event observed (borrowed) */
    int64_t time_ms;           /* ev->time_ms */
    bool timed;                /* time_ms is a usable time (known, day fits an int32) */
    int32_t day;               /* UTC day since 1970-01-01 when timed, else INT32_MIN */

    /* The address: ev->ip cleaned (first of a list, no brackets or port) and parsed once. */
    bool has_ip;  /* ip holds it */
    bool ip_bare; /* ev->ip was the bare address: only such is located and listed */
    struct kt_ip ip;
    enum kt_obs_addr_ids addr_ids;
    uint64_t ip_id, net_id; /* the baseline's identifiers of the address and its network */

    /* Where: kind, country, location and its precision, ASN and whether it is a hosting
     * network. Without a database only geo.kind is filled. */
    struct kt_geo geo;
    bool has_geo;              /* a location database is loaded */
    bool has_asn;              /* an ASN database is loaded */
    const char *ip_list_label; /* the --ip-list entry the address is in ("" unlabelled), or NULL */
    bool allowed;              /* the config allowlists the address, its ASN or its country
                                  (the key allowlist is per credential: kt_config_allows_key) */

    struct kt_str op; /* the operation key (kt_baseline_op_key); empty when none */
    char op_buf[256];

    /* The client: the user agent normalised (useragent.h) and its baseline identifier. */
    bool has_client;    /* a user agent was logged */
    uint64_t client_id; /* fixed-key hash of client, else of the raw agent */
    char client[KT_UA_NORM_MAX];

    uint8_t outcome; /* enum kt_outcome bits */
};

/* The outcome bits of an event (what kt_observe stores). */
unsigned kt_outcome_of(const struct kt_event *ev);

/* The request did not succeed: a status of 400 or more, or an error code (kt_event_failed). */
static inline bool kt_obs_failed(const struct kt_obs *o)
{
    return (o->outcome & KT_OUTCOME_FAILED) != 0;
}

/* Counts against the key in its error rate: refused, forbidden, throttled or a provider error
 * (a 404 or a 500 is the service's or the path's problem, not the key's). */
static inline bool kt_outcome_is_error(unsigned outcome)
{
    return (outcome & (KT_OUTCOME_REFUSED | KT_OUTCOME_FORBIDDEN | KT_OUTCOME_THROTTLED |
                       KT_OUTCOME_PROVIDER_ERROR)) != 0;
}

static inline bool kt_obs_is_error(const struct kt_obs *o)
{
    return kt_outcome_is_error(o->outcome);
}

/* The credential was refused (401): a finding on such a use is about a key that did not work. */
static inline bool kt_obs_refused(const struct kt_obs *o)
{
    return (o->outcome & KT_OUTCOME_REFUSED) != 0;
}

/* Refused or denied by the provider: the call did not get through authorisation. */
static inline bool kt_obs_denied(const struct kt_obs *o)
{
    return (o->outcome & (KT_OUTCOME_REFUSED | KT_OUTCOME_FORBIDDEN | KT_OUTCOME_PROVIDER_ERROR)) !=
           0;
}

/* Refused for lack of permission: trying what the key may not do. Not found, throttled and
 * invalid requests are not. */
static inline bool kt_obs_no_permission(const struct kt_obs *o)
{
    return (o->outcome & KT_OUTCOME_NO_PERMISSION) != 0;
}

/* A logged success status (2xx or 3xx). */
static inline bool kt_obs_succeeded(const struct kt_obs *o)
{
    return (o->outcome & KT_OUTCOME_SUCCESS) != 0;
}

/* The provider logged an error code. */
static inline bool kt_obs_provider_error(const struct kt_obs *o)
{
    return (o->outcome & KT_OUTCOME_PROVIDER_ERROR) != 0;
}

/*
 * The observation of ev from the event alone: address, client, operation, outcome and day, and
 * a location when geo is not NULL (copied; has_geo and has_asn then say a database is loaded).
 * No lists, nothing allowlisted. For tools and tests without an engine; the engine's stage is
 * kt_observe (src/observe.h), which adds the databases and lists.
 */
void kt_obs_from_event(struct kt_obs *o, const struct kt_event *ev, const struct kt_geo *geo);

#endif
