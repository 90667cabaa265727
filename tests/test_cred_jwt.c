/*
 * JWT recognition: header and claims decoding, the principal key (iss+sub, iss+azp/client_id,
 * else the token), alg none, array audiences, missing and odd claims, malformed base64 and JSON,
 * huge and hostile claims. Tokens are built here from JSON text (tc_jwt); signatures are fake.
 */
#include "test_cred_helpers.h"

#include "cred_internal.h"

#define SIG "c2lnbmF0dXJlLW5vdC1yZWFsLTAxMjM0NTY3ODk"
#define HS256 "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* Recognises header.payload.sig as a token and as a Bearer header; both must agree. */
static bool jwt_recognise(const char *header, const char *payload, const char *sig,
                          struct kt_cred *cred)
{
    char *tok = tc_jwt(header, payload, sig);
    bool ok = tc_recognise(KT_CAND_TOKEN, tok, cred);
    if (ok && cred->family == KT_FAM_JWT) {
        tc_assert_no_token(cred, tok, 0);
        size_t n = strlen(tok);
        char *hdr = malloc(n + 16);
        assert_non_null(hdr);
        snprintf(hdr, n + 16, "Bearer  %s ", tok);
        struct kt_cred via_header;
        assert_true(tc_recognise(KT_CAND_AUTHORIZATION, hdr, &via_header));
        assert_memory_equal(&via_header, cred, sizeof(*cred));
        free(hdr);
        /* The secondary id is the token's own secret-domain id. */
        struct kt_keyid tid;
        assert_true(kt_cred_keyid_secret(kt_str_cstr(tok), &tid));
        assert_true(kt_keyid_eq(&cred->token, &tid));
    }
    free(tok);
    return ok && cred->family == KT_FAM_JWT;
}

static void test_full_claims(void **state)
{
    (void)state;
    struct kt_cred c;
    assert_true(jwt_recognise("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"key-2026-01\"}",
                              "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billing\","
                              "\"aud\":\"https://api.example.com\",\"azp\":\"billing-app\","
                              "\"jti\":\"4f1c-77\",\"exp\":1793620800,\"iat\":1793617200,"
                              "\"nbf\":1793617100,\"scope\":\"read write\"}",
                              SIG, &c));
    assert_string_equal(c.kind, "jwt");
    assert_int_equal(c.flags, 0);
    assert_string_equal(c.jwt.alg, "RS256");
    assert_string_equal(c.jwt.typ, "JWT");
    assert_string_equal(c.jwt.kid, "key-2026-01");
    assert_string_equal(c.jwt.iss, "https://auth.example.com");
    assert_string_equal(c.jwt.sub, "svc-billing");
    assert_string_equal(c.jwt.aud, "https://api.example.com");
    assert_string_equal(c.jwt.azp, "billing-app");
    assert_string_equal(c.jwt.jti, "4f1c-77");
    assert_int_equal(c.jwt.exp, 1793620800);
    assert_int_equal(c.jwt.iat, 1793617200);
    assert_int_equal(c.jwt.nbf, 1793617100);
    assert_string_equal(c.hint, "jwt iss=https://auth.example.com sub=svc-billing");
    /* Pinned: python3 -c "import hashlib; print(hashlib.sha256(b'keytrail-key-v1\0jwt\0'
     *   b'https://auth.example.com\0svc-billing').hexdigest()[:24])" */
    assert_string_equal(tc_keyid(&c.key, 0), "kt1-2486887fe3c26f16d21168b4");
    assert_false(kt_keyid_eq(&c.key, &c.token));
}

static void test_same_principal_shares_key(void **state)
{
    (void)state;
    struct kt_cred a, b, other;
    assert_true(jwt_recognise(HS256,
                              "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billing\","
                              "\"jti\":\"one\",\"exp\":1793620800}",
                              SIG, &a));
    assert_true(jwt_recognise(HS256,
                              "{\"sub\":\"svc-billing\",\"jti\":\"two\",\"exp\":1793624400,"
                              "\"iss\":\"https://auth.example.com\"}",
                              SIG, &b));
    assert_true(kt_keyid_eq(&a.key, &b.key));
    assert_false(kt_keyid_eq(&a.token, &b.token));
    /* Another subject, or the same subject from another issuer, is another key. */
    assert_true(jwt_recognise(
        HS256, "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billinh\"}", SIG, &other));
    assert_false(kt_keyid_eq(&a.key, &other.key));
    assert_true(jwt_recognise(
        HS256, "{\"iss\":\"https://auth.example.org\",\"sub\":\"svc-billing\"}", SIG, &other));
    assert_false(kt_keyid_eq(&a.key, &other.key));
    /* The separator keeps "ab"+"c" apart from "a"+"bc". */
    struct kt_cred x, y;
    assert_true(jwt_recognise(HS256, "{\"iss\":\"ab\",\"sub\":\"c\"}", SIG, &x));
    assert_true(jwt_recognise(HS256, "{\"iss\":\"a\",\"sub\":\"bc\"}", SIG, &y));
    assert_false(kt_keyid_eq(&x.key, &y.key));
}

