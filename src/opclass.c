/*
 * The table of sensitive operations (include/keytrail/opclass.h).
 *
 * Rules are tried in order and the first match wins. Most name one operation exactly; HTTP
 * rules match the templated path by its end or a part of it, after the method.
 */
#include <keytrail/opclass.h>

#include <stdio.h>

#define NAMED(name, cls) { NULL, KT_OP_EXACT, name, cls, false }

static const struct kt_op_rule rules[] = {
    /* AWS (CloudTrail eventSource:eventName) */
    { NULL, KT_OP_EXACT, "sts.amazonaws.com:GetCallerIdentity", KT_OP_RECON, true },
    NAMED("s3.amazonaws.com:ListBuckets", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListUsers", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListRoles", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListGroups", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListAccessKeys", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListAttachedUserPolicies", KT_OP_RECON),
    NAMED("iam.amazonaws.com:ListUserPolicies", KT_OP_RECON),
    NAMED("iam.amazonaws.com:GetAccountAuthorizationDetails", KT_OP_RECON),
    { NULL, KT_OP_EXACT, "iam.amazonaws.com:GetUser", KT_OP_RECON, true },
    NAMED("organizations.amazonaws.com:ListAccounts", KT_OP_RECON),
    NAMED("organizations.amazonaws.com:DescribeOrganization", KT_OP_RECON),
    NAMED("ec2.amazonaws.com:DescribeRegions", KT_OP_RECON),
    NAMED("ec2.amazonaws.com:DescribeInstances", KT_OP_RECON),
    { NULL, KT_OP_PREFIX, "lambda.amazonaws.com:ListFunctions", KT_OP_RECON, false },
    NAMED("ses.amazonaws.com:GetSendQuota", KT_OP_RECON),
    NAMED("ses.amazonaws.com:ListIdentities", KT_OP_RECON),
    NAMED("secretsmanager.amazonaws.com:ListSecrets", KT_OP_RECON),
    NAMED("secretsmanager.amazonaws.com:GetSecretValue", KT_OP_SECRET),
    { NULL, KT_OP_PREFIX, "ssm.amazonaws.com:GetParameter", KT_OP_SECRET, false },
    NAMED("kms.amazonaws.com:Decrypt", KT_OP_SECRET),
    NAMED("iam.amazonaws.com:CreateAccessKey", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:CreateUser", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:CreateLoginProfile", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:UpdateLoginProfile", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:PutUserPolicy", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:AttachUserPolicy", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:AttachRolePolicy", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:AddUserToGroup", KT_OP_PRIVILEGE),
    NAMED("iam.amazonaws.com:CreateRole", KT_OP_PRIVILEGE),
    NAMED("sts.amazonaws.com:GetFederationToken", KT_OP_PRIVILEGE),
    /* GitHub audit log actions */
    NAMED("github:public_key.create", KT_OP_PRIVILEGE),
    { NULL, KT_OP_PREFIX, "github:personal_access_token.", KT_OP_PRIVILEGE, false },
    NAMED("github:oauth_authorization.create", KT_OP_PRIVILEGE),
    NAMED("github:org.add_member", KT_OP_PRIVILEGE),
    NAMED("github:org.update_member", KT_OP_PRIVILEGE),
    NAMED("github:repo.add_member", KT_OP_PRIVILEGE),
    NAMED("github:integration_installation.create", KT_OP_PRIVILEGE),
    NAMED("github:hook.create", KT_OP_PRIVILEGE),
    { NULL, KT_OP_PREFIX, "github:org_secret_scanning", KT_OP_PRIVILEGE, false },
    { NULL, KT_OP_PREFIX, "github:repository_secret_scanning", KT_OP_PRIVILEGE, false },
    /* HTTP APIs: who am I, listings of people and keys, secrets, new credentials */
    { "GET", KT_OP_SUFFIX, "/user", KT_OP_RECON, true },
    { "GET", KT_OP_SUFFIX, "/whoami", KT_OP_RECON, true },
    { "GET", KT_OP_SUFFIX, "/members", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/users", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/teams", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/user/repos", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/user/orgs", KT_OP_RECON, false },
    { "GET", KT_OP_CONTAINS, "/search/code", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/api-keys", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/api_keys", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/tokens", KT_OP_RECON, false },
    { "GET", KT_OP_CONTAINS, "/audit-log", KT_OP_RECON, false },
    { "GET", KT_OP_CONTAINS, "/admin/", KT_OP_RECON, false },
    { "GET", KT_OP_SUFFIX, "/admin", KT_OP_RECON, false },
    { "GET", KT_OP_CONTAINS, "/secrets", KT_OP_SECRET, false },
    { "GET", KT_OP_SUFFIX, "/variables", KT_OP_SECRET, false },
    { "POST", KT_OP_SUFFIX, "/user/keys", KT_OP_PRIVILEGE, false },
    { "POST", KT_OP_SUFFIX, "/keys", KT_OP_PRIVILEGE, false },
    { "POST", KT_OP_SUFFIX, "/hooks", KT_OP_PRIVILEGE, false },
    /* A member or collaborator added: someone else gets in, and stays after the rotation. */
    { "PUT", KT_OP_CONTAINS, "/memberships/", KT_OP_PRIVILEGE, false },
    { "PUT", KT_OP_CONTAINS, "/collaborators/", KT_OP_PRIVILEGE, false },
    { "POST", KT_OP_SUFFIX, "/invitations", KT_OP_PRIVILEGE, false },
    { NULL, KT_OP_CONTAINS, "/authorizations", KT_OP_PRIVILEGE, false },
    { NULL, KT_OP_CONTAINS, "/personal_access_tokens", KT_OP_PRIVILEGE, false },
    { NULL, KT_OP_CONTAINS, "/access_tokens", KT_OP_PRIVILEGE, false },
    /* Payment APIs (Stripe's paths): a stolen secret key first asks whose account it opens
     * and what it holds, is cashed out by payouts and transfers, often to a bank account or
     * card it adds, and is watched through a webhook it creates. */
    { "GET", KT_OP_SUFFIX, "/account", KT_OP_RECON, true },
    { "GET", KT_OP_SUFFIX, "/balance", KT_OP_RECON, false },
    { "POST", KT_OP_SUFFIX, "/payouts", KT_OP_MONEY, false },
    { "POST", KT_OP_SUFFIX, "/transfers", KT_OP_MONEY, false },
    { "POST", KT_OP_CONTAINS, "/external_accounts", KT_OP_MONEY, false },
    { "POST", KT_OP_SUFFIX, "/webhook_endpoints", KT_OP_PRIVILEGE, false },
};

static bool rule_matches(const struct kt_op_rule *r, struct kt_str op)
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
    case KT_OP_EXACT: return kt_str_eq_cstr(op, r->pattern);
    case KT_OP_PREFIX: return op.len >= n && memcmp(op.ptr, r->pattern, n) == 0;
    case KT_OP_SUFFIX: return op.len >= n && memcmp(op.ptr + op.len - n, r->pattern, n) == 0;
    case KT_OP_CONTAINS: return kt_str_contains(op, r->pattern);
    }
    return false;
}

const struct kt_op_rule *kt_op_rule_of(struct kt_str op)
{
    if (op.len == 0) {
        return NULL;
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(rules); i++) {
        if (rule_matches(&rules[i], op)) {
            return &rules[i];
        }
    }
    return NULL;
}

const char *kt_op_class_name(enum kt_op_class cls)
{
    static const char *const names[KT_OP__COUNT] = {
        [KT_OP_RECON] = "reconnaissance",
        [KT_OP_SECRET] = "secret read",
        [KT_OP_PRIVILEGE] = "credential or permission change",
        [KT_OP_MONEY] = "payout or transfer",
    };
    return (unsigned)cls < KT_OP__COUNT ? names[cls] : "operation";
}

void kt_op_rule_label(const struct kt_op_rule *r, char *out, size_t cap)
{
    bool part = r->how == KT_OP_SUFFIX || r->how == KT_OP_CONTAINS;
    snprintf(out, cap, "%s%s%s%s", r->method ? r->method : "", r->method ? " " : "",
             part ? "…" : "", r->pattern);
}
