/*
 * The log formats: each with good, variant and malformed records (table-driven), field
 * overrides, and format detection from a file's first bytes.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "fmt_json.h"
#include "format.h"

struct fixture {
    void *states[8];
    size_t n;
    const struct kt_format *const *fmts;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->fmts = kt_formats(&f->n);
    for (size_t i = 0; i < f->n; i++) {
        if (f->fmts[i]->init != NULL) {
            struct kt_err err;
            assert_int_equal(f->fmts[i]->init(NULL, &f->states[i], &err), KT_OK);
        }
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < f->n; i++) {
        if (f->fmts[i]->fini != NULL) {
            f->fmts[i]->fini(f->states[i]);
        }
    }
    free(f);
    return 0;
}

static void *state_of(struct fixture *f, const struct kt_format *fmt)
{
    for (size_t i = 0; i < f->n; i++) {
        if (f->fmts[i] == fmt) {
            return f->states[i];
        }
    }
    return NULL;
}

/* Parses one record with the named format into ev; returns the verdict. */
static enum kt_bad parse_one(struct fixture *f, struct kt_parser *p, const char *fmt_name,
                             const char *text, struct kt_event *ev)
{
    const struct kt_format *fmt = kt_format_find(fmt_name);
    assert_non_null(fmt);
    struct kt_err err;
    assert_int_equal(kt_parser_init(p, fmt, state_of(f, fmt), 1 << 16, &err), KT_OK);
    kt_parser_begin(p);
    memset(ev, 0, sizeof(*ev));
    kt_event_reset(ev);
    size_t consumed = 0;
    enum kt_bad bad = fmt->parse(p, kt_str_cstr(text), ev, &consumed);
    return bad;
}

static void expect_str(struct kt_str got, const char *want, const char *what, size_t row)
{
    if (want == NULL) {
        return;
    }
    if (!kt_str_eq_cstr(got, want)) {
        fail_msg("row %zu %s: got '%.*s' want '%s'", row, what, (int)got.len,
                 got.ptr ? got.ptr : "", want);
    }
}

struct row {
    const char *fmt;
    const char *text;
    enum kt_bad bad;
    const char *ip, *method, *resource, *query, *ua, *host, *actor, *service, *error;
    int status;
    int64_t time_ms;
    int n_cands;
    enum kt_cand_kind cand0;
    const char *cand0_value;
};

#define T_20261102_140005 1793628005000LL

