/*
 * The HTML report (.html, .htm): one self-contained page to open in a browser, attach to an
 * incident ticket or print.
 *
 * Self-contained means nothing is fetched: the CSS is inline, the timelines are inline SVG, no
 * fonts, images, scripts or URLs appear anywhere, and a Content-Security-Policy of
 * default-src 'none' (inline styles only) makes the browser refuse any load and any script
 * should something slip into the page anyway. No JavaScript is used: everything is visible and
 * printable as rendered.
 *
 * Layout: header (span, geolocation, version); summary (keys per verdict, input totals); one
 * <section class="key"> per key that needs action (rotate, investigate) in report order, with
 * a verdict badge, a risk bar, its facts, a 90-day timeline and its findings table; then every
 * key with verdict ok as one compact row of a single table, so 10 000 keys stay a few MB.
 *
 * The timeline is an SVG bar chart of days[]: one bar per day with uses, scaled to the busiest
 * day, drawn as a single path to keep the page small; days on which a finding was first or last
 * seen (from time_ms and last_ms) get a shaded band behind the bars and a red mark below them.
 *
 * Every string from the model is escaped by html_text: & < > " ' become entities, line breaks
 * and tabs become spaces, other control characters (C0, DEL, C1) and invalid UTF-8 become
 * U+FFFD. Strings only ever appear as element text or quoted attribute values.
 */
#include "alerts.h"
#include "escape.h"

#include <inttypes.h>
#include <stdlib.h>

#include "timefmt.h"

#define TL_STEP 6    /* SVG units per day */
#define TL_BAR 5     /* bar width */
#define TL_HEIGHT 40 /* bar area height */
#define TL_TOTAL 50  /* with the finding marks below */

static const char css[] =
    ":root{--rot:#b3261e;--inv:#b26a00;--ok:#2e7d32;--line:#d0d4da;--mute:#5f6670}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#1d2127;background:#fff;margin:0 auto;padding:1.5rem;max-width:72rem}\n"
    "h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:0 0 .6rem}\n"
    ".meta{color:var(--mute);margin:0 0 1rem}\n"
    "code,.mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;"
    "font-size:.9em}\n"
    "section{border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0 0 1rem;"
    "overflow-x:auto}\n"
    "section.key{border-left:6px solid var(--line)}\n"
    "section.v-rotate{border-left-color:var(--rot)}"
    "section.v-investigate{border-left-color:var(--inv)}\n"
    ".tiles{display:flex;gap:.8rem;flex-wrap:wrap;margin:0 0 .8rem}\n"
    ".tile{border:1px solid var(--line);border-radius:6px;padding:.4rem .9rem;min-width:8rem}\n"
    ".tile b{display:block;font-size:1.5rem}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:4px;color:#fff;"
    "font-size:.8rem;font-weight:600;text-transform:uppercase;vertical-align:middle;"
    "background:var(--mute);-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".badge.v-rotate{background:var(--rot)}.badge.v-investigate{background:var(--inv)}"
    ".badge.v-ok{background:var(--ok)}\n"
    ".fam{color:var(--mute);font-weight:normal;font-size:.9rem}\n"
    ".risk{display:flex;align-items:center;gap:.6rem;margin:.2rem 0 .6rem}\n"
    ".bar{display:inline-block;width:10rem;height:.6rem;background:#eceff3;border-radius:3px;"
    "overflow:hidden}.bar i{display:block;height:100%;background:var(--rot);"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "section.v-investigate .bar i{background:var(--inv)}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 .8rem}"
    "\ndl.facts dt{color:var(--mute)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "figure{margin:0 0 .8rem}figcaption{color:var(--mute);font-size:.85rem}\n"
    "svg.tl{width:100%;max-width:540px;height:auto;display:block;border-bottom:1px solid "
    "var(--line)}\n"
    "svg.tl .u{fill:#4a6fa5}svg.tl .fb{fill:#f6d5d2}svg.tl .fm{fill:var(--rot)}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
    "th,td{border-bottom:1px solid var(--line);padding:.25rem .4rem;text-align:left;"
    "vertical-align:top}\n"
    "td.w{overflow-wrap:anywhere}td.sev,td.n,td.t,td.d{white-space:nowrap}\n"
    "th{background:#f4f6f8}td.n,th.n{text-align:right}\n"
    ".sev{font-weight:600}.s-critical{color:var(--rot)}.s-high{color:#c2410c}"
    ".s-medium{color:var(--inv)}.s-low{color:var(--mute)}\n"
    "table.ok td:nth-child(3){font-family:ui-monospace,Menlo,Consolas,monospace}\n"
    "table.ok td:nth-child(3),table.ok td:nth-child(6),table.ok td:nth-child(7)"
    "{white-space:nowrap}table.ok td:nth-child(1),table.ok td:nth-child(8)"
    "{overflow-wrap:anywhere}\n"
    ".none{color:var(--mute)}\n"
    "div.other{border:1px solid #f6d5d2;border-radius:6px;background:#fdf6f5;padding:.5rem .8rem;"
    "margin:0 0 .8rem}div.other h3{font-size:1rem;margin:0 0 .4rem;color:var(--rot)}"
    "div.other dl.facts{margin:0}\n"
    "@media print{body{padding:0;max-width:none;font-size:10pt}section{overflow:visible}"
    "section{break-inside:avoid;page-break-inside:avoid}"
    "section#ok{break-inside:auto;page-break-inside:auto}"
    "thead{display:table-header-group}tr{break-inside:avoid}}\n"
    "@page{margin:1.5cm}\n";

