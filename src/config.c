/*
 * The configuration file (config.h), parsed with json-c: this is a slow path read once, and a
 * full parser gives exact errors. Unknown sections, detectors and knobs are errors. A second,
 * small walk over the text gives what json-c's tree cannot: the line of each setting (errors
 * name it) and repeated member names (json-c keeps the last one silently; here it is an
 * error, as a repeated setting is a merge mistake whichever value was meant).
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_scan.h"

enum kt_rc kt_config_init(struct kt_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->min_days = 7;
    cfg->min_events = 20;
    cfg->broad_countries = 6;
    cfg->rotate_at = 70;
    cfg->investigate_at = 35;
    cfg->retention_key_days = 400;
    cfg->retention_entry_days = 180;
    cfg->risk_window_hours = 24;
    cfg->risk_refused_weight = 0.5;
    cfg->risk_agree_at = 25;
    cfg->risk_bonus_two = 15;
    cfg->risk_bonus_three = 25;
    cfg->risk_critical = 95;
    cfg->move_overlap_days = 7;
    cfg->move_silent_days = 2;
    cfg->move_min_days = 3;
    cfg->move_volume = 3;
    size_t n;
    const struct kt_detector *const *dets = kt_detectors(&n);
    for (size_t i = 0; i < n && i < KT_CONFIG_MAX_DETECTORS; i++) {
        cfg->enabled[i] = true;
        for (size_t k = 0; k < dets[i]->n_knobs && k < KT_CONFIG_MAX_KNOBS; k++) {
            cfg->knobs[i][k] = dets[i]->knobs[k].def;
        }
    }
    return kt_netset_new(&cfg->allow_networks);
}

void kt_config_fini(struct kt_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    free(cfg->allow_keys);
    free(cfg->allow_asns);
    free(cfg->allow_countries);
    kt_netset_free(cfg->allow_networks);
    memset(cfg, 0, sizeof(*cfg));
}

int kt_config_detector_index(const char *name)
{
    size_t n;
    const struct kt_detector *const *dets = kt_detectors(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(dets[i]->name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The text being loaded: the json-c tree says what is set, the text where (for line numbers). */
struct cfg_text {
    const char *name;
    const char *text;
    size_t len;
};

#define CFG_MAX_BYTES ((size_t)1 << 24)
#define CFG_PATH_MAX 256
#define CFG_MAX_DEPTH 64

/*
 * A walk over the raw text of a document json-c accepted, tracking the line and the setting
 * path ("allow.keys[2]") of every member and element. It finds the line of a named setting,
 * and duplicate member names, which json-c's tree cannot show (it keeps the last). It stays in
 * bounds and stops (failed) on anything unexpected, so it is safe on any bytes.
 */
struct cfg_walk {
    const char *p, *end;
    uint64_t line;
    int depth;
    char path[CFG_PATH_MAX];
    size_t plen;
    bool path_cut; /* the path did not fit: never matches */
    bool failed;   /* unexpected bytes or out of memory: the walk stopped */
    bool oom;
    const char *want; /* locate: the setting whose line to find */
    uint64_t want_line;
    bool dup; /* duplicates: the first duplicate member, in text order */
    size_t dup_order;
    uint64_t dup_line;
    char dup_path[CFG_PATH_MAX + 136]; /* the path, a dot and up to 128 bytes of name */
    size_t order;                      /* members seen so far */
};

struct cfg_member {
    char *name; /* decoded */
    size_t len;
    size_t order;
    uint64_t line;
};

static void walk_ws(struct cfg_walk *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\r' || *w->p == '\n')) {
        w->line += *w->p == '\n';
        w->p++;
    }
}

