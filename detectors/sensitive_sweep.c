/*
 * sensitive_sweep: several sensitive operations the key never made, within minutes — the
 * "who am I, what can I reach, what can I take" of a stolen key whose history says it never
 * did any of this. Each first one is a sensitive_op finding on its own (medium for a listing);
 * an owner trying one new call looks the same, a thief trying five in a row does not.
 *
 * The window starts with the key's first such operation and lasts 15 minutes (like
 * recon_burst's); it counts distinct operations (by a hash of the op key), their classes
 * (opclass.h), how many of them were refused and whether one was an identity call. It fires
 * from min_operations distinct operations, or from two of different classes one of which is
 * more than a listing (a secret read, a permission change, a payout), and again each time the
 * score rises. The score adds, to its base, per_operation for each operation past the
 * minimum, and bonuses for refusals (trying what the key cannot do), an identity call, looking
 * around and then acting on it (a listing with a secret read, a permission change or a
 * payout), and for a burst as large as half of all the operations the key ever made:
 * automation has a fixed vocabulary, and doubling it in minutes is not a new feature.
 *
 * A sweep of listings made wholly from one of the key's own addresses with its usual client,
 * none of it refused, is what an owner's audit looks like (an SRE listing users and roles from
 * the office): it is scored down to score_own and keeps its full score, which counts when
 * something else changed in what the key does or how (engine.c). An audit looks; once the
 * sweep reads a secret, changes a permission or pays out, it counts in full wherever it came
 * from (a thief on the owner's machine adding a deploy key).
 *
 * A call outside the table joins the window as a probe when the key never made it, it was
 * refused (401, 403, AccessDenied) and it came from elsewhere than the key's own addresses or
 * with another client: trying endpoints to learn what a found key opens. An owner's new call
 * that is refused (a missing permission) comes from the owner's machine; a pipeline's new step
 * fails on one call, not on several different ones within minutes. A fleet (a key only ever
 * used from hosting networks, in two places or more) has no address of its own: each runner is
 * fresh, and a new step refused on three endpoints until the token gets the permission looks
 * like that. Probes alone from its usual client on its own provider's networks are scored down
 * to score_own like an audit, keeping their full score for when something else changed.
 *
 * The window is per-key detector state (48 bytes), so it survives between runs with --state.
 */
#include <keytrail/detector.h>
#include <keytrail/opclass.h>

#include <stdio.h>

#include "timefmt.h"

enum { K_MIN_OPS, K_SCORE, K_PER_OP, K_DENIED, K_WHOAMI, K_CLASSES, K_VOCABULARY, K_SCORE_OWN };

static const struct kt_knob knobs[] = {
    [K_MIN_OPS] = { "min_operations", 3, "distinct first-time sensitive operations within 15 minutes" },
    [K_SCORE] = { "score", 50, "score of a burst at the minimum" },
    [K_PER_OP] = { "per_operation", 5, "added for each operation past the minimum (up to 3)" },
    [K_DENIED] = { "denied_bonus", 15, "added when 2 or more of them were refused" },
    [K_WHOAMI] = { "whoami_bonus", 10, "added when one of them asked who the key is" },
    [K_CLASSES] = { "act_bonus", 15,
                    "added when they span two classes: looking around and acting on it (a "
                    "secret read, a permission change, a payout)" },
    [K_VOCABULARY] = { "vocabulary_bonus", 10,
                       "added when they are half as many as all operations the key made before" },
    [K_SCORE_OWN] = { "score_own", 35,
                      "score when all of them were listings from the key's own addresses with its "
                      "usual client, none refused, or refused calls outside the list from a "
                      "fleet's runners" },
};

#define SWEEP_WINDOW_MS (15LL * 60 * 1000)
#define SWEEP_OPS 8 /* distinct operations remembered per window */