/* Writes s escaped for HTML text and quoted attribute values (see the file comment). */
static void html_text(FILE *out, struct kt_str s)
{
    kt_esc_html(out, s);
}

static void html_cstr(FILE *out, const char *s)
{
    html_text(out, kt_str_cstr(s != NULL ? s : ""));
}

static void html_time(FILE *out, int64_t ms)
{
    char t[KT_TIME_STRLEN];
    if (ms == KT_TIME_NONE) {
        fputs("<span class=\"none\">unknown</span>", out);
        return;
    }
    kt_time_format(ms, t);
    fprintf(out, "<time>%s</time>", t);
}

static void html_date(FILE *out, int64_t ms)
{
    char d[11];
    if (ms == KT_TIME_NONE) {
        fputs("-", out);
        return;
    }
    kt_rep_date(kt_rep_day_of(ms), d);
    fputs(d, out);
}

/* A verdict as a CSS class suffix: one of three fixed words. */
static const char *verdict_class(enum kt_verdict v)
{
    switch (v) {
    case KT_VERDICT_OK: return "ok";
    case KT_VERDICT_INVESTIGATE: return "investigate";
    case KT_VERDICT_ROTATE: return "rotate";
    }
    return "unknown";
}

static void html_counts(FILE *out, const struct kt_report_count *c, size_t n, size_t max)
{
    n = KT_MIN(KT_MIN(n, (size_t)KT_REPORT_TOP), max);
    if (n == 0) {
        fputs("<span class=\"none\">none</span>", out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            fputs(", ", out);
        }
        html_text(out, KT_REP_FIELD(c[i].name));
        fprintf(out, " (%" PRIu64 ")", c[i].count);
    }
}

static void html_flags(FILE *out, uint32_t flags)
{
    bool any = false;
    for (uint32_t bit = 1; bit != 0 && bit <= KT_CRED_FLAG_ALL; bit <<= 1) {
        if ((flags & bit) && kt_cred_flag_name(bit) != NULL) {
            fputs(any ? ", " : "; ", out);
            fputs(kt_cred_flag_name(bit), out);
            any = true;
        }
    }
}

