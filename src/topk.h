/*
 * The most frequent values of a stream in fixed memory: the space-saving algorithm with
 * KT_TOPK_SLOTS counters. A new value evicts the least-counted slot and inherits its count, so
 * heavy hitters are never lost; counts of the tail are over-estimates (bounded by the evicted
 * count, kept as `error`).
 */
#ifndef KEYTRAIL_TOPK_H
#define KEYTRAIL_TOPK_H

#include <keytrail/common.h>

#define KT_TOPK_SLOTS 4
#define KT_TOPK_TEXT 120

struct kt_topk_slot {
    uint64_t hash;
    uint64_t count;
    uint64_t error;
    char text[KT_TOPK_TEXT]; /* NUL-terminated, truncated */
};

struct kt_topk {
    struct kt_topk_slot slot[KT_TOPK_SLOTS];
    unsigned used;
};

void kt_topk_init(struct kt_topk *t);

/*
 * Counts one occurrence of the value with this hash. When the value needs a slot, render is
 * called to write its display text into out (capacity KT_TOPK_TEXT) — so redaction runs once per
 * new value, not per occurrence.
 */
void kt_topk_add(struct kt_topk *t, uint64_t hash,
                 void (*render)(void *ctx, char *out, size_t cap), void *ctx);

/* Slots sorted by count, highest first (stable by text); returns how many are used. */
unsigned kt_topk_sorted(const struct kt_topk *t, const struct kt_topk_slot **out);

#endif
