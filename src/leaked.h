/*
 * Keys the user declares leaked (--leaked FILE): every use after the leak is critical. The same
 * list, with a required time, holds the keys the user rotated (--rotated FILE).
 *
 * The file holds one credential per line — a key id (kt1-...), or the token itself (a bare
 * token or a whole Authorization value, fingerprinted on load and then wiped) — optionally
 * followed, after a space or a tab, by the time of the leak: "2026-11-02" (midnight UTC),
 * "2026-11-02T14:00Z", "2026-11-02T14:00:00Z" (RFC 3339, any offset) or "2026-11-02 14:00"
 * (UTC). Without a time, every use counts. Blank lines and '#' comments are ignored. Anything
 * else (a time in another form, words after the time, a comma instead of a space, a quoted
 * value, a malformed kt1- id) is an error naming the file and line, never the line's content.
 */
#ifndef KEYTRAIL_LEAKED_H
#define KEYTRAIL_LEAKED_H

#include <keytrail/credential.h>
#include <keytrail/error.h>

struct kt_leaked;

/*
 * Loads path. Returns KT_OK and *out (free with kt_leaked_free); KT_EOPEN or KT_EIO naming the
 * file; KT_EPARSE or KT_ELIMIT (a line over 17 KiB) naming the file and line, never its
 * content; KT_ENOMEM.
 */
enum kt_rc kt_leaked_load(struct kt_leaked **out, const char *path, struct kt_err *err);

/* Same from buf[0, len) (not modified, not wiped: the caller owns it), reported as name. */
enum kt_rc kt_leaked_load_buffer(struct kt_leaked **out, const char *name, const char *buf,
                                 size_t len, struct kt_err *err);
void kt_leaked_free(struct kt_leaked *l);

/*
 * Keys the user has rotated (--rotated FILE): the same lines, but the time, the rotation's, is
 * required; a line without one is an error naming the file and line. The list is a kt_leaked:
 * kt_leaked_lookup gives a key's rotation time. Same returns as kt_leaked_load.
 */
enum kt_rc kt_rotated_load(struct kt_leaked **out, const char *path, struct kt_err *err);
enum kt_rc kt_rotated_load_buffer(struct kt_leaked **out, const char *name, const char *buf,
                                  size_t len, struct kt_err *err);

/* Whether key was declared leaked; *leak_ms gets the leak time (KT_TIME_NONE: unknown, every
 * use counts). l may be NULL. */
bool kt_leaked_lookup(const struct kt_leaked *l, const struct kt_keyid *key, int64_t *leak_ms);

size_t kt_leaked_count(const struct kt_leaked *l);

#endif
