/*
 * Following the credential chain of a hunt (hunt_chain.c, hunt.c): a key created or minted by a
 * hunted key joins the hunt with its link, once; a refused call creates nothing; a full table
 * counts what it could not follow; and in a whole pass through the engine the created key's
 * later uses are recorded under it, with the creating use pointing at it.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "hunt.h"
#include "hunt_keys.h"

#define PARENT "AKIARTX3GSDSQOUP4RD6"
#define CHILD "AKIARTX3GSDSWGV5VKLP"
#define SESSION "ASIARTX3GSDSZ3QF7ABC"
#define T0 1793756236000LL /* 2026-11-04T01:37:16Z */

struct fixture {
    struct kt_config cfg;
    struct kt_engine *engine;
    struct kt_hunt *h;
};

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
    assert_true(kt_hunt_key_parse(KT_STR_LIT(PARENT), &t, NULL));
    assert_true(kt_hunt_add_target(fx->h, &t));
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kt_hunt_fini(fx->h);
    free(fx->h);
    kt_engine_free(fx->engine);
    kt_config_fini(&fx->cfg);
    free(fx);
    return 0;
}

/* A CloudTrail-like event of access key id `key`. */
static void event_of(struct kt_event *ev, const char *key, int64_t t, const char *svc,
                     const char *op)
{
    memset(ev, 0, sizeof(*ev));
    kt_event_reset(ev);
    ev->time_ms = t;
    ev->ip = kt_str_cstr("203.0.113.220");
    ev->user_agent = kt_str_cstr("Boto3/1.34.144 md/Botocore#1.34.144");
    ev->service = kt_str_cstr(svc);
    ev->method = kt_str_cstr(op);
    ev->actor = kt_str_cstr("arn:aws:iam::111122223333:user/legacy-reports");
    ev->file = "x.json.gz";
    ev->line = 1;
    struct kt_cand cand = {KT_CAND_AWS_KEY_ID, kt_str_cstr(key)};
    assert_true(kt_cred_recognise(&cand, &ev->creds[0]));
    ev->n_creds = 1;
}

static void test_created_key_joins_once(void **state)
{
    struct fixture *fx = *state;
    struct kt_hunt *h = fx->h;
    struct kt_event ev;
    event_of(&ev, PARENT, T0, "iam.amazonaws.com", "CreateAccessKey");
    ev.created_key = kt_str_cstr(CHILD);
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), 1);
    assert_int_equal(h->n_keys, 2);
    const struct kt_hunt_key *k = &h->keys[1];
    assert_int_equal(k->how, KT_HUNT_CREATED);
    assert_int_equal(k->from, 0);
    assert_int_equal(k->found_ms, T0);
    assert_string_equal(k->found_op, "iam:CreateAccessKey");
    assert_string_equal(k->found_ip, "203.0.113.220");
    assert_int_equal(k->family, KT_FAM_AWS);
    assert_int_equal(h->n_links, 1);
    assert_int_equal(h->links[0].from, 0);
    assert_int_equal(h->links[0].to, 1);
    /* Seen again (a replayed record): neither a second key nor a second link. */
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), 1);
    assert_int_equal(h->n_keys, 2);
    assert_int_equal(h->n_links, 1);
    assert_int_equal(kt_hunt_chain_root(h, 1), 0);
    assert_int_equal(kt_hunt_chain_root(h, 0), 0);
}

static void test_minted_session_key(void **state)
{
    struct fixture *fx = *state;
    struct kt_hunt *h = fx->h;
    struct kt_event ev;
    event_of(&ev, PARENT, T0, "sts.amazonaws.com", "GetSessionToken");
    ev.minted_key = kt_str_cstr(SESSION);
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), 1);
    assert_int_equal(h->keys[1].how, KT_HUNT_MINTED);
    assert_string_equal(h->keys[1].found_op, "sts:GetSessionToken");
    assert_int_equal(h->links[0].how, KT_HUNT_MINTED);
    /* A session key minted from the session key: the chain grows, its root stays. */
    event_of(&ev, SESSION, T0 + 1000, "sts.amazonaws.com", "AssumeRole");
    ev.minted_key = kt_str_cstr("ASIARTX3GSDSQQQQ7XYZ");
    assert_int_equal(kt_hunt_chain_follow(h, 1, &ev), 2);
    assert_int_equal(kt_hunt_chain_root(h, 2), 0);
}

