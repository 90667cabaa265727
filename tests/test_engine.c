/*
 * The detection engine: check before learn, maturity, deduplication with counts, quarantine
 * of a thief's events, allowlists, risk windows and verdicts, determinism, and eviction at the
 * key cap (least recently used first, keys with findings last, rotate keys after those).
 * Events are built in memory; locations come from a small database written with the project's
 * MMDB writer.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"
#include "ipaddr.h"
#include "mmdb_writer.h"

#define DAY 86400000LL
#define HOUR 3600000LL
#define T0 1789948800000LL /* 2026-09-21T00:00Z, a Monday */

struct fixture {
    char city_path[64], asn_path[64];
    struct kt_geodb *geo;
    struct kt_config cfg;
    struct kt_engine *engine;
    struct kt_finding alerts[256];
    int n_alerts;
    struct kt_netset *ip_list;
    struct kt_leaked *leaked;
};

static void add_net(struct kt_mmdb_entry *e, const char *ip, unsigned v4_prefix,
                    const char *country, const char *city, double lat, double lon, uint32_t asn,
                    const char *org)
{
    memset(e, 0, sizeof(*e));
    assert_true(kt_ip_parse(kt_str_cstr(ip), &e->network));
    e->prefix = 96 + v4_prefix;
    snprintf(e->country, sizeof(e->country), "%s", country);
    snprintf(e->city, sizeof(e->city), "%s", city);
    e->has_location = true;
    e->lat = lat;
    e->lon = lon;
    e->accuracy_km = 20;
    e->asn = asn;
    snprintf(e->as_org, sizeof(e->as_org), "%s", org);
}

static void on_alert(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks)
{
    (void)ks;
    struct fixture *fx = ctx;
    if (fx->n_alerts < 256) {
        fx->alerts[fx->n_alerts++] = *f;
    }
}

static void new_engine_capped(struct fixture *fx, size_t max_keys)
{
    kt_engine_free(fx->engine);
    fx->engine = NULL;
    fx->n_alerts = 0;
    struct kt_engine_opts eo = { .cfg = &fx->cfg, .geo = fx->geo, .on_alert = on_alert,
                                 .alert_ctx = fx, .ip_list = fx->ip_list, .leaked = fx->leaked,
                                 .max_keys = max_keys };
    struct kt_err err;
    assert_int_equal(kt_engine_new(&fx->engine, &eo, &err), KT_OK);
}

static void new_engine(struct fixture *fx)
{
    new_engine_capped(fx, 0);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    snprintf(fx->city_path, sizeof(fx->city_path), "/tmp/keytrail-engine-city-%d.mmdb",
             (int)getpid());
    snprintf(fx->asn_path, sizeof(fx->asn_path), "/tmp/keytrail-engine-asn-%d.mmdb",
             (int)getpid());
    struct kt_mmdb_entry nets[5];
    add_net(&nets[0], "192.0.2.0", 26, "DE", "Berlin", 52.52, 13.405, 64501, "Example Office ISP");
    add_net(&nets[1], "192.0.2.64", 26, "DE", "Berlin", 52.52, 13.405, 64502, "Example Home ISP");
    add_net(&nets[2], "203.0.113.0", 24, "RO", "Bucharest", 44.43, 26.10, 64511,
            "Example VPS Hosting SRL");
    add_net(&nets[3], "198.51.100.0", 25, "DE", "Frankfurt", 50.11, 8.68, 16509, "Amazon.com");
    add_net(&nets[4], "198.51.100.128", 25, "IE", "Dublin", 53.35, -6.26, 15169, "Google LLC");
    struct kt_err err;
    assert_int_equal(kt_mmdb_write(fx->city_path, KT_MMDB_MAXMIND_CITY, "test-City", nets, 5, &err),
                     KT_OK);
    assert_int_equal(kt_mmdb_write(fx->asn_path, KT_MMDB_ASN, "test-ASN", nets, 5, &err), KT_OK);
    assert_int_equal(kt_geodb_open(&fx->geo, fx->city_path, fx->asn_path, &err), KT_OK);
    assert_int_equal(kt_config_init(&fx->cfg), KT_OK);
    new_engine(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kt_engine_free(fx->engine);
    kt_netset_free(fx->ip_list);
    kt_leaked_free(fx->leaked);
    kt_geodb_free(fx->geo);
    kt_config_fini(&fx->cfg);
    unlink(fx->city_path);
    unlink(fx->asn_path);
    free(fx);
    return 0;
}

static struct kt_cred the_key(void)
{
    struct kt_cred c;
    memset(&c, 0, sizeof(c));
    c.family = KT_FAM_GITHUB;
    memset(c.key.b, 0x5a, KT_KEYID_BYTES);
    c.token = c.key;
    snprintf(c.hint, sizeof(c.hint), "ghp_…test");
    return c;
}

static void feed(struct fixture *fx, int64_t t, const char *ip, const char *ua, const char *method,
                 const char *path, int status)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = t;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr(ua);
    ev.method = kt_str_cstr(method);
    ev.resource = kt_str_cstr(path);
    ev.status = status;
    ev.creds[0] = the_key();
    ev.n_creds = 1;
    assert_int_equal(kt_engine_event(fx->engine, &ev), KT_OK);
}

