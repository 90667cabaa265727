/*
 * Keys the user declares leaked (--leaked FILE): every use after the leak is critical.
 *
 * The file holds one credential per line — a key id (kt1-...), or the token itself (a bare
 * token or a whole Authorization value, fingerprinted on load and then wiped) — optionally
 * followed by the time of the leak as the last field (RFC 3339 or a date). Without a time,
 * every use counts. Blank lines and '#' comments are ignored.
 */
#ifndef KEYTRAIL_LEAKED_H
#define KEYTRAIL_LEAKED_H

#include <keytrail/credential.h>
#include <keytrail/error.h>

struct kt_leaked;

/* Loads path. Errors (KT_EOPEN, KT_EPARSE) name the file and line, never its content. */
enum kt_rc kt_leaked_load(struct kt_leaked **out, const char *path, struct kt_err *err);
void kt_leaked_free(struct kt_leaked *l);

/* Whether key was declared leaked; *leak_ms gets the leak time (KT_TIME_NONE: unknown, every
 * use counts). l may be NULL. */
bool kt_leaked_lookup(const struct kt_leaked *l, const struct kt_keyid *key, int64_t *leak_ms);

size_t kt_leaked_count(const struct kt_leaked *l);

#endif
