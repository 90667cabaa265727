/*
 * ip_list: use from an address on the user's --ip-list (Tor exits, scanners, known attacker
 * infrastructure). No baseline needed: the list itself is the evidence.
 */
#include <keytrail/detector.h>

enum { K_SCORE };

static const struct kt_knob knobs[] = {
    [K_SCORE] = { "score", 75, "score of a use from a listed address" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    if (in->obs->ip_list_label == NULL) {
        return;
    }
    struct kt_finding f;
    kt_finding_start(&f, in, "ip_list", KT_SEV_HIGH, (int)in->knobs[K_SCORE], "%.*s",
                     (int)KT_MIN(in->ev->ip.len, (size_t)64), in->ev->ip.ptr);
    if (in->obs->ip_list_label[0] != '\0') {
        kt_finding_reason(&f, "use from %s, which is on the address list as \"%s\"", f.ip,
                          in->obs->ip_list_label);
    } else {
        kt_finding_reason(&f, "use from %s, which is on the address list", f.ip);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_ip_list = {
    .name = "ip_list",
    .summary = "use from an address on the --ip-list (Tor exits, known bad networks)",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
