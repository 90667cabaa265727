/*
 * `keytrail events`: every record as one JSON object per line.
 *
 * Free-text fields (path, user agent, actor...) pass through kt_cred_redact before they are
 * written, so a token embedded in a URL path or a user agent leaves as its hint. Query strings
 * are never written at all.
 */
#include <unistd.h>

#include "cli.h"
#include "jsonw.h"
#include "timefmt.h"

struct events_ctx {
    struct kt_cli *cli;
    struct kt_jw w;
    bool flush_each; /* reading a pipe: each line goes out as soon as it is made */
    char redact[8192];
};

static void put_text(struct events_ctx *ec, const char *key, struct kt_str s)
{
    if (s.len == 0) {
        kt_jw_key(&ec->w, key);
        kt_jw_null(&ec->w);
        return;
    }
    size_t n = kt_cred_redact(s, ec->redact, sizeof(ec->redact));
    kt_jw_kstr(&ec->w, key, kt_str_make(ec->redact, n));
}

static void put_optional_text(struct events_ctx *ec, const char *key, struct kt_str s)
{
    if (s.len > 0) {
        put_text(ec, key, s);
    }
}

static void put_flags(struct kt_jw *w, uint32_t flags)
{
    if (flags == 0) {
        return;
    }
    kt_jw_key(w, "flags");
    kt_jw_array_begin(w);
    for (uint32_t bit = 1; bit != 0 && bit <= KT_CRED_FLAG_ALL; bit <<= 1) {
        if ((flags & bit) && kt_cred_flag_name(bit) != NULL) {
            kt_jw_cstr(w, kt_cred_flag_name(bit));
        }
    }
    kt_jw_array_end(w);
}

static void put_claim_time(struct kt_jw *w, const char *key, int64_t secs)
{
    if (secs != KT_TIME_NONE) {
        char t[KT_TIME_STRLEN];
        kt_time_format(secs * 1000, t);
        kt_jw_kcstr(w, key, t);
    }
}

static void put_claims(struct kt_jw *w, const struct kt_jwt_info *j)
{
    kt_jw_key(w, "claims");
    kt_jw_object_begin(w);
    const struct {
        const char *key;
        const char *value;
    } strs[] = { { "alg", j->alg }, { "typ", j->typ }, { "kid", j->kid }, { "iss", j->iss },
                 { "sub", j->sub }, { "aud", j->aud }, { "azp", j->azp }, { "jti", j->jti } };
    for (size_t i = 0; i < KT_ARRAY_LEN(strs); i++) {
        if (strs[i].value[0] != '\0') {
            kt_jw_kcstr(w, strs[i].key, strs[i].value);
        }
    }
    put_claim_time(w, "exp", j->exp);
    put_claim_time(w, "iat", j->iat);
    put_claim_time(w, "nbf", j->nbf);
    kt_jw_object_end(w);
}

static void put_cred(struct kt_jw *w, const struct kt_cred *c)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_jw_kcstr(w, "family", kt_family_name(c->family));
    kt_keyid_format(&c->key, id);
    kt_jw_kcstr(w, "key", id);
    kt_jw_kcstr(w, "hint", c->hint);
    kt_jw_kcstr(w, "kind", c->kind);
    put_flags(w, c->flags);
    if (c->account[0] != '\0') {
        kt_jw_kcstr(w, "account", c->account);
    }
    if (c->family == KT_FAM_JWT) {
        kt_keyid_format(&c->token, id);
        kt_jw_kcstr(w, "token", id);
        put_claims(w, &c->jwt);
    }
}

static bool wanted(const struct kt_cli *cli, const struct kt_event *ev)
{
    if (!cli->keyed) {
        return true;
    }
    if (ev->n_creds == 0) {
        return false;
    }
    if (cli->n_key_filter == 0) {
        return true;
    }
    for (unsigned i = 0; i < ev->n_creds; i++) {
        for (size_t k = 0; k < cli->n_key_filter; k++) {
            if (kt_keyid_eq(&ev->creds[i].key, &cli->key_filter[k])) {
                return true;
            }
        }
    }
    return false;
}

static enum kt_rc on_event(void *ctx, const struct kt_event *ev)
{
    struct events_ctx *ec = ctx;
    if (!wanted(ec->cli, ev)) {
        return KT_OK;
    }
    struct kt_jw *w = &ec->w;
    char t[KT_TIME_STRLEN];
    kt_time_format(ev->time_ms, t);
    kt_jw_object_begin(w);
    kt_jw_kcstr(w, "time", t);
    put_text(ec, "file", kt_str_cstr(ev->file));
    kt_jw_kint(w, "line", (int64_t)ev->line);
    put_text(ec, "ip", ev->ip);
    put_text(ec, "method", ev->method);
    put_optional_text(ec, "service", ev->service);
    put_text(ec, "resource", ev->resource);
    kt_jw_key(w, "status");
    if (ev->status > 0) {
        kt_jw_int(w, ev->status);
    } else {
        kt_jw_null(w);
    }
    put_optional_text(ec, "error", ev->error);
    put_text(ec, "user_agent", ev->user_agent);
    put_optional_text(ec, "actor", ev->actor);
    put_optional_text(ec, "host", ev->host);
    if (ev->n_creds == 0) {
        kt_jw_key(w, "key");
        kt_jw_null(w);
    } else {
        put_cred(w, &ev->creds[0]);
        if (ev->n_creds > 1) {
            kt_jw_key(w, "also");
            kt_jw_array_begin(w);
            for (unsigned i = 1; i < ev->n_creds; i++) {
                kt_jw_object_begin(w);
                put_cred(w, &ev->creds[i]);
                kt_jw_object_end(w);
            }
            kt_jw_array_end(w);
        }
    }
    kt_jw_object_end(w);
    kt_jw_newline(w);
    if (ec->flush_each) {
        kt_jw_flush(w);
    }
    return kt_jw_failed(w) ? KT_EIO : KT_OK;
}

int kt_cmd_events(struct kt_cli *cli)
{
    int code;
    struct kt_pipeline *pl = kt_cli_pipeline(cli, &code);
    if (pl == NULL) {
        return code;
    }
    struct events_ctx ec = { .cli = cli };
    for (size_t i = 0; i < cli->n_paths; i++) {
        ec.flush_each |= strcmp(cli->paths[i], "-") == 0;
    }
    if (kt_jw_init(&ec.w, STDOUT_FILENO) != KT_OK) {
        kt_pipeline_free(pl);
        kt_cli_error("out of memory");
        return KT_EXIT_FATAL;
    }
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_pipeline_run(pl, cli->paths, cli->n_paths, on_event, &ec, &err);
    if (kt_jw_fini(&ec.w) != KT_OK && rc == KT_OK) {
        rc = KT_EIO;
    }
    code = kt_cli_finish(cli, pl, rc, &err);
    kt_pipeline_free(pl);
    return code;
}
