/*
 * Shared JSON format machinery (fmt_json.h).
 *
 * Each format is data: a table of member paths and the role each plays. Compiling the table
 * gives one kt_json_paths; parsing a record is one kt_json_extract call and a walk over the
 * captured slots in table order, so the first present row of a role wins and later rows are
 * fallbacks. Strings are decoded into the parser's scratch only when they hold escapes.
 */
#include "fmt_json.h"

#include <stdlib.h>

#include "ipaddr.h"
#include "timefmt.h"

static const char *const role_names[KT_ROLE__COUNT] = {
    [KT_ROLE_TIME] = "time",
    [KT_ROLE_IP] = "ip",
    [KT_ROLE_METHOD] = "method",
    [KT_ROLE_SERVICE] = "service",
    [KT_ROLE_URI] = "uri",
    [KT_ROLE_PATH] = "path",
    [KT_ROLE_QUERY] = "query",
    [KT_ROLE_REQUEST] = "request",
    [KT_ROLE_STATUS] = "status",
    [KT_ROLE_ERROR] = "error",
    [KT_ROLE_USER_AGENT] = "user_agent",
    [KT_ROLE_AUTHORIZATION] = "authorization",
    [KT_ROLE_API_KEY] = "api_key",
    [KT_ROLE_HOST] = "host",
    [KT_ROLE_ACTOR] = "actor",
    [KT_ROLE_RESOURCE] = "resource",
    [KT_ROLE_AWS_KEY_ID] = "aws_key_id",
    [KT_ROLE_HASHED_TOKEN] = "hashed_token",
    [KT_ROLE_BASIC_USER] = "basic_user",
    [KT_ROLE_MARKER] = "marker",
    [KT_ROLE_CREATED_KEY] = "created_key",
    [KT_ROLE_MINTED_KEY] = "minted_key",
    [KT_ROLE_GRANT] = "grant",
};

const char *kt_json_role_name(enum kt_json_role role)
{
    return role < KT_ROLE__COUNT ? role_names[role] : "?";
}

bool kt_json_role_from_name(const char *name, enum kt_json_role *out)
{
    for (int r = 0; r < KT_ROLE__COUNT; r++) {
        if (r != KT_ROLE_MARKER && strcmp(name, role_names[r]) == 0) {
            *out = (enum kt_json_role)r;
            return true;
        }
    }
    return false;
}

enum kt_rc kt_json_format_init(const struct kt_json_field *defaults, size_t n_defaults,
                               const struct kt_format_opts *opts, void **state,
                               struct kt_err *err)
{
    struct kt_json_format_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    bool overridden[KT_ROLE__COUNT] = { false };
    size_t n_over = opts != NULL ? opts->n_fields : 0;
    enum kt_rc rc = KT_OK;
    /* Overrides come first (highest priority) and silence the defaults of their roles. */
    for (size_t i = 0; i < n_over; i++) {
        enum kt_json_role role;
        if (!kt_json_role_from_name(opts->fields[i].role, &role)) {
            rc = kt_err_set(err, KT_EUSAGE, "--field: unknown role '%s'", opts->fields[i].role);
            goto out;
        }
        if (st->n == KT_JSON_MAX_PATHS) {
            rc = kt_err_set(err, KT_EUSAGE, "--field: too many fields");
            goto out;
        }
        overridden[role] = true;
        st->roles[st->n] = role;
        st->path_names[st->n] = opts->fields[i].path;
        st->n++;
    }
    for (size_t i = 0; i < n_defaults && st->n < KT_JSON_MAX_PATHS; i++) {
        if (overridden[defaults[i].role]) {
            continue;
        }
        st->roles[st->n] = defaults[i].role;
        st->path_names[st->n] = defaults[i].path;
        st->n++;
    }
    rc = kt_json_paths_new(&st->paths, st->path_names, st->n);
    if (rc != KT_OK) {
        kt_err_set(err, rc == KT_EINVAL ? KT_EUSAGE : rc, "invalid JSON field path");
        if (rc == KT_EINVAL) {
            rc = KT_EUSAGE;
        }
        goto out;
    }
    *state = st;
    return KT_OK;
out:
    free(st);
    return rc;
}

void kt_json_format_fini(void *state)
{
    struct kt_json_format_state *st = state;
    if (st != NULL) {
        kt_json_paths_free(st->paths);
        free(st);
    }
}