static void test_refused_or_empty_creates_nothing(void **state)
{
    struct fixture *fx = *state;
    struct kt_hunt *h = fx->h;
    struct kt_event ev;
    event_of(&ev, PARENT, T0, "iam.amazonaws.com", "CreateAccessKey");
    ev.created_key = kt_str_cstr(CHILD);
    ev.error = kt_str_cstr("AccessDenied");
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), -1);
    ev.error = KT_STR_NULL;
    ev.created_key = KT_STR_NULL;
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), -1);
    ev.created_key = kt_str_cstr("not-a-key-id"); /* hostile responseElements */
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), -1);
    ev.created_key = kt_str_cstr(PARENT); /* itself */
    assert_int_equal(kt_hunt_chain_follow(h, 0, &ev), -1);
    assert_int_equal(h->n_keys, 1);
    assert_int_equal(h->n_links, 0);
}

static void test_full_table_is_counted(void **state)
{
    struct fixture *fx = *state;
    struct kt_hunt *h = fx->h;
    struct kt_event ev;
    char id[24];
    for (int i = 0; i < KT_HUNT_MAX_KEYS + 3; i++) {
        event_of(&ev, PARENT, T0 + i, "iam.amazonaws.com", "CreateAccessKey");
        snprintf(id, sizeof(id), "AKIARTX3GSDS%08d", i);
        ev.created_key = kt_str_cstr(id);
        kt_hunt_chain_follow(h, 0, &ev);
    }
    assert_int_equal(h->n_keys, KT_HUNT_MAX_KEYS);
    assert_int_equal(h->keys_refused, 4); /* 127 joined, 4 did not */
}

static void test_pass_records_the_created_keys_uses(void **state)
{
    struct fixture *fx = *state;
    struct kt_hunt *h = fx->h;
    struct kt_event ev;
    event_of(&ev, PARENT, T0, "sts.amazonaws.com", "GetCallerIdentity");
    assert_int_equal(kt_hunt_event(h, &ev), KT_OK);
    event_of(&ev, "AKIARTX3GSDSOTHER001", T0 + 500, "s3.amazonaws.com", "ListBuckets");
    assert_int_equal(kt_hunt_event(h, &ev), KT_OK); /* not hunted: not recorded */
    event_of(&ev, PARENT, T0 + 1000, "iam.amazonaws.com", "CreateAccessKey");
    ev.created_key = kt_str_cstr(CHILD);
    assert_int_equal(kt_hunt_event(h, &ev), KT_OK);
    for (int i = 0; i < 3; i++) {
        event_of(&ev, CHILD, T0 + 2000 + i, "s3.amazonaws.com", "GetObject");
        ev.ip = kt_str_cstr("203.0.113.221");
        ev.resource = kt_str_cstr("reports-bucket/2026/q3.csv");
        assert_int_equal(kt_hunt_event(h, &ev), KT_OK);
    }
    assert_int_equal(h->n_keys, 2);
    const struct kt_hunt_key *p = &h->keys[0], *c = &h->keys[1];
    assert_int_equal(p->n_uses, 2);
    assert_int_equal(p->total, 2);
    assert_true(p->seen);
    assert_string_equal(p->actor, "arn:aws:iam::111122223333:user/legacy-reports");
    assert_int_equal(p->uses[0].time_ms, T0);
    assert_string_equal(kt_hunt_str(&h->ops, p->uses[1].op_id), "iam:CreateAccessKey");
    uint32_t note = p->refs[1].note;
    assert_true(note < p->n_notes);
    assert_int_equal(p->notes[note].created, 1);
    assert_int_equal(c->n_uses, 3);
    assert_string_equal(kt_hunt_str(&h->ips, c->uses[0].ip_id), "203.0.113.221");
    assert_string_equal(kt_hunt_str(&h->ops, c->uses[0].op_id), "s3:GetObject");
    assert_string_equal(kt_hunt_str(&h->endpoints, c->uses[0].endpoint_id),
                        "reports-bucket/2026/q3.csv");
    assert_string_equal(kt_hunt_str(&h->clients, c->uses[0].client_id), "Boto3/1.34.144");
    /* The engine judged them as scan would: the created key is known to it, linked. */
    assert_non_null(kt_engine_keystate(fx->engine, &c->target.key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_created_key_joins_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_minted_session_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_or_empty_creates_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_table_is_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pass_records_the_created_keys_uses, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
