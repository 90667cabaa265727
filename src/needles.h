/*
 * Needles: the byte strings whose presence a record must show before a hunt parses it.
 *
 * Hunting a few keys is a filter: a record that contains none of the forms a hunted key can
 * take in a log cannot be a use of it, so it is skipped before any parsing. The forms of one
 * token are its literal bytes, its base64 inside a Basic Authorization header (three
 * alignments, after any "user:" prefix), and GitHub's hashed_token (base64 of its SHA-256);
 * an AWS access key id or a hashed_token is its literal. A key with no literal form (a JWT
 * principal, whose every token differs; a keytrail key id) makes the set pass everything or
 * adds the weaker form every JWT has.
 *
 * Needles may be secret (a token's bytes): they are wiped when the set is freed. The set may
 * grow during a run (credential chaining adds the keys the other party created); its
 * generation counts the changes, so work filtered with an older set can be redone.
 */
#ifndef KEYTRAIL_NEEDLES_H
#define KEYTRAIL_NEEDLES_H

#include <keytrail/common.h>

struct kt_needles;

/* NULL when out of memory. */
struct kt_needles *kt_needles_new(void);
/* Wipes and frees; NULL is allowed. */
void kt_needles_free(struct kt_needles *n);

/* Adds one literal needle (copied). Needles shorter than 4 bytes are refused (false): they
 * would match nearly everything. False also when out of memory. */
bool kt_needles_add(struct kt_needles *n, struct kt_str needle);

/* Adds every form of a token (literal, Basic base64 alignments, hashed_token). */
bool kt_needles_add_token(struct kt_needles *n, struct kt_str token);

/* Makes the set pass every record (a key that has no literal form). */
void kt_needles_pass_all(struct kt_needles *n);
bool kt_needles_passes_all(const struct kt_needles *n);

/* Whether buf[0, len) contains at least one needle (always true with pass_all). */
bool kt_needles_any(const struct kt_needles *n, const void *buf, size_t len);

/* The longest needle's length (0 when none): a caller scanning a stream in chunks keeps this
 * many bytes minus one of each chunk's end in front of the next, so no needle is split. */
size_t kt_needles_max_len(const struct kt_needles *n);

/* Bumped by every add that changes the set and by pass_all. */
uint32_t kt_needles_generation(const struct kt_needles *n);

#endif
