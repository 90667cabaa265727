/*
 * The user-agent normaliser: product and major version, CloudTrail's [...] wrapper and SDK
 * parts, browsers by browser and OS, tooling by name, small capacities; and the display rule
 * (display name, and the cleaned, redacted, cut copy stored and shown).
 */
#include "testutil.h"

#include <keytrail/detector.h>
#include <keytrail/useragent.h>

#include <stdio.h>
#include <zlib.h>

#include "utf8.h"

static void test_normalise_table(void **state)
{
    (void)state;
    static const struct {
        const char *ua, *want;
    } cases[] = {
        { "Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165", "Boto3/1" },
        { "[Boto3/1.26.170 Python/3.10.6 Linux/5.19.0 Botocore/1.29.170]", "Boto3/1" },
        { "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10]", "S3Console/0" },
        { "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11 "
          "exe/x86_64.ubuntu.22 md/command#iam.list-users",
          "aws-cli/2" },
        { "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024",
          "aws-cli/2 (Kali)" },
        { "aws-sdk-go-v2/1.17.0 os/linux lang/go/1.18.10 md/GOOS/linux api/sts/1.16.19",
          "aws-sdk-go-v2/1" },
        { "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/114.0",
          "Firefox/114 (Linux)" },
        { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
          "Gecko) Chrome/107.0.0.0 Safari/537.36",
          "Chrome/107 (macOS)" },
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
          "Edge/120 (Windows)" },
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
          "Safari/17 (iOS)" },
        { "stratus-red-team_9e44f427-c19d-48da-921d-8d3e0b0c6d2a", "Stratus Red Team" },
        { "aws-cli/1.18 Pacu/1.5.1", "Pacu" },
        { "Scout Suite/5.12 ScoutSuite", "ScoutSuite" },
        { "GitHub CLI 2.62.0", "GitHub CLI 2" },
        { "kubectl/v1.28.2 (linux/amd64) kubernetes/89a4ea3", "kubectl/1" },
        { "Stripe/v1 PythonBindings/7.0.0", "Stripe/1" },
        { "tool/vx", "tool/vx" },
        { "AWS Internal", "AWS Internal" },
        { "Some Bot (+http://example.com/bot)", "Some Bot" },
        { "", "" },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char out[KT_UA_NORM_MAX];
        size_t n = kt_ua_normalise(kt_str_cstr(cases[i].ua), out, sizeof(out));
        if (strcmp(out, cases[i].want) != 0 || n != strlen(out)) {
            fail_msg("case %zu: got \"%s\" (%zu), want \"%s\"", i, out, n, cases[i].want);
        }
    }
}

static void test_same_client_across_versions(void **state)
{
    (void)state;
    char a[KT_UA_NORM_MAX], b[KT_UA_NORM_MAX];
    kt_ua_normalise(kt_str_cstr("git/2.47.1"), a, sizeof(a));
    kt_ua_normalise(kt_str_cstr("git/2.45.2"), b, sizeof(b));
    assert_string_equal(a, b);
    kt_ua_normalise(kt_str_cstr("git/3.0.0"), b, sizeof(b));
    assert_string_not_equal(a, b);
}

static void test_small_capacity(void **state)
{
    (void)state;
    char out[6];
    size_t n = kt_ua_normalise(kt_str_cstr("python-requests/2.32.3"), out, sizeof(out));
    assert_int_equal(n, 5);
    assert_string_equal(out, "pytho");
    assert_int_equal(kt_ua_normalise(kt_str_cstr("x/1"), out, 0), 0);
    char ctl[16];
    kt_ua_normalise(kt_str_make("a\x01\xc3/1", 5), ctl, sizeof(ctl));
    assert_string_equal(ctl, "a?" "?/1");
}

