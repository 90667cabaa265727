/*
 * Command dispatch and option parsing (cli.h).
 *
 * Options are one table: each row names the option, its argument, its help text and the
 * commands that take it, so `keytrail CMD --help` can never drift from what CMD accepts.
 * Parsing is hand-written over that table: --name=value, --name value, -x value, "--" ends
 * options, and "-" alone is a path (standard input).
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <keytrail/detector.h>
#include <keytrail/report.h>

#include "fmt_json.h"
#include "redact.h"
#include "timefmt.h"

enum opt_id {
    OPT_HELP,
    OPT_VERSION,
    OPT_FORMAT,
    OPT_FIELD,
    OPT_LIST_FORMATS,
    OPT_MAX_LINE,
    OPT_INFLATE,
    OPT_QUIET,
    OPT_JSON,
    OPT_KEYED,
    OPT_KEY,
    OPT_HASHED_TOKEN,
    OPT_JWT_ISS,
    OPT_JWT_SECRET,
    OPT_SCHEMA,
    OPT_ALERTS,
    OPT_REPORT,
    OPT_GEOIP,
    OPT_ASN,
    OPT_CONFIG,
    OPT_IP_LIST,
    OPT_LEAKED,
    OPT_ROTATED,
    OPT_LIST_DETECTORS,
    OPT_THREADS,
    OPT_MAX_KEYS,
    OPT_STATE,
    OPT_STATE_RESET,
    OPT_WAIT,
    OPT_REPROCESS,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_FORGET_AFTER,
    OPT_CHECKPOINT,
    OPT_FROM_END,
    OPT_KEY_FILE,
    OPT_LEAKED_AT,
    OPT_ROTATED_AT,
    OPT_GEO,
};

/* Which commands take an option. */
#define C_EVENTS (1u << 0)
#define C_KEYS (1u << 1)
#define C_FINGERPRINT (1u << 2)
#define C_MKGEO (1u << 3)
#define C_SCAN (1u << 4)
#define C_STATE (1u << 5)
#define C_WATCH (1u << 6)
#define C_HUNT (1u << 7)
#define C_READERS (C_EVENTS | C_KEYS | C_SCAN | C_HUNT)
#define C_INPUT (C_READERS | C_WATCH) /* options of the records read, batch or live */
#define C_ALL (C_INPUT | C_FINGERPRINT | C_MKGEO | C_STATE)
#define C_DETECT (C_SCAN | C_WATCH)
#define C_JUDGE (C_DETECT | C_HUNT) /* the inputs of detection */

struct opt {
    enum opt_id id;
    const char *name;
    char short_name;
    const char *arg; /* placeholder, NULL for a flag */
    unsigned commands;
    const char *help;
};

