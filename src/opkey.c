/*
 * Operation keys (kt_baseline_op_key): one short string per kind of request, so "first time
 * this key did X" compares like with like.
 *
 *   API logs    "service:method"      CloudTrail: eventSource ":" eventName
 *   GitHub      "github:action"       the audit log's dotted action; its format puts the
 *                                     programmatic access type ("OAuth access token") in
 *                                     service, which is not a service, so a service that does
 *                                     not look like a host name is ignored
 *   HTTP logs   "METHOD /path"        the path without query or fragment, each segment that is
 *                                     an id replaced by a star: "GET /repos/acme/api/issues/N"
 *                                     with N a star for every issue number
 *
 * A path segment becomes '*' when it is an id rather than a name: all digits (with separators:
 * "42", "2026-10-12", "1.2.3"), hex of 8 or more with a digit (commit SHAs, UUIDs), an e-mail
 * address, a mix of letters and 3 or more digits ("design-tokens-2.8.1.tgz",
 * "cus_5XtGM9lMQ8bojA"), a random-looking run of 16 or more [A-Za-z0-9_-] (many changes between
 * lower case, upper case and digits: "pi_oeeerlOz6yhRZwG0TyA81sHA"), anything longer than 64
 * bytes, or a segment holding a recognisable token (a method or service holding one is written
 * as '*' or ignored, and whatever looks like a token in the finished key, for instance after
 * cutting to size, becomes '*'). Names stay: "repos", "acme", "api",
 * "merge_requests", "v1", "oauth2", "acme%2Fbackend". At most 8 segments are kept ("/..." marks
 * the rest); empty segments and a ";param" tail are dropped. Bytes outside printable ASCII
 * become '?', so the key is safe to print.
 */
#include <keytrail/baseline.h>
#include <keytrail/credential.h>
#include <stdio.h>
#include <string.h>

#define OP_MAX_SEGMENTS 8
#define OP_SEG_MAX 64
#define OP_METHOD_MAX 64

struct opw {
    char *out;
    size_t cap, len;
};

static void put_raw(struct opw *w, char c)
{
    if (w->len + 1 < w->cap) {
        w->out[w->len++] = c;
    }
}

/* A byte of log text: anything but printable ASCII (space included) becomes '?'. */
static void put_byte(struct opw *w, unsigned char c)
{
    put_raw(w, (c < 0x21 || c > 0x7e) ? '?' : (char)c);
}

static void put(struct opw *w, struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        put_byte(w, (unsigned char)s.ptr[i]);
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_hex_letter(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A host name: labels of letters, digits and '-' joined by dots, at least two labels. */
static bool host_like(struct kt_str s)
{
    if (s.len < 3 || s.len > 253 || s.ptr[0] == '.' || s.ptr[s.len - 1] == '.') {
        return false;
    }
    bool dot = false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '.') {
            if (s.ptr[i - 1] == '.') {
                return false;
            }
            dot = true;
        } else if (!is_lower(c) && !is_upper(c) && !is_digit(c) && c != '-') {
            return false;
        }
    }
    return dot;
}

/* A GitHub audit action: lower-case words joined by dots ("org.add_member", "git.fetch"). */
static bool github_action(struct kt_str s)
{
    if (s.len < 3 || s.len > OP_METHOD_MAX || s.ptr[0] == '.' || s.ptr[s.len - 1] == '.') {
        return false;
    }
    bool dot = false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '.') {
            dot = true;
        } else if (!is_lower(c) && !is_digit(c) && c != '_') {
            return false;
        }
    }
    return dot;
}

/* An HTTP method: 1..16 letters of one case (GET, PROPFIND, get), unlike API operations
 * (ListBuckets, GetObject). */
static bool http_method(struct kt_str s)
{
    if (s.len == 0 || s.len > 16) {
        return false;
    }
    size_t upper = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (!is_upper(s.ptr[i]) && !is_lower(s.ptr[i])) {
            return false;
        }
        upper += is_upper(s.ptr[i]);
    }
    return upper == 0 || upper == s.len;
}

