/*
 * The analyses of `keytrail hunt` over one key's uses (hunt_use.h, in time order):
 *
 *   - compare:      its use before a split time (the leak) against its use after, and what
 *                   appears only after (addresses, networks, countries, clients, operations);
 *   - changepoints: without a leak time, the times where its use changed in a way that
 *                   suggests someone else started using it, each with how sure we are;
 *   - plan:         the key's consumers (clients), for the rotation plan: who breaks when the
 *                   key is rotated, which clients are the other party's, and for uses after a
 *                   rotation, which client each resembles.
 *
 * Pure functions over arrays: no I/O, no strings (identifiers only), deterministic.
 */
#ifndef KEYTRAIL_HUNT_ANALYSIS_H
#define KEYTRAIL_HUNT_ANALYSIS_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#include "hunt_use.h"

/* ---- compare ---- */

/* An identifier that appears only after the split: its first use and its number of uses. */
struct kt_hunt_novel {
    uint64_t id;      /* ip_id, net_id, asn, country (two bytes), client_id or op_id */
    size_t first_use; /* index into the uses of its first use */
    uint64_t uses;
    uint64_t failed;
};

struct kt_hunt_side {
    uint64_t uses, failed, suspicious;
    uint64_t ips, nets, asns, countries, clients, ops; /* distinct values */
    int64_t first_ms, last_ms;                          /* KT_TIME_NONE when no use */
    uint32_t hours[24];                                 /* uses per UTC hour of day */
};

struct kt_hunt_diff {
    int64_t split_ms;
    struct kt_hunt_side before, after; /* before: time < split_ms */
    /* Only after the split, in order of first use. Each array is owned by the diff. */
    struct kt_hunt_novel *ips, *nets, *asns, *countries, *clients, *ops;
    size_t n_ips, n_nets, n_asns, n_countries, n_clients, n_ops;
    /* Uses after the split whose address, network, client or operation the before side never
     * had (the uses a second party would show). */
    uint64_t novel_uses;
};

/* Fills d from u[0, n). KT_OK or KT_ENOMEM. */
enum kt_rc kt_hunt_compare(const struct kt_hunt_use *u, size_t n, int64_t split_ms,
                           struct kt_hunt_diff *d);
void kt_hunt_diff_free(struct kt_hunt_diff *d);

/* ---- change points ---- */

enum kt_hunt_confidence {
    KT_HUNT_CONF_LOW = 0,
    KT_HUNT_CONF_MEDIUM,
    KT_HUNT_CONF_HIGH,
};

/* "low", "medium", "high". */
const char *kt_hunt_confidence_name(enum kt_hunt_confidence c);

/* What changed at a change point, as bits. */
enum kt_hunt_signal {
    KT_HUNT_SIG_NEW_NETWORK = 1u << 0,  /* networks (ASN or /24) the key had not used */
    KT_HUNT_SIG_NEW_COUNTRY = 1u << 1,
    KT_HUNT_SIG_NEW_CLIENT = 1u << 2,   /* agents the key had not used */
    KT_HUNT_SIG_NEW_OPS = 1u << 3,      /* operations the key had not called */
    KT_HUNT_SIG_RATE = 1u << 4,         /* a burst well above its usual rate */
    KT_HUNT_SIG_HOURS = 1u << 5,        /* at hours it is not used */
    KT_HUNT_SIG_ERRORS = 1u << 6,       /* many more failures */
    KT_HUNT_SIG_SUSPICIOUS = 1u << 7,   /* uses flagged KT_HUNT_USE_SUSPICIOUS */
    KT_HUNT_SIG_HOSTING = 1u << 8,      /* from hosting networks the key did not use */
    KT_HUNT_SIG_TOOL = 1u << 9,         /* attack tooling agents */
    KT_HUNT_SIG_OVERLAP = 1u << 10,     /* the old sources carry on alongside the new ones */
};

/* Short lower-case names of the bits set in signals, joined with ", " into out (cap bytes). */
void kt_hunt_signal_names(uint32_t signals, char *out, size_t cap);

struct kt_hunt_changepoint {
    size_t at;       /* index of the first use after the change */
    int64_t time_ms; /* u[at].time_ms */
    double score;    /* larger is stronger; comparable between change points of one key */
    enum kt_hunt_confidence confidence;
    uint32_t signals; /* enum kt_hunt_signal */
};

/* The change points of u[0, n), strongest first, at most cap into out; returns how many. A key
 * whose first use is already the other party's has no change point (its history starts with
 * them): see kt_hunt_plan's roles. */
size_t kt_hunt_changepoints(const struct kt_hunt_use *u, size_t n,
                            struct kt_hunt_changepoint *out, size_t cap);

/* ---- rotation plan ---- */

enum kt_hunt_role {
    KT_HUNT_ROLE_CONSUMER = 0, /* a legitimate client: update it before deactivating the key */
    KT_HUNT_ROLE_OTHER_PARTY,  /* appears only after the leak and behaves like someone else */
    KT_HUNT_ROLE_UNSURE,       /* new after the leak, but nothing sets it apart */
};

/* "consumer", "other party", "unsure". */
const char *kt_hunt_role_name(enum kt_hunt_role r);

#define KT_HUNT_CLIENT_TOP 8

struct kt_hunt_count {
    uint64_t id;
    uint64_t count;
};

/* One client of the key: the uses from one network (net_id, else ASN) with one agent. */
struct kt_hunt_client {
    uint64_t net_id;
    uint32_t asn;
    char country[2];
    uint64_t client_id;
    size_t first_use;                            /* index of its first use */
    int64_t first_ms, last_ms;
    uint64_t uses, failed, suspicious;
    uint64_t n_ips;                              /* distinct addresses */
    struct kt_hunt_count ips[KT_HUNT_CLIENT_TOP];       /* ip_id, most used first */
    struct kt_hunt_count ops[KT_HUNT_CLIENT_TOP];       /* op_id, most used first */
    struct kt_hunt_count endpoints[KT_HUNT_CLIENT_TOP]; /* endpoint_id, most used first */
    enum kt_hunt_role role;
    uint64_t after_rotation; /* uses at or after the rotation time */
};

/* What a use after the rotation resembles. */
struct kt_hunt_late_use {
    size_t use;         /* index into the uses */
    size_t client;      /* index into the plan's clients of the client it belongs to */
    enum kt_hunt_role resembles; /* consumer: one not updated; other party: the attacker */
};

struct kt_hunt_plan {
    struct kt_hunt_client *clients; /* consumers first (most uses first), then the others */
    size_t n_clients;
    struct kt_hunt_late_use *late;  /* uses at or after rotated_ms, in time order */
    size_t n_late;
};

/*
 * The plan for u[0, n): leak_ms splits the owner's clients from the ones that appear only after
 * it (KT_TIME_NONE: no leak time known; clients are judged by their own uses, with
 * suspicious, hosting and tool flags); rotated_ms (KT_TIME_NONE: none) marks late uses.
 * KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_hunt_plan(const struct kt_hunt_use *u, size_t n, int64_t leak_ms,
                        int64_t rotated_ms, struct kt_hunt_plan *p);
void kt_hunt_plan_free(struct kt_hunt_plan *p);

#endif
