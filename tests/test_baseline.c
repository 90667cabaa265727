/*
 * The per-key baseline: operation keys, learning (times, days, sets, places, agents,
 * operations, rates), bounded sets under a flood, queries, merging (a split-and-merge property
 * test against learning everything at once), and the binary form (round trips, every
 * truncation, bit flips, hand-built hostile documents, the size bound).
 */
#include "test_cred_helpers.h"

#include <keytrail/baseline.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-10-12T00:00:00Z, a Monday (day 20738). */
#define T0 INT64_C(1791763200000)
#define DAY0 20738
#define MIN_MS INT64_C(60000)
#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)

/* ---- helpers ---------------------------------------------------------------------------- */

struct evspec {
    int64_t ms;
    const char *ip;
    const char *method;
    const char *service;
    const char *path;
    int status;
    const char *error;
    const char *ua;
};

static void mk_event(struct kt_event *ev, const struct evspec *s)
{
    kt_event_reset(ev);
    ev->time_ms = s->ms;
    ev->ip = kt_str_cstr(s->ip);
    ev->method = kt_str_cstr(s->method);
    ev->service = kt_str_cstr(s->service);
    ev->resource = kt_str_cstr(s->path);
    ev->status = s->status;
    ev->error = kt_str_cstr(s->error);
    ev->user_agent = kt_str_cstr(s->ua);
}

/* Learns one event described by s, with its operation key; geo may be NULL. */
static void learn(struct kt_baseline *b, const struct evspec *s, const struct kt_geo *geo)
{
    struct kt_event ev;
    mk_event(&ev, s);
    struct kt_obs o;
    kt_obs_from_event(&o, &ev, geo);
    kt_baseline_learn(b, &o);
}

/* Learns an empty event at T0 with the given operation key. */
static void learn_op(struct kt_baseline *b, struct kt_str op)
{
    struct kt_event ev = {.time_ms = T0};
    struct kt_obs o;
    kt_obs_from_event(&o, &ev, NULL);
    o.op = op;
    kt_baseline_learn(b, &o);
}

static void learn_at(struct kt_baseline *b, int64_t ms, const char *ip)
{
    struct evspec s = {.ms = ms, .ip = ip, .method = "GET", .path = "/", .status = 200};
    learn(b, &s, NULL);
}

static struct kt_geo mk_geo(const char *country, uint32_t asn, double lat, double lon)
{
    struct kt_geo g;
    memset(&g, 0, sizeof(g));
    g.kind = KT_ADDR_PUBLIC;
    if (country != NULL) {
        snprintf(g.country, sizeof(g.country), "%s", country);
    }
    g.asn = asn;
    if (!isnan(lat)) {
        g.has_location = true;
        g.lat = lat;
        g.lon = lon;
        g.accuracy_km = 20;
    }
    return g;
}

static struct kt_str S(const char *s) {
    return kt_str_cstr(s);
}

static size_t
used_items(const struct kt_bl_item *set, size_t cap)
{
    size_t n = 0;
    while (n < cap && set[n].count > 0) {
        n++;
    }
    return n;
}

static const struct kt_bl_item *find_item(const struct kt_bl_item *set, size_t cap, uint64_t id)
{
    for (size_t i = 0; i < cap && set[i].count > 0; i++) {
        if (set[i].id == id) {
            return &set[i];
        }
    }
    return NULL;
}

/* Every field, bit for bit (floats included), but not the implicit padding. */
static void assert_bl_equal(const struct kt_baseline *a, const struct kt_baseline *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->first_ms, b->first_ms);
    assert_int_equal(a->last_ms, b->last_ms);
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->errors, b->errors);
    assert_int_equal(a->days_active, b->days_active);
    assert_int_equal(a->last_day, b->last_day);
    assert_memory_equal(a->ips, b->ips, sizeof(a->ips));
    assert_memory_equal(a->nets, b->nets, sizeof(a->nets));
    assert_memory_equal(a->countries, b->countries, sizeof(a->countries));
    assert_memory_equal(a->asns, b->asns, sizeof(a->asns));
    assert_memory_equal(a->places, b->places, sizeof(a->places));
    assert_memory_equal(a->agents, b->agents, sizeof(a->agents));
    assert_memory_equal(a->ops, b->ops, sizeof(a->ops));
    assert_int_equal(a->ops_count, b->ops_count);
    assert_memory_equal(a->hours, b->hours, sizeof(a->hours));
    assert_memory_equal(a->weekdays, b->weekdays, sizeof(a->weekdays));
    assert_memory_equal(&a->minute, &b->minute, sizeof(a->minute));
    assert_memory_equal(&a->hour, &b->hour, sizeof(a->hour));
    assert_memory_equal(&a->minute_errors, &b->minute_errors, sizeof(a->minute_errors));
    assert_int_equal(a->has_last_place, b->has_last_place);
    assert_memory_equal(a->last_country, b->last_country, 2);
    assert_int_equal(a->last_accuracy_km, b->last_accuracy_km);
    assert_memory_equal(&a->last_lat, &b->last_lat, sizeof(float));
    assert_memory_equal(&a->last_lon, &b->last_lon, sizeof(float));
    assert_int_equal(a->last_place_ms, b->last_place_ms);
    assert_int_equal(a->has_last_area, b->has_last_area);
    assert_int_equal(a->last_area_km, b->last_area_km);
    assert_memory_equal(&a->last_area_lat, &b->last_area_lat, sizeof(float));
    assert_memory_equal(&a->last_area_lon, &b->last_area_lon, sizeof(float));
    assert_int_equal(a->last_area_ms, b->last_area_ms);
}

/* Serialises b, checks the result parses back to b, and returns its size. */
static size_t roundtrip(const struct kt_baseline *b)
{
    uint8_t buf[KT_BASELINE_MAX_BYTES];
    size_t n = kt_baseline_serialize(b, buf, sizeof(buf));
    assert_true(n > 0);
    /* An exact-size copy, so a read past the end is caught by ASan. */
    uint8_t *copy = malloc(n);
    assert_non_null(copy);
    memcpy(copy, buf, n);
    struct kt_baseline back;
    assert_int_equal(kt_baseline_deserialize(&back, copy, n), KT_OK);
    assert_bl_equal(b, &back);
    uint8_t again[KT_BASELINE_MAX_BYTES];
    assert_int_equal(kt_baseline_serialize(&back, again, sizeof(again)), n);
    assert_memory_equal(buf, again, n);
    free(copy);
    return n;
}

