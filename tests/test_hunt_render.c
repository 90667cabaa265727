/*
 * The incident report renderers of `keytrail hunt` (reports/hunt_*.c) and the rotation
 * guidance per family.
 *
 * Each format renders tests/fixtures/hunt_report.json into memory and is checked for what a
 * responder needs (verdict box, addresses, operations in order, chain, plan, guidance, SVG
 * timeline); a hostile model (markup, control bytes, invalid UTF-8, a 100 000-byte string)
 * must come out inert and bounded; models with members missing or of the wrong type must
 * render without crashing.
 *
 * Run as `test_hunt_render --render OUT [MODEL]` it writes the report of MODEL (the fixture
 * by default; "hostile" for the hostile model) in the format of OUT's extension, for the
 * browser check tests/e2e/hunt_browser.sh.
 */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../reports/hunt_render.h"
#include "out.h"
#include "utf8.h"

struct rendered {
    char *buf;
    size_t len;
};

static struct json_object *load_fixture(void)
{
    struct json_object *doc =
        json_object_from_file(kt_test_path("tests/fixtures/hunt_report.json"));
    assert_non_null(doc);
    return doc;
}

static struct rendered render(struct json_object *doc, enum kt_hunt_format fmt)
{
    struct rendered r = {NULL, 0};
    FILE *f = open_memstream(&r.buf, &r.len);
    assert_non_null(f);
    struct kt_err err;
    kt_err_clear(&err);
    assert_int_equal(kt_hunt_render(doc, fmt, f, &err), KT_OK);
    assert_int_equal(fclose(f), 0);
    assert_non_null(r.buf);
    return r;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

/* Fails unless every needle occurs in hay after the one before it, from `from`. */
static void assert_in_order(const char *hay, const char *from, const char *const *needles, size_t n)
{
    const char *p = strstr(hay, from);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        const char *q = strstr(p, needles[i]);
        if (q == NULL) {
            fail_msg("'%s' missing after '%s' (or out of order)", needles[i],
                     i > 0 ? needles[i - 1] : from);
        }
        p = q + strlen(needles[i]);
    }
}

static void assert_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL) {
        fail_msg("output lacks: %s", needle);
    }
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle) != NULL) {
        fail_msg("output holds: %s", needle);
    }
}

/* ---- format by path -------------------------------------------------------------------- */

static void test_format_for_path(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        bool ok;
        enum kt_hunt_format fmt;
    } cases[] = {
        {"r.json", true, KT_HUNT_FMT_JSON},
        {"/tmp/R.JSON", true, KT_HUNT_FMT_JSON},
        {"a.md", true, KT_HUNT_FMT_MARKDOWN},
        {"a.Markdown", true, KT_HUNT_FMT_MARKDOWN},
        {"x/y.html", true, KT_HUNT_FMT_HTML},
        {"y.HTM", true, KT_HUNT_FMT_HTML},
        {"a.txt", false, 0},
        {"noext", false, 0},
        {"dir.md/report", false, 0},
        {"report.html.gz", false, 0},
        {"", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum kt_hunt_format got = (enum kt_hunt_format)99;
        bool ok = kt_hunt_format_for_path(cases[i].path, &got);
        if (ok != cases[i].ok || (ok && got != cases[i].fmt)) {
            fail_msg("%s: got %d/%d", cases[i].path, ok, (int)got);
        }
    }
    enum kt_hunt_format got;
    assert_false(kt_hunt_format_for_path(NULL, &got));
}

/* ---- the fixture in each format --------------------------------------------------------- */

static void test_json_fixture(void **state)
{
    (void)state;
    struct json_object *doc = load_fixture();
    struct rendered r = render(doc, KT_HUNT_FMT_JSON);
    assert_true(kt_utf8_valid(r.buf, r.len));
    /* The model itself: it parses back to an equal document. */
    struct json_object *back = json_tokener_parse(r.buf);
    assert_non_null(back);
    assert_true(json_object_equal(doc, back));
    /* Pretty: indented, one member per line, hourly series on one line. */
    assert_has(r.buf, "\n  \"keys\": [\n    {\n      \"key\": \"kt1-e67af113cf3af606a429d356\",");
    assert_has(r.buf, "\"before\": [0, 0, 0,");
    struct rendered again = render(doc, KT_HUNT_FMT_JSON);
    assert_int_equal(again.len, r.len);
    assert_memory_equal(again.buf, r.buf, r.len);
    free(again.buf);
    free(r.buf);
    json_object_put(back);
    json_object_put(doc);
}

