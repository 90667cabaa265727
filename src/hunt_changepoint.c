/*
 * kt_hunt_changepoints (hunt_analysis.h): without a leak time, where did someone else start
 * using the key?
 *
 * A second party shows up as a new client of the key: a network and agent pair it had not used.
 * Every client that appears after the key has some history is a candidate, judged against the
 * history before its first use:
 *
 *   - what is new about it: its network (/24 or ASN), its ASN, its country, its agent, and the
 *     operations it brought that the key had never called;
 *   - what it does: failures, uses flagged suspicious or from attack tooling, hosting networks
 *     where the history had none, hours of the day the history never saw, a burst of the key's
 *     rate in its first hour;
 *   - whether the old clients carry on after it arrived (OVERLAP). A service that moves keeps
 *     its agent and operations and its old place falls silent; an SDK upgrade is a new agent on
 *     the same network. Someone else runs alongside the owner, with their own agent or their
 *     own operations.
 *
 * A candidate that took an old client's place (the earlier clients with its agent, on its
 * network or in its ASN fell silent within hours of its arrival) has no overlap; one with no
 * overlap, no new operations and no flags keeps a third of its score: that is drift. Candidates
 * whose first uses lie within an hour of a stronger one are one change point (an attacker rarely
 * comes from one address). The history must hold some uses over some hours, so a key whose use
 * starts with the other party has no change point; when the key's very first client is flagged,
 * nothing is reported either.
 *
 * One pass numbers the clients and counts their facts; the old clients' uses after each
 * candidate come from one backward sweep over a Fenwick tree by client number; hours and rate
 * are looked at for the strongest candidates only. O(n log n) time, memory linear in the number
 * of distinct clients and identifiers.
 */
#include "hunt_analysis.h"

#include <stdlib.h>
#include <string.h>

#include "hunt_clients.h"
#include "hunt_idtab.h"

#define MIN_HISTORY_USES 10
#define MIN_HISTORY_MS (24 * 3600 * 1000LL)
#define MATURE_USES 30
#define MATURE_MS (3 * 86400 * 1000LL)
#define OVERLAP_GRACE_MS (6 * 3600 * 1000LL) /* a move's old and new place may overlap so long */
#define RECENT_MS (2 * 86400 * 1000LL)       /* a client this recent was still in use */
#define GROUP_MS (3600 * 1000LL)
#define RATE_WINDOW_MS (3600 * 1000LL)
#define DETAILED 64 /* candidates whose hours and rate are looked at */
#define MIN_SCORE 1.0

enum { K_NET = 1, K_ASN, K_COUNTRY, K_AGENT, K_OP };

/* One client of the key as a candidate change point. */
struct cand {
    size_t first; /* index of its first use */
    int64_t first_ms, last_ms;
    uint64_t uses, failed, suspicious, tool, hosting;
    uint64_t new_op_uses;    /* its uses of operations the key had not called before it */
    uint64_t ops_introduced; /* operations it called first */
    bool net_new, asn_new, country_new, agent_new;
    /* The history before its first use. */
    uint64_t h_failed, h_suspicious, h_tool, h_hosting, h_buckets;
    uint64_t old_after; /* uses of earlier clients from first_ms + OVERLAP_GRACE_MS on */
    bool replaced;      /* earlier clients with its agent or network fell silent as it came */
    double score;
    uint32_t signals;
    enum kt_hunt_confidence confidence;
};

struct scan {
    const struct kt_hunt_use *u;
    size_t n;
    uint32_t *of_use;
    struct kt_hunt_idtab clients, ids;
    struct cand *cand; /* by client number */
    size_t cand_cap;
    size_t *op_first; /* by index of (K_OP, id) in ids */
    size_t op_cap;
};

/* a - b, saturated (times come from logs and may be anything). */
static int64_t diff_ms(int64_t a, int64_t b)
{
    int64_t d;
    if (__builtin_sub_overflow(a, b, &d)) {
        return a > b ? INT64_MAX : INT64_MIN;
    }
    return d;
}

