/*
 * The hunt analyses (hunt_analysis.h) over generated histories of one key.
 *
 * The generator draws an owner's life the way real keys are used: an application server on two
 * /24s of one provider calling three S3 operations around the clock with jitter and a few
 * failures, a nightly CI job on a hosting network, a new operation the owner starts calling
 * half way through. Scenarios add to it: a second party alongside the owner (also with the
 * owner's exact agent, also from the owner's country, also calling only the owner's
 * operations), a region move, an SDK upgrade (at once and rolling), a history that starts with
 * the attacker. Each test states what the detector should say, not what it happens to say.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hunt_analysis.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define SEEDS 8              /* owners' lives per scenario: a result must not hang on one draw */
#define T0 (1793534400000LL) /* 2026-11-02T12:00:00Z */

/* Identifiers as the hunt would number them: opaque, arbitrary values. */
enum {
    NET_A1 = 0x5a01,
    NET_A2 = 0x5a02,
    NET_CI = 0x5b01,
    NET_EVIL = 0x5c01,
    NET_EVIL2 = 0x5c77,
    NET_EU = 0x5d01,
    NET_US_ISP = 0x5e01,
};
enum { AS_CLOUD = 16509, AS_CI = 8075, AS_VPS = 64511, AS_ISP = 7922, AS_EU = 24940 };
enum {
    AG_SDK2 = 0xa2,
    AG_SDK3 = 0xa3,
    AG_CLI = 0xc1,
    AG_BOTO = 0xb0,
    AG_TOOL = 0x70,
};
enum {
    OP_GET = 0x101,
    OP_PUT,
    OP_LIST,
    OP_DELETE,
    OP_INVALIDATE,
    OP_WHOAMI,
    OP_LISTUSERS,
    OP_LISTROLES,
    OP_LISTBUCKETS,
    OP_PUTPOLICY,
    OP_HEAD,
};

struct gen {
    struct kt_hunt_use *u;
    size_t *seq;
    size_t n, cap;
    uint64_t rng;
};

static double uniform(struct gen *g)
{
    return (double)(kt_test_rand(&g->rng) >> 11) / 9007199254740992.0;
}

static void put(struct gen *g, int64_t t, uint64_t ip, uint64_t net, uint32_t asn, const char *cc,
                uint64_t agent, uint64_t op, uint8_t flags)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        g->u = realloc(g->u, g->cap * sizeof(*g->u));
        assert_non_null(g->u);
    }
    struct kt_hunt_use *u = &g->u[g->n++];
    memset(u, 0, sizeof(*u));
    u->time_ms = t;
    u->ip_id = ip;
    u->has_ip = ip != 0;
    u->net_id = net;
    u->asn = asn;
    if (cc != NULL) {
        memcpy(u->country, cc, 2);
    }
    u->client_id = agent;
    u->op_id = op;
    u->endpoint_id = op * 7 + 3;
    u->status = (flags & KT_HUNT_USE_FAILED) ? 403 : 200;
    u->flags = flags;
}

static int by_time(const void *pa, const void *pb)
{
    const struct kt_hunt_use *a = pa, *b = pb;
    if (a->time_ms != b->time_ms) {
        return a->time_ms < b->time_ms ? -1 : 1;
    }
    /* Same millisecond: keep a fixed order (by what the use is). */
    if (a->ip_id != b->ip_id) {
        return a->ip_id < b->ip_id ? -1 : 1;
    }
    return (a->op_id > b->op_id) - (a->op_id < b->op_id);
}

static void finish(struct gen *g)
{
    qsort(g->u, g->n, sizeof(*g->u), by_time);
}

static void gen_free(struct gen *g)
{
    free(g->u);
    free(g->seq);
    memset(g, 0, sizeof(*g));
}

/* The application server, from..until: every 1-7 minutes, one of 6 addresses on two /24s. */
struct app {
    uint64_t net[2];
    uint32_t asn;
    const char *cc;
    uint64_t agent;
    bool deletes;  /* the owner's new feature: deletes, from day 5 */
    uint8_t flags; /* on every use (hosting: a cloud provider's network) */
};

static void app_uses(struct gen *g, const struct app *a, int64_t from, int64_t until)
{
    for (int64_t t = from; t < until; t += MIN_MS + (int64_t)(uniform(g) * 6 * MIN_MS)) {
        int which = (int)(uniform(g) * 6);
        uint64_t net = a->net[which % 2];
        uint64_t ip = (net << 8) | (uint64_t)(10 + which);
        double r = uniform(g);
        uint64_t op = r < 0.7 ? OP_GET : r < 0.9 ? OP_PUT : OP_LIST;
        if (a->deletes && t >= T0 + 5 * DAY_MS && uniform(g) < 0.03) {
            op = OP_DELETE;
        }
        uint8_t flags = a->flags | (uniform(g) < 0.02 ? KT_HUNT_USE_FAILED : 0);
        put(g, t, ip, net, a->asn, a->cc, a->agent, op, flags);
    }
}

/* The nightly CI job: 02:00 UTC, 10-20 uses over ten minutes, on a hosting network. */
static void ci_uses(struct gen *g, int64_t from, int64_t until)
{
    int64_t day0 = from - ((from % DAY_MS) + DAY_MS) % DAY_MS;
    for (int64_t d = day0; d < until; d += DAY_MS) {
        int64_t start = d + 2 * HOUR_MS;
        if (start < from || start >= until) {
            continue;
        }
        int k = 10 + (int)(uniform(g) * 10);
        for (int i = 0; i < k; i++) {
            int64_t t = start + (int64_t)(uniform(g) * 10 * MIN_MS);
            put(g, t, (NET_CI << 8) | 5, NET_CI, AS_CI, "US", AG_CLI,
                uniform(g) < 0.8 ? OP_PUT : OP_INVALIDATE, KT_HUNT_USE_HOSTING);
        }
    }
}

static const struct app owner_app = {{NET_A1, NET_A2}, AS_CLOUD, "US", AG_SDK2, true, 0};

