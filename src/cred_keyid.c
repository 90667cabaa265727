/*
 * Key ids: the stable fingerprint every output names a credential by, and family names.
 *
 * The derivation is fixed by include/keytrail/credential.h:
 *     "kt1-" + hex(SHA-256("keytrail-key-v1" 0x00 DOMAIN 0x00 DATA)[0..12))
 * SHA-256 comes from OpenSSL's EVP interface. A secret token's DATA is SHA-256(token), so the
 * raw token is hashed once and only its digest reaches the derivation; the digest is wiped.
 */
#include "cred_internal.h"

#include <openssl/evp.h>
#include <threads.h>

static const char keyid_context[] = "keytrail-key-v1";

/* Inputs up to this size are hashed from one stack buffer in a single call. */
#define DERIVE_INLINE_MAX 512

/*
 * SHA-256 fetched once: EVP_sha256() makes every digest call look the algorithm up again in
 * the provider store (locks and a hash lookup), which dominated a recognition miss. The
 * fetched method lives for the process. If the fetch fails, the implicit one is used.
 */
static EVP_MD *sha256_md;
static once_flag sha256_once = ONCE_FLAG_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
    call_once(&sha256_once, sha256_fetch);
    return sha256_md != NULL ? sha256_md : EVP_sha256();
}

bool kt_cred_sha256(const void *data, size_t len, uint8_t md[KT_SHA256_LEN])
{
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, sha256(), NULL) != 1 || mdlen != KT_SHA256_LEN) {
        return false;
    }
    return true;
}

/* The whole derivation input in one buffer, when it is small (the common case). */
static bool derive_inline(const char *domain, const struct kt_str *parts, size_t nparts,
                          uint8_t md[KT_SHA256_LEN])
{
    uint8_t buf[DERIVE_INLINE_MAX];
    size_t n = 0;
    size_t dlen = strlen(domain);
    size_t total = sizeof(keyid_context) + dlen + 1;
    for (size_t i = 0; i < nparts; i++) {
        total += parts[i].len;
    }
    if (total > sizeof(buf)) {
        return false;
    }
    memcpy(buf, keyid_context, sizeof(keyid_context)); /* with its NUL: the 0x00 separator */
    n = sizeof(keyid_context);
    memcpy(buf + n, domain, dlen + 1);
    n += dlen + 1;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len > 0) {
            memcpy(buf + n, parts[i].ptr, parts[i].len);
            n += parts[i].len;
        }
    }
    bool ok = kt_cred_sha256(buf, n, md);
    kt_wipe(buf, n);
    return ok;
}

bool kt_cred_keyid_derive(const char *domain, const struct kt_str *parts, size_t nparts,
                          struct kt_keyid *out)
{
    static const uint8_t zero = 0;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    bool ok = false;
    EVP_MD_CTX *ctx = NULL;
    if (derive_inline(domain, parts, nparts, md)) {
        memcpy(out->b, md, KT_KEYID_BYTES);
        ok = true;
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        goto out;
    }
    if (EVP_DigestInit_ex(ctx, sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, keyid_context, sizeof(keyid_context) - 1) != 1 ||
        EVP_DigestUpdate(ctx, &zero, 1) != 1 ||
        EVP_DigestUpdate(ctx, domain, strlen(domain)) != 1 ||
        EVP_DigestUpdate(ctx, &zero, 1) != 1) {
        goto out;
    }
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len > 0 && EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len) != 1) {
            goto out;
        }
    }
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen < KT_KEYID_BYTES) {
        goto out;
    }
    memcpy(out->b, md, KT_KEYID_BYTES);
    ok = true;
out:
    EVP_MD_CTX_free(ctx);
    kt_wipe(md, sizeof(md));
    return ok;
}

bool kt_cred_keyid_secret_digest(const uint8_t md[KT_SHA256_LEN], struct kt_keyid *out)
{
    struct kt_str part = kt_str_make((const char *)md, KT_SHA256_LEN);
    return kt_cred_keyid_derive("secret", &part, 1, out);
}

bool kt_cred_keyid_secret(struct kt_str token, struct kt_keyid *out)
{
    uint8_t md[KT_SHA256_LEN];
    bool ok = kt_cred_sha256(token.ptr != NULL ? token.ptr : "", token.len, md) &&
              kt_cred_keyid_secret_digest(md, out);
    kt_wipe(md, sizeof(md));
    return ok;
}

static const char hexdigits[] = "0123456789abcdef";

void kt_keyid_format(const struct kt_keyid *id, char out[KT_KEYID_STRLEN + 1])
{
    memcpy(out, "kt1-", 4);
    for (size_t i = 0; i < KT_KEYID_BYTES; i++) {
        out[4 + 2 * i] = hexdigits[id->b[i] >> 4];
        out[4 + 2 * i + 1] = hexdigits[id->b[i] & 0x0f];
    }
    out[KT_KEYID_STRLEN] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool kt_keyid_parse(struct kt_str s, struct kt_keyid *out)
{
    if (s.len != KT_KEYID_STRLEN || memcmp(s.ptr, "kt1-", 4) != 0) {
        return false;
    }
    struct kt_keyid id;
    for (size_t i = 0; i < KT_KEYID_BYTES; i++) {
        int hi = hexval(s.ptr[4 + 2 * i]);
        int lo = hexval(s.ptr[4 + 2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        id.b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = id;
    return true;
}

/* Indexed by enum kt_family; the names are stored in state files and never change. */
static const char *const family_names[KT_FAM__COUNT] = {
    [KT_FAM_NONE] = "none",     [KT_FAM_JWT] = "jwt",           [KT_FAM_AWS] = "aws",
    [KT_FAM_GITHUB] = "github", [KT_FAM_GITLAB] = "gitlab",     [KT_FAM_STRIPE] = "stripe",
    [KT_FAM_SLACK] = "slack",   [KT_FAM_GOOGLE] = "google",     [KT_FAM_OPENAI] = "openai",
    [KT_FAM_NPM] = "npm",       [KT_FAM_SENDGRID] = "sendgrid", [KT_FAM_TWILIO] = "twilio",
    [KT_FAM_BASIC] = "basic",   [KT_FAM_GENERIC] = "generic",   [KT_FAM_ANTHROPIC] = "anthropic",
};

const char *kt_cred_flag_name(uint32_t bit)
{
    switch (bit) {
    case KT_CRED_TEST: return "test";
    case KT_CRED_PUBLISHABLE: return "publishable";
    case KT_CRED_TEMPORARY: return "temporary";
    case KT_CRED_CHECKSUM_OK: return "checksum_ok";
    case KT_CRED_FROM_HASH: return "from_hash";
    case KT_CRED_ALG_NONE: return "alg_none";
    case KT_CRED_JWT_BY_TOKEN: return "keyed_by_token";
    case KT_CRED_SIG_OK: return "signature_ok";
    case KT_CRED_SIG_BAD: return "signature_bad";
    default: return NULL;
    }
}

const char *kt_family_name(enum kt_family fam)
{
    if ((unsigned)fam >= KT_FAM__COUNT || family_names[fam] == NULL) {
        return "none";
    }
    return family_names[fam];
}

enum kt_family kt_family_from_name(struct kt_str name)
{
    for (int f = 1; f < KT_FAM__COUNT; f++) {
        if (family_names[f] != NULL && kt_str_eq_nocase(name, kt_str_cstr(family_names[f]))) {
            return (enum kt_family)f;
        }
    }
    return KT_FAM_NONE;
}
