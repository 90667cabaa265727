/*
 * new_asn: first use of the key from an autonomous system (network operator) absent from its
 * baseline. A new provider in a city the key already uses is the owner's new office or home
 * ISP: low. Anywhere else it is medium, and it corroborates the other novelty findings.
 * Another AS of a provider the key already uses (Amazon's 14618 next to its 16509,
 * kt_asn_provider) is the same cloud's other region: low as well.
 *
 * A change of the kind of network says more than either reassurance: a key only ever used
 * from access networks now on a hosting provider (a token replayed from a rented server), or
 * one only ever used from hosting and cloud networks — a service, a CI fleet — now on a home
 * or mobile ISP (the token copied to someone's own machine). Keys used widely (in many
 * countries) are still judged when their networks are few providers: a CI fleet spread over
 * one cloud's regions, now used from another provider, is not its usual spread.
 */
#include <keytrail/detector.h>

#include <inttypes.h>

enum { K_SAME_CITY_KM, K_SCORE, K_SCORE_SAME_CITY, K_SCORE_USUAL_CLIENT, K_SCORE_HOSTING,
       K_SCORE_PROVIDER, K_SCORE_ACCESS, K_FLEET_PROVIDERS };

static const struct kt_knob knobs[] = {
    [K_SAME_CITY_KM] = { "same_city_km", 50, "a new network this close to a known place is local" },
    [K_SCORE] = { "score", 40, "score of a new network elsewhere, with a new client" },
    [K_SCORE_SAME_CITY] = { "score_same_city", 10,
                            "score of a new network in a known city, with the usual client" },
    [K_SCORE_USUAL_CLIENT] = { "score_usual_client", 25,
                               "score of a new network in a known city or with the usual client" },
    [K_SCORE_HOSTING] = { "score_hosting", 50,
                          "score of a first hosting provider for a key used only from access "
                          "networks" },
    [K_SCORE_PROVIDER] = { "score_same_provider", 10,
                           "score of another network of a cloud provider the key already uses, "
                           "with the usual client or another version of it" },
    [K_SCORE_ACCESS] = { "score_access", 50,
                         "score of a first access network (ISP, mobile) for a key used only from "
                         "hosting and cloud networks" },
    [K_FLEET_PROVIDERS] = { "fleet_providers", 2,
                            "a key used in many countries is still judged when its networks "
                            "belong to at most this many providers" },
};

/* The distinct providers among the key's networks, counting up to limit + 1. */
static unsigned providers(const struct kt_baseline *b, unsigned limit)
{
    uint32_t seen[KT_BL_ASNS];
    unsigned n = 0;
    for (size_t i = 0; i < KT_BL_ASNS && n <= limit; i++) {
        uint32_t id = (uint32_t)b->asns[i].id;
        if (id == 0) {
            continue;
        }
        uint32_t p = kt_asn_provider(id);
        bool dup = false;
        for (unsigned j = 0; j < n && !dup; j++) {
            dup = seen[j] == p;
        }
        if (!dup) {
            seen[n++] = p;
        }
    }
    return n;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_geo *g = &in->obs->geo;
    const struct kt_baseline *b = in->base;
    if (!in->obs->has_asn || g->asn == 0 || kt_baseline_has_asn(b, g->asn)) {
        return;
    }
    /* Widely used keys: a publishable key is meant for anyone; a key seen in many countries
     * is judged only as a fleet of few providers, and only for a provider it never used. */
    bool fleet = false;
    if (in->broad) {
        unsigned limit = (unsigned)KT_MAX(in->knobs[K_FLEET_PROVIDERS], 0.0);
        if ((in->cred->flags & KT_CRED_PUBLISHABLE) || providers(b, limit) > limit ||
            kt_baseline_knows_provider(b, g->asn)) {
            return;
        }
        fleet = true;
    }
    bool any_known = false;
    for (size_t i = 0; i < KT_BL_ASNS; i++) {
        any_known |= b->asns[i].id != 0;
    }
    if (!any_known) {
        return; /* the key's history had no network data: nothing to compare with */
    }
    double near = g->has_location ? kt_baseline_nearest_place_km(b, g->lat, g->lon) : -1;
    /* A new network in a known city is the owner's new office or home ISP; the usual client
     * elsewhere may be a trip or a copied token, so it weighs less but still counts. */
    bool usual = in->usual_client;
    bool local = near >= 0 && near <= in->knobs[K_SAME_CITY_KM];
    struct kt_finding f;
    /* Each of the two reassurances (a known city, the usual client) halves the concern; with
     * both it is the owner's new office or home network. But a key only ever used from access
     * networks, now used from a hosting provider, is a token replayed from a rented server,
     * whatever client it claims to be. */
    bool to_hosting = g->hosting && !(b->flags & KT_BL_NET_HOSTING) &&
                      (b->flags & KT_BL_NET_ACCESS);
    bool to_access = !g->hosting && (b->flags & KT_BL_NET_HOSTING) &&
                     !(b->flags & KT_BL_NET_ACCESS);
    bool changed_kind = to_hosting || to_access;
    if (g->hosting && kt_baseline_knows_provider(b, g->asn) &&
        (usual || kt_baseline_knows_product(b, in->obs))) {
        kt_finding_start(&f, in, "new_asn", KT_SEV_LOW, (int)in->knobs[K_SCORE_PROVIDER],
                         "AS%" PRIu32, g->asn);
        kt_finding_reason(&f, "first use from AS%" PRIu32 "%s%s%s, another network of a cloud "
                          "provider the key already uses, with its usual client",
                          g->asn, g->as_org[0] ? " (" : "", g->as_org, g->as_org[0] ? ")" : "");
        emit(ctx, &f);
        return;
    }
    int score = (int)(to_hosting       ? in->knobs[K_SCORE_HOSTING]
                      : to_access      ? in->knobs[K_SCORE_ACCESS]
                      : fleet          ? in->knobs[K_SCORE]
                      : local && usual ? in->knobs[K_SCORE_SAME_CITY]
                      : local || usual ? in->knobs[K_SCORE_USUAL_CLIENT]
                                       : in->knobs[K_SCORE]);
    bool soft = (local || usual) && !changed_kind && !fleet;
    kt_finding_start(&f, in, "new_asn", soft ? KT_SEV_LOW : KT_SEV_MEDIUM, score, "AS%" PRIu32,
                     g->asn);
    char n[32];
    kt_fmt_count(b->events, n, sizeof(n));
    kt_finding_reason(&f, "first use from AS%" PRIu32 "%s%s%s after %s requests from other networks%s",
                      g->asn, g->as_org[0] ? " (" : "", g->as_org, g->as_org[0] ? ")" : "", n,
                      to_hosting ? ", a hosting provider; the key was only used from access "
                                   "networks before"
                      : to_access ? ", an access network (ISP or mobile); the key was only used "
                                    "from hosting and cloud networks before"
                      : fleet     ? ", a provider new to a key spread over few providers' "
                                    "networks"
                      : local && usual ? ", in a city the key already uses, with its usual client"
                      : local        ? ", in a city the key already uses"
                      : usual        ? ", with the key's usual client"
                                     : "");
    emit(ctx, &f);
}

const struct kt_detector kt_det_new_asn = {
    .name = "new_asn",
    .summary = "key used from a network (ASN) absent from its baseline",
    .severity = KT_SEV_MEDIUM,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = true,
    .needs_geo = true,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