/* The daily-use chart of one key (see the file comment). */
static void html_timeline(FILE *out, const struct kt_report_key *k)
{
    size_t n = KT_MIN(k->n_days, (size_t)KT_REPORT_DAYS);
    bool marked[KT_REPORT_DAYS] = {false};
    uint32_t peak = 0;
    size_t n_marked = 0;
    char from[11], to[11];

    if (n == 0) {
        fputs("<p class=\"none\">No daily timeline.</p>\n", out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        peak = KT_MAX(peak, k->days[i]);
    }
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        const struct kt_finding *f = k->findings[i];
        int64_t t[2] = {f != NULL ? f->time_ms : KT_TIME_NONE,
                        f != NULL ? f->last_ms : KT_TIME_NONE};
        for (int j = 0; j < 2; j++) {
            if (t[j] == KT_TIME_NONE) {
                continue;
            }
            int64_t d = kt_rep_day_of(t[j]) - k->day0;
            if (d >= 0 && (uint64_t)d < n && !marked[d]) {
                marked[d] = true;
                n_marked++;
            }
        }
    }
    kt_rep_date(k->day0, from);
    kt_rep_date((int64_t)k->day0 + (int64_t)n - 1, to);

    /* Always 90 day slots wide, so every key's chart has the same scale. */
    fprintf(out,
            "<figure><svg class=\"tl\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "role=\"img\" aria-label=\"Daily uses from %s to %s\">",
            KT_REPORT_DAYS * TL_STEP, TL_TOTAL, KT_REPORT_DAYS * TL_STEP, TL_TOTAL, from, to);
    fprintf(out, "<title>Daily uses, %s to %s, busiest day %" PRIu32 "</title>", from, to, peak);
    if (n_marked > 0) {
        fputs("<path class=\"fb\" d=\"", out);
        for (size_t i = 0; i < n; i++) {
            if (marked[i]) {
                fprintf(out, "M%zu 0h%dv%dh-%dz", i * TL_STEP, TL_BAR, TL_HEIGHT, TL_BAR);
            }
        }
        fputs("\"/><path class=\"fm\" d=\"", out);
        for (size_t i = 0; i < n; i++) {
            if (marked[i]) {
                fprintf(out, "M%zu %dh%dv%dh-%dz", i * TL_STEP, TL_HEIGHT + 3, TL_BAR,
                        TL_TOTAL - TL_HEIGHT - 4, TL_BAR);
            }
        }
        fputs("\"/>", out);
    }
    if (peak > 0) {
        fputs("<path class=\"u\" d=\"", out);
        for (size_t i = 0; i < n; i++) {
            if (k->days[i] == 0) {
                continue;
            }
            unsigned h = (unsigned)(((uint64_t)k->days[i] * TL_HEIGHT + peak - 1) / peak);
            h = KT_MAX(h, 1u);
            fprintf(out, "M%zu %uh%dv%uh-%dz", i * TL_STEP, TL_HEIGHT - h, TL_BAR, h, TL_BAR);
        }
        fputs("\"/>", out);
    }
    fprintf(out,
            "</svg><figcaption>Daily uses %s to %s (busiest day: %" PRIu32 ")%s</figcaption>"
            "</figure>\n",
            from, to, peak, n_marked > 0 ? "; shaded days with a red mark had findings" : "");
}

