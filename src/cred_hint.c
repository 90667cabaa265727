/*
 * Hints: the short redacted text people see instead of a token ("ghp_…Ab12",
 * "jwt iss=... sub=...", "basic user=alice"), and clean copies of the non-secret strings we keep
 * (JWT claims).
 *
 * Everything copied here comes from log bytes an attacker controls and ends up printed, so the
 * copy is made safe on the way: control bytes and bytes that are not well-formed UTF-8 become
 * '?', and truncation never splits a UTF-8 sequence. Truncated hints end with "…". Strings
 * that are shown but may hold a pasted token (claims, user names) are also redacted first:
 * that is cred_shown.c, which sits above the redactor, so this file calls no other
 * credential module.
 */
#include "cred_internal.h"
#include "utf8.h"


void kt_hintbuf_init(struct kt_hintbuf *hb, char *buf, size_t cap)
{
    hb->buf = buf;
    hb->cap = cap;
    hb->len = 0;
    hb->truncated = false;
    buf[0] = '\0';
}

void kt_hintbuf_add(struct kt_hintbuf *hb, struct kt_str s)
{
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t i = 0;
    while (i < s.len) {
        size_t n = kt_utf8_seq(p + i, s.len - i);
        bool replace = n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f));
        size_t out_n = replace ? 1 : n;
        if (hb->len + out_n > hb->cap - 1) {
            hb->truncated = true;
            break;
        }
        if (replace) {
            hb->buf[hb->len++] = '?';
            i += n == 0 ? 1 : n;
        } else {
            memcpy(hb->buf + hb->len, p + i, n);
            hb->len += n;
            i += n;
        }
    }
    hb->buf[hb->len] = '\0';
}

void kt_hintbuf_add_cstr(struct kt_hintbuf *hb, const char *s)
{
    kt_hintbuf_add(hb, kt_str_cstr(s));
}

void kt_hintbuf_finish(struct kt_hintbuf *hb)
{
    static const size_t ell = sizeof(KT_ELLIPSIS) - 1;
    if (!hb->truncated || hb->cap < ell + 1) {
        return;
    }
    size_t room = hb->cap - 1 - ell;
    if (hb->len > room) {
        hb->len = room;
        /* Back off to the start of a sequence: never leave a partial one before the "…". */
        while (hb->len > 0 && ((unsigned char)hb->buf[hb->len] & 0xc0) == 0x80) {
            hb->len--;
        }
    }
    memcpy(hb->buf + hb->len, KT_ELLIPSIS, ell);
    hb->len += ell;
    hb->buf[hb->len] = '\0';
}

void kt_cred_copy_clean(char *dst, size_t cap, struct kt_str s)
{
    struct kt_hintbuf hb;
    kt_hintbuf_init(&hb, dst, cap);
    kt_hintbuf_add(&hb, s);
}

void kt_cred_hint_tail(char *dst, size_t cap, const char *prefix, struct kt_str token)
{
    struct kt_hintbuf hb;
    kt_hintbuf_init(&hb, dst, cap);
    kt_hintbuf_add_cstr(&hb, prefix);
    kt_hintbuf_add_cstr(&hb, KT_ELLIPSIS);
    if (token.len >= 8) {
        kt_hintbuf_add(&hb, kt_str_make(token.ptr + token.len - 4, 4));
    }
}
