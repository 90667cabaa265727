/*
 * The hunt's verdict rules (hunt_verdict.c): scan's rotate or a critical finding is yes, its
 * investigate or a suspicious use is likely, a key created by a key used by someone else
 * inherits the verdict with a reason naming the call, a given leak time with new sources after
 * it is likely, and a key with nothing against it is "no evidence" with a reason all the same.
 * Then the leak time's precedence: created, given, change point, suspicious first use.
 */
#include "testutil.h"

#include <stdio.h>

#include "hunt_verdict.h"

static struct kt_finding finding(const char *det, enum kt_severity sev, const char *reason)
{
    struct kt_finding f;
    memset(&f, 0, sizeof(f));
    f.detector = det;
    f.severity = sev;
    f.score = sev == KT_SEV_CRITICAL ? 95 : 60;
    snprintf(f.reason, sizeof(f.reason), "%s", reason);
    return f;
}

static bool has_reason(const struct kt_hunt_judgement *j, const char *part)
{
    for (size_t i = 0; i < j->n_reasons; i++) {
        if (strstr(j->reasons[i], part) != NULL) {
            return true;
        }
    }
    return false;
}

static void test_rotate_is_yes_with_the_findings_as_reasons(void **state)
{
    (void)state;
    struct kt_finding a =
        finding("recon_burst", KT_SEV_HIGH, "GetCallerIdentity, then 6 listing calls");
    struct kt_finding b = finding("privilege_change", KT_SEV_CRITICAL, "PutUserPolicy granted *:*");
    struct kt_finding c = finding("recon_burst", KT_SEV_HIGH, "a second burst");
    const struct kt_finding *fs[] = {&a, &b, &c};
    struct kt_hunt_evidence ev = {.scan_verdict = KT_VERDICT_ROTATE,
                                  .risk = 100,
                                  .findings = fs,
                                  .n_findings = 3,
                                  .n_uses = 15,
                                  .suspicious_uses = 10,
                                  .first_use_suspicious = true};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_YES);
    assert_string_equal(kt_hunt_verdict_name(j.verdict), "yes");
    /* Strongest first, one per detector. */
    assert_non_null(strstr(j.reasons[0], "privilege_change: PutUserPolicy"));
    assert_non_null(strstr(j.reasons[1], "recon_burst: GetCallerIdentity"));
    assert_false(has_reason(&j, "a second burst"));
    assert_true(has_reason(&j, "baseline-free"));
}

static void test_critical_finding_alone_is_yes(void **state)
{
    (void)state;
    struct kt_finding b = finding("privilege_change", KT_SEV_CRITICAL, "granted *:*");
    const struct kt_finding *fs[] = {&b};
    struct kt_hunt_evidence ev = {.scan_verdict = KT_VERDICT_INVESTIGATE,
                                  .findings = fs,
                                  .n_findings = 1,
                                  .n_uses = 3,
                                  .suspicious_uses = 1};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_YES);
}

static void test_investigate_or_suspicious_use_is_likely(void **state)
{
    (void)state;
    struct kt_finding a = finding("new_asn", KT_SEV_MEDIUM, "first use from AS64511");
    const struct kt_finding *fs[] = {&a};
    struct kt_hunt_evidence ev = {
        .scan_verdict = KT_VERDICT_INVESTIGATE, .findings = fs, .n_findings = 1, .n_uses = 40};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_LIKELY);
    assert_true(has_reason(&j, "new_asn: first use from AS64511"));
    struct kt_hunt_evidence ev2 = {
        .scan_verdict = KT_VERDICT_OK, .n_uses = 40, .suspicious_uses = 1};
    kt_hunt_judge(&ev2, &j);
    assert_int_equal(j.verdict, KT_HUNT_LIKELY);
}

static void test_created_key_inherits(void **state)
{
    (void)state;
    struct kt_hunt_evidence ev = {
        .scan_verdict = KT_VERDICT_OK, .n_uses = 8, .how = KT_HUNT_CREATED, .parent = KT_HUNT_YES};
    snprintf(ev.parent_op, sizeof(ev.parent_op), "iam:CreateAccessKey");
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_YES);
    assert_string_equal(j.reasons[0],
                        "created by the other party with a stolen key (iam:CreateAccessKey)");
    ev.how = KT_HUNT_MINTED;
    ev.parent = KT_HUNT_LIKELY;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_LIKELY);
    assert_true(has_reason(&j, "minted with a key likely used by someone else"));
    /* The owner's own rotation: created by a key with no evidence is no evidence. */
    ev.parent = KT_HUNT_NO_EVIDENCE;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_NO_EVIDENCE);
}

