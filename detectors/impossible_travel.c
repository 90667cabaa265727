/*
 * impossible_travel: consecutive uses from places too far apart for the time between them —
 * faster than an airliner (about 900 km/h by default) — or at the same time from distant
 * places (the owner and a thief in parallel).
 *
 * Distances shrink by both locations' accuracy radii, so city-level geolocation that puts a
 * mobile user 50 km off never looks like travel, and two wide circles that overlap give no
 * speed at all. A country-only match is not a point (geodb.c leaves it without a location and
 * the baseline keeps the last real point), so it never yields a speed; new_country judges it.
 * A key that is normally used from several regions (CI in two clouds, a team in two offices)
 * does not "travel" between its established places; but a thief's new place, and the owner's
 * next use back home, do.
 *
 * Fleets and VPNs move without travelling. A network of a provider the key already uses (any
 * AS of the same cloud, kt_asn_provider) with its usual client, or another version of it (an
 * upgraded runner or SDK), or with any client on a fleet (a key only ever used from hosting
 * networks, established in two places or more), is a CI runner or a service in another region:
 * a fleet does not travel at all, a service's hop is reported at score_same_cloud (low), and
 * counts in full when new operations or another client come with it (a thief's machine on the
 * same cloud). A hop into or out of
 * a commercial VPN exit (kt_asn_is_vpn) with the usual client and an operation the key already
 * calls is a person switching their VPN on or off: reported, but at score_vpn (medium), so only
 * a change in what the key does or how (a new client, new operations) makes it a theft.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>


enum {
    K_SPEED,
    K_MIN_KM,
    K_CONCURRENT_MIN,
    K_KNOWN_KM,
    K_SCORE,
    K_SCORE_CONCURRENT,
    K_SCORE_VPN,
    K_SCORE_SAME_CLOUD
};

static const struct kt_knob knobs[] = {
    [K_SPEED] = { "max_speed_kmh", 900, "fastest plausible travel, km/h" },
    [K_MIN_KM] = { "min_distance_km", 300, "ignore moves shorter than this (after accuracy)" },
    [K_CONCURRENT_MIN] = { "concurrent_minutes", 15,
                           "uses this close in time count as concurrent" },
    [K_KNOWN_KM] = { "known_place_km", 100,
                     "radius of an established place (one the key used ten times or more)" },
    [K_SCORE] = { "score", 70, "score of impossible travel" },
    [K_SCORE_CONCURRENT] = { "score_concurrent", 80, "score of concurrent use from far apart" },
    [K_SCORE_VPN] = { "score_vpn", 45,
                      "score of a hop into or out of a commercial VPN exit with the usual client "
                      "and operations" },
    [K_SCORE_SAME_CLOUD] = { "score_same_cloud", 10,
                             "score of a service's key in another region of its own cloud with "
                             "its usual client (in full with new operations or another client)" },
};

/* A place the key has used many times (within radius_km of a baseline place). */
static bool place_established(const struct kt_baseline *b, double lat, double lon,
                              double radius_km)
{
    for (size_t i = 0; i < KT_BL_PLACES; i++) {
        const struct kt_bl_place *p = &b->places[i];
        if (p->count >= KT_BL_PLACE_ESTABLISHED_USES &&
            kt_geo_distance_km(p->lat, p->lon, lat, lon) <= radius_km) {
            return true;
        }
    }
    return false;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    const struct kt_geo *g = &in->obs->geo;
    if (!in->obs->has_geo || in->broad || !g->has_location || g->precision == KT_GEO_PREC_COUNTRY ||
        !b->has_last_place || in->obs->time_ms == KT_TIME_NONE) {
        return;
    }
    /* A key used from several regions by design (CI in two clouds, a team in two offices)
     * moves between established places all day; a thief's place is new, and so is the first
     * use back home after it. */
    if (place_established(b, g->lat, g->lon, in->knobs[K_KNOWN_KM]) &&
        place_established(b, b->last_lat, b->last_lon, in->knobs[K_KNOWN_KM])) {
        return;
    }
    /* The same client (or another version of it) on a network of a provider the key already
     * uses: a runner in another region of the same cloud. A key only ever used from hosting
     * networks, established in two places or more, is a fleet: between its provider's regions
     * speed means nothing, whatever tool a pipeline runs (new_user_agent judges the tool). A
     * service in one region that turns up in another with another client is no fleet. */
    bool fleet = (b->flags & KT_BL_NET_HOSTING) && !(b->flags & KT_BL_NET_ACCESS) &&
                 kt_baseline_established_places(b) >= 2;
    bool known_cloud = kt_baseline_knows_provider(b, g->asn);
    if (known_cloud && fleet) {
        return;
    }
    /* A service elsewhere on its own cloud with its own client: a region move (scored down
     * here, judged in hindsight by the engine) or a thief's machine beside it, which shows in
     * new operations: the finding then counts in full (full_score, engine.c). A person's own
     * networks within one country are alike: a mobile carrier's addresses locate to a gateway
     * city hundreds of kilometres from the home line's. A network abroad is neither, even when
     * the key has used it before: hops between it and home are two parties at once. */
    bool same_country = b->last_country[0] != '\0' && g->country[0] != '\0' &&
                        memcmp(b->last_country, g->country, 2) == 0;
    bool home_net = !g->hosting && same_country;
    bool same_cloud = known_cloud && (g->hosting || home_net) &&
                      (in->usual_client || kt_baseline_knows_product(b, in->obs));
    double km = kt_geo_distance_km(b->last_lat, b->last_lon, g->lat, g->lon);
    double margin = (double)b->last_accuracy_km + (double)g->accuracy_km;
    double effective = km - margin;
    if (effective < in->knobs[K_MIN_KM]) {
        return;
    }
    double hours = (double)(in->obs->time_ms - b->last_place_ms) / 3.6e6;
    double minutes = hours * 60;
    bool concurrent = fabs(minutes) <= in->knobs[K_CONCURRENT_MIN];
    double speed = effective / (fabs(hours) < 1.0 / 60 ? 1.0 / 60 : fabs(hours));
    if (!concurrent && speed <= in->knobs[K_SPEED]) {
        return;
    }
    char from[3] = { b->last_country[0], b->last_country[1], '\0' };
    /* A person's key (used from access networks) into or out of a VPN exit, with the usual
     * client doing what the key always does. A service has no VPN to switch on. */
    bool vpn = !same_cloud &&
               ((g->hosting && kt_asn_is_vpn(g->asn)) || (b->flags & KT_BL_LAST_VPN)) &&
               (b->flags & KT_BL_NET_ACCESS) && in->usual_client &&
               (in->obs->op.len == 0 || kt_baseline_has_op(b, in->obs->op));
    struct kt_finding f;
    enum kt_severity sev = same_cloud ? KT_SEV_LOW : vpn ? KT_SEV_MEDIUM : KT_SEV_HIGH;
    double full = concurrent ? in->knobs[K_SCORE_CONCURRENT] : in->knobs[K_SCORE];
    kt_finding_start(&f, in, "impossible_travel", sev,
                     (int)(same_cloud ? in->knobs[K_SCORE_SAME_CLOUD]
                           : vpn      ? in->knobs[K_SCORE_VPN]
                                      : full),
                     "%s>%s%s", from[0] ? from : "??", g->country[0] ? g->country : "??",
                     same_cloud ? (home_net ? " (known network)" : " (same cloud)")
                     : vpn      ? " (VPN)"
                                : "");
    if (concurrent) {
        kt_finding_reason(&f, "used from %s and from %s (%s), %.0f km apart, within %.0f minutes",
                          from[0] ? from : "a known place", g->city[0] ? g->city : f.ip,
                          g->country[0] ? g->country : "?", km, fabs(minutes));
    } else {
        kt_finding_reason(&f,
                          "moved %.0f km from %s to %s (%s) in %.1f h: %.0f km/h, faster than "
                          "%.0f km/h",
                          km, from[0] ? from : "a known place", g->city[0] ? g->city : f.ip,
                          g->country[0] ? g->country : "?", fabs(hours), speed,
                          in->knobs[K_SPEED]);
    }
    if (vpn || same_cloud) {
        size_t n = strnlen(f.reason, sizeof(f.reason));
        snprintf(f.reason + n, sizeof(f.reason) - n, "%s",
                 vpn        ? "; a commercial VPN exit with the usual client and operations"
                 : home_net ? "; a network the key already uses in the same country, with its "
                              "usual client"
                            : "; another region of the key's own cloud, with its usual client");
    }
    kt_finding_extra(&f, "distance_km", round(km));
    kt_finding_extra(&f, "minutes", round(fabs(minutes)));
    kt_finding_extra(&f, "speed_kmh", round(speed));
    if (vpn || same_cloud) {
        /* Its weight when a new client or new operations come with it (engine.c). */
        kt_finding_extra(&f, "full_score", full);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_impossible_travel = {
    .name = "impossible_travel",
    .summary = "consecutive uses too far apart for the time between them, or concurrent use",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = true,
    .needs_geo = true,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
