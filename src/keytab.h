/*
 * Key-id table: maps a kt_keyid to a 32-bit value (usually an index into the caller's array).
 *
 * Open addressing with linear probing over a power-of-two array that doubles at 70 % load.
 * Key ids are SHA-256 derived, but tokens in logs are chosen by whoever wrote the log line, so
 * slots are picked by a seeded SipHash of the id, not by its raw bytes.
 *
 * Deletion shifts the entries that follow the hole back towards their home slots (backward
 * shift), so there are no tombstones: a table whose keys churn (an engine evicting keys at its
 * cap) keeps probe lengths of a table that only ever held its live keys, and never grows past
 * what its live keys need. A slot is 20 bytes; at 35..70 % load that is 29..57 bytes per key.
 */
#ifndef KEYTRAIL_KEYTAB_H
#define KEYTRAIL_KEYTAB_H

#include <keytrail/credential.h>
#include <keytrail/error.h>

struct kt_keytab {
    struct kt_keytab_slot *slots;
    size_t cap;   /* power of two, or 0 before the first insert */
    size_t count;
};

void kt_keytab_init(struct kt_keytab *t);
void kt_keytab_fini(struct kt_keytab *t);

/* Looks id up; returns true and sets *value when present. */
bool kt_keytab_get(const struct kt_keytab *t, const struct kt_keyid *id, uint32_t *value);

/*
 * Finds id or inserts it with value `fresh`. *value gets the stored value; *inserted says
 * which happened. Returns KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_keytab_upsert(struct kt_keytab *t, const struct kt_keyid *id, uint32_t fresh,
                            uint32_t *value, bool *inserted);

/*
 * Removes id. Returns true and sets *value (when value is not NULL) to the value it had, or
 * false when id was absent. Never allocates; values of other ids are unchanged.
 */
bool kt_keytab_del(struct kt_keytab *t, const struct kt_keyid *id, uint32_t *value);

/* Replaces the value of id; returns false when id is absent. */
bool kt_keytab_set(struct kt_keytab *t, const struct kt_keyid *id, uint32_t value);

static inline size_t kt_keytab_count(const struct kt_keytab *t)
{
    return t->count;
}

#endif
