/*
 * The redactor's entry points (redact.h) with recognition's own hints: a family token is shown
 * as its family's hint ("ghp_…Ab12"), a JWT by what it claims ("jwt iss=… sub=…"). The engine
 * that finds what to hide is redact.c; it asks for hints through kt_redact_how (redact_int.h),
 * so JWT decoding, which itself redacts the claims it shows (families only, redact.c), is above
 * the engine and not in a loop with it.
 */
#include "cred_internal.h"
#include "redact_int.h"

static bool recognised_hint(enum kt_tok_kind kind, struct kt_str tok, struct kt_cred *out)
{
    switch (kind) {
    case KT_TOK_FAMILY: return kt_cred_match_family(tok, out);
    case KT_TOK_JWT: return kt_cred_match_jwt(tok, out);
    case KT_TOK_NONE: break;
    }
    return false;
}

static const struct kt_redact_how as_text = {.hint = recognised_hint};
static const struct kt_redact_how as_name = {.hint = recognised_hint, .escape = true};

size_t kt_redact_text(struct kt_str text, char *out, size_t cap)
{
    return kt_redact_fixed(text, out, cap, &as_text);
}

size_t kt_redact_name(struct kt_str text, char *out, size_t cap)
{
    return kt_redact_fixed(text, out, cap, &as_name);
}

const char *kt_redact_name_cstr(const char *s, char *out, size_t cap)
{
    kt_redact_name(kt_str_cstr(s), out, cap);
    return out;
}

bool kt_redact_append(struct kt_rbuf *rb, struct kt_str text)
{
    return kt_redact_append_how(rb, text, &as_text);
}
