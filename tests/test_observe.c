/*
 * The observation stage (src/observe.c): every fact of struct kt_obs, checked against what the
 * modules it calls say on their own (geodb, netset, opkey, useragent, the baseline's
 * identifiers) and against fixed values, so a field filled from the wrong source, left stale
 * from the previous event, or computed with another rule fails here.
 */
#include "testutil.h"

#include <keytrail/baseline.h>
#include <keytrail/useragent.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipaddr.h"
#include "mmdb_writer.h"
#include "observe.h"

#define T0 INT64_C(1789948800000) /* 2026-09-21T00:00Z: day 20717 */
#define DAY_MS INT64_C(86400000)
#define S(lit) KT_STR_LIT(lit)

struct fixture {
    char city_path[64], asn_path[64];
    struct kt_geodb *geo;
    struct kt_netset *ip_list;
    struct kt_config cfg;
    struct kt_observer observer;
};

static void add_net(struct kt_mmdb_entry *e, const char *ip, unsigned v4_prefix,
                    const char *country, const char *city, uint32_t asn, const char *org)
{
    memset(e, 0, sizeof(*e));
    assert_true(kt_ip_parse(kt_str_cstr(ip), &e->network));
    e->prefix = 96 + v4_prefix;
    snprintf(e->country, sizeof(e->country), "%s", country);
    snprintf(e->city, sizeof(e->city), "%s", city);
    if (city[0] != '\0') {
        e->has_location = true;
        e->lat = 52.52;
        e->lon = 13.405;
        e->accuracy_km = 20;
    }
    e->asn = asn;
    snprintf(e->as_org, sizeof(e->as_org), "%s", org);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    snprintf(fx->city_path, sizeof(fx->city_path), "/tmp/keytrail-observe-city-%d.mmdb",
             (int)getpid());
    snprintf(fx->asn_path, sizeof(fx->asn_path), "/tmp/keytrail-observe-asn-%d.mmdb",
             (int)getpid());
    struct kt_mmdb_entry nets[3];
    add_net(&nets[0], "192.0.2.0", 24, "DE", "Berlin", 64501, "Example Office ISP");
    add_net(&nets[1], "203.0.113.0", 24, "RO", "", 64511, "Example VPS Hosting SRL");
    add_net(&nets[2], "198.51.100.0", 24, "IE", "Dublin", 16509, "Amazon.com");
    struct kt_err err;
    assert_int_equal(kt_mmdb_write(fx->city_path, KT_MMDB_MAXMIND_CITY, "test-City", nets, 3, &err),
                     KT_OK);
    assert_int_equal(kt_mmdb_write(fx->asn_path, KT_MMDB_ASN, "test-ASN", nets, 3, &err), KT_OK);
    assert_int_equal(kt_geodb_open(&fx->geo, fx->city_path, fx->asn_path, &err), KT_OK);
    assert_int_equal(kt_netset_new(&fx->ip_list), KT_OK);
    assert_int_equal(kt_netset_add(fx->ip_list, S("203.0.113.0/25"), S("tor-exit")), KT_OK);
    assert_int_equal(kt_config_init(&fx->cfg), KT_OK);
    static const char allow[] = "{\"allow\": {\"networks\": [\"198.51.100.7\"], "
                                "\"asns\": [64501], \"countries\": [\"RO\"]}}";
    assert_int_equal(kt_config_load_buffer(&fx->cfg, "allow.json", allow, sizeof(allow) - 1, &err),
                     KT_OK);
    fx->observer = (struct kt_observer){.geo = fx->geo, .ip_list = fx->ip_list, .cfg = &fx->cfg};
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kt_geodb_free(fx->geo);
    kt_netset_free(fx->ip_list);
    kt_config_fini(&fx->cfg);
    unlink(fx->city_path);
    unlink(fx->asn_path);
    free(fx);
    return 0;
}

static void event(struct kt_event *ev, const char *ip, const char *ua, int status,
                  const char *error)
{
    kt_event_reset(ev);
    ev->time_ms = T0 + 3 * 3600000;
    ev->ip = kt_str_cstr(ip);
    ev->user_agent = kt_str_cstr(ua);
    ev->method = S("GET");
    ev->resource = S("/repos/acme/api/issues/17");
    ev->status = status;
    ev->error = kt_str_cstr(error);
}

/* The address: parsed once, with the baseline's identifiers and the geolocation of the same
 * address, and the lists' answers. */
