/*
 * The credential inventory behind `keytrail keys`: one entry per key id with its family, hint,
 * first and last use, event count, error count, distinct client addresses and most common user
 * agents. Memory per key is fixed (see distinct.h and topk.h); it grows with keys, never with
 * log volume, and the number of keys is capped: at max_keys a new key evicts the least recently
 * used one (in the order events are read), found in O(1) on a doubly linked list threaded
 * through the key array by index.
 */
#ifndef KEYTRAIL_INVENTORY_H
#define KEYTRAIL_INVENTORY_H

#include <keytrail/credential.h>
#include <keytrail/event.h>

#include "distinct.h"
#include "keytab.h"
#include "topk.h"

struct kt_inv_key {
    struct kt_keyid key;
    enum kt_family family;
    uint32_t flags;
    char kind[24];
    char hint[KT_HINT_MAX];
    char account[16];
    int64_t first_ms, last_ms;
    uint64_t events;
    uint64_t errors; /* HTTP status >= 400 or a provider error code */
    struct kt_distinct ips;
    struct kt_distinct tokens; /* distinct individual tokens (JWTs minted for one principal) */
    struct kt_topk agents;
    uint32_t lru_prev, lru_next; /* indices into keys; UINT32_MAX at the ends */
};

struct kt_inventory {
    struct kt_keytab index;
    struct kt_inv_key *keys;
    size_t n, cap;
    size_t max_keys;          /* set after init; 0 = no cap (at most UINT32_MAX - 1) */
    uint64_t evicted;         /* keys evicted at max_keys */
    uint32_t lru_head, lru_tail;
};

void kt_inventory_init(struct kt_inventory *inv);
void kt_inventory_fini(struct kt_inventory *inv);

/* Folds every credential of ev into the inventory. KT_ENOMEM on allocation failure. */
enum kt_rc kt_inventory_add(struct kt_inventory *inv, const struct kt_event *ev);

/* Sorts keys by events (most used first), then key id, for stable output. Ends adding: the
 * eviction order is not kept. */
void kt_inventory_sort(struct kt_inventory *inv);

#endif
