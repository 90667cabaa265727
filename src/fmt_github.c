/*
 * github: the GitHub audit log, as streamed (JSON lines) or exported (one JSON array). Token
 * use is recorded as hashed_token, base64 of the token's SHA-256, which resolves to the same
 * key id as the token itself.
 */
#include "fmt_json.h"

static const struct kt_json_field github_fields[] = {
    { "@timestamp", KT_ROLE_TIME },
    { "created_at", KT_ROLE_TIME },
    { "timestamp", KT_ROLE_TIME },
    { "actor_ip", KT_ROLE_IP },
    { "action", KT_ROLE_METHOD },
    { "user_agent", KT_ROLE_USER_AGENT },
    { "actor", KT_ROLE_ACTOR },
    { "repo", KT_ROLE_RESOURCE },
    { "repository", KT_ROLE_RESOURCE },
    { "org", KT_ROLE_HOST },
    { "business", KT_ROLE_HOST },
    { "programmatic_access_type", KT_ROLE_SERVICE },
    { "hashed_token", KT_ROLE_HASHED_TOKEN },
    { "_document_id", KT_ROLE_MARKER },
};

static enum kt_rc github_init(const struct kt_format_opts *opts, void **state,
                              struct kt_err *err)
{
    (void)opts;
    return kt_json_format_init(github_fields, KT_ARRAY_LEN(github_fields), NULL, state, err);
}

/* An audit event: a dotted action ("repo.create"), a time, and an actor or org. */
static int github_probe(void *state, struct kt_str record)
{
    bool has[KT_ROLE__COUNT];
    if (kt_json_format_scan(state, record, has) != KT_JSON_OK) {
        return 0;
    }
    if (!has[KT_ROLE_TIME] || !has[KT_ROLE_METHOD] || !(has[KT_ROLE_ACTOR] || has[KT_ROLE_HOST])) {
        return 0;
    }
    return 60 + 10 * has[KT_ROLE_HASHED_TOKEN] + 10 * has[KT_ROLE_MARKER] +
           10 * has[KT_ROLE_IP] + 10 * has[KT_ROLE_SERVICE];
}

const struct kt_format kt_fmt_github = {
    .name = "github",
    .aliases = NULL,
    .summary = "GitHub audit log stream (JSON lines) and export (JSON array)",
    .json = true,
    .init = github_init,
    .fini = kt_json_format_fini,
    .probe = github_probe,
    .parse = kt_json_format_parse,
};