static bool contains(const uint8_t *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k > 0 && i + k <= n; i++) {
        if (memcmp(hay + i, needle, k) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- basics ----------------------------------------------------------------------------- */

static void test_init_and_size(void **state)
{
    (void)state;
    assert_true(sizeof(struct kt_baseline) <= KT_BASELINE_MAX_BYTES);
    struct kt_baseline b;
    memset(&b, 0xa5, sizeof(b));
    kt_baseline_init(&b);
    assert_int_equal(b.version, KT_BASELINE_VERSION);
    assert_int_equal(b.events, 0);
    assert_int_equal(b.first_ms, KT_TIME_NONE);
    assert_int_equal(b.last_ms, KT_TIME_NONE);
    assert_int_equal(b.minute.bucket_start_ms, KT_TIME_NONE);
    assert_int_equal(b.ips[0].count, 0);
    assert_false(b.has_last_place);
    assert_true(kt_baseline_hour_share(&b, 3) == 0.0);
    assert_true(kt_baseline_idle_days(&b, T0) == 0.0);
    assert_true(kt_baseline_nearest_place_km(&b, 52.5, 13.4) < 0);
    kt_baseline_init(NULL);
    roundtrip(&b);
}

static void test_is_error(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *error;
        bool want;
    } cases[] = {
        {200, NULL, false},        {401, NULL, true},
        {403, NULL, true},         {429, NULL, true},
        {404, NULL, false},        {500, NULL, false},
        {0, "AccessDenied", true}, {200, "", false},
        {0, NULL, false},          {302, "Client.UnauthorizedOperation", true},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct evspec s = {.ms = T0, .status = cases[i].status, .error = cases[i].error};
        struct kt_event ev;
        mk_event(&ev, &s);
        if (kt_baseline_is_error(&ev) != cases[i].want) {
            fail_msg("case %zu: status %d", i, cases[i].status);
        }
    }
    assert_false(kt_baseline_is_error(NULL));
}

/* ---- operation keys --------------------------------------------------------------------- */

static void test_op_key_table(void **state)
{
    (void)state;
    static const struct {
        const char *method, *service, *path, *want;
    } cases[] = {
        /* GitHub API behind nginx: numbers and SHAs are ids, repo and org names are not. */
        {"GET", NULL, "/api/v3/repos/acme/api/issues/17", "GET /api/v3/repos/acme/api/issues/*"},
        {"GET", NULL, "/api/v3/repos/acme/api/issues/18", "GET /api/v3/repos/acme/api/issues/*"},
        {"GET", NULL, "/api/v3/repos/acme/ledger/commits?sha=main&per_page=1",
         "GET /api/v3/repos/acme/ledger/commits"},
        {"POST", NULL,
         "/api/v3/repos/acme/sdk-python/statuses/b5d8968f56f4ad7beaaeca5411080f18edeac628",
         "POST /api/v3/repos/acme/sdk-python/statuses/*"},
        {"POST", NULL, "/api/v3/repos/acme/infra/issues/1894/comments",
         "POST /api/v3/repos/acme/infra/issues/*/comments"},
        {"GET", NULL, "/api/v3/user", "GET /api/v3/user"},
        {"POST", NULL, "/acme/api.git/git-upload-pack", "POST /acme/api.git/git-upload-pack"},
        /* GitLab: numeric and url-encoded project ids, job and merge request numbers. */
        {"GET", NULL, "/api/v4/projects/42/pipelines", "GET /api/v4/projects/*/pipelines"},
        {"GET", NULL, "/api/v4/projects/acme%2Fbackend/jobs/1026624/trace",
         "GET /api/v4/projects/acme%2Fbackend/jobs/*/trace"},
        {"POST", NULL, "/api/v4/projects/acme%2Fbackend/merge_requests/407/notes",
         "POST /api/v4/projects/acme%2Fbackend/merge_requests/*/notes"},
        /* Stripe-style ids behind Kong. */
        {"POST", NULL, "/v1/payment_intents/pi_oeeerlOz6yhRZwG0TyA81sHA/confirm",
         "POST /v1/payment_intents/*/confirm"},
        {"GET", NULL, "/v1/customers/cus_yIwyGGpEd7yPzr", "GET /v1/customers/*"},
        {"GET", NULL, "/v1/payouts/po_XHQIw3pPO9R6706VmwmXIXkn", "GET /v1/payouts/*"},
        {"GET", NULL, "/v1/balance_transactions", "GET /v1/balance_transactions"},
        {"POST", NULL, "/v1/internal/ledger/entries", "POST /v1/internal/ledger/entries"},
        /* npm and static assets: versions and content hashes are ids. */
        {"GET", NULL, "/npm/@acme%2fdesign-tokens/-/design-tokens-2.8.1.tgz",
         "GET /npm/@acme%2fdesign-tokens/-/*"},
        {"GET", NULL, "/grafana/public/build/runtime.8f3c1e9a.js", "GET /grafana/public/build/*"},
        /* Other id shapes. */
        {"GET", NULL, "/v2/deploys/550e8400-e29b-41d4-a716-446655440000/status",
         "GET /v2/deploys/*/status"},
        {"GET", NULL, "/users/jane.doe@example.com/keys", "GET /users/*/keys"},
        {"GET", NULL, "/users/jane.doe%40example.com/keys", "GET /users/*/keys"},
        {"GET", NULL, "/reports/2026-10-12", "GET /reports/*"},
        {"GET", NULL, "/s/AbCdEfGhIjKlMnOpQr", "GET /s/*"},
        {"GET", NULL, "/api/feedback", "GET /api/feedback"},
        {"GET", NULL, "/api/getAccountAuthorizationDetails",
         "GET /api/getAccountAuthorizationDetails"},
        {"POST", NULL, "/v1/oauth2/token", "POST /v1/oauth2/token"},
        {"GET", NULL, "/healthz", "GET /healthz"},
        /* Normalisation. */
        {"get", NULL, "/x", "GET /x"},
        {"GET", NULL, "/", "GET /"},
        {"GET", NULL, "//double//slashes/", "GET /double/slashes"},
        {"GET", NULL, "/login;jsessionid=0123ABC", "GET /login"},
        {"GET", NULL, "/page#frag", "GET /page"},
        {"GET", NULL, "http://git.acme.example/api/v3/user?x=1", "GET /api/v3/user"},
        {"GET", NULL, "/a/b/c/d/e/f/g/h/i/j", "GET /a/b/c/d/e/f/g/h/..."},
        /* Non-ASCII bytes become '?' (the literal is split: "??/" would be a trigraph). */
        {"GET", NULL, "/caf\xc3\xa9/menu",
         "GET /caf?"
         "?/menu"},
        {"GET", NULL, NULL, "GET"},
        {NULL, NULL, "/v1/balance", "/v1/balance"},
        /* API logs. */
        {"ListUsers", "iam.amazonaws.com", NULL, "iam.amazonaws.com:ListUsers"},
        {"GetObject", "s3.amazonaws.com", "arn:aws:s3:::backups", "s3.amazonaws.com:GetObject"},
        {"org.list_members", "Personal access token (classic)", "acme/web",
         "github:org.list_members"},
        {"git.clone", "GitHub App server-to-server token", "acme/api", "github:git.clone"},
        {"public_key.create", NULL, NULL, "github:public_key.create"},
        {"AssumeRole", NULL, NULL, "AssumeRole"},
        {"AssumeRole", "not a host", NULL, "AssumeRole"},
        /* Hostile. */
        {"\x16\x03\x01", NULL, "/", "???"},
        {NULL, NULL, NULL, ""},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct evspec s = {
            .method = cases[i].method, .service = cases[i].service, .path = cases[i].path};
        struct kt_event ev;
        mk_event(&ev, &s);
        char out[256];
        memset(out, 'Z', sizeof(out));
        struct kt_str k = kt_baseline_op_key(&ev, out, sizeof(out));
        assert_ptr_equal(k.ptr, out);
        assert_int_equal(out[k.len], '\0');
        if (!kt_str_eq_cstr(k, cases[i].want)) {
            fail_msg("case %zu: got \"%.*s\", want \"%s\"", i, (int)k.len, k.ptr, cases[i].want);
        }
    }
}

/* A base64 secret with '/' in a path: templating cuts it into pieces that read as words, so
 * the op shown is the path redacted whole; an ordinary path shows its op key. */
static void test_op_display(void **state)
{
    (void)state;
    static const char piece[] = "h0bHs+mFebs7HU";
    char path[256];
    snprintf(path, sizeof(path), "/v1/x/IQoJb3JpZ2luX2Vj/P4UA8XR/7781/%s/2210/sLY==", piece);
    struct evspec s = {.method = "GET", .path = path};
    struct kt_event ev;
    mk_event(&ev, &s);
    char key[256], shown[256];
    struct kt_str k = kt_baseline_op_key(&ev, key, sizeof(key));
    kt_baseline_op_display(&ev, k, shown, sizeof(shown));
    assert_null(strstr(shown, piece));
    assert_non_null(strstr(shown, "GET /v1/x/"));
    s.path = "/api/v3/repos/acme/api/issues/17";
    mk_event(&ev, &s);
    k = kt_baseline_op_key(&ev, key, sizeof(key));
    kt_baseline_op_display(&ev, k, shown, sizeof(shown));
    assert_true(kt_str_eq_cstr(k, shown));
}

static void test_op_key_bounds_and_tokens(void **state)
{
    (void)state;
    /* Long segments and tokens in the path never reach the key. */
    char tok[64], path[512];
    tc_checksum_token("ghp_", 11, tok);
    snprintf(path, sizeof(path), "/hooks/%s/x", tok);
    struct evspec s = {.method = "POST", .path = path};
    struct kt_event ev;
    mk_event(&ev, &s);
    char out[256];
    struct kt_str k = kt_baseline_op_key(&ev, out, sizeof(out));
    assert_true(kt_str_eq_cstr(k, "POST /hooks/*/x"));
    char longseg[200];
    memset(longseg, 'a', sizeof(longseg));
    longseg[0] = '/';
    longseg[sizeof(longseg) - 1] = '\0';
    s.path = longseg;
    mk_event(&ev, &s);
    k = kt_baseline_op_key(&ev, out, sizeof(out));
    assert_true(kt_str_eq_cstr(k, "POST /*"));

    /* Every capacity: NUL-terminated, within bounds, a prefix of the full key. */
    s.path = "/api/v3/repos/acme/api/issues/17";
    mk_event(&ev, &s);
    char full[256];
    struct kt_str want = kt_baseline_op_key(&ev, full, sizeof(full));
    for (size_t cap = 1; cap <= want.len + 2; cap++) {
        char *small = malloc(cap);
        assert_non_null(small);
        k = kt_baseline_op_key(&ev, small, cap);
        assert_true(k.len < cap);
        assert_int_equal(small[k.len], '\0');
        assert_int_equal(k.len, KT_MIN(want.len, cap - 1));
        assert_memory_equal(small, full, k.len);
        free(small);
    }
    /* Cutting to size must not turn a token-like run into a token (found by the fuzzer): a
     * Stripe-like key glued to more letters is no token, its first 64 bytes would be. */
    char glued[160];
    snprintf(glued, sizeof(glued), "Bearer sk_test_FIXTUREnotREAL00000000%s",
             "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeelien0001");
    struct evspec gs = {.method = glued, .path = "/x"};
    mk_event(&ev, &gs);
    for (size_t cap = 1; cap <= 200; cap++) {
        char *small = malloc(cap);
        assert_non_null(small);
        k = kt_baseline_op_key(&ev, small, cap);
        struct kt_cand found[2];
        assert_int_equal(kt_cred_find_in_text(k, found, 2), 0);
        free(small);
    }
    k = kt_baseline_op_key(&ev, out, 0);
    assert_int_equal(k.len, 0);
    k = kt_baseline_op_key(&ev, NULL, 10);
    assert_int_equal(k.len, 0);
    k = kt_baseline_op_key(NULL, out, sizeof(out));
    assert_int_equal(k.len, 0);
}

/* ---- learning --------------------------------------------------------------------------- */

static void test_learn_counts_and_addresses(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    static const struct evspec evs[] = {
        {T0 + 9 * HOUR_MS, "192.0.2.14", "GET", NULL, "/a", 200, NULL, "git/2.47.1"},
        {T0 + 9 * HOUR_MS + 1, "192.0.2.14:51234", "GET", NULL, "/a", 401, NULL, "git/2.47.1"},
        {T0 + 10 * HOUR_MS, "192.0.2.15, 10.0.0.1", "GET", NULL, "/b", 200, NULL, NULL},
        {T0 + 11 * HOUR_MS, "2001:db8:100::14", "GET", NULL, "/b", 403, NULL, NULL},
        {T0 + 11 * HOUR_MS + 5, "[2001:db8:100::15]:443", "GET", NULL, "/b", 200, NULL, NULL},
        {T0 + 12 * HOUR_MS, "::ffff:198.51.100.7", "GET", NULL, "/b", 200, NULL, NULL},
        {T0 + 13 * HOUR_MS, "AWS Internal", "ListUsers", "iam.amazonaws.com", NULL, 0,
         "AccessDenied", NULL},
        {T0 + 14 * HOUR_MS, "-", "GET", NULL, "/b", 429, NULL, NULL},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(evs); i++) {
        learn(&b, &evs[i], NULL);
    }
    assert_int_equal(b.events, 8);
    assert_int_equal(b.errors, 4);
    assert_int_equal(b.first_ms, T0 + 9 * HOUR_MS);
    assert_int_equal(b.last_ms, T0 + 14 * HOUR_MS);
    assert_int_equal(b.days_active, 1);
    assert_int_equal(b.last_day, DAY0);
    /* 192.0.2.14 twice (port stripped), .15, two v6, the mapped v4, the name. */
    assert_int_equal(used_items(b.ips, KT_BL_IPS), 6);
    static const struct {
        const char *ip;
        bool ip_known, net_known;
    } q[] = {
        {"192.0.2.14", true, true},
        {"192.0.2.15", true, true},
        {"192.0.2.99", false, true},
        {"192.0.3.14", false, false},
        {"198.51.100.7", true, true},
        {"::ffff:192.0.2.14", true, true},
        {"2001:db8:100::14", true, true},
        {"2001:db8:100:ffff::1", false, true},
        {"2001:db8:101::14", false, false},
        {"aws internal", true, false},
        {"AWS Internal", true, false},
        {"ec2.amazonaws.com", false, false},
        {"-", false, false},
        {"", false, false},
        {"10.0.0.1", false, false},
        {"192.0.2.14:80", true, true},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(q); i++) {
        if (kt_baseline_has_ip(&b, S(q[i].ip)) != q[i].ip_known ||
            kt_baseline_has_net(&b, S(q[i].ip)) != q[i].net_known) {
            fail_msg("query %zu (%s)", i, q[i].ip);
        }
    }
    const struct kt_bl_item *office = find_item(b.ips, KT_BL_IPS, 0x04000000c000020eULL);
    assert_non_null(office); /* 192.0.2.14 = 0xc000020e under the v4 tag */
    assert_int_equal(office->count, 2);
    assert_non_null(find_item(b.nets, KT_BL_NETS, 0x04000000c0000200ULL));
    /* The /48 of 2001:db8:100:: is its 48 bits under the v6 tag. */
    assert_non_null(find_item(b.nets, KT_BL_NETS, 0x060020010db80100ULL));
    assert_true(kt_baseline_has_op(&b, S("GET /a")));
    assert_true(kt_baseline_has_op(&b, S("iam.amazonaws.com:ListUsers")));
    assert_false(kt_baseline_has_op(&b, S("GET /c")));
    assert_false(kt_baseline_has_op(&b, S("")));
    assert_true(kt_baseline_has_agent(&b, S("git/2.47.1")));
    /* Clients compare by product and major version (useragent.h). */
    assert_true(kt_baseline_has_agent(&b, S("git/2.45.2")));
    assert_false(kt_baseline_has_agent(&b, S("git/3.0.0")));
    assert_int_equal(b.hours[9], 2);
    assert_int_equal(b.hours[13], 1);
    assert_int_equal(b.weekdays[0], 8); /* 2026-10-12 is a Monday */
    assert_true(fabs(kt_baseline_hour_share(&b, 9) - 0.25) < 1e-9);
    assert_true(kt_baseline_hour_share(&b, 3) == 0.0);
    assert_true(kt_baseline_hour_share(&b, 24) == 0.0);
    assert_true(kt_baseline_hour_share(&b, -1) == 0.0);
    assert_true(fabs(kt_baseline_idle_days(&b, T0 + 14 * HOUR_MS + 3 * DAY_MS) - 3.0) < 1e-9);
    assert_true(kt_baseline_idle_days(&b, T0) == 0.0);
    assert_true(kt_baseline_idle_days(&b, KT_TIME_NONE) == 0.0);
    roundtrip(&b);

    /* NULL arguments are harmless. */
    kt_baseline_learn(NULL, NULL);
    kt_baseline_learn(&b, NULL);
    assert_int_equal(b.events, 8);
    assert_false(kt_baseline_has_ip(NULL, S("192.0.2.14")));
    assert_false(kt_baseline_has_country(NULL, "DE"));
    assert_false(kt_baseline_has_country(&b, NULL));
    assert_false(kt_baseline_has_asn(&b, 0));
    assert_false(kt_baseline_has_agent(&b, KT_STR_NULL));
}

static void test_days_and_weekdays(void **state)
{
    (void)state;
    static const struct {
        int64_t offsets[8]; /* from T0; terminated by INT64_MIN */
        uint32_t days;
        int32_t last_day;
    } cases[] = {
        {{0, 1, 2, INT64_MIN}, 1, DAY0},
        {{0, DAY_MS, 2 * DAY_MS, INT64_MIN}, 3, DAY0 + 2},
        {{0, 10 * DAY_MS, INT64_MIN}, 2, DAY0 + 10},
        /* Out of order across midnight: the earlier day is not counted twice. */
        {{DAY_MS + 5, DAY_MS - 5, DAY_MS + 9, INT64_MIN}, 2, DAY0 + 1},
        /* An older archive read after a newer one: earlier days are new days. */
        {{5 * DAY_MS, 4 * DAY_MS, 3 * DAY_MS, 3 * DAY_MS + 7, INT64_MIN}, 3, DAY0 + 5},
        /* Before 1970: days and weekdays use floor division. */
        {{-T0 - 1, -T0 - DAY_MS - 1, INT64_MIN}, 2, -1},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct kt_baseline b;
        kt_baseline_init(&b);
        for (size_t j = 0; cases[i].offsets[j] != INT64_MIN; j++) {
            learn_at(&b, T0 + cases[i].offsets[j], "192.0.2.1");
        }
        if (b.days_active != cases[i].days || b.last_day != cases[i].last_day) {
            fail_msg("case %zu: %u days, last %d", i, b.days_active, b.last_day);
        }
        roundtrip(&b);
    }
    /* 1969-12-31 23:59:59.999 was a Wednesday, hour 23. */
    struct kt_baseline b;
    kt_baseline_init(&b);
    learn_at(&b, -1, "192.0.2.1");
    assert_int_equal(b.weekdays[2], 1);
    assert_int_equal(b.hours[23], 1);
    /* A week from Monday: one use per weekday. */
    kt_baseline_init(&b);
    for (int d = 0; d < 7; d++) {
        learn_at(&b, T0 + d * DAY_MS + 12 * HOUR_MS, "192.0.2.1");
    }
    for (int d = 0; d < 7; d++) {
        assert_int_equal(b.weekdays[d], 1);
    }
    assert_int_equal(b.days_active, 7);
}

static void test_learn_without_time(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    static const int64_t bad[] = {KT_TIME_NONE, INT64_MAX, INT64_MIN + 1,
                                  INT64_C(2147483647) * DAY_MS};
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        learn_at(&b, bad[i], "192.0.2.1");
    }
    assert_int_equal(b.events, KT_ARRAY_LEN(bad));
    assert_int_equal(b.first_ms, KT_TIME_NONE);
    assert_int_equal(b.days_active, 0);
    assert_int_equal(b.minute.bucket_start_ms, KT_TIME_NONE);
    assert_true(kt_baseline_has_ip(&b, S("192.0.2.1")));
    for (int h = 0; h < 24; h++) {
        assert_int_equal(b.hours[h], 0);
    }
    roundtrip(&b);
    /* A timed event afterwards starts the clock. */
    learn_at(&b, T0, "192.0.2.1");
    assert_int_equal(b.first_ms, T0);
    assert_int_equal(b.days_active, 1);
    roundtrip(&b);
}

