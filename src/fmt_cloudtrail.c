/*
 * cloudtrail: AWS CloudTrail events — delivery files ({"Records":[...]}), bare arrays, or one
 * event per line (CloudTrail Lake exports), or one EventBridge event per line whose detail
 * object is the CloudTrail record. The credential is the access key id AWS itself logs;
 * sourceIPAddress may be a service name ("AWS Internal"), kept as logged.
 */
#include "fmt_json.h"

#include <stdio.h>

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
    /* What a request created or granted, for the misuse detectors (privilege_change,
     * defense_evasion) and credential chaining. */
    { "responseElements.accessKey.accessKeyId", KT_ROLE_CREATED_KEY },
    { "responseElements.credentials.accessKeyId", KT_ROLE_MINTED_KEY },
    { "requestParameters.policyDocument", KT_ROLE_GRANT },
    { "requestParameters.policyArn", KT_ROLE_GRANT },
    { "requestParameters.bucketPolicy", KT_ROLE_GRANT },
    { "requestParameters.AccessControlPolicy", KT_ROLE_GRANT },
    { "requestParameters.createVolumePermission.add", KT_ROLE_GRANT },
    { "requestParameters.launchPermission.add", KT_ROLE_GRANT },
    { "requestParameters.valuesToAdd", KT_ROLE_GRANT },
};

static enum kt_rc cloudtrail_init(const struct kt_format_opts *opts, void **state,
                                  struct kt_err *err)
{
    (void)opts; /* --field applies to jsonl only */
    /*
     * EventBridge delivers each event wrapped, one per line: {"detail-type":"AWS API Call via
     * CloudTrail", ..., "detail":{...the CloudTrail record...}}. Every row is also looked up
     * under "detail.", after the bare ones, so the detail object is read as the record.
     */
    struct kt_json_field rows[2 * KT_ARRAY_LEN(cloudtrail_fields)];
    char names[KT_ARRAY_LEN(cloudtrail_fields)][96];
    size_t n = 0;
    for (size_t i = 0; i < KT_ARRAY_LEN(cloudtrail_fields); i++) {
        rows[n++] = cloudtrail_fields[i];
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(cloudtrail_fields); i++) {
        int w = snprintf(names[i], sizeof(names[i]), "detail.%s", cloudtrail_fields[i].path);
        if (w > 0 && (size_t)w < sizeof(names[i])) {
            rows[n++] = (struct kt_json_field){ names[i], cloudtrail_fields[i].role };
        }
    }
    /* The names are copied when the paths are compiled. */
    return kt_json_format_init(rows, n, NULL, state, err);
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
    .summary = "AWS CloudTrail delivery files, arrays, one event per line, or EventBridge events",
    .json = true,
    .init = cloudtrail_init,
    .fini = kt_json_format_fini,
    .probe = cloudtrail_probe,
    .parse = cloudtrail_parse,
};
