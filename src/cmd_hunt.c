/*
 * `keytrail hunt`: was this leaked key used, by whom, and what breaks when it is rotated?
 *
 * Reads the keys (hunt_keys.h), then the logs once through the pipeline with a prefilter of
 * the keys' needles; every event of a hunted key goes to the detection engine and is recorded
 * (hunt.h). Keys the other party created or minted join the hunt as they appear; when the
 * prefilter may have skipped some of their uses before they joined, the pass runs again with
 * every key known (a second pass per generation of the chain, in practice one). At the end
 * the model (hunt_model.h) is built once, and the summary on stdout and every --report are
 * written from it. Exit status: 1 when some key was used by someone else, 16 when one likely
 * was, with the input bits of every command.
 */
/* realpath(): XSI, beside the POSIX level the build defines. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "hunt.h"
#include "hunt_geo.h"
#include "hunt_keys.h"
#include "hunt_model.h"
#include "hunt_render.h"
#include "hunt_summary.h"
#include "out.h"
#include "redact.h"
#include "scan_shared.h"

struct hunt_ctx {
    struct kt_hunt *h;
    int64_t from_ms, to_ms; /* span of the events read */
};

static enum kt_rc on_event(void *ctx, const struct kt_event *ev)
{
    struct hunt_ctx *hc = ctx;
    if (ev->time_ms != KT_TIME_NONE) {
        hc->from_ms = hc->from_ms == KT_TIME_NONE ? ev->time_ms : KT_MIN(hc->from_ms, ev->time_ms);
        hc->to_ms = hc->to_ms == KT_TIME_NONE ? ev->time_ms : KT_MAX(hc->to_ms, ev->time_ms);
    }
    return kt_hunt_event(hc->h, ev);
}

static void print_err(const struct kt_err *err)
{
    if (err->where[0] != '\0') {
        kt_cli_error("%s: %s", err->where, err->msg);
    } else {
        kt_cli_error("%s", err->msg);
    }
}

/* Reads every key given; prints the error and returns false on a usage error. */
static bool read_keys(struct kt_cli *cli, struct kt_hunt *h, struct kt_needles *nd)
{
    struct kt_err err;
    kt_err_clear(&err);
    bool std_in_used = false;
    for (size_t i = 0; i < cli->n_paths; i++) {
        std_in_used |= strcmp(cli->paths[i], "-") == 0;
    }
    for (size_t i = 0; i < cli->n_hunt_keys; i++) {
        char *v = cli->hunt_keys[i];
        if (strcmp(v, "-") == 0) {
            if (std_in_used) {
                kt_cli_error("hunt: standard input cannot hold both the keys (--key -) and logs");
                return false;
            }
            std_in_used = true;
            size_t added;
            if (kt_hunt_keys_from_file(h, nd, "-", &added, &err) != KT_OK) {
                print_err(&err);
                return false;
            }
            continue;
        }
        struct kt_hunt_target t;
        bool ok = kt_hunt_key_parse(kt_str_cstr(v), &t, nd);
        kt_wipe(v, strlen(v)); /* hides it from /proc/PID/cmdline */
        if (!ok) {
            kt_cli_error("hunt: --key number %zu is not a key (a token, an AWS access key id, a "
                         "hashed_token or a kt1- key id)",
                         i + 1);
            return false;
        }
        if (!kt_hunt_add_target(h, &t) && h->n_keys == KT_HUNT_MAX_KEYS) {
            kt_cli_error("hunt: at most %d keys", KT_HUNT_MAX_KEYS);
            return false;
        }
    }
    if (cli->key_file != NULL) {
        size_t added;
        if (kt_hunt_keys_from_file(h, nd, cli->key_file, &added, &err) != KT_OK) {
            print_err(&err);
            return false;
        }
    }
    for (size_t i = 0; i < cli->n_hunt_iss; i++) {
        struct kt_hunt_target t;
        if (!kt_hunt_key_issuer(kt_str_cstr(cli->hunt_iss[i]), &t, nd)) {
            kt_cli_error("hunt: --jwt-iss needs a non-empty issuer");
            return false;
        }
        kt_hunt_add_target(h, &t);
    }
    if (h->n_keys == 0) {
        kt_cli_error("hunt: no key to hunt (--key TOKEN|KEYID, --key-file FILE, --key -, "
                     "--jwt-iss ISS)");
        return false;
    }
    return true;
}

