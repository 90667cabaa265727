/*
 * Helpers shared by the credential tests (tests/test_cred_*.c): synthetic tokens with valid
 * checksums, base64 encoding for building Basic credentials and JWTs, and small assertions.
 *
 * Every token in the tests is generated here or is an obviously fake constant; no real token
 * appears anywhere. The encoders are written independently of src/ so that a bug in the code
 * under test cannot cancel out in a round trip.
 */
#ifndef KEYTRAIL_TEST_CRED_HELPERS_H
#define KEYTRAIL_TEST_CRED_HELPERS_H

#include "testutil.h"

#include <keytrail/credential.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define ALNUM_US_DASH B62 "_-"

static const char tc_base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* n pseudo-random base62 characters from *state into out (no NUL). */
static inline void tc_random_base62(uint64_t *state, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = tc_base62[kt_test_rand(state) % 62];
    }
}

/* Writes the 6-digit base62 encoding (0-9A-Za-z, big-endian, '0'-padded) of v. */
static inline void tc_base62_6(uint32_t v, char out[6])
{
    uint64_t x = v;
    for (int i = 5; i >= 0; i--) {
        out[i] = tc_base62[x % 62];
        x /= 62;
    }
}

/*
 * A GitHub-style token: prefix + 30 random base62 + CRC32 checksum of those 30 as 6 base62
 * digits. out must hold strlen(prefix) + 37 bytes. Returns out.
 */
static inline char *tc_checksum_token(const char *prefix, uint64_t seed, char *out)
{
    size_t p = strlen(prefix);
    memcpy(out, prefix, p);
    uint64_t st = seed * 0x9e3779b97f4a7c15ULL + 1;
    tc_random_base62(&st, out + p, 30);
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)(out + p), 30);
    tc_base62_6(crc, out + p + 30);
    out[p + 36] = '\0';
    return out;
}

/* prefix + n random characters of alphabet into out (NUL-terminated). Returns out. */
static inline char *tc_token(const char *prefix, const char *alphabet, size_t n, uint64_t seed,
                             char *out)
{
    size_t p = strlen(prefix);
    size_t a = strlen(alphabet);
    uint64_t st = seed * 0x2545f4914f6cdd1dULL + 7;
    memcpy(out, prefix, p);
    for (size_t i = 0; i < n; i++) {
        out[p + i] = alphabet[kt_test_rand(&st) % a];
    }
    out[p + n] = '\0';
    return out;
}

/* Base64 encoding of in (standard or url alphabet, with or without padding). Returns out. */
static inline char *tc_b64(const void *in, size_t n, bool url, bool pad, char *out)
{
    const char *alpha = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = in;
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        out[o++] = alpha[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[(v >> 12) & 63];
        out[o++] = alpha[(v >> 6) & 63];
        if (pad) {
            out[o++] = '=';
        }
    }
    out[o] = '\0';
    return out;
}

/* A compact JWS: b64url(header) "." b64url(payload) "." sig. Returns a malloc'd string. */
static inline char *tc_jwt(const char *header, const char *payload, const char *sig)
{
    size_t hl = strlen(header), pl = strlen(payload), sl = strlen(sig);
    char *out = malloc((hl + pl) * 2 + sl + 16);
    assert_non_null(out);
    tc_b64(header, hl, true, false, out);
    size_t o = strlen(out);
    out[o++] = '.';
    tc_b64(payload, pl, true, false, out + o);
    o += strlen(out + o);
    out[o++] = '.';
    memcpy(out + o, sig, sl + 1);
    return out;
}

/* Recognises value as kind; returns the result and fills *cred. */
static inline bool tc_recognise(enum kt_cand_kind kind, const char *value, struct kt_cred *cred)
{
    struct kt_cand c = {kind, kt_str_cstr(value)};
    return kt_cred_recognise(&c, cred);
}

/* The printable key id (static buffer, overwritten by the next call of the same slot). */
static inline const char *tc_keyid(const struct kt_keyid *id, int slot)
{
    static char buf[4][KT_KEYID_STRLEN + 1];
    kt_keyid_format(id, buf[slot & 3]);
    return buf[slot & 3];
}

