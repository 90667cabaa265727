/*
 * The hunt report as one self-contained HTML page (.html, .htm), to attach to an incident
 * ticket or print.
 *
 * As with scan's HTML report (html.c): CSS inline, timelines as inline SVG, no script, no
 * font, image or URL anywhere, and a Content-Security-Policy of default-src 'none' so the
 * browser refuses any load or script should something slip in. Every string from the model
 * is escaped by kt_esc_html and only ever appears as element text or a quoted attribute;
 * classes and ids are fixed words or validated key ids.
 *
 * Layout: header (span, leak and rotation times, inputs, geolocation); the keys hunted, one
 * row each; the credential chain; one section per key (hunt_html_key.c).
 */
#include <inttypes.h>

#include "hunt_formats.h"
#include "hunt_model.h"

static const char css[] =
    ":root{--yes:#b3261e;--likely:#b26a00;--none:#2e7d32;--line:#d0d4da;--mute:#5f6670;"
    "--before:#5b7fb0;--after:#e0a030;--sus:#c62828;--rot:#1b7f4a}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#1d2127;background:#fff;margin:0 auto;padding:1.5rem;max-width:76rem}\n"
    "h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;margin:0 0 .6rem}"
    "h3{font-size:1.05rem;margin:1.1rem 0 .4rem}h4{font-size:.95rem;margin:.8rem 0 .3rem}\n"
    ".meta{color:var(--mute);margin:0 0 1rem}\n"
    "code,.mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;"
    "font-size:.9em}\n"
    "section{border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0 0 1rem;"
    "overflow-x:auto}\n"
    "section.key{border-left:6px solid var(--line)}section.v-yes{border-left-color:var(--yes)}"
    "section.v-likely{border-left-color:var(--likely)}section.v-none{border-left-color:"
    "var(--none)}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:4px;color:#fff;"
    "font-size:.8rem;font-weight:600;text-transform:uppercase;vertical-align:middle;"
    "background:var(--mute);-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".badge.v-yes{background:var(--yes)}.badge.v-likely{background:var(--likely)}"
    ".badge.v-none{background:var(--none)}\n"
    ".fam{color:var(--mute);font-weight:normal;font-size:.9rem}\n"
    ".verdict{border:2px solid var(--line);border-radius:6px;padding:.7rem 1rem;margin:0 0 1rem;"
    "background:#fafbfc}\n.verdict.v-yes{border-color:var(--yes);background:#fdf3f2}"
    ".verdict.v-likely{border-color:var(--likely);background:#fdf7ec}"
    ".verdict.v-none{border-color:var(--none)}\n"
    ".verdict .vl{font-size:1.05rem;margin:0 0 .5rem}.verdict h3{margin:.6rem 0 .2rem}\n"
    ".verdict ol,.verdict ul{margin:.2rem 0;padding-left:1.4rem}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 .6rem}"
    "\ndl.facts dt{color:var(--mute)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "figure{margin:0 0 .8rem}figcaption{color:var(--mute);font-size:.85rem}\n"
    "svg.tl{width:100%;max-width:800px;height:auto;display:block}\n"
    "svg.tl .b{fill:var(--before)}svg.tl .a{fill:var(--after)}svg.tl .s{fill:var(--sus)}\n"
    "svg.tl .ax{stroke:#8a9099;fill:none}svg.tl .grid{stroke:#e3e6ea;fill:none}\n"
    "svg.tl text{font-size:10px;fill:#3c4148}svg.tl .yl{text-anchor:end}"
    "svg.tl .xl{text-anchor:middle}\n"
    "svg.tl .mk path{stroke-width:2;fill:none;stroke:#555}svg.tl .mk-leak path{stroke:#000}"
    "svg.tl .mk-sus path{stroke:var(--sus);stroke-dasharray:4 2}svg.tl .mk-rot path"
    "{stroke:var(--rot)}\nsvg.tl .mk-leak text{font-weight:600}svg.tl .mk-sus text"
    "{fill:var(--sus)}svg.tl .mk-rot text{fill:var(--rot)}\n"
    ".sw{display:inline-block;width:.8em;height:.8em;vertical-align:middle;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}.sw.b{background:var(--before)}"
    ".sw.a{background:var(--after)}.sw.s{background:var(--sus)}\n"
    "table{border-collapse:collapse;width:100%;font-size:.88rem;margin:0 0 .4rem}\n"
    "th,td{border-bottom:1px solid var(--line);padding:.25rem .4rem;text-align:left;"
    "vertical-align:top}\nth{background:#f4f6f8}td.w{overflow-wrap:anywhere}"
    "td.t{white-space:nowrap}td.n,th.n{text-align:right;white-space:nowrap}\n"
    "tr.op td{background:#fdf0ef}tr.op td:first-child{box-shadow:inset 3px 0 var(--yes)}\n"
    ".none{color:var(--mute)}li,h2,p{overflow-wrap:anywhere}\n"
    "@media print{body{padding:0;max-width:none;font-size:10pt}section{overflow:visible}"
    ".verdict,figure{break-inside:avoid}thead{display:table-header-group}"
    "tr{break-inside:avoid}}\n@page{margin:1.5cm}\n";

static const char *kind_class(enum kt_hm_kind k)
{
    switch (k) {
    case KT_HM_NUM: return "n";
    case KT_HM_TIME:
    case KT_HM_WORD:
    case KT_HM_ASN: return "t";
    default: return "w";
    }
}

