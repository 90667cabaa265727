/*
 * The three writers behind kt_hunt_render (hunt_render.h), private to reports/. Each writes
 * the whole document to out and leaves error checking (ferror) to the caller.
 */
#ifndef KEYTRAIL_REPORTS_HUNT_FORMATS_H
#define KEYTRAIL_REPORTS_HUNT_FORMATS_H

#include <stdio.h>

#include <json-c/json.h>

void kt_hunt_write_json(struct json_object *doc, FILE *out);
void kt_hunt_write_markdown(struct json_object *doc, FILE *out);
void kt_hunt_write_html(struct json_object *doc, FILE *out);

/*
 * The timeline of one key (its "timeline" member) as an inline SVG figure with its caption
 * (hunt_svg.c); a short note when the model has none.
 */
void kt_hunt_svg_timeline(FILE *out, struct json_object *timeline);

/* ---- shared between the formats (hunt_facts.c) ---- */

#include "escape.h"

/* The markup around the facts of a verdict box: "<dt>NAME</dt><dd>…</dd>" in HTML,
 * "> - **NAME:** …\n" in Markdown, and the escaping of each. */
struct kt_hunt_markup {
    kt_esc_fn esc;
    const char *fact_open, *fact_mid, *fact_close;
    const char *code_open, *code_close; /* around an operation or a source */
    const char *none_open, *none_close; /* around "none" or "unknown" */
};

/* One fact that is a list (addresses, networks...): the array as an inline list, "none" when
 * empty. */
void kt_hunt_fact_list(FILE *out, const struct kt_hunt_markup *m, const char *name,
                       struct json_object *arr);
/* The facts of key k's verdict box: the other party, first malicious use, leak, found, uses. */
void kt_hunt_facts(FILE *out, const struct kt_hunt_markup *m, struct json_object *k);
/* The input counts of a report header ("files 12, records 3400, events 3390, malformed 2"). */
void kt_hm_put_counts(FILE *out, struct json_object *inputs);

/* ---- shared between the HTML files (hunt_html.c, hunt_html_key.c) ---- */

struct kt_hm_table;

/* Rows of arr as an HTML table with tbl's columns (the other party's rows marked), at most
 * KT_HM_ROWS_MAX; a "none" paragraph saying empty when arr is absent or empty. */
void kt_hunt_html_table(FILE *out, const struct kt_hm_table *tbl, struct json_object *arr,
                        const char *empty);
/* One key's section: verdict box first, then timeline, sources, operations, plan, guidance. */
void kt_hunt_html_key(FILE *out, struct json_object *key, size_t rank);

/* The same for Markdown (hunt_markdown.c, hunt_markdown_key.c). */
void kt_hunt_md_table(FILE *out, const struct kt_hm_table *tbl, struct json_object *arr,
                      const char *empty);
void kt_hunt_md_key(FILE *out, struct json_object *key, size_t rank);
/* The timeline as a text chart (see hunt_markdown.c). */
void kt_hunt_md_timeline(FILE *out, struct json_object *timeline);

#endif
