/*
 * combined / common: Apache and nginx access logs.
 *
 *     [vhost[:port]] host ident user [time] "request" status bytes ["referer" "agent"] [extra...]
 *
 * The fields before the bracketed time tell the variant apart (three: common/combined; four:
 * a vhost first). Anything after the user agent is an extra field: request times, forwarded-for
 * lists, or a quoted Authorization header that some deployments log; quoted extras are read for
 * credentials. Quoted fields honour backslash escapes in both Apache/nginx style (\" and \xHH)
 * and nginx's escape=json style (\" and \uXXXX). The user field (%u, $remote_user) is the Basic
 * auth user name when the server authenticated one.
 */
#include <stdlib.h>

#include "fmt_json.h"
#include "timefmt.h"

/* Finds the closing quote of a quoted field; start is just past the opening quote. */
static const char *quoted_end(const char *start, const char *end, bool *escaped)
{
    const char *p = start;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (q == NULL) {
            return NULL;
        }
        /* A quote preceded by an odd number of backslashes is escaped. */
        size_t bs = 0;
        while (q - bs > start && q[-1 - (ptrdiff_t)bs] == '\\') {
            bs++;
        }
        if (bs % 2 == 0) {
            *escaped = memchr(start, '\\', (size_t)(q - start)) != NULL;
            return q;
        }
        p = q + 1;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = kt_ascii_lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

/* Decodes log escapes; the output never grows (\uXXXX is 6 bytes in, at most 3 out). */
static size_t unescape_log(struct kt_str in, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < in.len; i++) {
        char c = in.ptr[i];
        if (c != '\\' || i + 1 == in.len) {
            out[o++] = c;
            continue;
        }
        char e = in.ptr[++i];
        switch (e) {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'x':
            if (i + 2 < in.len && hexval(in.ptr[i + 1]) >= 0 && hexval(in.ptr[i + 2]) >= 0) {
                out[o++] = (char)(hexval(in.ptr[i + 1]) * 16 + hexval(in.ptr[i + 2]));
                i += 2;
            } else {
                out[o++] = e;
            }
            break;
        case 'u':
            if (i + 4 < in.len && hexval(in.ptr[i + 1]) >= 0 && hexval(in.ptr[i + 2]) >= 0 &&
                hexval(in.ptr[i + 3]) >= 0 && hexval(in.ptr[i + 4]) >= 0) {
                unsigned cp = (unsigned)(hexval(in.ptr[i + 1]) << 12 | hexval(in.ptr[i + 2]) << 8 |
                                         hexval(in.ptr[i + 3]) << 4 | hexval(in.ptr[i + 4]));
                o += put_utf8(out + o, cp);
                i += 4;
            } else {
                out[o++] = e;
            }
            break;
        default: out[o++] = e; break; /* \" \\ \/ and unknown escapes keep the character */
        }
    }
    return o;
}

/* Reads a quoted field at *pp (which points at the opening quote); decodes into scratch. */
static bool read_quoted(struct kt_parser *p, const char **pp, const char *end, struct kt_str *out)
{
    const char *s = *pp + 1;
    bool escaped;
    const char *q = quoted_end(s, end, &escaped);
    if (q == NULL) {
        return false;
    }
    struct kt_str raw = kt_str_make(s, (size_t)(q - s));
    *pp = q + 1;
    if (!escaped) {
        *out = raw;
        return true;
    }
    char *buf = kt_parser_scratch(p, raw.len);
    if (buf == NULL) {
        return false;
    }
    *out = kt_str_make(buf, unescape_log(raw, buf));
    return true;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ') {
        p++;
    }
    return p;
}

/* Unquoted fields are short (an address, "-", a status): a plain loop beats memchr here. */
static const char *token_end(const char *p, const char *end)
{
    while (p < end && *p != ' ') {
        p++;
    }
    return p;
}

static bool has_control_bytes(struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return true;
        }
    }
    return false;
}