static void test_rates(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    /* Minutes 0..9 hold 1..10 events; every third event is an error. */
    int n = 0;
    for (int m = 0; m < 10; m++) {
        for (int k = 0; k <= m; k++) {
            struct evspec s = {.ms = T0 + m * MIN_MS + k * 1000,
                               .ip = "192.0.2.1",
                               .status = (n++ % 3 == 0) ? 403 : 200};
            learn(&b, &s, NULL);
        }
    }
    /* Nine finished minutes (1..9), the tenth open. Under 1/alpha buckets: exact moments. */
    assert_int_equal(b.minute.buckets, 9);
    assert_int_equal(b.minute.count, 10);
    assert_int_equal(b.minute.bucket_start_ms, T0 + 9 * MIN_MS);
    assert_int_equal(b.minute.max, 9);
    assert_true(fabs(b.minute.mean - 5.0) < 1e-5);
    assert_true(fabs(b.minute.var - 60.0 / 9.0) < 1e-4); /* population variance of 1..9 */
    assert_int_equal(b.hour.buckets, 0);
    assert_int_equal(b.hour.count, 55);
    /* Errors per active minute: minute m has the errors among events n..n+m. */
    uint32_t errs[10], total = 0;
    n = 0;
    for (int m = 0; m < 10; m++) {
        errs[m] = 0;
        for (int k = 0; k <= m; k++) {
            errs[m] += (n++ % 3 == 0);
        }
    }
    double mean = 0;
    uint32_t mx = 0;
    for (int m = 0; m < 9; m++) {
        mean += errs[m] / 9.0;
        mx = KT_MAX(mx, errs[m]);
        total += errs[m];
    }
    assert_int_equal(b.minute_errors.buckets, 9);
    assert_int_equal(b.minute_errors.count, errs[9]);
    assert_int_equal(b.minute_errors.max, mx);
    assert_true(fabs(b.minute_errors.mean - mean) < 1e-5);
    assert_int_equal(b.errors, total + errs[9]);

    /* A late event (an older minute) counts into the open bucket. */
    learn_at(&b, T0 + 2 * MIN_MS, "192.0.2.1");
    assert_int_equal(b.minute.count, 11);
    assert_int_equal(b.minute.buckets, 9);
    /* A quiet stretch is not a run of zero buckets: only active buckets count. */
    learn_at(&b, T0 + 5 * HOUR_MS, "192.0.2.1");
    assert_int_equal(b.minute.buckets, 10);
    assert_int_equal(b.minute.count, 1);
    assert_int_equal(b.hour.buckets, 1);
    assert_int_equal(b.hour.max, 56);
    roundtrip(&b);

    /* Past 1/alpha buckets the history is exponentially weighted: a new level takes over. */
    kt_baseline_init(&b);
    for (int m = 0; m < 400; m++) {
        int per = m < 200 ? 2 : 10;
        for (int k = 0; k < per; k++) {
            learn_at(&b, T0 + m * MIN_MS + k, "192.0.2.1");
        }
    }
    assert_true(b.minute.mean > 9.5 && b.minute.mean <= 10.0);
    assert_int_equal(b.minute.max, 10);
    assert_int_equal(b.minute.buckets, 399);
    roundtrip(&b);
}

static void test_places_and_last_place(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    struct kt_geo berlin = mk_geo("DE", 3320, 52.5200, 13.4050);
    struct kt_geo spandau = mk_geo("DE", 3320, 52.5350, 13.2000); /* ~14 km */
    struct kt_geo potsdam = mk_geo("DE", 3320, 52.3906, 13.0645); /* ~27 km */
    struct kt_geo bucharest = mk_geo("RO", 64511, 44.4268, 26.1025);
    struct kt_geo no_loc = mk_geo("FR", 0, NAN, NAN);
    struct kt_geo bad = mk_geo("XX", 1, 95.0, 10.0);
    struct kt_geo lower = mk_geo("de", 0, NAN, NAN);
    struct evspec s = {.ms = T0 + HOUR_MS, .ip = "192.0.2.14"};
    learn(&b, &s, &berlin);
    s.ms += 1000;
    learn(&b, &s, &spandau);
    s.ms += 1000;
    learn(&b, &s, &potsdam);
    s.ms += 1000;
    learn(&b, &s, &no_loc);
    s.ms += 1000;
    learn(&b, &s, &bad);
    s.ms += 1000;
    learn(&b, &s, &lower);
    assert_int_equal(b.places[0].count, 2); /* Berlin and Spandau */
    assert_true(b.places[0].lat == 52.52f && b.places[0].lon == 13.405f);
    assert_memory_equal(b.places[0].country, "DE", 2);
    assert_int_equal(b.places[1].count, 1); /* Potsdam: beyond 25 km */
    assert_int_equal(b.places[2].count, 0); /* out-of-range coordinates ignored */
    assert_true(kt_baseline_has_country(&b, "DE"));
    assert_true(kt_baseline_has_country(&b, "FR"));
    assert_true(kt_baseline_has_country(&b, "XX"));
    assert_false(kt_baseline_has_country(&b, "de"));
    assert_false(kt_baseline_has_country(&b, "RO"));
    assert_true(kt_baseline_has_asn(&b, 3320));
    assert_true(kt_baseline_has_asn(&b, 1));
    assert_false(kt_baseline_has_asn(&b, 64511));
    /* The last place is Potsdam's, the newest located event. */
    assert_true(b.has_last_place);
    assert_true(b.last_lat == (float)52.3906);
    assert_int_equal(b.last_place_ms, T0 + HOUR_MS + 2000);
    /* An older event does not move it; a newer one does. */
    s.ms = T0;
    learn(&b, &s, &bucharest);
    assert_true(b.last_lat == (float)52.3906);
    s.ms = T0 + 2 * HOUR_MS;
    learn(&b, &s, &bucharest);
    assert_true(b.last_lat == (float)44.4268);
    assert_memory_equal(b.last_country, "RO", 2);
    assert_int_equal(b.last_accuracy_km, 20);

    double km = kt_baseline_nearest_place_km(&b, 52.5200, 13.4050);
    assert_true(km >= 0 && km < 0.01);
    km = kt_baseline_nearest_place_km(&b, 48.8566, 2.3522); /* Paris: nearest is Berlin+ */
    assert_true(km > 800 && km < 900);
    assert_true(kt_baseline_nearest_place_km(&b, NAN, 0) < 0);
    assert_true(kt_baseline_nearest_place_km(NULL, 0, 0) < 0);
    roundtrip(&b);
}

/* A country-only match: the country's centroid and radius, an area, not a point. */
static struct kt_geo mk_area(const char *country, double lat, double lon, uint16_t km)
{
    struct kt_geo g = mk_geo(country, 64530, NAN, NAN);
    g.precision = KT_GEO_PREC_COUNTRY;
    g.lat = lat;
    g.lon = lon;
    g.accuracy_km = km;
    return g;
}

