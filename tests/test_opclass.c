/* The table of sensitive operations (src/opclass.c): classes, identity calls, labels, and the
 * operations that only look alike. */
#include "testutil.h"

#include <keytrail/opclass.h>

static const struct kt_op_rule *rule(const char *op)
{
    return kt_op_rule_of(kt_str_cstr(op));
}

static void test_classes(void **state)
{
    (void)state;
    assert_int_equal(rule("iam.amazonaws.com:ListUsers")->cls, KT_OP_RECON);
    assert_int_equal(rule("secretsmanager.amazonaws.com:GetSecretValue")->cls, KT_OP_SECRET);
    assert_int_equal(rule("ssm.amazonaws.com:GetParametersByPath")->cls, KT_OP_SECRET);
    assert_int_equal(rule("iam.amazonaws.com:CreateAccessKey")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("github:personal_access_token.request_created")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("GET /api/v3/orgs/*/members")->cls, KT_OP_RECON);
    assert_int_equal(rule("GET /api/v3/orgs/*/actions/secrets")->cls, KT_OP_SECRET);
    assert_int_equal(rule("POST /api/v3/user/keys")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("PUT /api/v3/orgs/*/memberships/*")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("PUT /api/v3/repos/*/*/collaborators/*")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("POST /api/v3/orgs/*/invitations")->cls, KT_OP_PRIVILEGE);
    assert_null(rule("GET /api/v3/orgs/*/memberships/*"));
    assert_int_equal(rule("POST /v1/payouts")->cls, KT_OP_MONEY);
    assert_int_equal(rule("POST /v1/accounts/*/external_accounts")->cls, KT_OP_MONEY);
    assert_int_equal(rule("POST /v1/webhook_endpoints")->cls, KT_OP_PRIVILEGE);
    assert_int_equal(rule("GET /v1/balance")->cls, KT_OP_RECON);
    assert_string_equal(kt_op_class_name(KT_OP_MONEY), "payout or transfer");
}

static void test_identity_calls(void **state)
{
    (void)state;
    assert_true(rule("sts.amazonaws.com:GetCallerIdentity")->whoami);
    assert_true(rule("iam.amazonaws.com:GetUser")->whoami);
    assert_true(rule("GET /api/v3/user")->whoami);
    assert_true(rule("GET /v1/account")->whoami);
    assert_false(rule("GET /api/v3/user/repos")->whoami);
    assert_false(rule("iam.amazonaws.com:ListUsers")->whoami);
}

static void test_not_sensitive(void **state)
{
    (void)state;
    /* Everyday calls, reads of what a payout was, and methods the rule does not name. */
    assert_null(rule("s3.amazonaws.com:GetObject"));
    assert_null(rule("GET /v1/payouts"));
    assert_null(rule("DELETE /api/v3/user"));
    assert_null(rule("GET /api/v3/repos/*/*/issues"));
    assert_null(rule("GET"));
    assert_null(rule("GET "));
    assert_null(kt_op_rule_of(KT_STR_NULL));
    /* The method must be a whole word: "GETX /user" is not a GET. */
    assert_null(rule("GETX /api/v3/user"));
}

static void test_labels(void **state)
{
    (void)state;
    char out[96];
    kt_op_rule_label(rule("iam.amazonaws.com:ListUsers"), out, sizeof(out));
    assert_string_equal(out, "iam.amazonaws.com:ListUsers");
    kt_op_rule_label(rule("GET /api/v3/orgs/*/members"), out, sizeof(out));
    assert_string_equal(out, "GET …/members");
    kt_op_rule_label(rule("lambda.amazonaws.com:ListFunctions20150331"), out, sizeof(out));
    assert_string_equal(out, "lambda.amazonaws.com:ListFunctions");
    /* A small buffer is cut, still terminated. */
    char tiny[6];
    kt_op_rule_label(rule("iam.amazonaws.com:ListUsers"), tiny, sizeof(tiny));
    assert_string_equal(tiny, "iam.a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_identity_calls),
        cmocka_unit_test(test_not_sensitive),
        cmocka_unit_test(test_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