static const char *const ops_in_order[] = {
    "sts:GetCallerIdentity",       "iam:ListUsers",     "AccessDenied",
    "iam:PutUserPolicy",           "s3-reports-compat", "iam:CreateAccessKey",
    "kt1-6f44f7a2096b707a27bf72a7"};

static void test_markdown_fixture(void **state)
{
    (void)state;
    struct json_object *doc = load_fixture();
    struct rendered r = render(doc, KT_HUNT_FMT_MARKDOWN);
    const char *md = r.buf;
    assert_true(kt_utf8_valid(md, r.len));
    assert_has(md, "# keytrail hunt report\n");
    assert_has(md, "- **Rotated at:** 2026-11-04T09:00:00Z\n");
    assert_has(md, "- **Leaked at:** not given (found from the logs)\n");
    /* The verdict box first in the key's section, with the other party and next steps. */
    static const char *const box[] = {
        "> **Used by someone else: yes** · risk 100/100 · scan verdict rotate",
        "> - **Other party's addresses:** 203.0.113.220\n",
        "> - **Their networks:** AS64511 Example VPS Hosting SRL\n",
        "> - **First malicious use:** 2026-11-04T01:37:12Z from 203.0.113.220: "
        "sts:GetCallerIdentity (recon\\_burst)",
        "> **Next steps**",
        "> 1. Deactivate access key AKIARTX3GSDSQOUP4RD6 and the key it created",
        "### Timeline",
    };
    assert_in_order(md, "## 1. AKIARTX3GSDSQOUP4RD6 — yes", box, sizeof(box) / sizeof(box[0]));
    assert_in_order(md, "### Operations in order", ops_in_order,
                    sizeof(ops_in_order) / sizeof(ops_in_order[0]));
    /* Sources with geolocation and ASN. */
    assert_has(md, "| **203.0.113.220** | RO, Bucharest | AS64511 | Example VPS Hosting SRL | yes"
                   " | 23 | 6 |");
    /* The chain, with hints and ids. */
    assert_has(md, "| AKIARTX3GSDSQOUP4RD6 (kt1-e67af113cf3af606a429d356) | iam:CreateAccessKey |"
                   " AKIARTX3GSDSWGV5VKLP (kt1-6f44f7a2096b707a27bf72a7) |");
    /* The timeline chart: the burst after the leak, L at the leak hour, R at the rotation. */
    assert_has(md, "```text\nbefore ");
    assert_has(md, "marks  ............L.......R...\n");
    assert_has(md, "- S first suspicious use: 2026-11-04T01:37:12Z\n");
    /* Third key: change points, consumers, uses after rotation. */
    static const char *const plan[] = {
        "## 3. ghp\\_…Xy7Q — likely",
        "| 2026-11-02T14:20:00Z | medium | 7.5 | new network, new client, hosting |",
        "**Consumers: update each before the old key is deactivated**",
        "| AS36459 GitHub, Inc. | US | 140.82.112.4 | git/2.43.0 | git-upload-pack (102) | "
        "acme/api (90), acme/infra (12) |",
        "**The other party's clients**",
        "| **AS14061 DigitalOcean, LLC** |",
        "**Unsure: new after the leak, nothing sets them apart**",
        "AS8075 Microsoft Corporation",
        "**Uses after the rotation**",
        "| 2026-11-03T09:12:00Z | 140.82.112.4 | AS36459 GitHub, Inc. | git/2.43.0 | "
        "git-upload-pack | 401 | consumer |",
        "| **2026-11-03T11:40:00Z** |",
        "Bad credentials (401) | other party |",
        "The hunt listed only the first 4 of 156 uses.",
        "### Rotation guidance",
        "**Where:** github.com: Settings",
    };
    assert_in_order(md, "## 3.", plan, sizeof(plan) / sizeof(plan[0]));
    /* Missing members: the second key has no first suspicious use and no sources. */
    static const char *const second[] = {"> - **First malicious use:** none\n",
                                         "> - **Found:** created from "
                                         "kt1-e67af113cf3af606a429d356 by iam:CreateAccessKey",
                                         "No timeline in the model.", "No sources listed."};
    assert_in_order(md, "## 2.", second, sizeof(second) / sizeof(second[0]));
    free(r.buf);
    json_object_put(doc);
}

