/*
 * Network sets (src/netset.c): matching, most specific first, and the --ip-list reader with
 * the errors a mistyped list gets (file and line, never the line).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "netset.h"

static char *write_tmp(const char *text)
{
    char *p = kt_test_tmpfile(text, strlen(text));
    assert_non_null(p);
    return p;
}

static void test_match(void **state)
{
    (void)state;
    struct kt_netset *set;
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("203.0.113.0/24"), kt_str_cstr("wide")), KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("203.0.113.128/25"), kt_str_cstr("narrow")),
                     KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("2001:db8:1::/48"), KT_STR_NULL), KT_OK);
    assert_int_equal(kt_netset_add(set, kt_str_cstr("0.0.0.0/0"), kt_str_cstr("all")), KT_OK);
    assert_string_equal(kt_netset_match(set, kt_str_cstr("203.0.113.200")), "narrow");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("203.0.113.5")), "wide");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("8.8.8.8")), "all");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("2001:db8:1:2::9")), "");
    assert_null(kt_netset_match(set, kt_str_cstr("2001:db8:2::9")));
    assert_null(kt_netset_match(set, kt_str_cstr("AWS Internal")));
    static const char *const bad[] = {"10.0.0.0/33", "10.0.0/8",    "::/129", "x",
                                      "10.0.0.0/",   "10.0.0.0/8x", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(kt_netset_add(set, kt_str_cstr(bad[i]), KT_STR_NULL), KT_EINVAL);
    }
    /* Many entries stay exact. */
    char cidr[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(cidr, sizeof(cidr), "10.%d.%d.0/24", i / 256, i % 256);
        assert_int_equal(kt_netset_add(set, kt_str_cstr(cidr), kt_str_cstr("bulk")), KT_OK);
    }
    assert_string_equal(kt_netset_match(set, kt_str_cstr("10.11.183.77")), "bulk");
    assert_int_equal(kt_netset_count(set), 3004);
    kt_netset_free(set);
    kt_netset_free(NULL);
}

static void test_load(void **state)
{
    (void)state;
    char *path = write_tmp("# tor exits\n185.220.101.0/24 tor-exit\n\n192.0.2.9,scanner\n"
                           "2001:db8::/32\tdocs\n  198.51.100.0/24 , spaced label \r\n"
                           "203.0.113.7");
    struct kt_netset *set;
    assert_int_equal(kt_netset_new(&set), KT_OK);
    struct kt_err err;
    assert_int_equal(kt_netset_load(set, path, &err), KT_OK);
    assert_int_equal(kt_netset_count(set), 5);
    assert_string_equal(kt_netset_match(set, kt_str_cstr("185.220.101.44")), "tor-exit");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("192.0.2.9")), "scanner");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("2001:db8::1")), "docs");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("198.51.100.3")), "spaced label");
    assert_string_equal(kt_netset_match(set, kt_str_cstr("203.0.113.7")), "");
    kt_netset_free(set);
    unlink(path);
    free(path);
    assert_int_equal(kt_netset_count(NULL), 0);
    /* Many lines: the file reader's 64 KiB chunks cut lines anywhere; none is lost or split. */
    size_t cap = 600000, len = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(big + len, cap - len, "10.%d.%d.0/24 l%d\r\n", i / 256, i % 256, i);
        assert_true(n > 0 && (size_t)n < cap - len);
        len += (size_t)n;
    }
    path = kt_test_tmpfile(big, len);
    assert_non_null(path);
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_load(set, path, &err), KT_OK);
    assert_int_equal(kt_netset_count(set), 20000);
    assert_string_equal(kt_netset_match(set, kt_str_cstr("10.78.31.9")), "l19999");
    kt_netset_free(set);
    unlink(path);
    free(path);
    free(big);
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_load(set, "/nonexistent/ips.txt", &err), KT_EOPEN);
    assert_string_equal(err.where, "/nonexistent/ips.txt");
    kt_netset_free(set);
}

struct bad_case {
    const char *line;
    enum kt_rc rc;
    const char *want;
};

static const struct bad_case bad[] = {
    {"not-an-address", KT_EPARSE, "not an address or network"},
    {"10.0.0.0/33 too-wide", KT_EPARSE, "not an address or network"},
    {"10.0.0/8", KT_EPARSE, "not an address or network"},
    {"10.0.0.0/ label", KT_EPARSE, "not an address or network"},
    {"2001:db8::/129", KT_EPARSE, "not an address or network"},
    {"10.0.0.0-10.0.0.255", KT_EPARSE, "not an address or network"},
    {"10.0.0.0/8\x01label", KT_EPARSE, "control characters"},
    {"10.0.0.0/8 lab\x7f"
     "el",
     KT_EPARSE, "control characters"},
};

static void test_bad_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        char text[256];
        int n = snprintf(text, sizeof(text), "10.1.0.0/16\n# c\n%s\n192.0.2.1\n", bad[i].line);
        assert_true(n > 0 && (size_t)n < sizeof(text));
        struct kt_netset *set;
        assert_int_equal(kt_netset_new(&set), KT_OK);
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_netset_load_buffer(set, "ips.txt", text, (size_t)n, &err);
        if (rc != bad[i].rc || strcmp(err.where, "ips.txt:3") != 0 ||
            strstr(err.msg, bad[i].want) == NULL) {
            fail_msg("case %zu: rc %d '%s: %s'", i, rc, err.where, err.msg);
        }
        kt_netset_free(set);
    }
    /* A NUL inside a line is not the end of it (fgets-style readers stop there). */
    static const char nul[] = "10.0.0.0/8\0garbage\n";
    struct kt_netset *set;
    assert_int_equal(kt_netset_new(&set), KT_OK);
    struct kt_err err;
    assert_int_equal(kt_netset_load_buffer(set, "ips.txt", nul, sizeof(nul) - 1, &err), KT_EPARSE);
    assert_string_equal(err.where, "ips.txt:1");
    kt_netset_free(set);
}

static void test_long_lines(void **state)
{
    (void)state;
    /* A long label is one line, not several (a fixed fgets buffer split it before). */
    size_t len = 3000;
    char *text = malloc(len + 64);
    assert_non_null(text);
    memcpy(text, "10.0.0.0/8 ", 11);
    memset(text + 11, 'x', len - 11);
    memcpy(text + len, "\n192.0.2.1\n", 11);
    struct kt_netset *set;
    assert_int_equal(kt_netset_new(&set), KT_OK);
    struct kt_err err;
    assert_int_equal(kt_netset_load_buffer(set, "ips.txt", text, len + 11, &err), KT_OK);
    assert_int_equal(kt_netset_count(set), 2);
    kt_netset_free(set);
    /* Over 4 KiB without a newline (a binary file): refused at that line. */
    free(text);
    len = 200000;
    text = calloc(1, len);
    assert_non_null(text);
    memcpy(text, "10.0.0.0/8\n", 11);
    char *path = kt_test_tmpfile(text, len);
    assert_non_null(path);
    assert_int_equal(kt_netset_new(&set), KT_OK);
    assert_int_equal(kt_netset_load(set, path, &err), KT_ELIMIT);
    char where[600];
    snprintf(where, sizeof(where), "%s:2", path);
    assert_string_equal(err.where, where);
    assert_non_null(strstr(err.msg, "line longer than"));
    kt_netset_free(set);
    unlink(path);
    free(path);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
