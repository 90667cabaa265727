/*
 * The user-agent normaliser (include/keytrail/useragent.h).
 *
 * One pass of small steps, in order: named tooling wins over everything (a Stratus Red Team
 * run id or a Pacu version must not make each run a "new client"); then CloudTrail's [...]
 * wrapper and comma list are peeled; a browser ("Mozilla/5.0 (...)") becomes browser/major
 * plus OS; anything else keeps its first product token cut to product/major. A product token
 * without a slash ("GitHub CLI 2.62.0", "AWS Internal") keeps its text before any comment, with
 * a trailing version cut to its major. Only bytes of the input are copied, never more than
 * the capacity.
 */
#include <keytrail/useragent.h>

/* Where needle starts in s, or NULL (case-sensitive; needle non-empty). The first byte is found
 * with memchr, so a miss costs about one pass over s. */
static const char *find_bytes(struct kt_str s, const char *needle, size_t n)
{
    const char *p = s.ptr;
    const char *end = s.ptr + s.len;
    while ((size_t)(end - p) >= n) {
        const char *c = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (c == NULL) {
            return NULL;
        }
        if (memcmp(c, needle, n) == 0) {
            return c;
        }
        p = c + 1;
    }
    return NULL;
}

/* The agent in lower case, for the markers (which are lower case). Agents longer than the
 * buffer are looked at in their first LOWER_MAX bytes: tooling names itself early. */
#define LOWER_MAX 1024

