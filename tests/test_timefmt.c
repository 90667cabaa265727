/* Timestamp parsing and formatting: table-driven good, bad and boundary cases. */
#include "testutil.h"

#include "timefmt.h"

struct time_case {
    const char *text;
    bool ok;
    int64_t ms;
};

/* Expected values computed independently with Python:
 *   datetime.datetime(2026,11,2,14,0,5,tzinfo=timezone.utc).timestamp()*1000 */
static const struct time_case iso_cases[] = {
    { "2026-11-02T14:00:05Z", true, 1793628005000 },
    { "2026-11-02T14:00:05.123Z", true, 1793628005123 },
    { "2026-11-02T14:00:05.1Z", true, 1793628005100 },
    { "2026-11-02T14:00:05.123456789Z", true, 1793628005123 },
    { "2026-11-02t14:00:05z", true, 1793628005000 },
    { "2026-11-02 14:00:05", true, 1793628005000 },
    { "2026-11-02T15:00:05+01:00", true, 1793628005000 },
    { "2026-11-02T07:00:05-0700", true, 1793628005000 },
    { "2026-11-02T14:00Z", true, 1793628000000 },
    { "2024-02-29T00:00:00Z", true, 1709164800000 },
    { "1970-01-01T00:00:00Z", true, 0 },
    { "1969-12-31T23:59:59Z", true, -1000 },
    { "2023-01-31 18:58:27.638", true, 1675191507638 },
    { "2025-02-29T00:00:00Z", false, 0 },
    { "2026-13-01T00:00:00Z", false, 0 },
    { "2026-11-02T24:00:00Z", false, 0 },
    { "2026-11-02T14:60:00Z", false, 0 },
    { "2026-11-02T14:00:05.Z", false, 0 },
    { "2026-11-02T14:00:05+25:00", false, 0 },
    { "2026-11-02T14:00:05Q", false, 0 },
    { "2026-11-02", false, 0 },
    { "2026-11-0", false, 0 },
    { "", false, 0 },
    { "not a time", false, 0 },
};

static void test_iso(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(iso_cases) / sizeof(iso_cases[0]); i++) {
        int64_t ms = 42;
        bool ok = kt_time_parse_iso(kt_str_cstr(iso_cases[i].text), &ms);
        if (ok != iso_cases[i].ok || (ok && ms != iso_cases[i].ms)) {
            fail_msg("case %zu '%s': ok=%d ms=%lld", i, iso_cases[i].text, ok, (long long)ms);
        }
    }
}

static const struct time_case clf_cases[] = {
    { "02/Nov/2026:14:00:05 +0000", true, 1793628005000 },
    { "02/Nov/2026:07:00:05 -0700", true, 1793628005000 },
    { "17/May/2015:10:05:03 +0000", true, 1431857103000 },
    { "02/Nov/2026:14:00:05", true, 1793628005000 },
    { "02/Nov/2026:14:00:05.250 +0000", true, 1793628005250 },
    { "02/Nob/2026:14:00:05 +0000", false, 0 },
    { "31/Nov/2026:14:00:05 +0000", false, 0 },
    { "02/Nov/2026:14:00 +0000", false, 0 },
    { "02/Nov/2026:14:00:05 +00", true, 1793628005000 },
    { "02/Nov/2026:14:00:05 UTC", false, 0 },
    { "2/Nov/2026:14:00:05 +0000", false, 0 },
    { "02/Nov", false, 0 },
};

static void test_clf(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(clf_cases) / sizeof(clf_cases[0]); i++) {
        int64_t ms = 42;
        bool ok = kt_time_parse_clf(kt_str_cstr(clf_cases[i].text), &ms);
        if (ok != clf_cases[i].ok || (ok && ms != clf_cases[i].ms)) {
            fail_msg("case %zu '%s': ok=%d ms=%lld", i, clf_cases[i].text, ok, (long long)ms);
        }
    }
}

static const struct time_case epoch_cases[] = {
    { "1793628005", true, 1793628005000 },
    { "1793628005.25", true, 1793628005250 },
    { "1793628005123", true, 1793628005123 },
    { "1793628005123456", true, 1793628005123 },
    { "1793628005123456789", true, 1793628005123 },
    { "0", true, 0 },
    { "-5", false, 0 },
    { "17941x", false, 0 },
    { "1793628005.", false, 0 },
    { "12345678901234567890123", false, 0 },
    { "", false, 0 },
};

static void test_epoch(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(epoch_cases) / sizeof(epoch_cases[0]); i++) {
        int64_t ms = 42;
        bool ok = kt_time_parse_epoch(kt_str_cstr(epoch_cases[i].text), &ms);
        if (ok != epoch_cases[i].ok || (ok && ms != epoch_cases[i].ms)) {
            fail_msg("case %zu '%s': ok=%d ms=%lld", i, epoch_cases[i].text, ok, (long long)ms);
        }
    }
}

static void test_any_dispatches(void **state)
{
    (void)state;
    int64_t a, b, c;
    assert_true(kt_time_parse_any(kt_str_cstr(" 2026-11-02T14:00:05Z "), &a));
    assert_true(kt_time_parse_any(kt_str_cstr("02/Nov/2026:14:00:05 +0000"), &b));
    assert_true(kt_time_parse_any(kt_str_cstr("1793628005000"), &c));
    assert_int_equal(a, b);
    assert_int_equal(b, c);
    assert_false(kt_time_parse_any(kt_str_cstr("yesterday"), &a));
}

static void test_format_round_trip(void **state)
{
    (void)state;
    char out[KT_TIME_STRLEN];
    kt_time_format(1793628005000, out);
    assert_string_equal(out, "2026-11-02T14:00:05Z");
    kt_time_format(1793628005123, out);
    assert_string_equal(out, "2026-11-02T14:00:05.123Z");
    kt_time_format(-1000, out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    kt_time_format(KT_TIME_NONE, out);
    assert_string_equal(out, "");
    /* Every day over four centuries survives format -> parse. */
    for (int64_t day = -146097; day <= 146097 * 2; day += 37) {
        int64_t ms = day * 86400000 + 12345678;
        int64_t back;
        kt_time_format(ms, out);
        assert_true(kt_time_parse_iso(kt_str_cstr(out), &back));
        assert_int_equal(back, ms);
    }
}

static void test_parse_arg(void **state)
{
    (void)state;
    int64_t ms;
    assert_true(kt_time_parse_arg("2026-11-02", &ms));
    assert_int_equal(ms, 1793577600000);
    assert_true(kt_time_parse_arg("2026-11-02T14:00Z", &ms));
    assert_int_equal(ms, 1793628000000);
    assert_false(kt_time_parse_arg("2026-11-31", &ms));
    assert_false(kt_time_parse_arg("11/02/2026", &ms));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_clf),
        cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_any_dispatches),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_parse_arg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
