/*
 * The configuration file (config.h), parsed with json-c: this is a slow path read once, and a
 * full parser gives exact errors. Unknown sections, detectors and knobs are errors.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

enum kt_rc kt_config_init(struct kt_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->min_days = 7;
    cfg->min_events = 20;
    cfg->broad_countries = 6;
    cfg->rotate_at = 70;
    cfg->investigate_at = 35;
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

static enum kt_rc bad(struct kt_err *err, const char *path, const char *setting, const char *why)
{
    return kt_err_at(err, KT_EPARSE, path, 0, "%s: %s", setting, why);
}

/* A number setting in [lo, hi]. */
static enum kt_rc get_number(struct json_object *v, const char *path, const char *setting,
                             double lo, double hi, double *out, struct kt_err *err)
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

static enum kt_rc load_section_numbers(struct json_object *sec, const char *path,
                                       const char *section, const char *const *names,
                                       double *const *targets, const double *hi, size_t n,
                                       struct kt_err *err)
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
        enum kt_rc rc = get_number(val, path, setting, 0, hi[i], targets[i], err);
        if (rc != KT_OK) {
            return rc;
        }
    }
    return KT_OK;
}

static enum kt_rc load_detectors(struct kt_config *cfg, struct json_object *sec, const char *path,
                                 struct kt_err *err)
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

static enum kt_rc load_allow(struct kt_config *cfg, struct json_object *sec, const char *path,
                             struct kt_err *err)
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
            char(*g)[2] = realloc(cfg->allow_countries,
                                  (cfg->n_allow_countries + n + 1) * sizeof(*g));
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
            struct kt_str s = kt_str_make(json_object_get_string(v),
                                          (size_t)json_object_get_string_len(v));
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

static uint64_t line_of(const char *text, size_t offset)
{
    uint64_t line = 1;
    for (size_t i = 0; i < offset && text[i]; i++) {
        line += text[i] == '\n';
    }
    return line;
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
            if (cap > (1u << 24)) {
                rc = kt_err_at(err, KT_EPARSE, path, 0, "config file over 16 MiB");
                goto out;
            }
            cap = cap ? cap * 2 : 8192;
            char *nt = realloc(text, cap + 1);
            if (nt == NULL) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory");
                goto out;
            }
            text = nt;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    text[len] = '\0';
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (root == NULL || jerr != json_tokener_success) {
        size_t at = json_tokener_get_parse_end(tok);
        rc = kt_err_at(err, KT_EPARSE, path, line_of(text, at), "invalid JSON: %s",
                       json_tokener_error_desc(jerr == json_tokener_success
                                                   ? json_tokener_error_parse_eof
                                                   : jerr));
        json_object_put(root);
        json_tokener_free(tok);
        goto out;
    }
    json_tokener_free(tok);
    if (!json_object_is_type(root, json_type_object)) {
        rc = bad(err, path, "(top level)", "expected an object");
        json_object_put(root);
        goto out;
    }
    json_object_object_foreach(root, section, val)
    {
        if (strcmp(section, "maturity") == 0) {
            const char *names[] = { "min_days", "min_events" };
            double *targets[] = { &cfg->min_days, &cfg->min_events };
            const double hi[] = { 3650, 1e9 };
            rc = load_section_numbers(val, path, section, names, targets, hi, 2, err);
        } else if (strcmp(section, "broad") == 0) {
            const char *names[] = { "countries" };
            double *targets[] = { &cfg->broad_countries };
            const double hi[] = { 250 };
            rc = load_section_numbers(val, path, section, names, targets, hi, 1, err);
        } else if (strcmp(section, "verdict") == 0) {
            const char *names[] = { "rotate", "investigate" };
            double *targets[] = { &cfg->rotate_at, &cfg->investigate_at };
            const double hi[] = { 100, 100 };
            rc = load_section_numbers(val, path, section, names, targets, hi, 2, err);
        } else if (strcmp(section, "detectors") == 0) {
            rc = load_detectors(cfg, val, path, err);
        } else if (strcmp(section, "allow") == 0) {
            rc = load_allow(cfg, val, path, err);
        } else {
            rc = bad(err, path, section,
                     "unknown section (maturity, broad, verdict, detectors, allow)");
        }
        if (rc != KT_OK) {
            break;
        }
    }
    json_object_put(root);
    if (rc == KT_OK && cfg->investigate_at > cfg->rotate_at) {
        rc = bad(err, path, "verdict", "investigate must not be above rotate");
    }
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