static const struct row rows[] = {
    /* combined and its variants */
    { "combined",
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /v1/charges?limit=3&api_key=k HTTP/1.1\" "
      "200 512 \"https://ref.example/\" \"curl/8.4.0\"",
      KT_BAD_NONE, "203.0.113.9", "GET", "/v1/charges", "limit=3&api_key=k", "curl/8.4.0", "",
      NULL, NULL, NULL, 200, T_20261102_140005, 0, 0, NULL },
    { "common",
      "198.51.100.2 - alice [02/Nov/2026:15:00:05 +0100] \"POST /login HTTP/1.0\" 302 -",
      KT_BAD_NONE, "198.51.100.2", "POST", "/login", "", "", "", NULL, NULL, NULL, 302,
      T_20261102_140005, 1, KT_CAND_BASIC_USER, "alice" },
    { "combined",
      "api.example.com:443 2001:db8::7 - - [02/Nov/2026:14:00:05 +0000] \"GET / HTTP/2.0\" 200 1 "
      "\"-\" \"Go-http-client/2.0\"",
      KT_BAD_NONE, "2001:db8::7", "GET", "/", "", "Go-http-client/2.0", "api.example.com:443",
      NULL, NULL, NULL, 200, T_20261102_140005, 0, 0, NULL },
    { "combined",
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /x HTTP/1.1\" 200 5 \"-\" \"ua\" 0.012 "
      "\"Bearer abc.def\" \"203.0.113.9, 10.0.0.1\"",
      KT_BAD_NONE, "203.0.113.9", "GET", "/x", "", "ua", "", NULL, NULL, NULL, 200,
      T_20261102_140005, 1, KT_CAND_AUTHORIZATION, "Bearer abc.def" },
    { "combined",
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /q HTTP/1.1\" 200 5 \"-\" "
      "\"Mozilla \\\"quoted\\\" \\x22x\\x22 \\u0041\"",
      KT_BAD_NONE, "203.0.113.9", "GET", "/q", "", "Mozilla \"quoted\" \"x\" A", "", NULL, NULL,
      NULL, 200, T_20261102_140005, 0, 0, NULL },
    { "combined",
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /a b HTTP/1.1\" 400 0 \"-\" \"-\"",
      KT_BAD_NONE, "203.0.113.9", "GET", "/a b", "", "", "", NULL, NULL, NULL, 400,
      T_20261102_140005, 0, 0, NULL },
    { "combined",
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"-\" 408 0 \"-\" \"-\"", KT_BAD_NONE,
      "203.0.113.9", "", "", "", "", "", NULL, NULL, NULL, 408, T_20261102_140005, 0, 0, NULL },
    { .fmt = "combined", .text =
      "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"\\x16\\x03\\x01\\x00\" 400 0 \"-\" \"-\"", .bad = KT_BAD_REQUEST },
    { .fmt = "combined", .text =
      "203.0.113.9 - - [02/Nov/2026:25:00:05 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"-\"", .bad = KT_BAD_TIME },
    { .fmt = "combined", .text = "203.0.113.9 - - 02/Nov/2026:14:00:05 \"GET / HTTP/1.1\" 200 0", .bad = KT_BAD_SYNTAX },
    { .fmt = "combined", .text = "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET / HTTP/1.1\" abc 0", .bad = KT_BAD_STATUS },
    { .fmt = "combined", .text = "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET /trunc", .bad = KT_BAD_SYNTAX },
    { .fmt = "combined", .text = "\x01\x02\x03binary\x7f junk", .bad = KT_BAD_BINARY },
    { .fmt = "combined", .text = "just some words", .bad = KT_BAD_SYNTAX },
    { .fmt = "combined",
      .text = "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET / HTTP/1.1\" 200 \"-\" \"curl\"",
      .bad = KT_BAD_SYNTAX },

    /* jsonl: Kong file-log */
    { "jsonl",
      "{\"request\":{\"method\":\"POST\",\"uri\":\"/v1/charges?expand=x\",\"headers\":{"
      "\"Authorization\":\"Bearer sk_live_abc\",\"user-agent\":\"Stripe/1.0\",\"host\":\"api\"}},"
      "\"response\":{\"status\":201},\"client_ip\":\"203.0.113.4\",\"started_at\":1793628005000,"
      "\"latencies\":{\"request\":12}}",
      KT_BAD_NONE, "203.0.113.4", "POST", "/v1/charges", "expand=x", "Stripe/1.0", "api", NULL,
      NULL, NULL, 201, T_20261102_140005, 1, KT_CAND_AUTHORIZATION, "Bearer sk_live_abc" },
    /* Envoy: address with port, ISO time, numeric status */
    { "jsonl",
      "{\"start_time\":\"2026-11-02T14:00:05.000Z\",\"method\":\"GET\",\"path\":\"/api\","
      "\"response_code\":403,\"downstream_remote_address\":\"198.51.100.7:51234\","
      "\"user_agent\":\"python-requests/2.31\",\"x-api-key\":\"tok\"}",
      KT_BAD_NONE, "198.51.100.7", "GET", "/api", "", "python-requests/2.31", "", NULL, NULL,
      NULL, 403, T_20261102_140005, 1, KT_CAND_TOKEN, "tok" },
    /* Traefik */
    { "jsonl",
      "{\"ClientHost\":\"192.0.2.44\",\"RequestMethod\":\"DELETE\",\"RequestPath\":\"/r/1\","
      "\"DownstreamStatus\":204,\"StartUTC\":\"2026-11-02T14:00:05Z\","
      "\"request_User-Agent\":\"k6/0.48\",\"request_Authorization\":\"Basic YTpi\"}",
      KT_BAD_NONE, "192.0.2.44", "DELETE", "/r/1", "", "k6/0.48", "", NULL, NULL, NULL, 204,
      T_20261102_140005, 1, KT_CAND_AUTHORIZATION, "Basic YTpi" },
    /* nginx JSON log: a whole request line, escaped strings, status as a string */
    { "jsonl",
      "{\"time_iso8601\":\"2026-11-02T15:00:05+01:00\",\"remote_addr\":\"203.0.113.1\","
      "\"request\":\"GET /p?token=t HTTP/1.1\",\"status\":\"200\","
      "\"http_user_agent\":\"a\\\"b\\u00e9\",\"remote_user\":\"bob\"}",
      KT_BAD_NONE, "203.0.113.1", "GET", "/p", "token=t", "a\"b\xc3\xa9", "", NULL, NULL, NULL,
      200, T_20261102_140005, 1, KT_CAND_BASIC_USER, "bob" },
    { .fmt = "jsonl", .text = "{\"ip\":\"203.0.113.1\",\"path\":\"/x\"}", .bad = KT_BAD_NO_TIME },
    { .fmt = "jsonl", .text = "{\"time\":\"last tuesday\",\"path\":\"/x\"}", .bad = KT_BAD_TIME },
    { .fmt = "jsonl", .text = "{\"time\":\"2026-11-02T14:00:05Z\",\"path\":", .bad = KT_BAD_INCOMPLETE },
    { .fmt = "jsonl", .text = "{\"time\":tru}", .bad = KT_BAD_JSON },
    { .fmt = "jsonl", .text = "[1,2]", .bad = KT_BAD_NOT_OBJECT },

    /* cloudtrail */
    { "cloudtrail",
      "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":"
      "\"arn:aws:iam::111122223333:user/ci\",\"accessKeyId\":\"AKIAEXAMPLEKEY\"},"
      "\"eventTime\":\"2026-11-02T14:00:05Z\",\"eventSource\":\"iam.amazonaws.com\","
      "\"eventName\":\"ListUsers\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"AWS "
      "Internal\",\"userAgent\":\"aws-cli/2.15\",\"errorCode\":\"AccessDenied\","
      "\"requestParameters\":null,\"responseElements\":{\"x\":[1,{\"y\":\"}\"}]}}",
      KT_BAD_NONE, "AWS Internal", "ListUsers", "", "", "aws-cli/2.15", "us-east-1",
      "arn:aws:iam::111122223333:user/ci", "iam.amazonaws.com", "AccessDenied", 0,
      T_20261102_140005, 1, KT_CAND_AWS_KEY_ID, "AKIAEXAMPLEKEY" },
    /* eventTime as a number (exports), in seconds or milliseconds; before CloudTrail existed
     * it is a wrong time (a placeholder, a date read as seconds), not a 1970 event */
#define CT_AT(t)                                                                               \
    "{\"eventVersion\":\"1.08\",\"eventTime\":" t ",\"eventSource\":\"s3.amazonaws.com\","    \
    "\"eventName\":\"ListBuckets\",\"userIdentity\":{\"accessKeyId\":\"AKIAEXAMPLEKEY\"}}"
    { .fmt = "cloudtrail", .text = CT_AT("1793628005"), .bad = KT_BAD_NONE,
      .time_ms = T_20261102_140005, .n_cands = 1, .cand0 = KT_CAND_AWS_KEY_ID },
    { .fmt = "cloudtrail", .text = CT_AT("1793628005000"), .bad = KT_BAD_NONE,
      .time_ms = T_20261102_140005, .n_cands = 1, .cand0 = KT_CAND_AWS_KEY_ID },
    { .fmt = "cloudtrail", .text = CT_AT("0"), .bad = KT_BAD_TIME },
    { .fmt = "cloudtrail", .text = CT_AT("20261102"), .bad = KT_BAD_TIME },
    { .fmt = "cloudtrail", .text = CT_AT("\"1970-01-01T00:00:00Z\""), .bad = KT_BAD_TIME },
    /* EventBridge: the detail object is the record; the wrapper's own time is not used */
    { "cloudtrail",
      "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":"
      "\"aws.iam\",\"time\":\"2026-11-02T14:00:09Z\",\"region\":\"us-east-1\",\"detail\":{"
      "\"eventVersion\":\"1.08\",\"userIdentity\":{\"arn\":\"arn:aws:iam::111122223333:user/ci\","
      "\"accessKeyId\":\"AKIAEXAMPLEKEY\"},\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"awsRegion\":"
      "\"us-east-1\",\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":\"aws-cli/2.15\"}}",
      KT_BAD_NONE, "203.0.113.9", "ListUsers", "", "", "aws-cli/2.15", "us-east-1",
      "arn:aws:iam::111122223333:user/ci", "iam.amazonaws.com", NULL, 0, T_20261102_140005, 1,
      KT_CAND_AWS_KEY_ID, "AKIAEXAMPLEKEY" },

    /* github audit log */
    { "github",
      "{\"@timestamp\":1793628005000,\"action\":\"org.list_members\",\"actor\":\"octo\","
      "\"actor_ip\":\"203.0.113.50\",\"user_agent\":\"curl/8\",\"org\":\"acme\","
      "\"repo\":\"acme/api\",\"hashed_token\":\"AAAA\",\"programmatic_access_type\":"
      "\"Personal access token (classic)\",\"_document_id\":\"d\"}",
      KT_BAD_NONE, "203.0.113.50", "org.list_members", "acme/api", "", "curl/8", "acme", "octo",
      "Personal access token (classic)", NULL, 0, T_20261102_140005, 1, KT_CAND_HASHED_TOKEN,
      "AAAA" },
};

