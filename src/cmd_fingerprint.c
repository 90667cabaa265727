/*
 * `keytrail fingerprint`: the key id of one credential, as every other output names it.
 * The token comes from the command line or, better, standard input; it is wiped from memory
 * once recognised, and never printed. --jwt-iss prints the key of the JWTs that carry only an
 * issuer (no token needed: the issuer, an API key id, is what the responder holds).
 */
#include <unistd.h>

#include "cli.h"
#include "jsonw.h"
#include "redact.h"
#include "timefmt.h"

#define TOKEN_MAX 65536

/* Reads standard input up to TOKEN_MAX bytes; returns the length or -1 on error/overflow. */
static ssize_t read_stdin(char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
        if (n == cap) {
            return -1;
        }
    }
    return (ssize_t)n;
}

static void print_json(const struct kt_cred *c)
{
    struct kt_jw w;
    char id[KT_KEYID_STRLEN + 1];
    if (kt_jw_init(&w, STDOUT_FILENO) != KT_OK) {
        return;
    }
    kt_jw_object_begin(&w);
    kt_keyid_format(&c->key, id);
    kt_jw_kcstr(&w, "key", id);
    kt_jw_kcstr(&w, "family", kt_family_name(c->family));
    kt_jw_kcstr(&w, "kind", c->kind);
    kt_jw_kcstr(&w, "hint", c->hint);
    if (c->account[0] != '\0') {
        kt_jw_kcstr(&w, "account", c->account);
    }
    if (c->family == KT_FAM_JWT) {
        kt_keyid_format(&c->token, id);
        kt_jw_kcstr(&w, "token", id);
        if (c->jwt.iss[0]) {
            kt_jw_kcstr(&w, "iss", c->jwt.iss);
        }
        if (c->jwt.sub[0]) {
            kt_jw_kcstr(&w, "sub", c->jwt.sub);
        }
        if (c->jwt.exp != KT_TIME_NONE) {
            char t[KT_TIME_STRLEN];
            kt_time_format(c->jwt.exp * 1000, t);
            kt_jw_kcstr(&w, "exp", t);
        }
    }
    kt_jw_object_end(&w);
    kt_jw_newline(&w);
    kt_jw_fini(&w);
}

/* --jwt-iss: the key of the JWTs that carry only this issuer (an API key), as events name it. */
static int fingerprint_issuer(struct kt_cli *cli)
{
    struct kt_cred cred;
    memset(&cred, 0, sizeof(cred));
    struct kt_str iss = kt_str_trim(kt_str_cstr(cli->jwt_iss));
    if (cli->n_paths > 0) {
        kt_cli_error("fingerprint: --jwt-iss takes no TOKEN");
        return KT_EXIT_USAGE;
    }
    if (!kt_cred_jwt_issuer_key(iss, &cred.key)) {
        kt_cli_error("fingerprint: --jwt-iss needs a non-empty issuer");
        return KT_EXIT_USAGE;
    }
    cred.family = KT_FAM_JWT;
    kt_str_copy(cred.kind, sizeof(cred.kind), KT_STR_LIT("jwt"));
    kt_str_copy(cred.jwt.iss, sizeof(cred.jwt.iss), iss);
    cred.jwt.exp = KT_TIME_NONE;
    snprintf(cred.hint, sizeof(cred.hint), "jwt iss=%.80s", cred.jwt.iss);
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&cred.key, id);
    if (cli->json) {
        struct kt_jw w;
        if (kt_jw_init(&w, STDOUT_FILENO) == KT_OK) {
            kt_jw_object_begin(&w);
            kt_jw_kcstr(&w, "key", id);
            kt_jw_kcstr(&w, "family", "jwt");
            kt_jw_kcstr(&w, "kind", cred.kind);
            kt_jw_kcstr(&w, "hint", cred.hint);
            kt_jw_kcstr(&w, "iss", cred.jwt.iss);
            kt_jw_object_end(&w);
            kt_jw_newline(&w);
            kt_jw_fini(&w);
        }
    } else {
        printf("%s  jwt  %s\n", id, cred.hint);
    }
    return fflush(stdout) == 0 ? KT_EXIT_OK : KT_EXIT_FATAL;
}

int kt_cmd_fingerprint(struct kt_cli *cli)
{
    static char buf[TOKEN_MAX];
    struct kt_str value;
    if (cli->jwt_iss != NULL) {
        return fingerprint_issuer(cli);
    }
    if (cli->n_paths > 1) {
        kt_cli_error("fingerprint: one token at a time");
        return KT_EXIT_USAGE;
    }
    bool from_stdin = cli->n_paths == 0 || strcmp(cli->paths[0], "-") == 0;
    if (from_stdin) {
        ssize_t n = read_stdin(buf, sizeof(buf));
        if (n < 0) {
            kt_wipe(buf, sizeof(buf));
            kt_cli_error("fingerprint: cannot read the token from standard input (over %d "
                         "bytes?)",
                         TOKEN_MAX);
            return KT_EXIT_USAGE;
        }
        value = kt_str_make(buf, (size_t)n);
    } else {
        value = kt_str_cstr(cli->paths[0]);
    }
    value = kt_str_trim(value);
    struct kt_cand cand = { cli->hashed_token ? KT_CAND_HASHED_TOKEN : KT_CAND_EXPLICIT, value };
    struct kt_cred cred;
    bool ok = value.len > 0 && kt_cred_recognise(&cand, &cred);
    kt_redact_note_cand(&cand); /* whatever is printed next cannot echo it */
    kt_wipe(buf, sizeof(buf));
    if (!from_stdin) {
        kt_wipe(cli->paths[0], strlen(cli->paths[0])); /* hides it from /proc/PID/cmdline */
    }
    if (!ok) {
        kt_cli_error(cli->hashed_token ? "fingerprint: not a GitHub hashed_token (base64 of 32 "
                                         "bytes)"
                                       : "fingerprint: no token given");
        return KT_EXIT_USAGE;
    }
    if (cli->json) {
        print_json(&cred);
    } else {
        char id[KT_KEYID_STRLEN + 1];
        kt_keyid_format(&cred.key, id);
        printf("%s  %s  %s\n", id, kt_family_name(cred.family), cred.hint);
        if (cred.family == KT_FAM_JWT) {
            kt_keyid_format(&cred.token, id);
            printf("token %s\n", id);
        }
    }
    return fflush(stdout) == 0 ? KT_EXIT_OK : KT_EXIT_FATAL;
}
