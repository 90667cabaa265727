/*
 * Tokens embedded in free text (URL paths such as "/hooks/ghp_...", user agents, messages),
 * and redaction of such text before it leaves the process.
 *
 * The scanner runs over every printed path and user agent, nearly all of which hold no token,
 * so the common case is one byte test per byte: only a byte that can begin a prefixed token,
 * AWS key id or JWT ('g', 's', 'x', 'A', 'e', ...) on a token boundary (start of text, after a
 * non-word byte, or after a %XX escape) is looked at further. There the family table (or the
 * JWT shape check, which decodes only the header) decides the token's extent; a match must end
 * on a boundary too, so a prefix inside a longer word is not a token.
 *
 * Redaction replaces each found token with its hint (AWS key ids stay whole: providers log
 * them) and copies the rest. It never writes a found token's bytes, whatever the capacity. The
 * strings recognition itself shows (JWT claims, Basic user names) go through the family-only
 * variant, so a token pasted into a claim is not printed through a hint; JWTs are left out
 * there to keep the recursion to one level.
 */
#include "cred_internal.h"

/* The shortest embedded token: a Slack "xoxb-" prefix and 10 characters. */
#define TOKEN_MIN_LEN 15

/* Candidates the redactor asks for per scan. */
#define REDACT_BATCH 16

/* The scanner; jwt says whether JWTs are looked for as well as prefixed families. */
static size_t find_tokens(struct kt_str text, struct kt_cand *out, size_t max, bool jwt)
{
    size_t found = 0;
    size_t i = 0;
    if (text.ptr == NULL || out == NULL) {
        return 0;
    }
    while (i < text.len && found < max) {
        unsigned char c = (unsigned char)text.ptr[i];
        if (!kt_cred_start_bytes[c] || !kt_cred_start_boundary(text, i)) {
            i++;
            continue;
        }
        /* Most candidates are ordinary words ("api", "accounts"): no token is shorter than
         * TOKEN_MIN_LEN bytes of token characters, so a shorter run is skipped whole. */
        size_t run = 0;
        while (i + run < text.len && run < TOKEN_MIN_LEN &&
               kt_cred_token_byte((unsigned char)text.ptr[i + run])) {
            run++;
        }
        if (run < TOKEN_MIN_LEN) {
            i += run;
            continue;
        }
        struct kt_str rest = kt_str_make(text.ptr + i, text.len - i);
        size_t n = (jwt && c == 'e') ? kt_cred_jwt_extent(rest) : 0;
        if (n == 0) {
            n = kt_cred_family_extent(rest);
        }
        if (n == 0) {
            i++;
            continue;
        }
        out[found].kind = KT_CAND_TOKEN;
        out[found].value = kt_str_make(text.ptr + i, n);
        found++;
        i += n;
    }
    return found;
}

size_t kt_cred_find_in_text(struct kt_str text, struct kt_cand *out, size_t max)
{
    return find_tokens(text, out, max, true);
}

struct outbuf {
    char *buf;
    size_t cap;
    size_t len;
    bool full;
};

/* Appends n bytes; when they do not fit, appends what fits without splitting UTF-8. */
static void out_add(struct outbuf *ob, const char *p, size_t n)
{
    if (ob->full) {
        return;
    }
    size_t room = ob->cap - 1 - ob->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80) {
            n--;
        }
        ob->full = true;
    }
    if (n > 0) {
        memcpy(ob->buf + ob->len, p, n);
        ob->len += n;
    }
}

static size_t redact(struct kt_str text, char *out, size_t cap, bool jwt)
{
    if (out == NULL || cap == 0) {
        return 0;
    }
    struct outbuf ob = {out, cap, 0, false};
    struct kt_cand cands[REDACT_BATCH];
    size_t pos = 0;
    if (text.ptr == NULL) {
        text.len = 0;
    }
    while (pos < text.len && !ob.full) {
        struct kt_str rest = kt_str_make(text.ptr + pos, text.len - pos);
        size_t n = find_tokens(rest, cands, REDACT_BATCH, jwt);
        for (size_t k = 0; k < n; k++) {
            size_t start = (size_t)(cands[k].value.ptr - text.ptr);
            out_add(&ob, text.ptr + pos, start - pos);
            struct kt_cred cred;
            if (kt_cred_recognise(&cands[k], &cred)) {
                out_add(&ob, cred.hint, strlen(cred.hint));
            } else {
                out_add(&ob, KT_ELLIPSIS, sizeof(KT_ELLIPSIS) - 1);
            }
            pos = start + cands[k].value.len;
        }
        if (n < REDACT_BATCH) {
            out_add(&ob, text.ptr + pos, text.len - pos);
            pos = text.len;
        }
    }
    out[ob.len] = '\0';
    return ob.len;
}

size_t kt_cred_redact(struct kt_str text, char *out, size_t cap)
{
    return redact(text, out, cap, true);
}

size_t kt_cred_redact_families(struct kt_str text, char *out, size_t cap)
{
    return redact(text, out, cap, false);
}