static void test_rows(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct kt_parser p;
        struct kt_event ev;
        enum kt_bad bad = parse_one(f, &p, r->fmt, r->text, &ev);
        if (bad != r->bad) {
            fail_msg("row %zu: verdict %s, want %s", i, kt_bad_name(bad), kt_bad_name(r->bad));
        }
        if (bad == KT_BAD_NONE) {
            expect_str(ev.ip, r->ip, "ip", i);
            expect_str(ev.method, r->method, "method", i);
            expect_str(ev.resource, r->resource, "resource", i);
            expect_str(ev.query, r->query, "query", i);
            expect_str(ev.user_agent, r->ua, "user_agent", i);
            expect_str(ev.host, r->host, "host", i);
            expect_str(ev.actor, r->actor, "actor", i);
            expect_str(ev.service, r->service, "service", i);
            expect_str(ev.error, r->error, "error", i);
            if (ev.status != r->status || ev.time_ms != r->time_ms) {
                fail_msg("row %zu: status %d time %lld", i, ev.status, (long long)ev.time_ms);
            }
            if ((int)ev.n_cands != r->n_cands) {
                fail_msg("row %zu: %u candidates, want %d", i, ev.n_cands, r->n_cands);
            }
            if (r->n_cands > 0) {
                assert_int_equal(ev.cands[0].kind, r->cand0);
                expect_str(ev.cands[0].value, r->cand0_value, "cand", i);
            }
        }
        kt_parser_fini(&p);
    }
}

