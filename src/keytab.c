/* Key-id table (keytab.h). */
#include "keytab.h"

#include <stdlib.h>

#include "hash.h"

struct kt_keytab_slot {
    struct kt_keyid id;
    uint32_t value;
    bool used;
};

void kt_keytab_init(struct kt_keytab *t)
{
    t->slots = NULL;
    t->cap = 0;
    t->count = 0;
}

void kt_keytab_fini(struct kt_keytab *t)
{
    if (t != NULL) {
        free(t->slots);
        kt_keytab_init(t);
    }
}

static size_t slot_of(const struct kt_keytab *t, const struct kt_keyid *id)
{
    return (size_t)kt_hash(id->b, KT_KEYID_BYTES) & (t->cap - 1);
}

/* The slot holding id, or SIZE_MAX. */
static size_t find(const struct kt_keytab *t, const struct kt_keyid *id)
{
    if (t->cap == 0) {
        return SIZE_MAX;
    }
    for (size_t i = slot_of(t, id);; i = (i + 1) & (t->cap - 1)) {
        const struct kt_keytab_slot *s = &t->slots[i];
        if (!s->used) {
            return SIZE_MAX;
        }
        if (kt_keyid_eq(&s->id, id)) {
            return i;
        }
    }
}

bool kt_keytab_get(const struct kt_keytab *t, const struct kt_keyid *id, uint32_t *value)
{
    size_t i = find(t, id);
    if (i == SIZE_MAX) {
        return false;
    }
    *value = t->slots[i].value;
    return true;
}

bool kt_keytab_set(struct kt_keytab *t, const struct kt_keyid *id, uint32_t value)
{
    size_t i = find(t, id);
    if (i == SIZE_MAX) {
        return false;
    }
    t->slots[i].value = value;
    return true;
}

bool kt_keytab_del(struct kt_keytab *t, const struct kt_keyid *id, uint32_t *value)
{
    size_t hole = find(t, id);
    if (hole == SIZE_MAX) {
        return false;
    }
    if (value != NULL) {
        *value = t->slots[hole].value;
    }
    size_t mask = t->cap - 1;
    /*
     * Walk the run after the hole. An entry whose home slot lies cyclically in (hole, j] is
     * reachable from its home without crossing the hole and stays; any other entry moves into
     * the hole, which moves to where it was. The run ends at the first empty slot.
     */
    for (size_t j = (hole + 1) & mask; t->slots[j].used; j = (j + 1) & mask) {
        size_t home = slot_of(t, &t->slots[j].id);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole].used = false;
    t->count--;
    return true;
}

static enum kt_rc grow(struct kt_keytab *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    struct kt_keytab_slot *ns = calloc(ncap, sizeof(*ns));
    if (ns == NULL) {
        return KT_ENOMEM;
    }
    struct kt_keytab old = *t;
    t->slots = ns;
    t->cap = ncap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].used) {
            size_t j = slot_of(t, &old.slots[i].id);
            while (t->slots[j].used) {
                j = (j + 1) & (ncap - 1);
            }
            t->slots[j] = old.slots[i];
        }
    }
    free(old.slots);
    return KT_OK;
}

enum kt_rc kt_keytab_upsert(struct kt_keytab *t, const struct kt_keyid *id, uint32_t fresh,
                            uint32_t *value, bool *inserted)
{
    if ((t->count + 1) * 10 > t->cap * 7) {
        enum kt_rc rc = grow(t);
        if (rc != KT_OK) {
            return rc;
        }
    }
    for (size_t i = slot_of(t, id);; i = (i + 1) & (t->cap - 1)) {
        struct kt_keytab_slot *s = &t->slots[i];
        if (!s->used) {
            s->used = true;
            s->id = *id;
            s->value = fresh;
            t->count++;
            *value = fresh;
            *inserted = true;
            return KT_OK;
        }
        if (kt_keyid_eq(&s->id, id)) {
            *value = s->value;
            *inserted = false;
            return KT_OK;
        }
    }
}
