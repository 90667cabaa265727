/*
 * Shared by the rate detectors: the count of the bucket an event falls in, this event
 * included, and how far that count stands above the key's usual active buckets.
 */
#ifndef KEYTRAIL_DETECTORS_RATE_H
#define KEYTRAIL_DETECTORS_RATE_H

#include <keytrail/baseline.h>

#include <math.h>

/* The count of the current bucket with one more event at t_ms (bucket width width_ms). */
static inline uint32_t rate_current(const struct kt_bl_rate *r, int64_t t_ms, int64_t width_ms,
                                    bool counts)
{
    bool same = r->buckets + r->count > 0 && t_ms >= r->bucket_start_ms &&
                t_ms < r->bucket_start_ms + width_ms;
    uint32_t base = same ? r->count : 0;
    return base + (counts ? 1u : 0u);
}

/* The count an active bucket must reach to be a spike: the larger of an absolute floor, a
 * multiple of the mean, and the mean plus some standard deviations. */
static inline double rate_threshold(const struct kt_bl_rate *r, double floor_count,
                                    double factor, double sigmas)
{
    double mean = r->mean > 0 ? r->mean : 0;
    double sd = r->var > 0 ? sqrt(r->var) : 0;
    double t = floor_count;
    if (mean * factor > t) {
        t = mean * factor;
    }
    if (mean + sigmas * sd > t) {
        t = mean + sigmas * sd;
    }
    return t;
}

#endif
