/*
 * One use of a hunted key, as `keytrail hunt` records it: the facts of its observation
 * (observation.h) reduced to fixed-size identifiers, so a key's whole history fits in one array
 * and the analyses (hunt_analysis.h) compare uses without strings. The hunt keeps the text of
 * each identifier (address, network, agent, operation, endpoint) in its own table for output.
 */
#ifndef KEYTRAIL_HUNT_USE_H
#define KEYTRAIL_HUNT_USE_H

#include <keytrail/common.h>

#include <keytrail/geo.h>

enum kt_hunt_use_flag {
    KT_HUNT_USE_SUSPICIOUS = 1u << 0,  /* a high or critical finding was raised at this use */
    KT_HUNT_USE_QUARANTINED = 1u << 1, /* kept out of the key's baseline by the engine */
    KT_HUNT_USE_HOSTING = 1u << 2,     /* from a hosting or cloud network */
    KT_HUNT_USE_FAILED = 1u << 3,      /* did not succeed (kt_event_failed) */
    KT_HUNT_USE_TOOL = 1u << 4,        /* the agent is attack or simulation tooling */
};

struct kt_hunt_use {
    int64_t time_ms;      /* event time; uses are kept in time order */
    struct kt_ip ip;      /* valid when has_ip */
    bool has_ip;
    uint64_t ip_id;       /* kt_obs ip_id: the address, or the name logged instead (0: none) */
    uint64_t net_id;      /* kt_obs net_id: its /24 or /48 (0: none) */
    uint32_t asn;         /* 0: unknown */
    char country[2];      /* ISO code; {0,0}: unknown */
    uint64_t client_id;   /* kt_obs client_id: the normalised agent, product and major version */
    uint64_t op_id;       /* the operation (kt_obs op): "iam:PutUserPolicy", "GET /repos/{}" */
    uint64_t endpoint_id; /* the resource or path, numbers and ids folded (0: none) */
    uint16_t status;      /* HTTP status; 0 when not logged */
    uint8_t outcome;      /* enum kt_outcome bits */
    uint8_t flags;        /* enum kt_hunt_use_flag */
};

#endif