/* A string at w->p (json-c also takes single quotes); *raw gets the bytes between the quotes. */
static bool walk_string(struct cfg_walk *w, struct kt_str *raw)
{
    char q = *w->p++;
    const char *start = w->p;
    while (w->p < w->end && *w->p != q) {
        if (*w->p == '\\' && w->p + 1 < w->end) {
            w->p++;
        }
        w->line += *w->p == '\n';
        w->p++;
    }
    if (w->p >= w->end) {
        return false;
    }
    *raw = kt_str_make(start, (size_t)(w->p - start));
    w->p++;
    return true;
}

/* Appends ".name" (or "name" at the top) to the path; returns the length to restore. */
static size_t walk_push_name(struct cfg_walk *w, const char *name, size_t len)
{
    size_t saved = w->plen, room = sizeof(w->path) - w->plen;
    int n = snprintf(w->path + w->plen, room, "%s%.*s", w->plen > 0 ? "." : "",
                     (int)KT_MIN(len, CFG_PATH_MAX), name);
    if (n < 0 || (size_t)n >= room || memchr(name, '\0', len) != NULL) {
        w->path_cut = true;
        w->path[saved] = '\0';
        return saved;
    }
    w->plen += (size_t)n;
    return saved;
}

/* Appends "[index]" to the path; returns the length to restore. */
static size_t walk_push_index(struct cfg_walk *w, size_t index)
{
    size_t saved = w->plen, room = sizeof(w->path) - w->plen;
    int n = snprintf(w->path + w->plen, room, "[%zu]", index);
    if (n < 0 || (size_t)n >= room) {
        w->path_cut = true;
        w->path[saved] = '\0';
        return saved;
    }
    w->plen += (size_t)n;
    return saved;
}

static void walk_pop(struct cfg_walk *w, size_t saved, bool cut_before)
{
    w->plen = saved;
    w->path[saved] = '\0';
    w->path_cut = cut_before;
}

static void walk_mark(struct cfg_walk *w, uint64_t line)
{
    if (w->want != NULL && w->want_line == 0 && !w->path_cut && strcmp(w->path, w->want) == 0) {
        w->want_line = line;
    }
}

static bool walk_value(struct cfg_walk *w);

