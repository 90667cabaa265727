/*
 * The other party's footprint: what a key's quarantined uses did.
 *
 * The engine keeps an event that raised a high finding (or came while the key stood at rotate)
 * out of the key's baseline, so the thief cannot teach keytrail that their network is normal.
 * That also keeps those uses out of everything a report draws from the baseline: a stolen key's
 * report would show none of the attacker's addresses or agents and none of their errors. The
 * footprint holds them instead: uses and errors, first and last time, and small counted sets of
 * addresses, networks (AS), countries, user agents and operations.
 *
 * Bounded: each set has a fixed cap (KT_FP_* below); a value that finds its set full is counted
 * in that set's `more`, so a report can say "and 41 uses from other addresses". The first values
 * are kept, not the most frequent: an intruder's first addresses and calls tell the story. The
 * engine allocates a footprint only for keys that have quarantined uses (2.6 KiB each).
 *
 * Every name is redacted as it is learned (an agent or a path may carry a token) and is checked
 * for control characters when read back from a state file.
 */
#ifndef KEYTRAIL_FOOTPRINT_H
#define KEYTRAIL_FOOTPRINT_H

#include <keytrail/observation.h>

#include "bytes.h"

#define KT_FP_NAME 64 /* bytes of a name, with its NUL */

enum kt_fp_set {
    KT_FP_ADDR = 0, /* client addresses as logged ("203.0.113.7", "AWS Internal") */
    KT_FP_ASN,      /* networks: "AS64511 Example VPS Hosting SRL" */
    KT_FP_COUNTRY,  /* "RO" */
    KT_FP_AGENT,    /* user agent display names ("python-requests/2.32.3") */
    KT_FP_OP,       /* operations (the baseline's operation key), in order of first use */
    KT_FP__SETS
};

/* Caps of the sets, in enum order. */
#define KT_FP_ADDRS 8
#define KT_FP_ASNS 6
#define KT_FP_COUNTRIES 6
#define KT_FP_AGENTS 6
#define KT_FP_OPS 12
#define KT_FP_SLOTS (KT_FP_ADDRS + KT_FP_ASNS + KT_FP_COUNTRIES + KT_FP_AGENTS + KT_FP_OPS)

struct kt_fp_name {
    char name[KT_FP_NAME];
    uint32_t count; /* 0: free slot */
};

struct kt_footprint {
    int64_t first_ms, last_ms; /* KT_TIME_NONE until a timed use */
    uint64_t events;
    uint64_t errors;            /* kt_obs_is_error: refused, forbidden, throttled, provider error */
    uint64_t more[KT_FP__SETS]; /* uses whose value found its set full */
    struct kt_fp_name slots[KT_FP_SLOTS]; /* the sets, one after the other (kt_footprint_set) */
};

void kt_footprint_init(struct kt_footprint *fp);

/* Folds one quarantined use into fp. */
void kt_footprint_learn(struct kt_footprint *fp, const struct kt_obs *o);

/* Adds src to dst (two runs over disjoint logs): counts add, sets unite within their caps. */
void kt_footprint_merge(struct kt_footprint *dst, const struct kt_footprint *src);

/* Set s of fp: *n slots from the returned pointer (free slots have count 0). */
const struct kt_fp_name *kt_footprint_set(const struct kt_footprint *fp, enum kt_fp_set s,
                                          size_t *n);

/* Appends fp to w (see keystate_io.h for where it sits in a key record). */
void kt_footprint_write(struct kt_wbytes *w, const struct kt_footprint *fp);

/* Reads what kt_footprint_write wrote into fp; false (r->ok false) on anything the writer
 * cannot produce. */
bool kt_footprint_read(struct kt_rbytes *r, struct kt_footprint *fp);

#endif
