/*
 * The detectors, one by one: each fires on its misuse case, stays quiet on the benign drift
 * cases, and (for novelty detectors) judges against the baseline as it was. Baselines are built
 * by kt_baseline_learn from synthetic events, so these tests exercise the real learning too.
 * Locations are given directly (struct kt_geo), no database needed.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <keytrail/detector.h>

#include "timefmt.h"

#define DAY_MS 86400000LL
#define T0 1789948800000LL /* 2026-09-21T00:00:00Z, a Monday */

/* ---- building events, places and baselines ---- */

static const struct kt_geo BERLIN = { .kind = KT_ADDR_PUBLIC, .country = "DE", .city = "Berlin",
                                      .has_location = true, .lat = 52.52, .lon = 13.405,
                                      .accuracy_km = 20, .asn = 64501, .as_org = "Office ISP" };
static const struct kt_geo POTSDAM = { .kind = KT_ADDR_PUBLIC, .country = "DE", .city = "Potsdam",
                                       .has_location = true, .lat = 52.39, .lon = 13.06,
                                       .accuracy_km = 20, .asn = 64509, .as_org = "Home ISP" };
static const struct kt_geo LONDON = { .kind = KT_ADDR_PUBLIC, .country = "GB", .city = "London",
                                      .has_location = true, .lat = 51.507, .lon = -0.128,
                                      .accuracy_km = 20, .asn = 64504, .as_org = "UK ISP" };
static const struct kt_geo WARSAW = { .kind = KT_ADDR_PUBLIC, .country = "PL", .city = "Warsaw",
                                      .has_location = true, .lat = 52.23, .lon = 21.01,
                                      .accuracy_km = 20, .asn = 64501, .as_org = "Office ISP" };
static const struct kt_geo BUCHAREST = { .kind = KT_ADDR_PUBLIC, .country = "RO",
                                         .city = "Bucharest", .has_location = true, .lat = 44.43,
                                         .lon = 26.10, .accuracy_km = 20, .asn = 64511,
                                         .as_org = "VPS Hosting" };
static const struct kt_geo SYDNEY = { .kind = KT_ADDR_PUBLIC, .country = "AU", .city = "Sydney",
                                      .has_location = true, .lat = -33.87, .lon = 151.21,
                                      .accuracy_km = 20, .asn = 64520, .as_org = "AU ISP" };

struct fixture {
    struct kt_event ev;
    struct kt_cred cred;
    struct kt_baseline base;
    struct kt_obs obs;                          /* the event as the observation stage sees it */
    char op[256];
    int found;
    struct kt_finding last;
    bool no_geo;                                /* judge as if no database were loaded */
    bool broad;                                 /* judge the key as used in many countries */
    const struct kt_recent *recent;             /* the key's short-term memory, or NULL */
    uint64_t det_state[KT_DET_STATE_MAX / 8];   /* the detector's per-key state */
};

static void make_event(struct kt_event *ev, int64_t t, const char *ip, const char *ua,
                       const char *method, const char *path, int status)
{
    memset(ev, 0, sizeof(*ev));
    kt_event_reset(ev);
    ev->time_ms = t;
    ev->ip = kt_str_cstr(ip);
    ev->user_agent = kt_str_cstr(ua);
    ev->method = kt_str_cstr(method);
    ev->resource = kt_str_cstr(path);
    ev->status = status;
}

static void learn(struct fixture *fx, int64_t t, const char *ip, const struct kt_geo *geo,
                  const char *ua, const char *method, const char *path, int status)
{
    make_event(&fx->ev, t, ip, ua, method, path, status);
    fx->ev.n_creds = 1;
    fx->ev.creds[0] = fx->cred;
    kt_obs_from_event(&fx->obs, &fx->ev, geo);
    kt_baseline_learn(&fx->base, &fx->obs);
}