static int member_cmp(const void *a, const void *b)
{
    const struct cfg_member *x = a, *y = b;
    size_t n = KT_MIN(x->len, y->len);
    int c = n > 0 ? memcmp(x->name, y->name, n) : 0;
    if (c != 0) {
        return c;
    }
    if (x->len != y->len) {
        return x->len < y->len ? -1 : 1;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorted by name then order: every member after the first of a run of equal names repeats. */
static void walk_check_dups(struct cfg_walk *w, struct cfg_member *m, size_t n)
{
    qsort(m, n, sizeof(*m), member_cmp);
    for (size_t i = 1; i < n; i++) {
        if (m[i].len == m[i - 1].len && memcmp(m[i].name, m[i - 1].name, m[i].len) == 0 &&
            (!w->dup || m[i].order < w->dup_order)) {
            w->dup = true;
            w->dup_order = m[i].order;
            w->dup_line = m[i].line;
            snprintf(w->dup_path, sizeof(w->dup_path), "%s%s%.*s", w->path, w->plen > 0 ? "." : "",
                     (int)KT_MIN(m[i].len, 128), m[i].name);
        }
    }
}

static bool walk_object(struct cfg_walk *w)
{
    struct cfg_member *m = NULL;
    size_t n = 0, cap = 0;
    bool ok = false;
    w->p++;
    walk_ws(w);
    if (w->p < w->end && *w->p == '}') {
        w->p++;
        return true;
    }
    for (;;) {
        walk_ws(w);
        struct kt_str raw;
        uint64_t line = w->line;
        if (w->p >= w->end || (*w->p != '"' && *w->p != '\'') || !walk_string(w, &raw)) {
            goto out;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct cfg_member *nm = realloc(m, ncap * sizeof(*nm));
            if (nm == NULL) {
                w->oom = true;
                goto out;
            }
            m = nm;
            cap = ncap;
        }
        char *name = malloc(raw.len + 1);
        if (name == NULL) {
            w->oom = true;
            goto out;
        }
        size_t len = kt_json_unescape(raw, name);
        m[n++] = (struct cfg_member){ name, len, w->order++, line };
        bool cut = w->path_cut;
        size_t saved = walk_push_name(w, name, len);
        walk_mark(w, line);
        walk_ws(w);
        if (w->p >= w->end || *w->p != ':') {
            goto out;
        }
        w->p++;
        bool v = walk_value(w);
        walk_pop(w, saved, cut);
        if (!v) {
            goto out;
        }
        walk_ws(w);
        if (w->p < w->end && *w->p == ',') {
            w->p++;
            continue;
        }
        if (w->p < w->end && *w->p == '}') {
            w->p++;
            break;
        }
        goto out;
    }
    walk_check_dups(w, m, n);
    ok = true;
out:
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
    }
    free(m);
    return ok;
}

static bool walk_array(struct cfg_walk *w)
{
    w->p++;
    walk_ws(w);
    if (w->p < w->end && *w->p == ']') {
        w->p++;
        return true;
    }
    for (size_t i = 0;; i++) {
        walk_ws(w);
        bool cut = w->path_cut;
        size_t saved = walk_push_index(w, i);
        walk_mark(w, w->line);
        bool v = walk_value(w);
        walk_pop(w, saved, cut);
        if (!v) {
            return false;
        }
        walk_ws(w);
        if (w->p < w->end && *w->p == ',') {
            w->p++;
            continue;
        }
        if (w->p < w->end && *w->p == ']') {
            w->p++;
            return true;
        }
        return false;
    }
}

static bool walk_value(struct cfg_walk *w)
{
    walk_ws(w);
    if (w->p >= w->end || w->depth >= CFG_MAX_DEPTH) {
        return false;
    }
    char c = *w->p;
    if (c == '{' || c == '[') {
        w->depth++;
        bool ok = c == '{' ? walk_object(w) : walk_array(w);
        w->depth--;
        return ok;
    }
    if (c == '"' || c == '\'') {
        struct kt_str raw;
        return walk_string(w, &raw);
    }
    const char *start = w->p;
    while (w->p < w->end && *w->p != ',' && *w->p != '}' && *w->p != ']' && *w->p != ' ' &&
           *w->p != '\t' && *w->p != '\r' && *w->p != '\n') {
        w->p++;
    }
    return w->p > start;
}

/* Walks the whole text; want may be NULL. False when the walk stopped early. */
static bool walk_text(const struct cfg_text *t, const char *want, struct cfg_walk *w)
{
    memset(w, 0, sizeof(*w));
    w->p = t->text;
    w->end = t->text + t->len;
    w->line = 1;
    w->want = want;
    bool ok = walk_value(w);
    w->failed = !ok;
    return ok;
}

/* The line of a setting named as the errors name it ("allow.keys[2]"); 0 when not found. */
static uint64_t setting_line(const struct cfg_text *t, const char *setting)
{
    struct cfg_walk w;
    if (strcmp(setting, "(top level)") == 0) {
        memset(&w, 0, sizeof(w));
        w.p = t->text;
        w.end = t->text + t->len;
        w.line = 1;
        walk_ws(&w);
        return w.line;
    }
    walk_text(t, setting, &w);
    return w.want_line;
}

/* An error about a setting, on its line. The name is the user's own text: control bytes in it
 * (a "\u001b" in a key) are shown as '?' so the message cannot drive the terminal. */
static enum kt_rc bad(struct kt_err *err, const struct cfg_text *path, const char *setting,
                      const char *why)
{
    char shown[160];
    kt_str_copy(shown, sizeof(shown), kt_str_cstr(setting));
    for (char *c = shown; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            *c = '?';
        }
    }
    return kt_err_at(err, KT_EPARSE, path->name, setting_line(path, setting), "%s: %s", shown,
                     why);
}

