/*
 * `keytrail watch`: scan's detection over live logs. The files are followed like `tail -F`
 * (follow.h), each line goes through the pipeline's live input and the engine as soon as it is
 * read, and each alert is written and flushed at once (line-buffered), so an alert leaves
 * within milliseconds of its line being written.
 *
 * One checkpoint function runs every --checkpoint interval (also when no line arrives), on
 * SIGTERM and SIGINT before exiting, and when the inputs end: it flushes the alerts, rewrites
 * the --report files and prints a one-line summary (keys held, evictions, verdicts). It is the
 * single place where the persistent state (--state, issue 8 §1) is to be saved. SIGHUP reopens
 * the alerts file (appending), for logrotate; reports are rewritten whole at each checkpoint.
 * Memory stays flat: --max-keys bounds the keys held (least recently used evicted, counted).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "cli.h"
#include "engine.h"
#include "follow.h"
#include "jsonw.h"
#include "out.h"
#include "scan_shared.h"

static volatile sig_atomic_t stop_signal;   /* SIGTERM or SIGINT received */
static volatile sig_atomic_t reopen_signal; /* SIGHUP received */

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        reopen_signal = 1;
    } else {
        stop_signal = sig;
    }
}

struct watch {
    struct kt_cli *cli;
    struct kt_pipeline *pl;
    struct kt_engine *engine;
    struct kt_scan_inputs *in;
    struct kt_pipeline_live **live; /* one per path */
    size_t n_live;
    struct kt_jw alerts;
    bool alerts_open;
    int alerts_fd;
    uint64_t lines;
    uint64_t checkpoints;
    /* --state: the state is locked for the whole run, loaded at start and saved at every
     * checkpoint; the ledger is scan's, carried through unchanged. */
    struct kt_ledger *ledger;
    struct kt_state_lock *lock;
    struct kt_state_info state_info;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_alert(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks)
{
    struct watch *w = ctx;
    kt_alert_write(&w->alerts, f, ks->family, ks->hint);
    kt_jw_flush(&w->alerts); /* line-buffered: the alert leaves now */
}

static enum kt_rc on_event(void *ctx, const struct kt_event *ev)
{
    struct watch *w = ctx;
    enum kt_rc rc = kt_engine_event(w->engine, ev);
    if (rc == KT_OK && kt_jw_failed(&w->alerts)) {
        rc = KT_EIO;
    }
    return rc;
}

static enum kt_rc on_line(void *ctx, size_t index, uint64_t line, struct kt_str text, bool oversize)
{
    struct watch *w = ctx;
    w->lines++;
    return kt_pipeline_live_line(w->pl, w->live[index], line, text, oversize, on_event, w);
}

static void on_note(void *ctx, const struct kt_err *err)
{
    struct watch *w = ctx;
    if (!w->cli->quiet || err->rc != KT_OK) {
        kt_cli_error("%s: %s", err->where, err->msg);
    }
}

static int open_alerts(const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        return STDOUT_FILENO;
    }
    return kt_out_open_append(path);
}

/* SIGHUP: logrotate moved the alerts file away; the next alert goes to a new one. */
static bool reopen_alerts(struct watch *w)
{
    if (w->alerts_fd <= STDERR_FILENO) {
        return true;
    }
    kt_jw_fini(&w->alerts);
    w->alerts_open = false;
    kt_out_close(w->alerts_fd);
    w->alerts_fd = open_alerts(w->cli->alerts_path);
    if (w->alerts_fd < 0) {
        kt_cli_error("%s: cannot reopen the alerts: %s", w->cli->alerts_path, strerror(errno));
        return false;
    }
    if (kt_jw_init(&w->alerts, w->alerts_fd) != KT_OK) {
        return false;
    }
    w->alerts_open = true;
    return true;
}

/*
 * The checkpoint: every --checkpoint interval, on SIGTERM/SIGINT and at the end of the inputs.
 * Flushes the alerts, rewrites the reports, saves the state (--state: a restart loses nothing
 * judged before the last checkpoint) and prints the summary line.
 * Returns false when an output could not be written.
 */
