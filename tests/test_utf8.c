/* UTF-8 well-formedness: every class of ill-formed sequence is refused. */
#include "testutil.h"

#include "utf8.h"

struct utf8_case {
    const char *bytes;
    size_t len;
    size_t seq; /* kt_utf8_seq at offset 0 */
};

static const struct utf8_case cases[] = {
    { "A", 1, 1 },
    { "\xc3\xa9", 2, 2 },           /* é */
    { "\xe2\x82\xac", 3, 3 },       /* € */
    { "\xf0\x9f\x94\x91", 4, 4 },   /* U+1F511 */
    { "\xf4\x8f\xbf\xbf", 4, 4 },   /* U+10FFFF, the last one */
    { "\x80", 1, 0 },               /* lone continuation */
    { "\xc3", 1, 0 },               /* truncated */
    { "\xe2\x82", 2, 0 },           /* truncated */
    { "\xc0\xaf", 2, 0 },           /* overlong '/' */
    { "\xe0\x80\xaf", 3, 0 },       /* overlong */
    { "\xed\xa0\x80", 3, 0 },       /* surrogate */
    { "\xf4\x90\x80\x80", 4, 0 },   /* over U+10FFFF */
    { "\xf5\x80\x80\x80", 4, 0 },
    { "\xff", 1, 0 },
    { "\xc3\x28", 2, 0 },           /* bad continuation */
    { "", 0, 0 },
};

static void test_sequences(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = kt_utf8_seq((const unsigned char *)cases[i].bytes, cases[i].len);
        if (got != cases[i].seq) {
            fail_msg("case %zu: %zu, want %zu", i, got, cases[i].seq);
        }
        if (cases[i].len > 0) {
            assert_int_equal(kt_utf8_valid(cases[i].bytes, cases[i].len), cases[i].seq != 0);
        }
    }
    assert_true(kt_utf8_valid("caf\xc3\xa9 \xe2\x82\xac", 9));
    assert_false(kt_utf8_valid("caf\xc3\xa9 \xe2\x82", 8));
    assert_true(kt_utf8_valid("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