/* Fourteen days of the owner. */
static void owner(struct gen *g, uint64_t seed)
{
    g->rng = seed;
    app_uses(g, &owner_app, T0, T0 + 14 * DAY_MS);
    ci_uses(g, T0, T0 + 14 * DAY_MS);
}

/* An attacker's session: whoami, enumeration (IAM refused), then reading the buckets. */
struct attacker {
    uint64_t net, net2; /* net2: a second exit, 0: none */
    uint32_t asn;
    const char *cc;
    uint64_t agent;
    uint8_t flags;   /* added to every use (hosting, tool) */
    bool flag_recon; /* the engine marked the enumeration suspicious */
    bool owners_ops; /* only GetObject and ListObjects, like the owner */
};

static void attack(struct gen *g, const struct attacker *a, int64_t at, int uses)
{
    static const uint64_t recon[] = {OP_WHOAMI, OP_LISTUSERS, OP_LISTROLES, OP_LISTBUCKETS,
                                     OP_PUTPOLICY};
    int64_t t = at;
    for (int i = 0; i < uses; i++) {
        uint64_t net = (a->net2 != 0 && i >= uses / 2) ? a->net2 : a->net;
        uint64_t op;
        uint8_t flags = a->flags;
        if (a->owners_ops) {
            op = uniform(g) < 0.8 ? OP_GET : OP_LIST;
        } else if (i < 8) {
            op = recon[i % 5];
            if (op == OP_LISTUSERS || op == OP_LISTROLES || op == OP_PUTPOLICY) {
                flags |= KT_HUNT_USE_FAILED;
            }
            if (a->flag_recon && i >= 3) {
                flags |= KT_HUNT_USE_SUSPICIOUS;
            }
        } else {
            op = uniform(g) < 0.5 ? OP_LISTBUCKETS : OP_GET;
        }
        put(g, t, (net << 8) | 99, net, a->asn, a->cc, a->agent, op, flags);
        t += 20 * 1000 + (int64_t)(uniform(g) * 100 * 1000);
    }
}

/* Index of the first use from net, SIZE_MAX if none. */
static size_t first_from(const struct gen *g, uint64_t net)
{
    for (size_t i = 0; i < g->n; i++) {
        if (g->u[i].net_id == net) {
            return i;
        }
    }
    return SIZE_MAX;
}

static size_t changepoints(const struct gen *g, struct kt_hunt_changepoint *cp, size_t cap)
{
    return kt_hunt_changepoints(g->u, g->n, cp, cap);
}

/* No change point, or only low ones. */
static void assert_none_or_low(const struct kt_hunt_changepoint *cp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char why[160];
        kt_hunt_signal_names(cp[i].signals, why, sizeof(why));
        if (cp[i].confidence != KT_HUNT_CONF_LOW) {
            fail_msg("change point %zu at use %zu is %s (%s, score %.2f)", i, cp[i].at,
                     kt_hunt_confidence_name(cp[i].confidence), why, cp[i].score);
        }
    }
}

/* ---- change points ---- */

