/*
 * Credentials: what a token is (family), the stable id every output names it by (key id), and
 * the redacted form people see (hint).
 *
 * A raw token exists only in the record being processed. Recognition reads it, derives the key
 * id and hint, and forgets it; struct kt_cred never holds secret bytes, so it may be cached,
 * stored and printed. Non-secret identifiers providers log in full themselves (AWS access key
 * ids, JWT issuers and subjects, GitHub hashed_token) may appear in hints and claims.
 *
 * Key id derivation (stable across machines and versions; changing it is a breaking change):
 *
 *     key id = "kt1-" + hex(first 12 bytes of SHA-256("keytrail-key-v1" 0x00 DOMAIN 0x00 DATA))
 *
 *     opaque secret tokens    DOMAIN "secret"  DATA = SHA-256(token)   (so GitHub's hashed_token,
 *                                                                       base64(SHA-256(token)),
 *                                                                       gives the same id)
 *     AWS access key ids      DOMAIN "aws"     DATA = the key id (AKIA.../ASIA...)
 *     Basic auth              DOMAIN "basic"   DATA = the user name (the password is never used)
 *     JWT principal           DOMAIN "jwt"     DATA = iss 0x00 sub   (or iss 0x00 client_id/azp)
 *     JWT issuer only         DOMAIN "jwt"     DATA = iss 0x00       (no sub, azp or client_id:
 *                                                                       the Zoom-style API JWT,
 *                                                                       whose iss is the API key;
 *                                                                       kid stays an attribute)
 *     JWT individual token    DOMAIN "secret"  DATA = SHA-256(token)   (the secondary id)
 */
#ifndef KEYTRAIL_CREDENTIAL_H
#define KEYTRAIL_CREDENTIAL_H

#include <keytrail/common.h>

/* Families are append-only: their names appear in state files. */
enum kt_family {
    KT_FAM_NONE = 0,
    KT_FAM_JWT,
    KT_FAM_AWS,
    KT_FAM_GITHUB,
    KT_FAM_GITLAB,
    KT_FAM_STRIPE,
    KT_FAM_SLACK,
    KT_FAM_GOOGLE,
    KT_FAM_OPENAI,
    KT_FAM_NPM,
    KT_FAM_SENDGRID,
    KT_FAM_TWILIO,
    KT_FAM_BASIC,
    KT_FAM_GENERIC,
    KT_FAM_ANTHROPIC,
    KT_FAM__COUNT
};

/* Lower-case stable name ("jwt", "aws", "github", ...); "none" for KT_FAM_NONE. */
const char *kt_family_name(enum kt_family fam);
/* Inverse of kt_family_name; KT_FAM_NONE when unknown. */
enum kt_family kt_family_from_name(struct kt_str name);

#define KT_KEYID_BYTES 12
#define KT_KEYID_STRLEN 28 /* "kt1-" + 24 hex digits */

struct kt_keyid {
    uint8_t b[KT_KEYID_BYTES];
};

/* Writes the printable key id and a NUL into out. */
void kt_keyid_format(const struct kt_keyid *id, char out[KT_KEYID_STRLEN + 1]);
/* Parses a printable key id; returns false if s is not one. */
bool kt_keyid_parse(struct kt_str s, struct kt_keyid *out);
static inline bool kt_keyid_eq(const struct kt_keyid *a, const struct kt_keyid *b)
{
    return memcmp(a->b, b->b, KT_KEYID_BYTES) == 0;
}

enum kt_cred_flag {
    KT_CRED_TEST = 1u << 0,        /* a test or sandbox key (sk_test_, pk_test_, rk_test_) */
    KT_CRED_PUBLISHABLE = 1u << 1, /* meant to be public (pk_live_, pk_test_) */
    KT_CRED_TEMPORARY = 1u << 2,   /* AWS ASIA session credentials */
    KT_CRED_CHECKSUM_OK = 1u << 3, /* the token's embedded checksum was verified */
    KT_CRED_FROM_HASH = 1u << 4,   /* seen only as a provider's hash (GitHub hashed_token) */
    KT_CRED_ALG_NONE = 1u << 5,    /* JWT with alg "none": unsigned */
    KT_CRED_JWT_BY_TOKEN = 1u << 6, /* JWT without iss/sub: keyed by the token itself */
    KT_CRED_SIG_OK = 1u << 7,       /* JWT HMAC signature verified with --jwt-secret */
    KT_CRED_SIG_BAD = 1u << 8       /* JWT of a --jwt-secret issuer whose signature does not
                                       verify (or alg none / not HMAC): a forgery attempt */
};

/*
 * The stable name of one flag bit ("test", "publishable", "temporary", "checksum_ok",
 * "from_hash", "alg_none", "keyed_by_token", "signature_ok", "signature_bad"), as every output
 * spells it; NULL for a bit that is
 * not a flag. KT_CRED_FLAG_ALL lists every bit, for iterating.
 */
