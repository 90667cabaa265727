/*
 * `keytrail scan`: the main job. Reads the logs through the pipeline, feeds every event with a
 * credential to the detection engine, streams an alert per new finding, and ends with a verdict
 * per key: the reports (--report), a short summary on stderr, and an exit status a cron job can
 * act on (1 when a key must be rotated).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include <keytrail/report.h>

#include "alerts.h"
#include "cli.h"
#include "engine.h"
#include "jsonw.h"
#include "out.h"
#include "state.h"
#include "scan_shared.h"
#include "timefmt.h"

struct scan_ctx {
    struct kt_engine *engine;
    struct kt_jw alerts;
    bool flush_each; /* live input: each alert leaves as soon as it is made */
    int64_t since_ms, until_ms;
    uint64_t filtered; /* events outside --since/--until */
};

static enum kt_rc on_event(void *ctx, const struct kt_event *ev)
{
    struct scan_ctx *sc = ctx;
    if ((sc->since_ms != KT_TIME_NONE || sc->until_ms != KT_TIME_NONE) &&
        (ev->time_ms == KT_TIME_NONE ||
         (sc->since_ms != KT_TIME_NONE && ev->time_ms < sc->since_ms) ||
         (sc->until_ms != KT_TIME_NONE && ev->time_ms >= sc->until_ms))) {
        sc->filtered++;
        return KT_OK;
    }
    enum kt_rc rc = kt_engine_event(sc->engine, ev);
    if (rc == KT_OK && kt_jw_failed(&sc->alerts)) {
        rc = KT_EIO;
    }
    return rc;
}

static void on_alert(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks)
{
    struct scan_ctx *sc = ctx;
    kt_alert_write(&sc->alerts, f, ks->family, ks->hint);
    if (sc->flush_each) {
        kt_jw_flush(&sc->alerts);
    }
}

/* Loads the optional inputs of detection; prints the error and returns false on failure. */
struct scan_inputs {
    struct kt_config cfg;
    bool cfg_ready;
    struct kt_geodb *geo;
    struct kt_netset *ip_list;
    struct kt_leaked *leaked;
    struct kt_leaked *rotated;
};

static bool load_inputs(struct kt_cli *cli, struct scan_inputs *in)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_config_init(&in->cfg) != KT_OK) {
        kt_cli_error("out of memory");
        return false;
    }
    in->cfg_ready = true;
    if (cli->config_path != NULL && kt_config_load(&in->cfg, cli->config_path, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where, err.msg);
        return false;
    }
    if (kt_geodb_open(&in->geo, cli->geoip_path, cli->asn_path, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : "geoip", err.msg);
        return false;
    }
    if (cli->ip_list_path != NULL) {
        if (kt_netset_new(&in->ip_list) != KT_OK ||
            kt_netset_load(in->ip_list, cli->ip_list_path, &err) != KT_OK) {
            kt_cli_error("%s: %s", err.where[0] ? err.where : cli->ip_list_path, err.msg);
            return false;
        }
    }
    if (cli->leaked_path != NULL &&
        kt_leaked_load(&in->leaked, cli->leaked_path, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : cli->leaked_path, err.msg);
        return false;
    }
    if (cli->rotated_path != NULL &&
        kt_rotated_load(&in->rotated, cli->rotated_path, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : cli->rotated_path, err.msg);
        return false;
    }
    return true;
}

static void free_inputs(struct scan_inputs *in)
{
    if (in->cfg_ready) {
        kt_config_fini(&in->cfg);
    }
    kt_geodb_free(in->geo);
    kt_netset_free(in->ip_list);
    kt_leaked_free(in->leaked);
    kt_leaked_free(in->rotated);
}

static int open_alerts(const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        return STDOUT_FILENO;
    }
    return kt_out_open(path);
}

static bool write_reports(struct kt_cli *cli, const struct kt_report *r)
{
    bool ok = true;
    for (size_t i = 0; i < cli->n_reports; i++) {
        const char *path = cli->report_paths[i];
        const struct kt_reporter *rep = kt_reporter_for_path(path);
        FILE *f = kt_out_fopen(path);
        if (f == NULL) {
            kt_cli_error("%s: cannot write the report: %s", path, strerror(errno));
            ok = false;
            continue;
        }
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = rep->render(r, f, &err);
        if (fclose(f) != 0 && rc == KT_OK) {
            rc = KT_EIO;
        }
        if (rc != KT_OK) {
            kt_cli_error("%s: cannot write the report: %s", path,
                         err.msg[0] ? err.msg : kt_strerror(rc));
            ok = false;
        }
    }
    return ok;
}

