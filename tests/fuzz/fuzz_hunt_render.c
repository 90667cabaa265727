/*
 * Fuzz harness for the hunt report renderers (reports/hunt_*.c): the input is a report model
 * (JSON; anything json-c parses, objects or not), rendered in all three formats into memory.
 * Besides memory safety (ASan/UBSan) it aborts when an invariant breaks:
 *   - every format renders (KT_OK) and its output is valid UTF-8 without a NUL;
 *   - the JSON output parses back, to an equal document when every string of the model was
 *     valid UTF-8 without control characters other than those JSON escapes itself;
 *   - no tag of the HTML output is an element, or has an attribute or URL, the renderer never
 *     writes (script, img, link, src=, href=, on...=, http:), and its sections, tables and
 *     SVGs are balanced;
 *   - the HTML stays within a fixed factor of the input (strings are capped, tables cut).
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reports/hunt_render.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

/*
 * Text is escaped, so every '<' in the HTML opens a tag the renderer wrote: within each tag
 * there must be no loading or scripting element, no src, href or on... attribute and no URL
 * (the only attribute values are fixed words and validated key ids).
 */
static void check_tags(const char *html)
{
    static const char *const names[] = {"<script", "<img", "<link", "<iframe", "<object",
                                        "<embed",  "<a ",  "<base", "<form"};
    static const char *const attrs[] = {"src=", "href=", "http:", "https:", "action="};
    char tag[4096];
    for (const char *p = strchr(html, '<'); p != NULL; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        check(end != NULL);
        size_t n = (size_t)(end - p + 1);
        check(n < sizeof(tag));
        memcpy(tag, p, n);
        tag[n] = '\0';
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            check(strncmp(tag, names[i], strlen(names[i])) != 0);
        }
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
            check(strstr(tag, attrs[i]) == NULL);
        }
        for (const char *q = strstr(tag, " on"); q != NULL; q = strstr(q + 1, " on")) {
            const char *r = q + 3;
            while (*r >= 'a' && *r <= 'z') {
                r++;
            }
            check(*r != '=');
        }
    }
}

static char *render(struct json_object *doc, enum kt_hunt_format fmt, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    check(f != NULL);
    struct kt_err err;
    kt_err_clear(&err);
    check(kt_hunt_render(doc, fmt, f, &err) == KT_OK);
    check(fclose(f) == 0);
    check(buf != NULL);
    check(kt_utf8_valid(buf, *len));
    check(strlen(buf) == *len);
    return buf;
}

/* Whether every string in v is valid UTF-8 with no NUL (so JSON's round trip is exact). */
static bool clean_strings(struct json_object *v, int depth)
{
    if (depth > 64) {
        return false;
    }
    switch (json_object_get_type(v)) {
    case json_type_string: {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        return kt_utf8_valid(s, n) && strlen(s) == n;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            if (!clean_strings(json_object_array_get_idx(v, i), depth + 1)) {
                return false;
            }
        }
        return true;
    case json_type_object: {
        json_object_object_foreach(v, name, member)
        {
            if (!kt_utf8_valid(name, strlen(name)) || !clean_strings(member, depth + 1)) {
                return false;
            }
        }
        return true;
    }
    case json_type_double: return false; /* a double may print as a shorter equal value */
    default: return true;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_tokener *tok = json_tokener_new();
    check(tok != NULL);
    struct json_object *doc =
        json_tokener_parse_ex(tok, (const char *)data, (int)KT_MIN(size, (size_t)INT32_MAX));
    json_tokener_free(tok);
    if (doc == NULL) {
        return 0;
    }
    size_t len;
    char *json = render(doc, KT_HUNT_FMT_JSON, &len);
    struct json_object *back = json_tokener_parse(json);
    check(back != NULL || json_object_get_type(doc) == json_type_double);
    if (back != NULL && clean_strings(doc, 0)) {
        check(json_object_equal(doc, back));
    }
    json_object_put(back);
    free(json);

    free(render(doc, KT_HUNT_FMT_MARKDOWN, &len));

    char *html = render(doc, KT_HUNT_FMT_HTML, &len);
    check_tags(html);
    check(count(html, "<section") == count(html, "</section>"));
    check(count(html, "<table") == count(html, "</table>"));
    check(count(html, "<svg") == count(html, "</svg>"));
    check(len <= 200 * size + 200000);
    free(html);
    json_object_put(doc);
    return 0;
}