static void test_last_area(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    struct evspec s = {.ms = T0 + HOUR_MS, .ip = "192.0.2.14"};
    struct kt_geo us = mk_area("US", 39.8, -98.6, 1000);
    learn(&b, &s, &us);
    /* Kept as an area, never as a place or a last point. */
    assert_true(b.has_last_area);
    assert_false(b.has_last_place);
    assert_int_equal(b.places[0].count, 0);
    assert_int_equal(b.last_area_km, 1000);
    assert_true(b.last_area_lat == 39.8f && b.last_area_lon == -98.6f);
    assert_int_equal(b.last_area_ms, T0 + HOUR_MS);
    roundtrip(&b);
    /* An older area does not replace it, a newer one does; a point leaves it as it is. */
    struct kt_geo ro = mk_area("RO", 45.9, 24.9, 300);
    s.ms = T0;
    learn(&b, &s, &ro);
    assert_true(b.last_area_lat == 39.8f);
    s.ms = T0 + 2 * HOUR_MS;
    learn(&b, &s, &ro);
    assert_true(b.last_area_lat == 45.9f);
    assert_int_equal(b.last_area_km, 300);
    struct kt_geo berlin = mk_geo("DE", 3320, 52.52, 13.405);
    s.ms += HOUR_MS;
    learn(&b, &s, &berlin);
    assert_true(b.has_last_place && b.last_area_lat == 45.9f);
    /* Without a radius or with coordinates out of range it is no area. */
    struct kt_baseline c;
    kt_baseline_init(&c);
    struct kt_geo flat = mk_area("US", 39.8, -98.6, 0);
    struct kt_geo wrong = mk_area("US", 95.0, -98.6, 500);
    learn(&c, &s, &flat);
    learn(&c, &s, &wrong);
    assert_false(c.has_last_area);
    /* Merging keeps the later area, in either order. */
    struct kt_baseline x, y;
    kt_baseline_init(&x);
    kt_baseline_init(&y);
    s.ms = T0;
    learn(&x, &s, &us);
    s.ms = T0 + DAY_MS;
    learn(&y, &s, &ro);
    struct kt_baseline xy = x, yx = y;
    kt_baseline_merge(&xy, &y);
    kt_baseline_merge(&yx, &x);
    assert_true(xy.last_area_lat == 45.9f && yx.last_area_lat == 45.9f);
    assert_int_equal(xy.last_area_ms, T0 + DAY_MS);
    roundtrip(&xy);
}

static void test_agent_names(void **state)
{
    (void)state;
    char tok[64], ua_tok[128], ua_mid[160];
    tc_checksum_token("ghp_", 3, tok);
    snprintf(ua_tok, sizeof(ua_tok), "%s/1.0", tok);
    snprintf(ua_mid, sizeof(ua_mid), "x/%s rest", tok);
    const struct {
        const char *ua, *want;
    } cases[] = {
        {"python-requests/2.32.3", "python-requests/2.32.3"},
        {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "Mozilla/5.0"},
        {"GitHub CLI 2.62.0", "GitHub CLI 2.62.0"},
        {"aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 source/x86_64.kali.2024",
         "aws-cli/2.15.30"},
        {"Go-http-client/1.1", "Go-http-client/1.1"},
        {"Some Bot (+http://example.com/bot)", "Some Bot"},
        {"a-very-long-product-name/1.2.3.4.5", "a-very-long-product-nam"},
        {"tab\tbell\x07/1", "tab?bell?/1"},
        {"ctl\x01x/1", "ctl?x/1"},
        {"\xc3\xa9t\xc3\xa9/1", "?"
                                "?t?"
                                "?/1"},
        {"   ", "?"},
        {"(only a comment)", "?"},
        {"AKIAIOSFODNN7EXAMPLE/1", "?"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct kt_baseline b;
        kt_baseline_init(&b);
        struct evspec s = {.ms = T0, .ua = cases[i].ua};
        learn(&b, &s, NULL);
        if (strcmp(b.agents[0].name, cases[i].want) != 0) {
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, b.agents[0].name, cases[i].want);
        }
        assert_true(kt_baseline_has_agent(&b, S(cases[i].ua)));
        roundtrip(&b);
    }
    /* A token as the product name is redacted, never stored in part. */
    const char *tok_uas[] = {ua_tok, ua_mid, tok};
    for (size_t i = 0; i < KT_ARRAY_LEN(tok_uas); i++) {
        struct kt_baseline b;
        kt_baseline_init(&b);
        struct evspec s = {.ms = T0, .ua = tok_uas[i], .method = "GET", .path = tok_uas[i]};
        learn(&b, &s, NULL);
        const char *name = b.agents[0].name;
        assert_true(strstr(name, "\xe2\x80\xa6") != NULL);
        /* No run of 8 token characters survives anywhere in the stored form. */
        uint8_t buf[KT_BASELINE_MAX_BYTES];
        size_t n = kt_baseline_serialize(&b, buf, sizeof(buf));
        assert_true(n > 0);
        for (size_t k = 4; k + 8 <= strlen(tok); k++) {
            char piece[9];
            memcpy(piece, tok + k, 8);
            piece[8] = '\0';
            assert_false(contains(buf, n, piece));
        }
        roundtrip(&b);
    }
}

/* Another version of a known product is an upgrade; another product, or a browser the
 * baseline only knows as "Mozilla/5.0", is not. */
static void test_products(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    const char *known[] = {"aws-cli/1.29.0 Python/3.11.4 Linux/5.15 botocore/1.31.0",
                           "GitHub CLI 2.62.0", "kubectl/v1.28.2 (linux/amd64) kubernetes/1",
                           "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"};
    for (size_t i = 0; i < KT_ARRAY_LEN(known); i++) {
        struct evspec s = {.ms = T0 + (int64_t)i * 1000, .ua = known[i]};
        learn(&b, &s, NULL);
    }
    assert_true(kt_baseline_has_product(&b, S("aws-cli/2.15.10 Python/3.11.6 exe/x86_64")));
    assert_true(kt_baseline_has_product(&b, S("[aws-cli/2.15.10 Python/3.11.6]")));
    assert_true(kt_baseline_has_product(&b, S("GitHub CLI 3.0.1 (2026-01-02)")));
    assert_true(kt_baseline_has_product(&b, S("kubectl/v1.31.0 (linux/amd64) kubernetes/2")));
    assert_false(kt_baseline_has_agent(&b, S("aws-cli/2.15.10 Python/3.11.6")));
    assert_false(kt_baseline_has_product(&b, S("python-requests/2.31.0")));
    assert_false(kt_baseline_has_product(&b, S("aws-sdk-go/1.44.0")));
    assert_false(kt_baseline_has_product(&b, S("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 "
                                                "(KHTML, like Gecko) Chrome/131.0 Safari/537.36")));
    assert_false(kt_baseline_has_product(&b, S("")));
    assert_false(kt_baseline_has_product(NULL, S("aws-cli/2")));
}

/* Whether the address is the key's own at t_ms, asked through an observation as detectors do. */
static bool established(const struct kt_baseline *b, const char *ip, int64_t t_ms)
{
    struct kt_event ev = {.time_ms = t_ms, .ip = kt_str_cstr(ip)};
    struct kt_obs o;
    kt_obs_from_event(&o, &ev, NULL);
    return kt_baseline_addr_established(b, &o);
}

/* The key's own addresses: many uses and a fair share of them; a place used a few times is
 * known but not the key's own. */
static void test_established_address(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    struct evspec s = {.ms = T0, .ip = "192.0.2.14"};
    for (int i = 0; i < 60; i++) {
        s.ms += 60000;
        s.ip = "192.0.2.14";
        learn(&b, &s, NULL);
        if (i % 20 == 0) {
            s.ip = "203.0.113.9";
            learn(&b, &s, NULL);
        }
    }
    assert_true(established(&b, "192.0.2.14", s.ms + 2 * HOUR_MS));
    /* Only its /24: not the address. */
    assert_false(established(&b, "192.0.2.200", s.ms + 2 * HOUR_MS));
    assert_true(kt_baseline_has_ip(&b, S("203.0.113.9")));
    assert_false(established(&b, "203.0.113.9", s.ms + 2 * HOUR_MS));
    assert_false(established(&b, "198.51.100.1", s.ms + 2 * HOUR_MS));
    assert_false(established(&b, "", s.ms + 2 * HOUR_MS));
    /* 60 uses among 2000 are under 5 %. */
    for (int i = 0; i < 2000; i++) {
        s.ms += 1000;
        s.ip = i % 2 ? "198.51.100.1" : "198.51.100.2";
        learn(&b, &s, NULL);
    }
    assert_false(established(&b, "192.0.2.14", s.ms + 2 * HOUR_MS));
    assert_true(established(&b, "198.51.100.1", s.ms + 2 * HOUR_MS));
    /* Within the hour of a burst, the burst's own uses do not count. */
    assert_false(established(&b, "198.51.100.1", s.ms));
}

/* The last located use remembers whether it came out of a commercial VPN exit; an older event
 * does not change it, and a merge takes it with the later last place. */
static void test_last_use_vpn_exit(void **state)
{
    (void)state;
    struct kt_baseline b, other;
    kt_baseline_init(&b);
    struct kt_geo home = mk_geo("DE", 3320, 52.52, 13.405);
    struct kt_geo vpn = mk_geo("NL", 9009, 52.37, 4.90);
    vpn.hosting = true;
    struct kt_geo cloud = mk_geo("DE", 16509, 50.11, 8.68);
    cloud.hosting = true;
    struct evspec s = {.ms = T0, .ip = "192.0.2.14"};
    learn(&b, &s, &home);
    assert_false(b.flags & KT_BL_LAST_VPN);
    s.ms += HOUR_MS;
    learn(&b, &s, &vpn);
    assert_true(b.flags & KT_BL_LAST_VPN);
    s.ms -= 2 * HOUR_MS; /* older: the last place stays the exit */
    learn(&b, &s, &home);
    assert_true(b.flags & KT_BL_LAST_VPN);
    other = b;
    s.ms += 3 * HOUR_MS;
    learn(&b, &s, &cloud); /* a cloud is hosting, not a VPN exit */
    assert_false(b.flags & KT_BL_LAST_VPN);
    assert_true(b.flags & KT_BL_NET_HOSTING);
    /* other's last place (the exit) is older than b's: b keeps its own. */
    kt_baseline_merge(&b, &other);
    assert_false(b.flags & KT_BL_LAST_VPN);
    kt_baseline_merge(&other, &b);
    assert_false(other.flags & KT_BL_LAST_VPN);
    assert_true(other.last_place_ms == b.last_place_ms);
}

/* ---- bounded sets ----------------------------------------------------------------------- */

