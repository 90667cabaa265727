/*
 * kt_hunt_plan (hunt_analysis.h): the key's clients for the rotation plan.
 *
 * A client is one network with one agent (hunt_clients.h). With a leak time, a client seen
 * before it is a consumer; one that appears only after it is the other party's when it also
 * comes from a network the key had not used with an agent it had not used or operations it had
 * not called, or when its uses are flagged suspicious or come from attack tooling; otherwise
 * (a known network with a new agent: an upgrade; a new network with the known agent and
 * operations: a move) it is unsure. Without a leak time each client is judged on its own uses:
 * tooling, or many suspicious uses, make it the other party's; a few suspicious uses, unsure.
 *
 * A use at or after the rotation belongs to a client; it resembles that client's role, and for
 * an unsure client, the side (consumers or other party) whose networks, agents and operations
 * it shares more, a network weighing most (3, 2, 1) (a tie counts as the other party: assuming a
 * not-updated consumer when it was the attacker is the costlier mistake).
 *
 * Counts per client of addresses, operations and endpoints are exact (one pair table each);
 * the most used come from one sort of the pairs. O(n log n).
 */
#include "hunt_analysis.h"

#include <stdlib.h>
#include <string.h>

#include "hunt_clients.h"
#include "hunt_idtab.h"

enum { K_NET = 1, K_AGENT, K_OP };
enum { SIDE_CONSUMER = 1, SIDE_OTHER = 2 };

/* Per-client counts that the public struct does not hold. */
struct extra {
    uint64_t tool, hosting, new_op_uses;
    bool net_new, agent_new;
};

/* Exact counts of (client, id) pairs for one kind of identifier. */
struct pairs {
    struct kt_hunt_idtab tab;
    uint64_t *count;
    size_t cap;
};

static bool pairs_add(struct pairs *p, uint32_t client, uint64_t id)
{
    if (id == 0) {
        return true;
    }
    bool added;
    uint32_t e = kt_hunt_idtab_put(&p->tab, client, id, &added);
    if (e == KT_HUNT_IDTAB_NONE) {
        return false;
    }
    if (added) {
        if (e >= p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 256;
            uint64_t *grown = realloc(p->count, cap * sizeof(*grown));
            if (grown == NULL) {
                return false;
            }
            p->count = grown;
            p->cap = cap;
        }
        p->count[e] = 0;
    }
    p->count[e]++;
    return true;
}

struct pair_rank {
    uint32_t client, pair;
    uint64_t count;
};

static int by_client_then_count(const void *pa, const void *pb)
{
    const struct pair_rank *a = pa, *b = pb;
    if (a->client != b->client) {
        return a->client < b->client ? -1 : 1;
    }
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return (a->pair > b->pair) - (a->pair < b->pair); /* first seen first */
}

/* Writes each client's most used ids of p into top (offset into struct kt_hunt_client) and,
 * when distinct is not NULL, its number of distinct ids. */
static bool pairs_top(const struct pairs *p, struct kt_hunt_client *clients, size_t top_off,
                      bool distinct)
{
    size_t n = p->tab.n;
    struct pair_rank *r = malloc((n ? n : 1) * sizeof(*r));
    if (r == NULL) {
        return false;
    }
    for (uint32_t e = 0; e < n; e++) {
        r[e] = (struct pair_rank){(uint32_t)p->tab.keys[2 * e], e, p->count[e]};
    }
    qsort(r, n, sizeof(*r), by_client_then_count);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct kt_hunt_client *c = &clients[r[i].client];
        k = (i > 0 && r[i - 1].client == r[i].client) ? k + 1 : 0;
        if (distinct) {
            c->n_ips++;
        }
        if (k < KT_HUNT_CLIENT_TOP) {
            struct kt_hunt_count *top = (struct kt_hunt_count *)((char *)c + top_off);
            top[k] = (struct kt_hunt_count){p->tab.keys[2 * r[i].pair + 1], r[i].count};
        }
    }
    free(r);
    return true;
}

static enum kt_hunt_role role_of(const struct kt_hunt_client *c, const struct extra *x,
                                 int64_t leak_ms)
{
    if (leak_ms == KT_TIME_NONE) {
        if (x->tool > 0 || c->suspicious * 4 >= c->uses ||
            (c->suspicious > 0 && x->hosting * 2 >= c->uses)) {
            return KT_HUNT_ROLE_OTHER_PARTY;
        }
        return c->suspicious > 0 ? KT_HUNT_ROLE_UNSURE : KT_HUNT_ROLE_CONSUMER;
    }
    if (c->first_ms < leak_ms) {
        return KT_HUNT_ROLE_CONSUMER;
    }
    double new_op_share = (double)x->new_op_uses / (double)c->uses;
    if (x->tool > 0 || c->suspicious > 0 || (x->net_new && (x->agent_new || new_op_share >= 0.2))) {
        return KT_HUNT_ROLE_OTHER_PARTY;
    }
    return KT_HUNT_ROLE_UNSURE;
}

