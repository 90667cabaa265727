/*
 * Recognition cache (see cred_cache.h for the contract).
 *
 * Layout: one allocation holding three arrays, so the table's memory is one region:
 *   tags[nsets][4]   16 bytes each: the 128-bit SipHash of (kind, value), low two bits of the
 *                    high word reused as "occupied" (bit 0) and "is a credential" (bit 1); a
 *                    set's four tags are one 64-byte cache line
 *   creds[nsets][4]  the recognised credential of each occupied positive slot
 *   next[nsets]      round-robin victim of each set
 * A lookup hashes the value once (the kind selects a per-kind seed, so no bytes are copied),
 * compares at most four tags and copies one struct kt_cred on a hit. A miss runs
 * kt_cred_recognise() and replaces the set's next victim (an empty way first).
 *
 * 126 hash bits stand in for the value: an accidental collision (two distinct values answered
 * with each other's result) has probability ~n^2 / 2^127, and the seed is secret per process, so
 * collisions cannot be crafted. The value itself never reaches the table.
 */
#include "cred_cache.h"

#include "cred_internal.h"
#include "hash.h"

#include <stdlib.h>

#define WAYS 4
#define CACHE_MAX_ENTRIES ((size_t)1 << 24)
#define TAG_OCCUPIED 1u
#define TAG_POSITIVE 2u
#define TAG_BITS 3u

struct tag {
    uint64_t h0, h1;
};

struct kt_cred_cache {
    size_t nsets; /* power of two */
    struct tag *tags;
    struct kt_cred *creds;
    uint8_t *next;
    void *mem;
    size_t mem_len;
    struct kt_hash_seed seeds[KT_CAND__COUNT];
    uint64_t hits, misses;
};

enum kt_rc kt_cred_cache_new(struct kt_cred_cache **out, size_t entries)
{
    if (out == NULL) {
        return KT_EINVAL;
    }
    *out = NULL;
    if (entries == 0) {
        return KT_EINVAL;
    }
    enum kt_rc rc = KT_ENOMEM;
    size_t cap = WAYS;
    while (cap < entries && cap < CACHE_MAX_ENTRIES) {
        cap <<= 1;
    }
    struct kt_cred_cache *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        goto out;
    }
    c->nsets = cap / WAYS;
    size_t tags_len = cap * sizeof(struct tag);
    size_t creds_len = cap * sizeof(struct kt_cred);
    c->mem_len = tags_len + creds_len + c->nsets;
    c->mem = calloc(1, c->mem_len);
    if (c->mem == NULL) {
        goto out;
    }
    c->tags = c->mem;
    c->creds = (struct kt_cred *)((char *)c->mem + tags_len);
    c->next = (uint8_t *)c->mem + tags_len + creds_len;
    const struct kt_hash_seed *g = kt_hash_seed_global();
    for (size_t k = 0; k < KT_CAND__COUNT; k++) {
        c->seeds[k].k0 = g->k0 ^ ((uint64_t)(k + 1) * 0x9e3779b97f4a7c15ULL);
        c->seeds[k].k1 = g->k1;
    }
    *out = c;
    c = NULL;
    rc = KT_OK;
out:
    kt_cred_cache_free(c);
    return rc;
}

void kt_cred_cache_free(struct kt_cred_cache *cache)
{
    if (cache == NULL) {
        return;
    }
    kt_wipe(cache->mem, cache->mem_len);
    free(cache->mem);
    kt_wipe(cache->seeds, sizeof(cache->seeds));
    free(cache);
}

/* What kt_cred_recognise() leaves in out for a non-credential. */
static void cred_negative(struct kt_cred *out)
{
    memset(out, 0, sizeof(*out));
    out->jwt.exp = KT_TIME_NONE;
    out->jwt.iat = KT_TIME_NONE;
    out->jwt.nbf = KT_TIME_NONE;
}

bool kt_cred_cache_resolve(struct kt_cred_cache *cache, const struct kt_cand *cand,
                           struct kt_cred *out)
{
    if (cache == NULL || cand == NULL || (unsigned)cand->kind >= KT_CAND__COUNT ||
        cand->value.len > KT_CRED_VALUE_MAX || (cand->value.ptr == NULL && cand->value.len)) {
        return kt_cred_recognise(cand, out);
    }
    uint64_t h[2];
    kt_siphash128(&cache->seeds[cand->kind], cand->value.ptr != NULL ? cand->value.ptr : "",
                  cand->value.len, h);
    uint64_t key1 = (h[1] & ~(uint64_t)TAG_BITS) | TAG_OCCUPIED;
    size_t set = (size_t)h[0] & (cache->nsets - 1);
    struct tag *tags = &cache->tags[set * WAYS];
    for (size_t w = 0; w < WAYS; w++) {
        if (tags[w].h0 == h[0] && (tags[w].h1 & ~(uint64_t)TAG_POSITIVE) == key1) {
            cache->hits++;
            if (tags[w].h1 & TAG_POSITIVE) {
                /* The JWT block is most of the struct and meaningless for other families. */
                const struct kt_cred *c = &cache->creds[set * WAYS + w];
                memcpy(out, c,
                       c->family == KT_FAM_JWT ? sizeof(*out) : offsetof(struct kt_cred, jwt));
                return true;
            }
            cred_negative(out);
            return false;
        }
    }
    cache->misses++;
    bool ok = kt_cred_recognise(cand, out);
    size_t victim = WAYS;
    for (size_t w = 0; w < WAYS; w++) {
        if ((tags[w].h1 & TAG_OCCUPIED) == 0) {
            victim = w;
            break;
        }
    }
    if (victim == WAYS) {
        victim = cache->next[set] % WAYS;
        cache->next[set] = (uint8_t)((victim + 1) % WAYS);
    }
    tags[victim].h0 = h[0];
    tags[victim].h1 = key1 | (ok ? TAG_POSITIVE : 0);
    if (ok) {
        memcpy(&cache->creds[set * WAYS + victim], out, sizeof(*out));
    }
    return ok;
}

uint64_t kt_cred_cache_hits(const struct kt_cred_cache *cache)
{
    return cache != NULL ? cache->hits : 0;
}

uint64_t kt_cred_cache_misses(const struct kt_cred_cache *cache)
{
    return cache != NULL ? cache->misses : 0;
}

size_t kt_cred_cache_capacity(const struct kt_cred_cache *cache)
{
    return cache != NULL ? cache->nsets * WAYS : 0;
}

const void *kt_cred_cache_debug_memory(const struct kt_cred_cache *cache, size_t *len)
{
    if (cache == NULL) {
        *len = 0;
        return NULL;
    }
    *len = cache->mem_len;
    return cache->mem;
}
