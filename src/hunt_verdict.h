/*
 * The verdict of a hunt on one key: did someone else use it? `yes`, `likely` or `no evidence`,
 * each with its reasons, and the leak time the rest of the report splits the uses at.
 *
 * The evidence is what scan would say of the key (its findings, risk and verdict: the
 * baseline-free detectors judge a key whose whole history is the other party's), what the hunt
 * adds (the key was created or minted by a key used by someone else; a change point; uses after
 * a given leak time from sources never seen before it), and nothing else. Pure: no I/O.
 */
#ifndef KEYTRAIL_HUNT_VERDICT_H
#define KEYTRAIL_HUNT_VERDICT_H

#include <keytrail/finding.h>
#include <keytrail/report.h>

#include "hunt.h"
#include "hunt_analysis.h"

enum kt_hunt_verdict {
    KT_HUNT_NO_EVIDENCE = 0,
    KT_HUNT_LIKELY,
    KT_HUNT_YES,
};

/* "no evidence", "likely", "yes". */
const char *kt_hunt_verdict_name(enum kt_hunt_verdict v);

#define KT_HUNT_REASONS 6
#define KT_HUNT_REASON_LEN 360

/* What the verdict reads. */
struct kt_hunt_evidence {
    enum kt_verdict scan_verdict;
    int risk;
    const struct kt_finding *const *findings; /* the key's findings (any order) */
    size_t n_findings;
    size_t n_uses;
    size_t suspicious_uses;
    bool first_use_suspicious;
    enum kt_hunt_how how;        /* how the key joined the hunt */
    enum kt_hunt_verdict parent; /* the verdict on the key that created it (how != given) */
    char parent_op[80];          /* the call that created it */
    const struct kt_hunt_changepoint *cp; /* the strongest change point, or NULL */
    const struct kt_hunt_diff *diff;      /* before/after a given leak time, or NULL */
};

/* How the leak time was found. */
enum kt_hunt_leak_source {
    KT_HUNT_LEAK_NONE = 0,
    KT_HUNT_LEAK_GIVEN,       /* --leaked-at */
    KT_HUNT_LEAK_CHANGEPOINT, /* the strongest change point */
    KT_HUNT_LEAK_FIRST_USE,   /* its first use was already suspicious */
    KT_HUNT_LEAK_CREATED,     /* created or minted by the other party: its whole life */
};

/* "none", "given", "change point", "first use", "created". */
const char *kt_hunt_leak_source_name(enum kt_hunt_leak_source s);

struct kt_hunt_judgement {
    enum kt_hunt_verdict verdict;
    char reasons[KT_HUNT_REASONS][KT_HUNT_REASON_LEN];
    size_t n_reasons;
};

/* Judges the evidence. */
void kt_hunt_judge(const struct kt_hunt_evidence *ev, struct kt_hunt_judgement *out);

/*
 * The leak time of a key: for a created or minted key its creation, else leaked_ms when given
 * (--leaked-at names the responder's keys), else the
 * strongest change point, else its first use when that was suspicious; KT_TIME_NONE and
 * KT_HUNT_LEAK_NONE when none. first_ms: its first use (KT_TIME_NONE: none).
 */
int64_t kt_hunt_leak_time(int64_t leaked_ms, enum kt_hunt_how how, int64_t found_ms,
                          const struct kt_hunt_changepoint *cp, bool first_use_suspicious,
                          int64_t first_ms, enum kt_hunt_leak_source *source);

#endif
