/*
 * jwt_replay: one JWT used from two distant networks, or by two different clients, within its
 * lifetime. A token is minted for one client; the same bytes turning up elsewhere while they
 * are still valid mean someone copied them (from a log, a proxy, a browser) and is replaying
 * them. This needs no baseline: the evidence is the token's own history.
 *
 * Per key the detector keeps a ring of the last REPLAY_SLOTS tokens it saw (per-key state, see
 * detector.h): the token id's first 8 bytes, when it was first seen, until when it is valid
 * (exp, or first use + lifetime_s without exp), and where and how it was first used (the /24
 * or /48 network, its ASN and country, a hash of the user agent's product name). A later use
 * of the same token is judged against that first use:
 *
 *   distant network  different /24 (IPv6 /48) AND, with a location or ASN database, a
 *                    different ASN or country; without one, a different /16 (IPv6 /32)
 *   other client     a different user-agent product (python-requests vs okhttp; versions of
 *                    one product are the same client)
 *
 * The first use is never overwritten by later ones, so a thief cannot move the reference. A new
 * token takes an empty or expired slot, else the one first seen longest ago. A key whose client
 * mints a token per request churns its own ring only; such tokens are never replayed anyway.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <stdio.h>


#define REPLAY_SLOTS 8
#define NET_V4 (1ull << 63)
#define NET_V6 (1ull << 62)

enum { K_SCORE_NET, K_SCORE_CLIENT, K_LIFETIME };

static const struct kt_knob knobs[] = {
    [K_SCORE_NET] = {"score_network", 70, "score of a token replayed from a distant network"},
    [K_SCORE_CLIENT] = {"score_client", 60, "score of a token replayed by another client"},
    [K_LIFETIME] = {"lifetime_s", 3600, "lifetime assumed for a token without exp, seconds"},
};

struct replay_slot {
    uint64_t token;   /* first 8 bytes of the token id; 0 = empty */
    int64_t first_ms; /* first use */
    int64_t until_s;  /* end of the token's lifetime */
    uint64_t net;     /* NET_V4 | a.b.c, NET_V6 | first 48 bits; 0 = no address */
    uint32_t asn;     /* 0 = unknown */
    uint32_t agent;   /* FNV-1a of the product name, lower case; 0 = no user agent */
    char country[2];  /* "" = unknown */
    uint8_t pad[6];
};

struct replay_state {
    struct replay_slot slots[REPLAY_SLOTS];
};

_Static_assert(sizeof(struct replay_state) <= KT_DET_STATE_MAX, "replay state over the cap");

static uint64_t token_tag(const struct kt_keyid *id)
{
    uint64_t t = 0;
    for (int i = 0; i < 8; i++) {
        t = t << 8 | id->b[i];
    }
    return t != 0 ? t : 1;
}

/* The network of the event's address, or 0. */
static uint64_t net_of(const struct kt_obs *obs)
{
    if (!obs->has_ip) {
        return 0;
    }
    const struct kt_ip *a = &obs->ip;
    if (a->v4) {
        return NET_V4 | (uint64_t)a->b[12] << 16 | (uint64_t)a->b[13] << 8 | a->b[14];
    }
    uint64_t n = 0;
    for (int i = 0; i < 6; i++) {
        n = n << 8 | a->b[i];
    }
    return NET_V6 | n;
}

/* The wider network (/16 or /32) of a net value. */
static uint64_t wide_of(uint64_t net)
{
    return (net & NET_V4) ? net >> 8 : net >> 16;
}

static void fmt_net(uint64_t net, char *out, size_t cap)
{
    if (net & NET_V4) {
        snprintf(out, cap, "%u.%u.%u.0/24", (unsigned)(net >> 16 & 0xff),
                 (unsigned)(net >> 8 & 0xff), (unsigned)(net & 0xff));
    } else {
        snprintf(out, cap, "%x:%x:%x::/48", (unsigned)(net >> 32 & 0xffff),
                 (unsigned)(net >> 16 & 0xffff), (unsigned)(net & 0xffff));
    }
}

/* Product name of the user agent (as kt_fmt_agent_name shows it, without its version). */
static struct kt_str product(struct kt_str ua, char *buf, size_t cap)
{
    if (ua.len == 0) {
        return KT_STR_NULL;
    }
    kt_fmt_agent_name(ua, buf, cap);
    size_t n = 0;
    while (buf[n] != '\0' && buf[n] != '/' && buf[n] != ' ') {
        n++;
    }
    return kt_str_make(buf, n);
}

static uint32_t agent_hash(struct kt_str prod)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < prod.len; i++) {
        unsigned char c = (unsigned char)prod.ptr[i];
        h = (h ^ (uint32_t)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 16777619u;
    }
    return prod.len > 0 && h != 0 ? h : prod.len > 0 ? 1 : 0;
}

/* " (AS64500, DE)" or "". */
static void fmt_where(uint32_t asn, const char *cc, char *out, size_t cap)
{
    char as[24];
    as[0] = '\0';
    if (asn != 0) {
        snprintf(as, sizeof(as), "AS%" PRIu32, asn);
    }
    if (asn == 0 && cc[0] == '\0') {
        out[0] = '\0';
    } else {
        snprintf(out, cap, " (%s%s%.2s)", as, asn != 0 && cc[0] ? ", " : "", cc);
    }
}