static void test_flood_keeps_established(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    struct kt_geo home = mk_geo("DE", 3320, 52.52, 13.405);
    /* The office: 10 000 uses over weeks. 23 other owner addresses, 2..24 uses each. */
    for (int i = 0; i < 10000; i++) {
        struct evspec s = {
            .ms = T0 + (int64_t)i * 5 * MIN_MS, .ip = "192.0.2.14", .ua = "git/2.47.1"};
        learn(&b, &s, &home);
    }
    int64_t t = T0 + 35 * DAY_MS;
    char ip[64];
    for (int i = 0; i < 23; i++) {
        snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
        for (int k = 0; k < i + 2; k++) {
            learn_at(&b, t++, ip);
        }
    }
    assert_int_equal(used_items(b.ips, KT_BL_IPS), KT_BL_IPS);
    /* The flood: 1000 new addresses in 1000 networks, countries, ASNs and agents. */
    static const char *const cc[] = {"RO", "RU", "CN", "BR", "NG", "IR", "KP", "VN",
                                     "IN", "ID", "TR", "PK", "EG", "UA", "BY", "KZ"};
    for (int i = 0; i < 1000; i++) {
        snprintf(ip, sizeof(ip), "10.%d.%d.7", i / 250, i % 250);
        char ua[32];
        snprintf(ua, sizeof(ua), "flood/%d", i);
        struct kt_geo g = mk_geo(cc[i % KT_ARRAY_LEN(cc)], 64000u + (uint32_t)i, -60.0 + (i % 100),
                                 -170.0 + 3 * (i / 100));
        struct evspec s = {.ms = t++, .ip = ip, .ua = ua};
        learn(&b, &s, &g);
    }
    assert_true(kt_baseline_has_ip(&b, S("192.0.2.14")));
    assert_int_equal(find_item(b.ips, KT_BL_IPS, 0x04000000c000020eULL)->count, 10000);
    int survivors = 0;
    for (int i = 0; i < 23; i++) {
        snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
        survivors += kt_baseline_has_ip(&b, S(ip));
    }
    /* At most the weakest owner entry made room; the rest of the churn was the flood's own. */
    assert_true(survivors >= 22);
    assert_true(kt_baseline_has_net(&b, S("192.0.2.99")));
    assert_true(kt_baseline_has_net(&b, S("198.51.100.200")));
    assert_true(kt_baseline_has_country(&b, "DE"));
    assert_true(kt_baseline_has_asn(&b, 3320));
    assert_true(kt_baseline_has_agent(&b, S("git/2.47.1")));
    assert_true(kt_baseline_nearest_place_km(&b, 52.52, 13.405) < 0.01);
    assert_int_equal(used_items(b.ips, KT_BL_IPS), KT_BL_IPS);
    roundtrip(&b);
}

static void test_eviction_order(void **state)
{
    (void)state;
    /* Lowest count goes first; ties go to the oldest last day. */
    struct kt_baseline b;
    kt_baseline_init(&b);
    char ip[32];
    for (int i = 0; i < KT_BL_IPS; i++) {
        snprintf(ip, sizeof(ip), "192.0.2.%d", i);
        int uses = i == 5 || i == 9 ? 1 : 3;
        for (int k = 0; k < uses; k++) {
            learn_at(&b, T0 + (i == 9 ? DAY_MS : 2 * DAY_MS) + k, ip);
        }
    }
    learn_at(&b, T0 + 3 * DAY_MS, "203.0.113.1");
    assert_false(kt_baseline_has_ip(&b, S("192.0.2.9"))); /* count 1, day 1 */
    assert_true(kt_baseline_has_ip(&b, S("192.0.2.5")));  /* count 1, day 2 */
    assert_true(kt_baseline_has_ip(&b, S("203.0.113.1")));
    learn_at(&b, T0 + 3 * DAY_MS, "203.0.113.2");
    assert_false(kt_baseline_has_ip(&b, S("192.0.2.5")));
    assert_true(kt_baseline_has_ip(&b, S("203.0.113.1")));
    assert_true(kt_baseline_has_ip(&b, S("203.0.113.2")));

    /* An entry unused for more than 90 days goes before any recent one, whatever its count. */
    kt_baseline_init(&b);
    for (int k = 0; k < 1000; k++) {
        learn_at(&b, T0 + k, "192.0.2.200");
    }
    for (int i = 0; i < KT_BL_IPS - 1; i++) {
        snprintf(ip, sizeof(ip), "192.0.2.%d", i);
        learn_at(&b, T0 + 80 * DAY_MS, ip);
    }
    learn_at(&b, T0 + 85 * DAY_MS, "203.0.113.1"); /* not stale yet: a count-1 entry goes */
    assert_true(kt_baseline_has_ip(&b, S("192.0.2.200")));
    learn_at(&b, T0 + 95 * DAY_MS, "203.0.113.2"); /* 95 days: stale */
    assert_false(kt_baseline_has_ip(&b, S("192.0.2.200")));
    assert_true(kt_baseline_has_ip(&b, S("203.0.113.2")));
}

static void test_ops_filter(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    char op[64];
    for (int i = 0; i < 50; i++) {
        snprintf(op, sizeof(op), "GET /api/v%d/things", i);
        learn_op(&b, S(op));
        learn_op(&b, S(op));
    }
    for (int i = 0; i < 50; i++) {
        snprintf(op, sizeof(op), "GET /api/v%d/things", i);
        assert_true(kt_baseline_has_op(&b, S(op)));
    }
    assert_true(b.ops_count >= 47 && b.ops_count <= 50);
    int fp = 0;
    for (int i = 0; i < 2000; i++) {
        snprintf(op, sizeof(op), "POST /other/%d", i);
        fp += kt_baseline_has_op(&b, S(op));
    }
    /* k = 3, m = 1024, n = 50: about 0.2 % expected. */
    assert_true(fp < 20);
    roundtrip(&b);
}

/* ---- merging ---------------------------------------------------------------------------- */

struct city {
    const char *cc;
    uint32_t asn;
    double lat, lon;
};

static const struct city cities[] = {
    {"DE", 3320, 52.52, 13.405},       {"DE", 24940, 50.1109, 8.6821},
    {"US", 14618, 39.0438, -77.4874},  {"GB", 2856, 51.5072, -0.1276},
    {"BR", 28573, -23.5505, -46.6333},
};

static const char *const pool_ips[] = {
    "192.0.2.14",   "192.0.2.15",  "192.0.2.77",      "2001:db8:100::14", "198.51.100.1",
    "198.51.100.2", "203.0.113.5", "2001:db8:200::9", "AWS Internal",     "10.20.3.17",
};

static const char *const pool_uas[] = {
    "git/2.47.1", "GitHub CLI 2.62.0", "python-requests/2.32.3", "curl/8.5.0", "okhttp/4.12.0",
};

/* A synthetic stream: sorted times over about 40 days with idle days, a steady rate. */
static size_t make_stream(uint64_t seed, struct evspec *out, size_t max, char (*paths)[48])
{
    uint64_t st = seed;
    int64_t t = T0 + (int64_t)(kt_test_rand(&st) % DAY_MS);
    size_t n = 0;
    while (n < max) {
        uint64_t r = kt_test_rand(&st);
        if (r % 200 == 0) {
            t += (int64_t)(1 + r / 200 % 3) * DAY_MS; /* idle days */
        } else if (r % 7 == 0) {
            t += (int64_t)(r / 7 % 90) * MIN_MS;
        } else {
            t += (int64_t)(r / 13 % 20000);
        }
        snprintf(paths[n], 48, "/api/v3/res%u/%u", (unsigned)(r >> 20) % 30,
                 (unsigned)(r >> 30) % 1000);
        out[n] = (struct evspec){
            .ms = t,
            .ip = pool_ips[(r >> 8) % KT_ARRAY_LEN(pool_ips)],
            .method = (r >> 40) % 4 == 0 ? "POST" : "GET",
            .path = paths[n],
            .status = (r >> 44) % 20 == 0 ? 403 : 200,
            .ua = pool_uas[(r >> 50) % KT_ARRAY_LEN(pool_uas)],
        };
        n++;
    }
    return n;
}

static struct kt_geo stream_geo(const struct evspec *s)
{
    size_t ip = 0;
    while (strcmp(pool_ips[ip], s->ip) != 0) {
        ip++;
    }
    const struct city *c = &cities[ip % KT_ARRAY_LEN(cities)];
    return mk_geo(c->cc, c->asn, c->lat, c->lon);
}

static void learn_range(struct kt_baseline *b, const struct evspec *evs, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        struct kt_geo g = stream_geo(&evs[i]);
        learn(b, &evs[i], &g);
    }
}

/* Sets compared as sets: the same values with the same counts and last days. */
static void assert_items_same(const struct kt_bl_item *a, const struct kt_bl_item *b, size_t cap)
{
    assert_int_equal(used_items(a, cap), used_items(b, cap));
    for (size_t i = 0; i < cap && a[i].count > 0; i++) {
        const struct kt_bl_item *o = find_item(b, cap, a[i].id);
        assert_non_null(o);
        assert_int_equal(o->count, a[i].count);
        assert_int_equal(o->last_day, a[i].last_day);
    }
}

static void assert_merge_matches(const struct kt_baseline *m, const struct kt_baseline *f)
{
    assert_int_equal(m->events, f->events);
    assert_int_equal(m->errors, f->errors);
    assert_int_equal(m->first_ms, f->first_ms);
    assert_int_equal(m->last_ms, f->last_ms);
    assert_int_equal(m->last_day, f->last_day);
    assert_int_equal(m->days_active, f->days_active);
    assert_items_same(m->ips, f->ips, KT_BL_IPS);
    assert_items_same(m->nets, f->nets, KT_BL_NETS);
    assert_items_same(m->asns, f->asns, KT_BL_ASNS);
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        const struct kt_bl_country *c = &f->countries[i];
        if (c->count == 0) {
            assert_int_equal(m->countries[i].count, 0);
            continue;
        }
        size_t j = 0;
        while (j < KT_BL_COUNTRIES && memcmp(m->countries[j].code, c->code, 2) != 0) {
            j++;
        }
        assert_true(j < KT_BL_COUNTRIES);
        assert_int_equal(m->countries[j].count, c->count);
        assert_int_equal(m->countries[j].last_day, c->last_day);
    }
    for (size_t i = 0; i < KT_BL_PLACES; i++) {
        const struct kt_bl_place *p = &f->places[i];
        if (p->count == 0) {
            assert_int_equal(m->places[i].count, 0);
            continue;
        }
        size_t j = 0;
        while (j < KT_BL_PLACES && !(m->places[j].lat == p->lat && m->places[j].lon == p->lon)) {
            j++;
        }
        assert_true(j < KT_BL_PLACES);
        assert_int_equal(m->places[j].count, p->count);
    }
    for (size_t i = 0; i < KT_BL_AGENTS; i++) {
        const struct kt_bl_agent *a = &f->agents[i];
        if (a->count == 0) {
            assert_int_equal(m->agents[i].count, 0);
            continue;
        }
        size_t j = 0;
        while (j < KT_BL_AGENTS && m->agents[j].id != a->id) {
            j++;
        }
        assert_true(j < KT_BL_AGENTS);
        assert_int_equal(m->agents[j].count, a->count);
        assert_string_equal(m->agents[j].name, a->name);
    }
    assert_memory_equal(m->ops, f->ops, sizeof(m->ops));
    assert_true(fabs((double)m->ops_count - f->ops_count) <= 0.15 * f->ops_count + 2);
    assert_memory_equal(m->hours, f->hours, sizeof(m->hours));
    assert_memory_equal(m->weekdays, f->weekdays, sizeof(m->weekdays));
    const struct kt_bl_rate *mr[] = {&m->minute, &m->hour, &m->minute_errors};
    const struct kt_bl_rate *fr[] = {&f->minute, &f->hour, &f->minute_errors};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(mr[k]->bucket_start_ms, fr[k]->bucket_start_ms);
        assert_int_equal(mr[k]->count, fr[k]->count);
        /* A bucket cut by the split counts as two. */
        assert_true(mr[k]->buckets >= fr[k]->buckets && mr[k]->buckets <= fr[k]->buckets + 1);
        assert_true(mr[k]->max <= fr[k]->max && 2 * mr[k]->max + 1 >= fr[k]->max);
        /* The single pass weighs recent buckets more (alpha 0.02 and 0.05), the merge weighs
         * the two sides by bucket count: the means agree within the noise of the weighting,
         * half a standard deviation of the bucket counts; a wrong combination (a sum, an
         * unweighted side) is far outside. */
        double sd = sqrt(fr[k]->var);
        if (fabs(mr[k]->mean - fr[k]->mean) > 0.1 * fr[k]->mean + 0.5 * sd + 0.05) {
            fail_msg("rate %d: mean %f vs %f (sd %f)", k, mr[k]->mean, fr[k]->mean, sd);
        }
        if (!(mr[k]->var >= 0.3 * fr[k]->var && mr[k]->var <= 3.0 * fr[k]->var + 0.05)) {
            fail_msg("rate %d: var %f vs %f", k, mr[k]->var, fr[k]->var);
        }
    }
    assert_int_equal(m->has_last_place, f->has_last_place);
    assert_int_equal(m->last_place_ms, f->last_place_ms);
    assert_true(m->last_lat == f->last_lat && m->last_lon == f->last_lon);
}

