/*
 * The per-key baseline (keytrail/baseline.h): learning events into a fixed-size struct and the
 * queries detectors ask of it. Merging is in baseline_merge.c, the binary form in
 * baseline_io.c, operation keys in opkey.c.
 *
 * Bounded sets. Every set is an array filled from the front; a value already present gets its
 * count and last day bumped, a new one takes the first empty slot. When the set is full the new
 * value replaces the least valuable entry: one unused for KT_BL_STALE_DAYS if any, else the one
 * with the lowest count, ties going to the oldest last day. Counts are never inherited by the
 * newcomer, so a flood of new values (an attacker spraying a thousand addresses) only ever
 * churns the entries with the fewest uses — each newcomer, at count 1, is the next victim — and
 * an owner's established address with thousands of uses stays. The price: a new value in a full
 * set of established entries evicts the weakest of them, and a value seen once at a time never
 * builds up a count while the set churns.
 *
 * Places. A located event joins the nearest known place within KT_BL_PLACE_RADIUS_KM, else
 * starts a new one. A place keeps the coordinates it was created with, not a running mean:
 * geolocation databases give one point per city, so a mean would add nothing but drift, and a
 * drifting centre can be walked away in steps no longer than the radius.
 *
 * Days. days_active counts a day when an event is later than every day seen (the usual case:
 * logs run forward) or earlier than the first use (an older archive read after a newer one).
 * An event on a day strictly inside the known range that had no use yet (a gap filled in later,
 * as when archives are read in no particular order) is therefore not counted; logs sorted to
 * within a day are counted exactly.
 *
 * Rates. Each time scale keeps one open bucket. An event in a later bucket closes the open one,
 * folding its count into the exponentially weighted mean and variance (Finch's incremental
 * form; weights in baseline_int.h) and the maximum, then opens its own. An event older than
 * the open bucket counts into it: logs are not perfectly sorted, and a late line belongs to
 * roughly now. minute_errors follows the minute buckets of all events and counts the errors in
 * them, so its history is the error count per active minute.
 */
#include <keytrail/baseline.h>
#include <keytrail/useragent.h>

#include <math.h>
#include <stddef.h>

#include "baseline_int.h"
#include "hash.h"
#include "ipaddr.h"

_Static_assert(sizeof(struct kt_baseline) <= KT_BASELINE_MAX_BYTES,
               "struct kt_baseline must fit KT_BASELINE_MAX_BYTES");

const struct kt_hash_seed kt_bl_seed = {0x3169617274796b65ULL, 0x656e696c65736162ULL};

void kt_baseline_init(struct kt_baseline *b)
{
    if (b == NULL) {
        return;
    }
    memset(b, 0, sizeof(*b));
    b->version = KT_BASELINE_VERSION;
    b->first_ms = KT_TIME_NONE;
    b->last_ms = KT_TIME_NONE;
    b->last_place_ms = KT_TIME_NONE;
    b->last_area_ms = KT_TIME_NONE;
    b->minute.bucket_start_ms = KT_TIME_NONE;
    b->hour.bucket_start_ms = KT_TIME_NONE;
    b->minute_errors.bucket_start_ms = KT_TIME_NONE;
}

bool kt_baseline_is_error(const struct kt_event *ev)
{
    return ev != NULL && kt_outcome_is_error(kt_outcome_of(ev));
}

/* ---- identifiers ------------------------------------------------------------------------ */

/*
 * The stored identifiers of a logged client address, from its cleaned text s (kt_ip_clean) and
 * its parse (ip, NULL when s is not an address): an IPv4 address (also written as
 * ::ffff:a.b.c.d) is its value and its /24 under the v4 tag; an IPv6 address is a hash, its /48
 * the 48 prefix bits under the v6 tag. A non-address ("AWS Internal", "ec2.amazonaws.com") is a
 * hash of its lower-cased text; "-" and empty mean no address.
 */
