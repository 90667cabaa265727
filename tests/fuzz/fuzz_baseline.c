/*
 * Fuzz harness for the per-key baseline. The input is used three ways:
 *   1. as a serialised baseline: when it parses, serialising it again and parsing that must
 *      give the same baseline and the same bytes;
 *   2. as a stream of events (times, addresses, methods, paths, agents and locations cut from
 *      the input's own bytes, so text corpora give realistic strings): the operation key of
 *      each must be NUL-terminated, within capacity, printable and free of tokens, and the
 *      learned baseline must serialise, parse back identically, and survive merges with
 *      itself and with the baseline from (1) as a valid baseline;
 *   3. the learned baseline's bytes cut and bit-flipped where the input says: parsing must
 *      never read past the end, and whatever parses must round-trip.
 * A broken invariant aborts.
 */
#include <keytrail/baseline.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

/* Serialises b; it must parse back to a baseline that serialises to the same bytes. */
static size_t check_roundtrip(const struct kt_baseline *b, uint8_t out[KT_BASELINE_MAX_BYTES])
{
    size_t n = kt_baseline_serialize(b, out, KT_BASELINE_MAX_BYTES);
    check(n > 0 && n <= KT_BASELINE_MAX_BYTES);
    uint8_t *copy = malloc(n);
    if (copy == NULL) {
        return n;
    }
    memcpy(copy, out, n);
    struct kt_baseline back;
    check(kt_baseline_deserialize(&back, copy, n) == KT_OK);
    free(copy);
    uint8_t again[KT_BASELINE_MAX_BYTES];
    check(kt_baseline_serialize(&back, again, sizeof(again)) == n);
    check(memcmp(out, again, n) == 0);
    check(back.events == b->events && back.first_ms == b->first_ms &&
          back.days_active == b->days_active);
    check(memcmp(back.ips, b->ips, sizeof(b->ips)) == 0);
    check(memcmp(back.agents, b->agents, sizeof(b->agents)) == 0);
    check(memcmp(&back.minute, &b->minute, sizeof(b->minute)) == 0);
    return n;
}

struct cursor {
    const uint8_t *p;
    size_t n, pos;
};

static uint8_t take8(struct cursor *c)
{
    return c->pos < c->n ? c->p[c->pos++] : 0;
}

static uint32_t take32(struct cursor *c)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v = v << 8 | take8(c);
    }
    return v;
}

/* A slice of the input of a length the input picks (views stay inside the input). */
static struct kt_str take_str(struct cursor *c)
{
    size_t len = take8(c);
    len = len > 200 ? len * 4 : len;
    if (len > c->n - c->pos) {
        len = c->n - c->pos;
    }
    struct kt_str s = {(const char *)c->p + c->pos, len};
    c->pos += len;
    return s;
}

static void check_op_key(const struct kt_event *ev, unsigned cap_pick)
{
    static const size_t caps[] = {1, 2, 9, 40, 256};
    size_t cap = caps[cap_pick % 5];
    char *out = malloc(cap);
    if (out == NULL) {
        return;
    }
    struct kt_str k = kt_baseline_op_key(ev, out, cap);
    check(k.ptr == out && k.len < cap && out[k.len] == '\0');
    for (size_t i = 0; i < k.len; i++) {
        check(out[i] >= 0x20 && out[i] < 0x7f);
    }
    struct kt_cand found[4];
    check(kt_cred_find_in_text(k, found, 4) == 0);
    free(out);
}

