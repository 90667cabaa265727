/* Detection inputs: the JSON config, network sets (--ip-list, allowlists), the leaked list. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "leaked.h"
#include "netset.h"

static char *write_tmp(const char *text)
{
    char *p = kt_test_tmpfile(text, strlen(text));
    assert_non_null(p);
    return p;
}

static void test_defaults(void **state)
{
    (void)state;
    struct kt_config cfg;
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    int d = kt_config_detector_index("impossible_travel");
    assert_true(d >= 0);
    assert_true(cfg.enabled[d]);
    assert_true(cfg.knobs[d][0] == kt_detector_find("impossible_travel")->knobs[0].def);
    assert_true(cfg.rotate_at > cfg.investigate_at);
    assert_int_equal(kt_config_detector_index("nope"), -1);
    kt_config_fini(&cfg);
}

static void test_load_good(void **state)
{
    (void)state;
    char *path = write_tmp(
        "{\n"
        "  \"maturity\": { \"min_days\": 7, \"min_events\": 100 },\n"
        "  \"verdict\": { \"rotate\": 80, \"investigate\": 50 },\n"
        "  \"broad\": { \"countries\": 10 },\n"
        "  \"detectors\": {\n"
        "    \"impossible_travel\": { \"max_speed_kmh\": 1000 },\n"
        "    \"unusual_hour\": { \"enabled\": false }\n"
        "  },\n"
        "  \"allow\": {\n"
        "    \"keys\": [\"kt1-0123456789abcdef01234567\"],\n"
        "    \"networks\": [\"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.7\"],\n"
        "    \"asns\": [64500],\n"
        "    \"countries\": [\"DE\"]\n"
        "  }\n"
        "}\n");
    struct kt_config cfg;
    struct kt_err err;
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    assert_int_equal(kt_config_load(&cfg, path, &err), KT_OK);
    assert_true(cfg.min_days == 7 && cfg.min_events == 100);
    assert_true(cfg.rotate_at == 80 && cfg.investigate_at == 50 && cfg.broad_countries == 10);
    int travel = kt_config_detector_index("impossible_travel");
    assert_true(cfg.knobs[travel][0] == 1000);
    assert_false(cfg.enabled[kt_config_detector_index("unusual_hour")]);
    struct kt_keyid k;
    assert_true(kt_keyid_parse(kt_str_cstr("kt1-0123456789abcdef01234567"), &k));
    assert_true(kt_config_allows_key(&cfg, &k));
    assert_true(kt_config_allows_asn(&cfg, 64500));
    assert_false(kt_config_allows_asn(&cfg, 64501));
    assert_false(kt_config_allows_asn(&cfg, 0));
    assert_true(kt_config_allows_country(&cfg, "DE"));
    assert_false(kt_config_allows_country(&cfg, "RO"));
    assert_non_null(kt_netset_match(cfg.allow_networks, kt_str_cstr("10.20.30.40")));
    assert_non_null(kt_netset_match(cfg.allow_networks, kt_str_cstr("2001:db8::5")));
    assert_non_null(kt_netset_match(cfg.allow_networks, kt_str_cstr("192.0.2.7")));
    assert_null(kt_netset_match(cfg.allow_networks, kt_str_cstr("192.0.2.8")));
    kt_config_fini(&cfg);
    unlink(path);
    free(path);
}

struct bad_case {
    const char *text;
    const char *want; /* a substring of the error */
};

static const struct bad_case bad_cases[] = {
    { "{\"maturity\": {\"min_days\": 3,}}", "invalid JSON" },
    { "{\n\n  \"verdict\": [\n", "invalid JSON" },
    { "[1,2]", "expected an object" },
    { "{\"colour\": {}}", "unknown section" },
    { "{\"maturity\": {\"min_dayz\": 3}}", "maturity.min_dayz: unknown setting" },
    { "{\"maturity\": {\"min_days\": \"3\"}}", "expected a number" },
    { "{\"maturity\": {\"min_days\": -1}}", "must be between" },
    { "{\"verdict\": {\"rotate\": 30, \"investigate\": 60}}", "investigate must not be above" },
    { "{\"detectors\": {\"new_contry\": {}}}", "detectors.new_contry: unknown detector" },
    { "{\"detectors\": {\"new_country\": {\"speed\": 1}}}", "new_country.speed: unknown knob" },
    { "{\"detectors\": {\"new_country\": {\"enabled\": 1}}}", "expected true or false" },
    { "{\"allow\": {\"keys\": [\"kt1-zz\"]}}", "not a key id" },
    { "{\"allow\": {\"networks\": [\"10.0.0.0/33\"]}}", "not an address or network" },
    { "{\"allow\": {\"asns\": [\"x\"]}}", "expected an AS number" },
    { "{\"allow\": {\"countries\": [\"Germany\"]}}", "two-letter country code" },
    { "{\"allow\": {\"people\": []}}", "unknown list" },
};

