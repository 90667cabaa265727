/*
 * The binary form of a baseline (kt_baseline_serialize, kt_baseline_deserialize): compact,
 * little-endian, in a fixed field order, versioned by its first byte.
 *
 * Integers are LEB128 varints (signed ones zigzag-encoded), identifiers that are hashes are 8
 * fixed bytes, floats are their IEEE-754 bits as 4 bytes. Sets are a count and that many
 * entries (empty slots are not written); an entry's last day is written relative to the
 * baseline's last day, so it is usually one byte. The operation filter is written as the gaps
 * between its set bits when that is shorter than its 128 bytes. Hour and weekday profiles are a
 * bit mask of the non-zero cells and their values.
 *
 *   u8 version (1), u8 flags (bit 0: last place present, bit 1: dated, bit 2: hosting network,
 *                   bit 3: access network, bit 4: last located use from a VPN, bit 5: last
 *                   area present; others 0)
 *   events, errors
 *   if dated         zz first_ms, last_ms - first_ms, days_active (last_day is last_ms's day)
 *   ips, nets        n, n x { u64 id, count, zz day delta }
 *   countries        n, n x { 2 letters, count, zz day delta }
 *   asns             n, n x { asn, count, zz day delta }
 *   places           n, n x { f32 lat, f32 lon, accuracy_km, 2 bytes country, count, zz delta }
 *   agents           n, n x { u64 id, count, zz delta, u8 name length, name }
 *   ops              u8 mode (0 empty, 1 gaps: n and n gaps, 2 the 128 bytes), ops_count
 *   hours            3-byte mask, a value per set bit; weekdays: 1-byte mask, values
 *   if dated         minute, hour, minute_errors: zz (last_ms - bucket start), count, max,
 *                    f32 mean, f32 var, buckets (an undated baseline has empty rates)
 *   last place       (if flagged; only dated) 2 bytes country, accuracy_km, f32 lat, f32 lon,
 *                    zz (last_ms - time)
 *   last area        (if flag bit 5; only dated) radius_km (1..65535), f32 lat, f32 lon,
 *                    zz (last_ms - time)
 *
 * The parser checks every length against what is left and every value against what learning
 * and merging can produce: set sizes within their caps, non-zero counts, no duplicate values,
 * well-formed tags and prefixes, country codes of two capital letters, finite coordinates in
 * range, agent names that are printable and hold no token, times in range with first <= last,
 * active days within the span, rate buckets aligned and moments finite and non-negative, and
 * no bytes left over. Anything else is KT_EPARSE, and b is left empty. A version other than 1 is rejected: a newer writer may have changed any field.
 */
#include <keytrail/baseline.h>

#include <math.h>

#include "baseline_int.h"

#define FLAG_LAST_PLACE 0x01u
#define FLAG_DATED 0x02u
#define FLAG_NET_HOSTING 0x04u /* KT_BL_NET_HOSTING */
#define FLAG_NET_ACCESS 0x08u  /* KT_BL_NET_ACCESS */
#define FLAG_LAST_VPN 0x10u    /* KT_BL_LAST_VPN: the last located use came out of a VPN exit */
#define FLAG_LAST_AREA 0x20u   /* has_last_area: the last country-only use */
/* The largest difference of two usable times. */
#define MAX_SPAN_MS (2 * KT_BL_TIME_LIMIT)

enum ops_mode { OPS_EMPTY = 0, OPS_GAPS = 1, OPS_DENSE = 2 };