static void test_merge_split_property(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct evspec *evs = calloc(N, sizeof(*evs));
    char(*paths)[48] = calloc(N, 48);
    assert_non_null(evs);
    assert_non_null(paths);
    uint64_t rng = 0x5eed;
    for (int trial = 0; trial < 24; trial++) {
        make_stream(0x1234 + (uint64_t)trial, evs, N, paths);
        size_t cut = trial == 0 ? 0 : trial == 1 ? N : (size_t)(kt_test_rand(&rng) % (N + 1));
        struct kt_baseline full, a, b, ab, ba;
        kt_baseline_init(&full);
        kt_baseline_init(&a);
        kt_baseline_init(&b);
        learn_range(&full, evs, 0, N);
        learn_range(&a, evs, 0, cut);
        learn_range(&b, evs, cut, N);
        ab = a;
        kt_baseline_merge(&ab, &b);
        ba = b;
        kt_baseline_merge(&ba, &a);
        /* Commutative, bit for bit. */
        uint8_t s1[KT_BASELINE_MAX_BYTES], s2[KT_BASELINE_MAX_BYTES];
        size_t n1 = kt_baseline_serialize(&ab, s1, sizeof(s1));
        size_t n2 = kt_baseline_serialize(&ba, s2, sizeof(s2));
        assert_true(n1 > 0);
        assert_int_equal(n1, n2);
        assert_memory_equal(s1, s2, n1);
        assert_merge_matches(&ab, &full);
        if (cut == 0 || cut == N) {
            assert_bl_equal(&ab, &full); /* merging an empty baseline changes nothing */
        }
        roundtrip(&ab);
    }
    free(evs);
    free(paths);
}

enum split { SPLIT_TIME, SPLIT_SAME_DAYS, SPLIT_ALT_DAYS };

static void test_merge_days_estimate(void **state)
{
    (void)state;
    static const struct {
        int days;  /* range of the stream */
        int every; /* active every n-th day */
        enum split how;
        bool exact;
    } cases[] = {
        {30, 1, SPLIT_TIME, true}, /* logs split by time: the touching day once */
        {60, 3, SPLIT_TIME, true},
        {30, 1, SPLIT_SAME_DAYS, true}, /* two sources of one key on the same days */
        {60, 2, SPLIT_SAME_DAYS, true},
        {90, 5, SPLIT_SAME_DAYS, true},
        {60, 1, SPLIT_ALT_DAYS, false}, /* the worst case: alternate days, underestimated */
        {40, 2, SPLIT_ALT_DAYS, false},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct kt_baseline full, a, b;
        kt_baseline_init(&full);
        kt_baseline_init(&a);
        kt_baseline_init(&b);
        int k = 0, total = 0;
        for (int d = 0; d < cases[i].days; d += cases[i].every, total++) {
            for (int e = 0; e < 4; e++, k++) {
                int64_t ms = T0 + d * DAY_MS + e * HOUR_MS;
                bool to_a = cases[i].how == SPLIT_TIME        ? d < cases[i].days / 2
                            : cases[i].how == SPLIT_SAME_DAYS ? k % 3 != 0
                                                              : total % 2 == 0;
                learn_at(to_a ? &a : &b, ms, "192.0.2.1");
                learn_at(&full, ms, "192.0.2.1");
            }
        }
        assert_int_equal(full.days_active, total);
        uint32_t da = a.days_active, db = b.days_active;
        kt_baseline_merge(&a, &b);
        if (cases[i].exact) {
            if ((int)a.days_active != total) {
                fail_msg("case %zu: %u days, want %d", i, a.days_active, total);
            }
        } else {
            assert_true(a.days_active >= KT_MAX(da, db) && a.days_active <= da + db);
            assert_true((int)a.days_active <= total);
        }
        roundtrip(&a);
    }
}

static void test_merge_caps_and_edges(void **state)
{
    (void)state;
    /* Two baselines with 20 addresses each, 10 in common: the 24 most used survive. */
    struct kt_baseline a, b, e;
    kt_baseline_init(&a);
    kt_baseline_init(&b);
    kt_baseline_init(&e);
    char ip[32];
    for (int i = 0; i < 20; i++) {
        snprintf(ip, sizeof(ip), "192.0.2.%d", i);
        for (int k = 0; k <= i; k++) {
            learn_at(&a, T0 + k, ip);
        }
        snprintf(ip, sizeof(ip), "192.0.2.%d", i + 10);
        for (int k = 0; k < 3; k++) {
            learn_at(&b, T0 + DAY_MS + k, ip);
        }
    }
    struct kt_baseline ab = a, ba = b;
    kt_baseline_merge(&ab, &b);
    kt_baseline_merge(&ba, &a);
    assert_bl_equal(&ab, &ba);
    assert_int_equal(used_items(ab.ips, KT_BL_IPS), KT_BL_IPS);
    /* 192.0.2.10..19 have 11..20 + 3 uses; 20..29 have 3; 0..9 have 1..10. */
    for (int i = 0; i < 30; i++) {
        snprintf(ip, sizeof(ip), "192.0.2.%d", i);
        /* Kept: .10-.19 (14..23 uses), .3-.9 (4..10), then of the eleven with 3 uses the
         * newer ones by value: .20-.26. */
        bool want = i >= 3 && i <= 26;
        if (kt_baseline_has_ip(&ab, S(ip)) != want) {
            fail_msg("address %d", i);
        }
    }
    assert_int_equal(ab.ips[0].count, 23);
    assert_int_equal(ab.events, a.events + b.events);

    /* Empty sides. */
    struct kt_baseline x = a;
    kt_baseline_merge(&x, &e);
    assert_bl_equal(&x, &a);
    x = e;
    kt_baseline_merge(&x, &a);
    assert_bl_equal(&x, &a);
    kt_baseline_merge(&x, &x);
    assert_bl_equal(&x, &a);
    kt_baseline_merge(NULL, &a);
    kt_baseline_merge(&x, NULL);
    assert_bl_equal(&x, &a);

    /* Places 10 km apart join, at the coordinates of the more used; a later last place wins. */
    struct kt_geo p1 = mk_geo("DE", 3320, 52.52, 13.405), p2 = mk_geo("DE", 3320, 52.52, 13.55);
    kt_baseline_init(&a);
    kt_baseline_init(&b);
    struct evspec s = {.ms = T0, .ip = "192.0.2.1"};
    learn(&a, &s, &p1);
    s.ms = T0 + 5;
    learn(&b, &s, &p2);
    s.ms = T0 + 6;
    learn(&b, &s, &p2);
    ab = a;
    kt_baseline_merge(&ab, &b);
    ba = b;
    kt_baseline_merge(&ba, &a);
    assert_bl_equal(&ab, &ba);
    assert_int_equal(ab.places[0].count, 3);
    assert_true(ab.places[0].lon == 13.55f);
    assert_int_equal(ab.places[1].count, 0);
    assert_true(ab.last_lon == 13.55f);
    assert_int_equal(ab.last_place_ms, T0 + 6);

    /* Rates: same open bucket adds, histories combine with the parallel variance. */
    kt_baseline_init(&a);
    kt_baseline_init(&b);
    for (int m = 0; m < 4; m++) {
        for (int k = 0; k < 2 + 2 * (m % 2); k++) { /* 2, 4, 2, 4 per minute */
            learn_at(&a, T0 + m * MIN_MS + k, "192.0.2.1");
        }
    }
    for (int m = 0; m < 4; m++) {
        for (int k = 0; k < 6; k++) {
            learn_at(&b, T0 + 10 * MIN_MS + m * MIN_MS + k, "192.0.2.1");
        }
    }
    kt_baseline_merge(&a, &b);
    /* a's open minute (4) is closed: history 2,4,2,4 and 6,6,6; b's last minute stays open. */
    assert_int_equal(a.minute.buckets, 7);
    assert_int_equal(a.minute.count, 6);
    assert_int_equal(a.minute.max, 6);
    assert_true(fabs(a.minute.mean - 30.0 / 7.0) < 1e-4);
    double mean = 30.0 / 7.0, var = 0;
    const double xs[] = {2, 4, 2, 4, 6, 6, 6};
    for (int i = 0; i < 7; i++) {
        var += (xs[i] - mean) * (xs[i] - mean) / 7.0;
    }
    assert_true(fabs(a.minute.var - var) < 1e-4);
}

/* ---- the binary form -------------------------------------------------------------------- */

/* A busy key: more distinct values than any cap, from everywhere, with every kind of event. */
static void make_busy(struct kt_baseline *b)
{
    kt_baseline_init(b);
    uint64_t st = 99;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = kt_test_rand(&st);
        char ip[64], ua[48], path[64];
        if (r % 3 == 0) {
            snprintf(ip, sizeof(ip), "2001:db8:%x::%x", (unsigned)(r >> 8) % 40,
                     (unsigned)(r >> 16) % 500);
        } else {
            snprintf(ip, sizeof(ip), "198.%u.%u.%u", (unsigned)(r >> 8) % 40,
                     (unsigned)(r >> 16) % 250, (unsigned)(r >> 24) % 250);
        }
        snprintf(ua, sizeof(ua), "client-%u/1.%u", (unsigned)(r >> 32) % 20,
                 (unsigned)(r >> 40) % 3);
        snprintf(path, sizeof(path), "/v1/op%u/%u", (unsigned)(r >> 44) % 150, (unsigned)r);
        struct kt_geo g = mk_geo((const char[]){(char)('A' + (r >> 50) % 20), 'X', 0},
                                 (uint32_t)((r >> 52) % 60 + 1), (double)((r >> 36) % 140) - 70,
                                 (double)((r >> 28) % 340) - 170);
        struct evspec s = {.ms = T0 + i * 2 * MIN_MS + (int64_t)(r % 50000),
                           .ip = ip,
                           .method = "GET",
                           .path = path,
                           .status = r % 9 == 0 ? 429 : 200,
                           .ua = ua};
        learn(b, &s, &g);
    }
}

