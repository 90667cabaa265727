/*
 * The token that starts at a byte (token.h): a JWT if the text starts "eyJ" (no family prefix
 * starts with 'e', so the two never compete), else the first family row whose prefix and body
 * fit. Recognition (cred_text.c) asks in strict mode, the redactor (redact.c) in liberal mode;
 * both get their lengths from here.
 */
#include "token.h"

size_t kt_tok_at(struct kt_str s, enum kt_tok_mode mode, bool jwt, struct kt_tok *tok)
{
    struct kt_tok found = {KT_TOK_NONE, NULL};
    size_t n = 0;
    if (s.len > 0 && s.ptr[0] == 'e') {
        n = jwt ? kt_tok_jwt_extent(s, mode) : 0;
        found.kind = n > 0 ? KT_TOK_JWT : KT_TOK_NONE;
    } else {
        n = kt_tok_family_extent(s, mode, &found.row);
        found.kind = n > 0 ? KT_TOK_FAMILY : KT_TOK_NONE;
    }
    if (tok != NULL) {
        *tok = found;
    }
    return n;
}