static bool distant(const struct kt_det_input *in, const struct replay_slot *s, uint64_t net)
{
    if (s->net == 0 || net == 0 || s->net == net) {
        return false;
    }
    if (in->obs->has_geo || in->obs->has_asn) {
        const struct kt_geo *g = &in->obs->geo;
        bool asn_known = s->asn != 0 && g->asn != 0;
        bool cc_known = s->country[0] != '\0' && g->country[0] != '\0';
        if (asn_known || cc_known) {
            return (asn_known && s->asn != g->asn) ||
                   (cc_known && memcmp(s->country, g->country, 2) != 0);
        }
    }
    return wide_of(s->net) != wide_of(net);
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_cred *c = in->cred;
    struct replay_state *st = in->state;
    if (c->family != KT_FAM_JWT || st == NULL || in->obs->time_ms == KT_TIME_NONE) {
        return;
    }
    int64_t now_ms = in->obs->time_ms;
    int64_t now_s = now_ms / 1000;
    uint64_t tag = token_tag(&c->token);
    uint64_t net = net_of(in->obs);
    char pbuf[64];
    uint32_t agent = agent_hash(product(in->ev->user_agent, pbuf, sizeof(pbuf)));

    /* The token's live slot; else the slot to take: empty, then lapsed, then oldest. */
    struct replay_slot *s = NULL, *victim = NULL;
    int victim_rank = 3;
    for (size_t i = 0; i < REPLAY_SLOTS; i++) {
        struct replay_slot *x = &st->slots[i];
        bool live = x->token != 0 && now_s <= x->until_s && now_ms >= x->first_ms;
        if (live && x->token == tag) {
            s = x;
            break;
        }
        int rank = x->token == 0 ? 0 : !live ? 1 : 2;
        if (rank < victim_rank || (rank == victim_rank && x->first_ms < victim->first_ms)) {
            victim = x;
            victim_rank = rank;
        }
    }
    if (s == NULL) {
        /* First use of this token (or first since it lapsed): it is the reference. */
        memset(victim, 0, sizeof(*victim));
        victim->token = tag;
        victim->first_ms = now_ms;
        victim->until_s =
            c->jwt.exp != KT_TIME_NONE ? c->jwt.exp : now_s + (int64_t)in->knobs[K_LIFETIME];
        victim->net = net;
        victim->asn = in->obs->geo.asn;
        memcpy(victim->country, in->obs->geo.country, 2);
        victim->agent = agent;
        return;
    }
    if (s->net == 0) {
        s->net = net; /* the first use had no address: the first that has one stands in */
        s->asn = in->obs->geo.asn;
        memcpy(s->country, in->obs->geo.country, 2);
    }
    if (s->agent == 0) {
        s->agent = agent;
    }
    bool far = distant(in, s, net);
    bool other_client = s->agent != 0 && agent != 0 && s->agent != agent;
    if (!far && !other_client) {
        return;
    }
    char tok[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&c->token, tok);
    int64_t ago_min = (now_ms - s->first_ms) / 60000;
    int64_t left_min = (s->until_s - now_s) / 60;
    struct kt_finding f;
    if (far) {
        char was[48], is[48], wwas[40], wis[40];
        fmt_net(s->net, was, sizeof(was));
        fmt_net(net, is, sizeof(is));
        fmt_where(s->asn, s->country, wwas, sizeof(wwas));
        fmt_where(in->obs->geo.asn, in->obs->geo.country, wis, sizeof(wis));
        kt_finding_start(&f, in, "jwt_replay", KT_SEV_HIGH, (int)in->knobs[K_SCORE_NET],
                         "network:%.12s", tok + 4);
        kt_finding_reason(&f,
                          "token %s first used %" PRId64 " min earlier from %s%s, now from "
                          "%s%s, %" PRId64 " min before it expires: the same token on two "
                          "distant networks is a copy being replayed",
                          tok, ago_min, was, wwas, is, wis, left_min);
    } else {
        char name[64];
        kt_fmt_agent_name(in->ev->user_agent, name, sizeof(name));
        kt_finding_start(&f, in, "jwt_replay", KT_SEV_HIGH, (int)in->knobs[K_SCORE_CLIENT],
                         "client:%.12s", tok + 4);
        kt_finding_reason(&f,
                          "token %s first used %" PRId64 " min earlier by another client, now "
                          "by %s, %" PRId64 " min before it expires: a token minted for one "
                          "client is being replayed by another",
                          tok, ago_min, name, left_min);
    }
    kt_finding_extra(&f, "minutes_since_first_use", (double)ago_min);
    emit(ctx, &f);
}

const struct kt_detector kt_det_jwt_replay = {
    .name = "jwt_replay",
    .summary = "one JWT used from two distant networks or by two clients within its lifetime",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .state_size = sizeof(struct replay_state),
    .state_family = KT_FAM_JWT,
    .check = check,
};