/* Three weeks of a developer in the Berlin office, weekdays 08-17 UTC. */
static void owner(struct fixture *fx, int days)
{
    for (int d = 0; d < days; d++) {
        if (d % 7 >= 5) {
            continue;
        }
        for (int h = 8; h < 17; h++) {
            feed(fx, T0 + d * DAY + h * HOUR, "192.0.2.14", "git/2.47.1", "GET",
                 "/api/v3/repos/acme/api/issues", 200);
            feed(fx, T0 + d * DAY + h * HOUR + 1800000, "192.0.2.15", "GitHub CLI 2.62.0", "GET",
                 "/api/v3/repos/acme/web/pulls", 200);
        }
    }
}

static int count_alerts(const struct fixture *fx, const char *detector)
{
    int n = 0;
    for (int i = 0; i < fx->n_alerts; i++) {
        n += strcmp(fx->alerts[i].detector, detector) == 0;
    }
    return n;
}

static const struct kt_keystate *state_of(struct fixture *fx)
{
    struct kt_cred c = the_key();
    return kt_engine_keystate(fx->engine, &c.key);
}

static void test_owner_alone_is_ok(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 21);
    enum kt_verdict v;
    assert_int_equal(kt_engine_risk(fx->engine, state_of(fx), &v), 0);
    assert_int_equal(v, KT_VERDICT_OK);
    assert_int_equal(fx->n_alerts, 0);
    assert_true(state_of(fx)->base.events == 15 * 9 * 2);
}

static void test_check_before_learn_and_dedup(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 21);
    /* The thief's first request is judged against a baseline without Romania: that only
     * happens when checks run before learning. */
    int64_t t = T0 + 23 * DAY + 2 * HOUR;
    feed(fx, t, "203.0.113.213", "python-requests/2.32.3", "GET", "/api/v3/user", 200);
    assert_int_equal(count_alerts(fx, "new_country"), 1);
    assert_int_equal(count_alerts(fx, "new_asn"), 1);
    assert_int_equal(count_alerts(fx, "new_user_agent"), 1);
    int before = fx->n_alerts;
    /* Ten more requests: no new alerts, the findings count them. */
    for (int i = 1; i <= 10; i++) {
        feed(fx, t + i * 60000, "203.0.113.213", "python-requests/2.32.3", "GET", "/api/v3/user",
             200);
    }
    assert_int_equal(fx->n_alerts, before);
    const struct kt_keystate *ks = state_of(fx);
    struct kt_report report;
    struct kt_report_key buf;
    assert_int_equal(kt_engine_report(fx->engine, true, &report), KT_OK);
    assert_int_equal(report.n_keys, 1);
    const struct kt_report_key *rk = kt_report_key_get(&report, 0, &buf);
    assert_non_null(rk);
    assert_int_equal(rk->verdict, KT_VERDICT_ROTATE);
    bool counted = false;
    for (size_t i = 0; i < rk->n_findings; i++) {
        if (strcmp(rk->findings[i]->detector, "new_country") == 0) {
            assert_int_equal(rk->findings[i]->count, 11);
            counted = true;
        }
    }
    assert_true(counted);
    /* The thief taught the baseline nothing: Romania and the VPS stay unknown. */
    assert_false(kt_baseline_has_country(&ks->base, "RO"));
    assert_false(kt_baseline_has_asn(&ks->base, 64511));
    assert_int_equal(ks->quarantined, 11);
    assert_int_equal(rk->events, ks->base.events + 11);
    /* The alert that tipped the key over was raised to high. */
    bool high = false;
    for (int i = 0; i < fx->n_alerts; i++) {
        high |= fx->alerts[i].severity >= KT_SEV_HIGH;
    }
    assert_true(high);
}

