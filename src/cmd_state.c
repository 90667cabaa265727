/*
 * `keytrail state`: looking into, combining and editing state files (state.h).
 *
 *   show FILE [--json]     what the state holds: keys, sizes, time covered, inputs read
 *   merge OUT IN...        one state from several (shards of one estate's logs)
 *   forget FILE KEYID...   drops keys, e.g. after rotating them
 *
 * Every subcommand loads states into an engine with the default settings (the detectors'
 * layout is what matters for loading; judging does not happen here), and takes the lock of
 * each file it reads or writes, waiting for a scan that holds it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "jsonw.h"
#include "state.h"
#include "timefmt.h"

struct loaded {
    struct kt_config cfg;
    bool cfg_ready;
    struct kt_engine *engine;
    struct kt_ledger *ledger;
    struct kt_state_info info;
};

static void loaded_free(struct loaded *l)
{
    kt_engine_free(l->engine);
    kt_ledger_free(l->ledger);
    if (l->cfg_ready) {
        kt_config_fini(&l->cfg);
    }
}

/* An empty engine and ledger, to load into or merge into. */
static bool loaded_init(struct loaded *l)
{
    memset(l, 0, sizeof(*l));
    struct kt_err err;
    if (kt_config_init(&l->cfg) != KT_OK) {
        return false;
    }
    l->cfg_ready = true;
    struct kt_engine_opts eo = {.cfg = &l->cfg};
    return kt_engine_new(&l->engine, &eo, &err) == KT_OK && kt_ledger_new(&l->ledger) == KT_OK;
}

/* Loads path (which must exist) into l; prints the error and returns false on failure. */
static bool load_one(const char *path, struct loaded *l)
{
    struct kt_err err;
    kt_err_clear(&err);
    bool found;
    if (kt_state_load(path, l->engine, l->ledger, &found, &l->info, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : path, err.msg);
        return false;
    }
    if (!found) {
        kt_cli_error("%s: no such state file", path);
        return false;
    }
    return true;
}

/* Locks path (waiting for a scan that holds it) and loads it into l, which is always
 * initialised for loaded_free. KT_EXIT_OK, else the exit status (the error printed). */
static int open_locked(const char *path, struct loaded *l, struct kt_state_lock **lock)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (!loaded_init(l)) {
        kt_cli_error("out of memory");
        return KT_EXIT_FATAL;
    }
    if (kt_state_lock(path, true, lock, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where, err.msg);
        return KT_EXIT_FATAL;
    }
    return load_one(path, l) ? KT_EXIT_OK : KT_EXIT_USAGE;
}

static const char *time_or_dash(int64_t ms, char out[KT_TIME_STRLEN])
{
    if (ms == KT_TIME_NONE) {
        snprintf(out, KT_TIME_STRLEN, "-");
    } else {
        kt_time_format(ms, out);
    }
    return out;
}

static void show_json(const char *path, const struct loaded *l)
{
    struct kt_jw w;
    if (kt_jw_init(&w, STDOUT_FILENO) != KT_OK) {
        return;
    }
    const struct kt_state_info *si = &l->info;
    char t[KT_TIME_STRLEN];
    kt_jw_object_begin(&w);
    kt_jw_kcstr(&w, "file", path);
    kt_jw_kint(&w, "version", si->version);
    kt_jw_kcstr(&w, "saved", time_or_dash(si->saved_ms, t));
    kt_jw_kint(&w, "bytes", (int64_t)si->file_bytes);
    kt_jw_kint(&w, "keys", (int64_t)si->keys);
    kt_jw_kint(&w, "key_bytes", (int64_t)si->key_bytes);
    kt_jw_kint(&w, "findings", (int64_t)si->findings);
    kt_jw_kint(&w, "alerts", (int64_t)si->alerts);
    kt_jw_kint(&w, "runs", (int64_t)si->runs);
    kt_jw_kcstr(&w, "from", si->from_ms == KT_TIME_NONE ? "" : time_or_dash(si->from_ms, t));
    kt_jw_kcstr(&w, "to", si->to_ms == KT_TIME_NONE ? "" : time_or_dash(si->to_ms, t));
    kt_jw_key(&w, "inputs");
    kt_jw_array_begin(&w);
    for (size_t i = 0; i < kt_ledger_count(l->ledger); i++) {
        const struct kt_ledger_entry *e = kt_ledger_at(l->ledger, i);
        kt_jw_object_begin(&w);
        kt_jw_kcstr(&w, "path", e->path);
        kt_jw_kint(&w, "consumed", (int64_t)e->consumed);
        kt_jw_kint(&w, "size", (int64_t)e->size);
        kt_jw_kcstr(&w, "codec", kt_codec_name((enum kt_codec)e->codec));
        kt_jw_kcstr(&w, "kind", e->kind == KT_LEDGER_DOCUMENT ? "document" : "lines");
        kt_jw_kcstr(&w, "read", time_or_dash(e->read_ms, t));
        kt_jw_object_end(&w);
    }
    kt_jw_array_end(&w);
    kt_jw_object_end(&w);
    kt_jw_newline(&w);
    kt_jw_fini(&w);
}

