/*
 * dormant_revived: a key silent for weeks suddenly used again — from a new address it is the
 * classic pattern of a key found in an old repository or backup. From a known address it is
 * only noted.
 *
 * Silence is judged against the key's own rhythm too: a key used on most days of its history
 * (a service, a daily job) that falls silent for a week and comes back is as dormant as a
 * seldom-used key silent for a month. Only a key of hosting and cloud networks: one used from
 * access networks is a person's, and people take a week off and come back from a hotel.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>

#include "timefmt.h"

enum { K_IDLE_DAYS, K_MIN_EVENTS, K_SCORE_NEW_COUNTRY, K_SCORE_NEW, K_SCORE_KNOWN,
       K_REGULAR_IDLE_DAYS, K_REGULAR_SHARE };

static const struct kt_knob knobs[] = {
    [K_IDLE_DAYS] = { "idle_days", 30, "silence that makes a key dormant, days" },
    [K_MIN_EVENTS] = { "min_events", 10, "history needed before silence means anything" },
    [K_SCORE_NEW_COUNTRY] = { "score_new_country", 80,
                              "score when revived from a country the key never used" },
    [K_SCORE_NEW] = { "score_new_place", 70, "score when revived from a new address" },
    [K_SCORE_KNOWN] = { "score_known_place", 15, "score when revived from a known address" },
    [K_REGULAR_IDLE_DAYS] = { "regular_idle_days", 7,
                              "silence that makes a regularly used key dormant, days" },
    [K_REGULAR_SHARE] = { "regular_share", 0.6,
                          "a key only used from hosting and cloud networks is regular when used "
                          "on this share of the days of its history (7 days or more)" },
};

/* Used on most days of a history of a week or more, from hosting and cloud networks only. */
static bool regular(const struct kt_baseline *b, double share)
{
    if (b->first_ms == KT_TIME_NONE || b->last_ms < b->first_ms ||
        (b->flags & KT_BL_NET_ACCESS)) {
        return false;
    }
    double span = floor((double)(b->last_ms - b->first_ms) / 86400000.0) + 1;
    return span >= 7 && (double)b->days_active >= share * span;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    int64_t t = in->obs->time_ms;
    if (b->events < in->knobs[K_MIN_EVENTS] || t == KT_TIME_NONE) {
        return;
    }
    double idle = kt_baseline_idle_days(b, t);
    /* Silence is of any use: the baseline leaves out what was quarantined (a key already at
     * rotate keeps learning nothing), the key's short-term memory sees every use. */
    const struct kt_recent *r = in->recent;
    if (r != NULL && r->win_start_ms != KT_TIME_NONE && r->win_start_ms <= t) {
        idle = KT_MIN(idle, (double)(t - r->win_start_ms) / 86400000.0);
    }
    if (idle < in->knobs[K_IDLE_DAYS] &&
        !(idle >= in->knobs[K_REGULAR_IDLE_DAYS] && regular(b, in->knobs[K_REGULAR_SHARE]))) {
        return;
    }
    bool known = kt_baseline_knows_ip(b, in->obs) || kt_baseline_knows_net(b, in->obs);
    bool new_country = in->obs->geo.country[0] != '\0' &&
                       !kt_baseline_has_country(b, in->obs->geo.country);
    char day[KT_TIME_STRLEN];
    kt_time_format(t, day);
    day[10] = '\0';
    struct kt_finding f;
    kt_finding_start(&f, in, "dormant_revived", known ? KT_SEV_LOW : KT_SEV_HIGH,
                     (int)(known         ? in->knobs[K_SCORE_KNOWN]
                           : new_country ? in->knobs[K_SCORE_NEW_COUNTRY]
                                         : in->knobs[K_SCORE_NEW]),
                     "revived:%s", day);
    char n[32];
    kt_fmt_count(b->events, n, sizeof(n));
    kt_finding_reason(&f, "used again after %.0f days of silence (%s earlier requests), from %s%s%s%s",
                      floor(idle), n, known ? "a known address " : "a new address ", f.ip,
                      f.country[0] ? ", " : "", f.country);
    kt_finding_extra(&f, "idle_days", floor(idle));
    emit(ctx, &f);
}

const struct kt_detector kt_det_dormant_revived = {
    .name = "dormant_revived",
    .summary = "a key silent for weeks used again, especially from a new address",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHEN,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
