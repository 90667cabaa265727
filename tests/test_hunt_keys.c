/*
 * Reading the keys of a hunt (hunt_keys.c): each shape of value (key id, AWS access key id,
 * hashed_token, token, issuer), the same key whatever shape names it, key files with comments
 * and blank lines, errors that name the line and never the value, and that a token read is
 * noted with the redactor before anything can print it.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "hunt_keys.h"
#include "needles.h"
#include "redact.h"

#define GHP "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"
#define AKIA "AKIARTX3GSDSQOUP4RD6"

static struct kt_hunt *new_hunt(void)
{
    struct kt_hunt *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    kt_hunt_init(h, NULL, NULL, NULL);
    return h;
}

static void free_hunt(struct kt_hunt *h)
{
    kt_hunt_fini(h);
    free(h);
}

static void test_key_id(void **state)
{
    (void)state;
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_parse(KT_STR_LIT("  kt1-e67af113cf3af606a429d356\n"), &t, NULL));
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&t.key, id);
    assert_string_equal(id, "kt1-e67af113cf3af606a429d356");
    assert_false(t.recognised);
    assert_false(t.secret);
}

static void test_aws_key_id_is_not_secret(void **state)
{
    (void)state;
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_parse(KT_STR_LIT(AKIA), &t, NULL));
    assert_true(t.recognised);
    assert_false(t.secret);
    assert_int_equal(t.cred.family, KT_FAM_AWS);
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&t.key, id);
    /* The id `keytrail fingerprint AKIA...` prints. */
    assert_string_equal(id, "kt1-e67af113cf3af606a429d356");
    assert_string_equal(t.cred.account, "111122223333");
}

/* Standard base64 with padding of n bytes into out (4 * ceil(n / 3) + 1 bytes). */
static size_t b64(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static void test_token_and_its_hashed_token_are_one_key(void **state)
{
    (void)state;
    struct kt_hunt_target tok, hashed;
    assert_true(kt_hunt_key_parse(KT_STR_LIT(GHP), &tok, NULL));
    assert_true(tok.secret);
    assert_int_equal(tok.cred.family, KT_FAM_GITHUB);
    assert_null(strstr(tok.cred.hint, "hXEDeuf9DZiP2mvc"));
    /* base64(SHA-256(token)), as GitHub's audit log writes it. */
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)GHP, strlen(GHP), digest);
    char enc[64];
    size_t n = b64(digest, sizeof(digest), enc);
    assert_int_equal(n, 44);
    assert_true(kt_hunt_key_parse(kt_str_make(enc, n), &hashed, NULL));
    assert_false(hashed.secret);
    assert_int_equal(hashed.cred.family, KT_FAM_GITHUB);
    assert_true(kt_keyid_eq(&tok.key, &hashed.key));
}

static void test_token_is_noted_with_the_redactor(void **state)
{
    (void)state;
    kt_redact_forget_all();
    const char *tok = "x9Qv2LmZ7rT4wK8pN3sB6yH1cF5jD0gA"; /* a generic bearer, no family shape */
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_parse(kt_str_cstr(tok), &t, NULL));
    assert_true(t.secret);
    char text[256], out[512];
    snprintf(text, sizeof(text), "GET /reports?x=%s HTTP/1.1", tok);
    kt_redact_text(kt_str_cstr(text), out, sizeof(out));
    assert_null(strstr(out, "x9Qv2LmZ7rT4"));
}

static void test_not_a_key(void **state)
{
    (void)state;
    struct kt_hunt_target t;
    assert_false(kt_hunt_key_parse(KT_STR_LIT(""), &t, NULL));
    assert_false(kt_hunt_key_parse(KT_STR_LIT("   \t"), &t, NULL));
}

static void test_issuer(void **state)
{
    (void)state;
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_issuer(KT_STR_LIT(" zoom-api-key-1 "), &t, NULL));
    assert_true(t.by_issuer);
    assert_string_equal(t.iss, "zoom-api-key-1");
    struct kt_keyid want;
    assert_true(kt_cred_jwt_issuer_key(KT_STR_LIT("zoom-api-key-1"), &want));
    assert_true(kt_keyid_eq(&want, &t.key));
    assert_false(kt_hunt_key_issuer(KT_STR_LIT("  "), &t, NULL));
}

static void test_text_with_comments_and_duplicates(void **state)
{
    (void)state;
    struct kt_hunt *h = new_hunt();
    const char *text = "# keys leaked in ticket 4711\n\n" AKIA "\r\n" GHP "\n  " AKIA "\n";
    struct kt_err err;
    kt_err_clear(&err);
    size_t added = 0;
    assert_int_equal(kt_hunt_keys_from_text(h, NULL, kt_str_cstr(text), "keys.txt", &added, &err),
                     KT_OK);
    assert_int_equal(added, 2); /* the repeated key is hunted once */
    assert_int_equal(h->n_keys, 2);
    assert_int_equal(h->keys[0].family, KT_FAM_AWS);
    assert_int_equal(h->keys[1].family, KT_FAM_GITHUB);
    free_hunt(h);
}

