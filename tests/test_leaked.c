/*
 * The declared-leaked list (src/leaked.c): accepted line shapes and leak times, and the
 * mistakes users make, each refused with the file and line and never with the token.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "leaked.h"

/* A GitHub token (valid checksum) and a Stripe key, as users paste them. */
#define GHP "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"
#define STRIPE "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
#define KEYID "kt1-0123456789abcdef01234567"

static struct kt_keyid key_of(const char *value)
{
    struct kt_keyid key;
    if (kt_keyid_parse(kt_str_cstr(value), &key)) {
        return key;
    }
    struct kt_cand cand = {KT_CAND_EXPLICIT, kt_str_cstr(value)};
    struct kt_cred cred;
    assert_true(kt_cred_recognise(&cand, &cred));
    return cred.key;
}

static char *write_tmp(const char *text)
{
    char *p = kt_test_tmpfile(text, strlen(text));
    assert_non_null(p);
    return p;
}

static void test_file(void **state)
{
    (void)state;
    char *path = write_tmp("# leaked on 2 November\n" GHP " 2026-11-02T14:00Z\n" KEYID "\n"
                           "Bearer " STRIPE " 2026-11-01\n");
    struct kt_leaked *l = NULL;
    struct kt_err err;
    assert_int_equal(kt_leaked_load(&l, path, &err), KT_OK);
    assert_int_equal(kt_leaked_count(l), 3);
    int64_t t;
    struct kt_keyid k = key_of(GHP);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793628000000LL); /* 2026-11-02T14:00Z */
    k = key_of(KEYID);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, KT_TIME_NONE);
    k = key_of(STRIPE);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793491200000LL); /* 2026-11-01 */
    memset(k.b, 0, sizeof(k.b));
    assert_false(kt_leaked_lookup(l, &k, &t));
    assert_false(kt_leaked_lookup(NULL, &k, &t));
    assert_int_equal(kt_leaked_count(NULL), 0);
    kt_leaked_free(l);
    kt_leaked_free(NULL);
    unlink(path);
    free(path);
    assert_int_equal(kt_leaked_load(&l, "/nonexistent/leaked.txt", &err), KT_EOPEN);
    assert_string_equal(err.where, "/nonexistent/leaked.txt");
}

struct time_case {
    const char *line;
    const char *value; /* the credential the line names */
    int64_t leak_ms;
};

static const struct time_case good[] = {
    {GHP, GHP, KT_TIME_NONE},
    {"  " GHP "  \r", GHP, KT_TIME_NONE},
    {GHP " 2026-11-02", GHP, 1793577600000LL},
    {GHP "\t2026-11-02", GHP, 1793577600000LL},
    {GHP " 2026-11-02T14:00Z", GHP, 1793628000000LL},
    {GHP " 2026-11-02T14:00:00Z", GHP, 1793628000000LL},
    {GHP " 2026-11-02T15:00:00+01:00", GHP, 1793628000000LL},
    {GHP " 2026-11-02 14:00", GHP, 1793628000000LL},
    {GHP "\t2026-11-02\t14:00:30", GHP, 1793628030000LL},
    {GHP " 2026-11-02  14:00Z", GHP, 1793628000000LL},
    {KEYID " 2026-11-02", KEYID, 1793577600000LL},
    {"Bearer " STRIPE, STRIPE, KT_TIME_NONE},
    {"bearer   " STRIPE " 2026-11-02 14:00", STRIPE, 1793628000000LL},
    {"AWS4-HMAC-SHA256 Credential=AKIARTX3GSDS5CZLCV7N/20261102/us-east-1/s3/aws4_request, "
     "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef 2026-11-02",
     "AKIARTX3GSDS5CZLCV7N", 1793577600000LL},
};

static void test_good_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(good); i++) {
        struct kt_leaked *l = NULL;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc =
            kt_leaked_load_buffer(&l, "leaked.txt", good[i].line, strlen(good[i].line), &err);
        if (rc != KT_OK) {
            fail_msg("case %zu refused: %s: %s", i, err.where, err.msg);
        }
        assert_int_equal(kt_leaked_count(l), 1);
        struct kt_keyid k = key_of(good[i].value);
        int64_t t = 0;
        if (!kt_leaked_lookup(l, &k, &t) || t != good[i].leak_ms) {
            fail_msg("case %zu: wrong key or time %lld", i, (long long)t);
        }
        kt_leaked_free(l);
    }
}

