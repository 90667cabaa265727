/*
 * One hunted key's section of the HTML report (see hunt_html.c for the page and its rules):
 *
 *   - the verdict box: verdict and risk, the other party's addresses, networks, countries and
 *     agents, the first malicious use, the leak time and how it was found, the reasons, and
 *     the next steps;
 *   - the timeline (hunt_svg.c);
 *   - before against after the leak, and what appears only after it;
 *   - sources with geolocation and ASN; operations in order with their errors; findings;
 *     change points;
 *   - the rotation plan: consumers, the other party's clients, unsure ones, uses after the
 *     rotation; every use listed; and the family's rotation guidance.
 */
#include <inttypes.h>

#include "hunt_formats.h"
#include "hunt_model.h"

static void put(FILE *out, struct json_object *o, const char *name, const char *none)
{
    kt_hm_put_m(out, kt_esc_html, o, name, none);
}

/* An array of strings as <li> items inside tag; none as a paragraph when empty. */
static void items(FILE *out, const char *tag, struct json_object *arr, const char *none)
{
    size_t n = kt_hm_len(arr), shown = 0;
    for (size_t i = 0; i < n && i < KT_HM_ROWS_MAX; i++) {
        struct json_object *it = kt_hm_at(arr, i);
        if (it == NULL || json_object_is_type(it, json_type_object) ||
            json_object_is_type(it, json_type_array)) {
            continue;
        }
        fprintf(out, "%s<li>", shown++ == 0 ? (tag[0] == 'o' ? "<ol>" : "<ul>") : "");
        kt_hm_put(out, kt_esc_html, it, "-");
        fputs("</li>", out);
    }
    if (shown == 0) {
        fprintf(out, "<p class=\"none\">%s</p>\n", none);
    } else {
        fprintf(out, "</%s>\n", tag);
    }
}

static const struct kt_hunt_markup html_markup = {
    .esc = kt_esc_html,
    .fact_open = "<dt>", .fact_mid = "</dt><dd>", .fact_close = "</dd>",
    .code_open = "<code>", .code_close = "</code>",
    .none_open = "<span class=\"none\">", .none_close = "</span>",
};

static void verdict_box(FILE *out, struct json_object *k, const char *vc)
{
    fprintf(out,
            "<div class=\"verdict v-%s\">\n<p class=\"vl\">Used by someone else: "
            "<span class=\"badge v-%s\">",
            vc, vc);
    put(out, k, "verdict", "unknown");
    fputs("</span> · risk <b>", out);
    put(out, k, "risk", "-");
    fputs("</b>/100 · scan verdict ", out);
    put(out, k, "scan_verdict", "-");
    fputs("</p>\n<dl class=\"facts\">", out);
    kt_hunt_facts(out, &html_markup, k);
    fputs("</dl>\n<h3>Why</h3>\n", out);
    items(out, "ul", kt_hm_arr(k, "reasons"), "No reasons given.");
    fputs("<h3>Next steps</h3>\n", out);
    items(out, "ol", kt_hm_arr(k, "next_steps"), "none");
    fputs("</div>\n", out);
}

static void compare(FILE *out, struct json_object *k)
{
    struct json_object *side[2] = {kt_hm_get(k, "before"), kt_hm_get(k, "after")};
    static const struct {
        const char *head, *member;
        bool list;
    } rows[] = {
        {"uses", "uses", false},
        {"failed", "failed", false},
        {"addresses", "ips", false},
        {"networks", "networks", true},
        {"countries", "countries", true},
        {"agents", "agents", true},
        {"operations", "operations", true},
        {"first", "first", false},
        {"last", "last", false},
    };
    fputs("<h3>Before and after the leak</h3>\n<table class=\"compare\"><thead><tr><th></th>"
          "<th>before</th><th>after</th></tr></thead><tbody>\n",
          out);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        fprintf(out, "<tr><th>%s</th>", rows[r].head);
        for (int s = 0; s < 2; s++) {
            fputs("<td class=\"w\">", out);
            if (rows[r].list) {
                kt_hm_put_list(out, kt_esc_html, kt_hm_arr(side[s], rows[r].member), "none");
            } else {
                put(out, side[s], rows[r].member, "-");
            }
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);

    struct json_object *only = kt_hm_get(k, "only_after");
    static const char *const kinds[][2] = {
        {"ips", "Addresses"}, {"networks", "Networks"},     {"countries", "Countries"},
        {"agents", "Agents"}, {"operations", "Operations"},
    };
    fputs("<h3>Only after the leak</h3>\n<dl class=\"facts\">", out);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        kt_hunt_fact_list(out, &html_markup, kinds[i][1], kt_hm_arr(only, kinds[i][0]));
    }
    fputs("</dl>\n", out);
}