static void test_waits_for_maturity(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 3); /* three days: under the 7-day default */
    feed(fx, T0 + 4 * DAY, "203.0.113.213", "python-requests/2.32.3", "GET", "/api/v3/user", 200);
    assert_int_equal(count_alerts(fx, "new_country"), 0);
    assert_int_equal(count_alerts(fx, "new_user_agent"), 0);
    /* And the event is learned like any other. */
    assert_true(kt_baseline_has_country(&state_of(fx)->base, "RO"));
}

static void test_allowlists(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(kt_netset_add(fx->cfg.allow_networks, kt_str_cstr("203.0.113.0/24"),
                                   KT_STR_LIT("test")),
                     KT_OK);
    new_engine(fx);
    owner(fx, 21);
    feed(fx, T0 + 23 * DAY + 2 * HOUR, "203.0.113.213", "curl/8", "GET", "/api/v3/user", 200);
    assert_int_equal(fx->n_alerts, 0);
    enum kt_verdict v;
    kt_engine_risk(fx->engine, state_of(fx), &v);
    assert_int_equal(v, KT_VERDICT_OK);
}

static void test_drift_spread_over_weeks_does_not_add_up(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 21);
    /* A new client on one day, use at night from the office on another, weeks apart: each is
     * a single aspect in its own window. */
    feed(fx, T0 + 22 * DAY + 10 * HOUR, "192.0.2.14", "curl/8.5.0", "GET",
         "/api/v3/repos/acme/api/issues", 200);
    feed(fx, T0 + 36 * DAY + 3 * HOUR, "192.0.2.14", "git/2.47.1", "GET",
         "/api/v3/repos/acme/api/issues", 200);
    enum kt_verdict v;
    int risk = kt_engine_risk(fx->engine, state_of(fx), &v);
    assert_true(fx->n_alerts >= 2);
    assert_true(risk < 70);
    assert_int_not_equal(v, KT_VERDICT_ROTATE);
}

/* A burst of the key's own calls, then (or not) one listing it never made, with its usual
 * client from another address of its office network. Returns the key's risk. */
static int burst_and_listing(struct fixture *fx, bool burst, bool listing)
{
    new_engine(fx);
    owner(fx, 21);
    int64_t t = T0 + 22 * DAY + 10 * HOUR;
    for (int i = 0; burst && i < 120; i++) {
        feed(fx, t + i * 400, "192.0.2.20", "git/2.47.1", "GET", "/api/v3/repos/acme/api/issues",
             200);
    }
    if (listing) {
        feed(fx, t + 60000, "192.0.2.20", "git/2.47.1", "GET", "/api/v3/orgs/acme/members", 200);
    }
    enum kt_verdict v;
    return kt_engine_risk(fx->engine, state_of(fx), &v);
}

static void test_volume_and_operations_add_up(void **state)
{
    struct fixture *fx = *state;
    /* How much the key does and what it does are separate aspects: a flood and a first
     * listing in the same hour are two pieces of evidence, not the stronger of the two. */
    int flood = burst_and_listing(fx, true, false);
    int listing = burst_and_listing(fx, false, true);
    int both = burst_and_listing(fx, true, true);
    assert_true(flood > 0 && listing > 0);
    int stronger = flood > listing ? flood : listing;
    int weaker = flood > listing ? listing : flood;
    /* Combined as independent evidence: at least the stronger plus a share of the weaker. */
    assert_true(both >= stronger + weaker * (100 - stronger) / 100 - 1);
}

static void test_refused_requests_weigh_less(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 21);
    feed(fx, T0 + 23 * DAY + 10 * HOUR, "192.0.2.14", "python-requests/2.32.3", "GET",
         "/api/v3/repos/acme/api/issues", 401);
    enum kt_verdict v;
    int refused = kt_engine_risk(fx->engine, state_of(fx), &v);
    new_engine(fx);
    owner(fx, 21);
    feed(fx, T0 + 23 * DAY + 10 * HOUR, "192.0.2.14", "python-requests/2.32.3", "GET",
         "/api/v3/repos/acme/api/issues", 200);
    int accepted = kt_engine_risk(fx->engine, state_of(fx), &v);
    assert_true(refused > 0);
    assert_true(refused < accepted);
}

/*
 * A service moving to another region and provider: hourly, around the clock, with its own
 * client and two endpoints, from a Frankfurt cloud address; from day `move` it also runs in
 * Dublin (on another provider), both for `overlap` days, then Frankfurt falls silent — unless
 * old_keeps_going. The Dublin side may bring a client or an endpoint the key never used.
 */