static void test_field_override(void **state)
{
    (void)state;
    const struct kt_format *fmt = kt_format_find("jsonl");
    struct kt_field_override over[] = { { "time", "meta.when" }, { "ip", "peer" } };
    struct kt_format_opts opts = { over, 2 };
    void *st;
    struct kt_err err;
    assert_int_equal(fmt->init(&opts, &st, &err), KT_OK);
    struct kt_parser p;
    assert_int_equal(kt_parser_init(&p, fmt, st, 4096, &err), KT_OK);
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    size_t used;
    /* The defaults of overridden roles are ignored: "time" and "client_ip" are not read. */
    const char *rec = "{\"time\":\"garbage\",\"client_ip\":\"10.0.0.1\",\"peer\":\"192.0.2.1\","
                      "\"meta\":{\"when\":\"2026-11-02T14:00:05Z\"},\"uri\":\"/z\"}";
    assert_int_equal(fmt->parse(&p, kt_str_cstr(rec), &ev, &used), KT_BAD_NONE);
    assert_int_equal(ev.time_ms, T_20261102_140005);
    assert_true(kt_str_eq_cstr(ev.ip, "192.0.2.1"));
    assert_int_equal(used, strlen(rec));
    kt_parser_fini(&p);
    fmt->fini(st);

    struct kt_field_override bad_role[] = { { "colour", "x" } };
    struct kt_format_opts bad = { bad_role, 1 };
    assert_int_equal(fmt->init(&bad, &st, &err), KT_EUSAGE);
    struct kt_field_override bad_path[] = { { "time", "a..b" } };
    struct kt_format_opts bad2 = { bad_path, 1 };
    assert_int_equal(fmt->init(&bad2, &st, &err), KT_EUSAGE);
}