static void test_serialize_roundtrip_sizes(void **state)
{
    (void)state;
    struct kt_baseline busy, quiet;
    make_busy(&busy);
    kt_baseline_init(&quiet);
    struct kt_geo g = mk_geo("DE", 3320, 52.52, 13.405);
    for (int i = 0; i < 5; i++) {
        struct evspec s = {.ms = T0 + i * DAY_MS + 9 * HOUR_MS,
                           .ip = "192.0.2.14",
                           .method = "GET",
                           .path = "/api/v3/user",
                           .status = 200,
                           .ua = "GitHub CLI 2.62.0"};
        learn(&quiet, &s, &g);
    }
    /* The kinds of network seen survive the round trip (and merge by union). */
    struct kt_geo vps = mk_geo("RO", 64511, 44.43, 26.10);
    vps.hosting = true;
    struct evspec v = {.ms = T0 + 6 * DAY_MS, .ip = "203.0.113.5", .method = "GET", .path = "/",
                       .status = 200, .ua = "curl/8"};
    struct kt_baseline mixed = quiet;
    assert_int_equal(mixed.flags, KT_BL_NET_ACCESS);
    learn(&mixed, &v, &vps);
    assert_int_equal(mixed.flags, KT_BL_NET_ACCESS | KT_BL_NET_HOSTING);
    uint8_t fbuf[KT_BASELINE_MAX_BYTES];
    size_t fn = kt_baseline_serialize(&mixed, fbuf, sizeof(fbuf));
    struct kt_baseline back;
    assert_int_equal(kt_baseline_deserialize(&back, fbuf, fn), KT_OK);
    assert_int_equal(back.flags, KT_BL_NET_ACCESS | KT_BL_NET_HOSTING);
    /* So does "the last located use came out of a VPN exit" (a restart between a VPN use and
     * the next one must not turn that next one into impossible travel). */
    mixed.flags |= KT_BL_LAST_VPN;
    fn = kt_baseline_serialize(&mixed, fbuf, sizeof(fbuf));
    assert_int_equal(kt_baseline_deserialize(&back, fbuf, fn), KT_OK);
    assert_int_equal(back.flags, KT_BL_NET_ACCESS | KT_BL_NET_HOSTING | KT_BL_LAST_VPN);
    size_t nb = roundtrip(&busy), nq = roundtrip(&quiet);
    print_message("baseline: sizeof %zu bytes; serialised busy %zu, quiet %zu\n",
                  sizeof(struct kt_baseline), nb, nq);
    assert_true(nq < 200);
    assert_true(nb > nq && nb <= KT_BASELINE_MAX_BYTES);

    /* Too small a buffer is 0 at every size below the need, and nothing past cap is written. */
    uint8_t buf[KT_BASELINE_MAX_BYTES + 1];
    for (size_t cap = 0; cap < nb; cap++) {
        memset(buf, 0xee, sizeof(buf));
        assert_int_equal(kt_baseline_serialize(&busy, buf, cap), 0);
        assert_int_equal(buf[cap], 0xee);
    }
    assert_int_equal(kt_baseline_serialize(NULL, buf, sizeof(buf)), 0);
    assert_int_equal(kt_baseline_serialize(&busy, NULL, sizeof(buf)), 0);
}

/* The largest possible baseline: every slot used with the widest values. */
static void test_serialize_worst_case_fits(void **state)
{
    (void)state;
    struct kt_baseline b;
    kt_baseline_init(&b);
    b.events = UINT64_MAX;
    b.errors = UINT64_MAX;
    b.first_ms = -(INT64_C(2147483646) * DAY_MS) + 1;
    b.last_ms = INT64_C(2147483646) * DAY_MS - 1;
    b.last_day = (int32_t)(b.last_ms / DAY_MS);
    b.days_active = (uint32_t)((int64_t)b.last_day - (-INT64_C(2147483646)) + 1);
    int32_t old = INT32_MIN + 10;
    for (int i = 0; i < KT_BL_IPS; i++) {
        b.ips[i] = (struct kt_bl_item){0x06ffffffffffff00ULL + (uint64_t)i, UINT32_MAX, old};
    }
    for (int i = 0; i < KT_BL_NETS; i++) {
        b.nets[i] = (struct kt_bl_item){0x0600ffffffffff00ULL + (uint64_t)i, UINT32_MAX, old};
    }
    for (int i = 0; i < KT_BL_COUNTRIES; i++) {
        b.countries[i] = (struct kt_bl_country){
            .code = {'A', (char)('A' + i)}, .count = UINT32_MAX, .last_day = old};
    }
    for (int i = 0; i < KT_BL_ASNS; i++) {
        b.asns[i] = (struct kt_bl_item){UINT32_MAX - (uint64_t)i, UINT32_MAX, old};
    }
    for (int i = 0; i < KT_BL_PLACES; i++) {
        b.places[i] = (struct kt_bl_place){.lat = -89.9f + i,
                                           .lon = 179.9f - i,
                                           .accuracy_km = UINT16_MAX,
                                           .country = {'Z', 'Z'},
                                           .count = UINT32_MAX,
                                           .last_day = old};
    }
    for (int i = 0; i < KT_BL_AGENTS; i++) {
        b.agents[i] = (struct kt_bl_agent){
            .id = UINT64_MAX - (uint64_t)i, .count = UINT32_MAX, .last_day = old};
        memset(b.agents[i].name, 'a' + i, KT_BL_AGENT_NAME - 1);
    }
    for (size_t i = 0; i < sizeof(b.ops); i++) {
        b.ops[i] = (uint8_t)(0x55 + i * 7);
    }
    b.ops_count = UINT32_MAX;
    for (int h = 0; h < 24; h++) {
        b.hours[h] = UINT32_MAX;
    }
    for (int d = 0; d < 7; d++) {
        b.weekdays[d] = UINT32_MAX;
    }
    struct kt_bl_rate r = {.bucket_start_ms = -(INT64_C(2147483640) * DAY_MS),
                           .count = UINT32_MAX,
                           .max = UINT32_MAX,
                           .mean = 1e30f,
                           .var = 1e30f,
                           .buckets = UINT32_MAX};
    b.minute = b.hour = b.minute_errors = r;
    b.has_last_place = true;
    memcpy(b.last_country, "RO", 2);
    b.last_accuracy_km = UINT16_MAX;
    b.last_lat = -90.0f;
    b.last_lon = 180.0f;
    b.last_place_ms = b.first_ms;
    b.has_last_area = true;
    b.last_area_km = UINT16_MAX;
    b.last_area_lat = 90.0f;
    b.last_area_lon = -180.0f;
    b.last_area_ms = b.first_ms;
    size_t n = roundtrip(&b);
    print_message("baseline: worst-case serialised size %zu of %d\n", n, KT_BASELINE_MAX_BYTES);
    assert_true(n <= KT_BASELINE_MAX_BYTES);
}

static void test_deserialize_truncated_and_flipped(void **state)
{
    (void)state;
    struct kt_baseline busy, back;
    make_busy(&busy);
    uint8_t buf[KT_BASELINE_MAX_BYTES];
    size_t n = kt_baseline_serialize(&busy, buf, sizeof(buf));
    assert_true(n > 0);
    /* Every truncation fails, reading only what it was given, and leaves b empty. */
    for (size_t len = 0; len < n; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        memcpy(copy, buf, len);
        back = busy;
        assert_int_equal(kt_baseline_deserialize(&back, copy, len), KT_EPARSE);
        assert_int_equal(back.events, 0);
        assert_int_equal(back.ips[0].count, 0);
        free(copy);
    }
    /* A trailing byte, NULL input. */
    uint8_t longer[KT_BASELINE_MAX_BYTES + 1];
    memcpy(longer, buf, n);
    longer[n] = 0;
    assert_int_equal(kt_baseline_deserialize(&back, longer, n + 1), KT_EPARSE);
    assert_int_equal(kt_baseline_deserialize(&back, NULL, 0), KT_EPARSE);
    assert_int_equal(kt_baseline_deserialize(NULL, buf, n), KT_EINVAL);
    /* Every single-bit flip either fails or gives a baseline that round-trips. */
    unsigned accepted = 0;
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *copy = malloc(n);
            assert_non_null(copy);
            memcpy(copy, buf, n);
            copy[i] ^= (uint8_t)(1u << bit);
            if (kt_baseline_deserialize(&back, copy, n) == KT_OK) {
                accepted++;
                roundtrip(&back);
            }
            free(copy);
        }
    }
    print_message("baseline: %u of %zu single-bit flips still parse (and round-trip)\n", accepted,
                  n * 8);
}

/* Hand-built documents: one valid, and one per rule the parser enforces. */
struct doc {
    uint8_t b[4096];
    size_t n;
};

static void d_u8(struct doc *d, uint8_t v)
{
    d->b[d->n++] = v;
}

static void d_var(struct doc *d, uint64_t v)
{
    do {
        d_u8(d, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v != 0);
}

static void d_zz(struct doc *d, int64_t v)
{
    d_var(d, ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0));
}

static void d_u64(struct doc *d, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        d_u8(d, (uint8_t)(v >> (8 * i)));
    }
}

static void d_f32(struct doc *d, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    for (int i = 0; i < 4; i++) {
        d_u8(d, (uint8_t)(v >> (8 * i)));
    }
}

static void d_raw(struct doc *d, const char *s, size_t n)
{
    memcpy(d->b + d->n, s, n);
    d->n += n;
}

enum mut {
    M_NONE,
    M_VERSION0,
    M_VERSION2,
    M_FLAGS,
    M_ERRORS_GT_EVENTS,
    M_NO_EVENTS_BUT_TIME,
    M_SPAN_RANGE,
    M_PLACE_UNDATED,
    M_TIME_RANGE,
    M_DAYS_GT_SPAN,
    M_DAYS_ZERO,
    M_LAST_RANGE,
    M_IPS_TOO_MANY,
    M_IP_COUNT_ZERO,
    M_IP_DUP,
    M_IP_BAD_TAG,
    M_IP_V4_HIGH_BITS,
    M_NET_HOST_BITS,
    M_NET_NAME,
    M_NET_V6_WIDE,
    M_DAY_OVERFLOW,
    M_COUNTRY_LOWER,
    M_COUNTRY_DUP,
    M_ASN_ZERO,
    M_ASN_BIG,
    M_PLACE_NAN,
    M_PLACE_LAT,
    M_PLACE_ACC,
    M_PLACE_COUNTRY,
    M_AGENT_LEN0,
    M_AGENT_LONG,
    M_AGENT_CTRL,
    M_AGENT_NUL,
    M_AGENT_TOKEN,
    M_AGENT_DUP,
    M_OPS_MODE,
    M_OPS_GAP_RANGE,
    M_OPS_GAPS_NONE,
    M_OPS_COUNT_BIG,
    M_HOURS_ZERO,
    M_WEEKDAY_MASK,
    M_RATE_MISALIGNED,
    M_RATE_NEG_MEAN,
    M_RATE_NAN_VAR,
    M_RATE_RANGE,
    M_RATE_EMPTY_MAX,
    M_VARINT_OVERLONG,
    M_VARINT_11,
    M_LAST_PLACE_TIME,
    M_LAST_PLACE_COUNTRY,
    M_TRAILING,
    M__COUNT
};

