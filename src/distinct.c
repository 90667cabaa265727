/*
 * Distinct counting (distinct.h). The HyperLogLog estimate uses the raw harmonic-mean
 * estimator with the small-range (linear counting) correction, which is what matters at the
 * sizes a single key sees; the large-range correction is irrelevant for 64-bit hashes.
 */
#include "distinct.h"

#include <math.h>
#include <stdlib.h>

void kt_distinct_init(struct kt_distinct *d)
{
    memset(d, 0, sizeof(*d));
}

void kt_distinct_fini(struct kt_distinct *d)
{
    if (d != NULL) {
        free(d->regs);
        d->regs = NULL;
    }
}

static void hll_add(uint8_t *regs, uint64_t hash)
{
    unsigned idx = (unsigned)(hash >> (64 - KT_HLL_BITS));
    uint64_t rest = (hash << KT_HLL_BITS) | (1ULL << (KT_HLL_BITS - 1));
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > regs[idx]) {
        regs[idx] = rank;
    }
}

bool kt_distinct_add(struct kt_distinct *d, uint64_t hash)
{
    if (d->regs != NULL) {
        hll_add(d->regs, hash);
        return true;
    }
    for (unsigned i = 0; i < d->n_exact; i++) {
        if (d->exact[i] == hash) {
            return true;
        }
    }
    if (d->n_exact < KT_DISTINCT_EXACT) {
        d->exact[d->n_exact++] = hash;
        return true;
    }
    d->regs = calloc(KT_HLL_REGS, 1);
    if (d->regs == NULL) {
        return false;
    }
    for (unsigned i = 0; i < d->n_exact; i++) {
        hll_add(d->regs, d->exact[i]);
    }
    hll_add(d->regs, hash);
    return true;
}

uint64_t kt_distinct_count(const struct kt_distinct *d)
{
    if (d->regs == NULL) {
        return d->n_exact;
    }
    double m = KT_HLL_REGS, sum = 0;
    unsigned zeros = 0;
    for (unsigned i = 0; i < KT_HLL_REGS; i++) {
        sum += ldexp(1.0, -d->regs[i]);
        zeros += d->regs[i] == 0;
    }
    double alpha = 0.7213 / (1.0 + 1.079 / m);
    double est = alpha * m * m / sum;
    if (est <= 2.5 * m && zeros > 0) {
        est = m * log(m / zeros);
    }
    uint64_t n = (uint64_t)(est + 0.5);
    return n > KT_DISTINCT_EXACT ? n : KT_DISTINCT_EXACT + 1;
}
