/*
 * What a run saw: files, bytes, records, credentials by family, malformed records by reason
 * (the first few with file and line, never with content), and whether any input was damaged.
 * The CLI prints it as the final summary; tests assert on it.
 */
#ifndef KEYTRAIL_RUNSTATS_H
#define KEYTRAIL_RUNSTATS_H

#include <keytrail/credential.h>
#include <keytrail/event.h>

#include "distinct.h"
#include "format.h"
#include "keytab.h"

#define KT_BAD_SAMPLES 10
/* Distinct keys counted exactly (a 20-byte table slot each, 40 MiB at most); keys past it are
 * counted by a HyperLogLog per family (±6.5 %), so a log of random tokens cannot grow it. */
#define KT_RUN_STATS_EXACT_KEYS 1000000

struct kt_bad_sample {
    enum kt_bad reason;
    uint64_t line;
    char file[512];
};

struct kt_run_stats {
    uint64_t files;            /* inputs opened and read (fully or partly) */
    uint64_t files_damaged;    /* truncated/corrupt compressed data, read errors */
    uint64_t files_unreadable; /* could not be opened at all */
    uint64_t files_unknown;    /* format not recognised: skipped */
    uint64_t files_duplicate;  /* files and directories reached again by another path: skipped */
    uint64_t bytes_in;         /* bytes read from disk or pipe */
    uint64_t bytes_out;        /* decompressed bytes */
    uint64_t records;          /* records seen, good or bad */
    uint64_t events;           /* records parsed into events */
    uint64_t events_keyed;     /* events that carried at least one credential */
    uint64_t files_prefiltered;   /* hunts: files skipped whole, no needle in them */
    uint64_t records_prefiltered; /* hunts: lines skipped unparsed, no needle in them (not in
                                     records) */
    uint64_t bad[KT_BAD__COUNT];
    uint64_t bad_total;
    struct kt_bad_sample samples[KT_BAD_SAMPLES];
    unsigned n_samples;
    uint64_t family_uses[KT_FAM__COUNT]; /* credential occurrences */
    uint64_t family_keys[KT_FAM__COUNT]; /* distinct key ids in seen */
    struct kt_keytab seen;               /* key ids counted in family_keys */
    struct kt_distinct beyond[KT_FAM__COUNT]; /* keys not in seen once it is full */
    bool keys_estimated;                 /* some key went to beyond */
};

void kt_run_stats_init(struct kt_run_stats *st);
void kt_run_stats_fini(struct kt_run_stats *st);

/* Counts a malformed record; keeps file:line for the first KT_BAD_SAMPLES. Returns true when
 * this one was kept as a sample (so the caller may report it). */
bool kt_run_stats_bad(struct kt_run_stats *st, enum kt_bad reason, const char *file,
                      uint64_t line);

/* Counts the credentials of an event. Returns KT_ENOMEM on allocation failure. */
enum kt_rc kt_run_stats_event(struct kt_run_stats *st, const struct kt_event *ev);

/* Distinct keys of a family: exact, plus the estimate of those past KT_RUN_STATS_EXACT_KEYS. */
uint64_t kt_run_stats_keys(const struct kt_run_stats *st, enum kt_family f);

static inline bool kt_run_stats_damaged(const struct kt_run_stats *st)
{
    return st->files_damaged > 0 || st->files_unreadable > 0;
}

#endif
