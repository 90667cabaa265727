/*
 * Merging two baselines of one key (kt_baseline_merge), built from disjoint logs: two archives,
 * two log sources, two machines.
 *
 * Counts add (saturating). First and last take the extremes, the last place the later of the
 * two. Sets unite: equal values add their counts and keep the later last day; when the union
 * holds more than a set's cap, the entries with the highest counts stay (ties: the more recent,
 * then the smaller value), the order eviction would keep them in. Places within
 * KT_BL_PLACE_RADIUS_KM of each other become one, at the coordinates of the more used. The
 * operation filters are or-ed. Every rule is symmetric with a total order for ties, so the
 * result does not depend on which side is dst.
 *
 * Rates: an open bucket that is older than the other side's is closed (folded into its own
 * history); open buckets of the same start add. Histories combine as two samples would: the
 * bucket-count-weighted mean and the parallel variance formula
 *     var = (na va + nb vb) / n + na nb (ma - mb)^2 / n^2,
 * and the larger maximum. This is exact for the moments of the buckets as such, but not for
 * the exponential weighting a single pass applies (recent buckets weigh more there), nor for a
 * bucket split across the two sides (counted as two smaller buckets).
 *
 * Active days. The struct holds the count of active days and the first and last day, not the
 * days themselves, so the overlap of the two sides is estimated. Outside the overlap of their
 * day ranges the sides share no day. Inside it, each side's first and last day are known
 * active and its other days are taken as active at its average rate, (days - ends) / (span -
 * ends); the sides are assumed to have used the key on the same days there (two log sources of
 * one key see the same working days), so the common days are the smaller of the two expected
 * counts. The result is clamped to [max(a, b), min(a + b, span of the union)]. It is exact when
 * the day ranges are disjoint or touch on one day (logs split by time, the common case) and
 * when the sides were active on the same days; at worst (two sides active on alternate days of
 * one range) it undercounts by the smaller side's days in the overlap.
 */
#include <keytrail/baseline.h>

#include <math.h>
#include <stdlib.h>

#include "baseline_int.h"

_Static_assert(KT_BL_NETS <= KT_BL_IPS && KT_BL_ASNS <= KT_BL_IPS,
               "merge_items sizes its scratch by the largest item set");

/* A set entry of any kind while merging; key orders values for ties. */
struct mentry {
    uint64_t key;
    uint32_t count;
    int32_t last_day;
    size_t side, index; /* where it came from: 0 = dst, 1 = src */
};

/* Highest count first, then the latest last day, then the smaller key. */
static int mentry_cmp(const void *pa, const void *pb)
{
    const struct mentry *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    if (a->last_day != b->last_day) {
        return a->last_day > b->last_day ? -1 : 1;
    }
    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    return 0;
}

/*
 * Combines entries with equal keys (adding counts), sorts them by value and returns how many
 * remain (the caller keeps the first cap).
 */
static size_t combine(struct mentry *e, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < out && e[j].key != e[i].key) {
            j++;
        }
        if (j < out) {
            e[j].count = kt_bl_sat_add32(e[j].count, e[i].count);
            e[j].last_day = KT_MAX(e[j].last_day, e[i].last_day);
        } else {
            e[out++] = e[i];
        }
    }
    qsort(e, out, sizeof(*e), mentry_cmp);
    return out;
}

static void merge_items(struct kt_bl_item *dst, const struct kt_bl_item *src, size_t cap)
{
    struct mentry e[2 * KT_BL_IPS];
    size_t n = 0;
    for (size_t i = 0; i < cap && dst[i].count > 0; i++) {
        e[n++] = (struct mentry){dst[i].id, dst[i].count, dst[i].last_day, 0, i};
    }
    for (size_t i = 0; i < cap && src[i].count > 0; i++) {
        e[n++] = (struct mentry){src[i].id, src[i].count, src[i].last_day, 1, i};
    }
    n = combine(e, n);
    n = KT_MIN(n, cap);
    for (size_t i = 0; i < cap; i++) {
        dst[i] = i < n ? (struct kt_bl_item){e[i].key, e[i].count, e[i].last_day}
                       : (struct kt_bl_item){0};
    }
}

static uint64_t country_key(const struct kt_bl_country *c)
{
    return (uint64_t)(unsigned char)c->code[0] << 8 | (unsigned char)c->code[1];
}

