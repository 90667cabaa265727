/*
 * kt_cred_recognise(): what a candidate value is, by where it came from.
 *
 * Every candidate kind funnels into a few readers:
 *   - a bare token: a prefixed family (checksums verified), else a JWT, else a generic random
 *     secret (stricter for loosely named sources);
 *   - an Authorization header: the scheme (case-insensitive, extra spaces tolerated) picks the
 *     reader: Bearer/Token/Bot/ApiKey/Api-Key carry a bare token; Basic carries user:password;
 *     AWS4-HMAC-SHA256 Credential=AKIA.../... and legacy "AWS AKIA...:sig" carry an access key
 *     id (the signature is never read); a value without a scheme is a bare token;
 *   - Basic credentials: the user name if it is a family token, else the password if it is a
 *     prefixed-family token or JWT (x-access-token:ghs_..., apikey:SG...., oauth2:glpat-...),
 *     else the user name itself (DOMAIN "basic"), or a generic secret when the user name looks
 *     random. A password is never keyed or shown on its own;
 *   - GitHub's hashed_token: base64(SHA-256(token)), keyed like the token it stands for.
 *
 * The decoded Basic credentials are the only copy of token bytes made here; they are wiped.
 */
#include "cred_internal.h"

#include "base64.h"

/* Longest Basic credential (base64) accepted; user:password is far shorter in practice. */
#define BASIC_B64_MAX 1024
#define BASIC_DECODED_MAX (BASIC_B64_MAX / 4 * 3 + 3)
/* Characters of a Basic user name shown in a hint. */
#define BASIC_HINT_NAME_MAX 32