/* Whether the existing file at path is one of the inputs or lies under an input directory:
 * the evidence, which a report must never overwrite. */
static bool is_evidence(const struct kt_cli *cli, const char *path)
{
    char *report = realpath(path, NULL);
    if (report == NULL) {
        return false; /* not there yet: nothing to overwrite */
    }
    bool hit = false;
    for (size_t i = 0; i < cli->n_paths && !hit; i++) {
        char *in = strcmp(cli->paths[i], "-") == 0 ? NULL : realpath(cli->paths[i], NULL);
        if (in != NULL) {
            size_t n = strlen(in);
            hit = strcmp(in, report) == 0 ||
                  (strncmp(in, report, n) == 0 && (report[n] == '/' || strcmp(in, "/") == 0));
        }
        free(in);
    }
    free(report);
    return hit;
}

/* Checks the reports' paths and formats before anything is read. */
static bool check_reports(struct kt_cli *cli)
{
    bool ok = true;
    for (size_t i = 0; i < cli->n_reports; i++) {
        if (is_evidence(cli, cli->report_paths[i])) {
            kt_cli_error("--report: '%s' is one of the inputs (or inside one): a report never "
                         "overwrites the evidence",
                         cli->report_paths[i]);
            ok = false;
            continue;
        }
        enum kt_hunt_format fmt;
        if (!kt_hunt_format_for_path(cli->report_paths[i], &fmt)) {
            kt_cli_error("--report: '%s': no hunt report format for this extension in this build",
                         cli->report_paths[i]);
            ok = false;
        }
        ok &= kt_cli_check_output(cli->report_paths[i], "the report");
    }
    return ok;
}

