/*
 * credential_exfil: temporary credentials of a compute role used outside their workload — the
 * session keys of a Lambda function, an ECS task or an EC2 instance profile, taken from the
 * workload (SSRF on the metadata service, a leaked environment) and used elsewhere.
 * GuardDuty calls this InstanceCredentialExfiltration.
 *
 * A key is a workload's when it is an ASIA session key whose first own use is the service's
 * agent (awslambda-worker, exec-env/AWS_Lambda..., AWS_ECS_...) from inside AWS, or whose
 * session is an EC2 instance's (the role ARN ends with the instance id, i-...). Such keys live
 * for hours and never leave their network, so no baseline is needed: within max_hours of the
 * first use, a call from a network outside AWS (an AS number that is not Amazon's group,
 * kt_asn_provider), or from an AWS address in another region (farther than region_km from the
 * first use), is the key leaving, whatever the agent says — a thief replays the workload's own
 * agent. Inside AWS, or without an ASN database, the agent still tells: a key first used by a
 * service's agent, then by another client; an instance's key used from an address the
 * instance never used with a client it never used (GuardDuty's InsideAWS variant: the
 * credentials on another machine of the same region, often the thief's own EC2) is high,
 * score_inside, not critical — a NAT gateway with several addresses and an administrator's
 * aws-cli on the instance look the same from the logs.
 *
 * Calls AWS makes on the role's behalf (user agent "AWS Internal", or a service name as source
 * address) are not a network at all; private addresses (VPC endpoints) are inside. Uses more
 * than max_hours after the first are not judged: no role session lasts that long, the logs
 * reuse an id (as test data does).
 */
#include <keytrail/detector.h>

enum { K_SCORE, K_MAX_HOURS, K_REGION_KM, K_SCORE_INSIDE };

static const struct kt_knob knobs[] = {
    [K_SCORE] = {"score", 90, "score of a compute-role key used away from its workload"},
    [K_MAX_HOURS] = {"max_hours", 12,
                     "hours after the first use within which the session key can still be "
                     "the same credential (role sessions last at most 12 hours)"},
    [K_REGION_KM] = {"region_km", 800,
                     "distance from the first use beyond which an AWS address is another "
                     "region (beyond the locations' own uncertainty)"},
    [K_SCORE_INSIDE] = {"score_inside", 70,
                        "score of an instance's key used inside AWS from another address with "
                        "another client"},
};

#define AMAZON_ASN 16509u /* the AS number kt_asn_provider names Amazon's group by */

/* What the detector remembers of a session key's first own use. */
struct exfil_state {
    int64_t first_ms;
    float lat, lon;      /* where the first use inside AWS was, when located */
    uint16_t accuracy_km;
    uint8_t seen;        /* first_ms is set */
    uint8_t workload;    /* the first use was a compute workload's */
    uint8_t located;     /* lat, lon, accuracy_km are set */
    uint8_t instance;    /* the session is an EC2 instance's (fits the padding: states saved
                            before it read as 0) */
};

_Static_assert(sizeof(struct exfil_state) <= KT_DET_STATE_MAX, "exfil state over the cap");

/* Where a call came from, as far as the workload's network goes. */
enum net {
    NET_UNKNOWN, /* no ASN database, no address, or an address no database row covers */
    NET_INSIDE,  /* an Amazon AS number, or a private address (a VPC endpoint) */
    NET_OUTSIDE, /* a public address of any other network */
};

static bool on_behalf(const struct kt_event *ev)
{
    struct kt_str ip = ev->ip;
    static const char suffix[] = ".amazonaws.com";
    size_t n = sizeof(suffix) - 1;
    return kt_str_eq_cstr(ev->user_agent, "AWS Internal") || kt_str_eq_cstr(ip, "AWS Internal") ||
           (ip.len > n && memcmp(ip.ptr + ip.len - n, suffix, n) == 0);
}

static enum net net_of(const struct kt_obs *o)
{
    if (!o->has_ip) {
        return NET_UNKNOWN;
    }
    if (o->geo.kind == KT_ADDR_PRIVATE) {
        return NET_INSIDE;
    }
    if (o->geo.kind != KT_ADDR_PUBLIC || !o->has_asn || o->geo.asn == 0) {
        return NET_UNKNOWN;
    }
    return kt_asn_provider(o->geo.asn) == AMAZON_ASN ? NET_INSIDE : NET_OUTSIDE;
}

/* The session is an EC2 instance profile's: the ARN or principal id ends with "/i-" or ":i-"
 * and 8 or 17 hex digits (the instance id). */
bool kt_exfil_is_instance_session(struct kt_str actor);