/* Worst-case sizes of the pieces, for the bound below. */
#define V64 10 /* a varint of 64 bits */
#define V32 5  /* of 32 bits, or a zigzag day delta (under 2^33) */
#define WORST_HEAD (2 + 4 * V64 + V32)
#define WORST_ITEMS(n) (1 + (n) * (8 + 2 * V32))
#define WORST_COUNTRIES (1 + KT_BL_COUNTRIES * (2 + 2 * V32))
#define WORST_ASNS (1 + KT_BL_ASNS * 3 * V32)
#define WORST_PLACES (1 + KT_BL_PLACES * (4 + 4 + 3 + 2 + 2 * V32))
#define WORST_AGENTS (1 + KT_BL_AGENTS * (8 + 2 * V32 + 1 + KT_BL_AGENT_NAME - 1))
#define WORST_OPS (1 + KT_BL_OPS_BITS / 8 + V32)
#define WORST_PROFILE (3 + 24 * V32 + 1 + 7 * V32)
#define WORST_RATES (3 * (V64 + 3 * V32 + 8))
#define WORST_LAST_PLACE (2 + 3 + 8 + V64)
#define WORST_LAST_AREA (3 + 8 + V64)
#define WORST_TOTAL                                                                                \
    (WORST_HEAD + WORST_ITEMS(KT_BL_IPS) + WORST_ITEMS(KT_BL_NETS) + WORST_COUNTRIES +             \
     WORST_ASNS + WORST_PLACES + WORST_AGENTS + WORST_OPS + WORST_PROFILE + WORST_RATES +          \
     WORST_LAST_PLACE + WORST_LAST_AREA)

_Static_assert(WORST_TOTAL <= KT_BASELINE_MAX_BYTES,
               "the serialised form must always fit KT_BASELINE_MAX_BYTES");
_Static_assert(KT_BL_IPS < 128 && KT_BL_NETS < 128 && KT_BL_ASNS < 128 && KT_BL_PLACES < 128 &&
                   KT_BL_AGENTS < 128 && KT_BL_COUNTRIES < 128,
               "set sizes are written as one-byte varints");

/* ---- writing ---------------------------------------------------------------------------- */

struct wbuf {
    uint8_t *p;
    size_t cap, pos;
    bool ok;
};

static void w_bytes(struct wbuf *w, const void *data, size_t n)
{
    if (!w->ok || w->cap - w->pos < n) {
        w->ok = false;
        return;
    }
    memcpy(w->p + w->pos, data, n);
    w->pos += n;
}

static void w_u8(struct wbuf *w, uint8_t v)
{
    w_bytes(w, &v, 1);
}

static void w_var(struct wbuf *w, uint64_t v)
{
    uint8_t tmp[V64];
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tmp[n++] = (uint8_t)(byte | (v != 0 ? 0x80 : 0));
    } while (v != 0);
    w_bytes(w, tmp, n);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static void w_zz(struct wbuf *w, int64_t v)
{
    w_var(w, zigzag(v));
}

static void w_u64(struct wbuf *w, uint64_t v)
{
    uint8_t tmp[8];
    for (int i = 0; i < 8; i++) {
        tmp[i] = (uint8_t)(v >> (8 * i));
    }
    w_bytes(w, tmp, 8);
}

static void w_f32(struct wbuf *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof(v));
    uint8_t tmp[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    w_bytes(w, tmp, 4);
}

static size_t var_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* a - b without overflow (wrapping) for structs that break the invariants: the parser rejects
 * what comes out, but writing it is defined. */
