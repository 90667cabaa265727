/*
 * Recognition cache: same answers as kt_cred_recognise() (positive and negative), hit and miss
 * counting, kinds kept apart, fixed memory under many distinct tokens, and no token bytes ever
 * in the table (scanned through the debug accessor).
 */
#include "test_cred_helpers.h"

#include "cred_cache.h"
#include "cred_internal.h"

#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

struct cand_row {
    enum kt_cand_kind kind;
    char value[512];
};

static size_t build_cands(struct cand_row *rows)
{
    size_t n = 0;
    char tok[128];
    rows[n].kind = KT_CAND_TOKEN;
    tc_checksum_token("ghp_", 1, rows[n++].value);
    rows[n].kind = KT_CAND_AUTHORIZATION;
    snprintf(rows[n++].value, 512, "Bearer %s", tc_checksum_token("gho_", 2, tok));
    rows[n].kind = KT_CAND_AUTHORIZATION;
    snprintf(rows[n++].value, 512, "token %s", tc_token("glpat-", B62, 24, 3, tok));
    rows[n].kind = KT_CAND_AUTHORIZATION;
    snprintf(rows[n++].value, 512, "Basic %s", tc_b64("alice:pw-9f8e7d", 15, false, true, tok));
    rows[n].kind = KT_CAND_AUTHORIZATION;
    snprintf(rows[n++].value, 512, "Bearer undefined");
    rows[n].kind = KT_CAND_AWS_KEY_ID;
    snprintf(rows[n++].value, 512, "ASIAY34FZKBOKMUTVV7A");
    rows[n].kind = KT_CAND_AWS_KEY_ID;
    snprintf(rows[n++].value, 512, "not-a-key");
    rows[n].kind = KT_CAND_TOKEN;
    snprintf(rows[n++].value, 512, "7f3k9Qx2Lm8Rt4Vw");
    rows[n].kind = KT_CAND_TOKEN_WEAK;
    snprintf(rows[n++].value, 512, "7f3k9Qx2Lm8Rt4Vw"); /* too short for weak */
    rows[n].kind = KT_CAND_TOKEN_WEAK;
    snprintf(rows[n++].value, 512, "12345");
    rows[n].kind = KT_CAND_BASIC_USER;
    snprintf(rows[n++].value, 512, "bob");
    rows[n].kind = KT_CAND_BASIC_USER;
    snprintf(rows[n++].value, 512, "-");
    rows[n].kind = KT_CAND_EXPLICIT;
    snprintf(rows[n++].value, 512, "abc");
    rows[n].kind = KT_CAND_TOKEN;
    {
        char *jwt = tc_jwt("{\"alg\":\"RS256\",\"kid\":\"k1\"}",
                           "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billing\","
                           "\"exp\":1793620800,\"aud\":[\"api\"]}",
                           "c2lnbmF0dXJlLW5vdC1yZWFsLTAxMjM0NTY3ODk");
        snprintf(rows[n++].value, 512, "%s", jwt);
        free(jwt);
    }
    rows[n].kind = KT_CAND_TOKEN;
    snprintf(rows[n++].value, 512, "%s", "");
    return n;
}

static void test_new_free_args(void **state)
{
    (void)state;
    struct kt_cred_cache *c = (struct kt_cred_cache *)&c;
    assert_int_equal(kt_cred_cache_new(NULL, 10), KT_EINVAL);
    assert_int_equal(kt_cred_cache_new(&c, 0), KT_EINVAL);
    assert_null(c);
    kt_cred_cache_free(NULL);
    assert_int_equal(kt_cred_cache_new(&c, 1), KT_OK);
    assert_int_equal(kt_cred_cache_capacity(c), 4);
    kt_cred_cache_free(c);
    assert_int_equal(kt_cred_cache_new(&c, 1000), KT_OK);
    assert_int_equal(kt_cred_cache_capacity(c), 1024);
    size_t len = 0;
    assert_non_null(kt_cred_cache_debug_memory(c, &len));
    assert_true(len >= 1024 * sizeof(struct kt_cred));
    kt_cred_cache_free(c);
    assert_int_equal(kt_cred_cache_hits(NULL), 0);
    assert_int_equal(kt_cred_cache_misses(NULL), 0);
    assert_int_equal(kt_cred_cache_capacity(NULL), 0);
}