struct move_case {
    int overlap;          /* days both places are used */
    bool old_keeps_going; /* Frankfurt goes on to the end */
    const char *new_ua;   /* the client used from Dublin */
    const char *new_path; /* the second endpoint called from Dublin */
    int new_every;        /* Dublin is used every this many hours (0: every hour) */
};

#define MOVE_DAY 21
#define MOVE_END 35

static void service_move(struct fixture *fx, const struct move_case *mc)
{
    const char *ua = "acme-sync/3.2.0";
    for (int d = 0; d < MOVE_END; d++) {
        for (int h = 0; h < 24; h++) {
            int64_t t = T0 + d * DAY + h * HOUR;
            bool old = d < MOVE_DAY + mc->overlap || mc->old_keeps_going;
            bool moved = d >= MOVE_DAY && h % (mc->new_every > 0 ? mc->new_every : 1) == 0;
            if (old) {
                feed(fx, t, "198.51.100.20", ua, "GET", "/api/v3/repos/acme/api/issues", 200);
                feed(fx, t + 60000, "198.51.100.20", ua, "POST", "/api/v3/repos/acme/api/statuses",
                     201);
            }
            if (moved) {
                feed(fx, t + 120000, "198.51.100.140", mc->new_ua, "GET",
                     "/api/v3/repos/acme/api/issues", 200);
                feed(fx, t + 180000, "198.51.100.140", mc->new_ua, "POST", mc->new_path, 201);
            }
        }
    }
}

static const struct kt_report_key *only_key(struct fixture *fx, struct kt_report_key *buf)
{
    struct kt_report report;
    assert_int_equal(kt_engine_report(fx->engine, true, &report), KT_OK);
    assert_int_equal(report.n_keys, 1);
    return kt_report_key_get(&report, 0, buf);
}

/* Three weeks in the Berlin office, then three evenings in Dublin with the same client and
 * calls, then (back_home) the office again; interleaved: the office goes on meanwhile. */
static void trip(struct fixture *fx, bool interleaved, bool back_home)
{
    new_engine(fx);
    owner(fx, 21);
    for (int d = 21; d < 24; d++) {
        for (int h = 19; h < 23; h++) {
            feed(fx, T0 + d * DAY + h * HOUR, "198.51.100.140", "git/2.47.1", "GET",
                 "/api/v3/repos/acme/api/issues", 200);
        }
        if (interleaved) {
            feed(fx, T0 + d * DAY + 10 * HOUR, "192.0.2.14", "git/2.47.1", "GET",
                 "/api/v3/repos/acme/api/issues", 200);
        }
    }
    for (int d = 24; back_home && d < 26; d++) {
        for (int h = 8; h < 17; h++) {
            feed(fx, T0 + d * DAY + h * HOUR, "192.0.2.14", "git/2.47.1", "GET",
                 "/api/v3/repos/acme/api/issues", 200);
        }
    }
}

static void test_round_trip_is_investigate(void **state)
{
    struct fixture *fx = *state;
    /* In the stream: a first hosting network abroad at night, rotate. */
    trip(fx, false, false);
    assert_true(state_of(fx)->at_rotate);
    struct kt_report_key buf;
    assert_int_equal(only_key(fx, &buf)->verdict, KT_VERDICT_ROTATE);
    /* Back in the office after it, and the office silent meanwhile: one party travelling. */
    trip(fx, false, true);
    const struct kt_report_key *rk = only_key(fx, &buf);
    assert_int_equal(rk->verdict, KT_VERDICT_INVESTIGATE);
    assert_string_equal(rk->note, "looks like a trip to IE: same client and operations, 12 uses "
                                  "on 3 days while DE was silent, DE in use again after it "
                                  "(last 2026-10-16)");
    /* The office used between two evenings in Dublin: two parties at once. */
    trip(fx, true, true);
    rk = only_key(fx, &buf);
    assert_int_equal(rk->verdict, KT_VERDICT_ROTATE);
    assert_string_equal(rk->note, "");
}

static void test_region_move_is_investigate(void **state)
{
    struct fixture *fx = *state;
    struct move_case mc = { 3, false, "acme-sync/3.2.1", "/api/v3/repos/acme/api/statuses", 0 };
    service_move(fx, &mc);
    /* In the stream the new place was news, at the rotate level. */
    assert_true(count_alerts(fx, "new_country") == 1);
    bool high = false;
    for (int i = 0; i < fx->n_alerts; i++) {
        high |= fx->alerts[i].severity >= KT_SEV_HIGH;
    }
    assert_true(high);
    assert_true(state_of(fx)->at_rotate);
    /* In hindsight: the same client and operations, Frankfurt silent since day 23. */
    struct kt_report_key buf;
    const struct kt_report_key *rk = only_key(fx, &buf);
    assert_int_equal(rk->verdict, KT_VERDICT_INVESTIGATE);
    assert_true(rk->risk < fx->cfg.rotate_at);
    assert_non_null(strstr(rk->note, "looks like a move from DE to IE: same client"));
    assert_non_null(strstr(rk->note, "DE silent since 2026-10-14"));
    enum kt_verdict v;
    kt_engine_risk(fx->engine, state_of(fx), &v);
    assert_int_equal(v, KT_VERDICT_INVESTIGATE);
}