struct bad_case {
    const char *line;
    const char *want; /* a substring of the message */
};

static const struct bad_case bad[] = {
    {GHP " 2026/10/01", "not a leak time"},
    {GHP " 2026-13-45", "not a leak time"},
    {GHP " 2026-02-30", "not a leak time"},
    {GHP " yesterday", "not a leak time"},
    {GHP " 2026-11-02 14:00 UTC", "not a leak time"},
    {GHP " 2026-11-02 25:00", "not a leak time"},
    {GHP " 2026-11-02 noon", "not a leak time"},
    {GHP " tor exit node 2026-11-02", "not a leak time"},
    {"Bearer " STRIPE " last week", "Authorization value on this line is not a leak time"},
    {GHP ",2026-11-04", "comma or semicolon"},
    {GHP ";2026-11-04", "comma or semicolon"},
    {"Bearer " STRIPE ",2026-11-04", "comma or semicolon"},
    {"\"" GHP "\"", "quoted"},
    {"'" GHP "' 2026-11-02", "quoted"},
    {"Authorization: Bearer " STRIPE, "header name"},
    {"kt1-0123456789abcdef0123456", "not a valid key id"},
    {"KT1-0123456789ABCDEF0123456Z", "not a valid key id"},
    {"Bearer", "scheme without its value"},
    {GHP "\x01 2026-11-02", "control characters"},
};

static void test_bad_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        /* The mistake on line 3, after a comment and a good line. */
        char text[1024];
        int n = snprintf(text, sizeof(text), "# list\n%s\n%s\n%s\n", KEYID, bad[i].line, KEYID);
        assert_true(n > 0 && (size_t)n < sizeof(text));
        struct kt_leaked *l = (struct kt_leaked *)&l;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_leaked_load_buffer(&l, "leaked.txt", text, (size_t)n, &err);
        if (rc != KT_EPARSE || strcmp(err.where, "leaked.txt:3") != 0 ||
            strstr(err.msg, bad[i].want) == NULL) {
            fail_msg("case %zu: rc %d, '%s: %s', want 'leaked.txt:3: ...%s...'", i, rc, err.where,
                     err.msg, bad[i].want);
        }
        /* Never the token, nor any part of it. */
        assert_null(strstr(err.msg, "zQWBuTSO"));
        assert_null(strstr(err.msg, "4eC39Hq"));
        assert_null(strstr(err.where, "zQWBuTSO"));
        /* On failure *out is left alone. */
        assert_ptr_equal(l, (struct kt_leaked *)&l);
    }
}

static void test_earliest_wins(void **state)
{
    (void)state;
    static const char text[] =
        GHP " 2026-11-05\n" GHP " 2026-11-02\n" GHP " 2026-11-09\n"
            "Bearer " STRIPE " 2026-11-02\n" STRIPE "\n" STRIPE " 2026-11-03\n";
    struct kt_leaked *l = NULL;
    struct kt_err err;
    assert_int_equal(kt_leaked_load_buffer(&l, "x", text, sizeof(text) - 1, &err), KT_OK);
    assert_int_equal(kt_leaked_count(l), 2);
    int64_t t;
    struct kt_keyid k = key_of(GHP);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793577600000LL);
    k = key_of(STRIPE);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, KT_TIME_NONE); /* listed once without a time: every use counts */
    kt_leaked_free(l);
}

