/*
 * The credential inventory (inventory.h).
 *
 * Keys live in one growing array indexed by a key-id table. The hint is upgraded when a better
 * one appears: a GitHub key first seen as an audit log hashed_token gets the token's own
 * redacted hint once the token itself shows up in an access log.
 */
#include "inventory.h"

#include <stdlib.h>

#include "hash.h"

#define NO_KEY UINT32_MAX

void kt_inventory_init(struct kt_inventory *inv)
{
    memset(inv, 0, sizeof(*inv));
    kt_keytab_init(&inv->index);
    inv->lru_head = inv->lru_tail = NO_KEY;
}

void kt_inventory_fini(struct kt_inventory *inv)
{
    if (inv == NULL) {
        return;
    }
    for (size_t i = 0; i < inv->n; i++) {
        kt_distinct_fini(&inv->keys[i].ips);
        kt_distinct_fini(&inv->keys[i].tokens);
    }
    free(inv->keys);
    kt_keytab_fini(&inv->index);
    memset(inv, 0, sizeof(*inv));
}

static void set_identity(struct kt_inv_key *k, const struct kt_cred *c)
{
    k->family = c->family;
    k->flags = c->flags;
    memcpy(k->kind, c->kind, sizeof(k->kind));
    memcpy(k->hint, c->hint, sizeof(k->hint));
    memcpy(k->account, c->account, sizeof(k->account));
}

static void lru_unlink(struct kt_inventory *inv, uint32_t i)
{
    struct kt_inv_key *k = &inv->keys[i];
    if (k->lru_prev != NO_KEY) {
        inv->keys[k->lru_prev].lru_next = k->lru_next;
    } else {
        inv->lru_head = k->lru_next;
    }
    if (k->lru_next != NO_KEY) {
        inv->keys[k->lru_next].lru_prev = k->lru_prev;
    } else {
        inv->lru_tail = k->lru_prev;
    }
}

static void lru_push_front(struct kt_inventory *inv, uint32_t i)
{
    struct kt_inv_key *k = &inv->keys[i];
    k->lru_prev = NO_KEY;
    k->lru_next = inv->lru_head;
    if (k->lru_next != NO_KEY) {
        inv->keys[k->lru_next].lru_prev = i;
    } else {
        inv->lru_tail = i;
    }
    inv->lru_head = i;
}

static struct kt_inv_key *lookup(struct kt_inventory *inv, const struct kt_cred *c)
{
    uint32_t idx;
    bool inserted;
    if (kt_keytab_get(&inv->index, &c->key, &idx)) {
        struct kt_inv_key *k = &inv->keys[idx];
        if ((k->flags & KT_CRED_FROM_HASH) && !(c->flags & KT_CRED_FROM_HASH)) {
            /* The token itself is a better name than its provider hash. */
            uint32_t flags = k->flags;
            set_identity(k, c);
            k->flags |= flags & ~KT_CRED_FROM_HASH;
        }
        if (inv->lru_head != idx) {
            lru_unlink(inv, idx);
            lru_push_front(inv, idx);
        }
        return k;
    }
    size_t max = inv->max_keys != 0 ? KT_MIN(inv->max_keys, (size_t)NO_KEY - 1) : NO_KEY - 1;
    bool full = inv->n >= max;
    if (!full && inv->n == inv->cap) {
        size_t ncap = KT_MIN(inv->cap ? inv->cap * 2 : 64, max);
        struct kt_inv_key *nk = realloc(inv->keys, ncap * sizeof(*nk));
        if (nk == NULL) {
            return NULL;
        }
        inv->keys = nk;
        inv->cap = ncap;
    }
    if (kt_keytab_upsert(&inv->index, &c->key, (uint32_t)inv->n, &idx, &inserted) != KT_OK) {
        return NULL;
    }
    if (full) {
        /* Reuse the slot of the least recently used key. */
        idx = inv->lru_tail;
        struct kt_inv_key *old = &inv->keys[idx];
        lru_unlink(inv, idx);
        kt_keytab_del(&inv->index, &old->key, NULL);
        kt_distinct_fini(&old->ips);
        kt_distinct_fini(&old->tokens);
        kt_keytab_set(&inv->index, &c->key, idx);
        inv->evicted++;
    } else {
        inv->n++;
    }
    struct kt_inv_key *k = &inv->keys[idx];
    memset(k, 0, sizeof(*k));
    k->key = c->key;
    set_identity(k, c);
    k->first_ms = INT64_MAX;
    k->last_ms = INT64_MIN;
    kt_distinct_init(&k->ips);
    kt_distinct_init(&k->tokens);
    kt_topk_init(&k->agents);
    lru_push_front(inv, idx);
    return k;
}

static void render_agent(void *ctx, char *out, size_t cap)
{
    const struct kt_str *ua = ctx;
    kt_cred_redact(*ua, out, cap);
}

enum kt_rc kt_inventory_add(struct kt_inventory *inv, const struct kt_event *ev)
{
    for (unsigned i = 0; i < ev->n_creds; i++) {
        const struct kt_cred *c = &ev->creds[i];
        struct kt_inv_key *k = lookup(inv, c);
        if (k == NULL) {
            return KT_ENOMEM;
        }
        k->events++;
        if (ev->time_ms != KT_TIME_NONE) {
            k->first_ms = KT_MIN(k->first_ms, ev->time_ms);
            k->last_ms = KT_MAX(k->last_ms, ev->time_ms);
        }
        if (kt_event_failed(ev)) {
            k->errors++;
        }
        if (ev->ip.len > 0 && !kt_distinct_add(&k->ips, kt_hash(ev->ip.ptr, ev->ip.len))) {
            return KT_ENOMEM;
        }
        if (!kt_distinct_add(&k->tokens, kt_hash(c->token.b, KT_KEYID_BYTES))) {
            return KT_ENOMEM;
        }
        if (ev->user_agent.len > 0) {
            struct kt_str ua = ev->user_agent;
            kt_topk_add(&k->agents, kt_hash(ua.ptr, ua.len), render_agent, &ua);
        }
    }
    return KT_OK;
}

static int by_events(const void *a, const void *b)
{
    const struct kt_inv_key *x = a, *y = b;
    if (x->events != y->events) {
        return x->events > y->events ? -1 : 1;
    }
    return memcmp(x->key.b, y->key.b, KT_KEYID_BYTES);
}

void kt_inventory_sort(struct kt_inventory *inv)
{
    qsort(inv->keys, inv->n, sizeof(*inv->keys), by_events);
    /* Positions changed: rebuild the index. */
    kt_keytab_fini(&inv->index);
    kt_keytab_init(&inv->index);
    for (size_t i = 0; i < inv->n; i++) {
        uint32_t v;
        bool ins;
        if (kt_keytab_upsert(&inv->index, &inv->keys[i].key, (uint32_t)i, &v, &ins) != KT_OK) {
            break;
        }
    }
}