static void test_region_move_negatives_stay_rotate(void **state)
{
    struct fixture *fx = *state;
    static const struct move_case cases[] = {
        /* the old place keeps going: a second place alongside the owner */
        { 3, true, "acme-sync/3.2.1", "/api/v3/repos/acme/api/statuses", 0 },
        /* a client the key never used */
        { 3, false, "python-requests/2.32.3", "/api/v3/repos/acme/api/statuses", 0 },
        /* an operation the key never called */
        { 3, false, "acme-sync/3.2.1", "/api/v3/user/keys", 0 },
        /* both places for longer than the overlap window */
        { 9, false, "acme-sync/3.2.1", "/api/v3/repos/acme/api/statuses", 0 },
        /* a fraction of the volume: not the service carrying on */
        { 3, false, "acme-sync/3.2.1", "/api/v3/repos/acme/api/statuses", 8 },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        new_engine(fx);
        service_move(fx, &cases[i]);
        struct kt_report_key buf;
        const struct kt_report_key *rk = only_key(fx, &buf);
        if (rk->verdict != KT_VERDICT_ROTATE || rk->note[0] != '\0') {
            fail_msg("case %zu: %s, risk %d, note \"%s\"", i, kt_verdict_name(rk->verdict),
                     rk->risk, rk->note);
        }
    }
}

/* The risk settings (config risk.*, move.*) are what scoring uses. */
static void test_risk_settings(void **state)
{
    struct fixture *fx = *state;
    enum kt_verdict v;
    /* risk.refused_weight 1: a refused use weighs what an accepted one does. */
    owner(fx, 21);
    feed(fx, T0 + 23 * DAY + 10 * HOUR, "192.0.2.14", "python-requests/2.32.3", "GET",
         "/api/v3/repos/acme/api/issues", 200);
    int accepted = kt_engine_risk(fx->engine, state_of(fx), &v);
    fx->cfg.risk_refused_weight = 1.0;
    new_engine(fx);
    owner(fx, 21);
    feed(fx, T0 + 23 * DAY + 10 * HOUR, "192.0.2.14", "python-requests/2.32.3", "GET",
         "/api/v3/repos/acme/api/issues", 401);
    assert_true(accepted > 0);
    assert_int_equal(kt_engine_risk(fx->engine, state_of(fx), &v), accepted);
    fx->cfg.risk_refused_weight = 0.5;

    /* risk.window_hours: drift 14 days apart adds up once the window spans it, and the
     * agreement bonus of two aspects is risk.bonus_two_aspects. */
    int risks[3];
    const double window[3] = { 24, 24 * 30, 24 * 30 }, bonus[3] = { 15, 15, 0 };
    for (int i = 0; i < 3; i++) {
        fx->cfg.risk_window_hours = window[i];
        fx->cfg.risk_bonus_two = bonus[i];
        new_engine(fx);
        owner(fx, 21);
        feed(fx, T0 + 22 * DAY + 10 * HOUR, "192.0.2.14", "curl/8.5.0", "GET",
             "/api/v3/repos/acme/api/issues", 200);
        /* At night, with an operation the key never called: not the owner's own new job. */
        feed(fx, T0 + 36 * DAY + 3 * HOUR, "192.0.2.14", "git/2.47.1", "GET",
             "/api/v3/repos/acme/api/labels", 200);
        risks[i] = kt_engine_risk(fx->engine, state_of(fx), &v);
    }
    assert_true(risks[1] > risks[0]);
    assert_true(risks[1] < 100);
    assert_int_equal(risks[1] - risks[2], 15);
    fx->cfg.risk_window_hours = 24;
    fx->cfg.risk_bonus_two = 15;

    /* move.*: the region move of test_region_move_is_investigate is a move only within the
     * hindsight limits. */
    struct move_case mc = { 3, false, "acme-sync/3.2.1", "/api/v3/repos/acme/api/statuses", 0 };
    double *limit[] = { &fx->cfg.move_overlap_days, &fx->cfg.move_min_days,
                        &fx->cfg.move_volume, &fx->cfg.move_silent_days };
    const double strict[] = { 2, 20, 1.0001, 30 };
    for (size_t i = 0; i < KT_ARRAY_LEN(limit); i++) {
        double keep = *limit[i];
        *limit[i] = strict[i];
        new_engine(fx);
        service_move(fx, &mc);
        struct kt_report_key buf;
        const struct kt_report_key *rk = only_key(fx, &buf);
        if (rk->verdict != KT_VERDICT_ROTATE || rk->note[0] != '\0') {
            fail_msg("move limit %zu: %s, note \"%s\"", i, kt_verdict_name(rk->verdict), rk->note);
        }
        *limit[i] = keep;
    }
    new_engine(fx);
    service_move(fx, &mc);
    struct kt_report_key buf;
    assert_int_equal(only_key(fx, &buf)->verdict, KT_VERDICT_INVESTIGATE);
}

