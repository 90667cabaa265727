/*
 * defense_evasion: on CloudTrail, a key that blinds the defenders or takes the data out —
 * judged without a baseline (Stratus Red Team's defense-evasion and exfiltration techniques).
 *
 *   logging off   StopLogging, DeleteTrail, DeleteDetector (GuardDuty), DeleteFlowLogs,
 *                 Stop/DeleteConfigurationRecorder, DisableSecurityHub: critical when accepted
 *                 (high when refused or not found: the intent is there, the harm is not)
 *   logging cut   PutEventSelectors, UpdateTrail: high (they narrow what is logged)
 *   shared out    PutBucketPolicy or PutBucketAcl opening a bucket to everyone or another
 *                 account; ModifySnapshotAttribute, ModifyImageAttribute,
 *                 ModifyDB(Cluster)SnapshotAttribute adding an account or "all": high
 *   secret burst  at least min_secret_reads GetSecretValue / GetPasswordData calls within the
 *                 key's short window (recent.h), refused ones included: high
 *
 * On a mature key used with its usual client the scores are multiplied by mature_factor: an
 * administrator's own clean-up looks the same, and it is that key's habit that tells them apart.
 * "Another account" is one whose id differs from the account the key id encodes; with no
 * account known, any account named in a share counts.
 */
#include <keytrail/detector.h>

enum { K_SCORE_OFF, K_SCORE_CUT, K_SCORE_SHARE, K_SCORE_SECRETS, K_MIN_SECRETS, K_MATURE };

static const struct kt_knob knobs[] = {
    [K_SCORE_OFF] = {"score_logging_off", 90, "score of turning logging or detection off"},
    [K_SCORE_CUT] = {"score_logging_cut", 60, "score of narrowing what a trail logs"},
    [K_SCORE_SHARE] = {"score_share", 65,
                       "score of sharing a bucket, snapshot or image outside the account"},
    [K_SCORE_SECRETS] = {"score_secret_burst", 55, "score of a burst of secret reads"},
    [K_MIN_SECRETS] = {"min_secret_reads", 10,
                       "secret or password reads within 15 minutes that make a burst"},
    [K_MATURE] = {"mature_factor", 0.5, "score factor on a mature key used with its usual client"},
};

enum kind { OFF, CUT, SHARE_POLICY, SHARE_ACL, SHARE_ATTR };

struct op {
    const char *name;
    enum kind kind;
    const char *label; /* for values and reasons: the output redactor hides long CamelCase runs */
};

static const struct op ops[] = {
    {"cloudtrail.amazonaws.com:StopLogging", OFF, "StopLogging"},
    {"cloudtrail.amazonaws.com:DeleteTrail", OFF, "DeleteTrail"},
    {"guardduty.amazonaws.com:DeleteDetector", OFF, "GuardDuty DeleteDetector"},
    {"ec2.amazonaws.com:DeleteFlowLogs", OFF, "DeleteFlowLogs"},
    {"config.amazonaws.com:StopConfigurationRecorder", OFF, "Config recorder stopped"},
    {"config.amazonaws.com:DeleteConfigurationRecorder", OFF, "Config recorder deleted"},
    {"securityhub.amazonaws.com:DisableSecurityHub", OFF, "DisableSecurityHub"},
    {"cloudtrail.amazonaws.com:PutEventSelectors", CUT, "PutEventSelectors"},
    {"cloudtrail.amazonaws.com:UpdateTrail", CUT, "UpdateTrail"},
    {"s3.amazonaws.com:PutBucketPolicy", SHARE_POLICY, "S3 bucket (policy)"},
    {"s3.amazonaws.com:PutBucketAcl", SHARE_ACL, "S3 bucket (ACL)"},
    {"ec2.amazonaws.com:ModifySnapshotAttribute", SHARE_ATTR, "EBS snapshot"},
    {"ec2.amazonaws.com:ModifyImageAttribute", SHARE_ATTR, "AMI"},
    {"rds.amazonaws.com:ModifyDBSnapshotAttribute", SHARE_ATTR, "RDS snapshot"},
    {"rds.amazonaws.com:ModifyDBClusterSnapshotAttribute", SHARE_ATTR, "RDS cluster snapshot"},
};

static const char *find(struct kt_str s, size_t from, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = from; i + k <= s.len; i++) {
        if (memcmp(s.ptr + i, needle, k) == 0) {
            return s.ptr + i;
        }
    }
    return NULL;
}

