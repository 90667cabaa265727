/*
 * Run statistics: distinct keys per family are exact up to KT_RUN_STATS_EXACT_KEYS, then
 * estimated, so a log of random tokens cannot grow the table that counts them.
 */
#include "testutil.h"

#include <string.h>

#include "runstats.h"

static void add_key(struct kt_run_stats *st, uint32_t i, enum kt_family fam)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.n_creds = 1;
    ev.creds[0].family = fam;
    memcpy(ev.creds[0].key.b, &i, sizeof(i));
    ev.creds[0].key.b[KT_KEYID_BYTES - 1] = (uint8_t)fam;
    assert_int_equal(kt_run_stats_event(st, &ev), KT_OK);
}

static void test_exact_while_small(void **state)
{
    (void)state;
    struct kt_run_stats st;
    kt_run_stats_init(&st);
    for (uint32_t i = 0; i < 300; i++) {
        add_key(&st, i % 100, KT_FAM_GENERIC);
    }
    add_key(&st, 7, KT_FAM_AWS);
    assert_int_equal(kt_run_stats_keys(&st, KT_FAM_GENERIC), 100);
    assert_int_equal(kt_run_stats_keys(&st, KT_FAM_AWS), 1);
    assert_int_equal(st.family_uses[KT_FAM_GENERIC], 300);
    assert_false(st.keys_estimated);
    kt_run_stats_fini(&st);
}

static void test_bounded_past_the_cap(void **state)
{
    (void)state;
    enum { MORE = 50000 };
    struct kt_run_stats st;
    kt_run_stats_init(&st);
    for (uint32_t i = 0; i < KT_RUN_STATS_EXACT_KEYS + MORE; i++) {
        add_key(&st, i, KT_FAM_GENERIC);
    }
    /* Keys already counted are still recognised once the table is full. */
    add_key(&st, 3, KT_FAM_GENERIC);
    assert_int_equal(kt_keytab_count(&st.seen), KT_RUN_STATS_EXACT_KEYS);
    size_t cap = st.seen.cap;
    for (uint32_t i = 0; i < MORE; i++) {
        add_key(&st, KT_RUN_STATS_EXACT_KEYS + MORE + i, KT_FAM_GENERIC);
    }
    assert_int_equal(st.seen.cap, cap);
    assert_true(st.keys_estimated);
    uint64_t n = kt_run_stats_keys(&st, KT_FAM_GENERIC);
    uint64_t want = KT_RUN_STATS_EXACT_KEYS + 2 * MORE;
    /* The exact part plus a ±6.5 % estimate of the rest (4 standard errors of slack). */
    assert_true(n > want - 2 * MORE * 26 / 100 && n < want + 2 * MORE * 26 / 100);
    kt_run_stats_fini(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_while_small),
        cmocka_unit_test(test_bounded_past_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