static void test_address(void **state)
{
    struct fixture *fx = *state;
    struct kt_event ev;
    struct kt_obs o;

    event(&ev, "192.0.2.14", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_ptr_equal(o.ev, &ev);
    assert_true(o.has_ip && o.ip_bare && o.ip.v4);
    assert_int_equal(o.ip.b[10], 0xff);
    assert_int_equal(o.ip.b[12], 192);
    assert_int_equal(o.ip.b[15], 14);
    assert_int_equal(o.addr_ids, KT_OBS_ADDR_IP);
    assert_true(o.ip_id != o.net_id && o.ip_id != 0 && o.net_id != 0);
    struct kt_geo want;
    kt_geodb_lookup(fx->geo, ev.ip, &want);
    assert_int_equal(o.geo.kind, KT_ADDR_PUBLIC);
    assert_string_equal(o.geo.country, "DE");
    assert_string_equal(o.geo.city, "Berlin");
    assert_int_equal(o.geo.precision, KT_GEO_PREC_CITY);
    assert_true(o.geo.has_location);
    assert_int_equal(o.geo.accuracy_km, 20);
    assert_int_equal(o.geo.asn, 64501);
    assert_false(o.geo.hosting);
    assert_memory_equal(&o.geo, &want, sizeof(want));
    assert_true(o.has_geo && o.has_asn);
    assert_null(o.ip_list_label);
    assert_true(o.allowed); /* ASN 64501 */

    /* Same /24, another address: same network id, another address id. */
    struct kt_obs o2;
    event(&ev, "192.0.2.15", "", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(o2.net_id == o.net_id && o2.ip_id != o.ip_id);

    /* A country-only location on a hosting network, on the --ip-list, allowlisted by country. */
    event(&ev, "203.0.113.9", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_string_equal(o.geo.country, "RO");
    assert_int_equal(o.geo.precision, KT_GEO_PREC_COUNTRY);
    assert_false(o.geo.has_location);
    assert_int_equal(o.geo.asn, 64511);
    assert_true(o.geo.hosting);
    assert_non_null(o.ip_list_label);
    assert_string_equal(o.ip_list_label, "tor-exit");
    assert_true(o.allowed);
    event(&ev, "203.0.113.200", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_null(o.ip_list_label); /* outside the /25 */

    /* Allowlisted by address alone; its neighbour is not. */
    event(&ev, "198.51.100.7", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_true(o.allowed);
    assert_string_equal(o.geo.country, "IE");
    event(&ev, "198.51.100.8", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_false(o.allowed);

    /* With a port: an address for the baseline, but neither located nor listed. */
    event(&ev, "203.0.113.9:51234", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_true(o.has_ip);
    assert_false(o.ip_bare);
    assert_int_equal(o.addr_ids, KT_OBS_ADDR_IP);
    kt_geodb_lookup(fx->geo, ev.ip, &want);
    assert_memory_equal(&o.geo, &want, sizeof(want));
    assert_int_equal(o.geo.country[0], '\0');
    assert_null(o.ip_list_label);
    struct kt_obs bare;
    event(&ev, "203.0.113.9", "", 200, "");
    kt_observe(&fx->observer, &ev, &bare);
    assert_true(bare.ip_id == o.ip_id && bare.net_id == o.net_id);

    /* IPv6: its /48 is the network. */
    event(&ev, "2001:db8:1:2::5", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    event(&ev, "2001:db8:1:ffff::9", "", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(o.has_ip && !o.ip.v4);
    assert_true(o.net_id == o2.net_id && o.ip_id != o2.ip_id);

    /* A service name and no address. */
    event(&ev, "AWS Internal", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_false(o.has_ip);
    assert_int_equal(o.addr_ids, KT_OBS_ADDR_NAME);
    assert_int_equal(o.geo.kind, KT_ADDR_SERVICE);
    assert_true(o.ip_id != 0 && o.net_id == 0);
    event(&ev, "aws internal", "", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(o2.ip_id == o.ip_id); /* names compare without case */
    event(&ev, "-", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_int_equal(o.addr_ids, KT_OBS_ADDR_NONE);
    assert_int_equal(o.geo.kind, KT_ADDR_NONE);
    assert_false(o.allowed);
    event(&ev, "", "", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_false(o.has_ip || o.ip_bare);
    assert_int_equal(o.addr_ids, KT_OBS_ADDR_NONE);

    /* Private addresses are classified, without a stage context too. */
    event(&ev, "10.1.2.3", "", 200, "");
    kt_observe(NULL, &ev, &o);
    assert_int_equal(o.geo.kind, KT_ADDR_PRIVATE);
    assert_false(o.has_geo || o.has_asn || o.allowed);
    assert_null(o.ip_list_label);
}

/* What the baseline learns from an observation is what its string queries find. */
static void test_identifiers_match_baseline(void **state)
{
    struct fixture *fx = *state;
    struct kt_event ev;
    struct kt_obs o;
    struct kt_baseline b;
    kt_baseline_init(&b);
    event(&ev, "[2001:db8::7]:443", "Boto3/1.26.165 Python/3.10.6 Linux/5.15", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    kt_baseline_learn(&b, &o);
    assert_true(kt_baseline_has_ip(&b, S("2001:db8::7")));
    assert_true(kt_baseline_has_net(&b, S("2001:db8:0:1::1")));
    assert_false(kt_baseline_has_ip(&b, S("2001:db8::8")));
    assert_true(kt_baseline_knows_ip(&b, &o) && kt_baseline_knows_net(&b, &o));
    assert_true(kt_baseline_has_agent(&b, S("Boto3/1.26.170 Python/3.11")));
    assert_true(kt_baseline_knows_client(&b, &o));
    event(&ev, "192.0.2.1", "Boto3/2.0.0", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    assert_false(kt_baseline_knows_ip(&b, &o) || kt_baseline_knows_net(&b, &o));
    assert_false(kt_baseline_knows_client(&b, &o));
    assert_true(kt_baseline_has_op(&b, o.op)); /* the same endpoint template */
}

/* The client is the one normaliser's; the operation key opkey's. */
static void test_client_and_op(void **state)
{
    struct fixture *fx = *state;
    struct kt_event ev;
    struct kt_obs o, o2;
    event(&ev, "192.0.2.1", "Boto3/1.26.165 Python/3.10.6 Linux/5.15", 200, "");
    kt_observe(&fx->observer, &ev, &o);
    char norm[KT_UA_NORM_MAX];
    kt_ua_normalise(ev.user_agent, norm, sizeof(norm));
    assert_true(o.has_client);
    assert_string_equal(o.client, norm);
    assert_string_equal(o.client, "Boto3/1");
    char op[256];
    struct kt_str want = kt_baseline_op_key(&ev, op, sizeof(op));
    assert_true(kt_str_eq(o.op, want));
    assert_true(kt_str_eq_cstr(o.op, "GET /repos/acme/api/issues/*"));
    assert_ptr_equal(o.op.ptr, o.op_buf);

    event(&ev, "192.0.2.1", "[Boto3/1.26.170 Python/3.11]", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(o2.client_id == o.client_id);
    event(&ev, "192.0.2.1", "curl/8.5.0", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(o2.client_id != o.client_id);
    assert_string_equal(o2.client, "curl/8");

    event(&ev, "192.0.2.1", "", 200, "");
    kt_observe(&fx->observer, &ev, &o2);
    assert_false(o2.has_client);
    assert_true(o2.client_id == 0 && o2.client[0] == '\0');

    /* An API log: service:method. */
    ev.service = S("iam.amazonaws.com");
    ev.method = S("ListUsers");
    kt_observe(&fx->observer, &ev, &o2);
    assert_true(kt_str_eq_cstr(o2.op, "iam.amazonaws.com:ListUsers"));
}

/* The operation key through the stage's cache: always the key of this event, never that of
 * an earlier one with another method, service or resource. */
static void test_op_cache(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *service, *method, *resource;
    } req[] = {
        {"", "GET", "/repos/acme/api/issues/17"},
        {"", "GET", "/repos/acme/api/issues/18"},
        {"", "POST", "/repos/acme/api/issues/17"},
        {"", "GET /repos", "/acme/api/issues/17"}, /* the same bytes, split differently */
        {"iam.amazonaws.com", "ListUsers", ""},
        {"iam.amazonaws.com", "ListRoles", ""},
        {"sts.amazonaws.com", "ListUsers", ""},
        {"", "repo.create", ""},
        {"", "", "/hooks/ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"", "", ""},
    };
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < KT_ARRAY_LEN(req); i++) {
            struct kt_event ev;
            struct kt_obs o;
            event(&ev, "192.0.2.1", "", 200, "");
            ev.service = kt_str_cstr(req[i].service);
            ev.method = kt_str_cstr(req[i].method);
            ev.resource = kt_str_cstr(req[i].resource);
            kt_observe(&fx->observer, &ev, &o);
            char op[256];
            struct kt_str want = kt_baseline_op_key(&ev, op, sizeof(op));
            if (!kt_str_eq(o.op, want) || o.op.ptr != o.op_buf || o.op_buf[o.op.len] != '\0') {
                fail_msg("round %d request %zu: op \"%.*s\", want \"%.*s\"", round, i,
                         (int)o.op.len, o.op.ptr, (int)want.len, want.ptr);
            }
        }
    }
}

/* Every outcome predicate against the rule it replaces. */
static void test_outcome(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        int status;
        const char *error;
        bool failed, error_rate, refused, denied, succeeded, provider, no_permission;
    } cases[] = {
        {200, "", false, false, false, false, true, false, false},
        {302, "", false, false, false, false, true, false, false},
        {0, "", false, false, false, false, false, false, false},
        {101, "", false, false, false, false, false, false, false},
        {401, "", true, true, true, true, false, false, false},
        {403, "", true, true, false, true, false, false, true},
        {404, "", true, false, false, false, false, false, false},
        {429, "", true, true, false, false, false, false, false},
        {500, "", true, false, false, false, false, false, false},
        {0, "AccessDenied", true, true, false, true, false, true, true},
        {0, "Client.UnauthorizedOperation", true, true, false, true, false, true, true},
        {200, "ThrottlingException", true, true, false, true, true, true, false},
        {0, "NoSuchEntity", true, true, false, true, false, true, false},
        {401, "InvalidToken", true, true, true, true, false, true, false},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct kt_event ev;
        struct kt_obs o;
        event(&ev, "192.0.2.1", "", cases[i].status, cases[i].error);
        kt_observe(&fx->observer, &ev, &o);
        if (kt_obs_failed(&o) != cases[i].failed || kt_obs_failed(&o) != kt_event_failed(&ev) ||
            kt_obs_is_error(&o) != cases[i].error_rate ||
            kt_obs_is_error(&o) != kt_baseline_is_error(&ev) ||
            kt_obs_refused(&o) != cases[i].refused || kt_obs_denied(&o) != cases[i].denied ||
            kt_obs_succeeded(&o) != cases[i].succeeded ||
            kt_obs_provider_error(&o) != cases[i].provider ||
            kt_obs_no_permission(&o) != cases[i].no_permission || o.outcome != kt_outcome_of(&ev)) {
            fail_msg("case %zu: status %d error '%s': outcome 0x%x", i, cases[i].status,
                     cases[i].error, o.outcome);
        }
    }
}

/* The UTC day: floor division, and nothing for an unknown or unusable time. */
static void test_day(void **state)
{
    struct fixture *fx = *state;
    struct kt_event ev;
    struct kt_obs o;
    event(&ev, "192.0.2.1", "", 200, "");
    ev.time_ms = T0;
    kt_observe(&fx->observer, &ev, &o);
    assert_true(o.timed);
    assert_int_equal(o.day, 20717);
    assert_true(o.time_ms == T0);
    ev.time_ms = T0 + DAY_MS - 1;
    kt_observe(&fx->observer, &ev, &o);
    assert_int_equal(o.day, 20717);
    ev.time_ms = -1; /* 1969-12-31T23:59:59.999Z */
    kt_observe(&fx->observer, &ev, &o);
    assert_true(o.timed);
    assert_int_equal(o.day, -1);
    ev.time_ms = KT_TIME_NONE;
    kt_observe(&fx->observer, &ev, &o);
    assert_false(o.timed);
    assert_int_equal(o.day, INT32_MIN);
    ev.time_ms = INT64_MAX;
    kt_observe(&fx->observer, &ev, &o);
    assert_false(o.timed);
}

/* Without the stage: a given location is copied and says databases are loaded. */
static void test_from_event(void **state)
{
    (void)state;
    struct kt_event ev;
    struct kt_obs o;
    event(&ev, "192.0.2.1", "git/2.47.1", 403, "");
    struct kt_geo geo = {.kind = KT_ADDR_PUBLIC, .country = "FR", .asn = 3215};
    kt_obs_from_event(&o, &ev, &geo);
    assert_string_equal(o.geo.country, "FR");
    assert_int_equal(o.geo.asn, 3215);
    assert_true(o.has_geo && o.has_asn);
    assert_false(o.allowed);
    assert_null(o.ip_list_label);
    assert_true(kt_obs_is_error(&o) && !kt_obs_refused(&o));
    kt_obs_from_event(&o, &ev, NULL);
    assert_false(o.has_geo || o.has_asn);
    assert_int_equal(o.geo.kind, KT_ADDR_PUBLIC);
    assert_int_equal(o.geo.country[0], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address),       cmocka_unit_test(test_identifiers_match_baseline),
        cmocka_unit_test(test_client_and_op), cmocka_unit_test(test_op_cache),
        cmocka_unit_test(test_outcome),       cmocka_unit_test(test_day),
        cmocka_unit_test(test_from_event),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