/* The human summary: keys seen, then each key to rotate with its hint and top reason. */
static void print_verdicts(const struct kt_report *r)
{
    char n[32];
    fprintf(stderr, "keytrail: %s keys seen: %" PRIu64 " to rotate, %" PRIu64
                    " to investigate, %" PRIu64 " ok\n",
            kt_fmt_count(r->totals.keys, n, sizeof(n)), r->totals.rotate, r->totals.investigate,
            r->totals.ok);
    if (r->totals.learning > 0) {
        fprintf(stderr, "keytrail: %" PRIu64 " of the ok keys are still learning (a baseline "
                        "needs more days or events): ok means nothing suspicious seen, not "
                        "checked against their habits\n",
                r->totals.learning);
    }
    if (r->totals.evicted > 0) {
        char cap[32], ev[32];
        kt_fmt_count(r->totals.max_keys, cap, sizeof(cap));
        kt_fmt_count(r->totals.evicted, ev, sizeof(ev));
        fprintf(stderr, "keytrail: --max-keys %s reached: %s keys evicted, least recently used "
                        "first (%" PRIu64 " at rotate, %" PRIu64 " at investigate when evicted; "
                        "their alerts were written)\n",
                cap, ev, r->totals.evicted_rotate, r->totals.evicted_investigate);
    }
    struct kt_report_key buf;
    for (size_t i = 0; i < r->n_keys; i++) {
        if (kt_report_verdict(r, i) == KT_VERDICT_OK) {
            break; /* in report order: the rest are ok */
        }
        const struct kt_report_key *k = kt_report_key_get(r, i, &buf);
        char id[KT_KEYID_STRLEN + 1];
        kt_keyid_format(&k->key, id);
        fprintf(stderr, "  %-11s %s  %s  %s  risk %d\n", kt_verdict_name(k->verdict), k->hint,
                kt_family_name(k->family), id, k->risk);
        if (k->note[0] != '\0') {
            fprintf(stderr, "      %s\n", k->note);
        }
        /* The strongest finding of each of up to three detectors: the story in brief. */
        const char *shown[3];
        size_t n_shown = 0;
        for (size_t f = 0; f < k->n_findings && n_shown < 3; f++) {
            const struct kt_finding *fd = k->findings[f];
            bool seen = false;
            for (size_t s = 0; s < n_shown; s++) {
                seen |= strcmp(shown[s], fd->detector) == 0;
            }
            if (!seen) {
                shown[n_shown++] = fd->detector;
                fprintf(stderr, "      %s: %s\n", fd->detector, fd->reason);
            }
        }
    }
}

/* Says what the state held and what the ledger let the run skip. */
static void print_state(struct kt_cli *cli, const struct kt_state_info *si, bool found,
                        struct kt_pipeline *pl)
{
    if (cli->quiet) {
        return;
    }
    char from[KT_TIME_STRLEN] = "", to[KT_TIME_STRLEN] = "", n[32];
    if (!found) {
        fprintf(stderr, "keytrail: state %s: %s\n", cli->state_path,
                cli->state_reset ? "starting afresh (--state-reset)" : "new, starting afresh");
    } else {
        kt_time_format(si->from_ms, from);
        kt_time_format(si->to_ms, to);
        fprintf(stderr, "keytrail: state %s: %s keys, %" PRIu64 " findings, %" PRIu64
                        " inputs read before, events %s to %s\n",
                cli->state_path, kt_fmt_count(si->keys, n, sizeof(n)), si->findings,
                si->inputs, from[0] ? from : "-", to[0] ? to : "-");
    }
    uint64_t skipped = kt_pipeline_ledger_skipped(pl);
    uint64_t resumed = kt_pipeline_ledger_resumed_bytes(pl);
    if (skipped > 0 || resumed > 0) {
        fprintf(stderr, "keytrail: %" PRIu64 " input%s skipped as already read, %" PRIu64
                        " bytes skipped in inputs read on from where the last run stopped\n",
                skipped, skipped == 1 ? "" : "s", resumed);
    }
}

/* Opens --state: checks the path, takes the lock, loads it into the engine and ledger. */
static bool open_state(struct kt_cli *cli, struct kt_engine *e, struct kt_ledger *lg,
                       struct kt_state_lock **lock, struct kt_state_info *si, bool *found)
{
    struct kt_err err;
    kt_err_clear(&err);
    *found = false;
    if (kt_state_check_path(cli->state_path, &err) != KT_OK ||
        kt_state_lock(cli->state_path, cli->state_wait, lock, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : cli->state_path, err.msg);
        return false;
    }
    if (cli->state_reset) {
        return true;
    }
    if (kt_state_load(cli->state_path, e, lg, found, si, &err) != KT_OK) {
        kt_cli_error("%s: %s (left as it is; --state-reset starts afresh and replaces it)",
                     err.where[0] ? err.where : cli->state_path, err.msg);
        return false;
    }
    return true;
}