static void cred_reset(struct kt_cred *out)
{
    memset(out, 0, sizeof(*out));
    out->jwt.exp = KT_TIME_NONE;
    out->jwt.iat = KT_TIME_NONE;
    out->jwt.nbf = KT_TIME_NONE;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits s (already trimmed) at its first run of spaces: word and the trimmed rest. */
static void split_word(struct kt_str s, struct kt_str *word, struct kt_str *rest)
{
    size_t i = 0;
    while (i < s.len && !is_space(s.ptr[i])) {
        i++;
    }
    *word = kt_str_make(s.ptr, i);
    *rest = kt_str_trim(kt_str_make(s.ptr + i, s.len - i));
}

/* A known-family token or JWT that is exactly s. */
static bool recognise_known(struct kt_str s, struct kt_cred *out)
{
    if (s.len == 0 || s.len > KT_CRED_VALUE_MAX) {
        return false;
    }
    if (kt_cred_match_aws(s, false, out)) {
        return true;
    }
    cred_reset(out);
    if (kt_cred_match_family(s, out)) {
        return true;
    }
    cred_reset(out);
    if (kt_cred_jwt_shape(s) && kt_cred_match_jwt(s, out)) {
        return true;
    }
    cred_reset(out);
    return false;
}

static bool recognise_token(struct kt_str s, enum kt_generic_strength strength, const char *kind,
                            struct kt_cred *out)
{
    if (recognise_known(s, out)) {
        return true;
    }
    return kt_cred_generic_ok(s, strength) && kt_cred_make_generic(s, kind, out);
}

/* A user name: a family token (unless the caller already asked), a random-looking secret, or
 * a name keyed in DOMAIN "basic". */
static bool recognise_user(struct kt_str user, bool check_known, struct kt_cred *out)
{
    if (user.len == 0 || kt_str_eq_cstr(user, "-") || user.len > KT_CRED_VALUE_MAX) {
        return false;
    }
    if (check_known && recognise_known(user, out)) {
        return true;
    }
    if (kt_cred_generic_ok(user, KT_GENERIC_NORMAL)) {
        return kt_cred_make_generic(user, "token", out);
    }
    if (!kt_cred_keyid_derive("basic", &user, 1, &out->key)) {
        return false;
    }
    out->token = out->key;
    out->family = KT_FAM_BASIC;
    kt_str_copy(out->kind, sizeof(out->kind), KT_STR_LIT("basic"));
    char shown[KT_SHOWN_MAX], name[BASIC_HINT_NAME_MAX + 1];
    kt_cred_copy_shown(shown, sizeof(shown), user);
    struct kt_hintbuf nb;
    kt_hintbuf_init(&nb, name, sizeof(name));
    kt_hintbuf_add_cstr(&nb, shown);
    kt_hintbuf_finish(&nb);
    struct kt_hintbuf hb;
    kt_hintbuf_init(&hb, out->hint, sizeof(out->hint));
    kt_hintbuf_add_cstr(&hb, "basic user=");
    kt_hintbuf_add(&hb, kt_str_make(name, nb.len));
    return true;
}

static bool recognise_basic(struct kt_str b64, struct kt_cred *out)
{
    uint8_t buf[BASIC_DECODED_MAX];
    size_t n = 0;
    bool ok = false;
    if (b64.len == 0 || b64.len > BASIC_B64_MAX ||
        !kt_base64_decode(b64, KT_B64_STD | KT_B64_PAD_OK, buf, sizeof(buf), &n)) {
        goto out;
    }
    const char *p = (const char *)buf;
    const char *colon = memchr(p, ':', n);
    struct kt_str user = kt_str_make(p, colon ? (size_t)(colon - p) : n);
    struct kt_str pass = colon ? kt_str_make(colon + 1, n - user.len - 1) : KT_STR_NULL;
    if (user.len > 0 && recognise_known(user, out)) {
        ok = true;
        goto out;
    }
    if (pass.len > 0 && recognise_known(pass, out)) {
        ok = true;
        goto out;
    }
    ok = recognise_user(user, false, out);
out:
    kt_wipe(buf, sizeof(buf));
    return ok;
}

/* The access key id in "Credential=AKIA.../date/region/service/aws4_request, ...". */
static bool recognise_sigv4(struct kt_str params, struct kt_cred *out)
{
    size_t i = 0;
    while (i < params.len) {
        size_t end = i;
        while (end < params.len && params.ptr[end] != ',') {
            end++;
        }
        struct kt_str item = kt_str_trim(kt_str_make(params.ptr + i, end - i));
        if (kt_str_has_prefix_nocase(item, "credential=")) {
            struct kt_str v = kt_str_make(item.ptr + 11, item.len - 11);
            const char *slash = memchr(v.ptr, '/', v.len);
            if (slash != NULL) {
                v.len = (size_t)(slash - v.ptr);
            }
            return kt_cred_match_aws(v, false, out);
        }
        i = end + 1;
    }
    return false;
}

enum scheme { SCH_NONE, SCH_TOKEN, SCH_BASIC, SCH_AWS4, SCH_AWS };

static const struct {
    const char *name;
    enum scheme scheme;
    const char *kind; /* kind of a generic token under this scheme */
} schemes[] = {
    {"Bearer", SCH_TOKEN, "bearer"},
    {"Token", SCH_TOKEN, "token"},
    {"Bot", SCH_TOKEN, "token"},
    {"ApiKey", SCH_TOKEN, "token"},
    {"Api-Key", SCH_TOKEN, "token"},
    {"Basic", SCH_BASIC, "basic"},
    {"AWS4-HMAC-SHA256", SCH_AWS4, "AKIA"},
    {"AWS", SCH_AWS, "AKIA"},
};

static enum scheme find_scheme(struct kt_str word, const char **kind)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(schemes); i++) {
        if (kt_str_eq_nocase(word, kt_str_cstr(schemes[i].name))) {
            *kind = schemes[i].kind;
            return schemes[i].scheme;
        }
    }
    return SCH_NONE;
}

/* The first element of a scheme's parameter ("abc" of "abc, realm=..."). */
static struct kt_str first_param(struct kt_str rest)
{
    size_t i = 0;
    while (i < rest.len && !is_space(rest.ptr[i]) && rest.ptr[i] != ',') {
        i++;
    }
    return kt_str_make(rest.ptr, i);
}