/* A 12-digit account id in grant other than own ("" = unknown own account). */
static bool names_other_account(struct kt_str grant, const char *own)
{
    size_t run = 0;
    for (size_t i = 0; i <= grant.len; i++) {
        bool digit = i < grant.len && grant.ptr[i] >= '0' && grant.ptr[i] <= '9';
        if (digit) {
            run++;
            continue;
        }
        if (run == 12 && (own[0] == '\0' || memcmp(grant.ptr + i - 12, own, 12) != 0)) {
            return true;
        }
        run = 0;
    }
    return false;
}

/* Whether the grant opens the resource to everyone or to another account. */
static const char *shared_with(enum kind kind, struct kt_str g, const char *own)
{
    if (g.len == 0) {
        return NULL;
    }
    switch (kind) {
    case SHARE_POLICY:
        if (find(g, 0, "\"Principal\":\"*\"") || find(g, 0, "\"Principal\": \"*\"") ||
            find(g, 0, "\"AWS\":\"*\"") || find(g, 0, "\"AWS\": \"*\"")) {
            return "everyone";
        }
        return find(g, 0, "arn:aws:iam::") && names_other_account(g, own) ? "another account"
                                                                          : NULL;
    case SHARE_ACL:
        if (find(g, 0, "AllUsers") || find(g, 0, "AuthenticatedUsers")) {
            return "everyone";
        }
        return NULL;
    case SHARE_ATTR:
        if (find(g, 0, "\"all\"") || find(g, 0, "\"group\"")) {
            return "everyone";
        }
        return names_other_account(g, own) ? "another account" : NULL;
    case OFF:
    case CUT: break;
    }
    return NULL;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    double factor = in->mature && in->usual_client ? in->knobs[K_MATURE] : 1.0;
    if (ev->service.len == 0) {
        return; /* every operation watched here is an AWS API call */
    }
    struct kt_finding f;
    char n[32];
    kt_fmt_count(in->base->events, n, sizeof(n));
    if (kt_recent_is_secret_read(ev)) {
        struct kt_recent now;
        struct kt_recent empty;
        kt_recent_init(&empty);
        kt_recent_peek(in->recent != NULL ? in->recent : &empty, in->obs, &now);
        if (now.secret_reads >= in->knobs[K_MIN_SECRETS]) {
            kt_finding_start(&f, in, "defense_evasion", KT_SEV_HIGH,
                             (int)(in->knobs[K_SCORE_SECRETS] * factor), "secret read burst");
            kt_finding_reason(&f,
                              "%u secret or password reads within 15 minutes (%.*s), on a "
                              "key with %s earlier requests",
                              (unsigned)now.secret_reads, (int)KT_MIN(ev->method.len, (size_t)40),
                              ev->method.ptr, n);
            kt_finding_extra(&f, "count", now.secret_reads);
            emit(ctx, &f);
        }
        return;
    }
    const struct op *hit = kt_det_find_op(in->obs->op, ops, KT_ARRAY_LEN(ops), sizeof(ops[0]));
    if (hit == NULL) {
        return;
    }
    const char *name = hit->label;
    bool ok = !kt_obs_failed(in->obs);
    if (hit->kind == OFF || hit->kind == CUT) {
        bool off = hit->kind == OFF;
        enum kt_severity sev = off && ok && factor == 1.0 ? KT_SEV_CRITICAL : KT_SEV_HIGH;
        double score = in->knobs[off ? K_SCORE_OFF : K_SCORE_CUT] * factor;
        if (!ok) {
            score = KT_MIN(score, in->knobs[K_SCORE_CUT] * factor);
        }
        kt_finding_start(&f, in, "defense_evasion", sev, (int)score, "%s", name);
        kt_finding_reason(&f, "%s: %s%s, on a key with %s earlier requests", name,
                          off ? "logging or threat detection turned off"
                              : "what the trail logs narrowed",
                          ok ? "" : " (attempted; the request failed)", n);
        emit(ctx, &f);
        return;
    }
    const char *whom = ok ? shared_with(hit->kind, ev->grant, in->cred->account) : NULL;
    if (whom == NULL) {
        return;
    }
    kt_finding_start(&f, in, "defense_evasion", KT_SEV_HIGH,
                     (int)(in->knobs[K_SCORE_SHARE] * factor), "%s shared with %s", name, whom);
    kt_finding_reason(&f, "%s shared with %s, on a key with %s earlier requests", name, whom, n);
    emit(ctx, &f);
}

const struct kt_detector kt_det_defense_evasion = {
    .name = "defense_evasion",
    .summary = "logging turned off or narrowed, data shared out, secret read bursts (CloudTrail)",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