static void merge_countries(struct kt_bl_country *dst, const struct kt_bl_country *src)
{
    struct mentry e[2 * KT_BL_COUNTRIES];
    size_t n = 0;
    for (size_t i = 0; i < KT_BL_COUNTRIES && dst[i].count > 0; i++) {
        e[n++] = (struct mentry){country_key(&dst[i]), dst[i].count, dst[i].last_day, 0, i};
    }
    for (size_t i = 0; i < KT_BL_COUNTRIES && src[i].count > 0; i++) {
        e[n++] = (struct mentry){country_key(&src[i]), src[i].count, src[i].last_day, 1, i};
    }
    n = combine(e, n);
    n = KT_MIN(n, KT_BL_COUNTRIES);
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        struct kt_bl_country c = {0};
        if (i < n) {
            c.code[0] = (char)(e[i].key >> 8);
            c.code[1] = (char)(e[i].key & 0xff);
            c.count = e[i].count;
            c.last_day = e[i].last_day;
        }
        dst[i] = c;
    }
}

/* A total order on places with equal counts and days: their bytes, field by field. */
static uint64_t place_key(const struct kt_bl_place *p)
{
    uint32_t la, lo;
    memcpy(&la, &p->lat, sizeof(la));
    memcpy(&lo, &p->lon, sizeof(lo));
    return (uint64_t)la << 32 | lo;
}

static int place_cmp(const void *pa, const void *pb)
{
    const struct kt_bl_place *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    if (a->last_day != b->last_day) {
        return a->last_day > b->last_day ? -1 : 1;
    }
    uint64_t ka = place_key(a), kb = place_key(b);
    if (ka != kb) {
        return ka < kb ? -1 : 1;
    }
    if (a->accuracy_km != b->accuracy_km) {
        return a->accuracy_km < b->accuracy_km ? -1 : 1;
    }
    return memcmp(a->country, b->country, sizeof(a->country));
}

static double place_km(const struct kt_bl_place *a, const struct kt_bl_place *b)
{
    if (a->lat == b->lat && a->lon == b->lon) {
        return 0.0;
    }
    if (fabs((double)a->lat - (double)b->lat) * 110.0 > KT_BL_PLACE_RADIUS_KM) {
        return INFINITY;
    }
    return kt_geo_distance_km(a->lat, a->lon, b->lat, b->lon);
}

/*
 * Places: the most used first, each place absorbing the later ones within the radius, then
 * sorted again by the combined counts.
 */
static void merge_places(struct kt_bl_place *dst, const struct kt_bl_place *src)
{
    struct kt_bl_place all[2 * KT_BL_PLACES];
    size_t n = 0, kept = 0;
    for (size_t i = 0; i < KT_BL_PLACES && dst[i].count > 0; i++) {
        all[n++] = dst[i];
    }
    for (size_t i = 0; i < KT_BL_PLACES && src[i].count > 0; i++) {
        all[n++] = src[i];
    }
    qsort(all, n, sizeof(all[0]), place_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t near = kept;
        double near_km = KT_BL_PLACE_RADIUS_KM;
        for (size_t j = 0; j < kept; j++) {
            double km = place_km(&all[j], &all[i]);
            if (km <= near_km) {
                near = j;
                near_km = km;
            }
        }
        if (near < kept) {
            all[near].count = kt_bl_sat_add32(all[near].count, all[i].count);
            all[near].last_day = KT_MAX(all[near].last_day, all[i].last_day);
        } else {
            all[kept++] = all[i];
        }
    }
    qsort(all, kept, sizeof(all[0]), place_cmp);
    for (size_t i = 0; i < KT_BL_PLACES; i++) {
        dst[i] = i < kept ? all[i] : (struct kt_bl_place){0};
    }
}

static void merge_agents(struct kt_bl_agent *dst, const struct kt_bl_agent *src)
{
    struct mentry e[2 * KT_BL_AGENTS];
    struct kt_bl_agent copy[2][KT_BL_AGENTS];
    memcpy(copy[0], dst, sizeof(copy[0]));
    memcpy(copy[1], src, sizeof(copy[1]));
    size_t n = 0;
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < KT_BL_AGENTS && copy[s][i].count > 0; i++) {
            e[n++] = (struct mentry){copy[s][i].id, copy[s][i].count, copy[s][i].last_day, s, i};
        }
    }
    /* Equal ids normally carry equal names; if not, the smaller name wins on both sides. */
    for (size_t i = 0; i < KT_BL_AGENTS && copy[0][i].count > 0; i++) {
        for (size_t j = 0; j < KT_BL_AGENTS && copy[1][j].count > 0; j++) {
            if (copy[0][i].id == copy[1][j].id &&
                strncmp(copy[1][j].name, copy[0][i].name, KT_BL_AGENT_NAME) < 0) {
                memcpy(copy[0][i].name, copy[1][j].name, KT_BL_AGENT_NAME);
            }
        }
    }
    n = combine(e, n);
    n = KT_MIN(n, KT_BL_AGENTS);
    for (size_t i = 0; i < KT_BL_AGENTS; i++) {
        struct kt_bl_agent a = {0};
        if (i < n) {
            a = copy[e[i].side][e[i].index];
            a.count = e[i].count;
            a.last_day = e[i].last_day;
        }
        dst[i] = a;
    }
}

