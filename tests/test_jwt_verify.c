/*
 * JWT signature checks (--jwt-secret): HS256/384/512 good and bad signatures, unknown issuers,
 * alg none and non-HMAC algorithms of a listed issuer, rotated secrets, Bearer values, the
 * secrets file's syntax and its mode (refused when group- or world-readable or not a regular
 * file), and the secrets reaching the redactor. Tokens are signed here with OpenSSL's HMAC.
 */
#include "test_cred_helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt_verify.h"
#include "redact.h"

#define SECRETS                                                                                    \
    "# issuers and their API secrets\n"                                                            \
    "\n"                                                                                           \
    "zoom-key-1   s3cr3t-Alpha-0123456789\n"                                                       \
    "zoom-key-2\tBravo-secret-9876543210\n"                                                        \
    "zoom-key-2 Bravo-rotated-5555555555\n"

/* header.payload signed with secret under md ("" md: the signature is the string bad). */
static char *signed_jwt(const char *header, const char *payload, const EVP_MD *md,
                        const char *secret)
{
    char *unsigned_tok = tc_jwt(header, payload, "");
    size_t n = strlen(unsigned_tok) - 1; /* without the last '.' */
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    assert_non_null(HMAC(md, secret, (int)strlen(secret), (const unsigned char *)unsigned_tok, n,
                         mac, &mac_len));
    char sig[EVP_MAX_MD_SIZE * 2];
    tc_b64((const char *)mac, mac_len, true, false, sig);
    char *tok = tc_jwt(header, payload, sig);
    free(unsigned_tok);
    return tok;
}

static struct kt_jwt_keys *load_buffer(const char *text)
{
    struct kt_jwt_keys *k = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    assert_int_equal(kt_jwt_keys_parse(&k, "secrets", text, strlen(text), &err), KT_OK);
    return k;
}

/* Recognises tok (as given, e.g. "Bearer ...") and checks it; returns the signature flags. */
static uint32_t check_value(struct kt_jwt_keys *k, enum kt_cand_kind kind, const char *value)
{
    struct kt_cred c;
    assert_true(tc_recognise(kind, value, &c));
    assert_int_equal(c.family, KT_FAM_JWT);
    kt_jwt_keys_check(k, kt_str_cstr(value), &c);
    return c.flags & (KT_CRED_SIG_OK | KT_CRED_SIG_BAD);
}

static uint32_t check_tok(struct kt_jwt_keys *k, const char *tok)
{
    return check_value(k, KT_CAND_TOKEN, tok);
}

static void test_signatures(void **state)
{
    (void)state;
    struct kt_jwt_keys *k = load_buffer(SECRETS);
    assert_int_equal(kt_jwt_keys_count(k), 3);
    static const struct {
        const char *alg;
        const EVP_MD *(*md)(void);
    } algs[] = {{"HS256", EVP_sha256}, {"HS384", EVP_sha384}, {"HS512", EVP_sha512}};
    for (size_t i = 0; i < KT_ARRAY_LEN(algs); i++) {
        char hdr[64];
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\"}", algs[i].alg);
        const char *pay = "{\"iss\":\"zoom-key-1\",\"exp\":1793620800}";
        char *good = signed_jwt(hdr, pay, algs[i].md(), "s3cr3t-Alpha-0123456789");
        char *bad = signed_jwt(hdr, pay, algs[i].md(), "s3cr3t-Alpha-0123456780");
        assert_int_equal(check_tok(k, good), KT_CRED_SIG_OK);
        assert_int_equal(check_tok(k, good), KT_CRED_SIG_OK); /* from the memo */
        assert_int_equal(check_tok(k, bad), KT_CRED_SIG_BAD);
        /* The same bytes inside an Authorization value. */
        char auth[1024];
        snprintf(auth, sizeof(auth), "Bearer %s", good);
        assert_int_equal(check_value(k, KT_CAND_AUTHORIZATION, auth), KT_CRED_SIG_OK);
        snprintf(auth, sizeof(auth), "Bearer %s", bad);
        assert_int_equal(check_value(k, KT_CAND_AUTHORIZATION, auth), KT_CRED_SIG_BAD);
        /* Signed with another algorithm's length: not this algorithm's signature. */
        char *other =
            signed_jwt(hdr, pay, i == 0 ? EVP_sha512() : EVP_sha256(), "s3cr3t-Alpha-0123456789");
        assert_int_equal(check_tok(k, other), KT_CRED_SIG_BAD);
        free(good);
        free(bad);
        free(other);
    }
    /* Either of a rotating issuer's secrets verifies. */
    char *old = signed_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"zoom-key-2\"}", EVP_sha256(),
                           "Bravo-secret-9876543210");
    char *cur = signed_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"zoom-key-2\",\"n\":1}", EVP_sha256(),
                           "Bravo-rotated-5555555555");
    char *cross = signed_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"zoom-key-2\",\"n\":2}",
                             EVP_sha256(), "s3cr3t-Alpha-0123456789");
    assert_int_equal(check_tok(k, old), KT_CRED_SIG_OK);
    assert_int_equal(check_tok(k, cur), KT_CRED_SIG_OK);
    assert_int_equal(check_tok(k, cross), KT_CRED_SIG_BAD); /* another issuer's secret */
    /* Unknown issuer, or none: not judged. */
    char *unknown = signed_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"someone-else\"}", EVP_sha256(),
                               "whatever-secret-000000");
    char *no_iss = signed_jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"zoom-key-1\"}", EVP_sha256(),
                              "whatever-secret-000000");
    assert_int_equal(check_tok(k, unknown), 0);
    assert_int_equal(check_tok(k, no_iss), 0);
    /* alg none, and an algorithm the issuer does not sign with: forgeries. */
    char *none = tc_jwt("{\"alg\":\"none\"}", "{\"iss\":\"zoom-key-1\"}", "");
    char *rs = tc_jwt("{\"alg\":\"RS256\"}", "{\"iss\":\"zoom-key-1\"}",
                      "c2lnbmF0dXJlLW5vdC1yZWFsLTAxMjM0NTY3ODk");
    char *garbage = tc_jwt("{\"alg\":\"HS256\"}", "{\"iss\":\"zoom-key-1\"}", "AAAA");
    assert_int_equal(check_tok(k, none), KT_CRED_SIG_BAD);
    assert_int_equal(check_tok(k, rs), KT_CRED_SIG_BAD);
    assert_int_equal(check_tok(k, garbage), KT_CRED_SIG_BAD);
    /* No secrets loaded: no-op. */
    assert_int_equal(check_tok(NULL, old), 0);
    free(old);
    free(cur);
    free(cross);
    free(unknown);
    free(no_iss);
    free(none);
    free(rs);
    free(garbage);
    kt_jwt_keys_free(k);
    kt_jwt_keys_free(NULL);
}