enum kt_obs_addr_ids kt_bl_addr_ids(struct kt_str s, const struct kt_ip *ip, uint64_t *ip_id,
                                    uint64_t *net_id)
{
    *ip_id = *net_id = 0;
    if (ip != NULL) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (ip->v4 || memcmp(ip->b, mapped, sizeof(mapped)) == 0) {
            uint32_t a = (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 |
                         (uint32_t)ip->b[14] << 8 | ip->b[15];
            *ip_id = KT_BL_TAG_V4 | a;
            *net_id = KT_BL_TAG_V4 | (a & 0xffffff00u);
        } else {
            uint64_t prefix = 0;
            for (int i = 0; i < 6; i++) {
                prefix = prefix << 8 | ip->b[i];
            }
            *ip_id = KT_BL_TAG_V6 | (kt_bl_hash(ip->b, sizeof(ip->b)) & KT_BL_ID_MASK);
            *net_id = KT_BL_TAG_V6 | prefix;
        }
        return KT_OBS_ADDR_IP;
    }
    char lower[256];
    if (s.ptr == NULL || s.len == 0 || s.len >= sizeof(lower) || kt_str_eq_cstr(s, "-")) {
        return KT_OBS_ADDR_NONE;
    }
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < 0x20 || c >= 0x7f) {
            return KT_OBS_ADDR_NONE;
        }
        lower[i] = kt_ascii_lower((char)c);
    }
    *ip_id = KT_BL_TAG_NAME | (kt_bl_hash(lower, s.len) & KT_BL_ID_MASK);
    return KT_OBS_ADDR_NAME;
}

/* The same from the address as logged (for the string queries). */
static enum kt_obs_addr_ids addr_ids(struct kt_str raw, uint64_t *ip_id, uint64_t *net_id)
{
    *ip_id = *net_id = 0;
    if (raw.ptr == NULL || raw.len == 0) {
        return KT_OBS_ADDR_NONE;
    }
    struct kt_str s = kt_ip_clean(raw);
    struct kt_ip ip;
    return kt_bl_addr_ids(s, kt_ip_parse(s, &ip) ? &ip : NULL, ip_id, net_id);
}