static void html_findings(FILE *out, const struct kt_report_key *k)
{
    size_t n = 0;
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        const struct kt_finding *f = k->findings[i];
        if (f == NULL) {
            continue;
        }
        if (n++ == 0) {
            fputs("<table class=\"findings\"><thead><tr><th>severity</th><th>detector</th>"
                  "<th>reason</th><th>value</th><th class=\"n\">count</th><th>first, last"
                  "</th></tr></thead><tbody>\n",
                  out);
        }
        const char *sev = kt_severity_name(f->severity);
        fprintf(out, "<tr><td class=\"sev s-%s\">%s <small>%d</small></td><td class=\"d\">", sev,
                sev, f->score);
        html_cstr(out, f->detector);
        fputs("</td><td class=\"w\">", out);
        html_text(out, KT_REP_FIELD(f->reason));
        if (KT_REP_FIELD(f->ip).len > 0) {
            fputs("<br><small>from ", out);
            html_text(out, KT_REP_FIELD(f->ip));
            if (KT_REP_FIELD(f->country).len > 0 || f->asn != 0) {
                fputs(" (", out);
                html_text(out, KT_REP_FIELD(f->country));
                if (f->asn != 0) {
                    fprintf(out, "%sAS%" PRIu32, KT_REP_FIELD(f->country).len > 0 ? ", " : "",
                            f->asn);
                }
                fputs(")", out);
            }
            fputs("</small>", out);
        }
        fputs("</td><td class=\"w\">", out);
        html_text(out, KT_REP_FIELD(f->value));
        fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"t\">", f->count);
        html_time(out, f->time_ms);
        if (f->last_ms != KT_TIME_NONE && f->last_ms != f->time_ms) {
            fputs("<br>", out);
            html_time(out, f->last_ms);
        }
        fputs("</td></tr>\n", out);
    }
    if (n == 0) {
        fputs("<p class=\"none\">No findings.</p>\n", out);
    } else {
        fputs("</tbody></table>\n", out);
    }
}

/* The other party's block (report.h, kt_report_other): the uses kept out of the baseline. */
static void html_other(FILE *out, const struct kt_report_other *ro)
{
    fprintf(out,
            "<div class=\"other\"><h3>Other party</h3><dl class=\"facts\">"
            "<dt>Uses</dt><dd>%" PRIu64 " kept out of the baseline (%" PRIu64 " errors), ",
            ro->events, ro->errors);
    html_time(out, ro->first_ms);
    fputs(" to ", out);
    html_time(out, ro->last_ms);
    fputs("</dd><dt>Addresses</dt><dd>", out);
    html_counts(out, ro->addrs, ro->n_addrs, KT_REPORT_TOP);
    if (ro->more_addrs > 0) {
        fprintf(out, "; %" PRIu64 " more uses from other addresses", ro->more_addrs);
    }
    fputs("</dd><dt>Networks</dt><dd>", out);
    html_counts(out, ro->asns, ro->n_asns, KT_REPORT_TOP);
    fputs("</dd><dt>Countries</dt><dd>", out);
    html_counts(out, ro->countries, ro->n_countries, KT_REPORT_TOP);
    fputs("</dd><dt>Agents</dt><dd>", out);
    html_counts(out, ro->agents, ro->n_agents, KT_REPORT_TOP);
    fputs("</dd><dt>Operations</dt><dd>", out);
    size_t n = KT_MIN(ro->n_ops, (size_t)KT_REPORT_OPS);
    if (n == 0) {
        fputs("<span class=\"none\">none</span>", out);
    }
    for (size_t i = 0; i < n; i++) {
        fputs(i > 0 ? ", " : "", out);
        html_text(out, KT_REP_FIELD(ro->ops[i].name));
        fprintf(out, " (%" PRIu64 ")", ro->ops[i].count);
    }
    if (ro->more_ops > 0) {
        fprintf(out, "; %" PRIu64 " more uses of other operations", ro->more_ops);
    }
    fputs("</dd></dl></div>\n", out);
}

