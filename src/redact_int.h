/*
 * Between the redactor's engine (redact.c) and its entry points with JWT hints
 * (redact_hints.c). Not for other layers: they use redact.h.
 *
 * The engine finds spans and writes replacements; the hint a family token or a JWT gets comes
 * from the caller. So the engine needs no JWT decoding, and JWT decoding (cred_jwt.c), which
 * redacts the claims it shows through the families-only entry point, sits above the engine
 * rather than in a loop with it: cred_jwt -> cred_shown -> redact.c, and redact_hints.c ->
 * {redact.c, cred_jwt, cred_families}.
 */
#ifndef KEYTRAIL_REDACT_INT_H
#define KEYTRAIL_REDACT_INT_H

#include "redact.h"
#include "token.h"

/* Fills out with the hint of the token tok (of the given kind); false for none ("…" then). */
typedef bool (*kt_redact_hint_fn)(enum kt_tok_kind kind, struct kt_str tok, struct kt_cred *out);

/* How one call redacts. */
struct kt_redact_how {
    kt_redact_hint_fn hint;
    bool escape;        /* control bytes and invalid UTF-8 as \xHH (names) */
    bool families_only; /* no JWTs, remembered secrets or entropy (kt_redact_families) */
};

/* kt_redact_text() and kt_redact_append() under how. */
size_t kt_redact_fixed(struct kt_str text, char *out, size_t cap, const struct kt_redact_how *how);
bool kt_redact_append_how(struct kt_rbuf *rb, struct kt_str text, const struct kt_redact_how *how);

#endif