static void test_report_without_all_keys(void **state)
{
    struct fixture *fx = *state;
    owner(fx, 21);
    struct kt_report report;
    assert_int_equal(kt_engine_report(fx->engine, false, &report), KT_OK);
    assert_int_equal(report.n_keys, 0);
    assert_int_equal(report.totals.keys, 1);
    assert_int_equal(report.totals.ok, 1);
    assert_int_equal(kt_engine_report(fx->engine, true, &report), KT_OK);
    assert_int_equal(report.n_keys, 1);
    struct kt_report_key buf;
    assert_true(kt_report_key_get(&report, 0, &buf)->n_days > 0);
    assert_null(kt_report_key_get(&report, 1, &buf));
}

/* ---- eviction at the key cap ---- */

static struct kt_cred key_n(unsigned n)
{
    struct kt_cred c;
    memset(&c, 0, sizeof(c));
    c.family = KT_FAM_GENERIC;
    memset(c.key.b, 0, KT_KEYID_BYTES);
    c.key.b[0] = (uint8_t)n;
    c.key.b[1] = 0xc3;
    c.token = c.key;
    snprintf(c.hint, sizeof(c.hint), "…k%03u", n);
    return c;
}

/* One use of key n at T0 + n_min minutes. */
static void use(struct fixture *fx, unsigned n, int64_t n_min, const char *ip)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = T0 + n_min * 60000;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr("svc/1.0");
    ev.method = kt_str_cstr("GET");
    ev.resource = kt_str_cstr("/v1/items");
    ev.status = 200;
    ev.creds[0] = key_n(n);
    ev.n_creds = 1;
    assert_int_equal(kt_engine_event(fx->engine, &ev), KT_OK);
}

static bool held(struct fixture *fx, unsigned n)
{
    struct kt_cred c = key_n(n);
    return kt_engine_keystate(fx->engine, &c.key) != NULL;
}

static const struct kt_keystate *state_n(struct fixture *fx, unsigned n)
{
    struct kt_cred c = key_n(n);
    return kt_engine_keystate(fx->engine, &c.key);
}

static void list_network(struct fixture *fx, const char *cidr)
{
    if (fx->ip_list == NULL) {
        assert_int_equal(kt_netset_new(&fx->ip_list), KT_OK);
    }
    assert_int_equal(kt_netset_add(fx->ip_list, kt_str_cstr(cidr), KT_STR_LIT("test-list")), KT_OK);
}

static void test_cap_evicts_least_recently_used(void **state)
{
    struct fixture *fx = *state;
    new_engine_capped(fx, 3);
    use(fx, 1, 0, "192.0.2.1");
    use(fx, 2, 1, "192.0.2.2");
    use(fx, 3, 2, "192.0.2.3");
    use(fx, 1, 3, "192.0.2.1"); /* 1 is used again: 2 is now the least recently used */
    use(fx, 4, 4, "192.0.2.4");
    assert_int_equal(kt_engine_keys(fx->engine), 3);
    assert_true(held(fx, 1) && !held(fx, 2) && held(fx, 3) && held(fx, 4));
    assert_int_equal(kt_engine_evictions(fx->engine)->keys, 1);
    assert_int_equal(state_n(fx, 1)->events, 2);
    /* 2 comes back as a new key and pushes out 3, the least recently used now. */
    use(fx, 2, 5, "192.0.2.2");
    assert_true(held(fx, 1) && held(fx, 2) && !held(fx, 3) && held(fx, 4));
    assert_int_equal(state_n(fx, 2)->events, 1);
    assert_int_equal(kt_engine_evictions(fx->engine)->keys, 2);
    /* The report covers the keys held and says how many went. */
    struct kt_report report;
    assert_int_equal(kt_engine_report(fx->engine, true, &report), KT_OK);
    assert_int_equal(report.n_keys, 3);
    assert_int_equal(report.totals.keys, 3);
    assert_int_equal(report.totals.max_keys, 3);
    assert_int_equal(report.totals.evicted, 2);
    assert_int_equal(report.totals.evicted_rotate, 0);
}