static void test_file_syntax(void **state)
{
    (void)state;
    struct kt_jwt_keys *k = NULL;
    struct kt_err err;
    static const char *const bad[] = {"only-an-issuer\n", "# nothing\n\n", "",
                                      "iss-a short-sec\n" /* 12 bytes minimum */};
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        kt_err_clear(&err);
        assert_int_equal(kt_jwt_keys_parse(&k, "s.txt", bad[i], strlen(bad[i]), &err), KT_EPARSE);
        assert_non_null(strstr(err.where, "s.txt"));
    }
    /* Secrets reach the redactor as they load. */
    kt_redact_forget_all();
    k = load_buffer("iss-a  Very-Secret-Value-4242424242\n");
    char out[256];
    kt_redact_text(KT_STR_LIT("ua Very-Secret-Value-4242424242 end"), out, sizeof(out));
    assert_null(strstr(out, "Very-Secret-Value"));
    assert_non_null(strstr(out, "ua ")); /* the rest stays */
    /* Its tail or middle alone, glued to other text, is found too. */
    kt_redact_text(KT_STR_LIT("x/ret-Value-4242424242/y"), out, sizeof(out));
    assert_null(strstr(out, "Value-4242"));
    kt_redact_text(KT_STR_LIT("a=Secret-Value-42&b=1"), out, sizeof(out));
    assert_null(strstr(out, "Secret-Value-42"));
    kt_jwt_keys_free(k);
    kt_redact_forget_all();
}

static void test_file_mode(void **state)
{
    (void)state;
    char path[] = "/tmp/kt-jwt-secret-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, SECRETS, strlen(SECRETS)), (ssize_t)strlen(SECRETS));
    close(fd);
    struct kt_jwt_keys *k = NULL;
    struct kt_err err;
    static const mode_t refused[] = {0640, 0604, 0644, 0660, 0602};
    for (size_t i = 0; i < KT_ARRAY_LEN(refused); i++) {
        assert_int_equal(chmod(path, refused[i]), 0);
        kt_err_clear(&err);
        assert_int_equal(kt_jwt_keys_load(&k, path, &err), KT_EUSAGE);
        assert_non_null(strstr(err.where, path));
        assert_non_null(strstr(err.msg, "too open"));
    }
    assert_int_equal(chmod(path, 0600), 0);
    kt_err_clear(&err);
    assert_int_equal(kt_jwt_keys_load(&k, path, &err), KT_OK);
    assert_int_equal(kt_jwt_keys_count(k), 3);
    kt_jwt_keys_free(k);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(kt_jwt_keys_load(&k, path, &err), KT_OK);
    kt_jwt_keys_free(k);
    unlink(path);
    /* Not a regular file; missing. */
    kt_err_clear(&err);
    assert_int_equal(kt_jwt_keys_load(&k, "/tmp", &err), KT_EOPEN);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_int_equal(kt_jwt_keys_load(&k, "/nonexistent/secrets", &err), KT_EOPEN);
    kt_redact_forget_all();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_file_syntax),
        cmocka_unit_test(test_file_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
