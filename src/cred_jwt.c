/*
 * JSON Web Tokens (RFC 7519, compact JWS serialisation): header.payload.signature, each part
 * base64url without padding.
 *
 * The header must decode to a JSON object with a string "alg"; the payload to a JSON object.
 * The non-secret fields are kept (alg, typ, kid, iss, sub, aud, azp/client_id, jti, exp, iat,
 * nbf). The key is the principal the token speaks for: iss and sub (or iss and azp/client_id
 * when there is no sub), so every short-lived token of one client shares one key id; the token
 * itself gets a secondary id. A token that names only its issuer (the Zoom-style API JWT, whose
 * iss is the API key and which the client mints afresh every hour or request) is keyed by the
 * issuer, so every token one API key mints is one key. Without iss or sub the token is keyed by
 * itself.
 *
 * This runs once per distinct token (through the recognition cache), so json-c is used for the
 * parse, with a depth limit. Decoded parts are copies of token bytes and are wiped before they
 * are freed. The signature is never decoded.
 */
#include "cred_internal.h"
#include "token.h"

#include "base64.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>

#define JWT_JSON_DEPTH 16

bool kt_cred_jwt_shape(struct kt_str s)
{
    struct kt_tok_jwt_parts parts;
    return kt_tok_jwt_split(s, &parts);
}

/* Decodes a base64url part into a fresh NUL-terminated buffer (caller wipes and frees). */
static char *decode_part(struct kt_str part, size_t *len)
{
    size_t cap = kt_base64_decoded_max(part.len) + 1;
    char *buf = malloc(cap);
    if (buf == NULL) {
        return NULL;
    }
    if (!kt_base64_decode(part, KT_B64_URL, (uint8_t *)buf, cap - 1, len)) {
        kt_wipe(buf, cap);
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

static void free_part(char *buf, size_t len)
{
    if (buf != NULL) {
        kt_wipe(buf, len + 1);
        free(buf);
    }
}

/* Parses buf[0..len) as exactly one JSON object (trailing whitespace allowed) with tok,
 * which is reset first. */
static json_object *parse_object(struct json_tokener *tok, const char *buf, size_t len)
{
    json_object *obj = NULL;
    if (len == 0 || len > (size_t)INT32_MAX - 1) {
        goto out;
    }
    json_tokener_reset(tok);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(obj, json_type_object)) {
        goto out_fail;
    }
    for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
        char c = buf[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            goto out_fail;
        }
    }
out:
    return obj;
out_fail:
    json_object_put(obj);
    return NULL;
}

/* The string member key of obj as a view (valid while obj lives), or an empty view. */
static struct kt_str member_str(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string)) {
        return KT_STR_NULL;
    }
    int n = json_object_get_string_len(v);
    return kt_str_make(json_object_get_string(v), n > 0 ? (size_t)n : 0);
}

static bool member_present_str(json_object *obj, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string);
}

/* NumericDates outside years 1..9999 are not times anyone means; they are treated as absent
 * so that later arithmetic (milliseconds, durations) cannot overflow. */
#define JWT_TIME_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define JWT_TIME_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Integer seconds of a NumericDate claim; KT_TIME_NONE when absent, not a number, or out of
 * range. Fractions are truncated toward zero. */
static int64_t member_time(json_object *obj, const char *key)
{
    json_object *v = NULL;
    int64_t t = KT_TIME_NONE;
    if (!json_object_object_get_ex(obj, key, &v)) {
        return KT_TIME_NONE;
    }
    if (json_object_is_type(v, json_type_int)) {
        t = json_object_get_int64(v);
    } else if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        if (isfinite(d) && d >= (double)JWT_TIME_MIN && d <= (double)JWT_TIME_MAX) {
            t = (int64_t)d;
        }
    }
    if (t < JWT_TIME_MIN || t > JWT_TIME_MAX) {
        return KT_TIME_NONE;
    }
    return t;
}

/* First audience: aud as a string, or the first string of an aud array. */
static struct kt_str member_aud(json_object *obj)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, "aud", &v)) {
        return KT_STR_NULL;
    }
    if (json_object_is_type(v, json_type_string)) {
        return member_str(obj, "aud");
    }
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0) {
        json_object *first = json_object_array_get_idx(v, 0);
        if (json_object_is_type(first, json_type_string)) {
            int n = json_object_get_string_len(first);
            return kt_str_make(json_object_get_string(first), n > 0 ? (size_t)n : 0);
        }
    }
    return KT_STR_NULL;
}

/* Appends s, at most max bytes of it, ending with "…" when cut. */
static void add_bounded(struct kt_hintbuf *hb, struct kt_str s, size_t max)
{
    char tmp[KT_HINT_MAX];
    struct kt_hintbuf part;
    kt_hintbuf_init(&part, tmp, KT_MIN(max + 1, sizeof(tmp)));
    kt_hintbuf_add(&part, s);
    kt_hintbuf_finish(&part);
    kt_hintbuf_add(hb, kt_str_make(tmp, part.len));
}

