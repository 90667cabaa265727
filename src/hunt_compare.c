/*
 * kt_hunt_compare (hunt_analysis.h): a key's use before the leak against its use after.
 *
 * One pass puts every identifier of every use (address, network, ASN, country, client,
 * operation) into one pair table keyed (kind, id), counting its uses on each side. The table
 * numbers pairs in order of first use, so the identifiers seen only after the split come out
 * in order of first use without sorting. A second pass counts the after-uses carrying an
 * identifier the before side never had, once the before side is known in full (the uses are in
 * time order, but nothing here depends on it).
 */
#include "hunt_analysis.h"

#include <stdlib.h>
#include <string.h>

#include "hunt_clients.h"
#include "hunt_idtab.h"

enum kind { K_IP, K_NET, K_ASN, K_COUNTRY, K_CLIENT, K_OP, N_KINDS };

/* What the table holds per (kind, id). */
struct seen {
    uint64_t before, after, after_failed;
    size_t first_after;
};

struct compare {
    struct kt_hunt_idtab tab;
    struct seen *seen;
    size_t seen_cap;
};

static uint64_t country_id(const char c[2])
{
    return ((uint64_t)(unsigned char)c[0] << 8) | (unsigned char)c[1];
}

/* The identifiers of u by kind; 0 where the use has none. */
static void ids_of(const struct kt_hunt_use *u, uint64_t id[N_KINDS])
{
    id[K_IP] = u->ip_id;
    id[K_NET] = u->net_id;
    id[K_ASN] = u->asn;
    id[K_COUNTRY] = country_id(u->country);
    id[K_CLIENT] = u->client_id;
    id[K_OP] = u->op_id;
}

static void side_add(struct kt_hunt_side *s, const struct kt_hunt_use *u)
{
    s->uses++;
    s->failed += (u->flags & KT_HUNT_USE_FAILED) != 0;
    s->suspicious += (u->flags & KT_HUNT_USE_SUSPICIOUS) != 0;
    if (s->first_ms == KT_TIME_NONE || u->time_ms < s->first_ms) {
        s->first_ms = u->time_ms;
    }
    if (s->last_ms == KT_TIME_NONE || u->time_ms > s->last_ms) {
        s->last_ms = u->time_ms;
    }
    s->hours[kt_hunt_hour_of(u->time_ms)]++;
}

static uint64_t *distinct_of(struct kt_hunt_side *s, int k)
{
    uint64_t *d[N_KINDS] = {&s->ips, &s->nets, &s->asns, &s->countries, &s->clients, &s->ops};
    return d[k];
}

static enum kt_rc count_use(struct compare *c, struct kt_hunt_diff *d, size_t i,
                            const struct kt_hunt_use *u, bool after)
{
    uint64_t id[N_KINDS];
    ids_of(u, id);
    for (int k = 0; k < N_KINDS; k++) {
        if (id[k] == 0) {
            continue;
        }
        bool added;
        uint32_t e = kt_hunt_idtab_put(&c->tab, (uint64_t)k, id[k], &added);
        if (e == KT_HUNT_IDTAB_NONE) {
            return KT_ENOMEM;
        }
        if (added) {
            if (e >= c->seen_cap) {
                size_t cap = c->seen_cap ? c->seen_cap * 2 : 256;
                struct seen *grown = realloc(c->seen, cap * sizeof(*grown));
                if (grown == NULL) {
                    return KT_ENOMEM;
                }
                c->seen = grown;
                c->seen_cap = cap;
            }
            memset(&c->seen[e], 0, sizeof(c->seen[e]));
        }
        struct seen *s = &c->seen[e];
        struct kt_hunt_side *side = after ? &d->after : &d->before;
        if ((after ? s->after : s->before) == 0) {
            (*distinct_of(side, k))++;
        }
        if (after) {
            if (s->after == 0) {
                s->first_after = i;
            }
            s->after++;
            s->after_failed += (u->flags & KT_HUNT_USE_FAILED) != 0;
        } else {
            s->before++;
        }
    }
    return KT_OK;
}

static bool had_before(const struct compare *c, int k, uint64_t id)
{
    uint32_t e = kt_hunt_idtab_get(&c->tab, (uint64_t)k, id);
    return e != KT_HUNT_IDTAB_NONE && c->seen[e].before > 0;
}