static int by_plan_order(const void *pa, const void *pb)
{
    const struct kt_hunt_client *a = pa, *b = pb;
    bool ca = a->role == KT_HUNT_ROLE_CONSUMER, cb = b->role == KT_HUNT_ROLE_CONSUMER;
    if (ca != cb) {
        return ca ? -1 : 1;
    }
    if (ca && a->uses != b->uses) {
        return a->uses > b->uses ? -1 : 1;
    }
    return (a->first_use > b->first_use) - (a->first_use < b->first_use);
}

/* The side bits (SIDE_*) of the clients using an identifier, from the whole history. */
static uint8_t sides_of(const struct kt_hunt_idtab *t, const uint8_t *sides, int kind, uint64_t id)
{
    uint32_t e = id == 0 ? KT_HUNT_IDTAB_NONE : kt_hunt_idtab_get(t, (uint64_t)kind, id);
    return e == KT_HUNT_IDTAB_NONE ? 0 : sides[e];
}

enum kt_rc kt_hunt_plan(const struct kt_hunt_use *u, size_t n, int64_t leak_ms, int64_t rotated_ms,
                        struct kt_hunt_plan *p)
{
    memset(p, 0, sizeof(*p));
    if (n == 0) {
        return KT_OK;
    }
    if (n >= UINT32_MAX) {
        return KT_ENOMEM; /* client numbers are 32-bit */
    }
    enum kt_rc rc = KT_ENOMEM;
    struct kt_hunt_idtab clients_tab, known;
    struct pairs ips = {0}, ops = {0}, endpoints = {0};
    struct extra *extra = NULL;
    uint8_t *sides = NULL;
    size_t *position = NULL;
    kt_hunt_idtab_init(&known);
    kt_hunt_idtab_init(&ips.tab);
    kt_hunt_idtab_init(&ops.tab);
    kt_hunt_idtab_init(&endpoints.tab);
    uint32_t *of_use = malloc(n * sizeof(*of_use));
    if (of_use == NULL) {
        kt_hunt_idtab_init(&clients_tab);
        goto out;
    }
    size_t nc = kt_hunt_clients_number(u, n, of_use, &clients_tab);
    if (nc == SIZE_MAX) {
        goto out;
    }
    p->clients = calloc(nc, sizeof(*p->clients));
    extra = calloc(nc, sizeof(*extra));
    if (p->clients == NULL || extra == NULL) {
        goto out;
    }
    /* Pass 1: each client's facts, its pairs, and what the key used before the leak. */
    for (size_t i = 0; i < n; i++) {
        struct kt_hunt_client *c = &p->clients[of_use[i]];
        struct extra *x = &extra[of_use[i]];
        if (c->uses == 0) {
            c->net_id = u[i].net_id;
            c->asn = u[i].asn;
            memcpy(c->country, u[i].country, 2);
            c->client_id = u[i].client_id;
            c->first_use = i;
            c->first_ms = c->last_ms = u[i].time_ms;
        }
        c->first_ms = u[i].time_ms < c->first_ms ? u[i].time_ms : c->first_ms;
        c->last_ms = u[i].time_ms > c->last_ms ? u[i].time_ms : c->last_ms;
        c->uses++;
        c->failed += (u[i].flags & KT_HUNT_USE_FAILED) != 0;
        c->suspicious += (u[i].flags & KT_HUNT_USE_SUSPICIOUS) != 0;
        x->tool += (u[i].flags & KT_HUNT_USE_TOOL) != 0;
        x->hosting += (u[i].flags & KT_HUNT_USE_HOSTING) != 0;
        if (rotated_ms != KT_TIME_NONE && u[i].time_ms >= rotated_ms) {
            c->after_rotation++;
            p->n_late++;
        }
        if (!pairs_add(&ips, of_use[i], u[i].ip_id) || !pairs_add(&ops, of_use[i], u[i].op_id) ||
            !pairs_add(&endpoints, of_use[i], u[i].endpoint_id)) {
            goto out;
        }
        if (leak_ms != KT_TIME_NONE && u[i].time_ms < leak_ms) {
            uint64_t ids[] = {kt_hunt_net_key(&u[i]), u[i].client_id, u[i].op_id};
            for (int k = 0; k < 3; k++) {
                if (ids[k] != 0 && kt_hunt_idtab_put(&known, (uint64_t)(K_NET + k), ids[k], NULL) ==
                                       KT_HUNT_IDTAB_NONE) {
                    goto out;
                }
            }
        }
    }
    /* Pass 2, with a leak time: what each client after it brought that the key had not used. */
    if (leak_ms != KT_TIME_NONE) {
        for (size_t i = 0; i < n; i++) {
            struct extra *x = &extra[of_use[i]];
            bool op_known = u[i].op_id == 0 ||
                            kt_hunt_idtab_get(&known, K_OP, u[i].op_id) != KT_HUNT_IDTAB_NONE;
            x->new_op_uses += !op_known;
            if (p->clients[of_use[i]].first_use == i) {
                uint64_t net = kt_hunt_net_key(&u[i]);
                x->net_new =
                    net != 0 && kt_hunt_idtab_get(&known, K_NET, net) == KT_HUNT_IDTAB_NONE;
                x->agent_new =
                    u[i].client_id != 0 &&
                    kt_hunt_idtab_get(&known, K_AGENT, u[i].client_id) == KT_HUNT_IDTAB_NONE;
            }
        }
    }
    for (size_t c = 0; c < nc; c++) {
        p->clients[c].role = role_of(&p->clients[c], &extra[c], leak_ms);
    }
    if (!pairs_top(&ips, p->clients, offsetof(struct kt_hunt_client, ips), true) ||
        !pairs_top(&ops, p->clients, offsetof(struct kt_hunt_client, ops), false) ||
        !pairs_top(&endpoints, p->clients, offsetof(struct kt_hunt_client, endpoints), false)) {
        goto out;
    }
    if (p->n_late > 0) {
        /* The sides each network, agent and operation was used by, for the unsure clients. */
        kt_hunt_idtab_fini(&known);
        sides = NULL;
        size_t sides_cap = 0;
        for (size_t i = 0; i < n; i++) {
            enum kt_hunt_role r = p->clients[of_use[i]].role;
            uint8_t side = r == KT_HUNT_ROLE_CONSUMER      ? SIDE_CONSUMER
                           : r == KT_HUNT_ROLE_OTHER_PARTY ? SIDE_OTHER
                                                           : 0;
            uint64_t ids[] = {kt_hunt_net_key(&u[i]), u[i].client_id, u[i].op_id};
            for (int k = 0; k < 3 && side != 0; k++) {
                if (ids[k] == 0) {
                    continue;
                }
                bool added;
                uint32_t e = kt_hunt_idtab_put(&known, (uint64_t)(K_NET + k), ids[k], &added);
                if (e == KT_HUNT_IDTAB_NONE) {
                    goto out;
                }
                if (e >= sides_cap) {
                    size_t cap = sides_cap ? sides_cap * 2 : 256;
                    uint8_t *grown = realloc(sides, cap);
                    if (grown == NULL) {
                        goto out;
                    }
                    sides = grown;
                    sides_cap = cap;
                }
                sides[e] = (uint8_t)((added ? 0 : sides[e]) | side);
            }
        }
    }
    /* The plan's order, and where each client went in it. */
    position = malloc(nc * sizeof(*position));
    if (position == NULL) {
        goto out;
    }
    qsort(p->clients, nc, sizeof(*p->clients), by_plan_order);
    for (size_t c = 0; c < nc; c++) {
        position[of_use[p->clients[c].first_use]] = c;
    }
    p->n_clients = nc;
    if (p->n_late > 0) {
        p->late = calloc(p->n_late, sizeof(*p->late));
        if (p->late == NULL) {
            goto out;
        }
        size_t k = 0;
        for (size_t i = 0; i < n && k < p->n_late; i++) {
            if (u[i].time_ms < rotated_ms) {
                continue;
            }
            size_t at = position[of_use[i]];
            enum kt_hunt_role r = p->clients[at].role;
            if (r == KT_HUNT_ROLE_UNSURE) {
                uint64_t ids[] = {kt_hunt_net_key(&u[i]), u[i].client_id, u[i].op_id};
                static const int weight[] = {3, 2, 1}; /* network, agent, operation */
                int consumer = 0, other = 0;
                for (int j = 0; j < 3; j++) {
                    uint8_t s = sides_of(&known, sides, K_NET + j, ids[j]);
                    consumer += (s & SIDE_CONSUMER) ? weight[j] : 0;
                    other += (s & SIDE_OTHER) ? weight[j] : 0;
                }
                r = consumer > other ? KT_HUNT_ROLE_CONSUMER : KT_HUNT_ROLE_OTHER_PARTY;
            }
            p->late[k++] = (struct kt_hunt_late_use){.use = i, .client = at, .resembles = r};
        }
    }
    rc = KT_OK;
out:
    free(of_use);
    free(extra);
    free(sides);
    free(position);
    free(ips.count);
    free(ops.count);
    free(endpoints.count);
    kt_hunt_idtab_fini(&clients_tab);
    kt_hunt_idtab_fini(&known);
    kt_hunt_idtab_fini(&ips.tab);
    kt_hunt_idtab_fini(&ops.tab);
    kt_hunt_idtab_fini(&endpoints.tab);
    if (rc != KT_OK) {
        kt_hunt_plan_free(p);
    }
    return rc;
}

void kt_hunt_plan_free(struct kt_hunt_plan *p)
{
    if (p == NULL) {
        return;
    }
    free(p->clients);
    free(p->late);
    memset(p, 0, sizeof(*p));
}