static void test_html_fixture(void **state)
{
    (void)state;
    struct json_object *doc = load_fixture();
    struct rendered r = render(doc, KT_HUNT_FMT_HTML);
    const char *h = r.buf;
    assert_true(kt_utf8_valid(h, r.len));
    assert_has(h, "<title>keytrail hunt report</title>");
    assert_has(h, "default-src 'none'");
    static const char *const box[] = {
        "<section class=\"key v-yes\" id=\"k-kt1-e67af113cf3af606a429d356\">",
        "<div class=\"verdict v-yes\">",
        "Used by someone else: <span class=\"badge v-yes\">yes</span>",
        "<dt>Other party's addresses</dt><dd>203.0.113.220</dd>",
        "<dt>Their networks</dt><dd>AS64511 Example VPS Hosting SRL</dd>",
        "<dt>First malicious use</dt><dd>2026-11-04T01:37:12Z from 203.0.113.220",
        "<h3>Next steps</h3>\n<ol><li>Deactivate access key AKIARTX3GSDSQOUP4RD6",
        "</div>\n<h3>Timeline</h3>\n<figure class=\"timeline\"><svg class=\"tl\"",
        "<g class=\"mk mk-leak\">",
        "<g class=\"mk mk-sus\">",
        "<g class=\"mk mk-rot\">",
        "</svg>",
        "<table class=\"sources\">",
        "<tr class=\"op\"><td class=\"t\">203.0.113.220</td><td class=\"w\">RO, Bucharest</td>"
        "<td class=\"t\">AS64511</td>",
    };
    assert_in_order(h, "<main>", box, sizeof(box) / sizeof(box[0]));
    assert_in_order(h, "<table class=\"ops\">", ops_in_order,
                    sizeof(ops_in_order) / sizeof(ops_in_order[0]));
    assert_has(h, "<section id=\"chain\">\n<h2>Credential chain</h2>\n<table class=\"chain\">");
    assert_has(h, "<td class=\"w\">AKIARTX3GSDSQOUP4RD6 (kt1-e67af113cf3af606a429d356)</td>"
                  "<td class=\"w\">iam:CreateAccessKey</td>");
    assert_has(h, "<section class=\"key v-likely\" id=\"k-kt1-3c1d0a9b8e7f6a5b4c3d2e1f\">");
    assert_has(h, "<table class=\"clients\">");
    assert_has(h, "<table class=\"late\">");
    assert_has(h, "<table class=\"changepoints\">");
    assert_has(h, "<h3>Rotation guidance</h3>");
    /* Two keys have a timeline; the second's is empty. */
    assert_int_equal(count(h, "<svg class=\"tl\""), 2);
    assert_int_equal(count(h, "No timeline in the model."), 1);
    /* Balanced where it matters, and nothing that loads or runs. */
    assert_int_equal(count(h, "<section"), count(h, "</section>"));
    assert_int_equal(count(h, "<table"), count(h, "</table>"));
    assert_int_equal(count(h, "<tr"), count(h, "</tr>"));
    assert_int_equal(count(h, "<svg"), count(h, "</svg>"));
    assert_int_equal(count(h, "<section class=\"key "), 3);
    static const char *const banned[] = {
        "<script", "href=", "src=", "http:", "https:", "url(", "@import", "<img", "<link"};
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
        assert_lacks(h, banned[i]);
    }
    free(r.buf);
    json_object_put(doc);
}

/* ---- hostile model ----------------------------------------------------------------------- */

#define LONG_LEN 100000

static void set_str(struct json_object *o, const char *name, const char *s, size_t n)
{
    json_object_object_add(o, name, json_object_new_string_len(s, (int)n));
}

static struct json_object *hostile_model(void)
{
    struct json_object *doc = load_fixture();
    struct json_object *keys = json_object_object_get(doc, "keys");
    struct json_object *k = json_object_array_get_idx(keys, 0);
    static const char script[] = "<script>alert(1)</script>";
    static const char attr[] = "\"><img src=x onerror=alert(1)>";
    static const char md[] = "| **bold** [link](javascript:x) `code` ![i](http://x/i.png)";
    static const char ctl[] = "a\x01\x1b[31mred\n# heading\r\tz\x7f\xc2\x85";
    static const char bad_utf8[] = "bad \xff\xfe \xc3 utf8 \xed\xa0\x80";
    static const char nul[] = "before\0after";

