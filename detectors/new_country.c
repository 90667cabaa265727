/*
 * new_country: first use of the key from a country absent from its baseline.
 *
 * How alarming that is depends on what else is new: a new country inside a network the key
 * already uses (a CI runner in another region of the same cloud) is low; near a known place
 * (across a border) is medium; far from every known place and from an unknown network is high.
 * Keys used worldwide by design (publishable keys, or already seen in many countries) are not
 * judged. An owner on a trip looks like this: the usual client, and a place reachable from the
 * last one at a plausible speed — that is not reported at all (impossible_travel covers the
 * implausible case).
 *
 * A country-only match (geo.h: an area, not a point) gives impossible_travel nothing to work
 * on, so the area is judged here: the trip was possible when the country's nearest part (its
 * centroid less its radius) was reachable at travel_kmh; when even that was out of reach since
 * the last use, from an unknown network, the finding is high (score_unreachable). The last use
 * may itself be such an area (the baseline keeps the last country-only use too): then the
 * distance is between the nearest parts of both.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <math.h>

/* A country area closer than this to the last place (after both radii) is never unreachable. */
#define UNREACHABLE_MIN_KM 300

enum { K_NEAR_KM, K_TRAVEL_KMH, K_SCORE_FAR, K_SCORE_NEAR, K_SCORE_KNOWN_NET, K_SCORE_UNREACH };

static const struct kt_knob knobs[] = {
    [K_NEAR_KM] = { "near_km", 500, "a new country within this of a known place is 'near'" },
    [K_TRAVEL_KMH] = { "travel_kmh", 900,
                       "with the usual client, a move at most this fast is the owner travelling" },
    [K_SCORE_FAR] = { "score_far", 45, "score when far from all known places, unknown network" },
    [K_SCORE_NEAR] = { "score_near", 25, "score when near a known place" },
    [K_SCORE_KNOWN_NET] = { "score_known_network", 10,
                            "score when the network (ASN) is already known" },
    [K_SCORE_UNREACH] = { "score_unreachable", 70,
                          "score when a country-only location was out of reach since the last "
                          "use" },
};

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_geo *g = &in->obs->geo;
    const struct kt_baseline *b = in->base;
    if (!in->obs->has_geo || in->broad || g->country[0] == '\0' ||
        kt_baseline_has_country(b, g->country)) {
        return;
    }
    bool usual_client = in->usual_client;
    /* A country-only match is an area (centroid and radius), not a point: the trip counts as
     * possible when its nearest part was reachable. */
    bool area = !g->has_location && g->precision == KT_GEO_PREC_COUNTRY && g->accuracy_km > 0;
    bool unreachable = false;
    /* From the key's last located use, a point or (when later) an area of its own: a home
     * known only to its country is as far as the nearest part of that country. */
    bool from_area = b->has_last_area && (!b->has_last_place || b->last_area_ms > b->last_place_ms);
    bool has_from = b->has_last_place || from_area;
    if ((area || (from_area && g->has_location)) && has_from && in->obs->time_ms != KT_TIME_NONE) {
        double lat = from_area ? b->last_area_lat : b->last_lat;
        double lon = from_area ? b->last_area_lon : b->last_lon;
        double radius = from_area ? b->last_area_km : b->last_accuracy_km;
        int64_t since = from_area ? b->last_area_ms : b->last_place_ms;
        double lower = kt_geo_distance_km(lat, lon, g->lat, g->lon) - g->accuracy_km - radius;
        double hours = fabs((double)(in->obs->time_ms - since) / 3.6e6);
        unreachable = lower >= UNREACHABLE_MIN_KM &&
                      lower / (hours < 1.0 / 60 ? 1.0 / 60 : hours) > in->knobs[K_TRAVEL_KMH];
    }
    if (usual_client && b->has_last_place && (g->has_location || area) &&
        in->obs->time_ms != KT_TIME_NONE) {
        double km = kt_geo_distance_km(b->last_lat, b->last_lon, g->lat, g->lon);
        if (area) {
            km = km > g->accuracy_km ? km - g->accuracy_km : 0;
        }
        double hours = (double)(in->obs->time_ms - b->last_place_ms) / 3.6e6;
        if (hours > 0 && km / hours <= in->knobs[K_TRAVEL_KMH]) {
            return; /* the owner travelling */
        }
    }
    /* A network the key uses, or another AS of the same cloud provider (a region). */
    bool known_net = kt_baseline_knows_provider(b, g->asn);
    /* Out of reach, but through a commercial VPN exit with the usual client and operations:
     * a person switching their VPN on (impossible_travel says so at its VPN score). */
    if (unreachable && g->hosting && kt_asn_is_vpn(g->asn) && (b->flags & KT_BL_NET_ACCESS) &&
        usual_client && (in->obs->op.len == 0 || kt_baseline_has_op(b, in->obs->op))) {
        unreachable = false;
    }
    double near = g->has_location ? kt_baseline_nearest_place_km(b, g->lat, g->lon) : -1;
    enum kt_severity sev;
    int score;
    if (known_net) {
        sev = KT_SEV_LOW;
        score = (int)in->knobs[K_SCORE_KNOWN_NET];
    } else if (unreachable) {
        sev = KT_SEV_HIGH;
        score = (int)in->knobs[K_SCORE_UNREACH];
    } else if (near >= 0 && near <= in->knobs[K_NEAR_KM]) {
        sev = KT_SEV_LOW;
        score = (int)in->knobs[K_SCORE_NEAR];
    } else {
        /* Alone this is a trip as often as a theft; the engine raises the alert when other
         * aspects agree. */
        sev = KT_SEV_MEDIUM;
        score = (int)in->knobs[K_SCORE_FAR];
    }
    struct kt_finding f;
    kt_finding_start(&f, in, "new_country", sev, score, "%s", g->country);
    char n[32], countries[64], asn[32];
    kt_fmt_count(b->events, n, sizeof(n));
    kt_fmt_countries(b, 4, countries, sizeof(countries));
    kt_fmt_asn(g->asn, asn, sizeof(asn));
    kt_finding_reason(&f, "first use from %s (%s%s%s) after %" PRId64 " days and %s requests from %s",
                      g->country, asn, g->city[0] ? ", " : "", g->city, kt_baseline_days(b), n,
                      countries);
    if (near >= 0) {
        kt_finding_extra(&f, "nearest_known_km", (double)(int64_t)near);
    }
    emit(ctx, &f);
}

const struct kt_detector kt_det_new_country = {
    .name = "new_country",
    .summary = "key used from a country absent from its baseline",
    .severity = KT_SEV_MEDIUM,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = true,
    .needs_geo = true,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
