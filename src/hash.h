/*
 * Seeded hashing for keys an attacker controls (tokens, IPs, user agents from logs).
 *
 * SipHash-2-4 with a per-process random seed, so nobody can craft log lines that collide in our
 * tables. The 128-bit variant is used where a hash stands in for the value itself (the
 * credential cache keys tokens by their hash and never stores the token).
 */
#ifndef KEYTRAIL_HASH_H
#define KEYTRAIL_HASH_H

#include <keytrail/common.h>

struct kt_hash_seed {
    uint64_t k0, k1;
};

/* The process-wide seed, drawn from the OS on first use (a fixed value if that fails). */
const struct kt_hash_seed *kt_hash_seed_global(void);

/* SipHash-2-4, 64-bit output. */
uint64_t kt_siphash64(const struct kt_hash_seed *seed, const void *data, size_t len);

/* SipHash-2-4, 128-bit output, written to out[0] (low) and out[1] (high). */
void kt_siphash128(const struct kt_hash_seed *seed, const void *data, size_t len,
                   uint64_t out[2]);

/* Shorthand: 64-bit hash with the global seed. */
static inline uint64_t kt_hash(const void *data, size_t len)
{
    return kt_siphash64(kt_hash_seed_global(), data, len);
}

#endif