    set_str(k, "hint", script, strlen(script));
    set_str(k, "key", "kt1-\"><b>x</b>", 14);
    set_str(k, "verdict", "<b>yes</b>", 10);
    set_str(k, "kind", nul, sizeof(nul) - 1);
    struct json_object *op = json_object_object_get(k, "other_party");
    struct json_object *agents = json_object_new_array();
    json_object_array_add(agents, json_object_new_string(attr));
    json_object_array_add(agents, json_object_new_string(bad_utf8));
    json_object_object_add(op, "agents", agents);
    struct json_object *ops = json_object_object_get(k, "operations");
    struct json_object *o0 = json_object_array_get_idx(ops, 0);
    set_str(o0, "operation", md, strlen(md));
    set_str(o0, "error", ctl, strlen(ctl));
    char *big = malloc(LONG_LEN);
    assert_non_null(big);
    for (size_t i = 0; i < LONG_LEN; i++) {
        big[i] = "<&>\"'x"[i % 6];
    }
    struct json_object *reasons = json_object_object_get(k, "reasons");
    json_object_array_put_idx(reasons, 0, json_object_new_string_len(big, LONG_LEN));
    free(big);
    struct json_object *marks =
        json_object_object_get(json_object_object_get(k, "timeline"), "marks");
    set_str(json_object_array_get_idx(marks, 0), "what", script, strlen(script));
    struct json_object *steps =
        json_object_object_get(json_object_object_get(k, "guidance"), "steps");
    json_object_array_add(steps, json_object_new_string(ctl));
    return doc;
}