static const struct opt options[] = {
    { OPT_ALERTS, "alerts", 'a', "FILE", C_DETECT,
      "write alerts (one JSON object per line) to FILE instead of standard output" },
    { OPT_KEY, "key", 0, "TOKEN|KEYID", C_HUNT,
      "the key to hunt: a token, an AWS access key id, a GitHub hashed_token or a key id "
      "(kt1-...); - reads keys from standard input, one a line (repeatable)" },
    { OPT_KEY_FILE, "key-file", 0, "FILE", C_HUNT,
      "read keys to hunt from FILE, one a line (# comments), so tokens stay out of shell "
      "history and process lists" },
    { OPT_JWT_ISS, "jwt-iss", 0, "ISS", C_HUNT, "hunt the JWTs of this issuer (repeatable)" },
    { OPT_LEAKED_AT, "leaked-at", 0, "TIME", C_HUNT,
      "when the key leaked (2026-11-02T14:00Z): its use before is the owner's baseline "
      "(default: the strongest change point)" },
    { OPT_ROTATED_AT, "rotated-at", 0, "TIME", C_HUNT,
      "when the key was rotated: every use at or after it is flagged" },
    { OPT_GEO, "geo", 0, "NETWORKS.csv", C_HUNT,
      "locate addresses with a CSV of networks (the layout of `keytrail mkgeo`) instead of "
      "MaxMind databases" },
    { OPT_REPORT, "report", 'r', "FILE", C_JUDGE,
      "write a report to FILE: .json, .md or .html (repeatable)" },
    { OPT_GEOIP, "geoip", 0, "FILE", C_JUDGE,
      "City or Country database (MaxMind or DB-IP/ip-location-db layout); default: search "
      "$KEYTRAIL_GEOIP, /usr/share/GeoIP, /var/lib/GeoIP" },
    { OPT_ASN, "asn", 0, "FILE", C_JUDGE, "ASN database (GeoLite2-ASN layout); default: search" },
    { OPT_CONFIG, "config", 'c', "FILE", C_JUDGE, "detection settings (JSON, see README)" },
    { OPT_IP_LIST, "ip-list", 0, "FILE", C_JUDGE,
      "addresses and networks to flag (one CIDR per line, optional label): Tor exits, known bad" },
    { OPT_LEAKED, "leaked", 0, "FILE", C_DETECT,
      "keys known to be leaked: one key id or token per line, optional leak time" },
    { OPT_ROTATED, "rotated", 0, "FILE", C_DETECT,
      "keys already rotated: one key id, AWS key id or token and its rotation time per line; "
      "every later use is flagged" },
    { OPT_STATE, "state", 's', "FILE", C_DETECT,
      "load what earlier runs learned from FILE and save it back at the end: baselines, "
      "findings already alerted, the inputs already read (created if missing)" },
    { OPT_STATE_RESET, "state-reset", 0, NULL, C_DETECT,
      "with --state: ignore what FILE holds and start afresh (FILE is replaced at the end)" },
    { OPT_WAIT, "wait", 0, NULL, C_DETECT,
      "with --state: wait for another run using FILE to finish instead of failing" },
    { OPT_REPROCESS, "reprocess", 0, NULL, C_SCAN,
      "with --state: read every input again, even those the state says were read" },
    { OPT_SINCE, "since", 0, "TIME", C_SCAN,
      "only events at or after TIME (2026-11-02 or 2026-11-02T14:00:00Z)" },
    { OPT_UNTIL, "until", 0, "TIME", C_SCAN, "only events before TIME" },
    { OPT_FORGET_AFTER, "forget-after", 0, "DAYS", C_DETECT,
      "with --state: drop keys unused for DAYS days of log time (default 400; 0: never; "
      "config retention.key_days)" },
    { OPT_LIST_DETECTORS, "list-detectors", 0, NULL, C_JUDGE,
      "list the detectors and their knobs, and exit" },
    { OPT_FORMAT, "format", 'f', "NAME", C_INPUT,
      "read every input as NAME instead of detecting it per file (see --list-formats)" },
    { OPT_FIELD, "field", 0, "ROLE=PATH", C_INPUT,
      "jsonl: take ROLE from the JSON member PATH (dotted), replacing its defaults; "
      "roles: time ip method uri path query request status error user_agent authorization "
      "api_key host actor resource basic_user" },
    { OPT_LIST_FORMATS, "list-formats", 0, NULL, C_INPUT, "list the input formats and exit" },
    { OPT_MAX_LINE, "max-line", 0, "BYTES", C_INPUT,
      "skip (and count) records longer than BYTES (256 to 1G); default 1M; suffixes K, M, G" },
    { OPT_INFLATE, "inflate", 0, "IMPL", C_READERS,
      "gzip decoder: auto (ISA-L when built with it), zlib or isal" },
    { OPT_THREADS, "threads", 0, "N", C_READERS,
      "1: everything on one core; 2: decompress on a second thread (default: 2 when the "
      "machine has two cores)" },
    { OPT_MAX_KEYS, "max-keys", 0, "N", C_KEYS | C_SCAN | C_WATCH,
      "hold at most N keys; past that the least recently used are evicted, keys with "
      "findings last (default 1000000)" },
    { OPT_CHECKPOINT, "checkpoint", 0, "DURATION", C_WATCH,
      "every DURATION (60s, 5m, 1h; default 60s), and on SIGTERM/SIGINT: flush the alerts, "
      "rewrite the reports, print a summary line" },
    { OPT_FROM_END, "from-end", 0, NULL, C_WATCH,
      "start at the current end of the files (default: read what they hold, then follow)" },
    { OPT_KEYED, "keyed", 'k', NULL, C_EVENTS, "only records that carry a credential" },
    { OPT_KEY, "key", 0, "KEYID", C_EVENTS,
      "only records of this key id (repeatable; see `keytrail fingerprint`)" },
    { OPT_JSON, "json", 'j', NULL, C_KEYS | C_FINGERPRINT | C_STATE,
      "JSON output (one object per line) instead of a table" },
    { OPT_HASHED_TOKEN, "hashed-token", 0, NULL, C_FINGERPRINT,
      "the value is a GitHub audit log hashed_token, not a token" },
    { OPT_JWT_ISS, "jwt-iss", 0, "ISS", C_FINGERPRINT,
      "print the key id of the JWTs that carry only this issuer (an API key such as Zoom's)" },
    { OPT_JWT_SECRET, "jwt-secret", 0, "FILE", C_INPUT,
      "verify the HS256/384/512 signatures of these issuers' JWTs (lines `iss secret`; a bad "
      "one is a critical finding in scan); FILE must be readable by its owner only" },
    { OPT_SCHEMA, "schema", 0, "NAME", C_MKGEO,
      "layout of the city database: maxmind (GeoIP2/GeoLite2, default) or flat "
      "(ip-location-db)" },
    { OPT_QUIET, "quiet", 'q', NULL, C_INPUT | C_STATE,
      "no progress line and no summary on stderr (warnings still appear)" },
    { OPT_HELP, "help", 'h', NULL, C_ALL, "show this help" },
};