/* Applies retention and saves the state; prints the error and returns false on failure. */
static bool save_state(struct kt_cli *cli, const struct kt_config *cfg, struct kt_engine *e,
                       const struct kt_ledger *lg, struct kt_state_info *si)
{
    struct kt_retention ret = {
        .key_days = cli->forget_after_days >= 0 ? (uint32_t)cli->forget_after_days
                                                : (uint32_t)cfg->retention_key_days,
        .entry_days = (uint32_t)cfg->retention_entry_days,
    };
    struct kt_engine_history h;
    kt_engine_history_get(e, &h);
    uint64_t dropped = kt_engine_age(e, h.to_ms, &ret);
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_state_save(cli->state_path, e, lg, si, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : cli->state_path, err.msg);
        return false;
    }
    if (!cli->quiet) {
        char n[32];
        fprintf(stderr, "keytrail: state saved to %s: %s keys, %" PRIu64 " bytes", cli->state_path,
                kt_fmt_count(si->keys, n, sizeof(n)), si->file_bytes);
        if (dropped > 0) {
            fprintf(stderr, " (%" PRIu64 " keys unused for %u days dropped)", dropped,
                    ret.key_days);
        }
        fprintf(stderr, "\n");
    }
    return true;
}

int kt_cmd_scan(struct kt_cli *cli)
{
    int code = KT_EXIT_FATAL;
    struct scan_inputs in = { 0 };
    struct kt_pipeline *pl = NULL;
    struct scan_ctx sc = { .since_ms = cli->since_ms, .until_ms = cli->until_ms };
    int alerts_fd = -1;
    bool alerts_open = false;
    struct kt_ledger *ledger = NULL;
    struct kt_state_lock *lock = NULL;
    struct kt_state_info si = { 0 };
    bool state_found = false;
    if (cli->state_path == NULL && (cli->state_reset || cli->state_wait || cli->reprocess ||
                                    cli->forget_after_days >= 0)) {
        kt_cli_error("--state-reset, --wait, --reprocess and --forget-after need --state FILE");
        code = KT_EXIT_USAGE;
        goto out;
    }
    /* Every output is checked before anything is loaded or read, so a typo in a path fails
     * at once, not after hours of reading; nothing is created yet. */
    bool outputs_ok = kt_cli_check_output(cli->alerts_path, "alerts");
    for (size_t i = 0; i < cli->n_reports; i++) {
        outputs_ok &= kt_cli_check_output(cli->report_paths[i], "the report");
    }
    if (!outputs_ok) {
        code = KT_EXIT_USAGE;
        goto out;
    }
    if (!load_inputs(cli, &in)) {
        code = KT_EXIT_USAGE;
        goto out;
    }
    if (!kt_geodb_has_location(in.geo) && !cli->quiet) {
        fprintf(stderr, "keytrail: no geolocation database (--geoip, or one in /usr/share/GeoIP): "
                        "the geographic detectors are off\n");
    } else if (!cli->quiet) {
        fprintf(stderr, "keytrail: geolocation: %s\n", kt_geodb_describe(in.geo));
    }
    pl = kt_cli_pipeline(cli, &code);
    if (pl == NULL) {
        goto out;
    }
    alerts_fd = open_alerts(cli->alerts_path);
    if (alerts_fd < 0) {
        kt_cli_error("%s: cannot write alerts: %s", cli->alerts_path, strerror(errno));
        code = KT_EXIT_USAGE;
        goto out;
    }
    if (kt_jw_init(&sc.alerts, alerts_fd) != KT_OK) {
        kt_cli_error("out of memory");
        goto out;
    }
    alerts_open = true;
    for (size_t i = 0; i < cli->n_paths; i++) {
        sc.flush_each |= strcmp(cli->paths[i], "-") == 0;
    }
    struct kt_engine_opts eo = {
        .cfg = &in.cfg,
        .geo = in.geo,
        .ip_list = in.ip_list,
        .leaked = in.leaked,
        .rotated = in.rotated,
        .on_alert = on_alert,
        .alert_ctx = &sc,
        .max_keys = cli->max_keys,
    };
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_engine_new(&sc.engine, &eo, &err) != KT_OK) {
        kt_cli_error("%s", err.msg);
        goto out;
    }
    if (cli->state_path != NULL) {
        if (kt_ledger_new(&ledger) != KT_OK) {
            kt_cli_error("out of memory");
            goto out;
        }
        if (!open_state(cli, sc.engine, ledger, &lock, &si, &state_found)) {
            code = KT_EXIT_USAGE;
            goto out;
        }
        kt_pipeline_set_ledger(pl, ledger, cli->reprocess);
    }
    enum kt_rc rc = kt_pipeline_run(pl, cli->paths, cli->n_paths, on_event, &sc, &err);
    alerts_open = false;
    if (kt_jw_fini(&sc.alerts) != KT_OK && rc == KT_OK) {
        rc = KT_EIO;
    }
    struct kt_report report;
    bool reports_ok = true;
    if (rc == KT_OK) {
        rc = kt_engine_report(sc.engine, cli->n_reports > 0, &report);
    }
    if (rc == KT_OK) {
        const struct kt_run_stats *st = kt_pipeline_stats(pl);
        report.totals.files = st->files;
        report.totals.damaged_files = st->files_damaged + st->files_unreadable;
        report.totals.records = st->records;
        report.totals.events = st->events;
        report.totals.malformed = st->bad_total;
        report.geo = kt_geodb_describe(in.geo);
        report.version = KT_VERSION;
        reports_ok = write_reports(cli, &report);
    }
    code = kt_cli_finish(cli, pl, rc, &err);
    if (rc == KT_OK) {
        if (cli->state_path != NULL) {
            print_state(cli, &si, state_found, pl);
        }
        if (!cli->quiet) {
            print_verdicts(&report);
        }
        if (cli->state_path != NULL && !save_state(cli, &in.cfg, sc.engine, ledger, &si)) {
            code |= KT_EXIT_FATAL;
        }
        if (!reports_ok) {
            code |= KT_EXIT_FATAL;
        }
        /* A key evicted at rotate still has to be rotated: its alerts said so. */
        if (report.totals.rotate > 0 || report.totals.evicted_rotate > 0) {
            code |= KT_EXIT_FINDINGS;
        }
        if (report.totals.investigate > 0 || report.totals.evicted_investigate > 0) {
            code |= KT_EXIT_INVESTIGATE;
        }
    }
