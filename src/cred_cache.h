/*
 * Recognition cache: kt_cred_recognise() once per distinct (kind, value), not once per line.
 *
 * Fixed memory chosen at creation, 4-way set-associative, keyed by a 128-bit SipHash of the
 * candidate's kind and value under the process seed (src/hash.h). The raw value is never
 * stored: a slot holds the hash and the resulting struct kt_cred (which holds no secret bytes by
 * contract), or a "not a credential" mark. Negative results are cached too, so a line full of
 * non-credentials costs one SipHash per candidate after the first time.
 */
#ifndef KEYTRAIL_CRED_CACHE_H
#define KEYTRAIL_CRED_CACHE_H

#include <keytrail/credential.h>
#include <keytrail/error.h>

struct kt_cred_cache;

/*
 * Creates a cache for about `entries` credentials (rounded up to a power of two, at least 4;
 * capped at 2^24). Memory is fixed: roughly entries * (sizeof(struct kt_cred) + 24) bytes.
 * Returns KT_OK and *out, KT_EINVAL if out is NULL or entries is 0, KT_ENOMEM on failure.
 */
enum kt_rc kt_cred_cache_new(struct kt_cred_cache **out, size_t entries);

/* Releases the cache, wiping its table first. NULL is allowed. */
void kt_cred_cache_free(struct kt_cred_cache *cache);

/*
 * Same contract as kt_cred_recognise(), through the cache: returns true and fills *out for a
 * credential, false otherwise (negative results are cached too). A NULL cache recognises
 * directly.
 */
bool kt_cred_cache_resolve(struct kt_cred_cache *cache, const struct kt_cand *cand,
                           struct kt_cred *out);

/* Lookups answered from the table, and lookups that ran recognition. */
uint64_t kt_cred_cache_hits(const struct kt_cred_cache *cache);
uint64_t kt_cred_cache_misses(const struct kt_cred_cache *cache);

/* Number of slots (the rounded capacity). */
size_t kt_cred_cache_capacity(const struct kt_cred_cache *cache);

/*
 * For tests: the cache's whole table memory (slot tags and stored credentials), so a test can
 * check that no token bytes are ever stored. Sets *len to its size.
 */
const void *kt_cred_cache_debug_memory(const struct kt_cred_cache *cache, size_t *len);

#endif
