/*
 * recon_burst: a key that asks who it is and then tries many listings it is not allowed — the
 * first minutes of a stolen key ("what can I reach?"), judged without a baseline.
 *
 * In the key's short window (15 minutes, include/keytrail/recent.h) it counts the distinct
 * identity and listing calls (GetCallerIdentity, List..., Describe..., Get... on API logs) and
 * the requests refused for lack of permission (AccessDenied, UnauthorizedOperation, 403). It
 * fires once both reach their thresholds, on the event that crosses them, and scores higher
 * when the window also holds an identity call. Owners rarely enumerate what they cannot read;
 * a console user browsing gets few refusals, a deployment tool fails on one call, not many.
 *
 * On a mature key with its usual client the score is multiplied by mature_factor (an audit
 * script with a narrow role trips the same counts; its habit is what tells it apart).
 */
#include <keytrail/detector.h>

enum { K_MIN_OPS, K_MIN_DENIED, K_SCORE, K_WHOAMI_BONUS, K_MATURE };

static const struct kt_knob knobs[] = {
    [K_MIN_OPS] = {"min_operations", 6, "distinct listing calls within 15 minutes"},
    [K_MIN_DENIED] = {"min_denied", 3, "refused requests within the same 15 minutes"},
    [K_SCORE] = {"score", 55, "score of a reconnaissance burst"},
    [K_WHOAMI_BONUS] = {"whoami_bonus", 10, "added when the burst includes GetCallerIdentity"},
    [K_MATURE] = {"mature_factor", 0.5, "score factor on a mature key used with its usual client"},
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    if (!kt_recent_is_enumeration(ev) && !kt_obs_no_permission(in->obs)) {
        return;
    }
    struct kt_recent before, now;
    if (in->recent != NULL) {
        before = *in->recent;
    } else {
        kt_recent_init(&before);
    }
    kt_recent_peek(&before, in->obs, &now);
    double min_ops = in->knobs[K_MIN_OPS], min_denied = in->knobs[K_MIN_DENIED];
    if (now.n_ops < min_ops || now.denied < min_denied) {
        return;
    }
    /* Crossed by this event, or by this window (a new window starts over). */
    bool same = now.win_start_ms == before.win_start_ms;
    if (same && before.n_ops >= min_ops && before.denied >= min_denied) {
        return;
    }
    double score = in->knobs[K_SCORE] + (now.whoami ? in->knobs[K_WHOAMI_BONUS] : 0);
    if (in->mature && in->usual_client) {
        score *= in->knobs[K_MATURE];
    }
    char n[32];
    kt_fmt_count(in->base->events, n, sizeof(n));
    struct kt_finding f;
    kt_finding_start(&f, in, "recon_burst", KT_SEV_HIGH, (int)KT_MIN(score, 100.0), "enumeration%s",
                     now.whoami ? " after GetCallerIdentity" : "");
    kt_finding_reason(&f,
                      "%s%u distinct listing calls and %u refused requests within 15 minutes, "
                      "on a key with %s earlier requests",
                      now.whoami ? "GetCallerIdentity, then " : "", (unsigned)now.n_ops,
                      (unsigned)now.denied, n);
    kt_finding_extra(&f, "count", now.n_ops);
    kt_finding_extra(&f, "denied", now.denied);
    emit(ctx, &f);
}

const struct kt_detector kt_det_recon_burst = {
    .name = "recon_burst",
    .summary = "many distinct listings with refusals within minutes (no baseline needed)",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHAT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
