/* Fixed-memory summaries: distinct counting, top-k, and the key-id table. */
#include "testutil.h"

#include <stdio.h>

#include "distinct.h"
#include "hash.h"
#include "keytab.h"
#include "topk.h"

/* A fixed hash, so the estimate is the same in every run: with the process's random seed the
 * 3-sigma bound below fails about once in 300 runs, by chance alone. */
static uint64_t fixed_hash(uint64_t i)
{
    static const struct kt_hash_seed seed = { 0x6b657974726169ULL, 0x6c2d746573747321ULL };
    return kt_siphash64(&seed, &i, sizeof(i));
}

static void test_distinct_exact_then_estimate(void **state)
{
    (void)state;
    struct kt_distinct d;
    kt_distinct_init(&d);
    for (int round = 0; round < 3; round++) {
        for (uint64_t i = 0; i < KT_DISTINCT_EXACT; i++) {
            assert_true(kt_distinct_add(&d, fixed_hash(i)));
        }
    }
    assert_true(kt_distinct_is_exact(&d));
    assert_int_equal(kt_distinct_count(&d), KT_DISTINCT_EXACT);
    /* Past the exact set, the estimate stays within 20 % (3 sigma at 6.5 %). */
    const uint64_t sizes[] = { 100, 1000, 10000, 100000 };
    uint64_t added = KT_DISTINCT_EXACT;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (uint64_t i = added; i < sizes[s]; i++) {
            assert_true(kt_distinct_add(&d, fixed_hash(i)));
        }
        added = sizes[s];
        double est = (double)kt_distinct_count(&d);
        double err = (est - (double)sizes[s]) / (double)sizes[s];
        if (err > 0.2 || err < -0.2) {
            fail_msg("%llu distinct estimated as %.0f", (unsigned long long)sizes[s], est);
        }
    }
    assert_false(kt_distinct_is_exact(&d));
    kt_distinct_fini(&d);
    kt_distinct_fini(NULL);
}

static void render_num(void *ctx, char *out, size_t cap)
{
    snprintf(out, cap, "value-%d", *(const int *)ctx);
}

static void test_topk_keeps_heavy_hitters(void **state)
{
    (void)state;
    struct kt_topk t;
    kt_topk_init(&t);
    uint64_t rng = 5;
    /* Two heavy values among a long tail of singletons. */
    for (int i = 0; i < 5000; i++) {
        int v;
        uint64_t r = kt_test_rand(&rng) % 10;
        if (r < 4) {
            v = 1;
        } else if (r < 7) {
            v = 2;
        } else {
            v = 1000 + i;
        }
        kt_topk_add(&t, kt_hash(&v, sizeof(v)), render_num, &v);
    }
    const struct kt_topk_slot *top[KT_TOPK_SLOTS];
    unsigned n = kt_topk_sorted(&t, top);
    assert_int_equal(n, KT_TOPK_SLOTS);
    assert_string_equal(top[0]->text, "value-1");
    assert_string_equal(top[1]->text, "value-2");
    assert_true(top[0]->count >= top[1]->count);
    assert_true(top[0]->count > 1800 && top[0]->count < 2200 + top[0]->error);
}

static void test_keytab(void **state)
{
    (void)state;
    struct kt_keytab t;
    kt_keytab_init(&t);
    struct kt_keyid id;
    uint32_t v;
    bool inserted;
    for (uint32_t i = 0; i < 5000; i++) {
        memset(&id, 0, sizeof(id));
        memcpy(id.b, &i, sizeof(i));
        assert_int_equal(kt_keytab_upsert(&t, &id, i * 3, &v, &inserted), KT_OK);
        assert_true(inserted);
        assert_int_equal(v, i * 3);
    }
    assert_int_equal(kt_keytab_count(&t), 5000);
    for (uint32_t i = 0; i < 5000; i++) {
        memset(&id, 0, sizeof(id));
        memcpy(id.b, &i, sizeof(i));
        assert_true(kt_keytab_get(&t, &id, &v));
        assert_int_equal(v, i * 3);
        assert_int_equal(kt_keytab_upsert(&t, &id, 7, &v, &inserted), KT_OK);
        assert_false(inserted);
        assert_int_equal(v, i * 3);
    }
    memset(&id, 0xee, sizeof(id));
    assert_false(kt_keytab_get(&t, &id, &v));
    kt_keytab_fini(&t);
    assert_false(kt_keytab_get(&t, &id, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distinct_exact_then_estimate),
        cmocka_unit_test(test_topk_keeps_heavy_hitters),
        cmocka_unit_test(test_keytab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