static int by_first_use(const void *pa, const void *pb)
{
    const struct kt_hunt_novel *a = pa, *b = pb;
    return (a->first_use > b->first_use) - (a->first_use < b->first_use);
}

/* The novel list of kind k: entries of that kind with uses after and none before. */
static enum kt_rc novel_list(const struct compare *c, int k, struct kt_hunt_novel **out,
                             size_t *n_out)
{
    size_t n = 0;
    for (uint32_t e = 0; e < c->tab.n; e++) {
        n += c->tab.keys[2 * e] == (uint64_t)k && c->seen[e].before == 0 && c->seen[e].after > 0;
    }
    *out = NULL;
    *n_out = 0;
    if (n == 0) {
        return KT_OK;
    }
    struct kt_hunt_novel *list = calloc(n, sizeof(*list));
    if (list == NULL) {
        return KT_ENOMEM;
    }
    size_t j = 0;
    for (uint32_t e = 0; e < c->tab.n; e++) {
        const struct seen *s = &c->seen[e];
        if (c->tab.keys[2 * e] != (uint64_t)k || s->before != 0 || s->after == 0) {
            continue;
        }
        list[j++] = (struct kt_hunt_novel){.id = c->tab.keys[2 * e + 1],
                                           .first_use = s->first_after,
                                           .uses = s->after,
                                           .failed = s->after_failed};
    }
    /* Pairs are numbered by their first use on either side; with uses out of time order an
     * identifier's first after-use may come later than the next one's. No two identifiers of
     * one kind share a first use, so the order is total. */
    qsort(list, n, sizeof(*list), by_first_use);
    *out = list;
    *n_out = n;
    return KT_OK;
}

enum kt_rc kt_hunt_compare(const struct kt_hunt_use *u, size_t n, int64_t split_ms,
                           struct kt_hunt_diff *d)
{
    memset(d, 0, sizeof(*d));
    d->split_ms = split_ms;
    d->before.first_ms = d->before.last_ms = KT_TIME_NONE;
    d->after.first_ms = d->after.last_ms = KT_TIME_NONE;

    struct compare c = {0};
    kt_hunt_idtab_init(&c.tab);
    enum kt_rc rc = KT_OK;
    for (size_t i = 0; i < n && rc == KT_OK; i++) {
        bool after = !(u[i].time_ms < split_ms);
        side_add(after ? &d->after : &d->before, &u[i]);
        rc = count_use(&c, d, i, &u[i], after);
    }
    for (size_t i = 0; i < n && rc == KT_OK; i++) {
        if (u[i].time_ms < split_ms) {
            continue;
        }
        uint64_t id[N_KINDS];
        ids_of(&u[i], id);
        static const int judged[] = {K_IP, K_NET, K_CLIENT, K_OP};
        for (size_t j = 0; j < sizeof(judged) / sizeof(judged[0]); j++) {
            if (id[judged[j]] != 0 && !had_before(&c, judged[j], id[judged[j]])) {
                d->novel_uses++;
                break;
            }
        }
    }
    struct kt_hunt_novel **lists[N_KINDS] = {&d->ips,       &d->nets,    &d->asns,
                                             &d->countries, &d->clients, &d->ops};
    size_t *counts[N_KINDS] = {&d->n_ips,       &d->n_nets,    &d->n_asns,
                               &d->n_countries, &d->n_clients, &d->n_ops};
    for (int k = 0; k < N_KINDS && rc == KT_OK; k++) {
        rc = novel_list(&c, k, lists[k], counts[k]);
    }
    kt_hunt_idtab_fini(&c.tab);
    free(c.seen);
    if (rc != KT_OK) {
        int64_t keep = d->split_ms;
        kt_hunt_diff_free(d);
        d->split_ms = keep;
    }
    return rc;
}

void kt_hunt_diff_free(struct kt_hunt_diff *d)
{
    if (d == NULL) {
        return;
    }
    free(d->ips);
    free(d->nets);
    free(d->asns);
    free(d->countries);
    free(d->clients);
    free(d->ops);
    d->ips = d->nets = d->asns = d->countries = d->clients = d->ops = NULL;
    d->n_ips = d->n_nets = d->n_asns = d->n_countries = d->n_clients = d->n_ops = 0;
}
