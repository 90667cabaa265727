/*
 * Misuse with no baseline: the rules that judge a key whose only logged uses are the thief's
 * (recon_burst, privilege_change, defense_evasion, credential_exfil, credential_chain), the
 * CloudTrail fields they read (created_key, grant), and the learning flag of ok keys whose
 * baseline is not mature. Each rule has a positive and a negative case, run through the whole
 * engine so the verdicts are the ones a user sees. Events are built in memory, without a
 * location database; key ids are made up.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "format.h"

#define MIN 60000LL
#define HOUR 3600000LL
#define DAY 86400000LL
#define T0 1789948800000LL /* 2026-09-21T00:00Z */

#define USER_KEY "AKIAQWERTYUIOPASDFGH"
#define CHILD_KEY "AKIAZXCVBNMQWERTYUIA"
#define ROLE_KEY "ASIAQWERTYUIOPASDFGH"
#define ROLE_KEY2 "ASIAZXCVBNMQWERTYUIA"

struct fixture {
    struct kt_config cfg;
    struct kt_engine *engine;
    struct kt_finding alerts[128];
    int n_alerts;
};

static void on_alert(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks)
{
    (void)ks;
    struct fixture *fx = ctx;
    if (fx->n_alerts < 128) {
        fx->alerts[fx->n_alerts++] = *f;
    }
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_int_equal(kt_config_init(&fx->cfg), KT_OK);
    struct kt_engine_opts eo = { .cfg = &fx->cfg, .on_alert = on_alert, .alert_ctx = fx };
    struct kt_err err;
    assert_int_equal(kt_engine_new(&fx->engine, &eo, &err), KT_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kt_engine_free(fx->engine);
    kt_config_fini(&fx->cfg);
    free(fx);
    return 0;
}

static struct kt_cred aws_key(const char *id)
{
    struct kt_cand cand = { .kind = KT_CAND_AWS_KEY_ID, .value = kt_str_cstr(id) };
    struct kt_cred c;
    assert_true(kt_cred_recognise(&cand, &c));
    return c;
}

/* One CloudTrail call: service and name, optional error, grant and created key. */
struct call {
    const char *key;
    int64_t t;
    const char *ip, *ua, *service, *name, *error, *grant, *created;
};

static void feed(struct fixture *fx, const struct call *c)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = c->t;
    ev.ip = kt_str_cstr(c->ip ? c->ip : "198.51.100.7");
    ev.user_agent = kt_str_cstr(c->ua ? c->ua : "aws-cli/2.15.0 Python/3.11.6 Linux/6.5");
    ev.service = kt_str_cstr(c->service);
    ev.method = kt_str_cstr(c->name);
    ev.error = kt_str_cstr(c->error ? c->error : "");
    ev.grant = kt_str_cstr(c->grant ? c->grant : "");
    ev.created_key = kt_str_cstr(c->created ? c->created : "");
    ev.creds[0] = aws_key(c->key ? c->key : USER_KEY);
    ev.n_creds = 1;
    assert_int_equal(kt_engine_event(fx->engine, &ev), KT_OK);
}

static void call(struct fixture *fx, int64_t t, const char *service, const char *name,
                 const char *error)
{
    struct call c = { .t = t, .service = service, .name = name, .error = error };
    feed(fx, &c);
}

static int count(const struct fixture *fx, const char *detector, enum kt_severity sev)
{
    int n = 0;
    for (int i = 0; i < fx->n_alerts; i++) {
        n += strcmp(fx->alerts[i].detector, detector) == 0 && fx->alerts[i].severity >= sev;
    }
    return n;
}

static enum kt_verdict verdict_of(struct fixture *fx, const char *id)
{
    struct kt_cred c = aws_key(id);
    const struct kt_keystate *ks = kt_engine_keystate(fx->engine, &c.key);
    assert_non_null(ks);
    enum kt_verdict v;
    kt_engine_risk(fx->engine, ks, &v);
    return v;
}

/* The listing calls of a thief's first minutes; every other one refused. */
static void enumerate(struct fixture *fx, int64_t t, int64_t step, bool refused)
{
    static const char *const calls[][2] = {
        { "sts.amazonaws.com", "GetCallerIdentity" }, { "iam.amazonaws.com", "ListUsers" },
        { "iam.amazonaws.com", "ListRoles" },         { "iam.amazonaws.com", "ListPolicies" },
        { "s3.amazonaws.com", "ListBuckets" },         { "ec2.amazonaws.com", "DescribeInstances" },
        { "lambda.amazonaws.com", "ListFunctions20150331" },
        { "secretsmanager.amazonaws.com", "ListSecrets" },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(calls); i++) {
        call(fx, t + (int64_t)i * step, calls[i][0], calls[i][1],
             refused && i % 2 == 1 ? "AccessDenied" : NULL);
    }
}

