/*
 * Authorization header schemes, Basic credential rules, explicit (user-typed) values, GitHub
 * hashed_token and Apache %u user names. Secrets in these cases (passwords, signatures) must
 * never reach the recognised struct.
 */
#include "test_cred_helpers.h"

#include "cred_internal.h"

#include <openssl/evp.h>

#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define GENERIC "7f3k9Qx2Lm8Rt4Vw1b2c"

struct tokens {
    char ghp[48], ghs[48], glpat[64], sg[80], sk_live[48];
};

static void make_tokens(struct tokens *t)
{
    tc_checksum_token("ghp_", 1, t->ghp);
    tc_checksum_token("ghs_", 2, t->ghs);
    tc_token("glpat-", B62, 20, 3, t->glpat);
    char a[24], b[48];
    tc_token("", B62, 22, 4, a);
    tc_token("", B62, 43, 5, b);
    snprintf(t->sg, sizeof(t->sg), "SG.%s.%s", a, b);
    tc_token("sk_live_", B62, 24, 6, t->sk_live);
}

/* Copies tmpl into out with its one "%s" replaced by arg (formats are table data here). */
static char *fill(char *out, size_t cap, const char *tmpl, const char *arg)
{
    const char *at = strstr(tmpl, "%s");
    assert_non_null(at);
    snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, arg, at + 2);
    return out;
}

/* "Basic " + base64(text) into out. */
static char *basic(const char *text, char *out, size_t cap)
{
    char b64[512];
    assert_true(strlen(text) * 2 + 8 < sizeof(b64) && cap > 600);
    tc_b64(text, strlen(text), false, true, b64);
    snprintf(out, cap, "Basic %s", b64);
    return out;
}

static void expect(enum kt_cand_kind kind, const char *value, enum kt_family fam,
                   const char *kind_str, const char *same_as)
{
    struct kt_cred c;
    bool ok = tc_recognise(kind, value, &c);
    if (ok != (fam != KT_FAM_NONE) || (ok && c.family != fam)) {
        fail_msg("cand kind %d, value of %zu bytes: ok=%d family=%s, want %s", kind, strlen(value),
                 ok, kt_family_name(c.family), kt_family_name(fam));
    }
    if (!ok) {
        return;
    }
    if (kind_str != NULL) {
        assert_string_equal(c.kind, kind_str);
    }
    if (same_as != NULL) {
        struct kt_cred ref;
        assert_true(tc_recognise(KT_CAND_TOKEN, same_as, &ref));
        assert_true(kt_keyid_eq(&c.key, &ref.key));
        assert_string_equal(c.hint, ref.hint);
    }
}

static void test_bearer_like_schemes(void **state)
{
    (void)state;
    struct tokens t;
    make_tokens(&t);
    char v[256];
    static const char *const fmts[] = {
        "Bearer %s",  "bearer %s", "BEARER   %s", "  Bearer\t%s  ", "Bearer %s, realm=x",
        "Token %s",   "token %s",  "Bot %s",      "ApiKey %s",      "Api-Key %s",
        "api-key %s", "%s",        " %s ",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(fmts); i++) {
        fill(v, sizeof(v), fmts[i], t.ghp);
        expect(KT_CAND_AUTHORIZATION, v, KT_FAM_GITHUB, "ghp", t.ghp);
        fill(v, sizeof(v), fmts[i], t.glpat);
        expect(KT_CAND_AUTHORIZATION, v, KT_FAM_GITLAB, "glpat", t.glpat);
    }
    /* Generic tokens: the kind says which scheme carried them. */
    expect(KT_CAND_AUTHORIZATION, "Bearer " GENERIC, KT_FAM_GENERIC, "bearer", NULL);
    expect(KT_CAND_AUTHORIZATION, "Token " GENERIC, KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_AUTHORIZATION, "Bot " GENERIC, KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_AUTHORIZATION, "ApiKey " GENERIC, KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_AUTHORIZATION, GENERIC, KT_FAM_GENERIC, "token", NULL);
    /* The same generic token has the same key id whatever the scheme. */
    struct kt_cred a, b;
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, "Bearer " GENERIC, &a));
    assert_true(tc_recognise(KT_CAND_TOKEN, GENERIC, &b));
    assert_true(kt_keyid_eq(&a.key, &b.key));
    /* A header-like value in a token field is read as a header. */
    snprintf(v, sizeof(v), "Bearer %s", t.ghp);
    expect(KT_CAND_TOKEN, v, KT_FAM_GITHUB, "ghp", t.ghp);
    expect(KT_CAND_TOKEN_WEAK, v, KT_FAM_GITHUB, "ghp", t.ghp);
}

