/*
 * Credentials in URL query strings (application/x-www-form-urlencoded): "a=1&api_key=...".
 *
 * Parameters are split on '&' and ';'. Names are percent-decoded into a small local buffer and
 * matched case-insensitively against a table that says how strong the name's evidence is:
 * names that can only mean a credential give KT_CAND_TOKEN, loose ones ("key", "token")
 * KT_CAND_TOKEN_WEAK, and X-Amz-Credential gives the access key id before its first '/'.
 * Passwords and session tokens are deliberately absent: a password is never keyed, and an AWS
 * session token is not an id we can key. Values are percent-decoded ('+' is a space) into the
 * caller's scratch only when they contain an escape; otherwise they are views into the query.
 */
#include "cred_internal.h"

/* Longest parameter name considered; longer names are not credential names. */
#define QUERY_NAME_MAX 32

enum param_use { USE_TOKEN, USE_WEAK, USE_AMZ_CREDENTIAL };

static const struct {
    struct kt_str name;
    enum param_use use;
} params[] = {
    {KT_STR_LIT("api_key"), USE_TOKEN},       {KT_STR_LIT("apikey"), USE_TOKEN},
    {KT_STR_LIT("api-key"), USE_TOKEN},       {KT_STR_LIT("x-api-key"), USE_TOKEN},
    {KT_STR_LIT("api_token"), USE_TOKEN},     {KT_STR_LIT("access_token"), USE_TOKEN},
    {KT_STR_LIT("auth_token"), USE_TOKEN},    {KT_STR_LIT("private_token"), USE_TOKEN},
    {KT_STR_LIT("client_secret"), USE_TOKEN}, {KT_STR_LIT("key"), USE_WEAK},
    {KT_STR_LIT("token"), USE_WEAK},          {KT_STR_LIT("auth"), USE_WEAK},
    {KT_STR_LIT("secret"), USE_WEAK},         {KT_STR_LIT("x-amz-credential"), USE_AMZ_CREDENTIAL},
};

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

/* Form-decodes s into dst (which holds at least s.len bytes); returns the decoded length.
 * A '%' not followed by two hex digits is kept as is. */
static size_t form_decode(struct kt_str s, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '+') {
            dst[o++] = ' ';
        } else if (c == '%' && i + 2 < s.len && hexval(s.ptr[i + 1]) >= 0 &&
                   hexval(s.ptr[i + 2]) >= 0) {
            dst[o++] = (char)(hexval(s.ptr[i + 1]) << 4 | hexval(s.ptr[i + 2]));
            i += 2;
        } else {
            dst[o++] = c;
        }
    }
    return o;
}

static bool needs_decoding(struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '%' || s.ptr[i] == '+') {
            return true;
        }
    }
    return false;
}

static bool lookup_param(struct kt_str raw_name, enum param_use *use)
{
    char name[QUERY_NAME_MAX];
    if (raw_name.len == 0 || raw_name.len > sizeof(name)) {
        return false;
    }
    size_t n = form_decode(raw_name, name);
    for (size_t i = 0; i < KT_ARRAY_LEN(params); i++) {
        if (kt_str_eq_nocase(kt_str_make(name, n), params[i].name)) {
            *use = params[i].use;
            return true;
        }
    }
    return false;
}

size_t kt_cred_find_in_query(struct kt_str query, struct kt_cand *out, size_t max, char *scratch,
                             size_t scratch_cap)
{
    size_t found = 0;
    size_t used = 0; /* bytes of scratch handed out */
    size_t i = 0;
    if (query.ptr == NULL || out == NULL) {
        return 0;
    }
    while (i < query.len && found < max) {
        size_t end = i;
        while (end < query.len && query.ptr[end] != '&' && query.ptr[end] != ';') {
            end++;
        }
        struct kt_str pair = kt_str_make(query.ptr + i, end - i);
        i = end + 1;
        const char *eq = memchr(pair.ptr, '=', pair.len);
        if (eq == NULL) {
            continue;
        }
        enum param_use use;
        if (!lookup_param(kt_str_make(pair.ptr, (size_t)(eq - pair.ptr)), &use)) {
            continue;
        }
        struct kt_str value = kt_str_make(eq + 1, pair.len - (size_t)(eq - pair.ptr) - 1);
        if (needs_decoding(value)) {
            if (scratch == NULL || scratch_cap - used < value.len) {
                continue; /* no room to decode: skip rather than hand out an encoded value */
            }
            size_t n = form_decode(value, scratch + used);
            value = kt_str_make(scratch + used, n);
            used += n;
        }
        if (use == USE_AMZ_CREDENTIAL) {
            const char *slash = memchr(value.ptr, '/', value.len);
            if (slash != NULL) {
                value.len = (size_t)(slash - value.ptr);
            }
        }
        if (value.len == 0) {
            continue;
        }
        out[found].kind = use == USE_TOKEN  ? KT_CAND_TOKEN
                          : use == USE_WEAK ? KT_CAND_TOKEN_WEAK
                                            : KT_CAND_AWS_KEY_ID;
        out[found].value = value;
        found++;
    }
    return found;
}
