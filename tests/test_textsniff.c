/* Binary-input detection (src/textsniff.c): what is skipped as not text, and what is not. */
#include "testutil.h"

#include <stdlib.h>

#include "textsniff.h"

#define CAP 4096

static bool sniff(const char *p, size_t n, char *why)
{
    why[0] = '\0';
    return kt_text_is_binary(kt_str_make(p, n), CAP, why, 128);
}

static void test_binary(void **state)
{
    (void)state;
    char *buf = calloc(1, CAP);
    assert_non_null(buf);
    char why[128];
    /* /dev/zero: max_record NUL bytes and no line break. */
    assert_true(sniff(buf, CAP, why));
    assert_non_null(strstr(why, "binary data (NUL bytes, no line break in the first 4096 bytes"));
    /* Control bytes (an executable's tables), one in four. */
    for (size_t i = 0; i < CAP; i++) {
        buf[i] = (i % 4 == 0) ? '\x02' : 'a';
    }
    assert_true(sniff(buf, CAP, why));
    assert_non_null(strstr(why, "control bytes"));
    /* UTF-16, whatever follows the byte-order mark. */
    assert_true(sniff("\xff\xfe{\0\n\0", 6, why));
    assert_non_null(strstr(why, "UTF-16"));
    assert_true(sniff("\xfe\xff\0{", 4, why));
    free(buf);
}

static void test_text(void **state)
{
    (void)state;
    char *buf = malloc(CAP);
    assert_non_null(buf);
    char why[128];
    /* A one-line JSON document longer than max_record (CloudTrail): text. */
    memset(buf, ' ', CAP);
    memcpy(buf, "{\"Records\":[", 12);
    assert_false(sniff(buf, CAP, why));
    /* Tabs, carriage returns, ANSI colours are text. */
    for (size_t i = 0; i < CAP; i++) {
        buf[i] = "a\t\r\x1b[0m"[i % 7];
    }
    assert_false(sniff(buf, CAP, why));
    /* NULs, but a line break: a log with a junk line, read as before. */
    memset(buf, 0, CAP);
    buf[CAP - 1] = '\n';
    assert_false(sniff(buf, CAP, why));
    /* A short input: format detection decides (empty, "not recognised"). */
    memset(buf, 0, CAP);
    assert_false(sniff(buf, CAP - 1, why));
    assert_false(sniff(buf, 0, why));
    /* Few NULs in a long line: not enough. */
    memset(buf, 'x', CAP);
    buf[100] = '\0';
    assert_false(sniff(buf, CAP, why));
    assert_string_equal(why, "");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
