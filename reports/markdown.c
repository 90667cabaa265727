/*
 * The Markdown report (.md, .markdown): for a ticket, a pull request or a wiki page.
 *
 * Layout: a title; the span, the geolocation used and the version; a summary (keys per
 * verdict, then the input totals); one section per key that needs action (rotate, investigate),
 * in report order, with its facts and findings as a numbered list; then every key with verdict
 * ok as one row of a single table, so a report over 10 000 keys stays readable.
 *
 * Every string that can come from logs (hints, kinds, accounts, country, network and agent
 * names, finding values and reasons, addresses, even detector names and the geolocation label)
 * goes through md_text: Markdown punctuation that could start markup (\ ` * _ [ ] < > | # ~ & !)
 * is backslash-escaped, which CommonMark and GFM accept for any ASCII punctuation and which
 * also keeps pipes from splitting table cells; line breaks, tabs and other control characters
 * (C0, DEL, C1) become spaces or U+FFFD so a value stays on its line; invalid UTF-8 becomes
 * U+FFFD.
 */
#include "alerts.h"
#include "escape.h"

#include <inttypes.h>
#include <stdlib.h>

#include "timefmt.h"

/* Writes s escaped for Markdown inline text (see the file comment). */
static void md_text(FILE *out, struct kt_str s)
{
    kt_esc_md(out, s);
}

static void md_cstr(FILE *out, const char *s)
{
    md_text(out, kt_str_cstr(s != NULL ? s : ""));
}

/* A time, or "unknown". */
static void md_time(FILE *out, int64_t ms)
{
    char t[KT_TIME_STRLEN];
    if (ms == KT_TIME_NONE) {
        fputs("unknown", out);
        return;
    }
    kt_time_format(ms, t);
    fputs(t, out);
}

/* The date part of a time, or "-" (for the compact table). */
static void md_date(FILE *out, int64_t ms)
{
    char d[11];
    if (ms == KT_TIME_NONE) {
        fputs("-", out);
        return;
    }
    kt_rep_date(kt_rep_day_of(ms), d);
    fputs(d, out);
}

/* "DE 120, US 4" (with_parens false) or "curl/8 (3), python (2)"; "none" when empty. */
static void md_counts(FILE *out, const struct kt_report_count *c, size_t n, bool with_parens,
                      size_t max)
{
    n = KT_MIN(KT_MIN(n, (size_t)KT_REPORT_TOP), max);
    if (n == 0) {
        fputs("none", out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            fputs(", ", out);
        }
        md_text(out, KT_REP_FIELD(c[i].name));
        if (with_parens) {
            fprintf(out, " (%" PRIu64 ")", c[i].count);
        } else {
            fprintf(out, " %" PRIu64, c[i].count);
        }
    }
}

static void md_flags(FILE *out, uint32_t flags)
{
    bool any = false;
    for (uint32_t bit = 1; bit != 0 && bit <= KT_CRED_FLAG_ALL; bit <<= 1) {
        if ((flags & bit) && kt_cred_flag_name(bit) != NULL) {
            fputs(any ? ", " : "; flags: ", out);
            fputs(kt_cred_flag_name(bit), out);
            any = true;
        }
    }
}

static void md_finding(FILE *out, size_t n, const struct kt_finding *f)
{
    fprintf(out, "   %zu. **%s** (score %d) · ", n, kt_severity_name(f->severity), f->score);
    md_cstr(out, f->detector);
    fputs(" · ", out);
    md_text(out, KT_REP_FIELD(f->reason));
    fputs(" — value ", out);
    md_text(out, KT_REP_FIELD(f->value));
    if (KT_REP_FIELD(f->ip).len > 0) {
        fputs(", from ", out);
        md_text(out, KT_REP_FIELD(f->ip));
        if (KT_REP_FIELD(f->country).len > 0) {
            fputs(" (", out);
            md_text(out, KT_REP_FIELD(f->country));
            if (f->asn != 0) {
                fprintf(out, ", AS%" PRIu32, f->asn);
            }
            fputs(")", out);
        }
    }
    if (f->count <= 1) {
        fputs("; once, ", out);
        md_time(out, f->time_ms);
    } else {
        fprintf(out, "; %" PRIu64 " times, first ", f->count);
        md_time(out, f->time_ms);
        fputs(", last ", out);
        md_time(out, f->last_ms);
    }
    fputs("\n", out);
}

