/* The JSON config (src/config.c): settings, allowlists, and the errors a mistyped file gets. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
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
    /* The risk scoring and hindsight defaults the README documents. */
    assert_true(cfg.risk_window_hours == 24 && cfg.risk_refused_weight == 0.5 &&
                cfg.risk_agree_at == 25 && cfg.risk_bonus_two == 15 &&
                cfg.risk_bonus_three == 25 && cfg.risk_critical == 95);
    assert_true(cfg.move_overlap_days == 7 && cfg.move_silent_days == 2 &&
                cfg.move_min_days == 3 && cfg.move_volume == 3);
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
        "  \"risk\": { \"window_hours\": 12, \"refused_weight\": 0.25, \"agree_at\": 30,\n"
        "            \"bonus_two_aspects\": 10, \"bonus_three_aspects\": 20, \"critical\": 90 },\n"
        "  \"move\": { \"overlap_days\": 5, \"silent_days\": 1, \"min_days\": 4,\n"
        "            \"volume_factor\": 2.5 },\n"
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
    assert_true(cfg.risk_window_hours == 12 && cfg.risk_refused_weight == 0.25 &&
                cfg.risk_agree_at == 30 && cfg.risk_bonus_two == 10 &&
                cfg.risk_bonus_three == 20 && cfg.risk_critical == 90);
    assert_true(cfg.move_overlap_days == 5 && cfg.move_silent_days == 1 &&
                cfg.move_min_days == 4 && cfg.move_volume == 2.5);
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
    { "{\n\n  \"verdict\": [\n", "the file ends inside the JSON" },
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
    { "{\"risk\": {\"window\": 24}}", "risk.window: unknown setting" },
    { "{\"risk\": {\"window_hours\": 0}}", "risk.window_hours: must be between 0.01 and 8760" },
    { "{\"risk\": {\"refused_weight\": 1.5}}", "risk.refused_weight: must be between 0 and 1" },
    { "{\"risk\": {\"critical\": 101}}", "risk.critical: must be between" },
    { "{\"risk\": {\"bonus_two_aspects\": 30}}", "bonus_two_aspects must not be above" },
    { "{\"risk\": 5}", "risk: expected an object" },
    { "{\"move\": {\"min_days\": 0}}", "move.min_days: must be between 1 and 365" },
    { "{\"move\": {\"volume_factor\": 0.5}}", "move.volume_factor: must be between 1 and" },
    { "{\"move\": {\"overlap_days\": \"7\"}}", "expected a number" },
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

struct line_case {
    const char *text;
    size_t len;       /* 0: strlen(text) */
    const char *want; /* a substring of the message */
    unsigned line;    /* the line named in err.where; 0: no line, only the file */
};

static const struct line_case line_cases[] = {
    { "", 0, "empty: expected a JSON object", 0 },
    { "  \n\n", 0, "empty: expected a JSON object", 0 },
    { "{\n  \"maturity\": {\n    \"min_days\": 3\n", 0, "the file ends inside the JSON", 3 },
    { "{\n  \"maturity\": {\n    \"min_days\": \"3", 0, "the file ends inside the JSON", 3 },
    { "{\"maturity\": {\"min_days\": 3}}\n x\n", 0, "invalid JSON: unexpected character", 2 },
    { "{\"maturity\": {\"min_days\": 3}}{}", 0, "invalid JSON", 1 },
    { "{\n\"maturity\": {\n\"min_days\": 3\n,,\n}}\n", 0, "invalid JSON", 4 },
    { "{\n\"a\": \x01}", 0, "control byte", 2 },
    { "{\n\"a\"\0: 1}", 8, "control byte", 2 },
    { "{}\n\0{\"maturity\": {\"min_days\": -1}}", 34, "control byte", 2 },
    { "\n\n[1]", 0, "(top level): expected an object", 3 },
    { "\n 7", 0, "(top level): expected an object", 2 },
    { "{\n  \"colour\": {}\n}", 0, "colour: unknown section", 2 },
    { "{\n \"detectors\": {\n  \"new_country\": {\n   \"speed\": 1}}}", 0,
     "detectors.new_country.speed: unknown knob", 4 },
    { "{\"allow\": {\n\"networks\": [\n\"10.0.0.0/8\",\n\"10.0.0.0/33\"]}}", 0,
     "allow.networks[1]: not an address", 4 },
    { "{\n\"verdict\": {\"rotate\": 30, \"investigate\": 60}}", 0,
     "verdict: investigate must not be above", 2 },
    { "{\"maturity\":\n{\"min_days\":\n-1}}", 0, "maturity.min_days: must be between", 2 },
};

