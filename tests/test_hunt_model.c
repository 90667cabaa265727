/*
 * The hunt's report model (hunt_model.c) over a pass built in memory: an owner who used the
 * key for a month from one network with one agent, a leak time, then the other party from a VPS
 * (who am I, refused enumeration, a policy granting everything, a new key) while the owner
 * carries on. The model must split the uses at the leak, set the other party's uses apart by
 * their source (not the owner's that come after the leak), list their operations in order with
 * the grant and the created key, give the created key its own entry with the chain, and keep the
 * members the renderers read.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "hunt.h"
#include "hunt_keys.h"
#include "hunt_model.h"

#define DAY 86400000LL
#define T0 1791072000000LL /* 2026-10-04T00:00:00Z */
#define LEAK (T0 + 30 * DAY)
#define KEY "AKIARTX3GSDSQOUP4RD6"
#define CHILD "AKIARTX3GSDSWGV5VKLP"

struct fixture {
    struct kt_config cfg;
    struct kt_engine *engine;
    struct kt_hunt *h;
    struct json_object *doc;
};

static void feed(struct fixture *fx, const char *key, int64_t t, const char *ip, const char *ua,
                 const char *svc, const char *op, const char *error, const char *grant,
                 const char *created)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = t;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr(ua);
    ev.service = kt_str_cstr(svc);
    ev.method = kt_str_cstr(op);
    ev.error = error ? kt_str_cstr(error) : KT_STR_NULL;
    ev.grant = grant ? kt_str_cstr(grant) : KT_STR_NULL;
    ev.created_key = created ? kt_str_cstr(created) : KT_STR_NULL;
    ev.actor = kt_str_cstr("arn:aws:iam::111122223333:user/legacy-reports");
    ev.file = "trail.json.gz";
    ev.line = (uint64_t)(t / 1000 % 100000) + 1;
    struct kt_cand cand = {KT_CAND_AWS_KEY_ID, kt_str_cstr(key)};
    assert_true(kt_cred_recognise(&cand, &ev.creds[0]));
    ev.n_creds = 1;
    assert_int_equal(kt_hunt_event(fx->h, &ev), KT_OK);
}

#define OWNER_IP "198.51.100.7"
#define OWNER_UA "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/linux"
#define THIEF_IP "203.0.113.220"
#define THIEF_UA "Boto3/1.34.144 md/Botocore#1.34.144"

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    assert_int_equal(kt_config_init(&fx->cfg), KT_OK);
    struct kt_engine_opts eo = {.cfg = &fx->cfg};
    struct kt_err err;
    assert_int_equal(kt_engine_new(&fx->engine, &eo, &err), KT_OK);
    fx->h = calloc(1, sizeof(*fx->h));
    assert_non_null(fx->h);
    struct kt_observer obs = {.cfg = &fx->cfg};
    kt_hunt_init(fx->h, fx->engine, &obs, NULL);
    struct kt_hunt_target t;
    assert_true(kt_hunt_key_parse(KT_STR_LIT(KEY), &t, NULL));
    assert_true(kt_hunt_add_target(fx->h, &t));
    /* The owner: a report job, 10:00 and 14:00 every day for 30 days. */
    for (int d = 0; d < 30; d++) {
        feed(fx, KEY, T0 + d * DAY + 10 * 3600000LL, OWNER_IP, OWNER_UA, "s3.amazonaws.com",
             "GetObject", NULL, NULL, NULL);
        feed(fx, KEY, T0 + d * DAY + 14 * 3600000LL, OWNER_IP, OWNER_UA, "s3.amazonaws.com",
             "PutObject", NULL, NULL, NULL);
    }
    int64_t at = LEAK + 3600000LL;
    feed(fx, KEY, at, THIEF_IP, THIEF_UA, "sts.amazonaws.com", "GetCallerIdentity", NULL, NULL,
         NULL);
    feed(fx, KEY, at + 9000, THIEF_IP, THIEF_UA, "iam.amazonaws.com", "ListUsers", "AccessDenied",
         NULL, NULL);
    feed(fx, KEY, at + 20000, THIEF_IP, THIEF_UA, "iam.amazonaws.com", "PutUserPolicy", NULL,
         "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", NULL);
    feed(fx, KEY, at + 60000, THIEF_IP, THIEF_UA, "iam.amazonaws.com", "CreateAccessKey", NULL,
         NULL, CHILD);
    /* The owner's job runs on, after the leak. */
    feed(fx, KEY, LEAK + 10 * 3600000LL, OWNER_IP, OWNER_UA, "s3.amazonaws.com", "GetObject", NULL,
         NULL, NULL);
    feed(fx, CHILD, at + 400000, "203.0.113.221", THIEF_UA, "s3.amazonaws.com", "ListBuckets", NULL,
         NULL, NULL);
    struct kt_hunt_model_opts mo = {
        .leaked_ms = LEAK, .rotated_ms = KT_TIME_NONE, .from_ms = T0, .to_ms = LEAK + DAY};
    enum kt_hunt_verdict worst;
    assert_int_equal(kt_hunt_model_build(fx->h, &mo, &fx->doc, &worst), KT_OK);
    assert_int_equal(worst, KT_HUNT_YES);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    json_object_put(fx->doc);
    kt_hunt_fini(fx->h);
    free(fx->h);
    kt_engine_free(fx->engine);
    kt_config_fini(&fx->cfg);
    free(fx);
    return 0;
}

