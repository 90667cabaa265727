/*
 * impossible_travel: consecutive uses from places too far apart for the time between them —
 * faster than an airliner (about 900 km/h by default) — or at the same time from distant
 * places (the owner and a thief in parallel).
 *
 * Distances shrink by both locations' accuracy radii, so city-level geolocation that puts a
 * mobile user 50 km off never looks like travel. Only a use from a place the key has not been
 * seen at is judged: a key that is normally used from two regions (CI in two clouds, a team in
 * two offices) does not "travel" between them.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>

enum { K_SPEED, K_MIN_KM, K_CONCURRENT_MIN, K_KNOWN_KM, K_SCORE, K_SCORE_CONCURRENT };

static const struct kt_knob knobs[] = {
    [K_SPEED] = { "max_speed_kmh", 900, "fastest plausible travel, km/h" },
    [K_MIN_KM] = { "min_distance_km", 300, "ignore moves shorter than this (after accuracy)" },
    [K_CONCURRENT_MIN] = { "concurrent_minutes", 15,
                           "uses this close in time count as concurrent" },
    [K_KNOWN_KM] = { "known_place_km", 100, "a place within this of a known one is not new" },
    [K_SCORE] = { "score", 70, "score of impossible travel" },
    [K_SCORE_CONCURRENT] = { "score_concurrent", 80, "score of concurrent use from far apart" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    const struct kt_geo *g = in->geo;
    if (!in->has_geo || in->broad || !g->has_location || !b->has_last_place ||
        in->ev->time_ms == KT_TIME_NONE) {
        return;
    }
    double known = kt_baseline_nearest_place_km(b, g->lat, g->lon);
    if (known >= 0 && known <= in->knobs[K_KNOWN_KM]) {
        return;
    }
    double km = kt_geo_distance_km(b->last_lat, b->last_lon, g->lat, g->lon);
    double margin = (double)b->last_accuracy_km + (double)g->accuracy_km;
    double effective = km - margin;
    if (effective < in->knobs[K_MIN_KM]) {
        return;
    }
    double hours = (double)(in->ev->time_ms - b->last_place_ms) / 3.6e6;
    double minutes = hours * 60;
    bool concurrent = fabs(minutes) <= in->knobs[K_CONCURRENT_MIN];
    double speed = effective / (fabs(hours) < 1.0 / 60 ? 1.0 / 60 : fabs(hours));
    if (!concurrent && speed <= in->knobs[K_SPEED]) {
        return;
    }
    char from[3] = { b->last_country[0], b->last_country[1], '\0' };
    struct kt_finding f;
    kt_finding_start(&f, in, "impossible_travel", KT_SEV_HIGH,
                     (int)(concurrent ? in->knobs[K_SCORE_CONCURRENT] : in->knobs[K_SCORE]),
                     "%s>%s", from[0] ? from : "??", g->country[0] ? g->country : "??");
    if (concurrent) {
        kt_finding_reason(&f, "used from %s and from %s (%s), %.0f km apart, within %.0f minutes",
                          from[0] ? from : "a known place", g->city[0] ? g->city : f.ip,
                          g->country[0] ? g->country : "?", km, fabs(minutes));
    } else {
        kt_finding_reason(&f,
                          "moved %.0f km from %s to %s (%s) in %.1f h: %.0f km/h, faster than "
                          "%.0f km/h",
                          km, from[0] ? from : "a known place", g->city[0] ? g->city : f.ip,
                          g->country[0] ? g->country : "?", fabs(hours), speed,
                          in->knobs[K_SPEED]);
    }
    kt_finding_extra(&f, "distance_km", round(km));
    kt_finding_extra(&f, "minutes", round(fabs(minutes)));
    kt_finding_extra(&f, "speed_kmh", round(speed));
    emit(ctx, &f);
}

const struct kt_detector kt_det_impossible_travel = {
    .name = "impossible_travel",
    .summary = "consecutive uses too far apart for the time between them, or concurrent use",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = true,
    .needs_geo = true,
    .knobs = knobs,
    .n_knobs = sizeof(knobs) / sizeof(knobs[0]),
    .check = check,
};
