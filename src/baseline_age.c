/*
 * Ageing a baseline (kt_baseline_age): what a key did long ago stops counting as its habit.
 *
 * Set entries (addresses, networks, countries, autonomous systems, places, agents) unused for the
 * retention period are dropped, keeping the others in their order (the sets are dense: the
 * serialiser and the learner stop at the first empty slot). The hour and weekday profiles are
 * halved whenever their total passes KT_BL_PROFILE_CAP, so their shape follows the recent
 * months rather than the first ones. Rates need nothing: their histories are exponentially
 * weighted already. Everything runs on event time.
 */
#include <keytrail/baseline.h>

#include "baseline_int.h"

#define KT_BL_PROFILE_CAP 65536u

#include <stddef.h>

/* Compacts a dense set of entries (stride bytes each, a uint32 count and an int32 last day at
 * the given offsets), dropping those last used before cut. Returns how many were dropped. */
static size_t age_set(void *set, size_t cap, size_t stride, size_t count_off, size_t day_off,
                      int32_t cut)
{
    uint8_t *p = set;
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < cap; i++) {
        uint32_t count;
        int32_t day;
        memcpy(&count, p + i * stride + count_off, sizeof(count));
        memcpy(&day, p + i * stride + day_off, sizeof(day));
        if (count == 0) {
            break;
        }
        if (day >= cut) {
            memmove(p + kept * stride, p + i * stride, stride);
            kept++;
        } else {
            dropped++;
        }
    }
    memset(p + kept * stride, 0, (cap - kept) * stride);
    return dropped;
}

#define AGE(arr, cap, type, cut)                                                                   \
    age_set((arr), (cap), sizeof(type), offsetof(type, count), offsetof(type, last_day), (cut))

static void decay_profile(uint32_t *cells, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += cells[i];
    }
    if (total > KT_BL_PROFILE_CAP) {
        for (size_t i = 0; i < n; i++) {
            /* Halve, but a cell that was used keeps at least one use. */
            cells[i] = cells[i] > 1 ? cells[i] / 2 : cells[i];
        }
    }
}

size_t kt_baseline_age(struct kt_baseline *b, int64_t now_ms, uint32_t entry_days)
{
    if (!kt_bl_time_ok(now_ms) || entry_days == 0) {
        return 0;
    }
    int64_t cut64 = (int64_t)kt_bl_day(now_ms) - entry_days;
    int32_t cut = cut64 < INT32_MIN ? INT32_MIN : (int32_t)cut64;
    size_t dropped = 0;
    dropped += AGE(b->ips, KT_BL_IPS, struct kt_bl_item, cut);
    dropped += AGE(b->nets, KT_BL_NETS, struct kt_bl_item, cut);
    dropped += AGE(b->asns, KT_BL_ASNS, struct kt_bl_item, cut);
    dropped += AGE(b->countries, KT_BL_COUNTRIES, struct kt_bl_country, cut);
    dropped += AGE(b->places, KT_BL_PLACES, struct kt_bl_place, cut);
    dropped += AGE(b->agents, KT_BL_AGENTS, struct kt_bl_agent, cut);
    decay_profile(b->hours, 24);
    decay_profile(b->weekdays, 7);
    return dropped;
}
