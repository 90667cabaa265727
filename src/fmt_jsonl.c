/*
 * jsonl: one JSON object per line from API gateways and proxies — Kong file-log, Envoy and
 * Traefik JSON access logs, nginx/Apache JSON log formats, API Gateway and generic shippers.
 *
 * Fields are found by a default mapping of the names these tools use; `--field ROLE=path`
 * replaces the defaults of a role. The table is in priority order: the first present wins.
 */
#include "fmt_json.h"

static const struct kt_json_field jsonl_fields[] = {
    /* time: ISO strings, epoch numbers (Kong's started_at is in milliseconds) */
    { "@timestamp", KT_ROLE_TIME },
    { "timestamp", KT_ROLE_TIME },
    { "time", KT_ROLE_TIME },
    { "started_at", KT_ROLE_TIME },
    { "start_time", KT_ROLE_TIME },
    { "StartUTC", KT_ROLE_TIME },
    { "time_iso8601", KT_ROLE_TIME },
    { "time_local", KT_ROLE_TIME },
    { "ts", KT_ROLE_TIME },
    { "datetime", KT_ROLE_TIME },
    { "date", KT_ROLE_TIME },
    { "requestTime", KT_ROLE_TIME },
    { "requestContext.requestTimeEpoch", KT_ROLE_TIME },
    /* client address */
    { "client_ip", KT_ROLE_IP },
    { "remote_addr", KT_ROLE_IP },
    { "ip", KT_ROLE_IP },
    { "clientip", KT_ROLE_IP },
    { "client_addr", KT_ROLE_IP },
    { "remote_ip", KT_ROLE_IP },
    { "ClientHost", KT_ROLE_IP },
    { "ClientAddr", KT_ROLE_IP },
    { "downstream_remote_address", KT_ROLE_IP },
    { "source.ip", KT_ROLE_IP },
    { "client.ip", KT_ROLE_IP },
    { "sourceIp", KT_ROLE_IP },
    { "requestContext.identity.sourceIp", KT_ROLE_IP },
    { "httpRequest.remoteIp", KT_ROLE_IP },
    { "x_forwarded_for", KT_ROLE_IP },
    /* method */
    { "request.method", KT_ROLE_METHOD },
    { "method", KT_ROLE_METHOD },
    { "request_method", KT_ROLE_METHOD },
    { "http_method", KT_ROLE_METHOD },
    { "httpMethod", KT_ROLE_METHOD },
    { "RequestMethod", KT_ROLE_METHOD },
    { "httpRequest.requestMethod", KT_ROLE_METHOD },
    /* request target */
    { "request.uri", KT_ROLE_URI },
    { "uri", KT_ROLE_URI },
    { "request_uri", KT_ROLE_URI },
    { "url", KT_ROLE_URI },
    { "request.url", KT_ROLE_URI },
    { "RequestPath", KT_ROLE_URI },
    { "path", KT_ROLE_URI },
    { "httpRequest.requestUrl", KT_ROLE_URI },
    { "resourcePath", KT_ROLE_PATH },
    { "query_string", KT_ROLE_QUERY },
    { "args", KT_ROLE_QUERY },
    { "request", KT_ROLE_REQUEST },
    /* outcome */
    { "response.status", KT_ROLE_STATUS },
    { "status", KT_ROLE_STATUS },
    { "status_code", KT_ROLE_STATUS },
    { "response_code", KT_ROLE_STATUS },
    { "DownstreamStatus", KT_ROLE_STATUS },
    { "statusCode", KT_ROLE_STATUS },
    { "httpRequest.status", KT_ROLE_STATUS },
    { "error", KT_ROLE_ERROR },
    /* user agent */
    { "request.headers.user-agent", KT_ROLE_USER_AGENT },
    { "user_agent", KT_ROLE_USER_AGENT },
    { "http_user_agent", KT_ROLE_USER_AGENT },
    { "user-agent", KT_ROLE_USER_AGENT },
    { "useragent", KT_ROLE_USER_AGENT },
    { "userAgent", KT_ROLE_USER_AGENT },
    { "request_User-Agent", KT_ROLE_USER_AGENT },
    { "headers.user-agent", KT_ROLE_USER_AGENT },
    { "httpRequest.userAgent", KT_ROLE_USER_AGENT },
    /* credentials */
    { "request.headers.authorization", KT_ROLE_AUTHORIZATION },
    { "authorization", KT_ROLE_AUTHORIZATION },
    { "http_authorization", KT_ROLE_AUTHORIZATION },
    { "request_Authorization", KT_ROLE_AUTHORIZATION },
    { "headers.authorization", KT_ROLE_AUTHORIZATION },
    { "request.headers.x-api-key", KT_ROLE_API_KEY },
    { "request.headers.apikey", KT_ROLE_API_KEY },
    { "http_x_api_key", KT_ROLE_API_KEY },
    { "x_api_key", KT_ROLE_API_KEY },
    { "x-api-key", KT_ROLE_API_KEY },
    { "request_X-Api-Key", KT_ROLE_API_KEY },
    { "headers.x-api-key", KT_ROLE_API_KEY },
    { "remote_user", KT_ROLE_BASIC_USER },
    /* context */
    { "request.headers.host", KT_ROLE_HOST },
    { "host", KT_ROLE_HOST },
    { "http_host", KT_ROLE_HOST },
    { "authority", KT_ROLE_HOST },
    { "RequestHost", KT_ROLE_HOST },
    { "server_name", KT_ROLE_HOST },
    { "consumer.username", KT_ROLE_ACTOR },
    { "user", KT_ROLE_ACTOR },
};

