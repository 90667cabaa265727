/*
 * Reports: the end-of-run view of every key — verdict, risk, usage summary, findings ranked by
 * weight, a daily timeline — rendered by one of the renderers in reports/ (JSON, Markdown,
 * self-contained HTML), chosen by the output file's extension. The alert stream (one JSON
 * object per finding, as it happens) is rendered by reports/alerts.c.
 *
 * Reports are deterministic: they depend only on the logs (times are event times), so two runs
 * over the same input give byte-identical reports.
 *
 * A model holds its keys in one of two forms. The entries form is an array of full entries
 * (about 6.7 KiB each), which renderers sort into report order themselves: for hand-built
 * models and tests. The rows form is what the engine builds: one 20-byte row per key, already
 * in report order, and a fill function that writes the full entry of one row into a caller's
 * buffer — so a report over a million keys never holds a million entries at once.
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
#define KT_REPORT_NOTE 200

/* A named count: a country code, "AS64501 Example ISP", a user agent name. */
struct kt_report_count {
    char name[80];
    uint64_t count;
};

#define KT_REPORT_OPS 12 /* operations listed in the other party's block */

/*
 * The other party's footprint: the uses kept out of the key's baseline because they raised a
 * high finding or came while the key stood at rotate (src/footprint.h). events == 0: none.
 * Each list is bounded; more_* count the uses whose value did not fit.
 */
struct kt_report_other {
    uint64_t events, errors;
    int64_t first_ms, last_ms; /* KT_TIME_NONE when unknown */
    size_t n_addrs, n_asns, n_countries, n_agents, n_ops;
    struct kt_report_count addrs[KT_REPORT_TOP];     /* most used first */
    struct kt_report_count asns[KT_REPORT_TOP];
    struct kt_report_count countries[KT_REPORT_TOP];
    struct kt_report_count agents[KT_REPORT_TOP];
    struct kt_report_count ops[KT_REPORT_OPS];       /* in order of first use */
    uint64_t more_addrs, more_ops;
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
    bool learning;        /* ok, but its baseline is not mature yet: "nothing suspicious seen",
                             not "checked" (the baseline-free rules did run) */
    int64_t history_days; /* days between its first and last use */
    char note[KT_REPORT_NOTE]; /* hindsight over the run ("looks like a move: ..."), "" none */
    int64_t first_ms, last_ms;
    uint64_t events;
    uint64_t errors; /* of every use: the baseline's and the other party's */
    uint64_t ips; /* distinct client addresses (exact up to the baseline's cap, then a floor) */
    size_t n_countries, n_asns, n_agents;
    struct kt_report_count countries[KT_REPORT_TOP];
    struct kt_report_count asns[KT_REPORT_TOP];
    struct kt_report_count agents[KT_REPORT_TOP];
    /* The countries, networks and agents above are the baseline's (the key's own use); the
     * other party's uses are here. */
    struct kt_report_other other;
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
    uint64_t learning; /* of the ok keys, those whose baseline is not mature yet */
    uint64_t files, damaged_files, records, events, malformed;
    uint64_t findings, alerts;
    /* The key cap (--max-keys; 0 = none), the keys evicted at it, and how many of those were
     * at rotate or investigate when evicted (their alerts were written). */
    uint64_t max_keys, evicted, evicted_rotate, evicted_investigate;
};

/* One key of a rows-form model: enough to order keys and count verdicts without its entry. */
struct kt_report_row {
    struct kt_keyid key;
    uint8_t verdict; /* enum kt_verdict */
    uint8_t risk;    /* 0..100 */
    uint32_t ref;    /* the model source's handle for the entry */
};

struct kt_report {
    /* Entries form: keys[0..n_keys), in any order. */
    const struct kt_report_key *keys;
    size_t n_keys;
    /* Rows form, used when rows is not NULL: rows[0..n_keys) in report order (risk, highest
     * first, then verdict, rotate first, then key id); fill(src, row, buf) writes the row's
     * entry into buf and returns buf. */
    const struct kt_report_row *rows;
    const struct kt_report_key *(*fill)(const void *src, const struct kt_report_row *row,
                                        struct kt_report_key *buf);
    const void *src;
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

/* Verdict of key i (model order): cheap in both forms. i must be below n_keys. */
enum kt_verdict kt_report_verdict(const struct kt_report *r, size_t i);
/* Key i in model order (report order for the rows form): &keys[i], or the row's entry filled
 * into buf. NULL when i is out of range. Valid until buf is reused. */
const struct kt_report_key *kt_report_key_get(const struct kt_report *r, size_t i,
                                              struct kt_report_key *buf);

/* The renderer for a file name by its extension (case-insensitive); NULL when none fits. */
const struct kt_reporter *kt_reporter_for_path(const char *path);
/* All renderers, for --help. */
const struct kt_reporter *const *kt_reporters(size_t *count);

#endif