static void show_text(const char *path, const struct loaded *l)
{
    const struct kt_state_info *si = &l->info;
    char a[KT_TIME_STRLEN], b[KT_TIME_STRLEN], n[32];
    printf("state      %s (format %u, saved %s, %" PRIu64 " runs)\n", path, si->version,
           time_or_dash(si->saved_ms, a), si->runs);
    printf("size       %" PRIu64 " bytes: keys %" PRIu64 ", inputs %" PRIu64 "\n", si->file_bytes,
           si->key_bytes, si->ledger_bytes);
    printf("keys       %s (%.0f bytes a key)\n", kt_fmt_count(si->keys, n, sizeof(n)),
           si->keys ? (double)si->key_bytes / (double)si->keys : 0.0);
    printf("findings   %" PRIu64 " held, %" PRIu64 " alerts written\n", si->findings, si->alerts);
    printf("events     %s to %s\n", time_or_dash(si->from_ms, a), time_or_dash(si->to_ms, b));
    printf("inputs     %zu read\n", kt_ledger_count(l->ledger));
    for (size_t i = 0; i < kt_ledger_count(l->ledger); i++) {
        const struct kt_ledger_entry *e = kt_ledger_at(l->ledger, i);
        printf("  %-40s %12" PRIu64 " bytes %-5s %-8s read %s\n", e->path, e->consumed,
               kt_codec_name((enum kt_codec)e->codec),
               e->kind == KT_LEDGER_DOCUMENT ? "document" : "lines", time_or_dash(e->read_ms, a));
    }
}

static const char *const sub_help[][2] = {
    {"show", "usage: keytrail state show FILE [--json]\n\n"
             "Prints what the state FILE holds: format, size (of the keys and of the ledger),\n"
             "keys and bytes a key, findings and alerts, the event time covered, and every\n"
             "input read (path, bytes consumed, compression, kind, when). --json prints one\n"
             "JSON object instead.\n"},
    {"merge", "usage: keytrail state merge OUT IN...\n\n"
              "Combines the states IN... (built on different machines or shards) into OUT,\n"
              "written atomically. When the shards split the logs by key, OUT equals the\n"
              "state of one run over all the logs. A key in several inputs gets its\n"
              "baselines merged (counts add, sets unite within their caps), its findings\n"
              "united (the earliest occurrence kept, counts added) and its counters added:\n"
              "close to one run over all logs, but the findings are those each shard raised\n"
              "on its own part. The ledgers unite.\n"},
    {"forget", "usage: keytrail state forget FILE KEYID...\n\n"
               "Drops the keys KEYID... (kt1-...; see `keytrail fingerprint`) with their\n"
               "baselines and findings from FILE, e.g. after rotating them, so they stop\n"
               "counting in verdicts and exit statuses. Written atomically.\n"},
};

static int usage_of(const char *sub)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(sub_help); i++) {
        if (strcmp(sub_help[i][0], sub) == 0) {
            printf("%s", sub_help[i][1]);
            return KT_EXIT_OK;
        }
    }
    kt_cli_error("state: unknown subcommand '%s' (show, merge, forget)", sub);
    return KT_EXIT_USAGE;
}

static int cmd_show(struct kt_cli *cli)
{
    if (cli->n_paths != 2) {
        kt_cli_error("state show: expected one FILE (usage: keytrail state show FILE [--json])");
        return KT_EXIT_USAGE;
    }
    const char *path = cli->paths[1];
    struct loaded l;
    struct kt_state_lock *lock = NULL;
    int code = open_locked(path, &l, &lock);
    if (code != KT_EXIT_OK) {
        goto out;
    }
    code = KT_EXIT_FATAL;
    if (cli->json) {
        show_json(path, &l);
    } else {
        show_text(path, &l);
    }
    code = KT_EXIT_OK;
out:
    kt_state_unlock(lock);
    loaded_free(&l);
    return code;
}

static bool save(const char *path, const struct loaded *l, struct kt_state_info *si)
{
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_state_save(path, l->engine, l->ledger, si, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where[0] ? err.where : path, err.msg);
        return false;
    }
    return true;
}

/* Adds each key of one state into another engine (kt_engine_restore_key merges). */
struct merge_ctx {
    struct kt_engine *dst;
    const struct kt_engine *src;
};

static enum kt_rc merge_key(void *ctx, const struct kt_keystate *ks)
{
    struct merge_ctx *mc = ctx;
    struct kt_finding f[KT_KEY_FINDINGS];
    for (size_t i = 0; i < ks->n_findings; i++) {
        f[i] = *kt_engine_key_finding(mc->src, ks, i);
    }
    return kt_engine_restore_key(mc->dst, ks, f, ks->n_findings, ks->det_state);
}