/* A developer: weekdays 08-18 UTC from the Berlin office, git and the GitHub CLI. */
static void owner_history(struct fixture *fx, int days)
{
    for (int d = 0; d < days; d++) {
        for (int h = 8; h < 18; h++) {
            for (int k = 0; k < 3; k++) {
                int64_t t = T0 + d * DAY_MS + h * 3600000LL + k * 600000LL;
                learn(fx, t, k ? "192.0.2.14" : "192.0.2.15", &BERLIN,
                      k == 2 ? "GitHub CLI 2.62.0" : "git/2.47.1", "GET",
                      k == 1 ? "/api/v3/repos/acme/web/pulls" : "/api/v3/repos/acme/api/issues",
                      200);
            }
        }
    }
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    kt_baseline_init(&fx->base);
    fx->cred.family = KT_FAM_GITHUB;
    memset(fx->cred.key.b, 0x42, KT_KEYID_BYTES);
    fx->cred.token = fx->cred.key;
    snprintf(fx->cred.hint, sizeof(fx->cred.hint), "ghp_…test");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void collect(void *ctx, const struct kt_finding *f)
{
    struct fixture *fx = ctx;
    fx->found++;
    fx->last = *f;
}

/* Runs one detector with default knobs on an event against the fixture's baseline. */
static int judge(struct fixture *fx, const char *detector, int64_t t, const char *ip,
                 const struct kt_geo *geo, const char *ua, const char *method, const char *path,
                 int status)
{
    const struct kt_detector *det = kt_detector_find(detector);
    assert_non_null(det);
    double knobs[16];
    for (size_t k = 0; k < det->n_knobs; k++) {
        knobs[k] = det->knobs[k].def;
    }
    make_event(&fx->ev, t, ip, ua, method, path, status);
    fx->ev.n_creds = 1;
    fx->ev.creds[0] = fx->cred;
    struct kt_geo none = { .kind = KT_ADDR_NONE };
    kt_obs_from_event(&fx->obs, &fx->ev, geo ? geo : &none);
    fx->obs.has_geo = fx->obs.has_asn = !fx->no_geo;
    struct kt_det_input in = {
        .ev = &fx->ev,
        .obs = &fx->obs,
        .cred = &fx->cred,
        .base = &fx->base,
        .recent = fx->recent,
        .mature = fx->base.days_active >= 3 && fx->base.events >= 20,
        .usual_client = kt_baseline_knows_client(&fx->base, &fx->obs),
        .broad = fx->broad,
        .leak_ms = KT_TIME_NONE,
        .knobs = knobs,
        .state = det->state_size > 0 ? fx->det_state : NULL,
    };
    assert_true(det->state_size <= sizeof(fx->det_state));
    fx->found = 0;
    if (!det->needs_maturity || in.mature) {
        det->check(&in, collect, fx);
    }
    return fx->found;
}

#define NOW (T0 + 21 * DAY_MS)

static double extra_of(const struct kt_finding *f, const char *name);
static int sweep(struct fixture *fx, int64_t t, const char *method, const char *path, int status);

/* ---- new_country, new_asn, impossible_travel ---- */

static void test_new_country(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    /* A thief far away on an unknown network: high, with the numbers in the reason. */
    assert_int_equal(judge(fx, "new_country", NOW + 10 * 3600000LL, "203.0.113.213", &BUCHAREST,
                           "python-requests/2.32.3", "GET", "/api/v3/user", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(fx->last.score, 45);
    assert_string_equal(fx->last.value, "RO");
    assert_non_null(strstr(fx->last.reason, "first use from RO"));
    assert_non_null(strstr(fx->last.reason, "from DE"));
    /* The owner on a trip: London the next morning with the usual client is travel, not
     * news; the same trip with a scripting client is reported. */
    int64_t next_morning = fx->base.last_ms + 15 * 3600000LL;
    assert_int_equal(judge(fx, "new_country", next_morning, "198.51.100.9", &LONDON, "git/2.47.1",
                           "GET", "/api/v3/repos/acme/api/issues", 200),
                     0);
    assert_int_equal(judge(fx, "new_country", next_morning, "198.51.100.9", &LONDON, "curl/8.5.0",
                           "GET", "/api/v3/repos/acme/api/issues", 200),
                     1);
    /* The owner at home: known country, nothing. */
    assert_int_equal(judge(fx, "new_country", NOW, "192.0.2.77", &POTSDAM, "git/2.47.1", "GET",
                           "/api/v3/repos/acme/api/issues", 200),
                     0);
    /* A new country on a network the key already uses (a cloud region): low at most. */
    assert_int_equal(judge(fx, "new_country", NOW, "192.0.2.99", &WARSAW, "terraform/1.9.8",
                           "GET", "/x", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_LOW);
}

static void test_new_country_waits_for_maturity(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 1); /* one day: not mature */
    assert_int_equal(judge(fx, "new_country", T0 + 2 * DAY_MS, "203.0.113.213", &BUCHAREST,
                           "curl/8.5.0", "GET", "/", 200),
                     0);
}

static void test_new_asn(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    assert_int_equal(judge(fx, "new_asn", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "GET", "/",
                           200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_string_equal(fx->last.value, "AS64511");
    /* A new ISP in the owner's city (new office, home): low. */
    struct kt_geo new_office = BERLIN;
    new_office.asn = 64599;
    assert_int_equal(judge(fx, "new_asn", NOW, "192.0.2.200", &new_office, "git/2.47.1", "GET",
                           "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_LOW);
    /* Known network: nothing. */
    assert_int_equal(judge(fx, "new_asn", NOW, "192.0.2.14", &BERLIN, "git/2.47.1", "GET", "/",
                           200),
                     0);
}

static void test_impossible_travel(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    int64_t last = fx->base.last_place_ms;
    /* Bucharest 30 minutes after Berlin: ~1300 km in 0.5 h. */
    assert_int_equal(judge(fx, "impossible_travel", last + 30 * 60000LL, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* Concurrent: 3 minutes later. */
    assert_int_equal(judge(fx, "impossible_travel", last + 3 * 60000LL, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     1);
    assert_non_null(strstr(fx->last.reason, "within"));
    /* A plausible flight: London 5 hours later (930 km / 5 h). */
    assert_int_equal(judge(fx, "impossible_travel", last + 5 * 3600000LL, "198.51.100.9", &LONDON,
                           "git/2.47.1", "GET", "/", 200),
                     0);
    /* Sydney the next day: 16 000 km in 24 h is a flight, not a theft. */
    assert_int_equal(judge(fx, "impossible_travel", last + DAY_MS, "198.51.100.10", &SYDNEY,
                           "git/2.47.1", "GET", "/", 200),
                     0);
    /* Within the accuracy margins of the known city: not travel. */
    assert_int_equal(judge(fx, "impossible_travel", last + 60000LL, "192.0.2.77", &POTSDAM,
                           "git/2.47.1", "GET", "/", 200),
                     0);
}

/*
 * Real geography (issue 7): a country-only match is no point, wide accuracy circles that overlap
 * give no speed, and real distant city points still fire.
 */
static void test_impossible_travel_precision(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    int64_t last = fx->base.last_place_ms;
    /* Country-only matches carry a centroid at best; the US one is 7000 km from Berlin. */
    static const struct kt_geo us_country = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                              .precision = KT_GEO_PREC_COUNTRY,
                                              .has_location = true, .lat = 37.751,
                                              .lon = -97.822, .accuracy_km = 1000 };
    static const struct kt_geo us_none = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                           .precision = KT_GEO_PREC_COUNTRY };
    assert_int_equal(judge(fx, "impossible_travel", last + 10 * 60000LL, "198.51.100.9",
                           &us_country, "curl/8", "GET", "/", 200),
                     0);
    assert_int_equal(judge(fx, "impossible_travel", last + 10 * 60000LL, "198.51.100.9", &us_none,
                           "curl/8", "GET", "/", 200),
                     0);
    /* ... but the country is still new. */
    assert_int_equal(judge(fx, "new_country", last + 10 * 60000LL, "198.51.100.9", &us_none,
                           "curl/8", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    /* As geodb gives it: a centroid and a radius but no point. Even its nearest part was out
     * of reach 10 minutes after Berlin, so new_country says so; three days later it is just a
     * new country, and with the usual client a trip. */
    static const struct kt_geo us_area = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                           .precision = KT_GEO_PREC_COUNTRY, .lat = 37.751,
                                           .lon = -97.822, .accuracy_km = 1000 };
    assert_int_equal(judge(fx, "impossible_travel", last + 10 * 60000LL, "198.51.100.9",
                           &us_area, "curl/8", "GET", "/", 200),
                     0);
    assert_int_equal(judge(fx, "new_country", last + 10 * 60000LL, "198.51.100.9", &us_area,
                           "curl/8", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(judge(fx, "new_country", last + 3 * DAY_MS, "198.51.100.9", &us_area,
                           "curl/8", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(judge(fx, "new_country", last + 3 * DAY_MS, "198.51.100.9", &us_area,
                           "git/2.47.1", "GET", "/", 200),
                     0);
    /* Warsaw with a 600 km radius: 520 km from Berlin, the circles overlap, no speed. */
    struct kt_geo wide = WARSAW;
    wide.precision = KT_GEO_PREC_REGION;
    wide.accuracy_km = 600;
    wide.asn = 64530;
    assert_int_equal(judge(fx, "impossible_travel", last + 10 * 60000LL, "203.0.113.200", &wide,
                           "curl/8", "GET", "/", 200),
                     0);
    /* Bucharest with a 1000 km radius: 1300 km minus 1020 km is under the 300 km floor. */
    struct kt_geo wide_ro = BUCHAREST;
    wide_ro.accuracy_km = 1000;
    assert_int_equal(judge(fx, "impossible_travel", last + 30 * 60000LL, "203.0.113.213",
                           &wide_ro, "curl/8", "GET", "/", 200),
                     0);
    /* Sydney as a real city point 10 minutes later fires, speed from distance minus radii. */
    struct kt_geo syd = SYDNEY;
    syd.precision = KT_GEO_PREC_CITY;
    assert_int_equal(judge(fx, "impossible_travel", last + 10 * 60000LL, "198.51.100.10", &syd,
                           "curl/8", "GET", "/", 200),
                     1);
}

/*
 * Scoring a hop down as "the key's own networks" holds for a cloud's regions and for a person's
 * own networks in one country (a mobile carrier's addresses locate to a gateway city far from
 * home), not for a foreign ISP just because the key used it before: hops between it and home,
 * day after day, are two parties at once.
 */
static void test_impossible_travel_known_networks(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    static const struct kt_geo MUNICH_MOBILE = { .kind = KT_ADDR_PUBLIC, .country = "DE",
                                                 .city = "Munich", .has_location = true,
                                                 .lat = 48.14, .lon = 11.58, .accuracy_km = 20,
                                                 .asn = 64540, .as_org = "Mobile carrier" };
    /* A few earlier uses from London and from the mobile carrier: both networks known. */
    for (int i = 0; i < 3; i++) {
        learn(fx, NOW - 5 * DAY_MS + i * 3600000LL, "198.51.100.9", &LONDON, "git/2.47.1", "GET",
              "/api/v3/repos/acme/api/issues", 200);
        learn(fx, NOW - 4 * DAY_MS + i * 3600000LL, "198.51.100.77", &MUNICH_MOBILE, "git/2.47.1",
              "GET", "/api/v3/repos/acme/api/issues", 200);
    }
    learn(fx, NOW, "192.0.2.14", &BERLIN, "git/2.47.1", "GET", "/api/v3/repos/acme/api/issues",
          200);
    int64_t last = fx->base.last_place_ms;
    assert_true(kt_baseline_has_asn(&fx->base, LONDON.asn));
    /* London 30 minutes after Berlin, on the known UK ISP with the usual client: in full. */
    assert_int_equal(judge(fx, "impossible_travel", last + 30 * 60000LL, "198.51.100.9", &LONDON,
                           "git/2.47.1", "GET", "/api/v3/repos/acme/api/issues", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 70);
    /* Munich 20 minutes after Berlin on the known carrier: the owner's phone, scored down. */
    assert_int_equal(judge(fx, "impossible_travel", last + 20 * 60000LL, "198.51.100.77",
                           &MUNICH_MOBILE, "git/2.47.1", "GET", "/api/v3/repos/acme/api/issues",
                           200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_LOW);
    assert_non_null(strstr(fx->last.reason, "in the same country"));
    assert_true(extra_of(&fx->last, "full_score") == 70);
}

/* Judges an event with parallel_use, then learns it as the engine would. */
static int parallel(struct fixture *fx, int64_t t, const char *ip, const struct kt_geo *geo)
{
    int n = judge(fx, "parallel_use", t, ip, geo, "git/2.47.1", "GET",
                  "/api/v3/repos/acme/api/issues", 200);
    learn(fx, t, ip, geo, "git/2.47.1", "GET", "/api/v3/repos/acme/api/issues", 200);
    return n;
}

static void test_parallel_use(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    memset(fx->det_state, 0, sizeof(fx->det_state));
    /* The owner in Berlin each morning, someone in Sydney each evening, the owner's client. The
     * first evening starts the watch; each later one follows a morning at home. */
    int fired_on = -1, fired = 0;
    for (int d = 0; d < 7; d++) {
        int64_t day = NOW + d * DAY_MS;
        assert_int_equal(parallel(fx, day + 9 * 3600000LL, "192.0.2.14", &BERLIN), 0);
        if (parallel(fx, day + 20 * 3600000LL, "198.51.100.10", &SYDNEY) > 0) {
            fired++;
            fired_on = d;
            assert_int_equal(fx->last.severity, KT_SEV_HIGH);
            assert_int_equal(fx->last.score, 60);
            assert_string_equal(fx->last.value, "AU");
            assert_non_null(strstr(fx->last.reason, "on 3 days"));
            assert_non_null(strstr(fx->last.reason, "from DE"));
        }
    }
    assert_int_equal(fired_on, 3);
    assert_int_equal(fired, 1); /* once per key */
}

/* What alternates without two parties: a trip (home silent meanwhile), a VPN switched on and
 * off, a commute across a border, and a network the key already uses (its provider abroad). */
static void test_parallel_use_benign(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    memset(fx->det_state, 0, sizeof(fx->det_state));
    /* Ten days in Sydney, then home. */
    for (int d = 0; d < 10; d++) {
        assert_int_equal(parallel(fx, NOW + d * DAY_MS + 3600000LL, "198.51.100.10", &SYDNEY), 0);
    }
    for (int d = 10; d < 14; d++) {
        assert_int_equal(parallel(fx, NOW + d * DAY_MS + 9 * 3600000LL, "192.0.2.14", &BERLIN), 0);
    }
    struct kt_geo vpn_nl = { .kind = KT_ADDR_PUBLIC, .country = "NL", .city = "Amsterdam",
                             .has_location = true, .lat = 52.37, .lon = 4.90, .accuracy_km = 20,
                             .asn = 9009, .hosting = true, .as_org = "M247 Europe SRL" };
    struct kt_geo vpn_us = vpn_nl;
    memcpy(vpn_us.country, "US", 2);
    vpn_us.lat = 40.71;
    vpn_us.lon = -74.0;
    static const struct kt_geo PRAGUE = { .kind = KT_ADDR_PUBLIC, .country = "CZ",
                                          .city = "Prague", .has_location = true, .lat = 50.08,
                                          .lon = 14.44, .accuracy_km = 20, .asn = 64560,
                                          .as_org = "CZ ISP" };
    struct kt_geo cloud_in = { .kind = KT_ADDR_PUBLIC, .country = "IN", .city = "Mumbai",
                               .has_location = true, .lat = 19.07, .lon = 72.88,
                               .accuracy_km = 20, .asn = 64501, .as_org = "Office ISP" };
    for (int d = 14; d < 24; d++) {
        int64_t day = NOW + d * DAY_MS;
        assert_int_equal(parallel(fx, day + 8 * 3600000LL, "192.0.2.14", &BERLIN), 0);
        assert_int_equal(parallel(fx, day + 10 * 3600000LL, "203.0.113.50", &vpn_us), 0);
        assert_int_equal(parallel(fx, day + 11 * 3600000LL, "192.0.2.15", &BERLIN), 0);
        assert_int_equal(parallel(fx, day + 12 * 3600000LL, "203.0.113.60", &PRAGUE), 0);
        assert_int_equal(parallel(fx, day + 13 * 3600000LL, "192.0.2.14", &BERLIN), 0);
        assert_int_equal(parallel(fx, day + 14 * 3600000LL, "203.0.113.70", &cloud_in), 0);
    }
}

/* A refused first-time call outside the sensitive table is a probe when it comes from
 * elsewhere; three of them are a sweep. From the owner's desk, or when they succeed, nothing. */
static void test_sensitive_sweep_probes(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    memset(fx->det_state, 0, sizeof(fx->det_state));
    int64_t t = NOW;
    static const char *const paths[] = {"/v1/files", "/v1/transfers", "/v1/radar/value_lists"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(judge(fx, "sensitive_sweep", t + i * 10000, "192.0.2.14", &BERLIN,
                               "git/2.47.1", "GET", paths[i], 403),
                         0);
    }
    memset(fx->det_state, 0, sizeof(fx->det_state));
    t += DAY_MS / 4;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sweep(fx, t + i * 10000, "GET", paths[i], 200), 0);
    }
    memset(fx->det_state, 0, sizeof(fx->det_state));
    t += DAY_MS / 4;
    assert_int_equal(sweep(fx, t, "GET", paths[0], 403), 0);
    assert_int_equal(sweep(fx, t + 5000, "GET", paths[1], 401), 0);
    /* The third: base 50, refusals 15, three new calls against the key's two (vocabulary) 10. */
    assert_int_equal(sweep(fx, t + 9000, "GET", paths[2], 404), 0); /* not found: no refusal */
    assert_int_equal(sweep(fx, t + 10000, "GET", "/v1/issuing/cards", 403), 1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 75);
    assert_non_null(strstr(fx->last.reason, "3 operations this key never made"));
    assert_non_null(strstr(fx->last.reason, "3 refused (3 outside the sensitive list)"));
}

/* ---- user agents, operations, hours ---- */

static void test_new_user_agent(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    assert_int_equal(judge(fx, "new_user_agent", NOW, "203.0.113.213", &BUCHAREST,
                           "python-requests/2.32.3", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_string_equal(fx->last.value, "python-requests");
    assert_int_equal(judge(fx, "new_user_agent", NOW, "203.0.113.217", &BUCHAREST,
                           "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 source/x86_64.kali.2024",
                           "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(judge(fx, "new_user_agent", NOW, "1.2.3.4", NULL, "TruffleHog", "GET", "/",
                           200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* Attack simulation (Stratus Red Team names its runs in the agent). */
    assert_int_equal(judge(fx, "new_user_agent", NOW, "1.2.3.5", NULL,
                           "stratus-red-team_9e44f427-c19d-48da-921d-8d3e0b0c6d2a", "GET", "/",
                           200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* A newer version of a known client: nothing. */
    assert_int_equal(judge(fx, "new_user_agent", NOW, "192.0.2.14", &BERLIN, "git/2.48.0", "GET",
                           "/", 200),
                     0);
    /* The same client as before: nothing. */
    assert_int_equal(judge(fx, "new_user_agent", NOW, "192.0.2.14", &BERLIN, "git/2.47.1", "GET",
                           "/", 200),
                     0);
}

static void test_sensitive_op(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    assert_int_equal(judge(fx, "sensitive_op", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "GET",
                           "/api/v3/orgs/acme/members", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(judge(fx, "sensitive_op", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "POST",
                           "/api/v3/user/keys", 201),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* A payment key cashed out: a first payout and a first webhook are high. */
    assert_int_equal(judge(fx, "sensitive_op", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "POST",
                           "/v1/payouts", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_non_null(strstr(fx->last.reason, "payout or transfer"));
    assert_int_equal(judge(fx, "sensitive_op", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "POST",
                           "/v1/webhook_endpoints", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* Reading payouts is no payout. */
    assert_int_equal(judge(fx, "sensitive_op", NOW, "203.0.113.213", &BUCHAREST, "curl/8", "GET",
                           "/v1/payouts", 200),
                     0);
    /* The key's everyday calls: nothing. */
    assert_int_equal(judge(fx, "sensitive_op", NOW, "192.0.2.14", &BERLIN, "git/2.47.1", "GET",
                           "/api/v3/repos/acme/api/issues", 200),
                     0);
    /* AWS: the same operation learned before is not news. */
    struct fixture aws = { 0 };
    kt_baseline_init(&aws.base);
    aws.cred = fx->cred;
    for (int d = 0; d < 10; d++) {
        for (int k = 0; k < 10; k++) {
            make_event(&aws.ev, T0 + d * DAY_MS + k * 60000LL, "192.0.2.100", "aws-sdk-go-v2",
                       "PutObject", "", 0);
            aws.ev.service = KT_STR_LIT("s3.amazonaws.com");
            aws.ev.n_creds = 1;
            aws.ev.creds[0] = aws.cred;
            kt_obs_from_event(&aws.obs, &aws.ev, &BERLIN);
            kt_baseline_learn(&aws.base, &aws.obs);
        }
    }
    const struct kt_detector *det = kt_detector_find("sensitive_op");
    double knobs[8];
    for (size_t k = 0; k < det->n_knobs; k++) {
        knobs[k] = det->knobs[k].def;
    }
    make_event(&aws.ev, T0 + 11 * DAY_MS, "203.0.113.217", "aws-cli/2.15", "ListUsers", "", 0);
    aws.ev.service = KT_STR_LIT("iam.amazonaws.com");
    aws.ev.error = KT_STR_LIT("AccessDenied");
    kt_obs_from_event(&aws.obs, &aws.ev, &BUCHAREST);
    struct kt_det_input in = { .ev = &aws.ev, .obs = &aws.obs, .cred = &aws.cred,
                               .base = &aws.base, .mature = true,
                               .knobs = knobs, .leak_ms = KT_TIME_NONE };
    aws.found = 0;
    det->check(&in, collect, &aws);
    assert_int_equal(aws.found, 1);
    assert_non_null(strstr(aws.last.reason, "refused"));
}

/* A key of a service on one cloud: the same calls every few minutes from its addresses. */
static void hosted_history(struct fixture *fx, int days, const struct kt_geo *places, int n_places)
{
    for (int d = 0; d < days; d++) {
        for (int k = 0; k < 24; k++) {
            int64_t t = T0 + d * DAY_MS + k * 3600000LL;
            char ip[32];
            snprintf(ip, sizeof(ip), "198.51.100.%d", 10 + k % n_places);
            learn(fx, t, ip, &places[k % n_places], "okhttp/4.12.0", "GET", "/v1/orders", 200);
        }
    }
}

static void test_new_country_from_area_to_area(void **state)
{
    struct fixture *fx = *state;
    /* A service whose addresses its database knows only to the country (GeoLite2 does that
     * for much of the cloud): areas, no point. */
    struct kt_geo us = { .kind = KT_ADDR_PUBLIC, .country = "US", .precision = KT_GEO_PREC_COUNTRY,
                         .lat = 39.8, .lon = -98.6, .accuracy_km = 1000, .asn = 16509,
                         .hosting = true };
    for (int d = 0; d < 10; d++) {
        for (int k = 0; k < 10; k++) {
            learn(fx, T0 + d * DAY_MS + k * 600000LL, "198.51.100.10", &us, "okhttp/4.12.0",
                  "GET", "/v1/orders", 200);
        }
    }
    assert_false(fx->base.has_last_place);
    struct kt_geo ro = { .kind = KT_ADDR_PUBLIC, .country = "RO", .precision = KT_GEO_PREC_COUNTRY,
                         .lat = 45.9, .lon = 24.9, .accuracy_km = 300, .asn = 8708 };
    /* Five minutes after a use somewhere in the US, somewhere in Romania: out of reach even
     * between the countries' nearest parts. */
    int64_t last = fx->base.last_ms;
    assert_int_equal(judge(fx, "new_country", last + 5 * 60000, "203.0.113.7", &ro,
                           "okhttp/4.12.0", "GET", "/v1/orders", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 70);
    /* Two days later a flight was possible: far, medium. */
    assert_int_equal(judge(fx, "new_country", last + 2 * DAY_MS, "203.0.113.7", &ro,
                           "curl/8.5.0", "GET", "/v1/orders", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
}

static void test_new_asn_network_kind(void **state)
{
    struct fixture *fx = *state;
    struct kt_geo cloud = BERLIN;
    cloud.asn = 16509;
    cloud.hosting = true;
    hosted_history(fx, 21, &cloud, 1);
    /* A service's key on a home ISP: someone copied it to their own machine, whatever the
     * client or the city. */
    struct kt_geo home = BERLIN;
    home.asn = 64599;
    assert_int_equal(judge(fx, "new_asn", NOW, "192.0.2.200", &home, "okhttp/4.12.0", "GET",
                           "/v1/orders", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(fx->last.score, 50);
    assert_non_null(strstr(fx->last.reason, "access network"));
    /* Another hosting provider in the same city with the usual client stays low. */
    struct kt_geo other_cloud = cloud;
    other_cloud.asn = 64777;
    assert_int_equal(judge(fx, "new_asn", NOW, "192.0.2.201", &other_cloud, "okhttp/4.12.0",
                           "GET", "/v1/orders", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_LOW);
}

static void test_new_asn_fleet_of_one_provider(void **state)
{
    struct fixture *fx = *state;
    /* A CI fleet on Google's cloud in six countries: widely used, one provider. */
    static const char *const cc[] = { "US", "DE", "NL", "SG", "JP", "BR" };
    struct kt_geo regions[6];
    for (int i = 0; i < 6; i++) {
        regions[i] = BERLIN;
        memcpy(regions[i].country, cc[i], 2);
        regions[i].lat = -30 + 10 * i;
        regions[i].lon = -120 + 45 * i;
        regions[i].asn = i % 2 ? 396982 : 15169;
        regions[i].hosting = true;
    }
    hosted_history(fx, 21, regions, 6);
    fx->broad = true;
    /* OVH is not the fleet's spread. */
    struct kt_geo ovh = regions[2];
    ovh.asn = 16276;
    ovh.lat += 1;
    assert_int_equal(judge(fx, "new_asn", NOW, "203.0.113.9", &ovh, "okhttp/4.12.0", "GET",
                           "/v1/orders", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_non_null(strstr(fx->last.reason, "few providers"));
    /* Google's other AS is: nothing. */
    struct kt_geo google = regions[0];
    google.asn = 19527;
    assert_int_equal(judge(fx, "new_asn", NOW, "203.0.113.10", &google, "okhttp/4.12.0", "GET",
                           "/v1/orders", 200),
                     0);
    /* A publishable key is meant for anyone. */
    fx->cred.flags |= KT_CRED_PUBLISHABLE;
    assert_int_equal(judge(fx, "new_asn", NOW, "203.0.113.9", &ovh, "okhttp/4.12.0", "GET",
                           "/v1/orders", 200),
                     0);
}

/* One call through sensitive_sweep, its window kept in the fixture's detector state. */
static int sweep(struct fixture *fx, int64_t t, const char *method, const char *path, int status)
{
    return judge(fx, "sensitive_sweep", t, "203.0.113.213", &BUCHAREST, "curl/8", method, path,
                 status);
}

static void test_sensitive_sweep(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    memset(fx->det_state, 0, sizeof(fx->det_state));
    int64_t t = NOW;
    /* One or two first listings are sensitive_op's. */
    assert_int_equal(sweep(fx, t, "GET", "/api/v3/user", 200), 0);
    assert_int_equal(sweep(fx, t + 20000, "GET", "/api/v3/user/orgs", 200), 0);
    /* The same call again is not another one. */
    assert_int_equal(sweep(fx, t + 30000, "GET", "/api/v3/user/orgs", 200), 0);
    /* The key's own calls are not sensitive. */
    assert_int_equal(sweep(fx, t + 35000, "GET", "/api/v3/repos/acme/api/issues", 200), 0);
    /* The third: base 50, an identity call (GET /user) 10, and three new operations against
     * the two the key ever made (vocabulary) 10. */
    assert_int_equal(sweep(fx, t + 40000, "GET", "/api/v3/orgs/acme/members", 200), 1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 70);
    assert_string_equal(fx->last.value, "3 from 2026-10-12T00:00");
    assert_non_null(strstr(fx->last.reason, "3 sensitive operations this key never made"));
    /* Each further one raises it: a fourth (+5), then two refused (+5, +15 for refusals). */
    assert_int_equal(sweep(fx, t + 60000, "GET", "/api/v3/admin/users", 403), 1);
    assert_int_equal(fx->last.score, 75);
    assert_int_equal(sweep(fx, t + 70000, "GET", "/api/v3/teams", 403), 1);
    assert_int_equal(fx->last.score, 90);
    assert_non_null(strstr(fx->last.reason, "2 refused"));
    /* Past 15 minutes a new window starts, with one operation: quiet. */
    assert_int_equal(sweep(fx, t + 20 * 60000, "GET", "/api/v3/search/code", 200), 0);

    /* A payment key: a webhook and a payout, two classes, fire at two (base 50, act 15,
     * vocabulary 10). */
    memset(fx->det_state, 0, sizeof(fx->det_state));
    t += DAY_MS / 2;
    assert_int_equal(sweep(fx, t, "POST", "/v1/webhook_endpoints", 200), 0);
    assert_int_equal(sweep(fx, t + 30000, "POST", "/v1/payouts", 200), 1);
    assert_int_equal(fx->last.score, 75);
    assert_non_null(strstr(fx->last.reason, "payout or transfer"));
    assert_non_null(strstr(fx->last.reason, "credential or permission change"));
}

static double extra_of(const struct kt_finding *f, const char *name)
{
    for (unsigned i = 0; i < f->n_extra && i < KT_FINDING_EXTRA; i++) {
        if (f->extra[i].name != NULL && strcmp(f->extra[i].name, name) == 0) {
            return f->extra[i].value;
        }
    }
    return -1;
}

/* Listings from the key's own address with its usual client: an owner's audit, scored down
 * with its full score kept; a refusal, or acting on what it found, is no audit. */
static void test_sensitive_sweep_own_audit(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    int64_t t = NOW;
    static const char *const listings[] = {"/api/v3/user", "/api/v3/user/orgs",
                                           "/api/v3/orgs/acme/members"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(judge(fx, "sensitive_sweep", t + i * 10000, "192.0.2.14", &BERLIN,
                               "git/2.47.1", "GET", listings[i], 200),
                         i == 2);
    }
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(fx->last.score, 35);
    assert_true(extra_of(&fx->last, "full_score") == 70);
    assert_non_null(strstr(fx->last.reason, "own addresses with its usual client"));
    /* Then a deploy key: in full (base 50, +5 a fourth, identity 10, act 15, vocabulary 10). */
    assert_int_equal(judge(fx, "sensitive_sweep", t + 40000, "192.0.2.14", &BERLIN, "git/2.47.1",
                           "POST", "/api/v3/repos/acme/api/keys", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 90);
    assert_true(extra_of(&fx->last, "full_score") < 0);
    /* The same listings with refusals among them are no audit. */
    memset(fx->det_state, 0, sizeof(fx->det_state));
    t += DAY_MS / 2;
    for (int i = 0; i < 3; i++) {
        judge(fx, "sensitive_sweep", t + i * 10000, "192.0.2.14", &BERLIN, "git/2.47.1", "GET",
              i == 0 ? "/api/v3/teams" : i == 1 ? "/api/v3/admin/users" : "/api/v3/search/code",
              i == 0 ? 200 : 403);
    }
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_true(fx->last.score > 35);
}

static void test_sensitive_sweep_large_vocabulary(void **state)
{
    struct fixture *fx = *state;
    /* A key that made forty distinct calls: three new listings are not half of its habit. */
    for (int d = 0; d < 10; d++) {
        for (int k = 0; k < 40; k++) {
            char path[64];
            snprintf(path, sizeof(path), "/api/v3/repos/acme/r%c/%s", 'a' + k % 20,
                     k < 20 ? "issues" : "pulls");
            learn(fx, T0 + d * DAY_MS + k * 60000LL, "192.0.2.14", &BERLIN, "git/2.47.1",
                  k % 3 ? "GET" : "POST", path, 200);
        }
    }
    memset(fx->det_state, 0, sizeof(fx->det_state));
    int64_t t = T0 + 12 * DAY_MS;
    assert_int_equal(sweep(fx, t, "GET", "/api/v3/user/orgs", 200), 0);
    assert_int_equal(sweep(fx, t + 1000, "GET", "/api/v3/user/repos", 200), 0);
    assert_int_equal(sweep(fx, t + 2000, "GET", "/api/v3/orgs/acme/members", 200), 1);
    assert_int_equal(fx->last.score, 50);
}

static void test_unusual_hour(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    /* 03:14 UTC: never used at night. */
    assert_int_equal(judge(fx, "unusual_hour", NOW + 3 * 3600000LL + 14 * 60000LL, "192.0.2.14",
                           &BERLIN, "git/2.47.1", "GET", "/", 200),
                     1);
    assert_string_equal(fx->last.value, "2026-10-12"); /* one finding per day */
    assert_non_null(strstr(fx->last.reason, "03:14 UTC"));
    /* 18:30, just after the usual day: a neighbouring hour, not unusual. */
    assert_int_equal(judge(fx, "unusual_hour", NOW + 18 * 3600000LL + 30 * 60000LL, "192.0.2.14",
                           &BERLIN, "git/2.47.1", "GET", "/", 200),
                     0);
    /* A service used around the clock has no unusual hours. */
    struct fixture svc = { 0 };
    kt_baseline_init(&svc.base);
    svc.cred = fx->cred;
    for (int d = 0; d < 10; d++) {
        for (int h = 0; h < 24; h++) {
            learn(&svc, T0 + d * DAY_MS + h * 3600000LL, "192.0.2.100", &BERLIN, "svc/1", "GET",
                  "/v1/x", 200);
        }
    }
    assert_int_equal(judge(&svc, "unusual_hour", T0 + 11 * DAY_MS + 3 * 3600000LL, "192.0.2.100",
                           &BERLIN, "svc/1", "GET", "/v1/x", 200),
                     0);
}

/* ---- rates and errors ---- */

static void test_rate_spike_and_growth(void **state)
{
    struct fixture *fx = *state;
    /* A service at ~5 requests a minute for a week, growing 2 % a day: never a spike. */
    int fired = 0;
    for (int d = 0; d < 7; d++) {
        int per_min = 5 + d / 10;
        for (int m = 0; m < 600; m += 2) {
            for (int k = 0; k < per_min; k++) {
                int64_t t = T0 + d * DAY_MS + m * 60000LL + k * 1000;
                if (d > 3) {
                    fired += judge(fx, "rate_spike", t, "192.0.2.100", &BERLIN, "svc/1", "GET",
                                   "/v1/x", 200);
                }
                learn(fx, t, "192.0.2.100", &BERLIN, "svc/1", "GET", "/v1/x", 200);
            }
        }
    }
    assert_int_equal(fired, 0);
    /* Then 300 requests in one minute. */
    int64_t t = T0 + 8 * DAY_MS;
    for (int k = 0; k < 300; k++) {
        fired += judge(fx, "rate_spike", t + k * 150, "203.0.113.5", &BUCHAREST, "bot/1", "GET",
                       "/v1/x", 200);
        learn(fx, t + k * 150, "203.0.113.5", &BUCHAREST, "bot/1", "GET", "/v1/x", 200);
    }
    assert_true(fired >= 1 && fired <= 2); /* once per scale at most */
    assert_non_null(strstr(fx->last.reason, "requests in one"));
}

static void test_error_burst(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 21);
    int fired = 0;
    for (int k = 0; k < 20; k++) {
        int64_t t = NOW + 2 * 3600000LL + k * 2000;
        fired += judge(fx, "error_burst", t, "203.0.113.213", &BUCHAREST, "curl/8", "GET",
                       "/api/v3/orgs/acme/hooks", 403);
        learn(fx, t, "203.0.113.213", &BUCHAREST, "curl/8", "GET", "/api/v3/orgs/acme/hooks",
              403);
    }
    assert_int_equal(fired, 1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    /* Successes never count. */
    assert_int_equal(judge(fx, "error_burst", NOW + 3 * 3600000LL, "192.0.2.14", &BERLIN,
                           "git/2.47.1", "GET", "/", 200),
                     0);
}

/* ---- dormancy, JWTs, lists, leaks ---- */

static void test_dormant_revived(void **state)
{
    struct fixture *fx = *state;
    owner_history(fx, 5);
    int64_t later = fx->base.last_ms + 45 * DAY_MS;
    assert_int_equal(judge(fx, "dormant_revived", later, "203.0.113.213", &BUCHAREST, "curl/8",
                           "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(judge(fx, "dormant_revived", later, "192.0.2.14", &BERLIN, "git/2.47.1",
                           "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_LOW);
    assert_int_equal(judge(fx, "dormant_revived", fx->base.last_ms + 2 * DAY_MS, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     0);
}

static void test_dormant_regular_key(void **state)
{
    struct fixture *fx = *state;
    /* A service used every hour for ten days, then a week of silence: dormant by its own
     * rhythm. */
    struct kt_geo cloud = BERLIN;
    cloud.asn = 16509;
    cloud.hosting = true;
    hosted_history(fx, 10, &cloud, 1);
    int64_t week = fx->base.last_ms + 8 * DAY_MS;
    assert_int_equal(judge(fx, "dormant_revived", week, "203.0.113.213", &BUCHAREST, "curl/8",
                           "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(judge(fx, "dormant_revived", fx->base.last_ms + 5 * DAY_MS, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     0);
    /* Uses the baseline left out (quarantined) are no silence: the key's short-term memory
     * saw one yesterday. */
    struct kt_recent recent;
    kt_recent_init(&recent);
    recent.win_start_ms = week - DAY_MS;
    fx->recent = &recent;
    assert_int_equal(judge(fx, "dormant_revived", week, "203.0.113.213", &BUCHAREST, "curl/8",
                           "GET", "/", 200),
                     0);
    fx->recent = NULL;
    /* A person's key (access networks), used on every day for ten days: people take a week
     * off. */
    kt_baseline_init(&fx->base);
    owner_history(fx, 10);
    assert_int_equal(judge(fx, "dormant_revived", fx->base.last_ms + 8 * DAY_MS, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     0);
    assert_int_equal(judge(fx, "dormant_revived", fx->base.last_ms + 31 * DAY_MS,
                           "203.0.113.213", &BUCHAREST, "curl/8", "GET", "/", 200),
                     1);
    /* A key used on 3 of 21 days: a week without it is its habit. */
    kt_baseline_init(&fx->base);
    for (int d = 0; d < 21; d += 10) {
        learn(fx, T0 + d * DAY_MS, "192.0.2.14", &BERLIN, "git/2.47.1", "GET", "/", 200);
        for (int k = 0; k < 10; k++) {
            learn(fx, T0 + d * DAY_MS + k * 60000LL, "192.0.2.14", &BERLIN, "git/2.47.1", "GET",
                  "/", 200);
        }
    }
    assert_int_equal(judge(fx, "dormant_revived", fx->base.last_ms + 8 * DAY_MS, "203.0.113.213",
                           &BUCHAREST, "curl/8", "GET", "/", 200),
                     0);
}

static void test_jwt_validity(void **state)
{
    struct fixture *fx = *state;
    fx->cred.family = KT_FAM_JWT;
    fx->cred.jwt.exp = NOW / 1000 - 7200; /* expired two hours ago */
    fx->cred.jwt.nbf = KT_TIME_NONE;
    fx->cred.jwt.iat = NOW / 1000 - 10800;
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 401),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH); /* and the server took it */
    fx->cred.jwt.exp = NOW / 1000 + 3600;
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 200),
                     0);
    fx->cred.flags = KT_CRED_ALG_NONE;
    snprintf(fx->cred.jwt.alg, sizeof(fx->cred.jwt.alg), "none");
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 401),
                     1);
    assert_string_equal(fx->last.value, "alg_none");
    /* Not a JWT: nothing. */
    fx->cred.family = KT_FAM_GITHUB;
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 200),
                     0);
}

static void test_jwt_bad_signature(void **state)
{
    struct fixture *fx = *state;
    fx->cred.family = KT_FAM_JWT;
    fx->cred.jwt.exp = NOW / 1000 + 3600;
    fx->cred.jwt.nbf = fx->cred.jwt.iat = KT_TIME_NONE;
    snprintf(fx->cred.jwt.alg, sizeof(fx->cred.jwt.alg), "HS256");
    snprintf(fx->cred.jwt.iss, sizeof(fx->cred.jwt.iss), "zoom-api-key-1");
    /* A verified signature is no finding. */
    fx->cred.flags = KT_CRED_SIG_OK;
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 200),
                     0);
    /* A bad one is a forgery: critical, whatever the server said. */
    fx->cred.flags = KT_CRED_SIG_BAD;
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 401),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_CRITICAL);
    assert_int_equal(fx->last.score, 90);
    assert_true(strncmp(fx->last.value, "bad_signature:", 14) == 0);
    assert_non_null(strstr(fx->last.reason, "HS256 signature does not verify"));
    assert_non_null(strstr(fx->last.reason, "zoom-api-key-1"));
    /* alg none of a listed issuer: the forgery wins over the plain alg_none finding. */
    fx->cred.flags = KT_CRED_SIG_BAD | KT_CRED_ALG_NONE;
    snprintf(fx->cred.jwt.alg, sizeof(fx->cred.jwt.alg), "none");
    assert_int_equal(judge(fx, "jwt_validity", NOW, "192.0.2.14", &BERLIN, "svc", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_CRITICAL);
    assert_non_null(strstr(fx->last.reason, "unsigned (alg none)"));
}

/* jwt_replay: the same token from a distant network or another client within its lifetime. */
static void test_jwt_replay(void **state)
{
    struct fixture *fx = *state;
    fx->cred.family = KT_FAM_JWT;
    fx->cred.jwt.exp = KT_TIME_NONE; /* lifetime: one hour from its first use */
    memset(fx->cred.token.b, 0x17, KT_KEYID_BYTES);
    const int64_t min = 60000;
    /* No baseline at all: the detector needs none. */
    assert_int_equal(judge(fx, "jwt_replay", NOW, "192.0.2.14", &BERLIN, "okhttp/4.12.0", "GET",
                           "/", 200),
                     0);
    /* Same token, same network, same client: nothing. */
    assert_int_equal(judge(fx, "jwt_replay", NOW + 5 * min, "192.0.2.15", &BERLIN, "okhttp/4.12.1",
                           "GET", "/", 200),
                     0);
    /* Another /24 of the same ASN and country is not distant. */
    assert_int_equal(judge(fx, "jwt_replay", NOW + 6 * min, "192.0.7.1", &BERLIN, "okhttp/4.12.1",
                           "GET", "/", 200),
                     0);
    /* Sydney, 10 minutes later: replayed. */
    assert_int_equal(judge(fx, "jwt_replay", NOW + 10 * min, "203.0.113.9", &SYDNEY,
                           "okhttp/4.12.0", "GET", "/", 200),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_true(strncmp(fx->last.value, "network:", 8) == 0);
    assert_non_null(strstr(fx->last.reason, "10 min earlier from 192.0.2.0/24 (AS64501, DE)"));
    assert_non_null(strstr(fx->last.reason, "203.0.113.0/24 (AS64520, AU)"));
    assert_non_null(strstr(fx->last.reason, "50 min before it expires"));
    /* Another client on the owner's network. */
    assert_int_equal(judge(fx, "jwt_replay", NOW + 11 * min, "192.0.2.14", &BERLIN,
                           "python-requests/2.32.3", "GET", "/", 200),
                     1);
    assert_true(strncmp(fx->last.value, "client:", 7) == 0);
    /* Past its lifetime the token is forgotten (jwt_validity judges expired tokens). */
    assert_int_equal(judge(fx, "jwt_replay", NOW + 61 * min, "203.0.113.9", &SYDNEY,
                           "okhttp/4.12.0", "GET", "/", 200),
                     0);
    /* Different tokens from different networks: each is its own first use. */
    for (int i = 0; i < 12; i++) {
        memset(fx->cred.token.b, 0x30 + i, KT_KEYID_BYTES);
        assert_int_equal(judge(fx, "jwt_replay", NOW + (70 + i) * min,
                               i % 2 ? "203.0.113.9" : "192.0.2.14", i % 2 ? &SYDNEY : &BERLIN,
                               "okhttp/4.12.0", "GET", "/", 200),
                         0);
    }
    /* exp bounds the lifetime when present. */
    memset(fx->cred.token.b, 0x55, KT_KEYID_BYTES);
    fx->cred.jwt.exp = (NOW + 200 * min) / 1000;
    assert_int_equal(judge(fx, "jwt_replay", NOW + 100 * min, "192.0.2.14", &BERLIN, "okhttp/4",
                           "GET", "/", 200),
                     0);
    assert_int_equal(judge(fx, "jwt_replay", NOW + 190 * min, "203.0.113.9", &SYDNEY, "okhttp/4",
                           "GET", "/", 200),
                     1);
    assert_int_equal(judge(fx, "jwt_replay", NOW + 90 * min + 200 * min, "198.51.100.7",
                           &SYDNEY, "okhttp/4", "GET", "/", 200),
                     0);
    /* Without a database: a different /16 is distant, the same /16 is not. */
    fx->no_geo = true;
    memset(fx->cred.token.b, 0x66, KT_KEYID_BYTES);
    struct kt_geo none = { .kind = KT_ADDR_PUBLIC };
    assert_int_equal(judge(fx, "jwt_replay", NOW, "192.0.2.14", &none, "", "GET", "/", 200), 0);
    assert_int_equal(judge(fx, "jwt_replay", NOW + min, "192.0.9.14", &none, "", "GET", "/", 200),
                     0);
    assert_int_equal(judge(fx, "jwt_replay", NOW + 2 * min, "198.51.100.7", &none, "", "GET", "/",
                           200),
                     1);
    /* IPv6: /48 and /32. */
    memset(fx->cred.token.b, 0x77, KT_KEYID_BYTES);
    assert_int_equal(judge(fx, "jwt_replay", NOW, "2001:db8:1::1", &none, "", "GET", "/", 200), 0);
    assert_int_equal(judge(fx, "jwt_replay", NOW + min, "2001:db8:2::1", &none, "", "GET", "/",
                           200),
                     0);
    assert_int_equal(judge(fx, "jwt_replay", NOW + 2 * min, "2001:db9::1", &none, "", "GET", "/",
                           200),
                     1);
    assert_non_null(strstr(fx->last.reason, "2001:db8:1::/48"));
    /* Not a JWT: nothing, and no state needed. */
    fx->cred.family = KT_FAM_GITHUB;
    assert_int_equal(judge(fx, "jwt_replay", NOW + 3 * min, "203.0.113.9", &none, "", "GET", "/",
                           200),
                     0);
}

static void test_leaked_and_listed(void **state)
{
    struct fixture *fx = *state;
    const struct kt_detector *leak = kt_detector_find("leaked_key");
    const struct kt_detector *list = kt_detector_find("ip_list");
    double lk[4] = { leak->knobs[0].def }, lsk[4] = { list->knobs[0].def };
    make_event(&fx->ev, NOW, "203.0.113.213", "curl/8", "GET", "/", 200);
    kt_obs_from_event(&fx->obs, &fx->ev, &BUCHAREST);
    struct kt_det_input in = { .ev = &fx->ev, .obs = &fx->obs, .cred = &fx->cred,
                               .base = &fx->base,
                               .leak_ms = NOW - 3600000LL, .knobs = lk };
    fx->found = 0;
    leak->check(&in, collect, fx);
    assert_int_equal(fx->found, 1);
    assert_int_equal(fx->last.severity, KT_SEV_CRITICAL);
    assert_non_null(strstr(fx->last.reason, "60 minutes after the declared leak"));
    in.leak_ms = NOW + 1; /* before the leak: not counted */
    fx->found = 0;
    leak->check(&in, collect, fx);
    assert_int_equal(fx->found, 0);
    in.leak_ms = KT_TIME_NONE;
    in.knobs = lsk;
    fx->obs.ip_list_label = "tor-exit";
    list->check(&in, collect, fx);
    assert_int_equal(fx->found, 1);
    assert_non_null(strstr(fx->last.reason, "tor-exit"));
}

/* ---- used_after_rotation: like the baseline (a consumer not updated) or not ---- */

/* Runs used_after_rotation with knobs on a use at t, the key rotated at rotated_ms. */
static int judge_rotated(struct fixture *fx, const double *knobs, int64_t rotated_ms, int64_t t,
                         const char *ip, const struct kt_geo *geo, const char *ua)
{
    const struct kt_detector *det = kt_detector_find("used_after_rotation");
    assert_non_null(det);
    make_event(&fx->ev, t, ip, ua, "GET", "/api/v3/repos/acme/api/issues", 200);
    fx->ev.n_creds = 1;
    fx->ev.creds[0] = fx->cred;
    kt_obs_from_event(&fx->obs, &fx->ev, geo);
    fx->obs.has_geo = fx->obs.has_asn = true;
    struct kt_det_input in = { .ev = &fx->ev, .obs = &fx->obs, .cred = &fx->cred,
                               .base = &fx->base, .leak_ms = KT_TIME_NONE,
                               .rotated_ms = rotated_ms, .knobs = knobs,
                               .usual_client = kt_baseline_knows_client(&fx->base, &fx->obs) };
    fx->found = 0;
    det->check(&in, collect, fx);
    return fx->found;
}

static void test_used_after_rotation(void **state)
{
    struct fixture *fx = *state;
    const struct kt_detector *det = kt_detector_find("used_after_rotation");
    assert_non_null(det);
    double knobs[KT_DET_MAX_KNOBS];
    for (size_t k = 0; k < det->n_knobs; k++) {
        knobs[k] = det->knobs[k].def;
    }
    /* No baseline at all: nothing to resemble. */
    int64_t rotated = NOW - 3600000LL;
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "192.0.2.14", &BERLIN, "git/2.47.1"),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_non_null(strstr(fx->last.reason, "no earlier use"));

    owner_history(fx, 21);
    /* The key's own client from its own office, after the rotation: a consumer not updated. */
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "192.0.2.14", &BERLIN, "git/2.47.1"),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_MEDIUM);
    assert_string_equal(fx->last.value, "consumer");
    assert_int_equal(fx->last.score, (int)det->knobs[0].def);
    assert_non_null(strstr(fx->last.reason, "60 minutes after its rotation"));
    assert_non_null(strstr(fx->last.reason, "consumer not yet updated"));
    /* Another version of its client, another address of its network: still the consumer. */
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "192.0.2.99", &BERLIN, "git/2.48.0"),
                     1);
    assert_string_equal(fx->last.value, "consumer");
    /* A new network and a new client: the other party. */
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "203.0.113.213", &BUCHAREST,
                                   "python-requests/2.32.3"),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_string_equal(fx->last.value, "other-party");
    assert_int_equal(fx->last.score, (int)det->knobs[1].def);
    assert_non_null(strstr(fx->last.reason, "a network it never used"));
    assert_non_null(strstr(fx->last.reason, "likely the other party"));
    assert_string_equal(fx->last.ip, "203.0.113.213");
    /* The usual network with a client the key never used is not the consumer either. */
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "192.0.2.14", &BERLIN,
                                   "python-requests/2.32.3"),
                     1);
    assert_string_equal(fx->last.value, "other-party");
    assert_non_null(strstr(fx->last.reason, "the key was used with"));
    /* The usual client from a new network is not either. */
    assert_int_equal(judge_rotated(fx, knobs, rotated, NOW, "203.0.113.213", &BUCHAREST,
                                   "git/2.47.1"),
                     1);
    assert_string_equal(fx->last.value, "other-party");
    /* The knobs set the scores. */
    double mine[KT_DET_MAX_KNOBS] = { 11, 77 };
    judge_rotated(fx, mine, rotated, NOW, "192.0.2.14", &BERLIN, "git/2.47.1");
    assert_int_equal(fx->last.score, 11);
    judge_rotated(fx, mine, rotated, NOW, "203.0.113.213", &BUCHAREST, "curl/8.5.0");
    assert_int_equal(fx->last.score, 77);
    /* Before the rotation, without one, or with a zeroed one: quiet. */
    assert_int_equal(judge_rotated(fx, knobs, NOW + 1, NOW, "203.0.113.213", &BUCHAREST, "curl/8"),
                     0);
    assert_int_equal(judge_rotated(fx, knobs, KT_TIME_NONE, NOW, "203.0.113.213", &BUCHAREST,
                                   "curl/8"),
                     0);
    assert_int_equal(judge_rotated(fx, knobs, 0, NOW, "203.0.113.213", &BUCHAREST, "curl/8"), 0);
    /* At the very rotation time it counts. */
    assert_int_equal(judge_rotated(fx, knobs, NOW, NOW, "203.0.113.213", &BUCHAREST, "curl/8"), 1);
}

/* ---- credential_exfil: a compute role's session key leaving its network ---- */

static const struct kt_geo AWS_VIRGINIA = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                            .city = "Ashburn", .has_location = true,
                                            .lat = 39.04, .lon = -77.49, .accuracy_km = 50,
                                            .asn = 14618, .as_org = "Amazon.com, Inc." };
static const struct kt_geo AWS_VIRGINIA_B = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                              .city = "Ashburn", .has_location = true,
                                              .lat = 39.05, .lon = -77.47, .accuracy_km = 50,
                                              .asn = 16509, .as_org = "Amazon.com, Inc." };
static const struct kt_geo AWS_OREGON = { .kind = KT_ADDR_PUBLIC, .country = "US",
                                          .city = "Boardman", .has_location = true,
                                          .lat = 45.84, .lon = -119.70, .accuracy_km = 50,
                                          .asn = 16509, .as_org = "Amazon.com, Inc." };
static const struct kt_geo VPC_PRIVATE = { .kind = KT_ADDR_PRIVATE };

#define LAMBDA_UA                                                                                  \
    "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10 lang/python#3.12.5 "                \
    "exec-env/AWS_Lambda_python3.12"
#define SDK_UA "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 api/s3#1.58.2"
#define INSTANCE_ARN "arn:aws:sts::111122223333:assumed-role/web-role/i-0abc12345def67890"
#define HOUR_MS 3600000LL

bool kt_exfil_is_instance_session(struct kt_str actor);

/* The fixture's key as an AWS session key with no history and no detector state yet. */
static void exfil_key(struct fixture *fx, struct kt_recent *recent)
{
    struct kt_cand cand = { .kind = KT_CAND_AWS_KEY_ID, .value = kt_str_cstr("ASIAQWERTYUIOPASDFGH") };
    assert_true(kt_cred_recognise(&cand, &fx->cred));
    assert_true(fx->cred.flags & KT_CRED_TEMPORARY);
    kt_baseline_init(&fx->base);
    kt_recent_init(recent);
    memset(fx->det_state, 0, sizeof(fx->det_state));
}

/* One call of the session key through credential_exfil as the engine runs it: judged against
 * the key's state, then learned. Returns the findings. */
static int exfil_use(struct fixture *fx, struct kt_recent *recent, int64_t t, const char *ip,
                     const struct kt_geo *geo, const char *ua, const char *actor)
{
    const struct kt_detector *det = kt_detector_find("credential_exfil");
    assert_non_null(det);
    double knobs[16];
    for (size_t k = 0; k < det->n_knobs; k++) {
        knobs[k] = det->knobs[k].def;
    }
    make_event(&fx->ev, t, ip, ua, "GetObject", "", 0);
    fx->ev.service = kt_str_cstr("s3.amazonaws.com");
    fx->ev.actor = kt_str_cstr(actor ? actor : "arn:aws:sts::111122223333:assumed-role/fn/x");
    fx->ev.n_creds = 1;
    fx->ev.creds[0] = fx->cred;
    struct kt_geo none = { .kind = KT_ADDR_SERVICE };
    kt_obs_from_event(&fx->obs, &fx->ev, geo ? geo : &none);
    fx->obs.has_geo = fx->obs.has_asn = !fx->no_geo;
    struct kt_det_input in = { .ev = &fx->ev, .obs = &fx->obs, .cred = &fx->cred,
                               .base = &fx->base, .recent = recent, .leak_ms = KT_TIME_NONE,
                               .usual_client = kt_baseline_knows_client(&fx->base, &fx->obs),
                               .knobs = knobs, .state = fx->det_state };
    assert_true(det->state_size <= sizeof(fx->det_state));
    fx->found = 0;
    det->check(&in, collect, fx);
    kt_recent_learn(recent, &fx->obs);
    kt_baseline_learn(&fx->base, &fx->obs);
    return fx->found;
}

static void test_exfil_lambda_key_outside_aws(void **state)
{
    struct fixture *fx = *state;
    struct kt_recent r;
    exfil_key(fx, &r);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(exfil_use(fx, &r, T0 + i * 60000, "3.91.20.7", &AWS_VIRGINIA, LAMBDA_UA,
                                   NULL),
                         0);
    }
    /* AWS on the role's behalf, and the function from another address of its region. */
    assert_int_equal(exfil_use(fx, &r, T0 + 5 * 60000, "AWS Internal", NULL, "AWS Internal", NULL),
                     0);
    assert_int_equal(exfil_use(fx, &r, T0 + 6 * 60000, "lambda.amazonaws.com", NULL,
                               "lambda.amazonaws.com", NULL),
                     0);
    assert_int_equal(exfil_use(fx, &r, T0 + 7 * 60000, "3.91.77.4", &AWS_VIRGINIA_B, LAMBDA_UA,
                               NULL),
                     0);
    /* The thief replays the function's own agent from a rented server: still exfiltration. */
    assert_int_equal(exfil_use(fx, &r, T0 + 2 * HOUR_MS, "203.0.113.213", &BUCHAREST, LAMBDA_UA,
                               NULL),
                     1);
    assert_int_equal(fx->last.severity, KT_SEV_CRITICAL);
    assert_string_equal(fx->last.value, "outside AWS");
    assert_non_null(strstr(fx->last.reason, "AS64511"));
}

static void test_exfil_lambda_key_in_another_region(void **state)
{
    struct fixture *fx = *state;
    struct kt_recent r;
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, LAMBDA_UA, NULL), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "54.70.1.2", &AWS_OREGON, LAMBDA_UA, NULL),
                     1);
    assert_string_equal(fx->last.value, "another AWS region");
    /* Without an ASN database the network is unknown: the same agent tells nothing. */
    exfil_key(fx, &r);
    fx->no_geo = true;
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, LAMBDA_UA, NULL), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "203.0.113.213", &BUCHAREST, LAMBDA_UA, NULL),
                     0);
    /* ...but another client does (the agent rule). */
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "203.0.113.213", &BUCHAREST, SDK_UA, NULL), 1);
    assert_string_equal(fx->last.value, "outside its service");
}

static void test_exfil_ec2_instance_profile(void **state)
{
    struct fixture *fx = *state;
    struct kt_recent r;
    exfil_key(fx, &r);
    /* A plain SDK agent says nothing; the session named by the instance id does. */
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, SDK_UA, INSTANCE_ARN), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + 60000, "10.0.3.7", &VPC_PRIVATE, SDK_UA, INSTANCE_ARN),
                     0);
    assert_int_equal(exfil_use(fx, &r, T0 + 3 * HOUR_MS, "203.0.113.213", &BUCHAREST, SDK_UA,
                               INSTANCE_ARN),
                     1);
    assert_string_equal(fx->last.value, "outside AWS");
    /* An instance's credentials are only handed to the instance: a first use outside AWS is
     * already a thief's. */
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "203.0.113.213", &BUCHAREST, SDK_UA, INSTANCE_ARN), 1);
}

static void test_exfil_instance_key_on_another_machine(void **state)
{
    struct fixture *fx = *state;
    struct kt_recent r;
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, SDK_UA, INSTANCE_ARN), 0);
    /* An administrator's aws-cli on the instance itself, and the instance's SDK from a second
     * address of its NAT gateway: the instance. */
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "3.91.20.7", &AWS_VIRGINIA,
                               "aws-cli/2.15.30 Python/3.11.8 Linux/6.1", INSTANCE_ARN),
                     0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS + 60000, "3.91.20.99", &AWS_VIRGINIA, SDK_UA,
                               INSTANCE_ARN),
                     0);
    /* Another AWS address of the region with a client the instance never used: the
     * credentials on another machine (GuardDuty's InsideAWS). High, not critical. */
    assert_int_equal(exfil_use(fx, &r, T0 + 2 * HOUR_MS, "3.92.11.40", &AWS_VIRGINIA_B,
                               "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#6.5",
                               INSTANCE_ARN),
                     1);
    assert_string_equal(fx->last.value, "another instance");
    assert_int_equal(fx->last.severity, KT_SEV_HIGH);
    assert_int_equal(fx->last.score, 70);
    /* A Lambda's key is judged by its agent, not by this rule: its addresses change. */
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, LAMBDA_UA, NULL), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + 60000, "3.91.20.8", &AWS_VIRGINIA, LAMBDA_UA, NULL), 0);
}