/* A number setting in [lo, hi]. */
static enum kt_rc get_number(struct json_object *v, const struct cfg_text *path,
                             const char *setting, double lo, double hi, double *out,
                             struct kt_err *err)
{
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) {
        return bad(err, path, setting, "expected a number");
    }
    double d = json_object_get_double(v);
    if (!(d >= lo && d <= hi)) {
        char why[96];
        snprintf(why, sizeof(why), "must be between %g and %g", lo, hi);
        return bad(err, path, setting, why);
    }
    *out = d;
    return KT_OK;
}

/* The number settings of a section: names[i] into *targets[i], within [lo[i], hi[i]] (lo NULL:
 * every lower bound 0). */
static enum kt_rc load_section_numbers(struct json_object *sec, const struct cfg_text *path,
                                       const char *section, const char *const *names,
                                       double *const *targets, const double *lo, const double *hi,
                                       size_t n, struct kt_err *err)
{
    if (!json_object_is_type(sec, json_type_object)) {
        return bad(err, path, section, "expected an object");
    }
    json_object_object_foreach(sec, key, val)
    {
        char setting[128];
        snprintf(setting, sizeof(setting), "%s.%s", section, key);
        size_t i = 0;
        while (i < n && strcmp(names[i], key) != 0) {
            i++;
        }
        if (i == n) {
            return bad(err, path, setting, "unknown setting");
        }
        enum kt_rc rc = get_number(val, path, setting, lo ? lo[i] : 0, hi[i], targets[i], err);
        if (rc != KT_OK) {
            return rc;
        }
    }
    return KT_OK;
}

static enum kt_rc load_detectors(struct kt_config *cfg, struct json_object *sec,
                                 const struct cfg_text *path, struct kt_err *err)
{
    if (!json_object_is_type(sec, json_type_object)) {
        return bad(err, path, "detectors", "expected an object");
    }
    size_t ndet;
    const struct kt_detector *const *dets = kt_detectors(&ndet);
    json_object_object_foreach(sec, name, body)
    {
        char setting[160];
        snprintf(setting, sizeof(setting), "detectors.%s", name);
        int d = kt_config_detector_index(name);
        if (d < 0) {
            return bad(err, path, setting, "unknown detector (see --list-detectors)");
        }
        if (!json_object_is_type(body, json_type_object)) {
            return bad(err, path, setting, "expected an object");
        }
        json_object_object_foreach(body, knob, val)
        {
            snprintf(setting, sizeof(setting), "detectors.%s.%s", name, knob);
            if (strcmp(knob, "enabled") == 0) {
                if (!json_object_is_type(val, json_type_boolean)) {
                    return bad(err, path, setting, "expected true or false");
                }
                cfg->enabled[d] = json_object_get_boolean(val);
                continue;
            }
            size_t k = 0;
            while (k < dets[d]->n_knobs && strcmp(dets[d]->knobs[k].name, knob) != 0) {
                k++;
            }
            if (k == dets[d]->n_knobs) {
                return bad(err, path, setting, "unknown knob (see --list-detectors)");
            }
            enum kt_rc rc = get_number(val, path, setting, 0, 1e12, &cfg->knobs[d][k], err);
            if (rc != KT_OK) {
                return rc;
            }
        }
    }
    (void)ndet;
    return KT_OK;
}

