/*
 * The strict base64/base64url decoder used by credential recognition (src/base64.c): RFC 4648
 * vectors, padding rules per flag, alphabet rules, trailing bits, capacity, and a round trip
 * against an independent encoder for every length and alphabet.
 */
#include "test_cred_helpers.h"

#include "base64.h"

static bool dec(const char *in, unsigned flags, char *out, size_t cap, size_t *n)
{
    return kt_base64_decode(kt_str_cstr(in), flags, (uint8_t *)out, cap, n);
}

static void test_rfc4648_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *plain, *padded, *bare;
    } rows[] = {
        {"", "", ""},
        {"f", "Zg==", "Zg"},
        {"fo", "Zm8=", "Zm8"},
        {"foo", "Zm9v", "Zm9v"},
        {"foob", "Zm9vYg==", "Zm9vYg"},
        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        char out[16];
        size_t n = 99;
        assert_true(dec(rows[i].padded, KT_B64_STD | KT_B64_PAD_REQ, out, sizeof(out), &n));
        assert_int_equal(n, strlen(rows[i].plain));
        assert_memory_equal(out, rows[i].plain, n);
        assert_true(dec(rows[i].padded, KT_B64_STD | KT_B64_PAD_OK, out, sizeof(out), &n));
        assert_int_equal(n, strlen(rows[i].plain));
        assert_true(dec(rows[i].bare, KT_B64_URL, out, sizeof(out), &n));
        assert_int_equal(n, strlen(rows[i].plain));
        assert_memory_equal(out, rows[i].plain, n);
        bool needs_pad = strcmp(rows[i].padded, rows[i].bare) != 0;
        /* Padding present but not allowed; absent but required. */
        assert_int_equal(dec(rows[i].padded, KT_B64_URL, out, sizeof(out), &n), !needs_pad);
        assert_int_equal(dec(rows[i].bare, KT_B64_STD | KT_B64_PAD_REQ, out, sizeof(out), &n),
                         !needs_pad);
    }
}

static void test_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        unsigned flags;
    } rows[] = {
        {"Z", KT_B64_STD | KT_B64_PAD_OK}, /* 4k+1 symbols */
        {"Zm9vY", KT_B64_URL},
        {"Zg=", KT_B64_STD | KT_B64_PAD_OK},   /* incomplete padding */
        {"Zg===", KT_B64_STD | KT_B64_PAD_OK}, /* too much padding */
        {"Zm8==", KT_B64_STD | KT_B64_PAD_OK},
        {"Zm9v=", KT_B64_STD | KT_B64_PAD_OK},
        {"=Zm9", KT_B64_STD | KT_B64_PAD_OK},     /* padding first */
        {"Zg==Zg==", KT_B64_STD | KT_B64_PAD_OK}, /* padding in the middle */
        {"Zm 9v", KT_B64_STD},                    /* whitespace */
        {"Zm9v\n", KT_B64_STD},
        {"Zm9*", KT_B64_STD},
        {"Zh==", KT_B64_STD | KT_B64_PAD_OK}, /* non-zero trailing bits */
        {"Zm9=", KT_B64_STD | KT_B64_PAD_OK},
        {"Zh", KT_B64_URL},
        {"ab+/", KT_B64_URL},              /* standard pair, url only */
        {"ab-_", KT_B64_STD},              /* url pair, standard only */
        {"ab+_", KT_B64_STD | KT_B64_URL}, /* mixed alphabets */
        {"Zm9v", 0},                       /* no alphabet */
        {"Zm9v\xc3\xa9", KT_B64_STD},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        char out[16];
        size_t n = 0;
        if (dec(rows[i].in, rows[i].flags, out, sizeof(out), &n)) {
            fail_msg("row %zu accepted", i);
        }
    }
    /* Embedded NUL. */
    char out[8];
    size_t n = 0;
    assert_false(kt_base64_decode(kt_str_make("Zm\0v", 4), KT_B64_STD, (uint8_t *)out, 8, &n));
    /* Both pairs accepted when both alphabets are allowed, one at a time. */
    assert_true(dec("ab+/", KT_B64_STD | KT_B64_URL, out, sizeof(out), &n));
    assert_true(dec("ab-_", KT_B64_STD | KT_B64_URL, out, sizeof(out), &n));
}

static void test_capacity(void **state)
{
    (void)state;
    char out[8];
    size_t n = 0;
    assert_true(dec("Zm9vYmFy", KT_B64_STD, out, 6, &n));
    assert_int_equal(n, 6);
    assert_false(dec("Zm9vYmFy", KT_B64_STD, out, 5, &n));
    assert_true(dec("Zm9vYmE", KT_B64_URL, out, 5, &n));
    assert_false(dec("Zm9vYmE", KT_B64_URL, out, 4, &n));
    assert_true(dec("", KT_B64_URL, NULL, 0, &n));
    assert_int_equal(n, 0);
    assert_true(kt_base64_decoded_max(8) >= 6);
    assert_true(kt_base64_decoded_max(7) >= 5);
}

static void test_round_trip(void **state)
{
    (void)state;
    uint64_t st = 7;
    for (size_t len = 0; len <= 96; len++) {
        uint8_t raw[96], back[100];
        for (size_t i = 0; i < len; i++) {
            raw[i] = (uint8_t)kt_test_rand(&st);
        }
        for (int v = 0; v < 4; v++) {
            bool url = v & 1, pad = v & 2;
            char enc[160];
            tc_b64(raw, len, url, pad, enc);
            unsigned flags = (url ? KT_B64_URL : KT_B64_STD) | (pad ? KT_B64_PAD_OK : 0);
            size_t n = 0;
            assert_true(kt_base64_decode(kt_str_cstr(enc), flags, back, sizeof(back), &n));
            assert_int_equal(n, len);
            assert_memory_equal(back, raw, len);
            assert_true(kt_base64_decoded_max(strlen(enc)) >= len);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