static const struct kt_command commands[] = {
    { "scan", C_SCAN, "[options] PATH...",
      "learn how each key is used, alert on misuse, and say which keys to rotate",
      "Reads the logs like `events`, keeps a baseline per key, runs the detectors\n"
      "(--list-detectors) and writes an alert per new finding (JSON lines, to stdout or\n"
      "--alerts). At the end each key gets a risk score and a verdict — rotate, investigate\n"
      "or ok — in the reports (--report) and a summary on stderr.\n"
      "Exit status: 1 when a key must be rotated, 16 when one is to be investigated (may be\n"
      "combined with 4 and 32), else as for every command.",
      1, kt_cmd_scan },
    { "hunt", C_HUNT, "--key TOKEN|KEYID [--key ...] [options] PATH...",
      "was this leaked key used, by whom, and what breaks when it is rotated",
      "Reads the logs once for the given keys: every use of each, its use before the leak\n"
      "against its use after, the other party's addresses, agents and operations, the keys\n"
      "it created or minted (hunted in turn), and a verdict: yes, likely or no evidence.\n"
      "Tokens are best given with --key-file or --key - (standard input); they are never\n"
      "printed. A summary goes to standard output, the incident report to --report\n"
      "(.json, .md or .html).\n"
      "Exit status: 1 when some key was used by someone else (yes), 16 when some key likely\n"
      "was (both may be set), 0 when no key shows evidence; combined with 4 and 32 as for\n"
      "every command.",
      1, kt_cmd_hunt },
    { "state", C_STATE, "show|merge|forget ...",
      "look into, combine or edit state files (scan --state)",
      "  keytrail state show FILE [--json]      keys, sizes, time covered, inputs read\n"
      "  keytrail state merge OUT IN...          combine states of shards into OUT\n"
      "  keytrail state forget FILE KEYID...     drop keys (after rotating them)\n"
      "`keytrail state SUBCOMMAND --help` says more. Each takes the state's lock: it waits\n"
      "for a scan using the file to finish.",
      1, kt_cmd_state },
    { "watch", C_WATCH, "[options] [PATH... | -]",
      "follow live logs like `tail -F` and alert on misuse as each line is written",
      "Follows each file by name through rotation (rename, copytruncate, truncation, delete\n"
      "and recreate) and reads pipes (- or no PATH: standard input). Line formats only (not\n"
      "CloudTrail's JSON files). Each alert is written and flushed as soon as its line is\n"
      "read. Every --checkpoint and on SIGTERM/SIGINT the alerts are flushed, the reports\n"
      "rewritten and a summary printed; SIGHUP reopens the alerts file (for logrotate).\n"
      "Stopped by a signal: exit 0. When every input ends (a pipe): the verdicts and the\n"
      "exit status of scan.",
      0, kt_cmd_watch },
    { "events", C_EVENTS, "[options] PATH...",
      "print every log record as one JSON object per line (credentials fingerprinted)",
      "PATH is a file, a directory (read recursively) or - for standard input; all files\n"
      "are merged in event time, whatever the order of the paths. gzip and zstd are\n"
      "detected from content. Each line holds time, ip,\n"
      "method, resource, status, user_agent and, when the record carries a credential,\n"
      "family, key, hint and the non-secret JWT claims. Query strings and tokens are never\n"
      "printed.",
      1, kt_cmd_events },
    { "keys", C_KEYS, "[options] PATH...",
      "inventory of the credentials in the logs: family, hint, first/last use, events, IPs",
      "One row per key id, most used first: family, redacted hint, first and last seen,\n"
      "events, errors (HTTP >= 400 or a provider error), distinct client addresses and the\n"
      "most common user agents.",
      1, kt_cmd_keys },
    { "fingerprint", C_FINGERPRINT, "[options] [TOKEN | -]",
      "print the key id keytrail uses for a credential",
      "With no TOKEN, or -, the token is read from standard input (so it stays out of shell\n"
      "history). TOKEN may also be a whole Authorization header value (\"Bearer ...\").\n"
      "The key id is the same on every machine and in every run, and is what events, keys\n"
      "and reports name the credential by. The token itself is never printed.",
      0, kt_cmd_fingerprint },
    { "mkgeo", C_MKGEO, "[options] NETWORKS.csv CITY.mmdb [ASN.mmdb]",
      "build MaxMind databases from a CSV of networks",
      "The CSV has a header naming its columns: network (CIDR), country_iso_code,\n"
      "country_name, city, latitude, longitude, asn, as_org. The City database gets the\n"
      "location columns, the optional ASN database the asn and as_org columns. Use it for your\n"
      "own address space (offices, VPN, CI runners); the tests and the demo build theirs from\n"
      "samples/geo/networks.csv. Headerless ip-location-db files (ip_range_start,\n"
      "ip_range_end, then country, ASN or city fields) are read too, ranges split into CIDRs.",
      2, kt_cmd_mkgeo },
};

