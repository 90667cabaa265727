/*
 * A table of identifier pairs for the hunt analyses (hunt_analysis.h): each distinct (a, b) gets
 * a dense index, 0, 1, 2 … in the order the pairs were first put, so callers keep the facts of
 * each pair in plain parallel arrays and every result follows the order of the uses, never the
 * order of the hash slots (the ids themselves may be seeded hashes that change between runs).
 *
 * Open addressing with linear probing at most half full; the slot hash is seeded per process
 * (hash.h) because the ids come from log lines an attacker writes.
 */
#ifndef KEYTRAIL_HUNT_IDTAB_H
#define KEYTRAIL_HUNT_IDTAB_H

#include <keytrail/common.h>

#define KT_HUNT_IDTAB_NONE UINT32_MAX

/* A slot holds its pair as well as the index, so a look-up touches one cache line. */
struct kt_hunt_idtab_slot {
    uint64_t a, b;
    uint32_t index; /* index + 1; 0: empty */
};

struct kt_hunt_idtab {
    uint64_t *keys; /* two per pair, by index */
    struct kt_hunt_idtab_slot *slots;
    size_t n_slots; /* a power of two */
    uint32_t n;     /* pairs */
    uint32_t keys_cap;
};

/* An empty table. Never fails; the first put allocates. */
void kt_hunt_idtab_init(struct kt_hunt_idtab *t);
void kt_hunt_idtab_fini(struct kt_hunt_idtab *t);

/* The index of (a, b), adding it as the next index when absent (*added true then; added may be
 * NULL). KT_HUNT_IDTAB_NONE when memory ran out or the table holds UINT32_MAX - 1 pairs. */
uint32_t kt_hunt_idtab_put(struct kt_hunt_idtab *t, uint64_t a, uint64_t b, bool *added);

/* The index of (a, b), or KT_HUNT_IDTAB_NONE when absent. */
uint32_t kt_hunt_idtab_get(const struct kt_hunt_idtab *t, uint64_t a, uint64_t b);

#endif
