/* The hunt's pair table (hunt_idtab.h). */
#include "hunt_idtab.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

static size_t slot_of(const struct kt_hunt_idtab *t, uint64_t a, uint64_t b)
{
    const struct kt_hash_seed *seed = kt_hash_seed_global();
    /* Two rounds of a multiply-xorshift finaliser over the seeded pair. */
    uint64_t h = (a ^ seed->k0) * 0x9e3779b97f4a7c15ull;
    h ^= (b + seed->k1) + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    return (size_t)h & (t->n_slots - 1);
}

void kt_hunt_idtab_init(struct kt_hunt_idtab *t)
{
    memset(t, 0, sizeof(*t));
}

void kt_hunt_idtab_fini(struct kt_hunt_idtab *t)
{
    if (t == NULL) {
        return;
    }
    free(t->keys);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

uint32_t kt_hunt_idtab_get(const struct kt_hunt_idtab *t, uint64_t a, uint64_t b)
{
    if (t->n_slots == 0) {
        return KT_HUNT_IDTAB_NONE;
    }
    for (size_t s = slot_of(t, a, b);; s = (s + 1) & (t->n_slots - 1)) {
        const struct kt_hunt_idtab_slot *slot = &t->slots[s];
        if (slot->index == 0) {
            return KT_HUNT_IDTAB_NONE;
        }
        if (slot->a == a && slot->b == b) {
            return slot->index - 1;
        }
    }
}

/* Doubles the slots and places every pair again. */
static bool grow_slots(struct kt_hunt_idtab *t)
{
    size_t n_slots = t->n_slots ? t->n_slots * 2 : 64;
    struct kt_hunt_idtab_slot *slots = calloc(n_slots, sizeof(*slots));
    if (slots == NULL) {
        return false;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    for (uint32_t i = 0; i < t->n; i++) {
        size_t s = slot_of(t, t->keys[2 * i], t->keys[2 * i + 1]);
        while (t->slots[s].index != 0) {
            s = (s + 1) & (n_slots - 1);
        }
        t->slots[s] = (struct kt_hunt_idtab_slot){t->keys[2 * i], t->keys[2 * i + 1], i + 1};
    }
    return true;
}

uint32_t kt_hunt_idtab_put(struct kt_hunt_idtab *t, uint64_t a, uint64_t b, bool *added)
{
    if (added != NULL) {
        *added = false;
    }
    uint32_t have = kt_hunt_idtab_get(t, a, b);
    if (have != KT_HUNT_IDTAB_NONE) {
        return have;
    }
    if (t->n >= UINT32_MAX - 1) {
        return KT_HUNT_IDTAB_NONE;
    }
    if ((size_t)(t->n + 1) * 2 > t->n_slots && !grow_slots(t)) {
        return KT_HUNT_IDTAB_NONE;
    }
    if (t->n == t->keys_cap) {
        uint32_t cap = t->keys_cap ? t->keys_cap : 32;
        cap = cap > UINT32_MAX / 2 ? UINT32_MAX - 1 : cap * 2;
        uint64_t *keys = realloc(t->keys, (size_t)cap * 2 * sizeof(*keys));
        if (keys == NULL) {
            return KT_HUNT_IDTAB_NONE;
        }
        t->keys = keys;
        t->keys_cap = cap;
    }
    uint32_t i = t->n++;
    t->keys[2 * i] = a;
    t->keys[2 * i + 1] = b;
    size_t s = slot_of(t, a, b);
    while (t->slots[s].index != 0) {
        s = (s + 1) & (t->n_slots - 1);
    }
    t->slots[s] = (struct kt_hunt_idtab_slot){a, b, i + 1};
    if (added != NULL) {
        *added = true;
    }
    return i;
}
