/*
 * The hunt report as JSON: the model itself, pretty-printed with two-space indents (arrays of
 * plain numbers stay on one line, so hourly series read as rows).
 *
 * Written by walking the json-c tree rather than with json-c's own printer because the model
 * holds text from the logs: here every string comes out as valid JSON and valid UTF-8
 * (C0, DEL and C1 control characters as \u00XX, invalid UTF-8 as \ufffd), whatever bytes
 * it held. Nesting
 * deeper than WALK_DEPTH (never in a model the hunt builds) is written as null.
 */
#include <inttypes.h>

#include "alerts.h"
#include "hunt_formats.h"
#include "utf8.h"

#define WALK_DEPTH 64

static void json_string(FILE *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;
    fputc('"', out);
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            p++;
        }
        fwrite(run, 1, (size_t)(p - run), out);
        if (p == end) {
            break;
        }
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc((int)c, out);
            p++;
        } else if (c == '\n') {
            fputs("\\n", out);
            p++;
        } else if (c == '\t') {
            fputs("\\t", out);
            p++;
        } else if (c == '\r') {
            fputs("\\r", out);
            p++;
        } else if (c < 0x80) {
            fprintf(out, "\\u%04x", c); /* other C0 controls and DEL */
            p++;
        } else {
            size_t len = kt_utf8_seq(p, (size_t)(end - p));
            if (len == 0) {
                fputs("\\ufffd", out);
                p++;
            } else if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
                fprintf(out, "\\u%04x", p[1]); /* C1 controls */
                p += 2;
            } else {
                fwrite(p, 1, len, out);
                p += len;
            }
        }
    }
    fputc('"', out);
}

static void indent(FILE *out, unsigned depth)
{
    fputc('\n', out);
    for (unsigned i = 0; i < depth; i++) {
        fputs("  ", out);
    }
}

static bool is_flat(struct json_object *arr)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_type t = json_object_get_type(json_object_array_get_idx(arr, i));
        if (t != json_type_int && t != json_type_double && t != json_type_boolean &&
            t != json_type_null) {
            return false;
        }
    }
    return true;
}

static void json_value(FILE *out, struct json_object *v, unsigned depth)
{
    char num[KT_REP_NUMLEN];
    if (depth > WALK_DEPTH) {
        fputs("null", out);
        return;
    }
    switch (v != NULL ? json_object_get_type(v) : json_type_null) {
    case json_type_null: fputs("null", out); break;
    case json_type_boolean: fputs(json_object_get_boolean(v) ? "true" : "false", out); break;
    case json_type_int: {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MAX) {
            fprintf(out, "%" PRIu64, json_object_get_uint64(v));
        } else {
            fprintf(out, "%" PRId64, i);
        }
        break;
    }
    case json_type_double:
        kt_rep_number(json_object_get_double(v), num);
        fputs(num, out);
        break;
    case json_type_string:
        json_string(out, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        break;
    case json_type_array: {
        size_t n = json_object_array_length(v);
        bool flat = is_flat(v);
        fputc('[', out);
        for (size_t i = 0; i < n; i++) {
            if (i > 0) {
                fputs(flat ? ", " : ",", out);
            }
            if (!flat) {
                indent(out, depth + 1);
            }
            json_value(out, json_object_array_get_idx(v, i), depth + 1);
        }
        if (n > 0 && !flat) {
            indent(out, depth);
        }
        fputc(']', out);
        break;
    }
    case json_type_object: {
        bool first = true;
        fputc('{', out);
        json_object_object_foreach(v, name, member)
        {
            fputs(first ? "" : ",", out);
            indent(out, depth + 1);
            json_string(out, name, strlen(name));
            fputs(": ", out);
            json_value(out, member, depth + 1);
            first = false;
        }
        if (!first) {
            indent(out, depth);
        }
        fputc('}', out);
        break;
    }
    }
}

void kt_hunt_write_json(struct json_object *doc, FILE *out)
{
    json_value(out, doc, 0);
    fputc('\n', out);
}