/* The other party's block (report.h, kt_report_other): the uses kept out of the baseline. */
static void md_other(FILE *out, const struct kt_report_other *ro)
{
    fprintf(out, "\n- **Other party:** %" PRIu64 " use%s kept out of the baseline (errors: %" PRIu64
            "), ", ro->events, ro->events == 1 ? "" : "s", ro->errors);
    md_time(out, ro->first_ms);
    fputs(" to ", out);
    md_time(out, ro->last_ms);
    fputs("\n  - **Addresses:** ", out);
    md_counts(out, ro->addrs, ro->n_addrs, true, KT_REPORT_TOP);
    if (ro->more_addrs > 0) {
        fprintf(out, "; %" PRIu64 " more uses from other addresses", ro->more_addrs);
    }
    fputs("\n  - **Networks:** ", out);
    md_counts(out, ro->asns, ro->n_asns, true, KT_REPORT_TOP);
    fputs("\n  - **Countries:** ", out);
    md_counts(out, ro->countries, ro->n_countries, false, KT_REPORT_TOP);
    fputs("\n  - **Agents:** ", out);
    md_counts(out, ro->agents, ro->n_agents, true, KT_REPORT_TOP);
    fputs("\n  - **Operations** (in order of first use): ", out);
    size_t n = KT_MIN(ro->n_ops, (size_t)KT_REPORT_OPS);
    if (n == 0) {
        fputs("none", out);
    }
    for (size_t i = 0; i < n; i++) {
        fputs(i > 0 ? ", " : "", out);
        md_text(out, KT_REP_FIELD(ro->ops[i].name));
        fprintf(out, " (%" PRIu64 ")", ro->ops[i].count);
    }
    if (ro->more_ops > 0) {
        fprintf(out, "; %" PRIu64 " more uses of other operations", ro->more_ops);
    }
}

static void md_key_section(FILE *out, size_t rank, const struct kt_report_key *k)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);

    fprintf(out, "### %zu. ", rank);
    md_text(out, KT_REP_FIELD(k->hint));
    fprintf(out, " — %s — %s\n\n", kt_family_name(k->family), kt_verdict_name(k->verdict));
    fprintf(out, "- **Verdict:** %s, risk %d/100\n", kt_verdict_name(k->verdict), k->risk);
    fprintf(out, "- **Key:** `%s` (%s ", id, kt_family_name(k->family));
    md_text(out, KT_REP_FIELD(k->kind));
    if (KT_REP_FIELD(k->account).len > 0) {
        fputs("; account ", out);
        md_text(out, KT_REP_FIELD(k->account));
    }
    md_flags(out, k->flags);
    fputs(")\n- **Seen:** ", out);
    md_time(out, k->first_ms);
    fputs(" to ", out);
    md_time(out, k->last_ms);
    fprintf(out, "\n- **Events:** %" PRIu64 " (errors: %" PRIu64 ") from %" PRIu64 " address%s\n",
            k->events, k->errors, k->ips, k->ips == 1 ? "" : "es");
    fputs("- **Countries:** ", out);
    md_counts(out, k->countries, k->n_countries, false, KT_REPORT_TOP);
    fputs("\n- **Networks:** ", out);
    md_counts(out, k->asns, k->n_asns, true, KT_REPORT_TOP);
    fputs("\n- **Top agents:** ", out);
    md_counts(out, k->agents, k->n_agents, true, KT_REPORT_TOP);
    if (k->other.events > 0) {
        md_other(out, &k->other);
    }
    if (KT_REP_FIELD(k->note).len > 0) {
        fputs("\n- **Note:** ", out);
        md_text(out, KT_REP_FIELD(k->note));
    }
    fputs("\n- **Findings:**", out);
    size_t n = 0;
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        if (k->findings[i] != NULL) {
            if (n == 0) {
                fputs("\n", out);
            }
            md_finding(out, ++n, k->findings[i]);
        }
    }
    if (n == 0) {
        fputs(" none\n", out);
    }
    fputs("\n", out);
}

static void md_ok_row(FILE *out, size_t rank, const struct kt_report_key *k)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);
    size_t nf = 0;
    for (size_t i = 0; k->findings != NULL && i < k->n_findings; i++) {
        nf += k->findings[i] != NULL;
    }
    fprintf(out, "| %zu | ", rank);
    md_text(out, KT_REP_FIELD(k->hint));
    fprintf(out, " | %s | %s | %d", kt_family_name(k->family), id, k->risk);
    if (k->learning) {
        fprintf(out, " (learning: %" PRId64 " days)", k->history_days);
    }
    fprintf(out, " | %" PRIu64 " | ", k->events);
    md_date(out, k->first_ms);
    fputs(" | ", out);
    md_date(out, k->last_ms);
    fputs(" | ", out);
    md_counts(out, k->countries, k->n_countries, false, 3);
    fprintf(out, " | %zu |\n", nf);
}

