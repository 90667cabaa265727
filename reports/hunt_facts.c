/*
 * The facts of a key's verdict box (hunt_formats.h kt_hunt_facts), written once for both the
 * HTML and the Markdown report: the other party's addresses, networks, countries and agents,
 * the first malicious use, the leak, how the key was found and its uses. The two formats
 * differ only in the markup around each fact and in their escaping (struct kt_hunt_markup).
 */
#include <inttypes.h>

#include "hunt_formats.h"
#include "hunt_model.h"

static void put(FILE *out, const struct kt_hunt_markup *m, struct json_object *o,
                const char *name, const char *none)
{
    kt_hm_put_m(out, m->esc, o, name, none);
}

static void open_fact(FILE *out, const struct kt_hunt_markup *m, const char *name)
{
    fprintf(out, "%s%s%s", m->fact_open, name, m->fact_mid);
}

void kt_hunt_fact_list(FILE *out, const struct kt_hunt_markup *m, const char *name,
                       struct json_object *arr)
{
    open_fact(out, m, name);
    kt_hm_put_list(out, m->esc, arr, "none");
    fputs(m->fact_close, out);
}

static void none(FILE *out, const struct kt_hunt_markup *m, const char *word)
{
    fprintf(out, "%s%s%s", m->none_open, word, m->none_close);
}

void kt_hunt_facts(FILE *out, const struct kt_hunt_markup *m, struct json_object *k)
{
    struct json_object *op = kt_hm_get(k, "other_party");
    struct json_object *fs = kt_hm_get(k, "first_suspicious");
    struct json_object *leak = kt_hm_get(k, "leak");
    struct json_object *found = kt_hm_get(k, "found");
    struct json_object *uses = kt_hm_get(k, "uses");

    kt_hunt_fact_list(out, m, "Other party's addresses", kt_hm_arr(op, "ips"));
    kt_hunt_fact_list(out, m, "Their networks", kt_hm_arr(op, "networks"));
    kt_hunt_fact_list(out, m, "Their countries", kt_hm_arr(op, "countries"));
    kt_hunt_fact_list(out, m, "Their agents", kt_hm_arr(op, "agents"));

    open_fact(out, m, "First malicious use");
    if (fs == NULL) {
        none(out, m, "none");
    } else {
        put(out, m, fs, "time", "-");
        fputs(" from ", out);
        put(out, m, fs, "ip", "-");
        fprintf(out, ": %s", m->code_open);
        put(out, m, fs, "operation", "-");
        fprintf(out, "%s (", m->code_close);
        put(out, m, fs, "detector", "-");
        fputs(") ", out);
        put(out, m, fs, "reason", "");
    }
    fputs(m->fact_close, out);

    open_fact(out, m, "Leak");
    if (leak == NULL) {
        none(out, m, "unknown");
    } else {
        put(out, m, leak, "time", "unknown");
        fputs(" (", out);
        put(out, m, leak, "source", "-");
        fputs(", confidence ", out);
        put(out, m, leak, "confidence", "-");
        fputs(")", out);
        if (kt_hm_get(leak, "note") != NULL) {
            fputs(": ", out);
            put(out, m, leak, "note", "");
        }
    }
    fputs(m->fact_close, out);

    open_fact(out, m, "Found");
    put(out, m, found, "how", "-");
    if (kt_hm_get(found, "from") != NULL) {
        fprintf(out, " from %s", m->code_open);
        put(out, m, found, "from", "-");
        fprintf(out, "%s by ", m->code_close);
        put(out, m, found, "operation", "-");
        fputs(" at ", out);
        put(out, m, found, "time", "-");
    }
    fputs(m->fact_close, out);

    open_fact(out, m, "Uses");
    int64_t v;
    if (kt_hm_int(uses, "total", &v)) {
        fprintf(out, "%" PRId64 " (", v);
        put(out, m, uses, "before", "-");
        fputs(" before the leak, ", out);
        put(out, m, uses, "after", "-");
        fputs(" after; ", out);
        put(out, m, uses, "failed", "-");
        fputs(" failed)", out);
    } else {
        fputs("-", out);
    }
    fputs(m->fact_close, out);
}

void kt_hm_put_counts(FILE *out, struct json_object *inputs)
{
    static const char *const counts[] = { "files", "records", "events", "malformed" };
    for (size_t i = 0; i < KT_ARRAY_LEN(counts); i++) {
        int64_t v;
        fprintf(out, "%s%s ", i > 0 ? ", " : "", counts[i]);
        if (kt_hm_int(inputs, counts[i], &v)) {
            fprintf(out, "%" PRId64, v);
        } else {
            fputs("-", out);
        }
    }
}