/* The display rule shared by the baseline's agent names and the detectors' reasons. */
static void test_display_name(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"python-requests/2.32.3", "python-requests/2.32.3"},
        {"  aws-cli/2.15.30 Python/3.11.6 Linux/6.6.9-amd64  ", "aws-cli/2.15.30"},
        {"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/114.0", "Mozilla/5.0"},
        {"GitHub CLI 2.62.0", "GitHub CLI 2.62.0"},
        {"ledger worker (build 7)", "ledger worker"},
        {"(compatible)", ""},
        {"", ""},
        {"   ", ""},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        struct kt_str got = kt_ua_display_name(kt_str_cstr(cases[i][0]));
        if (!kt_str_eq_cstr(got, cases[i][1])) {
            fail_msg("'%s': got '%.*s', want '%s'", cases[i][0], (int)got.len, got.ptr,
                     cases[i][1]);
        }
    }
}

/* A GitHub-style test token (30 base62 and their CRC32 as 6 base62 digits), never a real one. */
static void fake_ghp(char out[41])
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    memcpy(out, "ghp_", 4);
    for (int i = 0; i < 30; i++) {
        out[4 + i] = b62[(i * 17 + 5) % 62];
    }
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)out + 4, 30);
    for (int i = 5; i >= 0; i--) {
        out[34 + i] = b62[crc % 62];
        crc /= 62;
    }
    out[40] = '\0';
}

/* kt_ua_display: the stored and shown copy of the display name, and kt_fmt_agent_name on it. */
static void test_display_copy(void **state)
{
    (void)state;
    char tok[41], ua_tok[64], long_ua[400];
    fake_ghp(tok);
    snprintf(ua_tok, sizeof(ua_tok), "%s/1.0 extra", tok);
    memset(long_ua, 'a', KT_UA_DISPLAY_MAX + 1);
    long_ua[KT_UA_DISPLAY_MAX + 1] = '\0';
    static const struct {
        const char *ua;
        size_t cap;
        const char *want;
    } cases[] = {
        {"python-requests/2.32.3 extra", 64, "python-requests/2.32.3"},
        {"GitHub CLI 2.62.0 (linux)", 64, "GitHub CLI 2.62.0"},
        {"tab\tbell\x07/1", 64, "tab?bell?/1"},
        {"\xc3\xa9t\xc3\xa9/1", 64,
         "?"
         "?t?"
         "?/1"},
        {"a-very-long-product-name/1.2.3.4.5", 24, "a-very-long-product-nam"},
        {"", 64, ""},
        {"(only a comment)", 64, ""},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char out[64];
        size_t n = kt_ua_display(kt_str_cstr(cases[i].ua), out, cases[i].cap);
        if (strcmp(out, cases[i].want) != 0 || n != strlen(out)) {
            fail_msg("case %zu: got \"%s\" (%zu), want \"%s\"", i, out, n, cases[i].want);
        }
        char shown[64];
        kt_fmt_agent_name(kt_str_cstr(cases[i].ua), shown, cases[i].cap);
        assert_string_equal(shown, n > 0 ? out : "(no user agent)");
    }
    /* A token as the product is redacted before the cut: its hint, cut at a UTF-8 boundary. */
    char out[64];
    size_t n = kt_ua_display(kt_str_cstr(ua_tok), out, sizeof(out));
    assert_int_equal(n, strlen(out));
    assert_non_null(strstr(out, "ghp_\xe2\x80\xa6"));
    assert_null(strstr(out, tok + 4));
    for (size_t cap = 1; cap <= 12; cap++) {
        n = kt_ua_display(kt_str_cstr(ua_tok), out, cap);
        assert_true(n < cap);
        assert_int_equal(n, strlen(out));
        assert_true(kt_utf8_valid(out, n));
        assert_true(n < 5 || memcmp(out, "ghp_", 4) == 0);
    }
    /* A display name too long to be a client's is "?", not a cut redaction. */
    n = kt_ua_display(kt_str_cstr(long_ua), out, sizeof(out));
    assert_int_equal(n, 1);
    assert_string_equal(out, "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise_table),
        cmocka_unit_test(test_same_client_across_versions),
        cmocka_unit_test(test_small_capacity),
        cmocka_unit_test(test_display_name),
        cmocka_unit_test(test_display_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