static void test_not_credentials(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "",
        " ",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Bearer undefined",
        "Bearer null",
        "Bearer ${TOKEN}",
        "Bearer <token>",
        "Bearer Bearer",
        "Token",
        "Basic",
        "Basic ",
        "Basic !!!!",
        "Basic Og==",           /* ":" */
        "Basic LQ==",           /* "-" */
        "Basic dXNlcjpwYXNz==", /* over-padded */
        "Basic dXNlcjpwYXN-",   /* url-safe alphabet */
        "Digest username=\"alice\", realm=\"api\", nonce=\"abc\", response=\"def\"",
        "Negotiate "
        "YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYK",
        "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAFASgKAAAADw==",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abcdef",
        "AWS4-HMAC-SHA256 Credential=/20261102/us-east-1/s3/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIASHORT/20261102/us-east-1/s3/aws4_request",
        "AWS AKIAIOSFODNN7EXAMPLE",
        "AWS :signature",
        "undefined",
        "null",
        "-",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred c;
        if (tc_recognise(KT_CAND_AUTHORIZATION, rows[i], &c)) {
            fail_msg("row %zu recognised (family %s)", i, kt_family_name(c.family));
        }
        assert_int_equal(c.family, KT_FAM_NONE);
        assert_int_equal(c.jwt.exp, KT_TIME_NONE);
    }
}

static void test_aws_schemes(void **state)
{
    (void)state;
    static const char sig[] = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    static const char *const rows[] = {
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261102/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-date, Signature=%s",
        "aws4-hmac-sha256   credential=AKIAIOSFODNN7EXAMPLE/20261102/us-east-1/s3/aws4_request,"
        "SignedHeaders=host,Signature=%s",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Credential=AKIAIOSFODNN7EXAMPLE/20261102/x/y/z, "
        "Signature=%s",
        "AWS AKIAIOSFODNN7EXAMPLE:%s",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        char v[512];
        fill(v, sizeof(v), rows[i], sig);
        struct kt_cred c;
        assert_true(tc_recognise(KT_CAND_AUTHORIZATION, v, &c));
        assert_int_equal(c.family, KT_FAM_AWS);
        assert_string_equal(c.hint, "AKIAIOSFODNN7EXAMPLE");
        assert_string_equal(c.kind, "AKIA");
        /* The signature is neither shown nor kept. */
        assert_false(tc_contains(&c, sizeof(c), sig, 8));
        assert_false(tc_contains(&c, sizeof(c), sig + 40, 8));
        struct kt_cred id;
        assert_true(tc_recognise(KT_CAND_AWS_KEY_ID, "AKIAIOSFODNN7EXAMPLE", &id));
        assert_memory_equal(&c, &id, sizeof(c));
    }
    struct kt_cred c;
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION,
                             "AWS4-HMAC-SHA256 Credential=ASIAY34FZKBOKMUTVV7A/20261102/"
                             "us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
                             &c));
    assert_true(c.flags & KT_CRED_TEMPORARY);
    assert_string_equal(c.account, "609629065308");
}