void kt_hunt_html_table(FILE *out, const struct kt_hm_table *tbl, struct json_object *arr,
                        const char *empty)
{
    size_t n = kt_hm_len(arr);
    if (n == 0) {
        fputs("<p class=\"none\">", out);
        kt_esc_html(out, kt_str_cstr(empty));
        fputs("</p>\n", out);
        return;
    }
    fprintf(out, "<table class=\"%s\"><thead><tr>", tbl->cls);
    for (size_t c = 0; c < tbl->n_cols; c++) {
        fprintf(out, "<th%s>%s</th>", tbl->cols[c].kind == KT_HM_NUM ? " class=\"n\"" : "",
                tbl->cols[c].head);
    }
    fputs("</tr></thead><tbody>\n", out);
    size_t shown = KT_MIN(n, (size_t)KT_HM_ROWS_MAX);
    for (size_t i = 0; i < shown; i++) {
        struct json_object *row = kt_hm_at(arr, i);
        fputs(kt_hm_row_other(row) ? "<tr class=\"op\">" : "<tr>", out);
        for (size_t c = 0; c < tbl->n_cols; c++) {
            fprintf(out, "<td class=\"%s\">", kind_class(tbl->cols[c].kind));
            kt_hm_cell(out, kt_esc_html, &tbl->cols[c], row);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    if (n > shown) {
        fprintf(out, "<p class=\"none\">%zu more rows are in the JSON report.</p>\n", n - shown);
    }
}

static void header(FILE *out, struct json_object *doc)
{
    struct json_object *span = kt_hm_get(doc, "span");
    struct json_object *in = kt_hm_get(doc, "inputs");

    fputs("<header>\n<h1>keytrail hunt report</h1>\n<p class=\"meta\">Logs from ", out);
    kt_hm_put_m(out, kt_esc_html, span, "from", "unknown");
    fputs(" to ", out);
    kt_hm_put_m(out, kt_esc_html, span, "to", "unknown");
    fputs(" · leak time: ", out);
    kt_hm_put_m(out, kt_esc_html, doc, "leaked_at", "not given (found from the logs)");
    fputs(" · rotation time: ", out);
    kt_hm_put_m(out, kt_esc_html, doc, "rotated_at", "not given");
    fputs("<br>", out);
    kt_hm_put_counts(out, in);
    fputs(" · geolocation: ", out);
    kt_hm_put_m(out, kt_esc_html, doc, "geo", "none");
    fputs(" · ", out);
    kt_hm_put_m(out, kt_esc_html, doc, "generated_by", "keytrail");
    fputs("</p>\n</header>\n", out);
}

static void summary(FILE *out, struct json_object *keys)
{
    size_t n = kt_hm_len(keys);
    fputs("<section id=\"summary\">\n<h2>Keys hunted</h2>\n", out);
    if (n == 0) {
        fputs("<p class=\"none\">No keys in this report.</p>\n</section>\n", out);
        return;
    }
    fputs("<table class=\"keys\"><thead><tr><th>#</th><th>key</th><th>family</th>"
          "<th>verdict</th><th class=\"n\">risk</th><th class=\"n\">uses</th>"
          "<th>first suspicious use</th><th>found</th></tr></thead><tbody>\n",
          out);
    for (size_t i = 0; i < n && i < KT_HM_ROWS_MAX; i++) {
        struct json_object *k = kt_hm_at(keys, i);
        const char *vc = kt_hm_verdict_class(kt_hm_str(k, "verdict"));
        int64_t v;
        fprintf(out, "<tr><td class=\"n\">%zu</td><td class=\"w\">", i + 1);
        kt_hm_put_m(out, kt_esc_html, k, "hint", "-");
        fputs("<br><code>", out);
        kt_hm_put_m(out, kt_esc_html, k, "key", "-");
        fputs("</code></td><td>", out);
        kt_hm_put_m(out, kt_esc_html, k, "family", "-");
        fprintf(out, "</td><td><span class=\"badge v-%s\">", vc);
        kt_hm_put_m(out, kt_esc_html, k, "verdict", "unknown");
        fputs("</span></td><td class=\"n\">", out);
        kt_hm_put_m(out, kt_esc_html, k, "risk", "-");
        fputs("</td><td class=\"n\">", out);
        if (kt_hm_int(kt_hm_get(k, "uses"), "total", &v)) {
            fprintf(out, "%" PRId64, v);
        } else {
            fputs("-", out);
        }
        fputs("</td><td class=\"t\">", out);
        kt_hm_put_m(out, kt_esc_html, kt_hm_get(k, "first_suspicious"), "time", "none");
        fputs("</td><td class=\"w\">", out);
        kt_hm_put_m(out, kt_esc_html, kt_hm_get(k, "found"), "how", "-");
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

void kt_hunt_write_html(struct json_object *doc, FILE *out)
{
    struct json_object *keys = kt_hm_arr(doc, "keys");

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<title>keytrail hunt report</title>\n<style>\n",
          out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n", out);
    header(out, doc);
    fputs("<main>\n", out);
    summary(out, keys);
    fputs("<section id=\"chain\">\n<h2>Credential chain</h2>\n", out);
    kt_hunt_html_table(out, &kt_hm_chain, kt_hm_arr(doc, "chain"),
                       "No key led to another: no credential was created or minted with a "
                       "hunted key.");
    fputs("</section>\n", out);
    for (size_t i = 0; i < kt_hm_len(keys); i++) {
        kt_hunt_html_key(out, kt_hm_at(keys, i), i + 1);
    }
    fputs("</main>\n</body>\n</html>\n", out);
}