bool kt_exfil_is_instance_session(struct kt_str actor)
{
    size_t i = actor.len;
    while (i > 0 && actor.ptr[i - 1] != '/' && actor.ptr[i - 1] != ':') {
        i--;
    }
    struct kt_str id = kt_str_make(actor.ptr + i, actor.len - i);
    if (i == 0 || !(id.len == 10 || id.len == 19) || !kt_str_has_prefix(id, "i-")) {
        return false;
    }
    for (size_t k = 2; k < id.len; k++) {
        char c = id.ptr[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

static void report_as(const struct kt_det_input *in, kt_emit_fn emit, void *ctx,
                      const char *value, const char *where, enum kt_severity sev, int score)
{
    const struct kt_event *ev = in->ev;
    char agent[64], n[32], asn[32];
    kt_fmt_agent_name(ev->user_agent, agent, sizeof(agent));
    kt_fmt_count(in->base->events, n, sizeof(n));
    kt_fmt_asn(in->obs->geo.asn, asn, sizeof(asn));
    struct kt_finding f;
    kt_finding_start(&f, in, "credential_exfil", sev, score, "%s", value);
    if (where != NULL) {
        kt_finding_reason(&f,
                          "session credentials of a compute workload (Lambda, ECS, EC2), now used "
                          "%s (%s) with %s after %s requests",
                          where, asn, agent[0] ? agent : "no user agent", n);
    } else {
        kt_finding_reason(&f,
                          "session credentials first used by a compute service's own agent, now "
                          "used with %s%s after %s requests by the service",
                          agent[0] ? agent : "no user agent",
                          kt_baseline_knows_net(in->base, in->obs) ? "" : " from a new network",
                          n);
    }
    emit(ctx, &f);
}

static void report(const struct kt_det_input *in, kt_emit_fn emit, void *ctx, const char *value,
                   const char *where)
{
    report_as(in, emit, ctx, value, where, KT_SEV_CRITICAL, (int)in->knobs[K_SCORE]);
}

/* The first use inside AWS is far from this one: beyond region_km and both uncertainties. */
static bool other_region(const struct exfil_state *st, const struct kt_obs *o, double region_km)
{
    if (!st->located || !o->geo.has_location) {
        return false;
    }
    double d = kt_geo_distance_km(st->lat, st->lon, o->geo.lat, o->geo.lon);
    return d - st->accuracy_km - o->geo.accuracy_km > region_km;
}

static void remember_home(struct exfil_state *st, const struct kt_obs *o)
{
    if (!st->located && o->geo.kind == KT_ADDR_PUBLIC && o->geo.has_location) {
        st->lat = (float)o->geo.lat;
        st->lon = (float)o->geo.lon;
        st->accuracy_km = o->geo.accuracy_km;
        st->located = 1;
    }
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    const struct kt_obs *o = in->obs;
    if (!(in->cred->flags & KT_CRED_TEMPORARY) || on_behalf(ev)) {
        return;
    }
    /* The agent is searched for a service's name only where it matters (first use, a
     * service's key): a substring search on every session key's event costs. */
    enum net net = net_of(o);
    struct exfil_state *st = in->state;
    if (st != NULL && !st->seen) {
        bool instance = kt_exfil_is_instance_session(ev->actor);
        bool service_agent = kt_recent_is_service_agent(ev->user_agent);
        st->seen = 1;
        st->first_ms = o->time_ms;
        /* The service's agent outside AWS may be a developer's emulator; an instance's
         * credentials are only ever handed to the instance. */
        st->workload = instance || (service_agent && net == NET_INSIDE);
        st->instance = instance;
        if (net == NET_INSIDE) {
            remember_home(st, o);
        }
        if (instance && net == NET_OUTSIDE) {
            report(in, emit, ctx, "outside AWS", "outside AWS");
        }
        return;
    }
    int64_t first_ms = st != NULL ? st->first_ms : in->base->first_ms;
    if (in->base->events > 0 && o->time_ms != KT_TIME_NONE && first_ms != KT_TIME_NONE &&
        o->time_ms - first_ms > (int64_t)(in->knobs[K_MAX_HOURS] * 3600 * 1000)) {
        return;
    }
    if (st != NULL && st->workload) {
        if (net == NET_OUTSIDE) {
            report(in, emit, ctx, "outside AWS", "outside AWS");
            return;
        }
        if (net == NET_INSIDE && other_region(st, o, in->knobs[K_REGION_KM])) {
            report(in, emit, ctx, "another AWS region", "from another AWS region");
            return;
        }
        if (net == NET_INSIDE && st->instance && !kt_baseline_knows_ip(in->base, o) &&
            !in->usual_client && !kt_baseline_knows_product(in->base, o)) {
            report_as(in, emit, ctx, "another instance", "from another AWS address",
                      KT_SEV_HIGH, (int)in->knobs[K_SCORE_INSIDE]);
            return;
        }
        if (net == NET_INSIDE) {
            remember_home(st, o);
        }
    }
    /* Inside or unknown, the agent still tells: the service's key used by another client. */
    if (in->recent != NULL && in->recent->origin == KT_ORIGIN_SERVICE &&
        !kt_recent_is_service_agent(ev->user_agent)) {
        report(in, emit, ctx, "outside its service", NULL);
    }
}

const struct kt_detector kt_det_credential_exfil = {
    .name = "credential_exfil",
    .summary = "a compute role's session key (Lambda, ECS, EC2) used outside AWS or its region",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .state_size = sizeof(struct exfil_state),
    .state_family = KT_FAM_AWS,
    .check = check,
};