static void test_exfil_benign_sessions(void **state)
{
    struct fixture *fx = *state;
    struct kt_recent r;
    /* A person's SSO session: from the office, then a cloud shell, then a rented box. */
    const char *sso = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/alice";
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "192.0.2.14", &BERLIN, SDK_UA, sso), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "3.91.20.7", &AWS_VIRGINIA, SDK_UA, sso), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + 2 * HOUR_MS, "203.0.113.213", &BUCHAREST, SDK_UA, sso),
                     0);
    /* The service's agent first seen outside AWS (a local emulator) is no workload. */
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "192.0.2.14", &BERLIN, LAMBDA_UA, NULL), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "203.0.113.213", &BUCHAREST, LAMBDA_UA, NULL),
                     0);
    /* A key id seen again after any session could have ended is not judged. */
    exfil_key(fx, &r);
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, LAMBDA_UA, NULL), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + 13 * HOUR_MS, "203.0.113.213", &BUCHAREST, LAMBDA_UA,
                               NULL),
                     0);
    /* A long-term key is not a session key. */
    struct kt_cand cand = { .kind = KT_CAND_AWS_KEY_ID, .value = kt_str_cstr("AKIAQWERTYUIOPASDFGH") };
    assert_true(kt_cred_recognise(&cand, &fx->cred));
    kt_baseline_init(&fx->base);
    kt_recent_init(&r);
    memset(fx->det_state, 0, sizeof(fx->det_state));
    assert_int_equal(exfil_use(fx, &r, T0, "3.91.20.7", &AWS_VIRGINIA, SDK_UA, INSTANCE_ARN), 0);
    assert_int_equal(exfil_use(fx, &r, T0 + HOUR_MS, "203.0.113.213", &BUCHAREST, SDK_UA,
                               INSTANCE_ARN),
                     0);
}