struct sweep_state {
    int64_t start_ms;        /* first operation of the window */
    uint32_t ops[SWEEP_OPS]; /* FNV-1a hashes of their op keys */
    uint8_t n;               /* distinct operations (saturates at 255) */
    uint8_t classes;         /* bit per enum kt_op_class */
    uint8_t denied;          /* of them, refused */
    uint8_t whoami;          /* one of them was an identity call */
    uint8_t started;         /* start_ms is set */
    uint8_t last_score;      /* the score last emitted in this window (0: none) */
    uint8_t elsewhere;       /* SWEEP_ELSEWHERE, SWEEP_OUTSIDE_FLEET of any of them */
    uint8_t probes;          /* of them, refused calls outside the table (saturates) */
};

/* Bits of sweep_state.elsewhere: from elsewhere than the key's own addresses or with another
 * client; and, of those, not the usual client of a fleet on its own provider's networks. */
#define SWEEP_ELSEWHERE 1u
#define SWEEP_OUTSIDE_FLEET 2u

/* What a refused first-time call outside the table counts as: looking around. */
static const struct kt_op_rule probe_rule = { NULL, KT_OP_EXACT, "", KT_OP_RECON, false };

_Static_assert(sizeof(struct sweep_state) <= KT_DET_STATE_MAX, "sweep state over the cap");

/* Adds the operation to the window; false when it was already in it. */
static bool sweep_add(struct sweep_state *st, struct kt_str op, const struct kt_op_rule *rule,
                      bool denied, bool own, bool fleet, int64_t t_ms)
{
    if (!st->started || t_ms - st->start_ms > SWEEP_WINDOW_MS) {
        memset(st, 0, sizeof(*st));
        st->started = 1;
        st->start_ms = t_ms;
    }
    uint32_t h = kt_fnv1a32(KT_FNV1A_INIT, op);
    size_t held = KT_MIN((size_t)st->n, (size_t)SWEEP_OPS);
    for (size_t i = 0; i < held; i++) {
        if (st->ops[i] == h) {
            return false;
        }
    }
    if (held < SWEEP_OPS) {
        st->ops[held] = h;
    }
    st->n += st->n < UINT8_MAX;
    st->classes |= (uint8_t)(1u << rule->cls);
    st->denied += denied && st->denied < UINT8_MAX;
    st->whoami |= rule->whoami;
    st->elsewhere |=
        (uint8_t)((own ? 0 : SWEEP_ELSEWHERE) | (own || fleet ? 0 : SWEEP_OUTSIDE_FLEET));
    st->probes += rule == &probe_rule && st->probes < UINT8_MAX;
    return true;
}

static int sweep_score(const struct sweep_state *st, const struct kt_det_input *in)
{
    const double *k = in->knobs;
    unsigned min = (unsigned)KT_MAX(k[K_MIN_OPS], 2.0);
    /* Two classes (more than one bit) always hold one beyond listing: looking around, then
     * acting on it. */
    bool mixed = (st->classes & (st->classes - 1)) != 0;
    if (st->n < min && !(st->n >= 2 && mixed)) {
        return 0;
    }
    double score = k[K_SCORE];
    if (st->n > min) {
        score += k[K_PER_OP] * KT_MIN((double)(st->n - min), 3.0);
    }
    score += st->denied >= 2 ? k[K_DENIED] : 0;
    score += st->whoami ? k[K_WHOAMI] : 0;
    score += mixed ? k[K_CLASSES] : 0;
    score += 2.0 * st->n >= (double)in->base->ops_count ? k[K_VOCABULARY] : 0;
    return (int)KT_MIN(score, 90.0);
}

/* The usual client of a fleet (hosting networks only, established in two places or more) on a
 * network of a provider it already uses: one of its runners, whatever the address. */