static void test_basic_rules(void **state)
{
    (void)state;
    struct tokens t;
    make_tokens(&t);
    char text[256], v[1024];
    /* A family token as password, under the user names providers document. */
    snprintf(text, sizeof(text), "x-access-token:%s", t.ghs);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_GITHUB, "ghs", t.ghs);
    snprintf(text, sizeof(text), "apikey:%s", t.sg);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_SENDGRID, "SG", t.sg);
    snprintf(text, sizeof(text), "oauth2:%s", t.glpat);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_GITLAB, "glpat", t.glpat);
    snprintf(text, sizeof(text), ":%s", t.ghp);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_GITHUB, "ghp", t.ghp);
    /* A family token as user name (Stripe's "sk_live_...:"), also with a password. */
    snprintf(text, sizeof(text), "%s:", t.sk_live);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_STRIPE, "sk_live", t.sk_live);
    snprintf(text, sizeof(text), "%s:%s", t.sk_live, t.ghp);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_STRIPE, "sk_live", t.sk_live);
    /* A plain user name with a password: keyed on the name, the password never kept. */
    static const char pw[] = "Tr0ub4dor&3-correct-horse";
    snprintf(text, sizeof(text), "alice:%s", pw);
    struct kt_cred c;
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), &c));
    assert_int_equal(c.family, KT_FAM_BASIC);
    assert_string_equal(c.kind, "basic");
    assert_string_equal(c.hint, "basic user=alice");
    assert_false(tc_contains(&c, sizeof(c), pw, 4));
    struct kt_keyid want;
    struct kt_str alice = KT_STR_LIT("alice");
    assert_true(kt_cred_keyid_derive("basic", &alice, 1, &want));
    assert_true(kt_keyid_eq(&c.key, &want));
    /* Another password, same key; a generic-looking password is still not keyed. */
    snprintf(text, sizeof(text), "alice:%s", GENERIC);
    struct kt_cred c2;
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), &c2));
    assert_true(kt_keyid_eq(&c.key, &c2.key));
    assert_false(tc_contains(&c2, sizeof(c2), GENERIC, 8));
    /* Same as the user name Apache logged. */
    assert_true(tc_recognise(KT_CAND_BASIC_USER, "alice", &c2));
    assert_memory_equal(&c, &c2, sizeof(c));
    /* No colon: the whole value is the user name; unpadded base64 is accepted. */
    expect(KT_CAND_AUTHORIZATION, "Basic YWxpY2U=", KT_FAM_BASIC, "basic", NULL);
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, "Basic YWxpY2U6cHc", &c2));
    assert_true(kt_keyid_eq(&c.key, &c2.key));
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, "basic   YWxpY2U6cHc=  ", &c2));
    assert_true(kt_keyid_eq(&c.key, &c2.key));
    /* Empty user name with a non-family password: nothing to key on. */
    snprintf(text, sizeof(text), ":%s", pw);
    expect(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), KT_FAM_NONE, NULL, NULL);
    /* A random-looking user name is a secret itself: generic, never printed. */
    snprintf(text, sizeof(text), "%s:x", GENERIC);
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), &c2));
    assert_int_equal(c2.family, KT_FAM_GENERIC);
    assert_string_equal(c2.hint, KT_ELLIPSIS "1b2c");
    /* Long user names are cut in the hint, not in the key. */
    static const char longname[] = "service-account-for-the-nightly-billing-export@corp.example";
    snprintf(text, sizeof(text), "%s:pw", longname);
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), &c2));
    assert_int_equal(c2.family, KT_FAM_BASIC);
    assert_true(strlen(c2.hint) <= strlen("basic user=") + 32);
    assert_memory_equal(c2.hint + strlen(c2.hint) - 3, KT_ELLIPSIS, 3);
    struct kt_str ln = kt_str_cstr(longname);
    assert_true(kt_cred_keyid_derive("basic", &ln, 1, &want));
    assert_true(kt_keyid_eq(&c2.key, &want));
    /* A token inside a user name (which is not itself a token) is redacted in the hint. */
    snprintf(text, sizeof(text), "ci %s:pw", t.ghp);
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic(text, v, sizeof(v)), &c2));
    assert_int_equal(c2.family, KT_FAM_BASIC);
    char want_hint[64];
    snprintf(want_hint, sizeof(want_hint), "basic user=ci ghp_" KT_ELLIPSIS "%.4s", t.ghp + 36);
    assert_string_equal(c2.hint, want_hint);
    tc_assert_no_token(&c2, t.ghp, 4);
    /* Control characters in the user name are not printed raw. */
    assert_true(tc_recognise(KT_CAND_AUTHORIZATION, basic("bob\x1b[2J:pw", v, sizeof(v)), &c2));
    assert_string_equal(c2.hint, "basic user=bob?[2J");
}

