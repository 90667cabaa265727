/*
 * The one user-agent normaliser: what "the same client" means everywhere (the baseline's agent
 * set, the usual-client test, new_user_agent's names).
 *
 * Clients are compared by product and major version: "Boto3/1.26.165 Python/3.10.6 ..." and
 * "[Boto3/1.26.170 ...]" are both "Boto3/1". CloudTrail wraps some agents in [...] and lists
 * several products separated by commas ("[S3Console/0.4, aws-internal/3 aws-sdk-java/...]"):
 * the first one names the client. SDK parts (exe/, md/, api/, os/, lang/, ua/, cfg/) never do.
 * Browsers are named by browser, major version and OS ("Firefox/114 (Linux)"), not by
 * "Mozilla/5.0". Attack and simulation tooling is named by what it is, whatever its version or
 * run id ("Stratus Red Team", "Pacu", "ScoutSuite", "Prowler", "TruffleHog", "CloudFox"), and a
 * client on a Kali or Parrot build gets "(Kali)" or "(Parrot)" appended.
 *
 * The result is plain ASCII without the raw agent's secrets only as far as the agent held none
 * in its product token: callers that store or print it still redact it.
 */
#ifndef KEYTRAIL_USERAGENT_H
#define KEYTRAIL_USERAGENT_H

#include <keytrail/common.h>

#define KT_UA_NORM_MAX 48

/* Normalises ua into out (capacity cap, NUL-terminated); returns its length (0 for none). */
size_t kt_ua_normalise(struct kt_str ua, char *out, size_t cap);

/*
 * The agent's own name as people read it in reasons and reports, version included: the first
 * word when it has the product/version shape ("python-requests/2.32.3", "Mozilla/5.0"), else
 * the text before any comment ("GitHub CLI 2.62.0"). A view into ua, trimmed; not redacted:
 * what is stored or printed is kt_ua_display()'s copy.
 */
struct kt_str kt_ua_display_name(struct kt_str ua);

/* Display names longer than this are junk, shown as "?" rather than redacted and cut. */
#define KT_UA_DISPLAY_MAX 256

/*
 * The one display rule: the agent's display name as the baseline stores it and reasons show
 * it. Control and non-ASCII bytes become '?', every secret is redacted (before the name is
 * cut, so no token survives in part), and the result is cut to fit cap (> 0, NUL included) at a
 * UTF-8 boundary (a hint's "…" is never split). Returns its length; 0 with out empty when the
 * agent has no display name; "?" when the name is longer than KT_UA_DISPLAY_MAX.
 */
size_t kt_ua_display(struct kt_str ua, char *out, size_t cap);

#endif