static unsigned popcount8(uint8_t x)
{
    unsigned n = 0;
    for (; x != 0; x &= (uint8_t)(x - 1)) {
        n++;
    }
    return n;
}

static void merge_ops(struct kt_baseline *dst, const struct kt_baseline *src)
{
    unsigned set = 0;
    for (size_t i = 0; i < sizeof(dst->ops); i++) {
        dst->ops[i] |= src->ops[i];
        set += popcount8(dst->ops[i]);
    }
    /* Distinct items behind the union filter: n = -(m / k) ln(1 - X / m), k = 3. */
    uint32_t est = UINT32_MAX;
    if (set < KT_BL_OPS_BITS) {
        double m = KT_BL_OPS_BITS;
        est = (uint32_t)lround(-(m / 3.0) * log(1.0 - set / m));
    }
    dst->ops_count = KT_MAX(est, KT_MAX(dst->ops_count, src->ops_count));
}

static void merge_rate(struct kt_bl_rate *a, const struct kt_bl_rate *src, double alpha)
{
    struct kt_bl_rate b = *src;
    if (b.bucket_start_ms == KT_TIME_NONE) {
        return;
    }
    if (a->bucket_start_ms == KT_TIME_NONE) {
        *a = b;
        return;
    }
    /* Close the older open bucket, or add two open buckets of the same start. */
    uint32_t open = 0;
    if (a->bucket_start_ms < b.bucket_start_ms) {
        kt_bl_rate_fold(a, a->count, alpha);
        a->bucket_start_ms = b.bucket_start_ms;
        open = b.count;
    } else if (b.bucket_start_ms < a->bucket_start_ms) {
        kt_bl_rate_fold(&b, b.count, alpha);
        open = a->count;
    } else {
        open = kt_bl_sat_add32(a->count, b.count);
    }
    a->count = open;
    if (b.buckets > 0) {
        if (a->buckets == 0) {
            a->mean = b.mean;
            a->var = b.var;
        } else {
            double na = a->buckets, nb = b.buckets, n = na + nb;
            double d = (double)b.mean - (double)a->mean;
            a->mean = (float)((na * a->mean + nb * b.mean) / n);
            a->var = (float)((na * a->var + nb * b.var) / n + na * nb * d * d / (n * n));
        }
        a->buckets = kt_bl_sat_add32(a->buckets, b.buckets);
        a->max = KT_MAX(a->max, b.max);
    }
}

/* Expected active days of a side (days n over [f, l]) inside [lo, hi], a part of [f, l]. */
static double days_within(int64_t lo, int64_t hi, int32_t f, int32_t l, uint32_t n)
{
    int64_t ends = f == l ? 1 : 2, span = (int64_t)l - f + 1;
    double q = span > ends ? (double)((int64_t)n - ends) / (double)(span - ends) : 1.0;
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    int64_t ends_in = (f >= lo && f <= hi) + (l != f && l >= lo && l <= hi);
    return (double)ends_in + (double)(hi - lo + 1 - ends_in) * q;
}

/* Expected common active days of two sides, see the top of the file. */
static double common_days(int32_t fa, int32_t la, uint32_t na, int32_t fb, int32_t lb, uint32_t nb)
{
    int64_t lo = KT_MAX(fa, fb), hi = KT_MIN(la, lb);
    if (lo > hi) {
        return 0.0;
    }
    double in_a = days_within(lo, hi, fa, la, na), in_b = days_within(lo, hi, fb, lb, nb);
    return KT_MIN(in_a, in_b);
}

static uint32_t merge_days(const struct kt_baseline *a, const struct kt_baseline *b)
{
    int32_t fa = kt_bl_day(a->first_ms), fb = kt_bl_day(b->first_ms);
    double common = common_days(fa, a->last_day, a->days_active, fb, b->last_day, b->days_active);
    double est = (double)a->days_active + (double)b->days_active - common;
    double lo = KT_MAX(a->days_active, b->days_active);
    double hi = (double)a->days_active + (double)b->days_active;
    double span = (double)KT_MAX(a->last_day, b->last_day) - (double)KT_MIN(fa, fb) + 1.0;
    hi = KT_MIN(hi, span);
    est = est < lo ? lo : est > hi ? hi : est;
    return (uint32_t)llround(est);
}