static void test_owner_alone_has_no_change_point(void **state)
{
    (void)state;
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {0};
        owner(&g, 11000 + k);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void check_takeover_seed(const struct attacker *a, uint64_t seed,
                                enum kt_hunt_confidence at_least)
{
    struct gen g = {0};
    owner(&g, seed);
    int64_t at = T0 + 9 * DAY_MS + 3 * HOUR_MS + 17 * MIN_MS;
    attack(&g, a, at, 40);
    finish(&g);
    size_t first = first_from(&g, a->net);
    assert_true(first != SIZE_MAX);
    struct kt_hunt_changepoint cp[8];
    size_t n = changepoints(&g, cp, 8);
    assert_true(n >= 1);
    assert_int_equal(cp[0].at, first);
    assert_true(cp[0].time_ms == g.u[first].time_ms);
    assert_true(cp[0].confidence >= at_least);
    assert_true(cp[0].signals & KT_HUNT_SIG_NEW_NETWORK);
    assert_true(cp[0].signals & KT_HUNT_SIG_OVERLAP);
    /* Nothing else in the owner's life is stronger than medium. */
    for (size_t i = 1; i < n; i++) {
        assert_true(cp[i].score <= cp[0].score);
        assert_true(cp[i].confidence < KT_HUNT_CONF_HIGH);
    }
    gen_free(&g);
}

static void check_takeover(const struct attacker *a, uint64_t seed,
                           enum kt_hunt_confidence at_least)
{
    for (uint64_t k = 0; k < SEEDS; k++) {
        check_takeover_seed(a, seed * 1000 + k, at_least);
    }
}

static void test_takeover_signals(void **state)
{
    (void)state;
    struct gen g = {0};
    owner(&g, 25);
    struct attacker a = {.net = NET_EVIL,
                         .asn = AS_VPS,
                         .cc = "RO",
                         .agent = AG_TOOL,
                         .flags = KT_HUNT_USE_HOSTING | KT_HUNT_USE_TOOL,
                         .flag_recon = true};
    attack(&g, &a, T0 + 10 * DAY_MS, 40);
    finish(&g);
    struct kt_hunt_changepoint cp[4];
    assert_true(changepoints(&g, cp, 4) >= 1);
    uint32_t want = KT_HUNT_SIG_NEW_NETWORK | KT_HUNT_SIG_NEW_COUNTRY | KT_HUNT_SIG_NEW_CLIENT |
                    KT_HUNT_SIG_NEW_OPS | KT_HUNT_SIG_ERRORS | KT_HUNT_SIG_SUSPICIOUS |
                    KT_HUNT_SIG_TOOL | KT_HUNT_SIG_OVERLAP;
    assert_int_equal(cp[0].signals & want, want);
    /* The owner's CI runs on a hosting network, but it is a few percent of the key's uses:
     * mostly-hosting traffic is still new. */
    assert_true(cp[0].signals & KT_HUNT_SIG_HOSTING);
    assert_int_equal(cp[0].confidence, KT_HUNT_CONF_HIGH);
    char why[200];
    kt_hunt_signal_names(cp[0].signals, why, sizeof(why));
    assert_non_null(strstr(why, "new operations"));
    gen_free(&g);
}

static void test_takeover_alongside_owner(void **state)
{
    (void)state;
    struct attacker a = {.net = NET_EVIL,
                         .net2 = NET_EVIL2,
                         .asn = AS_VPS,
                         .cc = "RO",
                         .agent = AG_BOTO,
                         .flags = KT_HUNT_USE_HOSTING,
                         .flag_recon = true};
    check_takeover(&a, 21, KT_HUNT_CONF_HIGH);
}

static void test_takeover_with_owners_exact_agent(void **state)
{
    (void)state;
    /* The owner's SDK and version, from the owner's country, nothing flagged by the engine:
     * only the network and the enumeration set it apart. */
    struct attacker a = {
        .net = NET_EVIL, .asn = AS_VPS, .cc = "US", .agent = AG_SDK2, .flags = KT_HUNT_USE_HOSTING};
    check_takeover(&a, 22, KT_HUNT_CONF_HIGH);
}

static void test_takeover_from_owners_provider(void **state)
{
    (void)state;
    /* A server rented from the owner's own cloud provider in the owner's country, with the
     * owner's agent: only the /24 and the enumeration are new. */
    struct attacker a = {.net = NET_A2 + 0x40, .asn = AS_CLOUD, .cc = "US", .agent = AG_SDK2};
    check_takeover(&a, 26, KT_HUNT_CONF_HIGH);
}

static void test_takeover_from_owners_country_residential(void **state)
{
    (void)state;
    /* A home connection in the owner's country with a common CLI, not hosting. */
    struct attacker a = {.net = NET_US_ISP, .asn = AS_ISP, .cc = "US", .agent = AG_CLI};
    check_takeover(&a, 23, KT_HUNT_CONF_HIGH);
}

static void test_takeover_that_looks_like_scale_out(void **state)
{
    (void)state;
    /* The owner's agent and operations from a new network in the owner's country: the same as a
     * service scaling out to a new place. Found, but it cannot honestly be high. */
    struct attacker a = {
        .net = NET_EVIL, .asn = AS_VPS, .cc = "US", .agent = AG_SDK2, .owners_ops = true};
    struct gen g = {0};
    owner(&g, 24);
    /* A longer, quieter theft: one read every few minutes for two days. */
    int64_t at = T0 + 8 * DAY_MS + 5 * HOUR_MS;
    attack(&g, &a, at, 500);
    finish(&g);
    size_t first = first_from(&g, NET_EVIL);
    struct kt_hunt_changepoint cp[8];
    size_t n = changepoints(&g, cp, 8);
    assert_true(n >= 1);
    assert_int_equal(cp[0].at, first);
    assert_int_equal(cp[0].confidence, KT_HUNT_CONF_MEDIUM);
    assert_false(cp[0].signals & KT_HUNT_SIG_NEW_OPS);
    gen_free(&g);
}

static void test_owner_scaling_into_new_networks(void **state)
{
    (void)state;
    /* The owner's servers get addresses in new /24s of the same provider on days 4 and 9, and
     * the old ones carry on: more of the same, not someone else. */
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {0};
        owner(&g, 35000 + k);
        struct app more = owner_app;
        more.net[0] = NET_A2 + 0x10;
        more.net[1] = NET_A2 + 0x11;
        app_uses(&g, &more, T0 + 4 * DAY_MS, T0 + 14 * DAY_MS);
        more.net[0] = NET_A2 + 0x20;
        more.net[1] = NET_A2 + 0x21;
        app_uses(&g, &more, T0 + 9 * DAY_MS, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_region_move_is_not_a_change_point(void **state)
{
    (void)state;
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 31000 + k};
        int64_t move = T0 + 8 * DAY_MS + 10 * HOUR_MS;
        struct app eu = owner_app;
        eu.net[0] = NET_EU;
        eu.net[1] = NET_EU + 1;
        eu.cc = "DE";
        /* The old place drains for twenty minutes after the new one starts. */
        app_uses(&g, &owner_app, T0, move + 20 * MIN_MS);
        app_uses(&g, &eu, move, T0 + 14 * DAY_MS);
        ci_uses(&g, T0, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_region_move_to_another_provider(void **state)
{
    (void)state;
    /* A service on cloud networks moves to another provider (new ASN, new country) and the old
     * place drains for three hours. */
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 32000 + k};
        int64_t move = T0 + 7 * DAY_MS + 15 * HOUR_MS;
        struct app cloud = owner_app;
        cloud.flags = KT_HUNT_USE_HOSTING;
        struct app eu = cloud;
        eu.net[0] = NET_EU;
        eu.net[1] = NET_EU + 1;
        eu.asn = AS_EU;
        eu.cc = "IE";
        app_uses(&g, &cloud, T0, move + 3 * HOUR_MS);
        app_uses(&g, &eu, move, T0 + 14 * DAY_MS);
        ci_uses(&g, T0, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_sdk_upgrade_at_once(void **state)
{
    (void)state;
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 41000 + k};
        int64_t upgrade = T0 + 6 * DAY_MS + 16 * HOUR_MS;
        struct app v3 = owner_app;
        v3.agent = AG_SDK3;
        app_uses(&g, &owner_app, T0, upgrade);
        app_uses(&g, &v3, upgrade, T0 + 14 * DAY_MS);
        ci_uses(&g, T0, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_sdk_upgrade_rolling(void **state)
{
    (void)state;
    /* Half the fleet upgrades, the other half two days later: old and new agents overlap on the
     * same networks. */
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 42000 + k};
        int64_t first = T0 + 6 * DAY_MS, second = T0 + 8 * DAY_MS;
        struct app v3 = owner_app;
        v3.agent = AG_SDK3;
        app_uses(&g, &owner_app, T0, first);
        app_uses(&g, &owner_app, first, second); /* the half not yet upgraded */
        app_uses(&g, &v3, first, T0 + 14 * DAY_MS);
        ci_uses(&g, T0, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_sdk_upgrade_with_redeploy(void **state)
{
    (void)state;
    /* The upgrade ships on new servers: new agent, new /24s of the same provider, the old
     * servers stop an hour later; the nightly CI carries on. */
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 43000 + k};
        int64_t upgrade = T0 + 7 * DAY_MS + 9 * HOUR_MS;
        struct app v3 = owner_app;
        v3.agent = AG_SDK3;
        v3.net[0] = NET_A2 + 0x30;
        v3.net[1] = NET_A2 + 0x31;
        app_uses(&g, &owner_app, T0, upgrade + HOUR_MS);
        app_uses(&g, &v3, upgrade, T0 + 14 * DAY_MS);
        ci_uses(&g, T0, T0 + 14 * DAY_MS);
        finish(&g);
        struct kt_hunt_changepoint cp[8];
        size_t n = changepoints(&g, cp, 8);
        assert_none_or_low(cp, n);
        gen_free(&g);
    }
}

static void test_first_use_is_the_attacker(void **state)
{
    (void)state;
    /* The key's whole history is the other party's: a flagged session, then a second session
     * from another exit the next day. */
    struct gen g = {.rng = 51};
    struct attacker a = {.net = NET_EVIL,
                         .asn = AS_VPS,
                         .cc = "RO",
                         .agent = AG_TOOL,
                         .flags = KT_HUNT_USE_HOSTING | KT_HUNT_USE_TOOL,
                         .flag_recon = true};
    attack(&g, &a, T0, 23);
    a.net = NET_EVIL2;
    a.agent = AG_BOTO;
    a.flags = KT_HUNT_USE_HOSTING;
    attack(&g, &a, T0 + 30 * HOUR_MS, 30);
    finish(&g);
    struct kt_hunt_changepoint cp[8];
    assert_int_equal(changepoints(&g, cp, 8), 0);
    gen_free(&g);
}

static void test_signals_hours_rate_errors(void **state)
{
    (void)state;
    /* An owner at office hours (08-18 UTC), an attacker at night with a scripted burst of 300
     * calls in forty minutes, a third of them refused. */
    for (uint64_t k = 0; k < SEEDS; k++) {
        struct gen g = {.rng = 95000 + k};
        for (int64_t d = 0; d < 14; d++) {
            int64_t day = T0 - 4 * HOUR_MS + d * DAY_MS; /* 08:00 */
            for (int64_t t = day; t < day + 10 * HOUR_MS;
                 t += 2 * MIN_MS + (int64_t)(uniform(&g) * 8 * MIN_MS)) {
                put(&g, t, (NET_A1 << 8) | 1, NET_A1, AS_CLOUD, "US", AG_SDK2,
                    uniform(&g) < 0.8 ? OP_GET : OP_PUT,
                    uniform(&g) < 0.02 ? KT_HUNT_USE_FAILED : 0);
            }
        }
        int64_t night = T0 + 8 * DAY_MS + 15 * HOUR_MS; /* 03:00 */
        for (int i = 0; i < 300; i++) {
            put(&g, night + i * 8000, (NET_EVIL << 8) | 9, NET_EVIL, AS_VPS, "US", AG_SDK2,
                i % 3 == 0 ? OP_LISTUSERS : OP_GET, i % 3 == 0 ? KT_HUNT_USE_FAILED : 0);
        }
        finish(&g);
        struct kt_hunt_changepoint cp[4];
        size_t n = changepoints(&g, cp, 4);
        assert_true(n >= 1);
        assert_int_equal(cp[0].at, first_from(&g, NET_EVIL));
        uint32_t want = KT_HUNT_SIG_NEW_NETWORK | KT_HUNT_SIG_HOURS | KT_HUNT_SIG_RATE |
                        KT_HUNT_SIG_ERRORS | KT_HUNT_SIG_NEW_OPS;
        assert_int_equal(cp[0].signals & want, want);
        assert_false(cp[0].signals & (KT_HUNT_SIG_NEW_CLIENT | KT_HUNT_SIG_NEW_COUNTRY |
                                      KT_HUNT_SIG_TOOL | KT_HUNT_SIG_SUSPICIOUS));
        gen_free(&g);
    }
}

static void test_changepoints_empty_single_and_cap(void **state)
{
    (void)state;
    struct kt_hunt_changepoint cp[4];
    assert_int_equal(kt_hunt_changepoints(NULL, 0, cp, 4), 0);
    struct kt_hunt_use one = {.time_ms = T0, .net_id = 1, .client_id = 2, .op_id = 3};
    assert_int_equal(kt_hunt_changepoints(&one, 1, cp, 4), 0);
    struct gen g = {0};
    owner(&g, 61);
    struct attacker a = {.net = NET_EVIL, .asn = AS_VPS, .cc = "RO", .agent = AG_BOTO};
    attack(&g, &a, T0 + 10 * DAY_MS, 30);
    finish(&g);
    assert_int_equal(kt_hunt_changepoints(g.u, g.n, cp, 0), 0);
    assert_int_equal(kt_hunt_changepoints(g.u, g.n, cp, 1), 1);
    assert_int_equal(cp[0].at, first_from(&g, NET_EVIL));
    gen_free(&g);
}

/* ---- compare ---- */

static void test_compare_counts_and_novel_lists(void **state)
{
    (void)state;
    struct gen g = {0};
    /* Before: two uses from net 1; after: one from net 1, three from a new net and agent. */
    put(&g, T0, 11, 1, 100, "US", 7, 70, 0);
    put(&g, T0 + HOUR_MS, 12, 1, 100, "US", 7, 71, KT_HUNT_USE_FAILED);
    put(&g, T0 + 2 * HOUR_MS, 11, 1, 100, "US", 7, 70, 0);
    put(&g, T0 + 3 * HOUR_MS, 21, 2, 200, "RO", 8, 72, KT_HUNT_USE_SUSPICIOUS);
    put(&g, T0 + 3 * HOUR_MS + 1, 22, 2, 200, "RO", 8, 70, KT_HUNT_USE_FAILED);
    put(&g, T0 + 4 * HOUR_MS, 21, 2, 200, "RO", 8, 72, 0);
    int64_t split = T0 + 2 * HOUR_MS;
    struct kt_hunt_diff d;
    assert_int_equal(kt_hunt_compare(g.u, g.n, split, &d), KT_OK);
    assert_true(d.split_ms == split);
    assert_int_equal(d.before.uses, 2);
    assert_int_equal(d.before.failed, 1);
    assert_int_equal(d.before.ips, 2);
    assert_int_equal(d.before.nets, 1);
    assert_int_equal(d.before.ops, 2);
    assert_true(d.before.first_ms == T0 && d.before.last_ms == T0 + HOUR_MS);
    assert_int_equal(d.before.hours[12], 1);
    assert_int_equal(d.before.hours[13], 1);
    assert_int_equal(d.after.uses, 4);
    assert_int_equal(d.after.failed, 1);
    assert_int_equal(d.after.suspicious, 1);
    assert_int_equal(d.after.ips, 3);
    assert_int_equal(d.after.nets, 2);
    assert_int_equal(d.after.countries, 2);
    assert_int_equal(d.after.clients, 2);
    assert_int_equal(d.after.ops, 2);
    assert_true(d.after.last_ms == T0 + 4 * HOUR_MS);
    /* Only after: addresses 21, 22; net 2; AS200; RO; agent 8; operation 72. */
    assert_int_equal(d.n_ips, 2);
    assert_int_equal(d.ips[0].id, 21);
    assert_int_equal(d.ips[0].first_use, 3);
    assert_int_equal(d.ips[0].uses, 2);
    assert_int_equal(d.ips[1].id, 22);
    assert_int_equal(d.ips[1].failed, 1);
    assert_int_equal(d.n_nets, 1);
    assert_int_equal(d.nets[0].id, 2);
    assert_int_equal(d.nets[0].uses, 3);
    assert_int_equal(d.n_asns, 1);
    assert_int_equal(d.asns[0].id, 200);
    assert_int_equal(d.n_countries, 1);
    assert_int_equal(d.countries[0].id, ((uint64_t)'R' << 8) | 'O');
    assert_int_equal(d.n_clients, 1);
    assert_int_equal(d.clients[0].id, 8);
    assert_int_equal(d.n_ops, 1);
    assert_int_equal(d.ops[0].id, 72);
    assert_int_equal(d.ops[0].uses, 2);
    assert_int_equal(d.novel_uses, 3);
    kt_hunt_diff_free(&d);
    kt_hunt_diff_free(&d); /* twice is harmless */
    kt_hunt_diff_free(NULL);
    gen_free(&g);
}

static void test_compare_empty_single_and_no_split(void **state)
{
    (void)state;
    struct kt_hunt_diff d;
    assert_int_equal(kt_hunt_compare(NULL, 0, T0, &d), KT_OK);
    assert_int_equal(d.before.uses + d.after.uses, 0);
    assert_true(d.before.first_ms == KT_TIME_NONE && d.after.last_ms == KT_TIME_NONE);
    assert_int_equal(d.n_ips + d.n_ops, 0);
    kt_hunt_diff_free(&d);
    struct kt_hunt_use one = {.time_ms = T0, .ip_id = 5, .net_id = 1, .client_id = 2, .op_id = 3};
    assert_int_equal(kt_hunt_compare(&one, 1, T0, &d), KT_OK); /* at the split: after */
    assert_int_equal(d.after.uses, 1);
    assert_int_equal(d.n_ips, 1);
    assert_int_equal(d.novel_uses, 1);
    kt_hunt_diff_free(&d);
    /* No leak time: everything is after and new. */
    assert_int_equal(kt_hunt_compare(&one, 1, KT_TIME_NONE, &d), KT_OK);
    assert_int_equal(d.after.uses, 1);
    assert_int_equal(d.n_countries, 0); /* unknown country is no country */
    assert_int_equal(d.n_asns, 0);
    kt_hunt_diff_free(&d);
}

static void test_compare_takeover_names_the_attacker(void **state)
{
    (void)state;
    struct gen g = {0};
    owner(&g, 71);
    struct attacker a = {.net = NET_EVIL, .asn = AS_VPS, .cc = "RO", .agent = AG_BOTO};
    int64_t leak = T0 + 9 * DAY_MS;
    attack(&g, &a, leak + 2 * HOUR_MS, 30);
    finish(&g);
    struct kt_hunt_diff d;
    assert_int_equal(kt_hunt_compare(g.u, g.n, leak, &d), KT_OK);
    assert_int_equal(d.n_nets, 1);
    assert_int_equal(d.nets[0].id, NET_EVIL);
    assert_int_equal(d.nets[0].uses, 30);
    assert_int_equal(d.nets[0].first_use, first_from(&g, NET_EVIL));
    assert_int_equal(d.n_clients, 1);
    assert_int_equal(d.clients[0].id, AG_BOTO);
    assert_int_equal(d.n_countries, 1);
    /* The owner's own operations are not new; the enumeration is. */
    for (size_t i = 0; i < d.n_ops; i++) {
        assert_true(d.ops[i].id >= OP_WHOAMI);
        if (i > 0) {
            assert_true(d.ops[i - 1].first_use < d.ops[i].first_use);
        }
    }
    assert_int_equal(d.novel_uses, 30);
    assert_int_equal(d.before.uses + d.after.uses, g.n);
    kt_hunt_diff_free(&d);
    gen_free(&g);
}

/* ---- plan ---- */

static const struct kt_hunt_client *client_of(const struct kt_hunt_plan *p, uint64_t net,
                                              uint64_t agent)
{
    for (size_t i = 0; i < p->n_clients; i++) {
        if (p->clients[i].net_id == net && p->clients[i].client_id == agent) {
            return &p->clients[i];
        }
    }
    return NULL;
}

static void test_plan_roles_and_late_uses(void **state)
{
    (void)state;
    struct gen g = {0};
    owner(&g, 81);
    int64_t leak = T0 + 9 * DAY_MS;
    struct attacker a = {
        .net = NET_EVIL, .asn = AS_VPS, .cc = "RO", .agent = AG_BOTO, .flags = KT_HUNT_USE_HOSTING};
    attack(&g, &a, leak + HOUR_MS, 30);
    /* After the leak the owner upgrades one address's SDK: known network, new agent. */
    int64_t rotated = T0 + 12 * DAY_MS;
    put(&g, leak + 5 * HOUR_MS, (NET_A1 << 8) | 10, NET_A1, AS_CLOUD, "US", AG_SDK3, OP_GET, 0);
    put(&g, rotated + 2 * HOUR_MS, (NET_A1 << 8) | 10, NET_A1, AS_CLOUD, "US", AG_SDK3, OP_GET, 0);
    /* The attacker comes back after the rotation. */
    put(&g, rotated + 3 * HOUR_MS, (NET_EVIL << 8) | 99, NET_EVIL, AS_VPS, "RO", AG_BOTO,
        OP_LISTBUCKETS, KT_HUNT_USE_HOSTING);
    finish(&g);
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(g.u, g.n, leak, rotated, &p), KT_OK);
    /* Clients: the app on two /24s, CI, the attacker, the upgraded address. */
    assert_int_equal(p.n_clients, 5);
    const struct kt_hunt_client *app1 = client_of(&p, NET_A1, AG_SDK2);
    const struct kt_hunt_client *app2 = client_of(&p, NET_A2, AG_SDK2);
    const struct kt_hunt_client *ci = client_of(&p, NET_CI, AG_CLI);
    const struct kt_hunt_client *evil = client_of(&p, NET_EVIL, AG_BOTO);
    const struct kt_hunt_client *v3 = client_of(&p, NET_A1, AG_SDK3);
    assert_non_null(app1);
    assert_non_null(app2);
    assert_non_null(ci);
    assert_non_null(evil);
    assert_non_null(v3);
    assert_int_equal(app1->role, KT_HUNT_ROLE_CONSUMER);
    assert_int_equal(app2->role, KT_HUNT_ROLE_CONSUMER);
    assert_int_equal(ci->role, KT_HUNT_ROLE_CONSUMER);
    assert_int_equal(evil->role, KT_HUNT_ROLE_OTHER_PARTY);
    assert_int_equal(v3->role, KT_HUNT_ROLE_UNSURE);
    /* Consumers first, most used first. */
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(p.clients[i].role, KT_HUNT_ROLE_CONSUMER);
    }
    assert_true(p.clients[0].uses >= p.clients[1].uses);
    assert_true(p.clients[1].uses >= p.clients[2].uses);
    assert_string_equal(kt_hunt_role_name(evil->role), "other party");
    /* The attacker's facts. */
    assert_int_equal(evil->uses, 31);
    assert_int_equal(evil->n_ips, 1);
    assert_int_equal(evil->ips[0].id, (NET_EVIL << 8) | 99);
    assert_int_equal(evil->ips[0].count, 31);
    assert_true(evil->failed >= 3);
    assert_int_equal(evil->asn, AS_VPS);
    assert_memory_equal(evil->country, "RO", 2);
    assert_int_equal(evil->after_rotation, 1);
    assert_int_equal(app1->n_ips, 3);
    assert_int_equal(app1->ops[0].id, OP_GET); /* its most used operation */
    assert_true(app1->ops[0].count > app1->ops[1].count);
    /* Late uses: the app (not updated) resembles a consumer, the attacker the other party, the
     * upgraded address (unsure) shares the consumers' network and operation. */
    size_t late_app = 0, late_evil = 0, late_v3 = 0;
    for (size_t i = 0; i < p.n_late; i++) {
        const struct kt_hunt_late_use *l = &p.late[i];
        assert_true(g.u[l->use].time_ms >= rotated);
        if (i > 0) {
            assert_true(p.late[i - 1].use < l->use);
        }
        const struct kt_hunt_client *c = &p.clients[l->client];
        if (c == evil) {
            late_evil++;
            assert_int_equal(l->resembles, KT_HUNT_ROLE_OTHER_PARTY);
        } else if (c == v3) {
            late_v3++;
            assert_int_equal(l->resembles, KT_HUNT_ROLE_CONSUMER);
        } else {
            late_app++;
            assert_int_equal(l->resembles, KT_HUNT_ROLE_CONSUMER);
        }
    }
    assert_int_equal(late_evil, 1);
    assert_int_equal(late_v3, 1);
    assert_true(late_app > 100);
    kt_hunt_plan_free(&p);
    kt_hunt_plan_free(&p);
    kt_hunt_plan_free(NULL);
    gen_free(&g);
}

static void test_plan_unsure_late_use_like_the_attacker(void **state)
{
    (void)state;
    /* After the leak, an address on the attacker's network with the owner's agent calling the
     * owner's operation: nothing sets the client apart (unsure). Its uses after the rotation
     * come from the attacker's network: they resemble the other party. */
    struct gen g = {0};
    owner(&g, 82);
    int64_t leak = T0 + 9 * DAY_MS, rotated = T0 + 13 * DAY_MS;
    struct attacker a = {.net = NET_EVIL, .asn = AS_VPS, .cc = "RO", .agent = AG_BOTO};
    attack(&g, &a, leak + HOUR_MS, 20);
    for (int i = 0; i < 3; i++) {
        put(&g, rotated + (i - 1) * HOUR_MS, (NET_EVIL << 8) | 98, NET_EVIL, AS_VPS, "RO", AG_SDK2,
            OP_GET, 0);
    }
    finish(&g);
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(g.u, g.n, leak, rotated, &p), KT_OK);
    const struct kt_hunt_client *odd = client_of(&p, NET_EVIL, AG_SDK2);
    assert_non_null(odd);
    assert_int_equal(odd->role, KT_HUNT_ROLE_UNSURE);
    assert_int_equal(odd->after_rotation, 2);
    assert_int_equal(client_of(&p, NET_EVIL, AG_BOTO)->role, KT_HUNT_ROLE_OTHER_PARTY);
    size_t seen = 0;
    for (size_t i = 0; i < p.n_late; i++) {
        if (&p.clients[p.late[i].client] == odd) {
            seen++;
            assert_int_equal(p.late[i].resembles, KT_HUNT_ROLE_OTHER_PARTY);
        } else {
            assert_int_equal(p.late[i].resembles, KT_HUNT_ROLE_CONSUMER);
        }
    }
    assert_int_equal(seen, 2);
    kt_hunt_plan_free(&p);
    gen_free(&g);
}

static void test_plan_without_leak_time_uses_flags(void **state)
{
    (void)state;
    struct gen g = {0};
    owner(&g, 83);
    struct attacker a = {.net = NET_EVIL,
                         .asn = AS_VPS,
                         .cc = "RO",
                         .agent = AG_TOOL,
                         .flags = KT_HUNT_USE_HOSTING | KT_HUNT_USE_TOOL};
    attack(&g, &a, T0 + 10 * DAY_MS, 20);
    finish(&g);
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(g.u, g.n, KT_TIME_NONE, KT_TIME_NONE, &p), KT_OK);
    assert_int_equal(p.n_late, 0);
    assert_null(p.late);
    assert_int_equal(client_of(&p, NET_EVIL, AG_TOOL)->role, KT_HUNT_ROLE_OTHER_PARTY);
    assert_int_equal(client_of(&p, NET_CI, AG_CLI)->role, KT_HUNT_ROLE_CONSUMER);
    assert_int_equal(p.clients[p.n_clients - 1].client_id, AG_TOOL);
    kt_hunt_plan_free(&p);
    gen_free(&g);
}

static void test_plan_first_use_is_the_attacker(void **state)
{
    (void)state;
    /* The leak time is the first use: every client is after it and new. */
    struct gen g = {.rng = 84};
    struct attacker a = {
        .net = NET_EVIL, .asn = AS_VPS, .cc = "RO", .agent = AG_BOTO, .flags = KT_HUNT_USE_HOSTING};
    attack(&g, &a, T0, 23);
    finish(&g);
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(g.u, g.n, g.u[0].time_ms, KT_TIME_NONE, &p), KT_OK);
    assert_int_equal(p.n_clients, 1);
    assert_int_equal(p.clients[0].role, KT_HUNT_ROLE_OTHER_PARTY);
    assert_int_equal(p.clients[0].uses, 23);
    assert_int_equal(p.clients[0].first_use, 0);
    kt_hunt_plan_free(&p);
    gen_free(&g);
}