static bool country_ok(const char *code)
{
    return code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

static bool coords_ok(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 && lon >= -180.0 &&
           lon <= 180.0;
}

/* ---- bounded sets ----------------------------------------------------------------------- */

/* Whether entry a should be evicted before entry b (see the top of the file). */
static bool evict_before(uint32_t count_a, int32_t day_a, uint32_t count_b, int32_t day_b,
                         int32_t today)
{
    bool stale_a = (int64_t)today - day_a > KT_BL_STALE_DAYS;
    bool stale_b = (int64_t)today - day_b > KT_BL_STALE_DAYS;
    if (stale_a != stale_b) {
        return stale_a;
    }
    if (count_a != count_b) {
        return count_a < count_b;
    }
    return day_a < day_b;
}

/*
 * The slot a new value takes in a full set of n entries laid out stride bytes apart, with
 * their count and last day at the given offsets. Only called when the set is full, so the
 * common case (the value is known) costs one comparison per entry.
 */
static size_t pick_victim(const void *base, size_t stride, size_t n, size_t count_off,
                          size_t day_off, int32_t today)
{
    const unsigned char *p = base;
    size_t victim = 0;
    uint32_t vc;
    int32_t vd;
    memcpy(&vc, p + count_off, sizeof(vc));
    memcpy(&vd, p + day_off, sizeof(vd));
    for (size_t i = 1; i < n; i++) {
        uint32_t c;
        int32_t d;
        memcpy(&c, p + i * stride + count_off, sizeof(c));
        memcpy(&d, p + i * stride + day_off, sizeof(d));
        if (evict_before(c, d, vc, vd, today)) {
            victim = i;
            vc = c;
            vd = d;
        }
    }
    return victim;
}

#define PICK_VICTIM(set, type, n, today)                                                           \
    pick_victim((set), sizeof(type), (n), offsetof(type, count), offsetof(type, last_day), (today))

static void touch(uint32_t *count, int32_t *last_day, int32_t today)
{
    *count = kt_bl_sat_add32(*count, 1);
    if (today > *last_day) {
        *last_day = today;
    }
}

static void item_add(struct kt_bl_item *set, size_t cap, uint64_t id, int32_t today)
{
    size_t victim = 0;
    while (victim < cap && set[victim].count > 0) {
        if (set[victim].id == id) {
            touch(&set[victim].count, &set[victim].last_day, today);
            return;
        }
        victim++;
    }
    if (victim == cap) {
        victim = PICK_VICTIM(set, struct kt_bl_item, cap, today);
    }
    set[victim] = (struct kt_bl_item){.id = id, .count = 1, .last_day = today};
}

static bool item_has(const struct kt_bl_item *set, size_t cap, uint64_t id)
{
    for (size_t i = 0; i < cap && set[i].count > 0; i++) {
        if (set[i].id == id) {
            return true;
        }
    }
    return false;
}

static void country_add(struct kt_baseline *b, const char *code, int32_t today)
{
    struct kt_bl_country *set = b->countries;
    size_t victim = 0;
    while (victim < KT_BL_COUNTRIES && set[victim].count > 0) {
        if (set[victim].code[0] == code[0] && set[victim].code[1] == code[1]) {
            touch(&set[victim].count, &set[victim].last_day, today);
            return;
        }
        victim++;
    }
    if (victim == KT_BL_COUNTRIES) {
        victim = PICK_VICTIM(set, struct kt_bl_country, KT_BL_COUNTRIES, today);
    }
    set[victim] = (struct kt_bl_country){.code = {code[0], code[1]}, .count = 1, .last_day = today};
}

/* Distance between two places, with shortcuts for the common equal and far-apart cases. */
static double place_distance(float lat1, float lon1, double lat2, double lon2)
{
    /* Places are stored as floats: the same city's coordinates compare equal as floats. */
    if (lat1 == (float)lat2 && lon1 == (float)lon2) {
        return 0.0;
    }
    /* A degree of latitude is over 110 km anywhere. */
    if (fabs(lat1 - lat2) * 110.0 > KT_BL_PLACE_RADIUS_KM) {
        return INFINITY;
    }
    return kt_geo_distance_km(lat1, lon1, lat2, lon2);
}

static void place_add(struct kt_baseline *b, const struct kt_geo *geo, int32_t today)
{
    struct kt_bl_place *set = b->places;
    size_t n = 0, near = KT_BL_PLACES;
    double near_km = KT_BL_PLACE_RADIUS_KM;
    for (; n < KT_BL_PLACES && set[n].count > 0; n++) {
        double km = place_distance(set[n].lat, set[n].lon, geo->lat, geo->lon);
        if (km <= near_km) {
            near = n;
            near_km = km;
        }
    }
    if (near < KT_BL_PLACES) {
        touch(&set[near].count, &set[near].last_day, today);
        return;
    }
    size_t victim = n < KT_BL_PLACES ? n : PICK_VICTIM(set, struct kt_bl_place, n, today);
    struct kt_bl_place *p = &set[victim];
    *p = (struct kt_bl_place){.lat = (float)geo->lat,
                              .lon = (float)geo->lon,
                              .accuracy_km = geo->accuracy_km,
                              .count = 1,
                              .last_day = today};
    if (country_ok(geo->country)) {
        p->country[0] = geo->country[0];
        p->country[1] = geo->country[1];
    }
}

bool kt_bl_agent_name_ok(const char name[KT_BL_AGENT_NAME])
{
    const char *end = memchr(name, '\0', KT_BL_AGENT_NAME);
    if (end == NULL) {
        return false;
    }
    size_t len = (size_t)(end - name);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    struct kt_cand found[1];
    return kt_cred_find_in_text(kt_str_make(name, len), found, 1) == 0;
}

/* The agent's display name as kt_ua_display shows it, "?" when it has none or the cut name
 * does not pass kt_bl_agent_name_ok. */
static void agent_name(struct kt_str ua, char out[KT_BL_AGENT_NAME])
{
    char name[KT_BL_AGENT_NAME] = {0};
    if (kt_ua_display(ua, name, sizeof(name)) > 0 && kt_bl_agent_name_ok(name)) {
        memcpy(out, name, sizeof(name));
    } else {
        memcpy(out, "?", 2);
    }
}

/* Agents repeat from line to line: the last few normalisations are kept, keyed by the
 * process's seeded hash of the raw agent (so nobody can aim a crafted agent at a slot). */
#define AGENT_CACHE 64

static struct {
    uint64_t raw;
    uint64_t id;
    char norm[KT_UA_NORM_MAX];
} agent_cache[AGENT_CACHE];

uint64_t kt_bl_agent_id(struct kt_str ua, char norm[KT_UA_NORM_MAX])
{
    uint64_t raw = kt_hash(ua.ptr, ua.len) | 1u;
    size_t slot = (size_t)(raw >> 32) % AGENT_CACHE;
    if (agent_cache[slot].raw == raw) {
        memcpy(norm, agent_cache[slot].norm, KT_UA_NORM_MAX);
        return agent_cache[slot].id;
    }
    size_t n = kt_ua_normalise(ua, norm, KT_UA_NORM_MAX);
    uint64_t id = n > 0 ? kt_bl_hash(norm, n) : kt_bl_hash(ua.ptr, ua.len);
    agent_cache[slot].raw = raw;
    agent_cache[slot].id = id;
    memcpy(agent_cache[slot].norm, norm, KT_UA_NORM_MAX);
    return id;
}

static void agent_add(struct kt_baseline *b, uint64_t id, struct kt_str ua, int32_t today)
{
    struct kt_bl_agent *set = b->agents;
    size_t victim = 0;
    while (victim < KT_BL_AGENTS && set[victim].count > 0) {
        if (set[victim].id == id) {
            touch(&set[victim].count, &set[victim].last_day, today);
            return;
        }
        victim++;
    }
    if (victim == KT_BL_AGENTS) {
        victim = PICK_VICTIM(set, struct kt_bl_agent, KT_BL_AGENTS, today);
    }
    struct kt_bl_agent *a = &set[victim];
    memset(a, 0, sizeof(*a));
    a->id = id;
    a->count = 1;
    a->last_day = today;
    agent_name(ua, a->name); /* the first use's own product token, for reasons */
}

/* ---- operations: a Bloom filter, k = 3 --------------------------------------------------- */

static void op_bits(struct kt_str op, uint32_t idx[3])
{
    uint64_t h = kt_bl_hash(op.ptr, op.len);
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1u;
    for (uint32_t i = 0; i < 3; i++) {
        idx[i] = (h1 + i * h2) % KT_BL_OPS_BITS;
    }
}

static void op_add(struct kt_baseline *b, struct kt_str op)
{
    uint32_t idx[3];
    op_bits(op, idx);
    bool fresh = false;
    for (int i = 0; i < 3; i++) {
        uint8_t mask = (uint8_t)(1u << (idx[i] % 8));
        if (!(b->ops[idx[i] / 8] & mask)) {
            b->ops[idx[i] / 8] |= mask;
            fresh = true;
        }
    }
    if (fresh) {
        b->ops_count = kt_bl_sat_add32(b->ops_count, 1);
    }
}

/* ---- rates ------------------------------------------------------------------------------ */

void kt_bl_rate_fold(struct kt_bl_rate *r, uint32_t x, double alpha)
{
    if (r->buckets < UINT32_MAX) {
        r->buckets++;
    }
    double a = KT_MAX(alpha, 1.0 / r->buckets);
    double mean = r->mean, diff = (double)x - mean, incr = a * diff;
    r->mean = (float)(mean + incr);
    r->var = (float)((1.0 - a) * (r->var + diff * incr));
    if (x > r->max) {
        r->max = x;
    }
}

static void rate_add(struct kt_bl_rate *r, int64_t ms, int64_t width, uint32_t inc, double alpha)
{
    int64_t start = kt_bl_bucket(ms, width);
    if (r->bucket_start_ms == KT_TIME_NONE) {
        r->bucket_start_ms = start;
        r->count = inc;
    } else if (start > r->bucket_start_ms) {
        kt_bl_rate_fold(r, r->count, alpha);
        r->bucket_start_ms = start;
        r->count = inc;
    } else {
        r->count = kt_bl_sat_add32(r->count, inc);
    }
}

/* ---- learning --------------------------------------------------------------------------- */

/* First/last use, active days, hour and weekday profile, rates. */
static void learn_time(struct kt_baseline *b, int64_t ms, int32_t day, bool error)
{
    if (b->first_ms == KT_TIME_NONE) {
        b->first_ms = b->last_ms = ms;
        b->days_active = 1;
        b->last_day = day;
    } else {
        if (day > b->last_day || day < kt_bl_day(b->first_ms)) {
            b->days_active = kt_bl_sat_add32(b->days_active, 1);
        }
        if (day > b->last_day) {
            b->last_day = day;
        }
        b->first_ms = KT_MIN(b->first_ms, ms);
        b->last_ms = KT_MAX(b->last_ms, ms);
    }
    int64_t in_day = ms - (int64_t)day * KT_BL_DAY_MS;
    b->hours[in_day / KT_BL_HOUR_MS] = kt_bl_sat_add32(b->hours[in_day / KT_BL_HOUR_MS], 1);
    /* Day 0 (1970-01-01) was a Thursday: weekday 3 with Monday = 0. */
    int64_t wd = ((int64_t)day + 3) % 7;
    wd = wd < 0 ? wd + 7 : wd;
    b->weekdays[wd] = kt_bl_sat_add32(b->weekdays[wd], 1);

    rate_add(&b->minute, ms, KT_BL_MINUTE_MS, 1, KT_BL_ALPHA_MINUTE);
    rate_add(&b->hour, ms, KT_BL_HOUR_MS, 1, KT_BL_ALPHA_HOUR);
    rate_add(&b->minute_errors, ms, KT_BL_MINUTE_MS, error ? 1 : 0, KT_BL_ALPHA_MINUTE);
}

static void learn_geo(struct kt_baseline *b, const struct kt_geo *geo, int64_t ms, bool timed,
                      int32_t today)
{
    if (country_ok(geo->country)) {
        country_add(b, geo->country, today);
    }
    if (geo->asn != 0) {
        b->flags |= geo->hosting ? KT_BL_NET_HOSTING : KT_BL_NET_ACCESS;
        item_add(b->asns, KT_BL_ASNS, geo->asn, today);
    }
    if (!geo->has_location) {
        bool area = geo->precision == KT_GEO_PREC_COUNTRY && geo->accuracy_km > 0 &&
                    coords_ok(geo->lat, geo->lon);
        if (area && timed && (!b->has_last_area || ms >= b->last_area_ms)) {
            b->has_last_area = true;
            b->last_area_km = geo->accuracy_km;
            b->last_area_lat = (float)geo->lat;
            b->last_area_lon = (float)geo->lon;
            b->last_area_ms = ms;
        }
        return;
    }
    if (!coords_ok(geo->lat, geo->lon)) {
        return;
    }
    place_add(b, geo, today);
    if (timed && (!b->has_last_place || ms >= b->last_place_ms)) {
        b->has_last_place = true;
        b->last_country[0] = country_ok(geo->country) ? geo->country[0] : '\0';
        b->last_country[1] = country_ok(geo->country) ? geo->country[1] : '\0';
        b->last_accuracy_km = geo->accuracy_km;
        b->last_lat = (float)geo->lat;
        b->last_lon = (float)geo->lon;
        b->last_place_ms = ms;
        /* Whether that use came out of a VPN: the hop back home is then no journey either. */
        bool vpn = geo->hosting && kt_asn_is_vpn(geo->asn);
        b->flags = vpn ? b->flags | KT_BL_LAST_VPN : b->flags & ~(uint32_t)KT_BL_LAST_VPN;
    }
}

void kt_baseline_learn(struct kt_baseline *b, const struct kt_obs *o)
{
    if (b == NULL || o == NULL) {
        return;
    }
    bool error = kt_obs_is_error(o);
    b->events = kt_bl_sat_add64(b->events, 1);
    if (error) {
        b->errors = kt_bl_sat_add64(b->errors, 1);
    }
    if (o->timed) {
        learn_time(b, o->time_ms, o->day, error);
    }
    /* The day set entries are stamped with; an undated event counts as the latest day. */
    int32_t today = o->timed ? o->day : b->last_day;

    switch (o->addr_ids) {
    case KT_OBS_ADDR_IP:
        item_add(b->nets, KT_BL_NETS, o->net_id, today);
        item_add(b->ips, KT_BL_IPS, o->ip_id, today);
        break;
    case KT_OBS_ADDR_NAME: item_add(b->ips, KT_BL_IPS, o->ip_id, today); break;
    case KT_OBS_ADDR_NONE: break;
    }
    learn_geo(b, &o->geo, o->time_ms, o->timed, today);
    if (o->has_client) {
        agent_add(b, o->client_id, o->ev->user_agent, today);
    }
    if (o->op.len > 0 && o->op.ptr != NULL) {
        op_add(b, o->op);
    }
}

/* ---- queries ---------------------------------------------------------------------------- */

bool kt_baseline_knows_ip(const struct kt_baseline *b, const struct kt_obs *o)
{
    return b != NULL && o->addr_ids != KT_OBS_ADDR_NONE && item_has(b->ips, KT_BL_IPS, o->ip_id);
}

bool kt_baseline_knows_net(const struct kt_baseline *b, const struct kt_obs *o)
{
    return b != NULL && o->addr_ids == KT_OBS_ADDR_IP && item_has(b->nets, KT_BL_NETS, o->net_id);
}

bool kt_baseline_knows_client(const struct kt_baseline *b, const struct kt_obs *o)
{
    if (b == NULL || !o->has_client) {
        return false;
    }
    for (size_t i = 0; i < KT_BL_AGENTS && b->agents[i].count > 0; i++) {
        if (b->agents[i].id == o->client_id) {
            return true;
        }
    }
    return false;
}

bool kt_baseline_has_ip(const struct kt_baseline *b, struct kt_str ip)
{
    uint64_t ip_id, net_id;
    if (b == NULL || addr_ids(ip, &ip_id, &net_id) == KT_OBS_ADDR_NONE) {
        return false;
    }
    return item_has(b->ips, KT_BL_IPS, ip_id);
}

bool kt_baseline_has_net(const struct kt_baseline *b, struct kt_str ip)
{
    uint64_t ip_id, net_id;
    if (b == NULL || addr_ids(ip, &ip_id, &net_id) != KT_OBS_ADDR_IP) {
        return false;
    }
    return item_has(b->nets, KT_BL_NETS, net_id);
}

static uint32_t item_count(const struct kt_bl_item *set, size_t cap, uint64_t id)
{
    for (size_t i = 0; i < cap && set[i].count > 0; i++) {
        if (set[i].id == id) {
            return set[i].count;
        }
    }
    return 0;
}

bool kt_baseline_addr_established(const struct kt_baseline *b, const struct kt_obs *o)
{
    if (b == NULL || o->addr_ids != KT_OBS_ADDR_IP) {
        return false;
    }
    uint64_t ip_id = o->ip_id;
    int64_t t_ms = o->time_ms;
    /* The address itself: a /24 of a cloud or an ISP is shared with other tenants and
     * subscribers, a thief among them. And its uses before this hour: a burst from a new
     * address makes it busy, not the key's own. */
    uint32_t uses = item_count(b->ips, KT_BL_IPS, ip_id);
    const struct kt_bl_rate *h = &b->hour;
    if (t_ms >= h->bucket_start_ms && t_ms < h->bucket_start_ms + KT_BL_HOUR_MS) {
        uses = uses > h->count ? uses - h->count : 0;
    }
    return uses >= KT_BL_ESTABLISHED_USES && (uint64_t)uses * 20 >= b->events;
}

bool kt_baseline_has_country(const struct kt_baseline *b, const char code[2])
{
    if (b == NULL || code == NULL) {
        return false;
    }
    for (size_t i = 0; i < KT_BL_COUNTRIES && b->countries[i].count > 0; i++) {
        if (b->countries[i].code[0] == code[0] && b->countries[i].code[1] == code[1]) {
            return true;
        }
    }
    return false;
}

bool kt_baseline_has_asn(const struct kt_baseline *b, uint32_t asn)
{
    return b != NULL && asn != 0 && item_has(b->asns, KT_BL_ASNS, asn);
}

int kt_baseline_established_places(const struct kt_baseline *b)
{
    int n = 0;
    for (size_t i = 0; b != NULL && i < KT_BL_PLACES; i++) {
        n += b->places[i].count >= KT_BL_PLACE_ESTABLISHED_USES;
    }
    return n;
}

bool kt_baseline_knows_provider(const struct kt_baseline *b, uint32_t asn)
{
    if (kt_baseline_has_asn(b, asn)) {
        return true;
    }
    if (b == NULL || asn == 0 || !kt_asn_grouped(asn)) {
        return false;
    }
    uint32_t provider = kt_asn_provider(asn);
    for (size_t i = 0; i < KT_BL_ASNS; i++) {
        uint32_t id = (uint32_t)b->asns[i].id;
        if (id != 0 && kt_asn_provider(id) == provider) {
            return true;
        }
    }
    return false;
}

bool kt_baseline_has_agent(const struct kt_baseline *b, struct kt_str user_agent)
{
    if (b == NULL || user_agent.len == 0) {
        return false;
    }
    char norm[KT_UA_NORM_MAX];
    uint64_t id = kt_bl_agent_id(user_agent, norm);
    for (size_t i = 0; i < KT_BL_AGENTS && b->agents[i].count > 0; i++) {
        if (b->agents[i].id == id) {
            return true;
        }
    }
    return false;
}

/* The product of a normalised agent, without its version: "aws-cli/2" -> "aws-cli",
 * "GitHub CLI 2" -> "GitHub CLI", "Firefox/128 (Linux)" -> "Firefox". */
static struct kt_str norm_product(const char *norm, size_t n)
{
    const char *slash = memchr(norm, '/', n);
    if (slash != NULL) {
        return kt_str_make(norm, (size_t)(slash - norm));
    }
    size_t end = n;
    while (end > 0 && ((norm[end - 1] >= '0' && norm[end - 1] <= '9') || norm[end - 1] == '.')) {
        end--;
    }
    while (end > 0 && norm[end - 1] == ' ') {
        end--;
    }
    return kt_str_make(norm, end);
}

static bool knows_product(const struct kt_baseline *b, struct kt_str prod);

bool kt_baseline_has_product(const struct kt_baseline *b, struct kt_str user_agent)
{
    if (b == NULL || user_agent.len == 0) {
        return false;
    }
    char norm[KT_UA_NORM_MAX];
    size_t n = kt_ua_normalise(user_agent, norm, sizeof(norm));
    return knows_product(b, norm_product(norm, n));
}

bool kt_baseline_knows_product(const struct kt_baseline *b, const struct kt_obs *o)
{
    if (b == NULL || !o->has_client) {
        return false;
    }
    return knows_product(b, norm_product(o->client, strnlen(o->client, sizeof(o->client))));
}

static bool knows_product(const struct kt_baseline *b, struct kt_str prod)
{
    if (prod.len == 0) {
        return false;
    }
    for (size_t i = 0; i < KT_BL_AGENTS && b->agents[i].count > 0; i++) {
        const char *name = b->agents[i].name;
        char known[KT_UA_NORM_MAX];
        size_t k = kt_ua_normalise(kt_str_make(name, strnlen(name, KT_BL_AGENT_NAME)), known,
                                   sizeof(known));
        if (kt_str_eq_nocase(norm_product(known, k), prod)) {
            return true;
        }
    }
    return false;
}

bool kt_baseline_has_op(const struct kt_baseline *b, struct kt_str op)
{
    if (b == NULL || op.len == 0 || op.ptr == NULL) {
        return false;
    }
    uint32_t idx[3];
    op_bits(op, idx);
    for (int i = 0; i < 3; i++) {
        if (!(b->ops[idx[i] / 8] & (1u << (idx[i] % 8)))) {
            return false;
        }
    }
    return true;
}

double kt_baseline_nearest_place_km(const struct kt_baseline *b, double lat, double lon)
{
    double best = -1.0;
    if (b == NULL || !coords_ok(lat, lon)) {
        return best;
    }
    for (size_t i = 0; i < KT_BL_PLACES && b->places[i].count > 0; i++) {
        double km = kt_geo_distance_km(b->places[i].lat, b->places[i].lon, lat, lon);
        if (best < 0 || km < best) {
            best = km;
        }
    }
    return best;
}

double kt_baseline_hour_share(const struct kt_baseline *b, int hour)
{
    if (b == NULL || hour < 0 || hour > 23) {
        return 0.0;
    }
    uint64_t total = 0;
    for (int h = 0; h < 24; h++) {
        total += b->hours[h];
    }
    return total == 0 ? 0.0 : (double)b->hours[hour] / (double)total;
}

double kt_baseline_idle_days(const struct kt_baseline *b, int64_t t_ms)
{
    if (b == NULL || b->last_ms == KT_TIME_NONE || !kt_bl_time_ok(t_ms) || t_ms <= b->last_ms) {
        return 0.0;
    }
    return (double)(t_ms - b->last_ms) / (double)KT_BL_DAY_MS;
}
