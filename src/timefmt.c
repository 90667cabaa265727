/*
 * Timestamp parsing and formatting (timefmt.h).
 *
 * Civil-date arithmetic uses the era-based day count (400-year cycles of 146097 days), so it is
 * exact for any year without tables or libc time zone state. The parsers are hand-written
 * because they run once per log record: no sscanf, no strptime, no locale.
 */
#include "timefmt.h"

#include <stdio.h>

int64_t kt_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    /* Shift the year to start in March so the leap day is the last day of the year. */
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t yoe = year - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static unsigned days_in_month(int64_t year, unsigned month)
{
    static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        return 29;
    }
    return dim[month - 1];
}

/* Reads exactly n decimal digits at *p; advances it. */
static bool digits(const char **p, const char *end, int n, unsigned *out)
{
    unsigned v = 0;
    if (end - *p < n) {
        return false;
    }
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned)((*p)[i] - '0');
        if (d > 9) {
            return false;
        }
        v = v * 10 + d;
    }
    *p += n;
    *out = v;
    return true;
}

/* Reads the digits of a fraction of a second at *p (after the '.'), keeping milliseconds and
 * truncating the rest; false when there is no digit. */
static bool fraction_ms(const char **p, const char *end, unsigned *ms)
{
    int n = 0;
    *ms = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        if (n < 3) {
            *ms = *ms * 10 + (unsigned)(**p - '0');
        }
        n++;
        (*p)++;
    }
    for (int k = n; k < 3; k++) {
        *ms *= 10;
    }
    return n > 0;
}

static bool valid_fields(int64_t year, unsigned mon, unsigned day, unsigned h, unsigned m,
                         unsigned s)
{
    /* s == 60 allows a leap second; it folds into the next minute. */
    return year >= 1 && mon >= 1 && mon <= 12 && day >= 1 && day <= days_in_month(year, mon) &&
           h <= 23 && m <= 59 && s <= 60;
}

static int64_t compose_ms(int64_t year, unsigned mon, unsigned day, unsigned h, unsigned m,
                          unsigned s, unsigned ms, int offset_min)
{
    int64_t secs = kt_days_from_civil(year, mon, day) * 86400 + h * 3600 + m * 60 + s;
    secs -= (int64_t)offset_min * 60;
    return secs * 1000 + ms;
}

/* Parses "Z", "+hh:mm", "+hhmm", "+hh" or nothing; *p must then be at end. */
static bool parse_zone(const char *p, const char *end, int *offset_min)
{
    *offset_min = 0;
    if (p == end) {
        return true;
    }
    if ((*p == 'Z' || *p == 'z') && p + 1 == end) {
        return true;
    }
    if (*p != '+' && *p != '-') {
        return false;
    }
    int sign = *p == '-' ? -1 : 1;
    p++;
    unsigned hh, mm = 0;
    if (!digits(&p, end, 2, &hh)) {
        return false;
    }
    if (p < end && *p == ':') {
        p++;
    }
    if (p < end && !digits(&p, end, 2, &mm)) {
        return false;
    }
    if (p != end || hh > 23 || mm > 59) {
        return false;
    }
    *offset_min = sign * (int)(hh * 60 + mm);
    return true;
}

bool kt_time_parse_iso(struct kt_str str, int64_t *out)
{
    const char *p = str.ptr, *end = str.ptr + str.len;
    unsigned y, mon, day, h, m, s = 0, ms = 0;
    if (!digits(&p, end, 4, &y) || p == end || *p++ != '-' || !digits(&p, end, 2, &mon) ||
        p == end || *p++ != '-' || !digits(&p, end, 2, &day)) {
        return false;
    }
    if (p == end || (*p != 'T' && *p != 't' && *p != ' ')) {
        return false;
    }
    p++;
    if (!digits(&p, end, 2, &h) || p == end || *p++ != ':' || !digits(&p, end, 2, &m)) {
        return false;
    }
    if (p < end && *p == ':') {
        p++;
        if (!digits(&p, end, 2, &s)) {
            return false;
        }
        if (p < end && (*p == '.' || *p == ',')) {
            p++;
            if (!fraction_ms(&p, end, &ms)) {
                return false;
            }
        }
    }
    int offset;
    if (!parse_zone(p, end, &offset) || !valid_fields(y, mon, day, h, m, s)) {
        return false;
    }
    *out = compose_ms(y, mon, day, h, m, s, ms, offset);
    return true;
}

