/*
 * used_after_rotation: the key is on the user's --rotated list, and it was used at or after its
 * rotation time. After a rotation, only two parties still hold the old key: a consumer nobody
 * updated, or whoever stole it. The baseline tells them apart: a use with the key's usual
 * client (or another version of it) from an address, network or AS it used before looks like
 * the consumer (medium: find it and update it); anything else looks like the other party
 * (high: the thief is still trying the key).
 *
 * The two cases have their own values, so a key used by both raises both findings.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <stdio.h>

#include "timefmt.h"

enum { K_SCORE_CONSUMER, K_SCORE_OTHER };

static const struct kt_knob knobs[] = {
    [K_SCORE_CONSUMER] = {"score_consumer", 40,
                          "score of a use after rotation that resembles the key's baseline (a "
                          "consumer not updated)"},
    [K_SCORE_OTHER] = {"score_other", 85,
                       "score of a use after rotation unlike the key's baseline (the other "
                       "party)"},
};

/* The use comes from somewhere the baseline knows: its address, its /24 or /48, or its AS. */
static bool known_place(const struct kt_det_input *in)
{
    const struct kt_obs *o = in->obs;
    return kt_baseline_knows_ip(in->base, o) || kt_baseline_knows_net(in->base, o) ||
           (o->geo.asn != 0 && kt_baseline_has_asn(in->base, o->geo.asn));
}

static bool known_client(const struct kt_det_input *in)
{
    return in->usual_client || kt_baseline_knows_product(in->base, in->obs);
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    /* A rotation at or before the epoch is no rotation: zeroed inputs stay quiet. */
    if (in->rotated_ms == KT_TIME_NONE || in->rotated_ms <= 0 || in->obs->time_ms == KT_TIME_NONE ||
        in->obs->time_ms < in->rotated_ms) {
        return;
    }
    bool had_baseline = in->base->events > 0;
    bool place = had_baseline && known_place(in);
    bool client = had_baseline && known_client(in);
    bool like = place && client;
    struct kt_finding f;
    if (like) {
        kt_finding_start(&f, in, "used_after_rotation", KT_SEV_MEDIUM,
                         (int)in->knobs[K_SCORE_CONSUMER], "consumer");
    } else {
        kt_finding_start(&f, in, "used_after_rotation", KT_SEV_HIGH, (int)in->knobs[K_SCORE_OTHER],
                         "other-party");
    }
    char t[KT_TIME_STRLEN], agent[96], usual[128], minutes_s[32];
    kt_time_format(in->rotated_ms, t);
    kt_fmt_agent_name(in->ev->user_agent, agent, sizeof(agent));
    int64_t minutes = (in->obs->time_ms - in->rotated_ms) / 60000;
    kt_fmt_count((uint64_t)minutes, minutes_s, sizeof(minutes_s));
    char where[96];
    snprintf(where, sizeof(where), "%s%s%s", f.ip[0] ? f.ip : "an unknown address",
             f.country[0] ? ", " : "", f.country);
    if (like) {
        kt_finding_reason(&f,
                          "used %s minutes after its rotation (%s), from %s with %s: like its "
                          "baseline (a known network and its usual client), a consumer not yet "
                          "updated",
                          minutes_s, t, where, agent);
    } else if (!had_baseline) {
        kt_finding_reason(&f,
                          "used %s minutes after its rotation (%s), from %s with %s; no "
                          "earlier use to compare with: likely the other party",
                          minutes_s, t, where, agent);
    } else {
        kt_fmt_agents(in->base, 2, usual, sizeof(usual));
        kt_finding_reason(&f,
                          "used %s minutes after its rotation (%s), from %s with %s: unlike "
                          "its baseline (%s%s%s), likely the other party",
                          minutes_s, t, where, agent,
                          place ? "a known network" : "a network it never used",
                          client ? ", its usual client" : ", the key was used with ",
                          client ? "" : (usual[0] ? usual : "no user agent"));
    }
    kt_finding_extra(&f, "minutes_after_rotation", (double)minutes);
    emit(ctx, &f);
}

const struct kt_detector kt_det_used_after_rotation = {
    .name = "used_after_rotation",
    .summary = "use of a rotated key (--rotated) at or after its rotation time, like its "
               "baseline (a consumer not updated) or not (the other party)",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
