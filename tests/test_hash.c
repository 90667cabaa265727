/* SipHash-2-4 against the reference vectors (key 00..0f, message 00..len-1). */
#include "testutil.h"

#include <stdio.h>

#include "hash.h"

static const struct kt_hash_seed ref_seed = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };

static void test_siphash64_vectors(void **state)
{
    (void)state;
    uint8_t msg[64];
    for (int i = 0; i < 64; i++) {
        msg[i] = (uint8_t)i;
    }
    assert_int_equal(kt_siphash64(&ref_seed, msg, 0), 0x726fdb47dd0e0e31ULL);
    assert_int_equal(kt_siphash64(&ref_seed, msg, 1), 0x74f839c593dc67fdULL);
    assert_int_equal(kt_siphash64(&ref_seed, msg, 8), 0x93f5f5799a932462ULL);
    assert_int_equal(kt_siphash64(&ref_seed, msg, 15), 0xa129ca6149be45e5ULL);
    assert_int_equal(kt_siphash64(&ref_seed, msg, 63), 0x958a324ceb064572ULL);
}

static void test_siphash128_vectors(void **state)
{
    (void)state;
    uint8_t msg[16];
    for (int i = 0; i < 16; i++) {
        msg[i] = (uint8_t)i;
    }
    uint64_t out[2];
    kt_siphash128(&ref_seed, msg, 0, out);
    /* Reference bytes a3 81 7f 04 ba 25 a8 e6 6d f6 72 14 c7 55 02 93, little-endian words. */
    assert_int_equal(out[0], 0xe6a825ba047f81a3ULL);
    assert_int_equal(out[1], 0x930255c71472f66dULL);
}

static void test_seed_is_stable_within_process(void **state)
{
    (void)state;
    const char *s = "203.0.113.7";
    assert_int_equal(kt_hash(s, strlen(s)), kt_hash(s, strlen(s)));
    assert_int_not_equal(kt_hash(s, strlen(s)), kt_hash(s, strlen(s) - 1));
}

/* Table quality: sequential and near-identical keys spread evenly over buckets. */
static void test_fast_hash_spreads(void **state)
{
    (void)state;
    enum { BUCKETS = 256, KEYS = 256 * 64 };
    unsigned counts[BUCKETS] = { 0 };
    char key[32];
    for (int i = 0; i < KEYS; i++) {
        int n = snprintf(key, sizeof(key), "203.0.%d.%d", i / 256, i % 256);
        counts[kt_hash(key, (size_t)n) % BUCKETS]++;
    }
    for (int b = 0; b < BUCKETS; b++) {
        /* Expected 64 per bucket; a fair hash stays well inside 30..110. */
        if (counts[b] < 30 || counts[b] > 110) {
            fail_msg("bucket %d holds %u of %d keys", b, counts[b], KEYS);
        }
    }
    /* Every length from 0 to 40 and every single-bit flip changes the hash. */
    uint8_t buf[40] = { 0 };
    for (size_t len = 0; len < sizeof(buf); len++) {
        uint64_t base = kt_hash(buf, len);
        assert_int_not_equal(base, kt_hash(buf, len + 1));
        for (size_t bit = 0; bit < len * 8; bit++) {
            buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            assert_int_not_equal(kt_hash(buf, len), base);
            buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash64_vectors),
        cmocka_unit_test(test_siphash128_vectors),
        cmocka_unit_test(test_seed_is_stable_within_process),
        cmocka_unit_test(test_fast_hash_spreads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