enum kt_json_status kt_json_format_scan(const struct kt_json_format_state *st,
                                        struct kt_str record, bool present[KT_ROLE__COUNT])
{
    struct kt_json_val slots[KT_JSON_MAX_PATHS];
    size_t consumed;
    memset(present, 0, sizeof(bool) * KT_ROLE__COUNT);
    enum kt_json_status js = kt_json_extract(st->paths, record.ptr, record.len, slots, &consumed);
    if (js != KT_JSON_OK) {
        return js;
    }
    for (size_t i = 0; i < st->n; i++) {
        if (slots[i].type != KT_JSON_NONE && slots[i].type != KT_JSON_NULL) {
            present[st->roles[i]] = true;
        }
    }
    return KT_JSON_OK;
}

void kt_split_uri(struct kt_str uri, struct kt_event *ev)
{
    const char *q = memchr(uri.ptr, '?', uri.len);
    if (q == NULL) {
        ev->resource = uri;
        return;
    }
    ev->resource = kt_str_make(uri.ptr, (size_t)(q - uri.ptr));
    ev->query = kt_str_make(q + 1, uri.len - (size_t)(q - uri.ptr) - 1);
    /* A fragment never reaches a server, but some loggers keep it. */
    const char *hash = memchr(ev->query.ptr, '#', ev->query.len);
    if (hash != NULL) {
        ev->query.len = (size_t)(hash - ev->query.ptr);
    }
}