static int64_t diff64(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static void w_day(struct wbuf *w, const struct kt_baseline *b, int32_t day)
{
    w_zz(w, (int64_t)b->last_day - day);
}

static void w_items(struct wbuf *w, const struct kt_baseline *b, const struct kt_bl_item *set,
                    size_t cap, bool fixed_id)
{
    size_t n = 0;
    while (n < cap && set[n].count > 0) {
        n++;
    }
    w_var(w, n);
    for (size_t i = 0; i < n; i++) {
        if (fixed_id) {
            w_u64(w, set[i].id);
        } else {
            w_var(w, set[i].id);
        }
        w_var(w, set[i].count);
        w_day(w, b, set[i].last_day);
    }
}

static void w_ops(struct wbuf *w, const struct kt_baseline *b)
{
    size_t nbits = 0, gaps_len = 0;
    uint32_t prev = 0;
    for (uint32_t i = 0; i < KT_BL_OPS_BITS; i++) {
        if (b->ops[i / 8] & (1u << (i % 8))) {
            gaps_len += var_len(nbits == 0 ? i : i - prev - 1);
            prev = i;
            nbits++;
        }
    }
    if (nbits == 0) {
        w_u8(w, OPS_EMPTY);
    } else if (var_len(nbits) + gaps_len < sizeof(b->ops)) {
        w_u8(w, OPS_GAPS);
        w_var(w, nbits);
        size_t k = 0;
        for (uint32_t i = 0; i < KT_BL_OPS_BITS; i++) {
            if (b->ops[i / 8] & (1u << (i % 8))) {
                w_var(w, k++ == 0 ? i : i - prev - 1);
                prev = i;
            }
        }
    } else {
        w_u8(w, OPS_DENSE);
        w_bytes(w, b->ops, sizeof(b->ops));
    }
    w_var(w, b->ops_count);
}

static void w_profile(struct wbuf *w, const uint32_t *cells, size_t n, size_t mask_bytes)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        mask |= (cells[i] != 0 ? 1u : 0u) << i;
    }
    for (size_t i = 0; i < mask_bytes; i++) {
        w_u8(w, (uint8_t)(mask >> (8 * i)));
    }
    for (size_t i = 0; i < n; i++) {
        if (cells[i] != 0) {
            w_var(w, cells[i]);
        }
    }
}

static void w_rate(struct wbuf *w, const struct kt_baseline *b, const struct kt_bl_rate *r)
{
    w_zz(w, diff64(b->last_ms, r->bucket_start_ms));
    w_var(w, r->count);
    w_var(w, r->max);
    w_f32(w, r->mean);
    w_f32(w, r->var);
    w_var(w, r->buckets);
}