/* A month of an owner's routine: the same two calls with the usual client, daily. */
static void routine(struct fixture *fx)
{
    for (int d = 0; d < 30; d++) {
        for (int h = 9; h < 12; h++) {
            call(fx, T0 + d * DAY + h * HOUR, "s3.amazonaws.com", "PutObject", NULL);
            call(fx, T0 + d * DAY + h * HOUR + MIN, "iam.amazonaws.com", "CreateUser", NULL);
        }
    }
}

/* ---- fields ---- */

static void test_cloudtrail_created_key_and_grant(void **state)
{
    (void)state;
    const struct kt_format *fmt = kt_format_find("cloudtrail");
    assert_non_null(fmt);
    void *st = NULL;
    struct kt_err err;
    assert_int_equal(fmt->init(NULL, &st, &err), KT_OK);
    struct kt_parser p;
    assert_int_equal(kt_parser_init(&p, fmt, st, 1 << 16, &err), KT_OK);
    static const char *const text[] = {
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"accessKeyId\":\"" USER_KEY "\"},"
        "\"eventTime\":\"2026-11-02T14:00:05Z\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"CreateAccessKey\",\"requestParameters\":{\"userName\":\"u\"},"
        "\"responseElements\":{\"accessKey\":{\"userName\":\"u\",\"accessKeyId\":\"" CHILD_KEY
        "\",\"status\":\"Active\"}}}",
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"accessKeyId\":\"" USER_KEY "\"},"
        "\"eventTime\":\"2026-11-02T14:00:05Z\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"PutUserPolicy\",\"requestParameters\":{\"userName\":\"u\","
        "\"policyDocument\":\"{\\\"Statement\\\":[{\\\"Action\\\":\\\"*\\\"}]}\"}}",
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"accessKeyId\":\"" USER_KEY "\"},"
        "\"eventTime\":\"2026-11-02T14:00:05Z\",\"eventSource\":\"sts.amazonaws.com\","
        "\"eventName\":\"GetSessionToken\",\"responseElements\":{\"credentials\":"
        "{\"accessKeyId\":\"" CHILD_KEY "\",\"sessionToken\":\"x\"}}}",
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"accessKeyId\":\"" USER_KEY "\"},"
        "\"eventTime\":\"2026-11-02T14:00:05Z\",\"eventSource\":\"s3.amazonaws.com\","
        "\"eventName\":\"PutBucketPolicy\",\"requestParameters\":{\"bucketPolicy\":"
        "{\"Statement\":[{\"Principal\":\"*\"}]},\"bucketName\":\"b\"}}",
    };
    static const char *const created[] = { CHILD_KEY, "", "", "" };
    static const char *const minted[] = { "", "", CHILD_KEY, "" };
    static const char *const grant[] = { "", "{\"Statement\":[{\"Action\":\"*\"}]}", "",
                                         "{\"Statement\":[{\"Principal\":\"*\"}]}" };
    for (size_t i = 0; i < KT_ARRAY_LEN(text); i++) {
        kt_parser_begin(&p);
        struct kt_event ev;
        memset(&ev, 0, sizeof(ev));
        kt_event_reset(&ev);
        size_t used = 0;
        assert_int_equal(fmt->parse(&p, kt_str_cstr(text[i]), &ev, &used), KT_BAD_NONE);
        assert_true(kt_str_eq_cstr(ev.created_key, created[i]));
        assert_true(kt_str_eq_cstr(ev.minted_key, minted[i]));
        if (!kt_str_eq_cstr(ev.grant, grant[i])) {
            fail_msg("record %zu grant: '%.*s'", i, (int)ev.grant.len, ev.grant.ptr);
        }
    }
    kt_parser_fini(&p);
    fmt->fini(st);
}

/* ---- recon_burst ---- */

static void test_recon_burst_fires_on_refused_enumeration(void **state)
{
    struct fixture *fx = *state;
    enumerate(fx, T0, MIN, true);
    assert_int_equal(count(fx, "recon_burst", KT_SEV_HIGH), 1);
    const struct kt_finding *f = &fx->alerts[fx->n_alerts - 1];
    assert_string_equal(f->value, "enumeration after GetCallerIdentity");
    assert_int_equal(f->score, 65);
    /* Alone it asks for a look; with a privilege change or a new place it is rotate. */
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_INVESTIGATE);
}