static bool put_id(struct kt_hunt_idtab *t, int kind, uint64_t id, bool *added, uint32_t *e)
{
    *added = false;
    *e = KT_HUNT_IDTAB_NONE;
    if (id == 0) {
        return true;
    }
    *e = kt_hunt_idtab_put(t, (uint64_t)kind, id, added);
    return *e != KT_HUNT_IDTAB_NONE;
}

/* Pass 1: number the clients and count each one's facts against the history before it. */
static enum kt_rc count_clients(struct scan *s)
{
    uint64_t h_failed = 0, h_suspicious = 0, h_tool = 0, h_hosting = 0, h_buckets = 0;
    int64_t last_bucket = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct kt_hunt_use *u = &s->u[i];
        bool net_added, asn_added, country_added, agent_added, op_added;
        uint32_t e, op_e;
        uint64_t country =
            ((uint64_t)(unsigned char)u->country[0] << 8) | (unsigned char)u->country[1];
        if (!put_id(&s->ids, K_NET, u->net_id, &net_added, &e) ||
            !put_id(&s->ids, K_ASN, u->asn, &asn_added, &e) ||
            !put_id(&s->ids, K_COUNTRY, country, &country_added, &e) ||
            !put_id(&s->ids, K_AGENT, u->client_id, &agent_added, &e) ||
            !put_id(&s->ids, K_OP, u->op_id, &op_added, &op_e)) {
            return KT_ENOMEM;
        }
        bool client_added;
        uint32_t c =
            kt_hunt_idtab_put(&s->clients, kt_hunt_net_key(u), u->client_id, &client_added);
        if (c == KT_HUNT_IDTAB_NONE) {
            return KT_ENOMEM;
        }
        s->of_use[i] = c;
        if (client_added && c >= s->cand_cap) {
            size_t cap = s->cand_cap ? s->cand_cap * 2 : 64;
            struct cand *grown = realloc(s->cand, cap * sizeof(*grown));
            if (grown == NULL) {
                return KT_ENOMEM;
            }
            s->cand = grown;
            s->cand_cap = cap;
        }
        struct cand *x = &s->cand[c];
        if (client_added) {
            memset(x, 0, sizeof(*x));
            x->first = i;
            x->first_ms = u->time_ms;
            x->net_new = u->net_id != 0 ? net_added : asn_added;
            x->asn_new = asn_added;
            x->country_new = country_added;
            x->agent_new = agent_added;
            x->h_failed = h_failed;
            x->h_suspicious = h_suspicious;
            x->h_tool = h_tool;
            x->h_hosting = h_hosting;
            x->h_buckets = h_buckets;
        }
        if (op_e != KT_HUNT_IDTAB_NONE) {
            if (op_added) {
                if (op_e >= s->op_cap) {
                    size_t cap = s->op_cap ? s->op_cap * 2 : 256;
                    while (cap <= op_e) {
                        cap *= 2;
                    }
                    size_t *grown = realloc(s->op_first, cap * sizeof(*grown));
                    if (grown == NULL) {
                        return KT_ENOMEM;
                    }
                    s->op_first = grown;
                    s->op_cap = cap;
                }
                s->op_first[op_e] = i;
                x->ops_introduced++;
            }
            x->new_op_uses += s->op_first[op_e] >= x->first;
        }
        bool failed = (u->flags & KT_HUNT_USE_FAILED) != 0;
        bool suspicious = (u->flags & KT_HUNT_USE_SUSPICIOUS) != 0;
        bool tool = (u->flags & KT_HUNT_USE_TOOL) != 0;
        bool hosting = (u->flags & KT_HUNT_USE_HOSTING) != 0;
        x->uses++;
        x->failed += failed;
        x->suspicious += suspicious;
        x->tool += tool;
        x->hosting += hosting;
        x->last_ms = u->time_ms;
        h_failed += failed;
        h_suspicious += suspicious;
        h_tool += tool;
        h_hosting += hosting;
        int64_t bucket = u->time_ms / 3600000 - (u->time_ms % 3600000 < 0);
        if (i == 0 || bucket != last_bucket) {
            h_buckets++;
            last_bucket = bucket;
        }
    }
    return KT_OK;
}