static unsigned command_bit(const struct kt_command *cmd)
{
    return cmd->bit;
}

/* Usage errors quote what the user typed, which may be a token (`--key ghp_...`) or hold
 * control bytes: the whole message goes through the name redactor. */
void kt_cli_error(const char *fmt, ...)
{
    char msg[2048], shown[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kt_redact_name(kt_str_cstr(msg), shown, sizeof(shown));
    kt_wipe(msg, sizeof(msg));
    fprintf(stderr, "keytrail: %s\n", shown);
}

static void print_usage(FILE *out)
{
    fprintf(out, "usage: keytrail COMMAND [options] ...\n\n"
                 "Finds the credentials in API access and audit logs and tells which look "
                 "stolen.\n\ncommands:\n");
    for (size_t i = 0; i < KT_ARRAY_LEN(commands); i++) {
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\n`keytrail COMMAND --help` shows a command's options.\n"
                 "Exit status (bits): 0 ok, 1 a key to rotate, 2 usage error, 4 damaged or "
                 "unreadable input, 8 fatal error, 16 a key to investigate, 32 nothing usable "
                 "read.\n");
}

static void print_command_help(const struct kt_command *cmd)
{
    printf("usage: keytrail %s %s\n\n%s.\n", cmd->name, cmd->args, cmd->summary);
    if (cmd->details != NULL) {
        printf("\n%s\n", cmd->details);
    }
    printf("\noptions:\n");
    for (size_t i = 0; i < KT_ARRAY_LEN(options); i++) {
        const struct opt *o = &options[i];
        if (!(o->commands & command_bit(cmd))) {
            continue;
        }
        char left[48];
        if (o->short_name) {
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        } else {
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        }
        printf("  %-26s %s\n", left, o->help);
    }
}

static void list_formats(void)
{
    size_t n;
    const struct kt_format *const *fmts = kt_formats(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%-12s %s", fmts[i]->name, fmts[i]->summary);
        if (fmts[i]->aliases != NULL) {
            printf(" (also: %s)", fmts[i]->aliases);
        }
        printf("\n");
    }
}

static void list_detectors(void)
{
    size_t n;
    const struct kt_detector *const *dets = kt_detectors(&n);
    for (size_t i = 0; i < n; i++) {
        const struct kt_detector *d = dets[i];
        printf("%-18s %-8s %s%s\n", d->name, kt_severity_name(d->severity), d->summary,
               d->needs_maturity ? " [waits for a mature baseline]" : "");
        for (size_t k = 0; k < d->n_knobs; k++) {
            printf("    %-24s %-8g %s\n", d->knobs[k].name, d->knobs[k].def, d->knobs[k].help);
        }
    }
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *s == '-') {
        return false;
    }
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k') {
        mul = 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        mul = 1024 * 1024;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        mul = 1024 * 1024 * 1024;
        end++;
    }
    if (*end != '\0' || v == 0 || v > (1ULL << 30) / mul) {
        return false;
    }
    *out = (size_t)(v * mul);
    return true;
}

