/*
 * privilege_change: a key that gives itself (or a principal it made) power, or a way back in —
 * judged without a baseline, because a stolen key is often used for nothing else.
 *
 * Two kinds. An administrator grant: Put/Attach User/Role/Group Policy or CreatePolicyVersion
 * whose document allows "*" or "*:*" (or iam:*) on Resource "*", or whose policy ARN is
 * AdministratorAccess — critical. Persistence: CreateAccessKey, CreateUser, CreateLoginProfile,
 * UpdateLoginProfile, UpdateAssumeRolePolicy, other policy changes; on GitHub new SSH or deploy
 * keys, tokens, OAuth grants and members added — high.
 *
 * Only requests the provider accepted count (a refused one is sensitive_op's and recon_burst's
 * business). On a mature key used with its usual client this is an administrator's own work:
 * the detector stays quiet and sensitive_op, which judges first-time operations against the
 * baseline, speaks instead.
 *
 * Policy documents are read after dropping whitespace (CloudTrail logs them as the caller wrote
 * them, pretty-printed or not), at most 8 KiB of them.
 */
#include <keytrail/detector.h>

#include <stdio.h>

enum { K_SCORE_ADMIN, K_SCORE_PERSIST };

static const struct kt_knob knobs[] = {
    [K_SCORE_ADMIN] = {"score_admin", 90, "score of an administrator grant (critical)"},
    [K_SCORE_PERSIST] = {"score_persist", 55,
                         "score of new credentials, users, logins, trust or policy changes"},
};

enum kind { POLICY, PERSIST };

struct op {
    const char *name; /* the operation key */
    enum kind kind;
};

static const struct op ops[] = {
    {"iam.amazonaws.com:PutUserPolicy", POLICY},
    {"iam.amazonaws.com:AttachUserPolicy", POLICY},
    {"iam.amazonaws.com:PutRolePolicy", POLICY},
    {"iam.amazonaws.com:AttachRolePolicy", POLICY},
    {"iam.amazonaws.com:PutGroupPolicy", POLICY},
    {"iam.amazonaws.com:AttachGroupPolicy", POLICY},
    {"iam.amazonaws.com:CreatePolicyVersion", POLICY},
    {"iam.amazonaws.com:CreateAccessKey", PERSIST},
    {"iam.amazonaws.com:CreateUser", PERSIST},
    {"iam.amazonaws.com:CreateLoginProfile", PERSIST},
    {"iam.amazonaws.com:UpdateLoginProfile", PERSIST},
    {"iam.amazonaws.com:UpdateAssumeRolePolicy", PERSIST},
    {"github:public_key.create", PERSIST},
    {"github:deploy_key.create", PERSIST},
    {"github:personal_access_token.create", PERSIST},
    {"github:personal_access_token.request_created", PERSIST},
    {"github:oauth_authorization.create", PERSIST},
    {"github:oauth_access.create", PERSIST},
    {"github:org.add_member", PERSIST},
    {"github:org.invite_member", PERSIST},
    {"github:team.add_member", PERSIST},
};

static bool has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(s + i, needle, k) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether a policy document or ARN grants everything (or all of IAM) on every resource. */
static bool grants_admin(struct kt_str grant)
{
    char buf[8192];
    size_t n = 0;
    for (size_t i = 0; i < grant.len && n < sizeof(buf); i++) {
        char c = grant.ptr[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            buf[n++] = c;
        }
    }
    if (has(buf, n, ":policy/AdministratorAccess") || has(buf, n, ":policy/IAMFullAccess")) {
        return true;
    }
    bool all = has(buf, n, "\"Action\":\"*\"") || has(buf, n, "\"Action\":[\"*\"") ||
               has(buf, n, "\"*:*\"") || has(buf, n, "\"iam:*\"");
    bool everywhere = has(buf, n, "\"Resource\":\"*\"") || has(buf, n, "\"Resource\":[\"*\"");
    return all && everywhere && !has(buf, n, "\"Effect\":\"Deny\"");
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    if (in->obs->op.len == 0 || kt_obs_failed(in->obs) || (in->mature && in->usual_client)) {
        return;
    }
    const struct op *hit = kt_det_find_op(in->obs->op, ops, KT_ARRAY_LEN(ops), sizeof(ops[0]));
    if (hit == NULL) {
        return;
    }
    const char *name = strchr(hit->name, ':') + 1;
    char n[32], days[32], span[48];
    kt_fmt_count(in->base->events, n, sizeof(n));
    int64_t d = kt_baseline_days(in->base);
    kt_fmt_count((uint64_t)d, days, sizeof(days));
    snprintf(span, sizeof(span), d < 1 ? "all within its first day" : "over %s days", days);
    struct kt_finding f;
    if (hit->kind == POLICY && grants_admin(ev->grant)) {
        kt_finding_start(&f, in, "privilege_change", KT_SEV_CRITICAL, (int)in->knobs[K_SCORE_ADMIN],
                         "admin grant (%s)", name);
        kt_finding_reason(&f,
                          "%s granted administrator access (all actions on all resources) "
                          "on a key with %s earlier requests %s",
                          name, n, span);
    } else {
        kt_finding_start(&f, in, "privilege_change", KT_SEV_HIGH, (int)in->knobs[K_SCORE_PERSIST],
                         "%s", name);
        kt_finding_reason(&f,
                          "%s (a new credential, user, login, trust or permission) on a key "
                          "%s, with %s earlier requests %s",
                          name, in->mature ? "used with a new client" : "without a mature baseline",
                          n, span);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_privilege_change = {
    .name = "privilege_change",
    .summary = "administrator grant, new credentials, users, logins or trust (no baseline needed)",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
