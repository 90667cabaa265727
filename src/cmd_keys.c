/*
 * `keytrail keys`: the credential inventory, as a table for people or JSON lines for scripts.
 * This is also the benchmark command: its per-event work (the inventory update) is what every
 * analysis does at minimum.
 */
#include <inttypes.h>
#include <unistd.h>

#include <keytrail/detector.h>

#include "cli.h"
#include "inventory.h"
#include "jsonw.h"
#include "timefmt.h"

static enum kt_rc on_event(void *ctx, const struct kt_event *ev)
{
    return kt_inventory_add(ctx, ev);
}

static void write_json(struct kt_jw *w, const struct kt_inv_key *k)
{
    char id[KT_KEYID_STRLEN + 1], t[KT_TIME_STRLEN];
    kt_keyid_format(&k->key, id);
    kt_jw_object_begin(w);
    kt_jw_kcstr(w, "key", id);
    kt_jw_kcstr(w, "family", kt_family_name(k->family));
    kt_jw_kcstr(w, "kind", k->kind);
    kt_jw_kcstr(w, "hint", k->hint);
    if (k->account[0] != '\0') {
        kt_jw_kcstr(w, "account", k->account);
    }
    kt_time_format(k->first_ms == INT64_MAX ? KT_TIME_NONE : k->first_ms, t);
    kt_jw_kcstr(w, "first_seen", t);
    kt_time_format(k->last_ms == INT64_MIN ? KT_TIME_NONE : k->last_ms, t);
    kt_jw_kcstr(w, "last_seen", t);
    kt_jw_kint(w, "events", (int64_t)k->events);
    kt_jw_kint(w, "errors", (int64_t)k->errors);
    kt_jw_kint(w, "ips", (int64_t)kt_distinct_count(&k->ips));
    kt_jw_key(w, "ips_exact");
    kt_jw_bool(w, kt_distinct_is_exact(&k->ips));
    if (k->family == KT_FAM_JWT) {
        kt_jw_kint(w, "tokens", (int64_t)kt_distinct_count(&k->tokens));
    }
    kt_jw_key(w, "user_agents");
    kt_jw_array_begin(w);
    const struct kt_topk_slot *top[KT_TOPK_SLOTS];
    unsigned n = kt_topk_sorted(&k->agents, top);
    for (unsigned i = 0; i < n; i++) {
        kt_jw_object_begin(w);
        kt_jw_kcstr(w, "user_agent", top[i]->text);
        kt_jw_kint(w, "count", (int64_t)top[i]->count);
        kt_jw_object_end(w);
    }
    kt_jw_array_end(w);
    kt_jw_object_end(w);
    kt_jw_newline(w);
}

/* Dates only: the table has to fit a terminal. */
static void short_date(int64_t ms, char *out)
{
    char t[KT_TIME_STRLEN];
    kt_time_format(ms, t);
    kt_str_copy(out, 17, kt_str_make(t, t[0] ? 16 : 0));
    if (out[0] != '\0') {
        out[10] = ' ';
    }
}

static void write_table(FILE *out, const struct kt_inventory *inv)
{
    fprintf(out, "%-28s %-9s %-34s %-16s %-16s %8s %6s %5s  %s\n", "KEY", "FAMILY", "HINT",
            "FIRST SEEN", "LAST SEEN", "EVENTS", "ERRORS", "IPS", "TOP USER AGENT");
    for (size_t i = 0; i < inv->n; i++) {
        const struct kt_inv_key *k = &inv->keys[i];
        char id[KT_KEYID_STRLEN + 1], first[17], last[17], hint[35];
        kt_keyid_format(&k->key, id);
        short_date(k->first_ms == INT64_MAX ? KT_TIME_NONE : k->first_ms, first);
        short_date(k->last_ms == INT64_MIN ? KT_TIME_NONE : k->last_ms, last);
        kt_str_copy(hint, sizeof(hint), kt_str_cstr(k->hint));
        const struct kt_topk_slot *top[KT_TOPK_SLOTS];
        unsigned n = kt_topk_sorted(&k->agents, top);
        fprintf(out, "%-28s %-9s %-34s %-16s %-16s %8" PRIu64 " %6" PRIu64 " %4s%" PRIu64 "  %.60s\n",
                id, kt_family_name(k->family), hint, first, last, k->events, k->errors,
                kt_distinct_is_exact(&k->ips) ? "" : "~", kt_distinct_count(&k->ips),
                n > 0 ? top[0]->text : "-");
    }
}

int kt_cmd_keys(struct kt_cli *cli)
{
    int code;
    struct kt_pipeline *pl = kt_cli_pipeline(cli, &code);
    if (pl == NULL) {
        return code;
    }
    struct kt_inventory inv;
    kt_inventory_init(&inv);
    inv.max_keys = cli->max_keys;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_pipeline_run(pl, cli->paths, cli->n_paths, on_event, &inv, &err);
    if (rc == KT_OK) {
        kt_inventory_sort(&inv);
        if (cli->json) {
            struct kt_jw w;
            if (kt_jw_init(&w, STDOUT_FILENO) != KT_OK) {
                rc = KT_ENOMEM;
            } else {
                for (size_t i = 0; i < inv.n; i++) {
                    write_json(&w, &inv.keys[i]);
                }
                rc = kt_jw_fini(&w);
            }
        } else {
            write_table(stdout, &inv);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                rc = KT_EIO;
            }
        }
    }
    code = kt_cli_finish(cli, pl, rc, &err);
    if (inv.evicted > 0 && !cli->quiet) {
        char cap[32], ev[32], kept[32];
        fprintf(stderr, "keytrail: --max-keys %s reached: %s keys evicted, least recently used "
                        "first; the %s kept are listed\n",
                kt_fmt_count(cli->max_keys, cap, sizeof(cap)),
                kt_fmt_count(inv.evicted, ev, sizeof(ev)), kt_fmt_count(inv.n, kept, sizeof(kept)));
    }
    kt_inventory_fini(&inv);
    kt_pipeline_free(pl);
    return code;
}
