/*
 * Fuzz harness for the JSON scanner (src/json_scan.c).
 *
 * For every input: kt_json_skip and kt_json_extract (fixed path set) must agree with each
 * other on status and end offset; every captured view must lie inside the input and decode
 * with kt_json_unescape without growing; kt_json_unescape and kt_json_int must be safe on
 * arbitrary bytes. Then the json-c oracle: json-c 0.16 in strict mode must make the same
 * accept/reject decision (whole input = one value plus trailing whitespace), "continue" must
 * match KT_JSON_INCOMPLETE, and every captured value must equal what a case-insensitive walk of
 * json-c's DOM finds (decoded string bytes, type). The two documented deviations are excluded:
 * json-c's nesting limit (its depth error) and single-quoted member names (re-checked with the
 * quotes replaced). Any disagreement aborts, so libFuzzer and the replay driver both stop on it.
 *
 * tests/test_json_scan.c includes this file and calls json_check() directly on generated and
 * mutated documents, so the unit tests and the fuzzer share one oracle.
 */
#include "json_scan.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_json_paths[] = {
    "a",
    "b",
    "a.b",
    "A.c",
    "a.b.c",
    "x",
    "client_ip",
    "started_at",
    "request",
    "request.method",
    "request.uri",
    "request.headers.authorization",
    "request.headers.user-agent",
    "response.status",
    "userIdentity.accessKeyId",
    "actor",
    "hashed_token",
};
#define FUZZ_JSON_NPATHS (sizeof(fuzz_json_paths) / sizeof(fuzz_json_paths[0]))

/* Counters for the unit tests: how many inputs each comparison covered. */
struct json_check_stats {
    unsigned long inputs, accepted, rejected, incomplete, excluded_depth, excluded_quote;
    unsigned long strings_compared, values_compared, ambiguous;
};

static bool json_check_ws_only(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            return false;
        }
    }
    return true;
}

/* json-c's verdict: 1 accepted (*out gets the DOM), 0 rejected, with *err its error code. */
static int json_check_jsonc(const uint8_t *data, size_t size, struct json_object **out,
                            enum json_tokener_error *err)
{
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        abort();
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *obj = json_tokener_parse_ex(tok, (const char *)data, (int)size);
    *err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int ok =
        *err == json_tokener_success && end <= size && json_check_ws_only(data + end, size - end);
    if (ok && out != NULL) {
        *out = obj;
    } else {
        json_object_put(obj);
    }
    return ok;
}

/* Walks the DOM like a path does: member names compared ASCII-case-insensitively. Returns 1
 * found (*val set, NULL for JSON null), 0 absent, -1 ambiguous (two distinct names match). */
static int json_check_lookup(struct json_object *root, const char *path, struct json_object **val)
{
    struct json_object *cur = root;
    const char *s = path;
    while (*s != '\0') {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (!json_object_is_type(cur, json_type_object)) {
            return 0;
        }
        struct json_object *hit = NULL;
        int hits = 0;
        json_object_object_foreach(cur, key, v)
        {
            if (strlen(key) == len && strncasecmp(key, s, len) == 0) {
                hit = v;
                hits++;
            }
        }
        if (hits == 0) {
            return 0;
        }
        if (hits > 1) {
            return -1;
        }
        cur = hit;
        s += len + (dot != NULL);
    }
    *val = cur;
    return 1;
}

static enum kt_json_type json_check_type(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return KT_JSON_NULL;
    case json_type_boolean: return json_object_get_boolean(v) ? KT_JSON_TRUE : KT_JSON_FALSE;
    case json_type_double:
    case json_type_int: return KT_JSON_NUMBER;
    case json_type_object: return KT_JSON_OBJECT;
    case json_type_array: return KT_JSON_ARRAY;
    case json_type_string: return KT_JSON_STRING;
    }
    return KT_JSON_NONE;
}

/* Compares our captures with json-c's DOM; returns NULL or what differs. */
static const char *json_check_captures(struct json_object *root, const struct kt_json_val *slots,
                                       struct json_check_stats *st)
{
    for (size_t i = 0; i < FUZZ_JSON_NPATHS; i++) {
        struct json_object *v = NULL;
        int r = json_check_lookup(root, fuzz_json_paths[i], &v);
        if (r < 0) {
            st->ambiguous++;
            continue;
        }
        if (r == 0) {
            if (slots[i].type != KT_JSON_NONE) {
                return "captured a path json-c does not have";
            }
            continue;
        }
        st->values_compared++;
        if (slots[i].type != json_check_type(v)) {
            return "captured type differs from json-c";
        }
        if (slots[i].type == KT_JSON_STRING) {
            char *buf = malloc(slots[i].raw.len + 1);
            if (buf == NULL) {
                abort();
            }
            struct kt_str s = kt_json_str(&slots[i], buf);
            bool same = s.len == (size_t)json_object_get_string_len(v) &&
                        (s.len == 0 || memcmp(s.ptr, json_object_get_string(v), s.len) == 0);
            free(buf);
            if (!same) {
                return "decoded string differs from json-c";
            }
            st->strings_compared++;
        } else if (slots[i].type == KT_JSON_OBJECT || slots[i].type == KT_JSON_ARRAY) {
            /* The raw text must be exactly one valid value of that type. */
            size_t used = 0;
            if (kt_json_skip(slots[i].raw.ptr, slots[i].raw.len, &used) != KT_JSON_OK ||
                used != slots[i].raw.len) {
                return "captured container text is not one value";
            }
        }
    }
    return NULL;
}

