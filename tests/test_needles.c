/*
 * Needles: literal search over every buffer position, the forms of a token as real logs write
 * them (Basic credentials built by OpenSSL's encoder with user names of every length modulo 3,
 * GitHub's hashed_token from OpenSSL's SHA-256), refused short needles, pass_all and the
 * generation counter.
 */
#include "testutil.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "needles.h"

#define TOKEN "ghp_R8q2LmN5vX0aBcDeFgHiJkLmNoPqRsTuVwXy"

static bool any_str(const struct kt_needles *n, const char *s)
{
    return kt_needles_any(n, s, strlen(s));
}

static void test_literal(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    assert_false(any_str(n, "nothing to find")); /* an empty set matches nothing */
    assert_true(kt_needles_add(n, KT_STR_LIT("AKIAIOSFODNN7EXAMPLE")));
    assert_true(kt_needles_add(n, KT_STR_LIT("s3cr3t-value")));
    assert_true(any_str(n, "key=AKIAIOSFODNN7EXAMPLE&x=1"));
    assert_true(any_str(n, "AKIAIOSFODNN7EXAMPLE"));
    assert_true(any_str(n, "tail s3cr3t-value"));
    assert_false(any_str(n, "key=AKIAIOSFODNN7EXAMPL&x=1"));  /* one byte short */
    assert_false(any_str(n, "key=akiaiosfodnn7example&x=1")); /* case matters */
    assert_false(any_str(n, ""));
    kt_needles_free(n);
}

/* Every position of a needle in a buffer, with the buffer ending right after it, and with the
 * needle cut by the buffer's end by one byte. */
static void test_buffer_boundaries(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    const char *needle = "xK9-qq7Z";
    assert_true(kt_needles_add(n, kt_str_make(needle, strlen(needle))));
    assert_true(kt_needles_add(n, KT_STR_LIT("a much longer needle of thirty+ bytes")));
    char buf[300];
    uint64_t seed = 42;
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (char)('a' + kt_test_rand(&seed) % 26);
    }
    size_t nl = strlen(needle);
    for (size_t pos = 0; pos + nl <= sizeof(buf); pos++) {
        char work[300];
        memcpy(work, buf, sizeof(work));
        memcpy(work + pos, needle, nl);
        assert_true(kt_needles_any(n, work, sizeof(work)));
        assert_true(kt_needles_any(n, work, pos + nl));
        assert_true(kt_needles_any(n, work + pos, nl));
        assert_false(kt_needles_any(n, work, pos + nl - 1));
        assert_false(kt_needles_any(n, work + pos + 1, sizeof(work) - pos - 1));
    }
    assert_false(kt_needles_any(n, buf, sizeof(buf)));
    assert_int_equal(kt_needles_max_len(n), strlen("a much longer needle of thirty+ bytes"));
    kt_needles_free(n);
}

static void test_short_refused(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    assert_false(kt_needles_add(n, KT_STR_LIT("abc")));
    assert_false(kt_needles_add(n, KT_STR_LIT("")));
    assert_false(kt_needles_add_token(n, KT_STR_LIT("ab")));
    assert_int_equal(kt_needles_generation(n), 0);
    assert_false(any_str(n, "abc abc abc"));
    assert_true(kt_needles_add(n, KT_STR_LIT("abcd")));
    assert_true(any_str(n, "xxabcdxx"));
    kt_needles_free(n);
}

/* "Authorization: Basic " + base64(user ":" token [":" rest]) by OpenSSL's encoder. */
static void basic_header(const char *user, const char *token, const char *rest, char *out,
                         size_t cap)
{
    char plain[256];
    int n = snprintf(plain, sizeof(plain), "%s%s%s", user, token, rest);
    assert_true(n > 0 && (size_t)n < sizeof(plain));
    unsigned char enc[400];
    int len = EVP_EncodeBlock(enc, (const unsigned char *)plain, n);
    assert_true(len > 0);
    snprintf(out, cap, "1.2.3.4 - - \"GET / HTTP/1.1\" \"Authorization: Basic %s\"", enc);
}

static void test_basic_alignments(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    assert_true(kt_needles_add_token(n, KT_STR_LIT(TOKEN)));
    /* User names of every length modulo 3, none, and the token as the user name. */
    const char *users[] = {"", "x:", "ab:", "abc:", "x-access-token:", "git:", "longer-user:"};
    const char *rests[] = {"", ":x-oauth-basic", ":", "0"};
    char line[600];
    for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++) {
        for (size_t r = 0; r < sizeof(rests) / sizeof(rests[0]); r++) {
            basic_header(users[u], TOKEN, rests[r], line, sizeof(line));
            assert_true(any_str(n, line));
            /* The literal is absent from the line: the match is the base64 form. */
            assert_null(strstr(line, TOKEN));
        }
    }
    /* Another token in the same places is not found. */
    for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++) {
        basic_header(users[u], "ghp_ZZq2LmN5vX0aBcDeFgHiJkLmNoPqRsTuVwXy", "", line, sizeof(line));
        assert_false(any_str(n, line));
    }
    kt_needles_free(n);
}