static bool checkpoint(struct watch *w, bool final, struct kt_report *report)
{
    w->checkpoints++;
    bool ok = kt_jw_flush(&w->alerts) == KT_OK;
    struct kt_cli *cli = w->cli;
    if (kt_engine_report(w->engine, cli->n_reports > 0, report) != KT_OK) {
        kt_cli_error("out of memory");
        return false;
    }
    const struct kt_run_stats *st = kt_pipeline_stats(w->pl);
    ok &= kt_scan_write_reports(cli, report, st, w->in);
    if (cli->state_path != NULL) {
        ok &= kt_scan_state_save(cli, w->in, w->engine, w->ledger, &w->state_info);
    }
    if (!cli->quiet) {
        fprintf(stderr,
                "keytrail: watch %s: %" PRIu64 " lines, %" PRIu64 " events (%" PRIu64
                " with credentials), %" PRIu64 " malformed; keys held: %zu (--max-keys %" PRIu64
                ", %" PRIu64 " evicted): %" PRIu64 " to rotate, %" PRIu64 " to investigate\n",
                final ? "end" : "checkpoint", w->lines, st->events, st->events_keyed, st->bad_total,
                kt_engine_keys(w->engine), report->totals.max_keys, report->totals.evicted,
                report->totals.rotate, report->totals.investigate);
        kt_out_flush(STDERR_FILENO, NULL);
    }
    return ok;
}

static bool parse_interval(const char *s, int64_t *ms)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || v <= 0) {
        return false;
    }
    long long mul = 1000;
    if (strcmp(end, "ms") == 0) {
        mul = 1;
    } else if (strcmp(end, "s") == 0 || *end == '\0') {
        mul = 1000;
    } else if (strcmp(end, "m") == 0) {
        mul = 60 * 1000;
    } else if (strcmp(end, "h") == 0) {
        mul = 3600 * 1000;
    } else {
        return false;
    }
    if (v > INT64_MAX / mul / 2) {
        return false;
    }
    *ms = v * mul;
    return true;
}