struct detect_case {
    const char *prefix;
    const char *want; /* NULL: nothing fits */
    bool stream;
};

static const struct detect_case detect_cases[] = {
    { "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n"
      "203.0.113.9 - - [02/Nov/2026:14:00:06 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n",
      "combined", false },
    /* One bad line among good ones is still the format. */
    { "203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] \"GET / HTTP/1.1\" 200 5\n"
      "garbage\n"
      "203.0.113.9 - - [02/Nov/2026:14:00:06 +0000] \"GET / HTTP/1.1\" 200 5\n",
      "combined", false },
    { "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}]}",
      "cloudtrail", true },
    { "{\"Records\":[]}", "cloudtrail", true },
    /* A bad first record does not hide the format of the records after it, in any layout. */
    { "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":tru},"
      "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}]}",
      "cloudtrail", true },
    { "{\"Records\":[\"eventVersion\":\"1.08\",\"x\":1},"
      "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}]}",
      "cloudtrail", true },
    { "[{\"@timestamp\":x},\n{\"@timestamp\":1762092000000,\"action\":\"repo.create\","
      "\"actor\":\"octo\",\"org\":\"acme\"}]\n",
      "github", true },
    { "{\"time\":tru,\"path\":\"/x\"}\n"
      "{\"time\":\"2026-11-02T14:00:05Z\",\"path\":\"/x\",\"client_ip\":\"1.2.3.4\"}\n",
      "jsonl", true },
    /* A valid first record that no format claims (a damaged member name) is passed over. */
    { "[{\"eventVersion\":\"1.08\",\"evenTime\":\"2026-11-02T14:00:05Z\"},"
      "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}]",
      "cloudtrail", true },
    /* ... but only a few: a JSON array that is not a log stays unrecognised. */
    { "[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4},{\"a\":5},{\"a\":6},{\"a\":7},{\"a\":8},"
      "{\"time\":\"2026-11-02T14:00:05Z\",\"path\":\"/x\"}]", NULL, true },
    { "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}\n",
      "cloudtrail", false },
    { "[{\"@timestamp\":1793628005000,\"action\":\"repo.create\",\"actor\":\"a\","
      "\"org\":\"o\"},\n", "github", true },
    { "{\"@timestamp\":1793628005000,\"action\":\"repo.create\",\"actor\":\"a\","
      "\"hashed_token\":\"x\"}\n", "github", false },
    { "{\"client_ip\":\"1.2.3.4\",\"started_at\":1793628005000,\"request\":{\"uri\":\"/\"}}\n",
      "jsonl", false },
    { "{\n  \"time\": \"2026-11-02T14:00:05Z\",\n  \"path\": \"/x\",\n  \"ip\": \"1.2.3.4\"\n}\n",
      "jsonl", true },
    /* A time and a request but no client address or credential: nothing to follow. */
    { "{\"time\":\"2026-11-02T14:00:05Z\",\"path\":\"/x\",\"status\":200}\n", NULL, false },
    /* A credential without an address is enough. */
    { "{\"time\":\"2026-11-02T14:00:05Z\",\"authorization\":\"Bearer x\"}\n", "jsonl", false },
    /* GCP audit log and Okta system log lines look like JSON logs but are neither. */
    { "{\"timestamp\":\"2026-11-02T14:00:05Z\",\"protoPayload\":{\"methodName\":\"x\","
      "\"requestMetadata\":{\"callerIP\":\"1.2.3.4\"}}}\n", NULL, false },
    { "{\"published\":\"2026-11-02 14:00:05.000\",\"client\":{\"ipAddress\":\"1.2.3.4\"}}\n",
      NULL, false },
    /* EventBridge-wrapped CloudTrail, one event per line. */
    { "{\"detail-type\":\"AWS API Call via CloudTrail\",\"time\":\"2026-11-02T14:00:06Z\","
      "\"detail\":{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T14:00:05Z\","
      "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\"}}\n",
      "cloudtrail", false },
    { "# keytrail samples\n\nThis folder holds logs.\n", NULL, false },
    { "{\"name\":\"not a log\",\"version\":3}\n", NULL, false },
    { "", NULL, false },
};