static void test_exfil_instance_session_names(void **state)
{
    (void)state;
    assert_true(kt_exfil_is_instance_session(kt_str_cstr(INSTANCE_ARN)));
    assert_true(kt_exfil_is_instance_session(
        kt_str_cstr("arn:aws:sts::111122223333:assumed-role/web-role/i-0abc1234")));
    assert_true(kt_exfil_is_instance_session(kt_str_cstr("AROAEXAMPLEID:i-0abc12345def67890")));
    assert_false(kt_exfil_is_instance_session(kt_str_cstr("i-0abc12345def67890")));
    assert_false(kt_exfil_is_instance_session(
        kt_str_cstr("arn:aws:sts::111122223333:assumed-role/web-role/i-0abc12345def6789")));
    assert_false(kt_exfil_is_instance_session(
        kt_str_cstr("arn:aws:sts::111122223333:assumed-role/web-role/i-0ABC12345DEF67890")));
    assert_false(kt_exfil_is_instance_session(
        kt_str_cstr("arn:aws:sts::111122223333:assumed-role/web-role/i-nstance1")));
    assert_false(kt_exfil_is_instance_session(kt_str_cstr("")));
}

static void test_registry_and_knobs(void **state)
{
    (void)state;
    size_t n;
    const struct kt_detector *const *dets = kt_detectors(&n);
    assert_true(n >= 12);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(dets[i]->check);
        assert_true(strlen(dets[i]->summary) > 10);
        assert_ptr_equal(kt_detector_find(dets[i]->name), dets[i]);
        for (size_t k = 0; k < dets[i]->n_knobs; k++) {
            assert_non_null(dets[i]->knobs[k].name);
            assert_non_null(dets[i]->knobs[k].help);
        }
    }
    assert_null(kt_detector_find("no_such_detector"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_country_waits_for_maturity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_asn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_country_from_area_to_area, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_asn_network_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_asn_fleet_of_one_provider, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_travel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_travel_precision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_travel_known_networks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parallel_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parallel_use_benign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_user_agent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_sweep_own_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_sweep_large_vocabulary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sensitive_sweep_probes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unusual_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_spike_and_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_burst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dormant_revived, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dormant_regular_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jwt_validity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jwt_bad_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jwt_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaked_and_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_used_after_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exfil_lambda_key_outside_aws, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exfil_lambda_key_in_another_region, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exfil_ec2_instance_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exfil_instance_key_on_another_machine, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exfil_benign_sessions, setup, teardown),
        cmocka_unit_test(test_exfil_instance_session_names),
        cmocka_unit_test(test_registry_and_knobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
