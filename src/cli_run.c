/*
 * What every log-reading command shares: building the pipeline from the common options,
 * printing warnings and the progress line on stderr, the final summary, and the exit status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jwt_verify.h"
#include "out.h"
#include "redact.h"

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct cli_ui {
    bool progress_shown;
};

static struct cli_ui ui;

static void clear_progress(void)
{
    if (ui.progress_shown) {
        fputs("\r\033[K", stderr);
        kt_out_flush(STDERR_FILENO, NULL);
        ui.progress_shown = false;
    }
}

/* A warning names a file (which may hold anything, a token or a newline included) and says
 * what happened: both are shown through the name redactor, never as given. */
static void on_warning(void *ctx, const struct kt_err *err)
{
    const struct kt_cli *cli = ctx;
    if (cli != NULL && cli->repeat_warnings_off) {
        return;
    }
    clear_progress();
    char where[sizeof(err->where) * 2], msg[sizeof(err->msg) * 2];
    kt_redact_name(kt_str_cstr(err->msg), msg, sizeof(msg));
    if (err->where[0] != '\0') {
        kt_redact_name(kt_str_cstr(err->where), where, sizeof(where));
        fprintf(stderr, "keytrail: %s: %s\n", where, msg);
    } else {
        fprintf(stderr, "keytrail: %s\n", msg);
    }
}

/* 1234567 -> "1.2M": the progress line has little room. */
static void human_count(uint64_t n, char *out, size_t cap)
{
    if (n >= 10000000000ULL) {
        snprintf(out, cap, "%" PRIu64 "G", (uint64_t)(n / 1000000000ULL));
    } else if (n >= 1000000000ULL) {
        snprintf(out, cap, "%.1fG", (double)n / 1e9);
    } else if (n >= 1000000) {
        snprintf(out, cap, "%.1fM", (double)n / 1e6);
    } else if (n >= 10000) {
        snprintf(out, cap, "%.1fk", (double)n / 1e3);
    } else {
        snprintf(out, cap, "%" PRIu64, n);
    }
}

static void on_progress(void *ctx, const struct kt_run_stats *st, const char *file)
{
    struct kt_cli *cli = ctx;
    char recs[16], bytes[16];
    human_count(st->records, recs, sizeof(recs));
    human_count(st->bytes_out, bytes, sizeof(bytes));
    double secs = (double)(mono_ms() - cli->started_ms) / 1000.0;
    /* The file name is cut from the left: its end is what tells files apart. It is redacted
     * whole first, so the cut cannot leave part of a token that redaction would have seen. */
    char name[1024];
    size_t len = kt_redact_name(kt_str_cstr(file), name, sizeof(name));
    size_t cut = len > 40 ? len - 40 : 0;
    while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80) {
        cut--;
    }
    fprintf(stderr, "\r\033[Kkeytrail: %" PRIu64 " files, %sB, %s records, %.0fs  %s%s", st->files,
            bytes, recs, secs, cut > 0 ? "…" : "", name + cut);
    kt_out_flush(STDERR_FILENO, NULL);
    ui.progress_shown = true;
}

struct kt_pipeline *kt_cli_pipeline(struct kt_cli *cli, int *exit_code)
{
    struct kt_pipeline_opts opts = {0};
    if (cli->format_name != NULL) {
        opts.format = kt_format_find(cli->format_name);
    }
    opts.format_opts.fields = cli->fields;
    opts.format_opts.n_fields = cli->n_fields;
    opts.max_record = cli->max_record;
    opts.source.inflate = cli->inflate;
    opts.threads = cli->threads;
    opts.prefilter = cli->prefilter;
    opts.warn = on_warning;
    opts.warn_ctx = cli;
    if (cli->progress) {
        opts.progress = on_progress;
        opts.progress_ctx = cli;
    }
    struct kt_pipeline *pl = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_pipeline_new(&pl, &opts, &err);
    if (rc != KT_OK) {
        kt_cli_error("%s", err.msg);
        *exit_code = rc == KT_EUSAGE ? KT_EXIT_USAGE : KT_EXIT_FATAL;
        return NULL;
    }
    if (cli->jwt_secret_path != NULL) {
        struct kt_jwt_keys *keys = NULL;
        rc = kt_jwt_keys_load(&keys, cli->jwt_secret_path, &err);
        if (rc != KT_OK) {
            kt_cli_error("--jwt-secret %s: %s", err.where[0] ? err.where : cli->jwt_secret_path,
                         err.msg);
            *exit_code = rc == KT_ENOMEM || rc == KT_EIO ? KT_EXIT_FATAL : KT_EXIT_USAGE;
            kt_pipeline_free(pl);
            return NULL;
        }
        kt_pipeline_set_jwt_keys(pl, keys);
    }
    return pl;
}