static void test_detect(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(detect_cases) / sizeof(detect_cases[0]); i++) {
        bool stream = false;
        const struct kt_format *fmt =
            kt_format_detect(kt_str_cstr(detect_cases[i].prefix), f->states, &stream);
        const char *got = fmt ? fmt->name : NULL;
        if ((got == NULL) != (detect_cases[i].want == NULL) ||
            (got != NULL && strcmp(got, detect_cases[i].want) != 0)) {
            fail_msg("case %zu: detected %s, want %s", i, got ? got : "nothing",
                     detect_cases[i].want ? detect_cases[i].want : "nothing");
        }
        if (fmt != NULL && stream != detect_cases[i].stream) {
            fail_msg("case %zu: stream=%d", i, stream);
        }
        /* The layout alone (used when --format is forced) says the same. */
        assert_int_equal(kt_format_json_stream(kt_str_cstr(detect_cases[i].prefix)), stream);
    }
}

struct explain_case {
    const char *prefix;
    const char *want; /* NULL: nothing close */
};

static const struct explain_case explain_cases[] = {
    { "{\"timestamp\":\"2026-11-02T14:00:05Z\",\"protoPayload\":{}}\n"
      "{\"timestamp\":\"2026-11-02T14:00:06Z\",\"protoPayload\":{}}\n",
      "closest is jsonl, but its records have no client address or credential field" },
    { "{\"published\":\"2026-11-02\",\"client\":{\"ipAddress\":\"1.2.3.4\"}}\n",
      "closest is jsonl, but its records have no time and no client address or credential "
      "field" },
    /* What most records lack, not what one lacks. */
    { "{\"ip\":\"1.2.3.4\"}\n{\"ip\":\"1.2.3.4\"}\n{\"time\":\"2026-11-02T14:00:05Z\"}\n",
      "closest is jsonl, but its records have no time" },
    /* A JSON array: its elements are the records. */
    { "[{\"time\":\"2026-11-02T14:00:05Z\",\"a\":1},\n {\"time\":\"2026-11-02T14:00:06Z\"}]",
      "closest is jsonl, but its records have no client address or credential field" },
    { "# keytrail samples\n\nThis folder holds logs.\n", NULL },
    { "", NULL },
};

static void test_explain(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]); i++) {
        struct kt_str prefix = kt_str_cstr(explain_cases[i].prefix);
        bool stream;
        assert_null(kt_format_detect(prefix, f->states, &stream));
        char why[160];
        bool got = kt_format_explain(prefix, f->states, why, sizeof(why));
        if (got != (explain_cases[i].want != NULL) ||
            (got && strcmp(why, explain_cases[i].want) != 0)) {
            fail_msg("case %zu: got '%s', want '%s'", i, got ? why : "nothing",
                     explain_cases[i].want ? explain_cases[i].want : "nothing");
        }
    }
    /* A short buffer is truncated, never overrun. */
    char small[12];
    assert_true(kt_format_explain(kt_str_cstr(explain_cases[1].prefix), f->states, small,
                                  sizeof(small)));
    assert_string_equal(small, "closest is ");
}

static void test_registry(void **state)
{
    (void)state;
    assert_ptr_equal(kt_format_find("common"), kt_format_find("combined"));
    assert_ptr_equal(kt_format_find("json"), kt_format_find("jsonl"));
    assert_null(kt_format_find("syslog"));
    assert_string_equal(kt_bad_name(KT_BAD_TOO_LONG), "too_long");
    for (int b = 0; b < KT_BAD__COUNT; b++) {
        assert_non_null(kt_bad_name((enum kt_bad)b));
    }
}

static void test_split_request_line(void **state)
{
    (void)state;
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    assert_true(kt_split_request_line(kt_str_cstr("GET /a?b=c#frag HTTP/1.1"), &ev));
    assert_true(kt_str_eq_cstr(ev.resource, "/a"));
    assert_true(kt_str_eq_cstr(ev.query, "b=c"));
    assert_false(kt_split_request_line(kt_str_cstr("GET"), &ev));
    assert_false(kt_split_request_line(kt_str_cstr("get /x HTTP/1.1"), &ev));
    assert_false(kt_split_request_line(kt_str_cstr("GET /a b c"), &ev));
    assert_true(kt_split_request_line(kt_str_cstr("OPTIONS *"), &ev));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_field_override),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_split_request_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