static void merge_time(struct kt_baseline *dst, const struct kt_baseline *src)
{
    if (src->first_ms == KT_TIME_NONE) {
        return;
    }
    if (dst->first_ms == KT_TIME_NONE) {
        dst->first_ms = src->first_ms;
        dst->last_ms = src->last_ms;
        dst->days_active = src->days_active;
        dst->last_day = src->last_day;
        return;
    }
    dst->days_active = merge_days(dst, src);
    dst->first_ms = KT_MIN(dst->first_ms, src->first_ms);
    dst->last_ms = KT_MAX(dst->last_ms, src->last_ms);
    dst->last_day = KT_MAX(dst->last_day, src->last_day);
}

/* Whether src's last place replaces dst's: the later one, ties broken by the values. */
static bool later_place(const struct kt_baseline *dst, const struct kt_baseline *src)
{
    if (!src->has_last_place) {
        return false;
    }
    if (!dst->has_last_place || src->last_place_ms != dst->last_place_ms) {
        return !dst->has_last_place || src->last_place_ms > dst->last_place_ms;
    }
    struct kt_bl_place a = {.lat = dst->last_lat,
                            .lon = dst->last_lon,
                            .accuracy_km = dst->last_accuracy_km,
                            .country = {dst->last_country[0], dst->last_country[1]}};
    struct kt_bl_place b = {.lat = src->last_lat,
                            .lon = src->last_lon,
                            .accuracy_km = src->last_accuracy_km,
                            .country = {src->last_country[0], src->last_country[1]}};
    return place_cmp(&b, &a) < 0;
}

/* Whether src's last area replaces dst's: the later one, ties broken by the values, so the
 * merge does not depend on its order. */
static bool later_area(const struct kt_baseline *dst, const struct kt_baseline *src)
{
    if (!src->has_last_area) {
        return false;
    }
    if (!dst->has_last_area || src->last_area_ms != dst->last_area_ms) {
        return !dst->has_last_area || src->last_area_ms > dst->last_area_ms;
    }
    if (src->last_area_lat != dst->last_area_lat) {
        return src->last_area_lat < dst->last_area_lat;
    }
    if (src->last_area_lon != dst->last_area_lon) {
        return src->last_area_lon < dst->last_area_lon;
    }
    return src->last_area_km < dst->last_area_km;
}

void kt_baseline_merge(struct kt_baseline *dst, const struct kt_baseline *src)
{
    if (dst == NULL || src == NULL || src == dst || src->events == 0) {
        return;
    }
    if (dst->events == 0) {
        *dst = *src;
        return;
    }
    dst->events = kt_bl_sat_add64(dst->events, src->events);
    dst->errors = kt_bl_sat_add64(dst->errors, src->errors);
    /* The network kinds unite; the last-use bit follows the later last place (below). */
    uint32_t src_last_vpn = src->flags & KT_BL_LAST_VPN;
    dst->flags |= src->flags & ~(uint32_t)KT_BL_LAST_VPN;
    merge_time(dst, src);

    merge_items(dst->ips, src->ips, KT_BL_IPS);
    merge_items(dst->nets, src->nets, KT_BL_NETS);
    merge_countries(dst->countries, src->countries);
    merge_items(dst->asns, src->asns, KT_BL_ASNS);
    merge_places(dst->places, src->places);
    merge_agents(dst->agents, src->agents);
    merge_ops(dst, src);

    for (int h = 0; h < 24; h++) {
        dst->hours[h] = kt_bl_sat_add32(dst->hours[h], src->hours[h]);
    }
    for (int d = 0; d < 7; d++) {
        dst->weekdays[d] = kt_bl_sat_add32(dst->weekdays[d], src->weekdays[d]);
    }
    merge_rate(&dst->minute, &src->minute, KT_BL_ALPHA_MINUTE);
    merge_rate(&dst->hour, &src->hour, KT_BL_ALPHA_HOUR);
    merge_rate(&dst->minute_errors, &src->minute_errors, KT_BL_ALPHA_MINUTE);

    if (later_place(dst, src)) {
        dst->has_last_place = true;
        memcpy(dst->last_country, src->last_country, sizeof(dst->last_country));
        dst->last_accuracy_km = src->last_accuracy_km;
        dst->last_lat = src->last_lat;
        dst->last_lon = src->last_lon;
        dst->last_place_ms = src->last_place_ms;
        dst->flags = (dst->flags & ~(uint32_t)KT_BL_LAST_VPN) | src_last_vpn;
    }
    if (later_area(dst, src)) {
        dst->has_last_area = true;
        dst->last_area_km = src->last_area_km;
        dst->last_area_lat = src->last_area_lat;
        dst->last_area_lon = src->last_area_lon;
        dst->last_area_ms = src->last_area_ms;
    }
}