static bool is_method_char(char c)
{
    return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

bool kt_split_request_line(struct kt_str line, struct kt_event *ev)
{
    const char *p = line.ptr, *end = line.ptr + line.len;
    const char *m = p;
    while (p < end && is_method_char(*p)) {
        p++;
    }
    if (p == m || p - m > 32 || p == end || *p != ' ') {
        return false;
    }
    struct kt_str method = kt_str_make(m, (size_t)(p - m));
    while (p < end && *p == ' ') {
        p++;
    }
    /* The target runs to the protocol; clients that send raw spaces in it are tolerated. */
    const char *target_end = end;
    for (const char *q = end; q > p; q--) {
        if (q[-1] == ' ') {
            if (end - q >= 5 && memcmp(q, "HTTP/", 5) == 0) {
                target_end = q - 1;
                while (target_end > p && target_end[-1] == ' ') {
                    target_end--;
                }
            }
            break;
        }
    }
    if (target_end == p) {
        return false;
    }
    struct kt_str target = kt_str_make(p, (size_t)(target_end - p));
    if (target_end == end && memchr(target.ptr, ' ', target.len) != NULL) {
        return false; /* spaces but no protocol: not a request line */
    }
    ev->method = method;
    kt_split_uri(target, ev);
    return true;
}

/* The value as bytes, decoded into scratch if it holds escapes. */
static bool slot_str(struct kt_parser *p, const struct kt_json_val *v, struct kt_str *out)
{
    if (!v->escaped) {
        *out = v->raw;
        return true;
    }
    char *buf = kt_parser_scratch(p, v->raw.len);
    if (buf == NULL) {
        return false;
    }
    *out = kt_str_make(buf, kt_json_unescape(v->raw, buf));
    return true;
}

static bool slot_time(const struct kt_json_val *v, struct kt_str s, int64_t *ms)
{
    if (v->type == KT_JSON_NUMBER) {
        return kt_time_parse_epoch(s, ms);
    }
    return kt_time_parse_any(s, ms);
}

static bool slot_status(const struct kt_json_val *v, struct kt_str s, int *status)
{
    int64_t n = 0;
    if (v->type == KT_JSON_NUMBER) {
        if (!kt_json_int(v, &n)) {
            return false;
        }
    } else {
        if (s.len == 0 || s.len > 3) {
            return false;
        }
        for (size_t i = 0; i < s.len; i++) {
            if (s.ptr[i] < '0' || s.ptr[i] > '9') {
                return false;
            }
            n = n * 10 + (s.ptr[i] - '0');
        }
    }
    if (n < 100 || n > 599) {
        return false;
    }
    *status = (int)n;
    return true;
}

enum kt_bad kt_json_format_parse(struct kt_parser *p, struct kt_str record, struct kt_event *ev,
                                 size_t *consumed)
{
    const struct kt_json_format_state *st = p->state;
    struct kt_json_val slots[KT_JSON_MAX_PATHS];
    enum kt_json_status js = kt_json_extract(st->paths, record.ptr, record.len, slots, consumed);
    switch (js) {
    case KT_JSON_OK: break;
    case KT_JSON_INCOMPLETE: return KT_BAD_INCOMPLETE;
    case KT_JSON_TOO_DEEP: return KT_BAD_TOO_DEEP;
    case KT_JSON_NOT_OBJECT: {
        /* Only valid JSON that is not an object is "not_object" (its length in *consumed, so a
         * stream goes on after it; the caller judges bytes after it on a line); text lines are
         * "json". */
        size_t used;
        if (kt_json_skip(record.ptr, record.len, &used) != KT_JSON_OK) {
            return KT_BAD_JSON;
        }
        *consumed = used;
        return KT_BAD_NOT_OBJECT;
    }
    case KT_JSON_INVALID: return KT_BAD_JSON;
    }
    bool done[KT_ROLE__COUNT] = { false };
    bool bad_time = false;
    struct kt_str request = KT_STR_NULL;
    for (size_t i = 0; i < st->n; i++) {
        const struct kt_json_val *v = &slots[i];
        enum kt_json_role role = st->roles[i];
        if (v->type == KT_JSON_NONE || v->type == KT_JSON_NULL || done[role]) {
            continue;
        }
        bool compound = v->type == KT_JSON_OBJECT || v->type == KT_JSON_ARRAY;
        if (compound && role != KT_ROLE_GRANT) {
            continue;
        }
        struct kt_str s = v->raw; /* a granted policy object: its JSON text, as logged */
        if (!compound && !slot_str(p, v, &s)) {
            continue;
        }
        if (s.len == 0 && role != KT_ROLE_MARKER) {
            continue;
        }
        done[role] = true;
        switch (role) {
        case KT_ROLE_TIME:
            if (!slot_time(v, s, &ev->time_ms)) {
                bad_time = true;
            }
            break;
        case KT_ROLE_IP: ev->ip = kt_ip_clean(s); break;
        case KT_ROLE_METHOD: ev->method = s; break;
        case KT_ROLE_SERVICE: ev->service = s; break;
        case KT_ROLE_URI: kt_split_uri(s, ev); break;
        case KT_ROLE_PATH: ev->resource = s; break;
        case KT_ROLE_QUERY: ev->query = s; break;
        case KT_ROLE_REQUEST: request = s; break;
        case KT_ROLE_STATUS:
            if (!slot_status(v, s, &ev->status)) {
                done[role] = false;
            }
            break;
        case KT_ROLE_ERROR: ev->error = s; break;
        case KT_ROLE_USER_AGENT: ev->user_agent = s; break;
        case KT_ROLE_AUTHORIZATION: kt_event_add_cand(ev, KT_CAND_AUTHORIZATION, s); break;
        case KT_ROLE_API_KEY: kt_event_add_cand(ev, KT_CAND_TOKEN, s); break;
        case KT_ROLE_HOST: ev->host = s; break;
        case KT_ROLE_ACTOR: ev->actor = s; break;
        case KT_ROLE_RESOURCE:
            if (ev->resource.len == 0) {
                ev->resource = s;
            }
            break;
        case KT_ROLE_AWS_KEY_ID: kt_event_add_cand(ev, KT_CAND_AWS_KEY_ID, s); break;
        case KT_ROLE_HASHED_TOKEN: kt_event_add_cand(ev, KT_CAND_HASHED_TOKEN, s); break;
        case KT_ROLE_BASIC_USER:
            if (!kt_str_eq_cstr(s, "-")) {
                kt_event_add_cand(ev, KT_CAND_BASIC_USER, s);
            }
            break;
        case KT_ROLE_CREATED_KEY: ev->created_key = s; break;
        case KT_ROLE_MINTED_KEY: ev->minted_key = s; break;
        case KT_ROLE_GRANT: ev->grant = s; break;
        case KT_ROLE_MARKER:
        case KT_ROLE__COUNT: break;
        }
    }
    /* A whole request line is only a fallback: explicit method and path fields win. */
    if (request.len > 0 && ev->method.len == 0 && ev->resource.len == 0 &&
        !kt_split_request_line(request, ev)) {
        ev->method = ev->resource = ev->query = KT_STR_NULL;
    }
    if (!done[KT_ROLE_TIME]) {
        return KT_BAD_NO_TIME;
    }
    if (bad_time) {
        return KT_BAD_TIME;
    }
    return KT_BAD_NONE;
}
