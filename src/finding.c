/*
 * Helpers detectors use to build findings and their reasons (include/keytrail/detector.h).
 *
 * Everything copied from the event into a finding goes through the redactor: a finding is
 * printed as an alert and kept in reports, so nothing in it may carry a token.
 */
#include <keytrail/detector.h>
#include <keytrail/useragent.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void kt_finding_start(struct kt_finding *f, const struct kt_det_input *in, const char *detector,
                      enum kt_severity sev, int score, const char *value_fmt, ...)
{
    memset(f, 0, sizeof(*f));
    f->detector = detector;
    f->severity = sev;
    f->score = score < 0 ? 0 : score > 100 ? 100 : score;
    f->key = in->cred->key;
    f->time_ms = in->ev->time_ms;
    f->last_ms = in->ev->time_ms;
    f->count = 1;
    char value[KT_FINDING_VALUE];
    va_list ap;
    va_start(ap, value_fmt);
    vsnprintf(value, sizeof(value), value_fmt, ap);
    va_end(ap);
    kt_cred_redact(kt_str_cstr(value), f->value, sizeof(f->value));
    if (in->ev->ip.len > 0) {
        kt_cred_redact(in->ev->ip, f->ip, sizeof(f->ip));
    }
    memcpy(f->country, in->obs->geo.country, sizeof(f->country));
    f->asn = in->obs->geo.asn;
}

void kt_finding_reason(struct kt_finding *f, const char *fmt, ...)
{
    char reason[KT_FINDING_REASON];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    kt_cred_redact(kt_str_cstr(reason), f->reason, sizeof(f->reason));
}

void kt_finding_extra(struct kt_finding *f, const char *name, double value)
{
    if (f->n_extra < KT_FINDING_EXTRA) {
        f->extra[f->n_extra].name = name;
        f->extra[f->n_extra].value = value;
        f->n_extra++;
    }
}

const char *kt_fmt_count(uint64_t n, char *out, size_t cap)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%" PRIu64, n);
    size_t o = 0;
    for (int i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < cap) {
            out[o++] = ' ';
        }
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

/* Appends ", item" (or "item" when first) to out, within cap. */
static void append_item(char *out, size_t cap, size_t *len, const char *item)
{
    int n = snprintf(out + *len, cap - *len, "%s%s", *len ? ", " : "", item);
    if (n > 0) {
        *len = KT_MIN(*len + (size_t)n, cap - 1);
    }
}

/* Indices of the first n slots sorted by count, highest first (insertion sort: n is tiny). */
static size_t top_indices(const uint32_t *counts, size_t n, size_t max, size_t *idx)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (counts[i] == 0) {
            continue;
        }
        size_t j = k;
        while (j > 0 && counts[idx[j - 1]] < counts[i]) {
            if (j < max) {
                idx[j] = idx[j - 1];
            }
            j--;
        }
        if (j < max) {
            idx[j] = i;
        }
        if (k < max) {
            k++;
        }
    }
    return k;
}

const char *kt_fmt_countries(const struct kt_baseline *b, size_t max, char *out, size_t cap)
{
    uint32_t counts[KT_BL_COUNTRIES];
    size_t idx[KT_BL_COUNTRIES];
    for (size_t i = 0; i < KT_BL_COUNTRIES; i++) {
        counts[i] = b->countries[i].code[0] ? b->countries[i].count : 0;
    }
    size_t n = top_indices(counts, KT_BL_COUNTRIES, KT_MIN(max, (size_t)KT_BL_COUNTRIES), idx);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char code[3] = { b->countries[idx[i]].code[0], b->countries[idx[i]].code[1], '\0' };
        append_item(out, cap, &len, code);
    }
    if (len == 0) {
        snprintf(out, cap, "no known country");
    }
    return out;
}

const char *kt_fmt_agents(const struct kt_baseline *b, size_t max, char *out, size_t cap)
{
    uint32_t counts[KT_BL_AGENTS];
    size_t idx[KT_BL_AGENTS];
    for (size_t i = 0; i < KT_BL_AGENTS; i++) {
        counts[i] = b->agents[i].id ? b->agents[i].count : 0;
    }
    size_t n = top_indices(counts, KT_BL_AGENTS, KT_MIN(max, (size_t)KT_BL_AGENTS), idx);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char name[KT_BL_AGENT_NAME + 1];
        kt_str_copy(name, sizeof(name),
                    kt_str_make(b->agents[idx[i]].name,
                                strnlen(b->agents[idx[i]].name, KT_BL_AGENT_NAME)));
        const char *shown = name[0] ? name : "(no user agent)";
        /* Two user agents can share a product name ("Mozilla/5.0"): name it once. */
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = strncmp(b->agents[idx[j]].name, b->agents[idx[i]].name, KT_BL_AGENT_NAME) == 0;
        }
        if (!dup) {
            append_item(out, cap, &len, shown);
        }
    }
    if (len == 0) {
        snprintf(out, cap, "no user agent");
    }
    return out;
}

int64_t kt_baseline_days(const struct kt_baseline *b)
{
    if (b->events == 0) {
        return 0;
    }
    return (b->last_ms - b->first_ms) / 86400000;
}

const char *kt_fmt_asn(uint32_t asn, char *out, size_t cap)
{
    if (asn == 0) {
        snprintf(out, cap, "an unknown network");
    } else {
        snprintf(out, cap, "AS%" PRIu32, asn);
    }
    return out;
}

const char *kt_fmt_agent_name(struct kt_str ua, char *out, size_t cap)
{
    if (kt_ua_display(ua, out, cap) == 0) {
        snprintf(out, cap, "(no user agent)");
    }
    return out;
}