/* Checks one input; returns NULL when everything agrees, else a description. */
static const char *json_check(const uint8_t *data, size_t size, struct json_check_stats *st)
{
    static struct kt_json_paths *paths;
    struct json_check_stats dummy;
    struct kt_json_val slots[FUZZ_JSON_NPATHS];
    const char *text = (const char *)data;
    const char *why = NULL;

    if (st == NULL) {
        memset(&dummy, 0, sizeof(dummy));
        st = &dummy;
    }
    if (paths == NULL && kt_json_paths_new(&paths, fuzz_json_paths, FUZZ_JSON_NPATHS) != KT_OK) {
        return "kt_json_paths_new failed";
    }
    st->inputs++;

    size_t skip_end = 0, ext_end = 0;
    enum kt_json_status s1 = kt_json_skip(text, size, &skip_end);
    enum kt_json_status s2 = kt_json_extract(paths, text, size, slots, &ext_end);
    if (skip_end > size || ext_end > size) {
        return "consumed past the end";
    }
    size_t lead = 0;
    while (lead < size && json_check_ws_only(data + lead, 1)) {
        lead++;
    }
    bool is_obj = lead < size && data[lead] == '{';
    if (s1 == KT_JSON_OK && !is_obj) {
        if (s2 != KT_JSON_NOT_OBJECT || ext_end != skip_end) {
            return "extract disagrees with skip on a non-object";
        }
    } else if (s1 != s2 || skip_end != ext_end) {
        return "extract disagrees with skip (status or end)";
    }

    /* Captured views stay inside the input; strings decode without growing. */
    if (s2 == KT_JSON_OK) {
        for (size_t i = 0; i < FUZZ_JSON_NPATHS; i++) {
            const struct kt_json_val *v = &slots[i];
            if (v->type == KT_JSON_NONE) {
                continue;
            }
            if (v->raw.len > 0 && (v->raw.ptr < text || v->raw.ptr + v->raw.len > text + size)) {
                return "captured view outside the input";
            }
            if (v->type == KT_JSON_STRING) {
                char *buf = malloc(v->raw.len + 1);
                if (buf == NULL) {
                    abort();
                }
                size_t n = kt_json_unescape(v->raw, buf);
                free(buf);
                if (n > v->raw.len) {
                    return "unescape grew";
                }
            } else if (v->escaped) {
                return "escaped set on a non-string";
            }
            int64_t num;
            if (kt_json_int(v, &num) && v->type != KT_JSON_NUMBER) {
                return "kt_json_int accepted a non-number";
            }
        }
    }
    /* kt_json_unescape and kt_json_int on arbitrary bytes. */
    char *scratch = malloc(size + 1);
    if (scratch == NULL) {
        abort();
    }
    if (kt_json_unescape(kt_str_make(text, size), scratch) > size) {
        why = "unescape of raw input grew";
    }
    free(scratch);
    if (why != NULL) {
        return why;
    }
    struct kt_json_val fake = {KT_JSON_NUMBER, false, kt_str_make(text, size)};
    int64_t ignored;
    (void)kt_json_int(&fake, &ignored);

    /* The json-c oracle. */
    if (size > (size_t)INT32_MAX) {
        return NULL;
    }
    struct json_object *root = NULL;
    enum json_tokener_error jerr;
    int jc = json_check_jsonc(data, size, &root, &jerr);
    bool ours = s1 == KT_JSON_OK && json_check_ws_only(data + skip_end, size - skip_end);
    if (jerr == json_tokener_error_depth) {
        st->excluded_depth++;
        json_object_put(root);
        return NULL;
    }
    if (s1 == KT_JSON_TOO_DEEP) {
        json_object_put(root);
        return "too deep here but not for json-c";
    }
    bool our_cont = s1 == KT_JSON_INCOMPLETE;
    if ((jc != ours || (!jc && (jerr == json_tokener_continue) != our_cont)) &&
        memchr(data, '\'', size) != NULL) {
        /* Deviation 1: json-c accepts single-quoted member names, the scanner does not. With
         * every ' replaced by a byte that is never valid outside strings, json-c must agree. */
        uint8_t *copy = malloc(size);
        if (copy == NULL) {
            abort();
        }
        for (size_t i = 0; i < size; i++) {
            copy[i] = data[i] == '\'' ? '#' : data[i];
        }
        enum json_tokener_error e2;
        int jc2 = json_check_jsonc(copy, size, NULL, &e2);
        free(copy);
        if (jc2 == ours && (jc2 || (e2 == json_tokener_continue) == our_cont)) {
            st->excluded_quote++;
            json_object_put(root);
            return NULL;
        }
    }
    if (jc != ours) {
        json_object_put(root);
        return jc ? "json-c accepts, scanner rejects" : "scanner accepts, json-c rejects";
    }
    if (!jc) {
        st->rejected++;
        if ((jerr == json_tokener_continue) != our_cont) {
            return "json-c continue <-> KT_JSON_INCOMPLETE mismatch";
        }
        st->incomplete += our_cont;
        return NULL;
    }
    st->accepted++;
    if (s2 == KT_JSON_OK) {
        why = json_check_captures(root, slots, st);
    }
    json_object_put(root);
    return why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = json_check(data, size, NULL);
    if (why != NULL) {
        fprintf(stderr, "fuzz_json: %s (input of %zu bytes)\n", why, size);
        abort();
    }
    return 0;
}