/* First index at or after from whose time is at or after t (the uses are in time order). */
static size_t first_at_or_after(const struct kt_hunt_use *u, size_t n, size_t from, int64_t t)
{
    size_t lo = from, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u[mid].time_ms < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

struct overlap_at {
    size_t from; /* first index at or after the candidate's first use + grace */
    uint32_t client;
};

static int by_from_desc(const void *pa, const void *pb)
{
    const struct overlap_at *a = pa, *b = pb;
    if (a->from != b->from) {
        return a->from < b->from ? 1 : -1;
    }
    return (a->client > b->client) - (a->client < b->client);
}

/* For every client, the uses of the clients before it (smaller numbers) from its first use plus
 * the grace on: a backward sweep adding each use to a Fenwick tree over client numbers. */
static enum kt_rc count_old_after(struct scan *s, size_t n_clients)
{
    uint64_t *tree = calloc(n_clients + 1, sizeof(*tree));
    struct overlap_at *at = calloc(n_clients, sizeof(*at));
    enum kt_rc rc = KT_ENOMEM;
    if (tree == NULL || at == NULL) {
        goto out;
    }
    for (size_t c = 0; c < n_clients; c++) {
        int64_t t = s->cand[c].first_ms;
        t = t > INT64_MAX - OVERLAP_GRACE_MS ? INT64_MAX : t + OVERLAP_GRACE_MS;
        at[c] =
            (struct overlap_at){first_at_or_after(s->u, s->n, s->cand[c].first, t), (uint32_t)c};
    }
    qsort(at, n_clients, sizeof(*at), by_from_desc);
    size_t k = 0;
    for (size_t i = s->n;; i--) {
        while (k < n_clients && at[k].from >= i) {
            uint64_t sum = 0;
            for (size_t j = at[k].client; j > 0; j -= j & (~j + 1)) {
                sum += tree[j];
            }
            s->cand[at[k].client].old_after = sum;
            k++;
        }
        if (i == 0) {
            break;
        }
        for (size_t j = (size_t)s->of_use[i - 1] + 1; j <= n_clients; j += j & (~j + 1)) {
            tree[j]++;
        }
    }
    rc = KT_OK;
out:
    free(tree);
    free(at);
    return rc;
}

/* Folds client c's last use into the latest last use of its agent, its network and its ASN. */
static bool note_last(const struct scan *s, uint32_t c, struct kt_hunt_idtab *last_of,
                      int64_t **latest, size_t *cap)
{
    const struct cand *x = &s->cand[c];
    const struct kt_hunt_use *u = &s->u[x->first];
    uint64_t keys[3] = {u->client_id, kt_hunt_net_key(u), u->asn};
    for (int k = 0; k < 3; k++) {
        if (keys[k] == 0) {
            continue;
        }
        bool added;
        uint32_t e = kt_hunt_idtab_put(last_of, (uint64_t)k, keys[k], &added);
        if (e == KT_HUNT_IDTAB_NONE) {
            return false;
        }
        if (e >= *cap) {
            size_t grown_cap = *cap ? *cap * 2 : 256;
            int64_t *grown = realloc(*latest, grown_cap * sizeof(*grown));
            if (grown == NULL) {
                return false;
            }
            *latest = grown;
            *cap = grown_cap;
        }
        if (added || (*latest)[e] < x->last_ms) {
            (*latest)[e] = x->last_ms;
        }
    }
    return true;
}

/* Marks the clients that took an earlier one's place: the clients with the same agent, on the
 * same network or in the same ASN, that were established (first seen more than the grace
 * before it) were in use until recently and stopped within the grace of its arrival. A move
 * keeps the agent; an upgrade keeps the network; a redeployment keeps the provider. A move to
 * several networks at once compares each of them with the old places, not with each other. */
static enum kt_rc find_replaced(struct scan *s, size_t n_clients)
{
    struct kt_hunt_idtab last_of; /* (0, agent), (1, network) and (2, ASN) */
    kt_hunt_idtab_init(&last_of);
    int64_t *latest = NULL;
    size_t cap = 0, established = 0;
    enum kt_rc rc = KT_ENOMEM;
    for (size_t c = 0; c < n_clients; c++) {
        struct cand *x = &s->cand[c];
        while (established < c &&
               diff_ms(x->first_ms, s->cand[established].first_ms) > OVERLAP_GRACE_MS) {
            if (!note_last(s, (uint32_t)established, &last_of, &latest, &cap)) {
                goto out;
            }
            established++;
        }
        const struct kt_hunt_use *u = &s->u[x->first];
        uint64_t keys[3] = {u->client_id, kt_hunt_net_key(u), u->asn};
        for (int k = 0; k < 3; k++) {
            uint32_t e = keys[k] == 0 ? KT_HUNT_IDTAB_NONE
                                      : kt_hunt_idtab_get(&last_of, (uint64_t)k, keys[k]);
            if (e == KT_HUNT_IDTAB_NONE) {
                continue;
            }
            int64_t gap = diff_ms(latest[e], x->first_ms);
            if (gap >= -RECENT_MS && gap <= OVERLAP_GRACE_MS) {
                x->replaced = true;
            }
        }
    }
    rc = KT_OK;
out:
    kt_hunt_idtab_fini(&last_of);
    free(latest);
    return rc;
}

static bool history_enough(const struct scan *s, const struct cand *x, uint64_t uses, int64_t span)
{
    return x->first >= uses && diff_ms(s->u[x->first - 1].time_ms, s->u[0].time_ms) >= span;
}

/* Scores x from its counts (and, when detailed, its hours and rate signals already in
 * x->signals). */
static void judge(const struct scan *s, struct cand *x)
{
    uint64_t hist = x->first;
    uint32_t sig = x->signals & (KT_HUNT_SIG_HOURS | KT_HUNT_SIG_RATE);
    double score = 0;
    bool place_new = x->net_new || x->asn_new || x->country_new;
    /* A new /24 of a provider the key already uses is most often its own servers scaling. */
    bool far_place = x->asn_new || x->country_new;
    if (x->net_new) {
        sig |= KT_HUNT_SIG_NEW_NETWORK;
        score += x->asn_new ? 1.5 : 0.5;
    }
    if (x->country_new) {
        sig |= KT_HUNT_SIG_NEW_COUNTRY;
        score += 1.0;
    }
    if (x->agent_new) {
        sig |= KT_HUNT_SIG_NEW_CLIENT;
        /* A new agent on a known network is most often an upgrade. */
        score += place_new ? 1.5 : 0.5;
    }
    double new_op_share = (double)x->new_op_uses / (double)x->uses;
    bool new_ops = x->ops_introduced >= 2 || (x->ops_introduced >= 1 && new_op_share >= 0.1);
    if (new_ops) {
        sig |= KT_HUNT_SIG_NEW_OPS;
        score += 1.0 + 2.0 * new_op_share;
    }
    double h_fail_share = (double)x->h_failed / (double)hist;
    double fail_share = (double)x->failed / (double)x->uses;
    if (x->failed >= 3 && fail_share >= 0.1 && fail_share >= 3.0 * h_fail_share + 0.05) {
        sig |= KT_HUNT_SIG_ERRORS;
        score += 1.0;
    }
    if (x->suspicious > 0 && x->h_suspicious * 5 < hist) {
        sig |= KT_HUNT_SIG_SUSPICIOUS;
        score += 2.0 + (double)x->suspicious / (double)x->uses;
    }
    if (x->tool > 0 && x->h_tool * 5 < hist) {
        sig |= KT_HUNT_SIG_TOOL;
        score += 3.0;
    }
    if (x->hosting * 2 >= x->uses && x->h_hosting * 10 < hist) {
        sig |= KT_HUNT_SIG_HOSTING;
        score += 1.0;
    }
    score += (sig & KT_HUNT_SIG_HOURS) ? 0.75 : 0.0;
    score += (sig & KT_HUNT_SIG_RATE) ? 0.75 : 0.0;
    uint64_t carry_on = hist / 200;
    carry_on = carry_on < 3 ? 3 : carry_on > 50 ? 50 : carry_on;
    bool overlap = !x->replaced && x->old_after >= carry_on;
    bool flagged = (sig & (KT_HUNT_SIG_SUSPICIOUS | KT_HUNT_SIG_TOOL)) != 0;
    if (overlap) {
        sig |= KT_HUNT_SIG_OVERLAP;
        score *= 1.5;
    } else if (!new_ops && !flagged) {
        score *= 0.35; /* it took an old place over, or nothing carries on beside it: drift */
    }
    enum kt_hunt_confidence conf = KT_HUNT_CONF_LOW;
    if ((overlap && place_new && (x->agent_new || new_ops || flagged)) ||
        (flagged && new_ops && (place_new || x->agent_new))) {
        conf = KT_HUNT_CONF_HIGH;
    } else if ((overlap && far_place) || (new_ops && place_new) || flagged) {
        conf = KT_HUNT_CONF_MEDIUM;
    }
    if (conf == KT_HUNT_CONF_HIGH && !history_enough(s, x, MATURE_USES, MATURE_MS)) {
        conf = KT_HUNT_CONF_MEDIUM;
    }
    x->score = score;
    x->signals = sig;
    x->confidence = conf;
}

/* A candidate in the ranking. */
struct ranked {
    double score;
    size_t first;
    uint32_t client;
};

static int by_score_desc(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->score != b->score) {
        return a->score < b->score ? 1 : -1;
    }
    return (a->first > b->first) - (a->first < b->first);
}

