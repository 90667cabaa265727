/*
 * What `scan` shares with `watch` (cmd_scan.c): the detection inputs (config, geolocation,
 * --ip-list, --leaked), the reports and the verdict summary, so both commands judge keys the
 * same way.
 */
#ifndef KEYTRAIL_SCAN_SHARED_H
#define KEYTRAIL_SCAN_SHARED_H

#include <keytrail/report.h>

#include "cli.h"
#include "engine.h"
#include "runstats.h"
#include "state.h"

struct kt_scan_inputs;

/* Loads --config, --geoip/--asn, --ip-list, --leaked; prints the error and returns NULL on
 * failure (a usage error). */
struct kt_scan_inputs *kt_scan_inputs_load(struct kt_cli *cli);
void kt_scan_inputs_free(struct kt_scan_inputs *si);

/* Sets the engine options that come from the inputs (cfg, geo, ip_list, leaked). */
void kt_scan_inputs_engine_opts(const struct kt_scan_inputs *si, struct kt_engine_opts *eo);

/* The geolocation database's description, or NULL when there is none with locations. */
const char *kt_scan_inputs_geo(const struct kt_scan_inputs *si);

/* Fills the report's run totals and writes every --report; false (message printed) when one
 * could not be written. */
bool kt_scan_write_reports(struct kt_cli *cli, struct kt_report *r, const struct kt_run_stats *st,
                           const struct kt_scan_inputs *si);

/* The summary on stderr: keys seen, then each key to act on with its strongest findings. */
void kt_scan_print_verdicts(const struct kt_report *r);

/* --state: checks the path, takes the lock (--wait), loads it into e and lg unless
 * --state-reset; false (message printed) on failure, a usage error. */
bool kt_scan_state_open(struct kt_cli *cli, struct kt_engine *e, struct kt_ledger *lg,
                        struct kt_state_lock **lock, struct kt_state_info *si, bool *found);

/* Applies retention (--forget-after, config retention) and saves the state atomically; false
 * (message printed) on failure. */
bool kt_scan_state_save(struct kt_cli *cli, const struct kt_scan_inputs *in, struct kt_engine *e,
                        const struct kt_ledger *lg, struct kt_state_info *si);

#endif
