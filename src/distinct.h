/*
 * Counting distinct values in fixed memory: exact for the first KT_DISTINCT_EXACT values
 * (their 64-bit hashes), then a HyperLogLog sketch of 2^KT_HLL_BITS one-byte registers
 * (standard error about 1.04 / sqrt(256) = 6.5 %). Feed it seeded hashes of the values.
 */
#ifndef KEYTRAIL_DISTINCT_H
#define KEYTRAIL_DISTINCT_H

#include <keytrail/common.h>

#define KT_DISTINCT_EXACT 16
#define KT_HLL_BITS 8
#define KT_HLL_REGS (1u << KT_HLL_BITS)

struct kt_distinct {
    uint8_t n_exact; /* values held exactly; KT_DISTINCT_EXACT + 1 once the sketch is used */
    uint64_t exact[KT_DISTINCT_EXACT];
    uint8_t *regs;   /* allocated when the exact set overflows */
};

void kt_distinct_init(struct kt_distinct *d);
void kt_distinct_fini(struct kt_distinct *d);
/* Adds a hashed value; returns false only when the sketch could not be allocated. */
bool kt_distinct_add(struct kt_distinct *d, uint64_t hash);
/* The count: exact while small, an estimate after. */
uint64_t kt_distinct_count(const struct kt_distinct *d);
static inline bool kt_distinct_is_exact(const struct kt_distinct *d)
{
    return d->regs == NULL;
}

#endif