static int month_from_abbrev(const char *p)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++) {
        if (p[0] == names[i * 3] && p[1] == names[i * 3 + 1] && p[2] == names[i * 3 + 2]) {
            return i + 1;
        }
    }
    return 0;
}

bool kt_time_parse_clf(struct kt_str str, int64_t *out)
{
    const char *p = str.ptr, *end = str.ptr + str.len;
    unsigned day, y, h, m, s;
    if (!digits(&p, end, 2, &day) || end - p < 5 || *p++ != '/') {
        return false;
    }
    int mon = month_from_abbrev(p);
    p += 3;
    if (mon == 0 || *p++ != '/' || !digits(&p, end, 4, &y) || p == end || *p++ != ':' ||
        !digits(&p, end, 2, &h) || p == end || *p++ != ':' || !digits(&p, end, 2, &m) ||
        p == end || *p++ != ':' || !digits(&p, end, 2, &s)) {
        return false;
    }
    unsigned ms = 0;
    if (p < end && *p == '.') { /* nginx $msec-style fraction, seen in custom formats */
        p++;
        fraction_ms(&p, end, &ms);
    }
    int offset = 0;
    if (p < end) {
        if (*p != ' ') {
            return false;
        }
        p++;
        if (!parse_zone(p, end, &offset)) {
            return false;
        }
    }
    if (!valid_fields(y, (unsigned)mon, day, h, m, s)) {
        return false;
    }
    *out = compose_ms(y, (unsigned)mon, day, h, m, s, ms, offset);
    return true;
}

bool kt_time_parse_epoch(struct kt_str str, int64_t *out)
{
    const char *p = str.ptr, *end = str.ptr + str.len;
    uint64_t whole = 0;
    int nd = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (nd >= 19) {
            return false;
        }
        whole = whole * 10 + (uint64_t)(*p - '0');
        nd++;
        p++;
    }
    if (nd == 0) {
        return false;
    }
    unsigned frac_ms = 0;
    if (p < end && *p == '.') {
        p++;
        if (!fraction_ms(&p, end, &frac_ms)) {
            return false;
        }
    }
    if (p != end) {
        return false;
    }
    /* Magnitude tells the unit: seconds until the year 5138, then ms, us, ns. */
    int64_t ms;
    if (whole < 100000000000ULL) {
        ms = (int64_t)whole * 1000 + frac_ms;
    } else if (whole < 100000000000000ULL) {
        ms = (int64_t)whole;
    } else if (whole < 100000000000000000ULL) {
        ms = (int64_t)(whole / 1000);
    } else {
        ms = (int64_t)(whole / 1000000);
    }
    *out = ms;
    return true;
}

bool kt_time_parse_any(struct kt_str s, int64_t *ms)
{
    s = kt_str_trim(s);
    if (s.len >= 10 && s.ptr[4] == '-') {
        return kt_time_parse_iso(s, ms);
    }
    if (s.len > 0 && s.ptr[0] >= '0' && s.ptr[0] <= '9' && s.len >= 3 && s.ptr[2] == '/') {
        return kt_time_parse_clf(s, ms);
    }
    return kt_time_parse_epoch(s, ms);
}

size_t kt_time_format(int64_t ms, char out[KT_TIME_STRLEN])
{
    if (ms == KT_TIME_NONE) {
        out[0] = '\0';
        return 0;
    }
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t rem_ms = ms - secs * 1000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t year;
    unsigned mon, day;
    civil_from_days(days, &year, &mon, &day);
    int n;
    if (rem_ms != 0) {
        n = snprintf(out, KT_TIME_STRLEN, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                     (long long)year, mon, day, (unsigned)(sod / 3600),
                     (unsigned)(sod / 60 % 60), (unsigned)(sod % 60), (unsigned)rem_ms);
    } else {
        n = snprintf(out, KT_TIME_STRLEN, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)year,
                     mon, day, (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
                     (unsigned)(sod % 60));
    }
    return n > 0 ? (size_t)n : 0;
}

bool kt_time_parse_arg(const char *s, int64_t *ms)
{
    struct kt_str str = kt_str_cstr(s);
    if (str.len == 10) {
        const char *p = s, *end = s + 10;
        unsigned y, mon, day;
        if (digits(&p, end, 4, &y) && *p++ == '-' && digits(&p, end, 2, &mon) && *p++ == '-' &&
            digits(&p, end, 2, &day) && valid_fields(y, mon, day, 0, 0, 0)) {
            *ms = compose_ms(y, mon, day, 0, 0, 0, 0, 0);
            return true;
        }
        return false;
    }
    return kt_time_parse_iso(str, ms);
}