size_t kt_baseline_serialize(const struct kt_baseline *b, uint8_t *buf, size_t cap)
{
    if (b == NULL || buf == NULL) {
        return 0;
    }
    struct wbuf w = {buf, cap, 0, true};
    w_u8(&w, KT_BASELINE_VERSION);
    bool dated = b->first_ms != KT_TIME_NONE;
    w_u8(&w, (uint8_t)((b->has_last_place ? FLAG_LAST_PLACE : 0) | (dated ? FLAG_DATED : 0) |
                       ((b->flags & KT_BL_NET_HOSTING) ? FLAG_NET_HOSTING : 0) |
                       ((b->flags & KT_BL_NET_ACCESS) ? FLAG_NET_ACCESS : 0) |
                       ((b->flags & KT_BL_LAST_VPN) ? FLAG_LAST_VPN : 0) |
                       (b->has_last_area && dated ? FLAG_LAST_AREA : 0)));
    w_var(&w, b->events);
    w_var(&w, b->errors);
    if (dated) {
        w_zz(&w, b->first_ms);
        w_var(&w, (uint64_t)diff64(b->last_ms, b->first_ms));
        w_var(&w, b->days_active);
    }

    w_items(&w, b, b->ips, KT_BL_IPS, true);
    w_items(&w, b, b->nets, KT_BL_NETS, true);
    size_t n = 0;
    while (n < KT_BL_COUNTRIES && b->countries[n].count > 0) {
        n++;
    }
    w_var(&w, n);
    for (size_t i = 0; i < n; i++) {
        w_bytes(&w, b->countries[i].code, 2);
        w_var(&w, b->countries[i].count);
        w_day(&w, b, b->countries[i].last_day);
    }
    w_items(&w, b, b->asns, KT_BL_ASNS, false);
    n = 0;
    while (n < KT_BL_PLACES && b->places[n].count > 0) {
        n++;
    }
    w_var(&w, n);
    for (size_t i = 0; i < n; i++) {
        const struct kt_bl_place *p = &b->places[i];
        w_f32(&w, p->lat);
        w_f32(&w, p->lon);
        w_var(&w, p->accuracy_km);
        w_bytes(&w, p->country, 2);
        w_var(&w, p->count);
        w_day(&w, b, p->last_day);
    }
    n = 0;
    while (n < KT_BL_AGENTS && b->agents[n].count > 0) {
        n++;
    }
    w_var(&w, n);
    for (size_t i = 0; i < n; i++) {
        const struct kt_bl_agent *a = &b->agents[i];
        const char *end = memchr(a->name, '\0', KT_BL_AGENT_NAME);
        size_t len = end == NULL ? KT_BL_AGENT_NAME - 1 : (size_t)(end - a->name);
        w_u64(&w, a->id);
        w_var(&w, a->count);
        w_day(&w, b, a->last_day);
        w_u8(&w, (uint8_t)len);
        w_bytes(&w, a->name, len);
    }
    w_ops(&w, b);
    w_profile(&w, b->hours, 24, 3);
    w_profile(&w, b->weekdays, 7, 1);
    if (dated) {
        w_rate(&w, b, &b->minute);
        w_rate(&w, b, &b->hour);
        w_rate(&w, b, &b->minute_errors);
    }
    if (b->has_last_place) {
        w_bytes(&w, b->last_country, 2);
        w_var(&w, b->last_accuracy_km);
        w_f32(&w, b->last_lat);
        w_f32(&w, b->last_lon);
        w_zz(&w, diff64(b->last_ms, b->last_place_ms));
    }
    if (b->has_last_area && dated) {
        w_var(&w, b->last_area_km);
        w_f32(&w, b->last_area_lat);
        w_f32(&w, b->last_area_lon);
        w_zz(&w, diff64(b->last_ms, b->last_area_ms));
    }
    return w.ok ? w.pos : 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct rbuf {
    const uint8_t *p;
    size_t len, pos;
    bool ok;
};

/* Every reader returns 0 (or leaves out untouched) once the buffer has failed. */
static bool r_fail(struct rbuf *r)
{
    r->ok = false;
    return false;
}

static bool r_bytes(struct rbuf *r, void *out, size_t n)
{
    if (!r->ok || r->len - r->pos < n) {
        return r_fail(r);
    }
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
    return true;
}

static uint8_t r_u8(struct rbuf *r)
{
    uint8_t v = 0;
    r_bytes(r, &v, 1);
    return v;
}

static uint64_t r_var(struct rbuf *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; r->ok; shift += 7) {
        if (r->pos >= r->len || shift > 63) {
            r_fail(r);
            break;
        }
        uint8_t byte = r->p[r->pos++];
        if (shift == 63 && (byte & 0x7e) != 0) {
            r_fail(r); /* more than 64 bits */
            break;
        }
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            return v;
        }
    }
    return 0;
}

static uint32_t r_var32(struct rbuf *r)
{
    uint64_t v = r_var(r);
    if (v > UINT32_MAX) {
        r_fail(r);
        return 0;
    }
    return (uint32_t)v;
}