static void print_summary(struct kt_cli *cli, const struct kt_run_stats *st)
{
    double secs = (double)(mono_ms() - cli->started_ms) / 1000.0;
    fprintf(stderr,
            "keytrail: %" PRIu64 " files, %" PRIu64 " bytes read, %" PRIu64
            " bytes decompressed, %" PRIu64 " records, %" PRIu64 " events (%" PRIu64
            " with credentials) in %.2fs",
            st->files, st->bytes_in, st->bytes_out, st->records, st->events, st->events_keyed,
            secs);
    if (secs > 0.05) {
        fprintf(stderr, " (%.0f MB/s)", (double)st->bytes_out / 1e6 / secs);
    }
    fputc('\n', stderr);
    if (st->files_damaged || st->files_unreadable || st->files_unknown) {
        fprintf(stderr,
                "keytrail: inputs with problems: %" PRIu64 " damaged, %" PRIu64
                " unreadable, %" PRIu64 " of unknown format\n",
                st->files_damaged, st->files_unreadable, st->files_unknown);
    }
    bool any = false;
    for (int f = 1; f < KT_FAM__COUNT; f++) {
        /* Past KT_RUN_STATS_EXACT_KEYS distinct keys, counts are estimates ("~"). */
        uint64_t keys = kt_run_stats_keys(st, (enum kt_family)f);
        if (keys == 0) {
            continue;
        }
        fprintf(stderr, "%s %s %s%" PRIu64 " key%s (%" PRIu64 " uses)",
                any ? "," : "keytrail: credentials:", kt_family_name((enum kt_family)f),
                keys > st->family_keys[f] ? "~" : "", keys, keys == 1 ? "" : "s",
                st->family_uses[f]);
        any = true;
    }
    fputs(any ? "\n" : "keytrail: no credentials found\n", stderr);
    if (st->bad_total > 0) {
        fprintf(stderr, "keytrail: %" PRIu64 " malformed records skipped:", st->bad_total);
        bool first = true;
        for (int b = 1; b < KT_BAD__COUNT; b++) {
            if (st->bad[b] > 0) {
                fprintf(stderr, "%s %s %" PRIu64, first ? "" : ",", kt_bad_name((enum kt_bad)b),
                        st->bad[b]);
                first = false;
            }
        }
        fputc('\n', stderr);
    }
}

int kt_cli_finish(struct kt_cli *cli, struct kt_pipeline *pl, enum kt_rc run_rc,
                  const struct kt_err *err)
{
    clear_progress();
    const struct kt_run_stats *st = kt_pipeline_stats(pl);
    if (!cli->quiet) {
        print_summary(cli, st);
    }
    if (run_rc != KT_OK) {
        if (run_rc == KT_EIO) {
            /* Output closed early (e.g. piped into head): not worth a message of its own. */
            return KT_EXIT_FATAL;
        }
        kt_cli_error("%s", err != NULL && err->msg[0] ? err->msg : kt_strerror(run_rc));
        return KT_EXIT_FATAL;
    }
    int code = kt_run_stats_damaged(st) ? KT_EXIT_DAMAGED : KT_EXIT_OK;
    /* A hunt's prefilter skips what holds none of its keys: read, and nothing in it. */
    bool seen_before = kt_pipeline_ledger_skipped(pl) > 0 ||
                       kt_pipeline_ledger_resumed_bytes(pl) > 0 || st->files_prefiltered > 0 ||
                       st->records_prefiltered > 0;
    if (st->events == 0 && !seen_before) {
        /* A wrong directory, a tarball, a file of malformed records: a scheduler must not
         * mistake it for a quiet night. Inputs the state says were read already (a cron run
         * with nothing new) are a quiet night. */
        if (!cli->quiet) {
            kt_cli_error("nothing usable was read: %s",
                         st->files == 0    ? "no input file (an empty directory?)"
                         : st->records > 0 ? "every record was malformed"
                                           : "no file of a known format");
        }
        code |= KT_EXIT_NOTHING_READ;
    }
    return code;
}

bool kt_cli_check_output(const char *path, const char *what)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        return true;
    }
    struct stat st;
    int e = 0;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            e = EISDIR;
        } else if (access(path, W_OK) != 0) {
            e = errno;
        }
    } else if (errno != ENOENT) {
        e = errno;
    } else {
        /* A new file: its directory must exist and take new entries. */
        char dir[4096];
        const char *slash = strrchr(path, '/');
        size_t len = slash == NULL ? 0 : (slash == path ? 1 : (size_t)(slash - path));
        if (len >= sizeof(dir)) {
            e = ENAMETOOLONG;
        } else {
            if (len == 0) {
                dir[len++] = '.';
            } else {
                memcpy(dir, path, len);
            }
            dir[len] = '\0';
            if (stat(dir, &st) != 0) {
                e = errno;
            } else if (!S_ISDIR(st.st_mode)) {
                e = ENOTDIR;
            } else if (access(dir, W_OK | X_OK) != 0) {
                e = errno;
            }
        }
    }
    if (e != 0) {
        kt_cli_error("%s: cannot write %s: %s", path, what, strerror(e));
        return false;
    }
    return true;
}