/* True if needle (len n) occurs anywhere in hay[0..len). */
static inline bool tc_contains(const void *hay, size_t len, const void *needle, size_t n)
{
    if (n == 0 || n > len) {
        return n == 0;
    }
    const unsigned char *h = hay, *end = h + len - n + 1;
    unsigned char first = *(const unsigned char *)needle;
    while (h < end) {
        const unsigned char *p = memchr(h, first, (size_t)(end - h));
        if (p == NULL) {
            return false;
        }
        if (memcmp(p, needle, n) == 0) {
            return true;
        }
        h = p + 1;
    }
    return false;
}

/*
 * Checks that a recognised credential holds no trace of the token: no run of 8 of its
 * characters after the visible prefix (which the hint and kind may show) and before the last
 * four (which the hint shows) appears anywhere in the struct.
 */
static inline void tc_assert_no_token(const struct kt_cred *cred, const char *token,
                                      size_t visible_prefix)
{
    size_t n = strlen(token);
    for (size_t i = visible_prefix; i + 8 + 4 <= n; i++) {
        assert_false(tc_contains(cred, sizeof(*cred), token + i, 8));
    }
}

/* Writes tmpl into out with "%s" replaced by tok and "%%" by '%'. Returns out. */
static inline char *tc_fill(char *out, size_t cap, const char *tmpl, const char *tok)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap; p++) {
        if (p[0] == '%' && p[1] == 's') {
            size_t n = strlen(tok);
            assert_true(o + n < cap);
            memcpy(out + o, tok, n);
            o += n;
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            out[o++] = '%';
            p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    return out;
}

/* One token of every family (AWS id and a JWT included), deterministic. */
struct tc_sample {
    char tok[400];
    enum kt_family fam;
};

static inline size_t tc_make_samples(struct tc_sample *s)
{
    size_t n = 0;
    tc_checksum_token("ghp_", 1, s[n].tok);
    s[n++].fam = KT_FAM_GITHUB;
    tc_checksum_token("ghs_", 2, s[n].tok);
    s[n++].fam = KT_FAM_GITHUB;
    tc_checksum_token("npm_", 3, s[n].tok);
    s[n++].fam = KT_FAM_NPM;
    {
        char a[32], b[64];
        tc_token("", B62, 22, 4, a);
        tc_token("", B62, 59, 5, b);
        snprintf(s[n].tok, sizeof(s[n].tok), "github_pat_%s_%s", a, b);
        s[n++].fam = KT_FAM_GITHUB;
    }
    tc_token("glpat-", B62, 20, 6, s[n].tok);
    s[n++].fam = KT_FAM_GITLAB;
    tc_token("sk_live_", B62, 24, 7, s[n].tok);
    s[n++].fam = KT_FAM_STRIPE;
    tc_token("rk_test_", B62, 40, 8, s[n].tok);
    s[n++].fam = KT_FAM_STRIPE;
    snprintf(s[n].tok, sizeof(s[n].tok), "xoxb-123456789012-1234567890123-%s",
             tc_token("", B62, 24, 9, (char[32]){0}));
    s[n++].fam = KT_FAM_SLACK;
    tc_token("AIza", ALNUM_US_DASH, 35, 10, s[n].tok);
    s[n].tok[4 + 34] = 'Q'; /* do not end in '-' (a separator in text) */
    s[n++].fam = KT_FAM_GOOGLE;
    tc_token("sk-proj-", B62, 100, 11, s[n].tok);
    s[n++].fam = KT_FAM_OPENAI;
    tc_token("sk-ant-api03-", B62, 95, 12, s[n].tok);
    s[n++].fam = KT_FAM_ANTHROPIC;
    {
        char a[24], b[48];
        tc_token("", B62, 22, 13, a);
        tc_token("", B62, 43, 14, b);
        snprintf(s[n].tok, sizeof(s[n].tok), "SG.%s.%s", a, b);
        s[n++].fam = KT_FAM_SENDGRID;
    }
    tc_token("SK", "0123456789abcdef", 32, 15, s[n].tok);
    s[n++].fam = KT_FAM_TWILIO;
    snprintf(s[n].tok, sizeof(s[n].tok), "AKIAIOSFODNN7EXAMPLE");
    s[n++].fam = KT_FAM_AWS;
    {
        char *jwt = tc_jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                           "{\"iss\":\"https://auth.example.com\",\"sub\":\"svc-billing\"}",
                           "c2lnbmF0dXJlLW5vdC1yZWFsLTAxMjM0NTY3ODk");
        snprintf(s[n].tok, sizeof(s[n].tok), "%s", jwt);
        free(jwt);
        s[n++].fam = KT_FAM_JWT;
    }
    return n;
}

#endif
