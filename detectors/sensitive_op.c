/*
 * sensitive_op: the first time a key performs a reconnaissance or privilege operation it never
 * performed before — what a thief does first with a found key ("who am I, what can I reach,
 * can I stay", and with a payment key "can I cash out"). Ordinary automation repeats the same calls; a key that suddenly lists users,
 * reads secrets or mints credentials is worth a look.
 *
 * Operations are matched on the operation key (kt_baseline_op_key): "service:Name" for API
 * logs, "METHOD /path/template" for HTTP logs.
 */
#include <keytrail/detector.h>

enum { K_SCORE_RECON, K_SCORE_SECRET, K_SCORE_PRIVILEGE, K_SCORE_MONEY };

static const struct kt_knob knobs[] = {
    [K_SCORE_RECON] = { "score_recon", 35, "score of a first reconnaissance call" },
    [K_SCORE_SECRET] = { "score_secret", 50, "score of a first read of secrets" },
    [K_SCORE_PRIVILEGE] = { "score_privilege", 60,
                            "score of a first credential or permission change" },
    [K_SCORE_MONEY] = { "score_money", 60,
                        "score of a first payout, transfer or new payout destination" },
};

enum op_class { RECON, SECRET, PRIVILEGE, MONEY };

enum match { EXACT, PREFIX, SUFFIX, CONTAINS };

struct op_rule {
    const char *method; /* HTTP method the op key must start with, or NULL for any op */
    enum match how;
    const char *pattern; /* matched against the op key, or its path when method is set */
    enum op_class cls;
};