static struct kt_str lower_copy(struct kt_str s, char *buf)
{
    size_t n = KT_MIN(s.len, (size_t)LOWER_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = s.ptr[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return kt_str_make(buf, n);
}

static bool has_marker(struct kt_str lower, const char *marker)
{
    return find_bytes(lower, marker, strlen(marker)) != NULL;
}

static const char *find(struct kt_str s, const char *needle)
{
    return find_bytes(s, needle, strlen(needle));
}

/* "114.0.1" -> "114": the digits at p, within end. */
static struct kt_str major_at(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q >= '0' && *q <= '9') {
        q++;
    }
    return kt_str_make(p, (size_t)(q - p));
}

static size_t put(char *out, size_t cap, size_t n, struct kt_str s)
{
    for (size_t i = 0; i < s.len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        out[n++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    out[n] = '\0';
    return n;
}

static const struct {
    const char *marker, *name;
} tools[] = {
    {"stratus-red-team", "Stratus Red Team"},
    {"pacu", "Pacu"},
    {"scoutsuite", "ScoutSuite"},
    {"prowler", "Prowler"},
    {"trufflehog", "TruffleHog"},
    {"cloudfox", "CloudFox"},
    {"cloudsploit", "CloudSploit"},
    {"nuclei", "nuclei"},
};

/* Browser and OS of a Mozilla/5.0 agent into out; false when it names no known browser. */
static size_t browser(struct kt_str ua, char *out, size_t cap)
{
    static const struct {
        const char *token, *name;
    } browsers[] = {
        /* most specific first: Edge and Opera also say Chrome, Chrome also says Safari */
        {"Edg/", "Edge"},     {"OPR/", "Opera"},     {"Firefox/", "Firefox"},
        {"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Version/", "Safari"},
    };
    const char *end = ua.ptr + ua.len;
    for (size_t i = 0; i < KT_ARRAY_LEN(browsers); i++) {
        const char *at = find(ua, browsers[i].token);
        if (at == NULL) {
            continue;
        }
        struct kt_str major = major_at(at + strlen(browsers[i].token), end);
        static const struct {
            const char *token, *name;
        } systems[] = {
            {"Android", "Android"}, {"iPhone", "iOS"},     {"iPad", "iOS"},
            {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"},
            {"Linux", "Linux"},
        };
        const char *os = NULL;
        for (size_t k = 0; k < KT_ARRAY_LEN(systems) && os == NULL; k++) {
            if (find(ua, systems[k].token) != NULL) {
                os = systems[k].name;
            }
        }
        size_t n = put(out, cap, 0, kt_str_cstr(browsers[i].name));
        n = put(out, cap, n, kt_str_make("/", 1));
        n = put(out, cap, n, major);
        if (os != NULL) {
            n = put(out, cap, n, kt_str_make(" (", 2));
            n = put(out, cap, n, kt_str_cstr(os));
            n = put(out, cap, n, kt_str_make(")", 1));
        }
        return n;
    }
    return 0;
}

size_t kt_ua_normalise(struct kt_str ua, char *out, size_t cap)
{
    if (cap == 0) {
        return 0;
    }
    out[0] = '\0';
    struct kt_str t = kt_str_trim(ua);
    char buf[LOWER_MAX];
    struct kt_str lower = lower_copy(t, buf);
    for (size_t i = 0; i < KT_ARRAY_LEN(tools); i++) {
        if (has_marker(lower, tools[i].marker)) {
            return put(out, cap, 0, kt_str_cstr(tools[i].name));
        }
    }
    const char *distro = has_marker(lower, "kali")     ? " (Kali)"
                         : has_marker(lower, "parrot") ? " (Parrot)"
                                                       : NULL;
    if (t.len > 0 && t.ptr[0] == '[') {
        t = kt_str_make(t.ptr + 1, t.len - 1);
        if (t.len > 0 && t.ptr[t.len - 1] == ']') {
            t.len--;
        }
        const char *comma = memchr(t.ptr, ',', t.len);
        if (comma != NULL) {
            t.len = (size_t)(comma - t.ptr);
        }
        t = kt_str_trim(t);
    }
    size_t n = 0;
    if (kt_str_has_prefix(t, "Mozilla/")) {
        n = browser(t, out, cap);
    }
    if (n == 0) {
        size_t word = 0;
        while (word < t.len && t.ptr[word] != ' ' && t.ptr[word] != '\t') {
            word++;
        }
        const char *slash = memchr(t.ptr, '/', word);
        if (slash != NULL) {
            n = put(out, cap, 0, kt_str_make(t.ptr, (size_t)(slash - t.ptr)));
            /* "kubectl/v1.28.2" is version 1 like "kubectl/1.28.2". */
            const char *ver = slash + 1;
            if (ver + 1 < t.ptr + word && (*ver == 'v' || *ver == 'V') && ver[1] >= '0' &&
                ver[1] <= '9') {
                ver++;
            }
            struct kt_str major = major_at(ver, t.ptr + word);
            n = put(out, cap, n, kt_str_make("/", 1));
            /* A version that is not a number ("0.4-beta" keeps "0", "x" keeps all of it). */
            n = put(out, cap, n,
                    major.len > 0 ? major
                                  : kt_str_make(slash + 1, (size_t)(t.ptr + word - slash - 1)));
        } else {
            const char *paren = memchr(t.ptr, '(', t.len);
            struct kt_str head =
                kt_str_trim(kt_str_make(t.ptr, paren != NULL ? (size_t)(paren - t.ptr) : t.len));
            /* "GitHub CLI 2.62.0" -> "GitHub CLI 2" */
            const char *sp = NULL;
            for (size_t i = head.len; i > 0 && sp == NULL; i--) {
                if (head.ptr[i - 1] == ' ') {
                    sp = head.ptr + i - 1;
                }
            }
            if (sp != NULL && sp + 1 < head.ptr + head.len && sp[1] >= '0' && sp[1] <= '9') {
                struct kt_str major = major_at(sp + 1, head.ptr + head.len);
                n = put(out, cap, 0, kt_str_make(head.ptr, (size_t)(sp - head.ptr) + 1));
                n = put(out, cap, n, major);
            } else {
                n = put(out, cap, 0, head);
            }
        }
    }
    if (distro != NULL) {
        n = put(out, cap, n, kt_str_cstr(distro));
    }
    return n;
}
