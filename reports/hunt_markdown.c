/*
 * The hunt report as Markdown (.md, .markdown), for a ticket, a pull request or a wiki page.
 *
 * Same order as the HTML report: header, the keys hunted, the credential chain, then one
 * section per key (hunt_markdown_key.c). The timeline is a text chart in a fenced block,
 * one column per bucket: rows of block characters for uses before the leak, after it and the
 * suspicious ones, and a row of letters marking the leak (L), the first suspicious use (S) and
 * the rotation (R); where two share a column the first wins, and the legend below lists every
 * mark. Only generated characters go inside the fence; every model string is written with
 * kt_esc_md outside it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hunt_formats.h"
#include "hunt_model.h"
#include "timefmt.h"

void kt_hunt_md_table(FILE *out, const struct kt_hm_table *tbl, struct json_object *arr,
                      const char *empty)
{
    size_t n = kt_hm_len(arr);
    if (n == 0) {
        kt_esc_md(out, kt_str_cstr(empty));
        fputs("\n\n", out);
        return;
    }
    fputs("|", out);
    for (size_t c = 0; c < tbl->n_cols; c++) {
        fprintf(out, " %s |", tbl->cols[c].head);
    }
    fputs("\n|", out);
    for (size_t c = 0; c < tbl->n_cols; c++) {
        fputs(tbl->cols[c].kind == KT_HM_NUM ? " --: |" : " :-- |", out);
    }
    fputs("\n", out);
    size_t shown = KT_MIN(n, (size_t)KT_HM_ROWS_MAX);
    for (size_t i = 0; i < shown; i++) {
        struct json_object *row = kt_hm_at(arr, i);
        bool other = kt_hm_row_other(row);
        fputs("|", out);
        for (size_t c = 0; c < tbl->n_cols; c++) {
            /* The other party's rows are bold in their first cell. */
            fputs(other && c == 0 ? " **" : " ", out);
            kt_hm_cell(out, kt_esc_md, &tbl->cols[c], row);
            fputs(other && c == 0 ? "** |" : " |", out);
        }
        fputs("\n", out);
    }
    if (n > shown) {
        fprintf(out, "\n%zu more rows are in the JSON report.\n", n - shown);
    }
    fputs("\n", out);
}

/* One of the eight block characters for c out of peak (a space for 0). */
static const char *block(uint64_t c, uint64_t peak)
{
    static const char *const blocks[8] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
                                          "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
                                          "\xe2\x96\x87", "\xe2\x96\x88"};
    if (c == 0 || peak == 0) {
        return " ";
    }
    /* Level 1..8, rounded up so that one use shows next to the peak. */
    long double level = (long double)c * 8 / (long double)peak;
    uint64_t up = (uint64_t)level;
    up += (long double)up < level;
    return blocks[KT_MIN(KT_MAX(up, (uint64_t)1), (uint64_t)8) - 1];
}

void kt_hunt_md_timeline(FILE *out, struct json_object *timeline)
{
    struct kt_hm_series *s = malloc(sizeof(*s));
    char *marks = NULL;
    if (s == NULL || !kt_hm_series_read(timeline, s)) {
        fputs(s == NULL ? "Timeline left out (out of memory).\n\n"
                        : "No timeline in the "
                          "model.\n\n",
              out);
        free(s);
        return;
    }
    marks = malloc(s->n + 1);
    if (marks == NULL) {
        free(s);
        return;
    }
    memset(marks, '.', s->n);
    marks[s->n] = '\0';
    struct json_object *arr = kt_hm_arr(timeline, "marks");
    int64_t end_ms = s->start_ms + (int64_t)s->n * s->bucket_ms;
    for (size_t i = 0; i < kt_hm_len(arr); i++) {
        struct json_object *m = kt_hm_at(arr, i);
        int64_t t;
        if (!kt_hm_time(m, "time", &t)) {
            continue;
        }
        size_t at = t < s->start_ms ? 0
                    : t >= end_ms   ? s->n - 1
                                    : (size_t)((t - s->start_ms) / s->bucket_ms);
        char letter = kt_hm_mark_letter(kt_hm_str(m, "what"));
        if (marks[at] == '.') {
            marks[at] = letter; /* the first mark of a column wins; the legend has all */
        }
    }
    char from[KT_TIME_STRLEN], to[KT_TIME_STRLEN];
    kt_time_format(s->start_ms, from);
    kt_time_format(end_ms, to);
    fprintf(out,
            "Uses per %s from %s to %s, one column each (%" PRIu64 " in the window, busiest "
            "%" PRIu64 ")%s:\n\n```text\n",
            s->unit, from, to, s->total, s->peak, s->cut ? ", cut to the first two weeks" : "");
    fputs("before ", out);
    for (size_t i = 0; i < s->n; i++) {
        fputs(block(s->before[i], s->peak), out);
    }
    fputs("\nafter  ", out);
    for (size_t i = 0; i < s->n; i++) {
        fputs(block(s->after[i], s->peak), out);
    }
    fputs("\nsusp.  ", out);
    for (size_t i = 0; i < s->n; i++) {
        fputs(block(s->suspicious[i], s->peak), out);
    }
    fprintf(out, "\nmarks  %s\n```\n\n", marks);
    for (size_t i = 0; i < kt_hm_len(arr) && i < KT_HM_LIST_MAX; i++) {
        struct json_object *m = kt_hm_at(arr, i);
        fprintf(out, "- %c ", kt_hm_mark_letter(kt_hm_str(m, "what")));
        kt_hm_put_m(out, kt_esc_md, m, "what", "mark");
        fputs(": ", out);
        kt_hm_put_m(out, kt_esc_md, m, "time", "unknown");
        fputs("\n", out);
    }
    fputs(kt_hm_len(arr) > 0 ? "\n" : "", out);
    free(marks);
    free(s);
}