static const struct op_rule rules[] = {
    /* AWS (CloudTrail eventSource:eventName) */
    { NULL, EXACT, "sts.amazonaws.com:GetCallerIdentity", RECON },
    { NULL, EXACT, "s3.amazonaws.com:ListBuckets", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListUsers", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListRoles", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListGroups", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListAccessKeys", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListAttachedUserPolicies", RECON },
    { NULL, EXACT, "iam.amazonaws.com:ListUserPolicies", RECON },
    { NULL, EXACT, "iam.amazonaws.com:GetAccountAuthorizationDetails", RECON },
    { NULL, EXACT, "iam.amazonaws.com:GetUser", RECON },
    { NULL, EXACT, "organizations.amazonaws.com:ListAccounts", RECON },
    { NULL, EXACT, "organizations.amazonaws.com:DescribeOrganization", RECON },
    { NULL, EXACT, "ec2.amazonaws.com:DescribeRegions", RECON },
    { NULL, EXACT, "ec2.amazonaws.com:DescribeInstances", RECON },
    { NULL, PREFIX, "lambda.amazonaws.com:ListFunctions", RECON },
    { NULL, EXACT, "ses.amazonaws.com:GetSendQuota", RECON },
    { NULL, EXACT, "ses.amazonaws.com:ListIdentities", RECON },
    { NULL, EXACT, "secretsmanager.amazonaws.com:ListSecrets", RECON },
    { NULL, EXACT, "secretsmanager.amazonaws.com:GetSecretValue", SECRET },
    { NULL, PREFIX, "ssm.amazonaws.com:GetParameter", SECRET },
    { NULL, EXACT, "kms.amazonaws.com:Decrypt", SECRET },
    { NULL, EXACT, "iam.amazonaws.com:CreateAccessKey", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:CreateUser", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:CreateLoginProfile", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:UpdateLoginProfile", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:PutUserPolicy", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:AttachUserPolicy", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:AttachRolePolicy", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:AddUserToGroup", PRIVILEGE },
    { NULL, EXACT, "iam.amazonaws.com:CreateRole", PRIVILEGE },
    { NULL, EXACT, "sts.amazonaws.com:GetFederationToken", PRIVILEGE },
    /* GitHub audit log actions */
    { NULL, EXACT, "github:public_key.create", PRIVILEGE },
    { NULL, PREFIX, "github:personal_access_token.", PRIVILEGE },
    { NULL, EXACT, "github:oauth_authorization.create", PRIVILEGE },
    { NULL, EXACT, "github:org.add_member", PRIVILEGE },
    { NULL, EXACT, "github:org.update_member", PRIVILEGE },
    { NULL, EXACT, "github:repo.add_member", PRIVILEGE },
    { NULL, EXACT, "github:integration_installation.create", PRIVILEGE },
    { NULL, EXACT, "github:hook.create", PRIVILEGE },
    { NULL, PREFIX, "github:org_secret_scanning", PRIVILEGE },
    { NULL, PREFIX, "github:repository_secret_scanning", PRIVILEGE },
    /* HTTP APIs: who am I, listings of people and keys, secrets, new credentials */
    { "GET", SUFFIX, "/user", RECON },
    { "GET", SUFFIX, "/whoami", RECON },
    { "GET", SUFFIX, "/members", RECON },
    { "GET", SUFFIX, "/users", RECON },
    { "GET", SUFFIX, "/teams", RECON },
    { "GET", SUFFIX, "/user/repos", RECON },
    { "GET", SUFFIX, "/user/orgs", RECON },
    { "GET", CONTAINS, "/search/code", RECON },
    { "GET", SUFFIX, "/api-keys", RECON },
    { "GET", SUFFIX, "/api_keys", RECON },
    { "GET", SUFFIX, "/tokens", RECON },
    { "GET", CONTAINS, "/audit-log", RECON },
    { "GET", CONTAINS, "/admin/", RECON },
    { "GET", SUFFIX, "/admin", RECON },
    { "GET", CONTAINS, "/secrets", SECRET },
    { "GET", SUFFIX, "/variables", SECRET },
    { "POST", SUFFIX, "/user/keys", PRIVILEGE },
    { "POST", SUFFIX, "/keys", PRIVILEGE },
    { "POST", SUFFIX, "/hooks", PRIVILEGE },
    { NULL, CONTAINS, "/authorizations", PRIVILEGE },
    { NULL, CONTAINS, "/personal_access_tokens", PRIVILEGE },
    { NULL, CONTAINS, "/access_tokens", PRIVILEGE },
    /* Payment APIs (Stripe's paths): a stolen secret key is cashed out by payouts and
     * transfers, often to a bank account or card it adds, and watched through a webhook it
     * creates. */
    { "POST", SUFFIX, "/payouts", MONEY },
    { "POST", SUFFIX, "/transfers", MONEY },
    { "POST", CONTAINS, "/external_accounts", MONEY },
    { "POST", SUFFIX, "/webhook_endpoints", PRIVILEGE },
};

static bool rule_matches(const struct op_rule *r, struct kt_str op)
{
    if (r->method != NULL) {
        size_t m = strlen(r->method);
        if (op.len <= m || memcmp(op.ptr, r->method, m) != 0 || op.ptr[m] != ' ') {
            return false;
        }
        op = kt_str_make(op.ptr + m + 1, op.len - m - 1);
    }
    size_t n = strlen(r->pattern);
    switch (r->how) {
    case EXACT: return kt_str_eq_cstr(op, r->pattern);
    case PREFIX: return op.len >= n && memcmp(op.ptr, r->pattern, n) == 0;
    case SUFFIX: return op.len >= n && memcmp(op.ptr + op.len - n, r->pattern, n) == 0;
    case CONTAINS:
        for (size_t i = 0; i + n <= op.len; i++) {
            if (memcmp(op.ptr + i, r->pattern, n) == 0) {
                return true;
            }
        }
        return false;
    }
    return false;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    struct kt_str op = in->obs->op;
    if (op.len == 0 || kt_baseline_has_op(in->base, op)) {
        return;
    }
    const struct op_rule *hit = NULL;
    for (size_t i = 0; i < KT_ARRAY_LEN(rules) && hit == NULL; i++) {
        if (rule_matches(&rules[i], op)) {
            hit = &rules[i];
        }
    }
    if (hit == NULL) {
        return;
    }
    static const char *const what[] = { "reconnaissance", "secret read",
                                        "credential or permission change",
                                        "payout or transfer" };
    enum kt_severity sev = hit->cls == RECON ? KT_SEV_MEDIUM : KT_SEV_HIGH;
    static const int knob_of[] = { [RECON] = K_SCORE_RECON, [SECRET] = K_SCORE_SECRET,
                                   [PRIVILEGE] = K_SCORE_PRIVILEGE, [MONEY] = K_SCORE_MONEY };
    int score = (int)in->knobs[knob_of[hit->cls]];
    bool failed = kt_obs_denied(in->obs);
    struct kt_finding f;
    /* One finding per rule, not per operation: reading the secrets of twelve repositories is
     * one story, counted twelve times. */
    kt_finding_start(&f, in, "sensitive_op", sev, score, "%s%s%s%s", hit->method ? hit->method : "",
                     hit->method ? " " : "", hit->how == SUFFIX || hit->how == CONTAINS ? "…" : "",
                     hit->pattern);
    char n[32];
    kt_fmt_count(in->base->events, n, sizeof(n));
    kt_finding_reason(&f, "first %s for this key: %.*s%s, after %s earlier requests",
                      what[hit->cls], (int)KT_MIN(op.len, (size_t)120), op.ptr,
                      failed ? ", refused" : "", n);
    emit(ctx, &f);
}

const struct kt_detector kt_det_sensitive_op = {
    .name = "sensitive_op",
    .summary = "first reconnaissance, secret read or credential change for this key",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHAT,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