static void test_hashed_token(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    assert_true(kt_needles_add_token(n, KT_STR_LIT(TOKEN)));
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)TOKEN, strlen(TOKEN), md);
    unsigned char b64[64];
    assert_int_equal(EVP_EncodeBlock(b64, md, sizeof(md)), 44);
    char line[256];
    snprintf(line, sizeof(line), "{\"action\":\"git.clone\",\"hashed_token\":\"%s\"}", b64);
    assert_true(any_str(n, line));
    /* Escaped slashes, as some JSON writers put them, and the url-safe alphabet. */
    char esc[128], url[64];
    size_t k = 0;
    for (size_t i = 0; b64[i] != '\0'; i++) {
        if (b64[i] == '/') {
            esc[k++] = '\\';
        }
        esc[k++] = (char)b64[i];
        url[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
        url[i + 1] = '\0';
    }
    esc[k] = '\0';
    snprintf(line, sizeof(line), "{\"hashed_token\":\"%s\"}", esc);
    assert_true(any_str(n, line));
    snprintf(line, sizeof(line), "{\"hashed_token\":\"%s\"}", url);
    assert_true(any_str(n, line));
    /* The hash of another token is not. */
    SHA256((const unsigned char *)"ghp_other", 9, md);
    EVP_EncodeBlock(b64, md, sizeof(md));
    snprintf(line, sizeof(line), "{\"hashed_token\":\"%s\"}", b64);
    assert_false(any_str(n, line));
    kt_needles_free(n);
}

static void test_pass_all_and_generation(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    assert_int_equal(kt_needles_generation(n), 0);
    assert_false(kt_needles_passes_all(n));
    assert_true(kt_needles_add(n, KT_STR_LIT("AKIAIOSFODNN7EXAMPLE")));
    uint32_t g1 = kt_needles_generation(n);
    assert_true(g1 > 0);
    assert_true(kt_needles_add(n, KT_STR_LIT("AKIAIOSFODNN7EXAMPLE"))); /* already there */
    assert_int_equal(kt_needles_generation(n), g1);
    assert_true(kt_needles_add(n, KT_STR_LIT("ASIAXXXXXXXXXXXXXXXX")));
    uint32_t g2 = kt_needles_generation(n);
    assert_true(g2 > g1);
    assert_true(any_str(n, "ASIAXXXXXXXXXXXXXXXX")); /* the added needle works at once */
    assert_false(any_str(n, "unrelated"));
    kt_needles_pass_all(n);
    assert_true(kt_needles_passes_all(n));
    assert_true(kt_needles_generation(n) > g2);
    assert_true(any_str(n, "unrelated"));
    assert_true(kt_needles_any(n, "", 0));
    kt_needles_free(n);
    kt_needles_free(NULL);
}

/* Many needles of mixed lengths against a random text where a few were planted. */
static void test_many_needles(void **state)
{
    (void)state;
    struct kt_needles *n = kt_needles_new();
    assert_non_null(n);
    char needles[40][24];
    uint64_t seed = 7;
    for (size_t i = 0; i < 40; i++) {
        size_t len = 4 + i % 19;
        for (size_t j = 0; j < len; j++) {
            needles[i][j] = (char)('A' + kt_test_rand(&seed) % 26);
        }
        needles[i][len] = '\0';
        assert_true(kt_needles_add(n, kt_str_make(needles[i], len)));
    }
    char *text = malloc(1 << 16);
    assert_non_null(text);
    for (size_t i = 0; i < (1 << 16); i++) {
        text[i] = (char)('a' + kt_test_rand(&seed) % 26); /* lower case: no needle */
    }
    assert_false(kt_needles_any(n, text, 1 << 16));
    for (size_t i = 0; i < 40; i++) {
        size_t at = (size_t)(kt_test_rand(&seed) % ((1 << 16) - 30));
        char saved[24];
        size_t len = strlen(needles[i]);
        memcpy(saved, text + at, len);
        memcpy(text + at, needles[i], len);
        assert_true(kt_needles_any(n, text, 1 << 16));
        memcpy(text + at, saved, len);
    }
    free(text);
    kt_needles_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal),
        cmocka_unit_test(test_buffer_boundaries),
        cmocka_unit_test(test_short_refused),
        cmocka_unit_test(test_basic_alignments),
        cmocka_unit_test(test_hashed_token),
        cmocka_unit_test(test_pass_all_and_generation),
        cmocka_unit_test(test_many_needles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