static const char *const mut_names[M__COUNT] = {
    "none",
    "version 0",
    "version 2",
    "flags",
    "errors > events",
    "no events but times",
    "span out of range",
    "last place but undated",
    "time out of range",
    "days > span",
    "days 0",
    "last out of range",
    "too many ips",
    "ip count 0",
    "duplicate ip",
    "ip bad tag",
    "v4 high bits",
    "net host bits",
    "net name",
    "v6 net > 48 bits",
    "day overflow",
    "country lower case",
    "duplicate country",
    "asn 0",
    "asn > 32 bits",
    "place NaN",
    "place lat",
    "place accuracy",
    "place country",
    "agent name empty",
    "agent name long",
    "agent name control",
    "agent name NUL",
    "agent name token",
    "duplicate agent",
    "ops mode",
    "ops gap range",
    "ops gaps none",
    "ops_count > 32 bits",
    "hour zero",
    "weekday mask",
    "rate misaligned",
    "rate negative mean",
    "rate NaN var",
    "rate start out of range",
    "rate empty max",
    "overlong varint",
    "11-byte varint",
    "last place time",
    "last place country",
    "trailing byte",
};

/* A rate whose open bucket starts at last_ms (written as last_ms - start). */
static void d_rate(struct doc *d, enum mut m, int which)
{
    bool me = which == 0;
    d_zz(d, m == M_RATE_RANGE && me ? INT64_MIN + 1 : m == M_RATE_MISALIGNED && me ? 1 : 0);
    d_var(d, 1);
    d_var(d, 3);
    d_f32(d, m == M_RATE_NEG_MEAN && me ? -1.0f : 2.0f);
    d_f32(d, m == M_RATE_NAN_VAR && me ? NAN : 0.5f);
    d_var(d, m == M_RATE_EMPTY_MAX && me ? 0 : 4);
}

static void build(struct doc *d, enum mut m)
{
    const int64_t first = T0 + HOUR_MS, last = T0 + 2 * DAY_MS + 5 * HOUR_MS;
    const int32_t last_day = DAY0 + 2;
    d->n = 0;
    d_u8(d, m == M_VERSION0 ? 0 : m == M_VERSION2 ? 2 : 1);
    /* Flags: a last place (0x01), dated (0x02); 0x04, 0x08 and 0x10 are network kinds. */
    d_u8(d, m == M_FLAGS ? 0x23 : m == M_PLACE_UNDATED ? 0x01 : 0x03); /* bit 5 is unused */
    d_var(d, m == M_NO_EVENTS_BUT_TIME ? 0 : 10);
    d_var(d, m == M_ERRORS_GT_EVENTS ? 11 : m == M_NO_EVENTS_BUT_TIME ? 0 : 2);
    if (m == M_VARINT_OVERLONG) {
        /* 2^64 as an 11th-bit varint: ten bytes with the last one too big. */
        for (int i = 0; i < 9; i++) {
            d_u8(d, 0xff);
        }
        d_u8(d, 0x03);
    } else if (m == M_VARINT_11) {
        for (int i = 0; i < 10; i++) {
            d_u8(d, 0x80);
        }
        d_u8(d, 0x00);
    } else {
        d_zz(d, m == M_TIME_RANGE ? INT64_MIN + 5 : first);
    }
    d_var(d, m == M_SPAN_RANGE   ? UINT64_MAX
             : m == M_LAST_RANGE ? (uint64_t)(INT64_C(2147483646) * DAY_MS * 2 - 1)
                                 : (uint64_t)(last - first));
    d_var(d, m == M_DAYS_GT_SPAN ? 4 : m == M_DAYS_ZERO ? 0 : 3);
    /* ips: 192.0.2.14, and 2001:db8::/hash */
    size_t n_ips = m == M_IPS_TOO_MANY ? KT_BL_IPS + 1 : 2;
    d_var(d, n_ips);
    for (size_t i = 0; i < n_ips; i++) {
        uint64_t id = i == 0 ? 0x04000000c000020eULL : 0x06123456789abcdeULL + i;
        if (i == 1 && m == M_IP_DUP) {
            id = 0x04000000c000020eULL;
        } else if (i == 1 && m == M_IP_BAD_TAG) {
            id = 0x05123456789abcdeULL;
        } else if (i == 0 && m == M_IP_V4_HIGH_BITS) {
            id = 0x04000001c000020eULL;
        }
        d_u64(d, id);
        d_var(d, i == 1 && m == M_IP_COUNT_ZERO ? 0 : 7);
        if (i == 0 && m == M_DAY_OVERFLOW) {
            d_zz(d, (int64_t)last_day - INT32_MIN + 1); /* a day below INT32_MIN */
        } else {
            d_zz(d, 0);
        }
    }
    d_var(d, 1);
    d_u64(d, m == M_NET_HOST_BITS ? 0x04000000c0000201ULL
             : m == M_NET_NAME    ? 0x0e00000000000001ULL
             : m == M_NET_V6_WIDE ? 0x0601000000000000ULL
                                  : 0x04000000c0000200ULL);
    d_var(d, 7);
    d_zz(d, 1);
    /* countries */
    d_var(d, m == M_COUNTRY_DUP ? 2 : 1);
    d_raw(d, m == M_COUNTRY_LOWER ? "de" : "DE", 2);
    d_var(d, 9);
    d_zz(d, 0);
    if (m == M_COUNTRY_DUP) {
        d_raw(d, "DE", 2);
        d_var(d, 1);
        d_zz(d, 0);
    }
    /* asns */
    d_var(d, 1);
    d_var(d, m == M_ASN_ZERO ? 0 : m == M_ASN_BIG ? UINT64_C(0x100000000) : 3320);
    d_var(d, 9);
    d_zz(d, 0);
    /* places */
    d_var(d, 1);
    d_f32(d, m == M_PLACE_NAN ? NAN : m == M_PLACE_LAT ? 90.5f : 52.52f);
    d_f32(d, 13.405f);
    d_var(d, m == M_PLACE_ACC ? 70000 : 20);
    d_raw(d, m == M_PLACE_COUNTRY ? "D\0" : "DE", 2);
    d_var(d, 9);
    d_zz(d, 0);
    /* agents */
    d_var(d, m == M_AGENT_DUP ? 2 : 1);
    for (int i = 0; i < (m == M_AGENT_DUP ? 2 : 1); i++) {
        d_u64(d, 0x1122334455667788ULL);
        d_var(d, 9);
        d_zz(d, 0);
        const char *name = m == M_AGENT_CTRL    ? "git\x01/2"
                           : m == M_AGENT_NUL   ? "git\0/2"
                           : m == M_AGENT_TOKEN ? "AKIAIOSFODNN7EXAMPLE"
                           : m == M_AGENT_LONG  ? "abcdefghijklmnopqrstuvwx"
                                                : "git/2.47.1";
        size_t len = m == M_AGENT_NUL ? 6 : m == M_AGENT_LEN0 ? 0 : strlen(name);
        d_u8(d, (uint8_t)len);
        d_raw(d, name, len);
    }
    /* ops: three bits by gaps */
    d_u8(d, m == M_OPS_MODE ? 3 : 1);
    d_var(d, m == M_OPS_GAPS_NONE ? 0 : 3);
    if (m != M_OPS_GAPS_NONE) {
        d_var(d, 5);
        d_var(d, 100);
        d_var(d, m == M_OPS_GAP_RANGE ? 1000 : 200);
    }
    d_var(d, m == M_OPS_COUNT_BIG ? UINT64_C(0x100000000) : 1);
    /* hours: 9h = 10; weekdays: Monday.. */
    d_u8(d, 0x00);
    d_u8(d, 0x02);
    d_u8(d, 0x00);
    d_var(d, m == M_HOURS_ZERO ? 0 : 10);
    d_u8(d, m == M_WEEKDAY_MASK ? 0x81 : 0x01);
    d_var(d, 10);
    d_rate(d, m, 0);
    d_rate(d, M_NONE, 1);
    d_rate(d, M_NONE, 2);
    /* last place */
    d_raw(d, m == M_LAST_PLACE_COUNTRY ? "R1" : "RO", 2);
    d_var(d, 20);
    d_f32(d, 44.4268f);
    d_f32(d, 26.1025f);
    d_zz(d, m == M_LAST_PLACE_TIME ? INT64_MAX : 0);
    if (m == M_TRAILING) {
        d_u8(d, 0);
    }
}

static void test_deserialize_hostile(void **state)
{
    (void)state;
    struct doc d;
    struct kt_baseline b;
    build(&d, M_NONE);
    assert_int_equal(kt_baseline_deserialize(&b, d.b, d.n), KT_OK);
    assert_int_equal(b.events, 10);
    assert_int_equal(b.days_active, 3);
    assert_true(kt_baseline_has_ip(&b, S("192.0.2.14")));
    assert_true(kt_baseline_has_net(&b, S("192.0.2.1")));
    assert_true(kt_baseline_has_country(&b, "DE"));
    assert_true(kt_baseline_has_asn(&b, 3320));
    assert_string_equal(b.agents[0].name, "git/2.47.1");
    assert_int_equal(b.ips[0].last_day, DAY0 + 2);
    assert_int_equal(b.nets[0].last_day, DAY0 + 1);
    assert_int_equal(b.ops[0], 1u << 5);
    assert_int_equal(b.ops[106 / 8], 1u << (106 % 8));
    assert_int_equal(b.hours[9], 10);
    assert_true(b.has_last_place);
    assert_int_equal(b.first_ms, T0 + HOUR_MS);
    assert_int_equal(b.last_ms, T0 + 2 * DAY_MS + 5 * HOUR_MS);
    assert_int_equal(b.last_day, DAY0 + 2);
    assert_int_equal(b.last_place_ms, b.last_ms);
    assert_int_equal(b.minute.bucket_start_ms, b.last_ms);
    roundtrip(&b);
    for (int m = 1; m < M__COUNT; m++) {
        build(&d, (enum mut)m);
        uint8_t *copy = malloc(d.n);
        assert_non_null(copy);
        memcpy(copy, d.b, d.n);
        b.events = 77;
        enum kt_rc rc = kt_baseline_deserialize(&b, copy, d.n);
        if (rc != KT_EPARSE) {
            fail_msg("mutation \"%s\" was accepted", mut_names[m]);
        }
        assert_int_equal(b.events, 0);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_and_size),
        cmocka_unit_test(test_is_error),
        cmocka_unit_test(test_op_key_table),
        cmocka_unit_test(test_op_key_bounds_and_tokens),
        cmocka_unit_test(test_op_display),
        cmocka_unit_test(test_learn_counts_and_addresses),
        cmocka_unit_test(test_days_and_weekdays),
        cmocka_unit_test(test_learn_without_time),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_places_and_last_place),
        cmocka_unit_test(test_last_area),
        cmocka_unit_test(test_agent_names),
        cmocka_unit_test(test_products),
        cmocka_unit_test(test_established_address),
        cmocka_unit_test(test_last_use_vpn_exit),
        cmocka_unit_test(test_flood_keeps_established),
        cmocka_unit_test(test_eviction_order),
        cmocka_unit_test(test_ops_filter),
        cmocka_unit_test(test_merge_split_property),
        cmocka_unit_test(test_merge_days_estimate),
        cmocka_unit_test(test_merge_caps_and_edges),
        cmocka_unit_test(test_serialize_roundtrip_sizes),
        cmocka_unit_test(test_serialize_worst_case_fits),
        cmocka_unit_test(test_deserialize_truncated_and_flipped),
        cmocka_unit_test(test_deserialize_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