/* An option may have one row per meaning (--key of events and of hunt): the row of the
 * command first, else any row of that name (to say it is not the command's). */
static const struct opt *find_long(const char *name, size_t len, unsigned bit)
{
    const struct opt *any = NULL;
    for (size_t i = 0; i < KT_ARRAY_LEN(options); i++) {
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0) {
            if (options[i].commands & bit) {
                return &options[i];
            }
            any = any != NULL ? any : &options[i];
        }
    }
    return any;
}

static const struct opt *find_short(char c)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(options); i++) {
        if (options[i].short_name == c) {
            return &options[i];
        }
    }
    return NULL;
}

/* Applies one option; returns -1 to continue, or an exit status to stop with. */
static int apply_option(struct kt_cli *cli, const struct opt *o, const char *arg)
{
    switch (o->id) {
    case OPT_HELP:
        if (cli->cmd->run == kt_cmd_state && cli->n_paths > 0) {
            cli->help = true; /* `state SUB --help`: the subcommand prints its own */
            return -1;
        }
        print_command_help(cli->cmd);
        return KT_EXIT_OK;
    case OPT_VERSION:
        printf("keytrail %s\n", KT_VERSION);
        return KT_EXIT_OK;
    case OPT_LIST_FORMATS:
        list_formats();
        return KT_EXIT_OK;
    case OPT_FORMAT:
        if (kt_format_find(arg) == NULL) {
            kt_cli_error("--format: unknown format '%s' (see --list-formats)", arg);
            return KT_EXIT_USAGE;
        }
        cli->format_name = arg;
        return -1;
    case OPT_FIELD: {
        const char *eq = strchr(arg, '=');
        if (eq == NULL || eq == arg || eq[1] == '\0') {
            kt_cli_error("--field: expected ROLE=PATH, got '%s'", arg);
            return KT_EXIT_USAGE;
        }
        if (cli->n_fields == KT_CLI_MAX_FIELDS) {
            kt_cli_error("--field: at most %d fields", KT_CLI_MAX_FIELDS);
            return KT_EXIT_USAGE;
        }
        /* The option string is writable argv memory: split it in place. */
        char *role = (char *)arg;
        role[eq - arg] = '\0';
        enum kt_json_role r;
        if (!kt_json_role_from_name(role, &r)) {
            kt_cli_error("--field: unknown role '%s'", role);
            return KT_EXIT_USAGE;
        }
        cli->fields[cli->n_fields].role = role;
        cli->fields[cli->n_fields].path = eq + 1;
        cli->n_fields++;
        return -1;
    }
    case OPT_MAX_LINE:
        if (!parse_size(arg, &cli->max_record) || cli->max_record < 256) {
            kt_cli_error("--max-line: expected a size from 256 to 1G bytes (suffix K, M or G: "
                         "64K, 4M, 1G), got '%s'",
                         arg);
            return KT_EXIT_USAGE;
        }
        return -1;
    case OPT_INFLATE:
        if (strcmp(arg, "auto") == 0) {
            cli->inflate = KT_INFLATE_AUTO;
        } else if (strcmp(arg, "zlib") == 0) {
            cli->inflate = KT_INFLATE_ZLIB;
        } else if (strcmp(arg, "isal") == 0) {
            cli->inflate = KT_INFLATE_ISAL;
            if (!kt_inflate_available(KT_INFLATE_ISAL)) {
                kt_cli_error("--inflate isal: this build has no ISA-L");
                return KT_EXIT_USAGE;
            }
        } else {
            kt_cli_error("--inflate: expected auto, zlib or isal, got '%s'", arg);
            return KT_EXIT_USAGE;
        }
        return -1;
    case OPT_THREADS:
        if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0) {
            kt_cli_error("--threads: expected 1 or 2, got '%s'", arg);
            return KT_EXIT_USAGE;
        }
        cli->threads = (unsigned)(arg[0] - '0');
        return -1;
    case OPT_MAX_KEYS: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || arg[0] < '0' || arg[0] > '9' || v == 0 ||
            v > KT_CLI_LIMIT_MAX_KEYS) {
            kt_cli_error("--max-keys: expected a number from 1 to %u, got '%s'",
                         KT_CLI_LIMIT_MAX_KEYS, arg);
            return KT_EXIT_USAGE;
        }
        cli->max_keys = (size_t)v;
        return -1;
    }
    case OPT_QUIET: cli->quiet = true; return -1;
    case OPT_JSON: cli->json = true; return -1;
    case OPT_KEYED: cli->keyed = true; return -1;
    case OPT_HASHED_TOKEN: cli->hashed_token = true; return -1;
    case OPT_JWT_ISS:
        if (cli->cmd->bit == C_HUNT) {
            if (cli->n_hunt_iss == KT_CLI_MAX_KEYS) {
                kt_cli_error("--jwt-iss: at most %d issuers", KT_CLI_MAX_KEYS);
                return KT_EXIT_USAGE;
            }
            cli->hunt_iss[cli->n_hunt_iss++] = arg;
            return -1;
        }
        cli->jwt_iss = arg;
        return -1;
    case OPT_KEY_FILE: cli->key_file = arg; return -1;
    case OPT_GEO: cli->geo_csv = arg; return -1;
    case OPT_JWT_SECRET: cli->jwt_secret_path = arg; return -1;
    case OPT_ALERTS: cli->alerts_path = arg; return -1;
    case OPT_CHECKPOINT: cli->checkpoint = arg; return -1;
    case OPT_FROM_END: cli->from_end = true; return -1;
    case OPT_REPORT:
        if (cli->n_reports == KT_CLI_MAX_REPORTS) {
            kt_cli_error("--report: at most %d reports", KT_CLI_MAX_REPORTS);
            return KT_EXIT_USAGE;
        }
        if (kt_reporter_for_path(arg) == NULL) {
            kt_cli_error("--report: '%s' has no known extension (.json, .md, .html)", arg);
            return KT_EXIT_USAGE;
        }
        cli->report_paths[cli->n_reports++] = arg;
        return -1;
    case OPT_GEOIP: cli->geoip_path = arg; return -1;
    case OPT_ASN: cli->asn_path = arg; return -1;
    case OPT_CONFIG: cli->config_path = arg; return -1;
    case OPT_IP_LIST: cli->ip_list_path = arg; return -1;
    case OPT_LEAKED: cli->leaked_path = arg; return -1;
    case OPT_ROTATED: cli->rotated_path = arg; return -1;
    case OPT_LIST_DETECTORS: list_detectors(); return KT_EXIT_OK;
    case OPT_STATE: cli->state_path = arg; return -1;
    case OPT_STATE_RESET: cli->state_reset = true; return -1;
    case OPT_WAIT: cli->state_wait = true; return -1;
    case OPT_REPROCESS: cli->reprocess = true; return -1;
    case OPT_LEAKED_AT:
    case OPT_ROTATED_AT:
    case OPT_SINCE:
    case OPT_UNTIL: {
        int64_t *t = o->id == OPT_LEAKED_AT    ? &cli->leaked_at_ms
                     : o->id == OPT_ROTATED_AT ? &cli->rotated_at_ms
                     : o->id == OPT_SINCE      ? &cli->since_ms
                                               : &cli->until_ms;
        if (!kt_time_parse_arg(arg, t)) {
            kt_cli_error("--%s: expected a time like 2026-11-02 or 2026-11-02T14:00:00Z, got "
                         "'%s'",
                         o->name, arg);
            return KT_EXIT_USAGE;
        }
        return -1;
    }
    case OPT_FORGET_AFTER: {
        char *end;
        errno = 0;
        long v = strtol(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 36500) {
            kt_cli_error("--forget-after: expected a number of days from 0 to 36500, got '%s'",
                         arg);
            return KT_EXIT_USAGE;
        }
        cli->forget_after_days = v;
        return -1;
    }
    case OPT_SCHEMA:
        if (strcmp(arg, "maxmind") != 0 && strcmp(arg, "flat") != 0) {
            kt_cli_error("--schema: expected maxmind or flat, got '%s'", arg);
            return KT_EXIT_USAGE;
        }
        cli->schema = arg;
        return -1;
    case OPT_KEY:
        if (cli->cmd->bit == C_HUNT) {
            /* Kept as typed (argv memory, wiped once read): hunt_keys.c reads it. */
            if (cli->n_hunt_keys == KT_CLI_MAX_KEYS) {
                kt_cli_error("--key: at most %d keys", KT_CLI_MAX_KEYS);
                return KT_EXIT_USAGE;
            }
            cli->hunt_keys[cli->n_hunt_keys++] = (char *)arg;
            return -1;
        }
        if (cli->n_key_filter == KT_CLI_MAX_KEYS) {
            kt_cli_error("--key: at most %d keys", KT_CLI_MAX_KEYS);
            return KT_EXIT_USAGE;
        }
        if (!kt_keyid_parse(kt_str_cstr(arg), &cli->key_filter[cli->n_key_filter])) {
            kt_cli_error("--key: '%s' is not a key id (kt1-...; see `keytrail fingerprint`)",
                         arg);
            return KT_EXIT_USAGE;
        }
        cli->n_key_filter++;
        cli->keyed = true;
        return -1;
    }
    return -1;
}