static void rank(const struct scan *s, struct ranked *top, size_t n_top)
{
    for (size_t k = 0; k < n_top; k++) {
        top[k].score = s->cand[top[k].client].score;
        top[k].first = s->cand[top[k].client].first;
    }
    qsort(top, n_top, sizeof(*top), by_score_desc);
}

/* Hours and rate of the strongest candidates, then their final score. */
static enum kt_rc detail(struct scan *s, const struct ranked *top, size_t n_top, size_t n_clients)
{
    int32_t *slot = malloc(n_clients * sizeof(*slot));
    uint32_t(*hours)[24] = calloc(n_top ? n_top : 1, sizeof(*hours));
    uint32_t(*h_hours)[24] = calloc(n_top ? n_top : 1, sizeof(*h_hours));
    enum kt_rc rc = KT_ENOMEM;
    if (slot == NULL || hours == NULL || h_hours == NULL) {
        goto out;
    }
    for (size_t c = 0; c < n_clients; c++) {
        slot[c] = -1;
    }
    for (size_t k = 0; k < n_top; k++) {
        slot[top[k].client] = (int32_t)k;
    }
    /* The history's hours are taken when the sweep reaches each candidate's first use. */
    uint32_t running[24] = {0};
    for (size_t i = 0; i < s->n; i++) {
        uint32_t c = s->of_use[i];
        if (slot[c] >= 0 && s->cand[c].first == i) {
            memcpy(h_hours[slot[c]], running, sizeof(running));
        }
        int h = kt_hunt_hour_of(s->u[i].time_ms);
        running[h]++;
        if (slot[c] >= 0) {
            hours[slot[c]][h]++;
        }
    }
    for (size_t k = 0; k < n_top; k++) {
        struct cand *x = &s->cand[top[k].client];
        uint64_t hist = x->first, odd = 0;
        for (int h = 0; h < 24; h++) {
            if ((uint64_t)h_hours[k][h] * 100 < hist) {
                odd += hours[k][h];
            }
        }
        x->signals = 0;
        if (x->uses >= 3 && odd * 2 >= x->uses) {
            x->signals |= KT_HUNT_SIG_HOURS;
        }
        int64_t t = x->first_ms;
        t = t > INT64_MAX - RATE_WINDOW_MS ? INT64_MAX : t + RATE_WINDOW_MS;
        uint64_t burst = first_at_or_after(s->u, s->n, x->first, t) - x->first;
        double mean = (double)hist / (double)(x->h_buckets ? x->h_buckets : 1);
        if ((double)burst >= 4.0 * mean && (double)burst >= mean + 10.0) {
            x->signals |= KT_HUNT_SIG_RATE;
        }
        judge(s, x);
    }
    rc = KT_OK;
out:
    free(slot);
    free(hours);
    free(h_hours);
    return rc;
}

