/*
 * Fuzz harness for credential recognition: the input is fed as every candidate kind (directly
 * and through a small cache), as a query string, as free text to the scanner and the redactor
 * (at several capacities), and to the base64 decoder. Besides memory safety (ASan/UBSan), it
 * checks invariants and aborts when one breaks:
 *   - a recognised credential's strings are NUL-terminated inside their buffers;
 *   - the cache (on a miss and on a hit) answers like direct recognition, field by field as
 *     it promises (the JWT block only for JWTs);
 *   - query candidates point into the query or the scratch buffer;
 *   - text candidates lie inside the text;
 *   - redaction is NUL-terminated, within capacity, and holds no found non-AWS token (one that
 *     occurs once in the text).
 */
#include <keytrail/credential.h>

#include "base64.h"
#include "cred_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kt_cred_cache *cache;

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static bool terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static bool contains(const char *hay, size_t len, const char *needle, size_t n)
{
    if (n == 0 || n > len) {
        return false;
    }
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static size_t occurrences(const char *hay, size_t len, const char *needle, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; n > 0 && i + n <= len; i++) {
        count += memcmp(hay + i, needle, n) == 0;
    }
    return count;
}

static void check_cred(const struct kt_cred *c)
{
    check(terminated(c->kind, sizeof(c->kind)));
    check(terminated(c->hint, sizeof(c->hint)));
    check(terminated(c->account, sizeof(c->account)));
    check((unsigned)c->family < KT_FAM__COUNT);
    if (c->family != KT_FAM_JWT) {
        return; /* the JWT block is only meaningful for JWTs */
    }
    check(terminated(c->jwt.alg, sizeof(c->jwt.alg)));
    check(terminated(c->jwt.iss, sizeof(c->jwt.iss)));
    check(terminated(c->jwt.sub, sizeof(c->jwt.sub)));
    check(terminated(c->jwt.aud, sizeof(c->jwt.aud)));
    check(terminated(c->jwt.azp, sizeof(c->jwt.azp)));
    check(terminated(c->jwt.jti, sizeof(c->jwt.jti)));
    check(terminated(c->jwt.kid, sizeof(c->jwt.kid)));
    check(terminated(c->jwt.typ, sizeof(c->jwt.typ)));
}

/*
 * What the cache promises (cred_cache.h, credential.h): the same answer, and for a credential
 * the same family, flags, kind, ids, hint and account; the JWT block only for JWTs (it is
 * "meaningful only when family == KT_FAM_JWT", and the cache does not copy it otherwise).
 * Strings compare up to their NUL: the bytes after it are not part of the value.
 */
static void check_same(const struct kt_cred *a, const struct kt_cred *b)
{
    check(a->family == b->family && a->flags == b->flags);
    check(strcmp(a->kind, b->kind) == 0 && strcmp(a->hint, b->hint) == 0 &&
          strcmp(a->account, b->account) == 0);
    check(kt_keyid_eq(&a->key, &b->key) && kt_keyid_eq(&a->token, &b->token));
    if (a->family != KT_FAM_JWT) {
        return;
    }
    const struct kt_jwt_info *x = &a->jwt, *y = &b->jwt;
    check(strcmp(x->alg, y->alg) == 0 && strcmp(x->typ, y->typ) == 0 &&
          strcmp(x->kid, y->kid) == 0 && strcmp(x->iss, y->iss) == 0 &&
          strcmp(x->sub, y->sub) == 0 && strcmp(x->aud, y->aud) == 0 &&
          strcmp(x->azp, y->azp) == 0 && strcmp(x->jti, y->jti) == 0);
    check(x->exp == y->exp && x->iat == y->iat && x->nbf == y->nbf);
}

static void as_candidates(struct kt_str v)
{
    for (int k = 0; k < KT_CAND__COUNT; k++) {
        struct kt_cand cand = {(enum kt_cand_kind)k, v};
        struct kt_cred a, b, c;
        /* Different garbage in each, so a field one path leaves unset shows up. */
        memset(&a, 0xa5, sizeof(a));
        memset(&b, 0x5a, sizeof(b));
        memset(&c, 0x3c, sizeof(c));
        bool ra = kt_cred_recognise(&cand, &a);
        bool rb = kt_cred_cache_resolve(cache, &cand, &b); /* a miss, or a hit from earlier */
        bool rc = kt_cred_cache_resolve(cache, &cand, &c); /* a hit */
        check(ra == rb && ra == rc);
        if (ra) {
            check_cred(&a);
            check_cred(&b);
            check_cred(&c);
            check_same(&a, &b);
            check_same(&a, &c);
        }
    }
}

static void as_query(struct kt_str v)
{
    char *scratch = malloc(v.len + 1);
    if (scratch == NULL) {
        return;
    }
    struct kt_cand out[16];
    size_t n = kt_cred_find_in_query(v, out, 16, scratch, v.len);
    check(n <= 16);
    for (size_t i = 0; i < n; i++) {
        const char *p = out[i].value.ptr;
        size_t len = out[i].value.len;
        bool in_q = p >= v.ptr && p + len <= v.ptr + v.len;
        bool in_s = p >= scratch && p + len <= scratch + v.len;
        check(in_q || in_s);
        struct kt_cred c;
        if (kt_cred_recognise(&out[i], &c)) {
            check_cred(&c);
        }
    }
    free(scratch);
}

static void as_text(struct kt_str v)
{
    struct kt_cand out[32];
    size_t n = kt_cred_find_in_text(v, out, 32);
    check(n <= 32);
    for (size_t i = 0; i < n; i++) {
        check(out[i].value.ptr >= v.ptr && out[i].value.ptr + out[i].value.len <= v.ptr + v.len);
    }
    static const size_t caps[] = {1, 7, 64, 0};
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        size_t cap = caps[k] ? caps[k] : v.len * 2 + 256;
        char *red = malloc(cap);
        if (red == NULL) {
            return;
        }
        size_t len = kt_cred_redact(v, red, cap);
        check(len < cap && red[len] == '\0');
        if (caps[k] == 0 && n < 32) {
            for (size_t i = 0; i < n; i++) {
                struct kt_cred c;
                bool aws = kt_cred_recognise(&out[i], &c) && c.family == KT_FAM_AWS;
                /* A copy glued to a word elsewhere in the text is not a token there, so
                 * only a token that occurs once must be gone. */
                if (!aws && out[i].value.len >= 12 &&
                    occurrences(v.ptr, v.len, out[i].value.ptr, out[i].value.len) == 1) {
                    check(!contains(red, len, out[i].value.ptr, out[i].value.len));
                }
            }
        }
        free(red);
    }
}

static void as_base64(struct kt_str v)
{
    size_t cap = kt_base64_decoded_max(v.len);
    uint8_t *out = malloc(cap ? cap : 1);
    if (out == NULL) {
        return;
    }
    static const unsigned flags[] = {KT_B64_STD, KT_B64_URL, KT_B64_STD | KT_B64_PAD_OK,
                                     KT_B64_STD | KT_B64_URL | KT_B64_PAD_REQ};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        size_t n = 0;
        if (kt_base64_decode(v, flags[i], out, cap, &n)) {
            check(n <= cap);
        }
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (cache == NULL && kt_cred_cache_new(&cache, 64) != KT_OK) {
        return 0;
    }
    /* An exact-size copy, so any read past the end is caught. */
    char *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    struct kt_str v = {copy, size};
    as_candidates(v);
    as_query(v);
    as_text(v);
    as_base64(v);
    free(copy);
    return 0;
}