static void test_same_results_as_uncached(void **state)
{
    (void)state;
    static struct cand_row rows[32];
    size_t n = build_cands(rows);
    struct kt_cred_cache *cache;
    assert_int_equal(kt_cred_cache_new(&cache, 256), KT_OK);
    size_t positives = 0;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < n; i++) {
            struct kt_cand cand = {rows[i].kind, kt_str_cstr(rows[i].value)};
            struct kt_cred want, got;
            memset(&got, 0x6b, sizeof(got));
            bool w = kt_cred_recognise(&cand, &want);
            bool g = kt_cred_cache_resolve(cache, &cand, &got);
            assert_int_equal(g, w);
            /* The JWT block is only defined for JWTs (the cache copies it only for them). */
            assert_memory_equal(&got, &want, want.family == KT_FAM_JWT
                                                 ? sizeof(got)
                                                 : offsetof(struct kt_cred, jwt));
            positives += (size_t)(round == 0 && w);
        }
        assert_int_equal(kt_cred_cache_misses(cache), n);
        assert_int_equal(kt_cred_cache_hits(cache), n * (size_t)round);
    }
    /* The table mixes positive and negative rows. */
    assert_true(positives >= 8 && positives < n);
    kt_cred_cache_free(cache);
}

static void test_kinds_are_separate(void **state)
{
    (void)state;
    struct kt_cred_cache *cache;
    assert_int_equal(kt_cred_cache_new(&cache, 64), KT_OK);
    struct kt_cand strong = {KT_CAND_TOKEN, KT_STR_LIT("7f3k9Qx2Lm8Rt4Vw")};
    struct kt_cand weak = {KT_CAND_TOKEN_WEAK, KT_STR_LIT("7f3k9Qx2Lm8Rt4Vw")};
    struct kt_cred c;
    assert_true(kt_cred_cache_resolve(cache, &strong, &c));
    assert_false(kt_cred_cache_resolve(cache, &weak, &c));
    assert_true(kt_cred_cache_resolve(cache, &strong, &c));
    assert_false(kt_cred_cache_resolve(cache, &weak, &c));
    assert_int_equal(kt_cred_cache_misses(cache), 2);
    assert_int_equal(kt_cred_cache_hits(cache), 2);
    /* A negative hit leaves out exactly as recognise() would. */
    struct kt_cred fresh;
    assert_false(kt_cred_recognise(&weak, &fresh));
    memset(&c, 0x33, sizeof(c));
    assert_false(kt_cred_cache_resolve(cache, &weak, &c));
    assert_memory_equal(&c, &fresh, fresh.family == KT_FAM_JWT ? sizeof(c)
                                                               : offsetof(struct kt_cred, jwt));
    /* Out-of-range kinds and a NULL cache fall through to recognise(). */
    struct kt_cand odd = {KT_CAND__COUNT, KT_STR_LIT("7f3k9Qx2Lm8Rt4Vw")};
    assert_false(kt_cred_cache_resolve(cache, &odd, &c));
    assert_true(kt_cred_cache_resolve(NULL, &strong, &c));
    assert_false(kt_cred_cache_resolve(cache, NULL, &c));
    kt_cred_cache_free(cache);
}