static void test_principal_without_sub(void **state)
{
    (void)state;
    struct kt_cred azp, cid, both;
    assert_true(jwt_recognise(HS256, "{\"iss\":\"https://auth.example.com\",\"azp\":\"client-42\"}",
                              SIG, &azp));
    assert_true(jwt_recognise(
        HS256, "{\"iss\":\"https://auth.example.com\",\"client_id\":\"client-42\"}", SIG, &cid));
    assert_string_equal(tc_keyid(&azp.key, 0), "kt1-f28b73ea06d3cb21e96643e4");
    assert_true(kt_keyid_eq(&azp.key, &cid.key));
    assert_string_equal(azp.jwt.azp, "client-42");
    assert_string_equal(cid.jwt.azp, "client-42");
    assert_string_equal(azp.hint, "jwt iss=https://auth.example.com azp=client-42");
    assert_int_equal(azp.flags & KT_CRED_JWT_BY_TOKEN, 0);
    /* azp wins over client_id. */
    assert_true(jwt_recognise(HS256,
                              "{\"iss\":\"https://auth.example.com\",\"client_id\":\"other\","
                              "\"azp\":\"client-42\"}",
                              SIG, &both));
    assert_true(kt_keyid_eq(&azp.key, &both.key));
    /* sub wins over azp. */
    assert_true(jwt_recognise(HS256,
                              "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billing\","
                              "\"azp\":\"client-42\"}",
                              SIG, &both));
    assert_string_equal(tc_keyid(&both.key, 0), "kt1-2486887fe3c26f16d21168b4");
}

static void test_keyed_by_token(void **state)
{
    (void)state;
    static const char *const payloads[] = {
        "{}",
        "{\"azp\":\"client-42\"}", /* no iss, no sub */
        "{\"iss\":\"\",\"azp\":\"client-42\"}",
        "{\"iss\":42,\"sub\":\"\"}", /* not a string */
        "{\"scope\":\"read\",\"exp\":1793620800}",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(payloads); i++) {
        struct kt_cred c;
        char *tok = tc_jwt(HS256, payloads[i], SIG);
        assert_true(jwt_recognise(HS256, payloads[i], SIG, &c));
        assert_true(c.flags & KT_CRED_JWT_BY_TOKEN);
        assert_true(kt_keyid_eq(&c.key, &c.token));
        char want[KT_HINT_MAX];
        snprintf(want, sizeof(want), "jwt " KT_ELLIPSIS "%s", tok + strlen(tok) - 4);
        assert_string_equal(c.hint, want);
        free(tok);
    }
    /* sub without iss is still a principal (empty issuer). */
    struct kt_cred c;
    assert_true(jwt_recognise(HS256, "{\"sub\":\"alice\"}", SIG, &c));
    assert_int_equal(c.flags & KT_CRED_JWT_BY_TOKEN, 0);
    assert_string_equal(tc_keyid(&c.key, 0), "kt1-66427554bd3df39749807318");
    assert_string_equal(c.hint, "jwt sub=alice");
}

/* Only an issuer (Zoom-style API JWT: iss is the API key, minted per hour or request): every
 * token of that issuer is one key, DOMAIN "jwt", DATA = iss 0x00. */