static bool is_email(struct kt_str s)
{
    for (size_t i = 1; i < s.len; i++) {
        size_t at_len = 0;
        if (s.ptr[i] == '@') {
            at_len = 1;
        } else if (s.ptr[i] == '%' && i + 2 < s.len && s.ptr[i + 1] == '4' && s.ptr[i + 2] == '0') {
            at_len = 3;
        }
        if (at_len > 0) {
            return memchr(s.ptr + i + at_len, '.', s.len - i - at_len) != NULL;
        }
    }
    return false;
}

enum cclass { C_OTHER, C_LOWER, C_UPPER, C_DIGIT };

static enum cclass class_of(char c)
{
    return is_lower(c) ? C_LOWER : is_upper(c) ? C_UPPER : is_digit(c) ? C_DIGIT : C_OTHER;
}

/* Whether s holds a token kt_cred_find_in_text recognises (none is shorter than 15 bytes). */
static bool has_token(struct kt_str s)
{
    struct kt_cand found[1];
    return s.len >= 15 && kt_cred_find_in_text(s, found, 1) > 0;
}

/* Whether a path segment is an identifier (see the top of the file). */
static bool segment_is_id(struct kt_str s)
{
    if (s.len > OP_SEG_MAX) {
        return true;
    }
    size_t digits = 0, letters = 0, hex = 0, other = 0, changes = 0;
    bool b64 = true;
    enum cclass prev = C_OTHER;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%' && i + 2 < s.len) {
            /* An escape is one punctuation byte, not letters and digits. */
            i += 2;
            other++;
            b64 = false;
            continue;
        }
        enum cclass k = class_of(c);
        digits += k == C_DIGIT;
        letters += k == C_LOWER || k == C_UPPER;
        hex += k == C_DIGIT || is_hex_letter(c);
        if (k == C_OTHER) {
            other++;
            b64 = b64 && (c == '_' || c == '-');
            continue;
        }
        changes += prev != C_OTHER && k != prev;
        prev = k;
    }
    if (digits > 0 && letters == 0) {
        return true; /* 42, 2026-10-12, 1.2.3 */
    }
    if (hex >= 8 && digits > 0 && hex == digits + letters && hex + other == s.len) {
        /* All hex apart from separators: SHAs, UUIDs. */
        bool dashes_only = true;
        for (size_t i = 0; i < s.len; i++) {
            dashes_only = dashes_only && (class_of(s.ptr[i]) != C_OTHER || s.ptr[i] == '-');
        }
        if (dashes_only) {
            return true;
        }
    }
    if (is_email(s)) {
        return true;
    }
    if (letters > 0 && digits >= 3) {
        return true;
    }
    if (b64 && s.len >= 16 && changes * 3 >= s.len) {
        return true;
    }
    return has_token(s);
}

/* Writes "/seg/seg/..." for a request path: query, fragment and scheme://authority dropped. */
static void put_path(struct opw *w, struct kt_str path)
{
    for (size_t i = 0; i < path.len; i++) {
        if (path.ptr[i] == '?' || path.ptr[i] == '#') {
            path.len = i;
            break;
        }
    }
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t k = 0; k < KT_ARRAY_LEN(schemes); k++) {
        if (kt_str_has_prefix_nocase(path, schemes[k])) {
            size_t skip = strlen(schemes[k]);
            const char *slash = memchr(path.ptr + skip, '/', path.len - skip);
            size_t at = slash == NULL ? path.len : (size_t)(slash - path.ptr);
            path = kt_str_make(path.ptr + at, path.len - at);
            break;
        }
    }
    size_t segments = 0, i = 0;
    while (i < path.len) {
        while (i < path.len && path.ptr[i] == '/') {
            i++;
        }
        size_t start = i;
        while (i < path.len && path.ptr[i] != '/') {
            i++;
        }
        struct kt_str seg = kt_str_make(path.ptr + start, i - start);
        const char *semi = memchr(seg.ptr, ';', seg.len);
        if (semi != NULL) {
            seg.len = (size_t)(semi - seg.ptr);
        }
        if (seg.len == 0) {
            continue;
        }
        if (segments == OP_MAX_SEGMENTS) {
            put(w, KT_STR_LIT("/..."));
            return;
        }
        segments++;
        put_byte(w, '/');
        put(w, segment_is_id(seg) ? KT_STR_LIT("*") : seg);
    }
    if (segments == 0) {
        put_byte(w, '/');
    }
}

