/*
 * One log record, normalised: who (credential, actor), from where (ip), when, doing what
 * (method or operation, service, resource), and how it went (status, error).
 *
 * A format parser fills the views and the credential candidates; the credential stage then
 * resolves candidates into creds. Every view points into the current decompressed buffer or
 * the parser's per-record scratch and is valid until the next record. Views hold decoded bytes
 * (JSON and log escapes already undone), possibly not UTF-8; writers must escape them.
 */
#ifndef KEYTRAIL_EVENT_H
#define KEYTRAIL_EVENT_H

#include <keytrail/common.h>
#include <keytrail/credential.h>

#define KT_EVENT_MAX_CANDS 6
#define KT_EVENT_MAX_CREDS 4

struct kt_event {
    int64_t time_ms;          /* milliseconds since the epoch (UTC); KT_TIME_NONE if absent */
    struct kt_str ip;         /* client address as logged; may be a service name (CloudTrail) */
    struct kt_str method;     /* HTTP method, or the API operation (eventName, GitHub action) */
    struct kt_str service;    /* API service (CloudTrail eventSource); empty for HTTP logs */
    struct kt_str resource;   /* request path without its query string */
    struct kt_str query;      /* query string without '?': read for credentials, never printed */
    struct kt_str host;       /* virtual host or region when logged */
    struct kt_str error;      /* provider error code (CloudTrail errorCode) */
    struct kt_str user_agent;
    struct kt_str actor;      /* the principal the provider names (user name, ARN, GitHub actor) */
    struct kt_str created_key;/* an access key id the request created (CloudTrail CreateAccessKey
                                 responseElements.accessKey.accessKeyId); not a secret */
    struct kt_str minted_key; /* the access key id of session credentials the request issued
                                 (CloudTrail AssumeRole, GetSessionToken, GetFederationToken:
                                 responseElements.credentials.accessKeyId); not a secret */
    struct kt_str grant;      /* what the request grants or shares: a policy document, policy
                                 ARN, bucket policy or ACL, or the accounts a snapshot or image
                                 is shared with (raw JSON text when an object) */
    int status;               /* HTTP status; 0 when not logged */

    struct kt_cand cands[KT_EVENT_MAX_CANDS];
    unsigned n_cands;

    struct kt_cred creds[KT_EVENT_MAX_CREDS]; /* filled by the credential stage */
    unsigned n_creds;

    /* Provenance, for messages and hunts. */
    const char *file;
    uint64_t line;
};

/* Resets ev to an empty record (time unknown, no views, no candidates). */
void kt_event_reset(struct kt_event *ev);

/* Appends a candidate if there is room; returns false when the event is full. */
bool kt_event_add_cand(struct kt_event *ev, enum kt_cand_kind kind, struct kt_str value);

/* The one definition of a request that did not succeed: an HTTP status of 400 or more, or an
 * error code the provider logged (CloudTrail errorCode). Logs without either count as
 * accepted. */
static inline bool kt_event_failed(const struct kt_event *ev)
{
    return ev->status >= 400 || ev->error.len > 0;
}

#endif
