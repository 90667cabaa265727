/*
 * Fuzz harness for the --config reader (src/config.c): the input is a config file, loaded over
 * the defaults from memory (an exact-size copy, not NUL-terminated, so overreads are caught)
 * and from a temporary file. Besides memory safety (ASan/UBSan) it aborts when an invariant
 * breaks:
 *   - the result is KT_OK or KT_EPARSE naming "name" or "name:line" with a line that exists;
 *   - the message has no control bytes (setting names are the user's text);
 *   - the file and the memory readers agree (result, location, message);
 *   - a config that loads has every number within its documented range, investigate <= rotate,
 *     and allowlists no longer than the input could spell;
 *   - a loaded config with one of its simple members repeated is refused as "set twice".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_lines.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const struct kt_config *cfg, size_t size)
{
    check(cfg->min_days >= 0 && cfg->min_days <= 3650);
    check(cfg->min_events >= 0 && cfg->min_events <= 1e9);
    check(cfg->broad_countries >= 0 && cfg->broad_countries <= 250);
    check(cfg->rotate_at >= 0 && cfg->rotate_at <= 100);
    check(cfg->investigate_at >= 0 && cfg->investigate_at <= cfg->rotate_at);
    for (size_t d = 0; d < KT_CONFIG_MAX_DETECTORS; d++) {
        for (size_t k = 0; k < KT_CONFIG_MAX_KNOBS; k++) {
            check(cfg->knobs[d][k] >= 0 && cfg->knobs[d][k] <= 1e12);
        }
    }
    /* Each entry takes at least a few bytes of text ("1," for an AS number). */
    check(cfg->n_allow_keys + cfg->n_allow_asns + cfg->n_allow_countries <= size);
    for (size_t i = 0; i < cfg->n_allow_asns; i++) {
        check(cfg->allow_asns[i] > 0);
    }
    for (size_t i = 0; i < cfg->n_allow_countries; i++) {
        check(cfg->allow_countries[i][0] >= 'A' && cfg->allow_countries[i][0] <= 'Z');
        check(cfg->allow_countries[i][1] >= 'A' && cfg->allow_countries[i][1] <= 'Z');
    }
}

static enum kt_rc load(const char *text, size_t len, struct kt_err *err)
{
    struct kt_config cfg;
    if (kt_config_init(&cfg) != KT_OK) {
        abort();
    }
    kt_err_clear(err);
    enum kt_rc rc = kt_config_load_buffer(&cfg, "mem", text, len, err);
    if (rc == KT_OK) {
        check_loaded(&cfg, len);
    }
    kt_config_fini(&cfg);
    return rc;
}

/* Marks which bytes of a valid document are inside strings (json-c also takes '...'). */
static void mark_strings(const char *text, size_t len, bool *in)
{
    char q = 0;
    for (size_t i = 0; i < len; i++) {
        if (q != 0) {
            in[i] = true;
            if (text[i] == '\\') {
                if (i + 1 < len) {
                    in[++i] = true;
                }
            } else if (text[i] == q) {
                q = 0;
            }
        } else if (text[i] == '"' || text[i] == '\'') {
            q = text[i];
            in[i] = true;
        }
    }
}

/*
 * The first object whose first member is simple ("name": a number, true, false or null, no
 * escapes) gets that member repeated before its closing brace: a config that loaded must then
 * be refused (a setting given twice).
 */
static void check_repeat(const char *text, size_t len)
{
    bool *in = calloc(len + 1, sizeof(bool));
    if (in == NULL) {
        return;
    }
    mark_strings(text, len, in);
    for (size_t o = 0; o < len; o++) {
        if (in[o] || text[o] != '{') {
            continue;
        }
        size_t m = o + 1;
        while (m < len && !in[m] && (text[m] == ' ' || text[m] == '\n' || text[m] == '\t' ||
                                     text[m] == '\r')) {
            m++;
        }
        if (m >= len || text[m] != '"') {
            continue;
        }
        size_t e = m, quotes = 0;
        bool simple = true;
        while (e < len && (in[e] || (text[e] != ',' && text[e] != '}'))) {
            simple &= text[e] != '\\' && (in[e] || (text[e] != '{' && text[e] != '['));
            quotes += text[e] == '"';
            e++;
        }
        if (!simple || quotes != 2 || e >= len) {
            continue;
        }
        /* The matching closing brace. */
        size_t c = o;
        int depth = 0;
        for (; c < len; c++) {
            if (in[c]) {
                continue;
            }
            depth += (text[c] == '{' || text[c] == '[') - (text[c] == '}' || text[c] == ']');
            if (depth == 0) {
                break;
            }
        }
        if (c >= len) {
            break;
        }
        size_t mlen = e - m;
        char *twice = malloc(len + mlen + 1);
        if (twice == NULL) {
            break;
        }
        memcpy(twice, text, c);
        size_t n = c;
        twice[n++] = ',';
        memcpy(twice + n, text + m, mlen);
        n += mlen;
        memcpy(twice + n, text + c, len - c);
        n += len - c;
        struct kt_err err;
        if (load(twice, n, &err) != KT_EPARSE || strstr(err.msg, "set twice") == NULL) {
            abort(); /* a repeated member was accepted, or refused for another reason */
        }
        free(twice);
        break;
    }
    free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) {
        return 0;
    }
    char *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(copy, data, size);
    }
    uint64_t lines = fz_newlines(data, size) + 1;
    struct kt_err em;
    enum kt_rc rm = load(copy, size, &em);
    uint64_t line_m = 0;
    if (rm != KT_OK) {
        check(rm == KT_EPARSE);
        line_m = fz_where_line(&em, "mem", lines, false);
        for (const char *p = em.msg; *p != '\0'; p++) {
            check((unsigned char)*p >= 0x20 && *p != 0x7f);
        }
    } else {
        check_repeat(copy, size);
    }
    free(copy);

    const char *tmp_path = fz_write_tmp("config", data, size);
    if (tmp_path != NULL) {
        struct kt_config cfg;
        if (kt_config_init(&cfg) != KT_OK) {
            abort();
        }
        struct kt_err ef;
        kt_err_clear(&ef);
        enum kt_rc rf = kt_config_load(&cfg, tmp_path, &ef);
        check(rf == rm);
        if (rf != KT_OK) {
            check(strcmp(ef.msg, em.msg) == 0);
            check(fz_where_line(&ef, tmp_path, lines, false) == line_m);
        }
        kt_config_fini(&cfg);
    }
    return 0;
}