static void test_hostile_html(void **state)
{
    (void)state;
    struct json_object *doc = hostile_model();
    struct rendered r = render(doc, KT_HUNT_FMT_HTML);
    const char *h = r.buf;
    assert_true(kt_utf8_valid(h, r.len));
    assert_int_equal(strlen(h), r.len); /* the NUL inside "kind" did not come through */
    assert_lacks(h, "<script");
    assert_lacks(h, "<img");
    assert_lacks(h, "<b>yes");
    assert_lacks(h, "<b>x");
    assert_has(h, "&lt;b&gt;yes&lt;/b&gt;");
    assert_lacks(h, "\x1b");
    assert_lacks(h, "\x01");
    assert_lacks(h, "\x7f");
    assert_lacks(h, "\xc2\x85");
    assert_has(h, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_has(h, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    assert_has(h, "a\xef\xbf\xbd\xef\xbf\xbd[31mred # heading  z");
    assert_has(h, "bad \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd utf8");
    assert_has(h, "before\xef\xbf\xbd"
                  "after");
    /* A verdict that is not one of the three words gets a neutral class; a key id that is not
     * one gets no id attribute. */
    assert_has(h, "<section class=\"key v-unknown\">");
    assert_lacks(h, "id=\"k-kt1-&quot;");
    /* The 100 000-byte reason is cut, and says how long it was. */
    assert_has(h, "(100000 bytes)");
    assert_true(r.len < 120000);
    /* The hostile mark label is text inside the SVG. */
    assert_has(h, "<g class=\"mk mk-other\">");
    assert_has(h, "&lt;script&gt;alert(1)&lt;/script&gt; 01:37</text>");
    free(r.buf);
    json_object_put(doc);
}

static void test_hostile_markdown(void **state)
{
    (void)state;
    struct json_object *doc = hostile_model();
    struct rendered r = render(doc, KT_HUNT_FMT_MARKDOWN);
    const char *md = r.buf;
    assert_true(kt_utf8_valid(md, r.len));
    assert_int_equal(strlen(md), r.len);
    assert_has(md, "\\<script\\>alert(1)\\</script\\>");
    assert_has(md, "\\| \\*\\*bold\\*\\* \\[link\\](javascript:x) \\`code\\` \\!\\[i\\]");
    assert_lacks(md, "\n# heading");
    assert_has(md, "red \\# heading  z");
    assert_lacks(md, "\x1b");
    assert_has(md, "(100000 bytes)");
    assert_true(r.len < 120000);
    /* No line starts a heading, a fence or raw HTML that the renderer did not write. */
    for (const char *line = md; line != NULL && *line != '\0';) {
        assert_false(line[0] == '<');
        const char *nl = strchr(line, '\n');
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(r.buf);
    json_object_put(doc);
}

static void test_hostile_json(void **state)
{
    (void)state;
    struct json_object *doc = hostile_model();
    struct rendered r = render(doc, KT_HUNT_FMT_JSON);
    assert_true(kt_utf8_valid(r.buf, r.len));
    assert_int_equal(strlen(r.buf), r.len);
    assert_has(r.buf, "\"kind\": \"before\\u0000after\"");
    assert_has(r.buf, "bad \\ufffd\\ufffd \\ufffd utf8 \\ufffd\\ufffd\\ufffd");
    assert_has(r.buf, "a\\u0001\\u001b[31mred\\n# heading\\r\\tz\\u007f\\u0085");
    struct json_object *back = json_tokener_parse(r.buf);
    assert_non_null(back);
    json_object_put(back);
    free(r.buf);
    json_object_put(doc);
}

/* ---- missing and mistyped members ------------------------------------------------------- */

static void test_missing_members(void **state)
{
    (void)state;
    static const char *const models[] = {
        "{}",
        "{\"keys\": [{}]}",
        "{\"keys\": [null, 5, \"x\", [], {\"verdict\": 3}]}",
        "{\"keys\": {\"not\": \"an array\"}, \"chain\": \"no\", \"span\": 7}",
        "{\"keys\": [{\"timeline\": {\"start\": \"nope\", \"before\": [1]}, \"plan\": [],"
        " \"sources\": [1, null, {}], \"operations\": {}, \"uses\": {\"total\": \"x\"},"
        " \"other_party\": {\"ips\": [{}, [], null, 3]}, \"guidance\": {\"steps\": 5}}]}",
        "{\"keys\": [{\"timeline\": {\"start\": \"2026-11-04T00:00:00Z\", \"bucket\": \"day\","
        " \"before\": [-5, \"x\", null, 1e300], \"after\": [], \"suspicious\": [99],"
        " \"marks\": [{\"what\": \"rotation\", \"time\": \"2030-01-01T00:00:00Z\"},"
        " {\"time\": \"1999-01-01T00:00:00Z\"}, {\"what\": \"leak\"}, 5]}}]}",
    };
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        struct json_object *doc = json_tokener_parse(models[i]);
        assert_non_null(doc);
        for (int f = KT_HUNT_FMT_JSON; f <= KT_HUNT_FMT_HTML; f++) {
            struct rendered r = render(doc, (enum kt_hunt_format)f);
            assert_true(kt_utf8_valid(r.buf, r.len));
            if (f == KT_HUNT_FMT_HTML) {
                assert_int_equal(count(r.buf, "<section"), count(r.buf, "</section>"));
                assert_int_equal(count(r.buf, "<table"), count(r.buf, "</table>"));
            }
            free(r.buf);
        }
        json_object_put(doc);
    }
    /* What the empty key shows. */
    struct json_object *doc = json_tokener_parse(models[1]);
    struct rendered md = render(doc, KT_HUNT_FMT_MARKDOWN);
    assert_has(md.buf, "> **Used by someone else: unknown** · risk -/100");
    assert_has(md.buf, "> - **Other party's addresses:** none\n");
    assert_has(md.buf, "> - **First malicious use:** none\n");
    assert_has(md.buf, "No sources listed.");
    assert_has(md.buf, "No legitimate consumer seen");
    assert_has(md.buf, "**Where:** -\n");
    free(md.buf);
    json_object_put(doc);
    /* Marks outside the window are drawn at its edges and say so. */
    doc = json_tokener_parse(models[5]);
    struct rendered h = render(doc, KT_HUNT_FMT_HTML);
    assert_has(h.buf, "(after the window)");
    assert_has(h.buf, "(before the window)");
    assert_has(h.buf, "Uses per day");
    free(h.buf);
    json_object_put(doc);
}

static void test_long_timeline(void **state)
{
    (void)state;
    struct json_object *doc = json_tokener_parse("{\"keys\": [{\"timeline\": {\"start\": "
                                                 "\"2026-11-01T00:00:00Z\"}}]}");
    struct json_object *tl = json_object_object_get(
        json_object_array_get_idx(json_object_object_get(doc, "keys"), 0), "timeline");
    struct json_object *after = json_object_new_array();
    for (int i = 0; i < 5000; i++) {
        json_object_array_add(after, json_object_new_int(i % 7));
    }
    json_object_object_add(tl, "after", after);
    struct rendered h = render(doc, KT_HUNT_FMT_HTML);
    assert_has(h.buf, "cut to the first two weeks");
    assert_true(h.len < 60000);
    free(h.buf);
    struct rendered md = render(doc, KT_HUNT_FMT_MARKDOWN);
    assert_has(md.buf, "cut to the first two weeks");
    free(md.buf);
    json_object_put(doc);
}

static void test_render_errors(void **state)
{
    (void)state;
    struct json_object *doc = load_fixture();
    struct kt_err err;
    kt_err_clear(&err);
    assert_int_equal(kt_hunt_render(NULL, KT_HUNT_FMT_JSON, stdout, &err), KT_EINVAL);
    assert_int_equal(kt_hunt_render(doc, KT_HUNT_FMT_JSON, NULL, &err), KT_EINVAL);
    assert_int_equal(kt_hunt_render(doc, (enum kt_hunt_format)42, stdout, &err), KT_EINVAL);
    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        for (int f = KT_HUNT_FMT_JSON; f <= KT_HUNT_FMT_HTML; f++) {
            kt_err_clear(&err);
            assert_int_equal(kt_hunt_render(doc, (enum kt_hunt_format)f, full, &err), KT_EIO);
            clearerr(full);
        }
        fclose(full);
    }
    json_object_put(doc);
}

/* ---- guidance ------------------------------------------------------------------------------ */

static size_t str_items(struct json_object *arr)
{
    size_t n = 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        struct json_object *s = json_object_array_get_idx(arr, i);
        assert_true(json_object_is_type(s, json_type_string));
        assert_true(json_object_get_string_len(s) > 20);
        n++;
    }
    return n;
}

