/*
 * JWT HMAC signature checks against the issuers' secrets (scan --jwt-secret FILE).
 *
 * The file has one `iss secret` pair a line (blank lines and `#` comments skipped; an issuer
 * may be listed more than once while its secret rotates: any of its secrets verifies). Like
 * ssh with a private key, the file is refused when it is not a regular file or when its group
 * or others may read or write it. Every secret (12 bytes or more) is registered with the
 * redactor as it is loaded (kt_redact_note_secret, each suffix, so any 12 bytes of it are
 * found), so it never appears in any output, and is wiped when freed.
 *
 * A token whose iss is listed is verified: HS256, HS384 and HS512 with OpenSSL's HMAC over
 * "header.payload", compared with the decoded signature in constant time (CRYPTO_memcmp). A
 * match sets KT_CRED_SIG_OK; a mismatch, an unsigned token (alg none) or any other algorithm
 * sets KT_CRED_SIG_BAD — the issuer signs with an HMAC secret, so nothing else is its token.
 * Tokens of other issuers are left alone. Results are remembered by token id in a small
 * direct-mapped memo, so a token used a thousand times is verified once.
 */
#ifndef KEYTRAIL_JWT_VERIFY_H
#define KEYTRAIL_JWT_VERIFY_H

#include <keytrail/credential.h>
#include <keytrail/error.h>

#define KT_JWT_SECRETS_MAX 4096 /* lines with a secret */
#define KT_JWT_SECRET_FILE_MAX (1u << 20)

struct kt_jwt_keys;

/*
 * Loads the secrets file. KT_OK; KT_EOPEN when it cannot be opened or is not a regular file,
 * KT_EUSAGE when group or others may access it, KT_EPARSE for a line without a secret,
 * KT_ELIMIT past the caps, KT_EIO, KT_ENOMEM — err names the file (and line). Never puts a
 * secret into err.
 */
enum kt_rc kt_jwt_keys_load(struct kt_jwt_keys **out, const char *path, struct kt_err *err);

/* Same from a buffer (tests); no file mode check. */
enum kt_rc kt_jwt_keys_parse(struct kt_jwt_keys **out, const char *name, const char *buf,
                             size_t len, struct kt_err *err);

/* Wipes the secrets and frees; NULL is fine. */
void kt_jwt_keys_free(struct kt_jwt_keys *k);

/* Number of secrets loaded. */
size_t kt_jwt_keys_count(const struct kt_jwt_keys *k);

/*
 * Checks the JWT c was recognised from. value is the candidate it came from (the token, or an
 * Authorization value holding it); the token inside is found by c->token. Sets KT_CRED_SIG_OK or
 * KT_CRED_SIG_BAD in c->flags when c's issuer is listed; otherwise leaves c alone. k NULL, or
 * c not a JWT: no-op.
 */
void kt_jwt_keys_check(struct kt_jwt_keys *k, struct kt_str value, struct kt_cred *c);

#endif