bool kt_cred_match_jwt(struct kt_str s, struct kt_cred *out)
{
    struct kt_tok_jwt_parts parts;
    char *hdr = NULL, *pay = NULL;
    size_t hdr_len = 0, pay_len = 0;
    json_object *hobj = NULL, *pobj = NULL;
    struct json_tokener *tok = NULL;
    bool ok = false;

    if (s.len > KT_CRED_VALUE_MAX || !kt_tok_jwt_split(s, &parts)) {
        goto out;
    }
    tok = json_tokener_new_ex(JWT_JSON_DEPTH);
    if (tok == NULL) {
        goto out;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    hdr = decode_part(parts.header, &hdr_len);
    if (hdr == NULL || (hobj = parse_object(tok, hdr, hdr_len)) == NULL) {
        goto out;
    }
    struct kt_str alg = member_str(hobj, "alg");
    if (!member_present_str(hobj, "alg")) {
        goto out;
    }
    bool alg_none = kt_str_eq_nocase(alg, KT_STR_LIT("none"));
    if (parts.signature.len == 0 && !alg_none) {
        goto out; /* a signed algorithm with its signature cut off */
    }
    pay = decode_part(parts.payload, &pay_len);
    if (pay == NULL || (pobj = parse_object(tok, pay, pay_len)) == NULL) {
        goto out;
    }

    struct kt_jwt_info *j = &out->jwt;
    kt_cred_copy_shown(j->alg, sizeof(j->alg), alg);
    kt_cred_copy_shown(j->typ, sizeof(j->typ), member_str(hobj, "typ"));
    kt_cred_copy_shown(j->kid, sizeof(j->kid), member_str(hobj, "kid"));
    struct kt_str iss = member_str(pobj, "iss");
    struct kt_str sub = member_str(pobj, "sub");
    struct kt_str azp = member_str(pobj, "azp");
    bool has_azp = member_present_str(pobj, "azp") && azp.len > 0;
    if (!has_azp) {
        azp = member_str(pobj, "client_id");
        has_azp = azp.len > 0;
    }
    bool has_iss = iss.len > 0, has_sub = sub.len > 0;
    kt_cred_copy_shown(j->iss, sizeof(j->iss), iss);
    kt_cred_copy_shown(j->sub, sizeof(j->sub), sub);
    kt_cred_copy_shown(j->aud, sizeof(j->aud), member_aud(pobj));
    kt_cred_copy_shown(j->azp, sizeof(j->azp), has_azp ? azp : KT_STR_NULL);
    kt_cred_copy_shown(j->jti, sizeof(j->jti), member_str(pobj, "jti"));
    j->exp = member_time(pobj, "exp");
    j->iat = member_time(pobj, "iat");
    j->nbf = member_time(pobj, "nbf");

    if (!kt_cred_keyid_secret(s, &out->token)) {
        goto out;
    }
    out->family = KT_FAM_JWT;
    out->flags = alg_none ? KT_CRED_ALG_NONE : 0;
    kt_str_copy(out->kind, sizeof(out->kind), KT_STR_LIT("jwt"));

    /* The principal: iss+sub, iss+azp/client_id without a sub, iss alone; otherwise the
     * token. */
    static const char zero = '\0';
    struct kt_hintbuf hb;
    kt_hintbuf_init(&hb, out->hint, sizeof(out->hint));
    kt_hintbuf_add_cstr(&hb, "jwt");
    if (has_sub || has_iss) {
        bool has_who = has_sub || has_azp;
        struct kt_str data[3] = {iss, kt_str_make(&zero, 1),
                                 has_sub ? sub : has_azp ? azp : KT_STR_NULL};
        if (!kt_cred_keyid_derive("jwt", data, 3, &out->key)) {
            goto out;
        }
        /* From the cleaned, redacted copies: the hint is printed. */
        if (has_iss) {
            kt_hintbuf_add_cstr(&hb, " iss=");
            add_bounded(&hb, kt_str_cstr(j->iss), has_who ? 48 : 80);
        }
        if (has_who) {
            kt_hintbuf_add_cstr(&hb, has_sub ? " sub=" : " azp=");
            kt_hintbuf_add_cstr(&hb, has_sub ? j->sub : j->azp);
        }
        /* A claim cut to its buffer is longer than the hint's room, so the hint shows the
         * cut with "…" below. */
    } else {
        out->key = out->token;
        out->flags |= KT_CRED_JWT_BY_TOKEN;
        kt_hintbuf_add_cstr(&hb, " " KT_ELLIPSIS);
        kt_hintbuf_add(&hb, kt_str_make(s.ptr + s.len - 4, 4));
    }
    kt_hintbuf_finish(&hb);
    ok = true;
out:
    json_object_put(hobj);
    json_object_put(pobj);
    if (tok != NULL) {
        json_tokener_free(tok);
    }
    free_part(hdr, hdr_len);
    free_part(pay, pay_len);
    return ok;
}

bool kt_cred_jwt_issuer_key(struct kt_str iss, struct kt_keyid *out)
{
    static const char zero = '\0';
    if (iss.len == 0) {
        return false;
    }
    struct kt_str data[2] = {iss, kt_str_make(&zero, 1)};
    return kt_cred_keyid_derive("jwt", data, 2, out);
}