static void test_issuer_key(void **state)
{
    (void)state;
    static const char *const payloads[] = {
        "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"exp\":1793620800}",
        "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"exp\":1793624400,\"iat\":1793620800}",
        "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"sub\":\"\"}",   /* empty sub: no principal */
        "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"sub\":42}",       /* not a string */
        "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"azp\":\"\",\"client_id\":\"\"}",
    };
    struct kt_keyid want;
    assert_true(kt_cred_jwt_issuer_key(kt_str_cstr("zK3pQ9vL2xR8tW5mN7bY1c"), &want));
    /* The documented derivation, spelled out. */
    struct kt_str data[1] = {kt_str_make("zK3pQ9vL2xR8tW5mN7bY1c\0", 23)};
    struct kt_keyid spelled;
    assert_true(kt_cred_keyid_derive("jwt", data, 1, &spelled));
    assert_true(kt_keyid_eq(&want, &spelled));
    assert_false(kt_cred_jwt_issuer_key(KT_STR_LIT(""), &spelled));
    struct kt_keyid tokens[KT_ARRAY_LEN(payloads)];
    for (size_t i = 0; i < KT_ARRAY_LEN(payloads); i++) {
        struct kt_cred c;
        assert_true(jwt_recognise("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k7\"}",
                                  payloads[i], SIG, &c));
        assert_true(kt_keyid_eq(&c.key, &want));
        assert_int_equal(c.flags & KT_CRED_JWT_BY_TOKEN, 0);
        assert_false(kt_keyid_eq(&c.key, &c.token));
        assert_string_equal(c.hint, "jwt iss=zK3pQ9vL2xR8tW5mN7bY1c");
        assert_string_equal(c.jwt.kid, "k7"); /* kid stays an attribute, not part of the key */
        tokens[i] = c.token;
        for (size_t j = 0; j < i; j++) {
            assert_false(kt_keyid_eq(&tokens[i], &tokens[j])); /* each token its own id */
        }
    }
    /* With a sub it is that principal's key instead; another issuer is another key. */
    struct kt_cred c;
    assert_true(jwt_recognise(HS256, "{\"iss\":\"zK3pQ9vL2xR8tW5mN7bY1c\",\"sub\":\"u1\"}", SIG,
                              &c));
    assert_false(kt_keyid_eq(&c.key, &want));
    assert_string_equal(c.hint, "jwt iss=zK3pQ9vL2xR8tW5mN7bY1c sub=u1");
    assert_true(jwt_recognise(HS256, "{\"iss\":\"other-key\"}", SIG, &c));
    assert_false(kt_keyid_eq(&c.key, &want));
}

static void test_alg_none(void **state)
{
    (void)state;
    static const char *const algs[] = {"none", "None", "NONE", "nOnE"};
    for (size_t i = 0; i < KT_ARRAY_LEN(algs); i++) {
        char hdr[64];
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\"}", algs[i]);
        struct kt_cred c;
        assert_true(jwt_recognise(hdr, "{\"iss\":\"i\",\"sub\":\"s\"}", "", &c));
        assert_true(c.flags & KT_CRED_ALG_NONE);
        assert_string_equal(c.jwt.alg, algs[i]);
        /* With a signature present it is still unsigned in effect. */
        assert_true(jwt_recognise(hdr, "{\"iss\":\"i\",\"sub\":\"s\"}", SIG, &c));
        assert_true(c.flags & KT_CRED_ALG_NONE);
    }
    /* A signing algorithm with its signature cut off is not a JWT. */
    struct kt_cred c;
    assert_false(jwt_recognise(HS256, "{\"iss\":\"i\",\"sub\":\"s\"}", "", &c));
    assert_false(jwt_recognise("{\"alg\":\"nonex\"}", "{\"iss\":\"i\",\"sub\":\"s\"}", "", &c));
}

static void test_audience(void **state)
{
    (void)state;
    static const struct {
        const char *payload;
        const char *aud;
    } rows[] = {
        {"{\"sub\":\"s\",\"aud\":\"api\"}", "api"},
        {"{\"sub\":\"s\",\"aud\":[\"api\",\"other\"]}", "api"},
        {"{\"sub\":\"s\",\"aud\":[]}", ""},
        {"{\"sub\":\"s\",\"aud\":[7,\"api\"]}", ""},
        {"{\"sub\":\"s\",\"aud\":{\"x\":1}}", ""},
        {"{\"sub\":\"s\",\"aud\":null}", ""},
        {"{\"sub\":\"s\"}", ""},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred c;
        assert_true(jwt_recognise(HS256, rows[i].payload, SIG, &c));
        assert_string_equal(c.jwt.aud, rows[i].aud);
    }
}

