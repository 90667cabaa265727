/*
 * sensitive_op: the first time a key performs a reconnaissance or privilege operation it never
 * performed before — what a thief does first with a found key ("who am I, what can I reach,
 * can I stay", and with a payment key "can I cash out"). Ordinary automation repeats the same
 * calls; a key that suddenly lists users, reads secrets or mints credentials is worth a look.
 *
 * Operations are matched on the operation key (kt_baseline_op_key) by the table of sensitive
 * operations (include/keytrail/opclass.h), which sensitive_sweep reads too.
 */
#include <keytrail/detector.h>
#include <keytrail/opclass.h>

enum { K_SCORE_RECON, K_SCORE_SECRET, K_SCORE_PRIVILEGE, K_SCORE_MONEY };

static const struct kt_knob knobs[] = {
    [K_SCORE_RECON] = { "score_recon", 35, "score of a first reconnaissance call" },
    [K_SCORE_SECRET] = { "score_secret", 50, "score of a first read of secrets" },
    [K_SCORE_PRIVILEGE] = { "score_privilege", 60,
                            "score of a first credential or permission change" },
    [K_SCORE_MONEY] = { "score_money", 60,
                        "score of a first payout, transfer or new payout destination" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    struct kt_str op = in->obs->op;
    if (op.len == 0 || kt_baseline_has_op(in->base, op)) {
        return;
    }
    const struct kt_op_rule *hit = kt_op_rule_of(op);
    if (hit == NULL) {
        return;
    }
    enum kt_severity sev = hit->cls == KT_OP_RECON ? KT_SEV_MEDIUM : KT_SEV_HIGH;
    static const int knob_of[KT_OP__COUNT] = {
        [KT_OP_RECON] = K_SCORE_RECON, [KT_OP_SECRET] = K_SCORE_SECRET,
        [KT_OP_PRIVILEGE] = K_SCORE_PRIVILEGE, [KT_OP_MONEY] = K_SCORE_MONEY
    };
    int score = (int)in->knobs[knob_of[hit->cls]];
    bool failed = kt_obs_denied(in->obs);
    char label[KT_FINDING_VALUE];
    kt_op_rule_label(hit, label, sizeof(label));
    struct kt_finding f;
    /* One finding per rule, not per operation: reading the secrets of twelve repositories is
     * one story, counted twelve times. */
    kt_finding_start(&f, in, "sensitive_op", sev, score, "%s", label);
    char n[32];
    kt_fmt_count(in->base->events, n, sizeof(n));
    kt_finding_reason(&f, "first %s for this key: %.*s%s, after %s earlier requests",
                      kt_op_class_name(hit->cls), (int)KT_MIN(op.len, (size_t)120), op.ptr,
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
