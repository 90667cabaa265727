/*
 * Internals shared by the baseline's files (baseline.c learns and answers queries, opkey.c
 * names operations, baseline_merge.c combines, baseline_io.c serialises): the fixed-key
 * identifiers, the time arithmetic, and the tuning constants, in one place so every file
 * agrees on them.
 *
 * Identifiers are stable across processes and machines: IPv4 addresses and network prefixes
 * are stored as their value with a tag in the top byte; everything else (IPv6 addresses, names,
 * user agents, operations) goes through SipHash-2-4 under the constant key below. Changing the
 * key or a tag invalidates every stored baseline. These sets are scanned linearly (they hold at
 * most 24 entries), so a public key costs nothing in table balance; forging a value with the
 * same 64-bit identifier as a known one is a second-preimage problem for SipHash.
 */
#ifndef KEYTRAIL_BASELINE_INT_H
#define KEYTRAIL_BASELINE_INT_H

#include <keytrail/baseline.h>

#include "hash.h"

/* Top-byte tags of identifiers in ips[] and nets[]. */
#define KT_BL_TAG_SHIFT 56
#define KT_BL_TAG_V4 (UINT64_C(0x04) << KT_BL_TAG_SHIFT)
#define KT_BL_TAG_V6 (UINT64_C(0x06) << KT_BL_TAG_SHIFT)
#define KT_BL_TAG_NAME (UINT64_C(0x0e) << KT_BL_TAG_SHIFT) /* "AWS Internal", service hosts */
#define KT_BL_ID_MASK ((UINT64_C(1) << KT_BL_TAG_SHIFT) - 1)

#define KT_BL_DAY_MS INT64_C(86400000)
#define KT_BL_HOUR_MS INT64_C(3600000)
#define KT_BL_MINUTE_MS INT64_C(60000)
/* Times whose day number fits an int32 (about +-5.8 million years); others count as absent. */
#define KT_BL_TIME_LIMIT (INT64_C(2147483646) * KT_BL_DAY_MS)

/*
 * Exponential weights of the rate histories: a finished bucket moves the mean by alpha of its
 * distance. Minutes: 0.02, a memory of about 50 active minutes (for most keys a few days of
 * use), long enough that one busy afternoon does not become the norm. Hours: 0.05, about 20
 * active hours. Until a history has 1/alpha buckets the weight is 1/n, an exact running mean
 * and variance, so a young baseline is not dragged towards zero by its starting value.
 */
#define KT_BL_ALPHA_MINUTE 0.02
#define KT_BL_ALPHA_HOUR 0.05

/* Places closer than this are one place. */
#define KT_BL_PLACE_RADIUS_KM 25.0
/* An entry unused for this many days is evicted before any recently used one. */
#define KT_BL_STALE_DAYS 90

/* The constant SipHash key of stored identifiers: ASCII "keytrai1" "baseline". */
extern const struct kt_hash_seed kt_bl_seed;

static inline uint64_t kt_bl_hash(const void *data, size_t len)
{
    return kt_siphash64(&kt_bl_seed, data, len);
}

/* The stored identifiers of an address: cleaned text s, its parse ip (NULL: not an address).
 * See baseline.c. */
enum kt_obs_addr_ids kt_bl_addr_ids(struct kt_str s, const struct kt_ip *ip, uint64_t *ip_id,
                                    uint64_t *net_id);

/* An agent's identity: the hash of its normalised form (product and major version, see
 * useragent.h), which goes into norm; the raw agent's when it normalises to nothing. */
uint64_t kt_bl_agent_id(struct kt_str ua, char norm[KT_UA_NORM_MAX]);

/* Whether ms is a usable event time. */
static inline bool kt_bl_time_ok(int64_t ms)
{
    return ms != KT_TIME_NONE && ms > -KT_BL_TIME_LIMIT && ms < KT_BL_TIME_LIMIT;
}

static inline int64_t kt_bl_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Day number (days since 1970-01-01 UTC) of a time that passed kt_bl_time_ok. */
static inline int32_t kt_bl_day(int64_t ms)
{
    return (int32_t)kt_bl_floor_div(ms, KT_BL_DAY_MS);
}

/* Start of the bucket of width w holding ms. */
static inline int64_t kt_bl_bucket(int64_t ms, int64_t w)
{
    return kt_bl_floor_div(ms, w) * w;
}

static inline uint32_t kt_bl_sat_add32(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static inline uint64_t kt_bl_sat_add64(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Folds one finished bucket holding x events into the rate's history (weight alpha). */
void kt_bl_rate_fold(struct kt_bl_rate *r, uint32_t x, double alpha);

/* Whether s may be stored as an agent name: printable (bytes >= 0x80 allowed: the hint's
 * ellipsis), NUL-terminated within KT_BL_AGENT_NAME, and holding no recognisable token. */
bool kt_bl_agent_name_ok(const char name[KT_BL_AGENT_NAME]);

#endif
