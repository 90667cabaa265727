/*
 * leaked_key: the key is on the user's --leaked list; every use at or after the declared leak
 * time is critical, whatever the baseline says — a leaked key must be rotated, and the uses
 * after the leak are exactly what an incident responder needs to see.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <stdio.h>

#include "timefmt.h"

enum { K_SCORE };

static const struct kt_knob knobs[] = {
    [K_SCORE] = { "score", 95, "score of a use after the leak" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    if (in->leak_ms == KT_TIME_NONE || in->obs->time_ms == KT_TIME_NONE ||
        in->obs->time_ms < in->leak_ms) {
        return;
    }
    struct kt_finding f;
    kt_finding_start(&f, in, "leaked_key", KT_SEV_CRITICAL, (int)in->knobs[K_SCORE], "after-leak");
    char where[96];
    snprintf(where, sizeof(where), "%s%s%s", f.ip[0] ? f.ip : "an unknown address",
             f.country[0] ? ", " : "", f.country);
    if (in->leak_ms == INT64_MIN + 1) {
        kt_finding_reason(&f, "use of a key declared leaked, from %s", where);
    } else {
        char t[KT_TIME_STRLEN];
        kt_time_format(in->leak_ms, t);
        int64_t minutes = (in->obs->time_ms - in->leak_ms) / 60000;
        kt_finding_reason(&f, "used %" PRId64 " minutes after the declared leak (%s), from %s",
                          minutes, t, where);
        kt_finding_extra(&f, "minutes_after_leak", (double)minutes);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_leaked_key = {
    .name = "leaked_key",
    .summary = "use of a key declared leaked (--leaked), at or after the leak time",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