static bool recognise_authorization(struct kt_str v, bool explicit_token, struct kt_cred *out)
{
    struct kt_str word, rest;
    const char *kind = "token";
    split_word(v, &word, &rest);
    enum scheme sch = find_scheme(word, &kind);
    if (sch == SCH_NONE) {
        if (rest.len > 0) {
            return false; /* an unknown scheme (Digest, Negotiate...): nothing we key */
        }
        if (explicit_token) {
            return false;
        }
        return recognise_token(word, KT_GENERIC_NORMAL, "token", out);
    }
    switch (sch) {
    case SCH_TOKEN: {
        struct kt_str tok = first_param(rest);
        if (tok.len == 0) {
            return false;
        }
        if (explicit_token && !recognise_known(tok, out)) {
            return kt_cred_make_generic(tok, kind, out);
        }
        return recognise_token(tok, KT_GENERIC_NORMAL, kind, out);
    }
    case SCH_BASIC: return recognise_basic(first_param(rest), out);
    case SCH_AWS4: return recognise_sigv4(rest, out);
    case SCH_AWS: {
        struct kt_str id = first_param(rest);
        const char *colon = memchr(id.ptr, ':', id.len);
        if (colon == NULL) {
            return false;
        }
        id.len = (size_t)(colon - id.ptr);
        return kt_cred_match_aws(id, false, out);
    }
    case SCH_NONE: break;
    }
    return false;
}

/* True if v starts with a known scheme followed by a parameter. */
static bool has_scheme(struct kt_str v)
{
    struct kt_str word, rest;
    const char *kind;
    split_word(v, &word, &rest);
    return rest.len > 0 && find_scheme(word, &kind) != SCH_NONE;
}

static bool recognise_hashed_token(struct kt_str v, struct kt_cred *out)
{
    uint8_t md[KT_SHA256_LEN + 3];
    size_t n = 0;
    if (v.len < 43 || v.len > 44 ||
        !kt_base64_decode(v, KT_B64_STD | KT_B64_URL | KT_B64_PAD_OK, md, sizeof(md), &n) ||
        n != KT_SHA256_LEN) {
        return false;
    }
    if (!kt_cred_keyid_secret_digest(md, &out->key)) {
        return false;
    }
    out->token = out->key;
    out->family = KT_FAM_GITHUB;
    out->flags = KT_CRED_FROM_HASH;
    kt_str_copy(out->kind, sizeof(out->kind), KT_STR_LIT("hashed_token"));
    struct kt_hintbuf hb;
    kt_hintbuf_init(&hb, out->hint, sizeof(out->hint));
    kt_hintbuf_add_cstr(&hb, "github hashed_token ");
    kt_hintbuf_add(&hb, kt_str_make(v.ptr, 8));
    kt_hintbuf_add_cstr(&hb, KT_ELLIPSIS);
    return true;
}

static bool recognise(const struct kt_cand *cand, struct kt_cred *out)
{
    struct kt_str v = kt_str_trim(cand->value);
    if (v.len == 0 || v.len > KT_CRED_VALUE_MAX) {
        return false;
    }
    switch (cand->kind) {
    case KT_CAND_AUTHORIZATION: return recognise_authorization(v, false, out);
    case KT_CAND_TOKEN:
    case KT_CAND_TOKEN_WEAK:
        if (has_scheme(v)) {
            return recognise_authorization(v, false, out);
        }
        return recognise_token(v, cand->kind == KT_CAND_TOKEN ? KT_GENERIC_NORMAL : KT_GENERIC_WEAK,
                               "token", out);
    case KT_CAND_AWS_KEY_ID: return kt_cred_match_aws(v, false, out);
    case KT_CAND_HASHED_TOKEN: return recognise_hashed_token(v, out);
    case KT_CAND_BASIC_USER: return recognise_user(v, true, out);
    case KT_CAND_EXPLICIT:
        if (has_scheme(v)) {
            return recognise_authorization(v, true, out);
        }
        if (recognise_known(v, out)) {
            return true;
        }
        return kt_cred_make_generic(v, "token", out);
    case KT_CAND__COUNT: break;
    }
    return false;
}

bool kt_cred_recognise(const struct kt_cand *cand, struct kt_cred *out)
{
    cred_reset(out);
    if (cand == NULL || (cand->value.ptr == NULL && cand->value.len > 0)) {
        return false;
    }
    if (!recognise(cand, out)) {
        cred_reset(out);
        return false;
    }
    return true;
}
