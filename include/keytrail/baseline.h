/*
 * The per-key baseline: how one credential is normally used, in a fixed-size struct.
 *
 * Everything a detector compares an event against lives here: first and last use, known
 * addresses and networks, countries, places with coordinates, autonomous systems, an
 * hour-of-day and day-of-week profile, request rates at minute and hour scale, user agents,
 * operations and endpoints, the error rate, and the last location. Sets are small and bounded;
 * when one is full the least valuable entry (fewest uses, oldest) makes room, so a baseline
 * never grows — sizeof(struct kt_baseline) is its whole memory (checked against
 * KT_BASELINE_MAX_BYTES at compile time).
 *
 * Identifiers stored here (address and agent hashes) use a fixed-key hash, so baselines built
 * in different runs and on different machines can be merged and compared. Times are event
 * times (the log's clock), never the wall clock. Days are days since the epoch (UTC).
 *
 * Check first, then learn: detectors judge an event against the baseline as it was, then
 * kt_baseline_learn folds the event in.
 */
#ifndef KEYTRAIL_BASELINE_H
#define KEYTRAIL_BASELINE_H

#include <keytrail/common.h>
#include <keytrail/error.h>
#include <keytrail/event.h>
#include <keytrail/geo.h>
#include <keytrail/observation.h>

#define KT_BASELINE_MAX_BYTES 2048
#define KT_BASELINE_VERSION 1

#define KT_BL_IPS 24      /* exact addresses */
#define KT_BL_NETS 16     /* /24 IPv4 or /48 IPv6 networks */
#define KT_BL_COUNTRIES 12
#define KT_BL_ASNS 16
#define KT_BL_PLACES 8    /* cities with coordinates */
#define KT_BL_AGENTS 6
#define KT_BL_AGENT_NAME 24
#define KT_BL_OPS_BITS 1024 /* Bloom filter of operations and endpoints seen */

/* A counted member of a bounded set. */
struct kt_bl_item {
    uint64_t id;       /* the value itself when it fits (an IPv4 address, a network prefix,
                          an ASN), else its fixed-key hash */
    uint32_t count;
    int32_t last_day;
};

struct kt_bl_country {
    char code[2];
    uint16_t pad;
    uint32_t count;
    int32_t last_day;
};

struct kt_bl_place {
    float lat, lon;
    uint16_t accuracy_km;
    char country[2];
    uint32_t count;
    int32_t last_day;
};

struct kt_bl_agent {
    uint64_t id;                   /* fixed-key hash of the normalised agent (product and major
                                      version, useragent.h) */
    uint32_t count;
    int32_t last_day;
    char name[KT_BL_AGENT_NAME];   /* its first use's product token ("git/2.47.1"), for reasons;
                                      already redacted, never a token */
};

/*
 * A rate at one time scale: the count in the current bucket, and the mean, variance and
 * maximum of the counts of past buckets in which the key was active (exponentially weighted,
 * so old habits fade), plus how many such buckets were seen.
 */
struct kt_bl_rate {
    int64_t bucket_start_ms;
    uint32_t count;
    uint32_t max;
    float mean;
    float var;
    uint32_t buckets;
    uint32_t pad;
};

/* kt_baseline.flags: kinds of network the key has been used from. */
enum kt_bl_flag {
    KT_BL_NET_HOSTING = 1u << 0, /* a hosting or cloud provider */
    KT_BL_NET_ACCESS = 1u << 1,  /* an access network (ISP, mobile carrier) */
    KT_BL_LAST_VPN = 1u << 2,    /* the last located use came out of a commercial VPN exit
                                    (kt_asn_is_vpn), so travel from it is not judged as
                                    the owner's own; kept in serialised baselines */
};

struct kt_baseline {
    uint32_t version;
    uint32_t flags;           /* enum kt_bl_flag */
    int64_t first_ms, last_ms;
    uint64_t events;
    uint64_t errors;          /* HTTP 401/403/429 and provider errors (AccessDenied...) */
    uint32_t days_active;     /* distinct days with at least one use */
    int32_t last_day;

    struct kt_bl_item ips[KT_BL_IPS];
    struct kt_bl_item nets[KT_BL_NETS];
    struct kt_bl_country countries[KT_BL_COUNTRIES];
    struct kt_bl_item asns[KT_BL_ASNS];
    struct kt_bl_place places[KT_BL_PLACES];
    struct kt_bl_agent agents[KT_BL_AGENTS];
    uint8_t ops[KT_BL_OPS_BITS / 8];
    uint32_t ops_count;       /* distinct operations added to the filter (approximate) */

    uint32_t hours[24];       /* uses by UTC hour of day */
    uint32_t weekdays[7];     /* uses by UTC day of week, 0 = Monday */

    struct kt_bl_rate minute;
    struct kt_bl_rate hour;
    struct kt_bl_rate minute_errors; /* error counts per active minute */

    /* The last located use: for travel speed. */
    bool has_last_place;
    char last_country[2];
    uint16_t last_accuracy_km;
    float last_lat, last_lon;
    int64_t last_place_ms;

    /* The last use located only to a country: the country's centroid and radius, an area
     * (never a point for travel speeds; new_country asks whether even its nearest part was
     * in reach). */
    bool has_last_area;
    uint16_t last_area_km;
    float last_area_lat, last_area_lon;
    int64_t last_area_ms;
};

/* Resets b to an empty baseline. */
void kt_baseline_init(struct kt_baseline *b);

/*
 * Folds one observed event into b: its time and day, address identifiers, location and
 * network, client, operation key (o->op, for "first time" checks; empty means none) and
 * outcome, all as the observation stage made them (observation.h). b or o NULL: nothing.
 */