static void plan(FILE *out, struct json_object *k)
{
    struct json_object *p = kt_hm_get(k, "plan");
    fputs("<h3>Rotation plan</h3>\n<h4>Consumers: update each before the old key is "
          "deactivated</h4>\n",
          out);
    kt_hunt_html_table(out, &kt_hm_clients, kt_hm_arr(p, "consumers"),
                       "No legitimate consumer seen: nothing breaks on rotation.");
    fputs("<h4>The other party's clients</h4>\n", out);
    kt_hunt_html_table(out, &kt_hm_clients, kt_hm_arr(p, "other_party"), "none");
    fputs("<h4>Unsure: new after the leak, nothing sets them apart</h4>\n", out);
    kt_hunt_html_table(out, &kt_hm_clients, kt_hm_arr(p, "unsure"), "none");
    fputs("<h4>Uses after the rotation</h4>\n", out);
    kt_hunt_html_table(out, &kt_hm_late, kt_hm_arr(k, "after_rotation"),
                       "No use after the rotation time (or no rotation time given).");
}

static void guidance(FILE *out, struct json_object *k)
{
    struct json_object *g = kt_hm_get(k, "guidance");
    fputs("<h3>Rotation guidance</h3>\n<div class=\"guidance\"><dl class=\"facts\"><dt>Where"
          "</dt><dd>",
          out);
    put(out, g, "where", "-");
    fputs("</dd></dl>\n<h4>Steps</h4>\n", out);
    items(out, "ol", kt_hm_arr(g, "steps"), "none");
    fputs("<h4>Check next</h4>\n", out);
    items(out, "ul", kt_hm_arr(g, "check_next"), "none");
    fputs("</div>\n", out);
}

void kt_hunt_html_key(FILE *out, struct json_object *k, size_t rank)
{
    const char *vc = kt_hm_verdict_class(kt_hm_str(k, "verdict"));
    const char *id = kt_hm_str(k, "key");
    struct json_object *uses = kt_hm_get(k, "uses");
    struct json_object *truncated = kt_hm_get(uses, "truncated");

    fprintf(out, "<section class=\"key v-%s\"", vc);
    if (kt_hm_keyid_ok(id)) {
        fprintf(out, " id=\"k-%s\"", id);
    }
    fprintf(out, ">\n<h2>%zu. <span class=\"badge v-%s\">", rank, vc);
    put(out, k, "verdict", "unknown");
    fputs("</span> ", out);
    put(out, k, "hint", "-");
    fputs(" <span class=\"fam\">", out);
    put(out, k, "family", "-");
    fputs(" · ", out);
    put(out, k, "kind", "-");
    fputs(" · <code>", out);
    put(out, k, "key", "-");
    fputs("</code>", out);
    if (kt_hm_get(k, "account") != NULL) {
        fputs(" · account ", out);
        put(out, k, "account", "-");
    }
    if (kt_hm_get(k, "actor") != NULL) {
        fputs(" · ", out);
        put(out, k, "actor", "-");
    }
    fputs("</span></h2>\n", out);
    verdict_box(out, k, vc);
    fputs("<h3>Timeline</h3>\n", out);
    kt_hunt_svg_timeline(out, kt_hm_get(k, "timeline"));
    compare(out, k);
    fputs("<h3>Sources</h3>\n", out);
    kt_hunt_html_table(out, &kt_hm_sources, kt_hm_arr(k, "sources"), "No sources listed.");
    fputs("<h3>Operations in order (the other party's marked)</h3>\n", out);
    kt_hunt_html_table(out, &kt_hm_operations, kt_hm_arr(k, "operations"), "No operations listed.");
    fputs("<h3>Findings</h3>\n", out);
    kt_hunt_html_table(out, &kt_hm_findings, kt_hm_arr(k, "findings"), "No findings.");
    fputs("<h3>Change points</h3>\n", out);
    kt_hunt_html_table(out, &kt_hm_changepoints, kt_hm_arr(k, "changepoints"),
                       "None searched for or found (a leak time was given or the key's "
                       "history starts with the other party).");
    plan(out, k);
    fputs("<h3>Uses</h3>\n", out);
    if (truncated != NULL && json_object_is_type(truncated, json_type_boolean) &&
        json_object_get_boolean(truncated)) {
        fputs("<p class=\"none\">The hunt listed only the first ", out);
        put(out, uses, "listed", "-");
        fputs(" of ", out);
        put(out, uses, "total", "-");
        fputs(" uses.</p>\n", out);
    }
    kt_hunt_html_table(out, &kt_hm_uses, kt_hm_arr(k, "use_list"), "No uses listed.");
    guidance(out, k);
    fputs("</section>\n", out);
}