static void test_nothing_is_no_evidence_with_a_reason(void **state)
{
    (void)state;
    struct kt_hunt_evidence ev = {.scan_verdict = KT_VERDICT_OK, .n_uses = 1200};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_NO_EVIDENCE);
    assert_string_equal(kt_hunt_verdict_name(j.verdict), "no evidence");
    assert_int_equal(j.n_reasons, 1);
    assert_true(has_reason(&j, "nothing in its uses"));
    ev.n_uses = 0;
    kt_hunt_judge(&ev, &j);
    assert_true(has_reason(&j, "no use of the key"));
}

static void test_new_sources_after_a_given_leak(void **state)
{
    (void)state;
    struct kt_hunt_diff d;
    memset(&d, 0, sizeof(d));
    d.before.uses = 900;
    d.after.uses = 30;
    d.novel_uses = 12;
    struct kt_hunt_novel client = {.id = 7, .first_use = 901, .uses = 12};
    d.clients = &client;
    d.n_clients = 1;
    struct kt_hunt_evidence ev = {.scan_verdict = KT_VERDICT_OK, .n_uses = 930, .diff = &d};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_LIKELY);
    assert_true(has_reason(&j, "12 uses after the leak from sources not seen before it"));
    /* New addresses only, same agents, nothing suspicious: said, but no verdict. */
    d.n_clients = 0;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_NO_EVIDENCE);
    assert_true(has_reason(&j, "12 uses after the leak"));
}

static void test_strong_change_point_is_likely(void **state)
{
    (void)state;
    struct kt_hunt_changepoint cp = {
        .at = 400, .time_ms = 1000, .score = 9, .confidence = KT_HUNT_CONF_HIGH};
    struct kt_hunt_evidence ev = {.scan_verdict = KT_VERDICT_OK, .n_uses = 500, .cp = &cp};
    struct kt_hunt_judgement j;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_LIKELY);
    assert_true(has_reason(&j, "high confidence"));
    cp.confidence = KT_HUNT_CONF_LOW;
    kt_hunt_judge(&ev, &j);
    assert_int_equal(j.verdict, KT_HUNT_NO_EVIDENCE);
}

static void test_leak_time_precedence(void **state)
{
    (void)state;
    enum kt_hunt_leak_source src;
    struct kt_hunt_changepoint cp = {.time_ms = 5000, .confidence = KT_HUNT_CONF_MEDIUM};
    /* A created key is the other party's from its creation, whatever --leaked-at says. */
    assert_int_equal(kt_hunt_leak_time(1000, KT_HUNT_CREATED, 2000, &cp, true, 100, &src), 2000);
    assert_int_equal(src, KT_HUNT_LEAK_CREATED);
    assert_int_equal(kt_hunt_leak_time(1000, KT_HUNT_GIVEN, 2000, &cp, true, 100, &src), 1000);
    assert_int_equal(src, KT_HUNT_LEAK_GIVEN);
    assert_int_equal(kt_hunt_leak_time(KT_TIME_NONE, KT_HUNT_GIVEN, 2000, &cp, true, 100, &src),
                     5000);
    assert_int_equal(src, KT_HUNT_LEAK_CHANGEPOINT);
    assert_int_equal(
        kt_hunt_leak_time(KT_TIME_NONE, KT_HUNT_GIVEN, KT_TIME_NONE, NULL, true, 100, &src), 100);
    assert_int_equal(src, KT_HUNT_LEAK_FIRST_USE);
    assert_string_equal(kt_hunt_leak_source_name(src), "first use");
    assert_int_equal(
        kt_hunt_leak_time(KT_TIME_NONE, KT_HUNT_GIVEN, KT_TIME_NONE, NULL, false, 100, &src),
        KT_TIME_NONE);
    assert_int_equal(src, KT_HUNT_LEAK_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotate_is_yes_with_the_findings_as_reasons),
        cmocka_unit_test(test_critical_finding_alone_is_yes),
        cmocka_unit_test(test_investigate_or_suspicious_use_is_likely),
        cmocka_unit_test(test_created_key_inherits),
        cmocka_unit_test(test_nothing_is_no_evidence_with_a_reason),
        cmocka_unit_test(test_new_sources_after_a_given_leak),
        cmocka_unit_test(test_strong_change_point_is_likely),
        cmocka_unit_test(test_leak_time_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
