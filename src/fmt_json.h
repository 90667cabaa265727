/*
 * Shared machinery of the JSON formats (jsonl, cloudtrail, github): a format is a table of
 * (member path, role) rows in priority order; the first row present for a role wins. One
 * kt_json_extract pass captures every row's value, then the roles fill the event.
 */
#ifndef KEYTRAIL_FMT_JSON_H
#define KEYTRAIL_FMT_JSON_H

#include "format.h"
#include "json_scan.h"

/* What a JSON member means. Names (kt_json_role_name) are what --field takes. */
enum kt_json_role {
    KT_ROLE_TIME = 0,
    KT_ROLE_IP,
    KT_ROLE_METHOD,        /* HTTP method or API operation */
    KT_ROLE_SERVICE,
    KT_ROLE_URI,           /* path with optional query string */
    KT_ROLE_PATH,
    KT_ROLE_QUERY,
    KT_ROLE_REQUEST,       /* a whole request line "GET /x?y HTTP/1.1" */
    KT_ROLE_STATUS,
    KT_ROLE_ERROR,
    KT_ROLE_USER_AGENT,
    KT_ROLE_AUTHORIZATION, /* an Authorization header value */
    KT_ROLE_API_KEY,       /* a bare token (X-Api-Key, apikey header) */
    KT_ROLE_HOST,
    KT_ROLE_ACTOR,
    KT_ROLE_RESOURCE,      /* a resource that is not a URL path (GitHub repo) */
    KT_ROLE_AWS_KEY_ID,
    KT_ROLE_HASHED_TOKEN,
    KT_ROLE_BASIC_USER,
    KT_ROLE_MARKER,        /* only used by probes (eventVersion, _document_id...) */
    KT_ROLE_CREATED_KEY,   /* an access key id the request created */
    KT_ROLE_MINTED_KEY,    /* the access key id of session credentials the request issued */
    KT_ROLE_GRANT,         /* a policy or share the request grants (objects kept as raw JSON) */
    KT_ROLE__COUNT
};

const char *kt_json_role_name(enum kt_json_role role);
bool kt_json_role_from_name(const char *name, enum kt_json_role *out);

struct kt_json_field {
    const char *path;
    enum kt_json_role role;
};

/* Compiled per-run state of one JSON format. */
struct kt_json_format_state {
    struct kt_json_paths *paths;
    enum kt_json_role roles[KT_JSON_MAX_PATHS];
    const char *path_names[KT_JSON_MAX_PATHS];
    size_t n;
};

/*
 * Compiles the default table, with overrides (jsonl's --field) replacing every default row
 * of the roles they name. Returns KT_EUSAGE for an unknown role or a bad path.
 */
enum kt_rc kt_json_format_init(const struct kt_json_field *defaults, size_t n_defaults,
                               const struct kt_format_opts *opts, void **state,
                               struct kt_err *err);
void kt_json_format_fini(void *state);

/*
 * Scans record with the state's paths; fills present[role] for each role found. Returns the
 * scan status. For probes.
 */
enum kt_json_status kt_json_format_scan(const struct kt_json_format_state *st,
                                        struct kt_str record, bool present[KT_ROLE__COUNT]);

/*
 * The shared parse: extract, then roles into ev (time required). Honours open views (json
 * splitting) through *consumed and KT_BAD_INCOMPLETE.
 */
enum kt_bad kt_json_format_parse(struct kt_parser *p, struct kt_str record, struct kt_event *ev,
                                 size_t *consumed);

/* Splits "GET /path?q HTTP/1.1" into method, resource and query; false when malformed. */
bool kt_split_request_line(struct kt_str line, struct kt_event *ev);

/* Splits a request target into resource (path) and query (without '?'). */
void kt_split_uri(struct kt_str uri, struct kt_event *ev);

#endif