out:
    if (alerts_open) {
        kt_jw_fini(&sc.alerts);
    }
    if (alerts_fd > STDERR_FILENO) {
        kt_out_close(alerts_fd);
    }
    kt_engine_free(sc.engine);
    kt_pipeline_free(pl);
    kt_ledger_free(ledger);
    kt_state_unlock(lock);
    free_inputs(&in);
    return code;
}

/* ---- shared with `watch` (scan_shared.h) ---- */

struct kt_scan_inputs {
    struct scan_inputs in;
};

struct kt_scan_inputs *kt_scan_inputs_load(struct kt_cli *cli)
{
    struct kt_scan_inputs *si = calloc(1, sizeof(*si));
    if (si == NULL) {
        kt_cli_error("out of memory");
        return NULL;
    }
    if (!load_inputs(cli, &si->in)) {
        kt_scan_inputs_free(si);
        return NULL;
    }
    return si;
}

void kt_scan_inputs_free(struct kt_scan_inputs *si)
{
    if (si != NULL) {
        free_inputs(&si->in);
        free(si);
    }
}

void kt_scan_inputs_engine_opts(const struct kt_scan_inputs *si, struct kt_engine_opts *eo)
{
    eo->cfg = &si->in.cfg;
    eo->geo = si->in.geo;
    eo->ip_list = si->in.ip_list;
    eo->leaked = si->in.leaked;
    eo->rotated = si->in.rotated;
}

const char *kt_scan_inputs_geo(const struct kt_scan_inputs *si)
{
    return kt_geodb_has_location(si->in.geo) ? kt_geodb_describe(si->in.geo) : NULL;
}

bool kt_scan_write_reports(struct kt_cli *cli, struct kt_report *r,
                           const struct kt_run_stats *st, const struct kt_scan_inputs *si)
{
    r->totals.files = st->files;
    r->totals.damaged_files = st->files_damaged + st->files_unreadable;
    r->totals.records = st->records;
    r->totals.events = st->events;
    r->totals.malformed = st->bad_total;
    r->geo = kt_geodb_describe(si->in.geo);
    r->version = KT_VERSION;
    return write_reports(cli, r);
}

void kt_scan_print_verdicts(const struct kt_report *r)
{
    print_verdicts(r);
}

bool kt_scan_state_open(struct kt_cli *cli, struct kt_engine *e, struct kt_ledger *lg,
                        struct kt_state_lock **lock, struct kt_state_info *si, bool *found)
{
    return open_state(cli, e, lg, lock, si, found);
}

bool kt_scan_state_save(struct kt_cli *cli, const struct kt_scan_inputs *in, struct kt_engine *e,
                        const struct kt_ledger *lg, struct kt_state_info *si)
{
    return save_state(cli, &in->in.cfg, e, lg, si);
}