static void test_times(void **state)
{
    (void)state;
    static const struct {
        const char *payload;
        int64_t exp, iat, nbf;
    } rows[] = {
        {"{\"sub\":\"s\",\"exp\":1793620800}", 1793620800, KT_TIME_NONE, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":1793620800.75,\"iat\":0}", 1793620800, 0, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":\"1793620800\"}", KT_TIME_NONE, KT_TIME_NONE, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":1e300}", KT_TIME_NONE, KT_TIME_NONE, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":true,\"nbf\":-5}", KT_TIME_NONE, KT_TIME_NONE, -5},
        {"{\"sub\":\"s\",\"iat\":null,\"nbf\":[1]}", KT_TIME_NONE, KT_TIME_NONE, KT_TIME_NONE},
        /* Outside years 1..9999: absent, so no one overflows multiplying by 1000. */
        {"{\"sub\":\"s\",\"exp\":9223372036854775807,\"iat\":-9223372036854775808}", KT_TIME_NONE,
         KT_TIME_NONE, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":99999999999999999999,\"nbf\":253402300800}", KT_TIME_NONE,
         KT_TIME_NONE, KT_TIME_NONE},
        {"{\"sub\":\"s\",\"exp\":253402300799,\"nbf\":-62135596800}", 253402300799LL, KT_TIME_NONE,
         -62135596800LL},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred c;
        assert_true(jwt_recognise(HS256, rows[i].payload, SIG, &c));
        assert_int_equal(c.jwt.exp, rows[i].exp);
        assert_int_equal(c.jwt.iat, rows[i].iat);
        assert_int_equal(c.jwt.nbf, rows[i].nbf);
    }
}

static void test_malformed(void **state)
{
    (void)state;
    struct {
        const char *header, *payload;
    } rows[] = {
        {"{\"alg\":\"HS256\"", "{\"sub\":\"s\"}"},    /* header JSON cut short */
        {"{\"alg\":\"HS256\"}x", "{\"sub\":\"s\"}"},  /* trailing garbage */
        {"{\"alg\":\"HS256\"}{}", "{\"sub\":\"s\"}"}, /* two values */
        {"{\"typ\":\"JWT\"}", "{\"sub\":\"s\"}"},     /* no alg */
        {"{\"alg\":256}", "{\"sub\":\"s\"}"},         /* alg not a string */
        {"{\"alg\":null}", "{\"sub\":\"s\"}"},
        {"{'alg':'HS256'}", "{\"sub\":\"s\"}"},      /* not JSON */
        {"{\"alg\":\"HS256\",}", "{\"sub\":\"s\"}"}, /* strict: trailing comma */
        {HS256, "[1,2,3]"},                          /* payload not an object */
        {HS256, "null"},
        {HS256, "\"sub\""},
        {HS256, "{\"sub\":\"s\""},
        {HS256, "{\"sub\":\"s\"} trailing"},
        {HS256, ""},
        {HS256, "{\"sub\":\"s\",\"x\":\"\\ud800\""},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred c;
        if (jwt_recognise(rows[i].header, rows[i].payload, SIG, &c)) {
            fail_msg("malformed row %zu recognised as a JWT", i);
        }
    }
    /* Trailing whitespace after the object is fine. */
    struct kt_cred c;
    assert_true(jwt_recognise("{\"alg\":\"HS256\"}\n", "{\"sub\":\"s\"} \r\n", SIG, &c));
}