static bool fleet_runner(const struct kt_det_input *in)
{
    const struct kt_baseline *b = in->base;
    const struct kt_geo *g = &in->obs->geo;
    if (!in->usual_client || !in->obs->has_geo || !g->hosting ||
        !(b->flags & KT_BL_NET_HOSTING) || (b->flags & KT_BL_NET_ACCESS) ||
        !kt_baseline_knows_provider(b, g->asn)) {
        return false;
    }
    return kt_baseline_established_places(b) >= 2;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    struct kt_str op = in->obs->op;
    struct sweep_state *st = in->state;
    if (st == NULL || op.len == 0 || !in->obs->timed || kt_baseline_has_op(in->base, op)) {
        return;
    }
    const struct kt_op_rule *rule = kt_op_rule_of(op);
    bool denied = kt_obs_refused(in->obs) || kt_obs_no_permission(in->obs);
    if (rule == NULL && !denied) {
        return;
    }
    bool own = in->usual_client && kt_baseline_addr_established(in->base, in->obs);
    if (rule == NULL) {
        if (own) {
            return;
        }
        rule = &probe_rule;
    }
    if (!sweep_add(st, op, rule, kt_obs_denied(in->obs), own, !own && fleet_runner(in),
                   in->obs->time_ms)) {
        return;
    }
    int full = sweep_score(st, in);
    if (full <= st->last_score) {
        return;
    }
    st->last_score = (uint8_t)full;
    bool audit = !st->elsewhere && st->denied == 0 && st->classes == (1u << KT_OP_RECON);
    /* Only refused calls outside the table, all from the fleet's own runners: a new step. */
    bool fleet_step = !(st->elsewhere & SWEEP_OUTSIDE_FLEET) && st->probes == st->n;
    int score = audit || fleet_step ? KT_MIN(full, (int)in->knobs[K_SCORE_OWN]) : full;

    char start[KT_TIME_STRLEN];
    kt_time_format(st->start_ms, start);
    start[16] = '\0'; /* to the minute: "2026-10-23T01:58" */
    char classes[96] = "";
    size_t used = 0;
    for (int c = 0; c < KT_OP__COUNT; c++) {
        if (st->classes & (1u << c)) {
            int w = snprintf(classes + used, sizeof(classes) - used, "%s%s", used ? ", " : "",
                             kt_op_class_name((enum kt_op_class)c));
            used = w > 0 ? KT_MIN(used + (size_t)w, sizeof(classes) - 1) : used;
        }
    }
    char n[32];
    kt_fmt_count(in->base->events, n, sizeof(n));
    long minutes = (long)((in->obs->time_ms - st->start_ms) / 60000);
    struct kt_finding f;
    kt_finding_start(&f, in, "sensitive_sweep",
                     audit || fleet_step ? KT_SEV_MEDIUM : KT_SEV_HIGH, score, "%u from %s",
                     (unsigned)st->n, start);
    char refused[64] = "";
    if (st->probes > 0) {
        snprintf(refused, sizeof(refused), ", %u refused (%u outside the sensitive list)",
                 (unsigned)st->denied, (unsigned)st->probes);
    } else if (st->denied > 0) {
        snprintf(refused, sizeof(refused), ", %u refused", (unsigned)st->denied);
    }
    kt_finding_reason(&f,
                      "%u %soperations this key never made, within %ld minute%s (%s)%s%s; "
                      "it had made about %u distinct operations in %s requests%s",
                      (unsigned)st->n, st->probes > 0 ? "" : "sensitive ", minutes < 1 ? 1 : minutes, minutes > 1 ? "s" : "", classes,
                      refused, st->whoami ? ", with an identity call" : "",
                      (unsigned)in->base->ops_count, n,
                      audit        ? "; all from the key's own addresses with its usual client"
                      : fleet_step ? "; all from the key's fleet, its usual client on its own "
                                     "provider's networks"
                                   : "");
    kt_finding_extra(&f, "count", st->n);
    kt_finding_extra(&f, "denied", st->denied);
    if (score < full) {
        kt_finding_extra(&f, "full_score", full);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_sensitive_sweep = {
    .name = "sensitive_sweep",
    .summary = "several first-time sensitive operations within minutes",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHAT,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
    .state_size = sizeof(struct sweep_state),
    .state_family = KT_FAM_NONE,
};
