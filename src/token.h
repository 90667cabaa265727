/*
 * What a token looks like: the one definition credential recognition (cred_text.c, cred_*.c)
 * and the redactor (redact.c) both read, so the two cannot disagree about where a token starts
 * and ends. A secret the recogniser keys but the redactor cuts shorter would be printed in part.
 *
 *   token_class.c   which bytes a token, a secret, a word or base64url is made of (one table)
 *   token_family.c  the table of prefixed families: prefix, body alphabet, length, check
 *   token_jwt.c     the compact JWS shape: three base64url segments, a header naming "alg"
 *   token_at.c      the token that starts at a given byte, and its length
 *   token_entropy.c kt_entropy_bits (declared in credential.h): how random a body looks
 *
 * A token's extent has two modes. KT_TOK_STRICT is recognition's: a token must end on a
 * boundary (no word byte after it), so a prefix inside a longer word is not keyed.
 * KT_TOK_LIBERAL is the redactor's: whatever touches it, the token is found. Where both find a
 * token they give the same length (tests/test_token.c holds them to it).
 *
 * This layer calls no credential module and nothing above it: it is the bottom of both
 * recognition and redaction.
 */
#ifndef KEYTRAIL_TOKEN_H
#define KEYTRAIL_TOKEN_H

#include <keytrail/credential.h>

/* ---- bytes (token_class.c) ---- */

enum kt_tok_class {
    KT_TOK_WORD = 1u << 0,   /* [A-Za-z0-9_]: continues a word; no token starts or ends by one */
    KT_TOK_BYTE = 1u << 1,   /* [A-Za-z0-9_.-]: may be inside a family token or a JWT */
    KT_TOK_SECRET = 1u << 2, /* [A-Za-z0-9._~+/=-]: may be inside any secret (base64 too) */
    KT_TOK_ALNUM = 1u << 3,  /* [A-Za-z0-9] */
    KT_TOK_B64URL = 1u << 4, /* [A-Za-z0-9_-]: a JWT segment */
    KT_TOK_HEX = 1u << 5,    /* [0-9A-Fa-f] */
    KT_TOK_START = 1u << 6,  /* first byte of a family prefix or of "eyJ" (a JWT) */
};

extern const uint8_t kt_tok_class[256];

static inline bool kt_tok_is(unsigned char c, unsigned cls)
{
    return (kt_tok_class[c] & cls) != 0;
}

/* The shortest token of any family or JWT: a Slack "xoxb-" prefix and 10 characters. */
#define KT_TOK_MIN_LEN 15

/* A token may start at s.ptr[i] only on a boundary: start of text, after a non-word byte, or
 * after a %XX escape ("%2Fghp_..."). Strict scanning asks this; liberal scanning does not. */
bool kt_tok_start_boundary(struct kt_str s, size_t i);

/* ---- families (token_family.c) ---- */

/* Body alphabets; a row's charset is an or of these. */
enum kt_tok_charset {
    KT_TOK_CC_UPPER = 1u << 0, /* A-Z */
    KT_TOK_CC_LOWER = 1u << 1, /* a-z */
    KT_TOK_CC_DIGIT = 1u << 2, /* 0-9 */
    KT_TOK_CC_DASH = 1u << 3,  /* - */
    KT_TOK_CC_UNDER = 1u << 4, /* _ */
    KT_TOK_CC_DOT = 1u << 5,   /* . */
    KT_TOK_CC_B32 = 1u << 6,   /* A-Z 2-7 (RFC 4648 base32) */
    KT_TOK_CC_HEXL = 1u << 7,  /* 0-9 a-f */
    KT_TOK_CC_HEX = 1u << 8,   /* 0-9 a-f A-F */
};

enum kt_tok_row_flags {
    KT_TOK_ROW_AWS = 1u << 0,      /* AWS access key id: public, keyed and shown differently */
    KT_TOK_ROW_CHECKSUM = 1u << 1, /* check() verifies an embedded checksum */
};

/* One prefixed family: what its tokens look like, and what recognition calls them. */
struct kt_tok_family {
    const char *prefix;
    uint8_t plen;
    enum kt_family family;
    const char *kind;
    unsigned charset;  /* enum kt_tok_charset: allowed in the body */
    uint16_t min, max; /* body length range */
    bool (*check)(struct kt_str body);
    uint32_t cred_flags; /* enum kt_cred_flag set on every match */
    uint32_t row_flags;  /* enum kt_tok_row_flags */
};

/* The table, in the order rows are tried (a longer prefix before a shorter one it starts with). */
extern const struct kt_tok_family kt_tok_families[];
extern const size_t kt_tok_n_families;

/* Whether every byte of s is in charset (enum kt_tok_charset). */
bool kt_tok_in_charset(struct kt_str s, unsigned charset);

/* The row s is exactly a token of (prefix and a body that passes the row's checks), or NULL. */
const struct kt_tok_family *kt_tok_family_whole(struct kt_str s);

/* Whether some family's prefix begins with c0 c1 (a faster first test than one byte). */
bool kt_tok_may_start_pair(unsigned char c0, unsigned char c1);

/* ---- JWTs (token_jwt.c) ---- */

struct kt_tok_jwt_parts {
    struct kt_str header, payload, signature;
};

/* Splits s, which must be exactly a JWT, into its three base64url segments (the first starting
 * "eyJ", base64 of '{"'); false if s has not that shape. Nothing is decoded. */
bool kt_tok_jwt_split(struct kt_str s, struct kt_tok_jwt_parts *parts);

/* ---- the token at a byte (token_at.c) ---- */

enum kt_tok_mode {
    KT_TOK_STRICT,  /* recognition: the token must end on a boundary */
    KT_TOK_LIBERAL, /* the redactor: whatever follows it */
};

enum kt_tok_kind {
    KT_TOK_NONE = 0,
    KT_TOK_FAMILY, /* a prefixed family's token or an AWS key id; row says which */
    KT_TOK_JWT,
};

struct kt_tok {
    enum kt_tok_kind kind;
    const struct kt_tok_family *row; /* KT_TOK_FAMILY only */
};

/*
 * Length of the token that starts at s.ptr (s runs to the end of the text), 0 if none; tok, when
 * not NULL, gets its kind. jwt says whether JWTs count (the families-only redaction leaves them).
 * A prefixed token is cut at its family's longest length, and a '.' ending a sentence after it
 * is left out; a JWT's header must decode to an object naming "alg".
 */
size_t kt_tok_at(struct kt_str s, enum kt_tok_mode mode, bool jwt, struct kt_tok *tok);

/* Family extent alone (kt_tok_at without JWTs); row, when not NULL, gets the row. */
size_t kt_tok_family_extent(struct kt_str s, enum kt_tok_mode mode,
                            const struct kt_tok_family **row);

/* JWT extent alone (kt_tok_at for a text that starts "eyJ"). */
size_t kt_tok_jwt_extent(struct kt_str s, enum kt_tok_mode mode);

/* Cheap first test at d[0] (avail bytes left) before kt_tok_at: false where no token can start. */
static inline bool kt_tok_may_begin(const char *d, size_t avail, bool jwt)
{
    unsigned char c = (unsigned char)d[0];
    return avail >= KT_TOK_MIN_LEN && kt_tok_is(c, KT_TOK_START) &&
           (kt_tok_may_start_pair(c, (unsigned char)d[1]) || (jwt && c == 'e' && d[1] == 'y'));
}

#endif
