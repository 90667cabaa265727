/*
 * credential_chain: a key created by a suspect key inherits the suspicion. On CloudTrail a
 * thief with one access key mints another (CreateAccessKey, for a user they made or took) so
 * that rotating the first one does not lock them out; the new key may never even appear in
 * the logs before it is used.
 *
 * When an accepted request created a key (ev->created_key) and the creating key's risk, this
 * event's findings included, reaches min_risk, both keys get a finding naming the other: the
 * parent "created kt1-…", the child "created by kt1-…" with the parent's risk as its score —
 * critical when the parent is at the rotate level (score >= rotate_risk), so the child is
 * rotated with it. The engine calls this detector a second time for the created key, with
 * in->parent set (engine.c), creating that key's state when it was never seen.
 *
 * Suspicion is judged once, when the key is created; a parent found suspect only later is not
 * linked back (its findings name the time, the CreateAccessKey event names the child).
 */
#include <keytrail/detector.h>

enum { K_MIN_RISK, K_ROTATE_RISK, K_SCORE_PARENT };

static const struct kt_knob knobs[] = {
    [K_MIN_RISK] = {"min_risk", 35, "risk of the creating key from which the link is reported"},
    [K_ROTATE_RISK] = {"rotate_risk", 70,
                       "risk of the creating key from which the created key is critical"},
    [K_SCORE_PARENT] = {"score_parent", 40, "score of the finding on the creating key"},
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_event *ev = in->ev;
    if (ev->created_key.len == 0 || kt_obs_provider_error(in->obs) || in->key_risk < in->knobs[K_MIN_RISK]) {
        return;
    }
    char id[KT_KEYID_STRLEN + 1];
    char name[48];
    kt_str_copy(name, sizeof(name), ev->method);
    struct kt_finding f;
    if (in->parent != NULL) {
        kt_keyid_format(&in->parent->key, id);
        bool rotate = in->key_risk >= in->knobs[K_ROTATE_RISK];
        kt_finding_start(&f, in, "credential_chain", rotate ? KT_SEV_CRITICAL : KT_SEV_HIGH,
                         in->key_risk, "created by %s", id);
        kt_finding_reason(&f, "created by %s (%s) with %s while that key was at risk %d", id,
                          in->parent->hint, name, in->key_risk);
        kt_finding_extra(&f, "parent_risk", in->key_risk);
        emit(ctx, &f);
        return;
    }
    struct kt_cand cand = {.kind = KT_CAND_AWS_KEY_ID, .value = ev->created_key};
    struct kt_cred child;
    if (!kt_cred_recognise(&cand, &child) || kt_keyid_eq(&child.key, &in->cred->key)) {
        return;
    }
    kt_keyid_format(&child.key, id);
    kt_finding_start(&f, in, "credential_chain", KT_SEV_HIGH, (int)in->knobs[K_SCORE_PARENT],
                     "created %s", id);
    kt_finding_reason(&f, "created another key, %s (%s), with %s while at risk %d: rotate both", id,
                      child.hint, name, in->key_risk);
    emit(ctx, &f);
}

const struct kt_detector kt_det_credential_chain = {
    .name = "credential_chain",
    .summary = "a key created by a suspect key (CreateAccessKey), reported on both",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