static int64_t r_zz(struct rbuf *r)
{
    uint64_t v = r_var(r);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint64_t r_u64(struct rbuf *r)
{
    uint8_t tmp[8] = {0};
    r_bytes(r, tmp, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | tmp[i];
    }
    return v;
}

static float r_f32(struct rbuf *r)
{
    uint8_t tmp[4] = {0};
    r_bytes(r, tmp, 4);
    uint32_t v =
        (uint32_t)tmp[0] | (uint32_t)tmp[1] << 8 | (uint32_t)tmp[2] << 16 | (uint32_t)tmp[3] << 24;
    float f;
    memcpy(&f, &v, sizeof(f));
    return f;
}

/* A checked condition: records the failure and returns its value. */
static bool need(struct rbuf *r, bool cond)
{
    if (!cond) {
        r_fail(r);
    }
    return r->ok;
}

/* A count of entries, at most cap. */
static size_t r_count(struct rbuf *r, size_t cap)
{
    uint64_t n = r_var(r);
    return need(r, n <= cap) ? (size_t)n : 0;
}

static int32_t r_day(struct rbuf *r, const struct kt_baseline *b)
{
    int64_t delta = r_zz(r);
    if (!need(r, delta >= -(INT64_C(1) << 33) && delta <= (INT64_C(1) << 33))) {
        return 0;
    }
    int64_t day = (int64_t)b->last_day - delta;
    return need(r, day >= INT32_MIN && day <= INT32_MAX) ? (int32_t)day : 0;
}

static bool country_ok(const char *code)
{
    return code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

static bool country_or_none(const char *code)
{
    return (code[0] == '\0' && code[1] == '\0') || country_ok(code);
}

static bool coords_ok(float lat, float lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90.0f && lat <= 90.0f && lon >= -180.0f &&
           lon <= 180.0f;
}

enum item_kind { ITEMS_IPS, ITEMS_NETS, ITEMS_ASNS };

static bool item_id_ok(uint64_t id, enum item_kind kind)
{
    uint64_t tag = id & ~KT_BL_ID_MASK, low = id & KT_BL_ID_MASK;
    switch (kind) {
    case ITEMS_IPS:
        return (tag == KT_BL_TAG_V4 && low <= UINT32_MAX) || tag == KT_BL_TAG_V6 ||
               tag == KT_BL_TAG_NAME;
    case ITEMS_NETS:
        return (tag == KT_BL_TAG_V4 && low <= UINT32_MAX && (low & 0xff) == 0) ||
               (tag == KT_BL_TAG_V6 && low < (UINT64_C(1) << 48));
    case ITEMS_ASNS: return id >= 1 && id <= UINT32_MAX;
    }
    return false;
}

static void r_items(struct rbuf *r, const struct kt_baseline *b, struct kt_bl_item *set, size_t cap,
                    enum item_kind kind)
{
    size_t n = r_count(r, cap);
    for (size_t i = 0; i < n && r->ok; i++) {
        struct kt_bl_item *it = &set[i];
        it->id = kind == ITEMS_ASNS ? r_var(r) : r_u64(r);
        it->count = r_var32(r);
        it->last_day = r_day(r, b);
        need(r, it->count > 0 && item_id_ok(it->id, kind));
        for (size_t j = 0; j < i && r->ok; j++) {
            need(r, set[j].id != it->id);
        }
    }
}

static void r_countries(struct rbuf *r, struct kt_baseline *b)
{
    size_t n = r_count(r, KT_BL_COUNTRIES);
    for (size_t i = 0; i < n && r->ok; i++) {
        struct kt_bl_country *c = &b->countries[i];
        r_bytes(r, c->code, 2);
        c->count = r_var32(r);
        c->last_day = r_day(r, b);
        need(r, c->count > 0 && country_ok(c->code));
        for (size_t j = 0; j < i && r->ok; j++) {
            need(r, memcmp(b->countries[j].code, c->code, 2) != 0);
        }
    }
}

static void r_places(struct rbuf *r, struct kt_baseline *b)
{
    size_t n = r_count(r, KT_BL_PLACES);
    for (size_t i = 0; i < n && r->ok; i++) {
        struct kt_bl_place *p = &b->places[i];
        p->lat = r_f32(r);
        p->lon = r_f32(r);
        uint32_t acc = r_var32(r);
        r_bytes(r, p->country, 2);
        p->count = r_var32(r);
        p->last_day = r_day(r, b);
        need(r, acc <= UINT16_MAX && p->count > 0 && coords_ok(p->lat, p->lon) &&
                    country_or_none(p->country));
        p->accuracy_km = (uint16_t)acc;
    }
}

static void r_agents(struct rbuf *r, struct kt_baseline *b)
{
    size_t n = r_count(r, KT_BL_AGENTS);
    for (size_t i = 0; i < n && r->ok; i++) {
        struct kt_bl_agent *a = &b->agents[i];
        a->id = r_u64(r);
        a->count = r_var32(r);
        a->last_day = r_day(r, b);
        uint8_t len = r_u8(r);
        if (!need(r, a->count > 0 && len > 0 && len < KT_BL_AGENT_NAME)) {
            return;
        }
        r_bytes(r, a->name, len);
        need(r, strlen(a->name) == len && kt_bl_agent_name_ok(a->name));
        for (size_t j = 0; j < i && r->ok; j++) {
            need(r, b->agents[j].id != a->id);
        }
    }
}

static void r_ops(struct rbuf *r, struct kt_baseline *b)
{
    uint8_t mode = r_u8(r);
    if (mode == OPS_GAPS) {
        uint64_t nbits = r_var(r);
        need(r, nbits > 0 && nbits <= KT_BL_OPS_BITS);
        uint64_t at = 0;
        for (uint64_t k = 0; k < nbits && r->ok; k++) {
            uint64_t gap = r_var(r);
            if (!need(r, gap < KT_BL_OPS_BITS)) {
                break;
            }
            at = k == 0 ? gap : at + 1 + gap;
            if (!need(r, at < KT_BL_OPS_BITS)) {
                break;
            }
            b->ops[at / 8] |= (uint8_t)(1u << (at % 8));
        }
    } else if (mode == OPS_DENSE) {
        r_bytes(r, b->ops, sizeof(b->ops));
    } else {
        need(r, mode == OPS_EMPTY);
    }
    b->ops_count = r_var32(r);
}

static void r_profile(struct rbuf *r, uint32_t *cells, size_t n, size_t mask_bytes)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < mask_bytes; i++) {
        mask |= (uint32_t)r_u8(r) << (8 * i);
    }
    need(r, (mask >> n) == 0);
    for (size_t i = 0; i < n && r->ok; i++) {
        if (mask & (1u << i)) {
            cells[i] = r_var32(r);
            need(r, cells[i] != 0);
        }
    }
}