void kt_baseline_learn(struct kt_baseline *b, const struct kt_obs *o);

/*
 * The operation key of an event: "service:method" for API logs (iam.amazonaws.com:ListUsers,
 * github:org.list_members), "METHOD /path/template" for HTTP logs with ids and hashes in the
 * path replaced by '*', so /repos/acme/api/issues/17 and .../18 are one endpoint. Written into
 * out (capacity cap), returns the view.
 */
struct kt_str kt_baseline_op_key(const struct kt_event *ev, char *out, size_t cap);

/*
 * The operation of an event as it may be shown (redacted, NUL-terminated in out): the op key,
 * unless the path it was made from holds a secret. Templating replaces segments with '*', and a
 * secret with '/' in it (a base64 session token) would be cut into pieces no redactor can tell
 * from words; then it is the method and the path redacted whole ("GET /v1/x/…").
 */
void kt_baseline_op_display(const struct kt_event *ev, struct kt_str op, char *out, size_t cap);

/* Whether the event counts as an error (401/403/429 or an error code): kt_obs_is_error of its
 * outcome. */
bool kt_baseline_is_error(const struct kt_event *ev);

/* Queries used by detectors: the observation's address, network and client. */
bool kt_baseline_knows_ip(const struct kt_baseline *b, const struct kt_obs *o);
bool kt_baseline_knows_net(const struct kt_baseline *b, const struct kt_obs *o);
bool kt_baseline_knows_client(const struct kt_baseline *b, const struct kt_obs *o);
/* The same from text as logged (parsed and normalised on each call: for tools and tests). */
bool kt_baseline_has_ip(const struct kt_baseline *b, struct kt_str ip);
bool kt_baseline_has_net(const struct kt_baseline *b, struct kt_str ip);
bool kt_baseline_has_country(const struct kt_baseline *b, const char code[2]);
bool kt_baseline_has_asn(const struct kt_baseline *b, uint32_t asn);
/* The key uses the network, or another AS of the same cloud or hosting provider (one of its
 * regions: kt_asn_provider). */
bool kt_baseline_knows_provider(const struct kt_baseline *b, uint32_t asn);
/* Uses of a place before it counts as one of the key's established places. */
#define KT_BL_PLACE_ESTABLISHED_USES 10
/* Places the key has used KT_BL_PLACE_ESTABLISHED_USES times or more: two or more on a key only
 * ever used from hosting networks make it a fleet. */
int kt_baseline_established_places(const struct kt_baseline *b);
bool kt_baseline_has_agent(const struct kt_baseline *b, struct kt_str user_agent);
bool kt_baseline_has_op(const struct kt_baseline *b, struct kt_str op);
/*
 * Whether the observation's address is one of the key's own at its time t_ms: that very address used at least
 * KT_BL_ESTABLISHED_USES times before t_ms's hour (the current hour's uses of the key are not
 * counted, whichever address made them) and for at least 5 % of the key's uses. Its /24 is not
 * enough (other tenants of a cloud and subscribers of an ISP share it), and a place a thief used
 * a few times, which the baseline learned, is not one either.
 */
#define KT_BL_ESTABLISHED_USES 20
bool kt_baseline_addr_established(const struct kt_baseline *b, const struct kt_obs *o);
/* Whether the baseline knows the agent's product in some version ("aws-cli/1.29" for
 * "aws-cli/2.15": an upgrade, not another client). Browsers are known by browser only when the
 * baseline kept their name: agent names keep the first product token ("Mozilla/5.0"). */
bool kt_baseline_has_product(const struct kt_baseline *b, struct kt_str user_agent);
/* The same, for the observation's normalised client. */
bool kt_baseline_knows_product(const struct kt_baseline *b, const struct kt_obs *o);
/* Nearest known place to (lat, lon): distance in km, or -1 when none. */
double kt_baseline_nearest_place_km(const struct kt_baseline *b, double lat, double lon);
/* Share of past uses in this UTC hour of day (0..1); 0 when there are none yet. */
double kt_baseline_hour_share(const struct kt_baseline *b, int hour);
/* Days between the previous use and t (0 when none). */
double kt_baseline_idle_days(const struct kt_baseline *b, int64_t t_ms);

/*
 * Merges src into dst: two baselines of one key built from disjoint logs combine into the
 * baseline of all of them (counts add, sets unite within their caps, rates combine their
 * moments, first/last and the last place take the extremes). Order does not matter for the
 * counts and sets; merging an empty baseline is a no-op.
 */
void kt_baseline_merge(struct kt_baseline *dst, const struct kt_baseline *src);

/*
 * Ages b at now_ms (event time): set entries unused for more than entry_days days are dropped,
 * and the hour and weekday profiles are halved once their total passes 65536, so old habits
 * fade. Returns the number of entries dropped; 0 when entry_days is 0 or now_ms unusable.
 */
size_t kt_baseline_age(struct kt_baseline *b, int64_t now_ms, uint32_t entry_days);

/*
 * Serialises b compactly (little-endian, versioned, empty set slots omitted) into buf. Returns
 * the size written, or 0 when cap is too small; KT_BASELINE_MAX_BYTES always suffices.
 */
size_t kt_baseline_serialize(const struct kt_baseline *b, uint8_t *buf, size_t cap);

/* Parses what kt_baseline_serialize wrote. KT_EPARSE on any malformed or truncated input
 * (never reads past len). */
enum kt_rc kt_baseline_deserialize(struct kt_baseline *b, const uint8_t *buf, size_t len);

#endif