static void test_basic_user(void **state)
{
    (void)state;
    struct tokens t;
    make_tokens(&t);
    expect(KT_CAND_BASIC_USER, "alice", KT_FAM_BASIC, "basic", NULL);
    expect(KT_CAND_BASIC_USER, "bob smith", KT_FAM_BASIC, "basic", NULL);
    expect(KT_CAND_BASIC_USER, "-", KT_FAM_NONE, NULL, NULL);
    expect(KT_CAND_BASIC_USER, "", KT_FAM_NONE, NULL, NULL);
    expect(KT_CAND_BASIC_USER, "  \t", KT_FAM_NONE, NULL, NULL);
    expect(KT_CAND_BASIC_USER, " - ", KT_FAM_NONE, NULL, NULL);
    expect(KT_CAND_BASIC_USER, t.sk_live, KT_FAM_STRIPE, "sk_live", t.sk_live);
    expect(KT_CAND_BASIC_USER, GENERIC, KT_FAM_GENERIC, "token", GENERIC);
    struct kt_cred a, b;
    assert_true(tc_recognise(KT_CAND_BASIC_USER, "alice", &a));
    assert_true(tc_recognise(KT_CAND_BASIC_USER, " alice\n", &b));
    assert_memory_equal(&a, &b, sizeof(a));
    assert_true(tc_recognise(KT_CAND_BASIC_USER, "Alice", &b));
    assert_false(kt_keyid_eq(&a.key, &b.key));
}

static void test_explicit(void **state)
{
    (void)state;
    struct tokens t;
    make_tokens(&t);
    char v[256];
    expect(KT_CAND_EXPLICIT, t.ghp, KT_FAM_GITHUB, "ghp", t.ghp);
    snprintf(v, sizeof(v), "  %s\n", t.ghp);
    expect(KT_CAND_EXPLICIT, v, KT_FAM_GITHUB, "ghp", t.ghp);
    snprintf(v, sizeof(v), "Bearer %s", t.ghp);
    expect(KT_CAND_EXPLICIT, v, KT_FAM_GITHUB, "ghp", t.ghp);
    expect(KT_CAND_EXPLICIT, "AKIATFQR7NSC8Q4X20BJ", KT_FAM_AWS, "AKIA", NULL);
    /* Anything else non-empty is a generic secret, even when it would not pass the rules. */
    expect(KT_CAND_EXPLICIT, "abc", KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_EXPLICIT, "hunter2", KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_EXPLICIT, "hello world", KT_FAM_GENERIC, "token", NULL);
    expect(KT_CAND_EXPLICIT, "", KT_FAM_NONE, NULL, NULL);
    expect(KT_CAND_EXPLICIT, " \t\n", KT_FAM_NONE, NULL, NULL);
    /* A scheme with a short token: the token, not the whole header. */
    struct kt_cred a, b;
    assert_true(tc_recognise(KT_CAND_EXPLICIT, "Bearer xyz", &a));
    assert_true(tc_recognise(KT_CAND_EXPLICIT, "xyz", &b));
    assert_true(kt_keyid_eq(&a.key, &b.key));
    assert_string_equal(a.kind, "bearer");
    /* A Basic header typed by hand gives the same key as the server's user name. */
    assert_true(tc_recognise(KT_CAND_EXPLICIT, "Basic YWxpY2U6cHc=", &a));
    assert_true(tc_recognise(KT_CAND_BASIC_USER, "alice", &b));
    assert_true(kt_keyid_eq(&a.key, &b.key));
    /* Too large to be a token. */
    char *big = malloc(KT_CRED_VALUE_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', KT_CRED_VALUE_MAX + 1);
    big[KT_CRED_VALUE_MAX + 1] = '\0';
    expect(KT_CAND_EXPLICIT, big, KT_FAM_NONE, NULL, NULL);
    free(big);
}

/* base64(SHA-256(token)), computed with OpenSSL directly (not through src/). */
static void hashed(const char *token, bool url, bool pad, char out[64])
{
    uint8_t md[32];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL), 1);
    assert_int_equal(n, 32);
    tc_b64(md, 32, url, pad, out);
}