/* A response size: digits, or "-" for none. */
static bool is_size_field(const char *s, const char *e)
{
    if (e - s == 1 && *s == '-') {
        return true;
    }
    if (e == s) {
        return false;
    }
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

/* Does a quoted extra field carry an Authorization header value? */
static bool has_auth_scheme(struct kt_str s)
{
    static const struct kt_str schemes[] = {
        KT_STR_LIT("Bearer "), KT_STR_LIT("Basic "), KT_STR_LIT("Token "),
        KT_STR_LIT("AWS4-HMAC-SHA256 "), KT_STR_LIT("AWS "), KT_STR_LIT("Bot "),
        KT_STR_LIT("ApiKey "), KT_STR_LIT("Api-Key "),
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(schemes); i++) {
        if (s.len >= schemes[i].len &&
            kt_str_eq_nocase(kt_str_make(s.ptr, schemes[i].len), schemes[i])) {
            return true;
        }
    }
    return false;
}

static void read_extra_quoted(struct kt_event *ev, struct kt_str v)
{
    if (v.len == 0 || kt_str_eq_cstr(v, "-")) {
        return;
    }
    if (has_auth_scheme(v)) {
        kt_event_add_cand(ev, KT_CAND_AUTHORIZATION, v);
        return;
    }
    struct kt_cand found[KT_EVENT_MAX_CANDS];
    size_t n = kt_cred_find_in_text(v, found, KT_EVENT_MAX_CANDS);
    for (size_t i = 0; i < n; i++) {
        kt_event_add_cand(ev, found[i].kind, found[i].value);
    }
}

static enum kt_bad parse_line(struct kt_parser *p, struct kt_str rec, struct kt_event *ev,
                              bool *full)
{
    const char *s = rec.ptr, *end = rec.ptr + rec.len;
    struct kt_str fields[4];
    int n = 0;
    *full = false;
    s = skip_spaces(s, end);
    while (s < end && *s != '[') {
        if (n == 4) {
            return KT_BAD_SYNTAX;
        }
        const char *e = token_end(s, end);
        fields[n++] = kt_str_make(s, (size_t)(e - s));
        s = skip_spaces(e, end);
    }
    if (n < 3 || s == end) {
        return KT_BAD_SYNTAX;
    }
    int base = n - 3;
    if (base == 1) {
        ev->host = fields[0];
    }
    ev->ip = fields[base];
    struct kt_str user = fields[base + 2];
    const char *close = memchr(s, ']', (size_t)(end - s));
    if (close == NULL) {
        return KT_BAD_SYNTAX;
    }
    if (!kt_time_parse_clf(kt_str_make(s + 1, (size_t)(close - s - 1)), &ev->time_ms)) {
        return KT_BAD_TIME;
    }
    s = skip_spaces(close + 1, end);
    if (s == end || *s != '"') {
        return KT_BAD_SYNTAX;
    }
    struct kt_str request;
    if (!read_quoted(p, &s, end, &request)) {
        return KT_BAD_SYNTAX;
    }
    if (!kt_str_eq_cstr(request, "-") && request.len > 0 &&
        !kt_split_request_line(request, ev)) {
        return KT_BAD_REQUEST;
    }
    s = skip_spaces(s, end);
    const char *e = token_end(s, end);
    if (e - s == 3 && s[0] >= '1' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
        s[2] <= '9') {
        ev->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    } else if (!(e - s == 1 && *s == '-')) {
        return KT_BAD_STATUS;
    }
    s = skip_spaces(e, end);
    e = token_end(s, end); /* bytes sent: not used, but it must be there */
    if (!is_size_field(s, e)) {
        return KT_BAD_SYNTAX;
    }
    s = skip_spaces(e, end);
    if (user.len > 0 && !kt_str_eq_cstr(user, "-")) {
        kt_event_add_cand(ev, KT_CAND_BASIC_USER, user);
    }
    /* combined: referer and agent; the referer is someone else's URL and is not read. */
    if (s < end && *s == '"') {
        struct kt_str referer, agent;
        if (!read_quoted(p, &s, end, &referer)) {
            return KT_BAD_SYNTAX;
        }
        s = skip_spaces(s, end);
        if (s < end && *s == '"') {
            if (!read_quoted(p, &s, end, &agent)) {
                return KT_BAD_SYNTAX;
            }
            if (!kt_str_eq_cstr(agent, "-")) {
                ev->user_agent = agent;
            }
            *full = true;
        }
    }
    while ((s = skip_spaces(s, end)) < end) {
        if (*s == '"') {
            struct kt_str v;
            if (!read_quoted(p, &s, end, &v)) {
                return KT_BAD_SYNTAX;
            }
            read_extra_quoted(ev, v);
        } else {
            s = token_end(s, end);
        }
    }
    return KT_BAD_NONE;
}

static enum kt_bad combined_parse(struct kt_parser *p, struct kt_str record, struct kt_event *ev,
                                  size_t *consumed)
{
    bool full;
    *consumed = record.len;
    enum kt_bad bad = parse_line(p, record, ev, &full);
    if (bad == KT_BAD_SYNTAX && has_control_bytes(record)) {
        return KT_BAD_BINARY;
    }
    return bad;
}

static int combined_probe(void *state, struct kt_str record)
{
    (void)state;
    char scratch[8192];
    struct kt_parser tmp = { .scratch = scratch, .scratch_cap = sizeof(scratch) };
    struct kt_event ev;
    memset(&ev, 0, offsetof(struct kt_event, creds));
    ev.n_creds = 0;
    bool full;
    if (parse_line(&tmp, record, &ev, &full) != KT_BAD_NONE) {
        return 0;
    }
    return full ? 90 : 80;
}

const struct kt_format kt_fmt_combined = {
    .name = "combined",
    .aliases = "common clf nginx apache",
    .summary = "Apache/nginx access logs: common, combined, vhost, extra trailing fields",
    .json = false,
    .init = NULL,
    .fini = NULL,
    .probe = combined_probe,
    .parse = combined_parse,
};