static struct json_object *get(struct json_object *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf, *dot; o != NULL && p != NULL; p = dot) {
        dot = strchr(p, '.');
        if (dot != NULL) {
            *dot++ = '\0';
        }
        struct json_object *next = NULL;
        if (p[0] >= '0' && p[0] <= '9') {
            next = json_object_array_get_idx(o, (size_t)strtoul(p, NULL, 10));
        } else if (!json_object_object_get_ex(o, p, &next)) {
            next = NULL;
        }
        o = next;
    }
    return o;
}

static const char *str(struct json_object *doc, const char *path)
{
    struct json_object *v = get(doc, path);
    return v != NULL ? json_object_get_string(v) : "(missing)";
}

static int64_t num(struct json_object *doc, const char *path)
{
    struct json_object *v = get(doc, path);
    assert_non_null(v);
    return json_object_get_int64(v);
}

static void test_split_at_the_leak(void **state)
{
    struct fixture *fx = *state;
    struct json_object *k = get(fx->doc, "keys.0");
    assert_string_equal(str(k, "verdict"), "yes");
    assert_string_equal(str(k, "leak.source"), "given");
    assert_int_equal(num(k, "uses.total"), 65);
    assert_int_equal(num(k, "uses.before"), 60);
    assert_int_equal(num(k, "uses.after"), 5);
    assert_int_equal(num(k, "before.uses"), 60);
    assert_int_equal(num(k, "after.uses"), 5);
    assert_int_equal(num(k, "after.failed"), 1);
    assert_string_equal(str(fx->doc, "leaked_at"), "2026-11-03T00:00:00Z");
    assert_string_equal(str(k, "leak.time"), "2026-11-03T00:00:00Z");
}

static void test_other_party_is_set_apart_by_source(void **state)
{
    struct fixture *fx = *state;
    struct json_object *k = get(fx->doc, "keys.0");
    struct json_object *ips = get(k, "other_party.ips");
    assert_int_equal(json_object_array_length(ips), 1);
    assert_string_equal(str(k, "other_party.ips.0"), THIEF_IP);
    assert_string_equal(str(k, "other_party.agents.0"), "Boto3/1.34.144");
    /* Four operations of theirs; the owner's GetObject after the leak is not one. */
    struct json_object *ops = get(k, "operations");
    assert_int_equal(json_object_array_length(ops), 4);
    assert_string_equal(str(ops, "0.operation"), "sts:GetCallerIdentity");
    assert_string_equal(str(ops, "1.operation"), "iam:ListUsers");
    assert_string_equal(str(ops, "1.error"), "AccessDenied");
    assert_string_equal(str(ops, "2.operation"), "iam:PutUserPolicy");
    assert_non_null(strstr(str(ops, "2.grant"), "\"Action\":\"*\""));
    assert_string_equal(str(ops, "3.operation"), "iam:CreateAccessKey");
    assert_string_equal(str(ops, "3.created_hint"), CHILD);
    assert_string_equal(str(k, "first_other_party.ip"), THIEF_IP);
    /* The sources table: the owner's address is the owner's. */
    assert_string_equal(str(k, "sources.0.ip"), OWNER_IP);
    assert_string_equal(str(k, "sources.0.party"), "owner");
    assert_string_equal(str(k, "sources.1.party"), "other party");
    assert_int_equal(num(k, "sources.0.uses"), 61);
}

static void test_use_list_and_members(void **state)
{
    struct fixture *fx = *state;
    struct json_object *k = get(fx->doc, "keys.0");
    assert_int_equal(json_object_array_length(get(k, "use_list")), 65);
    assert_string_equal(str(k, "use_list.0.side"), "before");
    assert_string_equal(str(k, "use_list.0.file"), "trail.json.gz");
    assert_string_equal(str(k, "use_list.60.side"), "after");
    assert_string_equal(str(k, "use_list.60.party"), "other party");
    static const char *const members[] = {
        "key",      "family",       "kind",    "hint",           "account",    "actor",
        "found",    "verdict",      "reasons", "scan_verdict",   "risk",       "leak",
        "uses",     "timeline",     "before",  "after",          "only_after", "sources",
        "findings", "changepoints", "plan",    "after_rotation", "next_steps", "other_party",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(members); i++) {
        assert_non_null(get(k, members[i]));
    }
    assert_int_equal(json_object_array_length(get(k, "timeline.after")), 24);
    assert_string_equal(str(k, "timeline.marks.0.what"), "leak");
}

static void test_created_key_and_chain(void **state)
{
    struct fixture *fx = *state;
    struct json_object *c = get(fx->doc, "keys.1");
    assert_string_equal(str(c, "hint"), CHILD);
    assert_string_equal(str(c, "found.how"), "created");
    assert_string_equal(str(c, "found.operation"), "iam:CreateAccessKey");
    assert_string_equal(str(c, "verdict"), "yes");
    assert_string_equal(str(c, "leak.source"), "created");
    assert_int_equal(num(c, "uses.total"), 1);
    struct json_object *chain = get(fx->doc, "chain");
    assert_int_equal(json_object_array_length(chain), 1);
    assert_string_equal(str(chain, "0.from_hint"), KEY);
    assert_string_equal(str(chain, "0.to_hint"), CHILD);
    assert_string_equal(str(chain, "0.ip"), THIEF_IP);
    assert_non_null(strstr(str(get(fx->doc, "keys.0"), "next_steps.0"), CHILD));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_split_at_the_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_party_is_set_apart_by_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_use_list_and_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_created_key_and_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