static void test_long_and_binary(void **state)
{
    (void)state;
    /* A binary file given by mistake stops at its first over-long line, with the line. */
    size_t len = 100000;
    char *buf = malloc(len);
    assert_non_null(buf);
    memset(buf, 0, len);
    memcpy(buf, KEYID "\n", KT_KEYID_STRLEN + 1);
    char *path = kt_test_tmpfile(buf, len);
    assert_non_null(path);
    struct kt_leaked *l = NULL;
    struct kt_err err;
    assert_int_equal(kt_leaked_load(&l, path, &err), KT_ELIMIT);
    char where[600];
    snprintf(where, sizeof(where), "%s:2", path);
    assert_string_equal(err.where, where);
    unlink(path);
    free(path);
    /* Short NUL runs are control characters. */
    assert_int_equal(kt_leaked_load_buffer(&l, "x", buf, 200, &err), KT_EPARSE);
    assert_string_equal(err.where, "x:2");
    free(buf);
    /* The last line needs no newline; CRLF files work. */
    static const char crlf[] = KEYID " 2026-11-02\r\n" GHP;
    assert_int_equal(kt_leaked_load_buffer(&l, "x", crlf, sizeof(crlf) - 1, &err), KT_OK);
    assert_int_equal(kt_leaked_count(l), 2);
    kt_leaked_free(l);
}

/* ---- --rotated: the same lines, the time required ---- */

static void test_rotated_file(void **state)
{
    (void)state;
    char *path = write_tmp("# rotated this week\n" KEYID " 2026-11-02T14:00Z\n"
                           "AKIARTX3GSDS5CZLCV7N 2026-11-04\n\n" GHP "\t2026-11-01 09:30\n");
    struct kt_leaked *l = NULL;
    struct kt_err err;
    assert_int_equal(kt_rotated_load(&l, path, &err), KT_OK);
    assert_int_equal(kt_leaked_count(l), 3);
    int64_t t;
    struct kt_keyid k = key_of(KEYID);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793628000000LL);
    /* An AWS key id names the same key that scan's reports show for it. */
    k = key_of("AKIARTX3GSDS5CZLCV7N");
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793750400000LL); /* 2026-11-04 */
    k = key_of(GHP);
    assert_true(kt_leaked_lookup(l, &k, &t));
    assert_int_equal(t, 1793491200000LL + 9 * 3600000LL + 30 * 60000LL);
    kt_leaked_free(l);
    unlink(path);
    free(path);
    assert_int_equal(kt_rotated_load(&l, "/nonexistent/rotated.txt", &err), KT_EOPEN);
    assert_string_equal(err.where, "/nonexistent/rotated.txt");
}

static void test_rotated_bad_lines(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *want;
    } bad_rotated[] = {
        {GHP, "no rotation time"},
        {KEYID, "no rotation time"},
        {"AKIARTX3GSDS5CZLCV7N", "no rotation time"},
        {GHP " yesterday", "not a rotation time"},
        {KEYID " 2026-13-02", "not a rotation time"},
        {KEYID " 2026-11-02 14:00 UTC", "not a rotation time"},
        {KEYID ",2026-11-02", "comma"},
        {"kt1-0123 2026-11-02", "not a valid key id"},
        {"\"" GHP "\" 2026-11-02", "quoted"},
        {"Bearer " STRIPE, "no rotation time"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(bad_rotated); i++) {
        char text[256];
        snprintf(text, sizeof(text), "# rotated\n" KEYID " 2026-11-02\n%s\n", bad_rotated[i].line);
        struct kt_leaked *l = NULL;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_rotated_load_buffer(&l, "rotated.txt", text, strlen(text), &err);
        if (rc != KT_EPARSE || strcmp(err.where, "rotated.txt:3") != 0 ||
            strstr(err.msg, bad_rotated[i].want) == NULL) {
            fail_msg("case %zu: rc %d, '%s: %s', want 'rotated.txt:3: ...%s...'", i, rc,
                     err.where, err.msg, bad_rotated[i].want);
        }
        assert_null(l);
        assert_null(strstr(err.msg, "zQWBuTSO"));
        assert_null(strstr(err.where, "zQWBuTSO"));
    }
    /* The same line without a time is fine for --leaked. */
    struct kt_leaked *l = NULL;
    struct kt_err err;
    assert_int_equal(kt_leaked_load_buffer(&l, "leaked.txt", GHP "\n", strlen(GHP) + 1, &err),
                     KT_OK);
    kt_leaked_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_good_lines),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_earliest_wins),
        cmocka_unit_test(test_long_and_binary),
        cmocka_unit_test(test_rotated_file),
        cmocka_unit_test(test_rotated_bad_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