/* Parses argv after the command name. Returns -1 to run the command, else an exit status. */
static int parse_args(struct kt_cli *cli, int argc, char **argv)
{
    unsigned bit = command_bit(cli->cmd);
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            cli->paths[cli->n_paths++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        const struct opt *o;
        const char *inline_arg = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(name, len, bit);
            inline_arg = eq ? eq + 1 : NULL;
        } else {
            o = a[2] == '\0' ? find_short(a[1]) : NULL;
        }
        if (o == NULL || !(o->commands & bit)) {
            kt_cli_error("%s: unknown option '%s' (see `keytrail %s --help`)", cli->cmd->name, a,
                         cli->cmd->name);
            return KT_EXIT_USAGE;
        }
        const char *arg = NULL;
        if (o->arg != NULL) {
            if (inline_arg != NULL) {
                arg = inline_arg;
            } else if (i + 1 < argc) {
                arg = argv[++i];
            } else {
                kt_cli_error("option --%s needs %s", o->name, o->arg);
                return KT_EXIT_USAGE;
            }
        } else if (inline_arg != NULL) {
            kt_cli_error("option --%s takes no argument", o->name);
            return KT_EXIT_USAGE;
        }
        int code = apply_option(cli, o, arg);
        if (code >= 0) {
            return code;
        }
    }
    if (cli->n_paths < cli->cmd->paths_min) {
        kt_cli_error("%s: no input given (usage: keytrail %s %s)", cli->cmd->name,
                     cli->cmd->name, cli->cmd->args);
        return KT_EXIT_USAGE;
    }
    return -1;
}

