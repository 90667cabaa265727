/*
 * credential_exfil: temporary credentials of a compute role used outside their service — the
 * session keys of a Lambda function or an ECS task, first used by the service's own agent
 * (awslambda-worker, exec-env/AWS_Lambda...), then by anything else: aws-cli or boto3 on a
 * laptop, a browser, an attack tool. GuardDuty calls this InstanceCredentialExfiltration.
 *
 * Such keys live for hours and belong to the function: no baseline is needed, the first use
 * away from the service's agent is the story. Calls AWS makes on the role's behalf (user agent
 * "AWS Internal", or a service name as source address) are not "elsewhere", nor are uses more
 * than max_hours after the first (no role session lasts that long: the logs reuse an id, as
 * test data does).
 */
#include <keytrail/detector.h>

enum { K_SCORE, K_MAX_HOURS };

static const struct kt_knob knobs[] = {
    [K_SCORE] = {"score", 90, "score of a compute-role key used away from its service"},
    [K_MAX_HOURS] = {"max_hours", 12,
                     "hours after the first use within which the session key can still be "
                     "the same credential (role sessions last at most 12 hours)"},
};

static bool on_behalf(const struct kt_event *ev)
{
    struct kt_str ip = ev->ip;
    static const char suffix[] = ".amazonaws.com";
    size_t n = sizeof(suffix) - 1;
    return kt_str_eq_cstr(ev->user_agent, "AWS Internal") || kt_str_eq_cstr(ip, "AWS Internal") ||
           (ip.len > n && memcmp(ip.ptr + ip.len - n, suffix, n) == 0);
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    if (!(in->cred->flags & KT_CRED_TEMPORARY) || in->recent == NULL ||
        in->recent->origin != KT_ORIGIN_SERVICE || kt_recent_is_service_agent(ev->user_agent) ||
        on_behalf(ev)) {
        return;
    }
    const struct kt_baseline *b = in->base;
    if (b->events > 0 && in->obs->time_ms != KT_TIME_NONE &&
        in->obs->time_ms - b->first_ms > (int64_t)(in->knobs[K_MAX_HOURS] * 3600 * 1000)) {
        return;
    }
    char agent[64], n[32];
    kt_fmt_agent_name(ev->user_agent, agent, sizeof(agent));
    kt_fmt_count(in->base->events, n, sizeof(n));
    struct kt_finding f;
    kt_finding_start(&f, in, "credential_exfil", KT_SEV_CRITICAL, (int)in->knobs[K_SCORE],
                     "outside its service");
    kt_finding_reason(&f,
                      "session credentials first used by a compute service's own agent, now "
                      "used with %s%s after %s requests by the service",
                      agent[0] ? agent : "no user agent",
                      kt_baseline_knows_net(in->base, in->obs) ? "" : " from a new network", n);
    emit(ctx, &f);
}

const struct kt_detector kt_det_credential_exfil = {
    .name = "credential_exfil",
    .summary = "a compute role's session key (Lambda, ECS) used outside its service's agent",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