static void test_malformed_base64(void **state)
{
    (void)state;
    char *good = tc_jwt(HS256, "{\"iss\":\"i\",\"sub\":\"s\"}", SIG);
    struct kt_cred c;
    assert_true(tc_recognise(KT_CAND_TOKEN, good, &c));
    assert_int_equal(c.family, KT_FAM_JWT);
    char *dot1 = strchr(good, '.');
    char *dot2 = strchr(dot1 + 1, '.');
    size_t n = strlen(good);
    char buf[512];
    assert_true(n + 8 < sizeof(buf));
    /* Cut every segment at each length; the header/payload cuts must never decode as the
     * same JWT, and nothing may crash. */
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(buf, good, cut);
        buf[cut] = '\0';
        if (tc_recognise(KT_CAND_TOKEN, buf, &c) && c.family == KT_FAM_JWT) {
            /* Only cuts in the signature keep a valid header and payload. */
            assert_true(cut > (size_t)(dot2 - good));
        }
    }
    /* A character outside base64url, a padding '=', a fourth segment. */
    static const char inject[] = {'!', '=', '+', '/', ' ', '.'};
    for (size_t k = 0; k < sizeof(inject); k++) {
        snprintf(buf, sizeof(buf), "%.*s%c%s", (int)(dot1 - good), good, inject[k], dot1);
        assert_false(tc_recognise(KT_CAND_TOKEN, buf, &c) && c.family == KT_FAM_JWT);
    }
    snprintf(buf, sizeof(buf), "%s.%s", good, "ZXh0cmE");
    assert_false(tc_recognise(KT_CAND_TOKEN, buf, &c) && c.family == KT_FAM_JWT);
    /* Header length of 4k+1 characters cannot be base64. */
    char *odd = tc_jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"s\"}", SIG);
    char *d = strchr(odd, '.');
    snprintf(buf, sizeof(buf), "%.*sA%s", (int)(d - odd), odd, d);
    assert_false(tc_recognise(KT_CAND_TOKEN, buf, &c) && c.family == KT_FAM_JWT);
    free(odd);
    /* Non-zero trailing bits in the last header character (non-canonical encoding). */
    char *canon = tc_jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"s\"}", SIG);
    d = strchr(canon, '.');
    size_t hl = (size_t)(d - canon);
    if (hl % 4 != 0) {
        snprintf(buf, sizeof(buf), "%s", canon);
        buf[hl - 1] = buf[hl - 1] == 'Q' ? 'R' : (char)(buf[hl - 1] + 1);
        assert_false(tc_recognise(KT_CAND_TOKEN, buf, &c) && c.family == KT_FAM_JWT);
    }
    free(canon);
    free(good);
}

static void test_huge_claims(void **state)
{
    (void)state;
    size_t big = 6000;
    char *sub = malloc(big + 1);
    assert_non_null(sub);
    memset(sub, 'u', big);
    sub[big] = '\0';
    char *payload = malloc(big + 64);
    assert_non_null(payload);
    snprintf(payload, big + 64, "{\"iss\":\"https://auth.example.com\",\"sub\":\"%s\"}", sub);
    struct kt_cred c;
    assert_true(jwt_recognise(HS256, payload, SIG, &c));
    assert_int_equal(strlen(c.jwt.sub), sizeof(c.jwt.sub) - 1);
    assert_true(strlen(c.hint) < KT_HINT_MAX);
    /* The hint ends with the ellipsis when cut. */
    size_t hl = strlen(c.hint);
    assert_memory_equal(c.hint + hl - 3, KT_ELLIPSIS, 3);
    /* The key is derived from the full subject, not the truncated copy. */
    struct kt_str parts[3] = {KT_STR_LIT("https://auth.example.com"), kt_str_make("", 1),
                              kt_str_cstr(sub)};
    struct kt_keyid want;
    assert_true(kt_cred_keyid_derive("jwt", parts, 3, &want));
    assert_true(kt_keyid_eq(&c.key, &want));
    /* A long issuer is shortened in the hint so the subject still shows. */
    snprintf(payload, big + 64, "{\"iss\":\"%.*s\",\"sub\":\"svc\"}", 200, sub);
    assert_true(jwt_recognise(HS256, payload, SIG, &c));
    assert_non_null(strstr(c.hint, " sub=svc"));
    assert_int_equal(strlen(c.jwt.iss), sizeof(c.jwt.iss) - 1);
    /* Long header fields are truncated to their buffers. */
    char hdr[400];
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"%.*s\",\"typ\":\"%.*s\",\"kid\":\"%.*s\"}", 40, sub, 40,
             sub, 200, sub);
    assert_true(jwt_recognise(hdr, "{\"sub\":\"s\"}", SIG, &c));
    assert_int_equal(strlen(c.jwt.alg), sizeof(c.jwt.alg) - 1);
    assert_int_equal(strlen(c.jwt.typ), sizeof(c.jwt.typ) - 1);
    assert_int_equal(strlen(c.jwt.kid), sizeof(c.jwt.kid) - 1);
    free(payload);
    /* A token beyond the size cap is not decoded at all. */
    size_t huge = KT_CRED_VALUE_MAX;
    payload = malloc(huge + 64);
    char *filler = malloc(huge + 1);
    assert_non_null(payload);
    assert_non_null(filler);
    memset(filler, 'x', huge);
    filler[huge] = '\0';
    snprintf(payload, huge + 64, "{\"sub\":\"s\",\"pad\":\"%s\"}", filler);
    assert_false(jwt_recognise(HS256, payload, SIG, &c));
    free(filler);
    free(payload);
    free(sub);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    char payload[2100];
    size_t o = 0;
    o += (size_t)snprintf(payload, sizeof(payload), "{\"sub\":\"s\",\"x\":");
    for (int i = 0; i < 1000; i++) {
        payload[o++] = '[';
    }
    for (int i = 0; i < 1000; i++) {
        payload[o++] = ']';
    }
    payload[o++] = '}';
    payload[o] = '\0';
    struct kt_cred c;
    assert_false(jwt_recognise(HS256, payload, SIG, &c));
    /* Moderate nesting is fine. */
    assert_true(jwt_recognise(HS256, "{\"sub\":\"s\",\"x\":[[[{\"y\":[1]}]]]}", SIG, &c));
}

