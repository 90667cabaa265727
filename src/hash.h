/*
 * Seeded hashing for keys an attacker controls (tokens, IPs, user agents from logs).
 *
 * Two hashes, both keyed with a per-process random seed so nobody can craft log lines that
 * collide in our tables:
 *  - SipHash-2-4 where the hash stands in for the value itself: the credential cache keys tokens
 *    by their 128-bit hash and never stores the token, so a collision would misattribute a key.
 *  - kt_hash, a seeded folded-multiply hash (in the manner of wyhash), for table slots and
 *    sketches, where a collision costs only a probe or one miscount. It is several times faster
 *    on the short strings logs are made of, and its seed never leaves the process, so an
 *    attacker cannot aim at a bucket.
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

/* Seeded fast hash of data for table slots and sketches (global seed). */
uint64_t kt_hash(const void *data, size_t len);

#endif