static void test_recon_burst_quiet_without_refusals_or_spread_out(void **state)
{
    struct fixture *fx = *state;
    enumerate(fx, T0, MIN, false); /* a console user browsing: nothing refused */
    enumerate(fx, T0 + DAY, 20 * MIN, true); /* refusals, but hours apart */
    assert_int_equal(count(fx, "recon_burst", KT_SEV_LOW), 0);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_OK);
}

/* ---- privilege_change ---- */

static void test_admin_grant_is_critical(void **state)
{
    struct fixture *fx = *state;
    struct call c = { .t = T0, .service = "iam.amazonaws.com", .name = "AttachUserPolicy",
                      .grant = "arn:aws:iam::aws:policy/AdministratorAccess" };
    feed(fx, &c);
    assert_int_equal(count(fx, "privilege_change", KT_SEV_CRITICAL), 1);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_ROTATE);
}

static void test_star_policy_document_is_admin(void **state)
{
    struct fixture *fx = *state;
    struct call c = { .t = T0, .service = "iam.amazonaws.com", .name = "PutUserPolicy",
                      .grant = "{\n  \"Statement\": [{ \"Effect\": \"Allow\",\n"
                               "    \"Action\": \"*:*\", \"Resource\": \"*\" }]\n}" };
    feed(fx, &c);
    assert_int_equal(count(fx, "privilege_change", KT_SEV_CRITICAL), 1);
}

static void test_narrow_policy_and_refused_change_are_not_admin(void **state)
{
    struct fixture *fx = *state;
    struct call narrow = { .t = T0, .service = "iam.amazonaws.com", .name = "PutUserPolicy",
                           .grant = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                                    "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}" };
    feed(fx, &narrow);
    call(fx, T0 + MIN, "iam.amazonaws.com", "CreateUser", "AccessDenied");
    assert_int_equal(count(fx, "privilege_change", KT_SEV_CRITICAL), 0);
    assert_int_equal(count(fx, "privilege_change", KT_SEV_HIGH), 1); /* the policy change */
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_INVESTIGATE);
}

static void test_recon_then_new_key_is_rotate(void **state)
{
    struct fixture *fx = *state;
    call(fx, T0, "sts.amazonaws.com", "GetCallerIdentity", NULL);
    call(fx, T0 + MIN, "iam.amazonaws.com", "CreateAccessKey", NULL);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_INVESTIGATE); /* one finding alone */
    for (int i = 0; i < 4; i++) {
        call(fx, T0 + (2 + i) * MIN, "iam.amazonaws.com",
             (const char *[]){ "ListUsers", "ListRoles", "ListPolicies", "ListGroups" }[i],
             "AccessDenied");
    }
    call(fx, T0 + 7 * MIN, "s3.amazonaws.com", "ListBuckets", NULL);
    call(fx, T0 + 8 * MIN, "ec2.amazonaws.com", "DescribeInstances", NULL);
    assert_int_equal(count(fx, "recon_burst", KT_SEV_HIGH), 1);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_ROTATE);
}

static void test_admin_routine_on_mature_key_is_not_rotate(void **state)
{
    struct fixture *fx = *state;
    routine(fx);
    assert_int_equal(count(fx, "privilege_change", KT_SEV_LOW), 1); /* only while learning */
    call(fx, T0 + 31 * DAY + 10 * HOUR, "iam.amazonaws.com", "CreateLoginProfile", NULL);
    call(fx, T0 + 31 * DAY + 10 * HOUR + MIN, "iam.amazonaws.com", "CreateAccessKey", NULL);
    assert_int_equal(count(fx, "privilege_change", KT_SEV_LOW), 1);
    /* The month-old finding of the first day does not make today's work a rotate case. */
    assert_int_not_equal(verdict_of(fx, USER_KEY), KT_VERDICT_ROTATE);
}

/* ---- defense_evasion ---- */

static void test_stop_logging_is_critical(void **state)
{
    struct fixture *fx = *state;
    call(fx, T0, "cloudtrail.amazonaws.com", "StopLogging", NULL);
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_CRITICAL), 1);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_ROTATE);
}

static void test_refused_stop_logging_is_high_only(void **state)
{
    struct fixture *fx = *state;
    call(fx, T0, "cloudtrail.amazonaws.com", "StopLogging", "AccessDenied");
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_CRITICAL), 0);
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_HIGH), 1);
    assert_int_equal(verdict_of(fx, USER_KEY), KT_VERDICT_INVESTIGATE);
}