static void html_key_section(FILE *out, size_t rank, const struct kt_report_key *k)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);
    const char *vc = verdict_class(k->verdict);
    int bar = KT_MAX(KT_MIN(k->risk, 100), 0);

    fprintf(out,
            "<section class=\"key v-%s\" id=\"k-%s\">\n<h2>%zu. <span class=\"badge v-%s\">"
            "%s</span> <span class=\"hint\">",
            vc, id, rank, vc, kt_verdict_name(k->verdict));
    html_text(out, KT_REP_FIELD(k->hint));
    fprintf(out, "</span> <span class=\"fam\">%s · ", kt_family_name(k->family));
    html_text(out, KT_REP_FIELD(k->kind));
    fprintf(out,
            "</span></h2>\n<div class=\"risk\"><span class=\"bar\"><i style=\"width:%d%%\">"
            "</i></span><span>risk <b>%d</b>/100</span></div>\n",
            bar, k->risk);
    fprintf(out, "<dl class=\"facts\"><dt>Key</dt><dd><code>%s</code>", id);
    if (KT_REP_FIELD(k->account).len > 0) {
        fputs("; account ", out);
        html_text(out, KT_REP_FIELD(k->account));
    }
    html_flags(out, k->flags);
    fputs("</dd><dt>Seen</dt><dd>", out);
    html_time(out, k->first_ms);
    fputs(" to ", out);
    html_time(out, k->last_ms);
    fprintf(out,
            "</dd><dt>Events</dt><dd>%" PRIu64 " (%" PRIu64 " errors) from %" PRIu64
            " address%s</dd><dt>Countries</dt><dd>",
            k->events, k->errors, k->ips, k->ips == 1 ? "" : "es");
    html_counts(out, k->countries, k->n_countries, KT_REPORT_TOP);
    fputs("</dd><dt>Networks</dt><dd>", out);
    html_counts(out, k->asns, k->n_asns, KT_REPORT_TOP);
    fputs("</dd><dt>Top agents</dt><dd>", out);
    html_counts(out, k->agents, k->n_agents, KT_REPORT_TOP);
    if (KT_REP_FIELD(k->note).len > 0) {
        fputs("</dd><dt>Note</dt><dd>", out);
        html_text(out, KT_REP_FIELD(k->note));
    }
    fputs("</dd></dl>\n", out);
    if (k->other.events > 0) {
        html_other(out, &k->other);
    }
    html_timeline(out, k);
    html_findings(out, k);
    fputs("</section>\n", out);
}

static void html_ok_row(FILE *out, const struct kt_report_key *k)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);
    size_t nf = 0;
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        nf += k->findings[i] != NULL;
    }
    fputs("<tr><td>", out);
    html_text(out, KT_REP_FIELD(k->hint));
    fprintf(out,
            "</td><td>%s</td><td>%s</td><td class=\"n\">%d",
            kt_family_name(k->family), id, k->risk);
    if (k->learning) {
        fprintf(out, " (learning: %" PRId64 " days)", k->history_days);
    }
    fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td>", k->events);
    html_date(out, k->first_ms);
    fputs("</td><td>", out);
    html_date(out, k->last_ms);
    fputs("</td><td>", out);
    html_counts(out, k->countries, k->n_countries, 3);
    fprintf(out, "</td><td class=\"n\">%zu</td></tr>\n", nf);
}

static void html_summary(FILE *out, const struct kt_report *r)
{
    const struct kt_report_totals *t = &r->totals;
    uint64_t v[3];
    kt_rep_count_verdicts(r, v);
    fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tiles\">", out);
    fprintf(out,
            "<div class=\"tile\"><b>%" PRIu64 "</b><span class=\"badge v-rotate\">rotate"
            "</span></div>",
            v[KT_VERDICT_ROTATE]);
    fprintf(out,
            "<div class=\"tile\"><b>%" PRIu64 "</b><span class=\"badge v-investigate\">"
            "investigate</span></div>",
            v[KT_VERDICT_INVESTIGATE]);
    fprintf(out,
            "<div class=\"tile\"><b>%" PRIu64 "</b><span class=\"badge v-ok\">ok</span>"
            "</div>",
            v[KT_VERDICT_OK]);
    fprintf(out, "<div class=\"tile\"><b>%zu</b>keys in all</div></div>\n", r->n_keys);
    fputs("<table class=\"totals\"><tbody>\n", out);
    fprintf(out, "<tr><th>files read</th><td class=\"n\">%" PRIu64 "</td></tr>\n", t->files);
    fprintf(out, "<tr><th>damaged files</th><td class=\"n\">%" PRIu64 "</td></tr>\n",
            t->damaged_files);
    fprintf(out, "<tr><th>records</th><td class=\"n\">%" PRIu64 "</td></tr>\n", t->records);
    fprintf(out, "<tr><th>events</th><td class=\"n\">%" PRIu64 "</td></tr>\n", t->events);
    fprintf(out, "<tr><th>malformed records</th><td class=\"n\">%" PRIu64 "</td></tr>\n",
            t->malformed);
    fprintf(out, "<tr><th>findings</th><td class=\"n\">%" PRIu64 "</td></tr>\n", t->findings);
    fprintf(out, "<tr><th>alerts</th><td class=\"n\">%" PRIu64 "</td></tr>\n", t->alerts);
    if (t->evicted > 0) {
        fprintf(out,
                "<tr><th>keys evicted at the cap of %" PRIu64 " (least recently used first)</th>"
                "<td class=\"n\">%" PRIu64 "</td></tr>\n<tr><th>evicted at rotate / "
                "investigate (their alerts were written)</th><td class=\"n\">%" PRIu64 " / %"
                PRIu64 "</td></tr>\n",
                t->max_keys, t->evicted, t->evicted_rotate, t->evicted_investigate);
    }
    fputs("</tbody></table>\n</section>\n", out);
}