static const char *guidance_where(enum kt_family fam, const char *kind)
{
    static char buf[512];
    struct json_object *k = json_object_new_object();
    if (kind != NULL) {
        json_object_object_add(k, "kind", json_object_new_string(kind));
    }
    assert_int_equal(kt_hunt_guidance_add(k, fam), KT_OK);
    struct json_object *g = json_object_object_get(k, "guidance");
    assert_non_null(g);
    const char *w = json_object_get_string(json_object_object_get(g, "where"));
    snprintf(buf, sizeof(buf), "%s", w);
    json_object_put(k);
    return buf;
}

static void test_guidance_every_family(void **state)
{
    (void)state;
    char generic[512];
    snprintf(generic, sizeof(generic), "%s", guidance_where(KT_FAM_GENERIC, NULL));
    for (int fam = 0; fam < KT_FAM__COUNT; fam++) {
        struct json_object *k = json_object_new_object();
        assert_int_equal(kt_hunt_guidance_add(k, (enum kt_family)fam), KT_OK);
        struct json_object *g = json_object_object_get(k, "guidance");
        assert_non_null(g);
        struct json_object *where = json_object_object_get(g, "where");
        assert_true(json_object_is_type(where, json_type_string));
        assert_true(json_object_get_string_len(where) > 10);
        assert_true(str_items(json_object_object_get(g, "steps")) >= 2);
        assert_true(str_items(json_object_object_get(g, "check_next")) >= 1);
        /* Every provider family has its own text, not the generic fallback. */
        if (fam != KT_FAM_GENERIC && fam != KT_FAM_NONE) {
            if (strcmp(guidance_where((enum kt_family)fam, NULL), generic) == 0) {
                fail_msg("family %s has only the generic guidance",
                         kt_family_name((enum kt_family)fam));
            }
        }
        json_object_put(k);
    }
    /* Temporary AWS keys are revoked through their role, not deactivated. */
    assert_non_null(strstr(guidance_where(KT_FAM_AWS, "ASIA"), "Revoke active sessions"));
    assert_non_null(strstr(guidance_where(KT_FAM_AWS, "akia"), "update-access-key"));
    assert_non_null(strstr(guidance_where(KT_FAM_GITHUB, "ghp"), "Personal access tokens"));
    assert_non_null(strstr(guidance_where(KT_FAM_STRIPE, NULL), "Roll key"));
    /* Replaces what was there; refuses what is not an object. */
    struct json_object *doc = load_fixture();
    struct json_object *k0 = json_object_array_get_idx(json_object_object_get(doc, "keys"), 0);
    assert_int_equal(kt_hunt_guidance_add(k0, KT_FAM_AWS), KT_OK);
    struct rendered h = render(doc, KT_HUNT_FMT_HTML);
    assert_has(h.buf, "<h3>Rotation guidance</h3>\n<div class=\"guidance\"><dl class=\"facts\">"
                      "<dt>Where</dt><dd>IAM console");
    assert_has(h.buf, "<h4>Steps</h4>\n<ol><li>Create a second access key");
    assert_has(h.buf, "quarantine policy for compromised keys");
    free(h.buf);
    struct json_object *arr = json_object_new_array();
    assert_int_equal(kt_hunt_guidance_add(arr, KT_FAM_AWS), KT_EINVAL);
    assert_int_equal(kt_hunt_guidance_add(NULL, KT_FAM_AWS), KT_EINVAL);
    json_object_put(arr);
    json_object_put(doc);
}