static void test_cap_spares_keys_with_findings(void **state)
{
    struct fixture *fx = *state;
    list_network(fx, "203.0.113.0/24");
    new_engine_capped(fx, 3);
    use(fx, 1, 0, "203.0.113.9"); /* a listed address: a finding, rotate (score 75) */
    assert_int_equal(fx->n_alerts, 1);
    use(fx, 2, 1, "192.0.2.2");
    use(fx, 3, 2, "192.0.2.3");
    /* 1 is the least recently used, but it has findings: 2 goes instead, then 3, then 4. */
    use(fx, 4, 3, "192.0.2.4");
    assert_true(held(fx, 1) && !held(fx, 2) && held(fx, 3) && held(fx, 4));
    for (unsigned n = 5; n < 40; n++) {
        use(fx, n, n, "192.0.2.5");
    }
    assert_true(held(fx, 1));
    assert_int_equal(state_n(fx, 1)->n_findings, 1);
    assert_int_equal(kt_engine_evictions(fx->engine)->keys, 39 - 3);
    enum kt_verdict v;
    kt_engine_risk(fx->engine, state_n(fx, 1), &v);
    assert_int_equal(v, KT_VERDICT_ROTATE);
}

static void test_cap_tiers_and_findings_cleanup(void **state)
{
    struct fixture *fx = *state;
    list_network(fx, "203.0.113.0/24");
    /* One listed use (75) is "investigate" under a rotate threshold of 80. */
    fx->cfg.rotate_at = 80;
    struct kt_cred r = key_n(1);
    char id[KT_KEYID_STRLEN + 1], line[64];
    kt_keyid_format(&r.key, id);
    snprintf(line, sizeof(line), "%s\n", id);
    char *path = kt_test_tmpfile(line, strlen(line));
    struct kt_err err;
    assert_int_equal(kt_leaked_load(&fx->leaked, path, &err), KT_OK);
    unlink(path);
    free(path);
    new_engine_capped(fx, 3);
    use(fx, 1, 0, "192.0.2.1");   /* declared leaked: critical, rotate (tier 2) */
    use(fx, 2, 1, "203.0.113.2"); /* investigate (tier 1) */
    use(fx, 3, 2, "203.0.113.3"); /* investigate (tier 1) */
    assert_int_equal(kt_engine_findings(fx->engine), 3);
    assert_int_equal(fx->n_alerts, 3);
    /* Every tier-0 list is empty: the least recently used key with findings below rotate
     * goes (2), not the older rotate key (1). */
    use(fx, 4, 3, "192.0.2.4");
    assert_true(held(fx, 1) && !held(fx, 2) && held(fx, 3) && held(fx, 4));
    const struct kt_engine_evictions *ev = kt_engine_evictions(fx->engine);
    assert_int_equal(ev->keys, 1);
    assert_int_equal(ev->investigate, 1);
    assert_int_equal(ev->rotate, 0);
    assert_int_equal(ev->findings, 1);
    assert_int_equal(kt_engine_findings(fx->engine), 2);
    /* 3's finding moved into the hole 2's left: a repeat still deduplicates. */
    use(fx, 3, 4, "203.0.113.3");
    assert_int_equal(fx->n_alerts, 3);
    /* 2 comes back: its finding went with it, so it is news again; 4 (tier 0) makes room. */
    use(fx, 2, 5, "203.0.113.2");
    assert_int_equal(fx->n_alerts, 4);
    assert_true(held(fx, 1) && held(fx, 2) && held(fx, 3) && !held(fx, 4));
    /* 5 finds tier 0 empty and evicts 3, the least recent of tier 1 (2 was just used); 6
     * evicts 5 (tier 0). The leaked key, the oldest of all, stays throughout. */
    use(fx, 5, 6, "192.0.2.5");
    use(fx, 6, 7, "192.0.2.6");
    assert_true(held(fx, 1) && held(fx, 2) && !held(fx, 3) && !held(fx, 5) && held(fx, 6));
    struct kt_report report;
    assert_int_equal(kt_engine_report(fx->engine, true, &report), KT_OK);
    assert_int_equal(report.totals.evicted, 4);
    assert_int_equal(report.totals.evicted_investigate, 2);
    assert_int_equal(report.totals.findings, 2);
    /* The model's findings all belong to keys still held. */
    struct kt_report_key buf;
    for (size_t i = 0; i < report.n_keys; i++) {
        const struct kt_report_key *k = kt_report_key_get(&report, i, &buf);
        for (size_t f = 0; f < k->n_findings; f++) {
            assert_true(kt_keyid_eq(&k->findings[f]->key, &k->key));
        }
    }
    assert_int_equal(kt_report_verdict(&report, 0), KT_VERDICT_ROTATE);
}

