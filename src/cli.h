/*
 * The command-line front end: command dispatch, one option table that drives both parsing and
 * --help, the run summary, and exit statuses.
 */
#ifndef KEYTRAIL_CLI_H
#define KEYTRAIL_CLI_H

#include <stdio.h>

#include <keytrail/credential.h>

#include "format.h"
#include "pipeline.h"
#include "source.h"

/*
 * Exit statuses, a bit set a script can test (documented in README):
 *   0  success, every input read cleanly
 *   1  keys need attention (scan, hunt: a key to rotate or investigate)
 *   2  usage error (bad option or argument); nothing was done
 *   4  some input was damaged or unreadable; results cover what could be read
 *   8  fatal error: output could not be written, out of memory
 * 1 and 4 can combine (5).
 */
enum kt_exit {
    KT_EXIT_OK = 0,
    KT_EXIT_FINDINGS = 1,
    KT_EXIT_USAGE = 2,
    KT_EXIT_DAMAGED = 4,
    KT_EXIT_FATAL = 8,
};

#define KT_CLI_MAX_FIELDS 32
#define KT_CLI_MAX_KEYS 64
#define KT_CLI_MAX_REPORTS 4
/* --max-keys default: fixed rather than derived from the machine's memory, so a run's
 * evictions (and so its verdicts) depend only on its input. Costs about 2.5 GB in scan. */
#define KT_CLI_DEFAULT_MAX_KEYS 1000000
#define KT_CLI_LIMIT_MAX_KEYS 1000000000u /* = KT_ENGINE_MAX_KEYS */

/* Everything the command line said, shared by all commands. */
struct kt_cli {
    const struct kt_command *cmd;
    char **paths;
    size_t n_paths;
    const char *format_name;
    struct kt_field_override fields[KT_CLI_MAX_FIELDS];
    size_t n_fields;
    size_t max_record;
    enum kt_inflate_impl inflate;
    unsigned threads; /* 0 = auto */
    size_t max_keys;  /* keys, scan: most keys held at once */
    bool quiet;
    bool help; /* state SUBCOMMAND --help */
    bool json;
    bool keyed;
    bool hashed_token;
    const char *jwt_iss;         /* fingerprint --jwt-iss */
    const char *jwt_secret_path; /* scan --jwt-secret */
    const char *schema; /* mkgeo: "maxmind" (default) or "flat" */
    /* scan */
    const char *alerts_path;
    const char *report_paths[KT_CLI_MAX_REPORTS];
    size_t n_reports;
    const char *geoip_path;
    const char *asn_path;
    const char *config_path;
    const char *ip_list_path;
    const char *leaked_path;
    struct kt_keyid key_filter[KT_CLI_MAX_KEYS];
    size_t n_key_filter;
    /* --state and friends (scan) */
    const char *state_path;
    bool state_reset;   /* start afresh, replacing the state at the end */
    bool state_wait;    /* wait for another run holding the state */
    bool reprocess;     /* read inputs the ledger says were read */
    int64_t since_ms, until_ms; /* event time filter; KT_TIME_NONE: none */
    long forget_after_days;     /* -1: the config's retention.key_days */
    bool progress;       /* stderr is a terminal and not --quiet */
    int64_t started_ms;
};

struct kt_command {
    const char *name;
    unsigned bit;        /* the command's bit in the option table */
    const char *args;    /* e.g. "[options] PATH..." */
    const char *summary;
    const char *details; /* a paragraph for --help, or NULL */
    unsigned paths_min;  /* how many positional arguments at least */
    int (*run)(struct kt_cli *cli);
};

/* Runs the keytrail command line; returns the process exit status. */
int kt_cli_main(int argc, char **argv);

/* Shared by commands (cli_run.c). */

/* Builds the pipeline from the common options; prints the error and returns NULL on failure
 * (*exit_code then holds the status to return). */
struct kt_pipeline *kt_cli_pipeline(struct kt_cli *cli, int *exit_code);

/* Prints the end-of-run summary (unless --quiet) and returns the exit status for the run. */
int kt_cli_finish(struct kt_cli *cli, struct kt_pipeline *pl, enum kt_rc run_rc,
                  const struct kt_err *err);

/* "keytrail: " + message on stderr. */
void kt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Commands. */
int kt_cmd_events(struct kt_cli *cli);
int kt_cmd_keys(struct kt_cli *cli);
int kt_cmd_fingerprint(struct kt_cli *cli);
int kt_cmd_mkgeo(struct kt_cli *cli);
int kt_cmd_scan(struct kt_cli *cli);
int kt_cmd_state(struct kt_cli *cli);

#endif