static void md_summary(FILE *out, const struct kt_report *r)
{
    const struct kt_report_totals *t = &r->totals;
    uint64_t v[3];
    kt_rep_count_verdicts(r, v);
    fputs("## Summary\n\n| verdict | keys |\n| :-- | --: |\n", out);
    fprintf(out,
            "| rotate | %" PRIu64 " |\n| investigate | %" PRIu64 " |\n| ok | %" PRIu64
            " |\n| **total** | %zu |\n\n",
            v[KT_VERDICT_ROTATE], v[KT_VERDICT_INVESTIGATE], v[KT_VERDICT_OK], r->n_keys);
    fputs("| input | count |\n| :-- | --: |\n", out);
    fprintf(out, "| files read | %" PRIu64 " |\n", t->files);
    fprintf(out, "| damaged files | %" PRIu64 " |\n", t->damaged_files);
    fprintf(out, "| records | %" PRIu64 " |\n", t->records);
    fprintf(out, "| events | %" PRIu64 " |\n", t->events);
    fprintf(out, "| malformed records | %" PRIu64 " |\n", t->malformed);
    fprintf(out, "| findings | %" PRIu64 " |\n", t->findings);
    fprintf(out, "| alerts | %" PRIu64 " |\n", t->alerts);
    if (t->evicted > 0) {
        fprintf(out,
                "| keys evicted at the cap of %" PRIu64 " (least recently used first) | %" PRIu64
                " |\n| evicted at rotate / investigate (their alerts were written) | %" PRIu64
                " / %" PRIu64 " |\n",
                t->max_keys, t->evicted, t->evicted_rotate, t->evicted_investigate);
    }
    fputs("\n", out);
}

static enum kt_rc md_render(const struct kt_report *r, FILE *out, struct kt_err *err)
{
    struct kt_rep_view view;
    enum kt_rc rc = KT_OK;

    if (r == NULL || out == NULL) {
        return kt_err_set(err, KT_EINVAL, "no report or no output for the Markdown report");
    }
    if (kt_rep_view_open(&view, r) != KT_OK) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory ordering %zu keys", r->n_keys);
        goto out;
    }
    size_t n_keys = view.n;

    fputs("# keytrail report\n\n- **Span:** ", out);
    md_time(out, r->from_ms);
    fputs(" to ", out);
    md_time(out, r->to_ms);
    fputs("\n- **Geolocation:** ", out);
    md_cstr(out, r->geo != NULL ? r->geo : "not stated");
    fputs("\n- **Generated by:** keytrail ", out);
    md_cstr(out, r->version != NULL ? r->version : "unknown");
    fputs("\n\n", out);
    md_summary(out, r);

    fputs("## Keys to act on\n\n", out);
    size_t acted = 0, ok = 0;
    for (size_t i = 0; i < n_keys; i++) {
        if (kt_rep_view_verdict(&view, i) != KT_VERDICT_OK) {
            md_key_section(out, ++acted, kt_rep_view_key(&view, i));
        } else {
            ok++;
        }
    }
    if (acted == 0) {
        fputs(n_keys == 0 ? "No credentials were found in the logs read.\n\n"
                          : "No key needs action.\n\n",
              out);
    }
    if (ok > 0) {
        fprintf(out, "## Keys with verdict ok (%zu)\n\n", ok);
        fputs("| # | hint | family | key | risk | events | first seen | last seen | countries "
              "| findings |\n"
              "| --: | :-- | :-- | :-- | --: | --: | :-- | :-- | :-- | --: |\n",
              out);
        size_t rank = 0;
        for (size_t i = 0; i < n_keys; i++) {
            if (kt_rep_view_verdict(&view, i) == KT_VERDICT_OK) {
                md_ok_row(out, ++rank, kt_rep_view_key(&view, i));
            }
        }
        fputs("\n", out);
    }
    if (fflush(out) != 0 || ferror(out)) {
        rc = kt_err_set(err, KT_EIO, "writing the Markdown report failed");
    }
out:
    kt_rep_view_close(&view);
    return rc;
}

const struct kt_reporter kt_reporter_markdown = {
    .name = "markdown",
    .extensions = ".md .markdown",
    .render = md_render,
};
