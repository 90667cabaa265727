/* Accessors over the hunt report model; see hunt_model.h. */
#include "hunt_model.h"

#include <inttypes.h>
#include <string.h>

#include "alerts.h"
#include "timefmt.h"

struct json_object *kt_hm_get(struct json_object *o, const char *name)
{
    struct json_object *v = NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        return NULL;
    }
    if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null)) {
        return NULL;
    }
    return v;
}

const char *kt_hm_str(struct json_object *o, const char *name)
{
    struct json_object *v = kt_hm_get(o, name);
    return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool kt_hm_int(struct json_object *o, const char *name, int64_t *v)
{
    struct json_object *j = kt_hm_get(o, name);
    if (j == NULL ||
        !(json_object_is_type(j, json_type_int) || json_object_is_type(j, json_type_double))) {
        return false;
    }
    *v = json_object_get_int64(j);
    return true;
}

struct json_object *kt_hm_arr(struct json_object *o, const char *name)
{
    struct json_object *v = kt_hm_get(o, name);
    return v != NULL && json_object_is_type(v, json_type_array) ? v : NULL;
}

size_t kt_hm_len(struct json_object *arr)
{
    return arr != NULL && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr)
                                                                    : 0;
}

struct json_object *kt_hm_at(struct json_object *arr, size_t i)
{
    return i < kt_hm_len(arr) ? json_object_array_get_idx(arr, i) : NULL;
}

/* Writes s[0, n) escaped, cut at KT_HM_TEXT_MAX on a character boundary. */
static void put_capped(FILE *out, kt_esc_fn esc, const char *s, size_t n)
{
    if (n <= KT_HM_TEXT_MAX) {
        esc(out, kt_str_make(s, n));
        return;
    }
    size_t cut = KT_HM_TEXT_MAX;
    /* Back off continuation bytes so no character is split (at most three). */
    while (cut > KT_HM_TEXT_MAX - 3 && ((unsigned char)s[cut] & 0xc0) == 0x80) {
        cut--;
    }
    esc(out, kt_str_make(s, cut));
    fprintf(out, "\xe2\x80\xa6 (%zu bytes)", n);
}

void kt_hm_put_cstr(FILE *out, kt_esc_fn esc, const char *s)
{
    if (s != NULL) {
        put_capped(out, esc, s, strlen(s));
    }
}

bool kt_hm_put(FILE *out, kt_esc_fn esc, struct json_object *v, const char *none)
{
    char num[KT_REP_NUMLEN];
    switch (v != NULL ? json_object_get_type(v) : json_type_null) {
    case json_type_string: {
        size_t n = (size_t)json_object_get_string_len(v);
        if (n == 0) {
            break;
        }
        put_capped(out, esc, json_object_get_string(v), n);
        return true;
    }
    case json_type_int: fprintf(out, "%" PRId64, json_object_get_int64(v)); return true;
    case json_type_double:
        kt_rep_number(json_object_get_double(v), num);
        fputs(num, out);
        return true;
    case json_type_boolean: fputs(json_object_get_boolean(v) ? "yes" : "no", out); return true;
    default: break;
    }
    fputs(none, out);
    return false;
}

bool kt_hm_put_m(FILE *out, kt_esc_fn esc, struct json_object *o, const char *name,
                 const char *none)
{
    return kt_hm_put(out, esc, kt_hm_get(o, name), none);
}

void kt_hm_put_list(FILE *out, kt_esc_fn esc, struct json_object *arr, const char *none)
{
    size_t n = kt_hm_len(arr), shown = 0;
    for (size_t i = 0; i < n && shown < KT_HM_LIST_MAX; i++) {
        struct json_object *it = kt_hm_at(arr, i);
        struct json_object *name =
            json_object_is_type(it, json_type_object) ? kt_hm_get(it, "name") : it;
        if (name == NULL || json_object_is_type(name, json_type_object) ||
            json_object_is_type(name, json_type_array)) {
            continue;
        }
        if (shown++ > 0) {
            fputs(", ", out);
        }
        kt_hm_put(out, esc, name, "-");
        int64_t count;
        if (kt_hm_int(it, "count", &count)) {
            fprintf(out, " (%" PRId64 ")", count);
        }
    }
    if (shown == 0) {
        fputs(none, out);
    } else if (n > shown) {
        fprintf(out, ", and %zu more", n - shown);
    }
}

