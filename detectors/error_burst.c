/*
 * error_burst: a surge of authorisation failures (401, 403, 429, AccessDenied,
 * UnauthorizedOperation) in one minute, far above the key's usual error rate: someone probing
 * what a leaked key can do.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>

#include "rate.h"
#include "timefmt.h"

enum { K_MIN_ERRORS, K_FACTOR, K_SIGMAS, K_SCORE };

static const struct kt_knob knobs[] = {
    [K_MIN_ERRORS] = { "min_per_minute", 8, "no minute with fewer failures is a burst" },
    [K_FACTOR] = { "factor", 5, "a burst is at least this many times the usual failures" },
    [K_SIGMAS] = { "sigmas", 6, "... and this many standard deviations above them" },
    [K_SCORE] = { "score", 55, "score of a failure burst" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    int64_t t = in->obs->time_ms;
    if (t == KT_TIME_NONE || !kt_obs_is_error(in->obs)) {
        return;
    }
    uint32_t cur = rate_current(&b->minute_errors, t, 60000, true);
    double threshold = rate_threshold(&b->minute_errors, in->knobs[K_MIN_ERRORS],
                                      in->knobs[K_FACTOR], in->knobs[K_SIGMAS]);
    if ((double)cur < threshold || (double)(cur - 1) >= threshold) {
        return;
    }
    char hour[KT_TIME_STRLEN];
    kt_time_format(t, hour);
    hour[13] = '\0';
    struct kt_finding f;
    kt_finding_start(&f, in, "error_burst", KT_SEV_HIGH, (int)in->knobs[K_SCORE], "%s", hour);
    double share = b->events ? 100.0 * (double)b->errors / (double)b->events : 0;
    kt_finding_reason(&f, "%" PRIu32 " refused requests (401/403/denied) within a minute; "
                      "usually %.1f per active minute, %.1f %% of all requests",
                      cur, (double)b->minute_errors.mean, share);
    kt_finding_extra(&f, "count", cur);
    emit(ctx, &f);
}

const struct kt_detector kt_det_error_burst = {
    .name = "error_burst",
    .summary = "a surge of 401/403/AccessDenied: probing with a leaked key",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_VOLUME,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