static void test_plan_empty_and_single(void **state)
{
    (void)state;
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(NULL, 0, T0, T0, &p), KT_OK);
    assert_int_equal(p.n_clients, 0);
    assert_int_equal(p.n_late, 0);
    kt_hunt_plan_free(&p);
    struct kt_hunt_use one = {.time_ms = T0, .ip_id = 5, .asn = 9, .client_id = 2, .op_id = 3};
    assert_int_equal(kt_hunt_plan(&one, 1, KT_TIME_NONE, T0, &p), KT_OK);
    assert_int_equal(p.n_clients, 1);
    assert_int_equal(p.clients[0].asn, 9); /* no /24: keyed by its ASN */
    assert_int_equal(p.clients[0].role, KT_HUNT_ROLE_CONSUMER);
    assert_int_equal(p.n_late, 1);
    assert_int_equal(p.late[0].resembles, KT_HUNT_ROLE_CONSUMER);
    kt_hunt_plan_free(&p);
}

/* ---- names ---- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(kt_hunt_confidence_name(KT_HUNT_CONF_LOW), "low");
    assert_string_equal(kt_hunt_confidence_name(KT_HUNT_CONF_MEDIUM), "medium");
    assert_string_equal(kt_hunt_confidence_name(KT_HUNT_CONF_HIGH), "high");
    assert_string_equal(kt_hunt_role_name(KT_HUNT_ROLE_CONSUMER), "consumer");
    assert_string_equal(kt_hunt_role_name(KT_HUNT_ROLE_UNSURE), "unsure");
    char buf[64];
    kt_hunt_signal_names(KT_HUNT_SIG_NEW_NETWORK | KT_HUNT_SIG_OVERLAP | KT_HUNT_SIG_TOOL, buf,
                         sizeof(buf));
    assert_string_equal(buf, "new network, tool, overlap");
    kt_hunt_signal_names(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* Whole names only when the buffer is short. */
    kt_hunt_signal_names(KT_HUNT_SIG_NEW_COUNTRY | KT_HUNT_SIG_ERRORS, buf, 16);
    assert_string_equal(buf, "new country");
    kt_hunt_signal_names(0xffffffffu, buf, 1);
    assert_string_equal(buf, "");
    kt_hunt_signal_names(0xffffffffu, buf, sizeof(buf));
    assert_true(strlen(buf) < sizeof(buf));
}

