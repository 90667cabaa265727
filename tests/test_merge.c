/*
 * The time-order merge (merge.h): the heap hands out items by (time, rank) whatever the order
 * they were pushed in and however their keys change, and the input ranking ties by directory,
 * then by the walk's order within it.
 */
#include "testutil.h"

#include <stdlib.h>

#include "merge.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct item {
    int64_t keys[16]; /* the successive keys of one input, non-decreasing or not */
    size_t n, pos;
    size_t rank;
};

/* Pushes inputs with random keys and checks every pop against a scan for the minimum. */
static void test_heap_against_scan(void **state)
{
    (void)state;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + next_rand() % 40;
        struct item items[40];
        struct kt_merge_heap h;
        assert_int_equal(kt_merge_heap_init(&h, n), KT_OK);
        for (size_t i = 0; i < n; i++) {
            items[i].n = 1 + next_rand() % 16;
            items[i].pos = 0;
            items[i].rank = i;
            for (size_t k = 0; k < items[i].n; k++) {
                items[i].keys[k] = (int64_t)(next_rand() % 8); /* many ties */
            }
        }
        for (size_t i = n; i-- > 0;) {
            assert_true(kt_merge_heap_push(&h, items[i].keys[0], i, &items[i]));
        }
        assert_true(kt_merge_heap_full(&h));
        assert_false(kt_merge_heap_push(&h, 0, 99, &items[0]));
        for (;;) {
            int64_t key;
            struct item *top = kt_merge_heap_top(&h, &key);
            /* The expected minimum over the inputs not yet finished. */
            struct item *want = NULL;
            for (size_t i = 0; i < n; i++) {
                struct item *it = &items[i];
                if (it->pos < it->n &&
                    (want == NULL || it->keys[it->pos] < want->keys[want->pos])) {
                    want = it;
                }
            }
            if (want == NULL) {
                assert_null(top);
                break;
            }
            assert_ptr_equal(top, want);
            assert_int_equal(key, want->keys[want->pos]);
            if (++top->pos < top->n) {
                kt_merge_heap_rekey_top(&h, top->keys[top->pos]);
            } else {
                kt_merge_heap_pop(&h);
            }
        }
        kt_merge_heap_fini(&h);
    }
}

static void test_heap_empty_calls(void **state)
{
    (void)state;
    struct kt_merge_heap h;
    assert_int_equal(kt_merge_heap_init(&h, 1), KT_OK);
    assert_null(kt_merge_heap_top(&h, NULL));
    kt_merge_heap_pop(&h);
    kt_merge_heap_rekey_top(&h, 5);
    int x;
    assert_true(kt_merge_heap_push(&h, 3, 0, &x));
    kt_merge_heap_rekey_top(&h, 7);
    int64_t key;
    assert_ptr_equal(kt_merge_heap_top(&h, &key), &x);
    assert_int_equal(key, 7);
    kt_merge_heap_fini(&h);
    kt_merge_heap_fini(NULL);
}

static void test_input_ranking(void **state)
{
    (void)state;
    /* Shuffled, they must come out in this order whatever the shuffle. */
    const struct kt_merge_input want[] = {
        {.path = "-", .first_ms = INT64_MIN},
        {.path = "logs/README", .first_ms = INT64_MIN},
        {.path = "logs/a/access.log.2.gz", .first_ms = 1000},
        {.path = "logs/a/access.log.1", .first_ms = 1000},
        {.path = "logs/a/access.log", .first_ms = 1000},
        {.path = "logs/b/access.log", .first_ms = 1000},
        {.path = "logs/a/x", .first_ms = 1001},
        {.path = "logs/trail-9.json", .first_ms = 5000},
        {.path = "logs/trail-10.json", .first_ms = 5000},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    for (int round = 0; round < 100; round++) {
        struct kt_merge_input v[sizeof(want) / sizeof(want[0])];
        memcpy(v, want, sizeof(v));
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = next_rand() % (i + 1);
            struct kt_merge_input t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        qsort(v, n, sizeof(v[0]), kt_merge_input_cmp);
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(v[i].path, want[i].path);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_against_scan),
        cmocka_unit_test(test_heap_empty_calls),
        cmocka_unit_test(test_input_ranking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
