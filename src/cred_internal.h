/*
 * Internal interface between the credential modules (src/cred_*.c). Not for other layers: they
 * use include/keytrail/credential.h and src/cred_cache.h.
 *
 * Split by concept:
 *   cred_keyid.c     key id derivation (SHA-256 via OpenSSL EVP), printing, parsing, family names
 *   cred_families.c  what a prefixed family's token or an AWS key id is as a credential
 *   cred_generic.c   entropy and the rules for unprefixed ("generic") secret tokens
 *   cred_jwt.c       JWT header and claims decoding (json-c)
 *   cred_hint.c      hint text building and sanitising of copied strings
 *   cred_shown.c     copies of shown strings (claims, user names) with tokens redacted
 *   cred_auth.c      Authorization header schemes, Basic credentials, kt_cred_recognise()
 *   cred_query.c     credential parameters in URL query strings
 *   cred_text.c      tokens embedded in free text, and redaction
 *   cred_cache.c     the recognition cache keyed by SipHash
 * What a token looks like (its bytes, where it starts and ends, its family's prefix and body) is
 * token.h, below all of these and shared with the redactor.
 *
 * Calls go one way, down this list read from the bottom: cache -> auth -> {jwt, families,
 * generic, shown, hint, keyid}; text -> {token, redact_hints.c}; redact_hints.c -> {jwt,
 * families, redact.c}; jwt -> {token, families, shown, hint, keyid}; shown -> {hint, redact.c};
 * redact.c -> {token, families, generic}; families -> {token, hint, keyid}; generic -> {token,
 * hint, keyid}; hint and keyid call no other credential module, token (token.h) none at all.
 */
#ifndef KEYTRAIL_CRED_INTERNAL_H
#define KEYTRAIL_CRED_INTERNAL_H

#include <keytrail/credential.h>

#define KT_SHA256_LEN 32

/* Longest value recognise() looks at; longer values are not credentials (documented cap). */
#define KT_CRED_VALUE_MAX 16384

/* ---- key ids (cred_keyid.c) ---- */

/* SHA-256 of data into md. Returns false only if OpenSSL fails. */
bool kt_cred_sha256(const void *data, size_t len, uint8_t md[KT_SHA256_LEN]);

/*
 * Key id of (domain, data parts): SHA-256("keytrail-key-v1" 0 domain 0 part[0] part[1]...)
 * truncated. Parts are concatenated as given (callers insert their own separators).
 */
bool kt_cred_keyid_derive(const char *domain, const struct kt_str *parts, size_t nparts,
                          struct kt_keyid *out);

/* Secret-domain key id of a token: derive("secret", SHA-256(token)). */
bool kt_cred_keyid_secret(struct kt_str token, struct kt_keyid *out);

/* Secret-domain key id from an already computed SHA-256 of the token. */
bool kt_cred_keyid_secret_digest(const uint8_t md[KT_SHA256_LEN], struct kt_keyid *out);

/* ---- hints and copies (cred_hint.c) ---- */

/* "…" (U+2026) in UTF-8. */
#define KT_ELLIPSIS "\xe2\x80\xa6"

/* A bounded string builder over a caller's buffer; always NUL-terminated. */
struct kt_hintbuf {
    char *buf;
    size_t cap; /* > 0 */
    size_t len;
    bool truncated;
};

void kt_hintbuf_init(struct kt_hintbuf *hb, char *buf, size_t cap);
/* Appends printable text; control bytes become '?'. Sets truncated when it does not fit. */
void kt_hintbuf_add(struct kt_hintbuf *hb, struct kt_str s);
void kt_hintbuf_add_cstr(struct kt_hintbuf *hb, const char *s);
/* If anything was cut, ends the text with "…" (cutting at a UTF-8 boundary to make room). */
void kt_hintbuf_finish(struct kt_hintbuf *hb);

/*
 * Copies s into dst (cap > 0) for display: control bytes become '?', truncation never splits a
 * UTF-8 sequence. Always NUL-terminated.
 */
void kt_cred_copy_clean(char *dst, size_t cap, struct kt_str s);

/* Writes "<prefix>…<last 4 of token>" (or "<prefix>…" when the token is shorter than 8). */
void kt_cred_hint_tail(char *dst, size_t cap, const char *prefix, struct kt_str token);

/* ---- families (cred_families.c) ---- */

/*
 * Recognises a prefixed-family token that is exactly s (no surrounding bytes), including AWS
 * access key ids. Fills family, flags, kind, key, token and hint of out (which the caller has
 * zeroed). Returns false if s is not one, or a look-alike with a bad checksum.
 */
bool kt_cred_match_family(struct kt_str s, struct kt_cred *out);

/*
 * Recognises an AWS access key id (AKIA/ASIA). strict requires the base32 alphabet after the
 * prefix; otherwise [A-Z0-9] is accepted (providers' logs and anonymised datasets hold such ids).
 */
bool kt_cred_match_aws(struct kt_str s, bool strict, struct kt_cred *out);

/* ---- generic tokens (cred_generic.c) ---- */

enum kt_generic_strength {
    KT_GENERIC_NORMAL, /* credential-named source: length >= 16, entropy >= 3.0 */
    KT_GENERIC_WEAK,   /* loosely named source: length >= 20, entropy >= 3.5 */
};

/* True if s reads as words, numbers and separators rather than random characters. */
bool kt_cred_all_wordy(struct kt_str s);

/* True if s looks like a random secret under the generic rules. */
bool kt_cred_generic_ok(struct kt_str s, enum kt_generic_strength strength);

/* Fills out as a generic secret token (family generic, the given kind, hint "…last4"). */
bool kt_cred_make_generic(struct kt_str s, const char *kind, struct kt_cred *out);

/* ---- JWT (cred_jwt.c) ---- */

/* Cheap structural test: three base64url segments, header starting "eyJ" (token_jwt.c). */
bool kt_cred_jwt_shape(struct kt_str s);

/* Decodes and recognises a JWT that is exactly s. */
bool kt_cred_match_jwt(struct kt_str s, struct kt_cred *out);

/* ---- shown strings (cred_shown.c) ---- */

/* Longest string kt_cred_copy_shown() produces (every claim buffer and hint is shorter). */
#define KT_SHOWN_MAX 256

/*
 * kt_cred_copy_clean() of s after replacing any prefixed-family token in it by its hint
 * (kt_redact_families: no JWTs, so decoding a JWT's claims never recurses): for non-secret
 * strings recognition shows (JWT claims, Basic user names) that might still hold a pasted
 * token. cap <= KT_SHOWN_MAX.
 */
void kt_cred_copy_shown(char *dst, size_t cap, struct kt_str s);

#endif
