/*
 * Timestamps as logs write them, to and from milliseconds since the epoch (UTC).
 *
 * Event time drives everything downstream (windows, learning, expiry), so parsing is strict:
 * a field that does not parse is reported, never guessed at.
 */
#ifndef KEYTRAIL_TIMEFMT_H
#define KEYTRAIL_TIMEFMT_H

#include <keytrail/common.h>

#define KT_TIME_STRLEN 32

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31). */
int64_t kt_days_from_civil(int64_t year, unsigned month, unsigned day);

/*
 * RFC 3339 / ISO 8601: "2026-11-02T14:00:05Z", "...05.123+01:00", "...05-0700", lower-case t/z,
 * a space instead of T ("2023-01-31 18:58:27.638"), minutes-only ("2026-11-02T14:00Z"), and no
 * zone (taken as UTC). Fractions beyond milliseconds are truncated.
 */
bool kt_time_parse_iso(struct kt_str s, int64_t *ms);

/* Common Log Format: "10/Oct/2000:13:55:36 -0700" (without the brackets). */
bool kt_time_parse_clf(struct kt_str s, int64_t *ms);

/*
 * A number of seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by
 * magnitude (as log shippers mix them): "1700000000", "1700000000.25", "1700000000123".
 */
bool kt_time_parse_epoch(struct kt_str s, int64_t *ms);

/* Tries ISO, then epoch, then CLF. */
bool kt_time_parse_any(struct kt_str s, int64_t *ms);

/* Writes "2026-11-02T14:00:05Z" (or "...05.123Z" when there are milliseconds) and a NUL;
 * returns the length. KT_TIME_NONE gives "". */
size_t kt_time_format(int64_t ms, char out[KT_TIME_STRLEN]);

/* Parses a user-supplied time: ISO as above, or a date "2026-11-02" (midnight UTC). */
bool kt_time_parse_arg(const char *s, int64_t *ms);

#endif