/* A time written relative to last_ms (which is usable): KT_TIME_NONE if out of range. */
static int64_t r_rel_time(struct rbuf *r, const struct kt_baseline *b)
{
    int64_t d = r_zz(r);
    if (!need(r, d > -MAX_SPAN_MS && d < MAX_SPAN_MS) || !need(r, kt_bl_time_ok(b->last_ms - d))) {
        return KT_TIME_NONE;
    }
    return b->last_ms - d;
}

static void r_rate(struct rbuf *r, const struct kt_baseline *b, struct kt_bl_rate *rate,
                   int64_t width)
{
    rate->bucket_start_ms = r_rel_time(r, b);
    rate->count = r_var32(r);
    rate->max = r_var32(r);
    rate->mean = r_f32(r);
    rate->var = r_f32(r);
    rate->buckets = r_var32(r);
    if (!r->ok) {
        return;
    }
    need(r, isfinite(rate->mean) && isfinite(rate->var) && rate->mean >= 0.0f && rate->var >= 0.0f);
    need(r, kt_bl_bucket(rate->bucket_start_ms, width) == rate->bucket_start_ms);
    if (rate->buckets == 0) {
        need(r, rate->max == 0 && rate->mean == 0.0f && rate->var == 0.0f);
    }
}

static void r_time(struct rbuf *r, struct kt_baseline *b)
{
    int64_t first = r_zz(r);
    uint64_t span_ms = r_var(r);
    b->days_active = r_var32(r);
    if (!need(r, kt_bl_time_ok(first) && span_ms < (uint64_t)MAX_SPAN_MS) ||
        !need(r, kt_bl_time_ok(first + (int64_t)span_ms))) {
        return;
    }
    b->first_ms = first;
    b->last_ms = first + (int64_t)span_ms;
    b->last_day = kt_bl_day(b->last_ms);
    int64_t span = (int64_t)b->last_day - kt_bl_day(b->first_ms) + 1;
    need(r, b->days_active >= 1 && b->days_active <= span);
}

