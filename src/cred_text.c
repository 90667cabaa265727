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
 * Extents come from token.h (kt_tok_at in strict mode). Redaction itself lives in redact.c,
 * which asks the same function in liberal mode (whatever touches a token), so where both find
 * a token they agree on its length; this scanner is the strict one that decides what is keyed.
 */
#include "cred_internal.h"
#include "redact.h"
#include "token.h"

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
        if (!kt_tok_is(c, KT_TOK_START) || !kt_tok_start_boundary(text, i)) {
            i++;
            continue;
        }
        /* Most candidates are ordinary words ("api", "accounts"): no token is shorter than
         * KT_TOK_MIN_LEN bytes of token characters, so a shorter run is skipped whole. */
        size_t run = 0;
        while (i + run < text.len && run < KT_TOK_MIN_LEN &&
               kt_tok_is((unsigned char)text.ptr[i + run], KT_TOK_BYTE)) {
            run++;
        }
        if (run < KT_TOK_MIN_LEN) {
            i += run;
            continue;
        }
        struct kt_str rest = kt_str_make(text.ptr + i, text.len - i);
        size_t n = kt_tok_at(rest, KT_TOK_STRICT, jwt, NULL);
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

size_t kt_cred_redact(struct kt_str text, char *out, size_t cap)
{
    return kt_redact_text(text, out, cap);
}