static void test_load_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(line_cases); i++) {
        const struct line_case *c = &line_cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        char *path = kt_test_tmpfile(c->text, len);
        assert_non_null(path);
        struct kt_config cfg;
        struct kt_err err;
        kt_err_clear(&err);
        assert_int_equal(kt_config_init(&cfg), KT_OK);
        assert_int_equal(kt_config_load(&cfg, path, &err), KT_EPARSE);
        char where[600];
        if (c->line > 0) {
            snprintf(where, sizeof(where), "%s:%u", path, c->line);
        } else {
            snprintf(where, sizeof(where), "%s", path);
        }
        if (strstr(err.msg, c->want) == NULL || strcmp(err.where, where) != 0) {
            fail_msg("case %zu: got '%s: %s', want '%s: ...%s...'", i, err.where, err.msg, where,
                     c->want);
        }
        /* Never "continue", json-c's name for "needs more input". */
        assert_null(strstr(err.msg, "continue"));
        kt_config_fini(&cfg);
        unlink(path);
        free(path);
    }
}

static const struct line_case dup_cases[] = {
    { "{\n\"maturity\": {\"min_days\": 3},\n\"maturity\": {\"min_events\": 5}\n}", 0,
     "maturity: set twice", 3 },
    { "{\"maturity\": {\"min_days\": 3,\n \"min_days\": 30}}", 0, "maturity.min_days: set twice", 2 },
    { "{\"maturity\": {\"min_days\": 3, \"min_d\\u0061ys\": 30}}", 0, "maturity.min_days: set twice",
     1 },
    { "{\"detectors\": {\"new_country\": {\"enabled\": true},\n\"new_country\": {}}}", 0,
     "detectors.new_country: set twice", 2 },
    { "{\"verdict\": {\n\"rotate\": 80,\n\"investigate\": 10,\n\"investigate\": 20,\n"
     "\"rotate\": 90}}",
     0, "verdict.investigate: set twice", 4 },
    { "{\"allow\": {\"keys\": [], \"asns\": [1], \"keys\": []}}", 0, "allow.keys: set twice", 1 },
};

static void test_duplicates(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(dup_cases); i++) {
        const struct line_case *c = &dup_cases[i];
        struct kt_config cfg;
        struct kt_err err;
        kt_err_clear(&err);
        assert_int_equal(kt_config_init(&cfg), KT_OK);
        assert_int_equal(kt_config_load_buffer(&cfg, "dup.json", c->text, strlen(c->text), &err),
                         KT_EPARSE);
        char where[64];
        snprintf(where, sizeof(where), "dup.json:%u", c->line);
        if (strstr(err.msg, c->want) == NULL || strcmp(err.where, where) != 0) {
            fail_msg("case %zu: got '%s: %s', want '%s: %s'", i, err.where, err.msg, where,
                     c->want);
        }
        kt_config_fini(&cfg);
    }
    /* The same names in different objects are not duplicates. */
    static const char ok[] =
        "{\"detectors\": {\"new_country\": {\"enabled\": true}, \"new_asn\": {\"enabled\": "
        "false}},\n \"allow\": {\"networks\": [\"10.0.0.0/8\", \"10.0.0.0/8\"]}}";
    struct kt_config cfg;
    struct kt_err err;
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    assert_int_equal(kt_config_load_buffer(&cfg, "ok.json", ok, strlen(ok), &err), KT_OK);
    assert_false(cfg.enabled[kt_config_detector_index("new_asn")]);
    kt_config_fini(&cfg);
}

static void test_buffer(void **state)
{
    (void)state;
    /* An exact-size buffer, not NUL-terminated, with a byte-order mark in front. */
    static const char text[] = "\xef\xbb\xbf{\"verdict\": {\"rotate\": 90}}";
    size_t len = sizeof(text) - 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, text, len);
    struct kt_config cfg;
    struct kt_err err;
    assert_int_equal(kt_config_init(&cfg), KT_OK);
    assert_int_equal(kt_config_load_buffer(&cfg, "mem", buf, len, &err), KT_OK);
    assert_true(cfg.rotate_at == 90);
    /* Cut anywhere, it is refused with a line, never accepted half-read. */
    for (size_t cut = 0; cut < len; cut++) {
        kt_err_clear(&err);
        assert_int_equal(kt_config_load_buffer(&cfg, "mem", buf, cut, &err), KT_EPARSE);
        assert_true(strncmp(err.where, "mem", 3) == 0);
    }
    free(buf);
    kt_config_fini(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_load_good),
        cmocka_unit_test(test_load_bad),
        cmocka_unit_test(test_load_lines),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