int kt_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return KT_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_usage(stdout);
        return KT_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("keytrail %s\n", KT_VERSION);
        return KT_EXIT_OK;
    }
    const struct kt_command *cmd = NULL;
    for (size_t i = 0; i < KT_ARRAY_LEN(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            cmd = &commands[i];
        }
    }
    if (cmd == NULL) {
        kt_cli_error("unknown command '%s'", name);
        print_usage(stderr);
        return KT_EXIT_USAGE;
    }
    struct kt_cli *cli = calloc(1, sizeof(*cli));
    char **paths = calloc((size_t)argc, sizeof(char *));
    int code = KT_EXIT_FATAL;
    if (cli == NULL || paths == NULL) {
        kt_cli_error("out of memory");
        goto out;
    }
    cli->cmd = cmd;
    cli->paths = paths;
    cli->max_keys = KT_CLI_DEFAULT_MAX_KEYS;
    cli->since_ms = cli->until_ms = KT_TIME_NONE;
    cli->leaked_at_ms = cli->rotated_at_ms = KT_TIME_NONE;
    cli->forget_after_days = -1;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    cli->started_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    code = parse_args(cli, argc - 2, argv + 2);
    if (code < 0) {
        cli->progress = !cli->quiet && isatty(STDERR_FILENO);
        code = cmd->run(cli);
    }
out:
    free(paths);
    free(cli);
    return code;
}
