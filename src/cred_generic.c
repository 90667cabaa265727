/*
 * Generic secret tokens: values in credential places (a Bearer header, an api_key parameter)
 * that match no known family. They are accepted only with evidence that they are random rather
 * than placeholders or ordinary data ("undefined", "null", a number, a path, a time, a word):
 *
 *   - length 16..4096 (20.. for loosely named sources) in the token alphabet [A-Za-z0-9._~+/=-]
 *     (token.h's KT_TOK_SECRET)
 *   - at least one letter, and at least two of: upper case, lower case, digits, symbols
 *   - not path-like (leading '/' or '.', "//", "./", "..")
 *   - not made only of words ("NOT-A-REAL-TOKEN", "change_me_please", "getUserSettings")
 *   - Shannon entropy >= 3.0 bits per byte (3.5 for loosely named sources)
 *
 * A UUID passes (hex, digits and '-'; about 3.7 bits). A token keyed this way is hashed like any
 * opaque secret (DOMAIN "secret"), so recognising the same token later as a known family gives
 * the same key id.
 */
#include "cred_internal.h"
#include "token.h"

static bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* A byte of the token alphabet that is not alphanumeric: . _ ~ + / = - */
static bool is_symbol(unsigned char c)
{
    return kt_tok_is(c, KT_TOK_SECRET) && !kt_tok_is(c, KT_TOK_ALNUM);
}

/*
 * A separator-free run of alphanumerics reads as words: short (<= 3), all digits, all upper
 * case, or camel-case words each of an optional capital and two or more lower-case letters,
 * optionally followed by up to two digits ("v2", "Settings", "getUserSettings", "utf8").
 */
static bool segment_is_wordy(const unsigned char *p, size_t n)
{
    if (n <= 3) {
        return true;
    }
    size_t digits = 0;
    while (digits < n && is_digit(p[n - 1 - digits])) {
        digits++;
    }
    if (digits == n) {
        return true;
    }
    if (digits > 2) {
        return false;
    }
    size_t m = n - digits;
    bool all_upper = true;
    for (size_t i = 0; i < m; i++) {
        if (!is_upper(p[i])) {
            all_upper = false;
            break;
        }
    }
    if (all_upper) {
        return true;
    }
    size_t i = 0;
    while (i < m) {
        if (is_upper(p[i])) {
            i++;
        }
        size_t lower = 0;
        while (i < m && is_lower(p[i])) {
            i++;
            lower++;
        }
        if (lower < 2) {
            return false;
        }
    }
    return true;
}

static bool all_wordy(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_symbol(p[i])) {
            i++;
        }
        size_t start = i;
        while (i < n && !is_symbol(p[i])) {
            i++;
        }
        if (i > start && !segment_is_wordy(p + start, i - start)) {
            return false;
        }
    }
    return true;
}

bool kt_cred_generic_ok(struct kt_str s, enum kt_generic_strength strength)
{
    size_t min_len = strength == KT_GENERIC_WEAK ? 20 : 16;
    double min_bits = strength == KT_GENERIC_WEAK ? 3.5 : 3.0;
    if (s.len < min_len || s.len > 4096) {
        return false;
    }
    const unsigned char *p = (const unsigned char *)s.ptr;
    bool upper = false, lower = false, digit = false, symbol = false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = p[i];
        if (is_upper(c)) {
            upper = true;
        } else if (is_lower(c)) {
            lower = true;
        } else if (is_digit(c)) {
            digit = true;
        } else if (is_symbol(c)) {
            symbol = true;
            if (i + 1 < s.len && (c == '/' || c == '.') && p[i + 1] == '/') {
                return false; /* "//", "./" */
            }
            if (i + 1 < s.len && c == '.' && p[i + 1] == '.') {
                return false; /* ".." */
            }
        } else {
            return false;
        }
    }
    if (!upper && !lower) {
        return false;
    }
    if ((int)upper + (int)lower + (int)digit + (int)symbol < 2) {
        return false;
    }
    if (p[0] == '/' || p[0] == '.') {
        return false;
    }
    if (all_wordy(p, s.len)) {
        return false;
    }
    return kt_entropy_bits(s) >= min_bits;
}

bool kt_cred_all_wordy(struct kt_str s)
{
    return all_wordy((const unsigned char *)s.ptr, s.len);
}

bool kt_cred_make_generic(struct kt_str s, const char *kind, struct kt_cred *out)
{
    if (!kt_cred_keyid_secret(s, &out->key)) {
        return false;
    }
    out->token = out->key;
    out->family = KT_FAM_GENERIC;
    out->flags = 0;
    kt_str_copy(out->kind, sizeof(out->kind), kt_str_cstr(kind));
    kt_cred_hint_tail(out->hint, sizeof(out->hint), "", s);
    return true;
}