static void learn_stream(struct cursor *c, struct kt_baseline *b)
{
    static const int statuses[] = {200, 200, 200, 401, 403, 429, 404, 0};
    int64_t t = INT64_C(1791763200000) + (int64_t)take32(c) * 1000;
    char ipbuf[64];
    for (int k = 0; k < 64 && c->pos < c->n; k++) {
        struct kt_event ev;
        kt_event_reset(&ev);
        uint8_t mode = take8(c);
        /* Mostly forward in time, sometimes back (late lines), sometimes no time at all. */
        int64_t step = (int64_t)take8(c) << (mode & 31);
        t += (mode & 0x40) ? -step / 4 : step;
        ev.time_ms = (mode & 0x07) == 7 ? KT_TIME_NONE : t;
        switch ((mode >> 3) & 3) {
        case 0: {
            uint32_t a = take32(c);
            int n = snprintf(ipbuf, sizeof(ipbuf), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
                             (a >> 8) & 255, a & 255);
            ev.ip = kt_str_make(ipbuf, (size_t)n);
            break;
        }
        case 1: {
            uint32_t a = take32(c), z = take32(c);
            int n = snprintf(ipbuf, sizeof(ipbuf), "2001:db8:%x:%x::%x", a >> 16, a & 0xffff,
                             z & 0xffff);
            ev.ip = kt_str_make(ipbuf, (size_t)n);
            break;
        }
        default: ev.ip = take_str(c); break;
        }
        ev.method = take_str(c);
        ev.service = (mode & 0x80) ? take_str(c) : KT_STR_NULL;
        ev.resource = take_str(c);
        ev.user_agent = take_str(c);
        ev.status = statuses[take8(c) % 8];
        ev.error = (mode & 0x20) ? take_str(c) : KT_STR_NULL;
        struct kt_geo geo;
        memset(&geo, 0, sizeof(geo));
        uint8_t g = take8(c);
        geo.country[0] = (char)take8(c);
        geo.country[1] = (char)take8(c);
        geo.asn = g & 1 ? take32(c) : 0;
        geo.has_location = g & 2;
        geo.lat = (double)(int32_t)take32(c) / 1e7;
        geo.lon = (double)(int32_t)take32(c) / 1e7;
        geo.accuracy_km = (uint16_t)take32(c);
        check_op_key(&ev, g >> 2);
        struct kt_obs o;
        kt_obs_from_event(&o, &ev, (g & 4) ? NULL : &geo);
        kt_baseline_learn(b, &o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t out[KT_BASELINE_MAX_BYTES];
    /* 1: the input as a serialised baseline (an exact-size copy, so overreads are caught). */
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    struct kt_baseline parsed;
    bool have_parsed = kt_baseline_deserialize(&parsed, copy, size) == KT_OK;
    free(copy);
    if (have_parsed) {
        check_roundtrip(&parsed, out);
    } else {
        check(parsed.events == 0);
    }

    /* 2: the input as events. */
    struct kt_baseline b;
    kt_baseline_init(&b);
    struct cursor c = {data, size, 0};
    learn_stream(&c, &b);
    size_t n = check_roundtrip(&b, out);
    struct kt_baseline m = b;
    kt_baseline_merge(&m, &b);
    check(m.events == (b.events > 0 ? 2 * b.events : 0) || b.events == UINT64_MAX);
    check_roundtrip(&m, out);
    if (have_parsed) {
        struct kt_baseline x = parsed, y = b;
        kt_baseline_merge(&x, &b);
        kt_baseline_merge(&y, &parsed);
        check(x.events == y.events && x.first_ms == y.first_ms && x.last_ms == y.last_ms);
        check_roundtrip(&x, out);
        check_roundtrip(&y, out);
    }

    /* 3: the learned bytes, cut and flipped where the input says. */
    n = kt_baseline_serialize(&b, out, sizeof(out));
    for (size_t k = 0; k + 3 <= size && k < 48; k += 3) {
        size_t cut = n - (data[k] % (n + 1));
        uint8_t *mut = malloc(cut ? cut : 1);
        if (mut == NULL) {
            break;
        }
        memcpy(mut, out, cut);
        if (cut > 0) {
            mut[(size_t)data[k + 1] * 7 % cut] ^= data[k + 2];
        }
        struct kt_baseline back;
        if (kt_baseline_deserialize(&back, mut, cut) == KT_OK) {
            uint8_t again[KT_BASELINE_MAX_BYTES];
            check_roundtrip(&back, again);
        }
        free(mut);
    }
    return 0;
}