/* Tokens, passwords and signatures seen by the cache never appear in its memory. */
static void test_never_stores_token(void **state)
{
    (void)state;
    struct kt_cred_cache *cache;
    assert_int_equal(kt_cred_cache_new(&cache, 512), KT_OK);
    static char toks[200][128];
    static const char pw[] = "Sup3r-S3cret-Passw0rd";
    static const char sig[] = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    for (size_t i = 0; i < 200; i++) {
        char value[600];
        struct kt_cand cand;
        switch (i % 5) {
        case 0:
            tc_checksum_token("ghp_", i, toks[i]);
            cand = (struct kt_cand){KT_CAND_TOKEN, kt_str_cstr(toks[i])};
            break;
        case 1:
            tc_token("sk_live_", B62, 40, i, toks[i]);
            snprintf(value, sizeof(value), "Bearer %.120s", toks[i]);
            cand = (struct kt_cand){KT_CAND_AUTHORIZATION, kt_str_cstr(value)};
            break;
        case 2:
            tc_token("", B62, 40, i, toks[i]);
            cand = (struct kt_cand){KT_CAND_TOKEN_WEAK, kt_str_cstr(toks[i])};
            break;
        case 3: {
            char user_pass[128], b64[256];
            tc_token("", B62, 24, i, toks[i]);
            snprintf(user_pass, sizeof(user_pass), "user%zu:%s%.40s", i, pw, toks[i]);
            tc_b64(user_pass, strlen(user_pass), false, true, b64);
            snprintf(value, sizeof(value), "Basic %s", b64);
            cand = (struct kt_cand){KT_CAND_AUTHORIZATION, kt_str_cstr(value)};
            break;
        }
        default: {
            char *jwt = tc_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"i\",\"sub\":\"s\"}", sig);
            snprintf(toks[i], sizeof(toks[i]), "%s", jwt);
            free(jwt);
            toks[i][strlen(toks[i]) - 1 - i % 7] = (char)('A' + i % 26);
            cand = (struct kt_cand){KT_CAND_TOKEN, kt_str_cstr(toks[i])};
            snprintf(value, sizeof(value),
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
                     "20261102/us-east-1/s3/aws4_request, Signature=%s",
                     sig);
            struct kt_cand aws = {KT_CAND_AUTHORIZATION, kt_str_cstr(value)};
            struct kt_cred ignored;
            assert_true(kt_cred_cache_resolve(cache, &aws, &ignored));
            break;
        }
        }
        struct kt_cred c;
        (void)kt_cred_cache_resolve(cache, &cand, &c);
    }
    size_t len = 0;
    const void *mem = kt_cred_cache_debug_memory(cache, &len);
    for (size_t i = 0; i < 200; i++) {
        size_t n = strlen(toks[i]);
        size_t skip = i % 5 == 1 ? 8 : 4; /* the visible prefix */
        for (size_t w = skip; w + 8 + 4 <= n; w++) {
            assert_false(tc_contains(mem, len, toks[i] + w, 8));
        }
    }
    assert_false(tc_contains(mem, len, pw, 6));
    assert_false(tc_contains(mem, len, sig, 8));
    assert_false(tc_contains(mem, len, sig + 30, 8));
    kt_cred_cache_free(cache);
}

static void test_eviction_keeps_memory_fixed(void **state)
{
    (void)state;
    struct kt_cred_cache *cache;
    assert_int_equal(kt_cred_cache_new(&cache, 64), KT_OK);
    size_t len0 = 0;
    const void *mem0 = kt_cred_cache_debug_memory(cache, &len0);
    char tok[48];
    size_t total = 20000;
    for (size_t i = 0; i < total; i++) {
        tc_checksum_token("ghu_", i + 1000, tok);
        struct kt_cand cand = {KT_CAND_TOKEN, kt_str_cstr(tok)};
        struct kt_cred c;
        assert_true(kt_cred_cache_resolve(cache, &cand, &c));
        assert_int_equal(c.family, KT_FAM_GITHUB);
    }
    assert_int_equal(kt_cred_cache_misses(cache), total);
    assert_int_equal(kt_cred_cache_hits(cache), 0);
    assert_int_equal(kt_cred_cache_capacity(cache), 64);
    size_t len1 = 0;
    const void *mem1 = kt_cred_cache_debug_memory(cache, &len1);
    assert_ptr_equal(mem0, mem1);
    assert_int_equal(len0, len1);
    /* The most recent token is still there, and an early one was evicted. */
    struct kt_cred c, want;
    tc_checksum_token("ghu_", total - 1 + 1000, tok);
    struct kt_cand last = {KT_CAND_TOKEN, kt_str_cstr(tok)};
    assert_true(kt_cred_cache_resolve(cache, &last, &c));
    assert_int_equal(kt_cred_cache_hits(cache), 1);
    assert_true(kt_cred_recognise(&last, &want));
    assert_memory_equal(&c, &want, want.family == KT_FAM_JWT ? sizeof(c)
                                                             : offsetof(struct kt_cred, jwt));
    tc_checksum_token("ghu_", 1000, tok);
    struct kt_cand first = {KT_CAND_TOKEN, kt_str_cstr(tok)};
    assert_true(kt_cred_cache_resolve(cache, &first, &c));
    assert_int_equal(kt_cred_cache_misses(cache), total + 1);
    /* A working set that fits in any one set (4 ways) is served from the table whatever
     * sets the seeded hash picks. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 4; i++) {
            tc_checksum_token("ghr_", i, tok);
            struct kt_cand cand = {KT_CAND_TOKEN, kt_str_cstr(tok)};
            assert_true(kt_cred_cache_resolve(cache, &cand, &c));
        }
    }
    assert_int_equal(kt_cred_cache_misses(cache), total + 1 + 4);
    assert_int_equal(kt_cred_cache_hits(cache), 1 + 4);
    kt_cred_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_free_args),
        cmocka_unit_test(test_same_results_as_uncached),
        cmocka_unit_test(test_kinds_are_separate),
        cmocka_unit_test(test_never_stores_token),
        cmocka_unit_test(test_eviction_keeps_memory_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
