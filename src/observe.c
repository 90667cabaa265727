/*
 * The observation stage (observe.h, include/keytrail/observation.h).
 *
 * Order of work: the address is cleaned (kt_ip_clean: first of a list, no brackets or port)
 * and parsed once; the baseline's identifiers come from that parse. Geolocation and the lists
 * take the address only when the log wrote it bare, as they always have: "203.0.113.7:443" in a
 * log is an address for the baseline but is neither located nor matched (a text with a port
 * does not parse as an address, and a guess at what it means must not move a key's country).
 * The client is normalised through the baseline's small cache of recent agents (baseline.c).
 * The operation key (opkey.c: templating the path, scanning it for tokens) is the dearest fact;
 * it depends on method, service and resource alone, which repeat from line to line (the same
 * API calls, the same endpoints), so the last few keys are kept in a direct-mapped cache keyed
 * by the process's seeded hash of the three, as the agent cache is: nobody can aim a crafted
 * request at a slot. The outcome is a handful of bit tests.
 */
#include "observe.h"

#include <keytrail/baseline.h>

#include "baseline_int.h"
#include "hash.h"
#include "ipaddr.h"

#define OP_CACHE 256 /* slots; 256 * 272 bytes = 68 KiB */

static struct {
    uint64_t key; /* 0: empty */
    uint16_t len;
    char op[sizeof(((struct kt_obs *)0)->op_buf)];
} op_cache[OP_CACHE];

static inline uint64_t rotl64(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

/* kt_baseline_op_key(ev) into o->op_buf, through the cache. */
static void observe_op(struct kt_obs *o, const struct kt_event *ev)
{
    uint64_t key = kt_hash(ev->method.ptr, ev->method.len) ^
                   rotl64(kt_hash(ev->service.ptr, ev->service.len), 21) ^
                   rotl64(kt_hash(ev->resource.ptr, ev->resource.len), 42);
    key |= 1u;
    size_t slot = (size_t)(key >> 40) % OP_CACHE;
    if (op_cache[slot].key == key) {
        memcpy(o->op_buf, op_cache[slot].op, op_cache[slot].len + 1u);
        o->op = kt_str_make(o->op_buf, op_cache[slot].len);
        return;
    }
    o->op = kt_baseline_op_key(ev, o->op_buf, sizeof(o->op_buf));
    op_cache[slot].key = key;
    op_cache[slot].len = (uint16_t)o->op.len;
    memcpy(op_cache[slot].op, o->op_buf, o->op.len + 1u);
}

/* A provider's error code for a missing permission. */
static bool permission_error(struct kt_str e)
{
    return e.len > 0 &&
           (kt_str_contains(e, "AccessDenied") || kt_str_contains(e, "UnauthorizedOperation") ||
            kt_str_contains(e, "Unauthorized") || kt_str_contains(e, "Forbidden"));
}

unsigned kt_outcome_of(const struct kt_event *ev)
{
    unsigned o = 0;
    int st = ev->status;
    if (st >= 200 && st < 400) {
        o |= KT_OUTCOME_SUCCESS;
    }
    if (st == 401) {
        o |= KT_OUTCOME_REFUSED;
    } else if (st == 403) {
        o |= KT_OUTCOME_FORBIDDEN;
    } else if (st == 429) {
        o |= KT_OUTCOME_THROTTLED;
    }
    if (ev->error.len > 0) {
        o |= KT_OUTCOME_PROVIDER_ERROR;
    }
    if (kt_event_failed(ev)) {
        o |= KT_OUTCOME_FAILED;
    }
    if (st == 403 || permission_error(ev->error)) {
        o |= KT_OUTCOME_NO_PERMISSION;
    }
    return o;
}

/* Everything but the databases and lists. */
static void observe_event(struct kt_obs *o, const struct kt_event *ev)
{
    o->ev = ev;
    o->time_ms = ev->time_ms;
    o->timed = kt_bl_time_ok(ev->time_ms);
    o->day = o->timed ? kt_bl_day(ev->time_ms) : INT32_MIN;

    o->has_ip = o->ip_bare = false;
    o->addr_ids = KT_OBS_ADDR_NONE;
    o->ip_id = o->net_id = 0;
    if (ev->ip.len > 0) {
        struct kt_str clean = kt_ip_clean(ev->ip);
        o->has_ip = kt_ip_parse(clean, &o->ip);
        struct kt_str as_logged = kt_str_trim(ev->ip);
        o->ip_bare = o->has_ip && clean.ptr == as_logged.ptr && clean.len == as_logged.len;
        o->addr_ids = kt_bl_addr_ids(clean, o->has_ip ? &o->ip : NULL, &o->ip_id, &o->net_id);
    }

    observe_op(o, ev);

    o->has_client = ev->user_agent.len > 0;
    o->client_id = 0;
    o->client[0] = '\0';
    if (o->has_client) {
        o->client_id = kt_bl_agent_id(ev->user_agent, o->client);
    }
    o->outcome = (uint8_t)kt_outcome_of(ev);
    o->ip_list_label = NULL;
    o->allowed = false;
}

void kt_observe(const struct kt_observer *obs, const struct kt_event *ev, struct kt_obs *o)
{
    observe_event(o, ev);
    struct kt_geodb *db = obs != NULL ? obs->geo : NULL;
    if (o->ip_bare) {
        kt_geodb_lookup_ip(db, &o->ip, &o->geo);
    } else {
        kt_geodb_lookup_name(ev->ip, &o->geo);
    }
    o->has_geo = kt_geodb_has_location(db);
    o->has_asn = kt_geodb_has_asn(db);
    if (obs == NULL) {
        return;
    }
    if (o->ip_bare) {
        o->ip_list_label = kt_netset_match_ip(obs->ip_list, &o->ip);
    }
    const struct kt_config *cfg = obs->cfg;
    if (cfg != NULL) {
        o->allowed = (o->ip_bare && kt_netset_match_ip(cfg->allow_networks, &o->ip) != NULL) ||
                     kt_config_allows_asn(cfg, o->geo.asn) ||
                     kt_config_allows_country(cfg, o->geo.country);
    }
}

void kt_obs_from_event(struct kt_obs *o, const struct kt_event *ev, const struct kt_geo *geo)
{
    observe_event(o, ev);
    if (geo != NULL) {
        o->geo = *geo;
    } else if (o->ip_bare) {
        kt_geodb_lookup_ip(NULL, &o->ip, &o->geo);
    } else {
        kt_geodb_lookup_name(ev->ip, &o->geo);
    }
    o->has_geo = o->has_asn = geo != NULL;
}
