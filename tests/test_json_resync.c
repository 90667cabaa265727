/*
 * The resync scanner: where the next record starts after a bad one, for valid values (exact)
 * and for each kind of damage it repairs, fed whole and split at every byte.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "json_resync.h"

/* Feeds text in pieces of `piece` new bytes (0: whole), passing again what a step left
 * unconsumed; returns the stop and sets *at to its offset in text. */
static enum kt_resync_stop scan(const char *text, enum kt_resync_ctx ctx, bool damaged,
                                size_t piece, size_t *at)
{
    struct kt_resync rs;
    kt_resync_init(&rs, ctx, damaged);
    size_t len = strlen(text), pos = 0, kept = 0;
    for (;;) {
        size_t n = piece == 0 ? len - pos : KT_MIN(len - pos, kept + piece);
        bool final = pos + n == len;
        size_t used;
        enum kt_resync_stop stop = kt_resync_step(&rs, text + pos, n, final, &used);
        assert_true(used <= n);
        pos += used;
        if (stop != KT_RESYNC_MORE || final) {
            assert_true(stop != KT_RESYNC_MORE || pos == len);
            *at = pos;
            return stop;
        }
        kept = n - used;
    }
}

struct resync_case {
    const char *text;
    enum kt_resync_ctx ctx;
    enum kt_resync_stop stop;
    const char *rest; /* what follows the stop point */
};

#define A KT_RESYNC_ARRAY
#define T KT_RESYNC_TOP

static const struct resync_case cases[] = {
    /* valid values end where they end */
    { "{\"a\":[1,{\"b\":\"],}\"}]},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },
    { "{\"a\":1}]", A, KT_RESYNC_CLOSE, "]" },
    { "{\"a\":1} , \n {\"c\":1}", A, KT_RESYNC_NEXT, "{\"c\":1}" },
    { "\"x\\\"]\",\"y\"]", A, KT_RESYNC_NEXT, "\"y\"]" },
    { "[1,[2]],3]", A, KT_RESYNC_NEXT, "3]" },
    { "{\"a\":{\"b\":1}}\n{\"c\":1}", T, KT_RESYNC_NEXT, "{\"c\":1}" },
    { "{\"a\":1}{\"c\":1}", T, KT_RESYNC_NEXT, "{\"c\":1}" },
    /* damage */
    { "{\"a\":tru},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },
    { "{\"a\":\"x,\"b\":1},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },    /* lost quote */
    { "{\"a\":x\",\"b\":1},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },    /* lost quote */
    { "{\"a\":\"x\n{\"c\":1}", T, KT_RESYNC_NEXT, "{\"c\":1}" },             /* newline */
    { "{\"a\":1,{\"a\":2}]", A, KT_RESYNC_NEXT, "{\"a\":2}]" },               /* lost } */
    { "{\"a\":1\n{\"c\":2}", T, KT_RESYNC_NEXT, "{\"c\":2}" },                /* lost } */
    { "{\"u\":\"t\":1},\"e\":2},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" }, /* lost { */
    { "{\"r\":[{\"x\":1}\"y\":2}]},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" }, /* early } */
    { "{\"r\":[1,2},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },           /* lost ] */
    { "{\"r\":1]},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },              /* stray ] */
    { "{\"a\":1}}},{\"c\":1}]", A, KT_RESYNC_NEXT, "{\"c\":1}]" },             /* stray } */
    { "{\"k\":[[[1},{\"x\":0}]", A, KT_RESYNC_NEXT, "{\"x\":0}]" },  /* } closes the [[[ */
    { "{\"k\":{\"q\":{\"r\":1},{\"x\":0},{\"k\":3}]", A, KT_RESYNC_NEXT, "{\"k\":3}]" }, /* name */
    { "{\"k\":\"a\"}, {\"j\":[", A, KT_RESYNC_NEXT, "{\"j\":[" },
    { "{\"a\":tru", A, KT_RESYNC_MORE, "" },
    { "tru, {\"c\":1}", A, KT_RESYNC_NEXT, "{\"c\":1}" },
    { "tru, 2]", A, KT_RESYNC_NEXT, "2]" },  /* not an object: any value is the next element */
    { "hello world\n{\"c\":1}", T, KT_RESYNC_NEXT, "{\"c\":1}" },
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct resync_case *c = &cases[i];
        size_t len = strlen(c->text);
        for (size_t piece = 0; piece <= len; piece++) {
            size_t at;
            enum kt_resync_stop stop = scan(c->text, c->ctx, true, piece, &at);
            if (stop != c->stop || strcmp(c->text + at, c->rest) != 0) {
                fail_msg("case %zu piece %zu: stop %d at '%s', want %d at '%s'", i, piece,
                         (int)stop, c->text + at, (int)c->stop, c->rest);
            }
        }
    }
}

/* A valid value that is only long is never cut at a look-alike record inside it. */
static void test_valid_value_ignores_names(void **state)
{
    (void)state;
    const char *text = "{\"k\":{\"k\":1},\"z\":2},{\"k\":3}]";
    size_t at;
    assert_int_equal(scan(text, A, false, 0, &at), KT_RESYNC_NEXT);
    assert_string_equal(text + at, "{\"k\":3}]");
}

/* The wrapper's members after "Records": up to and past the object's closing brace. */
static void test_in_object(void **state)
{
    (void)state;
    const char *text = "\"x\":{\"y\":[1,\"}\"]}} {\"Records\":[]}";
    struct kt_resync rs;
    kt_resync_init_in_object(&rs);
    size_t used;
    assert_int_equal(kt_resync_step(&rs, text, strlen(text), true, &used), KT_RESYNC_AFTER);
    assert_string_equal(text + used, " {\"Records\":[]}");
}

/* After kt_resync_reset the scan looks for the next element from where it is. */
static void test_reset(void **state)
{
    (void)state;
    struct kt_resync rs;
    kt_resync_init(&rs, A, true);
    size_t used;
    const char *a = "{\"a\":[[[[ ";
    assert_int_equal(kt_resync_step(&rs, a, strlen(a), false, &used), KT_RESYNC_MORE);
    assert_int_equal(used, strlen(a));
    assert_int_equal(rs.depth, 5);
    kt_resync_reset(&rs);
    assert_int_equal(rs.scanned, 0);
    const char *b = "1}},{\"c\":1}";
    assert_int_equal(kt_resync_step(&rs, b, strlen(b), true, &used), KT_RESYNC_NEXT);
    assert_string_equal(b + used, "{\"c\":1}");
}

static void test_next_value(void **state)
{
    (void)state;
    struct kt_str s = kt_str_cstr("{\"a\":tru},{\"b\":1}]");
    assert_true(kt_resync_next_value(&s, A));
    assert_true(kt_str_eq_cstr(s, "{\"b\":1}]"));
    s = kt_str_cstr("{\"a\":tru}]");
    assert_false(kt_resync_next_value(&s, A));
    s = kt_str_cstr("{\"a\":tru}\n{\"b\":1}\n");
    assert_true(kt_resync_next_value(&s, T));
    assert_true(kt_str_eq_cstr(s, "{\"b\":1}\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_valid_value_ignores_names),
        cmocka_unit_test(test_in_object),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_next_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