static void header(FILE *out, struct json_object *doc)
{
    struct json_object *span = kt_hm_get(doc, "span");
    struct json_object *in = kt_hm_get(doc, "inputs");

    fputs("# keytrail hunt report\n\n- **Logs from:** ", out);
    kt_hm_put_m(out, kt_esc_md, span, "from", "unknown");
    fputs(" to ", out);
    kt_hm_put_m(out, kt_esc_md, span, "to", "unknown");
    fputs("\n- **Leaked at:** ", out);
    kt_hm_put_m(out, kt_esc_md, doc, "leaked_at", "not given (found from the logs)");
    fputs("\n- **Rotated at:** ", out);
    kt_hm_put_m(out, kt_esc_md, doc, "rotated_at", "not given");
    fputs("\n- **Inputs:** ", out);
    kt_hm_put_counts(out, in);
    fputs("\n- **Geolocation:** ", out);
    kt_hm_put_m(out, kt_esc_md, doc, "geo", "none");
    fputs("\n- **Generated by:** ", out);
    kt_hm_put_m(out, kt_esc_md, doc, "generated_by", "keytrail");
    fputs("\n\n", out);
}

static void summary(FILE *out, struct json_object *keys)
{
    size_t n = kt_hm_len(keys);
    fputs("## Keys hunted\n\n", out);
    if (n == 0) {
        fputs("No keys in this report.\n\n", out);
        return;
    }
    fputs("| # | key | family | verdict | risk | uses | first suspicious use | found |\n"
          "| --: | :-- | :-- | :-- | --: | --: | :-- | :-- |\n",
          out);
    for (size_t i = 0; i < n && i < KT_HM_ROWS_MAX; i++) {
        struct json_object *k = kt_hm_at(keys, i);
        int64_t v;
        fprintf(out, "| %zu | ", i + 1);
        kt_hm_put_m(out, kt_esc_md, k, "hint", "-");
        fputs(" (", out);
        kt_hm_put_m(out, kt_esc_md, k, "key", "-");
        fputs(") | ", out);
        kt_hm_put_m(out, kt_esc_md, k, "family", "-");
        fputs(" | **", out);
        kt_hm_put_m(out, kt_esc_md, k, "verdict", "unknown");
        fputs("** | ", out);
        kt_hm_put_m(out, kt_esc_md, k, "risk", "-");
        fputs(" | ", out);
        if (kt_hm_int(kt_hm_get(k, "uses"), "total", &v)) {
            fprintf(out, "%" PRId64, v);
        } else {
            fputs("-", out);
        }
        fputs(" | ", out);
        kt_hm_put_m(out, kt_esc_md, kt_hm_get(k, "first_suspicious"), "time", "none");
        fputs(" | ", out);
        kt_hm_put_m(out, kt_esc_md, kt_hm_get(k, "found"), "how", "-");
        fputs(" |\n", out);
    }
    fputs("\n", out);
}

void kt_hunt_write_markdown(struct json_object *doc, FILE *out)
{
    struct json_object *keys = kt_hm_arr(doc, "keys");
    header(out, doc);
    summary(out, keys);
    fputs("## Credential chain\n\n", out);
    kt_hunt_md_table(out, &kt_hm_chain, kt_hm_arr(doc, "chain"),
                     "No key led to another: no credential was created or minted with a "
                     "hunted key.");
    for (size_t i = 0; i < kt_hm_len(keys); i++) {
        kt_hunt_md_key(out, kt_hm_at(keys, i), i + 1);
    }
}