static void test_sharing_out_of_the_account(void **state)
{
    struct fixture *fx = *state;
    struct kt_cred me = aws_key(USER_KEY);
    char own[256];
    snprintf(own, sizeof(own),
             "{\"Statement\":[{\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},"
             "\"Condition\":{\"StringEquals\":{\"AWS:SourceArn\":\"arn:aws:iam::%s:trail/t\"}}}]}",
             me.account[0] ? me.account : "000000000000");
    struct call calls[] = {
        /* negatives: a service principal of the own account, a snapshot share removed */
        { .t = T0, .service = "s3.amazonaws.com", .name = "PutBucketPolicy", .grant = own },
        { .t = T0 + MIN, .service = "ec2.amazonaws.com", .name = "ModifySnapshotAttribute" },
        /* positives */
        { .t = T0 + 2 * MIN, .service = "s3.amazonaws.com", .name = "PutBucketPolicy",
          .grant = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}" },
        { .t = T0 + 3 * MIN, .service = "ec2.amazonaws.com", .name = "ModifySnapshotAttribute",
          .grant = "{\"items\":[{\"userId\":\"012345678912\"}]}" },
    };
    feed(fx, &calls[0]);
    feed(fx, &calls[1]);
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_LOW), 0 + (me.account[0] == '\0'));
    int before = count(fx, "defense_evasion", KT_SEV_LOW);
    feed(fx, &calls[2]);
    feed(fx, &calls[3]);
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_HIGH), before + 2);
    assert_string_equal(fx->alerts[fx->n_alerts - 2].value,
                        "S3 bucket (policy) shared with everyone");
}

static void test_secret_read_burst(void **state)
{
    struct fixture *fx = *state;
    for (int i = 0; i < 9; i++) {
        call(fx, T0 + i * 1000, "secretsmanager.amazonaws.com", "GetSecretValue", NULL);
    }
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_LOW), 0);
    for (int i = 0; i < 9; i++) { /* the next window starts over */
        call(fx, T0 + HOUR + i * 1000, "secretsmanager.amazonaws.com", "GetSecretValue", NULL);
    }
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_LOW), 0);
    call(fx, T0 + HOUR + 10000, "ec2.amazonaws.com", "GetPasswordData",
         "Client.UnauthorizedOperation");
    assert_int_equal(count(fx, "defense_evasion", KT_SEV_HIGH), 1);
}

/* ---- credential_exfil ---- */

static void test_lambda_role_key_used_from_a_laptop(void **state)
{
    struct fixture *fx = *state;
    const char *lambda = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 lang/python#3.12 "
                         "exec-env/AWS_Lambda_python3.12";
    struct call calls[] = {
        { .key = ROLE_KEY, .t = T0, .ip = "3.91.20.7", .ua = lambda,
          .service = "dynamodb.amazonaws.com", .name = "DescribeTable" },
        { .key = ROLE_KEY, .t = T0 + MIN, .ip = "AWS Internal", .ua = "AWS Internal",
          .service = "kms.amazonaws.com", .name = "Decrypt" },
        { .key = ROLE_KEY, .t = T0 + 2 * MIN, .ip = "3.91.20.9", .ua = "awslambda-worker/1.0",
          .service = "logs.amazonaws.com", .name = "PutLogEvents" },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(calls); i++) {
        feed(fx, &calls[i]);
    }
    assert_int_equal(count(fx, "credential_exfil", KT_SEV_LOW), 0);
    struct call laptop = { .key = ROLE_KEY, .t = T0 + 30 * MIN, .ip = "198.51.100.7",
                           .service = "sts.amazonaws.com", .name = "GetCallerIdentity" };
    feed(fx, &laptop);
    assert_int_equal(count(fx, "credential_exfil", KT_SEV_CRITICAL), 1);
    assert_int_equal(verdict_of(fx, ROLE_KEY), KT_VERDICT_ROTATE);
}

static void test_session_key_from_a_laptop_all_along(void **state)
{
    struct fixture *fx = *state;
    struct call c = { .key = ROLE_KEY, .t = T0, .service = "s3.amazonaws.com",
                      .name = "ListBuckets" };
    feed(fx, &c);
    c.t += MIN;
    c.ua = "Boto3/1.34.0 Python/3.12 Linux/6.5";
    feed(fx, &c);
    /* A service key whose id shows up again long after any session could last. */
    struct call fn = { .key = ROLE_KEY2, .t = T0, .ua = "awslambda-worker/1.0",
                       .service = "s3.amazonaws.com", .name = "GetObject" };
    feed(fx, &fn);
    fn.t += 2 * DAY;
    fn.ua = NULL;
    feed(fx, &fn);
    assert_int_equal(count(fx, "credential_exfil", KT_SEV_LOW), 0);
}

