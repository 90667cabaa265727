/*
 * The keys a hunt is given: --key values, the lines of --key-file, standard input (--key -)
 * and --jwt-iss issuers, turned into struct kt_hunt_target (hunt.h).
 *
 * A value is a keytrail key id (kt1-...), a GitHub hashed_token (base64 of 32 bytes), an AWS
 * access key id, or a token of any family. A token is fingerprinted and forgotten: the
 * redactor is told of it first, so no output of the run can show it, and the bytes read from a
 * file or stdin are wiped. Error messages name the file and line, never the value.
 */
#ifndef KEYTRAIL_HUNT_KEYS_H
#define KEYTRAIL_HUNT_KEYS_H

#include <keytrail/error.h>

#include "hunt.h"
#include "needles.h"

#define KT_HUNT_KEY_FILE_MAX (1u << 20) /* bytes of --key-file or standard input read */

/*
 * Reads one value into *out and adds its needles to nd (may be NULL): a token's forms, the
 * literal of an AWS key id or hashed_token, or pass-all for keys that have no literal form
 * (a key id, a JWT principal). Returns false when the value is empty, holds control bytes or is
 * not a credential.
 */
bool kt_hunt_key_parse(struct kt_str value, struct kt_hunt_target *out, struct kt_needles *nd);

/* The key of the JWTs whose issuer is iss (--jwt-iss). False for an empty issuer. */
bool kt_hunt_key_issuer(struct kt_str iss, struct kt_hunt_target *out, struct kt_needles *nd);

/*
 * Adds every key of text (one a line; blank lines and lines starting with '#' skipped) to h.
 * name is the file's name for messages. KT_OK with *added set; KT_EPARSE naming the line of
 * the first value that is no key (err filled; keys before it stay added); KT_ELIMIT when h is
 * full.
 */
enum kt_rc kt_hunt_keys_from_text(struct kt_hunt *h, struct kt_needles *nd, struct kt_str text,
                                  const char *name, size_t *added, struct kt_err *err);

/* The same from a file, or standard input for "-" (at most KT_HUNT_KEY_FILE_MAX bytes, wiped
 * after). KT_EOPEN/KT_EIO/KT_ELIMIT with err filled, or what kt_hunt_keys_from_text returns. */
enum kt_rc kt_hunt_keys_from_file(struct kt_hunt *h, struct kt_needles *nd, const char *path,
                                  size_t *added, struct kt_err *err);

#endif