static void test_load_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        char *path = write_tmp(bad_cases[i].text);
        struct kt_config cfg;
        struct kt_err err;
        kt_err_clear(&err);
        assert_int_equal(kt_config_init(&cfg), KT_OK);
        assert_int_equal(kt_config_load(&cfg, path, &err), KT_EPARSE);
        if (strstr(err.msg, bad_cases[i].want) == NULL) {
            fail_msg("case %zu: error '%s' lacks '%s'", i, err.msg, bad_cases[i].want);
        }
        assert_non_null(strstr(err.where, path));
        kt_config_fini(&cfg);
        unlink(path);
        free(path);
    }
    struct kt_config cfg;
    struct kt_err err;
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    assert_int_equal(kt_config_load(&cfg, "/nonexistent/keytrail.json", &err), KT_EOPEN);
    kt_config_fini(&cfg);
    /* A syntax error names its line. */
    char *path = write_tmp("{\n\"maturity\": {\n\"min_days\": 3\n,,\n}}\n");
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    assert_int_equal(kt_config_load(&cfg, path, &err), KT_EPARSE);
    assert_non_null(strstr(err.where, ":4"));
    kt_config_fini(&cfg);
    unlink(path);
    free(path);
}

static void test_netset(void **state)
{
    (void)state;
    struct kt_netset *set;
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("203.0.113.0/24"), kt_str_cstr("wide")),
                     KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("203.0.113.128/25"), kt_str_cstr("narrow")),
                     KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("2001:db8:1::/48"), KT_STR_NULL), KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("0.0.0.0/0"), kt_str_cstr("all")), KT_OK);
    assert_string_equal(kt_netset_match(set, kt_str_cstr("203.0.113.200")), "narrow");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("203.0.113.5")), "wide");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("8.8.8.8")), "all");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("2001:db8:1:2::9")), "");
    assert_null(kt_netset_match(set, kt_str_cstr("2001:db8:2::9")));
    assert_null(kt_netset_match(set, kt_str_cstr("AWS Internal")));
    static const char *const bad[] = { "10.0.0.0/33", "10.0.0/8", "::/129", "x", "10.0.0.0/",
                                       "10.0.0.0/8x", "" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(kt_netset_add(set, kt_str_cstr(bad[i]), KT_STR_NULL), KT_EINVAL);
    }
    /* Many entries stay exact. */
    char cidr[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(cidr, sizeof(cidr), "10.%d.%d.0/24", i / 256, i % 256);
        assert_int_equal(kt_netset_add(set, kt_str_cstr(cidr), kt_str_cstr("bulk")), KT_OK);
    }
    assert_string_equal(kt_netset_match(set, kt_str_cstr("10.11.183.77")), "bulk");
    assert_int_equal(kt_netset_count(set), 3004);
    kt_netset_free(set);
    kt_netset_free(NULL);

    char *path = write_tmp("# tor exits\n185.220.101.0/24 tor-exit\n\n192.0.2.9,scanner\n"
                           "2001:db8::/32\tdocs\n");
    assert_int_equal(kt_netset_new(&set), KT_OK);
    struct kt_err err;
    assert_int_equal(kt_netset_load(set, path, &err), KT_OK);
    assert_string_equal(kt_netset_match(set, kt_str_cstr("185.220.101.44")), "tor-exit");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("192.0.2.9")), "scanner");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("2001:db8::1")), "docs");
    kt_netset_free(set);
    unlink(path);
    free(path);
    path = write_tmp("10.0.0.0/8\nnot-an-address\n");
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_load(set, path, &err), KT_EPARSE);
    assert_non_null(strstr(err.where, ":2"));
    kt_netset_free(set);
    unlink(path);
    free(path);
}

static void test_leaked(void **state)
{
    (void)state;
    /* The token appears in the file, as users will write it; it never reaches err. */
    const char *tok = "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";
    struct kt_cand cand = { KT_CAND_EXPLICIT, kt_str_cstr(tok) };
    struct kt_cred cred;
    assert_true(kt_cred_recognise(&cand, &cred));
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&cred.key, id);
    char text[512];
    snprintf(text, sizeof(text),
             "# leaked on 2 November\n%s 2026-11-02T14:00Z\nkt1-0123456789abcdef01234567\n"
             "Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc 2026-11-01\n",
             tok);
    char *path = write_tmp(text);
    struct kt_leaked *l;
    struct kt_err err;
    assert_int_equal(kt_leaked_load(&l, path, &err), KT_OK);
    assert_int_equal(kt_leaked_count(l), 3);
    int64_t t;
    assert_true(kt_leaked_lookup(l, &cred.key, &t));
    assert_int_equal(t, 1793628000000LL); /* 2026-11-02T14:00Z */
    struct kt_keyid other;
    assert_true(kt_keyid_parse(kt_str_cstr("kt1-0123456789abcdef01234567"), &other));
    assert_true(kt_leaked_lookup(l, &other, &t));
    assert_int_equal(t, KT_TIME_NONE);
    memset(other.b, 0, sizeof(other.b));
    assert_false(kt_leaked_lookup(l, &other, &t));
    assert_false(kt_leaked_lookup(NULL, &other, &t));
    kt_leaked_free(l);
    unlink(path);
    free(path);

    path = write_tmp("kt1-0123456789abcdef01234567\n   \n\x01\x02\n");
    kt_err_clear(&err);
    assert_int_equal(kt_leaked_load(&l, path, &err), KT_EPARSE);
    assert_non_null(strstr(err.where, ":3"));
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_load_good),
        cmocka_unit_test(test_load_bad),
        cmocka_unit_test(test_netset),
        cmocka_unit_test(test_leaked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
