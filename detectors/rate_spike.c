/*
 * rate_spike: a burst of requests far above the key's own usual rate, at minute or hour scale
 * — a stolen key put to work (scraping, abuse, spam). The usual rate is the exponentially
 * weighted mean and variance of the key's active minutes and hours, so steady growth moves the
 * baseline along and never looks like a spike.
 *
 * A burst whose crossing request comes from one of the key's own addresses
 * (kt_baseline_addr_established), with its usual client, for an operation it already calls, is the owner's own job working harder (a new
 * batch): reported at score_known_place (medium). A thief's burst comes from their addresses.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>

#include "rate.h"
#include "timefmt.h"

enum { K_FACTOR, K_SIGMAS, K_MAX_FACTOR, K_MIN_MINUTE, K_MIN_HOUR, K_MIN_BUCKETS, K_SCORE,
       K_SCORE_KNOWN };

static const struct kt_knob knobs[] = {
    [K_FACTOR] = { "factor", 8, "a spike is at least this many times the usual rate" },
    [K_SIGMAS] = { "sigmas", 6, "... and this many standard deviations above it" },
    [K_MAX_FACTOR] = { "max_factor", 1.5, "... and this many times the largest burst seen" },
    [K_MIN_MINUTE] = { "min_per_minute", 20, "no minute under this many requests is a spike" },
    [K_MIN_HOUR] = { "min_per_hour", 60, "no hour under this many requests is a spike" },
    [K_MIN_BUCKETS] = { "min_history", 20, "active minutes needed before judging" },
    [K_SCORE] = { "score", 45, "score of a spike at its threshold (rises with its size)" },
    [K_SCORE_KNOWN] = { "score_known_place", 30,
                        "score of a spike from one of the key's own addresses with the usual "
                        "client and operations (the owner's own job)" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    int64_t t = in->obs->time_ms;
    if (t == KT_TIME_NONE || b->minute.buckets < in->knobs[K_MIN_BUCKETS]) {
        return;
    }
    const struct {
        const struct kt_bl_rate *rate;
        int64_t width;
        double floor;
        const char *unit;
    } scales[] = {
        { &b->minute, 60000, in->knobs[K_MIN_MINUTE], "minute" },
        { &b->hour, 3600000, in->knobs[K_MIN_HOUR], "hour" },
    };
    for (size_t i = 0; i < 2; i++) {
        uint32_t cur = rate_current(scales[i].rate, t, scales[i].width, true);
        double threshold =
            rate_threshold(scales[i].rate, scales[i].floor, in->knobs[K_FACTOR], in->knobs[K_SIGMAS]);
        /* A key that already had bursts this large (a nightly batch) is not spiking. */
        if (threshold < in->knobs[K_MAX_FACTOR] * scales[i].rate->max) {
            threshold = in->knobs[K_MAX_FACTOR] * scales[i].rate->max;
        }
        /* Fire once, as the bucket crosses the threshold. */
        if ((double)cur < threshold || (double)(cur - 1) >= threshold) {
            continue;
        }
        char hour[KT_TIME_STRLEN];
        kt_time_format(t, hour);
        hour[13] = '\0';
        double ratio = scales[i].rate->mean > 0 ? cur / scales[i].rate->mean : cur;
        int score = (int)(in->knobs[K_SCORE] + 10 * log2(ratio / in->knobs[K_FACTOR] + 1));
        bool own = in->usual_client && kt_baseline_addr_established(b, in->obs) &&
                   (in->obs->op.len == 0 || kt_baseline_has_op(b, in->obs->op));
        int full = KT_MIN(score, 90);
        if (own) {
            score = KT_MIN(score, (int)in->knobs[K_SCORE_KNOWN]);
        }
        struct kt_finding f;
        kt_finding_start(&f, in, "rate_spike", score >= 60 ? KT_SEV_HIGH : KT_SEV_MEDIUM,
                         KT_MIN(score, 90), "%s:%s", scales[i].unit, hour);
        kt_finding_reason(&f, "%" PRIu32 " requests in one %s, %.0f times the key's usual %.1f "
                          "per active %s%s",
                          cur, scales[i].unit, ratio, (double)scales[i].rate->mean,
                          scales[i].unit,
                          own ? ", from one of the key's own addresses with the usual client and operations"
                              : "");
        kt_finding_extra(&f, "count", cur);
        kt_finding_extra(&f, "usual", round(scales[i].rate->mean * 10) / 10);
        if (own && full > score) {
            /* What it counts for when something else changed in what the key does or how
             * (engine.c): a thief's burst among the owner's own requests. */
            kt_finding_extra(&f, "full_score", full);
        }
        emit(ctx, &f);
    }
}

const struct kt_detector kt_det_rate_spike = {
    .name = "rate_spike",
    .summary = "a request rate far above the key's own usual rate (minute or hour)",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_VOLUME,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