static enum kt_rc load_allow(struct kt_config *cfg, struct json_object *sec,
                             const struct cfg_text *path, struct kt_err *err)
{
    if (!json_object_is_type(sec, json_type_object)) {
        return bad(err, path, "allow", "expected an object");
    }
    json_object_object_foreach(sec, list, arr)
    {
        char setting[128];
        snprintf(setting, sizeof(setting), "allow.%s", list);
        if (!json_object_is_type(arr, json_type_array)) {
            return bad(err, path, setting, "expected an array");
        }
        size_t n = json_object_array_length(arr);
        bool keys = strcmp(list, "keys") == 0, nets = strcmp(list, "networks") == 0,
             asns = strcmp(list, "asns") == 0, countries = strcmp(list, "countries") == 0;
        if (!keys && !nets && !asns && !countries) {
            return bad(err, path, setting, "unknown list (keys, networks, asns, countries)");
        }
        /* Grow the list this array fills; on failure the old one stays owned by cfg. */
        bool grown = true;
        if (keys) {
            struct kt_keyid *g = realloc(cfg->allow_keys, (cfg->n_allow_keys + n + 1) * sizeof(*g));
            grown = g != NULL;
            cfg->allow_keys = g ? g : cfg->allow_keys;
        } else if (asns) {
            uint32_t *g = realloc(cfg->allow_asns, (cfg->n_allow_asns + n + 1) * sizeof(*g));
            grown = g != NULL;
            cfg->allow_asns = g ? g : cfg->allow_asns;
        } else if (countries) {
            char(*g)[2] =
                realloc(cfg->allow_countries, (cfg->n_allow_countries + n + 1) * sizeof(*g));
            grown = g != NULL;
            cfg->allow_countries = g ? g : cfg->allow_countries;
        }
        if (!grown) {
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            struct json_object *v = json_object_array_get_idx(arr, i);
            snprintf(setting, sizeof(setting), "allow.%s[%zu]", list, i);
            if (asns) {
                if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0 ||
                    json_object_get_int64(v) > UINT32_MAX) {
                    return bad(err, path, setting, "expected an AS number");
                }
                cfg->allow_asns[cfg->n_allow_asns++] = (uint32_t)json_object_get_int64(v);
                continue;
            }
            if (!json_object_is_type(v, json_type_string)) {
                return bad(err, path, setting, "expected a string");
            }
            struct kt_str s =
                kt_str_make(json_object_get_string(v), (size_t)json_object_get_string_len(v));
            if (keys) {
                if (!kt_keyid_parse(s, &cfg->allow_keys[cfg->n_allow_keys])) {
                    return bad(err, path, setting, "not a key id (kt1-...)");
                }
                cfg->n_allow_keys++;
            } else if (nets) {
                enum kt_rc rc = kt_netset_add(cfg->allow_networks, s, KT_STR_LIT("allowlist"));
                if (rc != KT_OK) {
                    return bad(err, path, setting, "not an address or network (CIDR)");
                }
            } else {
                if (s.len != 2 || s.ptr[0] < 'A' || s.ptr[0] > 'Z' || s.ptr[1] < 'A' ||
                    s.ptr[1] > 'Z') {
                    return bad(err, path, setting, "expected a two-letter country code (DE)");
                }
                memcpy(cfg->allow_countries[cfg->n_allow_countries++], s.ptr, 2);
            }
        }
    }
    return KT_OK;
}

static uint64_t line_of(const struct cfg_text *t, size_t offset)
{
    uint64_t line = 1;
    for (size_t i = 0; i < offset && i < t->len; i++) {
        line += t->text[i] == '\n';
    }
    return line;
}

/* Offset of the first byte that is not JSON whitespace (len when none). */
static size_t first_non_ws(const struct cfg_text *t)
{
    size_t i = 0;
    while (i < t->len &&
           (t->text[i] == ' ' || t->text[i] == '\t' || t->text[i] == '\r' || t->text[i] == '\n')) {
        i++;
    }
    return i;
}