const char *kt_cred_flag_name(uint32_t bit);
#define KT_CRED_FLAG_ALL                                                                       \
    (KT_CRED_TEST | KT_CRED_PUBLISHABLE | KT_CRED_TEMPORARY | KT_CRED_CHECKSUM_OK |           \
     KT_CRED_FROM_HASH | KT_CRED_ALG_NONE | KT_CRED_JWT_BY_TOKEN | KT_CRED_SIG_OK |            \
     KT_CRED_SIG_BAD)

/* Non-secret JWT header fields and claims. Strings are NUL-terminated, truncated if longer. */
struct kt_jwt_info {
    char alg[16];
    char typ[16];
    char kid[64];
    char iss[128];
    char sub[128];
    char aud[128]; /* first audience when aud is an array */
    char azp[96];  /* azp, or client_id when azp is absent */
    char jti[64];
    int64_t exp; /* seconds since the epoch, KT_TIME_NONE when absent */
    int64_t iat;
    int64_t nbf;
};

#define KT_HINT_MAX 96

/* A recognised credential. Holds no secret bytes. */
struct kt_cred {
    enum kt_family family;
    uint32_t flags;        /* enum kt_cred_flag */
    char kind[24];         /* subtype: "ghp", "github_pat", "sk_live", "AKIA", "xoxb", "bearer"... */
    struct kt_keyid key;   /* the id every output names this credential by */
    struct kt_keyid token; /* the individual token (JWT); equal to key for other families */
    char hint[KT_HINT_MAX];
    char account[16];      /* AWS account id decoded from the key id; "" when unknown */
    struct kt_jwt_info jwt; /* meaningful only when family == KT_FAM_JWT */
};

/* Where a candidate value came from, which decides how it is read and how strict to be. */
enum kt_cand_kind {
    KT_CAND_AUTHORIZATION = 0, /* an Authorization header value, scheme included */
    KT_CAND_TOKEN,             /* a bare token from a credential-named header, param or field */
    KT_CAND_TOKEN_WEAK,        /* a bare token from a loosely named param ("key", "token", "auth"):
                                  generic tokens need stronger evidence of randomness */
    KT_CAND_AWS_KEY_ID,        /* an access key id a provider logged (CloudTrail accessKeyId) */
    KT_CAND_HASHED_TOKEN,      /* GitHub audit log hashed_token: base64(SHA-256(token)) */
    KT_CAND_BASIC_USER,        /* a user name the server logged after Basic auth (Apache %u) */
    KT_CAND_EXPLICIT,          /* a token the user typed (keytrail fingerprint): any non-empty
                                  value is accepted, as a generic token if nothing else fits */
    KT_CAND__COUNT
};

/* A value that may be a credential. value is a view into the current record. */
struct kt_cand {
    enum kt_cand_kind kind;
    struct kt_str value;
};

/*
 * Recognises cand. On success fills *out (family, flags, kind, key, token, hint, account, jwt)
 * and returns true. Returns false when the value is not a credential (too short, low entropy,
 * look-alike with a bad checksum, malformed header...). Never retains or copies the value
 * outside the call; scratch copies are wiped.
 */
bool kt_cred_recognise(const struct kt_cand *cand, struct kt_cred *out);

/*
 * The key id of the JWT issuer iss on its own (DOMAIN "jwt", DATA = iss 0x00): the key every
 * token carrying only that iss is filed under (`keytrail fingerprint --jwt-iss`). Returns false
 * for an empty iss.
 */
bool kt_cred_jwt_issuer_key(struct kt_str iss, struct kt_keyid *out);

/* Shannon entropy of s in bits per byte (0 for an empty string). */
double kt_entropy_bits(struct kt_str s);

/*
 * Finds credential candidates in a URL query string (without the leading '?'): parameters with
 * credential names (api_key, apikey, access_token, token, key, auth, private_token, ...) and
 * AWS presigned X-Amz-Credential. Values are percent-decoded into scratch (which must hold at
 * least query.len bytes); out[i].value points into scratch or query. Returns the number of
 * candidates written (at most max).
 */
size_t kt_cred_find_in_query(struct kt_str query, struct kt_cand *out, size_t max,
                             char *scratch, size_t scratch_cap);

/*
 * Finds tokens of prefixed families and JWTs embedded in free text (URL paths, user agents).
 * Writes up to max candidates (kind KT_CAND_TOKEN, views into text); returns how many.
 */
size_t kt_cred_find_in_text(struct kt_str text, struct kt_cand *out, size_t max);

/*
 * Copies text into out (capacity cap > 0, always NUL-terminated, truncated if needed) with
 * every embedded token kt_cred_find_in_text would find replaced by its hint. Returns the
 * length written. Used for every free-text field that leaves the process.
 */
size_t kt_cred_redact(struct kt_str text, char *out, size_t cap);

#endif