static enum kt_rc jsonl_init(const struct kt_format_opts *opts, void **state, struct kt_err *err)
{
    return kt_json_format_init(jsonl_fields, KT_ARRAY_LEN(jsonl_fields), opts, state, err);
}

/*
 * What a credential event needs: a time, and a client address or a credential to follow. A
 * JSON object with neither (a GCP audit log, an Azure activity log, an Okta system log: their
 * addresses and principals live under names no gateway uses) would be read as events with
 * every field null and report no credential without a word, so it is refused instead, and
 * jsonl_lacks says why (see kt_format_explain).
 */
enum { LACKS_TIME = 1u << 0, LACKS_SUBJECT = 1u << 1 };

static const char *const jsonl_needs[] = {
    "time",
    "client address or credential field",
    NULL,
};

static unsigned lacks_of(const bool has[KT_ROLE__COUNT])
{
    bool subject = has[KT_ROLE_IP] || has[KT_ROLE_AUTHORIZATION] || has[KT_ROLE_API_KEY] ||
                   has[KT_ROLE_BASIC_USER] || has[KT_ROLE_AWS_KEY_ID] ||
                   has[KT_ROLE_HASHED_TOKEN];
    return (has[KT_ROLE_TIME] ? 0u : LACKS_TIME) | (subject ? 0u : LACKS_SUBJECT);
}

static bool jsonl_lacks(void *state, struct kt_str record, unsigned *lacks)
{
    bool has[KT_ROLE__COUNT];
    if (kt_json_format_scan(state, record, has) != KT_JSON_OK) {
        return false;
    }
    *lacks = lacks_of(has);
    return true;
}

/* An access log record: what a credential event needs, and something of a request. */
static int jsonl_probe(void *state, struct kt_str record)
{
    bool has[KT_ROLE__COUNT];
    if (kt_json_format_scan(state, record, has) != KT_JSON_OK || lacks_of(has) != 0) {
        return 0;
    }
    int request = has[KT_ROLE_URI] || has[KT_ROLE_PATH] || has[KT_ROLE_REQUEST] ||
                  has[KT_ROLE_METHOD];
    return 20 + 20 * request + 10 * has[KT_ROLE_IP] + 5 * has[KT_ROLE_STATUS] +
           5 * has[KT_ROLE_USER_AGENT];
}

const struct kt_format kt_fmt_jsonl = {
    .name = "jsonl",
    .aliases = "json",
    .summary = "JSON lines from API gateways and proxies (Kong, Envoy, Traefik, generic)",
    .json = true,
    .init = jsonl_init,
    .fini = kt_json_format_fini,
    .probe = jsonl_probe,
    .lacks = jsonl_lacks,
    .needs = jsonl_needs,
    .parse = kt_json_format_parse,
};