/* ---- hostile input ---- */

static void test_hostile_uses(void **state)
{
    (void)state;
    /* Times out of order and at the ends of the range, ids zero or all ones, flags all set:
     * the analyses must stay whole (counts add up, indices in range), not be right. */
    uint64_t rng = 101;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(kt_test_rand(&rng) % 400);
        struct kt_hunt_use *u = calloc(n, sizeof(*u));
        assert_non_null(u);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = kt_test_rand(&rng);
            static const int64_t times[] = {INT64_MIN, INT64_MIN + 1, -1, 0, INT64_MAX, T0};
            u[i].time_ms = (r & 1) ? times[(r >> 1) % 6] : (int64_t)(r >> 2) - (1LL << 60);
            u[i].net_id = (r >> 8) % 3 == 0 ? 0 : (r >> 8) % 3 == 1 ? UINT64_MAX : (r >> 10) % 5;
            u[i].ip_id = (r >> 13) % 7;
            u[i].asn = (uint32_t)((r >> 16) % 3 == 0 ? 0 : UINT32_MAX - (r >> 18) % 2);
            u[i].country[0] = (char)((r >> 20) & 0xff);
            u[i].client_id = (r >> 28) % 4 == 0 ? 0 : UINT64_MAX - (r >> 30) % 3;
            u[i].op_id = (r >> 32) % 6;
            u[i].endpoint_id = (r >> 36) % 9;
            u[i].flags = (uint8_t)(r >> 40);
        }
        if (round % 2 == 1) {
            /* In time order, over days, so the change points get past their history check. */
            for (size_t i = 0; i < n; i++) {
                u[i].time_ms = T0 + (int64_t)(kt_test_rand(&rng) % (20 * DAY_MS));
            }
            qsort(u, n, sizeof(*u), by_time);
        }
        int64_t split = round % 2 == 1 ? T0 + 10 * DAY_MS : (int64_t)kt_test_rand(&rng);
        struct kt_hunt_diff d;
        assert_int_equal(kt_hunt_compare(u, n, split, &d), KT_OK);
        assert_int_equal(d.before.uses + d.after.uses, n);
        for (size_t i = 0; i < d.n_ips; i++) {
            assert_true(d.ips[i].first_use < n);
        }
        kt_hunt_diff_free(&d);
        struct kt_hunt_changepoint cp[4];
        size_t k = kt_hunt_changepoints(u, n, cp, 4);
        assert_true(k <= 4);
        for (size_t i = 0; i < k; i++) {
            assert_true(cp[i].at < n);
        }
        struct kt_hunt_plan p;
        assert_int_equal(kt_hunt_plan(u, n, split, split, &p), KT_OK);
        uint64_t total = 0;
        for (size_t i = 0; i < p.n_clients; i++) {
            total += p.clients[i].uses;
        }
        assert_int_equal(total, n);
        for (size_t i = 0; i < p.n_late; i++) {
            assert_true(p.late[i].use < n && p.late[i].client < p.n_clients);
        }
        kt_hunt_plan_free(&p);
        free(u);
    }
}