/* Rotate keys go last, but they do go: the count says how many verdicts left with them. */
static void test_cap_evicts_rotate_keys_last(void **state)
{
    struct fixture *fx = *state;
    list_network(fx, "203.0.113.0/24");
    new_engine_capped(fx, 2);
    use(fx, 1, 0, "203.0.113.1");
    use(fx, 2, 1, "203.0.113.2");
    use(fx, 3, 2, "203.0.113.3");
    assert_true(!held(fx, 1) && held(fx, 2) && held(fx, 3));
    assert_int_equal(kt_engine_evictions(fx->engine)->rotate, 1);
    assert_int_equal(kt_engine_findings(fx->engine), 2);
    struct kt_report report;
    assert_int_equal(kt_engine_report(fx->engine, false, &report), KT_OK);
    assert_int_equal(report.totals.evicted_rotate, 1);
    assert_int_equal(report.totals.rotate, 2);
}

/* ---- per-key detector state (jwt_replay) ---- */

/* A use of JWT key k's token t from ip at T0 + n_min minutes. */
static void use_jwt(struct fixture *fx, unsigned k, unsigned t, int64_t n_min, const char *ip)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = T0 + n_min * 60000;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr("zoom-sync/3.1");
    ev.method = kt_str_cstr("GET");
    ev.resource = kt_str_cstr("/v2/users");
    ev.status = 200;
    struct kt_cred *c = &ev.creds[0];
    c->family = KT_FAM_JWT;
    memset(c->key.b, 0x70 + (int)k, KT_KEYID_BYTES);
    memset(c->token.b, 0x10 + (int)t, KT_KEYID_BYTES);
    c->jwt.exp = c->jwt.iat = c->jwt.nbf = KT_TIME_NONE;
    snprintf(c->hint, sizeof(c->hint), "jwt iss=k%u", k);
    ev.n_creds = 1;
    assert_int_equal(kt_engine_event(fx->engine, &ev), KT_OK);
}

static void test_jwt_replay_state_per_key(void **state)
{
    struct fixture *fx = *state;
    /* Only JWT keys get state; a fresh key has none until it meets jwt_replay. */
    use(fx, 1, 0, "192.0.2.14");
    assert_null(state_n(fx, 1)->det_state);
    use_jwt(fx, 1, 1, 0, "192.0.2.14");
    struct kt_keyid k1;
    memset(k1.b, 0x71, KT_KEYID_BYTES);
    assert_non_null(kt_engine_keystate(fx->engine, &k1)->det_state);
    /* Key 2 uses the same token id from far away: another key's token, not a replay. */
    use_jwt(fx, 2, 1, 5, "203.0.113.9");
    assert_int_equal(count_alerts(fx, "jwt_replay"), 0);
    /* Key 1's token from far away, 10 minutes on: replayed, with no baseline to speak of. */
    use_jwt(fx, 1, 1, 10, "203.0.113.9");
    assert_int_equal(count_alerts(fx, "jwt_replay"), 1);
    /* A fresh token of key 1 from there is a first use. */
    use_jwt(fx, 1, 2, 11, "203.0.113.9");
    assert_int_equal(count_alerts(fx, "jwt_replay"), 1);
    /* Evicting JWT keys frees their state (the sanitizer build checks the leak). */
    new_engine_capped(fx, 2);
    for (unsigned k = 0; k < 6; k++) {
        use_jwt(fx, k, k, k, "192.0.2.14");
    }
    assert_int_equal(kt_engine_keys(fx->engine), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_owner_alone_is_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_before_learn_and_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_for_maturity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowlists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volume_and_operations_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_is_investigate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drift_spread_over_weeks_does_not_add_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refused_requests_weigh_less, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_without_all_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_evicts_least_recently_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_spares_keys_with_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_tiers_and_findings_cleanup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_evicts_rotate_keys_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jwt_replay_state_per_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_move_is_investigate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_move_negatives_stay_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_risk_settings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