/* Folds candidates within GROUP_MS of a stronger one into it; writes the strongest first. */
static size_t group(const struct scan *s, const struct ranked *top, size_t n_top,
                    struct kt_hunt_changepoint *out, size_t cap)
{
    size_t n_out = 0;
    double own[DETAILED]; /* each kept point's own score, before what it absorbed */
    cap = cap < DETAILED ? cap : DETAILED;
    for (size_t k = 0; k < n_top; k++) {
        const struct cand *x = &s->cand[top[k].client];
        if (x->score < MIN_SCORE) {
            continue;
        }
        size_t j = 0;
        for (; j < n_out; j++) {
            int64_t dt = diff_ms(x->first_ms, out[j].time_ms);
            if (dt <= GROUP_MS && dt >= -GROUP_MS) {
                break;
            }
        }
        if (j < n_out) {
            struct kt_hunt_changepoint *p = &out[j];
            p->signals |= x->signals;
            p->score += 0.25 * x->score;
            if (x->confidence > p->confidence) {
                p->confidence = x->confidence;
            }
            if (x->first < p->at && x->score >= 0.5 * own[j]) {
                p->at = x->first;
                p->time_ms = x->first_ms;
            }
        } else if (n_out < cap) {
            own[n_out] = x->score;
            out[n_out++] = (struct kt_hunt_changepoint){.at = x->first,
                                                        .time_ms = x->first_ms,
                                                        .score = x->score,
                                                        .confidence = x->confidence,
                                                        .signals = x->signals};
        }
    }
    /* Absorbing changed the scores: strongest first again, earlier first on a tie. */
    for (size_t a = 1; a < n_out; a++) {
        struct kt_hunt_changepoint v = out[a];
        size_t b = a;
        while (b > 0 && (out[b - 1].score < v.score ||
                         (out[b - 1].score == v.score && out[b - 1].at > v.at))) {
            out[b] = out[b - 1];
            b--;
        }
        out[b] = v;
    }
    return n_out;
}