bool kt_hm_time(struct json_object *o, const char *name, int64_t *ms)
{
    const char *s = kt_hm_str(o, name);
    return s != NULL && kt_time_parse_iso(kt_str_cstr(s), ms);
}

const char *kt_hm_verdict_class(const char *verdict)
{
    if (verdict == NULL) {
        return "unknown";
    }
    if (strcmp(verdict, "yes") == 0) {
        return "yes";
    }
    if (strcmp(verdict, "likely") == 0) {
        return "likely";
    }
    if (strcmp(verdict, "no evidence") == 0) {
        return "none";
    }
    return "unknown";
}

bool kt_hm_keyid_ok(const char *s)
{
    if (s == NULL || strlen(s) != 28 || strncmp(s, "kt1-", 4) != 0) {
        return false;
    }
    for (const char *p = s + 4; *p != '\0'; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
            return false;
        }
    }
    return true;
}

static uint64_t count_at(struct json_object *arr, size_t i)
{
    struct json_object *v = kt_hm_at(arr, i);
    if (v == NULL ||
        !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))) {
        return 0;
    }
    int64_t c = json_object_get_int64(v);
    return c > 0 ? (uint64_t)c : 0;
}

bool kt_hm_series_read(struct json_object *timeline, struct kt_hm_series *s)
{
    struct json_object *before = kt_hm_arr(timeline, "before");
    struct json_object *after = kt_hm_arr(timeline, "after");
    struct json_object *sus = kt_hm_arr(timeline, "suspicious");
    const char *unit = kt_hm_str(timeline, "bucket");

    memset(s, 0, sizeof(*s));
    s->unit = "hour";
    s->bucket_ms = 3600 * 1000;
    if (unit != NULL && strcmp(unit, "day") == 0) {
        s->unit = "day";
        s->bucket_ms = 86400 * 1000;
    } else if (unit != NULL && strcmp(unit, "minute") == 0) {
        s->unit = "minute";
        s->bucket_ms = 60 * 1000;
    }
    size_t n = KT_MAX(kt_hm_len(before), kt_hm_len(after));
    if (!kt_hm_time(timeline, "start", &s->start_ms) || n == 0) {
        return false;
    }
    s->cut = n > KT_HM_BUCKETS_MAX;
    s->n = KT_MIN(n, (size_t)KT_HM_BUCKETS_MAX);
    for (size_t i = 0; i < s->n; i++) {
        s->before[i] = count_at(before, i);
        s->after[i] = count_at(after, i);
        s->suspicious[i] = KT_MIN(count_at(sus, i), s->after[i]);
        /* Counts come from the model: keep the sums from wrapping. */
        s->before[i] = KT_MIN(s->before[i], UINT64_MAX / 4);
        s->after[i] = KT_MIN(s->after[i], UINT64_MAX / 4);
        s->peak = KT_MAX(s->peak, s->before[i] + s->after[i]);
        s->total = KT_MIN(s->total + s->before[i] + s->after[i], UINT64_MAX / 2);
    }
    return true;
}

const char *kt_hm_mark_class(const char *what)
{
    if (what == NULL) {
        return "other";
    }
    if (strcmp(what, "leak") == 0) {
        return "leak";
    }
    if (strcmp(what, "first suspicious use") == 0) {
        return "sus";
    }
    if (strcmp(what, "rotation") == 0) {
        return "rot";
    }
    return "other";
}

char kt_hm_mark_letter(const char *what)
{
    const char *c = kt_hm_mark_class(what);
    return strcmp(c, "leak") == 0  ? 'L'
           : strcmp(c, "sus") == 0 ? 'S'
           : strcmp(c, "rot") == 0 ? 'R'
                                   : '*';
}