/* ---- credential_chain ---- */

static void test_key_created_by_a_suspect_key(void **state)
{
    struct fixture *fx = *state;
    call(fx, T0, "cloudtrail.amazonaws.com", "StopLogging", NULL);
    struct call c = { .t = T0 + MIN, .service = "iam.amazonaws.com", .name = "CreateAccessKey",
                      .created = CHILD_KEY };
    feed(fx, &c);
    struct kt_cred parent = aws_key(USER_KEY), child = aws_key(CHILD_KEY);
    char pid[KT_KEYID_STRLEN + 1], cid[KT_KEYID_STRLEN + 1], want[64];
    kt_keyid_format(&parent.key, pid);
    kt_keyid_format(&child.key, cid);
    assert_int_equal(count(fx, "credential_chain", KT_SEV_HIGH), 2);
    bool on_child = false, on_parent = false;
    for (int i = 0; i < fx->n_alerts; i++) {
        const struct kt_finding *f = &fx->alerts[i];
        if (strcmp(f->detector, "credential_chain") != 0) {
            continue;
        }
        if (kt_keyid_eq(&f->key, &child.key)) {
            snprintf(want, sizeof(want), "created by %s", pid);
            assert_string_equal(f->value, want);
            assert_int_equal(f->severity, KT_SEV_CRITICAL);
            on_child = true;
        } else {
            assert_true(kt_keyid_eq(&f->key, &parent.key));
            snprintf(want, sizeof(want), "created %s", cid);
            assert_string_equal(f->value, want);
            on_parent = true;
        }
    }
    assert_true(on_child && on_parent);
    assert_int_equal(verdict_of(fx, CHILD_KEY), KT_VERDICT_ROTATE);
    /* The child was never used: its state holds no use of its own. */
    assert_int_equal(kt_engine_keystate(fx->engine, &child.key)->events, 0);
}

static void test_key_created_by_a_trusted_key(void **state)
{
    struct fixture *fx = *state;
    routine(fx);
    for (int d = 0; d < 30; d++) { /* key rotation is part of the routine */
        call(fx, T0 + d * DAY + 13 * HOUR, "iam.amazonaws.com", "CreateAccessKey", NULL);
    }
    int before = fx->n_alerts;
    struct call c = { .t = T0 + 31 * DAY + 13 * HOUR, .service = "iam.amazonaws.com",
                      .name = "CreateAccessKey", .created = CHILD_KEY };
    feed(fx, &c);
    assert_int_equal(fx->n_alerts, before);
    struct kt_cred child = aws_key(CHILD_KEY);
    assert_null(kt_engine_keystate(fx->engine, &child.key));
}

/* ---- learning ---- */

static void test_learning_flag(void **state)
{
    struct fixture *fx = *state;
    for (int i = 0; i < 3; i++) {
        call(fx, T0 + i * DAY, "s3.amazonaws.com", "PutObject", NULL);
    }
    struct call old = { .key = CHILD_KEY, .service = "s3.amazonaws.com", .name = "PutObject" };
    for (int d = 0; d < 30; d++) {
        old.t = T0 + d * DAY;
        feed(fx, &old);
    }
    struct kt_report r;
    assert_int_equal(kt_engine_report(fx->engine, true, &r), KT_OK);
    assert_int_equal(r.totals.ok, 2);
    assert_int_equal(r.totals.learning, 1);
    struct kt_cred young = aws_key(USER_KEY);
    bool seen = false;
    for (size_t i = 0; i < r.n_keys; i++) {
        struct kt_report_key buf;
        const struct kt_report_key *k = kt_report_key_get(&r, i, &buf);
        bool is_young = kt_keyid_eq(&k->key, &young.key);
        assert_int_equal(k->verdict, KT_VERDICT_OK);
        assert_int_equal(k->learning, is_young);
        assert_int_equal(k->history_days, is_young ? 2 : 29);
        seen |= is_young;
    }
    assert_true(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloudtrail_created_key_and_grant),
        cmocka_unit_test_setup_teardown(test_recon_burst_fires_on_refused_enumeration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_recon_burst_quiet_without_refusals_or_spread_out,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_grant_is_critical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_star_policy_document_is_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narrow_policy_and_refused_change_are_not_admin,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_recon_then_new_key_is_rotate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_routine_on_mature_key_is_not_rotate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stop_logging_is_critical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_stop_logging_is_high_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sharing_out_of_the_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_read_burst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lambda_role_key_used_from_a_laptop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_key_from_a_laptop_all_along, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_created_by_a_suspect_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_created_by_a_trusted_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_learning_flag, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