enum kt_rc kt_baseline_deserialize(struct kt_baseline *b, const uint8_t *buf, size_t len)
{
    if (b == NULL) {
        return KT_EINVAL;
    }
    kt_baseline_init(b);
    if (buf == NULL) {
        return KT_EPARSE;
    }
    struct kt_baseline t;
    kt_baseline_init(&t);
    struct rbuf r = {buf, len, 0, true};
    uint8_t version = r_u8(&r);
    uint8_t flags = r_u8(&r);
    bool dated = flags & FLAG_DATED;
    need(&r, version == KT_BASELINE_VERSION &&
                 (flags & ~(FLAG_LAST_PLACE | FLAG_DATED | FLAG_NET_HOSTING | FLAG_NET_ACCESS |
                           FLAG_LAST_VPN | FLAG_LAST_AREA)) ==
                     0);
    t.flags = ((flags & FLAG_NET_HOSTING) ? KT_BL_NET_HOSTING : 0u) |
              ((flags & FLAG_NET_ACCESS) ? KT_BL_NET_ACCESS : 0u) |
              ((flags & FLAG_LAST_VPN) ? KT_BL_LAST_VPN : 0u);
    /* The last place is only ever set by a dated event. */
    need(&r, dated || !(flags & (FLAG_LAST_PLACE | FLAG_LAST_AREA)));
    t.events = r_var(&r);
    t.errors = r_var(&r);
    need(&r, t.errors <= t.events && (t.events > 0 || !dated));
    if (dated) {
        r_time(&r, &t);
    }

    r_items(&r, &t, t.ips, KT_BL_IPS, ITEMS_IPS);
    r_items(&r, &t, t.nets, KT_BL_NETS, ITEMS_NETS);
    r_countries(&r, &t);
    r_items(&r, &t, t.asns, KT_BL_ASNS, ITEMS_ASNS);
    r_places(&r, &t);
    r_agents(&r, &t);
    r_ops(&r, &t);
    r_profile(&r, t.hours, 24, 3);
    r_profile(&r, t.weekdays, 7, 1);
    if (dated) {
        r_rate(&r, &t, &t.minute, KT_BL_MINUTE_MS);
        r_rate(&r, &t, &t.hour, KT_BL_HOUR_MS);
        r_rate(&r, &t, &t.minute_errors, KT_BL_MINUTE_MS);
    }
    if (flags & FLAG_LAST_PLACE) {
        t.has_last_place = true;
        r_bytes(&r, t.last_country, 2);
        uint32_t acc = r_var32(&r);
        t.last_lat = r_f32(&r);
        t.last_lon = r_f32(&r);
        t.last_place_ms = r_rel_time(&r, &t);
        need(&r, acc <= UINT16_MAX && country_or_none(t.last_country) &&
                     coords_ok(t.last_lat, t.last_lon));
        t.last_accuracy_km = (uint16_t)acc;
    }
    if (flags & FLAG_LAST_AREA) {
        t.has_last_area = true;
        uint32_t km = r_var32(&r);
        t.last_area_lat = r_f32(&r);
        t.last_area_lon = r_f32(&r);
        t.last_area_ms = r_rel_time(&r, &t);
        need(&r, km >= 1 && km <= UINT16_MAX && coords_ok(t.last_area_lat, t.last_area_lon));
        t.last_area_km = (uint16_t)km;
    }
    need(&r, r.pos == r.len);
    if (!r.ok) {
        return KT_EPARSE;
    }
    *b = t;
    return KT_OK;
}
