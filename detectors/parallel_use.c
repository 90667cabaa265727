/*
 * parallel_use: the key used from a new, distant country on several days, each time after its
 * usual countries were used again since that country's last use. The owner at home and someone
 * else abroad, both using the key day after day. A traveller is away for one stay and the
 * home places are silent meanwhile; a service moving region overlaps for a while and then its
 * old place falls silent (the engine's hindsight judges that as a move).
 *
 * It compares countries, not points, so it holds where a location is only a country (no
 * speed can be computed there: impossible_travel stays quiet) and where each hop alone is
 * reachable at airliner speed. It watches one country at a time: the first new one, replaced
 * by the next new one while the first has not yet alternated with home. Not watched:
 * commercial VPN exits (a person switching the VPN on and off alternates all day), networks of
 * a provider the key already uses (a fleet's new region) and countries near a known place (a
 * commute across a border).
 *
 * The watch is per-key detector state (16 bytes), so it survives between runs with --state.
 */
#include <keytrail/detector.h>


enum { K_DAYS, K_NEAR_KM, K_SCORE };

static const struct kt_knob knobs[] = {
    [K_DAYS] = { "min_days", 3,
                 "days on which the new country was used after the usual ones had been" },
    [K_NEAR_KM] = { "near_km", 500, "a country this close to a known place is not watched" },
    [K_SCORE] = { "score", 60, "score of parallel use" },
};

struct parallel_state {
    int32_t last_day;  /* last day counted */
    uint32_t asn;      /* the watched country's first network, for the reason */
    char cc[2];        /* the watched country; "" when none */
    uint8_t home_seen; /* a use from a usual country since the watched one's last use */
    uint8_t days;      /* days counted (saturates) */
    uint8_t fired;
    uint8_t pad[3];
};

_Static_assert(sizeof(struct parallel_state) <= KT_DET_STATE_MAX, "parallel state over the cap");

/* Whether the country of g is far enough from every known place to be watched. */
static bool distant(const struct kt_det_input *in, const struct kt_geo *g)
{
    if (!g->has_location && !(g->precision == KT_GEO_PREC_COUNTRY && g->accuracy_km > 0)) {
        return true; /* no position: the country alone says it is another one */
    }
    double near = kt_baseline_nearest_place_km(in->base, g->lat, g->lon);
    if (near < 0) {
        return true;
    }
    double radius = g->has_location ? 0 : (double)g->accuracy_km;
    return near - radius > in->knobs[K_NEAR_KM];
}

static void watch(struct parallel_state *st, const struct kt_geo *g)
{
    memset(st, 0, sizeof(*st));
    memcpy(st->cc, g->country, 2);
    st->asn = g->asn;
    st->last_day = INT32_MIN; /* the first day counts once home came between two uses */
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    struct parallel_state *st = in->state;
    const struct kt_geo *g = &in->obs->geo;
    const struct kt_baseline *b = in->base;
    if (st == NULL || !in->obs->has_geo || in->broad || !in->obs->timed || g->country[0] == '\0' ||
        (g->hosting && kt_asn_is_vpn(g->asn))) {
        return;
    }
    bool watched = st->cc[0] != '\0' && memcmp(st->cc, g->country, 2) == 0;
    if (!watched) {
        if (kt_baseline_has_country(b, g->country)) {
            st->home_seen = st->cc[0] != '\0';
        } else if ((st->cc[0] == '\0' || st->days == 0) &&
                   !kt_baseline_knows_provider(b, g->asn) && distant(in, g)) {
            watch(st, g);
        }
        return;
    }
    if (!st->home_seen || in->obs->day == st->last_day) {
        return;
    }
    st->home_seen = 0;
    st->last_day = in->obs->day;
    st->days += st->days < UINT8_MAX;
    if (st->fired || st->days < (unsigned)KT_MAX(in->knobs[K_DAYS], 1.0)) {
        return;
    }
    st->fired = 1;
    struct kt_finding f;
    kt_finding_start(&f, in, "parallel_use", KT_SEV_HIGH, (int)in->knobs[K_SCORE], "%.2s",
                     g->country);
    char countries[64], asn[32];
    kt_fmt_countries(b, 3, countries, sizeof(countries));
    kt_fmt_asn(st->asn, asn, sizeof(asn));
    kt_finding_reason(&f,
                      "used from %.2s (%s) on %u days, each time after uses from %s since the "
                      "last: two parties at once, not a trip",
                      g->country, asn, (unsigned)st->days, countries);
    kt_finding_extra(&f, "days", st->days);
    emit(ctx, &f);
}

const struct kt_detector kt_det_parallel_use = {
    .name = "parallel_use",
    .summary = "a new distant country used day after day alongside the usual ones",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_WHERE,
    .needs_maturity = true,
    .needs_geo = true,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
    .state_size = sizeof(struct parallel_state),
    .state_family = KT_FAM_NONE,
};