static int cmd_merge(struct kt_cli *cli)
{
    if (cli->n_paths < 3) {
        kt_cli_error("state merge: expected OUT and at least one IN (usage: keytrail state "
                     "merge OUT IN...)");
        return KT_EXIT_USAGE;
    }
    const char *out_path = cli->paths[1];
    struct loaded all;
    struct kt_state_lock *lock = NULL;
    struct kt_err err;
    int code = KT_EXIT_FATAL;
    if (!loaded_init(&all)) {
        kt_cli_error("out of memory");
        goto out;
    }
    if (kt_state_check_path(out_path, &err) != KT_OK ||
        kt_state_lock(out_path, true, &lock, &err) != KT_OK) {
        kt_cli_error("%s: %s", err.where, err.msg);
        code = KT_EXIT_USAGE;
        goto out;
    }
    uint64_t runs = 0;
    for (size_t i = 2; i < cli->n_paths; i++) {
        struct loaded one;
        struct kt_state_lock *in_lock = NULL;
        bool ok = loaded_init(&one);
        if (ok && strcmp(cli->paths[i], out_path) != 0 &&
            kt_state_lock(cli->paths[i], true, &in_lock, &err) != KT_OK) {
            kt_cli_error("%s: %s", err.where, err.msg);
            ok = false;
        }
        ok = ok && load_one(cli->paths[i], &one);
        struct merge_ctx mc = {all.engine, one.engine};
        struct kt_engine_history h;
        if (ok) {
            kt_engine_history_get(one.engine, &h);
            kt_engine_history_add(all.engine, &h);
            ok = kt_engine_each_key(one.engine, merge_key, &mc) == KT_OK &&
                 kt_ledger_merge(all.ledger, one.ledger) == KT_OK;
            if (!ok) {
                kt_cli_error("out of memory");
            }
            runs = KT_MAX(runs, one.info.runs);
        }
        kt_state_unlock(in_lock);
        loaded_free(&one);
        if (!ok) {
            code = KT_EXIT_USAGE;
            goto out;
        }
    }
    struct kt_state_info si = {.runs = runs};
    if (!save(out_path, &all, &si)) {
        goto out;
    }
    if (!cli->quiet) {
        char n[32];
        fprintf(stderr,
                "keytrail: %s: %s keys, %" PRIu64 " findings, %" PRIu64 " inputs from %zu states\n",
                out_path, kt_fmt_count(si.keys, n, sizeof(n)), si.findings, si.inputs,
                cli->n_paths - 2);
    }
    code = KT_EXIT_OK;
out:
    kt_state_unlock(lock);
    loaded_free(&all);
    return code;
}

static int cmd_forget(struct kt_cli *cli)
{
    if (cli->n_paths < 3) {
        kt_cli_error("state forget: expected FILE and at least one KEYID (usage: keytrail "
                     "state forget FILE KEYID...)");
        return KT_EXIT_USAGE;
    }
    const char *path = cli->paths[1];
    for (size_t i = 2; i < cli->n_paths; i++) {
        struct kt_keyid id;
        if (!kt_keyid_parse(kt_str_cstr(cli->paths[i]), &id)) {
            kt_cli_error("state forget: '%s' is not a key id (kt1-...; see `keytrail "
                         "fingerprint`)",
                         cli->paths[i]);
            return KT_EXIT_USAGE;
        }
    }
    struct loaded l;
    struct kt_state_lock *lock = NULL;
    int code = open_locked(path, &l, &lock);
    if (code != KT_EXIT_OK) {
        goto out;
    }
    code = KT_EXIT_FATAL;
    size_t dropped = 0;
    for (size_t i = 2; i < cli->n_paths; i++) {
        struct kt_keyid id;
        kt_keyid_parse(kt_str_cstr(cli->paths[i]), &id);
        if (kt_engine_forget(l.engine, &id)) {
            dropped++;
        } else {
            fprintf(stderr, "keytrail: %s: key %s not in the state\n", path, cli->paths[i]);
        }
    }
    struct kt_state_info si = l.info;
    if (dropped > 0 && !save(path, &l, &si)) {
        goto out;
    }
    if (!cli->quiet) {
        fprintf(stderr, "keytrail: %s: %zu key%s forgotten\n", path, dropped,
                dropped == 1 ? "" : "s");
    }
    code = KT_EXIT_OK;
out:
    kt_state_unlock(lock);
    loaded_free(&l);
    return code;
}

int kt_cmd_state(struct kt_cli *cli)
{
    const char *sub = cli->paths[0];
    if (cli->help) {
        return usage_of(sub);
    }
    if (strcmp(sub, "show") == 0) {
        return cmd_show(cli);
    }
    if (strcmp(sub, "merge") == 0) {
        return cmd_merge(cli);
    }
    if (strcmp(sub, "forget") == 0) {
        return cmd_forget(cli);
    }
    return usage_of(sub);
}
