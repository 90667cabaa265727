/*
 * One hunted key's section of the Markdown report, in the order of the HTML one
 * (hunt_html_key.c): the verdict box as a block quote, the timeline, before and after, only
 * after, sources, operations, findings, change points, rotation plan, uses, guidance.
 */
#include <inttypes.h>

#include "hunt_formats.h"
#include "hunt_model.h"

static void put(FILE *out, struct json_object *o, const char *name, const char *none)
{
    kt_hm_put_m(out, kt_esc_md, o, name, none);
}

/* Strings of arr as list items ("1." numbered or "-"), each prefixed by lead. */
static void items(FILE *out, const char *lead, bool numbered, struct json_object *arr,
                  const char *none)
{
    size_t n = kt_hm_len(arr), shown = 0;
    for (size_t i = 0; i < n && i < KT_HM_ROWS_MAX; i++) {
        struct json_object *it = kt_hm_at(arr, i);
        if (it == NULL || json_object_is_type(it, json_type_object) ||
            json_object_is_type(it, json_type_array)) {
            continue;
        }
        if (numbered) {
            fprintf(out, "%s%zu. ", lead, ++shown);
        } else {
            fprintf(out, "%s- ", lead);
            shown++;
        }
        kt_hm_put(out, kt_esc_md, it, "-");
        fputs("\n", out);
    }
    if (shown == 0) {
        fprintf(out, "%s%s\n", lead, none);
    }
}

static const struct kt_hunt_markup md_markup = {
    .esc = kt_esc_md,
    .fact_open = "> - **", .fact_mid = ":** ", .fact_close = "\n",
    .code_open = "", .code_close = "",
    .none_open = "", .none_close = "",
};

/* The same facts as a plain list, outside the block quote. */
static const struct kt_hunt_markup md_list_markup = {
    .esc = kt_esc_md,
    .fact_open = "- **", .fact_mid = ":** ", .fact_close = "\n",
    .code_open = "", .code_close = "",
    .none_open = "", .none_close = "",
};

static void verdict_box(FILE *out, struct json_object *k)
{
    fputs("> **Used by someone else: ", out);
    put(out, k, "verdict", "unknown");
    fputs("** · risk ", out);
    put(out, k, "risk", "-");
    fputs("/100 · scan verdict ", out);
    put(out, k, "scan_verdict", "-");
    fputs("\n>\n", out);
    kt_hunt_facts(out, &md_markup, k);
    fputs(">\n> **Why**\n>\n", out);
    items(out, "> ", false, kt_hm_arr(k, "reasons"), "No reasons given.");
    fputs(">\n> **Next steps**\n>\n", out);
    items(out, "> ", true, kt_hm_arr(k, "next_steps"), "none");
    fputs("\n", out);
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
    fputs("### Before and after the leak\n\n|  | before | after |\n| :-- | :-- | :-- |\n", out);
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        fprintf(out, "| %s |", rows[r].head);
        for (int s = 0; s < 2; s++) {
            fputs(" ", out);
            if (rows[r].list) {
                kt_hm_put_list(out, kt_esc_md, kt_hm_arr(side[s], rows[r].member), "none");
            } else {
                put(out, side[s], rows[r].member, "-");
            }
            fputs(" |", out);
        }
        fputs("\n", out);
    }
    struct json_object *only = kt_hm_get(k, "only_after");
    static const char *const kinds[][2] = {
        {"ips", "Addresses"}, {"networks", "Networks"},     {"countries", "Countries"},
        {"agents", "Agents"}, {"operations", "Operations"},
    };
    fputs("\n### Only after the leak\n\n", out);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        kt_hunt_fact_list(out, &md_list_markup, kinds[i][1], kt_hm_arr(only, kinds[i][0]));
    }
    fputs("\n", out);
}

static void plan(FILE *out, struct json_object *k)
{
    struct json_object *p = kt_hm_get(k, "plan");
    fputs("### Rotation plan\n\n**Consumers: update each before the old key is "
          "deactivated**\n\n",
          out);
    kt_hunt_md_table(out, &kt_hm_clients, kt_hm_arr(p, "consumers"),
                     "No legitimate consumer seen: nothing breaks on rotation.");
    fputs("**The other party's clients**\n\n", out);
    kt_hunt_md_table(out, &kt_hm_clients, kt_hm_arr(p, "other_party"), "none");
    fputs("**Unsure: new after the leak, nothing sets them apart**\n\n", out);
    kt_hunt_md_table(out, &kt_hm_clients, kt_hm_arr(p, "unsure"), "none");
    fputs("**Uses after the rotation**\n\n", out);
    kt_hunt_md_table(out, &kt_hm_late, kt_hm_arr(k, "after_rotation"),
                     "No use after the rotation time (or no rotation time given).");
}

static void guidance(FILE *out, struct json_object *k)
{
    struct json_object *g = kt_hm_get(k, "guidance");
    fputs("### Rotation guidance\n\n**Where:** ", out);
    put(out, g, "where", "-");
    fputs("\n\n**Steps**\n\n", out);
    items(out, "", true, kt_hm_arr(g, "steps"), "none");
    fputs("\n**Check next**\n\n", out);
    items(out, "", false, kt_hm_arr(g, "check_next"), "none");
    fputs("\n", out);
}

void kt_hunt_md_key(FILE *out, struct json_object *k, size_t rank)
{
    struct json_object *uses = kt_hm_get(k, "uses");
    struct json_object *truncated = kt_hm_get(uses, "truncated");

    fprintf(out, "## %zu. ", rank);
    put(out, k, "hint", "-");
    fputs(" — ", out);
    put(out, k, "verdict", "unknown");
    fputs("\n\n", out);
    fputs("- **Key:** ", out);
    put(out, k, "key", "-");
    fputs(" (", out);
    put(out, k, "family", "-");
    fputs(" ", out);
    put(out, k, "kind", "-");
    if (kt_hm_get(k, "account") != NULL) {
        fputs("; account ", out);
        put(out, k, "account", "-");
    }
    if (kt_hm_get(k, "actor") != NULL) {
        fputs("; ", out);
        put(out, k, "actor", "-");
    }
    fputs(")\n\n", out);
    verdict_box(out, k);
    fputs("### Timeline\n\n", out);
    kt_hunt_md_timeline(out, kt_hm_get(k, "timeline"));
    compare(out, k);
    fputs("### Sources\n\n", out);
    kt_hunt_md_table(out, &kt_hm_sources, kt_hm_arr(k, "sources"), "No sources listed.");
    fputs("### Operations in order (the other party's in bold)\n\n", out);
    kt_hunt_md_table(out, &kt_hm_operations, kt_hm_arr(k, "operations"), "No operations listed.");
    fputs("### Findings\n\n", out);
    kt_hunt_md_table(out, &kt_hm_findings, kt_hm_arr(k, "findings"), "No findings.");
    fputs("### Change points\n\n", out);
    kt_hunt_md_table(out, &kt_hm_changepoints, kt_hm_arr(k, "changepoints"),
                     "None searched for or found (a leak time was given or the key's history "
                     "starts with the other party).");
    plan(out, k);
    fputs("### Uses\n\n", out);
    if (truncated != NULL && json_object_is_type(truncated, json_type_boolean) &&
        json_object_get_boolean(truncated)) {
        fputs("The hunt listed only the first ", out);
        put(out, uses, "listed", "-");
        fputs(" of ", out);
        put(out, uses, "total", "-");
        fputs(" uses.\n\n", out);
    }
    kt_hunt_md_table(out, &kt_hm_uses, kt_hm_arr(k, "use_list"), "No uses listed.");
    guidance(out, k);
}