static bool write_reports(struct kt_cli *cli, struct json_object *doc)
{
    bool ok = true;
    for (size_t i = 0; i < cli->n_reports; i++) {
        const char *path = cli->report_paths[i];
        enum kt_hunt_format fmt = KT_HUNT_FMT_JSON;
        kt_hunt_format_for_path(path, &fmt);
        FILE *f = kt_out_fopen(path);
        if (f == NULL) {
            kt_cli_error("%s: cannot write the report: %s", path, strerror(errno));
            ok = false;
            continue;
        }
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_hunt_render(doc, fmt, f, &err);
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

/* The verdict bits of the exit status, as scan sets rotate and investigate: 1 when some key
 * was used by someone else, 16 when some key likely was (both may be set). */
static int verdict_bits(struct json_object *doc)
{
    int bits = 0;
    struct json_object *keys;
    if (!json_object_object_get_ex(doc, "keys", &keys)) {
        return 0;
    }
    for (size_t i = 0; i < json_object_array_length(keys); i++) {
        struct json_object *v;
        if (json_object_object_get_ex(json_object_array_get_idx(keys, i), "verdict", &v)) {
            const char *s = json_object_get_string(v);
            bits |= strcmp(s, "yes") == 0      ? KT_EXIT_FINDINGS
                    : strcmp(s, "likely") == 0 ? KT_EXIT_INVESTIGATE
                                               : 0;
        }
    }
    return bits;
}

int kt_cmd_hunt(struct kt_cli *cli)
{
    int code = KT_EXIT_USAGE;
    struct kt_needles *nd = kt_needles_new();
    struct kt_hunt *h = calloc(1, sizeof(*h));
    struct kt_scan_inputs *in = NULL;
    struct kt_pipeline *pl = NULL;
    struct kt_engine *engine = NULL;
    struct json_object *doc = NULL;
    struct kt_hunt_geo geo = {0};
    if (nd == NULL || h == NULL) {
        kt_cli_error("out of memory");
        code = KT_EXIT_FATAL;
        goto out;
    }
    kt_hunt_init(h, NULL, NULL, nd);
    if (!read_keys(cli, h, nd) || !check_reports(cli)) {
        goto out;
    }
    if (cli->geo_csv != NULL) {
        if (cli->geoip_path != NULL || cli->asn_path != NULL) {
            kt_cli_error("hunt: --geo replaces --geoip and --asn: give one or the other");
            goto out;
        }
        if (!kt_hunt_geo_build(cli->geo_csv, &geo)) {
            goto out;
        }
        cli->geoip_path = geo.city_path;
        cli->asn_path = geo.asn_path;
    }
    in = kt_scan_inputs_load(cli);
    kt_hunt_geo_remove(&geo); /* opened (or failed): the files are no longer needed */
    if (in == NULL) {
        goto out;
    }
    cli->prefilter = nd;
    struct kt_engine_opts eo = {.max_keys = 0};
    kt_scan_inputs_engine_opts(in, &eo);
    struct kt_observer obs = {.geo = eo.geo, .ip_list = eo.ip_list, .cfg = eo.cfg};
    char geo_desc[300] = "";
    if (cli->geo_csv != NULL) {
        char name[256];
        kt_redact_name(kt_str_cstr(cli->geo_csv), name, sizeof(name));
        snprintf(geo_desc, sizeof(geo_desc), "%s (CSV)", name);
    }
    struct kt_err err;
    kt_err_clear(&err);
    struct hunt_ctx hc;
    enum kt_rc rc = KT_OK;
    bool rereadable = true;
    for (size_t i = 0; i < cli->n_paths; i++) {
        rereadable &= strcmp(cli->paths[i], "-") != 0;
    }
    /* A key found during the pass (created, minted) joins the needles then: records skipped
     * before that, by a prefilter that searched for the keys known so far, may hold its uses.
     * So the pass runs again, with every key known from the start, until no key joins. */
    for (size_t pass = 0; pass <= KT_HUNT_MAX_KEYS; pass++) {
        kt_pipeline_free(pl);
        kt_engine_free(engine);
        engine = NULL;
        pl = kt_cli_pipeline(cli, &code);
        if (pl == NULL) {
            goto out;
        }
        if (kt_engine_new(&engine, &eo, &err) != KT_OK) {
            kt_cli_error("%s", err.msg);
            code = KT_EXIT_FATAL;
            goto out;
        }
        kt_hunt_reset_uses(h);
        h->engine = engine;
        h->observer = obs;
        hc = (struct hunt_ctx){.h = h, .from_ms = KT_TIME_NONE, .to_ms = KT_TIME_NONE};
        size_t keys_before = h->n_keys;
        uint32_t gen = kt_needles_generation(nd);
        rc = kt_pipeline_run(pl, cli->paths, cli->n_paths, on_event, &hc, &err);
        bool grew = h->n_keys > keys_before && kt_needles_generation(nd) != gen &&
                    kt_pipeline_prefilter_stale(pl);
        if (rc != KT_OK || !grew || kt_needles_passes_all(nd)) {
            break;
        }
        if (!rereadable) {
            kt_cli_error("hunt: %zu key%s joined the hunt while reading standard input, which "
                         "cannot be read again: uses of them the prefilter skipped are missing",
                         h->n_keys - keys_before, h->n_keys - keys_before == 1 ? "" : "s");
            break;
        }
        if (!cli->quiet) {
            fprintf(stderr,
                    "keytrail: hunt: %zu key%s joined the hunt; reading again for "
                    "their uses the prefilter skipped\n",
                    h->n_keys - keys_before, h->n_keys - keys_before == 1 ? "" : "s");
        }
        cli->repeat_warnings_off = true; /* the same inputs: their damage was reported */
    }
    enum kt_hunt_verdict worst = KT_HUNT_NO_EVIDENCE;
    if (rc == KT_OK) {
        struct kt_hunt_model_opts mo = {
            .leaked_ms = cli->leaked_at_ms,
            .rotated_ms = cli->rotated_at_ms,
            .geo = geo_desc[0] ? geo_desc : kt_scan_inputs_geo(in),
            .stats = kt_pipeline_stats(pl),
            .from_ms = hc.from_ms,
            .to_ms = hc.to_ms,
        };
        rc = kt_hunt_model_build(h, &mo, &doc, &worst);
    }
    code = kt_cli_finish(cli, pl, rc, &err);
    if (rc == KT_OK) {
        kt_hunt_summary_print(stdout, doc);
        if (fflush(stdout) != 0) {
            code |= KT_EXIT_FATAL;
        }
        if (!write_reports(cli, doc)) {
            code |= KT_EXIT_FATAL;
        }
        (void)worst;
        code |= verdict_bits(doc);
    }
out:
    json_object_put(doc);
    kt_hunt_geo_remove(&geo);
    if (h != NULL) {
        kt_hunt_fini(h);
    }
    free(h);
    kt_engine_free(engine);
    kt_pipeline_free(pl);
    kt_scan_inputs_free(in);
    kt_needles_free(nd);
    return code;
}