/* Reports leave through a redacting channel (kt_out_fopen): it must not change a byte of a
 * report that holds no secret (hints, key ids, guidance naming ghp_, rk_live_, ASIA). */
static void test_through_redactor(void **state)
{
    (void)state;
    struct json_object *doc = load_fixture();
    struct json_object *keys = json_object_object_get(doc, "keys");
    for (size_t i = 0; i < json_object_array_length(keys); i++) {
        struct json_object *k = json_object_array_get_idx(keys, i);
        const char *fam = json_object_get_string(json_object_object_get(k, "family"));
        assert_int_equal(
            kt_hunt_guidance_add(k, kt_family_from_name(kt_str_cstr(fam != NULL ? fam : ""))),
            KT_OK);
    }
    for (int f = KT_HUNT_FMT_JSON; f <= KT_HUNT_FMT_HTML; f++) {
        struct rendered want = render(doc, (enum kt_hunt_format)f);
        char *path = kt_test_tmpfile("", 0);
        FILE *out = kt_out_fopen(path);
        assert_non_null(out);
        struct kt_err err;
        kt_err_clear(&err);
        assert_int_equal(kt_hunt_render(doc, (enum kt_hunt_format)f, out, &err), KT_OK);
        assert_int_equal(fclose(out), 0);
        size_t len = 0;
        char *got = kt_test_slurp(path, &len);
        assert_non_null(got);
        size_t at = 0;
        while (at < len && at < want.len && got[at] == want.buf[at]) {
            at++;
        }
        if (len != want.len || at != len) {
            fail_msg("format %d: the redactor changed the report at byte %zu: ...%.60s", f, at,
                     want.buf + (at > 20 ? at - 20 : 0));
        }
        unlink(path);
        free(path);
        free(got);
        free(want.buf);
    }
    json_object_put(doc);
}

/* ---- --render, for the browser check ------------------------------------------------------- */

static int render_file(const char *path, const char *model)
{
    enum kt_hunt_format fmt;
    if (!kt_hunt_format_for_path(path, &fmt)) {
        fprintf(stderr, "test_hunt_render: no format for %s\n", path);
        return 2;
    }
    struct json_object *doc;
    if (model != NULL && strcmp(model, "hostile") == 0) {
        doc = hostile_model();
    } else {
        doc = json_object_from_file(
            model != NULL ? model : kt_test_path("tests/fixtures/hunt_report.json"));
    }
    if (doc == NULL) {
        fprintf(stderr, "test_hunt_render: cannot read the model %s\n",
                model != NULL ? model : "fixture");
        return 1;
    }
    /* Through a redacting channel, as the hunt writes its report. */
    FILE *f = kt_out_fopen(path);
    if (f == NULL) {
        perror(path);
        json_object_put(doc);
        return 1;
    }
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_hunt_render(doc, fmt, f, &err);
    json_object_put(doc);
    if (fclose(f) != 0 || rc != KT_OK) {
        fprintf(stderr, "test_hunt_render: rendering failed: %s\n", err.msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "--render") == 0) {
        return render_file(argv[2], argc == 4 ? argv[3] : NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_for_path),       cmocka_unit_test(test_json_fixture),
        cmocka_unit_test(test_markdown_fixture),      cmocka_unit_test(test_html_fixture),
        cmocka_unit_test(test_hostile_html),          cmocka_unit_test(test_hostile_markdown),
        cmocka_unit_test(test_hostile_json),          cmocka_unit_test(test_missing_members),
        cmocka_unit_test(test_long_timeline),         cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_guidance_every_family), cmocka_unit_test(test_through_redactor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