static void test_hashed_token(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        char tok[48], h[64];
        tc_checksum_token(seed % 2 ? "ghp_" : "gho_", seed, tok);
        struct kt_cred direct, via_hash;
        assert_true(tc_recognise(KT_CAND_TOKEN, tok, &direct));
        hashed(tok, false, true, h);
        assert_int_equal(strlen(h), 44);
        assert_true(tc_recognise(KT_CAND_HASHED_TOKEN, h, &via_hash));
        assert_true(kt_keyid_eq(&direct.key, &via_hash.key));
        assert_true(kt_keyid_eq(&via_hash.key, &via_hash.token));
        assert_int_equal(via_hash.family, KT_FAM_GITHUB);
        assert_int_equal(via_hash.flags, KT_CRED_FROM_HASH);
        assert_string_equal(via_hash.kind, "hashed_token");
        char want[KT_HINT_MAX];
        snprintf(want, sizeof(want), "github hashed_token %.8s" KT_ELLIPSIS, h);
        assert_string_equal(via_hash.hint, want);
        /* Unpadded and url-safe renderings of the same digest are the same key. */
        struct kt_cred other;
        hashed(tok, false, false, h);
        assert_true(tc_recognise(KT_CAND_HASHED_TOKEN, h, &other));
        assert_true(kt_keyid_eq(&direct.key, &other.key));
        hashed(tok, true, false, h);
        assert_true(tc_recognise(KT_CAND_HASHED_TOKEN, h, &other));
        assert_true(kt_keyid_eq(&direct.key, &other.key));
    }
    static const char *const bad[] = {
        "",
        "=",
        "0771cae4d170dc02a6ff393d9946cd684d6145c0=",        /* 30 bytes */
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", /* 34 bytes */
        "!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", /* non-zero trailing bits */
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", /* hex */
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        struct kt_cred c;
        assert_false(tc_recognise(KT_CAND_HASHED_TOKEN, bad[i], &c));
    }
}

static void test_null_and_odd_inputs(void **state)
{
    (void)state;
    struct kt_cred c;
    memset(&c, 0x5a, sizeof(c));
    assert_false(kt_cred_recognise(NULL, &c));
    assert_int_equal(c.family, KT_FAM_NONE);
    struct kt_cand cand = {KT_CAND_TOKEN, KT_STR_NULL};
    assert_false(kt_cred_recognise(&cand, &c));
    cand.kind = KT_CAND__COUNT;
    cand.value = KT_STR_LIT(GENERIC);
    assert_false(kt_cred_recognise(&cand, &c));
    cand.kind = (enum kt_cand_kind) - 1;
    assert_false(kt_cred_recognise(&cand, &c));
    /* Embedded NUL bytes: views are not NUL-terminated and must be read by length. */
    struct tokens t;
    make_tokens(&t);
    char buf[64];
    memcpy(buf, t.ghp, 40);
    buf[20] = '\0';
    cand.kind = KT_CAND_TOKEN;
    cand.value = kt_str_make(buf, 40);
    assert_false(kt_cred_recognise(&cand, &c) && c.family == KT_FAM_GITHUB);
    /* A view that stops before the end of the string is read only that far. */
    cand.value = kt_str_make(t.ghp, 39);
    assert_false(kt_cred_recognise(&cand, &c) && c.family == KT_FAM_GITHUB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer_like_schemes), cmocka_unit_test(test_not_credentials),
        cmocka_unit_test(test_aws_schemes),         cmocka_unit_test(test_basic_rules),
        cmocka_unit_test(test_basic_user),          cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_hashed_token),        cmocka_unit_test(test_null_and_odd_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