/* json-c's verdict on the text as a message naming the line; *root on success. */
static enum kt_rc parse_json(const struct cfg_text *t, struct json_object **root,
                             struct kt_err *err)
{
    *root = NULL;
    size_t lead = first_non_ws(t);
    if (lead == t->len) {
        return kt_err_at(err, KT_EPARSE, t->name, 0,
                         "empty: expected a JSON object such as {\"verdict\": {\"rotate\": 70}}");
    }
    if (t->text[lead] != '{') {
        return bad(err, t, "(top level)", "expected an object ({...})");
    }
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    *root = json_tokener_parse_ex(tok, t->text, (int)t->len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t at = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (*root != NULL && jerr == json_tokener_success && at >= t->len) {
        return KT_OK;
    }
    if (*root != NULL && jerr == json_tokener_success) {
        /* json-c stops at a NUL after the value and calls it a success: what follows would
         * be ignored silently. */
        json_object_put(*root);
        *root = NULL;
        return kt_err_at(err, KT_EPARSE, t->name, line_of(t, at),
                         "invalid JSON: a control byte (is this a text file?)");
    }
    json_object_put(*root);
    *root = NULL;
    if (jerr == json_tokener_continue || jerr == json_tokener_success) {
        /* Every byte was read and the value is still open. */
        size_t last = t->len;
        while (last > 0 && (t->text[last - 1] == ' ' || t->text[last - 1] == '\t' ||
                            t->text[last - 1] == '\r' || t->text[last - 1] == '\n')) {
            last--;
        }
        return kt_err_at(err, KT_EPARSE, t->name, line_of(t, last),
                         "the file ends inside the JSON (a missing } or ], or an unclosed "
                         "string): the file is empty or cut short");
    }
    if (at < t->len && (unsigned char)t->text[at] < 0x20 && t->text[at] != '\n' &&
        t->text[at] != '\r' && t->text[at] != '\t') {
        return kt_err_at(err, KT_EPARSE, t->name, line_of(t, at),
                         "invalid JSON: a control byte (is this a text file?)");
    }
    return kt_err_at(err, KT_EPARSE, t->name, line_of(t, at), "invalid JSON: %s",
                     json_tokener_error_desc(jerr));
}

static enum kt_rc load_root(struct kt_config *cfg, struct json_object *root,
                            const struct cfg_text *path, struct kt_err *err)
{
    enum kt_rc rc = KT_OK;
    json_object_object_foreach(root, section, val)
    {
        if (strcmp(section, "maturity") == 0) {
            const char *names[] = { "min_days", "min_events" };
            double *targets[] = { &cfg->min_days, &cfg->min_events };
            const double hi[] = { 3650, 1e9 };
            rc = load_section_numbers(val, path, section, names, targets, NULL, hi, 2, err);
        } else if (strcmp(section, "broad") == 0) {
            const char *names[] = { "countries" };
            double *targets[] = { &cfg->broad_countries };
            const double hi[] = { 250 };
            rc = load_section_numbers(val, path, section, names, targets, NULL, hi, 1, err);
        } else if (strcmp(section, "verdict") == 0) {
            const char *names[] = { "rotate", "investigate" };
            double *targets[] = { &cfg->rotate_at, &cfg->investigate_at };
            const double hi[] = { 100, 100 };
            rc = load_section_numbers(val, path, section, names, targets, NULL, hi, 2, err);
        } else if (strcmp(section, "risk") == 0) {
            const char *names[] = { "window_hours",     "refused_weight",      "agree_at",
                                    "bonus_two_aspects", "bonus_three_aspects", "critical" };
            double *targets[] = { &cfg->risk_window_hours, &cfg->risk_refused_weight,
                                  &cfg->risk_agree_at,     &cfg->risk_bonus_two,
                                  &cfg->risk_bonus_three,  &cfg->risk_critical };
            const double lo[] = { 0.01, 0, 0, 0, 0, 0 };
            const double hi[] = { 8760, 1, 100, 100, 100, 100 };
            rc = load_section_numbers(val, path, section, names, targets, lo, hi, 6, err);
        } else if (strcmp(section, "move") == 0) {
            const char *names[] = { "overlap_days", "silent_days", "min_days", "volume_factor" };
            double *targets[] = { &cfg->move_overlap_days, &cfg->move_silent_days,
                                  &cfg->move_min_days, &cfg->move_volume };
            const double lo[] = { 0, 0, 1, 1 };
            const double hi[] = { 365, 365, 365, 1000 };
            rc = load_section_numbers(val, path, section, names, targets, lo, hi, 4, err);
        } else if (strcmp(section, "retention") == 0) {
            const char *names[] = { "key_days", "entry_days" };
            double *targets[] = { &cfg->retention_key_days, &cfg->retention_entry_days };
            const double hi[] = { 36500, 36500 };
            rc = load_section_numbers(val, path, section, names, targets, NULL, hi, 2, err);
        } else if (strcmp(section, "detectors") == 0) {
            rc = load_detectors(cfg, val, path, err);
        } else if (strcmp(section, "allow") == 0) {
            rc = load_allow(cfg, val, path, err);
        } else {
            rc = bad(err, path, section,
                     "unknown section (maturity, broad, verdict, risk, move, retention, detectors, "
                     "allow)");
        }
        if (rc != KT_OK) {
            return rc;
        }
    }
    if (cfg->investigate_at > cfg->rotate_at) {
        return bad(err, path, "verdict", "investigate must not be above rotate");
    }
    if (cfg->risk_bonus_two > cfg->risk_bonus_three) {
        return bad(err, path, "risk", "bonus_two_aspects must not be above bonus_three_aspects");
    }
    return KT_OK;
}

enum kt_rc kt_config_load_buffer(struct kt_config *cfg, const char *name, const char *text,
                                 size_t len, struct kt_err *err)
{
    struct cfg_text t = { name, text, len };
    /* A UTF-8 byte-order mark, as some editors write, is not part of the JSON. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        t.text += 3;
        t.len -= 3;
    }
    if (t.len > CFG_MAX_BYTES) {
        return kt_err_at(err, KT_EPARSE, name, 0, "config file over 16 MiB");
    }
    struct json_object *root = NULL;
    enum kt_rc rc = parse_json(&t, &root, err);
    if (rc != KT_OK) {
        return rc;
    }
    struct cfg_walk w;
    walk_text(&t, NULL, &w);
    if (w.oom) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
    } else if (w.dup) {
        /* json-c keeps the last of the two silently; say which one is repeated. */
        for (char *c = w.dup_path; *c != '\0'; c++) {
            *c = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
        }
        rc = kt_err_at(err, KT_EPARSE, name, w.dup_line, "%s: set twice", w.dup_path);
    } else {
        rc = load_root(cfg, root, &t, err);
    }
    json_object_put(root);
    return rc;
}

