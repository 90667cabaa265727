/*
 * cloudtrail: AWS CloudTrail events — delivery files ({"Records":[...]}), bare arrays, or one
 * event per line (EventBridge, CloudTrail Lake exports). The credential is the access key id
 * AWS itself logs; sourceIPAddress may be a service name ("AWS Internal"), kept as logged.
 */
#include "fmt_json.h"

static const struct kt_json_field cloudtrail_fields[] = {
    { "eventTime", KT_ROLE_TIME },
    { "sourceIPAddress", KT_ROLE_IP },
    { "eventName", KT_ROLE_METHOD },
    { "eventSource", KT_ROLE_SERVICE },
    { "errorCode", KT_ROLE_ERROR },
    { "userAgent", KT_ROLE_USER_AGENT },
    { "awsRegion", KT_ROLE_HOST },
    { "userIdentity.arn", KT_ROLE_ACTOR },
    { "userIdentity.userName", KT_ROLE_ACTOR },
    { "userIdentity.principalId", KT_ROLE_ACTOR },
    { "userIdentity.accessKeyId", KT_ROLE_AWS_KEY_ID },
    { "eventVersion", KT_ROLE_MARKER },
};

static enum kt_rc cloudtrail_init(const struct kt_format_opts *opts, void **state,
                                  struct kt_err *err)
{
    (void)opts; /* --field applies to jsonl only */
    return kt_json_format_init(cloudtrail_fields, KT_ARRAY_LEN(cloudtrail_fields), NULL, state,
                               err);
}

/*
 * CloudTrail writes eventTime as an RFC 3339 string; exports (Lake, Athena, SIEM re-shippers)
 * sometimes turn it into a number of seconds or milliseconds, which the shared parser reads by
 * magnitude. A value that lands before CloudTrail existed (0, a placeholder, 20231102 read as
 * seconds) is a wrong time, not a 1970 event: the record is counted as malformed (time)
 * instead of poisoning every window and baseline it would fall into.
 */
#define CLOUDTRAIL_FIRST_MS INT64_C(1384300800000) /* 2013-11-13, the service's launch */

static enum kt_bad cloudtrail_parse(struct kt_parser *p, struct kt_str record, struct kt_event *ev,
                                    size_t *consumed)
{
    enum kt_bad bad = kt_json_format_parse(p, record, ev, consumed);
    if (bad == KT_BAD_NONE && ev->time_ms < CLOUDTRAIL_FIRST_MS) {
        return KT_BAD_TIME;
    }
    return bad;
}

static int cloudtrail_probe(void *state, struct kt_str record)
{
    bool has[KT_ROLE__COUNT];
    if (kt_json_format_scan(state, record, has) != KT_JSON_OK) {
        return 0;
    }
    if (!has[KT_ROLE_TIME] || !has[KT_ROLE_METHOD] || !has[KT_ROLE_SERVICE]) {
        return 0;
    }
    return 80 + 10 * has[KT_ROLE_MARKER] + 10 * has[KT_ROLE_IP];
}

const struct kt_format kt_fmt_cloudtrail = {
    .name = "cloudtrail",
    .aliases = NULL,
    .summary = "AWS CloudTrail delivery files, arrays, or one event per line",
    .json = true,
    .init = cloudtrail_init,
    .fini = kt_json_format_fini,
    .probe = cloudtrail_probe,
    .parse = cloudtrail_parse,
};
