/*
 * unusual_hour: use at an hour of the day (UTC) in which the key is almost never used —
 * a developer's token at 03:00 while the developer sleeps. Keys used around the clock (services,
 * CI) have no unusual hours and are not judged. Neighbouring hours count, so a user who
 * sometimes works late is not flagged at the edge of their day.
 *
 * From one of the key's own addresses (kt_baseline_addr_established), with its usual client,
 * for an operation it already calls, a new hour is the owner's own machine on a new schedule (a nightly batch job): low.
 * A thief's night comes from elsewhere, or with another client, or asks for something new.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <stdio.h>

#include "timefmt.h"

enum { K_MAX_SHARE, K_MIN_EVENTS, K_BUSY_HOURS, K_SCORE, K_SCORE_NEW_ADDRESS, K_SCORE_ROUTINE };

static const struct kt_knob knobs[] = {
    [K_MAX_SHARE] = { "max_share", 0.01, "an hour (with its neighbours) holding less than this "
                                         "share of past use is unusual" },
    [K_MIN_EVENTS] = { "min_events", 100, "history needed before judging hours" },
    [K_BUSY_HOURS] = { "around_the_clock_hours", 18,
                       "a key active in this many hours is used around the clock" },
    [K_SCORE] = { "score", 30, "score of use at an unusual hour" },
    [K_SCORE_NEW_ADDRESS] = { "score_new_address", 65,
                              "score when it also comes from a new address in the key's home "
                              "country (not a trip to another time zone)" },
    [K_SCORE_ROUTINE] = { "score_known_place", 10,
                          "score when it comes from one of the key's own addresses with the usual "
                          "client, for an operation the key already calls (a new scheduled job)" },
};

/* Whether country is the one the key is used from most. */
static bool home_country(const struct kt_baseline *b, const char country[3])
{
    const struct kt_bl_country *top = NULL;
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        if (b->countries[i].code[0] != '\0' && (top == NULL || b->countries[i].count > top->count)) {
            top = &b->countries[i];
        }
    }
    return top != NULL && top->code[0] == country[0] && top->code[1] == country[1];
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    int64_t t = in->obs->time_ms;
    if (t == KT_TIME_NONE || b->events < in->knobs[K_MIN_EVENTS]) {
        return;
    }
    uint64_t total = 0;
    int active = 0;
    for (int h = 0; h < 24; h++) {
        total += b->hours[h];
    }
    for (int h = 0; h < 24; h++) {
        active += total > 0 && (double)b->hours[h] / (double)total >= 0.005;
    }
    if (total == 0 || active >= in->knobs[K_BUSY_HOURS]) {
        return;
    }
    int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
    int hour = (int)(((secs % 86400) + 86400) % 86400 / 3600);
    double share = kt_baseline_hour_share(b, hour) + kt_baseline_hour_share(b, (hour + 23) % 24) +
                   kt_baseline_hour_share(b, (hour + 1) % 24);
    if (share >= in->knobs[K_MAX_SHARE]) {
        return;
    }
    /* At night from an address the key never used, in its home country: abroad, odd hours are
     * just another time zone; at home they are not. */
    const struct kt_geo *g = &in->obs->geo;
    bool new_address = in->ev->ip.len > 0 && !kt_baseline_knows_ip(b, in->obs) &&
                       !kt_baseline_knows_net(b, in->obs);
    bool boosted = new_address && g != NULL && g->country[0] != '\0' && home_country(b, g->country);
    bool routine = !new_address && in->usual_client &&
                   kt_baseline_addr_established(b, in->obs) &&
                   (in->obs->op.len == 0 || kt_baseline_has_op(b, in->obs->op));
    struct kt_finding f;
    char day[KT_TIME_STRLEN];
    kt_time_format(t, day);
    day[10] = '\0';
    /* One finding per day: a night of use is one story, however many hours it spans. The
     * owner's own job has its own, so that a thief's use the same night is not folded into
     * it. */
    kt_finding_start(&f, in, "unusual_hour", routine ? KT_SEV_LOW : KT_SEV_MEDIUM,
                     (int)in->knobs[boosted   ? K_SCORE_NEW_ADDRESS
                                    : routine ? K_SCORE_ROUTINE
                                              : K_SCORE],
                     "%s%s", day, routine ? " own address" : "");
    char n[32];
    kt_fmt_count(total, n, sizeof(n));
    kt_finding_reason(&f, "use at %02d:%02d UTC%s; %.1f %% of %s earlier requests fell within an "
                      "hour of that time",
                      hour, (int)(((secs % 3600) + 3600) % 3600 / 60),
                      boosted   ? " from a new address in the key's home country"
                      : routine ? " from one of the key's own addresses with the usual client and operations"
                                : "",
                      100 * share, n);
    kt_finding_extra(&f, "hour_share", share);
    if (routine) {
        /* Its weight when something else changed in what the key does or how (engine.c). */
        kt_finding_extra(&f, "full_score", in->knobs[K_SCORE]);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_unusual_hour = {
    .name = "unusual_hour",
    .summary = "use at an hour of day in which the key is almost never used",
    .severity = KT_SEV_MEDIUM,
    .aspect = KT_ASPECT_WHEN,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
