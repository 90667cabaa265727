/*
 * Reports: the end-of-run view of every key — verdict, risk, usage summary, findings ranked by
 * weight, a daily timeline — rendered by one of the renderers in reports/ (JSON, Markdown,
 * self-contained HTML), chosen by the output file's extension. The alert stream (one JSON
 * object per finding, as it happens) is rendered by reports/alerts.c.
 *
 * Reports are deterministic: they depend only on the logs (times are event times), so two runs
 * over the same input give byte-identical reports.
 */
#ifndef KEYTRAIL_REPORT_H
#define KEYTRAIL_REPORT_H

#include <stdio.h>

#include <keytrail/credential.h>
#include <keytrail/error.h>
#include <keytrail/finding.h>

enum kt_verdict {
    KT_VERDICT_OK = 0,
    KT_VERDICT_INVESTIGATE,
    KT_VERDICT_ROTATE,
};

/* "ok", "investigate", "rotate". */
const char *kt_verdict_name(enum kt_verdict v);

#define KT_REPORT_DAYS 90 /* timeline length: the last 90 days of the key's use */
#define KT_REPORT_TOP 8   /* countries, networks and agents listed per key */

/* A named count: a country code, "AS64501 Example ISP", a user agent name. */
struct kt_report_count {
    char name[80];
    uint64_t count;
};

struct kt_report_key {
    struct kt_keyid key;
    enum kt_family family;
    uint32_t flags; /* enum kt_cred_flag */
    char kind[24];
    char hint[KT_HINT_MAX];
    char account[16];
    enum kt_verdict verdict;
    int risk; /* 0..100 */
    int64_t first_ms, last_ms;
    uint64_t events, errors;
    uint64_t ips; /* distinct client addresses (exact up to the baseline's cap, then a floor) */
    size_t n_countries, n_asns, n_agents;
    struct kt_report_count countries[KT_REPORT_TOP];
    struct kt_report_count asns[KT_REPORT_TOP];
    struct kt_report_count agents[KT_REPORT_TOP];
    /* Findings, highest weight first. */
    const struct kt_finding *const *findings;
    size_t n_findings;
    /* Uses per UTC day: days[i] counts day (day0 + i), days since the epoch. */
    int32_t day0;
    size_t n_days;
    uint32_t days[KT_REPORT_DAYS];
};

struct kt_report_totals {
    uint64_t keys, rotate, investigate, ok;
    uint64_t files, damaged_files, records, events, malformed;
    uint64_t findings, alerts;
};

struct kt_report {
    const struct kt_report_key *keys; /* highest risk first, then key id */
    size_t n_keys;
    struct kt_report_totals totals;
    int64_t from_ms, to_ms; /* span of the events read */
    const char *geo;        /* what geolocation was used ("no geolocation database") */
    const char *version;    /* keytrail version */
};

struct kt_reporter {
    const char *name;       /* "json", "markdown", "html" */
    const char *extensions; /* space-separated, with dots: ".md .markdown" */
    /* Writes r to out. KT_EIO when writing fails. */
    enum kt_rc (*render)(const struct kt_report *r, FILE *out, struct kt_err *err);
};

/* The renderer for a file name by its extension (case-insensitive); NULL when none fits. */
const struct kt_reporter *kt_reporter_for_path(const char *path);
/* All renderers, for --help. */
const struct kt_reporter *const *kt_reporters(size_t *count);

#endif
