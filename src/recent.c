/*
 * A key's short-term memory (include/keytrail/recent.h), and the event classes the
 * baseline-free detectors share: enumeration, denial, secret reads, a service's own agent.
 *
 * The window is fixed, not sliding: it starts with a key's first event and restarts with the
 * first event more than KT_RECENT_WINDOW_MS after its start. A burst that straddles a restart
 * is split in two; thresholds are set low enough that reconnaissance still shows in one half,
 * and a sliding window would need a timestamp per remembered call. Events without a time, or
 * slightly out of order (CloudTrail files overlap), join the current window.
 *
 * Distinct calls are remembered by a 32-bit FNV-1a hash of "service:name". The set holds
 * KT_RECENT_OPS hashes; past that, new calls still count (n_ops) without being remembered, so a
 * repeat of one of them may count twice — only once the threshold is already passed.
 */
#include <keytrail/recent.h>

static uint32_t op_hash(const struct kt_event *ev)
{
    uint32_t h = kt_fnv1a32(KT_FNV1A_INIT, ev->service);
    h = kt_fnv1a32(h, kt_str_make(":", 1));
    return kt_fnv1a32(h, ev->method);
}

static bool contains_nocase(struct kt_str s, const char *needle)
{
    for (size_t i = 0; i < s.len; i++) {
        if (kt_str_has_prefix_nocase(kt_str_make(s.ptr + i, s.len - i), needle)) {
            return true;
        }
    }
    return false;
}

bool kt_recent_is_enumeration(const struct kt_event *ev)
{
    struct kt_str m = ev->method;
    if (ev->service.len == 0 || m.len == 0) {
        return false; /* HTTP logs: sensitive_op judges their listings */
    }
    if (kt_str_eq_cstr(m, "GetCallerIdentity")) {
        return true;
    }
    /* Reading objects, secrets and logs is data access, not discovery. */
    if (kt_str_eq_cstr(m, "GetObject") || kt_str_eq_cstr(m, "GetSecretValue") ||
        kt_str_eq_cstr(m, "GetParameter") || kt_str_eq_cstr(m, "GetParameters") ||
        kt_str_eq_cstr(m, "GetLogEvents") || kt_str_eq_cstr(m, "GetPasswordData")) {
        return false;
    }
    return kt_str_has_prefix(m, "List") || kt_str_has_prefix(m, "Describe") ||
           kt_str_has_prefix(m, "Get") || kt_str_has_prefix(m, "Search") ||
           kt_str_has_prefix(m, "Lookup");
}

bool kt_recent_is_secret_read(const struct kt_event *ev)
{
    return kt_str_eq_cstr(ev->method, "GetSecretValue") ||
           kt_str_eq_cstr(ev->method, "BatchGetSecretValue") ||
           kt_str_eq_cstr(ev->method, "GetPasswordData");
}

bool kt_recent_is_service_agent(struct kt_str ua)
{
    return contains_nocase(ua, "awslambda-worker") || contains_nocase(ua, "exec-env/AWS_Lambda") ||
           contains_nocase(ua, "exec-env/AWS_ECS") || contains_nocase(ua, "exec-env/AWS_Batch");
}

void kt_recent_init(struct kt_recent *r)
{
    memset(r, 0, sizeof(*r));
    r->win_start_ms = KT_TIME_NONE;
}

void kt_recent_peek(const struct kt_recent *r, const struct kt_obs *o, struct kt_recent *out)
{
    const struct kt_event *ev = o->ev;
    *out = *r;
    if (out->origin == KT_ORIGIN_UNKNOWN) {
        out->origin =
            kt_recent_is_service_agent(ev->user_agent) ? KT_ORIGIN_SERVICE : KT_ORIGIN_OTHER;
    }
    if (o->time_ms != KT_TIME_NONE && (out->win_start_ms == KT_TIME_NONE ||
                                       o->time_ms - out->win_start_ms > KT_RECENT_WINDOW_MS)) {
        int origin = out->origin;
        kt_recent_init(out);
        out->origin = (uint8_t)origin;
        out->win_start_ms = o->time_ms;
    }
    if (kt_recent_is_enumeration(ev)) {
        uint32_t h = op_hash(ev);
        bool known = false;
        size_t held = KT_MIN((size_t)out->n_ops, (size_t)KT_RECENT_OPS);
        for (size_t i = 0; i < held && !known; i++) {
            known = out->ops[i] == h;
        }
        if (!known) {
            if (held < KT_RECENT_OPS) {
                out->ops[held] = h;
            }
            out->n_ops += out->n_ops < UINT8_MAX;
        }
        out->whoami |= kt_str_eq_cstr(ev->method, "GetCallerIdentity");
    }
    out->denied += kt_obs_no_permission(o) && out->denied < UINT16_MAX;
    out->secret_reads += kt_recent_is_secret_read(ev) && out->secret_reads < UINT16_MAX;
}

void kt_recent_learn(struct kt_recent *r, const struct kt_obs *o)
{
    struct kt_recent next;
    kt_recent_peek(r, o, &next);
    *r = next;
}