/* A byte order mark before the first key is no part of it; a scheme before a token is no part
 * of the needles the logs are searched for. */
static void test_bom_and_scheme(void **state)
{
    (void)state;
    struct kt_hunt *h = new_hunt();
    const char *text = "\xef\xbb\xbf" GHP "\n";
    struct kt_err err;
    kt_err_clear(&err);
    size_t added = 0;
    assert_int_equal(kt_hunt_keys_from_text(h, NULL, kt_str_cstr(text), "keys.txt", &added, &err),
                     KT_OK);
    assert_int_equal(h->n_keys, 1);
    assert_int_equal(h->keys[0].family, KT_FAM_GITHUB);
    free_hunt(h);
    struct kt_needles *nd = kt_needles_new();
    assert_non_null(nd);
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_parse(KT_STR_LIT("Bearer " GHP), &t, nd));
    assert_int_equal(t.cred.family, KT_FAM_GITHUB);
    const char *line = "{\"authorization\":\"token " GHP "\"}";
    assert_true(kt_needles_any(nd, line, strlen(line)));
    kt_needles_free(nd);
}

static void test_bad_line_names_the_line_not_the_value(void **state)
{
    (void)state;
    struct kt_hunt *h = new_hunt();
    /* Line 4 holds a control byte (a binary file given by mistake) after part of a token. */
    const char text[] =
        AKIA "\n# comment\n \t \nghp_hXEDeuf9DZiP2\x01mvcuWIF8HL54wKl6I35hdBL\n" GHP "\n";
    struct kt_err err;
    kt_err_clear(&err);
    size_t added = 0;
    enum kt_rc rc = kt_hunt_keys_from_text(h, NULL, kt_str_make(text, sizeof(text) - 1), "keys.txt",
                                           &added, &err);
    assert_int_equal(rc, KT_EPARSE);
    assert_string_equal(err.where, "keys.txt:4");
    assert_null(strstr(err.msg, "ghp_"));
    assert_null(strstr(err.msg, "hXED"));
    assert_int_equal(h->n_keys, 1); /* the keys before it stay */
    free_hunt(h);
}

static void test_file_is_read_and_missing_file_fails(void **state)
{
    (void)state;
    struct kt_hunt *h = new_hunt();
    const char *text = "# one key\n" GHP "\n";
    char *path = kt_test_tmpfile(text, strlen(text));
    struct kt_err err;
    kt_err_clear(&err);
    size_t added = 0;
    assert_int_equal(kt_hunt_keys_from_file(h, NULL, path, &added, &err), KT_OK);
    assert_int_equal(added, 1);
    assert_true(h->keys[0].target.secret);
    unlink(path);
    free(path);
    kt_err_clear(&err);
    assert_int_equal(kt_hunt_keys_from_file(h, NULL, "/nonexistent/keys.txt", &added, &err),
                     KT_EOPEN);
    assert_non_null(strstr(err.where, "/nonexistent/keys.txt"));
    free_hunt(h);
}

static void test_table_full(void **state)
{
    (void)state;
    struct kt_hunt *h = new_hunt();
    char text[KT_HUNT_MAX_KEYS * 32 + 64];
    size_t n = 0;
    for (int i = 0; i <= KT_HUNT_MAX_KEYS; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "kt1-%024x\n", i + 1);
    }
    struct kt_err err;
    kt_err_clear(&err);
    size_t added = 0;
    assert_int_equal(kt_hunt_keys_from_text(h, NULL, kt_str_make(text, n), "many", &added, &err),
                     KT_ELIMIT);
    assert_int_equal(h->n_keys, KT_HUNT_MAX_KEYS);
    free_hunt(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_id),
        cmocka_unit_test(test_aws_key_id_is_not_secret),
        cmocka_unit_test(test_token_and_its_hashed_token_are_one_key),
        cmocka_unit_test(test_token_is_noted_with_the_redactor),
        cmocka_unit_test(test_not_a_key),
        cmocka_unit_test(test_issuer),
        cmocka_unit_test(test_text_with_comments_and_duplicates),
        cmocka_unit_test(test_bom_and_scheme),
        cmocka_unit_test(test_bad_line_names_the_line_not_the_value),
        cmocka_unit_test(test_file_is_read_and_missing_file_fails),
        cmocka_unit_test(test_table_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
