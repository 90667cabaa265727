/*
 * Strict base64/base64url decoder (see base64.h for the rules).
 *
 * sym_value() maps each byte to its 6-bit value, or to a marker for the two alphabet-specific
 * pairs, '=' and invalid bytes (no mutable tables, so it is safe from any thread). The body is
 * decoded four symbols at a time; the final group of two or three symbols (with or without padding)
 * is checked for zero trailing bits.
 */
#include "base64.h"

enum {
    SYM_VALUE = 0x3f, /* the 6-bit value */
    SYM_STD = 0x40,   /* or'ed onto '+' and '/' */
    SYM_URL = 0x80,   /* or'ed onto '-' and '_' */
    SYM_INVALID = 0x100,
    SYM_PAD = 0x200,
};

/* Value 0..63 of c, with SYM_STD or SYM_URL set for the alphabet-specific pairs; SYM_PAD for
 * '='; SYM_INVALID otherwise. */
static unsigned sym_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return (unsigned)(c - 'A');
    }
    if (c >= 'a' && c <= 'z') {
        return (unsigned)(26 + c - 'a');
    }
    if (c >= '0' && c <= '9') {
        return (unsigned)(52 + c - '0');
    }
    switch (c) {
    case '+': return 62 | SYM_STD;
    case '/': return 63 | SYM_STD;
    case '-': return 62 | SYM_URL;
    case '_': return 63 | SYM_URL;
    case '=': return SYM_PAD;
    default: return SYM_INVALID;
    }
}

bool kt_base64_decode(struct kt_str in, unsigned flags, uint8_t *out, size_t cap, size_t *out_len)
{
    if ((flags & (KT_B64_STD | KT_B64_URL)) == 0) {
        return false;
    }
    const uint8_t *p = (const uint8_t *)in.ptr;
    size_t len = in.len;
    /* Strip and validate padding. */
    size_t pad = 0;
    while (pad < 2 && len > 0 && p[len - 1] == '=') {
        len--;
        pad++;
    }
    if (pad > 0) {
        if ((flags & (KT_B64_PAD_OK | KT_B64_PAD_REQ)) == 0 || (len + pad) % 4 != 0) {
            return false;
        }
    } else if ((flags & KT_B64_PAD_REQ) && len % 4 != 0) {
        return false;
    }
    size_t rem = len % 4;
    if (rem == 1) {
        return false;
    }
    if (pad > 0 && pad != 4 - rem) {
        return false;
    }
    size_t need = (len / 4) * 3 + (rem ? rem - 1 : 0);
    if (need > cap) {
        return false;
    }
    unsigned seen = 0; /* SYM_STD / SYM_URL bits seen */
    size_t o = 0;
    size_t i = 0;
    uint32_t acc = 0;
    int nacc = 0;
    for (; i < len; i++) {
        unsigned s = sym_value(p[i]);
        if (s & (SYM_INVALID | SYM_PAD)) {
            return false; /* invalid, or '=' before the end */
        }
        seen |= s & (SYM_STD | SYM_URL);
        acc = (acc << 6) | (s & SYM_VALUE);
        if (++nacc == 4) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
            nacc = 0;
        }
    }
    if ((seen & SYM_STD) && !(flags & KT_B64_STD)) {
        return false;
    }
    if ((seen & SYM_URL) && !(flags & KT_B64_URL)) {
        return false;
    }
    if ((seen & SYM_STD) && (seen & SYM_URL)) {
        return false;
    }
    if (nacc == 2) {
        if (acc & 0x0f) {
            return false; /* non-zero trailing bits */
        }
        out[o++] = (uint8_t)(acc >> 4);
    } else if (nacc == 3) {
        if (acc & 0x03) {
            return false;
        }
        out[o++] = (uint8_t)(acc >> 10);
        out[o++] = (uint8_t)(acc >> 2);
    }
    *out_len = o;
    return true;
}