static enum kt_rc html_render(const struct kt_report *r, FILE *out, struct kt_err *err)
{
    struct kt_rep_view view;
    enum kt_rc rc = KT_OK;

    if (r == NULL || out == NULL) {
        return kt_err_set(err, KT_EINVAL, "no report or no output for the HTML report");
    }
    if (kt_rep_view_open(&view, r) != KT_OK) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory ordering %zu keys", r->n_keys);
        goto out;
    }
    size_t n_keys = view.n;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<title>keytrail report</title>\n<style>\n",
          out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>keytrail report</h1>\n<p class=\"meta\">"
          "Span ",
          out);
    html_time(out, r->from_ms);
    fputs(" to ", out);
    html_time(out, r->to_ms);
    fputs(" · Geolocation: ", out);
    html_cstr(out, r->geo != NULL ? r->geo : "not stated");
    fputs(" · keytrail ", out);
    html_cstr(out, r->version != NULL ? r->version : "unknown");
    fputs("</p>\n</header>\n<main>\n", out);
    html_summary(out, r);

    size_t acted = 0, ok = 0;
    for (size_t i = 0; i < n_keys; i++) {
        if (kt_rep_view_verdict(&view, i) != KT_VERDICT_OK) {
            html_key_section(out, ++acted, kt_rep_view_key(&view, i));
        } else {
            ok++;
        }
    }
    if (acted == 0) {
        fprintf(out, "<section id=\"none\"><p>%s</p></section>\n",
                n_keys == 0 ? "No credentials were found in the logs read."
                            : "No key needs action.");
    }
    if (ok > 0) {
        fprintf(out,
                "<section id=\"ok\">\n<h2>Keys with verdict <span class=\"badge v-ok\">ok"
                "</span> (%zu)</h2>\n",
                ok);
        fputs("<table class=\"ok\"><thead><tr><th>hint</th><th>family</th><th>key</th>"
              "<th class=\"n\">risk</th><th class=\"n\">events</th><th>first seen</th>"
              "<th>last seen</th><th>countries</th><th class=\"n\">findings</th></tr></thead>"
              "<tbody>\n",
              out);
        for (size_t i = 0; i < n_keys; i++) {
            if (kt_rep_view_verdict(&view, i) == KT_VERDICT_OK) {
                html_ok_row(out, kt_rep_view_key(&view, i));
            }
        }
        fputs("</tbody></table>\n</section>\n", out);
    }
    fputs("</main>\n</body>\n</html>\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        rc = kt_err_set(err, KT_EIO, "writing the HTML report failed");
    }
out:
    kt_rep_view_close(&view);
    return rc;
}

const struct kt_reporter kt_reporter_html = {
    .name = "html",
    .extensions = ".html .htm",
    .render = html_render,
};
