/*
 * sensitive_op: the first time a key performs a reconnaissance or privilege operation it never
 * performed before — what a thief does first with a found key ("who am I, what can I reach,
 * can I stay"). Ordinary automation repeats the same calls; a key that suddenly lists users,
 * reads secrets or mints credentials is worth a look.
 *
 * Operations are matched on the operation key (kt_baseline_op_key): "service:Name" for API
 * logs, "METHOD /path/template" for HTTP logs.
 */
#include <keytrail/detector.h>

enum { K_SCORE_RECON, K_SCORE_SECRET, K_SCORE_PRIVILEGE };

static const struct kt_knob knobs[] = {
    [K_SCORE_RECON] = { "score_recon", 35, "score of a first reconnaissance call" },
    [K_SCORE_SECRET] = { "score_secret", 50, "score of a first read of secrets" },
    [K_SCORE_PRIVILEGE] = { "score_privilege", 60,
                            "score of a first credential or permission change" },
};

enum op_class { RECON, SECRET, PRIVILEGE };

struct op_rule {
    const char *match; /* exact op key, or a "*"-suffixed prefix, or a "~"-prefixed substring */
    enum op_class cls;
};

static const struct op_rule rules[] = {
    /* AWS (CloudTrail eventSource:eventName) */
    { "sts.amazonaws.com:GetCallerIdentity", RECON },
    { "s3.amazonaws.com:ListBuckets", RECON },
    { "iam.amazonaws.com:ListUsers", RECON },
    { "iam.amazonaws.com:ListRoles", RECON },
    { "iam.amazonaws.com:ListGroups", RECON },
    { "iam.amazonaws.com:ListAccessKeys", RECON },
    { "iam.amazonaws.com:ListAttachedUserPolicies", RECON },
    { "iam.amazonaws.com:ListUserPolicies", RECON },
    { "iam.amazonaws.com:GetAccountAuthorizationDetails", RECON },
    { "iam.amazonaws.com:GetUser", RECON },
    { "organizations.amazonaws.com:ListAccounts", RECON },
    { "organizations.amazonaws.com:DescribeOrganization", RECON },
    { "ec2.amazonaws.com:DescribeRegions", RECON },
    { "ec2.amazonaws.com:DescribeInstances", RECON },
    { "lambda.amazonaws.com:ListFunctions*", RECON },
    { "ses.amazonaws.com:GetSendQuota", RECON },
    { "ses.amazonaws.com:ListIdentities", RECON },
    { "secretsmanager.amazonaws.com:ListSecrets", RECON },
    { "secretsmanager.amazonaws.com:GetSecretValue", SECRET },
    { "ssm.amazonaws.com:GetParameter*", SECRET },
    { "kms.amazonaws.com:Decrypt", SECRET },
    { "iam.amazonaws.com:CreateAccessKey", PRIVILEGE },
    { "iam.amazonaws.com:CreateUser", PRIVILEGE },
    { "iam.amazonaws.com:CreateLoginProfile", PRIVILEGE },
    { "iam.amazonaws.com:UpdateLoginProfile", PRIVILEGE },
    { "iam.amazonaws.com:PutUserPolicy", PRIVILEGE },
    { "iam.amazonaws.com:AttachUserPolicy", PRIVILEGE },
    { "iam.amazonaws.com:AttachRolePolicy", PRIVILEGE },
    { "iam.amazonaws.com:AddUserToGroup", PRIVILEGE },
    { "iam.amazonaws.com:CreateRole", PRIVILEGE },
    { "sts.amazonaws.com:GetFederationToken", PRIVILEGE },
    /* GitHub audit log actions */
    { "github:public_key.create", PRIVILEGE },
    { "github:personal_access_token.*", PRIVILEGE },
    { "github:oauth_authorization.create", PRIVILEGE },
    { "github:org.add_member", PRIVILEGE },
    { "github:org.update_member", PRIVILEGE },
    { "github:repo.add_member", PRIVILEGE },
    { "github:integration_installation.create", PRIVILEGE },
    { "github:hook.create", PRIVILEGE },
    { "github:org_secret_scanning*", PRIVILEGE },
    { "github:repository_secret_scanning*", PRIVILEGE },
    /* HTTP APIs: listings and identity */
    { "GET /user", RECON },
    { "GET /api/v3/user", RECON },
    { "GET /api/v4/user", RECON },
    { "~/members", RECON },
    { "~/users", RECON },
    { "GET /user/orgs", RECON },
    { "GET /user/repos", RECON },
    { "~/orgs/*/repos", RECON },
    { "~/orgs/*/teams", RECON },
    { "~/search/code", RECON },
    { "~/whoami", RECON },
    { "~/api-keys", RECON },
    { "~/audit-log", RECON },
    { "~/admin", RECON },
    { "~/secrets", SECRET },
    { "~/actions/secrets", SECRET },
    { "~/variables", SECRET },
    { "POST /user/keys", PRIVILEGE },
    { "POST /api/v3/user/keys", PRIVILEGE },
    { "~/authorizations", PRIVILEGE },
    { "~/personal_access_tokens", PRIVILEGE },
    { "~/access_tokens", PRIVILEGE },
    { "POST ~/hooks", PRIVILEGE },
};

static bool has_substring(struct kt_str s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.len; i++) {
        if (memcmp(s.ptr + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool rule_matches(const struct op_rule *r, struct kt_str op)
{
    const char *m = r->match;
    size_t n = strlen(m);
    if (strncmp(m, "POST ~", 6) == 0) {
        return kt_str_has_prefix(op, "POST ") && has_substring(op, m + 6);
    }
    if (m[0] == '~') {
        return has_substring(op, m + 1);
    }
    if (m[n - 1] == '*') {
        return op.len >= n - 1 && memcmp(op.ptr, m, n - 1) == 0;
    }
    return kt_str_eq_cstr(op, m);
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    struct kt_str op = in->op;
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
    static const char *const what[] = { "reconnaissance", "secret read", "credential or "
                                                                         "permission change" };
    enum kt_severity sev = hit->cls == RECON ? KT_SEV_MEDIUM : KT_SEV_HIGH;
    int score = (int)in->knobs[hit->cls == RECON    ? K_SCORE_RECON
                               : hit->cls == SECRET ? K_SCORE_SECRET
                                                    : K_SCORE_PRIVILEGE];
    bool failed = in->ev->status == 401 || in->ev->status == 403 || in->ev->error.len > 0;
    struct kt_finding f;
    /* One finding per rule, not per operation: reading the secrets of twelve repositories is
     * one story, counted twelve times. */
    const char *rule = hit->match[0] == '~' ? hit->match + 1 : hit->match;
    kt_finding_start(&f, in, "sensitive_op", sev, score, "%s", rule);
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
    .n_knobs = sizeof(knobs) / sizeof(knobs[0]),
    .check = check,
};
