/* The JSON writer: structure, escaping of hostile bytes, and agreement with json-c. */
#include "testutil.h"

#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "jsonw.h"

/* Writes through a pipe and returns what came out (malloc'd). */
static char *render(void (*build)(struct kt_jw *w, const void *arg), const void *arg)
{
    char path[] = "/tmp/keytrail-jw-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct kt_jw w;
    assert_int_equal(kt_jw_init(&w, fd), KT_OK);
    build(&w, arg);
    assert_int_equal(kt_jw_fini(&w), KT_OK);
    close(fd);
    size_t len;
    char *out = kt_test_slurp(path, &len);
    unlink(path);
    return out;
}

static void build_event(struct kt_jw *w, const void *arg)
{
    (void)arg;
    kt_jw_object_begin(w);
    kt_jw_kcstr(w, "a", "plain");
    kt_jw_kint(w, "n", -42);
    kt_jw_key(w, "list");
    kt_jw_array_begin(w);
    kt_jw_int(w, 1);
    kt_jw_bool(w, true);
    kt_jw_null(w);
    kt_jw_object_begin(w);
    kt_jw_object_end(w);
    kt_jw_array_end(w);
    kt_jw_key(w, "d");
    kt_jw_double(w, 1.25, 2);
    kt_jw_object_end(w);
    kt_jw_newline(w);
    kt_jw_object_begin(w);
    kt_jw_object_end(w);
    kt_jw_newline(w);
}

static void test_structure(void **state)
{
    (void)state;
    char *out = render(build_event, NULL);
    assert_string_equal(out, "{\"a\":\"plain\",\"n\":-42,\"list\":[1,true,null,{}],\"d\":1.25}\n{}\n");
    free(out);
}

static void build_string(struct kt_jw *w, const void *arg)
{
    const struct kt_str *s = arg;
    kt_jw_object_begin(w);
    kt_jw_kstr(w, "s", *s);
    kt_jw_object_end(w);
}

/* json-c must parse what we wrote and give back the same bytes (for valid UTF-8 input). */
static void round_trip_n(const char *bytes, size_t len, const char *want_back, size_t want_len)
{
    struct kt_str s = kt_str_make(bytes, len);
    char *out = render(build_string, &s);
    struct json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *obj = json_tokener_parse_ex(tok, out, (int)strlen(out));
    if (obj == NULL) {
        fail_msg("json-c rejected: %s", out);
    }
    struct json_object *v;
    assert_true(json_object_object_get_ex(obj, "s", &v));
    size_t vlen = (size_t)json_object_get_string_len(v);
    assert_int_equal(vlen, want_len);
    assert_memory_equal(json_object_get_string(v), want_back, vlen);
    json_object_put(obj);
    json_tokener_free(tok);
    free(out);
}

static void round_trip(const char *bytes, size_t len, const char *want_back)
{
    round_trip_n(bytes, len, want_back, strlen(want_back));
}

static void test_escaping(void **state)
{
    (void)state;
    round_trip("quote\" back\\ slash/", 19, "quote\" back\\ slash/");
    round_trip("ctl\n\t\r\x01\x1f\x7f", 9, "ctl\n\t\r\x01\x1f\x7f");
    round_trip("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", 14, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
    /* Invalid UTF-8 becomes U+FFFD: a lone continuation, a truncated sequence, an overlong
     * encoding, a surrogate and a NUL byte. */
    round_trip("a\x80" "b", 3, "a\xef\xbf\xbd" "b");
    round_trip("x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd");
    round_trip("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");
    round_trip("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    round_trip_n("a\0b", 3, "a\0b", 3);
}

static void test_random_bytes_always_valid(void **state)
{
    (void)state;
    uint64_t rng = 99;
    char buf[200];
    for (int i = 0; i < 300; i++) {
        size_t n = kt_test_rand(&rng) % sizeof(buf);
        for (size_t k = 0; k < n; k++) {
            buf[k] = (char)kt_test_rand(&rng);
        }
        struct kt_str s = kt_str_make(buf, n);
        char *out = render(build_string, &s);
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        struct json_object *obj = json_tokener_parse_ex(tok, out, (int)strlen(out));
        assert_non_null(obj);
        json_object_put(obj);
        json_tokener_free(tok);
        free(out);
    }
}

static void build_big(struct kt_jw *w, const void *arg)
{
    (void)arg;
    static char big[600000];
    memset(big, 'z', sizeof(big));
    kt_jw_array_begin(w);
    for (int i = 0; i < 3; i++) {
        kt_jw_str(w, kt_str_make(big, sizeof(big)));
    }
    kt_jw_array_end(w);
}

static void test_values_larger_than_buffer(void **state)
{
    (void)state;
    char *out = render(build_big, NULL);
    assert_int_equal(strlen(out), 3 * 600002 + 2 + 2);
    free(out);
}

static void test_write_error_latches(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]); /* nobody reads: writes fail with EPIPE */
    struct kt_jw w;
    assert_int_equal(kt_jw_init(&w, fds[1]), KT_OK);
    kt_jw_cstr(&w, "x");
    assert_int_equal(kt_jw_flush(&w), KT_EIO);
    assert_true(kt_jw_failed(&w));
    kt_jw_cstr(&w, "y");
    assert_int_equal(kt_jw_fini(&w), KT_EIO);
    close(fds[1]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_random_bytes_always_valid),
        cmocka_unit_test(test_values_larger_than_buffer),
        cmocka_unit_test(test_write_error_latches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
