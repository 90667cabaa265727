/*
 * Findings: what a detector saw, explained. One finding names the key, the detector, the new
 * value that broke the baseline (the deduplication key: "RU", "AS9009", "python-requests",
 * "iam.amazonaws.com:ListUsers"), a severity and score, and a one-sentence reason with the
 * numbers ("first use from RU (AS9009) after 41 days and 12 840 requests from DE, US").
 *
 * Findings are deduplicated per (key, detector, value): the first occurrence is alerted, later
 * ones only raise its count and last time.
 */
#ifndef KEYTRAIL_FINDING_H
#define KEYTRAIL_FINDING_H

#include <keytrail/credential.h>

enum kt_severity {
    KT_SEV_LOW = 0,
    KT_SEV_MEDIUM,
    KT_SEV_HIGH,
    KT_SEV_CRITICAL,
};

/* "low", "medium", "high", "critical". */
const char *kt_severity_name(enum kt_severity sev);
bool kt_severity_from_name(const char *name, enum kt_severity *out);

#define KT_FINDING_VALUE 96
#define KT_FINDING_REASON 320
#define KT_FINDING_EXTRA 5 /* a detector's own (up to four) and the alert's key_risk */

/* A detector-specific number, printed as an extra alert field ("speed_kmh": 4210). */
struct kt_finding_extra {
    const char *name; /* static string */
    double value;
};

struct kt_finding {
    const char *detector;        /* the detector's name (static) */
    enum kt_severity severity;
    int score;                   /* 0..100: how strongly this finding alone says "stolen" */
    struct kt_keyid key;
    int64_t time_ms;             /* the event that raised it first */
    char value[KT_FINDING_VALUE];
    char reason[KT_FINDING_REASON];
    char ip[48];                 /* client address of that event ("" when none) */
    char country[3];
    uint32_t asn;
    struct kt_finding_extra extra[KT_FINDING_EXTRA];
    unsigned n_extra;
    /* Aggregation of later occurrences. */
    uint64_t count;
    uint64_t accepted;           /* occurrences the server accepted the credential in (not 401) */
    int64_t last_ms;
};

#endif