/* ---- size ---- */

static void test_million_uses(void **state)
{
    (void)state;
    /* A busy key: a million uses over 30 days from 40 networks of one provider, with address
     * churn; an attacker at 90% of the way. */
    size_t n = 1000000;
    struct kt_hunt_use *u = calloc(n, sizeof(*u));
    assert_non_null(u);
    uint64_t rng = 91;
    int64_t step = (30 * DAY_MS) / (int64_t)n;
    size_t attack_at = n / 10 * 9;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = kt_test_rand(&rng);
        u[i].time_ms = T0 + (int64_t)i * step;
        bool evil = i >= attack_at && r % 50 == 0;
        uint64_t net = evil ? NET_EVIL : 0x100 + (r >> 8) % 40;
        u[i].net_id = net;
        u[i].ip_id = (net << 8) | ((r >> 20) % 200);
        u[i].asn = evil ? AS_VPS : AS_CLOUD;
        memcpy(u[i].country, evil ? "RO" : "US", 2);
        u[i].client_id = evil ? AG_BOTO : AG_SDK2;
        u[i].op_id = evil ? OP_WHOAMI + (r >> 32) % 5 : OP_GET + (r >> 32) % 3;
        u[i].flags = (evil && (r >> 40) % 3 == 0) ? KT_HUNT_USE_FAILED : 0;
    }
    size_t first_evil = attack_at;
    while (u[first_evil].net_id != NET_EVIL) {
        first_evil++;
    }
    struct kt_hunt_changepoint cp[4];
    size_t k = kt_hunt_changepoints(u, n, cp, 4);
    assert_true(k >= 1);
    assert_int_equal(cp[0].at, first_evil);
    assert_int_equal(cp[0].confidence, KT_HUNT_CONF_HIGH);
    struct kt_hunt_diff d;
    assert_int_equal(kt_hunt_compare(u, n, u[attack_at].time_ms, &d), KT_OK);
    assert_int_equal(d.n_nets, 1);
    assert_int_equal(d.nets[0].first_use, first_evil);
    assert_int_equal(d.before.uses, attack_at);
    kt_hunt_diff_free(&d);
    struct kt_hunt_plan p;
    assert_int_equal(kt_hunt_plan(u, n, u[attack_at].time_ms, u[n - 1000].time_ms, &p), KT_OK);
    assert_int_equal(p.n_clients, 41);
    assert_int_equal(p.clients[40].role, KT_HUNT_ROLE_OTHER_PARTY);
    assert_int_equal(p.n_late, 1000);
    kt_hunt_plan_free(&p);
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_alone_has_no_change_point),
        cmocka_unit_test(test_takeover_alongside_owner),
        cmocka_unit_test(test_takeover_signals),
        cmocka_unit_test(test_takeover_with_owners_exact_agent),
        cmocka_unit_test(test_takeover_from_owners_provider),
        cmocka_unit_test(test_takeover_from_owners_country_residential),
        cmocka_unit_test(test_takeover_that_looks_like_scale_out),
        cmocka_unit_test(test_owner_scaling_into_new_networks),
        cmocka_unit_test(test_region_move_is_not_a_change_point),
        cmocka_unit_test(test_region_move_to_another_provider),
        cmocka_unit_test(test_sdk_upgrade_at_once),
        cmocka_unit_test(test_sdk_upgrade_rolling),
        cmocka_unit_test(test_sdk_upgrade_with_redeploy),
        cmocka_unit_test(test_first_use_is_the_attacker),
        cmocka_unit_test(test_signals_hours_rate_errors),
        cmocka_unit_test(test_changepoints_empty_single_and_cap),
        cmocka_unit_test(test_compare_counts_and_novel_lists),
        cmocka_unit_test(test_compare_empty_single_and_no_split),
        cmocka_unit_test(test_compare_takeover_names_the_attacker),
        cmocka_unit_test(test_plan_roles_and_late_uses),
        cmocka_unit_test(test_plan_unsure_late_use_like_the_attacker),
        cmocka_unit_test(test_plan_without_leak_time_uses_flags),
        cmocka_unit_test(test_plan_first_use_is_the_attacker),
        cmocka_unit_test(test_plan_empty_and_single),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_hostile_uses),
        cmocka_unit_test(test_million_uses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