size_t kt_hunt_changepoints(const struct kt_hunt_use *u, size_t n, struct kt_hunt_changepoint *out,
                            size_t cap)
{
    if (n < MIN_HISTORY_USES + 1 || cap == 0 || n >= UINT32_MAX) {
        return 0;
    }
    struct scan s = {.u = u, .n = n};
    kt_hunt_idtab_init(&s.clients);
    kt_hunt_idtab_init(&s.ids);
    s.of_use = malloc(n * sizeof(*s.of_use));
    struct ranked *top = NULL;
    size_t n_out = 0;
    if (s.of_use == NULL || count_clients(&s) != KT_OK) {
        goto out;
    }
    size_t n_clients = s.clients.n;
    /* The key's history starts with a flagged client: it begins in the other party's hands. */
    const struct cand *origin = &s.cand[0];
    if ((origin->suspicious + origin->tool) * 10 >= origin->uses) {
        goto out;
    }
    if (count_old_after(&s, n_clients) != KT_OK || find_replaced(&s, n_clients) != KT_OK) {
        goto out;
    }
    top = malloc(n_clients * sizeof(*top));
    if (top == NULL) {
        goto out;
    }
    size_t n_top = 0;
    for (uint32_t c = 1; c < n_clients; c++) {
        struct cand *x = &s.cand[c];
        if (!history_enough(&s, x, MIN_HISTORY_USES, MIN_HISTORY_MS)) {
            continue;
        }
        x->signals = 0;
        judge(&s, x);
        if (x->score > 0) {
            top[n_top++].client = c;
        }
    }
    rank(&s, top, n_top);
    if (n_top > DETAILED) {
        n_top = DETAILED;
    }
    if (detail(&s, top, n_top, n_clients) != KT_OK) {
        goto out;
    }
    rank(&s, top, n_top);
    n_out = group(&s, top, n_top, out, cap);
out:
    free(top);
    free(s.of_use);
    free(s.cand);
    free(s.op_first);
    kt_hunt_idtab_fini(&s.clients);
    kt_hunt_idtab_fini(&s.ids);
    return n_out;
}