int kt_cmd_watch(struct kt_cli *cli)
{
    int code = KT_EXIT_FATAL;
    struct watch w = {.cli = cli, .alerts_fd = -1};
    struct kt_follow *follow = NULL;
    static char *stdin_only[] = {"-"};
    char **paths = cli->n_paths > 0 ? cli->paths : stdin_only;
    size_t n_paths = cli->n_paths > 0 ? cli->n_paths : 1;
    int64_t every_ms = 60 * 1000;
    if (cli->checkpoint != NULL && !parse_interval(cli->checkpoint, &every_ms)) {
        kt_cli_error("--checkpoint: expected a duration such as 60s, 5m or 1h, got '%s'",
                     cli->checkpoint);
        return KT_EXIT_USAGE;
    }
    bool outputs_ok = kt_cli_check_output(cli->alerts_path, "alerts");
    for (size_t i = 0; i < cli->n_reports; i++) {
        outputs_ok &= kt_cli_check_output(cli->report_paths[i], "the report");
    }
    if (!outputs_ok) {
        return KT_EXIT_USAGE;
    }
    w.in = kt_scan_inputs_load(cli);
    if (w.in == NULL) {
        code = KT_EXIT_USAGE;
        goto out;
    }
    if (!cli->quiet) {
        const char *geo = kt_scan_inputs_geo(w.in);
        fprintf(stderr,
                geo ? "keytrail: geolocation: %s\n"
                    : "keytrail: no geolocation database%s: the geographic detectors "
                      "are off\n",
                geo ? geo : "");
    }
    cli->progress = false; /* the checkpoint lines say how far it got */
    w.pl = kt_cli_pipeline(cli, &code);
    if (w.pl == NULL) {
        goto out;
    }
    struct kt_err err;
    kt_err_clear(&err);
    /* KEYTRAIL_NO_INOTIFY=1 forces the polling fallback (tests, file systems without it). */
    const char *no_inotify = getenv("KEYTRAIL_NO_INOTIFY");
    struct kt_follow_opts fo = {
        .max_line = cli->max_record,
        /* A state that exists has judged the files' lines so far: read on from their end,
         * never twice (lines written while watch was stopped are not read). */
        .from_end = cli->from_end || (cli->state_path != NULL && !cli->state_reset &&
                                      access(cli->state_path, F_OK) == 0),
        .no_inotify = no_inotify != NULL && strcmp(no_inotify, "1") == 0,
    };
    enum kt_rc rc = kt_follow_new(&follow, paths, n_paths, &fo, on_line, on_note, &w, &err);
    if (rc != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : "watch", err.msg);
        code = rc == KT_EUSAGE ? KT_EXIT_USAGE : KT_EXIT_FATAL;
        goto out;
    }
    w.live = calloc(n_paths, sizeof(*w.live));
    if (w.live == NULL) {
        kt_cli_error("out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_paths; i++, w.n_live++) {
        if (kt_pipeline_live_new(w.pl, paths[i], &w.live[i]) != KT_OK) {
            kt_cli_error("out of memory");
            goto out;
        }
    }
    w.alerts_fd = open_alerts(cli->alerts_path);
    if (w.alerts_fd < 0) {
        kt_cli_error("%s: cannot write alerts: %s", cli->alerts_path, strerror(errno));
        code = KT_EXIT_USAGE;
        goto out;
    }
    if (kt_jw_init(&w.alerts, w.alerts_fd) != KT_OK) {
        kt_cli_error("out of memory");
        goto out;
    }
    w.alerts_open = true;
    struct kt_engine_opts eo = {
        .on_alert = on_alert,
        .alert_ctx = &w,
        .max_keys = cli->max_keys,
    };
    kt_scan_inputs_engine_opts(w.in, &eo);
    if (kt_engine_new(&w.engine, &eo, &err) != KT_OK) {
        kt_cli_error("%s", err.msg);
        goto out;
    }
    if (cli->state_path != NULL) {
        bool found = false;
        if (kt_ledger_new(&w.ledger) != KT_OK) {
            kt_cli_error("out of memory");
            goto out;
        }
        if (!kt_scan_state_open(cli, w.engine, w.ledger, &w.lock, &w.state_info, &found)) {
            code = KT_EXIT_USAGE;
            goto out;
        }
        if (!cli->quiet) {
            fprintf(stderr, "keytrail: state %s: %s\n", cli->state_path,
                    found ? "loaded; following from the end of each file" : "new");
        }
    }
    if (!cli->quiet) {
        fprintf(stderr, "keytrail: watching %zu input%s (%s), checkpoint every %" PRId64 " s\n",
                n_paths, n_paths == 1 ? "" : "s",
                kt_follow_uses_inotify(follow) ? "inotify" : "polling", every_ms / 1000);
    }

    /* No SA_RESTART: a signal ends the wait at once. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct kt_report report;
    int64_t next_checkpoint = mono_ms() + every_ms;
    bool ok = true;
    rc = KT_OK;
    for (;;) {
        rc = kt_follow_read(follow);
        if (rc != KT_OK || stop_signal || kt_follow_done(follow)) {
            break;
        }
        if (reopen_signal) {
            reopen_signal = 0;
            if (!reopen_alerts(&w)) {
                rc = KT_EIO;
                break;
            }
        }
        int64_t now = mono_ms();
        if (now >= next_checkpoint) {
            ok &= checkpoint(&w, false, &report);
            next_checkpoint = now + every_ms;
        }
        kt_follow_wait(follow, (int)(next_checkpoint - now < 1000 ? next_checkpoint - now : 1000));
    }
    ok &= checkpoint(&w, true, &report);
    if (rc != KT_OK) {
        kt_cli_error("%s", rc == KT_EIO ? "the alerts could not be written" : kt_strerror(rc));
        code = KT_EXIT_FATAL;
        goto out;
    }
    code = kt_run_stats_damaged(kt_pipeline_stats(w.pl)) ? KT_EXIT_DAMAGED : KT_EXIT_OK;
    if (!stop_signal) {
        /* The inputs ended (a pipe): the verdicts, as scan gives them. */
        if (!cli->quiet) {
            kt_scan_print_verdicts(&report);
        }
        if (report.totals.rotate > 0 || report.totals.evicted_rotate > 0) {
            code |= KT_EXIT_FINDINGS;
        }
        if (report.totals.investigate > 0 || report.totals.evicted_investigate > 0) {
            code |= KT_EXIT_INVESTIGATE;
        }
    } else if (!cli->quiet) {
        fprintf(stderr, "keytrail: stopped by signal %d\n", (int)stop_signal);
    }
    if (!ok) {
        code |= KT_EXIT_FATAL;
    }
out:
    if (w.alerts_open) {
        kt_jw_fini(&w.alerts);
    }
    if (w.alerts_fd > STDERR_FILENO) {
        kt_out_close(w.alerts_fd);
    }
    for (size_t i = 0; i < w.n_live; i++) {
        kt_pipeline_live_free(w.pl, w.live[i]);
    }
    free(w.live);
    kt_follow_free(follow);
    kt_engine_free(w.engine);
    kt_pipeline_free(w.pl);
    kt_scan_inputs_free(w.in);
    kt_ledger_free(w.ledger);
    kt_state_unlock(w.lock);
    return code;
}