static void test_hostile_strings(void **state)
{
    (void)state;
    struct kt_cred c;
    /* Control characters and invalid UTF-8 never reach claims or hints raw. */
    assert_true(jwt_recognise(HS256,
                              "{\"iss\":\"evil\\n\\u001b[31mred\",\"sub\":\"a\\u0000b\\tc\","
                              "\"jti\":\"\\u00e9t\\u00e9\"}",
                              SIG, &c));
    assert_string_equal(c.jwt.iss, "evil??[31mred");
    assert_string_equal(c.jwt.sub, "a?b?c");
    assert_string_equal(c.jwt.jti, "\xc3\xa9t\xc3\xa9");
    assert_string_equal(c.hint, "jwt iss=evil??[31mred sub=a?b?c");
    for (size_t i = 0; i < sizeof(c.hint) && c.hint[i]; i++) {
        assert_true((unsigned char)c.hint[i] >= 0x20);
    }
    /* The key still uses the raw bytes: a different control character is a different key. */
    struct kt_cred d;
    assert_true(jwt_recognise(
        HS256, "{\"iss\":\"evil\\r\\u001b[31mred\",\"sub\":\"a\\u0000b\\tc\"}", SIG, &d));
    assert_false(kt_keyid_eq(&c.key, &d.key));
    /* Truncation never splits a multi-byte character: 200 two-byte characters in sub. */
    char payload[2048];
    size_t o = (size_t)snprintf(payload, sizeof(payload), "{\"sub\":\"");
    for (int i = 0; i < 200; i++) {
        o += (size_t)snprintf(payload + o, sizeof(payload) - o, "\\u00e9");
    }
    snprintf(payload + o, sizeof(payload) - o, "\"}");
    assert_true(jwt_recognise(HS256, payload, SIG, &c));
    size_t n = strlen(c.jwt.sub);
    assert_int_equal(n % 2, 0);
    assert_int_equal(n, 126);
}

/* A token pasted into a claim is redacted in the copies and the hint like anywhere else. */
static void test_token_inside_claims(void **state)
{
    (void)state;
    char ghp[48], payload[512];
    tc_checksum_token("ghp_", 31, ghp);
    snprintf(payload, sizeof(payload),
             "{\"iss\":\"https://x/%s\",\"sub\":\"%s\",\"aud\":[\"a %s\"],\"jti\":\"%s\"}", ghp,
             ghp, ghp, ghp);
    struct kt_cred c;
    assert_true(jwt_recognise(HS256, payload, SIG, &c));
    for (size_t w = 4; w + 12 <= strlen(ghp); w++) {
        assert_false(tc_contains(&c, sizeof(c), ghp + w, 8));
    }
    char want[64];
    snprintf(want, sizeof(want), "ghp_" KT_ELLIPSIS "%s", ghp + 36);
    assert_string_equal(c.jwt.sub, want);
    assert_non_null(strstr(c.hint, want));
    /* The key still uses the raw claims. */
    struct kt_str parts[3] = {kt_str_cstr(""), kt_str_make("", 1), kt_str_cstr(ghp)};
    char iss[128];
    snprintf(iss, sizeof(iss), "https://x/%s", ghp);
    parts[0] = kt_str_cstr(iss);
    struct kt_keyid want_key;
    assert_true(kt_cred_keyid_derive("jwt", parts, 3, &want_key));
    assert_true(kt_keyid_eq(&c.key, &want_key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_claims),
        cmocka_unit_test(test_same_principal_shares_key),
        cmocka_unit_test(test_principal_without_sub),
        cmocka_unit_test(test_keyed_by_token),
        cmocka_unit_test(test_issuer_key),
        cmocka_unit_test(test_alg_none),
        cmocka_unit_test(test_audience),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_malformed_base64),
        cmocka_unit_test(test_huge_claims),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_token_inside_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