static void put_method(struct opw *w, struct kt_str m, bool upper)
{
    if (has_token(m)) {
        put_raw(w, '*');
        return;
    }
    m.len = KT_MIN(m.len, OP_METHOD_MAX);
    for (size_t i = 0; i < m.len; i++) {
        char c = m.ptr[i];
        put_byte(w, (unsigned char)(upper && is_lower(c) ? c - ('a' - 'A') : c));
    }
}

/*
 * The last guard: cutting a method or the whole key to size can turn text that was not a token
 * (a token-like run glued to more characters) into one that looks like a token. Every such run
 * in the finished key becomes a single '*'. Returns the new length.
 */
static size_t scrub_tokens(char *out, size_t len)
{
    for (int round = 0; round < 8; round++) {
        struct kt_cand found[4];
        size_t n = kt_cred_find_in_text(kt_str_make(out, len), found, KT_ARRAY_LEN(found));
        if (n == 0) {
            break;
        }
        size_t w = 0, r = 0;
        for (size_t i = 0; i < n; i++) {
            size_t start = (size_t)(found[i].value.ptr - out);
            if (start < r) {
                continue; /* overlaps the previous run */
            }
            memmove(out + w, out + r, start - r);
            w += start - r;
            out[w++] = '*';
            r = start + found[i].value.len;
        }
        memmove(out + w, out + r, len - r);
        len = w + (len - r);
    }
    out[len] = '\0';
    return len;
}

struct kt_str kt_baseline_op_key(const struct kt_event *ev, char *out, size_t cap)
{
    if (out == NULL || cap == 0) {
        return KT_STR_NULL;
    }
    struct opw w = {out, cap, 0};
    out[0] = '\0';
    if (ev == NULL) {
        return kt_str_make(out, 0);
    }
    struct kt_str method = kt_str_trim(ev->method);
    struct kt_str service = kt_str_trim(ev->service);
    struct kt_str resource = kt_str_trim(ev->resource);
    if (host_like(service) && !has_token(service) && method.len > 0) {
        put(&w, service);
        put_byte(&w, ':');
        put_method(&w, method, false);
    } else if (github_action(method)) {
        put(&w, KT_STR_LIT("github:"));
        put_method(&w, method, false);
    } else if (http_method(method)) {
        put_method(&w, method, true);
        if (resource.len > 0) {
            put_raw(&w, ' ');
            put_path(&w, resource);
        }
    } else if (method.len > 0) {
        put_method(&w, method, false);
    } else if (resource.len > 0) {
        put_path(&w, resource);
    }
    out[w.len] = '\0';
    w.len = scrub_tokens(out, w.len);
    return kt_str_make(out, w.len);
}

void kt_baseline_op_display(const struct kt_event *ev, struct kt_str op, char *out, size_t cap)
{
    if (cap == 0) {
        return;
    }
    out[0] = '\0';
    struct kt_str resource = kt_str_trim(ev->resource);
    if (resource.len > 0) {
        char shown[512];
        size_t n = kt_cred_redact(resource, shown, sizeof(shown));
        if (n != resource.len || memcmp(shown, resource.ptr, n) != 0) {
            struct kt_str method = kt_str_trim(ev->method);
            char joined[600];
            snprintf(joined, sizeof(joined), "%.*s%s%s", (int)KT_MIN(method.len, (size_t)60),
                     method.ptr ? method.ptr : "", method.len > 0 ? " " : "", shown);
            kt_cred_redact(kt_str_cstr(joined), out, cap);
            return;
        }
    }
    kt_cred_redact(op, out, cap);
}
