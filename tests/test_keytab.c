/*
 * The key-id table: insert, lookup, update and backward-shift deletion, checked against a plain
 * array model under random operations, and bounded size under churn (no tombstones pile up).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "keytab.h"

static struct kt_keyid id_of(uint32_t i)
{
    struct kt_keyid id;
    memset(&id, 0, sizeof(id));
    memcpy(id.b, &i, sizeof(i));
    id.b[KT_KEYID_BYTES - 1] = 0x77;
    return id;
}

static void test_delete_basic(void **state)
{
    (void)state;
    struct kt_keytab t;
    kt_keytab_init(&t);
    struct kt_keyid a = id_of(1);
    uint32_t v = 0;
    bool inserted;
    /* Deleting from an empty (never allocated) table is a miss, not a crash. */
    assert_false(kt_keytab_del(&t, &a, &v));
    assert_false(kt_keytab_set(&t, &a, 3));
    assert_int_equal(kt_keytab_upsert(&t, &a, 10, &v, &inserted), KT_OK);
    assert_true(kt_keytab_set(&t, &a, 11));
    assert_true(kt_keytab_get(&t, &a, &v));
    assert_int_equal(v, 11);
    assert_true(kt_keytab_del(&t, &a, &v));
    assert_int_equal(v, 11);
    assert_int_equal(kt_keytab_count(&t), 0);
    assert_false(kt_keytab_get(&t, &a, &v));
    assert_false(kt_keytab_del(&t, &a, NULL));
    /* Re-inserting after a delete inserts afresh. */
    assert_int_equal(kt_keytab_upsert(&t, &a, 12, &v, &inserted), KT_OK);
    assert_true(inserted);
    assert_int_equal(v, 12);
    kt_keytab_fini(&t);
    kt_keytab_fini(NULL);
}

/*
 * Random inserts and deletes against a model (present[i], value[i]). At up to 70 % load every
 * run of occupied slots is long enough that deletions inside runs, at their ends and across the
 * array's wrap-around all happen many times; after every step the whole model is checked.
 */
static void test_delete_against_model(void **state)
{
    (void)state;
    enum { N = 600, STEPS = 20000 };
    bool present[N] = {false};
    uint32_t value[N] = {0};
    size_t live = 0;
    uint64_t rng = 42;
    struct kt_keytab t;
    kt_keytab_init(&t);
    for (int step = 0; step < STEPS; step++) {
        uint32_t i = (uint32_t)(kt_test_rand(&rng) % N);
        struct kt_keyid id = id_of(i);
        uint32_t v = 0;
        bool inserted;
        if (kt_test_rand(&rng) % 2 == 0) {
            assert_int_equal(kt_keytab_upsert(&t, &id, (uint32_t)step, &v, &inserted), KT_OK);
            assert_int_equal(inserted, !present[i]);
            if (!present[i]) {
                present[i] = true;
                value[i] = (uint32_t)step;
                live++;
            }
            assert_int_equal(v, value[i]);
        } else {
            bool had = kt_keytab_del(&t, &id, &v);
            assert_int_equal(had, present[i]);
            if (had) {
                assert_int_equal(v, value[i]);
                present[i] = false;
                live--;
            }
        }
        assert_int_equal(kt_keytab_count(&t), live);
        if (step % 97 == 0 || step == STEPS - 1) {
            for (uint32_t k = 0; k < N; k++) {
                struct kt_keyid kid = id_of(k);
                bool got = kt_keytab_get(&t, &kid, &v);
                assert_int_equal(got, present[k]);
                if (got) {
                    assert_int_equal(v, value[k]);
                }
            }
        }
    }
    kt_keytab_fini(&t);
}

/*
 * An engine at its key cap deletes one key for every new one. A million such replacements over
 * a live set of 1 000 keep the table at the size 1 000 keys need, and every live key findable.
 */
static void test_churn_stays_small(void **state)
{
    (void)state;
    enum { LIVE = 1000, ROUNDS = 1000000 };
    struct kt_keytab t;
    kt_keytab_init(&t);
    uint32_t v;
    bool inserted;
    for (uint32_t i = 0; i < LIVE; i++) {
        struct kt_keyid id = id_of(i);
        assert_int_equal(kt_keytab_upsert(&t, &id, i, &v, &inserted), KT_OK);
    }
    size_t cap = t.cap;
    for (uint32_t i = LIVE; i < ROUNDS; i++) {
        struct kt_keyid old = id_of(i - LIVE), fresh = id_of(i);
        assert_true(kt_keytab_del(&t, &old, NULL));
        assert_int_equal(kt_keytab_upsert(&t, &fresh, i, &v, &inserted), KT_OK);
        assert_true(inserted);
    }
    assert_int_equal(kt_keytab_count(&t), LIVE);
    assert_int_equal(t.cap, cap);
    for (uint32_t i = ROUNDS - LIVE; i < ROUNDS; i++) {
        struct kt_keyid id = id_of(i);
        assert_true(kt_keytab_get(&t, &id, &v));
        assert_int_equal(v, i);
    }
    struct kt_keyid gone = id_of(ROUNDS - LIVE - 1);
    assert_false(kt_keytab_get(&t, &gone, &v));
    kt_keytab_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_basic),
        cmocka_unit_test(test_delete_against_model),
        cmocka_unit_test(test_churn_stays_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