enum kt_rc kt_config_load(struct kt_config *cfg, const char *path, struct kt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    enum kt_rc rc = KT_OK;
    for (;;) {
        if (cap - len < 4096) {
            if (cap > CFG_MAX_BYTES) {
                rc = kt_err_at(err, KT_EPARSE, path, 0, "config file over 16 MiB");
                goto out;
            }
            cap = cap ? cap * 2 : 8192;
            char *nt = realloc(text, cap);
            if (nt == NULL) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory");
                goto out;
            }
            text = nt;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = kt_err_at(err, KT_EIO, path, 0, "read error: %s", strerror(errno));
                goto out;
            }
            break;
        }
    }
    rc = kt_config_load_buffer(cfg, path, text, len, err);
out:
    free(text);
    fclose(f);
    return rc;
}

bool kt_config_allows_key(const struct kt_config *cfg, const struct kt_keyid *key)
{
    for (size_t i = 0; i < cfg->n_allow_keys; i++) {
        if (kt_keyid_eq(&cfg->allow_keys[i], key)) {
            return true;
        }
    }
    return false;
}

bool kt_config_allows_asn(const struct kt_config *cfg, uint32_t asn)
{
    for (size_t i = 0; asn != 0 && i < cfg->n_allow_asns; i++) {
        if (cfg->allow_asns[i] == asn) {
            return true;
        }
    }
    return false;
}

bool kt_config_allows_country(const struct kt_config *cfg, const char country[3])
{
    for (size_t i = 0; country[0] && i < cfg->n_allow_countries; i++) {
        if (memcmp(cfg->allow_countries[i], country, 2) == 0) {
            return true;
        }
    }
    return false;
}
