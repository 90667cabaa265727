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
 *   1  scan: a key to rotate; hunt: a key used by someone else
 *   2  usage error (bad option or argument, an output that cannot be written); nothing read
 *   4  some input was damaged or unreadable; results cover what could be read
 *   8  fatal error: output could not be written, out of memory
 *  16  scan: a key to investigate; hunt: a key likely used by someone else
 *  32  nothing usable was read: no record of a known format (no file, unknown formats only,
 *      every record malformed, an empty directory)
 * 1, 4, 16 and 32 can combine (5, 21, 36...).
 */
enum kt_exit {
    KT_EXIT_OK = 0,
    KT_EXIT_FINDINGS = 1, /* rotate */
    KT_EXIT_USAGE = 2,
    KT_EXIT_DAMAGED = 4,
    KT_EXIT_FATAL = 8,
    KT_EXIT_INVESTIGATE = 16,
    KT_EXIT_NOTHING_READ = 32,
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
    /* A run reading the same inputs again (a hunt's later pass): their warnings were shown. */
    bool repeat_warnings_off;
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
    const char *rotated_path; /* --rotated */
    struct kt_keyid key_filter[KT_CLI_MAX_KEYS];
    size_t n_key_filter;
    /* --state and friends (scan) */
    const char *state_path;
    bool state_reset;   /* start afresh, replacing the state at the end */
    bool state_wait;    /* wait for another run holding the state */
    bool reprocess;     /* read inputs the ledger says were read */
    int64_t since_ms, until_ms; /* event time filter; KT_TIME_NONE: none */
    long forget_after_days;     /* -1: the config's retention.key_days */
    /* hunt */
    char *hunt_keys[KT_CLI_MAX_KEYS]; /* --key as typed (argv: wiped once read) */
    size_t n_hunt_keys;
    const char *hunt_iss[KT_CLI_MAX_KEYS]; /* --jwt-iss */
    size_t n_hunt_iss;
    const char *key_file;                 /* --key-file */
    const char *geo_csv;                  /* --geo NETWORKS.csv */
    int64_t leaked_at_ms, rotated_at_ms;  /* KT_TIME_NONE: not given */
    const struct kt_needles *prefilter;   /* kt_cli_pipeline's opts.prefilter (hunt) */
    /* watch */
    const char *checkpoint; /* --checkpoint DURATION, NULL: 60 s */
    bool from_end;          /* --from-end */
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

/* Prints the end-of-run summary (unless --quiet) and returns the exit status for the run:
 * KT_EXIT_FATAL when run_rc failed, else the DAMAGED and NOTHING_READ bits. */
int kt_cli_finish(struct kt_cli *cli, struct kt_pipeline *pl, enum kt_rc run_rc,
                  const struct kt_err *err);

/*
 * Checks, before any input is read, that path ("-" is standard output) can be written: an
 * existing file must be writable and not a directory, a new one needs a writable directory.
 * Nothing is created. Prints "keytrail: PATH: cannot write WHAT: reason" and returns false.
 */
bool kt_cli_check_output(const char *path, const char *what);

/* "keytrail: " + message on stderr. */
void kt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Commands. */
int kt_cmd_events(struct kt_cli *cli);
int kt_cmd_keys(struct kt_cli *cli);
int kt_cmd_fingerprint(struct kt_cli *cli);
int kt_cmd_mkgeo(struct kt_cli *cli);
int kt_cmd_scan(struct kt_cli *cli);
int kt_cmd_state(struct kt_cli *cli);
int kt_cmd_watch(struct kt_cli *cli);
int kt_cmd_hunt(struct kt_cli *cli);

#endif
